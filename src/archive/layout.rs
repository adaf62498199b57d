//! Where accepted bundles live: `sites/<code>/<yyyy>/<mm>/<timestamp>-<seq>.bundle` with
//! `<same>.summary.json` beside it. A bundle is stored exactly when its `.bundle` file is
//! there: the summary is renamed into place first, the bundle last, so a crash between the
//! two leaves a summary with no bundle, which is ignored and overwritten by the next ingest.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::summary::SiteSummary;
use super::{ArchiveError, Result};

/// Folder of the stored bundles.
pub const SITES_DIR: &str = "sites";

/// A bundle in the archive with its summary.
#[derive(Debug, Clone)]
pub struct StoredBundle {
    /// The `.bundle` file.
    pub path: PathBuf,
    /// What ingest computed for it.
    pub summary: SiteSummary,
}

/// Relative path of a bundle of `site` made at `at` with `sequence`, without the extension.
pub(super) fn stem(site: &str, at: Timestamp, sequence: u64) -> PathBuf {
    let utc = at.to_zoned(jiff::tz::TimeZone::UTC);
    PathBuf::from(SITES_DIR)
        .join(site)
        .join(format!("{:04}", utc.year()))
        .join(format!("{:02}", utc.month()))
        .join(format!("{}-{sequence}", utc.strftime("%Y%m%dT%H%M%SZ")))
}

/// The summary file beside a `.bundle` file.
pub(super) fn summary_path(bundle: &Path) -> PathBuf {
    bundle.with_extension("summary.json")
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

fn read_dir_sorted(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            for e in entries {
                let e = e.map_err(ArchiveError::io(format!("cannot list {}", dir.display())))?;
                out.push(e.path());
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(ArchiveError::io(format!("cannot list {}", dir.display()))(
                e,
            ));
        }
    }
    out.sort();
    Ok(out)
}

/// Every stored bundle under `dir/sites`, by site, then time.
pub(super) fn stored(dir: &Path) -> Result<Vec<StoredBundle>> {
    let mut out = Vec::new();
    for site in read_dir_sorted(&dir.join(SITES_DIR))? {
        for year in read_dir_sorted(&site)? {
            for month in read_dir_sorted(&year)? {
                for file in read_dir_sorted(&month)? {
                    if file.extension().is_some_and(|e| e == "bundle") && file.is_file() {
                        let sp = summary_path(&file);
                        let text = std::fs::read_to_string(&sp)
                            .map_err(ArchiveError::io(format!("cannot read {}", sp.display())))?;
                        let summary = serde_json::from_str(&text).map_err(|e| {
                            ArchiveError::DamagedSummary {
                                path: sp.clone(),
                                message: e.to_string(),
                            }
                        })?;
                        out.push(StoredBundle {
                            path: file,
                            summary,
                        });
                    }
                }
            }
        }
    }
    Ok(out)
}
