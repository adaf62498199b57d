//! The served socket as a client meets it: HTTPS by the box itself (a self-signed certificate
//! made on first start, kept and shown by its fingerprint, or IT's own PEM files), `Secure`
//! session cookies over it, a clear refusal of a half-configured or unreadable certificate,
//! and slow or idle clients cut off at the header deadline.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls::{self, pki_types::CertificateDer, pki_types::ServerName};

/// `caliber serve` with `toml` as its configuration (see [`common::serve_process`]).
fn serve(dir: &Path, toml: &str) -> (Child, String, u16) {
    common::serve_process(dir, toml)
}

/// `GET path` over HTTPS trusting only `root`; returns the raw response.
fn https_get(port: u16, root: &CertificateDer<'static>, path: &str) -> std::io::Result<String> {
    https(
        port,
        root,
        &format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
    )
}

/// One raw HTTP/1.1 request over HTTPS trusting only `root`; returns the raw response.
fn https(port: u16, root: &CertificateDer<'static>, request: &str) -> std::io::Result<String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(root.clone()).map_err(std::io::Error::other)?;
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(std::io::Error::other)?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
        let name = ServerName::try_from("localhost").map_err(std::io::Error::other)?;
        let mut tls = tokio_rustls::TlsConnector::from(Arc::new(config))
            .connect(name, tcp)
            .await?;
        tls.write_all(request.as_bytes()).await?;
        let mut out = Vec::new();
        let _ = tls.read_to_end(&mut out).await;
        Ok(String::from_utf8_lossy(&out).into_owned())
    })
}

fn pem_cert(path: &Path) -> CertificateDer<'static> {
    use rustls::pki_types::pem::PemObject;
    CertificateDer::from_pem_file(path).expect("certificate")
}

#[test]
fn a_self_signed_certificate_is_made_once_kept_and_shown_by_its_fingerprint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut child, line, port) = serve(dir.path(), "tls_self_signed = true\n");
    let cert_path = dir.path().join("data/tls/cert.pem");
    let cert = pem_cert(&cert_path);
    let fingerprint = caliber::cli::tls::fingerprint(&cert);
    assert!(line.contains("https://"), "{line}");
    assert!(line.contains(&fingerprint), "{line}");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("data/tls/key.pem"))
            .expect("key")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let health = https_get(port, &cert, "/healthz").expect("https");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    // Plain HTTP to the HTTPS port gets no page.
    let plain = ureq::get(&format!("http://127.0.0.1:{port}/healthz")).call();
    assert!(plain.is_err(), "plain HTTP answered on the HTTPS port");
    let _ = child.kill();
    let _ = child.wait();

    // The second start keeps the certificate (browsers that trusted it keep trusting it).
    let (mut child, line, port) = serve(dir.path(), "tls_self_signed = true\n");
    assert!(line.contains(&fingerprint), "{line}");
    assert!(
        https_get(port, &cert, "/healthz")
            .expect("https")
            .starts_with("HTTP/1.1 200")
    );
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn it_certificate_files_are_served_and_logins_get_secure_cookies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("cert");
    std::fs::write(dir.path().join("it.pem"), made.cert.pem()).expect("cert");
    std::fs::write(dir.path().join("it.key"), made.signing_key.serialize_pem()).expect("key");
    let toml = format!(
        "tls_cert = {:?}\ntls_key = {:?}\n",
        dir.path().join("it.pem"),
        dir.path().join("it.key")
    );
    let added = Command::new(env!("CARGO_BIN_EXE_caliber"))
        .env("CALIBER_CONFIG", "/dev/null")
        .args(["user", "add", "--data-dir"])
        .arg(dir.path().join("data"))
        .args(["--email", "qe@plant.example", "--role", "auditor"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin
                .take()
                .expect("stdin")
                .write_all(b"quality-engineer-1\n")?;
            c.wait()
        })
        .expect("user add");
    assert!(added.success());
    let (mut child, line, port) = serve(dir.path(), &toml);
    assert!(line.contains("https://"), "{line}");
    let cert = made.cert.der().clone();
    let form = https_get(port, &cert, "/login").expect("https");
    assert!(form.starts_with("HTTP/1.1 200"), "{form}");
    let cookie = form
        .split("set-cookie: ")
        .nth(1)
        .and_then(|c| c.split(';').next())
        .expect("login cookie");
    let token = form
        .split("name=\"login_csrf\" value=\"")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .expect("login token");
    let body = format!("login_csrf={token}&email=qe%40plant.example&password=quality-engineer-1");
    let logged_in = https(
        port,
        &cert,
        &format!(
            "POST /login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nCookie: {cookie}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
    .expect("login");
    let session = logged_in
        .lines()
        .find(|l| {
            l.to_ascii_lowercase()
                .starts_with("set-cookie: caliber_session=")
        })
        .unwrap_or_else(|| panic!("a session cookie: {logged_in}"));
    assert!(session.contains("Secure"), "{session}");
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        !dir.path().join("data/tls").exists(),
        "no self-signed certificate made when IT's files are given"
    );
}

