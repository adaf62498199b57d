//! Writing a bundle: one read snapshot of the store streamed row by row into JSON Lines,
//! the attachments streamed from disk, each hashed on the way into the zip, then the signed
//! manifest last. The zip goes straight into the file (through age when recipients are set),
//! so memory stays flat whatever the size of the store; the file becomes visible under its
//! name only once complete and synced (temp file, fsync, rename, fsync the directory).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::manifest::*;
use super::{BackupError, DeviceKey, Result};
use crate::domain::*;
use crate::store::{ATTACHMENTS_DIR, Reader, Store, StoreError};

/// File in the data directory holding the last bundle sequence number of this device.
pub const SEQUENCE_FILE: &str = "backup-sequence";

/// One export at a time per process: the sequence number and the output name must not race.
static EXPORT_LOCK: Mutex<()> = Mutex::new(());

/// How to write a bundle.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// age X25519 recipients (`age1…`); empty means signed but not encrypted.
    pub recipients: Vec<String>,
    /// Read the bundle back from the medium and verify it before reporting success (always
    /// done on vfat/exfat/ntfs, whatever this says).
    pub removable: bool,
}

/// A bundle just written.
#[derive(Debug, Clone)]
pub struct BundleInfo {
    /// Where it is.
    pub path: PathBuf,
    /// Size of the file in bytes.
    pub size: u64,
    /// Its sequence number.
    pub sequence: u64,
    /// Fingerprint of the device key that signed it.
    pub fingerprint: String,
    /// Whether it is age-encrypted.
    pub encrypted: bool,
    /// When the export started (the manifest's `created_at`).
    pub created_at: Timestamp,
    /// How long it took.
    pub duration: Duration,
    /// Rows per table.
    pub counts: BTreeMap<String, u64>,
    /// Whether it was read back from the medium and verified (removable media).
    pub verified_on_media: bool,
}

/// The file name of a bundle: `caliber-<SITE>-<UTC time>-<sequence>.zip[.age]`.
pub fn bundle_file_name(site: &str, at: Timestamp, sequence: u64, encrypted: bool) -> String {
    let site: String = site
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .take(24)
        .collect();
    let site = if site.is_empty() {
        "SITE".to_owned()
    } else {
        site
    };
    format!(
        "caliber-{site}-{}-{sequence:08}.zip{}",
        at.strftime("%Y%m%dT%H%M%SZ"),
        if encrypted { ".age" } else { "" }
    )
}

/// Write `name` in `dir` durably: temp file, fsync, rename, fsync the directory.
pub fn write_durably(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let path = dir.join(name);
    let tmp = temp_name(dir, name);
    let io = |what: &str| BackupError::io(format!("{what} {}", path.display()));
    let written = (|| {
        let mut f = File::create(&tmp).map_err(io("cannot create"))?;
        f.write_all(bytes).map_err(io("cannot write"))?;
        f.sync_all().map_err(io("cannot sync"))?;
        drop(f);
        std::fs::rename(&tmp, &path).map_err(io("cannot rename"))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    sync_dir(dir);
    Ok(())
}

/// A temporary file name beside `name` in `dir` that no other writer (thread or process) uses
/// at the same time, so two writers of one file never write into each other's temp file.
pub(crate) fn temp_name(dir: &Path, name: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()))
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Take the next sequence number of this device (durably, before the bundle is written, so
/// a number is never used twice even if the export fails).
fn next_sequence(data_dir: &Path) -> Result<u64> {
    let path = data_dir.join(SEQUENCE_FILE);
    let last = match std::fs::read_to_string(&path) {
        Ok(t) => t.trim().parse::<u64>().map_err(|_| {
            BackupError::Write(format!(
                "{} is damaged; it must hold the last bundle sequence number",
                path.display()
            ))
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
        Err(e) => {
            return Err(BackupError::io(format!("cannot read {}", path.display()))(
                e,
            ));
        }
    };
    let next = last + 1;
    write_durably(data_dir, SEQUENCE_FILE, format!("{next}\n").as_bytes())?;
    Ok(next)
}

/// Whether `dir` is on a removable-media file system (FAT, exFAT, NTFS) where the bundle is
/// read back and verified before it counts.
fn on_removable_fs(dir: &Path) -> bool {
    const MSDOS: i64 = 0x4d44;
    const EXFAT: i64 = 0x2011_bab0;
    const NTFS: i64 = 0x5346_544e;
    match rustix::fs::statfs(dir) {
        #[allow(clippy::unnecessary_cast)]
        Ok(s) => matches!(s.f_type as i64, MSDOS | EXFAT | NTFS),
        Err(_) => false,
    }
}

/// Bytes to the file, hashed and counted on the way (the read-back compares the hash).
struct Hashed<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashed<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

type FileSink = Hashed<BufWriter<File>>;

/// The zip's destination: the file, or age encrypting into the file.
enum Sink {
    Plain(FileSink),
    Age(age::stream::StreamWriter<FileSink>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Plain(w) => w.write(buf),
            Sink::Age(w) => w.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Plain(w) => w.flush(),
            Sink::Age(w) => w.flush(),
        }
    }
}

impl Sink {
    fn finish(self) -> std::io::Result<FileSink> {
        match self {
            Sink::Plain(w) => Ok(w),
            Sink::Age(w) => w.finish(),
        }
    }
}

type Zip = ZipWriter<zip::write::StreamWriter<Sink>>;

fn zip_error(e: zip::result::ZipError) -> BackupError {
    BackupError::Write(e.to_string())
}

/// One entry being written: content hashed, counted (bytes and lines) into the zip.
struct Entry<'a> {
    zip: &'a mut Zip,
    hasher: Sha256,
    size: u64,
    lines: u64,
}

impl Write for Entry<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.zip.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        self.lines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.zip.flush()
    }
}

