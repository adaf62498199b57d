//! The web UI over a real socket: every route for every role (anonymous included), CSRF,
//! session expiry, login throttling, disabled users, and the public badge page.

mod common;

use std::sync::Arc;
use std::time::Duration;

use caliber::app::AppState;
use caliber::store::Store;
use caliber::web::WebSettings;

struct Web {
    base: String,
    store: Arc<Store>,
    /// The server's background backup slot (shared with its state).
    backups_running: caliber::service::BackgroundBackup,
    /// For requests the shared client does not make (raw headers, a login form's token).
    agent: ureq::Agent,
    /// The shared web client: logins, pages and forms.
    http: common::WebAgent,
    _dir: tempfile::TempDir,
    demo: caliber::seed::DemoSummary,
}

fn start(settings: WebSettings) -> Web {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(dir.path()).expect("store"));
    let demo = caliber::seed::seed_demo(&store, jiff::Timestamp::now()).expect("seed");
    let state = AppState::new(store.clone()).with_web(settings);
    let backups_running = state.backup.running.clone();
    let base = common::serve_state(state);
    // No connection reuse: a server that answers before reading a refused request's body
    // closes that connection, and a pooled one would fail the next request.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_idle_connections(0)
        .build()
        .into();
    Web {
        http: common::WebAgent::new(&base),
        base,
        store,
        backups_running,
        agent,
        _dir: dir,
        demo,
    }
}

/// A logged-in browser: its cookie and form token.
type Browser = common::WebSession;

impl Web {
    fn get(&self, b: &Browser, path: &str) -> (u16, String, String) {
        self.http.get(b, path)
    }

    fn post(&self, b: &Browser, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
        self.http.post(b, path, form)
    }

    /// What a browser gets from `GET /login`: the pre-session cookie and the form's token.
    fn login_token(&self) -> (String, String) {
        common::login_token(&self.agent, &self.base)
    }

    fn login(&self, email: &str, password: &str) -> Result<Browser, (u16, String)> {
        self.http.login(email, password)
    }

    fn as_role(&self, role: &str) -> Browser {
        let l = self
            .demo
            .logins
            .iter()
            .find(|l| l.role.as_str() == role)
            .expect("demo login");
        self.login(&l.email, &l.password)
            .unwrap_or_else(|e| panic!("login {role}: {e:?}"))
    }
}

