//! "My account": the logged-in user's own settings (the web UI's language).

use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::html;
use serde::Deserialize;

use super::blocking;
use crate::service;
use crate::web::layout::{self, WebResult, csrf};
use crate::web::locale::{Lang, tr};
use crate::web::{UiState, WebUser};

/// Account page query: `saved=1` after a change.
#[derive(Debug, Deserialize)]
pub struct AccountQuery {
    /// Set after the language was saved.
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /account`
pub async fn account(user: WebUser, Query(q): Query<AccountQuery>) -> WebResult {
    let chosen = user.user.language.as_deref().and_then(Lang::parse);
    let body = html! {
        @if q.saved.is_some() { p.notice role="status" { "✔ " (tr!("account-saved")) } }
        p { (user.user.email) " · " (layout::role_name(user.role())) }
        h2 { (tr!("account-language")) }
        form.grid method="post" action="/account/language" {
            (csrf(&user))
            div {
                label for="language" { (tr!("account-language")) }
                select #language name="language" {
                    option value="" selected[chosen.is_none()] { (tr!("account-language-browser")) }
                    @for l in Lang::ALL {
                        option value=(l.code()) lang=(l.code()) selected[chosen == Some(l)] { (l.name()) }
                    }
                }
            }
            div { button.primary type="submit" { (tr!("save")) } }
        }
        p.muted { (tr!("account-language-help")) }
    };
    Ok(layout::page(&user, &tr!("nav-account"), body))
}

/// The language form.
#[derive(Debug, Deserialize)]
pub struct LanguageForm {
    csrf: String,
    #[serde(default)]
    language: String,
}

/// `POST /account/language`: set (or clear) the user's own language; audited.
pub async fn set_language(
    State(st): State<UiState>,
    user: WebUser,
    Form(f): Form<LanguageForm>,
) -> WebResult {
    user.check_csrf(&f.csrf)?;
    let store = st.store.clone();
    let (actor, id) = (user.actor.clone(), user.user.id);
    blocking(move || {
        let language = Some(f.language.as_str()).filter(|l| !l.trim().is_empty());
        service::set_user_language(&store, &actor, id, language)
    })
    .await?;
    // The next page (the confirmation) is read with the new setting.
    Ok(Redirect::to("/account?saved=1").into_response())
}
