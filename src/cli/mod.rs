//! The `caliber` command line: serve the appliance, seed demo data, manage users, tokens and
//! stations, and check a badge from a shell.

mod archive;
mod config;
mod connections;
pub mod control;
mod digest;
mod listener;
mod serve;
pub mod tls;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};

pub use config::FileConfig;
pub use control::CommandIo;
pub use serve::spawn_local_tls;

use crate::domain::{AppRole, Employee, Station};
use crate::qualify::Verdict;
use crate::service::{self, StationInput, TokenInput, UserInput};
use crate::store::{Actor, Store};

/// Caliber: the skill and qualification matrix of a factory site.
#[derive(Debug, Parser)]
#[command(name = "caliber", version, about)]
pub struct Cli {
    /// Configuration file (default: /etc/caliber/caliber.toml if it exists).
    #[arg(long, global = true, env = "CALIBER_CONFIG")]
    pub config: Option<PathBuf>,
    /// Where the server's control socket lives (default: the data directory). On the
    /// appliance systemd sets it to /run/caliber.
    #[arg(long, global = true, env = "CALIBER_RUNTIME_DIR")]
    pub runtime_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data lives.
#[derive(Debug, Args)]
pub struct DataDir {
    /// Data directory (redb file and attachments).
    #[arg(long, env = "CALIBER_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
}

/// Where to listen.
#[derive(Debug, Args)]
pub struct Listen {
    /// Address to listen on.
    #[arg(long, env = "CALIBER_LISTEN")]
    pub listen: Option<SocketAddr>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web UI and JSON API.
    Serve {
        #[command(flatten)]
        data: DataDir,
        #[command(flatten)]
        listen: Listen,
    },
    /// Fill an empty store with the demo data set.
    Seed {
        #[command(flatten)]
        data: DataDir,
    },
    /// Seed the demo data if the store is empty, then serve it.
    Demo {
        #[command(flatten)]
        data: DataDir,
        #[command(flatten)]
        listen: Listen,
    },
    /// Manage logins.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Manage stations (kiosks).
    Station {
        #[command(subcommand)]
        command: StationCommand,
    },
    /// Print an employee's verdict and every reason; exit 0 when green, 1 otherwise.
    Check {
        #[command(flatten)]
        data: DataDir,
        /// Employee number or badge token.
        employee: String,
        /// Judge at this station (name).
        #[arg(long)]
        station: Option<String>,
    },
    /// Write a large realistic synthetic site (for benchmarks) into an empty store.
    Generate {
        #[command(flatten)]
        data: DataDir,
        /// Number of employees.
        #[arg(long, default_value_t = 5000)]
        employees: usize,
        /// Number of skills.
        #[arg(long, default_value_t = 300)]
        skills: usize,
        /// Random seed (same seed, same site).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Check the audit trail's hash chain; exit 0 when intact.
    VerifyAudit {
        #[command(flatten)]
        data: DataDir,
    },
    /// Backup bundles: export, verify, restore, copy onto an IT USB stick.
    Backup {
        #[command(subcommand)]
        command: BackupCommand,
    },
    /// The central archive: enrol sites, ingest their bundles, report, export.
    Archive {
        #[command(subcommand)]
        command: archive::ArchiveCommand,
    },
    /// This box's device key (it signs every backup bundle).
    Device {
        #[command(subcommand)]
        command: DeviceCommand,
    },
    /// Import employees or certifications from a CSV or XLSX file, all rows or none; with
    /// --dry-run, list what every row would do and change nothing. Exit 2 if any row is
    /// rejected.
    Import {
        #[command(flatten)]
        data: DataDir,
        /// What the file holds.
        #[arg(value_parser = parse_import_kind)]
        kind: service::ImportKind,
        /// The CSV or XLSX file.
        file: PathBuf,
        /// Only preview: list every row as created, updated, unchanged or rejected.
        #[arg(long)]
        dry_run: bool,
        /// Create sites, departments, roles, projects and skills the file names but the
        /// store lacks (instead of rejecting those rows).
        #[arg(long)]
        create_missing: bool,
    },
    /// Daily expiry digests by e-mail: preview them, or send now.
    Digest {
        #[command(subcommand)]
        command: digest::DigestCommand,
    },
    /// Export employees or certifications as CSV, in the shape `import` reads.
    Export {
        #[command(flatten)]
        data: DataDir,
        /// What to export.
        #[arg(value_parser = parse_import_kind)]
        kind: service::ImportKind,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn parse_import_kind(s: &str) -> Result<service::ImportKind, String> {
    service::ImportKind::parse(s).ok_or_else(|| "use employees or certifications".to_owned())
}

/// `caliber backup …`
#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Write a signed (and, with backup_recipients, encrypted) bundle of the whole store.
    Export {
        #[command(flatten)]
        data: DataDir,
        /// A folder (the bundle gets its own name there) or a file name ending in .zip
        /// (.zip.age when encrypted); a folder that does not exist is an error.
        #[arg(long)]
        out: PathBuf,
    },
    /// Copy the box's bundles (a new one first if there is none) onto a mounted IT stick
    /// folder, each read back and verified before it counts.
    ToStick {
        #[command(flatten)]
        data: DataDir,
        /// The folder on the mounted stick (e.g. its `caliber-backup/`).
        folder: PathBuf,
    },
    /// Check a bundle: signature, every hash, counts, format; exit 0 only when all hold.
    Verify {
        /// The bundle file.
        file: PathBuf,
        /// Fingerprint of the device that must have signed it.
        #[arg(long)]
        expect_key: Option<String>,
        /// age identity file, for an encrypted bundle.
        #[arg(long)]
        identity: Option<PathBuf>,
    },
    /// Restore a bundle into an empty data directory.
    Restore {
        /// The bundle file.
        file: PathBuf,
        /// The new, empty data directory.
        #[arg(long, env = "CALIBER_DATA_DIR")]
        data_dir: PathBuf,
        /// Fingerprint of the device that must have signed it.
        #[arg(long)]
        expect_key: String,
        /// age identity file, for an encrypted bundle.
        #[arg(long)]
        identity: Option<PathBuf>,
    },
}

/// `caliber device …`
#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// Print the public key (base64 and hex) and its fingerprint (made on first use).
    Show {
        #[command(flatten)]
        data: DataDir,
    },
}

/// `caliber user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a login; the password is read from standard input.
    Add {
        #[command(flatten)]
        data: DataDir,
        /// Login email.
        #[arg(long)]
        email: String,
        /// Role: admin, skill_manager, trainer, auditor or viewer.
        #[arg(long, value_parser = parse_role)]
        role: AppRole,
    },
    /// Set a login's password (read from standard input).
    Passwd {
        #[command(flatten)]
        data: DataDir,
        /// Login email.
        #[arg(long)]
        email: String,
    },
}

/// `caliber token …`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token and print it once.
    Create {
        #[command(flatten)]
        data: DataDir,
        /// Role the token acts with.
        #[arg(long, value_parser = parse_role)]
        role: AppRole,
        /// Who or what uses it.
        #[arg(long)]
        name: String,
    },
}

