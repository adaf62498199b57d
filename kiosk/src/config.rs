//! `/etc/caliber/kiosk.toml`: where the server is, who this station is, and what hardware it
//! drives. Command-line flags override the file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::clock::ClockCheck;
use crate::language::Language;
use crate::pin::Fingerprint;

/// The kiosk's configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KioskConfig {
    /// Base URL of `caliber serve`, e.g. `http://127.0.0.1:8080` or `https://10.0.0.2:8443`.
    pub server: String,
    /// SHA-256 fingerprint of the server's TLS certificate, as `caliber serve` prints it when
    /// it starts (`ab:cd:…`): required for an `https://` server, which is accepted only with
    /// this certificate. One fingerprint or a list (to add a new certificate before the old
    /// one goes).
    #[serde(deserialize_with = "one_or_many")]
    pub server_fingerprint: Vec<Fingerprint>,
    /// The station key (`caliber station add` prints it).
    pub station_key: Option<String>,
    /// A file holding the station key (preferred over putting it in this file).
    pub station_key_file: Option<PathBuf>,
    /// Name shown until the server names the station.
    pub station_name: String,
    /// The station's language, `en`, `es`, `de` or `pl`: the idle screen and every verdict
    /// whose employee's language the server does not name.
    pub language: Language,
    /// Camera device, e.g. `/dev/video0`.
    pub camera: String,
    /// Camera resolution.
    pub camera_width: u32,
    /// Camera resolution.
    pub camera_height: u32,
    /// `fb:/dev/fb0`, `spi:/dev/spidev0.0` (feature `spi-panel`) or `png:/path/screen.png`.
    pub display: String,
    /// SPI panel model: `st7789` or `ili9341`.
    pub panel_model: String,
    /// SPI panel data/command GPIO line.
    pub panel_dc_line: Option<u32>,
    /// SPI panel reset GPIO line.
    pub panel_reset_line: Option<u32>,
    /// Screen size in pixels (the framebuffer's own size wins when it is known).
    pub width: u32,
    /// Screen size in pixels.
    pub height: u32,
    /// `gpio` (uses the lines below) or `log:/path/outputs.jsonl`.
    pub outputs: String,
    /// GPIO chip, e.g. `/dev/gpiochip0`.
    pub gpio_chip: String,
    /// Green lamp line.
    pub green_line: Option<u32>,
    /// Red lamp line.
    pub red_line: Option<u32>,
    /// Buzzer line.
    pub buzzer_line: Option<u32>,
    /// Machine-enable relay line (held only on GREEN).
    pub relay_line: Option<u32>,
    /// How long a verdict stays on screen, ms.
    pub hold_ms: u64,
    /// How long the relay stays closed after GREEN, ms.
    pub relay_ms: u64,
    /// The same badge is not reported again within this, ms.
    pub debounce_ms: u64,
    /// Server request timeout, ms.
    pub timeout_ms: u64,
    /// No camera frame for this long marks the camera failed, ms.
    pub camera_stall_ms: u64,
    /// How to decide the clock is set.
    pub clock_check: ClockCheck,
    /// Hosts accepted in badge URLs (empty: any).
    pub badge_hosts: Vec<String>,
    /// Send each screen to the server's kiosk mirror.
    pub mirror: bool,
}

impl Default for KioskConfig {
    fn default() -> Self {
        KioskConfig {
            server: "http://127.0.0.1:8080".into(),
            server_fingerprint: Vec::new(),
            station_key: None,
            station_key_file: None,
            station_name: "Station".into(),
            language: Language::English,
            camera: "/dev/video0".into(),
            camera_width: 1280,
            camera_height: 720,
            display: "fb:/dev/fb0".into(),
            panel_model: "st7789".into(),
            panel_dc_line: None,
            panel_reset_line: None,
            width: 800,
            height: 480,
            outputs: "gpio".into(),
            gpio_chip: "/dev/gpiochip0".into(),
            green_line: None,
            red_line: None,
            buzzer_line: None,
            relay_line: None,
            hold_ms: 4000,
            relay_ms: 10_000,
            debounce_ms: 3000,
            timeout_ms: 1500,
            camera_stall_ms: 3000,
            clock_check: ClockCheck::Systemd,
            badge_hosts: Vec::new(),
            mirror: true,
        }
    }
}

/// Where the configuration lives on the appliance.
pub const SYSTEM_CONFIG: &str = "/etc/caliber/kiosk.toml";

