//! The supervisor UI's certify form and requirement changes over a real socket on a demo
//! site: the assessor and evidence on the certify form (multipart, one transaction with the
//! certifications, errors beside the fields, files kept for a resubmission), scanned badges
//! and the revision choice, the assessor through the API and the CSV import and export,
//! four-eyes and the assessor, and the impact preview with confirmation for adding,
//! changing and deleting requirement rows, in the web UI and the API.

mod common;

use caliber::domain::{
    AppRole, Approval, Attachment, Certification, Employee, EmployeeStatus, Requirement, Skill,
    User,
};
use caliber::service;
use caliber::store::{Actor, Store};
use common::{TestServer, WebAgent, WebSession};
use serde_json::{Value, json};

/// A demo site served on port 0, with a browser that follows no redirects.
struct Site {
    s: TestServer,
    web: WebAgent,
}

/// A response: status, body as text, `Location`.
type Answer = (u16, String, String);

fn site() -> Site {
    let s = TestServer::start();
    caliber::seed::seed_demo(&s.store, jiff::Timestamp::now()).expect("seed");
    let web = WebAgent::new(&s.base);
    Site { s, web }
}

impl Site {
    fn store(&self) -> &Store {
        &self.s.store
    }

    fn login(&self, email: &str, password: &str) -> WebSession {
        self.web
            .login(email, password)
            .unwrap_or_else(|(status, _)| panic!("login {email}: {status}"))
    }

    fn trainer(&self) -> WebSession {
        self.login("trainer.atx@caliber.local", "caliber-trainer-demo")
    }

    fn get(&self, s: &WebSession, path: &str) -> Answer {
        self.web.get(s, path)
    }

    fn post(&self, s: &WebSession, path: &str, form: &[(&str, &str)]) -> Answer {
        self.web.post(s, path, form)
    }

