//! Synthetic badge frames: a Caliber badge (QR of the badge URL, name, card outline) placed in
//! a camera-like frame with the trouble a line station sees — distance, rotation, tilt, blur,
//! motion, noise, low light, laminate glare, a thumb over the code, a busy background.
//! Deterministic for a seed; used by tests, benchmarks and the kiosk's end-to-end test.

use image::{GrayImage, Luma};
use qrcode::{EcLevel, QrCode};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::geometry::{apply, homography};

/// What can go wrong in front of the camera, one knob each.
#[derive(Debug, Clone, PartialEq)]
pub struct Distortion {
    /// Frame size.
    pub width: u32,
    /// Frame height.
    pub height: u32,
    /// Side of the QR code (without quiet zone) in frame pixels.
    pub code_px: f32,
    /// In-plane rotation, degrees.
    pub rotation_deg: f32,
    /// Tilt of the card away from the camera (about its vertical axis), degrees.
    pub tilt_deg: f32,
    /// Defocus: the side in pixels of the square spot a point of the card blurs into (a box
    /// filter either way; 0 or 1 is sharp).
    pub blur: f32,
    /// Horizontal motion blur: how far in pixels the card moves while the frame is exposed
    /// (a box filter that long along the rows; 0 or 1 is still).
    pub motion: f32,
    /// Standard deviation of sensor noise, in grey levels.
    pub noise: f32,
    /// Brightness multiplier (1 normal, 0.25 dim).
    pub light: f32,
    /// A saturated glare patch across part of the code.
    pub glare: bool,
    /// A dark patch (a thumb) over this fraction of the code's area.
    pub occlusion: f32,
    /// Cluttered background instead of a plain one.
    pub busy_background: bool,
    /// Light modules on a dark ground.
    pub inverted: bool,
    /// Tilt of the card's top away from the camera (about its horizontal axis), degrees: a
    /// badge hanging on a lanyard, seen from above.
    pub pitch_deg: f32,
    /// Distance from the camera to the card, in frame widths: the smaller, the stronger the
    /// perspective (near edge larger than far edge).
    pub distance: f32,
    /// In a clear plastic sleeve: contrast lowered by haze and a specular highlight band.
    pub sleeve: bool,
}

impl Distortion {
    /// A clean, frontal badge at 640×480.
    pub fn clean() -> Self {
        Distortion {
            width: 640,
            height: 480,
            code_px: 180.0,
            rotation_deg: 0.0,
            tilt_deg: 0.0,
            blur: 0.0,
            motion: 0.0,
            noise: 2.0,
            light: 1.0,
            glare: false,
            occlusion: 0.0,
            busy_background: false,
            inverted: false,
            pitch_deg: 0.0,
            distance: 1.2,
            sleeve: false,
        }
    }

    /// The same distortion at another frame size (code size scaled with the frame).
    pub fn at_size(mut self, width: u32, height: u32) -> Self {
        let f = height as f32 / self.height as f32;
        self.code_px *= f;
        // Scaled as lengths, not rounded: a blur rounded up to whole pixels at the larger size
        // is relatively longer than at the smaller one.
        self.blur *= f;
        self.motion *= f;
        self.width = width;
        self.height = height;
        self
    }
}

/// Families of synthetic frames, each with randomised parameters in a realistic range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// Frontal, sharp, well lit.
    Clean,
    /// Held far away: code 60–90 px.
    Small,
    /// Held close: code 300–400 px.
    Large,
    /// Turned in the plane up to 180°.
    Rotated,
    /// Tilted away up to 35°.
    Tilted,
    /// Out of focus.
    Blurred,
    /// Moving.
    MotionBlur,
    /// Noisy sensor.
    Noisy,
    /// Dim light.
    LowLight,
    /// Laminate glare.
    Glare,
    /// A thumb over part of the code.
    Occluded,
    /// A busy background around the badge.
    BusyBackground,
    /// Light-on-dark code.
    Inverted,
    /// Hard: 45° tilt plus blur.
    ExtremeTilt,
    /// Hard: a badge at arm's length on a wide-angle camera, a 60 px code (under two pixels
    /// a module at 640×480) with noise and the camera's own blur.
    ExtremeSmall,
    /// In a plastic sleeve: haze halves the contrast and a highlight band crosses the code.
    Sleeve,
    /// On a lanyard: the card's top tipped 60–70° away, seen from close by (strong
    /// perspective).
    Lanyard,
}

