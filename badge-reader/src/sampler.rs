//! Reading a code's modules straight from three finder patterns, as zxing-cpp's QR detector
//! does, then handing the module grid to rqrr's decoder. This skips rqrr's own detection, the
//! slow part on camera frames; rqrr's detection stays as the fallback for single photographs.
//!
//! The grid: the module size is measured along the line between two finders (not across
//! it, which perspective shortens) and the side follows from the finders' distance (versions
//! 7 and up read their version blocks). Each finder's ring is outlined (`outline`) and the
//! twelve corners fit the code's perspective, the size that fits best first; the alignment
//! pattern is then looked for close to where that perspective puts it and pins the fourth
//! corner. The parallelogram from the three centres, with a wider alignment search, is the
//! fallback. A grid that does not read is registered on the code's fixed patterns
//! (`register`) and read again.
//!
//! The modules: the frame's black/white bitmap at each module centre first; then grey levels,
//! turned into dark and light several ways: halfway between the darkest and lightest modules
//! around each one (uneven light), against the extremes along the line where the light is
//! even (a highlight band), against the local levels of both colours, and — for the likeliest
//! grid — a second threshold that undoes blur (each module's grey is what its neighbours
//! leaked into it plus its own share). A grid goes to rqrr only if its error correction will
//! accept it (`codewords`, microseconds against rqrr's half millisecond for a failure); when
//! no single reading does, one is put together block by block from the readings.

use image::GrayImage;
use rqrr::BitGrid;

use crate::budget::Budget;
use crate::codewords;
use crate::finder::Finder;
use crate::geometry::{apply, fit_homography, homography};
use crate::outline;
use crate::register;

/// A sampled grid of modules (`true` = dark).
struct Sampled {
    size: usize,
    bits: Vec<bool>,
}

impl BitGrid for Sampled {
    fn size(&self) -> usize {
        self.size
    }

    fn bit(&self, y: usize, x: usize) -> bool {
        self.bits[y * self.size + x]
    }
}

type Pt = (f64, f64);

fn dist(a: Pt, b: Pt) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// Which of three unordered finders are the top-left, top-right and bottom-left ones.
fn orient(f: [&Finder; 3]) -> [usize; 3] {
    let p = f.map(|f| (f64::from(f.x), f64::from(f.y)));
    let (d01, d12, d20) = (dist(p[0], p[1]), dist(p[1], p[2]), dist(p[2], p[0]));
    // The corner opposite the longest side is top-left.
    let (tl, a, b) = if d12 >= d01 && d12 >= d20 {
        (0, 1, 2)
    } else if d20 >= d01 && d20 >= d12 {
        (1, 2, 0)
    } else {
        (2, 0, 1)
    };
    // In image coordinates (y down) top-right × bottom-left is positive.
    let cross = (p[a].0 - p[tl].0) * (p[b].1 - p[tl].1) - (p[a].1 - p[tl].1) * (p[b].0 - p[tl].0);
    if cross > 0.0 { [tl, a, b] } else { [tl, b, a] }
}

/// The image a code is read from: grey levels and the black/white bitmap of the same frame.
pub struct Picture<'a> {
    /// Grey levels.
    pub grey: &'a GrayImage,
    /// Black/white, `true` = dark, row-major, the grey image's size.
    pub bits: &'a [bool],
    /// Light-on-dark code: dark and light swap everywhere.
    pub inverted: bool,
}

impl Picture<'_> {
    fn w(&self) -> usize {
        self.grey.width() as usize
    }

    fn h(&self) -> usize {
        self.grey.height() as usize
    }

    /// Whether the pixel under `p` is dark (in the code's polarity); outside is light.
    /// Points are in pixel-edge coordinates: pixel (i, j) covers [i, i+1) × [j, j+1).
    fn dark(&self, p: Pt) -> bool {
        // Inside, coordinates are not negative and truncation is the floor (`floor` is a
        // library call on baseline x86-64, and this runs for every module).
        if !self.inside(p) {
            return false;
        }
        self.bits[p.1 as usize * self.w() + p.0 as usize] != self.inverted
    }

    fn inside(&self, p: Pt) -> bool {
        p.0 >= 0.0 && p.1 >= 0.0 && p.0 < self.w() as f64 && p.1 < self.h() as f64
    }

    /// Darkness (0 light … 255 dark) at `p`, bilinear between pixel centres, clamped to the
    /// image.
    fn darkness(&self, p: Pt) -> f64 {
        let x = (p.0 - 0.5).clamp(0.0, (self.w() - 1) as f64);
        let y = (p.1 - 0.5).clamp(0.0, (self.h() - 1) as f64);
        // Not negative after the clamp: truncation is the floor.
        let (x0, y0) = (x as usize, y as usize);
        let (x1, y1) = ((x0 + 1).min(self.w() - 1), (y0 + 1).min(self.h() - 1));
        let (fx, fy) = (x - x0 as f64, y - y0 as f64);
        let raw = self.grey.as_raw();
        let g = |x: usize, y: usize| f64::from(raw[y * self.w() + x]);
        let v = g(x0, y0) * (1.0 - fx) * (1.0 - fy)
            + g(x1, y0) * fx * (1.0 - fy)
            + g(x0, y1) * (1.0 - fx) * fy
            + g(x1, y1) * fx * fy;
        if self.inverted { v } else { 255.0 - v }
    }
}