    /// Post the certify form as the browser does, with files.
    fn post_files(
        &self,
        s: &WebSession,
        path: &str,
        form: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Answer {
        self.web.post_files(s, path, form, files)
    }

    fn attachments(&self) -> usize {
        self.store()
            .read()
            .expect("r")
            .attachments()
            .expect("a")
            .len()
    }

    fn head(&self) -> u64 {
        self.s.audit_len()
    }
}

/// A skill nobody holds yet.
fn new_skill(store: &Store, code: &str, max_level: u8, four_eyes: bool) -> Skill {
    service::create(
        store,
        &Actor::named("test"),
        service::SkillInput {
            code: code.into(),
            name: format!("Skill {code}"),
            description: String::new(),
            max_level,
            validity_months: Some(12),
            needs_approval: Some(four_eyes),
        },
    )
    .expect("skill")
}

/// Active employees not linked to any login (any trainer may certify them).
fn plain_employees(store: &Store, n: usize) -> Vec<Employee> {
    let r = store.read().expect("r");
    let linked: Vec<uuid::Uuid> = r
        .list::<User>()
        .expect("users")
        .into_iter()
        .filter_map(|u| u.employee_id)
        .collect();
    r.list::<Employee>()
        .expect("employees")
        .into_iter()
        .filter(|e| e.status == EmployeeStatus::Active && !linked.contains(&e.id))
        .take(n)
        .collect()
}

fn certs_of(store: &Store, employee: &Employee, skill: &Skill) -> Vec<Certification> {
    store
        .read()
        .expect("r")
        .certifications_of(employee.id)
        .expect("certs")
        .into_iter()
        .filter(|c| c.skill_id == skill.id)
        .collect()
}

const PDF: &[u8] = b"%PDF-1.4\n% practical assessment sheet\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\nphoto of the assessed weld";

/// The certify form records who assessed (besides who certified) and the evidence files:
/// the files' records and audit events are written in the certifications' transaction,
/// every certification of the form names them, and the employee page and the cell detail
/// show the assessor and the evidence, which downloads as uploaded.
#[test]
fn certify_form_records_the_assessor_and_the_evidence_with_the_certification() {
    let w = site();
    let trainer = w.trainer();
    let skill = new_skill(w.store(), "EV1", 2, false);
    let people = plain_employees(w.store(), 2);
    let (_, page, _) = w.get(&trainer, "/certify");
    assert!(
        page.contains("enctype=\"multipart/form-data\"") && page.contains("type=\"file\""),
        "the form takes files"
    );
    assert!(
        page.contains("id=\"assessor\"") && page.contains("<option value=\"Maria Gonzalez\">"),
        "an assessor field offering the people who certify: {page}"
    );
    let lines = format!("{}\n{}", people[0].number, people[1].number);
    let sid = skill.id.to_string();
    let before = w.head();
    let (st, body, loc) = w.post_files(
        &trainer,
        "/certify",
        &[
            ("employees", &lines),
            ("skill_id", &sid),
            ("level", "2"),
            ("achieved_on", "2026-01-05"),
            ("assessor", "Dana Whitfield (TÜV examiner)"),
            ("notes", "weld practical"),
        ],
        &[
            ("evidence", "practical.pdf", PDF),
            ("evidence", "weld.png", PNG),
        ],
    );
    assert_eq!(st, 303, "{body}");
    assert!(loc.contains("done="), "{loc}");
    for person in &people {
        let certs = certs_of(w.store(), person, &skill);
        assert_eq!(certs.len(), 1);
        let c = &certs[0];
        assert_eq!(c.assessor.as_deref(), Some("Dana Whitfield (TÜV examiner)"));
        assert_eq!(c.certified_by, "trainer.atx@caliber.local");
        assert_eq!(c.attachments.len(), 2, "both files on every certification");
    }
    let c = certs_of(w.store(), &people[0], &skill).remove(0);
    let r = w.store().read().expect("r");
    let files: Vec<Attachment> = c
        .attachments
        .iter()
        .map(|sha| r.attachment(sha).expect("read").expect("record"))
        .collect();
    assert_eq!(
        files
            .iter()
            .map(|a| (a.name.as_str(), a.mime.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("practical.pdf", "application/pdf"),
            ("weld.png", "image/png")
        ]
    );
    // One transaction: the two files and the two certifications, stamped with one instant.
    let events = r.audit_events(before + 1..=u64::MAX).expect("events");
    drop(r);
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        vec![
            "attachment.create",
            "attachment.create",
            "certification.create",
            "certification.create"
        ]
    );
    assert!(events.iter().all(|e| e.at == events[0].at), "{events:?}");
    assert!(
        events
            .iter()
            .all(|e| e.actor == "trainer.atx@caliber.local"),
        "{events:?}"
    );

    let (_, page, _) = w.get(&trainer, &format!("/employees/{}", people[0].id));
    assert!(page.contains("Dana Whitfield (TÜV examiner)"), "{page}");
    assert!(
        page.contains("recorded by trainer.atx@caliber.local"),
        "{page}"
    );
    let (st, cell, _) = w.get(
        &trainer,
        &format!("/matrix/{}/{}", people[0].number, skill.code),
    );
    assert_eq!(st, 200);
    assert!(cell.contains("Dana Whitfield (TÜV examiner)"), "{cell}");
    assert!(
        cell.contains(&format!("/attachments/{}", files[0].sha256)) && cell.contains("weld.png"),
        "{cell}"
    );
    let (st, download, _) = w.get(&trainer, &format!("/attachments/{}", files[0].sha256));
    assert_eq!(st, 200);
    assert_eq!(download.as_bytes(), PDF);

    // The same files again with another person: no second record, no second event.
    let third = plain_employees(w.store(), 3).remove(2);
    let n = w.attachments();
    let at = w.head();
    let (st, body, _) = w.post_files(
        &trainer,
        "/certify",
        &[
            ("employees", &third.number),
            ("skill_id", &sid),
            ("level", "1"),
            ("achieved_on", "2026-01-06"),
        ],
        &[("evidence", "practical-copy.pdf", PDF)],
    );
    assert_eq!(st, 303, "{body}");
    assert_eq!(w.attachments(), n);
    assert_eq!(w.head(), at + 1, "only the certification");
    let c = certs_of(w.store(), &third, &skill).remove(0);
    assert_eq!(c.attachments, vec![files[0].sha256.clone()]);
    assert_eq!(c.assessor, None, "the certifier assessed");
}

/// A refused line certifies nobody and writes no evidence record; the page names the line,
/// keeps what was typed and the files (as hidden fields, so nobody chooses them again), and
/// the corrected resubmission attaches them.
#[test]
fn a_refused_line_writes_no_evidence_and_the_files_are_kept_for_the_resubmission() {
    let w = site();
    let trainer = w.trainer();
    let skill = new_skill(w.store(), "EV2", 1, false);
    let person = plain_employees(w.store(), 1).remove(0);
    let sid = skill.id.to_string();
    let lines = format!("{}\nE2005", person.number); // Sofia has left
    let (n, at) = (w.attachments(), w.head());
    let (st, page, _) = w.post_files(
        &trainer,
        "/certify",
        &[
            ("employees", &lines),
            ("skill_id", &sid),
            ("level", "1"),
            ("achieved_on", "2026-01-05"),
            ("assessor", "R. Okafor"),
        ],
        &[("evidence", "sheet.pdf", PDF)],
    );
    assert_eq!(st, 422, "{page}");
    assert!(page.contains("Line 2 (<code>E2005</code>)"), "{page}");
    assert!(page.contains("value=\"R. Okafor\""), "the assessor is kept");
    assert_eq!(w.attachments(), n, "no evidence record");
    assert_eq!(w.head(), at, "nothing written");
    assert!(certs_of(w.store(), &person, &skill).is_empty());
    let kept = page
        .split("name=\"kept\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the file is kept as a hidden field")
        .to_owned();
    assert!(kept.ends_with("/sheet.pdf"), "{kept}");
    assert!(page.contains("Kept from your last submission"), "{page}");

    let (st, body, _) = w.post_files(
        &trainer,
        "/certify",
        &[
            ("employees", &person.number),
            ("skill_id", &sid),
            ("level", "1"),
            ("achieved_on", "2026-01-05"),
            ("assessor", "R. Okafor"),
            ("kept", &kept),
        ],
        &[],
    );
    assert_eq!(st, 303, "{body}");
    let c = certs_of(w.store(), &person, &skill).remove(0);
    assert_eq!(c.attachments.len(), 1);
    assert!(kept.starts_with(&c.attachments[0]));
    assert_eq!(w.attachments(), n + 1);
}

/// Files that are not a PDF or a photo, evidence over the size limit, and a bad assessor
/// come back beside their fields on the form (never a bare error page) and write nothing.
#[test]
fn evidence_and_assessor_errors_come_back_beside_their_fields() {
    let w = site();
    let trainer = w.trainer();
    let skill = new_skill(w.store(), "EV3", 1, false);
    let person = plain_employees(w.store(), 1).remove(0);
    let sid = skill.id.to_string();
    let base = [
        ("employees", person.number.as_str()),
        ("skill_id", sid.as_str()),
        ("level", "1"),
        ("achieved_on", "2026-01-05"),
    ];
    let (n, at) = (w.attachments(), w.head());
    let is_form = |page: &str| page.contains("action=\"/certify\"") && page.contains("<nav");

    let (st, page, _) = w.post_files(
        &trainer,
        "/certify",
        &base,
        &[("evidence", "setup.exe", b"MZ\x90\x00 not evidence")],
    );
    assert_eq!(st, 422);
    assert!(is_form(&page), "{page}");
    assert!(
        page.contains("id=\"evidence-error\"")
            && page.contains("setup.exe is not a PDF or a photo"),
        "{page}"
    );

    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(service::MAX_EVIDENCE_BYTES + 1, b'0');
    let (st, page, _) = w.post_files(
        &trainer,
        "/certify",
        &base,
        &[("evidence", "scan.pdf", &big)],
    );
    assert_eq!(st, 422);
    assert!(is_form(&page));
    assert!(
        page.contains("id=\"evidence-error\"") && page.contains("larger than 20 MB together"),
        "{page}"
    );
    assert!(page.contains(&person.number), "what was typed is kept");

    let long = "x".repeat(service::MAX_ASSESSOR_CHARS + 1);
    let mut form = base.to_vec();
    form.push(("assessor", &long));
    let (st, page, _) = w.post_files(&trainer, "/certify", &form, &[]);
    assert_eq!(st, 422);
    assert!(
        page.contains("id=\"assessor-error\"") && page.contains("longer than 120 characters"),
        "{page}"
    );
    // Nobody assesses themselves: refused on that person's line.
    let mut form = base.to_vec();
    form.push(("assessor", &person.name));
    let (st, page, _) = w.post_files(&trainer, "/certify", &form, &[]);
    assert_eq!(st, 422);
    assert!(
        page.contains("Line 1 (<code>") && page.contains("cannot be their own assessor"),
        "{page}"
    );
    // A skill deleted meanwhile names no field: above the form, not a bare page.
    let gone = new_skill(w.store(), "EV4", 1, false);
    service::delete::<Skill>(w.store(), &Actor::named("test"), gone.id).expect("delete");
    let gid = gone.id.to_string();
    let form = [
        ("employees", person.number.as_str()),
        ("skill_id", gid.as_str()),
        ("level", "1"),
        ("achieved_on", "2026-01-05"),
    ];
    let (st, page, _) = w.post_files(&trainer, "/certify", &form, &[]);
    assert_eq!(st, 422);
    assert!(is_form(&page));
    assert!(page.contains("id=\"skill-error\""), "{page}");

    assert_eq!(w.attachments(), n);
    assert_eq!(
        w.head(),
        at + 2,
        "only the test's own skill and its deletion"
    );
    assert!(certs_of(w.store(), &person, &skill).is_empty());
}

/// Scanned badges (the QR URL as a USB scanner types it, or the bare token) name people on
/// the certify form, and the revision choice defaults to the active revision, takes a
/// superseded one when chosen, and refuses a draft beside the field.
#[test]
fn the_certify_form_takes_scanned_badges_and_a_revision_choice() {
    let w = site();
    let trainer = w.trainer();
    let skill = new_skill(w.store(), "SCAN", 1, false);
    let people = plain_employees(w.store(), 3);
    let sid = skill.id.to_string();
    let lines = format!(
        "https://caliber.plant.example/b/{}\n{}",
        people[0].badge_token.as_str(),
        people[1].badge_token.as_str()
    );
    let (st, body, _) = w.post(
        &trainer,
        "/certify",
        &[
            ("employees", &lines),
            ("skill_id", &sid),
            ("level", "1"),
            ("achieved_on", "2026-01-05"),
        ],
    );
    assert_eq!(st, 303, "{body}");
    assert_eq!(certs_of(w.store(), &people[0], &skill).len(), 1);
    assert_eq!(certs_of(w.store(), &people[1], &skill).len(), 1);

    let safety = w
        .store()
        .catalog()
        .skills
        .values()
        .find(|s| s.code == "SAFE")
        .cloned()
        .expect("safety");
    let revisions = w
        .store()
        .read()
        .expect("r")
        .revisions_of(safety.id)
        .expect("revs");
    let rev = |label: &str| {
        revisions
            .iter()
            .find(|r| r.label == label)
            .expect("revision")
            .id
    };
    let (rev_a, rev_b) = (rev("Rev A"), rev("Rev B"));
    let (_, page, _) = w.get(&trainer, "/certify");
    assert!(
        page.contains("Safety Protocols · Rev A (superseded)"),
        "a superseded revision is labelled"
    );
    let safe = safety.id.to_string();
    let post = |person: &Employee, revision: String, day: &str| {
        w.post(
            &trainer,
            "/certify",
            &[
                ("employees", &person.number),
                ("skill_id", &safe),
                ("level", "1"),
                ("achieved_on", day),
                ("revision_id", &revision),
            ],
        )
    };
    let earlier: Vec<uuid::Uuid> = certs_of(w.store(), &people[2], &safety)
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(post(&people[2], String::new(), "2026-01-07").0, 303);
    assert_eq!(post(&people[2], rev_a.to_string(), "2026-01-08").0, 303);
    let mut got: Vec<Option<uuid::Uuid>> = certs_of(w.store(), &people[2], &safety)
        .into_iter()
        .filter(|c| !earlier.contains(&c.id))
        .map(|c| c.revision_id)
        .collect();
    got.sort();
    let mut want = vec![Some(rev_a), Some(rev_b)];
    want.sort();
    assert_eq!(got, want, "active by default, Rev A when chosen");
    let draft = service::create_revision(
        w.store(),
        &Actor::named("test"),
        safety.id,
        service::RevisionInput {
            label: "Rev Z".into(),
            change_log: String::new(),
            effective_date: None,
            requires_retraining: false,
            grace_days: 0,
            status: None,
        },
    )
    .expect("draft");
    let (st, page, _) = post(&people[2], draft.id.to_string(), "2026-01-09");
    assert_eq!(st, 422);
    assert!(
        page.contains("id=\"revision-error\"") && page.contains("still a draft"),
        "{page}"
    );
}

/// The API takes and returns the assessor (and documents it), refuses naming the employee
/// as their own assessor, and the CSV export and import carry it: an import records the
/// importing login as certifier and the sheet's trainer as assessor.
#[test]
fn the_api_and_the_csv_import_and_export_carry_the_assessor() {
    let w = site();
    let skill = new_skill(w.store(), "APIA", 1, false);
    let people = plain_employees(w.store(), 2);
    let trainer = w.s.token(AppRole::Trainer);
    let (st, cert) = w.s.call(
        "POST",
        "/api/v1/certifications",
        Some(&trainer),
        Some(&json!({
            "employee_id": people[0].id, "skill_id": skill.id, "level": 1,
            "achieved_at": "2026-01-05T15:00:00Z", "assessor": "  Dana Whitfield  "
        })),
    );
    assert_eq!(st, 201, "{cert}");
    assert_eq!(cert["assessor"], "Dana Whitfield");
    assert!(
        cert["certified_by"]
            .as_str()
            .is_some_and(|b| b.starts_with("token:trainer-")),
        "{cert}"
    );
    let (st, again) = w.s.call(
        "GET",
        &format!(
            "/api/v1/certifications/{}",
            cert["id"].as_str().expect("id")
        ),
        Some(&trainer),
        None,
    );
    assert_eq!((st, &again["assessor"]), (200, &cert["assessor"]));
    let (st, refused) = w.s.call(
        "POST",
        "/api/v1/certifications",
        Some(&trainer),
        Some(&json!({
            "employee_id": people[1].id, "skill_id": skill.id, "level": 1,
            "assessor": people[1].name
        })),
    );
    assert_eq!(st, 403, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("own assessor"))
    );
    let doc = w.s.ok("GET", "/api/v1/openapi.json", None);
    for schema in ["CertifyInput", "Certification"] {
        assert!(
            doc["components"]["schemas"][schema]["properties"]["assessor"].is_object(),
            "{schema} documents the assessor"
        );
    }