impl Category {
    /// Every category.
    pub const ALL: [Category; 17] = [
        Category::Clean,
        Category::Small,
        Category::Large,
        Category::Rotated,
        Category::Tilted,
        Category::Blurred,
        Category::MotionBlur,
        Category::Noisy,
        Category::LowLight,
        Category::Glare,
        Category::Occluded,
        Category::BusyBackground,
        Category::Inverted,
        Category::ExtremeTilt,
        Category::ExtremeSmall,
        Category::Sleeve,
        Category::Lanyard,
    ];

    /// Whether the category is deliberately beyond what a kiosk must always read (the
    /// targets for these are lower).
    pub fn is_extreme(self) -> bool {
        matches!(self, Category::ExtremeTilt | Category::ExtremeSmall)
    }

    /// A short name, e.g. `motion_blur`.
    pub fn name(self) -> &'static str {
        match self {
            Category::Clean => "clean",
            Category::Small => "small",
            Category::Large => "large",
            Category::Rotated => "rotated",
            Category::Tilted => "tilted",
            Category::Blurred => "blurred",
            Category::MotionBlur => "motion_blur",
            Category::Noisy => "noisy",
            Category::LowLight => "low_light",
            Category::Glare => "glare",
            Category::Occluded => "occluded",
            Category::BusyBackground => "busy_background",
            Category::Inverted => "inverted",
            Category::ExtremeTilt => "extreme_tilt",
            Category::ExtremeSmall => "extreme_small",
            Category::Sleeve => "sleeve",
            Category::Lanyard => "lanyard",
        }
    }

    /// Parameters for frame `seed` of this category at 640×480.
    pub fn distortion(self, seed: u64) -> Distortion {
        let mut rng = SmallRng::seed_from_u64(seed ^ 0x5eed_ca11_be70);
        let mut d = Distortion::clean();
        d.code_px = rng.random_range(140.0..220.0);
        d.rotation_deg = rng.random_range(-8.0..8.0);
        d.tilt_deg = rng.random_range(-8.0..8.0);
        match self {
            Category::Clean => {}
            Category::Small => d.code_px = rng.random_range(60.0..90.0),
            Category::Large => d.code_px = rng.random_range(300.0..400.0),
            Category::Rotated => d.rotation_deg = rng.random_range(-180.0..180.0),
            Category::Tilted => {
                d.tilt_deg = rng.random_range(20.0..35.0) * if rng.random() { 1.0 } else { -1.0 }
            }
            // A 3- or 5-pixel spot.
            Category::Blurred => d.blur = 2.0 * rng.random_range(1..=2u8) as f32 + 1.0,
            Category::MotionBlur => d.motion = rng.random_range(3..=6u8) as f32,
            Category::Noisy => d.noise = rng.random_range(12.0..20.0),
            Category::LowLight => {
                d.light = rng.random_range(0.18..0.3);
                d.noise = 4.0;
            }
            Category::Glare => d.glare = true,
            Category::Occluded => d.occlusion = rng.random_range(0.03..0.06),
            Category::BusyBackground => d.busy_background = true,
            Category::Inverted => d.inverted = true,
            Category::ExtremeTilt => {
                d.tilt_deg = 45.0;
                d.blur = 3.0;
            }
            Category::ExtremeSmall => {
                d.code_px = 60.0;
                // A badge at arm's length is in focus on a fixed-focus camera: what blurs it is
                // the lens and sensor, about a 2-pixel spot for a webcam at its own resolution
                // (half contrast at 0.3 cycles per pixel). A 3-pixel spot, rounded up to 5 at
                // 1280×720, averaged 1.7–1.9 modules and left nothing of the finest pattern.
                d.blur = 2.0;
                d.noise = 10.0;
            }
            Category::Sleeve => d.sleeve = true,
            Category::Lanyard => {
                d.code_px = rng.random_range(190.0..260.0);
                d.pitch_deg = rng.random_range(60.0..70.0);
                d.distance = rng.random_range(0.7..0.9);
            }
        }
        d
    }
}

/// The URL a badge carries.
pub fn badge_url(host: &str, token: &str) -> String {
    format!("https://{host}/b/{token}")
}

