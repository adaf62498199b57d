//! Asking the server: `POST /api/v1/scans` with the station key, with a timeout. Every failure
//! becomes an AMBER outcome with a reason a person can act on — never GREEN. An `https://`
//! server is accepted only with a pinned certificate ([`crate::pin`]).

use std::time::Duration;

use serde::Deserialize;

use crate::pin::{Fingerprint, PinMismatch, PinnedTls};
use crate::screen::ScreenState;

/// One line of the server's verdict: a code with its parameters, which the kiosk turns into
/// words in the screen's language, and the server's English `message` for servers too old to
/// send the parameters. Every field but `code` may be missing.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Reason {
    /// Machine-readable kind (`skill`, `expiring_soon`, `retraining_due`, `unknown_badge`,
    /// `badge_replaced`, `on_leave`, `terminated`).
    pub code: String,
    /// The skill's status for skill reasons (`MISSING`, `EXPIRED`, `OUTDATED`,
    /// `INSUFFICIENT_LEVEL`, `RETRAINING_DUE`, `EXPIRING_SOON`).
    #[serde(default)]
    pub status: Option<String>,
    /// The skill's name for skill reasons.
    #[serde(default)]
    pub skill_name: Option<String>,
    /// The expiry, an RFC 3339 timestamp, when the reason has one.
    #[serde(default)]
    pub date: Option<String>,
    /// The server's English sentence.
    #[serde(default)]
    pub message: String,
}

/// The server's verdict as the kiosk needs it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ScanVerdict {
    /// `green`, `red` or `amber`.
    pub verdict: String,
    /// The station's name as the server knows it.
    #[serde(default)]
    pub station: Option<String>,
    /// The employee's name, when known.
    #[serde(default)]
    pub employee_name: Option<String>,
    /// The employee's preferred language (`es`, `pl-PL`, …) when the server knows it; the
    /// verdict is then drawn in it.
    #[serde(default)]
    pub employee_language: Option<String>,
    /// Why not green.
    #[serde(default)]
    pub reasons: Vec<Reason>,
    /// Skills expiring soon.
    #[serde(default)]
    pub warnings: Vec<Reason>,
}

/// What asking produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The server judged the badge.
    Judged(ScanVerdict),
    /// The server could not be asked or gave no usable answer.
    Failed(Failure),
}

/// Why asking the server gave no verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No connection (the system's words for why, in English, for maintenance).
    Unreachable(String),
    /// A 200 whose body is not a verdict.
    UnreadableAnswer,
    /// 401: the station key was refused.
    KeyRejected,
    /// 422: the server says the payload is not a badge.
    NotCaliberBadge,
    /// Any other HTTP status.
    ServerError(u16),
    /// The server's TLS certificate is not the pinned one (its fingerprint).
    CertificateMismatch(Fingerprint),
}

impl Failure {
    /// Whether the server was reachable at all (for the health dot). A server with another
    /// certificate is not the trusted server: not reachable.
    pub fn reachable(&self) -> bool {
        !matches!(
            self,
            Failure::Unreachable(_) | Failure::CertificateMismatch(_)
        )
    }
}

impl Outcome {
    /// The screen state this outcome leads to (fail closed: anything unclear is amber).
    pub fn state(&self) -> ScreenState {
        match self {
            Outcome::Judged(v) => match v.verdict.as_str() {
                "green" => ScreenState::Green,
                "red" => ScreenState::Red,
                _ => ScreenState::Amber,
            },
            Outcome::Failed(_) => ScreenState::Amber,
        }
    }
}

/// A client for one server and station key.
#[derive(Debug, Clone)]
pub struct ScanClient {
    agent: ureq::Agent,
    base: String,
    key: String,
    pins: Vec<Fingerprint>,
}

