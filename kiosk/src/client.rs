//! Asking the server: `POST /api/v1/scans` with the station key, with a timeout. Every failure
//! becomes an AMBER outcome with a reason a person can act on — never GREEN.

use std::time::Duration;

use serde::Deserialize;

use crate::screen::ScreenState;

/// One line of the server's verdict.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Reason {
    /// Machine-readable kind (`skill`, `unknown_badge`, …).
    pub code: String,
    /// What the operator reads.
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
    pub employee_name: Option<String>,
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
    Failed {
        /// Whether the server was reachable at all (for the health dot).
        reachable: bool,
        /// What to show.
        reason: String,
    },
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
            Outcome::Failed { .. } => ScreenState::Amber,
        }
    }
}

/// A client for one server and station key.
#[derive(Debug, Clone)]
pub struct ScanClient {
    agent: ureq::Agent,
    base: String,
    key: String,
}

impl ScanClient {
    /// A client with a per-request timeout.
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
        }
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
                return Outcome::Failed {
                    reachable: false,
                    reason: format!("Server unreachable ({})", short(&e.to_string())),
                };
            }
        };
        let status = resp.status().as_u16();
        match status {
            200 => match resp.body_mut().read_json::<ScanVerdict>() {
                Ok(v) => Outcome::Judged(v),
                Err(_) => Outcome::Failed {
                    reachable: true,
                    reason: "Unreadable answer from the server".into(),
                },
            },
            401 => Outcome::Failed {
                reachable: true,
                reason: "Station key rejected: ask IT".into(),
            },
            422 => Outcome::Failed {
                reachable: true,
                reason: "Not a Caliber badge".into(),
            },
            s => Outcome::Failed {
                reachable: true,
                reason: format!("Server error {s}"),
            },
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

fn short(s: &str) -> String {
    s.chars().take(60).collect()
}
