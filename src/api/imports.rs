//! Imports and exports of employees and certifications (CSV or XLSX in, CSV out).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::ErrorBody;
use super::{ApiJson, ApiQuery, ApiResult, ApiState, Principal, heavy};
use crate::service::{self, ImportKind, ImportReport, ImportRequest};

/// Import options.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// What the file holds: `employees` or `certifications`.
    #[param(value_type = String)]
    pub kind: ImportKind,
    /// The file's name (for the audit trail).
    #[serde(default)]
    pub name: Option<String>,
    /// Only preview: judge every row, change nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Create sites, departments, roles, projects and skills the file names but the store
    /// lacks.
    #[serde(default)]
    pub create_missing: bool,
}

#[utoipa::path(post, path = "/api/v1/imports", tag = "imports", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The CSV or XLSX file (told apart by content)"),
    responses(
        (status = 200, body = ImportReport, description = "The preview, or the committed import"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "Rows rejected: nothing was imported")),
    security(("bearer" = [])))]
/// Import (or, with `dry_run`, preview) employees or certifications from a CSV or XLSX
/// file; all rows or none.
pub async fn import(
    State(st): State<ApiState>,
    p: Principal,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Bytes,
) -> ApiResult<ApiJson<ImportReport>> {
    p.require(p.role.can_manage_catalog(), "import records")?;
    let actor = p.actor();
    let request = ImportRequest {
        kind: q.kind,
        file_name: q.name.unwrap_or_else(|| format!("{}.csv", q.kind.as_str())),
        bytes: body.to_vec(),
        create_missing: q.create_missing,
        dry_run: q.dry_run,
    };
    let report = heavy(move || service::import_file(&st.store, &actor, request)).await?;
    Ok(ApiJson(report))
}

/// What to export.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `employees` (the default) or `certifications`.
    #[serde(default = "employees")]
    #[param(value_type = Option<String>)]
    pub kind: ImportKind,
}

fn employees() -> ImportKind {
    ImportKind::Employees
}

#[utoipa::path(get, path = "/api/v1/exports", tag = "imports", params(ExportQuery),
    responses((status = 200, content_type = "text/csv", description = "The CSV the import reads"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
/// Export employees or certifications as CSV, in the shape the import reads.
pub async fn export(
    State(st): State<ApiState>,
    p: Principal,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<impl IntoResponse> {
    p.require(p.role.can_view_all(), "export records")?;
    let kind = q.kind;
    let bytes = heavy(move || match kind {
        ImportKind::Employees => service::export_employees(&st.store),
        ImportKind::Certifications => service::export_certifications(&st.store),
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.csv\"", kind.as_str()),
            ),
        ],
        bytes,
    ))
}
