//! The JSON API over a real socket: the happy path from an empty store to a scan, every kind
//! of bad input (with the store left unchanged), roles, and the OpenAPI document.

mod common;

use caliber::domain::AppRole;
use common::{TestServer, id};
use serde_json::{Value, json};

/// A small site: one site, department, role, project, skill with a requirement, an employee.
struct Site {
    site: String,
    project: String,
    skill: String,
    employee: Value,
}

fn small_site(s: &TestServer) -> Site {
    let site = id(&s.ok(
        "POST",
        "/api/v1/sites",
        Some(json!({"code": "ATX-01", "name": "Austin", "timezone": "America/Chicago"})),
    ));
    let dept = id(&s.ok(
        "POST",
        "/api/v1/departments",
        Some(json!({"name": "Molding"})),
    ));
    let role = id(&s.ok("POST", "/api/v1/roles", Some(json!({"name": "Technician"}))));
    let project = id(&s.ok(
        "POST",
        "/api/v1/projects",
        Some(json!({"code": "L1", "name": "Line 1", "site_id": site})),
    ));
    let skill = id(&s.ok(
        "POST",
        "/api/v1/skills",
        Some(json!({"code": "MOLD", "name": "Injection Molding", "max_level": 3, "validity_months": 24})),
    ));
    s.ok(
        "POST",
        "/api/v1/requirements",
        Some(json!({"skill_id": skill, "level": 2, "role_id": role})),
    );
    let employee = s.ok(
        "POST",
        "/api/v1/employees",
        Some(json!({"number": "E1", "name": "Ana Ruiz", "site_id": site,
                    "department_id": dept, "role_id": role, "project_ids": [project]})),
    );
    Site {
        site,
        project,
        skill,
        employee,
    }
}

/// The badge token of employee `emp`, from the badge endpoint (the only place it is shown).
fn badge_of(s: &TestServer, emp: &str) -> String {
    s.ok("GET", &format!("/api/v1/employees/{emp}/badge"), None)["badge_token"]
        .as_str()
        .expect("badge token")
        .to_owned()
}

#[test]
fn certify_scan_revoke_end_to_end() {
    let s = TestServer::start();
    let site = small_site(&s);
    let emp = id(&site.employee);
    let badge = badge_of(&s, &emp);

    // Required but never certified: MISSING, red.
    let q = s.ok(
        "GET",
        &format!("/api/v1/employees/{emp}/qualification"),
        None,
    );
    assert_eq!(q["qualification"]["skills"][0]["status"], "MISSING");
    assert_eq!(q["qualification"]["skills"][0]["required_level"], 2);
    assert_eq!(
        q["qualification"]["skills"][0]["sources"][0]["scope"],
        "Role: Technician"
    );
    assert_eq!(q["verdict"]["verdict"], "red");

    // Certify at level 2: VALID, green.
    let cert = s.ok(
        "POST",
        "/api/v1/certifications",
        Some(json!({"employee_id": emp, "skill_id": site.skill, "level": 2, "notes": "press 4"})),
    );
    assert!(
        cert["expires_at"].is_string(),
        "24-month skill expires: {cert}"
    );
    let q = s.ok(
        "GET",
        &format!("/api/v1/employees/{emp}/qualification"),
        None,
    );
    assert_eq!(q["qualification"]["skills"][0]["status"], "VALID");
    assert_eq!(q["verdict"]["verdict"], "green");

    // The matrix shows the cell.
    let m = s.ok(
        "GET",
        &format!("/api/v1/matrix?site_id={}", site.site),
        None,
    );
    assert_eq!(m["rows"].as_array().expect("rows").len(), 1);
    assert_eq!(m["rows"][0]["cells"][0]["status"], "VALID");
    let m = s.ok("GET", "/api/v1/matrix?status=MISSING", None);
    assert_eq!(m["rows"].as_array().expect("rows").len(), 0);

    // A station on the project scans the badge URL: green, recorded.
    let station = s.ok(
        "POST",
        "/api/v1/stations",
        Some(json!({"name": "Press 4", "project_id": site.project})),
    );
    let key = station["key"].as_str().expect("key").to_owned();
    let (st, v) = s.call(
        "POST",
        "/api/v1/scans",
        Some(&key),
        Some(&json!({"payload": format!("https://caliber.local/b/{badge}")})),
    );
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["verdict"], "green");
    assert_eq!(v["employee_name"], "Ana Ruiz");

    // Revoke: MISSING again, and the kiosk says red with the reason.
    let cert_id = id(&cert);
    s.ok(
        "POST",
        &format!("/api/v1/certifications/{cert_id}/revoke"),
        Some(json!({"reason": "failed observation"})),
    );
    let m = s.ok("GET", "/api/v1/matrix", None);
    assert_eq!(m["rows"][0]["cells"][0]["status"], "MISSING");
    let (_, v) = s.call(
        "POST",
        "/api/v1/scans",
        Some(&key),
        Some(&json!({"payload": badge})),
    );
    assert_eq!(v["verdict"], "red");
    assert_eq!(
        v["reasons"][0]["message"],
        "Injection Molding — not certified"
    );

    let scans = s.ok("GET", "/api/v1/scans", None);
    assert_eq!(scans["items"].as_array().expect("scans").len(), 2);
    assert_eq!(scans["items"][0]["verdict"], "red", "newest first");

    // Regenerating the badge voids the old one: amber "replaced".
    s.ok("POST", &format!("/api/v1/employees/{emp}/badge"), None);
    let (_, v) = s.call(
        "POST",
        "/api/v1/scans",
        Some(&key),
        Some(&json!({"payload": badge})),
    );
    assert_eq!(v["verdict"], "amber");
    assert_eq!(v["reasons"][0]["code"], "badge_replaced");

    // Everything above is in an intact audit chain.
    let report = s.ok("GET", "/api/v1/audit/verify", None);
    assert_eq!(report["intact"], true);
    let audit = s.ok("GET", "/api/v1/audit?entity=certification", None);
    let actions: Vec<&str> = audit
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(actions, ["certification.revoke", "certification.create"]);
}

