//! The whole line station: the real server on demo data, the real `caliber-kiosk` binary
//! reading synthetic badge photos from a folder, a PNG display and logged lamps. Each badge
//! must give the right screen, words and lamps, and the server must record the scan.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use caliber::app::AppState;
use caliber::domain::ScanEvent;
use caliber::store::Store;
use caliber_badge_reader::synthetic::{Category, badge_url, render_badge_frame};
use caliber_kiosk::client::{Failure, Outcome, ScanClient};
use caliber_kiosk::pin::Fingerprint;
use serde_json::Value;

fn serve(store: Arc<Store>) -> String {
    caliber::app::spawn_local(AppState::new(store)).expect("start server")
}

/// Write one badge frame then blank frames (the badge taken away) per token.
fn frames(dir: &Path, tokens: &[String]) {
    std::fs::create_dir_all(dir).expect("mkdir");
    let blank = image::GrayImage::from_pixel(640, 480, image::Luma([110]));
    let mut n = 0;
    for (i, t) in tokens.iter().enumerate() {
        let img = render_badge_frame(
            &badge_url("caliber.plant.local", t),
            "BADGE",
            &Category::Clean.distortion(i as u64),
            i as u64,
        );
        img.save(dir.join(format!("{n:04}.png"))).expect("save");
        n += 1;
        for _ in 0..6 {
            blank.save(dir.join(format!("{n:04}.png"))).expect("save");
            n += 1;
        }
    }
}

fn kiosk(server: &str, key: &str, dir: &Path, out: &Path, language: &str) -> std::process::Output {
    kiosk_with(server, key, dir, out, language, &[])
}

/// [`kiosk`] with more flags.
fn kiosk_with(
    server: &str,
    key: &str,
    dir: &Path,
    out: &Path,
    language: &str,
    extra: &[&str],
) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_caliber-kiosk"))
        .args(["--language", language])
        .args(extra)
        // Never the machine's /etc/caliber/kiosk.toml: an empty file gives the defaults.
        .args(["--config", "/dev/null"])
        .args(["--server", server, "--station-key", key, "--frames"])
        .arg(dir.join("frames"))
        .arg("--display")
        .arg(format!("png:{}", out.join("screen.png").display()))
        .args([
            "--size",
            "480x320",
            "--hold-ms",
            "100",
            "--frame-interval-ms",
            "40",
        ])
        .args(["--exit-at-end", "--clock-check", "plausible"])
        .arg("--outputs")
        .arg(format!("log:{}", out.join("outputs.jsonl").display()))
        .arg("--state-log")
        .arg(out.join("state.jsonl"))
        .env("CALIBER_CONFIG", "/nonexistent")
        .output()
        .expect("run caliber-kiosk")
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[test]
fn badges_give_the_right_screens_lamps_and_scan_records() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(&dir.path().join("data")).expect("store"));
    let demo = caliber::seed::seed_demo(&store, jiff::Timestamp::now()).expect("seed");
    let base = serve(store.clone());
    let key = press_4_key(&demo);
    let token = |number: &str| demo_token(&demo, number);
    // Qualified; expiring soon; expired; outdated; unknown badge; terminated.
    let badges = vec![
        token("E1001"),
        token("E1002"),
        token("E1005"),
        token("E2001"),
        "Zz9UnknownBadgeTokenXX".to_owned(),
        token("E2005"),
    ];
    frames(&dir.path().join("frames"), &badges);
    let out = kiosk(&base, &key, dir.path(), dir.path(), "en");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let shown: Vec<Value> = lines(&dir.path().join("state.jsonl"))
        .into_iter()
        .filter(|l| l["screen"]["state"] != "idle")
        .collect();
    let summary: Vec<(String, String, String, String)> = shown
        .iter()
        .map(|l| {
            (
                l["screen"]["state"].as_str().unwrap_or("").to_owned(),
                l["screen"]["title"].as_str().unwrap_or("").to_owned(),
                l["screen"]["name"].as_str().unwrap_or("").to_owned(),
                l["screen"]["lines"].to_string(),
            )
        })
        .collect();
    assert_eq!(summary.len(), 6, "{summary:#?}");
    let expect = [
        (
            "green",
            "QUALIFIED",
            "Maria Gonzalez",
            "Qualified for Press 4",
        ),
        ("green", "QUALIFIED", "James Carter", "First Aid — expires"),
        (
            "red",
            "NOT QUALIFIED",
            "Aisha Bello",
            "Injection Molding — expired",
        ),
        (
            "red",
            "NOT QUALIFIED",
            "Derek Williams",
            "Safety Protocols — new revision needs retraining",
        ),
        ("amber", "BADGE NOT RECOGNISED", "", "Badge not recognised"),
        ("amber", "NOT ACTIVE", "Sofia Rossi", "employee has left"),
    ];
    for (got, want) in summary.iter().zip(expect) {
        assert_eq!(got.0, want.0, "{got:?}");
        assert_eq!(got.1, want.1, "{got:?}");
        assert_eq!(got.2, want.2, "{got:?}");
        assert!(
            got.3.contains(want.3),
            "{got:?} should mention {:?}",
            want.3
        );
    }
    // Lamps and relay: the relay closes only on green, the red lamp on red and amber.
    for l in &shown {
        let green = l["screen"]["state"] == "green";
        assert_eq!(l["signals"]["relay"], green, "{l}");
        assert_eq!(l["signals"]["green"], green, "{l}");
        assert_eq!(l["signals"]["red"], !green, "{l}");
    }
    let outputs = lines(&dir.path().join("outputs.jsonl"));
    assert_eq!(
        outputs.iter().filter(|o| o["relay"] == true).count(),
        2,
        "relay closed for exactly the two green badges"
    );
    assert!(outputs.iter().any(|o| o["beep"] == "ok"));
    assert!(dir.path().join("screen.png").exists());

    // The server recorded every scan with its verdict.
    let scans: Vec<ScanEvent> = store.read().expect("read").list().expect("scans");
    let verdicts: Vec<&str> = scans.iter().map(|s| s.verdict.as_str()).collect();
    assert_eq!(verdicts, ["green", "green", "red", "red", "amber", "amber"]);

    // The kiosk mirror: the server has a PNG of what Press 4 showed.
    let press = store
        .catalog()
        .stations
        .values()
        .find(|s| s.name == "Press 4")
        .map(|s| s.id)
        .expect("station");
    let png = store
        .station_mirror(press)
        .expect("mirror")
        .expect("a screen was sent");
    assert!(png.starts_with(b"\x89PNG"));
}

