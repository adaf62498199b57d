//! Enrolment: which device key may sign bundles for which site, in an append-only JSON
//! Lines log (`enrolments.jsonl`). The current enrolments are the log folded from the top;
//! nothing in it is ever rewritten, so a key change (a replacement box) stays on record with
//! its reason.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{ArchiveError, Result};

/// Name of the enrolment log in the archive folder.
pub const ENROLMENT_LOG: &str = "enrolments.jsonl";

/// What an enrolment event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrolmentAction {
    /// The site's first key.
    Enrol,
    /// Another key replaces the site's key (a replacement box).
    ChangeKey,
    /// The site is no longer enrolled.
    Unenrol,
}

/// One line of the enrolment log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentEvent {
    /// When it was recorded.
    pub at: Timestamp,
    /// What it did.
    pub action: EnrolmentAction,
    /// The site code.
    pub site_code: String,
    /// The device key fingerprint enrolled (the old one, for `unenrol`).
    pub key: String,
    /// Why (required for a key change).
    pub reason: Option<String>,
}

/// A site enrolled now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Enrolment {
    /// The site code.
    pub site_code: String,
    /// The device key fingerprint its bundles must be signed with.
    pub key: String,
    /// Since when that key is enrolled.
    pub since: Timestamp,
}

/// A site code as the archive keeps it: upper case, 1 to 32 of `A-Z 0-9 - _` (it names a
/// folder).
pub(super) fn site_code(s: &str) -> Result<String> {
    let code = s.trim().to_ascii_uppercase();
    let ok = (1..=32).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(code)
    } else {
        Err(ArchiveError::BadSiteCode(s.to_owned()))
    }
}

/// A fingerprint in Caliber's one printed form, or an error.
fn fingerprint(s: &str) -> Result<String> {
    let fp = crate::backup::normalize_fingerprint(s);
    if fp.len() == 64 && fp.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(fp)
    } else {
        Err(ArchiveError::BadFingerprint(s.to_owned()))
    }
}

/// Every event of the log in `dir`, oldest first.
pub(super) fn read_log(dir: &Path) -> Result<Vec<EnrolmentEvent>> {
    let path = dir.join(ENROLMENT_LOG);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(ArchiveError::io(format!("cannot read {}", path.display()))(
                e,
            ));
        }
    };
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| ArchiveError::DamagedLog {
                path: path.clone(),
                line: i + 1,
                message: e.to_string(),
            })
        })
        .collect()
}

/// The enrolments now, by site code.
pub(super) fn current(dir: &Path) -> Result<Vec<Enrolment>> {
    let mut sites: BTreeMap<String, Enrolment> = BTreeMap::new();
    for e in read_log(dir)? {
        match e.action {
            EnrolmentAction::Enrol | EnrolmentAction::ChangeKey => {
                sites.insert(
                    e.site_code.clone(),
                    Enrolment {
                        site_code: e.site_code,
                        key: e.key,
                        since: e.at,
                    },
                );
            }
            EnrolmentAction::Unenrol => {
                sites.remove(&e.site_code);
            }
        }
    }
    Ok(sites.into_values().collect())
}

/// Append `event` to the log and sync it.
fn append(dir: &Path, event: &EnrolmentEvent) -> Result<()> {
    let path = dir.join(ENROLMENT_LOG);
    let mut line = serde_json::to_string(event)
        .map_err(|e| ArchiveError::io("cannot encode an enrolment")(std::io::Error::other(e)))?;
    line.push('\n');
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(ArchiveError::io(format!("cannot open {}", path.display())))?;
    f.write_all(line.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(ArchiveError::io(format!("cannot write {}", path.display())))
}

fn clean_reason(reason: Option<&str>) -> Option<String> {
    reason
        .map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|r| !r.is_empty())
}

pub(super) fn enrol(
    dir: &Path,
    site: &str,
    key: &str,
    reason: Option<&str>,
) -> Result<Option<EnrolmentEvent>> {
    let site = site_code(site)?;
    let key = fingerprint(key)?;
    let reason = clean_reason(reason);
    let existing = current(dir)?.into_iter().find(|e| e.site_code == site);
    let action = match existing {
        Some(e) if e.key == key => return Ok(None),
        Some(e) => {
            if reason.is_none() {
                return Err(ArchiveError::ReasonRequired {
                    site,
                    current: e.key,
                });
            }
            EnrolmentAction::ChangeKey
        }
        None => EnrolmentAction::Enrol,
    };
    let event = EnrolmentEvent {
        at: Timestamp::now(),
        action,
        site_code: site,
        key,
        reason,
    };
    append(dir, &event)?;
    Ok(Some(event))
}

pub(super) fn unenrol(dir: &Path, site: &str, reason: Option<&str>) -> Result<EnrolmentEvent> {
    let site = site_code(site)?;
    let Some(existing) = current(dir)?.into_iter().find(|e| e.site_code == site) else {
        return Err(ArchiveError::NotEnrolled(site));
    };
    let event = EnrolmentEvent {
        at: Timestamp::now(),
        action: EnrolmentAction::Unenrol,
        site_code: site,
        key: existing.key,
        reason: clean_reason(reason),
    };
    append(dir, &event)?;
    Ok(event)
}
