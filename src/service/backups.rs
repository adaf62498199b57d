//! Backups on the box: a bundle now or on a schedule into the backup folder, keeping the
//! newest few; the record of each run (audit trail and a small status file the dashboard and
//! `/healthz` read); and copying bundles onto an IT USB stick. The bundle format itself is
//! `crate::backup`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Result, ServiceError};
use crate::backup::{self, BundleInfo, DeviceKey, ExportOptions};
use crate::store::{Actor, Store, StoreError};

/// File name of the last run's status in the data directory.
pub const STATUS_FILE: &str = "backup-status.json";

/// Where and how often the box backs itself up.
#[derive(Debug, Clone)]
pub struct BackupSettings {
    /// Folder the bundles go to (default `DATA_DIR/backups`).
    pub dir: PathBuf,
    /// How many bundles to keep there (the newest).
    pub keep: usize,
    /// How often the server makes one (`None`: only on demand).
    pub every: Option<Duration>,
    /// age recipients (`age1…`) the bundles are encrypted to; none means signed but plain.
    pub recipients: Vec<String>,
    /// The backup started in the background, if one runs (shared by every clone).
    pub running: BackgroundBackup,
}

/// The one backup that may run in the background at a time ("Back up now" on a big site takes
/// longer than a request may): when it started, if it runs. Clones share it.
#[derive(Debug, Clone, Default)]
pub struct BackgroundBackup(Arc<Mutex<Option<Timestamp>>>);

/// Holds the background slot; dropping it (also on a panic) frees the slot.
#[derive(Debug)]
pub struct BackgroundSlot(BackgroundBackup);

impl BackgroundBackup {
    /// When the running background backup started (`None`: none runs).
    pub fn since(&self) -> Option<Timestamp> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Take the slot for a backup starting now, or say since when another one runs.
    pub fn try_begin(&self) -> Result<BackgroundSlot> {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(since) = *slot {
            return Err(ServiceError::Conflict(format!(
                "A backup has been running since {}; wait until it has finished.",
                since.strftime("%H:%M:%S UTC")
            )));
        }
        *slot = Some(Timestamp::now());
        Ok(BackgroundSlot(self.clone()))
    }
}

impl Drop for BackgroundSlot {
    fn drop(&mut self) {
        *self.0.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

impl BackupSettings {
    /// The defaults for a data directory: `backups/` beside the store, 14 kept, daily.
    pub fn defaults(data_dir: &Path) -> BackupSettings {
        BackupSettings {
            dir: data_dir.join("backups"),
            keep: 14,
            every: Some(Duration::from_secs(24 * 3600)),
            recipients: Vec::new(),
            running: BackgroundBackup::default(),
        }
    }
}

/// The outcome of the last backup run, kept in [`STATUS_FILE`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BackupStatus {
    /// When the last run started.
    #[schema(value_type = Option<String>)]
    pub last_attempt_at: Option<Timestamp>,
    /// When a run last succeeded.
    #[schema(value_type = Option<String>)]
    pub last_ok_at: Option<Timestamp>,
    /// Why the last run failed (none when it succeeded).
    pub error: Option<String>,
    /// The last bundle written.
    pub last_file: Option<String>,
    /// Its size in bytes.
    pub last_size: Option<u64>,
    /// How long the last successful run took, in milliseconds.
    pub last_duration_ms: Option<u64>,
    /// The last bundle's sequence number.
    pub last_sequence: Option<u64>,
    /// The last copy onto a USB stick: when, and what happened.
    pub last_stick: Option<StickResult>,
}

/// What a copy onto an IT stick did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StickResult {
    /// When.
    #[schema(value_type = String)]
    pub at: Timestamp,
    /// Bundles copied (and read back and verified on the stick).
    pub copied: Vec<String>,
    /// Why it failed, if it did.
    pub error: Option<String>,
}

/// How the dashboard and `/healthz` see the backups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BackupHealth {
    /// The last run succeeded and is not overdue.
    Ok,
    /// No bundle was ever made.
    Never,
    /// The last run failed.
    Failed,
    /// The last success is older than twice the schedule.
    Overdue,
}