#[test]
fn server_down_is_amber_and_the_relay_stays_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    frames(
        &dir.path().join("frames"),
        &["AAAAAAAAAAAAAAAAAAAAAA".to_owned()],
    );
    let out = kiosk(
        &format!("http://127.0.0.1:{port}"),
        "stn_x",
        dir.path(),
        dir.path(),
        "en",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown: Vec<Value> = lines(&dir.path().join("state.jsonl"))
        .into_iter()
        .filter(|l| l["screen"]["state"] != "idle")
        .collect();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(shown[0]["screen"]["state"], "amber");
    assert_eq!(shown[0]["screen"]["title"], "CANNOT CHECK");
    assert_eq!(shown[0]["screen"]["health"]["server"], false);
    assert!(
        shown[0]["screen"]["lines"][0]
            .as_str()
            .unwrap_or("")
            .starts_with("Server unreachable")
    );
    let outputs = lines(&dir.path().join("outputs.jsonl"));
    assert!(
        outputs.iter().all(|o| o["relay"] != true),
        "relay must never close"
    );
}

#[test]
fn a_spanish_station_words_the_servers_reason_codes_in_spanish() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(&dir.path().join("data")).expect("store"));
    let demo = caliber::seed::seed_demo(&store, jiff::Timestamp::now()).expect("seed");
    let base = serve(store.clone());
    let key = press_4_key(&demo);
    let token = |number: &str| demo_token(&demo, number);
    // Qualified; expired; terminated.
    let badges = vec![token("E1001"), token("E1005"), token("E2005")];
    frames(&dir.path().join("frames"), &badges);
    let out = kiosk(&base, &key, dir.path(), dir.path(), "es");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let states = lines(&dir.path().join("state.jsonl"));
    assert!(
        states
            .iter()
            .any(|l| l["screen"]["state"] == "idle" && l["screen"]["title"] == "ESCANEE SU TARJETA"),
        "the idle screen is in the station's language"
    );
    let shown: Vec<&Value> = states
        .iter()
        .filter(|l| l["screen"]["state"] != "idle")
        .collect();
    assert_eq!(shown.len(), 3, "{shown:#?}");
    for l in &shown {
        assert_eq!(l["screen"]["language"], "es", "{l}");
    }
    assert_eq!(shown[0]["screen"]["title"], "HABILITADO");
    assert_eq!(shown[0]["screen"]["lines"][0], "Habilitado para Press 4");
    assert_eq!(shown[1]["screen"]["title"], "NO HABILITADO");
    assert_eq!(shown[1]["screen"]["name"], "Aisha Bello");
    // Worded from code, skill_name and date — not the server's English message. Dates hold
    // together with no-break spaces.
    let reasons: Vec<String> = shown[1]["screen"]["lines"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|l| l.as_str().unwrap_or("").replace('\u{a0}', " "))
                .collect()
        })
        .unwrap_or_default();
    let reason = reasons
        .iter()
        .find(|r| r.starts_with("Injection Molding — caducó el "))
        .unwrap_or_else(|| panic!("an expired reason in Spanish: {reasons:?}"));
    let months = [
        "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
    ];
    assert!(
        months.iter().any(|m| reason.contains(&format!(" {m} "))),
        "a Spanish month name in {reason}"
    );
    assert_eq!(shown[2]["screen"]["title"], "NO ACTIVO");
    assert_eq!(
        shown[2]["screen"]["lines"][0],
        "Tarjeta no válida: ya no trabaja en la empresa"
    );
}

