//! `caliber-kiosk`: the line station. Reads `/etc/caliber/kiosk.toml`; flags override it.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use caliber_badge_reader::{
    BadgeReader, DebounceMode, Debouncer, DecodeOptions, Decoder, DirectorySource, FrameSource,
    PayloadPolicy,
};
use caliber_kiosk::client::ScanClient;
use caliber_kiosk::clock::ClockCheck;
use caliber_kiosk::config::KioskConfig;
use caliber_kiosk::display::{Display, FramebufferDisplay, PngDisplay};
use caliber_kiosk::language::{Key, Language};
use caliber_kiosk::outputs::{LogOutputs, Outputs};
use caliber_kiosk::render::{Canvas, Renderer};
use caliber_kiosk::screen::{Health, Screen, ScreenState};
use caliber_kiosk::station::{Settings, SourceFactory, Station};
use clap::Parser;

/// The Caliber line station: badge in, green or red on screen and lamps.
#[derive(Debug, Parser)]
#[command(name = "caliber-kiosk", version, about)]
struct Args {
    /// Configuration file (default /etc/caliber/kiosk.toml if present).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Server base URL.
    #[arg(long)]
    server: Option<String>,
    /// Station key.
    #[arg(long)]
    station_key: Option<String>,
    /// SHA-256 fingerprint of the server's TLS certificate (for an https:// server; may be
    /// given more than once).
    #[arg(long)]
    server_fingerprint: Vec<String>,
    /// Read frames from this folder of images instead of the camera.
    #[arg(long)]
    frames: Option<PathBuf>,
    /// `png:FILE` or `fb:/dev/fb0`.
    #[arg(long)]
    display: Option<String>,
    /// Screen size for PNG output, e.g. 800x480.
    #[arg(long)]
    size: Option<String>,
    /// `log:FILE` or `gpio`.
    #[arg(long)]
    outputs: Option<String>,
    /// Append every screen shown as JSON to this file.
    #[arg(long)]
    state_log: Option<PathBuf>,
    /// How long a verdict stays on screen, ms.
    #[arg(long)]
    hold_ms: Option<u64>,
    /// Pause between frames from --frames, ms.
    #[arg(long, default_value_t = 50)]
    frame_interval_ms: u64,
    /// With --frames: stop at the last frame once its verdicts are in.
    #[arg(long)]
    exit_at_end: bool,
    /// `systemd` or `plausible`.
    #[arg(long)]
    clock_check: Option<String>,
    /// The station's language: en, es, de or pl (default en, or `language` in kiosk.toml).
    #[arg(long)]
    language: Option<String>,
    /// Write every screen at 320x240, 480x320, 800x480 and 1920x1080 as PNG into DIR, then exit.
    #[arg(long, value_name = "DIR")]
    render_screens: Option<PathBuf>,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("caliber-kiosk: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn size(s: &str) -> anyhow::Result<(u32, u32)> {
    s.split_once('x')
        .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
        .with_context(|| format!("size '{s}' is not WIDTHxHEIGHT"))
}

fn run() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(dir) = &args.render_screens {
        return render_screens(dir);
    }
    let renderer = Renderer::new()?;
    let mut cfg = KioskConfig::load(args.config.as_deref())?;
    if let Some(s) = args.server {
        cfg.server = s;
    }
    if let Some(k) = args.station_key {
        cfg.station_key = Some(k);
    }
    if !args.server_fingerprint.is_empty() {
        cfg.server_fingerprint = args
            .server_fingerprint
            .iter()
            .map(|f| f.parse())
            .collect::<Result<_, _>>()
            .context("--server-fingerprint")?;
    }
    if let Some(d) = args.display {
        cfg.display = d;
    }
    if let Some(o) = args.outputs {
        cfg.outputs = o;
    }
    if let Some(l) = &args.language {
        cfg.language = l.parse()?;
    }
    if let Some(h) = args.hold_ms {
        cfg.hold_ms = h;
    }
    if let Some(s) = &args.size {
        (cfg.width, cfg.height) = size(s)?;
    }
    if let Some(c) = args.clock_check {
        cfg.clock_check = match c.as_str() {
            "systemd" => ClockCheck::Systemd,
            "plausible" => ClockCheck::Plausible,
            other => anyhow::bail!("unknown clock check '{other}' (systemd or plausible)"),
        };
    }
    let key = cfg.key()?;
    let timeout = Duration::from_millis(cfg.timeout_ms);
    let pins = cfg.tls_pins()?;
    let client = if pins.is_empty() {
        ScanClient::new(&cfg.server, &key, timeout)
    } else {
        // Printed where the console shows it, to compare with what `caliber serve` printed.
        println!(
            "caliber-kiosk: trusting the server certificate SHA-256 {}",
            pins[0]
        );
        ScanClient::pinned(&cfg.server, &key, timeout, pins).context("TLS")?
    };
    let reader = BadgeReader::new(
        Decoder::new(DecodeOptions::default()),
        PayloadPolicy::hosts(cfg.badge_hosts.clone()),
        Debouncer::new(Duration::from_millis(cfg.debounce_ms), DebounceMode::Single),
    );
    let settings = Settings {
        station_name: cfg.station_name.clone(),
        language: cfg.language,
        hold: Duration::from_millis(cfg.hold_ms),
        relay_hold: Duration::from_millis(cfg.relay_ms),
        camera_stall: Duration::from_millis(cfg.camera_stall_ms),
        clock_check: cfg.clock_check,
        frame_interval: args
            .frames
            .as_ref()
            .map(|_| Duration::from_millis(args.frame_interval_ms)),
        exit_at_end: args.exit_at_end,
        state_log: args.state_log.clone(),
        mirror: cfg.mirror,
    };
    let source: SourceFactory = match &args.frames {
        Some(dir) => {
            let dir = dir.clone();
            Box::new(move || {
                DirectorySource::new(&[dir])
                    .map(|s| Box::new(s) as Box<dyn FrameSource>)
                    .map_err(|e| e.to_string())
            })
        }
        None => camera_source(&cfg)?,
    };
    let display: Box<dyn Display> = match cfg.display.split_once(':') {
        Some(("png", path)) => Box::new(PngDisplay::new(path.as_ref(), cfg.width, cfg.height)),
        Some(("fb", dev)) => Box::new(
            FramebufferDisplay::open(dev.as_ref()).with_context(|| format!("framebuffer {dev}"))?,
        ),
        Some(("spi", dev)) => spi_panel(&cfg, dev)?,
        _ => anyhow::bail!(
            "display '{}' must be png:FILE, fb:/dev/fbN or spi:/dev/spidevB.C",
            cfg.display
        ),
    };
    let outputs: Box<dyn Outputs> = match cfg.outputs.split_once(':') {
        Some(("log", path)) => Box::new(LogOutputs::new(path.as_ref())),
        _ if cfg.outputs == "gpio" => gpio(&cfg)?,
        _ => anyhow::bail!("outputs '{}' must be gpio or log:FILE", cfg.outputs),
    };
    Station::new(settings, reader, display, outputs, client, renderer).run(source)
}