/// A state-changing route: path, form fields, roles allowed.
type PostCase<'a> = (String, Vec<(&'a str, &'a str)>, &'a [&'a str]);

const ROLES: [&str; 5] = ["admin", "skill_manager", "trainer", "auditor", "viewer"];

#[test]
fn every_route_checks_the_role_on_the_server() {
    let w = start(WebSettings {
        public_url: Some("https://caliber.plant.example".into()),
        ..WebSettings::default()
    });
    let r = w.store.read().expect("read");
    let emp = r.list::<caliber::domain::Employee>().expect("e")[0].id;
    let cert = r.list::<caliber::domain::Certification>().expect("c")[0].id;
    let skill = r.list::<caliber::domain::Skill>().expect("s")[0].id;
    let station = r.list::<caliber::domain::Station>().expect("s")[0].id;
    let user = r.list::<caliber::domain::User>().expect("u")[1].id;
    let req = r.list::<caliber::domain::Requirement>().expect("r")[0].id;
    let revision = caliber::service::create_revision(
        &w.store,
        &caliber::store::Actor::named("test"),
        skill,
        caliber::service::RevisionInput {
            label: "Rev Z".into(),
            change_log: "draft for the route test".into(),
            effective_date: None,
            requires_retraining: false,
            grace_days: 0,
            status: None,
        },
    )
    .expect("draft revision")
    .id;
    let nobody = "00000000-0000-0000-0000-000000000000";
    drop(r);
    w.store
        .put_station_mirror(station, b"\x89PNG\r\n\x1a\nscreen")
        .expect("mirror");
    let evidence = caliber::service::store_attachment(
        &w.store,
        &caliber::store::Actor::named("test"),
        "sheet.pdf",
        b"%PDF-1.4 training sheet",
    )
    .expect("attachment")
    .sha256;
    let bundle = caliber::service::run_backup(
        &w.store,
        &caliber::service::BackupSettings::defaults(w.store.dir()),
        &caliber::store::Actor::named("test"),
    )
    .expect("a bundle to download");
    let bundle = bundle
        .path
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let all = &ROLES[..];
    let staff = &ROLES[..4];
    let catalog = &ROLES[..2];
    let certify = &ROLES[..3];
    let audit = &["admin", "auditor"][..];
    let admin = &["admin"][..];
    let gets: Vec<(String, &[&str])> = vec![
        ("/".into(), all),
        ("/me".into(), all),
        ("/account".into(), all),
        ("/employees".into(), staff),
        (format!("/employees/{emp}"), staff),
        ("/employees/new".into(), catalog),
        (format!("/employees/{emp}/edit"), catalog),
        // The QR code is the badge: only the roles that print badges see it.
        (format!("/employees/{emp}/qr.svg"), catalog),
        (format!("/employees/{emp}/qr.png"), catalog),
        ("/badges/print".into(), catalog),
        ("/certify".into(), certify),
        ("/approvals".into(), certify),
        (format!("/certifications/{cert}/revoke"), catalog),
        ("/matrix".into(), staff),
        ("/matrix.csv".into(), staff),
        ("/matrix/E1001/SAFE".into(), staff),
        ("/due".into(), all),
        ("/due.csv".into(), all),
        ("/training".into(), staff),
        ("/training.csv".into(), staff),
        ("/training/sheet".into(), staff),
        ("/imports".into(), catalog),
        ("/exports/employees.csv".into(), staff),
        (format!("/attachments/{evidence}"), staff),
        ("/skills".into(), staff),
        (format!("/skills/{skill}"), staff),
        ("/requirements".into(), staff),
        ("/stations".into(), all),
        (format!("/stations/{station}/screen.png"), staff),
        ("/users".into(), admin),
        ("/audit".into(), audit),
        ("/audit.csv".into(), audit),
        (format!("/revisions/{revision}/activate"), catalog),
        ("/backups".into(), admin),
        (format!("/backups/{bundle}"), admin),
    ];
    let browsers: Vec<(&str, Browser)> = ROLES.iter().map(|r| (*r, w.as_role(r))).collect();
    let anon = Browser {
        cookie: None,
        csrf: String::new(),
    };
    for (path, allowed) in &gets {
        let (st, _, loc) = w.get(&anon, path);
        assert_eq!(st, 303, "anonymous GET {path}");
        assert!(
            loc.starts_with("/login?next="),
            "anonymous GET {path} -> {loc}"
        );
        for (role, b) in &browsers {
            let (st, body, _) = w.get(b, path);
            // A viewer's dashboard is their own qualifications.
            let want = if allowed.contains(role) { 200 } else { 403 };
            assert_eq!(
                st,
                want,
                "{role} GET {path}: {}",
                &body[..body.len().min(300)]
            );
        }
    }
    // State-changing routes: refused for roles without the right, before anything is changed.
    let before = w.store.read().expect("r").audit_head().expect("h").seq;
    let posts: Vec<PostCase> = vec![
        (
            "/employees".into(),
            vec![("number", "X1"), ("name", "X"), ("site_id", "")],
            catalog,
        ),
        (
            format!("/employees/{emp}/badge"),
            vec![("confirm", "no")],
            catalog,
        ),
        (
            "/certify".into(),
            vec![
                ("employees", "E1001"),
                ("skill_id", "00000000-0000-0000-0000-000000000000"),
                ("level", "1"),
                ("achieved_on", "bad"),
            ],
            certify,
        ),
        (
            format!("/certifications/{cert}/revoke"),
            vec![("reason", ""), ("confirm", "no")],
            catalog,
        ),
        (
            "/skills".into(),
            vec![("code", ""), ("name", ""), ("max_level", "0")],
            catalog,
        ),
        (format!("/skills/{skill}"), vec![("label", "")], catalog),
        (
            format!("/skills/{skill}/edit"),
            vec![("code", ""), ("name", ""), ("max_level", "0")],
            catalog,
        ),
        (
            format!("/requirements/{req}/level"),
            vec![("level", "0")],
            catalog,
        ),
        ("/requirements".into(), vec![("skill_id", "")], catalog),
        (
            "/users".into(),
            vec![("email", "x"), ("password", "x"), ("role", "nobody")],
            admin,
        ),
        (format!("/users/{user}"), vec![("role", "nobody")], admin),
        (format!("/users/{nobody}/unlock"), vec![], admin),
        ("/stations".into(), vec![("name", "")], catalog),
        (format!("/stations/{station}/key"), vec![], catalog),
        (
            format!("/employees/{emp}"),
            vec![("number", ""), ("name", ""), ("site_id", "")],
            catalog,
        ),
        (format!("/revisions/{nobody}/activate"), vec![], catalog),
        (format!("/skills/{nobody}/rollback"), vec![], catalog),
        (format!("/approvals/{nobody}/approve"), vec![], certify),
        (
            format!("/approvals/{nobody}/reject"),
            vec![("reason", "x")],
            certify,
        ),
        (format!("/requirements/{nobody}/delete"), vec![], catalog),
        ("/backups".into(), vec![], admin),
        ("/account/language".into(), vec![("language", "xx")], all),
        (
            "/imports/preview".into(),
            vec![("kind", "employees")],
            catalog,
        ),
        (
            "/imports/commit".into(),
            vec![("token", "x"), ("sha256", "")],
            catalog,
        ),
    ];
    // Every route the router serves has an expectation here (or is public by design), so a
    // new route cannot slip in without a role check being tested.
    let public = [
        ("GET", "/login"),
        ("POST", "/login"),
        ("GET", "/style.css"),
        ("GET", "/print.js"),
        ("GET", "/certify.js"),
        ("GET", "/setup"),
        ("POST", "/setup"),
        ("GET", "/b/{token}"),
        ("POST", "/logout"),
    ];
    let covers = |pattern: &str, concrete: &str| {
        let (p, c): (Vec<&str>, Vec<&str>) =
            (pattern.split('/').collect(), concrete.split('/').collect());
        p.len() == c.len() && p.iter().zip(&c).all(|(a, b)| a == b || a.starts_with('{'))
    };
    for route in caliber::web::routes() {
        for method in &route.methods {
            let known = public.contains(&(*method, route.path))
                || match *method {
                    "GET" => gets.iter().any(|(p, _)| covers(route.path, p)),
                    _ => posts.iter().any(|(p, _, _)| covers(route.path, p)),
                };
            assert!(
                known,
                "{method} {} has no role expectation in this test",
                route.path
            );
        }
    }
    for (path, form, allowed) in &posts {
        let (st, _, loc) = w.post(&anon, path, form);
        assert!(
            st == 303 && loc.starts_with("/login"),
            "anonymous POST {path}: {st}"
        );
        for (role, b) in &browsers {
            let (st, body, _) = w.post(b, path, form);
            if allowed.contains(role) {
                assert_ne!(
                    st,
                    403,
                    "{role} POST {path} was refused: {}",
                    &body[..body.len().min(300)]
                );
            } else {
                assert_eq!(st, 403, "{role} POST {path}");
            }
        }
    }
    // Station key rotation was allowed for managers: that is the only change expected.
    let after = w.store.read().expect("r").audit_head().expect("h").seq;
    assert!(
        after - before <= 3,
        "refused or invalid posts changed the store: {before} -> {after}"
    );
}

#[test]
fn forms_need_the_session_csrf_token() {
    let w = start(WebSettings::default());
    let mut b = w.as_role("admin");
    let good = b.csrf.clone();
    b.csrf = "forged".into();
    let (st, body, _) = w.post(
        &b,
        "/skills",
        &[("code", "NEW"), ("name", "New"), ("max_level", "1")],
    );
    assert_eq!(st, 403, "{body}");
    assert!(body.contains("did not come from Caliber"));
    b.csrf = good;
    let (st, _, loc) = w.post(
        &b,
        "/skills",
        &[("code", "NEW"), ("name", "New"), ("max_level", "1")],
    );
    assert_eq!(st, 303);
    assert!(loc.starts_with("/skills/"));
    // Logout needs it too, and ends the session.
    let (st, _, _) = w.post(&b, "/logout", &[]);
    assert_eq!(st, 303);
    let (st, _, loc) = w.get(&b, "/");
    assert_eq!(st, 303);
    assert!(loc.starts_with("/login"));
}

#[test]
fn sessions_expire_when_idle() {
    let w = start(WebSettings {
        idle_timeout: Duration::from_secs(1),
        ..WebSettings::default()
    });
    let b = w.as_role("auditor");
    assert_eq!(w.get(&b, "/matrix").0, 200);
    std::thread::sleep(Duration::from_millis(2100));
    let (st, _, loc) = w.get(&b, "/matrix");
    assert_eq!(st, 303, "expired session must log in again");
    assert_eq!(loc, "/login?next=/matrix");
}

#[test]
fn logins_are_throttled_and_disabled_users_refused() {
    let w = start(WebSettings {
        max_login_failures: 3,
        ..WebSettings::default()
    });
    for _ in 0..3 {
        let (st, body) = w
            .login("trainer.atx@caliber.local", "wrong-password")
            .expect_err("refused");
        assert_eq!(st, 401);
        assert!(body.contains("Wrong email or password"));
    }
    let (st, body) = w
        .login("trainer.atx@caliber.local", "caliber-trainer-demo")
        .expect_err("locked even with the right password");
    assert_eq!(st, 429);
    assert!(body.contains("Too many failed logins"), "{body}");
    // Failed logins are in the audit trail.
    let events = w
        .store
        .read()
        .expect("r")
        .audit_events(1..=u64::MAX)
        .expect("events");
    assert!(
        events
            .iter()
            .filter(|e| e.action == "user.login_failed")
            .count()
            >= 3
    );

    // An administrator disables the auditor: their session ends and login is refused.
    let admin = w.as_role("admin");
    let auditor = w.as_role("auditor");
    let id = w
        .store
        .read()
        .expect("r")
        .list::<caliber::domain::User>()
        .expect("users")
        .into_iter()
        .find(|u| u.email == "auditor@caliber.local")
        .expect("auditor")
        .id;
    let (st, _, _) = w.post(
        &admin,
        &format!("/users/{id}"),
        &[("role", "auditor"), ("active", "no")],
    );
    assert_eq!(st, 303);
    assert_eq!(w.get(&auditor, "/matrix").0, 303);
    let (st, body) = w
        .login("auditor@caliber.local", "caliber-auditor-demo")
        .expect_err("disabled");
    assert_eq!(st, 401);
    assert!(body.contains("disabled"));
}

#[test]
fn public_badge_page_shows_only_what_a_badge_should() {
    let w = start(WebSettings {
        badge_per_minute: 60,
        ..WebSettings::default()
    });
    let anon = Browser {
        cookie: None,
        csrf: String::new(),
    };
    let maria = w
        .demo
        .employees
        .iter()
        .find(|e| e.number == "E1001")
        .expect("maria")
        .clone();
    let (st, body, _) = w.get(&anon, &format!("/b/{}", maria.badge_token));
    assert_eq!(st, 200);
    assert!(body.contains("Maria Gonzalez"));
    assert!(body.contains("Injection Molding"));
    assert!(!body.contains("E1001"), "no employee number");
    assert!(!body.contains("@caliber.local"), "no email");
    let r = w.store.read().expect("r");
    let e = r
        .by_unique::<caliber::domain::Employee>("employee number", "E1001")
        .expect("lookup")
        .expect("maria");
    assert!(!body.contains(&e.id.to_string()), "no internal ids");
    drop(r);
    // Terminated, unknown and regenerated-away badges are 404.
    let sofia = w
        .demo
        .employees
        .iter()
        .find(|e| e.number == "E2005")
        .expect("sofia");
    assert_eq!(w.get(&anon, &format!("/b/{}", sofia.badge_token)).0, 404);
    assert_eq!(w.get(&anon, "/b/AAAAAAAAAAAAAAAAAAAAAA").0, 404);
    assert_eq!(w.get(&anon, "/b/not-a-token").0, 404);
    let admin = w.as_role("admin");
    let (st, _, _) = w.post(
        &admin,
        &format!("/employees/{}/badge", e.id),
        &[("confirm", "yes")],
    );
    assert_eq!(st, 303);
    assert_eq!(w.get(&anon, &format!("/b/{}", maria.badge_token)).0, 404);
}

#[test]
fn public_badge_page_is_rate_limited() {
    let w = start(WebSettings {
        badge_per_minute: 1,
        ..WebSettings::default()
    });
    let anon = Browser {
        cookie: None,
        csrf: String::new(),
    };
    let mut limited = None;
    for _ in 0..20 {
        let mut r = w
            .agent
            .get(&format!("{}/b/AAAAAAAAAAAAAAAAAAAAAA", w.base))
            .call()
            .expect("req");
        if r.status().as_u16() == 429 {
            limited = r
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let _ = r.body_mut().read_to_vec();
            break;
        }
    }
    let retry = limited.expect("429 after the burst");
    assert!(retry.parse::<u64>().expect("seconds") >= 1);
    let _ = anon;
}

#[test]
fn matrix_csv_is_exactly_the_filtered_view() {
    let w = start(WebSettings::default());
    let b = w.as_role("auditor");
    let (st, all, _) = w.get(&b, "/matrix.csv");
    assert_eq!(st, 200);
    let (_, expired, _) = w.get(&b, "/matrix.csv?status=EXPIRED");
    let rows = |csv: &str| csv.lines().count() - 1;
    assert!(rows(&all) >= 10);
    assert!(rows(&expired) >= 1 && rows(&expired) < rows(&all));
    assert!(
        expired.lines().skip(1).all(|l| l.contains("EXPIRED")),
        "{expired}"
    );
    let (_, html, _) = w.get(&b, "/matrix?status=EXPIRED");
    assert!(html.contains("Aisha Bello"));
    assert!(!html.contains("Maria Gonzalez"));
}

/// Hardening of the login form: the per-address throttle fires across many account names,
/// a lock from one address does not lock the account elsewhere, `next` never leaves the
/// site, and over-long input is refused before anything is written.
#[test]
fn login_hardening() {
    let w = start(WebSettings {
        max_login_failures: 2,
        ..WebSettings::default()
    });
    let (cookie, token) = w.login_token();
    let post = |form: &[(&str, &str)]| {
        let mut pairs = form.to_vec();
        pairs.push(("login_csrf", token.as_str()));
        let mut r = w
            .agent
            .post(&format!("{}/login", w.base))
            .header("cookie", &cookie)
            .send_form(pairs)
            .expect("login");
        let loc = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let _ = r.body_mut().read_to_vec();
        (r.status().as_u16(), loc)
    };
    // Open redirects: raw and percent-encoded tabs, protocol-relative and backslash paths.
    for next in [
        "/\t/evil.example",
        "/%09/evil.example",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
    ] {
        let (st, loc) = post(&[
            ("email", "admin@caliber.local"),
            ("password", "caliber-admin-demo"),
            ("next", next),
        ]);
        assert_eq!((st, loc.as_str()), (303, "/"), "next={next:?}");
    }
    let (st, loc) = post(&[
        ("email", "admin@caliber.local"),
        ("password", "caliber-admin-demo"),
        ("next", "/matrix?site=x"),
    ]);
    assert_eq!(
        (st, loc.as_str()),
        (303, "/matrix?site=x"),
        "a local path is kept"
    );

    // Over-long input: 422 and no audit event.
    let head = w.store.read().expect("r").audit_head().expect("h");
    let huge = format!("{}@plant.example", "x".repeat(100_000));
    assert_eq!(post(&[("email", &huge), ("password", "x")]).0, 422);
    assert_eq!(w.store.read().expect("r").audit_head().expect("h"), head);

    // Per address: 4 × 2 failures with different names, then this address waits.
    for i in 0..8 {
        let email = format!("nobody{i}@plant.example");
        assert_eq!(
            post(&[("email", &email), ("password", "wrong")]).0,
            401,
            "attempt {i}"
        );
    }
    assert_eq!(
        post(&[("email", "someone@plant.example"), ("password", "wrong")]).0,
        429
    );
}

/// A page goes out as its shell with the body in place (sent in pieces, never joined): one
/// whole HTML document with its exact `Content-Length`, the heading before the body and the
/// navigation's end after it, and no trace of the slot the body was put in.
#[test]
fn a_page_is_one_whole_document_with_its_length() {
    let w = start(WebSettings::default());
    let admin = w.as_role("admin");
    for path in ["/", "/employees", "/requirements", "/audit"] {
        let mut r = w
            .agent
            .get(&format!("{}{path}", w.base))
            .header("cookie", admin.cookie.as_deref().unwrap_or(""))
            .call()
            .expect("get");
        assert_eq!(r.status().as_u16(), 200, "{path}");
        let length: usize = r
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .expect("a Content-Length");
        let page = r.body_mut().read_to_string().expect("body");
        assert_eq!(page.len(), length, "{path}");
        assert!(page.starts_with("<!DOCTYPE html>"), "{path}");
        assert!(page.trim_end().ends_with("</html>"), "{path}");
        assert!(!page.contains("caliber-page-body"), "{path}");
        let heading = page.find("<main><h1>").expect("heading");
        let end = page.find("</main>").expect("end of main");
        assert!(
            heading < end && page[heading..end].contains("</h1>"),
            "{path}"
        );
        assert!(end - heading > 200, "{path}: the body is inside <main>");
    }
}

/// Every response carries the security headers; a form posted from another site is refused
/// before anything changes, even with a valid session and CSRF token.
#[test]
fn security_headers_and_cross_site_posts() {
    let w = start(WebSettings::default());
    let admin = w.as_role("admin");
    for path in [
        "/",
        "/login",
        "/api/v1/openapi.json",
        "/healthz",
        "/style.css",
    ] {
        let r = w
            .agent
            .get(&format!("{}{path}", w.base))
            .header("cookie", admin.cookie.as_deref().unwrap_or(""))
            .call()
            .expect("get");
        let h = r.headers();
        let csp = h
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(
            h.get("x-content-type-options")
                .and_then(|v| v.to_str().ok()),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            h.get("referrer-policy").and_then(|v| v.to_str().ok()),
            Some("same-origin"),
            "{path}"
        );
        let cache = h
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert_eq!(cache == "no-store", path != "/style.css", "{path}: {cache}");
    }
    // No inline script or inline style anywhere the CSP would have to allow it.
    let (_, page, _) = w.get(&admin, "/badges/print");
    assert!(
        !page.contains("onclick") && !page.contains("<script>"),
        "inline script on the badge sheet"
    );
    let (_, page, _) = w.get(&admin, "/requirements");
    assert!(!page.contains(" style=\""), "inline style on /requirements");

    let head = w.store.read().expect("r").audit_head().expect("h");
    let mut r = w
        .agent
        .post(&format!("{}/stations", w.base))
        .header("cookie", admin.cookie.as_deref().unwrap_or(""))
        .header("origin", "http://evil.example")
        .send_form([("csrf", admin.csrf.as_str()), ("name", "Cross-site press")])
        .expect("post");
    assert_eq!(r.status().as_u16(), 403);
    let _ = r.body_mut().read_to_vec();
    assert_eq!(
        w.store.read().expect("r").audit_head().expect("h"),
        head,
        "nothing changed"
    );
    // The same form from the site itself goes through.
    let host = w.base.trim_start_matches("http://").to_owned();
    let mut r = w
        .agent
        .post(&format!("{}/stations", w.base))
        .header("cookie", admin.cookie.as_deref().unwrap_or(""))
        .header("origin", &format!("http://{host}"))
        .send_form([("csrf", admin.csrf.as_str()), ("name", "Same-site press")])
        .expect("post");
    assert_eq!(r.status().as_u16(), 200, "key page");
    let _ = r.body_mut().read_to_vec();
}

/// A new box has no administrator and no default password: the first page asks for the
/// one-time setup code from the box's screen, creates the administrator once, and the code
/// is gone afterwards.
#[test]
fn first_start_asks_for_the_setup_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(dir.path()).expect("store"));
    std::fs::write(dir.path().join("setup-code"), "ABCDE-FGHJK-MNPQR\n").expect("code");
    let base = common::serve_state(AppState::new(store.clone()));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let get = |path: &str| {
        let r = agent.get(&format!("{base}{path}")).call().expect("get");
        let loc = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        (r.status().as_u16(), loc)
    };
    let post = |form: &[(&str, &str)]| {
        let mut r = agent
            .post(&format!("{base}/setup"))
            .send_form(form.to_vec())
            .expect("post");
        let body = r.body_mut().read_to_string().unwrap_or_default();
        (r.status().as_u16(), body)
    };
    assert_eq!(
        get("/login"),
        (303, "/setup".to_owned()),
        "the login page sends to setup"
    );
    assert_eq!(get("/setup").0, 200);
    let form = |code: &'static str| {
        vec![
            ("code", code),
            ("email", "it@plant.example"),
            ("password", "first-admin-pw"),
            ("confirm", "first-admin-pw"),
        ]
    };
    let (st, body) = post(&form("WRONG-CODE0-00000"));
    assert_eq!(st, 403, "{body}");
    assert!(body.contains("not the setup code"), "{body}");
    assert_eq!(
        store
            .read()
            .expect("r")
            .count::<caliber::domain::User>()
            .expect("n"),
        0
    );
    // Case, spaces and dashes do not matter.
    let (st, _) = post(&form("abcde fghjk mnpqr"));
    assert_eq!(st, 303);
    let users = store
        .read()
        .expect("r")
        .list::<caliber::domain::User>()
        .expect("users");
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].role, caliber::domain::AppRole::Admin);
    assert!(
        !dir.path().join("setup-code").exists(),
        "the code is used up"
    );
    assert_eq!(
        get("/setup"),
        (303, "/login".to_owned()),
        "setup is closed now"
    );
    assert_eq!(get("/login").0, 200);
}

