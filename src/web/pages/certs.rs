//! Certify (one person, or quick-certify many on one skill) and revoke (reason required, with
//! the effect shown before confirming).

use axum::extract::{Form, FromRequest, Multipart, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jiff::Timestamp;
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

use super::{blocking, opt_id};
use crate::domain::{Certification, Employee, EmployeeStatus, RevisionStatus, User};
use crate::service::{self, BatchCertifyInput, RevokeInput, ServiceError};
use crate::web::UiState;
use crate::web::WebUser;
use crate::web::layout::{self, WebError, WebResult, csrf};
use crate::web::locale::tr;

/// Pre-filled certify form.
#[derive(Debug, Default, Deserialize)]
pub struct CertifyQuery {
    #[serde(default)]
    employee: String,
    #[serde(default)]
    skill: String,
    #[serde(default)]
    done: String,
}

/// The certify form as typed: every field a string, so a bad value comes back next to its
/// field instead of as a bare error page.
#[derive(Debug, Default, Deserialize)]
pub struct CertifyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    employees: String,
    /// The employee picker (without the page script its choice is one more line).
    #[serde(default)]
    pick: String,
    #[serde(default)]
    skill_id: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    achieved_on: String,
    #[serde(default)]
    revision_id: String,
    #[serde(default)]
    assessor: String,
    #[serde(default)]
    notes: String,
}

/// Largest certify form accepted: twice the evidence allowed, so a submission a little over
/// the evidence limit is still read to its end and answered with the error beside the
/// field (beyond this the connection is refused with 413), and room for the text fields.
pub const CERTIFY_BODY_LIMIT: usize = 2 * service::MAX_EVIDENCE_BYTES + 1024 * 1024;

/// A submitted certify form: its fields, the evidence files chosen, and the files kept from
/// a submission that came back with an error. The page posts `multipart/form-data` (it
/// carries files); a plain urlencoded post (no files) is read too.
pub struct CertifySubmission {
    form: CertifyForm,
    /// Evidence chosen now: (file name, bytes).
    files: Vec<(String, Vec<u8>)>,
    /// Files kept from the last submission, as `SHA-256/name`.
    kept: Vec<String>,
    /// Why the files could not be read (too large together, a broken upload).
    upload_error: Option<String>,
}

impl<S: Send + Sync> FromRequest<S> for CertifySubmission {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, WebError> {
        let multipart = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        let mut out = CertifySubmission {
            form: CertifyForm::default(),
            files: Vec::new(),
            kept: Vec::new(),
            upload_error: None,
        };
        if !multipart {
            let Form(form) = Form::<CertifyForm>::from_request(req, state)
                .await
                .map_err(|e| WebError::Invalid(e.body_text()))?;
            out.form = form;
            return Ok(out);
        }
        let mut parts = Multipart::from_request(req, state)
            .await
            .map_err(|e| WebError::Invalid(e.body_text()))?;
        let mut fields = serde_json::Map::new();
        let mut total = 0usize;
        let too_large = || {
            tr!(
                "certify-evidence-too-large",
                mb = service::MAX_EVIDENCE_BYTES / (1024 * 1024)
            )
        };
        'parts: loop {
            let mut field = match parts.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => {
                    out.upload_error = Some(if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        too_large()
                    } else {
                        tr!("certify-evidence-broken")
                    });
                    break;
                }
            };
            let name = field.name().unwrap_or("").to_owned();
            if name == "evidence" {
                let file_name = field.file_name().unwrap_or("").to_owned();
                let mut bytes = Vec::new();
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            // Past the limit the rest is read and dropped, so the page
                            // can still answer with the error beside the field.
                            total += chunk.len();
                            if total <= service::MAX_EVIDENCE_BYTES {
                                bytes.extend_from_slice(&chunk);
                            }
                        }
                        Ok(None) => break,
                        Err(_) => {
                            out.upload_error = Some(too_large());
                            break 'parts;
                        }
                    }
                }
                if total > service::MAX_EVIDENCE_BYTES {
                    out.upload_error = Some(too_large());
                } else if !file_name.is_empty() || !bytes.is_empty() {
                    out.files.push((file_name, bytes));
                }
            } else {
                let Ok(text) = field.text().await else {
                    out.upload_error = Some(tr!("certify-evidence-broken"));
                    break;
                };
                if name == "kept" {
                    out.kept.push(text);
                } else {
                    fields.insert(name, serde_json::Value::String(text));
                }
            }
        }
        out.form = serde_json::from_value(serde_json::Value::Object(fields))
            .map_err(|e| WebError::Invalid(e.to_string()))?;
        if out.upload_error.is_some() {
            out.files.clear();
        }
        Ok(out)
    }
}

