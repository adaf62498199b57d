//! What the daily digest announces and to whom, at `now` passed in: each required
//! certification that crossed a threshold since it was last announced, the stations it
//! blocks (asked of the station verdict engine), routed to the employee's supervisor and to
//! the subscribers whose site, department or skill it falls under.

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use super::{DigestSettings, Subscriber};
use crate::domain::{CertificationFacts, DigestMessage, DigestNotice, Employee, EmployeeStatus};
use crate::qualify::{Catalog, SkillStatus, Verdict, format_date, judge_skills, station_verdict};
use crate::service::{Result, ServiceError};
use crate::store::Store;

/// The threshold a certification expiring at `expires_at` has reached at `now`: the smallest
/// of `thresholds` (days) with at most that many days left; 0 means "on expiry" and is
/// reached only once it has expired. `None` while it is further away than every threshold.
///
/// The reached threshold only ever goes down as time passes, so remembering the one
/// announced is enough to announce each once.
pub fn reached_threshold(thresholds: &[u32], expires_at: Timestamp, now: Timestamp) -> Option<u32> {
    let left = now.duration_until(expires_at);
    thresholds
        .iter()
        .copied()
        .filter(|&t| {
            if t == 0 {
                expires_at <= now
            } else {
                left <= SignedDuration::from_hours(24 * i64::from(t))
            }
        })
        .min()
}

/// The live stations at which `employee` is refused because of `skill` at `at` (the
/// certification's expiry, or now when it has expired), by name: the station verdict
/// engine's answer, so the digest and the kiosks cannot disagree.
pub fn blocked_stations(
    catalog: &Catalog,
    employee: &Employee,
    certifications: &[impl crate::qualify::Evidence],
    skill: Uuid,
    at: Timestamp,
) -> Vec<String> {
    let mut names: Vec<String> = catalog
        .stations
        .values()
        .filter(|s| s.deleted_at.is_none())
        .filter(|s| {
            let (v, _) = station_verdict(catalog, employee, certifications, Some(s), at);
            v.verdict == Verdict::Red && v.reasons.iter().any(|r| r.skill_id == Some(skill))
        })
        .map(|s| s.name.clone())
        .collect();
    names.sort();
    names
}

/// One certification in a digest.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestItem {
    /// Which certification at which threshold.
    pub notice: DigestNotice,
    /// The employee.
    pub employee_id: Uuid,
    /// Employee number.
    pub employee_number: String,
    /// Employee name.
    pub employee_name: String,
    /// Skill code.
    pub skill_code: String,
    /// Skill name.
    pub skill_name: String,
    /// When it expires (or expired).
    pub expires_at: Timestamp,
    /// The expiry date in the employee's site timezone, e.g. `9 Dec 2026`.
    pub date: String,
    /// Whole days left; negative once expired.
    pub days_left: i64,
    /// Stations the employee is refused at because of it, by name.
    pub blocks: Vec<String>,
}

impl DigestItem {
    /// The item as one line of the e-mail.
    pub fn line(&self) -> String {
        let when = if self.days_left < 0 || self.notice.threshold_days == 0 {
            format!("expired {}", self.date)
        } else {
            format!("expires {} (in {} days)", self.date, self.days_left)
        };
        let blocks = if self.blocks.is_empty() {
            "blocks no station".to_owned()
        } else {
            format!("blocks: {}", self.blocks.join(", "))
        };
        format!(
            "- {} ({}): {} ({}), {when}; {blocks}",
            self.employee_name, self.employee_number, self.skill_name, self.skill_code
        )
    }
}

/// One recipient's digest.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedDigest {
    /// Address.
    pub to: String,
    /// Display name (the supervisor's name; empty for a subscriber).
    pub to_name: String,
    /// Why this recipient is told, e.g. `supervisor of Ana Ruiz`, `subscriber (site ATX-01)`.
    pub why: Vec<String>,
    /// What it announces, soonest expiry first.
    pub items: Vec<DigestItem>,
}

