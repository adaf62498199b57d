//! Login throttling and public rate limits. Failed logins are counted on the wall clock and
//! can be saved and restored ([`LoginThrottle::snapshot`], [`LoginThrottle::restore`]), so a
//! restart of the server (or a crash an attacker provokes) neither lifts a lock nor resets the
//! counts; `cli::serve` keeps them in `DATA_DIR/login-throttle.json`. The public badge page's
//! rate limit stays in memory only: forgetting it costs a burst, not a guess.

use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// Most keys a throttle remembers: beyond it, keys without a failure inside the window are
/// dropped first (bounded memory and file under a flood of made-up names).
const MAX_KEYS: usize = 10_000;

/// Failed logins per key (account or address) within a window lock the key for the rest of it.
#[derive(Debug)]
pub struct LoginThrottle {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<String, Vec<Timestamp>>>,
    /// Something changed since the last [`LoginThrottle::snapshot`].
    dirty: AtomicBool,
}

/// The failures a throttle remembers, by key, as Unix milliseconds: what is saved across a
/// restart.
pub type ThrottleSnapshot = BTreeMap<String, Vec<i64>>;

impl LoginThrottle {
    /// At most `max_failures` failures per `window`.
    pub fn new(max_failures: usize, window: Duration) -> Self {
        LoginThrottle {
            max_failures,
            window,
            failures: Mutex::new(HashMap::new()),
            dirty: AtomicBool::new(false),
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Timestamp>>> {
        self.failures.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether a failure at `t` still counts at `now`. A failure stamped in the future (the
    /// clock was set back) counts until the window has passed after it.
    fn counts(&self, t: Timestamp, now: Timestamp) -> bool {
        let window = SignedDuration::try_from(self.window).unwrap_or(SignedDuration::MAX);
        now.duration_since(t).abs() < window
    }

    /// How long `key` must still wait, if it is locked.
    pub fn locked(&self, key: &str, now: Timestamp) -> Option<Duration> {
        let mut map = self.map();
        let list = map.get_mut(key)?;
        list.retain(|t| self.counts(*t, now));
        if list.len() >= self.max_failures {
            list.iter().min().map(|first| {
                let elapsed = now.duration_since(*first).max(SignedDuration::ZERO);
                self.window
                    .saturating_sub(Duration::try_from(elapsed).unwrap_or(Duration::ZERO))
            })
        } else {
            None
        }
    }

    /// Count a failure for `key`.
    pub fn fail(&self, key: &str, now: Timestamp) {
        let mut map = self.map();
        if map.len() >= MAX_KEYS {
            map.retain(|_, v| v.iter().any(|t| self.counts(*t, now)));
        }
        let list = map.entry(key.to_owned()).or_default();
        list.push(now);
        // Only the newest failures matter for a lock; an address hammering away keeps a short
        // list.
        if list.len() > self.max_failures {
            list.sort();
            let extra = list.len() - self.max_failures;
            list.drain(..extra);
        }
        self.dirty.store(true, Ordering::Release);
    }

    /// Keys starting with `prefix` that are locked now.
    pub fn locked_with_prefix(&self, prefix: &str, now: Timestamp) -> Vec<String> {
        let map = self.map();
        map.iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .filter(|(_, v)| {
                v.iter().filter(|t| self.counts(**t, now)).count() >= self.max_failures
            })
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Forget the failures of every key starting with `prefix` (an administrator unlocks an
    /// account from every address at once).
    pub fn clear_prefix(&self, prefix: &str) {
        self.map().retain(|k, _| !k.starts_with(prefix));
        self.dirty.store(true, Ordering::Release);
    }

    /// Forget `key`'s failures (after a successful login).
    pub fn clear(&self, key: &str) {
        if self.map().remove(key).is_some() {
            self.dirty.store(true, Ordering::Release);
        }
    }

    /// Whether anything changed since the last snapshot; clears the mark.
    pub fn take_dirty(&self) -> bool {
        self.dirty.swap(false, Ordering::AcqRel)
    }

    /// The failures that still count at `now`, to be saved.
    pub fn snapshot(&self, now: Timestamp) -> ThrottleSnapshot {
        self.map()
            .iter()
            .filter_map(|(k, v)| {
                let live: Vec<i64> = v
                    .iter()
                    .filter(|t| self.counts(**t, now))
                    .map(|t| t.as_millisecond())
                    .collect();
                (!live.is_empty()).then(|| (k.clone(), live))
            })
            .collect()
    }

    /// Add saved failures (those that still count at `now`, at most [`MAX_KEYS`] keys) to what
    /// this throttle remembers.
    pub fn restore(&self, saved: &ThrottleSnapshot, now: Timestamp) {
        let mut map = self.map();
        for (k, v) in saved {
            if map.len() >= MAX_KEYS {
                break;
            }
            let live = v
                .iter()
                .filter_map(|ms| Timestamp::from_millisecond(*ms).ok())
                .filter(|t| self.counts(*t, now));
            let list = map.entry(k.clone()).or_default();
            list.extend(live);
            list.sort();
            let extra = list.len().saturating_sub(self.max_failures);
            list.drain(..extra);
        }
        map.retain(|_, v| !v.is_empty());
    }
}

/// What `DATA_DIR/login-throttle.json` holds: both login throttles' failures.
#[derive(Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SavedThrottles {
    /// Failures per (account, address).
    pub accounts: ThrottleSnapshot,
    /// Failures per address.
    pub addresses: ThrottleSnapshot,
}

/// Requests per client address: a burst, then a steady rate (a keyed token bucket from
/// `governor`). Memory stays bounded: idle addresses are dropped when many have been seen.
pub struct RateLimit<C: Clock = DefaultClock> {
    limiter: RateLimiter<String, DefaultKeyedStateStore<String>, C, NoOpMiddleware<C::Instant>>,
    clock: C,
}

impl std::fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimit").finish_non_exhaustive()
    }
}

impl RateLimit {
    /// `burst` requests at once, refilled at `per_minute`.
    pub fn new(burst: u32, per_minute: u32) -> Self {
        RateLimit::with_clock(burst, per_minute, DefaultClock::default())
    }
}

impl<C: Clock + Clone> RateLimit<C> {
    /// The same over another clock (tests move a fake clock forward).
    pub fn with_clock(burst: u32, per_minute: u32, clock: C) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN));
        RateLimit {
            limiter: RateLimiter::new(quota, DefaultKeyedStateStore::default(), clock.clone()),
            clock,
        }
    }

