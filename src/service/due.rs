//! The "Due" list: required certifications that have expired or expire within a window, the
//! list behind the dashboard's expiry figures (it runs the same matrix, so the two agree).

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use super::{MatrixFilter, Result, ServiceError, matrix};
use crate::domain::*;
use crate::qualify::SkillStatus;
use crate::store::Store;

/// Longest window the list looks ahead, in days.
pub const MAX_DUE_DAYS: i64 = 3650;

/// Which certifications the Due list shows.
#[derive(Debug, Clone, Default)]
pub struct DueFilter {
    /// Look this many days ahead (default 30).
    pub days: Option<i64>,
    /// Also list certifications that have already expired (default: yes).
    pub include_expired: bool,
    /// Only employees of this site.
    pub site_id: Option<Uuid>,
    /// Only this department.
    pub department_id: Option<Uuid>,
    /// Only employees assigned to this line (project).
    pub project_id: Option<Uuid>,
    /// Only this skill.
    pub skill_id: Option<Uuid>,
    /// Only the people this employee supervises.
    pub supervisor_id: Option<Uuid>,
    /// Latest date first instead of soonest first.
    pub newest_first: bool,
}

/// One certification that is due.
#[derive(Debug, Clone, PartialEq)]
pub struct DueItem {
    /// The employee.
    pub employee_id: Uuid,
    /// Employee number.
    pub number: String,
    /// Employee name.
    pub name: String,
    /// Site name.
    pub site: String,
    /// Department name, if any.
    pub department: String,
    /// Supervisor's name, if any.
    pub supervisor: String,
    /// Skill id.
    pub skill_id: Uuid,
    /// Skill code.
    pub skill_code: String,
    /// Skill name.
    pub skill_name: String,
    /// Status now (EXPIRED, EXPIRING_SOON, or OK when the window reaches past the warning).
    pub status: SkillStatus,
    /// When it expires (or expired).
    pub expires_at: Timestamp,
    /// Whole days left (negative: days since it expired).
    pub days_left: i64,
}

/// The due list at `now`: required certifications of active employees that expired (when
/// asked) or expire within the window, soonest first. The dashboard's "expiring within N
/// days" counts exactly the not-yet-expired rows of this list with `days = N`.
pub fn due_list(store: &Store, filter: &DueFilter, now: Timestamp) -> Result<Vec<DueItem>> {
    let days = filter.days.unwrap_or(30);
    if !(0..=MAX_DUE_DAYS).contains(&days) {
        return Err(ServiceError::invalid(
            "days",
            format!("the window must be 0 to {MAX_DUE_DAYS} days"),
        ));
    }
    let m = matrix(
        store,
        &MatrixFilter {
            site_id: filter.site_id,
            department_id: filter.department_id,
            project_id: filter.project_id,
            ..MatrixFilter::default()
        },
        now,
    )?;
    let catalog = store.catalog();
    let employees: HashMap<Uuid, Employee> = store
        .read()?
        .list::<Employee>()?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let horizon = SignedDuration::from_hours(24 * days);
    let mut out = Vec::new();
    for row in &m.rows {
        let Some(e) = employees.get(&row.employee_id) else {
            continue;
        };
        if filter.supervisor_id.is_some() && e.supervisor_id != filter.supervisor_id {
            continue;
        }
        for c in row.cells.iter().filter(|c| c.required_level.is_some()) {
            let skill = &m.skills[c.skill];
            if filter.skill_id.is_some_and(|s| s != skill.id) {
                continue;
            }
            let Some(exp) = c.expires_at else { continue };
            let expired = exp <= now;
            let due = if expired {
                filter.include_expired && c.status == SkillStatus::Expired
            } else {
                now.duration_until(exp) <= horizon
            };
            if !due {
                continue;
            }
            let left = now.duration_until(exp).as_secs();
            out.push(DueItem {
                employee_id: e.id,
                number: e.number.clone(),
                name: e.name.clone(),
                site: catalog
                    .sites
                    .get(&e.site_id)
                    .map_or_else(String::new, |s| s.name.clone()),
                department: e
                    .department_id
                    .and_then(|d| catalog.departments.get(&d))
                    .map_or_else(String::new, |d| d.name.clone()),
                supervisor: e
                    .supervisor_id
                    .and_then(|s| employees.get(&s))
                    .map_or_else(String::new, |s| s.name.clone()),
                skill_id: skill.id,
                skill_code: skill.code.clone(),
                skill_name: skill.name.clone(),
                status: c.status,
                expires_at: exp,
                days_left: left.div_euclid(86_400),
            });
        }
    }
    out.sort_by(|a, b| {
        a.expires_at
            .cmp(&b.expires_at)
            .then_with(|| a.name.cmp(&b.name))
    });
    if filter.newest_first {
        out.reverse();
    }
    Ok(out)
}
