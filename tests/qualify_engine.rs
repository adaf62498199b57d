//! The qualification contract (DESIGN.md, "Qualification semantics"), rule by rule, plus
//! properties that must hold for any site: the engine is judged on plain records with `now`
//! passed in.

use caliber::domain::*;
use caliber::qualify::*;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

/// A small site to judge against, built record by record.
#[derive(Debug, Clone)]
struct World {
    catalog: Catalog,
    site: Uuid,
    now: Timestamp,
}

fn ts(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

impl World {
    fn new() -> Self {
        let site = Site {
            id: new_id(),
            code: "ATX".into(),
            name: "Austin".into(),
            timezone: "America/Chicago".into(),
            warning_days: 30,
            deleted_at: None,
        };
        let mut catalog = Catalog::default();
        catalog
            .zones
            .insert(site.id, TimeZone::get("America/Chicago").expect("tz"));
        let id = site.id;
        catalog.sites.insert(id, site);
        World {
            catalog,
            site: id,
            now: ts("2026-11-23T12:00:00Z"),
        }
    }

    fn skill(&mut self, name: &str, max_level: u8, validity: Option<u32>) -> Uuid {
        let s = Skill {
            id: new_id(),
            code: name.to_uppercase(),
            name: name.into(),
            description: String::new(),
            max_level,
            validity_months: validity,
            deleted_at: None,
        };
        let id = s.id;
        self.catalog.skills.insert(id, s);
        id
    }

    fn revision(
        &mut self,
        skill: Uuid,
        label: &str,
        status: RevisionStatus,
        retrain: bool,
    ) -> Uuid {
        let list = self.catalog.revisions.entry(skill).or_default();
        let r = SkillRevision {
            id: new_id(),
            skill_id: skill,
            sequence: list.len() as u32 + 1,
            label: label.into(),
            change_log: String::new(),
            status,
            effective_date: None,
            requires_retraining: retrain,
        };
        let id = r.id;
        list.push(r);
        id
    }

    fn named(&mut self, kind: &str, name: &str) -> Uuid {
        let id = new_id();
        match kind {
            "department" => {
                self.catalog.departments.insert(
                    id,
                    Department {
                        id,
                        name: name.into(),
                        deleted_at: None,
                    },
                );
            }
            "role" => {
                self.catalog.roles.insert(
                    id,
                    Role {
                        id,
                        name: name.into(),
                        deleted_at: None,
                    },
                );
            }
            _ => {
                self.catalog.projects.insert(
                    id,
                    Project {
                        id,
                        code: name.into(),
                        name: name.into(),
                        site_id: self.site,
                        deleted_at: None,
                    },
                );
            }
        }
        id
    }

    /// Replace the requirement rows.
    fn rows(&mut self, rows: Vec<Requirement>) {
        self.catalog.requirements = RequirementIndex::new(rows);
    }

    fn employee(&self, dept: Option<Uuid>, role: Option<Uuid>, projects: Vec<Uuid>) -> Employee {
        Employee {
            id: new_id(),
            number: "E1".into(),
            badge_token: BadgeToken::generate(),
            name: "Ana Ruiz".into(),
            site_id: self.site,
            department_id: dept,
            role_id: role,
            project_ids: projects,
            status: EmployeeStatus::Active,
            user_id: None,
            photo: None,
            deleted_at: None,
        }
    }

    fn cert(&self, e: &Employee, skill: Uuid, level: u8, achieved: Timestamp) -> Certification {
        let s = &self.catalog.skills[&skill];
        let active = self.catalog.active_revision(skill).map(|r| r.id);
        Certification {
            id: new_id(),
            employee_id: e.id,
            skill_id: skill,
            revision_id: active,
            level,
            achieved_at: achieved,
            expires_at: expires_at(achieved, s.validity_months, &self.catalog.zone(self.site)),
            certified_by: "trainer".into(),
            notes: String::new(),
            attachments: vec![],
            revoked: None,
            deleted_at: None,
        }
    }

    fn status(&self, e: &Employee, certs: &[Certification], skill: Uuid) -> Option<SkillStatus> {
        qualify(&self.catalog, e, certs, None, self.now)
            .skill(skill)
            .map(|l| l.status)
    }
}

fn row(skill: Uuid, level: u8) -> Requirement {
    Requirement {
        id: new_id(),
        skill_id: skill,
        level,
        site_id: None,
        department_id: None,
        role_id: None,
        project_id: None,
        deleted_at: None,
    }
}

#[test]
fn each_selector_must_match_and_no_selector_means_everyone() {
    let mut w = World::new();
    let sk = w.skill("Forklift", 1, Some(12));
    let (molding, assembly) = (
        w.named("department", "Molding"),
        w.named("department", "Assembly"),
    );
    let (tech, op) = (w.named("role", "Technician"), w.named("role", "Operator"));
    let (l1, l2) = (w.named("project", "L1"), w.named("project", "L2"));
    let cases: Vec<(Requirement, bool)> = vec![
        (row(sk, 1), true),
        (
            Requirement {
                site_id: Some(w.site),
                ..row(sk, 1)
            },
            true,
        ),
        (
            Requirement {
                site_id: Some(new_id()),
                ..row(sk, 1)
            },
            false,
        ),
        (
            Requirement {
                department_id: Some(molding),
                ..row(sk, 1)
            },
            true,
        ),
        (
            Requirement {
                department_id: Some(assembly),
                ..row(sk, 1)
            },
            false,
        ),
        (
            Requirement {
                role_id: Some(tech),
                ..row(sk, 1)
            },
            true,
        ),
        (
            Requirement {
                role_id: Some(op),
                ..row(sk, 1)
            },
            false,
        ),
        (
            Requirement {
                project_id: Some(l1),
                ..row(sk, 1)
            },
            true,
        ),
        (
            Requirement {
                project_id: Some(l2),
                ..row(sk, 1)
            },
            false,
        ),
        // Every set selector must match.
        (
            Requirement {
                department_id: Some(molding),
                role_id: Some(op),
                ..row(sk, 1)
            },
            false,
        ),
        (
            Requirement {
                site_id: Some(w.site),
                department_id: Some(molding),
                role_id: Some(tech),
                project_id: Some(l1),
                ..row(sk, 1)
            },
            true,
        ),
        // Deleted rows never apply.
        (
            Requirement {
                deleted_at: Some(w.now),
                ..row(sk, 1)
            },
            false,
        ),
    ];
    let e = w.employee(Some(molding), Some(tech), vec![l1]);
    for (r, applies) in cases {
        w.rows(vec![r.clone()]);
        assert_eq!(
            w.status(&e, &[], sk) == Some(SkillStatus::Missing),
            applies,
            "{r:?}"
        );
    }
    // An employee without department or role matches only rows that don't ask for one.
    let bare = w.employee(None, None, vec![]);
    w.rows(vec![Requirement {
        department_id: Some(molding),
        ..row(sk, 1)
    }]);
    assert_eq!(w.status(&bare, &[], sk), None);
    w.rows(vec![row(sk, 1)]);
    assert_eq!(w.status(&bare, &[], sk), Some(SkillStatus::Missing));
}

#[test]
fn required_level_is_the_maximum_and_every_source_is_shown() {
    let mut w = World::new();
    let sk = w.skill("Molding", 3, Some(24));
    let tech = w.named("role", "Technician");
    let l1 = w.named("project", "L1");
    w.rows(vec![
        Requirement {
            site_id: Some(w.site),
            ..row(sk, 1)
        },
        Requirement {
            role_id: Some(tech),
            ..row(sk, 3)
        },
        Requirement {
            project_id: Some(l1),
            ..row(sk, 2)
        },
    ]);
    // A project listed twice counts its rows once.
    let e = w.employee(None, Some(tech), vec![l1, l1]);
    let q = qualify(&w.catalog, &e, &[], None, w.now);
    let line = q.skill(sk).expect("required");
    assert_eq!(line.required_level, Some(3));
    let scopes: Vec<(&str, u8)> = line
        .sources
        .iter()
        .map(|s| (s.scope.as_str(), s.level))
        .collect();
    assert_eq!(
        scopes,
        [
            ("Project: L1", 2),
            ("Role: Technician", 3),
            ("Site: Austin", 1)
        ]
    );
    // Level 2 of 3 is not enough.
    let c = w.cert(&e, sk, 2, w.now - days(10));
    assert_eq!(w.status(&e, &[c], sk), Some(SkillStatus::InsufficientLevel));
}

#[test]
fn statuses_follow_the_rules_in_order() {
    let mut w = World::new();
    let sk = w.skill("Forklift", 2, Some(12));
    w.rows(vec![row(sk, 2)]);
    let e = w.employee(None, None, vec![]);
    let now = w.now;
    let judge = |w: &World, c: Certification| w.status(&e, &[c], sk).expect("required");
    assert_eq!(w.status(&e, &[], sk), Some(SkillStatus::Missing));
    assert_eq!(
        judge(&w, w.cert(&e, sk, 2, now - days(30))),
        SkillStatus::Valid
    );
    // Expiring within the 30-day window, and on the boundary.
    assert_eq!(
        judge(&w, w.cert(&e, sk, 2, now - days(350))),
        SkillStatus::ExpiringSoon
    );
    let mut edge = w.cert(&e, sk, 2, now - days(100));
    edge.expires_at = Some(now + days(30));
    assert_eq!(judge(&w, edge.clone()), SkillStatus::ExpiringSoon);
    edge.expires_at = Some(now + days(30) + SignedDuration::from_secs(1));
    assert_eq!(judge(&w, edge.clone()), SkillStatus::Valid);
    // Expired at exactly now.
    edge.expires_at = Some(now);
    assert_eq!(judge(&w, edge.clone()), SkillStatus::Expired);
    // Expired beats insufficient level.
    let old_low = w.cert(&e, sk, 1, now - days(400));
    assert_eq!(judge(&w, old_low), SkillStatus::Expired);
    // Insufficient level beats expiring soon.
    let low_soon = w.cert(&e, sk, 1, now - days(350));
    assert_eq!(judge(&w, low_soon), SkillStatus::InsufficientLevel);
    // Revoked or deleted certifications don't count.
    let mut revoked = w.cert(&e, sk, 2, now - days(5));
    revoked.revoked = Some(Revocation {
        at: now,
        by: "qa".into(),
        reason: "wrong person".into(),
    });
    assert_eq!(judge(&w, revoked), SkillStatus::Missing);
    let mut deleted = w.cert(&e, sk, 2, now - days(5));
    deleted.deleted_at = Some(now);
    assert_eq!(judge(&w, deleted), SkillStatus::Missing);
    // Another employee's certification doesn't count either.
    let other = w.employee(None, None, vec![]);
    assert_eq!(
        judge(&w, w.cert(&other, sk, 2, now - days(5))),
        SkillStatus::Missing
    );
}

#[test]
fn outdated_only_when_a_later_revision_up_to_the_active_one_needs_retraining() {
    let mut w = World::new();
    let sk = w.skill("Safety", 1, Some(12));
    w.rows(vec![row(sk, 1)]);
    let e = w.employee(None, None, vec![]);
    let rev_a = w.revision(sk, "Rev A", RevisionStatus::Active, false);
    let on_a = w.cert(&e, sk, 1, w.now - days(60));
    assert_eq!(on_a.revision_id, Some(rev_a));
    // Rev B without retraining becomes active: still valid.
    for r in w.catalog.revisions.get_mut(&sk).expect("revs") {
        r.status = RevisionStatus::Archived;
    }
    let rev_b = w.revision(sk, "Rev B", RevisionStatus::Active, false);
    assert_eq!(
        w.status(&e, std::slice::from_ref(&on_a), sk),
        Some(SkillStatus::Valid)
    );
    // A draft that needs retraining doesn't count until it is active.
    w.revision(sk, "Rev C", RevisionStatus::Draft, true);
    assert_eq!(
        w.status(&e, std::slice::from_ref(&on_a), sk),
        Some(SkillStatus::Valid)
    );
    // Activated: people on A (and on B) must retrain; the reason names Rev C.
    for r in w.catalog.revisions.get_mut(&sk).expect("revs") {
        r.status = if r.label == "Rev C" {
            RevisionStatus::Active
        } else {
            RevisionStatus::Archived
        };
    }
    assert_eq!(
        w.status(&e, std::slice::from_ref(&on_a), sk),
        Some(SkillStatus::Outdated)
    );
    let mut on_b = on_a.clone();
    on_b.revision_id = Some(rev_b);
    assert_eq!(w.status(&e, &[on_b], sk), Some(SkillStatus::Outdated));
    let (v, _) = station_verdict(&w.catalog, &e, std::slice::from_ref(&on_a), None, w.now);
    assert_eq!(v.reasons[0].message, "Safety — Rev C needs retraining");
    // A certification with no revision predates them all.
    let mut none = on_a.clone();
    none.revision_id = None;
    assert_eq!(w.status(&e, &[none], sk), Some(SkillStatus::Outdated));
    // Expired beats outdated.
    let mut old = on_a.clone();
    old.expires_at = Some(w.now - days(1));
    assert_eq!(w.status(&e, &[old], sk), Some(SkillStatus::Expired));
    // Outdated beats insufficient level.
    w.rows(vec![row(sk, 1)]);
    let mut low = on_a;
    low.level = 0;
    assert_eq!(w.status(&e, &[low], sk), Some(SkillStatus::Outdated));
}

#[test]
fn the_best_certification_counts() {
    let mut w = World::new();
    let sk = w.skill("Inspection", 2, Some(6));
    w.rows(vec![row(sk, 2)]);
    let e = w.employee(None, None, vec![]);
    let now = w.now;
    let expired = w.cert(&e, sk, 2, now - days(300));
    let low = w.cert(&e, sk, 1, now - days(10));
    let soon = w.cert(&e, sk, 2, now - days(170));
    let good = w.cert(&e, sk, 2, now - days(20));
    assert_eq!(
        w.status(&e, &[expired.clone(), low.clone()], sk),
        Some(SkillStatus::InsufficientLevel)
    );
    assert_eq!(
        w.status(&e, &[low.clone(), soon.clone()], sk),
        Some(SkillStatus::ExpiringSoon)
    );
    let all = [expired, low, soon, good.clone()];
    let q = qualify(&w.catalog, &e, &all, None, now);
    let line = q.skill(sk).expect("line");
    assert_eq!(line.status, SkillStatus::Valid);
    assert_eq!(line.certification_id, Some(good.id));
}

#[test]
fn certified_but_not_required_is_extra_and_never_blocks() {
    let mut w = World::new();
    let req = w.skill("Safety", 1, None);
    let extra = w.skill("Crane", 1, Some(12));
    w.rows(vec![row(req, 1)]);
    let e = w.employee(None, None, vec![]);
    let mut expired_extra = w.cert(&e, extra, 1, w.now - days(500));
    expired_extra.expires_at = Some(w.now - days(100));
    let certs = [w.cert(&e, req, 1, w.now - days(1000)), expired_extra];
    let q = qualify(&w.catalog, &e, &certs, None, w.now);
    assert_eq!(
        q.skill(req).map(|l| l.status),
        Some(SkillStatus::Valid),
        "no validity: never expires"
    );
    assert_eq!(q.skill(extra).map(|l| l.status), Some(SkillStatus::Extra));
    assert_eq!(
        q.skills.last().map(|l| l.skill_id),
        Some(extra),
        "extras come last"
    );
    let (v, _) = station_verdict(&w.catalog, &e, &certs, None, w.now);
    assert_eq!(v.verdict, Verdict::Green);
}

#[test]
fn rows_for_deleted_skills_are_ignored() {
    let mut w = World::new();
    let sk = w.skill("Old", 1, None);
    w.rows(vec![row(sk, 1)]);
    let e = w.employee(None, None, vec![]);
    assert_eq!(w.status(&e, &[], sk), Some(SkillStatus::Missing));
    w.catalog.skills.get_mut(&sk).expect("skill").deleted_at = Some(w.now);
    assert_eq!(w.status(&e, &[], sk), None);
}

#[test]
fn expiry_is_calendar_months_in_the_site_timezone() {
    let tz = TimeZone::get("America/Chicago").expect("tz");
    let local = |s: &str| -> Timestamp {
        let dt: jiff::civil::DateTime = s.parse().expect("dt");
        dt.to_zoned(tz.clone()).expect("zoned").timestamp()
    };
    assert_eq!(
        expires_at(local("2027-01-31T09:00"), Some(1), &tz),
        Some(local("2027-02-28T09:00"))
    );
    assert_eq!(
        expires_at(local("2028-01-31T09:00"), Some(1), &tz),
        Some(local("2028-02-29T09:00"))
    );
    assert_eq!(
        expires_at(local("2028-02-29T09:00"), Some(12), &tz),
        Some(local("2029-02-28T09:00"))
    );
    assert_eq!(
        expires_at(local("2026-05-31T09:00"), Some(6), &tz),
        Some(local("2026-11-30T09:00"))
    );
    assert_eq!(expires_at(local("2026-05-31T09:00"), None, &tz), None);
}

#[test]
fn station_verdicts() {
    let mut w = World::new();
    let mold = w.skill("Injection Molding", 3, Some(24));
    let aid = w.skill("First Aid", 1, Some(12));
    let fork = w.skill("Forklift", 1, Some(12));
    let l1 = w.named("project", "L1");
    w.rows(vec![Requirement {
        project_id: Some(l1),
        ..row(mold, 2)
    }]);
    let station = Station {
        id: new_id(),
        name: "Press 4".into(),
        project_id: Some(l1),
        extra_skills: vec![StationSkill {
            skill_id: aid,
            level: 1,
        }],
        key_hash: String::new(),
        created_at: w.now,
        deleted_at: None,
    };
    // Not assigned to L1, but judged as if: the project's rows and the station's extra skill.
    let e = w.employee(None, None, vec![]);
    let (v, q) = station_verdict(&w.catalog, &e, &[], Some(&station), w.now);
    assert_eq!(v.verdict, Verdict::Red);
    let messages: Vec<&str> = v.reasons.iter().map(|r| r.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "First Aid — not certified",
            "Injection Molding — not certified"
        ]
    );
    assert_eq!(
        q.skill(aid).expect("aid").sources[0].scope,
        "Station: Press 4"
    );
    // Without the station, nothing is required.
    let (v, _) = station_verdict(&w.catalog, &e, &[], None, w.now);
    assert_eq!(v.verdict, Verdict::Green);

    // Qualified, one skill expiring soon: green with the warning and its date.
    let certs = vec![
        w.cert(&e, mold, 2, w.now - days(30)),
        w.cert(&e, aid, 1, ts("2025-12-10T18:00:00Z")),
        w.cert(&e, fork, 1, w.now - days(400)),
    ];
    let (v, _) = station_verdict(&w.catalog, &e, &certs, Some(&station), w.now);
    assert_eq!(v.verdict, Verdict::Green, "{v:?}");
    assert_eq!(v.warnings.len(), 1);
    assert_eq!(v.warnings[0].message, "First Aid — expires 10 Dec 2026");

    // Expired and low level: red, one reason each, with the date in the site's timezone.
    let mut bad = certs.clone();
    bad[0].level = 1;
    bad[1].expires_at = Some(ts("2026-11-03T15:00:00Z"));
    let (v, _) = station_verdict(&w.catalog, &e, &bad, Some(&station), w.now);
    let messages: Vec<&str> = v.reasons.iter().map(|r| r.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "First Aid — expired 3 Nov 2026",
            "Injection Molding — level 1 of 2 required"
        ]
    );

    // On leave or terminated: amber, whatever the certifications.
    for status in [EmployeeStatus::Leave, EmployeeStatus::Terminated] {
        let away = Employee {
            status,
            ..e.clone()
        };
        let (v, _) = station_verdict(&w.catalog, &away, &certs, Some(&station), w.now);
        assert_eq!(v.verdict, Verdict::Amber, "{status:?}");
    }
    assert_eq!(StationVerdict::unknown_badge().verdict, Verdict::Amber);
    assert_eq!(StationVerdict::badge_replaced().verdict, Verdict::Amber);
}

