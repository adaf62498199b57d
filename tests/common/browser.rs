//! Headless Debian Chromium for the browser tests, through chromedriver, and where their
//! screenshots go.

#![allow(dead_code)]

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The browser.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Its WebDriver.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A running chromedriver, stopped when dropped.
pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// Start chromedriver on a free port: it and its URL.
pub fn start_driver() -> (Driver, String) {
    assert!(
        Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists(),
        "browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run does)"
    );
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    (Driver(child), format!("http://127.0.0.1:{port}"))
}

/// Where screenshots go: `docs/screens/` when `CALIBER_UPDATE_SCREENS=1` (to refresh the
/// committed pictures), otherwise a temporary folder, so a test run leaves the tree clean.
pub fn screens() -> PathBuf {
    static TEMP: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let d = if std::env::var_os("CALIBER_UPDATE_SCREENS").is_some_and(|v| v == "1") {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screens")
    } else {
        TEMP.get_or_init(|| tempfile::tempdir().expect("tempdir"))
            .path()
            .to_owned()
    };
    std::fs::create_dir_all(&d).expect("screens folder");
    d
}

/// Wait (up to 10 s) until the page's source contains `text`: clicks navigate asynchronously.
pub async fn wait_for(c: &fantoccini::Client, text: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(src) = c.source().await
            && src.contains(text)
        {
            return src;
        }
        assert!(Instant::now() < deadline, "page never showed {text:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
