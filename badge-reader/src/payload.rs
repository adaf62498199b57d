//! Is this QR text a Caliber badge? Only the badge URL or a bare token passes; everything else
//! is refused here, so it never reaches the network.
//!
//! The check itself lives in the `caliber-badge-payload` crate, shared with the server so the
//! station and the server can never disagree about what a badge is.

pub use caliber_badge_payload::{
    BadgeToken, BadgeTokenError, MAX_PAYLOAD, PayloadError, PayloadPolicy, TOKEN_LEN,
};
