//! Where accepted bundles live: `sites/<code>/<yyyy>/<mm>/<timestamp>-<seq>.bundle` with
//! `<same>.matrix.json.gz` and `<same>.summary.json` beside it. The bundle is written first,
//! then its matrix, and its summary last: a bundle is stored exactly when its summary is
//! there. A crash before the summary leaves a bundle (and maybe a matrix) without a summary,
//! orphans that are never listed and that the next ingest removes.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::storage::Storage;
use super::summary::SiteSummary;
use super::{ArchiveError, Result};

/// Folder of the stored bundles.
pub const SITES_DIR: &str = "sites";

/// A bundle in the archive with its summary.
#[derive(Debug, Clone)]
pub struct StoredBundle {
    /// Its key in the archive (`sites/ATX-01/2026/05/….bundle`).
    pub key: String,
    /// What ingest computed for it.
    pub summary: SiteSummary,
}

/// Key of a bundle of `site` made at `at` with `sequence`.
pub(super) fn bundle_key(site: &str, at: Timestamp, sequence: u64) -> String {
    let utc = at.to_zoned(jiff::tz::TimeZone::UTC);
    format!(
        "{SITES_DIR}/{site}/{:04}/{:02}/{}-{sequence}.bundle",
        utc.year(),
        utc.month(),
        utc.strftime("%Y%m%dT%H%M%SZ")
    )
}

/// The summary key beside a `.bundle` key.
pub(super) fn summary_key(bundle: &str) -> String {
    format!(
        "{}.summary.json",
        bundle.strip_suffix(".bundle").unwrap_or(bundle)
    )
}

/// The matrix key beside a `.bundle` key.
pub(super) fn matrix_key(bundle: &str) -> String {
    format!(
        "{}.matrix.json.gz",
        bundle.strip_suffix(".bundle").unwrap_or(bundle)
    )
}

/// Sync a folder so a rename in it survives a crash (best effort: some file systems refuse).
pub(super) fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Copy `from` into the new file `to`, synced; returns its SHA-256 (hex) and size.
pub(super) fn copy_hashed(from: &Path, to: &Path) -> Result<(String, u64)> {
    let mut src =
        File::open(from).map_err(ArchiveError::io(format!("cannot read {}", from.display())))?;
    let mut dst = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(to)
        .map_err(ArchiveError::io(format!("cannot create {}", to.display())))?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = src
            .read(&mut buf)
            .map_err(ArchiveError::io(format!("cannot read {}", from.display())))?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
        dst.write_all(&buf[..n])
            .map_err(ArchiveError::io(format!("cannot write {}", to.display())))?;
        size += n as u64;
    }
    dst.sync_all()
        .map_err(ArchiveError::io(format!("cannot sync {}", to.display())))?;
    Ok((hex::encode(hash.finalize()), size))
}

/// Write `bytes` to `path` atomically: a temporary file beside it, synced, renamed.
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(ArchiveError::io(format!("cannot write {}", path.display()))(e));
    }
    sync_dir(dir);
    Ok(())
}

/// What the archive holds: the stored bundles (by site, then time) and the orphans, bundles
/// and matrices whose summary was never written (an ingest that crashed halfway).
pub(super) struct Holdings {
    /// Bundles with their summaries.
    pub stored: Vec<StoredBundle>,
    /// Keys of bundles and matrices without a summary.
    pub orphans: Vec<String>,
}

/// List the archive's bundles and read their summaries.
pub(super) fn holdings(storage: &dyn Storage) -> Result<Holdings> {
    let keys = storage.list(&format!("{SITES_DIR}/"))?;
    let present: std::collections::BTreeSet<&str> = keys.iter().map(String::as_str).collect();
    let mut stored = Vec::new();
    let mut orphans = Vec::new();
    for key in keys.iter().filter(|k| k.ends_with(".matrix.json.gz")) {
        let bundle = format!("{}.bundle", key.trim_end_matches(".matrix.json.gz"));
        if !present.contains(summary_key(&bundle).as_str()) {
            orphans.push(key.clone());
        }
    }
    for key in keys.iter().filter(|k| k.ends_with(".bundle")) {
        let sk = summary_key(key);
        if !present.contains(sk.as_str()) {
            orphans.push(key.clone());
            continue;
        }
        let Some(summary) = read_summary(storage, key)? else {
            orphans.push(key.clone());
            continue;
        };
        stored.push(StoredBundle {
            key: key.clone(),
            summary,
        });
    }
    Ok(Holdings { stored, orphans })
}

/// The summary of the bundle `bundle` (its key), `None` when there is none.
pub(super) fn read_summary(storage: &dyn Storage, bundle: &str) -> Result<Option<SiteSummary>> {
    let key = summary_key(bundle);
    let Some(bytes) = storage.read(&key)? else {
        return Ok(None);
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| ArchiveError::DamagedSummary {
            path: key,
            message: e.to_string(),
        })
}