/// Assert a JSON error with `status`, and that nothing was written.
fn refused(s: &TestServer, got: (u16, Value), status: u16, needle: &str, audit_before: u64) {
    let (st, v) = got;
    assert_eq!(st, status, "{v}");
    let msg = v["error"]["message"].as_str().unwrap_or_default();
    assert!(
        msg.to_lowercase().contains(&needle.to_lowercase()),
        "message {msg:?} should mention {needle:?}"
    );
    assert_eq!(
        s.audit_len(),
        audit_before,
        "a refused request wrote something"
    );
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let s = TestServer::start();
    let site = small_site(&s);
    let emp = id(&site.employee);
    let a = s.audit_len();
    let token = s.admin.clone();
    let post_raw = |path: &str, body: &str| {
        s.post_raw(path, Some(&token), "application/json", body.as_bytes())
    };

    refused(
        &s,
        post_raw("/api/v1/employees", "{\"number\": "),
        400,
        "request body",
        a,
    );
    refused(
        &s,
        post_raw("/api/v1/employees", "{\"number\": 5}"),
        422,
        "request body",
        a,
    );
    refused(
        &s,
        s.admin("GET", "/api/v1/employees/not-a-uuid", None),
        400,
        "path",
        a,
    );
    refused(
        &s,
        s.admin(
            "GET",
            &format!("/api/v1/employees/{}", caliber::domain::new_id()),
            None,
        ),
        404,
        "not found",
        a,
    );
    refused(
        &s,
        s.admin(
            "POST",
            "/api/v1/employees",
            Some(&json!({"number": "E1", "name": "Someone Else", "site_id": site.site})),
        ),
        409,
        "employee number 'E1' is already in use",
        a,
    );
    refused(
        &s,
        s.admin(
            "POST",
            "/api/v1/certifications",
            Some(&json!({"employee_id": emp, "skill_id": site.skill, "level": 4})),
        ),
        422,
        "out of range",
        a,
    );
    refused(
        &s,
        s.admin(
            "POST",
            "/api/v1/sites",
            Some(&json!({"code": "X", "name": "X", "timezone": "Mars/Olympus"})),
        ),
        422,
        "unknown timezone",
        a,
    );

    // A requirement naming a deleted skill.
    let gone = id(&s.ok(
        "POST",
        "/api/v1/skills",
        Some(json!({"code": "OLD", "name": "Old Skill", "max_level": 1})),
    ));
    s.ok("DELETE", &format!("/api/v1/skills/{gone}"), None);
    let a = s.audit_len();
    refused(
        &s,
        s.admin(
            "POST",
            "/api/v1/requirements",
            Some(&json!({"skill_id": gone, "level": 1})),
        ),
        422,
        "deleted",
        a,
    );

    // A second active revision.
    s.ok(
        "POST",
        &format!("/api/v1/skills/{}/revisions", site.skill),
        Some(json!({"label": "Rev A", "status": "active"})),
    );
    let a = s.audit_len();
    refused(
        &s,
        s.admin(
            "POST",
            &format!("/api/v1/skills/{}/revisions", site.skill),
            Some(&json!({"label": "Rev B", "status": "active"})),
        ),
        409,
        "already has an active revision",
        a,
    );

    // Revoke without a reason.
    let cert = id(&s.ok(
        "POST",
        "/api/v1/certifications",
        Some(json!({"employee_id": emp, "skill_id": site.skill, "level": 2})),
    ));
    let a = s.audit_len();
    refused(
        &s,
        s.admin(
            "POST",
            &format!("/api/v1/certifications/{cert}/revoke"),
            Some(&json!({"reason": "  "})),
        ),
        422,
        "reason is required",
        a,
    );

    // A scan whose payload is not a badge is refused before any lookup and not recorded.
    let key = s.ok("POST", "/api/v1/stations", Some(json!({"name": "Gate"})))["key"]
        .as_str()
        .expect("key")
        .to_owned();
    let before = s.ok("GET", "/api/v1/scans", None)["items"]
        .as_array()
        .expect("scans")
        .len();
    let (st, v) = s.call(
        "POST",
        "/api/v1/scans",
        Some(&key),
        Some(&json!({"payload": "BEGIN:VCARD\nFN:Mallory\nEND:VCARD"})),
    );
    assert_eq!(st, 422, "{v}");
    let (st, _) = s.call(
        "POST",
        "/api/v1/scans",
        Some("stn_wrong"),
        Some(&json!({"payload": badge_of(&s, &id(&site.employee))})),
    );
    assert_eq!(st, 401);
    let after = s.ok("GET", "/api/v1/scans", None)["items"]
        .as_array()
        .expect("scans")
        .len();
    assert_eq!(before, after);
}

