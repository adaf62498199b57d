//! Login throttling and public rate limits, in memory: they protect a running server from
//! guessing and scraping; a restart forgetting them is acceptable (each restart is logged).

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

/// Failed logins per key (account or address) within a window lock the key for the rest of it.
#[derive(Debug)]
pub struct LoginThrottle {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginThrottle {
    /// At most `max_failures` failures per `window`.
    pub fn new(max_failures: usize, window: Duration) -> Self {
        LoginThrottle {
            max_failures,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// How long `key` must still wait, if it is locked.
    pub fn locked(&self, key: &str, now: Instant) -> Option<Duration> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let list = map.get_mut(key)?;
        list.retain(|t| now.duration_since(*t) < self.window);
        if list.len() >= self.max_failures {
            list.first()
                .map(|first| self.window.saturating_sub(now.duration_since(*first)))
        } else {
            None
        }
    }

    /// Count a failure for `key`.
    pub fn fail(&self, key: &str, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 10_000 {
            // Bounded memory under a flood of made-up names.
            map.retain(|_, v| {
                v.last()
                    .is_some_and(|t| now.duration_since(*t) < self.window)
            });
        }
        map.entry(key.to_owned()).or_default().push(now);
    }

    /// Keys starting with `prefix` that are locked now.
    pub fn locked_with_prefix(&self, prefix: &str, now: Instant) -> Vec<String> {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .filter(|(_, v)| {
                v.iter()
                    .filter(|t| now.duration_since(**t) < self.window)
                    .count()
                    >= self.max_failures
            })
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Forget the failures of every key starting with `prefix` (an administrator unlocks an
    /// account from every address at once).
    pub fn clear_prefix(&self, prefix: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|k, _| !k.starts_with(prefix));
    }

    /// Forget `key`'s failures (after a successful login).
    pub fn clear(&self, key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
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
        let now = Instant::now();
        for i in 0..3 {
            assert_eq!(t.locked("a", now), None, "{i}");
            t.fail("a", now);
        }
        assert!(t.locked("a", now).is_some());
        assert_eq!(t.locked("b", now), None);
        assert_eq!(t.locked("a", now + Duration::from_secs(61)), None);
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
