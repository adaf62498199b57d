//! Logging in and out, the session cookie, and the logged-in user every page takes.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Form, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use cookie::{Cookie, SameSite};
use maud::html;
use serde::Deserialize;

use super::UiState;
use super::layout::{self, CsrfForm, WebError};
use super::locale::tr;
use crate::domain::{AppRole, User};
use crate::service::{self, ServiceError};
use crate::store::Actor;

/// Longest email a login form accepts (RFC 5321's limit).
const MAX_EMAIL: usize = 254;
/// Longest password a login form accepts.
const MAX_PASSWORD: usize = 1024;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "caliber_session";

/// Name of the login form's pre-session cookie: its value must come back in the form's
/// `login_csrf` field (a page on another site can post a form but cannot read or set this
/// cookie), so nobody can log a browser into an account of their choosing (login CSRF).
pub const LOGIN_COOKIE: &str = "caliber_login";

/// The logged-in user of a request.
#[derive(Debug, Clone)]
pub struct WebUser {
    /// The user.
    pub user: User,
    /// The form token of the session.
    pub csrf: String,
    /// Hash of the session id (to log out).
    pub session_hash: String,
    /// Client address and agent, for the audit trail.
    pub actor: Actor,
}

impl WebUser {
    /// The user's role.
    pub fn role(&self) -> AppRole {
        self.user.role
    }

    /// Refuse with a 403 page unless `allowed`.
    pub fn require(&self, allowed: bool, action: &str) -> Result<(), WebError> {
        if allowed {
            Ok(())
        } else {
            Err(WebError::Forbidden(tr!(
                "error-role-may-not",
                role = layout::role_name(self.user.role),
                action = action_words(action)
            )))
        }
    }

    /// Refuse a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), WebError> {
        use subtle::ConstantTimeEq;
        if bool::from(token.as_bytes().ct_eq(self.csrf.as_bytes())) {
            Ok(())
        } else {
            Err(WebError::Forbidden(tr!("error-form-expired")))
        }
    }
}

/// What a role may not do, in the request's language (the English phrase is the handler's
/// name for it).
fn action_words(action: &str) -> String {
    match action {
        "manage users" => tr!("action-manage-users"),
        "manage revisions" => tr!("action-manage-revisions"),
        "manage stations" => tr!("action-manage-stations"),
        "manage requirements" => tr!("action-manage-requirements"),
        "approve certifications" => tr!("action-approve-certifications"),
        "view the matrix" => tr!("action-view-the-matrix"),
        "view skills" => tr!("action-view-skills"),
        "revoke certifications" => tr!("action-revoke-certifications"),
        "print badges" => tr!("action-print-badges"),
        "manage skills" => tr!("action-manage-skills"),
        "edit employees" => tr!("action-edit-employees"),
        "create employees" => tr!("action-create-employees"),
        "certify" => tr!("action-certify"),
        "view the audit log" => tr!("action-view-the-audit-log"),
        "view station screens" => tr!("action-view-station-screens"),
        "view requirements" => tr!("action-view-requirements"),
        "view evidence" => tr!("action-view-evidence"),
        "view employees" => tr!("action-view-employees"),
        "regenerate badges" => tr!("action-regenerate-badges"),
        "manage backups" => tr!("action-manage-backups"),
        "make backups" => tr!("action-make-backups"),
        "export the matrix" => tr!("action-export-the-matrix"),
        "export the audit log" => tr!("action-export-the-audit-log"),
        "download backups" => tr!("action-download-backups"),
        "import records" => tr!("action-import-records"),
        "export records" => tr!("action-export-records"),
        other => other.to_owned(),
    }
}

/// The value of cookie `name` in a request's cookies.
fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// The session id in a request's cookies.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, SESSION_COOKIE)
}

/// The login form token of this browser (kept while the browser has one, so two open login
/// tabs both work), or a new one.
fn login_token(headers: &HeaderMap) -> String {
    cookie_value(headers, LOGIN_COOKIE)
        .filter(|t| t.len() >= 40 && t.len() <= 64 && t.starts_with("login_"))
        .unwrap_or_else(|| service::new_secret("login"))
}

