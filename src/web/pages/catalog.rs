//! Skills and their revisions (with the activation preview), and requirement rows (with an
//! impact preview before adding).

use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use jiff::Timestamp;
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

use super::{blocking, choices, opt_id};
use crate::domain::{Requirement, RevisionStatus, Skill, SkillRevision};
use crate::service::{
    self, RequirementChange, RequirementInput, RevisionInput, ServiceError, SkillInput,
};
use crate::web::UiState;
use crate::web::WebUser;
use crate::web::layout::{self, WebError, WebResult, csrf};
use crate::web::locale::tr;

/// Skill search.
#[derive(Debug, Default, Deserialize)]
pub struct SkillQuery {
    #[serde(default)]
    q: String,
}

/// `GET /skills`
pub async fn skills(
    State(st): State<UiState>,
    user: WebUser,
    Query(q): Query<SkillQuery>,
) -> WebResult {
    user.require(user.role().can_view_all(), "view skills")?;
    let c = st.store.catalog();
    let needle = q.q.trim().to_lowercase();
    let mut list: Vec<&Skill> = c
        .skills
        .values()
        .filter(|s| s.deleted_at.is_none())
        .filter(|s| {
            needle.is_empty()
                || s.name.to_lowercase().contains(&needle)
                || s.code.to_lowercase().contains(&needle)
        })
        .collect();
    list.sort_by(|a, b| a.name.cmp(&b.name));
    let body = html! {
        form.grid method="get" action="/skills" role="search" {
            div { label for="q" { (tr!("search")) } input #q type="search" name="q" value=(q.q); }
            div { button type="submit" { (tr!("search")) } }
        }
        table {
            thead { tr { th { (tr!("skills-code")) } th { (tr!("col-skill")) } th { (tr!("skills-levels")) } th { (tr!("skills-valid-for")) } th { (tr!("skills-active-revision")) } } }
            tbody {
                @for s in &list {
                    tr {
                        td { (s.code) }
                        td { a href={"/skills/" (s.id)} { (s.name) } }
                        td { (s.max_level) }
                        td { @if let Some(m) = s.validity_months { (tr!("skills-months", months = m)) } @else { (tr!("skills-never-expires")) } }
                        td { (c.active_revision(s.id).map_or("—", |r| r.label.as_str())) }
                    }
                }
            }
        }
        @if user.role().can_manage_catalog() {
            h2 { (tr!("skills-new")) }
            form.grid method="post" action="/skills" {
                (csrf(&user))
                div { label for="code" { (tr!("skills-code")) } input #code name="code" required; }
                div { label for="name" { (tr!("col-name")) } input #name name="name" required; }
                div { label for="max_level" { (tr!("skills-levels")) } input #max_level type="number" name="max_level" min="1" max="10" value="1" required; }
                div { label for="validity" { (tr!("skills-validity-field")) } input #validity type="number" name="validity_months" min="1" max="600"; }
                div { label for="description" { (tr!("skills-description")) } input #description name="description"; }
                div { button.primary type="submit" { (tr!("skills-create")) } }
            }
        }
    };
    Ok(layout::page(&user, &tr!("nav-skills"), body))
}

/// The new-skill form.
#[derive(Debug, Deserialize)]
pub struct SkillForm {
    csrf: String,
    code: String,
    name: String,
    max_level: u8,
    #[serde(default)]
    validity_months: String,
    #[serde(default)]
    description: String,
}

fn skill_input(f: SkillForm) -> Result<SkillInput, WebError> {
    let validity = if f.validity_months.trim().is_empty() {
        None
    } else {
        Some(
            f.validity_months
                .trim()
                .parse()
                .map_err(|_| WebError::Invalid(tr!("skills-validity-invalid")))?,
        )
    };
    Ok(SkillInput {
        code: f.code,
        name: f.name,
        description: f.description,
        max_level: f.max_level,
        validity_months: validity,
        needs_approval: None,
    })
}

/// `POST /skills/{id}/edit`
pub async fn update_skill(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
    Form(f): Form<SkillForm>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "manage skills")?;
    user.check_csrf(&f.csrf)?;
    let input = skill_input(f)?;
    let store = st.store.clone();
    let actor = user.actor.clone();
    let _: Skill = blocking(move || service::update(&store, &actor, id, input)).await?;
    Ok(Redirect::to(&format!("/skills/{id}")).into_response())
}

/// `POST /skills`
pub async fn create_skill(
    State(st): State<UiState>,
    user: WebUser,
    Form(f): Form<SkillForm>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "manage skills")?;
    user.check_csrf(&f.csrf)?;
    let validity = if f.validity_months.trim().is_empty() {
        None
    } else {
        Some(
            f.validity_months
                .trim()
                .parse()
                .map_err(|_| WebError::Invalid(tr!("skills-validity-invalid")))?,
        )
    };
    let input = SkillInput {
        code: f.code,
        name: f.name,
        description: f.description,
        max_level: f.max_level,
        validity_months: validity,
        needs_approval: None,
    };
    let store = st.store.clone();
    let actor = user.actor.clone();
    let s: Skill = blocking(move || service::create(&store, &actor, input)).await?;
    Ok(Redirect::to(&format!("/skills/{}", s.id)).into_response())
}

/// `GET /skills/{id}`: the revision manager.
pub async fn skill(State(st): State<UiState>, user: WebUser, Path(id): Path<Uuid>) -> WebResult {
    user.require(user.role().can_view_all(), "view skills")?;
    let store = st.store.clone();
    let (skill, revs, rows) = blocking(move || {
        let r = store.read()?;
        let s: Skill = r
            .get(id)?
            .ok_or_else(|| ServiceError::not_found("skill", id))?;
        Ok((s, r.revisions_of(id)?, r.requirements_of(id)?))
    })
    .await?;
    let c = st.store.catalog();
    // Revisions activate in order: only a draft newer than the active one can be activated.
    let active_seq = revs
        .iter()
        .filter(|r| r.status == RevisionStatus::Active)
        .map(|r| r.sequence)
        .max()
        .unwrap_or(0);
    let body = html! {
        p { (skill.description) }
        p { (tr!("skills-code")) " " strong { (skill.code) } " · " (tr!("skills-levels-range", max = skill.max_level)) " · "
            @if let Some(m) = skill.validity_months { (tr!("skills-valid-months", months = m)) } @else { (tr!("skills-never-expires")) } }
        p { a href={"/training?skill=" (skill.id)} { (tr!("skills-training-plan")) } }
        h2 { (tr!("skills-revisions")) }
        table {
            thead { tr { th { "#" } th { (tr!("skills-label")) } th { (tr!("col-status")) } th { (tr!("skills-effective")) } th { (tr!("skills-retraining")) } th { (tr!("skills-grace")) } th { (tr!("skills-change-log")) } th {} } }
            tbody {
                @for r in &revs {
                    tr {
                        td { (r.sequence) } td { (r.label) } td { (format!("{:?}", r.status)) }
                        td { (r.effective_date.map_or("—".into(), |d| d.to_string())) }
                        td { (if r.requires_retraining { tr!("skills-required") } else { tr!("no") }) }
                        td { @if r.requires_retraining && r.grace_days > 0 { (tr!("skills-days", days = r.grace_days)) } @else { "—" } }
                        td { (r.change_log) }
                        td {
                            @if r.status == RevisionStatus::Draft && r.sequence > active_seq && user.role().can_manage_catalog() { a href={"/revisions/" (r.id) "/activate"} { (tr!("skills-activate")) "…" } }
                            @if r.status == RevisionStatus::Active && user.role().can_manage_catalog() && revs.iter().any(|o| o.status == RevisionStatus::Archived && o.sequence < r.sequence) {
                                form.inline method="post" action={"/skills/" (skill.id) "/rollback"} {
                                    (csrf(&user))
                                    label.inline { input.auto type="checkbox" name="confirm" value="yes" required; " " (tr!("skills-roll-back-confirm")) }
                                    " " button type="submit" { (tr!("skills-roll-back")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if user.role().can_manage_catalog() {
            details {
                summary { (tr!("skills-edit")) }
                form.grid method="post" action={"/skills/" (skill.id) "/edit"} {
                    (csrf(&user))
                    div { label for="e_code" { (tr!("skills-code")) } input #e_code name="code" value=(skill.code) required; }
                    div { label for="e_name" { (tr!("col-name")) } input #e_name name="name" value=(skill.name) required; }
                    div { label for="e_max" { (tr!("skills-levels")) } input #e_max type="number" name="max_level" min="1" max="10" value=(skill.max_level) required; }
                    div { label for="e_validity" { (tr!("skills-validity-field")) }
                        input #e_validity type="number" name="validity_months" min="1" max="600" value=(skill.validity_months.map_or(String::new(), |m| m.to_string())); }
                    div { label for="e_desc" { (tr!("skills-description")) } input #e_desc name="description" value=(skill.description); }
                    div { button.primary type="submit" { (tr!("save")) } }
                }
            }
            h2 { (tr!("skills-new-revision")) }
            form.grid method="post" action={"/skills/" (skill.id)} {
                (csrf(&user))
                div { label for="label" { (tr!("skills-label")) } input #label name="label" placeholder="Rev C" required; }
                div { label for="log" { (tr!("skills-what-changed")) } input #log name="change_log"; }
                div { label { input type="checkbox" name="requires_retraining" value="yes" class="auto"; " " (tr!("skills-must-retrain")) } }
                div { button.primary type="submit" { (tr!("skills-add-draft")) } }
            }
        }
        h2 { (tr!("emp-required-by")) }
        table {
            thead { tr { th { (tr!("skills-scope")) } th { (tr!("col-level")) } } }
            tbody { @for r in rows.iter().filter(|r| r.deleted_at.is_none()) { tr { td { (crate::qualify::scope_label_of(&c, r)) } td { (r.level) } } } }
        }
    };
    Ok(layout::page(&user, &skill.name, body))
}

/// The new-revision form.
#[derive(Debug, Deserialize)]
pub struct RevisionForm {
    csrf: String,
    label: String,
    #[serde(default)]
    change_log: String,
    #[serde(default)]
    requires_retraining: String,
}

/// `POST /skills/{id}`: add a draft revision.
pub async fn create_revision(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
    Form(f): Form<RevisionForm>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "manage revisions")?;
    user.check_csrf(&f.csrf)?;
    let store = st.store.clone();
    let actor = user.actor.clone();
    let input = RevisionInput {
        label: f.label,
        change_log: f.change_log,
        effective_date: None,
        requires_retraining: f.requires_retraining == "yes",
        grace_days: 0,
        status: None,
    };
    let _: SkillRevision =
        blocking(move || service::create_revision(&store, &actor, id, input)).await?;
    Ok(Redirect::to(&format!("/skills/{id}")).into_response())
}

/// The activation form's fields (also the preview's query): effective date and grace days.
#[derive(Debug, Default, Deserialize)]
pub struct ActivationForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    effective_date: String,
    #[serde(default)]
    grace_days: String,
}

impl ActivationForm {
    fn input(&self) -> Result<service::ActivationInput, WebError> {
        let effective_date = match self.effective_date.trim() {
            "" => None,
            text => Some(text.parse::<jiff::civil::Date>().map_err(|_| {
                WebError::Invalid(format!(
                    "effective date {text:?} is not a date like 2026-12-01"
                ))
            })?),
        };
        let grace_days = match self.grace_days.trim() {
            "" => None,
            text => Some(
                text.parse::<u32>()
                    .map_err(|_| WebError::Invalid(tr!("activate-grace-invalid", text = text)))?,
            ),
        };
        Ok(service::ActivationInput {
            effective_date,
            grace_days,
        })
    }
}

/// One group of people in the activation preview.
fn preview_people(people: &[service::PreviewEmployee], due: bool) -> maud::Markup {
    html! {
        table {
            thead { tr { th { (tr!("col-number")) } th { (tr!("col-name")) } th { (tr!("activate-now")) } @if due { th { (tr!("activate-retrain-by")) } } th { (tr!("activate-refused-at")) } } }
            tbody {
                @for e in people {
                    tr {
                        td { (e.number) }
                        td { a href={"/employees/" (e.id)} { (e.name) } }
                        td { (layout::status(e.before)) }
                        @if due { td { (layout::date(e.retraining_due)) } }
                        td { @if e.refused_at.is_empty() { "—" } @else { (e.refused_at.join(", ")) } }
                    }
                }
            }
        }
    }
}

/// `GET /revisions/{id}/activate`: exactly who becomes RETRAINING_DUE or OUTDATED, and where
/// they will be refused, before activating; the form sets the effective date and grace.
pub async fn activation_preview(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
    Query(f): Query<ActivationForm>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "manage revisions")?;
    let input = f.input()?;
    let store = st.store.clone();
    let p =
        blocking(move || service::activation_preview(&store, id, input, Timestamp::now())).await?;
    let effective = p
        .revision
        .effective_date
        .map_or(String::new(), |d| d.to_string());
    let grace = p.revision.grace_days.to_string();
    let body = html! {
        p { @match &p.replaces {
            Some(r) => (tr!("activate-replaces", revision = p.revision.label.as_str(), old = r.label.as_str())),
            None => (tr!("activate-first", revision = p.revision.label.as_str())),
        } }
        form.grid method="get" action={"/revisions/" (id) "/activate"} {
            div { label for="effective_date" { (tr!("activate-effective")) } input #effective_date type="date" name="effective_date" value=(effective); }
            div { label for="grace_days" { (tr!("activate-grace")) } input #grace_days type="number" min="0" max=(service::MAX_GRACE_DAYS) name="grace_days" value=(grace); }
            div { button type="submit" { (tr!("activate-update")) } }
        }
        @if p.outdated_employees.is_empty() && p.retraining_due_employees.is_empty() {
            p.notice { (tr!("activate-nobody")) }
        }
        @if !p.retraining_due_employees.is_empty() {
            p.warn #retraining-due { (tr!("activate-due", count = p.retraining_due_employees.len())) }
            (preview_people(&p.retraining_due_employees, true))
        }
        @if !p.outdated_employees.is_empty() {
            p.error #outdated { (tr!("activate-outdated", count = p.outdated_employees.len())) }
            (preview_people(&p.outdated_employees, false))
        }
        form method="post" action={"/revisions/" (id) "/activate"} {
            (csrf(&user))
            input type="hidden" name="effective_date" value=(effective);
            input type="hidden" name="grace_days" value=(grace);
            button.primary type="submit" { (tr!("activate-button", revision = p.revision.label.as_str())) }
            " " a href={"/skills/" (p.revision.skill_id)} { (tr!("cancel")) }
        }
    };
    Ok(layout::page(&user, &tr!("activate-title"), body))
}

/// `POST /revisions/{id}/activate`
pub async fn activate(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
    Form(f): Form<ActivationForm>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "manage revisions")?;
    user.check_csrf(&f.csrf)?;
    let input = f.input()?;
    let store = st.store.clone();
    let actor = user.actor.clone();
    let (active, _) =
        blocking(move || service::activate_revision(&store, &actor, id, input)).await?;
    Ok(Redirect::to(&format!("/skills/{}", active.skill_id)).into_response())
}

/// `POST /skills/{id}/rollback`: withdraw the active revision, the previous one is active
/// again (the box beside the button confirms it).
pub async fn rollback(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
    Form(f): Form<ConfirmForm>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "manage revisions")?;
    user.check_csrf(&f.csrf)?;
    if f.confirm != "yes" {
        return Err(WebError::Invalid(tr!("skills-roll-back-tick")));
    }
    let store = st.store.clone();
    let actor = user.actor.clone();
    blocking(move || service::rollback_revision(&store, &actor, id)).await?;
    Ok(Redirect::to(&format!("/skills/{id}")).into_response())
}

/// Requirement form fields, also the preview's query: a row to add (skill, level, scope), a
/// row whose level changes (`change` and `level`) or a row to delete (`delete`).
#[derive(Debug, Default, Deserialize)]
pub struct RequirementForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    skill_id: String,
    #[serde(default)]
    level: Option<u8>,
    #[serde(default)]
    site_id: String,
    #[serde(default)]
    department_id: String,
    #[serde(default)]
    role_id: String,
    #[serde(default)]
    project_id: String,
    /// The row whose level changes.
    #[serde(default)]
    change: String,
    /// The row to delete.
    #[serde(default)]
    delete: String,
    /// `yes` once the preview was shown and confirmed.
    #[serde(default)]
    confirm: String,
}

impl RequirementForm {
    fn input(&self) -> Result<Option<RequirementInput>, WebError> {
        let Some(skill_id) = opt_id(&self.skill_id)? else {
            return Ok(None);
        };
        Ok(Some(RequirementInput {
            skill_id,
            level: self.level.unwrap_or(1),
            site_id: opt_id(&self.site_id)?,
            department_id: opt_id(&self.department_id)?,
            role_id: opt_id(&self.role_id)?,
            project_id: opt_id(&self.project_id)?,
        }))
    }

    /// The change the query asks to preview, if any.
    fn change(&self) -> Result<Option<RequirementChange>, WebError> {
        if let Some(id) = opt_id(&self.change)? {
            let level = self
                .level
                .ok_or_else(|| WebError::Invalid(tr!("req-give-level")))?;
            return Ok(Some(RequirementChange::SetLevel { id, level }));
        }
        if let Some(id) = opt_id(&self.delete)? {
            return Ok(Some(RequirementChange::Delete { id }));
        }
        Ok(self.input()?.map(RequirementChange::Add))
    }
}

/// The preview of a requirement change and the form that confirms it: who changes status
/// and where they would be refused, never in green when someone would no longer be
/// qualified.
fn requirement_preview_box(
    user: &WebUser,
    c: &crate::qualify::Catalog,
    f: &RequirementForm,
    change: &RequirementChange,
    p: &service::RequirementPreview,
) -> maud::Markup {
    let scope = |r: &Requirement| crate::qualify::scope_label_of(c, r);
    let skill = p.skill_name.as_str();
    let title = match (&p.before, &p.after) {
        (None, Some(new)) => tr!(
            "req-preview-add",
            skill = skill,
            level = new.level,
            scope = scope(new)
        ),
        (Some(old), Some(new)) => tr!(
            "req-preview-level",
            skill = skill,
            scope = scope(old),
            old = old.level,
            level = new.level
        ),
        (Some(old), None) => tr!(
            "req-preview-delete",
            skill = skill,
            level = old.level,
            scope = scope(old)
        ),
        (None, None) => String::new(),
    };
    let dash = || html! { "—" };
    html! {
        section #preview aria-labelledby="preview-title" {
            h2 #preview-title { (title) }
            p { (tr!("req-applies", count = p.applies)) }
            @if p.failing > 0 {
                p.error #impact role="alert" { (tr!("req-impact-failing", count = p.failing, skill = skill)) }
            } @else if p.changes.is_empty() {
                p.notice #impact role="status" { (tr!("req-impact-nobody")) }
            } @else {
                p.notice #impact role="status" { (tr!("req-impact-no-failing", count = p.changes.len())) }
            }
            @if !p.changes.is_empty() {
                table #changes {
                    thead { tr { th { (tr!("col-number")) } th { (tr!("col-name")) } th { (tr!("req-status-now")) } th { (tr!("req-status-after")) } th { (tr!("activate-refused-at")) } th { (tr!("req-allowed-at")) } } }
                    tbody {
                        @for e in &p.changes {
                            tr.fails[e.fails] {
                                td { (e.number) }
                                td { a href={"/employees/" (e.id)} { (e.name) } }
                                td { @match e.before { Some(s) => (layout::status(s)), None => (tr!("revoke-not-listed")) } }
                                td { @match e.after { Some(s) => (layout::status(s)), None => (tr!("revoke-not-listed")) } }
                                td { @if e.refused_at.is_empty() { (dash()) } @else { (e.refused_at.join(", ")) } }
                                td { @if e.allowed_at.is_empty() { (dash()) } @else { (e.allowed_at.join(", ")) } }
                            }
                        }
                    }
                }
            }
            @let danger = p.failing > 0 || matches!(change, RequirementChange::Delete { .. });
            @let (action, button) = match change {
                RequirementChange::Add(_) => ("/requirements".to_owned(), tr!("req-add")),
                RequirementChange::SetLevel { id, level } => (format!("/requirements/{id}/level"), tr!("req-confirm-level", level = *level)),
                RequirementChange::Delete { id } => (format!("/requirements/{id}/delete"), tr!("req-confirm-delete")),
            };
            form method="post" action=(action) {
                (csrf(user))
                input type="hidden" name="confirm" value="yes";
                @if let RequirementChange::Add(_) = change {
                    input type="hidden" name="skill_id" value=(f.skill_id);
                    input type="hidden" name="site_id" value=(f.site_id);
                    input type="hidden" name="department_id" value=(f.department_id);
                    input type="hidden" name="role_id" value=(f.role_id);
                    input type="hidden" name="project_id" value=(f.project_id);
                }
                @if let Some(level) = f.level { input type="hidden" name="level" value=(level); }
                @if danger { button.danger type="submit" { (button) } } @else { button.primary type="submit" { (button) } }
                " " a href="/requirements" { (tr!("cancel")) }
            }
        }
    }
}

/// `GET /requirements`, with the preview of a change when the query names one: adding a row
/// (the add form), changing a row's level or deleting it (the buttons of each row).
pub async fn requirements(
    State(st): State<UiState>,
    user: WebUser,
    Query(f): Query<RequirementForm>,
) -> WebResult {
    user.require(user.role().can_view_all(), "view requirements")?;
    let c = st.store.catalog();
    let change = if user.role().can_manage_catalog() {
        f.change()?
    } else {
        None
    };
    let store = st.store.clone();
    let rows = blocking(move || {
        Ok(store
            .read()?
            .list::<Requirement>()?
            .into_iter()
            .filter(|x| x.deleted_at.is_none())
            .collect::<Vec<Requirement>>())
    })
    .await?;
    let preview = match change.clone() {
        Some(change) => {
            let store = st.store.clone();
            Some(
                super::heavy(move || {
                    service::requirement_preview(&store, &change, Timestamp::now())
                })
                .await,
            )
        }
        None => None,
    };
    let skills = choices(&c.skills, |s| &s.name);
    let sites = choices(&c.sites, |s| &s.name);
    let depts = choices(&c.departments, |s| &s.name);
    let roles = choices(&c.roles, |s| &s.name);
    let projects = choices(&c.projects, |s| &s.name);
    let sel = |name: &str, label: &str, cur: &str, v: &[(Uuid, String)], any: bool| {
        html! {
            div { label for=(name) { (label) } select id=(name) name=(name) { @if any { option value="" { (tr!("matrix-any")) } } @for (id, n) in v { option value=(id) selected[id.to_string() == cur] { (n) } } } }
        }
    };
    let mut sorted = rows;
    sorted.sort_by_key(|r| c.skills.get(&r.skill_id).map(|s| s.name.clone()));
    let mut status = axum::http::StatusCode::OK;
    let preview_markup = match (&change, preview) {
        (Some(change), Some(Ok(p))) => Some(requirement_preview_box(&user, &c, &f, change, &p)),
        (Some(_), Some(Err(e))) => {
            let message = match e {
                WebError::Invalid(m) | WebError::Conflict(m) | WebError::NotFound(m) => m,
                other => return Err(other),
            };
            status = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Some(html! { section #preview { p.error #impact role="alert" { (message) } } })
        }
        _ => None,
    };
    let adding = matches!(change, None | Some(RequirementChange::Add(_)));
    let body = html! {
        @if user.role().can_manage_catalog() {
            @if !adding { @if let Some(m) = &preview_markup { (m) } }
            h2 { (tr!("req-add-title")) }
            form.grid method="get" action="/requirements" {
                (sel("skill_id", &tr!("col-skill"), &f.skill_id, &skills, false))
                div { label for="level" { (tr!("col-level")) } input #level type="number" name="level" min="1" max="10" value=(if adding { f.level.unwrap_or(1) } else { 1 }); }
                (sel("site_id", &tr!("col-site"), &f.site_id, &sites, true))
                (sel("department_id", &tr!("col-department"), &f.department_id, &depts, true))
                (sel("role_id", &tr!("col-role"), &f.role_id, &roles, true))
                (sel("project_id", &tr!("col-project"), &f.project_id, &projects, true))
                div { button type="submit" { (tr!("req-preview")) } }
            }
            @if adding { @if let Some(m) = &preview_markup { (m) } }
        }
        h2 { (tr!("nav-requirements")) }
        table {
            thead { tr { th { (tr!("col-skill")) } th { (tr!("col-level")) } th { (tr!("req-applies-to")) } th {} } }
            tbody {
                @for r in &sorted {
                    tr {
                        td { (c.skills.get(&r.skill_id).map_or("?", |s| s.name.as_str())) }
                        td {
                            @if user.role().can_manage_catalog() {
                                form.inline method="get" action="/requirements" {
                                    input type="hidden" name="change" value=(r.id);
                                    input type="number" name="level" min="1" max=(c.skills.get(&r.skill_id).map_or(10, |s| s.max_level)) value=(r.level) class="level" aria-label=(tr!("req-required-level"));
                                    " " button type="submit" { (tr!("req-preview-change")) }
                                }
                            } @else { (r.level) }
                        }
                        td { (crate::qualify::scope_label_of(&c, r)) }
                        td { @if user.role().can_manage_catalog() {
                            form.inline method="get" action="/requirements" {
                                input type="hidden" name="delete" value=(r.id);
                                button type="submit" { (tr!("delete")) "…" }
                            } } }
                    }
                }
            }
        }
    };
    Ok((status, layout::page(&user, &tr!("nav-requirements"), body)).into_response())
}

/// The preview to show again when a change is posted without its confirmation.
fn back_to_preview(query: String) -> WebResult {
    Ok(Redirect::to(&format!("/requirements?{query}")).into_response())
}

/// `POST /requirements`: add the row previewed and confirmed.
pub async fn create_requirement(
    State(st): State<UiState>,
    user: WebUser,
    Form(f): Form<RequirementForm>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "manage requirements")?;
    user.check_csrf(&f.csrf)?;
    if f.confirm != "yes" {
        let q = [
            ("skill_id", f.skill_id.as_str()),
            ("site_id", &f.site_id),
            ("department_id", &f.department_id),
            ("role_id", &f.role_id),
            ("project_id", &f.project_id),
        ]
        .iter()
        .map(|(k, v)| format!("{k}={}", layout::urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
        return back_to_preview(format!("{q}&level={}", f.level.unwrap_or(1)));
    }
    let input = f
        .input()?
        .ok_or_else(|| WebError::Invalid(tr!("req-choose-skill")))?;
    let store = st.store.clone();
    let actor = user.actor.clone();
    let _: Requirement = blocking(move || service::create(&store, &actor, input)).await?;
    Ok(Redirect::to("/requirements").into_response())
}

/// The level-change form.
#[derive(Debug, Deserialize)]
pub struct LevelForm {
    csrf: String,
    level: u8,
    /// `yes` once the preview was shown and confirmed.
    #[serde(default)]
    confirm: String,
}

/// `POST /requirements/{id}/level`: change a row's required level (its scope stays) once
/// its preview was confirmed; without the confirmation, the preview.
pub async fn update_requirement(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
    Form(f): Form<LevelForm>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "manage requirements")?;
    user.check_csrf(&f.csrf)?;
    if f.confirm != "yes" {
        return back_to_preview(format!("change={id}&level={}", f.level));
    }
    let store = st.store.clone();
    let actor = user.actor.clone();
    let _: Requirement =
        blocking(move || service::set_requirement_level(&store, &actor, id, f.level)).await?;
    Ok(Redirect::to("/requirements").into_response())
}

/// A form with a confirmation: the CSRF token and `confirm=yes`.
#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    csrf: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /requirements/{id}/delete`: delete a row once its preview was confirmed; without
/// the confirmation, the preview.
pub async fn delete_requirement(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
    Form(f): Form<ConfirmForm>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "manage requirements")?;
    user.check_csrf(&f.csrf)?;
    if f.confirm != "yes" {
        return back_to_preview(format!("delete={id}"));
    }
    let store = st.store.clone();
    let actor = user.actor.clone();
    let _: Requirement = blocking(move || service::delete(&store, &actor, id)).await?;
    Ok(Redirect::to("/requirements").into_response())
}
