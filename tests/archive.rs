//! The central archive end to end: real demo stores exported by the real backup export,
//! ingested by the real `caliber archive` binary into an archive in a temp dir.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use caliber::backup::{self, DeviceKey, ExportOptions};
use caliber::domain::Site;
use caliber::service::{self, SiteInput};
use caliber::store::{Actor, Store};

/// A box: a seeded demo store with its own device key. `codes` renames the demo's two
/// sites, so two boxes are two different sites.
struct SiteBox {
    store: Store,
    key: DeviceKey,
}

impl SiteBox {
    fn new(dir: &Path, codes: Option<[&str; 2]>) -> SiteBox {
        let data = dir.join("data");
        let store = Store::open(&data).expect("open");
        caliber::seed::seed_demo(&store, jiff::Timestamp::now()).expect("seed");
        if let Some(codes) = codes {
            let mut sites = store.read().expect("read").list::<Site>().expect("sites");
            sites.sort_by(|a, b| a.code.cmp(&b.code));
            for (s, code) in sites.iter().zip(codes) {
                service::update::<Site>(
                    &store,
                    &Actor::named("test"),
                    s.id,
                    SiteInput {
                        code: code.into(),
                        name: s.name.clone(),
                        timezone: s.timezone.clone(),
                        warning_days: Some(s.warning_days),
                    },
                )
                .expect("rename site");
            }
        }
        let key = DeviceKey::load_or_create(&data).expect("key");
        SiteBox { store, key }
    }

    /// A new bundle in `out`, encrypted to `recipients` when given.
    fn bundle(&self, out: &Path, recipients: &[String]) -> PathBuf {
        std::fs::create_dir_all(out).expect("out");
        let options = ExportOptions {
            recipients: recipients.to_vec(),
            removable: false,
        };
        backup::export(&self.store, &self.key, out, &options)
            .expect("export")
            .path
    }
}

/// `caliber archive ARGS…`: exit code and stdout+stderr.
fn archive(args: &[&str]) -> (i32, String) {
    archive_with(args, &[])
}

/// `caliber archive ARGS…` with `env` set: exit code and stdout+stderr.
fn archive_with(args: &[&str], env: &[(&str, String)]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_caliber"))
        .arg("archive")
        .args(args)
        .env_remove("CALIBER_CONFIG")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("run caliber");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A new archive in `dir/archive`: its folder and recipient.
fn new_archive(dir: &Path) -> (PathBuf, String) {
    let a = dir.join("archive");
    let (code, out) = archive(&["init", "--dir", s(&a)]);
    assert_eq!(code, 0, "{out}");
    (a, out.trim().to_owned())
}

fn enrol(a: &Path, site: &str, key: &str) {
    let (code, out) = archive(&["enrol", "--dir", s(a), "--site-code", site, "--key", key]);
    assert_eq!(code, 0, "{out}");
}

/// Every file under `dir` with its bytes, but the ingest lock (machinery, not content).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).expect("list") {
            let p = e.expect("entry").path();
            if p.file_name()
                .is_some_and(|n| n == caliber::archive::LOCK_FILE)
            {
                continue;
            }
            if p.is_dir() {
                out.insert(p.strip_prefix(dir).expect("under").to_owned(), Vec::new());
                todo.push(p);
            } else {
                let bytes = std::fs::read(&p).expect("read");
                out.insert(p.strip_prefix(dir).expect("under").to_owned(), bytes);
            }
        }
    }
    out
}

/// Ingest `file`, expecting a refusal containing `reason`, and the archive unchanged.
fn assert_refused(a: &Path, file: &Path, reason: &str) {
    let before = snapshot(a);
    let (code, out) = archive(&["ingest", "--dir", s(a), s(file)]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("refused: ") && out.contains(reason), "{out}");
    assert_eq!(out.lines().count(), 1, "one line per file: {out}");
    assert_eq!(snapshot(a), before, "a refusal changes nothing");
}

