//! Four-eyes approval over HTTP on a real store: a certification in a skill that needs
//! approval does not count until a second trainer or skill manager — never the certifier —
//! approves it; a rejected one never counts; approvers see the pending list.

mod common;

use caliber::domain::AppRole;
use common::{TestServer, id};
use serde_json::json;

#[test]
fn a_pending_certification_counts_only_after_a_second_person_approves_it() {
    let s = TestServer::start();
    let site = s.ok(
        "POST",
        "/api/v1/sites",
        Some(json!({"code": "AUS", "name": "Austin", "timezone": "America/Chicago"})),
    );
    let skill = s.ok(
        "POST",
        "/api/v1/skills",
        Some(json!({"code": "CRANE", "name": "Overhead Crane", "max_level": 1, "needs_approval": true})),
    );
    assert_eq!(skill["needs_approval"], true);
    let skill_id = id(&skill);
    s.ok(
        "POST",
        "/api/v1/requirements",
        Some(json!({"skill_id": skill_id, "level": 1})),
    );
    let emp = s.ok(
        "POST",
        "/api/v1/employees",
        Some(json!({"number": "E7", "name": "Lee Chen", "site_id": id(&site)})),
    );
    let emp_id = id(&emp);
    let certifier = s.token(AppRole::Trainer);
    let second = s.token(AppRole::Trainer);
    let viewer = s.token(AppRole::Viewer);
    let status = || {
        let q = s.ok(
            "GET",
            &format!("/api/v1/employees/{emp_id}/qualification"),
            None,
        );
        q["qualification"]["skills"][0]["status"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    };

    let (st, cert) = s.call(
        "POST",
        "/api/v1/certifications",
        Some(&certifier),
        Some(
            &json!({"employee_id": emp_id, "skill_id": skill_id, "level": 1,
            "notes": "Lifted the test load twice"}),
        ),
    );
    assert_eq!(st, 201, "{cert}");
    assert_eq!(cert["approval"], "pending");
    assert_eq!(status(), "MISSING", "pending does not count");

    let (st, list) = s.call("GET", "/api/v1/certifications/pending", Some(&second), None);
    assert_eq!(st, 200);
    assert_eq!(list[0]["id"], cert["id"]);
    // The whole record, free text included (the cache it is picked from keeps only facts).
    assert_eq!(list[0]["notes"], "Lifted the test load twice");
    assert_eq!(list[0]["certified_by"], cert["certified_by"]);
    assert!(cert["certified_by"].as_str().is_some_and(|b| !b.is_empty()));
    let (st, _) = s.call("GET", "/api/v1/certifications/pending", Some(&viewer), None);
    assert_eq!(st, 403, "viewers do not approve");

    let approve = format!("/api/v1/certifications/{}/approve", id(&cert));
    let (st, body) = s.call("POST", &approve, Some(&certifier), Some(&json!({})));
    assert_eq!(st, 403, "the certifier cannot approve: {body}");
    assert!(body.to_string().contains("four-eyes"), "{body}");
    assert_eq!(status(), "MISSING");

    let audit_before = s.audit_len();
    let (st, approved) = s.call("POST", &approve, Some(&second), Some(&json!({})));
    assert_eq!(st, 200, "{approved}");
    assert!(
        approved["approval"]["approved"]["by"].is_string(),
        "{approved}"
    );
    assert_eq!(s.audit_len(), audit_before + 1, "approval audited");
    assert_eq!(status(), "VALID");
    let (st, _) = s.call("POST", &approve, Some(&second), Some(&json!({})));
    assert_eq!(st, 409, "approved once");
    let (_, list) = s.call("GET", "/api/v1/certifications/pending", Some(&second), None);
    assert_eq!(list, json!([]));
}

#[test]
fn a_rejected_certification_never_counts_and_needs_a_reason() {
    let s = TestServer::start();
    let site = s.ok(
        "POST",
        "/api/v1/sites",
        Some(json!({"code": "AUS", "name": "Austin", "timezone": "America/Chicago"})),
    );
    let skill = s.ok(
        "POST",
        "/api/v1/skills",
        Some(json!({"code": "CRANE", "name": "Overhead Crane", "max_level": 1, "needs_approval": true})),
    );
    let skill_id = id(&skill);
    s.ok(
        "POST",
        "/api/v1/requirements",
        Some(json!({"skill_id": skill_id, "level": 1})),
    );
    let emp = s.ok(
        "POST",
        "/api/v1/employees",
        Some(json!({"number": "E8", "name": "Jo Park", "site_id": id(&site)})),
    );
    let emp_id = id(&emp);
    let certifier = s.token(AppRole::Trainer);
    let manager = s.token(AppRole::SkillManager);
    let (_, cert) = s.call(
        "POST",
        "/api/v1/certifications",
        Some(&certifier),
        Some(&json!({"employee_id": emp_id, "skill_id": skill_id, "level": 1})),
    );
    let reject = format!("/api/v1/certifications/{}/reject", id(&cert));
    let (st, body) = s.call(
        "POST",
        &reject,
        Some(&manager),
        Some(&json!({"reason": " "})),
    );
    assert_eq!(st, 422, "{body}");
    let (st, body) = s.call(
        "POST",
        &reject,
        Some(&manager),
        Some(&json!({"reason": "Assessed on the wrong crane"})),
    );
    assert_eq!(st, 200, "{body}");
    assert_eq!(
        body["approval"]["rejected"]["reason"],
        "Assessed on the wrong crane"
    );
    let q = s.ok(
        "GET",
        &format!("/api/v1/employees/{emp_id}/qualification"),
        None,
    );
    assert_eq!(q["qualification"]["skills"][0]["status"], "MISSING");
    assert_eq!(q["verdict"]["verdict"], "red");
    let (st, _) = s.call(
        "POST",
        &format!("/api/v1/certifications/{}/approve", id(&cert)),
        Some(&manager),
        Some(&json!({})),
    );
    assert_eq!(st, 409, "a rejected certification cannot be approved");
}
