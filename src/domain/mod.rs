//! Plain domain types of a site's skill and qualification matrix.
//!
//! Nothing here does I/O or reads the clock: these are the nouns the store keeps, the engine
//! judges and the API shows. Ids are UUIDv7 so records sort by creation time.

mod badge;
mod catalog;
mod certification;
mod digest;
mod events;
mod org;
mod people;
mod station;
mod timestamp;

pub use badge::{BADGE_TOKEN_LEN, BadgeToken, BadgeTokenError, MAX_PAYLOAD_LEN, PayloadError};
pub use catalog::{Requirement, RevisionStatus, Skill, SkillRevision};
pub use certification::{Approval, Certification, CertificationFacts, Revocation};
pub use digest::{DigestDelivery, DigestMessage, DigestNotice};
pub use events::{Attachment, AuditEvent, ScanEvent};
pub use org::{DEFAULT_WARNING_DAYS, Department, Project, Role, Site};
pub use people::{ApiToken, AppRole, Employee, EmployeeStatus, UI_LANGUAGES, User};
pub use station::{Station, StationSkill};
pub use timestamp::{opt_ts, ts};

pub use jiff::Timestamp;
pub use uuid::Uuid;

/// A new time-ordered record id.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}
