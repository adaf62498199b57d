//! Enrolment: which device key may sign bundles for which site, in an append-only JSON
//! Lines log (`enrolments.jsonl`). The current enrolments are the log folded from the top;
//! no line of it is ever changed, so a key change (a replacement box) stays on record with
//! its reason. An event is added by writing the log whole with the new line at its end (an
//! object store has no append), under a lock so two enrolments never lose one another.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::lock::IngestLock;
use super::storage::Storage;
use super::{ArchiveError, Result};

/// Lock file taken while the enrolment log is written.
const ENROLMENT_LOCK: &str = ".enrolments.lock";

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

/// The log's text.
fn log_text(storage: &dyn Storage) -> Result<String> {
    let bytes = storage.read(ENROLMENT_LOG)?.unwrap_or_default();
    String::from_utf8(bytes).map_err(|_| ArchiveError::DamagedLog {
        path: ENROLMENT_LOG.into(),
        line: 0,
        message: "it is not UTF-8 text".into(),
    })
}

/// Every event of the log, oldest first.
pub(super) fn read_log(storage: &dyn Storage) -> Result<Vec<EnrolmentEvent>> {
    parse_log(&log_text(storage)?)
}

pub(super) fn parse_log(text: &str) -> Result<Vec<EnrolmentEvent>> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| ArchiveError::DamagedLog {
                path: ENROLMENT_LOG.into(),
                line: i + 1,
                message: e.to_string(),
            })
        })
        .collect()
}

/// The enrolments now, by site code.
pub(super) fn current(storage: &dyn Storage) -> Result<Vec<Enrolment>> {
    fold(read_log(storage)?)
}

pub(super) fn fold(log: Vec<EnrolmentEvent>) -> Result<Vec<Enrolment>> {
    let mut sites: BTreeMap<String, Enrolment> = BTreeMap::new();
    for e in log {
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

/// Under the enrolment lock: decide the event from the current enrolments with `decide`
/// (`None`: nothing to record) and append it to the log.
fn record(
    storage: &dyn Storage,
    decide: impl FnOnce(Vec<Enrolment>) -> Result<Option<EnrolmentEvent>>,
) -> Result<Option<EnrolmentEvent>> {
    let _lock = IngestLock::wait(&storage.lock_file(ENROLMENT_LOCK))?;
    let mut text = log_text(storage)?;
    let Some(event) = decide(fold(parse_log(&text)?)?)? else {
        return Ok(None);
    };
    let line = serde_json::to_string(&event)
        .map_err(|e| ArchiveError::io("cannot encode an enrolment")(std::io::Error::other(e)))?;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&line);
    text.push('\n');
    storage.write(ENROLMENT_LOG, text.as_bytes())?;
    Ok(Some(event))
}

fn clean_reason(reason: Option<&str>) -> Option<String> {
    reason
        .map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|r| !r.is_empty())
}

pub(super) fn enrol(
    storage: &dyn Storage,
    site: &str,
    key: &str,
    reason: Option<&str>,
) -> Result<Option<EnrolmentEvent>> {
    let site = site_code(site)?;
    let key = fingerprint(key)?;
    let reason = clean_reason(reason);
    record(storage, |now| {
        let existing = now.into_iter().find(|e| e.site_code == site);
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
        Ok(Some(EnrolmentEvent {
            at: Timestamp::now(),
            action,
            site_code: site,
            key,
            reason,
        }))
    })
}

pub(super) fn unenrol(
    storage: &dyn Storage,
    site: &str,
    reason: Option<&str>,
) -> Result<EnrolmentEvent> {
    let site = site_code(site)?;
    let event = record(storage, |now| {
        let Some(existing) = now.into_iter().find(|e| e.site_code == site) else {
            return Err(ArchiveError::NotEnrolled(site.clone()));
        };
        Ok(Some(EnrolmentEvent {
            at: Timestamp::now(),
            action: EnrolmentAction::Unenrol,
            site_code: site.clone(),
            key: existing.key,
            reason: clean_reason(reason),
        }))
    })?;
    event.ok_or_else(|| ArchiveError::NotEnrolled(site))
}
