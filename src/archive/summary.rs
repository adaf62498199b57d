//! The summary of one bundle, computed at ingest with the box's own qualification engine:
//! the bundle is restored into a scratch store and judged by the same matrix query the box's
//! dashboard uses, at the moment the bundle was made.
//!
//! It is two files beside the bundle: `<stem>.summary.json` ([`SiteSummary`]: the figures, the
//! trend over the site's last bundles; small, what the company view and the report read) and
//! `<stem>.matrix.json.gz` ([`SiteMatrix`]: every active employee's row of the matrix,
//! gzip-compressed; read only when someone drills into the site). The formats are in
//! `docs/archive.md`.

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

/// The summary format this version writes: 1 had no `format` field, no trend and no matrix
/// file; 2 added them.
pub const SUMMARY_FORMAT: u32 = 2;

/// How many bundles of a site the trend of a summary covers (this one and the ones before).
pub const TREND_POINTS: usize = 26;

/// A site's figures in one bundle, as a point of the trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// When the bundle was made.
    pub created_at: Timestamp,
    /// Its sequence number.
    pub sequence: u64,
    /// Active employees judged.
    pub employees: usize,
    /// Of those, qualified in every required skill.
    pub qualified: usize,
    /// Qualified share, whole percent.
    pub compliance_percent: usize,
}

fn format_one() -> u32 {
    1
}

/// One stored bundle: where it came from and the site's figures as of when it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSummary {
    /// The summary's format ([`SUMMARY_FORMAT`]); absent in the first format, read as 1.
    #[serde(default = "format_one")]
    pub format: u32,
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
    /// The site's last bundles as the archive held them when this one was ingested (at most
    /// [`TREND_POINTS`], oldest first, this one last); empty in the first format.
    #[serde(default)]
    pub trend: Vec<TrendPoint>,
}

impl SiteSummary {
    /// This bundle as a point of the trend.
    pub fn point(&self) -> TrendPoint {
        TrendPoint {
            created_at: self.created_at,
            sequence: self.sequence,
            employees: self.employees,
            qualified: self.qualified,
            compliance_percent: self.compliance_percent,
        }
    }

    /// Required certifications expiring within 30, 60 and 90 days, every skill together.
    pub fn expiring_totals(&self) -> [usize; 3] {
        self.expiring.iter().fold([0; 3], |t, e| {
            [t[0] + e.within_30, t[1] + e.within_60, t[2] + e.within_90]
        })
    }

    /// Gaps (employee × required skill not qualified), every skill together.
    pub fn gaps_total(&self) -> usize {
        self.gaps.iter().map(|g| g.employees).sum()
    }

    /// Whether `self` was made after `other` (the order of a site's bundles: time, then
    /// sequence).
    pub fn is_newer_than(&self, other: &SiteSummary) -> bool {
        (self.created_at, self.sequence) > (other.created_at, other.sequence)
    }
}

/// A column of a stored matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixColumn {
    /// Skill code.
    pub code: String,
    /// Skill name.
    pub name: String,
}

/// A non-empty cell of a stored matrix (short field names: a 5,000-employee site has a
/// hundred thousand of them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixEntry {
    /// Index into [`SiteMatrix::skills`].
    #[serde(rename = "k")]
    pub skill: usize,
    /// The status the engine gave the cell.
    #[serde(rename = "s")]
    pub status: crate::qualify::SkillStatus,
    /// Required level, if the skill is required.
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    pub required_level: Option<u8>,
    /// Achieved level, if certified.
    #[serde(rename = "a", default, skip_serializing_if = "Option::is_none")]
    pub achieved_level: Option<u8>,
    /// When the counting certification was achieved.
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    pub achieved_at: Option<Timestamp>,
    /// When it expires.
    #[serde(rename = "e", default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
}

/// One employee's row of a stored matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixLine {
    /// Employee number.
    pub number: String,
    /// Name.
    pub name: String,
    /// Employment status.
    pub status: crate::domain::EmployeeStatus,
    /// Non-empty cells, in column order.
    pub cells: Vec<MatrixEntry>,
}

/// The matrix of a bundle as the box's own matrix showed it when the bundle was made: every
/// active employee × every live skill, judged by the box's engine at `judged_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteMatrix {
    /// When the rows are judged (the bundle's `created_at`).
    pub judged_at: Timestamp,
    /// Columns: every live skill, by name.
    pub skills: Vec<MatrixColumn>,
    /// Rows, by name.
    pub rows: Vec<MatrixLine>,
}

impl SiteMatrix {
    /// The stored form of the box's matrix `m`, judged at `at`.
    pub fn of(m: &service::Matrix, at: Timestamp) -> SiteMatrix {
        SiteMatrix {
            judged_at: at,
            skills: m
                .skills
                .iter()
                .map(|s| MatrixColumn {
                    code: s.code.clone(),
                    name: s.name.clone(),
                })
                .collect(),
            rows: m
                .rows
                .iter()
                .map(|r| MatrixLine {
                    number: r.number.clone(),
                    name: r.name.clone(),
                    status: r.status,
                    cells: r
                        .cells
                        .iter()
                        .map(|c| MatrixEntry {
                            skill: c.skill,
                            status: c.status,
                            required_level: c.required_level,
                            achieved_level: c.achieved_level,
                            achieved_at: c.achieved_at,
                            expires_at: c.expires_at,
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// The gzip-compressed JSON stored at ingest.
    pub(super) fn encode(&self) -> Result<Vec<u8>> {
        use std::io::Write;
        let fail = |e: std::io::Error| ArchiveError::io("cannot encode the matrix")(e);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        serde_json::to_writer(&mut gz, self).map_err(|e| fail(std::io::Error::other(e)))?;
        gz.flush().map_err(fail)?;
        gz.finish().map_err(fail)
    }

    /// Read a stored matrix (`key` names it in errors).
    pub fn decode(key: &str, bytes: &[u8]) -> Result<SiteMatrix> {
        let gz = flate2::read::GzDecoder::new(bytes);
        serde_json::from_reader(std::io::BufReader::new(gz)).map_err(|e| {
            ArchiveError::DamagedSummary {
                path: key.to_owned(),
                message: e.to_string(),
            }
        })
    }
}

/// The site's figures from a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Figures {
    pub matrix: SiteMatrix,
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
            matrix: SiteMatrix::of(&m, now),
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
