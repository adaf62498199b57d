//! A grayscale frame: what every source produces and the decoder reads.

use image::{GrayImage, imageops};

/// One grayscale camera frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// 8-bit luminance, row-major.
    pub image: GrayImage,
}

impl Frame {
    /// A frame from a grayscale image.
    pub fn new(image: GrayImage) -> Self {
        Frame { image }
    }

    /// A frame from any decoded image (converted to luminance).
    pub fn from_dynamic(image: &image::DynamicImage) -> Self {
        Frame {
            image: image.to_luma8(),
        }
    }

    /// A frame from packed RGB bytes (camera output), or `None` if the size doesn't match.
    pub fn from_rgb(width: u32, height: u32, rgb: &[u8]) -> Option<Self> {
        if rgb.len() != width as usize * height as usize * 3 {
            return None;
        }
        let luma = rgb
            .chunks_exact(3)
            .map(|p| {
                // ITU-R BT.601 luma, integer arithmetic.
                ((77 * u32::from(p[0]) + 150 * u32::from(p[1]) + 29 * u32::from(p[2])) >> 8) as u8
            })
            .collect();
        GrayImage::from_raw(width, height, luma).map(Frame::new)
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.image.width()
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.image.height()
    }

    /// A copy scaled to `width`×`height` (triangle filter).
    pub fn resized(&self, width: u32, height: u32) -> Frame {
        Frame::new(imageops::resize(
            &self.image,
            width.max(1),
            height.max(1),
            imageops::FilterType::Triangle,
        ))
    }
}
