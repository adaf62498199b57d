//! The supervisor web UI (server-rendered with maud, plain forms, no JavaScript needed) and
//! the public badge page. Every handler checks the logged-in user's role on the server and
//! calls the same service layer as the JSON API.

mod badge;
pub(crate) mod layout;
pub mod locale;
mod pages;
pub(crate) mod session;
mod setup;
mod throttle;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::routing::{MethodRouter, get, post};

pub use session::{SESSION_COOKIE, WebUser};
pub use throttle::{LoginThrottle, RateLimit, SavedThrottles, ThrottleSnapshot};

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
    /// The box serves HTTPS itself, so session cookies are `Secure`.
    pub tls: bool,
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
            tls: false,
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

/// Web settings with their guards (the login throttles are saved across restarts by
/// `cli::serve`, see [`WebState::saved_throttles`]).
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
    /// Uploaded files previewed and waiting for their commit.
    pub(crate) imports: pages::StagedImports,
}

impl WebState {
    /// State for `settings`.
    pub fn new(settings: WebSettings) -> Self {
        WebState {
            logins: LoginThrottle::new(settings.max_login_failures, settings.login_window),
            login_ips: LoginThrottle::new(settings.max_login_failures * 4, settings.login_window),
            badge_limit: RateLimit::new(10, settings.badge_per_minute),
            imports: pages::StagedImports::default(),
            settings,
        }
    }

    /// Whether a login throttle changed since the last call (a failure, a successful login
    /// or an unlock): the saver writes the file only then.
    pub fn throttles_changed(&self) -> bool {
        // Both marks are taken, whichever is set.
        let accounts = self.logins.take_dirty();
        let addresses = self.login_ips.take_dirty();
        accounts || addresses
    }

    /// The failed logins both throttles still count at `now`, to be saved.
    pub fn saved_throttles(&self, now: jiff::Timestamp) -> SavedThrottles {
        SavedThrottles {
            accounts: self.logins.snapshot(now),
            addresses: self.login_ips.snapshot(now),
        }
    }

    /// Take back saved failed logins (after a restart), those still inside the window.
    pub fn restore_throttles(&self, saved: &SavedThrottles, now: jiff::Timestamp) {
        self.logins.restore(&saved.accounts, now);
        self.login_ips.restore(&saved.addresses, now);
    }
}

/// What every web handler shares: the store and the web settings with their guards.
#[derive(Clone)]
pub struct UiState {
    /// The store.
    pub store: Arc<Store>,
    /// Settings, login throttling and public rate limits.
    pub web: Arc<WebState>,
    /// Backup settings (folder, schedule, recipients).
    pub backup: Arc<crate::service::BackupSettings>,
    /// Stations with fewer people qualified than this are flagged on the dashboard and the
    /// Stations page.
    pub min_coverage: usize,
}

/// One route of the web UI: its path and the methods it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebRoute {
    /// Path pattern, e.g. `/employees/{id}`.
    pub path: &'static str,
    /// `GET`, `POST` or both.
    pub methods: Vec<&'static str>,
}

/// The router under construction, with the list of what it serves: [`routes`] comes from the
/// same calls as [`router`], so a test over `routes()` sees every route a user can reach.
#[derive(Default)]
pub(crate) struct Routes {
    pub(crate) router: Router<UiState>,
    pub(crate) list: Vec<WebRoute>,
}

impl Routes {
    pub(crate) fn add(
        mut self,
        path: &'static str,
        methods: Vec<&'static str>,
        mr: MethodRouter<UiState>,
    ) -> Self {
        self.router = self.router.route(path, mr);
        self.list.push(WebRoute { path, methods });
        self
    }

    pub(crate) fn get<H: Handler<T, UiState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add(path, vec!["GET"], get(h))
    }

    pub(crate) fn post<H: Handler<T, UiState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add(path, vec!["POST"], post(h))
    }

    pub(crate) fn get_post<
        G: Handler<T, UiState>,
        T: 'static,
        P: Handler<U, UiState>,
        U: 'static,
    >(
        self,
        path: &'static str,
        g: G,
        p: P,
    ) -> Self {
        self.add(path, vec!["GET", "POST"], get(g).post(p))
    }
}