#[test]
fn init_makes_a_private_identity_and_prints_its_recipient() {
    use std::os::unix::fs::PermissionsExt;
    let t = tempfile::tempdir().expect("tmp");
    let (a, recipient) = new_archive(t.path());
    assert!(recipient.starts_with("age1"), "{recipient}");
    let mode = std::fs::metadata(a.join(caliber::archive::IDENTITY_FILE))
        .expect("identity")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let opened = caliber::archive::Archive::open(&a).expect("open");
    assert_eq!(opened.recipient().expect("recipient"), recipient);
    let (code, out) = archive(&["init", "--dir", s(&a)]);
    assert_eq!(code, 2, "a second init never replaces the identity: {out}");
    assert_eq!(opened.recipient().expect("recipient"), recipient);
    let (code, out) = archive(&["list", "--dir", s(&t.path().join("nothing"))]);
    assert_eq!(code, 2);
    assert!(out.contains("archive init"), "{out}");
}

#[test]
fn enrolment_key_change_needs_a_reason_and_stays_in_the_log() {
    let t = tempfile::tempdir().expect("tmp");
    let (a, _) = new_archive(t.path());
    let k1 = "a".repeat(64);
    let k2 = "B".repeat(64);
    enrol(&a, "atx-01", &k1);
    let (code, out) = archive(&[
        "enrol",
        "--dir",
        s(&a),
        "--site-code",
        "ATX-01",
        "--key",
        &k2,
    ]);
    assert_eq!(code, 2);
    assert!(out.contains("--reason"), "{out}");
    let (code, out) = archive(&[
        "enrol",
        "--dir",
        s(&a),
        "--site-code",
        "ATX-01",
        "--key",
        "xyz",
    ]);
    assert_eq!(code, 2);
    assert!(out.contains("64 hex digits"), "{out}");
    let (code, out) = archive(&["enrol", "--dir", s(&a), "--site-code", "../x", "--key", &k1]);
    assert_eq!(code, 2);
    assert!(out.contains("not valid"), "{out}");
    let (code, out) = archive(&[
        "enrol",
        "--dir",
        s(&a),
        "--site-code",
        "ATX-01",
        "--key",
        &k2,
        "--reason",
        "replacement box",
    ]);
    assert_eq!(code, 0, "{out}");
    let (_, list) = archive(&["list", "--dir", s(&a)]);
    assert!(
        list.contains("ATX-01") && list.contains(&"b".repeat(64)),
        "{list}"
    );
    assert!(!list.contains(&k1), "{list}");
    let arch = caliber::archive::Archive::open(&a).expect("open");
    let log = arch.enrolment_history().expect("log");
    assert_eq!(log.len(), 2);
    assert_eq!(log[1].reason.as_deref(), Some("replacement box"));
    let (code, out) = archive(&["unenrol", "--dir", s(&a), "--site-code", "ATX-01"]);
    assert_eq!(code, 0, "{out}");
    assert!(arch.enrolments().expect("now").is_empty());
    assert_eq!(arch.enrolment_history().expect("log").len(), 3);
    let (code, _) = archive(&["unenrol", "--dir", s(&a), "--site-code", "ATX-01"]);
    assert_eq!(code, 2, "not enrolled any more");
}

