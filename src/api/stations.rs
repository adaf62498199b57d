//! Stations beyond CRUD: creation with a key shown once, and key rotation.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::error::ErrorBody;
use super::{ApiJson, ApiPath, ApiResult, ApiState, Principal, Shown, StationView, blocking};
use crate::service::{self, StationCreated, StationInput};

/// A station just created or re-keyed, with its key shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct StationKeyIssued {
    /// The station.
    pub station: StationView,
    /// The key the kiosk sends; it is not stored and cannot be shown again.
    pub key: String,
}

impl From<StationCreated> for StationKeyIssued {
    fn from(s: StationCreated) -> Self {
        StationKeyIssued {
            station: s.station.shown(),
            key: s.key,
        }
    }
}

#[utoipa::path(post, path = "/api/v1/stations", tag = "stations", request_body = StationInput,
    responses((status = 201, body = StationKeyIssued), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// Create a station; its key is in the response only.
pub async fn create_station(
    State(st): State<ApiState>,
    p: Principal,
    ApiJson(input): ApiJson<StationInput>,
) -> ApiResult<(StatusCode, ApiJson<StationKeyIssued>)> {
    p.require(p.role.can_manage_catalog(), "manage stations")?;
    let actor = p.actor();
    let s = blocking(move || service::create_station(&st.store, &actor, input)).await?;
    Ok((StatusCode::CREATED, ApiJson(s.into())))
}

#[utoipa::path(post, path = "/api/v1/stations/{id}/key", tag = "stations", params(("id" = Uuid, Path)),
    responses((status = 200, body = StationKeyIssued), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
/// Give a station a new key; the old one stops working.
pub async fn rotate_station_key(
    State(st): State<ApiState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<StationKeyIssued>> {
    p.require(p.role.can_manage_catalog(), "manage stations")?;
    let actor = p.actor();
    let s = blocking(move || service::rotate_station_key(&st.store, &actor, id)).await?;
    Ok(ApiJson(s.into()))
}

/// Which coverage to compute.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    /// Only this station (default: every station).
    pub station_id: Option<Uuid>,
    /// Flag stations with fewer qualified people than this (default: the server's
    /// `min_coverage`, 3 unless configured).
    pub minimum: Option<usize>,
}

#[utoipa::path(get, path = "/api/v1/coverage", tag = "stations", params(CoverageQuery),
    responses((status = 200, body = service::Coverage), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
/// Who may run each station now, who lapses within 30 days, who on its line is blocked and
/// why; stations below the minimum coverage flagged. Readable by every role.
pub async fn coverage(
    State(st): State<ApiState>,
    _p: Principal,
    super::ApiQuery(q): super::ApiQuery<CoverageQuery>,
) -> ApiResult<ApiJson<service::Coverage>> {
    let minimum = q.minimum.unwrap_or(st.min_coverage);
    let out = super::heavy(move || {
        service::coverage(&st.store, q.station_id, minimum, jiff::Timestamp::now())
    })
    .await?;
    Ok(ApiJson(out))
}
