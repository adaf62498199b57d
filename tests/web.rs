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
    agent: ureq::Agent,
    _dir: tempfile::TempDir,
    demo: caliber::seed::DemoSummary,
}

fn start(settings: WebSettings) -> Web {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(dir.path()).expect("store"));
    let demo = caliber::seed::seed_demo(&store, jiff::Timestamp::now()).expect("seed");
    let base = common::serve_state(AppState::new(store.clone()).with_web(settings));
    // No connection reuse: a server that answers before reading a refused request's body
    // closes that connection, and a pooled one would fail the next request.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_idle_connections(0)
        .build()
        .into();
    Web {
        base,
        store,
        agent,
        _dir: dir,
        demo,
    }
}

/// A logged-in browser: its cookie and form token.
#[derive(Clone)]
struct Browser {
    cookie: Option<String>,
    csrf: String,
}

impl Web {
    fn get(&self, b: &Browser, path: &str) -> (u16, String, String) {
        let mut req = self.agent.get(&format!("{}{path}", self.base));
        if let Some(c) = &b.cookie {
            req = req.header("cookie", c);
        }
        let mut r = req.call().expect("request");
        let loc = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body =
            String::from_utf8_lossy(&r.body_mut().read_to_vec().unwrap_or_default()).into_owned();
        (r.status().as_u16(), body, loc)
    }

    fn post(&self, b: &Browser, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
        let mut req = self.agent.post(&format!("{}{path}", self.base));
        if let Some(c) = &b.cookie {
            req = req.header("cookie", c);
        }
        let mut pairs: Vec<(&str, &str)> = form.to_vec();
        pairs.push(("csrf", b.csrf.as_str()));
        let mut r = req.send_form(pairs).expect("request");
        let loc = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body =
            String::from_utf8_lossy(&r.body_mut().read_to_vec().unwrap_or_default()).into_owned();
        (r.status().as_u16(), body, loc)
    }

    fn login(&self, email: &str, password: &str) -> Result<Browser, (u16, String)> {
        let mut r = self
            .agent
            .post(&format!("{}/login", self.base))
            .send_form([("email", email), ("password", password), ("next", "/")])
            .expect("login");
        let status = r.status().as_u16();
        let cookie = r
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(str::to_owned);
        let body =
            String::from_utf8_lossy(&r.body_mut().read_to_vec().unwrap_or_default()).into_owned();
        let Some(cookie) = cookie.filter(|_| status == 303) else {
            return Err((status, body));
        };
        let mut b = Browser {
            cookie: Some(cookie),
            csrf: String::new(),
        };
        let (_, page, _) = self.get(&b, "/me");
        let csrf = page
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("csrf token in page")
            .to_owned();
        b.csrf = csrf;
        Ok(b)
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
    let w = start(WebSettings::default());
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
            status: None,
        },
    )
    .expect("draft revision")
    .id;
    let nobody = "00000000-0000-0000-0000-000000000000";
    drop(r);
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
        ("/employees".into(), staff),
        (format!("/employees/{emp}"), staff),
        ("/employees/new".into(), catalog),
        (format!("/employees/{emp}/edit"), catalog),
        (format!("/employees/{emp}/qr.svg"), staff),
        (format!("/employees/{emp}/qr.png"), staff),
        ("/badges/print".into(), catalog),
        ("/certify".into(), certify),
        (format!("/certifications/{cert}/revoke"), catalog),
        ("/matrix".into(), staff),
        ("/matrix.csv".into(), staff),
        ("/skills".into(), staff),
        (format!("/skills/{skill}"), staff),
        ("/requirements".into(), staff),
        ("/stations".into(), catalog),
        ("/users".into(), admin),
        ("/audit".into(), audit),
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
        ("/stations".into(), vec![("name", "")], catalog),
        (format!("/stations/{station}/key"), vec![], catalog),
        (
            format!("/employees/{emp}"),
            vec![("number", ""), ("name", ""), ("site_id", "")],
            catalog,
        ),
        (format!("/revisions/{nobody}/activate"), vec![], catalog),
        (format!("/requirements/{nobody}/delete"), vec![], catalog),
        ("/backups".into(), vec![], admin),
    ];
    // Every route the router serves has an expectation here (or is public by design), so a
    // new route cannot slip in without a role check being tested.
    let public = [
        ("GET", "/login"),
        ("POST", "/login"),
        ("GET", "/style.css"),
        ("GET", "/print.js"),
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
            .err()
            .expect("refused");
        assert_eq!(st, 401);
        assert!(body.contains("Wrong email or password"));
    }
    let (st, body) = w
        .login("trainer.atx@caliber.local", "caliber-trainer-demo")
        .err()
        .expect("locked even with the right password");
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
        .err()
        .expect("disabled");
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
    let post = |form: &[(&str, &str)]| {
        let mut r = w
            .agent
            .post(&format!("{}/login", w.base))
            .send_form(form.to_vec())
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
