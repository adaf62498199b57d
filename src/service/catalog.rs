//! Skills, their revisions, and requirement rows.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Editable, Result, ServiceError, live, required_text};
use crate::domain::*;
use crate::store::{Actor, Store, Writer};

/// Highest level any skill may have.
pub const MAX_SKILL_LEVEL: u8 = 10;

/// Fields of a skill.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct SkillInput {
    /// Short unique code, e.g. `FORK`.
    pub code: String,
    /// Display name.
    pub name: String,
    /// What the skill covers.
    #[serde(default)]
    pub description: String,
    /// Highest level (1 for pass/fail).
    pub max_level: u8,
    /// Months a certification stays valid; omit for never.
    #[serde(default)]
    pub validity_months: Option<u32>,
    /// Four-eyes: new certifications count only once a second person approved them; omit
    /// to keep the skill's current setting (off for a new skill).
    #[serde(default)]
    pub needs_approval: Option<bool>,
}

impl Editable for Skill {
    type Input = SkillInput;

    fn build(_w: &Writer, id: Uuid, i: SkillInput, existing: Option<&Self>) -> Result<Self> {
        if !(1..=MAX_SKILL_LEVEL).contains(&i.max_level) {
            return Err(ServiceError::invalid(
                "max_level",
                format!("max level must be between 1 and {MAX_SKILL_LEVEL}"),
            ));
        }
        if let Some(m) = i.validity_months
            && !(1..=600).contains(&m)
        {
            return Err(ServiceError::invalid(
                "validity_months",
                "validity must be between 1 and 600 months, or empty for never",
            ));
        }
        let description = i.description.trim().to_owned();
        if description.len() > 4000 {
            return Err(ServiceError::invalid(
                "description",
                "description is too long",
            ));
        }
        Ok(Skill {
            id,
            code: required_text("code", &i.code, 32)?,
            name: required_text("name", &i.name, 100)?,
            description,
            max_level: i.max_level,
            validity_months: i.validity_months,
            deleted_at: existing.and_then(|e| e.deleted_at),
            needs_approval: i
                .needs_approval
                .unwrap_or(existing.is_some_and(|e| e.needs_approval)),
        })
    }
}

/// Fields of a requirement row. Every selector is optional; none means everyone.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RequirementInput {
    /// The skill.
    pub skill_id: Uuid,
    /// Minimum level (1..=the skill's max level).
    pub level: u8,
    /// Only at this site.
    #[serde(default)]
    pub site_id: Option<Uuid>,
    /// Only in this department.
    #[serde(default)]
    pub department_id: Option<Uuid>,
    /// Only for this role.
    #[serde(default)]
    pub role_id: Option<Uuid>,
    /// Only for people on this project.
    #[serde(default)]
    pub project_id: Option<Uuid>,
}

impl Editable for Requirement {
    type Input = RequirementInput;

    fn build(w: &Writer, id: Uuid, i: RequirementInput, existing: Option<&Self>) -> Result<Self> {
        let skill: Skill = live(w, i.skill_id).map_err(|_| {
            ServiceError::invalid(
                "skill_id",
                format!("skill {} does not exist or was deleted", i.skill_id),
            )
        })?;
        check_level("level", i.level, &skill)?;
        let missing = |field: &'static str, what: &str, id: Uuid| {
            ServiceError::invalid(field, format!("{what} {id} does not exist"))
        };
        if let Some(x) = i.site_id {
            live::<Site>(w, x).map_err(|_| missing("site_id", "site", x))?;
        }
        if let Some(x) = i.department_id {
            live::<Department>(w, x).map_err(|_| missing("department_id", "department", x))?;
        }
        if let Some(x) = i.role_id {
            live::<Role>(w, x).map_err(|_| missing("role_id", "role", x))?;
        }
        if let Some(x) = i.project_id {
            live::<Project>(w, x).map_err(|_| missing("project_id", "project", x))?;
        }
        Ok(Requirement {
            id,
            skill_id: i.skill_id,
            level: i.level,
            site_id: i.site_id,
            department_id: i.department_id,
            role_id: i.role_id,
            project_id: i.project_id,
            deleted_at: existing.and_then(|e| e.deleted_at),
        })
    }
}

