//! Per-skill status of one employee.

use std::collections::BTreeMap;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::Catalog;
use crate::domain::{
    Certification, CertificationFacts, Employee, RevisionStatus, Skill, SkillRevision, Station,
};

/// The status of one skill for one employee. Ordered worst to best, so the best outcome over
/// several certifications is the maximum (EXTRA sorts apart, it is never compared).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    serde::Deserialize,
    ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SkillStatus {
    /// Required, no live certification.
    Missing,
    /// Required, the certification's expiry has passed.
    Expired,
    /// Required, certified on a revision that needs retraining.
    Outdated,
    /// Required, achieved level below the required level.
    InsufficientLevel,
    /// Required and counting for now, but certified on a revision that needs retraining
    /// whose grace period has not ended yet (green with a warning and the due date).
    RetrainingDue,
    /// Required and valid, but expiring within the site's warning window.
    ExpiringSoon,
    /// Required and valid.
    Valid,
    /// Certified but not required here.
    Extra,
}

impl SkillStatus {
    /// Whether the status lets the employee work (kiosk green).
    pub fn is_ok(self) -> bool {
        matches!(
            self,
            SkillStatus::Valid
                | SkillStatus::ExpiringSoon
                | SkillStatus::RetrainingDue
                | SkillStatus::Extra
        )
    }

    /// The wire name, e.g. `EXPIRING_SOON`.
    pub fn as_str(self) -> &'static str {
        match self {
            SkillStatus::Missing => "MISSING",
            SkillStatus::Expired => "EXPIRED",
            SkillStatus::Outdated => "OUTDATED",
            SkillStatus::InsufficientLevel => "INSUFFICIENT_LEVEL",
            SkillStatus::RetrainingDue => "RETRAINING_DUE",
            SkillStatus::ExpiringSoon => "EXPIRING_SOON",
            SkillStatus::Valid => "VALID",
            SkillStatus::Extra => "EXTRA",
        }
    }

    /// Parse the wire name (case-insensitive).
    pub fn parse(s: &str) -> Option<SkillStatus> {
        [
            SkillStatus::Missing,
            SkillStatus::Expired,
            SkillStatus::Outdated,
            SkillStatus::InsufficientLevel,
            SkillStatus::RetrainingDue,
            SkillStatus::ExpiringSoon,
            SkillStatus::Valid,
            SkillStatus::Extra,
        ]
        .into_iter()
        .find(|st| st.as_str().eq_ignore_ascii_case(s))
    }
}

/// A requirement row (or station demand) that contributed to a required level.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RequirementSource {
    /// The requirement row, or `None` for a station's extra skill.
    pub requirement_id: Option<Uuid>,
    /// Level this source asks for.
    pub level: u8,
    /// Human-readable scope, e.g. `Site: Austin, Role: Technician`.
    pub scope: String,
}

/// How one certification is judged against a required level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertificationJudgement {
    /// The status of this certification alone.
    pub status: SkillStatus,
    /// The revision that needs retraining, when OUTDATED or RETRAINING_DUE.
    pub retraining_revision: Option<Uuid>,
    /// When the grace period ends (the certification is OUTDATED from then), when
    /// RETRAINING_DUE.
    pub retraining_due: Option<Timestamp>,
}

/// One skill's line in an employee's qualification.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SkillQualification {
    /// The skill.
    pub skill_id: Uuid,
    /// Its code.
    pub skill_code: String,
    /// Its name.
    pub skill_name: String,
    /// Maximum over the applicable sources; `None` when not required (EXTRA).
    pub required_level: Option<u8>,
    /// The best outcome over live certifications.
    pub status: SkillStatus,
    /// The certification behind the status, if any.
    pub certification_id: Option<Uuid>,
    /// Level achieved on that certification.
    pub achieved_level: Option<u8>,
    /// When it was achieved.
    #[schema(value_type = Option<String>)]
    pub achieved_at: Option<Timestamp>,
    /// When it expires.
    #[schema(value_type = Option<String>)]
    pub expires_at: Option<Timestamp>,
    /// Label of the revision it was certified on.
    pub revision_label: Option<String>,
    /// Label of the revision that needs retraining, when OUTDATED or RETRAINING_DUE.
    pub retraining_revision_label: Option<String>,
    /// When RETRAINING_DUE: the instant the grace period ends and the status becomes
    /// OUTDATED (midnight at the start of the due day, site time).
    #[schema(value_type = Option<String>)]
    pub retraining_due: Option<Timestamp>,
    /// Every row that contributed to the required level.
    pub sources: Vec<RequirementSource>,
}

