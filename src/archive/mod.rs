//! The central archive: the other end of the sites' signed backup bundles.
//!
//! One folder (`--dir DIR`) holds everything: the archive's age identity (`archive-identity`,
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
//! and only then renamed into place. A refused bundle leaves the archive as it was. The
//! layout and the refusals are in `docs/archive.md`.

mod enrolment;
mod identity;
mod ingest;
mod layout;
mod summary;

use std::path::{Path, PathBuf};

pub use enrolment::{ENROLMENT_LOG, Enrolment, EnrolmentAction, EnrolmentEvent};
pub use identity::IDENTITY_FILE;
pub use ingest::{IngestOutcome, IngestRefusal};
pub use layout::StoredBundle;
pub use summary::{SiteSummary, SkillExpiry, SkillGap, report_csv};

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
    #[error("{0} is not an archive (no {IDENTITY_FILE}): run `caliber archive init --dir` first")]
    NotAnArchive(PathBuf),
    /// `init` on a folder that already holds an identity.
    #[error("{0} already holds an archive identity; it is never replaced")]
    AlreadyInitialised(PathBuf),
    /// The identity file is damaged.
    #[error("archive identity {path}: {message}")]
    Identity {
        /// The identity file.
        path: PathBuf,
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
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A stored summary does not parse.
    #[error("stored summary {path} is damaged: {message}")]
    DamagedSummary {
        /// The summary file.
        path: PathBuf,
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
    /// The qualification queries failed on a scratch store.
    #[error("cannot compute the summary: {0}")]
    Summary(String),
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
            ArchiveError::Io { .. } | ArchiveError::Store(_) | ArchiveError::Backup(_)
        )
    }
}

/// Shorthand for archive results.
pub type Result<T, E = ArchiveError> = std::result::Result<T, E>;

/// An archive folder: its identity, enrolment log and stored bundles.
#[derive(Debug, Clone)]
pub struct Archive {
    dir: PathBuf,
}

impl Archive {
    /// Make a new archive in `dir` (created if absent): a fresh age X25519 identity (0600),
    /// an empty enrolment log and the work folder. Returns the archive and its recipient
    /// (`age1…`) for the sites' `backup_recipients`.
    pub fn init(dir: &Path) -> Result<(Archive, String)> {
        std::fs::create_dir_all(dir)
            .map_err(ArchiveError::io(format!("cannot create {}", dir.display())))?;
        let recipient = identity::create(dir)?;
        let log = dir.join(ENROLMENT_LOG);
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .map_err(ArchiveError::io(format!("cannot create {}", log.display())))?;
        let work = dir.join(WORK_DIR);
        std::fs::create_dir_all(&work).map_err(ArchiveError::io(format!(
            "cannot create {}",
            work.display()
        )))?;
        layout::sync_dir(dir);
        Ok((
            Archive {
                dir: dir.to_owned(),
            },
            recipient,
        ))
    }

    /// Open the archive in `dir`, which `init` made.
    pub fn open(dir: &Path) -> Result<Archive> {
        if !dir.join(IDENTITY_FILE).is_file() {
            return Err(ArchiveError::NotAnArchive(dir.to_owned()));
        }
        let work = dir.join(WORK_DIR);
        std::fs::create_dir_all(&work).map_err(ArchiveError::io(format!(
            "cannot create {}",
            work.display()
        )))?;
        Ok(Archive {
            dir: dir.to_owned(),
        })
    }

    /// The archive folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The archive's recipient (`age1…`), from its identity file.
    pub fn recipient(&self) -> Result<String> {
        identity::recipient(&self.dir)
    }

    /// Path of the identity file (for decrypting bundles).
    pub fn identity_path(&self) -> PathBuf {
        self.dir.join(IDENTITY_FILE)
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
        enrolment::enrol(&self.dir, site, key, reason)
    }

    /// Withdraw the enrolment of `site`: its bundles are refused from now on (stored ones stay).
    pub fn unenrol(&self, site: &str, reason: Option<&str>) -> Result<EnrolmentEvent> {
        enrolment::unenrol(&self.dir, site, reason)
    }

    /// The enrolled sites now, by code.
    pub fn enrolments(&self) -> Result<Vec<Enrolment>> {
        enrolment::current(&self.dir)
    }

    /// Every event of the enrolment log, oldest first.
    pub fn enrolment_history(&self) -> Result<Vec<EnrolmentEvent>> {
        enrolment::read_log(&self.dir)
    }

    /// Ingest one bundle file: accepted, duplicate, or refused with the reason. `Err` only
    /// when the machine failed (a disk error); then nothing was stored either.
    pub fn ingest(&self, path: &Path) -> Result<IngestOutcome> {
        ingest::ingest(self, path)
    }

    /// Every stored bundle, by site, then time.
    pub fn stored(&self) -> Result<Vec<StoredBundle>> {
        layout::stored(&self.dir)
    }

    /// The newest stored summary of each site, by site code.
    pub fn report(&self) -> Result<Vec<SiteSummary>> {
        let mut newest: std::collections::BTreeMap<String, SiteSummary> = Default::default();
        for b in self.stored()? {
            let replace = newest.get(&b.summary.site_code).is_none_or(|n| {
                (n.created_at, n.sequence) < (b.summary.created_at, b.summary.sequence)
            });
            if replace {
                newest.insert(b.summary.site_code.clone(), b.summary);
            }
        }
        Ok(newest.into_values().collect())
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
