//! Ingest: one bundle file in, `accepted`, `duplicate` or `refused: reason` out.
//!
//! The file is first copied into the archive's work folder (hashed on the way), so the bytes
//! checked are the bytes stored, even if the stick changes underneath. Then: a file whose
//! SHA-256 is already stored is a duplicate; the copy is verified by the box's hostile reader
//! (decrypted with the archive identity when it is age-encrypted); its site must be enrolled
//! with the key that signed it; its sequence must be above the newest stored for that device;
//! it is restored into a scratch store to compute its summary; and only then is the bundle
//! stored, and its summary last (the summary is what lists it). On every refusal the copy and
//! the scratch store are removed: the archive is as it was.

use std::io::Read;
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::identity::IdentityFile;
use super::layout::{StoredBundle, bundle_key, copy_hashed, matrix_key, summary_key};
use super::lock::IngestLock;
use super::summary::{Figures, SUMMARY_FORMAT, SiteSummary, TREND_POINTS, percent};
use super::{Archive, ArchiveError, Result};
use crate::backup::{self, BackupError, Refusal};

/// Why a bundle was refused, in one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestRefusal {
    /// No site code of the bundle is enrolled.
    #[error("site {0} is not enrolled")]
    UnknownSite(String),
    /// Signed by a key that is not the one enrolled for the site.
    #[error("signed by device {found}, which is not the key enrolled for site {site}{}", .other_site.as_ref().map(|s| format!(" (it is enrolled for site {s})")).unwrap_or_default())]
    KeyNotEnrolled {
        /// The bundle's site.
        site: String,
        /// The signing key's fingerprint.
        found: String,
        /// A site the key is enrolled for instead, if any.
        other_site: Option<String>,
    },
    /// The bundle is age-encrypted but the archive identity does not open it.
    #[error("cannot decrypt: {0}")]
    Decryption(Refusal),
    /// The reader refused the bundle: damaged, truncated or edited.
    #[error("tampered or truncated: {0}")]
    Damaged(Refusal),
    /// A sequence number not above the newest stored for the device.
    #[error(
        "replay: sequence {sequence} of device {device} is not above {newest}, the newest already stored"
    )]
    Replay {
        /// The signing device.
        device: String,
        /// The bundle's sequence.
        sequence: u64,
        /// The newest stored.
        newest: u64,
    },
    /// Another bundle is stored under the name this one would get.
    #[error("another bundle is already stored as {0}")]
    Conflict(String),
    /// The bundle names no site.
    #[error("the bundle names no site")]
    NoSite,
    /// The bundle verifies but cannot be restored, so no summary can be made.
    #[error("cannot be summarised: {0}")]
    Unrestorable(String),
}

/// What happened to one ingested file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IngestOutcome {
    /// Stored, with its summary (and its key).
    Accepted(Box<SiteSummary>, String),
    /// The same file is already stored (its key).
    Duplicate(String),
    /// Not stored, and why.
    Refused(IngestRefusal),
}

impl IngestOutcome {
    /// What happened, as the ingest line prints it after the file name: `accepted (site X,
    /// sequence N)`, `duplicate` or `refused: reason`.
    pub fn describe(&self) -> String {
        match self {
            IngestOutcome::Accepted(s, _) => {
                format!("accepted (site {}, sequence {})", s.site_code, s.sequence)
            }
            IngestOutcome::Duplicate(_) => "duplicate".into(),
            IngestOutcome::Refused(r) => format!("refused: {r}"),
        }
    }
}

/// Whether the file starts like an age file.
fn is_age(path: &Path) -> Result<bool> {
    const MAGIC: &[u8] = b"age-encryption.org/v1\n";
    let mut head = Vec::with_capacity(MAGIC.len());
    std::fs::File::open(path)
        .and_then(|f| f.take(MAGIC.len() as u64).read_to_end(&mut head))
        .map_err(ArchiveError::io(format!("cannot read {}", path.display())))?;
    Ok(head == MAGIC)
}

/// Removes the work files of one ingest when dropped, whatever happened.
struct Scratch {
    copy: PathBuf,
    store: PathBuf,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.copy);
        let _ = std::fs::remove_dir_all(&self.store);
    }
}

