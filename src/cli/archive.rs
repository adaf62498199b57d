//! `caliber archive …`: the central archive's command line (see `docs/archive.md`). Every
//! command takes the archive with `--dir DIR` or `--store s3://…`; bad input and refused
//! bundles are exit 2 with the reason. `serve` runs the company view; `user …` manages its
//! logins, through the running `serve`'s control socket when there is one (it owns the state
//! store), else on the state store itself.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Subcommand, ValueEnum};
use jiff::SignedDuration;

use super::CommandIo;
use crate::archive::{Archive, CompanyView, IngestOutcome, Location, WatchOptions, state};
use crate::domain::User;
use crate::service::{self, UserUpdate};
use crate::store::{Actor, Store};

/// `caliber archive …`
#[derive(Debug, Subcommand)]
pub enum ArchiveCommand {
    /// Make a new archive: its age identity (0600); prints the recipient for the sites'
    /// backup_recipients.
    Init {
        /// Where the archive is.
        #[command(flatten)]
        at: At,
    },
    /// Enrol a site's device key (its fingerprint from `caliber device show`); a key change
    /// for an enrolled site needs --reason.
    Enrol {
        /// Where the archive is.
        #[command(flatten)]
        at: At,
        /// Site code, e.g. ATX-01.
        #[arg(long)]
        site_code: String,
        /// Device key fingerprint (64 hex digits).
        #[arg(long)]
        key: String,
        /// Why the key changes (a replacement box); required for a key change.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Withdraw a site's enrolment: its bundles are refused from now on.
    Unenrol {
        /// Where the archive is.
        #[command(flatten)]
        at: At,
        /// Site code.
        #[arg(long)]
        site_code: String,
        /// Why.
        #[arg(long)]
        reason: Option<String>,
    },
    /// The enrolled sites and their keys.
    List {
        /// Where the archive is.
        #[command(flatten)]
        at: At,
    },
    /// Verify and store bundle files (or every bundle in a folder, e.g. a stick's
    /// caliber-backup/); one line per file; exit 2 if any was refused. With --watch, ingest
    /// each file dropped into a folder until Ctrl-C or SIGTERM.
    Ingest {
        /// Where the archive is.
        #[command(flatten)]
        at: At,
        /// Bundle files or folders.
        #[arg(required_unless_present = "watch", conflicts_with = "watch")]
        paths: Vec<PathBuf>,
        /// A drop folder: each complete file that appears is ingested and moved into its
        /// accepted/, duplicate/ or refused/ folder beside a .reason file.
        #[arg(long, value_name = "DIR")]
        watch: Option<PathBuf>,
        /// With --watch: seconds a file's size must stay the same before it is taken.
        #[arg(long, default_value_t = 2.0, requires = "watch")]
        settle_seconds: f64,
    },
    /// The company's figures from every site's newest summary (what the company view
    /// shows); exit 2 when a summary could not be read.
    Report {
        /// Where the archive is.
        #[command(flatten)]
        at: At,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
        format: ReportFormat,
        /// A site whose newest bundle is older than this is stale (7d, 36h, 90m, …).
        #[arg(long, default_value = "7d", value_parser = parse_age)]
        stale_after: SignedDuration,
    },
    /// Serve the company view (read-only web pages with login) until Ctrl-C or SIGTERM.
    Serve {
        /// Where the archive is.
        #[command(flatten)]
        at: At,
        /// Where logins, sessions and their audit trail are kept (a local folder; default
        /// DIR/.company-view, required with --store).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
        /// Address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:8090")]
        listen: SocketAddr,
        /// A site whose newest bundle is older than this is stale (7d, 36h, 90m, …).
        #[arg(long, default_value = "7d", value_parser = parse_age)]
        stale_after: SignedDuration,
        /// How often the archive is looked at for new bundles and enrolments, in seconds.
        #[arg(long, default_value_t = 30.0)]
        refresh_seconds: f64,
        /// A session unused for this many minutes ends.
        #[arg(long, default_value_t = 30)]
        idle_minutes: u64,
        /// A session ends this many hours after login, used or not.
        #[arg(long, default_value_t = 12)]
        session_hours: u64,
        /// HTTPS: the certificate chain (PEM, leaf first), with --tls-key.
        #[arg(long, requires = "tls_key", value_name = "FILE")]
        tls_cert: Option<PathBuf>,
        /// HTTPS: the certificate's private key (PEM).
        #[arg(long, requires = "tls_cert", value_name = "FILE")]
        tls_key: Option<PathBuf>,
    },
    /// Logins of the company view: add, passwd, disable, enable, list.
    User {
        /// What to do.
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Copy a site's newest stored bundle (or the newest made on or before --at) to a file,
    /// for `caliber backup restore` on a replacement box.
    Export {
        /// Where the archive is.
        #[command(flatten)]
        at: At,
        /// Site code.
        #[arg(long)]
        site: String,
        /// Newest made on or before this UTC date (YYYY-MM-DD).
        #[arg(long = "at", value_name = "DATE")]
        on_or_before: Option<jiff::civil::Date>,
        /// Where to write the bundle (a new file).
        #[arg(long)]
        out: PathBuf,
    },
}

/// Where the archive is: `--dir DIR` or `--store s3://bucket/prefix`.
#[derive(Debug, Clone, clap::Args)]
#[group(required = true, multiple = false)]
pub struct At {
    /// The archive folder.
    #[arg(long)]
    dir: Option<PathBuf>,
    /// The archive in an S3-compatible object store, s3://bucket/prefix; endpoint and
    /// credentials from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
    /// AWS_REGION (AWS_ALLOW_HTTP=true for a plain-http endpoint).
    #[arg(long, value_name = "URL")]
    store: Option<String>,
}

impl At {
    fn location(&self) -> Location {
        match (&self.dir, &self.store) {
            (_, Some(url)) => Location::Store(url.clone()),
            (Some(dir), None) => Location::Dir(dir.clone()),
            (None, None) => Location::Dir(PathBuf::from(".")),
        }
    }

    fn open(&self) -> anyhow::Result<Archive> {
        Ok(Archive::open_at(&self.location())?)
    }
}

/// Where the company view's logins are: the archive, and `--state` (required with
/// `--store`).
#[derive(Debug, Clone, clap::Args)]
pub struct StateAt {
    /// Where the archive is.
    #[command(flatten)]
    at: At,
    /// The company view's state folder (default DIR/.company-view; required with --store).
    #[arg(long, value_name = "DIR")]
    state: Option<PathBuf>,
}

impl StateAt {
    fn dir(&self) -> anyhow::Result<PathBuf> {
        Ok(state::state_dir(
            self.at.dir.as_deref(),
            self.state.as_deref(),
        )?)
    }
}

/// `caliber archive user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a login; the password is read from standard input.
    Add {
        /// Where the logins are.
        #[command(flatten)]
        at: StateAt,
        /// Login email.
        #[arg(long)]
        email: String,
        /// viewer (the company's figures), auditor (also employees, the enrolment log and
        /// downloads) or admin (also the list of logins).
        #[arg(long)]
        role: String,
    },
    /// Set a login's password (read from standard input).
    Passwd {
        /// Where the logins are.
        #[command(flatten)]
        at: StateAt,
        /// Login email.
        #[arg(long)]
        email: String,
    },
    /// Disable a login: its sessions end at their next request.
    Disable {
        /// Where the logins are.
        #[command(flatten)]
        at: StateAt,
        /// Login email.
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled login again.
    Enable {
        /// Where the logins are.
        #[command(flatten)]
        at: StateAt,
        /// Login email.
        #[arg(long)]
        email: String,
    },
    /// The logins, their roles and whether they are active.
    List {
        /// Where the logins are.
        #[command(flatten)]
        at: StateAt,
    },
}

impl UserCommand {
    fn at(&self) -> &StateAt {
        match self {
            UserCommand::Add { at, .. }
            | UserCommand::Passwd { at, .. }
            | UserCommand::Disable { at, .. }
            | UserCommand::Enable { at, .. }
            | UserCommand::List { at } => at,
        }
    }

    /// The command line a running `serve` is sent: paths absolute (its working directory is
    /// not the caller's).
    fn forwarded_args(&self, state_dir: &Path) -> Vec<String> {
        let abs = |p: &Path| {
            std::path::absolute(p)
                .unwrap_or_else(|_| p.to_owned())
                .to_string_lossy()
                .into_owned()
        };
        let (name, email, role) = match self {
            UserCommand::Add { email, role, .. } => ("add", Some(email), Some(role)),
            UserCommand::Passwd { email, .. } => ("passwd", Some(email), None),
            UserCommand::Disable { email, .. } => ("disable", Some(email), None),
            UserCommand::Enable { email, .. } => ("enable", Some(email), None),
            UserCommand::List { .. } => ("list", None, None),
        };
        let mut args: Vec<String> = ["caliber", "archive", "user", name]
            .map(str::to_owned)
            .into();
        let at = &self.at().at;
        match (&at.dir, &at.store) {
            (_, Some(url)) => args.extend(["--store".to_owned(), url.clone()]),
            (Some(dir), None) => args.extend(["--dir".to_owned(), abs(dir)]),
            (None, None) => {}
        }
        args.extend(["--state".to_owned(), abs(state_dir)]);
        if let Some(e) = email {
            args.extend(["--email".to_owned(), e.clone()]);
        }
        if let Some(r) = role {
            args.extend(["--role".to_owned(), r.clone()]);
        }
        args
    }
}

/// A duration such as `7d`, `36h` or `90m` (a day is 24 hours), above zero.
fn parse_age(s: &str) -> Result<SignedDuration, String> {
    let bad = || format!("'{s}' is not a duration such as 7d, 36h or 90m");
    let span: jiff::Span = s.trim().parse().map_err(|_| bad())?;
    let d = span
        .to_duration(jiff::SpanRelativeTo::days_are_24_hours())
        .map_err(|_| bad())?;
    if d.is_positive() { Ok(d) } else { Err(bad()) }
}

/// Formats of `caliber archive report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One JSON array, an object per site with the per-skill figures.
    Json,
    /// One CSV row per site.
    Csv,
}

/// The bundle files of `path`: itself, or the `.zip`/`.age` files in a folder, by name.
fn bundle_files(path: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_owned()]);
    }
    let mut files = Vec::new();
    for e in std::fs::read_dir(path).with_context(|| format!("cannot list {}", path.display()))? {
        let p = e
            .with_context(|| format!("cannot list {}", path.display()))?
            .path();
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if p.is_file()
            && !name.starts_with('.')
            && (name.ends_with(".zip") || name.ends_with(".zip.age"))
        {
            files.push(p);
        }
    }
    files.sort();
    Ok(files)
}

