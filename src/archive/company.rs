//! The company view: every site's newest summary, its trend and the list of its stored
//! bundles, held in memory ([`CompanyView`]) and built again when the archive's listing or
//! enrolment log changes, so `caliber archive serve` answers from memory and shows a new
//! bundle without a restart. Everything comes from the summaries written at ingest (and the
//! listing's names and sizes): no bundle is read.
//!
//! [`Company::report`] computes the figures the dashboard shows and `caliber archive report`
//! prints, so the two cannot differ.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::enrolment::{self, Enrolment, EnrolmentAction, EnrolmentEvent};
use super::layout::{SITES_DIR, read_summary, summary_key};
use super::storage::Storage;
use super::summary::{SiteSummary, TREND_POINTS, TrendPoint};
use super::{Archive, ArchiveError, Result};

/// A stored bundle as the listing shows it (what its name says, and its size now).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Its key, `sites/<CODE>/<yyyy>/<mm>/<file>`.
    pub key: String,
    /// Its file name, `<yyyymmddThhmmssZ>-<seq>.bundle`.
    pub file: String,
    /// When it was made (from the name, to the second).
    pub created_at: Timestamp,
    /// Its sequence number (from the name).
    pub sequence: u64,
    /// Its size in the storage now.
    pub size: u64,
}

impl Listed {
    /// The site code and the bundle a key names, or `None` for anything that is not a
    /// bundle of the layout.
    fn parse(key: &str, size: u64) -> Option<(String, Listed)> {
        let rest = key.strip_prefix(SITES_DIR)?.strip_prefix('/')?;
        let mut parts = rest.split('/');
        let (site, _year, _month, file) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let (time, sequence) = file.strip_suffix(".bundle")?.rsplit_once('-')?;
        let created_at = jiff::civil::DateTime::strptime("%Y%m%dT%H%M%SZ", time)
            .ok()?
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()?
            .timestamp();
        Some((
            site.to_owned(),
            Listed {
                key: key.to_owned(),
                file: file.to_owned(),
                created_at,
                sequence: sequence.parse().ok()?,
                size,
            },
        ))
    }
}

/// One site of the company: its newest summary, its trend and its stored bundles.
#[derive(Debug, Clone)]
pub struct Site {
    /// The site code the bundles are stored under.
    pub code: String,
    /// The newest stored bundle's summary.
    pub newest: Arc<SiteSummary>,
    /// That bundle's key.
    pub newest_key: String,
    /// The site's last bundles, oldest first, the newest last: the newest summary's own trend
    /// (older summaries had none: then read from the summaries before it).
    pub trend: Arc<Vec<TrendPoint>>,
    /// Every stored bundle of the site (with a summary), oldest first.
    pub bundles: Vec<Listed>,
}

impl Site {
    /// The stored bundle named `file`.
    pub fn bundle(&self, file: &str) -> Option<&Listed> {
        self.bundles.iter().find(|b| b.file == file)
    }
}

/// What the archive holds, as the company view shows it.
#[derive(Debug, Clone)]
pub struct Company {
    /// The sites with at least one stored bundle, by code.
    pub sites: BTreeMap<String, Arc<Site>>,
    /// The enrolments now.
    pub enrolments: Vec<Enrolment>,
    /// Every enrolment event, oldest first.
    pub log: Vec<EnrolmentEvent>,
    /// What could not be read (a damaged summary), for the people who look.
    pub problems: Vec<String>,
    /// When it was read.
    pub loaded_at: Timestamp,
    /// Digest of the listing and the enrolment log it was built from.
    digest: [u8; 32],
}

/// How the signing key of a stored bundle stands in the enrolment log now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyState {
    /// It is the site's enrolled key.
    Enrolled,
    /// Another key replaced it (a replacement box).
    Replaced {
        /// When.
        at: Timestamp,
        /// The reason recorded.
        reason: Option<String>,
    },
    /// The site was unenrolled.
    Unenrolled {
        /// When.
        at: Timestamp,
        /// The reason recorded.
        reason: Option<String>,
    },
    /// The log never enrolled it for this site.
    NeverEnrolled,
}

