//! Employees: the list with filters, create and edit, and the detail page.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jiff::Timestamp;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use super::{blocking, choices, opt_id};
use crate::domain::{AuditEvent, Certification, Employee, EmployeeStatus};
use crate::qualify::Catalog;
use crate::service::{self, EmployeeInput, ServiceError};
use crate::web::UiState;
use crate::web::WebUser;
use crate::web::layout::{self, WebError, WebResult, csrf, date, urlencode};
use crate::web::locale::{self, tr};

const PAGE: usize = 50;

/// Filters of the employee list.
#[derive(Debug, Default, Deserialize)]
pub struct EmployeeQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    site: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    project: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    page: usize,
}

/// One filter field: a labelled choice of `options` with "any" first.
pub(crate) fn select(
    name: &str,
    label: &str,
    current: &str,
    options: &[(String, String)],
    any: &str,
) -> Markup {
    html! {
        div {
            label for=(name) { (label) }
            select id=(name) name=(name) {
                option value="" { (any) }
                @for (id, text) in options {
                    option value=(id) selected[id == current] { (text) }
                }
            }
        }
    }
}

/// The sites, departments, roles and projects to filter by, as (id, name) by name.
pub(crate) fn options(c: &Catalog) -> [Vec<(String, String)>; 4] {
    let text = |v: Vec<(Uuid, String)>| v.into_iter().map(|(id, n)| (id.to_string(), n)).collect();
    [
        text(choices(&c.sites, |s| &s.name)),
        text(choices(&c.departments, |s| &s.name)),
        text(choices(&c.roles, |s| &s.name)),
        text(choices(&c.projects, |s| &s.name)),
    ]
}

