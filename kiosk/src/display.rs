//! Where screens go: the Linux framebuffer (HDMI panel) or a PNG file (tests, and the server's
//! kiosk mirror).

use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::render::Canvas;

/// A screen output.
pub trait Display {
    /// The size screens should be drawn at.
    fn size(&self) -> (u32, u32);
    /// Show a drawn canvas.
    fn show(&mut self, canvas: &Canvas) -> std::io::Result<()>;
}

/// Writes each screen to a PNG file (atomically: temp file, then rename).
#[derive(Debug)]
pub struct PngDisplay {
    path: PathBuf,
    width: u32,
    height: u32,
}

impl PngDisplay {
    /// A PNG display of `width`×`height` writing to `path`.
    pub fn new(path: &Path, width: u32, height: u32) -> Self {
        PngDisplay {
            path: path.to_owned(),
            width,
            height,
        }
    }
}

/// Encode a canvas as PNG bytes.
pub fn png_bytes(canvas: &Canvas) -> std::io::Result<Vec<u8>> {
    let img = image::RgbImage::from_raw(canvas.width(), canvas.height(), canvas.rgb_bytes())
        .ok_or_else(|| std::io::Error::other("canvas size mismatch"))?;
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(std::io::Error::other)?;
    Ok(out.into_inner())
}

impl Display for PngDisplay {
    fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn show(&mut self, canvas: &Canvas) -> std::io::Result<()> {
        let bytes = png_bytes(canvas)?;
        let tmp = self.path.with_extension("png.tmp");
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &self.path)
    }
}

/// The Linux framebuffer: geometry from sysfs, pixels written to the device.
#[derive(Debug)]
pub struct FramebufferDisplay {
    device: PathBuf,
    width: u32,
    height: u32,
    bits: u32,
    stride: u32,
}

fn sysfs(name: &str, file: &str) -> std::io::Result<String> {
    std::fs::read_to_string(format!("/sys/class/graphics/{name}/{file}"))
        .map(|s| s.trim().to_owned())
}

impl FramebufferDisplay {
    /// Open `/dev/fbN`, reading its size, depth and stride.
    pub fn open(device: &Path) -> std::io::Result<Self> {
        let name = device
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| std::io::Error::other("framebuffer device name"))?;
        let size = sysfs(name, "virtual_size")?;
        let (w, h) = size
            .split_once(',')
            .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
            .ok_or_else(|| std::io::Error::other(format!("bad framebuffer size '{size}'")))?;
        let bits: u32 = sysfs(name, "bits_per_pixel")?
            .parse()
            .map_err(std::io::Error::other)?;
        let stride: u32 = sysfs(name, "stride")?
            .parse()
            .map_err(std::io::Error::other)?;
        if bits != 16 && bits != 32 {
            return Err(std::io::Error::other(format!(
                "unsupported framebuffer depth {bits}"
            )));
        }
        Ok(FramebufferDisplay {
            device: device.to_owned(),
            width: w,
            height: h,
            bits,
            stride,
        })
    }
}

impl Display for FramebufferDisplay {
    fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn show(&mut self, canvas: &Canvas) -> std::io::Result<()> {
        let mut buf = vec![0u8; self.stride as usize * self.height as usize];
        for y in 0..self.height.min(canvas.height()) {
            for x in 0..self.width.min(canvas.width()) {
                let Some(p) = canvas.pixel(x, y) else {
                    continue;
                };
                use embedded_graphics::pixelcolor::RgbColor;
                let off = (y * self.stride) as usize;
                if self.bits == 32 {
                    let i = off + x as usize * 4;
                    buf[i..i + 4].copy_from_slice(&[p.b(), p.g(), p.r(), 0xff]);
                } else {
                    let v: u16 = ((u16::from(p.r()) >> 3) << 11)
                        | ((u16::from(p.g()) >> 2) << 5)
                        | (u16::from(p.b()) >> 3);
                    let i = off + x as usize * 2;
                    buf[i..i + 2].copy_from_slice(&v.to_le_bytes());
                }
            }
        }
        let mut f = std::fs::OpenOptions::new().write(true).open(&self.device)?;
        f.seek(SeekFrom::Start(0))?;
        f.write_all(&buf)
    }
}

impl<T: Display + ?Sized> Display for Box<T> {
    fn size(&self) -> (u32, u32) {
        (**self).size()
    }

    fn show(&mut self, canvas: &Canvas) -> std::io::Result<()> {
        (**self).show(canvas)
    }
}

