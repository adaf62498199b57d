//! The summary of one bundle, computed at ingest with the box's own qualification engine:
//! the bundle is restored into a scratch store and judged by the same matrix query the box's
//! dashboard uses, at the moment the bundle was made.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::{ArchiveError, Result};
use crate::domain::Station;
use crate::service::{self, EXPIRY_WINDOWS, MatrixFilter};
use crate::store::Store;

/// Required certifications of one skill that expire soon, counted per window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillExpiry {
    /// Skill code.
    pub skill_code: String,
    /// Skill name.
    pub skill: String,
    /// Expiring within 30 days.
    pub within_30: usize,
    /// Within 60 days (includes the 30).
    pub within_60: usize,
    /// Within 90 days (includes the 60).
    pub within_90: usize,
}

/// Active employees not qualified in one required skill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillGap {
    /// Skill code.
    pub skill_code: String,
    /// Skill name.
    pub skill: String,
    /// Employees without a valid qualification in it.
    pub employees: usize,
}

/// One stored bundle: where it came from and the site's figures as of when it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSummary {
    /// The site code it is stored under (the bundle's first site code).
    pub site_code: String,
    /// Every site code in the bundle.
    pub site_codes: Vec<String>,
    /// Fingerprint of the device that signed it.
    pub device_fingerprint: String,
    /// The device's sequence number.
    pub sequence: u64,
    /// When the box made it; the figures are judged at this moment.
    pub created_at: Timestamp,
    /// When the archive accepted it.
    pub ingested_at: Timestamp,
    /// SHA-256 of the stored file (hex); the same file again is a duplicate.
    pub sha256: String,
    /// Bytes of the stored file.
    pub size: u64,
    /// Whether it is age-encrypted.
    pub encrypted: bool,
    /// The file name it was ingested from.
    pub source_name: String,
    /// Active employees judged.
    pub employees: usize,
    /// Of those, qualified in every required skill.
    pub qualified: usize,
    /// Qualified share, whole percent (100 with nobody to judge).
    pub compliance_percent: usize,
    /// Cells of the matrix (required or held skills) per status, e.g. `EXPIRED`.
    pub status_counts: BTreeMap<String, usize>,
    /// Required certifications expiring within 30/60/90 days, per skill, most first.
    pub expiring: Vec<SkillExpiry>,
    /// Employees not qualified, per required skill, most first.
    pub gaps: Vec<SkillGap>,
    /// Stations (kiosks) of the site.
    pub stations: usize,
}

/// The site's figures from a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Figures {
    pub employees: usize,
    pub qualified: usize,
    pub status_counts: BTreeMap<String, usize>,
    pub expiring: Vec<SkillExpiry>,
    pub gaps: Vec<SkillGap>,
    pub stations: usize,
}

impl Figures {
    /// Judge every active employee in `store` at `now`.
    pub(super) fn of(store: &Store, now: Timestamp) -> Result<Figures> {
        let m = service::matrix(store, &MatrixFilter::default(), now)
            .map_err(|e| ArchiveError::Summary(e.to_string()))?;
        let stations = store.read()?.list::<Station>()?.len();
        let mut qualified = 0;
        let mut status_counts: BTreeMap<String, usize> = BTreeMap::new();
        let mut expiring: BTreeMap<usize, [usize; EXPIRY_WINDOWS.len()]> = BTreeMap::new();
        let mut gaps: BTreeMap<usize, usize> = BTreeMap::new();
        for row in &m.rows {
            let mut ok = true;
            for c in &row.cells {
                let status = serde_json::to_value(c.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_else(|| format!("{:?}", c.status));
                *status_counts.entry(status).or_default() += 1;
                if c.required_level.is_none() {
                    continue;
                }
                if !c.status.is_ok() {
                    ok = false;
                    *gaps.entry(c.skill).or_default() += 1;
                }
                if let Some(exp) = c.expires_at
                    && exp > now
                {
                    let left = now.duration_until(exp);
                    for (i, d) in EXPIRY_WINDOWS.iter().enumerate() {
                        if left <= SignedDuration::from_hours(24 * d) {
                            expiring.entry(c.skill).or_default()[i] += 1;
                        }
                    }
                }
            }
            qualified += usize::from(ok);
        }
        let mut expiring: Vec<SkillExpiry> = expiring
            .into_iter()
            .filter(|(_, n)| n.iter().any(|&x| x > 0))
            .map(|(s, n)| SkillExpiry {
                skill_code: m.skills[s].code.clone(),
                skill: m.skills[s].name.clone(),
                within_30: n[0],
                within_60: n[1],
                within_90: n[2],
            })
            .collect();
        expiring.sort_by(|a, b| {
            b.within_90
                .cmp(&a.within_90)
                .then(a.skill_code.cmp(&b.skill_code))
        });
        let mut gaps: Vec<SkillGap> = gaps
            .into_iter()
            .map(|(s, n)| SkillGap {
                skill_code: m.skills[s].code.clone(),
                skill: m.skills[s].name.clone(),
                employees: n,
            })
            .collect();
        gaps.sort_by(|a, b| {
            b.employees
                .cmp(&a.employees)
                .then(a.skill_code.cmp(&b.skill_code))
        });
        Ok(Figures {
            employees: m.rows.len(),
            qualified,
            status_counts,
            expiring,
            gaps,
            stations,
        })
    }
}

/// The compliance share in whole percent, 100 for a site with nobody to judge.
pub(super) fn percent(qualified: usize, employees: usize) -> usize {
    (qualified * 100).checked_div(employees).unwrap_or(100)
}

/// The report as CSV: one row per site, the expiring and gap figures totalled (the JSON
/// report has them per skill).
pub fn report_csv(rows: &[SiteSummary]) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ArchiveError::Summary(format!("cannot write CSV: {e}"));
    w.write_record([
        "site_code",
        "created_at",
        "sequence",
        "device_fingerprint",
        "employees",
        "qualified",
        "compliance_percent",
        "expiring_30",
        "expiring_60",
        "expiring_90",
        "gaps",
        "top_gap_skill",
        "stations",
    ])
    .map_err(fail)?;
    for s in rows {
        let total =
            |f: fn(&SkillExpiry) -> usize| s.expiring.iter().map(f).sum::<usize>().to_string();
        w.write_record([
            s.site_code.clone(),
            s.created_at.to_string(),
            s.sequence.to_string(),
            s.device_fingerprint.clone(),
            s.employees.to_string(),
            s.qualified.to_string(),
            s.compliance_percent.to_string(),
            total(|e| e.within_30),
            total(|e| e.within_60),
            total(|e| e.within_90),
            s.gaps
                .iter()
                .map(|g| g.employees)
                .sum::<usize>()
                .to_string(),
            s.gaps
                .first()
                .map(|g| g.skill_code.clone())
                .unwrap_or_default(),
            s.stations.to_string(),
        ])
        .map_err(fail)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ArchiveError::Summary(format!("cannot write CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| ArchiveError::Summary(e.to_string()))
}
