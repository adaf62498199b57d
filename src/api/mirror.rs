//! The kiosk mirror: each station uploads the screen it shows, and supervisors can see what
//! the line sees without walking to it.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use uuid::Uuid;

use super::error::ErrorBody;
use super::{
    ApiError, ApiPath, ApiResult, ApiState, Principal, StationKey, StationRequest, blocking,
};
use crate::service::{self, ServiceError};

/// Largest screen image accepted.
pub const MAX_MIRROR: usize = 4 * 1024 * 1024;

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

#[utoipa::path(put, path = "/api/v1/station/mirror", tag = "stations",
    request_body(content = Vec<u8>, content_type = "image/png"),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("station_key" = [])))]
/// A kiosk reports the screen it shows now (PNG).
pub async fn put_mirror(
    State(st): State<ApiState>,
    StationRequest(StationKey(key), body): StationRequest<Bytes>,
) -> ApiResult<StatusCode> {
    if body.len() > MAX_MIRROR {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "the screen image is larger than 4 MiB",
        ));
    }
    if !body.starts_with(PNG_SIGNATURE) {
        return Err(ServiceError::invalid("body", "the screen image must be a PNG").into());
    }
    blocking(move || {
        let station = service::authenticate_station(&st.store.read()?, &key)?;
        Ok(st.store.put_station_mirror(station.id, &body)?)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/stations/{id}/mirror.png", tag = "stations",
    params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "image/png"), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
/// What a station's screen showed last.
pub async fn get_mirror(
    State(st): State<ApiState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<impl IntoResponse> {
    p.require(p.role.can_view_all(), "view stations")?;
    let png = blocking(move || {
        st.store
            .station_mirror(id)?
            .ok_or_else(|| ServiceError::not_found("station screen", id))
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        png,
    ))
}
