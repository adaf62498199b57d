//! The decoder's time budget per frame, counted in the decoding thread's CPU time.
//!
//! A wall-clock budget measures the neighbours as much as the decoder: on a loaded station
//! (or a shared build machine) a 25 ms wall budget shrinks to a few milliseconds of actual
//! work, and frames that would read are given up. The thread's own CPU time
//! (`CLOCK_THREAD_CPUTIME_ID`) only advances while the decoder runs, so a frame gets the same
//! work however busy the machine is. Where that clock is unavailable, wall time stands in.

use std::time::{Duration, Instant};

/// CPU time consumed by the calling thread so far, or `None` where the platform has no such
/// clock.
#[cfg(unix)]
fn thread_cpu_time() -> Option<Duration> {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid, exclusive pointer.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    (rc == 0).then(|| Duration::new(t.tv_sec as u64, t.tv_nsec as u32))
}

#[cfg(not(unix))]
fn thread_cpu_time() -> Option<Duration> {
    None
}

/// Where a budget's clock started.
#[derive(Debug, Clone, Copy)]
enum Start {
    /// The thread's CPU time at the start.
    Cpu(Duration),
    /// Wall time at the start (no thread CPU clock on this platform).
    Wall(Instant),
}

/// A time budget for one frame, started when created. Only meaningful on the thread that
/// created it (the CPU clock is per thread).
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    start: Start,
    limit: Duration,
}

impl Budget {
    /// A budget of `limit`, starting now on this thread.
    pub fn start(limit: Duration) -> Self {
        let start = match thread_cpu_time() {
            Some(t) => Start::Cpu(t),
            None => Start::Wall(Instant::now()),
        };
        Budget { start, limit }
    }

    /// Time spent since the start.
    pub fn elapsed(&self) -> Duration {
        match self.start {
            Start::Cpu(t0) => thread_cpu_time()
                .map(|t| t.saturating_sub(t0))
                .unwrap_or_default(),
            Start::Wall(t0) => t0.elapsed(),
        }
    }

    /// Whether the whole budget is spent.
    pub fn spent(&self) -> bool {
        self.elapsed() > self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleeping_does_not_spend_the_budget_but_work_does() {
        let b = Budget::start(Duration::from_millis(20));
        std::thread::sleep(Duration::from_millis(40));
        assert!(!b.spent(), "a thread waiting spends no CPU time");
        let t0 = Instant::now();
        let mut x = 0u64;
        // Up to five seconds of wall time: a loaded machine gives this thread a fraction of it.
        while t0.elapsed() < Duration::from_secs(5) && !b.spent() {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        std::hint::black_box(x);
        assert!(b.spent(), "busy work spends it");
    }
}