/// Runs of the finder's 1:1:3:1:1 pattern along the line from `from` towards `to`, measured on
/// the bitmap: the module size in pixels along that line, or `None` if the runs don't fit.
fn module_along(pic: &Picture, from: Pt, to: Pt) -> Option<f64> {
    let d = dist(from, to);
    if d < 1.0 || !pic.dark(from) {
        return None;
    }
    let u = ((to.0 - from.0) / d, (to.1 - from.1) / d);
    let limit = (d / 2.0) as usize;
    let side = |sign: f64| -> Option<[u32; 3]> {
        let mut runs = [0u32; 3];
        let mut slot = 0;
        let mut colour = true;
        for i in 0..limit {
            let p = (
                from.0 + sign * u.0 * i as f64,
                from.1 + sign * u.1 * i as f64,
            );
            let dark = pic.dark(p);
            if dark != colour {
                slot += 1;
                colour = dark;
                if slot == 3 {
                    return Some(runs);
                }
            }
            runs[slot] += 1;
        }
        None
    };
    let fwd = side(1.0)?;
    let back = side(-1.0)?;
    let runs = [back[2], back[1], back[0] + fwd[0], fwd[1], fwd[2]];
    let total: u32 = runs.iter().sum();
    let m = f64::from(total) / 7.0;
    let fits = runs
        .iter()
        .zip([1.0, 1.0, 3.0, 1.0, 1.0])
        .all(|(&r, k)| (f64::from(r) - k * m).abs() < k * m * 0.75);
    if !fits {
        return None;
    }
    // The outer runs suffer most from blur; weight the inner ones (zxing-cpp's estimate).
    Some(f64::from(runs[0] + 2 * runs[1] + 2 * runs[2] + 2 * runs[3] + runs[4]) / 12.0)
}

/// Module size along a finder pair, measured from both ends.
fn module_between(pic: &Picture, a: Pt, b: Pt) -> Option<f64> {
    match (module_along(pic, a, b), module_along(pic, b, a)) {
        (Some(x), Some(y)) => Some((x + y) / 2.0),
        (x, y) => x.or(y),
    }
}

/// The 34 valid version-information words (versions 7–40), BCH(18, 6).
fn version_word(version: u32) -> u32 {
    let mut rem = version << 12;
    for bit in (12..18).rev() {
        if rem >> bit & 1 == 1 {
            rem ^= 0x1F25 << (bit - 12);
        }
    }
    (version << 12) | rem
}

/// The version whose information word is within 3 bits of `word`.
fn decode_version(word: u32) -> Option<u32> {
    (7..=40).find(|&v| (version_word(v) ^ word).count_ones() <= 3)
}

/// Read the version blocks (next to the top-right and bottom-left finders) through `map`.
fn read_version(pic: &Picture, map: &[f64; 9], size: usize) -> Option<u32> {
    let mut top_right = 0u32;
    let mut bottom_left = 0u32;
    for i in 0..18usize {
        let (a, b) = (i / 3, size - 11 + i % 3);
        let bit = |x: usize, y: usize| pic.dark(apply(map, x as f64 + 0.5, y as f64 + 0.5));
        top_right |= u32::from(bit(b, a)) << i;
        bottom_left |= u32::from(bit(a, b)) << i;
    }
    decode_version(top_right).or_else(|| decode_version(bottom_left))
}

