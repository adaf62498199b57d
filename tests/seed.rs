//! The demo data shows every status, and the synthetic generator writes a consistent store.

use std::collections::BTreeSet;

use caliber::domain::{Certification, Employee};
use caliber::qualify::{SkillStatus, Verdict};
use caliber::service::{self, judge_badge};
use caliber::store::Store;

#[test]
fn demo_data_shows_every_status_and_verdict() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let now = jiff::Timestamp::now();
    let summary = caliber::seed::seed_demo(&store, now).expect("seed");
    assert!(summary.employee_count >= 10);
    assert_eq!(summary.logins.len(), 6);
    assert!(
        caliber::seed::seed_demo(&store, now).is_err(),
        "only into an empty store"
    );

    let mut statuses = BTreeSet::new();
    for e in store
        .read()
        .expect("read")
        .list::<Employee>()
        .expect("list")
    {
        let q = service::employee_qualification(&store, e.id, None, now).expect("q");
        statuses.extend(q.qualification.skills.iter().map(|l| l.status));
    }
    for st in [
        SkillStatus::Missing,
        SkillStatus::Expired,
        SkillStatus::Outdated,
        SkillStatus::InsufficientLevel,
        SkillStatus::ExpiringSoon,
        SkillStatus::Valid,
        SkillStatus::Extra,
    ] {
        assert!(statuses.contains(&st), "{st:?} missing from the demo data");
    }

    // At Press 4: the notable employees give green, green with a warning, red and amber.
    let catalog = store.catalog();
    let press = catalog
        .stations
        .values()
        .find(|s| s.name == "Press 4")
        .expect("Press 4");
    let verdict = |number: &str| {
        let e = summary
            .employees
            .iter()
            .find(|e| e.number == number)
            .expect("notable employee");
        let token = caliber::domain::BadgeToken::parse(&e.badge_token).expect("token");
        judge_badge(&store, press, &token, now).expect("verdict")
    };
    let maria = verdict("E1001");
    assert_eq!(maria.verdict, Verdict::Green, "{maria:?}");
    let james = verdict("E1002");
    assert_eq!(james.verdict, Verdict::Green, "{james:?}");
    assert!(james.warnings[0].message.starts_with("First Aid — expires"));
    let aisha = verdict("E1005");
    assert_eq!(aisha.verdict, Verdict::Red);
    assert!(aisha.reasons.iter().any(|r| r.message.contains("expired")));
    assert_eq!(verdict("E1007").verdict, Verdict::Amber, "on leave");
    assert_eq!(verdict("E2005").verdict, Verdict::Amber, "terminated");

    let report = store.read().expect("read").verify_audit().expect("verify");
    assert!(report.intact, "{report:?}");
}

#[test]
fn generated_site_has_the_promised_shape() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let now = jiff::Timestamp::now();
    let summary = caliber::seed::generate(&store, 300, 40, 7, now).expect("generate");
    assert_eq!(summary.employees, 300);
    assert!(summary.requirements >= 1200, "{summary}");
    let per_employee = summary.certifications as f64 / 300.0;
    assert!((35.0..=45.0).contains(&per_employee), "{summary}");

    let r = store.read().expect("read");
    let counts = r.counts().expect("counts");
    assert_eq!(counts.employees, 300);
    assert_eq!(counts.certifications as usize, summary.certifications);
    let all: Vec<Certification> = r.list().expect("certs");
    for e in r.list::<Employee>().expect("employees").iter().take(20) {
        let mut by_index: Vec<_> = r
            .certifications_of(e.id)
            .expect("index")
            .iter()
            .map(|c| c.id)
            .collect();
        let mut by_scan: Vec<_> = all
            .iter()
            .filter(|c| c.employee_id == e.id)
            .map(|c| c.id)
            .collect();
        by_index.sort();
        by_scan.sort();
        assert_eq!(by_index, by_scan);
        let found =
            service::employee_by_badge_or_number(&r, e.badge_token.as_str()).expect("badge");
        assert_eq!(found.id, e.id);
    }
    assert!(r.verify_audit().expect("verify").intact);
    drop(r);
    // The statuses are a realistic mix.
    let m = service::matrix(&store, &Default::default(), now).expect("matrix");
    let mut seen = BTreeSet::new();
    for row in &m.rows {
        seen.extend(row.cells.iter().map(|c| c.status));
    }
    assert!(seen.len() >= 6, "{seen:?}");
    // Same seed, same site.
    let dir2 = tempfile::tempdir().expect("tempdir");
    let store2 = Store::open(dir2.path()).expect("open");
    let again = caliber::seed::generate(&store2, 300, 40, 7, now).expect("generate");
    assert_eq!(again.certifications, summary.certifications);
    assert_eq!(again.requirements, summary.requirements);
}
