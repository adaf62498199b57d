//! The drop folder (`caliber archive ingest --watch DIR`): every bundle file that appears in
//! the folder is ingested exactly as a plain ingest does it, one line per file, and then moved
//! out of the way into `accepted/`, `duplicate/` or `refused/` inside the folder, beside a
//! `<name>.reason` file with that line, so a person looking at the share sees what happened to
//! each file.
//!
//! A file is taken only once it is complete: its size and modification time have not changed
//! for the settle time (a file renamed in is complete at once and waits just that long). Names
//! starting with `.` or ending in `.part` or `.tmp` are still being written by convention and
//! are left alone. The folder is polled, which works the same on a local disk, a Samba share
//! and an NFS mount.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use super::layout::write_atomically;
use super::lock::IngestLock;
use super::{Archive, ArchiveError, IngestOutcome, Result};

/// How the drop folder is watched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchOptions {
    /// How often the folder is listed.
    pub poll: Duration,
    /// How long a file's size and modification time must stay the same before it is taken.
    pub settle: Duration,
}

impl Default for WatchOptions {
    fn default() -> WatchOptions {
        WatchOptions {
            poll: Duration::from_millis(500),
            settle: Duration::from_secs(2),
        }
    }
}

/// The sub-folder of the drop folder a handled file is moved into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropOutcome {
    /// Stored: `accepted/`.
    Accepted,
    /// Already stored: `duplicate/`.
    Duplicate,
    /// Refused: `refused/`.
    Refused,
}

impl DropOutcome {
    /// Every outcome, for creating the folders.
    pub const ALL: [DropOutcome; 3] = [
        DropOutcome::Accepted,
        DropOutcome::Duplicate,
        DropOutcome::Refused,
    ];

    /// The folder name.
    pub fn folder(self) -> &'static str {
        match self {
            DropOutcome::Accepted => "accepted",
            DropOutcome::Duplicate => "duplicate",
            DropOutcome::Refused => "refused",
        }
    }

    fn of(outcome: &IngestOutcome) -> DropOutcome {
        match outcome {
            IngestOutcome::Accepted(..) => DropOutcome::Accepted,
            IngestOutcome::Duplicate(_) => DropOutcome::Duplicate,
            IngestOutcome::Refused(_) => DropOutcome::Refused,
        }
    }
}

/// One file of the drop folder, ingested and moved.
#[derive(Debug, Clone)]
pub struct DropHandled {
    /// Where it was dropped.
    pub dropped: PathBuf,
    /// Where it is now.
    pub moved_to: PathBuf,
    /// What the ingest said.
    pub outcome: IngestOutcome,
}

impl DropHandled {
    /// The one line a plain ingest prints for it (`PATH: accepted (…)`).
    pub fn line(&self) -> String {
        format!("{}: {}", self.dropped.display(), self.outcome.describe())
    }
}

/// Whether a name is one a writer is still filling (left alone).
fn in_progress(name: &str) -> bool {
    name.starts_with('.') || name.ends_with(".part") || name.ends_with(".tmp")
}

/// A free name for `name` in `folder`: itself, or `stem (2).ext`, `stem (3).ext`, ….
fn free_name(folder: &Path, name: &str) -> PathBuf {
    let first = folder.join(name);
    if !first.exists() && !reason_path(&first).exists() {
        return first;
    }
    let (stem, ext) = match name.find('.') {
        Some(0) | None => (name, ""),
        Some(i) => name.split_at(i),
    };
    (2u32..)
        .map(|n| folder.join(format!("{stem} ({n}){ext}")))
        .find(|p| !p.exists() && !reason_path(p).exists())
        .unwrap_or(first)
}

/// The `.reason` file beside a handled file.
pub fn reason_path(file: &Path) -> PathBuf {
    let mut p = file.as_os_str().to_owned();
    p.push(".reason");
    PathBuf::from(p)
}

