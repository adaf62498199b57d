//! The central archive: the other end of the sites' signed backup bundles.
//!
//! One folder (`--dir DIR`), or the same layout in an S3-compatible object store
//! (`--store s3://bucket/prefix`, [`ObjectStorage`]), holds everything: the archive's age identity (`archive-identity`,
//! mode 0600; its recipient goes into every site's `backup_recipients`), the append-only
//! enrolment log (`enrolments.jsonl`: which device key may sign for which site code, every
//! key change with its reason) and the accepted bundles under
//! `sites/<code>/<yyyy>/<mm>/<timestamp>-<seq>.bundle`, each beside a
//! `<same>.summary.json` computed at ingest with the box's own qualification engine, so
//! reports never re-read bundles.
//!
//! Ingest reuses the box's hostile-bundle reader ([`crate::backup::verify`]) and restore
//! ([`crate::backup::restore`]) unchanged: a bundle is copied into the archive's work folder,
//! verified there (so what is checked is what is stored), checked against the enrolments and
//! the newest sequence of its device, restored into a scratch store to compute its summary,
//! and only then stored, the bundle first and its summary last. A refused bundle leaves the archive as it was. The
//! layout and the refusals are in `docs/archive.md`.

mod company;
mod enrolment;
mod identity;
mod ingest;
mod layout;
mod lock;
mod object;
pub mod state;
mod storage;
mod summary;
mod watch;
pub mod web;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use company::{
    Company, CompanyReport, CompanyView, ExpiryAcross, GapAcross, KeyState, Listed, ReportSite,
    Site, SiteCount, SiteExpiry, key_state,
};
pub use enrolment::{ENROLMENT_LOG, Enrolment, EnrolmentAction, EnrolmentEvent};
pub use identity::IDENTITY_FILE;
pub use ingest::{IngestOutcome, IngestRefusal};
pub use layout::StoredBundle;
pub use lock::{IngestLock, LOCK_FILE};
pub use object::ObjectStorage;
pub use storage::{LocalDir, Storage};
pub use summary::{
    MatrixColumn, MatrixEntry, MatrixLine, SUMMARY_FORMAT, SiteMatrix, SiteSummary, SkillExpiry,
    SkillGap, TREND_POINTS, TrendPoint,
};
pub use watch::{DropHandled, DropOutcome, WatchOptions, reason_path};

/// The folder for copies and scratch stores while a bundle is being ingested; emptied after
/// each bundle.
pub const WORK_DIR: &str = ".work";

/// Why an archive command failed. Bad input (an unknown site, a missing reason, a damaged
/// log) is [`ArchiveError::is_refusal`]: exit code 2 with the reason.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// A file could not be read or written.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, with the path.
        context: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The folder is not an archive (no identity file): run `caliber archive init` first.
    #[error("{0} is not an archive (no {IDENTITY_FILE}): run `caliber archive init` on it first")]
    NotAnArchive(String),
    /// `init` on a folder that already holds an identity.
    #[error("{0} already holds an archive identity; it is never replaced")]
    AlreadyInitialised(String),
    /// The identity file is damaged.
    #[error("archive identity {path}: {message}")]
    Identity {
        /// The identity file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A site code that cannot be one (it names a folder, so it is kept simple).
    #[error("site code '{0}' is not valid: 1 to 32 letters, digits, '-' or '_'")]
    BadSiteCode(String),
    /// A fingerprint that is not 64 hex digits.
    #[error("key fingerprint '{0}' is not 64 hex digits (see `caliber device show` on the box)")]
    BadFingerprint(String),
    /// A key change for an enrolled site without a reason.
    #[error("site {site} is enrolled with key {current}: a key change needs --reason")]
    ReasonRequired {
        /// The site code.
        site: String,
        /// Its enrolled key.
        current: String,
    },
    /// The site is not enrolled.
    #[error("site {0} is not enrolled")]
    NotEnrolled(String),
    /// A line of the enrolment log does not parse.
    #[error("{path} line {line} is damaged: {message}")]
    DamagedLog {
        /// The log file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A stored summary does not parse.
    #[error("stored summary {path} is damaged: {message}")]
    DamagedSummary {
        /// The summary file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// No stored bundle of the site (on or before the date asked for).
    #[error("no stored bundle of site {site}{}", .on_or_before.as_ref().map(|d| format!(" on or before {d}")).unwrap_or_default())]
    NoBundle {
        /// The site code.
        site: String,
        /// The date asked for.
        on_or_before: Option<String>,
    },
    /// The store or the backup code failed on a scratch store.
    #[error(transparent)]
    Backup(#[from] crate::backup::BackupError),
    /// The scratch store could not be read.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// Another process is ingesting into the archive.
    #[error("archive {archive} is locked by another ingest ({}); wait for it to finish, or drop the files into the folder a running --watch ingests", .pid.map(|p| format!("pid {p}")).unwrap_or_else(|| "pid unknown".into()))]
    Locked {
        /// The archive.
        archive: String,
        /// The holder's pid, as it wrote it into the lock file.
        pid: Option<u32>,
    },
    /// A `--store` URL that cannot be used.
    #[error("store {url} cannot be used: {message}")]
    BadStoreUrl {
        /// The URL given.
        url: String,
        /// What is wrong.
        message: String,
    },
    /// The object store refused or could not be reached.
    #[error("{context}: {message}")]
    ObjectStore {
        /// What was being done, with the key and the store.
        context: String,
        /// The store client's error.
        message: String,
    },
    /// `--watch` on something that is not a folder.
    #[error("{0} is not a folder to watch")]
    NotAFolder(PathBuf),
    /// The qualification queries failed on a scratch store.
    #[error("cannot compute the summary: {0}")]
    Summary(String),
    /// An archive in an object store without `--state`.
    #[error(
        "an archive in an object store keeps its logins in a local folder: give it with --state DIR"
    )]
    StateRequired,
    /// A role the company view does not have.
    #[error("'{0}' is not a role of the company view: viewer, auditor or admin")]
    BadRole(String),
}

impl ArchiveError {
    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> ArchiveError {
        let context = context.into();
        move |source| ArchiveError::Io { context, source }
    }

    /// Whether this is bad input (exit 2 with the reason) rather than a failure of the
    /// machine.
    pub fn is_refusal(&self) -> bool {
        !matches!(
            self,
            ArchiveError::Io { .. }
                | ArchiveError::Store(_)
                | ArchiveError::Backup(_)
                | ArchiveError::ObjectStore { .. }
        )
    }
}

/// Shorthand for archive results.
pub type Result<T, E = ArchiveError> = std::result::Result<T, E>;

/// Where an archive is: a local folder or an object store URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A local folder (`--dir`).
    Dir(PathBuf),
    /// An S3-compatible object store, `s3://bucket/prefix` (`--store`).
    Store(String),
}