/// The demo site served over HTTPS with a self-signed certificate made on first start, as
/// `caliber serve` does with `tls_self_signed = true`: the store, the demo, the base URL and
/// the fingerprint the server prints.
fn serve_https(dir: &Path) -> (Arc<Store>, caliber::seed::DemoSummary, String, String) {
    let store = Arc::new(Store::open(&dir.join("data")).expect("store"));
    let demo = caliber::seed::seed_demo(&store, jiff::Timestamp::now()).expect("seed");
    let (base, fingerprint) = caliber::cli::spawn_local_tls(
        AppState::new(store.clone()),
        &caliber::cli::tls::TlsSource::SelfSigned { names: vec![] },
    )
    .expect("https server");
    (store, demo, base, fingerprint)
}

fn press_4_key(demo: &caliber::seed::DemoSummary) -> String {
    demo.stations
        .iter()
        .find(|s| s.name == "Press 4")
        .expect("Press 4")
        .key
        .clone()
}

fn demo_token(demo: &caliber::seed::DemoSummary, number: &str) -> String {
    demo.employees
        .iter()
        .find(|e| e.number == number)
        .expect("demo employee")
        .badge_token
        .clone()
}

/// Over HTTPS the client judges badges only through the certificate it pins: the right pin
/// gets verdicts, another pin is refused with the fingerprint the server really showed, and
/// no pin at all trusts nothing.
#[test]
fn the_scan_client_trusts_only_the_pinned_certificate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, demo, base, fingerprint) = serve_https(dir.path());
    assert!(base.starts_with("https://"), "{base}");
    let key = press_4_key(&demo);
    let payload = badge_url("caliber.plant.local", &demo_token(&demo, "E1001"));
    let pin: Fingerprint = fingerprint.parse().expect("the server's fingerprint");
    let timeout = std::time::Duration::from_secs(10);

    let trusted = ScanClient::pinned(&base, &key, timeout, &[pin]).expect("client");
    match trusted.scan(&payload) {
        Outcome::Judged(v) => assert_eq!(v.verdict, "green", "{v:?}"),
        other => panic!("no verdict over pinned HTTPS: {other:?}"),
    }
    assert!(trusted.healthy());

    let other = Fingerprint::of(b"some other certificate");
    let wrong = ScanClient::pinned(&base, &key, timeout, &[other]).expect("client");
    assert_eq!(
        wrong.scan(&payload),
        Outcome::Failed(Failure::CertificateMismatch(pin)),
        "refused, naming the certificate the server showed"
    );
    assert!(!wrong.healthy());

    let unpinned = ScanClient::new(&base, &key, timeout);
    assert!(
        matches!(
            unpinned.scan(&payload),
            Outcome::Failed(Failure::Unreachable(_))
        ),
        "no pin, no trust"
    );
    let scans: Vec<ScanEvent> = store.read().expect("read").list().expect("scans");
    assert_eq!(
        scans.len(),
        1,
        "only the pinned client's scan reached the server"
    );
}