/// `GET /employees`
pub async fn employees(
    State(st): State<UiState>,
    user: WebUser,
    Query(f): Query<EmployeeQuery>,
) -> WebResult {
    user.require(user.role().can_view_all(), "view employees")?;
    let store = st.store.clone();
    let all: Vec<Employee> = blocking(move || Ok(store.read()?.list::<Employee>()?)).await?;
    let c = st.store.catalog();
    let needle = f.q.trim().to_lowercase();
    let matches: Vec<&Employee> = all
        .iter()
        .filter(|e| e.deleted_at.is_none())
        .filter(|e| {
            needle.is_empty()
                || e.name.to_lowercase().contains(&needle)
                || e.number.to_lowercase().contains(&needle)
        })
        .filter(|e| f.site.is_empty() || e.site_id.to_string() == f.site)
        .filter(|e| {
            f.department.is_empty()
                || e.department_id.map(|d| d.to_string()) == Some(f.department.clone())
        })
        .filter(|e| f.role.is_empty() || e.role_id.map(|d| d.to_string()) == Some(f.role.clone()))
        .filter(|e| {
            f.project.is_empty() || e.project_ids.iter().any(|p| p.to_string() == f.project)
        })
        .filter(|e| f.status.is_empty() || e.status.as_str() == f.status)
        .collect();
    let mut sorted = matches;
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let pages = sorted.len().div_ceil(PAGE).max(1);
    let page = f.page.min(pages - 1);
    let shown = &sorted[(page * PAGE).min(sorted.len())..((page + 1) * PAGE).min(sorted.len())];
    let [sites, depts, roles, projects] = options(&c);
    let statuses: Vec<(String, String)> = ["active", "leave", "terminated"]
        .iter()
        .map(|s| (s.to_string(), employee_status(s)))
        .collect();
    let query = |p: usize| {
        format!(
            "/employees?q={}&site={}&department={}&role={}&project={}&status={}&page={p}",
            urlencode(&f.q),
            f.site,
            f.department,
            f.role,
            f.project,
            f.status
        )
    };
    let name = |m: &std::collections::HashMap<Uuid, String>, id: Option<Uuid>| {
        id.and_then(|i| m.get(&i).cloned()).unwrap_or_default()
    };
    let dn: std::collections::HashMap<Uuid, String> = c
        .departments
        .values()
        .map(|d| (d.id, d.name.clone()))
        .collect();
    let rn: std::collections::HashMap<Uuid, String> =
        c.roles.values().map(|d| (d.id, d.name.clone())).collect();
    let body = html! {
        form.grid method="get" action="/employees" role="search" {
            div { label for="q" { (tr!("emp-name-or-number")) } input #q type="search" name="q" value=(f.q); }
            (select("site", &tr!("col-site"), &f.site, &sites, &tr!("filter-all-sites")))
            (select("department", &tr!("col-department"), &f.department, &depts, &tr!("filter-all-departments")))
            (select("role", &tr!("col-role"), &f.role, &roles, &tr!("filter-all-roles")))
            (select("project", &tr!("col-project"), &f.project, &projects, &tr!("filter-all-projects")))
            (select("status", &tr!("col-status"), &f.status, &statuses, &tr!("filter-any-status")))
            div { button.primary type="submit" { (tr!("filter")) } }
        }
        p {
            (tr!("emp-count", count = sorted.len()))
            @if user.role().can_manage_catalog() { " · " a href="/employees/new" { (tr!("emp-new")) } " · " a href=(format!("/badges/print?q={}&site={}&department={}&role={}&project={}", urlencode(&f.q), urlencode(&f.site), urlencode(&f.department), urlencode(&f.role), urlencode(&f.project))) { (tr!("emp-print-badges")) } }
        }
        table {
            thead { tr { th { (tr!("col-number")) } th { (tr!("col-name")) } th { (tr!("col-site")) } th { (tr!("col-department")) } th { (tr!("col-role")) } th { (tr!("col-status")) } } }
            tbody {
                @for e in shown {
                    tr {
                        td { (e.number) }
                        td { a href={"/employees/" (e.id)} { (e.name) } }
                        td { (c.sites.get(&e.site_id).map_or("", |s| s.name.as_str())) }
                        td { (name(&dn, e.department_id)) }
                        td { (name(&rn, e.role_id)) }
                        td { (employee_status(e.status.as_str())) }
                    }
                }
            }
        }
        div.pager {
            @if page > 0 { a href=(query(page - 1)) { "← " (tr!("page-previous")) } }
            span { (tr!("page-of", page = page + 1, pages = pages)) }
            @if page + 1 < pages { a href=(query(page + 1)) { (tr!("page-next")) " →" } }
        }
    };
    Ok(layout::page(&user, &tr!("nav-employees"), body))
}

/// The create/edit form.
#[derive(Debug, Default, Deserialize)]
pub struct EmployeeForm {
    csrf: String,
    number: String,
    name: String,
    site_id: String,
    #[serde(default)]
    department_id: String,
    #[serde(default)]
    role_id: String,
    #[serde(default)]
    project_ids: Vec<String>,
    #[serde(default)]
    status: String,
    #[serde(default)]
    language: String,
}

fn employee_form(
    user: &WebUser,
    c: &Catalog,
    action: &str,
    f: &EmployeeForm,
    error: Option<(Option<&str>, &str)>,
) -> Markup {
    let [sites, depts, roles, projects] = options(c);
    let err = |field: &str| -> Markup {
        match error {
            Some((Some(f), m)) if f == field => html! { p.error role="alert" { (m) } },
            _ => html! {},
        }
    };
    html! {
        @if let Some((None, m)) = error { p.error role="alert" { (m) } }
        form.grid method="post" action=(action) {
            (csrf(user))
            div { label for="number" { (tr!("emp-number")) } input #number name="number" value=(f.number) required; (err("number")) }
            div { label for="name" { (tr!("emp-full-name")) } input #name name="name" value=(f.name) required; (err("name")) }
            div { label for="site_id" { (tr!("col-site")) }
                select #site_id name="site_id" required { @for (id, n) in &sites { option value=(id) selected[*id == f.site_id] { (n) } } }
                (err("site_id")) }
            div { label for="department_id" { (tr!("col-department")) }
                select #department_id name="department_id" { option value="" { "—" } @for (id, n) in &depts { option value=(id) selected[*id == f.department_id] { (n) } } } }
            div { label for="role_id" { (tr!("col-role")) }
                select #role_id name="role_id" { option value="" { "—" } @for (id, n) in &roles { option value=(id) selected[*id == f.role_id] { (n) } } } }
            div { label for="status" { (tr!("col-status")) }
                select #status name="status" {
                    @for s in ["active", "leave", "terminated"] { option value=(s) selected[f.status == s] { (employee_status(s)) } }
                } }
            div { label for="language" { (tr!("emp-language")) }
                select #language name="language" {
                    option value="" selected[f.language.is_empty()] { (tr!("emp-language-station")) }
                    @for l in crate::web::locale::Lang::ALL {
                        option value=(l.code()) lang=(l.code()) selected[f.language == l.code()] { (l.name()) }
                    }
                }
                (err("language")) }
            fieldset {
                legend { (tr!("emp-projects")) }
                @for (id, n) in &projects {
                    label { input type="checkbox" name="project_ids" value=(id) checked[f.project_ids.contains(id)] class="auto"; " " (n) }
                }
                (err("project_ids"))
            }
            div { button.primary type="submit" { (tr!("save")) } }
        }
    }
}

/// An employment status (`active`, `leave`, `terminated`) in the request's language.
pub(crate) fn employee_status(s: &str) -> String {
    match s {
        "active" => tr!("emp-status-active"),
        "leave" => tr!("emp-status-leave"),
        "terminated" => tr!("emp-status-terminated"),
        other => other.to_owned(),
    }
}

fn input_of(f: &EmployeeForm) -> Result<EmployeeInput, WebError> {
    let site_id = f
        .site_id
        .trim()
        .parse()
        .map_err(|_| WebError::Invalid(tr!("emp-choose-site")))?;
    let mut project_ids = Vec::new();
    for p in &f.project_ids {
        if let Some(id) = opt_id(p)? {
            project_ids.push(id);
        }
    }
    Ok(EmployeeInput {
        number: f.number.clone(),
        name: f.name.clone(),
        site_id,
        department_id: opt_id(&f.department_id)?,
        role_id: opt_id(&f.role_id)?,
        project_ids,
        status: match f.status.as_str() {
            "leave" => Some(EmployeeStatus::Leave),
            "terminated" => Some(EmployeeStatus::Terminated),
            _ => Some(EmployeeStatus::Active),
        },
        user_id: None,
        language: Some(f.language.clone()),
    })
}

/// `GET /employees/new`
pub async fn new_employee(State(st): State<UiState>, user: WebUser) -> WebResult {
    user.require(user.role().can_manage_catalog(), "create employees")?;
    let f = EmployeeForm {
        status: "active".into(),
        ..EmployeeForm::default()
    };
    Ok(layout::page(
        &user,
        &tr!("emp-new"),
        employee_form(&user, &st.store.catalog(), "/employees", &f, None),
    ))
}

fn form_error(e: &ServiceError) -> Option<(Option<&'static str>, String)> {
    match e {
        ServiceError::Invalid { field, message } => Some((*field, message.clone())),
        ServiceError::Conflict(m) => Some((Some("number"), m.clone())),
        _ => None,
    }
}

/// `POST /employees`
pub async fn create_employee(
    State(st): State<UiState>,
    user: WebUser,
    Form(f): Form<EmployeeForm>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "create employees")?;
    user.check_csrf(&f.csrf)?;
    let input = input_of(&f)?;
    let store = st.store.clone();
    let actor = user.actor.clone();
    let res =
        tokio::task::spawn_blocking(move || service::create::<Employee>(&store, &actor, input))
            .await
            .map_err(|_| WebError::Internal)?;
    match res {
        Ok(e) => Ok(Redirect::to(&format!("/employees/{}", e.id)).into_response()),
        Err(e) => match form_error(&e) {
            Some((field, msg)) => Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                layout::page(
                    &user,
                    &tr!("emp-new"),
                    employee_form(
                        &user,
                        &st.store.catalog(),
                        "/employees",
                        &f,
                        Some((field, &msg)),
                    ),
                ),
            )
                .into_response()),
            None => Err(e.into()),
        },
    }
}