/// A level between 1 and the skill's maximum.
pub(crate) fn check_level(field: &'static str, level: u8, skill: &Skill) -> Result<()> {
    if level == 0 || level > skill.max_level {
        return Err(ServiceError::invalid(
            field,
            format!(
                "level {level} is out of range for {} (1 to {})",
                skill.name, skill.max_level
            ),
        ));
    }
    Ok(())
}

/// A new revision of a skill.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RevisionInput {
    /// Label, e.g. `Rev C`.
    pub label: String,
    /// What changed.
    #[serde(default)]
    pub change_log: String,
    /// When it takes effect.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub effective_date: Option<Date>,
    /// Whether people on earlier revisions must retrain.
    #[serde(default)]
    pub requires_retraining: bool,
    /// Retraining grace period in days after the effective date (0 = none); can also be
    /// set when the revision is activated.
    #[serde(default)]
    pub grace_days: u32,
    /// `draft` (default) or `active`; `active` is only allowed for a skill's first revision —
    /// later ones are activated, which archives the current one.
    #[serde(default)]
    pub status: Option<RevisionStatus>,
}

/// Add a revision (a draft, or the active one when the skill has none yet).
pub fn create_revision(
    store: &Store,
    actor: &Actor,
    skill_id: Uuid,
    input: RevisionInput,
) -> Result<SkillRevision> {
    let label = required_text("label", &input.label, 40)?;
    store.write(actor, |w| {
        let _skill: Skill = live(w, skill_id)?;
        let existing = w.revisions_of(skill_id)?;
        if existing.iter().any(|r| r.label.eq_ignore_ascii_case(&label)) {
            return Err(ServiceError::Conflict(format!(
                "this skill already has a revision labelled '{label}'"
            )));
        }
        let status = input.status.unwrap_or(RevisionStatus::Draft);
        match status {
            RevisionStatus::Archived => {
                return Err(ServiceError::invalid(
                    "status",
                    "a new revision is a draft or, for the first one, active",
                ));
            }
            RevisionStatus::Active => {
                if let Some(a) = existing.iter().find(|r| r.status == RevisionStatus::Active) {
                    return Err(ServiceError::Conflict(format!(
                        "the skill already has an active revision ({}); create a draft and activate it",
                        a.label
                    )));
                }
            }
            RevisionStatus::Draft => {}
        }
        let rev = SkillRevision {
            id: new_id(),
            skill_id,
            sequence: existing.iter().map(|r| r.sequence).max().unwrap_or(0) + 1,
            label,
            change_log: input.change_log.trim().to_owned(),
            status,
            effective_date: input.effective_date,
            requires_retraining: input.requires_retraining,
            grace_days: input.grace_days,
        };
        w.put(&rev)?;
        w.audit(
            "skill_revision.create",
            "skill_revision",
            Some(rev.id),
            None::<&SkillRevision>,
            Some(&rev),
        )?;
        Ok(rev)
    })
}

/// When an activated revision takes effect and how long people on older revisions have to
/// retrain. Both default to what the draft already says; a draft without an effective date
/// takes effect on the day it is activated (UTC).
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivationInput {
    /// The day the revision takes effect.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    #[param(value_type = Option<String>)]
    pub effective_date: Option<Date>,
    /// Grace period in days after the effective date (0 = none: OUTDATED at once).
    #[serde(default)]
    pub grace_days: Option<u32>,
}

/// Longest grace period a revision may give.
pub const MAX_GRACE_DAYS: u32 = 730;

/// What activating a draft revision would do, judged by the engine exactly as the matrix
/// and the stations will judge after it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivationPreview {
    /// The draft, with the effective date and grace period it would get.
    pub revision: SkillRevision,
    /// The revision it would archive.
    pub replaces: Option<SkillRevision>,
    /// Employees whose status in the skill would become RETRAINING_DUE, by name.
    pub retraining_due_employees: Vec<PreviewEmployee>,
    /// Employees whose status in the skill would become OUTDATED, by name.
    pub outdated_employees: Vec<PreviewEmployee>,
}