/// A skill of its own for a test (nobody holds it yet).
fn new_skill(store: &Store, code: &str, max_level: u8) -> caliber::domain::Skill {
    caliber::service::create(
        store,
        &caliber::store::Actor::named("test"),
        caliber::service::SkillInput {
            code: code.into(),
            name: format!("Skill {code}"),
            description: String::new(),
            max_level,
            validity_months: Some(12),
            needs_approval: None,
        },
    )
    .expect("skill")
}

fn certification_count(store: &Store) -> u64 {
    store
        .read()
        .expect("r")
        .count::<caliber::domain::Certification>()
        .expect("n")
}

/// Active employees not linked to any login (so any trainer may certify them).
fn plain_employees(store: &Store, n: usize) -> Vec<caliber::domain::Employee> {
    let r = store.read().expect("r");
    let linked: Vec<uuid::Uuid> = r
        .list::<caliber::domain::User>()
        .expect("users")
        .into_iter()
        .filter_map(|u| u.employee_id)
        .collect();
    r.list::<caliber::domain::Employee>()
        .expect("employees")
        .into_iter()
        .filter(|e| e.status == caliber::domain::EmployeeStatus::Active && !linked.contains(&e.id))
        .take(n)
        .collect()
}

/// Quick-certify is all or nothing: a bad line (a terminated employee) certifies nobody and
/// comes back next to that line with what was typed kept; the corrected list certifies
/// everyone once; submitting it again is refused as a duplicate and writes nothing.
#[test]
fn quick_certify_is_all_or_nothing_with_errors_beside_the_lines() {
    let w = start(WebSettings::default());
    let trainer = w.as_role("trainer");
    let skill = new_skill(&w.store, "QC1", 2);
    let people = plain_employees(&w.store, 2);
    let gone = "E2005"; // Sofia, terminated
    let sid = skill.id.to_string();
    let lines = format!("{}\n{gone}\n{}", people[0].number, people[1].number);
    let form = |lines: &str| {
        vec![
            ("employees", lines.to_owned()),
            ("skill_id", sid.clone()),
            ("level", "2".to_owned()),
            ("achieved_on", "2026-01-05".to_owned()),
            ("notes", "class of January".to_owned()),
        ]
    };
    let send = |lines: &str| {
        let f = form(lines);
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        w.post(&trainer, "/certify", &pairs)
    };
    let (before, head) = (
        certification_count(&w.store),
        w.store.read().expect("r").audit_head().expect("h"),
    );
    let (st, body, _) = send(&lines);
    assert_eq!(st, 422, "{body}");
    assert!(body.contains("class=\"line-errors\""), "{body}");
    assert!(
        body.contains(&format!("Line 2 (<code>{gone}</code>)")),
        "the error names line 2: {body}"
    );
    assert!(body.contains("has left the company"), "{body}");
    assert!(
        body.contains(&people[0].number) && body.contains("class of January"),
        "what was typed is kept"
    );
    assert_eq!(certification_count(&w.store), before, "nothing certified");
    assert_eq!(w.store.read().expect("r").audit_head().expect("h"), head);

    let fixed = format!("{}\n{}", people[0].number, people[1].number);
    let (st, _, loc) = send(&fixed);
    assert_eq!(st, 303);
    assert!(loc.contains("done="), "{loc}");
    assert_eq!(certification_count(&w.store), before + 2);

    // The same batch again: an exact duplicate, refused line by line, nothing written.
    let (st, body, _) = send(&fixed);
    assert_eq!(st, 422, "{body}");
    assert!(body.contains("already holds"), "{body}");
    assert_eq!(certification_count(&w.store), before + 2);
    // The same person twice in one batch is refused too.
    let twice = format!("{}\n{}", people[1].number, people[1].number);
    let f = [
        ("employees", twice.as_str()),
        ("skill_id", sid.as_str()),
        ("level", "2"),
        ("achieved_on", "2026-01-07"),
    ];
    let (st, body, _) = w.post(&trainer, "/certify", &f);
    assert_eq!(st, 422);
    assert!(body.contains("Line 2 (<code>"), "{body}");
    assert!(body.contains("already on an earlier line"), "{body}");
    // A bad level is shown next to the level field, not as a bare error page.
    let f = [
        ("employees", people[0].number.as_str()),
        ("skill_id", sid.as_str()),
        ("level", "9"),
        ("achieved_on", "2026-01-06"),
    ];
    let (st, body, _) = w.post(&trainer, "/certify", &f);
    assert_eq!(st, 422);
    assert!(
        body.contains("id=\"level-error\"") && body.contains("out of range"),
        "{body}"
    );
    assert_eq!(certification_count(&w.store), before + 2);
}

