//! Is this QR text a Caliber badge? The one payload check shared by the server
//! (`caliber::domain::BadgeToken::from_payload`, for `POST /api/v1/scans`) and the line station
//! (`caliber_badge_reader::PayloadPolicy`, before anything goes on the network).
//!
//! The design says: the QR payload is the badge URL `https://<host>/b/<token>` or the bare
//! token; anything else is rejected without a network call. A token is 128 random bits written
//! as 22 URL-safe base64 characters (`A-Z a-z 0-9 - _`, no padding).
//!
//! Until this crate existed the check was written twice and the copies had drifted. Where they
//! differed, the stricter (fail-closed) rule was kept unless it broke a documented feature:
//!
//! | question | server copy | reader copy | the rule now |
//! | --- | --- | --- | --- |
//! | schemes | `http`, `https`, any case | same | same. `http` stays: without `public_url` the server prints `http://<Host header>/b/<token>` on badges |
//! | empty text | refused as a token of length 0 | [`PayloadError::Empty`] | [`PayloadError::Empty`] |
//! | length cap | 512 bytes | 512 bytes | [`MAX_PAYLOAD`] = 512 bytes, checked first |
//! | control characters | refused | refused, and U+FFFD too (what a lossy decode of binary leaves) | both refused: [`PayloadError::Binary`] |
//! | whitespace | not trimmed | not trimmed | not trimmed: a leading or trailing space is refused, a line break is a control character |
//! | host characters | anything but `@` and space (so `https://host?x=/b/<token>`, `https://h%41/b/…`, non-ASCII hosts passed) | letters, digits, `- . : [ ]` (so `host:abc` and `host:` passed) | stricter than both: a name of letters, digits, `-` and `.`, or a bracketed IPv6 literal, then optionally `:` and 1 to 5 digits |
//! | user info (`user@host`) | refused | refused | refused |
//! | case of the host | ignored | ignored, also when comparing with the allowed hosts | same |
//! | allowed hosts | any | [`PayloadPolicy::hosts`], empty list = any | [`PayloadPolicy`]; the server uses [`PayloadPolicy::any_host`] (badges carry whatever base URL printed them) |
//! | path | exactly `/b/<token>` | same | same: lower-case `b`, no trailing slash, no further segment |
//! | query string, fragment | refused | refused | refused |
//! | percent-encoding | never decoded; `%` refused in the token only | never decoded; refused in host and token | never decoded, refused everywhere |
//! | bad token inside a badge URL | token error (length or alphabet) | [`PayloadError::NotBadgeUrl`] | [`PayloadError::NotBadgeUrl`] |
//! | bare text that is not a token (and `ftp:`, `javascript:` …) | token error (length or alphabet) | [`PayloadError::NotToken`] | [`PayloadError::NotToken`] |
//! | token length | counted in characters | counted in bytes | 22 characters of the ASCII alphabet (the same thing) |
//! | last token character | any of the alphabet | any of the alphabet | any of the alphabet (a token never issued is simply unknown to the server) |
//! | `Debug` of a token | first four characters, by slicing | first four characters, by `get` | first four characters, never panics; `Display` gives the whole token (it is sent to the server and printed) |
//! | error messages | never echo the payload | never echo the payload (except a refused host) | same |
//!
//! Making tokens (randomness) and storing them (serde) stay with the server's
//! `caliber::domain::BadgeToken`, a thin wrapper around [`BadgeToken`]; this crate only turns
//! 16 random bytes into token text ([`BadgeToken::from_bytes`]) so the encoding lives here too.

use std::fmt;

/// Characters in a badge token: 128 random bits in URL-safe base64 without padding.
pub const TOKEN_LEN: usize = 22;

/// Longest QR text worth looking at, in bytes: a badge URL with a generous host name.
pub const MAX_PAYLOAD: usize = 512;

/// The URL-safe base64 alphabet (RFC 4648, section 5), the characters a token may use.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A badge token: the secret printed as a QR code on an operator's badge.
///
/// Always exactly [`TOKEN_LEN`] characters from `A-Z a-z 0-9 - _`. `Debug` shows only the first
/// four characters, because a token is as good as the badge.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BadgeToken(String);

/// Why a text is not a bare badge token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadgeTokenError {
    /// Wrong number of characters.
    #[error("a badge token has {TOKEN_LEN} characters, this has {0}")]
    Length(usize),
    /// A character outside `A-Z a-z 0-9 - _`.
    #[error("a badge token uses only letters, digits, '-' and '_'")]
    Alphabet,
}

