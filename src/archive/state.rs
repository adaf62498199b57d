//! The company view's own state: its logins, sessions and audit trail, in a small Caliber
//! store of their own (the box's `Store`, so users, argon2id passwords, sessions and their
//! timeouts, and the audit trail are the box's code, not a second copy). It lives in a local
//! folder (`--state DIR`), by default `DIR/.company-view` inside a local archive; an archive in
//! an object store needs `--state`, since a store file cannot live in a bucket.

use std::path::{Path, PathBuf};

use crate::domain::AppRole;
use crate::store::{Actor, Store};

use super::{ArchiveError, Result};

/// The state folder inside a local archive folder, unless `--state` names another.
pub const STATE_DIR: &str = ".company-view";

/// Page cache of the state store: it holds a few users and sessions.
const STATE_CACHE_BYTES: usize = 4 * 1024 * 1024;

/// The roles a login of the company view can have.
pub const ARCHIVE_ROLES: [AppRole; 3] = [AppRole::Viewer, AppRole::Auditor, AppRole::Admin];

/// The state folder: `state` when given, else the default inside the local archive `dir`;
/// an object store archive (`dir` is `None`) needs `state`.
pub fn state_dir(dir: Option<&Path>, state: Option<&Path>) -> Result<PathBuf> {
    match (state, dir) {
        (Some(s), _) => Ok(s.to_owned()),
        (None, Some(d)) => Ok(d.join(STATE_DIR)),
        (None, None) => Err(ArchiveError::StateRequired),
    }
}

/// Open (or create, mode 0700) the state store in `dir`.
pub fn open_state(dir: &Path) -> Result<Store> {
    use std::os::unix::fs::DirBuilderExt;
    if !dir.is_dir() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(ArchiveError::io(format!("cannot create {}", dir.display())))?;
    }
    Ok(Store::open_with_cache(dir, STATE_CACHE_BYTES)?)
}

/// A role of the company view by name: `viewer`, `auditor` or `admin`.
pub fn archive_role(name: &str) -> Result<AppRole> {
    AppRole::parse(name.trim())
        .filter(|r| ARCHIVE_ROLES.contains(r))
        .ok_or_else(|| ArchiveError::BadRole(name.to_owned()))
}

/// Record in the state's audit trail that `actor` downloaded the stored bundle `key`.
pub fn record_download(store: &Store, actor: &Actor, key: &str, sha256: &str) -> Result<()> {
    #[derive(serde::Serialize)]
    struct Downloaded<'a> {
        key: &'a str,
        sha256: &'a str,
    }
    store.write(actor, |w| {
        w.audit(
            "archive.download",
            "bundle",
            None,
            None::<&()>,
            Some(&Downloaded { key, sha256 }),
        )?;
        Ok::<_, crate::store::StoreError>(())
    })?;
    Ok(())
}