/// A trainer cannot certify the employee linked to their own login: refused in the
/// service, so the web form and any other caller with that user are refused alike.
#[test]
fn nobody_certifies_themselves() {
    let w = start(WebSettings::default());
    let trainer = w.as_role("trainer");
    let skill = new_skill(&w.store, "SELF", 1);
    let r = w.store.read().expect("r");
    let me = r
        .list::<caliber::domain::User>()
        .expect("users")
        .into_iter()
        .find(|u| u.email == "trainer.atx@caliber.local")
        .expect("trainer user");
    let own: caliber::domain::Employee = r
        .get(me.employee_id.expect("linked"))
        .expect("get")
        .expect("own employee");
    drop(r);
    let before = certification_count(&w.store);
    let sid = skill.id.to_string();
    let (st, body, _) = w.post(
        &trainer,
        "/certify",
        &[
            ("employees", own.number.as_str()),
            ("skill_id", sid.as_str()),
            ("level", "1"),
            ("achieved_on", "2026-01-05"),
        ],
    );
    assert_eq!(st, 422, "{body}");
    assert!(body.contains("your own login"), "{body}");
    // The service refuses it for any caller acting as that user.
    let actor = caliber::store::Actor {
        name: me.email.clone(),
        ip: None,
        user_agent: None,
        user_id: Some(me.id),
    };
    let err = caliber::service::certify(
        &w.store,
        &actor,
        caliber::service::CertifyInput {
            employee_id: own.id,
            skill_id: skill.id,
            level: 1,
            achieved_at: None,
            revision_id: None,
            notes: String::new(),
            attachments: vec![],
            assessor: None,
        },
    )
    .expect_err("self-certification");
    assert!(
        matches!(err, caliber::service::ServiceError::Forbidden(_)),
        "{err:?}"
    );
    assert_eq!(certification_count(&w.store), before);
    // Another trainer may certify that person.
    let other = w
        .login("trainer.dtr@caliber.local", "caliber-trainer-demo")
        .expect("second trainer");
    let (st, body, _) = w.post(
        &other,
        "/certify",
        &[
            ("employees", own.number.as_str()),
            ("skill_id", sid.as_str()),
            ("level", "1"),
            ("achieved_on", "2026-01-05"),
        ],
    );
    assert_eq!(st, 303, "{body}");
    assert_eq!(certification_count(&w.store), before + 1);
}