impl ScanClient {
    /// A client with a per-request timeout for an `http://` server (it trusts no
    /// certificate: an `https://` server needs [`ScanClient::pinned`]).
    pub fn new(server: &str, key: &str, timeout: Duration) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .build()
            .into();
        ScanClient {
            agent,
            base: server.trim_end_matches('/').to_owned(),
            key: key.to_owned(),
            pins: Vec::new(),
        }
    }

    /// A client that accepts an `https://` server only if its certificate has one of `pins`
    /// as its SHA-256 fingerprint.
    pub fn pinned(
        server: &str,
        key: &str,
        timeout: Duration,
        pins: &[Fingerprint],
    ) -> Result<Self, rustls::Error> {
        use ureq::unversioned::resolver::DefaultResolver;
        use ureq::unversioned::transport::{Connector, TcpConnector};
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .build();
        let connector = ().chain(TcpConnector::default()).chain(PinnedTls::new(pins)?);
        Ok(ScanClient {
            agent: ureq::Agent::with_parts(config, connector, DefaultResolver::default()),
            base: server.trim_end_matches('/').to_owned(),
            key: key.to_owned(),
            pins: pins.to_vec(),
        })
    }

    /// The certificate this client trusts (the first pin), to show on the idle screen.
    pub fn pinned_certificate(&self) -> Option<&Fingerprint> {
        self.pins.first()
    }

    /// Report a badge payload and get the verdict.
    pub fn scan(&self, payload: &str) -> Outcome {
        let url = format!("{}/api/v1/scans", self.base);
        let resp = self
            .agent
            .post(&url)
            .header("authorization", &format!("Bearer {}", self.key))
            .send_json(serde_json::json!({ "payload": payload }));
        let mut resp = match resp {
            Ok(r) => r,
            Err(e) => {
                return Outcome::Failed(match mismatch(&e) {
                    Some(m) => Failure::CertificateMismatch(m.seen),
                    None => Failure::Unreachable(short(&e.to_string())),
                });
            }
        };
        let status = resp.status().as_u16();
        match status {
            200 => match resp.body_mut().read_json::<ScanVerdict>() {
                Ok(v) => Outcome::Judged(v),
                Err(_) => Outcome::Failed(Failure::UnreadableAnswer),
            },
            401 => Outcome::Failed(Failure::KeyRejected),
            422 => Outcome::Failed(Failure::NotCaliberBadge),
            s => Outcome::Failed(Failure::ServerError(s)),
        }
    }

    /// Send the screen shown now to the server's kiosk mirror; whether it was accepted.
    pub fn put_mirror(&self, png: &[u8]) -> bool {
        self.agent
            .put(&format!("{}/api/v1/station/mirror", self.base))
            .header("authorization", &format!("Bearer {}", self.key))
            .header("content-type", "image/png")
            .send(png)
            .is_ok_and(|r| r.status().is_success())
    }

    /// Whether the server answers `/healthz`.
    pub fn healthy(&self) -> bool {
        self.agent
            .get(&format!("{}/healthz", self.base))
            .call()
            .is_ok_and(|r| r.status().is_success())
    }
}

/// The pin mismatch behind a failed request, if that is why it failed.
fn mismatch(e: &ureq::Error) -> Option<PinMismatch> {
    match e {
        ureq::Error::Other(inner) => crate::pin::mismatch_in(inner.as_ref()),
        other => crate::pin::mismatch_in(other),
    }
}

fn short(s: &str) -> String {
    s.chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_reasons_with_and_without_their_parameters() {
        let new: ScanVerdict = serde_json::from_value(serde_json::json!({
            "verdict": "red", "station": "Prensa 4", "employee_name": "José Peña",
            "employee_language": "es",
            "reasons": [{"code": "skill", "skill_id": "00000000-0000-0000-0000-000000000001",
                "status": "EXPIRED", "skill_name": "Carretilla elevadora",
                "date": "2026-11-03T12:00:00Z", "message": "Carretilla elevadora — expired 3 Nov 2026"}],
            "warnings": []
        }))
        .expect("a verdict with parameters");
        assert_eq!(
            new.reasons[0].skill_name.as_deref(),
            Some("Carretilla elevadora")
        );
        assert_eq!(new.employee_language.as_deref(), Some("es"));
        // An older server: no skill_name, no language, no warnings.
        let old: ScanVerdict = serde_json::from_value(serde_json::json!({
            "verdict": "red", "employee_name": "Aisha Bello",
            "reasons": [{"code": "skill", "status": "EXPIRED", "date": null,
                "message": "Injection Molding — expired 3 Nov 2026"}]
        }))
        .expect("a verdict without parameters");
        assert_eq!(old.reasons[0].skill_name, None);
        assert_eq!(old.employee_language, None);
        assert!(old.warnings.is_empty());
    }
}
