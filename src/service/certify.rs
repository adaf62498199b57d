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
    /// Who assessed the person, when not the caller: a trainer without a login, an
    /// external examiner (free text, at most 120 characters). Omit when the caller assessed.
    #[serde(default)]
    pub assessor: Option<String>,
}

/// Longest assessor name kept.
pub const MAX_ASSESSOR_CHARS: usize = 120;

/// The assessor as stored: trimmed, `None` when empty or the same as whoever records the
/// certification (then they assessed). Refused when too long or with control characters,
/// next to the `assessor` field, and when it names the employee being certified: nobody
/// assesses themselves.
pub(crate) fn assessor_of(
    typed: Option<&str>,
    certified_by: &str,
    employee: &Employee,
) -> Result<Option<String>> {
    let Some(name) = typed.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if name.chars().count() > MAX_ASSESSOR_CHARS {
        return Err(ServiceError::invalid(
            "assessor",
            format!("the assessor is longer than {MAX_ASSESSOR_CHARS} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(ServiceError::invalid(
            "assessor",
            "the assessor's name has a control character in it",
        ));
    }
    if name.eq_ignore_ascii_case(&employee.name) || name.eq_ignore_ascii_case(&employee.number) {
        return Err(ServiceError::Forbidden(format!(
            "{} cannot be their own assessor",
            employee.name
        )));
    }
    if name.eq_ignore_ascii_case(certified_by) {
        return Ok(None);
    }
    Ok(Some(name.to_owned()))
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
        ServiceError::at_most(
            "attachments",
            input.attachments.len(),
            super::MAX_ATTACHMENTS,
        )?;
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
        let zone = catalog.zone(employee.site_id);
        let day = achieved_at.to_zoned(zone.clone()).date();
        let duplicate = w.certifications_of(employee.id)?.into_iter().any(|c| {
            c.deleted_at.is_none()
                && c.revoked.is_none()
                && c.skill_id == skill.id
                && c.level == input.level
                && c.revision_id == revision_id
                && c.achieved_at.to_zoned(zone.clone()).date() == day
        });
        if duplicate {
            return Err(ServiceError::Conflict(format!(
                "{} already holds {} at level {} achieved on {day}",
                employee.name, skill.name, input.level
            )));
        }
        record_in(
            w,
            NewCertification {
                employee: &employee,
                skill: &skill,
                revision_id,
                level: input.level,
                achieved_at,
                expires_at: expires_at(achieved_at, skill.validity_months, &zone),
                certified_by: w.actor().name.clone(),
                notes,
                attachments: input.attachments,
                assessor: input.assessor,
            },
        )
    }
}

/// A certification about to be recorded, its fields already checked by the caller (the
/// certify form and API, or an import row).
pub(crate) struct NewCertification<'a> {
    /// Who.
    pub employee: &'a Employee,
    /// In what.
    pub skill: &'a Skill,
    /// The revision trained on (`None`: the skill has no revisions).
    pub revision_id: Option<Uuid>,
    /// Level achieved.
    pub level: u8,
    /// When.
    pub achieved_at: Timestamp,
    /// When it lapses (`None`: never).
    pub expires_at: Option<Timestamp>,
    /// Whoever records it (the login or API token).
    pub certified_by: String,
    /// Trainer's notes.
    pub notes: String,
    /// SHA-256 of evidence attachments.
    pub attachments: Vec<String>,
    /// Who assessed the person, as typed (checked by [`assessor_of`] here).
    pub assessor: Option<String>,
}

/// The one place a certification is created, whichever door it comes through: people who
/// left are not certified, nobody certifies the employee linked to their own login or
/// assesses themselves, and in a skill that needs four-eyes approval the certification is
/// pending (not counted) until a second person approves it. Writes it with its audit event
/// in the caller's transaction.
pub(crate) fn record_in(w: &mut Writer, new: NewCertification) -> Result<Certification> {
    let employee = new.employee;
    let assessor = assessor_of(new.assessor.as_deref(), &new.certified_by, employee)?;
    if employee.status == EmployeeStatus::Terminated {
        return Err(ServiceError::invalid(
            "employee_id",
            format!(
                "{} has left the company and cannot be certified",
                employee.name
            ),
        ));
    }
    if let Some(uid) = w.actor().user_id
        && let Some(me) = w.get::<User>(uid)?
        && me.employee_id == Some(employee.id)
    {
        return Err(ServiceError::Forbidden(format!(
            "{} is linked to your own login: another trainer or a skill manager must certify you",
            employee.name
        )));
    }
    let cert = Certification {
        id: new_id(),
        employee_id: employee.id,
        skill_id: new.skill.id,
        revision_id: new.revision_id,
        level: new.level,
        achieved_at: new.achieved_at,
        expires_at: new.expires_at,
        certified_by: new.certified_by,
        notes: new.notes,
        attachments: new.attachments,
        revoked: None,
        deleted_at: None,
        approval: if new.skill.needs_approval {
            Approval::Pending
        } else {
            Approval::NotRequired
        },
        assessor,
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

/// Several people certified in one skill at once (the trainer's "quick certify" after a
/// class): each line names an employee by number, badge (token or scanned URL) or exact name.
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
    /// The revision trained on (default: the skill's active revision).
    pub revision_id: Option<Uuid>,
    /// Trainer's notes.
    pub notes: String,
    /// SHA-256 of evidence attachments uploaded before, attached to every certification.
    pub attachments: Vec<String>,
    /// Who assessed everyone in the batch, when not the person certifying.
    pub assessor: Option<String>,
    /// Evidence uploaded with the form ([`super::keep_evidence`]): each file's record and
    /// audit event are written in the batch's transaction and every certification names it.
    pub evidence: Vec<super::KeptEvidence>,
}

/// One refused line of a batch: which line, what was typed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchLineError {
    /// Line number, from 1, counting only non-empty lines.
    pub line: usize,
    /// The line as typed (trimmed).
    pub entry: String,
    /// Why it was refused, for a person.
    pub message: String,
}

