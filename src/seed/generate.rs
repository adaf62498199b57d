//! A large, realistic synthetic site for benchmarks: thousands of employees, hundreds of
//! skills, about four requirement rows and forty certifications per employee.
//!
//! The small catalog (sites, skills, stations…) goes through the service layer; the bulk
//! (employees, requirement rows, certifications) is written in large transactions with the
//! same records, unique keys and indexes the service layer writes, and one audit event per
//! batch, so the result is indistinguishable in structure from a store built by hand.

use std::fmt;

use jiff::{SignedDuration, Timestamp};
use rand::rngs::SmallRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::domain::*;
use crate::qualify::{RequirementIndex, expires_at};
use crate::service::*;
use crate::store::{Actor, Store, Writer};

/// What `generate` wrote.
#[derive(Debug, Clone, Default)]
pub struct GenerateSummary {
    /// Employees.
    pub employees: usize,
    /// Skills.
    pub skills: usize,
    /// Requirement rows.
    pub requirements: usize,
    /// Certifications.
    pub certifications: usize,
    /// Stations.
    pub stations: usize,
}

impl fmt::Display for GenerateSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} employees, {} skills, {} requirement rows, {} certifications, {} stations",
            self.employees, self.skills, self.requirements, self.certifications, self.stations
        )
    }
}

const BATCH: usize = 20_000;

/// Selectors of a requirement row: site, department, role, project.
type Scope = (Option<Uuid>, Option<Uuid>, Option<Uuid>, Option<Uuid>);
const FIRST: [&str; 24] = [
    "Ana", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jamal", "Kai",
    "Lena", "Mateo", "Nora", "Omar", "Paula", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Viktor",
    "Wen", "Yara",
];
const LAST: [&str; 24] = [
    "Adams", "Brown", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Huang", "Ivanova",
    "Jensen", "Kowalski", "Lopez", "Müller", "Nguyen", "Okoro", "Patel", "Quispe", "Rossi",
    "Silva", "Tanaka", "Usman", "Varga", "Weber", "Zhang",
];

fn batch_audit(w: &mut Writer, what: &str, count: usize) -> Result<()> {
    let summary = serde_json::json!({ "generated": what, "count": count });
    w.audit("generate.batch", what, None, None::<&()>, Some(&summary))?;
    Ok(())
}