/// Write one zip entry with `body`, returning its manifest line and its line count.
fn entry(
    zip: &mut Zip,
    path: &str,
    options: SimpleFileOptions,
    body: impl FnOnce(&mut Entry<'_>) -> Result<()>,
) -> Result<(FileEntry, u64)> {
    zip.start_file(path, options).map_err(zip_error)?;
    let mut e = Entry {
        zip,
        hasher: Sha256::new(),
        size: 0,
        lines: 0,
    };
    body(&mut e)?;
    let (size, lines) = (e.size, e.lines);
    let sha256 = hex::encode(e.hasher.finalize());
    Ok((
        FileEntry {
            path: path.to_owned(),
            size,
            sha256,
        },
        lines,
    ))
}

fn write_io(path: &str) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |e| BackupError::Write(format!("{path}: {e}"))
}

/// Rows of one table as JSON Lines, in key order.
fn write_rows(r: &Reader, table: DataTable, e: &mut Entry<'_>, path: &str) -> Result<()> {
    let mut line = Vec::with_capacity(1024);
    let mut emit = |value: &dyn erased::Json| -> Result<()> {
        line.clear();
        value.write_json(&mut line).map_err(|m| {
            BackupError::Store(StoreError::Encode {
                entity: "backup row",
                message: m,
            })
        })?;
        line.push(b'\n');
        e.write_all(&line).map_err(write_io(path))
    };
    macro_rules! records {
        ($t:ty) => {
            r.each::<$t, BackupError>(|row| emit(&row))
        };
    }
    match table {
        DataTable::Sites => records!(Site),
        DataTable::Departments => records!(Department),
        DataTable::Roles => records!(Role),
        DataTable::Projects => records!(Project),
        DataTable::Users => records!(User),
        DataTable::ApiTokens => records!(ApiToken),
        DataTable::Employees => records!(Employee),
        DataTable::Skills => records!(Skill),
        DataTable::SkillRevisions => records!(SkillRevision),
        DataTable::Requirements => records!(Requirement),
        DataTable::Certifications => records!(Certification),
        DataTable::Stations => records!(Station),
        DataTable::ScanEvents => records!(ScanEvent),
        DataTable::Attachments => r.each_attachment::<BackupError>(|a| emit(&a)),
        DataTable::RetiredBadges => r.each_retired_badge::<BackupError>(|token, employee| {
            emit(&RetiredBadge {
                badge_token: token.to_owned(),
                employee_id: employee,
            })
        }),
        DataTable::AuditEvents => r.each_audit_event::<BackupError>(|ev| emit(&ev)),
    }
}

/// A retired badge as a row of `data/retired_badges.jsonl`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RetiredBadge {
    /// The badge token that was regenerated away.
    pub badge_token: String,
    /// Whose it was.
    pub employee_id: Uuid,
}

/// Serialising rows of any type through one closure.
mod erased {
    /// A row that can write itself as one line of JSON.
    pub trait Json {
        fn write_json(&self, out: &mut Vec<u8>) -> Result<(), String>;
    }
    impl<T: serde::Serialize> Json for T {
        fn write_json(&self, out: &mut Vec<u8>) -> Result<(), String> {
            serde_json::to_writer(out, self).map_err(|e| e.to_string())
        }
    }
}