#[test]
fn a_half_configured_or_unreadable_certificate_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |toml: &str| {
        let cfg = dir.path().join("caliber.toml");
        std::fs::write(&cfg, toml).expect("config");
        let o = Command::new(env!("CARGO_BIN_EXE_caliber"))
            .arg("--config")
            .arg(&cfg)
            .args(["serve", "--data-dir"])
            .arg(dir.path().join("data"))
            .args(["--listen", &format!("127.0.0.1:{}", common::free_port())])
            .arg("--runtime-dir")
            .arg(dir.path())
            .output()
            .expect("run");
        (
            o.status.code(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
        )
    };
    let (code, out) = run("tls_cert = \"/nonexistent/cert.pem\"\n");
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("tls_cert and tls_key go together"), "{out}");
    let (code, out) =
        run("tls_cert = \"/nonexistent/cert.pem\"\ntls_key = \"/nonexistent/key.pem\"\n");
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("/nonexistent/cert.pem"), "{out}");
    std::fs::write(dir.path().join("junk.pem"), "not a certificate").expect("junk");
    let (code, out) = run(&format!(
        "tls_cert = {:?}\ntls_key = {:?}\n",
        dir.path().join("junk.pem"),
        dir.path().join("junk.pem")
    ));
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("junk.pem"), "{out}");
}

/// Reads from `stream` until the server closes it; returns what was read and how long it
/// took. Fails if the server keeps the connection open for `limit`.
fn read_until_closed(
    stream: &mut std::net::TcpStream,
    limit: std::time::Duration,
) -> (String, std::time::Duration) {
    use std::io::Read;
    let start = std::time::Instant::now();
    stream.set_read_timeout(Some(limit)).expect("timeout");
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!(
                "the server still held the connection after {:?}: {e}",
                start.elapsed()
            ),
        }
        assert!(start.elapsed() < limit, "the server held the connection");
    }
    (String::from_utf8_lossy(&got).into_owned(), start.elapsed())
}

/// A client that starts a request and never finishes its headers, or keeps a connection
/// open without asking anything more, is cut off after the header deadline (10 s) instead
/// of holding one of the box's connections for ever; others are served meanwhile.
#[test]
fn slow_and_idle_clients_are_cut_off() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut child, line, port) = serve(dir.path(), "");
    assert!(line.contains("http://"), "{line}");
    let limit = std::time::Duration::from_secs(30);

    let mut slow = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        .expect("half a request");
    let mut idle = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .expect("request");

    let mut other = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    other
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .expect("request");
    let (answer, _) = read_until_closed(&mut other, limit);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    let (nothing, waited) = read_until_closed(&mut slow, limit);
    assert!(
        !nothing.starts_with("HTTP/1.1 200"),
        "half a request is not answered: {nothing}"
    );
    assert!(waited >= std::time::Duration::from_secs(5), "{waited:?}");
    let (answered, _) = read_until_closed(&mut idle, limit);
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
    let _ = child.kill();
    let _ = child.wait();
}