impl PlannedDigest {
    /// The e-mail's subject line.
    pub fn subject(&self) -> String {
        let expired = self.items.iter().filter(|i| i.days_left < 0).count();
        let n = self.items.len();
        let noun = if n == 1 {
            "certification"
        } else {
            "certifications"
        };
        if expired > 0 {
            format!("Caliber: {n} {noun} expiring or expired ({expired} expired)")
        } else {
            format!("Caliber: {n} {noun} expiring")
        }
    }

    /// The e-mail's plain-text body.
    pub fn body(&self, day: &str) -> String {
        let mut b = String::new();
        if self.to_name.is_empty() {
            b.push_str("Hello,\n\n");
        } else {
            b.push_str(&format!("Hello {},\n\n", self.to_name));
        }
        b.push_str(&format!(
            "Caliber's expiry digest of {day}: these certifications expire soon or have \
             expired. Plan the retraining before they stop the line.\n\n"
        ));
        for i in &self.items {
            b.push_str(&i.line());
            b.push('\n');
        }
        b.push_str(&format!(
            "\nYou receive this as {}.\nEach certification is announced once at each \
             threshold.\n",
            self.why.join(" and ")
        ));
        b
    }

    /// The message to queue, with a new id.
    pub fn message(&self, day: &str, now: Timestamp) -> DigestMessage {
        DigestMessage {
            id: crate::domain::new_id(),
            to: self.to.clone(),
            to_name: self.to_name.clone(),
            subject: self.subject(),
            body: self.body(day),
            notices: self.items.iter().map(|i| i.notice).collect(),
            queued_at: now,
        }
    }
}

/// An address the digest cannot be sent to, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct AddressRefusal {
    /// Whose address (`supervisor Jane Doe (E7)`, `subscriber`).
    pub who: String,
    /// The address as configured or stored.
    pub address: String,
    /// Why it is refused.
    pub reason: String,
    /// How many items it would have carried.
    pub items: usize,
}

/// What a digest run would send at one instant.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DigestPlan {
    /// The day, in the box's timezone (`2026-12-02`).
    pub day: String,
    /// One digest per recipient, by address.
    pub digests: Vec<PlannedDigest>,
    /// Recipients refused before sending (bad address), with their reason.
    pub refused: Vec<AddressRefusal>,
    /// Items nobody can be told about (no supervisor address, no subscriber).
    pub unrouted: Vec<DigestItem>,
    /// Messages already queued for the relay, waiting.
    pub waiting: Vec<DigestMessage>,
}

/// A subscriber's scope resolved to ids (codes and names checked against the catalog).
struct Scope<'a> {
    subscriber: &'a Subscriber,
    site: Option<Uuid>,
    department: Option<Uuid>,
    skill: Option<Uuid>,
    label: String,
}

fn resolve_scopes<'a>(catalog: &Catalog, subscribers: &'a [Subscriber]) -> Result<Vec<Scope<'a>>> {
    let mut out = Vec::new();
    for s in subscribers {
        let mut label = Vec::new();
        // One scope part: the live record whose key matches `wanted`, or a refusal naming
        // the subscriber and what was not found.
        let mut part = |wanted: &Option<String>,
                        kind: &str,
                        missing: &str,
                        ids: &mut dyn Iterator<Item = (Uuid, &str)>|
         -> Result<Option<Uuid>> {
            let Some(wanted) = wanted else {
                return Ok(None);
            };
            label.push(format!("{kind} {wanted}"));
            Iterator::find(&mut &mut *ids, |(_, key)| key.eq_ignore_ascii_case(wanted))
                .map(|(id, _)| Some(id))
                .ok_or_else(|| {
                    ServiceError::invalid(
                        "digest.subscribers",
                        format!("subscriber {}: no {kind} {missing} '{wanted}'", s.email),
                    )
                })
        };
        let site = part(
            &s.site,
            "site",
            "has the code",
            &mut catalog
                .sites
                .values()
                .filter(|x| x.deleted_at.is_none())
                .map(|x| (x.id, x.code.as_str())),
        )?;
        let department = part(
            &s.department,
            "department",
            "is named",
            &mut catalog
                .departments
                .values()
                .filter(|x| x.deleted_at.is_none())
                .map(|x| (x.id, x.name.as_str())),
        )?;
        let skill = part(
            &s.skill,
            "skill",
            "has the code",
            &mut catalog
                .skills
                .values()
                .filter(|x| x.deleted_at.is_none())
                .map(|x| (x.id, x.code.as_str())),
        )?;
        let label = if label.is_empty() {
            "subscriber (every site)".to_owned()
        } else {
            format!("subscriber ({})", label.join(", "))
        };
        out.push(Scope {
            subscriber: s,
            site,
            department,
            skill,
            label,
        });
    }
    Ok(out)
}