#[test]
fn roles_are_enforced_on_the_server() {
    let s = TestServer::start();
    let site = small_site(&s);
    let emp = id(&site.employee);
    let viewer = s.token(AppRole::Viewer);
    let trainer = s.token(AppRole::Trainer);
    let auditor = s.token(AppRole::Auditor);
    let manager = s.token(AppRole::SkillManager);

    let (st, v) = s.call("GET", "/api/v1/matrix", None, None);
    assert_eq!(st, 401, "{v}");
    assert_eq!(v["error"]["code"], "unauthorized");
    assert_eq!(
        s.call("GET", "/api/v1/matrix", Some("cal_nope"), None).0,
        401
    );
    assert_eq!(s.call("GET", "/api/v1/matrix", Some(&viewer), None).0, 403);
    assert_eq!(s.call("GET", "/api/v1/matrix", Some(&auditor), None).0, 200);

    let certify = json!({"employee_id": emp, "skill_id": site.skill, "level": 2});
    assert_eq!(
        s.call(
            "POST",
            "/api/v1/certifications",
            Some(&auditor),
            Some(&certify)
        )
        .0,
        403
    );
    let (st, cert) = s.call(
        "POST",
        "/api/v1/certifications",
        Some(&trainer),
        Some(&certify),
    );
    assert_eq!(st, 201);
    let revoke = json!({"reason": "wrong person"});
    let path = format!("/api/v1/certifications/{}/revoke", id(&cert));
    assert_eq!(s.call("POST", &path, Some(&trainer), Some(&revoke)).0, 403);
    assert_eq!(s.call("POST", &path, Some(&manager), Some(&revoke)).0, 200);

    assert_eq!(s.call("GET", "/api/v1/audit", Some(&trainer), None).0, 403);
    assert_eq!(s.call("GET", "/api/v1/audit", Some(&auditor), None).0, 200);
    assert_eq!(s.call("GET", "/api/v1/users", Some(&manager), None).0, 403);
    let skill = json!({"code": "X", "name": "X", "max_level": 1});
    assert_eq!(
        s.call("POST", "/api/v1/skills", Some(&trainer), Some(&skill))
            .0,
        403
    );
    assert_eq!(
        s.call("POST", "/api/v1/skills", Some(&manager), Some(&skill))
            .0,
        201
    );

    // Tokens made through the API work, and stop working when revoked.
    let (st, t) = s.call(
        "POST",
        "/api/v1/tokens",
        Some(&s.admin),
        Some(&json!({"name": "hr-sync", "role": "auditor"})),
    );
    assert_eq!(st, 201);
    let secret = t["secret"].as_str().expect("secret").to_owned();
    assert_eq!(s.call("GET", "/api/v1/matrix", Some(&secret), None).0, 200);
    s.ok(
        "DELETE",
        &format!("/api/v1/tokens/{}", id(&t["token"])),
        None,
    );
    assert_eq!(s.call("GET", "/api/v1/matrix", Some(&secret), None).0, 401);
}

