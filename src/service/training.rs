//! The training plan: for a skill, a line (project), both or the whole site, who needs
//! training and by when — required certifications that are missing, expired, expiring within
//! a window, outdated by a revision, due for retraining, or held at too low a level.
//!
//! The statuses come from the engine ([`judge_skills`], the call the matrix makes), over the
//! same employees the matrix lists for the same filter (active, assigned to the line), so
//! the plan's people are exactly the matrix's cells in those statuses.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Result, ServiceError};
use crate::domain::{Employee, EmployeeStatus};
use crate::qualify::{Catalog, Judged, SkillStatus, judge_skills, retraining_deadline};
use crate::store::Store;

/// How far ahead a plan looks for expiring certifications unless told otherwise, in days.
pub const DEFAULT_PLAN_DAYS: i64 = 60;

/// The longest window a plan looks ahead, in days.
pub const MAX_PLAN_DAYS: i64 = 3650;

/// Which plan to make.
#[derive(Debug, Clone, Default)]
pub struct TrainingFilter {
    /// Only this skill.
    pub skill_id: Option<Uuid>,
    /// Only employees assigned to this line (project), all their required skills.
    pub project_id: Option<Uuid>,
    /// Look this many days ahead for expiring certifications (default
    /// [`DEFAULT_PLAN_DAYS`]).
    pub days: Option<i64>,
}

/// Why someone is in the plan, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrainingReason {
    /// Required and never certified (or only pending, rejected or revoked).
    Missing,
    /// The certification has expired.
    Expired,
    /// Certified on a revision that requires retraining, and its grace period is over.
    Outdated,
    /// Certified below the required level.
    InsufficientLevel,
    /// Certified on a revision that requires retraining, within its grace period.
    RetrainingDue,
    /// Valid now, expires within the plan's window.
    Expiring,
}

impl TrainingReason {
    /// The wire name, e.g. `retraining_due`.
    pub fn as_str(self) -> &'static str {
        match self {
            TrainingReason::Missing => "missing",
            TrainingReason::Expired => "expired",
            TrainingReason::Outdated => "outdated",
            TrainingReason::InsufficientLevel => "insufficient_level",
            TrainingReason::RetrainingDue => "retraining_due",
            TrainingReason::Expiring => "expiring",
        }
    }
}

/// One person who needs training in one skill.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TrainingNeed {
    /// The employee.
    pub employee_id: Uuid,
    /// Employee number.
    pub number: String,
    /// Name.
    pub name: String,
    /// Department name (empty when none).
    pub department: String,
    /// Site name.
    pub site: String,
    /// The skill.
    pub skill_id: Uuid,
    /// Skill code.
    pub skill_code: String,
    /// Skill name.
    pub skill_name: String,
    /// The engine's status of the skill now.
    pub status: SkillStatus,
    /// Why training is needed.
    pub reason: TrainingReason,
    /// Level required of this person.
    pub required_level: u8,
    /// Level held on the counting certification, if any.
    pub achieved_level: Option<u8>,
    /// By when: the expiry (passed or coming), the end of a retraining grace period, or
    /// when an outdated certification stopped counting. `None`: now (missing, level too
    /// low, outdated without grace).
    #[schema(value_type = Option<String>)]
    pub due: Option<Timestamp>,
}

/// A training plan.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TrainingPlan {
    /// The window for expiring certifications, in days.
    pub days: i64,
    /// Everyone who needs training, soonest due first (`None`, i.e. now, counts as the
    /// moment the plan was made), then by name and skill.
    pub needs: Vec<TrainingNeed>,
}

impl TrainingPlan {
    /// The plan's skills, in the order they first appear, with their needs: one sign-up sheet
    /// each.
    pub fn by_skill(&self) -> Vec<(&str, &str, Vec<&TrainingNeed>)> {
        let mut out: Vec<(&str, &str, Vec<&TrainingNeed>)> = Vec::new();
        for n in &self.needs {
            match out.iter_mut().find(|(code, _, _)| *code == n.skill_code) {
                Some((_, _, list)) => list.push(n),
                None => out.push((&n.skill_code, &n.skill_name, vec![n])),
            }
        }
        out.sort_by(|a, b| a.1.cmp(b.1));
        out
    }
}

