//! Image preparation before QR detection: fast downscaling, contrast stretch, and adaptive
//! thresholding by local mean (robust to uneven factory light and laminate glare).

use image::GrayImage;

/// Halve an image by averaging 2×2 blocks (much faster than a general resize).
pub fn half(img: &GrayImage) -> GrayImage {
    let (w, h) = (img.width() / 2, img.height() / 2);
    let src = img.as_raw();
    let stride = img.width() as usize;
    let mut out = Vec::with_capacity(w as usize * h as usize);
    for y in 0..h as usize {
        let r0 = &src[2 * y * stride..];
        let r1 = &src[(2 * y + 1) * stride..];
        for x in 0..w as usize {
            let s = u16::from(r0[2 * x])
                + u16::from(r0[2 * x + 1])
                + u16::from(r1[2 * x])
                + u16::from(r1[2 * x + 1]);
            out.push((s / 4) as u8);
        }
    }
    GrayImage::from_raw(w.max(1), h.max(1), out).unwrap_or_else(|| GrayImage::new(1, 1))
}

/// Stretch the 1st–99th percentile of luminance to the full range (dim or washed-out frames).
pub fn stretch(img: &GrayImage) -> GrayImage {
    let mut hist = [0u32; 256];
    for p in img.as_raw() {
        hist[*p as usize] += 1;
    }
    let total: u32 = hist.iter().sum();
    let cut = total / 100;
    let (mut lo, mut acc) = (0usize, 0u32);
    while lo < 255 && acc + hist[lo] <= cut {
        acc += hist[lo];
        lo += 1;
    }
    let (mut hi, mut acc) = (255usize, 0u32);
    while hi > 0 && acc + hist[hi] <= cut {
        acc += hist[hi];
        hi -= 1;
    }
    if hi <= lo + 8 {
        return img.clone();
    }
    let span = (hi - lo) as u32;
    let lut: Vec<u8> = (0..256u32)
        .map(|v| {
            let v = v.saturating_sub(lo as u32).min(span);
            (v * 255 / span) as u8
        })
        .collect();
    let data = img.as_raw().iter().map(|p| lut[*p as usize]).collect();
    GrayImage::from_raw(img.width(), img.height(), data).unwrap_or_else(|| img.clone())
}

/// Dark-on-light becomes light-on-dark and back.
pub fn invert(img: &GrayImage) -> GrayImage {
    let data = img.as_raw().iter().map(|p| 255 - p).collect();
    GrayImage::from_raw(img.width(), img.height(), data).unwrap_or_else(|| img.clone())
}

/// Black/white by comparing each pixel to the mean of a square window around it (integral
/// image, O(1) per pixel). `true` is black. Flat windows (little contrast) are white, so
/// sensor noise on plain surfaces doesn't become speckle.
pub fn adaptive(img: &GrayImage, window: u32, bias: i32) -> Vec<bool> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let src = img.as_raw();
    let iw = w + 1;
    let mut integral = vec![0u32; iw * (h + 1)];
    for y in 0..h {
        let mut row = 0u32;
        let (above, here) = integral.split_at_mut((y + 1) * iw);
        let above = &above[y * iw..];
        for x in 0..w {
            row += u32::from(src[y * w + x]);
            here[x + 1] = above[x + 1] + row;
        }
    }
    let r = (window / 2).max(1) as usize;
    let keep = (100 - bias).clamp(1, 100) as u64;
    let mut out = vec![false; w * h];
    for y in 0..h {
        let y0 = y.saturating_sub(r);
        let y1 = (y + r + 1).min(h);
        let (top, bottom) = (
            &integral[y0 * iw..y0 * iw + iw],
            &integral[y1 * iw..y1 * iw + iw],
        );
        let rows = (y1 - y0) as u64;
        let line = &src[y * w..y * w + w];
        let dst = &mut out[y * w..y * w + w];
        for x in 0..w {
            let x0 = x.saturating_sub(r);
            let x1 = (x + r + 1).min(w);
            let sum = u64::from(bottom[x1] + top[x0] - top[x1] - bottom[x0]);
            let n = rows * (x1 - x0) as u64;
            // v < mean * keep / 100, without a division per pixel.
            dst[x] = u64::from(line[x]) * n * 100 < sum * keep;
        }
    }
    out
}

/// Block side of the hybrid binariser, in pixels.
const BLOCK: usize = 8;
/// Blocks whose grey range is at most this hold only light or only dark pixels (more on a
/// noisy sensor: see [`flat_range`]).
const MIN_RANGE: u8 = 24;

/// The sensor noise of `img` as a standard deviation in grey levels, from the median
/// difference between horizontally adjacent pixels on every fourth row: most neighbours in a
/// camera frame lie on the same surface, where they differ by noise alone.
fn noise_sigma(img: &GrayImage) -> f32 {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let src = img.as_raw();
    let mut hist = [0u32; 256];
    let mut n = 0u32;
    for y in (0..h).step_by(4) {
        let line = &src[y * w..(y + 1) * w];
        for pair in line.windows(2).step_by(2) {
            hist[usize::from(pair[0].abs_diff(pair[1]))] += 1;
            n += 1;
        }
    }
    let mut acc = 0;
    let median = hist
        .iter()
        .position(|&c| {
            acc += c;
            acc * 2 >= n
        })
        .unwrap_or(0);
    // For Gaussian noise, |a - b| has median 0.954 sigma.
    median as f32 / 0.954
}