#[test]
fn openapi_matches_routes_and_health_reports_counts() {
    let s = TestServer::start();
    small_site(&s);
    let (st, doc) = s.call("GET", "/api/v1/openapi.json", None, None);
    assert_eq!(st, 200);
    assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
    let paths = doc["paths"].as_object().expect("paths");
    for p in [
        "/healthz",
        "/api/v1/employees/{id}/qualification",
        "/api/v1/matrix",
        "/api/v1/scans",
        "/api/v1/certifications/{id}/revoke",
        "/api/v1/revisions/{id}/activate",
    ] {
        assert!(
            paths.contains_key(p),
            "{p} missing from the OpenAPI document"
        );
    }
    // Every documented GET without path parameters answers (not 404/405) for an admin.
    for (path, item) in paths {
        if item.get("get").is_some() && !path.contains('{') {
            let (st, v) = s.admin("GET", path, None);
            assert!(st == 200, "GET {path} -> {st}: {v}");
        }
    }
    // Anonymous: status and version only.
    let (st, h) = s.call("GET", "/healthz", None, None);
    assert_eq!(st, 200);
    assert_eq!(h["status"], "ok");
    assert!(h["version"].is_string());
    assert!(
        h.get("counts").is_none() && h.get("store_bytes").is_none(),
        "{h}"
    );
    // With a token: sizes and counts.
    let (st, h) = s.admin("GET", "/healthz", None);
    assert_eq!(st, 200);
    assert_eq!(h["counts"]["employees"], 1);
    assert_eq!(h["counts"]["requirements"], 1);
    assert!(h["store_bytes"].as_u64().expect("size") > 0);
}

#[test]
fn evidence_attachments_round_trip() {
    let s = TestServer::start();
    let site = small_site(&s);
    let token = s.admin.clone();
    let (st, att) = s.post_raw(
        "/api/v1/attachments?name=../../etc/sheet.pdf",
        Some(&token),
        "application/pdf",
        b"%PDF-1.4 training sheet",
    );
    assert_eq!(st, 201, "{att}");
    assert_eq!(att["name"], "sheet.pdf", "path components are stripped");
    let sha = att["sha256"].as_str().expect("sha").to_owned();
    let cert = s.ok(
        "POST",
        "/api/v1/certifications",
        Some(
            json!({"employee_id": id(&site.employee), "skill_id": site.skill, "level": 1,
                    "attachments": [sha]}),
        ),
    );
    assert_eq!(cert["attachments"][0], sha);
    let (st, _) = s.admin(
        "POST",
        "/api/v1/certifications",
        Some(
            &json!({"employee_id": id(&site.employee), "skill_id": site.skill, "level": 1,
                     "attachments": ["00"]}),
        ),
    );
    assert_eq!(st, 422);
    let (st, body) = s.admin("GET", &format!("/api/v1/attachments/{sha}"), None);
    assert_eq!(st, 200);
    assert_eq!(body, Value::String("%PDF-1.4 training sheet".into()));
}

