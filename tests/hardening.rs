//! What a restart must not undo, against the real `caliber serve` process: login locks and
//! the per-address counts of failed logins survive a crash (kill -9) and a clean stop, and an
//! administrator's unlock on the Users page survives them too.

mod common;

use std::path::Path;
use std::time::Duration;

use caliber::domain::AppRole;
use caliber::service::{self, UserInput};
use caliber::store::{Actor, Store};
use common::WebClient;

const ADMIN: (&str, &str) = ("admin@plant.example", "admin-password-1");
const OPERATOR: (&str, &str) = ("operator@plant.example", "operator-password-1");

/// A data directory with an administrator and an auditor, closed again for the server.
fn data_dir(dir: &Path) {
    let store = Store::open(&dir.join("data")).expect("store");
    for ((email, password), role) in [(ADMIN, AppRole::Admin), (OPERATOR, AppRole::Auditor)] {
        service::create_user(
            &store,
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
    let web = WebClient::new(&format!("http://127.0.0.1:{port}"));
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
    let web = WebClient::new(&format!("http://127.0.0.1:{port}"));
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
    let web = WebClient::new(&format!("http://127.0.0.1:{port}"));
    web.login(OPERATOR.0, OPERATOR.1)
        .expect("the unlock was kept across the restart");
    crash(&mut child);
}

#[test]
fn failed_logins_per_address_are_counted_across_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    data_dir(dir.path());
    let (mut child, _, port) = common::serve_process(dir.path(), "");
    let web = WebClient::new(&format!("http://127.0.0.1:{port}"));
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
    let web = WebClient::new(&format!("http://127.0.0.1:{port}"));
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
    let web = WebClient::new(&format!("http://127.0.0.1:{port}"));
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
    let web = WebClient::new(&format!("http://127.0.0.1:{port}"));
    web.login(ADMIN.0, ADMIN.1).expect("logs in");
    crash(&mut child);
}
