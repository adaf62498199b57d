//! Certifications: list, read, certify and revoke.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::error::ErrorBody;
use super::{
    ApiJson, ApiPath, ApiQuery, ApiResult, ApiState, Page, PageQuery, Principal, blocking,
};
use crate::domain::Certification;
use crate::service::{self, CertifyInput, RevokeInput, ServiceError};

/// Certification listing filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CertQuery {
    /// Only this employee.
    pub employee_id: Option<Uuid>,
    /// Only this skill.
    pub skill_id: Option<Uuid>,
    /// Include revoked ones (default true).
    pub include_revoked: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/certifications", tag = "certifications",
    params(CertQuery, PageQuery),
    responses((status = 200, body = Page<Certification>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
/// Certifications, by employee or skill, oldest first, a page at a time.
pub async fn list_certifications(
    State(st): State<ApiState>,
    p: Principal,
    ApiQuery(q): ApiQuery<CertQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<Certification>>> {
    p.require(p.role.can_view_all(), "view certifications")?;
    let out = blocking(move || {
        let r = st.store.read()?;
        let revoked_ok = q.include_revoked.unwrap_or(true);
        let wanted = |c: &Certification| {
            c.deleted_at.is_none()
                && q.employee_id.is_none_or(|e| c.employee_id == e)
                && q.skill_id.is_none_or(|s| c.skill_id == s)
                && (revoked_ok || c.revoked.is_none())
        };
        // One person's or one skill's come through the index; all of them page the table.
        let indexed = match (q.employee_id, q.skill_id) {
            (Some(e), _) => Some(r.certifications_of(e)?),
            (None, Some(s)) => Some(r.certifications_in(s)?),
            (None, None) => None,
        };
        let rows = match indexed {
            Some(mut all) => {
                all.sort_by_key(|c| c.id);
                all.into_iter()
                    .filter(|c| page.after.is_none_or(|a| c.id > a))
                    .filter(|c| wanted(c))
                    .take(page.read_limit())
                    .collect()
            }
            None => r.page::<Certification>(page.after, false, page.read_limit(), wanted)?,
        };
        Ok(rows)
    })
    .await?;
    Ok(ApiJson(Page::from_read(out, &page, |c| c.id)))
}

#[utoipa::path(get, path = "/api/v1/certifications/{id}", tag = "certifications", params(("id" = Uuid, Path)),
    responses((status = 200, body = Certification), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
/// One certification.
pub async fn get_certification(
    State(st): State<ApiState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<Certification>> {
    p.require(p.role.can_view_all(), "view certifications")?;
    let c = blocking(move || {
        st.store
            .read()?
            .get::<Certification>(id)?
            .ok_or_else(|| ServiceError::not_found("certification", id))
    })
    .await?;
    Ok(ApiJson(c))
}

#[utoipa::path(post, path = "/api/v1/certifications", tag = "certifications", request_body = CertifyInput,
    responses((status = 201, body = Certification), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "not allowed to certify, or certifying (or naming as assessor) the employee linked to the caller's own login"),
        (status = 409, body = ErrorBody, description = "the same certification exists"),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// Certify an employee in a skill. `assessor` names who assessed the person when that was
/// not the caller (recorded as `certified_by`); evidence uploaded before with
/// `POST /api/v1/attachments` is referenced by SHA-256 in `attachments`.
pub async fn certify(
    State(st): State<ApiState>,
    p: Principal,
    ApiJson(input): ApiJson<CertifyInput>,
) -> ApiResult<(StatusCode, ApiJson<Certification>)> {
    p.require(p.role.can_certify(), "certify")?;
    let actor = p.actor();
    let c = blocking(move || service::certify(&st.store, &actor, input)).await?;
    Ok((StatusCode::CREATED, ApiJson(c)))
}

#[utoipa::path(post, path = "/api/v1/certifications/{id}/revoke", tag = "certifications",
    params(("id" = Uuid, Path)), request_body = RevokeInput,
    responses((status = 200, body = Certification), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// Revoke a certification (reason required).
pub async fn revoke(
    State(st): State<ApiState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<RevokeInput>,
) -> ApiResult<ApiJson<Certification>> {
    p.require(p.role.can_revoke(), "revoke certifications")?;
    let actor = p.actor();
    let c = blocking(move || service::revoke(&st.store, &actor, id, input)).await?;
    Ok(ApiJson(c))
}

#[utoipa::path(get, path = "/api/v1/certifications/pending", tag = "certifications",
    responses((status = 200, body = Vec<Certification>), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
/// Certifications waiting for four-eyes approval, oldest first (for approvers).
pub async fn pending(
    State(st): State<ApiState>,
    p: Principal,
) -> ApiResult<ApiJson<Vec<Certification>>> {
    p.require(p.role.can_certify(), "approve certifications")?;
    let out = blocking(move || service::pending_approvals(&st.store)).await?;
    Ok(ApiJson(out))
}

#[utoipa::path(post, path = "/api/v1/certifications/{id}/approve", tag = "certifications",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Certification), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
/// Approve a pending certification as the second trainer or skill manager (not the certifier).
pub async fn approve(
    State(st): State<ApiState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<Certification>> {
    p.require(p.role.can_certify(), "approve certifications")?;
    let actor = p.actor();
    let c = blocking(move || service::approve(&st.store, &actor, id)).await?;
    Ok(ApiJson(c))
}

#[utoipa::path(post, path = "/api/v1/certifications/{id}/reject", tag = "certifications",
    params(("id" = Uuid, Path)), request_body = RevokeInput,
    responses((status = 200, body = Certification), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// Reject a pending certification (reason required) as the second person.
pub async fn reject(
    State(st): State<ApiState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<RevokeInput>,
) -> ApiResult<ApiJson<Certification>> {
    p.require(p.role.can_certify(), "approve certifications")?;
    let actor = p.actor();
    let c = blocking(move || service::reject(&st.store, &actor, id, input)).await?;
    Ok(ApiJson(c))
}
