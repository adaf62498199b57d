//! Building the engine's [`Catalog`] snapshot from the store.

use std::collections::HashMap;

use jiff::tz::TimeZone;

use super::{Reader, StoreError};
use crate::domain::*;
use crate::qualify::{Catalog, RequirementIndex};

/// Read every record the engine needs.
pub fn load(r: &Reader) -> Result<Catalog, StoreError> {
    let sites: HashMap<_, _> = r.list::<Site>()?.into_iter().map(|s| (s.id, s)).collect();
    let zones = sites
        .values()
        .map(|s| {
            let tz = TimeZone::get(&s.timezone).unwrap_or_else(|e| {
                tracing::warn!(site = %s.code, tz = %s.timezone, "unknown timezone, using UTC: {e}");
                TimeZone::UTC
            });
            (s.id, tz)
        })
        .collect();
    let mut revisions: HashMap<_, Vec<SkillRevision>> = HashMap::new();
    for rev in r.list::<SkillRevision>()? {
        revisions.entry(rev.skill_id).or_default().push(rev);
    }
    for v in revisions.values_mut() {
        v.sort_by_key(|r| r.sequence);
    }
    Ok(Catalog {
        skills: r.list::<Skill>()?.into_iter().map(|s| (s.id, s)).collect(),
        revisions,
        requirements: RequirementIndex::new(r.list::<Requirement>()?),
        sites,
        zones,
        departments: r
            .list::<Department>()?
            .into_iter()
            .map(|s| (s.id, s))
            .collect(),
        roles: r.list::<Role>()?.into_iter().map(|s| (s.id, s)).collect(),
        projects: r
            .list::<Project>()?
            .into_iter()
            .map(|s| (s.id, s))
            .collect(),
        stations: r
            .list::<Station>()?
            .into_iter()
            .map(|s| (s.id, s))
            .collect(),
    })
}