/// `caliber station …`
#[derive(Debug, Subcommand)]
pub enum StationCommand {
    /// Add a station and print its key once.
    Add {
        #[command(flatten)]
        data: DataDir,
        /// Station name shown on the kiosk.
        #[arg(long)]
        name: String,
        /// Project (line) code the station belongs to.
        #[arg(long)]
        project: Option<String>,
    },
}

fn parse_role(s: &str) -> Result<AppRole, String> {
    AppRole::parse(s).ok_or_else(|| {
        format!("unknown role '{s}' (admin, skill_manager, trainer, auditor, viewer)")
    })
}

/// Default data directory on the appliance (systemd StateDirectory).
pub const SYSTEM_DATA_DIR: &str = "/var/lib/caliber";
/// Default data directory of `caliber demo`, relative to the working directory.
pub const DEMO_DATA_DIR: &str = "caliber-demo-data";
/// Default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

struct Resolved {
    file: FileConfig,
}

impl Resolved {
    fn data_dir(&self, flag: &DataDir, default: &str) -> PathBuf {
        flag.data_dir
            .clone()
            .or_else(|| self.file.data_dir.clone())
            .unwrap_or_else(|| PathBuf::from(default))
    }

    fn web(&self) -> crate::web::WebSettings {
        let mut w = crate::web::WebSettings {
            public_url: self.file.public_url.clone(),
            ..crate::web::WebSettings::default()
        };
        if let Some(n) = self.file.badge_per_minute {
            w.badge_per_minute = n;
        }
        if let Some(m) = self.file.session_idle_minutes {
            w.idle_timeout = std::time::Duration::from_secs(m * 60);
        }
        w.tls = matches!(self.tls(), Ok(Some(_)));
        w
    }

