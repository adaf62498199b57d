//! The qualification contract through the service and the JSON API on a real store: revisions
//! count only once in force and activate in order, and expiry in a DST fold or gap is
//! computed in the site's timezone when a certification is recorded.

mod common;

use caliber::domain::*;
use caliber::qualify::SkillStatus;
use caliber::service::{
    self, CertifyInput, EmployeeInput, RequirementInput, SiteInput, SkillInput,
};
use caliber::store::{Actor, Store};
use common::{TestServer, id};
use jiff::Timestamp;
use serde_json::{Value, json};

/// Issue 17's store: site Austin (America/Chicago), skill Lockout required at level 3 at the
/// site, Rev A active (requires retraining), Ana certified at level 3 on Rev A, then drafts
/// Rev B (requires retraining) and Rev C (does not).
struct Revisions {
    employee: String,
    list: String,
    rev_a: Value,
    rev_b: Value,
    rev_c: Value,
}

fn revisions(s: &TestServer) -> Revisions {
    let site = id(&s.ok(
        "POST",
        "/api/v1/sites",
        Some(json!({"code": "ATX-01", "name": "Austin", "timezone": "America/Chicago"})),
    ));
    let skill = id(&s.ok(
        "POST",
        "/api/v1/skills",
        Some(json!({"code": "LOTO", "name": "Lockout", "max_level": 3})),
    ));
    s.ok(
        "POST",
        "/api/v1/requirements",
        Some(json!({"skill_id": skill, "level": 3, "site_id": site})),
    );
    let employee = id(&s.ok(
        "POST",
        "/api/v1/employees",
        Some(json!({"number": "E1", "name": "Ana Ruiz", "site_id": site})),
    ));
    let list = format!("/api/v1/skills/{skill}/revisions");
    let rev_a = s.ok(
        "POST",
        &list,
        Some(json!({"label": "Rev A", "status": "active", "requires_retraining": true})),
    );
    let cert = s.ok(
        "POST",
        "/api/v1/certifications",
        Some(json!({"employee_id": employee, "skill_id": skill, "level": 3})),
    );
    assert_eq!(cert["revision_id"], rev_a["id"]);
    let rev_b = s.ok(
        "POST",
        &list,
        Some(json!({"label": "Rev B", "requires_retraining": true})),
    );
    let rev_c = s.ok(
        "POST",
        &list,
        Some(json!({"label": "Rev C", "requires_retraining": false})),
    );
    Revisions {
        employee,
        list,
        rev_a,
        rev_b,
        rev_c,
    }
}

fn qualification(s: &TestServer, employee: &str) -> Value {
    s.ok(
        "GET",
        &format!("/api/v1/employees/{employee}/qualification"),
        None,
    )
}

fn statuses(s: &TestServer, list: &str) -> Vec<String> {
    s.ok("GET", list, None)
        .as_array()
        .expect("revisions")
        .iter()
        .map(|r| format!("{} {}", r["label"], r["status"]))
        .collect()
}

