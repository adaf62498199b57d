//! The badge reader: frames in, badge events out — decoding, payload check and debounce in one
//! place so the kiosk loop only sees tokens worth asking the server about.

use std::time::Instant;

use crate::debounce::Debouncer;
use crate::decode::Decoder;
use crate::frame::Frame;
use crate::payload::{BadgeToken, PayloadError, PayloadPolicy};

/// What one frame produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadEvent {
    /// No code in the frame.
    Nothing,
    /// A badge to report.
    Badge(BadgeToken),
    /// The same badge as a moment ago (debounced).
    Repeat,
    /// A code that is not a Caliber badge; never sent to the server.
    Rejected(PayloadError),
}

/// Decoder + payload policy + debouncer.
#[derive(Debug)]
pub struct BadgeReader {
    decoder: Decoder,
    policy: PayloadPolicy,
    debounce: Debouncer,
}

impl BadgeReader {
    /// A reader from its parts.
    pub fn new(decoder: Decoder, policy: PayloadPolicy, debounce: Debouncer) -> Self {
        BadgeReader {
            decoder,
            policy,
            debounce,
        }
    }

    /// Read one frame seen at `now`.
    pub fn read(&mut self, frame: &Frame, now: Instant) -> ReadEvent {
        let Some(decoded) = self.decoder.decode(frame) else {
            return ReadEvent::Nothing;
        };
        match self.policy.parse(&decoded.text) {
            Ok(token) => match self.debounce.observe(token, now) {
                Some(t) => ReadEvent::Badge(t),
                None => ReadEvent::Repeat,
            },
            Err(e) => ReadEvent::Rejected(e),
        }
    }

    /// The decoder (for statistics such as contained panics).
    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }
}
