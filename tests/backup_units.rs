//! The USB-stick units pass `systemd-analyze verify` (Debian's `systemd` package), with the
//! real `caliber` binary in place of `/usr/bin/caliber`, and the udev rule starts the unit
//! that exists.

use std::path::Path;
use std::process::Command;

const UNITS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/systemd");

/// Copy the template unit (and the server unit it requires) into `dir`, pointing at the
/// built binary, and verify one instance of it.
fn verify_in(dir: &Path, edit: impl Fn(String) -> String) -> (bool, String) {
    for name in ["caliber-usb-export@.service", "caliber.service"] {
        let text = std::fs::read_to_string(Path::new(UNITS).join(name)).expect("unit");
        let text = edit(text.replace("/usr/bin/caliber", env!("CARGO_BIN_EXE_caliber")));
        std::fs::write(dir.join(name), text).expect("write");
    }
    let o = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(dir.join("caliber-usb-export@sdb1.service"))
        .output()
        .expect("systemd-analyze is installed (apt-get install systemd)");
    (
        o.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

#[test]
fn the_usb_export_unit_passes_systemd_analyze_verify() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ok, out) = verify_in(dir.path(), |t| t);
    assert!(ok, "{out}");
    assert!(
        !out.contains("caliber-usb-export"),
        "no complaint about the unit: {out}"
    );
    // The check would notice a broken unit.
    let broken = tempfile::tempdir().expect("tempdir");
    let (ok, out) = verify_in(broken.path(), |t| {
        t.replace("Type=oneshot", "Type=oneshoot\nExecStart=relative")
    });
    assert!(!ok, "{out}");
}

#[test]
fn the_udev_rule_starts_the_template_for_usb_fat_and_exfat_file_systems() {
    let rule =
        std::fs::read_to_string(Path::new(UNITS).join("90-caliber-usb.rules")).expect("rule");
    let line = rule
        .lines()
        .find(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .expect("a rule");
    assert!(line.contains("ACTION==\"add\""));
    assert!(line.contains("ENV{ID_BUS}==\"usb\""));
    assert!(line.contains("vfat|exfat"));
    assert!(line.contains("ENV{SYSTEMD_WANTS}+=\"caliber-usb-export@%k.service\""));
    assert!(
        Path::new(UNITS)
            .join("caliber-usb-export@.service")
            .exists()
    );
    let unit = std::fs::read_to_string(Path::new(UNITS).join("caliber-usb-export@.service"))
        .expect("unit");
    assert!(unit.contains("backup to-stick"));
    assert!(unit.contains("CALIBER-BACKUP") && unit.contains("caliber-backup"));
    assert!(unit.contains("ExecStopPost=-/usr/bin/umount"));
}
