//! A real server on a real port over a real store in a temp dir, and a small JSON client.

#![allow(dead_code)]

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
