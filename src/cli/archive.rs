//! `caliber archive …`: the central archive's command line (see `docs/archive.md`). Every
//! command takes the archive with `--dir DIR` or `--store s3://…`; bad input and refused
//! bundles are exit 2 with the reason.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Subcommand, ValueEnum};
use jiff::SignedDuration;

use super::CommandIo;
use crate::archive::{Archive, IngestOutcome, Location, WatchOptions};

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
                let outcome = archive.ingest(&mut lock, &file)?;
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
