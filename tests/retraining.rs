//! Revisions that require retraining, through the service and the HTTP API on a real store:
//! the activation preview names exactly who the matrix shows as RETRAINING_DUE or OUTDATED
//! after activation (on the demo and on a generated site), grace periods keep people green
//! at the stations until their due date, and a mistaken activation can be rolled back.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use caliber::domain::{Employee, RevisionStatus, Skill, SkillRevision, Station};
use caliber::qualify::{SkillStatus, station_verdict};
use caliber::service::{self, ActivationInput, MatrixFilter, RevisionInput};
use caliber::store::{Actor, Store};
use common::{TestServer, id};
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

fn actor() -> Actor {
    Actor::named("skills@plant.example")
}

/// Employee → status in `skill`, for everyone the matrix shows RETRAINING_DUE or OUTDATED.
fn retraining_in_matrix(store: &Store, skill: Uuid, now: Timestamp) -> BTreeMap<Uuid, SkillStatus> {
    let filter = MatrixFilter {
        include_inactive: true,
        ..MatrixFilter::default()
    };
    let m = service::matrix(store, &filter, now).expect("matrix");
    let column = m.skills.iter().position(|s| s.id == skill).expect("column");
    m.rows
        .iter()
        .filter_map(|r| {
            let cell = r.cells.iter().find(|c| c.skill == column)?;
            matches!(
                cell.status,
                SkillStatus::RetrainingDue | SkillStatus::Outdated
            )
            .then_some((r.employee_id, cell.status))
        })
        .collect()
}

/// Stations (by name) at which each employee is green.
fn green_stations(store: &Store, now: Timestamp) -> BTreeMap<Uuid, BTreeSet<String>> {
    let catalog = store.catalog();
    let certs = store.certifications_by_employee().expect("certs");
    let people: Vec<Employee> = store.read().expect("read").list().expect("employees");
    let stations: Vec<&Station> = catalog
        .stations
        .values()
        .filter(|s| s.deleted_at.is_none())
        .collect();
    let none = Vec::new();
    people
        .iter()
        .filter(|e| e.deleted_at.is_none())
        .map(|e| {
            let mine = certs.get(&e.id).map_or(&none[..], |v| v.as_slice());
            let green = stations
                .iter()
                .filter(|st| {
                    station_verdict(&catalog, e, mine, Some(st), now)
                        .0
                        .is_green()
                })
                .map(|st| st.name.clone())
                .collect();
            (e.id, green)
        })
        .collect()
}

/// Add a draft that requires retraining to `skill`, preview its activation with `input`,
/// activate it, and check the preview against the matrix and the stations afterwards.
/// Returns how many people the preview listed (due, outdated).
fn preview_equals_outcome(store: &Store, skill: &Skill, input: ActivationInput) -> (usize, usize) {
    let now = Timestamp::now();
    let draft = service::create_revision(
        store,
        &actor(),
        skill.id,
        RevisionInput {
            label: format!(
                "Rev R{}",
                store
                    .read()
                    .expect("read")
                    .revisions_of(skill.id)
                    .expect("revs")
                    .len()
                    + 1
            ),
            change_log: "New guarding; everyone retrains.".into(),
            effective_date: None,
            requires_retraining: true,
            grace_days: 0,
            status: None,
        },
    )
    .expect("draft");
    let before = retraining_in_matrix(store, skill.id, now);
    let green_before = green_stations(store, now);
    let preview = service::activation_preview(store, draft.id, input, now).expect("preview");
    assert_eq!(
        preview.revision.status,
        RevisionStatus::Active,
        "as it would be"
    );

    service::activate_revision(store, &actor(), draft.id, input).expect("activate");
    let after = retraining_in_matrix(store, skill.id, now);
    let green_after = green_stations(store, now);

    // Who the matrix newly shows RETRAINING_DUE / OUTDATED is exactly who the preview named.
    let changed: BTreeMap<Uuid, SkillStatus> = after
        .iter()
        .filter(|(e, st)| before.get(e) != Some(st))
        .map(|(e, st)| (*e, *st))
        .collect();
    let mut listed = BTreeMap::new();
    for p in &preview.retraining_due_employees {
        assert_eq!(p.after, SkillStatus::RetrainingDue);
        assert!(p.retraining_due.is_some(), "{} has a due date", p.name);
        listed.insert(p.id, SkillStatus::RetrainingDue);
    }
    for p in &preview.outdated_employees {
        assert_eq!(p.after, SkillStatus::Outdated);
        listed.insert(p.id, SkillStatus::Outdated);
    }
    assert_eq!(listed, changed, "preview = matrix after activation");
    // The stations named are exactly those that let the person work before and not now.
    for p in preview
        .retraining_due_employees
        .iter()
        .chain(&preview.outdated_employees)
    {
        let was = &green_before[&p.id];
        let is = &green_after[&p.id];
        let refused: BTreeSet<String> = was.difference(is).cloned().collect();
        let named: BTreeSet<String> = p.refused_at.iter().cloned().collect();
        assert_eq!(named, refused, "{}", p.name);
        if p.after == SkillStatus::RetrainingDue {
            assert!(
                p.refused_at.is_empty(),
                "{} stays green in the grace period",
                p.name
            );
        }
    }
    (
        preview.retraining_due_employees.len(),
        preview.outdated_employees.len(),
    )
}

