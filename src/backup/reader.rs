//! The hostile reader: every bundle is hostile until proven otherwise.
//!
//! In order, before any byte of data is used: the file is age-encrypted exactly when an
//! identity is given; the zip's central directory parses from offset 0; every entry has an
//! enclosed path (no `..`, no absolute path, no drive letter, no backslash), is a regular
//! file, is named once, is stored or deflated, and stays under the caps on entry count,
//! sizes and compression ratio; local headers agree with the central directory and no two
//! entries overlap; `manifest.json` is signed by the key it names (and by the expected one);
//! its format and schema are not newer than this build's; the entries are exactly the files
//! it lists. Then every file is streamed through SHA-256 and compared with the manifest,
//! every row decodes, the row counts match and the audit chain verifies up to the manifest's
//! head. Nothing here writes anywhere.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek};
use std::path::Path;

use base64::Engine;
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};
use zip::ZipArchive;
use zip::read::{ArchiveOffset, Config};

use super::device::{fingerprint_of, normalize_fingerprint};
use super::export::RetiredBadge;
use super::manifest::*;
use super::{BackupError, Refusal, Result};
use crate::domain::*;
use crate::store::{ChainHead, GENESIS, event_hash};

/// The age file header every age-encrypted bundle starts with.
const AGE_MAGIC: &[u8] = b"age-encryption.org/v1\n";

/// What the reader accepts at most. The defaults fit a very large site with room to spare;
/// tests use small ones.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Entries in the zip.
    pub max_entries: usize,
    /// Uncompressed bytes of one entry.
    pub max_entry_bytes: u64,
    /// Uncompressed bytes of all entries together.
    pub max_total_bytes: u64,
    /// Uncompressed ÷ compressed size of one entry (real JSON Lines stay far below).
    pub max_ratio: u64,
    /// Entries smaller than this are not ratio-checked (tiny files compress oddly).
    pub ratio_floor: u64,
    /// Bytes of `manifest.json`.
    pub max_manifest_bytes: u64,
    /// Bytes of one JSON line.
    pub max_line_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 2_000_000,
            max_entry_bytes: 64 << 30,
            max_total_bytes: 512 << 30,
            max_ratio: 250,
            ratio_floor: 1 << 20,
            max_manifest_bytes: 512 << 20,
            max_line_bytes: 64 << 20,
        }
    }
}

/// What a verified bundle holds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BundleSummary {
    /// Bundle format version.
    pub format_version: u32,
    /// Caliber version that wrote it.
    pub app_version: String,
    /// Store schema version of the data.
    pub schema_version: u32,
    /// Site codes.
    pub site_codes: Vec<String>,
    /// Fingerprint of the signing device.
    pub device_fingerprint: String,
    /// Whether that fingerprint was checked against an expected one.
    pub key_checked: bool,
    /// Per-device sequence number.
    pub sequence: u64,
    /// When it was made.
    pub created_at: Timestamp,
    /// Rows per table.
    pub counts: BTreeMap<String, u64>,
    /// Number of files checked (data files and attachments).
    pub files: usize,
    /// Their bytes, uncompressed.
    pub bytes: u64,
    /// The audit chain's head.
    pub audit_head: ChainHead,
    /// Whether the bundle was age-encrypted.
    pub encrypted: bool,
    /// Where the exported store had itself been restored from, if it had.
    pub restored_from: Option<RestoredFrom>,
}

/// A readable, seekable source of zip bytes.
pub(crate) trait Source: Read + Seek {}
impl<T: Read + Seek> Source for T {}

/// A bundle whose container, signature and manifest have been checked; its files not yet.
pub(crate) struct Bundle {
    zip: ZipArchive<Box<dyn Source>>,
    /// The signed manifest.
    pub manifest: Manifest,
    /// Whether it was age-encrypted.
    pub encrypted: bool,
    /// Whether the key was checked against an expected fingerprint.
    pub key_checked: bool,
}

fn refuse<T>(r: Refusal) -> Result<T> {
    Err(BackupError::Refused(r))
}

