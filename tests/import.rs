//! Importing employees and certifications from CSV and XLSX: the preview lists every row,
//! a commit is all or nothing and audited once with the file's SHA-256, a re-import changes
//! nothing, export → edit → import round-trips, and the same through the API and the CLI
//! (also beside a running server).

mod common;

use caliber::domain::{AppRole, Employee};
use caliber::service::{self, ImportKind, ImportReport, ImportRequest, RowOutcome, ServiceError};
use caliber::store::{Actor, Store};
use common::TestServer;

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    caliber::seed::seed_demo(&store, jiff::Timestamp::now()).expect("seed");
    (dir, store)
}

fn run(
    store: &Store,
    kind: ImportKind,
    bytes: &[u8],
    dry_run: bool,
    create_missing: bool,
) -> Result<ImportReport, ServiceError> {
    service::import_file(
        store,
        &Actor::named("test"),
        ImportRequest {
            kind,
            file_name: "file.csv".into(),
            bytes: bytes.to_vec(),
            create_missing,
            dry_run,
        },
    )
}

fn head(store: &Store) -> u64 {
    store.read().expect("read").audit_head().expect("head").seq
}

fn employee(store: &Store, number: &str) -> Option<Employee> {
    store
        .read()
        .expect("read")
        .list::<Employee>()
        .expect("list")
        .into_iter()
        .find(|e| e.number == number)
}

fn outcomes(r: &ImportReport) -> Vec<(usize, RowOutcome)> {
    r.rows.iter().map(|x| (x.line, x.outcome)).collect()
}

const EMPLOYEES: &str = "Employee No,Full Name,Site,Dept,Job Title,Lines,Status,Shoe size\n\
E9001,Nina Park,ATX-01,Molding,Machine Operator,ATX-L1,active,42\n\
E9002,Omar Haddad,Austin,Assembly,Technician,ATX-L1; ATX-L2,,40\n\
E1001,Maria Gonzalez,ATX-01,Molding,Machine Operator,ATX-L1,active,38\n\
E9003,Bad Site,NOWHERE,,,,,\n\
E9001,Twice,ATX-01,,,,,\n";

#[test]
fn preview_lists_every_row_and_commit_is_all_or_nothing() {
    let (_d, store) = demo();
    let before = head(&store);
    let preview = run(
        &store,
        ImportKind::Employees,
        EMPLOYEES.as_bytes(),
        true,
        false,
    )
    .expect("preview");
    assert_eq!(head(&store), before, "a preview writes nothing");
    assert!(employee(&store, "E9001").is_none());
    assert_eq!(preview.ignored_columns, vec!["Shoe size".to_owned()]);
    let lines = outcomes(&preview);
    assert_eq!(lines[0], (2, RowOutcome::Created));
    assert_eq!(
        lines[1],
        (3, RowOutcome::Created),
        "site by name, two lines"
    );
    assert_eq!(lines[3], (5, RowOutcome::Rejected));
    assert!(
        preview.rows[3]
            .detail
            .contains("site 'NOWHERE' does not exist")
    );
    assert_eq!(lines[4], (6, RowOutcome::Rejected));
    assert!(preview.rows[4].detail.contains("already on line 2"));
    // E1001 in the demo has the same fields except possibly the department/role/lines.
    assert!(matches!(
        lines[2].1,
        RowOutcome::Unchanged | RowOutcome::Updated
    ));

    // A commit with rejected rows writes nothing and names every rejected line.
    let err = run(
        &store,
        ImportKind::Employees,
        EMPLOYEES.as_bytes(),
        false,
        false,
    )
    .expect_err("rejected rows refuse the file");
    let msg = err.to_string();
    assert!(msg.contains("line 5") && msg.contains("line 6"), "{msg}");
    assert_eq!(head(&store), before, "nothing written");
    assert!(employee(&store, "E9001").is_none());

    // Fixed file: commits in one go, audited once more with the SHA-256.
    let fixed: String = EMPLOYEES.lines().take(4).collect::<Vec<_>>().join("\n");
    let report = run(
        &store,
        ImportKind::Employees,
        fixed.as_bytes(),
        false,
        false,
    )
    .expect("commit");
    assert!(report.committed);
    assert_eq!(report.created, 2);
    let omar = employee(&store, "E9002").expect("created");
    assert_eq!(omar.project_ids.len(), 2);
    let r = store.read().expect("read");
    let seq = r.audit_head().expect("head").seq;
    let last = r
        .audit_events(seq..=seq)
        .expect("audit")
        .pop()
        .expect("event");
    assert_eq!(last.action, "import.employees");
    let value: serde_json::Value =
        serde_json::from_str(last.new_value.as_deref().expect("value")).expect("json");
    assert_eq!(value["sha256"], report.sha256);
    assert_eq!(value["created"], 2);
    drop(r);

    // The same file again: every row unchanged, nothing written.
    let at = head(&store);
    let again = run(
        &store,
        ImportKind::Employees,
        fixed.as_bytes(),
        false,
        false,
    )
    .expect("re-import");
    assert!(!again.committed);
    assert_eq!((again.created, again.updated), (0, 0));
    assert_eq!(again.unchanged, 3);
    assert_eq!(head(&store), at, "re-import changes nothing");
}

