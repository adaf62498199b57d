//! The import page: upload a CSV or XLSX file of employees or certifications, read the
//! preview of every row (created, updated, unchanged or rejected, with line and reason), then
//! commit that same file with one click, all rows or none. The export links for the same
//! shapes sit on the page too. Admins and skill managers import; every role that sees all
//! records may export.
//!
//! Between the preview and the commit the uploaded bytes wait in memory ([`StagedImports`]),
//! bound to the user who uploaded them, so the commit is the file that was previewed (same
//! SHA-256) without a second upload. Nothing is written before the commit.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use super::heavy;
use crate::service::{
    self, ImportKind, ImportReport, ImportRequest, MAX_IMPORT_BYTES, RowOutcome, ServiceError,
};
use crate::web::layout::{self, WebError, WebResult, csrf};
use crate::web::locale::{self, tr};
use crate::web::{UiState, WebUser};

/// How long a previewed file waits for its commit.
const STAGED_FOR: Duration = Duration::from_secs(30 * 60);

/// The most bytes previewed files may hold in memory together (the oldest go first): two
/// files of the largest size an import takes.
const MAX_STAGED_BYTES: usize = 2 * MAX_IMPORT_BYTES;

/// The largest request body the upload accepts: the largest file plus the form around it.
pub const MAX_UPLOAD_BODY: usize = MAX_IMPORT_BYTES + 64 * 1024;

/// One previewed file waiting for its commit.
struct Staged {
    token: String,
    user: Uuid,
    kind: ImportKind,
    file_name: String,
    create_missing: bool,
    sha256: String,
    bytes: std::sync::Arc<Vec<u8>>,
    at: Instant,
}

/// Previewed files waiting for their commit, at most one per user, in memory only (a
/// restart forgets them: the person uploads again).
#[derive(Default)]
pub struct StagedImports {
    files: Mutex<Vec<Staged>>,
}

impl std::fmt::Debug for StagedImports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.files.lock().map_or(0, |v| v.len());
        f.debug_struct("StagedImports").field("files", &n).finish()
    }
}

impl StagedImports {
    /// Keep `staged` (replacing the user's earlier one), dropping expired files and, beyond
    /// the memory bound, the oldest.
    fn put(&self, staged: Staged) {
        let mut files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        files.retain(|s| s.user != staged.user && s.at.elapsed() < STAGED_FOR);
        files.push(staged);
        while files.iter().map(|s| s.bytes.len()).sum::<usize>() > MAX_STAGED_BYTES
            && files.len() > 1
        {
            files.remove(0);
        }
    }

    /// The user's staged file with this token, if it has not expired.
    fn get(&self, user: Uuid, token: &str) -> Option<StagedCopy> {
        let files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        files
            .iter()
            .find(|s| s.user == user && s.token == token && s.at.elapsed() < STAGED_FOR)
            .map(|s| StagedCopy {
                kind: s.kind,
                file_name: s.file_name.clone(),
                create_missing: s.create_missing,
                sha256: s.sha256.clone(),
                bytes: s.bytes.clone(),
            })
    }

    /// Forget the user's staged file (after its commit).
    fn remove(&self, user: Uuid, token: &str) {
        let mut files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        files.retain(|s| !(s.user == user && s.token == token));
    }
}

/// What a commit needs of a staged file.
struct StagedCopy {
    kind: ImportKind,
    file_name: String,
    create_missing: bool,
    sha256: String,
    bytes: std::sync::Arc<Vec<u8>>,
}

/// The upload form as sent, every field as text so a bad one comes back next to its field.
#[derive(Debug, Default)]
struct UploadForm {
    csrf: String,
    kind: String,
    create_missing: bool,
    file_name: String,
    bytes: Vec<u8>,
    /// The file was larger than an import takes (the rest was not read).
    too_large: bool,
}