/// Why a scanned QR text is not a Caliber badge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// Empty text.
    #[error("empty code")]
    Empty,
    /// Longer than [`MAX_PAYLOAD`] bytes: no badge URL is that long.
    #[error("code too long for a badge ({0} bytes)")]
    TooLong(usize),
    /// Control characters or the replacement character left by decoding binary content.
    #[error("code contains control or binary characters")]
    Binary,
    /// An `http(s)` URL that is not `http(s)://<host>/b/<token>`.
    #[error("not a badge URL (expected http(s)://<host>/b/<token>)")]
    NotBadgeUrl,
    /// A badge URL on a host this station does not accept.
    #[error("badge URL from an unexpected host '{0}'")]
    UnknownHost(String),
    /// Neither an `http(s)` URL nor a bare token.
    #[error("not a badge token")]
    NotToken,
}

/// Is `b` one of the 64 characters a token may use?
fn is_token_byte(b: u8) -> bool {
    ALPHABET.contains(&b)
}

impl BadgeToken {
    /// A bare token, checking length and alphabet (for `/b/<token>` routes and stored data;
    /// QR texts go through [`PayloadPolicy::parse`]).
    pub fn parse(text: &str) -> Result<Self, BadgeTokenError> {
        let n = text.chars().count();
        if n != TOKEN_LEN {
            return Err(BadgeTokenError::Length(n));
        }
        if !text.bytes().all(is_token_byte) {
            return Err(BadgeTokenError::Alphabet);
        }
        Ok(BadgeToken(text.to_owned()))
    }

    /// The token for 16 random bytes: URL-safe base64 without padding, the form every issued
    /// token has. The caller brings the randomness (a CSPRNG seeded from the operating system).
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        let bits = u128::from_be_bytes(bytes);
        let text = (0..TOKEN_LEN)
            .map(|k| {
                // 22 characters of 6 bits carry the 128 bits followed by four zero bits.
                let sextet = if k < TOKEN_LEN - 1 {
                    (bits >> (122 - 6 * k)) & 0x3f
                } else {
                    (bits & 0x3) << 4
                };
                char::from(ALPHABET[sextet as usize])
            })
            .collect();
        BadgeToken(text)
    }

    /// The token text.
    pub fn as_str(&self) -> &str {
        &self.0
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
        // A token is a secret: logs get a prefix only.
        write!(f, "BadgeToken({}…)", self.0.get(..4).unwrap_or(""))
    }
}

/// Which badge URLs are accepted: any host, or only the listed ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PayloadPolicy {
    /// Accepted hosts, with the port if the badge URL has one, compared ignoring case; empty
    /// accepts any host.
    pub hosts: Vec<String>,
}

/// `text` without a leading `prefix` compared ignoring ASCII case.
fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// `host[:port]` where host is a name (letters, digits, `-`, `.`) or a bracketed IPv6 literal
/// (hex digits, `:`, `.`) and port is 1 to 5 digits.
fn is_authority(authority: &str) -> bool {
    let (host_ok, after_host) = match authority.strip_prefix('[') {
        Some(inner) => match inner.split_once(']') {
            Some((literal, after)) => (
                !literal.is_empty()
                    && literal
                        .bytes()
                        .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.'),
                after,
            ),
            None => return false,
        },
        None => {
            let end = authority.find(':').unwrap_or(authority.len());
            let name = &authority[..end];
            (
                !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'),
                &authority[end..],
            )
        }
    };
    let port_ok = after_host.is_empty()
        || after_host.strip_prefix(':').is_some_and(|port| {
            (1..=5).contains(&port.len()) && port.bytes().all(|b| b.is_ascii_digit())
        });
    host_ok && port_ok
}

impl PayloadPolicy {
    /// Accept badge URLs on any host.
    pub fn any_host() -> Self {
        PayloadPolicy::default()
    }

    /// Accept badge URLs on these hosts only (bare tokens are always accepted).
    pub fn hosts<S: Into<String>>(hosts: impl IntoIterator<Item = S>) -> Self {
        PayloadPolicy {
            hosts: hosts.into_iter().map(Into::into).collect(),
        }
    }

    /// The token in a QR text, or why there is none. Never panics, whatever the text.
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
        let Some(rest) = strip_prefix_ignore_case(text, "https://")
            .or_else(|| strip_prefix_ignore_case(text, "http://"))
        else {
            return BadgeToken::parse(text).map_err(|_| PayloadError::NotToken);
        };
        let (host, path) = rest.split_once('/').ok_or(PayloadError::NotBadgeUrl)?;
        if !is_authority(host) {
            return Err(PayloadError::NotBadgeUrl);
        }
        let token = path.strip_prefix("b/").ok_or(PayloadError::NotBadgeUrl)?;
        let token = BadgeToken::parse(token).map_err(|_| PayloadError::NotBadgeUrl)?;
        if !self.hosts.is_empty() && !self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
            return Err(PayloadError::UnknownHost(host.to_owned()));
        }
        Ok(token)
    }
}

#[cfg(test)]
mod tests;
