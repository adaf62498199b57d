//! The kiosk's type: Noto Sans (bundled under `kiosk/fonts/`, SIL Open Font License)
//! rasterised by fontdue into anti-aliased coverage maps, cached per glyph and size, and
//! blended onto any embedded-graphics draw target. Covers Latin, Latin Extended, Greek,
//! Cyrillic and Vietnamese, so every operator's name is drawn as it is written.

use std::collections::HashMap;

use embedded_graphics::pixelcolor::Rgb888;
use embedded_graphics::prelude::*;
use unicode_normalization::UnicodeNormalization;

/// Noto Sans Regular, the body type.
const NOTO_SANS_REGULAR: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");
/// Noto Sans Bold, headlines and names.
const NOTO_SANS_BOLD: &[u8] = include_bytes!("../fonts/NotoSans-Bold.ttf");

/// The glyph cache is dropped whole once it holds this many coverage bytes (a 1920×1080
/// screen needs well under a megabyte; this bounds a long-running station).
const CACHE_LIMIT_BYTES: usize = 16 << 20;

/// A bundled font that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("bundled font {name} is unreadable: {reason}")]
pub struct FontError {
    /// Which font.
    pub name: &'static str,
    /// What the font parser said.
    pub reason: &'static str,
}

/// One rasterised glyph: its coverage map and where it sits relative to the pen.
#[derive(Debug)]
struct Glyph {
    /// Left edge of the map from the pen position, pixels.
    xmin: i32,
    /// Bottom edge of the map above the baseline, pixels.
    ymin: i32,
    width: usize,
    height: usize,
    /// Row-major coverage, 0 (none) to 255 (full).
    coverage: Vec<u8>,
}

/// How far ink reaches, in pixels from the pen start of a line of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InkSpan {
    /// Leftmost column with ink.
    pub left: i32,
    /// One past the rightmost column with ink.
    pub right: i32,
}

/// A font face with its glyph cache.
pub struct Typeface {
    name: &'static str,
    font: fontdue::Font,
    cache: HashMap<(u16, u32), Glyph>,
    cached_bytes: usize,
}

impl std::fmt::Debug for Typeface {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Typeface({}, {} glyphs cached)",
            self.name,
            self.cache.len()
        )
    }
}

/// Text as it will be drawn: Unicode NFC, so a name typed with combining accents (as some
/// keyboards send Vietnamese) uses the font's precomposed letters.
pub fn normalise(text: &str) -> String {
    text.nfc().collect()
}

impl Typeface {
    fn load(name: &'static str, bytes: &'static [u8]) -> Result<Self, FontError> {
        let font = fontdue::Font::from_bytes(bytes, fontdue::FontSettings::default())
            .map_err(|reason| FontError { name, reason })?;
        Ok(Typeface {
            name,
            font,
            cache: HashMap::new(),
            cached_bytes: 0,
        })
    }

    /// Noto Sans Regular.
    pub fn regular() -> Result<Self, FontError> {
        Self::load("Noto Sans Regular", NOTO_SANS_REGULAR)
    }

    /// Noto Sans Bold.
    pub fn bold() -> Result<Self, FontError> {
        Self::load("Noto Sans Bold", NOTO_SANS_BOLD)
    }

    /// The font's glyph for `c`, or `None` when the font has none (it would draw the
    /// "missing glyph" box).
    pub fn glyph_index(&self, c: char) -> Option<u16> {
        match self.font.lookup_glyph_index(c) {
            0 => None,
            i => Some(i),
        }
    }

    /// Characters of `text` (after normalising) the font has no glyph for.
    pub fn missing_glyphs(&self, text: &str) -> Vec<char> {
        normalise(text)
            .chars()
            .filter(|c| self.glyph_index(*c).is_none())
            .collect()
    }

    fn indices(&self, text: &str) -> Vec<u16> {
        text.chars()
            .map(|c| self.font.lookup_glyph_index(c))
            .collect()
    }

    /// Pen offsets (pixels, from the start of the line) of each glyph of `text` at `px`,
    /// and the advance of the whole line.
    fn pen_positions(&self, glyphs: &[u16], px: u32) -> (Vec<f32>, f32) {
        let size = px as f32;
        let mut pens = Vec::with_capacity(glyphs.len());
        let mut pen = 0.0f32;
        let mut previous: Option<u16> = None;
        for &g in glyphs {
            if let Some(p) = previous {
                pen += self.font.horizontal_kern_indexed(p, g, size).unwrap_or(0.0);
            }
            pens.push(pen);
            pen += self.font.metrics_indexed(g, size).advance_width;
            previous = Some(g);
        }
        (pens, pen)
    }

    /// The advance width of `text` (already normalised) at `px`: where the next text would
    /// start. Wrapping and fitting measure with this.
    pub fn width(&self, text: &str, px: u32) -> u32 {
        let (_, advance) = self.pen_positions(&self.indices(text), px);
        advance.ceil() as u32
    }

