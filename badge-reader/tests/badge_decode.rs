//! `badge-decode` as a person runs it: one line per image, escaped text, empty when unread,
//! exit 0 even for broken files.

use std::process::Command;

use caliber_badge_reader::synthetic::{Category, render_badge_frame};

#[test]
fn prints_one_line_per_image() {
    let dir = std::env::temp_dir().join(format!("badge-decode-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let text = "line one\tcol\\two\nline two";
    render_badge_frame(text, "X", &Category::Clean.distortion(4), 4)
        .save(dir.join("a_code.png"))
        .expect("save");
    image::GrayImage::from_pixel(320, 240, image::Luma([200]))
        .save(dir.join("b_blank.png"))
        .expect("save");
    std::fs::write(dir.join("c_broken.png"), b"nope").expect("write");
    std::fs::write(dir.join("notes.txt"), b"not an image").expect("write");

    let out = Command::new(env!("CARGO_BIN_EXE_badge-decode"))
        .arg(&dir)
        .output()
        .expect("run badge-decode");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].ends_with("a_code.png\tline one\\tcol\\\\two\\nline two"),
        "{}",
        lines[0]
    );
    assert!(lines[1].ends_with("b_blank.png\t"), "{}", lines[1]);
    assert!(lines[2].ends_with("c_broken.png\t"), "{}", lines[2]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("c_broken.png"));
    let _ = std::fs::remove_dir_all(&dir);
}