/// An employee affected by an activation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PreviewEmployee {
    /// Employee id.
    pub id: Uuid,
    /// Number.
    pub number: String,
    /// Name.
    pub name: String,
    /// Their status in the skill before.
    pub before: crate::qualify::SkillStatus,
    /// Their status in the skill after (RETRAINING_DUE or OUTDATED).
    pub after: crate::qualify::SkillStatus,
    /// When RETRAINING_DUE: when the grace period ends.
    #[schema(value_type = Option<String>)]
    pub retraining_due: Option<Timestamp>,
    /// Stations (by name) that let them work before and would refuse them now.
    pub refused_at: Vec<String>,
}

/// The draft, the skill's revisions now, and the revisions as they would be after
/// activation (the draft active with its effective date and grace, the active one
/// archived). Refuses what activation refuses.
fn activation_plan(
    w: &Writer,
    revision_id: Uuid,
    input: ActivationInput,
) -> Result<(SkillRevision, Vec<SkillRevision>, Vec<SkillRevision>)> {
    let rev: SkillRevision = w
        .get(revision_id)?
        .ok_or_else(|| ServiceError::not_found("skill_revision", revision_id))?;
    if rev.status != RevisionStatus::Draft {
        return Err(ServiceError::Conflict(format!(
            "only a draft can be activated; {} is {:?}",
            rev.label, rev.status
        )));
    }
    let _skill: Skill = live(w, rev.skill_id)?;
    let grace_days = input.grace_days.unwrap_or(rev.grace_days);
    if grace_days > MAX_GRACE_DAYS {
        return Err(ServiceError::invalid(
            "grace_days",
            format!("the grace period is at most {MAX_GRACE_DAYS} days"),
        ));
    }
    let current = w.revisions_of(rev.skill_id)?;
    // Revisions are activated in order; going back to an older one is a rollback.
    if let Some(active) = current.iter().find(|r| r.status == RevisionStatus::Active)
        && rev.sequence < active.sequence
    {
        return Err(ServiceError::Conflict(format!(
            "{} is older than the active revision {}; revisions are activated in order",
            rev.label, active.label
        )));
    }
    let mut activated = rev.clone();
    activated.status = RevisionStatus::Active;
    activated.grace_days = grace_days;
    activated.effective_date = input
        .effective_date
        .or(rev.effective_date)
        .or_else(|| Some(w.now().to_zoned(jiff::tz::TimeZone::UTC).date()));
    let after: Vec<SkillRevision> = current
        .iter()
        .map(|r| {
            if r.id == rev.id {
                activated.clone()
            } else if r.status == RevisionStatus::Active {
                let mut r = r.clone();
                r.status = RevisionStatus::Archived;
                r
            } else {
                r.clone()
            }
        })
        .collect();
    Ok((activated, current, after))
}

/// Live stations, by name.
fn live_stations(catalog: &crate::qualify::Catalog) -> Vec<&Station> {
    let mut stations: Vec<&Station> = catalog
        .stations
        .values()
        .filter(|s| s.deleted_at.is_none())
        .collect();
    stations.sort_by(|a, b| a.name.cmp(&b.name));
    stations
}

/// The stations (by name) that let `e` work with the rules `before` and refuse them with
/// the rules `after`, and those that refuse them before and let them work after.
fn station_moves(
    before: &crate::qualify::Catalog,
    after: &crate::qualify::Catalog,
    stations: &[&Station],
    e: &Employee,
    certs: &[impl crate::qualify::Evidence],
    now: Timestamp,
) -> (Vec<String>, Vec<String>) {
    use crate::qualify::station_verdict;
    let green = |c, st| station_verdict(c, e, certs, Some(st), now).0.is_green();
    let (mut refused, mut allowed) = (Vec::new(), Vec::new());
    for st in stations {
        match (green(before, st), green(after, st)) {
            (true, false) => refused.push(st.name.clone()),
            (false, true) => allowed.push(st.name.clone()),
            _ => {}
        }
    }
    (refused, allowed)
}