    // Export: the assessor column; import with a trainer column: assessor, not certifier.
    let (st, csv) = w.s.call(
        "GET",
        "/api/v1/exports?kind=certifications",
        Some(&w.s.admin),
        None,
    );
    assert_eq!(st, 200);
    let csv = csv.as_str().expect("csv").to_owned();
    let header = csv.lines().next().expect("header");
    assert_eq!(
        header,
        "employee_number,skill,revision,level,achieved_on,expires_on,assessor,notes"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with(&format!("{},APIA,", people[0].number))
                && l.contains(",Dana Whitfield,")),
        "{csv}"
    );
    let importer = w.s.token(AppRole::SkillManager);
    let file = format!(
        "employee_number,skill,level,achieved_on,trainer\n{},APIA,1,2026-01-12,J. Trainer\n",
        people[1].number
    );
    let (st, report) = w.s.post_raw(
        "/api/v1/imports?kind=certifications&name=history.csv",
        Some(&importer),
        "text/csv",
        file.as_bytes(),
    );
    assert_eq!(st, 200, "{report}");
    let imported = certs_of(w.store(), &people[1], &skill).remove(0);
    assert_eq!(imported.assessor.as_deref(), Some("J. Trainer"));
    assert!(
        imported.certified_by.starts_with("token:skill_manager-"),
        "{imported:?}"
    );
    // Importing it again changes nothing.
    let at = w.head();
    let (st, report) = w.s.post_raw(
        "/api/v1/imports?kind=certifications&name=history.csv",
        Some(&importer),
        "text/csv",
        file.as_bytes(),
    );
    assert_eq!(st, 200, "{report}");
    assert_eq!(report["unchanged"], 1, "{report}");
    assert_eq!(w.head(), at, "nothing written");
}