impl Location {
    /// The storage at this location (nothing is read or sent yet).
    pub fn storage(&self) -> Result<Arc<dyn Storage>> {
        Ok(match self {
            Location::Dir(d) => Arc::new(LocalDir::new(d)),
            Location::Store(url) => Arc::new(ObjectStorage::open(url)?),
        })
    }
}

/// An archive: its identity, enrolment log and stored bundles, in a local folder or an
/// object store.
#[derive(Debug, Clone)]
pub struct Archive {
    storage: Arc<dyn Storage>,
}

impl Archive {
    /// Make a new archive in the local folder `dir` (created if absent): see
    /// [`Archive::init_at`].
    pub fn init(dir: &Path) -> Result<(Archive, String)> {
        std::fs::create_dir_all(dir)
            .map_err(ArchiveError::io(format!("cannot create {}", dir.display())))?;
        Archive::init_at(&Location::Dir(dir.to_owned()))
    }

    /// Make a new archive at `location`: a fresh age X25519 identity (never replaced) and an
    /// empty enrolment log. Returns the archive and its recipient (`age1…`) for the sites'
    /// `backup_recipients`.
    pub fn init_at(location: &Location) -> Result<(Archive, String)> {
        let storage = location.storage()?;
        let recipient = identity::create(storage.as_ref())?;
        if storage.read(ENROLMENT_LOG)?.is_none() {
            storage.write(ENROLMENT_LOG, b"")?;
        }
        let work = storage.work_dir();
        std::fs::create_dir_all(work).map_err(ArchiveError::io(format!(
            "cannot create {}",
            work.display()
        )))?;
        Ok((Archive { storage }, recipient))
    }

    /// Open the archive in the local folder `dir`, which `init` made.
    pub fn open(dir: &Path) -> Result<Archive> {
        Archive::open_at(&Location::Dir(dir.to_owned()))
    }

    /// Open the archive at `location`, which `init` made (this reads the store, so an
    /// unreachable store fails here).
    pub fn open_at(location: &Location) -> Result<Archive> {
        let storage = location.storage()?;
        if storage.read(IDENTITY_FILE)?.is_none() {
            return Err(ArchiveError::NotAnArchive(storage.location()));
        }
        let work = storage.work_dir();
        std::fs::create_dir_all(work).map_err(ArchiveError::io(format!(
            "cannot create {}",
            work.display()
        )))?;
        Ok(Archive { storage })
    }

    /// The archive's storage.
    pub fn storage(&self) -> &dyn Storage {
        self.storage.as_ref()
    }

    /// The archive's location as given (`DIR` or `s3://…`).
    pub fn location(&self) -> String {
        self.storage.location()
    }

    /// The archive's recipient (`age1…`), from its identity.
    pub fn recipient(&self) -> Result<String> {
        identity::recipient(self.storage())
    }

