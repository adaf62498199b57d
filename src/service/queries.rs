//! Reads that run the engine: one employee's qualification, and the site matrix.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{Result, ServiceError, live};
use crate::domain::*;
use crate::qualify::{
    Catalog, Qualification, SkillStatus, StationVerdict, judge_skills, station_verdict,
};
use crate::store::Store;

/// An employee's qualification, and their verdict at a station when one was asked for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EmployeeQualification {
    /// The employee.
    pub employee: Employee,
    /// Every required or certified skill with its status and sources.
    pub qualification: Qualification,
    /// Verdict at the station (or, without one, for the employee's own assignments).
    pub verdict: StationVerdict,
}

/// Judge an employee now, optionally at a station.
pub fn employee_qualification(
    store: &Store,
    employee_id: Uuid,
    station_id: Option<Uuid>,
    now: Timestamp,
) -> Result<EmployeeQualification> {
    let catalog = store.catalog();
    let r = store.read()?;
    let employee: Employee = live(&r, employee_id)?;
    let station = station_id
        .map(|id| live_station(&catalog, id))
        .transpose()?;
    let certs = r.certifications_of(employee_id)?;
    let (verdict, qualification) = station_verdict(&catalog, &employee, &certs, station, now);
    Ok(EmployeeQualification {
        employee,
        qualification,
        verdict,
    })
}

/// Which rows of the matrix to show.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatrixFilter {
    /// Only employees of this site.
    pub site_id: Option<Uuid>,
    /// Only this department.
    pub department_id: Option<Uuid>,
    /// Only this role.
    pub role_id: Option<Uuid>,
    /// Only employees assigned to this project.
    pub project_id: Option<Uuid>,
    /// Only employees with at least one skill in this status (e.g. `EXPIRED`).
    #[param(value_type = Option<String>)]
    pub status: Option<SkillStatus>,
    /// Include employees on leave and terminated ones (default: active only).
    #[serde(default)]
    pub include_inactive: bool,
    /// Only employees assigned to this station's project, judged at the station (with its
    /// extra skills), as its kiosk would judge them.
    #[serde(default)]
    pub station_id: Option<Uuid>,
}

/// A column of the matrix.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MatrixSkill {
    /// Skill id.
    pub id: Uuid,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// A non-empty cell: a skill the employee is required to have or holds.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MatrixCell {
    /// Index into [`Matrix::skills`].
    pub skill: usize,
    /// Status.
    pub status: SkillStatus,
    /// Required level, if required.
    pub required_level: Option<u8>,
    /// Achieved level, if certified.
    pub achieved_level: Option<u8>,
    /// When the counting certification was achieved.
    #[schema(value_type = Option<String>)]
    pub achieved_at: Option<Timestamp>,
    /// Expiry of the counting certification.
    #[schema(value_type = Option<String>)]
    pub expires_at: Option<Timestamp>,
}

/// One employee's row.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MatrixRow {
    /// Employee id.
    pub employee_id: Uuid,
    /// Number.
    pub number: String,
    /// Name.
    pub name: String,
    /// Status.
    pub status: EmployeeStatus,
    /// Non-empty cells, in column order.
    pub cells: Vec<MatrixCell>,
}

/// Employees × skills.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Matrix {
    /// Columns: every live skill, by name.
    pub skills: Vec<MatrixSkill>,
    /// Rows, by name.
    pub rows: Vec<MatrixRow>,
}

