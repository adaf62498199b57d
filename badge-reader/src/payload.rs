//! Is this QR text a Caliber badge? Only the badge URL or a bare token passes; everything else
//! is refused here, so it never reaches the network.

use std::fmt;

/// Characters in a badge token: 128 random bits in URL-safe base64 without padding.
pub const TOKEN_LEN: usize = 22;

/// Longest text worth looking at.
pub const MAX_PAYLOAD: usize = 512;

/// A badge token read from a badge.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BadgeToken(String);

impl BadgeToken {
    /// The token text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BadgeToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for BadgeToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A token is a secret; logs get a prefix only.
        write!(f, "BadgeToken({}…)", self.0.get(..4).unwrap_or(""))
    }
}

/// Why a QR text is not a badge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// Empty text.
    #[error("empty code")]
    Empty,
    /// Longer than a badge URL could be.
    #[error("code too long for a badge ({0} bytes)")]
    TooLong(usize),
    /// Control characters or other binary content.
    #[error("code contains control or binary characters")]
    Binary,
    /// A URL that is not `http(s)://<host>/b/<token>`.
    #[error("not a badge URL")]
    NotBadgeUrl,
    /// A badge URL on a host this station doesn't accept.
    #[error("badge URL from an unexpected host '{0}'")]
    UnknownHost(String),
    /// Not a URL and not a token.
    #[error("not a badge token")]
    NotToken,
}

/// Which badge URLs a station accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PayloadPolicy {
    /// Accepted hosts (with port if any, case-insensitive); empty accepts any host.
    pub hosts: Vec<String>,
}

fn is_token(s: &str) -> bool {
    s.len() == TOKEN_LEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl PayloadPolicy {
    /// Any host.
    pub fn any_host() -> Self {
        PayloadPolicy::default()
    }

    /// Only these hosts.
    pub fn hosts<S: Into<String>>(hosts: impl IntoIterator<Item = S>) -> Self {
        PayloadPolicy {
            hosts: hosts.into_iter().map(Into::into).collect(),
        }
    }

    /// The token in a QR text, or why there is none.
    pub fn parse(&self, text: &str) -> Result<BadgeToken, PayloadError> {
        if text.is_empty() {
            return Err(PayloadError::Empty);
        }
        if text.len() > MAX_PAYLOAD {
            return Err(PayloadError::TooLong(text.len()));
        }
        if text.chars().any(|c| c.is_control() || c == '\u{FFFD}') {
            return Err(PayloadError::Binary);
        }
        let prefix = text.get(..8).unwrap_or(text).to_ascii_lowercase();
        let rest = if prefix.starts_with("https://") {
            &text[8..]
        } else if prefix.starts_with("http://") {
            &text[7..]
        } else if is_token(text) {
            return Ok(BadgeToken(text.to_owned()));
        } else {
            return Err(PayloadError::NotToken);
        };
        let (host, path) = rest.split_once('/').ok_or(PayloadError::NotBadgeUrl)?;
        if host.is_empty()
            || !host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        {
            return Err(PayloadError::NotBadgeUrl);
        }
        let token = path.strip_prefix("b/").ok_or(PayloadError::NotBadgeUrl)?;
        if !is_token(token) {
            return Err(PayloadError::NotBadgeUrl);
        }
        if !self.hosts.is_empty() && !self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
            return Err(PayloadError::UnknownHost(host.to_owned()));
        }
        Ok(BadgeToken(token.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "AbCdEfGhIjKlMnOpQr-_12";

    #[test]
    fn accepts_badges() {
        let any = PayloadPolicy::any_host();
        for good in [
            T.to_owned(),
            format!("https://caliber.plant.local/b/{T}"),
            format!("http://10.1.2.3:8080/b/{T}"),
            format!("HTTPS://Caliber/b/{T}"),
            format!("https://[::1]:8080/b/{T}"),
        ] {
            assert_eq!(any.parse(&good).map(|t| t.0), Ok(T.to_owned()), "{good}");
        }
        let only = PayloadPolicy::hosts(["caliber.plant.local"]);
        assert!(
            only.parse(&format!("https://CALIBER.plant.local/b/{T}"))
                .is_ok()
        );
    }

    #[test]
    fn refuses_everything_else() {
        let any = PayloadPolicy::any_host();
        let cases: Vec<(String, PayloadError)> = vec![
            (String::new(), PayloadError::Empty),
            ("x".repeat(600), PayloadError::TooLong(600)),
            (
                "BEGIN:VCARD\nFN:Eve\nEND:VCARD".into(),
                PayloadError::Binary,
            ),
            (format!("{T}\0"), PayloadError::Binary),
            (format!("{T}\u{FFFD}"), PayloadError::Binary),
            (format!(" {T}"), PayloadError::NotToken),
            (
                "WIFI:S:plant;T:WPA;P:secret;;".into(),
                PayloadError::NotToken,
            ),
            (format!("{T}x"), PayloadError::NotToken),
            (
                "https://evil.example/login".into(),
                PayloadError::NotBadgeUrl,
            ),
            (format!("https://host/badge/{T}"), PayloadError::NotBadgeUrl),
            (
                format!("https://host/b/{T}?next=/admin"),
                PayloadError::NotBadgeUrl,
            ),
            (format!("https://host/b/{T}/x"), PayloadError::NotBadgeUrl),
            (
                format!("https://user@host/b/{T}"),
                PayloadError::NotBadgeUrl,
            ),
            (format!("https:///b/{T}"), PayloadError::NotBadgeUrl),
            (
                format!("javascript:alert(1)//b/{T}"),
                PayloadError::NotToken,
            ),
            (format!("ftp://host/b/{T}"), PayloadError::NotToken),
        ];
        for (text, want) in cases {
            assert_eq!(any.parse(&text), Err(want), "{text:?}");
        }
        let only = PayloadPolicy::hosts(["caliber.plant.local"]);
        assert_eq!(
            only.parse(&format!("https://other.local/b/{T}")),
            Err(PayloadError::UnknownHost("other.local".into()))
        );
    }
}
