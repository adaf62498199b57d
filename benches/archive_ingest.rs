//! Central archive ingest throughput: generated sites, real bundles from the backup export,
//! ingested into a local archive folder and into a real S3-protocol server (`s3s` over a
//! folder, in this process on 127.0.0.1 port 0). Prints MB/s and bundles/s for each.
//!
//! Size from the environment (defaults: the full size):
//! `ARCHIVE_BENCH_SITES` (200), `ARCHIVE_BENCH_BUNDLES` per site (26), `ARCHIVE_BENCH_LARGE`
//! of those sites with 5,000 employees (10), `ARCHIVE_BENCH_SMALL` employees of the other
//! sites (25). Run with `bash bench/archive/run.sh`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use caliber::archive::{Archive, IngestOutcome, Location};
use caliber::backup::{self, DeviceKey, ExportOptions};
use caliber::domain::Site;
use caliber::service::{self, SiteInput};
use caliber::store::{Actor, Store};

fn env_number(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) => v.trim().parse().unwrap_or_else(|_| {
            eprintln!("{name}={v} is not a number; using {default}");
            default
        }),
        Err(_) => default,
    }
}

/// One generated site box: its bundles and its enrolments (site code, key).
struct SiteBundles {
    files: Vec<PathBuf>,
    enrol: Vec<(String, String)>,
}

fn make_site(dir: &Path, index: usize, employees: usize, bundles: usize) -> SiteBundles {
    let data = dir.join("data");
    let store = Store::open(&data).expect("open store");
    let skills = if employees >= 1000 { 120 } else { 12 };
    caliber::seed::generate(
        &store,
        employees,
        skills,
        index as u64 + 1,
        jiff::Timestamp::now(),
    )
    .expect("generate");
    let mut sites = store.read().expect("read").list::<Site>().expect("sites");
    sites.sort_by(|a, b| a.code.cmp(&b.code));
    let mut enrol = Vec::new();
    let key = DeviceKey::load_or_create(&data).expect("device key");
    for s in &sites {
        let code = format!("S{index:03}-{}", s.code.trim_start_matches("GEN-"));
        service::update::<Site>(
            &store,
            &Actor::named("bench"),
            s.id,
            SiteInput {
                code: code.clone(),
                name: s.name.clone(),
                timezone: s.timezone.clone(),
                warning_days: Some(s.warning_days),
            },
        )
        .expect("rename site");
        enrol.push((code, key.fingerprint()));
    }
    let out = dir.join("bundles");
    std::fs::create_dir_all(&out).expect("bundle folder");
    let options = ExportOptions {
        recipients: Vec::new(),
        removable: false,
    };
    let files = (0..bundles)
        .map(|_| {
            backup::export(&store, &key, &out, &options)
                .expect("export")
                .path
        })
        .collect();
    SiteBundles { files, enrol }
}

fn ingest_all(label: &str, location: &Location, sites: &[SiteBundles]) {
    let (archive, _) = Archive::init_at(location).expect("init");
    for s in sites {
        for (code, key) in &s.enrol {
            archive.enrol(code, key, None).expect("enrol");
        }
    }
    let files: Vec<&PathBuf> = sites.iter().flat_map(|s| &s.files).collect();
    let bytes: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();
    let started = Instant::now();
    let mut lock = archive.lock_ingest().expect("lock");
    for f in &files {
        match archive.ingest(&mut lock, f).expect("ingest") {
            IngestOutcome::Accepted(..) => {}
            other => panic!("{}: {}", f.display(), other.describe()),
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{label}: {} bundles, {:.1} MB in {secs:.1} s: {:.2} MB/s, {:.1} bundles/s",
        files.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs,
        files.len() as f64 / secs
    );
}

/// A real S3-protocol server over `root` with one bucket, on its own thread; returns its port.
fn start_s3(root: &Path, bucket: &str, key: &'static str, secret: &'static str) -> u16 {
    std::fs::create_dir_all(root.join(bucket)).expect("bucket");
    let (tx, rx) = std::sync::mpsc::channel();
    let served = root.to_owned();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let fs = s3s_fs::FileSystem::new(&served).expect("s3s-fs");
            let mut builder = s3s::service::S3ServiceBuilder::new(fs);
            builder.set_auth(s3s::auth::SimpleAuth::from_single(key, secret));
            let service = builder.build();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr").port())
                .expect("port");
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    continue;
                };
                let service = service.clone();
                tokio::spawn(async move {
                    let io = hyper_util::rt::TokioIo::new(socket);
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, service)
                        .await;
                });
            }
        });
    });
    rx.recv().expect("the S3 server listens")
}

fn main() {
    let sites = env_number("ARCHIVE_BENCH_SITES", 200);
    let bundles = env_number("ARCHIVE_BENCH_BUNDLES", 26);
    let large = env_number("ARCHIVE_BENCH_LARGE", 10).min(sites);
    let small = env_number("ARCHIVE_BENCH_SMALL", 25);
    let work = std::env::temp_dir().join(format!("caliber-archive-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("work");
    println!(
        "== {sites} sites x {bundles} bundles ({large} of 5000 employees, the others {small})"
    );
    let started = Instant::now();
    let made: Vec<SiteBundles> = (0..sites)
        .map(|i| {
            let employees = if i < large { 5000 } else { small };
            make_site(&work.join(format!("box-{i:03}")), i, employees, bundles)
        })
        .collect();
    println!(
        "generated and exported in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    ingest_all(
        "local directory",
        &Location::Dir(work.join("archive")),
        &made,
    );
    let port = start_s3(&work.join("s3"), "bench", "bench-key", "bench-secret");
    // SAFETY: set before any thread of this process reads the environment (the S3 server's
    // thread does not).
    unsafe {
        std::env::set_var("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"));
        std::env::set_var("AWS_ACCESS_KEY_ID", "bench-key");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "bench-secret");
        std::env::set_var("AWS_REGION", "us-east-1");
        std::env::set_var("AWS_ALLOW_HTTP", "true");
    }
    ingest_all(
        "S3 server (s3s-fs, loopback)",
        &Location::Store("s3://bench/archive".into()),
        &made,
    );
    let _ = std::fs::remove_dir_all(&work);
}