#[test]
fn the_smallest_file_and_create_missing() {
    let (_d, store) = demo();
    let small = "employee_number,name,site\nN1,Ola Berg,ATX-01\n";
    let r = run(
        &store,
        ImportKind::Employees,
        small.as_bytes(),
        false,
        false,
    )
    .expect("small");
    assert_eq!(r.created, 1);
    let missing =
        "employee_number,name,site,department,projects\nN2,Eva Lund,ATX-01,Paint,ATX-L9\n";
    let refused = run(
        &store,
        ImportKind::Employees,
        missing.as_bytes(),
        true,
        false,
    )
    .expect("preview");
    assert_eq!(refused.rejected, 1);
    assert!(
        refused.rows[0]
            .detail
            .contains("department 'Paint' does not exist")
    );
    let made = run(
        &store,
        ImportKind::Employees,
        missing.as_bytes(),
        false,
        true,
    )
    .expect("create missing");
    assert_eq!(made.created, 1);
    assert_eq!(
        made.created_references,
        vec!["department Paint".to_owned(), "project ATX-L9".to_owned()]
    );
    // Start date, e-mail and a supervisor further down the same file.
    let team = "employee_number,name,site,hire date,manager,e-mail\n\
T1,Tia Lopez,ATX-01,2026-01-05,T2,Tia.Lopez@Plant.Example\n\
T2,Ugo Bassi,ATX-01,,,\n\
T3,Vera Holm,ATX-01,2026-13-01,T3,not-an-address\n";
    let preview = run(&store, ImportKind::Employees, team.as_bytes(), true, false).expect("team");
    assert_eq!(preview.rows[2].outcome, RowOutcome::Rejected);
    assert!(
        preview.rows[2]
            .detail
            .contains("start_date '2026-13-01' is not a date")
    );
    let team: String = team.lines().take(3).collect::<Vec<_>>().join("\n");
    let done = run(&store, ImportKind::Employees, team.as_bytes(), false, false).expect("team");
    assert_eq!(done.created, 2);
    let tia = employee(&store, "T1").expect("tia");
    let ugo = employee(&store, "T2").expect("ugo");
    assert_eq!(tia.supervisor_id, Some(ugo.id));
    assert_eq!(tia.email.as_deref(), Some("tia.lopez@plant.example"));
    assert_eq!(
        tia.start_date.map(|d| d.to_string()).as_deref(),
        Some("2026-01-05")
    );
    let again = run(&store, ImportKind::Employees, team.as_bytes(), false, false).expect("again");
    assert_eq!(again.unchanged, 2);
    let no_site = "name,site\nX,ATX-01\n";
    let err = run(
        &store,
        ImportKind::Employees,
        no_site.as_bytes(),
        true,
        false,
    )
    .expect_err("column missing");
    assert!(
        err.to_string().contains("no column employee_number"),
        "{err}"
    );
}