/// Why a batch certified nothing: some lines were refused (each named), or the batch as a
/// whole was (no employees, unknown skill, a store failure).
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// These lines were refused; nothing was written.
    #[error("nothing was certified: {}", lines_text(.0))]
    Lines(Vec<BatchLineError>),
    /// The batch was refused as a whole.
    #[error(transparent)]
    Service(#[from] ServiceError),
}

fn lines_text(lines: &[BatchLineError]) -> String {
    lines
        .iter()
        .map(|l| format!("line {} ({}): {}", l.line, l.entry, l.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl From<crate::store::StoreError> for BatchError {
    fn from(e: crate::store::StoreError) -> Self {
        BatchError::Service(e.into())
    }
}

/// The badge token in a scanned badge: the QR URL (`…/b/TOKEN`) or the bare token. A USB
/// scanner types the URL as if on a keyboard, so the certify form accepts both.
pub fn badge_entry(entry: &str) -> &str {
    let entry = entry.trim();
    match entry.rsplit_once("/b/") {
        Some((_, token)) if entry.contains("://") => token.trim_end_matches('/'),
        _ => entry,
    }
}

/// Certify a batch all or nothing, in one transaction: if any line is refused, nothing is
/// written and the error names every refused line, so a corrected resubmission never
/// duplicates the lines that were fine. The same employee twice in one batch, and a
/// certification that already exists (same person, skill, level, revision and day), are
/// refused. The evidence's records are written in the same transaction.
pub fn certify_batch(
    store: &Store,
    actor: &Actor,
    batch: BatchCertifyInput,
) -> Result<Vec<(Employee, Certification)>, BatchError> {
    let keys: Vec<&str> = batch
        .employees
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    if keys.is_empty() {
        return Err(ServiceError::invalid("employees", "name at least one employee").into());
    }
    ServiceError::at_most("employees", keys.len(), super::MAX_BATCH_LINES)?;
    ServiceError::at_most(
        "evidence",
        batch.attachments.len() + batch.evidence.len(),
        super::MAX_ATTACHMENTS,
    )?;
    let evidence_bytes: u64 = batch.evidence.iter().map(|e| e.size()).sum();
    if evidence_bytes > super::MAX_EVIDENCE_BYTES as u64 {
        return Err(ServiceError::invalid(
            "evidence",
            format!(
                "the evidence files are larger than {} MB together",
                super::MAX_EVIDENCE_BYTES / (1024 * 1024)
            ),
        )
        .into());
    }
    let catalog = store.catalog();
    store.write(actor, |w| {
        let mut attachments = batch.attachments.clone();
        for file in &batch.evidence {
            let a = super::attachments::attachment_in(w, file)?;
            if !attachments.contains(&a.sha256) {
                attachments.push(a.sha256);
            }
        }
        let all: Vec<Employee> = w.list()?;
        let mut done: Vec<(Employee, Certification)> = Vec::new();
        let mut refused = Vec::new();
        for (line, key) in keys.iter().enumerate() {
            let line = line + 1;
            let refuse = |message: String| BatchLineError {
                line,
                entry: (*key).to_owned(),
                message,
            };
            let employee = match super::employee_by_badge_or_number(w, badge_entry(key)) {
                Ok(e) => Some(e),
                Err(_) => all
                    .iter()
                    .find(|e| e.deleted_at.is_none() && e.name.eq_ignore_ascii_case(key))
                    .cloned(),
            };
            let Some(employee) = employee else {
                refused.push(refuse("no employee has this number, badge or name".into()));
                continue;
            };
            if done.iter().any(|(e, _)| e.id == employee.id) {
                refused.push(refuse(format!(
                    "{} is already on an earlier line",
                    employee.name
                )));
                continue;
            }
            let at = match batch
                .achieved_on
                .at(12, 0, 0, 0)
                .to_zoned(catalog.zone(employee.site_id))
            {
                Ok(z) => z.timestamp().min(w.now()),
                Err(e) => return Err(ServiceError::invalid("achieved_on", e.to_string()).into()),
            };
            let input = CertifyInput {
                employee_id: employee.id,
                skill_id: batch.skill_id,
                level: batch.level,
                achieved_at: Some(at),
                revision_id: batch.revision_id,
                notes: batch.notes.clone(),
                attachments: attachments.clone(),
                assessor: batch.assessor.clone(),
            };
            match certify_in(w, &catalog, input) {
                Ok(c) => done.push((employee, c)),
                Err(e @ ServiceError::Invalid { field: Some(f), .. })
                    if f != "employee_id" && f != "achieved_at" =>
                {
                    // Wrong for every line alike (skill, level, revision, notes): the
                    // batch is refused as a whole, next to that field.
                    return Err(e.into());
                }
                Err(
                    ServiceError::Invalid { message, .. }
                    | ServiceError::Conflict(message)
                    | ServiceError::Forbidden(message),
                ) => refused.push(refuse(message)),
                Err(other) => return Err(other.into()),
            }
        }
        if !refused.is_empty() {
            return Err(BatchError::Lines(refused));
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

/// Certifications waiting for four-eyes approval (live and pending), oldest first. Picked
/// from the certifications-by-employee cache: only the pending ones are read from disk,
/// instead of decoding every certification of the site to keep a few.
pub fn pending_approvals(store: &Store) -> Result<Vec<Certification>> {
    let ids: Vec<Uuid> = store
        .certifications_by_employee()?
        .values()
        .flat_map(|list| list.iter())
        .filter(|c| c.pending)
        .map(|c| c.id)
        .collect();
    let r = store.read()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        // Read after the cache was: a decision committed in between is seen here.
        if let Some(c) = r.get::<Certification>(id)?
            && c.is_live()
            && c.approval == Approval::Pending
        {
            out.push(c);
        }
    }
    out.sort_by_key(|c| (c.achieved_at, c.id));
    Ok(out)
}

/// Approve a pending certification as the second person: refused for the certifier
/// themselves and for anything not pending. Audited; from then on it counts.
pub fn approve(store: &Store, actor: &Actor, id: Uuid) -> Result<Certification> {
    decide(store, actor, id, "certification.approve", |w| {
        Approval::Approved {
            by: actor.name.clone(),
            at: w.now(),
        }
    })
}

/// Refuse a pending certification as the second person (reason required); it never
/// counts. Audited.
pub fn reject(store: &Store, actor: &Actor, id: Uuid, input: RevokeInput) -> Result<Certification> {
    let reason = input.reason.trim().to_owned();
    if reason.is_empty() {
        return Err(ServiceError::invalid(
            "reason",
            "a reason is required to reject a certification",
        ));
    }
    if reason.len() > 1000 {
        return Err(ServiceError::invalid("reason", "the reason is too long"));
    }
    decide(store, actor, id, "certification.reject", |w| {
        Approval::Rejected {
            by: actor.name.clone(),
            at: w.now(),
            reason: reason.clone(),
        }
    })
}

fn decide(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    action: &str,
    decision: impl FnOnce(&Writer) -> Approval,
) -> Result<Certification> {
    store.write(actor, |w| {
        let old: Certification = live(w, id)?;
        if old.revoked.is_some() {
            return Err(ServiceError::Conflict(
                "this certification is revoked".to_owned(),
            ));
        }
        if old.approval != Approval::Pending {
            return Err(ServiceError::Conflict(
                "this certification is not waiting for approval".to_owned(),
            ));
        }
        // The approver's names: the login, and the employee linked to it (an assessor is
        // named as a person, not by login).
        let linked_name = match actor.user_id {
            Some(uid) => match w.get::<User>(uid)?.and_then(|u| u.employee_id) {
                Some(eid) => w.get::<Employee>(eid)?.map(|e| e.name),
                None => None,
            },
            None => None,
        };
        let is_me = |name: &str| {
            name.eq_ignore_ascii_case(&actor.name)
                || linked_name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
        };
        if is_me(&old.certified_by) || old.assessor.as_deref().is_some_and(is_me) {
            return Err(ServiceError::Forbidden(
                "four-eyes: whoever certified or assessed cannot approve or reject the \
                 certification"
                    .to_owned(),
            ));
        }
        let mut new = old.clone();
        new.approval = decision(w);
        w.put(&new)?;
        w.audit(action, "certification", Some(id), Some(&old), Some(&new))?;
        Ok(new)
    })
}
