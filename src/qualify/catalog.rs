//! The snapshot of a site's rules the engine judges against.

use std::collections::HashMap;

use jiff::tz::TimeZone;
use uuid::Uuid;

use crate::domain::{Department, Project, Requirement, Role, Site, Skill, SkillRevision, Station};

/// A requirement row's selectors: `None` matches anything.
type ScopeKey = (Option<Uuid>, Option<Uuid>, Option<Uuid>, Option<Uuid>);

/// Requirement rows grouped by their exact selectors, so the rows that apply to one employee
/// are found with a handful of lookups instead of a scan of every row.
#[derive(Debug, Clone, Default)]
pub struct RequirementIndex {
    by_scope: HashMap<ScopeKey, Vec<Requirement>>,
    len: usize,
}

impl RequirementIndex {
    /// Index the live rows among `rows`.
    pub fn new(rows: impl IntoIterator<Item = Requirement>) -> Self {
        let mut by_scope: HashMap<ScopeKey, Vec<Requirement>> = HashMap::new();
        let mut len = 0;
        for r in rows.into_iter().filter(|r| r.deleted_at.is_none()) {
            by_scope
                .entry((r.site_id, r.department_id, r.role_id, r.project_id))
                .or_default()
                .push(r);
            len += 1;
        }
        RequirementIndex { by_scope, len }
    }

    /// Number of live rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no live rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every live row, in no particular order.
    pub fn rows(&self) -> impl Iterator<Item = &Requirement> {
        self.by_scope.values().flatten()
    }

    /// Every live row whose set selectors all match: site, department, role, and a project
    /// among `projects`.
    pub fn applicable<'a>(
        &'a self,
        site: Uuid,
        department: Option<Uuid>,
        role: Option<Uuid>,
        projects: &'a [Uuid],
    ) -> impl Iterator<Item = &'a Requirement> + 'a {
        let sites = [None, Some(site)];
        let departments = options(department);
        let roles = options(role);
        let project_keys = std::iter::once(None).chain(projects.iter().copied().map(Some));
        let mut keys = Vec::with_capacity(8 * (1 + projects.len()));
        for p in project_keys {
            for s in sites {
                for d in departments.iter().flatten() {
                    for r in roles.iter().flatten() {
                        keys.push((s, *d, *r, p));
                    }
                }
            }
        }
        // A project listed twice must not count its rows twice.
        keys.sort_unstable();
        keys.dedup();
        keys.into_iter()
            .filter_map(|k| self.by_scope.get(&k))
            .flatten()
    }
}

/// `[Some(None), Some(Some(x))]` when set, `[Some(None), None]` when not: the selector values
/// that match.
fn options(v: Option<Uuid>) -> [Option<Option<Uuid>>; 2] {
    [Some(None), v.map(Some)]
}

/// Everything the engine needs besides the employee and their certifications.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Skills by id, deleted ones included (history still names them).
    pub skills: HashMap<Uuid, Skill>,
    /// Revisions by skill, ordered by sequence.
    pub revisions: HashMap<Uuid, Vec<SkillRevision>>,
    /// Live requirement rows.
    pub requirements: RequirementIndex,
    /// Sites by id.
    pub sites: HashMap<Uuid, Site>,
    /// Each site's timezone, resolved once.
    pub zones: HashMap<Uuid, TimeZone>,
    /// Departments by id (for describing requirement sources).
    pub departments: HashMap<Uuid, Department>,
    /// Roles by id.
    pub roles: HashMap<Uuid, Role>,
    /// Projects by id.
    pub projects: HashMap<Uuid, Project>,
    /// Stations by id.
    pub stations: HashMap<Uuid, Station>,
}

impl Catalog {
    /// The timezone of a site, UTC if unknown.
    pub fn zone(&self, site: Uuid) -> TimeZone {
        self.zones.get(&site).cloned().unwrap_or(TimeZone::UTC)
    }

    /// The active revision of a skill, if any.
    pub fn active_revision(&self, skill: Uuid) -> Option<&SkillRevision> {
        self.revisions
            .get(&skill)?
            .iter()
            .find(|r| r.status == crate::domain::RevisionStatus::Active)
    }

    /// A live skill.
    pub fn live_skill(&self, id: Uuid) -> Option<&Skill> {
        self.skills.get(&id).filter(|s| s.deleted_at.is_none())
    }
}
