//! Badge tokens: the secret printed as a QR code on an operator's badge.
//!
//! What a token looks like and which QR texts carry one is decided once, in the
//! `caliber-badge-payload` crate that the badge reader uses too; this module adds what only the
//! server needs: making new tokens and storing them.

use std::fmt;

use caliber_badge_payload::PayloadPolicy;
use rand::RngCore;
use serde::{Deserialize, Serialize};

pub use caliber_badge_payload::{
    BadgeTokenError, MAX_PAYLOAD as MAX_PAYLOAD_LEN, PayloadError, TOKEN_LEN as BADGE_TOKEN_LEN,
};

/// A badge token: 128 random bits as 22 URL-safe characters.
///
/// Random rather than derived from the employee number so a badge cannot be forged from a
/// roster; regenerating it revokes a lost badge. `Debug` shows only a prefix.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BadgeToken(caliber_badge_payload::BadgeToken);

impl BadgeToken {
    /// A fresh token from the operating system's random source.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 16];
        // The thread RNG is a CSPRNG seeded from the operating system.
        rand::rng().fill_bytes(&mut bytes);
        BadgeToken(caliber_badge_payload::BadgeToken::from_bytes(bytes))
    }

    /// Parse a bare token, checking length and alphabet.
    pub fn parse(text: &str) -> Result<Self, BadgeTokenError> {
        caliber_badge_payload::BadgeToken::parse(text).map(BadgeToken)
    }

    /// Extract the token from what a QR code said: the badge URL `http(s)://<host>/b/<token>`
    /// on any host, or the bare token. Anything else is rejected before any lookup.
    pub fn from_payload(payload: &str) -> Result<Self, PayloadError> {
        PayloadPolicy::any_host().parse(payload).map(BadgeToken)
    }

    /// The token text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl TryFrom<String> for BadgeToken {
    type Error = BadgeTokenError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        BadgeToken::parse(&s)
    }
}

impl From<BadgeToken> for String {
    fn from(t: BadgeToken) -> String {
        t.0.into()
    }
}

impl fmt::Display for BadgeToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for BadgeToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Tokens are secrets: logs show only a prefix.
        fmt::Debug::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    #[test]
    fn generated_tokens_parse_and_differ() {
        let a = BadgeToken::generate();
        let b = BadgeToken::generate();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), BADGE_TOKEN_LEN);
        assert_eq!(BadgeToken::parse(a.as_str()), Ok(a));
    }

    #[test]
    fn tokens_are_written_as_they_always_were() {
        // Tokens issued before the shared crate were URL-safe base64 of 16 random bytes.
        let bytes: [u8; 16] = std::array::from_fn(|i| (i as u8).wrapping_mul(37) ^ 0xa5);
        assert_eq!(
            caliber_badge_payload::BadgeToken::from_bytes(bytes).as_str(),
            URL_SAFE_NO_PAD.encode(bytes)
        );
    }

    #[test]
    fn reads_badge_payloads() {
        let t = BadgeToken::generate();
        let ok = [
            t.to_string(),
            format!("https://caliber.plant.local/b/{t}"),
            format!("http://10.0.0.5:8080/b/{t}"),
            format!("HTTPS://caliber/b/{t}"),
        ];
        for p in ok {
            assert_eq!(BadgeToken::from_payload(&p), Ok(t.clone()), "{p}");
        }
        let bad = [
            String::new(),
            "BEGIN:VCARD\nFN:John\nEND:VCARD".to_owned(),
            format!("https://evil.example/x/{t}"),
            format!("https://host/b/{t}?x=1"),
            format!("https://host/b/{t}/more"),
            format!("https:///b/{t}"),
            format!("https://host?x=/b/{t}"),
            format!("{t}\u{0}"),
            format!(" {t}"),
            "x".repeat(5000),
            "https://host/b/short".to_owned(),
        ];
        for p in bad {
            assert!(BadgeToken::from_payload(&p).is_err(), "{p:?}");
        }
    }

    #[test]
    fn stores_as_text_and_logs_a_prefix() {
        let t = BadgeToken::parse("AbCdEfGhIjKlMnOpQr-_12").expect("token");
        assert_eq!(
            serde_json::to_string(&t).expect("json"),
            "\"AbCdEfGhIjKlMnOpQr-_12\""
        );
        assert_eq!(
            serde_json::from_str::<BadgeToken>("\"AbCdEfGhIjKlMnOpQr-_12\"").ok(),
            Some(t.clone())
        );
        assert!(serde_json::from_str::<BadgeToken>("\"short\"").is_err());
        assert_eq!(format!("{t:?}"), "BadgeToken(AbCd…)");
    }

    #[test]
    fn rejects_bad_tokens() {
        assert_eq!(BadgeToken::parse("short"), Err(BadgeTokenError::Length(5)));
        assert_eq!(
            BadgeToken::parse("aaaaaaaaaaaaaaaaaaaa/="),
            Err(BadgeTokenError::Alphabet)
        );
    }
}
