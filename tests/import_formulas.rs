//! Spreadsheet formula guarding: names and notes a spreadsheet would run (`=`, `+`, `-`, `@`)
//! are written with a leading `'` by the employee and certification exports and by the Due
//! list's CSV, and the import reads a guarded cell back to the original text, so export →
//! import still changes nothing.

mod common;

use std::sync::Arc;

use caliber::app::AppState;
use caliber::domain::{Certification, Employee};
use caliber::service::{self, DueFilter, ImportKind, ImportRequest};
use caliber::store::{Actor, Store};
use common::WebClient;

fn import(store: &Store, kind: ImportKind, bytes: &[u8]) -> service::ImportReport {
    service::import_file(
        store,
        &Actor::named("test"),
        ImportRequest {
            kind,
            file_name: format!("{}.csv", kind.as_str()),
            bytes: bytes.to_vec(),
            create_missing: false,
            dry_run: false,
        },
    )
    .expect("import")
}

fn rows(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.expect("record").iter().map(str::to_owned).collect())
        .collect()
}

fn csv_of(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r).expect("row");
    }
    w.into_inner().expect("csv")
}

#[test]
fn exports_guard_formulas_and_the_import_reads_them_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(dir.path()).expect("store"));
    let demo = caliber::seed::seed_demo(&store, jiff::Timestamp::now()).expect("seed");
    let now = jiff::Timestamp::now();

    // Names a spreadsheet would run, given to people on the Due list (and one that is a
    // plain negative number, which is no formula).
    let due = service::due_list(
        &store,
        &DueFilter {
            days: Some(365),
            include_expired: true,
            ..DueFilter::default()
        },
        now,
    )
    .expect("due");
    let mut numbers: Vec<String> = due.iter().map(|d| d.number.clone()).collect();
    numbers.sort();
    numbers.dedup();
    let names = [
        "=HYPERLINK(\"http://evil.example\",\"click\")",
        "+1-2",
        "-3+4",
        "@SUM(A1:A9)",
        "-42",
    ];
    assert!(
        numbers.len() >= names.len(),
        "enough people on the Due list"
    );
    let mut file = vec![vec!["employee_number".to_owned(), "name".to_owned()]];
    file.extend(
        numbers
            .iter()
            .zip(names)
            .map(|(n, name)| vec![n.clone(), name.to_owned()]),
    );
    // Without a site column the import refuses: give the site each person has.
    let employees: Vec<Employee> = store.read().expect("read").list().expect("employees");
    let catalog = store.catalog();
    file[0].push("site".into());
    for row in file.iter_mut().skip(1) {
        let e = employees
            .iter()
            .find(|e| e.number == row[0])
            .expect("employee");
        row.push(catalog.sites[&e.site_id].code.clone());
    }
    let report = import(&store, ImportKind::Employees, &csv_of(&file));
    assert_eq!(report.updated, names.len(), "{:?}", report.rows);

    // The export guards every formula-like name and leaves the number alone.
    let export = service::export_employees(&store).expect("export");
    let exported = rows(&export);
    for name in names {
        let guarded = if name == "-42" {
            name.to_owned()
        } else {
            format!("'{name}")
        };
        assert!(
            exported.iter().any(|r| r[1] == guarded),
            "{name} is written as {guarded}"
        );
    }
    // Export → import: nothing changes, the names come back without the guard.
    let again = import(&store, ImportKind::Employees, &export);
    assert_eq!(
        (again.created, again.updated, again.rejected),
        (0, 0, 0),
        "{:?}",
        again
            .rows
            .iter()
            .filter(|r| r.outcome != service::RowOutcome::Unchanged)
            .collect::<Vec<_>>()
    );
    let stored: Vec<Employee> = store.read().expect("read").list().expect("employees");
    for name in names {
        assert!(
            stored.iter().any(|e| e.name == name),
            "{name} kept as typed"
        );
    }

    // Certification notes the same way.
    let certs = rows(&service::export_certifications(&store).expect("export"));
    let notes_at = certs[0].iter().position(|h| h == "notes").expect("notes");
    let mut edited = certs.clone();
    edited[1][notes_at] = "=1+1 refresher".into();
    let report = import(&store, ImportKind::Certifications, &csv_of(&edited));
    assert_eq!(report.updated, 1);
    let export = service::export_certifications(&store).expect("export");
    assert!(
        rows(&export)
            .iter()
            .any(|r| r[notes_at] == "'=1+1 refresher")
    );
    let again = import(&store, ImportKind::Certifications, &export);
    assert_eq!((again.created, again.updated), (0, 0));
    let held: Vec<Certification> = store.read().expect("read").list().expect("certs");
    assert!(held.iter().any(|c| c.notes == "=1+1 refresher"));

    // Over HTTP: the export the import page links to and the Due list's CSV are guarded too.
    let base = common::serve_state(AppState::new(store.clone()));
    let admin = WebClient::demo(&base, &demo, "admin");
    let web_export = admin.get("/exports/employees.csv");
    assert!(web_export.body.contains("'@SUM(A1:A9)"));
    let due_csv = admin.get("/due.csv?days=365");
    assert_eq!(due_csv.status, 200);
    let due_rows = rows(due_csv.body.as_bytes());
    for name in names {
        let want = if name == "-42" {
            name.to_owned()
        } else {
            format!("'{name}")
        };
        assert!(
            due_rows.iter().any(|r| r[1] == want),
            "the Due CSV writes {name} as {want}"
        );
    }
}