/// The grey range up to which a block counts as flat: six noise deviations (pure noise spans
/// about five in 64 pixels), at least [`MIN_RANGE`]. Without it, every block of a noisy
/// sensor's plain wall gets a threshold in the middle of its noise and turns to speckle that
/// the finder search then wades through.
fn flat_range(img: &GrayImage) -> u8 {
    (noise_sigma(img) * 6.0).clamp(f32::from(MIN_RANGE), 160.0) as u8
}

/// Black/white as zxing-cpp's hybrid binariser does it: each 8×8 block with enough contrast
/// gets the threshold (min + max) / 2; thresholds are smoothed over the 5×5 blocks around
/// (flat blocks left out), and flat stretches take the threshold of the block before them.
/// Unlike a fixed-size mean window, a finder pattern's solid centre stays dark however large
/// its modules are, and flat walls do not turn into speckle. `true` is black.
/// Falls back to [`adaptive`] for images smaller than the 5×5-block window.
pub fn hybrid(img: &GrayImage) -> Vec<bool> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    if w < 5 * BLOCK || h < 5 * BLOCK {
        return adaptive(img, 15, 8);
    }
    let thresholds = block_thresholds(img);
    let bw = w.div_ceil(BLOCK);
    let src = img.as_raw();
    let mut out = vec![false; w * h];
    // Each block row's thresholds spread over its pixels, so that every pixel row is one
    // comparison of two byte slices (which the compiler turns into vector instructions).
    let mut spread = vec![0u8; w];
    for y in 0..h {
        if y % BLOCK == 0 {
            let row_t = &thresholds[(y / BLOCK) * bw..(y / BLOCK + 1) * bw];
            for (x, t) in spread.iter_mut().enumerate() {
                // The ragged right edge uses the last block's threshold.
                *t = row_t[(x / BLOCK).min(bw - 1)];
            }
        }
        let line = &src[y * w..(y + 1) * w];
        let dst = &mut out[y * w..(y + 1) * w];
        for ((d, &v), &t) in dst.iter_mut().zip(line).zip(&spread) {
            *d = v <= t;
        }
    }
    out
}

