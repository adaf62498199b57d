//! What a site requires: skills, their revisions, and requirement rows.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A skill that can be certified, e.g. "Forklift Operation".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Skill {
    /// Record id.
    pub id: Uuid,
    /// Short code, e.g. `FORK`; unique.
    pub code: String,
    /// Display name.
    pub name: String,
    /// What the skill covers.
    pub description: String,
    /// Highest level that can be achieved (1 for pass/fail skills).
    pub max_level: u8,
    /// Calendar months a certification stays valid; `None` never expires.
    pub validity_months: Option<u32>,
    /// Set when soft-deleted.
    #[serde(default, with = "super::opt_ts")]
    #[schema(value_type = Option<String>)]
    pub deleted_at: Option<Timestamp>,
    /// Four-eyes: a new certification in this skill counts only once a second person (a
    /// trainer or skill manager other than the certifier) approved it.
    #[serde(default)]
    pub needs_approval: bool,
}

/// Lifecycle of a skill revision; at most one revision of a skill is active.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevisionStatus {
    /// Being written; certifications cannot name it yet.
    Draft,
    /// The current revision; new certifications are on it.
    Active,
    /// Superseded.
    Archived,
}

/// A revision of a skill's training content ("Rev B").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SkillRevision {
    /// Record id.
    pub id: Uuid,
    /// The skill revised.
    pub skill_id: Uuid,
    /// Order within the skill: 1 for the first revision, then 2, 3, …; "older" means lower.
    pub sequence: u32,
    /// Label, e.g. `Rev B`.
    pub label: String,
    /// What changed.
    pub change_log: String,
    /// Draft, active or archived.
    pub status: RevisionStatus,
    /// Date the revision takes effect.
    #[schema(value_type = Option<String>)]
    pub effective_date: Option<Date>,
    /// Whether people certified on earlier revisions must be trained again.
    pub requires_retraining: bool,
    /// Retraining grace period in days after `effective_date`: a certification on an
    /// earlier revision still counts (with a warning) until it ends; 0 = no grace.
    #[serde(default)]
    pub grace_days: u32,
}

/// A requirement row: everyone matched by every selector set needs `level` in the skill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Requirement {
    /// Record id.
    pub id: Uuid,
    /// The skill required.
    pub skill_id: Uuid,
    /// Minimum level.
    pub level: u8,
    /// Applies only at this site.
    pub site_id: Option<Uuid>,
    /// Applies only in this department.
    pub department_id: Option<Uuid>,
    /// Applies only to this role.
    pub role_id: Option<Uuid>,
    /// Applies only to people assigned to this project.
    pub project_id: Option<Uuid>,
    /// Set when soft-deleted.
    #[serde(default, with = "super::opt_ts")]
    #[schema(value_type = Option<String>)]
    pub deleted_at: Option<Timestamp>,
}