/// Every required or certified skill of one employee, in skill-name order.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Qualification {
    /// The employee judged.
    pub employee_id: Uuid,
    /// Required skills first (by name), then extra ones.
    pub skills: Vec<SkillQualification>,
}

impl Qualification {
    /// The line for one skill.
    pub fn skill(&self, skill_id: Uuid) -> Option<&SkillQualification> {
        self.skills.iter().find(|s| s.skill_id == skill_id)
    }
}

/// What the engine reads of a certification: implemented by the stored record and by the
/// [`CertificationFacts`] the store's certification cache keeps, so that views over a whole
/// site (matrix, Due, training, coverage) judge from the cache without it holding every
/// record's free text, and judge exactly as the kiosk does from the full records.
pub trait Evidence {
    /// Record id.
    fn id(&self) -> Uuid;
    /// Who is certified.
    fn employee_id(&self) -> Uuid;
    /// In what.
    fn skill_id(&self) -> Uuid;
    /// On which revision, if any.
    fn revision_id(&self) -> Option<Uuid>;
    /// Level achieved.
    fn level(&self) -> u8;
    /// When it was achieved.
    fn achieved_at(&self) -> Timestamp;
    /// When it expires, if ever.
    fn expires_at(&self) -> Option<Timestamp>;
    /// Live and, under four-eyes, approved: it counts towards a qualification.
    fn counts(&self) -> bool;
}

/// Implements [`Evidence`] by reading the type's fields of the same names.
macro_rules! evidence_from_fields {
    ($t:ty, |$c:ident| $counts:expr) => {
        impl Evidence for $t {
            fn id(&self) -> Uuid {
                self.id
            }
            fn employee_id(&self) -> Uuid {
                self.employee_id
            }
            fn skill_id(&self) -> Uuid {
                self.skill_id
            }
            fn revision_id(&self) -> Option<Uuid> {
                self.revision_id
            }
            fn level(&self) -> u8 {
                self.level
            }
            fn achieved_at(&self) -> Timestamp {
                self.achieved_at
            }
            fn expires_at(&self) -> Option<Timestamp> {
                self.expires_at
            }
            fn counts(&self) -> bool {
                let $c = self;
                $counts
            }
        }
    };
}

evidence_from_fields!(Certification, |c| Certification::counts(c));
evidence_from_fields!(CertificationFacts, |c| c.counts);

/// Judge one live certification against a required level at `now`; the first rule that holds
/// wins: EXPIRED, OUTDATED (retraining deadline passed), INSUFFICIENT_LEVEL, RETRAINING_DUE
/// (deadline not passed yet), EXPIRING_SOON, VALID. `zone` is the employee's site timezone,
/// in which revision effective dates and grace periods are counted.
pub fn judge_certification(
    cert: &impl Evidence,
    required_level: u8,
    revisions: &[SkillRevision],
    warning_days: u32,
    zone: &TimeZone,
    now: Timestamp,
) -> CertificationJudgement {
    let ok = |status| CertificationJudgement {
        status,
        retraining_revision: None,
        retraining_due: None,
    };
    if let Some(exp) = cert.expires_at()
        && exp <= now
    {
        return ok(SkillStatus::Expired);
    }
    let retraining = retraining_state(cert, revisions, zone, now);
    if let Some(Retraining::Outdated(rev)) = retraining {
        return CertificationJudgement {
            status: SkillStatus::Outdated,
            retraining_revision: Some(rev),
            retraining_due: None,
        };
    }
    if cert.level() < required_level {
        return ok(SkillStatus::InsufficientLevel);
    }
    if let Some(Retraining::Due { revision, due }) = retraining {
        return CertificationJudgement {
            status: SkillStatus::RetrainingDue,
            retraining_revision: Some(revision),
            retraining_due: Some(due),
        };
    }
    if let Some(exp) = cert.expires_at() {
        let window = SignedDuration::from_hours(24 * i64::from(warning_days));
        if now.duration_until(exp) <= window {
            return ok(SkillStatus::ExpiringSoon);
        }
    }
    ok(SkillStatus::Valid)
}

/// Where a certification stands against the retraining revisions in force after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retraining {
    /// A retraining deadline has passed (or one had no grace period): OUTDATED, naming
    /// that revision.
    Outdated(Uuid),
    /// Every retraining revision is still within its grace period; the earliest deadline
    /// is `due`, set by `revision`.
    Due {
        /// The revision whose deadline comes first.
        revision: Uuid,
        /// Its deadline.
        due: Timestamp,
    },
}

