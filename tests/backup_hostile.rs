//! Every bundle is hostile until proven otherwise: one test per kind of bad bundle. Each is
//! refused by `verify` with its own reason, by `restore` with nothing written to the target,
//! and by `caliber backup verify` with exit code 2 and a one-line reason. Hostile zips are
//! made with the `zip` crate's writer or by patching raw bytes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use caliber::backup::{self, BackupError, DeviceKey, Limits, Refusal};
use zip::write::SimpleFileOptions;

mod bundles;

/// One valid bundle made once for all tests, with the key that signed it.
struct Valid {
    _dir: tempfile::TempDir,
    bundle: PathBuf,
    key_dir: PathBuf,
    fingerprint: String,
}

fn valid() -> &'static Valid {
    static V: OnceLock<Valid> = OnceLock::new();
    V.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let (bundle, data, key) = bundles::demo_bundle(dir.path());
        Valid {
            bundle,
            key_dir: data,
            fingerprint: key.fingerprint(),
            _dir: dir,
        }
    })
}

fn key() -> DeviceKey {
    DeviceKey::load(&valid().key_dir)
        .expect("load")
        .expect("key")
}

/// The entries of the valid bundle, in order.
fn entries() -> Vec<(String, Vec<u8>)> {
    bundles::entries_of(std::fs::File::open(&valid().bundle).expect("open"))
}

fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated)
}

/// Write `entries` as a zip in a new temp dir.
fn write_zip(entries: &[(String, Vec<u8>)]) -> (tempfile::TempDir, PathBuf) {
    write_zip_with(entries, |_| deflated())
}

fn write_zip_with(
    entries: &[(String, Vec<u8>)],
    options: impl Fn(&str) -> SimpleFileOptions,
) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("hostile.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&path).expect("create"));
    for (name, bytes) in entries {
        w.start_file(name.as_str(), options(name)).expect("start");
        w.write_all(bytes).expect("write");
    }
    w.finish().expect("finish");
    (dir, path)
}

fn write_raw(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("hostile.zip");
    std::fs::write(&path, bytes).expect("write");
    (dir, path)
}

fn manifest(entries: &[(String, Vec<u8>)]) -> serde_json::Value {
    let m = &entries
        .iter()
        .find(|(n, _)| n == "manifest.json")
        .expect("m")
        .1;
    serde_json::from_slice(m).expect("json")
}

/// Replace the manifest with `m`, signed by `key`.
fn resign(entries: &mut [(String, Vec<u8>)], m: &serde_json::Value, key: &DeviceKey) {
    let bytes = serde_json::to_vec_pretty(m).expect("json");
    let sig = key.sign(&bytes).to_bytes().to_vec();
    for (n, b) in entries.iter_mut() {
        if n == "manifest.json" {
            *b = bytes.clone();
        } else if n == "manifest.sig" {
            *b = sig.clone();
        }
    }
}

/// Replace a file's content and list its new size and hash in the manifest (re-signed), so
/// only the deeper checks can catch what is wrong with it.
fn replace_consistently(entries: &mut [(String, Vec<u8>)], path: &str, content: Vec<u8>) {
    use sha2::Digest;
    let mut m = manifest(entries);
    for f in m["files"].as_array_mut().expect("files") {
        if f["path"] == path {
            f["size"] = content.len().into();
            f["sha256"] = hex::encode(sha2::Sha256::digest(&content)).into();
        }
    }
    for (n, b) in entries.iter_mut() {
        if n == path {
            *b = content.clone();
        }
    }
    resign(entries, &m, &key());
}

fn content(entries: &[(String, Vec<u8>)], path: &str) -> Vec<u8> {
    entries
        .iter()
        .find(|(n, _)| n == path)
        .expect(path)
        .1
        .clone()
}

fn set(entries: &mut [(String, Vec<u8>)], path: &str, bytes: Vec<u8>) {
    for (n, b) in entries.iter_mut() {
        if n == path {
            *b = bytes.clone();
        }
    }
}

