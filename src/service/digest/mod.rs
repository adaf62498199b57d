//! Daily expiry digests by e-mail through the plant's SMTP relay.
//!
//! A run plans (`plan`: which certifications reached a threshold, what they block, who is
//! told), queues one message per recipient in the store's outbox (with its audit event),
//! then hands the outbox to the relay (`relay`). A message the relay accepts leaves the
//! outbox and its notices become "delivered" in one transaction with the audit event, so a
//! notice is announced once per threshold; a message the relay cannot take now stays
//! queued (across restarts too) and is retried with [`RelayBackoff`]; one it refuses for
//! good (5xx) is audited with the reason and its notices are planned again the next day.

mod plan;
mod relay;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;
use uuid::Uuid;

pub use plan::{
    AddressRefusal, DigestItem, DigestPlan, PlannedDigest, address_problem, blocked_stations,
    plan_digests, reached_threshold,
};
pub use relay::{RelayError, RelayPassword, RelaySecurity, RelaySettings};

use super::Result;
use crate::domain::{DigestMessage, DigestNotice};
use crate::store::{Actor, Store};

/// The thresholds used unless `caliber.toml` says otherwise: 90, 60, 30 and 7 days before
/// expiry, and on expiry (0).
pub const DEFAULT_THRESHOLDS: [u32; 5] = [90, 60, 30, 7, 0];

/// Someone told about every certification in a scope; each field set narrows the scope
/// (all must match), none set means the whole box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    /// Address.
    pub email: String,
    /// Site code.
    pub site: Option<String>,
    /// Department name.
    pub department: Option<String>,
    /// Skill code.
    pub skill: Option<String>,
}

/// How the box sends expiry digests.
#[derive(Debug, Clone)]
pub struct DigestSettings {
    /// The relay; `None`: digests can be previewed but not sent.
    pub relay: Option<RelaySettings>,
    /// Days before expiry at which a certification is announced (0: on expiry).
    pub thresholds: Vec<u32>,
    /// Tell each employee's supervisor (their employee record's email).
    pub supervisors: bool,
    /// Subscribers by scope.
    pub subscribers: Vec<Subscriber>,
    /// Local time of day (the box's timezone) after which the day's digest is planned.
    pub send_at: jiff::civil::Time,
    /// Held while a run plans, queues or delivers, so the scheduler and `caliber digest
    /// send` beside it never hand the same message to the relay twice.
    pub running: Arc<Mutex<()>>,
}

impl Default for DigestSettings {
    fn default() -> Self {
        DigestSettings {
            relay: None,
            thresholds: DEFAULT_THRESHOLDS.to_vec(),
            supervisors: true,
            subscribers: Vec::new(),
            send_at: jiff::civil::time(6, 0, 0, 0),
            running: Arc::new(Mutex::new(())),
        }
    }
}

impl DigestSettings {
    /// The instant the digest of `day` is planned at: `send_at` that day, box time.
    pub fn planned_at(&self, day: jiff::civil::Date) -> Result<Timestamp> {
        day.to_datetime(self.send_at)
            .to_zoned(jiff::tz::TimeZone::system())
            .map(|z| z.timestamp())
            .map_err(|e| super::ServiceError::invalid("date", format!("{day}: {e}")))
    }
}

/// When each queued message may be tried again after the relay failed it. Kept in memory by
/// whoever delivers (the server's scheduler): a restart tries every queued message at once,
/// which is what an operator who restarts after fixing the relay wants.
#[derive(Debug, Default)]
pub struct RelayBackoff {
    failures: HashMap<Uuid, (u32, Timestamp)>,
    /// Accepted by the relay but not yet recorded (the store write failed): record, never
    /// send again.
    accepted: HashSet<Uuid>,
}

/// The first wait after a failure; it doubles with each failure of the same message.
pub const DIGEST_FIRST_RETRY: Duration = Duration::from_secs(60);
/// The longest wait between two tries of one message.
pub const DIGEST_MAX_RETRY: Duration = Duration::from_secs(3600);

impl RelayBackoff {
    /// Whether message `id` may be tried at `now`.
    pub fn ready(&self, id: Uuid, now: Timestamp) -> bool {
        self.failures.get(&id).is_none_or(|(_, next)| *next <= now)
    }

    /// Note a failed try at `now`; returns when the next one may be.
    pub fn failed(&mut self, id: Uuid, now: Timestamp) -> Timestamp {
        let n = self.failures.get(&id).map_or(0, |f| f.0) + 1;
        let wait = DIGEST_FIRST_RETRY
            .saturating_mul(1u32 << (n - 1).min(16))
            .min(DIGEST_MAX_RETRY);
        let next = now + wait;
        self.failures.insert(id, (n, next));
        next
    }

    /// How many times message `id` failed in a row.
    pub fn failures(&self, id: Uuid) -> u32 {
        self.failures.get(&id).map_or(0, |f| f.0)
    }

    fn forget(&mut self, id: Uuid) {
        self.failures.remove(&id);
        self.accepted.remove(&id);
    }
}

/// What one delivery run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeliveryReport {
    /// Accepted by the relay and recorded: (address, subject).
    pub sent: Vec<(String, String)>,
    /// Refused by the relay for good: (address, reason). Audited; planned again next day.
    pub refused: Vec<(String, String)>,
    /// Could not be handed over now: (address, reason, next try). Still queued.
    pub failed: Vec<(String, String, Timestamp)>,
    /// Queued messages not tried in this run (waiting for their next try).
    pub waiting: usize,
}

#[derive(Serialize)]
struct QueuedAudit<'a> {
    to: &'a str,
    subject: &'a str,
    notices: &'a [DigestNotice],
}