#[test]
fn ingest_stores_once_and_refuses_with_the_reason() {
    let t = tempfile::tempdir().expect("tmp");
    let (a, recipient) = new_archive(t.path());
    let b = SiteBox::new(&t.path().join("box"), None);
    let fp = b.key.fingerprint();
    let out = t.path().join("stick");
    let first = b.bundle(&out, &[]);

    assert_refused(&a, &first, "site ATX-01 is not enrolled");
    enrol(&a, "ATX-01", &fp);
    enrol(&a, "DTR-01", &"c".repeat(64));
    assert_refused(&a, &first, "not the key enrolled for site DTR-01");
    let (code, _) = archive(&[
        "enrol",
        "--dir",
        s(&a),
        "--site-code",
        "DTR-01",
        "--key",
        &fp,
        "--reason",
        "right key",
    ]);
    assert_eq!(code, 0);

    // Damaged copies of the real bundle.
    let bytes = std::fs::read(&first).expect("read");
    let truncated = t.path().join("truncated.zip");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");
    assert_refused(&a, &truncated, "tampered or truncated");
    let mut edited = bytes.clone();
    let mid = edited.len() / 3;
    edited[mid] ^= 0x55;
    let tampered = t.path().join("tampered.zip");
    std::fs::write(&tampered, &edited).expect("write");
    assert_refused(&a, &tampered, "tampered or truncated");
    let other = age::x25519::Identity::generate().to_public().to_string();
    let foreign = b.bundle(&t.path().join("foreign"), &[other]);
    assert_refused(&a, &foreign, "cannot decrypt");

    // A newer, encrypted bundle first; then the older plain one is a replay.
    let newer = b.bundle(&t.path().join("newer"), &[recipient]);
    let (code, text) = archive(&["ingest", "--dir", s(&a), s(&newer)]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("accepted"), "{text}");
    let (code, text) = archive(&["ingest", "--dir", s(&a), s(&newer)]);
    assert_eq!(code, 0, "{text}");
    assert!(text.trim().ends_with("duplicate"), "{text}");
    assert_refused(&a, &first, "replay: sequence 1");

    let arch = caliber::archive::Archive::open(&a).expect("open");
    let stored = arch.stored().expect("stored");
    assert_eq!(stored.len(), 1);
    let rel = stored[0].key.clone();
    assert!(rel.starts_with("sites/ATX-01/20"), "{rel}");
    assert!(
        rel.ends_with(&format!("-{}.bundle", stored[0].summary.sequence)),
        "{rel}"
    );
    assert!(stored[0].summary.encrypted);
    assert_eq!(
        std::fs::read(a.join(&rel)).expect("stored"),
        std::fs::read(&newer).expect("src")
    );
    assert!(
        a.join(rel.replace(".bundle", ".summary.json")).is_file(),
        "{rel}"
    );
    assert!(
        std::fs::read_dir(a.join(caliber::archive::WORK_DIR))
            .expect("work")
            .next()
            .is_none()
    );
}

#[test]
fn a_stick_folder_is_ingested_file_by_file() {
    let t = tempfile::tempdir().expect("tmp");
    let (a, _) = new_archive(t.path());
    let b = SiteBox::new(&t.path().join("box"), None);
    enrol(&a, "ATX-01", &b.key.fingerprint());
    enrol(&a, "DTR-01", &b.key.fingerprint());
    let stick = t.path().join("stick").join("caliber-backup");
    b.bundle(&stick, &[]);
    b.bundle(&stick, &[]);
    std::fs::write(stick.join("notes.txt"), b"not a bundle").expect("write");
    let (code, out) = archive(&["ingest", "--dir", s(&a), s(&stick)]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches("accepted").count(), 2, "{out}");
    assert!(!out.contains("notes.txt"), "{out}");
    let (code, out) = archive(&["ingest", "--dir", s(&a), s(&stick)]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches("duplicate").count(), 2, "{out}");
}

