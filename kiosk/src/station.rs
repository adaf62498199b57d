//! The station loop. Frames come from their own thread (a hung camera is noticed, not waited
//! for), verdicts from a network worker (a slow server never stalls the frames), and the loop
//! turns both into screens and outputs. Anything unclear is AMBER and the relay stays open.

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use caliber_badge_reader::{BadgeReader, Frame, FrameSource, PayloadError, ReadEvent};

use crate::client::{Failure, Outcome, Reason, ScanClient};
use crate::clock::{self, ClockCheck};
use crate::display::Display;
use crate::language::{Key, Language};
use crate::outputs::{Beep, Outputs, Signals};
use crate::render::{Canvas, Renderer};
use crate::screen::{Health, Screen, ScreenState};

/// How the loop behaves.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Name shown until the server names the station.
    pub station_name: String,
    /// The station's language: the idle screen, and verdicts of people whose language the
    /// server does not name.
    pub language: Language,
    /// How long a verdict stays on screen.
    pub hold: Duration,
    /// How long the relay stays closed after GREEN.
    pub relay_hold: Duration,
    /// No frame for this long marks the camera failed.
    pub camera_stall: Duration,
    /// How to decide the clock is set.
    pub clock_check: ClockCheck,
    /// Pace between frames from a file source (a camera paces itself).
    pub frame_interval: Option<Duration>,
    /// Stop when the frame source ends (file sources) once verdicts are in.
    pub exit_at_end: bool,
    /// Append every screen shown (JSON lines) here.
    pub state_log: Option<PathBuf>,
    /// Send each screen to the server's kiosk mirror.
    pub mirror: bool,
}

/// A frame source made on the frame thread (camera handles need not be `Send`).
pub type SourceFactory = Box<dyn FnOnce() -> Result<Box<dyn FrameSource>, String> + Send>;

/// The words for a reason, built from its code and parameters in `language`. A reason
/// without parameters (an older server) or with a code this kiosk does not know shows the
/// server's own sentence.
pub fn reason_text(language: Language, reason: &Reason) -> String {
    let fixed = |key: Key| language.text(key, &[]);
    match reason.code.as_str() {
        "unknown_badge" => return fixed(Key::ReasonUnknownBadge),
        "badge_replaced" => return fixed(Key::ReasonBadgeReplaced),
        "on_leave" => return fixed(Key::ReasonOnLeave),
        "terminated" => return fixed(Key::ReasonTerminated),
        _ => {}
    }
    let (Some(skill), Some(status)) = (&reason.skill_name, &reason.status) else {
        return reason.message.clone();
    };
    let date = reason
        .date
        .as_deref()
        .and_then(|d| d.parse::<jiff::Timestamp>().ok())
        .map(|t| language.date(t.to_zoned(jiff::tz::TimeZone::system()).date()));
    let with_skill = |key: Key| language.text(key, &[("skill", skill)]);
    match (reason.code.as_str(), status.as_str(), date) {
        ("skill", "MISSING", _) => with_skill(Key::SkillMissing),
        ("skill", "EXPIRED", Some(date)) => {
            language.text(Key::SkillExpired, &[("skill", skill), ("date", &date)])
        }
        ("skill", "EXPIRED", None) => with_skill(Key::SkillExpiredUndated),
        ("skill", "OUTDATED", _) => with_skill(Key::SkillOutdated),
        ("skill", "INSUFFICIENT_LEVEL", _) => with_skill(Key::SkillLevelTooLow),
        ("expiring_soon", _, Some(date)) => {
            language.text(Key::SkillExpiring, &[("skill", skill), ("date", &date)])
        }
        ("retraining_due", _, Some(date)) => language.text(
            Key::SkillRetrainingDue,
            &[("skill", skill), ("date", &date)],
        ),
        _ => reason.message.clone(),
    }
}

/// The words for a failed request in `language`.
pub fn failure_text(language: Language, failure: &Failure) -> String {
    match failure {
        Failure::Unreachable(detail) => {
            language.text(Key::ReasonServerUnreachable, &[("detail", detail)])
        }
        Failure::UnreadableAnswer => language.text(Key::ReasonUnreadableAnswer, &[]),
        Failure::KeyRejected => language.text(Key::ReasonKeyRejected, &[]),
        Failure::NotCaliberBadge => language.text(Key::ReasonNotCaliberBadge, &[]),
        Failure::ServerError(status) => {
            language.text(Key::ReasonServerError, &[("status", &status.to_string())])
        }
        Failure::CertificateMismatch(seen) => {
            // The first group is enough to tell certificates apart on screen; the journal has
            // the whole fingerprint.
            let first = seen.grouped();
            let first = first.split(' ').next().unwrap_or_default();
            language.text(
                Key::ReasonCertificateMismatch,
                &[("fingerprint", &format!("{first}…"))],
            )
        }
    }
}