/// A random small site: skills, rows with random selectors, an employee and certifications.
fn arb_site() -> impl Strategy<Value = (World, Employee, Vec<Certification>, Vec<Requirement>)> {
    (
        prop::collection::vec((1u8..=3, prop::option::of(1u32..=24)), 1..5),
        prop::collection::vec((0usize..5, 1u8..=3, 0u8..16), 0..10),
        prop::collection::vec((0usize..5, 1u8..=3, 0i64..900, any::<bool>()), 0..10),
        0usize..3,
    )
        .prop_map(|(skills, rows, certs, nprojects)| {
            let mut w = World::new();
            let ids: Vec<Uuid> = skills
                .iter()
                .enumerate()
                .map(|(i, (max, v))| w.skill(&format!("S{i}"), *max, *v))
                .collect();
            let dept = w.named("department", "D");
            let role = w.named("role", "R");
            let projects: Vec<Uuid> = (0..3)
                .map(|i| w.named("project", &format!("P{i}")))
                .collect();
            let e = w.employee(Some(dept), Some(role), projects[..nprojects].to_vec());
            let rows: Vec<Requirement> = rows
                .into_iter()
                .map(|(s, level, sel)| {
                    let skill = ids[s % ids.len()];
                    let max = w.catalog.skills[&skill].max_level;
                    Requirement {
                        site_id: (sel & 1 != 0).then_some(w.site),
                        department_id: (sel & 2 != 0).then_some(dept),
                        role_id: (sel & 4 != 0).then_some(role),
                        project_id: (sel & 8 != 0).then_some(projects[sel as usize % 3]),
                        ..row(skill, level.min(max))
                    }
                })
                .collect();
            let certs: Vec<Certification> = certs
                .into_iter()
                .map(|(s, level, age, revoked)| {
                    let skill = ids[s % ids.len()];
                    let mut c = w.cert(&e, skill, level, w.now - days(age));
                    if revoked {
                        c.revoked = Some(Revocation {
                            at: w.now,
                            by: "x".into(),
                            reason: "y".into(),
                        });
                    }
                    c
                })
                .collect();
            w.rows(rows.clone());
            (w, e, certs, rows)
        })
}

