//! The archive's age X25519 identity: made once by `init`, mode 0600 in a local folder,
//! never replaced. In an object store it is the object `archive-identity` (keep the bucket
//! private); a bundle is decrypted with a copy in the private local work folder, removed after
//! the bundle.

use std::path::{Path, PathBuf};

use age::secrecy::ExposeSecret;

use super::storage::Storage;
use super::{ArchiveError, Result};

/// Name of the identity file in the archive folder (the format `age-keygen` writes).
pub const IDENTITY_FILE: &str = "archive-identity";

/// Make the identity; refuses when one exists. Returns the recipient.
pub(super) fn create(storage: &dyn Storage) -> Result<String> {
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let text = format!(
        "# caliber central archive identity\n# public key: {recipient}\n{}\n",
        identity.to_string().expose_secret()
    );
    if !storage.create(IDENTITY_FILE, text.as_bytes())? {
        return Err(ArchiveError::AlreadyInitialised(storage.location()));
    }
    Ok(recipient)
}

/// The recipient of the archive's identity.
pub(super) fn recipient(storage: &dyn Storage) -> Result<String> {
    let damaged = |message: &str| ArchiveError::Identity {
        path: IDENTITY_FILE.into(),
        message: message.to_owned(),
    };
    let bytes = storage
        .read(IDENTITY_FILE)?
        .ok_or_else(|| ArchiveError::NotAnArchive(storage.location()))?;
    let text = String::from_utf8(bytes).map_err(|_| damaged("it is not text"))?;
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .ok_or_else(|| damaged("holds no AGE-SECRET-KEY line"))?;
    let identity: age::x25519::Identity = line.parse().map_err(|e: &str| damaged(e))?;
    Ok(identity.to_public().to_string())
}

/// A local file of the identity for the age decryption: the file itself in a local folder,
/// otherwise a copy (0600) in the work folder, removed when this is dropped.
#[derive(Debug)]
pub(super) struct IdentityFile {
    path: PathBuf,
    copy: bool,
}

impl IdentityFile {
    pub(super) fn of(storage: &dyn Storage, work: &Path) -> Result<IdentityFile> {
        if let Some(path) = storage.local_path(IDENTITY_FILE) {
            return Ok(IdentityFile { path, copy: false });
        }
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let bytes = storage
            .read(IDENTITY_FILE)?
            .ok_or_else(|| ArchiveError::NotAnArchive(storage.location()))?;
        let path = work.join(format!("{}.identity", uuid::Uuid::now_v7()));
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(ArchiveError::io(format!(
                "cannot create {}",
                path.display()
            )))?;
        let file = IdentityFile { path, copy: true };
        f.write_all(&bytes).map_err(ArchiveError::io(format!(
            "cannot write {}",
            file.path.display()
        )))?;
        Ok(file)
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for IdentityFile {
    fn drop(&mut self) {
        if self.copy {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
