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

/// The kiosk's stream mode, with the time budget lifted for the same reason.
fn stream() -> DecodeOptions {
    DecodeOptions {
        budget: Duration::from_secs(10),
        ..DecodeOptions::default()
    }
}

/// Frames read and frames read as another text, of `n` frames of a category at `w`×`h`,
/// each decoded from scratch in stream mode.
fn read_rate(cat: Category, n: u64, w: u32, h: u32) -> (u64, u64) {
    let (mut ok, mut wrong) = (0, 0);
    for i in 0..n {
        let seed = 1000 + i * 31;
        let url = badge_url("caliber.plant.local", TOKENS[i as usize % TOKENS.len()]);
        let d = cat.distortion(seed).at_size(w, h);
        let img = render_badge_frame(&url, "ANA RUIZ", &d, seed);
        let mut decoder = Decoder::new(stream());
        match decoder.decode(&Frame::new(img)).map(|d| d.text) {
            Some(t) if t == url => ok += 1,
            Some(_) => wrong += 1,
            None => {}
        }
    }
    (ok, wrong)
}

/// Frames per category in the tests (the benchmark runs many more).
const FRAMES: u64 = 8;

#[test]
fn reads_synthetic_badges_of_every_category_and_never_misreads() {
    // The target is 99% in every category in stream mode: every one of the test's
    // frames, the two extreme categories and the two added for the line camera (a sleeve's
    // highlight band, a lanyard's 60–70° tilt) included.
    let mut failures = Vec::new();
    for cat in Category::ALL {
        let (ok, wrong) = read_rate(cat, FRAMES, 640, 480);
        if ok < FRAMES || wrong > 0 {
            failures.push(format!("{}: {ok}/{FRAMES} read, {wrong} wrong", cat.name()));
        }
    }
    assert!(failures.is_empty(), "categories not read: {failures:?}");
}

#[test]
fn reads_synthetic_badges_of_every_category_at_720p() {
    // The same target at the kiosk's larger resolution, where a badge at arm's length on a
    // wide-angle camera (extreme small) must read in 90% of frames.
    let mut failures = Vec::new();
    for cat in Category::ALL {
        let least = if cat == Category::ExtremeSmall {
            FRAMES - 1
        } else {
            FRAMES
        };
        let (ok, wrong) = read_rate(cat, FRAMES, 1280, 720);
        if ok < least || wrong > 0 {
            failures.push(format!("{}: {ok}/{FRAMES} read, {wrong} wrong", cat.name()));
        }
    }
    assert!(
        failures.is_empty(),
        "categories not read at 720p: {failures:?}"
    );
}

#[test]
fn a_badge_with_one_finder_pattern_washed_out_still_reads() {
    // A highlight band across the bottom-left finder pattern's centre: the scan lines through
    // it no longer show 1:1:3:1:1, so no triple of finders forms; the third one is found
    // beside the other two.
    let url = badge_url("caliber.plant.local", TOKENS[1]);
    let img = render_badge_frame(&url, "ANA RUIZ", &Category::Clean.distortion(5), 5);
    let mut decoder = Decoder::new(stream());
    let found = decoder
        .decode(&Frame::new(img.clone()))
        .expect("the clean frame reads");
    let (x, y, w, h) = found.region;
    let module = w as f32 / 33.0;
    let (cx, cy) = (x as f32 + 3.5 * module, (y + h) as f32 - 3.5 * module);
    let mut washed = img;
    for (px, py, p) in washed.enumerate_pixels_mut() {
        let (dx, dy) = (px as f32 - cx, py as f32 - cy);
        // Two modules high, across the finder and a little beyond.
        if dy.abs() < module && dx.abs() < 6.0 * module {
            p.0[0] = p.0[0].saturating_add(150);
        }
    }
    let mut decoder = Decoder::new(stream());
    assert_eq!(
        decoder.decode(&Frame::new(washed)).map(|d| d.text),
        Some(url)
    );
}

#[test]
fn a_sleeve_highlight_across_two_finder_patterns_still_reads() {
    // Benchmark frames where the band leaves one finder pattern confirmed and the other two
    // one to three scan lines (one of them seen as light-on-dark): no triple and no pair of
    // well-confirmed patterns forms; the third is found beside the confirmed one and a weak one.
    for seed in [1_552_137, 1_726_355] {
        let url = badge_url("caliber.plant.local", TOKENS[seed as usize % TOKENS.len()]);
        let d = Category::Sleeve.distortion(seed);
        let img = render_badge_frame(&url, "MARIA GONZALEZ", &d, seed);
        let mut decoder = Decoder::new(stream());
        assert_eq!(
            decoder.decode(&Frame::new(img)).map(|d| d.text),
            Some(url),
            "seed {seed}"
        );
    }
}

fn corpus_dir() -> PathBuf {
    std::env::var_os("CALIBER_QR_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/qr-corpus"))
}

