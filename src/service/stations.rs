//! Stations (kiosks) and their API keys.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::catalog::check_level;
use super::{Editable, Result, ServiceError, live, new_secret, required_text, secret_hash};
use crate::domain::*;
use crate::store::{Actor, Reader, Store, Writer};

use crate::store::keys::STATION_KEY;

/// Fields of a station.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct StationInput {
    /// Unique name shown on the kiosk.
    pub name: String,
    /// The line it belongs to.
    #[serde(default)]
    pub project_id: Option<Uuid>,
    /// Skills required here on top of the requirement rows.
    #[serde(default)]
    pub extra_skills: Vec<StationSkill>,
}

impl Editable for Station {
    type Input = StationInput;

    fn build(w: &Writer, id: Uuid, i: StationInput, existing: Option<&Self>) -> Result<Self> {
        let name = required_text("name", &i.name, 60)?;
        if let Some(p) = i.project_id {
            live::<Project>(w, p).map_err(|_| {
                ServiceError::invalid("project_id", format!("project {p} does not exist"))
            })?;
        }
        ServiceError::at_most(
            "extra_skills",
            i.extra_skills.len(),
            super::MAX_EXTRA_SKILLS,
        )?;
        let mut extra: Vec<StationSkill> = Vec::new();
        for s in i.extra_skills {
            let skill: Skill = live(w, s.skill_id).map_err(|_| {
                ServiceError::invalid(
                    "extra_skills",
                    format!("skill {} does not exist or was deleted", s.skill_id),
                )
            })?;
            check_level("extra_skills", s.level, &skill)?;
            match extra.iter_mut().find(|e| e.skill_id == s.skill_id) {
                Some(e) => e.level = e.level.max(s.level),
                None => extra.push(s),
            }
        }
        Ok(Station {
            id,
            name,
            project_id: i.project_id,
            extra_skills: extra,
            key_hash: existing.map(|e| e.key_hash.clone()).unwrap_or_default(),
            created_at: existing.map_or(w.now(), |e| e.created_at),
            deleted_at: existing.and_then(|e| e.deleted_at),
        })
    }
}

/// A station just created or re-keyed, with its key shown this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StationCreated {
    /// The station.
    pub station: Station,
    /// The key the kiosk sends; it is not stored and cannot be shown again.
    pub key: String,
}

/// Create a station and its key.
pub fn create_station(store: &Store, actor: &Actor, input: StationInput) -> Result<StationCreated> {
    let key = new_secret("stn");
    store.write(actor, |w| {
        let mut station = Station::build(w, new_id(), input, None)?;
        station.key_hash = secret_hash(&key);
        w.put(&station)?;
        w.audit(
            "station.create",
            "station",
            Some(station.id),
            None::<&Station>,
            Some(&station),
        )?;
        Ok(StationCreated {
            station,
            key: key.clone(),
        })
    })
}

/// Give a station a new key; the old one stops working at once.
pub fn rotate_station_key(store: &Store, actor: &Actor, id: Uuid) -> Result<StationCreated> {
    let key = new_secret("stn");
    store.write(actor, |w| {
        let old: Station = live(w, id)?;
        let mut new = old.clone();
        new.key_hash = secret_hash(&key);
        w.put(&new)?;
        w.audit(
            "station.rotate_key",
            "station",
            Some(id),
            Some(&old),
            Some(&new),
        )?;
        Ok(StationCreated {
            station: new,
            key: key.clone(),
        })
    })
}

/// The live station holding this key.
pub fn authenticate_station(r: &Reader, key: &str) -> Result<Station> {
    let station: Option<Station> = r.by_unique(STATION_KEY, &secret_hash(key))?;
    station
        .filter(|s| s.deleted_at.is_none())
        .ok_or_else(|| ServiceError::Unauthorized("unknown station key".to_owned()))
}
