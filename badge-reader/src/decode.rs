//! Finding and decoding a QR code in a frame, fast enough for every camera frame and never
//! crashing: rqrr does the decoding; this module decides where and on what to run it.
//!
//! Attempts, cheapest first, until one decodes or the time budget is spent. The frame (at full
//! resolution up to `search_size`, so a code filling the frame keeps its modules) is turned
//! black and white by zxing-cpp's hybrid scheme (per-block thresholds, smoothed); finder
//! patterns are found by a run-length scan of its rows, then of its columns; and each
//! plausible triple of finders is sampled straight into a module grid for rqrr's decoder
//! (see `sampler`: perspective from the finder outlines and the alignment pattern, several
//! thresholds, blur undone); when no triple reads, a finder hidden by glare or a highlight is
//! looked for beside pairs of the others, before the triples that pair two well-confirmed
//! patterns with a far weaker look-alike. A frame without finder patterns is dismissed there;
//! this is all a stream frame gets. In exhaustive mode (single photographs rather than a
//! 30 fps stream) rqrr's own detection follows on crops around the finder patterns, then
//! whole-frame attempts: downscaled, full resolution, inverted, and an upscaled centre.

use std::borrow::Cow;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;
use std::time::Duration;

use image::{GrayImage, imageops};
use rqrr::PreparedImage;

use crate::binarize;
use crate::budget::Budget;
use crate::finder;
use crate::frame::Frame;
use crate::sampler;

/// Tuning of the decoder.
#[derive(Debug, Clone)]
pub struct DecodeOptions {
    /// Longest side of the downscaled search image.
    pub search_size: u32,
    /// Stop trying further attempts after this much of the decoding thread's CPU time (an
    /// attempt already running finishes, and the likeliest finder triple is read even when
    /// the search before it took longer). CPU time, not wall time, so that a loaded station
    /// gives each frame the same work rather than giving frames up.
    pub budget: Duration,
    /// Try inverted (light-on-dark) codes.
    pub inverted: bool,
    /// After the finder-guided attempts, also try whole-frame attempts (slower; for single
    /// photographs, where there is no next frame a moment later).
    pub exhaustive: bool,
}

impl DecodeOptions {
    /// For single images: every attempt, a generous budget.
    pub fn exhaustive() -> Self {
        DecodeOptions {
            budget: Duration::from_millis(250),
            exhaustive: true,
            ..DecodeOptions::default()
        }
    }
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            search_size: 1280,
            budget: Duration::from_millis(25),
            inverted: true,
            exhaustive: false,
        }
    }
}

/// A decoded code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text in the code.
    pub text: String,
    /// Where it was, in frame pixels: (x, y, width, height).
    pub region: (u32, u32, u32, u32),
}

/// Module size in pixels that rqrr finds and reads fastest on camera images.
const TARGET_MODULE_PX: f32 = 4.5;

/// A QR decoder that remembers where the last code was.
#[derive(Debug, Default)]
pub struct Decoder {
    options: DecodeOptions,
    panics: u64,
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Install (once) a panic hook that stays silent for panics inside the QR library, which are
/// caught and counted; every other panic is reported as before.
fn quiet_panics_in_decoder() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// The way an attempt prepares its image for rqrr.
#[derive(Debug, Clone, Copy)]
enum Threshold {
    /// rqrr's own row-average threshold.
    Rqrr,
    /// Local-mean threshold over a window of this fraction of the longer side.
    Local,
}

impl Decoder {
    /// A decoder with `options`.
    pub fn new(options: DecodeOptions) -> Self {
        quiet_panics_in_decoder();
        Decoder { options, panics: 0 }
    }

    /// How many times the QR library panicked (and was contained).
    pub fn contained_panics(&self) -> u64 {
        self.panics
    }

