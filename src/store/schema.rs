//! Schema versions and the migrations between them, run when the store opens.
//!
//! - v1: records, unique keys, certifications and requirements by owner, the audit chain.
//! - v2: adds the certifications-by-skill index (revision activation and skill reports read
//!   it), built from the certifications table.
//! - v3: new trailing fields, defaulted on migration: `Employee` gains `email`, `start_date`,
//!   `supervisor_id`, `language` (all `None`); `Skill` gains `needs_approval` (`false`);
//!   `SkillRevision` gains `grace_days` (0); `Certification` gains `approval`
//!   (`Approval::NotRequired`).
//! - v4: `User` gains a trailing `language` (`None`: the web UI follows the browser).
//! - v5: `Certification` gains a trailing `assessor` (`None`: whoever recorded it assessed).

use redb::{ReadableTable, WriteTransaction};
use serde::Serialize;

use super::tables::*;
use super::{Record, StoreError};

/// The schema this build writes.
pub const CURRENT_VERSION: u32 = 5;

const VERSION_KEY: &str = "schema_version";

/// The version recorded in an open write transaction; `None` for a brand-new file.
pub fn recorded_version(tx: &WriteTransaction) -> Result<Option<u32>, StoreError> {
    let meta = tx.open_table(META)?;
    let v = meta.get(VERSION_KEY)?;
    Ok(v.and_then(|g| {
        let bytes = g.value();
        std::str::from_utf8(bytes).ok()?.parse().ok()
    }))
}

/// Record `version` as the schema of the file.
pub fn set_version(tx: &WriteTransaction, version: u32) -> Result<(), StoreError> {
    let mut meta = tx.open_table(META)?;
    meta.insert(VERSION_KEY, version.to_string().as_bytes())?;
    Ok(())
}

/// Create every table (idempotent), so readers never meet a missing one.
pub fn create_tables(tx: &WriteTransaction) -> Result<(), StoreError> {
    tx.open_table(META)?;
    for t in [
        SITES,
        DEPARTMENTS,
        ROLES,
        PROJECTS,
        USERS,
        API_TOKENS,
        EMPLOYEES,
        SKILLS,
        REVISIONS,
        REQUIREMENTS,
        CERTIFICATIONS,
        STATIONS,
        SCANS,
    ] {
        tx.open_table(t)?;
    }
    tx.open_table(ATTACHMENTS)?;
    tx.open_table(AUDIT)?;
    tx.open_table(UNIQUE)?;
    tx.open_table(RETIRED_BADGES)?;
    tx.open_table(SESSIONS)?;
    tx.open_table(DIGEST_OUTBOX)?;
    tx.open_table(DIGEST_SENT)?;
    for t in [
        CERTS_BY_EMPLOYEE,
        CERTS_BY_SKILL,
        REQUIREMENTS_BY_SKILL,
        REVISIONS_BY_SKILL,
    ] {
        tx.open_table(t)?;
    }
    Ok(())
}

/// Bring the file to [`CURRENT_VERSION`]; returns the version it was at (`None` when new).
pub fn migrate(tx: &WriteTransaction) -> Result<Option<u32>, StoreError> {
    let found = recorded_version(tx)?;
    if let Some(v) = found
        && v > CURRENT_VERSION
    {
        return Err(StoreError::TooNew {
            found: v,
            supported: CURRENT_VERSION,
        });
    }
    create_tables(tx)?;
    let mut version = found.unwrap_or(CURRENT_VERSION);
    let migrated = version < CURRENT_VERSION;
    while version < CURRENT_VERSION {
        // One arm per released version; each step brings the file to the next one.
        match version {
            1 => v1_to_v2(tx)?,
            2 => v2_to_v3(tx)?,
            3 => v3_to_v4(tx)?,
            4 => v4_to_v5(tx)?,
            _ => {}
        }
        version += 1;
        tracing::info!(version, "migrated store schema");
    }
    if migrated {
        // The steps append bytes; only the last layout can be decoded by this build's types.
        check_layout::<crate::domain::Employee>(tx)?;
        check_layout::<crate::domain::Skill>(tx)?;
        check_layout::<crate::domain::SkillRevision>(tx)?;
        check_layout::<crate::domain::Certification>(tx)?;
        check_layout::<crate::domain::User>(tx)?;
    }
    set_version(tx, CURRENT_VERSION)?;
    Ok(found)
}

