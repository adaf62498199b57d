//! `/etc/caliber/kiosk.toml`: where the server is, who this station is, and what hardware it
//! drives. Command-line flags override the file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::clock::ClockCheck;
use crate::language::Language;

/// The kiosk's configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KioskConfig {
    /// Base URL of `caliber serve`, e.g. `http://127.0.0.1:8080`.
    pub server: String,
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
}
