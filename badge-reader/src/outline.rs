//! The outline of a finder pattern in a black/white bitmap: the four corners of the centre
//! line of its dark outer ring, a square six modules a side. Three outlines give twelve points
//! whose places in the code are known, enough to fit the perspective of a code held at a
//! steep angle, where the finder centres alone (three points) only fit a parallelogram and
//! leave the fourth corner, and the alignment pattern there, modules away from its guess.
//!
//! Rays from the centre cross the pattern's three edges (centre to light ring, light ring to
//! dark ring, dark ring to the quiet zone); halfway between the last two lies the ring's
//! centre line, which a threshold set too dark or too light moves neither way. The points are
//! split at the four corners (a convex outline's points farthest from the centre and from the
//! diagonal are its corners), a line is fitted to each side, and adjacent lines meet at the
//! corners, which blur rounds off but the straight sides do not.

/// A point in pixels.
pub type Pt = (f64, f64);

/// Rays cast from the centre.
const RAYS: usize = 64;

/// The four corners (in order around the pattern) of the centre line of the outer ring of the
/// finder pattern at `centre` with modules of about `module` pixels, where `dark(p)` is the
/// bitmap's colour at `p` (in the code's polarity), or `None` when the rays do not show a
/// finder pattern's rings or the points do not fall on four straight sides.
pub fn finder_outline(dark: impl Fn(Pt) -> bool, centre: Pt, module: f64) -> Option<[Pt; 4]> {
    if !dark(centre) || module < 0.8 {
        return None;
    }
    // A ring foreshortened 3:1 and seen along its diagonal is up to ~15 modules out.
    let limit = module * 15.0;
    let step = (module / 8.0).clamp(0.35, 1.5);
    let mut points: Vec<(usize, Pt)> = Vec::with_capacity(RAYS);
    for k in 0..RAYS {
        let a = std::f64::consts::TAU * k as f64 / RAYS as f64;
        let d = (a.cos(), a.sin());
        let at = |t: f64| (centre.0 + d.0 * t, centre.1 + d.1 * t);
        let mut edges = [0f64; 3];
        let (mut found, mut colour, mut t) = (0, true, 0.0);
        while t < limit && found < 3 {
            t += step;
            let c = dark(at(t));
            // A change of colour counts once the next sample agrees (specks are not edges).
            if c != colour && dark(at(t + step)) == c {
                edges[found] = t - step / 2.0;
                found += 1;
                colour = c;
            }
        }
        // Along any line through the centre the edges lie at 1.5 : 2.5 : 3.5 (perspective
        // bends that only a little within one pattern).
        let [e1, e2, e3] = edges;
        if found < 3 || !(1.3..=2.2).contains(&(e2 / e1)) || !(1.6..=3.2).contains(&(e3 / e1)) {
            continue;
        }
        points.push((k, at((e2 + e3) / 2.0)));
    }
    if points.len() < RAYS / 2 {
        return None;
    }
    fit_quadrilateral(centre, &points, module)
}

fn dist(a: Pt, b: Pt) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

/// Distance of `p` from the line through `a` and `b`, signed by side.
fn side_of(a: Pt, b: Pt, p: Pt) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    (dx * (p.1 - a.1) - dy * (p.0 - a.0)) / dx.hypot(dy).max(1e-9)
}

/// A line as a point on it and a unit direction.
type Line = (Pt, Pt);

/// The total-least-squares line through `pts`, or `None` for fewer than two points.
fn fit_line(pts: &[Pt]) -> Option<Line> {
    if pts.len() < 2 {
        return None;
    }
    let n = pts.len() as f64;
    let (mx, my) = pts
        .iter()
        .fold((0.0, 0.0), |a, p| (a.0 + p.0 / n, a.1 + p.1 / n));
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for p in pts {
        let (x, y) = (p.0 - mx, p.1 - my);
        sxx += x * x;
        sxy += x * y;
        syy += y * y;
    }
    let angle = 0.5 * (2.0 * sxy).atan2(sxx - syy);
    Some(((mx, my), (angle.cos(), angle.sin())))
}