/// Open `path`, decrypting with `identity` when given.
fn open_source(path: &Path, identity: Option<&Path>) -> Result<(Box<dyn Source>, bool)> {
    let mut f =
        File::open(path).map_err(BackupError::io(format!("cannot read {}", path.display())))?;
    let mut head = [0u8; AGE_MAGIC.len()];
    let mut got = 0;
    while got < head.len() {
        match f.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) => {
                return Err(BackupError::io(format!("cannot read {}", path.display()))(
                    e,
                ));
            }
        }
    }
    f.rewind()
        .map_err(BackupError::io(format!("cannot read {}", path.display())))?;
    let is_age = got == head.len() && head == AGE_MAGIC;
    match (identity, is_age) {
        (None, false) => Ok((Box::new(BufReader::with_capacity(1 << 16, f)), false)),
        (None, true) => refuse(Refusal::NeedsIdentity),
        (Some(_), false) => refuse(Refusal::NotEncrypted),
        (Some(id), true) => {
            let identities = age::IdentityFile::from_file(id.to_string_lossy().into_owned())
                .map_err(|e| Refusal::BadIdentity(format!("{}: {e}", id.display())))?
                .into_identities()
                .map_err(|e| Refusal::BadIdentity(format!("{}: {e}", id.display())))?;
            if identities.is_empty() {
                return refuse(Refusal::BadIdentity(format!(
                    "{} holds no identity",
                    id.display()
                )));
            }
            let decryptor = age::Decryptor::new(BufReader::with_capacity(1 << 16, f))
                .map_err(|e| Refusal::Corrupt(format!("not a readable age file: {e}")))?;
            let reader = decryptor
                .decrypt(identities.iter().map(|i| i.as_ref() as &dyn age::Identity))
                .map_err(|e| match e {
                    age::DecryptError::NoMatchingKeys => Refusal::WrongIdentity,
                    other => Refusal::Corrupt(format!("cannot decrypt: {other}")),
                })?;
            Ok((Box::new(reader), true))
        }
    }
}