#[test]
fn certifications_import_is_idempotent_and_rejects_bad_rows() {
    let (_d, store) = demo();
    let file = "employee_number,skill code,rev,level,date,valid until,assessor,comments\n\
E1001,FORK,,1,2025-01-10,,J. Trainer,class 3\n\
E1001,Injection Molding,,2,2025-02-01,2026-06-30,J. Trainer,\n\
E1001,FORK,,1,2025-01-10,,,duplicate\n\
NOBODY,FORK,,1,2025-01-10,,,\n\
E1001,MOLD,,9,2025-01-10,,,\n\
E1001,MOLD,,1,2099-01-10,,,\n\
E1001,MOLD,Rev Z,1,2025-01-10,,,\n\
E1001,WELD,,1,2025-01-10,,,\n";
    let before = head(&store);
    let preview = run(
        &store,
        ImportKind::Certifications,
        file.as_bytes(),
        true,
        false,
    )
    .expect("preview");
    assert_eq!(head(&store), before);
    let got: Vec<RowOutcome> = preview.rows.iter().map(|r| r.outcome).collect();
    use RowOutcome::*;
    assert_eq!(
        got,
        vec![
            Created, Created, Rejected, Rejected, Rejected, Rejected, Rejected, Rejected
        ]
    );
    let reasons: Vec<&str> = preview.rows.iter().map(|r| r.detail.as_str()).collect();
    assert!(reasons[2].contains("already on line 2"));
    assert!(reasons[3].contains("no employee has number NOBODY"));
    assert!(reasons[4].contains("level 9"));
    assert!(reasons[5].contains("in the future"));
    assert!(reasons[6].contains("no revision 'Rev Z'"));
    assert!(reasons[7].contains("skill 'WELD' does not exist"));

    let good: String = file.lines().take(3).collect::<Vec<_>>().join("\n");
    let done = run(
        &store,
        ImportKind::Certifications,
        good.as_bytes(),
        false,
        false,
    )
    .expect("commit");
    assert_eq!(done.created, 2);
    let maria = employee(&store, "E1001").expect("maria");
    let certs = store
        .read()
        .expect("read")
        .certifications_of(maria.id)
        .expect("certs");
    let overridden = certs
        .iter()
        .find(|c| c.notes.is_empty() && c.assessor.as_deref() == Some("J. Trainer") && c.level == 2)
        .expect("imported MOLD");
    let zone = jiff::tz::TimeZone::get("America/Chicago").expect("tz");
    assert_eq!(
        overridden
            .expires_at
            .expect("expiry")
            .to_zoned(zone)
            .date()
            .to_string(),
        "2026-06-30",
        "expires_on overrides the computed expiry"
    );
    let at = head(&store);
    let again = run(
        &store,
        ImportKind::Certifications,
        good.as_bytes(),
        false,
        false,
    )
    .expect("again");
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 2));
    assert_eq!(head(&store), at);
}