/// The public badge page never shows green for someone a line would refuse: Derek's
/// Safety Protocols is OUTDATED, so his page says he is not qualified and why; Maria,
/// qualified, gets the green box.
#[test]
fn public_badge_page_verdict_is_honest() {
    let w = start(WebSettings::default());
    let anon = Browser {
        cookie: None,
        csrf: String::new(),
    };
    let find = |name: &str| {
        w.demo
            .employees
            .iter()
            .find(|e| e.name.starts_with(name))
            .expect("demo employee")
            .clone()
    };
    let derek = find("Derek");
    let (st, body, _) = w.get(&anon, &format!("/b/{}", derek.badge_token));
    assert_eq!(st, 200);
    assert!(
        !body.contains("class=\"notice"),
        "no green box for an OUTDATED skill: {body}"
    );
    assert!(body.contains("Not qualified"), "{body}");
    assert!(body.contains("Safety Protocols"), "{body}");
    let maria = find("Maria");
    let (st, body, _) = w.get(&anon, &format!("/b/{}", maria.badge_token));
    assert_eq!(st, 200);
    assert!(body.contains("class=\"notice verdict\""), "{body}");
    assert!(!body.contains("Not qualified"), "{body}");
    // Aisha's Injection Molding is expired: red on her line.
    let aisha = find("Aisha");
    let (_, body, _) = w.get(&anon, &format!("/b/{}", aisha.badge_token));
    assert!(body.contains("Not qualified") && !body.contains("class=\"notice"));
}

