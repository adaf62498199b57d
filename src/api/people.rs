//! Employee actions beyond CRUD, users, and API tokens.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::error::ErrorBody;
use super::{
    ApiJson, ApiPath, ApiQuery, ApiResult, ApiState, BadgeView, Page, PageQuery, Principal, Shown,
    TokenView, blocking,
};
use crate::domain::{ApiToken, Certification, Employee};
use crate::service::{
    self, EmployeeQualification, ServiceError, TokenInput, UserInput, UserUpdate, UserView,
};

/// Which station to judge at.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QualificationQuery {
    /// Judge as at this station (its project and extra skills count).
    pub station: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/employees/{id}/qualification", tag = "employees",
    params(("id" = Uuid, Path), QualificationQuery),
    responses((status = 200, body = EmployeeQualification), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
/// Per-skill statuses with their requirement sources, and the verdict (at a station if given).
pub async fn qualification(
    State(st): State<ApiState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<QualificationQuery>,
) -> ApiResult<ApiJson<EmployeeQualification>> {
    p.require(
        p.role.can_view_all() || p.employee_id == Some(id),
        "view other employees' qualifications",
    )?;
    let out = blocking(move || {
        service::employee_qualification(&st.store, id, q.station, jiff::Timestamp::now())
    })
    .await?;
    Ok(ApiJson(out))
}

#[utoipa::path(get, path = "/api/v1/employees/{id}/certifications", tag = "employees",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Certification>), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
/// Every certification of an employee, revoked ones included.
pub async fn certifications(
    State(st): State<ApiState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<Vec<Certification>>> {
    p.require(
        p.role.can_view_all() || p.employee_id == Some(id),
        "view other employees' certifications",
    )?;
    let out = blocking(move || {
        let r = st.store.read()?;
        r.get::<Employee>(id)?
            .ok_or_else(|| ServiceError::not_found("employee", id))?;
        Ok(r.certifications_of(id)?
            .into_iter()
            .filter(|c| c.deleted_at.is_none())
            .collect())
    })
    .await?;
    Ok(ApiJson(out))
}

#[utoipa::path(post, path = "/api/v1/employees/{id}/badge", tag = "employees",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = BadgeView), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
/// Issue a new badge token; the old badge stops working at once.
pub async fn regenerate_badge(
    State(st): State<ApiState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<BadgeView>> {
    p.require(p.role.can_manage_catalog(), "regenerate badges")?;
    let actor = p.actor();
    let e = blocking(move || service::regenerate_badge(&st.store, &actor, id)).await?;
    Ok(ApiJson(BadgeView::from(&e)))
}

#[utoipa::path(get, path = "/api/v1/employees/{id}/badge", tag = "employees",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = BadgeView), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
/// The badge token of an employee, for printing a badge (admins and skill managers only:
/// whoever has it can show a station this person's badge).
pub async fn badge(
    State(st): State<ApiState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<BadgeView>> {
    p.require(p.role.can_manage_catalog(), "print badges")?;
    let e = blocking(move || service::live_employee(&st.store, id)).await?;
    Ok(ApiJson(BadgeView::from(&e)))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    params(PageQuery),
    responses((status = 200, body = Page<UserView>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
/// Logins, oldest first, a page at a time.
pub async fn list_users(
    State(st): State<ApiState>,
    p: Principal,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<UserView>>> {
    p.require(p.role.can_manage_users(), "manage users")?;
    let users = blocking(move || {
        Ok(st.store.read()?.page::<crate::domain::User>(
            page.after,
            false,
            page.read_limit(),
            |_| true,
        )?)
    })
    .await?;
    Ok(ApiJson(
        Page::from_read(users, &page, |u| u.id).map(|u| UserView::from(&u)),
    ))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserInput,
    responses((status = 201, body = UserView), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// Create a login.
pub async fn create_user(
    State(st): State<ApiState>,
    p: Principal,
    ApiJson(input): ApiJson<UserInput>,
) -> ApiResult<(StatusCode, ApiJson<UserView>)> {
    p.require(p.role.can_manage_users(), "manage users")?;
    let actor = p.actor();
    let u = blocking(move || service::create_user(&st.store, &actor, input)).await?;
    Ok((StatusCode::CREATED, ApiJson(UserView::from(&u))))
}

#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = Uuid, Path)),
    request_body = UserUpdate,
    responses((status = 200, body = UserView), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// Change a login's role, active flag, employee link or password.
pub async fn update_user(
    State(st): State<ApiState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<UserUpdate>,
) -> ApiResult<ApiJson<UserView>> {
    p.require(p.role.can_manage_users(), "manage users")?;
    let actor = p.actor();
    let u = blocking(move || service::update_user(&st.store, &actor, id, input)).await?;
    Ok(ApiJson(UserView::from(&u)))
}

/// A token just created, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenCreated {
    /// The token record.
    pub token: TokenView,
    /// The secret to send as `Authorization: Bearer …`; not stored, not shown again.
    pub secret: String,
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "users",
    params(PageQuery),
    responses((status = 200, body = Page<TokenView>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
/// API tokens (without secrets or their hashes), oldest first, a page at a time.
pub async fn list_tokens(
    State(st): State<ApiState>,
    p: Principal,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<TokenView>>> {
    p.require(p.role.can_manage_users(), "manage API tokens")?;
    let t = blocking(move || {
        Ok(st
            .store
            .read()?
            .page::<ApiToken>(page.after, false, page.read_limit(), |_| true)?)
    })
    .await?;
    Ok(ApiJson(
        Page::from_read(t, &page, |t| t.id).map(Shown::shown),
    ))
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "users", request_body = TokenInput,
    responses((status = 201, body = TokenCreated), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// Create an API token; the secret is in the response only.
pub async fn create_token(
    State(st): State<ApiState>,
    p: Principal,
    ApiJson(input): ApiJson<TokenInput>,
) -> ApiResult<(StatusCode, ApiJson<TokenCreated>)> {
    p.require(p.role.can_manage_users(), "manage API tokens")?;
    let actor = p.actor();
    let (token, secret) = blocking(move || service::create_token(&st.store, &actor, input)).await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(TokenCreated {
            token: token.shown(),
            secret,
        }),
    ))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 200, body = TokenView), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
/// Revoke an API token.
pub async fn revoke_token(
    State(st): State<ApiState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<TokenView>> {
    p.require(p.role.can_manage_users(), "manage API tokens")?;
    let actor = p.actor();
    let t = blocking(move || service::revoke_token(&st.store, &actor, id)).await?;
    Ok(ApiJson(t.shown()))
}