    /// Whether and with which certificate the server speaks HTTPS.
    fn tls(&self) -> anyhow::Result<Option<tls::TlsSource>> {
        let f = &self.file;
        match (&f.tls_cert, &f.tls_key, f.tls_self_signed.unwrap_or(false)) {
            (Some(cert), Some(key), false) => Ok(Some(tls::TlsSource::Files {
                cert: cert.clone(),
                key: key.clone(),
            })),
            (None, None, false) => Ok(None),
            (None, None, true) => {
                let mut names = Vec::new();
                if let Some(host) = f
                    .public_url
                    .as_deref()
                    .and_then(|u| u.split_once("://"))
                    .and_then(|(_, rest)| rest.split(['/', ':']).next())
                {
                    names.push(host.to_owned());
                }
                if let Ok(h) = std::fs::read_to_string("/proc/sys/kernel/hostname") {
                    names.push(h.trim().to_owned());
                }
                Ok(Some(tls::TlsSource::SelfSigned { names }))
            }
            (_, _, true) => {
                bail!("set either tls_self_signed or tls_cert and tls_key, not both")
            }
            _ => bail!("tls_cert and tls_key go together: set both, or neither"),
        }
    }

    /// The store's page cache in bytes, from `store_cache_mib`.
    fn cache_bytes(&self) -> anyhow::Result<usize> {
        match self.file.store_cache_mib {
            Some(0) => anyhow::bail!("store_cache_mib must be at least 1"),
            Some(mib) => Ok(mib.saturating_mul(1024 * 1024)),
            None => Ok(crate::store::DEFAULT_CACHE_BYTES),
        }
    }

    /// Open (or create) the store in `dir` with the configured page cache.
    fn open(&self, dir: &Path) -> anyhow::Result<Store> {
        Store::open_with_cache(dir, self.cache_bytes()?)
            .with_context(|| format!("cannot open the store in {}", dir.display()))
    }

    /// Expiry digest settings, from the configuration file.
    fn digest(&self) -> anyhow::Result<service::DigestSettings> {
        self.file.digest_settings()
    }

    /// Backup settings for the store in `dir`, from the configuration file.
    fn backup(&self, dir: &Path) -> anyhow::Result<service::BackupSettings> {
        self.file.backup_settings(dir)
    }

    fn listen(&self, flag: &Listen) -> anyhow::Result<SocketAddr> {
        match flag.listen.or(self.file.listen) {
            Some(a) => Ok(a),
            None => DEFAULT_LISTEN.parse().context("default listen address"),
        }
    }
}

/// The login with `email` (any case).
fn user_by_email(store: &Store, email: &str) -> anyhow::Result<crate::domain::User> {
    store
        .read()?
        .list::<crate::domain::User>()?
        .into_iter()
        .find(|u| u.email.eq_ignore_ascii_case(email.trim()))
        .with_context(|| format!("no user with email {email}"))
}

/// `user add` (the box's and the archive's): a login with `role`, the password read from
/// standard input.
fn add_user(store: &Store, email: &str, role: AppRole, io: &mut CommandIo) -> anyhow::Result<()> {
    use std::io::Write;
    let password = password(io)?;
    let input = UserInput {
        email: email.to_owned(),
        password,
        role,
        employee_id: None,
    };
    let u = service::create_user(store, &Actor::named("cli"), input)?;
    writeln!(io.out, "added {} ({})", u.email, u.role)?;
    Ok(())
}

/// `user passwd` (the box's and the archive's): a new password, read from standard input.
fn change_password(store: &Store, email: &str, io: &mut CommandIo) -> anyhow::Result<()> {
    use std::io::Write;
    let password = password(io)?;
    let user = user_by_email(store, email)?;
    service::set_password(store, &Actor::named("cli"), user.id, &password)?;
    writeln!(io.out, "password changed for {}", user.email)?;
    Ok(())
}

fn password(io: &mut CommandIo) -> anyhow::Result<String> {
    let s = io.stdin()?;
    let p = s.trim_end_matches(['\r', '\n']).to_owned();
    if p.is_empty() {
        bail!("no password on standard input (pipe it in, e.g. `echo '…' | caliber user add …`)");
    }
    Ok(p)
}

