//! The plant's SMTP relay, through `lettre`: one connection per delivery run, STARTTLS,
//! implicit TLS or plain, optional login. Refusals the relay means for good (5xx) are told
//! apart from trouble worth retrying (no connection, 4xx, timeouts).

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::SmtpTransport;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Address, Transport};

use crate::domain::DigestMessage;

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelaySecurity {
    /// Plain connection upgraded with STARTTLS, which the relay must offer (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption (a relay on the plant LAN that offers none; port 25).
    None,
}

impl RelaySecurity {
    /// Parse the configuration word: `starttls`, `tls` or `none`.
    pub fn parse(s: &str) -> Option<RelaySecurity> {
        match s {
            "starttls" => Some(RelaySecurity::StartTls),
            "tls" => Some(RelaySecurity::Tls),
            "none" => Some(RelaySecurity::None),
            _ => None,
        }
    }

    /// The usual port for this kind of connection.
    pub fn default_port(self) -> u16 {
        match self {
            RelaySecurity::StartTls => 587,
            RelaySecurity::Tls => 465,
            RelaySecurity::None => 25,
        }
    }
}

/// A password that never appears in logs or debug output.
#[derive(Clone)]
pub struct RelayPassword(String);

impl RelayPassword {
    /// Wrap a password read from a file or the environment.
    pub fn new(secret: String) -> RelayPassword {
        RelayPassword(secret)
    }
}

impl std::fmt::Debug for RelayPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RelayPassword(***)")
    }
}

/// Where and how to reach the relay.
#[derive(Debug, Clone)]
pub struct RelaySettings {
    /// Host name (checked against the relay's certificate with TLS).
    pub host: String,
    /// Port.
    pub port: u16,
    /// Connection protection.
    pub security: RelaySecurity,
    /// Login name and password, when the relay wants one.
    pub login: Option<(String, RelayPassword)>,
    /// The sender, e.g. `Caliber <caliber@plant.example>`.
    pub from: Mailbox,
    /// How long one connection may take.
    pub timeout: Duration,
}

/// Why the relay did not take a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct RelayError {
    /// The relay refused it for good (5xx): retrying the same message will not help.
    pub permanent: bool,
    /// What happened, as the relay or the connection said it.
    pub reason: String,
}

impl RelaySettings {
    fn transport(&self) -> Result<SmtpTransport, RelayError> {
        let tls = |wrap: bool| {
            TlsParameters::new(self.host.clone())
                .map(|p| {
                    if wrap {
                        Tls::Wrapper(p)
                    } else {
                        Tls::Required(p)
                    }
                })
                .map_err(|e| RelayError {
                    permanent: false,
                    reason: format!("TLS setup for {}: {e}", self.host),
                })
        };
        let tls = match self.security {
            RelaySecurity::StartTls => tls(false)?,
            RelaySecurity::Tls => tls(true)?,
            RelaySecurity::None => Tls::None,
        };
        let mut b = SmtpTransport::builder_dangerous(self.host.as_str())
            .port(self.port)
            .tls(tls)
            .timeout(Some(self.timeout));
        if let Some((user, password)) = &self.login {
            b = b.credentials(Credentials::new(user.clone(), password.0.clone()));
        }
        Ok(b.build())
    }

    /// The e-mail for a queued message. Its `Message-ID` is the message id, so a resent copy
    /// (after a crash between the relay's answer and the store's commit) can be recognised.
    pub fn email(&self, m: &DigestMessage) -> Result<Message, RelayError> {
        let refuse = |reason: String| RelayError {
            permanent: true,
            reason,
        };
        let address: Address =
            m.to.trim()
                .parse()
                .map_err(|e| refuse(format!("'{}' is not an e-mail address ({e})", m.to)))?;
        let name = (!m.to_name.is_empty()).then(|| m.to_name.clone());
        let domain = self.from.email.domain().to_owned();
        Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(name, address))
            .subject(m.subject.clone())
            .message_id(Some(format!("<{}@{domain}>", m.id)))
            .header(ContentType::TEXT_PLAIN)
            .body(m.body.clone())
            .map_err(|e| refuse(format!("cannot build the e-mail: {e}")))
    }

    /// Hand `messages` to the relay over one connection; one answer per message, in order.
    pub fn send_all(&self, messages: &[DigestMessage]) -> Vec<Result<String, RelayError>> {
        let transport = match self.transport() {
            Ok(t) => t,
            Err(e) => return messages.iter().map(|_| Err(e.clone())).collect(),
        };
        messages
            .iter()
            .map(|m| {
                let email = self.email(m)?;
                match transport.send(&email) {
                    Ok(response) => Ok(response.message().collect::<Vec<_>>().join(" ")),
                    Err(e) => Err(RelayError {
                        permanent: e.is_permanent(),
                        reason: format!("relay {}:{}: {e}", self.host, self.port),
                    }),
                }
            })
            .collect()
    }
}
