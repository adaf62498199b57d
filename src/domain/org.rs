//! The organisation a requirement can be scoped to: sites, departments, roles, projects.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Default number of days before expiry in which a certification shows as expiring soon.
pub const DEFAULT_WARNING_DAYS: u32 = 30;

/// A factory site: its own timezone decides calendar-month expiry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Site {
    /// Record id.
    pub id: Uuid,
    /// Short code, e.g. `ATX-01`; unique.
    pub code: String,
    /// Display name, e.g. `Austin`.
    pub name: String,
    /// IANA timezone name, e.g. `America/Chicago`.
    pub timezone: String,
    /// Days before expiry in which a certification is EXPIRING_SOON.
    pub warning_days: u32,
    /// Set when soft-deleted.
    #[serde(default, with = "super::opt_ts")]
    #[schema(value_type = Option<String>)]
    pub deleted_at: Option<Timestamp>,
}

/// A department (e.g. Molding, Assembly); names are unique.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Department {
    /// Record id.
    pub id: Uuid,
    /// Display name; unique.
    pub name: String,
    /// Set when soft-deleted.
    #[serde(default, with = "super::opt_ts")]
    #[schema(value_type = Option<String>)]
    pub deleted_at: Option<Timestamp>,
}

/// A job title (e.g. Technician, Machine Operator); names are unique.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Role {
    /// Record id.
    pub id: Uuid,
    /// Display name; unique.
    pub name: String,
    /// Set when soft-deleted.
    #[serde(default, with = "super::opt_ts")]
    #[schema(value_type = Option<String>)]
    pub deleted_at: Option<Timestamp>,
}

/// A line, cell or station group that employees are assigned to and stations belong to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Project {
    /// Record id.
    pub id: Uuid,
    /// Short code, e.g. `LINE-3`; unique.
    pub code: String,
    /// Display name.
    pub name: String,
    /// The site the line is at.
    pub site_id: Uuid,
    /// Set when soft-deleted.
    #[serde(default, with = "super::opt_ts")]
    #[schema(value_type = Option<String>)]
    pub deleted_at: Option<Timestamp>,
}
