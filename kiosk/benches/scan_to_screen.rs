//! Scan-to-screen latency: from a camera frame handed to the badge reader to the screen
//! buffer drawn, through a real `POST /api/v1/scans` to an in-process server — on the demo
//! site and on a generated 5000-employee site. `cargo bench -p caliber-kiosk`.
//! `CALIBER_BENCH_EMPLOYEES` sets the large site (default 5000).

use std::sync::Arc;
use std::time::{Duration, Instant};

use caliber::app::AppState;
use caliber::domain::Employee;
use caliber::service::{self, StationInput};
use caliber::store::{Actor, Store};
use caliber_badge_reader::synthetic::{Category, badge_url, render_badge_frame};
use caliber_badge_reader::{
    BadgeReader, DebounceMode, Debouncer, DecodeOptions, Decoder, Frame, PayloadPolicy, ReadEvent,
};
use caliber_kiosk::Language;
use caliber_kiosk::client::ScanClient;
use caliber_kiosk::render::{Canvas, Renderer};
use caliber_kiosk::screen::Health;
use caliber_kiosk::station::screen_for;

fn serve(store: Arc<Store>) -> String {
    caliber::app::spawn_local(AppState::new(store)).expect("start server")
}

fn measure(label: &str, base: &str, key: &str, tokens: &[String], rounds: usize) {
    let client = ScanClient::new(base, key, Duration::from_secs(2));
    let frames: Vec<Frame> = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let d = Category::Clean.distortion(i as u64);
            Frame::new(render_badge_frame(
                &badge_url("caliber.plant.local", t),
                "X",
                &d,
                i as u64,
            ))
        })
        .collect();
    let mut times = Vec::new();
    let mut canvas = Canvas::new(800, 480);
    let mut renderer = Renderer::new().expect("bundled fonts");
    for r in 0..rounds {
        for frame in &frames {
            // A fresh reader: every frame is a new badge in front of the camera.
            let mut reader = BadgeReader::new(
                Decoder::new(DecodeOptions::default()),
                PayloadPolicy::any_host(),
                Debouncer::new(Duration::from_secs(3), DebounceMode::Single),
            );
            let t = Instant::now();
            let ReadEvent::Badge(token) = reader.read(frame, Instant::now()) else {
                continue;
            };
            let outcome = client.scan(token.as_str());
            let screen = screen_for(
                &outcome,
                "Bench",
                true,
                Health::default(),
                Language::English,
            );
            renderer.draw(&mut canvas, &screen);
            if r > 0 {
                times.push(t.elapsed());
            }
        }
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{label}: n={} median {:.2} ms p99 {:.2} ms max {:.2} ms (read {} of {} frames)",
        times.len(),
        pct(0.5).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        times.len(),
        frames.len() * (rounds - 1),
    );
}

fn main() -> anyhow::Result<()> {
    let now = jiff::Timestamp::now();
    let demo_dir = tempfile::tempdir()?;
    let demo = Arc::new(Store::open(demo_dir.path())?);
    let summary = caliber::seed::seed_demo(&demo, now)?;
    let key = summary.stations[0].key.clone();
    let tokens: Vec<String> = summary
        .employees
        .iter()
        .map(|e| e.badge_token.clone())
        .collect();
    let base = serve(demo);
    measure("demo site", &base, &key, &tokens, 11);

    let employees = std::env::var("CALIBER_BENCH_EMPLOYEES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    let big_dir = tempfile::tempdir()?;
    let big = Arc::new(Store::open(big_dir.path())?);
    caliber::seed::generate(&big, employees, 300, 1, now)?;
    let station = service::create_station(
        &big,
        &Actor::named("bench"),
        StationInput {
            name: "Bench Station".into(),
            project_id: big.catalog().projects.values().next().map(|p| p.id),
            extra_skills: vec![],
        },
    )?;
    let people: Vec<Employee> = big.read()?.list()?;
    let tokens: Vec<String> = people
        .iter()
        .step_by((people.len() / 40).max(1))
        .map(|e| e.badge_token.to_string())
        .collect();
    let base = serve(big);
    measure(
        &format!("generated site ({employees} employees)"),
        &base,
        &station.key,
        &tokens,
        6,
    );
    Ok(())
}