/// The `caliber` binary's answer to `backup verify`.
fn cli_verify(path: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_caliber"))
        .args(["backup", "verify"])
        .arg(path)
        .args(extra)
        .env("CALIBER_CONFIG", "/dev/null")
        .output()
        .expect("run caliber");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// `path` is refused by verify (as `is`), by restore (nothing written to the target) and by
/// the CLI (exit 2, one line).
fn refused(path: &Path, identity: Option<&Path>, is: impl Fn(&Refusal) -> bool) {
    let fp = valid().fingerprint.clone();
    let check = |e: BackupError, what: &str| match e {
        BackupError::Refused(r) => assert!(is(&r), "{what}: wrong reason: {r}"),
        other => panic!("{what}: not a refusal: {other}"),
    };
    check(
        backup::verify(path, Some(&fp), identity).expect_err("verify accepted it"),
        "verify",
    );
    let target = tempfile::tempdir().expect("target");
    let data = target.path().join("restored");
    check(
        backup::restore(path, &data, &fp, identity).expect_err("restore accepted it"),
        "restore",
    );
    assert!(!data.exists(), "restore wrote into the target");
    let empty = target.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    assert!(backup::restore(path, &empty, &fp, identity).is_err());
    assert_eq!(
        std::fs::read_dir(&empty).expect("ls").count(),
        0,
        "restore left files"
    );
    let mut args = vec!["--expect-key", fp.as_str()];
    let id;
    if let Some(i) = identity {
        id = i.to_string_lossy().into_owned();
        args.extend(["--identity", id.as_str()]);
    }
    let (code, err) = cli_verify(path, &args);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("error: bundle refused: "), "{err}");
}

fn refused_with(path: &Path, limits: &Limits, is: impl Fn(&Refusal) -> bool) {
    match backup::verify_with(path, None, None, limits).expect_err("accepted") {
        BackupError::Refused(r) => assert!(is(&r), "wrong reason: {r}"),
        other => panic!("not a refusal: {other}"),
    }
}

#[test]
fn the_valid_bundle_is_accepted() {
    backup::verify(&valid().bundle, Some(&valid().fingerprint), None).expect("valid");
    // Re-zipping the same entries keeps it valid (the tests' writer is not the problem).
    let (_d, p) = write_zip(&entries());
    backup::verify(&p, Some(&valid().fingerprint), None).expect("rezipped");
}

fn with_extra(name: &str) -> (tempfile::TempDir, PathBuf) {
    let mut e = entries();
    e.insert(0, (name.to_owned(), b"x".to_vec()));
    write_zip(&e)
}

#[test]
fn a_parent_directory_path_is_refused() {
    let (_d, p) = with_extra("../evil.txt");
    refused(
        &p,
        None,
        |r| matches!(r, Refusal::UnsafePath(n) if n == "../evil.txt"),
    );
    let (_d, p) = with_extra("data/../../evil.txt");
    refused(&p, None, |r| matches!(r, Refusal::UnsafePath(_)));
}

#[test]
fn an_absolute_path_is_refused() {
    let (_d, p) = with_extra("/etc/cron.d/evil");
    refused(&p, None, |r| matches!(r, Refusal::UnsafePath(_)));
}

#[test]
fn a_backslash_path_is_refused() {
    let (_d, p) = with_extra("data\\..\\..\\evil.txt");
    refused(&p, None, |r| matches!(r, Refusal::UnsafePath(_)));
}

#[test]
fn a_drive_letter_path_is_refused() {
    let (_d, p) = with_extra("C:/Windows/evil.txt");
    refused(&p, None, |r| matches!(r, Refusal::UnsafePath(_)));
    let (_d, p) = with_extra("C:evil.txt");
    refused(&p, None, |r| matches!(r, Refusal::UnsafePath(_)));
}

fn as_special(mode: u32) -> (tempfile::TempDir, PathBuf) {
    write_zip_with(&entries(), move |name| {
        if name == "data/sites.jsonl" {
            deflated()
                .system(zip::System::Unix)
                .external_attributes(mode << 16)
        } else {
            deflated()
        }
    })
}

#[test]
fn a_symlink_entry_is_refused() {
    let (_d, p) = as_special(0o120777);
    refused(
        &p,
        None,
        |r| matches!(r, Refusal::SpecialEntry(n, what) if n == "data/sites.jsonl" && what.contains("link")),
    );
}

#[test]
fn a_fifo_or_device_entry_is_refused() {
    for mode in [0o010644, 0o060644, 0o020644] {
        let (_d, p) = as_special(mode);
        refused(&p, None, |r| matches!(r, Refusal::SpecialEntry(_, _)));
    }
}

