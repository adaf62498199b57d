//! Station coverage: who may run each station now, who lapses soon, who on its line is
//! blocked and why — the "bus factor" a supervisor plans shifts with. Computed with the same
//! engine the kiosks use, so the page and the station never disagree.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::Result;
use crate::domain::{Employee, EmployeeStatus, Station};
use crate::qualify::{VerdictReason, station_verdict};
use crate::store::Store;

/// Stations with fewer people qualified than this are flagged, unless configured otherwise.
pub const DEFAULT_MIN_COVERAGE: usize = 3;

/// How far ahead "lapses soon" looks.
pub const LAPSE_WINDOW_DAYS: i64 = 30;

/// One person in a coverage list.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CoveredPerson {
    /// The employee.
    pub employee_id: Uuid,
    /// Employee number.
    pub number: String,
    /// Name.
    pub name: String,
    /// Why not (blocked), or what lapses (lapsing); empty for the plainly qualified.
    pub reasons: Vec<VerdictReason>,
}

/// Who may run one station.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StationCoverage {
    /// The station.
    pub station_id: Uuid,
    /// Its name.
    pub station: String,
    /// Its line, when it has one.
    pub line: Option<String>,
    /// Active employees the kiosk turns green for now, by name.
    pub qualified: Vec<CoveredPerson>,
    /// Of those, the ones who will not be green in [`LAPSE_WINDOW_DAYS`] days, with what lapses.
    pub lapsing: Vec<CoveredPerson>,
    /// Active employees assigned to the station's line who are refused now, with why.
    pub blocked: Vec<CoveredPerson>,
    /// `qualified.len()`: people who can run it now.
    pub coverage: usize,
    /// Below the minimum: one absence away from a stopped station.
    pub below_minimum: bool,
}

/// One line's stations together.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LineCoverage {
    /// The line ("—" for stations on no line).
    pub line: String,
    /// Its stations.
    pub stations: usize,
    /// The smallest station coverage on the line.
    pub lowest: usize,
    /// How many of its stations are below the minimum.
    pub below_minimum: usize,
}

/// Coverage of every station and line.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Coverage {
    /// The minimum the stations were measured against.
    pub minimum: usize,
    /// Per station, by name.
    pub stations: Vec<StationCoverage>,
    /// Per line, by name.
    pub lines: Vec<LineCoverage>,
}

/// Coverage at `now` of every live station (or only `station_id`), measured against
/// `minimum` people.
pub fn coverage(
    store: &Store,
    station_id: Option<Uuid>,
    minimum: usize,
    now: Timestamp,
) -> Result<Coverage> {
    let catalog = store.catalog();
    let employees: Vec<Employee> = store
        .read()?
        .list::<Employee>()?
        .into_iter()
        .filter(|e| e.deleted_at.is_none() && e.status == EmployeeStatus::Active)
        .collect();
    let certs = store.certifications_by_employee()?;
    let mut stations: Vec<&Station> = catalog
        .stations
        .values()
        .filter(|s| s.deleted_at.is_none())
        .filter(|s| station_id.is_none_or(|id| s.id == id))
        .collect();
    if let Some(id) = station_id
        && stations.is_empty()
    {
        return Err(super::ServiceError::NotFound {
            entity: "station",
            id: id.to_string(),
        });
    }
    stations.sort_by(|a, b| a.name.cmp(&b.name));
    let later = now + SignedDuration::from_hours(24 * LAPSE_WINDOW_DAYS);
    let none = Vec::new();
    let person = |e: &Employee, reasons: Vec<VerdictReason>| CoveredPerson {
        employee_id: e.id,
        number: e.number.clone(),
        name: e.name.clone(),
        reasons,
    };
    let mut out = Vec::with_capacity(stations.len());
    for st in stations {
        let (mut qualified, mut lapsing, mut blocked) = (Vec::new(), Vec::new(), Vec::new());
        for e in &employees {
            let mine = certs.get(&e.id).map_or(&none[..], |v| v.as_slice());
            let (now_verdict, _) = station_verdict(&catalog, e, mine, Some(st), now);
            if now_verdict.is_green() {
                let (then, _) = station_verdict(&catalog, e, mine, Some(st), later);
                if !then.is_green() {
                    lapsing.push(person(e, then.reasons));
                }
                qualified.push(person(e, Vec::new()));
            } else if st.project_id.is_some_and(|p| e.project_ids.contains(&p)) {
                blocked.push(person(e, now_verdict.reasons));
            }
        }
        for list in [&mut qualified, &mut lapsing, &mut blocked] {
            list.sort_by(|a, b| a.name.cmp(&b.name));
        }
        out.push(StationCoverage {
            station_id: st.id,
            station: st.name.clone(),
            line: st
                .project_id
                .and_then(|p| catalog.projects.get(&p))
                .map(|p| p.name.clone()),
            coverage: qualified.len(),
            below_minimum: qualified.len() < minimum,
            qualified,
            lapsing,
            blocked,
        });
    }
    let mut lines: BTreeMap<String, LineCoverage> = BTreeMap::new();
    for s in &out {
        let name = s.line.clone().unwrap_or_else(|| "—".to_owned());
        let l = lines.entry(name.clone()).or_insert(LineCoverage {
            line: name,
            stations: 0,
            lowest: usize::MAX,
            below_minimum: 0,
        });
        l.stations += 1;
        l.lowest = l.lowest.min(s.coverage);
        l.below_minimum += usize::from(s.below_minimum);
    }
    Ok(Coverage {
        minimum,
        stations: out,
        lines: lines.into_values().collect(),
    })
}