/// Whether a zip entry path is enclosed: relative, `/`-separated, no `.`/`..`/empty
/// component, no backslash, no drive letter or other `:`, no control character.
pub fn safe_path(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && !name.starts_with('/')
        && !name.contains('\\')
        && !name.contains(':')
        && !name.chars().any(char::is_control)
        && name
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

/// Whether `path` is one a bundle may hold besides the manifest and its signature.
fn allowed_path(path: &str) -> bool {
    DataTable::from_path(path).is_some()
        || path.strip_prefix("attachments/").is_some_and(|sha| {
            sha.len() == 64
                && sha
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

impl Bundle {
    /// Open and check everything but the files' contents.
    pub(crate) fn open(
        path: &Path,
        expect: Option<&str>,
        identity: Option<&Path>,
        limits: &Limits,
    ) -> Result<Bundle> {
        let (source, encrypted) = open_source(path, identity)?;
        Bundle::from_source(source, encrypted, expect, limits)
    }

    /// Check a zip given as a reader (already decrypted, if it was encrypted).
    fn from_source(
        source: Box<dyn Source>,
        encrypted: bool,
        expect: Option<&str>,
        limits: &Limits,
    ) -> Result<Bundle> {
        let config = Config {
            archive_offset: ArchiveOffset::Known(0),
        };
        let mut zip = ZipArchive::with_config(config, source).map_err(|e| match e {
            zip::result::ZipError::Io(io) => Refusal::Corrupt(io.to_string()),
            other => Refusal::Corrupt(other.to_string()),
        })?;
        if zip.has_duplicate_names() {
            let mut seen = HashSet::new();
            let dup = zip
                .file_names_raw()
                .find(|n| !seen.insert(n.to_vec()))
                .map(|n| String::from_utf8_lossy(n).into_owned());
            return refuse(Refusal::Duplicate(dup));
        }
        if zip.len() > limits.max_entries {
            return refuse(Refusal::TooLarge(format!(
                "{} entries (at most {})",
                zip.len(),
                limits.max_entries
            )));
        }
        let mut entries: BTreeMap<String, u64> = BTreeMap::new();
        let mut total: u64 = 0;
        for i in 0..zip.len() {
            let e = zip
                .by_index_raw(i)
                .map_err(|e| Refusal::Corrupt(e.to_string()))?;
            let raw = String::from_utf8_lossy(e.name_raw()).into_owned();
            let Ok(name) = std::str::from_utf8(e.name_raw()) else {
                return refuse(Refusal::UnsafePath(raw));
            };
            if e.is_symlink() {
                return refuse(Refusal::SpecialEntry(raw, "a symbolic link"));
            }
            if e.is_dir() || name.ends_with('/') {
                return refuse(Refusal::SpecialEntry(raw, "a directory"));
            }
            if !safe_path(name) {
                return refuse(Refusal::UnsafePath(raw));
            }
            if let Some(mode) = e.unix_mode() {
                let kind = mode & 0o170000;
                if kind != 0 && kind != 0o100000 {
                    return refuse(Refusal::SpecialEntry(raw, "a device, pipe or socket"));
                }
            }
            if e.encrypted() {
                return refuse(Refusal::SpecialEntry(raw, "zip-encrypted"));
            }
            if !matches!(
                e.compression(),
                zip::CompressionMethod::Stored | zip::CompressionMethod::Deflated
            ) {
                return refuse(Refusal::Corrupt(format!(
                    "entry '{raw}' uses an unsupported compression method"
                )));
            }
            let size = e.size();
            if size > limits.max_entry_bytes {
                return refuse(Refusal::TooLarge(format!(
                    "entry '{raw}' is {size} bytes (at most {})",
                    limits.max_entry_bytes
                )));
            }
            total = total.saturating_add(size);
            if total > limits.max_total_bytes {
                return refuse(Refusal::TooLarge(format!(
                    "more than {} bytes in all",
                    limits.max_total_bytes
                )));
            }
            if size >= limits.ratio_floor {
                let ratio = size / e.compressed_size().max(1);
                if ratio > limits.max_ratio {
                    return refuse(Refusal::RatioBomb(raw, ratio));
                }
            }
            entries.insert(name.to_owned(), size);
        }
        zip.validate_header_consistency()
            .map_err(|e| Refusal::Corrupt(format!("the zip's headers disagree: {e}")))?;
        if zip
            .has_overlapping_entries()
            .map_err(|e| Refusal::Corrupt(e.to_string()))?
        {
            return refuse(Refusal::Corrupt(
                "entries overlap each other (a zip bomb technique)".into(),
            ));
        }
        let manifest_bytes = read_small(&mut zip, MANIFEST, limits.max_manifest_bytes)?
            .ok_or_else(|| Refusal::MissingFile(MANIFEST.into()))?;
        let signature = read_small(&mut zip, SIGNATURE, 1024)?.ok_or(Refusal::MissingSignature)?;
        let (manifest, key_checked) = check_manifest(&manifest_bytes, &signature, expect)?;
        // The entries are exactly the files the manifest lists.
        let mut listed = HashSet::new();
        for f in &manifest.files {
            if !safe_path(&f.path) || !allowed_path(&f.path) {
                return refuse(Refusal::BadManifest(format!(
                    "it lists '{}', which no bundle holds",
                    f.path
                )));
            }
            if !listed.insert(f.path.as_str()) {
                return refuse(Refusal::BadManifest(format!("it lists '{}' twice", f.path)));
            }
            match entries.get(&f.path) {
                None => return refuse(Refusal::MissingFile(f.path.clone())),
                Some(&size) if size != f.size => {
                    return refuse(Refusal::SizeMismatch {
                        path: f.path.clone(),
                        found: size,
                        expected: f.size,
                    });
                }
                Some(_) => {}
            }
            if let Some(sha) = f.path.strip_prefix("attachments/")
                && sha != f.sha256
            {
                return refuse(Refusal::BadManifest(format!(
                    "attachment '{}' is listed with another hash",
                    f.path
                )));
            }
        }
        for name in entries.keys() {
            if name != MANIFEST && name != SIGNATURE && !listed.contains(name.as_str()) {
                return refuse(Refusal::ExtraFile(name.clone()));
            }
        }
        for t in DataTable::ALL {
            if !listed.contains(t.path().as_str()) {
                return refuse(Refusal::BadManifest(format!(
                    "it does not list the data file {}",
                    t.path()
                )));
            }
            if !manifest.counts.contains_key(t.name()) {
                return refuse(Refusal::BadManifest(format!(
                    "it has no count for table {}",
                    t.name()
                )));
            }
        }
        if manifest.counts.len() != DataTable::ALL.len() {
            return refuse(Refusal::BadManifest("it counts unknown tables".into()));
        }
        Ok(Bundle {
            zip,
            manifest,
            encrypted,
            key_checked,
        })
    }

    /// Stream one listed file through `f` (chunks of its content), then check its size and
    /// SHA-256 against the manifest.
    pub(crate) fn read_file(
        &mut self,
        entry: &FileEntry,
        f: impl FnOnce(&mut dyn BufRead) -> Result<()>,
    ) -> Result<()> {
        let file = self.zip.by_name(&entry.path).map_err(|e| match e {
            zip::result::ZipError::FileNotFound => Refusal::MissingFile(entry.path.clone()),
            other => Refusal::Corrupt(format!("{}: {other}", entry.path)),
        })?;
        let mut checked = Checked {
            inner: file.take(entry.size.saturating_add(1)),
            hasher: Sha256::new(),
            bytes: 0,
        };
        let used = {
            let mut buffered = BufReader::with_capacity(1 << 16, &mut checked);
            let used = f(&mut buffered);
            // Whatever `f` left unread still counts towards size and hash.
            let rest = std::io::copy(&mut buffered, &mut std::io::sink());
            if let (Ok(()), Err(e)) = (&used, rest) {
                return Err(corrupt(entry, e));
            }
            used
        };
        // A damaged file is reported as such, even when reading its rows failed first.
        if checked.bytes != entry.size {
            return refuse(Refusal::SizeMismatch {
                path: entry.path.clone(),
                found: checked.bytes,
                expected: entry.size,
            });
        }
        if hex::encode(checked.hasher.finalize()) != entry.sha256 {
            return refuse(Refusal::HashMismatch(entry.path.clone()));
        }
        used
    }
}

fn corrupt(entry: &FileEntry, e: std::io::Error) -> BackupError {
    BackupError::Refused(Refusal::Corrupt(format!("{}: {e}", entry.path)))
}

/// A reader that hashes and counts what passes through.
struct Checked<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// A small entry's bytes (`None` when absent), refusing one larger than `max`.
fn read_small(
    zip: &mut ZipArchive<Box<dyn Source>>,
    name: &str,
    max: u64,
) -> Result<Option<Vec<u8>>> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return refuse(Refusal::Corrupt(format!("{name}: {e}"))),
    };
    if file.size() > max {
        return refuse(Refusal::TooLarge(format!(
            "{name} is {} bytes (at most {max})",
            file.size()
        )));
    }
    let mut out = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut out)
        .map_err(|e| Refusal::Corrupt(format!("{name}: {e}")))?;
    if out.len() as u64 > max {
        return refuse(Refusal::TooLarge(format!(
            "{name} is larger than {max} bytes"
        )));
    }
    Ok(Some(out))
}

/// Check the manifest's signature (with the key it names, and that key against `expect`),
/// then its format and schema versions, then parse it strictly.
fn check_manifest(
    bytes: &[u8],
    signature: &[u8],
    expect: Option<&str>,
) -> Result<(Manifest, bool)> {
    let loose: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| Refusal::BadManifest(format!("not JSON: {e}")))?;
    let key = loose
        .pointer("/device/public_key")
        .and_then(|v| v.as_str())
        .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .and_then(|b| VerifyingKey::from_bytes(&b).ok())
        .ok_or_else(|| Refusal::BadManifest("it names no valid Ed25519 device key".into()))?;
    let signature = <[u8; 64]>::try_from(signature)
        .map(|b| Signature::from_bytes(&b))
        .map_err(|_| {
            Refusal::BadSignature("manifest.sig is not a 64-byte Ed25519 signature".into())
        })?;
    key.verify_strict(bytes, &signature).map_err(|_| {
        Refusal::BadSignature("it was not made by the key the manifest names".into())
    })?;
    let found = fingerprint_of(&key);
    if let Some(expected) = expect {
        let expected = normalize_fingerprint(expected);
        if expected != found {
            return refuse(Refusal::UnexpectedKey { found, expected });
        }
    }
    if loose.get("format").and_then(|v| v.as_str()) != Some(FORMAT) {
        return refuse(Refusal::BadManifest(
            "it is not a Caliber backup manifest".into(),
        ));
    }
    let format_version = loose
        .get("format_version")
        .and_then(|v| v.as_u64())
        .ok_or_else(|| Refusal::BadManifest("it has no format version".into()))?;
    if format_version > u64::from(FORMAT_VERSION) {
        return refuse(Refusal::TooNew(format!(
            "bundle format {format_version}, this build reads up to {FORMAT_VERSION}"
        )));
    }
    let schema = loose
        .get("schema_version")
        .and_then(|v| v.as_u64())
        .ok_or_else(|| Refusal::BadManifest("it has no schema version".into()))?;
    let current = crate::store::schema::CURRENT_VERSION;
    if schema > u64::from(current) {
        return refuse(Refusal::TooNew(format!(
            "store schema {schema}, this build knows up to {current}"
        )));
    }
    let manifest: Manifest =
        serde_json::from_slice(bytes).map_err(|e| Refusal::BadManifest(e.to_string()))?;
    if manifest.device.fingerprint != found {
        return refuse(Refusal::BadManifest(
            "its device fingerprint is not that of its key".into(),
        ));
    }
    Ok((manifest, expect.is_some()))
}

