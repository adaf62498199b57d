//! The audit trail and its hash-chain check.

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::error::ErrorBody;
use super::{ApiJson, ApiQuery, ApiResult, ApiState, Principal, blocking};
use crate::domain::AuditEvent;
use crate::service::{self};
use crate::store::ChainReport;

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