#[test]
fn two_boxes_are_enrolled_ingested_reported_and_exported_for_restore() {
    let t = tempfile::tempdir().expect("tmp");
    let (a, recipient) = new_archive(t.path());
    let austin = SiteBox::new(&t.path().join("box-a"), None);
    let lyon = SiteBox::new(&t.path().join("box-b"), Some(["LYN-01", "LYN-02"]));
    for (site, b) in [
        ("ATX-01", &austin),
        ("DTR-01", &austin),
        ("LYN-01", &lyon),
        ("LYN-02", &lyon),
    ] {
        enrol(&a, site, &b.key.fingerprint());
    }
    let a1 = austin.bundle(&t.path().join("out-a"), std::slice::from_ref(&recipient));
    let a2 = austin.bundle(&t.path().join("out-a"), &[]);
    let l1 = lyon.bundle(&t.path().join("out-l"), &[recipient]);
    let (code, out) = archive(&["ingest", "--dir", s(&a), s(&a1), s(&a2), s(&l1)]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches("accepted").count(), 3, "{out}");

    // The report: one row per site, the newest bundle, figures from the qualification engine.
    let (code, json) = archive(&["report", "--dir", s(&a), "--format", "json"]);
    assert_eq!(code, 0, "{json}");
    let rows: Vec<caliber::archive::SiteSummary> = serde_json::from_str(&json).expect("json");
    assert_eq!(
        rows.iter()
            .map(|r| r.site_code.as_str())
            .collect::<Vec<_>>(),
        ["ATX-01", "LYN-01"]
    );
    assert_eq!(rows[0].sequence, 2, "the newest bundle of the site");
    assert_eq!(rows[0].device_fingerprint, austin.key.fingerprint());
    assert_eq!(rows[1].device_fingerprint, lyon.key.fingerprint());
    let figures = service::dashboard_figures(&austin.store, rows[0].created_at).expect("figures");
    let employees: usize = figures.sites.iter().map(|s| s.employees).sum();
    let qualified: usize = figures.sites.iter().map(|s| s.qualified).sum();
    for r in &rows {
        assert_eq!(r.employees, employees, "the same demo data on both boxes");
        assert_eq!(r.qualified, qualified);
        assert!(r.employees > 0 && r.stations > 0);
        let gaps: usize = r.gaps.iter().map(|g| g.employees).sum();
        assert_eq!(gaps, figures.gaps.iter().map(|g| g.1).sum::<usize>());
        let within_90: usize = r.expiring.iter().map(|e| e.within_90).sum();
        assert_eq!(within_90, figures.expiring[2].1);
        assert!(r.status_counts.values().sum::<usize>() > 0);
    }
    let (code, csv) = archive(&["report", "--dir", s(&a), "--format", "csv"]);
    assert_eq!(code, 0, "{csv}");
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(
        csv.lines().nth(2).expect("row").starts_with("LYN-01,"),
        "{csv}"
    );

    // Export hands back the stored bundle byte for byte, and restore takes it.
    let out = t.path().join("export").join("lyn.zip.age");
    std::fs::create_dir_all(out.parent().expect("parent")).expect("dir");
    let (code, text) = archive(&[
        "export",
        "--dir",
        s(&a),
        "--site",
        "lyn-01",
        "--out",
        s(&out),
    ]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        std::fs::read(&out).expect("out"),
        std::fs::read(&l1).expect("l1")
    );
    let (code, text) = archive(&[
        "export",
        "--dir",
        s(&a),
        "--site",
        "LYN-01",
        "--out",
        s(&out),
    ]);
    assert_eq!(code, 2, "never overwrites: {text}");
    let restored = t.path().join("replacement");
    let r = backup::restore(
        &out,
        &restored,
        &lyon.key.fingerprint(),
        Some(&a.join(caliber::archive::IDENTITY_FILE)),
    )
    .expect("restore");
    assert_eq!(r.summary.site_codes, ["LYN-01", "LYN-02"]);
    let plain = t.path().join("export").join("atx.zip");
    let (code, text) = archive(&[
        "export",
        "--dir",
        s(&a),
        "--site",
        "ATX-01",
        "--out",
        s(&plain),
    ]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        std::fs::read(&plain).expect("out"),
        std::fs::read(&a2).expect("a2")
    );
    let (code, text) = archive(&[
        "export",
        "--dir",
        s(&a),
        "--site",
        "ATX-01",
        "--at",
        "2000-01-01",
        "--out",
        s(&t.path().join("none.zip")),
    ]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("no stored bundle of site ATX-01 on or before 2000-01-01"),
        "{text}"
    );
}

