//! `manifest.json`: what a bundle holds, and the list of data files in their fixed order.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::store::ChainHead;

/// Name of the manifest entry.
pub const MANIFEST: &str = "manifest.json";
/// Name of the signature entry: 64 raw bytes, Ed25519 over the exact manifest bytes.
pub const SIGNATURE: &str = "manifest.sig";
/// The `format` field of every Caliber manifest.
pub const FORMAT: &str = "caliber-backup";
/// The bundle format this build writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

/// One data file per table, in the order they are written and restored (records before the
/// tables that refer to them, the audit chain last).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataTable {
    /// Sites.
    Sites,
    /// Departments.
    Departments,
    /// Roles.
    Roles,
    /// Projects (lines).
    Projects,
    /// Logins (password hashes included: a restored box keeps its users).
    Users,
    /// API tokens (hashes only).
    ApiTokens,
    /// Employees.
    Employees,
    /// Skills.
    Skills,
    /// Skill revisions.
    SkillRevisions,
    /// Requirement rows.
    Requirements,
    /// Certifications.
    Certifications,
    /// Stations (key hashes only).
    Stations,
    /// Scan events.
    ScanEvents,
    /// Attachment metadata (the files are `attachments/<sha256>`).
    Attachments,
    /// Badge tokens regenerated away, with their employee.
    RetiredBadges,
    /// The audit trail, in sequence order.
    AuditEvents,
}

impl DataTable {
    /// Every table, in bundle order.
    pub const ALL: [DataTable; 16] = [
        DataTable::Sites,
        DataTable::Departments,
        DataTable::Roles,
        DataTable::Projects,
        DataTable::Users,
        DataTable::ApiTokens,
        DataTable::Employees,
        DataTable::Skills,
        DataTable::SkillRevisions,
        DataTable::Requirements,
        DataTable::Certifications,
        DataTable::Stations,
        DataTable::ScanEvents,
        DataTable::Attachments,
        DataTable::RetiredBadges,
        DataTable::AuditEvents,
    ];

    /// The table's name (as in the store and in `counts`).
    pub fn name(self) -> &'static str {
        match self {
            DataTable::Sites => "sites",
            DataTable::Departments => "departments",
            DataTable::Roles => "roles",
            DataTable::Projects => "projects",
            DataTable::Users => "users",
            DataTable::ApiTokens => "api_tokens",
            DataTable::Employees => "employees",
            DataTable::Skills => "skills",
            DataTable::SkillRevisions => "skill_revisions",
            DataTable::Requirements => "requirements",
            DataTable::Certifications => "certifications",
            DataTable::Stations => "stations",
            DataTable::ScanEvents => "scan_events",
            DataTable::Attachments => "attachments",
            DataTable::RetiredBadges => "retired_badges",
            DataTable::AuditEvents => "audit_events",
        }
    }

    /// The path of its data file in the bundle.
    pub fn path(self) -> String {
        format!("data/{}.jsonl", self.name())
    }

    /// The table whose data file is `path`, if any.
    pub fn from_path(path: &str) -> Option<DataTable> {
        DataTable::ALL.into_iter().find(|t| t.path() == path)
    }
}

/// The device that signed a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestDevice {
    /// Ed25519 public key, base64 of its 32 bytes.
    pub public_key: String,
    /// SHA-256 of the public key, hex.
    pub fingerprint: String,
}

/// One file in the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// Path inside the zip.
    pub path: String,
    /// Size in bytes (uncompressed).
    pub size: u64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
}

/// Where a restored store came from (kept in the restored store's meta table and carried
/// in the manifests of its later bundles).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestoredFrom {
    /// Fingerprint of the device that signed the bundle.
    pub device_fingerprint: String,
    /// That bundle's sequence number.
    pub sequence: u64,
    /// When that bundle was made.
    pub created_at: Timestamp,
    /// When it was restored here.
    pub restored_at: Timestamp,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// The bundle format version.
    pub format_version: u32,
    /// The Caliber version that wrote it.
    pub app_version: String,
    /// The store schema version of the data.
    pub schema_version: u32,
    /// Codes of the sites in the data (deleted ones included), sorted.
    pub site_codes: Vec<String>,
    /// The signing device.
    pub device: ManifestDevice,
    /// Per-device number that only grows: the archive refuses a replayed older bundle.
    pub sequence: u64,
    /// When the export started.
    pub created_at: Timestamp,
    /// Rows per data table.
    pub counts: BTreeMap<String, u64>,
    /// The audit chain's head at export.
    pub audit_head: ChainHead,
    /// Set when the exported store was itself restored from a bundle.
    pub restored_from: Option<RestoredFrom>,
    /// Every file in the bundle but the manifest and its signature, data files first.
    pub files: Vec<FileEntry>,
}
