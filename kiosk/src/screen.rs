//! What the kiosk shows: one of four states with the words that go with it. Colour is never
//! the only signal: every state has a title word and an icon.

use serde::{Deserialize, Serialize};

use crate::language::{Key, Language};

/// The four screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScreenState {
    /// Waiting for a badge.
    Idle,
    /// Qualified: may run the station.
    Green,
    /// Known but not qualified.
    Red,
    /// Could not judge: unknown or replaced badge, inactive, server unreachable, clock not set.
    Amber,
}

/// Health indicators shown on every screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// Frames arrive from the camera.
    pub camera: bool,
    /// The server answered recently.
    pub server: bool,
    /// The clock is synchronised.
    pub clock: bool,
}

impl Default for Health {
    fn default() -> Self {
        Health {
            camera: true,
            server: true,
            clock: true,
        }
    }
}

/// Everything drawn on one screen, already in its language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Screen {
    /// Which screen.
    pub state: ScreenState,
    /// The language of its words (the footer's words are looked up in it too).
    pub language: Language,
    /// Station name.
    pub station: String,
    /// The big word: QUALIFIED, NOT QUALIFIED, …
    pub title: String,
    /// The employee's name, when known.
    pub name: Option<String>,
    /// Reasons (red/amber) or warnings (green), one per line.
    pub lines: Vec<String>,
    /// Local time, e.g. `14:05`.
    pub clock: String,
    /// Health dots.
    pub health: Health,
}

impl Screen {
    /// The waiting screen in the station's language.
    pub fn idle(language: Language, station: &str, clock: &str, health: Health) -> Self {
        Screen {
            state: ScreenState::Idle,
            language,
            station: station.to_owned(),
            title: language.text(Key::TitleIdle, &[]),
            name: None,
            lines: Vec::new(),
            clock: clock.to_owned(),
            health,
        }
    }

    /// An amber screen with one reason, its headline and reason already in `language`.
    pub fn amber(
        language: Language,
        station: &str,
        clock: &str,
        health: Health,
        title: &str,
        reason: &str,
    ) -> Self {
        Screen {
            state: ScreenState::Amber,
            language,
            station: station.to_owned(),
            title: title.to_owned(),
            name: None,
            lines: vec![reason.to_owned()],
            clock: clock.to_owned(),
            health,
        }
    }
}
