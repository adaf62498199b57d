//! The Due page: required certifications expired or expiring within a chosen window, with
//! filters, sort by date, and the same list as CSV. Every role may read it.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use jiff::Timestamp;
use maud::html;
use serde::Deserialize;

use super::{choices, heavy, opt_id};
use crate::domain::Employee;
use crate::service::{self, DueFilter, DueItem, ServiceError};
use crate::web::layout::{self, WebError, WebResult, date, urlencode};
use crate::web::locale::tr;
use crate::web::{UiState, WebUser};

/// The page's filters, as in the URL (the dashboard links here with them set).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DueQuery {
    /// Days ahead (default 30).
    #[serde(default)]
    days: String,
    /// `0`: leave out what has already expired (the dashboard's "expiring" figures).
    #[serde(default)]
    expired: String,
    #[serde(default)]
    site: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    project: String,
    #[serde(default)]
    skill: String,
    #[serde(default)]
    supervisor: String,
    /// `desc`: latest date first.
    #[serde(default)]
    sort: String,
}

impl DueQuery {
    fn filter(&self) -> Result<DueFilter, WebError> {
        let days = match self.days.trim() {
            "" => None,
            d => Some(
                d.parse::<i64>()
                    .map_err(|_| WebError::Invalid(format!("'{d}' is not a number of days")))?,
            ),
        };
        Ok(DueFilter {
            days,
            include_expired: self.expired != "0",
            site_id: opt_id(&self.site)?,
            department_id: opt_id(&self.department)?,
            project_id: opt_id(&self.project)?,
            skill_id: opt_id(&self.skill)?,
            supervisor_id: opt_id(&self.supervisor)?,
            newest_first: self.sort == "desc",
        })
    }

    /// The query string of these filters (for the CSV link and the sort toggle).
    fn query_string(&self, sort: &str) -> String {
        [
            ("days", self.days.as_str()),
            ("expired", self.expired.as_str()),
            ("site", self.site.as_str()),
            ("department", self.department.as_str()),
            ("project", self.project.as_str()),
            ("skill", self.skill.as_str()),
            ("supervisor", self.supervisor.as_str()),
            ("sort", sort),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
    }
}

async fn load(
    st: &UiState,
    q: &DueQuery,
) -> Result<(Vec<DueItem>, Vec<(uuid::Uuid, String)>), WebError> {
    let filter = q.filter()?;
    let store = st.store.clone();
    heavy(move || {
        let items = service::due_list(&store, &filter, Timestamp::now())?;
        let employees: Vec<Employee> = store.read()?.list()?;
        let mut supervisors: Vec<(uuid::Uuid, String)> = employees
            .iter()
            .filter(|e| e.deleted_at.is_none())
            .filter(|e| employees.iter().any(|x| x.supervisor_id == Some(e.id)))
            .map(|e| (e.id, e.name.clone()))
            .collect();
        supervisors.sort_by(|a, b| a.1.cmp(&b.1));
        Ok::<_, ServiceError>((items, supervisors))
    })
    .await
}

/// `GET /due`
pub async fn due(State(st): State<UiState>, user: WebUser, Query(q): Query<DueQuery>) -> WebResult {
    let (items, supervisors) = load(&st, &q).await?;
    let catalog = st.store.catalog();
    let sites = choices(&catalog.sites, |s| s.name.as_str());
    let departments = choices(&catalog.departments, |d| d.name.as_str());
    let projects = choices(&catalog.projects, |p| p.name.as_str());
    let skills = choices(&catalog.skills, |s| s.name.as_str());
    let select =
        |name: &'static str, label: String, options: &[(uuid::Uuid, String)], chosen: &str| {
            html! {
                label { (label) " "
                    select name=(name) {
                        option value="" { (tr!("due-all")) }
                        @for (id, text) in options {
                            @let v = id.to_string();
                            option value=(v) selected[v == chosen] { (text) }
                        }
                    }
                }
            }
        };
    let days = if q.days.is_empty() {
        "30"
    } else {
        q.days.as_str()
    };
    let other_sort = if q.sort == "desc" { "" } else { "desc" };
    let body = html! {
        form.filters method="get" action="/due" {
            label { (tr!("due-within")) " " input type="number" name="days" min="0" max=(service::MAX_DUE_DAYS) value=(days) style="width:5em"; " " (tr!("due-days")) }
            label { input type="checkbox" name="expired" value="0" checked[q.expired == "0"]; " " (tr!("due-hide-expired")) }
            (select("site", tr!("col-site"), &sites, &q.site))
            (select("department", tr!("col-department"), &departments, &q.department))
            (select("project", tr!("due-line"), &projects, &q.project))
            (select("skill", tr!("col-skill"), &skills, &q.skill))
            (select("supervisor", tr!("due-supervisor"), &supervisors, &q.supervisor))
            button type="submit" { (tr!("due-show")) }
            " "
            a href={ "/due.csv?" (q.query_string(&q.sort)) } { (tr!("due-csv")) }
        }
        p.muted {
            @let n = days.parse::<u32>().unwrap_or(0);
            @if q.expired == "0" { (tr!("due-summary-expire", count = items.len(), days = n)) }
            @else { (tr!("due-summary-expired-or-expire", count = items.len(), days = n)) }
        }
        @if !items.is_empty() {
            table {
                thead { tr {
                    th { a href={ "/due?" (q.query_string(other_sort)) } { (tr!("col-expires")) " " @if q.sort == "desc" { "▲" } @else { "▼" } } }
                    th { (tr!("due-days-left")) } th { (tr!("due-employee")) } th { (tr!("col-skill")) } th { (tr!("col-status")) }
                    th { (tr!("col-site")) } th { (tr!("col-department")) } th { (tr!("due-supervisor")) }
                } }
                tbody {
                    @for i in &items {
                        tr {
                            td { (date(Some(i.expires_at))) }
                            td { (i.days_left) }
                            td { a href={ "/employees/" (i.employee_id) } { (i.name) } " " span.muted { (i.number) } }
                            td { a href={ "/matrix/" (urlencode(&i.number)) "/" (urlencode(&i.skill_code)) } { (i.skill_name) } }
                            td { (layout::status(i.status)) }
                            td { (i.site) } td { (i.department) } td { (i.supervisor) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, &tr!("nav-due"), body))
}

/// `GET /due.csv`: exactly the rows the page shows.
pub async fn due_csv(
    State(st): State<UiState>,
    _user: WebUser,
    Query(q): Query<DueQuery>,
) -> WebResult {
    let (items, _) = load(&st, &q).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| {
        tracing::error!("due CSV: {e}");
        WebError::Internal
    };
    w.write_record([
        "employee_number",
        "name",
        "skill",
        "skill_name",
        "status",
        "expires_on",
        "days_left",
        "site",
        "department",
        "supervisor",
    ])
    .map_err(fail)?;
    for i in &items {
        let cells = [
            i.number.clone(),
            i.name.clone(),
            i.skill_code.clone(),
            i.skill_name.clone(),
            i.status.as_str().to_owned(),
            i.expires_at.strftime("%Y-%m-%d").to_string(),
            i.days_left.to_string(),
            i.site.clone(),
            i.department.clone(),
            i.supervisor.clone(),
        ];
        // Names people typed must not run as spreadsheet formulas.
        w.write_record(cells.iter().map(|c| service::guard_formula(c).into_owned()))
            .map_err(fail)?;
    }
    let bytes = w.into_inner().map_err(|_| WebError::Internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"due.csv\"",
            ),
        ],
        bytes,
    )
        .into_response())
}
