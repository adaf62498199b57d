//! Expiry digests against a real SMTP server on loopback (Python's aiosmtpd, a subprocess
//! writing each message it accepts to a folder): content, once per threshold, a relay that is
//! down and then back, supervisor and subscriber routing, and refused addresses.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use caliber::domain::*;
use caliber::qualify::format_date;
use caliber::service::{
    self, CertifyInput, DepartmentInput, DigestSettings, ImportKind, ImportRequest, RelayBackoff,
    RelaySecurity, RelaySettings, RequirementInput, SiteInput, SkillInput, StationInput,
    Subscriber,
};
use caliber::store::{Actor, Store};
use jiff::{SignedDuration, Timestamp, ToSpan};

/// An SMTP server that accepts everything except recipients starting with `refuse`
/// (550), and writes each message it accepts to `DIR/NNNN.eml` (first line: the envelope
/// recipients).
const SINK: &str = r#"
import os, sys
from aiosmtpd.controller import Controller
out, port = sys.argv[1], int(sys.argv[2])
class Sink:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refuse"):
            return "550 5.1.1 <%s>: mailbox unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"
    async def handle_DATA(self, server, session, envelope):
        n = len([f for f in os.listdir(out) if f.endswith(".eml")])
        name = os.path.join(out, "%04d.eml" % n)
        with open(name + ".tmp", "wb") as f:
            f.write(("X-Envelope-To: %s\r\n" % ",".join(envelope.rcpt_tos)).encode())
            f.write(envelope.original_content or envelope.content)
        os.rename(name + ".tmp", name)
        return "250 2.0.0 queued as %04d" % n
c = Controller(Sink(), hostname="127.0.0.1", port=port)
c.start()
print("ready", flush=True)
sys.stdin.read()
c.stop()
"#;

/// The Python with aiosmtpd (Debian's python3-aiosmtpd lives in the system Python).
fn python() -> String {
    std::env::var("CALIBER_TEST_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".to_owned())
}

struct SmtpSink {
    child: Child,
    dir: PathBuf,
}

