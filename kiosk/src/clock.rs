//! Is the system clock trustworthy? Expiry dates are judged on the server, but a kiosk with a
//! clock in 1970 shows wrong times and hints at a box that lost its RTC: it refuses GREEN.

use std::path::Path;

/// No real clock reads earlier than this (the first release of this software).
pub const EARLIEST_PLAUSIBLE: &str = "2026-01-01T00:00:00Z";

/// How the kiosk decides the clock is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockCheck {
    /// Later than the earliest plausible date and synchronised per systemd-timesyncd.
    Systemd,
    /// Only the earliest plausible date (boxes without timesyncd, tests).
    Plausible,
}

/// Whether the clock can be trusted now.
pub fn synchronised(check: ClockCheck) -> bool {
    let plausible = EARLIEST_PLAUSIBLE
        .parse::<jiff::Timestamp>()
        .is_ok_and(|earliest| jiff::Timestamp::now() > earliest);
    match check {
        ClockCheck::Plausible => plausible,
        ClockCheck::Systemd => plausible && systemd_synchronised(),
    }
}

fn systemd_synchronised() -> bool {
    // timesyncd touches this file once it has synchronised since boot.
    if Path::new("/run/systemd/timesync/synchronized").exists() {
        return true;
    }
    std::process::Command::new("timedatectl")
        .args(["show", "-p", "NTPSynchronized", "--value"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "yes")
}

/// The local wall-clock time as `HH:MM`.
pub fn wall_clock() -> String {
    jiff::Zoned::now().strftime("%H:%M").to_string()
}
