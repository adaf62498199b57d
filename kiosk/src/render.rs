//! Drawing a [`Screen`] with embedded-graphics into an RGB canvas (or any draw target) of any
//! size: anti-aliased proportional type from the bundled Noto Sans ([`crate::typeface`]),
//! sized from the screen's height and fitted to its width — text wraps at spaces or gets
//! smaller, and only when nothing else fits is it shortened with a visible `…` — a colour, a
//! word and an icon for each state, and the health of camera, server and clock in words too.

use embedded_graphics::pixelcolor::Rgb888;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::{
    Circle, Line, PrimitiveStyle, PrimitiveStyleBuilder, Rectangle, Triangle,
};

use crate::language::Key;
use crate::screen::{Screen, ScreenState};
use crate::typeface::{FontError, Typeface, normalise};

/// An RGB frame buffer the screens are drawn into.
#[derive(Debug, Clone, PartialEq)]
pub struct Canvas {
    width: u32,
    height: u32,
    pixels: Vec<Rgb888>,
}

impl Canvas {
    /// A black canvas.
    pub fn new(width: u32, height: u32) -> Self {
        Canvas {
            width,
            height,
            pixels: vec![Rgb888::BLACK; width as usize * height as usize],
        }
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The pixel at (x, y).
    pub fn pixel(&self, x: u32, y: u32) -> Option<Rgb888> {
        (x < self.width && y < self.height).then(|| self.pixels[(y * self.width + x) as usize])
    }

    /// Packed 8-bit RGB bytes, row-major.
    pub fn rgb_bytes(&self) -> Vec<u8> {
        self.pixels
            .iter()
            .flat_map(|p| [p.r(), p.g(), p.b()])
            .collect()
    }
}

impl OriginDimensions for Canvas {
    fn size(&self) -> Size {
        Size::new(self.width, self.height)
    }
}

impl DrawTarget for Canvas {
    type Color = Rgb888;
    type Error = core::convert::Infallible;

    fn draw_iter<I: IntoIterator<Item = Pixel<Rgb888>>>(
        &mut self,
        pixels: I,
    ) -> Result<(), Self::Error> {
        for Pixel(p, c) in pixels {
            if p.x >= 0 && p.y >= 0 && (p.x as u32) < self.width && (p.y as u32) < self.height {
                self.pixels[(p.y as u32 * self.width + p.x as u32) as usize] = c;
            }
        }
        Ok(())
    }

    fn fill_solid(&mut self, area: &Rectangle, color: Rgb888) -> Result<(), Self::Error> {
        let area = area.intersection(&self.bounding_box());
        let Some(bottom_right) = area.bottom_right() else {
            return Ok(());
        };
        let width = self.width as usize;
        for y in area.top_left.y..=bottom_right.y {
            let row = y as usize * width;
            self.pixels[row + area.top_left.x as usize..=row + bottom_right.x as usize].fill(color);
        }
        Ok(())
    }

