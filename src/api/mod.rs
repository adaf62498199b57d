//! The JSON API under `/api/v1`, its OpenAPI document, and `/healthz`.
//!
//! Handlers only check the caller's role, move work to a blocking thread and call the service
//! layer; the OpenAPI document is generated from the same handler list that builds the router,
//! so the two cannot drift apart.

mod attachments;
mod audit;
mod auth;
mod backups;
mod certifications;
#[macro_use]
mod crud;
mod error;
mod extract;
mod health;
mod imports;
mod matrix;
mod mirror;
mod paging;
mod people;
mod requirements;
mod revisions;
mod scans;
mod stations;
mod views;

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use auth::{Principal, StationKey, StationRequest, bearer};
pub use error::{ApiError, ApiResult, ErrorBody};
pub use extract::{ApiJson, ApiPath, ApiQuery};
pub use health::Health;
pub use paging::{DEFAULT_PAGE, MAX_PAGE, Page, PageQuery};
pub use views::{BadgeView, EmployeeView, Shown, StationView, TokenView};

use crate::service::ServiceError;
use crate::store::Store;

/// What every API handler shares: the store and the server's start time (for uptime).
#[derive(Clone)]
pub struct ApiState {
    /// The store.
    pub store: Arc<Store>,
    /// When the server started.
    pub started: Instant,
    /// Backup settings (folder, schedule, recipients).
    pub backup: Arc<crate::service::BackupSettings>,
    /// The minimum station coverage `GET /api/v1/coverage` measures against by default.
    pub min_coverage: usize,
}

/// Run store work off the async threads: redb commits fsync and argon2 is slow on purpose.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ServiceError> + Send + 'static,
) -> ApiResult<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(ApiError::from),
        Err(e) => {
            tracing::error!("request worker failed: {e}");
            Err(ApiError::internal())
        }
    }
}

/// Run CPU-heavy store work (the matrix, exports, imports) within the server-wide bound of
/// [`crate::http::heavy`], shared with the web UI, so scans keep a core.
pub async fn heavy<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ServiceError> + Send + 'static,
) -> ApiResult<T> {
    match crate::http::heavy(f).await {
        Ok(r) => r.map_err(ApiError::from),
        Err(e) => {
            tracing::error!("heavy request worker failed: {e}");
            Err(ApiError::internal())
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Caliber API", description = "Skill and qualification matrix of a factory site."),
    modifiers(&Security),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

/// The answers an operation gets from its extractors rather than its handler, added to every
/// operation they apply to, so no annotation can forget one: 401 from the credentials
/// (`Principal`, `StationKey`), 400 from a malformed path or query (`ApiPath`, `ApiQuery`),
/// and from a body: 413 over the route's limit, and for JSON also 400 (malformed), 415 (not
/// JSON) and 422 (the wrong shape). What a handler answers itself (403, 404, 409, its own
/// 422) stays in its annotation. `tests/fuzz_openapi.rs` checks the document against what
/// the server really answers.
struct ExtractorResponses;

impl ExtractorResponses {
    fn add(op: &mut utoipa::openapi::path::Operation) {
        use utoipa::openapi::path::ParameterIn;
        let secured = op.security.as_ref().is_some_and(|s| {
            serde_json::to_value(s)
                .ok()
                .and_then(|v| v.as_array().cloned())
                .is_some_and(|list| {
                    list.iter()
                        .any(|r| r.as_object().is_some_and(|o| !o.is_empty()))
                })
        });
        let has_params = op.parameters.as_ref().is_some_and(|p| {
            p.iter()
                .any(|p| matches!(p.parameter_in, ParameterIn::Path | ParameterIn::Query))
        });
        let body = op
            .request_body
            .as_ref()
            .map(|b| b.content.contains_key("application/json"));
        let mut codes: Vec<(&str, &str)> = Vec::new();
        if secured {
            codes.push((
                "401",
                "No credentials, or credentials that are not valid here",
            ));
        }
        if has_params || body == Some(true) {
            codes.push(("400", "A malformed path, query or body"));
        }
        if body.is_some() {
            codes.push(("413", "The body is larger than this route accepts"));
        }
        if body == Some(true) {
            codes.push(("415", "The body is not sent as application/json"));
            codes.push(("422", "The body is not of the expected shape"));
        }
        for (code, description) in codes {
            op.responses
                .responses
                .entry(code.to_owned())
                .or_insert_with(|| error_response(description));
        }
    }
}

/// A response whose body is an [`ErrorBody`].
fn error_response(
    description: &str,
) -> utoipa::openapi::RefOr<utoipa::openapi::response::Response> {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
        .into()
}

impl Modify for ExtractorResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                Self::add(op);
            }
        }
    }
}

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "station_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Largest request body of an ordinary JSON route (routes that take files set their own).
pub const MAX_JSON_BODY: usize = 256 * 1024;

