//! Users, stations and the audit log.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

use super::{blocking, live_by_name, opt_id};
use crate::domain::{AppRole, Station, User};
use crate::service::{self, StationInput, UserInput, UserUpdate};
use crate::web::UiState;
use crate::web::WebUser;
use crate::web::layout::{self, CsrfForm, WebError, WebResult, csrf};
use crate::web::locale::tr;

/// A role as a person reads it.
use layout::role_name;

/// The throttle key prefix of an account's failed logins (from any address).
fn account_prefix(email: &str) -> String {
    format!("account:{email}@")
}

/// `GET /users`: who can log in, as whom, with which role, when they last logged in, and
/// whether a run of failed logins has locked them out.
pub async fn users(State(st): State<UiState>, user: WebUser) -> WebResult {
    user.require(user.role().can_manage_users(), "manage users")?;
    let store = st.store.clone();
    let (list, names, last) = blocking(move || {
        let r = store.read()?;
        let mut list: Vec<User> = r.list()?;
        list.sort_by(|a, b| a.email.cmp(&b.email));
        let mut names = std::collections::HashMap::new();
        for id in list.iter().filter_map(|u| u.employee_id) {
            if let Some(e) = r.get::<crate::domain::Employee>(id)? {
                names.insert(id, (e.name, e.number));
            }
        }
        drop(r);
        let ids: Vec<Uuid> = list.iter().map(|u| u.id).collect();
        let last = service::last_logins(&store, &ids)?;
        Ok((list, names, last))
    })
    .await?;
    let now = jiff::Timestamp::now();
    let roles = AppRole::ALL;
    let body = html! {
        table {
            thead { tr { th { (tr!("users-person")) } th { (tr!("login-email")) } th { (tr!("col-role-app")) } th { (tr!("users-active")) } th { (tr!("users-last-login")) } th { (tr!("users-login-lock")) } th { (tr!("users-change")) } } }
            tbody {
                @for u in &list {
                    @let locked = !st.web.logins.locked_with_prefix(&account_prefix(&u.email), now).is_empty();
                    tr {
                        td { @match u.employee_id.and_then(|e| names.get(&e)) {
                            Some((name, number)) => { (name) " " small.muted { (number) } },
                            None => span.muted { (tr!("users-not-linked")) },
                        } }
                        td { (u.email) }
                        td { (role_name(u.role)) }
                        td { (if u.active { tr!("yes") } else { tr!("users-disabled") }) }
                        td { (last.get(&u.id).map_or_else(|| tr!("users-never"), |t| format!("{} UTC", crate::web::locale::date_time(*t)))) }
                        td {
                            @if locked {
                                span.st.bad { (tr!("users-locked")) } " "
                                form.inline method="post" action={"/users/" (u.id) "/unlock"} {
                                    (csrf(&user))
                                    button type="submit" { (tr!("users-unlock")) }
                                }
                            } @else { "—" }
                        }
                        td {
                            form.inline method="post" action={"/users/" (u.id)} {
                                (csrf(&user))
                                select name="role" aria-label=(tr!("col-role-app")) { @for r in &roles { option value=(r.as_str()) selected[*r == u.role] { (role_name(*r)) } } }
                                select name="active" aria-label=(tr!("users-active")) { option value="yes" selected[u.active] { (tr!("users-active-word")) } option value="no" selected[!u.active] { (tr!("users-disabled")) } }
                                input type="password" name="password" placeholder=(tr!("users-new-password-optional")) aria-label=(tr!("users-new-password")) autocomplete="new-password";
                                input name="employee_number" placeholder=(tr!("users-link-employee")) aria-label=(tr!("emp-number"));
                                button type="submit" { (tr!("save")) }
                            }
                        }
                    }
                }
            }
        }
        h2 { (tr!("users-new")) }
        form.grid method="post" action="/users" {
            (csrf(&user))
            div { label for="email" { (tr!("login-email")) } input #email type="email" name="email" required; }
            div { label for="password" { (tr!("users-password-min")) } input #password type="password" name="password" minlength="10" required autocomplete="new-password"; }
            div { label for="role" { (tr!("col-role-app")) } select #role name="role" { @for r in &roles { option value=(r.as_str()) { (role_name(*r)) } } } }
            div { label for="employee_number" { (tr!("users-employee-number-optional")) } input #employee_number name="employee_number"; }
            div { button.primary type="submit" { (tr!("users-create")) } }
        }
    };
    Ok(layout::page(&user, &tr!("nav-users"), body))
}

/// `POST /users/{id}/unlock`: lift the login lock of an account (from every address), and
/// record who did it.
pub async fn unlock_user(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
    Form(f): Form<CsrfForm>,
) -> WebResult {
    user.require(user.role().can_manage_users(), "manage users")?;
    user.check_csrf(&f.csrf)?;
    let store = st.store.clone();
    let actor = user.actor.clone();
    let unlocked = blocking(move || service::record_unlock(&store, &actor, id)).await?;
    st.web.logins.clear_prefix(&account_prefix(&unlocked.email));
    Ok(Redirect::to("/users").into_response())
}

/// User forms.
#[derive(Debug, Deserialize)]
pub struct UserForm {
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    role: String,
    #[serde(default)]
    active: String,
    #[serde(default)]
    employee_number: String,
}

fn role_of(s: &str) -> Result<AppRole, WebError> {
    AppRole::parse(s).ok_or_else(|| WebError::Invalid(format!("unknown role '{s}'")))
}

/// `POST /users`
pub async fn create_user(
    State(st): State<UiState>,
    user: WebUser,
    Form(f): Form<UserForm>,
) -> WebResult {
    user.require(user.role().can_manage_users(), "manage users")?;
    user.check_csrf(&f.csrf)?;
    let role = role_of(&f.role)?;
    let store = st.store.clone();
    let actor = user.actor.clone();
    blocking(move || {
        let employee_id = match f.employee_number.trim() {
            "" => None,
            n => Some(service::employee_by_badge_or_number(&store.read()?, n)?.id),
        };
        service::create_user(
            &store,
            &actor,
            UserInput {
                email: f.email,
                password: f.password,
                role,
                employee_id,
            },
        )
    })
    .await?;
    Ok(Redirect::to("/users").into_response())
}

/// `POST /users/{id}`: role, active, password, employee link. Disabling ends the user's sessions.
pub async fn update_user(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
    Form(f): Form<UserForm>,
) -> WebResult {
    user.require(user.role().can_manage_users(), "manage users")?;
    user.check_csrf(&f.csrf)?;
    let role = role_of(&f.role)?;
    let active = f.active != "no";
    let store = st.store.clone();
    let actor = user.actor.clone();
    blocking(move || {
        let employee_id = match f.employee_number.trim() {
            "" => None,
            n => Some(service::employee_by_badge_or_number(&store.read()?, n)?.id),
        };
        let password = (!f.password.is_empty()).then_some(f.password);
        service::update_user(
            &store,
            &actor,
            id,
            UserUpdate {
                role: Some(role),
                active: Some(active),
                employee_id,
                password,
            },
        )?;
        Ok(())
    })
    .await?;
    Ok(Redirect::to("/users").into_response())
}

/// `GET /stations`
pub async fn stations(State(st): State<UiState>, user: WebUser) -> WebResult {
    // Coverage is for everyone who plans a shift; keys and new stations for catalog managers.
    let manage = user.role().can_manage_catalog();
    let c = st.store.catalog();
    let list: Vec<&Station> = live_by_name(&c.stations, |s| &s.name);
    let projects = live_by_name(&c.projects, |p| &p.name);
    let skills = live_by_name(&c.skills, |s| &s.name);
    let store = st.store.clone();
    let minimum = st.min_coverage;
    let coverage =
        super::heavy(move || service::coverage(&store, None, minimum, jiff::Timestamp::now()))
            .await?;
    // A fresh address each time the page is drawn, so no cache can show an older screen.
    let now = jiff::Timestamp::now().as_millisecond();
    let names = |people: &[service::CoveredPerson]| {
        html! { ul { @for p in people { li { a href={"/employees/" (p.employee_id)} { (p.name) } " (" (p.number) ")"
        @for r in &p.reasons { " — " (layout::reason_text(r)) } } } } }
    };
    let body = html! {
        h2 { (tr!("coverage-title")) }
        p.muted { (tr!("coverage-explain", minimum = coverage.minimum as u64, days = service::LAPSE_WINDOW_DAYS)) }
        table #coverage {
            thead { tr { th { (tr!("col-station")) } th { (tr!("col-project")) } th { (tr!("coverage-qualified")) } th { (tr!("coverage-lapsing")) } th { (tr!("coverage-blocked")) } } }
            tbody {
                @for s in &coverage.stations {
                    tr.below-minimum[s.below_minimum] id={"station-" (s.station_id)} {
                        td { (s.station) @if s.below_minimum { " " span.badge.red { (tr!("coverage-below-minimum")) } } }
                        td { (s.line.as_deref().unwrap_or("—")) }
                        td { details { summary { (s.coverage) } (names(&s.qualified)) } }
                        td { @if s.lapsing.is_empty() { "0" } @else { details { summary { (s.lapsing.len()) } (names(&s.lapsing)) } } }
                        td { @if s.blocked.is_empty() { "0" } @else { details { summary { (s.blocked.len()) } (names(&s.blocked)) } } }
                    }
                }
            }
        }
        table #line-coverage {
            thead { tr { th { (tr!("col-project")) } th { (tr!("coverage-stations")) } th { (tr!("coverage-lowest")) } th { (tr!("coverage-below-minimum")) } } }
            tbody { @for l in &coverage.lines { tr { td { (l.line) } td { (l.stations) } td { (l.lowest) } td { (l.below_minimum) } } } }
        }
        @if manage {
        h2 { (tr!("stations-keys")) }
        table {
            thead { tr { th { (tr!("col-station")) } th { (tr!("col-project")) } th { (tr!("stations-extra-skills")) } th { (tr!("stations-screen-now")) } th { (tr!("stations-key")) } } }
            tbody {
                @for s in &list {
                    tr {
                        td { (s.name) }
                        td { (s.project_id.and_then(|p| c.projects.get(&p)).map_or("—", |p| p.name.as_str())) }
                        td { @for (i, x) in s.extra_skills.iter().enumerate() { @if i > 0 { ", " } (c.skills.get(&x.skill_id).map_or("?", |k| k.name.as_str())) " L" (x.level) } }
                        td { a href={"/stations/" (s.id) "/screen.png?at=" (now)} { (tr!("stations-screen-now")) } }
                        td { form.inline method="post" action={"/stations/" (s.id) "/key"} { (csrf(&user)) button type="submit" { (tr!("stations-rotate-key")) } } }
                    }
                }
            }
        }
        h2 { (tr!("stations-new")) }
        form.grid method="post" action="/stations" {
            (csrf(&user))
            div { label for="name" { (tr!("col-name")) } input #name name="name" required; }
            div { label for="project" { (tr!("col-project")) } select #project name="project_id" { option value="" { "—" } @for p in &projects { option value=(p.id) { (p.name) } } } }
            div { label for="extra" { (tr!("stations-extra-skill")) } select #extra name="extra_skill" { option value="" { "—" } @for s in &skills { option value=(s.id) { (s.name) } } } }
            div { button.primary type="submit" { (tr!("stations-create")) } }
        }
        }
    };
    Ok(layout::page(&user, &tr!("nav-stations"), body))
}

/// `GET /stations/{id}/screen.png`: the screen the station's kiosk drew last (the kiosk
/// mirror), for a logged-in user with the session; never cached.
pub async fn station_screen(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
) -> WebResult {
    user.require(user.role().can_view_all(), "view station screens")?;
    let store = st.store.clone();
    let png = blocking(move || {
        store
            .station_mirror(id)?
            .ok_or_else(|| service::ServiceError::NotFound {
                entity: "screen of station",
                id: format!("{id} (its kiosk has not sent one yet)"),
            })
    })
    .await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "image/png"),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        png,
    )
        .into_response())
}

/// The new-station form.
#[derive(Debug, Deserialize)]
pub struct StationForm {
    csrf: String,
    name: String,
    #[serde(default)]
    project_id: String,
    #[serde(default)]
    extra_skill: String,
}

fn key_page(user: &WebUser, name: &str, key: &str) -> axum::response::Response {
    let body = html! {
        p { (tr!("stations-key-shown-once", station = name)) " " code { "/etc/caliber/station.key" } }
        p { code.key { (key) } }
        p { a href="/stations" { (tr!("stations-back")) } }
    };
    (
        StatusCode::OK,
        layout::page(user, &tr!("stations-key-title"), body),
    )
        .into_response()
}

/// `POST /stations`
pub async fn create_station(
    State(st): State<UiState>,
    user: WebUser,
    Form(f): Form<StationForm>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "manage stations")?;
    user.check_csrf(&f.csrf)?;
    let input = StationInput {
        name: f.name,
        project_id: opt_id(&f.project_id)?,
        extra_skills: opt_id(&f.extra_skill)?
            .map(|s| crate::domain::StationSkill {
                skill_id: s,
                level: 1,
            })
            .into_iter()
            .collect(),
    };
    let store = st.store.clone();
    let actor = user.actor.clone();
    let created = blocking(move || service::create_station(&store, &actor, input)).await?;
    Ok(key_page(&user, &created.station.name, &created.key))
}

/// `POST /stations/{id}/key`
pub async fn rotate_key(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
    Form(f): Form<CsrfForm>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "manage stations")?;
    user.check_csrf(&f.csrf)?;
    let store = st.store.clone();
    let actor = user.actor.clone();
    let created = blocking(move || service::rotate_station_key(&store, &actor, id)).await?;
    Ok(key_page(&user, &created.station.name, &created.key))
}

