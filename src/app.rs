//! The whole HTTP application: the JSON API and, beside it, the web UI.

use axum::Router;

use crate::api::{self, AppState};

/// Every route the appliance serves, over one shared state.
pub fn app(state: AppState) -> Router {
    api::router(state.clone()).merge(crate::web::router().with_state(state))
}
