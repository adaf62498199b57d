//! What the API shows of stored records. Secrets never leave the server in a record: an
//! employee's badge token goes only to the roles that print badges, and only on the badge
//! endpoints; a station's key hash and an API token's hash are never shown.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::{
    ApiToken, AppRole, Department, Employee, EmployeeStatus, Project, Requirement, Role, Site,
    Skill, Station, StationSkill,
};

/// How the API shows one kind of stored record.
pub trait Shown {
    /// The shape the API sends.
    type View: Serialize;
    /// The record as the API sends it.
    fn shown(self) -> Self::View;
}

macro_rules! shown_as_stored {
    ($($ty:ty),*) => {$(
        impl Shown for $ty {
            type View = $ty;
            fn shown(self) -> $ty {
                self
            }
        }
    )*};
}

shown_as_stored!(Site, Department, Role, Project, Skill, Requirement);

/// An employee without the badge token (see `GET /api/v1/employees/{id}/badge`).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct EmployeeView {
    /// Record id.
    pub id: Uuid,
    /// Employee number from HR; unique.
    pub number: String,
    /// Full name as printed on the badge.
    pub name: String,
    /// Home site.
    pub site_id: Uuid,
    /// Department, if any.
    pub department_id: Option<Uuid>,
    /// Job title, if any.
    pub role_id: Option<Uuid>,
    /// Lines/cells the employee is assigned to.
    pub project_ids: Vec<Uuid>,
    /// Employment status.
    pub status: EmployeeStatus,
    /// Linked login, if any.
    pub user_id: Option<Uuid>,
    /// SHA-256 of the photo attachment, if any.
    pub photo: Option<String>,
    /// Set when soft-deleted.
    #[schema(value_type = Option<String>)]
    pub deleted_at: Option<jiff::Timestamp>,
}

impl Shown for Employee {
    type View = EmployeeView;
    fn shown(self) -> EmployeeView {
        EmployeeView {
            id: self.id,
            number: self.number,
            name: self.name,
            site_id: self.site_id,
            department_id: self.department_id,
            role_id: self.role_id,
            project_ids: self.project_ids,
            status: self.status,
            user_id: self.user_id,
            photo: self.photo,
            deleted_at: self.deleted_at,
        }
    }
}

/// A station without its key hash.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StationView {
    /// Record id.
    pub id: Uuid,
    /// Name shown on the kiosk; unique.
    pub name: String,
    /// The line the station belongs to.
    pub project_id: Option<Uuid>,
    /// Skills required at this station on top of the requirement rows.
    pub extra_skills: Vec<StationSkill>,
    /// When the station was created.
    #[schema(value_type = String)]
    pub created_at: jiff::Timestamp,
    /// Set when soft-deleted.
    #[schema(value_type = Option<String>)]
    pub deleted_at: Option<jiff::Timestamp>,
}

impl Shown for Station {
    type View = StationView;
    fn shown(self) -> StationView {
        StationView {
            id: self.id,
            name: self.name,
            project_id: self.project_id,
            extra_skills: self.extra_skills,
            created_at: self.created_at,
            deleted_at: self.deleted_at,
        }
    }
}

/// An API token without its hash.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TokenView {
    /// Record id.
    pub id: Uuid,
    /// Who or what uses it.
    pub name: String,
    /// What it may do.
    pub role: AppRole,
    /// When it was created.
    #[schema(value_type = String)]
    pub created_at: jiff::Timestamp,
    /// Set when revoked.
    #[schema(value_type = Option<String>)]
    pub revoked_at: Option<jiff::Timestamp>,
}

impl Shown for ApiToken {
    type View = TokenView;
    fn shown(self) -> TokenView {
        TokenView {
            id: self.id,
            name: self.name,
            role: self.role,
            created_at: self.created_at,
            revoked_at: self.revoked_at,
        }
    }
}

/// A badge: what a badge printer needs (admins and skill managers only).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct BadgeView {
    /// The employee.
    pub employee_id: Uuid,
    /// Their number.
    pub number: String,
    /// Their name.
    pub name: String,
    /// The secret the badge's QR code carries.
    pub badge_token: String,
}

impl From<&Employee> for BadgeView {
    fn from(e: &Employee) -> Self {
        BadgeView {
            employee_id: e.id,
            number: e.number.clone(),
            name: e.name.clone(),
            badge_token: e.badge_token.to_string(),
        }
    }
}
