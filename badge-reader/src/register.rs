//! Registering a module grid on the code's fixed patterns: the three finder patterns with
//! their light separators, the timing patterns and the bottom-right alignment pattern are the
//! same in every code of a size, so the map from modules to pixels can be nudged until their
//! dark modules fall on dark pixels and their light ones on light pixels.
//!
//! Finder centres found in a blurred or smeared frame are off by a pixel or three (the runs
//! they are measured from are smeared too), which misplaces the far modules of the grid by
//! most of a module. Blur that is the same either way keeps the fixed patterns' contrast
//! centred on the true grid, so the match is best there, however faint it gets. The map is
//! moved by its four corner points, each step trying every corner either way along each axis
//! and keeping what matches better, with steps from half a module down to a sixteenth.

use crate::geometry::{apply, homography};

/// A point in pixels or modules.
type Pt = (f64, f64);

/// Module centres of a code `size` modules a side whose colour every code shares, with +1 for
/// dark and -1 for light.
fn fixed_modules(size: usize) -> Vec<(Pt, f64)> {
    let mut out = Vec::with_capacity(320);
    let s = size as i64;
    let mut put = |x: i64, y: i64, dark: bool| {
        out.push((
            (x as f64 + 0.5, y as f64 + 0.5),
            if dark { 1.0 } else { -1.0 },
        ));
    };
    // Finder patterns with the light module around them: the separator inside the code, the
    // quiet zone outside (without it the outer ring's samples drift outward or inward freely
    // under blur).
    for (ox, oy) in [(0, 0), (s - 7, 0), (0, s - 7)] {
        for dy in -1..8 {
            for dx in -1..8 {
                let (x, y) = (ox + dx, oy + dy);
                let ring = dx.min(dy).min(6 - dx).min(6 - dy);
                put(x, y, ring == 0 || ring >= 2);
            }
        }
    }
    // Timing patterns between the finders.
    for i in 8..s - 8 {
        put(i, 6, i % 2 == 0);
        put(6, i, i % 2 == 0);
    }
    // The bottom-right alignment pattern (versions 2 and up).
    if size > 21 {
        let c = s - 7;
        for dy in -2..=2i64 {
            for dx in -2..=2i64 {
                put(c + dx, c + dy, dx.abs().max(dy.abs()) != 1);
            }
        }
    }
    out
}

/// The fraction of a `size`×`size` grid's fixed modules (row-major, `true` dark) that have the
/// wrong colour: a few hundredths for a real code however blurred or washed out, around a
/// half for a grid laid over clutter or over a code from a wrong finder triple.
pub fn fixed_errors(bits: &[bool], size: usize) -> f64 {
    let (mut wrong, mut n) = (0usize, 0usize);
    for ((x, y), sign) in fixed_modules(size) {
        if x < 0.0 || y < 0.0 || x >= size as f64 || y >= size as f64 {
            continue;
        }
        n += 1;
        wrong += usize::from(bits[y as usize * size + x as usize] != (sign > 0.0));
    }
    wrong as f64 / n.max(1) as f64
}