/// Read JSON Lines from `r`, calling `row` with each line (without its newline); refuses a
/// line longer than `max` or a last line without its newline. Returns the number of lines.
pub(crate) fn each_line(
    r: &mut dyn BufRead,
    path: &str,
    max: usize,
    mut row: impl FnMut(u64, &[u8]) -> Result<()>,
) -> Result<u64> {
    let mut line = Vec::with_capacity(1024);
    let mut n = 0;
    loop {
        line.clear();
        let got = r
            .take(max as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| Refusal::Corrupt(format!("{path}: {e}")))?;
        if got == 0 {
            return Ok(n);
        }
        if line.last() != Some(&b'\n') {
            return refuse(if line.len() > max {
                Refusal::TooLarge(format!("{path}: a line longer than {max} bytes"))
            } else {
                Refusal::BadData(format!("{path}: the last line is cut off"))
            });
        }
        line.pop();
        row(n, &line)?;
        n += 1;
    }
}

/// Decode one row of `table`.
pub(crate) fn parse_row<T: serde::de::DeserializeOwned>(
    path: &str,
    n: u64,
    line: &[u8],
) -> Result<T> {
    serde_json::from_slice(line)
        .map_err(|e| BackupError::Refused(Refusal::BadData(format!("{path} line {}: {e}", n + 1))))
}