impl Command {
    /// The data directory flag and its default, for commands that work on a store (all but
    /// `serve` and `demo`, which own it).
    fn store_dir(&self) -> Option<(&DataDir, &'static str)> {
        match self {
            Command::Serve { .. } | Command::Demo { .. } | Command::Archive { .. } => None,
            Command::Seed { data } => Some((data, DEMO_DATA_DIR)),
            Command::User {
                command: UserCommand::Add { data, .. } | UserCommand::Passwd { data, .. },
            }
            | Command::Token {
                command: TokenCommand::Create { data, .. },
            }
            | Command::Station {
                command: StationCommand::Add { data, .. },
            }
            | Command::Check { data, .. }
            | Command::Generate { data, .. }
            | Command::VerifyAudit { data }
            | Command::Backup {
                command: BackupCommand::Export { data, .. } | BackupCommand::ToStick { data, .. },
            }
            | Command::Device {
                command: DeviceCommand::Show { data },
            }
            | Command::Import { data, .. }
            | Command::Export { data, .. } => Some((data, SYSTEM_DATA_DIR)),
            Command::Digest { command } => Some((command.data(), SYSTEM_DATA_DIR)),
            Command::Backup {
                command: BackupCommand::Verify { .. } | BackupCommand::Restore { .. },
            } => None,
        }
    }

    /// The command line to send to the server for commands that name paths: the server's
    /// working directory is not the caller's, so paths go as absolute ones.
    fn forwarded_args(&self, dir: &Path) -> Option<Vec<String>> {
        let abs = |p: &Path| {
            std::path::absolute(p)
                .unwrap_or_else(|_| p.to_owned())
                .to_string_lossy()
                .into_owned()
        };
        let data = ["--data-dir".to_owned(), abs(dir)];
        match self {
            Command::Backup {
                command: BackupCommand::Export { out, .. },
            } => Some(
                ["caliber", "backup", "export"]
                    .map(str::to_owned)
                    .into_iter()
                    .chain(data)
                    .chain(["--out".to_owned(), abs(out)])
                    .collect(),
            ),
            Command::Backup {
                command: BackupCommand::ToStick { folder, .. },
            } => Some(
                ["caliber", "backup", "to-stick"]
                    .map(str::to_owned)
                    .into_iter()
                    .chain(data)
                    .chain([abs(folder)])
                    .collect(),
            ),
            Command::Import {
                kind,
                file,
                dry_run,
                create_missing,
                ..
            } => Some(
                ["caliber", "import", kind.as_str()]
                    .map(str::to_owned)
                    .into_iter()
                    .chain(data)
                    .chain([abs(file)])
                    .chain(dry_run.then(|| "--dry-run".to_owned()))
                    .chain(create_missing.then(|| "--create-missing".to_owned()))
                    .collect(),
            ),
            Command::Digest { command } => {
                let mut args: Vec<String> = vec!["caliber".into(), "digest".into()];
                match command {
                    digest::DigestCommand::Preview { date, .. } => {
                        args.push("preview".into());
                        if let Some(d) = date {
                            args.extend(["--date".to_owned(), d.to_string()]);
                        }
                    }
                    digest::DigestCommand::Send { .. } => args.push("send".into()),
                }
                args.extend(data);
                Some(args)
            }
            Command::Export {
                kind,
                out: Some(out),
                ..
            } => Some(
                ["caliber", "export", kind.as_str()]
                    .map(str::to_owned)
                    .into_iter()
                    .chain(data)
                    .chain(["--out".to_owned(), abs(out)])
                    .collect(),
            ),
            _ => None,
        }
    }

    /// Whether the command reads standard input (a password).
    fn reads_stdin(&self) -> bool {
        matches!(self, Command::User { .. })
    }
}

/// Run a parsed command line; the exit code is the command's answer (e.g. `check`). A
/// command on a store goes to the running server through its control socket when there is
/// one, and opens the store itself otherwise; output and exit codes are the same.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let cfg = Resolved {
        file: FileConfig::load(cli.config.as_deref())?,
    };
    if let Command::Archive { command } = &cli.command {
        let code = archive::run(command, &mut CommandIo::terminal())?;
        return Ok(ExitCode::from(code));
    }
    if let Command::Backup { command } = &cli.command
        && matches!(
            command,
            BackupCommand::Verify { .. } | BackupCommand::Restore { .. }
        )
    {
        let code = bundle_command(command, &mut CommandIo::terminal())?;
        return Ok(ExitCode::from(code));
    }
    let Some((data, default)) = cli.command.store_dir() else {
        return serve_command(&cfg, cli);
    };
    let dir = cfg.data_dir(data, default);
    let socket = control::socket_path(cli.runtime_dir.as_deref(), &dir);
    let stdin = if cli.command.reads_stdin() {
        Some(CommandIo::terminal().stdin()?)
    } else {
        None
    };
    let args: Vec<String> = cli.command.forwarded_args(&dir).unwrap_or_else(|| {
        std::env::args_os()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    });
    if let Some(reply) = control::forward(&socket, &dir, args, stdin.clone())? {
        print!("{}", reply.stdout);
        eprint!("{}", reply.stderr);
        return Ok(ExitCode::from(reply.exit));
    }
    let store = Store::open_with_cache(&dir, cfg.cache_bytes()?).with_context(|| {
        format!(
            "cannot open the store in {} (if `caliber serve` runs on it, give this command the \
             server's --runtime-dir so it can ask the server)",
            dir.display()
        )
    })?;
    let mut io = CommandIo::terminal();
    if let Some(s) = stdin {
        io = io.with_stdin(s);
    }
    let backup = cfg.backup(&dir)?;
    let digest = cfg.digest()?;
    let code = on_store(cli.command, &dir, &store, &mut io, &backup, &digest)?;
    Ok(ExitCode::from(code))
}

