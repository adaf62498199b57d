//! Read rate and time per frame, per synthetic category and on the QR corpus, at 640×480 and
//! 1280×720, plus frames with no code. `cargo bench -p caliber-badge-reader`.
//!
//! Environment: `BADGE_BENCH_FRAMES` (frames per category, default 60), `CALIBER_QR_CORPUS`
//! (default ../shared/qr-corpus), `BADGE_BENCH_DUMP=DIR` (also write the synthetic frames as
//! PNG with a `.txt` of the expected text, for the reference decoders in bench/badge/),
//! `BADGE_BENCH_VERBOSE` (also each frame's verdict and time, and the corpus images missed).

use std::path::{Path, PathBuf};
use std::time::Duration;

/// CPU time of this thread so far: a frame's cost without the waits for a core that other
/// work on a shared machine causes (wall-clock time there says more about the neighbours).
fn cpu_now() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

use caliber_badge_reader::synthetic::{Category, badge_url, render_badge_frame};
use caliber_badge_reader::{DecodeOptions, Decoder, Frame, load_frame};

fn token(seed: u64) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..22)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            A[(x % 64) as usize] as char
        })
        .collect()
}

struct Row {
    name: String,
    frames: usize,
    read: usize,
    /// Decoded to a text other than the expected one (worse than a miss).
    wrong: usize,
    times: Vec<Duration>,
}

impl Row {
    fn print(&mut self) {
        self.times.sort();
        let pct = |p: f64| {
            let i = ((self.times.len() as f64 - 1.0) * p).round() as usize;
            self.times.get(i).copied().unwrap_or_default()
        };
        println!(
            "| {:<28} | {:>6} | {:>6.1}% | {:>5} | {:>8.2} | {:>8.2} |",
            self.name,
            self.frames,
            100.0 * self.read as f64 / self.frames.max(1) as f64,
            self.wrong,
            pct(0.5).as_secs_f64() * 1e3,
            pct(0.95).as_secs_f64() * 1e3
        );
    }
}

fn corpus_dir() -> PathBuf {
    std::env::var_os("CALIBER_QR_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/qr-corpus"))
}