pub(super) fn ingest(
    archive: &Archive,
    lock: &mut IngestLock,
    path: &Path,
) -> Result<IngestOutcome> {
    let storage = archive.storage();
    let work = storage.work_dir();
    std::fs::create_dir_all(work).map_err(ArchiveError::io(format!(
        "cannot create {}",
        work.display()
    )))?;
    let id = uuid::Uuid::now_v7();
    let scratch = Scratch {
        copy: work.join(format!("{id}.bundle")),
        store: work.join(format!("{id}.store")),
    };
    let (sha256, size) = copy_hashed(path, &scratch.copy)?;
    if let Some(b) = lock.stored.iter().find(|b| b.summary.sha256 == sha256) {
        return Ok(IngestOutcome::Duplicate(b.key.clone()));
    }
    let encrypted = is_age(&scratch.copy)?;
    let identity_file = if encrypted {
        Some(IdentityFile::of(storage, work)?)
    } else {
        None
    };
    let identity = identity_file.as_ref().map(IdentityFile::path);
    let verified = match backup::verify(&scratch.copy, None, identity) {
        Ok(s) => s,
        Err(BackupError::Refused(r)) => {
            let r = match r {
                Refusal::WrongIdentity | Refusal::BadIdentity(_) => IngestRefusal::Decryption(r),
                Refusal::Corrupt(ref m) if encrypted && m.starts_with("cannot decrypt") => {
                    IngestRefusal::Decryption(r)
                }
                other => IngestRefusal::Damaged(other),
            };
            return Ok(IngestOutcome::Refused(r));
        }
        Err(e) => return Err(e.into()),
    };
    let Some(site) = verified.site_codes.first().cloned() else {
        return Ok(IngestOutcome::Refused(IngestRefusal::NoSite));
    };
    let enrolments = archive.enrolments()?;
    let fp = verified.device_fingerprint.clone();
    for code in &verified.site_codes {
        let Some(e) = enrolments
            .iter()
            .find(|e| e.site_code == code.to_ascii_uppercase())
        else {
            return Ok(IngestOutcome::Refused(IngestRefusal::UnknownSite(
                code.escape_debug().to_string(),
            )));
        };
        if e.key != fp {
            let other_site = enrolments
                .iter()
                .find(|o| o.key == fp)
                .map(|o| o.site_code.clone());
            return Ok(IngestOutcome::Refused(IngestRefusal::KeyNotEnrolled {
                site: e.site_code.clone(),
                found: fp,
                other_site,
            }));
        }
    }
    let site = site.to_ascii_uppercase();
    if let Some(newest) = lock
        .stored
        .iter()
        .filter(|b| b.summary.device_fingerprint == fp)
        .map(|b| b.summary.sequence)
        .max()
        && verified.sequence <= newest
    {
        return Ok(IngestOutcome::Refused(IngestRefusal::Replay {
            device: fp,
            sequence: verified.sequence,
            newest,
        }));
    }
    let key = bundle_key(&site, verified.created_at, verified.sequence);
    if lock.stored.iter().any(|b| b.key == key) {
        return Ok(IngestOutcome::Refused(IngestRefusal::Conflict(key)));
    }
    let figures = match backup::restore(&scratch.copy, &scratch.store, &fp, identity) {
        Ok(_) => {
            let store = crate::store::Store::open(&scratch.store)?;
            let f = Figures::of(&store, verified.created_at)?;
            drop(store);
            f
        }
        Err(BackupError::Refused(r)) => {
            return Ok(IngestOutcome::Refused(IngestRefusal::Unrestorable(
                r.to_string(),
            )));
        }
        Err(e) => return Err(e.into()),
    };
    let mut summary = SiteSummary {
        format: SUMMARY_FORMAT,
        site_code: site.clone(),
        site_codes: verified.site_codes.clone(),
        device_fingerprint: fp,
        sequence: verified.sequence,
        created_at: verified.created_at,
        ingested_at: Timestamp::now(),
        sha256,
        size,
        encrypted,
        source_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        employees: figures.employees,
        qualified: figures.qualified,
        compliance_percent: percent(figures.qualified, figures.employees),
        status_counts: figures.status_counts,
        expiring: figures.expiring,
        gaps: figures.gaps,
        stations: figures.stations,
        trend: Vec::new(),
    };
    summary.trend = trend(&lock.stored, &summary);
    let json = serde_json::to_vec_pretty(&summary)
        .map_err(|e| ArchiveError::io("cannot encode the summary")(std::io::Error::other(e)))?;
    let matrix = figures.matrix.encode()?;
    // The bundle first, then its matrix, its summary last: until the summary is there the
    // bundle is an orphan that is never listed (and that the next ingest removes).
    storage.store_file(&key, &scratch.copy)?;
    let written = storage
        .write(&matrix_key(&key), &matrix)
        .and_then(|()| storage.write(&summary_key(&key), &json));
    if let Err(e) = written {
        let _ = storage.remove(&matrix_key(&key));
        let _ = storage.remove(&key);
        return Err(e);
    }
    drop(scratch);
    lock.stored.push(StoredBundle {
        key: key.clone(),
        summary: summary.clone(),
    });
    Ok(IngestOutcome::Accepted(Box::new(summary), key))
}

/// The trend of `summary`: the site's stored bundles made before it, and itself, the last
/// [`TREND_POINTS`] of them, oldest first.
fn trend(stored: &[StoredBundle], summary: &SiteSummary) -> Vec<super::TrendPoint> {
    let mut before: Vec<&SiteSummary> = stored
        .iter()
        .map(|b| &b.summary)
        .filter(|s| s.site_code == summary.site_code && summary.is_newer_than(s))
        .collect();
    before.sort_by_key(|s| (s.created_at, s.sequence));
    let skip = (before.len() + 1).saturating_sub(TREND_POINTS);
    before
        .into_iter()
        .skip(skip)
        .map(SiteSummary::point)
        .chain([summary.point()])
        .collect()
}