/// Audit filters.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    entity: String,
    /// Who: part of the actor's email or name.
    #[serde(default)]
    actor: String,
    /// Which record: part of its name (employee, skill, user…) or its id.
    #[serde(default)]
    record: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// Page, from 1.
    #[serde(default)]
    page: Option<usize>,
}

/// Events per audit page.
const AUDIT_PAGE: usize = 100;

impl AuditQuery {
    fn filter(&self, limit: usize) -> Result<service::AuditFilter, WebError> {
        let day = |s: &str, end: bool| -> Result<Option<jiff::Timestamp>, WebError> {
            if s.trim().is_empty() {
                return Ok(None);
            }
            let d: jiff::civil::Date = s
                .trim()
                .parse()
                .map_err(|_| WebError::Invalid(format!("'{s}' is not a date (YYYY-MM-DD)")))?;
            let t = if end {
                d.at(23, 59, 59, 999_999_999)
            } else {
                d.at(0, 0, 0, 0)
            };
            Ok(Some(
                t.to_zoned(jiff::tz::TimeZone::UTC)
                    .map_err(|_| WebError::Internal)?
                    .timestamp(),
            ))
        };
        Ok(service::AuditFilter {
            entity: Some(self.entity.clone()).filter(|x| !x.is_empty()),
            entity_id: None,
            actor: Some(self.actor.clone()).filter(|x| !x.trim().is_empty()),
            from: day(&self.from, false)?,
            to: day(&self.to, true)?,
            limit,
        })
    }