/// Who a change of one skill's revisions turns RETRAINING_DUE or OUTDATED at `now`, and at
/// which stations they would be refused: every live employee is judged by the engine with
/// the catalog as it is and as it would be, as the matrix judges them.
fn revision_change_effect(
    store: &Store,
    skill_id: Uuid,
    after: Vec<SkillRevision>,
    now: Timestamp,
) -> Result<(Vec<PreviewEmployee>, Vec<PreviewEmployee>)> {
    use crate::qualify::{SkillStatus, judge_skills};
    let before_catalog = store.catalog();
    let mut after_catalog = (*before_catalog).clone();
    after_catalog.revisions.insert(skill_id, after);
    let people: Vec<Employee> = store.read()?.list()?;
    let certs = store.certifications_by_employee()?;
    let none = Vec::new();
    let stations = live_stations(&before_catalog);
    let (mut due, mut outdated) = (Vec::new(), Vec::new());
    for e in people.iter().filter(|e| e.deleted_at.is_none()) {
        let mine = certs.get(&e.id).map_or(&none[..], |v| v.as_slice());
        let line = |catalog| {
            judge_skills(catalog, e, mine, now)
                .into_iter()
                .find(|j| j.skill.id == skill_id && j.required_level.is_some())
                .map(|j| (j.status, j.retraining_due))
        };
        let (Some((before, _)), Some((after, retraining_due))) =
            (line(&before_catalog), line(&after_catalog))
        else {
            continue;
        };
        if before == after || !matches!(after, SkillStatus::RetrainingDue | SkillStatus::Outdated) {
            continue;
        }
        let (refused_at, _) =
            station_moves(&before_catalog, &after_catalog, &stations, e, mine, now);
        let person = PreviewEmployee {
            id: e.id,
            number: e.number.clone(),
            name: e.name.clone(),
            before,
            after,
            retraining_due,
            refused_at,
        };
        if after == SkillStatus::RetrainingDue {
            due.push(person);
        } else {
            outdated.push(person);
        }
    }
    for list in [&mut due, &mut outdated] {
        list.sort_by(|a, b| a.name.cmp(&b.name).then(a.number.cmp(&b.number)));
    }
    Ok((due, outdated))
}

/// Show what activating a draft would do at `now`, without doing it; refused like the
/// activation.
pub fn activation_preview(
    store: &Store,
    revision_id: Uuid,
    input: ActivationInput,
    now: Timestamp,
) -> Result<ActivationPreview> {
    let (activated, current, after) = store.dry_run(|w| activation_plan(w, revision_id, input))?;
    let (retraining_due_employees, outdated_employees) =
        revision_change_effect(store, activated.skill_id, after, now)?;
    Ok(ActivationPreview {
        replaces: current
            .into_iter()
            .find(|r| r.status == RevisionStatus::Active),
        revision: activated,
        retraining_due_employees,
        outdated_employees,
    })
}

/// Activate a draft revision with its effective date and grace period: the current active
/// one is archived in the same transaction. Revisions are activated in order, so a draft
/// older than the active revision is refused with a conflict (going back is
/// [`rollback_revision`]). Returns the revision as activated and the one archived.
pub fn activate_revision(
    store: &Store,
    actor: &Actor,
    revision_id: Uuid,
    input: ActivationInput,
) -> Result<(SkillRevision, Option<SkillRevision>)> {
    store.write(actor, |w| {
        let (activated, current, _) = activation_plan(w, revision_id, input)?;
        let mut replaced = None;
        for old in current
            .iter()
            .filter(|r| r.status == RevisionStatus::Active)
        {
            let mut archived = old.clone();
            archived.status = RevisionStatus::Archived;
            w.put(&archived)?;
            w.audit(
                "skill_revision.archive",
                "skill_revision",
                Some(old.id),
                Some(old),
                Some(&archived),
            )?;
            replaced = Some(archived);
        }
        let draft = current
            .iter()
            .find(|r| r.id == activated.id)
            .cloned()
            .unwrap_or_else(|| activated.clone());
        w.put(&activated)?;
        w.audit(
            "skill_revision.activate",
            "skill_revision",
            Some(activated.id),
            Some(&draft),
            Some(&activated),
        )?;
        Ok((activated, replaced))
    })
}

