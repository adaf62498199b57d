//! Skill revisions: list, draft, the activation preview and activation.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::error::ErrorBody;
use super::{ApiJson, ApiPath, ApiQuery, ApiResult, ApiState, Principal, blocking};
use crate::domain::{Skill, SkillRevision};
use crate::service::{self, ActivationInput, ActivationPreview, RevisionInput, ServiceError};

#[utoipa::path(get, path = "/api/v1/skills/{id}/revisions", tag = "skills", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<SkillRevision>), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
/// A skill's revisions, oldest first.
pub async fn list_revisions(
    State(st): State<ApiState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<Vec<SkillRevision>>> {
    p.require(p.role.can_view_all(), "view skills")?;
    let out = blocking(move || {
        let r = st.store.read()?;
        r.get::<Skill>(id)?
            .ok_or_else(|| ServiceError::not_found("skill", id))?;
        Ok(r.revisions_of(id)?)
    })
    .await?;
    Ok(ApiJson(out))
}

#[utoipa::path(post, path = "/api/v1/skills/{id}/revisions", tag = "skills", params(("id" = Uuid, Path)),
    request_body = RevisionInput,
    responses((status = 201, body = SkillRevision), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
/// Add a draft revision (or the first, active one).
pub async fn create_revision(
    State(st): State<ApiState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<RevisionInput>,
) -> ApiResult<(StatusCode, ApiJson<SkillRevision>)> {
    p.require(p.role.can_manage_catalog(), "manage revisions")?;
    let actor = p.actor();
    let rev = blocking(move || service::create_revision(&st.store, &actor, id, input)).await?;
    Ok((StatusCode::CREATED, ApiJson(rev)))
}

#[utoipa::path(get, path = "/api/v1/revisions/{id}/activation-preview", tag = "skills",
    params(("id" = Uuid, Path), ActivationInput),
    responses((status = 200, body = ActivationPreview), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
/// Who would become RETRAINING_DUE or OUTDATED, and at which stations they would be refused,
/// if this draft were activated now with this effective date and grace period.
pub async fn activation_preview(
    State(st): State<ApiState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(input): ApiQuery<ActivationInput>,
) -> ApiResult<ApiJson<ActivationPreview>> {
    p.require(p.role.can_manage_catalog(), "manage revisions")?;
    let out =
        blocking(move || service::activation_preview(&st.store, id, input, jiff::Timestamp::now()))
            .await?;
    Ok(ApiJson(out))
}

/// A revision change: the revision now in force and the one it replaced.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionChange {
    /// The revision active now.
    pub active: SkillRevision,
    /// The revision archived (activation) or withdrawn to draft (rollback).
    pub replaced: Option<SkillRevision>,
}

#[utoipa::path(post, path = "/api/v1/revisions/{id}/activate", tag = "skills",
    params(("id" = Uuid, Path), ActivationInput),
    responses((status = 200, body = RevisionChange), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
/// Activate a draft with an effective date and grace period (query); the current active
/// revision is archived.
pub async fn activate_revision(
    State(st): State<ApiState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(input): ApiQuery<ActivationInput>,
) -> ApiResult<ApiJson<RevisionChange>> {
    p.require(p.role.can_manage_catalog(), "manage revisions")?;
    let actor = p.actor();
    let (active, replaced) =
        blocking(move || service::activate_revision(&st.store, &actor, id, input)).await?;
    Ok(ApiJson(RevisionChange { active, replaced }))
}

#[utoipa::path(post, path = "/api/v1/skills/{id}/revisions/rollback", tag = "skills",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = RevisionChange), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
/// Undo a mistaken activation: the active revision goes back to draft and the one it
/// replaced is active again (audited).
pub async fn rollback_revision(
    State(st): State<ApiState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<RevisionChange>> {
    p.require(p.role.can_manage_catalog(), "manage revisions")?;
    let actor = p.actor();
    let (active, withdrawn) =
        blocking(move || service::rollback_revision(&st.store, &actor, id)).await?;
    Ok(ApiJson(RevisionChange {
        active,
        replaced: Some(withdrawn),
    }))
}
