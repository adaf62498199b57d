//! Stations: kiosks at the line that check badges.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A kiosk's identity: where it is and what it demands beyond the project's requirements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Station {
    /// Record id.
    pub id: Uuid,
    /// Name shown on the kiosk, e.g. `Press 4`; unique.
    pub name: String,
    /// The line the station belongs to; its requirements apply to whoever badges in.
    pub project_id: Option<Uuid>,
    /// Skills required at this station on top of the requirement rows.
    pub extra_skills: Vec<StationSkill>,
    /// SHA-256 (hex) of the station's API key; the key itself is shown once.
    #[schema(ignore)]
    pub key_hash: String,
    /// When the station was created.
    #[serde(with = "super::ts")]
    #[schema(value_type = String)]
    pub created_at: Timestamp,
    /// Set when soft-deleted.
    #[serde(default, with = "super::opt_ts")]
    #[schema(value_type = Option<String>)]
    pub deleted_at: Option<Timestamp>,
}

/// A skill a station demands at a minimum level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StationSkill {
    /// The skill.
    pub skill_id: Uuid,
    /// Minimum level.
    pub level: u8,
}
