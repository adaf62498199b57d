//! Every screen, in every language, at every supported size, with operators' names from every
//! script the kiosk must draw: built from scan API verdicts the way the station builds them,
//! drawn on a target that records every pixel. No character may lack a glyph, every word of
//! a name or reason must be on screen whole, text must sit where it was measured, and nothing
//! may be drawn off the screen or over other text.

use caliber_kiosk::client::{Failure, Outcome, ScanVerdict};
use caliber_kiosk::language::{Key, Language};
use caliber_kiosk::render::{Canvas, Drawing, Part, PlacedText, Renderer, background};
use caliber_kiosk::screen::{Health, Screen, ScreenState};
use caliber_kiosk::station::screen_for;
use caliber_kiosk::typeface::{Typeface, normalise};
use embedded_graphics::pixelcolor::Rgb888;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::Rectangle;

const SIZES: [(u32, u32); 4] = [(320, 240), (480, 320), (800, 480), (1920, 1080)];

/// Names from Latin, Latin Extended, Greek, Cyrillic and Vietnamese, and long ones.
const NAMES: [&str; 9] = [
    "José Peña",
    "Łukasz Wróbel",
    "Jürgen Müller",
    "Nguyễn Văn An",
    "Σοφία Παπαδοπούλου",
    "Дмитрий Иванов",
    // Decomposed accents, as some keyboards send Vietnamese.
    "Nguye\u{302}\u{303}n Thi\u{323} Minh Khai",
    "Maximilian Müller-Lüdenscheidt von Hohenzollern",
    "Małgorzata Żółkiewska-Szczęsna",
];

/// A canvas that also records every pixel asked for, including those off the screen.
struct Recorder {
    canvas: Canvas,
    outside: Vec<Point>,
}

impl OriginDimensions for Recorder {
    fn size(&self) -> Size {
        self.canvas.size()
    }
}

impl DrawTarget for Recorder {
    type Color = Rgb888;
    type Error = core::convert::Infallible;

    fn draw_iter<I: IntoIterator<Item = Pixel<Rgb888>>>(
        &mut self,
        pixels: I,
    ) -> Result<(), Self::Error> {
        let (w, h) = (self.canvas.width() as i32, self.canvas.height() as i32);
        let mut inside = Vec::new();
        for Pixel(p, c) in pixels {
            if p.x < 0 || p.y < 0 || p.x >= w || p.y >= h {
                self.outside.push(p);
            } else {
                inside.push(Pixel(p, c));
            }
        }
        self.canvas.draw_iter(inside)
    }

    fn fill_solid(&mut self, area: &Rectangle, color: Rgb888) -> Result<(), Self::Error> {
        let screen = self.canvas.bounding_box();
        if area.intersection(&screen) != *area {
            self.outside.push(area.top_left);
        }
        self.canvas.fill_solid(area, color)
    }
}

fn verdict(json: serde_json::Value) -> Outcome {
    Outcome::Judged(serde_json::from_value::<ScanVerdict>(json).expect("verdict"))
}

/// The verdicts a station gets, as the scan API sends them, for `name`.
fn verdicts(name: &str) -> Vec<Outcome> {
    vec![
        verdict(serde_json::json!({
            "verdict": "green", "employee_name": name,
            "warnings": [{"code": "expiring_soon", "status": "EXPIRING_SOON",
                "skill_name": "Carretilla elevadora", "date": "2026-12-08T12:00:00Z",
                "message": "Carretilla elevadora — expires 8 Dec 2026"}]
        })),
        verdict(serde_json::json!({
            "verdict": "red", "employee_name": name,
            "reasons": [
                {"code": "skill", "status": "EXPIRED", "skill_name": "Gabelstaplerführerschein",
                 "date": "2026-11-03T12:00:00Z", "message": "x"},
                {"code": "skill", "status": "OUTDATED", "skill_name": "Zasady bezpieczeństwa",
                 "message": "x"},
                {"code": "skill", "status": "MISSING", "skill_name": "Πρώτες βοήθειες",
                 "message": "x"},
            ]
        })),
        verdict(serde_json::json!({
            "verdict": "amber", "employee_name": name,
            "reasons": [{"code": "terminated", "message": "x"}]
        })),
    ]
}