/// Four-eyes: whoever is named as assessor may not approve, by login or by the name of
/// the employee linked to their login; another trainer may.
#[test]
fn four_eyes_refuses_the_assessor_as_approver() {
    let w = site();
    let skill = new_skill(w.store(), "FEA", 1, true);
    let person = plain_employees(w.store(), 1).remove(0);
    let r = w.store().read().expect("r");
    let users = r.list::<User>().expect("users");
    let atx = users
        .iter()
        .find(|u| u.email == "trainer.atx@caliber.local")
        .expect("atx trainer");
    let atx_name = r
        .get::<Employee>(atx.employee_id.expect("linked"))
        .expect("get")
        .expect("employee")
        .name;
    drop(r);
    let cert = service::certify(
        w.store(),
        &Actor::named("hr-sync"),
        serde_json::from_value::<service::CertifyInput>(json!({
            "employee_id": person.id, "skill_id": skill.id, "level": 1, "assessor": atx_name
        }))
        .expect("input"),
    )
    .expect("certify");
    assert_eq!(cert.approval, Approval::Pending);
    let atx_session = w.trainer();
    let (_, page, _) = w.get(&atx_session, "/approvals");
    assert!(
        !page.contains(&format!("/approvals/{}/approve", cert.id)),
        "no approve button for the assessor: {page}"
    );
    let (st, _, _) = w.post(
        &atx_session,
        &format!("/approvals/{}/approve", cert.id),
        &[],
    );
    assert_eq!(st, 403, "the assessor cannot approve");
    let other = w.login("trainer.dtr@caliber.local", "caliber-trainer-demo");
    let (st, _, _) = w.post(&other, &format!("/approvals/{}/approve", cert.id), &[]);
    assert_eq!(st, 303);
    let stored: Certification = w
        .store()
        .read()
        .expect("r")
        .get(cert.id)
        .expect("get")
        .expect("cert");
    assert!(matches!(stored.approval, Approval::Approved { .. }));
}