fn skill_named(store: &Store, name: &str) -> Skill {
    store
        .read()
        .expect("read")
        .list::<Skill>()
        .expect("skills")
        .into_iter()
        .find(|s| s.name == name)
        .expect("skill")
}

#[test]
fn the_activation_preview_equals_the_matrix_after_activation_on_the_demo() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    caliber::seed::seed_demo(&store, Timestamp::now()).expect("demo");
    // Without grace everyone on an older revision is OUTDATED at once.
    let safety = skill_named(&store, "Safety Protocols");
    let (due, outdated) = preview_equals_outcome(&store, &safety, ActivationInput::default());
    assert_eq!(due, 0);
    assert!(outdated > 0, "the demo has people on the old revision");
    // With a grace period they are RETRAINING_DUE and still green at the stations.
    let first_aid = skill_named(&store, "First Aid");
    let today = Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let (due, outdated) = preview_equals_outcome(
        &store,
        &first_aid,
        ActivationInput {
            effective_date: Some(today),
            grace_days: Some(30),
        },
    );
    assert!(due > 0, "First Aid holders become due");
    assert_eq!(outdated, 0);
}

#[test]
fn the_activation_preview_equals_the_matrix_after_activation_on_a_generated_site() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let now = Timestamp::now();
    caliber::seed::generate(&store, 300, 12, 11, now).expect("generate");
    let mut skills: Vec<Skill> = store.read().expect("read").list().expect("skills");
    skills.sort_by(|a, b| a.name.cmp(&b.name));
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let mut total = (0, 0);
    for (i, skill) in skills.iter().take(4).enumerate() {
        let input = match i % 2 {
            0 => ActivationInput::default(),
            _ => ActivationInput {
                effective_date: Some(today - jiff::Span::new().days(10)),
                grace_days: Some(20),
            },
        };
        let (due, outdated) = preview_equals_outcome(&store, skill, input);
        total = (total.0 + due, total.1 + outdated);
    }
    assert!(total.0 > 0 && total.1 > 0, "both kinds seen: {total:?}");
}