/// Evidence is served as the type its bytes are, from an allow-list: a PDF shows inline as a
/// PDF, while a page claiming to be a picture downloads as opaque bytes (it must never run as
/// a page on the box's origin), whatever the uploader said.
#[test]
fn evidence_is_served_as_what_it_is_never_as_the_uploader_claimed() {
    let s = TestServer::start();
    let upload = |name: &str, claimed: &str, bytes: &[u8]| {
        let (st, att) = s.post_raw(
            &format!("/api/v1/attachments?name={name}"),
            Some(&s.admin),
            claimed,
            bytes,
        );
        assert_eq!(st, 201, "{att}");
        att
    };
    let page = upload(
        "photo.png",
        "image/png",
        b"<html><script>alert(document.cookie)</script></html>",
    );
    assert_eq!(page["mime"], "application/octet-stream");
    let pdf = upload("sheet.pdf", "text/html", b"%PDF-1.7 signed sheet");
    assert_eq!(pdf["mime"], "application/pdf");
    let headers = |sha: &str| {
        let resp = ureq::get(&format!("{}/api/v1/attachments/{sha}", s.base))
            .header("authorization", &format!("Bearer {}", s.admin))
            .call()
            .expect("download");
        let h = |n: &str| {
            resp.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        (
            h("content-type"),
            h("content-disposition"),
            h("x-content-type-options"),
        )
    };
    let (ty, disposition, nosniff) = headers(page["sha256"].as_str().expect("sha"));
    assert_eq!(ty, "application/octet-stream");
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert_eq!(nosniff, "nosniff");
    let (ty, disposition, _) = headers(pdf["sha256"].as_str().expect("sha"));
    assert_eq!(ty, "application/pdf");
    assert!(disposition.starts_with("inline;"), "{disposition}");
}

/// Badge tokens are secrets (whoever has one can turn a station green for someone else):
/// they leave the server only to the roles that print badges and only on the badge
/// endpoint; station key hashes and API token hashes never leave it.
#[test]
fn secrets_leave_the_server_only_on_the_badge_endpoint() {
    let s = TestServer::start();
    let site = small_site(&s);
    let emp = id(&site.employee);
    assert!(
        site.employee.get("badge_token").is_none(),
        "create: {}",
        site.employee
    );
    let badge = badge_of(&s, &emp);
    let station = s.ok("POST", "/api/v1/stations", Some(json!({"name": "Press 1"})));
    assert!(station["station"].get("key_hash").is_none(), "{station}");
    let trainer = s.token(AppRole::Trainer);
    let auditor = s.token(AppRole::Auditor);
    for path in [
        "/api/v1/employees".to_owned(),
        format!("/api/v1/employees/{emp}"),
        "/api/v1/stations".to_owned(),
        "/api/v1/tokens".to_owned(),
        "/api/v1/scans".to_owned(),
        "/api/v1/audit".to_owned(),
        format!("/api/v1/audit?entity=employee&entity_id={emp}"),
    ] {
        let (st, body) = s.admin("GET", &path, None);
        assert_eq!(st, 200, "{path}: {body}");
        let text = body.to_string();
        assert!(!text.contains(&badge), "{path} shows a badge token");
        if !path.contains("audit") {
            for field in ["badge_token", "key_hash", "token_hash"] {
                assert!(!text.contains(field), "{path} shows {field}");
            }
        }
    }
    for who in [&trainer, &auditor] {
        let (st, _) = s.call(
            "GET",
            &format!("/api/v1/employees/{emp}/badge"),
            Some(who),
            None,
        );
        assert_eq!(st, 403, "only badge printers see badge tokens");
    }
    // A new badge is shown once to whoever regenerates it, and the old one is void.
    let fresh = s.ok("POST", &format!("/api/v1/employees/{emp}/badge"), None);
    let fresh = fresh["badge_token"].as_str().expect("new token").to_owned();
    assert_ne!(fresh, badge);
    assert_eq!(badge_of(&s, &emp), fresh);
}

/// Every list is paged: at most `limit` items (default 100, never more than 1000) and a
/// cursor that walks the whole list once, in order, without repeats.
#[test]
fn lists_come_a_page_at_a_time() {
    let s = TestServer::start();
    for n in 0..7 {
        s.ok(
            "POST",
            "/api/v1/roles",
            Some(json!({"name": format!("Role {n}")})),
        );
    }
    let mut names = Vec::new();
    let mut path = "/api/v1/roles?limit=3".to_owned();
    let mut pages = 0;
    loop {
        let page = s.ok("GET", &path, None);
        let items = page["items"].as_array().expect("items");
        assert!(items.len() <= 3, "{page}");
        names.extend(
            items
                .iter()
                .map(|r| r["name"].as_str().expect("name").to_owned()),
        );
        pages += 1;
        match page["next"].as_str() {
            Some(next) => path = format!("/api/v1/roles?limit=3&after={next}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let expected: Vec<String> = (0..7).map(|n| format!("Role {n}")).collect();
    assert_eq!(names, expected, "every record once, oldest first");
    let all = s.ok("GET", "/api/v1/roles?limit=100000", None);
    assert_eq!(all["items"].as_array().expect("items").len(), 7);
    assert!(all["next"].is_null());
    let (st, _) = s.admin("GET", "/api/v1/roles?after=not-a-cursor", None);
    assert_eq!(st, 400);
}

/// A station key is checked before the body is read, and a refused station still gets its
/// 401 answer (the body is read and thrown away), not a reset connection.
#[test]
fn a_wrong_station_key_gets_a_401_not_a_reset_connection() {
    let s = TestServer::start();
    let big = vec![b'x'; 1024 * 1024];
    for round in 0..10 {
        let (st, v) = s.post_raw_method(
            "PUT",
            "/api/v1/station/mirror",
            Some("stn_made_up"),
            "image/png",
            &big,
        );
        assert_eq!(st, 401, "round {round}: {v}");
        assert_eq!(v["error"]["code"], "unauthorized", "{v}");
        let (st, _) = s.post_raw_method(
            "POST",
            "/api/v1/scans",
            Some("stn_made_up"),
            "application/json",
            br#"{"payload": "x"}"#,
        );
        assert_eq!(st, 401, "round {round}");
    }
}

#[test]
fn activating_a_retraining_revision_outdates_earlier_certifications() {
    let s = TestServer::start();
    let site = small_site(&s);
    let emp = id(&site.employee);
    let revs = format!("/api/v1/skills/{}/revisions", site.skill);
    let rev_a = s.ok(
        "POST",
        &revs,
        Some(json!({"label": "Rev A", "status": "active"})),
    );
    assert_eq!(rev_a["status"], "active");
    let cert = s.ok(
        "POST",
        "/api/v1/certifications",
        Some(json!({"employee_id": emp, "skill_id": site.skill, "level": 2})),
    );
    assert_eq!(
        cert["revision_id"], rev_a["id"],
        "certified on the active revision"
    );

    // A draft that does not need retraining outdates nobody.
    let rev_b = s.ok(
        "POST",
        &revs,
        Some(json!({"label": "Rev B", "requires_retraining": false})),
    );
    assert_eq!(rev_b["status"], "draft");
    let preview = s.ok(
        "GET",
        &format!("/api/v1/revisions/{}/activation-preview", id(&rev_b)),
        None,
    );
    assert_eq!(
        preview["outdated_employees"]
            .as_array()
            .expect("list")
            .len(),
        0
    );
    s.ok(
        "POST",
        &format!("/api/v1/revisions/{}/activate", id(&rev_b)),
        None,
    );
    let q = s.ok(
        "GET",
        &format!("/api/v1/employees/{emp}/qualification"),
        None,
    );
    assert_eq!(q["qualification"]["skills"][0]["status"], "VALID");

    // Rev C requires retraining: the preview names the employee, activation makes it so.
    let rev_c = s.ok(
        "POST",
        &revs,
        Some(json!({"label": "Rev C", "requires_retraining": true})),
    );
    let preview = s.ok(
        "GET",
        &format!("/api/v1/revisions/{}/activation-preview", id(&rev_c)),
        None,
    );
    assert_eq!(preview["replaces"]["label"], "Rev B");
    assert_eq!(preview["outdated_employees"][0]["name"], "Ana Ruiz");
    // The preview changed nothing.
    let q = s.ok(
        "GET",
        &format!("/api/v1/employees/{emp}/qualification"),
        None,
    );
    assert_eq!(q["qualification"]["skills"][0]["status"], "VALID");

    s.ok(
        "POST",
        &format!("/api/v1/revisions/{}/activate", id(&rev_c)),
        None,
    );
    let list = s.ok("GET", &revs, None);
    let statuses: Vec<&str> = list
        .as_array()
        .expect("revisions")
        .iter()
        .filter_map(|r| r["status"].as_str())
        .collect();
    assert_eq!(statuses, ["archived", "archived", "active"]);
    let q = s.ok(
        "GET",
        &format!("/api/v1/employees/{emp}/qualification"),
        None,
    );
    assert_eq!(q["qualification"]["skills"][0]["status"], "OUTDATED");
    assert_eq!(
        q["verdict"]["reasons"][0]["message"],
        "Injection Molding — Rev C needs retraining"
    );
    // Activating again is a conflict.
    let (st, _) = s.admin(
        "POST",
        &format!("/api/v1/revisions/{}/activate", id(&rev_c)),
        None,
    );
    assert_eq!(st, 409);
}

#[test]
fn kiosk_mirror_keeps_the_last_screen_of_a_station() {
    let s = TestServer::start();
    let station = s.ok("POST", "/api/v1/stations", Some(json!({"name": "Press 9"})));
    let key = station["key"].as_str().expect("key").to_owned();
    let id = id(&station["station"]);
    let path = format!("/api/v1/stations/{id}/mirror.png");
    assert_eq!(s.admin("GET", &path, None).0, 404, "nothing shown yet");
    let (st, _) = s.post_raw_method(
        "PUT",
        "/api/v1/station/mirror",
        Some(&key),
        "image/png",
        b"GIF89a",
    );
    assert_eq!(st, 422, "only PNG");
    let png = b"\x89PNG\r\n\x1a\nrest-of-a-screen";
    let (st, _) = s.post_raw_method(
        "PUT",
        "/api/v1/station/mirror",
        Some("stn_wrong"),
        "image/png",
        png,
    );
    assert_eq!(st, 401);
    let (st, _) = s.post_raw_method(
        "PUT",
        "/api/v1/station/mirror",
        Some(&key),
        "image/png",
        png,
    );
    assert_eq!(st, 204);
    let (st, body) = s.admin("GET", &path, None);
    assert_eq!(st, 200);
    assert!(
        body.as_str()
            .is_some_and(|b| b.contains("rest-of-a-screen"))
    );
    let viewer = s.token(AppRole::Viewer);
    assert_eq!(s.call("GET", &path, Some(&viewer), None).0, 403);
}

/// Every route of the API, listed from the router's own OpenAPI document, refuses a caller
/// without credentials: a new route that forgets its `Principal` or station key fails here.
#[test]
fn every_api_route_refuses_anonymous_callers() {
    let s = TestServer::start();
    let doc = caliber::api::openapi();
    let nobody = "00000000-0000-0000-0000-000000000000";
    let public = ["/healthz"];
    let mut checked = 0;
    for (path, item) in &doc.paths.paths {
        let concrete: String = path
            .split('/')
            .map(|seg| if seg.starts_with('{') { nobody } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        let methods = [
            ("GET", item.get.is_some()),
            ("POST", item.post.is_some()),
            ("PUT", item.put.is_some()),
            ("PATCH", item.patch.is_some()),
            ("DELETE", item.delete.is_some()),
        ];
        for (method, present) in methods {
            if !present || public.contains(&path.as_str()) {
                continue;
            }
            let body = (method != "GET" && method != "DELETE").then(|| json!({}));
            let (st, v) = s.call(method, &concrete, None, body.as_ref());
            assert_eq!(st, 401, "anonymous {method} {path}: {v}");
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} routes listed");
}

/// The status line a raw HTTP request gets: the body is written as far as the server takes
/// it (a server that refuses early may close the connection mid-body), then the answer read.
fn raw_status(base: &str, head: &str, body: &[u8]) -> String {
    use std::io::{Read, Write};
    let addr = base.trim_start_matches("http://");
    let mut tcp = std::net::TcpStream::connect(addr).expect("connect");
    tcp.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .expect("timeout");
    tcp.write_all(
        format!(
            "{head}Host: {addr}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    )
    .expect("send head");
    let _ = tcp.write_all(body);
    let mut answer = [0u8; 12];
    tcp.read_exact(&mut answer).expect("an answer");
    String::from_utf8_lossy(&answer).into_owned()
}

/// A station route checks the key before it reads the body, and every route has a body limit
/// of its own size: a made-up key with a large body is a 401, an over-long scan a 413.
#[test]
fn station_keys_are_checked_before_bodies_and_limits_are_per_route() {
    let s = TestServer::start();
    let created = caliber::service::create_station(
        &s.store,
        &caliber::store::Actor::named("test"),
        caliber::service::StationInput {
            name: "Press 1".into(),
            project_id: None,
            extra_skills: vec![],
        },
    )
    .expect("station");
    // A made-up key announcing a 19 MB body that never comes: answered 401 at once, without
    // waiting for (or buffering) the body.
    {
        use std::io::{Read, Write};
        let addr = s.base.trim_start_matches("http://");
        let mut tcp = std::net::TcpStream::connect(addr).expect("connect");
        tcp.set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .expect("timeout");
        write!(
            tcp,
            "POST /api/v1/scans HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer stn_made_up\r\n\
             Content-Type: application/json\r\nContent-Length: 19000000\r\n\r\n{{\"payload\""
        )
        .expect("send headers");
        let mut answer = [0u8; 12];
        tcp.read_exact(&mut answer)
            .expect("an answer before the body");
        assert_eq!(
            &answer,
            b"HTTP/1.1 401",
            "{}",
            String::from_utf8_lossy(&answer)
        );
    }
    let json = "Content-Type: application/json\r\n";
    let long = serde_json::to_vec(&json!({"payload": "x".repeat(10_000)})).expect("json");
    let head = format!(
        "POST /api/v1/scans HTTP/1.1\r\nAuthorization: Bearer {}\r\n{json}",
        created.key
    );
    assert_eq!(raw_status(&s.base, &head, &long), "HTTP/1.1 413");
    // An ordinary JSON route: far below the attachment limit.
    let site =
        serde_json::to_vec(&json!({"code": "X", "name": "y".repeat(400_000), "timezone": "UTC"}))
            .expect("json");
    let head = format!(
        "POST /api/v1/sites HTTP/1.1\r\nAuthorization: Bearer {}\r\n{json}",
        s.admin
    );
    assert_eq!(raw_status(&s.base, &head, &site), "HTTP/1.1 413");
    // Evidence files still go up to their own limit.
    let big = vec![b'x'; 1024 * 1024];
    let (st, v) = s.post_raw(
        "/api/v1/attachments?name=scan.pdf",
        Some(&s.admin),
        "application/pdf",
        &big,
    );
    assert_eq!(st, 201, "{v}");
}

/// `POST /api/v1/backups` answers with the bundle when it is written in time; while another
/// backup runs it is refused with 409 and the list says since when one runs.
#[test]
fn backups_through_the_api_one_at_a_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = std::sync::Arc::new(caliber::store::Store::open(dir.path()).expect("store"));
    caliber::seed::seed_demo(&store, jiff::Timestamp::now()).expect("seed");
    let (_, admin) = caliber::service::create_token(
        &store,
        &caliber::store::Actor::named("test"),
        caliber::service::TokenInput {
            name: "admin".into(),
            role: AppRole::Admin,
        },
    )
    .expect("token");
    let state = caliber::app::AppState::new(store.clone());
    let running = state.backup.running.clone();
    let base = common::serve_state(state);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let call = |method: &str| {
        let url = format!("{base}/api/v1/backups");
        let auth = format!("Bearer {admin}");
        let mut r = if method == "POST" {
            agent.post(&url).header("authorization", &auth).send_empty()
        } else {
            agent.get(&url).header("authorization", &auth).call()
        }
        .expect("request");
        let body: Value = r.body_mut().read_json().unwrap_or(Value::Null);
        (r.status().as_u16(), body)
    };
    let (st, made) = call("POST");
    assert_eq!(st, 201, "{made}");
    assert_eq!(made["sequence"], 1);
    let (_, list) = call("GET");
    assert_eq!(list["bundles"][0]["name"], made["name"]);
    assert!(list["running_since"].is_null());

    let slot = running.try_begin().expect("free");
    let (st, refused) = call("POST");
    assert_eq!(st, 409, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("running since")),
        "{refused}"
    );
    assert!(call("GET").1["running_since"].is_string());
    assert_eq!(call("GET").1["bundles"].as_array().map(Vec::len), Some(1));
    drop(slot);
    let (st, made) = call("POST");
    assert_eq!((st, made["sequence"].as_u64()), (201, Some(2)));
}

/// Every list a request may carry has a cap: one entry over it is refused with 422 naming the
/// field and the cap, before anything is looked up or written.
#[test]
fn lists_in_requests_are_capped() {
    use caliber::service::{
        MAX_ATTACHMENTS, MAX_BATCH_LINES, MAX_EXTRA_SKILLS, MAX_PROJECTS_PER_EMPLOYEE,
    };
    let s = TestServer::start();
    let site = small_site(&s);
    let a = s.audit_len();
    let shas = vec!["0".repeat(64); MAX_ATTACHMENTS + 1];
    refused(
        &s,
        s.admin(
            "POST",
            "/api/v1/certifications",
            Some(
                &json!({"employee_id": id(&site.employee), "skill_id": site.skill,
                         "level": 2, "attachments": shas}),
            ),
        ),
        422,
        &format!("at most {MAX_ATTACHMENTS}"),
        a,
    );
    let projects = vec![site.project.clone(); MAX_PROJECTS_PER_EMPLOYEE + 1];
    refused(
        &s,
        s.admin(
            "POST",
            "/api/v1/employees",
            Some(&json!({"number": "E2", "name": "Bo", "site_id": site.site,
                         "project_ids": projects})),
        ),
        422,
        &format!("at most {MAX_PROJECTS_PER_EMPLOYEE}"),
        a,
    );
    let extra: Vec<Value> = (0..=MAX_EXTRA_SKILLS)
        .map(|_| json!({"skill_id": site.skill, "level": 1}))
        .collect();
    refused(
        &s,
        s.admin(
            "POST",
            "/api/v1/stations",
            Some(&json!({"name": "Press 9", "extra_skills": extra})),
        ),
        422,
        &format!("at most {MAX_EXTRA_SKILLS}"),
        a,
    );
    // The quick-certify batch has no API route; its cap is the service's.
    let lines = vec!["E1".to_owned(); MAX_BATCH_LINES + 1];
    let err = caliber::service::certify_batch(
        &s.store,
        &caliber::store::Actor::named("test"),
        caliber::service::BatchCertifyInput {
            employees: lines,
            skill_id: site.skill.parse().expect("uuid"),
            level: 1,
            achieved_on: jiff::civil::date(2026, 1, 5),
            revision_id: None,
            notes: String::new(),
            attachments: Vec::new(),
            assessor: None,
            evidence: Vec::new(),
        },
    )
    .expect_err("over the cap");
    assert!(
        format!("{err:?}").contains(&format!("at most {MAX_BATCH_LINES}")),
        "{err:?}"
    );
    assert_eq!(s.audit_len(), a);
}
