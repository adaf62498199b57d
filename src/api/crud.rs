//! Routes for records edited as a whole (sites, departments, roles, projects, employees,
//! skills, requirements, stations): one macro so every kind gets the same five routes, the
//! same role checks and the same OpenAPI description.

/// Generate `list`, `get`, `create`, `update` and `delete` handlers for an [`Editable`]
/// record kind, readable by anyone who may view everything and editable by catalog managers.
///
/// [`Editable`]: crate::service::Editable
macro_rules! crud {
    (
        $module:ident, $ty:ident, $input:ident, view = $view:ident, tag = $tag:literal,
        list = $list:literal, one = $one:literal $(, create = $create:ident)?
    ) => {
        /// Routes for one record kind.
        pub mod $module {
            use axum::extract::State;
            use axum::http::StatusCode;
            use uuid::Uuid;

            use crate::api::error::ErrorBody;
            use crate::api::paging::{Page, PageQuery};
            use crate::api::views::Shown;
            #[allow(unused_imports)]
            use crate::api::views::{EmployeeView, StationView};
            use crate::api::{ApiJson, ApiPath, ApiQuery, ApiResult, ApiState, Principal, blocking};
            #[allow(unused_imports)]
            use crate::domain::$ty;
            use crate::service::{self, $input};

            /// Listing options.
            #[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
            #[into_params(parameter_in = Query)]
            pub struct ListQuery {
                /// Include soft-deleted records.
                #[serde(default)]
                pub include_deleted: bool,
            }

            #[utoipa::path(get, path = $list, tag = $tag, params(ListQuery, PageQuery),
                responses((status = 200, body = Page<$view>), (status = 400, body = ErrorBody),
                    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
                security(("bearer" = [])))]
            /// Records, oldest first, a page at a time.
            pub async fn list(
                State(st): State<ApiState>,
                p: Principal,
                ApiQuery(q): ApiQuery<ListQuery>,
                ApiQuery(page): ApiQuery<PageQuery>,
            ) -> ApiResult<ApiJson<Page<$view>>> {
                p.require(p.role.can_view_all(), "view records")?;
                let rows = blocking(move || {
                    let r = st.store.read()?;
                    Ok(r.page::<$ty>(page.after, false, page.read_limit(), |x| {
                        q.include_deleted || x.deleted_at.is_none()
                    })?)
                })
                .await?;
                Ok(ApiJson(Page::from_read(rows, &page, |x| x.id).map(Shown::shown)))
            }

            #[utoipa::path(get, path = $one, tag = $tag, params(("id" = Uuid, Path)),
                responses((status = 200, body = $view), (status = 400, body = ErrorBody),
                    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
                    (status = 404, body = ErrorBody)),
                security(("bearer" = [])))]
            /// One record (deleted ones too, for history).
            pub async fn get(
                State(st): State<ApiState>,
                p: Principal,
                ApiPath(id): ApiPath<Uuid>,
            ) -> ApiResult<ApiJson<$view>> {
                p.require(p.role.can_view_all(), "view records")?;
                let rec = blocking(move || {
                    st.store
                        .read()?
                        .get::<$ty>(id)?
                        .ok_or_else(|| service::ServiceError::not_found(
                            <$ty as crate::store::Record>::ENTITY, id))
                })
                .await?;
                Ok(ApiJson(rec.shown()))
            }

            crud!(@create $ty, $input, $view, $tag, $list $(, $create)?);

            #[utoipa::path(put, path = $one, tag = $tag, params(("id" = Uuid, Path)), request_body = $input,
                responses((status = 200, body = $view), (status = 400, body = ErrorBody),
                    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
                    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
                    (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
                    (status = 422, body = ErrorBody)),
                security(("bearer" = [])))]
            /// Replace a record's fields.
            pub async fn update(
                State(st): State<ApiState>,
                p: Principal,
                ApiPath(id): ApiPath<Uuid>,
                ApiJson(input): ApiJson<$input>,
            ) -> ApiResult<ApiJson<$view>> {
                p.require(p.role.can_manage_catalog(), "change records")?;
                let actor = p.actor();
                let rec = blocking(move || service::update::<$ty>(&st.store, &actor, id, input)).await?;
                Ok(ApiJson(rec.shown()))
            }

            #[utoipa::path(delete, path = $one, tag = $tag, params(("id" = Uuid, Path)),
                responses((status = 200, body = $view), (status = 400, body = ErrorBody),
                    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
                    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
                security(("bearer" = [])))]
            /// Soft-delete a record: kept for the audit trail, gone everywhere else.
            pub async fn delete(
                State(st): State<ApiState>,
                p: Principal,
                ApiPath(id): ApiPath<Uuid>,
            ) -> ApiResult<ApiJson<$view>> {
                p.require(p.role.can_manage_catalog(), "delete records")?;
                let actor = p.actor();
                let rec = blocking(move || service::delete::<$ty>(&st.store, &actor, id)).await?;
                Ok(ApiJson(rec.shown()))
            }

            #[allow(unused_imports)]
            use StatusCode as _;
        }
    };
    (@create $ty:ident, $input:ident, $view:ident, $tag:literal, $list:literal) => {
        #[utoipa::path(post, path = $list, tag = $tag, request_body = $input,
            responses((status = 201, body = $view), (status = 400, body = ErrorBody),
                (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
                (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
                (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
            security(("bearer" = [])))]
        /// Create a record.
        pub async fn create(
            State(st): State<ApiState>,
            p: Principal,
            ApiJson(input): ApiJson<$input>,
        ) -> ApiResult<(StatusCode, ApiJson<$view>)> {
            p.require(p.role.can_manage_catalog(), "create records")?;
            let actor = p.actor();
            let rec = blocking(move || service::create::<$ty>(&st.store, &actor, input)).await?;
            Ok((StatusCode::CREATED, ApiJson(rec.shown())))
        }
    };
    (@create $ty:ident, $input:ident, $view:ident, $tag:literal, $list:literal, $custom:ident) => {};
}

crud!(
    sites,
    Site,
    SiteInput,
    view = Site,
    tag = "organisation",
    list = "/api/v1/sites",
    one = "/api/v1/sites/{id}"
);
crud!(
    departments,
    Department,
    DepartmentInput,
    view = Department,
    tag = "organisation",
    list = "/api/v1/departments",
    one = "/api/v1/departments/{id}"
);
crud!(
    roles,
    Role,
    RoleInput,
    view = Role,
    tag = "organisation",
    list = "/api/v1/roles",
    one = "/api/v1/roles/{id}"
);
crud!(
    projects,
    Project,
    ProjectInput,
    view = Project,
    tag = "organisation",
    list = "/api/v1/projects",
    one = "/api/v1/projects/{id}"
);
crud!(
    employees,
    Employee,
    EmployeeInput,
    view = EmployeeView,
    tag = "employees",
    list = "/api/v1/employees",
    one = "/api/v1/employees/{id}"
);
crud!(
    skills,
    Skill,
    SkillInput,
    view = Skill,
    tag = "skills",
    list = "/api/v1/skills",
    one = "/api/v1/skills/{id}"
);
crud!(
    requirements,
    Requirement,
    RequirementInput,
    view = Requirement,
    tag = "requirements",
    list = "/api/v1/requirements",
    one = "/api/v1/requirements/{id}"
);
crud!(
    stations,
    Station,
    StationInput,
    view = StationView,
    tag = "stations",
    list = "/api/v1/stations",
    one = "/api/v1/stations/{id}",
    create = custom
);