/// Check, event by event, that the audit chain is whole and ends at `head`.
pub(crate) struct ChainCheck {
    seq: u64,
    prev: String,
}

impl ChainCheck {
    pub(crate) fn new() -> ChainCheck {
        ChainCheck {
            seq: 0,
            prev: GENESIS.to_owned(),
        }
    }

    pub(crate) fn push(&mut self, e: &AuditEvent) -> Result<()> {
        if e.seq != self.seq + 1 {
            return refuse(Refusal::BadData(format!(
                "audit event {} is missing (found {} next)",
                self.seq + 1,
                e.seq
            )));
        }
        if e.prev_hash != self.prev {
            return refuse(Refusal::BadData(format!(
                "audit event {} does not follow its predecessor",
                e.seq
            )));
        }
        if event_hash(e) != e.hash {
            return refuse(Refusal::BadData(format!(
                "audit event {} was altered after it was written",
                e.seq
            )));
        }
        self.seq = e.seq;
        self.prev = e.hash.clone();
        Ok(())
    }

    pub(crate) fn finish(&self, head: &ChainHead) -> Result<()> {
        if head.seq != self.seq || head.hash != self.prev {
            return refuse(Refusal::BadData(format!(
                "the audit chain ends at event {}, the manifest's head is event {}",
                self.seq, head.seq
            )));
        }
        Ok(())
    }
}

/// Check a bundle with the default caps: see [`verify_with`].
pub fn verify(path: &Path, expect: Option<&str>, identity: Option<&Path>) -> Result<BundleSummary> {
    verify_with(path, expect, identity, &Limits::default())
}

/// Check a bundle completely: container, signature (and key, with `expect`), format and
/// schema versions, every file's size and SHA-256, every row, the counts and the audit chain.
/// `identity` is an age identity file, for an encrypted bundle.
pub fn verify_with(
    path: &Path,
    expect: Option<&str>,
    identity: Option<&Path>,
    limits: &Limits,
) -> Result<BundleSummary> {
    check_all(Bundle::open(path, expect, identity, limits)?, limits)
}