#[test]
fn a_directory_entry_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("hostile.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&path).expect("create"));
    w.add_directory("data/", deflated()).expect("dir");
    for (name, bytes) in entries() {
        w.start_file(name.as_str(), deflated()).expect("start");
        w.write_all(&bytes).expect("write");
    }
    w.finish().expect("finish");
    refused(&path, None, |r| {
        matches!(r, Refusal::SpecialEntry(_, "a directory"))
    });
}

#[test]
fn duplicate_entry_names_are_refused() {
    // Two entries whose names differ in one letter, then patched to the same name.
    let mut e = entries();
    let sites = content(&e, "data/sites.jsonl");
    e.push(("data/sitex.jsonl".into(), sites));
    let (_d, p) = write_zip(&e);
    let mut raw = std::fs::read(&p).expect("read");
    let (from, to) = (b"data/sitex.jsonl", b"data/sites.jsonl");
    let mut i = 0;
    while i + from.len() <= raw.len() {
        if &raw[i..i + from.len()] == from {
            raw[i..i + from.len()].copy_from_slice(to);
        }
        i += 1;
    }
    let (_d2, p2) = write_raw(&raw);
    refused(&p2, None, |r| matches!(r, Refusal::Duplicate(_)));
}

#[test]
fn more_entries_than_the_cap_are_refused() {
    let limits = Limits {
        max_entries: 5,
        ..Limits::default()
    };
    refused_with(
        &valid().bundle,
        &limits,
        |r| matches!(r, Refusal::TooLarge(m) if m.contains("entries")),
    );
}

#[test]
fn more_bytes_than_the_caps_are_refused() {
    let total = Limits {
        max_total_bytes: 2000,
        ..Limits::default()
    };
    refused_with(&valid().bundle, &total, |r| {
        matches!(r, Refusal::TooLarge(_))
    });
    let one = Limits {
        max_entry_bytes: 100,
        ..Limits::default()
    };
    refused_with(
        &valid().bundle,
        &one,
        |r| matches!(r, Refusal::TooLarge(m) if m.contains("entry")),
    );
    let manifest = Limits {
        max_manifest_bytes: 100,
        ..Limits::default()
    };
    refused_with(
        &valid().bundle,
        &manifest,
        |r| matches!(r, Refusal::TooLarge(m) if m.contains("manifest.json")),
    );
}

#[test]
fn a_compression_ratio_bomb_is_refused() {
    let mut e = entries();
    set(&mut e, "data/scan_events.jsonl", vec![b'\n'; 24 << 20]);
    let (_d, p) = write_zip(&e);
    assert!(
        std::fs::metadata(&p).expect("m").len() < 1 << 20,
        "small on disk"
    );
    refused(
        &p,
        None,
        |r| matches!(r, Refusal::RatioBomb(n, ratio) if n == "data/scan_events.jsonl" && *ratio > 250),
    );
}

#[test]
fn a_truncated_zip_is_refused() {
    let raw = std::fs::read(&valid().bundle).expect("read");
    for cut in [raw.len() / 2, raw.len() - 10, 30, 0] {
        let (_d, p) = write_raw(&raw[..cut]);
        refused(&p, None, |r| matches!(r, Refusal::Corrupt(_)));
    }
}

#[test]
fn a_corrupt_zip_is_refused() {
    let (_d, p) = write_raw(b"PK\x03\x04 this is not really a zip file at all, just noise");
    refused(&p, None, |r| matches!(r, Refusal::Corrupt(_)));
    // Damage inside the first entry's compressed bytes: inflate or CRC fails, or the hash.
    let mut raw = std::fs::read(&valid().bundle).expect("read");
    for b in &mut raw[80..120] {
        *b ^= 0x5a;
    }
    let (_d, p) = write_raw(&raw);
    refused(&p, None, |r| {
        matches!(
            r,
            Refusal::Corrupt(_)
                | Refusal::HashMismatch(_)
                | Refusal::SizeMismatch { .. }
                | Refusal::BadData(_)
        )
    });
    // Junk before the zip (a self-extractor trick): the archive must start at byte 0.
    let mut prefixed = b"MZ junk junk junk".to_vec();
    prefixed.extend(std::fs::read(&valid().bundle).expect("read"));
    let (_d, p) = write_raw(&prefixed);
    refused(&p, None, |r| matches!(r, Refusal::Corrupt(_)));
}

