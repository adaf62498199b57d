//! `caliber archive …`: the central archive's command line (see `docs/archive.md`). Every
//! command takes the archive folder with `--dir`; bad input and refused bundles are exit 2
//! with the reason.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Subcommand, ValueEnum};

use super::CommandIo;
use crate::archive::{Archive, IngestOutcome, report_csv};

/// `caliber archive …`
#[derive(Debug, Subcommand)]
pub enum ArchiveCommand {
    /// Make a new archive: its age identity (0600); prints the recipient for the sites'
    /// backup_recipients.
    Init {
        /// The archive folder.
        #[arg(long)]
        dir: PathBuf,
    },
    /// Enrol a site's device key (its fingerprint from `caliber device show`); a key change
    /// for an enrolled site needs --reason.
    Enrol {
        /// The archive folder.
        #[arg(long)]
        dir: PathBuf,
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
        /// The archive folder.
        #[arg(long)]
        dir: PathBuf,
        /// Site code.
        #[arg(long)]
        site_code: String,
        /// Why.
        #[arg(long)]
        reason: Option<String>,
    },
    /// The enrolled sites and their keys.
    List {
        /// The archive folder.
        #[arg(long)]
        dir: PathBuf,
    },
    /// Verify and store bundle files (or every bundle in a folder, e.g. a stick's
    /// caliber-backup/); one line per file; exit 2 if any was refused.
    Ingest {
        /// The archive folder.
        #[arg(long)]
        dir: PathBuf,
        /// Bundle files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// The newest summary of every site.
    Report {
        /// The archive folder.
        #[arg(long)]
        dir: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
        format: ReportFormat,
    },
    /// Copy a site's newest stored bundle (or the newest made on or before --at) to a file,
    /// for `caliber backup restore` on a replacement box.
    Export {
        /// The archive folder.
        #[arg(long)]
        dir: PathBuf,
        /// Site code.
        #[arg(long)]
        site: String,
        /// Newest made on or before this UTC date (YYYY-MM-DD).
        #[arg(long)]
        at: Option<jiff::civil::Date>,
        /// Where to write the bundle (a new file).
        #[arg(long)]
        out: PathBuf,
    },
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

/// Run an archive command; the exit code is 0, or 2 when a bundle was refused.
pub fn run(command: &ArchiveCommand, io: &mut CommandIo) -> anyhow::Result<u8> {
    match command {
        ArchiveCommand::Init { dir } => {
            let (_, recipient) = Archive::init(dir)?;
            writeln!(io.out, "{recipient}")?;
        }
        ArchiveCommand::Enrol {
            dir,
            site_code,
            key,
            reason,
        } => match Archive::open(dir)?.enrol(site_code, key, reason.as_deref())? {
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
            dir,
            site_code,
            reason,
        } => {
            let e = Archive::open(dir)?.unenrol(site_code, reason.as_deref())?;
            writeln!(io.out, "unenrolled {} (key {})", e.site_code, e.key)?;
        }
        ArchiveCommand::List { dir } => {
            for e in Archive::open(dir)?.enrolments()? {
                writeln!(io.out, "{}\t{}\tsince {}", e.site_code, e.key, e.since)?;
            }
        }
        ArchiveCommand::Ingest { dir, paths } => {
            let archive = Archive::open(dir)?;
            let mut refused = false;
            for p in paths {
                for file in bundle_files(p)? {
                    match archive.ingest(&file)? {
                        IngestOutcome::Accepted(s, _) => writeln!(
                            io.out,
                            "{}: accepted (site {}, sequence {})",
                            file.display(),
                            s.site_code,
                            s.sequence
                        )?,
                        IngestOutcome::Duplicate(_) => {
                            writeln!(io.out, "{}: duplicate", file.display())?
                        }
                        IngestOutcome::Refused(r) => {
                            refused = true;
                            writeln!(io.out, "{}: refused: {r}", file.display())?;
                        }
                    }
                }
            }
            return Ok(if refused { 2 } else { 0 });
        }
        ArchiveCommand::Report { dir, format } => {
            let rows = Archive::open(dir)?.report()?;
            match format {
                ReportFormat::Json => writeln!(io.out, "{}", serde_json::to_string_pretty(&rows)?)?,
                ReportFormat::Csv => write!(io.out, "{}", report_csv(&rows)?)?,
            }
        }
        ArchiveCommand::Export { dir, site, at, out } => {
            let b = Archive::open(dir)?.find(site, *at)?;
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
            let bytes = std::fs::read(&b.path)
                .with_context(|| format!("cannot read {}", b.path.display()))?;
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
