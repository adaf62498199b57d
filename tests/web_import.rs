//! The import page over real HTTP on the demo site: log in, export, edit, upload; the preview
//! lists every row and changes nothing; one click commits exactly the previewed file (audited
//! with its SHA-256); importing it again changes nothing; bad files, CSRF, the size limit and
//! the roles.

mod common;

use std::sync::Arc;

use caliber::app::AppState;
use caliber::domain::Employee;
use caliber::store::Store;
use common::{WebClient, hidden_field};
use sha2::Digest;

struct Site {
    base: String,
    store: Arc<Store>,
    demo: caliber::seed::DemoSummary,
    _dir: tempfile::TempDir,
}

fn start() -> Site {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(dir.path()).expect("store"));
    let demo = caliber::seed::seed_demo(&store, jiff::Timestamp::now()).expect("seed");
    let base = common::serve_state(AppState::new(store.clone()));
    Site {
        base,
        store,
        demo,
        _dir: dir,
    }
}

impl Site {
    fn audit_seq(&self) -> u64 {
        self.store
            .read()
            .expect("read")
            .audit_head()
            .expect("head")
            .seq
    }

    fn employees(&self) -> Vec<Employee> {
        self.store
            .read()
            .expect("read")
            .list::<Employee>()
            .expect("employees")
    }
}

/// Upload `bytes` as `kind` for a preview.
fn preview(c: &WebClient, kind: &str, name: &str, bytes: &[u8]) -> common::WebAnswer {
    c.post_multipart(
        "/imports/preview",
        &[("csrf", c.csrf.as_str()), ("kind", kind)],
        Some(("file", name, bytes)),
    )
}

/// A CSV file from rows of cells (quoted as needed by the csv writer).
fn csv_of(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r).expect("row");
    }
    w.into_inner().expect("csv")
}

fn rows_of(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("record").iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn preview_changes_nothing_commit_imports_the_same_file_and_again_is_unchanged() {
    let site = start();
    let admin = WebClient::demo(&site.base, &site.demo, "admin");
    let page = admin.get("/imports");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    assert!(page.body.contains("href=\"/exports/employees.csv\""));
    assert!(page.body.contains("href=\"/exports/certifications.csv\""));

    // Export, rename one person, add one: the round trip a plant does in a spreadsheet.
    let export = admin.get("/exports/employees.csv");
    assert_eq!(export.status, 200);
    assert!(export.content_type.starts_with("text/csv"));
    let mut rows = rows_of(&export.body);
    assert_eq!(rows[0][..3], ["employee_number", "name", "site"]);
    let people = rows.len() - 1;
    let renamed = rows[1][0].clone();
    rows[1][1] = "Renamed In Spreadsheet".into();
    let mut new_row = vec![String::new(); rows[0].len()];
    new_row[0] = "E9100".into();
    new_row[1] = "Ines Import".into();
    new_row[2] = "ATX-01".into();
    rows.push(new_row);
    let file = csv_of(&rows);

    let (seq, count) = (site.audit_seq(), site.employees().len());
    let p = preview(&admin, "employees", "staff.csv", &file);
    assert_eq!(p.status, 200, "{}", p.body);
    let counts = format!(
        "{} rows: 1 created, 1 updated, {} unchanged, 0 rejected.",
        people + 1,
        people - 1
    );
    assert!(p.body.contains(&counts), "preview says {counts}");
    assert!(p.body.contains("Ines Import") || p.body.contains("E9100"));
    assert!(
        p.body.contains("changes name"),
        "the update says what changes"
    );
    assert_eq!(site.audit_seq(), seq, "the preview wrote nothing");
    assert_eq!(site.employees().len(), count, "the preview created nobody");

    // One click: the staged file, the same SHA-256 as the preview showed.
    let sha = hex(&sha2::Sha256::digest(&file));
    assert!(
        p.body.contains(&sha),
        "the preview shows the file's SHA-256"
    );
    let token = hidden_field(&p.body, "token").expect("commit form");
    assert_eq!(
        hidden_field(&p.body, "sha256").as_deref(),
        Some(sha.as_str())
    );
    let done = admin.post_form("/imports/commit", &[("token", &token), ("sha256", &sha)]);
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("staff.csv was imported"));
    let now = site.employees();
    assert_eq!(now.len(), count + 1);
    assert!(
        now.iter()
            .any(|e| e.number == "E9100" && e.name == "Ines Import")
    );
    assert!(
        now.iter()
            .any(|e| e.number == renamed && e.name == "Renamed In Spreadsheet")
    );
    let r = site.store.read().expect("read");
    let head = r.audit_head().expect("head").seq;
    let last = r.audit_events(head..=head).expect("events").remove(0);
    assert_eq!(last.action, "import.employees");
    assert!(last.new_value.as_deref().unwrap_or("").contains(&sha));
    drop(r);

    // The staged file is spent: a second click imports nothing.
    let seq = site.audit_seq();
    let twice = admin.post_form("/imports/commit", &[("token", &token), ("sha256", &sha)]);
    assert_eq!(twice.status, 422);
    assert!(twice.body.contains("upload the file again"));
    assert_eq!(site.audit_seq(), seq);

    // The same file again: every row unchanged, nothing to commit.
    let again = preview(&admin, "employees", "staff.csv", &file);
    assert_eq!(again.status, 200);
    let unchanged = format!(
        "{} rows: 0 created, 0 updated, {} unchanged, 0 rejected.",
        people + 1,
        people + 1
    );
    assert!(again.body.contains(&unchanged), "{unchanged}");
    assert!(again.body.contains("Nothing to change"));
    assert!(
        hidden_field(&again.body, "token").is_none(),
        "no commit button"
    );

    // Certifications make the same round trip.
    let certs = admin.get("/exports/certifications.csv");
    assert_eq!(certs.status, 200);
    let n = rows_of(&certs.body).len() - 1;
    let back = preview(
        &admin,
        "certifications",
        "history.csv",
        certs.body.as_bytes(),
    );
    assert_eq!(back.status, 200);
    assert!(back.body.contains(&format!(
        "{n} rows: 0 created, 0 updated, {n} unchanged, 0 rejected."
    )));
}

