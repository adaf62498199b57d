//! Where frames come from: a camera (feature `camera`), a folder or list of image files, or
//! frames made in memory.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use crate::frame::Frame;

/// Why a frame could not be had.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A file is not an image this build can decode.
    #[error("cannot decode image {path}: {message}")]
    Image {
        /// The file.
        path: PathBuf,
        /// What the image decoder said.
        message: String,
    },
    /// The camera failed.
    #[error("camera: {0}")]
    Camera(String),
}

/// A stream of frames. `Ok(None)` means the source is exhausted (files) — a camera never is.
pub trait FrameSource {
    /// The next frame.
    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError>;
}

/// Image file endings read from folders.
pub const IMAGE_EXTENSIONS: [&str; 5] = ["png", "jpg", "jpeg", "webp", "pgm"];

/// Load one image file as a frame.
pub fn load_frame(path: &Path) -> Result<Frame, SourceError> {
    let bytes = std::fs::read(path).map_err(|source| SourceError::Io {
        path: path.to_owned(),
        source,
    })?;
    let img = image::load_from_memory(&bytes).map_err(|e| SourceError::Image {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    Ok(Frame::from_dynamic(&img))
}

/// Frames from image files, in the order given; folders contribute their images sorted by
/// name.
#[derive(Debug)]
pub struct DirectorySource {
    files: VecDeque<PathBuf>,
}

impl DirectorySource {
    /// Expand `paths` (files and folders) into the list of images to read.
    pub fn new(paths: &[PathBuf]) -> Result<Self, SourceError> {
        let mut files = VecDeque::new();
        for p in paths {
            if p.is_dir() {
                let mut inside: Vec<PathBuf> = std::fs::read_dir(p)
                    .map_err(|source| SourceError::Io {
                        path: p.clone(),
                        source,
                    })?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|f| {
                        f.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                            IMAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())
                        })
                    })
                    .collect();
                inside.sort();
                files.extend(inside);
            } else {
                files.push_back(p.clone());
            }
        }
        Ok(DirectorySource { files })
    }

    /// The files still to read.
    pub fn remaining(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(PathBuf::as_path)
    }

    /// The next file and its frame (for callers that report per file).
    pub fn next_file(&mut self) -> Option<(PathBuf, Result<Frame, SourceError>)> {
        let path = self.files.pop_front()?;
        let frame = load_frame(&path);
        Some((path, frame))
    }
}

impl FrameSource for DirectorySource {
    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError> {
        match self.next_file() {
            Some((_, frame)) => frame.map(Some),
            None => Ok(None),
        }
    }
}

/// Frames handed over in memory (tests, synthetic badges).
#[derive(Debug, Default)]
pub struct MemorySource {
    frames: VecDeque<Frame>,
}

impl MemorySource {
    /// A source that yields `frames` in order.
    pub fn new(frames: impl IntoIterator<Item = Frame>) -> Self {
        MemorySource {
            frames: frames.into_iter().collect(),
        }
    }

    /// Add a frame at the end.
    pub fn push(&mut self, frame: Frame) {
        self.frames.push_back(frame);
    }
}

impl FrameSource for MemorySource {
    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError> {
        Ok(self.frames.pop_front())
    }
}