/// A 3×5 pixel font for badge names: enough for capital letters, digits and a few marks.
fn glyph(c: char) -> u16 {
    // Rows top to bottom, 3 bits each (MSB left).
    let rows: [u8; 5] = match c.to_ascii_uppercase() {
        'A' => [2, 5, 7, 5, 5],
        'B' => [6, 5, 6, 5, 6],
        'C' => [3, 4, 4, 4, 3],
        'D' => [6, 5, 5, 5, 6],
        'E' => [7, 4, 6, 4, 7],
        'F' => [7, 4, 6, 4, 4],
        'G' => [3, 4, 5, 5, 3],
        'H' => [5, 5, 7, 5, 5],
        'I' => [7, 2, 2, 2, 7],
        'J' => [1, 1, 1, 5, 2],
        'K' => [5, 5, 6, 5, 5],
        'L' => [4, 4, 4, 4, 7],
        'M' => [5, 7, 7, 5, 5],
        'N' => [6, 5, 5, 5, 5],
        'O' => [2, 5, 5, 5, 2],
        'P' => [6, 5, 6, 4, 4],
        'Q' => [2, 5, 5, 6, 3],
        'R' => [6, 5, 6, 5, 5],
        'S' => [3, 4, 2, 1, 6],
        'T' => [7, 2, 2, 2, 2],
        'U' => [5, 5, 5, 5, 7],
        'V' => [5, 5, 5, 5, 2],
        'W' => [5, 5, 7, 7, 5],
        'X' => [5, 5, 2, 5, 5],
        'Y' => [5, 5, 2, 2, 2],
        'Z' => [7, 1, 2, 4, 7],
        '0' => [7, 5, 5, 5, 7],
        '1' => [2, 6, 2, 2, 7],
        '2' => [6, 1, 2, 4, 7],
        '3' => [6, 1, 2, 1, 6],
        '4' => [5, 5, 7, 1, 1],
        '5' => [7, 4, 6, 1, 6],
        '6' => [3, 4, 7, 5, 7],
        '7' => [7, 1, 2, 2, 2],
        '8' => [7, 5, 7, 5, 7],
        '9' => [7, 5, 7, 1, 6],
        '-' => [0, 0, 7, 0, 0],
        '.' => [0, 0, 0, 0, 2],
        _ => [0, 0, 0, 0, 0],
    };
    rows.iter().fold(0u16, |acc, r| (acc << 3) | u16::from(*r))
}

/// The flat badge as a card image: white card, thin border, QR with quiet zone, name below.
/// Returns the card and the QR's side in card pixels.
fn card(url: &str, name: &str, module_px: u32, inverted: bool) -> Option<(GrayImage, u32)> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).ok()?;
    let n = code.width() as u32;
    let colors = code.to_colors();
    let qr = n * module_px;
    let quiet = 4 * module_px;
    let text_h = module_px * 6;
    let w = qr + 2 * quiet;
    let h = qr + 2 * quiet + text_h + module_px * 2;
    let (paper, ink) = if inverted {
        (20u8, 235u8)
    } else {
        (245u8, 15u8)
    };
    let mut img = GrayImage::from_pixel(w, h, Luma([paper]));
    for y in 0..n {
        for x in 0..n {
            if colors[(y * n + x) as usize] == qrcode::Color::Dark {
                for dy in 0..module_px {
                    for dx in 0..module_px {
                        img.put_pixel(
                            quiet + x * module_px + dx,
                            quiet + y * module_px + dy,
                            Luma([ink]),
                        );
                    }
                }
            }
        }
    }
    // Name in blocky capitals under the code.
    let scale = (module_px).max(1);
    let chars: Vec<char> = name
        .chars()
        .take(((w - 2 * quiet) / (4 * scale)).max(1) as usize)
        .collect();
    let text_w = chars.len() as u32 * 4 * scale;
    let x0 = (w.saturating_sub(text_w)) / 2;
    let y0 = quiet + qr + module_px * 2;
    for (i, c) in chars.iter().enumerate() {
        let g = glyph(*c);
        for row in 0..5u32 {
            for col in 0..3u32 {
                if g >> (14 - (row * 3 + col)) & 1 == 1 {
                    for dy in 0..scale {
                        for dx in 0..scale {
                            let px = x0 + (i as u32 * 4 + col) * scale + dx;
                            let py = y0 + row * scale + dy;
                            if px < w && py < h {
                                img.put_pixel(px, py, Luma([ink]));
                            }
                        }
                    }
                }
            }
        }
    }
    // Card outline.
    for x in 0..w {
        img.put_pixel(x, 0, Luma([128]));
        img.put_pixel(x, h - 1, Luma([128]));
    }
    for y in 0..h {
        img.put_pixel(0, y, Luma([128]));
        img.put_pixel(w - 1, y, Luma([128]));
    }
    Some((img, qr))
}

