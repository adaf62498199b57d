//! HTTPS to the box with its certificate pinned. The server makes itself a self-signed
//! certificate (or serves IT's) and prints its SHA-256 fingerprint when it starts; the kiosk
//! is configured with that fingerprint (`server_fingerprint`) and accepts the server only if
//! the certificate it presents has it. No certificate authority, host name or expiry is
//! consulted: the fingerprint is the whole trust, as it is for the person who compared it on
//! the console. The handshake's signatures are still checked against the certificate's key,
//! so a machine that copies the public certificate without its key is refused too.
//!
//! The TLS layer is a connector in ureq's transport chain (`ureq::unversioned`, rustls with
//! ring), so the scan client keeps its one agent, timeouts and connection reuse.

use std::fmt;
use std::io::{Read, Write};
use std::str::FromStr;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme, StreamOwned};
use sha2::{Digest, Sha256};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
    TransportAdapter,
};

/// The SHA-256 of a certificate (DER), as `caliber serve` prints it: `ab:cd:…`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

/// A configured fingerprint that is not 32 bytes of hex.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not a SHA-256 certificate fingerprint (64 hex digits, as `caliber serve` prints it: ab:cd:…)"
)]
pub struct BadFingerprint(pub String);

impl Fingerprint {
    /// The fingerprint of a certificate.
    pub fn of(cert: &[u8]) -> Self {
        Fingerprint(Sha256::digest(cert).into())
    }

    /// In four groups of eight bytes separated by spaces, so a screen can wrap it between
    /// groups and a person can compare it group by group with the console.
    pub fn grouped(&self) -> String {
        self.0
            .chunks(8)
            .map(|c| {
                c.iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<Vec<_>>()
                    .join(":")
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex: Vec<String> = self.0.iter().map(|b| format!("{b:02x}")).collect();
        f.write_str(&hex.join(":"))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

impl FromStr for Fingerprint {
    type Err = BadFingerprint;

    /// 64 hex digits in any case, with or without `:`, spaces or a `SHA256:`/`sha256=` label.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadFingerprint(s.to_owned());
        let t = s.trim();
        let t = t
            .strip_prefix("SHA256:")
            .or_else(|| t.strip_prefix("sha256:"))
            .or_else(|| t.strip_prefix("SHA256="))
            .or_else(|| t.strip_prefix("sha256="))
            .unwrap_or(t);
        let digits: Vec<u8> = t
            .chars()
            .filter(|c| !matches!(c, ':' | ' ' | '-'))
            .map(|c| {
                c.to_digit(16)
                    .and_then(|d| u8::try_from(d).ok())
                    .ok_or_else(bad)
            })
            .collect::<Result<_, _>>()?;
        if digits.len() != 64 {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        for (i, pair) in digits.chunks(2).enumerate() {
            out[i] = pair[0] << 4 | pair[1];
        }
        Ok(Fingerprint(out))
    }
}

impl<'de> serde::Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The server presented a certificate none of the pins names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the server's certificate {seen} is not the one this kiosk trusts")]
pub struct PinMismatch {
    /// The fingerprint of what the server presented.
    pub seen: Fingerprint,
}

/// Accepts exactly the certificates whose fingerprints are pinned.
#[derive(Debug)]
struct PinVerifier {
    pins: Vec<Fingerprint>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen = Fingerprint::of(end_entity.as_ref());
        if self.pins.contains(&seen) {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::Other(rustls::OtherError(Arc::new(PinMismatch { seen }))),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The TLS step of the kiosk's connector chain: wraps the TCP connection of an `https://`
/// request in TLS that accepts only the pinned certificates.
#[derive(Debug)]
pub struct PinnedTls {
    config: Arc<ClientConfig>,
}

impl PinnedTls {
    /// TLS that trusts exactly `pins`.
    pub fn new(pins: &[Fingerprint]) -> Result<Self, rustls::Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = Arc::new(PinVerifier {
            pins: pins.to_vec(),
            provider: provider.clone(),
        });
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        Ok(PinnedTls {
            config: Arc::new(config),
        })
    }
}

/// The pin mismatch inside a failed handshake's error, if that is why it failed.
pub fn mismatch_in(e: &(dyn std::error::Error + 'static)) -> Option<PinMismatch> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(m) = err.downcast_ref::<PinMismatch>() {
            return Some(m.clone());
        }
        if let Some(rustls::Error::InvalidCertificate(rustls::CertificateError::Other(o))) =
            err.downcast_ref::<rustls::Error>()
        {
            let inner: &(dyn std::error::Error + 'static) = o.0.as_ref();
            if let Some(m) = inner.downcast_ref::<PinMismatch>() {
                return Some(m.clone());
            }
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
        {
            let inner: &(dyn std::error::Error + 'static) = inner;
            if let Some(m) = mismatch_in(inner) {
                return Some(m);
            }
        }
        cur = err.source();
    }
    None
}

impl<In: Transport> Connector<In> for PinnedTls {
    type Out = Either<In, PinnedTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details
            .uri
            .host()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let name = ServerName::try_from(host)
            .map_err(|_| ureq::Error::BadUri(format!("no host name in {}", details.uri)))?;
        let mut conn = ClientConnection::new(self.config.clone(), name)
            .map_err(|e| ureq::Error::Other(Box::new(e)))?;
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        sock.set_timeout(details.timeout);
        if let Err(e) = conn.complete_io(&mut sock) {
            return Err(match mismatch_in(&e) {
                Some(m) => ureq::Error::Other(Box::new(m)),
                None => ureq::Error::Io(e),
            });
        }
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        Ok(Some(Either::B(PinnedTransport {
            buffers,
            stream: StreamOwned::new(conn, sock),
        })))
    }
}

/// A TLS connection to the pinned server.
pub struct PinnedTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl fmt::Debug for PinnedTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PinnedTransport").finish_non_exhaustive()
    }
}

impl Transport for PinnedTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_read_as_the_server_prints_them_and_in_other_spellings() {
        let f = Fingerprint::of(b"a certificate");
        let printed = f.to_string();
        assert_eq!(printed.len(), 95, "{printed}");
        assert_eq!(printed.parse::<Fingerprint>(), Ok(f));
        assert_eq!(printed.to_uppercase().parse::<Fingerprint>(), Ok(f));
        assert_eq!(printed.replace(':', "").parse::<Fingerprint>(), Ok(f));
        assert_eq!(format!("SHA256:{printed}").parse::<Fingerprint>(), Ok(f));
        assert_eq!(f.grouped().replace(' ', ":"), printed);
        assert_eq!(f.grouped().split(' ').count(), 4);
        for bad in [
            "",
            "ab:cd",
            &printed[..93],
            &format!("{printed}:00"),
            &printed.replace('a', "g"),
        ] {
            assert!(bad.parse::<Fingerprint>().is_err(), "{bad}");
        }
    }
}
