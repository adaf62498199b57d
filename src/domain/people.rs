//! Users (who logs in), API tokens, and employees (who is qualified). A user may be linked to
//! an employee.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::BadgeToken;

/// What a login or API token may do; checked on the server for every route.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AppRole {
    /// Everything, including users.
    Admin,
    /// Skills, revisions, requirements, employees, stations; certify and revoke.
    SkillManager,
    /// Certify; view everything but the audit log.
    Trainer,
    /// View everything including the audit log; change nothing.
    Auditor,
    /// Own qualifications only.
    Viewer,
}

impl AppRole {
    /// All roles, most powerful first.
    pub const ALL: [AppRole; 5] = [
        AppRole::Admin,
        AppRole::SkillManager,
        AppRole::Trainer,
        AppRole::Auditor,
        AppRole::Viewer,
    ];

    /// The wire name, e.g. `skill_manager`.
    pub fn as_str(self) -> &'static str {
        match self {
            AppRole::Admin => "admin",
            AppRole::SkillManager => "skill_manager",
            AppRole::Trainer => "trainer",
            AppRole::Auditor => "auditor",
            AppRole::Viewer => "viewer",
        }
    }

    /// Parse the wire name.
    pub fn parse(s: &str) -> Option<AppRole> {
        AppRole::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// May manage users and API tokens.
    pub fn can_manage_users(self) -> bool {
        self == AppRole::Admin
    }

    /// May manage skills, revisions, requirements, employees, stations and the organisation.
    pub fn can_manage_catalog(self) -> bool {
        matches!(self, AppRole::Admin | AppRole::SkillManager)
    }

    /// May record certifications.
    pub fn can_certify(self) -> bool {
        matches!(
            self,
            AppRole::Admin | AppRole::SkillManager | AppRole::Trainer
        )
    }

    /// May revoke certifications.
    pub fn can_revoke(self) -> bool {
        matches!(self, AppRole::Admin | AppRole::SkillManager)
    }

    /// May see every employee, the matrix and reports.
    pub fn can_view_all(self) -> bool {
        self != AppRole::Viewer
    }

    /// May read the audit log.
    pub fn can_view_audit(self) -> bool {
        matches!(self, AppRole::Admin | AppRole::Auditor)
    }
}

impl std::fmt::Display for AppRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A login identity. Users are not employees; a user may be linked to one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct User {
    /// Record id.
    pub id: Uuid,
    /// Login email, stored lower-case; unique.
    pub email: String,
    /// argon2id PHC string; the API shows users through a view without it.
    #[schema(ignore)]
    pub password_hash: String,
    /// What the user may do.
    pub role: AppRole,
    /// Disabled users cannot log in.
    pub active: bool,
    /// The employee this login belongs to, if any.
    pub employee_id: Option<Uuid>,
    /// When the user was created.
    #[serde(with = "super::ts")]
    #[schema(value_type = String)]
    pub created_at: Timestamp,
    /// The language the user chose for the web UI (`en`, `es`, `de`, `pl`); `None` follows
    /// the browser's `Accept-Language`. Schema v4.
    pub language: Option<String>,
}

/// The languages the web UI and the kiosk have catalogues for (ISO 639-1), English first.
pub const UI_LANGUAGES: [&str; 4] = ["en", "es", "de", "pl"];

/// Employment status; only active employees can be green at a station.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmployeeStatus {
    /// Working.
    Active,
    /// On leave: keeps certifications, never green.
    Leave,
    /// Left the company: badge no longer recognised.
    Terminated,
}

impl EmployeeStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            EmployeeStatus::Active => "active",
            EmployeeStatus::Leave => "leave",
            EmployeeStatus::Terminated => "terminated",
        }
    }
}

/// A person whose qualifications are tracked, identified on the line by a badge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Employee {
    /// Record id.
    pub id: Uuid,
    /// Employee number from HR; unique.
    pub number: String,
    /// The secret on the badge; unique, regenerated when a badge is lost.
    #[schema(value_type = String)]
    pub badge_token: BadgeToken,
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
    #[serde(default, with = "super::opt_ts")]
    #[schema(value_type = Option<String>)]
    pub deleted_at: Option<Timestamp>,
    /// Work email from HR, if any (for due-date notices); not a login.
    #[serde(default)]
    pub email: Option<String>,
    /// First day of employment, if known (new starters' training plans start from it).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub start_date: Option<Date>,
    /// The employee's supervisor (another employee), if any.
    #[serde(default)]
    pub supervisor_id: Option<Uuid>,
    /// Preferred language tag for the web UI and the kiosk (e.g. `de`), if any; `None`
    /// uses the site's default.
    #[serde(default)]
    pub language: Option<String>,
}

/// A bearer token for the JSON API; the token itself is shown once, only its hash is kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ApiToken {
    /// Record id.
    pub id: Uuid,
    /// Who or what uses it, e.g. `hr-sync`.
    pub name: String,
    /// What it may do.
    pub role: AppRole,
    /// SHA-256 (hex) of the token.
    #[schema(ignore)]
    pub token_hash: String,
    /// When it was created.
    #[serde(with = "super::ts")]
    #[schema(value_type = String)]
    pub created_at: Timestamp,
    /// Set when revoked.
    #[serde(default, with = "super::opt_ts")]
    #[schema(value_type = Option<String>)]
    pub revoked_at: Option<Timestamp>,
}
