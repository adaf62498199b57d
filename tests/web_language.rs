//! The web UI in the reader's language, over a real socket: catalogue completeness, choosing
//! the language (own setting > `Accept-Language` > English), dates and numbers per locale,
//! and the scan answer's language and reason parameters for clients that word reasons
//! themselves.

mod common;

use std::path::Path;
use std::sync::Arc;

use caliber::app::AppState;
use caliber::domain::{Employee, User};
use caliber::store::{Actor, Store};
use caliber::web::locale::{self, Lang};
use serde_json::{Value, json};

struct Web {
    base: String,
    store: Arc<Store>,
    agent: ureq::Agent,
    demo: caliber::seed::DemoSummary,
    _dir: tempfile::TempDir,
}

fn start() -> Web {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(dir.path()).expect("store"));
    let demo = caliber::seed::seed_demo(&store, jiff::Timestamp::now()).expect("seed");
    let base = common::serve_state(AppState::new(store.clone()));
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
        demo,
        _dir: dir,
    }
}

/// A page as a browser gets it: status, body, `Location`.
struct Page {
    status: u16,
    body: String,
    location: String,
}

impl Web {
    fn get(&self, path: &str, cookie: Option<&str>, accept_language: Option<&str>) -> Page {
        let mut req = self.agent.get(&format!("{}{path}", self.base));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        if let Some(l) = accept_language {
            req = req.header("accept-language", l);
        }
        page(req.call().expect("request"))
    }

    fn post(&self, path: &str, cookie: &str, form: &[(&str, &str)]) -> Page {
        let r = self
            .agent
            .post(&format!("{}{path}", self.base))
            .header("cookie", cookie)
            .send_form(form.to_vec())
            .expect("request");
        page(r)
    }

    /// Log in as the demo login of `role`; returns the session cookie and form token.
    fn login(&self, role: &str) -> (String, String) {
        let login = self
            .demo
            .logins
            .iter()
            .find(|l| l.role.as_str() == role)
            .expect("demo login");
        let mut r = self
            .agent
            .get(&format!("{}/login", self.base))
            .call()
            .expect("login page");
        let pre = set_cookie(&r).expect("login cookie");
        let form = r.body_mut().read_to_string().expect("page");
        let token = between(&form, "name=\"login_csrf\" value=\"", "\"").expect("token");
        let r = self
            .agent
            .post(&format!("{}/login", self.base))
            .header("cookie", &pre)
            .send_form([
                ("login_csrf", token.as_str()),
                ("email", login.email.as_str()),
                ("password", login.password.as_str()),
                ("next", "/"),
            ])
            .expect("login");
        assert_eq!(r.status().as_u16(), 303);
        let cookie = set_cookie(&r).expect("session cookie");
        let me = self.get("/account", Some(&cookie), None);
        let csrf = between(&me.body, "name=\"csrf\" value=\"", "\"").expect("csrf");
        (cookie, csrf)
    }

    fn user(&self, email: &str) -> User {
        self.store
            .read()
            .expect("read")
            .by_unique("email", email)
            .expect("lookup")
            .expect("user")
    }
}

fn page(mut r: ureq::http::Response<ureq::Body>) -> Page {
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    Page {
        status: r.status().as_u16(),
        body: r.body_mut().read_to_string().unwrap_or_default(),
        location,
    }
}

