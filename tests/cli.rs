//! The `caliber` binary as an operator uses it: seeding, users, tokens, stations, `check` exit
//! codes, audit verification, and clear errors.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn caliber(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = caliber_bin()
        .args(args)
        .env_remove("CALIBER_DATA_DIR")
        .env_remove("CALIBER_LISTEN")
        .env("CALIBER_CONFIG", "/nonexistent/caliber-test.toml")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn caliber");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().expect("wait")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The `caliber` binary, never reading the machine's `/etc/caliber/caliber.toml`.
fn caliber_bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_caliber"));
    c.env("CALIBER_CONFIG", "/dev/null");
    c
}

#[test]
fn seed_check_and_manage_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().to_str().expect("utf8 path");
    // A config path that doesn't exist is a clear error, not a silent default.
    let o = caliber(&["seed", "--data-dir", d], None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("cannot read config"), "{}", text(&o));

    let run = |args: &[&str], stdin: Option<&str>| {
        let mut child = caliber_bin()
            .args(args)
            .env_remove("CALIBER_CONFIG")
            .env_remove("CALIBER_DATA_DIR")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        if let Some(i) = stdin {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(i.as_bytes())
                .expect("write");
        } else {
            drop(child.stdin.take());
        }
        child.wait_with_output().expect("wait")
    };

    let o = run(&["seed", "--data-dir", d], None);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&["seed", "--data-dir", d], None);
    assert!(!o.status.success(), "seeding twice must be refused");

    // A fully qualified demo employee is green (exit 0); a terminated one is not (exit 1).
    let store = caliber::store::Store::open(dir.path()).expect("open");
    let now = jiff::Timestamp::now();
    let r = store.read().expect("read");
    let mut green = None;
    let mut not_green = None;
    for e in r.list::<caliber::domain::Employee>().expect("employees") {
        let q = caliber::service::employee_qualification(&store, e.id, None, now).expect("q");
        if q.verdict.is_green() {
            green.get_or_insert(e.number.clone());
        } else {
            not_green.get_or_insert(e.number.clone());
        }
    }
    drop(r);
    drop(store);
    let green = green.expect("a green demo employee");
    let not_green = not_green.expect("a red demo employee");
    let o = run(&["check", "--data-dir", d, &green], None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("GREEN"), "{}", text(&o));
    let o = run(&["check", "--data-dir", d, &not_green], None);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let o = run(&["check", "--data-dir", d, "NO-SUCH-PERSON"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("not found"), "{}", text(&o));

    // Users: password from stdin, validated.
    let o = run(
        &[
            "user",
            "add",
            "--data-dir",
            d,
            "--email",
            "qa@plant.example",
            "--role",
            "auditor",
        ],
        Some("short\n"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("at least 10"), "{}", text(&o));
    let o = run(
        &[
            "user",
            "add",
            "--data-dir",
            d,
            "--email",
            "qa@plant.example",
            "--role",
            "auditor",
        ],
        Some("a long enough password\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = run(
        &[
            "user",
            "add",
            "--data-dir",
            d,
            "--email",
            "x@plant.example",
            "--role",
            "boss",
        ],
        Some("a long enough password\n"),
    );
    assert_eq!(o.status.code(), Some(2), "clap rejects an unknown role");
    assert!(text(&o).contains("unknown role"), "{}", text(&o));

    // Tokens and stations print their secret once on stdout.
    let o = run(
        &[
            "token",
            "create",
            "--data-dir",
            d,
            "--role",
            "viewer",
            "--name",
            "hr",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .trim()
            .starts_with("cal_")
    );
    let o = run(
        &["station", "add", "--data-dir", d, "--name", "Bench 9"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .trim()
            .starts_with("stn_")
    );
    let o = run(
        &["station", "add", "--data-dir", d, "--name", "Bench 9"],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "duplicate station name");
    let o = run(
        &[
            "station",
            "add",
            "--data-dir",
            d,
            "--name",
            "B",
            "--project",
            "NOPE",
        ],
        None,
    );
    assert!(
        text(&o).contains("no project with code NOPE"),
        "{}",
        text(&o)
    );

    let o = run(&["verify-audit", "--data-dir", d], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("intact"), "{}", text(&o));
}

#[test]
fn serve_answers_health_on_the_given_port() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Find a free port, then let the server take it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = caliber_bin()
        .args([
            "serve",
            "--data-dir",
            dir.path().to_str().expect("utf8"),
            "--listen",
            &listen,
        ])
        .env("CALIBER_CONFIG", "")
        .env_remove("CALIBER_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let url = format!("http://{listen}/healthz");
    let mut body = None;
    for _ in 0..100 {
        if let Ok(mut r) = ureq::get(&url).call() {
            body = r.body_mut().read_to_string().ok();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    let body = body.expect("server answered /healthz");
    assert!(body.contains("\"status\":\"ok\""), "{body}");
}