    fn clear(&mut self, color: Rgb888) -> Result<(), Self::Error> {
        self.pixels.fill(color);
        Ok(())
    }
}

/// Background colour of each state (with white text, contrast ≥ 4.5:1).
pub fn background(state: ScreenState) -> Rgb888 {
    match state {
        ScreenState::Idle => Rgb888::new(0x1e, 0x29, 0x3b),
        ScreenState::Green => Rgb888::new(0x15, 0x6b, 0x35),
        ScreenState::Red => Rgb888::new(0xb9, 0x1c, 0x1c),
        ScreenState::Amber => Rgb888::new(0x92, 0x40, 0x0e),
    }
}

const WHITE: Rgb888 = Rgb888::WHITE;

fn icon<D>(target: &mut D, state: ScreenState, x: i32, y: i32, d: u32) -> Result<(), D::Error>
where
    D: DrawTarget<Color = Rgb888>,
{
    let thick = (d / 8).max(3);
    let line = PrimitiveStyle::with_stroke(WHITE, thick);
    let di = d as i32;
    Circle::new(Point::new(x, y), d)
        .into_styled(PrimitiveStyle::with_stroke(WHITE, (thick / 2).max(2)))
        .draw(target)?;
    match state {
        ScreenState::Green => {
            Line::new(
                Point::new(x + di / 4, y + di / 2),
                Point::new(x + di * 5 / 12, y + di * 7 / 10),
            )
            .into_styled(line)
            .draw(target)?;
            Line::new(
                Point::new(x + di * 5 / 12, y + di * 7 / 10),
                Point::new(x + di * 3 / 4, y + di * 3 / 10),
            )
            .into_styled(line)
            .draw(target)?;
        }
        ScreenState::Red => {
            let (a, b) = (di * 3 / 10, di * 7 / 10);
            Line::new(Point::new(x + a, y + a), Point::new(x + b, y + b))
                .into_styled(line)
                .draw(target)?;
            Line::new(Point::new(x + b, y + a), Point::new(x + a, y + b))
                .into_styled(line)
                .draw(target)?;
        }
        ScreenState::Amber => {
            Triangle::new(
                Point::new(x + di / 2, y + di / 5),
                Point::new(x + di / 5, y + di * 3 / 4),
                Point::new(x + di * 4 / 5, y + di * 3 / 4),
            )
            .into_styled(PrimitiveStyle::with_stroke(WHITE, (thick / 2).max(2)))
            .draw(target)?;
            Line::new(
                Point::new(x + di / 2, y + di * 2 / 5),
                Point::new(x + di / 2, y + di * 3 / 5),
            )
            .into_styled(PrimitiveStyle::with_stroke(WHITE, (thick / 2).max(2)))
            .draw(target)?;
        }
        ScreenState::Idle => {
            // A badge: a card with a code square.
            let card = PrimitiveStyleBuilder::new()
                .stroke_color(WHITE)
                .stroke_width((thick / 2).max(2))
                .build();
            Rectangle::new(
                Point::new(x + di / 4, y + di / 5),
                Size::new(d / 2, d * 3 / 5),
            )
            .into_styled(card)
            .draw(target)?;
            Rectangle::new(
                Point::new(x + di * 3 / 8, y + di * 3 / 10),
                Size::new(d / 4, d / 4),
            )
            .into_styled(PrimitiveStyle::with_fill(WHITE))
            .draw(target)?;
        }
    }
    Ok(())
}

/// Which part of a screen a line of text belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Station name, top left.
    Station,
    /// Wall clock, top right.
    Clock,
    /// The headline beside the icon.
    Title,
    /// The employee's name.
    Name,
    /// A reason or warning.
    Line,
    /// A health word in the footer.
    Health,
}

/// One line of text as laid out on a screen.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedText {
    /// Where on the screen.
    pub part: Part,
    /// The text drawn (normalised; a shortened text ends in `…`).
    pub text: String,
    /// Pen start, pixels from the left.
    pub x: i32,
    /// Baseline, pixels from the top.
    pub baseline: i32,
    /// Top of its line box (baseline minus the font's ascent).
    pub top: i32,
    /// Bottom of its line box (baseline plus the font's descent).
    pub bottom: i32,
    /// Type size, pixels per em.
    pub px: u32,
    /// Advance width as measured when laying out.
    pub width: u32,
    /// Bold (headline and name) or regular.
    pub bold: bool,
}

/// What drawing a screen did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Drawing {
    /// Every line of text, in drawing order.
    pub texts: Vec<PlacedText>,
    /// Whether something did not fit even at the smallest size and was shortened with a
    /// visible `…`.
    pub shortened: bool,
}

/// Whether a line may break at `c`: any space but the no-break ones that hold a date or a
/// number together.
fn breaks(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}')
}

/// Lines of `text` broken at spaces so that each is at most `width` wide at `px`; `None` if a
/// single word is wider than `width` (a word is never split).
pub fn wrap(face: &Typeface, text: &str, px: u32, width: u32) -> Option<Vec<String>> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(breaks).filter(|w| !w.is_empty()) {
        if face.width(word, px) > width {
            return None;
        }
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if face.width(&candidate, px) <= width {
            line = candidate;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_owned()));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    Some(lines)
}

/// `text` cut at a character boundary so that it and a trailing `…` fit `width` at `px`.
fn ellipsize(face: &Typeface, text: &str, px: u32, width: u32) -> String {
    let mut chars: Vec<char> = text.trim_end().chars().collect();
    loop {
        let s: String = chars.iter().collect::<String>().trim_end().to_owned() + "…";
        if face.width(&s, px) <= width || chars.is_empty() {
            return s;
        }
        chars.pop();
    }
}

/// A block of text fitted into a box.
#[derive(Debug, Clone, PartialEq)]
struct Fitted {
    px: u32,
    /// Lines of each paragraph.
    paragraphs: Vec<Vec<String>>,
    shortened: bool,
}