/// The kiosk mirror link on the Stations page works with the web session (no API token)
/// and always shows the screen stored last, never a cached older one.
#[test]
fn station_screen_is_served_to_logged_in_users_fresh() {
    let w = start(WebSettings::default());
    let admin = w.as_role("admin");
    let station = w
        .store
        .read()
        .expect("r")
        .list::<caliber::domain::Station>()
        .expect("stations")[0]
        .id;
    let (_, page, _) = w.get(&admin, "/stations");
    let link = format!("/stations/{station}/screen.png?at=");
    assert!(page.contains(&link), "{page}");
    assert!(
        !page.contains("/api/v1/stations/"),
        "no API link a browser cannot open"
    );
    let fetch = || {
        let mut r = w
            .agent
            .get(&format!("{}{link}1", w.base))
            .header("cookie", admin.cookie.as_deref().unwrap_or(""))
            .call()
            .expect("get");
        let cache = r
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let kind = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        (
            r.status().as_u16(),
            kind,
            cache,
            r.body_mut().read_to_vec().expect("body"),
        )
    };
    assert_eq!(fetch().0, 404, "no screen yet");
    let first = b"\x89PNG\r\n\x1a\nfirst operator".to_vec();
    let second = b"\x89PNG\r\n\x1a\nsecond operator".to_vec();
    w.store.put_station_mirror(station, &first).expect("mirror");
    let (st, kind, cache, body) = fetch();
    assert_eq!(
        (st, kind.as_str(), cache.as_str()),
        (200, "image/png", "no-store")
    );
    assert_eq!(body, first);
    w.store
        .put_station_mirror(station, &second)
        .expect("mirror");
    assert_eq!(fetch().3, second, "the latest screen");
    let anon = Browser {
        cookie: None,
        csrf: String::new(),
    };
    let (st, _, loc) = w.get(&anon, &format!("/stations/{station}/screen.png"));
    assert!(st == 303 && loc.starts_with("/login"));
}

/// Without `public_url` badges are not printed (the QR would carry whatever host the
/// browser used): the sheet and the QR codes are refused with the reason and where to set
/// it, and the dashboard warns. With it set, they print under that address.
#[test]
fn badges_need_the_public_url() {
    let w = start(WebSettings::default());
    let admin = w.as_role("admin");
    let emp = w.demo.employees[0].number.clone();
    let id = w
        .store
        .read()
        .expect("r")
        .by_unique::<caliber::domain::Employee>("employee number", &emp)
        .expect("lookup")
        .expect("employee")
        .id;
    for path in [
        "/badges/print".to_owned(),
        format!("/employees/{id}/qr.svg"),
        format!("/employees/{id}/qr.png"),
    ] {
        let (st, body, _) = w.get(&admin, &path);
        assert_eq!(st, 409, "{path}");
        assert!(
            body.contains("public_url") && body.contains("/etc/caliber/caliber.toml"),
            "{path}: {body}"
        );
    }
    let (_, dash, _) = w.get(&admin, "/");
    assert!(
        dash.contains("Badges cannot be printed yet"),
        "dashboard warns"
    );

    let w = start(WebSettings {
        public_url: Some("https://caliber.plant.example".into()),
        ..WebSettings::default()
    });
    let admin = w.as_role("admin");
    let (st, body, _) = w.get(&admin, "/badges/print");
    assert_eq!(st, 200);
    assert!(body.contains("class=\"cr80\""));
    let (_, dash, _) = w.get(&admin, "/");
    assert!(!dash.contains("Badges cannot be printed yet"));
}

/// The login form carries a pre-session token bound to a cookie: a login posted without
/// it (as another site's form would) is refused before the password is checked.
#[test]
fn login_form_has_a_csrf_token() {
    let w = start(WebSettings::default());
    let post = |cookie: Option<&str>, token: Option<&str>| {
        let mut req = w.agent.post(&format!("{}/login", w.base));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        let mut form = vec![
            ("email", "admin@caliber.local"),
            ("password", "caliber-admin-demo"),
            ("next", "/"),
        ];
        if let Some(t) = token {
            form.push(("login_csrf", t));
        }
        let mut r = req.send_form(form).expect("post");
        let session = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.starts_with("caliber_session="));
        let body = r.body_mut().read_to_string().unwrap_or_default();
        (r.status().as_u16(), session, body)
    };
    let (cookie, token) = w.login_token();
    assert!(cookie.starts_with("caliber_login="));
    let (st, session, body) = post(None, None);
    assert_eq!((st, session), (403, false), "no token");
    assert!(body.contains("did not come from Caliber"), "{body}");
    assert!(
        body.contains("name=\"login_csrf\""),
        "a fresh form to retry"
    );
    assert_eq!(post(None, Some(&token)).0, 403, "token without its cookie");
    assert_eq!(post(Some(&cookie), None).0, 403, "cookie without the token");
    assert_eq!(
        post(Some(&cookie), Some("login_forged")).0,
        403,
        "a wrong token"
    );
    let (st, session, _) = post(Some(&cookie), Some(&token));
    assert_eq!((st, session), (303, true));
}

/// At plant size the matrix page stays small: a 500 × 50 view of a generated site is at
/// most 400 KB of HTML, and larger sites page by employees and by skill columns.
#[test]
fn matrix_at_plant_size_fits_the_page_budget() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(dir.path()).expect("store"));
    // The benchmark's site shape (bench/web/run.sh: 5000 × 300), fewer employees.
    caliber::seed::generate(&store, 620, 300, 7, jiff::Timestamp::now()).expect("generate");
    caliber::service::create_user(
        &store,
        &caliber::store::Actor::named("test"),
        caliber::service::UserInput {
            email: "qe@plant.example".into(),
            password: "quality-engineer-1".into(),
            role: caliber::domain::AppRole::Auditor,
            employee_id: None,
        },
    )
    .expect("user");
    let state = AppState::new(store.clone());
    let backups_running = state.backup.running.clone();
    let base = common::serve_state(state);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_idle_connections(0)
        .build()
        .into();
    let w = Web {
        http: common::WebAgent::new(&base),
        base,
        store,
        backups_running,
        agent,
        _dir: dir,
        demo: caliber::seed::DemoSummary {
            logins: vec![],
            stations: vec![],
            employees: vec![],
            employee_count: 0,
            certification_count: 0,
        },
    };
    let b = w
        .login("qe@plant.example", "quality-engineer-1")
        .expect("login");
    let (st, page, _) = w.get(&b, "/matrix");
    assert_eq!(st, 200);
    let rows = page.matches("<tr><th class=name").count();
    let cols = page.matches("<th scope=\"col\" title=").count();
    assert_eq!((rows, cols), (500, 50), "the default view is 500 × 50");
    assert!(
        page.len() <= 400 * 1024,
        "500 × 50 matrix page is {} bytes",
        page.len()
    );
    assert!(page.contains("Employees page 1 of 2"), "rows are paged");
    assert!(page.contains("Skills page 1 of 6"), "columns are paged");
    let (_, second, _) = w.get(&b, "/matrix?page=2&cpage=6");
    let total: usize = page
        .split("Employees 1–500 of ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("the row count");
    assert!(total > 500);
    assert_eq!(second.matches("<tr><th class=name").count(), total - 500);
    assert!(second.contains("Employees page 2 of 2") && second.contains("Skills page 6 of 6"));
}

