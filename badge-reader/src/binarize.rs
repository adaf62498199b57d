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
}