fn bilinear(img: &GrayImage, x: f64, y: f64) -> Option<f64> {
    if x < 0.0 || y < 0.0 || x > (img.width() - 1) as f64 || y > (img.height() - 1) as f64 {
        return None;
    }
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (x1, y1) = (
        (x0 + 1).min(img.width() - 1),
        (y0 + 1).min(img.height() - 1),
    );
    let (fx, fy) = (x - x0 as f64, y - y0 as f64);
    let p = |x, y| f64::from(img.get_pixel(x, y).0[0]);
    Some(
        p(x0, y0) * (1.0 - fx) * (1.0 - fy)
            + p(x1, y0) * fx * (1.0 - fy)
            + p(x0, y1) * (1.0 - fx) * fy
            + p(x1, y1) * fx * fy,
    )
}

fn background(w: u32, h: u32, busy: bool, rng: &mut SmallRng) -> Vec<f64> {
    let base: f64 = rng.random_range(70.0..150.0);
    let mut bg: Vec<f64> = (0..h)
        .flat_map(|y| {
            (0..w).map(move |x| base + 25.0 * ((x as f64 / w as f64) - (y as f64 / h as f64)))
        })
        .collect();
    if busy {
        // Shelves, cables, printed labels: random rectangles, stripes and a fake QR-ish grid.
        for _ in 0..40 {
            let (rw, rh) = (rng.random_range(10..w / 3), rng.random_range(5..h / 3));
            let (rx, ry) = (rng.random_range(0..w - rw), rng.random_range(0..h - rh));
            let v: f64 = rng.random_range(0.0..255.0);
            let striped = rng.random_ratio(1, 3);
            for y in ry..ry + rh {
                for x in rx..rx + rw {
                    if !striped || (x / 4) % 2 == 0 {
                        bg[(y * w + x) as usize] = v;
                    }
                }
            }
        }
    }
    bg
}

