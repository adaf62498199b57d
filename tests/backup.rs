//! Backup bundles end to end over a real store on disk: export → verify → restore → export
//! gives byte-identical data files; the restored store is the same store (records, indexes,
//! attachments, the audit chain hash for hash) without sessions, with a new device key and a
//! record of where it came from; age encryption that Debian's `age` CLI decrypts; the CLI
//! beside a running server; durable output and retention.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use caliber::backup::{self, DeviceKey, ExportOptions, Refusal};
use caliber::domain::AppRole;
use caliber::service::{self, TokenInput, UserInput};
use caliber::store::{Actor, Store};

/// A demo site with an attachment, a regenerated badge (a retired token), a revoked API
/// token and a live web session: something in every table a bundle carries.
fn site() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    caliber::seed::seed_demo(&store, jiff::Timestamp::now()).expect("seed");
    let actor = Actor::named("test");
    service::store_attachment(&store, &actor, "report.txt", b"evidence 1\n").expect("attachment");
    service::store_attachment(&store, &actor, "scan.pdf", &[7u8; 5000]).expect("attachment");
    let emp = store
        .read()
        .expect("read")
        .list::<caliber::domain::Employee>()
        .expect("employees")
        .into_iter()
        .next()
        .expect("an employee");
    service::regenerate_badge(&store, &actor, emp.id).expect("badge");
    let (t, _) = service::create_token(
        &store,
        &actor,
        TokenInput {
            name: "old".into(),
            role: AppRole::Viewer,
        },
    )
    .expect("token");
    service::revoke_token(&store, &actor, t.id).expect("revoke");
    service::create_user(
        &store,
        &actor,
        UserInput {
            email: "it@plant.example".into(),
            password: "a-long-password-1".into(),
            role: AppRole::Admin,
            employee_id: None,
        },
    )
    .expect("user");
    service::login(&store, &actor, "it@plant.example", "a-long-password-1").expect("login");
    assert!(store.read().expect("read").session_count().expect("n") > 0);
    (dir, store)
}

fn export(store: &Store, out: &Path) -> backup::BundleInfo {
    let key = DeviceKey::load_or_create(store.dir()).expect("key");
    backup::export(store, &key, out, &ExportOptions::default()).expect("export")
}

/// Every entry of a plain bundle, by name.
fn entries(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).expect("open")).expect("zip");
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).expect("read");
        out.insert(f.name().expect("name").into_owned(), bytes);
    }
    out
}

fn data_files(path: &Path) -> BTreeMap<String, Vec<u8>> {
    entries(path)
        .into_iter()
        .filter(|(k, _)| k.starts_with("data/") || k.starts_with("attachments/"))
        .collect()
}

/// Every row of every table but the sessions and the meta values, as JSON.
fn rows_without_sessions(store: &Store) -> Vec<caliber::store::TableRows> {
    store
        .read()
        .expect("read")
        .all_rows()
        .expect("rows")
        .into_iter()
        .filter(|t| t.table != "sessions" && t.table != "meta")
        .collect()
}