    /// Enrol `key` (a device fingerprint) for `site`. Enrolling a site that has another key
    /// is a key change (a replacement box) and needs a `reason`. Returns what was recorded,
    /// or `None` when the site was already enrolled with that key.
    pub fn enrol(
        &self,
        site: &str,
        key: &str,
        reason: Option<&str>,
    ) -> Result<Option<EnrolmentEvent>> {
        enrolment::enrol(self.storage(), site, key, reason)
    }

    /// Withdraw the enrolment of `site`: its bundles are refused from now on (stored ones stay).
    pub fn unenrol(&self, site: &str, reason: Option<&str>) -> Result<EnrolmentEvent> {
        enrolment::unenrol(self.storage(), site, reason)
    }

    /// The enrolled sites now, by code.
    pub fn enrolments(&self) -> Result<Vec<Enrolment>> {
        enrolment::current(self.storage())
    }

    /// Every event of the enrolment log, oldest first.
    pub fn enrolment_history(&self) -> Result<Vec<EnrolmentEvent>> {
        enrolment::read_log(self.storage())
    }

    /// Take the ingest lock without waiting: one ingest at a time per archive (refused with
    /// the holder's pid). While it is held, the lock carries what the archive holds; bundles
    /// left without a summary by a crashed ingest are removed here.
    pub fn lock_ingest(&self) -> Result<IngestLock> {
        let mut lock = IngestLock::acquire(&self.storage.lock_file(LOCK_FILE), &self.location())?;
        let holdings = layout::holdings(self.storage())?;
        for orphan in &holdings.orphans {
            tracing::info!(bundle = %orphan, "removing a bundle an interrupted ingest left without a summary");
            self.storage.remove(orphan)?;
        }
        lock.stored = holdings.stored;
        Ok(lock)
    }

    /// Ingest one bundle file under `lock`: accepted, duplicate, or refused with the reason.
    /// `Err` only when the machine failed (a disk or store error); then nothing is listed
    /// either.
    pub fn ingest(&self, lock: &mut IngestLock, path: &Path) -> Result<IngestOutcome> {
        ingest::ingest(self, lock, path)
    }

    /// Ingest every complete file that appears in the drop folder `folder` until `stop` is
    /// set, under `lock` (from [`Archive::lock_ingest`]). Each handled file is moved into
    /// `accepted/`, `duplicate/` or `refused/` with a `.reason` file and handed to `report`.
    /// Returns how many files were handled.
    pub fn watch(
        &self,
        lock: &mut IngestLock,
        folder: &Path,
        options: &WatchOptions,
        stop: &std::sync::atomic::AtomicBool,
        report: &mut dyn FnMut(&DropHandled) -> std::io::Result<()>,
    ) -> Result<usize> {
        watch::watch(self, lock, folder, options, stop, report)
    }

    /// Every stored bundle, by site, then time.
    pub fn stored(&self) -> Result<Vec<StoredBundle>> {
        Ok(layout::holdings(self.storage())?.stored)
    }

    /// The bytes of a stored bundle.
    pub fn read_bundle(&self, bundle: &StoredBundle) -> Result<Vec<u8>> {
        self.storage
            .read(&bundle.key)?
            .ok_or_else(|| ArchiveError::NoBundle {
                site: bundle.summary.site_code.clone(),
                on_or_before: None,
            })
    }

    /// What the archive holds as the company view shows it: every site's newest summary, its
    /// trend and its stored bundles (summaries are read, bundles are not).
    pub fn company(&self) -> Result<Company> {
        Company::load(self.storage(), None)?
            .ok_or_else(|| ArchiveError::Summary("the archive could not be listed".into()))
    }

    /// The summary stored beside the bundle `key`, `None` when there is none.
    pub fn summary(&self, key: &str) -> Result<Option<SiteSummary>> {
        layout::read_summary(self.storage(), key)
    }

    /// The matrix stored beside the bundle `key`, `None` for a bundle ingested before the
    /// archive kept matrices (summary format 1).
    pub fn matrix(&self, key: &str) -> Result<Option<SiteMatrix>> {
        let mk = layout::matrix_key(key);
        self.storage
            .read(&mk)?
            .map(|bytes| SiteMatrix::decode(&mk, &bytes))
            .transpose()
    }

    /// The newest stored bundle of `site`, or the newest made on or before `on_or_before`
    /// (a UTC date).
    pub fn find(
        &self,
        site: &str,
        on_or_before: Option<jiff::civil::Date>,
    ) -> Result<StoredBundle> {
        let site = enrolment::site_code(site)?;
        self.stored()?
            .into_iter()
            .filter(|b| b.summary.site_code == site)
            .filter(|b| {
                on_or_before.is_none_or(|d| {
                    b.summary
                        .created_at
                        .to_zoned(jiff::tz::TimeZone::UTC)
                        .date()
                        <= d
                })
            })
            .max_by_key(|b| (b.summary.created_at, b.summary.sequence))
            .ok_or_else(|| ArchiveError::NoBundle {
                site,
                on_or_before: on_or_before.map(|d| d.to_string()),
            })
    }
}