/// Render a badge for `url` with `name` into a frame with distortion `d`, deterministically
/// for `seed`.
pub fn render_badge_frame(url: &str, name: &str, d: &Distortion, seed: u64) -> GrayImage {
    let mut rng = SmallRng::seed_from_u64(seed);
    let (w, h) = (d.width.max(32), d.height.max(32));
    let mut out = background(w, h, d.busy_background, &mut rng);

    // The card at a resolution a bit above the target so the warp only shrinks it.
    let modules = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map(|c| c.width() as f32)
        .unwrap_or(33.0);
    let module_px = ((d.code_px / modules) * 1.5).ceil().max(2.0) as u32;
    if let Some((card_img, qr_card)) = card(url, name, module_px, d.inverted) {
        let s = f64::from(d.code_px) / f64::from(qr_card);
        let (cw, ch) = (
            f64::from(card_img.width()) * s,
            f64::from(card_img.height()) * s,
        );
        // Corners of the card in a frame-centred plane, rotated, then tilted in 3D.
        let rot = f64::from(d.rotation_deg).to_radians();
        let tilt = f64::from(d.tilt_deg).to_radians();
        let pitch = f64::from(d.pitch_deg).to_radians();
        // The card's centre sits at `depth`; there it appears at `code_px` (frontal).
        let depth = f64::from(w) * f64::from(d.distance.max(0.3));
        // Card coordinates are taken relative to the code's centre, so a card larger than the
        // frame (held close) still shows the whole code; off centre when there is room.
        let code = f64::from(d.code_px) * 1.2;
        let slack_x = ((f64::from(w) - code) / 2.0).max(0.0) * 0.6;
        let slack_y = ((f64::from(h) - code) / 2.0).max(0.0) * 0.6;
        let cx = f64::from(w) / 2.0 + rng.random_range(-1.0..=1.0) * slack_x;
        let cy = f64::from(h) / 2.0 + rng.random_range(-1.0..=1.0) * slack_y;
        // Shift the card so its code centre (not its own centre) is at the origin.
        let code_centre_y = f64::from(module_px * 4 + qr_card / 2) * s - ch / 2.0;
        let corners = [
            (-cw / 2.0, -ch / 2.0 - code_centre_y),
            (cw / 2.0, -ch / 2.0 - code_centre_y),
            (cw / 2.0, ch / 2.0 - code_centre_y),
            (-cw / 2.0, ch / 2.0 - code_centre_y),
        ];
        let project = |(x, y): (f64, f64)| {
            let (xr, yr) = (x * rot.cos() - y * rot.sin(), x * rot.sin() + y * rot.cos());
            // Tilt about the vertical axis: x shrinks, depth changes.
            let (xt, zt) = (xr * tilt.cos(), xr * tilt.sin());
            // Then pitch about the horizontal axis: the top goes away from the camera.
            let (yp, zp) = (
                yr * pitch.cos() - zt * pitch.sin(),
                -yr * pitch.sin() + zt * pitch.cos(),
            );
            let z = depth + zp;
            (cx + xt * depth / z, cy + yp * depth / z)
        };
        let dst = corners.map(project);
        let src = [
            (0.0, 0.0),
            (f64::from(card_img.width()), 0.0),
            (f64::from(card_img.width()), f64::from(card_img.height())),
            (0.0, f64::from(card_img.height())),
        ];
        // A sleeve: haze pulls every card pixel towards a light grey, and a specular band (a
        // line across the card at a random angle, brightest on its axis) washes part of the
        // code out.
        // (Drawn only for a sleeve, so the other categories' frames stay as they were.)
        let card_w = f64::from(card_img.width());
        let code_c = (card_w / 2.0, f64::from(module_px * 4 + qr_card / 2));
        let (haze, band_angle, band_offset, band_half, band_peak) = if d.sleeve {
            (
                rng.random_range(0.45..0.6),
                rng.random_range(0.0..std::f64::consts::PI),
                rng.random_range(-0.25..0.25) * f64::from(qr_card),
                rng.random_range(0.08..0.12) * f64::from(qr_card),
                rng.random_range(80.0..110.0),
            )
        } else {
            (0.0, 0.0, 0.0, 1.0, 0.0)
        };
        let sleeve = |u: f64, v: f64, p: f64| {
            let hazed = 200.0 * haze + p * (1.0 - haze);
            let along =
                (u - code_c.0) * f64::cos(band_angle) + (v - code_c.1) * f64::sin(band_angle);
            let r = (along - band_offset) / band_half;
            (hazed + band_peak * (1.0 - r * r).max(0.0)).min(255.0)
        };
        if let Some(inv) = homography(dst, src) {
            for y in 0..h {
                for x in 0..w {
                    let (u, v) = apply(&inv, f64::from(x) + 0.5, f64::from(y) + 0.5);
                    if let Some(p) = bilinear(&card_img, u, v) {
                        out[(y * w + x) as usize] = if d.sleeve { sleeve(u, v, p) } else { p };
                    }
                }
            }
            // Glare: a bright ellipse over part of the code, saturating the sensor.
            if d.glare {
                let (gx, gy) = project((
                    rng.random_range(-0.3..0.3) * cw,
                    rng.random_range(-0.35..0.0) * ch,
                ));
                let (rx, ry) = (f64::from(d.code_px) * 0.35, f64::from(d.code_px) * 0.12);
                for y in 0..h {
                    for x in 0..w {
                        let (dx, dy) = ((f64::from(x) - gx) / rx, (f64::from(y) - gy) / ry);
                        let r2 = dx * dx + dy * dy;
                        if r2 < 1.0 {
                            let i = (y * w + x) as usize;
                            out[i] = (out[i] + 170.0 * (1.0 - r2)).min(255.0);
                        }
                    }
                }
            }
            // Occlusion: a dark rounded patch (a thumb) inside the data area.
            if d.occlusion > 0.0 {
                let side = f64::from(d.code_px) * f64::from(d.occlusion).sqrt();
                let (ox, oy) = project((
                    rng.random_range(-0.1..0.15) * cw,
                    rng.random_range(-0.05..0.1) * ch,
                ));
                for y in 0..h {
                    for x in 0..w {
                        let (dx, dy) = ((f64::from(x) - ox).abs(), (f64::from(y) - oy).abs());
                        if dx < side / 2.0 && dy < side / 2.0 {
                            out[(y * w + x) as usize] = 60.0;
                        }
                    }
                }
            }
        }
    }

    // Optics and sensor.
    let mut img: Vec<f64> = out;
    if d.blur > 1.0 {
        img = box_blur(&img, w, h, f64::from(d.blur), f64::from(d.blur));
    }
    if d.motion > 1.0 {
        img = box_blur(&img, w, h, f64::from(d.motion), 1.0);
    }
    let pixels = img
        .iter()
        .map(|v| {
            // Sum of uniforms approximates Gaussian noise.
            let n: f64 = (0..4).map(|_| rng.random_range(-1.0..1.0)).sum::<f64>() * 0.866;
            (v * f64::from(d.light) + n * f64::from(d.noise)).clamp(0.0, 255.0) as u8
        })
        .collect();
    GrayImage::from_raw(w, h, pixels).unwrap_or_else(|| GrayImage::new(w, h))
}