/// Each cell reads without hovering (symbol, short word, level) and opens its detail
/// (requirement sources, dates, evidence); the matrix filters by station and can show
/// inactive employees; the CSV carries status, level, achieved and expiry per cell.
#[test]
fn matrix_cells_read_on_a_tablet_and_open_their_detail() {
    let w = start(WebSettings::default());
    let b = w.as_role("auditor");
    let (_, page, _) = w.get(&b, "/matrix");
    assert!(
        page.contains("✔ OK L"),
        "symbol, word and level in the cell"
    );
    let aisha = w
        .demo
        .employees
        .iter()
        .find(|e| e.name.starts_with("Aisha"))
        .expect("aisha");
    let link = format!("href=matrix/{}/", aisha.number);
    let cell = page
        .split(&link)
        .find(|rest| {
            rest.split("</a>")
                .next()
                .is_some_and(|c| c.contains("✖ Expired"))
        })
        .and_then(|rest| rest.split('>').next())
        .map(|code| format!("/matrix/{}/{code}", aisha.number))
        .unwrap_or_else(|| panic!("an Expired cell link for Aisha in {page}"));
    let (st, detail, _) = w.get(&b, &cell);
    assert_eq!(st, 200, "{cell}");
    assert!(
        detail.contains("Required by") && detail.contains("Expires"),
        "{detail}"
    );
    assert!(detail.contains("Injection Molding"), "{detail}");
    assert!(detail.contains("Certifications in"), "{detail}");
    assert_eq!(w.get(&b, "/matrix/NOBODY/NOTHING").0, 404);

    // Inactive employees: hidden by default, shown (and marked) with the toggle.
    assert!(!page.contains("Hannah Schmidt"));
    let (_, all, _) = w.get(&b, "/matrix?inactive=1");
    assert!(all.contains("Hannah Schmidt") && all.contains("<em>on leave</em>"));

    // By station: only the people of its project.
    let c = w.store.catalog();
    let station = c
        .stations
        .values()
        .find(|s| s.project_id.is_some())
        .expect("a station with a project");
    let project = station.project_id.expect("project");
    let (st, by_station, _) = w.get(&b, &format!("/matrix?station={}", station.id));
    assert_eq!(st, 200);
    let r = w.store.read().expect("r");
    for e in r.list::<caliber::domain::Employee>().expect("e") {
        if e.status == caliber::domain::EmployeeStatus::Active && e.deleted_at.is_none() {
            assert_eq!(
                by_station.contains(&format!(">{}</a>", e.name)),
                e.project_ids.contains(&project),
                "{} at {}",
                e.name,
                station.name
            );
        }
    }
    drop(r);

    let (_, csv, _) = w.get(&b, "/matrix.csv?skill=Injection");
    let head = csv.lines().next().expect("header");
    for part in ["status", "level", "achieved", "expires"] {
        assert!(
            head.contains(&format!("\"Injection Molding {part}\"")),
            "{head}"
        );
    }
    let line = csv
        .lines()
        .find(|l| l.contains("Aisha Bello"))
        .expect("Aisha's row");
    assert!(line.contains("\"EXPIRED\""), "{line}");
    let dated = line
        .split(',')
        .filter(|f| f.len() == 12 && f.as_bytes()[5] == b'-')
        .count();
    assert!(dated >= 2, "achieved and expiry dates: {line}");
}

/// The employee page labels a certification on a superseded revision (not "Live") and
/// gives trainers a Certify button; the dashboard's recent scans say who was refused and
/// why.
#[test]
fn employee_page_and_recent_scans_say_what_happened() {
    let w = start(WebSettings::default());
    let trainer = w.as_role("trainer");
    let derek = w
        .demo
        .employees
        .iter()
        .find(|e| e.name.starts_with("Derek"))
        .expect("derek")
        .clone();
    let id = w
        .store
        .read()
        .expect("r")
        .by_unique::<caliber::domain::Employee>("employee number", &derek.number)
        .expect("lookup")
        .expect("employee")
        .id;
    let (st, page, _) = w.get(&trainer, &format!("/employees/{id}"));
    assert_eq!(st, 200);
    assert!(page.contains("On superseded Rev A"), "{page}");
    assert!(
        page.contains(&format!("href=\"/certify?employee={}\"", derek.number)),
        "a Certify button for trainers"
    );

    let station = &w.demo.stations[0];
    caliber::service::record_scan(&w.store, &station.key, &derek.badge_token).expect("scan");
    caliber::service::record_scan(&w.store, &station.key, "AAAAAAAAAAAAAAAAAAAAAA")
        .expect("unknown badge scan");
    let admin = w.as_role("admin");
    let (_, dash, _) = w.get(&admin, "/");
    let scans = dash
        .split("Recent badge scans")
        .nth(1)
        .expect("scans table");
    assert!(scans.contains("Derek Williams"), "{scans}");
    assert!(scans.contains("✖ Refused"), "{scans}");
    assert!(scans.contains("Safety Protocols"), "why: {scans}");
    assert!(scans.contains("unknown badge"), "{scans}");
}

/// The audit log reads as rows a person understands (who, what, which record by name, the
/// fields that changed), pages past the first few hundred events, filters by person,
/// record and date, and exports the filtered rows as CSV.
#[test]
fn audit_log_is_readable_paged_filtered_and_exported() {
    let w = start(WebSettings::default());
    let trainer = w.as_role("trainer");
    let skill = new_skill(&w.store, "AUD", 2);
    let person = plain_employees(&w.store, 1).remove(0);
    let sid = skill.id.to_string();
    let (st, _, _) = w.post(
        &trainer,
        "/certify",
        &[
            ("employees", person.number.as_str()),
            ("skill_id", sid.as_str()),
            ("level", "2"),
            ("achieved_on", "2026-01-05"),
        ],
    );
    assert_eq!(st, 303);
    // Enough history to need paging well beyond 300 events.
    w.store
        .write(&caliber::store::Actor::named("hr-sync"), |wr| {
            for i in 0..350 {
                wr.audit(
                    "note.create",
                    "note",
                    None,
                    None::<&()>,
                    Some(&serde_json::json!({ "name": format!("note {i}") })),
                )?;
            }
            Ok::<_, caliber::store::StoreError>(())
        })
        .expect("events");
    let auditor = w.as_role("auditor");
    let (st, page, _) = w.get(&auditor, "/audit");
    assert_eq!(st, 200);
    assert!(page.contains("Older →"), "a next page");
    let (_, p4, _) = w.get(&auditor, "/audit?page=4");
    assert!(
        p4.contains("note 49") || p4.contains("note 50"),
        "page 4 reaches back past 300"
    );
    assert!(p4.contains("← Newer"));

    let (_, mine, _) = w.get(
        &auditor,
        &format!("/audit?actor=trainer.atx&record={}", layout_q(&person.name)),
    );
    assert!(mine.contains("certification.create"), "{mine}");
    assert!(
        mine.contains(&format!("{} · Skill AUD", person.name)),
        "the record by name: {mine}"
    );
    assert!(
        mine.contains("<strong>level</strong>: — → <ins>2</ins>"),
        "{mine}"
    );
    assert!(!mine.contains("note.create"));
    let (_, none, _) = w.get(&auditor, "/audit?from=2099-01-01");
    assert!(none.contains("No events match."));
    let (st, _, _) = w.get(&auditor, "/audit?from=yesterday");
    assert_eq!(st, 422);

    let (st, csv, _) = w.get(&auditor, "/audit.csv?actor=hr-sync");
    assert_eq!(st, 200);
    assert!(csv.starts_with("\"Seq\",\"When (UTC)\",\"Who\""), "{csv}");
    assert_eq!(csv.lines().count(), 351, "header and every hr-sync event");
    assert!(csv.lines().skip(1).all(|l| l.contains("\"hr-sync\"")));
}

