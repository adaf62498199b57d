//! HTTPS for the box: the certificate the plant's IT gives it (`tls_cert` and `tls_key`,
//! PEM files), or one the box makes for itself on first start (`tls_self_signed = true`),
//! kept in the data directory and shown by its SHA-256 fingerprint so a supervisor can check
//! the browser's warning against the console.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use sha2::{Digest, Sha256};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Folder under the data directory where a self-signed certificate is kept.
pub const SELF_SIGNED_DIR: &str = "tls";
/// Its certificate (PEM), readable by anyone: it is public.
pub const SELF_SIGNED_CERT: &str = "cert.pem";
/// Its private key (PEM), mode 0600.
pub const SELF_SIGNED_KEY: &str = "key.pem";

/// Where the server's certificate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsSource {
    /// PEM files supplied by IT.
    Files {
        /// The certificate chain, leaf first.
        cert: PathBuf,
        /// The private key.
        key: PathBuf,
    },
    /// Made by the box on first start, kept under `DATA_DIR/tls/`, with these host names
    /// (besides `localhost`) in it.
    SelfSigned {
        /// Host names and addresses the certificate names.
        names: Vec<String>,
    },
}

/// A loaded certificate ready to serve, and its fingerprint for people to compare.
pub struct Tls {
    /// Does the handshakes.
    pub acceptor: TlsAcceptor,
    /// SHA-256 of the leaf certificate (DER), lowercase hex pairs joined by `:`.
    pub fingerprint: String,
}

/// Load (or, for a self-signed certificate, make on first start) the certificate.
pub fn load(source: &TlsSource, data_dir: &Path) -> anyhow::Result<Tls> {
    let (cert, key) = match source {
        TlsSource::Files { cert, key } => (cert.clone(), key.clone()),
        TlsSource::SelfSigned { names } => self_signed(data_dir, names)?,
    };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&cert)
        .with_context(|| format!("cannot read the certificate {}", cert.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("{} is not a PEM certificate", cert.display()))?;
    let leaf = chain
        .first()
        .with_context(|| format!("{} holds no certificate", cert.display()))?;
    let fingerprint = fingerprint(leaf);
    let private = PrivateKeyDer::from_pem_file(&key)
        .with_context(|| format!("cannot read a PEM private key from {}", key.display()))?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .context("TLS protocol versions")?
    .with_no_client_auth()
    .with_single_cert(chain, private)
    .with_context(|| {
        format!(
            "the key {} does not fit the certificate {}",
            key.display(),
            cert.display()
        )
    })?;
    Ok(Tls {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        fingerprint,
    })
}

/// SHA-256 of a certificate, as browsers show it (`ab:cd:…`).
pub fn fingerprint(cert: &CertificateDer<'_>) -> String {
    Sha256::digest(cert.as_ref())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The self-signed certificate's files, made now when they do not exist yet.
fn self_signed(data_dir: &Path, names: &[String]) -> anyhow::Result<(PathBuf, PathBuf)> {
    let dir = data_dir.join(SELF_SIGNED_DIR);
    let (cert, key) = (dir.join(SELF_SIGNED_CERT), dir.join(SELF_SIGNED_KEY));
    if cert.exists() && key.exists() {
        return Ok((cert, key));
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut all = vec!["localhost".to_owned()];
    all.extend(names.iter().filter(|n| !n.is_empty()).cloned());
    all.dedup();
    let made = rcgen::generate_simple_self_signed(all).context("cannot make a certificate")?;
    write_new(&key, made.signing_key.serialize_pem().as_bytes(), 0o600)?;
    write_new(&cert, made.cert.pem().as_bytes(), 0o644)?;
    tracing::info!(cert = %cert.display(), "made a self-signed TLS certificate");
    Ok((cert, key))
}

/// Write a file durably under a temporary name, then put it in place.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = path.with_extension("tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&tmp)
        .with_context(|| format!("cannot create {}", tmp.display()))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot save {}", path.display()))
}
