//! Debian's headless Chromium driven through chromedriver, for the browser tests: start the
//! driver, open a session, wait for a page, and save screenshots (into `docs/screens/` with
//! `CALIBER_UPDATE_SCREENS=1`, else into a temporary folder so a test run leaves the tree
//! clean).

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::ClientBuilder;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A running chromedriver; stopped when dropped.
pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start chromedriver on a free port; returns it and its URL.
pub fn start_driver() -> (Driver, String) {
    assert!(
        Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists(),
        "browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run does)"
    );
    let port = super::free_port();
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

/// A headless browser session at 1366×900 with its own profile in `profile`, `extra` added to
/// Chromium's arguments and `prefs` (e.g. the accepted languages) to its preferences.
pub async fn session(
    webdriver: &str,
    profile: &Path,
    extra: &[&str],
    prefs: Option<serde_json::Value>,
) -> fantoccini::Client {
    let mut args: Vec<String> = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1366,900",
    ]
    .iter()
    .chain(extra)
    .map(|a| (*a).to_owned())
    .collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let mut options = serde_json::json!({ "binary": CHROMIUM, "args": args });
    if let Some(p) = prefs {
        options["prefs"] = p;
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(webdriver)
        .await
        .expect("browser session")
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

/// Save what the browser shows now as `name` in [`screens`].
pub async fn shot(c: &fantoccini::Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(screens().join(name), png).expect("save screenshot");
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