#[test]
fn export_verify_restore_export_round_trips_byte_identically() {
    let (_dir, store) = site();
    let out = tempfile::tempdir().expect("out");
    let first = export(&store, out.path());
    let fp = DeviceKey::load(store.dir())
        .expect("load")
        .expect("key")
        .fingerprint();
    let summary = backup::verify(&first.path, Some(&fp), None).expect("verify");
    assert!(summary.key_checked);
    assert_eq!(
        summary.audit_head,
        store.read().expect("r").audit_head().expect("h")
    );

    // Two exports of the same data: byte-identical data files.
    let again = export(&store, out.path());
    assert!(again.sequence > first.sequence, "the sequence only grows");
    assert_eq!(data_files(&first.path), data_files(&again.path));

    let target = tempfile::tempdir().expect("target");
    let restored_dir = target.path().join("data");
    let report = backup::restore(&first.path, &restored_dir, &fp, None).expect("restore");
    assert_ne!(
        report.new_fingerprint, fp,
        "the new box has its own device key"
    );
    let restored = Store::open(&restored_dir).expect("open restored");
    let r = restored.read().expect("read");
    let chain = r.verify_audit().expect("verify");
    assert!(chain.intact, "{chain:?}");
    assert_eq!(r.audit_head().expect("head"), summary.audit_head);
    assert_eq!(r.session_count().expect("sessions"), 0, "no login survives");
    let from: backup::RestoredFrom = r
        .meta_json(backup::RESTORED_FROM_KEY)
        .expect("meta")
        .expect("restored_from");
    assert_eq!(from.device_fingerprint, fp);
    assert_eq!(from.sequence, first.sequence);
    drop(r);
    // The same store: every record, unique key, index entry, retired badge, attachment
    // and audit event.
    assert_eq!(
        rows_without_sessions(&store),
        rows_without_sessions(&restored)
    );
    for a in store.read().expect("r").attachments().expect("a") {
        assert_eq!(
            restored.attachment_bytes(&a.sha256).expect("read"),
            store.attachment_bytes(&a.sha256).expect("read"),
        );
    }
    assert!(restored.cache_mismatches().expect("caches").is_empty());

    // Exporting the restored store gives the same data files again, and its manifest says
    // where it came from.
    let out2 = tempfile::tempdir().expect("out2");
    let second = export(&restored, out2.path());
    assert_eq!(data_files(&first.path), data_files(&second.path));
    let s2 = backup::verify(&second.path, Some(&report.new_fingerprint), None).expect("verify");
    assert_eq!(s2.restored_from.expect("provenance").device_fingerprint, fp);
}