fn intersect(a: Line, b: Line) -> Option<Pt> {
    let ((p, d), (q, e)) = (a, b);
    let den = d.0 * e.1 - d.1 * e.0;
    if den.abs() < 0.05 {
        return None;
    }
    let t = ((q.0 - p.0) * e.1 - (q.1 - p.1) * e.0) / den;
    Some((p.0 + t * d.0, p.1 + t * d.1))
}

/// Four straight sides through `points` (ray index, point), in ray order around `centre`.
fn fit_quadrilateral(centre: Pt, points: &[(usize, Pt)], module: f64) -> Option<[Pt; 4]> {
    let far = |from: Pt, among: &mut dyn Iterator<Item = usize>| {
        among.max_by(|&i, &j| dist(points[i].1, from).total_cmp(&dist(points[j].1, from)))
    };
    let n = points.len();
    let c0 = far(centre, &mut (0..n))?;
    let c2 = far(points[c0].1, &mut (0..n))?;
    let (a, b) = (points[c0].1, points[c2].1);
    // The other two corners lie farthest from the diagonal, one on each side of it.
    let off = |i: usize| side_of(a, b, points[i].1);
    let c1 = (0..n).max_by(|&i, &j| off(i).total_cmp(&off(j)))?;
    let c3 = (0..n).min_by(|&i, &j| off(i).total_cmp(&off(j)))?;
    if off(c1) < module || off(c3) > -module {
        return None;
    }
    // Corners in ray order.
    let mut corners = [c0, c1, c2, c3];
    corners.sort_by_key(|&i| points[i].0);
    // Each side: the points strictly between two corners, away from the rounded corners.
    let keep_off = module * 0.8;
    let mut lines = Vec::with_capacity(4);
    for s in 0..4 {
        let (from, to) = (corners[s], corners[(s + 1) % 4]);
        let (pa, pb) = (points[from].1, points[to].1);
        let side: Vec<Pt> = (1..n)
            .map(|k| (from + k) % n)
            .take_while(|&i| i != to)
            .map(|i| points[i].1)
            .filter(|&p| dist(p, pa) > keep_off && dist(p, pb) > keep_off)
            .collect();
        let line = fit_line(&side)?;
        // Every point on the side near the line: four straight sides, not a blob.
        let (o, d) = line;
        let tolerance = (module * 0.35).max(1.0);
        if side
            .iter()
            .any(|p| ((p.0 - o.0) * d.1 - (p.1 - o.1) * d.0).abs() > tolerance)
        {
            return None;
        }
        lines.push(line);
    }
    let mut out = [(0.0, 0.0); 4];
    for s in 0..4 {
        let p = intersect(lines[(s + 3) % 4], lines[s])?;
        // A corner where the lines meet, not far beyond where the points turned.
        if dist(p, points[corners[s]].1) > module * 2.0 {
            return None;
        }
        out[s] = p;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outlines_a_drawn_finder_pattern_in_perspective() {
        // A finder pattern with 5-pixel modules, squashed to half height and sheared, as a
        // badge tipped away shows it: (mx, my) in modules maps to (x, y) in pixels.
        let map = |mx: f64, my: f64| (40.0 + 5.0 * mx + 1.5 * my, 30.0 + 2.5 * my);
        let dark = |p: Pt| {
            // Back to modules.
            let my = (p.1 - 30.0) / 2.5;
            let mx = (p.0 - 40.0 - 1.5 * my) / 5.0;
            if !(0.0..7.0).contains(&mx) || !(0.0..7.0).contains(&my) {
                return false;
            }
            let ring = mx
                .floor()
                .min(my.floor())
                .min(6.0 - mx.floor())
                .min(6.0 - my.floor());
            ring != 1.0
        };
        let outline = finder_outline(dark, map(3.5, 3.5), 3.5).expect("an outline");
        let want = [(0.5, 0.5), (6.5, 0.5), (6.5, 6.5), (0.5, 6.5)].map(|(x, y)| map(x, y));
        for w in want {
            let nearest = outline.iter().map(|p| dist(*p, w)).fold(f64::MAX, f64::min);
            assert!(nearest < 0.6, "{w:?} not in {outline:?}");
        }
        assert!(finder_outline(|_| true, (50.0, 50.0), 4.0).is_none());
    }
}
