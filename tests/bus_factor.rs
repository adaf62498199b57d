//! The dashboard's "bus factor": stations with fewer people qualified now than the configured
//! minimum are flagged on the dashboard, each linking to its coverage on the Stations page;
//! `GET /api/v1/coverage` measures against the same configured minimum unless asked for
//! another; `min_coverage` in caliber.toml reaches a served box, and a bad value stops the
//! server at start with a clear message.

mod common;

use std::process::{Command, Stdio};
use std::sync::Arc;

use caliber::app::AppState;
use caliber::domain::AppRole;
use caliber::service::{self, TokenInput};
use caliber::store::{Actor, Store};
use common::WebClient;

#[test]
fn stations_below_the_configured_minimum_are_flagged_and_linked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(dir.path()).expect("store"));
    let demo = caliber::seed::seed_demo(&store, jiff::Timestamp::now()).expect("seed");
    let counts = service::coverage(&store, None, 0, jiff::Timestamp::now()).expect("coverage");
    // A minimum that some stations meet and some do not.
    let mut by_count: Vec<usize> = counts.stations.iter().map(|s| s.coverage).collect();
    by_count.sort_unstable();
    let minimum = *by_count.last().expect("stations");
    assert!(
        by_count[0] < minimum,
        "the demo's stations differ: {by_count:?}"
    );
    let base = common::serve_state(AppState::new(store.clone()).with_min_coverage(minimum));

    let admin = WebClient::demo(&base, &demo, "admin");
    let dash = admin.get("/");
    assert_eq!(dash.status, 200);
    let short: Vec<_> = counts
        .stations
        .iter()
        .filter(|s| s.coverage < minimum)
        .collect();
    assert!(
        dash.body
            .contains("Bus factor: stations short of qualified people")
    );
    assert!(dash.body.contains(&format!(
        "fewer than {minimum} people qualified to run them now"
    )));
    assert!(
        dash.body
            .contains(&format!("href=\"/stations#coverage\">{}</a>", short.len())),
        "the card's number links to the coverage list"
    );
    for s in &counts.stations {
        let link = format!("href=\"/stations#station-{}\"", s.station_id);
        assert_eq!(
            dash.body.contains(&link),
            s.coverage < minimum,
            "{} ({} qualified, minimum {minimum})",
            s.station,
            s.coverage
        );
    }
    // The link lands on the station's row of the coverage table, measured the same way.
    let stations = admin.get("/stations");
    assert_eq!(stations.status, 200);
    for s in &counts.stations {
        assert!(
            stations
                .body
                .contains(&format!("id=\"station-{}\"", s.station_id))
        );
    }
    assert_eq!(
        stations.body.matches("class=\"below-minimum\"").count(),
        short.len(),
        "the Stations page flags the same stations"
    );

    // The API uses the configured minimum, unless the caller names one.
    let (_, token) = service::create_token(
        &store,
        &Actor::named("test"),
        TokenInput {
            name: "viewer".into(),
            role: AppRole::Viewer,
        },
    )
    .expect("token");
    let get = |path: &str| -> serde_json::Value {
        let mut r = ureq::get(&format!("{base}{path}"))
            .header("authorization", &format!("Bearer {token}"))
            .call()
            .expect("coverage");
        serde_json::from_str(&r.body_mut().read_to_string().expect("body")).expect("json")
    };
    let c = get("/api/v1/coverage");
    assert_eq!(c["minimum"], minimum);
    let flagged = c["stations"]
        .as_array()
        .expect("stations")
        .iter()
        .filter(|s| s["below_minimum"] == true)
        .count();
    assert_eq!(flagged, short.len());
    assert_eq!(get("/api/v1/coverage?minimum=1")["minimum"], 1);

    // With a minimum every station meets, the dashboard flags nothing.
    let base = common::serve_state(AppState::new(store.clone()).with_min_coverage(1));
    let admin = WebClient::demo(&base, &demo, "admin");
    let dash = admin.get("/");
    if by_count[0] >= 1 {
        assert!(!dash.body.contains("Bus factor: stations short"));
        assert!(dash.body.contains("href=\"/stations#coverage\">0</a>"));
    }
    // And the default is 3.
    assert_eq!(AppState::new(store).min_coverage, 3);
}

/// `caliber serve` with a configuration file: (exit status if it stopped, stderr, base URL).
fn serve_with(config: &str) -> (tempfile::TempDir, std::process::Child, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("caliber.toml");
    std::fs::write(&file, config).expect("config");
    let data = dir.path().join("data");
    let listen = format!("127.0.0.1:{}", common::free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_caliber"))
        .args(["serve", "--data-dir"])
        .arg(&data)
        .args(["--listen", &listen, "--config"])
        .arg(&file)
        .env_remove("CALIBER_DATA_DIR")
        .env_remove("CALIBER_LISTEN")
        .env_remove("CALIBER_RUNTIME_DIR")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn caliber serve");
    (dir, child, format!("http://{listen}"))
}

#[test]
fn min_coverage_from_caliber_toml_reaches_the_api_and_a_bad_one_stops_the_start() {
    for bad in ["0", "\"three\"", "-1", "2.5"] {
        let (_dir, child, _) = serve_with(&format!("min_coverage = {bad}\n"));
        let out = child.wait_with_output().expect("wait");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad}: {err}");
        assert!(
            err.contains("min_coverage: ")
                && err.contains("is not a number of people from 1 to 1000"),
            "{bad}: {err}"
        );
    }

    let (dir, mut child, base) = serve_with("min_coverage = 7\n");
    let mut up = false;
    for _ in 0..200 {
        if ureq::get(&format!("{base}/healthz")).call().is_ok() {
            up = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // A token on the served store, through the server's control socket.
    let out = Command::new(env!("CARGO_BIN_EXE_caliber"))
        .args([
            "token",
            "create",
            "--role",
            "viewer",
            "--name",
            "t",
            "--data-dir",
        ])
        .arg(dir.path().join("data"))
        .env("CALIBER_CONFIG", "/dev/null")
        .env_remove("CALIBER_RUNTIME_DIR")
        .output()
        .expect("token");
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let answer = ureq::get(&format!("{base}/api/v1/coverage"))
        .header("authorization", &format!("Bearer {token}"))
        .call()
        .ok()
        .and_then(|mut r| r.body_mut().read_to_string().ok());
    let _ = child.kill();
    let _ = child.wait();
    assert!(up, "the server started");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: serde_json::Value =
        serde_json::from_str(&answer.expect("the server answered")).expect("json");
    assert_eq!(answer["minimum"], 7);
}