/// What went wrong with a submitted certify form: per field, per employee line, and for
/// the form as a whole (a refusal that names no field).
#[derive(Debug, Default)]
struct CertifyErrors {
    fields: Vec<(&'static str, String)>,
    lines: Vec<service::BatchLineError>,
    form: Option<String>,
}

impl CertifyErrors {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| *f == name)
            .map(|(_, m)| m.as_str())
    }

    fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.lines.is_empty() && self.form.is_none()
    }
}

/// An error paragraph tied to its field (`id` is what `aria-describedby` points at).
fn field_error(id: &str, message: Option<&str>) -> maud::Markup {
    html! { @if let Some(m) = message { p.error.field id=(id) role="alert" { (m) } } }
}

/// What the certify form offers to choose from.
struct CertifyChoices {
    /// Active employees as the picker offers them: (number, name), by name.
    people: Vec<(String, String)>,
    /// People who certify (trainers, skill managers, administrators) as an assessor is
    /// named: their employee's name, else their login, by name.
    assessors: Vec<String>,
}

/// The certify page: the form with what was typed, errors beside their fields and lines.
fn certify_page(
    st: &UiState,
    user: &WebUser,
    choices: &CertifyChoices,
    f: &CertifyForm,
    kept: &[service::KeptEvidence],
    errors: &CertifyErrors,
    done: &str,
) -> axum::response::Response {
    let c = st.store.catalog();
    let skills = super::live_by_name(&c.skills, |s| &s.name);
    let today = Timestamp::now().strftime("%Y-%m-%d").to_string();
    let date = if f.achieved_on.is_empty() {
        today.clone()
    } else {
        f.achieved_on.clone()
    };
    let level = if f.level.is_empty() {
        "1"
    } else {
        f.level.as_str()
    };
    let max_level = skills
        .iter()
        .find(|s| s.id.to_string() == f.skill_id)
        .or(skills.first())
        .map_or(1, |s| s.max_level);
    let invalid = |field: &str| errors.field(field).is_some().then_some("true");
    let body = html! {
        @if !done.is_empty() { p.notice role="status" { (done) } }
        @if !errors.is_empty() { p.error role="alert" { (tr!("certify-nothing-certified")) } }
        @if let Some(m) = &errors.form { p.error #form-error role="alert" { (m) } }
        p.muted { (tr!("certify-help")) }
        form.grid method="post" action="/certify" enctype="multipart/form-data" {
            (csrf(user))
            div.wide {
                label for="pick" { (tr!("certify-pick")) }
                input #pick name="pick" list="people" autocomplete="off";
                datalist #people { @for (number, name) in &choices.people { option value={(number) " — " (name)} {} } }
                label for="employees" { (tr!("certify-employees")) }
                textarea #employees name="employees" rows="4" required
                    aria-invalid=[(!errors.lines.is_empty() || errors.field("employees").is_some()).then_some("true")]
                    aria-describedby="employees-error" { (f.employees) }
                (field_error("employees-error", errors.field("employees")))
                @if !errors.lines.is_empty() {
                    ol.line-errors id="employees-error" role="alert" {
                        @for l in &errors.lines { li { (tr!("certify-line", line = l.line)) " (" code { (l.entry) } "): " (l.message) } }
                    }
                }
            }
            div { label for="skill" { (tr!("col-skill")) }
                select #skill name="skill_id" required aria-invalid=[invalid("skill_id")] aria-describedby="skill-error" {
                    @for s in &skills { option value=(s.id) data-max=(s.max_level) selected[s.id.to_string() == f.skill_id] { (tr!("certify-skill-max", skill = s.name.as_str(), max = s.max_level)) } }
                }
                (field_error("skill-error", errors.field("skill_id"))) }
            div { label for="level" { (tr!("certify-level")) }
                input #level type="number" name="level" min="1" max=(max_level) value=(level) required aria-invalid=[invalid("level")] aria-describedby="level-error";
                (field_error("level-error", errors.field("level"))) }
            div { label for="date" { (tr!("certify-date")) }
                input #date type="date" name="achieved_on" value=(date) max=(today) required aria-invalid=[invalid("achieved_on")] aria-describedby="date-error";
                (field_error("date-error", errors.field("achieved_on"))) }
            div { label for="revision" { (tr!("certify-revision")) }
                select #revision name="revision_id" aria-invalid=[invalid("revision_id")] aria-describedby="revision-error" {
                    option value="" { (tr!("certify-active-revision")) }
                    @for s in &skills {
                        @if let Some(revs) = c.revisions.get(&s.id) {
                            optgroup label=(s.name) {
                                @for r in revs.iter().filter(|r| r.status != RevisionStatus::Draft) {
                                    option value=(r.id) selected[r.id.to_string() == f.revision_id] { (s.name) " · " (r.label) @if r.status == RevisionStatus::Archived { " (" (tr!("certify-superseded")) ")" } }
                                }
                            }
                        }
                    }
                }
                (field_error("revision-error", errors.field("revision_id"))) }
            div.wide { label for="assessor" { (tr!("certify-assessor")) }
                p.muted.field #assessor-help { (tr!("certify-assessor-help")) }
                input #assessor name="assessor" list="assessors" autocomplete="off" maxlength=(service::MAX_ASSESSOR_CHARS) value=(f.assessor)
                    placeholder=(tr!("certify-assessor-me")) aria-invalid=[invalid("assessor")] aria-describedby="assessor-help assessor-error";
                datalist #assessors { @for a in &choices.assessors { option value=(a) {} } }
                (field_error("assessor-error", errors.field("assessor"))) }
            div.wide { label for="notes" { (tr!("certify-notes")) } input #notes name="notes" value=(f.notes) aria-invalid=[invalid("notes")] aria-describedby="notes-error";
                (field_error("notes-error", errors.field("notes"))) }
            div.wide { label for="evidence" { (tr!("certify-evidence")) }
                @if !kept.is_empty() {
                    p.muted.field #evidence-kept { (tr!("certify-evidence-kept")) ": "
                        @for (i, k) in kept.iter().enumerate() {
                            @if i > 0 { ", " } (k.name()) " (" (k.size() / 1024 + 1) " KB)"
                            input type="hidden" name="kept" value={(k.sha256()) "/" (k.name())};
                        } }
                }
                p.muted.field #evidence-help { (tr!("certify-evidence-help", mb = service::MAX_EVIDENCE_BYTES / (1024 * 1024))) }
                input #evidence type="file" name="evidence" multiple accept="application/pdf,image/png,image/jpeg,image/gif,image/webp"
                    aria-invalid=[invalid("evidence")] aria-describedby="evidence-help evidence-error";
                (field_error("evidence-error", errors.field("evidence"))) }
            div { button.primary type="submit" { (tr!("nav-certify")) } }
        }
        script src="/certify.js" {}
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (status, layout::page(user, &tr!("nav-certify"), body)).into_response()
}