#[derive(Serialize)]
struct SentAudit<'a> {
    to: &'a str,
    subject: &'a str,
    notices: &'a [DigestNotice],
    relay_answer: &'a str,
}

#[derive(Serialize)]
struct RefusedAudit<'a> {
    to: &'a str,
    subject: &'a str,
    reason: &'a str,
}

/// Plan the digest at `now` and queue one message per recipient, all in one transaction
/// with one `digest.queue` audit event per message. Notices queued or delivered by then
/// (another run) are left out. Returns the plan and the messages queued.
pub fn queue_digests(
    store: &Store,
    actor: &Actor,
    settings: &DigestSettings,
    day: &str,
    now: Timestamp,
) -> Result<(DigestPlan, Vec<DigestMessage>)> {
    let plan = plan_digests(store, settings, day, now)?;
    if plan.digests.is_empty() {
        return Ok((plan, Vec::new()));
    }
    let queued = store.write(actor, |w| {
        let mut taken: HashSet<DigestNotice> = w.digest_delivered()?;
        taken.extend(w.digest_outbox()?.iter().flat_map(|m| m.notices.clone()));
        let mut out = Vec::new();
        for d in &plan.digests {
            let mut d = d.clone();
            d.items.retain(|i| !taken.contains(&i.notice));
            if d.items.is_empty() {
                continue;
            }
            let m = d.message(day, now);
            w.queue_digest(&m)?;
            w.audit(
                "digest.queue",
                "digest_message",
                Some(m.id),
                None::<&()>,
                Some(&QueuedAudit {
                    to: &m.to,
                    subject: &m.subject,
                    notices: &m.notices,
                }),
            )?;
            out.push(m);
        }
        Ok::<_, super::ServiceError>(out)
    })?;
    Ok((plan, queued))
}

/// Hand every queued message that is due a try (all of them with `force`) to the relay;
/// record each accepted one (outbox row out, notices delivered, `digest.send` audit event)
/// and each refused-for-good one (`digest.refuse` with the reason) in its own transaction.
/// A message the relay could not take stays queued and gets its next try from `backoff`.
pub fn deliver_queued(
    store: &Store,
    actor: &Actor,
    relay: &RelaySettings,
    backoff: &mut RelayBackoff,
    now: Timestamp,
    force: bool,
) -> Result<DeliveryReport> {
    let mut report = DeliveryReport::default();
    let outbox = store.read()?.digest_outbox()?;
    let mut due = Vec::new();
    for m in outbox {
        if backoff.accepted.contains(&m.id) {
            record_accepted(
                store,
                actor,
                &m,
                "accepted earlier",
                now,
                backoff,
                &mut report,
            )?;
        } else if force || backoff.ready(m.id, now) {
            due.push(m);
        } else {
            report.waiting += 1;
        }
    }
    if due.is_empty() {
        return Ok(report);
    }
    let answers = relay.send_all(&due);
    for (m, answer) in due.iter().zip(answers) {
        match answer {
            Ok(text) => {
                // Never hand it over again, whatever happens to the write below.
                backoff.accepted.insert(m.id);
                record_accepted(store, actor, m, &text, now, backoff, &mut report)?;
            }
            Err(e) if e.permanent => {
                store.write(actor, |w| {
                    if w.digest_refused(m.id)?.is_some() {
                        w.audit(
                            "digest.refuse",
                            "digest_message",
                            Some(m.id),
                            None::<&()>,
                            Some(&RefusedAudit {
                                to: &m.to,
                                subject: &m.subject,
                                reason: &e.reason,
                            }),
                        )?;
                    }
                    Ok::<_, super::ServiceError>(())
                })?;
                backoff.forget(m.id);
                tracing::warn!(to = %m.to, reason = %e.reason, "digest refused by the relay");
                report.refused.push((m.to.clone(), e.reason));
            }
            Err(e) => {
                let next = backoff.failed(m.id, now);
                tracing::warn!(
                    to = %m.to,
                    reason = %e.reason,
                    next = %next,
                    "digest not delivered; stays queued"
                );
                report.failed.push((m.to.clone(), e.reason, next));
            }
        }
    }
    Ok(report)
}

fn record_accepted(
    store: &Store,
    actor: &Actor,
    m: &DigestMessage,
    answer: &str,
    now: Timestamp,
    backoff: &mut RelayBackoff,
    report: &mut DeliveryReport,
) -> Result<()> {
    store.write(actor, |w| {
        if w.digest_accepted(m.id, now)?.is_some() {
            w.audit(
                "digest.send",
                "digest_message",
                Some(m.id),
                None::<&()>,
                Some(&SentAudit {
                    to: &m.to,
                    subject: &m.subject,
                    notices: &m.notices,
                    relay_answer: answer,
                }),
            )?;
        }
        Ok::<_, super::ServiceError>(())
    })?;
    backoff.forget(m.id);
    tracing::info!(to = %m.to, notices = m.notices.len(), "digest delivered");
    report.sent.push((m.to.clone(), m.subject.clone()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_after_each_failure_up_to_an_hour() {
        let mut b = RelayBackoff::default();
        let id = Uuid::from_u128(7);
        let t0: Timestamp = "2026-12-02T06:00:00Z".parse().expect("ts");
        assert!(b.ready(id, t0));
        let next = b.failed(id, t0);
        assert_eq!(next, t0 + DIGEST_FIRST_RETRY);
        assert!(!b.ready(id, t0 + Duration::from_secs(59)));
        assert!(b.ready(id, next));
        let waits: Vec<i64> = (0..10)
            .map(|_| t0.duration_until(b.failed(id, t0)).as_secs())
            .collect();
        assert_eq!(
            waits,
            [120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600, 3600]
        );
        assert_eq!(b.failures(id), 11);
        b.forget(id);
        assert!(b.ready(id, t0));
    }
}