/// The smoothed per-block thresholds of [`hybrid`], `ceil(w/8)` × `ceil(h/8)`, row-major.
/// The image must be at least 8×8.
pub fn block_thresholds(img: &GrayImage) -> Vec<u8> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let (bw, bh) = (w.div_ceil(BLOCK), h.div_ceil(BLOCK));
    let src = img.as_raw();
    let mut lo = vec![255u8; bw * bh];
    let mut hi = vec![0u8; bw * bh];
    let full = w / BLOCK;
    for y in 0..h {
        let by = y / BLOCK;
        let line = &src[y * w..(y + 1) * w];
        let (l, r) = (
            &mut lo[by * bw..(by + 1) * bw],
            &mut hi[by * bw..(by + 1) * bw],
        );
        for ((chunk, l), r) in line.chunks_exact(BLOCK).zip(l.iter_mut()).zip(r.iter_mut()) {
            let (mut a, mut b) = (*l, *r);
            for &v in chunk {
                a = a.min(v);
                b = b.max(v);
            }
            *l = a;
            *r = b;
        }
        for &v in &line[full * BLOCK..] {
            lo[by * bw + bw - 1] = lo[by * bw + bw - 1].min(v);
            hi[by * bw + bw - 1] = hi[by * bw + bw - 1].max(v);
        }
    }
    let flat = flat_range(img);
    let raw: Vec<u8> = lo
        .iter()
        .zip(&hi)
        .map(|(&l, &h)| {
            if h.saturating_sub(l) > flat {
                ((u16::from(h) + u16::from(l)) / 2).max(1) as u8
            } else {
                0
            }
        })
        .collect();
    // Smooth over the 5×5 blocks around (this block counted twice), flat blocks left out:
    // sums and counts over any window from two-dimensional prefix sums.
    let pw = bw + 1;
    let mut sums = vec![0u32; pw * (bh + 1)];
    let mut counts = vec![0u32; pw * (bh + 1)];
    for by in 0..bh {
        let (mut row_sum, mut row_count) = (0u32, 0u32);
        for bx in 0..bw {
            let t = raw[by * bw + bx];
            row_sum += u32::from(t);
            row_count += u32::from(t > 0);
            sums[(by + 1) * pw + bx + 1] = sums[by * pw + bx + 1] + row_sum;
            counts[(by + 1) * pw + bx + 1] = counts[by * pw + bx + 1] + row_count;
        }
    }
    let window = |table: &[u32], y0: usize, y1: usize, x0: usize, x1: usize| {
        table[y1 * pw + x1] + table[y0 * pw + x0] - table[y0 * pw + x1] - table[y1 * pw + x0]
    };
    let mut out = vec![0u8; bw * bh];
    for by in 0..bh {
        let cy = by.clamp(2, bh.saturating_sub(3).max(2));
        let (y0, y1) = (cy.saturating_sub(2), (cy + 3).min(bh));
        for bx in 0..bw {
            let cx = bx.clamp(2, bw.saturating_sub(3).max(2));
            let (x0, x1) = (cx.saturating_sub(2), (cx + 3).min(bw));
            let own = u32::from(raw[by * bw + bx]);
            let sum = own * 2 + window(&sums, y0, y1, x0, x1);
            let n = if own > 0 { 2 } else { 0 } + window(&counts, y0, y1, x0, x1);
            if let Some(t) = sum.checked_div(n) {
                out[by * bw + bx] = t as u8;
            }
        }
    }
    // Flat stretches take the threshold of the last block with one (raster order), moved
    // outside the block's own range to the side its middle lies on: a flat block is one
    // colour, dark inside a large dark area, light on a plain wall, never speckle.
    let first = out.iter().copied().find(|&t| t > 0).unwrap_or(0);
    let mut last = first;
    for (i, t) in out.iter_mut().enumerate() {
        if *t == 0 {
            let (l, h) = (lo[i], hi[i]);
            let middle = ((u16::from(l) + u16::from(h)) / 2) as u8;
            *t = if last == 0 || middle > last {
                l.saturating_sub(1).max(1)
            } else {
                last.max(h)
            };
        } else {
            last = *t;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_averages_blocks() {
        let img = GrayImage::from_raw(2, 2, vec![0, 100, 200, 100]).expect("img");
        assert_eq!(half(&img).as_raw(), &vec![100]);
    }

    #[test]
    fn stretch_expands_a_dim_image() {
        let data: Vec<u8> = (0..100).map(|i| 20 + (i % 40) as u8).collect();
        let img = GrayImage::from_raw(10, 10, data).expect("img");
        let s = stretch(&img);
        assert!(s.as_raw().iter().any(|p| *p > 200));
        assert!(s.as_raw().iter().any(|p| *p < 30));
    }

    #[test]
    fn adaptive_marks_dark_on_light() {
        let mut img = GrayImage::from_pixel(20, 20, image::Luma([200]));
        img.put_pixel(10, 10, image::Luma([20]));
        let bits = adaptive(&img, 9, 10);
        assert!(bits[10 * 20 + 10]);
        assert_eq!(bits.iter().filter(|b| **b).count(), 1);
    }

    #[test]
    fn hybrid_keeps_a_large_dark_square_dark_and_a_flat_wall_clean() {
        // A 60-pixel dark square (wider than the 40-pixel block window) on light paper.
        let img = GrayImage::from_fn(200, 120, |x, y| {
            let inside = (20..80).contains(&x) && (30..90).contains(&y);
            image::Luma([if inside { 30 } else { 220 }])
        });
        let bits = hybrid(&img);
        assert!(bits[60 * 200 + 50], "centre of the square");
        assert!(!bits[10 * 200 + 10], "paper");
        assert!(!bits[60 * 200 + 150], "paper beside the square");
        // A flat wall with sensor noise stays one colour.
        let wall = GrayImage::from_fn(200, 120, |x, y| {
            image::Luma([120 + ((x * 7 + y * 13) % 9) as u8])
        });
        assert!(hybrid(&wall).iter().all(|b| !b));
    }

    #[test]
    fn a_noisy_sensor_leaves_a_plain_wall_one_colour() {
        // Grey 120 with noise of about 16 grey levels (sum of four uniforms), and a dark
        // square 60 pixels wide on light paper in the corner.
        let mut x = 12345u32;
        let mut uniform = move || {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            f32::from((x >> 16) as u16) / 65535.0 - 0.5
        };
        let img = GrayImage::from_fn(320, 240, |px, py| {
            let n: f32 = (0..4).map(|_| uniform()).sum::<f32>() * 28.0;
            let base = if px < 100 && py < 100 {
                if (20..80).contains(&px) && (20..80).contains(&py) {
                    30.0
                } else {
                    230.0
                }
            } else {
                120.0
            };
            image::Luma([(base + n).clamp(0.0, 255.0) as u8])
        });
        assert!(noise_sigma(&img) > 12.0, "{}", noise_sigma(&img));
        let bits = hybrid(&img);
        let wall: Vec<bool> = (140..240)
            .flat_map(|y| (140..320).map(move |x| (x, y)))
            .map(|(x, y)| bits[y * 320 + x])
            .collect();
        let dark = wall.iter().filter(|b| **b).count();
        assert!(
            dark == 0 || dark == wall.len(),
            "{dark} of {} wall pixels dark: speckle",
            wall.len()
        );
        assert!(bits[50 * 320 + 50], "the square's centre");
        assert!(!bits[10 * 320 + 10], "the paper");
    }
}