/// What the certify form offers: active employees for the picker and the people who
/// certify for the assessor field.
async fn certify_choices(st: &UiState) -> Result<CertifyChoices, WebError> {
    let store = st.store.clone();
    blocking(move || {
        let r = store.read()?;
        let employees = r.list::<Employee>()?;
        let mut people: Vec<(String, String)> = employees
            .iter()
            .filter(|e| e.deleted_at.is_none() && e.status != EmployeeStatus::Terminated)
            .map(|e| (e.number.clone(), e.name.clone()))
            .collect();
        people.sort_by(|a, b| a.1.cmp(&b.1));
        let mut assessors: Vec<String> = r
            .list::<User>()?
            .into_iter()
            .filter(|u| u.active && u.role.can_certify())
            .map(|u| {
                u.employee_id
                    .and_then(|id| employees.iter().find(|e| e.id == id))
                    .map_or(u.email, |e| e.name.clone())
            })
            .collect();
        assessors.sort();
        assessors.dedup();
        Ok(CertifyChoices { people, assessors })
    })
    .await
}

/// A line as the picker fills it (`E1001 — Ana Costa`) names the employee by number.
fn picked(line: &str) -> String {
    line.split(" — ").next().unwrap_or(line).to_owned()
}

/// `GET /certify.js`: the certify form's helpers (limit the level to the chosen skill's
/// maximum, add a picked or scanned employee as a line). A file, not inline script, so the
/// page's Content-Security-Policy forbids inline script; the form works without it.
pub async fn certify_script() -> axum::response::Response {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "max-age=3600"),
        ],
        CERTIFY_JS,
    )
        .into_response()
}

