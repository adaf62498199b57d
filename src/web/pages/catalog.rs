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
use crate::service::{self, RequirementInput, RevisionInput, ServiceError, SkillInput};
use crate::web::UiState;
use crate::web::WebUser;
use crate::web::layout::{self, CsrfForm, WebError, WebResult, csrf};

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
            div { label for="q" { "Search" } input #q type="search" name="q" value=(q.q); }
            div { button type="submit" { "Search" } }
        }
        table {
            thead { tr { th { "Code" } th { "Skill" } th { "Levels" } th { "Valid for" } th { "Active revision" } } }
            tbody {
                @for s in &list {
                    tr {
                        td { (s.code) }
                        td { a href={"/skills/" (s.id)} { (s.name) } }
                        td { (s.max_level) }
                        td { @if let Some(m) = s.validity_months { (m) " months" } @else { "never expires" } }
                        td { (c.active_revision(s.id).map_or("—", |r| r.label.as_str())) }
                    }
                }
            }
        }
        @if user.role().can_manage_catalog() {
            h2 { "New skill" }
            form.grid method="post" action="/skills" {
                (csrf(&user))
                div { label for="code" { "Code" } input #code name="code" required; }
                div { label for="name" { "Name" } input #name name="name" required; }
                div { label for="max_level" { "Levels" } input #max_level type="number" name="max_level" min="1" max="10" value="1" required; }
                div { label for="validity" { "Valid for (months, empty = never)" } input #validity type="number" name="validity_months" min="1" max="600"; }
                div { label for="description" { "Description" } input #description name="description"; }
                div { button.primary type="submit" { "Create skill" } }
            }
        }
    };
    Ok(layout::page(&user, "Skills", body))
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
                .map_err(|_| WebError::Invalid("Validity must be a number of months.".into()))?,
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
                .map_err(|_| WebError::Invalid("Validity must be a number of months.".into()))?,
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
        p { "Code " strong { (skill.code) } " · levels 1–" (skill.max_level) " · "
            @if let Some(m) = skill.validity_months { "valid " (m) " months" } @else { "never expires" } }
        h2 { "Revisions" }
        table {
            thead { tr { th { "#" } th { "Label" } th { "Status" } th { "Effective" } th { "Retraining" } th { "Grace" } th { "Change log" } th {} } }
            tbody {
                @for r in &revs {
                    tr {
                        td { (r.sequence) } td { (r.label) } td { (format!("{:?}", r.status)) }
                        td { (r.effective_date.map_or("—".into(), |d| d.to_string())) }
                        td { (if r.requires_retraining { "required" } else { "no" }) }
                        td { @if r.requires_retraining && r.grace_days > 0 { (r.grace_days) " days" } @else { "—" } }
                        td { (r.change_log) }
                        td {
                            @if r.status == RevisionStatus::Draft && r.sequence > active_seq && user.role().can_manage_catalog() { a href={"/revisions/" (r.id) "/activate"} { "Activate…" } }
                            @if r.status == RevisionStatus::Active && user.role().can_manage_catalog() && revs.iter().any(|o| o.status == RevisionStatus::Archived && o.sequence < r.sequence) {
                                form method="post" style="display:inline" action={"/skills/" (skill.id) "/rollback"} {
                                    (csrf(&user))
                                    button type="submit" onclick="return confirm('Withdraw this revision and make the previous one active again?')" { "Roll back" }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if user.role().can_manage_catalog() {
            details {
                summary { "Edit skill" }
                form.grid method="post" action={"/skills/" (skill.id) "/edit"} {
                    (csrf(&user))
                    div { label for="e_code" { "Code" } input #e_code name="code" value=(skill.code) required; }
                    div { label for="e_name" { "Name" } input #e_name name="name" value=(skill.name) required; }
                    div { label for="e_max" { "Levels" } input #e_max type="number" name="max_level" min="1" max="10" value=(skill.max_level) required; }
                    div { label for="e_validity" { "Valid for (months, empty = never)" }
                        input #e_validity type="number" name="validity_months" min="1" max="600" value=(skill.validity_months.map_or(String::new(), |m| m.to_string())); }
                    div { label for="e_desc" { "Description" } input #e_desc name="description" value=(skill.description); }
                    div { button.primary type="submit" { "Save" } }
                }
            }
            h2 { "New revision (draft)" }
            form.grid method="post" action={"/skills/" (skill.id)} {
                (csrf(&user))
                div { label for="label" { "Label" } input #label name="label" placeholder="Rev C" required; }
                div { label for="log" { "What changed" } input #log name="change_log"; }
                div { label { input type="checkbox" name="requires_retraining" value="yes" class="auto"; " Everyone certified earlier must retrain" } }
                div { button.primary type="submit" { "Add draft" } }
            }
        }
        h2 { "Required by" }
        table {
            thead { tr { th { "Scope" } th { "Level" } } }
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
            text => Some(text.parse::<u32>().map_err(|_| {
                WebError::Invalid(format!("grace period {text:?} is not a number of days"))
            })?),
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
            thead { tr { th { "Number" } th { "Name" } th { "Now" } @if due { th { "Retrain by" } } th { "Refused at" } } }
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
        p { "Activating " strong { (p.revision.label) } @if let Some(r) = &p.replaces { " archives " strong { (r.label) } } "." }
        form.grid method="get" action={"/revisions/" (id) "/activate"} {
            div { label for="effective_date" { "Takes effect on" } input #effective_date type="date" name="effective_date" value=(effective); }
            div { label for="grace_days" { "Grace period for retraining (days, 0 = none)" } input #grace_days type="number" min="0" max=(service::MAX_GRACE_DAYS) name="grace_days" value=(grace); }
            div { button type="submit" { "Update preview" } }
        }
        @if p.outdated_employees.is_empty() && p.retraining_due_employees.is_empty() {
            p.notice { "Nobody becomes RETRAINING_DUE or OUTDATED." }
        }
        @if !p.retraining_due_employees.is_empty() {
            p.warn #retraining-due { (p.retraining_due_employees.len()) " employee(s) become RETRAINING_DUE: still allowed to work until the grace period ends, then refused at the stations listed:" }
            (preview_people(&p.retraining_due_employees, true))
        }
        @if !p.outdated_employees.is_empty() {
            p.error #outdated { (p.outdated_employees.len()) " employee(s) become OUTDATED and will be refused at the stations listed until retrained:" }
            (preview_people(&p.outdated_employees, false))
        }
        form method="post" action={"/revisions/" (id) "/activate"} {
            (csrf(&user))
            input type="hidden" name="effective_date" value=(effective);
            input type="hidden" name="grace_days" value=(grace);
            button.primary type="submit" { "Activate " (p.revision.label) }
            " " a href={"/skills/" (p.revision.skill_id)} { "Cancel" }
        }
    };
    Ok(layout::page(&user, "Activate revision", body))
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
/// again.
pub async fn rollback(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
    Form(f): Form<CsrfForm>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "manage revisions")?;
    user.check_csrf(&f.csrf)?;
    let store = st.store.clone();
    let actor = user.actor.clone();
    blocking(move || service::rollback_revision(&store, &actor, id)).await?;
    Ok(Redirect::to(&format!("/skills/{id}")).into_response())
}

/// Requirement form fields (also the preview's query).
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
}

/// `GET /requirements` (with a preview of a row's impact when the form is filled in).
pub async fn requirements(
    State(st): State<UiState>,
    user: WebUser,
    Query(f): Query<RequirementForm>,
) -> WebResult {
    user.require(user.role().can_view_all(), "view requirements")?;
    let c = st.store.catalog();
    let store = st.store.clone();
    let preview = f.input()?;
    let (rows, impact) = blocking(move || {
        let r = store.read()?;
        let rows: Vec<Requirement> = r
            .list::<Requirement>()?
            .into_iter()
            .filter(|x| x.deleted_at.is_none())
            .collect();
        let impact = match preview {
            Some(input) => {
                drop(r);
                let i = service::requirement_impact(&store, &input, Timestamp::now())?;
                Some((i.applies, i.gaps))
            }
            None => None,
        };
        Ok((rows, impact))
    })
    .await?;
    let skills = choices(&c.skills, |s| &s.name);
    let sites = choices(&c.sites, |s| &s.name);
    let depts = choices(&c.departments, |s| &s.name);
    let roles = choices(&c.roles, |s| &s.name);
    let projects = choices(&c.projects, |s| &s.name);
    let sel = |name: &str, label: &str, cur: &str, v: &[(Uuid, String)], any: bool| {
        html! {
            div { label for=(name) { (label) } select id=(name) name=(name) { @if any { option value="" { "Any" } } @for (id, n) in v { option value=(id) selected[id.to_string() == cur] { (n) } } } }
        }
    };
    let mut sorted = rows;
    sorted.sort_by_key(|r| c.skills.get(&r.skill_id).map(|s| s.name.clone()));
    let body = html! {
        @if user.role().can_manage_catalog() {
            h2 { "Add a requirement" }
            form.grid method="get" action="/requirements" {
                (sel("skill_id", "Skill", &f.skill_id, &skills, false))
                div { label for="level" { "Level" } input #level type="number" name="level" min="1" max="10" value=(f.level.unwrap_or(1)); }
                (sel("site_id", "Site", &f.site_id, &sites, true))
                (sel("department_id", "Department", &f.department_id, &depts, true))
                (sel("role_id", "Role", &f.role_id, &roles, true))
                (sel("project_id", "Project", &f.project_id, &projects, true))
                div { button type="submit" { "Preview impact" } }
            }
            @if let Some((applies, gaps)) = impact {
                p.notice role="status" { "This row applies to " strong { (applies) } " active employee(s); " strong { (gaps) } " of them would not meet it today." }
                form method="post" action="/requirements" {
                    (csrf(&user))
                    input type="hidden" name="skill_id" value=(f.skill_id);
                    input type="hidden" name="level" value=(f.level.unwrap_or(1));
                    input type="hidden" name="site_id" value=(f.site_id);
                    input type="hidden" name="department_id" value=(f.department_id);
                    input type="hidden" name="role_id" value=(f.role_id);
                    input type="hidden" name="project_id" value=(f.project_id);
                    button.primary type="submit" { "Add requirement" }
                }
            }
        }
        h2 { "Requirements" }
        table {
            thead { tr { th { "Skill" } th { "Level" } th { "Applies to" } th {} } }
            tbody {
                @for r in &sorted {
                    tr {
                        td { (c.skills.get(&r.skill_id).map_or("?", |s| s.name.as_str())) }
                        td {
                            @if user.role().can_manage_catalog() {
                                form.inline method="post" action={"/requirements/" (r.id) "/level"} {
                                    (csrf(&user))
                                    input type="number" name="level" min="1" max="10" value=(r.level) class="level" aria-label="Required level";
                                    " " button type="submit" { "Change" }
                                }
                            } @else { (r.level) }
                        }
                        td { (crate::qualify::scope_label_of(&c, r)) }
                        td { @if user.role().can_manage_catalog() {
                            form.inline method="post" action={"/requirements/" (r.id) "/delete"} { (csrf(&user)) button type="submit" { "Delete" } } } }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, "Requirements", body))
}

/// `POST /requirements`
pub async fn create_requirement(
    State(st): State<UiState>,
    user: WebUser,
    Form(f): Form<RequirementForm>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "manage requirements")?;
    user.check_csrf(&f.csrf)?;
    let input = f
        .input()?
        .ok_or_else(|| WebError::Invalid("Choose a skill.".into()))?;
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
}

/// `POST /requirements/{id}/level`: change a row's required level (its scope stays).
pub async fn update_requirement(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
    Form(f): Form<LevelForm>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "manage requirements")?;
    user.check_csrf(&f.csrf)?;
    let store = st.store.clone();
    let actor = user.actor.clone();
    let _: Requirement =
        blocking(move || service::set_requirement_level(&store, &actor, id, f.level)).await?;
    Ok(Redirect::to("/requirements").into_response())
}

/// `POST /requirements/{id}/delete`
pub async fn delete_requirement(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
    Form(f): Form<CsrfForm>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "manage requirements")?;
    user.check_csrf(&f.csrf)?;
    let store = st.store.clone();
    let actor = user.actor.clone();
    let _: Requirement = blocking(move || service::delete(&store, &actor, id)).await?;
    Ok(Redirect::to("/requirements").into_response())
}