#[test]
fn a_missing_file_is_refused() {
    let mut e = entries();
    e.retain(|(n, _)| n != "data/roles.jsonl");
    let (_d, p) = write_zip(&e);
    refused(
        &p,
        None,
        |r| matches!(r, Refusal::MissingFile(n) if n == "data/roles.jsonl"),
    );
    let mut e = entries();
    e.retain(|(n, _)| n != "manifest.json");
    let (_d, p) = write_zip(&e);
    refused(
        &p,
        None,
        |r| matches!(r, Refusal::MissingFile(n) if n == "manifest.json"),
    );
}

#[test]
fn an_extra_file_is_refused() {
    let (_d, p) = with_extra("notes.txt");
    refused(
        &p,
        None,
        |r| matches!(r, Refusal::ExtraFile(n) if n == "notes.txt"),
    );
    let (_d, p) = with_extra(&format!("attachments/{}", "0".repeat(64)));
    refused(&p, None, |r| matches!(r, Refusal::ExtraFile(_)));
}

#[test]
fn a_hash_mismatch_is_refused() {
    let mut e = entries();
    let mut sites = content(&e, "data/sites.jsonl");
    let i = sites
        .iter()
        .position(|&b| b.is_ascii_alphabetic())
        .expect("a letter");
    sites[i] ^= 0x20; // same size, other bytes
    set(&mut e, "data/sites.jsonl", sites);
    let (_d, p) = write_zip(&e);
    refused(
        &p,
        None,
        |r| matches!(r, Refusal::HashMismatch(n) if n == "data/sites.jsonl"),
    );
}

#[test]
fn a_size_mismatch_is_refused() {
    let mut e = entries();
    let mut sites = content(&e, "data/sites.jsonl");
    sites.extend_from_slice(b"{}\n");
    set(&mut e, "data/sites.jsonl", sites);
    let (_d, p) = write_zip(&e);
    refused(
        &p,
        None,
        |r| matches!(r, Refusal::SizeMismatch { path, .. } if path == "data/sites.jsonl"),
    );
}

#[test]
fn a_bad_signature_is_refused() {
    let mut e = entries();
    let mut sig = content(&e, "manifest.sig");
    sig[10] ^= 1;
    set(&mut e, "manifest.sig", sig);
    let (_d, p) = write_zip(&e);
    refused(&p, None, |r| matches!(r, Refusal::BadSignature(_)));
    // A manifest edited after signing.
    let mut e = entries();
    let mut m = manifest(&e);
    m["sequence"] = 999_999.into();
    set(
        &mut e,
        "manifest.json",
        serde_json::to_vec_pretty(&m).expect("json"),
    );
    let (_d, p) = write_zip(&e);
    refused(&p, None, |r| matches!(r, Refusal::BadSignature(_)));
    // A signature of the wrong length.
    let mut e = entries();
    set(&mut e, "manifest.sig", b"short".to_vec());
    let (_d, p) = write_zip(&e);
    refused(&p, None, |r| matches!(r, Refusal::BadSignature(_)));
}

#[test]
fn a_missing_signature_is_refused() {
    let mut e = entries();
    e.retain(|(n, _)| n != "manifest.sig");
    let (_d, p) = write_zip(&e);
    refused(&p, None, |r| matches!(r, Refusal::MissingSignature));
}

#[test]
fn an_unexpected_key_is_refused() {
    // Re-signed by another device, naming that device's key: the signature holds, the key
    // is not the expected one.
    let other = DeviceKey::generate().expect("key");
    let mut e = entries();
    let mut m = manifest(&e);
    m["device"]["public_key"] = other.public_base64().into();
    m["device"]["fingerprint"] = other.fingerprint().into();
    resign(&mut e, &m, &other);
    let (_d, p) = write_zip(&e);
    backup::verify(&p, None, None).expect("valid without an expected key");
    refused(
        &p,
        None,
        |r| matches!(r, Refusal::UnexpectedKey { found, .. } if *found == other.fingerprint()),
    );
}

#[test]
fn a_newer_format_is_refused() {
    let mut e = entries();
    let mut m = manifest(&e);
    m["format_version"] = (backup::FORMAT_VERSION + 1).into();
    resign(&mut e, &m, &key());
    let (_d, p) = write_zip(&e);
    refused(
        &p,
        None,
        |r| matches!(r, Refusal::TooNew(m) if m.contains("format")),
    );
}