/// The instant a revision's retraining grace period ends: the start (00:00, site time) of
/// the day `grace_days` after its effective date. `None` when the revision gives no grace
/// (no grace days, or no effective date): retraining is due at once.
pub fn retraining_deadline(revision: &SkillRevision, zone: &TimeZone) -> Option<Timestamp> {
    if revision.grace_days == 0 {
        return None;
    }
    let day = revision
        .effective_date?
        .checked_add(jiff::Span::new().days(i64::from(revision.grace_days)))
        .ok()?;
    // A day that starts in a DST gap starts at the gap's end (jiff's compatible rule).
    day.to_zoned(zone.clone()).ok().map(|z| z.timestamp())
}

/// Whether `cert` needs retraining at `now` and how urgently: over every revision in force
/// after the certified one (see [`retraining_needed`]) that requires retraining, the
/// earliest deadline counts. `None` when no retraining is needed.
pub fn retraining_state(
    cert: &impl Evidence,
    revisions: &[SkillRevision],
    zone: &TimeZone,
    now: Timestamp,
) -> Option<Retraining> {
    let mut due: Option<(Timestamp, Uuid)> = None;
    for r in retraining_revisions(cert, revisions) {
        match retraining_deadline(r, zone) {
            Some(deadline) if deadline > now => {
                if due.is_none_or(|(d, _)| deadline < d) {
                    due = Some((deadline, r.id));
                }
            }
            // Revisions come in sequence order: the first one past its deadline is named.
            _ => return Some(Retraining::Outdated(r.id)),
        }
    }
    due.map(|(due, revision)| Retraining::Due { revision, due })
}

/// The revisions in force after the certified one, up to the active one, that require
/// retraining, in sequence order.
fn retraining_revisions<'a>(
    cert: &impl Evidence,
    revisions: &'a [SkillRevision],
) -> Vec<&'a SkillRevision> {
    let Some(active) = revisions
        .iter()
        .find(|r| r.status == RevisionStatus::Active)
    else {
        return Vec::new();
    };
    // A certification without a revision predates every revision.
    let certified_seq = cert
        .revision_id()
        .and_then(|id| revisions.iter().find(|r| r.id == id))
        .map_or(0, |r| r.sequence);
    let mut list: Vec<&SkillRevision> = revisions
        .iter()
        .filter(|r| has_been_in_force(r))
        .filter(|r| r.sequence > certified_seq && r.sequence <= active.sequence)
        .filter(|r| r.requires_retraining)
        .collect();
    list.sort_by_key(|r| r.sequence);
    list
}

/// The first revision after the certified one, up to the active one, that requires
/// retraining; `None` when the certification is current enough.
///
/// Only revisions that were in force count (docs/qualification.md): the active
/// one and the archived ones, which were active before (only activation archives a
/// revision). A draft — even one older than the active revision, skipped when a later draft
/// was activated — never makes anyone OUTDATED.
pub fn retraining_needed(cert: &impl Evidence, revisions: &[SkillRevision]) -> Option<Uuid> {
    retraining_revisions(cert, revisions).first().map(|r| r.id)
}

/// Whether a revision is or was in force: active now, or archived (superseded after being
/// active). Drafts were never in force.
fn has_been_in_force(revision: &SkillRevision) -> bool {
    match revision.status {
        RevisionStatus::Active | RevisionStatus::Archived => true,
        RevisionStatus::Draft => false,
    }
}

/// What is required of an employee per skill: the maximum level and every contributing source.
type Demands = BTreeMap<Uuid, (u8, Vec<RequirementSource>)>;

/// Whether to describe the requirement rows behind each line (people read them; the matrix,
/// which judges thousands of employees at once, doesn't need them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sources {
    Describe,
    Skip,
}

