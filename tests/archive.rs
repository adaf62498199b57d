//! The central archive end to end: real demo stores exported by the real backup export,
//! ingested by the real `caliber archive` binary into an archive in a temp dir.

mod archive_kit;
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use archive_kit::s3::{BUCKET, S3Server, s3_env};
use archive_kit::{
    Reap, SiteBox, TwoBoxes, archive, archive_with, enrol, lines_of, new_archive, next_line, s,
    snapshot,
};
use caliber::archive::CompanyReport;
use caliber::backup;
use caliber::service;

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

/// `caliber archive export` of `site` (made on or before `at`) into `out`.
fn export(a: &Path, site: &str, at: Option<&str>, out: &Path) -> (i32, String) {
    let mut args = vec!["export", "--dir", s(a), "--site", site, "--out", s(out)];
    if let Some(at) = at {
        args.extend(["--at", at]);
    }
    archive(&args)
}

#[test]
fn two_boxes_are_enrolled_ingested_reported_and_exported_for_restore() {
    let t = TwoBoxes::new();
    let (a, recipient, austin, lyon) = (&t.archive, &t.recipient, &t.austin, &t.lyon);
    let a1 = austin.bundle(&t.path("out-a"), std::slice::from_ref(recipient));
    let a2 = austin.bundle(&t.path("out-a"), &[]);
    let l1 = lyon.bundle(&t.path("out-l"), std::slice::from_ref(recipient));
    t.ingest(&[&a1, &a2, &l1]);

    // The report: one row per site, the newest bundle, figures from the qualification engine.
    let (code, json) = archive(&["report", "--dir", s(a), "--format", "json"]);
    assert_eq!(code, 0, "{json}");
    let report: CompanyReport = serde_json::from_str(&json).expect("json");
    let rows: Vec<&caliber::archive::SiteSummary> =
        report.sites.iter().map(|r| &r.summary).collect();
    assert_eq!(
        rows.iter()
            .map(|r| r.site_code.as_str())
            .collect::<Vec<_>>(),
        ["ATX-01", "LYN-01"]
    );
    assert!(
        report.awaiting_first_bundle.is_empty(),
        "DTR-01 and LYN-02 travel in their box's bundles"
    );
    assert_eq!(rows[0].sequence, 2, "the newest bundle of the site");
    assert_eq!(report.sites[0].stored_bundles, 2);
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
    let (code, csv) = archive(&["report", "--dir", s(a), "--format", "csv"]);
    assert_eq!(code, 0, "{csv}");
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(
        csv.lines().nth(2).expect("row").starts_with("LYN-01,"),
        "{csv}"
    );

    // Export hands back the stored bundle byte for byte, and restore takes it.
    let out = t.dir.path().join("export").join("lyn.zip.age");
    std::fs::create_dir_all(out.parent().expect("parent")).expect("dir");
    let (code, text) = export(a, "lyn-01", None, &out);
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        std::fs::read(&out).expect("out"),
        std::fs::read(&l1).expect("l1")
    );
    let (code, text) = export(a, "LYN-01", None, &out);
    assert_eq!(code, 2, "never overwrites: {text}");
    let restored = t.dir.path().join("replacement");
    let r = backup::restore(
        &out,
        &restored,
        &lyon.key.fingerprint(),
        Some(&a.join(caliber::archive::IDENTITY_FILE)),
    )
    .expect("restore");
    assert_eq!(r.summary.site_codes, ["LYN-01", "LYN-02"]);
    let plain = t.dir.path().join("export").join("atx.zip");
    let (code, text) = export(a, "ATX-01", None, &plain);
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        std::fs::read(&plain).expect("out"),
        std::fs::read(&a2).expect("a2")
    );
    let (code, text) = export(
        a,
        "ATX-01",
        Some("2000-01-01"),
        &t.dir.path().join("none.zip"),
    );
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("no stored bundle of site ATX-01 on or before 2000-01-01"),
        "{text}"
    );
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
    let report: CompanyReport = serde_json::from_str(&json).expect("json");
    let rows: Vec<_> = report.sites.iter().map(|r| &r.summary).collect();
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

/// A tmpfs of a few MB mounted at a folder for one test (a real file system that fills up),
/// unmounted when dropped. Mounting needs root, which CI has: without it the test fails
/// saying so rather than passing without having run.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, bytes: u64) -> Tmpfs {
        std::fs::create_dir_all(at).expect("mount point");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o"])
            .arg(format!("size={bytes},mode=0700"))
            .args(["caliber-test", s(at)])
            .output()
            .expect("run mount");
        assert!(
            out.status.success(),
            "this test fills a small tmpfs, and mounting one needs root (as CI runs): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs(at.to_owned())
    }

    /// Bytes free for files.
    fn available(&self) -> u64 {
        let v = rustix::fs::statvfs(&self.0).expect("statvfs");
        v.f_bavail * v.f_frsize
    }

    /// Grow or shrink the file `filler` on it until exactly `free` bytes are left.
    fn leave_free(&self, free: u64) {
        let filler = self.0.join("filler");
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&filler)
            .expect("filler");
        let len = f.metadata().expect("filler size").len();
        let target = (len + self.available())
            .checked_sub(free)
            .expect("that much room");
        if target < len {
            f.set_len(target).expect("shrink filler");
        } else if target > len {
            rustix::fs::fallocate(&f, rustix::fs::FallocateFlags::empty(), 0, target)
                .expect("grow filler");
        }
        assert_eq!(self.available(), free, "free space left");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("--lazy").arg(&self.0).status();
    }
}