/// The requirement row of Injection Molding on ATX line 1 (level 1).
fn molding_line_row(store: &Store) -> Requirement {
    let c = store.catalog();
    let mold = c
        .skills
        .values()
        .find(|s| s.code == "MOLD")
        .expect("MOLD")
        .id;
    c.requirements
        .rows()
        .find(|r| r.skill_id == mold && r.project_id.is_some() && r.level == 1)
        .cloned()
        .expect("the line 1 row")
}

/// Raising a requirement's level shows who would fail and where before anything changes,
/// in red, never green; a post without the confirmation goes back to the preview; the
/// confirmed change is written with its audit event, and the people listed are then refused
/// at the stations listed.
#[test]
fn changing_a_requirement_level_is_previewed_then_confirmed() {
    let w = site();
    let manager = w.login("skills@caliber.local", "caliber-skills-demo");
    let row = molding_line_row(w.store());
    let (_, list, _) = w.get(&manager, "/requirements");
    assert!(
        list.contains(&format!("name=\"change\" value=\"{}\"", row.id))
            && list.contains(&format!("name=\"delete\" value=\"{}\"", row.id)),
        "each row previews a level change or deletion: {list}"
    );
    let at = w.head();
    let (st, page, _) = w.get(
        &manager,
        &format!("/requirements?change={}&level=3", row.id),
    );
    assert_eq!(st, 200, "{page}");
    assert!(
        page.contains(
            "Change Injection Molding for Project: ATX Line 1 Injection from level 1 to level 3"
        ),
        "{page}"
    );
    let preview = page.split("id=\"preview\"").nth(1).expect("a preview");
    assert!(
        preview.contains("class=\"error\" id=\"impact\""),
        "red when people fail: {preview}"
    );
    assert!(!preview.contains("class=\"notice\""), "never green");
    assert!(preview.contains("would no longer be qualified in Injection Molding"));
    assert!(
        preview.contains("Press 4"),
        "the station that would refuse them"
    );
    let p = service::requirement_preview(
        w.store(),
        &service::RequirementChange::SetLevel {
            id: row.id,
            level: 3,
        },
        jiff::Timestamp::now(),
    )
    .expect("preview");
    assert!(p.failing > 0);
    for c in p.changes.iter().filter(|c| c.fails) {
        assert!(preview.contains(&c.name), "{} is listed", c.name);
    }
    assert_eq!(w.head(), at, "a preview writes nothing");

    // Without the confirmation: back to the preview.
    let (st, _, loc) = w.post(
        &manager,
        &format!("/requirements/{}/level", row.id),
        &[("level", "3")],
    );
    assert_eq!(st, 303);
    assert_eq!(loc, format!("/requirements?change={}&level=3", row.id));
    assert_eq!(w.head(), at);
    let (st, _, loc) = w.post(
        &manager,
        &format!("/requirements/{}/level", row.id),
        &[("level", "3"), ("confirm", "yes")],
    );
    assert_eq!((st, loc.as_str()), (303, "/requirements"));
    let stored: Requirement = w
        .store()
        .read()
        .expect("r")
        .get(row.id)
        .expect("get")
        .expect("row");
    assert_eq!(stored.level, 3);
    let events = w
        .store()
        .read()
        .expect("r")
        .audit_events(at + 1..=u64::MAX)
        .expect("events");
    assert_eq!(
        events.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        vec!["requirement.update"]
    );
    // What the preview said is what the stations now do.
    let catalog = w.store().catalog();
    let certs = w.store().certifications_by_employee().expect("certs");
    for change in p.changes.iter().filter(|c| c.fails) {
        let e: Employee = w
            .store()
            .read()
            .expect("r")
            .get(change.id)
            .expect("get")
            .expect("employee");
        let mine = certs.get(&e.id).cloned().unwrap_or_default();
        for name in &change.refused_at {
            let station = catalog
                .stations
                .values()
                .find(|s| &s.name == name)
                .expect("station");
            let (verdict, _) = caliber::qualify::station_verdict(
                &catalog,
                &e,
                &mine,
                Some(station),
                jiff::Timestamp::now(),
            );
            assert!(!verdict.is_green(), "{} at {name}", e.name);
        }
    }
    // A level the skill does not have: the error in the preview, not a bare page.
    let (st, page, _) = w.get(
        &manager,
        &format!("/requirements?change={}&level=9", row.id),
    );
    assert_eq!(st, 422);
    assert!(
        page.contains("<nav") && page.contains("out of range"),
        "{page}"
    );
}

