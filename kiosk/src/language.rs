//! The languages the kiosk speaks and every word it shows, from the Fluent catalogues in
//! `kiosk/locales/*.ftl` (compiled into the binary). The station has a language
//! (`language` in `kiosk.toml`, `--language`); a verdict is drawn in the employee's language
//! when the server names one, else the station's.

use std::str::FromStr;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

/// A language the kiosk has a catalogue for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    /// English (the default).
    #[default]
    English,
    /// Spanish.
    Spanish,
    /// German.
    German,
    /// Polish.
    Polish,
}

/// A language code the kiosk has no catalogue for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language '{0}' (the kiosk speaks en, es, de and pl)")]
pub struct UnknownLanguage(pub String);

impl Language {
    /// Every language, English first.
    pub const ALL: [Language; 4] = [
        Language::English,
        Language::Spanish,
        Language::German,
        Language::Polish,
    ];

    /// The ISO 639-1 code, e.g. `es`.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Spanish => "es",
            Language::German => "de",
            Language::Polish => "pl",
        }
    }

    fn source(self) -> &'static str {
        match self {
            Language::English => include_str!("../locales/en.ftl"),
            Language::Spanish => include_str!("../locales/es.ftl"),
            Language::German => include_str!("../locales/de.ftl"),
            Language::Polish => include_str!("../locales/pl.ftl"),
        }
    }

    /// The catalogue text for `key` with its `{ $name }` arguments filled in.
    pub fn text(self, key: Key, args: &[(&str, &str)]) -> String {
        CATALOGUE.text(self, key, args)
    }

    /// A calendar date as this language writes it, with the month's name: `3 Nov 2026`,
    /// `3 nov 2026`, `3. Nov. 2026`, `3 lis 2026` — with no-break spaces, so a wrapped line
    /// never parts the day from its month and year.
    pub fn date(self, date: jiff::civil::Date) -> String {
        let month = Key::MONTHS[usize::from(date.month().unsigned_abs()).saturating_sub(1) % 12];
        let month = self.text(month, &[]);
        self.text(
            Key::Date,
            &[
                ("day", &date.day().to_string()),
                ("month", &month),
                ("year", &date.year().to_string()),
            ],
        )
        .replace(' ', "\u{a0}")
    }
}

impl FromStr for Language {
    type Err = UnknownLanguage;

    /// `en`, `es`, `de`, `pl`, also with a region (`es-MX`, `de_AT`), any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let primary = s
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        Language::ALL
            .into_iter()
            .find(|l| l.code() == primary)
            .ok_or_else(|| UnknownLanguage(s.to_owned()))
    }
}