/// Set `stop` on Ctrl-C or SIGTERM; returns once the handlers are installed, so a signal
/// from then on stops the watch cleanly instead of killing it.
fn stop_on_signal(stop: Arc<AtomicBool>) -> anyhow::Result<()> {
    let (ready, installed) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("archive-signals".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(e) => {
                    let _ = ready.send(Err(e));
                    return;
                }
            };
            runtime.block_on(async move {
                use tokio::signal::unix::{SignalKind, signal};
                let mut term = match signal(SignalKind::terminate()) {
                    Ok(t) => t,
                    Err(e) => {
                        let _ = ready.send(Err(e));
                        return;
                    }
                };
                let interrupt = tokio::signal::ctrl_c();
                let _ = ready.send(Ok(()));
                tokio::select! {
                    _ = interrupt => {}
                    _ = term.recv() => {}
                }
                stop.store(true, Ordering::SeqCst);
            });
        })
        .context("cannot start the signal thread")?;
    installed
        .recv()
        .context("the signal thread ended")?
        .context("cannot install the signal handlers")
}

/// `ingest --watch FOLDER`: one line per handled file until a signal; exit 0 after a clean
/// stop.
fn watch_folder(
    archive: &Archive,
    folder: &Path,
    settle_seconds: f64,
    io: &mut CommandIo,
) -> anyhow::Result<u8> {
    if !(0.0..=3600.0).contains(&settle_seconds) {
        bail!("--settle-seconds must be between 0 and 3600");
    }
    let stop = Arc::new(AtomicBool::new(false));
    stop_on_signal(stop.clone())?;
    let options = WatchOptions {
        settle: Duration::from_secs_f64(settle_seconds),
        ..WatchOptions::default()
    };
    let mut lock = archive.lock_ingest()?;
    writeln!(io.out, "watching {} (Ctrl-C to stop)", folder.display())?;
    io.out.flush()?;
    let out = &mut io.out;
    let handled = archive.watch(&mut lock, folder, &options, &stop, &mut |h| {
        writeln!(out, "{}", h.line())?;
        out.flush()
    })?;
    writeln!(io.out, "stopped after {handled} files")?;
    Ok(0)
}