/// The map from module coordinates to pixels of a code `size` modules a side, moved so that
/// its fixed patterns match the image best, where `darkness(p)` is 0 (light) … 255 (dark) at
/// pixel `p`. Returns `map` unchanged when nothing matches better.
pub fn refine(darkness: impl Fn(Pt) -> f64, map: &[f64; 9], size: usize) -> [f64; 9] {
    let fixed = fixed_modules(size);
    let far = size as f64 - 3.5;
    let corners_m = [(3.5, 3.5), (far, 3.5), (far, far), (3.5, far)];
    let mut corners = corners_m.map(|(x, y)| apply(map, x, y));
    let score = |c: &[Pt; 4]| -> Option<f64> {
        let h = homography(corners_m, *c)?;
        Some(
            fixed
                .iter()
                .map(|(m, sign)| sign * darkness(apply(&h, m.0, m.1)))
                .sum(),
        )
    };
    let Some(mut best) = score(&corners) else {
        return *map;
    };
    let module = {
        let d = |a: Pt, b: Pt| (a.0 - b.0).hypot(a.1 - b.1);
        (d(corners[0], corners[1]) + d(corners[0], corners[3])) / (2.0 * (far - 3.5))
    };
    // From half a module down to a sixteenth, at most eight passes at each step.
    let mut step = module * 0.5;
    let mut passes = 0;
    while step > module / 16.0 {
        passes += 1;
        let mut moved = false;
        for i in 0..4 {
            for (dx, dy) in [(step, 0.0), (-step, 0.0), (0.0, step), (0.0, -step)] {
                let mut trial = corners;
                trial[i] = (trial[i].0 + dx, trial[i].1 + dy);
                if let Some(s) = score(&trial)
                    && s > best
                {
                    best = s;
                    corners = trial;
                    moved = true;
                }
            }
        }
        if !moved || passes == 5 {
            step /= 2.0;
            passes = 0;
        }
    }
    homography(corners_m, corners).unwrap_or(*map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_modules_follow_the_standard_layout() {
        let m = fixed_modules(25);
        let at = |x: f64, y: f64| {
            m.iter()
                .find(|(p, _)| *p == (x + 0.5, y + 0.5))
                .map(|(_, s)| *s)
        };
        assert_eq!(at(0.0, 0.0), Some(1.0), "finder corner");
        assert_eq!(at(1.0, 1.0), Some(-1.0), "finder light ring");
        assert_eq!(at(3.0, 3.0), Some(1.0), "finder centre");
        assert_eq!(at(7.0, 3.0), Some(-1.0), "separator");
        assert_eq!(at(9.0, 6.0), Some(-1.0), "timing, odd");
        assert_eq!(at(10.0, 6.0), Some(1.0), "timing, even");
        assert_eq!(at(18.0, 18.0), Some(1.0), "alignment centre");
        assert_eq!(at(17.0, 18.0), Some(-1.0), "alignment ring");
        assert_eq!(at(12.0, 12.0), None, "data");
    }

    #[test]
    fn a_grid_a_module_off_is_pulled_onto_the_code() {
        // A version 2 code's fixed patterns drawn with 4-pixel modules at (20, 30), light
        // around.
        let size = 25;
        let truth = homography(
            [(0.0, 0.0), (25.0, 0.0), (25.0, 25.0), (0.0, 25.0)],
            [(20.0, 30.0), (120.0, 30.0), (120.0, 130.0), (20.0, 130.0)],
        )
        .expect("map");
        let fixed = fixed_modules(size);
        let darkness = |p: Pt| {
            let (mx, my) = (((p.0 - 20.0) / 4.0).floor(), ((p.1 - 30.0) / 4.0).floor());
            if !(0.0..25.0).contains(&mx) || !(0.0..25.0).contains(&my) {
                return 20.0; // the quiet zone
            }
            // Data modules grey: they are no help either way.
            fixed
                .iter()
                .find(|(m, _)| *m == (mx + 0.5, my + 0.5))
                .map_or(128.0, |(_, s)| if *s > 0.0 { 230.0 } else { 20.0 })
        };
        let off = homography(
            [(0.0, 0.0), (25.0, 0.0), (25.0, 25.0), (0.0, 25.0)],
            [(23.5, 27.0), (123.0, 32.0), (117.0, 133.5), (22.0, 126.0)],
        )
        .expect("map");
        let fitted = refine(darkness, &off, size);
        for (x, y) in [(3.5, 3.5), (21.5, 3.5), (18.5, 18.5), (3.5, 21.5)] {
            let (a, b) = (apply(&truth, x, y), apply(&fitted, x, y));
            assert!(
                (a.0 - b.0).abs() < 1.5 && (a.1 - b.1).abs() < 1.5,
                "{x},{y}: {a:?} vs {b:?}"
            );
        }
    }
}
