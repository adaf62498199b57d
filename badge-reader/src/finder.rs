//! A fast look for QR finder patterns (the three nested squares) by run lengths along rows,
//! confirmed along columns, as zbar and ZXing do. It tells the decoder where a code is and
//! how big its modules are, so rqrr runs on a small crop instead of the whole frame, and a
//! frame without any finder pattern is dismissed in about a millisecond.

/// One finder pattern: centre and module size, in the image's pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Finder {
    /// Centre x.
    pub x: f32,
    /// Centre y.
    pub y: f32,
    /// Estimated module size in pixels.
    pub module: f32,
    /// How many scan lines confirmed it.
    pub hits: u32,
    /// Light-on-dark pattern.
    pub inverted: bool,
}

/// Whether five runs look like 1:1:3:1:1.
fn ratio_ok(runs: &[u32; 5]) -> Option<f32> {
    let total: u32 = runs.iter().sum();
    if total < 7 {
        return None;
    }
    let m = total as f32 / 7.0;
    let tol = m * 0.7;
    let ok = (runs[0] as f32 - m).abs() < tol
        && (runs[1] as f32 - m).abs() < tol
        && (runs[2] as f32 - 3.0 * m).abs() < 3.0 * tol
        && (runs[3] as f32 - m).abs() < tol
        && (runs[4] as f32 - m).abs() < tol;
    ok.then_some(m)
}

/// Runs of equal colour along a line through the bitmap; `get(i)` is the pixel at position i.
fn cross_check(
    len: usize,
    centre: usize,
    get: impl Fn(usize) -> bool,
    dark: bool,
) -> Option<(f32, f32)> {
    // From the centre (which must be the pattern's colour) count the centre run, then two
    // runs either way.
    if get(centre) != dark {
        return None;
    }
    let mut runs = [0u32; 5];
    let mut i = centre as isize;
    // Upwards / leftwards.
    for (slot, colour) in [(2usize, dark), (1, !dark), (0, dark)] {
        while i >= 0 && get(i as usize) == colour {
            runs[slot] += 1;
            i -= 1;
        }
        if runs[slot] == 0 {
            return None;
        }
    }
    let start = i + 1;
    let mut j = centre + 1;
    for (slot, colour) in [(2usize, dark), (3, !dark), (4, dark)] {
        while j < len && get(j) == colour {
            runs[slot] += 1;
            j += 1;
        }
        if slot != 2 && runs[slot] == 0 {
            return None;
        }
    }
    let m = ratio_ok(&runs)?;
    let centre_pos = start as f32 + (runs[0] + runs[1]) as f32 + runs[2] as f32 / 2.0;
    Some((centre_pos, m))
}

/// Finder patterns in a bitmap (`true` = dark) of `w`×`h`, scanning every `step`-th row.
pub fn find(bits: &[bool], w: usize, h: usize, step: usize) -> Vec<Finder> {
    let mut found: Vec<Finder> = Vec::new();
    let at = |x: usize, y: usize| bits[y * w + x];
    for y in (0..h).step_by(step.max(1)) {
        let row = &bits[y * w..(y + 1) * w];
        // Run lengths and colours along the row.
        let mut runs: Vec<(bool, u32)> = Vec::with_capacity(64);
        for &b in row {
            match runs.last_mut() {
                Some((c, n)) if *c == b => *n += 1,
                _ => runs.push((b, 1)),
            }
        }
        let mut x = 0usize;
        for k in 0..runs.len() {
            if k + 5 <= runs.len() {
                let window = [
                    runs[k].1,
                    runs[k + 1].1,
                    runs[k + 2].1,
                    runs[k + 3].1,
                    runs[k + 4].1,
                ];
                let dark = runs[k].0;
                if ratio_ok(&window).is_some() {
                    let cx = x + (window[0] + window[1]) as usize + window[2] as usize / 2;
                    // Confirm along the column, then again along the row through the refined
                    // centre.
                    if let Some((cy, m1)) = cross_check(h, y, |i| at(cx, i), dark) {
                        let cyi = (cy as usize).min(h - 1);
                        if let Some((cx2, m2)) = cross_check(w, cx, |i| at(i, cyi), dark) {
                            add(&mut found, cx2, cy, (m1 + m2) / 2.0, !dark);
                        }
                    }
                }
            }
            x += runs[k].1 as usize;
        }
    }
    found.retain(|f| f.hits >= 2 || f.module >= 3.0);
    found
}

fn add(found: &mut Vec<Finder>, x: f32, y: f32, module: f32, inverted: bool) {
    for f in found.iter_mut() {
        let d = ((f.x - x).powi(2) + (f.y - y).powi(2)).sqrt();
        if f.inverted == inverted && d < f.module.max(module) * 2.5 {
            let n = f.hits as f32;
            f.x = (f.x * n + x) / (n + 1.0);
            f.y = (f.y * n + y) / (n + 1.0);
            f.module = (f.module * n + module) / (n + 1.0);
            f.hits += 1;
            return;
        }
    }
    found.push(Finder {
        x,
        y,
        module,
        hits: 1,
        inverted,
    });
}

/// A region likely to hold a code.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// (x, y, width, height) in the bitmap's pixels.
    pub region: (u32, u32, u32, u32),
    /// Light-on-dark code.
    pub inverted: bool,
    /// Module size in pixels.
    pub module: f32,
    /// The finder patterns of the group (three for a whole code).
    pub finders: Vec<Finder>,
}