/// Run an archive command; the exit code is 0, or 2 when a bundle was refused.
pub fn run(command: &ArchiveCommand, io: &mut CommandIo) -> anyhow::Result<u8> {
    match command {
        ArchiveCommand::Init { at } => {
            let (_, recipient) = match at.location() {
                Location::Dir(dir) => Archive::init(&dir)?,
                store => Archive::init_at(&store)?,
            };
            writeln!(io.out, "{recipient}")?;
        }
        ArchiveCommand::Enrol {
            at,
            site_code,
            key,
            reason,
        } => match at.open()?.enrol(site_code, key, reason.as_deref())? {
            Some(e) => writeln!(
                io.out,
                "enrolled {} with key {} ({:?})",
                e.site_code, e.key, e.action
            )?,
            None => writeln!(
                io.out,
                "{} is already enrolled with that key",
                site_code.to_ascii_uppercase()
            )?,
        },
        ArchiveCommand::Unenrol {
            at,
            site_code,
            reason,
        } => {
            let e = at.open()?.unenrol(site_code, reason.as_deref())?;
            writeln!(io.out, "unenrolled {} (key {})", e.site_code, e.key)?;
        }
        ArchiveCommand::List { at } => {
            for e in at.open()?.enrolments()? {
                writeln!(io.out, "{}\t{}\tsince {}", e.site_code, e.key, e.since)?;
            }
        }
        ArchiveCommand::Ingest {
            at,
            paths,
            watch,
            settle_seconds,
        } => {
            let archive = at.open()?;
            if let Some(folder) = watch {
                return watch_folder(&archive, folder, *settle_seconds, io);
            }
            let mut files = Vec::new();
            for p in paths {
                files.extend(bundle_files(p)?);
            }
            let mut lock = archive.lock_ingest()?;
            let mut refused = false;
            for file in files {
                let outcome = archive
                    .ingest(&mut lock, &file)
                    .with_context(|| format!("{}: not stored", file.display()))?;
                refused |= matches!(outcome, IngestOutcome::Refused(_));
                writeln!(io.out, "{}: {}", file.display(), outcome.describe())?;
            }
            return Ok(if refused { 2 } else { 0 });
        }
        ArchiveCommand::Report {
            at,
            format,
            stale_after,
        } => {
            let company = at.open()?.company()?;
            let report = company.report(jiff::Timestamp::now(), *stale_after);
            match format {
                ReportFormat::Json => {
                    writeln!(io.out, "{}", serde_json::to_string_pretty(&report)?)?
                }
                ReportFormat::Csv => write!(io.out, "{}", report.csv()?)?,
            }
            for p in &company.problems {
                writeln!(io.err, "error: {p}")?;
            }
            if !company.problems.is_empty() {
                return Ok(2);
            }
        }
        ArchiveCommand::Serve {
            at,
            state,
            listen,
            stale_after,
            refresh_seconds,
            idle_minutes,
            session_hours,
            tls_cert,
            tls_key,
        } => {
            if !(0.1..=86_400.0).contains(refresh_seconds) {
                bail!("--refresh-seconds must be between 0.1 and 86400");
            }
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => Some(super::tls::TlsSource::Files {
                    cert: cert.clone(),
                    key: key.clone(),
                }),
                _ => None,
            };
            let settings = crate::web::WebSettings {
                idle_timeout: Duration::from_secs(idle_minutes.saturating_mul(60)),
                absolute_timeout: Duration::from_secs(session_hours.saturating_mul(3600)),
                tls: tls.is_some(),
                ..crate::web::WebSettings::default()
            };
            let serving = Serving {
                state_dir: state::state_dir(at.dir.as_deref(), state.as_deref())?,
                listen: *listen,
                stale_after: *stale_after,
                refresh: Duration::from_secs_f64(*refresh_seconds),
                settings,
                tls,
            };
            serve(&at.open()?, serving, io)?;
        }
        ArchiveCommand::User { command } => return user(command, io),
        ArchiveCommand::Export {
            at,
            site,
            on_or_before,
            out,
        } => {
            let archive = at.open()?;
            let b = archive.find(site, *on_or_before)?;
            if out.exists() {
                bail!("{} exists: export writes a new file", out.display());
            }
            let folder = out
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = out
                .file_name()
                .context("--out needs a file name")?
                .to_string_lossy();
            let bytes = archive.read_bundle(&b)?;
            crate::backup::write_durably(folder, &name, &bytes)?;
            writeln!(
                io.out,
                "{}: site {}, sequence {}, made {}, device {}",
                out.display(),
                b.summary.site_code,
                b.summary.sequence,
                b.summary.created_at,
                b.summary.device_fingerprint
            )?;
        }
    }
    Ok(0)
}

