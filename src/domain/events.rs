//! What is kept for the record: audit events, scan events and evidence attachments.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A badge shown at a station and the verdict given. Append-only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ScanEvent {
    /// Record id (time-ordered).
    pub id: Uuid,
    /// Where.
    pub station_id: Uuid,
    /// When.
    #[serde(with = "super::ts")]
    #[schema(value_type = String)]
    pub at: Timestamp,
    /// The first characters of the token seen (the rest is a secret).
    pub badge_prefix: String,
    /// Whose badge it was, if known.
    pub employee_id: Option<Uuid>,
    /// `green`, `red` or `amber`.
    pub verdict: String,
    /// Human-readable reasons shown on the kiosk.
    pub reasons: Vec<String>,
}

/// Evidence stored on disk by SHA-256.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Attachment {
    /// SHA-256 of the content (hex); the file name on disk.
    pub sha256: String,
    /// Original file name.
    pub name: String,
    /// MIME type.
    pub mime: String,
    /// Size in bytes.
    pub size: u64,
    /// When it was stored.
    #[serde(with = "super::ts")]
    #[schema(value_type = String)]
    pub created_at: Timestamp,
}

/// One change to the store: who did what to which record, before and after. Append-only and
/// hash-chained: `hash` covers every other field including `prev_hash`, so editing or removing
/// any event breaks the chain from there on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEvent {
    /// Position in the chain, from 1.
    pub seq: u64,
    /// When.
    #[serde(with = "super::ts")]
    #[schema(value_type = String)]
    pub at: Timestamp,
    /// Who: user email, API token name, or `cli`/`system`.
    pub actor: String,
    /// What, e.g. `certification.revoke`.
    pub action: String,
    /// Entity kind, e.g. `certification`.
    pub entity: String,
    /// Entity id.
    pub entity_id: Option<Uuid>,
    /// The record before the change (JSON text), if any.
    pub old_value: Option<String>,
    /// The record after the change (JSON text), if any.
    pub new_value: Option<String>,
    /// Client address, where known.
    pub ip: Option<String>,
    /// Client user agent, where known.
    pub user_agent: Option<String>,
    /// Hash of the previous event (hex), or 64 zeros for the first.
    pub prev_hash: String,
    /// SHA-256 (hex) of this event's other fields.
    pub hash: String,
}