/// One command line received on the control socket, run against the server's store with
/// the server's backup settings; every error is printed as the CLI prints it, with exit
/// code 2.
pub fn run_forwarded(
    args: &[String],
    store: &Store,
    io: &mut CommandIo,
    backup: &service::BackupSettings,
    digest: &service::DigestSettings,
) -> u8 {
    use std::io::Write;
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = write!(io.err, "{}", e.render());
            return 2;
        }
    };
    let Some((data, default)) = cli.command.store_dir() else {
        let _ = writeln!(io.err, "error: this command cannot run inside the server");
        return 2;
    };
    let dir = data
        .data_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(default));
    match on_store(cli.command, &dir, store, io, backup, digest) {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(io.err, "error: {e:#}");
            2
        }
    }
}

/// Serve the store in `dir` with every setting of the configuration, its control socket in
/// the runtime directory, printing `banner` first.
fn run_server(
    cfg: &Resolved,
    runtime_dir: Option<&Path>,
    store: Store,
    dir: PathBuf,
    listen: &Listen,
    banner: Option<String>,
) -> anyhow::Result<()> {
    let socket = control::socket_path(runtime_dir, &dir);
    serve::serve(
        Arc::new(store),
        cfg.web(),
        cfg.backup(&dir)?,
        cfg.digest()?,
        cfg.file.min_coverage()?,
        cfg.listen(listen)?,
        cfg.tls()?,
        banner,
        Some((socket, dir)),
    )
}

/// `serve` and `demo`: the commands that own the store.
fn serve_command(cfg: &Resolved, cli: Cli) -> anyhow::Result<ExitCode> {
    let cli_actor = Actor::named("cli");
    match cli.command {
        Command::Serve { data, listen } => {
            let dir = cfg.data_dir(&data, SYSTEM_DATA_DIR);
            let store = cfg.open(&dir)?;
            run_server(cfg, cli.runtime_dir.as_deref(), store, dir, &listen, None)?;
        }
        Command::Demo { data, listen } => {
            let dir = cfg.data_dir(&data, DEMO_DATA_DIR);
            let store = cfg.open(&dir)?;
            let empty = store.read()?.count::<Employee>()? == 0;
            let summary = if empty {
                Some(crate::seed::seed_demo(&store, jiff::Timestamp::now())?)
            } else {
                None
            };
            let (_, token) = service::create_token(
                &store,
                &cli_actor,
                TokenInput {
                    name: format!("demo-{}", jiff::Timestamp::now().as_second()),
                    role: AppRole::Admin,
                },
            )?;
            let mut banner = format!("Caliber demo, data in {}\n", dir.display());
            if let Some(s) = summary {
                banner.push_str(&s.to_string());
            } else {
                banner.push_str("(existing demo data kept; delete the folder to start over)\n");
                banner.push_str(&demo_restart_summary(&store, &cli_actor)?);
            }
            banner.push_str(&format!("Admin API token for this run: {token}\n"));
            run_server(
                cfg,
                cli.runtime_dir.as_deref(),
                store,
                dir,
                &listen,
                Some(banner),
            )?;
        }
        _ => bail!("not a serving command"),
    }
    Ok(ExitCode::SUCCESS)
}