    /// Decode the first readable QR code in `frame`, or `None`.
    pub fn decode(&mut self, frame: &Frame) -> Option<Decoded> {
        let started = Budget::start(self.options.budget);
        let img = &frame.image;
        if img.width() < 21 || img.height() < 21 {
            return None;
        }
        let out_of_time = |s: &Budget| s.spent();

        // The frame itself unless it is larger than the search size (no copy of it).
        let mut search = Cow::Borrowed(img);
        let mut scale = 1u32;
        while search.width().max(search.height()) > self.options.search_size {
            search = Cow::Owned(binarize::half(&search));
            scale *= 2;
        }

        // 1. Sampled straight from finder patterns; 2. rqrr around finder patterns.
        if let Some(d) = self.finder_guided(img, &search, scale, &started) {
            return Some(d);
        }
        if !self.options.exhaustive || out_of_time(&started) {
            return None;
        }

        // 3. Whole frame, downscaled.
        for threshold in [Threshold::Rqrr, Threshold::Local] {
            let prepared = match threshold {
                Threshold::Rqrr => search.clone().into_owned(),
                Threshold::Local => binarize::stretch(&search),
            };
            let (found, regions) = self.scan(&prepared, threshold);
            if let Some((text, r)) = found {
                return Some(Decoded {
                    text,
                    region: scale_region(r, scale),
                });
            }
            // A code seen but not decoded at low resolution: read it at full resolution.
            if scale > 1 {
                for r in regions {
                    let full = grow(scale_region(r, scale), 0.25, img.width(), img.height());
                    if let Some(d) = self.attempt_region(img, full, threshold) {
                        return Some(d);
                    }
                }
            }
            if out_of_time(&started) {
                return None;
            }
        }

        // 4. Full resolution, for codes too small to survive downscaling.
        if scale > 1 {
            let (found, _) = self.scan(img, Threshold::Rqrr);
            if let Some((text, r)) = found {
                return Some(Decoded { text, region: r });
            }
            if out_of_time(&started) {
                return None;
            }
        }

        // 5. Light-on-dark codes.
        if self.options.inverted {
            let inv = binarize::invert(&search);
            let (found, _) = self.scan(&inv, Threshold::Rqrr);
            if let Some((text, r)) = found {
                return Some(Decoded {
                    text,
                    region: scale_region(r, scale),
                });
            }
            if out_of_time(&started) {
                return None;
            }
        }

        // 6. Very small codes: the centre, upscaled.
        let (w, h) = (img.width(), img.height());
        let centre = (w / 4, h / 4, w / 2, h / 2);
        let crop = imageops::crop_imm(img, centre.0, centre.1, centre.2, centre.3).to_image();
        let up = imageops::resize(
            &crop,
            crop.width() * 2,
            crop.height() * 2,
            imageops::FilterType::Triangle,
        );
        for threshold in [Threshold::Rqrr, Threshold::Local] {
            let (found, _) = self.scan(&up, threshold);
            if let Some((text, r)) = found {
                let r = (
                    centre.0 + r.0 / 2,
                    centre.1 + r.1 / 2,
                    r.2 / 2 + 1,
                    r.3 / 2 + 1,
                );
                return Some(Decoded { text, region: r });
            }
            if out_of_time(&started) {
                return None;
            }
        }
        None
    }

