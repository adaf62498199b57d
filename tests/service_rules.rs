//! Rules that live in the service layer and the store, checked once for every path that
//! reaches them (API, web UI, CLI): batch certification is all or nothing, a password change
//! ends sessions whichever way it is made, nobody demotes themselves, the audit filter is the
//! same everywhere, the store keeps its own keys and indexes, refuses unaudited writes, and
//! its caches always agree with the file.

mod common;

use std::sync::Arc;

use caliber::domain::*;
use caliber::service::{
    self, AuditFilter, BatchCertifyInput, CertifyInput, RequirementInput, RevokeInput,
    ServiceError, SessionLimits, UserInput, UserUpdate,
};
use caliber::store::{Actor, Store, StoreError};
use proptest::prelude::*;

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    caliber::seed::seed_demo(&store, jiff::Timestamp::now()).expect("seed");
    (dir, store)
}

fn limits() -> SessionLimits {
    SessionLimits {
        idle: std::time::Duration::from_secs(600),
        absolute: std::time::Duration::from_secs(3600),
    }
}

#[test]
fn batch_certification_is_all_or_nothing() {
    let (_dir, store) = demo();
    let r = store.read().expect("read");
    let people: Vec<Employee> = r.list().expect("employees");
    let skill = r.list::<Skill>().expect("skills")[0].clone();
    drop(r);
    let active: Vec<&Employee> = people
        .iter()
        .filter(|e| e.status == EmployeeStatus::Active && e.deleted_at.is_none())
        .take(2)
        .collect();
    let gone = people
        .iter()
        .find(|e| e.status == EmployeeStatus::Terminated)
        .expect("a terminated employee in the demo");
    let count = |s: &Store| s.read().expect("r").count::<Certification>().expect("n");
    let (before, head) = (
        count(&store),
        store.read().expect("r").audit_head().expect("h"),
    );
    let batch = |lines: Vec<String>| BatchCertifyInput {
        employees: lines,
        skill_id: skill.id,
        level: 1,
        achieved_on: jiff::civil::date(2026, 1, 5),
        revision_id: None,
        notes: String::new(),
        attachments: vec![],
        assessor: None,
        evidence: Vec::new(),
    };
    let err = service::certify_batch(
        &store,
        &Actor::named("trainer"),
        batch(vec![
            active[0].number.clone(),
            gone.number.clone(),
            active[1].number.clone(),
        ]),
    )
    .expect_err("a terminated employee refuses the whole batch");
    let msg = err.to_string();
    assert!(
        msg.contains("line 2") && msg.contains(&gone.number),
        "{msg}"
    );
    assert_eq!(count(&store), before, "nothing was certified");
    assert_eq!(store.read().expect("r").audit_head().expect("h"), head);

    let done = service::certify_batch(
        &store,
        &Actor::named("trainer"),
        batch(vec![active[0].number.clone(), active[1].name.clone()]),
    )
    .expect("the corrected batch");
    assert_eq!(done.len(), 2);
    assert_eq!(count(&store), before + 2);
}

#[test]
fn a_password_change_through_the_api_ends_web_sessions() {
    let s = common::TestServer::start();
    let user = service::create_user(
        &s.store,
        &Actor::named("test"),
        UserInput {
            email: "qe@plant.example".into(),
            password: "first-password-1".into(),
            role: AppRole::Auditor,
            employee_id: None,
        },
    )
    .expect("user");
    let login = service::login(
        &s.store,
        &Actor::default(),
        "qe@plant.example",
        "first-password-1",
    )
    .expect("login");
    assert!(
        service::resume(&s.store, &login.secret, limits())
            .expect("resume")
            .is_some()
    );
    let (st, _) = s.admin(
        "PATCH",
        &format!("/api/v1/users/{}", user.id),
        Some(&serde_json::json!({"password": "second-password-2"})),
    );
    assert_eq!(st, 200);
    assert!(
        service::resume(&s.store, &login.secret, limits())
            .expect("resume")
            .is_none(),
        "the session of the old password must be gone"
    );
}

