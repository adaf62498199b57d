//! The qualification rules of docs/qualification.md (the contract), rule by rule and edge by
//! edge, through the engine's public API only and with `now` always passed in; then properties
//! over random small sites that must hold whatever the catalog.

use std::collections::{BTreeMap, BTreeSet};

use caliber::domain::*;
use caliber::qualify::*;
use jiff::SignedDuration;
use jiff::tz::TimeZone;
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

/// A UTC instant, e.g. `2026-11-23T12:00:00Z`.
fn utc(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

/// A wall-clock time in a timezone, e.g. `local("2026-01-31T23:30", "America/Chicago")`.
fn local(s: &str, tz: &str) -> Timestamp {
    let dt: jiff::civil::DateTime = s.parse().expect("civil datetime");
    dt.to_zoned(zone(tz)).expect("zoned").timestamp()
}

fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).expect("bundled timezone")
}

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

fn secs(n: i64) -> SignedDuration {
    SignedDuration::from_secs(n)
}

/// The fixed "now" of the example-based tests: a Monday noon in November 2026.
fn now() -> Timestamp {
    utc("2026-11-23T12:00:00Z")
}

/// Long ago enough not to matter.
fn long_ago() -> Timestamp {
    utc("2024-01-15T12:00:00Z")
}

/// Requirement selectors; `everyone()` sets none.
#[derive(Debug, Clone, Copy, Default)]
struct Scope {
    site: Option<Uuid>,
    department: Option<Uuid>,
    role: Option<Uuid>,
    project: Option<Uuid>,
}

fn everyone() -> Scope {
    Scope::default()
}

impl Scope {
    fn site(mut self, id: Uuid) -> Self {
        self.site = Some(id);
        self
    }
    fn department(mut self, id: Uuid) -> Self {
        self.department = Some(id);
        self
    }
    fn role(mut self, id: Uuid) -> Self {
        self.role = Some(id);
        self
    }
    fn project(mut self, id: Uuid) -> Self {
        self.project = Some(id);
        self
    }
}

/// A site's catalog built record by record. The home site is "Austin" (America/Chicago,
/// 30 warning days); requirement rows are kept as records and indexed on [`World::catalog`].
#[derive(Debug, Clone)]
struct World {
    catalog: Catalog,
    rows: Vec<Requirement>,
    home: Uuid,
}

impl World {
    fn new() -> World {
        let mut w = World {
            catalog: Catalog::default(),
            rows: Vec::new(),
            home: Uuid::nil(),
        };
        w.home = w.site("Austin", "America/Chicago", DEFAULT_WARNING_DAYS);
        w
    }

    fn site(&mut self, name: &str, tz: &str, warning_days: u32) -> Uuid {
        let id = new_id();
        self.catalog.sites.insert(
            id,
            Site {
                id,
                code: name.to_uppercase(),
                name: name.into(),
                timezone: tz.into(),
                warning_days,
                deleted_at: None,
            },
        );
        self.catalog.zones.insert(id, zone(tz));
        id
    }

    fn set_warning_days(&mut self, site: Uuid, warning_days: u32) {
        self.catalog
            .sites
            .get_mut(&site)
            .expect("site")
            .warning_days = warning_days;
    }

    fn department(&mut self, name: &str) -> Uuid {
        let id = new_id();
        let d = Department {
            id,
            name: name.into(),
            deleted_at: None,
        };
        self.catalog.departments.insert(id, d);
        id
    }

    fn role(&mut self, name: &str) -> Uuid {
        let id = new_id();
        let r = Role {
            id,
            name: name.into(),
            deleted_at: None,
        };
        self.catalog.roles.insert(id, r);
        id
    }

    fn project(&mut self, name: &str) -> Uuid {
        let id = new_id();
        let p = Project {
            id,
            code: name.to_uppercase().replace(' ', "-"),
            name: name.into(),
            site_id: self.home,
            deleted_at: None,
        };
        self.catalog.projects.insert(id, p);
        id
    }

    /// A skill with max level 3.
    fn skill(&mut self, name: &str, validity_months: Option<u32>) -> Uuid {
        let id = new_id();
        let s = Skill {
            id,
            code: name.to_uppercase().replace(' ', "-"),
            name: name.into(),
            description: String::new(),
            max_level: 3,
            validity_months,
            deleted_at: None,
            needs_approval: false,
        };
        self.catalog.skills.insert(id, s);
        id
    }

    fn delete_skill(&mut self, id: Uuid) {
        self.catalog.skills.get_mut(&id).expect("skill").deleted_at = Some(long_ago());
    }

    /// The skill's next revision (sequence 1, 2, …).
    fn revision(
        &mut self,
        skill: Uuid,
        label: &str,
        status: RevisionStatus,
        retrain: bool,
    ) -> Uuid {
        let list = self.catalog.revisions.entry(skill).or_default();
        let id = new_id();
        list.push(SkillRevision {
            id,
            skill_id: skill,
            sequence: list.len() as u32 + 1,
            label: label.into(),
            change_log: String::new(),
            status,
            effective_date: None,
            requires_retraining: retrain,
            grace_days: 0,
        });
        id
    }

    /// Give a revision an effective date and a retraining grace period.
    fn grace(
        &mut self,
        skill: Uuid,
        revision: Uuid,
        effective: Option<jiff::civil::Date>,
        days: u32,
    ) {
        let r = self
            .catalog
            .revisions
            .get_mut(&skill)
            .and_then(|l| l.iter_mut().find(|r| r.id == revision))
            .expect("revision");
        r.effective_date = effective;
        r.grace_days = days;
    }

    /// A draft put at `position` among the skill's revisions; the later ones move up one.
    fn insert_draft(&mut self, skill: Uuid, position: usize, retrain: bool) -> Uuid {
        let list = self.catalog.revisions.entry(skill).or_default();
        let at = position.min(list.len());
        for r in list.iter_mut().skip(at) {
            r.sequence += 1;
        }
        let id = new_id();
        list.insert(
            at,
            SkillRevision {
                id,
                skill_id: skill,
                sequence: at as u32 + 1,
                label: "Rev Draft".into(),
                change_log: String::new(),
                status: RevisionStatus::Draft,
                effective_date: None,
                requires_retraining: retrain,
                grace_days: 0,
            },
        );
        id
    }

    /// Activate a draft as the service does: the active revision is archived.
    fn activate(&mut self, skill: Uuid, draft: Uuid) {
        for r in self.catalog.revisions.get_mut(&skill).expect("revisions") {
            if r.id == draft {
                r.status = RevisionStatus::Active;
            } else if r.status == RevisionStatus::Active {
                r.status = RevisionStatus::Archived;
            }
        }
    }

    fn require(&mut self, skill: Uuid, level: u8, scope: Scope) -> Uuid {
        let id = new_id();
        self.rows.push(Requirement {
            id,
            skill_id: skill,
            level,
            site_id: scope.site,
            department_id: scope.department,
            role_id: scope.role,
            project_id: scope.project,
            deleted_at: None,
        });
        id
    }

    fn delete_row(&mut self, id: Uuid) {
        let row = self.rows.iter_mut().find(|r| r.id == id).expect("row");
        row.deleted_at = Some(long_ago());
    }

    /// An active employee at the home site with no department, role or project.
    fn employee(&self, name: &str) -> Employee {
        Employee {
            id: new_id(),
            number: format!("E-{name}"),
            badge_token: BadgeToken::generate(),
            name: name.into(),
            site_id: self.home,
            department_id: None,
            role_id: None,
            project_ids: Vec::new(),
            status: EmployeeStatus::Active,
            user_id: None,
            photo: None,
            deleted_at: None,
            email: None,
            start_date: None,
            supervisor_id: None,
            language: None,
        }
    }

    /// A live certification as the service records one: on the skill's active revision, with
    /// `expires_at` computed from the skill's validity in the employee's site timezone.
    fn cert(
        &self,
        who: &Employee,
        skill: Uuid,
        level: u8,
        achieved_at: Timestamp,
    ) -> Certification {
        let validity = self.catalog.skills[&skill].validity_months;
        Certification {
            id: new_id(),
            employee_id: who.id,
            skill_id: skill,
            revision_id: self.catalog.active_revision(skill).map(|r| r.id),
            level,
            achieved_at,
            expires_at: expires_at(achieved_at, validity, &self.catalog.zone(who.site_id)),
            certified_by: "trainer@plant.example".into(),
            notes: String::new(),
            attachments: Vec::new(),
            revoked: None,
            deleted_at: None,
            approval: Approval::NotRequired,
            assessor: None,
        }
    }

    fn station(&self, name: &str, project: Option<Uuid>, extras: &[(Uuid, u8)]) -> Station {
        Station {
            id: new_id(),
            name: name.into(),
            project_id: project,
            extra_skills: extras
                .iter()
                .map(|&(skill_id, level)| StationSkill { skill_id, level })
                .collect(),
            key_hash: String::new(),
            created_at: long_ago(),
            deleted_at: None,
        }
    }

    /// The snapshot the engine judges against, with the live rows indexed.
    fn catalog(&self) -> Catalog {
        let mut c = self.catalog.clone();
        c.requirements = RequirementIndex::new(self.rows.clone());
        c
    }

    fn qualify(&self, who: &Employee, certs: &[Certification]) -> Qualification {
        qualify(&self.catalog(), who, certs, None, now())
    }

    fn qualify_at(
        &self,
        who: &Employee,
        certs: &[Certification],
        station: Option<&Station>,
    ) -> Qualification {
        qualify(&self.catalog(), who, certs, station, now())
    }

    fn line(&self, who: &Employee, certs: &[Certification], skill: Uuid) -> SkillQualification {
        self.qualify(who, certs)
            .skill(skill)
            .cloned()
            .expect("a line for the skill")
    }

    fn status(&self, who: &Employee, certs: &[Certification], skill: Uuid) -> SkillStatus {
        self.line(who, certs, skill).status
    }

    fn verdict(
        &self,
        who: &Employee,
        certs: &[Certification],
        station: Option<&Station>,
    ) -> StationVerdict {
        station_verdict(&self.catalog(), who, certs, station, now()).0
    }

    fn revisions(&self, skill: Uuid) -> &[SkillRevision] {
        self.catalog
            .revisions
            .get(&skill)
            .map_or(&[][..], Vec::as_slice)
    }
}

trait EmployeeExt: Sized {
    fn at_site(self, site: Uuid) -> Self;
    fn in_department(self, department: Uuid) -> Self;
    fn in_role(self, role: Uuid) -> Self;
    fn on_project(self, project: Uuid) -> Self;
    fn with_status(self, status: EmployeeStatus) -> Self;
}

impl EmployeeExt for Employee {
    fn at_site(mut self, site: Uuid) -> Self {
        self.site_id = site;
        self
    }
    fn in_department(mut self, department: Uuid) -> Self {
        self.department_id = Some(department);
        self
    }
    fn in_role(mut self, role: Uuid) -> Self {
        self.role_id = Some(role);
        self
    }
    fn on_project(mut self, project: Uuid) -> Self {
        self.project_ids.push(project);
        self
    }
    fn with_status(mut self, status: EmployeeStatus) -> Self {
        self.status = status;
        self
    }
}

trait CertExt: Sized {
    fn on(self, revision: Uuid) -> Self;
    fn without_revision(self) -> Self;
    fn expiring(self, at: Timestamp) -> Self;
    fn revoked(self) -> Self;
    fn deleted(self) -> Self;
}

impl CertExt for Certification {
    fn on(mut self, revision: Uuid) -> Self {
        self.revision_id = Some(revision);
        self
    }
    fn without_revision(mut self) -> Self {
        self.revision_id = None;
        self
    }
    fn expiring(mut self, at: Timestamp) -> Self {
        self.expires_at = Some(at);
        self
    }
    fn revoked(mut self) -> Self {
        self.revoked = Some(Revocation {
            at: long_ago(),
            by: "manager@plant.example".into(),
            reason: "Retested and failed".into(),
        });
        self
    }
    fn deleted(mut self) -> Self {
        self.deleted_at = Some(long_ago());
        self
    }
}

fn scopes(line: &SkillQualification) -> Vec<String> {
    line.sources.iter().map(|s| s.scope.clone()).collect()
}

/// Required skills and their levels.
fn required(q: &Qualification) -> BTreeMap<Uuid, u8> {
    q.skills
        .iter()
        .filter_map(|l| l.required_level.map(|lvl| (l.skill_id, lvl)))
        .collect()
}

fn messages(v: &[VerdictReason]) -> Vec<String> {
    let mut m: Vec<String> = v.iter().map(|r| r.message.clone()).collect();
    m.sort();
    m
}

use SkillStatus::{
    Expired, ExpiringSoon, Extra, InsufficientLevel, Missing, Outdated, RetrainingDue, Valid,
};

// ---------------------------------------------------------------------------------------------
// Which requirement rows apply
// ---------------------------------------------------------------------------------------------

#[test]
fn a_row_without_selectors_applies_to_everyone() {
    let mut w = World::new();
    let berlin = w.site("Berlin", "Europe/Berlin", 30);
    let ppe = w.skill("PPE", None);
    w.require(ppe, 1, everyone());
    let molding = w.department("Molding");
    let tech = w.role("Technician");
    let line3 = w.project("Line 3");

    let bare = w.employee("Bare");
    let busy = w
        .employee("Busy")
        .at_site(berlin)
        .in_department(molding)
        .in_role(tech)
        .on_project(line3);
    for e in [&bare, &busy] {
        let line = w.line(e, &[], ppe);
        assert_eq!(line.required_level, Some(1), "{}", e.name);
        assert_eq!(line.status, Missing);
        assert_eq!(scopes(&line), ["Everyone"]);
        assert_eq!(line.sources[0].requirement_id, Some(w.rows[0].id));
        assert_eq!(line.sources[0].level, 1);
    }
}