/// The `Set-Cookie` value of the login form token: only sent back to `/login`, an hour.
fn login_set_cookie(token: &str) -> Option<HeaderValue> {
    let c = Cookie::build((LOGIN_COOKIE, token.to_owned()))
        .path("/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .max_age(cookie::time::Duration::hours(1));
    HeaderValue::from_str(&c.build().to_string()).ok()
}

/// The `Set-Cookie` value for a session: host-only, whole site, no script access, never sent
/// on a cross-site request, and `Secure` when the browser reached us over HTTPS. An empty
/// `secret` with `max_age` zero removes the cookie (logout).
fn session_set_cookie(secret: &str, secure: bool, remove: bool) -> Option<HeaderValue> {
    let mut c = Cookie::build((SESSION_COOKIE, secret.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure);
    if remove {
        c = c.max_age(cookie::time::Duration::ZERO);
    }
    HeaderValue::from_str(&c.build().to_string()).ok()
}

fn client(parts: &Parts) -> Actor {
    let (ip, user_agent) = crate::http::client(parts);
    Actor {
        name: String::new(),
        ip,
        user_agent,
        user_id: None,
    }
}

impl FromRequestParts<UiState> for WebUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &UiState) -> Result<Self, WebError> {
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default();
        let login = || WebError::Login(next.clone());
        let id = session_cookie(&parts.headers).ok_or_else(login)?;
        let store = state.store.clone();
        let limits = state.web.settings.session_limits();
        let mut actor = client(parts);
        let found = tokio::task::spawn_blocking(move || service::resume(&store, &id, limits))
            .await
            .map_err(|_| WebError::Internal)?
            .map_err(WebError::from)?;
        let live = found.ok_or_else(login)?;
        let (session, user, hash) = (live.session, live.user, live.hash);
        actor.name = user.email.clone();
        actor.user_id = Some(user.id);
        super::locale::set_current(super::locale::negotiate(
            user.language.as_deref(),
            &parts.headers,
        ));
        Ok(WebUser {
            user,
            csrf: session.csrf,
            session_hash: hash,
            actor,
        })
    }
}

/// Login page query.
#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    /// Where to go after logging in.
    pub next: Option<String>,
}

/// Only same-site paths are followed after login (no open redirects): a path that starts
/// with one `/`, with no backslash, no control character or space (raw or percent-encoded:
/// browsers drop a tab or newline and read `/\t/evil.example` as `//evil.example`).
fn safe_next(next: Option<&str>) -> String {
    let Some(n) = next else {
        return "/".to_owned();
    };
    let decoded = percent_encoding::percent_decode_str(n).decode_utf8_lossy();
    let clean = |t: &str| {
        t.starts_with('/')
            && !t.starts_with("//")
            && !t.contains('\\')
            && !t.chars().any(|c| c.is_control() || c.is_whitespace())
    };
    if clean(n) && clean(&decoded) {
        n.to_owned()
    } else {
        "/".to_owned()
    }
}

