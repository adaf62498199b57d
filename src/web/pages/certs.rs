//! Certify (one person, or quick-certify many on one skill) and revoke (reason required, with
//! the effect shown before confirming).

use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use jiff::Timestamp;
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

use super::blocking;
use crate::service::{self, BatchCertifyInput, RevokeInput};
use crate::web::UiState;
use crate::web::WebUser;
use crate::web::layout::{self, WebError, WebResult, csrf};

/// Pre-filled certify form.
#[derive(Debug, Default, Deserialize)]
pub struct CertifyQuery {
    #[serde(default)]
    employee: String,
    #[serde(default)]
    done: String,
}

/// `GET /certify`
pub async fn certify_form(
    State(st): State<UiState>,
    user: WebUser,
    Query(q): Query<CertifyQuery>,
) -> WebResult {
    user.require(user.role().can_certify(), "certify")?;
    let c = st.store.catalog();
    let skills = super::live_by_name(&c.skills, |s| &s.name);
    let today = Timestamp::now().strftime("%Y-%m-%d").to_string();
    let body = html! {
        @if !q.done.is_empty() { p.notice role="status" { (q.done) } }
        p.muted { "Employees by number, badge token or exact name. For quick-certify put one per line." }
        form.grid method="post" action="/certify" {
            (csrf(&user))
            div { label for="employees" { "Employee(s)" }
                textarea #employees name="employees" rows="3" required { (q.employee) } }
            div { label for="skill" { "Skill" }
                select #skill name="skill_id" required {
                    @for s in &skills { option value=(s.id) { (s.name) " (max L" (s.max_level) ")" } }
                } }
            div { label for="level" { "Level achieved" } input #level type="number" name="level" min="1" max="10" value="1" required; }
            div { label for="date" { "Date achieved" } input #date type="date" name="achieved_on" value=(today) max=(today) required; }
            div { label for="notes" { "Notes" } input #notes name="notes"; }
            div { button.primary type="submit" { "Certify" } }
        }
    };
    Ok(layout::page(&user, "Certify", body))
}

/// The certify form.
#[derive(Debug, Deserialize)]
pub struct CertifyForm {
    csrf: String,
    employees: String,
    skill_id: Uuid,
    level: u8,
    achieved_on: String,
    #[serde(default)]
    notes: String,
}

/// `POST /certify`: every listed employee is certified, or none (each line is checked first).
pub async fn certify(
    State(st): State<UiState>,
    user: WebUser,
    Form(f): Form<CertifyForm>,
) -> WebResult {
    user.require(user.role().can_certify(), "certify")?;
    user.check_csrf(&f.csrf)?;
    let date: jiff::civil::Date = f.achieved_on.trim().parse().map_err(|_| {
        WebError::Invalid(format!("'{}' is not a date (YYYY-MM-DD)", f.achieved_on))
    })?;
    let store = st.store.clone();
    let actor = user.actor.clone();
    let batch = BatchCertifyInput {
        employees: f.employees.lines().map(str::to_owned).collect(),
        skill_id: f.skill_id,
        level: f.level,
        achieved_on: date,
        notes: f.notes,
    };
    let done = blocking(move || service::certify_batch(&store, &actor, batch)).await?;
    let names: Vec<&str> = done.iter().map(|(e, _)| e.name.as_str()).collect();
    let msg = format!("Certified: {}", names.join(", "));
    Ok(Redirect::to(&format!("/certify?done={}", layout::urlencode(&msg))).into_response())
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
        p { "Revoke " strong { (employee.name) } "'s certification in " strong { (skill) } " (level " (cert.level) ", " (layout::date(Some(cert.achieved_at))) ")." }
        @if cert.revoked.is_some() { p.error { "It is already revoked." } }
        p { "Effect: " @if let Some(b) = b { (layout::status(b)) } @else { "not listed" } " → " @if let Some(a) = a { (layout::status(a)) } @else { "not listed" } }
        form method="post" action={"/certifications/" (id) "/revoke"} {
            (csrf(&user))
            label for="reason" { "Reason (required)" }
            textarea #reason name="reason" rows="3" required {}
            label { input.auto type="checkbox" name="confirm" value="yes" required; " I confirm the revocation" }
            button.danger type="submit" { "Revoke" }
        }
    };
    Ok(layout::page(&user, "Revoke certification", body))
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
        return Err(WebError::Invalid(
            "Tick the box to confirm the revocation.".into(),
        ));
    }
    let store = st.store.clone();
    let actor = user.actor.clone();
    let c = blocking(move || service::revoke(&store, &actor, id, RevokeInput { reason: f.reason }))
        .await?;
    Ok(Redirect::to(&format!("/employees/{}", c.employee_id)).into_response())
}
