//! The redb store on disk: schema migration from version 1, the audit hash chain catching
//! edits and removals, and all-or-nothing writes.

use caliber::domain::*;
use caliber::service::{self, CertifyInput, EmployeeInput, SiteInput, SkillInput};
use caliber::store::{Actor, Store, StoreError, schema, tables};
use redb::{ReadableDatabase, TableDefinition};

fn actor() -> Actor {
    Actor::named("test")
}

/// A store with one employee certified in two skills.
fn populated(dir: &std::path::Path) -> (Store, Employee, Vec<Skill>) {
    let store = Store::open(dir).expect("open");
    let site: Site = service::create(
        &store,
        &actor(),
        SiteInput {
            code: "DTR-01".into(),
            name: "Detroit".into(),
            timezone: "America/Detroit".into(),
            warning_days: None,
        },
    )
    .expect("site");
    let employee: Employee = service::create(
        &store,
        &actor(),
        EmployeeInput {
            number: "E7".into(),
            name: "Jo Park".into(),
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
    let mut skills = Vec::new();
    for code in ["FORK", "FAID"] {
        let skill: Skill = service::create(
            &store,
            &actor(),
            SkillInput {
                code: code.into(),
                name: code.into(),
                description: String::new(),
                max_level: 1,
                validity_months: Some(12),
                needs_approval: None,
            },
        )
        .expect("skill");
        service::certify(
            &store,
            &actor(),
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
        skills.push(skill);
    }
    (store, employee, skills)
}

#[test]
fn upgrades_a_version_1_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, employee, skills) = populated(dir.path());
    assert_eq!(store.opened_at_version(), None, "a new store");
    drop(store);

    // Turn the file into what version 1 wrote: no certifications-by-skill index.
    {
        let db = redb::Database::create(dir.path().join(caliber::store::DB_FILE)).expect("db");
        let tx = db.begin_write().expect("tx");
        assert!(tx.delete_table(tables::CERTS_BY_SKILL).expect("delete"));
        let mut meta = tx.open_table(tables::META).expect("meta");
        meta.insert("schema_version", "1".as_bytes())
            .expect("version");
        drop(meta);
        tx.commit().expect("commit");
    }

    let store = Store::open(dir.path()).expect("reopen");
    assert_eq!(store.opened_at_version(), Some(1));
    let r = store.read().expect("read");
    for skill in &skills {
        let certs = r.certifications_in(skill.id).expect("by skill");
        assert_eq!(certs.len(), 1, "index rebuilt for {}", skill.code);
        assert_eq!(certs[0].employee_id, employee.id);
    }
    drop(r);
    drop(store);
    // And the version is recorded: the next open migrates nothing.
    let store = Store::open(dir.path()).expect("reopen again");
    assert_eq!(store.opened_at_version(), Some(schema::CURRENT_VERSION));
}

#[test]
fn refuses_a_store_from_a_newer_version() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(Store::open(dir.path()).expect("open"));
    {
        let db = redb::Database::create(dir.path().join(caliber::store::DB_FILE)).expect("db");
        let tx = db.begin_write().expect("tx");
        tx.open_table(tables::META)
            .expect("meta")
            .insert("schema_version", "99".as_bytes())
            .expect("insert");
        tx.commit().expect("commit");
    }
    match Store::open(dir.path()) {
        Err(StoreError::TooNew { found: 99, .. }) => {}
        other => panic!("expected TooNew, got {:?}", other.err()),
    }
}

const AUDIT: TableDefinition<u64, &[u8]> = TableDefinition::new("audit_events");

fn tamper(dir: &std::path::Path, f: impl FnOnce(&mut redb::Table<u64, &[u8]>)) {
    let db = redb::Database::create(dir.join(caliber::store::DB_FILE)).expect("db");
    let tx = db.begin_write().expect("tx");
    {
        let mut t = tx.open_table(AUDIT).expect("audit");
        f(&mut t);
    }
    tx.commit().expect("commit");
}

fn event(dir: &std::path::Path, seq: u64) -> AuditEvent {
    let db = redb::Database::create(dir.join(caliber::store::DB_FILE)).expect("db");
    let tx = db.begin_read().expect("tx");
    let t = tx.open_table(AUDIT).expect("audit");
    let v = t.get(seq).expect("get").expect("event");
    serde_json::from_slice(v.value()).expect("json")
}

