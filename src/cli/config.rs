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
    /// The plant's SMTP relay for expiry digests (`[smtp]`); none: digests are not sent.
    pub smtp: Option<SmtpConfig>,
    /// Who is told about expiring certifications and when (`[digest]`).
    pub digest: Option<DigestConfig>,
    /// Stations with fewer people qualified now than this are flagged on the dashboard
    /// ("bus factor") and in `GET /api/v1/coverage` (default 3). Read as any TOML value so a
    /// wrong one is refused with its name and the range, by [`FileConfig::min_coverage`].
    pub min_coverage: Option<toml::Value>,
}

/// The largest `min_coverage` accepted: more people than any station is staffed with.
pub const MAX_MIN_COVERAGE: i64 = 1000;

/// A TOML value as written in the file, for an error message.
fn shown(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => format!("\"{s}\""),
        toml::Value::Integer(n) => n.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        other => format!("a {}", other.type_str()),
    }
}

/// `[smtp]`: the relay expiry digests go through.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// Relay host name.
    pub host: String,
    /// Port (default: 587 for starttls, 465 for tls, 25 for none).
    pub port: Option<u16>,
    /// `starttls` (default), `tls` or `none`.
    pub security: Option<String>,
    /// Login name, if the relay wants one (with `password_file` or `password_env`).
    pub username: Option<String>,
    /// File holding the password (its first line); keep it readable by caliber only.
    pub password_file: Option<PathBuf>,
    /// Environment variable holding the password.
    pub password_env: Option<String>,
    /// Sender, e.g. `Caliber <caliber@plant.example>`.
    pub from: String,
    /// Seconds one connection to the relay may take (default 30).
    pub timeout_seconds: Option<u64>,
}

/// `[digest]`: thresholds, time of day and recipients of the daily expiry digest.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DigestConfig {
    /// Days before expiry a certification is announced at; 0 is on expiry
    /// (default `[90, 60, 30, 7, 0]`).
    pub thresholds: Option<Vec<u32>>,
    /// Local time the day's digest goes out, `HH:MM` (default `06:00`).
    pub send_at: Option<String>,
    /// Tell each employee's supervisor (default true).
    pub supervisors: Option<bool>,
    /// Subscribers by scope (`[[digest.subscribers]]`).
    #[serde(default)]
    pub subscribers: Vec<SubscriberConfig>,
}