/// What `caliber demo` prints when it starts on demo data it seeded before: the station
/// keys (stored only as hashes, so renewed for this run) and every employee's badge token,
/// so a kiosk or `caliber check` can be tried on every start, not only the first.
fn demo_restart_summary(store: &Store, actor: &Actor) -> anyhow::Result<String> {
    use std::fmt::Write;
    let mut out = String::from("Stations and their kiosk keys (renewed for this run):\n");
    let mut stations: Vec<Station> = store
        .read()?
        .list::<Station>()?
        .into_iter()
        .filter(|s| s.deleted_at.is_none())
        .collect();
    stations.sort_by(|a, b| a.name.cmp(&b.name));
    for s in stations {
        let created = service::rotate_station_key(store, actor, s.id)?;
        writeln!(out, "  {:<20} {}", created.station.name, created.key)?;
    }
    out.push_str("Employees and their badge tokens:\n");
    let mut people: Vec<Employee> = store
        .read()?
        .list::<Employee>()?
        .into_iter()
        .filter(|e| e.deleted_at.is_none())
        .collect();
    people.sort_by(|a, b| a.number.cmp(&b.number));
    for e in people {
        writeln!(
            out,
            "  {:<6} {:<20} {}  {}",
            e.number,
            e.name,
            e.badge_token.as_str(),
            e.status.as_str()
        )?;
    }
    Ok(out)
}

/// A command on an open store, writing to `io`; returns the exit code.
fn on_store(
    command: Command,
    dir: &Path,
    store: &Store,
    io: &mut CommandIo,
    backup: &service::BackupSettings,
    digest: &service::DigestSettings,
) -> anyhow::Result<u8> {
    use std::io::Write;
    let cli_actor = Actor::named("cli");
    match command {
        Command::Serve { .. } | Command::Demo { .. } => bail!("not a store command"),
        Command::Archive { command } => return archive::run(&command, io),
        Command::Seed { .. } => {
            let summary = crate::seed::seed_demo(store, jiff::Timestamp::now())?;
            writeln!(io.out, "Seeded demo data into {}", dir.display())?;
            write!(io.out, "{summary}")?;
        }
        Command::User { command } => match command {
            UserCommand::Add { email, role, .. } => add_user(store, &email, role, io)?,
            UserCommand::Passwd { email, .. } => change_password(store, &email, io)?,
        },
        Command::Token { command } => match command {
            TokenCommand::Create { role, name, .. } => {
                let (t, secret) =
                    service::create_token(store, &cli_actor, TokenInput { name, role })?;
                writeln!(
                    io.err,
                    "token '{}' ({}) created; it is shown only now:",
                    t.name, t.role
                )?;
                writeln!(io.out, "{secret}")?;
            }
        },
        Command::Station { command } => match command {
            StationCommand::Add { name, project, .. } => {
                let project_id = match project {
                    Some(code) => Some(
                        store
                            .catalog()
                            .projects
                            .values()
                            .find(|p| p.deleted_at.is_none() && p.code.eq_ignore_ascii_case(&code))
                            .map(|p| p.id)
                            .with_context(|| format!("no project with code {code}"))?,
                    ),
                    None => None,
                };
                let created = service::create_station(
                    store,
                    &cli_actor,
                    StationInput {
                        name,
                        project_id,
                        extra_skills: Vec::new(),
                    },
                )?;
                writeln!(
                    io.err,
                    "station '{}' created; its key is shown only now:",
                    created.station.name
                )?;
                writeln!(io.out, "{}", created.key)?;
            }
        },
        Command::Check {
            employee, station, ..
        } => {
            return check(store, &employee, station.as_deref(), io);
        }
        Command::Generate {
            employees,
            skills,
            seed,
            ..
        } => {
            let started = std::time::Instant::now();
            let summary =
                crate::seed::generate(store, employees, skills, seed, jiff::Timestamp::now())?;
            writeln!(
                io.out,
                "generated into {} in {:.1} s: {summary}",
                dir.display(),
                started.elapsed().as_secs_f64()
            )?;
        }
        Command::VerifyAudit { .. } => {
            let report = store.read()?.verify_audit()?;
            if report.intact {
                writeln!(io.out, "audit trail intact: {} events", report.events)?;
            } else {
                writeln!(
                    io.out,
                    "AUDIT TRAIL BROKEN: {}",
                    report.problem.unwrap_or_default()
                )?;
                return Ok(1);
            }
        }
        Command::Backup { command } => match command {
            BackupCommand::Export { out, .. } => {
                let device = crate::backup::DeviceKey::load_or_create(store.dir())?;
                let options = crate::backup::ExportOptions {
                    recipients: backup.recipients.clone(),
                    removable: false,
                };
                let info = crate::backup::export(store, &device, &out, &options)?;
                store.write(&cli_actor, |w| {
                    let record = serde_json::json!({
                        "file": info.path.display().to_string(),
                        "size": info.size,
                        "sequence": info.sequence,
                        "duration_ms": info.duration.as_millis() as u64,
                        "encrypted": info.encrypted,
                    });
                    w.audit("backup.export", "backup", None, None::<&()>, Some(&record))?;
                    Ok::<_, crate::store::StoreError>(())
                })?;
                writeln!(io.out, "wrote {}", info.path.display())?;
                writeln!(
                    io.out,
                    "  sequence {}, {} bytes, {:.1} s, {}",
                    info.sequence,
                    info.size,
                    info.duration.as_secs_f64(),
                    if info.encrypted {
                        "signed and encrypted"
                    } else {
                        "signed but not encrypted"
                    }
                )?;
                writeln!(io.out, "  device key fingerprint {}", info.fingerprint)?;
                if info.verified_on_media {
                    writeln!(io.out, "  read back and verified: safe to remove")?;
                }
            }
            BackupCommand::ToStick { folder, .. } => {
                let stick_actor = Actor::named("usb-stick");
                let result = service::copy_to_stick(store, backup, &folder, &stick_actor)?;
                for name in &result.copied {
                    writeln!(io.out, "copied and verified {name}")?;
                }
                writeln!(
                    io.out,
                    "{} bundle(s) copied to {}: safe to remove",
                    result.copied.len(),
                    folder.display()
                )?;
            }
            BackupCommand::Verify { .. } | BackupCommand::Restore { .. } => {
                bail!("not a store command")
            }
        },
        Command::Device {
            command: DeviceCommand::Show { .. },
        } => {
            let key = crate::backup::DeviceKey::load_or_create(store.dir())?;
            writeln!(io.out, "public key (base64)  {}", key.public_base64())?;
            writeln!(io.out, "public key (hex)     {}", key.public_hex())?;
            writeln!(
                io.out,
                "fingerprint (SHA-256 of the public key) {}",
                key.fingerprint()
            )?;
        }
        Command::Import {
            kind,
            file,
            dry_run,
            create_missing,
            ..
        } => return import(store, kind, &file, dry_run, create_missing, io),
        Command::Digest { command } => return digest::run(command, store, digest, io),
        Command::Export { kind, out, .. } => {
            let bytes = match kind {
                service::ImportKind::Employees => service::export_employees(store)?,
                service::ImportKind::Certifications => service::export_certifications(store)?,
            };
            match out {
                Some(path) => {
                    std::fs::write(&path, &bytes)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    writeln!(io.err, "wrote {}", path.display())?;
                }
                None => io.out.write_all(&bytes)?,
            }
        }
    }
    Ok(0)
}