/// Every corpus image with its expected text.
pub fn corpus() -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let Ok(dirs) = std::fs::read_dir(corpus_dir()) else {
        return out;
    };
    let mut dirs: Vec<PathBuf> = dirs
        .filter_map(|d| d.ok().map(|d| d.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for d in dirs {
        let Ok(files) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut files: Vec<PathBuf> = files.filter_map(|f| f.ok().map(|f| f.path())).collect();
        files.sort();
        for f in files {
            let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
            if ["png", "jpg", "jpeg", "webp"].contains(&ext)
                && let Ok(t) = std::fs::read_to_string(f.with_extension("txt"))
            {
                out.push((f, t));
            }
        }
    }
    out
}

fn main() {
    let n: u64 = std::env::var("BADGE_BENCH_FRAMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let dump = std::env::var_os("BADGE_BENCH_DUMP").map(PathBuf::from);
    println!(
        "| {:<28} | {:>6} | {:>7} | {:>5} | {:>8} | {:>8} |",
        "set", "frames", "read", "wrong", "med ms", "p95 ms"
    );
    println!(
        "|{:-<30}|{:-<8}|{:-<9}|{:-<7}|{:-<10}|{:-<10}|",
        "", "", "", "", "", ""
    );
    // BADGE_BENCH_ONLY=name,name limits the synthetic categories (quick looks while tuning).
    let only: Option<Vec<String>> = std::env::var("BADGE_BENCH_ONLY")
        .ok()
        .map(|v| v.split(',').map(str::to_owned).collect());
    let wanted = |name: &str| only.as_ref().is_none_or(|o| o.iter().any(|x| x == name));
    for (w, h) in [(640u32, 480u32), (1280, 720)] {
        for cat in Category::ALL {
            if !wanted(cat.name()) {
                continue;
            }
            let mut row = Row {
                name: format!("{} {w}x{h}", cat.name()),
                frames: 0,
                read: 0,
                wrong: 0,
                times: Vec::new(),
            };
            for i in 0..n {
                let seed = i * 7919 + 13;
                let url = badge_url("caliber.plant.local", &token(seed));
                let d = cat.distortion(seed).at_size(w, h);
                let img = render_badge_frame(&url, "MARIA GONZALEZ", &d, seed);
                if let Some(dir) = &dump {
                    let base = dir.join(format!("{}_{w}x{h}_{i:03}", cat.name()));
                    let _ = std::fs::create_dir_all(dir);
                    let _ = img.save(base.with_extension("png"));
                    let _ = std::fs::write(base.with_extension("txt"), &url);
                }
                let frame = Frame::new(img);
                // A fresh region each frame: every frame is a first sighting.
                let mut fresh = Decoder::new(DecodeOptions::default());
                let t = cpu_now();
                let got = fresh.decode(&frame);
                let spent = cpu_now() - t;
                row.times.push(spent);
                row.frames += 1;
                let verdict = match got.map(|g| g.text) {
                    Some(t) if t == url => {
                        row.read += 1;
                        "read"
                    }
                    Some(_) => {
                        row.wrong += 1;
                        "wrong"
                    }
                    None => "missed",
                };
                if std::env::var_os("BADGE_BENCH_VERBOSE").is_some() {
                    println!(
                        "  {verdict}: {} frame {i} (seed {seed}) {:.2} ms",
                        row.name,
                        spent.as_secs_f64() * 1e3
                    );
                }
            }
            row.print();
        }
        // Frames with no code: the common case between badges, on a plain and a busy scene.
        for (label, busy) in [("plain", false), ("busy", true)] {
            if !wanted("no_code") {
                continue;
            }
            let mut decoder = Decoder::new(DecodeOptions::default());
            let mut row = Row {
                name: format!("no code, {label} {w}x{h}"),
                frames: 0,
                read: 0,
                wrong: 0,
                times: Vec::new(),
            };
            for i in 0..n {
                let mut d = Category::Clean.distortion(i).at_size(w, h);
                d.busy_background = busy;
                d.code_px = 0.0;
                let frame = Frame::new(render_badge_frame("", "", &d, i));
                let t = cpu_now();
                let got = decoder.decode(&frame);
                row.times.push(cpu_now() - t);
                row.frames += 1;
                row.read += usize::from(got.is_none());
                row.wrong += usize::from(got.is_some());
            }
            row.print();
        }
    }
    let items = if wanted("corpus") {
        corpus()
    } else {
        Vec::new()
    };
    for (label, options) in [
        ("qr-corpus, stream mode", DecodeOptions::default()),
        ("qr-corpus, exhaustive", DecodeOptions::exhaustive()),
    ] {
        let mut row = Row {
            name: label.into(),
            frames: 0,
            read: 0,
            wrong: 0,
            times: Vec::new(),
        };
        let mut panics = 0;
        for (path, expected) in &items {
            let Ok(frame) = load_frame(path) else {
                continue;
            };
            let mut fresh = Decoder::new(options.clone());
            let t = cpu_now();
            let got = fresh.decode(&frame);
            row.times.push(cpu_now() - t);
            row.frames += 1;
            match got.map(|g| g.text) {
                Some(t) if t == *expected => row.read += 1,
                Some(t) => {
                    row.wrong += 1;
                    if std::env::var_os("BADGE_BENCH_VERBOSE").is_some() {
                        println!("  wrong: {} read {t:?}", path.display());
                    }
                }
                None => {
                    if std::env::var_os("BADGE_BENCH_VERBOSE").is_some() {
                        println!("  missed: {}", path.display());
                    }
                }
            }
            panics += fresh.contained_panics();
        }
        row.print();
        println!("  ({label}: {panics} decoder panics contained)");
    }
    println!(
        "(read for 'no code' rows = correctly found nothing; wrong = decoded a text other than the expected one)"
    );
}
