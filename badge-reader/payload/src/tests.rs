//! Every QR text form the badge check accepts or refuses, including the ones where the server's
//! and the reader's former copies disagreed ("differed:" says how), and properties over any text.

use crate::{BadgeToken, BadgeTokenError, MAX_PAYLOAD, PayloadError, PayloadPolicy, TOKEN_LEN};
use proptest::prelude::*;

const T: &str = "AbCdEfGhIjKlMnOpQr-_12";

fn any_host() -> PayloadPolicy {
    PayloadPolicy::any_host()
}

#[test]
fn accepts_the_badge_url_and_the_bare_token() {
    for good in [
        T.to_owned(),
        format!("https://caliber.plant.local/b/{T}"),
        // http stays: without `public_url` the server prints `http://<Host header>/b/<token>`.
        format!("http://caliber.local/b/{T}"),
        format!("http://10.1.2.3:8080/b/{T}"),
        format!("HTTPS://Caliber/b/{T}"),
        format!("hTtP://caliber/b/{T}"),
        format!("https://[::1]:8080/b/{T}"),
        format!("https://[fe80::1]/b/{T}"),
        format!("https://caliber.plant.local.:443/b/{T}"),
        format!("https://a/b/{T}"),
    ] {
        assert_eq!(
            any_host().parse(&good).map(String::from),
            Ok(T.to_owned()),
            "{good}"
        );
    }
}

#[test]
fn refuses_everything_else_with_the_reason() {
    let long = "x".repeat(MAX_PAYLOAD + 1);
    let cases: Vec<(String, PayloadError)> = vec![
        // differed: the server refused it as a token of length 0.
        (String::new(), PayloadError::Empty),
        (long, PayloadError::TooLong(MAX_PAYLOAD + 1)),
        (
            format!("https://h/b/{T}{}", " ".repeat(600)),
            PayloadError::TooLong(634),
        ),
        (
            "BEGIN:VCARD\nFN:Eve\nEND:VCARD".into(),
            PayloadError::Binary,
        ),
        (format!("{T}\0"), PayloadError::Binary),
        (format!("{T}\n"), PayloadError::Binary),
        (format!("{T}\r\n"), PayloadError::Binary),
        (format!("https://host/b/{T}\t"), PayloadError::Binary),
        // differed: the server saw U+FFFD as an ordinary character.
        (format!("{T}\u{FFFD}"), PayloadError::Binary),
        (format!("https://h\u{FFFD}st/b/{T}"), PayloadError::Binary),
        // No trimming, in either copy.
        (format!(" {T}"), PayloadError::NotToken),
        (format!("{T} "), PayloadError::NotToken),
        // differed: the server said "a badge token has 22 characters, this has …".
        (
            "WIFI:S:plant;T:WPA;P:secret;;".into(),
            PayloadError::NotToken,
        ),
        (format!("{T}x"), PayloadError::NotToken),
        (T[1..].to_owned(), PayloadError::NotToken),
        ("short".into(), PayloadError::NotToken),
        ("aaaaaaaaaaaaaaaaaaaa/=".into(), PayloadError::NotToken),
        ("AbCdEfGhIjKlMnOpQr+/12".into(), PayloadError::NotToken),
        ("AbCdEfGhIjKlMnOpQr-_1é".into(), PayloadError::NotToken),
        (
            format!("javascript:alert(1)//b/{T}"),
            PayloadError::NotToken,
        ),
        (format!("ftp://host/b/{T}"), PayloadError::NotToken),
        (format!("https:/host/b/{T}"), PayloadError::NotToken),
        (format!("//host/b/{T}"), PayloadError::NotToken),
        (
            "https://evil.example/login".into(),
            PayloadError::NotBadgeUrl,
        ),
        (format!("https://host{T}"), PayloadError::NotBadgeUrl),
        (format!("https://host/badge/{T}"), PayloadError::NotBadgeUrl),
        (format!("https://host/B/{T}"), PayloadError::NotBadgeUrl),
        (format!("https://host//b/{T}"), PayloadError::NotBadgeUrl),
        (format!("https://host/x/b/{T}"), PayloadError::NotBadgeUrl),
        (format!("https://host/b/{T}/"), PayloadError::NotBadgeUrl),
        (format!("https://host/b/{T}/x"), PayloadError::NotBadgeUrl),
        (
            format!("https://host/b/{T}?next=/admin"),
            PayloadError::NotBadgeUrl,
        ),
        (format!("https://host/b/{T}#x"), PayloadError::NotBadgeUrl),
        (format!("https://host/b/?{T}"), PayloadError::NotBadgeUrl),
        (
            format!("https://user@host/b/{T}"),
            PayloadError::NotBadgeUrl,
        ),
        (
            format!("https://user:pw@host/b/{T}"),
            PayloadError::NotBadgeUrl,
        ),
        (format!("https:///b/{T}"), PayloadError::NotBadgeUrl),
        (format!("https://host /b/{T}"), PayloadError::NotBadgeUrl),
        // Percent-encoding is never decoded.
        (
            format!("https://host/b/%41{}", &T[1..]),
            PayloadError::NotBadgeUrl,
        ),
        // differed: the server only refused '@' and ' ' in the host, so these passed there.
        (format!("https://h%41st/b/{T}"), PayloadError::NotBadgeUrl),
        (format!("https://host?x=/b/{T}"), PayloadError::NotBadgeUrl),
        (format!("https://host#x/b/{T}"), PayloadError::NotBadgeUrl),
        (format!("https://hôst/b/{T}"), PayloadError::NotBadgeUrl),
        (format!("https://ho_st/b/{T}"), PayloadError::NotBadgeUrl),
        (format!("https://host\\x/b/{T}"), PayloadError::NotBadgeUrl),
        // differed: the reader allowed any of letters, digits and `-.:[]` in any order, so
        // these passed there (and in the server).
        (format!("https://host:/b/{T}"), PayloadError::NotBadgeUrl),
        (format!("https://host:abc/b/{T}"), PayloadError::NotBadgeUrl),
        (
            format!("https://host:123456/b/{T}"),
            PayloadError::NotBadgeUrl,
        ),
        (
            format!("https://host:80:80/b/{T}"),
            PayloadError::NotBadgeUrl,
        ),
        (format!("https://:8080/b/{T}"), PayloadError::NotBadgeUrl),
        (format!("https://[::1/b/{T}"), PayloadError::NotBadgeUrl),
        (format!("https://[]/b/{T}"), PayloadError::NotBadgeUrl),
        (format!("https://[::1]x/b/{T}"), PayloadError::NotBadgeUrl),
        (format!("https://[::g]/b/{T}"), PayloadError::NotBadgeUrl),
        (format!("https://host]/b/{T}"), PayloadError::NotBadgeUrl),
        // differed: the server reported the token's length or alphabet instead.
        ("https://host/b/short".into(), PayloadError::NotBadgeUrl),
        (format!("https://host/b/{T}x"), PayloadError::NotBadgeUrl),
        (
            "https://host/b/AbCdEfGhIjKlMnOpQr+/12".into(),
            PayloadError::NotBadgeUrl,
        ),
    ];
    for (text, want) in cases {
        assert_eq!(any_host().parse(&text), Err(want), "{text:?}");
    }
}