fn set_cookie(r: &ureq::http::Response<ureq::Body>) -> Option<String> {
    r.headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

fn between(s: &str, start: &str, end: &str) -> Option<String> {
    s.split(start)
        .nth(1)
        .and_then(|t| t.split(end).next())
        .map(str::to_owned)
}

/// Every `tr!("key")` in the web sources.
fn keys_used_in_code() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("read src/web") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source");
                let pieces: Vec<&str> = text.split("tr!(").collect();
                for (before, piece) in pieces.iter().zip(pieces.iter().skip(1)) {
                    // `include_str!(` and the like are not messages.
                    if before.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    let piece = piece.trim_start();
                    if let Some(rest) = piece.strip_prefix('"') {
                        let key = rest.split('"').next().unwrap_or("").to_owned();
                        out.push((key, path.display().to_string()));
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web"),
        &mut out,
    );
    out
}

#[test]
fn every_key_is_in_every_catalogue() {
    locale::check_catalogues().expect("every catalogue parses");
    let english = locale::message_ids(Lang::En);
    assert!(english.len() > 100, "{} English messages", english.len());
    for lang in Lang::ALL {
        let ids = locale::message_ids(lang);
        let missing: Vec<&String> = english.iter().filter(|k| !ids.contains(k)).collect();
        let extra: Vec<&String> = ids.iter().filter(|k| !english.contains(k)).collect();
        assert!(missing.is_empty(), "{}.ftl lacks {missing:?}", lang.code());
        assert!(
            extra.is_empty(),
            "{}.ftl has unknown {extra:?}",
            lang.code()
        );
        let mut seen = std::collections::HashSet::new();
        let twice: Vec<&String> = ids.iter().filter(|k| !seen.insert(*k)).collect();
        assert!(twice.is_empty(), "{}.ftl repeats {twice:?}", lang.code());
    }
    let used = keys_used_in_code();
    assert!(used.len() > 100, "{} keys used", used.len());
    for (key, file) in &used {
        assert!(
            english.contains(key),
            "{file} uses {key:?}, which is not in the catalogues"
        );
    }
    for key in locale::FORMAT_KEYS {
        assert!(english.iter().any(|k| k == key), "formatter key {key}");
    }
}

#[test]
fn numbers_and_dates_follow_the_language() {
    let day = jiff::civil::date(2026, 11, 3);
    let expect = [
        (Lang::En, "3 Nov 2026", "1,234.5", "12,345.5", "66.7%"),
        (Lang::Es, "3 nov 2026", "1234,5", "12.345,5", "66,7\u{a0}%"),
        (
            Lang::De,
            "3. Nov. 2026",
            "1.234,5",
            "12.345,5",
            "66,7\u{a0}%",
        ),
        (
            Lang::Pl,
            "3 lis 2026",
            "1234,5",
            "12\u{a0}345,5",
            "66,7\u{a0}%",
        ),
    ];
    for (lang, date, small, big, pct) in expect {
        locale::in_language(lang, || {
            // Dates hold together with no-break spaces.
            let date = date.replace(' ', "\u{a0}");
            assert_eq!(locale::civil_date(day), date, "{lang:?}");
            assert_eq!(locale::decimal(1234.5, 1), small, "{lang:?}");
            assert_eq!(locale::decimal(12345.46, 1), big, "{lang:?}");
            assert_eq!(locale::percent(200.0 / 3.0, 1), pct, "{lang:?}");
        });
    }
    assert_eq!(
        locale::in_language(Lang::En, || locale::integer(1_234_567)),
        "1,234,567"
    );
    assert_eq!(
        locale::in_language(Lang::Pl, || locale::integer(9_999)),
        "9999"
    );
}

#[test]
fn the_login_page_follows_accept_language() {
    let w = start();
    let cases = [
        (None, "en", "Log in"),
        (Some("es-MX,es;q=0.9,en;q=0.8"), "es", "Iniciar sesión"),
        (Some("fr-FR, de;q=0.5, pl;q=0.8"), "pl", "Zaloguj"),
        (Some("de-AT"), "de", "Anmelden"),
        (Some("es;q=0, fr"), "en", "Log in"),
        (Some("ja, zh;q=0.9"), "en", "Log in"),
    ];
    for (header, lang, button) in cases {
        let p = w.get("/login", None, header);
        assert_eq!(p.status, 200);
        assert!(
            p.body.contains(&format!("<html lang=\"{lang}\">")),
            "{header:?}: {}",
            &p.body[..200]
        );
        assert!(p.body.contains(button), "{header:?} shows {button}");
    }
}

#[test]
fn a_users_own_language_wins_over_the_browser_and_is_audited() {
    let w = start();
    let (cookie, csrf) = w.login("admin");
    // No setting yet: the browser decides.
    let p = w.get("/", Some(&cookie), Some("de-DE,de;q=0.9"));
    assert!(p.body.contains("<h1>Übersicht</h1>"), "German dashboard");
    assert!(p.body.contains("<html lang=\"de\">"));
    let p = w.get("/", Some(&cookie), Some("es"));
    assert!(p.body.contains("<h1>Panel</h1>"), "Spanish dashboard");
    assert!(p.body.contains(">Cerrar sesión<"), "Spanish navigation");

    // A language Caliber does not speak is refused and changes nothing.
    let email = w.user("admin@caliber.local").email;
    let before = w.store.read().expect("r").audit_head().expect("h").seq;
    let p = w.post(
        "/account/language",
        &cookie,
        &[("csrf", &csrf), ("language", "fr")],
    );
    assert_eq!(p.status, 422, "{}", p.body);
    assert!(p.body.contains("is not a language Caliber speaks"));
    assert_eq!(w.user(&email).language, None);
    // A forged form is refused.
    let p = w.post(
        "/account/language",
        &cookie,
        &[("csrf", "forged"), ("language", "pl")],
    );
    assert_eq!(p.status, 403);
    assert_eq!(w.user(&email).language, None);
    assert_eq!(
        w.store.read().expect("r").audit_head().expect("h").seq,
        before
    );

    // Polish, chosen on the account page: stored, audited, and it beats the browser.
    let p = w.post(
        "/account/language",
        &cookie,
        &[("csrf", &csrf), ("language", "pl")],
    );
    assert_eq!(p.status, 303);
    assert_eq!(p.location, "/account?saved=1");
    assert_eq!(w.user(&email).language.as_deref(), Some("pl"));
    let r = w.store.read().expect("r");
    let head = r.audit_head().expect("head").seq;
    let event = r.audit_events(head..=head).expect("read").remove(0);
    assert_eq!(event.action, "user.language");
    assert_eq!(event.actor, email);
    drop(r);
    let p = w.get("/account?saved=1", Some(&cookie), Some("es"));
    assert!(p.body.contains("Zapisano."), "confirmation in Polish");
    assert!(
        p.body
            .contains("<option value=\"pl\" lang=\"pl\" selected>Polski</option>")
    );
    let p = w.get("/", Some(&cookie), Some("es"));
    assert!(
        p.body.contains("<h1>Pulpit</h1>"),
        "own setting beats the browser"
    );
    assert!(p.body.contains("<html lang=\"pl\">"));

    // Back to "as my browser asks".
    let p = w.post(
        "/account/language",
        &cookie,
        &[("csrf", &csrf), ("language", "")],
    );
    assert_eq!(p.status, 303);
    assert_eq!(w.user(&email).language, None);
    let p = w.get("/", Some(&cookie), Some("es"));
    assert!(p.body.contains("<h1>Panel</h1>"));
}

#[test]
fn the_badge_page_speaks_the_readers_language_with_local_dates() {
    let w = start();
    let token = &w.demo.employees[0].badge_token;
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let months_es = [
        "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
    ];
    let months_de = [
        "Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.",
        "Dez.",
    ];
    let m = usize::try_from(today.month() - 1).expect("month");
    let p = w.get(&format!("/b/{token}"), None, Some("es-MX"));
    assert_eq!(p.status, 200);
    assert!(p.body.contains("<html lang=\"es\">"));
    assert!(
        p.body.contains("Competencias requeridas"),
        "Spanish badge page"
    );
    let checked = format!(
        "Comprobado el {}\u{a0}{}\u{a0}{}",
        today.day(),
        months_es[m],
        today.year()
    );
    assert!(p.body.contains(&checked), "{checked} in the page");
    let p = w.get(&format!("/b/{token}"), None, Some("de"));
    let checked = format!(
        "Geprüft am {}.\u{a0}{}\u{a0}{}",
        today.day(),
        months_de[m],
        today.year()
    );
    assert!(p.body.contains(&checked), "{checked} in the page");

    // A browser that names none of our languages gets the employee's own.
    let employee = w.employee_by_badge(token);
    w.set_employee_language(employee.id, "pl");
    let p = w.get(&format!("/b/{token}"), None, Some("fr"));
    assert!(p.body.contains("<html lang=\"pl\">"), "employee's language");
    assert!(p.body.contains("Wymagane umiejętności"));
    // The browser still decides when it names one of ours.
    let p = w.get(&format!("/b/{token}"), None, Some("en-GB"));
    assert!(p.body.contains("Required skills"));
}

impl Web {
    fn employee_by_badge(&self, token: &str) -> Employee {
        self.store
            .read()
            .expect("read")
            .by_unique("badge token", token)
            .expect("lookup")
            .expect("employee")
    }

    /// Give an employee a preferred language (as the HR import does), through the store's
    /// audited write.
    fn set_employee_language(&self, id: uuid::Uuid, language: &str) {
        self.store
            .write(&Actor::named("hr-sync"), |w| {
                let old: Employee = w.get(id)?.expect("employee");
                let mut new = old.clone();
                new.language = Some(language.to_owned());
                w.put(&new)?;
                w.audit(
                    "employee.update",
                    "employee",
                    Some(id),
                    Some(&old),
                    Some(&new),
                )?;
                Ok::<(), caliber::store::StoreError>(())
            })
            .expect("set language");
    }

    fn scan(&self, badge: &str) -> Value {
        let key = &self.demo.stations[0].key;
        let mut r = self
            .agent
            .post(&format!("{}/api/v1/scans", self.base))
            .header("authorization", &format!("Bearer {key}"))
            .send_json(json!({ "payload": badge }))
            .expect("scan");
        assert_eq!(r.status().as_u16(), 200);
        r.body_mut().read_json().expect("verdict")
    }
}

#[test]
fn the_scan_answer_names_the_language_and_the_reasons_parameters() {
    let w = start();
    let mut red = None;
    for e in &w.demo.employees {
        let v = w.scan(&e.badge_token);
        assert!(v.get("employee_language").is_some(), "{v}");
        if v["verdict"] == "red" && red.is_none() {
            red = Some((e.badge_token.clone(), v));
        }
    }
    let (badge, v) = red.expect("a demo employee is refused at the first station");
    assert_eq!(v["employee_language"], Value::Null);
    for reason in v["reasons"].as_array().expect("reasons") {
        assert_eq!(reason["code"], "skill", "{reason}");
        assert!(reason["skill_name"].is_string(), "{reason}");
        assert!(reason["required_level"].is_u64(), "{reason}");
        let status = reason["status"].as_str().expect("status");
        match status {
            "MISSING" => assert_eq!(reason["held_level"], Value::Null),
            "INSUFFICIENT_LEVEL" => {
                assert!(
                    reason["held_level"].as_u64() < reason["required_level"].as_u64(),
                    "{reason}"
                );
            }
            "EXPIRED" => assert!(reason["date"].is_string(), "{reason}"),
            "OUTDATED" => assert!(reason["revision_label"].is_string(), "{reason}"),
            other => panic!("unexpected status {other}"),
        }
    }
    let employee = w.employee_by_badge(&badge);
    w.set_employee_language(employee.id, "es");
    let v = w.scan(&badge);
    assert_eq!(v["employee_language"], "es");
    // The OpenAPI document describes the new fields.
    let mut r = w
        .agent
        .get(&format!("{}/api/v1/openapi.json", w.base))
        .call()
        .expect("openapi");
    let doc: Value = r.body_mut().read_json().expect("json");
    let schemas = &doc["components"]["schemas"];
    for field in ["revision_label", "required_level", "held_level"] {
        assert!(
            schemas["VerdictReason"]["properties"][field].is_object(),
            "VerdictReason.{field} in the OpenAPI document"
        );
    }
    assert!(
        schemas["StationVerdict"]["properties"]["employee_language"].is_object(),
        "StationVerdict.employee_language (flattened into ScanOutcome) in the OpenAPI document"
    );
    assert!(
        schemas["ScanOutcome"]
            .to_string()
            .contains("StationVerdict")
    );
}

#[test]
fn a_refusal_is_worded_in_the_readers_language() {
    let w = start();
    let (cookie, _) = w.login("viewer");
    let p = w.get("/users", Some(&cookie), Some("es-ES"));
    assert_eq!(p.status, 403);
    assert!(p.body.contains("<h1>No permitido</h1>"), "{}", p.body);
    assert!(
        p.body
            .contains("Su rol (Lector) no permite gestionar usuarios.")
    );
    let p = w.get("/users", Some(&cookie), Some("pl"));
    assert!(
        p.body
            .contains("Twoja rola (Przeglądający) nie pozwala zarządzać użytkownikami.")
    );
}
