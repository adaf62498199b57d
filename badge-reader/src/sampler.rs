//! Reading a code's modules straight from three finder patterns (and the alignment pattern
//! when there is one), then handing the bit grid to rqrr's decoder. This skips rqrr's own
//! detection, which is the slow part on camera frames; rqrr's detection stays as the fallback.

use rqrr::BitGrid;

use crate::finder::Finder;
use crate::geometry::{apply, homography};

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

fn dist(a: (f32, f32), b: (f32, f32)) -> f32 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// Top-left, top-right, bottom-left finder centres from three unordered finders.
fn orient(f: [&Finder; 3]) -> ((f32, f32), (f32, f32), (f32, f32)) {
    let p = f.map(|f| (f.x, f.y));
    let (d01, d12, d20) = (dist(p[0], p[1]), dist(p[1], p[2]), dist(p[2], p[0]));
    // The corner opposite the longest side is top-left.
    let (tl, a, b) = if d12 >= d01 && d12 >= d20 {
        (p[0], p[1], p[2])
    } else if d20 >= d01 && d20 >= d12 {
        (p[1], p[2], p[0])
    } else {
        (p[2], p[0], p[1])
    };
    // In image coordinates (y down) top-right × bottom-left is positive.
    let cross = (a.0 - tl.0) * (b.1 - tl.1) - (a.1 - tl.1) * (b.0 - tl.0);
    if cross > 0.0 { (tl, a, b) } else { (tl, b, a) }
}

/// Try to read the code whose finder patterns are `finders` from the bitmap `bits` (`w`×`h`,
/// `true` = dark). Returns the decoded text.
pub fn read(finders: [&Finder; 3], bits: &[bool], w: usize, h: usize) -> Option<String> {
    let (tl, tr, bl) = orient(finders);
    let module = finders.iter().map(|f| f.module).sum::<f32>() / 3.0;
    if module < 1.0 {
        return None;
    }
    let est = ((dist(tl, tr) + dist(tl, bl)) / 2.0) / module + 7.0;
    // Sizes are 17 + 4·version; try the nearest and its neighbours.
    let version = ((est - 17.0) / 4.0).round().clamp(1.0, 40.0) as usize;
    let mut versions = vec![version];
    if version > 1 {
        versions.push(version - 1);
    }
    versions.push(version + 1);
    let dark = |x: f64, y: f64| -> Option<bool> {
        let (xi, yi) = (x.round(), y.round());
        if xi < 0.0 || yi < 0.0 || xi >= w as f64 || yi >= h as f64 {
            return None;
        }
        Some(bits[yi as usize * w + xi as usize])
    };
    for v in versions.into_iter().filter(|v| (1..=40).contains(v)) {
        let size = 17 + 4 * v;
        let d = size as f64 - 3.5;
        let tl = (f64::from(tl.0), f64::from(tl.1));
        let tr = (f64::from(tr.0), f64::from(tr.1));
        let bl = (f64::from(bl.0), f64::from(bl.1));
        // Bottom-right by parallelogram; refined by the alignment pattern when found.
        let br = (tr.0 + bl.0 - tl.0, tr.1 + bl.1 - tl.1);
        let affine = homography([(3.5, 3.5), (d, 3.5), (d, d), (3.5, d)], [tl, tr, br, bl])?;
        let mut maps = Vec::with_capacity(2);
        if v >= 2
            && let Some(ap) = alignment(&affine, size, f64::from(module), bits, w, h)
        {
            let a = size as f64 - 6.5;
            if let Some(hm) = homography([(3.5, 3.5), (d, 3.5), (a, a), (3.5, d)], [tl, tr, ap, bl])
            {
                maps.push(hm);
            }
        }
        maps.push(affine);
        for m in maps {
            let mut cells = Vec::with_capacity(size * size);
            let mut outside = false;
            for y in 0..size {
                for x in 0..size {
                    let (px, py) = apply(&m, x as f64 + 0.5, y as f64 + 0.5);
                    match dark(px, py) {
                        Some(b) => cells.push(b),
                        None => {
                            outside = true;
                            cells.push(false);
                        }
                    }
                }
            }
            if outside {
                continue;
            }
            let grid = rqrr::Grid::new(Sampled { size, bits: cells });
            if let Ok((_, text)) = grid.decode() {
                return Some(text);
            }
        }
    }
    None
}

/// The alignment pattern near where the affine map puts it: a dark module inside a light ring
/// inside a dark ring. Returns its centre in pixels.
fn alignment(
    map: &[f64; 9],
    size: usize,
    module: f64,
    bits: &[bool],
    w: usize,
    h: usize,
) -> Option<(f64, f64)> {
    let a = size as f64 - 6.5;
    let (ex, ey) = apply(map, a, a);
    let reach = (module * 4.0).max(4.0);
    let at = |x: i64, y: i64| -> bool {
        x >= 0
            && y >= 0
            && (x as usize) < w
            && (y as usize) < h
            && bits[y as usize * w + x as usize]
    };
    let m = module.round().max(1.0) as i64;
    let mut matches: Vec<(f64, f64, f64)> = Vec::new();
    let (x0, x1) = ((ex - reach) as i64, (ex + reach) as i64);
    let (y0, y1) = ((ey - reach) as i64, (ey + reach) as i64);
    for y in y0..=y1 {
        for x in x0..=x1 {
            if !at(x, y) {
                continue;
            }
            // Light one module away in all four directions, dark two modules away.
            let ring_light = !at(x - m, y) && !at(x + m, y) && !at(x, y - m) && !at(x, y + m);
            let ring_dark =
                at(x - 2 * m, y) && at(x + 2 * m, y) && at(x, y - 2 * m) && at(x, y + 2 * m);
            if ring_light && ring_dark {
                let d = (x as f64 - ex).powi(2) + (y as f64 - ey).powi(2);
                matches.push((x as f64, y as f64, d));
            }
        }
    }
    // The centre: the mean of the matching pixels around the one nearest the prediction.
    let nearest = matches.iter().min_by(|a, b| a.2.total_cmp(&b.2))?;
    let near: Vec<&(f64, f64, f64)> = matches
        .iter()
        .filter(|p| (p.0 - nearest.0).abs() <= module && (p.1 - nearest.1).abs() <= module)
        .collect();
    let n = near.len() as f64;
    Some((
        near.iter().map(|p| p.0).sum::<f64>() / n,
        near.iter().map(|p| p.1).sum::<f64>() / n,
    ))
}