/// How the key `device` stands for `site` in `log`.
pub fn key_state(log: &[EnrolmentEvent], site: &str, device: &str) -> KeyState {
    let events: Vec<&EnrolmentEvent> = log.iter().filter(|e| e.site_code == site).collect();
    let Some(last) = events.iter().rposition(|e| {
        e.key == device
            && matches!(
                e.action,
                EnrolmentAction::Enrol | EnrolmentAction::ChangeKey
            )
    }) else {
        return KeyState::NeverEnrolled;
    };
    match events.get(last + 1) {
        None => KeyState::Enrolled,
        Some(e) if e.action == EnrolmentAction::Unenrol => KeyState::Unenrolled {
            at: e.at,
            reason: e.reason.clone(),
        },
        Some(e) => KeyState::Replaced {
            at: e.at,
            reason: e.reason.clone(),
        },
    }
}

/// A site's line of the report and the dashboard: its newest summary (with the trend the
/// view shows) and how it stands now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportSite {
    /// The newest stored bundle's summary.
    #[serde(flatten)]
    pub summary: SiteSummary,
    /// How many bundles of the site are stored.
    pub stored_bundles: usize,
    /// The newest bundle is older than the report's `stale_after`.
    pub stale: bool,
    /// The site code is enrolled now.
    pub enrolled: bool,
}

impl ReportSite {
    /// Compliance of the newest bundle minus that of the oldest point of its trend.
    pub fn compliance_change(&self) -> i64 {
        match (self.summary.trend.first(), self.summary.trend.last()) {
            (Some(a), Some(b)) => b.compliance_percent as i64 - a.compliance_percent as i64,
            _ => 0,
        }
    }
}

/// One site's count in a company-wide figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteCount {
    /// The site code.
    pub site_code: String,
    /// Its count.
    pub employees: usize,
}

/// Employees not qualified in one skill, across every site's newest bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GapAcross {
    /// Skill code (sites share skills by code).
    pub skill_code: String,
    /// Skill name (the first site's).
    pub skill: String,
    /// Employees without it, every site together.
    pub employees: usize,
    /// Per site, most first.
    pub sites: Vec<SiteCount>,
}

/// One site's expiring certifications of one skill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteExpiry {
    /// The site code.
    pub site_code: String,
    /// Within 30 days of its newest bundle.
    pub within_30: usize,
    /// Within 60 days.
    pub within_60: usize,
    /// Within 90 days.
    pub within_90: usize,
}

/// Required certifications of one skill expiring soon, across every site's newest bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiryAcross {
    /// Skill code.
    pub skill_code: String,
    /// Skill name (the first site's).
    pub skill: String,
    /// Within 30 days, every site together.
    pub within_30: usize,
    /// Within 60 days.
    pub within_60: usize,
    /// Within 90 days.
    pub within_90: usize,
    /// Per site, most within 90 days first.
    pub sites: Vec<SiteExpiry>,
}

/// The company's figures: what `caliber archive report` prints and the company view shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompanyReport {
    /// When the figures were put together (what "stale" is measured from).
    pub generated_at: Timestamp,
    /// A site whose newest bundle is older than this is stale.
    pub stale_after: SignedDuration,
    /// Every site with a stored bundle, by code.
    pub sites: Vec<ReportSite>,
    /// Enrolled site codes no stored bundle covers yet (stale too).
    pub awaiting_first_bundle: Vec<String>,
    /// Gaps per skill across the sites, most first.
    pub gaps_by_skill: Vec<GapAcross>,
    /// Expiring certifications per skill across the sites, most within 30 days first.
    pub expiring_by_skill: Vec<ExpiryAcross>,
}

impl CompanyReport {
    /// Active employees of every site's newest bundle.
    pub fn employees(&self) -> usize {
        self.sites.iter().map(|s| s.summary.employees).sum()
    }

    /// Of those, qualified in every required skill.
    pub fn qualified(&self) -> usize {
        self.sites.iter().map(|s| s.summary.qualified).sum()
    }

    /// Sites flagged stale, those awaiting a first bundle included.
    pub fn stale(&self) -> usize {
        self.sites.iter().filter(|s| s.stale).count() + self.awaiting_first_bundle.len()
    }
}