/// What the last listing saw of a file: its size and time, and since when they are so.
struct Seen {
    size: u64,
    modified: Option<SystemTime>,
    since: Instant,
}

/// The regular files of the drop folder that are complete now, by name; `seen` carries the
/// observations from one listing to the next.
fn complete_files(
    folder: &Path,
    seen: &mut BTreeMap<PathBuf, Seen>,
    settle: Duration,
) -> Result<Vec<PathBuf>> {
    let now = Instant::now();
    let mut present = BTreeMap::new();
    let entries = std::fs::read_dir(folder).map_err(ArchiveError::io(format!(
        "cannot list {}",
        folder.display()
    )))?;
    for e in entries {
        let e = e.map_err(ArchiveError::io(format!(
            "cannot list {}",
            folder.display()
        )))?;
        let name = e.file_name().to_string_lossy().into_owned();
        if in_progress(&name) {
            continue;
        }
        // A file removed between the listing and here is simply not there.
        let Ok(meta) = e.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let path = e.path();
        let (size, modified) = (meta.len(), meta.modified().ok());
        let since = match seen.get(&path) {
            Some(s) if s.size == size && s.modified == modified => s.since,
            _ => now,
        };
        present.insert(
            path,
            Seen {
                size,
                modified,
                since,
            },
        );
    }
    *seen = present;
    Ok(seen
        .iter()
        .filter(|(_, s)| now.duration_since(s.since) >= settle)
        .map(|(p, _)| p.clone())
        .collect())
}

/// Sleep for `d`, waking early when `stop` is set.
fn nap(d: Duration, stop: &AtomicBool) {
    let until = Instant::now() + d;
    while !stop.load(Ordering::SeqCst) {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        std::thread::sleep(left.min(Duration::from_millis(50)));
    }
}

/// Ingest one complete file of the drop folder and move it with its `.reason` file.
fn handle(
    archive: &Archive,
    lock: &mut IngestLock,
    folder: &Path,
    file: &Path,
) -> Result<DropHandled> {
    let outcome = archive.ingest(lock, file)?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let target = free_name(&folder.join(DropOutcome::of(&outcome).folder()), &name);
    std::fs::rename(file, &target).map_err(ArchiveError::io(format!(
        "cannot move {} to {}",
        file.display(),
        target.display()
    )))?;
    let handled = DropHandled {
        dropped: file.to_owned(),
        moved_to: target,
        outcome,
    };
    let text = format!(
        "{}\nhandled at {}\n",
        handled.line(),
        jiff::Timestamp::now()
    );
    write_atomically(&reason_path(&handled.moved_to), text.as_bytes())?;
    Ok(handled)
}

/// Watch `folder` until `stop` is set: ingest each complete file, move it, and hand it to
/// `report` (which prints its line). A failure of the machine (a disk or store error) ends the
/// watch with that error and leaves the file where it was dropped; the file being ingested
/// when `stop` is set is finished first.
pub(super) fn watch(
    archive: &Archive,
    lock: &mut IngestLock,
    folder: &Path,
    options: &WatchOptions,
    stop: &AtomicBool,
    report: &mut dyn FnMut(&DropHandled) -> std::io::Result<()>,
) -> Result<usize> {
    if !folder.is_dir() {
        return Err(ArchiveError::NotAFolder(folder.to_owned()));
    }
    for o in DropOutcome::ALL {
        let sub = folder.join(o.folder());
        std::fs::create_dir_all(&sub)
            .map_err(ArchiveError::io(format!("cannot create {}", sub.display())))?;
    }
    let mut seen = BTreeMap::new();
    let mut handled = 0;
    while !stop.load(Ordering::SeqCst) {
        for file in complete_files(folder, &mut seen, options.settle)? {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let h = handle(archive, lock, folder, &file)?;
            seen.remove(&file);
            handled += 1;
            report(&h).map_err(ArchiveError::io("cannot print"))?;
        }
        nap(options.poll, stop);
    }
    Ok(handled)
}
