//! What a restart must not undo, against the real `caliber serve` process: login locks and
//! the per-address counts of failed logins survive a crash (kill -9) and a clean stop, and an
//! administrator's unlock on the Users page survives them too.

mod common;

use std::path::Path;
use std::time::Duration;

use caliber::domain::AppRole;
use caliber::service::{self, UserInput};
use caliber::store::{Actor, Store};
use common::WebAgent;

const ADMIN: (&str, &str) = ("admin@plant.example", "admin-password-1");
const OPERATOR: (&str, &str) = ("operator@plant.example", "operator-password-1");

/// The administrator login and the second login, with `second_role`.
fn add_logins(store: &Store, second_role: AppRole) {
    for ((email, password), role) in [(ADMIN, AppRole::Admin), (OPERATOR, second_role)] {
        service::create_user(
            store,
            &Actor::named("test"),
            UserInput {
                email: email.into(),
                password: password.into(),
                role,
                employee_id: None,
            },
        )
        .expect("user");
    }
}

/// A data directory with an administrator and an auditor, closed again for the server.
fn data_dir(dir: &Path) {
    let store = Store::open(&dir.join("data")).expect("store");
    add_logins(&store, AppRole::Auditor);
}

/// Kill the server the hard way, as a power cut or an attacker's crash would.
fn crash(child: &mut std::process::Child) {
    child.kill().expect("kill -9");
    let _ = child.wait();
}

/// The saver writes at most once a second: give it that second before a crash.
fn let_the_saver_run() {
    std::thread::sleep(Duration::from_millis(1600));
}

#[test]
fn a_login_lock_survives_a_crash_and_a_restart_and_the_unlock_survives_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    data_dir(dir.path());
    let (mut child, _, port) = common::serve_process(dir.path(), "");
    let web = WebAgent::new(&format!("http://127.0.0.1:{port}"));
    for i in 0..5 {
        let refused = web
            .login(OPERATOR.0, "not-the-password")
            .expect_err("wrong");
        assert_eq!(refused.0, 401, "failure {i}");
    }
    let locked = web.login(OPERATOR.0, OPERATOR.1).expect_err("locked");
    assert_eq!(
        locked.0, 429,
        "five failures lock the account from this address"
    );
    let_the_saver_run();
    crash(&mut child);
    assert!(dir.path().join("data/login-throttle.json").exists());

    let (mut child, _, port) = common::serve_process(dir.path(), "");
    let web = WebAgent::new(&format!("http://127.0.0.1:{port}"));
    let locked = web.login(OPERATOR.0, OPERATOR.1).expect_err("still locked");
    assert_eq!(locked.0, 429, "a crash and a restart did not lift the lock");
    assert!(locked.1.contains("Too many failed logins"), "{}", locked.1);

    // The administrator sees the lock on the Users page and lifts it.
    let admin = web.login(ADMIN.0, ADMIN.1).expect("admin logs in");
    let (status, page, _) = web.get(&admin, "/users");
    assert_eq!(status, 200);
    let operator = page
        .split("action=\"/users/")
        .filter_map(|s| s.split('"').next())
        .find(|s| s.ends_with("/unlock"))
        .expect("an Unlock button for the locked operator")
        .to_owned();
    let (status, _, _) = web.post(&admin, &format!("/users/{operator}"), &[]);
    assert_eq!(status, 303);
    // A clean stop saves at once, without waiting for the saver's second.
    common::stop_gracefully(&mut child);

    let (mut child, _, port) = common::serve_process(dir.path(), "");
    let web = WebAgent::new(&format!("http://127.0.0.1:{port}"));
    web.login(OPERATOR.0, OPERATOR.1)
        .expect("the unlock was kept across the restart");
    crash(&mut child);
}

#[test]
fn failed_logins_per_address_are_counted_across_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    data_dir(dir.path());
    let (mut child, _, port) = common::serve_process(dir.path(), "");
    let web = WebAgent::new(&format!("http://127.0.0.1:{port}"));
    // Twenty failures from one address lock the address (four times an account's five), each
    // with another made-up email so no account lock comes first.
    for i in 0..12 {
        let refused = web
            .login(&format!("guess{i}@plant.example"), "guess")
            .expect_err("no such user");
        assert_eq!(refused.0, 401, "failure {i}");
    }
    common::stop_gracefully(&mut child);

    let (mut child, _, port) = common::serve_process(dir.path(), "");
    let web = WebAgent::new(&format!("http://127.0.0.1:{port}"));
    for i in 12..20 {
        let refused = web
            .login(&format!("guess{i}@plant.example"), "guess")
            .expect_err("no such user");
        assert_eq!(refused.0, 401, "failure {i}");
    }
    let locked = web.login(ADMIN.0, ADMIN.1).expect_err("address locked");
    assert_eq!(
        locked.0, 429,
        "the twelve failures before the restart still count for this address"
    );
    let_the_saver_run();
    crash(&mut child);

    let (mut child, _, port) = common::serve_process(dir.path(), "");
    let web = WebAgent::new(&format!("http://127.0.0.1:{port}"));
    assert_eq!(
        web.login(ADMIN.0, ADMIN.1).expect_err("still locked").0,
        429
    );
    crash(&mut child);
}

