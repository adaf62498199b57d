//! Badge scans: a station reports a badge and gets the verdict; the scan log.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::error::ErrorBody;
use super::{
    ApiJson, ApiQuery, ApiResult, ApiState, Principal, StationKey, StationRequest, blocking,
};
use crate::domain::ScanEvent;
use crate::service::{self, ScanInput, ScanOutcome, ScanQuery};

/// Largest scan request: a QR text of at most a few hundred characters, in JSON.
pub const MAX_SCAN_BODY: usize = 4 * 1024;

#[utoipa::path(post, path = "/api/v1/scans", tag = "scans", request_body = ScanInput,
    responses((status = 200, body = ScanOutcome), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("station_key" = [])))]
/// A kiosk reports a badge; the answer is the verdict, and the scan is recorded.
pub async fn post_scan(
    State(st): State<ApiState>,
    StationRequest(StationKey(key), ApiJson(input)): StationRequest<ApiJson<ScanInput>>,
) -> ApiResult<ApiJson<ScanOutcome>> {
    let out = blocking(move || service::record_scan(&st.store, &key, &input.payload)).await?;
    Ok(ApiJson(out))
}

/// A page of scans, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScanPage {
    /// The scans.
    pub items: Vec<ScanEvent>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    pub next: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/scans", tag = "scans", params(ScanQuery),
    responses((status = 200, body = ScanPage), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
/// Recent scans, newest first, a page at a time.
pub async fn list_scans(
    State(st): State<ApiState>,
    p: Principal,
    ApiQuery(q): ApiQuery<ScanQuery>,
) -> ApiResult<ApiJson<ScanPage>> {
    p.require(p.role.can_view_all(), "view scans")?;
    let (items, next) = blocking(move || service::scan_page(&st.store, &q)).await?;
    Ok(ApiJson(ScanPage { items, next }))
}