impl SmtpSink {
    fn start(port: u16, dir: &Path) -> SmtpSink {
        std::fs::create_dir_all(dir).expect("mail dir");
        let mut child = Command::new(python())
            .arg("-c")
            .arg(SINK)
            .arg(dir)
            .arg(port.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start python3 with aiosmtpd (apt-get install python3-aiosmtpd)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("sink output");
        assert_eq!(line.trim(), "ready", "the SMTP sink did not start");
        SmtpSink {
            child,
            dir: dir.to_owned(),
        }
    }

    /// Every message received so far, in order.
    fn messages(&self) -> Vec<String> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .expect("mail dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| std::fs::read_to_string(p).expect("message"))
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port nothing listens on right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn relay(port: u16) -> RelaySettings {
    RelaySettings {
        host: "127.0.0.1".into(),
        port,
        security: RelaySecurity::None,
        login: None,
        from: "Caliber <caliber@plant.example>".parse().expect("from"),
        timeout: Duration::from_secs(10),
    }
}

fn settings(port: u16) -> DigestSettings {
    DigestSettings {
        relay: Some(relay(port)),
        ..DigestSettings::default()
    }
}

/// Site ATX (UTC), department Assembly, skills FORK (required of everyone at level 2) and
/// LOTO (required only at Dock 1), stations Press 4 and Dock 1. Sam supervises Ana and Ben;
/// Ana's FORK expires in 5 days, Ben's in 45, Sam's own in 300.
struct Plant {
    ana_fork: Certification,
    ben_fork: Certification,
}

fn achieved_for_expiry_in(now: Timestamp, days: i64) -> Timestamp {
    now.to_zoned(jiff::tz::TimeZone::UTC)
        .checked_sub(12.months())
        .expect("a year ago")
        .timestamp()
        + SignedDuration::from_hours(24 * days)
}

fn plant(store: &Store, now: Timestamp) -> Plant {
    let a = Actor::named("test");
    let site: Site = service::create(
        store,
        &a,
        SiteInput {
            code: "ATX".into(),
            name: "Austin".into(),
            timezone: "UTC".into(),
            warning_days: None,
        },
    )
    .expect("site");
    let _: Department = service::create(
        store,
        &a,
        DepartmentInput {
            name: "Assembly".into(),
        },
    )
    .expect("department");
    let skill = |code: &str, name: &str| -> Skill {
        service::create(
            store,
            &a,
            SkillInput {
                code: code.into(),
                name: name.into(),
                description: String::new(),
                max_level: 3,
                validity_months: Some(12),
                needs_approval: None,
            },
        )
        .expect("skill")
    };
    let fork = skill("FORK", "Forklift Operation");
    let loto = skill("LOTO", "Lockout Tagout");
    let _: Requirement = service::create(
        store,
        &a,
        RequirementInput {
            skill_id: fork.id,
            level: 2,
            site_id: Some(site.id),
            department_id: None,
            role_id: None,
            project_id: None,
        },
    )
    .expect("requirement");
    for (name, extra) in [("Press 4", vec![]), ("Dock 1", vec![loto.id])] {
        service::create_station(
            store,
            &a,
            StationInput {
                name: name.into(),
                project_id: None,
                extra_skills: extra
                    .into_iter()
                    .map(|skill_id| StationSkill { skill_id, level: 1 })
                    .collect(),
            },
        )
        .expect("station");
    }
    let csv = "employee_number,name,site,department,supervisor,email\n\
               S1,Sam Boss,ATX,Assembly,,sam.boss@plant.example\n\
               A1,Ana Ruiz,ATX,Assembly,S1,\n\
               B1,Ben Ode,ATX,Assembly,S1,\n";
    let report = service::import_file(
        store,
        &a,
        ImportRequest {
            kind: ImportKind::Employees,
            file_name: "people.csv".into(),
            bytes: csv.as_bytes().to_vec(),
            create_missing: false,
            dry_run: false,
        },
    )
    .expect("import");
    let _ = report;
    let by_number = |n: &str| -> Employee {
        store
            .read()
            .expect("read")
            .list::<Employee>()
            .expect("employees")
            .into_iter()
            .find(|e| e.number == n)
            .expect("employee")
    };
    let certify = |e: &Employee, skill: &Skill, days: i64| {
        service::certify(
            store,
            &a,
            CertifyInput {
                employee_id: e.id,
                skill_id: skill.id,
                level: 2,
                achieved_at: Some(achieved_for_expiry_in(now, days)),
                revision_id: None,
                notes: String::new(),
                attachments: Vec::new(),
                assessor: None,
            },
        )
        .expect("certify")
    };
    let (ana, ben, sam) = (by_number("A1"), by_number("B1"), by_number("S1"));
    let ana_fork = certify(&ana, &fork, 5);
    let ben_fork = certify(&ben, &fork, 45);
    certify(&sam, &fork, 300);
    // Ana's LOTO (Dock 1 only) is good for 200 days: it never shows.
    certify(&ana, &loto, 200);
    Plant { ana_fork, ben_fork }
}

fn actions(store: &Store) -> Vec<String> {
    let r = store.read().expect("read");
    let head = r.audit_head().expect("head").seq;
    r.audit_events(1..=head)
        .expect("events")
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.starts_with("digest."))
        .collect()
}

fn run_digest(
    store: &Store,
    s: &DigestSettings,
    backoff: &mut RelayBackoff,
    now: Timestamp,
) -> service::DeliveryReport {
    let actor = Actor::named("digest");
    service::queue_digests(store, &actor, s, "today", now).expect("queue");
    service::deliver_queued(
        store,
        &actor,
        s.relay.as_ref().expect("relay"),
        backoff,
        now,
        false,
    )
    .expect("deliver")
}

#[test]
fn a_digest_lists_name_skill_date_and_blocked_stations_once_per_threshold() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&tmp.path().join("data")).expect("store");
    let now = Timestamp::now();
    let p = plant(&store, now);
    let port = free_port();
    let sink = SmtpSink::start(port, &tmp.path().join("mail"));
    let s = settings(port);
    let mut backoff = RelayBackoff::default();

