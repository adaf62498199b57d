//! Settings from flags, environment and an optional TOML file, in that order of precedence.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

/// Where the system-wide configuration lives on the appliance.
pub const SYSTEM_CONFIG: &str = "/etc/caliber/caliber.toml";

/// Values the configuration file may set.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Data directory (the redb file and attachments).
    pub data_dir: Option<PathBuf>,
    /// Address to listen on, e.g. `0.0.0.0:8080`.
    pub listen: Option<SocketAddr>,
    /// Public base URL printed on badges, e.g. `https://caliber.plant.local`.
    pub public_url: Option<String>,
    /// Public badge page requests allowed per client address per minute (default 60).
    pub badge_per_minute: Option<u32>,
    /// Minutes a web session may sit idle before it ends (default 30).
    pub session_idle_minutes: Option<u64>,
    /// Folder the server's scheduled and on-demand bundles go to (default `DATA_DIR/backups`).
    pub backup_dir: Option<PathBuf>,
    /// How many bundles to keep there, the newest (default 14).
    pub backup_keep: Option<usize>,
    /// Hours between scheduled backups; 0 turns the schedule off (default 24).
    pub backup_every_hours: Option<u64>,
    /// age X25519 recipients (`age1…`) every bundle is encrypted to; none: signed only.
    pub backup_recipients: Option<Vec<String>>,
    /// The store's page cache in MiB (default 64): what the store may keep in memory on a box
    /// with 1–4 GiB that serves the kiosks first.
    pub store_cache_mib: Option<usize>,
    /// PEM certificate chain to serve HTTPS with (with `tls_key`).
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of `tls_cert`.
    pub tls_key: Option<PathBuf>,
    /// Serve HTTPS with a certificate the box makes on first start (kept in `DATA_DIR/tls`).
    pub tls_self_signed: Option<bool>,
}

impl FileConfig {
    /// The backup settings for the store in `data_dir`; refuses a recipient that is not an
    /// age X25519 recipient, so a typo is found at start and not at the first backup.
    pub fn backup_settings(
        &self,
        data_dir: &Path,
    ) -> anyhow::Result<crate::service::BackupSettings> {
        let mut s = crate::service::BackupSettings::defaults(data_dir);
        if let Some(d) = &self.backup_dir {
            s.dir = d.clone();
        }
        if let Some(k) = self.backup_keep {
            anyhow::ensure!(k > 0, "backup_keep must be at least 1");
            s.keep = k;
        }
        if let Some(h) = self.backup_every_hours {
            s.every = (h > 0).then(|| std::time::Duration::from_secs(h * 3600));
        }
        if let Some(r) = &self.backup_recipients {
            for one in r {
                one.trim().parse::<age::x25519::Recipient>().map_err(|_| {
                    anyhow::anyhow!(
                        "backup_recipients: '{one}' is not an age X25519 recipient (age1…)"
                    )
                })?;
            }
            s.recipients = r.clone();
        }
        Ok(s)
    }

    /// Read `path` if given (it must exist), else the system file if it exists, else defaults.
    pub fn load(path: Option<&Path>) -> anyhow::Result<FileConfig> {
        let (path, required) = match path {
            Some(p) => (p.to_owned(), true),
            None => (PathBuf::from(SYSTEM_CONFIG), false),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(FileConfig::default());
            }
            Err(e) => {
                return Err(e).with_context(|| format!("cannot read config {}", path.display()));
            }
        };
        toml::from_str(&text).with_context(|| format!("invalid config {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_config_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("caliber.toml");
        std::fs::write(
            &p,
            "data_dir = \"/srv/caliber\"\nlisten = \"127.0.0.1:9000\"\n",
        )
        .expect("write");
        let c = FileConfig::load(Some(&p)).expect("load");
        assert_eq!(c.data_dir, Some(PathBuf::from("/srv/caliber")));
        assert_eq!(c.listen, Some("127.0.0.1:9000".parse().expect("addr")));
    }

    #[test]
    fn rejects_unknown_keys_and_missing_explicit_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("caliber.toml");
        std::fs::write(&p, "datadir = \"/x\"\n").expect("write");
        assert!(FileConfig::load(Some(&p)).is_err());
        assert!(FileConfig::load(Some(&dir.path().join("none.toml"))).is_err());
    }
}