    /// The columns `text` (already normalised) puts ink in at `px`, from the pen start; `None`
    /// for text without ink (spaces).
    pub fn ink_span(&self, text: &str, px: u32) -> Option<InkSpan> {
        let glyphs = self.indices(text);
        let (pens, _) = self.pen_positions(&glyphs, px);
        let mut span: Option<InkSpan> = None;
        for (g, pen) in glyphs.iter().zip(pens) {
            let m = self.font.metrics_indexed(*g, px as f32);
            if m.width == 0 || m.height == 0 {
                continue;
            }
            let left = pen.round() as i32 + m.xmin;
            let right = left + m.width as i32;
            span = Some(match span {
                None => InkSpan { left, right },
                Some(s) => InkSpan {
                    left: s.left.min(left),
                    right: s.right.max(right),
                },
            });
        }
        span
    }

    /// Height above the baseline that the font's tallest letters (accented capitals, stacked
    /// Vietnamese marks) may reach at `px`.
    pub fn ascent(&self, px: u32) -> u32 {
        self.font
            .horizontal_line_metrics(px as f32)
            .map_or(px as f32 * 1.07, |m| m.ascent)
            .ceil() as u32
    }

    /// Depth below the baseline of descenders at `px`.
    pub fn descent(&self, px: u32) -> u32 {
        self.font
            .horizontal_line_metrics(px as f32)
            .map_or(px as f32 * 0.3, |m| -m.descent)
            .ceil() as u32
    }

    /// The height of one line of type at `px`: ascent plus descent, so stacked lines never
    /// touch.
    pub fn line_height(&self, px: u32) -> u32 {
        self.ascent(px) + self.descent(px)
    }

    fn glyph(&mut self, index: u16, px: u32) -> &Glyph {
        if !self.cache.contains_key(&(index, px)) && self.cached_bytes > CACHE_LIMIT_BYTES {
            self.cache.clear();
            self.cached_bytes = 0;
        }
        let font = &self.font;
        let cached_bytes = &mut self.cached_bytes;
        self.cache.entry((index, px)).or_insert_with(|| {
            let (m, coverage) = font.rasterize_indexed(index, px as f32);
            *cached_bytes += coverage.len();
            Glyph {
                xmin: m.xmin,
                ymin: m.ymin,
                width: m.width,
                height: m.height,
                coverage,
            }
        })
    }

    /// Draw one line of `text` (already normalised) with its pen start and baseline at
    /// `origin`, in `colour` blended by coverage over `background` (the screens are a solid
    /// colour, so this is exact and works on write-only panels too). Returns the advance
    /// width drawn.
    pub fn draw<D>(
        &mut self,
        target: &mut D,
        text: &str,
        origin: Point,
        px: u32,
        colour: Rgb888,
        background: Rgb888,
    ) -> Result<u32, D::Error>
    where
        D: DrawTarget<Color = Rgb888>,
    {
        let (x, baseline) = (origin.x, origin.y);
        let glyphs = self.indices(text);
        let (pens, advance) = self.pen_positions(&glyphs, px);
        let blend = |a: u8| {
            let mix = |f: u8, b: u8, a: u8| {
                let (f, b, a) = (u32::from(f), u32::from(b), u32::from(a));
                ((f * a + b * (255 - a) + 127) / 255) as u8
            };
            Rgb888::new(
                mix(colour.r(), background.r(), a),
                mix(colour.g(), background.g(), a),
                mix(colour.b(), background.b(), a),
            )
        };
        for (g, pen) in glyphs.iter().zip(pens) {
            let glyph = self.glyph(*g, px);
            if glyph.width == 0 {
                continue;
            }
            let left = x + pen.round() as i32 + glyph.xmin;
            let top = baseline - glyph.ymin - glyph.height as i32;
            let width = glyph.width;
            let pixels = glyph
                .coverage
                .iter()
                .enumerate()
                .filter(|(_, a)| **a > 0)
                .map(|(i, a)| {
                    let p = Point::new(left + (i % width) as i32, top + (i / width) as i32);
                    Pixel(p, blend(*a))
                });
            target.draw_iter(pixels)?;
        }
        Ok(advance.ceil() as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_fonts_cover_every_script_operators_are_named_in() {
        let names = [
            "José Peña",
            "Łukasz Wróbel",
            "Jürgen Müller",
            "Nguyễn Văn An",
            "Σοφία Παπαδοπούλου",
            "Дмитрий Иванов",
            "Çağla Öztürk",
            "Ærøskøbing Ångström ß ẞ",
            "— … «» „“ ‚‘ ·",
        ];
        for face in [Typeface::regular(), Typeface::bold()] {
            let face = face.expect("bundled font");
            for n in names {
                assert_eq!(
                    face.missing_glyphs(n),
                    Vec::<char>::new(),
                    "{n} in {face:?}"
                );
            }
            // And the check itself sees a glyph the font does not have.
            assert_eq!(face.missing_glyphs("A\u{10FFFD}"), vec!['\u{10FFFD}']);
        }
    }

    #[test]
    fn decomposed_accents_become_precomposed_letters() {
        assert_eq!(normalise("Nguye\u{302}\u{303}n"), "Nguyễn");
    }

    #[test]
    fn width_grows_with_size_and_text() {
        let face = Typeface::regular().expect("font");
        assert!(face.width("Müller", 40) > face.width("Müller", 20));
        assert!(face.width("Müllers", 40) > face.width("Müller", 40));
        // Proportional: an i is narrower than an m.
        assert!(face.width("iiii", 40) < face.width("mmmm", 40));
    }
}
