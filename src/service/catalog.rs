//! Skills, their revisions, and requirement rows.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Editable, Result, ServiceError, live, required_text};
use crate::domain::*;
use crate::qualify::retraining_needed;
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
            needs_approval: existing.is_some_and(|e| e.needs_approval),
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
            grace_days: 0,
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

/// Who would become OUTDATED if a draft revision were activated.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivationPreview {
    /// The draft.
    pub revision: SkillRevision,
    /// The revision it would archive.
    pub replaces: Option<SkillRevision>,
    /// Employees whose live certification would become OUTDATED.
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
}

fn activation_plan(
    w: &Writer,
    revision_id: Uuid,
) -> Result<(SkillRevision, Vec<SkillRevision>, ActivationPreview)> {
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
    let current = w.revisions_of(rev.skill_id)?;
    let replaces = current
        .iter()
        .find(|r| r.status == RevisionStatus::Active)
        .cloned();
    // Revisions are activated in order; going back to an older one is a rollback.
    if let Some(active) = &replaces
        && rev.sequence < active.sequence
    {
        return Err(ServiceError::Conflict(format!(
            "{} is older than the active revision {}; revisions are activated in order",
            rev.label, active.label
        )));
    }
    // The revisions as they would be after activation.
    let after: Vec<SkillRevision> = current
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if r.id == rev.id {
                r.status = RevisionStatus::Active;
            } else if r.status == RevisionStatus::Active {
                r.status = RevisionStatus::Archived;
            }
            r
        })
        .collect();
    let mut outdated = std::collections::BTreeSet::new();
    for c in w
        .certifications_in(rev.skill_id)?
        .iter()
        .filter(|c| c.is_live())
    {
        // Only the revision change decides here; expiry and level are judged as usual.
        if retraining_needed(c, &after).is_some() && retraining_needed(c, &current).is_none() {
            outdated.insert(c.employee_id);
        }
    }
    let mut outdated_employees = Vec::new();
    for id in &outdated {
        if let Some(e) = w.get::<Employee>(*id)?
            && e.deleted_at.is_none()
        {
            outdated_employees.push(PreviewEmployee {
                id: e.id,
                number: e.number,
                name: e.name,
            });
        }
    }
    outdated_employees.sort_by(|a, b| a.name.cmp(&b.name));
    let preview = ActivationPreview {
        revision: rev.clone(),
        replaces,
        outdated_employees,
    };
    Ok((rev, current, preview))
}

/// Show what activating a draft would do, without doing it; refused like the activation.
pub fn activation_preview(store: &Store, revision_id: Uuid) -> Result<ActivationPreview> {
    store.dry_run(|w| Ok(activation_plan(w, revision_id)?.2))
}

/// Activate a draft revision: the current active one is archived in the same transaction.
/// Revisions are activated in order, so a draft older than the active revision is refused
/// with a conflict (going back is an explicit, audited rollback, not an activation).
pub fn activate_revision(
    store: &Store,
    actor: &Actor,
    revision_id: Uuid,
) -> Result<ActivationPreview> {
    store.write(actor, |w| {
        let (rev, current, preview) = activation_plan(w, revision_id)?;
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
        }
        let mut active = rev.clone();
        active.status = RevisionStatus::Active;
        if active.effective_date.is_none() {
            active.effective_date = Some(w.now().to_zoned(jiff::tz::TimeZone::UTC).date());
        }
        w.put(&active)?;
        w.audit(
            "skill_revision.activate",
            "skill_revision",
            Some(rev.id),
            Some(&rev),
            Some(&active),
        )?;
        Ok(ActivationPreview {
            revision: active,
            ..preview
        })
    })
}

/// What a requirement row would change: how many active employees it applies to, and how
/// many of them would then have a gap in its skill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct RequirementImpact {
    /// Active employees the row applies to.
    pub applies: usize,
    /// Of those, how many would not be qualified in the skill at the row's level.
    pub gaps: usize,
}

/// The impact of a requirement row as if it were the only row of its skill, judged at `now`
/// by the engine over the committed certifications.
pub fn requirement_impact(
    store: &Store,
    input: &RequirementInput,
    now: Timestamp,
) -> Result<RequirementImpact> {
    let people: Vec<Employee> = store.read()?.list()?;
    let mut catalog = (*store.catalog()).clone();
    let row = Requirement {
        id: new_id(),
        skill_id: input.skill_id,
        level: input.level,
        site_id: input.site_id,
        department_id: input.department_id,
        role_id: input.role_id,
        project_id: input.project_id,
        deleted_at: None,
    };
    catalog.requirements = crate::qualify::RequirementIndex::new([row.clone()]);
    let certs = store.certifications_by_employee()?;
    let none = Vec::new();
    let mut impact = RequirementImpact {
        applies: 0,
        gaps: 0,
    };
    for e in people
        .iter()
        .filter(|e| e.deleted_at.is_none() && e.status == EmployeeStatus::Active)
    {
        let mine = certs.get(&e.id).map_or(&none[..], |v| v.as_slice());
        let judged = crate::qualify::judge_skills(&catalog, e, mine, now);
        if let Some(j) = judged
            .iter()
            .find(|j| j.skill.id == row.skill_id && j.required_level.is_some())
        {
            impact.applies += 1;
            if !j.status.is_ok() {
                impact.gaps += 1;
            }
        }
    }
    Ok(impact)
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
        let input = RequirementInput {
            skill_id: old.skill_id,
            level,
            site_id: old.site_id,
            department_id: old.department_id,
            role_id: old.role_id,
            project_id: old.project_id,
        };
        super::edit::update_in(w, id, input)
    })
}