const CERTIFY_JS: &str = r#"(() => {
  const skill = document.getElementById('skill');
  const level = document.getElementById('level');
  const limit = () => {
    const o = skill && skill.selectedOptions[0];
    if (!o || !level) return;
    level.max = o.dataset.max;
    if (+level.value > +level.max) level.value = level.max;
  };
  if (skill) { skill.addEventListener('change', limit); limit(); }
  const pick = document.getElementById('pick');
  const lines = document.getElementById('employees');
  const add = () => {
    const v = pick.value.trim();
    if (!v) return;
    const key = v.split(' \u2014 ')[0];
    lines.value = (lines.value.trim() ? lines.value.trim() + '\n' : '') + key;
    pick.value = '';
  };
  if (pick && lines) {
    pick.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); add(); } });
    pick.addEventListener('change', add);
  }
})();
"#;

/// `GET /certify`
pub async fn certify_form(
    State(st): State<UiState>,
    user: WebUser,
    Query(q): Query<CertifyQuery>,
) -> WebResult {
    user.require(user.role().can_certify(), "certify")?;
    let f = CertifyForm {
        employees: q.employee,
        skill_id: q.skill,
        ..CertifyForm::default()
    };
    let choices = certify_choices(&st).await?;
    Ok(certify_page(
        &st,
        &user,
        &choices,
        &f,
        &[],
        &CertifyErrors::default(),
        &q.done,
    ))
}

/// Keep the evidence of a submission: the files kept from the last one, then the files
/// chosen now. Returns what was kept and, if a file was refused, why.
async fn keep_submitted_evidence(
    st: &UiState,
    kept: Vec<String>,
    files: Vec<(String, Vec<u8>)>,
) -> Result<(Vec<service::KeptEvidence>, Option<String>), WebError> {
    let store = st.store.clone();
    tokio::task::spawn_blocking(move || {
        let mut out: Vec<service::KeptEvidence> = Vec::new();
        let mut refused = None;
        let again = kept.iter().map(|k| match k.split_once('/') {
            Some((sha, name)) => service::kept_evidence(&store, sha, name),
            None => Err(ServiceError::invalid(
                "evidence",
                format!("'{k}' is not a file kept from the last submission; choose it again"),
            )),
        });
        let now = files
            .iter()
            .map(|(name, bytes)| service::keep_evidence(&store, name, bytes));
        for result in again.chain(now) {
            match result {
                Ok(k) if !out.contains(&k) => out.push(k),
                Ok(_) => {}
                Err(ServiceError::Invalid { message, .. }) => {
                    refused.get_or_insert(message);
                }
                Err(e) => return Err(e),
            }
        }
        Ok((out, refused))
    })
    .await
    .map_err(|_| WebError::Internal)?
    .map_err(WebError::from)
}