#[test]
fn audit_chain_finds_edits_and_removals() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _, _) = populated(dir.path());
    let report = store.read().expect("read").verify_audit().expect("verify");
    assert!(report.intact, "{report:?}");
    let n = report.events;
    assert!(n >= 6, "site, employee, 2 skills, 2 certifications: {n}");
    drop(store);

    // Edit an event's new value (e.g. hide who certified).
    let mut e = event(dir.path(), 3);
    e.actor = "someone else".into();
    let bytes = serde_json::to_vec(&e).expect("json");
    tamper(dir.path(), |t| {
        t.insert(3, bytes.as_slice()).expect("insert");
    });
    let store = Store::open(dir.path()).expect("open");
    let report = store.read().expect("read").verify_audit().expect("verify");
    assert!(!report.intact);
    assert_eq!(report.first_broken_seq, Some(3));
    drop(store);

    // Restore it, then delete an event in the middle.
    let mut fixed = event(dir.path(), 3);
    fixed.actor = "test".into();
    let bytes = serde_json::to_vec(&fixed).expect("json");
    tamper(dir.path(), |t| {
        t.insert(3, bytes.as_slice()).expect("insert");
    });
    let store = Store::open(dir.path()).expect("open");
    assert!(
        store
            .read()
            .expect("read")
            .verify_audit()
            .expect("verify")
            .intact
    );
    drop(store);
    tamper(dir.path(), |t| {
        t.remove(2).expect("remove");
    });
    let store = Store::open(dir.path()).expect("open");
    let report = store.read().expect("read").verify_audit().expect("verify");
    assert!(!report.intact);
    assert_eq!(report.first_broken_seq, Some(2));
    drop(store);

    // Removing the newest event (a truncated tail) is caught by the recorded head.
    let dir2 = tempfile::tempdir().expect("tempdir");
    let (store, _, _) = populated(dir2.path());
    drop(store);
    tamper(dir2.path(), |t| {
        t.remove(n).expect("remove");
    });
    let store = Store::open(dir2.path()).expect("open");
    let report = store.read().expect("read").verify_audit().expect("verify");
    assert!(!report.intact, "{report:?}");
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, employee, _) = populated(dir.path());
    let before = store.read().expect("read").counts().expect("counts");
    let head = store.read().expect("read").audit_head().expect("head");
    // Put a record and its audit event, then fail: the transaction must roll back.
    let result: Result<(), StoreError> = store.write(&actor(), |w| {
        let mut e = employee.clone();
        e.name = "Changed".into();
        w.put(&e)?;
        w.audit(
            "employee.update",
            "employee",
            Some(e.id),
            Some(&employee),
            Some(&e),
        )?;
        // A second employee with the same number: the store refuses the duplicate key.
        let mut twin = employee.clone();
        twin.id = new_id();
        w.put(&twin)?;
        Ok(())
    });
    assert!(matches!(result, Err(StoreError::Duplicate { .. })));
    let r = store.read().expect("read");
    assert_eq!(
        r.get::<Employee>(employee.id)
            .expect("get")
            .expect("e")
            .name,
        "Jo Park"
    );
    assert_eq!(r.audit_head().expect("head"), head);
    assert_eq!(
        r.counts().expect("counts").audit_events,
        before.audit_events
    );
}

/// The audit trail is append-only and hash-chained, so nothing unbounded may reach it: who,
/// address and user agent are cut to their caps, and a value over the cap refuses the whole
/// transaction, change included.
#[test]
fn the_audit_trail_only_takes_bounded_events() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = Store::open(dir.path()).expect("open");
    let loud = Actor {
        name: "x".repeat(2_000_000),
        ip: Some("1".repeat(10_000)),
        user_agent: Some("Mozilla/".repeat(10_000)),
        user_id: None,
    };
    let site: Site = service::create(
        &store,
        &loud,
        SiteInput {
            code: "AUS-01".into(),
            name: "Austin".into(),
            timezone: "America/Chicago".into(),
            warning_days: None,
        },
    )
    .expect("site");
    let r = store.read().expect("read");
    let head = r.audit_head().expect("head");
    let event = r
        .audit_events(head.seq..=head.seq)
        .expect("events")
        .remove(0);
    assert_eq!(event.actor.chars().count(), caliber::store::MAX_AUDIT_ACTOR);
    assert_eq!(
        event.ip.map(|s| s.len()),
        Some(caliber::store::MAX_AUDIT_IP)
    );
    assert_eq!(
        event.user_agent.map(|s| s.len()),
        Some(caliber::store::MAX_AUDIT_USER_AGENT)
    );
    drop(r);

    let before = store.read().expect("read").audit_head().expect("head");
    let huge = "y".repeat(caliber::store::MAX_AUDIT_VALUE + 1);
    let refused = store.write(&actor(), |w| {
        let mut s = site.clone();
        s.name = "Austin 2".into();
        w.put(&s)?;
        w.audit("site.update", "site", Some(s.id), Some(&site), Some(&huge))?;
        Ok::<_, StoreError>(())
    });
    assert!(
        matches!(refused, Err(StoreError::TooLarge { .. })),
        "{refused:?}"
    );
    let r = store.read().expect("read");
    assert_eq!(
        r.audit_head().expect("head"),
        before,
        "nothing was appended"
    );
    let kept: Site = r.get(site.id).expect("get").expect("site");
    assert_eq!(kept.name, "Austin", "the change went with its audit event");
}

