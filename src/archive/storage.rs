//! Where the archive's files live: a local folder ([`LocalDir`]) or an S3-compatible object
//! store ([`super::object::ObjectStorage`]), behind one small trait so the archive's rules
//! (ingest order, refusals, layout) are written once.
//!
//! Keys are `/`-separated paths relative to the archive root (`archive-identity`,
//! `enrolments.jsonl`, `sites/ATX-01/2026/05/….bundle`). Every write is whole or not at all:
//! a local file is written beside its place, synced and renamed; an object store's PUT is
//! atomic by itself.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::layout::{sync_dir, write_atomically};
use super::{ArchiveError, Result};

/// The storage of one archive.
pub trait Storage: std::fmt::Debug + Send + Sync {
    /// The archive's location as a person gives it (`/srv/archive`, `s3://bucket/prefix`).
    fn location(&self) -> String;
    /// The bytes of `key`, or `None` when there is no such file.
    fn read(&self, key: &str) -> Result<Option<Vec<u8>>>;
    /// Write `key` whole, replacing what was there.
    fn write(&self, key: &str, bytes: &[u8]) -> Result<()>;
    /// Write `key` whole only when it does not exist yet; `false` (nothing written) when it
    /// does.
    fn create(&self, key: &str, bytes: &[u8]) -> Result<bool>;
    /// Store the local file `file` (in [`Storage::work_dir`]) as `key`, whole. The local file
    /// may be gone afterwards.
    fn store_file(&self, key: &str, file: &Path) -> Result<()>;
    /// Every key under `prefix` (a folder, ending in `/`), sorted, with its size in bytes.
    fn list_sized(&self, prefix: &str) -> Result<Vec<(String, u64)>>;
    /// Every key under `prefix` (a folder, ending in `/`), sorted.
    fn list(&self, prefix: &str) -> Result<Vec<String>> {
        Ok(self
            .list_sized(prefix)?
            .into_iter()
            .map(|(k, _)| k)
            .collect())
    }
    /// Remove `key`; no error when it is already gone. A local folder also loses the folders
    /// that this leaves empty.
    fn remove(&self, key: &str) -> Result<()>;
    /// A local folder for copies and scratch stores while a bundle is ingested.
    fn work_dir(&self) -> &Path;
    /// The local lock file `name` (e.g. [`super::LOCK_FILE`]) that keeps two writers of this
    /// archive on this machine apart.
    fn lock_file(&self, name: &str) -> PathBuf;
    /// The local path of `key`, when the storage is a local folder.
    fn local_path(&self, key: &str) -> Option<PathBuf>;
}

/// An archive in a local folder.
#[derive(Debug, Clone)]
pub struct LocalDir {
    dir: PathBuf,
    work: PathBuf,
}

impl LocalDir {
    /// The archive folder `dir`; its work folder is `dir/.work` (the same file system, so a
    /// checked copy is renamed into place, never copied again).
    pub fn new(dir: &Path) -> LocalDir {
        LocalDir {
            dir: dir.to_owned(),
            work: dir.join(super::WORK_DIR),
        }
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(key)
    }

    fn create_parent(&self, path: &Path) -> Result<PathBuf> {
        let folder = path.parent().unwrap_or(&self.dir).to_owned();
        std::fs::create_dir_all(&folder).map_err(ArchiveError::io(format!(
            "cannot create {}",
            folder.display()
        )))?;
        Ok(folder)
    }

    /// Sync `folder` and each folder above it up to the archive folder, so new folders
    /// survive a crash.
    fn sync_up(&self, folder: &Path) {
        let mut up = Some(folder);
        while let Some(d) = up {
            sync_dir(d);
            if d == self.dir {
                break;
            }
            up = d.parent();
        }
    }

    fn walk(&self, folder: &Path, out: &mut Vec<(String, u64)>) -> Result<()> {
        let entries = match std::fs::read_dir(folder) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => {
                return Err(ArchiveError::io(format!(
                    "cannot list {}",
                    folder.display()
                ))(e));
            }
        };
        for e in entries {
            let e = e.map_err(ArchiveError::io(format!(
                "cannot list {}",
                folder.display()
            )))?;
            let path = e.path();
            let listing = ArchiveError::io(format!("cannot list {}", folder.display()));
            let kind = match e.file_type() {
                Ok(k) => k,
                Err(err) => return Err(listing(err)),
            };
            if kind.is_dir() {
                self.walk(&path, out)?;
            } else if kind.is_file()
                && let Ok(rel) = path.strip_prefix(&self.dir)
                && let Some(key) = rel.to_str()
            {
                // A file removed since the folder was read (an orphan being cleaned) is skipped.
                match e.metadata() {
                    Ok(m) => out.push((key.to_owned(), m.len())),
                    Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                    Err(err) => return Err(listing(err)),
                }
            }
        }
        Ok(())
    }
}

impl Storage for LocalDir {
    fn location(&self) -> String {
        self.dir.display().to_string()
    }

    fn read(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let path = self.path(key);
        match std::fs::read(&path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ArchiveError::io(format!("cannot read {}", path.display()))(
                e,
            )),
        }
    }

    fn write(&self, key: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path(key);
        let folder = self.create_parent(&path)?;
        write_atomically(&path, bytes)?;
        self.sync_up(&folder);
        Ok(())
    }

    fn create(&self, key: &str, bytes: &[u8]) -> Result<bool> {
        use std::os::unix::fs::OpenOptionsExt;
        let path = self.path(key);
        let folder = self.create_parent(&path)?;
        let mut f = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
        {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
            Err(e) => {
                return Err(ArchiveError::io(format!(
                    "cannot create {}",
                    path.display()
                ))(e));
            }
        };
        let written = f.write_all(bytes).and_then(|()| f.sync_all());
        if let Err(e) = written {
            let _ = std::fs::remove_file(&path);
            return Err(ArchiveError::io(format!("cannot write {}", path.display()))(e));
        }
        self.sync_up(&folder);
        Ok(true)
    }

    fn store_file(&self, key: &str, file: &Path) -> Result<()> {
        let path = self.path(key);
        let folder = self.create_parent(&path)?;
        File::open(file)
            .and_then(|f| f.sync_all())
            .map_err(ArchiveError::io(format!("cannot sync {}", file.display())))?;
        std::fs::rename(file, &path)
            .map_err(ArchiveError::io(format!("cannot store {}", path.display())))?;
        self.sync_up(&folder);
        Ok(())
    }

    fn list_sized(&self, prefix: &str) -> Result<Vec<(String, u64)>> {
        let mut out = Vec::new();
        self.walk(&self.path(prefix), &mut out)?;
        out.sort();
        Ok(out)
    }

    fn remove(&self, key: &str) -> Result<()> {
        let path = self.path(key);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(ArchiveError::io(format!(
                    "cannot remove {}",
                    path.display()
                ))(e));
            }
        }
        // The folders it leaves empty go too (a refused ingest made them): up to the first
        // that still holds something, never the archive folder itself.
        let mut up = path.parent();
        while let Some(d) = up {
            if d == self.dir || !d.starts_with(&self.dir) || std::fs::remove_dir(d).is_err() {
                break;
            }
            up = d.parent();
        }
        Ok(())
    }

    fn work_dir(&self) -> &Path {
        &self.work
    }

    fn lock_file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn local_path(&self, key: &str) -> Option<PathBuf> {
        Some(self.path(key))
    }
}