/// The matrix of every employee matching `filter`, judged at `now`.
pub fn matrix(store: &Store, filter: &MatrixFilter, now: Timestamp) -> Result<Matrix> {
    let catalog = store.catalog();
    let r = store.read()?;
    let mut skills: Vec<&Skill> = catalog
        .skills
        .values()
        .filter(|s| s.deleted_at.is_none())
        .collect();
    skills.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    let column: HashMap<Uuid, usize> = skills.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    let station = filter
        .station_id
        .map(|id| live_station(&catalog, id))
        .transpose()?;
    let employees: Vec<Employee> = r
        .list::<Employee>()?
        .into_iter()
        .filter(|e| e.deleted_at.is_none())
        .filter(|e| filter.include_inactive || e.status == EmployeeStatus::Active)
        .filter(|e| filter.site_id.is_none_or(|x| e.site_id == x))
        .filter(|e| {
            filter
                .department_id
                .is_none_or(|x| e.department_id == Some(x))
        })
        .filter(|e| filter.role_id.is_none_or(|x| e.role_id == Some(x)))
        .filter(|e| filter.project_id.is_none_or(|x| e.project_ids.contains(&x)))
        .filter(|e| station.is_none_or(|s| s.project_id.is_none_or(|p| e.project_ids.contains(&p))))
        .collect();
    drop(r);
    let certs = store.certifications_by_employee()?;
    // Judge in parallel: the appliance has four cores.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    let chunk = employees.len().div_ceil(threads).max(1);
    let mut rows: Vec<MatrixRow> = std::thread::scope(|scope| {
        let handles: Vec<_> = employees
            .chunks(chunk)
            .map(|part| {
                let (catalog, certs, column) = (&catalog, &*certs, &column);
                scope.spawn(move || {
                    matrix_rows(catalog, part, certs, column, filter.status, station, now)
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    rows.sort_by(|a, b| a.name.cmp(&b.name).then(a.number.cmp(&b.number)));
    Ok(Matrix {
        skills: skills
            .into_iter()
            .map(|s| MatrixSkill {
                id: s.id,
                code: s.code.clone(),
                name: s.name.clone(),
            })
            .collect(),
        rows,
    })
}

/// Matrix rows for a slice of employees.
fn matrix_rows(
    catalog: &Catalog,
    employees: &[Employee],
    certs: &crate::store::CertificationsByEmployee,
    column: &HashMap<Uuid, usize>,
    status: Option<SkillStatus>,
    station: Option<&Station>,
    now: Timestamp,
) -> Vec<MatrixRow> {
    let none: Vec<crate::domain::CertificationFacts> = Vec::new();
    let mut rows = Vec::with_capacity(employees.len());
    for e in employees {
        let mine = certs.get(&e.id).map_or(&none[..], |v| v.as_slice());
        let mut cells: Vec<MatrixCell> = match station {
            // At a station the engine adds its extra skills (and describes the sources).
            Some(st) => crate::qualify::qualify(catalog, e, mine, Some(st), now)
                .skills
                .into_iter()
                .filter_map(|l| {
                    Some(MatrixCell {
                        skill: *column.get(&l.skill_id)?,
                        status: l.status,
                        required_level: l.required_level,
                        achieved_level: l.achieved_level,
                        achieved_at: l.achieved_at,
                        expires_at: l.expires_at,
                    })
                })
                .collect(),
            None => judge_skills(catalog, e, mine, now)
                .into_iter()
                .filter_map(|j| {
                    Some(MatrixCell {
                        skill: *column.get(&j.skill.id)?,
                        status: j.status,
                        required_level: j.required_level,
                        achieved_level: j.certification.map(|c| c.level),
                        achieved_at: j.certification.map(|c| c.achieved_at),
                        expires_at: j.certification.and_then(|c| c.expires_at),
                    })
                })
                .collect(),
        };
        if let Some(st) = status
            && !cells.iter().any(|c| c.status == st)
        {
            continue;
        }
        cells.sort_by_key(|c| c.skill);
        rows.push(MatrixRow {
            employee_id: e.id,
            number: e.number.clone(),
            name: e.name.clone(),
            status: e.status,
            cells,
        });
    }
    rows
}

/// What the public badge page shows: no number, email or ids.
#[derive(Debug, Clone)]
pub struct PublicBadge {
    /// Name.
    pub name: String,
    /// Site name.
    pub site: String,
    /// Department name.
    pub department: Option<String>,
    /// Role name.
    pub role: Option<String>,
    /// Active (not on leave).
    pub active: bool,
    /// Green only when the person would be let in at every station of their projects and
    /// for their own assignments (the same engine as the kiosk): never green for someone a
    /// line would refuse.
    pub qualified: bool,
    /// Why not qualified (each failing skill once, or on leave), as codes and parameters so
    /// the page words them in its reader's language.
    pub refusals: Vec<Refusal>,
    /// The employee's preferred language, if any.
    pub language: Option<String>,
    /// Required skills only.
    pub skills: Vec<crate::qualify::SkillQualification>,
}

/// One reason a badge page shows for not being qualified.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Refusal {
    /// The engine's reason (code, skill, levels, date).
    pub reason: crate::qualify::VerdictReason,
    /// The station where a skill reason applies; `None` for the person's own assignments.
    pub station: Option<String>,
}

/// The public view of a badge: `None` for unknown, regenerated-away or terminated badges.
pub fn public_badge(
    store: &Store,
    token: &BadgeToken,
    now: Timestamp,
) -> Result<Option<PublicBadge>> {
    let r = store.read()?;
    let Some(e) = r.by_unique::<Employee>(crate::store::keys::BADGE, token.as_str())? else {
        return Ok(None);
    };
    if e.deleted_at.is_some() || e.status == EmployeeStatus::Terminated {
        return Ok(None);
    }
    let catalog = store.catalog();
    let certs = r.certifications_of(e.id)?;
    let q = crate::qualify::qualify(&catalog, &e, &certs, None, now);
    // The verdict for the person's own assignments, then at each station of their projects
    // (a station can require extra skills).
    let mut stations: Vec<&Station> = catalog
        .stations
        .values()
        .filter(|s| s.deleted_at.is_none())
        .filter(|s| s.project_id.is_some_and(|p| e.project_ids.contains(&p)))
        .collect();
    stations.sort_by(|a, b| a.name.cmp(&b.name));
    let mut qualified = true;
    let mut refusals: Vec<Refusal> = Vec::new();
    for station in std::iter::once(None).chain(stations.into_iter().map(Some)) {
        let (v, _) = station_verdict(&catalog, &e, &certs, station, now);
        if v.verdict != crate::qualify::Verdict::Green {
            qualified = false;
            for reason in v.reasons {
                let station = match station {
                    Some(s) if reason.code == crate::qualify::ReasonCode::Skill => {
                        Some(s.name.clone())
                    }
                    _ => None,
                };
                // Each failing skill once, at the first station (or own assignment) it fails.
                if !refusals.iter().any(|r| r.reason.message == reason.message) {
                    refusals.push(Refusal { reason, station });
                }
            }
        }
    }
    Ok(Some(PublicBadge {
        qualified,
        refusals,
        language: e.language.clone(),
        name: e.name.clone(),
        site: catalog
            .sites
            .get(&e.site_id)
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        department: e
            .department_id
            .and_then(|d| catalog.departments.get(&d))
            .map(|d| d.name.clone()),
        role: e
            .role_id
            .and_then(|d| catalog.roles.get(&d))
            .map(|d| d.name.clone()),
        active: e.status == EmployeeStatus::Active,
        skills: q
            .skills
            .into_iter()
            .filter(|l| l.required_level.is_some())
            .collect(),
    }))
}

/// Station `id` from the rules snapshot, unless it does not exist or was deleted.
fn live_station(catalog: &Catalog, id: Uuid) -> Result<&Station> {
    catalog
        .stations
        .get(&id)
        .filter(|s| s.deleted_at.is_none())
        .ok_or_else(|| ServiceError::not_found("station", id))
}

/// A live employee by id.
pub fn live_employee(store: &Store, id: Uuid) -> Result<Employee> {
    live(&store.read()?, id)
}

/// One site's compliance: employees whose every required skill is OK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SiteCompliance {
    /// Site name.
    pub site: String,
    /// Active employees judged.
    pub employees: usize,
    /// Of those, fully qualified.
    pub qualified: usize,
}

impl SiteCompliance {
    /// Fully qualified share, whole percent (100 for a site with nobody to judge).
    pub fn percent(&self) -> usize {
        (self.qualified * 100)
            .checked_div(self.employees)
            .unwrap_or(100)
    }
}

/// The figures of the dashboard, from the same matrix the matrix page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DashboardFigures {
    /// Compliance per site, by site name.
    pub sites: Vec<SiteCompliance>,
    /// Required certifications expiring within (days, count): 30, 60 and 90 days.
    pub expiring: Vec<(i64, usize)>,
    /// Employees not qualified, by skill name, most first.
    pub gaps: Vec<(String, usize)>,
}

/// Windows the dashboard counts expiring certifications in, in days.
pub const EXPIRY_WINDOWS: [i64; 3] = [30, 60, 90];

/// Compute the dashboard figures at `now`.
pub fn dashboard_figures(store: &Store, now: Timestamp) -> Result<DashboardFigures> {
    let m = matrix(store, &MatrixFilter::default(), now)?;
    let catalog = store.catalog();
    let sites_of: std::collections::HashMap<Uuid, Uuid> = store
        .read()?
        .list::<Employee>()?
        .into_iter()
        .map(|e| (e.id, e.site_id))
        .collect();
    let mut per_site: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    let mut gaps: std::collections::BTreeMap<String, usize> = Default::default();
    let mut expiring = [0usize; EXPIRY_WINDOWS.len()];
    for row in &m.rows {
        let site = sites_of
            .get(&row.employee_id)
            .and_then(|s| catalog.sites.get(s))
            .map_or_else(|| "—".to_owned(), |s| s.name.clone());
        let required = || row.cells.iter().filter(|c| c.required_level.is_some());
        let entry = per_site.entry(site).or_default();
        entry.0 += usize::from(required().all(|c| c.status.is_ok()));
        entry.1 += 1;
        for c in required() {
            if !c.status.is_ok() {
                *gaps.entry(m.skills[c.skill].name.clone()).or_default() += 1;
            }
            if let Some(exp) = c.expires_at
                && exp > now
            {
                let left = now.duration_until(exp);
                for (i, d) in EXPIRY_WINDOWS.iter().enumerate() {
                    if left <= jiff::SignedDuration::from_hours(24 * d) {
                        expiring[i] += 1;
                    }
                }
            }
        }
    }
    let mut gaps: Vec<(String, usize)> = gaps.into_iter().collect();
    gaps.sort_by_key(|g| std::cmp::Reverse(g.1));
    Ok(DashboardFigures {
        sites: per_site
            .into_iter()
            .map(|(site, (qualified, employees))| SiteCompliance {
                site,
                employees,
                qualified,
            })
            .collect(),
        expiring: EXPIRY_WINDOWS.iter().copied().zip(expiring).collect(),
        gaps,
    })
}

/// One cell of the matrix in full: an employee's standing in one skill, where the
/// requirement comes from, and every certification in it with its evidence.
#[derive(Debug, Clone)]
pub struct SkillDetail {
    /// The employee.
    pub employee: Employee,
    /// The skill.
    pub skill: Skill,
    /// Status, levels, dates and requirement sources (`None`: neither required nor held).
    pub line: Option<crate::qualify::SkillQualification>,
    /// Every certification of the employee in the skill, newest first, revoked ones too,
    /// each with its revision label ("superseded" when no longer active) and evidence.
    pub certifications: Vec<(Certification, Option<String>, Vec<Attachment>)>,
}

/// The detail of one matrix cell, by employee number and skill code (the matrix links
/// cells this way to keep the page small).
pub fn skill_detail(
    store: &Store,
    employee_number: &str,
    skill_code: &str,
    now: Timestamp,
) -> Result<SkillDetail> {
    let catalog = store.catalog();
    let r = store.read()?;
    let employee = r
        .by_unique::<Employee>(crate::store::keys::EMPLOYEE_NUMBER, employee_number)?
        .filter(|e| e.deleted_at.is_none())
        .ok_or_else(|| ServiceError::not_found("employee", employee_number))?;
    let skill = catalog
        .skills
        .values()
        .find(|s| s.deleted_at.is_none() && s.code == skill_code)
        .cloned()
        .ok_or_else(|| ServiceError::not_found("skill", skill_code))?;
    let certs = r.certifications_of(employee.id)?;
    let line = crate::qualify::qualify(&catalog, &employee, &certs, None, now)
        .skill(skill.id)
        .cloned();
    let revisions = catalog.revisions.get(&skill.id);
    let mut certifications = Vec::new();
    for c in certs
        .iter()
        .rev()
        .filter(|c| c.skill_id == skill.id && c.deleted_at.is_none())
    {
        let label = c.revision_id.and_then(|id| {
            let rev = revisions?.iter().find(|x| x.id == id)?;
            Some(match rev.status {
                RevisionStatus::Archived => format!("{} (superseded)", rev.label),
                _ => rev.label.clone(),
            })
        });
        let mut files = Vec::new();
        for sha in &c.attachments {
            if let Some(a) = r.attachment(sha)? {
                files.push(a);
            }
        }
        certifications.push((c.clone(), label, files));
    }
    Ok(SkillDetail {
        employee,
        skill,
        line,
        certifications,
    })
}