impl CompanyReport {
    /// The report as CSV: one row per site (the expiring and gap figures totalled; the JSON
    /// report has them per skill), then one row per enrolled site awaiting its first bundle
    /// (only its code and `stale`).
    pub fn csv(&self) -> Result<String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let fail = |e: csv::Error| ArchiveError::Summary(format!("cannot write CSV: {e}"));
        w.write_record(CSV_COLUMNS).map_err(fail)?;
        for r in &self.sites {
            let s = &r.summary;
            let [x30, x60, x90] = s.expiring_totals();
            w.write_record([
                s.site_code.clone(),
                s.created_at.to_string(),
                s.sequence.to_string(),
                s.device_fingerprint.clone(),
                s.employees.to_string(),
                s.qualified.to_string(),
                s.compliance_percent.to_string(),
                x30.to_string(),
                x60.to_string(),
                x90.to_string(),
                s.gaps_total().to_string(),
                s.gaps
                    .first()
                    .map(|g| g.skill_code.clone())
                    .unwrap_or_default(),
                s.stations.to_string(),
                r.stale.to_string(),
                r.stored_bundles.to_string(),
                r.compliance_change().to_string(),
            ])
            .map_err(fail)?;
        }
        for code in &self.awaiting_first_bundle {
            let mut row = vec![String::new(); CSV_COLUMNS.len()];
            row[0] = code.clone();
            row[13] = "true".into();
            row[14] = "0".into();
            w.write_record(&row).map_err(fail)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| ArchiveError::Summary(format!("cannot write CSV: {e}")))?;
        String::from_utf8(bytes).map_err(|e| ArchiveError::Summary(e.to_string()))
    }
}

/// The columns of the CSV report.
const CSV_COLUMNS: [&str; 16] = [
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
    "stale",
    "stored_bundles",
    "compliance_change",
];

impl Company {
    /// Read what `storage` holds. With `previous`, summaries it already read are not read
    /// again, and `None` means nothing changed.
    pub fn load(storage: &dyn Storage, previous: Option<&Company>) -> Result<Option<Company>> {
        let listing = storage.list_sized(&format!("{SITES_DIR}/"))?;
        let log_text = storage.read(enrolment::ENROLMENT_LOG)?.unwrap_or_default();
        let mut digest = Sha256::new();
        for (key, size) in &listing {
            digest.update(key.as_bytes());
            digest.update(size.to_le_bytes());
        }
        digest.update(&log_text);
        let digest: [u8; 32] = digest.finalize().into();
        if previous.is_some_and(|p| p.digest == digest) {
            return Ok(None);
        }
        let log = enrolment::parse_log(&String::from_utf8_lossy(&log_text))?;
        let enrolments = enrolment::fold(log.clone())?;
        let present: BTreeSet<&str> = listing.iter().map(|(k, _)| k.as_str()).collect();
        let mut by_site: BTreeMap<String, Vec<Listed>> = BTreeMap::new();
        for (key, size) in &listing {
            if key.ends_with(".bundle")
                && present.contains(summary_key(key).as_str())
                && let Some((site, listed)) = Listed::parse(key, *size)
            {
                by_site.entry(site).or_default().push(listed);
            }
        }
        let mut problems = Vec::new();
        let mut sites = BTreeMap::new();
        for (code, mut bundles) in by_site {
            bundles.sort_by_key(|b| (b.created_at, b.sequence));
            let known = previous.and_then(|p| p.sites.get(&code));
            if let Some(site) = newest_of(storage, &code, bundles, known, &mut problems)? {
                sites.insert(code, Arc::new(site));
            }
        }
        Ok(Some(Company {
            sites,
            enrolments,
            log,
            problems,
            loaded_at: Timestamp::now(),
            digest,
        }))
    }

    /// The site stored under `code` (any case).
    pub fn site(&self, code: &str) -> Option<&Arc<Site>> {
        self.sites.get(&code.trim().to_ascii_uppercase())
    }

    /// The company's figures at `now`; a site whose newest bundle is older than
    /// `stale_after` is stale.
    pub fn report(&self, now: Timestamp, stale_after: SignedDuration) -> CompanyReport {
        let enrolled: BTreeSet<&str> = self
            .enrolments
            .iter()
            .map(|e| e.site_code.as_str())
            .collect();
        let sites: Vec<ReportSite> = self
            .sites
            .values()
            .map(|s| {
                let mut summary = (*s.newest).clone();
                summary.trend = (*s.trend).clone();
                ReportSite {
                    stale: summary.created_at.duration_until(now) > stale_after,
                    enrolled: enrolled.contains(s.code.as_str()),
                    stored_bundles: s.bundles.len(),
                    summary,
                }
            })
            .collect();
        let covered: BTreeSet<String> = sites
            .iter()
            .flat_map(|s| {
                s.summary
                    .site_codes
                    .iter()
                    .map(|c| c.to_ascii_uppercase())
                    .chain([s.summary.site_code.clone()])
            })
            .collect();
        let awaiting_first_bundle = enrolled
            .into_iter()
            .filter(|c| !covered.contains(*c))
            .map(str::to_owned)
            .collect();
        CompanyReport {
            generated_at: now,
            stale_after,
            gaps_by_skill: gaps_across(&sites),
            expiring_by_skill: expiring_across(&sites),
            sites,
            awaiting_first_bundle,
        }
    }
}

