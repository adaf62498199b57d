//! Badge tokens: the secret printed as a QR code on an operator's badge.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde::{Deserialize, Serialize};

/// Length in characters of a badge token (128 random bits, URL-safe base64, no padding).
pub const BADGE_TOKEN_LEN: usize = 22;

/// A badge token: 128 random bits as 22 URL-safe characters.
///
/// Random rather than derived from the employee number so a badge cannot be forged from a
/// roster; regenerating it revokes a lost badge.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BadgeToken(String);

/// Why a text is not a badge token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadgeTokenError {
    /// Wrong number of characters.
    #[error("a badge token has {BADGE_TOKEN_LEN} characters, this has {0}")]
    Length(usize),
    /// A character outside `A-Z a-z 0-9 - _`.
    #[error("a badge token uses only letters, digits, '-' and '_'")]
    Alphabet,
}

impl BadgeToken {
    /// A fresh token from the operating system's random source.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 16];
        // The thread RNG is a CSPRNG seeded from the operating system.
        rand::rng().fill_bytes(&mut bytes);
        BadgeToken(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Parse a token, checking length and alphabet.
    pub fn parse(text: &str) -> Result<Self, BadgeTokenError> {
        let n = text.chars().count();
        if n != BADGE_TOKEN_LEN {
            return Err(BadgeTokenError::Length(n));
        }
        if !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(BadgeTokenError::Alphabet);
        }
        Ok(BadgeToken(text.to_owned()))
    }

    /// The token text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a scanned QR payload is not a Caliber badge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// Longer than any badge URL could be.
    #[error("payload too long ({0} bytes) for a badge")]
    TooLong(usize),
    /// Control characters or other binary content.
    #[error("payload contains control characters")]
    Binary,
    /// A URL whose path is not `/b/<token>`.
    #[error("not a badge URL (expected http(s)://<host>/b/<token>)")]
    NotBadgeUrl,
    /// Neither a URL nor a token.
    #[error("not a badge: {0}")]
    BadToken(#[from] BadgeTokenError),
}

/// Longest payload worth looking at: a badge URL with a generous host name.
pub const MAX_PAYLOAD_LEN: usize = 512;

impl BadgeToken {
    /// Extract the token from what a QR code said: the badge URL `http(s)://<host>/b/<token>`
    /// or the bare token. Anything else is rejected before any lookup.
    pub fn from_payload(payload: &str) -> Result<Self, PayloadError> {
        if payload.len() > MAX_PAYLOAD_LEN {
            return Err(PayloadError::TooLong(payload.len()));
        }
        if payload.chars().any(char::is_control) {
            return Err(PayloadError::Binary);
        }
        let lower = payload.get(..8).unwrap_or(payload).to_ascii_lowercase();
        let rest = if lower.starts_with("https://") {
            &payload[8..]
        } else if lower.starts_with("http://") {
            &payload[7..]
        } else {
            return Ok(BadgeToken::parse(payload)?);
        };
        let (host, path) = rest.split_once('/').ok_or(PayloadError::NotBadgeUrl)?;
        if host.is_empty() || host.contains(['@', ' ']) {
            return Err(PayloadError::NotBadgeUrl);
        }
        let token = path.strip_prefix("b/").ok_or(PayloadError::NotBadgeUrl)?;
        if token.contains(['/', '?', '#']) {
            return Err(PayloadError::NotBadgeUrl);
        }
        Ok(BadgeToken::parse(token)?)
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
        t.0
    }
}

impl fmt::Display for BadgeToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for BadgeToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Tokens are secrets: logs show only a prefix.
        write!(f, "BadgeToken({}…)", &self.0[..4.min(self.0.len())])
    }
}

#[cfg(test)]
mod tests {
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
    fn rejects_bad_tokens() {
        assert_eq!(BadgeToken::parse("short"), Err(BadgeTokenError::Length(5)));
        assert_eq!(
            BadgeToken::parse("aaaaaaaaaaaaaaaaaaaa/="),
            Err(BadgeTokenError::Alphabet)
        );
    }
}
