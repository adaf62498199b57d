//! Drawing a [`Screen`] with embedded-graphics into an RGB canvas of any size: large type
//! (the built-in 10×20 font scaled up by whole pixels), a colour, a word and an icon for each
//! state, and the health of camera, server and clock in words too.

use embedded_graphics::mono_font::MonoTextStyle;
use embedded_graphics::mono_font::ascii::FONT_10X20;
use embedded_graphics::pixelcolor::Rgb888;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::{
    Circle, Line, PrimitiveStyle, PrimitiveStyleBuilder, Rectangle, Triangle,
};
use embedded_graphics::text::{Baseline, Text};

use crate::screen::{Screen, ScreenState};

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
}

/// A view of a canvas where every pixel is an `s`×`s` block: big type from a small font.
struct Scaled<'a> {
    canvas: &'a mut Canvas,
    s: u32,
}

impl OriginDimensions for Scaled<'_> {
    fn size(&self) -> Size {
        Size::new(self.canvas.width / self.s, self.canvas.height / self.s)
    }
}

impl DrawTarget for Scaled<'_> {
    type Color = Rgb888;
    type Error = core::convert::Infallible;

    fn draw_iter<I: IntoIterator<Item = Pixel<Rgb888>>>(
        &mut self,
        pixels: I,
    ) -> Result<(), Self::Error> {
        let s = self.s as i32;
        for Pixel(p, c) in pixels {
            let r = Rectangle::new(Point::new(p.x * s, p.y * s), Size::new(self.s, self.s));
            self.canvas.fill_solid(&r, c)?;
        }
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

/// Draw `text` with its top-left at `(x, y)` in canvas pixels, at scale `s`, clipped to
/// `max_chars`.
fn text(canvas: &mut Canvas, x: u32, y: u32, s: u32, max_chars: usize, t: &str) {
    let s = s.max(1);
    let clipped: String = if t.chars().count() > max_chars && max_chars > 1 {
        let mut c: String = t.chars().take(max_chars - 1).collect();
        c.push('~');
        c
    } else {
        t.to_owned()
    };
    // The 10x20 font is ASCII: keep the meaning of the few non-ASCII marks the server uses.
    let ascii: String = clipped
        .chars()
        .map(|c| match c {
            '—' | '–' => '-',
            c if c.is_ascii() => c,
            _ => '?',
        })
        .collect();
    let mut view = Scaled { canvas, s };
    let style = MonoTextStyle::new(&FONT_10X20, WHITE);
    let _ = Text::with_baseline(
        &ascii,
        Point::new((x / s) as i32, (y / s) as i32),
        style,
        Baseline::Top,
    )
    .draw(&mut view);
}

/// Split `t` into lines of at most `width` characters at spaces (long words are cut).
fn wrap(t: &str, width: usize) -> Vec<String> {
    let width = width.max(4);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in t.split(' ') {
        let needed = if line.is_empty() {
            word.chars().count()
        } else {
            line.chars().count() + 1 + word.chars().count()
        };
        if needed > width && !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

fn icon(canvas: &mut Canvas, state: ScreenState, x: i32, y: i32, d: u32) {
    let thick = (d / 8).max(3);
    let line = PrimitiveStyle::with_stroke(WHITE, thick);
    let di = d as i32;
    let _ = Circle::new(Point::new(x, y), d)
        .into_styled(PrimitiveStyle::with_stroke(WHITE, (thick / 2).max(2)))
        .draw(canvas);
    match state {
        ScreenState::Green => {
            let _ = Line::new(
                Point::new(x + di / 4, y + di / 2),
                Point::new(x + di * 5 / 12, y + di * 7 / 10),
            )
            .into_styled(line)
            .draw(canvas);
            let _ = Line::new(
                Point::new(x + di * 5 / 12, y + di * 7 / 10),
                Point::new(x + di * 3 / 4, y + di * 3 / 10),
            )
            .into_styled(line)
            .draw(canvas);
        }
        ScreenState::Red => {
            let (a, b) = (di * 3 / 10, di * 7 / 10);
            let _ = Line::new(Point::new(x + a, y + a), Point::new(x + b, y + b))
                .into_styled(line)
                .draw(canvas);
            let _ = Line::new(Point::new(x + b, y + a), Point::new(x + a, y + b))
                .into_styled(line)
                .draw(canvas);
        }
        ScreenState::Amber => {
            let _ = Triangle::new(
                Point::new(x + di / 2, y + di / 5),
                Point::new(x + di / 5, y + di * 3 / 4),
                Point::new(x + di * 4 / 5, y + di * 3 / 4),
            )
            .into_styled(PrimitiveStyle::with_stroke(WHITE, (thick / 2).max(2)))
            .draw(canvas);
            let _ = Line::new(
                Point::new(x + di / 2, y + di * 2 / 5),
                Point::new(x + di / 2, y + di * 3 / 5),
            )
            .into_styled(PrimitiveStyle::with_stroke(WHITE, (thick / 2).max(2)))
            .draw(canvas);
        }
        ScreenState::Idle => {
            // A badge: a card with a code square.
            let card = PrimitiveStyleBuilder::new()
                .stroke_color(WHITE)
                .stroke_width((thick / 2).max(2))
                .build();
            let _ = Rectangle::new(
                Point::new(x + di / 4, y + di / 5),
                Size::new(d / 2, d * 3 / 5),
            )
            .into_styled(card)
            .draw(canvas);
            let _ = Rectangle::new(
                Point::new(x + di * 3 / 8, y + di * 3 / 10),
                Size::new(d / 4, d / 4),
            )
            .into_styled(PrimitiveStyle::with_fill(WHITE))
            .draw(canvas);
        }
    }
}

/// Draw `screen` over the whole canvas.
pub fn draw(canvas: &mut Canvas, screen: &Screen) {
    let (w, h) = (canvas.width(), canvas.height());
    let _ = canvas.clear(background(screen.state));
    // Scales: the 10×20 font at `body` is the small text, `title` the headline.
    let body = (h / 240).max(1);
    let title = (h / 110).max(2).min(w / (10 * 14));
    let name = (title * 2 / 3).max(body);
    let margin = w / 40;
    let chars = |s: u32| ((w - 2 * margin) / (10 * s.max(1))) as usize;

    // Top bar: station and clock.
    text(
        canvas,
        margin,
        margin / 2,
        body,
        chars(body).saturating_sub(8),
        &screen.station,
    );
    let clock_x = w.saturating_sub(margin + 10 * body * screen.clock.len() as u32);
    text(canvas, clock_x, margin / 2, body, 8, &screen.clock);

    // Icon and title.
    let icon_d = 20 * title;
    let top = margin / 2 + 20 * body + margin;
    icon(canvas, screen.state, margin as i32, top as i32, icon_d);
    let title_x = margin * 2 + icon_d;
    let title_chars = ((w - title_x - margin) / (10 * title)) as usize;
    text(canvas, title_x, top, title, title_chars, &screen.title);

    let mut y = top + icon_d + margin / 2;
    if let Some(n) = &screen.name {
        text(canvas, margin, y, name, chars(name), n);
        y += 20 * name + margin / 2;
    }
    let line_s = body;
    let footer_h = 20 * body + margin;
    'lines: for l in &screen.lines {
        for part in wrap(l, chars(line_s)) {
            if y + 20 * line_s > h.saturating_sub(footer_h) {
                break 'lines;
            }
            text(canvas, margin, y, line_s, chars(line_s), &part);
            y += 20 * line_s + line_s * 2;
        }
        y += line_s * 2;
    }

    // Footer: health of camera, server, clock — a dot and a word each.
    let fy = h - footer_h + margin / 3;
    let mut x = margin;
    let slot = (w - 2 * margin) / 3;
    let short = w < 400;
    for (label, ok) in [
        (if short { "CAM" } else { "CAMERA" }, screen.health.camera),
        (if short { "SRV" } else { "SERVER" }, screen.health.server),
        (if short { "CLK" } else { "CLOCK" }, screen.health.clock),
    ] {
        let dot = 14 * body;
        let colour = if ok {
            Rgb888::new(0x4a, 0xde, 0x80)
        } else {
            Rgb888::new(0xf8, 0x71, 0x71)
        };
        let _ = Circle::new(Point::new(x as i32, (fy + 3 * body) as i32), dot)
            .into_styled(
                PrimitiveStyleBuilder::new()
                    .fill_color(colour)
                    .stroke_color(WHITE)
                    .stroke_width(1)
                    .build(),
            )
            .draw(canvas);
        let word = format!("{label} {}", if ok { "OK" } else { "FAIL" });
        text(canvas, x + dot + 4 * body, fy, body, 12, &word);
        x += slot;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screen::Health;

    fn count(c: &Canvas, colour: Rgb888) -> usize {
        (0..c.height())
            .flat_map(|y| (0..c.width()).map(move |x| (x, y)))
            .filter(|(x, y)| c.pixel(*x, *y) == Some(colour))
            .count()
    }

    #[test]
    fn every_state_has_its_colour_and_white_words_at_every_size() {
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
                    station: "Press 4".into(),
                    title: "NOT QUALIFIED".into(),
                    name: Some("Maria Gonzalez".into()),
                    lines: vec!["Forklift Operation — expired 3 Nov 2026".into()],
                    clock: "14:05".into(),
                    health: Health::default(),
                };
                draw(&mut c, &screen);
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
            }
        }
    }
}
