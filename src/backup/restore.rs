//! Restoring a bundle into an empty data directory.
//!
//! The bundle is verified completely first (signature against the expected key, every hash,
//! every row, the audit chain): a refused bundle writes nothing at all. Then it is read a
//! second time (hashes checked again, so a file swapped in between is caught) into a staging
//! folder inside the target: records go through `Writer::put`, so unique keys and indexes are
//! rebuilt from the records themselves; audit events are inserted as they were, so the chain
//! and its head are the bundle's. Only when the restored store's chain verifies and its
//! counts match the manifest is the staging folder moved into place; on any failure it is
//! removed. Sessions are not in a bundle, so no login survives a restore; the new box gets
//! its own device key, and the store remembers which device and bundle it came from.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::device::DeviceKey;
use super::export::RetiredBadge;
use super::manifest::*;
use super::reader::{Bundle, BundleSummary, ChainCheck, Limits, each_line, parse_row, verify_with};
use super::{BackupError, Refusal, Result};
use crate::domain::*;
use crate::store::{ATTACHMENTS_DIR, AUDIT_KEY_FILE, DB_FILE, Record, Store, Writer};

/// Meta key of the restored store recording where it came from ([`RestoredFrom`]).
pub const RESTORED_FROM_KEY: &str = "restored_from";

/// Name of the staging folder inside the target while a restore runs.
const STAGING: &str = ".caliber-restore.partial";

/// Rows per write transaction while restoring.
const BATCH: usize = 5000;

/// What a restore did.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    /// The bundle as verified.
    pub summary: BundleSummary,
    /// The data directory restored into.
    pub dir: PathBuf,
    /// Fingerprint of the new box's own device key.
    pub new_fingerprint: String,
}

/// Whether `dir` is absent or an empty directory.
fn empty_or_absent(dir: &Path) -> Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Ok(false),
        Err(e) => Err(BackupError::io(format!("cannot read {}", dir.display()))(e)),
    }
}

/// Restore the bundle at `bundle` into the empty (or absent) data directory `target`.
/// `expect` is the fingerprint of the device that must have signed it; `identity` an age
/// identity file for an encrypted bundle.
pub fn restore(
    bundle: &Path,
    target: &Path,
    expect: &str,
    identity: Option<&Path>,
) -> Result<RestoreReport> {
    if !empty_or_absent(target)? {
        return Err(BackupError::TargetNotEmpty(target.to_owned()));
    }
    let limits = Limits::default();
    let summary = verify_with(bundle, Some(expect), identity, &limits)?;
    let current = crate::store::schema::CURRENT_VERSION;
    if summary.schema_version != current {
        return Err(Refusal::SchemaMismatch {
            found: summary.schema_version,
            supported: current,
        }
        .into());
    }
    let created_target = !target.exists();
    std::fs::create_dir_all(target).map_err(BackupError::io(format!(
        "cannot create {}",
        target.display()
    )))?;
    let staging = target.join(STAGING);
    let outcome = (|| {
        std::fs::create_dir(&staging).map_err(BackupError::io(format!(
            "cannot create {}",
            staging.display()
        )))?;
        fill(bundle, &staging, expect, identity, &limits)?;
        move_into_place(&staging, target)
    })();
    if let Err(e) = outcome {
        let _ = std::fs::remove_dir_all(&staging);
        if created_target {
            let _ = std::fs::remove_dir(target);
        } else {
            for name in [DB_FILE, AUDIT_KEY_FILE, ATTACHMENTS_DIR] {
                let _ = std::fs::remove_file(target.join(name));
                let _ = std::fs::remove_dir_all(target.join(name));
            }
        }
        return Err(e);
    }
    let key = DeviceKey::load_or_create(target)?;
    Ok(RestoreReport {
        summary,
        dir: target.to_owned(),
        new_fingerprint: key.fingerprint(),
    })
}