#[cfg(feature = "spi-panel")]
fn spi_panel(cfg: &KioskConfig, dev: &str) -> anyhow::Result<Box<dyn Display>> {
    let dc = cfg
        .panel_dc_line
        .context("panel_dc_line is required for an SPI panel")?;
    let rst = cfg
        .panel_reset_line
        .context("panel_reset_line is required for an SPI panel")?;
    let w = u16::try_from(cfg.width).context("panel width")?;
    let h = u16::try_from(cfg.height).context("panel height")?;
    let d = caliber_kiosk::display::spi_panel::SpiPanelDisplay::open(
        dev,
        &cfg.gpio_chip,
        dc,
        rst,
        &cfg.panel_model,
        w,
        h,
    )
    .with_context(|| format!("SPI panel {dev}"))?;
    Ok(Box::new(d))
}

#[cfg(not(feature = "spi-panel"))]
fn spi_panel(_cfg: &KioskConfig, _dev: &str) -> anyhow::Result<Box<dyn Display>> {
    anyhow::bail!("this build has no SPI panel support (build with --features spi-panel)")
}

#[cfg(feature = "gpio")]
fn gpio(cfg: &KioskConfig) -> anyhow::Result<Box<dyn Outputs>> {
    let o = caliber_kiosk::outputs::GpioOutputs::open(
        &cfg.gpio_chip,
        cfg.green_line,
        cfg.red_line,
        cfg.buzzer_line,
        cfg.relay_line,
    )
    .with_context(|| format!("GPIO chip {}", cfg.gpio_chip))?;
    Ok(Box::new(o))
}