/// The kiosk in English trusting `fingerprint`, its output in `dir/name`; it must end well.
fn kiosk_pinned(
    base: &str,
    key: &str,
    dir: &Path,
    name: &str,
    fingerprint: &str,
) -> (std::path::PathBuf, std::process::Output) {
    let out_dir = dir.join(name);
    std::fs::create_dir_all(&out_dir).expect("mkdir");
    let out = kiosk_with(
        base,
        key,
        dir,
        &out_dir,
        "en",
        &["--server-fingerprint", fingerprint],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out_dir, out)
}

/// The kiosk binary against the HTTPS server: with the printed fingerprint it shows it on the
/// idle screen and gives the server's verdicts; with another it shows AMBER and never closes
/// the relay; without one it refuses to start and says what to configure.
#[test]
fn the_kiosk_pins_the_servers_certificate_and_shows_its_fingerprint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, demo, base, fingerprint) = serve_https(dir.path());
    let key = press_4_key(&demo);
    frames(
        &dir.path().join("frames"),
        &[demo_token(&demo, "E1001"), demo_token(&demo, "E1005")],
    );

    let (pinned, out) = kiosk_pinned(&base, &key, dir.path(), "pinned", &fingerprint);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&fingerprint),
        "the console names the trusted certificate"
    );
    let screens = lines(&pinned.join("state.jsonl"));
    let grouped: Fingerprint = fingerprint.parse().expect("fingerprint");
    let idle = screens
        .iter()
        .find(|l| l["screen"]["state"] == "idle")
        .expect("an idle screen");
    assert_eq!(
        idle["screen"]["lines"][0],
        format!("Server certificate SHA-256 {}", grouped.grouped()),
        "the idle screen shows the fingerprint to compare with the server's console"
    );
    let verdicts: Vec<&str> = screens
        .iter()
        .filter_map(|l| l["screen"]["state"].as_str())
        .filter(|s| *s != "idle")
        .collect();
    assert_eq!(verdicts, ["green", "red"]);

    let other = Fingerprint::of(b"another box").to_string();
    let (wrong, out) = kiosk_pinned(&base, &key, dir.path(), "wrong", &other);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&fingerprint),
        "the journal names the certificate the server showed"
    );
    let shown: Vec<Value> = lines(&wrong.join("state.jsonl"))
        .into_iter()
        .filter(|l| l["screen"]["state"] != "idle")
        .collect();
    assert_eq!(shown.len(), 2, "{shown:#?}");
    let first_group = grouped.grouped();
    let first_group = first_group.split(' ').next().expect("group");
    for l in &shown {
        assert_eq!(l["screen"]["state"], "amber", "{l}");
        assert_eq!(l["signals"]["relay"], false, "{l}");
        assert_eq!(
            l["screen"]["lines"][0],
            format!("Server certificate not trusted ({first_group}…): ask IT"),
            "{l}"
        );
    }
    let scans: Vec<ScanEvent> = store.read().expect("read").list().expect("scans");
    assert_eq!(
        scans.len(),
        2,
        "the refused kiosk's badges never reached the server"
    );

    let out = kiosk(&base, &key, dir.path(), &wrong, "en");
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("server_fingerprint"), "{said}");
}

/// A `server_fingerprint` in kiosk.toml that is not a SHA-256 stops the kiosk before it asks
/// any server, with a message naming the file and what a fingerprint looks like.
#[test]
fn a_bad_server_fingerprint_in_kiosk_toml_stops_the_kiosk_with_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("kiosk.toml");
    std::fs::write(
        &config,
        "server = \"https://10.0.0.2:8443\"\nstation_key = \"k\"\nserver_fingerprint = \"ab:cd:ef\"\n",
    )
    .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_caliber-kiosk"))
        .arg("--config")
        .arg(&config)
        .args(["--frames", "/nonexistent", "--exit-at-end"])
        .output()
        .expect("kiosk runs");
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains(&config.display().to_string()), "{said}");
    assert!(
        said.contains("'ab:cd:ef' is not a SHA-256 certificate fingerprint"),
        "{said}"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_caliber-kiosk"))
        .args(["--config", "/dev/null", "--server", "https://10.0.0.2:8443"])
        .args(["--station-key", "k", "--server-fingerprint", "not hex"])
        .args(["--frames", "/nonexistent", "--exit-at-end"])
        .output()
        .expect("kiosk runs");
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("--server-fingerprint: 'not hex' is not a SHA-256"),
        "{said}"
    );
}