/// `GET /employees/{id}/edit`
pub async fn edit_employee(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "edit employees")?;
    let store = st.store.clone();
    let e = blocking(move || service::live_employee(&store, id)).await?;
    let f = EmployeeForm {
        csrf: String::new(),
        number: e.number.clone(),
        name: e.name.clone(),
        site_id: e.site_id.to_string(),
        department_id: e.department_id.map(|x| x.to_string()).unwrap_or_default(),
        role_id: e.role_id.map(|x| x.to_string()).unwrap_or_default(),
        project_ids: e.project_ids.iter().map(Uuid::to_string).collect(),
        status: e.status.as_str().into(),
        language: e.language.clone().unwrap_or_default(),
    };
    let action = format!("/employees/{id}");
    Ok(layout::page(
        &user,
        &tr!("emp-edit-title", name = e.name.as_str()),
        employee_form(&user, &st.store.catalog(), &action, &f, None),
    ))
}

/// `POST /employees/{id}`
pub async fn update_employee(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
    Form(f): Form<EmployeeForm>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "edit employees")?;
    user.check_csrf(&f.csrf)?;
    let input = input_of(&f)?;
    let store = st.store.clone();
    let actor = user.actor.clone();
    let res =
        tokio::task::spawn_blocking(move || service::update::<Employee>(&store, &actor, id, input))
            .await
            .map_err(|_| WebError::Internal)?;
    match res {
        Ok(_) => Ok(Redirect::to(&format!("/employees/{id}")).into_response()),
        Err(e) => match form_error(&e) {
            Some((field, msg)) => {
                let action = format!("/employees/{id}");
                Ok((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    layout::page(
                        &user,
                        &tr!("emp-edit"),
                        employee_form(&user, &st.store.catalog(), &action, &f, Some((field, &msg))),
                    ),
                )
                    .into_response())
            }
            None => Err(e.into()),
        },
    }
}