/// Weights of a box filter `len` pixels long centred on a pixel: each pixel counts by how
/// much of it the box covers, so lengths between whole pixels blur in between too.
fn box_weights(len: f64) -> Vec<f64> {
    let half = len.max(1.0) / 2.0;
    let reach = (half - 0.5).ceil().max(0.0) as i64;
    (-reach..=reach)
        .map(|k| {
            let (a, b) = (k as f64 - 0.5, k as f64 + 0.5);
            (b.min(half) - a.max(-half)).max(0.0)
        })
        .collect()
}

/// Separable box blur `lx` pixels long along the rows and `ly` along the columns; near the
/// frame's edges the pixels inside it are averaged.
fn box_blur(src: &[f64], w: u32, h: u32, lx: f64, ly: f64) -> Vec<f64> {
    let (w, h) = (w as usize, h as usize);
    let pass = |src: &[f64], len: f64, stride: usize, n: usize, lines: usize, step: usize| {
        let weights = box_weights(len);
        let reach = (weights.len() / 2) as isize;
        let mut out = src.to_vec();
        for line in 0..lines {
            let base = line * step;
            for i in 0..n as isize {
                let (mut sum, mut total) = (0.0, 0.0);
                for (k, wk) in weights.iter().enumerate() {
                    let j = i + k as isize - reach;
                    if (0..n as isize).contains(&j) {
                        sum += wk * src[base + j as usize * stride];
                        total += wk;
                    }
                }
                out[base + i as usize * stride] = sum / total;
            }
        }
        out
    };
    let rows = pass(src, lx, 1, w, h, w);
    pass(&rows, ly, w, h, w, 1)
}

#[cfg(test)]
mod box_tests {
    use super::*;

    #[test]
    fn a_box_between_whole_pixels_weighs_its_ends_by_coverage() {
        assert_eq!(box_weights(1.0), vec![1.0]);
        assert_eq!(box_weights(3.0), vec![1.0, 1.0, 1.0]);
        assert_eq!(box_weights(4.5), vec![0.75, 1.0, 1.0, 1.0, 0.75]);
        // A 6-pixel motion smears a one-pixel line over six pixels' worth of weight.
        let w = box_weights(6.0);
        assert_eq!(w.len(), 7);
        assert!((w.iter().sum::<f64>() - 6.0).abs() < 1e-9);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_deterministic_and_sized() {
        let d = Category::Noisy.distortion(3);
        let a = render_badge_frame("https://h/b/AAAAAAAAAAAAAAAAAAAAAA", "ANA RUIZ", &d, 3);
        let b = render_badge_frame("https://h/b/AAAAAAAAAAAAAAAAAAAAAA", "ANA RUIZ", &d, 3);
        assert_eq!(a, b);
        assert_eq!((a.width(), a.height()), (640, 480));
        let big = render_badge_frame("x", "X", &d.clone().at_size(1280, 720), 3);
        assert_eq!((big.width(), big.height()), (1280, 720));
    }
}