/// Problems with the form, per field (`kind`, `file`) or for the whole page (`""`).
#[derive(Debug, Default)]
struct FormErrors(Vec<(&'static str, String)>);

impl FormErrors {
    fn field(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == name)
            .map(|(_, m)| m.as_str())
    }
}

/// An error paragraph tied to its field (`id` is what `aria-describedby` points at).
fn field_error(id: &str, message: Option<&str>) -> Markup {
    html! { @if let Some(m) = message { p.error.field id=(id) role="alert" { (m) } } }
}

/// The upload form, with what was chosen and the errors next to their fields.
fn upload_form(user: &WebUser, kind: &str, create_missing: bool, errors: &FormErrors) -> Markup {
    let kind = if kind.is_empty() { "employees" } else { kind };
    html! {
        form.grid method="post" action="/imports/preview" enctype="multipart/form-data" {
            (csrf(user))
            fieldset.wide aria-describedby="kind-error" {
                legend { (tr!("import-kind")) }
                label.inline { input.auto type="radio" name="kind" value="employees" checked[kind == "employees"]; " " (tr!("import-kind-employees")) }
                label.inline { input.auto type="radio" name="kind" value="certifications" checked[kind == "certifications"]; " " (tr!("import-kind-certifications")) }
                (field_error("kind-error", errors.field("kind")))
            }
            div.wide {
                label for="file" { (tr!("import-file")) }
                input #file type="file" name="file" required
                    accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    aria-invalid=[errors.field("file").is_some().then_some("true")]
                    aria-describedby="file-help file-error";
                p.muted #file-help { (tr!("import-file-help", mib = (MAX_IMPORT_BYTES >> 20) as u64)) }
                (field_error("file-error", errors.field("file")))
            }
            div.wide {
                label { input.auto type="checkbox" name="create_missing" value="1" checked[create_missing]; " " (tr!("import-create-missing")) }
            }
            div { button.primary type="submit" { (tr!("import-preview")) } }
        }
    }
}

/// The export links: the same shapes the import reads.
fn export_links() -> Markup {
    html! {
        h2 { (tr!("import-export-title")) }
        p.muted { (tr!("import-export-help")) }
        ul {
            li { a href="/exports/employees.csv" { (tr!("import-export-employees")) } }
            li { a href="/exports/certifications.csv" { (tr!("import-export-certifications")) } }
        }
    }
}

/// The columns each kind of file has, for the help under the form.
fn columns_help() -> Markup {
    html! {
        details {
            summary { (tr!("import-columns")) }
            p { strong { (tr!("import-kind-employees")) } ": " code { "employee_number, name, site" } " — " (tr!("import-columns-optional")) " " code { "department, role, projects, status, start_date, supervisor, email, language" } }
            p { strong { (tr!("import-kind-certifications")) } ": " code { "employee_number, skill, level, achieved_on" } " — " (tr!("import-columns-optional")) " " code { "revision, expires_on, trainer, notes" } }
            p.muted { (tr!("import-columns-help")) }
        }
    }
}

/// The upload page with `errors` (and an optional notice at the top).
fn upload_page(
    user: &WebUser,
    form: &UploadForm,
    errors: &FormErrors,
    status: StatusCode,
) -> axum::response::Response {
    let body = html! {
        @if let Some(m) = errors.field("") { p.error role="alert" { (m) } }
        p.muted { (tr!("import-help")) }
        (upload_form(user, &form.kind, form.create_missing, errors))
        (columns_help())
        (export_links())
    };
    (status, layout::page(user, &tr!("nav-import"), body)).into_response()
}

/// `GET /imports`
pub async fn imports(user: WebUser) -> WebResult {
    user.require(user.role().can_manage_catalog(), "import records")?;
    Ok(upload_page(
        &user,
        &UploadForm::default(),
        &FormErrors::default(),
        StatusCode::OK,
    ))
}

/// Read the multipart upload; the file stops being read past the import's size limit.
async fn read_upload(mut multipart: Multipart) -> Result<UploadForm, String> {
    let mut form = UploadForm::default();
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            tr!("import-too-large", mib = (MAX_IMPORT_BYTES >> 20) as u64)
        } else {
            tr!("import-unreadable-upload")
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name().unwrap_or_default() {
            "file" => {
                form.file_name = field
                    .file_name()
                    .and_then(|n| service::sanitize_file_name(n).ok())
                    .unwrap_or_default();
                while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                    if form.bytes.len() + chunk.len() > MAX_IMPORT_BYTES {
                        form.too_large = true;
                        form.bytes.clear();
                        return Ok(form);
                    }
                    form.bytes.extend_from_slice(&chunk);
                }
            }
            name @ ("csrf" | "kind" | "create_missing") => {
                let name = name.to_owned();
                let text = field.text().await.map_err(unreadable)?;
                let text: String = text.chars().take(200).collect();
                match name.as_str() {
                    "csrf" => form.csrf = text,
                    "kind" => form.kind = text,
                    _ => form.create_missing = !text.is_empty(),
                }
            }
            _ => {}
        }
    }
    Ok(form)
}