/// The settings of `caliber archive serve`.
struct Serving {
    state_dir: PathBuf,
    listen: SocketAddr,
    stale_after: SignedDuration,
    refresh: Duration,
    settings: crate::web::WebSettings,
    tls: Option<super::tls::TlsSource>,
}

/// `caliber archive serve`: the company view until Ctrl-C or SIGTERM, with the control
/// socket for `caliber archive user …` in the state folder.
fn serve(archive: &Archive, s: Serving, io: &mut CommandIo) -> anyhow::Result<()> {
    let store = Arc::new(state::open_state(&s.state_dir).with_context(|| {
        format!(
            "cannot open the company view's state in {} (does another `caliber archive serve` use it?)",
            s.state_dir.display()
        )
    })?);
    let logins = store.read()?.count::<User>()?;
    let view = Arc::new(CompanyView::open(archive.clone())?);
    CompanyView::keep_fresh(&view, s.refresh).context("cannot start the reload thread")?;
    let sites = view.company().sites.len();
    let limits = s.settings.session_limits();
    let company = Arc::new(crate::archive::web::CompanyState {
        view,
        stale_after: s.stale_after,
    });
    let app = crate::archive::web::router(
        crate::archive::web::ui_state(store.clone(), s.settings),
        company,
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(s.listen)
            .await
            .with_context(|| format!("cannot listen on {}", s.listen))?;
        let addr = listener.local_addr().context("listener address")?;
        let tls = match &s.tls {
            Some(source) => Some(super::tls::load(source, &s.state_dir)?),
            None => None,
        };
        let socket = s.state_dir.join(super::control::SOCKET_NAME);
        let run: super::control::Runner = Arc::new(run_forwarded_user);
        let control = super::control::listen(socket, s.state_dir.clone(), store.clone(), run);
        tokio::spawn(async move {
            if let Err(e) = control.await {
                tracing::error!("control socket stopped: {e:#}");
            }
        });
        tokio::spawn(super::serve::sweep_sessions(store, limits));
        let scheme = if tls.is_some() { "https" } else { "http" };
        writeln!(
            io.out,
            "Caliber archive {} ({sites} sites) listening on {scheme}://{addr}/",
            archive.location()
        )?;
        if logins == 0 {
            writeln!(
                io.out,
                "No login yet: add one with `caliber archive user add --email … --role admin` (password on standard input)."
            )?;
        }
        io.out.flush()?;
        let listener = super::listener::CappedListener::new(
            listener,
            tls.map(|t| t.acceptor),
            super::listener::MAX_CONNECTIONS,
        )
        .context("listener")?;
        super::connections::serve(listener, app, super::serve::shutdown()).await;
        Ok(())
    })
}