/// Through HTTP: activate with a grace period, the employee is green with a dated warning,
/// the activation is audited; rolling back makes the previous revision active again
/// (audited) and the employee VALID; there is nothing further to roll back.
#[test]
fn grace_period_and_rollback_over_http() {
    let s = TestServer::start();
    let site = s.ok(
        "POST",
        "/api/v1/sites",
        Some(json!({"code": "AUS", "name": "Austin", "timezone": "America/Chicago"})),
    );
    let skill = s.ok(
        "POST",
        "/api/v1/skills",
        Some(json!({"code": "LOTO", "name": "Lockout", "max_level": 2})),
    );
    let skill_id = id(&skill);
    let revs = format!("/api/v1/skills/{skill_id}/revisions");
    let rev_a = s.ok(
        "POST",
        &revs,
        Some(json!({"label": "Rev A", "status": "active"})),
    );
    s.ok(
        "POST",
        "/api/v1/requirements",
        Some(json!({"skill_id": skill_id, "level": 1})),
    );
    let emp = s.ok(
        "POST",
        "/api/v1/employees",
        Some(json!({"number": "E1", "name": "Ana Ruiz", "site_id": id(&site)})),
    );
    let emp_id = id(&emp);
    s.ok(
        "POST",
        "/api/v1/certifications",
        Some(json!({"employee_id": emp_id, "skill_id": skill_id, "level": 1})),
    );
    let rev_b = s.ok(
        "POST",
        &revs,
        Some(json!({"label": "Rev B", "requires_retraining": true})),
    );
    let today = Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let query = format!("effective_date={today}&grace_days=14");
    let preview = s.ok(
        "GET",
        &format!(
            "/api/v1/revisions/{}/activation-preview?{query}",
            id(&rev_b)
        ),
        None,
    );
    assert_eq!(preview["revision"]["grace_days"], 14);
    assert_eq!(preview["retraining_due_employees"][0]["name"], "Ana Ruiz");
    assert_eq!(preview["outdated_employees"], json!([]));
    // A grace period beyond the limit is refused with a reason.
    let (st, body) = s.admin(
        "POST",
        &format!(
            "/api/v1/revisions/{}/activate?grace_days=100000",
            id(&rev_b)
        ),
        None,
    );
    assert_eq!(st, 422, "{body}");
    assert_eq!(body["error"]["field"], "grace_days");
    let audit_before = s.audit_len();
    let change = s.ok(
        "POST",
        &format!("/api/v1/revisions/{}/activate?{query}", id(&rev_b)),
        None,
    );
    assert_eq!(change["active"]["label"], "Rev B");
    assert_eq!(change["replaced"]["label"], "Rev A");
    assert_eq!(
        s.audit_len(),
        audit_before + 2,
        "archive and activate audited"
    );

    let q = s.ok(
        "GET",
        &format!("/api/v1/employees/{emp_id}/qualification"),
        None,
    );
    let line = &q["qualification"]["skills"][0];
    assert_eq!(line["status"], "RETRAINING_DUE", "{q}");
    assert_eq!(line["retraining_revision_label"], "Rev B");
    let due = line["retraining_due"].as_str().expect("due date");
    let due_day = due
        .parse::<Timestamp>()
        .expect("timestamp")
        .to_zoned(jiff::tz::TimeZone::get("America/Chicago").expect("zone"))
        .date();
    assert_eq!(due_day, today + jiff::Span::new().days(14));
    assert_eq!(q["verdict"]["verdict"], "green");
    assert_eq!(q["verdict"]["warnings"][0]["code"], "retraining_due");
    let m = s.ok("GET", "/api/v1/matrix?status=RETRAINING_DUE", None);
    assert_eq!(
        m["rows"][0]["name"], "Ana Ruiz",
        "the matrix shows the same"
    );

    // Roll back: Rev A is active again, Rev B a draft, Ana VALID; both steps audited.
    let audit_before = s.audit_len();
    let change = s.ok("POST", &format!("{revs}/rollback"), None);
    assert_eq!(change["active"]["id"], rev_a["id"]);
    assert_eq!(change["replaced"]["status"], "draft");
    assert_eq!(s.audit_len(), audit_before + 2);
    let list = s.ok("GET", &revs, None);
    let statuses: Vec<&str> = list
        .as_array()
        .expect("revisions")
        .iter()
        .filter_map(|r| r["status"].as_str())
        .collect();
    assert_eq!(statuses, ["active", "draft"]);
    let q = s.ok(
        "GET",
        &format!("/api/v1/employees/{emp_id}/qualification"),
        None,
    );
    assert_eq!(q["qualification"]["skills"][0]["status"], "VALID");
    let events = s.ok("GET", "/api/v1/audit?entity=skill_revision", None);
    let text = events.to_string();
    assert!(text.contains("skill_revision.rollback"), "{text}");
    assert!(text.contains("skill_revision.reactivate"), "{text}");
    // Nothing before Rev A: a second rollback is a conflict with a reason.
    let (st, body) = s.admin("POST", &format!("{revs}/rollback"), None);
    assert_eq!(st, 409, "{body}");
    assert!(body.to_string().contains("nothing to go back to"), "{body}");
    // The withdrawn draft can be activated again later.
    let change = s.ok(
        "POST",
        &format!("/api/v1/revisions/{}/activate", id(&rev_b)),
        None,
    );
    assert_eq!(change["active"]["label"], "Rev B");
    let _: Vec<SkillRevision> = s
        .store
        .read()
        .expect("read")
        .revisions_of(Uuid::parse_str(&skill_id).expect("uuid"))
        .expect("revisions");
}