/// Regions likely to hold a code: around groups of finder patterns of similar module size
/// (three for a whole code, fewer for a partly hidden one). Each region is (x, y, w, h) in the
/// bitmap's pixels, with whether the code is light-on-dark and the module size, best
/// candidates first.
pub fn regions(finders: &[Finder], w: usize, h: usize) -> Vec<Candidate> {
    let mut order: Vec<&Finder> = finders.iter().collect();
    order.sort_by_key(|f| std::cmp::Reverse(f.hits));
    order.truncate(MAX_FINDERS);
    let mut used = vec![false; order.len()];
    let mut out = Vec::new();
    // Whole codes first: the triples that look most like the corners of a square.
    while let Some((i, j, k)) = best_triple(&order, &used) {
        used[i] = true;
        used[j] = true;
        used[k] = true;
        push_candidate(&mut out, &[order[i], order[j], order[k]], w, h);
        if out.len() >= 4 {
            return out;
        }
    }
    // Then what is left: a code with a finder hidden or missed.
    for i in 0..order.len() {
        if used[i] {
            continue;
        }
        let a = order[i];
        used[i] = true;
        let mut group = vec![a];
        for j in (i + 1)..order.len() {
            let b = order[j];
            if used[j] || b.inverted != a.inverted || group.len() >= 2 {
                continue;
            }
            let d = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
            // Finder centres of one code are 14 to ~170 modules apart (versions 1–40).
            if similar(a, b) && d > a.module * 10.0 && d < a.module * 180.0 {
                group.push(b);
                used[j] = true;
            }
        }
        push_candidate(&mut out, &group, w, h);
        if out.len() >= 4 {
            break;
        }
    }
    out
}

/// Finders considered at most (best-confirmed first); beyond that it is clutter.
const MAX_FINDERS: usize = 12;

fn similar(a: &Finder, b: &Finder) -> bool {
    a.inverted == b.inverted && (a.module / b.module).max(b.module / a.module) < 1.6
}

/// The unused triple most like three corners of a square (two equal legs at a right angle, a
/// plausible size for the module), or `None`.
fn best_triple(order: &[&Finder], used: &[bool]) -> Option<(usize, usize, usize)> {
    let n = order.len();
    let mut best: Option<((usize, usize, usize), f32)> = None;
    for i in 0..n {
        for j in (i + 1)..n {
            for k in (j + 1)..n {
                if used[i] || used[j] || used[k] {
                    continue;
                }
                let (a, b, c) = (order[i], order[j], order[k]);
                if !similar(a, b) || !similar(a, c) {
                    continue;
                }
                let d = |p: &Finder, q: &Finder| ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt();
                let mut sides = [d(a, b), d(b, c), d(c, a)];
                sides.sort_by(f32::total_cmp);
                let (l1, l2, hyp) = (sides[0], sides[1], sides[2]);
                let module = (a.module + b.module + c.module) / 3.0;
                if l1 < module * 10.0 || hyp > module * 250.0 {
                    continue;
                }
                let legs = (l1 - l2).abs() / l2;
                let right = (hyp - (l1 * l1 + l2 * l2).sqrt()).abs() / hyp;
                // Tilted cards shorten one leg; allow it, but prefer squares.
                let score = legs + 2.0 * right;
                if legs < 0.5 && right < 0.15 && best.is_none_or(|(_, s)| score < s) {
                    best = Some(((i, j, k), score));
                }
            }
        }
    }
    best.map(|(t, _)| t)
}

/// The region around a group of finders, added to `out` if it is big enough.
fn push_candidate(out: &mut Vec<Candidate>, group: &[&Finder], w: usize, h: usize) {
    let Some(a) = group.first() else {
        return;
    };
    // The module size of the best-confirmed finder: false candidates inside a code are
    // confirmed by few scan lines.
    let module = a.module;
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for f in group {
        x0 = x0.min(f.x);
        y0 = y0.min(f.y);
        x1 = x1.max(f.x);
        y1 = y1.max(f.y);
    }
    // Around the finder centres: the quiet zone and finder halves, more when a finder is
    // missing (the code extends beyond the ones seen).
    let margin = if group.len() >= 3 {
        module * 8.0
    } else {
        module * 8.0 + (x1 - x0).max(y1 - y0).max(module * 25.0)
    };
    let rx0 = (x0 - margin).max(0.0) as u32;
    let ry0 = (y0 - margin).max(0.0) as u32;
    let rx1 = ((x1 + margin) as u32).min(w as u32);
    let ry1 = ((y1 + margin) as u32).min(h as u32);
    if rx1 > rx0 + 20 && ry1 > ry0 + 20 {
        out.push(Candidate {
            region: (rx0, ry0, rx1 - rx0, ry1 - ry0),
            inverted: a.inverted,
            module,
            finders: group.iter().map(|f| **f).collect(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_drawn_finder_pattern() {
        // A 7-module finder with 4-pixel modules on white, centre (40, 40).
        let (w, h) = (80usize, 80usize);
        let mut bits = vec![false; w * h];
        for y in 0..28 {
            for x in 0..28 {
                let (mx, my) = (x / 4, y / 4);
                let ring = mx.min(my).min(6 - mx).min(6 - my);
                bits[(26 + y) * w + 26 + x] = ring != 1;
            }
        }
        let f = find(&bits, w, h, 1);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            (f[0].x - 40.0).abs() < 1.5 && (f[0].y - 40.0).abs() < 1.5,
            "{f:?}"
        );
        assert!((f[0].module - 4.0).abs() < 0.8);
        assert!(find(&vec![false; w * h], w, h, 1).is_empty());
    }
}