/// The newest bundle of a site whose summary reads, with its trend; damaged summaries are
/// skipped and named in `problems`.
fn newest_of(
    storage: &dyn Storage,
    code: &str,
    bundles: Vec<Listed>,
    known: Option<&Arc<Site>>,
    problems: &mut Vec<String>,
) -> Result<Option<Site>> {
    for (i, b) in bundles.iter().enumerate().rev() {
        if let Some(k) = known.filter(|k| k.newest_key == b.key) {
            return Ok(Some(Site {
                code: code.to_owned(),
                newest: k.newest.clone(),
                newest_key: b.key.clone(),
                trend: k.trend.clone(),
                bundles,
            }));
        }
        let summary = match read_summary(storage, &b.key) {
            Ok(Some(s)) => s,
            Ok(None) => continue,
            Err(e @ ArchiveError::DamagedSummary { .. }) => {
                problems.push(e.to_string());
                continue;
            }
            Err(e) => return Err(e),
        };
        let trend = if summary.trend.is_empty() {
            // A summary of the first format: the trend from the summaries before it.
            let from = (i + 1).saturating_sub(TREND_POINTS);
            let mut points = Vec::new();
            for older in &bundles[from..i] {
                if let Ok(Some(s)) = read_summary(storage, &older.key) {
                    points.push(s.point());
                }
            }
            points.push(summary.point());
            points
        } else {
            summary.trend.clone()
        };
        return Ok(Some(Site {
            code: code.to_owned(),
            newest: Arc::new(summary),
            newest_key: b.key.clone(),
            trend: Arc::new(trend),
            bundles,
        }));
    }
    Ok(None)
}

fn gaps_across(sites: &[ReportSite]) -> Vec<GapAcross> {
    let mut skills: BTreeMap<&str, GapAcross> = BTreeMap::new();
    for s in sites {
        for g in &s.summary.gaps {
            let e = skills.entry(&g.skill_code).or_insert_with(|| GapAcross {
                skill_code: g.skill_code.clone(),
                skill: g.skill.clone(),
                employees: 0,
                sites: Vec::new(),
            });
            e.employees += g.employees;
            e.sites.push(SiteCount {
                site_code: s.summary.site_code.clone(),
                employees: g.employees,
            });
        }
    }
    let mut out: Vec<GapAcross> = skills.into_values().collect();
    for g in &mut out {
        g.sites.sort_by(|a, b| {
            b.employees
                .cmp(&a.employees)
                .then(a.site_code.cmp(&b.site_code))
        });
    }
    out.sort_by(|a, b| {
        b.employees
            .cmp(&a.employees)
            .then(a.skill_code.cmp(&b.skill_code))
    });
    out
}

fn expiring_across(sites: &[ReportSite]) -> Vec<ExpiryAcross> {
    let mut skills: BTreeMap<&str, ExpiryAcross> = BTreeMap::new();
    for s in sites {
        for x in &s.summary.expiring {
            let e = skills.entry(&x.skill_code).or_insert_with(|| ExpiryAcross {
                skill_code: x.skill_code.clone(),
                skill: x.skill.clone(),
                within_30: 0,
                within_60: 0,
                within_90: 0,
                sites: Vec::new(),
            });
            e.within_30 += x.within_30;
            e.within_60 += x.within_60;
            e.within_90 += x.within_90;
            e.sites.push(SiteExpiry {
                site_code: s.summary.site_code.clone(),
                within_30: x.within_30,
                within_60: x.within_60,
                within_90: x.within_90,
            });
        }
    }
    let mut out: Vec<ExpiryAcross> = skills.into_values().collect();
    for x in &mut out {
        x.sites.sort_by(|a, b| {
            (b.within_30, b.within_90)
                .cmp(&(a.within_30, a.within_90))
                .then(a.site_code.cmp(&b.site_code))
        });
    }
    out.sort_by(|a, b| {
        (b.within_30, b.within_90)
            .cmp(&(a.within_30, a.within_90))
            .then(a.skill_code.cmp(&b.skill_code))
    });
    out
}

/// The company view of a running `caliber archive serve`: the [`Company`] read last, built
/// again by [`CompanyView::reload`] (which [`CompanyView::keep_fresh`] calls on a thread of its
/// own) when the archive changed.
#[derive(Debug)]
pub struct CompanyView {
    archive: Archive,
    current: RwLock<Arc<Company>>,
    failure: Mutex<Option<String>>,
}

