//! Stations beyond CRUD: creation with a key shown once, and key rotation.

use axum::extract::State;
use axum::http::StatusCode;
use uuid::Uuid;

use super::error::ErrorBody;
use super::{ApiJson, ApiPath, ApiResult, ApiState, Principal, blocking};
use crate::service::{self, StationCreated, StationInput};

#[utoipa::path(post, path = "/api/v1/stations", tag = "stations", request_body = StationInput,
    responses((status = 201, body = StationCreated), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// Create a station; its key is in the response only.
pub async fn create_station(
    State(st): State<ApiState>,
    p: Principal,
    ApiJson(input): ApiJson<StationInput>,
) -> ApiResult<(StatusCode, ApiJson<StationCreated>)> {
    p.require(p.role.can_manage_catalog(), "manage stations")?;
    let actor = p.actor();
    let s = blocking(move || service::create_station(&st.store, &actor, input)).await?;
    Ok((StatusCode::CREATED, ApiJson(s)))
}

#[utoipa::path(post, path = "/api/v1/stations/{id}/key", tag = "stations", params(("id" = Uuid, Path)),
    responses((status = 200, body = StationCreated), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
/// Give a station a new key; the old one stops working.
pub async fn rotate_station_key(
    State(st): State<ApiState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<StationCreated>> {
    p.require(p.role.can_manage_catalog(), "manage stations")?;
    let actor = p.actor();
    let s = blocking(move || service::rotate_station_key(&st.store, &actor, id)).await?;
    Ok(ApiJson(s))
}