#[test]
fn the_length_cap_is_in_bytes_and_inclusive() {
    let host = "h".repeat(MAX_PAYLOAD - "https:///b/".len() - TOKEN_LEN);
    let at_cap = format!("https://{host}/b/{T}");
    assert_eq!(at_cap.len(), MAX_PAYLOAD);
    assert_eq!(
        any_host().parse(&at_cap).map(String::from),
        Ok(T.to_owned())
    );
    let over = format!("https://{host}h/b/{T}");
    assert_eq!(
        any_host().parse(&over),
        Err(PayloadError::TooLong(MAX_PAYLOAD + 1))
    );
    // 300 two-byte characters are 600 bytes.
    assert_eq!(
        any_host().parse(&"é".repeat(300)),
        Err(PayloadError::TooLong(600))
    );
}

#[test]
fn a_host_list_limits_urls_but_not_bare_tokens() {
    let only = PayloadPolicy::hosts(["caliber.plant.local", "10.1.2.3:8080"]);
    for good in [
        T.to_owned(),
        format!("https://caliber.plant.local/b/{T}"),
        format!("https://CALIBER.Plant.Local/b/{T}"),
        format!("http://10.1.2.3:8080/b/{T}"),
    ] {
        assert_eq!(
            only.parse(&good).map(String::from),
            Ok(T.to_owned()),
            "{good}"
        );
    }
    for (text, host) in [
        (format!("https://other.local/b/{T}"), "other.local"),
        // The port is part of what is compared.
        (
            format!("https://caliber.plant.local:8443/b/{T}"),
            "caliber.plant.local:8443",
        ),
        (format!("http://10.1.2.3/b/{T}"), "10.1.2.3"),
        (
            format!("https://caliber.plant.local./b/{T}"),
            "caliber.plant.local.",
        ),
    ] {
        assert_eq!(
            only.parse(&text),
            Err(PayloadError::UnknownHost(host.to_owned())),
            "{text}"
        );
    }
    // A malformed URL on a listed host is still not a badge URL.
    assert_eq!(
        only.parse("https://caliber.plant.local/b/short"),
        Err(PayloadError::NotBadgeUrl)
    );
}

#[test]
fn bare_tokens_are_checked_for_length_and_alphabet() {
    assert_eq!(BadgeToken::parse(T).map(String::from), Ok(T.to_owned()));
    assert_eq!(BadgeToken::parse(""), Err(BadgeTokenError::Length(0)));
    assert_eq!(BadgeToken::parse("short"), Err(BadgeTokenError::Length(5)));
    assert_eq!(
        BadgeToken::parse("aaaaaaaaaaaaaaaaaaaa/="),
        Err(BadgeTokenError::Alphabet)
    );
    // Counted in characters: 22 characters that are not all ASCII are an alphabet problem.
    assert_eq!(
        BadgeToken::parse(&"é".repeat(TOKEN_LEN)),
        Err(BadgeTokenError::Alphabet)
    );
    assert_eq!(
        BadgeToken::parse(&format!("https://h/b/{T}")),
        Err(BadgeTokenError::Length(34))
    );
}