/// Undo a mistaken activation: the skill's active revision goes back to draft (it was never
/// meant to be in force, so it makes nobody OUTDATED) and the revision it replaced — the
/// archived one with the highest sequence below it — is active again, in one audited
/// transaction. Refused with a conflict when the skill has no active revision or nothing to
/// go back to. Returns the revision active again and the one withdrawn.
pub fn rollback_revision(
    store: &Store,
    actor: &Actor,
    skill_id: Uuid,
) -> Result<(SkillRevision, SkillRevision)> {
    store.write(actor, |w| {
        let skill: Skill = live(w, skill_id)?;
        let revisions = w.revisions_of(skill_id)?;
        let active = revisions
            .iter()
            .find(|r| r.status == RevisionStatus::Active)
            .cloned()
            .ok_or_else(|| {
                ServiceError::Conflict(format!(
                    "{} has no active revision to roll back",
                    skill.name
                ))
            })?;
        let previous = revisions
            .iter()
            .filter(|r| r.status == RevisionStatus::Archived && r.sequence < active.sequence)
            .max_by_key(|r| r.sequence)
            .cloned()
            .ok_or_else(|| {
                ServiceError::Conflict(format!(
                    "{} of {} replaced no earlier revision; there is nothing to go back to",
                    active.label, skill.name
                ))
            })?;
        let mut withdrawn = active.clone();
        withdrawn.status = RevisionStatus::Draft;
        w.put(&withdrawn)?;
        w.audit(
            "skill_revision.rollback",
            "skill_revision",
            Some(active.id),
            Some(&active),
            Some(&withdrawn),
        )?;
        let mut restored = previous.clone();
        restored.status = RevisionStatus::Active;
        w.put(&restored)?;
        w.audit(
            "skill_revision.reactivate",
            "skill_revision",
            Some(previous.id),
            Some(&previous),
            Some(&restored),
        )?;
        Ok((restored, withdrawn))
    })
}

/// A change to the requirement rows, previewed ([`requirement_preview`]) before it is made.
#[derive(Debug, Clone)]
pub enum RequirementChange {
    /// Add this row.
    Add(RequirementInput),
    /// Give row `id` this level; its scope stays.
    SetLevel {
        /// The row.
        id: Uuid,
        /// Its new level.
        level: u8,
    },
    /// Delete row `id`.
    Delete {
        /// The row.
        id: Uuid,
    },
}

/// One person whose status in the skill a requirement change would change.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatusChange {
    /// Employee id.
    pub id: Uuid,
    /// Number.
    pub number: String,
    /// Name.
    pub name: String,
    /// Status in the skill now (`None`: neither required nor held, not listed).
    pub before: Option<crate::qualify::SkillStatus>,
    /// Status in the skill after the change.
    pub after: Option<crate::qualify::SkillStatus>,
    /// The change takes their qualification in the skill away: the status after stops them
    /// working where the one before did not.
    pub fails: bool,
    /// Stations (by name) that let them work now and would refuse them after.
    pub refused_at: Vec<String>,
    /// Stations (by name) that refuse them now and would let them work after.
    pub allowed_at: Vec<String>,
}

/// What a change to a requirement row would do, judged by the engine exactly as the matrix
/// and the stations will judge after it: the same preview for adding a row, changing its
/// level and deleting it, through the API and the web UI alike.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequirementPreview {
    /// The row as it is (`None` when adding).
    pub before: Option<Requirement>,
    /// The row as it would be (`None` when deleting; a row to add has the id it would get).
    pub after: Option<Requirement>,
    /// The skill's name.
    pub skill_name: String,
    /// Who the row applies to: employees not deleted and not terminated.
    pub applies: usize,
    /// How many of [`RequirementPreview::changes`] would no longer be qualified.
    pub failing: usize,
    /// Everyone whose status in the skill changes: those who would no longer be qualified
    /// first, then by name.
    pub changes: Vec<StatusChange>,
}

/// The row before and after `change`, checked as the change itself checks it.
fn requirement_plan(
    w: &Writer,
    change: &RequirementChange,
) -> Result<(Option<Requirement>, Option<Requirement>)> {
    match change {
        RequirementChange::Add(input) => Ok((
            None,
            Some(Requirement::build(w, new_id(), input.clone(), None)?),
        )),
        RequirementChange::SetLevel { id, level } => {
            let old: Requirement = live(w, *id)?;
            let new = Requirement::build(w, *id, with_level(&old, *level), Some(&old))?;
            Ok((Some(old), Some(new)))
        }
        RequirementChange::Delete { id } => {
            let old: Requirement = live(w, *id)?;
            old.check_delete(w)?;
            Ok((Some(old), None))
        }
    }
}

