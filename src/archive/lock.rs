//! The ingest lock: one ingest (plain or `--watch`) at a time per archive, so two of them
//! never interleave their checks (a replay or a duplicate seen by neither) and their writes.
//!
//! It is an exclusive `flock` on a lock file, held for as long as the [`IngestLock`] lives
//! and released by the kernel when the process ends, however it ends: a crash leaves no stale
//! lock. The holder writes its pid into the file so the refusal can name it. For an object
//! store the lock file is local (in the temporary folder, named after the store's URL): it
//! keeps ingests on this machine apart; run the ingests of one store from one machine.
//!
//! While the lock is held nothing else adds bundles, so the lock carries what the archive
//! holds (read once when taken) and each ingest adds to it: the duplicate and replay checks
//! never list the store again.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use rustix::fs::{FlockOperation, flock};

use super::layout::StoredBundle;
use super::{ArchiveError, Result};

/// Name of the lock file in the archive folder (or in the local work folder of an object
/// store archive).
pub const LOCK_FILE: &str = ".ingest.lock";

/// The held ingest lock; dropping it releases the lock.
#[derive(Debug)]
pub struct IngestLock {
    _file: File,
    path: PathBuf,
    /// What the archive holds, kept current by each ingest under this lock.
    pub(super) stored: Vec<StoredBundle>,
}

impl IngestLock {
    /// Take the lock at `path`, waiting for another holder to let go (a short writer such as
    /// an enrolment).
    pub(super) fn wait(path: &Path) -> Result<IngestLock> {
        let file = open(path)?;
        flock(&file, FlockOperation::LockExclusive)
            .map_err(|e| ArchiveError::io(format!("cannot lock {}", path.display()))(e.into()))?;
        Ok(IngestLock {
            _file: file,
            path: path.to_owned(),
            stored: Vec::new(),
        })
    }

    /// Take the lock at `path` without waiting: when another process holds it, the refusal
    /// names its pid.
    pub(super) fn acquire(path: &Path, archive: &str) -> Result<IngestLock> {
        let mut file = open(path)?;
        match flock(&file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => {}
            Err(e) if e == rustix::io::Errno::WOULDBLOCK => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                return Err(ArchiveError::Locked {
                    archive: archive.to_owned(),
                    pid: text.trim().parse().ok(),
                });
            }
            Err(e) => {
                return Err(ArchiveError::io(format!("cannot lock {}", path.display()))(
                    e.into(),
                ));
            }
        }
        let written = (|| {
            file.set_len(0)?;
            file.rewind()?;
            writeln!(file, "{}", std::process::id())?;
            file.sync_all()
        })();
        written.map_err(ArchiveError::io(format!("cannot write {}", path.display())))?;
        Ok(IngestLock {
            _file: file,
            path: path.to_owned(),
            stored: Vec::new(),
        })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn open(path: &Path) -> Result<File> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(ArchiveError::io(format!("cannot open {}", path.display())))
}
