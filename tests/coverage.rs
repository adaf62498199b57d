//! Station coverage on the demo site: the people listed as qualified for a station are
//! exactly those the kiosk would turn green, the lapsing ones are green now and not in 30
//! days, the blocked ones are on the station's line and refused with reasons, the minimum
//! flags stations; and every role reads it through the API.

mod common;

use caliber::domain::{AppRole, Employee, EmployeeStatus, Station};
use caliber::service;
use caliber::store::Store;
use jiff::{SignedDuration, Timestamp};

#[test]
fn coverage_is_what_the_kiosks_would_say() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    caliber::seed::seed_demo(&store, Timestamp::now()).expect("seed");
    let now = Timestamp::now();
    let cov = service::coverage(&store, None, 3, now).expect("coverage");
    let stations: Vec<Station> = store
        .read()
        .expect("read")
        .list::<Station>()
        .expect("stations")
        .into_iter()
        .filter(|s| s.deleted_at.is_none())
        .collect();
    assert_eq!(cov.stations.len(), stations.len());
    let employees: Vec<Employee> = store
        .read()
        .expect("read")
        .list::<Employee>()
        .expect("employees")
        .into_iter()
        .filter(|e| e.deleted_at.is_none() && e.status == EmployeeStatus::Active)
        .collect();
    let green_at = |e: &Employee, st: &Station, at: Timestamp| {
        service::employee_qualification(&store, e.id, Some(st.id), at)
            .expect("verdict")
            .verdict
            .is_green()
    };
    let later = now + SignedDuration::from_hours(24 * service::LAPSE_WINDOW_DAYS);
    let mut any_blocked = false;
    for c in &cov.stations {
        let st = stations
            .iter()
            .find(|s| s.id == c.station_id)
            .expect("station");
        let mut expected: Vec<&str> = employees
            .iter()
            .filter(|e| green_at(e, st, now))
            .map(|e| e.name.as_str())
            .collect();
        expected.sort();
        let listed: Vec<&str> = c.qualified.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(listed, expected, "qualified at {}", c.station);
        assert_eq!(c.coverage, listed.len());
        assert_eq!(c.below_minimum, listed.len() < 3);
        for p in &c.lapsing {
            let e = employees
                .iter()
                .find(|e| e.id == p.employee_id)
                .expect("employee");
            assert!(
                green_at(e, st, now) && !green_at(e, st, later),
                "{}",
                p.name
            );
            assert!(!p.reasons.is_empty(), "{} lapses with a reason", p.name);
        }
        for p in &c.blocked {
            let e = employees
                .iter()
                .find(|e| e.id == p.employee_id)
                .expect("employee");
            assert!(!green_at(e, st, now), "{} is blocked", p.name);
            assert!(st.project_id.is_some_and(|l| e.project_ids.contains(&l)));
            assert!(!p.reasons.is_empty(), "{} is blocked with a reason", p.name);
            any_blocked = true;
        }
    }
    assert!(
        any_blocked,
        "the demo has someone blocked at a station of their line"
    );
    let one = &cov.stations[0];
    let only = service::coverage(&store, Some(one.station_id), 3, now).expect("one");
    assert_eq!(only.stations, vec![one.clone()]);
    let everyone = service::coverage(&store, None, usize::MAX, now).expect("all flagged");
    assert!(everyone.stations.iter().all(|s| s.below_minimum));
    assert!(everyone.lines.iter().all(|l| l.below_minimum == l.stations));
}

#[test]
fn every_role_reads_coverage_through_the_api() {
    let s = common::TestServer::start();
    caliber::seed::seed_demo(&s.store, Timestamp::now()).expect("seed");
    for role in [
        AppRole::Viewer,
        AppRole::Trainer,
        AppRole::Auditor,
        AppRole::Admin,
    ] {
        let token = s.token(role);
        let (status, body) = s.call("GET", "/api/v1/coverage?minimum=2", Some(&token), None);
        assert_eq!(status, 200, "{role:?}: {body}");
        assert_eq!(body["minimum"], 2);
        assert!(!body["stations"].as_array().expect("stations").is_empty());
    }
    let (status, _) = s.call("GET", "/api/v1/coverage", Some("not-a-token"), None);
    assert_eq!(status, 401);
    let token = s.token(AppRole::Viewer);
    let (status, body) = s.call(
        "GET",
        &format!("/api/v1/coverage?station_id={}", uuid::Uuid::nil()),
        Some(&token),
        None,
    );
    assert_eq!(status, 404, "{body}");
}
