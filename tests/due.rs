//! The Due page over a real server: every role reads it, the dashboard's expiry figures link
//! to exactly the list behind them, filters narrow it, and the CSV is the same list.

mod common;

use std::sync::Arc;

use caliber::app::AppState;
use caliber::service::{self, DueFilter};
use caliber::store::Store;
use common::WebClient;

fn get(c: &WebClient, path: &str) -> (u16, String) {
    let a = c.get(path);
    (a.status, a.body)
}

#[test]
fn due_list_matches_the_dashboard_and_every_role_reads_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(dir.path()).expect("store"));
    let now = jiff::Timestamp::now();
    caliber::seed::seed_demo(&store, now).expect("seed");
    let base = common::serve_state(AppState::new(store.clone()));

    // The service: the not-yet-expired part of the list equals the dashboard's figures.
    let figures = service::dashboard_figures(&store, now).expect("figures");
    for (days, n) in &figures.expiring {
        let list = service::due_list(
            &store,
            &DueFilter {
                days: Some(*days),
                include_expired: false,
                ..DueFilter::default()
            },
            now,
        )
        .expect("due");
        assert_eq!(list.len(), *n, "within {days} days");
        assert!(list.windows(2).all(|w| w[0].expires_at <= w[1].expires_at));
    }
    let all = service::due_list(
        &store,
        &DueFilter {
            days: Some(90),
            include_expired: true,
            ..DueFilter::default()
        },
        now,
    )
    .expect("due");
    assert!(
        all.iter().any(|i| i.days_left < 0),
        "the demo has expired ones"
    );
    let skill = all[0].skill_id;
    let one_skill = service::due_list(
        &store,
        &DueFilter {
            days: Some(90),
            include_expired: true,
            skill_id: Some(skill),
            ..DueFilter::default()
        },
        now,
    )
    .expect("due");
    assert!(!one_skill.is_empty() && one_skill.iter().all(|i| i.skill_id == skill));
    assert!(one_skill.len() <= all.len());
    let too_far = service::due_list(
        &store,
        &DueFilter {
            days: Some(99_999),
            ..DueFilter::default()
        },
        now,
    );
    assert!(too_far.is_err());

    // The web: the dashboard's figure links to the page, which shows the same count.
    let admin = WebClient::login(&base, "admin@caliber.local", "caliber-admin-demo");
    let (st, dash) = get(&admin, "/");
    assert_eq!(st, 200);
    let (days, n) = figures.expiring[0];
    let link = format!("href=\"/due?expired=0&amp;days={days}\">{n}</a>");
    assert!(dash.contains(&link), "dashboard links {link}");
    let (st, page) = get(&admin, &format!("/due?expired=0&days={days}"));
    assert_eq!(st, 200);
    let summary = if n == 1 {
        format!("1 required certification expires within {days} days")
    } else {
        format!("{n} required certifications expire within {days} days")
    };
    assert!(page.contains(&summary), "{summary}");
    for (email, password) in [
        ("auditor@caliber.local", "caliber-auditor-demo"),
        ("viewer@caliber.local", "caliber-viewer-demo"),
    ] {
        let c = WebClient::login(&base, email, password);
        let (st, page) = get(&c, "/due?days=90");
        assert_eq!(st, 200, "{email}");
        assert!(page.contains(&all[0].name), "{email} sees the list");
    }
    let (st, csv) = get(&admin, "/due.csv?days=90");
    assert_eq!(st, 200);
    assert_eq!(
        csv.lines().count(),
        all.len() + 1,
        "the CSV is the same list"
    );
    assert!(csv.starts_with("employee_number,name,skill"));
    let (st, _) = get(&admin, "/due?days=abc");
    assert_eq!(st, 422, "a bad window is refused with a message");
}