impl CompanyView {
    /// Read the archive once.
    pub fn open(archive: Archive) -> Result<CompanyView> {
        let company = archive.company()?;
        Ok(CompanyView {
            archive,
            current: RwLock::new(Arc::new(company)),
            failure: Mutex::new(None),
        })
    }

    /// The archive.
    pub fn archive(&self) -> &Archive {
        &self.archive
    }

    /// What the view shows now.
    pub fn company(&self) -> Arc<Company> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Why the last reload failed, if it did (the view keeps showing what it read before).
    pub fn failure(&self) -> Option<String> {
        self.failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Read the archive again if its listing or enrolment log changed; `true` when the view
    /// changed. A failure is kept for [`CompanyView::failure`] and the view stays as it was.
    pub fn reload(&self) -> Result<bool> {
        let before = self.company();
        let loaded = Company::load(self.archive.storage(), Some(&before));
        let mut failure = self.failure.lock().unwrap_or_else(|p| p.into_inner());
        match loaded {
            Ok(changed) => {
                *failure = None;
                drop(failure);
                let Some(company) = changed else {
                    return Ok(false);
                };
                *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(company);
                Ok(true)
            }
            Err(e) => {
                *failure = Some(format!("{}: {e}", Timestamp::now()));
                Err(e)
            }
        }
    }

    /// Reload `view` every `every` on a thread of its own, until the view is dropped.
    pub fn keep_fresh(view: &Arc<CompanyView>, every: Duration) -> std::io::Result<()> {
        let weak: Weak<CompanyView> = Arc::downgrade(view);
        std::thread::Builder::new()
            .name("archive-reload".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(every);
                    let Some(view) = weak.upgrade() else { break };
                    match view.reload() {
                        Ok(true) => tracing::info!("archive changed: company view reloaded"),
                        Ok(false) => {}
                        Err(e) => tracing::warn!("cannot reload the company view: {e}"),
                    }
                }
            })
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_key_names_its_site_time_and_sequence() {
        let (site, l) = Listed::parse("sites/ATX-01/2026/05/20260503T101112Z-42.bundle", 7)
            .expect("a bundle key");
        assert_eq!(site, "ATX-01");
        assert_eq!(l.file, "20260503T101112Z-42.bundle");
        assert_eq!(l.sequence, 42);
        assert_eq!(l.size, 7);
        assert_eq!(l.created_at.to_string(), "2026-05-03T10:11:12Z");
        for other in [
            "sites/ATX-01/2026/05/20260503T101112Z-42.summary.json",
            "sites/ATX-01/20260503T101112Z-42.bundle",
            "sites/ATX-01/2026/05/x/20260503T101112Z-42.bundle",
            "sites/ATX-01/2026/05/garbage-42.bundle",
            "sites/ATX-01/2026/05/20260503T101112Z-x.bundle",
        ] {
            assert!(Listed::parse(other, 0).is_none(), "{other}");
        }
    }

    fn event(at: i64, action: EnrolmentAction, key: &str) -> EnrolmentEvent {
        EnrolmentEvent {
            at: Timestamp::from_second(at).expect("time"),
            action,
            site_code: "ATX-01".into(),
            key: key.into(),
            reason: Some(format!("r{at}")),
        }
    }

    #[test]
    fn a_signing_key_is_enrolled_replaced_unenrolled_or_unknown() {
        use EnrolmentAction::*;
        let log = vec![
            event(1, Enrol, "old"),
            event(2, ChangeKey, "new"),
            event(3, Unenrol, "new"),
            event(4, Enrol, "newer"),
        ];
        assert_eq!(
            key_state(&log, "ATX-01", "old"),
            KeyState::Replaced {
                at: Timestamp::from_second(2).expect("t"),
                reason: Some("r2".into())
            }
        );
        assert_eq!(
            key_state(&log, "ATX-01", "new"),
            KeyState::Unenrolled {
                at: Timestamp::from_second(3).expect("t"),
                reason: Some("r3".into())
            }
        );
        assert_eq!(key_state(&log, "ATX-01", "newer"), KeyState::Enrolled);
        assert_eq!(
            key_state(&log, "ATX-01", "stranger"),
            KeyState::NeverEnrolled
        );
        assert_eq!(key_state(&log, "LYN-01", "newer"), KeyState::NeverEnrolled);
    }
}