    /// Take one request for `key`; `Err(retry_after)` when over the limit.
    pub fn take(&self, key: &str) -> Result<(), Duration> {
        if self.limiter.len() > 10_000 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&key.to_owned())
            .map_err(|not_until| {
                let wait = not_until.wait_time_from(self.clock.now());
                Duration::from_secs(wait.as_secs_f64().ceil().max(1.0) as u64)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_failures_and_unlocks_after_the_window() {
        let t = LoginThrottle::new(3, Duration::from_secs(60));
        let now = Timestamp::now();
        for i in 0..3 {
            assert_eq!(t.locked("a", now), None, "{i}");
            t.fail("a", now);
        }
        assert_eq!(t.locked("a", now), Some(Duration::from_secs(60)));
        assert_eq!(
            t.locked("a", now + SignedDuration::from_secs(20)),
            Some(Duration::from_secs(40))
        );
        assert_eq!(t.locked("b", now), None);
        assert_eq!(t.locked("a", now + SignedDuration::from_secs(61)), None);
    }

    /// What a snapshot holds comes back after a restore into a new throttle (a restart), minus
    /// what the window has forgotten meanwhile; a clear marks the throttle for saving.
    #[test]
    fn a_snapshot_restores_locks_and_counts() {
        let t = LoginThrottle::new(3, Duration::from_secs(60));
        // The file keeps whole milliseconds: a clock between two would come back up to a
        // millisecond earlier and the lock that much shorter.
        let now = Timestamp::from_millisecond(Timestamp::now().as_millisecond()).expect("now");
        assert!(!t.take_dirty());
        for _ in 0..3 {
            t.fail("account:a@1.2.3.4", now);
        }
        t.fail("account:b@1.2.3.4", now - SignedDuration::from_secs(50));
        assert!(t.take_dirty());
        assert!(!t.take_dirty(), "the mark is taken once");
        let saved = t.snapshot(now);
        let json = serde_json::to_string(&saved).expect("json");
        let back: ThrottleSnapshot = serde_json::from_str(&json).expect("parse");

        let later = now + SignedDuration::from_secs(30);
        let fresh = LoginThrottle::new(3, Duration::from_secs(60));
        fresh.restore(&back, later);
        assert_eq!(
            fresh.locked("account:a@1.2.3.4", later),
            Some(Duration::from_secs(30))
        );
        assert!(
            !fresh.snapshot(later).contains_key("account:b@1.2.3.4"),
            "b's one failure aged out of the window"
        );
        assert_eq!(
            fresh.locked_with_prefix("account:a@", later),
            vec!["account:a@1.2.3.4".to_owned()]
        );
        fresh.clear_prefix("account:a@");
        assert!(fresh.take_dirty());
        assert_eq!(fresh.locked("account:a@1.2.3.4", later), None);
    }

    /// However many failures one key collects, it keeps only as many as a lock needs.
    #[test]
    fn a_key_keeps_only_the_failures_a_lock_needs() {
        let t = LoginThrottle::new(3, Duration::from_secs(60));
        let now = Timestamp::now();
        for i in 0..1000 {
            t.fail("ip:9.9.9.9", now + SignedDuration::from_millis(i));
        }
        assert_eq!(t.snapshot(now)["ip:9.9.9.9"].len(), 3);
        assert!(t.locked("ip:9.9.9.9", now).is_some());
    }

    #[test]
    fn rate_limit_refills() {
        let clock = governor::clock::FakeRelativeClock::default();
        let r = RateLimit::with_clock(2, 60, clock.clone());
        assert!(r.take("ip").is_ok());
        assert!(r.take("ip").is_ok());
        assert_eq!(r.take("ip"), Err(Duration::from_secs(1)));
        assert!(r.take("other").is_ok(), "each address has its own bucket");
        clock.advance(Duration::from_secs(1));
        assert!(r.take("ip").is_ok());
    }
}
