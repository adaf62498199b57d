//! Report each badge once while it is held in front of the camera.

use std::time::{Duration, Instant};

use crate::payload::BadgeToken;

/// How many decodes it takes to report a badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DebounceMode {
    /// The first decode reports it.
    Single,
    /// Two decodes of the same token within the window (guards against a misread).
    TwoMatching {
        /// How close the two decodes must be.
        window: Duration,
    },
}

/// Turns a stream of decoded tokens into badge events: the same token within `hold_off` of its
/// last sighting is not reported again.
#[derive(Debug)]
pub struct Debouncer {
    hold_off: Duration,
    mode: DebounceMode,
    last_reported: Option<(BadgeToken, Instant)>,
    pending: Option<(BadgeToken, Instant)>,
}

impl Debouncer {
    /// A debouncer; `hold_off` is how long a badge stays "already seen" after its last decode.
    pub fn new(hold_off: Duration, mode: DebounceMode) -> Self {
        Debouncer {
            hold_off,
            mode,
            last_reported: None,
            pending: None,
        }
    }

    /// A token was decoded at `now`: returns it if it should be reported.
    pub fn observe(&mut self, token: BadgeToken, now: Instant) -> Option<BadgeToken> {
        if let Some((last, at)) = &mut self.last_reported
            && *last == token
            && now.saturating_duration_since(*at) < self.hold_off
        {
            // Still in front of the camera: extend the hold-off from this sighting.
            *at = now;
            return None;
        }
        if let DebounceMode::TwoMatching { window } = self.mode {
            match &self.pending {
                Some((p, at)) if *p == token && now.saturating_duration_since(*at) <= window => {}
                _ => {
                    self.pending = Some((token, now));
                    return None;
                }
            }
        }
        self.pending = None;
        self.last_reported = Some((token.clone(), now));
        Some(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PayloadPolicy;

    fn tok(c: char) -> BadgeToken {
        PayloadPolicy::any_host()
            .parse(&c.to_string().repeat(22))
            .expect("token")
    }

    #[test]
    fn reports_a_held_badge_once() {
        let t0 = Instant::now();
        let mut d = Debouncer::new(Duration::from_secs(3), DebounceMode::Single);
        assert_eq!(d.observe(tok('a'), t0), Some(tok('a')));
        // Held for 10 s, seen every 500 ms: never again.
        for i in 1..20 {
            assert_eq!(
                d.observe(tok('a'), t0 + Duration::from_millis(500 * i)),
                None
            );
        }
        // Another badge is reported at once.
        assert_eq!(
            d.observe(tok('b'), t0 + Duration::from_secs(10)),
            Some(tok('b'))
        );
        // The first one again after it went away: reported.
        assert_eq!(
            d.observe(tok('a'), t0 + Duration::from_secs(11)),
            Some(tok('a'))
        );
        // Same badge after the hold-off with no sighting in between: reported.
        assert_eq!(
            d.observe(tok('a'), t0 + Duration::from_secs(15)),
            Some(tok('a'))
        );
    }

    #[test]
    fn two_matching_needs_a_second_decode_in_the_window() {
        let t0 = Instant::now();
        let window = Duration::from_millis(500);
        let mut d = Debouncer::new(Duration::from_secs(3), DebounceMode::TwoMatching { window });
        assert_eq!(d.observe(tok('a'), t0), None);
        assert_eq!(
            d.observe(tok('b'), t0 + Duration::from_millis(100)),
            None,
            "a misread"
        );
        assert_eq!(
            d.observe(tok('b'), t0 + Duration::from_millis(200)),
            Some(tok('b'))
        );
        assert_eq!(d.observe(tok('c'), t0 + Duration::from_secs(5)), None);
        assert_eq!(
            d.observe(tok('c'), t0 + Duration::from_secs(6)),
            None,
            "too far apart"
        );
        assert_eq!(
            d.observe(tok('c'), t0 + Duration::from_millis(6100)),
            Some(tok('c'))
        );
    }
}
