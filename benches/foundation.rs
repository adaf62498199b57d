//! Foundation benchmarks on a large synthetic site (`caliber generate`-sized):
//! station verdict including the store read (median, p99), the full site matrix, and durable
//! certification commits per second.
//!
//! `cargo bench --bench foundation`; sizes from `CALIBER_BENCH_EMPLOYEES` (default 5000) and
//! `CALIBER_BENCH_SKILLS` (default 300).

use std::time::{Duration, Instant};

use caliber::domain::{Employee, Skill, Station};
use caliber::service::{self, CertifyInput, MatrixFilter};
use caliber::store::{Actor, Store};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() -> anyhow::Result<()> {
    let employees = env("CALIBER_BENCH_EMPLOYEES", 5000);
    let skills = env("CALIBER_BENCH_SKILLS", 300);
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let now = jiff::Timestamp::now();
    let t = Instant::now();
    let summary = caliber::seed::generate(&store, employees, skills, 1, now)?;
    println!(
        "generate {employees} employees x {skills} skills: {:.1} s ({summary})",
        t.elapsed().as_secs_f64()
    );
    let r = store.read()?;
    let people: Vec<Employee> = r.list()?;
    let active: Vec<&Employee> = people
        .iter()
        .filter(|e| e.status == caliber::domain::EmployeeStatus::Active)
        .collect();
    let counts = r.counts()?;
    drop(r);
    println!(
        "store: {} requirement rows, {} certifications, {:.1} MiB",
        counts.requirements,
        counts.certifications,
        store.file_size() as f64 / 1048576.0
    );
    let catalog = store.catalog();
    let stations: Vec<&Station> = catalog.stations.values().collect();
    anyhow::ensure!(!stations.is_empty(), "the generated site has no stations");

    // Station verdict including the store read, the path of POST /api/v1/scans.
    let mut times = Vec::with_capacity(people.len());
    let mut green = 0usize;
    for _round in 0..2 {
        for (i, e) in people.iter().enumerate() {
            // A station on one of the employee's lines where there is one.
            let station = stations
                .iter()
                .find(|s| s.project_id.is_some_and(|p| e.project_ids.contains(&p)))
                .copied()
                .unwrap_or(stations[i % stations.len()]);
            let t = Instant::now();
            let v = service::judge_badge(&store, station, &e.badge_token, now)?;
            times.push(t.elapsed());
            green += usize::from(v.is_green());
        }
    }
    times.sort();
    println!(
        "station verdict incl. store read: n={} median {:?} p99 {:?} max {:?} (green {:.0}%)",
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times.last().copied().unwrap_or_default(),
        100.0 * green as f64 / times.len() as f64
    );

    // Parts of the matrix: reading every certification.
    let t = Instant::now();
    let all = store.read()?.list::<caliber::domain::Certification>()?;
    println!(
        "  (read and decode {} certifications: {:?})",
        all.len(),
        t.elapsed()
    );
    drop(all);

    // The full site matrix: the first call also builds the certification cache.
    let t = Instant::now();
    service::matrix(&store, &MatrixFilter::default(), now)?;
    println!(
        "full matrix, cold (builds the certification cache): {:?}",
        t.elapsed()
    );
    let mut times = Vec::new();
    let mut rows = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let m = service::matrix(&store, &MatrixFilter::default(), now)?;
        times.push(t.elapsed());
        rows = m.rows.len();
    }
    times.sort();
    println!(
        "full matrix, warm ({rows} rows x {skills} skills): median {:?} min {:?} max {:?}",
        percentile(&times, 0.5),
        times[0],
        times[times.len() - 1]
    );

    // Durable certification commits, one transaction (with its audit event) each.
    let skill_list: Vec<&Skill> = catalog
        .skills
        .values()
        .filter(|s| s.deleted_at.is_none())
        .collect();
    let n = env("CALIBER_BENCH_CERTIFICATIONS", 1000);
    let actor = Actor::named("bench");
    let t = Instant::now();
    for i in 0..n {
        let e = active[i % active.len()];
        let s = skill_list[i % skill_list.len()];
        service::certify(
            &store,
            &actor,
            CertifyInput {
                employee_id: e.id,
                skill_id: s.id,
                level: 1,
                achieved_at: None,
                revision_id: None,
                notes: String::new(),
                attachments: vec![],
                assessor: None,
            },
        )?;
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "certification commits: {n} in {secs:.2} s = {:.0}/s",
        n as f64 / secs
    );
    Ok(())
}
