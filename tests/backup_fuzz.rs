//! The fuzz run of the hostile reader (not part of the normal suite: run it with
//! `bash bench/backup/fuzz.sh`, or
//! `CALIBER_FUZZ_CASES=1000000 cargo test --release --test backup_fuzz -- --ignored --nocapture`).
//!
//! It mutates a valid bundle (byte flips, truncations, spliced and duplicated ranges, damage
//! aimed at the central directory, and re-signed bundles with damaged data files, so the
//! deeper checks are reached too) and feeds random bytes, then counts how each case ended.
//! The only failures are a panic or an error that is not a refusal: every case must end in
//! a refusal or, for a change to bytes the manifest does not vouch for, a valid bundle.

use std::collections::BTreeMap;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};

use caliber::backup::{self, BackupError, DeviceKey, Limits};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

mod bundles;

fn kind(r: &Result<backup::BundleSummary, BackupError>) -> String {
    match r {
        Ok(_) => "accepted".into(),
        Err(BackupError::Refused(r)) => {
            let s = format!("{r:?}");
            s.split(['(', ' ', '{']).next().unwrap_or("?").to_owned()
        }
        Err(other) => format!("error: {other}"),
    }
}

#[test]
#[ignore = "fuzz run: bench/backup/fuzz.sh"]
fn the_reader_never_panics_on_mutated_bundles_or_random_bytes() {
    let cases: u64 = std::env::var("CALIBER_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let (bundle, _, key) = bundles::demo_bundle(dir.path());
    let valid = std::fs::read(&bundle).expect("read");
    let fp = key.fingerprint();
    let limits = Limits::default();
    backup::verify_bytes(valid.clone(), Some(&fp), &limits).expect("the seed bundle is valid");

    // Entries of the valid bundle, to build re-signed bundles with damaged data.
    let entries = bundles::entries_of(std::io::Cursor::new(valid.clone()));

    let seed: u64 = std::env::var("CALIBER_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    let mut panics = 0u64;
    let started = std::time::Instant::now();
    for case in 0..cases {
        let bytes = match case % 10 {
            0 => {
                let n = rng.random_range(0..4096);
                (0..n).map(|_| rng.random()).collect()
            }
            1 => {
                let mut b = valid.clone();
                b.truncate(rng.random_range(0..valid.len()));
                b
            }
            2 => {
                // Damage aimed at the end of central directory and the central directory.
                let mut b = valid.clone();
                let tail = b.len().min(2048);
                for _ in 0..rng.random_range(1..6) {
                    let i = b.len() - 1 - rng.random_range(0..tail);
                    b[i] = rng.random();
                }
                b
            }
            3 => {
                // Splice: copy a range of the bundle over another place.
                let mut b = valid.clone();
                let len = rng.random_range(1..256).min(b.len());
                let from = rng.random_range(0..b.len() - len);
                let to = rng.random_range(0..b.len() - len);
                let chunk = b[from..from + len].to_vec();
                b[to..to + len].copy_from_slice(&chunk);
                b
            }
            4 => {
                // Insert or delete a range.
                let mut b = valid.clone();
                let at = rng.random_range(0..b.len());
                if rng.random() {
                    let n = rng.random_range(1..64);
                    let junk: Vec<u8> = (0..n).map(|_| rng.random()).collect();
                    b.splice(at..at, junk);
                } else {
                    let n = rng.random_range(1..64).min(b.len() - at);
                    b.drain(at..at + n);
                }
                b
            }
            5 if case % 100 == 5 => {
                // A re-signed bundle whose data file has a damaged line: the content
                // checks (decode, counts, chain) must refuse it.
                resigned(&entries, &key, &mut rng)
            }
            _ => {
                let mut b = valid.clone();
                for _ in 0..rng.random_range(1..9) {
                    let i = rng.random_range(0..b.len());
                    b[i] ^= 1 << rng.random_range(0..8);
                }
                b
            }
        };
        let out = catch_unwind(AssertUnwindSafe(|| {
            backup::verify_bytes(bytes, Some(&fp), &limits)
        }));
        match out {
            // A changed bundle may still verify when the change touched nothing the manifest
            // vouches for (zip header fields outside the content, such as times).
            Ok(r) => *outcomes.entry(kind(&r)).or_default() += 1,
            Err(_) => panics += 1,
        }
    }
    let elapsed = started.elapsed();
    println!(
        "fuzz: {cases} cases in {:.1} s ({:.0} cases/s), seed {seed}, {panics} panics",
        elapsed.as_secs_f64(),
        cases as f64 / elapsed.as_secs_f64()
    );
    for (k, n) in &outcomes {
        println!("  {n:>9}  {k}");
    }
    assert_eq!(panics, 0, "the reader panicked");
    assert!(
        !outcomes.keys().any(|k| k.starts_with("error")),
        "only refusals or acceptance: {outcomes:?}"
    );
}

/// The valid entries with one data line damaged, the manifest updated and re-signed.
fn resigned(entries: &[(String, Vec<u8>)], key: &DeviceKey, rng: &mut SmallRng) -> Vec<u8> {
    use sha2::Digest;
    let mut entries = entries.to_vec();
    let data: Vec<usize> = entries
        .iter()
        .enumerate()
        .filter(|(_, (n, b))| n.starts_with("data/") && !b.is_empty())
        .map(|(i, _)| i)
        .collect();
    let which = data[rng.random_range(0..data.len())];
    let body = &mut entries[which].1;
    let i = rng.random_range(0..body.len());
    body[i] = rng.random();
    let (path, content) = entries[which].clone();
    let mi = entries
        .iter()
        .position(|(n, _)| n == "manifest.json")
        .expect("manifest");
    let mut m: serde_json::Value = serde_json::from_slice(&entries[mi].1).expect("json");
    for f in m["files"].as_array_mut().expect("files") {
        if f["path"] == path.as_str() {
            f["size"] = content.len().into();
            f["sha256"] = hex::encode(sha2::Sha256::digest(&content)).into();
        }
    }
    let bytes = serde_json::to_vec_pretty(&m).expect("json");
    let sig = key.sign(&bytes).to_bytes().to_vec();
    entries[mi].1 = bytes;
    if let Some(s) = entries.iter_mut().find(|(n, _)| n == "manifest.sig") {
        s.1 = sig;
    }
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        for (n, b) in &entries {
            w.start_file(
                n.as_str(),
                zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated),
            )
            .expect("start");
            w.write_all(b).expect("write");
        }
        w.finish().expect("finish");
    }
    out.into_inner()
}