impl BackupStatus {
    /// Read the status file of `data_dir` (a missing or unreadable file is "never").
    pub fn load(data_dir: &Path) -> BackupStatus {
        std::fs::read(data_dir.join(STATUS_FILE))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    fn save(&self, data_dir: &Path) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| {
            ServiceError::Store(StoreError::Encode {
                entity: "backup status",
                message: e.to_string(),
            })
        })?;
        backup::write_durably(data_dir, STATUS_FILE, &bytes).map_err(backup_error)
    }

    /// The health at `now` for a schedule of `every`.
    pub fn health(&self, every: Option<Duration>, now: Timestamp) -> BackupHealth {
        if self.error.is_some() {
            return BackupHealth::Failed;
        }
        let Some(ok) = self.last_ok_at else {
            return BackupHealth::Never;
        };
        match every {
            Some(every) => {
                let limit =
                    jiff::SignedDuration::try_from(every * 2).unwrap_or(jiff::SignedDuration::MAX);
                if ok.duration_until(now) > limit {
                    BackupHealth::Overdue
                } else {
                    BackupHealth::Ok
                }
            }
            None => BackupHealth::Ok,
        }
    }

    /// Whether a scheduled run is due at `now`.
    pub fn due(&self, every: Duration, now: Timestamp) -> bool {
        let every = jiff::SignedDuration::try_from(every).unwrap_or(jiff::SignedDuration::MAX);
        match (self.last_attempt_at, self.error.is_some()) {
            (None, _) => true,
            // After a failure, try again within the hour rather than a whole period later.
            (Some(at), true) => {
                at.duration_until(now) > every.min(jiff::SignedDuration::from_hours(1))
            }
            (Some(at), false) => at.duration_until(now) > every,
        }
    }
}

/// A bundle in the backup folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct BackupFile {
    /// File name.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// When it was written.
    #[schema(value_type = String)]
    pub modified: Timestamp,
    /// Its sequence number (from the name).
    pub sequence: Option<u64>,
    /// Whether it is age-encrypted.
    pub encrypted: bool,
}

/// Whether `name` is a bundle file name this box writes.
fn is_bundle_name(name: &str) -> bool {
    name.starts_with("caliber-")
        && (name.ends_with(".zip") || name.ends_with(".zip.age"))
        && !name.contains('/')
        && !name.contains('\\')
}

/// The bundles in `dir`, newest first.
pub fn list_backups(dir: &Path) -> Result<Vec<BackupFile>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(ServiceError::Store(StoreError::Io {
                context: format!("cannot list {}", dir.display()),
                source: e,
            }));
        }
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() || !is_bundle_name(&name) {
            continue;
        }
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| Timestamp::try_from(t).ok())
            .unwrap_or(Timestamp::UNIX_EPOCH);
        let stem = name.trim_end_matches(".age").trim_end_matches(".zip");
        out.push(BackupFile {
            sequence: stem.rsplit('-').next().and_then(|s| s.parse().ok()),
            encrypted: name.ends_with(".age"),
            size: meta.len(),
            modified,
            name,
        });
    }
    out.sort_by(|a, b| (b.sequence, b.modified, &b.name).cmp(&(a.sequence, a.modified, &a.name)));
    Ok(out)
}

/// The path of bundle `name` in `dir`, if it is one (never a path outside `dir`).
pub fn backup_path(dir: &Path, name: &str) -> Option<PathBuf> {
    is_bundle_name(name)
        .then(|| dir.join(name))
        .filter(|p| p.is_file())
}

/// Make a bundle now into the backup folder, keep the newest `keep`, and record the run: in
/// the audit trail (`backup.run` or `backup.failed`) and in the status file.
pub fn run_backup(store: &Store, settings: &BackupSettings, actor: &Actor) -> Result<BundleInfo> {
    let data_dir = store.dir().to_owned();
    let mut status = BackupStatus::load(&data_dir);
    status.last_attempt_at = Some(Timestamp::now());
    let outcome = export_into(store, settings);
    match &outcome {
        Ok(info) => {
            status.error = None;
            status.last_ok_at = Some(info.created_at);
            status.last_file = info
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned());
            status.last_size = Some(info.size);
            status.last_duration_ms = Some(info.duration.as_millis() as u64);
            status.last_sequence = Some(info.sequence);
            let record = serde_json::json!({
                "file": status.last_file,
                "size": info.size,
                "sequence": info.sequence,
                "duration_ms": status.last_duration_ms,
                "encrypted": info.encrypted,
            });
            store.write(actor, |w| {
                w.audit("backup.run", "backup", None, None::<&()>, Some(&record))?;
                Ok::<_, ServiceError>(())
            })?;
            prune(&settings.dir, settings.keep)?;
        }
        Err(e) => {
            status.error = Some(e.to_string());
            let record = serde_json::json!({ "error": e.to_string() });
            if let Err(audit) = store.write(actor, |w| {
                w.audit("backup.failed", "backup", None, None::<&()>, Some(&record))
            }) {
                tracing::error!("could not record the failed backup: {audit}");
            }
        }
    }
    status.save(&data_dir)?;
    outcome
}

