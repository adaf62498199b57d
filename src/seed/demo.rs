//! The demo data set: two sites, five skills, a dozen people and every qualification status,
//! created through the service layer so it is validated and audited like real data.

use std::fmt;

use jiff::Timestamp;
use uuid::Uuid;

use crate::domain::*;
use crate::service::*;
use crate::store::{Actor, Store};

/// A demo login.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// Email.
    pub email: String,
    /// Password (demo only).
    pub password: String,
    /// Role.
    pub role: AppRole,
}

/// A demo station with its key (shown once, so the summary is the only place it appears).
#[derive(Debug, Clone)]
pub struct DemoStation {
    /// Station name.
    pub name: String,
    /// Its API key.
    pub key: String,
}

/// An employee worth trying at a kiosk or with `caliber check`.
#[derive(Debug, Clone)]
pub struct DemoEmployee {
    /// Employee number.
    pub number: String,
    /// Name.
    pub name: String,
    /// Badge token.
    pub badge_token: String,
    /// What they demonstrate.
    pub shows: String,
}

/// What `seed_demo` created.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// Logins with passwords.
    pub logins: Vec<DemoLogin>,
    /// Stations with keys.
    pub stations: Vec<DemoStation>,
    /// Notable employees.
    pub employees: Vec<DemoEmployee>,
    /// Number of employees.
    pub employee_count: usize,
    /// Number of certifications.
    pub certification_count: usize,
}

impl fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} employees, {} certifications",
            self.employee_count, self.certification_count
        )?;
        writeln!(f, "Demo logins:")?;
        for l in &self.logins {
            writeln!(
                f,
                "  {:<14} {:<28} {}",
                l.role.as_str(),
                l.email,
                l.password
            )?;
        }
        writeln!(f, "Stations and their kiosk keys:")?;
        for s in &self.stations {
            writeln!(f, "  {:<20} {}", s.name, s.key)?;
        }
        writeln!(f, "Employees to try (number, badge token, what they show):")?;
        for e in &self.employees {
            writeln!(
                f,
                "  {:<6} {:<20} {}  {}",
                e.number, e.name, e.badge_token, e.shows
            )?;
        }
        Ok(())
    }
}

/// A refusal to seed a store that already has people in it.
fn not_empty() -> ServiceError {
    ServiceError::Conflict(
        "the store already has employees; demo data goes into an empty store".into(),
    )
}

struct Seeder<'a> {
    store: &'a Store,
    actor: Actor,
    now: Timestamp,
    certs: usize,
}

impl Seeder<'_> {
    fn skill(
        &self,
        code: &str,
        name: &str,
        desc: &str,
        max: u8,
        months: Option<u32>,
    ) -> Result<Skill> {
        create(
            self.store,
            &self.actor,
            SkillInput {
                code: code.into(),
                name: name.into(),
                description: desc.into(),
                max_level: max,
                validity_months: months,
                needs_approval: None,
            },
        )
    }

    fn require(
        &self,
        skill: &Skill,
        level: u8,
        scope: (Option<Uuid>, Option<Uuid>, Option<Uuid>, Option<Uuid>),
    ) -> Result<Requirement> {
        create(
            self.store,
            &self.actor,
            RequirementInput {
                skill_id: skill.id,
                level,
                site_id: scope.0,
                department_id: scope.1,
                role_id: scope.2,
                project_id: scope.3,
            },
        )
    }

    /// Certify `days_ago` days before `now`.
    fn certify(
        &mut self,
        trainer: &str,
        e: &Employee,
        s: &Skill,
        level: u8,
        days_ago: i64,
        revision: Option<Uuid>,
    ) -> Result<Certification> {
        self.certs += 1;
        let achieved_at = self
            .now
            .checked_sub(jiff::SignedDuration::from_hours(24 * days_ago))
            .map_err(|e| ServiceError::invalid("achieved_at", e.to_string()))?;
        certify(
            self.store,
            &Actor::named(trainer),
            CertifyInput {
                employee_id: e.id,
                skill_id: s.id,
                level,
                achieved_at: Some(achieved_at),
                revision_id: revision,
                notes: format!("Practical assessment passed at level {level}."),
                attachments: vec![],
                assessor: None,
            },
        )
    }
}

