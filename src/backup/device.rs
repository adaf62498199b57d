//! The device key: an Ed25519 key made on the box's first start, kept in the data directory
//! (mode 0600), never put in a bundle and never logged. It signs every bundle's manifest; its
//! fingerprint (SHA-256 of the 32-byte public key, hex) is what the central archive enrols
//! and what `--expect-key` checks.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use super::{BackupError, Result};

/// File name of the device key in the data directory.
pub const DEVICE_KEY_FILE: &str = "device-key";

/// First line of the key file, naming its format.
const KEY_HEADER: &str = "caliber-device-key-v1";

/// The box's signing key.
pub struct DeviceKey {
    signing: SigningKey,
}

impl std::fmt::Debug for DeviceKey {
    /// Shows the fingerprint only: the secret half never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceKey")
            .field("fingerprint", &self.fingerprint())
            .finish()
    }
}

/// The fingerprint of an Ed25519 public key: SHA-256 of its 32 bytes, lower-case hex.
pub fn fingerprint_of(public: &VerifyingKey) -> String {
    hex::encode(Sha256::digest(public.as_bytes()))
}

/// A fingerprint as people type it (upper case, `:` or spaces between groups) in the one
/// form Caliber prints: 64 lower-case hex digits.
pub fn normalize_fingerprint(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ':' | ' ' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

impl DeviceKey {
    /// A new random key from the operating system's generator (not saved).
    pub fn generate() -> Result<DeviceKey> {
        use rand::TryRngCore;
        let mut seed = [0u8; 32];
        rand::rngs::OsRng.try_fill_bytes(&mut seed).map_err(|e| {
            BackupError::io("cannot get random bytes for a device key")(std::io::Error::other(e))
        })?;
        let key = DeviceKey {
            signing: SigningKey::from_bytes(&seed),
        };
        seed.fill(0);
        Ok(key)
    }

    /// The key of the data directory `dir`, if one was made.
    pub fn load(dir: &Path) -> Result<Option<DeviceKey>> {
        let path = dir.join(DEVICE_KEY_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(BackupError::io(format!("cannot read {}", path.display()))(
                    e,
                ));
            }
        };
        let bad = |message: &str| BackupError::DeviceKey {
            path: path.clone(),
            message: message.to_owned(),
        };
        let mut lines = text.lines();
        if lines.next() != Some(KEY_HEADER) {
            return Err(bad("not a Caliber device key file"));
        }
        let seed = lines
            .next()
            .and_then(|l| B64.decode(l.trim()).ok())
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| bad("the key is damaged"))?;
        Ok(Some(DeviceKey {
            signing: SigningKey::from_bytes(&seed),
        }))
    }

    /// The key of `dir`, made and saved (mode 0600, durably) if there is none yet.
    pub fn load_or_create(dir: &Path) -> Result<DeviceKey> {
        if let Some(k) = DeviceKey::load(dir)? {
            return Ok(k);
        }
        let key = DeviceKey::generate()?;
        if key.save(dir)? {
            tracing::info!(fingerprint = %key.fingerprint(), "made a new device key");
            return Ok(key);
        }
        // Another thread or process made one at the same time: theirs is the key.
        DeviceKey::load(dir)?.ok_or_else(|| BackupError::DeviceKey {
            path: dir.join(DEVICE_KEY_FILE),
            message: "a key appeared and vanished while this one was saved".into(),
        })
    }

    /// Write the key into `dir`; `false` (and nothing written) when a key is already there.
    fn save(&self, dir: &Path) -> Result<bool> {
        let path = dir.join(DEVICE_KEY_FILE);
        let tmp = crate::backup::export::temp_name(dir, DEVICE_KEY_FILE);
        let io = |what: &str| BackupError::io(format!("{what} {}", path.display()));
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(io("cannot create"))?;
        // The umask cannot widen 0600, but a file system that ignores modes is caught here.
        f.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(io("cannot restrict"))?;
        let body = format!("{KEY_HEADER}\n{}\n", B64.encode(self.signing.to_bytes()));
        f.write_all(body.as_bytes()).map_err(io("cannot write"))?;
        f.sync_all().map_err(io("cannot sync"))?;
        drop(f);
        // A hard link fails if a key appeared meanwhile (another process made one first).
        match std::fs::hard_link(&tmp, &path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let _ = std::fs::remove_file(&tmp);
                return Ok(false);
            }
            Err(e) => return Err(io("cannot save")(e)),
        }
        let _ = std::fs::remove_file(&tmp);
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(true)
    }

    /// The public half.
    pub fn public(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// The public key, base64 (standard alphabet, 44 characters).
    pub fn public_base64(&self) -> String {
        B64.encode(self.public().as_bytes())
    }

    /// The public key, hex.
    pub fn public_hex(&self) -> String {
        hex::encode(self.public().as_bytes())
    }

    /// SHA-256 of the public key, hex: what the archive enrols and `--expect-key` checks.
    pub fn fingerprint(&self) -> String {
        fingerprint_of(&self.public())
    }

    /// Sign `message` (the exact manifest bytes).
    pub fn sign(&self, message: &[u8]) -> Signature {
        self.signing.sign(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_with_mode_0600_and_reloads_the_same() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = DeviceKey::load_or_create(dir.path()).expect("create");
        let b = DeviceKey::load_or_create(dir.path()).expect("load");
        assert_eq!(a.fingerprint(), b.fingerprint());
        let mode = std::fs::metadata(dir.path().join(DEVICE_KEY_FILE))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(!format!("{a:?}").contains(&B64.encode(a.signing.to_bytes())));
    }

    #[test]
    fn a_damaged_key_file_is_an_error_not_a_new_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join(DEVICE_KEY_FILE),
            "caliber-device-key-v1\nxx\n",
        )
        .expect("write");
        assert!(DeviceKey::load_or_create(dir.path()).is_err());
    }

    #[test]
    fn fingerprints_are_normalized() {
        assert_eq!(normalize_fingerprint("AB:cd 12-3"), "abcd123");
    }
}
