//! A real server on a real port over a real store in a temp dir, and a small JSON client.

#![allow(dead_code)]

pub mod browser;

use std::sync::Arc;

use caliber::app::AppState;
use caliber::domain::AppRole;
use caliber::service::{self, TokenInput};
use caliber::store::{Actor, Store};
use serde_json::Value;

/// A running server; stops when dropped (the runtime thread ends with the process).
pub struct TestServer {
    pub base: String,
    pub store: Arc<Store>,
    pub admin: String,
    pub dir: tempfile::TempDir,
    agent: ureq::Agent,
}

impl TestServer {
    /// Start on 127.0.0.1:0 with an empty store and an admin token.
    pub fn start() -> TestServer {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Arc::new(Store::open(dir.path()).expect("open store"));
        let (_, admin) = service::create_token(
            &store,
            &Actor::named("test"),
            TokenInput {
                name: "admin".into(),
                role: AppRole::Admin,
            },
        )
        .expect("token");
        let base = serve(store.clone());
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        TestServer {
            base,
            store,
            admin,
            dir,
            agent,
        }
    }

    /// A token with `role`.
    pub fn token(&self, role: AppRole) -> String {
        service::create_token(
            &self.store,
            &Actor::named("test"),
            TokenInput {
                name: format!("{role}-{}", caliber::domain::new_id()),
                role,
            },
        )
        .expect("token")
        .1
    }

    /// Send a request with an optional bearer token and JSON body; returns status and JSON.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let url = format!("{}{}", self.base, path);
        let resp = match (method, body) {
            ("GET", _) => with_auth(self.agent.get(&url), token).call(),
            ("DELETE", _) => with_auth(self.agent.delete(&url), token).call(),
            ("POST", Some(b)) => with_auth(self.agent.post(&url), token).send_json(b),
            ("POST", None) => with_auth(self.agent.post(&url), token).send_empty(),
            ("PUT", Some(b)) => with_auth(self.agent.put(&url), token).send_json(b),
            ("PATCH", Some(b)) => with_auth(self.agent.patch(&url), token).send_json(b),
            _ => panic!("unsupported call {method} {path}"),
        };
        let mut resp = resp.expect("request");
        let status = resp.status().as_u16();
        let text =
            String::from_utf8_lossy(&resp.body_mut().read_to_vec().expect("body")).into_owned();
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, json)
    }

    /// Send raw bytes with a content type.
    pub fn post_raw(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: &[u8],
    ) -> (u16, Value) {
        self.post_raw_method("POST", path, token, content_type, body)
    }

    /// Send raw bytes with a content type, by POST or PUT.
    pub fn post_raw_method(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: &[u8],
    ) -> (u16, Value) {
        let url = format!("{}{}", self.base, path);
        let req = if method == "PUT" {
            self.agent.put(&url)
        } else {
            self.agent.post(&url)
        };
        let mut resp = with_auth(req, token)
            .header("content-type", content_type)
            .send(body)
            .expect("request");
        let status = resp.status().as_u16();
        let text =
            String::from_utf8_lossy(&resp.body_mut().read_to_vec().expect("body")).into_owned();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// As admin.
    pub fn admin(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        self.call(method, path, Some(&self.admin.clone()), body)
    }

    /// As admin, expecting a 2xx; returns the JSON.
    pub fn ok(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (s, v) = self.admin(method, path, body.as_ref());
        assert!((200..300).contains(&s), "{method} {path} -> {s}: {v}");
        v
    }

    /// The number of audit events so far.
    pub fn audit_len(&self) -> u64 {
        self.store
            .read()
            .expect("read")
            .audit_head()
            .expect("head")
            .seq
    }
}

fn with_auth<B>(req: ureq::RequestBuilder<B>, token: Option<&str>) -> ureq::RequestBuilder<B> {
    match token {
        Some(t) => req.header("authorization", &format!("Bearer {t}")),
        None => req,
    }
}

/// Serve `store` on an ephemeral port in a background thread; returns the base URL.
pub fn serve(store: Arc<Store>) -> String {
    serve_state(AppState::new(store))
}

/// Serve an app state on an ephemeral port in a background thread; returns the base URL.
pub fn serve_state(state: AppState) -> String {
    caliber::app::spawn_local(state).expect("start server")
}

/// The `id` field of a JSON record.
pub fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