/// The demands on `employee`, judged as if also assigned to the station's project, plus the
/// station's extra skills. Rows naming deleted skills are ignored.
fn demands(
    catalog: &Catalog,
    employee: &Employee,
    station: Option<&Station>,
    describe: Sources,
) -> Demands {
    let mut projects = employee.project_ids.clone();
    if let Some(p) = station.and_then(|s| s.project_id)
        && !projects.contains(&p)
    {
        projects.push(p);
    }
    let mut out: Demands = BTreeMap::new();
    let rows = catalog.requirements.applicable(
        employee.site_id,
        employee.department_id,
        employee.role_id,
        &projects,
    );
    for row in rows {
        if catalog.live_skill(row.skill_id).is_none() {
            continue;
        }
        let entry = out.entry(row.skill_id).or_insert((0, Vec::new()));
        entry.0 = entry.0.max(row.level);
        if describe == Sources::Describe {
            entry.1.push(RequirementSource {
                requirement_id: Some(row.id),
                level: row.level,
                scope: scope_label(catalog, row),
            });
        }
    }
    if let Some(st) = station {
        for extra in &st.extra_skills {
            if catalog.live_skill(extra.skill_id).is_none() {
                continue;
            }
            let entry = out.entry(extra.skill_id).or_insert((0, Vec::new()));
            entry.0 = entry.0.max(extra.level);
            entry.1.push(RequirementSource {
                requirement_id: None,
                level: extra.level,
                scope: format!("Station: {}", st.name),
            });
        }
    }
    for (_, sources) in out.values_mut() {
        sources.sort_by(|a, b| a.scope.cmp(&b.scope).then(a.level.cmp(&b.level)));
    }
    out
}

/// `Site: Austin, Role: Technician`, or `Everyone` for a row without selectors.
pub fn scope_label(catalog: &Catalog, row: &crate::domain::Requirement) -> String {
    let mut parts = Vec::new();
    let name = |found: Option<&str>, id: Uuid| found.map_or_else(|| id.to_string(), str::to_owned);
    if let Some(id) = row.site_id {
        parts.push(format!(
            "Site: {}",
            name(catalog.sites.get(&id).map(|s| s.name.as_str()), id)
        ));
    }
    if let Some(id) = row.department_id {
        parts.push(format!(
            "Department: {}",
            name(catalog.departments.get(&id).map(|s| s.name.as_str()), id)
        ));
    }
    if let Some(id) = row.role_id {
        parts.push(format!(
            "Role: {}",
            name(catalog.roles.get(&id).map(|s| s.name.as_str()), id)
        ));
    }
    if let Some(id) = row.project_id {
        parts.push(format!(
            "Project: {}",
            name(catalog.projects.get(&id).map(|s| s.name.as_str()), id)
        ));
    }
    if parts.is_empty() {
        "Everyone".to_owned()
    } else {
        parts.join(", ")
    }
}

/// Judge every required and certified skill of `employee` at `now`. With a station, the
/// employee is judged as if assigned to its project, and its extra skills are required too.
pub fn qualify<C: Evidence>(
    catalog: &Catalog,
    employee: &Employee,
    certifications: &[C],
    station: Option<&Station>,
    now: Timestamp,
) -> Qualification {
    let judged = judge(
        catalog,
        employee,
        certifications,
        station,
        now,
        Sources::Describe,
    );
    describe(catalog, employee, judged)
}

/// One skill judged for one employee, before it is described for people: what the matrix
/// needs, without names or requirement descriptions.
#[derive(Debug, Clone)]
pub struct Judged<'a, C = Certification> {
    /// The skill.
    pub skill: &'a Skill,
    /// Required level; `None` for EXTRA.
    pub required_level: Option<u8>,
    /// The status.
    pub status: SkillStatus,
    /// The certification behind the status.
    pub certification: Option<&'a C>,
    /// The revision that needs retraining, when OUTDATED or RETRAINING_DUE.
    pub retraining_revision: Option<Uuid>,
    /// When RETRAINING_DUE: when the grace period ends.
    pub retraining_due: Option<Timestamp>,
    /// The requirement rows behind the level (empty unless described).
    pub sources: Vec<RequirementSource>,
}

/// Every required and certified skill of `employee` at `now`, judged but not described:
/// the same statuses as [`qualify`] for views over many employees, such as the matrix.
/// Required skills come first in skill-id order, then extras.
pub fn judge_skills<'a, C: Evidence>(
    catalog: &'a Catalog,
    employee: &Employee,
    certifications: &'a [C],
    now: Timestamp,
) -> Vec<Judged<'a, C>> {
    judge(catalog, employee, certifications, None, now, Sources::Skip)
}