#[test]
fn a_skipped_draft_never_makes_anyone_outdated() {
    let s = TestServer::start();
    let r = revisions(&s);
    let preview = s.ok(
        "GET",
        &format!("/api/v1/revisions/{}/activation-preview", id(&r.rev_c)),
        None,
    );
    assert_eq!(preview["replaces"]["label"], "Rev A");
    assert_eq!(
        preview["outdated_employees"],
        json!([]),
        "Rev B is skipped, never in force"
    );
    s.ok(
        "POST",
        &format!("/api/v1/revisions/{}/activate", id(&r.rev_c)),
        None,
    );
    assert_eq!(
        statuses(&s, &r.list),
        [
            "\"Rev A\" \"archived\"",
            "\"Rev B\" \"draft\"",
            "\"Rev C\" \"active\""
        ]
    );
    let q = qualification(&s, &r.employee);
    let line = &q["qualification"]["skills"][0];
    assert_eq!(line["status"], "VALID", "{q}");
    assert_eq!(line["revision_label"], "Rev A");
    assert_eq!(line["retraining_revision_label"], Value::Null);
    assert_eq!(q["verdict"]["verdict"], "green");
    let m = s.ok("GET", "/api/v1/matrix?status=OUTDATED", None);
    assert_eq!(m["rows"], json!([]), "the matrix judges the same");

    // A later revision that requires retraining is what makes Ana retrain, and it is named.
    let rev_d = s.ok(
        "POST",
        &r.list,
        Some(json!({"label": "Rev D", "requires_retraining": true})),
    );
    let preview = s.ok(
        "GET",
        &format!("/api/v1/revisions/{}/activation-preview", id(&rev_d)),
        None,
    );
    assert_eq!(preview["outdated_employees"][0]["name"], "Ana Ruiz");
    s.ok(
        "POST",
        &format!("/api/v1/revisions/{}/activate", id(&rev_d)),
        None,
    );
    let q = qualification(&s, &r.employee);
    let line = &q["qualification"]["skills"][0];
    assert_eq!(line["status"], "OUTDATED");
    assert_eq!(line["retraining_revision_label"], "Rev D");
    assert_eq!(
        q["verdict"]["reasons"][0]["message"],
        "Lockout — Rev D needs retraining"
    );
}

#[test]
fn an_older_draft_cannot_be_activated_after_a_newer_revision() {
    let s = TestServer::start();
    let r = revisions(&s);
    s.ok(
        "POST",
        &format!("/api/v1/revisions/{}/activate", id(&r.rev_c)),
        None,
    );
    let audit = s.audit_len();
    for path in [
        format!("/api/v1/revisions/{}/activate", id(&r.rev_b)),
        format!("/api/v1/revisions/{}/activation-preview", id(&r.rev_b)),
    ] {
        let method = if path.ends_with("activate") {
            "POST"
        } else {
            "GET"
        };
        let (st, body) = s.admin(method, &path, None);
        assert_eq!(st, 409, "{path}: {body}");
        assert_eq!(body["error"]["code"], "conflict");
        let message = body["error"]["message"].as_str().expect("message");
        assert!(
            message.contains("Rev B")
                && message.contains("Rev C")
                && message.contains("older than the active revision"),
            "{message}"
        );
    }
    // Nothing changed: Rev C stays active, Rev B a draft, Ana valid, no audit event.
    assert_eq!(s.audit_len(), audit);
    assert_eq!(
        statuses(&s, &r.list),
        [
            "\"Rev A\" \"archived\"",
            "\"Rev B\" \"draft\"",
            "\"Rev C\" \"active\""
        ]
    );
    assert_eq!(
        qualification(&s, &r.employee)["qualification"]["skills"][0]["status"],
        "VALID"
    );
    // An archived revision cannot be activated either (going back is a rollback).
    let (st, _) = s.admin(
        "POST",
        &format!("/api/v1/revisions/{}/activate", id(&r.rev_a)),
        None,
    );
    assert_eq!(st, 409);
}

fn actor() -> Actor {
    Actor::named("trainer@plant.example")
}

