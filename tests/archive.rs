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
    let out = Command::new(env!("CARGO_BIN_EXE_caliber"))
        .arg("archive")
        .args(args)
        .env_remove("CALIBER_CONFIG")
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

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).expect("list") {
            let p = e.expect("entry").path();
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
    let rel = stored[0]
        .path
        .strip_prefix(&a)
        .expect("under")
        .to_string_lossy()
        .into_owned();
    assert!(rel.starts_with("sites/ATX-01/20"), "{rel}");
    assert!(
        rel.ends_with(&format!("-{}.bundle", stored[0].summary.sequence)),
        "{rel}"
    );
    assert!(stored[0].summary.encrypted);
    assert_eq!(
        std::fs::read(&stored[0].path).expect("stored"),
        std::fs::read(&newer).expect("src")
    );
    assert!(stored[0].path.with_extension("summary.json").is_file());
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
