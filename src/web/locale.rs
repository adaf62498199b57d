//! The languages of the web UI and every word it shows, from the Fluent catalogues in
//! `src/web/locales/*.ftl` (compiled into the binary), and the one formatter for dates and
//! numbers.
//!
//! Each request gets its language once, before any handler runs ([`negotiate`]): the
//! logged-in user's own setting (`User.language`), else the browser's `Accept-Language`
//! (quality values honoured, `es-MX` → `es`), else English. It is kept for the request's task
//! ([`current`]), so a page, its navigation and its error page all speak the same language
//! without passing it through every function.

use std::cell::Cell;
use std::sync::LazyLock;

use axum::extract::Request;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::Response;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use jiff::Timestamp;

/// A language the web UI has a catalogue for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// English (the default).
    #[default]
    En,
    /// Spanish.
    Es,
    /// German.
    De,
    /// Polish.
    Pl,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 4] = [Lang::En, Lang::Es, Lang::De, Lang::Pl];

    /// The ISO 639-1 code, e.g. `es` (also the value of `<html lang>`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::De => "de",
            Lang::Pl => "pl",
        }
    }

    /// The language's own name, for the language form ("Español").
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
            Lang::De => "Deutsch",
            Lang::Pl => "Polski",
        }
    }

    /// `en`, `es`, `de`, `pl`, also with a region (`es-MX`, `de_AT`), any case.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("locales/en.ftl"),
            Lang::Es => include_str!("locales/es.ftl"),
            Lang::De => include_str!("locales/de.ftl"),
            Lang::Pl => include_str!("locales/pl.ftl"),
        }
    }

    /// Whether the language writes a decimal comma (`3,5`).
    fn decimal_comma(self) -> bool {
        !matches!(self, Lang::En)
    }

    /// The digit-group separator (a no-break space in Polish, a dot in Spanish and German).
    fn group_separator(self) -> char {
        match self {
            Lang::En => ',',
            Lang::Es | Lang::De => '.',
            Lang::Pl => '\u{a0}',
        }
    }
}

/// The best language of an `Accept-Language` header: the supported language with the
/// highest quality (ties keep the header's order); `q=0` means "not this one". `None` when
/// the header names none of ours.
pub fn from_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(Lang, f32)> = None;
    for item in header.split(',').take(32) {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let quality = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if quality.is_nan() || quality <= 0.0 {
            continue;
        }
        if let Some(lang) = Lang::parse(tag)
            && best.is_none_or(|(_, q)| quality > q)
        {
            best = Some((lang, quality));
        }
    }
    best.map(|(l, _)| l)
}

/// The browser's language among ours, if its `Accept-Language` names one.
pub fn browser_language(headers: &HeaderMap) -> Option<Lang> {
    headers
        .get_all(header::ACCEPT_LANGUAGE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(from_accept_language)
}

/// The language for a request's headers alone (before anyone is logged in).
pub fn from_headers(headers: &HeaderMap) -> Lang {
    browser_language(headers).unwrap_or_default()
}

/// The language of a request: the user's own setting, else the browser's, else English.
pub fn negotiate(user_setting: Option<&str>, headers: &HeaderMap) -> Lang {
    user_setting
        .and_then(Lang::parse)
        .unwrap_or_else(|| from_headers(headers))
}

tokio::task_local! {
    static CURRENT: Cell<Lang>;
}

/// The language of the request being served (English outside a request).
pub fn current() -> Lang {
    CURRENT.try_with(Cell::get).unwrap_or_default()
}

/// Run `f` with `lang` as the current language (tests, and page work done off the request's
/// task).
pub fn in_language<T>(lang: Lang, f: impl FnOnce() -> T) -> T {
    CURRENT.sync_scope(Cell::new(lang), f)
}

/// Switch the current request to `lang` (the session extractor does so once it knows the
/// user's own setting).
pub fn set_current(lang: Lang) {
    let _ = CURRENT.try_with(|c| c.set(lang));
}

/// Middleware: serve the request in the browser's language; a logged-in user's own setting
/// replaces it when the session is read.
pub async fn scope(request: Request, next: Next) -> Response {
    let lang = from_headers(request.headers());
    let mut response = CURRENT.scope(Cell::new(lang), next.run(request)).await;
    // The page differs by language, so caches must keep one copy per Accept-Language.
    response.headers_mut().append(
        header::VARY,
        header::HeaderValue::from_static("Accept-Language"),
    );
    response
}

/// The four catalogues, parsed.
struct Catalogue {
    bundles: Vec<(Lang, FluentBundle<FluentResource>)>,
}

/// A catalogue file that does not parse (the completeness test catches this before release).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("web catalogue {language}.ftl: {message}")]
pub struct CatalogueError {
    /// Which file.
    pub language: &'static str,
    /// What is wrong.
    pub message: String,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    load().unwrap_or_else(|e| {
        // Only reachable with a broken catalogue in the build; tests refuse one. Pages then
        // show message ids rather than failing.
        tracing::error!("{e}");
        Catalogue {
            bundles: Vec::new(),
        }
    })
});