fn export_into(store: &Store, settings: &BackupSettings) -> Result<BundleInfo> {
    std::fs::create_dir_all(&settings.dir).map_err(|e| {
        ServiceError::Store(StoreError::Io {
            context: format!("cannot create {}", settings.dir.display()),
            source: e,
        })
    })?;
    let device = DeviceKey::load_or_create(store.dir()).map_err(backup_error)?;
    let opts = ExportOptions {
        recipients: settings.recipients.clone(),
        removable: false,
    };
    backup::export(store, &device, &settings.dir, &opts).map_err(backup_error)
}

/// Start [`run_backup`] on a thread of its own and return at once, so a request never waits
/// for a big site's bundle; the receiver gets the outcome when it is written (a caller may
/// wait a while for it or drop it). Refused while another background backup runs.
pub fn start_backup(
    store: Arc<Store>,
    settings: Arc<BackupSettings>,
    actor: Actor,
) -> Result<tokio::sync::oneshot::Receiver<Result<BundleInfo>>> {
    let slot = settings.running.try_begin()?;
    let (done, outcome) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("backup".into())
        .spawn(move || {
            let result = run_backup(&store, &settings, &actor);
            drop(slot);
            if let Err(e) = &result {
                tracing::error!("backup failed: {e}");
            }
            // Nobody waiting any more is fine: the run is in the status file and audit trail.
            let _ = done.send(result);
        })
        .map_err(|e| {
            ServiceError::Store(StoreError::Io {
                context: "cannot start the backup".into(),
                source: e,
            })
        })?;
    Ok(outcome)
}

/// Keep the newest `keep` bundles in `dir`.
fn prune(dir: &Path, keep: usize) -> Result<()> {
    for old in list_backups(dir)?.into_iter().skip(keep.max(1)) {
        if let Err(e) = std::fs::remove_file(dir.join(&old.name)) {
            tracing::warn!("could not remove old bundle {}: {e}", old.name);
        }
    }
    Ok(())
}

/// Copy every bundle of the backup folder that `stick` (a folder on a mounted USB stick)
/// does not have yet, newest first; each copy is synced, read back from the stick and
/// verified (signature and every hash) before it counts. The result is recorded in the
/// status file (the dashboard shows it) and the audit trail.
pub fn copy_to_stick(
    store: &Store,
    settings: &BackupSettings,
    stick: &Path,
    actor: &Actor,
) -> Result<StickResult> {
    let mut result = StickResult {
        at: Timestamp::now(),
        copied: Vec::new(),
        error: None,
    };
    let fingerprint = DeviceKey::load_or_create(store.dir())
        .map_err(backup_error)?
        .fingerprint();
    let outcome = (|| -> Result<()> {
        if !stick.is_dir() {
            return Err(ServiceError::invalid(
                "stick",
                format!("{} is not a mounted folder", stick.display()),
            ));
        }
        if list_backups(&settings.dir)?.is_empty() {
            run_backup(store, settings, actor)?;
        }
        for b in list_backups(&settings.dir)? {
            let target = stick.join(&b.name);
            if target.exists() {
                continue;
            }
            copy_verified(
                &settings.dir.join(&b.name),
                &target,
                b.encrypted,
                &fingerprint,
            )?;
            result.copied.push(b.name);
        }
        Ok(())
    })();
    if let Err(e) = &outcome {
        result.error = Some(e.to_string());
    }
    let mut status = BackupStatus::load(store.dir());
    status.last_stick = Some(result.clone());
    status.save(store.dir())?;
    let record = serde_json::to_value(&result).unwrap_or_default();
    store.write(actor, |w| {
        w.audit("backup.stick", "backup", None, None::<&()>, Some(&record))?;
        Ok::<_, ServiceError>(())
    })?;
    outcome.map(|()| result)
}