#[test]
fn rejected_rows_bad_files_csrf_and_the_size_limit_are_refused_next_to_the_field() {
    let site = start();
    let manager = WebClient::demo(&site.base, &site.demo, "skill_manager");
    let mut wrong = WebClient::demo(&site.base, &site.demo, "skill_manager");
    wrong.csrf = "forged".into();
    // Logging in is audited; from here on nothing is written.
    let seq = site.audit_seq();

    // Rejected rows: listed with their line and reason, no commit button.
    let file =
        b"employee_number,name,site\nE9200,Nobody Known,NO-SUCH-SITE\nE9201,Fine Person,ATX-01\n";
    let p = preview(&manager, "employees", "bad.csv", file);
    assert_eq!(p.status, 200);
    assert!(
        p.body
            .contains("2 rows: 1 created, 0 updated, 0 unchanged, 1 rejected.")
    );
    assert!(
        p.body.contains("<td>2</td><td>E9200</td>"),
        "line 2 is named"
    );
    assert!(
        p.body
            .contains("site &#39;NO-SUCH-SITE&#39; does not exist")
            || p.body.contains("site 'NO-SUCH-SITE' does not exist")
    );
    assert!(p.body.contains("1 row is rejected"));
    assert!(
        hidden_field(&p.body, "token").is_none(),
        "nothing to commit"
    );

    // A file that is not a spreadsheet, and one without the required columns: next to the
    // file field, the form kept.
    for (bytes, says) in [
        (
            &b"PK\x03\x04 not really a workbook"[..],
            "not a readable XLSX workbook",
        ),
        (
            &b"who,what\nx,y\n"[..],
            "the file has no column employee_number",
        ),
    ] {
        let r = preview(&manager, "employees", "x.csv", bytes);
        assert_eq!(r.status, 422, "{}", r.body);
        let at = r
            .body
            .find("id=\"file-error\"")
            .expect("error by the file field");
        assert!(r.body[at..].contains(says), "{says}");
        assert!(r.body.contains("aria-invalid=\"true\""));
    }
    // No file, no kind.
    let r = manager.post_multipart("/imports/preview", &[("csrf", manager.csrf.as_str())], None);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"kind-error\""));
    assert!(r.body.contains("Choose a CSV or XLSX file."));

    // A forged form token: refused before anything is looked at.
    let forged = manager.post_multipart(
        "/imports/preview",
        &[("csrf", "forged"), ("kind", "employees")],
        Some((
            "file",
            "ok.csv",
            b"employee_number,name,site\nE9300,X,ATX-01\n",
        )),
    );
    assert_eq!(forged.status, 403);
    let forged = manager.post_form("/imports/commit", &[("token", "import_x"), ("sha256", "")]);
    assert_eq!(forged.status, 422, "an unknown preview is refused");
    assert_eq!(
        wrong
            .post_form("/imports/commit", &[("token", "x"), ("sha256", "")])
            .status,
        403
    );

    // Larger than an import takes: refused with the limit, nothing read further.
    let mut big = b"employee_number,name,site\n".to_vec();
    big.resize(caliber::service::MAX_IMPORT_BYTES + 1024, b'x');
    let r = preview(&manager, "employees", "big.csv", &big);
    if r.status != 0 {
        assert_eq!(r.status, 413, "{}", &r.body[..r.body.len().min(300)]);
        assert!(r.body.contains("larger than 32 MiB"));
    }
    assert_eq!(site.audit_seq(), seq, "nothing refused wrote anything");
}