/// `POST /imports/preview`: judge every row of the uploaded file, change nothing, and keep
/// the file for its commit.
pub async fn preview(
    State(st): State<UiState>,
    user: WebUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "import records")?;
    let multipart = multipart.map_err(|_| WebError::Invalid(tr!("import-not-an-upload")))?;
    let form = match read_upload(multipart).await {
        Ok(f) => f,
        Err(message) => {
            // The token may be behind the unreadable part: nothing was done, say why.
            let errors = FormErrors(vec![("file", message)]);
            return Ok(upload_page(
                &user,
                &UploadForm::default(),
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    user.check_csrf(&form.csrf)?;
    let mut errors = FormErrors::default();
    let kind = ImportKind::parse(&form.kind);
    if kind.is_none() {
        errors.0.push(("kind", tr!("import-choose-kind")));
    }
    if form.too_large {
        errors.0.push((
            "file",
            tr!("import-too-large", mib = (MAX_IMPORT_BYTES >> 20) as u64),
        ));
    } else if form.bytes.is_empty() {
        errors.0.push(("file", tr!("import-choose-file")));
    }
    let Some(kind) = kind.filter(|_| errors.0.is_empty()) else {
        let status = if form.too_large {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return Ok(upload_page(&user, &form, &errors, status));
    };
    let bytes = std::sync::Arc::new(form.bytes);
    let request = ImportRequest {
        kind,
        file_name: if form.file_name.is_empty() {
            format!("{}.csv", kind.as_str())
        } else {
            form.file_name.clone()
        },
        bytes: bytes.to_vec(),
        create_missing: form.create_missing,
        dry_run: true,
    };
    let store = st.store.clone();
    let actor = user.actor.clone();
    let result =
        heavy(move || Ok::<_, WebError>(service::import_file(&store, &actor, request))).await?;
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            let form = UploadForm {
                bytes: Vec::new(),
                ..form
            };
            return refused(&user, &form, e);
        }
    };
    let token = service::new_secret("import");
    st.web.imports.put(Staged {
        token: token.clone(),
        user: user.user.id,
        kind,
        file_name: report.file_name.clone(),
        create_missing: form.create_missing,
        sha256: report.sha256.clone(),
        bytes,
        at: Instant::now(),
    });
    Ok(layout::page(
        &user,
        &tr!("import-preview-title"),
        preview_body(&user, &report, &token),
    ))
}

/// A refused file: a problem with the file itself goes next to the file field, anything
/// else at the top of the page.
fn refused(user: &WebUser, form: &UploadForm, e: ServiceError) -> WebResult {
    match e {
        ServiceError::Invalid { field, message } => {
            let errors = FormErrors(vec![(
                if field == Some("file") { "file" } else { "" },
                message,
            )]);
            Ok(upload_page(
                user,
                form,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        other => Err(other.into()),
    }
}

/// An outcome as colour, symbol and word.
fn outcome(o: RowOutcome) -> Markup {
    let (class, symbol, word) = match o {
        RowOutcome::Created => ("ok", "+", tr!("import-created")),
        RowOutcome::Updated => ("soon", "✎", tr!("import-updated")),
        RowOutcome::Unchanged => ("extra", "=", tr!("import-unchanged")),
        RowOutcome::Rejected => ("bad", "✖", tr!("import-rejected")),
    };
    html! { span class={"st " (class)} { span aria-hidden="true" { (symbol) } " " (word) } }
}

/// The counts of a report, in words.
fn counts(report: &ImportReport) -> String {
    tr!(
        "import-counts",
        rows = report.rows.len(),
        created = report.created,
        updated = report.updated,
        unchanged = report.unchanged,
        rejected = report.rejected
    )
}

/// The preview: counts, what would be created besides the rows, the commit button (only when
/// every row is accepted and something changes), and every row by outcome, rejected first.
fn preview_body(user: &WebUser, report: &ImportReport, token: &str) -> Markup {
    let changes = report.created + report.updated + report.created_references.len();
    let groups = [
        RowOutcome::Rejected,
        RowOutcome::Created,
        RowOutcome::Updated,
        RowOutcome::Unchanged,
    ];
    html! {
        p { strong { (report.file_name) } " · " (kind_word(report.kind)) " · SHA-256 " code { (report.sha256) } }
        p #import-counts { (counts(report)) }
        @if !report.ignored_columns.is_empty() {
            p.warn { (tr!("import-ignored-columns", columns = report.ignored_columns.join(", "))) }
        }
        @if !report.created_references.is_empty() {
            p { (tr!("import-would-create")) }
            ul { @for r in &report.created_references { li { (r) } } }
        }
        @if report.rejected > 0 {
            p.error role="alert" { (tr!("import-fix-rejected", rejected = report.rejected)) }
        } @else if changes == 0 {
            p.notice role="status" { (tr!("import-nothing-to-change")) }
        } @else {
            form.inline method="post" action="/imports/commit" {
                (csrf(user))
                input type="hidden" name="token" value=(token);
                input type="hidden" name="sha256" value=(report.sha256);
                button.primary #commit type="submit" { (tr!("import-commit", changes = changes)) }
            }
            " "
        }
        a href="/imports" { (tr!("import-another")) }
        @for o in groups {
            @let rows: Vec<_> = report.rows.iter().filter(|r| r.outcome == o).collect();
            @if !rows.is_empty() {
                details.import-rows open[o == RowOutcome::Rejected || report.rows.len() <= 50] {
                    summary { (outcome(o)) " " (locale::integer(rows.len() as u64)) }
                    table {
                        thead { tr { th { (tr!("import-line")) } th { (tr!("import-record")) } th { (tr!("import-detail")) } } }
                        tbody { @for r in rows { tr { td { (r.line) } td { (r.key) } td { (r.detail) } } } }
                    }
                }
            }
        }
    }
}

/// `employees` or `certifications` in the request's language.
fn kind_word(kind: ImportKind) -> String {
    match kind {
        ImportKind::Employees => tr!("import-kind-employees"),
        ImportKind::Certifications => tr!("import-kind-certifications"),
    }
}

/// The commit form: the staged file's token and the SHA-256 the person saw.
#[derive(Debug, Deserialize)]
pub struct CommitForm {
    csrf: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    sha256: String,
}

/// `POST /imports/commit`: import the previewed file, all rows or none, audited with its
/// SHA-256.
pub async fn commit(
    State(st): State<UiState>,
    user: WebUser,
    Form(f): Form<CommitForm>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "import records")?;
    user.check_csrf(&f.csrf)?;
    let staged = st
        .web
        .imports
        .get(user.user.id, &f.token)
        .filter(|s| s.sha256 == f.sha256);
    let Some(staged) = staged else {
        let errors = FormErrors(vec![("", tr!("import-preview-expired"))]);
        return Ok(upload_page(
            &user,
            &UploadForm::default(),
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    };
    let request = ImportRequest {
        kind: staged.kind,
        file_name: staged.file_name.clone(),
        bytes: staged.bytes.to_vec(),
        create_missing: staged.create_missing,
        dry_run: false,
    };
    let store = st.store.clone();
    let actor = user.actor.clone();
    let result =
        heavy(move || Ok::<_, WebError>(service::import_file(&store, &actor, request))).await?;
    let form = UploadForm {
        kind: staged.kind.as_str().to_owned(),
        create_missing: staged.create_missing,
        ..UploadForm::default()
    };
    let report = match result {
        Ok(r) => r,
        Err(e) => return refused(&user, &form, e),
    };
    st.web.imports.remove(user.user.id, &f.token);
    let body = html! {
        p.notice role="status" #import-done {
            "✔ " (tr!("import-done", file = report.file_name.as_str())) " " (counts(&report))
        }
        p.muted { "SHA-256 " code { (report.sha256) } }
        @if !report.created_references.is_empty() {
            p { (tr!("import-created-references")) }
            ul { @for r in &report.created_references { li { (r) } } }
        }
        p { a href="/imports" { (tr!("import-another")) } " · " a href="/matrix" { (tr!("nav-matrix")) } }
        (export_links())
    };
    Ok(layout::page(&user, &tr!("import-done-title"), body))
}

/// `GET /exports/{file}`: `employees.csv` or `certifications.csv`, the shapes the import
/// reads, cells a spreadsheet would run as formulas guarded.
pub async fn export(
    State(st): State<UiState>,
    user: WebUser,
    Path(file): Path<String>,
) -> WebResult {
    user.require(user.role().can_view_all(), "export records")?;
    let kind = file
        .strip_suffix(".csv")
        .and_then(ImportKind::parse)
        .ok_or_else(|| WebError::NotFound(tr!("import-no-such-export", file = file.as_str())))?;
    let store = st.store.clone();
    let bytes = heavy(move || match kind {
        ImportKind::Employees => service::export_employees(&store),
        ImportKind::Certifications => service::export_certifications(&store),
    })
    .await?;
    Ok(super::csv_file(&format!("{}.csv", kind.as_str()), bytes))
}
