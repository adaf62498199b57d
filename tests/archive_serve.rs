//! The company view, `caliber archive serve`, over real HTTP: real boxes' bundles (the real
//! backup export) ingested by the real binary and served by the real binary; logins through
//! the login form; every route for every role; the figures against `caliber archive report`
//! and against the boxes' own engine.

mod archive_kit;
mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use archive_kit::s3::{BUCKET, S3Server};
use archive_kit::web::{Browser, Served};
use archive_kit::{SiteBox, TwoBoxes, archive, archive_input, archive_with, enrol, new_archive, s};
use caliber::archive::{Archive, CompanyReport, SiteMatrix};
use caliber::domain::{Employee, Site};
use caliber::service::{self, EmployeeInput, MatrixFilter};
use caliber::store::{Actor, Store};

const PASSWORD: &str = "archive-test-password";

/// Add a login of the company view with `role` (through `env`'s store, if any).
fn add_user(at: &[&str], env: &[(&str, String)], email: &str, role: &str) {
    let mut args = vec!["user", "add"];
    args.extend_from_slice(at);
    args.extend(["--email", email, "--role", role]);
    let (code, out) = archive_input(&args, env, PASSWORD);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("added {email} ({role})")), "{out}");
}

/// The company report as `caliber archive report` prints it.
fn cli_report(a: &Path, extra: &[&str]) -> CompanyReport {
    let mut args = vec!["report", "--dir", s(a), "--format", "json"];
    args.extend_from_slice(extra);
    let (code, json) = archive(&args);
    assert_eq!(code, 0, "{json}");
    serde_json::from_str(&json).expect("report json")
}

/// The dashboard's row of `site`: the HTML of the row, and each `data-figure` cell's text.
fn row(page: &str, site: &str) -> (String, BTreeMap<String, String>) {
    let start = page
        .find(&format!("<tr id=\"site-{site}\">"))
        .unwrap_or_else(|| panic!("no row of {site}"));
    let html = &page[start..];
    let html = &html[..html.find("</tr>").expect("row end")];
    let figures = html
        .split("data-figure=\"")
        .skip(1)
        .map(|cell| {
            let (name, rest) = cell.split_once("\">").expect("cell");
            let value = rest.split("</td>").next().expect("cell end");
            (name.to_owned(), value.to_owned())
        })
        .collect();
    (html.to_owned(), figures)
}