/// SPI panels (ST7789, ILI9341) through linux-embedded-hal and the mipidsi driver.
#[cfg(feature = "spi-panel")]
pub mod spi_panel {
    use embedded_graphics::pixelcolor::{Rgb565, RgbColor};
    use linux_embedded_hal::gpio_cdev::{Chip, LineRequestFlags};
    use linux_embedded_hal::spidev::{SpiModeFlags, SpidevOptions};
    use linux_embedded_hal::{CdevPin, Delay, SpidevDevice};
    use mipidsi::interface::SpiInterface;
    use mipidsi::models::{ILI9341Rgb565, ST7789};
    use mipidsi::options::ColorInversion;
    use mipidsi::{Builder, Display as Panel};

    use super::Display;
    use crate::render::Canvas;

    type Di = SpiInterface<'static, SpidevDevice, CdevPin>;

    enum Model {
        St7789(Panel<Di, ST7789, CdevPin>),
        Ili9341(Panel<Di, ILI9341Rgb565, CdevPin>),
    }

    /// A panel on an SPI bus with data/command and reset GPIO lines.
    pub struct SpiPanelDisplay {
        panel: Model,
        width: u16,
        height: u16,
    }

    impl std::fmt::Debug for SpiPanelDisplay {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "SpiPanelDisplay({}x{})", self.width, self.height)
        }
    }

    fn err(e: impl std::fmt::Debug) -> std::io::Error {
        std::io::Error::other(format!("{e:?}"))
    }

    fn pin(chip: &mut Chip, line: u32) -> std::io::Result<CdevPin> {
        let handle = chip
            .get_line(line)
            .and_then(|l| l.request(LineRequestFlags::OUTPUT, 0, "caliber-kiosk"))
            .map_err(err)?;
        CdevPin::new(handle).map_err(err)
    }

    impl SpiPanelDisplay {
        /// Open the panel `model` (`st7789` or `ili9341`) on `spidev` (e.g. `/dev/spidev0.0`).
        pub fn open(
            spidev: &str,
            gpio_chip: &str,
            dc_line: u32,
            reset_line: u32,
            model: &str,
            width: u16,
            height: u16,
        ) -> std::io::Result<Self> {
            let mut spi = SpidevDevice::open(spidev).map_err(err)?;
            let options = SpidevOptions::new()
                .max_speed_hz(40_000_000)
                .mode(SpiModeFlags::SPI_MODE_0)
                .build();
            spi.0.configure(&options)?;
            let mut chip = Chip::new(gpio_chip).map_err(err)?;
            let dc = pin(&mut chip, dc_line)?;
            let rst = pin(&mut chip, reset_line)?;
            // The interface's transfer buffer lives as long as the process.
            let buffer: &'static mut [u8] = Box::leak(vec![0u8; 4096].into_boxed_slice());
            let di = SpiInterface::new(spi, dc, buffer);
            let mut delay = Delay;
            let panel = match model {
                "st7789" => Model::St7789(
                    Builder::new(ST7789, di)
                        .display_size(width, height)
                        .invert_colors(ColorInversion::Inverted)
                        .reset_pin(rst)
                        .init(&mut delay)
                        .map_err(err)?,
                ),
                "ili9341" => Model::Ili9341(
                    Builder::new(ILI9341Rgb565, di)
                        .display_size(width, height)
                        .reset_pin(rst)
                        .init(&mut delay)
                        .map_err(err)?,
                ),
                other => {
                    return Err(std::io::Error::other(format!(
                        "unknown panel '{other}' (st7789 or ili9341)"
                    )));
                }
            };
            Ok(SpiPanelDisplay {
                panel,
                width,
                height,
            })
        }
    }

    impl Display for SpiPanelDisplay {
        fn size(&self) -> (u32, u32) {
            (u32::from(self.width), u32::from(self.height))
        }

        fn show(&mut self, canvas: &Canvas) -> std::io::Result<()> {
            let (w, h) = (self.width, self.height);
            let pixels = (0..u32::from(h)).flat_map(|y| {
                (0..u32::from(w)).map(move |x| {
                    let p = canvas
                        .pixel(x, y)
                        .unwrap_or(embedded_graphics::pixelcolor::Rgb888::BLACK);
                    Rgb565::new(p.r() >> 3, p.g() >> 2, p.b() >> 3)
                })
            });
            match &mut self.panel {
                Model::St7789(d) => d.set_pixels(0, 0, w - 1, h - 1, pixels).map_err(err),
                Model::Ili9341(d) => d.set_pixels(0, 0, w - 1, h - 1, pixels).map_err(err),
            }
        }
    }
}