/// Copy the folder `from` into the new folder `to`.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("folder");
    for e in std::fs::read_dir(from).expect("list") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

#[test]
fn a_full_disk_is_a_clear_error_and_stores_nothing_until_there_is_room() {
    const PAGE: u64 = 4096;
    let t = tempfile::tempdir().expect("tmp");
    // The archive as made by init and enrol, kept outside the small file system.
    let (template, _) = new_archive(t.path());
    let b = SiteBox::new(&t.path().join("box"), None);
    enrol(&template, "ATX-01", &b.key.fingerprint());
    enrol(&template, "DTR-01", &b.key.fingerprint());
    let bundle = b.bundle(&t.path().join("stick"), &[]);
    let disk = Tmpfs::mount(&t.path().join("disk"), 64 << 20);
    let a = disk.0.join("archive");
    let empty = disk.available() / PAGE * PAGE;

    // Ingest into a fresh copy of the archive with `free` bytes left on its disk: either
    // accepted (`None`), or a clear error naming the file and the disk's complaint, once, with
    // the archive as it was (its text).
    let attempt = |free: u64| -> Option<String> {
        let _ = std::fs::remove_dir_all(&a);
        copy_tree(&template, &a);
        disk.leave_free(free);
        let before = snapshot(&a);
        let (code, out) = archive(&["ingest", "--dir", s(&a), s(&bundle)]);
        if code == 0 {
            assert!(out.contains("accepted"), "{out}");
            return None;
        }
        assert_eq!(code, 2, "{out}");
        assert_eq!(
            out.matches("No space left on device").count(),
            1,
            "the reason, once: {out}"
        );
        assert!(!out.contains("panicked"), "{out}");
        assert_eq!(snapshot(&a), before, "a full disk changes nothing: {out}");
        Some(out)
    };
    let mut failures = Vec::new();
    for pages in [0, 1, 4, 16, 32] {
        failures.push(attempt(pages * PAGE).expect("too little room"));
    }
    // (Less than all: each attempt first copies the archive onto the disk.)
    let (mut full, mut room) = (0, empty - (1 << 20));
    assert_eq!(attempt(room), None, "the bundle fits on the empty disk");
    // The least room that takes the bundle, to the page: each attempt with less fails
    // cleanly at whichever write runs out of room, the last at the very last page.
    while room - full > PAGE {
        let mid = (full + room) / 2 / PAGE * PAGE;
        match attempt(mid) {
            None => room = mid,
            Some(out) => {
                full = mid;
                failures.push(out);
            }
        }
    }
    failures.push(attempt(full).expect("one page short"));
    // The disk ran out at each step: the lock, the checked copy and scratch store in the work
    // folder, and after the bundle was in place, its matrix and its summary.
    for step in [".ingest.lock", ".work/", ".matrix.json.gz", ".summary.json"] {
        assert!(
            failures.iter().any(|f| f.contains(step)),
            "ran out at {step}: {failures:#?}"
        );
    }
    // Room again: the same bundle is accepted (not a duplicate, not a replay) and stored
    // whole.
    disk.leave_free(room);
    let (code, out) = archive(&["ingest", "--dir", s(&a), s(&bundle)]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("accepted (site ATX-01, sequence 1)"), "{out}");
    let stored = caliber::archive::Archive::open(&a)
        .expect("open")
        .stored()
        .expect("stored");
    assert_eq!(stored.len(), 1);
    assert_eq!(
        std::fs::read(a.join(&stored[0].key)).expect("stored bundle"),
        std::fs::read(&bundle).expect("bundle")
    );
}

#[test]
fn a_full_object_store_is_a_clear_error_and_stores_nothing_until_there_is_room() {
    let t = tempfile::tempdir().expect("tmp");
    let b = SiteBox::new(&t.path().join("box"), None);
    let bundle = b.bundle(&t.path().join("out"), &[]);
    // The S3 server keeps its objects on a small file system that fills up.
    let disk = Tmpfs::mount(&t.path().join("disk"), 16 << 20);
    let server = S3Server::start(&disk.0.join("s3"));
    let url = format!("s3://{BUCKET}/caliber");
    let env = server.env();
    let (code, out) = archive_with(&["init", "--store", &url], &env);
    assert_eq!(code, 0, "{out}");
    let fp = b.key.fingerprint();
    for site in ["ATX-01", "DTR-01"] {
        let enrol = ["enrol", "--store", &url, "--site-code", site, "--key", &fp];
        let (code, out) = archive_with(&enrol, &env);
        assert_eq!(code, 0, "{out}");
    }
    disk.leave_free(0);
    let before = snapshot(&server.root);
    let (code, out) = archive_with(&["ingest", "--store", &url, s(&bundle)], &env);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("not stored") && out.contains(&url), "{out}");
    assert!(!out.contains("panicked"), "{out}");
    assert_eq!(snapshot(&server.root), before, "the store is as it was");
    std::fs::remove_file(disk.0.join("filler")).expect("room again");
    let (code, out) = archive_with(&["ingest", "--store", &url, s(&bundle)], &env);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("accepted (site ATX-01, sequence 1)"), "{out}");
}