#[test]
fn a_site_row_applies_only_to_employees_of_that_site() {
    let mut w = World::new();
    let berlin = w.site("Berlin", "Europe/Berlin", 30);
    let fork = w.skill("Forklift", None);
    w.require(fork, 2, everyone().site(w.home));

    let here = w.employee("Here");
    let there = w.employee("There").at_site(berlin);
    let line = w.line(&here, &[], fork);
    assert_eq!(line.required_level, Some(2));
    assert_eq!(scopes(&line), ["Site: Austin"]);
    assert!(w.qualify(&there, &[]).skills.is_empty());
}

#[test]
fn a_department_row_applies_only_in_that_department() {
    let mut w = World::new();
    let molding = w.department("Molding");
    let assembly = w.department("Assembly");
    let press = w.skill("Press Setup", None);
    w.require(press, 1, everyone().department(molding));

    let inside = w.employee("Inside").in_department(molding);
    let outside = w.employee("Outside").in_department(assembly);
    let nowhere = w.employee("Nowhere");
    assert_eq!(
        scopes(&w.line(&inside, &[], press)),
        ["Department: Molding"]
    );
    assert!(w.qualify(&outside, &[]).skill(press).is_none());
    assert!(w.qualify(&nowhere, &[]).skill(press).is_none());
}

#[test]
fn a_role_row_applies_only_to_that_role() {
    let mut w = World::new();
    let tech = w.role("Technician");
    let operator = w.role("Machine Operator");
    let lockout = w.skill("Lockout", None);
    w.require(lockout, 3, everyone().role(tech));

    let t = w.employee("Tech").in_role(tech);
    let o = w.employee("Operator").in_role(operator);
    let none = w.employee("No role");
    let line = w.line(&t, &[], lockout);
    assert_eq!(line.required_level, Some(3));
    assert_eq!(scopes(&line), ["Role: Technician"]);
    assert!(w.qualify(&o, &[]).skill(lockout).is_none());
    assert!(w.qualify(&none, &[]).skill(lockout).is_none());
}

#[test]
fn a_project_row_applies_when_the_project_is_any_of_the_employees_projects() {
    let mut w = World::new();
    let line1 = w.project("Line 1");
    let line3 = w.project("Line 3");
    let line4 = w.project("Line 4");
    let solder = w.skill("Soldering", None);
    w.require(solder, 2, everyone().project(line3));

    let second = w.employee("Second").on_project(line1).on_project(line3);
    let first = w.employee("First").on_project(line3).on_project(line4);
    let other = w.employee("Other").on_project(line1).on_project(line4);
    let unassigned = w.employee("Unassigned");
    for e in [&second, &first] {
        assert_eq!(
            scopes(&w.line(e, &[], solder)),
            ["Project: Line 3"],
            "{}",
            e.name
        );
    }
    assert!(w.qualify(&other, &[]).skill(solder).is_none());
    assert!(w.qualify(&unassigned, &[]).skill(solder).is_none());
}

#[test]
fn a_row_with_several_selectors_applies_only_when_all_match() {
    let mut w = World::new();
    let berlin = w.site("Berlin", "Europe/Berlin", 30);
    let molding = w.department("Molding");
    let assembly = w.department("Assembly");
    let tech = w.role("Technician");
    let operator = w.role("Machine Operator");
    let line3 = w.project("Line 3");
    let line4 = w.project("Line 4");
    let robot = w.skill("Robot Cell", None);
    let scope = everyone()
        .site(w.home)
        .department(molding)
        .role(tech)
        .project(line3);
    w.require(robot, 2, scope);

    let full = w
        .employee("Full")
        .in_department(molding)
        .in_role(tech)
        .on_project(line3);
    let line = w.line(&full, &[], robot);
    assert_eq!(line.required_level, Some(2));
    assert_eq!(
        scopes(&line),
        ["Site: Austin, Department: Molding, Role: Technician, Project: Line 3"]
    );

    // Break one selector at a time: the row no longer applies.
    let mut other_site = full.clone();
    other_site.site_id = berlin;
    let mut other_dept = full.clone();
    other_dept.department_id = Some(assembly);
    let mut no_dept = full.clone();
    no_dept.department_id = None;
    let mut other_role = full.clone();
    other_role.role_id = Some(operator);
    let mut no_role = full.clone();
    no_role.role_id = None;
    let mut other_project = full.clone();
    other_project.project_ids = vec![line4];
    for (why, e) in [
        ("other site", other_site),
        ("other department", other_dept),
        ("no department", no_dept),
        ("other role", other_role),
        ("no role", no_role),
        ("other project", other_project),
    ] {
        assert!(w.qualify(&e, &[]).skill(robot).is_none(), "{why}");
    }
}

#[test]
fn a_site_and_role_row_needs_both() {
    let mut w = World::new();
    let berlin = w.site("Berlin", "Europe/Berlin", 30);
    let tech = w.role("Technician");
    let crane = w.skill("Crane", None);
    w.require(crane, 1, everyone().site(berlin).role(tech));

    let austin_tech = w.employee("Austin tech").in_role(tech);
    let berlin_nobody = w.employee("Berlin, no role").at_site(berlin);
    let berlin_tech = w.employee("Berlin tech").at_site(berlin).in_role(tech);
    assert!(w.qualify(&austin_tech, &[]).skill(crane).is_none());
    assert!(w.qualify(&berlin_nobody, &[]).skill(crane).is_none());
    assert_eq!(
        scopes(&w.line(&berlin_tech, &[], crane)),
        ["Site: Berlin, Role: Technician"]
    );
}

#[test]
fn an_employee_without_department_or_role_gets_only_rows_not_selecting_them() {
    let mut w = World::new();
    let molding = w.department("Molding");
    let tech = w.role("Technician");
    let line3 = w.project("Line 3");
    let all = w.skill("All hands", None);
    let site = w.skill("Site safety", None);
    let dept = w.skill("Molding basics", None);
    let role = w.skill("Tech basics", None);
    let proj = w.skill("Line 3 basics", None);
    let both = w.skill("Molding tech", None);
    w.require(all, 1, everyone());
    w.require(site, 1, everyone().site(w.home));
    w.require(dept, 1, everyone().department(molding));
    w.require(role, 1, everyone().role(tech));
    w.require(proj, 1, everyone().project(line3));
    w.require(both, 1, everyone().department(molding).role(tech));

    let bare = w.employee("Bare");
    let got: BTreeSet<Uuid> = required(&w.qualify(&bare, &[])).into_keys().collect();
    assert_eq!(got, BTreeSet::from([all, site]));

    let on_line = w.employee("On line 3").on_project(line3);
    let got: BTreeSet<Uuid> = required(&w.qualify(&on_line, &[])).into_keys().collect();
    assert_eq!(got, BTreeSet::from([all, site, proj]));
}

#[test]
fn a_project_listed_twice_counts_its_rows_once() {
    let mut w = World::new();
    let line3 = w.project("Line 3");
    let solder = w.skill("Soldering", None);
    let row = w.require(solder, 2, everyone().project(line3));

    let twice = w.employee("Twice").on_project(line3).on_project(line3);
    let line = w.line(&twice, &[], solder);
    assert_eq!(line.required_level, Some(2));
    assert_eq!(line.sources.len(), 1);
    assert_eq!(line.sources[0].requirement_id, Some(row));

    let catalog = w.catalog();
    let rows: Vec<Uuid> = catalog
        .requirements
        .applicable(w.home, None, None, &[line3, line3, line3])
        .map(|r| r.id)
        .collect();
    assert_eq!(rows, [row]);
}

#[test]
fn deleted_rows_are_ignored() {
    let mut w = World::new();
    let fork = w.skill("Forklift", None);
    let crane = w.skill("Crane", None);
    let gone = w.require(fork, 1, everyone());
    w.delete_row(gone);
    // A deleted row asking for more must not raise the level either.
    let kept = w.require(crane, 1, everyone());
    let higher = w.require(crane, 3, everyone());
    w.delete_row(higher);

    let e = w.employee("Pat");
    let certs = [
        w.cert(&e, fork, 1, long_ago()),
        w.cert(&e, crane, 1, long_ago()),
    ];
    let q = w.qualify(&e, &certs);
    let f = q.skill(fork).expect("forklift line");
    assert_eq!(f.required_level, None);
    assert_eq!(f.status, Extra);
    let c = q.skill(crane).expect("crane line");
    assert_eq!(c.required_level, Some(1));
    assert_eq!(c.status, Valid);
    assert_eq!(c.sources.len(), 1);
    assert_eq!(c.sources[0].requirement_id, Some(kept));
    assert!(w.verdict(&e, &certs, None).is_green());

    let catalog = w.catalog();
    assert_eq!(catalog.requirements.len(), 1);
    assert!(!catalog.requirements.is_empty());
    assert!(RequirementIndex::new(Vec::new()).is_empty());
}

#[test]
fn rows_naming_a_deleted_skill_are_ignored() {
    let mut w = World::new();
    let old = w.skill("Old machine", None);
    w.require(old, 2, everyone());
    w.delete_skill(old);

    let e = w.employee("Pat");
    let q = w.qualify(&e, &[]);
    assert!(
        q.skill(old).is_none(),
        "a deleted skill is neither required nor MISSING"
    );
    assert!(w.verdict(&e, &[], None).is_green());
    // A certification in it is history, not an EXTRA line.
    let certs = [w.cert(&e, old, 2, long_ago())];
    assert!(w.qualify(&e, &certs).skills.is_empty());
}

#[test]
fn the_required_level_is_the_maximum_and_every_contributing_row_is_a_source() {
    let mut w = World::new();
    let tech = w.role("Technician");
    let molding = w.department("Molding");
    let line3 = w.project("Line 3");
    let line4 = w.project("Line 4");
    let fork = w.skill("Forklift", None);
    let r_all = w.require(fork, 1, everyone());
    let r_site = w.require(fork, 2, everyone().site(w.home));
    let r_role = w.require(fork, 3, everyone().role(tech));
    let r_dept = w.require(fork, 2, everyone().department(molding));
    let r_proj = w.require(fork, 1, everyone().project(line3));
    // Does not apply: must not appear, even though it asks for less.
    w.require(fork, 1, everyone().project(line4));

    let e = w
        .employee("Pat")
        .in_role(tech)
        .in_department(molding)
        .on_project(line3);
    let line = w.line(&e, &[], fork);
    assert_eq!(line.required_level, Some(3));
    let got: BTreeSet<(Option<Uuid>, u8, String)> = line
        .sources
        .iter()
        .map(|s| (s.requirement_id, s.level, s.scope.clone()))
        .collect();
    let want = BTreeSet::from([
        (Some(r_all), 1, "Everyone".to_owned()),
        (Some(r_site), 2, "Site: Austin".to_owned()),
        (Some(r_role), 3, "Role: Technician".to_owned()),
        (Some(r_dept), 2, "Department: Molding".to_owned()),
        (Some(r_proj), 1, "Project: Line 3".to_owned()),
    ]);
    assert_eq!(got, want);
    assert_eq!(line.sources.len(), 5);
    // Listed in scope order, whatever the order of the rows.
    assert_eq!(
        scopes(&line),
        [
            "Department: Molding",
            "Everyone",
            "Project: Line 3",
            "Role: Technician",
            "Site: Austin"
        ]
    );

    // The maximum decides: level 2 is not enough, level 3 is.
    assert_eq!(
        w.status(&e, &[w.cert(&e, fork, 2, long_ago())], fork),
        InsufficientLevel
    );
    assert_eq!(
        w.status(&e, &[w.cert(&e, fork, 3, long_ago())], fork),
        Valid
    );

    // Without the role the technician row drops out and level 2 suffices.
    let mut no_role = e.clone();
    no_role.role_id = None;
    let line = w.line(&no_role, &[w.cert(&no_role, fork, 2, long_ago())], fork);
    assert_eq!(line.required_level, Some(2));
    assert_eq!(line.status, Valid);
    assert!(!scopes(&line).contains(&"Role: Technician".to_owned()));
}