    let report = run_digest(&store, &s, &mut backoff, now);
    assert_eq!(report.sent.len(), 1, "{report:?}");
    let mail = sink.messages();
    assert_eq!(mail.len(), 1);
    let m = &mail[0];
    assert!(
        m.starts_with("X-Envelope-To: sam.boss@plant.example"),
        "{m}"
    );
    let date = format_date(
        p.ana_fork.expires_at.expect("expiry"),
        &jiff::tz::TimeZone::UTC,
    );
    for want in [
        "Subject: Caliber: 2 certifications expiring",
        "Hello Sam Boss,",
        "Ana Ruiz (A1): Forklift Operation (FORK), expires ",
        date.as_str(),
        "blocks: Dock 1, Press 4",
        "Ben Ode (B1): Forklift Operation (FORK)",
        "supervisor of Ana Ruiz and supervisor of Ben Ode",
    ] {
        assert!(m.contains(want), "missing {want:?} in\n{m}");
    }
    assert!(
        !m.contains("Lockout"),
        "Ana's LOTO is good for 200 days:\n{m}"
    );
    assert!(
        !m.contains("Sam Boss (S1)"),
        "Sam's FORK is good for 300 days"
    );
    // Ana first: soonest expiry first.
    assert!(m.find("Ana Ruiz").expect("ana") < m.find("Ben Ode").expect("ben"));

    let r = store.read().expect("read");
    assert!(r.digest_outbox().expect("outbox").is_empty());
    let delivered = r.digest_delivered().expect("delivered");
    assert!(delivered.contains(&DigestNotice {
        certification_id: p.ana_fork.id,
        threshold_days: 7
    }));
    assert!(delivered.contains(&DigestNotice {
        certification_id: p.ben_fork.id,
        threshold_days: 60
    }));
    drop(r);
    assert_eq!(actions(&store), ["digest.queue", "digest.send"]);

    // The same day again, and a day later: nothing new reached a threshold.
    for later in [
        SignedDuration::from_hours(1),
        SignedDuration::from_hours(24),
    ] {
        let again = run_digest(&store, &s, &mut backoff, now + later);
        assert!(again.sent.is_empty(), "{again:?}");
    }
    assert_eq!(sink.messages().len(), 1, "each threshold is announced once");

    // Six days on, Ana's has expired: announced once more, as expired; Ben's (39 days
    // left) is still within the 60-day threshold already announced.
    let later = now + SignedDuration::from_hours(24 * 6);
    let report = run_digest(&store, &s, &mut backoff, later);
    assert_eq!(report.sent.len(), 1);
    let mail = sink.messages();
    assert_eq!(mail.len(), 2);
    assert!(
        mail[1].contains("Ana Ruiz (A1): Forklift Operation (FORK), expired "),
        "{}",
        mail[1]
    );
    assert!(mail[1].contains("(1 expired)"), "{}", mail[1]);
    assert!(!mail[1].contains("Ben Ode"), "{}", mail[1]);
}

#[test]
fn a_relay_that_is_down_keeps_the_digest_queued_until_it_is_back_then_sends_it_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let now = Timestamp::now();
    let port = free_port();
    let s = settings(port);
    {
        let store = Store::open(&data).expect("store");
        plant(&store, now);
        let mut backoff = RelayBackoff::default();
        let report = run_digest(&store, &s, &mut backoff, now);
        assert!(report.sent.is_empty());
        assert_eq!(report.failed.len(), 1, "{report:?}");
        let (to, reason, next) = &report.failed[0];
        assert_eq!(to, "sam.boss@plant.example");
        assert!(
            reason.contains(&format!("relay 127.0.0.1:{port}")),
            "{reason}"
        );
        assert_eq!(*next, now + service::DIGEST_FIRST_RETRY);
        // Not due again before its next try; nothing was planned twice.
        let report = run_digest(
            &store,
            &s,
            &mut backoff,
            now + SignedDuration::from_secs(30),
        );
        assert_eq!((report.failed.len(), report.waiting), (0, 1), "{report:?}");
        let r = store.read().expect("read");
        assert_eq!(r.digest_outbox().expect("outbox").len(), 1);
        assert!(r.digest_delivered().expect("delivered").is_empty());
        drop(r);
        assert_eq!(actions(&store), ["digest.queue"]);
    }
    // The box restarts; the relay comes back.
    let store = Store::open(&data).expect("reopen");
    assert_eq!(
        store
            .read()
            .expect("read")
            .digest_outbox()
            .expect("outbox")
            .len(),
        1,
        "the queued digest survives a restart"
    );
    let sink = SmtpSink::start(port, &tmp.path().join("mail"));
    let mut backoff = RelayBackoff::default();
    let report = run_digest(
        &store,
        &s,
        &mut backoff,
        now + SignedDuration::from_secs(90),
    );
    assert_eq!(report.sent.len(), 1, "{report:?}");
    for later in [120, 3600, 7200] {
        let report = run_digest(
            &store,
            &s,
            &mut backoff,
            now + SignedDuration::from_secs(later),
        );
        assert!(
            report.sent.is_empty() && report.failed.is_empty(),
            "{report:?}"
        );
    }
    let mail = sink.messages();
    assert_eq!(mail.len(), 1, "delivered exactly once");
    assert!(mail[0].contains("Ana Ruiz (A1)"));
    assert!(
        store
            .read()
            .expect("read")
            .digest_outbox()
            .expect("outbox")
            .is_empty()
    );
    assert_eq!(actions(&store), ["digest.queue", "digest.send"]);
    assert!(
        store
            .read()
            .expect("read")
            .verify_audit()
            .expect("verify")
            .intact
    );
}