/// The confirmation form.
#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    csrf: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /employees/{id}/badge`: regenerate after an explicit confirmation.
pub async fn regenerate_badge(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
    Form(f): Form<ConfirmForm>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "regenerate badges")?;
    user.check_csrf(&f.csrf)?;
    if f.confirm != "yes" {
        return Err(WebError::Invalid(tr!("emp-regenerate-tick")));
    }
    let store = st.store.clone();
    let actor = user.actor.clone();
    blocking(move || service::regenerate_badge(&store, &actor, id)).await?;
    Ok(Redirect::to(&format!("/employees/{id}")).into_response())
}

/// `GET /employees/{id}`
pub async fn employee(State(st): State<UiState>, user: WebUser, Path(id): Path<Uuid>) -> WebResult {
    user.require(
        user.role().can_view_all() || user.user.employee_id == Some(id),
        "view employees",
    )?;
    let store = st.store.clone();
    let audit_ok = user.role().can_view_audit();
    let (q, certs, history) = blocking(move || {
        let q = service::employee_qualification(&store, id, None, Timestamp::now())?;
        let r = store.read()?;
        let certs: Vec<Certification> = r.certifications_of(id)?;
        let mut ids: Vec<Uuid> = certs.iter().map(|c| c.id).collect();
        ids.push(id);
        let history: Vec<AuditEvent> = if audit_ok {
            r.audit_events(1..=u64::MAX)?
                .into_iter()
                .rev()
                .filter(|e| e.entity_id.is_some_and(|x| ids.contains(&x)))
                .take(50)
                .collect()
        } else {
            Vec::new()
        };
        Ok((q, certs, history))
    })
    .await?;
    let c = st.store.catalog();
    let e = &q.employee;
    let skill_name = |id: Uuid| c.skills.get(&id).map_or("?".to_owned(), |s| s.name.clone());
    // The label of a certification's revision when that revision is no longer the active one.
    let superseded = |cert: &Certification| -> Option<String> {
        let id = cert.revision_id?;
        c.revisions
            .get(&cert.skill_id)?
            .iter()
            .find(|r| r.id == id && r.status == crate::domain::RevisionStatus::Archived)
            .map(|r| r.label.clone())
    };
    let body = html! {
        div.cards {
            div.card {
                div.muted { (tr!("emp-employee-number", number = e.number.as_str())) }
                div { strong { (c.sites.get(&e.site_id).map_or("", |s| s.name.as_str())) }
                    @if let Some(d) = e.department_id.and_then(|d| c.departments.get(&d)) { " · " (d.name) }
                    @if let Some(r) = e.role_id.and_then(|d| c.roles.get(&d)) { " · " (r.name) } }
                div { (tr!("emp-projects")) ": " @for (i, p) in e.project_ids.iter().filter_map(|p| c.projects.get(p)).enumerate() { @if i > 0 { ", " } (p.name) } }
                div { (tr!("col-status")) ": " strong { (employee_status(e.status.as_str())) } }
                div { (tr!("emp-own-verdict")) ": " strong { (layout::verdict_word(q.verdict.verdict).to_uppercase()) } }
            }
            div.card {
                @if !user.role().can_manage_catalog() {
                    p.muted { (tr!("emp-badge-printers-only")) }
                } @else if st.web.settings.public_url.is_some() {
                    img src={"/employees/" (e.id) "/qr.svg"} alt=(tr!("emp-qr-alt", name = e.name.as_str())) width="140" height="140";
                    div { a href={"/employees/" (e.id) "/qr.png"} { "PNG" } " · " a href={"/badges/print?ids=" (e.id)} { (tr!("emp-print-badge")) } }
                } @else {
                    p.error role="note" { (crate::web::badge::public_url_missing()) }
                }
            }
        }
        @if user.role().can_certify() && e.status != crate::domain::EmployeeStatus::Terminated {
            p { a.button href={"/certify?employee=" (layout::urlencode(&e.number))} { (tr!("emp-certify", name = e.name.as_str())) } }
        }
        @if user.role().can_manage_catalog() {
            p { a href={"/employees/" (e.id) "/edit"} { (tr!("edit")) } }
            details {
                summary { (tr!("emp-regenerate-summary")) }
                form method="post" action={"/employees/" (e.id) "/badge"} {
                    (csrf(&user))
                    label { input type="checkbox" name="confirm" value="yes" class="auto" required; " " (tr!("emp-regenerate-confirm")) }
                    button.danger type="submit" { (tr!("emp-regenerate")) }
                }
            }
        }
        h2 { (tr!("emp-qualification")) }
        table {
            thead { tr { th { (tr!("col-skill")) } th { (tr!("col-status")) } th { (tr!("emp-achieved-required")) } th { (tr!("col-achieved")) } th { (tr!("col-expires")) } th { (tr!("emp-required-by")) } } }
            tbody {
                @for l in &q.qualification.skills {
                    tr {
                        td { (l.skill_name) }
                        td { (layout::status(l.status))
                            @if let Some(r) = &l.retraining_revision_label { br; small { (tr!("emp-needs-retraining", revision = r.as_str())) } } }
                        td { (l.achieved_level.map_or("—".into(), |v| v.to_string())) " / " (l.required_level.map_or("—".into(), |v| v.to_string())) }
                        td { (date(l.achieved_at)) }
                        td { (date(l.expires_at)) }
                        td { @for (i, s) in l.sources.iter().enumerate() { @if i > 0 { ", " } (s.scope) " (L" (s.level) ")" } }
                    }
                }
            }
        }
        h2 { (tr!("emp-cert-history")) }
        table {
            thead { tr { th { (tr!("col-skill")) } th { (tr!("col-level")) } th { (tr!("col-achieved")) } th { (tr!("col-expires")) } th { (tr!("col-assessor")) } th { (tr!("col-state")) } th {} } }
            tbody {
                @for cert in certs.iter().rev() {
                    tr {
                        td { (skill_name(cert.skill_id)) }
                        td { (cert.level) }
                        td { (date(Some(cert.achieved_at))) }
                        td { (date(cert.expires_at)) }
                        td { (super::certs::assessed_by(cert)) }
                        td { @if let Some(r) = &cert.revoked { (tr!("emp-revoked", date = date(Some(r.at)), by = r.by.as_str(), reason = r.reason.as_str())) }
                            @else if let Some(rev) = superseded(cert) { span.st.old { "↻ " (tr!("emp-on-superseded", revision = rev)) } }
                            @else { (tr!("emp-live")) } }
                        td { @if cert.revoked.is_none() && user.role().can_revoke() { a href={"/certifications/" (cert.id) "/revoke"} { (tr!("revoke")) } } }
                    }
                }
            }
        }
        @if audit_ok {
            h2 { (tr!("emp-audit-history")) }
            table {
                thead { tr { th { (tr!("col-when")) } th { (tr!("col-who")) } th { (tr!("col-what")) } } }
                tbody { @for ev in &history { tr { td { (locale::date_time(ev.at)) } td { (ev.actor) } td { (ev.action) } } } }
            }
        }
    };
    Ok(layout::page(&user, &e.name, body))
}