/// A box text must fit: its size, the sizes it may use and how many lines it may take.
#[derive(Debug, Clone, Copy)]
struct Room {
    width: u32,
    height: u32,
    max_px: u32,
    min_px: u32,
    max_lines: usize,
}

/// Gap between paragraphs at `px`.
fn paragraph_gap(px: u32) -> u32 {
    px / 3
}

fn block_height(face: &Typeface, paragraphs: &[Vec<String>], px: u32) -> u32 {
    let lines: usize = paragraphs.iter().map(Vec::len).sum();
    let gaps = paragraphs
        .iter()
        .filter(|p| !p.is_empty())
        .count()
        .saturating_sub(1);
    lines as u32 * face.line_height(px) + gaps as u32 * paragraph_gap(px)
}

/// Lay `paragraphs` out in `room` at the largest size that keeps every word whole and every
/// line inside; only if nothing fits at the smallest size are words or lines dropped, and
/// then the last line shown ends in a visible `…`.
fn fit(face: &Typeface, paragraphs: &[String], room: Room) -> Fitted {
    let min_px = room.min_px.max(1);
    let mut px = room.max_px.max(min_px);
    loop {
        let wrapped: Option<Vec<Vec<String>>> = paragraphs
            .iter()
            .map(|p| wrap(face, p, px, room.width))
            .collect();
        if let Some(wrapped) = wrapped {
            let lines: usize = wrapped.iter().map(Vec::len).sum();
            if lines <= room.max_lines && block_height(face, &wrapped, px) <= room.height {
                return Fitted {
                    px,
                    paragraphs: wrapped,
                    shortened: false,
                };
            }
        }
        if px == min_px {
            break;
        }
        // Steps of about 4 %: fine enough that the chosen size is the largest that fits.
        px = (px - (px / 25).max(1)).max(min_px);
    }
    shorten(face, paragraphs, room, min_px)
}

/// The last resort at the smallest size: words wider than the box end in `…`, and lines
/// below the box are dropped with `…` on the last line shown.
fn shorten(face: &Typeface, paragraphs: &[String], room: Room, px: u32) -> Fitted {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut dropped = false;
    let mut used_lines = 0usize;
    'paragraphs: for p in paragraphs {
        let words: Vec<String> = p
            .split(breaks)
            .filter(|w| !w.is_empty())
            .map(|w| {
                if face.width(w, px) > room.width {
                    ellipsize(face, w, px, room.width)
                } else {
                    w.to_owned()
                }
            })
            .collect();
        let lines = wrap(face, &words.join(" "), px, room.width).unwrap_or_default();
        let mut kept = Vec::new();
        for line in lines {
            let mut trial = out.clone();
            trial.push([kept.clone(), vec![line.clone()]].concat());
            if used_lines + 1 > room.max_lines || block_height(face, &trial, px) > room.height {
                dropped = true;
                if !kept.is_empty() {
                    out.push(kept);
                }
                break 'paragraphs;
            }
            kept.push(line);
            used_lines += 1;
        }
        out.push(kept);
    }
    if dropped {
        if let Some(last) = out
            .iter_mut()
            .rev()
            .find(|p| !p.is_empty())
            .and_then(|p| p.last_mut())
        {
            *last = ellipsize(face, last, px, room.width);
        } else if room.max_lines > 0 && face.line_height(px) <= room.height {
            out = vec![vec!["…".to_owned()]];
        }
    }
    Fitted {
        px,
        paragraphs: out,
        shortened: true,
    }
}

/// Draws screens: Noto Sans Regular and Bold with their glyph caches. Make one and keep it,
/// so each screen after the first reuses the rasterised glyphs.
#[derive(Debug)]
pub struct Renderer {
    regular: Typeface,
    bold: Typeface,
}

/// The sizes of one screen's parts, all from its width and height.
#[derive(Debug, Clone, Copy)]
struct Metrics {
    margin: u32,
    bar_px: u32,
    icon: u32,
    title_px: u32,
    name_px: u32,
    body_px: u32,
    footer_px: u32,
}

impl Metrics {
    fn of(w: u32, h: u32) -> Self {
        // Sizes follow the height (the distance a screen is read from grows with it), and
        // the margin the width.
        Metrics {
            margin: (w / 40).max(4),
            bar_px: (h / 16).max(11),
            icon: (h / 5).max(24),
            title_px: (h / 7).max(14),
            name_px: (h / 9).max(13),
            body_px: (h / 13).max(12),
            footer_px: (h / 18).max(10),
        }
    }
}