/// One `[[digest.subscribers]]` entry: an address and the scope it hears about.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriberConfig {
    /// Address.
    pub email: String,
    /// Only this site (code).
    pub site: Option<String>,
    /// Only this department (name).
    pub department: Option<String>,
    /// Only this skill (code).
    pub skill: Option<String>,
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

    /// The expiry digest settings; refuses a bad address, threshold, time or password source
    /// at start, not at the first digest. The password is read here (file or environment)
    /// and never printed.
    pub fn digest_settings(&self) -> anyhow::Result<crate::service::DigestSettings> {
        use crate::service::{RelayPassword, RelaySecurity, RelaySettings, Subscriber};
        let mut s = crate::service::DigestSettings::default();
        if let Some(d) = &self.digest {
            if let Some(t) = &d.thresholds {
                anyhow::ensure!(
                    t.iter().all(|&x| x <= 3650),
                    "digest.thresholds: each is 0 (on expiry) to 3650 days"
                );
                let mut t = t.clone();
                t.sort_unstable_by(|a, b| b.cmp(a));
                t.dedup();
                s.thresholds = t;
            }
            if let Some(at) = &d.send_at {
                s.send_at = at.trim().parse::<jiff::civil::Time>().map_err(|_| {
                    anyhow::anyhow!("digest.send_at: '{at}' is not a time of day like 06:00")
                })?;
            }
            if let Some(b) = d.supervisors {
                s.supervisors = b;
            }
            for sub in &d.subscribers {
                if let Some(reason) = crate::service::address_problem(&sub.email) {
                    anyhow::bail!("digest.subscribers: {reason}");
                }
                s.subscribers.push(Subscriber {
                    email: sub.email.trim().to_owned(),
                    site: sub.site.clone(),
                    department: sub.department.clone(),
                    skill: sub.skill.clone(),
                });
            }
        }
        if let Some(m) = &self.smtp {
            anyhow::ensure!(!m.host.trim().is_empty(), "smtp.host is empty");
            let word = m.security.as_deref().unwrap_or("starttls");
            let security = RelaySecurity::parse(word).ok_or_else(|| {
                anyhow::anyhow!("smtp.security: '{word}' is not starttls, tls or none")
            })?;
            let from: lettre::message::Mailbox = m.from.parse().map_err(|e| {
                anyhow::anyhow!("smtp.from: '{}' is not a sender address ({e})", m.from)
            })?;
            let password = match (&m.password_file, &m.password_env) {
                (Some(_), Some(_)) => {
                    anyhow::bail!("smtp: set password_file or password_env, not both")
                }
                (Some(f), None) => {
                    let text = std::fs::read_to_string(f).with_context(|| {
                        format!("smtp.password_file: cannot read {}", f.display())
                    })?;
                    Some(text.lines().next().unwrap_or("").to_owned())
                }
                (None, Some(var)) => Some(std::env::var(var).map_err(|_| {
                    anyhow::anyhow!("smtp.password_env: the variable {var} is not set")
                })?),
                (None, None) => None,
            };
            let login = match (&m.username, password) {
                (Some(u), Some(p)) => Some((u.clone(), RelayPassword::new(p))),
                (None, None) => None,
                (Some(_), None) => {
                    anyhow::bail!("smtp.username needs password_file or password_env")
                }
                (None, Some(_)) => anyhow::bail!("smtp: a password needs smtp.username"),
            };
            s.relay = Some(RelaySettings {
                host: m.host.trim().to_owned(),
                port: m.port.unwrap_or(security.default_port()),
                security,
                login,
                from,
                timeout: std::time::Duration::from_secs(m.timeout_seconds.unwrap_or(30).max(1)),
            });
        }
        Ok(s)
    }

    /// The minimum station coverage: `min_coverage`, a whole number of people from 1 to
    /// [`MAX_MIN_COVERAGE`], else [`crate::service::DEFAULT_MIN_COVERAGE`]. Refused at start
    /// with the value and the range, not silently replaced by the default.
    pub fn min_coverage(&self) -> anyhow::Result<usize> {
        let Some(value) = &self.min_coverage else {
            return Ok(crate::service::DEFAULT_MIN_COVERAGE);
        };
        value
            .as_integer()
            .filter(|n| (1..=MAX_MIN_COVERAGE).contains(n))
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "min_coverage: {} is not a number of people from 1 to \
                     {MAX_MIN_COVERAGE} (how many must be qualified for a station before it \
                     is no longer flagged; default {})",
                    shown(value),
                    crate::service::DEFAULT_MIN_COVERAGE
                )
            })
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
    fn reads_smtp_and_digest_settings_and_keeps_the_password_out_of_debug() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pw = dir.path().join("smtp-password");
        std::fs::write(&pw, "s3cret-relay\n").expect("write");
        let p = dir.path().join("caliber.toml");
        std::fs::write(
            &p,
            format!(
                "[smtp]\nhost = \"relay.plant.example\"\nusername = \"caliber\"\n\
                 password_file = \"{}\"\nfrom = \"Caliber <caliber@plant.example>\"\n\
                 [digest]\nthresholds = [7, 30, 0, 30]\nsend_at = \"05:30\"\n\
                 [[digest.subscribers]]\nemail = \"qa@plant.example\"\nsite = \"ATX\"\n",
                pw.display()
            ),
        )
        .expect("write");
        let s = FileConfig::load(Some(&p))
            .expect("load")
            .digest_settings()
            .expect("settings");
        let relay = s.relay.as_ref().expect("relay");
        assert_eq!(
            (relay.host.as_str(), relay.port),
            ("relay.plant.example", 587)
        );
        assert_eq!(s.thresholds, [30, 7, 0]);
        assert_eq!(s.send_at, jiff::civil::time(5, 30, 0, 0));
        assert_eq!(s.subscribers[0].site.as_deref(), Some("ATX"));
        assert!(
            !format!("{s:?}").contains("s3cret"),
            "password in debug output"
        );
    }

    #[test]
    fn refuses_a_bad_subscriber_address_and_security_word() {
        let bad = |text: &str| {
            let c: FileConfig = toml::from_str(text).expect("toml");
            c.digest_settings().expect_err("refused").to_string()
        };
        let e = bad("[[digest.subscribers]]\nemail = \"qa.plant\"\n");
        assert!(e.contains("'qa.plant' is not an e-mail address"), "{e}");
        let e = bad("[smtp]\nhost = \"r\"\nfrom = \"c@p.example\"\nsecurity = \"ssl\"\n");
        assert!(e.contains("'ssl' is not starttls, tls or none"), "{e}");
    }

    #[test]
    fn reads_min_coverage_and_refuses_a_bad_one_by_name() {
        let parse = |text: &str| toml::from_str::<FileConfig>(text).expect("toml");
        assert_eq!(
            parse("").min_coverage().expect("default"),
            crate::service::DEFAULT_MIN_COVERAGE
        );
        assert_eq!(parse("min_coverage = 5\n").min_coverage().expect("five"), 5);
        assert_eq!(parse("min_coverage = 1\n").min_coverage().expect("one"), 1);
        for bad in ["0", "-2", "1001", "2.5", "\"three\"", "true", "[3]"] {
            let e = parse(&format!("min_coverage = {bad}\n"))
                .min_coverage()
                .expect_err(bad)
                .to_string();
            assert!(
                e.starts_with("min_coverage: ") && e.contains("from 1 to 1000"),
                "{bad}: {e}"
            );
        }
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