/// The waiting screen: with the pinned server certificate's fingerprint when the server is
/// reached over HTTPS, so a person can compare it with the one `caliber serve` printed.
pub fn idle_screen(
    language: Language,
    station: &str,
    clock: &str,
    health: Health,
    pinned: Option<&crate::pin::Fingerprint>,
) -> Screen {
    let mut screen = Screen::idle(language, station, clock, health);
    if let Some(f) = pinned {
        screen
            .lines
            .push(language.text(Key::IdleServerCertificate, &[("fingerprint", &f.grouped())]));
    }
    screen
}

/// The screen for a code the badge reader refused, in the station's language.
pub fn rejected_screen(
    language: Language,
    station: &str,
    clock: &str,
    health: Health,
    error: &PayloadError,
) -> Screen {
    let reason = match error {
        PayloadError::UnknownHost(host) => language.text(Key::ReasonOtherSite, &[("host", host)]),
        _ => language.text(Key::ReasonNotABadge, &[]),
    };
    Screen::amber(
        language,
        station,
        clock,
        health,
        &language.text(Key::TitleNotABadge, &[]),
        &reason,
    )
}

/// The screen for a verdict, given whether the clock can be trusted: in the employee's
/// language when the server names one this kiosk speaks, else in `station_language`.
pub fn screen_for(
    outcome: &Outcome,
    station: &str,
    clock_ok: bool,
    health: Health,
    station_language: Language,
) -> Screen {
    let now = clock::wall_clock();
    match outcome {
        Outcome::Failed(failure) => {
            let l = station_language;
            Screen::amber(
                l,
                station,
                &now,
                health,
                &l.text(Key::TitleCannotCheck, &[]),
                &failure_text(l, failure),
            )
        }
        Outcome::Judged(v) => {
            let l = v
                .employee_language
                .as_deref()
                .and_then(|code| code.parse::<Language>().ok())
                .unwrap_or(station_language);
            let state = outcome.state();
            if state == ScreenState::Green && !clock_ok {
                return Screen::amber(
                    l,
                    station,
                    &now,
                    health,
                    &l.text(Key::TitleClockNotSet, &[]),
                    &l.text(Key::ReasonClockNotSet, &[]),
                );
            }
            let title = match state {
                ScreenState::Green => Key::TitleQualified,
                ScreenState::Red => Key::TitleNotQualified,
                _ => match v.reasons.first().map(|r| r.code.as_str()) {
                    Some("unknown_badge") => Key::TitleUnknownBadge,
                    Some("badge_replaced") => Key::TitleBadgeReplaced,
                    Some("on_leave") | Some("terminated") => Key::TitleNotActive,
                    _ => Key::TitleCannotCheck,
                },
            };
            let mut lines: Vec<String> = if state == ScreenState::Green {
                v.warnings.iter().map(|w| reason_text(l, w)).collect()
            } else {
                v.reasons.iter().map(|r| reason_text(l, r)).collect()
            };
            if state == ScreenState::Green {
                lines.insert(0, l.text(Key::QualifiedFor, &[("station", station)]));
            }
            Screen {
                state,
                language: l,
                station: station.to_owned(),
                title: l.text(title, &[]),
                name: v.employee_name.clone(),
                lines,
                clock: now,
                health,
            }
        }
    }
}

/// Lamps for a screen.
pub fn signals_for(state: ScreenState) -> Signals {
    match state {
        ScreenState::Idle => Signals::default(),
        ScreenState::Green => Signals {
            green: true,
            red: false,
            relay: true,
        },
        ScreenState::Red | ScreenState::Amber => Signals {
            green: false,
            red: true,
            relay: false,
        },
    }
}

/// The running station.
pub struct Station<D: Display, O: Outputs> {
    settings: Settings,
    reader: BadgeReader,
    display: D,
    outputs: O,
    client: ScanClient,
    renderer: Renderer,
    mirror: Option<mpsc::SyncSender<Canvas>>,
}

