//! The `caliber` binary as an operator uses it: seeding, users, tokens, stations, `check` exit
//! codes, audit verification, and clear errors.

mod common;

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
    let port = common::free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = caliber_bin()
        .args([
            "serve",
            "--data-dir",
            dir.path().to_str().expect("utf8"),
            "--listen",
            &listen,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
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
    let out = child.wait_with_output().expect("wait");
    let body = body.expect("server answered /healthz");
    assert!(body.contains("\"status\":\"ok\""), "{body}");
    // Logs to a pipe (journald, a file) carry no colour escape codes.
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("listening"), "{log}");
    assert!(
        !log.contains('\u{1b}'),
        "ANSI escapes in a non-terminal log: {log:?}"
    );
}

/// Run `caliber ARGS` with `stdin`, returning (exit code, stdout, stderr).
fn run_cli(args: &[&str], stdin: &str) -> (Option<i32>, String, String) {
    let mut child = caliber_bin()
        .args(args)
        .env_remove("CALIBER_DATA_DIR")
        .env_remove("CALIBER_RUNTIME_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn caliber");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin.as_bytes()).expect("write stdin");
    drop(input);
    let o = child.wait_with_output().expect("wait");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Every store command works beside a running server (through its control socket) exactly
/// as it works on a store nobody holds: same output, same exit codes.
#[test]
fn commands_work_beside_a_running_server_with_the_same_output() {
    let served = tempfile::tempdir().expect("tempdir");
    let alone = tempfile::tempdir().expect("tempdir");
    let (s, a) = (
        served.path().to_str().expect("utf8"),
        alone.path().to_str().expect("utf8"),
    );
    for d in [s, a] {
        assert_eq!(run_cli(&["seed", "--data-dir", d], "").0, Some(0));
    }
    let port = common::free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut server = caliber_bin()
        .args(["serve", "--data-dir", s, "--listen", &listen])
        .env_remove("CALIBER_RUNTIME_DIR")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn server");
    let socket = served.path().join("caliber.sock");
    for _ in 0..200 {
        if socket.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(socket.exists(), "the server made its control socket");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&socket)
        .expect("socket")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "only the service user may connect");

    // Each case on both stores; the store held by the server answers through the socket.
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["check", "E1001", "--station", "Press 4"], ""),
        (vec!["check", "E1003", "--station", "Press 4"], ""),
        (vec!["check", "NOBODY-1"], ""),
        (
            vec![
                "user",
                "add",
                "--email",
                "qe@plant.example",
                "--role",
                "auditor",
            ],
            "pw-long-enough-1\n",
        ),
        (
            vec![
                "user",
                "add",
                "--email",
                "qe@plant.example",
                "--role",
                "auditor",
            ],
            "pw-long-enough-1\n",
        ),
        (
            vec![
                "user",
                "add",
                "--email",
                "nopw@plant.example",
                "--role",
                "auditor",
            ],
            "",
        ),
        (
            vec!["user", "passwd", "--email", "qe@plant.example"],
            "pw-long-enough-2\n",
        ),
        (vec!["verify-audit"], ""),
    ];
    for (args, stdin) in &cases {
        let with = |d: &str| {
            let mut v = args.clone();
            v.extend(["--data-dir", d]);
            run_cli(&v, stdin)
        };
        let (served_out, alone_out) = (with(s), with(a));
        assert_eq!(
            served_out.0, alone_out.0,
            "exit code of {args:?}: {served_out:?} vs {alone_out:?}"
        );
        // Same words; event counts differ because the two stores have their own history.
        let words = |t: &str| {
            t.split_whitespace()
                .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(
            words(&served_out.1),
            words(&alone_out.1),
            "stdout of {args:?}"
        );
        assert_eq!(
            words(&served_out.2),
            words(&alone_out.2),
            "stderr of {args:?}"
        );
    }
    // A token made through the socket works on the running server's API at once.
    let (code, token, _) = run_cli(
        &[
            "token",
            "create",
            "--data-dir",
            s,
            "--role",
            "admin",
            "--name",
            "it",
        ],
        "",
    );
    assert_eq!(code, Some(0));
    let mut r = ureq::get(&format!("http://{listen}/api/v1/users"))
        .header("authorization", &format!("Bearer {}", token.trim()))
        .call()
        .expect("users");
    let body = r.body_mut().read_to_string().expect("body");
    assert!(body.contains("qe@plant.example"), "{body}");
    let _ = server.kill();
    let _ = server.wait();
    // With the server gone (its socket left behind), commands open the store themselves.
    let (code, out, err) = run_cli(&["verify-audit", "--data-dir", s], "");
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("audit trail intact"), "{out}");
}

/// Run `caliber demo` on `dir` until it says it is listening; what it printed.
fn demo_banner(dir: &std::path::Path) -> String {
    use std::io::BufRead;
    let port = common::free_port();
    let mut child = caliber_bin()
        .args([
            "demo",
            "--data-dir",
            dir.to_str().expect("utf8"),
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut text = String::new();
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.expect("line");
        text.push_str(&line);
        text.push('\n');
        if line.starts_with("Caliber listening") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    text
}

/// `caliber demo` prints working station keys and badge tokens on every start, not only
/// on the first (a restarted demo used to print neither).
#[test]
fn demo_prints_keys_and_badges_on_every_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("demo");
    let first = demo_banner(&data);
    assert!(first.contains("kiosk keys"), "{first}");
    let second = demo_banner(&data);
    assert!(second.contains("existing demo data kept"), "{second}");
    assert!(
        second.contains("kiosk keys (renewed for this run)"),
        "{second}"
    );
    assert!(
        second.contains("badge tokens") && second.contains("E1001"),
        "{second}"
    );
    // The printed key works: a scan with it is judged.
    let key = second
        .lines()
        .skip_while(|l| !l.contains("kiosk keys"))
        .nth(1)
        .and_then(|l| l.split_whitespace().last())
        .expect("a key")
        .to_owned();
    let store = caliber::store::Store::open(&data).expect("store");
    let token = second
        .lines()
        .find(|l| l.trim_start().starts_with("E1001"))
        .and_then(|l| l.split_whitespace().nth(3))
        .expect("a badge token")
        .to_owned();
    caliber::service::record_scan(&store, &key, &token).expect("the printed key and badge work");
}

/// `store_cache_mib` in caliber.toml sizes the store's page cache: a sensible value opens the
/// store, 0 is refused with the key's name and exit code 2, and an unknown key names itself.
#[test]
fn the_store_cache_is_set_in_the_configuration_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let cfg = dir.path().join("caliber.toml");
    let run = |toml: &str| {
        std::fs::write(&cfg, toml).expect("config");
        let o = caliber_bin()
            .args(["--config"])
            .arg(&cfg)
            .args(["check", "--data-dir"])
            .arg(&data)
            .args(["nobody", "--station", "nowhere"])
            .env_remove("CALIBER_DATA_DIR")
            .output()
            .expect("run");
        (o.status.code(), text(&o))
    };
    let (code, out) = run("store_cache_mib = 0\n");
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("store_cache_mib must be at least 1"), "{out}");
    assert!(
        !data.join("caliber.redb").exists(),
        "nothing created: {out}"
    );
    let (code, out) = run("store_cache_mib = 8\n");
    assert!(!out.contains("store_cache_mib"), "{out}");
    assert!(
        data.join("caliber.redb").exists(),
        "store opened with 8 MiB: {code:?} {out}"
    );
    let (code, out) = run("store_cache_mb = 8\n");
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("store_cache_mb"), "{out}");
}