#[test]
fn subscribers_hear_their_scope_and_bad_addresses_are_refused_with_the_reason() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&tmp.path().join("data")).expect("store");
    let now = Timestamp::now();
    plant(&store, now);
    // Sam's address was stored wrong (before imports checked addresses).
    let mut sam = store
        .read()
        .expect("read")
        .list::<Employee>()
        .expect("employees")
        .into_iter()
        .find(|e| e.number == "S1")
        .expect("sam");
    sam.email = Some("sam boss".into());
    store
        .write(&Actor::named("test"), |w| {
            w.put(&sam)?;
            w.audit(
                "employee.update",
                "employee",
                Some(sam.id),
                None::<&()>,
                Some(&sam),
            )?;
            Ok::<_, caliber::store::StoreError>(())
        })
        .expect("bad email");
    let port = free_port();
    let sink = SmtpSink::start(port, &tmp.path().join("mail"));
    let sub = |email: &str, site: Option<&str>, skill: Option<&str>| Subscriber {
        email: email.into(),
        site: site.map(Into::into),
        department: None,
        skill: skill.map(Into::into),
    };
    let s = DigestSettings {
        subscribers: vec![
            sub("qa@plant.example", Some("ATX"), Some("FORK")),
            sub("refuse.safety@plant.example", None, None),
        ],
        ..settings(port)
    };

    let plan = service::plan_digests(&store, &s, "today", now).expect("plan");
    assert_eq!(plan.refused.len(), 1, "{plan:?}");
    let r = &plan.refused[0];
    assert_eq!(r.who, "supervisor Sam Boss (S1)");
    assert!(
        r.reason.contains("'sam boss' is not an e-mail address"),
        "{}",
        r.reason
    );
    assert_eq!(r.items, 2);
    let to: Vec<&str> = plan.digests.iter().map(|d| d.to.as_str()).collect();
    assert_eq!(to, ["qa@plant.example", "refuse.safety@plant.example"]);
    // The FORK subscriber hears of Ana's and Ben's FORK, not of Sam's (300 days left).
    assert_eq!(plan.digests[0].items.len(), 2);

    let mut backoff = RelayBackoff::default();
    let report = run_digest(&store, &s, &mut backoff, now);
    assert_eq!(report.sent.len(), 1, "{report:?}");
    assert_eq!(report.refused.len(), 1, "{report:?}");
    assert_eq!(report.refused[0].0, "refuse.safety@plant.example");
    assert!(
        report.refused[0].1.contains("550"),
        "{}",
        report.refused[0].1
    );
    assert!(
        report.refused[0].1.contains("mailbox unknown"),
        "{}",
        report.refused[0].1
    );
    let mail = sink.messages();
    assert_eq!(mail.len(), 1);
    assert!(
        mail[0].starts_with("X-Envelope-To: qa@plant.example"),
        "{}",
        mail[0]
    );
    assert!(
        mail[0].contains("subscriber (site ATX, skill FORK)"),
        "{}",
        mail[0]
    );
    assert!(mail[0].contains("Hello,"), "{}", mail[0]);
    // The refusal is audited with its reason and nothing is left waiting.
    let mut got = actions(&store);
    got.sort();
    assert_eq!(
        got,
        [
            "digest.queue",
            "digest.queue",
            "digest.refuse",
            "digest.send"
        ]
    );
    let r = store.read().expect("read");
    assert!(r.digest_outbox().expect("outbox").is_empty());
    let head = r.audit_head().expect("head").seq;
    let refusal = r
        .audit_events(1..=head)
        .expect("events")
        .into_iter()
        .find(|e| e.action == "digest.refuse")
        .expect("refusal");
    assert!(refusal.new_value.unwrap_or_default().contains("550"));
}