#[test]
fn export_edit_import_round_trips() {
    let (_d, store) = demo();
    let employees = service::export_employees(&store).expect("export");
    let certs = service::export_certifications(&store).expect("export");
    let n_certs = String::from_utf8_lossy(&certs).lines().count() - 1;
    assert!(n_certs > 20, "the demo has history");
    let at = head(&store);
    // Unedited: everything unchanged.
    let same = run(&store, ImportKind::Employees, &employees, false, false).expect("emp");
    assert_eq!((same.created, same.updated, same.rejected), (0, 0, 0));
    let same = run(&store, ImportKind::Certifications, &certs, false, false).expect("certs");
    assert_eq!(
        (same.created, same.updated, same.rejected, same.unchanged),
        (0, 0, 0, n_certs)
    );
    assert_eq!(head(&store), at, "an unedited round trip changes nothing");
    // Edited as in a spreadsheet: one renamed, one added.
    let text = String::from_utf8(employees).expect("utf8");
    let edited = text.replace("Maria Gonzalez", "Maria Gonzalez-Ruiz")
        + "E7777,New Starter,DTR-01,Logistics,Forklift Driver,DTR-WH,active,2026-11-02,E1001,new.starter@plant.example,\n";
    let r = run(
        &store,
        ImportKind::Employees,
        edited.as_bytes(),
        false,
        false,
    )
    .expect("edit");
    assert_eq!((r.created, r.updated, r.rejected), (1, 1, 0));
    let updated = r
        .rows
        .iter()
        .find(|x| x.outcome == RowOutcome::Updated)
        .expect("row");
    assert_eq!(updated.detail, "changes name");
    assert_eq!(
        employee(&store, "E1001").expect("maria").name,
        "Maria Gonzalez-Ruiz"
    );
    let back = String::from_utf8(service::export_employees(&store).expect("export")).expect("utf8");
    assert_eq!(back, edited.lines().collect::<Vec<_>>().join("\n") + "\n");
}

#[test]
fn xlsx_files_import_like_csv() {
    let (_d, store) = demo();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, h) in ["Employee Number", "Skill", "Level", "Achieved on"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, col as u16, *h).expect("header");
    }
    let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 3, 4).expect("date");
    sheet.write_string(1, 0, "E1001").expect("cell");
    sheet.write_string(1, 1, "SAFE").expect("cell");
    sheet.write_number(1, 2, 1.0).expect("cell");
    sheet
        .write_datetime_with_format(1, 3, &date, &date_format)
        .expect("cell");
    sheet
        .write_number(2, 0, 1002.0)
        .expect("number as employee number");
    sheet.write_string(2, 1, "SAFE").expect("cell");
    sheet.write_number(2, 2, 1.0).expect("cell");
    sheet.write_string(2, 3, "2025-03-04").expect("cell");
    let bytes = book.save_to_buffer().expect("xlsx");
    let r = run(&store, ImportKind::Certifications, &bytes, true, false).expect("preview");
    assert_eq!(r.rows.len(), 2);
    assert_eq!(r.rows[0].line, 2, "spreadsheet row numbers");
    assert_eq!(r.rows[0].outcome, RowOutcome::Created, "{:?}", r.rows[0]);
    assert!(r.rows[0].key.contains("2025-03-04"), "dates read as dates");
    assert_eq!(r.rows[1].outcome, RowOutcome::Rejected);
    assert!(r.rows[1].detail.contains("no employee has number 1002"));
    let garbage = b"PK\x03\x04 not really a workbook";
    let err = run(&store, ImportKind::Employees, garbage, true, false).expect_err("bad xlsx");
    assert!(err.to_string().contains("not a readable XLSX"), "{err}");
}

