//! Lamps, buzzer and the machine-enable relay: GPIO character devices on the appliance, a log
//! of every change in tests.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// What the outputs should be now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Signals {
    /// Green lamp.
    pub green: bool,
    /// Red lamp (also lit for amber, with the buzzer pattern telling them apart).
    pub red: bool,
    /// Machine-enable relay: closed only while a GREEN verdict holds.
    pub relay: bool,
}

/// A buzzer pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Beep {
    /// One short beep: qualified.
    Ok,
    /// Three beeps: not qualified or could not check.
    Refused,
}

/// Something that drives the station's outputs.
pub trait Outputs {
    /// Set the lamps and relay.
    fn set(&mut self, signals: Signals) -> std::io::Result<()>;
    /// Sound a pattern.
    fn beep(&mut self, beep: Beep) -> std::io::Result<()>;
}

impl<T: Outputs + ?Sized> Outputs for Box<T> {
    fn set(&mut self, signals: Signals) -> std::io::Result<()> {
        (**self).set(signals)
    }

    fn beep(&mut self, beep: Beep) -> std::io::Result<()> {
        (**self).beep(beep)
    }
}

/// Appends every change as a JSON line (tests, and a record on boxes without GPIO).
#[derive(Debug)]
pub struct LogOutputs {
    path: PathBuf,
    started: std::time::Instant,
}

impl LogOutputs {
    /// Log to `path` (appending).
    pub fn new(path: &Path) -> Self {
        LogOutputs {
            path: path.to_owned(),
            started: std::time::Instant::now(),
        }
    }

    fn append(&self, value: serde_json::Value) -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        writeln!(f, "{value}")
    }
}

impl Outputs for LogOutputs {
    fn set(&mut self, s: Signals) -> std::io::Result<()> {
        let ms = self.started.elapsed().as_millis() as u64;
        self.append(serde_json::json!({"ms": ms, "green": s.green, "red": s.red, "relay": s.relay}))
    }

    fn beep(&mut self, beep: Beep) -> std::io::Result<()> {
        let ms = self.started.elapsed().as_millis() as u64;
        self.append(serde_json::json!({"ms": ms, "beep": beep}))
    }
}

/// Outputs on GPIO lines of one chip through linux-embedded-hal; unset lines are skipped.
#[cfg(feature = "gpio")]
pub struct GpioOutputs {
    green: Option<linux_embedded_hal::CdevPin>,
    red: Option<linux_embedded_hal::CdevPin>,
    relay: Option<linux_embedded_hal::CdevPin>,
    buzzer: Option<std::sync::Arc<std::sync::Mutex<linux_embedded_hal::CdevPin>>>,
}

#[cfg(feature = "gpio")]
impl GpioOutputs {
    /// Request the configured lines as outputs, all off.
    pub fn open(
        chip: &str,
        green: Option<u32>,
        red: Option<u32>,
        buzzer: Option<u32>,
        relay: Option<u32>,
    ) -> std::io::Result<Self> {
        use linux_embedded_hal::gpio_cdev::{Chip, LineRequestFlags};
        let mut chip = Chip::new(chip).map_err(std::io::Error::other)?;
        let mut pin = |line: Option<u32>| -> std::io::Result<Option<linux_embedded_hal::CdevPin>> {
            let Some(n) = line else { return Ok(None) };
            let handle = chip
                .get_line(n)
                .and_then(|l| l.request(LineRequestFlags::OUTPUT, 0, "caliber-kiosk"))
                .map_err(std::io::Error::other)?;
            linux_embedded_hal::CdevPin::new(handle)
                .map(Some)
                .map_err(std::io::Error::other)
        };
        Ok(GpioOutputs {
            green: pin(green)?,
            red: pin(red)?,
            relay: pin(relay)?,
            buzzer: pin(buzzer)?.map(|p| std::sync::Arc::new(std::sync::Mutex::new(p))),
        })
    }
}

#[cfg(feature = "gpio")]
fn drive(pin: &mut Option<linux_embedded_hal::CdevPin>, on: bool) -> std::io::Result<()> {
    use embedded_hal::digital::OutputPin;
    if let Some(p) = pin {
        if on { p.set_high() } else { p.set_low() }
            .map_err(|e| std::io::Error::other(format!("{e:?}")))?;
    }
    Ok(())
}

#[cfg(feature = "gpio")]
impl Outputs for GpioOutputs {
    fn set(&mut self, s: Signals) -> std::io::Result<()> {
        // Relay first when opening it, last when closing: never enabled with a red lamp.
        if !s.relay {
            drive(&mut self.relay, false)?;
        }
        drive(&mut self.green, s.green)?;
        drive(&mut self.red, s.red)?;
        if s.relay {
            drive(&mut self.relay, true)?;
        }
        Ok(())
    }

    fn beep(&mut self, beep: Beep) -> std::io::Result<()> {
        let Some(pin) = self.buzzer.clone() else {
            return Ok(());
        };
        // The pattern plays on its own thread so the frame loop never waits for it.
        std::thread::spawn(move || {
            use embedded_hal::digital::OutputPin;
            let pattern: &[u64] = match beep {
                Beep::Ok => &[150],
                Beep::Refused => &[120, 120, 120],
            };
            for ms in pattern {
                if let Ok(mut p) = pin.lock() {
                    let _ = p.set_high();
                    std::thread::sleep(std::time::Duration::from_millis(*ms));
                    let _ = p.set_low();
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        });
        Ok(())
    }
}