#[test]
fn scope_labels_name_each_selector() {
    let mut w = World::new();
    let molding = w.department("Molding");
    let tech = w.role("Technician");
    let line3 = w.project("Line 3");
    let fork = w.skill("Forklift", None);
    w.require(fork, 1, everyone());
    w.require(fork, 1, everyone().site(w.home).role(tech));
    w.require(fork, 1, everyone().department(molding).project(line3));
    let catalog = w.catalog();
    let labels: Vec<String> = w.rows.iter().map(|r| scope_label_of(&catalog, r)).collect();
    assert_eq!(
        labels,
        [
            "Everyone",
            "Site: Austin, Role: Technician",
            "Department: Molding, Project: Line 3"
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// One certification: the first rule that holds
// ---------------------------------------------------------------------------------------------

/// A world with one skill "Forklift" (no validity, so expiry is set per test) required at
/// `level` of everyone, and one employee.
fn one_skill(level: u8) -> (World, Uuid, Employee) {
    let mut w = World::new();
    let fork = w.skill("Forklift", None);
    w.require(fork, level, everyone());
    let e = w.employee("Pat");
    (w, fork, e)
}

#[test]
fn expired_when_expiry_has_passed_or_is_exactly_now() {
    let (w, fork, e) = one_skill(1);
    let with_expiry = |exp| w.status(&e, &[w.cert(&e, fork, 1, long_ago()).expiring(exp)], fork);
    assert_eq!(with_expiry(now() - days(400)), Expired);
    assert_eq!(with_expiry(now() - secs(1)), Expired);
    assert_eq!(with_expiry(now()), Expired, "expires_at = now is expired");
    assert_eq!(with_expiry(now() + secs(1)), ExpiringSoon);
}

#[test]
fn computed_expiry_is_expired_from_the_exact_instant() {
    let mut w = World::new();
    let fork = w.skill("Forklift", Some(12));
    w.require(fork, 1, everyone());
    let e = w.employee("Pat");
    // 06:00 CST on 23 Nov 2025 is 12:00 UTC: twelve months later is exactly `now`.
    let achieved = local("2025-11-23T06:00", "America/Chicago");
    let cert = w.cert(&e, fork, 1, achieved);
    assert_eq!(cert.expires_at, Some(now()));
    assert_eq!(w.status(&e, &[cert], fork), Expired);
    let later = w.cert(&e, fork, 1, achieved + secs(1));
    assert_eq!(w.status(&e, &[later], fork), ExpiringSoon);
}

/// "Lockout" with Rev A (archived) and Rev B (active) that requires retraining.
fn retraining_world() -> (World, Uuid, Uuid, Uuid, Employee) {
    let mut w = World::new();
    let lockout = w.skill("Lockout", None);
    let a = w.revision(lockout, "Rev A", RevisionStatus::Archived, false);
    let b = w.revision(lockout, "Rev B", RevisionStatus::Active, true);
    w.require(lockout, 2, everyone());
    let e = w.employee("Pat");
    (w, lockout, a, b, e)
}

#[test]
fn outdated_when_a_later_revision_up_to_the_active_one_requires_retraining() {
    let (w, lockout, a, b, e) = retraining_world();
    let on_a = w.cert(&e, lockout, 2, long_ago()).on(a);
    let line = w.line(&e, &[on_a], lockout);
    assert_eq!(line.status, Outdated);
    assert_eq!(line.revision_label.as_deref(), Some("Rev A"));
    assert_eq!(line.retraining_revision_label.as_deref(), Some("Rev B"));

    let on_b = w.cert(&e, lockout, 2, long_ago()).on(b);
    let line = w.line(&e, &[on_b], lockout);
    assert_eq!(line.status, Valid);
    assert_eq!(line.revision_label.as_deref(), Some("Rev B"));
    assert_eq!(line.retraining_revision_label, None);
}

#[test]
fn an_intermediate_retraining_revision_makes_older_certifications_outdated() {
    let mut w = World::new();
    let lockout = w.skill("Lockout", None);
    let a = w.revision(lockout, "Rev A", RevisionStatus::Archived, false);
    let b = w.revision(lockout, "Rev B", RevisionStatus::Archived, true);
    let c = w.revision(lockout, "Rev C", RevisionStatus::Active, false);
    w.require(lockout, 1, everyone());
    let e = w.employee("Pat");

    let line = w.line(&e, &[w.cert(&e, lockout, 1, long_ago()).on(a)], lockout);
    assert_eq!(line.status, Outdated);
    assert_eq!(line.retraining_revision_label.as_deref(), Some("Rev B"));
    // Rev B itself is recent enough: Rev C does not require retraining.
    assert_eq!(
        w.status(&e, &[w.cert(&e, lockout, 1, long_ago()).on(b)], lockout),
        Valid
    );
    assert_eq!(
        w.status(&e, &[w.cert(&e, lockout, 1, long_ago()).on(c)], lockout),
        Valid
    );
}

#[test]
fn not_outdated_when_no_later_revision_requires_retraining() {
    let mut w = World::new();
    let lockout = w.skill("Lockout", None);
    let a = w.revision(lockout, "Rev A", RevisionStatus::Archived, true);
    w.revision(lockout, "Rev B", RevisionStatus::Archived, false);
    w.revision(lockout, "Rev C", RevisionStatus::Active, false);
    w.require(lockout, 1, everyone());
    let e = w.employee("Pat");
    // Rev A's own flag concerns those certified before A, not those certified on it.
    let cert = w.cert(&e, lockout, 1, long_ago()).on(a);
    assert_eq!(w.status(&e, &[cert], lockout), Valid);
}

#[test]
fn a_draft_after_the_active_revision_does_not_make_anyone_outdated() {
    let mut w = World::new();
    let lockout = w.skill("Lockout", None);
    let a = w.revision(lockout, "Rev A", RevisionStatus::Archived, false);
    let b = w.revision(lockout, "Rev B", RevisionStatus::Active, false);
    w.revision(lockout, "Rev C", RevisionStatus::Draft, true);
    w.require(lockout, 1, everyone());
    let e = w.employee("Pat");
    for (rev, label) in [(a, "Rev A"), (b, "Rev B")] {
        let cert = w.cert(&e, lockout, 1, long_ago()).on(rev);
        assert_eq!(
            w.status(&e, &[cert], lockout),
            Valid,
            "certified on {label}"
        );
    }
}

/// Issue 17's catalog: Rev A (requires retraining) was active; drafts Rev B (requires
/// retraining) and Rev C (does not) were written; Rev C was activated, so Rev A is archived and
/// Rev B was never in force. Required at level 3 at the home site.
fn skipped_draft_world() -> (World, Uuid, [Uuid; 3], Employee) {
    let mut w = World::new();
    let lockout = w.skill("Lockout", None);
    let a = w.revision(lockout, "Rev A", RevisionStatus::Archived, true);
    let b = w.revision(lockout, "Rev B", RevisionStatus::Draft, true);
    let c = w.revision(lockout, "Rev C", RevisionStatus::Active, false);
    w.require(lockout, 3, everyone().site(w.home));
    let e = w.employee("Pat");
    (w, lockout, [a, b, c], e)
}

#[test]
fn a_draft_that_was_never_activated_never_makes_anyone_outdated() {
    let (w, lockout, [a, _, c], e) = skipped_draft_world();
    let on_a = w.cert(&e, lockout, 3, long_ago()).on(a);
    assert_eq!(retraining_needed(&on_a, w.revisions(lockout)), None);
    let line = w.line(&e, std::slice::from_ref(&on_a), lockout);
    assert_eq!(line.status, Valid, "Rev B was never in force");
    assert_eq!(line.revision_label.as_deref(), Some("Rev A"));
    assert_eq!(line.retraining_revision_label, None);
    assert!(w.verdict(&e, &[on_a], None).is_green());
    let on_c = w.cert(&e, lockout, 3, long_ago()).on(c);
    assert_eq!(w.status(&e, &[on_c], lockout), Valid);
    // Rev A was in force: a certification from before every revision must retrain on it.
    let before_all = w.cert(&e, lockout, 3, long_ago()).without_revision();
    let line = w.line(&e, &[before_all], lockout);
    assert_eq!(line.status, Outdated);
    assert_eq!(line.retraining_revision_label.as_deref(), Some("Rev A"));
}

#[test]
fn archived_revisions_count_because_they_were_in_force() {
    // Rev A was active, Rev B was skipped, Rev C (requires retraining) was active and is now
    // archived behind Rev D: people on Rev A must retrain on Rev C, the first one in force.
    let mut w = World::new();
    let lockout = w.skill("Lockout", None);
    let a = w.revision(lockout, "Rev A", RevisionStatus::Archived, false);
    let b = w.revision(lockout, "Rev B", RevisionStatus::Draft, true);
    let c = w.revision(lockout, "Rev C", RevisionStatus::Archived, true);
    let d = w.revision(lockout, "Rev D", RevisionStatus::Active, false);
    w.require(lockout, 1, everyone());
    let e = w.employee("Pat");
    let revs = w.revisions(lockout);
    let on = |rev| w.cert(&e, lockout, 1, long_ago()).on(rev);
    assert_eq!(retraining_needed(&on(a), revs), Some(c));
    assert_eq!(retraining_needed(&on(b), revs), Some(c));
    assert_eq!(retraining_needed(&on(c), revs), None);
    assert_eq!(retraining_needed(&on(d), revs), None);
    let line = w.line(&e, &[on(a)], lockout);
    assert_eq!(line.status, Outdated);
    assert_eq!(line.retraining_revision_label.as_deref(), Some("Rev C"));
}

#[test]
fn a_certification_without_revision_predates_every_revision() {
    let (w, lockout, _, _, e) = retraining_world();
    let cert = w.cert(&e, lockout, 2, long_ago()).without_revision();
    let line = w.line(&e, &[cert], lockout);
    assert_eq!(line.status, Outdated);
    assert_eq!(line.retraining_revision_label.as_deref(), Some("Rev B"));
    assert_eq!(line.revision_label, None);

    // Revisions that never required retraining leave it valid…
    let mut w = World::new();
    let lockout = w.skill("Lockout", None);
    w.revision(lockout, "Rev A", RevisionStatus::Archived, false);
    w.revision(lockout, "Rev B", RevisionStatus::Active, false);
    w.require(lockout, 1, everyone());
    let e = w.employee("Pat");
    let cert = w.cert(&e, lockout, 1, long_ago()).without_revision();
    assert_eq!(w.status(&e, &[cert], lockout), Valid);

    // …and so does a skill without revisions at all.
    let (w, fork, e) = one_skill(1);
    let cert = w.cert(&e, fork, 1, long_ago());
    assert_eq!(cert.revision_id, None);
    assert_eq!(w.status(&e, &[cert], fork), Valid);
}

#[test]
fn insufficient_level_below_the_required_level() {
    let (w, fork, e) = one_skill(2);
    let line = w.line(&e, &[w.cert(&e, fork, 1, long_ago())], fork);
    assert_eq!(line.status, InsufficientLevel);
    assert_eq!(line.achieved_level, Some(1));
    assert_eq!(line.required_level, Some(2));
    assert_eq!(
        w.status(&e, &[w.cert(&e, fork, 2, long_ago())], fork),
        Valid
    );
    assert_eq!(
        w.status(&e, &[w.cert(&e, fork, 3, long_ago())], fork),
        Valid
    );
}

#[test]
fn expiring_soon_within_the_warning_window_inclusive() {
    let (w, fork, e) = one_skill(1);
    let with_expiry = |exp| w.status(&e, &[w.cert(&e, fork, 1, long_ago()).expiring(exp)], fork);
    assert_eq!(with_expiry(now() + days(1)), ExpiringSoon);
    assert_eq!(with_expiry(now() + days(29)), ExpiringSoon);
    assert_eq!(with_expiry(now() + days(30)), ExpiringSoon, "boundary");
    assert_eq!(with_expiry(now() + days(30) + secs(1)), Valid);
    assert_eq!(with_expiry(now() + days(300)), Valid);
}

#[test]
fn the_warning_window_is_the_employees_sites() {
    let (mut w, fork, e) = one_skill(1);
    w.set_warning_days(w.home, 7);
    let berlin = w.site("Berlin", "Europe/Berlin", 60);
    let there = w.employee("There").at_site(berlin);
    fn status(w: &World, who: &Employee, skill: Uuid, exp: Timestamp) -> SkillStatus {
        w.status(
            who,
            &[w.cert(who, skill, 1, long_ago()).expiring(exp)],
            skill,
        )
    }
    assert_eq!(status(&w, &e, fork, now() + days(7)), ExpiringSoon);
    assert_eq!(status(&w, &e, fork, now() + days(8)), Valid);
    assert_eq!(status(&w, &there, fork, now() + days(8)), ExpiringSoon);
    assert_eq!(status(&w, &there, fork, now() + days(60)), ExpiringSoon);
    assert_eq!(status(&w, &there, fork, now() + days(61)), Valid);

    // No window: valid up to the last second, then expired.
    w.set_warning_days(w.home, 0);
    assert_eq!(status(&w, &e, fork, now() + secs(1)), Valid);
    assert_eq!(status(&w, &e, fork, now()), Expired);
}

#[test]
fn valid_when_nothing_else_holds() {
    let (w, fork, e) = one_skill(2);
    let line = w.line(&e, &[w.cert(&e, fork, 2, long_ago())], fork);
    assert_eq!(line.status, Valid);
    assert_eq!(line.expires_at, None);
    assert_eq!(
        w.status(
            &e,
            &[w.cert(&e, fork, 2, long_ago()).expiring(now() + days(365))],
            fork
        ),
        Valid
    );
}

#[test]
fn expired_beats_outdated() {
    let (w, lockout, a, _, e) = retraining_world();
    let cert = w
        .cert(&e, lockout, 2, long_ago())
        .on(a)
        .expiring(now() - days(1));
    assert_eq!(w.status(&e, &[cert], lockout), Expired);
}

#[test]
fn expired_beats_insufficient_level() {
    let (w, fork, e) = one_skill(2);
    let cert = w.cert(&e, fork, 1, long_ago()).expiring(now());
    assert_eq!(w.status(&e, &[cert], fork), Expired);
}

#[test]
fn outdated_beats_insufficient_level() {
    let (w, lockout, a, _, e) = retraining_world();
    let cert = w
        .cert(&e, lockout, 1, long_ago())
        .on(a)
        .expiring(now() + days(5));
    let line = w.line(&e, &[cert], lockout);
    assert_eq!(line.status, Outdated);
    assert_eq!(line.retraining_revision_label.as_deref(), Some("Rev B"));
}

#[test]
fn insufficient_level_beats_expiring_soon() {
    let (w, fork, e) = one_skill(2);
    let cert = w.cert(&e, fork, 1, long_ago()).expiring(now() + days(5));
    assert_eq!(w.status(&e, &[cert], fork), InsufficientLevel);
}

#[test]
fn judge_certification_applies_the_rules_in_order() {
    let (w, lockout, a, b, e) = retraining_world();
    let revs = w.revisions(lockout);
    let judge =
        |c: &Certification, level| judge_certification(c, level, revs, 30, &TimeZone::UTC, now());
    let base = w.cert(&e, lockout, 2, long_ago()).on(b);

    let cases = [
        (base.clone().expiring(now()), 2, Expired),
        (base.clone().on(a).expiring(now() - secs(1)), 2, Expired),
        (base.clone().on(a), 2, Outdated),
        (base.clone().on(a), 3, Outdated),
        (base.clone(), 3, InsufficientLevel),
        (base.clone().expiring(now() + days(3)), 3, InsufficientLevel),
        (base.clone().expiring(now() + days(3)), 2, ExpiringSoon),
        (base.clone().expiring(now() + days(31)), 2, Valid),
        (base.clone(), 1, Valid),
    ];
    for (i, (cert, level, want)) in cases.iter().enumerate() {
        let got = judge(cert, *level);
        assert_eq!(got.status, *want, "case {i}");
        let retrain = (*want == Outdated).then_some(b);
        assert_eq!(got.retraining_revision, retrain, "case {i}");
    }
    // The warning window is a parameter.
    let soon = base.clone().expiring(now() + days(10));
    assert_eq!(
        judge_certification(&soon, 2, revs, 9, &TimeZone::UTC, now()).status,
        Valid
    );
    assert_eq!(
        judge_certification(&soon, 2, revs, 10, &TimeZone::UTC, now()).status,
        ExpiringSoon
    );
}

// --- Retraining grace periods (RETRAINING_DUE) ---------------------------------------------

/// Rev B (requires retraining) took effect on 20 Nov 2026 with 10 days' grace: people on Rev A
/// count until the start of 30 Nov, Austin time (06:00Z).
fn grace_world() -> (World, Uuid, Uuid, Uuid, Employee) {
    let (mut w, lockout, a, b, e) = retraining_world();
    w.grace(lockout, b, Some(jiff::civil::date(2026, 11, 20)), 10);
    (w, lockout, a, b, e)
}

#[test]
fn within_the_grace_period_an_older_revision_is_retraining_due_and_green() {
    let (w, lockout, a, b, e) = grace_world();
    let on_a = w.cert(&e, lockout, 2, long_ago()).on(a);
    let line = w.line(&e, std::slice::from_ref(&on_a), lockout);
    assert_eq!(line.status, RetrainingDue);
    assert_eq!(line.retraining_revision_label.as_deref(), Some("Rev B"));
    assert_eq!(line.retraining_due, Some(utc("2026-11-30T06:00:00Z")));

    let v = w.verdict(&e, std::slice::from_ref(&on_a), None);
    assert!(v.is_green(), "{v:?}");
    assert!(v.reasons.is_empty());
    assert_eq!(v.warnings.len(), 1);
    assert_eq!(v.warnings[0].code, ReasonCode::RetrainingDue);
    assert_eq!(v.warnings[0].status, Some(RetrainingDue));
    assert_eq!(v.warnings[0].date, Some(utc("2026-11-30T06:00:00Z")));
    assert_eq!(
        v.warnings[0].message,
        "Lockout — Rev B retraining due 30 Nov 2026"
    );
    // Certified on the new revision: nothing due.
    let on_b = w.cert(&e, lockout, 2, long_ago()).on(b);
    assert_eq!(w.status(&e, &[on_b], lockout), Valid);
}

#[test]
fn when_the_grace_period_ends_the_certification_is_outdated() {
    let (w, lockout, a, _, e) = grace_world();
    let on_a = w.cert(&e, lockout, 2, long_ago()).on(a);
    let revs = w.revisions(lockout);
    let zone = zone("America/Chicago");
    let at = |t: &str| judge_certification(&on_a, 2, revs, 30, &zone, utc(t));
    assert_eq!(at("2026-11-30T05:59:59Z").status, RetrainingDue);
    let end = at("2026-11-30T06:00:00Z");
    assert_eq!(
        end.status, Outdated,
        "the deadline itself is past the grace"
    );
    assert_eq!(end.retraining_due, None);
    assert_eq!(at("2027-03-01T00:00:00Z").status, Outdated);
}

#[test]
fn a_too_low_level_stays_red_during_the_grace_period() {
    let (w, lockout, a, _, e) = grace_world();
    let low = w.cert(&e, lockout, 1, long_ago()).on(a);
    assert_eq!(
        w.status(&e, std::slice::from_ref(&low), lockout),
        InsufficientLevel
    );
    assert!(!w.verdict(&e, &[low], None).is_green());
}

#[test]
fn no_grace_days_or_no_effective_date_means_outdated_at_once() {
    let (mut w, lockout, a, b, e) = retraining_world();
    let on_a = w.cert(&e, lockout, 2, long_ago()).on(a);
    w.grace(lockout, b, Some(jiff::civil::date(2026, 11, 20)), 0);
    assert_eq!(w.status(&e, std::slice::from_ref(&on_a), lockout), Outdated);
    w.grace(lockout, b, None, 30);
    assert_eq!(w.status(&e, &[on_a], lockout), Outdated, "fail safe");
}

#[test]
fn the_earliest_deadline_of_several_retraining_revisions_counts() {
    let mut w = World::new();
    let lockout = w.skill("Lockout", None);
    let a = w.revision(lockout, "Rev A", RevisionStatus::Archived, false);
    let b = w.revision(lockout, "Rev B", RevisionStatus::Archived, true);
    let c = w.revision(lockout, "Rev C", RevisionStatus::Active, true);
    w.require(lockout, 1, everyone());
    let e = w.employee("Pat");
    let on_a = w.cert(&e, lockout, 1, long_ago()).on(a);
    // Rev B's grace is over, Rev C's is not: Rev B already makes Rev A outdated.
    w.grace(lockout, b, Some(jiff::civil::date(2026, 1, 1)), 30);
    w.grace(lockout, c, Some(jiff::civil::date(2026, 11, 20)), 60);
    let line = w.line(&e, std::slice::from_ref(&on_a), lockout);
    assert_eq!(line.status, Outdated);
    assert_eq!(line.retraining_revision_label.as_deref(), Some("Rev B"));
    // Both within grace: due by the earlier deadline.
    w.grace(lockout, b, Some(jiff::civil::date(2026, 11, 1)), 40);
    let line = w.line(&e, std::slice::from_ref(&on_a), lockout);
    assert_eq!(line.status, RetrainingDue);
    assert_eq!(line.retraining_revision_label.as_deref(), Some("Rev B"));
    assert_eq!(line.retraining_due, Some(utc("2026-12-11T06:00:00Z")));
    // On Rev B: only Rev C's deadline is left.
    let on_b = w.cert(&e, lockout, 1, long_ago()).on(b);
    let line = w.line(&e, &[on_b], lockout);
    assert_eq!(line.retraining_revision_label.as_deref(), Some("Rev C"));
    assert_eq!(line.retraining_due, Some(utc("2027-01-19T06:00:00Z")));
}

#[test]
fn retraining_due_ranks_between_insufficient_level_and_expiring_soon() {
    assert!(InsufficientLevel < RetrainingDue && RetrainingDue < ExpiringSoon);
    assert!(RetrainingDue.is_ok());
    assert_eq!(SkillStatus::parse("retraining_due"), Some(RetrainingDue));
    let (w, lockout, a, b, e) = grace_world();
    // A current certification that expires soon beats one due for retraining.
    let due = w.cert(&e, lockout, 2, long_ago()).on(a);
    let soon = w
        .cert(&e, lockout, 2, long_ago())
        .on(b)
        .expiring(now() + days(3));
    assert_eq!(w.status(&e, &[due.clone(), soon], lockout), ExpiringSoon);
    // One due for retraining beats one with too low a level.
    let low = w.cert(&e, lockout, 1, long_ago()).on(b);
    assert_eq!(w.status(&e, &[low, due], lockout), RetrainingDue);
}

#[test]
fn retraining_needed_names_the_first_retraining_revision_after_the_certified_one() {
    let mut w = World::new();
    let lockout = w.skill("Lockout", None);
    let a = w.revision(lockout, "Rev A", RevisionStatus::Archived, false);
    let b = w.revision(lockout, "Rev B", RevisionStatus::Archived, true);
    let c = w.revision(lockout, "Rev C", RevisionStatus::Archived, true);
    let d = w.revision(lockout, "Rev D", RevisionStatus::Active, false);
    w.revision(lockout, "Rev E", RevisionStatus::Draft, true);
    let e = w.employee("Pat");
    let revs = w.revisions(lockout);
    let needed = |rev: Option<Uuid>| {
        let mut cert = w.cert(&e, lockout, 1, long_ago()).without_revision();
        cert.revision_id = rev;
        retraining_needed(&cert, revs)
    };
    assert_eq!(needed(None), Some(b));
    assert_eq!(needed(Some(a)), Some(b));
    assert_eq!(needed(Some(b)), Some(c));
    assert_eq!(needed(Some(c)), None);
    assert_eq!(needed(Some(d)), None);
    // Without an active revision nothing can be newer than the certification.
    let archived: Vec<SkillRevision> = revs
        .iter()
        .cloned()
        .map(|mut r| {
            r.status = RevisionStatus::Archived;
            r
        })
        .collect();
    let cert = w.cert(&e, lockout, 1, long_ago()).on(a);
    assert_eq!(retraining_needed(&cert, &archived), None);
}

// ---------------------------------------------------------------------------------------------
// Several certifications for one skill: the best outcome counts
// ---------------------------------------------------------------------------------------------

/// One certification of "Lockout" (Rev A archived, Rev B active with retraining, required at
/// level 2) per status.
fn one_cert_per_status(
    w: &World,
    lockout: Uuid,
    a: Uuid,
    e: &Employee,
) -> Vec<(SkillStatus, Certification)> {
    let cert = |level| w.cert(e, lockout, level, long_ago());
    vec![
        (Expired, cert(2).expiring(now() - days(1))),
        (Outdated, cert(2).on(a).expiring(now() + days(200))),
        (InsufficientLevel, cert(1).expiring(now() + days(200))),
        (ExpiringSoon, cert(2).expiring(now() + days(5))),
        (Valid, cert(2).expiring(now() + days(200))),
    ]
}

#[test]
fn the_best_outcome_over_live_certifications_counts() {
    let (w, lockout, a, _, e) = retraining_world();
    let all = one_cert_per_status(&w, lockout, a, &e);
    for (want, cert) in &all {
        assert_eq!(w.status(&e, std::slice::from_ref(cert), lockout), *want);
    }
    // Every subset: the best status wins, and the line shows that certification. The
    // certifications left out of the subset are still there, revoked or deleted: they never
    // count.
    for mask in 0u32..(1 << all.len()) {
        let mut certs = Vec::new();
        let mut best: Option<&(SkillStatus, Certification)> = None;
        for (i, entry) in all.iter().enumerate() {
            if mask & (1 << i) != 0 {
                certs.push(entry.1.clone());
                if best.is_none_or(|b| entry.0 > b.0) {
                    best = Some(entry);
                }
            } else if i % 2 == 0 {
                certs.push(entry.1.clone().revoked());
            } else {
                certs.push(entry.1.clone().deleted());
            }
        }
        let line = w.line(&e, &certs, lockout);
        assert_eq!(
            line.status,
            best.map_or(Missing, |b| b.0),
            "mask {mask:05b}"
        );
        assert_eq!(
            line.certification_id,
            best.map(|b| b.1.id),
            "mask {mask:05b}"
        );
        assert_eq!(line.achieved_level, best.map(|b| b.1.level));
        assert_eq!(line.expires_at, best.and_then(|b| b.1.expires_at));
    }
}

#[test]
fn statuses_are_ordered_worst_to_best() {
    let order = [
        Missing,
        Expired,
        Outdated,
        InsufficientLevel,
        ExpiringSoon,
        Valid,
    ];
    for pair in order.windows(2) {
        assert!(pair[0] < pair[1], "{:?} < {:?}", pair[0], pair[1]);
    }
    let ok: Vec<SkillStatus> = order.into_iter().filter(|s| s.is_ok()).collect();
    assert_eq!(ok, [ExpiringSoon, Valid]);
    assert!(Extra.is_ok());
}

#[test]
fn revoked_or_deleted_certifications_are_ignored() {
    let (w, fork, e) = one_skill(1);
    let good = w.cert(&e, fork, 1, long_ago());
    assert_eq!(w.status(&e, &[good.clone().revoked()], fork), Missing);
    assert_eq!(w.status(&e, &[good.clone().deleted()], fork), Missing);
    let line = w.line(&e, &[good.clone().revoked(), good.clone().deleted()], fork);
    assert_eq!(line.status, Missing);
    assert_eq!(line.certification_id, None);
    assert_eq!(line.achieved_level, None);

    let stale = w.cert(&e, fork, 1, long_ago()).expiring(now() - days(3));
    assert_eq!(
        w.status(&e, &[good.clone().revoked(), stale.clone()], fork),
        Expired,
        "a revoked valid certification does not rescue an expired one"
    );
    assert_eq!(w.status(&e, &[good, stale], fork), Valid);
}

#[test]
fn other_employees_certifications_do_not_count() {
    let (w, fork, e) = one_skill(1);
    let colleague = w.employee("Colleague");
    let theirs = w.cert(&colleague, fork, 3, long_ago());
    assert_eq!(w.status(&e, std::slice::from_ref(&theirs), fork), Missing);
    assert!(!w.verdict(&e, &[theirs], None).is_green());
}

// ---------------------------------------------------------------------------------------------
// EXTRA
// ---------------------------------------------------------------------------------------------

#[test]
fn certified_but_not_required_is_extra_and_never_blocks() {
    let mut w = World::new();
    let fork = w.skill("Forklift", Some(12));
    let crane = w.skill("Crane", None);
    let welding = w.skill("Welding", None);
    w.require(fork, 1, everyone());
    let e = w.employee("Pat");
    let certs = [
        w.cert(&e, fork, 1, now() - days(100)),
        // Expired, low level, on nothing required: still only EXTRA.
        w.cert(&e, crane, 1, long_ago()).expiring(now() - days(10)),
        w.cert(&e, welding, 3, long_ago()),
        w.cert(&e, welding, 2, long_ago()).revoked(),
    ];
    let q = w.qualify(&e, &certs);
    let statuses: Vec<(Uuid, Option<u8>, SkillStatus)> = q
        .skills
        .iter()
        .map(|l| (l.skill_id, l.required_level, l.status))
        .collect();
    // Required lines first, then extras by name.
    assert_eq!(
        statuses,
        [
            (fork, Some(1), Valid),
            (crane, None, Extra),
            (welding, None, Extra)
        ]
    );
    assert!(q.skill(crane).expect("crane").sources.is_empty());
    assert_eq!(q.skill(welding).expect("welding").achieved_level, Some(3));

    let v = w.verdict(&e, &certs, None);
    assert!(v.is_green());
    assert!(v.reasons.is_empty());
    assert!(v.warnings.is_empty());
}

#[test]
fn a_revoked_certification_is_not_extra() {
    let mut w = World::new();
    let crane = w.skill("Crane", None);
    let e = w.employee("Pat");
    let certs = [
        w.cert(&e, crane, 1, long_ago()).revoked(),
        w.cert(&e, crane, 2, long_ago()).deleted(),
    ];
    assert!(w.qualify(&e, &certs).skills.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Expiry: calendar months in the site's timezone
// ---------------------------------------------------------------------------------------------

#[test]
fn expiry_adds_calendar_months_keeping_the_local_time() {
    let chicago = zone("America/Chicago");
    let cases = [
        ("2026-03-15T09:00", 12, "2027-03-15T09:00"),
        ("2026-03-15T09:00", 1, "2026-04-15T09:00"),
        ("2026-11-30T16:45", 3, "2027-02-28T16:45"),
        // Across daylight saving: the wall clock is kept, not the elapsed hours.
        ("2026-01-10T08:00", 6, "2026-07-10T08:00"),
        ("2026-07-10T08:00", 6, "2027-01-10T08:00"),
        ("2026-05-31T07:00", 1, "2026-06-30T07:00"),
        // Clamped to the month's last day in the site's calendar, leap years included.
        ("2027-01-31T09:00", 1, "2027-02-28T09:00"),
        ("2028-01-31T09:00", 1, "2028-02-29T09:00"),
        ("2028-02-29T09:00", 12, "2029-02-28T09:00"),
        ("2026-05-31T09:00", 6, "2026-11-30T09:00"),
    ];
    for (from, months, to) in cases {
        assert_eq!(
            expires_at(local(from, "America/Chicago"), Some(months), &chicago),
            Some(local(to, "America/Chicago")),
            "{from} + {months} months"
        );
    }
}

#[test]
fn expiry_clamps_to_the_last_day_of_the_month() {
    let utc_tz = TimeZone::UTC;
    let cases = [
        ("2026-01-31T10:00:00Z", 1, "2026-02-28T10:00:00Z"),
        ("2028-01-31T10:00:00Z", 1, "2028-02-29T10:00:00Z"),
        ("2026-01-29T10:00:00Z", 1, "2026-02-28T10:00:00Z"),
        ("2026-03-31T10:00:00Z", 1, "2026-04-30T10:00:00Z"),
        ("2026-08-31T10:00:00Z", 6, "2027-02-28T10:00:00Z"),
        ("2027-08-31T10:00:00Z", 6, "2028-02-29T10:00:00Z"),
        ("2026-12-31T10:00:00Z", 2, "2027-02-28T10:00:00Z"),
        // Leap day plus a year: 28 Feb; plus four years: 29 Feb again.
        ("2028-02-29T10:00:00Z", 12, "2029-02-28T10:00:00Z"),
        ("2028-02-29T10:00:00Z", 48, "2032-02-29T10:00:00Z"),
        ("2028-02-29T10:00:00Z", 1, "2028-03-29T10:00:00Z"),
    ];
    for (from, months, to) in cases {
        assert_eq!(
            expires_at(utc(from), Some(months), &utc_tz),
            Some(utc(to)),
            "{from} + {months} months"
        );
    }
}

#[test]
fn expiry_months_are_counted_in_the_sites_timezone() {
    // 23:30 on 31 Jan in Chicago is already 1 Feb in UTC.
    let achieved = local("2026-01-31T23:30", "America/Chicago");
    assert_eq!(
        expires_at(achieved, Some(1), &zone("America/Chicago")),
        Some(local("2026-02-28T23:30", "America/Chicago"))
    );
    assert_eq!(
        expires_at(achieved, Some(1), &TimeZone::UTC),
        Some(utc("2026-03-01T05:30:00Z"))
    );
    // The builder (like the service) uses the employee's site: a Berlin employee certified at
    // the same instant (06:30 on 1 Feb there) expires on 1 Mar in Berlin.
    let mut w = World::new();
    let berlin = w.site("Berlin", "Europe/Berlin", 30);
    let fork = w.skill("Forklift", Some(1));
    let here = w.employee("Here");
    let there = w.employee("There").at_site(berlin);
    assert_eq!(
        w.cert(&here, fork, 1, achieved).expires_at,
        Some(local("2026-02-28T23:30", "America/Chicago"))
    );
    assert_eq!(
        w.cert(&there, fork, 1, achieved).expires_at,
        Some(local("2026-03-01T06:30", "Europe/Berlin"))
    );
}

#[test]
fn expiry_in_a_dst_fold_takes_the_earlier_instant_and_a_gap_moves_forward() {
    let cases = [
        // 01:30 CDT on 3 Oct 2024; 01:30 on 3 Nov happens twice (CDT, then CST an hour
        // later): the earlier one, so the certification lapses first (fail safe).
        (
            "America/Chicago",
            "2024-10-03T06:30:00Z",
            1,
            "2024-11-03T06:30:00Z",
        ),
        // Achieved in the second 01:30 (CST): a month later is unambiguous.
        (
            "America/Chicago",
            "2024-11-03T07:30:00Z",
            1,
            "2024-12-03T07:30:00Z",
        ),
        // 02:30 CST on 10 Feb; 02:30 on 10 Mar does not exist: past the gap, 03:30 CDT.
        (
            "America/Chicago",
            "2024-02-10T08:30:00Z",
            1,
            "2024-03-10T08:30:00Z",
        ),
        // The same in Berlin: 02:30 on 27 Oct 2024 is CEST first, then CET.
        (
            "Europe/Berlin",
            "2024-09-27T00:30:00Z",
            1,
            "2024-10-27T00:30:00Z",
        ),
        // 02:30 CET on 31 Jan plus two months is 31 Mar, in the gap: 03:30 CEST.
        (
            "Europe/Berlin",
            "2024-01-31T01:30:00Z",
            2,
            "2024-03-31T01:30:00Z",
        ),
    ];
    for (tz, from, months, to) in cases {
        assert_eq!(
            expires_at(utc(from), Some(months), &zone(tz)),
            Some(utc(to)),
            "{from} + {months} months in {tz}"
        );
    }
    let chicago = zone("America/Chicago");
    let fold = expires_at(utc("2024-10-03T06:30:00Z"), Some(1), &chicago).expect("expiry");
    assert_eq!(
        fold.to_zoned(chicago.clone()).offset(),
        jiff::tz::offset(-5),
        "CDT"
    );
    let gap = expires_at(utc("2024-02-10T08:30:00Z"), Some(1), &chicago).expect("expiry");
    assert_eq!(
        gap.to_zoned(chicago).datetime(),
        jiff::civil::date(2024, 3, 10).at(3, 30, 0, 0)
    );
}

#[test]
fn skills_without_validity_never_expire() {
    assert_eq!(expires_at(long_ago(), None, &TimeZone::UTC), None);
    assert_eq!(expires_at(long_ago(), None, &zone("America/Chicago")), None);
    let (w, fork, e) = one_skill(1);
    let cert = w.cert(&e, fork, 1, utc("1990-01-01T00:00:00Z"));
    assert_eq!(cert.expires_at, None);
    let far_future = utc("2090-01-01T00:00:00Z");
    let q = qualify(&w.catalog(), &e, &[cert], None, far_future);
    assert_eq!(q.skill(fork).expect("line").status, Valid);
}

#[test]
fn expiry_from_validity_drives_the_status() {
    let mut w = World::new();
    let fork = w.skill("Forklift", Some(6));
    w.require(fork, 1, everyone());
    let e = w.employee("Pat");
    let cert = w.cert(&e, fork, 1, local("2026-05-31T08:00", "America/Chicago"));
    let exp = local("2026-11-30T08:00", "America/Chicago");
    assert_eq!(cert.expires_at, Some(exp));
    let status_at = |t: Timestamp| {
        let q = qualify(&w.catalog(), &e, std::slice::from_ref(&cert), None, t);
        q.skill(fork).expect("line").status
    };
    assert_eq!(status_at(exp - days(31)), Valid);
    assert_eq!(status_at(exp - days(30)), ExpiringSoon);
    assert_eq!(status_at(exp - secs(1)), ExpiringSoon);
    assert_eq!(status_at(exp), Expired);
    assert_eq!(status_at(exp + days(1000)), Expired);
}

#[test]
fn dates_are_formatted_for_the_line_in_the_sites_timezone() {
    let t = utc("2026-11-04T05:30:00Z");
    assert_eq!(format_date(t, &zone("America/Chicago")), "3 Nov 2026");
    assert_eq!(format_date(t, &TimeZone::UTC), "4 Nov 2026");
    assert_eq!(
        format_date(utc("2026-12-03T15:00:00Z"), &TimeZone::UTC),
        "3 Dec 2026"
    );
}

// ---------------------------------------------------------------------------------------------
// Station verdict
// ---------------------------------------------------------------------------------------------

#[test]
fn a_station_judges_as_if_assigned_to_its_project() {
    let mut w = World::new();
    let line3 = w.project("Line 3");
    let line4 = w.project("Line 4");
    let solder = w.skill("Soldering", None);
    let paint = w.skill("Painting", None);
    let ppe = w.skill("PPE", None);
    w.require(solder, 2, everyone().project(line3));
    w.require(paint, 1, everyone().project(line4));
    w.require(ppe, 1, everyone());
    let press = w.station("Press 4", Some(line3), &[]);
    let e = w.employee("Pat").on_project(line4);

    // Away from the station Line 3 rows don't apply; at it they do, on top of everything else.
    assert_eq!(
        required(&w.qualify(&e, &[])),
        BTreeMap::from([(paint, 1), (ppe, 1)])
    );
    let at_station = w.qualify_at(&e, &[], Some(&press));
    assert_eq!(
        required(&at_station),
        BTreeMap::from([(solder, 2), (paint, 1), (ppe, 1)])
    );
    assert_eq!(
        scopes(at_station.skill(solder).expect("solder")),
        ["Project: Line 3"]
    );

    let certs = [
        w.cert(&e, solder, 2, long_ago()),
        w.cert(&e, paint, 1, long_ago()),
        w.cert(&e, ppe, 1, long_ago()),
    ];
    assert!(w.verdict(&e, &certs, Some(&press)).is_green());
    let v = w.verdict(&e, &certs[1..], Some(&press));
    assert_eq!(v.verdict, Verdict::Red);
    assert_eq!(messages(&v.reasons), ["Soldering — not certified"]);
    // The same employee and certifications are green where Line 3 doesn't matter.
    assert!(w.verdict(&e, &certs[1..], None).is_green());
}

#[test]
fn a_station_on_an_assigned_project_does_not_count_rows_twice() {
    let mut w = World::new();
    let line3 = w.project("Line 3");
    let solder = w.skill("Soldering", None);
    w.require(solder, 2, everyone().project(line3));
    let press = w.station("Press 4", Some(line3), &[]);
    let e = w.employee("Pat").on_project(line3);
    let q = w.qualify_at(&e, &[], Some(&press));
    let line = q.skill(solder).expect("solder");
    assert_eq!(line.sources.len(), 1);
    assert_eq!(line.required_level, Some(2));
}

#[test]
fn a_station_without_project_adds_no_project_rows() {
    let mut w = World::new();
    let line3 = w.project("Line 3");
    let solder = w.skill("Soldering", None);
    let ppe = w.skill("PPE", None);
    w.require(solder, 2, everyone().project(line3));
    w.require(ppe, 1, everyone());
    let bench = w.station("Bench", None, &[]);
    let e = w.employee("Pat");
    let certs = [w.cert(&e, ppe, 1, long_ago())];
    assert_eq!(
        required(&w.qualify_at(&e, &certs, Some(&bench))),
        BTreeMap::from([(ppe, 1)])
    );
    assert!(w.verdict(&e, &certs, Some(&bench)).is_green());
}

#[test]
fn station_extra_skills_are_required_too() {
    let mut w = World::new();
    let line3 = w.project("Line 3");
    let solder = w.skill("Soldering", None);
    let crane = w.skill("Crane", None);
    let gone = w.skill("Retired machine", None);
    w.delete_skill(gone);
    w.require(solder, 1, everyone().project(line3));
    let press = w.station(
        "Press 4",
        Some(line3),
        &[(crane, 2), (solder, 3), (gone, 1)],
    );
    let e = w.employee("Pat");

    let q = w.qualify_at(&e, &[], Some(&press));
    assert_eq!(required(&q), BTreeMap::from([(solder, 3), (crane, 2)]));
    let crane_line = q.skill(crane).expect("crane");
    assert_eq!(
        crane_line.sources,
        [RequirementSource {
            requirement_id: None,
            level: 2,
            scope: "Station: Press 4".into()
        }]
    );
    assert_eq!(
        scopes(q.skill(solder).expect("solder")),
        ["Project: Line 3", "Station: Press 4"]
    );

    let certs = [
        w.cert(&e, solder, 3, long_ago()),
        w.cert(&e, crane, 1, long_ago()),
    ];
    let v = w.verdict(&e, &certs, Some(&press));
    assert_eq!(v.verdict, Verdict::Red);
    assert_eq!(messages(&v.reasons), ["Crane — level 1 of 2 required"]);
    let mut certs = certs.to_vec();
    certs.push(w.cert(&e, crane, 2, long_ago()));
    assert!(w.verdict(&e, &certs, Some(&press)).is_green());
}

#[test]
fn green_when_active_and_every_required_skill_is_valid() {
    let mut w = World::new();
    let fork = w.skill("Forklift", Some(24));
    let ppe = w.skill("PPE", None);
    w.require(fork, 2, everyone());
    w.require(ppe, 1, everyone());
    let e = w.employee("Pat Doe");
    let certs = [
        w.cert(&e, fork, 2, now() - days(100)),
        w.cert(&e, ppe, 1, long_ago()),
    ];
    let (v, q) = station_verdict(&w.catalog(), &e, &certs, None, now());
    assert_eq!(v.verdict, Verdict::Green);
    assert!(v.is_green());
    assert_eq!(v.employee_id, Some(e.id));
    assert_eq!(v.employee_name.as_deref(), Some("Pat Doe"));
    assert!(v.reasons.is_empty());
    assert!(v.warnings.is_empty());
    assert_eq!(
        q,
        w.qualify(&e, &certs),
        "returns the qualification it judged"
    );
}

#[test]
fn nothing_required_is_green_for_an_active_employee() {
    let w = World::new();
    let e = w.employee("Pat");
    assert!(w.verdict(&e, &[], None).is_green());
}

#[test]
fn expiring_soon_is_green_with_a_dated_warning() {
    let mut w = World::new();
    let fork = w.skill("Forklift", Some(12));
    w.require(fork, 1, everyone());
    let e = w.employee("Pat");
    // Twelve months from 3 Dec 2025, ten days after `now`.
    let cert = w.cert(&e, fork, 1, local("2025-12-03T09:00", "America/Chicago"));
    let exp = local("2026-12-03T09:00", "America/Chicago");
    assert_eq!(cert.expires_at, Some(exp));

    let v = w.verdict(&e, &[cert], None);
    assert_eq!(v.verdict, Verdict::Green);
    assert!(v.reasons.is_empty());
    assert_eq!(v.warnings.len(), 1);
    let warning = &v.warnings[0];
    assert_eq!(warning.code, ReasonCode::ExpiringSoon);
    assert_eq!(warning.skill_id, Some(fork));
    assert_eq!(warning.status, Some(ExpiringSoon));
    assert_eq!(warning.date, Some(exp));
    assert_eq!(warning.message, "Forklift — expires 3 Dec 2026");
}

#[test]
fn red_gives_one_readable_reason_per_failing_skill() {
    let mut w = World::new();
    let first_aid = w.skill("First Aid", None);
    let fork = w.skill("Forklift", Some(12));
    let lockout = w.skill("Lockout", None);
    let rev_a = w.revision(lockout, "Rev A", RevisionStatus::Archived, false);
    w.revision(lockout, "Rev B", RevisionStatus::Active, true);
    let press = w.skill("Press Setup", None);
    let ppe = w.skill("PPE", None);
    let soon = w.skill("Crane", Some(12));
    for s in [first_aid, fork, lockout, ppe, soon] {
        w.require(s, 1, everyone());
    }
    w.require(press, 2, everyone());
    let e = w.employee("Pat");
    let fork_cert = w.cert(&e, fork, 1, local("2025-11-03T09:00", "America/Chicago"));
    let certs = [
        // Expired, plus an older, also expired one: still one reason for the skill.
        fork_cert.clone(),
        w.cert(&e, fork, 1, local("2025-06-01T09:00", "America/Chicago")),
        w.cert(&e, lockout, 1, long_ago()).on(rev_a),
        w.cert(&e, press, 1, long_ago()),
        w.cert(&e, ppe, 1, long_ago()),
        w.cert(&e, soon, 1, local("2025-12-03T09:00", "America/Chicago")),
        w.cert(&e, first_aid, 1, long_ago()).revoked(),
    ];
    let v = w.verdict(&e, &certs, None);
    assert_eq!(v.verdict, Verdict::Red);
    assert!(!v.is_green());
    assert_eq!(
        messages(&v.reasons),
        [
            "First Aid — not certified",
            "Forklift — expired 3 Nov 2026",
            "Lockout — Rev B needs retraining",
            "Press Setup — level 1 of 2 required",
        ]
    );
    let in_order: Vec<String> = v.reasons.iter().map(|r| r.message.clone()).collect();
    assert_eq!(
        in_order,
        messages(&v.reasons),
        "reasons in skill-name order"
    );
    let by_skill: BTreeMap<Uuid, &VerdictReason> = v
        .reasons
        .iter()
        .map(|r| (r.skill_id.expect("skill reason"), r))
        .collect();
    assert_eq!(by_skill.len(), 4, "one reason per failing skill");
    for r in &v.reasons {
        assert_eq!(r.code, ReasonCode::Skill);
    }
    assert_eq!(by_skill[&first_aid].status, Some(Missing));
    assert_eq!(by_skill[&fork].status, Some(Expired));
    assert_eq!(by_skill[&fork].date, fork_cert.expires_at);
    assert_eq!(by_skill[&lockout].status, Some(Outdated));
    assert_eq!(by_skill[&press].status, Some(InsufficientLevel));
    // The expiring skill is a warning even on a red screen; the valid one is not mentioned.
    assert_eq!(messages(&v.warnings), ["Crane — expires 3 Dec 2026"]);
}

#[test]
fn the_expiry_date_on_screen_is_the_sites_date() {
    let mut w = World::new();
    let crane = w.skill("Crane", Some(12));
    w.require(crane, 1, everyone());
    let e = w.employee("Pat");
    // 23:30 in Chicago on 3 Nov is 05:30 UTC on 4 Nov.
    let cert = w.cert(&e, crane, 1, local("2025-11-03T23:30", "America/Chicago"));
    assert_eq!(cert.expires_at, Some(utc("2026-11-04T05:30:00Z")));
    let v = w.verdict(&e, &[cert], None);
    assert_eq!(messages(&v.reasons), ["Crane — expired 3 Nov 2026"]);
}

#[test]
fn leave_or_termination_is_amber_even_when_fully_certified() {
    let mut w = World::new();
    let fork = w.skill("Forklift", None);
    w.require(fork, 1, everyone());
    let line3 = w.project("Line 3");
    let press = w.station("Press 4", Some(line3), &[]);
    let active = w.employee("Pat");
    let certs = [w.cert(&active, fork, 1, long_ago())];
    assert!(w.verdict(&active, &certs, Some(&press)).is_green());

    for (status, code) in [
        (EmployeeStatus::Leave, ReasonCode::OnLeave),
        (EmployeeStatus::Terminated, ReasonCode::Terminated),
    ] {
        let e = active.clone().with_status(status);
        for station in [None, Some(&press)] {
            let v = w.verdict(&e, &certs, station);
            assert_eq!(v.verdict, Verdict::Amber, "{status:?}");
            assert!(!v.is_green());
            assert_eq!(v.reasons.len(), 1);
            assert_eq!(v.reasons[0].code, code);
            assert_eq!(v.reasons[0].skill_id, None);
            assert!(!v.reasons[0].message.is_empty());
            assert_eq!(v.employee_id, Some(e.id));
        }
        // Not certified either: still amber (the cause on screen is the status, not a skill).
        let v = w.verdict(&e, &[], None);
        assert_eq!(v.verdict, Verdict::Amber);
        assert_eq!(v.reasons[0].code, code);
    }
}

#[test]
fn unknown_and_replaced_badges_are_amber() {
    for (v, code) in [
        (StationVerdict::unknown_badge(), ReasonCode::UnknownBadge),
        (StationVerdict::badge_replaced(), ReasonCode::BadgeReplaced),
    ] {
        assert_eq!(v.verdict, Verdict::Amber);
        assert!(!v.is_green());
        assert_eq!(v.employee_id, None);
        assert_eq!(v.employee_name, None);
        assert_eq!(v.reasons.len(), 1);
        assert_eq!(v.reasons[0].code, code);
        assert!(!v.reasons[0].message.is_empty());
        assert!(v.warnings.is_empty());
    }
}

#[test]
fn wire_names_are_stable() {
    assert_eq!(Verdict::Green.as_str(), "green");
    assert_eq!(Verdict::Red.as_str(), "red");
    assert_eq!(Verdict::Amber.as_str(), "amber");
    for s in [
        Missing,
        Expired,
        Outdated,
        InsufficientLevel,
        ExpiringSoon,
        Valid,
        Extra,
    ] {
        assert_eq!(SkillStatus::parse(s.as_str()), Some(s));
        assert_eq!(SkillStatus::parse(&s.as_str().to_lowercase()), Some(s));
    }
    assert_eq!(ExpiringSoon.as_str(), "EXPIRING_SOON");
    assert_eq!(InsufficientLevel.as_str(), "INSUFFICIENT_LEVEL");
    assert_eq!(SkillStatus::parse("GREEN"), None);
}

// ---------------------------------------------------------------------------------------------
// Properties over random small sites
// ---------------------------------------------------------------------------------------------

const SITES: usize = 2;
const DEPARTMENTS: usize = 2;
const ROLES: usize = 2;
const PROJECTS: usize = 3;

#[derive(Debug, Clone)]
struct SkillSpec {
    validity: Option<u32>,
    deleted: bool,
    /// One entry per revision: whether it requires retraining, and whether it was skipped
    /// (left a draft while a later one was activated).
    revisions: Vec<(bool, bool)>,
    /// Index of the active revision; earlier ones are archived (or skipped drafts), later
    /// ones drafts.
    active: Option<usize>,
}

#[derive(Debug, Clone)]
struct RowSpec {
    skill: usize,
    level: u8,
    site: Option<usize>,
    department: Option<usize>,
    role: Option<usize>,
    project: Option<usize>,
    deleted: bool,
}

/// When a certification was achieved, relative to `now`.
#[derive(Debug, Clone, Copy)]
enum When {
    /// This many seconds ago.
    Ago(i64),
    /// So that it expires this many seconds after `now` (before, if negative); for a skill
    /// without validity, that long ago.
    ExpiresIn(i64),
}

#[derive(Debug, Clone)]
struct CertSpec {
    skill: usize,
    level: u8,
    when: When,
    /// `None`: no revision; `Some(i)` beyond the skill's revisions: the active one.
    revision: Option<usize>,
    revoked: bool,
    deleted: bool,
    colleague: bool,
}

#[derive(Debug, Clone)]
struct EmployeeSpec {
    site: usize,
    department: Option<usize>,
    role: Option<usize>,
    projects: Vec<usize>,
    status: EmployeeStatus,
}

#[derive(Debug, Clone)]
struct StationSpec {
    project: Option<usize>,
    extras: Vec<(usize, u8)>,
}

#[derive(Debug, Clone)]
struct Scenario {
    skills: Vec<SkillSpec>,
    rows: Vec<RowSpec>,
    certs: Vec<CertSpec>,
    employee: EmployeeSpec,
    station: Option<StationSpec>,
    now_days: i64,
    warning_days: u32,
    /// Effective date (days from `now()`, or none) and grace days, handed to the revisions
    /// in turn.
    graces: Vec<(Option<i64>, u32)>,
}

fn skill_spec() -> impl Strategy<Value = SkillSpec> {
    (
        prop::option::of(prop_oneof![Just(1u32), Just(6), Just(12), Just(24)]),
        prop::bool::weighted(0.1),
        prop::collection::vec((any::<bool>(), prop::bool::weighted(0.3)), 0..=3),
        prop::option::of(0usize..3),
    )
        .prop_map(|(validity, deleted, revisions, active)| SkillSpec {
            validity,
            deleted,
            revisions,
            active,
        })
}

fn row_spec() -> impl Strategy<Value = RowSpec> {
    (
        0usize..4,
        1u8..=3,
        prop::option::weighted(0.3, 0..SITES),
        prop::option::weighted(0.3, 0..DEPARTMENTS),
        prop::option::weighted(0.3, 0..ROLES),
        prop::option::weighted(0.3, 0..PROJECTS),
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(skill, level, site, department, role, project, deleted)| RowSpec {
                skill,
                level,
                site,
                department,
                role,
                project,
                deleted,
            },
        )
}

fn cert_spec() -> impl Strategy<Value = CertSpec> {
    (
        0usize..4,
        1u8..=3,
        // Spread over a few years, or expiring around `now` (inside and outside the window).
        prop_oneof![
            (0i64..900 * 86_400).prop_map(When::Ago),
            (-20i64 * 86_400..40 * 86_400).prop_map(When::ExpiresIn),
        ],
        prop::option::of(0usize..4),
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.1),
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(skill, level, when, revision, revoked, deleted, colleague)| CertSpec {
                skill,
                level,
                when,
                revision,
                revoked,
                deleted,
                colleague,
            },
        )
}

fn employee_spec() -> impl Strategy<Value = EmployeeSpec> {
    (
        0..SITES,
        prop::option::of(0..DEPARTMENTS),
        prop::option::of(0..ROLES),
        prop::collection::vec(0..PROJECTS, 0..=3),
        prop_oneof![
            6 => Just(EmployeeStatus::Active),
            1 => Just(EmployeeStatus::Leave),
            1 => Just(EmployeeStatus::Terminated),
        ],
    )
        .prop_map(|(site, department, role, projects, status)| EmployeeSpec {
            site,
            department,
            role,
            projects,
            status,
        })
}

fn station_spec() -> impl Strategy<Value = StationSpec> {
    (
        prop::option::of(0..PROJECTS),
        prop::collection::vec((0usize..4, 1u8..=3), 0..=2),
    )
        .prop_map(|(project, extras)| StationSpec { project, extras })
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        prop::collection::vec(skill_spec(), 1..=4),
        prop::collection::vec(row_spec(), 0..=10),
        prop::collection::vec(cert_spec(), 0..=8),
        employee_spec(),
        prop::option::of(station_spec()),
        -400i64..400,
        prop_oneof![Just(DEFAULT_WARNING_DAYS), 0u32..=45],
        prop::collection::vec(
            (
                prop::option::weighted(0.8, -420i64..420),
                prop_oneof![Just(0u32), 1u32..=120],
            ),
            0..=6,
        ),
    )
        .prop_map(
            |(skills, rows, certs, employee, station, now_days, warning_days, graces)| Scenario {
                skills,
                rows,
                certs,
                employee,
                station,
                now_days,
                warning_days,
                graces,
            },
        )
}

/// A scenario turned into records.
#[derive(Debug, Clone)]
struct Built {
    w: World,
    sites: Vec<Uuid>,
    departments: Vec<Uuid>,
    roles: Vec<Uuid>,
    projects: Vec<Uuid>,
    skills: Vec<Uuid>,
    employee: Employee,
    certs: Vec<Certification>,
    station: Option<Station>,
    now: Timestamp,
}

impl Built {
    fn row(&self, spec: &RowSpec) -> (Uuid, u8, Scope) {
        let scope = Scope {
            site: spec.site.map(|i| self.sites[i]),
            department: spec.department.map(|i| self.departments[i]),
            role: spec.role.map(|i| self.roles[i]),
            project: spec.project.map(|i| self.projects[i]),
        };
        (
            self.skills[spec.skill % self.skills.len()],
            spec.level,
            scope,
        )
    }

    fn qualify(
        &self,
        employee: &Employee,
        certs: &[Certification],
        now: Timestamp,
    ) -> Qualification {
        qualify(
            &self.w.catalog(),
            employee,
            certs,
            self.station.as_ref(),
            now,
        )
    }

    fn verdict(
        &self,
        employee: &Employee,
        certs: &[Certification],
        now: Timestamp,
    ) -> StationVerdict {
        station_verdict(
            &self.w.catalog(),
            employee,
            certs,
            self.station.as_ref(),
            now,
        )
        .0
    }
}

fn build(s: &Scenario) -> Built {
    let mut w = World::new();
    w.set_warning_days(w.home, s.warning_days);
    let sites = vec![w.home, w.site("Berlin", "Europe/Berlin", 14)];
    let departments = vec![w.department("Molding"), w.department("Assembly")];
    let roles = vec![w.role("Technician"), w.role("Operator")];
    let projects = vec![
        w.project("Line 1"),
        w.project("Line 2"),
        w.project("Line 3"),
    ];
    let mut skills = Vec::new();
    for (i, k) in s.skills.iter().enumerate() {
        let id = w.skill(&format!("Skill {i}"), k.validity);
        for (j, &(retrain, skipped)) in k.revisions.iter().enumerate() {
            let status = match k.active {
                Some(a) if j < a && skipped => RevisionStatus::Draft,
                Some(a) if j < a => RevisionStatus::Archived,
                Some(a) if j == a => RevisionStatus::Active,
                _ => RevisionStatus::Draft,
            };
            let rev = w.revision(
                id,
                &format!("Rev {}", char::from(b'A' + j as u8)),
                status,
                retrain,
            );
            if !s.graces.is_empty() {
                let (effective, grace) = s.graces[(i * 3 + j) % s.graces.len()];
                let effective = effective.map(|d| (now() + days(d)).to_zoned(TimeZone::UTC).date());
                w.grace(id, rev, effective, grace);
            }
        }
        if k.deleted {
            w.delete_skill(id);
        }
        skills.push(id);
    }
    let mut built = Built {
        employee: w.employee("Pat"),
        w,
        sites,
        departments,
        roles,
        projects,
        skills,
        certs: Vec::new(),
        station: None,
        now: now() + days(s.now_days),
    };
    for r in &s.rows {
        let (skill, level, scope) = built.row(r);
        let id = built.w.require(skill, level, scope);
        if r.deleted {
            built.w.delete_row(id);
        }
    }
    let e = &mut built.employee;
    e.site_id = built.sites[s.employee.site];
    e.department_id = s.employee.department.map(|i| built.departments[i]);
    e.role_id = s.employee.role.map(|i| built.roles[i]);
    e.project_ids = s
        .employee
        .projects
        .iter()
        .map(|&i| built.projects[i])
        .collect();
    e.status = s.employee.status;
    let colleague = built.w.employee("Colleague");
    for c in &s.certs {
        let who = if c.colleague {
            &colleague
        } else {
            &built.employee
        };
        let skill = built.skills[c.skill % built.skills.len()];
        let validity = built.w.catalog.skills[&skill].validity_months;
        let achieved = match (c.when, validity) {
            (When::Ago(s), _) => built.now - secs(s),
            (When::ExpiresIn(s), None) => built.now - secs(s.abs()),
            (When::ExpiresIn(s), Some(months)) => (built.now + secs(s))
                .to_zoned(built.w.catalog.zone(who.site_id))
                .checked_sub(jiff::Span::new().months(months))
                .expect("in range")
                .timestamp(),
        };
        let mut cert = built.w.cert(who, skill, c.level, achieved);
        let revisions = built.w.revisions(skill);
        match c.revision {
            None => cert.revision_id = None,
            Some(i) if i < revisions.len() => cert.revision_id = Some(revisions[i].id),
            Some(_) => {}
        }
        if c.revoked {
            cert = cert.revoked();
        }
        if c.deleted {
            cert = cert.deleted();
        }
        built.certs.push(cert);
    }
    built.station = s.station.as_ref().map(|st| {
        let extras: Vec<(Uuid, u8)> = st
            .extras
            .iter()
            .map(|&(i, level)| (built.skills[i % built.skills.len()], level))
            .collect();
        built
            .w
            .station("Press 4", st.project.map(|i| built.projects[i]), &extras)
    });
    built
}

/// Skill -> (required level, status) of every line.
fn statuses(q: &Qualification) -> BTreeMap<Uuid, (Option<u8>, SkillStatus)> {
    q.skills
        .iter()
        .map(|l| (l.skill_id, (l.required_level, l.status)))
        .collect()
}

/// The contract read literally, without the engine's index: per required skill, the level,
/// the contributing sources, and the best status over live certifications.
fn oracle(
    b: &Built,
    employee: &Employee,
    certs: &[Certification],
    now: Timestamp,
) -> BTreeMap<Uuid, (u8, usize, SkillStatus)> {
    let catalog = &b.w.catalog;
    let live = |skill: &Uuid| catalog.skills[skill].deleted_at.is_none();
    let mut projects = employee.project_ids.clone();
    projects.extend(b.station.as_ref().and_then(|s| s.project_id));
    let mut demands: BTreeMap<Uuid, (u8, usize)> = BTreeMap::new();
    for row in &b.w.rows {
        let applies = row.deleted_at.is_none()
            && live(&row.skill_id)
            && row.site_id.is_none_or(|s| s == employee.site_id)
            && row
                .department_id
                .is_none_or(|d| Some(d) == employee.department_id)
            && row.role_id.is_none_or(|r| Some(r) == employee.role_id)
            && row.project_id.is_none_or(|p| projects.contains(&p));
        if applies {
            let d = demands.entry(row.skill_id).or_default();
            d.0 = d.0.max(row.level);
            d.1 += 1;
        }
    }
    for extra in b.station.iter().flat_map(|s| &s.extra_skills) {
        if live(&extra.skill_id) {
            let d = demands.entry(extra.skill_id).or_default();
            d.0 = d.0.max(extra.level);
            d.1 += 1;
        }
    }
    let warning = days(i64::from(catalog.sites[&employee.site_id].warning_days));
    let site_zone = catalog.zone(employee.site_id);
    // A revision's grace has ended when there is none, or at 00:00 site time on the day
    // `grace_days` after its effective date.
    let grace_over = |r: &SkillRevision| {
        r.grace_days == 0
            || r.effective_date.is_none_or(|d| {
                let end = d + jiff::Span::new().days(i64::from(r.grace_days));
                end.to_zoned(site_zone.clone()).expect("zoned").timestamp() <= now
            })
    };
    demands
        .into_iter()
        .map(|(skill, (level, sources))| {
            let revisions = b.w.revisions(skill);
            let active = revisions
                .iter()
                .find(|r| r.status == RevisionStatus::Active);
            let status = certs
                .iter()
                .filter(|c| c.skill_id == skill && c.employee_id == employee.id)
                .filter(|c| c.revoked.is_none() && c.deleted_at.is_none())
                .map(|c| {
                    let certified_seq = revisions
                        .iter()
                        .find(|r| Some(r.id) == c.revision_id)
                        .map_or(0, |r| r.sequence);
                    // Revisions in force now or before (archived ones were active), after
                    // the certified one, up to the active one, that require retraining;
                    // drafts never count.
                    let retrain: Vec<&SkillRevision> = revisions
                        .iter()
                        .filter(|r| {
                            active.is_some_and(|a| {
                                r.requires_retraining
                                    && r.status != RevisionStatus::Draft
                                    && r.sequence > certified_seq
                                    && r.sequence <= a.sequence
                            })
                        })
                        .collect();
                    if c.expires_at.is_some_and(|x| x <= now) {
                        Expired
                    } else if retrain.iter().any(|r| grace_over(r)) {
                        Outdated
                    } else if c.level < level {
                        InsufficientLevel
                    } else if !retrain.is_empty() {
                        RetrainingDue
                    } else if c
                        .expires_at
                        .is_some_and(|x| now.duration_until(x) <= warning)
                    {
                        ExpiringSoon
                    } else {
                        Valid
                    }
                })
                .max()
                .unwrap_or(Missing);
            (skill, (level, sources, status))
        })
        .collect()
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// `after` is no better than `before` on every skill required in both.
fn no_better(
    before: &BTreeMap<Uuid, (Option<u8>, SkillStatus)>,
    after: &BTreeMap<Uuid, (Option<u8>, SkillStatus)>,
) -> Result<(), TestCaseError> {
    for (skill, (level, status)) in after {
        if let (Some(_), Some((Some(_), was))) = (level, before.get(skill)) {
            prop_assert!(status <= was, "{skill}: {was:?} became {status:?}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    /// The engine agrees with the contract read literally: which skills are required, at what
    /// level, from how many rows, with what status; the required level is the maximum over
    /// the sources; the matrix view and the index agree too.
    #[test]
    fn the_engine_agrees_with_the_contract(s in scenario()) {
        let b = build(&s);
        let q = b.qualify(&b.employee, &b.certs, b.now);
        let want = oracle(&b, &b.employee, &b.certs, b.now);

        let got: BTreeMap<Uuid, (u8, usize, SkillStatus)> = q
            .skills
            .iter()
            .filter_map(|l| l.required_level.map(|lvl| (l.skill_id, (lvl, l.sources.len(), l.status))))
            .collect();
        prop_assert_eq!(&got, &want);

        let mut seen = BTreeSet::new();
        for line in &q.skills {
            prop_assert!(seen.insert(line.skill_id), "one line per skill");
            match line.required_level {
                Some(level) => {
                    prop_assert_ne!(line.status, Extra);
                    let max = line.sources.iter().map(|s| s.level).max();
                    prop_assert_eq!(Some(level), max, "required level is the max over sources");
                }
                None => {
                    prop_assert_eq!(line.status, Extra);
                    prop_assert!(line.sources.is_empty());
                    // Extra only for a live certification of the employee's in a live skill.
                    prop_assert!(b.w.catalog.skills[&line.skill_id].deleted_at.is_none());
                    prop_assert!(b.certs.iter().any(|c| c.skill_id == line.skill_id
                        && c.employee_id == b.employee.id
                        && c.is_live()));
                }
            }
        }
        // Every live certified skill of the employee in a live skill has a line.
        for c in b.certs.iter().filter(|c| c.is_live() && c.employee_id == b.employee.id) {
            if b.w.catalog.skills[&c.skill_id].deleted_at.is_none() {
                prop_assert!(q.skill(c.skill_id).is_some());
            }
        }

        // The matrix view (no station) judges the same.
        let catalog = b.w.catalog();
        let plain = qualify(&catalog, &b.employee, &b.certs, None, b.now);
        let matrix: BTreeMap<Uuid, (Option<u8>, SkillStatus)> =
            judge_skills(&catalog, &b.employee, &b.certs, b.now)
                .iter()
                .map(|j| (j.skill.id, (j.required_level, j.status)))
                .collect();
        prop_assert_eq!(matrix, statuses(&plain));

        // The index finds exactly the live rows whose selectors all match.
        let rows: Vec<Uuid> = catalog
            .requirements
            .applicable(b.employee.site_id, b.employee.department_id, b.employee.role_id, &b.employee.project_ids)
            .map(|r| r.id)
            .collect();
        let unique: BTreeSet<Uuid> = rows.iter().copied().collect();
        prop_assert_eq!(rows.len(), unique.len(), "no row twice");
        let naive: BTreeSet<Uuid> = b.w.rows.iter().filter(|r| {
            r.deleted_at.is_none()
                && r.site_id.is_none_or(|x| x == b.employee.site_id)
                && r.department_id.is_none_or(|x| Some(x) == b.employee.department_id)
                && r.role_id.is_none_or(|x| Some(x) == b.employee.role_id)
                && r.project_id.is_none_or(|x| b.employee.project_ids.contains(&x))
        }).map(|r| r.id).collect();
        prop_assert_eq!(unique, naive);
        prop_assert_eq!(catalog.requirements.len(), b.w.rows.iter().filter(|r| r.deleted_at.is_none()).count());
    }

    /// GREEN iff active and every required line is VALID or EXPIRING_SOON; AMBER iff not
    /// active; one reason per failing line and one warning per expiring line.
    #[test]
    fn green_iff_active_and_every_required_skill_ok(s in scenario()) {
        let b = build(&s);
        let (v, q) = station_verdict(&b.w.catalog(), &b.employee, &b.certs, b.station.as_ref(), b.now);
        prop_assert_eq!(&q, &b.qualify(&b.employee, &b.certs, b.now));
        let required: Vec<&SkillQualification> =
            q.skills.iter().filter(|l| l.required_level.is_some()).collect();
        let all_ok = required
            .iter()
            .all(|l| matches!(l.status, Valid | ExpiringSoon | RetrainingDue));
        let active = b.employee.status == EmployeeStatus::Active;
        prop_assert_eq!(v.is_green(), active && all_ok);
        prop_assert_eq!(v.verdict == Verdict::Amber, !active);
        prop_assert_eq!(v.verdict == Verdict::Red, active && !all_ok);
        if active {
            let failing: BTreeSet<Uuid> = required
                .iter()
                .filter(|l| !l.status.is_ok())
                .map(|l| l.skill_id)
                .collect();
            let reasons: Vec<Uuid> = v.reasons.iter().map(|r| r.skill_id.expect("skill")).collect();
            prop_assert_eq!(reasons.len(), failing.len());
            prop_assert_eq!(reasons.into_iter().collect::<BTreeSet<_>>(), failing);
            let expiring = required
                .iter()
                .filter(|l| matches!(l.status, ExpiringSoon | RetrainingDue))
                .count();
            prop_assert_eq!(v.warnings.len(), expiring);
            for r in &v.reasons {
                prop_assert!(r.message.starts_with(&q.skill(r.skill_id.expect("skill")).expect("line").skill_name));
                prop_assert!(r.message.contains(" — "));
            }
        } else {
            prop_assert_eq!(v.reasons.len(), 1);
            prop_assert!(v.warnings.is_empty());
        }
    }

    /// Adding a requirement row never makes any required skill better and never turns a
    /// non-green verdict green.
    #[test]
    fn adding_a_requirement_row_never_helps(s in scenario(), extra in row_spec()) {
        let b = build(&s);
        let before_q = statuses(&b.qualify(&b.employee, &b.certs, b.now));
        let before_v = b.verdict(&b.employee, &b.certs, b.now);
        let mut more = b.clone();
        let (skill, level, scope) = more.row(&extra);
        more.w.require(skill, level, scope);
        let after_q = statuses(&more.qualify(&more.employee, &more.certs, more.now));
        let after_v = more.verdict(&more.employee, &more.certs, more.now);
        for (skill, (level, _)) in &before_q {
            if let Some(level) = level {
                let after = after_q.get(skill).and_then(|a| a.0);
                prop_assert!(after.is_some_and(|a| a >= *level), "still required, at least as high");
            }
        }
        no_better(&before_q, &after_q)?;
        if !before_v.is_green() {
            prop_assert!(!after_v.is_green());
        }
    }

    /// Revoking (or deleting) a certification never makes any skill better, never turns a
    /// non-green verdict green, and never changes what is required.
    #[test]
    fn revoking_a_certification_never_helps(s in scenario(), pick in any::<prop::sample::Index>()) {
        let b = build(&s);
        if b.certs.is_empty() {
            return Ok(());
        }
        let i = pick.index(b.certs.len());
        let before_q = statuses(&b.qualify(&b.employee, &b.certs, b.now));
        let before_v = b.verdict(&b.employee, &b.certs, b.now);
        let mut revoked = b.certs.clone();
        revoked[i] = revoked[i].clone().revoked();
        let mut deleted = b.certs.clone();
        deleted[i] = deleted[i].clone().deleted();
        let after_q = statuses(&b.qualify(&b.employee, &revoked, b.now));
        prop_assert_eq!(&after_q, &statuses(&b.qualify(&b.employee, &deleted, b.now)));
        for (skill, (level, status)) in &after_q {
            let was = before_q.get(skill);
            prop_assert!(was.is_some(), "no new line");
            let (was_level, was_status) = was.expect("line");
            prop_assert_eq!(level, was_level);
            prop_assert!(status <= was_status);
        }
        for (skill, (level, _)) in &before_q {
            if level.is_some() {
                prop_assert!(after_q.contains_key(skill), "required skills stay");
            }
        }
        if !before_v.is_green() {
            prop_assert!(!b.verdict(&b.employee, &revoked, b.now).is_green());
        }
    }

    /// Raising a certification's achieved level never makes any skill worse and never turns
    /// a green verdict non-green.
    #[test]
    fn raising_an_achieved_level_never_hurts(s in scenario(), pick in any::<prop::sample::Index>(), by in 1u8..=2) {
        let b = build(&s);
        if b.certs.is_empty() {
            return Ok(());
        }
        let i = pick.index(b.certs.len());
        let before_q = statuses(&b.qualify(&b.employee, &b.certs, b.now));
        let before_v = b.verdict(&b.employee, &b.certs, b.now);
        let mut raised = b.certs.clone();
        raised[i].level += by;
        let after_q = statuses(&b.qualify(&b.employee, &raised, b.now));
        prop_assert_eq!(before_q.keys().collect::<Vec<_>>(), after_q.keys().collect::<Vec<_>>());
        no_better(&after_q, &before_q)?;
        if before_v.is_green() {
            prop_assert!(b.verdict(&b.employee, &raised, b.now).is_green());
        }
    }

    /// Time only makes things worse: a later `now` never improves any skill and never turns
    /// a non-green verdict green — in particular no status turns green later because a
    /// retraining grace period has passed.
    #[test]
    fn later_never_improves(s in scenario(), later_days in 0i64..800, later_secs in 0i64..86_400) {
        let b = build(&s);
        let later = b.now + days(later_days) + secs(later_secs);
        let before_q = statuses(&b.qualify(&b.employee, &b.certs, b.now));
        let after_q = statuses(&b.qualify(&b.employee, &b.certs, later));
        prop_assert_eq!(before_q.keys().collect::<Vec<_>>(), after_q.keys().collect::<Vec<_>>());
        no_better(&before_q, &after_q)?;
        // A certification that never expires is judged the same at any time, except that a
        // retraining grace period may end: the old revision is then OUTDATED, never back,
        // whether it was judged RETRAINING_DUE or (too low a level, checked while the grace
        // still ran) INSUFFICIENT_LEVEL before; and where the person also holds a lower
        // certification on the current revision, that one (INSUFFICIENT_LEVEL) is then the
        // best they have. Red either way.
        let timeless: Vec<Certification> = b.certs.iter().filter(|c| c.expires_at.is_none()).cloned().collect();
        let then = statuses(&b.qualify(&b.employee, &timeless, b.now));
        let after = statuses(&b.qualify(&b.employee, &timeless, later));
        prop_assert_eq!(then.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
        for (skill, (level, was)) in &then {
            let (_, now_status) = after[skill];
            prop_assert!(
                now_status == *was
                    || (matches!(*was, RetrainingDue | InsufficientLevel)
                        && matches!(now_status, Outdated | InsufficientLevel)),
                "{skill} at level {level:?}: {was:?} became {now_status:?}"
            );
        }
        if !b.verdict(&b.employee, &b.certs, b.now).is_green() {
            prop_assert!(!b.verdict(&b.employee, &b.certs, later).is_green());
        }
    }

    /// At a station bound to project P the employee is judged exactly as if assigned to P.
    #[test]
    fn a_station_judges_as_if_assigned(s in scenario(), project in 0..PROJECTS) {
        let b = build(&s);
        let p = b.projects[project];
        let station = b.w.station("Press 4", Some(p), &[]);
        let catalog = b.w.catalog();
        let (at_v, at_q) = station_verdict(&catalog, &b.employee, &b.certs, Some(&station), b.now);
        let mut assigned = b.employee.clone();
        assigned.project_ids.push(p);
        let (as_v, as_q) = station_verdict(&catalog, &assigned, &b.certs, None, b.now);
        prop_assert_eq!(statuses(&at_q), statuses(&as_q));
        prop_assert_eq!(at_v.verdict, as_v.verdict);
        prop_assert_eq!(messages(&at_v.reasons), messages(&as_v.reasons));
    }

    /// Activating a draft later than the active revision (the only activation the service
    /// allows) never makes any skill better and never turns a non-green verdict green.
    #[test]
    fn activating_a_later_revision_never_helps(s in scenario(), pick in any::<prop::sample::Index>()) {
        let b = build(&s);
        let mut later = Vec::new();
        for &skill in &b.skills {
            let revisions = b.w.revisions(skill);
            let active = revisions
                .iter()
                .find(|r| r.status == RevisionStatus::Active)
                .map_or(0, |r| r.sequence);
            for r in revisions {
                if r.status == RevisionStatus::Draft && r.sequence > active {
                    later.push((skill, r.id));
                }
            }
        }
        if later.is_empty() {
            return Ok(());
        }
        let (skill, draft) = later[pick.index(later.len())];
        let before_q = statuses(&b.qualify(&b.employee, &b.certs, b.now));
        let before_v = b.verdict(&b.employee, &b.certs, b.now);
        let mut after = b.clone();
        after.w.activate(skill, draft);
        let after_q = statuses(&after.qualify(&after.employee, &after.certs, after.now));
        prop_assert_eq!(before_q.keys().collect::<Vec<_>>(), after_q.keys().collect::<Vec<_>>());
        no_better(&before_q, &after_q)?;
        if !before_v.is_green() {
            prop_assert!(!after.verdict(&after.employee, &after.certs, after.now).is_green());
        }
    }

    /// A draft, wherever it sits among a skill's revisions and whatever it asks, changes
    /// nothing: not a status, not a label, not a verdict.
    #[test]
    fn a_draft_never_changes_anything(
        s in scenario(),
        pick in any::<prop::sample::Index>(),
        position in 0usize..=3,
        retrain in any::<bool>(),
    ) {
        let b = build(&s);
        let skill = b.skills[pick.index(b.skills.len())];
        let mut more = b.clone();
        more.w.insert_draft(skill, position, retrain);
        prop_assert_eq!(
            b.qualify(&b.employee, &b.certs, b.now),
            more.qualify(&more.employee, &more.certs, more.now)
        );
        prop_assert_eq!(
            b.verdict(&b.employee, &b.certs, b.now),
            more.verdict(&more.employee, &more.certs, more.now)
        );
    }

    /// The order of records and colleagues' certifications don't matter.
    #[test]
    fn order_and_colleagues_do_not_matter(s in scenario()) {
        let b = build(&s);
        let q = b.qualify(&b.employee, &b.certs, b.now);
        let v = b.verdict(&b.employee, &b.certs, b.now);

        let mut shuffled = b.clone();
        shuffled.w.rows.reverse();
        let mut certs = b.certs.clone();
        certs.reverse();
        let q2 = shuffled.qualify(&b.employee, &certs, b.now);
        prop_assert_eq!(statuses(&q), statuses(&q2));
        prop_assert_eq!(v.verdict, shuffled.verdict(&b.employee, &certs, b.now).verdict);

        let mine: Vec<Certification> =
            b.certs.iter().filter(|c| c.employee_id == b.employee.id).cloned().collect();
        prop_assert_eq!(q, b.qualify(&b.employee, &mine, b.now));
    }
}
