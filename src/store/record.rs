//! Which table each domain record lives in, and which index entries and unique keys it
//! holds. [`super::Writer::put`] keeps both in step with the record itself, so no caller
//! can forget one (architecture invariant: only the store writes index tables).

use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::tables::{self, PairIndex, RecordTable};
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

    /// Whether the record still counts: not soft-deleted (or, for tokens, not revoked). A
    /// record that no longer counts gives up its unique keys.
    fn is_live(&self) -> bool {
        true
    }

    /// Unique keys a live record holds, as (kind, value): no two records may hold the same.
    fn unique_keys(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// Pair indexes listing this record under an owner, as (index, owner id). Kept for
    /// deleted records too (history lists them).
    fn owners(&self) -> Vec<(PairIndex, Uuid)> {
        Vec::new()
    }
}

/// Kinds of unique keys (the prefix of each entry in the unique-keys table).
pub mod keys {
    /// An employee's number.
    pub const EMPLOYEE_NUMBER: &str = "employee number";
    /// An employee's current badge token.
    pub const BADGE: &str = "badge token";
    /// A login's email (lower case).
    pub const EMAIL: &str = "email";
    /// The hash of an API token.
    pub const TOKEN: &str = "api token";
    /// A station's name (lower case).
    pub const STATION_NAME: &str = "station name";
    /// The hash of a station's key.
    pub const STATION_KEY: &str = "station key";
    /// A site's code (lower case).
    pub const SITE_CODE: &str = "site code";
    /// A department's name (lower case).
    pub const DEPARTMENT_NAME: &str = "department name";
    /// A role's name (lower case).
    pub const ROLE_NAME: &str = "role name";
    /// A project's code (lower case).
    pub const PROJECT_CODE: &str = "project code";
    /// A skill's code (lower case).
    pub const SKILL_CODE: &str = "skill code";
}

macro_rules! record {
    ($ty:ty, $table:ident, $entity:literal, $catalog:literal $(, $item:item)*) => {
        impl Record for $ty {
            const TABLE: RecordTable = tables::$table;
            const ENTITY: &'static str = $entity;
            const IN_CATALOG: bool = $catalog;
            fn id(&self) -> Uuid {
                self.id
            }
            $($item)*
        }
    };
}

record!(
    Site,
    SITES,
    "site",
    true,
    fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    },
    fn unique_keys(&self) -> Vec<(&'static str, String)> {
        vec![(keys::SITE_CODE, self.code.to_lowercase())]
    }
);
record!(
    Department,
    DEPARTMENTS,
    "department",
    true,
    fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    },
    fn unique_keys(&self) -> Vec<(&'static str, String)> {
        vec![(keys::DEPARTMENT_NAME, self.name.to_lowercase())]
    }
);
record!(
    Role,
    ROLES,
    "role",
    true,
    fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    },
    fn unique_keys(&self) -> Vec<(&'static str, String)> {
        vec![(keys::ROLE_NAME, self.name.to_lowercase())]
    }
);
record!(
    Project,
    PROJECTS,
    "project",
    true,
    fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    },
    fn unique_keys(&self) -> Vec<(&'static str, String)> {
        vec![(keys::PROJECT_CODE, self.code.to_lowercase())]
    }
);
record!(
    User,
    USERS,
    "user",
    false,
    fn unique_keys(&self) -> Vec<(&'static str, String)> {
        vec![(keys::EMAIL, self.email.clone())]
    }
);
record!(
    ApiToken,
    API_TOKENS,
    "api_token",
    false,
    fn is_live(&self) -> bool {
        self.revoked_at.is_none()
    },
    fn unique_keys(&self) -> Vec<(&'static str, String)> {
        vec![(keys::TOKEN, self.token_hash.clone())]
    }
);
record!(
    Employee,
    EMPLOYEES,
    "employee",
    false,
    fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    },
    fn unique_keys(&self) -> Vec<(&'static str, String)> {
        vec![
            (keys::EMPLOYEE_NUMBER, self.number.clone()),
            (keys::BADGE, self.badge_token.to_string()),
        ]
    }
);
record!(
    Skill,
    SKILLS,
    "skill",
    true,
    fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    },
    fn unique_keys(&self) -> Vec<(&'static str, String)> {
        vec![(keys::SKILL_CODE, self.code.to_lowercase())]
    }
);
record!(
    SkillRevision,
    REVISIONS,
    "skill_revision",
    true,
    fn owners(&self) -> Vec<(PairIndex, Uuid)> {
        vec![(tables::REVISIONS_BY_SKILL, self.skill_id)]
    }
);
record!(
    Requirement,
    REQUIREMENTS,
    "requirement",
    true,
    fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    },
    fn owners(&self) -> Vec<(PairIndex, Uuid)> {
        vec![(tables::REQUIREMENTS_BY_SKILL, self.skill_id)]
    }
);
record!(
    Certification,
    CERTIFICATIONS,
    "certification",
    false,
    fn as_certification(&self) -> Option<&Certification> {
        Some(self)
    },
    fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    },
    fn owners(&self) -> Vec<(PairIndex, Uuid)> {
        vec![
            (tables::CERTS_BY_EMPLOYEE, self.employee_id),
            (tables::CERTS_BY_SKILL, self.skill_id),
        ]
    }
);
record!(
    Station,
    STATIONS,
    "station",
    true,
    fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    },
    fn unique_keys(&self) -> Vec<(&'static str, String)> {
        let mut keys = vec![(keys::STATION_NAME, self.name.to_lowercase())];
        if !self.key_hash.is_empty() {
            keys.push((keys::STATION_KEY, self.key_hash.clone()));
        }
        keys
    }
);
record!(ScanEvent, SCANS, "scan_event", false);
