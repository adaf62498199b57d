//! The archive's age X25519 identity: made once by `init`, mode 0600, never replaced.

use std::io::Write;
use std::path::Path;

use age::secrecy::ExposeSecret;

use super::{ArchiveError, Result};

/// Name of the identity file in the archive folder (the format `age-keygen` writes).
pub const IDENTITY_FILE: &str = "archive-identity";

/// Make the identity file in `dir`; refuses when one exists. Returns the recipient.
pub(super) fn create(dir: &Path) -> Result<String> {
    use std::os::unix::fs::OpenOptionsExt;
    let path = dir.join(IDENTITY_FILE);
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let mut f = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(ArchiveError::AlreadyInitialised(dir.to_owned()));
        }
        Err(e) => {
            return Err(ArchiveError::io(format!(
                "cannot create {}",
                path.display()
            ))(e));
        }
    };
    let text = format!(
        "# caliber central archive identity\n# public key: {recipient}\n{}\n",
        identity.to_string().expose_secret()
    );
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(ArchiveError::io(format!("cannot write {}", path.display())))?;
    Ok(recipient)
}

/// The recipient of the identity in `dir`.
pub(super) fn recipient(dir: &Path) -> Result<String> {
    let path = dir.join(IDENTITY_FILE);
    let text = std::fs::read_to_string(&path)
        .map_err(ArchiveError::io(format!("cannot read {}", path.display())))?;
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .ok_or_else(|| ArchiveError::Identity {
            path: path.clone(),
            message: "holds no AGE-SECRET-KEY line".into(),
        })?;
    let identity: age::x25519::Identity =
        line.parse().map_err(|e: &str| ArchiveError::Identity {
            path: path.clone(),
            message: e.to_owned(),
        })?;
    Ok(identity.to_public().to_string())
}