#[test]
fn only_admins_and_skill_managers_import_and_a_preview_is_its_owners() {
    let site = start();
    for role in ["trainer", "auditor", "viewer"] {
        let c = WebClient::demo(&site.base, &site.demo, role);
        assert_eq!(c.get("/imports").status, 403, "{role}");
        let r = preview(
            &c,
            "employees",
            "x.csv",
            b"employee_number,name,site\nE1,X,ATX-01\n",
        );
        assert_eq!(r.status, 403, "{role} preview");
        assert_eq!(
            c.post_form("/imports/commit", &[("token", "x"), ("sha256", "")])
                .status,
            403,
            "{role} commit"
        );
    }
    // Exports: every role that sees all records.
    for (role, want) in [("trainer", 200), ("auditor", 200), ("viewer", 403)] {
        let c = WebClient::demo(&site.base, &site.demo, role);
        assert_eq!(c.get("/exports/certifications.csv").status, want, "{role}");
    }
    let admin = WebClient::demo(&site.base, &site.demo, "admin");
    assert_eq!(admin.get("/exports/nothing.csv").status, 404);

    // A preview staged by the admin cannot be committed by the skill manager.
    let file = b"employee_number,name,site\nE9400,Owned Preview,ATX-01\n";
    let p = preview(&admin, "employees", "mine.csv", file);
    let token = hidden_field(&p.body, "token").expect("token");
    let sha = hidden_field(&p.body, "sha256").expect("sha");
    let manager = WebClient::demo(&site.base, &site.demo, "skill_manager");
    let r = manager.post_form("/imports/commit", &[("token", &token), ("sha256", &sha)]);
    assert_eq!(r.status, 422);
    assert!(!site.employees().iter().any(|e| e.number == "E9400"));
    let r = admin.post_form("/imports/commit", &[("token", &token), ("sha256", &sha)]);
    assert_eq!(r.status, 200);
    assert!(site.employees().iter().any(|e| e.number == "E9400"));
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_preview_refuses_the_importers_own_certifications_as_the_commit_does() {
    let site = start();
    // The demo's skill manager is linked to Aisha's employee record.
    let aisha = site
        .employees()
        .into_iter()
        .find(|e| e.name.starts_with("Aisha"))
        .expect("Aisha");
    let manager = WebClient::demo(&site.base, &site.demo, "skill_manager");
    let file = format!(
        "employee_number,skill,level,achieved_on\n{},SAFE,1,2024-03-01\n",
        aisha.number
    );
    let p = preview(&manager, "certifications", "self.csv", file.as_bytes());
    assert_eq!(p.status, 200);
    assert!(
        p.body
            .contains("1 row: 0 created, 0 updated, 0 unchanged, 1 rejected.")
    );
    assert!(p.body.contains("is linked to your own login"));
    assert!(hidden_field(&p.body, "token").is_none());
    // The admin (linked to nobody) may import it.
    let admin = WebClient::demo(&site.base, &site.demo, "admin");
    let p = preview(&admin, "certifications", "self.csv", file.as_bytes());
    assert!(
        p.body
            .contains("1 row: 1 created, 0 updated, 0 unchanged, 0 rejected.")
    );
}
