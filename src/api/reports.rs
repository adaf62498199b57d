//! Matrix, scans, audit trail, attachments and health.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::error::ErrorBody;
use super::{
    ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, ApiState, Principal, StationKey, blocking,
};
use crate::domain::{Attachment, AuditEvent, ScanEvent};
use crate::service::{self, Matrix, MatrixFilter, ScanInput, ScanOutcome, ScanQuery, ServiceError};
use crate::store::{ChainReport, Counts};

#[utoipa::path(get, path = "/api/v1/matrix", tag = "reports", params(MatrixFilter),
    responses((status = 200, body = Matrix), (status = 400, body = ErrorBody)),
    security(("bearer" = [])))]
/// Employees × skills with each cell's status, filtered.
pub async fn matrix(
    State(st): State<ApiState>,
    p: Principal,
    ApiQuery(filter): ApiQuery<MatrixFilter>,
) -> ApiResult<ApiJson<Matrix>> {
    p.require(p.role.can_view_all(), "view the matrix")?;
    let m = blocking(move || service::matrix(&st.store, &filter, jiff::Timestamp::now())).await?;
    Ok(ApiJson(m))
}

#[utoipa::path(post, path = "/api/v1/scans", tag = "scans", request_body = ScanInput,
    responses((status = 200, body = ScanOutcome), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
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

/// Audit log filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this entity kind, e.g. `certification`.
    pub entity: Option<String>,
    /// Only this record.
    pub entity_id: Option<Uuid>,
    /// Only actors whose name contains this text (ignoring case).
    pub actor: Option<String>,
    /// From this time (RFC 3339).
    #[param(value_type = Option<String>)]
    pub from: Option<jiff::Timestamp>,
    /// Until this time (RFC 3339).
    #[param(value_type = Option<String>)]
    pub to: Option<jiff::Timestamp>,
    /// At most this many, newest first (default 200, max 5000).
    pub limit: Option<usize>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Vec<AuditEvent>), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
/// The audit trail, newest first.
pub async fn audit(
    State(st): State<ApiState>,
    p: Principal,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<ApiJson<Vec<AuditEvent>>> {
    p.require(p.role.can_view_audit(), "view the audit log")?;
    let filter = service::AuditFilter {
        entity: q.entity,
        entity_id: q.entity_id,
        actor: q.actor,
        from: q.from,
        to: q.to,
        limit: q.limit.unwrap_or(200),
    };
    let out = blocking(move || service::audit_log(&st.store, &filter)).await?;
    Ok(ApiJson(out))
}

#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit",
    responses((status = 200, body = ChainReport), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
/// Check the audit hash chain end to end.
pub async fn verify_audit(
    State(st): State<ApiState>,
    p: Principal,
) -> ApiResult<ApiJson<ChainReport>> {
    p.require(p.role.can_view_audit(), "verify the audit log")?;
    let out = blocking(move || Ok(st.store.read()?.verify_audit()?)).await?;
    Ok(ApiJson(out))
}

/// Largest attachment accepted (evidence scans, photos).
pub const MAX_ATTACHMENT: usize = 20 * 1024 * 1024;

/// Attachment upload options.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// Original file name.
    pub name: String,
}

#[utoipa::path(post, path = "/api/v1/attachments", tag = "certifications", params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = Attachment), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// Upload evidence (raw body); reference it by SHA-256 when certifying.
pub async fn upload_attachment(
    State(st): State<ApiState>,
    p: Principal,
    ApiQuery(q): ApiQuery<UploadQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<(StatusCode, ApiJson<Attachment>)> {
    p.require(p.role.can_certify(), "upload evidence")?;
    let mime = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    let actor = p.actor();
    let a = blocking(move || service::store_attachment(&st.store, &actor, &q.name, &mime, &body))
        .await?;
    Ok((StatusCode::CREATED, ApiJson(a)))
}

#[utoipa::path(get, path = "/api/v1/attachments/{sha256}", tag = "certifications",
    params(("sha256" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = ErrorBody)),
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
    let disposition = format!("attachment; filename=\"{}\"", meta.name.replace('"', ""));
    Ok((
        [
            (header::CONTENT_TYPE, meta.mime),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    ))
}

/// What `/healthz` reports.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the store answers.
    pub status: String,
    /// Application version.
    pub version: String,
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
/// Liveness and size of the appliance; no login needed.
pub async fn health(State(st): State<ApiState>) -> ApiResult<ApiJson<Health>> {
    let uptime = st.started.elapsed().as_secs();
    let h = blocking(move || {
        let counts = st.store.read()?.counts()?;
        Ok(Health {
            status: "ok".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            schema_version: crate::store::schema::CURRENT_VERSION,
            uptime_seconds: uptime,
            store_bytes: st.store.file_size(),
            counts,
        })
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", e.message))?;
    Ok(ApiJson(h))
}