/// Deleting a row and adding one show the same preview: deleting Safety Protocols for
/// everyone makes nobody fail (green, the people whose status changes listed), adding a
/// row nobody meets lists everyone it applies to as failing (red); both are written only
/// when confirmed.
#[test]
fn deleting_and_adding_requirements_show_the_same_preview() {
    let w = site();
    let manager = w.login("skills@caliber.local", "caliber-skills-demo");
    let c = w.store().catalog();
    let safety = c
        .skills
        .values()
        .find(|s| s.code == "SAFE")
        .expect("SAFE")
        .id;
    let row = c
        .requirements
        .rows()
        .find(|r| r.skill_id == safety && r.site_id.is_none() && r.project_id.is_none())
        .cloned()
        .expect("everyone's safety row");
    drop(c);
    let at = w.head();
    let (st, page, _) = w.get(&manager, &format!("/requirements?delete={}", row.id));
    assert_eq!(st, 200);
    let preview = page.split("id=\"preview\"").nth(1).expect("a preview");
    assert!(
        preview.contains("Delete the requirement Safety Protocols at level 1 for Everyone"),
        "{preview}"
    );
    assert!(
        preview.contains("class=\"notice\" id=\"impact\"")
            && preview.contains("Nobody loses a qualification"),
        "{preview}"
    );
    assert!(
        preview.contains("Derek Williams"),
        "Derek is no longer held back"
    );
    assert!(preview.contains(&format!("action=\"/requirements/{}/delete\"", row.id)));
    let (st, _, loc) = w.post(&manager, &format!("/requirements/{}/delete", row.id), &[]);
    assert_eq!(st, 303);
    assert_eq!(
        loc,
        format!("/requirements?delete={}", row.id),
        "preview first"
    );
    assert_eq!(w.head(), at);
    let (st, _, _) = w.post(
        &manager,
        &format!("/requirements/{}/delete", row.id),
        &[("confirm", "yes")],
    );
    assert_eq!(st, 303);
    assert!(
        w.store()
            .catalog()
            .requirements
            .rows()
            .all(|r| r.id != row.id),
        "deleted"
    );

    let skill = new_skill(w.store(), "ADD1", 1, false);
    let sid = skill.id.to_string();
    let (st, page, _) = w.get(&manager, &format!("/requirements?skill_id={sid}&level=1"));
    assert_eq!(st, 200);
    let preview = page.split("id=\"preview\"").nth(1).expect("a preview");
    assert!(
        preview.contains("class=\"error\" id=\"impact\""),
        "{preview}"
    );
    let p = service::requirement_preview(
        w.store(),
        &service::RequirementChange::Add(service::RequirementInput {
            skill_id: skill.id,
            level: 1,
            site_id: None,
            department_id: None,
            role_id: None,
            project_id: None,
        }),
        jiff::Timestamp::now(),
    )
    .expect("preview");
    assert_eq!(p.applies, p.changes.len(), "everyone it applies to changes");
    assert!(
        p.changes
            .iter()
            .all(|c| c.before.is_none() && c.after == Some(caliber::qualify::SkillStatus::Missing))
    );
    assert!(preview.contains(&format!("applies to {} employee(s)", p.applies)));
    let before = w.store().catalog().requirements.len();
    let (st, _, loc) = w.post(
        &manager,
        "/requirements",
        &[("skill_id", &sid), ("level", "1")],
    );
    assert_eq!(st, 303);
    assert!(loc.starts_with("/requirements?skill_id="), "{loc}");
    assert_eq!(w.store().catalog().requirements.len(), before);
    let (st, _, _) = w.post(
        &manager,
        "/requirements",
        &[("skill_id", &sid), ("level", "1"), ("confirm", "yes")],
    );
    assert_eq!(st, 303);
    assert_eq!(w.store().catalog().requirements.len(), before + 1);
}

