//! The Due page: required certifications expired or expiring within a chosen window, with
//! filters, sort by date, and the same list as CSV. Every role may read it.

use axum::extract::{Query, State};
use jiff::Timestamp;
use maud::html;
use serde::Deserialize;

use super::{choices, csv_download, filter_choice, heavy, opt_days, opt_id, query_string};
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
        Ok(DueFilter {
            days: opt_days(&self.days)?,
            include_expired: self.expired != "0",
            site_id: opt_id(&self.site)?,
            department_id: opt_id(&self.department)?,
            project_id: opt_id(&self.project)?,
            skill_id: opt_id(&self.skill)?,
            supervisor_id: opt_id(&self.supervisor)?,
            newest_first: self.sort == "desc",
        })
    }

    /// The training plan of the same skill, line and window.
    fn training_query(&self) -> String {
        query_string(&[
            ("skill", &self.skill),
            ("line", &self.project),
            ("days", &self.days),
        ])
    }

    /// The query string of these filters (for the CSV link and the sort toggle).
    fn query_string(&self, sort: &str) -> String {
        query_string(&[
            ("days", &self.days),
            ("expired", &self.expired),
            ("site", &self.site),
            ("department", &self.department),
            ("project", &self.project),
            ("skill", &self.skill),
            ("supervisor", &self.supervisor),
            ("sort", sort),
        ])
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
    let days = if q.days.is_empty() {
        "30"
    } else {
        q.days.as_str()
    };
    let other_sort = if q.sort == "desc" { "" } else { "desc" };
    let body = html! {
        form.filters method="get" action="/due" {
            label { (tr!("due-within")) " " input type="number" name="days" min="0" max=(service::MAX_DUE_DAYS) value=(days); " " (tr!("due-days")) }
            label { input type="checkbox" name="expired" value="0" checked[q.expired == "0"]; " " (tr!("due-hide-expired")) }
            (filter_choice("site", tr!("col-site"), &sites, &q.site))
            (filter_choice("department", tr!("col-department"), &departments, &q.department))
            (filter_choice("project", tr!("due-line"), &projects, &q.project))
            (filter_choice("skill", tr!("col-skill"), &skills, &q.skill))
            (filter_choice("supervisor", tr!("due-supervisor"), &supervisors, &q.supervisor))
            button type="submit" { (tr!("due-show")) }
            " "
            a href={ "/due.csv?" (q.query_string(&q.sort)) } { (tr!("due-csv")) }
            @if user.role().can_view_all() {
                " · "
                a href={ "/training?" (q.training_query()) } { (tr!("due-training-plan")) }
            }
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
    csv_download(
        "due.csv",
        [
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
        ],
        items.iter().map(|i| {
            [
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
            ]
        }),
    )
}
