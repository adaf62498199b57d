//! Sites, departments, roles and projects.

use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::edit::refuse_if_used;
use super::{Editable, Result, ServiceError, live, required_text};
use crate::domain::*;
use crate::store::Writer;

/// Fields of a site.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct SiteInput {
    /// Short unique code, e.g. `ATX-01`.
    pub code: String,
    /// Display name.
    pub name: String,
    /// IANA timezone, e.g. `America/Chicago`.
    pub timezone: String,
    /// Days before expiry that count as "expiring soon" (default 30).
    pub warning_days: Option<u32>,
}

impl Editable for Site {
    type Input = SiteInput;

    fn build(_w: &Writer, id: Uuid, i: SiteInput, existing: Option<&Self>) -> Result<Self> {
        let timezone = required_text("timezone", &i.timezone, 64)?;
        if jiff::tz::TimeZone::get(&timezone).is_err() {
            return Err(ServiceError::invalid(
                "timezone",
                format!("unknown timezone '{timezone}' (use an IANA name like America/Chicago)"),
            ));
        }
        let warning_days = i.warning_days.unwrap_or(DEFAULT_WARNING_DAYS);
        if warning_days > 366 {
            return Err(ServiceError::invalid(
                "warning_days",
                "warning window must be at most 366 days",
            ));
        }
        Ok(Site {
            id,
            code: required_text("code", &i.code, 32)?,
            name: required_text("name", &i.name, 100)?,
            timezone,
            warning_days,
            deleted_at: existing.and_then(|e| e.deleted_at),
        })
    }

    fn check_delete(&self, w: &Writer) -> Result<()> {
        let used = w
            .list::<Employee>()?
            .iter()
            .filter(|e| e.deleted_at.is_none() && e.site_id == self.id)
            .count();
        refuse_if_used(used, "site", "employees")
    }
}

/// Fields of a department.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct DepartmentInput {
    /// Unique name.
    pub name: String,
}

impl Editable for Department {
    type Input = DepartmentInput;

    fn build(_w: &Writer, id: Uuid, i: DepartmentInput, existing: Option<&Self>) -> Result<Self> {
        Ok(Department {
            id,
            name: required_text("name", &i.name, 100)?,
            deleted_at: existing.and_then(|e| e.deleted_at),
        })
    }
}

/// Fields of a role (job title).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RoleInput {
    /// Unique name.
    pub name: String,
}

impl Editable for Role {
    type Input = RoleInput;

    fn build(_w: &Writer, id: Uuid, i: RoleInput, existing: Option<&Self>) -> Result<Self> {
        Ok(Role {
            id,
            name: required_text("name", &i.name, 100)?,
            deleted_at: existing.and_then(|e| e.deleted_at),
        })
    }
}

/// Fields of a project (line, cell or station group).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ProjectInput {
    /// Short unique code, e.g. `LINE-3`.
    pub code: String,
    /// Display name.
    pub name: String,
    /// The site it is at.
    pub site_id: Uuid,
}

impl Editable for Project {
    type Input = ProjectInput;

    fn build(w: &Writer, id: Uuid, i: ProjectInput, existing: Option<&Self>) -> Result<Self> {
        live::<Site>(w, i.site_id).map_err(|_| {
            ServiceError::invalid("site_id", format!("site {} does not exist", i.site_id))
        })?;
        Ok(Project {
            id,
            code: required_text("code", &i.code, 32)?,
            name: required_text("name", &i.name, 100)?,
            site_id: i.site_id,
            deleted_at: existing.and_then(|e| e.deleted_at),
        })
    }
}
