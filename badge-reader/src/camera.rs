//! A USB camera through nokhwa (V4L2 on Linux). YUYV frames give luminance directly; MJPEG
//! frames are decoded with the `image` crate, so no C JPEG library is needed.

use nokhwa::Camera;
use nokhwa::pixel_format::LumaFormat;
use nokhwa::utils::{
    CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType, Resolution,
};

use crate::frame::Frame;
use crate::source::{FrameSource, SourceError};

/// Frames from a V4L2 camera.
pub struct CameraSource {
    camera: Camera,
}

impl std::fmt::Debug for CameraSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CameraSource")
            .field("index", self.camera.index())
            .finish()
    }
}

/// `/dev/video2` → 2; a bare number is taken as is.
fn index_of(device: &str) -> Result<u32, SourceError> {
    let digits: String = device
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits
        .parse()
        .map_err(|_| SourceError::Camera(format!("'{device}' is not a camera like /dev/video0")))
}

impl CameraSource {
    /// Open `device` (e.g. `/dev/video0`) asking for about `width`×`height`.
    pub fn open(device: &str, width: u32, height: u32) -> Result<Self, SourceError> {
        let index = CameraIndex::Index(index_of(device)?);
        let wanted = CameraFormat::new(Resolution::new(width, height), FrameFormat::YUYV, 30);
        let requested = RequestedFormat::new::<LumaFormat>(RequestedFormatType::Closest(wanted));
        let mut camera = Camera::new(index, requested)
            .map_err(|e| SourceError::Camera(format!("cannot open {device}: {e}")))?;
        camera
            .open_stream()
            .map_err(|e| SourceError::Camera(format!("cannot start {device}: {e}")))?;
        Ok(CameraSource { camera })
    }
}

impl FrameSource for CameraSource {
    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError> {
        let buffer = self
            .camera
            .frame()
            .map_err(|e| SourceError::Camera(e.to_string()))?;
        if buffer.source_frame_format() == FrameFormat::MJPEG {
            let img =
                image::load_from_memory_with_format(buffer.buffer(), image::ImageFormat::Jpeg)
                    .map_err(|e| SourceError::Camera(format!("bad MJPEG frame: {e}")))?;
            return Ok(Some(Frame::from_dynamic(&img)));
        }
        let luma = buffer
            .decode_image::<LumaFormat>()
            .map_err(|e| SourceError::Camera(format!("bad frame: {e}")))?;
        let (w, h) = (luma.width(), luma.height());
        image::GrayImage::from_raw(w, h, luma.into_raw())
            .map(|img| Some(Frame::new(img)))
            .ok_or_else(|| SourceError::Camera("frame size mismatch".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::index_of;

    #[test]
    fn parses_device_names() {
        assert_eq!(index_of("/dev/video0").ok(), Some(0));
        assert_eq!(index_of("/dev/video12").ok(), Some(12));
        assert!(index_of("/dev/camera").is_err());
    }
}