/// A query value as the browser's form would send it.
fn layout_q(s: &str) -> String {
    s.replace(' ', "+")
}

/// The users page names people and roles, shows the last login, and lets an administrator
/// lift a login lock (audited) so the person can log in again at once.
#[test]
fn users_page_names_people_and_unlocks_accounts() {
    let w = start(WebSettings {
        max_login_failures: 2,
        ..WebSettings::default()
    });
    let admin = w.as_role("admin");
    for _ in 0..2 {
        assert_eq!(
            w.login("viewer@caliber.local", "wrong-password")
                .err()
                .map(|e| e.0),
            Some(401)
        );
    }
    assert_eq!(
        w.login("viewer@caliber.local", "caliber-viewer-demo")
            .err()
            .map(|e| e.0),
        Some(429),
        "locked"
    );
    let (st, page, _) = w.get(&admin, "/users");
    assert_eq!(st, 200);
    assert!(page.contains("Maria Gonzalez"), "linked employee by name");
    assert!(
        page.contains("Skill manager") && page.contains("Trainer"),
        "role names"
    );
    assert!(page.contains("UTC"), "a last login");
    assert!(page.contains("never"), "someone never logged in");
    let viewer = w
        .store
        .read()
        .expect("r")
        .list::<caliber::domain::User>()
        .expect("users")
        .into_iter()
        .find(|u| u.email == "viewer@caliber.local")
        .expect("viewer");
    let unlock = format!("/users/{}/unlock", viewer.id);
    assert!(
        page.contains(&format!("action=\"{unlock}\"")),
        "an Unlock button"
    );
    let (st, _, _) = w.post(&admin, &unlock, &[]);
    assert_eq!(st, 303);
    assert!(
        w.login("viewer@caliber.local", "caliber-viewer-demo")
            .is_ok(),
        "unlocked"
    );
    let events = caliber::service::audit_log(
        &w.store,
        &caliber::service::AuditFilter {
            limit: 50,
            ..Default::default()
        },
    )
    .expect("audit");
    assert!(
        events
            .iter()
            .any(|e| e.action == "user.unlock" && e.entity_id == Some(viewer.id))
    );
    let (_, page, _) = w.get(&admin, "/users");
    assert!(
        !page.contains(&format!("action=\"{unlock}\"")),
        "no lock any more"
    );
}

/// "Back up now" answers at once (a big site's bundle takes longer than a request may) and the
/// page shows the bundle being written, then the bundle; a second start while one runs is
/// refused with the reason, and the page offers no button meanwhile.
#[test]
fn back_up_now_runs_in_the_background_and_one_at_a_time() {
    let w = start(WebSettings::default());
    let admin = w.as_role("admin");
    let (st, body, loc) = w.post(&admin, "/backups", &[]);
    assert_eq!((st, loc.as_str()), (303, "/backups"), "{body}");
    let mut page = String::new();
    for _ in 0..300 {
        page = w.get(&admin, "/backups").1;
        if page.contains("written and synced") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(page.contains("written and synced"), "{page}");
    assert!(page.contains("Back up now"));

    let slot = w
        .backups_running
        .try_begin()
        .expect("slot free after the run");
    let (_, page, _) = w.get(&admin, "/backups");
    assert!(page.contains("A backup is being written"), "{page}");
    assert!(page.contains("http-equiv=\"refresh\""));
    assert!(!page.contains("Back up now"));
    let (st, body, _) = w.post(&admin, "/backups", &[]);
    assert_eq!(st, 409, "{body}");
    assert!(body.contains("running since"), "{body}");
    drop(slot);
    let (st, _, _) = w.post(&admin, "/backups", &[]);
    assert_eq!(st, 303, "free again once the run ends");
}

/// Four-eyes in the browser: the approvals page lists a certification another person made
/// in a skill that needs approval; approving it there makes it count; the page then shows
/// nothing pending. The certifier's own pending certification offers no approve button.
#[test]
fn a_trainer_approves_a_pending_certification_on_the_approvals_page() {
    let w = start(WebSettings::default());
    let trainer = w.as_role("trainer");
    let people = plain_employees(&w.store, 1);
    let skill: caliber::domain::Skill = caliber::service::create(
        &w.store,
        &caliber::store::Actor::named("test"),
        caliber::service::SkillInput {
            code: "FE1".into(),
            name: "Four Eyes Skill".into(),
            description: String::new(),
            max_level: 1,
            validity_months: Some(12),
            needs_approval: Some(true),
        },
    )
    .expect("skill");
    let cert = caliber::service::certify(
        &w.store,
        &caliber::store::Actor::named("other-trainer@plant.example"),
        serde_json::from_value::<caliber::service::CertifyInput>(serde_json::json!({
            "employee_id": people[0].id, "skill_id": skill.id, "level": 1
        }))
        .expect("input"),
    )
    .expect("certify");
    assert_eq!(cert.approval, caliber::domain::Approval::Pending);
    let (st, body, _) = w.get(&trainer, "/approvals");
    assert_eq!(st, 200, "{body}");
    assert!(body.contains("Four Eyes Skill"), "{body}");
    assert!(
        body.contains(&format!("/approvals/{}/approve", cert.id)),
        "{body}"
    );
    let (st, body, _) = w.post(&trainer, &format!("/approvals/{}/approve", cert.id), &[]);
    assert!(st == 303 || st == 302, "{st} {body}");
    let stored: caliber::domain::Certification = w
        .store
        .read()
        .expect("r")
        .get(cert.id)
        .expect("get")
        .expect("cert");
    assert!(matches!(
        stored.approval,
        caliber::domain::Approval::Approved { .. }
    ));
    let (_, body, _) = w.get(&trainer, "/approvals");
    assert!(body.contains("Nothing is waiting for approval"), "{body}");
}