/// Read the bundle into a new store in `staging` and check the result.
fn fill(
    bundle: &Path,
    staging: &Path,
    expect: &str,
    identity: Option<&Path>,
    limits: &Limits,
) -> Result<()> {
    let mut b = Bundle::open(bundle, Some(expect), identity, limits)?;
    let manifest = b.manifest.clone();
    let store = Store::open(staging)?;
    for table in DataTable::ALL {
        let path = table.path();
        let entry = manifest
            .files
            .iter()
            .find(|f| f.path == path)
            .ok_or_else(|| Refusal::MissingFile(path.clone()))?
            .clone();
        b.read_file(&entry, |r| load_table(&store, table, &path, r, limits))?;
    }
    let dir = staging.join(ATTACHMENTS_DIR);
    for entry in manifest
        .files
        .iter()
        .filter(|f| f.path.starts_with("attachments/"))
    {
        let sha = entry.path.trim_start_matches("attachments/");
        let tmp = dir.join(format!(".{sha}.partial"));
        let mut out = std::fs::File::create(&tmp)
            .map_err(BackupError::io(format!("cannot create {}", tmp.display())))?;
        b.read_file(entry, |r| {
            std::io::copy(r, &mut out).map_err(|e| {
                BackupError::Refused(Refusal::Corrupt(format!("{}: {e}", entry.path)))
            })?;
            Ok(())
        })?;
        out.flush()
            .and_then(|()| out.sync_all())
            .map_err(BackupError::io(format!("cannot write {}", tmp.display())))?;
        std::fs::rename(&tmp, dir.join(sha))
            .map_err(BackupError::io(format!("cannot write {}", tmp.display())))?;
    }
    store.restore(|w| {
        w.set_meta_json(
            RESTORED_FROM_KEY,
            &RestoredFrom {
                device_fingerprint: manifest.device.fingerprint.clone(),
                sequence: manifest.sequence,
                created_at: manifest.created_at,
                restored_at: Timestamp::now(),
            },
        )?;
        Ok::<_, BackupError>(())
    })?;
    let r = store.read()?;
    let report = r.verify_audit()?;
    if !report.intact {
        return Err(Refusal::BadData(format!(
            "the restored audit chain does not verify: {}",
            report.problem.unwrap_or_default()
        ))
        .into());
    }
    if r.audit_head()? != manifest.audit_head {
        return Err(Refusal::BadData(
            "the restored audit chain's head differs from the manifest's".into(),
        )
        .into());
    }
    let counts = r.counts()?;
    let check = |table: DataTable, n: u64| -> Result<()> {
        let expected = manifest.counts.get(table.name()).copied().unwrap_or(0);
        if n != expected {
            return Err(Refusal::CountMismatch {
                table: table.name().to_owned(),
                found: n,
                expected,
            }
            .into());
        }
        Ok(())
    };
    check(DataTable::Sites, counts.sites)?;
    check(DataTable::Employees, counts.employees)?;
    check(DataTable::Certifications, counts.certifications)?;
    check(DataTable::AuditEvents, counts.audit_events)?;
    check(DataTable::Attachments, counts.attachments)?;
    drop(r);
    drop(store);
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Rows of one data file into the store, in batches of [`BATCH`] per transaction.
fn load_table(
    store: &Store,
    table: DataTable,
    path: &str,
    r: &mut dyn BufRead,
    limits: &Limits,
) -> Result<()> {
    let mut batch: Vec<Vec<u8>> = Vec::with_capacity(BATCH);
    let mut first = 0u64;
    let mut chain = ChainCheck::new();
    let flush = |rows: &mut Vec<Vec<u8>>, first: u64, chain: &mut ChainCheck| -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        store.restore(|w| {
            for (i, line) in rows.iter().enumerate() {
                put_row(w, table, path, first + i as u64, line, chain)?;
            }
            Ok::<_, BackupError>(())
        })?;
        rows.clear();
        Ok(())
    };
    each_line(r, path, limits.max_line_bytes, |n, line| {
        if batch.is_empty() {
            first = n;
        }
        batch.push(line.to_vec());
        if batch.len() >= BATCH {
            flush(&mut batch, first, &mut chain)?;
        }
        Ok(())
    })?;
    flush(&mut batch, first, &mut chain)?;
    Ok(())
}

fn put<R: Record>(w: &mut Writer, path: &str, n: u64, line: &[u8]) -> Result<()> {
    let record: R = parse_row(path, n, line)?;
    w.put(&record)?;
    Ok(())
}

/// One row into the store, as its table wants it.
fn put_row(
    w: &mut Writer,
    table: DataTable,
    path: &str,
    n: u64,
    line: &[u8],
    chain: &mut ChainCheck,
) -> Result<()> {
    match table {
        DataTable::Sites => put::<Site>(w, path, n, line),
        DataTable::Departments => put::<Department>(w, path, n, line),
        DataTable::Roles => put::<Role>(w, path, n, line),
        DataTable::Projects => put::<Project>(w, path, n, line),
        DataTable::Users => put::<User>(w, path, n, line),
        DataTable::ApiTokens => put::<ApiToken>(w, path, n, line),
        DataTable::Employees => put::<Employee>(w, path, n, line),
        DataTable::Skills => put::<Skill>(w, path, n, line),
        DataTable::SkillRevisions => put::<SkillRevision>(w, path, n, line),
        DataTable::Requirements => put::<Requirement>(w, path, n, line),
        DataTable::Certifications => put::<Certification>(w, path, n, line),
        DataTable::Stations => put::<Station>(w, path, n, line),
        DataTable::ScanEvents => put::<ScanEvent>(w, path, n, line),
        DataTable::Attachments => {
            let a: Attachment = parse_row(path, n, line)?;
            w.put_attachment(&a)?;
            Ok(())
        }
        DataTable::RetiredBadges => {
            let b: RetiredBadge = parse_row(path, n, line)?;
            w.retire_badge(&b.badge_token, b.employee_id)?;
            Ok(())
        }
        DataTable::AuditEvents => {
            let e: AuditEvent = parse_row(path, n, line)?;
            chain.push(&e)?;
            w.restore_audit_event(&e)?;
            Ok(())
        }
    }
}

/// Move the restored store from `staging` into `target` and remove `staging`.
fn move_into_place(staging: &Path, target: &Path) -> Result<()> {
    for name in [DB_FILE, AUDIT_KEY_FILE, ATTACHMENTS_DIR] {
        std::fs::rename(staging.join(name), target.join(name)).map_err(BackupError::io(
            format!("cannot move {name} into {}", target.display()),
        ))?;
    }
    std::fs::remove_dir_all(staging).map_err(BackupError::io(format!(
        "cannot remove {}",
        staging.display()
    )))?;
    if let Ok(d) = std::fs::File::open(target) {
        let _ = d.sync_all();
    }
    Ok(())
}