/// The corpus read rates the decoder must keep, exhaustive and in stream mode (the issue's
/// targets: at least zxing-cpp's 73.0% and within 5 points of it; the README's table has
/// what it reaches).
const CORPUS_FLOOR: f64 = 0.80;
const CORPUS_STREAM_FLOOR: f64 = 0.74;

#[test]
fn reads_the_real_photo_corpus_without_crashing() {
    let root = corpus_dir();
    let dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("QR corpus missing at {}: {e}", root.display()))
        .filter_map(|d| d.ok().map(|d| d.path()))
        .filter(|p| p.is_dir())
        .collect();
    let mut source = DirectorySource::new(&dirs).expect("corpus");
    // One stream decoder for the whole corpus, as the kiosk keeps one.
    let mut stream_decoder = Decoder::new(stream());
    let (mut total, mut read, mut streamed, mut wrong) = (0, 0, 0, Vec::new());
    while let Some((path, frame)) = source.next_file() {
        let Ok(expected) = std::fs::read_to_string(path.with_extension("txt")) else {
            continue;
        };
        let frame = frame.expect("every corpus image decodes as an image");
        total += 1;
        // Each image is a first sighting.
        let mut fresh = Decoder::new(options());
        match fresh.decode(&frame).map(|d| d.text) {
            Some(t) if t == expected => read += 1,
            Some(t) => wrong.push(format!("{}: {t:?}", path.display())),
            None => {}
        }
        match stream_decoder.decode(&frame).map(|d| d.text) {
            Some(t) if t == expected => streamed += 1,
            Some(t) => wrong.push(format!("{} (stream mode): {t:?}", path.display())),
            None => {}
        }
    }
    assert!(
        total >= 130,
        "expected the whole corpus, found {total} images"
    );
    assert!(wrong.is_empty(), "wrong texts: {wrong:?}");
    let rate = f64::from(read) / f64::from(total);
    assert!(
        rate >= CORPUS_FLOOR,
        "corpus read rate {:.1}% ({read}/{total})",
        rate * 100.0
    );
    let rate = f64::from(streamed) / f64::from(total);
    assert!(
        rate >= CORPUS_STREAM_FLOOR,
        "corpus read rate in stream mode {:.1}% ({streamed}/{total})",
        rate * 100.0
    );
}

/// The frames the kiosk's end-to-end test shows it: a clean badge labelled `BADGE` at
/// 640×480, written to PNG and read back from a folder, as the kiosk reads them.
fn kiosk_frames(tokens: &[&str]) -> Vec<(String, Frame)> {
    let dir = tempfile_dir();
    let mut frames = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let url = badge_url("caliber.plant.local", t);
        let img = render_badge_frame(
            &url,
            "BADGE",
            &Category::Clean.distortion(i as u64),
            i as u64,
        );
        let path = dir.join(format!("{i:04}.png"));
        img.save(&path).expect("save");
        frames.push((url, load_frame(&path).expect("load")));
    }
    let _ = std::fs::remove_dir_all(dir);
    frames
}

#[test]
fn reads_the_kiosk_frames_with_the_stream_defaults() {
    // The kiosk decodes with `DecodeOptions::default()` and its real 25 ms budget, in a debug
    // build on a busy machine too. The old reader read every one of these frames.
    let tokens = ["E1001", "E1002", "E1003", "E1004", "E1005", "E2005"].map(|e| {
        // Badge tokens are 22 characters; the test only needs distinct ones.
        format!("{e:_<22}")
    });
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    for (url, frame) in kiosk_frames(&tokens) {
        let mut decoder = Decoder::new(DecodeOptions::default());
        assert_eq!(decoder.decode(&frame).map(|d| d.text), Some(url));
    }
}

#[test]
fn a_spent_budget_still_reads_the_likeliest_finder_triple() {
    // On a loaded station the binarisation and finder search alone can outlast the budget;
    // the kiosk then read no badge at all. The best triple is always read to its end.
    let tokens = TOKENS;
    for (url, frame) in kiosk_frames(&tokens) {
        let mut decoder = Decoder::new(DecodeOptions {
            budget: Duration::ZERO,
            ..DecodeOptions::default()
        });
        assert_eq!(decoder.decode(&frame).map(|d| d.text), Some(url));
    }
}

#[test]
fn an_empty_frame_returns_nothing_quickly() {
    let mut decoder = Decoder::new(options());
    let img = image::GrayImage::from_pixel(1280, 720, image::Luma([128]));
    let t = thread_cpu_time();
    assert_eq!(decoder.decode(&Frame::new(img)), None);
    // Generous for a debug build; the benchmark reports real figures. CPU time of this
    // thread, so that the other tests and the machine's load do not count.
    let spent = thread_cpu_time() - t;
    assert!(spent < Duration::from_secs(2), "{spent:?}");
}

/// CPU time of the calling thread so far.
fn thread_cpu_time() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid, exclusive pointer.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(rc, 0, "clock_gettime");
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
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
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let d = std::env::temp_dir().join(format!(
        "badge-reader-test-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}