/// A damaged throttle file is logged and ignored: the server starts, and logins work.
#[test]
fn a_damaged_throttle_file_does_not_stop_the_server() {
    let dir = tempfile::tempdir().expect("tempdir");
    data_dir(dir.path());
    std::fs::write(dir.path().join("data/login-throttle.json"), b"{ not json").expect("write");
    let (mut child, line, port) = common::serve_process(dir.path(), "");
    assert!(line.contains("listening"), "{line}");
    let web = WebAgent::new(&format!("http://127.0.0.1:{port}"));
    web.login(ADMIN.0, ADMIN.1).expect("logs in");
    crash(&mut child);
}

/// A generated site of `employees`, an administrator and a trainer, served in-process with a
/// public URL set (badges can be printed).
fn badge_site(employees: usize) -> (tempfile::TempDir, std::sync::Arc<Store>, WebAgent) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = std::sync::Arc::new(Store::open(dir.path()).expect("store"));
    caliber::seed::generate(&store, employees, 5, 7, jiff::Timestamp::now()).expect("generate");
    add_logins(&store, AppRole::Trainer);
    let state = caliber::app::AppState::new(store.clone()).with_web(caliber::web::WebSettings {
        public_url: Some("https://caliber.plant.example".into()),
        ..caliber::web::WebSettings::default()
    });
    let web = WebAgent::new(&common::serve_state(state));
    (dir, store, web)
}

/// Employees that get a badge, by id.
fn badge_holders(store: &Store) -> std::collections::HashMap<String, caliber::domain::Employee> {
    store
        .read()
        .expect("read")
        .list::<caliber::domain::Employee>()
        .expect("employees")
        .into_iter()
        .filter(|e| {
            e.deleted_at.is_none() && e.status != caliber::domain::EmployeeStatus::Terminated
        })
        .map(|e| (e.id.to_string(), e))
        .collect()
}

/// The QR image links of a sheet: (employee id, tag).
fn sheet_images(page: &str) -> Vec<(String, String)> {
    page.split("src=\"/employees/")
        .skip(1)
        .filter_map(|s| {
            let (id, rest) = s.split_once("/qr.svg?v=")?;
            Some((id.to_owned(), rest.split('"').next()?.to_owned()))
        })
        .collect()
}

