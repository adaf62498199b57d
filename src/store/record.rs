//! Which table each domain record lives in.

use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::tables::{self, RecordTable};
use crate::domain::*;

/// A domain record kept in its own table, keyed by id.
pub trait Record: Serialize + DeserializeOwned + Clone {
    /// Its table.
    const TABLE: RecordTable;
    /// Entity name in audit events and error messages, e.g. `employee`.
    const ENTITY: &'static str;
    /// Whether the record is part of the [`crate::qualify::Catalog`] snapshot, so a change
    /// must refresh it.
    const IN_CATALOG: bool;
    /// The record's id.
    fn id(&self) -> Uuid;

    /// The record as a certification, if it is one (so the store can keep its
    /// certifications-by-employee cache in step).
    fn as_certification(&self) -> Option<&Certification> {
        None
    }
}

macro_rules! record {
    ($ty:ty, $table:ident, $entity:literal, $catalog:literal) => {
        impl Record for $ty {
            const TABLE: RecordTable = tables::$table;
            const ENTITY: &'static str = $entity;
            const IN_CATALOG: bool = $catalog;
            fn id(&self) -> Uuid {
                self.id
            }
        }
    };
}

record!(Site, SITES, "site", true);
record!(Department, DEPARTMENTS, "department", true);
record!(Role, ROLES, "role", true);
record!(Project, PROJECTS, "project", true);
record!(User, USERS, "user", false);
record!(ApiToken, API_TOKENS, "api_token", false);
record!(Employee, EMPLOYEES, "employee", false);
record!(Skill, SKILLS, "skill", true);
record!(SkillRevision, REVISIONS, "skill_revision", true);
record!(Requirement, REQUIREMENTS, "requirement", true);

impl Record for Certification {
    const TABLE: RecordTable = tables::CERTIFICATIONS;
    const ENTITY: &'static str = "certification";
    const IN_CATALOG: bool = false;
    fn id(&self) -> Uuid {
        self.id
    }
    fn as_certification(&self) -> Option<&Certification> {
        Some(self)
    }
}
record!(Station, STATIONS, "station", true);
record!(ScanEvent, SCANS, "scan_event", false);