/// Why an address cannot be used, or `None` when the relay can be given it.
pub fn address_problem(address: &str) -> Option<String> {
    match address.trim().parse::<lettre::Address>() {
        Ok(_) => None,
        Err(e) => Some(format!("'{address}' is not an e-mail address ({e})")),
    }
}

/// Plan the digest at `now` without writing anything: every required certification of an
/// active employee that reached a threshold not yet announced (delivered or queued), routed
/// to recipients. `day` names the digest in the e-mails.
pub fn plan_digests(
    store: &Store,
    settings: &DigestSettings,
    day: &str,
    now: Timestamp,
) -> Result<DigestPlan> {
    let catalog = store.catalog();
    let scopes = resolve_scopes(&catalog, &settings.subscribers)?;
    let r = store.read()?;
    let employees: HashMap<Uuid, Employee> = r.live_by_id()?;
    let delivered = r.digest_delivered()?;
    let waiting = r.digest_outbox()?;
    drop(r);
    let queued: HashSet<DigestNotice> = waiting
        .iter()
        .flat_map(|m| m.notices.iter().copied())
        .collect();
    let certs = store.certifications_by_employee()?;
    let none: Vec<CertificationFacts> = Vec::new();

    let mut people: Vec<&Employee> = employees
        .values()
        .filter(|e| e.status == EmployeeStatus::Active)
        .collect();
    people.sort_by(|a, b| a.name.cmp(&b.name).then(a.number.cmp(&b.number)));

    // address → (name, why, items)
    let mut routed: BTreeMap<String, (String, Vec<String>, Vec<DigestItem>)> = BTreeMap::new();
    let mut refused: BTreeMap<String, AddressRefusal> = BTreeMap::new();
    let mut unrouted = Vec::new();
    for e in people {
        let mine = certs.get(&e.id).map_or(&none[..], |v| v.as_slice());
        let zone = catalog.zone(e.site_id);
        for j in judge_skills(&catalog, e, mine, now) {
            if j.required_level.is_none() {
                continue;
            }
            let Some(cert) = j.certification else {
                continue;
            };
            let Some(exp) = cert.expires_at else { continue };
            if exp <= now && j.status != SkillStatus::Expired {
                continue;
            }
            let Some(threshold) = reached_threshold(&settings.thresholds, exp, now) else {
                continue;
            };
            let notice = DigestNotice {
                certification_id: cert.id,
                threshold_days: threshold,
            };
            if delivered.contains(&notice) || queued.contains(&notice) {
                continue;
            }
            let item = DigestItem {
                notice,
                employee_id: e.id,
                employee_number: e.number.clone(),
                employee_name: e.name.clone(),
                skill_code: j.skill.code.clone(),
                skill_name: j.skill.name.clone(),
                expires_at: exp,
                date: format_date(exp, &zone),
                days_left: now.duration_until(exp).as_secs().div_euclid(86_400),
                blocks: blocked_stations(&catalog, e, mine, j.skill.id, exp.max(now)),
            };
            let mut told = false;
            let mut tell = |address: &str, name: &str, why: String, item: &DigestItem| {
                let key = address.trim().to_ascii_lowercase();
                let entry = routed
                    .entry(key)
                    .or_insert_with(|| (name.to_owned(), Vec::new(), Vec::new()));
                if !entry.1.contains(&why) {
                    entry.1.push(why);
                }
                entry.2.push(item.clone());
            };
            if settings.supervisors
                && let Some(boss) = e.supervisor_id.and_then(|s| employees.get(&s))
                && let Some(address) = boss.email.as_deref().filter(|a| !a.trim().is_empty())
            {
                match address_problem(address) {
                    None => {
                        tell(
                            address,
                            &boss.name,
                            format!("supervisor of {}", e.name),
                            &item,
                        );
                        told = true;
                    }
                    Some(reason) => {
                        refused
                            .entry(address.to_owned())
                            .or_insert_with(|| AddressRefusal {
                                who: format!("supervisor {} ({})", boss.name, boss.number),
                                address: address.to_owned(),
                                reason,
                                items: 0,
                            })
                            .items += 1;
                    }
                }
            }
            for s in &scopes {
                let hit = s.site.is_none_or(|x| x == e.site_id)
                    && s.department.is_none_or(|x| Some(x) == e.department_id)
                    && s.skill.is_none_or(|x| x == j.skill.id);
                if hit {
                    tell(&s.subscriber.email, "", s.label.clone(), &item);
                    told = true;
                }
            }
            if !told {
                unrouted.push(item);
            }
        }
    }
    let digests = routed
        .into_iter()
        .map(|(to, (to_name, why, mut items))| {
            items.sort_by(|a, b| {
                a.expires_at
                    .cmp(&b.expires_at)
                    .then_with(|| a.employee_name.cmp(&b.employee_name))
            });
            PlannedDigest {
                to,
                to_name,
                why,
                items,
            }
        })
        .collect();
    Ok(DigestPlan {
        day: day.to_owned(),
        digests,
        refused: refused.into_values().collect(),
        unrouted,
        waiting,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    const DEFAULT: [u32; 5] = [90, 60, 30, 7, 0];

    #[test]
    fn the_smallest_threshold_reached_counts() {
        let exp = at("2026-12-31T00:00:00Z");
        assert_eq!(
            reached_threshold(&DEFAULT, exp, at("2026-09-01T00:00:00Z")),
            None
        );
        assert_eq!(
            reached_threshold(&DEFAULT, exp, at("2026-10-02T00:00:00Z")),
            Some(90),
            "exactly 90 days left"
        );
        assert_eq!(
            reached_threshold(&DEFAULT, exp, at("2026-12-01T00:00:00Z")),
            Some(30)
        );
        assert_eq!(
            reached_threshold(&DEFAULT, exp, at("2026-12-30T23:59:59Z")),
            Some(7),
            "one second left is not yet expired"
        );
        assert_eq!(reached_threshold(&DEFAULT, exp, exp), Some(0));
        assert_eq!(
            reached_threshold(&DEFAULT, exp, at("2027-03-01T00:00:00Z")),
            Some(0)
        );
    }

    #[test]
    fn a_reached_threshold_never_goes_up_as_time_passes() {
        let exp = at("2026-12-31T00:00:00Z");
        let mut last = u32::MAX;
        let mut now = at("2026-08-01T00:00:00Z");
        while now < at("2027-01-10T00:00:00Z") {
            if let Some(t) = reached_threshold(&DEFAULT, exp, now) {
                assert!(t <= last, "{t} after {last} at {now}");
                last = t;
            }
            now += SignedDuration::from_hours(7);
        }
        assert_eq!(last, 0);
    }

    #[test]
    fn without_an_on_expiry_threshold_an_expired_one_keeps_its_last() {
        let exp = at("2026-12-31T00:00:00Z");
        assert_eq!(
            reached_threshold(&[30, 7], exp, at("2027-01-05T00:00:00Z")),
            Some(7)
        );
        assert_eq!(reached_threshold(&[], exp, exp), None);
    }

    #[test]
    fn an_address_without_a_domain_is_refused_with_the_reason() {
        assert!(address_problem("qa@plant.example").is_none());
        let reason = address_problem("jane.doe").expect("refused");
        assert!(
            reason.contains("'jane.doe' is not an e-mail address"),
            "{reason}"
        );
    }
}