/// The API previews adding a row (a dry run of creating it, with the same body), changing a
/// row's level and deleting it, exactly as the web page does, for catalog managers only,
/// writing nothing.
#[test]
fn the_api_previews_requirement_changes_without_writing() {
    let w = site();
    let row = molding_line_row(w.store());
    let manager = w.s.token(AppRole::SkillManager);
    let viewer = w.s.token(AppRole::Viewer);
    let at = w.head();
    let (st, level) = w.s.call(
        "GET",
        &format!("/api/v1/requirements/{}/impact?level=3", row.id),
        Some(&manager),
        None,
    );
    assert_eq!(st, 200, "{level}");
    let p = service::requirement_preview(
        w.store(),
        &service::RequirementChange::SetLevel {
            id: row.id,
            level: 3,
        },
        jiff::Timestamp::now(),
    )
    .expect("preview");
    assert_eq!(level["failing"], p.failing);
    assert_eq!(level["before"]["level"], 1);
    assert_eq!(level["after"]["level"], 3);
    let failing: Vec<&Value> = level["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["fails"] == true)
        .collect();
    assert_eq!(failing.len(), p.failing);
    assert!(failing.iter().all(|c| c["after"] == "INSUFFICIENT_LEVEL"));
    assert!(failing.iter().any(|c| {
        c["refused_at"]
            .as_array()
            .is_some_and(|s| s.iter().any(|n| n == "Press 4"))
    }));

    let (st, deletion) = w.s.call(
        "GET",
        &format!("/api/v1/requirements/{}/impact?delete=true", row.id),
        Some(&manager),
        None,
    );
    assert_eq!(st, 200, "{deletion}");
    assert_eq!(deletion["after"], Value::Null);
    assert_eq!(deletion["failing"], 0);
    let (st, added) = w.s.call(
        "POST",
        "/api/v1/requirements/impact",
        Some(&manager),
        Some(&json!({"skill_id": row.skill_id, "level": 1, "project_id": row.project_id})),
    );
    assert_eq!(st, 200, "{added}");
    assert_eq!(added["before"], Value::Null);
    assert!(added["applies"].as_u64().is_some_and(|n| n > 0), "{added}");

    let (st, _) = w.s.call(
        "GET",
        &format!("/api/v1/requirements/{}/impact", row.id),
        Some(&manager),
        None,
    );
    assert_eq!(st, 422, "neither a level nor delete");
    let (st, _) = w.s.call(
        "GET",
        &format!("/api/v1/requirements/{}/impact?level=9", row.id),
        Some(&manager),
        None,
    );
    assert_eq!(st, 422, "a level the skill does not have");
    let (st, _) = w.s.call(
        "GET",
        &format!("/api/v1/requirements/{}/impact?level=2", uuid::Uuid::nil()),
        Some(&manager),
        None,
    );
    assert_eq!(st, 404);
    let (st, _) = w.s.call(
        "GET",
        &format!("/api/v1/requirements/{}/impact?level=3", row.id),
        Some(&viewer),
        None,
    );
    assert_eq!(st, 403);
    assert_eq!(w.head(), at, "previews write nothing");
    let doc = w.s.ok("GET", "/api/v1/openapi.json", None);
    for path in [
        "/api/v1/requirements/impact",
        "/api/v1/requirements/{id}/impact",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
}

/// Rolling back a revision asks for a ticked confirmation (the old inline `confirm()` never
/// ran under the page's Content-Security-Policy).
#[test]
fn rolling_back_a_revision_needs_the_box_ticked() {
    let w = site();
    let manager = w.login("skills@caliber.local", "caliber-skills-demo");
    let safety = w
        .store()
        .catalog()
        .skills
        .values()
        .find(|s| s.code == "SAFE")
        .cloned()
        .expect("safety");
    let (_, page, _) = w.get(&manager, &format!("/skills/{}", safety.id));
    assert!(
        page.contains("name=\"confirm\" value=\"yes\" required") && !page.contains("onclick"),
        "{page}"
    );
    let at = w.head();
    let path = format!("/skills/{}/rollback", safety.id);
    let (st, _, _) = w.post(&manager, &path, &[]);
    assert_eq!(st, 422);
    assert_eq!(w.head(), at);
    let (st, _, _) = w.post(&manager, &path, &[("confirm", "yes")]);
    assert_eq!(st, 303);
    assert_eq!(
        w.store()
            .catalog()
            .active_revision(safety.id)
            .map(|r| r.label.clone()),
        Some("Rev A".into())
    );
}
