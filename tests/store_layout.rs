//! The on-disk format is pinned by committed fixtures: `tests/fixtures/store-v{N}/` holds a
//! store file written by the code of schema version N (`caliber.redb`, a row in every table,
//! every field set) and every row of it as JSON (`records.json`).
//!
//! Records are postcard, which is positional: a field added, removed or reordered in a stored
//! type reads old files wrongly or not at all. So the current build must decode the fixture of
//! the current version into exactly its golden JSON, and fixtures of older versions must
//! migrate on open. `CALIBER_UPDATE_FIXTURES=1 cargo test --test store_layout` writes the
//! fixture of the current version; without it these tests never write into the tree.
//! See docs/store-layout.md.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Once;

use caliber::domain::*;
use caliber::store::tables::{self, PairIndex};
use caliber::store::{
    Actor, ChainHead, DB_FILE, GENESIS, Record, Session, Store, StoreError, TableRows, event_hash,
    schema,
};
use redb::{ReadableDatabase, ReadableTable, TableHandle};
use serde_json::Value;

/// Set to `1` to (re)write the fixture of the current schema version.
const UPDATE_VAR: &str = "CALIBER_UPDATE_FIXTURES";
/// The golden rows next to each fixture file.
const GOLDEN_FILE: &str = "records.json";
/// What to do when the current build reads the current fixture differently.
const LAYOUT_CHANGED: &str = "a stored type's layout changed: bump store::schema::CURRENT_VERSION, \
add a migration step and an upgrade test, then regenerate with \
CALIBER_UPDATE_FIXTURES=1 cargo test --test store_layout (see docs/store-layout.md)";

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn fixture_dir(version: u32) -> PathBuf {
    fixtures_dir().join(format!("store-v{version}"))
}

/// Versions that have a fixture directory, in order.
fn fixture_versions() -> Vec<u32> {
    let mut versions: Vec<u32> = std::fs::read_dir(fixtures_dir())
        .expect("read tests/fixtures")
        .filter_map(|e| {
            let name = e.expect("dir entry").file_name();
            name.to_str()?.strip_prefix("store-v")?.parse().ok()
        })
        .collect();
    versions.sort();
    versions
}

/// Regenerate the current fixture first when asked to, once for all tests of this file.
fn prepare() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var_os(UPDATE_VAR).is_some_and(|v| v == "1") {
            regenerate();
        }
    });
}