    /// Find finder patterns on the search image and decode around them at full resolution.
    fn finder_guided(
        &mut self,
        img: &GrayImage,
        search: &GrayImage,
        scale: u32,
        started: &Budget,
    ) -> Option<Decoded> {
        let (sw, sh) = (search.width() as usize, search.height() as usize);
        let bits = binarize::hybrid(search);
        // Fast path: sample the modules straight from the finder patterns, first those the
        // row scan found, then with the column scan's too (a code smeared along the rows).
        let (row_finders, state) = finder::find_rows(&bits, sw, sh, !self.options.exhaustive);
        let mut tried: Vec<[finder::Finder; 3]> = Vec::new();
        // Triples with a doubtful member, kept until the pair search has had its turn.
        let mut doubtful: Vec<([finder::Finder; 3], bool)> = Vec::new();
        let found = |read: sampler::Read| Decoded {
            text: read.text,
            region: scale_region(corner_bounds(&read.corners, sw, sh), scale),
        };
        let mut finders = row_finders;
        for pass in 0..2 {
            if pass == 1 {
                finders = finder::add_columns(state.clone(), &bits, sw, sh);
            }
            // Two well-confirmed patterns of one code: a triple that pairs them with a
            // look-alike waits until the third pattern has been looked for beside them.
            let pair = finder::has_confirmed_pair(&finders);
            for t in finder::triples(&finders, MAX_TRIPLES) {
                let same = |u: &[finder::Finder; 3]| {
                    u.iter()
                        .zip(&t)
                        .all(|(a, b)| (a.x - b.x).abs() < 2.0 && (a.y - b.y).abs() < 2.0)
                };
                if tried.iter().any(same) {
                    continue;
                }
                tried.push(t);
                // The most square-like triples get every attempt; the rest only what passes
                // the sampler's cheap timing-pattern check (stray triples mostly fail it).
                let thorough = tried.len() <= 6 || self.options.exhaustive;
                if pair && tried.len() > 1 && finder::doubtful(&t, &finders) {
                    doubtful.push((t, thorough));
                    continue;
                }
                // The likeliest triple is always read to its end, however long the search
                // before it took: on a slow or busy station (or an unoptimised build) the
                // budget can be spent before the first read starts, and a frame that holds
                // nothing but the badge would then never be read at all.
                let until = (tried.len() > 1).then_some(started);
                if let Some(read) = self.triple(&t, search, &bits, thorough, until) {
                    return Some(found(read));
                }
                if started.spent() {
                    return None;
                }
            }
        }
        // A code with one finder pattern hidden from the scan (a highlight band, a thumb):
        // the third one looked for beside pairs of well-confirmed ones.
        for [a, b] in finder::pairs(&finders, MAX_PAIRS) {
            let picture = sampler::Picture {
                grey: search,
                bits: &bits,
                inverted: a.inverted,
            };
            for c in sampler::third_finder(&picture, &a, &b) {
                if let Some(read) = self.sample([&a, &b, &c], &picture, true, Some(started)) {
                    return Some(found(read));
                }
                if started.spent() {
                    return None;
                }
            }
        }
        for (t, thorough) in doubtful {
            if let Some(read) = self.triple(&t, search, &bits, thorough, Some(started)) {
                return Some(found(read));
            }
            if started.spent() {
                return None;
            }
        }
        // rqrr's own detection on a crop costs milliseconds and, since the grid sampler fits
        // perspective and registers its grid, reads nothing more in a stream: single
        // photographs only.
        if !self.options.exhaustive {
            return None;
        }
        for candidate in finder::regions(&finders, sw, sh) {
            let (region, inverted) = (candidate.region, candidate.inverted);
            let module = candidate.module * scale as f32;
            let full = grow(scale_region(region, scale), 0.1, img.width(), img.height());
            let crop = imageops::crop_imm(img, full.0, full.1, full.2, full.3).to_image();
            let crop = if inverted {
                binarize::invert(&crop)
            } else {
                crop
            };
            // rqrr's detection costs grow with the pixels per module: bring modules to about
            // three pixels (enlarging small ones helps them too). Coordinates scale back by
            // full / work.
            let factor = (TARGET_MODULE_PX / module.max(0.5)).clamp(0.15, 2.0);
            let (work, num, den) = if (0.7..=1.6).contains(&factor) {
                (crop, 1000, 1000)
            } else {
                let ww = ((crop.width() as f32 * factor) as u32).max(21);
                let wh = ((crop.height() as f32 * factor) as u32).max(21);
                let resized = imageops::resize(&crop, ww, wh, imageops::FilterType::Triangle);
                (resized, crop.width() * 1000 / ww, 1000)
            };
            for threshold in [Threshold::Rqrr, Threshold::Local] {
                let prepared = match threshold {
                    Threshold::Rqrr => work.clone(),
                    Threshold::Local => binarize::stretch(&work),
                };
                let (found, _) = self.scan(&prepared, threshold);
                if let Some((text, b)) = found {
                    let r = (
                        full.0 + b.0 * num / den,
                        full.1 + b.1 * num / den,
                        (b.2 * num / den).max(1),
                        (b.3 * num / den).max(1),
                    );
                    return Some(Decoded { text, region: r });
                }
                if started.spent() {
                    return None;
                }
            }
        }
        None
    }