/// Fill an empty store with the demo site; `now` anchors every date so each status occurs.
pub fn seed_demo(store: &Store, now: Timestamp) -> Result<DemoSummary> {
    if store.read()?.count::<Employee>()? > 0 {
        return Err(not_empty());
    }
    let mut sd = Seeder {
        store,
        actor: Actor::named("seed"),
        now,
        certs: 0,
    };
    let a = sd.actor.clone();

    let site = |code: &str, name: &str, tz: &str| -> Result<Site> {
        create(
            store,
            &a,
            SiteInput {
                code: code.into(),
                name: name.into(),
                timezone: tz.into(),
                warning_days: Some(30),
            },
        )
    };
    let austin = site("ATX-01", "Austin", "America/Chicago")?;
    let detroit = site("DTR-01", "Detroit", "America/Detroit")?;
    let dept = |name: &str| -> Result<Department> {
        create(store, &a, DepartmentInput { name: name.into() })
    };
    let molding = dept("Molding")?;
    let assembly = dept("Assembly")?;
    let quality = dept("Quality")?;
    let logistics = dept("Logistics")?;
    let role = |name: &str| -> Result<Role> { create(store, &a, RoleInput { name: name.into() }) };
    let operator = role("Machine Operator")?;
    let technician = role("Technician")?;
    let driver = role("Forklift Driver")?;
    let inspector = role("Quality Inspector")?;
    let lead = role("Team Lead")?;
    let project = |code: &str, name: &str, site: &Site| -> Result<Project> {
        create(
            store,
            &a,
            ProjectInput {
                code: code.into(),
                name: name.into(),
                site_id: site.id,
            },
        )
    };
    let atx_l1 = project("ATX-L1", "ATX Line 1 Injection", &austin)?;
    let atx_l2 = project("ATX-L2", "ATX Line 2 Assembly", &austin)?;
    let dtr_l1 = project("DTR-L1", "DTR Line 1 Molding", &detroit)?;
    let dtr_wh = project("DTR-WH", "DTR Warehouse", &detroit)?;

    // Skills of the plan.
    let safety = sd.skill(
        "SAFE",
        "Safety Protocols",
        "Plant safety rules, lockout/tagout, PPE.",
        1,
        Some(12),
    )?;
    let forklift = sd.skill(
        "FORK",
        "Forklift Operation",
        "Counterbalance forklift, class 4/5.",
        1,
        Some(12),
    )?;
    let molding_skill = sd.skill(
        "MOLD",
        "Injection Molding",
        "Set-up and operation of injection presses: L1 operate, L2 changeover, L3 process tuning.",
        3,
        Some(24),
    )?;
    let inspection = sd.skill(
        "QINS",
        "Quality Inspection",
        "Visual and gauge inspection: L1 visual, L2 gauges and SPC.",
        2,
        Some(6),
    )?;
    let first_aid = sd.skill(
        "FAID",
        "First Aid",
        "Workplace first aid responder.",
        1,
        Some(12),
    )?;

    let rev_a = create_revision(
        store,
        &a,
        safety.id,
        RevisionInput {
            label: "Rev A".into(),
            change_log: "Initial safety programme.".into(),
            effective_date: None,
            requires_retraining: false,
            grace_days: 0,
            status: Some(RevisionStatus::Active),
        },
    )?;

    // Requirements at every scope.
    sd.require(&safety, 1, (None, None, None, None))?;
    sd.require(&first_aid, 1, (Some(detroit.id), None, None, None))?;
    sd.require(&inspection, 1, (None, Some(quality.id), None, None))?;
    sd.require(&inspection, 2, (None, None, Some(inspector.id), None))?;
    sd.require(&forklift, 1, (None, None, Some(driver.id), None))?;
    sd.require(&molding_skill, 2, (None, None, Some(technician.id), None))?;
    sd.require(&molding_skill, 1, (None, None, None, Some(atx_l1.id)))?;
    sd.require(
        &molding_skill,
        1,
        (Some(detroit.id), Some(molding.id), None, None),
    )?;

    // Stations.
    let mut stations = Vec::new();
    for (name, project, extra) in [
        (
            "Press 4",
            Some(atx_l1.id),
            vec![StationSkill {
                skill_id: first_aid.id,
                level: 1,
            }],
        ),
        ("Assembly Cell 2", Some(atx_l2.id), vec![]),
        ("DTR Press 1", Some(dtr_l1.id), vec![]),
        (
            "Dock Forklift Gate",
            Some(dtr_wh.id),
            vec![StationSkill {
                skill_id: forklift.id,
                level: 1,
            }],
        ),
    ] {
        let created = create_station(
            store,
            &a,
            StationInput {
                name: name.into(),
                project_id: project,
                extra_skills: extra,
            },
        )?;
        stations.push(DemoStation {
            name: name.into(),
            key: created.key,
        });
    }

    // People.
    struct P<'a> {
        number: &'a str,
        name: &'a str,
        site: &'a Site,
        dept: &'a Department,
        role: &'a Role,
        projects: Vec<Uuid>,
    }
    let people = [
        P {
            number: "E1001",
            name: "Maria Gonzalez",
            site: &austin,
            dept: &molding,
            role: &technician,
            projects: vec![atx_l1.id],
        },
        P {
            number: "E1002",
            name: "James Carter",
            site: &austin,
            dept: &molding,
            role: &operator,
            projects: vec![atx_l1.id],
        },
        P {
            number: "E1003",
            name: "Priya Natarajan",
            site: &austin,
            dept: &quality,
            role: &inspector,
            projects: vec![atx_l2.id],
        },
        P {
            number: "E1004",
            name: "Tom Becker",
            site: &austin,
            dept: &assembly,
            role: &operator,
            projects: vec![atx_l2.id],
        },
        P {
            number: "E1005",
            name: "Aisha Bello",
            site: &austin,
            dept: &assembly,
            role: &lead,
            projects: vec![atx_l1.id, atx_l2.id],
        },
        P {
            number: "E1006",
            name: "Luis Ortega",
            site: &austin,
            dept: &logistics,
            role: &driver,
            projects: vec![],
        },
        P {
            number: "E1007",
            name: "Hannah Schmidt",
            site: &austin,
            dept: &molding,
            role: &operator,
            projects: vec![atx_l1.id],
        },
        P {
            number: "E2001",
            name: "Derek Williams",
            site: &detroit,
            dept: &molding,
            role: &technician,
            projects: vec![dtr_l1.id],
        },
        P {
            number: "E2002",
            name: "Keisha Johnson",
            site: &detroit,
            dept: &logistics,
            role: &driver,
            projects: vec![dtr_wh.id],
        },
        P {
            number: "E2003",
            name: "Wei Chen",
            site: &detroit,
            dept: &quality,
            role: &inspector,
            projects: vec![dtr_l1.id],
        },
        P {
            number: "E2004",
            name: "Robert Novak",
            site: &detroit,
            dept: &molding,
            role: &operator,
            projects: vec![dtr_l1.id],
        },
        P {
            number: "E2005",
            name: "Sofia Rossi",
            site: &detroit,
            dept: &logistics,
            role: &driver,
            projects: vec![dtr_wh.id],
        },
        P {
            number: "E2006",
            name: "Marcus Lee",
            site: &detroit,
            dept: &assembly,
            role: &lead,
            projects: vec![dtr_l1.id, dtr_wh.id],
        },
        P {
            number: "E2007",
            name: "Grace Okafor",
            site: &detroit,
            dept: &quality,
            role: &lead,
            projects: vec![],
        },
    ];
    let mut emp = Vec::new();
    for p in &people {
        let e: Employee = create(
            store,
            &a,
            EmployeeInput {
                number: p.number.into(),
                name: p.name.into(),
                site_id: p.site.id,
                department_id: Some(p.dept.id),
                role_id: Some(p.role.id),
                project_ids: p.projects.clone(),
                status: Some(EmployeeStatus::Active),
                user_id: None,
                language: None,
            },
        )?;
        emp.push(e);
    }
    let [
        maria,
        james,
        priya,
        tom,
        aisha,
        luis,
        hannah,
        derek,
        keisha,
        wei,
        robert,
        sofia,
        marcus,
        grace,
    ] = <[Employee; 14]>::try_from(emp)
        .map_err(|_| ServiceError::Conflict("demo roster".into()))?;

    // Logins.
    let mut logins = Vec::new();
    for (email, password, role, employee) in [
        (
            "admin@caliber.local",
            "caliber-admin-demo",
            AppRole::Admin,
            None,
        ),
        (
            "skills@caliber.local",
            "caliber-skills-demo",
            AppRole::SkillManager,
            Some(aisha.id),
        ),
        (
            "trainer.atx@caliber.local",
            "caliber-trainer-demo",
            AppRole::Trainer,
            Some(maria.id),
        ),
        (
            "trainer.dtr@caliber.local",
            "caliber-trainer-demo",
            AppRole::Trainer,
            Some(marcus.id),
        ),
        (
            "auditor@caliber.local",
            "caliber-auditor-demo",
            AppRole::Auditor,
            Some(grace.id),
        ),
        (
            "viewer@caliber.local",
            "caliber-viewer-demo",
            AppRole::Viewer,
            Some(tom.id),
        ),
    ] {
        create_user(
            store,
            &a,
            UserInput {
                email: email.into(),
                password: password.into(),
                role,
                employee_id: employee,
            },
        )?;
        logins.push(DemoLogin {
            email: email.into(),
            password: password.into(),
            role,
        });
    }

    let t1 = "trainer.atx@caliber.local";
    let t2 = "trainer.dtr@caliber.local";
    // Safety on Rev A for the Detroit people and a few in Austin, before Rev B arrives.
    for e in [&derek, &keisha, &robert] {
        sd.certify(t2, e, &safety, 1, 200, Some(rev_a.id))?;
    }
    // Rev B requires retraining: those three become OUTDATED.
    let rev_b = create_revision(
        store,
        &a,
        safety.id,
        RevisionInput {
            label: "Rev B".into(),
            change_log: "New lockout/tagout procedure for presses; everyone retrains.".into(),
            effective_date: None,
            requires_retraining: true,
            grace_days: 0,
            status: None,
        },
    )?;
    activate_revision(store, &a, rev_b.id, ActivationInput::default())?;
    // Retrained on Rev B: Keisha (so only Derek and Robert stay OUTDATED).
    sd.certify(t2, &keisha, &safety, 1, 20, None)?;
    for e in [
        &maria, &james, &priya, &tom, &aisha, &luis, &hannah, &wei, &marcus, &grace, &sofia,
    ] {
        sd.certify(t1, e, &safety, 1, 60, None)?;
    }

    // Maria: fully green at Press 4 (Molding L3, First Aid), plus an EXTRA forklift.
    sd.certify(t1, &maria, &molding_skill, 3, 100, None)?;
    sd.certify(t1, &maria, &first_aid, 1, 90, None)?;
    sd.certify(t1, &maria, &forklift, 1, 30, None)?;
    // James: Molding L1 fine on Line 1, but First Aid at Press 4 expires within 30 days.
    sd.certify(t1, &james, &molding_skill, 1, 300, None)?;
    sd.certify(t1, &james, &first_aid, 1, 350, None)?;
    // Priya: inspector needs QINS L2 but has L1: INSUFFICIENT_LEVEL.
    sd.certify(t1, &priya, &inspection, 1, 40, None)?;
    // Tom: nothing beyond safety: fine at Assembly Cell 2.
    // Aisha: team lead on both Austin lines, Molding L1 expired (24 months ago + a bit).
    sd.certify(t1, &aisha, &molding_skill, 1, 760, None)?;
    // Luis: forklift driver whose forklift licence expired.
    sd.certify(t1, &luis, &forklift, 1, 380, None)?;
    // Hannah: on leave, otherwise qualified for Line 1.
    sd.certify(t1, &hannah, &molding_skill, 1, 100, None)?;
    // Derek: technician, Molding L2, First Aid — but Safety OUTDATED (Rev A).
    sd.certify(t2, &derek, &molding_skill, 2, 150, None)?;
    sd.certify(t2, &derek, &first_aid, 1, 150, None)?;
    // Keisha: forklift valid, First Aid missing (Detroit requires it).
    sd.certify(t2, &keisha, &forklift, 1, 100, None)?;
    // Wei: inspector with QINS L2 expiring soon (6-month skill, certified ~5 months 10 days ago).
    sd.certify(t2, &wei, &inspection, 2, 165, None)?;
    sd.certify(t2, &wei, &first_aid, 1, 100, None)?;
    // Robert: Molding L1, First Aid, Safety OUTDATED.
    sd.certify(t2, &robert, &molding_skill, 1, 90, None)?;
    sd.certify(t2, &robert, &first_aid, 1, 90, None)?;
    // Marcus: all good in Detroit; his First Aid was revoked and re-done.
    let wrong = sd.certify(t2, &marcus, &first_aid, 1, 45, None)?;
    revoke(
        store,
        &a,
        wrong.id,
        RevokeInput {
            reason: "Recorded against the wrong course date; re-certified.".into(),
        },
    )?;
    sd.certify(t2, &marcus, &first_aid, 1, 44, None)?;
    sd.certify(t2, &marcus, &molding_skill, 1, 120, None)?;
    sd.certify(t2, &marcus, &forklift, 1, 120, None)?;
    // Grace: quality lead in Detroit, First Aid and QINS L1 (required by Quality dept).
    sd.certify(t2, &grace, &first_aid, 1, 200, None)?;
    sd.certify(t2, &grace, &inspection, 1, 30, None)?;
    // Sofia: forklift valid, but she has left.
    sd.certify(t2, &sofia, &forklift, 1, 50, None)?;

    // Statuses last, so the people above could be certified first.
    for (e, status) in [
        (&hannah, EmployeeStatus::Leave),
        (&sofia, EmployeeStatus::Terminated),
    ] {
        update::<Employee>(
            store,
            &a,
            e.id,
            EmployeeInput {
                number: e.number.clone(),
                name: e.name.clone(),
                site_id: e.site_id,
                department_id: e.department_id,
                role_id: e.role_id,
                project_ids: e.project_ids.clone(),
                status: Some(status),
                user_id: e.user_id,
                language: None,
            },
        )?;
    }

    let notable = [
        (&maria, "qualified at Press 4 (green), extra Forklift"),
        (
            &james,
            "First Aid expiring soon (green with warning at Press 4)",
        ),
        (&aisha, "Injection Molding expired (red on Line 1)"),
        (&derek, "Safety Protocols Rev B needs retraining (red)"),
        (&priya, "Quality Inspection level 1 of 2 (red)"),
        (&keisha, "First Aid missing in Detroit (red)"),
        (&wei, "Quality Inspection expiring soon"),
        (&hannah, "on leave (amber)"),
        (&sofia, "terminated (amber)"),
    ];
    let r = store.read()?;
    let employees = notable
        .iter()
        .map(|(e, shows)| {
            let current: Option<Employee> = r.get(e.id).ok().flatten();
            DemoEmployee {
                number: e.number.clone(),
                name: e.name.clone(),
                badge_token: current
                    .map_or_else(|| e.badge_token.to_string(), |c| c.badge_token.to_string()),
                shows: (*shows).to_owned(),
            }
        })
        .collect();
    Ok(DemoSummary {
        logins,
        stations,
        employees,
        employee_count: people.len(),
        certification_count: sd.certs,
    })
}
