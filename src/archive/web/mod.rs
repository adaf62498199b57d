//! `caliber archive serve`: the company view over HTTP, read-only.
//!
//! The pages read the [`CompanyView`] (every site's newest summary, its trend and its stored
//! bundles, kept in memory and reloaded when the archive changes), never a bundle, except to
//! hand a stored bundle back byte for byte on download.
//!
//! Logins are the box's: the router's state is a [`UiState`] over the archive's own state
//! store ([`super::state`]), so the box's login form and handler (login CSRF cookie,
//! throttling per account and address, audited failures), its session extractor
//! [`WebUser`] (server-side sessions with idle and absolute timeouts), its CSRF check, error
//! pages, stylesheet and security headers ([`crate::http::guard`]) serve the company view
//! unchanged. The company view reaches the handlers as an extension. Every handler checks
//! the role on the server: every login sees the company's figures; auditors and
//! administrators also see employees (a site's matrix), the enrolment log and download
//! stored bundles; administrators see the logins. The pages are in English.

mod pages;

use std::sync::Arc;

use axum::{Extension, Router};
use jiff::SignedDuration;

use super::CompanyView;
use crate::domain::AppRole;
use crate::store::Store;
use crate::web::layout;
use crate::web::session;
use crate::web::{Routes, UiState, WebRoute, WebSettings, WebState};

/// What the company view's handlers share besides the [`UiState`].
#[derive(Debug)]
pub struct CompanyState {
    /// The company view.
    pub view: Arc<CompanyView>,
    /// A site whose newest bundle is older than this is stale.
    pub stale_after: SignedDuration,
}

/// May see employees (a site's matrix), the enrolment log and download stored bundles.
pub fn sees_people(role: AppRole) -> bool {
    matches!(role, AppRole::Admin | AppRole::Auditor)
}

fn build() -> Routes {
    Routes::default()
        .get("/", pages::dashboard)
        .get("/style.css", layout::stylesheet)
        .get_post("/login", session::login_form, session::login)
        .post("/logout", session::logout)
        .get("/gaps", pages::gaps)
        .get("/expiring", pages::expiring)
        .get("/report.json", pages::report_json)
        .get("/report.csv", pages::report_csv)
        .get("/sites/{code}", pages::site)
        .get("/sites/{code}/matrix", pages::matrix)
        .get("/sites/{code}/matrix.json", pages::matrix_json)
        .get("/sites/{code}/bundles", pages::bundles)
        .get("/sites/{code}/bundles/{file}", pages::download)
        .get("/enrolments", pages::enrolments)
        .get("/users", pages::users)
}

/// The [`UiState`] of the company view: its state store and the web settings; the box's
/// backup settings and station coverage minimum in it are never used.
pub fn ui_state(store: Arc<Store>, settings: WebSettings) -> UiState {
    UiState {
        backup: Arc::new(crate::service::BackupSettings::defaults(store.dir())),
        store,
        web: Arc::new(WebState::new(settings)),
        min_coverage: crate::service::DEFAULT_MIN_COVERAGE,
    }
}

/// Every route of the company view, with the box's request timeout, security headers and
/// request tracing.
pub fn router(ui: UiState, company: Arc<CompanyState>) -> Router {
    build()
        .router
        .with_state(ui)
        .layer(Extension(company))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            crate::app::REQUEST_TIMEOUT,
        ))
        .layer(axum::middleware::from_fn(crate::http::guard))
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

/// Every route [`router`] serves, with its methods (for the route × role test).
pub fn routes() -> Vec<WebRoute> {
    build().list
}