fn verdict(w: &World, e: &Employee, certs: &[Certification]) -> (StationVerdict, Qualification) {
    station_verdict(&w.catalog, e, certs, None, w.now)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn adding_a_requirement_never_turns_red_green(
        (mut w, e, certs, rows) in arb_site(), pick in 0usize..5, level in 1u8..=3
    ) {
        let before = verdict(&w, &e, &certs).0;
        let skills: Vec<Uuid> = w.catalog.skills.keys().copied().collect();
        let skill = skills[pick % skills.len()];
        let max = w.catalog.skills[&skill].max_level;
        let mut more = rows;
        more.push(row(skill, level.min(max)));
        w.rows(more);
        let after = verdict(&w, &e, &certs).0;
        prop_assert!(before.is_green() || !after.is_green());
    }

    #[test]
    fn revoking_never_improves_anything((w, e, certs, _rows) in arb_site(), pick in 0usize..10) {
        prop_assume!(!certs.is_empty());
        let (before, qb) = verdict(&w, &e, &certs);
        let mut fewer = certs.clone();
        let i = pick % fewer.len();
        fewer[i].revoked = Some(Revocation { at: w.now, by: "qa".into(), reason: "test".into() });
        let (after, qa) = verdict(&w, &e, &fewer);
        prop_assert!(before.is_green() || !after.is_green());
        for line in qa.skills.iter().filter(|l| l.required_level.is_some()) {
            let was = qb.skill(line.skill_id).map(|l| l.status);
            prop_assert!(was.is_none_or(|was| line.status <= was), "{:?} -> {:?}", was, line.status);
        }
    }

    #[test]
    fn raising_a_level_never_worsens_a_status((w, e, certs, _rows) in arb_site(), pick in 0usize..10) {
        prop_assume!(!certs.is_empty());
        let (_, qb) = verdict(&w, &e, &certs);
        let mut better = certs.clone();
        let i = pick % better.len();
        better[i].level = better[i].level.saturating_add(1);
        let (_, qa) = verdict(&w, &e, &better);
        for line in qa.skills.iter().filter(|l| l.required_level.is_some()) {
            let was = qb.skill(line.skill_id).map(|l| l.status);
            prop_assert!(was.is_none_or(|was| line.status >= was), "{:?} -> {:?}", was, line.status);
        }
    }

    #[test]
    fn green_exactly_when_every_required_skill_is_ok((w, e, certs, _rows) in arb_site()) {
        let (v, q) = verdict(&w, &e, &certs);
        let all_ok = q.skills.iter().filter(|l| l.required_level.is_some()).all(|l| {
            matches!(l.status, SkillStatus::Valid | SkillStatus::ExpiringSoon)
        });
        prop_assert_eq!(v.is_green(), all_ok);
        for l in q.skills.iter().filter(|l| l.required_level.is_some()) {
            prop_assert_eq!(l.required_level, l.sources.iter().map(|s| s.level).max());
        }
    }

    #[test]
    fn time_passing_never_improves_a_status((w, e, certs, _rows) in arb_site(), later in 1i64..800) {
        let (_, qb) = verdict(&w, &e, &certs);
        let future = World { now: w.now + days(later), catalog: w.catalog.clone(), site: w.site };
        let (_, qa) = verdict(&future, &e, &certs);
        for line in qa.skills.iter().filter(|l| l.required_level.is_some()) {
            let was = qb.skill(line.skill_id).map(|l| l.status);
            prop_assert!(was.is_none_or(|was| line.status <= was), "{:?} -> {:?}", was, line.status);
        }
    }
}
