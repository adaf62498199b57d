//! The Caliber line station: camera frames → badge reader → `POST /api/v1/scans` → a screen
//! readable from two metres and lamps (and a machine-enable relay) that only ever say GREEN
//! when the server said so, the clock is right and nothing failed on the way.

pub mod client;
pub mod clock;
pub mod config;
pub mod display;
pub mod language;
pub mod outputs;
pub mod pin;
pub mod render;
pub mod screen;
pub mod station;
pub mod typeface;

pub use language::Language;
pub use screen::{Health, Screen, ScreenState};