#[cfg(not(feature = "gpio"))]
fn gpio(_cfg: &KioskConfig) -> anyhow::Result<Box<dyn Outputs>> {
    anyhow::bail!("this build has no GPIO support; use outputs = \"log:FILE\"")
}

#[cfg(feature = "camera")]
fn camera_source(cfg: &KioskConfig) -> anyhow::Result<SourceFactory> {
    let (dev, w, h) = (cfg.camera.clone(), cfg.camera_width, cfg.camera_height);
    Ok(Box::new(move || {
        caliber_badge_reader::camera::CameraSource::open(&dev, w, h)
            .map(|s| Box::new(s) as Box<dyn FrameSource>)
            .map_err(|e| e.to_string())
    }))
}

#[cfg(not(feature = "camera"))]
fn camera_source(_cfg: &KioskConfig) -> anyhow::Result<SourceFactory> {
    anyhow::bail!(
        "this build has no camera support (build with --features camera) — use --frames DIR"
    )
}

/// An example operator for each language's screens: a name from the scripts the kiosk must
/// draw, and skills as that plant would name them.
struct Example {
    language: Language,
    station: &'static str,
    green_name: &'static str,
    red_name: &'static str,
    inactive_name: &'static str,
    expiring: &'static str,
    expired: &'static str,
    outdated: &'static str,
}

const EXAMPLES: [Example; 4] = [
    Example {
        language: Language::English,
        station: "Press 4",
        green_name: "Nguyễn Văn An",
        red_name: "Σοφία Παπαδοπούλου",
        inactive_name: "Дмитрий Иванов",
        expiring: "First Aid",
        expired: "Forklift Operation",
        outdated: "Safety Protocols",
    },
    Example {
        language: Language::Spanish,
        station: "Prensa 4",
        green_name: "José Peña",
        red_name: "María José Hernández de la Fuente",
        inactive_name: "Nguyễn Thị Minh Khai",
        expiring: "Primeros auxilios",
        expired: "Carretilla elevadora",
        outdated: "Protocolos de seguridad",
    },
    Example {
        language: Language::German,
        station: "Presse 4",
        green_name: "Jürgen Müller",
        red_name: "Maximilian Müller-Lüdenscheidt",
        inactive_name: "Σοφία Παπαδοπούλου",
        expiring: "Erste Hilfe",
        expired: "Gabelstaplerführerschein",
        outdated: "Sicherheitsunterweisung",
    },
    Example {
        language: Language::Polish,
        station: "Prasa 4",
        green_name: "Łukasz Wróbel",
        red_name: "Małgorzata Żółkiewska-Szczęsna",
        inactive_name: "Дмитрий Иванов",
        expiring: "Pierwsza pomoc",
        expired: "Wózki widłowe",
        outdated: "Zasady bezpieczeństwa",
    },
];

