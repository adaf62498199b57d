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
    /// Fingerprint of the device key that signs this box's backup bundles (SHA-256 of the
    /// Ed25519 public key, hex): what the central archive enrols.
    pub device_fingerprint: String,
    /// How the backups stand: `ok`, or `never`, `failed`, `overdue` (a warning to act on).
    pub backup: crate::service::BackupHealth,
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
    /// When the last backup succeeded.
    #[schema(value_type = Option<String>)]
    pub backup_last_ok_at: Option<jiff::Timestamp>,
    /// Why the last backup failed, if it did.
    pub backup_error: Option<String>,
}

#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, body = Health),
        (status = 401, body = ErrorBody, description = "A token was sent and is not valid (none is needed)"),
        (status = 503, body = ErrorBody)))]
/// Liveness of the appliance (no login needed); its size with an API token.
pub async fn health(
    State(st): State<ApiState>,
    caller: Option<Principal>,
) -> ApiResult<ApiJson<Health>> {
    let uptime = st.started.elapsed().as_secs();
    let h = blocking(move || {
        let counts = st.store.read()?.counts()?;
        let backups = crate::service::backup_state(&st.store, &st.backup)?;
        Ok(Health {
            status: "ok".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            device_fingerprint: backups.fingerprint,
            backup: backups.health,
            details: caller.map(|_| HealthDetails {
                schema_version: crate::store::schema::CURRENT_VERSION,
                uptime_seconds: uptime,
                store_bytes: st.store.file_size(),
                counts,
                backup_last_ok_at: backups.status.last_ok_at,
                backup_error: backups.status.error,
            }),
        })
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", e.message))?;
    Ok(ApiJson(h))
}