/// MIME types whose content is already compressed: stored as they are instead of deflated
/// (deflating them costs time and saves nothing).
fn already_compressed(mime: &str) -> bool {
    let m = mime.to_ascii_lowercase();
    m.starts_with("image/jpeg")
        || m.starts_with("image/png")
        || m.starts_with("image/webp")
        || m.starts_with("image/heic")
        || m.starts_with("video/")
        || m.starts_with("audio/")
        || m.starts_with("application/pdf")
        || m.starts_with("application/zip")
        || m.starts_with("application/gzip")
        || m.starts_with("application/x-7z")
}

/// Whether `out`, not an existing folder, names a bundle file: it ends in `.zip` or `.age`
/// and not in `/`. Anything else is taken for a folder that is missing (a stick not mounted,
/// a typo), which must not become a file of that name.
fn names_bundle_file(out: &Path) -> bool {
    let text = out.as_os_str().to_string_lossy();
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    !text.ends_with('/') && (name.ends_with(".zip") || name.ends_with(".age"))
}

/// Write a bundle of `store` signed by `device` to `out`: a file name in the directory `out`
/// if it is a directory, else the file `out` itself, which must end in `.zip` or `.age` (a
/// missing folder is an error, not a file of its name). Returns what was written.
pub fn export(
    store: &Store,
    device: &DeviceKey,
    out: &Path,
    options: &ExportOptions,
) -> Result<BundleInfo> {
    let _guard = EXPORT_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let started = Instant::now();
    let recipients = parse_recipients(&options.recipients)?;
    let encrypted = !recipients.is_empty();
    let reader = store.read()?;
    let created_at = Timestamp::now();
    let mut site_codes: Vec<String> = reader.list::<Site>()?.into_iter().map(|s| s.code).collect();
    site_codes.sort();
    let (dir, path) = if out.is_dir() {
        (out.to_owned(), None)
    } else {
        if !names_bundle_file(out) {
            return Err(BackupError::Write(format!(
                "{} is not a folder: create it first, or name the bundle file (….zip, or \
                 ….zip.age when encrypted)",
                out.display()
            )));
        }
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        if !parent.is_dir() {
            return Err(BackupError::Write(format!(
                "{} is not a directory",
                parent.display()
            )));
        }
        (parent, Some(out.to_owned()))
    };
    let sequence = next_sequence(store.dir())?;
    let path = path.unwrap_or_else(|| {
        let site = site_codes.first().map(String::as_str).unwrap_or("SITE");
        dir.join(bundle_file_name(site, created_at, sequence, encrypted))
    });
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bundle".to_owned());
    let tmp = dir.join(format!(".{file_name}.partial"));
    let outcome = write_bundle(
        store,
        &reader,
        device,
        &tmp,
        &recipients,
        BundleHeader {
            site_codes,
            sequence,
            created_at,
        },
    );
    let (digest, size, counts) = match outcome {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    if let Err(e) = std::fs::rename(&tmp, &path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(BackupError::io(format!(
            "cannot rename to {}",
            path.display()
        ))(e));
    }
    sync_dir(&dir);
    let removable = options.removable || on_removable_fs(&dir);
    if removable {
        read_back(&path, &digest, encrypted, &device.fingerprint())?;
    }
    Ok(BundleInfo {
        path,
        size,
        sequence,
        fingerprint: device.fingerprint(),
        encrypted,
        created_at,
        duration: started.elapsed(),
        counts,
        verified_on_media: removable,
    })
}

/// Read a bundle just written back from the medium (the page cache dropped first, so the
/// bytes come from the device) and check it: the same bytes as written, and for a plain
/// bundle the whole verification too.
pub fn read_back(path: &Path, digest: &[u8], encrypted: bool, fp: &str) -> Result<()> {
    let io = |what: &str| BackupError::io(format!("{what} {}", path.display()));
    let f = File::open(path).map_err(io("cannot read back"))?;
    let _ = rustix::fs::fadvise(&f, 0, None, rustix::fs::Advice::DontNeed);
    let mut h = Sha256::new();
    std::io::copy(&mut std::io::BufReader::new(f), &mut h).map_err(io("cannot read back"))?;
    if h.finalize().as_slice() != digest {
        return Err(BackupError::Write(format!(
            "the copy read back from {} differs from what was written: the medium is faulty",
            path.display()
        )));
    }
    if !encrypted {
        super::reader::verify(path, Some(fp), None).map_err(|e| {
            BackupError::Write(format!(
                "the bundle read back from {} does not verify: {e}",
                path.display()
            ))
        })?;
    }
    Ok(())
}

fn parse_recipients(list: &[String]) -> Result<Vec<age::x25519::Recipient>> {
    list.iter()
        .map(|r| {
            r.trim()
                .parse::<age::x25519::Recipient>()
                .map_err(|_| BackupError::BadRecipient(r.clone()))
        })
        .collect()
}

struct BundleHeader {
    site_codes: Vec<String>,
    sequence: u64,
    created_at: Timestamp,
}

/// Write the whole bundle into `tmp` and sync it; returns the SHA-256 of the file's bytes,
/// its size and the row counts.
fn write_bundle(
    store: &Store,
    reader: &Reader,
    device: &DeviceKey,
    tmp: &Path,
    recipients: &[age::x25519::Recipient],
    header: BundleHeader,
) -> Result<(Vec<u8>, u64, BTreeMap<String, u64>)> {
    let io = |what: &str| BackupError::io(format!("{what} {}", tmp.display()));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)
        .map_err(io("cannot create"))?;
    let hashed = Hashed {
        inner: BufWriter::with_capacity(1 << 18, file),
        hasher: Sha256::new(),
        bytes: 0,
    };
    let sink = if recipients.is_empty() {
        Sink::Plain(hashed)
    } else {
        let encryptor =
            age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
                .map_err(|e| BackupError::Write(format!("cannot encrypt: {e}")))?;
        Sink::Age(
            encryptor
                .wrap_output(hashed)
                .map_err(|e| BackupError::Write(format!("cannot encrypt: {e}")))?,
        )
    };
    let mut zip = ZipWriter::new_stream(sink);
    let data_options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .unix_permissions(0o644)
        .large_file(true);
    let mut files = Vec::new();
    let mut counts = BTreeMap::new();
    let mut attachments: Vec<Attachment> = Vec::new();
    for table in DataTable::ALL {
        let path = table.path();
        let (file, lines) = entry(&mut zip, &path, data_options, |e| {
            write_rows(reader, table, e, &path)
        })?;
        counts.insert(table.name().to_owned(), lines);
        files.push(file);
    }
    reader.each_attachment::<BackupError>(|a| {
        attachments.push(a);
        Ok(())
    })?;
    let dir = store.dir().join(ATTACHMENTS_DIR);
    for a in &attachments {
        if a.sha256.len() != 64 || !a.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(BackupError::Write(format!(
                "attachment '{}' has an invalid hash in the store",
                a.name
            )));
        }
        let source = dir.join(&a.sha256);
        let mut f = File::open(&source).map_err(|e| {
            BackupError::Write(format!(
                "attachment {} ({}) cannot be read: {e}",
                a.sha256, a.name
            ))
        })?;
        let len = f.metadata().map(|m| m.len()).unwrap_or(0);
        let method = if already_compressed(&a.mime) {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .unix_permissions(0o644)
            .large_file(len >= u32::MAX as u64 / 2);
        let path = format!("attachments/{}", a.sha256);
        let (file, _) = entry(&mut zip, &path, options, |e| {
            let mut buf = vec![0u8; 1 << 16];
            loop {
                let n = f
                    .read(&mut buf)
                    .map_err(|err| BackupError::Write(format!("attachment {}: {err}", a.sha256)))?;
                if n == 0 {
                    break;
                }
                e.write_all(&buf[..n]).map_err(write_io(&path))?;
            }
            Ok(())
        })?;
        if file.sha256 != a.sha256.to_ascii_lowercase() {
            return Err(BackupError::Write(format!(
                "attachment {} ({}) on disk does not match its hash: the file is damaged",
                a.sha256, a.name
            )));
        }
        files.push(file);
    }
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        format_version: FORMAT_VERSION,
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        schema_version: crate::store::schema::CURRENT_VERSION,
        site_codes: header.site_codes,
        device: ManifestDevice {
            public_key: device.public_base64(),
            fingerprint: device.fingerprint(),
        },
        sequence: header.sequence,
        created_at: header.created_at,
        counts: counts.clone(),
        audit_head: reader.audit_head()?,
        restored_from: reader.meta_json(super::RESTORED_FROM_KEY)?,
        files,
    };
    let manifest_bytes = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| BackupError::Write(format!("cannot encode the manifest: {e}")))?;
    let signature = device.sign(&manifest_bytes);
    let small = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .unix_permissions(0o644);
    entry(&mut zip, MANIFEST, small, |e| {
        e.write_all(&manifest_bytes).map_err(write_io(MANIFEST))
    })?;
    entry(&mut zip, SIGNATURE, small, |e| {
        e.write_all(&signature.to_bytes())
            .map_err(write_io(SIGNATURE))
    })?;
    let sink = zip.finish().map_err(zip_error)?.into_inner();
    let hashed = sink.finish().map_err(io("cannot finish"))?;
    let digest = hashed.hasher.finalize().to_vec();
    let size = hashed.bytes;
    let file = hashed
        .inner
        .into_inner()
        .map_err(|e| io("cannot write")(e.into_error()))?;
    file.sync_all().map_err(io("cannot sync"))?;
    Ok((digest, size, counts))
}
