//! Four-eyes approval: the certifications waiting for a second trainer or skill manager,
//! with approve and reject (reason required). The rules live in `service::approve`/`reject`.

use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect};
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

use super::blocking;
use crate::domain::{Employee, Skill};
use crate::service::{self, RevokeInput};
use crate::web::UiState;
use crate::web::WebUser;
use crate::web::layout::{self, CsrfForm, WebResult, csrf};
use crate::web::locale::tr;

/// `GET /approvals`: pending certifications, oldest first, with who certified them.
pub async fn approvals(State(st): State<UiState>, user: WebUser) -> WebResult {
    user.require(user.role().can_certify(), "approve certifications")?;
    let store = st.store.clone();
    let me = user.user.clone();
    let (rows, my_name) = blocking(move || {
        let pending = service::pending_approvals(&store)?;
        let r = store.read()?;
        let my_name = match me.employee_id {
            Some(id) => r.get::<Employee>(id)?.map(|e| e.name),
            None => None,
        };
        let mut rows = Vec::with_capacity(pending.len());
        for c in pending {
            let e: Option<Employee> = r.get(c.employee_id)?;
            let s: Option<Skill> = r.get(c.skill_id)?;
            rows.push((c, e.map(|e| e.name), s.map(|s| s.name)));
        }
        Ok((rows, my_name))
    })
    .await?;
    // The service refuses whoever certified or assessed; they get no buttons.
    let is_me = |name: &str| {
        name.eq_ignore_ascii_case(&user.actor.name)
            || my_name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
    };
    let body = html! {
        p { (tr!("approvals-intro")) }
        @if rows.is_empty() {
            p.notice { (tr!("approvals-none")) }
        } @else {
            table #pending {
                thead { tr { th { (tr!("due-employee")) } th { (tr!("col-skill")) } th { (tr!("col-level")) } th { (tr!("col-achieved")) } th { (tr!("col-certified-by")) } th { (tr!("col-assessor")) } th {} } }
                tbody {
                    @for (c, employee, skill) in &rows {
                        tr {
                            td { a href={"/employees/" (c.employee_id)} { (employee.as_deref().unwrap_or("?")) } }
                            td { (skill.as_deref().unwrap_or("?")) }
                            td { (c.level) }
                            td { (layout::date(Some(c.achieved_at))) }
                            td { (c.certified_by) }
                            td { (c.assessed_by()) }
                            td {
                                @if is_me(&c.certified_by) || c.assessor.as_deref().is_some_and(is_me) {
                                    (tr!("approvals-yours"))
                                } @else {
                                    form.inline method="post" action={"/approvals/" (c.id) "/approve"} {
                                        (csrf(&user))
                                        button.primary type="submit" { (tr!("approvals-approve")) }
                                    }
                                    form.inline method="post" action={"/approvals/" (c.id) "/reject"} {
                                        (csrf(&user))
                                        input name="reason" placeholder=(tr!("approvals-reason")) required;
                                        button type="submit" { (tr!("approvals-reject")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, &tr!("nav-approvals"), body))
}

/// `POST /approvals/{id}/approve`
pub async fn approve(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
    Form(f): Form<CsrfForm>,
) -> WebResult {
    user.require(user.role().can_certify(), "approve certifications")?;
    user.check_csrf(&f.csrf)?;
    let store = st.store.clone();
    let actor = user.actor.clone();
    blocking(move || service::approve(&store, &actor, id)).await?;
    Ok(Redirect::to("/approvals").into_response())
}

/// The reject form.
#[derive(Debug, Deserialize)]
pub struct RejectForm {
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// `POST /approvals/{id}/reject`
pub async fn reject(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
    Form(f): Form<RejectForm>,
) -> WebResult {
    user.require(user.role().can_certify(), "approve certifications")?;
    user.check_csrf(&f.csrf)?;
    let store = st.store.clone();
    let actor = user.actor.clone();
    blocking(move || service::reject(&store, &actor, id, RevokeInput { reason: f.reason })).await?;
    Ok(Redirect::to("/approvals").into_response())
}