    /// Try a region of the full-resolution frame; coordinates in the result are the frame's.
    fn attempt_region(
        &mut self,
        img: &GrayImage,
        r: (u32, u32, u32, u32),
        threshold: Threshold,
    ) -> Option<Decoded> {
        if r.2 < 21 || r.3 < 21 {
            return None;
        }
        let crop = imageops::crop_imm(img, r.0, r.1, r.2, r.3).to_image();
        // Large regions are searched at a bounded size; the code then spans most of it.
        let (crop, scale) = if crop.width().max(crop.height()) > 2 * self.options.search_size {
            (binarize::half(&crop), 2)
        } else {
            (crop, 1)
        };
        let prepared = match threshold {
            Threshold::Rqrr => crop,
            Threshold::Local => binarize::stretch(&crop),
        };
        let (found, _) = self.scan(&prepared, threshold);
        found.map(|(text, b)| {
            let b = scale_region(b, scale);
            Decoded {
                text,
                region: (r.0 + b.0, r.1 + b.1, b.2, b.3),
            }
        })
    }

    /// Read the code at three finders with [`sampler::read`]; a panic inside rqrr's decoder
    /// is contained and counts as not read.
    /// [`Self::sample`] on a triple of finders found in `search`, binarised as `bits`.
    fn triple(
        &mut self,
        t: &[finder::Finder; 3],
        search: &GrayImage,
        bits: &[bool],
        thorough: bool,
        deadline: Option<&Budget>,
    ) -> Option<sampler::Read> {
        let picture = sampler::Picture {
            grey: search,
            bits,
            inverted: t[0].inverted,
        };
        self.sample([&t[0], &t[1], &t[2]], &picture, thorough, deadline)
    }

    fn sample(
        &mut self,
        finders: [&finder::Finder; 3],
        picture: &sampler::Picture,
        thorough: bool,
        deadline: Option<&Budget>,
    ) -> Option<sampler::Read> {
        QUIET.with(|q| q.set(true));
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            sampler::read(finders, picture, thorough, deadline)
        }));
        QUIET.with(|q| q.set(false));
        result.unwrap_or_else(|_| {
            self.panics += 1;
            None
        })
    }

    /// Run rqrr on one image: the first decoded text and its bounds, and the bounds of every
    /// code seen. A panic inside rqrr is contained and counts as "nothing found".
    fn scan(&mut self, img: &GrayImage, threshold: Threshold) -> Found {
        QUIET.with(|q| q.set(true));
        let result = panic::catch_unwind(AssertUnwindSafe(|| scan_unguarded(img, threshold)));
        QUIET.with(|q| q.set(false));
        match result {
            Ok(r) => r,
            Err(_) => {
                self.panics += 1;
                (None, Vec::new())
            }
        }
    }
}

type Found = (
    Option<(String, (u32, u32, u32, u32))>,
    Vec<(u32, u32, u32, u32)>,
);

fn scan_unguarded(img: &GrayImage, threshold: Threshold) -> Found {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let mut prepared = match threshold {
        Threshold::Rqrr => {
            let raw = img.as_raw();
            PreparedImage::prepare_from_greyscale(w, h, |x, y| raw[y * w + x])
        }
        Threshold::Local => {
            let window = (img.width().max(img.height()) / 12).clamp(15, 101) | 1;
            let bits = binarize::adaptive(img, window, 8);
            PreparedImage::prepare_from_bitmap(w, h, |x, y| bits[y * w + x])
        }
    };
    let grids = prepared.detect_grids();
    let mut regions = Vec::new();
    for g in grids {
        let r = bounds(&g.bounds, img.width(), img.height());
        if let Ok((_, text)) = g.decode() {
            return (Some((text, r)), regions);
        }
        regions.push(r);
    }
    (None, regions)
}

/// Finder triples tried by the fast path per frame, most square-like first.
const MAX_TRIPLES: usize = 40;

/// Pairs of finders a third one is looked for beside, when no triple reads.
const MAX_PAIRS: usize = 6;

