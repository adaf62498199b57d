//! Plane geometry shared by the synthetic frames and the grid sampler: homographies from four
//! point pairs.

/// Solve `a x = b` for 8 unknowns (Gaussian elimination with partial pivoting).
fn solve8(mut a: [[f64; 9]; 8]) -> Option<[f64; 8]> {
    for col in 0..8 {
        let pivot = (col..8).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        let pivot_row = a[col];
        for (r, row) in a.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot_row[col];
                for (x, p) in row.iter_mut().zip(pivot_row.iter()).skip(col) {
                    *x -= f * p;
                }
            }
        }
    }
    let mut x = [0.0; 8];
    for i in 0..8 {
        x[i] = a[i][8] / a[i][i];
    }
    Some(x)
}

/// The homography taking `from[i]` to `to[i]`, if the points are in general position.
pub fn homography(from: [(f64, f64); 4], to: [(f64, f64); 4]) -> Option<[f64; 9]> {
    let mut a = [[0.0; 9]; 8];
    for i in 0..4 {
        let (x, y) = from[i];
        let (u, v) = to[i];
        a[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
        a[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
    }
    let h = solve8(a)?;
    Some([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1.0])
}

/// A point pair for [`fit_homography`]: from, to, weight.
pub type Pair = ((f64, f64), (f64, f64), f64);

/// The homography that best takes each `from` point to its `to` point, in the least-squares
/// sense of the linearised equations, each pair counted `weight` times: for more than four
/// points that each carry some measurement error (corners of several finder patterns), or
/// `None` for fewer than four or points in a degenerate position. Both point sets are moved
/// to their centroid and scaled first, which keeps the normal equations well conditioned.
pub fn fit_homography(pairs: &[Pair]) -> Option<[f64; 9]> {
    if pairs.len() < 4 {
        return None;
    }
    let norm = |pts: &mut dyn Iterator<Item = (f64, f64)>| {
        let pts: Vec<(f64, f64)> = pts.collect();
        let n = pts.len() as f64;
        let (cx, cy) = pts
            .iter()
            .fold((0.0, 0.0), |a, p| (a.0 + p.0 / n, a.1 + p.1 / n));
        let spread = pts
            .iter()
            .map(|p| ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt())
            .sum::<f64>()
            / n;
        (cx, cy, if spread > 1e-9 { 1.0 / spread } else { 1.0 })
    };
    let (fx, fy, fs) = norm(&mut pairs.iter().map(|p| p.0));
    let (tx, ty, ts) = norm(&mut pairs.iter().map(|p| p.1));
    let mut ata = [[0.0f64; 9]; 8];
    for &((x, y), (u, v), w) in pairs {
        let (x, y) = ((x - fx) * fs, (y - fy) * fs);
        let (u, v) = ((u - tx) * ts, (v - ty) * ts);
        for (row, rhs) in [
            ([x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y], u),
            ([0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y], v),
        ] {
            for i in 0..8 {
                for j in 0..8 {
                    ata[i][j] += w * row[i] * row[j];
                }
                ata[i][8] += w * row[i] * rhs;
            }
        }
    }
    let h = solve8(ata)?;
    let n = [h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1.0];
    // Undo the normalisations: H = T_to⁻¹ · N · T_from.
    let t_from = [fs, 0.0, -fs * fx, 0.0, fs, -fs * fy, 0.0, 0.0, 1.0];
    let t_to_inv = [1.0 / ts, 0.0, tx, 0.0, 1.0 / ts, ty, 0.0, 0.0, 1.0];
    let m = mul(&t_to_inv, &mul(&n, &t_from));
    (m[8].abs() > 1e-12).then(|| m.map(|v| v / m[8]))
}

/// The product `a · b` of two 3×3 matrices (row-major).
fn mul(a: &[f64; 9], b: &[f64; 9]) -> [f64; 9] {
    let mut out = [0.0; 9];
    for r in 0..3 {
        for c in 0..3 {
            out[r * 3 + c] = (0..3).map(|k| a[r * 3 + k] * b[k * 3 + c]).sum();
        }
    }
    out
}

/// Map a point through a homography.
pub fn apply(h: &[f64; 9], x: f64, y: f64) -> (f64, f64) {
    let w = h[6] * x + h[7] * y + h[8];
    (
        (h[0] * x + h[1] * y + h[2]) / w,
        (h[3] * x + h[4] * y + h[5]) / w,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn homography_maps_corners() {
        let from = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)];
        let to = [(10.0, 10.0), (30.0, 12.0), (28.0, 40.0), (8.0, 35.0)];
        let h = homography(from, to).expect("solvable");
        for i in 0..4 {
            let (u, v) = apply(&h, from[i].0, from[i].1);
            assert!((u - to[i].0).abs() < 1e-6 && (v - to[i].1).abs() < 1e-6);
        }
    }

    #[test]
    fn a_least_squares_fit_recovers_a_perspective_map_from_many_points() {
        let truth = homography(
            [(0.0, 0.0), (33.0, 0.0), (33.0, 33.0), (0.0, 33.0)],
            [(120.0, 80.0), (300.0, 95.0), (340.0, 260.0), (90.0, 240.0)],
        )
        .expect("solvable");
        let pairs: Vec<_> = (0..12)
            .map(|i| {
                let p = (f64::from(i % 4) * 9.0 + 0.5, f64::from(i / 4) * 13.0 + 0.5);
                (p, apply(&truth, p.0, p.1), 1.0)
            })
            .collect();
        let fit = fit_homography(&pairs).expect("fit");
        for (x, y) in [(0.0, 0.0), (33.0, 33.0), (16.5, 27.0)] {
            let (a, b) = (apply(&truth, x, y), apply(&fit, x, y));
            assert!(
                (a.0 - b.0).abs() < 1e-6 && (a.1 - b.1).abs() < 1e-6,
                "{a:?} {b:?}"
            );
        }
        assert!(fit_homography(&pairs[..3]).is_none());
    }
}