impl Renderer {
    /// A renderer with the bundled fonts.
    pub fn new() -> Result<Self, FontError> {
        Ok(Renderer {
            regular: Typeface::regular()?,
            bold: Typeface::bold()?,
        })
    }

    /// The face for bold or regular text.
    pub fn face(&self, bold: bool) -> &Typeface {
        if bold { &self.bold } else { &self.regular }
    }

    fn place(
        &self,
        out: &mut Vec<PlacedText>,
        part: Part,
        bold: bool,
        text: String,
        (x, top): (i32, i32),
        px: u32,
    ) -> i32 {
        let face = self.face(bold);
        let baseline = top + face.ascent(px) as i32;
        let bottom = baseline + face.descent(px) as i32;
        out.push(PlacedText {
            part,
            width: face.width(&text, px),
            text,
            x,
            baseline,
            top,
            bottom,
            px,
            bold,
        });
        bottom
    }

    /// Place a fitted block from `top`; returns the bottom of its last line.
    fn place_block(
        &self,
        out: &mut Vec<PlacedText>,
        part: Part,
        bold: bool,
        fitted: Fitted,
        x: i32,
        top: i32,
    ) -> i32 {
        let mut y = top;
        let mut first = true;
        for paragraph in fitted.paragraphs {
            if paragraph.is_empty() {
                continue;
            }
            if !first {
                y += paragraph_gap(fitted.px) as i32;
            }
            first = false;
            for line in paragraph {
                y = self.place(out, part, bold, line, (x, y), fitted.px);
            }
        }
        y
    }

    /// Where every line of text of `screen` goes on a `w`×`h` screen.
    pub fn layout(&self, w: u32, h: u32, screen: &Screen) -> Drawing {
        let m = Metrics::of(w, h);
        let margin = m.margin;
        let mut texts = Vec::new();
        let mut shortened = false;
        let regular = &self.regular;
        let bold = &self.bold;

        // Top bar: the clock right-aligned, the station name in the room left of it.
        let bar_top = (margin / 2) as i32;
        let clock = normalise(&screen.clock);
        let clock_w = regular.width(&clock, m.bar_px);
        let clock_x = w.saturating_sub(margin + clock_w) as i32;
        self.place(
            &mut texts,
            Part::Clock,
            false,
            clock,
            (clock_x, bar_top),
            m.bar_px,
        );
        let station = fit(
            regular,
            &[normalise(&screen.station)],
            Room {
                width: w.saturating_sub(3 * margin + clock_w),
                height: regular.line_height(m.bar_px),
                max_px: m.bar_px,
                min_px: (m.bar_px * 3 / 4).max(10),
                max_lines: 1,
            },
        );
        shortened |= station.shortened;
        let bar_bottom = self.place_block(
            &mut texts,
            Part::Station,
            false,
            station,
            margin as i32,
            bar_top,
        );

        // Icon and headline, the headline centred on the icon.
        let title_top = bar_bottom + (margin / 2) as i32;
        let title_x = 2 * margin + m.icon;
        let title = fit(
            bold,
            &[normalise(&screen.title)],
            Room {
                width: w.saturating_sub(title_x + margin),
                height: m.icon,
                max_px: m.title_px,
                min_px: (h / 20).max(10),
                max_lines: 2,
            },
        );
        shortened |= title.shortened;
        let title_h = block_height(bold, &title.paragraphs, title.px);
        let title_y = title_top + (m.icon.saturating_sub(title_h) / 2) as i32;
        self.place_block(
            &mut texts,
            Part::Title,
            true,
            title,
            title_x as i32,
            title_y,
        );
        let mut y = title_top + m.icon.max(title_h) as i32 + (margin / 2) as i32;

        // Footer line box.
        let footer_top = h as i32 - (margin / 3) as i32 - regular.line_height(m.footer_px) as i32;

        // The employee's name: big, on one line if it can be, else two, else smaller.
        if let Some(name) = &screen.name {
            let room_h = (footer_top - y).max(0) as u32;
            let fitted = fit(
                bold,
                &[normalise(name)],
                Room {
                    width: w.saturating_sub(2 * margin),
                    height: (h / 5).max(bold.line_height(m.name_px)).min(room_h),
                    max_px: m.name_px,
                    min_px: (h / 22).max(10),
                    max_lines: 2,
                },
            );
            shortened |= fitted.shortened;
            y = self.place_block(&mut texts, Part::Name, true, fitted, margin as i32, y)
                + (margin / 3) as i32;
        }

        // Reasons or warnings: one paragraph each, all at one size.
        if !screen.lines.is_empty() {
            let lines: Vec<String> = screen.lines.iter().map(|l| normalise(l)).collect();
            let fitted = fit(
                regular,
                &lines,
                Room {
                    width: w.saturating_sub(2 * margin),
                    height: (footer_top - (margin / 3) as i32 - y).max(0) as u32,
                    max_px: m.body_px,
                    min_px: (h / 24).max(10),
                    max_lines: usize::MAX,
                },
            );
            shortened |= fitted.shortened;
            self.place_block(&mut texts, Part::Line, false, fitted, margin as i32, y);
        }

        // Footer: a dot and words for camera, server and clock.
        let l = screen.language;
        let slot = (w.saturating_sub(2 * margin)) / 3;
        let dot = self.dot_size(m.footer_px);
        let room = slot.saturating_sub(dot + dot / 2 + margin / 2);
        let health = screen.health;
        let items = [
            (Key::HealthCamera, Key::HealthCameraShort, health.camera),
            (Key::HealthServer, Key::HealthServerShort, health.server),
            (Key::HealthClock, Key::HealthClockShort, health.clock),
        ];
        let state_word = |ok: bool| l.text(if ok { Key::HealthOk } else { Key::HealthFail }, &[]);
        let long_fits = items.iter().all(|(long, _, ok)| {
            let t = normalise(&format!("{} {}", l.text(*long, &[]), state_word(*ok)));
            regular.width(&t, m.footer_px) <= room
        });
        for (i, (long, short, ok)) in items.into_iter().enumerate() {
            let label = l.text(if long_fits { long } else { short }, &[]);
            let word = normalise(&format!("{label} {}", state_word(ok)));
            let fitted = fit(
                regular,
                &[word],
                Room {
                    width: room,
                    height: regular.line_height(m.footer_px),
                    max_px: m.footer_px,
                    min_px: (m.footer_px * 2 / 3).max(9),
                    max_lines: 1,
                },
            );
            shortened |= fitted.shortened;
            let x = margin + i as u32 * slot + dot + dot / 2;
            // Same baseline for every slot whatever size each needed.
            let top = footer_top + (regular.ascent(m.footer_px) - regular.ascent(fitted.px)) as i32;
            self.place_block(&mut texts, Part::Health, false, fitted, x as i32, top);
        }
        Drawing { texts, shortened }
    }