/// Why `j` needs training within `horizon` of `now`, and by when; `None` when it does not.
fn need_of(
    catalog: &Catalog,
    employee: &Employee,
    j: &Judged<'_, impl crate::qualify::Evidence>,
    now: Timestamp,
    horizon: SignedDuration,
) -> Option<(TrainingReason, Option<Timestamp>)> {
    let expiry = j.certification.and_then(|c| c.expires_at());
    match j.status {
        SkillStatus::Missing => Some((TrainingReason::Missing, None)),
        SkillStatus::Expired => Some((TrainingReason::Expired, expiry)),
        SkillStatus::InsufficientLevel => Some((TrainingReason::InsufficientLevel, None)),
        SkillStatus::RetrainingDue => Some((TrainingReason::RetrainingDue, j.retraining_due)),
        SkillStatus::Outdated => {
            let zone = catalog.zone(employee.site_id);
            let since = j
                .retraining_revision
                .and_then(|id| {
                    catalog
                        .revisions
                        .get(&j.skill.id)?
                        .iter()
                        .find(|r| r.id == id)
                })
                .and_then(|r| retraining_deadline(r, &zone));
            Some((TrainingReason::Outdated, since))
        }
        SkillStatus::ExpiringSoon | SkillStatus::Valid => expiry
            .filter(|exp| now.duration_until(*exp) <= horizon)
            .map(|exp| (TrainingReason::Expiring, Some(exp))),
        SkillStatus::Extra => None,
    }
}

/// The training plan at `now`: for every active employee (assigned to the filter's line,
/// when one is given), each required skill (only the filter's, when one is given) that is
/// missing, expired, outdated, held too low, due for retraining, or expires within the
/// window.
pub fn training_plan(
    store: &Store,
    filter: &TrainingFilter,
    now: Timestamp,
) -> Result<TrainingPlan> {
    let days = filter.days.unwrap_or(DEFAULT_PLAN_DAYS);
    if !(0..=MAX_PLAN_DAYS).contains(&days) {
        return Err(ServiceError::invalid(
            "days",
            format!("the window must be 0 to {MAX_PLAN_DAYS} days"),
        ));
    }
    let catalog = store.catalog();
    if let Some(id) = filter.skill_id
        && catalog.live_skill(id).is_none()
    {
        return Err(ServiceError::not_found("skill", id));
    }
    if let Some(id) = filter.project_id
        && catalog
            .projects
            .get(&id)
            .is_none_or(|p| p.deleted_at.is_some())
    {
        return Err(ServiceError::not_found("line", id));
    }
    let employees: Vec<Employee> = store
        .read()?
        .list::<Employee>()?
        .into_iter()
        .filter(|e| e.deleted_at.is_none() && e.status == EmployeeStatus::Active)
        .filter(|e| filter.project_id.is_none_or(|p| e.project_ids.contains(&p)))
        .collect();
    let certs = store.certifications_by_employee()?;
    let horizon = SignedDuration::from_hours(24 * days);
    let mut needs = Vec::new();
    for e in &employees {
        let mine = certs.get(&e.id).map_or(&[][..], |v| v.as_slice());
        for j in judge_skills(&catalog, e, mine, now) {
            let Some(required_level) = j.required_level else {
                continue;
            };
            if filter.skill_id.is_some_and(|s| s != j.skill.id) {
                continue;
            }
            let Some((reason, due)) = need_of(&catalog, e, &j, now, horizon) else {
                continue;
            };
            needs.push(TrainingNeed {
                employee_id: e.id,
                number: e.number.clone(),
                name: e.name.clone(),
                department: e
                    .department_id
                    .and_then(|d| catalog.departments.get(&d))
                    .map_or_else(String::new, |d| d.name.clone()),
                site: catalog
                    .sites
                    .get(&e.site_id)
                    .map_or_else(String::new, |s| s.name.clone()),
                skill_id: j.skill.id,
                skill_code: j.skill.code.clone(),
                skill_name: j.skill.name.clone(),
                status: j.status,
                reason,
                required_level,
                achieved_level: j.certification.map(|c| c.level),
                due,
            });
        }
    }
    needs.sort_by(|a, b| {
        a.due
            .unwrap_or(now)
            .cmp(&b.due.unwrap_or(now))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.number.cmp(&b.number))
            .then_with(|| a.skill_name.cmp(&b.skill_name))
    });
    Ok(TrainingPlan { days, needs })
}