/// Copy `from` to `to` on removable media: temp file, sync, rename, sync the folder, then
/// read the copy back and verify it (an encrypted bundle is compared byte for byte with the
/// original instead, since the box cannot decrypt it).
fn copy_verified(from: &Path, to: &Path, encrypted: bool, fingerprint: &str) -> Result<()> {
    let io = |what: &str, p: &Path| {
        let context = format!("{what} {}", p.display());
        move |e| ServiceError::Store(StoreError::Io { context, source: e })
    };
    let dir = to.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp",
        to.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ));
    let digest = {
        use sha2::Digest;
        let mut src = std::fs::File::open(from).map_err(io("cannot read", from))?;
        let dst = std::fs::File::create(&tmp).map_err(io("cannot write", &tmp))?;
        let mut tee = HashingCopy {
            out: std::io::BufWriter::new(dst),
            hasher: sha2::Sha256::new(),
        };
        std::io::copy(&mut src, &mut tee).map_err(io("cannot write", &tmp))?;
        let dst = tee
            .out
            .into_inner()
            .map_err(|e| io("cannot write", &tmp)(e.into_error()))?;
        dst.sync_all().map_err(io("cannot sync", &tmp))?;
        tee.hasher.finalize().to_vec()
    };
    if let Err(e) = std::fs::rename(&tmp, to) {
        let _ = std::fs::remove_file(&tmp);
        return Err(io("cannot rename", to)(e));
    }
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    // Read back from the stick itself (cache dropped) and verify before it counts.
    if let Err(e) = backup::read_back(to, &digest, encrypted, fingerprint) {
        let _ = std::fs::remove_file(to);
        return Err(backup_error(e));
    }
    Ok(())
}

/// Copies into `out` and hashes what it copied.
struct HashingCopy<W> {
    out: W,
    hasher: sha2::Sha256,
}

impl<W: std::io::Write> std::io::Write for HashingCopy<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let n = self.out.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// A bundle error as a service error (a refused bundle is invalid input; the rest is the
/// store's or the disk's failure).
pub fn backup_error(e: crate::backup::BackupError) -> ServiceError {
    use crate::backup::BackupError as B;
    match e {
        B::Store(s) => ServiceError::Store(s),
        B::Io { context, source } => ServiceError::Store(StoreError::Io { context, source }),
        other if other.is_refusal() => ServiceError::Invalid {
            field: None,
            message: other.to_string(),
        },
        other => ServiceError::Store(StoreError::Io {
            context: other.to_string(),
            source: std::io::Error::other("the backup did not complete"),
        }),
    }
}

/// The backups page and `GET /api/v1/backups` in one read.
#[derive(Debug, Clone)]
pub struct BackupOverview {
    /// Fingerprint of the device key.
    pub fingerprint: String,
    /// Whether bundles are encrypted.
    pub encrypted: bool,
    /// How the backups stand.
    pub health: BackupHealth,
    /// The last run.
    pub status: BackupStatus,
    /// The bundles kept, newest first.
    pub bundles: Vec<BackupFile>,
    /// When the backup running in the background started, if one runs.
    pub running_since: Option<Timestamp>,
    /// How often the server makes one (`None`: on demand only).
    pub every: Option<Duration>,
    /// How many are kept.
    pub keep: usize,
}

/// How the backups stand, for `/healthz` and the dashboard: the device key's fingerprint and
/// the last run, without listing the backup folder (health is asked often, by anyone).
#[derive(Debug, Clone)]
pub struct BackupState {
    /// Fingerprint of the device key.
    pub fingerprint: String,
    /// How the backups stand.
    pub health: BackupHealth,
    /// The last run.
    pub status: BackupStatus,
}

/// The device key's fingerprint and the last run's status and health.
pub fn backup_state(store: &Store, settings: &BackupSettings) -> Result<BackupState> {
    let status = BackupStatus::load(store.dir());
    Ok(BackupState {
        fingerprint: DeviceKey::load_or_create(store.dir())
            .map_err(backup_error)?
            .fingerprint(),
        health: status.health(settings.every, Timestamp::now()),
        status,
    })
}

/// Everything an administrator sees about the box's backups.
pub fn backup_overview(store: &Store, settings: &BackupSettings) -> Result<BackupOverview> {
    let BackupState {
        fingerprint,
        health,
        status,
    } = backup_state(store, settings)?;
    Ok(BackupOverview {
        fingerprint,
        encrypted: !settings.recipients.is_empty(),
        health,
        status,
        bundles: list_backups(&settings.dir)?,
        running_since: settings.running.since(),
        every: settings.every,
        keep: settings.keep,
    })
}