fn utc(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

/// A store with a site in `timezone`, a one-month skill everyone needs at level 1, and one
/// employee there.
fn one_month_skill(dir: &std::path::Path, timezone: &str) -> (Store, Employee, Skill) {
    let store = Store::open(dir).expect("open store");
    let site: Site = service::create(
        &store,
        &actor(),
        SiteInput {
            code: "SITE-01".into(),
            name: "Plant".into(),
            timezone: timezone.into(),
            warning_days: None,
        },
    )
    .expect("site");
    let skill: Skill = service::create(
        &store,
        &actor(),
        SkillInput {
            code: "FORK".into(),
            name: "Forklift".into(),
            description: String::new(),
            max_level: 1,
            validity_months: Some(1),
            needs_approval: None,
        },
    )
    .expect("skill");
    let _: Requirement = service::create(
        &store,
        &actor(),
        RequirementInput {
            skill_id: skill.id,
            level: 1,
            site_id: None,
            department_id: None,
            role_id: None,
            project_id: None,
        },
    )
    .expect("requirement");
    let employee: Employee = service::create(
        &store,
        &actor(),
        EmployeeInput {
            number: "E1".into(),
            name: "Ana Ruiz".into(),
            site_id: site.id,
            department_id: None,
            role_id: None,
            project_ids: vec![],
            status: None,
            user_id: None,
            language: None,
        },
    )
    .expect("employee");
    (store, employee, skill)
}

fn certify_at(store: &Store, employee: &Employee, skill: &Skill, at: &str) -> Certification {
    service::certify(
        store,
        &actor(),
        CertifyInput {
            employee_id: employee.id,
            skill_id: skill.id,
            level: 1,
            achieved_at: Some(utc(at)),
            revision_id: None,
            notes: String::new(),
            attachments: vec![],
            assessor: None,
        },
    )
    .expect("certify")
}

fn status_at(store: &Store, employee: &Employee, skill: &Skill, now: &str) -> SkillStatus {
    service::employee_qualification(store, employee.id, None, utc(now))
        .expect("qualification")
        .qualification
        .skill(skill.id)
        .expect("line")
        .status
}

#[test]
fn a_dst_fold_expires_at_the_earlier_instant() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana, fork) = one_month_skill(dir.path(), "America/Chicago");
    // 01:30 CDT on 3 Oct 2024. 01:30 on 3 Nov happens at 06:30Z (CDT) and 07:30Z (CST).
    let cert = certify_at(&store, &ana, &fork, "2024-10-03T06:30:00Z");
    assert_eq!(cert.expires_at, Some(utc("2024-11-03T06:30:00Z")));
    assert_eq!(
        status_at(&store, &ana, &fork, "2024-11-03T06:29:59Z"),
        SkillStatus::ExpiringSoon
    );
    // Fail safe: already expired during the hour the later 01:30 would still allow.
    for now in ["2024-11-03T06:30:00Z", "2024-11-03T07:29:59Z"] {
        assert_eq!(
            status_at(&store, &ana, &fork, now),
            SkillStatus::Expired,
            "{now}"
        );
    }
    let verdict =
        service::employee_qualification(&store, ana.id, None, utc("2024-11-03T07:00:00Z"))
            .expect("qualification")
            .verdict;
    assert!(!verdict.is_green());
    assert_eq!(verdict.reasons[0].message, "Forklift — expired 3 Nov 2024");
    // The record kept in the store says the same.
    let stored: Certification = store
        .read()
        .expect("read")
        .get(cert.id)
        .expect("get")
        .expect("stored");
    assert_eq!(stored.expires_at, Some(utc("2024-11-03T06:30:00Z")));
}

#[test]
fn a_dst_gap_expires_just_past_the_gap() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana, fork) = one_month_skill(dir.path(), "America/Chicago");
    // 02:30 CST on 10 Feb 2024; 02:30 on 10 Mar does not exist: 03:30 CDT.
    let cert = certify_at(&store, &ana, &fork, "2024-02-10T08:30:00Z");
    let expires = cert.expires_at.expect("expires");
    assert_eq!(expires, utc("2024-03-10T08:30:00Z"));
    let local = expires.to_zoned(jiff::tz::TimeZone::get("America/Chicago").expect("tz"));
    assert_eq!(
        local.datetime(),
        jiff::civil::date(2024, 3, 10).at(3, 30, 0, 0)
    );
    assert_eq!(
        status_at(&store, &ana, &fork, "2024-03-10T08:29:59Z"),
        SkillStatus::ExpiringSoon
    );
    assert_eq!(
        status_at(&store, &ana, &fork, "2024-03-10T08:30:00Z"),
        SkillStatus::Expired
    );
}

#[test]
fn the_same_instant_expires_by_each_sites_calendar() {
    // 01:30 CDT on 3 Oct 2024 in Chicago is 08:30 CEST in Berlin: a month later is the fold
    // in Chicago but a plain morning in Berlin (CET by then), an hour later in UTC.
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana, fork) = one_month_skill(dir.path(), "Europe/Berlin");
    let cert = certify_at(&store, &ana, &fork, "2024-10-03T06:30:00Z");
    assert_eq!(cert.expires_at, Some(utc("2024-11-03T07:30:00Z")));
}
