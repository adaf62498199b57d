//! `caliber digest preview|send`: the daily expiry digest from a shell. Beside a running
//! server both go through its control socket and use the server's settings and store.

use std::io::Write;

use clap::Subcommand;

use super::{CommandIo, DataDir};
use crate::service::{self, DigestPlan, DigestSettings, RelayBackoff};
use crate::store::{Actor, Store};

/// `caliber digest …`
#[derive(Debug, Subcommand)]
pub enum DigestCommand {
    /// Print what the digest would send to whom (and what is queued), sending nothing.
    Preview {
        #[command(flatten)]
        data: DataDir,
        /// Plan the digest of this day (YYYY-MM-DD, at `send_at` box time; default: now).
        #[arg(long)]
        date: Option<jiff::civil::Date>,
    },
    /// Plan today's digest, queue it and hand every queued message to the relay now; exit 2
    /// when anything could not be delivered (it stays queued, or was refused with a reason).
    Send {
        #[command(flatten)]
        data: DataDir,
    },
}

impl DigestCommand {
    /// The data directory flag.
    pub fn data(&self) -> &DataDir {
        match self {
            DigestCommand::Preview { data, .. } | DigestCommand::Send { data } => data,
        }
    }
}

/// Today in the box's timezone, as the e-mails name it.
fn today(now: jiff::Timestamp) -> String {
    now.to_zoned(jiff::tz::TimeZone::system())
        .date()
        .to_string()
}

fn print_plan(plan: &DigestPlan, io: &mut CommandIo) -> anyhow::Result<()> {
    if plan.digests.is_empty() {
        writeln!(io.out, "nothing new to announce on {}", plan.day)?;
    }
    for d in &plan.digests {
        writeln!(io.out, "to {} ({})", d.to, d.why.join(", "))?;
        writeln!(io.out, "  subject: {}", d.subject())?;
        for i in &d.items {
            writeln!(io.out, "  {}", i.line())?;
        }
    }
    for r in &plan.refused {
        writeln!(
            io.out,
            "refused {}: {} ({} item(s) not sent to it)",
            r.who, r.reason, r.items
        )?;
    }
    for i in &plan.unrouted {
        writeln!(
            io.out,
            "nobody to tell (no supervisor e-mail, no subscriber): {}",
            i.line().trim_start_matches("- ")
        )?;
    }
    for m in &plan.waiting {
        writeln!(
            io.out,
            "queued since {}: to {}: {}",
            m.queued_at, m.to, m.subject
        )?;
    }
    Ok(())
}

/// Run one `digest` subcommand on `store`; returns the exit code.
pub fn run(
    command: DigestCommand,
    store: &Store,
    settings: &DigestSettings,
    io: &mut CommandIo,
) -> anyhow::Result<u8> {
    let now = jiff::Timestamp::now();
    match command {
        DigestCommand::Preview { date, .. } => {
            let (day, at) = match date {
                Some(d) => (d.to_string(), settings.planned_at(d)?),
                None => (today(now), now),
            };
            let plan = service::plan_digests(store, settings, &day, at)?;
            print_plan(&plan, io)?;
            if settings.relay.is_none() {
                writeln!(
                    io.out,
                    "(no [smtp] relay in caliber.toml: nothing would be sent)"
                )?;
            }
            Ok(0)
        }
        DigestCommand::Send { .. } => {
            let Some(relay) = &settings.relay else {
                writeln!(
                    io.err,
                    "error: no [smtp] relay in caliber.toml (host, from): nothing can be sent"
                )?;
                return Ok(2);
            };
            let _running = settings.running.lock().unwrap_or_else(|p| p.into_inner());
            let actor = Actor::named("cli");
            let (plan, queued) = service::queue_digests(store, &actor, settings, &today(now), now)?;
            writeln!(io.out, "queued {} digest(s)", queued.len())?;
            for r in &plan.refused {
                writeln!(io.out, "refused {}: {}", r.who, r.reason)?;
            }
            let report = service::deliver_queued(
                store,
                &actor,
                relay,
                &mut RelayBackoff::default(),
                now,
                true,
            )?;
            for (to, subject) in &report.sent {
                writeln!(io.out, "sent to {to}: {subject}")?;
            }
            for (to, reason) in &report.refused {
                writeln!(io.out, "refused by the relay for {to}: {reason}")?;
            }
            for (to, reason, _) in &report.failed {
                writeln!(io.out, "not delivered to {to}, stays queued: {reason}")?;
            }
            let trouble =
                !report.failed.is_empty() || !report.refused.is_empty() || !plan.refused.is_empty();
            Ok(if trouble { 2 } else { 0 })
        }
    }
}