    fn dot_size(&self, footer_px: u32) -> u32 {
        (footer_px * 7 / 10).max(6)
    }

    /// Draw `screen` over the whole canvas.
    pub fn draw(&mut self, canvas: &mut Canvas, screen: &Screen) -> Drawing {
        match self.draw_on(canvas, screen) {
            Ok(d) => d,
            Err(never) => match never {},
        }
    }

    /// Draw `screen` on any embedded-graphics target (a canvas, an SPI panel): background,
    /// icon, health dots, then every line of text from [`Renderer::layout`].
    pub fn draw_on<D>(&mut self, target: &mut D, screen: &Screen) -> Result<Drawing, D::Error>
    where
        D: DrawTarget<Color = Rgb888> + OriginDimensions,
    {
        let Size {
            width: w,
            height: h,
        } = target.size();
        let bg = background(screen.state);
        target.clear(bg)?;
        let drawing = self.layout(w, h, screen);
        let m = Metrics::of(w, h);
        let bar_bottom = drawing
            .texts
            .iter()
            .filter(|t| t.part == Part::Station)
            .map(|t| t.bottom)
            .max()
            .unwrap_or(0);
        icon(
            target,
            screen.state,
            m.margin as i32,
            bar_bottom + (m.margin / 2) as i32,
            m.icon,
        )?;
        let dot = self.dot_size(m.footer_px);
        let slot = (w.saturating_sub(2 * m.margin)) / 3;
        let footer_top =
            h as i32 - (m.margin / 3) as i32 - self.regular.line_height(m.footer_px) as i32;
        // The dot centred on the middle of the capitals (cap height ≈ 0.71 em).
        let baseline = footer_top + self.regular.ascent(m.footer_px) as i32;
        let dot_top = baseline - (m.footer_px * 36 / 100) as i32 - (dot / 2) as i32;
        for (i, ok) in [
            screen.health.camera,
            screen.health.server,
            screen.health.clock,
        ]
        .into_iter()
        .enumerate()
        {
            let colour = if ok {
                Rgb888::new(0x4a, 0xde, 0x80)
            } else {
                Rgb888::new(0xf8, 0x71, 0x71)
            };
            let x = (m.margin + i as u32 * slot) as i32;
            Circle::new(Point::new(x, dot_top), dot)
                .into_styled(
                    PrimitiveStyleBuilder::new()
                        .fill_color(colour)
                        .stroke_color(WHITE)
                        .stroke_width(1)
                        .build(),
                )
                .draw(target)?;
        }
        for t in &drawing.texts {
            let face = if t.bold {
                &mut self.bold
            } else {
                &mut self.regular
            };
            face.draw(
                target,
                &t.text,
                Point::new(t.x, t.baseline),
                t.px,
                WHITE,
                bg,
            )?;
        }
        Ok(drawing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::Language;
    use crate::screen::Health;

    fn count(c: &Canvas, colour: Rgb888) -> usize {
        (0..c.height())
            .flat_map(|y| (0..c.width()).map(move |x| (x, y)))
            .filter(|(x, y)| c.pixel(*x, *y) == Some(colour))
            .count()
    }

    #[test]
    fn every_state_has_its_colour_and_white_anti_aliased_words_at_every_size() {
        let mut renderer = Renderer::new().expect("fonts");
        for (w, h) in [(320, 240), (480, 320), (800, 480), (1920, 1080)] {
            for state in [
                ScreenState::Idle,
                ScreenState::Green,
                ScreenState::Red,
                ScreenState::Amber,
            ] {
                let mut c = Canvas::new(w, h);
                let screen = Screen {
                    state,
                    language: Language::Spanish,
                    station: "Prensa 4".into(),
                    title: "NO HABILITADO".into(),
                    name: Some("José Peña".into()),
                    lines: vec!["Carretilla elevadora — caducó el 3 nov 2026".into()],
                    clock: "14:05".into(),
                    health: Health::default(),
                };
                renderer.draw(&mut c, &screen);
                let bg = count(&c, background(state));
                let white = count(&c, WHITE);
                let total = (w * h) as usize;
                assert!(
                    bg > total / 2,
                    "{state:?} at {w}x{h}: background {bg}/{total}"
                );
                assert!(
                    white > total / 100,
                    "{state:?} at {w}x{h}: too little text ({white})"
                );
                // Anti-aliased: edges are blends, neither white nor the background.
                let blended = total - bg - white;
                assert!(
                    blended > white / 10,
                    "{state:?} at {w}x{h}: no smooth edges"
                );
            }
        }
    }

    #[test]
    fn wrapping_keeps_every_word_and_never_splits_one() {
        let face = Typeface::regular().expect("font");
        let text =
            "Gabelstaplerführerschein — abgelaufen am 3. Nov. 2026 und Sicherheitsunterweisung";
        for width in [300, 420, 600, 2000] {
            let lines = wrap(&face, text, 24, width).expect("every word fits");
            let joined: Vec<&str> = lines.iter().flat_map(|l| l.split(' ')).collect();
            let words: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(joined, words, "width {width}");
            for l in &lines {
                assert!(face.width(l, 24) <= width, "{l:?} wider than {width}");
            }
        }
        // A word wider than the line is refused, not cut.
        assert_eq!(wrap(&face, text, 24, 100), None);
    }

    #[test]
    fn fitting_shrinks_before_it_shortens_and_shortening_is_visible() {
        let face = Typeface::bold().expect("font");
        let room = Room {
            width: 300,
            height: 2 * face.line_height(40),
            max_px: 40,
            min_px: 12,
            max_lines: 2,
        };
        let fitted = fit(&face, &["Σοφία Παπαδοπούλου".to_owned()], room);
        assert!(!fitted.shortened);
        assert!(fitted.px <= 40);
        let words: Vec<String> = fitted.paragraphs.concat();
        assert_eq!(words.join(" "), "Σοφία Παπαδοπούλου");
        let long = ["word ".repeat(200)];
        let fitted = fit(&face, &long, room);
        assert!(fitted.shortened);
        assert_eq!(fitted.px, 12);
        let last = fitted.paragraphs.concat().pop().expect("a line");
        assert!(last.ends_with('…'), "{last}");
        assert!(fitted.paragraphs.concat().len() <= 2);
    }
}