/// One `caliber archive user …` received on the company view's control socket, run on its
/// state store; anything else is refused.
fn run_forwarded_user(args: &[String], store: &Store, io: &mut CommandIo) -> u8 {
    use clap::Parser;
    let command = match super::Cli::try_parse_from(args) {
        Ok(cli) => match cli.command {
            super::Command::Archive {
                command: ArchiveCommand::User { command },
            } => command,
            _ => {
                let _ = writeln!(
                    io.err,
                    "error: this command cannot run inside the archive server"
                );
                return 2;
            }
        },
        Err(e) => {
            let _ = write!(io.err, "{}", e.render());
            return 2;
        }
    };
    match user_on_store(&command, store, io) {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(io.err, "error: {e:#}");
            2
        }
    }
}

/// `caliber archive user …`: through the running company view when there is one, else on
/// the state store.
fn user(command: &UserCommand, io: &mut CommandIo) -> anyhow::Result<u8> {
    let dir = command.at().dir()?;
    let stdin = match command {
        UserCommand::Add { .. } | UserCommand::Passwd { .. } => Some(io.stdin()?),
        _ => None,
    };
    let socket = dir.join(super::control::SOCKET_NAME);
    let args = command.forwarded_args(&dir);
    if let Some(reply) = super::control::forward(&socket, &dir, args, stdin.clone())? {
        write!(io.out, "{}", reply.stdout)?;
        write!(io.err, "{}", reply.stderr)?;
        return Ok(reply.exit);
    }
    let store = state::open_state(&dir)
        .with_context(|| format!("cannot open the company view's state in {}", dir.display()))?;
    user_on_store(command, &store, io)?;
    Ok(0)
}

fn user_on_store(command: &UserCommand, store: &Store, io: &mut CommandIo) -> anyhow::Result<()> {
    let actor = Actor::named("cli");
    match command {
        UserCommand::Add { email, role, .. } => {
            super::add_user(store, email, state::archive_role(role)?, io)?
        }
        UserCommand::Passwd { email, .. } => super::change_password(store, email, io)?,
        UserCommand::Disable { email, .. } | UserCommand::Enable { email, .. } => {
            let active = matches!(command, UserCommand::Enable { .. });
            let u = super::user_by_email(store, email)?;
            let change = UserUpdate {
                active: Some(active),
                ..UserUpdate::default()
            };
            let u = service::update_user(store, &actor, u.id, change)?;
            let what = if active { "enabled" } else { "disabled" };
            writeln!(io.out, "{what} {}", u.email)?;
        }
        UserCommand::List { .. } => {
            let mut users = store.read()?.list::<User>()?;
            users.sort_by(|a, b| a.email.cmp(&b.email));
            for u in users {
                let state = if u.active { "active" } else { "disabled" };
                writeln!(io.out, "{}\t{}\t{state}", u.email, u.role)?;
            }
        }
    }
    Ok(())
}