/// Axis-aligned box around a code's corners, clamped to a `w`×`h` image.
fn corner_bounds(c: &[(f64, f64); 4], w: usize, h: usize) -> (u32, u32, u32, u32) {
    let xs = c.iter().map(|p| p.0.clamp(0.0, w as f64));
    let ys = c.iter().map(|p| p.1.clamp(0.0, h as f64));
    let x0 = xs.clone().fold(f64::MAX, f64::min) as u32;
    let x1 = xs.fold(0.0, f64::max) as u32;
    let y0 = ys.clone().fold(f64::MAX, f64::min) as u32;
    let y1 = ys.fold(0.0, f64::max) as u32;
    (
        x0,
        y0,
        x1.saturating_sub(x0).max(1),
        y1.saturating_sub(y0).max(1),
    )
}

/// Axis-aligned box around a grid's corner points, clamped to the image.
fn bounds(points: &[rqrr::Point; 4], w: u32, h: u32) -> (u32, u32, u32, u32) {
    let xs = points.iter().map(|p| p.x);
    let ys = points.iter().map(|p| p.y);
    let x0 = xs.clone().min().unwrap_or(0).clamp(0, w as i32) as u32;
    let x1 = xs.max().unwrap_or(0).clamp(0, w as i32) as u32;
    let y0 = ys.clone().min().unwrap_or(0).clamp(0, h as i32) as u32;
    let y1 = ys.max().unwrap_or(0).clamp(0, h as i32) as u32;
    (
        x0,
        y0,
        x1.saturating_sub(x0).max(1),
        y1.saturating_sub(y0).max(1),
    )
}

fn scale_region(r: (u32, u32, u32, u32), s: u32) -> (u32, u32, u32, u32) {
    (r.0 * s, r.1 * s, r.2 * s, r.3 * s)
}

/// Enlarge a region by `frac` of its size on every side, clamped to the image.
fn grow(r: (u32, u32, u32, u32), frac: f32, w: u32, h: u32) -> (u32, u32, u32, u32) {
    let dx = (r.2 as f32 * frac) as u32 + 8;
    let dy = (r.3 as f32 * frac) as u32 + 8;
    let x0 = r.0.saturating_sub(dx);
    let y0 = r.1.saturating_sub(dy);
    let x1 = (r.0 + r.2 + dx).min(w);
    let y1 = (r.1 + r.3 + dy).min(h);
    (x0, y0, x1.saturating_sub(x0), y1.saturating_sub(y0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_and_tiny_frames_decode_to_nothing() {
        let mut d = Decoder::new(DecodeOptions::default());
        assert_eq!(d.decode(&Frame::new(GrayImage::new(640, 480))), None);
        assert_eq!(d.decode(&Frame::new(GrayImage::new(5, 5))), None);
        let noise = GrayImage::from_fn(320, 240, |x, y| {
            image::Luma([((x * 7919 + y * 104729) % 251) as u8])
        });
        assert_eq!(d.decode(&Frame::new(noise)), None);
    }

    #[test]
    fn a_panic_inside_rqrr_is_contained() {
        // This corpus photograph makes rqrr 0.11 panic when given the whole frame.
        let corpus = std::env::var_os("CALIBER_QR_CORPUS")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/qr-corpus")
            });
        let path = corpus.join("qrcode-6/7.png");
        let img = image::open(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .to_luma8();
        // A generous budget: this is a debug build.
        let mut d = Decoder::new(DecodeOptions {
            budget: Duration::from_secs(10),
            ..DecodeOptions::exhaustive()
        });
        let (found, _) = d.scan(&img, Threshold::Rqrr);
        assert_eq!(found, None);
        assert_eq!(d.contained_panics(), 1);
        // The decoder carries on with the next frame.
        let url = "https://caliber.local/b/AAAAAAAAAAAAAAAAAAAAAA";
        let frame = crate::synthetic::render_badge_frame(
            url,
            "A",
            &crate::synthetic::Category::Clean.distortion(1),
            1,
        );
        assert_eq!(
            d.decode(&Frame::new(frame)).map(|x| x.text).as_deref(),
            Some(url)
        );
    }

    #[test]
    fn grow_stays_inside_the_image() {
        assert_eq!(grow((0, 0, 10, 10), 0.5, 20, 20), (0, 0, 20, 20));
    }
}