/// A port nobody listens on now, for a server started as a subprocess to take.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// `GET /login` as a browser sees it: the `caliber_login` cookie (as a `Cookie` header
/// value) and the `login_csrf` token of the form.
pub fn login_token(agent: &ureq::Agent, base: &str) -> (String, String) {
    let mut r = agent
        .get(&format!("{base}/login"))
        .call()
        .expect("login page");
    let cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("login cookie")
        .to_owned();
    let page = r.body_mut().read_to_string().expect("page");
    let token = page
        .split("name=\"login_csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("login token in the form")
        .to_owned();
    (cookie, token)
}

/// A browser of the web UI over real HTTP: its session cookie and the session's form token
/// (read from a page, as a browser's form would carry it).
pub struct WebClient {
    pub base: String,
    pub cookie: String,
    pub csrf: String,
    agent: ureq::Agent,
}

/// What a web request answered: status, body as text, `Location` and `Content-Type`.
pub struct WebAnswer {
    pub status: u16,
    pub body: String,
    pub location: String,
    pub content_type: String,
}

impl WebAnswer {
    fn from(mut r: ureq::http::Response<ureq::Body>) -> WebAnswer {
        let header = |name: &str| {
            r.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        let (location, content_type) = (header("location"), header("content-type"));
        let body = String::from_utf8_lossy(
            &r.body_mut()
                .with_config()
                .limit(256 * 1024 * 1024)
                .read_to_vec()
                .unwrap_or_default(),
        )
        .into_owned();
        WebAnswer {
            status: r.status().as_u16(),
            body,
            location,
            content_type,
        }
    }
}

impl WebClient {
    /// Log in through the login form (with its login CSRF token) as `email`.
    pub fn login(base: &str, email: &str, password: &str) -> WebClient {
        // No connection reuse: a server that answers a refused upload before reading it
        // closes the connection, and a pooled one would fail the next request.
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_idle_connections(0)
            .build()
            .into();
        let (cookie, token) = login_token(&agent, base);
        let r = agent
            .post(&format!("{base}/login"))
            .header("cookie", &cookie)
            .send_form([
                ("login_csrf", token.as_str()),
                ("email", email),
                ("password", password),
                ("next", "/"),
            ])
            .expect("login");
        assert_eq!(r.status().as_u16(), 303, "login as {email}");
        let cookie = r
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .expect("session cookie")
            .to_owned();
        let mut c = WebClient {
            base: base.to_owned(),
            cookie,
            csrf: String::new(),
            agent,
        };
        let page = c.get("/me").body;
        c.csrf = page
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("csrf token in the page")
            .to_owned();
        c
    }

    /// Log in as the demo login of `role` (`admin`, `skill_manager`, …).
    pub fn demo(base: &str, demo: &caliber::seed::DemoSummary, role: &str) -> WebClient {
        let l = demo
            .logins
            .iter()
            .find(|l| l.role.as_str() == role)
            .expect("demo login");
        WebClient::login(base, &l.email, &l.password)
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> WebAnswer {
        WebAnswer::from(
            self.agent
                .get(&format!("{}{path}", self.base))
                .header("cookie", &self.cookie)
                .call()
                .expect("request"),
        )
    }

    /// Post a form with this session's CSRF token added.
    pub fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> WebAnswer {
        let mut pairs = fields.to_vec();
        pairs.push(("csrf", self.csrf.as_str()));
        WebAnswer::from(
            self.agent
                .post(&format!("{}{path}", self.base))
                .header("cookie", &self.cookie)
                .send_form(pairs)
                .expect("request"),
        )
    }

    /// Post a `multipart/form-data` form as a browser sends a file upload: `fields` (the
    /// CSRF token is not added: pass it, or not, in `fields`), then the file, if any, as
    /// (field name, file name, bytes).
    pub fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &str, &[u8])>,
    ) -> WebAnswer {
        let files: Vec<(&str, &str, &[u8])> = file.into_iter().collect();
        let (content_type, body) = multipart_body(fields, &files);
        let answer = self
            .agent
            .post(&format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("content-type", &content_type)
            .send(&body[..]);
        match answer {
            Ok(r) => WebAnswer::from(r),
            // A server may answer an oversized upload and close before reading all of it.
            Err(e) => WebAnswer {
                status: 0,
                body: e.to_string(),
                location: String::new(),
                content_type: String::new(),
            },
        }
    }
}

/// A `multipart/form-data` body as a browser sends a form with file uploads: the text
/// `fields`, then the `files` as (field name, file name, bytes). Returns the body's
/// `Content-Type` (with its boundary) and the body.
pub fn multipart_body(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    const BOUNDARY: &str = "----caliber-test-boundary-7d93f1";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                 filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// The value of the hidden input `name` in a page's first form that has it.
pub fn hidden_field(page: &str, name: &str) -> Option<String> {
    page.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(str::to_owned)
}

/// `caliber serve` as a separate process with `toml` as its configuration, its data in
/// `dir/data`, until it says where it listens; returns the child, that line and the port.
pub fn serve_process(dir: &std::path::Path, toml: &str) -> (std::process::Child, String, u16) {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let cfg = dir.join("caliber.toml");
    std::fs::write(&cfg, toml).expect("config");
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_caliber"))
        .arg("--config")
        .arg(&cfg)
        .args(["serve", "--data-dir"])
        .arg(dir.join("data"))
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .arg("--runtime-dir")
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    while !line.contains("listening") {
        line.clear();
        if out.read_line(&mut line).expect("read") == 0 {
            break;
        }
    }
    (child, line, port)
}

/// Stop a `caliber serve` child with SIGTERM (its graceful shutdown) and wait for it.
pub fn stop_gracefully(child: &mut std::process::Child) {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let exit = child.wait().expect("wait");
    assert!(exit.success(), "serve exited with {exit}");
}

/// A logged-in web session: its cookie and the form token of its pages.
#[derive(Debug, Clone, Default)]
pub struct WebSession {
    pub cookie: Option<String>,
    pub csrf: String,
}

/// A browser without redirects or connection reuse over the web UI at `base`, for tests
/// that hold several sessions (or none) at once; [`WebClient`] is one logged-in session.
pub struct WebAgent {
    pub base: String,
    agent: ureq::Agent,
}

impl WebAgent {
    pub fn new(base: &str) -> WebAgent {
        WebAgent {
            base: base.to_owned(),
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .max_idle_connections(0)
                .build()
                .into(),
        }
    }

    /// `GET path`: status, body and `Location`.
    pub fn get(&self, s: &WebSession, path: &str) -> (u16, String, String) {
        let mut req = self.agent.get(&format!("{}{path}", self.base));
        if let Some(c) = &s.cookie {
            req = req.header("cookie", c);
        }
        let mut r = req.call().expect("request");
        let loc = header(&r, "location");
        let body =
            String::from_utf8_lossy(&r.body_mut().read_to_vec().unwrap_or_default()).into_owned();
        (r.status().as_u16(), body, loc)
    }

    /// `GET path` as bytes with the `Content-Type`: status, content type, body.
    pub fn get_bytes(&self, s: &WebSession, path: &str) -> (u16, String, Vec<u8>) {
        let mut req = self.agent.get(&format!("{}{path}", self.base));
        if let Some(c) = &s.cookie {
            req = req.header("cookie", c);
        }
        let mut r = req.call().expect("request");
        let ct = header(&r, "content-type");
        let body = r
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .unwrap_or_default();
        (r.status().as_u16(), ct, body)
    }

    /// `POST path` with `form` and the session's CSRF token: status, body and `Location`.
    pub fn post(&self, s: &WebSession, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
        let mut req = self.agent.post(&format!("{}{path}", self.base));
        if let Some(c) = &s.cookie {
            req = req.header("cookie", c);
        }
        let mut pairs: Vec<(&str, &str)> = form.to_vec();
        pairs.push(("csrf", s.csrf.as_str()));
        let mut r = req.send_form(pairs).expect("request");
        let loc = header(&r, "location");
        let body =
            String::from_utf8_lossy(&r.body_mut().read_to_vec().unwrap_or_default()).into_owned();
        (r.status().as_u16(), body, loc)
    }

    /// `POST path` as a browser posts a form with file uploads ([`multipart_body`]), with
    /// the session's CSRF token among the fields: status, body and `Location`.
    pub fn post_files(
        &self,
        s: &WebSession,
        path: &str,
        form: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> (u16, String, String) {
        let mut req = self.agent.post(&format!("{}{path}", self.base));
        if let Some(c) = &s.cookie {
            req = req.header("cookie", c);
        }
        let mut fields: Vec<(&str, &str)> = form.to_vec();
        fields.push(("csrf", s.csrf.as_str()));
        let (content_type, body) = multipart_body(&fields, files);
        let mut r = req
            .header("content-type", &content_type)
            .send(&body[..])
            .expect("request");
        let loc = header(&r, "location");
        let body =
            String::from_utf8_lossy(&r.body_mut().read_to_vec().unwrap_or_default()).into_owned();
        (r.status().as_u16(), body, loc)
    }

    /// Log in through the form; the session, or the refusal's status and page.
    pub fn login(&self, email: &str, password: &str) -> Result<WebSession, (u16, String)> {
        let (cookie, token) = login_token(&self.agent, &self.base);
        let mut r = self
            .agent
            .post(&format!("{}/login", self.base))
            .header("cookie", &cookie)
            .send_form([
                ("login_csrf", token.as_str()),
                ("email", email),
                ("password", password),
                ("next", "/"),
            ])
            .expect("login");
        let status = r.status().as_u16();
        let cookie = header(&r, "set-cookie")
            .split(';')
            .next()
            .map(str::to_owned)
            .filter(|c| !c.is_empty());
        let body =
            String::from_utf8_lossy(&r.body_mut().read_to_vec().unwrap_or_default()).into_owned();
        let Some(cookie) = cookie.filter(|_| status == 303) else {
            return Err((status, body));
        };
        let mut s = WebSession {
            cookie: Some(cookie),
            csrf: String::new(),
        };
        let (_, page, _) = self.get(&s, "/me");
        s.csrf = page
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|t| t.split('"').next())
            .expect("csrf token in page")
            .to_owned();
        Ok(s)
    }
}

fn header(r: &ureq::http::Response<ureq::Body>, name: &str) -> String {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}