/// A copy of a fixture file in a temp dir, and the tables the file held before any open.
fn copy_fixture(version: u32) -> (tempfile::TempDir, Vec<String>) {
    let src = fixture_dir(version).join(DB_FILE);
    assert!(
        src.exists(),
        "no fixture for schema version {version} at {}: run {UPDATE_VAR}=1 cargo test --test store_layout",
        src.display()
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::copy(&src, tmp.path().join(DB_FILE)).expect("copy fixture");
    let tables = tables_in_file(&tmp.path().join(DB_FILE));
    (tmp, tables)
}

/// Table names in a store file, read without the store (which would create missing ones).
fn tables_in_file(path: &Path) -> Vec<String> {
    let db = redb::ReadOnlyDatabase::open(path).expect("open fixture read-only");
    let tx = db.begin_read().expect("read");
    let mut names: Vec<String> = tx
        .list_tables()
        .expect("list tables")
        .map(|t| t.name().to_owned())
        .collect();
    names.sort();
    names
}

fn read_golden(version: u32) -> Value {
    let path = fixture_dir(version).join(GOLDEN_FILE);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn rows_json(rows: &[TableRows]) -> Value {
    let mut v = serde_json::to_value(rows).expect("rows as JSON");
    // The audit seal is made with each copy's own random key on its first open, so it is no
    // part of the layout; `fixture_audit_chain_verifies` checks it.
    for table in v.as_array_mut().into_iter().flatten() {
        if table["table"] == "meta"
            && let Some(rows) = table["rows"].as_array_mut()
        {
            rows.retain(|r| {
                !r["key"]
                    .as_str()
                    .is_some_and(|k| k.starts_with("audit_seal"))
            });
        }
    }
    // A table a newer version added is empty in a migrated older file; older goldens lack it.
    if let Some(tables) = v.as_array_mut() {
        tables.retain(|t| t["rows"].as_array().is_none_or(|r| !r.is_empty()));
    }
    v
}

/// The first row (or table) where `actual` differs from `expected`, in words.
fn first_difference(expected: &Value, actual: &Value) -> Option<String> {
    let tables = |v: &Value| -> BTreeMap<String, Value> {
        v.as_array()
            .into_iter()
            .flatten()
            .map(|t| {
                (
                    t["table"].as_str().unwrap_or("?").to_owned(),
                    t["rows"].clone(),
                )
            })
            .collect()
    };
    let (want, got) = (tables(expected), tables(actual));
    for name in want.keys().chain(got.keys()) {
        let (Some(w), Some(g)) = (want.get(name), got.get(name)) else {
            return Some(format!("table {name} is only on one side"));
        };
        let (w, g) = (w.as_array(), g.as_array());
        let (w, g) = (w.into_iter().flatten(), g.into_iter().flatten());
        let (w, g): (Vec<_>, Vec<_>) = (w.collect(), g.collect());
        for i in 0..w.len().max(g.len()) {
            if w.get(i) != g.get(i) {
                let show = |v: Option<&&Value>| {
                    v.map_or("(none)".to_owned(), |v| {
                        serde_json::to_string_pretty(v).unwrap_or_default()
                    })
                };
                return Some(format!(
                    "table {name}, row {i}\nexpected (golden): {}\nfound (decoded now): {}",
                    show(w.get(i)),
                    show(g.get(i))
                ));
            }
        }
    }
    (expected != actual).then(|| "the table order differs".to_owned())
}

/// Whether the fixture of `version` decodes with the current code into its golden rows;
/// `Err` says how it does not.
fn check_against_golden(version: u32) -> Result<(), String> {
    let (tmp, _) = copy_fixture(version);
    let store = Store::open(tmp.path()).map_err(|e| format!("cannot open: {e}"))?;
    let rows = store
        .read()
        .and_then(|r| r.all_rows())
        .map_err(|e| format!("a row no longer decodes: {e}"))?;
    let actual = rows_json(&rows);
    let expected = read_golden(version);
    match first_difference(&expected, &actual) {
        None => Ok(()),
        Some(diff) => Err(diff),
    }
}

#[test]
fn current_fixture_decodes_to_its_golden_rows() {
    prepare();
    let version = schema::CURRENT_VERSION;
    let (tmp, _) = copy_fixture(version);
    let store = Store::open(tmp.path()).expect("open fixture");
    assert_eq!(
        store.opened_at_version(),
        Some(version),
        "tests/fixtures/store-v{version} holds a file of another version"
    );
    drop(store);
    drop(tmp);
    if let Err(diff) = check_against_golden(version) {
        panic!("{LAYOUT_CHANGED}\n\n{diff}");
    }
}

#[test]
fn fixture_audit_chain_verifies() {
    prepare();
    let (tmp, _) = copy_fixture(schema::CURRENT_VERSION);
    let store = Store::open(tmp.path()).expect("open fixture");
    let report = store.read().expect("read").verify_audit().expect("verify");
    assert!(report.intact, "{report:?}");
    assert!(report.events >= 20, "every write audited: {report:?}");
}

#[test]
fn fixture_covers_every_table() {
    prepare();
    let version = schema::CURRENT_VERSION;
    let fresh_dir = tempfile::tempdir().expect("tempdir");
    let fresh = Store::open(fresh_dir.path()).expect("new store");
    let created = fresh.read().expect("read").table_names().expect("tables");

    let (tmp, in_fixture) = copy_fixture(version);
    for name in &created {
        assert!(
            in_fixture.contains(name),
            "the current code creates table {name} but the fixture of version {version} has \
             none: if older files lack it, that is a schema change ({LAYOUT_CHANGED}); \
             otherwise add rows for it to build_fixture and regenerate"
        );
    }
    for name in &in_fixture {
        assert!(
            created.contains(name),
            "the fixture of version {version} has table {name}, which the current code no \
             longer creates: {LAYOUT_CHANGED}"
        );
    }

    let store = Store::open(tmp.path()).expect("open fixture");
    let rows = store.read().expect("read").all_rows().expect("decode");
    let dumped: Vec<&str> = rows.iter().map(|t| t.table.as_str()).collect();
    for name in &created {
        assert!(
            dumped.contains(&name.as_str()),
            "Reader::all_rows (src/store/inspect.rs) does not read table {name}: add it"
        );
    }
    for t in &rows {
        assert!(
            !t.rows.is_empty(),
            "the fixture has no row in table {}: add one to build_fixture in \
             tests/store_layout.rs and regenerate with {UPDATE_VAR}=1",
            t.table
        );
    }
}

#[test]
fn older_fixtures_migrate_on_open() {
    prepare();
    for version in fixture_versions() {
        assert!(
            version <= schema::CURRENT_VERSION,
            "tests/fixtures/store-v{version} is newer than this build's schema {}",
            schema::CURRENT_VERSION
        );
        if version == schema::CURRENT_VERSION {
            continue;
        }
        let (tmp, _) = copy_fixture(version);
        let store = Store::open(tmp.path())
            .unwrap_or_else(|e| panic!("the version {version} fixture does not open: {e}"));
        assert_eq!(store.opened_at_version(), Some(version));
        let r = store.read().expect("read");
        let rows = r.all_rows().unwrap_or_else(|e| {
            panic!(
                "after migrating the version {version} fixture a row does not decode \
                 (is the migration step from {version} missing?): {e}"
            )
        });
        let report = r.verify_audit().expect("verify");
        assert!(report.intact, "version {version} fixture: {report:?}");
        // A migration may add rows (a new index), never lose them.
        let golden = read_golden(version);
        for old in golden.as_array().expect("golden is a list of tables") {
            let name = old["table"].as_str().expect("table name");
            let before = old["rows"].as_array().map_or(0, Vec::len);
            if let Some(now) = rows.iter().find(|t| t.table == name) {
                assert!(
                    now.rows.len() >= before,
                    "migrating the version {version} fixture lost rows of table {name}: \
                     {before} before, {} after",
                    now.rows.len()
                );
            }
        }
        drop(r);
        drop(store);
        let store = Store::open(tmp.path()).expect("reopen");
        assert_eq!(
            store.opened_at_version(),
            Some(schema::CURRENT_VERSION),
            "the migrated version is recorded"
        );
    }
}

/// The v2 → v3 step keeps every v2 row as it was and gives the new trailing fields their
/// defaults: no email, start date, supervisor or language; no four-eyes; no grace days;
/// certifications need no approval.
#[test]
fn v2_fixture_migrates_to_v3_with_defaults() {
    prepare();
    let (tmp, _) = copy_fixture(2);
    let store = Store::open(tmp.path()).expect("open the v2 fixture");
    assert_eq!(store.opened_at_version(), Some(2));
    let rows = rows_json(&store.read().expect("read").all_rows().expect("decode"));
    let defaults = |table: &str| -> Vec<(&str, Value)> {
        match table {
            "employees" => vec![
                ("email", Value::Null),
                ("start_date", Value::Null),
                ("supervisor_id", Value::Null),
                ("language", Value::Null),
            ],
            "skills" => vec![("needs_approval", false.into())],
            "skill_revisions" => vec![("grace_days", 0.into())],
            // And the v4 → v5 step after it.
            "certifications" => vec![
                ("approval", "not_required".into()),
                ("assessor", Value::Null),
            ],
            // And the v3 → v4 step after it.
            "users" => vec![("language", Value::Null)],
            _ => vec![],
        }
    };
    let mut expected = read_golden(2);
    for table in expected.as_array_mut().expect("tables") {
        let name = table["table"].as_str().expect("name").to_owned();
        for row in table["rows"].as_array_mut().expect("rows") {
            if name == "meta" && row["key"] == "schema_version" {
                row["value"] = schema::CURRENT_VERSION.into();
            }
            let value = row["value"].as_object_mut();
            if let Some(value) = value {
                for (field, default) in defaults(&name) {
                    assert!(
                        value.insert(field.to_owned(), default).is_none(),
                        "{name}.{field} already in v2"
                    );
                }
            }
        }
    }
    if let Some(diff) = first_difference(&expected, &rows) {
        panic!("the v2 fixture does not migrate to v2 rows with v3 defaults:\n{diff}");
    }
    // The migrated records are usable: the engine and the services read them.
    let r = store.read().expect("read");
    let employee: Employee = r
        .get(id(0x901))
        .expect("read employee")
        .expect("employee kept");
    assert_eq!(employee.name, "Jo Park");
    assert_eq!(employee.language, None);
    let cert: Certification = r
        .get(id(0xb01))
        .expect("read certification")
        .expect("certification kept");
    assert_eq!(cert.approval, Approval::NotRequired);
    assert!(r.verify_audit().expect("verify").intact);
}

/// The v3 → v4 step keeps every v3 row as it was and gives each user the new trailing
/// `language` as `None` (the web UI then follows the browser).
#[test]
fn v3_fixture_migrates_to_v4_with_no_user_language() {
    prepare();
    let (tmp, _) = copy_fixture(3);
    let store = Store::open(tmp.path()).expect("open the v3 fixture");
    assert_eq!(store.opened_at_version(), Some(3));
    let rows = rows_json(&store.read().expect("read").all_rows().expect("decode"));
    let mut expected = read_golden(3);
    let mut users = 0;
    for table in expected.as_array_mut().expect("tables") {
        let name = table["table"].as_str().expect("name").to_owned();
        for row in table["rows"].as_array_mut().expect("rows") {
            if name == "meta" && row["key"] == "schema_version" {
                row["value"] = schema::CURRENT_VERSION.into();
            }
            if name == "users" {
                let value = row["value"].as_object_mut().expect("user row");
                assert!(
                    value.insert("language".into(), Value::Null).is_none(),
                    "users.language already in v3"
                );
                users += 1;
            }
            // And the v4 → v5 step after it.
            if name == "certifications" {
                let value = row["value"].as_object_mut().expect("certification row");
                value.insert("assessor".into(), Value::Null);
            }
        }
    }
    assert!(users > 0, "the v3 fixture has users");
    if let Some(diff) = first_difference(&expected, &rows) {
        panic!("the v3 fixture does not migrate to v3 rows with v4 defaults:\n{diff}");
    }
    let r = store.read().expect("read");
    let user: User = r.get(id(0x801)).expect("read user").expect("user kept");
    assert_eq!(user.email, "admin@caliber.local");
    assert_eq!(user.language, None);
    assert!(r.verify_audit().expect("verify").intact);
}

/// The v4 → v5 step keeps every v4 row as it was and gives each certification the new
/// trailing `assessor` as `None` (whoever recorded it assessed, as before v5).
#[test]
fn v4_fixture_migrates_to_v5_with_no_assessor() {
    prepare();
    let (tmp, _) = copy_fixture(4);
    let store = Store::open(tmp.path()).expect("open the v4 fixture");
    assert_eq!(store.opened_at_version(), Some(4));
    let rows = rows_json(&store.read().expect("read").all_rows().expect("decode"));
    let mut expected = read_golden(4);
    let mut certs = 0;
    for table in expected.as_array_mut().expect("tables") {
        let name = table["table"].as_str().expect("name").to_owned();
        for row in table["rows"].as_array_mut().expect("rows") {
            if name == "meta" && row["key"] == "schema_version" {
                row["value"] = schema::CURRENT_VERSION.into();
            }
            if name == "certifications" {
                let value = row["value"].as_object_mut().expect("certification row");
                assert!(
                    value.insert("assessor".into(), Value::Null).is_none(),
                    "certifications.assessor already in v4"
                );
                certs += 1;
            }
        }
    }
    assert!(certs > 0, "the v4 fixture has certifications");
    if let Some(diff) = first_difference(&expected, &rows) {
        panic!("the v4 fixture does not migrate to v4 rows with v5 defaults:\n{diff}");
    }
    let r = store.read().expect("read");
    let cert: Certification = r
        .get(id(0xb03))
        .expect("read certification")
        .expect("certification kept");
    assert_eq!(cert.assessor, None);
    assert_eq!(cert.approval, Approval::Pending, "the v4 fields are kept");
    assert_eq!(
        cert.assessed_by(),
        "trainer@caliber.local",
        "without an assessor, whoever recorded it assessed"
    );
    assert!(r.verify_audit().expect("verify").intact);
}

// --- Writing the fixture -------------------------------------------------------------------

/// Write the fixture and golden rows of the current version into the tree. Refuses when a
/// fixture of this version exists and no longer decodes into its own golden rows: that is
/// exactly the layout change the fixture is there to catch.
fn regenerate() {
    let version = schema::CURRENT_VERSION;
    let dir = fixture_dir(version);
    if dir.join(DB_FILE).exists()
        && let Err(diff) = check_against_golden(version)
    {
        panic!(
            "refusing to overwrite tests/fixtures/store-v{version}: the current code reads it \
             differently, so {LAYOUT_CHANGED}. (Only if no file of version {version} was ever \
             released, delete that directory and run again.)\n\n{diff}"
        );
    }
    let build = tempfile::tempdir().expect("tempdir");
    drop(build_fixture(build.path()));
    let file = build.path().join(DB_FILE);
    restamp_audit(&file);
    std::fs::create_dir_all(&dir).expect("create fixture dir");
    let _ = std::fs::remove_file(dir.join(DB_FILE));
    rewrite_clean(&file, &dir.join(DB_FILE));

    let (tmp, _) = copy_fixture(version);
    let store = Store::open(tmp.path()).expect("open new fixture");
    let rows = store.read().expect("read").all_rows().expect("decode");
    let mut text = serde_json::to_string_pretty(&rows_json(&rows)).expect("json");
    text.push('\n');
    std::fs::write(dir.join(GOLDEN_FILE), text).expect("write golden rows");
}

/// A UUIDv7-shaped id that is the same on every run; `n` tells records apart.
fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x0195_5a3c_0000_7000_8000_0000_0000_0000 | n)
}

