//! Requirement rows beyond create/read/update/delete (those are in `crud`): the preview of
//! adding a row, changing its level or deleting it.

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::error::ErrorBody;
use super::{ApiJson, ApiPath, ApiQuery, ApiResult, ApiState, Principal, heavy};
use crate::service::{self, RequirementChange, RequirementInput, RequirementPreview, ServiceError};

#[utoipa::path(post, path = "/api/v1/requirements/impact", tag = "requirements",
    request_body = RequirementInput,
    responses((status = 200, body = RequirementPreview), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// A dry run of `POST /api/v1/requirements` with the same body: what adding this row would
/// do now, who the row applies to, whose status in the skill changes (those who would no
/// longer be qualified first) and at which stations they would be refused. Nothing is
/// written.
pub async fn new_row_impact(
    State(st): State<ApiState>,
    p: Principal,
    ApiJson(input): ApiJson<RequirementInput>,
) -> ApiResult<ApiJson<RequirementPreview>> {
    p.require(p.role.can_manage_catalog(), "manage requirements")?;
    let change = RequirementChange::Add(input);
    let out =
        heavy(move || service::requirement_preview(&st.store, &change, jiff::Timestamp::now()))
            .await?;
    Ok(ApiJson(out))
}

/// The change to preview on an existing row: a new level, or deleting it.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RowChangeQuery {
    /// The level the row would require (its scope stays).
    pub level: Option<u8>,
    /// `true`: the row would be deleted.
    #[serde(default)]
    pub delete: bool,
}

#[utoipa::path(get, path = "/api/v1/requirements/{id}/impact", tag = "requirements",
    params(("id" = Uuid, Path), RowChangeQuery),
    responses((status = 200, body = RequirementPreview), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// What changing this row's level (`?level=N`) or deleting it (`?delete=true`) would do now,
/// judged like the matrix and the stations: whose status in the skill changes, who would no
/// longer be qualified, and at which stations they would be refused or let in. Nothing is
/// written; `PUT` or `DELETE` on the row makes the change.
pub async fn row_impact(
    State(st): State<ApiState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<RowChangeQuery>,
) -> ApiResult<ApiJson<RequirementPreview>> {
    p.require(p.role.can_manage_catalog(), "manage requirements")?;
    let change = match (q.level, q.delete) {
        (Some(level), false) => RequirementChange::SetLevel { id, level },
        (None, true) => RequirementChange::Delete { id },
        _ => {
            return Err(ServiceError::invalid(
                "level",
                "give either level=N (a new level) or delete=true",
            )
            .into());
        }
    };
    let out =
        heavy(move || service::requirement_preview(&st.store, &change, jiff::Timestamp::now()))
            .await?;
    Ok(ApiJson(out))
}
