//! `/setup`: the first page of a new box. It asks for the one-time setup code shown on the
//! box's console and screen, then creates the first administrator (see
//! [`crate::service::complete_setup`]). Wrong codes count against the address like failed
//! logins.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Form, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::UiState;
use super::layout::{self, WebError};
use super::locale::tr;
use crate::service::{self, ServiceError};
use crate::store::Actor;

/// The setup form.
#[derive(Debug, Deserialize)]
pub struct SetupForm {
    code: String,
    email: String,
    password: String,
    confirm: String,
}

fn page(status: StatusCode, email: &str, error: Option<&str>) -> Response {
    let body = html! {
        main.login {
            h1 { (tr!("setup-title")) }
            p.muted { (tr!("setup-intro")) }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form method="post" action="/setup" {
                label for="code" { (tr!("setup-code")) }
                input #code name="code" autocomplete="one-time-code" required autofocus;
                label for="email" { (tr!("setup-email")) }
                input #email type="email" name="email" value=(email) autocomplete="username" required;
                label for="password" { (tr!("setup-password", min = service::MIN_PASSWORD_LEN)) }
                input #password type="password" name="password" autocomplete="new-password" required;
                label for="confirm" { (tr!("setup-password-again")) }
                input #confirm type="password" name="confirm" autocomplete="new-password" required;
                button.primary type="submit" { (tr!("setup-create")) }
            }
        }
    };
    (status, layout::bare(&tr!("setup-short"), body)).into_response()
}

async fn open(st: &UiState) -> Result<bool, WebError> {
    let store = st.store.clone();
    super::pages::blocking(move || service::setup_open(&store)).await
}

/// `GET /setup`
pub async fn setup_form(State(st): State<UiState>) -> Result<Response, WebError> {
    if !open(&st).await? {
        return Ok(Redirect::to("/login").into_response());
    }
    Ok(page(StatusCode::OK, "", None))
}

/// `POST /setup`
pub async fn setup(
    State(st): State<UiState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<SetupForm>,
) -> Result<Response, WebError> {
    if !open(&st).await? {
        return Ok(Redirect::to("/login").into_response());
    }
    let ip_key = format!("ip:{}", addr.ip());
    if let Some(wait) = st.web.login_ips.locked(&ip_key, jiff::Timestamp::now()) {
        return Err(WebError::TooMany(wait.as_secs().max(1)));
    }
    if f.password != f.confirm {
        return Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &f.email,
            Some(&tr!("setup-passwords-differ")),
        ));
    }
    let actor = Actor {
        name: "setup".into(),
        ip: Some(addr.ip().to_string()),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(200).collect()),
        user_id: None,
    };
    let store = st.store.clone();
    let email = f.email.clone();
    let done = tokio::task::spawn_blocking(move || {
        service::complete_setup(&store, &actor, &f.code, &f.email, &f.password)
    })
    .await
    .map_err(|_| WebError::Internal)?;
    match done {
        Ok(_) => Ok(Redirect::to("/login").into_response()),
        Err(ServiceError::Unauthorized(m)) => {
            st.web.login_ips.fail(&ip_key, jiff::Timestamp::now());
            Ok(page(StatusCode::FORBIDDEN, &email, Some(&m)))
        }
        Err(ServiceError::Invalid { message, .. }) => Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &email,
            Some(&message),
        )),
        Err(e) => Err(e.into()),
    }
}
