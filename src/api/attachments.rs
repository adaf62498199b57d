//! Evidence attachments: upload by SHA-256 and download.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::ErrorBody;
use super::{ApiJson, ApiPath, ApiQuery, ApiResult, ApiState, Principal, blocking};
use crate::domain::Attachment;
use crate::service::{self, ServiceError};

/// Largest attachment accepted (evidence scans, photos): the service's limit.
pub const MAX_ATTACHMENT: usize = crate::service::MAX_EVIDENCE_BYTES;

/// Attachment upload options.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// Original file name.
    pub name: String,
}

#[utoipa::path(post, path = "/api/v1/attachments", tag = "certifications", params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = Attachment), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// Upload evidence (raw body); reference it by SHA-256 when certifying.
pub async fn upload_attachment(
    State(st): State<ApiState>,
    p: Principal,
    ApiQuery(q): ApiQuery<UploadQuery>,
    body: Bytes,
) -> ApiResult<(StatusCode, ApiJson<Attachment>)> {
    p.require(p.role.can_certify(), "upload evidence")?;
    let actor = p.actor();
    let a = blocking(move || service::store_attachment(&st.store, &actor, &q.name, &body)).await?;
    Ok((StatusCode::CREATED, ApiJson(a)))
}

#[utoipa::path(get, path = "/api/v1/attachments/{sha256}", tag = "certifications",
    params(("sha256" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
/// Download an attachment.
pub async fn get_attachment(
    State(st): State<ApiState>,
    p: Principal,
    ApiPath(sha): ApiPath<String>,
) -> ApiResult<impl IntoResponse> {
    p.require(p.role.can_view_all(), "view evidence")?;
    let (meta, bytes) = blocking(move || {
        let meta = st
            .store
            .read()?
            .attachment(&sha)?
            .ok_or_else(|| ServiceError::not_found("attachment", &sha))?;
        let bytes = st
            .store
            .attachment_bytes(&sha)?
            .ok_or_else(|| ServiceError::not_found("attachment file", &sha))?;
        Ok((meta, bytes))
    })
    .await?;
    // Only types from the allow-list are shown inline, under the type the bytes really are;
    // everything else downloads as opaque bytes (and `nosniff` is on every response).
    let name = meta.name.replace(['"', '\\'], "");
    let (mime, disposition) = match service::evidence_type(&bytes) {
        Some(mime) => (mime, format!("inline; filename=\"{name}\"")),
        None => (
            "application/octet-stream",
            format!("attachment; filename=\"{name}\""),
        ),
    };
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    ))
}