#[test]
fn the_api_previews_commits_and_checks_roles() {
    let s = TestServer::start();
    caliber::seed::seed_demo(&s.store, jiff::Timestamp::now()).expect("seed");
    let file = b"employee_number,name,site\nA1,Api Person,ATX-01\n";
    let viewer = s.token(AppRole::Viewer);
    let (status, _) = s.post_raw(
        "/api/v1/imports?kind=employees",
        Some(&viewer),
        "text/csv",
        file,
    );
    assert_eq!(status, 403);
    let (status, preview) = s.post_raw(
        "/api/v1/imports?kind=employees&dry_run=true&name=hr.csv",
        Some(&s.admin),
        "text/csv",
        file,
    );
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["rows"][0]["outcome"], "created");
    assert_eq!(preview["committed"], false);
    let (status, done) = s.post_raw(
        "/api/v1/imports?kind=employees",
        Some(&s.admin),
        "text/csv",
        file,
    );
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["committed"], true);
    let (status, err) = s.post_raw(
        "/api/v1/imports?kind=employees",
        Some(&s.admin),
        "text/csv",
        b"employee_number,name,site\nA2,Nobody,NOWHERE\n",
    );
    assert_eq!(status, 422);
    assert!(
        err["error"]["message"]
            .as_str()
            .expect("msg")
            .contains("line 2")
    );
    let (status, csv) = s.call("GET", "/api/v1/exports?kind=employees", Some(&viewer), None);
    assert_eq!(status, 403, "{csv}");
    let auditor = s.token(AppRole::Auditor);
    let (status, csv) = s.call(
        "GET",
        "/api/v1/exports?kind=employees",
        Some(&auditor),
        None,
    );
    assert_eq!(status, 200);
    assert!(csv.as_str().expect("csv").contains("A1,Api Person,ATX-01"));
    let doc = s.ok("GET", "/api/v1/openapi.json", None);
    assert!(doc["paths"]["/api/v1/imports"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/exports"]["get"].is_object());
}

#[test]
fn the_cli_imports_beside_a_running_server() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().to_str().expect("utf8");
    let bin = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_caliber"));
        c.env("CALIBER_CONFIG", "/dev/null")
            .env_remove("CALIBER_DATA_DIR")
            .env_remove("CALIBER_RUNTIME_DIR");
        c
    };
    assert!(
        bin()
            .args(["seed", "--data-dir", d])
            .output()
            .expect("seed")
            .status
            .success()
    );
    let file = dir.path().join("people.csv");
    std::fs::write(
        &file,
        "employee_number,name,site\nC1,Cli Person,ATX-01\nC2,Bad,NOWHERE\n",
    )
    .expect("write");
    let port = common::free_port();
    let mut server = bin()
        .args([
            "serve",
            "--data-dir",
            d,
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let socket = dir.path().join("caliber.sock");
    for _ in 0..200 {
        if socket.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let f = file.to_str().expect("utf8");
    let preview = bin()
        .args(["import", "employees", f, "--dry-run", "--data-dir", d])
        .output()
        .expect("import");
    let out = String::from_utf8_lossy(&preview.stdout).into_owned();
    assert_eq!(preview.status.code(), Some(2), "{out}");
    assert!(out.contains("line      2  created    C1"), "{out}");
    assert!(
        out.contains("line      3  rejected   C2: site 'NOWHERE' does not exist"),
        "{out}"
    );
    std::fs::write(&file, "employee_number,name,site\nC1,Cli Person,ATX-01\n").expect("write");
    let done = bin()
        .args(["import", "employees", f, "--data-dir", d])
        .output()
        .expect("import");
    let out = String::from_utf8_lossy(&done.stdout).into_owned();
    assert_eq!(done.status.code(), Some(0), "{out}");
    assert!(out.starts_with("imported: 1 rows: 1 created"), "{out}");
    let export = bin()
        .args(["export", "employees", "--data-dir", d])
        .output()
        .expect("export");
    assert!(String::from_utf8_lossy(&export.stdout).contains("C1,Cli Person,ATX-01"));
    let _ = server.kill();
    let _ = server.wait();
}

/// An import is no way around four-eyes: history imported into a skill that needs approval
/// waits for a second person like a certification typed into the form, the preview says so,
/// and it does not count until approved.
#[test]
fn imported_certifications_in_a_four_eyes_skill_wait_for_approval() {
    let (_d, store) = demo();
    let fork = store
        .read()
        .expect("read")
        .list::<caliber::domain::Skill>()
        .expect("skills")
        .into_iter()
        .find(|s| s.code == "FORK")
        .expect("FORK");
    service::update::<caliber::domain::Skill>(
        &store,
        &Actor::named("test"),
        fork.id,
        service::SkillInput {
            code: fork.code.clone(),
            name: fork.name.clone(),
            description: fork.description.clone(),
            max_level: fork.max_level,
            validity_months: fork.validity_months,
            needs_approval: Some(true),
        },
    )
    .expect("four-eyes on");
    let file =
        "employee_number,skill,level,achieved_on,trainer\nE1002,FORK,1,2026-01-12,J. Trainer\n";
    let preview = run(
        &store,
        ImportKind::Certifications,
        file.as_bytes(),
        true,
        false,
    )
    .expect("preview");
    assert_eq!(preview.rows[0].outcome, RowOutcome::Created);
    assert!(
        preview.rows[0].detail.contains("pending approval"),
        "{}",
        preview.rows[0].detail
    );
    run(
        &store,
        ImportKind::Certifications,
        file.as_bytes(),
        false,
        false,
    )
    .expect("commit");
    let person = employee(&store, "E1002").expect("E1002");
    let imported = store
        .read()
        .expect("read")
        .certifications_of(person.id)
        .expect("certs")
        .into_iter()
        .find(|c| c.skill_id == fork.id && c.assessor.as_deref() == Some("J. Trainer"))
        .expect("imported");
    assert_eq!(imported.approval, caliber::domain::Approval::Pending);
    assert!(!imported.counts(), "a pending certification does not count");
    let pending = service::pending_approvals(&store).expect("pending");
    assert!(pending.iter().any(|c| c.id == imported.id));
}

/// An employee's kiosk language comes in with the import (and goes out with the export);
/// a language Caliber does not speak is a rejected row with the reason.
#[test]
fn employee_language_is_imported_checked_and_exported() {
    let (_d, store) = demo();
    let file = "employee_number,name,site,preferred language\nE9101,José Peña,ATX-01,ES\nE9102,Ana Bad,ATX-01,xx\n";
    let preview =
        run(&store, ImportKind::Employees, file.as_bytes(), true, false).expect("preview");
    assert_eq!(
        outcomes(&preview),
        vec![(2, RowOutcome::Created), (3, RowOutcome::Rejected)]
    );
    assert!(
        preview.rows[1].detail.contains("not a language"),
        "{}",
        preview.rows[1].detail
    );
    let good: String = file.lines().take(2).collect::<Vec<_>>().join("\n");
    run(&store, ImportKind::Employees, good.as_bytes(), false, false).expect("commit");
    let jose = employee(&store, "E9101").expect("imported");
    assert_eq!(jose.language.as_deref(), Some("es"));
    let csv = String::from_utf8(service::export_employees(&store).expect("export")).expect("utf8");
    assert!(
        csv.lines().next().expect("header").ends_with(",language"),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("E9101,") && l.ends_with(",es")),
        "{csv}"
    );
    // A file without the column leaves it as it is.
    run(
        &store,
        ImportKind::Employees,
        b"employee_number,name,site\nE9101,Jos\xc3\xa9 Pe\xc3\xb1a,ATX-01\n",
        false,
        false,
    )
    .expect("again");
    assert_eq!(
        employee(&store, "E9101")
            .expect("still")
            .language
            .as_deref(),
        Some("es")
    );
}

#[test]
fn both_imports_accept_the_same_employee_number_headers() {
    let (_d, store) = demo();
    let employees = "Payroll Number,Name,Site\nE9101,Ada Lovelace,ATX-01\n";
    let r = run(
        &store,
        ImportKind::Employees,
        employees.as_bytes(),
        true,
        false,
    )
    .expect("employees preview");
    assert_eq!(outcomes(&r), vec![(2, RowOutcome::Created)]);
    let certifications = "Payroll Number,Skill,Level,Achieved on\nE1001,FORK,1,2025-01-10\n";
    let r = run(
        &store,
        ImportKind::Certifications,
        certifications.as_bytes(),
        true,
        false,
    )
    .expect("certifications preview");
    assert_eq!(outcomes(&r), vec![(2, RowOutcome::Created)]);
}