/// Read `child`'s stdout lines on a thread, so the test can wait for one with a time limit.
fn lines_of(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let stdout = child.stdout.take().expect("stdout piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn next_line(rx: &std::sync::mpsc::Receiver<String>) -> String {
    rx.recv_timeout(std::time::Duration::from_secs(120))
        .expect("a line from the watch within two minutes")
}

/// Stops and reaps a child left running by a failing test.
struct Reap(std::process::Child);

impl Drop for Reap {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_drop_folder_is_watched_each_file_moved_with_its_reason_and_sigterm_stops_it() {
    let t = tempfile::tempdir().expect("tmp");
    let (a, _) = new_archive(t.path());
    let b = SiteBox::new(&t.path().join("box"), None);
    enrol(&a, "ATX-01", &b.key.fingerprint());
    enrol(&a, "DTR-01", &b.key.fingerprint());
    let made = t.path().join("made");
    let first = b.bundle(&made, &[]);
    let second = b.bundle(&made, &[]);
    let drop = t.path().join("drop");
    std::fs::create_dir_all(&drop).expect("drop");

    let child = Command::new(env!("CARGO_BIN_EXE_caliber"))
        .args(["archive", "ingest", "--dir", s(&a), "--watch", s(&drop)])
        .args(["--settle-seconds", "1.5"])
        .env_remove("CALIBER_CONFIG")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start the watch");
    let mut child = Reap(child);
    let pid = child.0.id();
    let rx = lines_of(&mut child.0);
    assert!(next_line(&rx).starts_with("watching "));

    // The watch holds the ingest lock: a plain ingest is refused, naming the holder.
    let before = snapshot(&a);
    let (code, out) = archive(&["ingest", "--dir", s(&a), s(&first)]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&format!("locked by another ingest (pid {pid})")),
        "{out}"
    );
    assert_eq!(snapshot(&a), before);

    // Written slowly: taken only once complete (half of it would be refused as truncated).
    let bytes = std::fs::read(&first).expect("read");
    let slow = drop.join("first.zip");
    std::fs::write(&slow, &bytes[..bytes.len() / 2]).expect("write half");
    std::thread::sleep(std::time::Duration::from_millis(300));
    {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&slow)
            .expect("reopen");
        f.write_all(&bytes[bytes.len() / 2..]).expect("write rest");
    }
    assert_eq!(
        next_line(&rx),
        format!("{}: accepted (site ATX-01, sequence 1)", slow.display())
    );
    // Renamed in, a second copy of the first, and something that is no bundle.
    let part = drop.join("second.zip.part");
    std::fs::copy(&second, &part).expect("copy");
    std::fs::rename(&part, drop.join("second.zip")).expect("rename in");
    assert_eq!(
        next_line(&rx),
        format!(
            "{}: accepted (site ATX-01, sequence 2)",
            drop.join("second.zip").display()
        )
    );
    std::fs::copy(&first, drop.join("again.zip")).expect("copy");
    assert_eq!(
        next_line(&rx),
        format!("{}: duplicate", drop.join("again.zip").display())
    );
    std::fs::write(drop.join("notes.txt"), b"not a bundle").expect("write");
    let line = next_line(&rx);
    assert!(
        line.starts_with(&format!(
            "{}: refused: tampered or truncated",
            drop.join("notes.txt").display()
        )),
        "{line}"
    );

    // Each file moved out of the drop folder, beside the line that says what happened.
    for (folder, name, says) in [
        (
            "accepted",
            "first.zip",
            "accepted (site ATX-01, sequence 1)",
        ),
        (
            "accepted",
            "second.zip",
            "accepted (site ATX-01, sequence 2)",
        ),
        ("duplicate", "again.zip", "duplicate"),
        ("refused", "notes.txt", "refused: tampered or truncated"),
    ] {
        let moved = drop.join(folder).join(name);
        assert!(moved.is_file(), "{} is there", moved.display());
        let reason =
            std::fs::read_to_string(caliber::archive::reason_path(&moved)).expect("reason file");
        assert!(reason.contains(says), "{reason}");
        assert!(!drop.join(name).exists());
    }
    assert_eq!(
        std::fs::read(drop.join("accepted").join("first.zip")).expect("moved"),
        bytes
    );
    let arch = caliber::archive::Archive::open(&a).expect("open");
    assert_eq!(arch.stored().expect("stored").len(), 2);

    // SIGTERM stops it cleanly, and the lock goes with it.
    let killed = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    assert_eq!(next_line(&rx), "stopped after 4 files");
    let status = child.0.wait().expect("wait");
    assert_eq!(status.code(), Some(0), "a clean stop");
    let (code, out) = archive(&["ingest", "--dir", s(&a), s(&second)]);
    assert_eq!(code, 0, "{out}");
    assert!(out.trim().ends_with("duplicate"), "{out}");
}

