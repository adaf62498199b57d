//! The training plan: for a skill, a line or both, who needs training by when, as a page, a
//! CSV and a printable sign-up sheet (one per skill, with blanks for the session and a
//! signature column). Readable by every role that sees the matrix.

use axum::extract::{Query, State};
use jiff::Timestamp;
use maud::{Markup, html};
use serde::Deserialize;

use super::{choices, csv_download, filter_choice, heavy, opt_days, opt_id, query_string};
use crate::service::{self, TrainingFilter, TrainingNeed, TrainingPlan, TrainingReason};
use crate::web::layout::{self, WebError, WebResult, date, urlencode};
use crate::web::locale::{self, tr};
use crate::web::{UiState, WebUser};

/// The plan's selection, as in the URL (the Due page and the skill page link here).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TrainingQuery {
    /// Skill id.
    #[serde(default)]
    skill: String,
    /// Line (project) id.
    #[serde(default)]
    line: String,
    /// Days ahead for expiring certifications.
    #[serde(default)]
    days: String,
}

impl TrainingQuery {
    fn filter(&self) -> Result<TrainingFilter, WebError> {
        Ok(TrainingFilter {
            skill_id: opt_id(&self.skill)?,
            project_id: opt_id(&self.line)?,
            days: opt_days(&self.days)?,
        })
    }

    /// The query string of this selection, for the CSV and sheet links.
    fn query_string(&self) -> String {
        query_string(&[
            ("skill", &self.skill),
            ("line", &self.line),
            ("days", &self.days),
        ])
    }
}

/// The plan for `q`, after the role check every entry point makes.
async fn load(st: &UiState, user: &WebUser, q: &TrainingQuery) -> Result<TrainingPlan, WebError> {
    user.require(user.role().can_view_all(), "view the matrix")?;
    let filter = q.filter()?;
    let store = st.store.clone();
    heavy(move || service::training_plan(&store, &filter, Timestamp::now())).await
}

/// A reason in the request's language.
fn reason_word(r: TrainingReason) -> String {
    match r {
        TrainingReason::Missing => tr!("plan-reason-missing"),
        TrainingReason::Expired => tr!("plan-reason-expired"),
        TrainingReason::Outdated => tr!("plan-reason-outdated"),
        TrainingReason::InsufficientLevel => tr!("plan-reason-level"),
        TrainingReason::RetrainingDue => tr!("plan-reason-retraining"),
        TrainingReason::Expiring => tr!("plan-reason-expiring"),
    }
}

/// When a need is due, in words: the date, or "now".
fn due_word(n: &TrainingNeed) -> String {
    match n.due {
        Some(t) => date(Some(t)),
        None => tr!("plan-due-now"),
    }
}

/// The held and required levels, e.g. `1 / 2`.
fn levels(n: &TrainingNeed) -> String {
    format!(
        "{} / {}",
        n.achieved_level.map_or("—".into(), |l| l.to_string()),
        n.required_level
    )
}

/// What the plan is for, in words: the skill and line names, or the whole site.
fn scope(st: &UiState, q: &TrainingQuery) -> String {
    let catalog = st.store.catalog();
    let skill = opt_id(&q.skill)
        .ok()
        .flatten()
        .and_then(|id| catalog.skills.get(&id))
        .map(|s| s.name.clone());
    let line = opt_id(&q.line)
        .ok()
        .flatten()
        .and_then(|id| catalog.projects.get(&id))
        .map(|p| p.name.clone());
    match (skill, line) {
        (Some(s), Some(l)) => tr!("plan-scope-skill-line", skill = s, line = l),
        (Some(s), None) => tr!("plan-scope-skill", skill = s),
        (None, Some(l)) => tr!("plan-scope-line", line = l),
        (None, None) => tr!("plan-scope-all"),
    }
}

