//! Certify (one person, or quick-certify many on one skill) and revoke (reason required, with
//! the effect shown before confirming).

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jiff::Timestamp;
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

use super::{blocking, opt_id};
use crate::domain::{Employee, EmployeeStatus, RevisionStatus};
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
    notes: String,
}

/// What went wrong with a submitted certify form: per field, and per employee line.
#[derive(Debug, Default)]
struct CertifyErrors {
    fields: Vec<(&'static str, String)>,
    lines: Vec<service::BatchLineError>,
}

impl CertifyErrors {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| *f == name)
            .map(|(_, m)| m.as_str())
    }

    fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.lines.is_empty()
    }
}

/// An error paragraph tied to its field (`id` is what `aria-describedby` points at).
fn field_error(id: &str, message: Option<&str>) -> maud::Markup {
    html! { @if let Some(m) = message { p.error.field id=(id) role="alert" { (m) } } }
}

/// The certify page: the form with what was typed, errors beside their fields and lines.
fn certify_page(
    st: &UiState,
    user: &WebUser,
    people: &[(String, String)],
    f: &CertifyForm,
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
    let body = html! {
        @if !done.is_empty() { p.notice role="status" { (done) } }
        @if !errors.is_empty() { p.error role="alert" { (tr!("certify-nothing-certified")) } }
        p.muted { (tr!("certify-help")) }
        form.grid method="post" action="/certify" {
            (csrf(user))
            div.wide {
                label for="pick" { (tr!("certify-pick")) }
                input #pick name="pick" list="people" autocomplete="off";
                datalist #people { @for (number, name) in people { option value={(number) " — " (name)} {} } }
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
                select #skill name="skill_id" required aria-describedby="skill-error" {
                    @for s in &skills { option value=(s.id) data-max=(s.max_level) selected[s.id.to_string() == f.skill_id] { (tr!("certify-skill-max", skill = s.name.as_str(), max = s.max_level)) } }
                }
                (field_error("skill-error", errors.field("skill_id"))) }
            div { label for="level" { (tr!("certify-level")) }
                input #level type="number" name="level" min="1" max=(max_level) value=(level) required aria-describedby="level-error";
                (field_error("level-error", errors.field("level"))) }
            div { label for="date" { (tr!("certify-date")) }
                input #date type="date" name="achieved_on" value=(date) max=(today) required aria-describedby="date-error";
                (field_error("date-error", errors.field("achieved_on"))) }
            div { label for="revision" { (tr!("certify-revision")) }
                select #revision name="revision_id" aria-describedby="revision-error" {
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
            div { label for="notes" { (tr!("certify-notes")) } input #notes name="notes" value=(f.notes) aria-describedby="notes-error";
                (field_error("notes-error", errors.field("notes"))) }
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

/// Active employees as the picker offers them: (number, name), by name.
async fn pickable(st: &UiState) -> Result<Vec<(String, String)>, WebError> {
    let store = st.store.clone();
    blocking(move || {
        let mut v: Vec<(String, String)> = store
            .read()?
            .list::<Employee>()?
            .into_iter()
            .filter(|e| e.deleted_at.is_none() && e.status != EmployeeStatus::Terminated)
            .map(|e| (e.number, e.name))
            .collect();
        v.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(v)
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
    let people = pickable(&st).await?;
    Ok(certify_page(
        &st,
        &user,
        &people,
        &f,
        &CertifyErrors::default(),
        &q.done,
    ))
}

/// `POST /certify`: every listed employee is certified, or none; refused lines and fields
/// come back next to what was typed.
pub async fn certify(
    State(st): State<UiState>,
    user: WebUser,
    Form(f): Form<CertifyForm>,
) -> WebResult {
    user.require(user.role().can_certify(), "certify")?;
    user.check_csrf(&f.csrf)?;
    let mut f = f;
    if !f.pick.trim().is_empty() {
        f.employees = format!("{}\n{}", f.employees.trim_end(), f.pick.trim());
        f.pick.clear();
    }
    let people = pickable(&st).await?;
    let mut errors = CertifyErrors::default();
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
        return Ok(certify_page(&st, &user, &people, &f, &errors, ""));
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
    };
    let result = tokio::task::spawn_blocking(move || service::certify_batch(&store, &actor, batch))
        .await
        .map_err(|_| WebError::Internal)?;
    match result {
        Ok(done) => {
            let names: Vec<&str> = done.iter().map(|(e, _)| e.name.as_str()).collect();
            let msg = tr!("certify-done", names = names.join(", "));
            Ok(Redirect::to(&format!(
                "/certify?skill={skill_id}&done={}",
                layout::urlencode(&msg)
            ))
            .into_response())
        }
        Err(service::BatchError::Lines(lines)) => {
            errors.lines = lines;
            Ok(certify_page(&st, &user, &people, &f, &errors, ""))
        }
        Err(service::BatchError::Service(ServiceError::Invalid {
            field: Some(field),
            message,
        })) => {
            errors.fields.push((field, message));
            Ok(certify_page(&st, &user, &people, &f, &errors, ""))
        }
        Err(service::BatchError::Service(e)) => Err(e.into()),
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