impl serde::Serialize for Language {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Language {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

macro_rules! keys {
    ($($variant:ident = $id:literal, $doc:literal;)*) => {
        /// Every message the kiosk shows, by its id in the catalogues.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Key {
            $(#[doc = $doc] $variant,)*
        }

        impl Key {
            /// Every key (the catalogue completeness test walks these).
            pub const ALL: &'static [Key] = &[$(Key::$variant,)*];

            /// The message id in the `.ftl` files.
            pub fn id(self) -> &'static str {
                match self {
                    $(Key::$variant => $id,)*
                }
            }
        }
    };
}

keys! {
    TitleIdle = "title-idle", "Idle headline: scan your badge.";
    TitleQualified = "title-qualified", "Green headline.";
    TitleNotQualified = "title-not-qualified", "Red headline.";
    TitleUnknownBadge = "title-unknown-badge", "Amber: no one has this badge.";
    TitleBadgeReplaced = "title-badge-replaced", "Amber: the badge was regenerated.";
    TitleNotActive = "title-not-active", "Amber: on leave or left.";
    TitleCannotCheck = "title-cannot-check", "Amber: the server could not judge.";
    TitleClockNotSet = "title-clock-not-set", "Amber: the clock is not synchronised.";
    TitleNotABadge = "title-not-a-badge", "Amber: the code read is not a badge.";
    QualifiedFor = "qualified-for", "Green line: qualified for { $station }.";
    ReasonUnknownBadge = "reason-unknown-badge", "No one has this badge.";
    ReasonBadgeReplaced = "reason-badge-replaced", "Old badge: use the new one.";
    ReasonOnLeave = "reason-on-leave", "The employee is on leave.";
    ReasonTerminated = "reason-terminated", "The employee has left.";
    ReasonClockNotSet = "reason-clock-not-set", "The clock is not synchronised.";
    ReasonServerUnreachable = "reason-server-unreachable", "No connection; { $detail } is the system's words.";
    ReasonUnreadableAnswer = "reason-unreadable-answer", "The server's answer could not be read.";
    ReasonKeyRejected = "reason-key-rejected", "The station key was refused.";
    ReasonNotCaliberBadge = "reason-not-caliber-badge", "The server says the code is no badge.";
    ReasonServerError = "reason-server-error", "HTTP { $status } from the server.";
    ReasonNotABadge = "reason-not-a-badge", "The code read is not a Caliber badge.";
    ReasonOtherSite = "reason-other-site", "A badge of another site ({ $host }).";
    ReasonCertificateMismatch = "reason-certificate-mismatch", "The server presented another TLS certificate than the pinned one; { $fingerprint } is its first bytes.";
    IdleServerCertificate = "idle-server-certificate", "Idle line: the pinned server certificate's SHA-256 { $fingerprint }, to compare with the server's console.";
    SkillMissing = "skill-missing", "{ $skill }: no certification.";
    SkillExpired = "skill-expired", "{ $skill } expired on { $date }.";
    SkillExpiredUndated = "skill-expired-undated", "{ $skill } expired (no date known).";
    SkillExpiring = "skill-expiring", "{ $skill } expires on { $date } (green warning).";
    SkillRetrainingDue = "skill-retraining-due", "{ $skill } counts until { $date }, then needs retraining (green warning).";
    SkillOutdated = "skill-outdated", "{ $skill }: a new revision needs retraining.";
    SkillLevelTooLow = "skill-level-too-low", "{ $skill }: level below the required one.";
    HealthCamera = "health-camera", "Footer: the camera.";
    HealthServer = "health-server", "Footer: the server.";
    HealthClock = "health-clock", "Footer: the clock.";
    HealthCameraShort = "health-camera-short", "Footer on narrow screens: the camera.";
    HealthServerShort = "health-server-short", "Footer on narrow screens: the server.";
    HealthClockShort = "health-clock-short", "Footer on narrow screens: the clock.";
    HealthOk = "health-ok", "Footer: working.";
    HealthFail = "health-fail", "Footer: not working.";
    Date = "date", "A date from { $day }, { $month } (a month name) and { $year }.";
    Month1 = "month-1", "January, as used in a date.";
    Month2 = "month-2", "February.";
    Month3 = "month-3", "March.";
    Month4 = "month-4", "April.";
    Month5 = "month-5", "May.";
    Month6 = "month-6", "June.";
    Month7 = "month-7", "July.";
    Month8 = "month-8", "August.";
    Month9 = "month-9", "September.";
    Month10 = "month-10", "October.";
    Month11 = "month-11", "November.";
    Month12 = "month-12", "December.";
}

impl Key {
    /// The month names, January first.
    pub const MONTHS: [Key; 12] = [
        Key::Month1,
        Key::Month2,
        Key::Month3,
        Key::Month4,
        Key::Month5,
        Key::Month6,
        Key::Month7,
        Key::Month8,
        Key::Month9,
        Key::Month10,
        Key::Month11,
        Key::Month12,
    ];
}

/// A catalogue file that does not parse (the completeness test catches this before release).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("catalogue {language}.ftl: {message}")]
pub struct CatalogueError {
    /// Which file.
    pub language: &'static str,
    /// What is wrong.
    pub message: String,
}

/// The four catalogues, parsed.
pub struct Catalogue {
    bundles: Vec<(Language, FluentBundle<FluentResource>)>,
}

impl std::fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Catalogue({} languages)", self.bundles.len())
    }
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    Catalogue::load().unwrap_or_else(|e| {
        // Only reachable with a broken catalogue in the build; tests refuse one. The kiosk
        // still runs and shows message ids rather than stopping the line.
        eprintln!("caliber-kiosk: {e}");
        Catalogue {
            bundles: Vec::new(),
        }
    })
});

impl Catalogue {
    /// Parse every bundled catalogue.
    pub fn load() -> Result<Self, CatalogueError> {
        let mut bundles = Vec::new();
        for language in Language::ALL {
            let err = |message: String| CatalogueError {
                language: language.code(),
                message,
            };
            let resource = FluentResource::try_new(language.source().to_owned())
                .map_err(|(_, errors)| err(format!("{errors:?}")))?;
            let id = language
                .code()
                .parse::<unic_langid::LanguageIdentifier>()
                .map_err(|e| err(format!("language id: {e}")))?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // No Unicode isolation marks around arguments: the screen draws every character.
            bundle.set_use_isolating(false);
            bundle
                .add_resource(resource)
                .map_err(|errors| err(format!("{errors:?}")))?;
            bundles.push((language, bundle));
        }
        Ok(Catalogue { bundles })
    }

    fn bundle(&self, language: Language) -> Option<&FluentBundle<FluentResource>> {
        self.bundles
            .iter()
            .find(|(l, _)| *l == language)
            .map(|(_, b)| b)
    }