#[test]
fn nobody_disables_or_demotes_themselves() {
    let (_dir, store) = demo();
    let admin: User = store
        .read()
        .expect("r")
        .list::<User>()
        .expect("users")
        .into_iter()
        .find(|u| u.role == AppRole::Admin)
        .expect("admin");
    let me = Actor {
        user_id: Some(admin.id),
        ..Actor::named(&admin.email)
    };
    for change in [
        UserUpdate {
            active: Some(false),
            ..UserUpdate::default()
        },
        UserUpdate {
            role: Some(AppRole::Viewer),
            ..UserUpdate::default()
        },
    ] {
        let err = service::update_user(&store, &me, admin.id, change).expect_err("refused");
        assert!(matches!(err, ServiceError::Conflict(_)), "{err}");
    }
    // Another administrator may.
    service::update_user(
        &store,
        &Actor::named("other admin"),
        admin.id,
        UserUpdate {
            role: Some(AppRole::Viewer),
            ..UserUpdate::default()
        },
    )
    .expect("someone else may demote");
}

#[test]
fn the_api_filters_the_audit_trail_like_the_web_ui() {
    let s = common::TestServer::start();
    s.ok(
        "POST",
        "/api/v1/sites",
        Some(serde_json::json!({"code": "ATX", "name": "Austin", "timezone": "America/Chicago"})),
    );
    // Part of the actor's name, in another case, as a person types it in the web filter.
    let events = s.ok("GET", "/api/v1/audit?actor=ADM", None);
    let list = events.as_array().expect("list");
    assert!(!list.is_empty());
    assert!(list.iter().all(|e| e["actor"] == "token:admin"));
    let filter = AuditFilter {
        actor: Some("ADM".into()),
        limit: 100,
        ..AuditFilter::default()
    };
    assert_eq!(
        service::audit_log(&s.store, &filter).expect("log").len(),
        list.len()
    );
}

#[test]
fn the_store_refuses_a_change_without_its_audit_event() {
    let (_dir, store) = demo();
    let before = store.read().expect("r").counts().expect("c");
    let site: Site = store.read().expect("r").list::<Site>().expect("s")[0].clone();
    let result: Result<(), StoreError> = store.write(&Actor::named("test"), |w| {
        let mut s = site.clone();
        s.name = "Unaudited".into();
        w.put(&s)
    });
    assert!(
        matches!(result, Err(StoreError::Unaudited(_))),
        "{result:?}"
    );
    let r = store.read().expect("r");
    assert_eq!(
        r.get::<Site>(site.id).expect("g").expect("s").name,
        site.name
    );
    assert_eq!(r.counts().expect("c").audit_events, before.audit_events);
}

#[test]
fn the_store_keeps_unique_keys_and_indexes_itself() {
    let (_dir, store) = demo();
    let employee: Employee = store.read().expect("r").list::<Employee>().expect("e")[0].clone();
    let old_number = employee.number.clone();
    // Renumber through a plain put: the old number is free, the new one is taken.
    store
        .write(&Actor::named("test"), |w| {
            let mut e = employee.clone();
            e.number = "RENUMBERED-1".into();
            w.put(&e)?;
            w.audit(
                "employee.update",
                "employee",
                Some(e.id),
                Some(&employee),
                Some(&e),
            )?;
            Ok::<_, StoreError>(())
        })
        .expect("renumber");
    let r = store.read().expect("r");
    assert_eq!(
        r.unique(caliber::store::keys::EMPLOYEE_NUMBER, "RENUMBERED-1")
            .expect("u"),
        Some(employee.id)
    );
    assert_eq!(
        r.unique(caliber::store::keys::EMPLOYEE_NUMBER, &old_number)
            .expect("u"),
        None
    );
    // A certification written with a plain put is listed under its employee and skill.
    let skill = r.list::<Skill>().expect("skills")[0].clone();
    drop(r);
    let cert = service::certify(
        &store,
        &Actor::named("test"),
        CertifyInput {
            employee_id: employee.id,
            skill_id: skill.id,
            level: 1,
            achieved_at: None,
            revision_id: None,
            notes: String::new(),
            attachments: vec![],
            assessor: None,
        },
    )
    .expect("certify");
    let r = store.read().expect("r");
    assert!(
        r.certifications_of(employee.id)
            .expect("of")
            .iter()
            .any(|c| c.id == cert.id)
    );
    assert!(
        r.certifications_in(skill.id)
            .expect("in")
            .iter()
            .any(|c| c.id == cert.id)
    );
}