impl KioskConfig {
    /// Read `path` (it must exist), else the system file if present, else defaults.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        use anyhow::Context;
        let (path, required) = match path {
            Some(p) => (p.to_owned(), true),
            None => (PathBuf::from(SYSTEM_CONFIG), false),
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text)
                .with_context(|| format!("invalid kiosk config {}", path.display())),
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    /// The station key from the config or its file.
    pub fn key(&self) -> anyhow::Result<String> {
        use anyhow::Context;
        if let Some(k) = &self.station_key {
            return Ok(k.trim().to_owned());
        }
        let file = self
            .station_key_file
            .as_ref()
            .context("no station key: set station_key_file in kiosk.toml or pass --station-key")?;
        Ok(std::fs::read_to_string(file)
            .with_context(|| format!("cannot read the station key from {}", file.display()))?
            .trim()
            .to_owned())
    }
}

/// A fingerprint or a list of them.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Fingerprint>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    let list = match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    };
    list.iter()
        .map(|s| s.parse().map_err(serde::de::Error::custom))
        .collect()
}

impl KioskConfig {
    /// The certificates to trust: one or more for an `https://` server, none for `http://`.
    /// Anything else is a configuration mistake, refused before the kiosk starts.
    pub fn tls_pins(&self) -> anyhow::Result<&[Fingerprint]> {
        let https = self.server.to_ascii_lowercase().starts_with("https://");
        match (https, self.server_fingerprint.is_empty()) {
            (true, true) => anyhow::bail!(
                "the server {} speaks HTTPS but no server_fingerprint is set: copy the \
                 certificate SHA-256 that `caliber serve` prints when it starts into kiosk.toml",
                self.server
            ),
            (false, false) => anyhow::bail!(
                "server_fingerprint is set but the server {} is not https://: the fingerprint \
                 would protect nothing",
                self.server
            ),
            _ => Ok(&self.server_fingerprint),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_kiosk_file_and_refuses_typos() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("kiosk.toml");
        std::fs::write(&p, "server = \"http://10.0.0.2:8080\"\nstation_key = \"stn_x\"\nrelay_line = 17\nclock_check = \"plausible\"\n").expect("write");
        let c = KioskConfig::load(Some(&p)).expect("load");
        assert_eq!(c.server, "http://10.0.0.2:8080");
        assert_eq!(c.relay_line, Some(17));
        assert_eq!(c.key().expect("key"), "stn_x");
        assert_eq!(c.language, Language::English);
        std::fs::write(&p, "sever = \"x\"\n").expect("write");
        assert!(KioskConfig::load(Some(&p)).is_err());
        std::fs::write(&p, "language = \"es-MX\"\n").expect("write");
        assert_eq!(
            KioskConfig::load(Some(&p)).expect("load").language,
            Language::Spanish
        );
        std::fs::write(&p, "language = \"fr\"\n").expect("write");
        let e = KioskConfig::load(Some(&p)).expect_err("no French catalogue");
        assert!(format!("{e:#}").contains("unknown language 'fr'"), "{e:#}");
    }

    /// An HTTPS server needs a pinned certificate; a pin on plain HTTP is a mistake; one
    /// fingerprint or a list both read.
    #[test]
    fn an_https_server_needs_its_certificate_fingerprint() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("kiosk.toml");
        let f = Fingerprint::of(b"cert");
        let g = Fingerprint::of(b"next cert");
        let read = |text: String| {
            std::fs::write(&p, text).expect("write");
            KioskConfig::load(Some(&p))
        };
        let c = read(format!(
            "server = \"https://10.0.0.2:8443\"\nserver_fingerprint = \"{f}\"\n"
        ))
        .expect("one");
        assert_eq!(c.tls_pins().expect("pins"), &[f]);
        let c = read(format!(
            "server = \"https://10.0.0.2:8443\"\nserver_fingerprint = [\"{f}\", \"{g}\"]\n"
        ))
        .expect("two");
        assert_eq!(c.tls_pins().expect("pins"), &[f, g]);
        let c = read("server = \"https://10.0.0.2:8443\"\n".into()).expect("none");
        let e = c.tls_pins().expect_err("https without a pin");
        assert!(e.to_string().contains("server_fingerprint"), "{e}");
        let c = read(format!(
            "server = \"http://10.0.0.2:8080\"\nserver_fingerprint = \"{f}\"\n"
        ))
        .expect("read");
        assert!(c.tls_pins().is_err(), "a pin on plain HTTP");
        let c = read("server = \"http://10.0.0.2:8080\"\n".into()).expect("plain");
        assert!(c.tls_pins().expect("no pins").is_empty());
        let e = read("server_fingerprint = \"ab:cd\"\n".into()).expect_err("short");
        assert!(format!("{e:#}").contains("not a SHA-256"), "{e:#}");
    }
}