    /// The text of `key` in `language`, or `None` if that catalogue lacks it or it does not
    /// format cleanly (a missing argument).
    pub fn lookup(&self, language: Language, key: Key, args: &[(&str, &str)]) -> Option<String> {
        let bundle = self.bundle(language)?;
        let pattern = bundle.get_message(key.id())?.value()?;
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, *value);
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        errors.is_empty().then(|| text.into_owned())
    }

    /// Every message id in `language`'s catalogue.
    pub fn ids(&self, language: Language) -> Vec<String> {
        let Ok(resource) = FluentResource::try_new(language.source().to_owned()) else {
            return Vec::new();
        };
        resource
            .entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }

    /// The text of `key`: in `language`, else in English, else the message id itself.
    pub fn text(&self, language: Language, key: Key, args: &[(&str, &str)]) -> String {
        self.lookup(language, key, args)
            .or_else(|| self.lookup(Language::English, key, args))
            .unwrap_or_else(|| key.id().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Arguments each message needs, so a test can format every message.
    fn sample_args() -> Vec<(&'static str, &'static str)> {
        vec![
            ("station", "Prensa 4"),
            ("detail", "connection refused"),
            ("status", "503"),
            ("host", "other.plant"),
            ("skill", "Carretilla elevadora"),
            ("date", "3 nov 2026"),
            ("day", "3"),
            ("month", "nov"),
            ("year", "2026"),
            ("fingerprint", "ab:cd:ef:01:23:45:67:89"),
        ]
    }

    #[test]
    fn every_key_exists_in_every_language_and_formats_cleanly() {
        let catalogue = Catalogue::load().expect("catalogues parse");
        let args = sample_args();
        let mut missing = Vec::new();
        for language in Language::ALL {
            for key in Key::ALL {
                match catalogue.lookup(language, *key, &args) {
                    Some(text) if !text.trim().is_empty() => {}
                    _ => missing.push(format!("{}: {}", language.code(), key.id())),
                }
            }
        }
        assert_eq!(missing, Vec::<String>::new(), "missing or broken messages");
    }

    #[test]
    fn no_catalogue_has_messages_the_kiosk_does_not_use() {
        let catalogue = Catalogue::load().expect("catalogues parse");
        let known: Vec<&str> = Key::ALL.iter().map(|k| k.id()).collect();
        for language in Language::ALL {
            let ids = catalogue.ids(language);
            assert_eq!(
                ids.len(),
                Key::ALL.len(),
                "{} message count",
                language.code()
            );
            for id in ids {
                assert!(
                    known.contains(&id.as_str()),
                    "{}: stray {id}",
                    language.code()
                );
            }
        }
    }

    #[test]
    fn a_missing_key_is_noticed() {
        // The same check as above on a catalogue with a message removed.
        let id = "es".parse::<unic_langid::LanguageIdentifier>().expect("id");
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        let source = Language::Spanish
            .source()
            .lines()
            .filter(|l| !l.starts_with("skill-expired ="))
            .collect::<Vec<_>>()
            .join("\n");
        bundle
            .add_resource(FluentResource::try_new(source).expect("parse"))
            .expect("add");
        let catalogue = Catalogue {
            bundles: vec![(Language::Spanish, bundle)],
        };
        assert!(
            catalogue
                .lookup(Language::Spanish, Key::SkillExpired, &sample_args())
                .is_none()
        );
        assert!(
            catalogue
                .lookup(Language::Spanish, Key::SkillMissing, &sample_args())
                .is_some()
        );
    }

    #[test]
    fn reasons_and_dates_read_as_each_language_writes_them() {
        let date = jiff::civil::date(2026, 11, 3);
        let line = |l: Language| {
            l.text(
                Key::SkillExpired,
                &[("skill", "Carretilla elevadora"), ("date", &l.date(date))],
            )
        };
        // Dates hold together with no-break spaces; read them with plain ones here.
        let plain = |s: String| s.replace('\u{a0}', " ");
        assert_eq!(
            plain(line(Language::Spanish)),
            "Carretilla elevadora — caducó el 3 nov 2026"
        );
        assert_eq!(Language::English.date(date), "3\u{a0}Nov\u{a0}2026");
        assert_eq!(plain(Language::German.date(date)), "3. Nov. 2026");
        assert_eq!(plain(Language::Polish.date(date)), "3 lis 2026");
        assert_eq!(
            plain(Language::German.date(jiff::civil::date(2026, 3, 9))),
            "9. März 2026"
        );
        assert!(line(Language::German).contains("abgelaufen"));
        assert!(line(Language::Polish).contains("wygasł"));
    }

    #[test]
    fn language_codes_parse_with_regions_and_refuse_others() {
        assert_eq!("es-MX".parse::<Language>(), Ok(Language::Spanish));
        assert_eq!("de_AT".parse::<Language>(), Ok(Language::German));
        assert_eq!("PL".parse::<Language>(), Ok(Language::Polish));
        assert_eq!("en".parse::<Language>(), Ok(Language::English));
        let e = "fr".parse::<Language>().expect_err("no French");
        assert!(e.to_string().contains("en, es, de and pl"), "{e}");
    }
}
