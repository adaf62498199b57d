//! The badge reader on what it will meet: synthetic badges of every kind (fixed seeds), the
//! real photographs of the QR corpus (one of which makes the QR library panic), and frames
//! with nothing in them.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use caliber_badge_reader::synthetic::{Category, badge_url, render_badge_frame};
use caliber_badge_reader::{
    BadgeReader, DebounceMode, Debouncer, DecodeOptions, Decoder, DirectorySource, Frame,
    FrameSource, MemorySource, PayloadPolicy, ReadEvent, load_frame,
};

const TOKENS: [&str; 4] = [
    "q0Jv3mV8pZ1xA4nR7tYc2w",
    "Zk9_LmN3-pQr5StU7vWx1y",
    "aaaaBBBBccccDDDDeeeeFF",
    "Hq7-0000zzzz____9999AA",
];

/// Decoder options for tests: the time budget is a production knob tuned for release builds;
/// tests (debug builds) check what the decoder can read, the benchmark how fast.
fn options() -> DecodeOptions {
    DecodeOptions {
        budget: Duration::from_secs(10),
        ..DecodeOptions::exhaustive()
    }
}

/// Read rate of a category over `n` frames at 640×480, each decoded from scratch.
fn read_rate(cat: Category, n: u64) -> f64 {
    let mut ok = 0;
    for i in 0..n {
        let seed = 1000 + i * 31;
        let url = badge_url("caliber.plant.local", TOKENS[i as usize % TOKENS.len()]);
        let img = render_badge_frame(&url, "ANA RUIZ", &cat.distortion(seed), seed);
        let mut decoder = Decoder::new(options());
        if decoder.decode(&Frame::new(img)).map(|d| d.text) == Some(url) {
            ok += 1;
        }
    }
    f64::from(ok) / n as f64
}

/// The least read rate each category must keep (12 frames each, exhaustive mode). Most are
/// read every time; the figures below 100% are what this decoder reaches today (see the
/// benchmark), kept as floors so a regression shows.
fn floor(cat: Category) -> Option<f64> {
    Some(match cat {
        Category::MotionBlur => 0.8,
        // 60 px codes with blur and noise: not read yet; reported by the benchmark only.
        Category::ExtremeSmall => return None,
        _ => 1.0,
    })
}

#[test]
fn reads_synthetic_badges_of_every_category() {
    let mut failures = Vec::new();
    for cat in Category::ALL {
        let Some(min) = floor(cat) else { continue };
        let rate = read_rate(cat, 12);
        if rate < min {
            failures.push(format!(
                "{}: {:.0}% < {:.0}%",
                cat.name(),
                rate * 100.0,
                min * 100.0
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "categories below their floor: {failures:?}"
    );
}

fn corpus_dir() -> PathBuf {
    std::env::var_os("CALIBER_QR_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/qr-corpus"))
}

#[test]
fn reads_the_real_photo_corpus_without_crashing() {
    let root = corpus_dir();
    let dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("QR corpus missing at {}: {e}", root.display()))
        .filter_map(|d| d.ok().map(|d| d.path()))
        .filter(|p| p.is_dir())
        .collect();
    let mut source = DirectorySource::new(&dirs).expect("corpus");
    let mut decoder = Decoder::new(options());
    let (mut total, mut read) = (0, 0);
    while let Some((path, frame)) = source.next_file() {
        let Ok(expected) = std::fs::read_to_string(path.with_extension("txt")) else {
            continue;
        };
        let frame = frame.expect("every corpus image decodes as an image");
        total += 1;
        // Each image is a first sighting.
        let mut fresh = Decoder::new(options());
        if fresh.decode(&frame).map(|d| d.text) == Some(expected) {
            read += 1;
        }
        let _ = decoder.decode(&frame);
    }
    assert!(
        total >= 130,
        "expected the whole corpus, found {total} images"
    );
    let rate = f64::from(read) / f64::from(total);
    assert!(
        rate >= 0.62,
        "corpus read rate {:.1}% ({read}/{total})",
        rate * 100.0
    );
}

#[test]
fn an_empty_frame_returns_nothing_quickly() {
    let mut decoder = Decoder::new(options());
    let img = image::GrayImage::from_pixel(1280, 720, image::Luma([128]));
    let t = Instant::now();
    assert_eq!(decoder.decode(&Frame::new(img)), None);
    // Generous for a debug build on a busy machine; the benchmark reports real figures.
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
}

#[test]
fn reader_reports_each_badge_once_and_refuses_other_codes() {
    let url = badge_url("caliber.plant.local", TOKENS[0]);
    let badge = Frame::new(render_badge_frame(
        &url,
        "ANA",
        &Category::Clean.distortion(1),
        1,
    ));
    let other = Frame::new(render_badge_frame(
        "https://example.com/promo",
        "ADVERT",
        &Category::Clean.distortion(2),
        2,
    ));
    let blank = Frame::new(image::GrayImage::from_pixel(640, 480, image::Luma([90])));
    let mut source = MemorySource::new([badge.clone(), badge.clone(), blank, other, badge]);
    let mut reader = BadgeReader::new(
        Decoder::new(options()),
        PayloadPolicy::hosts(["caliber.plant.local"]),
        Debouncer::new(Duration::from_secs(3), DebounceMode::Single),
    );
    let t0 = Instant::now();
    let mut events = Vec::new();
    let mut i = 0;
    while let Ok(Some(frame)) = source.next_frame() {
        events.push(reader.read(&frame, t0 + Duration::from_millis(200 * i)));
        i += 1;
    }
    assert!(
        matches!(&events[0], ReadEvent::Badge(t) if t.as_str() == TOKENS[0]),
        "{events:?}"
    );
    assert_eq!(events[1], ReadEvent::Repeat);
    assert_eq!(events[2], ReadEvent::Nothing);
    assert!(matches!(events[3], ReadEvent::Rejected(_)), "{events:?}");
    assert_eq!(events[4], ReadEvent::Repeat, "still within the hold-off");
}

#[test]
fn unreadable_files_are_errors_not_panics() {
    let dir = tempfile_dir();
    let bad = dir.join("broken.png");
    std::fs::write(&bad, b"not a png").expect("write");
    assert!(load_frame(&bad).is_err());
    let mut source = DirectorySource::new(std::slice::from_ref(&dir)).expect("dir");
    assert!(source.next_frame().is_err());
    assert!(source.next_frame().expect("end").is_none());
    let _ = std::fs::remove_dir_all(dir);
}

fn tempfile_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "badge-reader-test-{}-{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    ));
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}