/// A route group with its own body limit instead of [`MAX_JSON_BODY`].
fn limit(
    (schemas, paths, method): utoipa_axum::router::UtoipaMethodRouter<ApiState>,
    bytes: usize,
) -> utoipa_axum::router::UtoipaMethodRouter<ApiState> {
    (schemas, paths, method.layer(DefaultBodyLimit::max(bytes)))
}

fn api_router() -> OpenApiRouter<ApiState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(crud::sites::list, crud::sites::create))
        .routes(routes!(
            crud::sites::get,
            crud::sites::update,
            crud::sites::delete
        ))
        .routes(routes!(crud::departments::list, crud::departments::create))
        .routes(routes!(
            crud::departments::get,
            crud::departments::update,
            crud::departments::delete
        ))
        .routes(routes!(crud::roles::list, crud::roles::create))
        .routes(routes!(
            crud::roles::get,
            crud::roles::update,
            crud::roles::delete
        ))
        .routes(routes!(crud::projects::list, crud::projects::create))
        .routes(routes!(
            crud::projects::get,
            crud::projects::update,
            crud::projects::delete
        ))
        .routes(routes!(crud::employees::list, crud::employees::create))
        .routes(routes!(
            crud::employees::get,
            crud::employees::update,
            crud::employees::delete
        ))
        .routes(routes!(people::qualification))
        .routes(routes!(people::certifications))
        .routes(routes!(people::regenerate_badge, people::badge))
        .routes(routes!(crud::skills::list, crud::skills::create))
        .routes(routes!(
            crud::skills::get,
            crud::skills::update,
            crud::skills::delete
        ))
        .routes(routes!(
            revisions::list_revisions,
            revisions::create_revision
        ))
        .routes(routes!(revisions::activation_preview))
        .routes(routes!(revisions::activate_revision))
        .routes(routes!(revisions::rollback_revision))
        .routes(routes!(
            crud::requirements::list,
            crud::requirements::create
        ))
        .routes(routes!(
            crud::requirements::get,
            crud::requirements::update,
            crud::requirements::delete
        ))
        .routes(routes!(requirements::new_row_impact))
        .routes(routes!(requirements::row_impact))
        .routes(routes!(
            certifications::list_certifications,
            certifications::certify
        ))
        .routes(routes!(certifications::get_certification))
        .routes(routes!(certifications::revoke))
        .routes(routes!(certifications::pending))
        .routes(routes!(certifications::approve))
        .routes(routes!(certifications::reject))
        .routes(routes!(crud::stations::list, stations::create_station))
        .routes(routes!(
            crud::stations::get,
            crud::stations::update,
            crud::stations::delete
        ))
        .routes(routes!(stations::rotate_station_key))
        .routes(routes!(stations::coverage))
        .routes(limit(routes!(mirror::put_mirror), mirror::MAX_MIRROR))
        .routes(routes!(mirror::get_mirror))
        .routes(routes!(people::list_users, people::create_user))
        .routes(routes!(people::update_user))
        .routes(routes!(people::list_tokens, people::create_token))
        .routes(routes!(people::revoke_token))
        .routes(routes!(matrix::matrix))
        .routes(limit(
            routes!(scans::post_scan, scans::list_scans),
            scans::MAX_SCAN_BODY,
        ))
        .routes(routes!(audit::audit))
        .routes(routes!(audit::verify_audit))
        .routes(limit(
            routes!(attachments::upload_attachment),
            attachments::MAX_ATTACHMENT,
        ))
        .routes(routes!(attachments::get_attachment))
        .routes(routes!(backups::list_backups, backups::create_backup))
        .routes(routes!(backups::download_backup))
        .routes(limit(
            routes!(imports::import),
            crate::service::MAX_IMPORT_BYTES,
        ))
        .routes(routes!(imports::export))
}

/// The OpenAPI 3 document of every route.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = api_router().into_openapi();
    ExtractorResponses.modify(&mut doc);
    doc
}

/// The API router (health, `/api/v1/…`, and the OpenAPI document) over `state`.
pub fn router(state: ApiState) -> Router {
    let (router, mut doc) = api_router().split_for_parts();
    ExtractorResponses.modify(&mut doc);
    let doc = Arc::new(doc);
    router
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let doc = doc.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY))
        .with_state(state)
}