/// Write a synthetic site into an empty store. Deterministic for a given `seed` and `now`.
pub fn generate(
    store: &Store,
    employees: usize,
    skills: usize,
    seed: u64,
    now: Timestamp,
) -> Result<GenerateSummary> {
    if store.read()?.count::<Employee>()? > 0 {
        return Err(ServiceError::Conflict(
            "the store already has employees; generate into an empty store".into(),
        ));
    }
    if employees == 0 || skills == 0 {
        return Err(ServiceError::invalid(
            "employees",
            "need at least one employee and one skill",
        ));
    }
    let mut rng = SmallRng::seed_from_u64(seed);
    let a = Actor::named("generate");

    // The organisation, through the service layer.
    let mut sites = Vec::new();
    for (code, name, tz) in [
        ("GEN-A", "Site A", "America/Chicago"),
        ("GEN-B", "Site B", "Europe/Berlin"),
        ("GEN-C", "Site C", "Asia/Shanghai"),
    ] {
        sites.push(create::<Site>(
            store,
            &a,
            SiteInput {
                code: code.into(),
                name: name.into(),
                timezone: tz.into(),
                warning_days: Some(30),
            },
        )?);
    }
    let mut departments = Vec::new();
    for i in 0..12 {
        departments.push(create::<Department>(
            store,
            &a,
            DepartmentInput {
                name: format!("Department {:02}", i + 1),
            },
        )?);
    }
    let mut roles = Vec::new();
    for i in 0..25 {
        roles.push(create::<Role>(
            store,
            &a,
            RoleInput {
                name: format!("Role {:02}", i + 1),
            },
        )?);
    }
    let mut projects: Vec<Project> = Vec::new();
    for i in 0..60 {
        let site = &sites[i % sites.len()];
        projects.push(create(
            store,
            &a,
            ProjectInput {
                code: format!("P{:03}", i + 1),
                name: format!("Line {} at {}", i / sites.len() + 1, site.name),
                site_id: site.id,
            },
        )?);
    }
    let mut skill_list: Vec<Skill> = Vec::new();
    for i in 0..skills {
        let validity = *[None, Some(6), Some(12), Some(12), Some(24), Some(36)]
            .choose(&mut rng)
            .unwrap_or(&Some(12));
        let max_level = *[1u8, 1, 2, 3].choose(&mut rng).unwrap_or(&1);
        let skill: Skill = create(
            store,
            &a,
            SkillInput {
                code: format!("S{:04}", i + 1),
                name: format!("Skill {:04}", i + 1),
                description: String::new(),
                max_level,
                validity_months: validity,
                needs_approval: None,
            },
        )?;
        // One skill in ten has revisions; some of those needed retraining.
        if rng.random_ratio(1, 10) {
            create_revision(
                store,
                &a,
                skill.id,
                RevisionInput {
                    label: "Rev A".into(),
                    change_log: String::new(),
                    effective_date: None,
                    requires_retraining: false,
                    grace_days: 0,
                    status: Some(RevisionStatus::Active),
                },
            )?;
            if rng.random_ratio(1, 2) {
                let b = create_revision(
                    store,
                    &a,
                    skill.id,
                    RevisionInput {
                        label: "Rev B".into(),
                        change_log: String::new(),
                        effective_date: None,
                        requires_retraining: rng.random_ratio(1, 2),
                        grace_days: 0,
                        status: None,
                    },
                )?;
                activate_revision(store, &a, b.id, ActivationInput::default())?;
            }
        }
        skill_list.push(skill);
    }
    let mut stations = 0;
    for (i, p) in projects.iter().take(6).enumerate() {
        let extra = skill_list
            .choose(&mut rng)
            .map(|s| StationSkill {
                skill_id: s.id,
                level: 1,
            })
            .into_iter()
            .collect();
        create_station(
            store,
            &a,
            StationInput {
                name: format!("Station {}", i + 1),
                project_id: Some(p.id),
                extra_skills: extra,
            },
        )?;
        stations += 1;
    }

    // Requirement rows: a few broad ones, and the bulk on site × department × role cells.
    let target_rows = employees * 4;
    let mut rows: Vec<Requirement> = Vec::with_capacity(target_rows + 1000);
    let row = |rng: &mut SmallRng, rows: &mut Vec<Requirement>, scope: Scope| {
        let Some(skill) = skill_list.choose(rng) else {
            return;
        };
        rows.push(Requirement {
            id: new_id(),
            skill_id: skill.id,
            level: rng.random_range(1..=skill.max_level),
            site_id: scope.0,
            department_id: scope.1,
            role_id: scope.2,
            project_id: scope.3,
            deleted_at: None,
        });
    };
    for _ in 0..3 {
        row(&mut rng, &mut rows, (None, None, None, None));
    }
    for s in &sites {
        for _ in 0..4 {
            row(&mut rng, &mut rows, (Some(s.id), None, None, None));
        }
    }
    for d in &departments {
        for _ in 0..3 {
            row(&mut rng, &mut rows, (None, Some(d.id), None, None));
        }
    }
    for r in &roles {
        for _ in 0..3 {
            row(&mut rng, &mut rows, (None, None, Some(r.id), None));
        }
    }
    for p in &projects {
        for _ in 0..3 {
            row(
                &mut rng,
                &mut rows,
                (Some(p.site_id), None, None, Some(p.id)),
            );
        }
    }
    while rows.len() < target_rows {
        let (s, d, r) = (
            sites.choose(&mut rng).map(|x| x.id),
            departments.choose(&mut rng).map(|x| x.id),
            roles.choose(&mut rng).map(|x| x.id),
        );
        row(&mut rng, &mut rows, (s, d, r, None));
    }
    for chunk in rows.chunks(BATCH) {
        store.write(&a, |w| {
            for r in chunk {
                w.put(r)?;
            }
            batch_audit(w, "requirement", chunk.len())
        })?;
    }
    let index = RequirementIndex::new(rows.iter().cloned());

    // Employees.
    let mut people: Vec<Employee> = Vec::with_capacity(employees);
    for i in 0..employees {
        let site = sites[i % sites.len()].clone();
        let site_projects: Vec<&Project> =
            projects.iter().filter(|p| p.site_id == site.id).collect();
        let n_projects = rng.random_range(1..=3usize);
        let mut project_ids: Vec<Uuid> = site_projects
            .choose_multiple(&mut rng, n_projects)
            .map(|p| p.id)
            .collect();
        project_ids.sort();
        let status = match rng.random_range(0..100) {
            0..=1 => EmployeeStatus::Terminated,
            2..=4 => EmployeeStatus::Leave,
            _ => EmployeeStatus::Active,
        };
        people.push(Employee {
            id: new_id(),
            number: format!("G{:06}", i + 1),
            badge_token: BadgeToken::generate(),
            name: format!(
                "{} {}",
                FIRST.choose(&mut rng).unwrap_or(&"Alex"),
                LAST.choose(&mut rng).unwrap_or(&"Smith")
            ),
            site_id: site.id,
            department_id: departments.choose(&mut rng).map(|d| d.id),
            role_id: roles.choose(&mut rng).map(|r| r.id),
            project_ids,
            status,
            user_id: None,
            photo: None,
            deleted_at: None,
            email: None,
            start_date: None,
            supervisor_id: None,
            language: None,
        });
    }
    for chunk in people.chunks(BATCH / 4) {
        store.write(&a, |w| {
            for e in chunk {
                w.put(e)?;
            }
            batch_audit(w, "employee", chunk.len())
        })?;
    }

    // Certifications: most required skills, some of them stale or short of the level, plus
    // extras, about forty per person.
    let catalog = store.catalog();
    let mut certs: Vec<Certification> = Vec::with_capacity(employees * 40);
    for e in &people {
        let tz = catalog.zone(e.site_id);
        let mut required: Vec<(Uuid, u8)> = Vec::new();
        for r in index.applicable(e.site_id, e.department_id, e.role_id, &e.project_ids) {
            match required.iter_mut().find(|(s, _)| *s == r.skill_id) {
                Some(x) => x.1 = x.1.max(r.level),
                None => required.push((r.skill_id, r.level)),
            }
        }
        // Most people are fully trained for their job; one in four has gaps.
        let gappy = rng.random_ratio(1, 4);
        let mut chosen: Vec<(Uuid, u8)> = required
            .iter()
            .filter(|_| !gappy || rng.random_ratio(4, 5))
            .copied()
            .collect();
        // Plus a few certifications in skills the job doesn't need.
        let target = chosen.len().max(36) + rng.random_range(2..=5);
        while chosen.len() < target.min(skill_list.len()) {
            let Some(s) = skill_list.choose(&mut rng) else {
                break;
            };
            if !chosen.iter().any(|(id, _)| *id == s.id) {
                chosen.push((s.id, 1));
            }
        }
        for (skill_id, level) in chosen {
            let Some(skill) = catalog.skills.get(&skill_id) else {
                continue;
            };
            // Within the validity window mostly; now and then overdue.
            let window = skill.validity_months.map_or(1080, |m| m as i64 * 30);
            let days = if gappy && rng.random_ratio(1, 8) {
                rng.random_range(window..window + 200)
            } else {
                rng.random_range(1..window.max(2))
            };
            let achieved_at = now - SignedDuration::from_hours(24 * days);
            let level = if gappy && rng.random_ratio(1, 10) {
                level.saturating_sub(1).max(1)
            } else {
                rng.random_range(level..=skill.max_level.max(level))
            };
            let revisions = catalog.revisions.get(&skill_id);
            let revision_id = revisions.and_then(|revs| {
                let active = revs.iter().find(|r| r.status == RevisionStatus::Active);
                if rng.random_ratio(1, 10) {
                    revs.first().map(|r| r.id)
                } else {
                    active.map(|r| r.id)
                }
            });
            certs.push(Certification {
                id: new_id(),
                employee_id: e.id,
                skill_id,
                revision_id,
                level,
                achieved_at,
                expires_at: expires_at(achieved_at, skill.validity_months, &tz),
                certified_by: "generate".into(),
                notes: String::new(),
                attachments: Vec::new(),
                revoked: None,
                deleted_at: None,
                approval: Approval::NotRequired,
                assessor: None,
            });
        }
    }
    for chunk in certs.chunks(BATCH) {
        store.write(&a, |w| {
            for c in chunk {
                w.put(c)?;
            }
            batch_audit(w, "certification", chunk.len())
        })?;
    }
    Ok(GenerateSummary {
        employees,
        skills,
        requirements: rows.len(),
        certifications: certs.len(),
        stations,
    })
}