/// Likely centres of the alignment pattern within `reach` pixels of `near`, best first: the
/// grey image is matched against the pattern (dark centre, light ring one module out, dark
/// ring two modules out) with the modules' own axes `ux`, `uy` in pixels, so a code
/// foreshortened along one axis or blurred still matches.
fn alignment_candidates(pic: &Picture, near: Pt, ux: Pt, uy: Pt, reach: f64) -> Vec<Pt> {
    let at = |p: Pt, a: f64, b: f64| {
        pic.darkness((p.0 + a * ux.0 + b * uy.0, p.1 + a * ux.1 + b * uy.1))
    };
    let ring = |p: Pt, r: f64| {
        (at(p, r, 0.0)
            + at(p, -r, 0.0)
            + at(p, 0.0, r)
            + at(p, 0.0, -r)
            + at(p, r, r)
            + at(p, -r, r)
            + at(p, r, -r)
            + at(p, -r, -r))
            / 8.0
    };
    let step = (ux.0.hypot(ux.1).min(uy.0.hypot(uy.1)) / 3.0).clamp(0.5, 2.0);
    let n = (reach / step).ceil() as i64;
    let mut scored: Vec<(f64, Pt)> = Vec::new();
    for j in -n..=n {
        for i in -n..=n {
            let p = (near.0 + i as f64 * step, near.1 + j as f64 * step);
            if !pic.inside(p) {
                continue;
            }
            let light = ring(p, 1.0);
            let score = (at(p, 0.0, 0.0) + ring(p, 2.0)) / 2.0 - light;
            if score > 25.0 {
                scored.push((score, p));
            }
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let module = ux.0.hypot(ux.1).max(uy.0.hypot(uy.1));
    let mut out: Vec<Pt> = Vec::new();
    for (_, p) in scored {
        if out.iter().all(|q| dist(*q, p) > module) {
            out.push(p);
            if out.len() == 2 {
                break;
            }
        }
    }
    out
}

/// Where the third finder pattern of a code may be, given two finders `a` and `b`, best
/// guesses first: at the ends of one of its sides the third lies beyond `a` or beyond `b` on
/// either side of their line (the side where the timing pattern, alternating modules three
/// modules in from the finder centres, shows more clearly is searched first); at the ends of
/// its diagonal (a glare spot on the top-left finder) at the two corners of the square they
/// span. Each place is searched in the grey image for the best match of a finder pattern's
/// rings: a highlight band across a finder's centre or a thumb on its edge spoils the scan
/// lines through it, but not the match of its whole 7×7 modules.
pub fn third_finder(pic: &Picture, a: &Finder, b: &Finder) -> Vec<Finder> {
    let (pa, pb) = (
        (f64::from(a.x), f64::from(a.y)),
        (f64::from(b.x), f64::from(b.y)),
    );
    let d = dist(pa, pb);
    let module = f64::from(a.module + b.module) / 2.0;
    if d < module * 10.0 {
        return Vec::new();
    }
    let u = ((pb.0 - pa.0) / d, (pb.1 - pa.1) / d);
    // How clearly the timing pattern alternates on a side (½ not at all, 1 clearly).
    let timing = |p: Pt| {
        let at = |t: f64| {
            pic.darkness((
                pa.0 + u.0 * t + p.0 * 3.0 * module,
                pa.1 + u.1 * t + p.1 * 3.0 * module,
            ))
        };
        // Modules 8 .. n-9 of the side, between the separators.
        let modules_between = d / module;
        let steps = (modules_between - 9.0).floor().max(0.0) as usize;
        let step = d / modules_between;
        let (mut good, mut n) = (0u32, 0u32);
        for i in 1..steps.saturating_sub(1) {
            let t = step * (4.5 + i as f64);
            let bump = at(t) - (at(t - step) + at(t + step)) / 2.0;
            good += u32::from((bump > 0.0) == (i % 2 == 0));
            n += 1;
        }
        let score = f64::from(good) / f64::from(n.max(1));
        score.max(1.0 - score)
    };
    let mut sides: Vec<(f64, Pt)> = [1.0, -1.0]
        .map(|side| (-u.1 * side, u.0 * side))
        .into_iter()
        .map(|p| (timing(p), p))
        .collect();
    sides.sort_by(|x, y| y.0.total_cmp(&x.0));
    let mut guesses: Vec<(Pt, Pt, Pt)> = Vec::with_capacity(6);
    for (_, p) in sides {
        for from in [pa, pb] {
            let guess = (from.0 + p.0 * d, from.1 + p.1 * d);
            guesses.push((
                guess,
                (u.0 * module, u.1 * module),
                (p.0 * module, p.1 * module),
            ));
        }
    }
    let mid = ((pa.0 + pb.0) / 2.0, (pa.1 + pb.1) / 2.0);
    for side in [1.0, -1.0] {
        let guess = (mid.0 - u.1 * side * d / 2.0, mid.1 + u.0 * side * d / 2.0);
        let axis = |to: Pt| {
            let l = dist(guess, to).max(1e-9);
            ((to.0 - guess.0) / l * module, (to.1 - guess.1) / l * module)
        };
        guesses.push((guess, axis(pa), axis(pb)));
    }
    guesses
        .into_iter()
        .filter_map(|(guess, ux, uy)| finder_match(pic, guess, ux, uy, module * 3.0))
        .map(|c| Finder {
            x: c.0 as f32,
            y: c.1 as f32,
            module: module as f32,
            hits: a.hits.min(b.hits),
            column_hits: 0,
            inverted: a.inverted,
        })
        .collect()
}

/// The place within `reach` pixels of `near` where the grey image best matches a finder
/// pattern (a dark 3×3 centre, a light ring, a dark ring and the light separator around,
/// modules along `ux` and `uy`), or `None` when no place matches well: a normalised
/// correlation over the 9×9 modules.
fn finder_match(pic: &Picture, near: Pt, ux: Pt, uy: Pt, reach: f64) -> Option<Pt> {
    let mut template = Vec::with_capacity(81);
    for j in -4i32..=4 {
        for i in -4i32..=4 {
            let ring = i.abs().max(j.abs());
            let dark = ring <= 1 || ring == 3;
            template.push(((f64::from(i), f64::from(j)), if dark { 1.0 } else { -1.0 }));
        }
    }
    let mean_t = template.iter().map(|t| t.1).sum::<f64>() / template.len() as f64;
    let norm_t = template
        .iter()
        .map(|t| (t.1 - mean_t).powi(2))
        .sum::<f64>()
        .sqrt();
    let mut values = vec![0.0; template.len()];
    let mut ncc_at = |c: Pt| -> Option<f64> {
        if !pic.inside(c) {
            return None;
        }
        for (v, ((i, j), _)) in values.iter_mut().zip(&template) {
            *v = pic.darkness((c.0 + i * ux.0 + j * uy.0, c.1 + i * ux.1 + j * uy.1));
        }
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let (mut dot, mut norm) = (0.0, 0.0);
        for (v, (_, t)) in values.iter().zip(&template) {
            dot += (v - mean) * (t - mean_t);
            norm += (v - mean).powi(2);
        }
        Some(dot / (norm.sqrt() * norm_t).max(1e-9))
    };
    // A module apart first, then around the best place at half and a quarter of that.
    let module = ux.0.hypot(ux.1).max(uy.0.hypot(uy.1)).max(0.5);
    let n = (reach / module).ceil() as i64;
    let mut best: Option<(f64, Pt)> = None;
    let mut consider = |c: Pt, best: &mut Option<(f64, Pt)>| {
        if let Some(ncc) = ncc_at(c)
            && best.is_none_or(|(b, _)| ncc > b)
        {
            *best = Some((ncc, c));
        }
    };
    for jj in -n..=n {
        for ii in -n..=n {
            consider(
                (near.0 + ii as f64 * module, near.1 + jj as f64 * module),
                &mut best,
            );
        }
    }
    for step in [module / 2.0, module / 4.0] {
        let Some((_, c)) = best else {
            break;
        };
        for jj in -1..=1 {
            for ii in -1..=1 {
                consider(
                    (c.0 + f64::from(ii) * step, c.1 + f64::from(jj) * step),
                    &mut best,
                );
            }
        }
    }
    best.filter(|(ncc, _)| *ncc > 0.6).map(|(_, c)| c)
}

/// A read code: its text and its corners in the picture's pixels.
pub struct Read {
    /// The decoded text.
    pub text: String,
    /// Top-left, top-right, bottom-right, bottom-left corners.
    pub corners: [Pt; 4],
}

/// Try to read the code whose finder patterns are `finders` in `pic`. `thorough` adds the
/// blur-undoing thresholds (worth it for the likeliest triple, too slow for every stray one);
/// nothing new starts once `deadline` is spent (`None`: the read runs to its end).
pub fn read(
    finders: [&Finder; 3],
    pic: &Picture,
    thorough: bool,
    deadline: Option<&Budget>,
) -> Option<Read> {
    let [i_tl, i_tr, i_bl] = orient(finders);
    let centre = |i: usize| (f64::from(finders[i].x), f64::from(finders[i].y));
    let (tl, tr, bl) = (centre(i_tl), centre(i_tr), centre(i_bl));
    let fallback = f64::from(finders.iter().map(|f| f.module).sum::<f32>() / 3.0);
    if fallback < 0.8 {
        return None;
    }
    let top = module_between(pic, tl, tr).unwrap_or(fallback);
    let left = module_between(pic, tl, bl).unwrap_or(fallback);
    let est = (dist(tl, tr) / top + dist(tl, bl) / left) / 2.0 + 7.0;
    let nearest = ((est - 17.0) / 4.0).round().clamp(1.0, 40.0) as u32;
    let module = (top + left) / 2.0;
    // The outlines of the three finder patterns, for a grid in perspective.
    let outlines = [i_tl, i_tr, i_bl].map(|i| {
        let m = f64::from(finders[i].module).max(module * 0.5);
        outline::finder_outline(|p| pic.dark(p), centre(i), m)
    });
    let perspective = |size: usize| fit_to_outlines(&outlines, (tl, tr, bl), size);
    let parallelogram = |size: usize| {
        let d = size as f64 - 3.5;
        let br = (tr.0 + bl.0 - tl.0, tr.1 + bl.1 - tl.1);
        homography([(3.5, 3.5), (d, 3.5), (d, d), (3.5, d)], [tl, tr, br, bl])
    };
    // The plainest map for a size: fitted to the outlines when all three were found.
    let plain = |size: usize| {
        perspective(size)
            .map(|(m, _)| m)
            .or_else(|| parallelogram(size))
    };
    let mut versions: Vec<u32> = Vec::with_capacity(4);
    if nearest >= 7 {
        let size = 17 + 4 * nearest as usize;
        if let Some(v) = plain(size).and_then(|m| read_version(pic, &m, size)) {
            versions.push(v);
        }
    }
    // A version read from its version blocks is trusted; otherwise the estimate and its
    // neighbours, those whose outline fit is closest first.
    if versions.is_empty() {
        for v in [nearest, nearest + 1, nearest.saturating_sub(1)] {
            if (1..=40).contains(&v) {
                versions.push(v);
            }
        }
        let misfit =
            |v: &u32| perspective(17 + 4 * *v as usize).map_or(f64::MAX, |(_, residual)| residual);
        versions.sort_by(|a, b| misfit(a).total_cmp(&misfit(b)));
    }
    // A stray triple rarely shows timing patterns: drop the versions whose plain grid shows
    // none before the costlier alignment search. Strong perspective can hide them from the
    // plain grid too, so a `thorough` read keeps the likeliest version regardless.
    let likeliest = versions.first().copied();
    versions.retain(|&v| {
        let size = 17 + 4 * v as usize;
        plain(size).is_some_and(|m| timing_ok(pic, &m, size))
    });
    if versions.is_empty()
        && thorough
        && let Some(v) = likeliest
    {
        versions.push(v);
    }
    for v in versions {
        let size = 17 + 4 * v as usize;
        let a = size as f64 - 6.5;
        // The alignment pattern's centre pins the fourth corner.
        let search = |guess: &[f64; 9], reach: f64| {
            let o = apply(guess, a, a);
            let px = apply(guess, a + 1.0, a);
            let py = apply(guess, a, a + 1.0);
            let (ux, uy) = ((px.0 - o.0, px.1 - o.1), (py.0 - o.0, py.1 - o.1));
            alignment_candidates(pic, o, ux, uy, reach)
        };
        // Maps fitted to the finder outlines first; those from the finder centres only if
        // none of them reads (their wide alignment search costs more than the rest of a read).
        let fitted_maps = || {
            let mut maps = Vec::with_capacity(3);
            if let Some((fitted, _)) = perspective(size) {
                if v >= 2 {
                    // The outlines already account for perspective: the pattern is close.
                    for ap in search(&fitted, module * 2.5) {
                        let mut pairs = outline_pairs(&outlines, (tl, tr, bl), size);
                        pairs.push(((a, a), ap, 6.0));
                        if let Some(m) = fit_homography(&pairs) {
                            maps.push(m);
                        }
                    }
                }
                maps.push(fitted);
            }
            maps
        };
        let centre_maps = || {
            let mut maps = Vec::with_capacity(3);
            if let Some(affine) = parallelogram(size) {
                if v >= 2 {
                    let d = size as f64 - 3.5;
                    // Perspective moves the alignment pattern away from where a
                    // parallelogram puts it, more the bigger the code.
                    let reach = module * (3.0 + size.min(57) as f64 * 0.12);
                    for ap in search(&affine, reach) {
                        if let Some(m) =
                            homography([(3.5, 3.5), (d, 3.5), (a, a), (3.5, d)], [tl, tr, ap, bl])
                        {
                            maps.push(m);
                        }
                    }
                }
                maps.push(affine);
            }
            maps
        };
        let mut first = true;
        for stage in 0..2 {
            let maps = if stage == 0 {
                fitted_maps()
            } else {
                centre_maps()
            };
            for m in maps {
                if deadline.is_some_and(Budget::spent) {
                    return None;
                }
                if !timing_ok(pic, &m, size) {
                    continue;
                }
                // Blur is undone on the best-founded map only.
                let best_founded = std::mem::take(&mut first);
                if let Some(read) = read_map(pic, m, size, thorough, best_founded) {
                    return Some(read);
                }
            }
        }
    }
    None
}

/// Read the grid through `map`; a `thorough` read goes on with the grid registered on the
/// fixed patterns (finder centres in a blurred frame are a little off), and for the
/// `best_founded` map with blur undone, for codes of the size a badge has (the cost grows
/// with the module count).
fn read_map(
    pic: &Picture,
    map: [f64; 9],
    size: usize,
    thorough: bool,
    best_founded: bool,
) -> Option<Read> {
    let found = |m: [f64; 9], text: String| {
        let s = size as f64;
        let corners = [(0.0, 0.0), (s, 0.0), (s, s), (0.0, s)].map(|(x, y)| apply(&m, x, y));
        Read { text, corners }
    };
    // A `thorough` read registers the grid before judging grey levels, so the bitmap alone
    // on the grid as found; otherwise grey levels on it as well.
    let depth = if thorough { Depth::Bitmap } else { Depth::Grey };
    let misfit = match read_grid(pic, &map, size, depth) {
        Ok(text) => return Some(found(map, text)),
        Err(misfit) => misfit,
    };
    // A grid with a quarter of its fixed modules wrong is laid over clutter (or a wrong
    // triple): registration cannot save it, and its extra readings would eat the budget.
    if !thorough || misfit > MISFIT {
        return None;
    }
    let refined = register::refine(|p| pic.darkness(p), &map, size);
    let depth = if best_founded && size <= 61 {
        Depth::Deblur
    } else {
        Depth::Grey
    };
    read_grid(pic, &refined, size, depth)
        .ok()
        .map(|text| found(refined, text))
}

/// How far [`read_grid`] goes in judging the modules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Depth {
    /// The bitmap's verdict at each module centre only.
    Bitmap,
    /// Also grey levels judged against local extremes, along the light, by local colour
    /// levels, and the readings combined block by block.
    Grey,
    /// Also the blur models.
    Deblur,
}

/// The share of wrong fixed modules beyond which a grid is not a code: real codes, blurred,
/// washed out or a module off, stay under about 0.15; grids over clutter or from a wrong
/// finder triple come out at 0.35 to 0.6.
const MISFIT: f64 = 0.25;

/// Module coordinates of the top-left module of the top-left, top-right and bottom-left
/// finder patterns of a code `size` modules a side.
fn finder_origins(size: usize) -> [Pt; 3] {
    let far = size as f64 - 7.0;
    [(0.0, 0.0), (far, 0.0), (0.0, far)]
}

/// Point pairs (module coordinates, pixels, weight) from the corners of the finder outlines:
/// each corner is matched to its place in the code by which side of the finder centre it lies
/// on along the code's axes (top-left to top-right, top-left to bottom-left). A finder
/// without an outline (its modules too squashed for the rays) gives its centre.
fn outline_pairs(
    outlines: &[Option<[Pt; 4]>; 3],
    (tl, tr, bl): (Pt, Pt, Pt),
    size: usize,
) -> Vec<(Pt, Pt, f64)> {
    let (u, v) = ((tr.0 - tl.0, tr.1 - tl.1), (bl.0 - tl.0, bl.1 - tl.1));
    let det = u.0 * v.1 - u.1 * v.0;
    let mut pairs = Vec::with_capacity(13);
    if det.abs() < 1e-6 {
        return pairs;
    }
    for ((outline, origin), centre) in outlines.iter().zip(finder_origins(size)).zip([tl, tr, bl]) {
        let Some(corners) = outline else {
            pairs.push(((origin.0 + 3.5, origin.1 + 3.5), centre, 2.0));
            continue;
        };
        let c = corners
            .iter()
            .fold((0.0, 0.0), |s, p| (s.0 + p.0 / 4.0, s.1 + p.1 / 4.0));
        let mut seen = [false; 4];
        let mut these = Vec::with_capacity(4);
        for p in corners {
            let (dx, dy) = (p.0 - c.0, p.1 - c.1);
            // (dx, dy) = a·u + b·v.
            let a = (dx * v.1 - dy * v.0) / det;
            let b = (u.0 * dy - u.1 * dx) / det;
            let (sx, sy) = (a > 0.0, b > 0.0);
            seen[usize::from(sx) + 2 * usize::from(sy)] = true;
            let m = (
                origin.0 + if sx { 6.5 } else { 0.5 },
                origin.1 + if sy { 6.5 } else { 0.5 },
            );
            these.push((m, *p, 1.0));
        }
        if seen.iter().all(|s| *s) {
            pairs.extend(these);
        }
    }
    pairs
}

/// The perspective map of a code `size` modules a side fitted to the corners of the finder
/// outlines (at least two of them; the third finder's centre stands in for its outline), and
/// how far (in modules) the points lie from where it puts them on average: the right size
/// fits best.
fn fit_to_outlines(
    outlines: &[Option<[Pt; 4]>; 3],
    centres: (Pt, Pt, Pt),
    size: usize,
) -> Option<([f64; 9], f64)> {
    if outlines.iter().filter(|o| o.is_some()).count() < 2 {
        return None;
    }
    let pairs = outline_pairs(outlines, centres, size);
    if pairs.len() < 9 {
        return None;
    }
    let m = fit_homography(&pairs)?;
    let (mut err, mut scale) = (0.0, 0.0);
    for (module, pixel, _) in &pairs {
        let p = apply(&m, module.0, module.1);
        err += dist(p, *pixel);
        let q = apply(&m, module.0 + 1.0, module.1);
        scale += dist(p, q);
    }
    Some((m, err / scale.max(1e-9)))
}

/// Whether the timing patterns (row 6 and column 6 between the finders, alternating dark and
/// light) show through `map`: each module darker or lighter than both neighbours as it should
/// be. Blur attenuates the alternation but keeps its sign (or flips it wholesale for blur
/// longer than two modules), so a real grid scores near 0 or 1 and a false one near ½.
/// Cheap: it rejects most stray finder triples before the whole grid is sampled.
fn timing_ok(pic: &Picture, map: &[f64; 9], size: usize) -> bool {
    let score = |horizontal: bool| {
        let at = |i: usize| {
            let (x, y) = if horizontal { (i, 6) } else { (6, i) };
            pic.darkness(apply(map, x as f64 + 0.5, y as f64 + 0.5))
        };
        let (mut good, mut n) = (0u32, 0u32);
        let (mut prev, mut here) = (at(7), at(8));
        for i in 9..size - 7 {
            let next = at(i);
            let bump = here - (prev + next) / 2.0;
            // Module i-1 is dark when i-1 is even.
            good += u32::from((bump > 0.0) == (i % 2 == 1));
            n += 1;
            prev = here;
            here = next;
        }
        f64::from(good) / f64::from(n.max(1))
    };
    // How clearly each pattern alternates (½ = not at all). Both fairly clear, or one very
    // clear (perspective or blur can spoil the other).
    let (h, v) = (score(true), score(false));
    let (h, v) = (h.max(1.0 - h), v.max(1.0 - v));
    (h >= 0.7 && v >= 0.7) || h >= 0.85 || v >= 0.85
}

/// Blur models tried by the second threshold: the length of a box blur in modules along the
/// grid's x and y axes (1 = sharp), the likeliest first: a small code's own blur (a camera's
/// spot is one or two of its modules), then smears along either axis.
const BLURS: [(f64, f64); 7] = [
    (1.7, 1.7),
    (2.0, 1.0),
    (1.0, 2.0),
    (1.4, 1.4),
    (2.3, 2.3),
    (2.7, 1.0),
    (1.0, 2.7),
];

/// Sample the grid through `map` and try each way of judging the modules, as deep as
/// `depth`: the text, or the share of the fixed modules the bitmap's verdict gets wrong
/// ([`register::fixed_errors`]). Grey levels are sampled and judged further only while that
/// share is at most [`MISFIT`].
fn read_grid(pic: &Picture, map: &[f64; 9], size: usize, depth: Depth) -> Result<String, f64> {
    let n = size * size;
    // The bitmap's verdict at each module centre first: it reads most codes, and sampling
    // grey levels costs five times as much.
    let mut bits = vec![false; n];
    let mut outside = 0usize;
    for y in 0..size {
        for x in 0..size {
            let c = apply(map, x as f64 + 0.5, y as f64 + 0.5);
            outside += usize::from(!pic.inside(c));
            bits[y * size + x] = pic.dark(c);
        }
    }
    if outside * 10 > n {
        return Err(1.0);
    }
    let decode = |bits: &[bool]| {
        // rqrr only gets what its error correction will accept.
        codewords::correctable(bits, size)?;
        let bits = bits.to_vec();
        rqrr::Grid::new(Sampled { size, bits })
            .decode()
            .ok()
            .map(|(_, t)| t)
    };
    if let Some(t) = decode(&bits) {
        return Ok(t);
    }
    let misfit = register::fixed_errors(&bits, size);
    if misfit > MISFIT || depth == Depth::Bitmap {
        return Err(misfit);
    }
    // Darkness at each module centre, a small cross of samples against noise.
    let mut dark = vec![0f64; n];
    for y in 0..size {
        for x in 0..size {
            let (cx, cy) = (x as f64 + 0.5, y as f64 + 0.5);
            let mut v = pic.darkness(apply(map, cx, cy));
            for (dx, dy) in [(0.2, 0.0), (-0.2, 0.0), (0.0, 0.2), (0.0, -0.2)] {
                v += pic.darkness(apply(map, cx + dx, cy + dy));
            }
            dark[y * size + x] = v / 5.0;
        }
    }
    let level = normalise(&dark, size);
    let mut readings = vec![bits];
    let along = directional(&dark, size);
    // Computed one at a time, as tried: most codes read before the blur models.
    let blurs = BLURS
        .iter()
        .filter(|_| depth == Depth::Deblur)
        .map(|&(lx, ly)| deblur(&level, size, lx, ly));
    let more = [
        level.iter().map(|&v| v > 0.5).collect(),
        reclassify(&dark, size, &along),
        along,
    ]
    .into_iter()
    .chain(blurs);
    for reading in more {
        if let Some(t) = decode(&reading) {
            return Ok(t);
        }
        readings.push(reading);
    }
    // No one reading corrects: each block from whichever reading gets it right.
    codewords::combine(&readings, size)
        .and_then(|grid| decode(&grid))
        .ok_or(misfit)
}

/// Darkness rescaled to 0 (lightest) … 1 (darkest) between the extremes of the modules within
/// three modules around each one: uneven light and highlight bands become even.
fn normalise(dark: &[f64], size: usize) -> Vec<f64> {
    const R: usize = 3;
    let mut lo = vec![0f64; dark.len()];
    let mut hi = vec![0f64; dark.len()];
    // Separable min/max: along rows, then along columns.
    let mut row_lo = vec![0f64; dark.len()];
    let mut row_hi = vec![0f64; dark.len()];
    for y in 0..size {
        for x in 0..size {
            let (a, b) = (x.saturating_sub(R), (x + R).min(size - 1));
            let s = &dark[y * size + a..=y * size + b];
            row_lo[y * size + x] = s.iter().copied().fold(f64::MAX, f64::min);
            row_hi[y * size + x] = s.iter().copied().fold(f64::MIN, f64::max);
        }
    }
    for y in 0..size {
        let (a, b) = (y.saturating_sub(R), (y + R).min(size - 1));
        for x in 0..size {
            lo[y * size + x] = (a..=b)
                .map(|yy| row_lo[yy * size + x])
                .fold(f64::MAX, f64::min);
            hi[y * size + x] = (a..=b)
                .map(|yy| row_hi[yy * size + x])
                .fold(f64::MIN, f64::max);
        }
    }
    dark.iter()
        .zip(lo.iter().zip(&hi))
        .map(|(&v, (&l, &h))| {
            if h - l < 12.0 {
                // A flat neighbourhood: judge by the overall level.
                f64::from(u8::from(v > 127.0))
            } else {
                (v - l) / (h - l)
            }
        })
        .collect()
}

/// Dark and light judged against the extremes along the line of seven modules through each
/// one, in whichever of four directions (rows, columns, diagonals) spans the least range while
/// still holding both colours. A highlight band or a shadow edge runs in one direction: a
/// window across it mixes the washed-out modules inside with the full-contrast ones outside
/// and calls every module in the band light, while the line along the band compares each
/// module with its neighbours under the same light.
fn directional(dark: &[f64], size: usize) -> Vec<bool> {
    const R: isize = 3;
    let mut sorted = dark.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let contrast = sorted[n * 95 / 100] - sorted[n * 5 / 100];
    let floor = (contrast * 0.12).max(10.0);
    let s = size as isize;
    let mut out = vec![false; dark.len()];
    for y in 0..s {
        for x in 0..s {
            let v = dark[(y * s + x) as usize];
            let mut best: Option<(f64, f64)> = None;
            for (dx, dy) in [(1, 0), (0, 1), (1, 1), (1, -1)] {
                let (mut lo, mut hi) = (v, v);
                for t in -R..=R {
                    let (xx, yy) = (x + t * dx, y + t * dy);
                    if xx >= 0 && yy >= 0 && xx < s && yy < s {
                        let u = dark[(yy * s + xx) as usize];
                        lo = lo.min(u);
                        hi = hi.max(u);
                    }
                }
                let range = hi - lo;
                if range >= floor && best.is_none_or(|(r, _)| range < r) {
                    best = Some((range, (lo + hi) / 2.0));
                }
            }
            let threshold = best.map_or(sorted[n / 2], |(_, t)| t);
            out[(y * s + x) as usize] = v > threshold;
        }
    }
    out
}

/// Dark and light judged again against the local levels of each colour: every module is
/// compared with the midpoint between the mean darkness of the modules judged dark and of
/// those judged light within two modules of it (`judged` is a first reading), twice over.
/// Under light that changes across the code (a highlight's edge, a shadow) both colours'
/// levels follow it, and the midpoint between them separates modules a fixed window's
/// extremes, reaching into the brighter or darker part, do not.
fn reclassify(dark: &[f64], size: usize, judged: &[bool]) -> Vec<bool> {
    const R: isize = 2;
    let s = size as isize;
    let mut bits = judged.to_vec();
    for _ in 0..2 {
        let before = bits.clone();
        for y in 0..s {
            for x in 0..s {
                let (mut sd, mut nd, mut sl, mut nl) = (0.0, 0u32, 0.0, 0u32);
                for yy in (y - R).max(0)..=(y + R).min(s - 1) {
                    for xx in (x - R).max(0)..=(x + R).min(s - 1) {
                        let i = (yy * s + xx) as usize;
                        if before[i] {
                            sd += dark[i];
                            nd += 1;
                        } else {
                            sl += dark[i];
                            nl += 1;
                        }
                    }
                }
                // Both colours nearby: judge by their midpoint; otherwise keep the verdict.
                if nd > 0 && nl > 0 {
                    let i = (y * s + x) as usize;
                    let mid = (sd / f64::from(nd) + sl / f64::from(nl)) / 2.0;
                    bits[i] = dark[i] > mid;
                }
            }
        }
    }
    bits
}

/// Box-blur weights over a module and its two neighbours for a blur `len` modules long.
fn weights(len: f64) -> [f64; 3] {
    if len <= 1.0 {
        return [0.0, 1.0, 0.0];
    }
    let side = ((len - 1.0) / 2.0).min(1.0) / len;
    [side, 1.0 - 2.0 * side, side]
}

/// Judge modules under a blur model: start from the plain threshold, then judge each module
/// again on its darkness less what its neighbours (as judged so far, updated in place)
/// leaked into it; three sweeps. Outside the grid is the light quiet zone.
fn deblur(level: &[f64], size: usize, lx: f64, ly: f64) -> Vec<bool> {
    let (wx, wy) = (weights(lx), weights(ly));
    let own = wx[1] * wy[1];
    let mut bits: Vec<bool> = level.iter().map(|&v| v > 0.5).collect();
    let s = size as isize;
    for _ in 0..3 {
        for y in 0..s {
            for x in 0..s {
                let mut leak = 0.0;
                for (j, wyj) in wy.iter().enumerate() {
                    for (i, wxi) in wx.iter().enumerate() {
                        if i == 1 && j == 1 {
                            continue;
                        }
                        let (xx, yy) = (x + i as isize - 1, y + j as isize - 1);
                        if xx >= 0 && yy >= 0 && xx < s && yy < s && bits[(yy * s + xx) as usize] {
                            leak += wxi * wyj;
                        }
                    }
                }
                let i = (y * s + x) as usize;
                bits[i] = level[i] - leak > own / 2.0;
            }
        }
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_words_match_the_standard() {
        // ISO/IEC 18004 table D.1: version 7 is 0x07C94, version 40 is 0x28C69.
        assert_eq!(version_word(7), 0x07C94);
        assert_eq!(version_word(40), 0x28C69);
        assert_eq!(decode_version(0x07C94 ^ 0b101), Some(7));
        assert_eq!(decode_version(0), None);
    }

    #[test]
    fn a_highlight_band_is_judged_along_its_length() {
        // Modules darkness 200 (dark) and 20 (light), except in rows 10-15, where a washed-out
        // band leaves 60 and 25: judged against the full contrast around them, the band's
        // dark modules all look light.
        let size = 29;
        let truth: Vec<bool> = (0..size * size).map(|i| (i * 7 + i / 3) % 5 < 2).collect();
        let dark: Vec<f64> = truth
            .iter()
            .enumerate()
            .map(|(i, &d)| match ((10..16).contains(&(i / size)), d) {
                (true, true) => 60.0,
                (true, false) => 25.0,
                (false, true) => 200.0,
                (false, false) => 20.0,
            })
            .collect();
        let plain: Vec<bool> = normalise(&dark, size).iter().map(|&v| v > 0.5).collect();
        assert_ne!(
            plain, truth,
            "the band must defeat the square window for this test"
        );
        assert_eq!(directional(&dark, size), truth);
    }

    #[test]
    fn deblur_undoes_a_known_blur() {
        // A row pattern blurred over two modules is read back exactly.
        let size = 21;
        let truth: Vec<bool> = (0..size * size).map(|i| (i * 7 + i / 5) % 3 == 0).collect();
        let w = weights(2.0);
        let level: Vec<f64> = (0..size * size)
            .map(|i| {
                let (x, y) = (i % size, i / size);
                let at = |x: isize| {
                    (x >= 0 && x < size as isize && truth[y * size + x as usize]) as u8 as f64
                };
                w[0] * at(x as isize - 1) + w[1] * at(x as isize) + w[2] * at(x as isize + 1)
            })
            .collect();
        let plain: Vec<bool> = level.iter().map(|&v| v > 0.5).collect();
        assert_ne!(plain, truth, "the blur must matter for this test");
        assert_eq!(deblur(&level, size, 2.0, 1.0), truth);
    }
}