/// `caliber import`: preview or commit a file; prints every row of a preview, the rejected
/// rows of a refused commit, and the counts. Exit 0 when every row is acceptable, 2 when any
/// is rejected (nothing is written then).
fn import(
    store: &Store,
    kind: service::ImportKind,
    file: &Path,
    dry_run: bool,
    create_missing: bool,
    io: &mut CommandIo,
) -> anyhow::Result<u8> {
    use std::io::Write;
    let meta =
        std::fs::metadata(file).with_context(|| format!("cannot read {}", file.display()))?;
    if meta.len() > service::MAX_IMPORT_BYTES as u64 {
        bail!(
            "{} is larger than {} MiB; split it",
            file.display(),
            service::MAX_IMPORT_BYTES >> 20
        );
    }
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let request = service::ImportRequest {
        kind,
        file_name: file.file_name().map_or_else(
            || file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        ),
        bytes,
        create_missing,
        dry_run,
    };
    let started = std::time::Instant::now();
    let report = service::import_file(store, &Actor::named("cli"), request)?;
    let took = started.elapsed().as_secs_f64();
    if dry_run {
        for row in &report.rows {
            writeln!(
                io.out,
                "line {:>6}  {:<9}  {}{}",
                row.line,
                row.outcome.as_str(),
                row.key,
                if row.detail.is_empty() {
                    String::new()
                } else {
                    format!(": {}", row.detail)
                }
            )?;
        }
    }
    for r in &report.created_references {
        writeln!(
            io.out,
            "{} {r}",
            if dry_run { "would create" } else { "created" }
        )?;
    }
    if !report.ignored_columns.is_empty() {
        writeln!(
            io.err,
            "ignored columns: {}",
            report.ignored_columns.join(", ")
        )?;
    }
    let verb = match (dry_run, report.committed) {
        (true, _) => "preview",
        (false, true) => "imported",
        (false, false) => "nothing to change",
    };
    writeln!(
        io.out,
        "{verb}: {} ({}, SHA-256 {}, {took:.2} s)",
        report.summary(),
        report.file_name,
        report.sha256
    )?;
    Ok(if report.rejected > 0 { 2 } else { 0 })
}