    fn query_string(&self, page: usize) -> String {
        let mut q: Vec<String> = [
            ("entity", &self.entity),
            ("actor", &self.actor),
            ("record", &self.record),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", layout::urlencode(v)))
        .collect();
        q.push(format!("page={page}"));
        q.join("&")
    }
}

/// `GET /audit`: filtered events, newest first, a page at a time: who, what, which record
/// by name, and the fields that changed (old → new); and the chain verification.
pub async fn audit(
    State(st): State<UiState>,
    user: WebUser,
    Query(q): Query<AuditQuery>,
) -> WebResult {
    user.require(user.role().can_view_audit(), "view the audit log")?;
    let filter = q.filter(AUDIT_PAGE)?;
    let page = q.page.unwrap_or(1).max(1);
    let store = st.store.clone();
    let record = q.record.clone();
    let ((rows, more), entities, report) = blocking(move || {
        Ok((
            service::audit_page(&store, &filter, Some(&record), (page - 1) * AUDIT_PAGE)?,
            service::audit_entities(&store)?,
            store.read()?.verify_audit()?,
        ))
    })
    .await?;
    let csv = format!("/audit.csv?{}", q.query_string(1));
    let body = html! {
        @if report.intact {
            p.notice role="status" { "✔ " (tr!("audit-verified", events = report.events)) }
        } @else {
            p.error role="alert" { "✖ " (tr!("audit-broken")) ": " (report.problem.clone().unwrap_or_default()) }
        }
        form.grid method="get" action="/audit" {
            div { label for="actor" { (tr!("audit-who-contains")) } input #actor name="actor" value=(q.actor); }
            div { label for="record" { (tr!("audit-record-contains")) } input #record name="record" value=(q.record); }
            div { label for="entity" { (tr!("audit-kind")) } select #entity name="entity" { option value="" { (tr!("filter-all")) } @for e in &entities { option value=(e) selected[*e == q.entity] { (e) } } } }
            div { label for="from" { (tr!("audit-from")) } input #from type="date" name="from" value=(q.from); }
            div { label for="to" { (tr!("audit-to")) } input #to type="date" name="to" value=(q.to); }
            div { button.primary type="submit" { (tr!("filter")) } " " a href=(csv) { (tr!("matrix-export-csv")) } }
        }
        nav.pager aria-label=(tr!("audit-pages")) {
            @if page > 1 { a href={"/audit?" (q.query_string(page - 1))} { "← " (tr!("audit-newer")) } }
            span { (tr!("audit-page", page = page)) }
            @if more { a href={"/audit?" (q.query_string(page + 1))} { (tr!("audit-older")) " →" } }
        }
        @if rows.is_empty() { p.muted { (tr!("audit-no-events")) } }
        table.audit {
            thead { tr { th { (tr!("audit-when-utc")) } th { (tr!("col-who")) } th { (tr!("col-what")) } th { (tr!("audit-record")) } th { (tr!("audit-changes")) } } }
            tbody {
                @for row in &rows {
                    @let e = &row.event;
                    tr {
                        td { (e.at.strftime("%Y-%m-%d %H:%M:%S")) br; small.muted { "#" (e.seq) } }
                        td { (e.actor) @if let Some(ip) = &e.ip { br; small.muted { (ip) } } }
                        td { (e.action) }
                        td { (row.record) br; small.muted { (e.entity) } }
                        td {
                            @if row.changes.is_empty() { "—" }
                            @else {
                                ul.changes {
                                    @for (field, old, new) in &row.changes {
                                        li { strong { (field) } ": " @if old.is_empty() { "—" } @else { del { (old) } } " → " @if new.is_empty() { "—" } @else { ins { (new) } } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, &tr!("nav-audit"), body))
}

/// `GET /audit.csv`: every event the filters match (up to the service's page limit), as
/// rows a spreadsheet opens.
pub async fn audit_csv(
    State(st): State<UiState>,
    user: WebUser,
    Query(q): Query<AuditQuery>,
) -> WebResult {
    user.require(user.role().can_view_audit(), "export the audit log")?;
    let filter = q.filter(service::MAX_AUDIT_PAGE)?;
    let store = st.store.clone();
    let record = q.record.clone();
    let (rows, _) =
        blocking(move || service::audit_page(&store, &filter, Some(&record), 0)).await?;
    let csv_error = |e: csv::Error| {
        tracing::error!("audit CSV: {e}");
        WebError::Internal
    };
    // Neutralise spreadsheet formulas; the csv writer does the quoting.
    let cell = |s: &str| service::guard_formula(s).into_owned();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(Vec::new());
    w.write_record([
        "Seq",
        "When (UTC)",
        "Who",
        "Address",
        "What",
        "Kind",
        "Record",
        "Changes",
    ])
    .map_err(csv_error)?;
    for row in &rows {
        let e = &row.event;
        let changes: Vec<String> = row
            .changes
            .iter()
            .map(|(f, o, n)| format!("{f}: {o} → {n}"))
            .collect();
        w.write_record([
            e.seq.to_string(),
            e.at.strftime("%Y-%m-%d %H:%M:%S").to_string(),
            cell(&e.actor),
            e.ip.clone().unwrap_or_default(),
            e.action.clone(),
            e.entity.clone(),
            cell(&row.record),
            cell(&changes.join("; ")),
        ])
        .map_err(csv_error)?;
    }
    let out = w
        .into_inner()
        .map_err(|e| csv_error(e.into_error().into()))?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"caliber-audit.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}