#[test]
fn the_manifest_lists_every_file_and_the_signature_verifies_with_plain_ed25519() {
    let (_dir, store) = site();
    let out = tempfile::tempdir().expect("out");
    let info = export(&store, out.path());
    let e = entries(&info.path);
    let manifest_bytes = &e["manifest.json"];
    let m: serde_json::Value = serde_json::from_slice(manifest_bytes).expect("json");
    assert_eq!(m["format"], "caliber-backup");
    assert_eq!(m["format_version"], 1);
    assert_eq!(m["schema_version"], caliber::store::schema::CURRENT_VERSION);
    assert_eq!(m["app_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["sequence"], info.sequence);
    assert!(!m["site_codes"].as_array().expect("codes").is_empty());
    assert!(m["created_at"].is_string());
    let head = store.read().expect("r").audit_head().expect("h");
    assert_eq!(m["audit_head"]["seq"], head.seq);
    assert_eq!(m["audit_head"]["hash"], head.hash);
    let counts = store.read().expect("r").counts().expect("c");
    assert_eq!(m["counts"]["employees"], counts.employees);
    assert_eq!(m["counts"]["certifications"], counts.certifications);
    assert_eq!(m["counts"]["audit_events"], counts.audit_events);
    assert_eq!(m["counts"]["retired_badges"], 1);
    // Every file but the manifest and its signature is listed with its size and hash.
    let files = m["files"].as_array().expect("files");
    assert_eq!(files.len() + 2, e.len());
    for f in files {
        let path = f["path"].as_str().expect("path");
        let bytes = &e[path];
        assert_eq!(f["size"], bytes.len() as u64);
        use sha2::Digest;
        assert_eq!(f["sha256"], hex::encode(sha2::Sha256::digest(bytes)));
    }
    // Anyone can check the signature with the public key `device show` prints.
    use base64::Engine;
    let key = DeviceKey::load(store.dir()).expect("load").expect("key");
    let public = base64::engine::general_purpose::STANDARD
        .decode(key.public_base64())
        .expect("b64");
    let vk = ed25519_dalek::VerifyingKey::from_bytes(&public.try_into().expect("32")).expect("key");
    let sig = ed25519_dalek::Signature::from_bytes(
        &e["manifest.sig"].clone().try_into().expect("64 bytes"),
    );
    vk.verify_strict(manifest_bytes, &sig).expect("signature");
    assert_eq!(m["device"]["fingerprint"], key.fingerprint());
}

#[test]
fn the_device_key_never_goes_into_a_bundle() {
    let (_dir, store) = site();
    let out = tempfile::tempdir().expect("out");
    let info = export(&store, out.path());
    let key_file = std::fs::read_to_string(store.dir().join(backup::DEVICE_KEY_FILE)).expect("key");
    let secret_b64 = key_file
        .lines()
        .nth(1)
        .expect("secret line")
        .trim()
        .to_owned();
    use base64::Engine;
    let secret = base64::engine::general_purpose::STANDARD
        .decode(&secret_b64)
        .expect("b64");
    let raw = std::fs::read(&info.path).expect("bundle");
    for (name, bytes) in entries(&info.path)
        .into_iter()
        .chain([("(file)".into(), raw)])
    {
        assert!(!bytes.windows(32).any(|w| w == secret.as_slice()), "{name}");
        assert!(
            !bytes
                .windows(secret_b64.len())
                .any(|w| w == secret_b64.as_bytes()),
            "{name}"
        );
    }
    assert!(!entries(&info.path).keys().any(|k| k.contains("device-key")));
}

#[test]
fn export_is_written_durably_under_its_own_name_and_nothing_is_left_behind() {
    let (_dir, store) = site();
    let out = tempfile::tempdir().expect("out");
    let info = export(&store, out.path());
    let names: Vec<String> = std::fs::read_dir(out.path())
        .expect("ls")
        .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(
        names[0].starts_with("caliber-") && names[0].ends_with(".zip"),
        "{names:?}"
    );
    assert_eq!(info.size, std::fs::metadata(&info.path).expect("m").len());
    // A file name as --out.
    let file = out.path().join("mine.zip");
    let info = export(&store, &file);
    assert_eq!(info.path, file);
    backup::verify(&file, None, None).expect("verify");
    // A removable-medium export reads the bundle back and verifies it.
    let key = DeviceKey::load(store.dir()).expect("l").expect("k");
    let stick = backup::export(
        &store,
        &key,
        out.path(),
        &ExportOptions {
            removable: true,
            ..ExportOptions::default()
        },
    )
    .expect("export");
    assert!(stick.verified_on_media);
    // A folder that does not exist is an error, and nothing is written.
    let err = backup::export(
        &store,
        &key,
        &out.path().join("no/such/dir/x.zip"),
        &ExportOptions::default(),
    )
    .expect_err("no folder");
    assert!(err.to_string().contains("not a directory"), "{err}");
}

#[test]
fn cli_export_to_a_missing_folder_is_an_error_not_a_file_of_its_name() {
    let data = tempfile::tempdir().expect("data");
    let d = data.path().to_str().expect("utf8");
    assert_eq!(caliber(&["seed", "--data-dir", d]).0, Some(0));
    let stick = tempfile::tempdir().expect("stick");
    for missing in ["caliber-backup", "caliber-backup/", "backups.d/x"] {
        let out = stick.path().join(missing);
        let o = out.to_str().expect("utf8");
        let (code, _, err) = caliber(&["backup", "export", "--data-dir", d, "--out", o]);
        assert_eq!(code, Some(2), "{missing}: {err}");
        assert!(
            err.contains(&format!("{} is not a folder", out.display()))
                && err.contains("create it first"),
            "{missing}: {err}"
        );
        assert_eq!(
            std::fs::read_dir(stick.path()).expect("ls").count(),
            0,
            "{missing}: nothing written"
        );
    }
    // A file name ending in .zip is still a file.
    let file = stick.path().join("site.zip");
    let f = file.to_str().expect("utf8");
    let (code, _, err) = caliber(&["backup", "export", "--data-dir", d, "--out", f]);
    assert_eq!(code, Some(0), "{err}");
    backup::verify(&file, None, None).expect("verify");
}

#[test]
fn restore_refuses_a_non_empty_directory_and_leaves_it_alone() {
    let (_dir, store) = site();
    let out = tempfile::tempdir().expect("out");
    let info = export(&store, out.path());
    let fp = DeviceKey::load(store.dir())
        .expect("l")
        .expect("k")
        .fingerprint();
    let target = tempfile::tempdir().expect("t");
    std::fs::write(target.path().join("keep.txt"), b"mine").expect("write");
    let err = backup::restore(&info.path, target.path(), &fp, None).expect_err("not empty");
    assert!(
        matches!(err, backup::BackupError::TargetNotEmpty(_)),
        "{err}"
    );
    let names: Vec<_> = std::fs::read_dir(target.path()).expect("ls").collect();
    assert_eq!(names.len(), 1);
    // Nor into a live store's directory.
    let err = backup::restore(&info.path, store.dir(), &fp, None).expect_err("live store");
    assert!(
        matches!(err, backup::BackupError::TargetNotEmpty(_)),
        "{err}"
    );
}

fn age_identity(dir: &Path) -> (PathBuf, String) {
    use age::secrecy::ExposeSecret;
    let id = age::x25519::Identity::generate();
    let path = dir.join("archive.key");
    std::fs::write(
        &path,
        format!("# archive key\n{}\n", id.to_string().expose_secret()),
    )
    .expect("write identity");
    (path, id.to_public().to_string())
}

#[test]
fn encrypted_bundles_open_with_debians_age_cli_and_with_the_identity() {
    let (_dir, store) = site();
    let out = tempfile::tempdir().expect("out");
    let (identity, recipient) = age_identity(out.path());
    let key = DeviceKey::load_or_create(store.dir()).expect("key");
    let info = backup::export(
        &store,
        &key,
        out.path(),
        &ExportOptions {
            recipients: vec![recipient],
            removable: false,
        },
    )
    .expect("export");
    assert!(info.encrypted);
    assert!(info.path.to_string_lossy().ends_with(".zip.age"));
    let raw = std::fs::read(&info.path).expect("read");
    assert!(raw.starts_with(b"age-encryption.org/v1\n"));
    assert!(
        !raw.windows(13).any(|w| w == b"manifest.json"),
        "nothing readable leaks"
    );

    // Our own reader, with the identity.
    let s = backup::verify(&info.path, Some(&key.fingerprint()), Some(&identity)).expect("verify");
    assert!(s.encrypted);

    // The `age` command line tool (Debian package `age`) decrypts it into a plain bundle.
    let plain = out.path().join("decrypted.zip");
    let age = Command::new("age")
        .args(["--decrypt", "-i"])
        .arg(&identity)
        .arg("-o")
        .arg(&plain)
        .arg(&info.path)
        .stderr(Stdio::piped())
        .output()
        .expect("the `age` binary is installed (apt-get install age)");
    assert!(
        age.status.success(),
        "{}",
        String::from_utf8_lossy(&age.stderr)
    );
    let s2 = backup::verify(&plain, Some(&key.fingerprint()), None).expect("plain verify");
    assert_eq!(s2.audit_head, s.audit_head);

    // And it restores with the identity.
    let target = out.path().join("restored");
    backup::restore(&info.path, &target, &key.fingerprint(), Some(&identity)).expect("restore");
    assert!(
        Store::open(&target)
            .expect("open")
            .read()
            .expect("r")
            .verify_audit()
            .expect("v")
            .intact
    );

    // The wrong identity and no identity are refused.
    let other = tempfile::tempdir().expect("other");
    let (wrong, _) = age_identity(other.path());
    let err = backup::verify(&info.path, None, Some(&wrong)).expect_err("wrong identity");
    assert!(
        matches!(err, backup::BackupError::Refused(Refusal::WrongIdentity)),
        "{err}"
    );
    let err = backup::verify(&info.path, None, None).expect_err("no identity");
    assert!(
        matches!(err, backup::BackupError::Refused(Refusal::NeedsIdentity)),
        "{err}"
    );
}

#[test]
fn a_bad_recipient_is_refused_before_anything_is_written() {
    let (_dir, store) = site();
    let out = tempfile::tempdir().expect("out");
    let key = DeviceKey::load_or_create(store.dir()).expect("key");
    let err = backup::export(
        &store,
        &key,
        out.path(),
        &ExportOptions {
            recipients: vec!["age1notarecipient".into()],
            removable: false,
        },
    )
    .expect_err("bad recipient");
    assert!(matches!(err, backup::BackupError::BadRecipient(_)), "{err}");
    assert_eq!(std::fs::read_dir(out.path()).expect("ls").count(), 0);
}

#[test]
fn scheduled_runs_keep_the_newest_and_are_recorded_in_the_audit_trail() {
    let (_dir, store) = site();
    let out = tempfile::tempdir().expect("out");
    let settings = service::BackupSettings {
        dir: out.path().join("backups"),
        keep: 2,
        every: Some(std::time::Duration::from_secs(3600)),
        recipients: Vec::new(),
        running: Default::default(),
    };
    let actor = Actor::named("scheduler");
    let status = service::BackupStatus::load(store.dir());
    assert!(status.due(settings.every.expect("every"), jiff::Timestamp::now()));
    assert_eq!(
        status.health(settings.every, jiff::Timestamp::now()),
        service::BackupHealth::Never
    );
    let mut seqs = Vec::new();
    for _ in 0..3 {
        seqs.push(
            service::run_backup(&store, &settings, &actor)
                .expect("run")
                .sequence,
        );
    }
    let kept = service::list_backups(&settings.dir).expect("list");
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert_eq!(kept[0].sequence, Some(seqs[2]));
    assert_eq!(kept[1].sequence, Some(seqs[1]));
    let mut runs = 0;
    store
        .read()
        .expect("r")
        .audit_newest_first(|e| {
            if e.action == "backup.run" {
                runs += 1;
                assert!(e.new_value.as_deref().unwrap_or("").contains("\"size\""));
            }
            true
        })
        .expect("audit");
    assert_eq!(runs, 3);
    let status = service::BackupStatus::load(store.dir());
    assert_eq!(
        status.health(settings.every, jiff::Timestamp::now()),
        service::BackupHealth::Ok
    );
    assert!(!status.due(settings.every.expect("every"), jiff::Timestamp::now()));
    // Overdue once twice the period has passed without a good run.
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(3);
    assert_eq!(
        status.health(settings.every, later),
        service::BackupHealth::Overdue
    );

    // A run that cannot write is recorded as failed, and health says so.
    let blocked = service::BackupSettings {
        dir: out.path().join("file-not-dir"),
        ..settings.clone()
    };
    std::fs::write(&blocked.dir, b"x").expect("write");
    assert!(service::run_backup(&store, &blocked, &actor).is_err());
    let status = service::BackupStatus::load(store.dir());
    assert_eq!(
        status.health(settings.every, jiff::Timestamp::now()),
        service::BackupHealth::Failed
    );
    let mut failed = false;
    store
        .read()
        .expect("r")
        .audit_newest_first(|e| {
            failed |= e.action == "backup.failed";
            !failed
        })
        .expect("audit");
    assert!(failed);
}

#[test]
fn copying_to_a_stick_verifies_every_copy_and_skips_those_already_there() {
    let (_dir, store) = site();
    let out = tempfile::tempdir().expect("out");
    let settings = service::BackupSettings {
        dir: out.path().join("backups"),
        keep: 5,
        every: None,
        recipients: Vec::new(),
        running: Default::default(),
    };
    let stick = out.path().join("stick");
    std::fs::create_dir(&stick).expect("stick");
    let actor = Actor::named("usb-stick");
    // No bundle yet: one is made first.
    let r = service::copy_to_stick(&store, &settings, &stick, &actor).expect("copy");
    assert_eq!(r.copied.len(), 1);
    service::run_backup(&store, &settings, &actor).expect("run");
    let r = service::copy_to_stick(&store, &settings, &stick, &actor).expect("copy");
    assert_eq!(r.copied.len(), 1, "only the new bundle");
    for f in std::fs::read_dir(&stick).expect("ls") {
        let p = f.expect("e").path();
        assert!(!p.file_name().expect("n").to_string_lossy().starts_with('.'));
        backup::verify(&p, None, None).expect("each copy verifies");
    }
    let status = service::BackupStatus::load(store.dir());
    assert!(status.last_stick.expect("stick result").error.is_none());
    // A folder that is not there is refused.
    let err = service::copy_to_stick(&store, &settings, &out.path().join("gone"), &actor)
        .expect_err("no stick");
    assert!(err.to_string().contains("not a mounted folder"), "{err}");
}

// ---- the command line ----

fn caliber(args: &[&str]) -> (Option<i32>, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_caliber"))
        .args(args)
        .env("CALIBER_CONFIG", "/dev/null")
        .env_remove("CALIBER_DATA_DIR")
        .env_remove("CALIBER_RUNTIME_DIR")
        .stdin(Stdio::null())
        .output()
        .expect("run caliber");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn fingerprint_from(device_show: &str) -> String {
    device_show
        .lines()
        .find(|l| l.starts_with("fingerprint"))
        .and_then(|l| l.split_whitespace().last())
        .expect("fingerprint line")
        .to_owned()
}

#[test]
fn cli_export_verify_restore_and_device_show() {
    let data = tempfile::tempdir().expect("data");
    let d = data.path().to_str().expect("utf8");
    assert_eq!(caliber(&["seed", "--data-dir", d]).0, Some(0));
    let (code, show, err) = caliber(&["device", "show", "--data-dir", d]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        show.contains("public key (base64)") && show.contains("public key (hex)"),
        "{show}"
    );
    let fp = fingerprint_from(&show);
    assert_eq!(fp.len(), 64);
    let out = tempfile::tempdir().expect("out");
    let o = out.path().to_str().expect("utf8");
    let (code, text, err) = caliber(&["backup", "export", "--data-dir", d, "--out", o]);
    assert_eq!(code, Some(0), "{err}");
    assert!(text.contains("signed but not encrypted"), "{text}");
    assert!(text.contains(&fp), "{text}");
    let bundle = std::fs::read_dir(out.path())
        .expect("ls")
        .next()
        .expect("a bundle")
        .expect("e")
        .path();
    let b = bundle.to_str().expect("utf8");
    let (code, text, err) = caliber(&["backup", "verify", b, "--expect-key", &fp]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        text.contains("bundle OK") && text.contains("(as expected)"),
        "{text}"
    );
    // Another key expected: exit 2 with the reason in one line.
    let other = "ab".repeat(32);
    let (code, _, err) = caliber(&["backup", "verify", b, "--expect-key", &other]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("signed by device") && err.trim().lines().count() == 1,
        "{err}"
    );
    // Restore into a new directory, then the restored box has its own key.
    let target = out.path().join("new-box");
    let t = target.to_str().expect("utf8");
    let (code, text, err) =
        caliber(&["backup", "restore", b, "--data-dir", t, "--expect-key", &fp]);
    assert_eq!(code, Some(0), "{err}");
    assert!(text.contains("audit chain verified"), "{text}");
    let (_, show2, _) = caliber(&["device", "show", "--data-dir", t]);
    assert_ne!(fingerprint_from(&show2), fp);
    assert_eq!(caliber(&["verify-audit", "--data-dir", t]).0, Some(0));
    // Restoring again into the now non-empty directory: exit 2, nothing touched.
    let before = std::fs::read(target.join("caliber.redb")).expect("db");
    let (code, _, err) = caliber(&["backup", "restore", b, "--data-dir", t, "--expect-key", &fp]);
    assert_eq!(code, Some(2));
    assert!(err.contains("not empty"), "{err}");
    assert_eq!(
        std::fs::read(target.join("caliber.redb")).expect("db"),
        before
    );
}

#[test]
fn cli_backup_commands_work_beside_a_running_server() {
    let data = tempfile::tempdir().expect("data");
    let d = data.path().to_str().expect("utf8");
    assert_eq!(caliber(&["seed", "--data-dir", d]).0, Some(0));
    let port = common::free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_caliber"))
        .args(["serve", "--data-dir", d, "--listen", &listen])
        .env("CALIBER_CONFIG", "/dev/null")
        .env_remove("CALIBER_RUNTIME_DIR")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let socket = data.path().join("caliber.sock");
    for _ in 0..200 {
        if socket.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let result = std::panic::catch_unwind(|| {
        assert!(socket.exists());
        let (code, show, err) = caliber(&["device", "show", "--data-dir", d]);
        assert_eq!(code, Some(0), "{err}");
        let fp = fingerprint_from(&show);
        // A relative --out is the caller's folder, not the server's.
        let work = tempfile::tempdir().expect("work");
        let o = Command::new(env!("CARGO_BIN_EXE_caliber"))
            .args(["backup", "export", "--data-dir", d, "--out", "."])
            .current_dir(work.path())
            .env("CALIBER_CONFIG", "/dev/null")
            .env_remove("CALIBER_RUNTIME_DIR")
            .output()
            .expect("export");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let bundle = std::fs::read_dir(work.path())
            .expect("ls")
            .next()
            .expect("bundle in the caller's folder")
            .expect("e")
            .path();
        let (code, _, err) = caliber(&[
            "backup",
            "verify",
            bundle.to_str().expect("utf8"),
            "--expect-key",
            &fp,
        ]);
        assert_eq!(code, Some(0), "{err}");
        let stick = work.path().join("stick");
        std::fs::create_dir(&stick).expect("stick");
        let (code, text, err) = caliber(&[
            "backup",
            "to-stick",
            "--data-dir",
            d,
            stick.to_str().expect("utf8"),
        ]);
        assert_eq!(code, Some(0), "{err}");
        assert!(text.contains("safe to remove"), "{text}");
        // The run is on the dashboard's status and in /healthz.
        let mut r = ureq::get(&format!("http://{listen}/healthz"))
            .call()
            .expect("healthz");
        let h: serde_json::Value =
            serde_json::from_str(&r.body_mut().read_to_string().expect("body")).expect("json");
        assert_eq!(h["device_fingerprint"], fp.as_str());
        assert_eq!(h["backup"], "ok");
    });
    let _ = server.kill();
    let _ = server.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

/// Threads that all ask for the device key of a new data directory at once (a backup, the
/// dashboard and `/healthz` on a fresh box) get one and the same key, and no error.
#[test]
fn the_device_key_is_made_once_when_many_ask_at_the_same_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let prints: Vec<String> = std::thread::scope(|s| {
        let asks: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    caliber::backup::DeviceKey::load_or_create(dir.path())
                        .expect("key")
                        .fingerprint()
                })
            })
            .collect();
        asks.into_iter()
            .map(|a| a.join().expect("thread"))
            .collect()
    });
    assert!(prints.iter().all(|p| p == &prints[0]), "{prints:?}");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        vec![caliber::backup::DEVICE_KEY_FILE.to_owned()],
        "no temp files left"
    );
}