/// The dark modules an SVG from `/employees/{id}/qr.svg` draws, as a grid of `side` squares
/// (its runs are `M{x} {y}h{n}v1h-{n}z`).
fn svg_modules(svg: &str) -> (usize, Vec<bool>) {
    let side: usize = svg
        .split("viewBox=\"0 0 ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .expect("viewBox");
    let path = svg
        .split(" d=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("path");
    let mut grid = vec![false; side * side];
    for run in path.split('M').filter(|r| !r.is_empty()) {
        let (xy, rest) = run.split_once('h').expect("run");
        let (x, y) = xy.split_once(' ').expect("x y");
        let (x, y): (usize, usize) = (x.parse().expect("x"), y.parse().expect("y"));
        let n: usize = rest
            .split('v')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("n");
        for dx in 0..n {
            grid[y * side + x + dx] = true;
        }
    }
    (side, grid)
}

#[test]
fn the_badge_sheet_pages_a_big_site_keeps_its_filters_and_links_each_qr_code() {
    let (_dir, store, web) = badge_site(450);
    let holders = badge_holders(&store);
    let total = holders.len();
    assert!(total > 400, "{total} badge holders");
    let admin = web.login(ADMIN.0, ADMIN.1).expect("admin");

    // The first page: 200 cards, each QR code a link, not inline; every page and the
    // whole-selection sheet one click away.
    let (status, first, _) = web.get(&admin, "/badges/print");
    assert_eq!(status, 200);
    assert_eq!(first.matches("class=\"cr80\"").count(), 200);
    assert!(!first.contains("<svg"), "no QR code inline");
    assert!(
        first.len() < 150 * 1024,
        "{} bytes for 200 cards",
        first.len()
    );
    assert!(first.contains(&format!("Cards 1–200 of {total}.")), "range");
    for page in 1..3 {
        assert!(
            first.contains(&format!("&amp;page={page}\"")),
            "link to page {page}"
        );
    }
    assert!(first.contains("&amp;size=all\""), "whole selection link");

    // Every card on every page is a badge holder, each once, across the three pages.
    let mut seen = std::collections::HashSet::new();
    for page in 0..3 {
        let (_, body, _) = web.get(&admin, &format!("/badges/print?page={page}"));
        for (id, _) in sheet_images(&body) {
            assert!(holders.contains_key(&id), "{id} gets no badge");
            assert!(seen.insert(id), "a card twice");
        }
    }
    assert_eq!(seen.len(), total, "every badge holder on some page");
    let (_, last, _) = web.get(&admin, "/badges/print?page=99");
    assert_eq!(
        sheet_images(&last).len(),
        total - 400,
        "a page past the end is the last page"
    );

    // All on one page, for a site printed in one go.
    let (_, all, _) = web.get(&admin, "/badges/print?size=all");
    assert_eq!(sheet_images(&all).len(), total);

    // A site's filter is kept on every page link and selects only that site.
    let site = holders.values().next().expect("someone").site_id;
    let at_site = holders.values().filter(|e| e.site_id == site).count();
    let (_, body, _) = web.get(&admin, &format!("/badges/print?site={site}&size=all"));
    let cards = sheet_images(&body);
    assert_eq!(cards.len(), at_site);
    assert!(cards.iter().all(|(id, _)| holders[id].site_id == site));
    if at_site > 200 {
        assert!(body.contains(&format!("site={site}&amp;department=")));
    }

    // One QR image: the badge URL, kept by the browser for good under its tagged URL.
    let (id, tag) = sheet_images(&first).swap_remove(0);
    let path = format!("/employees/{id}/qr.svg?v={tag}");
    let (status, content_type, svg) = web.get_bytes(&admin, &path);
    assert_eq!(status, 200);
    assert_eq!(content_type, "image/svg+xml");
    let svg = String::from_utf8(svg).expect("svg text");
    assert!(svg.len() < 8 * 1024, "{} bytes of SVG", svg.len());
    let url = format!(
        "https://caliber.plant.example/b/{}",
        holders[&id].badge_token.as_str()
    );
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .expect("qr");
    let (side, grid) = svg_modules(&svg);
    let n = code.width();
    assert_eq!(side, n + 8, "a four-module quiet zone");
    let colors = code.to_colors();
    for y in 0..side {
        for x in 0..side {
            let inside = (4..n + 4).contains(&x) && (4..n + 4).contains(&y);
            let dark = inside && colors[(y - 4) * n + (x - 4)] == qrcode::Color::Dark;
            assert_eq!(grid[y * side + x], dark, "module ({x}, {y})");
        }
    }
    let cache = |path: &str| {
        let r = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent()
            .get(&format!("{}{path}", web.base))
            .header("cookie", admin.cookie.as_deref().expect("cookie"))
            .call()
            .expect("qr");
        r.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    assert_eq!(cache(&path), "private, max-age=31536000, immutable");
    assert_eq!(
        cache(&format!("/employees/{id}/qr.svg")),
        "private, no-cache"
    );

    // A new badge is a new URL, so no browser prints the old one from its cache.
    service::regenerate_badge(&store, &Actor::named("test"), id.parse().expect("uuid"))
        .expect("regenerate");
    assert_eq!(cache(&path), "private, no-cache", "the old tag is stale");
    let (_, again, _) = web.get(&admin, "/badges/print");
    let new_tag = sheet_images(&again)
        .into_iter()
        .find(|(i, _)| *i == id)
        .map(|(_, t)| t)
        .expect("still on the first page");
    assert_ne!(new_tag, tag);

    // Whoever cannot print badges sees no QR code: it is the badge.
    let trainer = web.login(OPERATOR.0, OPERATOR.1).expect("trainer");
    for path in [
        path.as_str(),
        &format!("/employees/{id}/qr.png"),
        "/badges/print",
    ] {
        assert_eq!(web.get(&trainer, path).0, 403, "{path}");
    }
    let (_, page, _) = web.get(&trainer, &format!("/employees/{id}"));
    assert!(!page.contains("/qr.svg"), "no QR code on the employee page");
}