fn build() -> Routes {
    Routes::default()
        .get("/", pages::dashboard)
        .get("/style.css", layout::stylesheet)
        .get("/print.js", layout::print_script)
        .get_post("/login", session::login_form, session::login)
        .get_post("/setup", setup::setup_form, setup::setup)
        .post("/logout", session::logout)
        .get_post("/employees", pages::employees, pages::create_employee)
        .get("/employees/new", pages::new_employee)
        .get_post("/employees/{id}", pages::employee, pages::update_employee)
        .get("/employees/{id}/edit", pages::edit_employee)
        .post("/employees/{id}/badge", pages::regenerate_badge)
        .get("/employees/{id}/qr.svg", badge::qr_svg)
        .get("/employees/{id}/qr.png", badge::qr_png)
        .get("/badges/print", badge::print_sheet)
        .add(
            "/certify",
            vec!["GET", "POST"],
            get(pages::certify_form).post(pages::certify).layer(
                axum::extract::DefaultBodyLimit::max(pages::CERTIFY_BODY_LIMIT),
            ),
        )
        .get("/certify.js", pages::certify_script)
        .get("/attachments/{sha}", pages::attachment)
        .get_post(
            "/certifications/{id}/revoke",
            pages::revoke_form,
            pages::revoke,
        )
        .get("/matrix", pages::matrix)
        .get("/approvals", pages::approvals)
        .post("/approvals/{id}/approve", pages::approve)
        .post("/approvals/{id}/reject", pages::reject)
        .get("/matrix.csv", pages::matrix_csv)
        .get("/due", pages::due)
        .get("/due.csv", pages::due_csv)
        .get("/training", pages::training)
        .get("/training.csv", pages::training_csv)
        .get("/training/sheet", pages::training_sheet)
        .get("/imports", pages::imports)
        .add(
            "/imports/preview",
            vec!["POST"],
            post(pages::import_preview).layer(DefaultBodyLimit::max(pages::MAX_UPLOAD_BODY)),
        )
        .post("/imports/commit", pages::import_commit)
        .get("/exports/{file}", pages::export_records)
        .get("/matrix/{number}/{code}", pages::matrix_cell)
        .get_post("/skills", pages::skills, pages::create_skill)
        .get_post("/skills/{id}", pages::skill, pages::create_revision)
        .get_post(
            "/revisions/{id}/activate",
            pages::activation_preview,
            pages::activate,
        )
        .get_post(
            "/requirements",
            pages::requirements,
            pages::create_requirement,
        )
        .post("/skills/{id}/edit", pages::update_skill)
        .post("/skills/{id}/rollback", pages::rollback)
        .post("/requirements/{id}/level", pages::update_requirement)
        .post("/requirements/{id}/delete", pages::delete_requirement)
        .get_post("/users", pages::users, pages::create_user)
        .post("/users/{id}", pages::update_user)
        .post("/users/{id}/unlock", pages::unlock_user)
        .get_post("/stations", pages::stations, pages::create_station)
        .post("/stations/{id}/key", pages::rotate_key)
        .get("/stations/{id}/screen.png", pages::station_screen)
        .get("/audit", pages::audit)
        .get("/audit.csv", pages::audit_csv)
        .get_post("/backups", pages::backups, pages::back_up_now)
        .get("/backups/{name}", pages::download_backup)
        .get("/me", pages::me)
        .get("/account", pages::account)
        .post("/account/language", pages::set_language)
        .get("/b/{token}", badge::public_badge)
}

/// Every web route over `state`.
pub fn router(state: UiState) -> Router {
    build()
        .router
        .with_state(state)
        .layer(axum::middleware::from_fn(locale::scope))
}

/// Every route [`router`] serves, with its methods (for the route × role test).
pub fn routes() -> Vec<WebRoute> {
    build().list
}
