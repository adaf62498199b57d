//! A training coordinator's day one in a real browser (headless Debian Chromium): the
//! dashboard's bus-factor flag leads to the station's coverage, the Due page leads to the
//! training plan and its printable sign-up sheet, and an employee file is uploaded,
//! previewed and imported with one click. Screenshots of these pages and of the Account
//! page go to `docs/screens/` with `CALIBER_UPDATE_SCREENS=1`.

mod common;

use std::sync::Arc;

use caliber::app::AppState;
use caliber::domain::{Employee, Project};
use caliber::service;
use caliber::store::Store;
use common::browser::{session, shot, start_driver, wait_for};
use fantoccini::Locator;

#[test]
fn import_plan_and_bus_factor_in_a_real_browser() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(dir.path()).expect("store"));
    caliber::seed::seed_demo(&store, jiff::Timestamp::now()).expect("seed");
    // The plant asks for four people per station: the demo's smaller stations are flagged.
    let minimum = 4;
    let coverage =
        service::coverage(&store, None, minimum, jiff::Timestamp::now()).expect("coverage");
    let short = coverage
        .stations
        .iter()
        .find(|s| s.below_minimum)
        .expect("a station below four")
        .clone();
    let base = common::serve_state(AppState::new(store.clone()).with_min_coverage(minimum));
    let line = store
        .read()
        .expect("read")
        .list::<Project>()
        .expect("lines")
        .into_iter()
        .find(|p| p.code == "ATX-L1")
        .expect("line")
        .id;
    // An employee file as a plant edits it: the export, one person renamed, one new.
    let export = service::export_employees(&store).expect("export");
    let mut text = String::from_utf8(export).expect("utf8");
    let first = store
        .read()
        .expect("read")
        .list::<Employee>()
        .expect("employees")
        .into_iter()
        .min_by(|a, b| a.number.cmp(&b.number))
        .expect("someone");
    text = text.replacen(&first.name, "Maria Gonzalez-Reyes", 1);
    text.push_str(
        "E9700,Ines Import,ATX-01,Molding,Machine Operator,ATX-L1,active,2026-01-05,,,\n",
    );
    let upload = dir.path().join("employees-edited.csv");
    std::fs::write(&upload, text).expect("file");

    let (_driver, webdriver) = start_driver();
    let profile = tempfile::tempdir().expect("profile");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    rt.block_on(async move {
        let c = session(&webdriver, profile.path(), &[], None).await;
        c.set_window_size(1366, 1000).await.expect("size");
        c.goto(&format!("{base}/login")).await.expect("login page");
        c.find(Locator::Id("email")).await.expect("email").send_keys("admin@caliber.local").await.expect("type");
        c.find(Locator::Id("password")).await.expect("pw").send_keys("caliber-admin-demo").await.expect("type");
        c.find(Locator::Css("button.primary")).await.expect("button").click().await.expect("click");

        // The dashboard flags the short stations; one click opens the station's coverage.
        let dash = wait_for(&c, "Bus factor: stations short of qualified people").await;
        assert!(dash.contains(&short.station));
        c.execute("document.getElementById('bus-factor').scrollIntoView()", vec![]).await.expect("scroll");
        shot(&c, "dashboard-bus-factor.png").await;
        let link = format!("#short-stations a[href=\"/stations#station-{}\"]", short.station_id);
        c.find(Locator::Css(&link)).await.expect("station link").click().await.expect("click");
        wait_for(&c, "Who may run each station now").await;
        let url = c.current_url().await.expect("url");
        assert_eq!(url.fragment(), Some(format!("station-{}", short.station_id).as_str()));
        let targeted = c
            .execute("return document.querySelector('tr:target')?.id ?? null;", vec![])
            .await
            .expect("script");
        assert_eq!(targeted, serde_json::json!(format!("station-{}", short.station_id)));
        shot(&c, "stations-coverage.png").await;

        // Due → the training plan of the same selection (a line) → its sign-up sheets.
        c.goto(&format!("{base}/due?days=90")).await.expect("due");
        wait_for(&c, "Training plan for this selection").await;
        shot(&c, "due.png").await;
        c.goto(&format!("{base}/due?days=90&project={line}")).await.expect("due");
        wait_for(&c, "Training plan for this selection").await;
        c.find(Locator::LinkText("Training plan for this selection")).await.expect("plan link").click().await.expect("click");
        let plan = wait_for(&c, "id=\"plan-summary\"").await;
        assert!(plan.contains("Line ATX Line 1 Injection"));
        c.find(Locator::LinkText("Printable sign-up sheet")).await.expect("sheet link").click().await.expect("click");
        let sheet = wait_for(&c, "Training sign-up: ").await;
        assert!(sheet.contains("Line ATX Line 1 Injection"));
        // The whole site's plan for the next quarter, and its sheets, for the pictures.
        c.goto(&format!("{base}/training?days=90")).await.expect("plan");
        wait_for(&c, "Whole site: ").await;
        shot(&c, "training-plan.png").await;
        c.find(Locator::LinkText("Printable sign-up sheet")).await.expect("sheet link").click().await.expect("click");
        let sheet = wait_for(&c, "Training sign-up: ").await;
        assert!(sheet.contains("Signature"));
        // The print button is wired by /print.js, not inline script.
        let wired = c
            .execute("return !document.getElementById('print').hasAttribute('onclick') && !!document.querySelector('script[src=\"/print.js\"]');", vec![])
            .await
            .expect("script");
        assert_eq!(wired, serde_json::json!(true));
        shot(&c, "training-sheet.png").await;

        // Import: upload, preview, one click.
        c.goto(&format!("{base}/imports")).await.expect("imports");
        wait_for(&c, "What the file holds").await;
        c.find(Locator::Id("file")).await.expect("file").send_keys(upload.to_str().expect("path")).await.expect("choose");
        c.find(Locator::Css("form.grid button.primary")).await.expect("preview").click().await.expect("click");
        let preview = wait_for(&c, "id=\"import-counts\"").await;
        assert!(preview.contains("1 created, 1 updated"), "the preview counts the edits");
        shot(&c, "import-preview.png").await;
        c.find(Locator::Id("commit")).await.expect("commit").click().await.expect("click");
        wait_for(&c, "employees-edited.csv was imported").await;

        c.goto(&format!("{base}/account")).await.expect("account");
        wait_for(&c, "<h1>My account</h1>").await;
        shot(&c, "account.png").await;
        c.close().await.expect("close");
    });
    let people: Vec<Employee> = store.read().expect("read").list().expect("employees");
    assert!(people.iter().any(|e| e.number == "E9700"));
    assert!(people.iter().any(|e| e.name == "Maria Gonzalez-Reyes"));
}
