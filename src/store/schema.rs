//! Schema versions and the migrations between them, run when the store opens.
//!
//! - v1: records, unique keys, certifications and requirements by owner, the audit chain.
//! - v2: adds the certifications-by-skill index (revision activation and skill reports read
//!   it), built from the certifications table.

use redb::{ReadableTable, WriteTransaction};

use super::StoreError;
use super::tables::*;

/// The schema this build writes.
pub const CURRENT_VERSION: u32 = 2;

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
    while version < CURRENT_VERSION {
        // One arm per released version; each step brings the file to the next one.
        if version == 1 {
            v1_to_v2(tx)?;
        }
        version += 1;
        tracing::info!(version, "migrated store schema");
    }
    set_version(tx, CURRENT_VERSION)?;
    Ok(found)
}

/// v2: index certifications by skill.
fn v1_to_v2(tx: &WriteTransaction) -> Result<(), StoreError> {
    let certs = tx.open_table(CERTIFICATIONS)?;
    let mut by_skill = tx.open_table(CERTS_BY_SKILL)?;
    for row in certs.iter()? {
        let (id, bytes) = row?;
        let cert: crate::domain::Certification =
            postcard::from_bytes(bytes.value()).map_err(|e| StoreError::Decode {
                entity: "certification",
                message: e.to_string(),
            })?;
        by_skill.insert((cert.skill_id.as_u128(), id.value()), ())?;
    }
    Ok(())
}
