//! Badge scans at stations: the verdict, recorded append-only.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{Result, ServiceError, authenticate_station};
use crate::domain::*;
use crate::qualify::{StationVerdict, station_verdict};
use crate::store::keys::BADGE;
use crate::store::{Actor, Store};

/// What a kiosk sends: the QR payload (badge URL or bare token) it read.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ScanInput {
    /// The decoded QR text.
    pub payload: String,
}

/// The verdict for a scan, as the kiosk shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScanOutcome {
    /// The recorded scan event id.
    pub scan_id: Uuid,
    /// Station name.
    pub station: String,
    /// When the server judged it.
    #[schema(value_type = String)]
    pub at: Timestamp,
    /// The verdict.
    #[serde(flatten)]
    pub verdict: StationVerdict,
}

/// Judge a badge at the station holding `station_key` and record the scan. A payload that is
/// not a badge is refused before any lookup and not recorded.
pub fn record_scan(store: &Store, station_key: &str, payload: &str) -> Result<ScanOutcome> {
    let token = BadgeToken::from_payload(payload).map_err(|e| ServiceError::Invalid {
        field: Some("payload"),
        message: e.to_string(),
    })?;
    let station = authenticate_station(&store.read()?, station_key)?;
    let verdict = judge_badge(store, &station, &token, Timestamp::now())?;
    let actor = Actor::named(&format!("station:{}", station.name));
    store.write(&actor, |w| {
        let scan = ScanEvent {
            id: new_id(),
            station_id: station.id,
            at: w.now(),
            badge_prefix: token.as_str().chars().take(4).collect(),
            employee_id: verdict.employee_id,
            verdict: verdict.verdict.as_str().to_owned(),
            reasons: verdict.reasons.iter().map(|r| r.message.clone()).collect(),
        };
        w.record_scan(&scan)?;
        Ok(ScanOutcome {
            scan_id: scan.id,
            station: station.name.clone(),
            at: scan.at,
            verdict: verdict.clone(),
        })
    })
}

/// The verdict for a badge at a station at `now`, from one read snapshot: unknown and
/// regenerated-away badges are amber, everyone else is judged by the engine.
pub fn judge_badge(
    store: &Store,
    station: &Station,
    token: &BadgeToken,
    now: Timestamp,
) -> Result<StationVerdict> {
    let catalog = store.catalog();
    let r = store.read()?;
    Ok(match r.by_unique::<Employee>(BADGE, token.as_str())? {
        Some(e) if e.deleted_at.is_none() => {
            let certs = r.certifications_of(e.id)?;
            station_verdict(&catalog, &e, &certs, Some(station), now).0
        }
        _ => match r.retired_badge(token.as_str())? {
            Some(_) => StationVerdict::badge_replaced(),
            None => StationVerdict::unknown_badge(),
        },
    })
}

/// Which scans to list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct ScanQuery {
    /// Only this station.
    pub station_id: Option<Uuid>,
    /// Only this employee.
    pub employee_id: Option<Uuid>,
    /// At most this many, newest first (default 100, max 1000).
    pub limit: Option<usize>,
    /// Only scans older than this one (the `next` cursor of the previous page).
    pub before: Option<Uuid>,
}

/// Most scans in one page.
pub const MAX_SCAN_PAGE: usize = 1000;

/// Recent scans, newest first.
pub fn list_scans(store: &Store, q: &ScanQuery) -> Result<Vec<ScanEvent>> {
    Ok(scan_page(store, q)?.0)
}

/// A page of scans, newest first, and the cursor of the next (older) page if there is one.
/// Reads the scan log from the newest end by id (time order), so a page costs O(page), not
/// O(history).
pub fn scan_page(store: &Store, q: &ScanQuery) -> Result<(Vec<ScanEvent>, Option<Uuid>)> {
    let limit = q.limit.unwrap_or(100).clamp(1, MAX_SCAN_PAGE);
    let mut scans = store
        .read()?
        .page::<ScanEvent>(q.before, true, limit + 1, |s| {
            q.station_id.is_none_or(|x| s.station_id == x)
                && q.employee_id.is_none_or(|x| s.employee_id == Some(x))
        })?;
    let more = scans.len() > limit;
    scans.truncate(limit);
    let next = if more {
        scans.last().map(|s| s.id)
    } else {
        None
    };
    Ok((scans, next))
}