fn login_page(
    status: StatusCode,
    token: &str,
    next: &str,
    email: &str,
    error: Option<&str>,
) -> Response {
    let body = html! {
        main.login {
            h1 { "Caliber" }
            p.muted { (tr!("login-tagline")) }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form method="post" action="/login" {
                input type="hidden" name="login_csrf" value=(token);
                input type="hidden" name="next" value=(next);
                label for="email" { (tr!("login-email")) }
                input #email type="email" name="email" value=(email) autocomplete="username" required autofocus;
                label for="password" { (tr!("login-password")) }
                input #password type="password" name="password" autocomplete="current-password" required;
                button.primary type="submit" { (tr!("login-submit")) }
            }
        }
    };
    let mut resp = (status, layout::bare(&tr!("login-submit"), body)).into_response();
    if let Some(v) = login_set_cookie(token) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

/// `GET /login` (a new box without an administrator sends the visitor to `/setup`).
pub async fn login_form(
    State(st): State<UiState>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Response {
    let store = st.store.clone();
    let open = tokio::task::spawn_blocking(move || service::setup_open(&store)).await;
    if matches!(open, Ok(Ok(true))) {
        return Redirect::to("/setup").into_response();
    }
    login_page(
        StatusCode::OK,
        &login_token(&headers),
        &safe_next(q.next.as_deref()),
        "",
        None,
    )
}

/// The login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    login_csrf: String,
    email: String,
    password: String,
    next: Option<String>,
}

/// `POST /login`: throttled per account and per address; failures are audited.
pub async fn login(
    State(st): State<UiState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let next = safe_next(f.next.as_deref());
    let email = f.email.trim().to_lowercase();
    let ip = addr.ip().to_string();
    let now = jiff::Timestamp::now();
    let token = login_token(&headers);
    let token_ok = {
        use subtle::ConstantTimeEq;
        cookie_value(&headers, LOGIN_COOKIE).is_some_and(|c| {
            !f.login_csrf.is_empty() && bool::from(c.as_bytes().ct_eq(f.login_csrf.as_bytes()))
        })
    };
    if !token_ok {
        // Refused before the password is checked or anything is written.
        return login_page(
            StatusCode::FORBIDDEN,
            &token,
            &next,
            "",
            Some(&tr!("login-form-expired")),
        );
    }
    if email.len() > MAX_EMAIL || f.password.len() > MAX_PASSWORD {
        // Refused before anything is written: a megabyte "email" must not reach the audit trail.
        return login_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &token,
            &next,
            "",
            Some(&tr!("login-too-long")),
        );
    }
    // An account is locked only against the address its failures came from, so someone
    // guessing from one PC cannot lock the real user out from another.
    let (acct_key, ip_key) = (format!("account:{email}@{ip}"), format!("ip:{ip}"));
    let wait = st
        .web
        .logins
        .locked(&acct_key, now)
        .max(st.web.login_ips.locked(&ip_key, now));
    if let Some(w) = wait {
        let minutes = w.as_secs().div_ceil(60).max(1);
        return login_page(
            StatusCode::TOO_MANY_REQUESTS,
            &token,
            &next,
            &email,
            Some(&tr!("login-locked", minutes = minutes)),
        );
    }
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let actor = Actor {
        name: email.clone(),
        ip: Some(ip.clone()),
        user_agent: ua,
        user_id: None,
    };
    let store = st.store.clone();
    let password = f.password;
    let e2 = email.clone();
    let result =
        tokio::task::spawn_blocking(move || service::login(&store, &actor, &e2, &password)).await;
    match result {
        Ok(Ok(outcome)) => {
            let id = outcome.secret;
            st.web.logins.clear(&acct_key);
            let secure = st.web.settings.tls
                || headers
                    .get("x-forwarded-proto")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|p| p.eq_ignore_ascii_case("https"))
                || st
                    .web
                    .settings
                    .public_url
                    .as_deref()
                    .is_some_and(|u| u.to_ascii_lowercase().starts_with("https://"));
            let mut resp = Redirect::to(&next).into_response();
            if let Some(v) = session_set_cookie(&id, secure, false) {
                resp.headers_mut().insert(header::SET_COOKIE, v);
            }
            resp
        }
        Ok(Err(ServiceError::Unauthorized(msg))) => {
            st.web.logins.fail(&acct_key, now);
            st.web.login_ips.fail(&ip_key, now);
            let msg = if msg.contains("disabled") {
                tr!("login-disabled")
            } else {
                tr!("login-wrong")
            };
            login_page(StatusCode::UNAUTHORIZED, &token, &next, &email, Some(&msg))
        }
        _ => WebError::Internal.into_response(),
    }
}

/// `POST /logout`
pub async fn logout(
    State(st): State<UiState>,
    user: WebUser,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let store = st.store.clone();
    let u = user.clone();
    tokio::task::spawn_blocking(move || {
        service::logout(&store, &u.actor, &u.session_hash, u.user.id)
    })
    .await
    .map_err(|_| WebError::Internal)??;
    let mut resp = Redirect::to("/login").into_response();
    if let Some(v) = session_set_cookie("", false, true) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(resp)
}
