//! Backup bundles: export, verify and restore of a site's whole history, signed with the
//! box's device key and optionally encrypted with age.
//!
//! A bundle is a zip holding the data as JSON Lines, one file per table (`data/*.jsonl`, rows
//! in key order, so two exports of the same data give byte-identical data files), the
//! evidence files by SHA-256 (`attachments/<sha256>`), `manifest.json` (what the bundle holds,
//! every file's size and SHA-256, the audit chain head) and `manifest.sig` (Ed25519 over the
//! exact manifest bytes). With age recipients configured the whole zip is encrypted to them.
//!
//! Reading treats every bundle as hostile: [`reader`] checks the container (paths, entry
//! types, duplicates, caps, compression ratio), the signature and every hash before any byte
//! is used, and [`restore`] only ever writes into an empty data directory, through a staging
//! folder that is removed on any failure. The format and the reader's threat model are in
//! `docs/backup.md`.

mod device;
mod export;
mod manifest;
pub mod reader;
mod restore;

use std::path::PathBuf;

pub use device::{DEVICE_KEY_FILE, DeviceKey, normalize_fingerprint};
pub use export::{
    BundleInfo, ExportOptions, SEQUENCE_FILE, bundle_file_name, export, read_back, write_durably,
};
pub use manifest::{
    DataTable, FORMAT, FORMAT_VERSION, FileEntry, MANIFEST, Manifest, ManifestDevice, RestoredFrom,
    SIGNATURE,
};
pub use reader::{BundleSummary, Limits, verify, verify_bytes, verify_with};
pub use restore::{RESTORED_FROM_KEY, RestoreReport, restore};

/// Why a bundle could not be written, read or restored. Every refusal of a bundle names the
/// reason in one line a person understands.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The store failed while reading or writing records.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// A file could not be read or written.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, with the path.
        context: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The device key file is unreadable or damaged.
    #[error("device key {path}: {message}")]
    DeviceKey {
        /// The key file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// An age recipient in the settings is not an `age1…` X25519 recipient.
    #[error("backup recipient '{0}' is not an age X25519 recipient (age1…)")]
    BadRecipient(String),
    /// The export could not be written (zip, encryption, a corrupt attachment on disk).
    #[error("cannot write the bundle: {0}")]
    Write(String),
    /// The bundle was refused: hostile, damaged, or not what was asked for.
    #[error("bundle refused: {0}")]
    Refused(Refusal),
    /// The restore target is not an empty directory.
    #[error("{0} is not empty: restore only into an empty data directory")]
    TargetNotEmpty(PathBuf),
}

impl BackupError {
    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> BackupError {
        let context = context.into();
        move |source| BackupError::Io { context, source }
    }

    /// Whether this is a refusal of the bundle or of the target (bad input: exit 2, a 4xx)
    /// rather than a failure of this box.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            BackupError::Refused(_) | BackupError::TargetNotEmpty(_) | BackupError::BadRecipient(_)
        )
    }
}

/// Why a bundle was refused, one variant per kind of hostile or damaged input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not a zip, or a damaged one (truncated, bad headers, bad CRC).
    #[error("not a readable zip: {0}")]
    Corrupt(String),
    /// An entry's path could escape the target (`..`, absolute, drive letter, backslash).
    #[error("entry '{0}' has an unsafe path")]
    UnsafePath(String),
    /// A symlink, directory or other non-regular entry.
    #[error("entry '{0}' is not a regular file ({1})")]
    SpecialEntry(String, &'static str),
    /// Two entries with the same name (the name, when the zip library still shows it).
    #[error("two entries have the same name{}", .0.as_ref().map(|n| format!(" ('{n}')")).unwrap_or_default())]
    Duplicate(Option<String>),
    /// More entries, or more bytes, than the reader accepts.
    #[error("too large: {0}")]
    TooLarge(String),
    /// An entry expands far more than real data does.
    #[error("entry '{0}' looks like a compression bomb (ratio {1}:1)")]
    RatioBomb(String, u64),
    /// A file the manifest lists is not in the bundle.
    #[error("file '{0}' listed in the manifest is missing")]
    MissingFile(String),
    /// A file in the bundle is not in the manifest.
    #[error("file '{0}' is not listed in the manifest")]
    ExtraFile(String),
    /// A file's size differs from the manifest's.
    #[error("file '{path}' is {found} bytes, the manifest says {expected}")]
    SizeMismatch {
        /// Which file.
        path: String,
        /// Bytes read.
        found: u64,
        /// Bytes listed.
        expected: u64,
    },
    /// A file's SHA-256 differs from the manifest's.
    #[error("file '{0}' does not match its SHA-256 in the manifest")]
    HashMismatch(String),
    /// The record count of a table differs from the manifest's.
    #[error("table {table} holds {found} records, the manifest says {expected}")]
    CountMismatch {
        /// Which table.
        table: String,
        /// Rows read.
        found: u64,
        /// Rows listed.
        expected: u64,
    },
    /// `manifest.sig` is absent.
    #[error("manifest.sig is missing: the bundle is not signed")]
    MissingSignature,
    /// The signature does not verify over the manifest.
    #[error("the signature does not match the manifest: {0}")]
    BadSignature(String),
    /// Signed by another device than the one expected.
    #[error("signed by device {found}, but {expected} was expected")]
    UnexpectedKey {
        /// Fingerprint of the signing key.
        found: String,
        /// Fingerprint asked for.
        expected: String,
    },
    /// Written by a newer Caliber (bundle format or store schema).
    #[error("written by a newer Caliber: {0}")]
    TooNew(String),
    /// The manifest is not what a Caliber bundle's manifest is.
    #[error("the manifest is invalid: {0}")]
    BadManifest(String),
    /// A data file's contents do not hold together (a row that does not decode, a broken
    /// audit chain, an attachment without its file).
    #[error("the data is inconsistent: {0}")]
    BadData(String),
    /// Decryption was asked for (an identity given) but the bundle is not age-encrypted.
    #[error("the bundle is not age-encrypted, but an identity was given to decrypt it")]
    NotEncrypted,
    /// The bundle is age-encrypted but no identity was given.
    #[error("the bundle is age-encrypted: give the age identity file (--identity) to read it")]
    NeedsIdentity,
    /// None of the given identities opens the bundle.
    #[error("the age identity given does not open this bundle")]
    WrongIdentity,
    /// The identity file cannot be used.
    #[error("the age identity file cannot be used: {0}")]
    BadIdentity(String),
    /// A bundle of an older store schema: this build restores only its own.
    #[error(
        "the bundle's schema version {found} cannot be restored by this build (it restores {supported})"
    )]
    SchemaMismatch {
        /// The bundle's schema.
        found: u32,
        /// This build's schema.
        supported: u32,
    },
}

impl From<Refusal> for BackupError {
    fn from(r: Refusal) -> Self {
        BackupError::Refused(r)
    }
}

/// Shorthand for backup results.
pub type Result<T, E = BackupError> = std::result::Result<T, E>;