fn at(text: &str) -> Timestamp {
    text.parse().expect("fixed timestamp")
}

fn badge(n: u32) -> BadgeToken {
    BadgeToken::parse(&format!("fixtureBadge{n:010}")).expect("badge token")
}

/// Put a new record, audited as a create; the store claims its unique keys and writes its
/// index entries itself, and this checks that it did.
fn add<R: Record>(
    store: &Store,
    actor: &Actor,
    record: &R,
    unique: &[(&'static str, &str)],
    indexes: &[(PairIndex, Uuid)],
) {
    store
        .write(actor, |w| -> Result<(), StoreError> {
            w.put(record)?;
            // A record that no longer counts (deleted, revoked) holds no unique key.
            let holder = record.is_live().then(|| record.id());
            for (kind, value) in unique {
                assert_eq!(w.unique(kind, value)?, holder, "{kind} {value}");
            }
            for (index, owner) in indexes {
                let listed: Vec<R> = w.owned(*index, *owner)?;
                assert!(
                    listed.iter().any(|r| r.id() == record.id()),
                    "pair index entry"
                );
            }
            let action = format!("{}.create", R::ENTITY);
            w.audit(
                &action,
                R::ENTITY,
                Some(record.id()),
                None::<&R>,
                Some(record),
            )?;
            Ok(())
        })
        .expect("write fixture record");
}

/// Replace a record, audited as an update from `old`.
fn change<R: Record>(store: &Store, actor: &Actor, action: &str, old: &R, new: &R) {
    store
        .write(actor, |w| -> Result<(), StoreError> {
            w.put(new)?;
            w.audit(action, R::ENTITY, Some(new.id()), Some(old), Some(new))?;
            Ok(())
        })
        .expect("write fixture change");
}

/// A store with rows in every table and every field of every stored type set, values that
/// differ between fields of the same type (so swapped fields read differently), and every
/// variant of every stored enum (so reordered variants read differently).
fn build_fixture(dir: &Path) -> Store {
    let store = Store::open(dir).expect("open new store");
    let actor = Actor {
        name: "fixture-admin@caliber.local".into(),
        ip: Some("10.20.30.40".into()),
        user_agent: Some("caliber-fixture/1".into()),
        user_id: None,
    };

    let site = Site {
        id: id(0x101),
        code: "DTR-01".into(),
        name: "Detroit Body Shop".into(),
        timezone: "America/Detroit".into(),
        warning_days: 45,
        deleted_at: None,
    };
    add(&store, &actor, &site, &[("site code", "dtr-01")], &[]);
    let closed_site = Site {
        id: id(0x102),
        code: "FLT-02".into(),
        name: "Flint Stamping".into(),
        timezone: "America/Chicago".into(),
        warning_days: 14,
        deleted_at: Some(at("2026-01-05T16:00:00.250Z")),
    };
    add(&store, &actor, &closed_site, &[], &[]);

    let molding = Department {
        id: id(0x201),
        name: "Molding".into(),
        deleted_at: None,
    };
    let retired_department = Department {
        id: id(0x202),
        name: "Paint".into(),
        deleted_at: Some(at("2026-01-06T08:30:00.500Z")),
    };
    add(
        &store,
        &actor,
        &molding,
        &[("department name", "molding")],
        &[],
    );
    add(&store, &actor, &retired_department, &[], &[]);

    let technician = Role {
        id: id(0x301),
        name: "Technician".into(),
        deleted_at: None,
    };
    let retired_role = Role {
        id: id(0x302),
        name: "Setter".into(),
        deleted_at: Some(at("2026-01-07T09:45:00.750Z")),
    };
    add(
        &store,
        &actor,
        &technician,
        &[("role name", "technician")],
        &[],
    );
    add(&store, &actor, &retired_role, &[], &[]);

    let line = Project {
        id: id(0x401),
        code: "LINE-3".into(),
        name: "Door Line 3".into(),
        site_id: site.id,
        deleted_at: None,
    };
    let cell = Project {
        id: id(0x402),
        code: "CELL-9".into(),
        name: "Weld Cell 9".into(),
        site_id: site.id,
        deleted_at: Some(at("2026-01-08T10:15:00.125Z")),
    };
    add(&store, &actor, &line, &[("project code", "line-3")], &[]);
    add(&store, &actor, &cell, &[], &[]);

    let skill = Skill {
        id: id(0x501),
        code: "FORK".into(),
        name: "Forklift Operation".into(),
        description: "Counterbalance truck up to 2.5 t".into(),
        max_level: 3,
        validity_months: Some(24),
        deleted_at: None,
        needs_approval: true,
    };
    let old_skill = Skill {
        id: id(0x502),
        code: "SOLD".into(),
        name: "Hand Soldering".into(),
        description: "IPC J-STD-001 class 2".into(),
        max_level: 4,
        validity_months: Some(18),
        deleted_at: Some(at("2026-01-09T11:00:00.375Z")),
        needs_approval: false,
    };
    add(&store, &actor, &skill, &[("skill code", "fork")], &[]);
    add(&store, &actor, &old_skill, &[], &[]);

    let revisions = [
        (
            0x601,
            1,
            "Rev A",
            RevisionStatus::Archived,
            (2025, 3, 1),
            false,
            0,
        ),
        (
            0x602,
            2,
            "Rev B",
            RevisionStatus::Active,
            (2025, 11, 17),
            true,
            30,
        ),
        (
            0x603,
            3,
            "Rev C",
            RevisionStatus::Draft,
            (2026, 6, 30),
            true,
            45,
        ),
    ]
    .map(
        |(n, sequence, label, status, (y, m, d), requires_retraining, grace_days)| SkillRevision {
            id: id(n),
            skill_id: skill.id,
            sequence,
            label: label.into(),
            change_log: format!("{label}: new load chart"),
            status,
            effective_date: Some(jiff::civil::date(y, m, d)),
            requires_retraining,
            grace_days,
        },
    );
    for rev in &revisions {
        add(
            &store,
            &actor,
            rev,
            &[],
            &[(tables::REVISIONS_BY_SKILL, skill.id)],
        );
    }

    let scoped = Requirement {
        id: id(0x701),
        skill_id: skill.id,
        level: 2,
        site_id: Some(site.id),
        department_id: Some(molding.id),
        role_id: Some(technician.id),
        project_id: Some(line.id),
        deleted_at: Some(at("2026-01-10T12:30:00.625Z")),
    };
    let everyone = Requirement {
        id: id(0x702),
        skill_id: skill.id,
        level: 1,
        site_id: None,
        department_id: None,
        role_id: None,
        project_id: None,
        deleted_at: None,
    };
    for r in [&scoped, &everyone] {
        add(
            &store,
            &actor,
            r,
            &[],
            &[(tables::REQUIREMENTS_BY_SKILL, skill.id)],
        );
    }

    let users = [
        (0x801, "admin@caliber.local", AppRole::Admin, true, None),
        (
            0x802,
            "skills@caliber.local",
            AppRole::SkillManager,
            false,
            None,
        ),
        (
            0x803,
            "trainer@caliber.local",
            AppRole::Trainer,
            true,
            Some(id(0x902)),
        ),
    ]
    .map(|(n, email, role, active, employee_id)| User {
        id: id(n),
        email: email.into(),
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$fixture{n:x}$hash{n:x}"),
        role,
        active,
        employee_id,
        created_at: at("2026-01-11T13:00:00.100Z"),
        language: match n {
            0x801 => Some("pl".into()),
            0x803 => Some("es".into()),
            _ => None,
        },
    });
    for u in &users {
        add(&store, &actor, u, &[("email", &u.email)], &[]);
    }

    let tokens = [
        (0xa01, "audit-export", AppRole::Auditor, None),
        (
            0xa02,
            "hr-sync",
            AppRole::Viewer,
            Some(at("2026-02-01T07:00:00.900Z")),
        ),
    ]
    .map(|(n, name, role, revoked_at)| ApiToken {
        id: id(n),
        name: name.into(),
        role,
        token_hash: format!("{n:064x}"),
        created_at: at("2026-01-12T14:00:00.200Z"),
        revoked_at,
    });
    for t in &tokens {
        add(&store, &actor, t, &[("api token", &t.token_hash)], &[]);
    }

    let employees = [
        (0x901, "E1001", "Jo Park", EmployeeStatus::Active, "de"),
        (0x902, "E1002", "Ana Ruiz", EmployeeStatus::Leave, "es"),
        (0x903, "E1003", "Lee Chen", EmployeeStatus::Terminated, "pl"),
    ]
    .map(|(n, number, name, status, language)| Employee {
        id: id(n),
        number: number.into(),
        badge_token: badge(n as u32),
        name: name.into(),
        site_id: site.id,
        department_id: Some(molding.id),
        role_id: Some(technician.id),
        project_ids: vec![line.id, cell.id],
        status,
        user_id: Some(users[0].id),
        photo: Some(format!("{:064x}", 0xfeed_0000 + n)),
        deleted_at: (status == EmployeeStatus::Terminated).then(|| at("2026-01-13T15:00:00.300Z")),
        email: Some(format!("{}@dtr.example", number.to_lowercase())),
        start_date: Some(jiff::civil::date(2019, 4, 1 + (n - 0x901) as i8)),
        supervisor_id: Some(id(if n == 0x901 { 0x902 } else { 0x901 })),
        language: Some(language.into()),
    });
    for e in &employees {
        add(
            &store,
            &actor,
            e,
            &[
                ("employee number", &e.number),
                ("badge token", e.badge_token.as_str()),
            ],
            &[],
        );
    }
    // A lost badge: the old token is retired, a new one claimed.
    let old = employees[0].clone();
    let mut rebadged = old.clone();
    rebadged.badge_token = badge(0x9ff);
    store
        .write(&actor, |w| -> Result<(), StoreError> {
            w.put(&rebadged)?;
            w.retire_badge(old.badge_token.as_str(), old.id)?;
            w.audit(
                "employee.regenerate_badge",
                "employee",
                Some(old.id),
                Some(&old),
                Some(&rebadged),
            )?;
            Ok(())
        })
        .expect("regenerate badge");

    let evidence = [
        (
            0xe01_u128,
            "forklift-practical.pdf",
            "application/pdf",
            48_213,
        ),
        (0xe02, "written-test.png", "image/png", 9_871),
    ]
    .map(|(n, name, mime, size)| Attachment {
        sha256: format!("{n:064x}"),
        name: name.into(),
        mime: mime.into(),
        size,
        created_at: at("2026-01-14T16:00:00.400Z"),
    });
    store
        .write(&actor, |w| -> Result<(), StoreError> {
            for a in &evidence {
                w.put_attachment(a)?;
                w.audit(
                    "attachment.create",
                    "attachment",
                    None,
                    None::<&()>,
                    Some(a),
                )?;
            }
            Ok(())
        })
        .expect("attachments");

    let cert = Certification {
        id: id(0xb01),
        employee_id: employees[0].id,
        skill_id: skill.id,
        revision_id: Some(revisions[1].id),
        level: 2,
        achieved_at: at("2026-01-15T17:00:00.500Z"),
        expires_at: Some(at("2028-01-15T06:00:00Z")),
        certified_by: "trainer@caliber.local".into(),
        notes: "Practical on the 2.5 t truck".into(),
        attachments: evidence.iter().map(|a| a.sha256.clone()).collect(),
        revoked: None,
        deleted_at: None,
        approval: Approval::Approved {
            by: "skills@caliber.local".into(),
            at: at("2026-01-15T18:30:00.550Z"),
        },
        assessor: Some("Dana Whitfield (external examiner)".into()),
    };
    let other_cert = Certification {
        id: id(0xb02),
        employee_id: employees[1].id,
        skill_id: old_skill.id,
        revision_id: None,
        level: 4,
        achieved_at: at("2025-06-02T08:00:00.600Z"),
        expires_at: None,
        certified_by: "skills@caliber.local".into(),
        notes: String::new(),
        attachments: vec![],
        revoked: None,
        deleted_at: Some(at("2026-01-16T18:00:00.700Z")),
        approval: Approval::NotRequired,
        assessor: None,
    };
    // Four-eyes: one waiting for a second trainer, one refused.
    let pending_cert = Certification {
        id: id(0xb03),
        employee_id: employees[1].id,
        skill_id: skill.id,
        revision_id: Some(revisions[1].id),
        level: 3,
        achieved_at: at("2026-01-18T07:15:00.050Z"),
        expires_at: Some(at("2028-01-18T06:00:00Z")),
        certified_by: "trainer@caliber.local".into(),
        notes: "Night-shift practical".into(),
        attachments: vec![],
        revoked: None,
        deleted_at: None,
        approval: Approval::Pending,
        assessor: Some("R. Okafor, night-shift lead".into()),
    };
    let rejected_cert = Certification {
        id: id(0xb04),
        employee_id: employees[0].id,
        skill_id: skill.id,
        revision_id: Some(revisions[0].id),
        level: 1,
        achieved_at: at("2026-01-19T08:45:00.850Z"),
        expires_at: Some(at("2028-01-19T06:00:00Z")),
        certified_by: "admin@caliber.local".into(),
        notes: "Assessed on the wrong truck".into(),
        attachments: vec![],
        revoked: None,
        deleted_at: None,
        approval: Approval::Rejected {
            by: "skills@caliber.local".into(),
            at: at("2026-01-20T09:05:00.950Z"),
            reason: "Practical was on the 1.5 t truck".into(),
        },
        assessor: None,
    };
    for c in [&cert, &other_cert, &pending_cert, &rejected_cert] {
        add(
            &store,
            &actor,
            c,
            &[],
            &[
                (tables::CERTS_BY_EMPLOYEE, c.employee_id),
                (tables::CERTS_BY_SKILL, c.skill_id),
            ],
        );
    }
    let mut revoked = cert.clone();
    revoked.revoked = Some(Revocation {
        at: at("2026-02-03T09:00:00.800Z"),
        by: "skills@caliber.local".into(),
        reason: "Drove with the forks raised".into(),
    });
    revoked.deleted_at = Some(at("2026-02-04T10:00:00.900Z"));
    change(&store, &actor, "certification.revoke", &cert, &revoked);

    let station = Station {
        id: id(0xc01),
        name: "Press 4".into(),
        project_id: Some(line.id),
        extra_skills: vec![
            StationSkill {
                skill_id: skill.id,
                level: 2,
            },
            StationSkill {
                skill_id: old_skill.id,
                level: 3,
            },
        ],
        key_hash: format!("{:064x}", 0x5ca1_ab1e_u128),
        created_at: at("2026-01-17T19:00:00.150Z"),
        deleted_at: Some(at("2026-02-05T11:00:00.050Z")),
    };
    add(
        &store,
        &actor,
        &station,
        &[
            ("station name", "press 4"),
            ("station key", &station.key_hash),
        ],
        &[],
    );

    let scan = ScanEvent {
        id: id(0xd01),
        station_id: station.id,
        at: at("2026-02-06T05:58:12.345Z"),
        badge_prefix: "fixt".into(),
        employee_id: Some(employees[0].id),
        verdict: "red".into(),
        reasons: vec![
            "Forklift Operation: certification revoked".into(),
            "Hand Soldering: not certified".into(),
        ],
    };
    store.write(&actor, |w| w.record_scan(&scan)).expect("scan");

    // Expiry digests: one delivered (its notice remembered), one still queued.
    let digest = |n: u128, to: &str, cert: Uuid, days: u32| DigestMessage {
        id: id(n),
        to: to.into(),
        to_name: "Fixture Supervisor".into(),
        subject: "Caliber: 1 certification expiring".into(),
        body: format!("- fixture line, {days} days\n"),
        notices: vec![DigestNotice {
            certification_id: cert,
            threshold_days: days,
        }],
        queued_at: at("2026-02-08T06:00:00.100Z"),
    };
    let delivered = digest(0xf01, "boss@plant.example", cert.id, 60);
    let waiting = digest(0xf02, "qa@plant.example", cert.id, 30);
    store
        .write(&actor, |w| -> Result<(), StoreError> {
            for m in [&delivered, &waiting] {
                w.queue_digest(m)?;
                w.audit(
                    "digest.queue",
                    "digest_message",
                    Some(m.id),
                    None::<&()>,
                    Some(&m.to),
                )?;
            }
            w.digest_accepted(delivered.id, at("2026-02-08T06:00:05.200Z"))?;
            w.audit(
                "digest.send",
                "digest_message",
                Some(delivered.id),
                None::<&()>,
                Some(&delivered.to),
            )?;
            Ok(())
        })
        .expect("digests");

    let session = Session {
        user_id: users[2].id,
        csrf: "fixture-csrf-token".into(),
        created_at: at("2026-02-07T06:00:00.010Z"),
        last_seen: at("2026-02-07T06:42:00.020Z"),
    };
    store
        .touch_session(&format!("{:064x}", 0x5e55_1011_u128), &session)
        .expect("session");
    store
}

/// Give every audit event a fixed time (the store stamps the wall clock) and re-chain the
/// hashes, so a regenerated fixture is the same file every time; then shrink the file.
fn restamp_audit(path: &Path) {
    let db = redb::Database::open(path).expect("open built fixture");
    let tx = db.begin_write().expect("write");
    {
        let mut audit = tx.open_table(tables::AUDIT).expect("audit table");
        let mut events: Vec<AuditEvent> = audit
            .iter()
            .expect("iter")
            .map(|row| serde_json::from_slice(row.expect("row").1.value()).expect("event"))
            .collect();
        let mut prev = GENESIS.to_owned();
        let start = at("2026-02-10T07:00:00.000Z").as_millisecond();
        for e in &mut events {
            let offset = i64::try_from(e.seq).expect("seq") * 61_007;
            e.at = Timestamp::from_millisecond(start + offset).expect("time");
            e.prev_hash = prev;
            e.hash = event_hash(e);
            prev = e.hash.clone();
            let bytes = serde_json::to_vec(&*e).expect("json");
            audit.insert(e.seq, bytes.as_slice()).expect("insert");
        }
        let head = ChainHead {
            seq: events.last().map_or(0, |e| e.seq),
            hash: prev,
        };
        let bytes = serde_json::to_vec(&head).expect("json");
        let mut meta = tx.open_table(tables::META).expect("meta");
        meta.insert("audit_head", bytes.as_slice()).expect("head");
        // The seal was made with the build directory's own key for the old hashes; a fixture
        // is a file without its key, sealed afresh by whoever opens a copy (as a store from
        // before the seal is).
        meta.remove("audit_seal").expect("unseal");
    }
    tx.commit().expect("commit");
}

/// Copy every table of `from` into a new file `to` in one transaction, so that the file
/// holds only the final rows (not leftovers of rows rewritten while building, such as the
/// audit hashes from before [`restamp_audit`]) and is the same bytes on every run.
fn rewrite_clean(from: &Path, to: &Path) {
    let src_db = redb::ReadOnlyDatabase::open(from).expect("open built fixture");
    let src = src_db.begin_read().expect("read");
    let mut dst_db = redb::Database::create(to).expect("create fixture file");
    let dst = dst_db.begin_write().expect("write");
    let mut copied = Vec::new();
    for t in [tables::META, tables::ATTACHMENTS, tables::SESSIONS] {
        copied.push(copy_table(&src, &dst, t));
    }
    copied.push(copy_table(&src, &dst, tables::DIGEST_OUTBOX));
    copied.push(copy_table(&src, &dst, tables::DIGEST_SENT));
    for t in [
        tables::SITES,
        tables::DEPARTMENTS,
        tables::ROLES,
        tables::PROJECTS,
        tables::USERS,
        tables::API_TOKENS,
        tables::EMPLOYEES,
        tables::SKILLS,
        tables::REVISIONS,
        tables::REQUIREMENTS,
        tables::CERTIFICATIONS,
        tables::STATIONS,
        tables::SCANS,
    ] {
        copied.push(copy_table(&src, &dst, t));
    }
    copied.push(copy_table(&src, &dst, tables::AUDIT));
    for t in [tables::UNIQUE, tables::RETIRED_BADGES] {
        copied.push(copy_table(&src, &dst, t));
    }
    for t in [
        tables::CERTS_BY_EMPLOYEE,
        tables::CERTS_BY_SKILL,
        tables::REQUIREMENTS_BY_SKILL,
        tables::REVISIONS_BY_SKILL,
    ] {
        copied.push(copy_table(&src, &dst, t));
    }
    copied.sort();
    assert_eq!(
        copied,
        tables_in_file(from),
        "rewrite_clean in tests/store_layout.rs must copy every table the store has"
    );
    dst.commit().expect("commit");
    dst_db.compact().expect("compact");
}

fn copy_table<K: redb::Key + 'static, V: redb::Value + 'static>(
    src: &redb::ReadTransaction,
    dst: &redb::WriteTransaction,
    table: redb::TableDefinition<K, V>,
) -> String {
    let from = src.open_table(table).expect("open source table");
    let mut to = dst.open_table(table).expect("create table");
    for row in from.iter().expect("iter") {
        let (k, v) = row.expect("row");
        to.insert(k.value(), v.value()).expect("copy row");
    }
    table.name().to_owned()
}