#[test]
fn the_cli_previews_without_sending_and_sends_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let now = Timestamp::now();
    {
        let store = Store::open(&data).expect("store");
        plant(&store, now);
    }
    let port = free_port();
    let config = tmp.path().join("caliber.toml");
    std::fs::write(
        &config,
        format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\n\
             from = \"Caliber <caliber@plant.example>\"\ntimeout_seconds = 5\n"
        ),
    )
    .expect("config");
    let caliber = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_caliber"))
            .args(args)
            .arg("--data-dir")
            .arg(&data)
            .env("CALIBER_CONFIG", &config)
            .env_remove("CALIBER_DATA_DIR")
            .output()
            .expect("run caliber");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let today = now
        .to_zoned(jiff::tz::TimeZone::system())
        .date()
        .to_string();
    let (code, out, err) = caliber(&["digest", "preview", "--date", &today]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.contains("to sam.boss@plant.example (supervisor of Ana Ruiz"),
        "{out}"
    );
    assert!(
        out.contains("Ana Ruiz (A1): Forklift Operation (FORK)"),
        "{out}"
    );

    // Relay down: exit 2 with the reason, the digest stays queued.
    let (code, out, _) = caliber(&["digest", "send"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("not delivered to sam.boss@plant.example, stays queued"),
        "{out}"
    );
    let (_, out, _) = caliber(&["digest", "preview"]);
    assert!(out.contains("queued since"), "{out}");
    assert!(out.contains("nothing new to announce"), "{out}");

    let sink = SmtpSink::start(port, &tmp.path().join("mail"));
    let (code, out, err) = caliber(&["digest", "send"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("queued 0 digest(s)"), "{out}");
    assert!(out.contains("sent to sam.boss@plant.example"), "{out}");
    let (code, out, _) = caliber(&["digest", "send"]);
    assert_eq!(code, Some(0));
    assert!(!out.contains("sent to"), "{out}");
    assert_eq!(sink.messages().len(), 1);

    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, "[smtp]\nhost = \"r\"\nfrom = \"nobody\"\n").expect("bad config");
    let out = Command::new(env!("CARGO_BIN_EXE_caliber"))
        .args(["digest", "send", "--data-dir"])
        .arg(&data)
        .env("CALIBER_CONFIG", &bad)
        .output()
        .expect("run caliber");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("smtp.from: 'nobody' is not a sender address"),
        "{err}"
    );
}

#[test]
fn digest_send_beside_a_running_server_goes_through_its_socket() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let now = Timestamp::now();
    {
        let store = Store::open(&data).expect("store");
        plant(&store, now);
    }
    let port = free_port();
    let sink = SmtpSink::start(port, &tmp.path().join("mail"));
    let config = tmp.path().join("caliber.toml");
    std::fs::write(
        &config,
        format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\n\
             from = \"caliber@plant.example\"\n[digest]\nsend_at = \"23:59\"\n"
        ),
    )
    .expect("config");
    let listen = format!("127.0.0.1:{}", free_port());
    let mut server = Command::new(env!("CARGO_BIN_EXE_caliber"))
        .args(["serve", "--listen", &listen, "--data-dir"])
        .arg(&data)
        .env("CALIBER_CONFIG", &config)
        .env_remove("CALIBER_RUNTIME_DIR")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn server");
    let socket = data.join("caliber.sock");
    for _ in 0..200 {
        if socket.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(socket.exists(), "the server made its control socket");
    let out = Command::new(env!("CARGO_BIN_EXE_caliber"))
        .args(["digest", "send", "--data-dir"])
        .arg(&data)
        .env("CALIBER_CONFIG", &config)
        .env_remove("CALIBER_RUNTIME_DIR")
        .output()
        .expect("run caliber");
    let _ = server.kill();
    let _ = server.wait();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The server holds the store, so the command ran inside it; with send_at late in the
    // day only this command sent the digest (unless the test runs at 23:59).
    let mail = sink.messages();
    assert_eq!(mail.len(), 1, "{text}");
    assert!(mail[0].contains("Ana Ruiz (A1)"));
}