impl<D: Display, O: Outputs> Station<D, O> {
    /// A station from its parts.
    pub fn new(
        settings: Settings,
        reader: BadgeReader,
        display: D,
        outputs: O,
        client: ScanClient,
        renderer: Renderer,
    ) -> Self {
        Station {
            settings,
            reader,
            display,
            outputs,
            client,
            renderer,
            mirror: None,
        }
    }

    fn show(&mut self, screen: &Screen, signals: Signals) {
        let (w, h) = self.display.size();
        let mut canvas = Canvas::new(w, h);
        self.renderer.draw(&mut canvas, screen);
        if let Err(e) = self.display.show(&canvas) {
            eprintln!("caliber-kiosk: display: {e}");
        }
        if let Some(m) = &self.mirror {
            // Latest screen only: if the uploader is busy this one is skipped.
            let _ = m.try_send(canvas.clone());
        }
        if let Err(e) = self.outputs.set(signals) {
            eprintln!("caliber-kiosk: outputs: {e}");
        }
        if let Some(path) = &self.settings.state_log {
            let line = serde_json::json!({ "screen": screen, "signals": signals });
            let _ = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .and_then(|mut f| {
                    use std::io::Write;
                    writeln!(f, "{line}")
                });
        }
    }

    /// Run until the source ends (with `exit_at_end`) or forever.
    pub fn run(mut self, source: SourceFactory) -> anyhow::Result<()> {
        // Frames: their own thread, one frame in flight.
        let (frame_tx, frame_rx) = mpsc::sync_channel::<Option<Frame>>(1);
        let interval = self.settings.frame_interval;
        std::thread::spawn(move || {
            let mut source = match source() {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("caliber-kiosk: camera: {e}");
                    return;
                }
            };
            loop {
                match source.next_frame() {
                    Ok(Some(f)) => {
                        if frame_tx.send(Some(f)).is_err() {
                            return;
                        }
                    }
                    Ok(None) => {
                        let _ = frame_tx.send(None);
                        return;
                    }
                    Err(e) => eprintln!("caliber-kiosk: frame: {e}"),
                }
                if let Some(d) = interval {
                    std::thread::sleep(d);
                }
            }
        });
        // Verdicts: a network worker.
        let (ask_tx, ask_rx) = mpsc::channel::<String>();
        let (answer_tx, answer_rx) = mpsc::channel::<Outcome>();
        let client = self.client.clone();
        std::thread::spawn(move || {
            for payload in ask_rx {
                let outcome = client.scan(&payload);
                if let Outcome::Failed(Failure::CertificateMismatch(seen)) = &outcome {
                    eprintln!(
                        "caliber-kiosk: the server presented the certificate SHA-256 {seen}, \
                         not the one in server_fingerprint: refused"
                    );
                }
                if answer_tx.send(outcome).is_err() {
                    return;
                }
            }
        });

