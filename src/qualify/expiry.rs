//! Calendar-month expiry in a site's timezone.

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// When a certification achieved at `achieved_at` stops being valid: `validity_months`
/// calendar months later in the site's timezone, with the day clamped to the month's last day
/// (31 Jan + 1 month = 28/29 Feb). `None` validity never expires; so does an out-of-range date.
///
/// Daylight saving: a local time that falls in a gap (it never happens that day) moves forward
/// past the gap, e.g. 02:30 becomes 03:30; one that falls in a fold (it happens twice) is the
/// earlier of the two instants, so the certification lapses first — the fail-safe choice.
pub fn expires_at(
    achieved_at: Timestamp,
    validity_months: Option<u32>,
    tz: &TimeZone,
) -> Option<Timestamp> {
    let months = i64::from(validity_months?);
    let local = achieved_at.to_zoned(tz.clone()).datetime();
    let due = local.checked_add(months.months()).ok()?;
    // "Compatible" disambiguation is exactly the rule above: later for a gap, earlier for a fold.
    tz.to_ambiguous_zoned(due)
        .compatible()
        .ok()
        .map(|z| z.timestamp())
}

/// A date as people on the line read it, e.g. `3 Nov 2026`, in the site's timezone.
pub fn format_date(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned(tz.clone()).strftime("%-d %b %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tz(name: &str) -> TimeZone {
        TimeZone::get(name).expect("bundled tz")
    }

    fn at(s: &str, zone: &str) -> Timestamp {
        let dt: jiff::civil::DateTime = s.parse().expect("datetime");
        dt.to_zoned(tz(zone)).expect("zoned").timestamp()
    }

    #[test]
    fn adds_calendar_months() {
        let z = tz("America/Chicago");
        let e = expires_at(at("2026-03-15T09:00", "America/Chicago"), Some(12), &z);
        assert_eq!(e, Some(at("2027-03-15T09:00", "America/Chicago")));
    }

    #[test]
    fn clamps_to_month_end() {
        let z = tz("UTC");
        assert_eq!(
            expires_at(at("2026-01-31T10:00", "UTC"), Some(1), &z),
            Some(at("2026-02-28T10:00", "UTC"))
        );
        // Leap year.
        assert_eq!(
            expires_at(at("2028-01-31T10:00", "UTC"), Some(1), &z),
            Some(at("2028-02-29T10:00", "UTC"))
        );
        // Leap day plus a year lands on the 28th.
        assert_eq!(
            expires_at(at("2028-02-29T10:00", "UTC"), Some(12), &z),
            Some(at("2029-02-28T10:00", "UTC"))
        );
        assert_eq!(
            expires_at(at("2026-08-31T10:00", "UTC"), Some(6), &z),
            Some(at("2027-02-28T10:00", "UTC"))
        );
    }

    #[test]
    fn month_is_counted_in_site_timezone() {
        // 23:30 on 31 Jan in Chicago is already 1 Feb in UTC: in Chicago it expires on 28 Feb,
        // in UTC it would be 1 Mar.
        let achieved = at("2026-01-31T23:30", "America/Chicago");
        let chicago = expires_at(achieved, Some(1), &tz("America/Chicago")).expect("expiry");
        assert_eq!(chicago, at("2026-02-28T23:30", "America/Chicago"));
        let utc = expires_at(achieved, Some(1), &tz("UTC")).expect("expiry");
        assert_eq!(utc, at("2026-03-01T05:30", "UTC"));
    }

    #[test]
    fn keeps_wall_clock_across_dst() {
        let z = tz("America/Detroit");
        let e = expires_at(at("2026-01-10T08:00", "America/Detroit"), Some(6), &z);
        assert_eq!(e, Some(at("2026-07-10T08:00", "America/Detroit")));
    }

    #[test]
    fn no_validity_never_expires() {
        assert_eq!(expires_at(Timestamp::UNIX_EPOCH, None, &tz("UTC")), None);
    }

    #[test]
    fn formats_short_dates() {
        assert_eq!(
            format_date(at("2026-11-03T12:00", "UTC"), &tz("UTC")),
            "3 Nov 2026"
        );
    }
}
