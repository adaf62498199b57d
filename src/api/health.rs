//! `/healthz`: is the appliance up, and how big is it.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use super::error::ErrorBody;
use super::{ApiError, ApiJson, ApiResult, ApiState, Principal, blocking};
use crate::store::Counts;

/// What `/healthz` reports. Without a token only `status` and `version`: sizes and counts
/// tell an outsider how big the plant is.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the store answers.
    pub status: String,
    /// Application version.
    pub version: String,
    /// The rest, for a caller with an API token (any role).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub details: Option<HealthDetails>,
}

/// Health details for a logged-in caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthDetails {
    /// Store schema version.
    pub schema_version: u32,
    /// Seconds since start.
    pub uptime_seconds: u64,
    /// Database file size in bytes.
    pub store_bytes: u64,
    /// Records per table.
    pub counts: Counts,
}

#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, body = Health), (status = 503, body = ErrorBody)))]
/// Liveness of the appliance (no login needed); its size with an API token.
pub async fn health(
    State(st): State<ApiState>,
    caller: Option<Principal>,
) -> ApiResult<ApiJson<Health>> {
    let uptime = st.started.elapsed().as_secs();
    let h = blocking(move || {
        let counts = st.store.read()?.counts()?;
        Ok(Health {
            status: "ok".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            details: caller.map(|_| HealthDetails {
                schema_version: crate::store::schema::CURRENT_VERSION,
                uptime_seconds: uptime,
                store_bytes: st.store.file_size(),
                counts,
            }),
        })
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", e.message))?;
    Ok(ApiJson(h))
}