/// Someone with the store file but not the box's audit key edits history and rebuilds the
/// whole hash chain (every hash and the head recomputed): the seal no longer matches, so
/// verification fails; the next write records the broken seal for good instead of hiding
/// it under a fresh seal; and the key file is the box's alone (0600).
#[test]
fn a_rebuilt_chain_does_not_carry_the_seal() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, employee, _) = populated(dir.path());
    let employee = employee.id;
    let n = store
        .read()
        .expect("read")
        .verify_audit()
        .expect("verify")
        .events;
    drop(store);
    let key = dir.path().join(caliber::store::AUDIT_KEY_FILE);
    let mode = std::fs::metadata(&key)
        .expect("audit key")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    // Rewrite event 3's actor and recompute every hash after it, and the head.
    let mut events: Vec<AuditEvent> = (1..=n).map(|s| event(dir.path(), s)).collect();
    events[2].actor = "someone else".into();
    let mut prev = caliber::store::GENESIS.to_owned();
    for e in &mut events {
        e.prev_hash = prev.clone();
        e.hash = caliber::store::event_hash(e);
        prev = e.hash.clone();
    }
    let rows: Vec<(u64, Vec<u8>)> = events
        .iter()
        .map(|e| (e.seq, serde_json::to_vec(e).expect("json")))
        .collect();
    tamper(dir.path(), |t| {
        for (seq, bytes) in &rows {
            t.insert(*seq, bytes.as_slice()).expect("insert");
        }
    });
    {
        const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
        let db = redb::Database::create(dir.path().join(caliber::store::DB_FILE)).expect("db");
        let tx = db.begin_write().expect("tx");
        {
            let mut meta = tx.open_table(META).expect("meta");
            let head = caliber::store::ChainHead { seq: n, hash: prev };
            let bytes = serde_json::to_vec(&head).expect("json");
            meta.insert("audit_head", bytes.as_slice()).expect("head");
        }
        tx.commit().expect("commit");
    }
    let store = Store::open(dir.path()).expect("open");
    let report = store.read().expect("read").verify_audit().expect("verify");
    assert!(
        !report.intact,
        "a rebuilt chain must not verify: {report:?}"
    );
    assert!(
        report.problem.as_deref().unwrap_or("").contains("seal"),
        "{report:?}"
    );

    // A later write seals its new head, but the break stays on record.
    store
        .write(&Actor::named("test"), |w| {
            let mut e = w.get::<Employee>(employee).expect("get").expect("employee");
            e.name = "Renamed".into();
            w.put(&e)?;
            w.audit(
                "employee.update",
                "employee",
                Some(e.id),
                None::<&Employee>,
                Some(&e),
            )?;
            Ok::<_, caliber::store::StoreError>(())
        })
        .expect("write");
    let report = store.read().expect("read").verify_audit().expect("verify");
    assert!(
        !report.intact,
        "the break is not hidden by a new seal: {report:?}"
    );
    assert!(
        report
            .problem
            .as_deref()
            .unwrap_or("")
            .contains(&format!("event {n}")),
        "{report:?}"
    );
}

/// The certifications-by-employee cache built from the file on first use (read along the
/// employee index, one exact list per employee) holds every live certification of every
/// employee, in id order, and none that is deleted.
#[test]
fn the_certification_cache_built_from_the_file_holds_every_live_certification() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    caliber::seed::seed_demo(&store, jiff::Timestamp::now()).expect("demo");
    let all: Vec<Certification> = store.read().expect("read").list().expect("certifications");
    let gone = all[all.len() / 2].clone();
    store
        .write(&actor(), |w| {
            let mut c = gone.clone();
            c.deleted_at = Some(jiff::Timestamp::now());
            w.put(&c)?;
            w.audit(
                "certification.delete",
                "certification",
                Some(c.id),
                Some(&gone),
                Some(&c),
            )?;
            Ok::<_, StoreError>(())
        })
        .expect("delete one");
    drop(store);

    let store = Store::open(dir.path()).expect("reopen");
    let cached = store.certifications_by_employee().expect("cache");
    let mut expected: std::collections::HashMap<uuid::Uuid, Vec<CertificationFacts>> =
        std::collections::HashMap::new();
    for c in store
        .read()
        .expect("read")
        .list::<Certification>()
        .expect("list")
    {
        if c.deleted_at.is_none() {
            expected.entry(c.employee_id).or_default().push((&c).into());
        }
    }
    assert!(expected.len() > 1, "the demo certifies several employees");
    assert_eq!(cached.len(), expected.len());
    for (employee, list) in &expected {
        let got = cached.get(employee).expect("employee in the cache");
        assert_eq!(got.as_slice(), list.as_slice(), "employee {employee}");
        assert_eq!(got.capacity(), got.len(), "one exact allocation");
    }
    assert!(
        cached
            .values()
            .flat_map(|l| l.iter())
            .all(|c| c.id != gone.id),
        "the deleted certification is not cached"
    );
    assert!(store.cache_mismatches().expect("compare").is_empty());
}