/// Screens without a name: idle, idle with the pinned server certificate, certificate refused,
/// unknown badge, server down, clock not set.
fn nameless(language: Language) -> Vec<Screen> {
    let h = Health::default();
    vec![
        Screen::idle(language, "Prensa 4 — Línea de ensamblaje", "14:05", h),
        caliber_kiosk::station::idle_screen(
            language,
            "Prensa 4 — Línea de ensamblaje",
            "14:05",
            h,
            Some(&caliber_kiosk::pin::Fingerprint::of(
                b"the box's certificate",
            )),
        ),
        screen_for(
            &Outcome::Failed(Failure::CertificateMismatch(
                caliber_kiosk::pin::Fingerprint::of(b"another certificate"),
            )),
            "Presse 4",
            true,
            Health { server: false, ..h },
            language,
        ),
        screen_for(
            &verdict(serde_json::json!({
                "verdict": "amber", "reasons": [{"code": "unknown_badge", "message": "x"}]
            })),
            "Prasa 4",
            true,
            h,
            language,
        ),
        screen_for(
            &Outcome::Failed(Failure::Unreachable("connection refused".into())),
            "Presse 4",
            true,
            Health { server: false, ..h },
            language,
        ),
        screen_for(
            &verdict(serde_json::json!({"verdict": "green", "employee_name": "Ana"})),
            "Press 4",
            false,
            Health { clock: false, ..h },
            language,
        ),
    ]
}

fn words(texts: &[&PlacedText]) -> Vec<String> {
    texts
        .iter()
        .flat_map(|t| t.text.split_whitespace().map(str::to_owned))
        .collect()
}

fn of_part(d: &Drawing, part: Part) -> Vec<&PlacedText> {
    d.texts.iter().filter(|t| t.part == part).collect()
}

/// Columns in `t`'s line box, near where it should be, that hold text pixels.
fn drawn_columns(canvas: &Canvas, bg: Rgb888, t: &PlacedText, from: i32, to: i32) -> Vec<i32> {
    let (w, h) = (canvas.width() as i32, canvas.height() as i32);
    (from.max(0)..to.min(w))
        .filter(|&x| {
            (t.top.max(0)..t.bottom.min(h))
                .any(|y| canvas.pixel(x as u32, y as u32).is_some_and(|p| p != bg))
        })
        .collect()
}

fn check(renderer: &mut Renderer, faces: &[Typeface; 2], screen: &Screen, w: u32, h: u32) {
    let label = format!(
        "{:?} {} {}x{} {:?}",
        screen.state,
        screen.language.code(),
        w,
        h,
        screen.name
    );
    let mut target = Recorder {
        canvas: Canvas::new(w, h),
        outside: Vec::new(),
    };
    let drawing = renderer.draw_on(&mut target, screen).expect("draw");
    assert!(target.outside.is_empty(), "{label}: drawn off screen");
    assert!(
        !drawing.shortened,
        "{label}: shortened {:#?}",
        drawing.texts
    );

    // Every word of the title, the name and the reasons is on screen, whole and in order.
    let expect =
        |t: &str| -> Vec<String> { normalise(t).split_whitespace().map(str::to_owned).collect() };
    assert_eq!(
        words(&of_part(&drawing, Part::Title)),
        expect(&screen.title),
        "{label}"
    );
    let name = screen.name.as_deref().map(expect).unwrap_or_default();
    assert_eq!(words(&of_part(&drawing, Part::Name)), name, "{label}");
    let lines: Vec<String> = screen.lines.iter().flat_map(|l| expect(l)).collect();
    assert_eq!(words(&of_part(&drawing, Part::Line)), lines, "{label}");
    assert_eq!(of_part(&drawing, Part::Health).len(), 3, "{label}");

    let bg = background(screen.state);
    for (i, t) in drawing.texts.iter().enumerate() {
        let face = &faces[usize::from(t.bold)];
        // Every character has a glyph in the bundled font.
        assert_eq!(
            face.missing_glyphs(&t.text),
            Vec::<char>::new(),
            "{label}: {t:?}"
        );
        // Inside the screen, and over no other text.
        assert!(
            t.x >= 0 && t.top >= 0 && t.x + t.width as i32 <= w as i32 && t.bottom <= h as i32,
            "{label}: {t:?} leaves the screen"
        );
        for other in &drawing.texts[i + 1..] {
            let apart = t.x + t.width as i32 <= other.x
                || other.x + other.width as i32 <= t.x
                || t.bottom <= other.top
                || other.bottom <= t.top;
            assert!(apart, "{label}: {t:?} overlaps {other:?}");
        }
        // Drawn where measured: the ink on screen spans exactly the measured ink (one pixel
        // of slack for a faint anti-aliased edge) and the measured width is the layout's.
        assert_eq!(face.width(&t.text, t.px), t.width, "{label}: {t:?}");
        let Some(ink) = face.ink_span(&t.text, t.px) else {
            continue;
        };
        let (left, right) = (t.x + ink.left, t.x + ink.right);
        let columns = drawn_columns(&target.canvas, bg, t, left - 3, right + 3);
        let (Some(first), Some(last)) = (columns.first(), columns.last()) else {
            panic!("{label}: nothing drawn for {t:?}");
        };
        assert!(
            (first - left).abs() <= 1 && (last + 1 - right).abs() <= 1,
            "{label}: {t:?} drawn {first}..{last}, measured {left}..{right}"
        );
    }
}