fn load() -> Result<Catalogue, CatalogueError> {
    let mut bundles = Vec::new();
    for lang in Lang::ALL {
        let err = |message: String| CatalogueError {
            language: lang.code(),
            message,
        };
        let resource = FluentResource::try_new(lang.source().to_owned())
            .map_err(|(_, errors)| err(format!("{errors:?}")))?;
        let id = lang
            .code()
            .parse::<unic_langid::LanguageIdentifier>()
            .map_err(|e| err(format!("language id: {e}")))?;
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // No Unicode isolation marks around arguments: they would end up in form values and
        // CSV cells.
        bundle.set_use_isolating(false);
        bundle
            .add_resource(resource)
            .map_err(|errors| err(format!("{errors:?}")))?;
        bundles.push((lang, bundle));
    }
    Ok(Catalogue { bundles })
}

/// Check that every catalogue parses (for the completeness test).
pub fn check_catalogues() -> Result<(), CatalogueError> {
    load().map(|_| ())
}

/// Every message id of `lang`'s catalogue, in file order.
pub fn message_ids(lang: Lang) -> Vec<String> {
    let Ok(resource) = FluentResource::try_new(lang.source().to_owned()) else {
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

/// The arguments a message is filled in with: text or a number (numbers choose plural forms).
pub type Args<'a> = [(&'a str, FluentValue<'a>)];

/// The text of `key` in `lang` with `args`, or `None` if that catalogue lacks it or it does
/// not format cleanly (a missing argument).
pub fn lookup(lang: Lang, key: &str, args: &Args<'_>) -> Option<String> {
    let bundle = CATALOGUE
        .bundles
        .iter()
        .find(|(l, _)| *l == lang)
        .map(|(_, b)| b)?;
    let pattern = bundle.get_message(key)?.value()?;
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, value.clone());
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    errors.is_empty().then(|| text.into_owned())
}

/// The text of `key` in the current language, else in English, else the key itself.
pub fn text(key: &str, args: &Args<'_>) -> String {
    let lang = current();
    lookup(lang, key, args)
        .or_else(|| lookup(Lang::En, key, args))
        .unwrap_or_else(|| key.to_owned())
}

/// A message of the catalogue in the current language: `tr!("nav-dashboard")`,
/// `tr!("dash-expiring-within", days = 30)`. Every key used this way must be in every catalogue (the
/// completeness test reads every key of the `tr!` calls in the sources).
macro_rules! tr {
    ($key:literal) => {
        $crate::web::locale::text($key, &[])
    };
    ($key:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::web::locale::text(
            $key,
            &[$((stringify!($name), fluent_bundle::FluentValue::from($value))),+],
        )
    };
}
pub(crate) use tr;

/// A calendar date as the current language writes it: `3 Nov 2026`, `3 nov 2026`,
/// `3. Nov. 2026`, `3 lis 2026` (no-break spaces); `—` when there is none. UTC.
pub fn date(t: Option<Timestamp>) -> String {
    match t {
        Some(t) => civil_date(t.to_zoned(jiff::tz::TimeZone::UTC).date()),
        None => "—".into(),
    }
}

/// A civil date in the current language (see [`date`]), with no-break spaces so a table cell
/// never parts the day from its month and year.
pub fn civil_date(d: jiff::civil::Date) -> String {
    let month = month(d.month());
    text(
        "date",
        &[
            ("day", d.day().to_string().into()),
            ("month", month.into()),
            ("year", d.year().to_string().into()),
        ],
    )
    .replace(' ', "\u{a0}")
}

/// A date and time (UTC): `3 nov 2026 14:05`.
pub fn date_time(t: Timestamp) -> String {
    let z = t.to_zoned(jiff::tz::TimeZone::UTC);
    format!("{} {}", civil_date(z.date()), z.strftime("%H:%M"))
}

/// Day, month and time without the year (recent events): `3 nov 14:05`.
pub fn day_time(t: Timestamp) -> String {
    let z = t.to_zoned(jiff::tz::TimeZone::UTC);
    let month = month(z.month());
    let day = text(
        "day-month",
        &[("day", z.day().to_string().into()), ("month", month.into())],
    )
    .replace(' ', "\u{a0}");
    format!("{day} {}", z.strftime("%H:%M"))
}

/// The messages the formatter reads by name (not through `tr!`): the date patterns, then
/// the months January to December.
pub const FORMAT_KEYS: [&str; 14] = [
    "date",
    "day-month",
    "month-1",
    "month-2",
    "month-3",
    "month-4",
    "month-5",
    "month-6",
    "month-7",
    "month-8",
    "month-9",
    "month-10",
    "month-11",
    "month-12",
];

fn month(m: i8) -> String {
    let i = usize::from(m.unsigned_abs()).saturating_sub(1) % 12;
    text(FORMAT_KEYS[2 + i], &[])
}

/// A whole number with the current language's digit groups: `12,345`, `12.345`, `12 345`.
pub fn integer(n: u64) -> String {
    group(&n.to_string(), current())
}

/// A number with `decimals` places and the current language's decimal mark: `97.5`,
/// `97,5`.
pub fn decimal(value: f64, decimals: usize) -> String {
    let lang = current();
    let raw = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = raw.split_once('.').unwrap_or((&raw, ""));
    let mut out = String::new();
    if value < 0.0 && raw.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push('-');
    }
    out.push_str(&group(whole, lang));
    if !fraction.is_empty() {
        out.push(if lang.decimal_comma() { ',' } else { '.' });
        out.push_str(fraction);
    }
    out
}

/// A percentage: `97.5 %` in the languages that space it, `97.5%` in English.
pub fn percent(value: f64, decimals: usize) -> String {
    let n = decimal(value, decimals);
    match current() {
        Lang::En => format!("{n}%"),
        _ => format!("{n}\u{a0}%"),
    }
}

fn group(digits: &str, lang: Lang) -> String {
    let separator = lang.group_separator();
    // Four-digit numbers stay whole in Spanish and Polish (CLDR's minimum grouping).
    let min = match lang {
        Lang::En | Lang::De => 4,
        Lang::Es | Lang::Pl => 5,
    };
    if digits.len() < min {
        return digits.to_owned();
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_honours_quality_and_regions() {
        assert_eq!(from_accept_language("es-MX"), Some(Lang::Es));
        assert_eq!(
            from_accept_language("fr-FR, pl;q=0.4, de;q=0.8"),
            Some(Lang::De)
        );
        assert_eq!(from_accept_language("de;q=0, en;q=0.1"), Some(Lang::En));
        assert_eq!(from_accept_language("fr, it"), None);
        assert_eq!(
            from_accept_language("pl-PL,pl;q=0.9,en;q=0.8"),
            Some(Lang::Pl)
        );
    }
}
