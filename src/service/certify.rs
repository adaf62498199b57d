//! Certifying and revoking.

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::catalog::check_level;
use super::{Result, ServiceError, live};
use crate::domain::*;
use crate::qualify::expires_at;
use crate::store::tables::{CERTS_BY_EMPLOYEE, CERTS_BY_SKILL};
use crate::store::{Actor, Store};

/// A new certification.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CertifyInput {
    /// Who.
    pub employee_id: Uuid,
    /// In what.
    pub skill_id: Uuid,
    /// Level achieved.
    pub level: u8,
    /// When it was achieved (default: now). Not in the future.
    #[serde(default, with = "crate::domain::opt_ts")]
    #[schema(value_type = Option<String>)]
    pub achieved_at: Option<Timestamp>,
    /// The revision trained on (default: the skill's active revision).
    #[serde(default)]
    pub revision_id: Option<Uuid>,
    /// Trainer's notes.
    #[serde(default)]
    pub notes: String,
    /// SHA-256 of evidence attachments uploaded before.
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// Why a certification is revoked.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RevokeInput {
    /// Required: what happened.
    pub reason: String,
}

/// How far in the future an achievement date may be (clock skew between a tablet and the box).
const MAX_FUTURE: SignedDuration = SignedDuration::from_mins(10);

/// Record that an employee achieved a level in a skill. Expiry is computed from the skill's
/// validity in the employee's site timezone.
pub fn certify(store: &Store, actor: &Actor, input: CertifyInput) -> Result<Certification> {
    let catalog = store.catalog();
    store.write(actor, |w| {
        let employee: Employee = live(w, input.employee_id).map_err(|_| {
            ServiceError::invalid(
                "employee_id",
                format!("employee {} does not exist", input.employee_id),
            )
        })?;
        if employee.status == EmployeeStatus::Terminated {
            return Err(ServiceError::invalid(
                "employee_id",
                format!(
                    "{} has left the company and cannot be certified",
                    employee.name
                ),
            ));
        }
        let skill: Skill = live(w, input.skill_id).map_err(|_| {
            ServiceError::invalid(
                "skill_id",
                format!("skill {} does not exist or was deleted", input.skill_id),
            )
        })?;
        check_level("level", input.level, &skill)?;
        let now = w.now();
        let achieved_at = input.achieved_at.unwrap_or(now);
        if achieved_at > now + MAX_FUTURE {
            return Err(ServiceError::invalid(
                "achieved_at",
                "the achievement date is in the future",
            ));
        }
        let revisions = w.revisions_of(skill.id)?;
        let revision_id = match input.revision_id {
            Some(id) => {
                let rev = revisions.iter().find(|r| r.id == id).ok_or_else(|| {
                    ServiceError::invalid(
                        "revision_id",
                        format!("revision {id} is not a revision of {}", skill.name),
                    )
                })?;
                if rev.status == RevisionStatus::Draft {
                    return Err(ServiceError::invalid(
                        "revision_id",
                        format!("{} is still a draft; activate it first", rev.label),
                    ));
                }
                Some(id)
            }
            None => revisions
                .iter()
                .find(|r| r.status == RevisionStatus::Active)
                .map(|r| r.id),
        };
        for sha in &input.attachments {
            if w.attachment(sha)?.is_none() {
                return Err(ServiceError::invalid(
                    "attachments",
                    format!("attachment {sha} was not uploaded"),
                ));
            }
        }
        let notes = input.notes.trim().to_owned();
        if notes.len() > 4000 {
            return Err(ServiceError::invalid("notes", "notes are too long"));
        }
        let cert = Certification {
            id: new_id(),
            employee_id: employee.id,
            skill_id: skill.id,
            revision_id,
            level: input.level,
            achieved_at,
            expires_at: expires_at(
                achieved_at,
                skill.validity_months,
                &catalog.zone(employee.site_id),
            ),
            certified_by: actor.name.clone(),
            notes,
            attachments: input.attachments,
            revoked: None,
            deleted_at: None,
        };
        w.put(&cert)?;
        w.index_pair(CERTS_BY_EMPLOYEE, employee.id, cert.id)?;
        w.index_pair(CERTS_BY_SKILL, skill.id, cert.id)?;
        w.audit(
            "certification.create",
            "certification",
            Some(cert.id),
            None::<&Certification>,
            Some(&cert),
        )?;
        Ok(cert)
    })
}

/// Revoke a certification; a reason is required and a revoked one stays revoked.
pub fn revoke(store: &Store, actor: &Actor, id: Uuid, input: RevokeInput) -> Result<Certification> {
    let reason = input.reason.trim();
    if reason.is_empty() {
        return Err(ServiceError::invalid(
            "reason",
            "a reason is required to revoke a certification",
        ));
    }
    if reason.len() > 1000 {
        return Err(ServiceError::invalid("reason", "the reason is too long"));
    }
    store.write(actor, |w| {
        let old: Certification = live(w, id)?;
        if old.revoked.is_some() {
            return Err(ServiceError::Conflict(
                "this certification is already revoked".to_owned(),
            ));
        }
        let mut new = old.clone();
        new.revoked = Some(Revocation {
            at: w.now(),
            by: actor.name.clone(),
            reason: reason.to_owned(),
        });
        w.put(&new)?;
        w.audit(
            "certification.revoke",
            "certification",
            Some(id),
            Some(&old),
            Some(&new),
        )?;
        Ok(new)
    })
}