/// The leading fields of a certification, which every version has had in this order: enough
/// to index it without decoding the fields later versions appended.
#[derive(serde::Deserialize)]
struct CertificationKeys {
    _id: uuid::Uuid,
    _employee_id: uuid::Uuid,
    skill_id: uuid::Uuid,
}

/// v2: index certifications by skill.
fn v1_to_v2(tx: &WriteTransaction) -> Result<(), StoreError> {
    let certs = tx.open_table(CERTIFICATIONS)?;
    let mut by_skill = tx.open_table(CERTS_BY_SKILL)?;
    for row in certs.iter()? {
        let (id, bytes) = row?;
        let cert: CertificationKeys =
            postcard::from_bytes(bytes.value()).map_err(|e| StoreError::Decode {
                entity: "certification",
                message: e.to_string(),
            })?;
        by_skill.insert((cert.skill_id.as_u128(), id.value()), ())?;
    }
    Ok(())
}

/// v3: append the new trailing fields, at their defaults, to every employee, skill, revision
/// and certification.
///
/// Postcard writes a struct as its fields one after another with no framing, so a v2 record
/// followed by the encoding of the new fields' defaults is the v3 encoding of the same
/// record. After the last step every rewritten table is decoded as this build's type
/// ([`check_layout`]), so a row that did not have the old layout stops the migration (and
/// the open) instead of being stored wrong.
fn v2_to_v3(tx: &WriteTransaction) -> Result<(), StoreError> {
    use crate::domain::{Approval, Certification, Employee, Skill, SkillRevision};
    let employee_tail = (
        None::<String>,
        None::<jiff::civil::Date>,
        None::<uuid::Uuid>,
        None::<String>,
    );
    append_fields::<Employee>(tx, &employee_tail)?;
    append_fields::<Skill>(tx, &false)?;
    append_fields::<SkillRevision>(tx, &0u32)?;
    append_fields::<Certification>(tx, &Approval::NotRequired)?;
    Ok(())
}

/// v4: append the user's web UI language, `None`, to every user (the same trailing-field
/// rewrite as [`v2_to_v3`]).
fn v3_to_v4(tx: &WriteTransaction) -> Result<(), StoreError> {
    append_fields::<crate::domain::User>(tx, &None::<String>)
}

/// v5: append the certification's assessor, `None`, to every certification (the same
/// trailing-field rewrite as [`v2_to_v3`]). `None` reads as "the person in `certified_by`
/// assessed", which is also what an import with a trainer column stored there before v5.
fn v4_to_v5(tx: &WriteTransaction) -> Result<(), StoreError> {
    append_fields::<crate::domain::Certification>(tx, &None::<String>)
}

/// Append `tail`, encoded, to every row of `R`'s table (a version step's new trailing
/// fields at their defaults).
fn append_fields<R: Record>(
    tx: &WriteTransaction,
    tail: &impl Serialize,
) -> Result<(), StoreError> {
    let tail = postcard::to_stdvec(tail).map_err(|e| StoreError::Encode {
        entity: R::ENTITY,
        message: e.to_string(),
    })?;
    let mut t = tx.open_table(R::TABLE)?;
    let mut rewritten = Vec::new();
    for row in t.iter()? {
        let (id, bytes) = row?;
        let mut new = bytes.value().to_vec();
        new.extend_from_slice(&tail);
        rewritten.push((id.value(), new));
    }
    for (id, bytes) in rewritten {
        t.insert(id, bytes.as_slice())?;
    }
    Ok(())
}

/// Check that every row of `R`'s table decodes as this build's `R` and store it in its
/// canonical encoding.
fn check_layout<R: Record>(tx: &WriteTransaction) -> Result<(), StoreError> {
    let entity = R::ENTITY;
    let mut t = tx.open_table(R::TABLE)?;
    let mut rewritten = Vec::new();
    for row in t.iter()? {
        let (id, bytes) = row?;
        let record: R = postcard::from_bytes(bytes.value()).map_err(|e| StoreError::Decode {
            entity,
            message: format!("record {} is not in the previous layout: {e}", id.value()),
        })?;
        let canonical = postcard::to_stdvec(&record).map_err(|e| StoreError::Encode {
            entity,
            message: e.to_string(),
        })?;
        rewritten.push((id.value(), canonical));
    }
    for (id, bytes) in rewritten {
        t.insert(id, bytes.as_slice())?;
    }
    Ok(())
}
