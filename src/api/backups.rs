//! Backups through the API (administrators): the list with the device key and the last
//! run's status, "back up now", and downloading a bundle.

use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::error::ErrorBody;
use super::{ApiError, ApiJson, ApiPath, ApiResult, ApiState, Principal, blocking};
use crate::service::{self, BackupFile, BackupHealth, BackupStatus};

/// The backups of this box.
#[derive(Debug, Serialize, ToSchema)]
pub struct Backups {
    /// Fingerprint of the device key that signs every bundle (enrol it at the archive).
    pub device_fingerprint: String,
    /// Whether bundles are encrypted (age recipients configured).
    pub encrypted: bool,
    /// How the backups stand now.
    pub health: BackupHealth,
    /// The last run.
    pub status: BackupStatus,
    /// The bundles kept on the box, newest first.
    pub bundles: Vec<BackupFile>,
    /// When the backup running in the background started, if one runs.
    #[schema(value_type = Option<String>)]
    pub running_since: Option<jiff::Timestamp>,
}

/// A backup still being written when `POST /api/v1/backups` answered; `GET /api/v1/backups`
/// shows it when it is done.
#[derive(Debug, Serialize, ToSchema)]
pub struct BackupRunning {
    /// When it started.
    #[schema(value_type = String)]
    pub running_since: jiff::Timestamp,
}

/// How long `POST /api/v1/backups` waits for the bundle before answering 202: well inside the
/// request timeout.
pub const BACKUP_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

/// A bundle just written.
#[derive(Debug, Serialize, ToSchema)]
pub struct BackupMade {
    /// File name.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// Sequence number.
    pub sequence: u64,
    /// Whether it is encrypted.
    pub encrypted: bool,
    /// Device key fingerprint that signed it.
    pub fingerprint: String,
}

#[utoipa::path(get, path = "/api/v1/backups", tag = "backups",
    responses((status = 200, body = Backups), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
/// The backups kept on the box and the last run's status.
pub async fn list_backups(State(st): State<ApiState>, p: Principal) -> ApiResult<ApiJson<Backups>> {
    p.require(p.role.can_manage_users(), "manage backups")?;
    let out = blocking(move || service::backup_overview(&st.store, &st.backup)).await?;
    Ok(ApiJson(Backups {
        device_fingerprint: out.fingerprint,
        encrypted: out.encrypted,
        health: out.health,
        status: out.status,
        bundles: out.bundles,
        running_since: out.running_since,
    }))
}

#[utoipa::path(post, path = "/api/v1/backups", tag = "backups",
    responses((status = 201, body = BackupMade), (status = 202, body = BackupRunning),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 500, body = ErrorBody)),
    security(("bearer" = [])))]
/// Back up now: a bundle into the box's backup folder (the oldest beyond the kept number go).
/// 201 with the bundle when it is written within [`BACKUP_WAIT`], else 202 while it goes on
/// being written; 409 while another backup started this way still runs.
pub async fn create_backup(State(st): State<ApiState>, p: Principal) -> ApiResult<Response> {
    p.require(p.role.can_manage_users(), "make backups")?;
    let running = st.backup.running.clone();
    let done = service::start_backup(st.store.clone(), st.backup.clone(), p.actor())?;
    let info = match tokio::time::timeout(BACKUP_WAIT, done).await {
        Ok(Ok(outcome)) => outcome?,
        Ok(Err(_)) => {
            return Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "The backup stopped without an outcome; see the server log.",
            ));
        }
        Err(_) => {
            let since = running.since().unwrap_or_else(jiff::Timestamp::now);
            return Ok((
                StatusCode::ACCEPTED,
                ApiJson(BackupRunning {
                    running_since: since,
                }),
            )
                .into_response());
        }
    };
    Ok((
        StatusCode::CREATED,
        ApiJson(BackupMade {
            name: info
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            size: info.size,
            sequence: info.sequence,
            encrypted: info.encrypted,
            fingerprint: info.fingerprint,
        }),
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/backups/{name}", tag = "backups", params(("name" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
/// Download a bundle kept on the box.
pub async fn download_backup(
    State(st): State<ApiState>,
    p: Principal,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<impl IntoResponse> {
    p.require(p.role.can_manage_users(), "download backups")?;
    let path = service::backup_path(&st.backup.dir, &name)
        .ok_or_else(|| ApiError::from(service::ServiceError::not_found("backup", &name)))?;
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|_| ApiError::from(service::ServiceError::not_found("backup", &name)))?;
    let stream = tokio_util::io::ReaderStream::new(file);
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        Body::from_stream(stream),
    ))
}