#[test]
fn every_name_in_every_language_at_every_size_is_drawn_whole() {
    let mut renderer = Renderer::new().expect("fonts");
    let faces = [
        Typeface::regular().expect("font"),
        Typeface::bold().expect("font"),
    ];
    let mut drawn = 0;
    for (w, h) in SIZES {
        for language in Language::ALL {
            for screen in nameless(language) {
                check(&mut renderer, &faces, &screen, w, h);
                drawn += 1;
            }
            for name in NAMES {
                for outcome in verdicts(name) {
                    let screen =
                        screen_for(&outcome, "Prensa 4", true, Health::default(), language);
                    assert_eq!(screen.language, language);
                    check(&mut renderer, &faces, &screen, w, h);
                    drawn += 1;
                }
            }
        }
    }
    assert_eq!(
        drawn,
        SIZES.len() * Language::ALL.len() * (6 + NAMES.len() * 3)
    );
}

#[test]
fn the_recorder_sees_text_drawn_off_the_screen() {
    let mut face = Typeface::bold().expect("font");
    let mut target = Recorder {
        canvas: Canvas::new(200, 100),
        outside: Vec::new(),
    };
    face.draw(
        &mut target,
        "Łukasz",
        Point::new(-10, 50),
        40,
        Rgb888::WHITE,
        Rgb888::BLACK,
    )
    .expect("draw");
    assert!(!target.outside.is_empty());
}

#[test]
fn a_name_too_long_for_any_size_ends_in_a_visible_ellipsis() {
    let mut renderer = Renderer::new().expect("fonts");
    let name = "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschaferswessen \
                Hubert Blaine Wolfeschlegelsteinhausenbergerdorff Senior der Ältere";
    for (w, h) in SIZES {
        let outcome = verdicts(name).remove(1);
        let screen = screen_for(
            &outcome,
            "Presse 4",
            true,
            Health::default(),
            Language::German,
        );
        let mut target = Recorder {
            canvas: Canvas::new(w, h),
            outside: Vec::new(),
        };
        let drawing = renderer.draw_on(&mut target, &screen).expect("draw");
        assert!(target.outside.is_empty(), "{w}x{h}: drawn off screen");
        assert!(drawing.shortened, "{w}x{h}");
        let lines = of_part(&drawing, Part::Name);
        assert!(!lines.is_empty() && lines.len() <= 2, "{w}x{h}: {lines:?}");
        assert!(
            lines.iter().any(|l| l.text.ends_with('…')),
            "{w}x{h}: the cut is visible: {lines:?}"
        );
        for l in &lines {
            assert!(l.x + l.width as i32 <= w as i32, "{w}x{h}: {l:?}");
        }
    }
}

#[test]
fn the_screen_speaks_the_employees_language_when_the_server_names_it() {
    let outcome = verdict(serde_json::json!({
        "verdict": "red", "employee_name": "José Peña", "employee_language": "es-MX",
        "reasons": [{"code": "skill", "status": "EXPIRED", "skill_name": "Carretilla elevadora",
            "date": "2026-11-03T12:00:00Z", "message": "Carretilla elevadora — expired 3 Nov 2026"}]
    }));
    let screen = screen_for(
        &outcome,
        "Press 4",
        true,
        Health::default(),
        Language::English,
    );
    assert_eq!(screen.language, Language::Spanish);
    assert_eq!(
        screen.title,
        Language::Spanish.text(Key::TitleNotQualified, &[])
    );
    assert_eq!(
        screen.lines,
        ["Carretilla elevadora — caducó el 3\u{a0}nov\u{a0}2026"]
    );
    // A language the kiosk has no catalogue for: the station's.
    let outcome = verdict(serde_json::json!({
        "verdict": "red", "employee_name": "Jean Dupont", "employee_language": "fr",
        "reasons": [{"code": "skill", "status": "MISSING", "skill_name": "Chariot élévateur",
            "message": "Chariot élévateur — not certified"}]
    }));
    let screen = screen_for(
        &outcome,
        "Prasa 4",
        true,
        Health::default(),
        Language::Polish,
    );
    assert_eq!(screen.language, Language::Polish);
    assert_eq!(screen.lines, ["Chariot élévateur — brak certyfikatu"]);
    // An older server without skill_name: its own sentence.
    let outcome = verdict(serde_json::json!({
        "verdict": "red", "employee_name": "Aisha Bello",
        "reasons": [{"code": "skill", "status": "EXPIRED", "date": "2026-11-03T12:00:00Z",
            "message": "Injection Molding — expired 3 Nov 2026"}]
    }));
    let screen = screen_for(
        &outcome,
        "Press 4",
        true,
        Health::default(),
        Language::German,
    );
    assert_eq!(screen.lines, ["Injection Molding — expired 3 Nov 2026"]);
    assert_eq!(screen.state, ScreenState::Red);
}
