//! Drawing time per screen size: every screen (idle, green, red, amber) with names from every
//! script in every language, drawn into the frame buffer with one renderer as the station
//! keeps it (glyph cache warm after the first screen). Prints the first (cold) draw and the
//! median, p99 and max of the warm draws per size. `cargo bench -p caliber-kiosk --bench
//! draw_screens`; `CALIBER_BENCH_ROUNDS` sets the rounds (default 30).

use std::time::{Duration, Instant};

use caliber_kiosk::language::{Key, Language};
use caliber_kiosk::render::{Canvas, Renderer};
use caliber_kiosk::screen::{Health, Screen, ScreenState};

const NAMES: [&str; 6] = [
    "José Peña",
    "Łukasz Wróbel",
    "Jürgen Müller",
    "Nguyễn Văn An",
    "Σοφία Παπαδοπούλου",
    "Дмитрий Иванов",
];

fn screens() -> Vec<Screen> {
    let h = Health::default();
    let mut out = Vec::new();
    for l in Language::ALL {
        let date = l.date(jiff::civil::date(2026, 11, 3));
        out.push(Screen::idle(l, "Prensa 4", "14:05", h));
        for name in NAMES {
            let person = |state, title: Key, lines: Vec<String>| Screen {
                state,
                language: l,
                station: "Prensa 4".into(),
                title: l.text(title, &[]),
                name: Some(name.into()),
                lines,
                clock: "14:05".into(),
                health: h,
            };
            out.push(person(
                ScreenState::Green,
                Key::TitleQualified,
                vec![
                    l.text(Key::QualifiedFor, &[("station", "Prensa 4")]),
                    l.text(
                        Key::SkillExpiring,
                        &[("skill", "Primeros auxilios"), ("date", &date)],
                    ),
                ],
            ));
            out.push(person(
                ScreenState::Red,
                Key::TitleNotQualified,
                vec![
                    l.text(
                        Key::SkillExpired,
                        &[("skill", "Carretilla elevadora"), ("date", &date)],
                    ),
                    l.text(Key::SkillOutdated, &[("skill", "Protocolos de seguridad")]),
                ],
            ));
        }
        out.push(Screen::amber(
            l,
            "Prensa 4",
            "14:05",
            h,
            &l.text(Key::TitleUnknownBadge, &[]),
            &l.text(Key::ReasonUnknownBadge, &[]),
        ));
    }
    out
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() -> anyhow::Result<()> {
    let rounds: usize = std::env::var("CALIBER_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let screens = screens();
    for (w, h) in [(320, 240), (480, 320), (800, 480), (1920, 1080)] {
        let mut renderer = Renderer::new()?;
        let mut canvas = Canvas::new(w, h);
        let t = Instant::now();
        renderer.draw(&mut canvas, &screens[0]);
        let cold = t.elapsed();
        // One pass fills the cache with every glyph at every size these screens use.
        for s in &screens {
            renderer.draw(&mut canvas, s);
        }
        let mut times = Vec::with_capacity(rounds * screens.len());
        for _ in 0..rounds {
            for s in &screens {
                let t = Instant::now();
                renderer.draw(&mut canvas, s);
                times.push(t.elapsed());
            }
        }
        times.sort();
        let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
        println!(
            "draw {w}x{h}: n={} median {:.2} ms p99 {:.2} ms max {:.2} ms (first screen, cold cache {:.2} ms)",
            times.len(),
            ms(pct(0.5)),
            ms(pct(0.99)),
            ms(times[times.len() - 1]),
            ms(cold),
        );
    }
    Ok(())
}
