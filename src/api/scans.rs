//! Badge scans: a station reports a badge and gets the verdict; the scan log.

use axum::extract::State;

use super::error::ErrorBody;
use super::{ApiJson, ApiQuery, ApiResult, ApiState, Principal, StationKey, blocking};
use crate::domain::ScanEvent;
use crate::service::{self, ScanInput, ScanOutcome, ScanQuery};

/// Largest scan request: a QR text of at most a few hundred characters, in JSON.
pub const MAX_SCAN_BODY: usize = 4 * 1024;

#[utoipa::path(post, path = "/api/v1/scans", tag = "scans", request_body = ScanInput,
    responses((status = 200, body = ScanOutcome), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("station_key" = [])))]
/// A kiosk reports a badge; the answer is the verdict, and the scan is recorded.
pub async fn post_scan(
    State(st): State<ApiState>,
    StationKey(key): StationKey,
    ApiJson(input): ApiJson<ScanInput>,
) -> ApiResult<ApiJson<ScanOutcome>> {
    let out = blocking(move || service::record_scan(&st.store, &key, &input.payload)).await?;
    Ok(ApiJson(out))
}

#[utoipa::path(get, path = "/api/v1/scans", tag = "scans", params(ScanQuery),
    responses((status = 200, body = Vec<ScanEvent>)),
    security(("bearer" = [])))]
/// Recent scans, newest first.
pub async fn list_scans(
    State(st): State<ApiState>,
    p: Principal,
    ApiQuery(q): ApiQuery<ScanQuery>,
) -> ApiResult<ApiJson<Vec<ScanEvent>>> {
    p.require(p.role.can_view_all(), "view scans")?;
    let out = blocking(move || service::list_scans(&st.store, &q)).await?;
    Ok(ApiJson(out))
}