/// [`verify_with`] over a plain (not encrypted) bundle in memory: the same checks, for
/// callers that hold the bytes (the fuzz run feeds a million of them).
pub fn verify_bytes(
    bytes: Vec<u8>,
    expect: Option<&str>,
    limits: &Limits,
) -> Result<BundleSummary> {
    let source: Box<dyn Source> = Box::new(std::io::Cursor::new(bytes));
    check_all(Bundle::from_source(source, false, expect, limits)?, limits)
}

fn check_all(mut b: Bundle, limits: &Limits) -> Result<BundleSummary> {
    let manifest = b.manifest.clone();
    let mut metadata: HashSet<String> = HashSet::new();
    let mut bytes = 0;
    for entry in &manifest.files {
        bytes += entry.size;
        if let Some(table) = DataTable::from_path(&entry.path) {
            let path = entry.path.clone();
            let mut lines = 0;
            let mut chain = ChainCheck::new();
            b.read_file(entry, |r| {
                lines = each_line(r, &path, limits.max_line_bytes, |n, line| {
                    check_row(table, &path, n, line, &mut chain, &mut metadata)
                })?;
                Ok(())
            })?;
            let expected = manifest.counts.get(table.name()).copied().unwrap_or(0);
            if lines != expected {
                return refuse(Refusal::CountMismatch {
                    table: table.name().to_owned(),
                    found: lines,
                    expected,
                });
            }
            if table == DataTable::AuditEvents {
                chain.finish(&manifest.audit_head)?;
            }
        } else {
            b.read_file(entry, |_| Ok(()))?;
            let sha = entry.path.trim_start_matches("attachments/");
            if !metadata.contains(sha) {
                return refuse(Refusal::BadData(format!(
                    "{} has no row in data/attachments.jsonl",
                    entry.path
                )));
            }
            metadata.remove(sha);
        }
    }
    if let Some(sha) = metadata.iter().next() {
        return refuse(Refusal::BadData(format!(
            "attachment {sha} is listed in data/attachments.jsonl but its file is not in the bundle"
        )));
    }
    Ok(BundleSummary {
        format_version: manifest.format_version,
        app_version: manifest.app_version.clone(),
        schema_version: manifest.schema_version,
        site_codes: manifest.site_codes.clone(),
        device_fingerprint: manifest.device.fingerprint.clone(),
        key_checked: b.key_checked,
        sequence: manifest.sequence,
        created_at: manifest.created_at,
        counts: manifest.counts.clone(),
        files: manifest.files.len(),
        bytes,
        audit_head: manifest.audit_head.clone(),
        encrypted: b.encrypted,
        restored_from: manifest.restored_from.clone(),
    })
}

/// Decode one row of `table` as its type, feeding audit events to the chain check and
/// collecting the attachments' hashes.
fn check_row(
    table: DataTable,
    path: &str,
    n: u64,
    line: &[u8],
    chain: &mut ChainCheck,
    attachments: &mut HashSet<String>,
) -> Result<()> {
    macro_rules! decodes {
        ($t:ty) => {{
            parse_row::<$t>(path, n, line)?;
        }};
    }
    match table {
        DataTable::Sites => decodes!(Site),
        DataTable::Departments => decodes!(Department),
        DataTable::Roles => decodes!(Role),
        DataTable::Projects => decodes!(Project),
        DataTable::Users => decodes!(User),
        DataTable::ApiTokens => decodes!(ApiToken),
        DataTable::Employees => decodes!(Employee),
        DataTable::Skills => decodes!(Skill),
        DataTable::SkillRevisions => decodes!(SkillRevision),
        DataTable::Requirements => decodes!(Requirement),
        DataTable::Certifications => decodes!(Certification),
        DataTable::Stations => decodes!(Station),
        DataTable::ScanEvents => decodes!(ScanEvent),
        DataTable::RetiredBadges => decodes!(RetiredBadge),
        DataTable::Attachments => {
            let a: Attachment = parse_row(path, n, line)?;
            if !attachments.insert(a.sha256.clone()) {
                return refuse(Refusal::BadData(format!(
                    "attachment {} is listed twice",
                    a.sha256
                )));
            }
        }
        DataTable::AuditEvents => {
            let e: AuditEvent = parse_row(path, n, line)?;
            chain.push(&e)?;
        }
    }
    Ok(())
}