/// Wait (up to 60 s) until `f` holds.
fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !f() {
        assert!(Instant::now() < deadline, "never: {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// An active employee without any certification at the site `code` of `store`.
fn hire(store: &Store, code: &str, number: &str) {
    let site = store
        .read()
        .expect("read")
        .list::<Site>()
        .expect("sites")
        .into_iter()
        .find(|s| s.code == code)
        .expect("site");
    service::create::<Employee>(
        store,
        &Actor::named("test"),
        EmployeeInput {
            number: number.into(),
            name: format!("New Hire {number}"),
            site_id: site.id,
            department_id: None,
            role_id: None,
            project_ids: vec![],
            status: None,
            user_id: None,
            language: None,
        },
    )
    .expect("hire");
}

#[test]
fn two_boxes_are_shown_side_by_side_with_the_reports_figures() {
    let t = TwoBoxes::new();
    let a = &t.archive;
    let first = t
        .austin
        .bundle(&t.path("out-a"), std::slice::from_ref(&t.recipient));
    hire(&t.austin.store, "ATX-01", "E-NEW-1");
    let second = t.austin.bundle(&t.path("out-a"), &[]);
    let lyon = t.lyon.bundle(&t.path("out-l"), &[]);
    t.ingest(&[&first, &second, &lyon]);
    for role in ["viewer", "auditor", "admin"] {
        add_user(&["--dir", s(a)], &[], &format!("{role}@plant.test"), role);
    }
    let srv = Served::start(&["--dir", s(a), "--refresh-seconds", "0.3"], &[]);
    let viewer = srv
        .login("viewer@plant.test", PASSWORD)
        .expect("viewer logs in");
    let auditor = srv
        .login("auditor@plant.test", PASSWORD)
        .expect("auditor logs in");

    // Side by side, each site's figures those of the report.
    let page = srv.get(&viewer, "/");
    assert_eq!(page.status, 200);
    let page = page.text();
    let report = cli_report(a, &[]);
    assert_eq!(report.sites.len(), 2);
    for site in &report.sites {
        let m = &site.summary;
        let (html, figures) = row(&page, &m.site_code);
        let [x30, x60, x90] = m.expiring_totals();
        let expected: BTreeMap<String, String> = [
            ("employees", m.employees.to_string()),
            ("qualified", m.qualified.to_string()),
            ("compliance", format!("{}%", m.compliance_percent)),
            ("expiring", format!("{x30} / {x60} / {x90}")),
            ("gaps", m.gaps_total().to_string()),
            ("stations", m.stations.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        assert_eq!(figures, expected, "{}", m.site_code);
        assert!(
            html.contains("current") && !html.contains("stale"),
            "{html}"
        );
        assert!(html.contains(&format!("#{}", m.sequence)), "{html}");
    }
    let atx = &report.sites[0].summary;
    assert_eq!(atx.site_code, "ATX-01");
    assert_eq!(report.sites[1].summary.site_code, "LYN-01");
    assert_eq!(
        atx.employees,
        report.sites[1].summary.employees + 1,
        "the new hire"
    );

    // The trend: each point is that bundle's own summary.
    let stored = Archive::open(a).expect("open").stored().expect("stored");
    let points: Vec<_> = stored
        .iter()
        .filter(|b| b.summary.site_code == "ATX-01")
        .map(|b| b.summary.point())
        .collect();
    assert_eq!(atx.trend, points);
    assert_eq!(atx.trend.len(), 2);

    // The same report over HTTP, as JSON and CSV.
    let mut served: CompanyReport =
        serde_json::from_slice(&srv.get(&viewer, "/report.json").body).expect("json");
    served.generated_at = report.generated_at;
    assert_eq!(served, report);
    let (code, csv) = archive(&["report", "--dir", s(a), "--format", "csv"]);
    assert_eq!(code, 0, "{csv}");
    assert_eq!(srv.get(&viewer, "/report.csv").text(), csv);

    // Gaps and expiring certifications across the sites.
    let gaps = srv.get(&viewer, "/gaps").text();
    assert!(!report.gaps_by_skill.is_empty());
    for g in &report.gaps_by_skill {
        assert!(gaps.contains(&g.skill), "{}", g.skill);
        assert_eq!(
            g.employees,
            report
                .sites
                .iter()
                .flat_map(|s| &s.summary.gaps)
                .filter(|x| x.skill_code == g.skill_code)
                .map(|x| x.employees)
                .sum::<usize>()
        );
    }
    let expiring = srv.get(&viewer, "/expiring").text();
    for x in &report.expiring_by_skill {
        assert!(expiring.contains(&x.skill), "{}", x.skill);
    }

    // Drill-down: the site's matrix as of its newest bundle is the box's own matrix then.
    assert_eq!(srv.get(&viewer, "/sites/ATX-01").status, 200);
    assert_eq!(srv.get(&viewer, "/sites/ATX-01/matrix").status, 403);
    let m: SiteMatrix =
        serde_json::from_slice(&srv.get(&auditor, "/sites/atx-01/matrix.json").body)
            .expect("matrix json");
    let own = service::matrix(&t.austin.store, &MatrixFilter::default(), atx.created_at)
        .expect("box matrix");
    assert_eq!(m, SiteMatrix::of(&own, atx.created_at));
    assert!(m.rows.iter().any(|r| r.name == "New Hire E-NEW-1"));
    let html = srv.get(&auditor, "/sites/ATX-01/matrix").text();
    for r in m.rows.iter().take(20) {
        assert!(html.contains(&r.number), "{}", r.number);
    }

    // History with verification, and downloads of the exact stored bytes.
    let history = srv.get(&auditor, "/sites/ATX-01/bundles").text();
    assert_eq!(
        history.matches("verified at ingest").count(),
        2,
        "{history}"
    );
    assert_eq!(
        history.matches("signed by the site's enrolled key").count(),
        2
    );
    assert_eq!(history.matches(", as verified").count(), 2);
    for (b, source, ext) in [
        (&stored[0], &first, ".zip.age"),
        (&stored[1], &second, ".zip"),
    ] {
        let file = b.key.rsplit('/').next().expect("file");
        let path = format!("/sites/ATX-01/bundles/{file}");
        assert!(history.contains(&path));
        assert_eq!(srv.get(&viewer, &path).status, 403);
        let got = srv.get(&auditor, &path);
        assert_eq!(got.status, 200);
        assert!(
            got.header("content-disposition")
                .ends_with(&format!("{ext}\""))
        );
        assert_eq!(got.body, std::fs::read(source).expect("source"), "{file}");
    }
    assert_eq!(
        srv.get(&auditor, "/sites/ATX-01/bundles/20000101T000000Z-1.bundle")
            .status,
        404
    );
    assert_eq!(srv.get(&viewer, "/sites/NOPE-01").status, 404);

    // A new bundle shows without a restart.
    hire(&t.lyon.store, "LYN-01", "E-NEW-2");
    let newer = t.lyon.bundle(&t.path("out-l"), &[]);
    t.ingest(&[&newer]);
    eventually("the new Lyon bundle is shown", || {
        row(&srv.get(&viewer, "/").text(), "LYN-01")
            .0
            .contains("#2")
    });
    let page = srv.get(&viewer, "/").text();
    let report = cli_report(a, &[]);
    let (_, figures) = row(&page, "LYN-01");
    assert_eq!(
        figures["employees"],
        report.sites[1].summary.employees.to_string()
    );

    // Downloads are in the company view's audit trail.
    assert_eq!(srv.stop(), Some(0), "a clean stop");
    let state = Store::open(&a.join(caliber::archive::state::STATE_DIR)).expect("state");
    let r = state.read().expect("read");
    let head = r.audit_head().expect("head").seq;
    let downloads: Vec<_> = r
        .audit_events(1..=head)
        .expect("events")
        .into_iter()
        .filter(|e| e.action == "archive.download")
        .collect();
    assert_eq!(downloads.len(), 2);
    assert!(downloads.iter().all(|e| e.actor == "auditor@plant.test"));
}

#[test]
fn every_route_checks_the_login_the_role_and_the_form_token() {
    let t = tempfile::tempdir().expect("tmp");
    let (a, _) = new_archive(t.path());
    let b = SiteBox::new(&t.path().join("box"), None);
    for site in ["ATX-01", "DTR-01"] {
        enrol(&a, site, &b.key.fingerprint());
    }
    let bundle = b.bundle(&t.path().join("out"), &[]);
    let (code, out) = archive(&["ingest", "--dir", s(&a), s(&bundle)]);
    assert_eq!(code, 0, "{out}");
    let at = ["--dir", s(&a)];
    for role in ["viewer", "auditor", "admin"] {
        add_user(&at, &[], &format!("{role}@plant.test"), role);
    }
    add_user(&at, &[], "guesser@plant.test", "viewer");
    let (code, out) = archive_input(
        &[
            "user",
            "add",
            "--dir",
            s(&a),
            "--email",
            "x@plant.test",
            "--role",
            "trainer",
        ],
        &[],
        PASSWORD,
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("viewer, auditor or admin"), "{out}");
    let file = Archive::open(&a).expect("open").stored().expect("stored")[0]
        .key
        .rsplit('/')
        .next()
        .expect("file")
        .to_owned();

    let srv = Served::start(&at, &[]);
    let anon = Browser::default();
    let browsers: Vec<(&str, Browser)> = ["viewer", "auditor", "admin"]
        .into_iter()
        .map(|r| {
            (
                r,
                srv.login(&format!("{r}@plant.test"), PASSWORD)
                    .expect("login"),
            )
        })
        .collect();
    const ALL: &[&str] = &["viewer", "auditor", "admin"];
    const PEOPLE: &[&str] = &["auditor", "admin"];
    let gets: Vec<(&str, &[&str])> = vec![
        ("/", ALL),
        ("/gaps", ALL),
        ("/expiring", ALL),
        ("/report.json", ALL),
        ("/report.csv", ALL),
        ("/sites/{code}", ALL),
        ("/sites/{code}/bundles", ALL),
        ("/sites/{code}/matrix", PEOPLE),
        ("/sites/{code}/matrix.json", PEOPLE),
        ("/sites/{code}/bundles/{file}", PEOPLE),
        ("/enrolments", PEOPLE),
        ("/users", &["admin"]),
    ];
    let public = [("GET", "/style.css"), ("GET", "/login"), ("POST", "/login")];
    // Every route the router serves has an expectation here.
    for route in caliber::archive::web::routes() {
        for method in &route.methods {
            let known = public.contains(&(*method, route.path))
                || (*method == "POST" && route.path == "/logout")
                || (*method == "GET" && gets.iter().any(|(p, _)| *p == route.path));
            assert!(
                known,
                "{method} {} has no expectation in this test",
                route.path
            );
        }
    }
    for (pattern, allowed) in &gets {
        let path = pattern.replace("{code}", "ATX-01").replace("{file}", &file);
        let r = srv.get(&anon, &path);
        assert_eq!(r.status, 303, "anonymous GET {path}");
        assert!(r.location.starts_with("/login?next="), "{}", r.location);
        for (role, b) in &browsers {
            let r = srv.get(b, &path);
            let expected = if allowed.contains(role) { 200 } else { 403 };
            assert_eq!(r.status, expected, "{role} GET {path}: {}", r.text());
        }
    }

    // The box's security headers on every page.
    let r = srv.get(&browsers[0].1, "/");
    assert!(
        r.header("content-security-policy")
            .contains("default-src 'none'")
    );
    assert_eq!(r.header("x-frame-options"), "DENY");
    assert_eq!(r.header("cache-control"), "no-store");
    assert_eq!(srv.get(&anon, "/style.css").status, 200);

    // Logging out needs the session's form token, and ends the session.
    let mut forged = browsers[0].1.clone();
    forged.csrf = "forged".into();
    assert_eq!(srv.post(&forged, "/logout", &[]).status, 403);
    assert_eq!(srv.get(&browsers[0].1, "/").status, 200, "still logged in");
    assert_eq!(srv.post(&browsers[0].1, "/logout", &[]).status, 303);
    assert_eq!(srv.get(&browsers[0].1, "/").status, 303, "logged out");
    // The login form needs its own token (login CSRF).
    let r = srv.post_bare(
        "/login",
        &[("email", "viewer@plant.test"), ("password", PASSWORD)],
    );
    assert_eq!(r.status, 403);

    // Guessing is throttled: after five wrong passwords even the right one waits.
    for _ in 0..5 {
        let r = srv
            .login("guesser@plant.test", "wrong password!")
            .expect_err("refused");
        assert_eq!(r.status, 401);
    }
    let r = srv
        .login("guesser@plant.test", PASSWORD)
        .expect_err("locked");
    assert_eq!(r.status, 429);

    // A login disabled while the view runs (through its control socket) is out at once.
    let (code, out) = archive(&[
        "user",
        "disable",
        "--dir",
        s(&a),
        "--email",
        "auditor@plant.test",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("disabled auditor@plant.test"), "{out}");
    assert_eq!(srv.get(&browsers[1].1, "/").status, 303);
    assert_eq!(
        srv.login("auditor@plant.test", PASSWORD)
            .expect_err("disabled")
            .status,
        401
    );
    let (code, out) = archive(&["user", "list", "--dir", s(&a)]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("auditor@plant.test\tauditor\tdisabled"),
        "{out}"
    );
    assert!(out.contains("admin@plant.test\tadmin\tactive"), "{out}");
    let (code, out) = archive(&[
        "user",
        "enable",
        "--dir",
        s(&a),
        "--email",
        "auditor@plant.test",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(srv.login("auditor@plant.test", PASSWORD).is_ok());
}

#[test]
fn stale_sites_and_sites_awaiting_their_first_bundle_are_flagged() {
    let t = tempfile::tempdir().expect("tmp");
    let (a, _) = new_archive(t.path());
    let b = SiteBox::new(&t.path().join("box"), None);
    for site in ["ATX-01", "DTR-01"] {
        enrol(&a, site, &b.key.fingerprint());
    }
    enrol(&a, "NEW-01", &"c".repeat(64));
    let bundle = b.bundle(&t.path().join("out"), &[]);
    let (code, out) = archive(&["ingest", "--dir", s(&a), s(&bundle)]);
    assert_eq!(code, 0, "{out}");
    std::thread::sleep(Duration::from_millis(1100));

    let fresh = cli_report(&a, &[]);
    assert!(
        !fresh.sites[0].stale,
        "a bundle of a second ago is current by default"
    );
    assert_eq!(fresh.awaiting_first_bundle, ["NEW-01"]);
    assert_eq!(fresh.stale(), 1);
    let old = cli_report(&a, &["--stale-after", "1s"]);
    assert!(old.sites[0].stale);
    assert_eq!(old.stale(), 2);
    let (code, csv) = archive(&[
        "report",
        "--dir",
        s(&a),
        "--format",
        "csv",
        "--stale-after",
        "1s",
    ]);
    assert_eq!(code, 0, "{csv}");
    assert!(
        csv.lines()
            .any(|l| l.starts_with("NEW-01,") && l.contains(",true,0,")),
        "{csv}"
    );
    for bad in ["0s", "soon", "-1d"] {
        let flag = format!("--stale-after={bad}");
        let (code, out) = archive(&["report", "--dir", s(&a), &flag]);
        assert_eq!(code, 2, "{bad}: {out}");
        assert!(out.contains("is not a duration"), "{out}");
    }

    add_user(&["--dir", s(&a)], &[], "viewer@plant.test", "viewer");
    let srv = Served::start(&["--dir", s(&a), "--stale-after", "1s"], &[]);
    let viewer = srv.login("viewer@plant.test", PASSWORD).expect("login");
    let page = srv.get(&viewer, "/").text();
    assert!(row(&page, "ATX-01").0.contains("stale"), "{page}");
    let (waiting, _) = row(&page, "NEW-01");
    assert!(
        waiting.contains("no bundle received yet") && waiting.contains("stale"),
        "{waiting}"
    );
    assert!(
        srv.get(&viewer, "/sites/ATX-01")
            .text()
            .contains("Stale: the newest bundle")
    );
}

#[test]
fn the_company_view_serves_an_archive_in_an_object_store() {
    let t = tempfile::tempdir().expect("tmp");
    let server = S3Server::start(&t.path().join("s3"));
    let env = server.env();
    let url = format!("s3://{BUCKET}/caliber");
    let (code, out) = archive_with(&["init", "--store", &url], &env);
    assert_eq!(code, 0, "{out}");
    let b = SiteBox::new(&t.path().join("box"), None);
    for site in ["ATX-01", "DTR-01"] {
        let (code, out) = archive_with(
            &[
                "enrol",
                "--store",
                &url,
                "--site-code",
                site,
                "--key",
                &b.key.fingerprint(),
            ],
            &env,
        );
        assert_eq!(code, 0, "{out}");
    }
    let bundle = b.bundle(&t.path().join("out"), &[]);
    let (code, out) = archive_with(&["ingest", "--store", &url, s(&bundle)], &env);
    assert_eq!(code, 0, "{out}");

    let (code, out) = archive_with(&["serve", "--store", &url, "--listen", "127.0.0.1:0"], &env);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("--state"), "{out}");
    let state = t.path().join("state");
    let at = ["--store", url.as_str(), "--state", s(&state)];
    add_user(&at, &env, "auditor@plant.test", "auditor");
    let srv = Served::start(&at, &env);
    let auditor = srv.login("auditor@plant.test", PASSWORD).expect("login");
    let page = srv.get(&auditor, "/").text();
    let (_, figures) = row(&page, "ATX-01");
    let report = {
        let (code, json) = archive_with(&["report", "--store", &url], &env);
        assert_eq!(code, 0, "{json}");
        serde_json::from_str::<CompanyReport>(&json).expect("json")
    };
    assert_eq!(
        figures["employees"],
        report.sites[0].summary.employees.to_string()
    );
    let history = srv.get(&auditor, "/sites/ATX-01/bundles").text();
    let link = history
        .split("href=\"/sites/ATX-01/bundles/")
        .nth(1)
        .and_then(|h| h.split('"').next())
        .expect("a download link");
    let got = srv.get(&auditor, &format!("/sites/ATX-01/bundles/{link}"));
    assert_eq!(got.status, 200);
    assert_eq!(got.body, std::fs::read(&bundle).expect("bundle"));
    let m = srv.get(&auditor, "/sites/ATX-01/matrix");
    assert_eq!(m.status, 200, "{}", m.text());
}

#[test]
fn summaries_of_the_first_format_are_still_read() {
    let t = TwoBoxes::new();
    let a = &t.archive;
    let first = t.austin.bundle(&t.path("out"), &[]);
    hire(&t.austin.store, "ATX-01", "E-NEW-1");
    let second = t.austin.bundle(&t.path("out"), &[]);
    t.ingest(&[&first, &second]);
    let archive_now = Archive::open(a).expect("open");
    let stored = archive_now.stored().expect("stored");
    let newest = archive_now.company().expect("company");
    let trend = newest.site("ATX-01").expect("site").trend.clone();
    assert_eq!(trend.len(), 2);
    assert!(archive_now.matrix(&stored[1].key).expect("read").is_some());

    // As the first version wrote them: no format, no trend, no matrix beside them.
    for b in &stored {
        let summary = a.join(b.key.replace(".bundle", ".summary.json"));
        let mut json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&summary).expect("summary")).expect("json");
        let fields = json.as_object_mut().expect("object");
        fields.remove("format");
        fields.remove("trend");
        std::fs::write(&summary, serde_json::to_vec_pretty(&json).expect("json")).expect("write");
        std::fs::remove_file(a.join(b.key.replace(".bundle", ".matrix.json.gz"))).expect("rm");
    }
    let company = archive_now.company().expect("company");
    let site = company.site("ATX-01").expect("site");
    assert_eq!(site.newest.format, 1);
    assert!(site.newest.trend.is_empty());
    assert_eq!(
        *site.trend, *trend,
        "the trend is read from the summaries before it"
    );
    assert!(archive_now.matrix(&stored[1].key).expect("read").is_none());
    let report = cli_report(a, &[]);
    assert_eq!(report.sites[0].summary.trend, *trend);

    // A matrix left without a summary by a crash is removed by the next ingest.
    let orphan = a.join("sites/ATX-01/2020/01/20200101T000000Z-9.matrix.json.gz");
    std::fs::create_dir_all(orphan.parent().expect("parent")).expect("dir");
    std::fs::write(&orphan, b"half").expect("write");
    assert_eq!(
        Archive::open(a)
            .expect("open")
            .company()
            .expect("c")
            .sites
            .len(),
        1
    );
    drop(archive_now.lock_ingest().expect("lock"));
    assert!(!orphan.exists());
}

#[test]
fn the_company_dashboard_in_a_real_browser() {
    use common::browser::{session, shot, start_driver, wait_for};
    use fantoccini::Locator;
    let t = TwoBoxes::new();
    let a = &t.archive;
    // People hired between the bundles, so each site's trend moves.
    let mut files = Vec::new();
    for (i, b) in [&t.austin, &t.lyon, &t.austin, &t.austin, &t.lyon]
        .into_iter()
        .enumerate()
    {
        let code = if std::ptr::eq(b, &t.austin) {
            "ATX-01"
        } else {
            "LYN-01"
        };
        hire(&b.store, code, &format!("E-HIRE-{i}"));
        files.push(b.bundle(&t.path(&format!("out-{i}")), &[]));
    }
    t.ingest(&files.iter().map(|f| f.as_path()).collect::<Vec<_>>());
    enrol(a, "NEW-01", &"c".repeat(64));
    add_user(&["--dir", s(a)], &[], "quality@corp.test", "admin");
    let srv = Served::start(&["--dir", s(a)], &[]);
    let (_driver, webdriver) = start_driver();
    let profile = tempfile::tempdir().expect("profile");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    let base = srv.base.clone();
    rt.block_on(async move {
        let c = session(&webdriver, profile.path(), &[], None).await;
        c.goto(&format!("{base}/login")).await.expect("login page");
        c.find(Locator::Id("email")).await.expect("email").send_keys("quality@corp.test").await.expect("type");
        c.find(Locator::Id("password")).await.expect("pw").send_keys(PASSWORD).await.expect("type");
        c.find(Locator::Css("button.primary")).await.expect("button").click().await.expect("click");
        let page = wait_for(&c, "<h1>Company</h1>").await;
        assert!(page.contains("ATX-01") && page.contains("LYN-01") && page.contains("NEW-01"));
        // Every site's trend is drawn, and the table fits a laptop screen without sideways scroll.
        let drawn = c
            .execute(
                "return [document.querySelectorAll('#sites svg.spark polyline').length,
                         document.documentElement.scrollWidth <= document.documentElement.clientWidth];",
                vec![],
            )
            .await
            .expect("script");
        assert_eq!(drawn, serde_json::json!([2, true]));
        shot(&c, "archive-dashboard.png").await;
        c.goto(&format!("{base}/sites/ATX-01")).await.expect("site");
        wait_for(&c, "<h1>Site ATX-01</h1>").await;
        shot(&c, "archive-site.png").await;
        c.close().await.expect("close");
    });
}