/// Every screen of `example`'s language with its names, as `(file stem, screen)`.
fn example_screens(example: &Example) -> Vec<(&'static str, Screen)> {
    let l = example.language;
    let station = example.station;
    let h = Health::default();
    let clock = "14:05";
    let date = |y, m, d| l.date(jiff::civil::date(y, m, d));
    let amber = |title: Key, reason: String, health: Health| {
        Screen::amber(l, station, clock, health, &l.text(title, &[]), &reason)
    };
    let verdict = |state, title: Key, name: &str, lines: Vec<String>| Screen {
        state,
        language: l,
        station: station.to_owned(),
        title: l.text(title, &[]),
        name: Some(name.to_owned()),
        lines,
        clock: clock.to_owned(),
        health: h,
    };
    let mut inactive = amber(Key::TitleNotActive, l.text(Key::ReasonTerminated, &[]), h);
    inactive.name = Some(example.inactive_name.to_owned());
    let pinned = caliber_kiosk::pin::Fingerprint::of(b"example certificate");
    vec![
        ("idle", Screen::idle(l, station, clock, h)),
        (
            "idle-pinned",
            caliber_kiosk::station::idle_screen(l, station, clock, h, Some(&pinned)),
        ),
        (
            "green",
            verdict(
                ScreenState::Green,
                Key::TitleQualified,
                example.green_name,
                vec![
                    l.text(Key::QualifiedFor, &[("station", station)]),
                    l.text(
                        Key::SkillExpiring,
                        &[("skill", example.expiring), ("date", &date(2026, 12, 8))],
                    ),
                ],
            ),
        ),
        (
            "red",
            verdict(
                ScreenState::Red,
                Key::TitleNotQualified,
                example.red_name,
                vec![
                    l.text(
                        Key::SkillExpired,
                        &[("skill", example.expired), ("date", &date(2026, 11, 3))],
                    ),
                    l.text(Key::SkillOutdated, &[("skill", example.outdated)]),
                ],
            ),
        ),
        (
            "amber-unknown",
            amber(
                Key::TitleUnknownBadge,
                l.text(Key::ReasonUnknownBadge, &[]),
                h,
            ),
        ),
        (
            "amber-replaced",
            amber(
                Key::TitleBadgeReplaced,
                l.text(Key::ReasonBadgeReplaced, &[]),
                h,
            ),
        ),
        ("amber-inactive", inactive),
        (
            "amber-offline",
            amber(
                Key::TitleCannotCheck,
                l.text(
                    Key::ReasonServerUnreachable,
                    &[("detail", "connection refused")],
                ),
                Health { server: false, ..h },
            ),
        ),
        (
            "amber-certificate",
            caliber_kiosk::station::screen_for(
                &caliber_kiosk::client::Outcome::Failed(
                    caliber_kiosk::client::Failure::CertificateMismatch(
                        caliber_kiosk::pin::Fingerprint::of(b"another certificate"),
                    ),
                ),
                station,
                true,
                Health { server: false, ..h },
                l,
            ),
        ),
        (
            "amber-clock",
            amber(
                Key::TitleClockNotSet,
                l.text(Key::ReasonClockNotSet, &[]),
                Health { clock: false, ..h },
            ),
        ),
    ]
}

/// Every screen in every language, filled with example names, at the four supported sizes,
/// as `DIR/<language>/<screen>-<width>x<height>.png`.
fn render_screens(dir: &std::path::Path) -> anyhow::Result<()> {
    let mut renderer = Renderer::new()?;
    for example in &EXAMPLES {
        let sub = dir.join(example.language.code());
        std::fs::create_dir_all(&sub)
            .with_context(|| format!("cannot create {}", sub.display()))?;
        for (w, ht) in [(320, 240), (480, 320), (800, 480), (1920, 1080)] {
            for (name, screen) in example_screens(example) {
                let mut canvas = Canvas::new(w, ht);
                renderer.draw(&mut canvas, &screen);
                let mut png = PngDisplay::new(&sub.join(format!("{name}-{w}x{ht}.png")), w, ht);
                png.show(&canvas)?;
            }
        }
    }
    Ok(())
}
