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
}

impl FileConfig {
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
