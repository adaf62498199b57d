//! What the archive's tests share: demo boxes that make real bundles with the real backup
//! export, the real `caliber archive` binary, a real S3-protocol server ([`s3`]) and a running
//! `caliber archive serve` with logged-in browsers ([`web`]).

#![allow(dead_code)]

pub mod s3;
pub mod web;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use caliber::backup::{self, DeviceKey, ExportOptions};
use caliber::domain::Site;
use caliber::service::{self, SiteInput};
use caliber::store::{Actor, Store};

/// A box: a seeded demo store with its own device key. `codes` renames the demo's two
/// sites, so two boxes are two different sites.
pub struct SiteBox {
    /// Its store.
    pub store: Store,
    /// Its device key.
    pub key: DeviceKey,
}

impl SiteBox {
    /// A demo box in `dir`.
    pub fn new(dir: &Path, codes: Option<[&str; 2]>) -> SiteBox {
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
    pub fn bundle(&self, out: &Path, recipients: &[String]) -> PathBuf {
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

/// Two boxes, Austin (sites ATX-01 and DTR-01) and Lyon (LYN-01 and LYN-02), and a new
/// archive with their four site codes enrolled.
pub struct TwoBoxes {
    /// Everything lives under it.
    pub dir: tempfile::TempDir,
    /// The archive folder.
    pub archive: PathBuf,
    /// The archive's recipient.
    pub recipient: String,
    /// The Austin box.
    pub austin: SiteBox,
    /// The Lyon box.
    pub lyon: SiteBox,
}

impl TwoBoxes {
    /// Build them.
    pub fn new() -> TwoBoxes {
        let dir = tempfile::tempdir().expect("tmp");
        let (archive, recipient) = new_archive(dir.path());
        let austin = SiteBox::new(&dir.path().join("box-a"), None);
        let lyon = SiteBox::new(&dir.path().join("box-b"), Some(["LYN-01", "LYN-02"]));
        for (site, b) in [
            ("ATX-01", &austin),
            ("DTR-01", &austin),
            ("LYN-01", &lyon),
            ("LYN-02", &lyon),
        ] {
            enrol(&archive, site, &b.key.fingerprint());
        }
        TwoBoxes {
            dir,
            archive,
            recipient,
            austin,
            lyon,
        }
    }

    /// A folder under the test's folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Ingest `files`, expecting each accepted.
    pub fn ingest(&self, files: &[&Path]) {
        let mut args = vec!["ingest", "--dir", s(&self.archive)];
        args.extend(files.iter().map(|f| s(f)));
        let (code, out) = archive(&args);
        assert_eq!(code, 0, "{out}");
        assert_eq!(out.matches("accepted").count(), files.len(), "{out}");
    }
}

/// `caliber archive ARGS…`: exit code and stdout+stderr.
pub fn archive(args: &[&str]) -> (i32, String) {
    archive_with(args, &[])
}

/// `caliber archive ARGS…` with `env` set: exit code and stdout+stderr.
pub fn archive_with(args: &[&str], env: &[(&str, String)]) -> (i32, String) {
    archive_input(args, env, "")
}

/// `caliber archive ARGS…` with `env` set and `input` on standard input: exit code and
/// stdout+stderr.
pub fn archive_input(args: &[&str], env: &[(&str, String)], input: &str) -> (i32, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_caliber"))
        .arg("archive")
        .args(args)
        .env_remove("CALIBER_CONFIG")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run caliber");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).expect("stdin");
    }
    let out = child.wait_with_output().expect("run caliber");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// A path as text.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A new archive in `dir/archive`: its folder and recipient.
pub fn new_archive(dir: &Path) -> (PathBuf, String) {
    let a = dir.join("archive");
    let (code, out) = archive(&["init", "--dir", s(&a)]);
    assert_eq!(code, 0, "{out}");
    (a, out.trim().to_owned())
}

/// Enrol `key` for `site`.
pub fn enrol(a: &Path, site: &str, key: &str) {
    let (code, out) = archive(&["enrol", "--dir", s(a), "--site-code", site, "--key", key]);
    assert_eq!(code, 0, "{out}");
}

/// Every file under `dir` with its bytes, but the ingest lock (machinery, not content).
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
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

/// Read `child`'s stdout lines on a thread, so the test can wait for one with a time limit.
pub fn lines_of(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
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

/// The next line of a child's output, within two minutes.
pub fn next_line(rx: &std::sync::mpsc::Receiver<String>) -> String {
    rx.recv_timeout(std::time::Duration::from_secs(120))
        .expect("a line within two minutes")
}

/// Stops and reaps a child left running by a failing test.
pub struct Reap(pub std::process::Child);

impl Drop for Reap {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
