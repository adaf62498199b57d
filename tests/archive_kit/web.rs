//! A running `caliber archive serve` (the real binary, listening on 127.0.0.1 port 0) and a
//! browser's requests to it: its session cookie, the login form and the CSRF token.
//! (The crate using it declares `mod common;` for the login form helper.)

#![allow(dead_code)]

use std::process::{Command, Stdio};
use std::sync::mpsc::Receiver;

use super::{Reap, lines_of, next_line};

/// A running company view.
pub struct Served {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The process.
    pub child: Reap,
    /// Its further output lines.
    pub lines: Receiver<String>,
    agent: ureq::Agent,
}

/// A browser: its session cookie (none: anonymous) and the session's form token.
#[derive(Debug, Clone, Default)]
pub struct Browser {
    /// `caliber_session=…`, as a `Cookie` header value.
    pub cookie: Option<String>,
    /// The form token of the session.
    pub csrf: String,
}

/// A response.
#[derive(Debug)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Body.
    pub body: Vec<u8>,
    /// `Location`, or empty.
    pub location: String,
    /// Every header.
    pub headers: ureq::http::HeaderMap,
}

impl Reply {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value, or empty.
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    }
}

impl Served {
    /// `caliber archive serve ARGS… --listen 127.0.0.1:0` with `env` set, once it listens.
    pub fn start(args: &[&str], env: &[(&str, String)]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_caliber"))
            .args(["archive", "serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .env_remove("CALIBER_CONFIG")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::piped())
            .spawn()
            .expect("start caliber archive serve");
        let lines = lines_of(&mut child);
        let child = Reap(child);
        let first = next_line(&lines);
        let base = first
            .split(" listening on ")
            .nth(1)
            .unwrap_or_else(|| panic!("not a listening line: {first}"))
            .trim_end_matches('/')
            .to_owned();
        // No connection reuse: a server that answers before reading a refused request's body
        // closes that connection, and a pooled one would fail the next request.
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_idle_connections(0)
            .build()
            .into();
        Served {
            base,
            child,
            lines,
            agent,
        }
    }

    /// Stop it with SIGTERM; its exit code.
    pub fn stop(mut self) -> Option<i32> {
        let pid = self.child.0.id().to_string();
        let killed = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(killed.success());
        self.child.0.wait().expect("wait").code()
    }

    fn reply(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
        let mut r = r.expect("request");
        Reply {
            status: r.status().as_u16(),
            location: r
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned(),
            headers: r.headers().clone(),
            body: r
                .body_mut()
                .with_config()
                .limit(1 << 30)
                .read_to_vec()
                .unwrap_or_default(),
        }
    }

    /// `GET path` as `b`.
    pub fn get(&self, b: &Browser, path: &str) -> Reply {
        let mut req = self.agent.get(&format!("{}{path}", self.base));
        if let Some(c) = &b.cookie {
            req = req.header("cookie", c);
        }
        Served::reply(req.call())
    }

    /// `POST path` as `b`, the form with the session's CSRF token added.
    pub fn post(&self, b: &Browser, path: &str, form: &[(&str, &str)]) -> Reply {
        let mut req = self.agent.post(&format!("{}{path}", self.base));
        if let Some(c) = &b.cookie {
            req = req.header("cookie", c);
        }
        let mut pairs: Vec<(&str, &str)> = form.to_vec();
        pairs.push(("csrf", b.csrf.as_str()));
        Served::reply(req.send_form(pairs))
    }

    /// `POST path` with `form` and nothing else: no cookie, no token.
    pub fn post_bare(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        Served::reply(
            self.agent
                .post(&format!("{}{path}", self.base))
                .send_form(form.iter().copied()),
        )
    }

    /// Log in through the login form; the logged-in browser, or the refusal.
    pub fn login(&self, email: &str, password: &str) -> Result<Browser, Box<Reply>> {
        let (cookie, token) = crate::common::login_token(&self.agent, &self.base);
        let r = Served::reply(
            self.agent
                .post(&format!("{}/login", self.base))
                .header("cookie", &cookie)
                .send_form([
                    ("login_csrf", token.as_str()),
                    ("email", email),
                    ("password", password),
                    ("next", "/"),
                ]),
        );
        let session = r
            .header("set-cookie")
            .split(';')
            .next()
            .filter(|c| c.starts_with("caliber_session="))
            .map(str::to_owned);
        let Some(cookie) = session.filter(|_| r.status == 303) else {
            return Err(Box::new(r));
        };
        let mut b = Browser {
            cookie: Some(cookie),
            csrf: String::new(),
        };
        let page = self.get(&b, "/").text();
        b.csrf = page
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("the logout form's token")
            .to_owned();
        Ok(b)
    }
}
