//! Central archive benchmark: generated sites, real bundles from the backup export, ingested
//! into a local archive folder and into a real S3-protocol server (`s3s` over a folder, in
//! this process on 127.0.0.1 port 0): MB/s and bundles/s for each. Then the real `caliber
//! archive serve` on each archive, in its own process: how long it takes to read the archive
//! and listen, the company dashboard's (and other pages') time to first byte, and its
//! memory (peak and current resident set, from /proc).
//!
//! Size from the environment (defaults: the full size):
//! `ARCHIVE_BENCH_SITES` (200), `ARCHIVE_BENCH_BUNDLES` per site (26), `ARCHIVE_BENCH_LARGE`
//! of those sites with 5,000 employees (10), `ARCHIVE_BENCH_SMALL` employees of the other
//! sites (25), `ARCHIVE_BENCH_REQUESTS` per page measured (50). Run with
//! `bash bench/archive/run.sh`.

#[path = "../tests/archive_kit/mod.rs"]
mod archive_kit;
#[path = "../tests/common/mod.rs"]
mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use archive_kit::s3::{BUCKET, S3Server};
use archive_kit::web::Served;

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

const PASSWORD: &str = "bench-password-1";

/// Time to the first byte of `GET path` on a new connection, the body's size and the status.
fn first_byte(base: &str, cookie: &str, path: &str) -> (Duration, usize, String) {
    let addr = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_nodelay(true).expect("nodelay");
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
    );
    let started = Instant::now();
    s.write_all(request.as_bytes()).expect("send");
    let mut first = [0u8; 1];
    s.read_exact(&mut first).expect("first byte");
    let ttfb = started.elapsed();
    let mut rest = Vec::new();
    s.read_to_end(&mut rest).expect("body");
    let head = String::from_utf8_lossy(&rest[..rest.len().min(20)]).into_owned();
    let status = format!("{}{head}", first[0] as char)
        .split_whitespace()
        .nth(1)
        .unwrap_or("?")
        .to_owned();
    (ttfb, rest.len() + 1, status)
}

/// `VmHWM` and `VmRSS` of process `pid`, in MB.
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (kb("VmHWM:"), kb("VmRSS:"))
}

/// Serve the archive `at` (`--dir …` or `--store … --state …`) with the real binary; print
/// the time to listen, each page's time to first byte and the memory.
fn serve_figures(label: &str, at: &[&str], env: &[(&str, String)], pages: &[String]) {
    let requests = env_number("ARCHIVE_BENCH_REQUESTS", 50).max(1);
    let mut add = vec!["user", "add"];
    add.extend_from_slice(at);
    add.extend(["--email", "bench@plant.test", "--role", "auditor"]);
    let (code, out) = archive_kit::archive_input(&add, env, PASSWORD);
    assert_eq!(code, 0, "{out}");
    let started = Instant::now();
    let srv = Served::start(at, env);
    let listening = started.elapsed();
    let browser = srv.login("bench@plant.test", PASSWORD).expect("login");
    let cookie = browser.cookie.clone().expect("cookie");
    let pid = srv.child.0.id();
    println!(
        "{label}: archive serve read the archive and listened in {:.2} s",
        listening.as_secs_f64()
    );
    for path in pages {
        let mut times: Vec<Duration> = Vec::with_capacity(requests);
        let mut size = 0;
        for _ in 0..requests {
            let (t, bytes, status) = first_byte(&srv.base, &cookie, path);
            assert_eq!(status, "200", "GET {path}");
            times.push(t);
            size = bytes;
        }
        let first = times[0];
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{label}: GET {path} ({} KB): time to first byte first {:.1} ms, median {:.1} ms, p95 {:.1} ms, max {:.1} ms ({requests} requests)",
            size / 1024,
            ms(first),
            ms(times[times.len() / 2]),
            ms(times[(times.len() * 95 / 100).min(times.len() - 1)]),
            ms(times[times.len() - 1]),
        );
    }
    let (peak, now) = memory(pid);
    println!("{label}: archive serve memory: peak RSS {peak:.1} MB, RSS now {now:.1} MB");
    srv.stop();
}

/// The pages measured: the dashboard first, then the other company pages, and the largest
/// site's figures, matrix page and history.
fn pages(archive: &Path) -> Vec<String> {
    let company = Archive::open(archive)
        .expect("open")
        .company()
        .expect("company");
    let largest = company
        .sites
        .values()
        .max_by_key(|s| s.newest.employees)
        .map(|s| s.code.clone())
        .expect("a site");
    let mut p: Vec<String> = ["/", "/gaps", "/expiring", "/report.json"]
        .map(str::to_owned)
        .into();
    p.extend([
        format!("/sites/{largest}"),
        format!("/sites/{largest}/matrix"),
        format!("/sites/{largest}/bundles"),
    ]);
    p
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
    let archive = work.join("archive");
    let pages = pages(&archive);
    serve_figures(
        "local directory",
        &["--dir", archive.to_str().expect("utf-8")],
        &[],
        &pages,
    );
    let s3 = S3Server::start(&work.join("s3"));
    let env = s3.env();
    // SAFETY: no other thread of this process reads the environment now (the S3 server's
    // runtime has its worker count set, the finished serve's output thread has ended).
    unsafe {
        for (k, v) in &env {
            std::env::set_var(k, v);
        }
    }
    let url = format!("s3://{BUCKET}/archive");
    ingest_all(
        "S3 server (s3s-fs, loopback)",
        &Location::Store(url.clone()),
        &made,
    );
    let state = work.join("s3-state");
    serve_figures(
        "S3 server (s3s-fs, loopback)",
        &["--store", &url, "--state", state.to_str().expect("utf-8")],
        &env,
        &pages,
    );
    drop(s3);
    let _ = std::fs::remove_dir_all(&work);
}