#[test]
fn watch_refuses_a_missing_folder_and_a_locked_archive() {
    let t = tempfile::tempdir().expect("tmp");
    let (a, _) = new_archive(t.path());
    let (code, out) = archive(&[
        "ingest",
        "--dir",
        s(&a),
        "--watch",
        s(&t.path().join("nowhere")),
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("is not a folder to watch"), "{out}");
    let arch = caliber::archive::Archive::open(&a).expect("open");
    let held = arch.lock_ingest().expect("lock");
    let (code, out) = archive(&["ingest", "--dir", s(&a), "--watch", s(t.path())]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&format!("(pid {})", std::process::id())),
        "{out}"
    );
    drop(held);
    assert!(arch.lock_ingest().is_ok(), "released when dropped");
}

/// A real S3-protocol server (`s3s` over a folder, as `s3s-fs` serves it) on 127.0.0.1,
/// port 0, with one bucket, until dropped.
struct S3Server {
    port: u16,
    root: PathBuf,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

const S3_KEY: &str = "caliber-test";
const S3_SECRET: &str = "caliber-test-secret";
const BUCKET: &str = "company-archive";

impl S3Server {
    fn start(root: &Path) -> S3Server {
        std::fs::create_dir_all(root.join(BUCKET)).expect("bucket folder");
        let (tx, rx) = std::sync::mpsc::channel();
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let served = root.to_owned();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let fs = s3s_fs::FileSystem::new(&served).expect("s3s-fs");
                let mut builder = s3s::service::S3ServiceBuilder::new(fs);
                builder.set_auth(s3s::auth::SimpleAuth::from_single(S3_KEY, S3_SECRET));
                let service = builder.build();
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                tx.send(listener.local_addr().expect("addr").port())
                    .expect("send port");
                loop {
                    tokio::select! {
                        accepted = listener.accept() => {
                            let Ok((socket, _)) = accepted else { continue };
                            let service = service.clone();
                            tokio::spawn(async move {
                                let io = hyper_util::rt::TokioIo::new(socket);
                                let _ = hyper::server::conn::http1::Builder::new()
                                    .serve_connection(io, service)
                                    .await;
                            });
                        }
                        _ = &mut stopped => break,
                    }
                }
            });
        });
        let port = rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("the S3 server listens");
        S3Server {
            port,
            root: root.to_owned(),
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// The environment that points `caliber archive --store` at this server.
    fn env(&self) -> Vec<(&'static str, String)> {
        s3_env(self.port)
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn s3_env(port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}")),
        ("AWS_ACCESS_KEY_ID", S3_KEY.into()),
        ("AWS_SECRET_ACCESS_KEY", S3_SECRET.into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_ALLOW_HTTP", "true".into()),
    ]
}

#[test]
fn the_object_store_archive_keeps_the_same_layout_and_rules() {
    let t = tempfile::tempdir().expect("tmp");
    let server = S3Server::start(&t.path().join("s3"));
    let env = server.env();
    let url = format!("s3://{BUCKET}/caliber");
    let run = |args: &[&str]| {
        let mut all = vec![args[0], "--store", url.as_str()];
        all.extend_from_slice(&args[1..]);
        archive_with(&all, &env)
    };
    let (code, recipient) = run(&["init"]);
    assert_eq!(code, 0, "{recipient}");
    let recipient = recipient.trim().to_owned();
    assert!(recipient.starts_with("age1"), "{recipient}");
    let (code, out) = run(&["init"]);
    assert_eq!(code, 2, "never replaced: {out}");
    let b = SiteBox::new(&t.path().join("box"), None);
    let fp = b.key.fingerprint();
    for site in ["ATX-01", "DTR-01"] {
        let (code, out) = run(&["enrol", "--site-code", site, "--key", &fp]);
        assert_eq!(code, 0, "{out}");
    }
    let (code, list) = run(&["list"]);
    assert_eq!(code, 0, "{list}");
    assert_eq!(list.lines().count(), 2, "{list}");

    let plain = b.bundle(&t.path().join("out"), &[]);
    let sealed = b.bundle(&t.path().join("out"), std::slice::from_ref(&recipient));
    let (code, out) = run(&["ingest", s(&plain), s(&sealed)]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches(": accepted (site ATX-01").count(), 2, "{out}");
    let (code, out) = run(&["ingest", s(&sealed)]);
    assert_eq!(code, 0, "{out}");
    assert!(out.trim().ends_with("duplicate"), "{out}");

    // The same keys as the local folder, under the prefix, in the server's own folder.
    let objects = t.path().join("s3").join(BUCKET).join("caliber");
    assert!(objects.join(caliber::archive::IDENTITY_FILE).is_file());
    assert!(objects.join(caliber::archive::ENROLMENT_LOG).is_file());
    let bundles: Vec<PathBuf> = snapshot(&objects.join("sites"))
        .into_keys()
        .filter(|k| k.extension().is_some_and(|e| e == "bundle"))
        .collect();
    assert_eq!(bundles.len(), 2, "{bundles:?}");
    assert!(
        bundles.iter().all(|k| k.starts_with("ATX-01")),
        "{bundles:?}"
    );

    // A refusal leaves the store as it was.
    let bytes = std::fs::read(&plain).expect("read");
    let truncated = t.path().join("truncated.zip");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");
    let before = snapshot(&server.root);
    let (code, out) = run(&["ingest", s(&truncated)]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("refused: tampered or truncated"), "{out}");
    assert_eq!(snapshot(&server.root), before);

    // A bundle whose summary was never written (a crash halfway) is not listed, and the next
    // ingest removes it.
    let orphan = objects.join("sites/ATX-01/2020/01/20200101T000000Z-99.bundle");
    std::fs::create_dir_all(orphan.parent().expect("parent")).expect("dir");
    std::fs::write(&orphan, b"half a bundle").expect("orphan");
    let (code, json) = run(&["report", "--format", "json"]);
    assert_eq!(code, 0, "{json}");
    let rows: Vec<caliber::archive::SiteSummary> = serde_json::from_str(&json).expect("json");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].sequence, 2);
    assert!(rows[0].encrypted);
    assert!(rows[0].employees > 0);
    let (code, out) = run(&["ingest", s(&plain)]);
    assert_eq!(code, 0, "{out}");
    assert!(!orphan.exists(), "the orphan is cleaned");

    // Export hands back the stored bundle byte for byte.
    let out = t.path().join("atx.zip.age");
    let (code, text) = run(&["export", "--site", "ATX-01", "--out", s(&out)]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        std::fs::read(&out).expect("exported"),
        std::fs::read(&sealed).expect("sealed")
    );
}

#[test]
fn an_unreachable_store_is_a_clear_error_and_changes_nothing() {
    let t = tempfile::tempdir().expect("tmp");
    let b = SiteBox::new(&t.path().join("box"), None);
    let bundle = b.bundle(&t.path().join("out"), &[]);
    let server = S3Server::start(&t.path().join("s3"));
    let url = format!("s3://{BUCKET}/caliber");
    let (code, out) = archive_with(&["init", "--store", &url], &server.env());
    assert_eq!(code, 0, "{out}");
    let before = snapshot(&server.root);
    // Nothing listens on a port just released.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let started = std::time::Instant::now();
    let (code, out) = archive_with(&["ingest", "--store", &url, s(&bundle)], &s3_env(closed));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains(&url), "names the store: {out}");
    assert!(!out.contains("panicked"), "{out}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "gives up in bounded time"
    );
    assert_eq!(snapshot(&server.root), before, "the store is as it was");
    let (code, out) = archive_with(&["list", "--store", "s3://no-such-bucket/x"], &server.env());
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("s3://no-such-bucket/x"), "{out}");
    let (code, out) = archive_with(&["list", "--store", "http://x/y"], &server.env());
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("s3://"), "{out}");
}
