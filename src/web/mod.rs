//! The supervisor web UI (server-rendered with maud, plain forms, no JavaScript needed) and
//! the public badge page. Every handler checks the logged-in user's role on the server and
//! calls the same service layer as the JSON API.

mod badge;
mod layout;
mod pages;
mod session;
mod throttle;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};

pub use session::{SESSION_COOKIE, WebUser};
pub use throttle::{LoginThrottle, RateLimit};

use crate::store::Store;

/// Web UI settings.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// A session unused for this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after login, used or not.
    pub absolute_timeout: Duration,
    /// Base URL printed in badge QR codes, e.g. `https://caliber.plant.local`; `None` uses the
    /// request's Host.
    pub public_url: Option<String>,
    /// Failed logins per account or address before a lock.
    pub max_login_failures: usize,
    /// How long failures are remembered (and a lock lasts).
    pub login_window: Duration,
    /// Badge page requests per client per minute (burst of 10).
    pub badge_per_minute: u32,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 3600),
            public_url: None,
            max_login_failures: 5,
            login_window: Duration::from_secs(15 * 60),
            badge_per_minute: 60,
        }
    }
}

impl WebSettings {
    /// The session timeouts, for the service layer.
    pub fn session_limits(&self) -> crate::service::SessionLimits {
        crate::service::SessionLimits {
            idle: self.idle_timeout,
            absolute: self.absolute_timeout,
        }
    }
}

/// Web settings with their in-memory guards.
#[derive(Debug)]
pub struct WebState {
    /// The settings.
    pub settings: WebSettings,
    /// Failed logins per account.
    pub logins: LoginThrottle,
    /// Failed logins per client address (four times the per-account allowance: a shared PC
    /// on the shop floor must not lock everyone out after one person's typos).
    pub login_ips: LoginThrottle,
    /// Public badge page requests per address.
    pub badge_limit: RateLimit,
}

impl WebState {
    /// State for `settings`.
    pub fn new(settings: WebSettings) -> Self {
        WebState {
            logins: LoginThrottle::new(settings.max_login_failures, settings.login_window),
            login_ips: LoginThrottle::new(settings.max_login_failures * 4, settings.login_window),
            badge_limit: RateLimit::new(10, settings.badge_per_minute),
            settings,
        }
    }
}

/// What every web handler shares: the store and the web settings with their guards.
#[derive(Clone)]
pub struct UiState {
    /// The store.
    pub store: Arc<Store>,
    /// Settings, login throttling and public rate limits.
    pub web: Arc<WebState>,
}

/// Every web route over `state`.
pub fn router(state: UiState) -> Router {
    Router::new()
        .route("/", get(pages::dashboard))
        .route("/style.css", get(layout::stylesheet))
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route(
            "/employees",
            get(pages::employees).post(pages::create_employee),
        )
        .route("/employees/new", get(pages::new_employee))
        .route(
            "/employees/{id}",
            get(pages::employee).post(pages::update_employee),
        )
        .route("/employees/{id}/edit", get(pages::edit_employee))
        .route("/employees/{id}/badge", post(pages::regenerate_badge))
        .route("/employees/{id}/qr.svg", get(badge::qr_svg))
        .route("/employees/{id}/qr.png", get(badge::qr_png))
        .route("/badges/print", get(badge::print_sheet))
        .route("/certify", get(pages::certify_form).post(pages::certify))
        .route(
            "/certifications/{id}/revoke",
            get(pages::revoke_form).post(pages::revoke),
        )
        .route("/matrix", get(pages::matrix))
        .route("/matrix.csv", get(pages::matrix_csv))
        .route("/skills", get(pages::skills).post(pages::create_skill))
        .route(
            "/skills/{id}",
            get(pages::skill).post(pages::create_revision),
        )
        .route(
            "/revisions/{id}/activate",
            get(pages::activation_preview).post(pages::activate),
        )
        .route(
            "/requirements",
            get(pages::requirements).post(pages::create_requirement),
        )
        .route("/skills/{id}/edit", post(pages::update_skill))
        .route("/requirements/{id}/level", post(pages::update_requirement))
        .route("/requirements/{id}/delete", post(pages::delete_requirement))
        .route("/users", get(pages::users).post(pages::create_user))
        .route("/users/{id}", post(pages::update_user))
        .route(
            "/stations",
            get(pages::stations).post(pages::create_station),
        )
        .route("/stations/{id}/key", post(pages::rotate_key))
        .route("/audit", get(pages::audit))
        .route("/me", get(pages::me))
        .route("/b/{token}", get(badge::public_badge))
        .with_state(state)
}
