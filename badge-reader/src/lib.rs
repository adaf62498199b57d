//! Camera frames in, badge tokens out.
//!
//! The line kiosk hands this crate frames from a USB camera (or a folder of images, or frames
//! made in memory by tests); it finds and decodes the QR code on a laminated Caliber badge,
//! checks that the text is a badge (the URL `https://<host>/b/<token>` or a bare token) and
//! reports each badge once. It never touches the network and never panics on an image.

mod binarize;
mod budget;
mod codewords;
pub mod debounce;
pub mod decode;
mod finder;
pub mod frame;
mod geometry;
mod outline;
pub mod payload;
pub mod reader;
mod register;
mod sampler;
pub mod source;
pub mod synthetic;

#[cfg(feature = "camera")]
pub mod camera;

pub use debounce::{DebounceMode, Debouncer};
pub use decode::{DecodeOptions, Decoded, Decoder};
pub use frame::Frame;
pub use payload::{BadgeToken, PayloadError, PayloadPolicy, TOKEN_LEN};
pub use reader::{BadgeReader, ReadEvent};
pub use source::{DirectorySource, FrameSource, MemorySource, SourceError, load_frame};