/// `caliber backup verify` and `restore`: they read a bundle file and need no store. A
/// refused bundle is exit 2 with its reason, like every other error.
fn bundle_command(command: &BackupCommand, io: &mut CommandIo) -> anyhow::Result<u8> {
    use std::io::Write;
    match command {
        BackupCommand::Verify {
            file,
            expect_key,
            identity,
        } => {
            let s = crate::backup::verify(file, expect_key.as_deref(), identity.as_deref())?;
            writeln!(io.out, "bundle OK: {}", file.display())?;
            print_summary(&s, io)?;
            if !s.key_checked {
                writeln!(
                    io.out,
                    "  note: the signature was checked against the key in the bundle only; \
                     give --expect-key to check which device made it"
                )?;
            }
        }
        BackupCommand::Restore {
            file,
            data_dir,
            expect_key,
            identity,
        } => {
            let r = crate::backup::restore(file, data_dir, expect_key, identity.as_deref())?;
            writeln!(
                io.out,
                "restored {} into {}",
                file.display(),
                r.dir.display()
            )?;
            print_summary(&r.summary, io)?;
            writeln!(
                io.out,
                "  audit chain verified, head event {} matches the manifest",
                r.summary.audit_head.seq
            )?;
            writeln!(
                io.out,
                "  this box's new device key fingerprint {}",
                r.new_fingerprint
            )?;
        }
        _ => bail!("not a bundle command"),
    }
    Ok(0)
}

fn print_summary(s: &crate::backup::BundleSummary, io: &mut CommandIo) -> anyhow::Result<()> {
    use std::io::Write;
    writeln!(
        io.out,
        "  sites {}, sequence {}, made {} by Caliber {} (schema {}, format {})",
        s.site_codes.join(", "),
        s.sequence,
        s.created_at,
        s.app_version,
        s.schema_version,
        s.format_version
    )?;
    writeln!(
        io.out,
        "  signed by device {}{}",
        s.device_fingerprint,
        if s.key_checked { " (as expected)" } else { "" }
    )?;
    writeln!(
        io.out,
        "  {} files, {} bytes, every SHA-256 checked; {}",
        s.files,
        s.bytes,
        if s.encrypted {
            "was age-encrypted"
        } else {
            "not encrypted"
        }
    )?;
    let counts: Vec<String> = s.counts.iter().map(|(t, n)| format!("{t} {n}")).collect();
    writeln!(io.out, "  records: {}", counts.join(", "))?;
    if let Some(from) = &s.restored_from {
        writeln!(
            io.out,
            "  this data was restored from device {} (bundle {})",
            from.device_fingerprint, from.sequence
        )?;
    }
    Ok(())
}

/// `caliber check`: the verdict and every reason, exit 0 only when green.
fn check(
    store: &Store,
    key: &str,
    station: Option<&str>,
    io: &mut CommandIo,
) -> anyhow::Result<u8> {
    use std::io::Write;
    let employee = service::employee_by_badge_or_number(&store.read()?, key)?;
    let catalog = store.catalog();
    let station: Option<&Station> = match station {
        Some(name) => Some(
            catalog
                .stations
                .values()
                .find(|s| s.deleted_at.is_none() && s.name.eq_ignore_ascii_case(name.trim()))
                .with_context(|| format!("no station named '{name}'"))?,
        ),
        None => None,
    };
    let now = jiff::Timestamp::now();
    let q = service::employee_qualification(store, employee.id, station.map(|s| s.id), now)?;
    let where_ = station.map_or_else(|| "own assignments".to_owned(), |s| s.name.clone());
    writeln!(
        io.out,
        "{} ({}) at {}: {}",
        employee.name,
        employee.number,
        where_,
        q.verdict.verdict.as_str().to_uppercase()
    )?;
    for r in &q.verdict.reasons {
        writeln!(io.out, "  ✗ {}", r.message)?;
    }
    for w in &q.verdict.warnings {
        writeln!(io.out, "  ! {}", w.message)?;
    }
    writeln!(io.out, "skills:")?;
    for line in &q.qualification.skills {
        let sources: Vec<String> = line
            .sources
            .iter()
            .map(|s| format!("{} (L{})", s.scope, s.level))
            .collect();
        writeln!(
            io.out,
            "  {:<28} {:<18} level {}/{}  {}",
            line.skill_name,
            line.status.as_str(),
            line.achieved_level
                .map_or("-".to_owned(), |l| l.to_string()),
            line.required_level
                .map_or("-".to_owned(), |l| l.to_string()),
            sources.join(", ")
        )?;
    }
    Ok(if q.verdict.verdict == Verdict::Green {
        0
    } else {
        1
    })
}
