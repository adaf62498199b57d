//! Login throttling and public rate limits, in memory: they protect a running server from
//! guessing and scraping; a restart forgetting them is acceptable (each restart is logged).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

    /// Forget `key`'s failures (after a successful login).
    pub fn clear(&self, key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
}

/// A token bucket per client address.
#[derive(Debug)]
pub struct RateLimit {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimit {
    /// `burst` requests at once, refilled at `per_minute`.
    pub fn new(burst: u32, per_minute: u32) -> Self {
        RateLimit {
            burst: f64::from(burst),
            per_second: f64::from(per_minute) / 60.0,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Take one request for `key`; `Err(retry_after)` when over the limit.
    pub fn take(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 10_000 {
            map.retain(|_, (_, t)| now.duration_since(*t) < Duration::from_secs(600));
        }
        let (tokens, at) = map.entry(key.to_owned()).or_insert((self.burst, now));
        *tokens =
            (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - *tokens) / self.per_second.max(1e-6);
            Err(Duration::from_secs_f64(wait.ceil().max(1.0)))
        }
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
        let r = RateLimit::new(2, 60);
        let now = Instant::now();
        assert!(r.take("ip", now).is_ok());
        assert!(r.take("ip", now).is_ok());
        assert_eq!(r.take("ip", now), Err(Duration::from_secs(1)));
        assert!(r.take("ip", now + Duration::from_secs(1)).is_ok());
    }
}
