//! `badge-decode PATH...`: print `<path>\t<decoded text>` per image (empty text when nothing
//! was read), or `--camera /dev/video0` to print badge tokens live.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use caliber_badge_reader::{DecodeOptions, Decoder, DirectorySource};
use clap::Parser;

/// Decode QR codes in images (or from a camera) the way a Caliber kiosk does.
#[derive(Debug, Parser)]
#[command(name = "badge-decode", version, about)]
struct Args {
    /// Image files or folders of images.
    paths: Vec<PathBuf>,
    /// Read badges live from this camera device instead (needs the `camera` feature).
    #[arg(long)]
    camera: Option<String>,
    /// Camera resolution, e.g. 1280x720.
    #[arg(long, default_value = "1280x720")]
    resolution: String,
    /// Decode files as the kiosk decodes camera frames (fast attempts only) instead of trying
    /// everything on each photograph.
    #[arg(long)]
    stream: bool,
}

/// Escape tabs, newlines and backslashes so every result stays on one line.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

fn main() -> ExitCode {
    let args = Args::parse();
    if let Some(device) = &args.camera {
        return camera(device, &args.resolution);
    }
    if args.paths.is_empty() {
        eprintln!("badge-decode: give image files or folders (or --camera DEVICE)");
        return ExitCode::from(2);
    }
    let mut source = match DirectorySource::new(&args.paths) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("badge-decode: {e}");
            return ExitCode::from(2);
        }
    };
    // Single images: there is no next frame, so try everything (unless asked not to).
    let options = if args.stream {
        DecodeOptions::default()
    } else {
        DecodeOptions::exhaustive()
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    while let Some((path, frame)) = source.next_file() {
        // Each file is a first sighting: no region carried over from the previous one.
        let mut decoder = Decoder::new(options.clone());
        let text = match frame {
            Ok(frame) => decoder.decode(&frame).map(|d| d.text).unwrap_or_default(),
            Err(e) => {
                eprintln!("badge-decode: {e}");
                String::new()
            }
        };
        if writeln!(out, "{}\t{}", path.display(), escape(&text)).is_err() {
            break;
        }
    }
    ExitCode::SUCCESS
}

#[cfg(feature = "camera")]
fn camera(device: &str, resolution: &str) -> ExitCode {
    use caliber_badge_reader::camera::CameraSource;
    use caliber_badge_reader::{
        BadgeReader, DebounceMode, Debouncer, FrameSource, PayloadPolicy, ReadEvent,
    };
    let (w, h) = resolution
        .split_once('x')
        .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
        .unwrap_or((1280, 720));
    let mut source = match CameraSource::open(device, w, h) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("badge-decode: {e}");
            return ExitCode::from(2);
        }
    };
    let mut reader = BadgeReader::new(
        Decoder::new(DecodeOptions::default()),
        PayloadPolicy::any_host(),
        Debouncer::new(std::time::Duration::from_secs(3), DebounceMode::Single),
    );
    loop {
        match source.next_frame() {
            Ok(Some(frame)) => match reader.read(&frame, std::time::Instant::now()) {
                ReadEvent::Badge(t) => println!("{t}"),
                ReadEvent::Rejected(e) => eprintln!("not a badge: {e}"),
                ReadEvent::Nothing | ReadEvent::Repeat => {}
            },
            Ok(None) => return ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("badge-decode: {e}");
                return ExitCode::from(1);
            }
        }
    }
}

#[cfg(not(feature = "camera"))]
fn camera(_device: &str, _resolution: &str) -> ExitCode {
    eprintln!("badge-decode: this build has no camera support (build with --features camera)");
    ExitCode::from(2)
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_control_characters() {
        assert_eq!(escape("a\tb\nc\\d"), "a\\tb\\nc\\\\d");
    }
}