/// Row `old`'s fields with another level.
fn with_level(old: &Requirement, level: u8) -> RequirementInput {
    RequirementInput {
        skill_id: old.skill_id,
        level,
        site_id: old.site_id,
        department_id: old.department_id,
        role_id: old.role_id,
        project_id: old.project_id,
    }
}

/// Whether a row's selectors all match an employee (as assigned, not at a station).
fn applies_to(row: &Requirement, e: &Employee) -> bool {
    row.site_id.is_none_or(|s| s == e.site_id)
        && row.department_id.is_none_or(|d| Some(d) == e.department_id)
        && row.role_id.is_none_or(|r| Some(r) == e.role_id)
        && row.project_id.is_none_or(|p| e.project_ids.contains(&p))
}

/// Show what `change` would do at `now`, without doing it; refused like the change itself.
/// Every employee the row applies to (not deleted or terminated) is judged in the row's
/// skill with the rows as they are and as they would be; for those whose status starts or
/// stops letting them work, every live station's verdict is compared too.
pub fn requirement_preview(
    store: &Store,
    change: &RequirementChange,
    now: Timestamp,
) -> Result<RequirementPreview> {
    use crate::qualify::{RequirementIndex, judge_skills};
    let (before, after) = store.dry_run(|w| requirement_plan(w, change))?;
    let Some(row) = before.as_ref().or(after.as_ref()) else {
        return Err(ServiceError::invalid("id", "nothing to change"));
    };
    let skill_id = row.skill_id;
    let catalog = store.catalog();
    let mut changed = (*catalog).clone();
    changed.requirements = RequirementIndex::new(
        catalog
            .requirements
            .rows()
            .filter(|r| before.as_ref().is_none_or(|b| b.id != r.id))
            .cloned()
            .chain(after.clone()),
    );
    let people: Vec<Employee> = store.read()?.list()?;
    let certs = store.certifications_by_employee()?;
    let none = Vec::new();
    let stations = live_stations(&catalog);
    let mut applies = 0;
    let mut changes = Vec::new();
    for e in people
        .iter()
        .filter(|e| e.deleted_at.is_none() && e.status != EmployeeStatus::Terminated)
    {
        // The row keeps its scope; whoever it does not apply to keeps their status.
        if !applies_to(row, e) {
            continue;
        }
        applies += 1;
        let mine = certs.get(&e.id).map_or(&none[..], |v| v.as_slice());
        let status = |c| {
            judge_skills(c, e, mine, now)
                .into_iter()
                .find(|j| j.skill.id == skill_id)
                .map(|j| j.status)
        };
        let (was, will) = (status(&catalog), status(&changed));
        if was == will {
            continue;
        }
        let ok = |s: Option<crate::qualify::SkillStatus>| s.is_none_or(|s| s.is_ok());
        // A station's verdict can only turn when the status in the skill starts or stops
        // letting them work: a row whose level they meet (ok before and after) is met at
        // every station too, whatever the station's project adds.
        let (refused_at, allowed_at) = if ok(was) == ok(will) {
            (Vec::new(), Vec::new())
        } else {
            station_moves(&catalog, &changed, &stations, e, mine, now)
        };
        changes.push(StatusChange {
            id: e.id,
            number: e.number.clone(),
            name: e.name.clone(),
            before: was,
            after: will,
            fails: ok(was) && !ok(will),
            refused_at,
            allowed_at,
        });
    }
    changes.sort_by(|a, b| {
        b.fails
            .cmp(&a.fails)
            .then(a.name.cmp(&b.name))
            .then(a.number.cmp(&b.number))
    });
    Ok(RequirementPreview {
        skill_name: catalog
            .skills
            .get(&skill_id)
            .map_or_else(|| "?".into(), |s| s.name.clone()),
        failing: changes.iter().filter(|c| c.fails).count(),
        applies,
        changes,
        before,
        after,
    })
}

/// Change a requirement row's level (its scope stays), read and written in one transaction.
pub fn set_requirement_level(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    level: u8,
) -> Result<Requirement> {
    store.write(actor, |w| {
        let old: Requirement = live(w, id)?;
        super::edit::update_in(w, id, with_level(&old, level))
    })
}
