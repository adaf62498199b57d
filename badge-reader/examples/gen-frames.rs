//! Write synthetic badge frames as PNG files with the expected text beside each (`.txt`), for
//! the reference decoders in `bench/badge/` and for looking at.
//!
//! `cargo run --release -p caliber-badge-reader --example gen-frames -- OUT_DIR [FRAMES] [CATEGORY]`

use std::path::PathBuf;

use caliber_badge_reader::synthetic::{Category, badge_url, render_badge_frame};

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next().map(PathBuf::from) else {
        eprintln!("usage: gen-frames OUT_DIR [FRAMES_PER_CATEGORY] [CATEGORY]");
        return std::process::ExitCode::from(2);
    };
    let n: u64 = args.next().and_then(|v| v.parse().ok()).unwrap_or(20);
    let only = args.next();
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("gen-frames: {}: {e}", out.display());
        return std::process::ExitCode::from(1);
    }
    for (w, h) in [(640u32, 480u32), (1280, 720)] {
        for cat in Category::ALL {
            if only.as_deref().is_some_and(|o| o != cat.name()) {
                continue;
            }
            for i in 0..n {
                let seed = i * 7919 + 13;
                let token: String = format!("{:0>22}", format!("T{seed}x{w}"))
                    .chars()
                    .take(22)
                    .collect();
                let url = badge_url("caliber.plant.local", &token);
                let img = render_badge_frame(
                    &url,
                    "MARIA GONZALEZ",
                    &cat.distortion(seed).at_size(w, h),
                    seed,
                );
                let base = out.join(format!("{}_{w}x{h}_{i:03}", cat.name()));
                if let Err(e) = img.save(base.with_extension("png")) {
                    eprintln!("gen-frames: {e}");
                    return std::process::ExitCode::from(1);
                }
                let _ = std::fs::write(base.with_extension("txt"), &url);
            }
        }
    }
    std::process::ExitCode::SUCCESS
}
