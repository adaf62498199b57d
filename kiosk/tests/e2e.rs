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
    Command::new(env!("CARGO_BIN_EXE_caliber-kiosk"))
        .args(["--language", language])
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
    let key = demo
        .stations
        .iter()
        .find(|s| s.name == "Press 4")
        .expect("Press 4")
        .key
        .clone();
    let token = |number: &str| {
        demo.employees
            .iter()
            .find(|e| e.number == number)
            .expect("demo employee")
            .badge_token
            .clone()
    };
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
    let key = demo
        .stations
        .iter()
        .find(|s| s.name == "Press 4")
        .expect("Press 4")
        .key
        .clone();
    let token = |number: &str| {
        demo.employees
            .iter()
            .find(|e| e.number == number)
            .expect("demo employee")
            .badge_token
            .clone()
    };
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
