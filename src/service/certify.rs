//! Certifying and revoking.

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::catalog::check_level;
use super::{Result, ServiceError, live};
use crate::domain::*;
use crate::qualify::Catalog;
use crate::qualify::expires_at;
use crate::store::{Actor, Store, Writer};

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
    store.write(actor, |w| certify_in(w, &catalog, input))
}

/// Certify inside an open write transaction (one certification and its audit event).
fn certify_in(w: &mut Writer, catalog: &Catalog, input: CertifyInput) -> Result<Certification> {
    {
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
            certified_by: w.actor().name.clone(),
            notes,
            attachments: input.attachments,
            revoked: None,
            deleted_at: None,
        };
        w.put(&cert)?;
        w.audit(
            "certification.create",
            "certification",
            Some(cert.id),
            None::<&Certification>,
            Some(&cert),
        )?;
        Ok(cert)
    }
}

/// Several people certified in one skill at once (the trainer's "quick certify" after a
/// class): each line names an employee by number, badge or exact name.
#[derive(Debug, Clone)]
pub struct BatchCertifyInput {
    /// One employee per entry, as typed or scanned.
    pub employees: Vec<String>,
    /// In what.
    pub skill_id: Uuid,
    /// Level achieved by everyone in the batch.
    pub level: u8,
    /// The day of the training; each certification is dated noon of that day in the
    /// employee's site timezone (never later than now).
    pub achieved_on: jiff::civil::Date,
    /// Trainer's notes.
    pub notes: String,
}

/// Certify a batch all or nothing, in one transaction: if any line is refused, nothing is
/// written and the error names every refused line, so a corrected resubmission never
/// duplicates the lines that were fine.
pub fn certify_batch(
    store: &Store,
    actor: &Actor,
    batch: BatchCertifyInput,
) -> Result<Vec<(Employee, Certification)>> {
    let keys: Vec<&str> = batch
        .employees
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    if keys.is_empty() {
        return Err(ServiceError::invalid(
            "employees",
            "name at least one employee",
        ));
    }
    let catalog = store.catalog();
    store.write(actor, |w| {
        let all: Vec<Employee> = w.list()?;
        let mut done = Vec::new();
        let mut refused = Vec::new();
        for (line, key) in keys.iter().enumerate() {
            let line = line + 1;
            let employee = match super::employee_by_badge_or_number(w, key) {
                Ok(e) => Some(e),
                Err(_) => all
                    .iter()
                    .find(|e| e.deleted_at.is_none() && e.name.eq_ignore_ascii_case(key))
                    .cloned(),
            };
            let Some(employee) = employee else {
                refused.push(format!("line {line} ({key}): no such employee"));
                continue;
            };
            let at = match batch
                .achieved_on
                .at(12, 0, 0, 0)
                .to_zoned(catalog.zone(employee.site_id))
            {
                Ok(z) => z.timestamp().min(w.now()),
                Err(e) => return Err(ServiceError::invalid("achieved_on", e.to_string())),
            };
            let input = CertifyInput {
                employee_id: employee.id,
                skill_id: batch.skill_id,
                level: batch.level,
                achieved_at: Some(at),
                revision_id: None,
                notes: batch.notes.clone(),
                attachments: vec![],
            };
            match certify_in(w, &catalog, input) {
                Ok(c) => done.push((employee, c)),
                Err(ServiceError::Invalid { message, .. } | ServiceError::Conflict(message)) => {
                    refused.push(format!("line {line} ({key}): {message}"));
                }
                Err(other) => return Err(other),
            }
        }
        if !refused.is_empty() {
            return Err(ServiceError::invalid(
                "employees",
                format!("nothing was certified: {}", refused.join("; ")),
            ));
        }
        Ok(done)
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

/// What revoking a certification would do to its holder's status in that skill.
#[derive(Debug, Clone)]
pub struct RevokePreview {
    /// The certification.
    pub certification: Certification,
    /// Its holder.
    pub employee: Employee,
    /// The skill's name.
    pub skill_name: String,
    /// Status in the skill now (`None`: not listed, neither required nor held).
    pub before: Option<crate::qualify::SkillStatus>,
    /// Status in the skill after the revocation.
    pub after: Option<crate::qualify::SkillStatus>,
}

/// The effect of revoking certification `id`, judged at `now` by the same engine as the
/// stations, before anyone confirms it.
pub fn revoke_preview(store: &Store, id: Uuid, now: Timestamp) -> Result<RevokePreview> {
    let r = store.read()?;
    let certification: Certification = r
        .get(id)?
        .ok_or_else(|| ServiceError::not_found("certification", id))?;
    let employee: Employee = r
        .get(certification.employee_id)?
        .ok_or_else(|| ServiceError::not_found("employee", certification.employee_id))?;
    let certs = r.certifications_of(employee.id)?;
    drop(r);
    let catalog = store.catalog();
    let judge = |certs: &[Certification]| {
        crate::qualify::qualify(&catalog, &employee, certs, None, now)
            .skill(certification.skill_id)
            .map(|l| l.status)
    };
    let without: Vec<Certification> = certs.iter().filter(|x| x.id != id).cloned().collect();
    Ok(RevokePreview {
        before: judge(&certs),
        after: judge(&without),
        skill_name: catalog
            .skills
            .get(&certification.skill_id)
            .map_or_else(|| "?".into(), |s| s.name.clone()),
        certification,
        employee,
    })
}