/// One step of a random write sequence.
#[derive(Debug, Clone)]
enum Step {
    Certify {
        employee: usize,
        skill: usize,
        level: u8,
    },
    Revoke {
        pick: usize,
    },
    AddRequirement {
        skill: usize,
        level: u8,
    },
    DeleteRequirement {
        pick: usize,
    },
    Rename {
        skill: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..50usize, 0..20usize, 1..4u8).prop_map(|(employee, skill, level)| Step::Certify {
            employee,
            skill,
            level
        }),
        (0..200usize).prop_map(|pick| Step::Revoke { pick }),
        (0..20usize, 1..4u8).prop_map(|(skill, level)| Step::AddRequirement { skill, level }),
        (0..200usize).prop_map(|pick| Step::DeleteRequirement { pick }),
        (0..20usize).prop_map(|skill| Step::Rename { skill }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Whatever sequence of writes (refused ones included), the rules snapshot and the
    /// certification cache equal what a fresh read of the file gives.
    #[test]
    fn caches_always_agree_with_the_file(steps in proptest::collection::vec(step(), 1..25)) {
        let (_dir, store) = demo();
        let store = Arc::new(store);
        // Build the certification cache first, so every later write must keep it in step.
        store.certifications_by_employee().expect("cache");
        let actor = Actor::named("prop");
        for s in steps {
            let r = store.read().expect("r");
            let employees: Vec<Employee> = r.list().expect("e");
            let skills: Vec<Skill> = r.list().expect("s");
            let certs: Vec<Certification> = r.list().expect("c");
            let rows: Vec<Requirement> = r.list().expect("q");
            drop(r);
            // Refusals are part of the sequence: a refused write must leave the caches alone.
            let _ = match s {
                Step::Certify { employee, skill, level } => service::certify(&store, &actor, CertifyInput {
                    employee_id: employees[employee % employees.len()].id,
                    skill_id: skills[skill % skills.len()].id,
                    level,
                    achieved_at: None,
                    revision_id: None,
                    notes: String::new(),
                    attachments: vec![],
                    assessor: None,
                }).map(|_| ()),
                Step::Revoke { pick } if !certs.is_empty() => service::revoke(
                    &store, &actor, certs[pick % certs.len()].id,
                    RevokeInput { reason: "property test".into() },
                ).map(|_| ()),
                Step::AddRequirement { skill, level } => service::create::<Requirement>(&store, &actor, RequirementInput {
                    skill_id: skills[skill % skills.len()].id,
                    level,
                    site_id: None,
                    department_id: None,
                    role_id: None,
                    project_id: None,
                }).map(|_| ()),
                Step::DeleteRequirement { pick } if !rows.is_empty() => {
                    service::delete::<Requirement>(&store, &actor, rows[pick % rows.len()].id).map(|_| ())
                }
                Step::Rename { skill } => {
                    let s = &skills[skill % skills.len()];
                    store.write(&actor, |w| {
                        let mut n = s.clone();
                        n.name = format!("{} *", s.name);
                        w.put(&n)?;
                        w.audit("skill.update", "skill", Some(n.id), Some(s), Some(&n))?;
                        Ok::<_, ServiceError>(())
                    })
                }
                _ => Ok(()),
            };
            let mismatches = store.cache_mismatches().expect("compare");
            prop_assert!(mismatches.is_empty(), "{:?}", mismatches);
        }
    }
}

#[test]
fn expired_sessions_are_removed_from_the_store() {
    let (_dir, store) = demo();
    let login = |pw: &str, email: &str| service::login(&store, &Actor::default(), email, pw);
    login("caliber-admin-demo", "admin@caliber.local").expect("admin");
    login("caliber-auditor-demo", "auditor@caliber.local").expect("auditor");
    let count = || store.read().expect("r").session_count().expect("n");
    assert_eq!(count(), 2);
    let now = jiff::Timestamp::now();
    assert_eq!(
        service::remove_expired_sessions(&store, limits(), now).expect("sweep"),
        0,
        "live sessions stay"
    );
    let later = now + jiff::SignedDuration::from_mins(11);
    assert_eq!(
        service::remove_expired_sessions(&store, limits(), later).expect("sweep"),
        2,
        "idle past the limit: removed"
    );
    assert_eq!(count(), 0);
}