/// `POST /certify`: every listed employee is certified, or none, with the evidence; refused
/// lines and fields come back next to what was typed, the files kept.
pub async fn certify(
    State(st): State<UiState>,
    user: WebUser,
    submission: CertifySubmission,
) -> WebResult {
    user.require(user.role().can_certify(), "certify")?;
    let CertifySubmission {
        form: mut f,
        files,
        kept,
        upload_error,
    } = submission;
    user.check_csrf(&f.csrf)?;
    if !f.pick.trim().is_empty() {
        f.employees = format!("{}\n{}", f.employees.trim_end(), f.pick.trim());
        f.pick.clear();
    }
    let choices = certify_choices(&st).await?;
    let mut errors = CertifyErrors::default();
    let (evidence, refused) = keep_submitted_evidence(&st, kept, files).await?;
    if let Some(m) = upload_error.or(refused) {
        errors.fields.push(("evidence", m));
    }
    let date: Option<jiff::civil::Date> = f.achieved_on.trim().parse().ok();
    if date.is_none() {
        errors.fields.push((
            "achieved_on",
            format!("'{}' is not a date (YYYY-MM-DD)", f.achieved_on),
        ));
    }
    let skill_id: Option<Uuid> = f.skill_id.trim().parse().ok();
    if skill_id.is_none() {
        errors.fields.push(("skill_id", "choose a skill".into()));
    }
    let level: Option<u8> = f.level.trim().parse().ok();
    if level.is_none() {
        errors
            .fields
            .push(("level", format!("'{}' is not a level", f.level)));
    }
    let revision_id = match opt_id(&f.revision_id) {
        Ok(r) => r,
        Err(_) => {
            errors
                .fields
                .push(("revision_id", "choose a revision from the list".into()));
            None
        }
    };
    let (Some(date), Some(skill_id), Some(level), true) =
        (date, skill_id, level, errors.is_empty())
    else {
        return Ok(certify_page(
            &st, &user, &choices, &f, &evidence, &errors, "",
        ));
    };
    let store = st.store.clone();
    let actor = user.actor.clone();
    let batch = BatchCertifyInput {
        employees: f.employees.lines().map(picked).collect(),
        skill_id,
        level,
        achieved_on: date,
        revision_id,
        notes: f.notes.clone(),
        attachments: Vec::new(),
        assessor: Some(f.assessor.clone()),
        evidence: evidence.clone(),
    };
    let result = tokio::task::spawn_blocking(move || service::certify_batch(&store, &actor, batch))
        .await
        .map_err(|_| WebError::Internal)?;
    match result {
        Ok(done) => {
            let names: Vec<&str> = done.iter().map(|(e, _)| e.name.as_str()).collect();
            let mut msg = tr!("certify-done", names = names.join(", "));
            if !evidence.is_empty() {
                msg = format!(
                    "{msg} {}",
                    tr!("certify-done-evidence", count = evidence.len())
                );
            }
            Ok(Redirect::to(&format!(
                "/certify?skill={skill_id}&done={}",
                layout::urlencode(&msg)
            ))
            .into_response())
        }
        Err(service::BatchError::Lines(lines)) => {
            errors.lines = lines;
            Ok(certify_page(
                &st, &user, &choices, &f, &evidence, &errors, "",
            ))
        }
        Err(service::BatchError::Service(ServiceError::Invalid {
            field: Some(field),
            message,
        })) => {
            let field = match field {
                "attachments" => "evidence",
                other => other,
            };
            errors.fields.push((field, message));
            Ok(certify_page(
                &st, &user, &choices, &f, &evidence, &errors, "",
            ))
        }
        Err(service::BatchError::Service(ServiceError::Store(e))) => {
            Err(ServiceError::Store(e).into())
        }
        Err(service::BatchError::Service(e)) => {
            // A refusal that names no field (a skill deleted meanwhile, a conflict): above
            // the form, with everything typed kept.
            errors.form = Some(e.to_string());
            Ok(certify_page(
                &st, &user, &choices, &f, &evidence, &errors, "",
            ))
        }
    }
}