fn judge<'a, C: Evidence>(
    catalog: &'a Catalog,
    employee: &Employee,
    certifications: &'a [C],
    station: Option<&Station>,
    now: Timestamp,
    describe: Sources,
) -> Vec<Judged<'a, C>> {
    let demands = demands(catalog, employee, station, describe);
    let warning_days = catalog
        .sites
        .get(&employee.site_id)
        .map_or(crate::domain::DEFAULT_WARNING_DAYS, |s| s.warning_days);
    let zone = catalog.zone(employee.site_id);
    // Pending or rejected four-eyes certifications do not count (docs/qualification.md).
    let mine = |c: &&C| c.counts() && c.employee_id() == employee.id;
    let mut out = Vec::with_capacity(demands.len() + 8);
    for (skill_id, (level, sources)) in demands.iter() {
        let Some(skill) = catalog.skills.get(skill_id) else {
            continue;
        };
        let revisions = catalog
            .revisions
            .get(skill_id)
            .map_or(&[][..], Vec::as_slice);
        let best = certifications
            .iter()
            .filter(|c| c.skill_id() == *skill_id)
            .filter(mine)
            .map(|c| {
                (
                    c,
                    judge_certification(c, *level, revisions, warning_days, &zone, now),
                )
            })
            .max_by(|a, b| {
                a.1.status
                    .cmp(&b.1.status)
                    .then(a.0.level().cmp(&b.0.level()))
                    .then(a.0.expires_at().cmp(&b.0.expires_at()))
            });
        out.push(Judged {
            skill,
            required_level: Some(*level),
            status: best.map_or(SkillStatus::Missing, |b| b.1.status),
            certification: best.map(|b| b.0),
            retraining_revision: best.and_then(|b| b.1.retraining_revision),
            retraining_due: best.and_then(|b| b.1.retraining_due),
            sources: sources.clone(),
        });
    }
    // Certified but not required: EXTRA, showing the highest, most recent certification.
    let mut extras: BTreeMap<Uuid, &C> = BTreeMap::new();
    for c in certifications
        .iter()
        .filter(mine)
        .filter(|c| !demands.contains_key(&c.skill_id()))
    {
        let e = extras.entry(c.skill_id()).or_insert(c);
        if (c.level(), c.achieved_at()) > (e.level(), e.achieved_at()) {
            *e = c;
        }
    }
    for (skill_id, c) in extras {
        if let Some(skill) = catalog.live_skill(skill_id) {
            out.push(Judged {
                skill,
                required_level: None,
                status: SkillStatus::Extra,
                certification: Some(c),
                retraining_revision: None,
                retraining_due: None,
                sources: Vec::new(),
            });
        }
    }
    out
}

/// Describe judged skills for people: names, revision labels, sources; required skills by
/// name, then extras by name.
fn describe<C: Evidence>(
    catalog: &Catalog,
    employee: &Employee,
    judged: Vec<Judged<'_, C>>,
) -> Qualification {
    let mut skills: Vec<SkillQualification> = judged
        .into_iter()
        .map(|j| {
            let revisions = catalog
                .revisions
                .get(&j.skill.id)
                .map_or(&[][..], Vec::as_slice);
            let mut l = line(j.skill, j.required_level, j.certification, revisions);
            l.status = j.status;
            l.sources = j.sources;
            l.retraining_due = j.retraining_due;
            l.retraining_revision_label = j
                .retraining_revision
                .and_then(|id| revisions.iter().find(|r| r.id == id))
                .map(|r| r.label.clone());
            l
        })
        .collect();
    skills.sort_by(|a, b| {
        a.required_level
            .is_none()
            .cmp(&b.required_level.is_none())
            .then(a.skill_name.cmp(&b.skill_name))
    });
    Qualification {
        employee_id: employee.id,
        skills,
    }
}

/// A line with the certification's facts filled in and status MISSING.
fn line(
    skill: &Skill,
    required_level: Option<u8>,
    cert: Option<&impl Evidence>,
    revisions: &[SkillRevision],
) -> SkillQualification {
    SkillQualification {
        skill_id: skill.id,
        skill_code: skill.code.clone(),
        skill_name: skill.name.clone(),
        required_level,
        status: SkillStatus::Missing,
        certification_id: cert.map(|c| c.id()),
        achieved_level: cert.map(|c| c.level()),
        achieved_at: cert.map(|c| c.achieved_at()),
        expires_at: cert.and_then(|c| c.expires_at()),
        revision_label: cert
            .and_then(|c| c.revision_id())
            .and_then(|id| revisions.iter().find(|r| r.id == id))
            .map(|r| r.label.clone()),
        retraining_revision_label: None,
        retraining_due: None,
        sources: Vec::new(),
    }
}