        if self.settings.mirror {
            let (tx, rx) = mpsc::sync_channel::<Canvas>(1);
            let client = self.client.clone();
            std::thread::spawn(move || {
                for canvas in rx {
                    if let Ok(png) = crate::display::png_bytes(&canvas) {
                        client.put_mirror(&png);
                    }
                }
            });
            self.mirror = Some(tx);
        }
        let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Ready]);
        let mut station = self.settings.station_name.clone();
        let mut health = Health {
            camera: true,
            server: true,
            clock: clock::synchronised(self.settings.clock_check),
        };
        let mut last_frame = Instant::now();
        let mut hold_until: Option<Instant> = None;
        let mut relay_until: Option<Instant> = None;
        let mut pending = 0usize;
        let mut ended = false;
        let mut idle_shown: Option<(String, Health)> = None;
        let mut last_tick = Instant::now() - Duration::from_secs(10);

        loop {
            match frame_rx.recv_timeout(Duration::from_millis(40)) {
                Ok(Some(frame)) => {
                    last_frame = Instant::now();
                    match self.reader.read(&frame, Instant::now()) {
                        ReadEvent::Badge(token) => {
                            pending += 1;
                            if ask_tx.send(token.to_string()).is_err() {
                                anyhow::bail!("network worker stopped");
                            }
                        }
                        ReadEvent::Rejected(e) => {
                            let s = rejected_screen(
                                self.settings.language,
                                &station,
                                &clock::wall_clock(),
                                health,
                                &e,
                            );
                            self.show(&s, signals_for(ScreenState::Amber));
                            let _ = self.outputs.beep(Beep::Refused);
                            hold_until = Some(Instant::now() + self.settings.hold);
                            idle_shown = None;
                        }
                        ReadEvent::Nothing | ReadEvent::Repeat => {}
                    }
                }
                Ok(None) | Err(RecvTimeoutError::Disconnected) => ended = true,
                Err(RecvTimeoutError::Timeout) => {}
            }
            while let Ok(outcome) = answer_rx.try_recv() {
                pending = pending.saturating_sub(1);
                health.server = match &outcome {
                    Outcome::Failed(f) => f.reachable(),
                    Outcome::Judged(_) => true,
                };
                if let Outcome::Judged(v) = &outcome
                    && let Some(name) = &v.station
                {
                    station = name.clone();
                }
                health.clock = clock::synchronised(self.settings.clock_check);
                let screen = screen_for(
                    &outcome,
                    &station,
                    health.clock,
                    health,
                    self.settings.language,
                );
                let signals = signals_for(screen.state);
                self.show(&screen, signals);
                let _ = self.outputs.beep(if screen.state == ScreenState::Green {
                    Beep::Ok
                } else {
                    Beep::Refused
                });
                hold_until = Some(Instant::now() + self.settings.hold);
                relay_until = signals
                    .relay
                    .then(|| Instant::now() + self.settings.relay_hold);
                idle_shown = None;
            }
            let now = Instant::now();
            if relay_until.is_some_and(|t| now >= t) {
                relay_until = None;
                let _ = self.outputs.set(Signals {
                    relay: false,
                    ..signals_for(ScreenState::Green)
                });
            }
            if now.duration_since(last_tick) >= Duration::from_secs(1) {
                last_tick = now;
                health.clock = clock::synchronised(self.settings.clock_check);
                let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Watchdog]);
            }
            health.camera = ended || now.duration_since(last_frame) < self.settings.camera_stall;
            if hold_until.is_none_or(|t| now >= t) {
                hold_until = None;
                let clock_now = clock::wall_clock();
                if idle_shown.as_ref() != Some(&(clock_now.clone(), health)) {
                    let s = idle_screen(
                        self.settings.language,
                        &station,
                        &clock_now,
                        health,
                        self.client.pinned_certificate(),
                    );
                    self.show(&s, Signals::default());
                    idle_shown = Some((clock_now, health));
                }
            }
            if ended && pending == 0 && self.settings.exit_at_end {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod retraining_tests {
    use super::*;
    use crate::client::ScanVerdict;

    /// A green verdict with a skill due for retraining draws the warning with its due date
    /// in every language, and stays green.
    #[test]
    fn retraining_due_is_a_dated_warning_on_a_green_screen() {
        let warning = Reason {
            code: "retraining_due".into(),
            status: Some("RETRAINING_DUE".into()),
            skill_name: Some("Lockout".into()),
            date: Some("2026-11-30T12:00:00Z".into()),
            message: "Lockout — Rev B retraining due 30 Nov 2026".into(),
        };
        let verdict = ScanVerdict {
            verdict: "green".into(),
            station: Some("Press 4".into()),
            employee_name: Some("Pat Doe".into()),
            employee_language: None,
            reasons: vec![],
            warnings: vec![warning.clone()],
        };
        let expect = [
            (Language::English, "retraining due"),
            (Language::German, "Nachschulung fällig am"),
            (Language::Spanish, "nueva capacitación antes del"),
            (Language::Polish, "ponowne szkolenie do"),
        ];
        for (language, words) in expect {
            let text = reason_text(language, &warning);
            assert!(text.starts_with("Lockout — "), "{language:?}: {text}");
            assert!(text.contains(words), "{language:?}: {text}");
            assert!(
                text.contains("2026"),
                "{language:?}: the due date in {text}"
            );
            let screen = screen_for(
                &Outcome::Judged(verdict.clone()),
                "Press 4",
                true,
                Health::default(),
                language,
            );
            assert_eq!(screen.state, ScreenState::Green);
            assert!(
                screen.lines.iter().any(|l| l == &text),
                "{:?}",
                screen.lines
            );
        }
    }
}