#[test]
fn logs_and_errors_never_show_a_whole_token() {
    let t = any_host().parse(T).expect("token");
    assert_eq!(format!("{t:?}"), "BadgeToken(AbCd…)");
    assert_eq!(
        t.to_string(),
        T,
        "Display is the token, for sending and printing"
    );
    let refused = [
        format!("https://user@host/b/{T}"),
        format!("https://host/b/{T}?x"),
        format!("{T}x"),
        format!("{T}\0"),
    ];
    for text in refused {
        let e = any_host().parse(&text).expect_err("refused");
        assert!(!e.to_string().contains(T), "{e}");
        assert!(!format!("{e:?}").contains(T), "{e:?}");
    }
}

#[test]
fn tokens_from_bytes_are_url_safe_base64() {
    // RFC 4648 base64url without padding, as the server's tokens have always been written.
    assert_eq!(
        BadgeToken::from_bytes([0; 16]).as_str(),
        "AAAAAAAAAAAAAAAAAAAAAA"
    );
    assert_eq!(
        BadgeToken::from_bytes([0xff; 16]).as_str(),
        "_____________________w"
    );
    let counting: [u8; 16] = std::array::from_fn(|i| i as u8);
    assert_eq!(
        BadgeToken::from_bytes(counting).as_str(),
        "AAECAwQFBgcICQoLDA0ODw"
    );
    let mut high = [0u8; 16];
    high[0] = 0xfb;
    high[1] = 0xff;
    assert_eq!(
        BadgeToken::from_bytes(high).as_str(),
        "-_8AAAAAAAAAAAAAAAAAAA"
    );
}

/// The 16 bytes a token was made from (the inverse of `from_bytes`).
fn token_bytes(token: &str) -> [u8; 16] {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let values: Vec<u128> = token
        .bytes()
        .map(|c| alphabet.iter().position(|&a| a == c).expect("alphabet") as u128)
        .collect();
    let (last, first) = values.split_last().expect("not empty");
    // 21 characters carry 126 bits; the 22nd carries the last 2 bits and 4 zero bits.
    assert_eq!(last & 0xf, 0, "padding bits are zero");
    let bits = first.iter().fold(0u128, |acc, v| (acc << 6) | v);
    ((bits << 2) | (last >> 4)).to_be_bytes()
}

/// Any text, with a bias towards texts that look almost like badges.
fn qr_text() -> impl Strategy<Value = String> {
    let token_like = "[A-Za-z0-9_-]{22}|[A-Za-z0-9_+/=%-]{0,24}";
    prop_oneof![
        any::<String>(),
        "\\PC{0,40}",
        token_like,
        (
            "(https?|HTTPS|ftp|javascript):(//)?",
            "[A-Za-z0-9.:\\[\\]@%?#_ -]{0,20}",
            "/(b|B|badge|)/?",
            token_like,
            "([/?#][a-z]{0,3})?",
        )
            .prop_map(|(s, h, p, t, q)| format!("{s}{h}{p}{t}{q}")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_text_is_a_well_formed_token_or_refused(text in qr_text()) {
        for policy in [any_host(), PayloadPolicy::hosts(["caliber.plant.local"])] {
            if let Ok(token) = policy.parse(&text) {
                let t = token.as_str();
                prop_assert_eq!(t.len(), TOKEN_LEN);
                prop_assert!(t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
                // The token is the whole text or the end of a badge URL, never made up.
                prop_assert!(text == t || text.ends_with(&format!("/b/{t}")), "{text:?}");
            }
        }
    }

    #[test]
    fn a_generated_token_reads_back_bare_and_in_its_url(
        bytes in any::<[u8; 16]>(),
        host in "[a-z0-9][a-z0-9.-]{0,30}(:[0-9]{1,5})?",
        https in any::<bool>(),
    ) {
        let t = BadgeToken::from_bytes(bytes);
        prop_assert_eq!(t.as_str().len(), TOKEN_LEN);
        prop_assert_eq!(token_bytes(t.as_str()), bytes);
        prop_assert_eq!(BadgeToken::parse(t.as_str()), Ok(t.clone()));
        prop_assert_eq!(any_host().parse(t.as_str()), Ok(t.clone()));
        let scheme = if https { "https" } else { "http" };
        let url = format!("{scheme}://{host}/b/{t}");
        prop_assert_eq!(any_host().parse(&url), Ok(t.clone()));
        prop_assert_eq!(PayloadPolicy::hosts([host.to_uppercase()]).parse(&url), Ok(t));
    }
}
