//! Expiry digests: the e-mails waiting for the plant's SMTP relay and the notices already
//! delivered, so each certification is announced once per threshold.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One certification announced at one threshold ("expires within 30 days", or 0: "expired").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DigestNotice {
    /// The certification.
    pub certification_id: Uuid,
    /// The threshold in days before expiry; 0 is "on expiry".
    pub threshold_days: u32,
}

/// A digest e-mail queued for the relay. Kept until the relay accepts it (then it becomes
/// [`DigestDelivery`] rows for its notices) or refuses it for good.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DigestMessage {
    /// Message id (time-ordered); also the e-mail's `Message-ID` local part.
    pub id: Uuid,
    /// Recipient address.
    pub to: String,
    /// Recipient's display name (the supervisor's name, or empty for a subscriber list).
    pub to_name: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body, exactly as it will be sent.
    pub body: String,
    /// The certifications and thresholds this e-mail announces.
    pub notices: Vec<DigestNotice>,
    /// When it was queued.
    #[serde(with = "super::ts")]
    pub queued_at: Timestamp,
}

/// A notice the relay accepted: which message carried it and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestDelivery {
    /// The message that carried it.
    pub message_id: Uuid,
    /// When the relay accepted that message.
    #[serde(with = "super::ts")]
    pub sent_at: Timestamp,
}