/// Who assessed a certification and, when someone else recorded it, who did: for every
/// page that lists certifications.
pub(crate) fn assessed_by(c: &Certification) -> maud::Markup {
    html! {
        (c.assessed_by())
        @if c.assessor.is_some() { br; small.muted { (tr!("cert-recorded-by", by = c.certified_by.as_str())) } }
    }
}

/// `GET /certifications/{id}/revoke`: the effect, then the form.
pub async fn revoke_form(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
) -> WebResult {
    user.require(user.role().can_revoke(), "revoke certifications")?;
    let store = st.store.clone();
    let p = blocking(move || service::revoke_preview(&store, id, Timestamp::now())).await?;
    let (cert, employee, skill, b, a) =
        (p.certification, p.employee, p.skill_name, p.before, p.after);
    let body = html! {
        p { (tr!("revoke-what", name = employee.name.as_str(), skill = skill.as_str(), level = cert.level, date = layout::date(Some(cert.achieved_at)))) }
        @if cert.revoked.is_some() { p.error { (tr!("revoke-already")) } }
        p { (tr!("revoke-effect")) ": " @if let Some(b) = b { (layout::status(b)) } @else { (tr!("revoke-not-listed")) } " → " @if let Some(a) = a { (layout::status(a)) } @else { (tr!("revoke-not-listed")) } }
        form method="post" action={"/certifications/" (id) "/revoke"} {
            (csrf(&user))
            label for="reason" { (tr!("revoke-reason")) }
            textarea #reason name="reason" rows="3" required {}
            label { input.auto type="checkbox" name="confirm" value="yes" required; " " (tr!("revoke-confirm")) }
            button.danger type="submit" { (tr!("revoke")) }
        }
    };
    Ok(layout::page(&user, &tr!("revoke-title"), body))
}

/// The revoke form.
#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    csrf: String,
    reason: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /certifications/{id}/revoke`
pub async fn revoke(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
    Form(f): Form<RevokeForm>,
) -> WebResult {
    user.require(user.role().can_revoke(), "revoke certifications")?;
    user.check_csrf(&f.csrf)?;
    if f.confirm != "yes" {
        return Err(WebError::Invalid(tr!("revoke-tick")));
    }
    let store = st.store.clone();
    let actor = user.actor.clone();
    let c = blocking(move || service::revoke(&store, &actor, id, RevokeInput { reason: f.reason }))
        .await?;
    Ok(Redirect::to(&format!("/employees/{}", c.employee_id)).into_response())
}

/// `GET /attachments/{sha256}`: a certification's evidence file, for users who may see
/// every employee, always as a download (never rendered in the page's origin).
pub async fn attachment(
    State(st): State<UiState>,
    user: WebUser,
    Path(sha): Path<String>,
) -> WebResult {
    user.require(user.role().can_view_all(), "view evidence")?;
    let store = st.store.clone();
    let (meta, bytes) = blocking(move || {
        let meta = store
            .read()?
            .attachment(&sha)?
            .ok_or_else(|| ServiceError::not_found("attachment", &sha))?;
        let bytes = store
            .attachment_bytes(&sha)?
            .ok_or_else(|| ServiceError::not_found("attachment file", &sha))?;
        Ok((meta, bytes))
    })
    .await?;
    let name: String = meta
        .name
        .chars()
        .filter(|c| !c.is_control() && *c != '"' && *c != '\\')
        .collect();
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/octet-stream".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