/// `GET /training`
pub async fn training(
    State(st): State<UiState>,
    user: WebUser,
    Query(q): Query<TrainingQuery>,
) -> WebResult {
    let plan = load(&st, &user, &q).await?;
    let catalog = st.store.catalog();
    let skills = choices(&catalog.skills, |s| s.name.as_str());
    let lines = choices(&catalog.projects, |p| p.name.as_str());
    let people = {
        let mut ids: Vec<uuid::Uuid> = plan.needs.iter().map(|n| n.employee_id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    };
    let qs = q.query_string();
    let body = html! {
        form.filters method="get" action="/training" {
            (filter_choice("skill", tr!("col-skill"), &skills, &q.skill))
            (filter_choice("line", tr!("due-line"), &lines, &q.line))
            label { (tr!("plan-expiring-within")) " " input type="number" name="days" min="0" max=(service::MAX_PLAN_DAYS) value=(plan.days); " " (tr!("due-days")) }
            button type="submit" { (tr!("due-show")) }
            " "
            a href={ "/training.csv?" (qs) } { (tr!("plan-csv")) }
            " · "
            a href={ "/training/sheet?" (qs) } { (tr!("plan-sheet")) }
        }
        p.muted #plan-summary { (scope(&st, &q)) ": " (tr!("plan-summary", trainings = plan.needs.len(), people = people, days = plan.days)) }
        @if !plan.needs.is_empty() {
            table #plan {
                thead { tr {
                    th { (tr!("plan-due")) } th { (tr!("due-employee")) } th { (tr!("col-department")) }
                    th { (tr!("col-skill")) } th { (tr!("plan-reason")) } th { (tr!("plan-levels")) }
                } }
                tbody {
                    @for n in &plan.needs {
                        tr {
                            td { (due_word(n)) }
                            td { a href={ "/employees/" (n.employee_id) } { (n.name) } " " span.muted { (n.number) } }
                            td { (n.department) }
                            td { a href={ "/matrix/" (urlencode(&n.number)) "/" (urlencode(&n.skill_code)) } { (n.skill_name) } }
                            td { (layout::status(n.status)) " " (reason_word(n.reason)) }
                            td { (levels(n)) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, &tr!("nav-training"), body))
}

/// `GET /training.csv`: exactly the rows of the page (dates `YYYY-MM-DD`, UTC; an empty
/// `due_on` is now).
pub async fn training_csv(
    State(st): State<UiState>,
    user: WebUser,
    Query(q): Query<TrainingQuery>,
) -> WebResult {
    let plan = load(&st, &user, &q).await?;
    csv_download(
        "training-plan.csv",
        [
            "employee_number",
            "name",
            "department",
            "site",
            "skill",
            "skill_name",
            "reason",
            "status",
            "required_level",
            "achieved_level",
            "due_on",
        ],
        plan.needs.iter().map(|n| {
            [
                n.number.clone(),
                n.name.clone(),
                n.department.clone(),
                n.site.clone(),
                n.skill_code.clone(),
                n.skill_name.clone(),
                n.reason.as_str().to_owned(),
                n.status.as_str().to_owned(),
                n.required_level.to_string(),
                n.achieved_level.map(|l| l.to_string()).unwrap_or_default(),
                n.due
                    .map(|t| t.strftime("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
            ]
        }),
    )
}

/// Empty rows under the names, for people who join the session unplanned.
const SPARE_ROWS: usize = 3;

/// One skill's sign-up sheet.
fn sheet(scope_line: &str, code: &str, name: &str, needs: &[&TrainingNeed]) -> Markup {
    html! {
        section.signup {
            h2 { (tr!("plan-sheet-title", skill = name)) " " span.muted { "(" (code) ")" } }
            p.muted { (scope_line) }
            div.blanks {
                span { (tr!("plan-sheet-date")) " " span.blank {} }
                span { (tr!("plan-sheet-time")) " " span.blank {} }
                span { (tr!("plan-sheet-place")) " " span.blank {} }
                span { (tr!("plan-sheet-trainer")) " " span.blank {} }
            }
            table.signup {
                thead { tr {
                    th { "#" } th { (tr!("col-name")) } th { (tr!("plan-number")) } th { (tr!("col-department")) }
                    th { (tr!("plan-reason")) } th { (tr!("plan-due")) } th.signature { (tr!("plan-signature")) }
                } }
                tbody {
                    @for (i, n) in needs.iter().enumerate() {
                        tr { td { (i + 1) } td { (n.name) } td { (n.number) } td { (n.department) }
                             td { (reason_word(n.reason)) } td { (due_word(n)) } td.signature {} }
                    }
                    @for i in 0..SPARE_ROWS {
                        tr { td { (needs.len() + i + 1) } td {} td {} td {} td {} td {} td.signature {} }
                    }
                }
            }
        }
    }
}

/// `GET /training/sheet`: the plan as sign-up sheets to print, one per skill.
pub async fn training_sheet(
    State(st): State<UiState>,
    user: WebUser,
    Query(q): Query<TrainingQuery>,
) -> WebResult {
    let plan = load(&st, &user, &q).await?;
    let scope_line = format!(
        "{} · {}",
        scope(&st, &q),
        tr!("plan-printed", date = locale::date(Some(Timestamp::now())))
    );
    let groups = plan.by_skill();
    let body = html! {
        p.noprint {
            (tr!("plan-sheet-count", sheets = groups.len(), trainings = plan.needs.len())) " "
            button #print type="button" { (tr!("badges-print")) } script src="/print.js" {}
            " " a href={ "/training?" (q.query_string()) } { (tr!("plan-back")) }
        }
        @if groups.is_empty() { p { (tr!("plan-nobody")) } }
        @for (code, name, needs) in &groups { (sheet(&scope_line, code, name, needs)) }
    };
    Ok(layout::page(&user, &tr!("plan-sheet-page"), body))
}