#[test]
fn a_newer_schema_is_refused() {
    let mut e = entries();
    let mut m = manifest(&e);
    m["schema_version"] = (caliber::store::schema::CURRENT_VERSION + 1).into();
    resign(&mut e, &m, &key());
    let (_d, p) = write_zip(&e);
    refused(
        &p,
        None,
        |r| matches!(r, Refusal::TooNew(m) if m.contains("schema")),
    );
}

#[test]
fn a_plain_bundle_is_refused_when_decryption_was_asked_for() {
    let dir = tempfile::tempdir().expect("tempdir");
    let id = dir.path().join("archive.key");
    use age::secrecy::ExposeSecret;
    std::fs::write(
        &id,
        age::x25519::Identity::generate()
            .to_string()
            .expose_secret(),
    )
    .expect("write");
    refused(&valid().bundle, Some(&id), |r| {
        matches!(r, Refusal::NotEncrypted)
    });
}

#[test]
fn the_wrong_age_identity_is_refused() {
    use age::secrecy::ExposeSecret;
    let dir = tempfile::tempdir().expect("tempdir");
    let right = age::x25519::Identity::generate();
    let wrong = dir.path().join("wrong.key");
    std::fs::write(
        &wrong,
        age::x25519::Identity::generate()
            .to_string()
            .expose_secret(),
    )
    .expect("write");
    // Encrypt the valid bundle to `right` with the age library (what export does).
    let encrypted = dir.path().join("bundle.zip.age");
    let recipient = right.to_public();
    let enc = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
        .expect("encryptor");
    let mut w = enc
        .wrap_output(std::fs::File::create(&encrypted).expect("create"))
        .expect("wrap");
    w.write_all(&std::fs::read(&valid().bundle).expect("read"))
        .expect("write");
    w.finish().expect("finish");
    refused(&encrypted, Some(&wrong), |r| {
        matches!(r, Refusal::WrongIdentity)
    });
    // And without any identity.
    match backup::verify(&encrypted, None, None).expect_err("no identity") {
        BackupError::Refused(Refusal::NeedsIdentity) => {}
        other => panic!("{other}"),
    }
}

#[test]
fn a_count_that_differs_from_the_rows_is_refused() {
    let mut e = entries();
    let mut m = manifest(&e);
    let n = m["counts"]["employees"].as_u64().expect("n");
    m["counts"]["employees"] = (n + 1).into();
    resign(&mut e, &m, &key());
    let (_d, p) = write_zip(&e);
    refused(
        &p,
        None,
        |r| matches!(r, Refusal::CountMismatch { table, .. } if table == "employees"),
    );
}

#[test]
fn an_edited_audit_event_is_refused_even_when_the_manifest_is_re_signed() {
    let mut e = entries();
    let audit = String::from_utf8(content(&e, "data/audit_events.jsonl")).expect("utf8");
    let edited = audit.replacen("\"actor\":\"seed\"", "\"actor\":\"mallory\"", 1);
    assert_ne!(audit, edited);
    replace_consistently(&mut e, "data/audit_events.jsonl", edited.into_bytes());
    let (_d, p) = write_zip(&e);
    refused(
        &p,
        None,
        |r| matches!(r, Refusal::BadData(m) if m.contains("altered")),
    );
}

#[test]
fn a_row_that_does_not_decode_is_refused() {
    let mut e = entries();
    replace_consistently(&mut e, "data/sites.jsonl", b"{\"id\": 12}\n".to_vec());
    let (_d, p) = write_zip(&e);
    refused(
        &p,
        None,
        |r| matches!(r, Refusal::BadData(m) if m.contains("sites")),
    );
}

#[test]
fn unsafe_paths_are_recognised() {
    use caliber::backup::reader::safe_path;
    for bad in [
        "",
        "/a",
        "../a",
        "a/../b",
        "a/./b",
        "a//b",
        "a\\b",
        "C:/a",
        "c:a",
        "a/",
        "a\0b",
        "\u{7}bell",
    ] {
        assert!(!safe_path(bad), "{bad:?}");
    }
    for good in ["manifest.json", "data/sites.jsonl", "attachments/abc"] {
        assert!(safe_path(good), "{good:?}");
    }
}
