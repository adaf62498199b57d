//! Table definitions. Records are postcard-encoded values keyed by their UUID as `u128`;
//! indexes map a unique text key, or an `(owner, record)` pair, to record ids.
//!
//! Invariant: every index entry names a record that exists, and every live record has its
//! index entries; both are written in the same transaction by [`super::Writer`].

use redb::TableDefinition;

/// Raw records by id.
pub type RecordTable = TableDefinition<'static, u128, &'static [u8]>;
/// Unique text key → record id.
pub type UniqueIndex = TableDefinition<'static, &'static str, u128>;
/// (owner id, record id) → nothing: the records of one owner, in id order.
pub type PairIndex = TableDefinition<'static, (u128, u128), ()>;

/// Store-wide values: schema version, audit chain head.
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");

pub const SITES: RecordTable = TableDefinition::new("sites");
pub const DEPARTMENTS: RecordTable = TableDefinition::new("departments");
pub const ROLES: RecordTable = TableDefinition::new("roles");
pub const PROJECTS: RecordTable = TableDefinition::new("projects");
pub const USERS: RecordTable = TableDefinition::new("users");
pub const API_TOKENS: RecordTable = TableDefinition::new("api_tokens");
pub const EMPLOYEES: RecordTable = TableDefinition::new("employees");
pub const SKILLS: RecordTable = TableDefinition::new("skills");
pub const REVISIONS: RecordTable = TableDefinition::new("skill_revisions");
pub const REQUIREMENTS: RecordTable = TableDefinition::new("requirements");
pub const CERTIFICATIONS: RecordTable = TableDefinition::new("certifications");
pub const STATIONS: RecordTable = TableDefinition::new("stations");
pub const SCANS: RecordTable = TableDefinition::new("scan_events");
/// Attachments metadata keyed by SHA-256 hex.
pub const ATTACHMENTS: TableDefinition<&str, &[u8]> = TableDefinition::new("attachments");
/// Audit events (JSON) by sequence number.
pub const AUDIT: TableDefinition<u64, &[u8]> = TableDefinition::new("audit_events");

/// Unique keys: `kind:value` → id, one table for all kinds (employee number, badge token,
/// email, codes, names, key hashes).
pub const UNIQUE: UniqueIndex = TableDefinition::new("unique_keys");
/// Badge tokens that were regenerated away → employee id (so a kiosk can say "replaced").
pub const RETIRED_BADGES: UniqueIndex = TableDefinition::new("retired_badges");
/// Certifications by employee.
pub const CERTS_BY_EMPLOYEE: PairIndex = TableDefinition::new("certs_by_employee");
/// Certifications by skill (added in schema version 2).
pub const CERTS_BY_SKILL: PairIndex = TableDefinition::new("certs_by_skill");
/// Requirement rows by skill.
pub const REQUIREMENTS_BY_SKILL: PairIndex = TableDefinition::new("requirements_by_skill");
/// Revisions by skill.
pub const REVISIONS_BY_SKILL: PairIndex = TableDefinition::new("revisions_by_skill");

/// Web sessions: SHA-256 (hex) of the session id → postcard [`crate::store::Session`].
pub const SESSIONS: TableDefinition<&str, &[u8]> = TableDefinition::new("sessions");

/// Expiry digest e-mails waiting for the SMTP relay: message id → postcard
/// [`crate::domain::DigestMessage`].
pub const DIGEST_OUTBOX: TableDefinition<u128, &[u8]> = TableDefinition::new("digest_outbox");
/// Expiry notices the relay accepted: (certification id, threshold days) → postcard
/// [`crate::domain::DigestDelivery`]. A row here means "never announce this again".
pub const DIGEST_SENT: TableDefinition<(u128, u32), &[u8]> = TableDefinition::new("digest_sent");
