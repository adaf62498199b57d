//! The page shell, the stylesheet, errors as pages, and small pieces every page uses.

use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::Timestamp;
use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::WebUser;
use super::locale::{self, tr};
use crate::qualify::SkillStatus;
use crate::service::ServiceError;

/// Why a page could not be shown.
#[derive(Debug)]
pub enum WebError {
    /// Not logged in: go to the login page, then back to this path.
    Login(String),
    /// Logged in but not allowed.
    Forbidden(String),
    /// No such record.
    NotFound(String),
    /// Bad input (shown to the person).
    Invalid(String),
    /// A conflict (duplicate, already revoked…).
    Conflict(String),
    /// Too many requests.
    TooMany(u64),
    /// Something broke; details are in the log.
    Internal,
}

impl From<ServiceError> for WebError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::NotFound { .. } => WebError::NotFound(e.to_string()),
            ServiceError::Invalid { message, .. } => WebError::Invalid(message),
            ServiceError::Conflict(m) => WebError::Conflict(m),
            ServiceError::Forbidden(m) | ServiceError::Unauthorized(m) => WebError::Forbidden(m),
            ServiceError::Store(err) => {
                tracing::error!("store failure: {err}");
                WebError::Internal
            }
        }
    }
}

impl From<crate::store::StoreError> for WebError {
    fn from(e: crate::store::StoreError) -> Self {
        WebError::from(ServiceError::from(e))
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, title, message) = match self {
            WebError::Login(next) => {
                let to = format!("/login?next={}", urlencode(&next));
                return Redirect::to(&to).into_response();
            }
            WebError::Forbidden(m) => (StatusCode::FORBIDDEN, tr!("error-forbidden"), m),
            WebError::NotFound(m) => (StatusCode::NOT_FOUND, tr!("error-not-found"), m),
            WebError::Invalid(m) => (StatusCode::UNPROCESSABLE_ENTITY, tr!("error-invalid"), m),
            WebError::Conflict(m) => (StatusCode::CONFLICT, tr!("error-conflict"), m),
            WebError::TooMany(secs) => {
                let mut r = (
                    StatusCode::TOO_MANY_REQUESTS,
                    bare(&tr!("error-slow-down"), html! { main.narrow { h1 { (tr!("error-too-many")) } p { (tr!("error-too-many-wait")) } } }),
                )
                    .into_response();
                if let Ok(v) = secs.to_string().parse() {
                    r.headers_mut().insert(header::RETRY_AFTER, v);
                }
                return r;
            }
            WebError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                tr!("error-internal"),
                tr!("error-internal-detail"),
            ),
        };
        let body = html! {
            main.narrow {
                h1 { (title) }
                p.error role="alert" { (message) }
                p { a href="/" { (tr!("nav-dashboard")) } }
            }
        };
        (status, bare(&title, body)).into_response()
    }
}

/// Result of a page handler.
pub type WebResult = Result<Response, WebError>;

/// Percent-encode for a query value.
pub fn urlencode(s: &str) -> String {
    /// Everything but unreserved characters and `/` (paths stay readable in `next=`).
    const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~')
        .remove(b'/');
    percent_encoding::utf8_percent_encode(s, QUERY_VALUE).to_string()
}

/// A page without navigation (login, errors, the public badge page); also the document
/// around every page with navigation, so the two cannot drift apart.
pub fn bare(title: &str, body: Markup) -> Html<String> {
    Html(
        html! {
            (DOCTYPE)
            html lang=(locale::current().code()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " · Caliber" }
                    link rel="stylesheet" href="/style.css";
                }
                body { (body) }
            }
        }
        .into_string(),
    )
}

/// A page with the navigation the user's role allows.
pub fn page(user: &WebUser, title: &str, body: Markup) -> Response {
    let r = user.role();
    let nav: Vec<(&str, String, bool)> = vec![
        ("/", tr!("nav-dashboard"), r.can_view_all()),
        ("/employees", tr!("nav-employees"), r.can_view_all()),
        ("/matrix", tr!("nav-matrix"), r.can_view_all()),
        ("/due", tr!("nav-due"), true),
        ("/training", tr!("nav-training"), r.can_view_all()),
        ("/certify", tr!("nav-certify"), r.can_certify()),
        ("/approvals", tr!("nav-approvals"), r.can_certify()),
        ("/skills", tr!("nav-skills"), r.can_view_all()),
        ("/requirements", tr!("nav-requirements"), r.can_view_all()),
        ("/imports", tr!("nav-import"), r.can_manage_catalog()),
        ("/stations", tr!("nav-stations"), true),
        ("/users", tr!("nav-users"), r.can_manage_users()),
        ("/audit", tr!("nav-audit"), r.can_view_audit()),
        ("/backups", tr!("nav-backups"), r.can_manage_users()),
        ("/me", tr!("nav-me"), true),
        ("/account", tr!("nav-account"), true),
    ];
    let Html(shell) = bare(
        title,
        html! {
            header.top {
                a.brand href="/" { "Caliber" }
                nav aria-label=(tr!("nav-main")) {
                    @for (href, label, ok) in &nav {
                        @if *ok { a href=(href) { (label) } }
                    }
                }
                form.logout method="post" action="/logout" {
                    span.who { (user.user.email) " · " (role_name(user.role())) }
                    (csrf(user))
                    button type="submit" { (tr!("log-out")) }
                }
            }
            main { h1 { (title) } (PreEscaped(BODY_SLOT)) }
        },
    );
    // The body goes out between the two halves of its shell as it is, never copied into it:
    // a page of several megabytes (every requirement row, a long due list) then costs its
    // size once, not three times.
    let (before, after) = shell.split_once(BODY_SLOT).unwrap_or((&shell, ""));
    let pieces = Pieces::new([
        Bytes::copy_from_slice(before.as_bytes()),
        Bytes::from(body.into_string()),
        Bytes::copy_from_slice(after.as_bytes()),
    ]);
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        axum::body::Body::new(pieces),
    )
        .into_response()
}

/// Where a page's body goes in its shell: markup that no escaped text can contain.
const BODY_SLOT: &str = "<caliber-page-body></caliber-page-body>";

/// A response body sent as a few pieces, one frame each, without joining them; its length
/// is known, so it is still sent with a `Content-Length`.
struct Pieces {
    rest: std::collections::VecDeque<Bytes>,
}

impl Pieces {
    fn new(pieces: impl IntoIterator<Item = Bytes>) -> Self {
        Pieces {
            rest: pieces.into_iter().filter(|b| !b.is_empty()).collect(),
        }
    }
}

impl hyper::body::Body for Pieces {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, Self::Error>>> {
        std::task::Poll::Ready(
            self.get_mut()
                .rest
                .pop_front()
                .map(|b| Ok(hyper::body::Frame::data(b))),
        )
    }

    fn is_end_stream(&self) -> bool {
        self.rest.is_empty()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        hyper::body::SizeHint::with_exact(self.rest.iter().map(|b| b.len() as u64).sum())
    }
}

/// A form whose only field is the CSRF token (logout, activate, delete, rotate).
#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    /// The session's form token.
    pub csrf: String,
}

/// The hidden CSRF field every form carries.
pub fn csrf(user: &WebUser) -> Markup {
    html! { input type="hidden" name="csrf" value=(user.csrf); }
}

/// A status as colour, symbol and word (never colour alone).
pub fn status(s: SkillStatus) -> Markup {
    let (class, symbol, word) = match s {
        SkillStatus::Valid => ("ok", "✔", tr!("status-valid")),
        SkillStatus::ExpiringSoon => ("soon", "◔", tr!("status-expiring")),
        SkillStatus::RetrainingDue => ("soon", "↻", tr!("status-retraining-due")),
        SkillStatus::InsufficientLevel => ("low", "▽", tr!("status-level-low")),
        SkillStatus::Outdated => ("old", "↻", tr!("status-outdated")),
        SkillStatus::Expired => ("bad", "✖", tr!("status-expired")),
        SkillStatus::Missing => ("bad", "○", tr!("status-missing")),
        SkillStatus::Extra => ("extra", "+", tr!("status-extra")),
    };
    html! { span class={"st " (class)} { span aria-hidden="true" { (symbol) } " " (word) } }
}

/// A date in the request's language (`3 Nov 2026`, `3 nov 2026`, `3. Nov. 2026`,
/// `3 lis 2026`; UTC), through the one formatter in [`locale`].
pub fn date(t: Option<Timestamp>) -> String {
    locale::date(t)
}

/// A verdict reason worded in the request's language from its code and parameters
/// ("Carretilla elevadora — caducó el 3 nov 2026"), the same words as the kiosk's.
pub fn reason_text(r: &crate::qualify::VerdictReason) -> String {
    use crate::qualify::ReasonCode;
    let skill = r.skill_name.clone().unwrap_or_default();
    let when = date(r.date);
    let revision = r
        .revision_label
        .clone()
        .unwrap_or_else(|| tr!("new-revision"));
    match r.code {
        ReasonCode::UnknownBadge => tr!("reason-unknown-badge"),
        ReasonCode::BadgeReplaced => tr!("reason-badge-replaced"),
        ReasonCode::OnLeave => tr!("reason-on-leave"),
        ReasonCode::Terminated => tr!("reason-terminated"),
        ReasonCode::ExpiringSoon => tr!("skill-expiring", skill = skill, date = when),
        ReasonCode::RetrainingDue => tr!(
            "skill-retraining-due",
            skill = skill,
            revision = revision,
            date = when
        ),
        ReasonCode::Skill => match r.status {
            Some(SkillStatus::Expired) => tr!("skill-expired", skill = skill, date = when),
            Some(SkillStatus::Outdated) => {
                tr!("skill-outdated", skill = skill, revision = revision)
            }
            Some(SkillStatus::InsufficientLevel) => tr!(
                "skill-level-too-low",
                skill = skill,
                held = r.held_level.unwrap_or(0),
                required = r.required_level.unwrap_or(0)
            ),
            _ => tr!("skill-missing", skill = skill),
        },
    }
}

/// A verdict's colour word in the request's language (`green`, `verde`, `grün`, `zielony`).
pub fn verdict_word(v: crate::qualify::Verdict) -> String {
    use crate::qualify::Verdict;
    match v {
        Verdict::Green => tr!("verdict-word-green"),
        Verdict::Red => tr!("verdict-word-red"),
        Verdict::Amber => tr!("verdict-word-amber"),
    }
}

/// A role's name in the request's language.
pub fn role_name(r: crate::domain::AppRole) -> String {
    use crate::domain::AppRole;
    match r {
        AppRole::Admin => tr!("role-admin"),
        AppRole::SkillManager => tr!("role-skill-manager"),
        AppRole::Trainer => tr!("role-trainer"),
        AppRole::Auditor => tr!("role-auditor"),
        AppRole::Viewer => tr!("role-viewer"),
    }
}

/// `GET /print.js`
pub async fn print_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        PRINT_JS,
    )
        .into_response()
}

/// The print button of the badge sheet (a file, not inline script, so the page's
/// Content-Security-Policy can forbid inline script).
const PRINT_JS: &str =
    "document.getElementById('print')?.addEventListener('click', () => window.print());\n";

/// `GET /style.css`
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        PreEscaped(STYLE).into_string(),
    )
        .into_response()
}

const STYLE: &str = r#"
input.auto, input[type=checkbox].auto { width: auto; }
input.level { width: 4.5rem; }
code.key { font-size: 1.1rem; user-select: all; }
.sr { position: absolute; left: -9999px; }
:root { --ink:#0f172a; --muted:#475569; --line:#cbd5e1; --bg:#f8fafc; --brand:#1d4ed8;
  --ok:#166534; --okbg:#dcfce7; --soon:#854d0e; --soonbg:#fef9c3; --bad:#991b1b; --badbg:#fee2e2;
  --low:#9a3412; --lowbg:#ffedd5; --old:#6b21a8; --oldbg:#f3e8ff; }
* { box-sizing: border-box; }
body { margin:0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
a { color: var(--brand); }
header.top { display:flex; align-items:center; gap:1.2rem; padding:.6rem 1.2rem; background:#0f172a; color:#fff; flex-wrap:wrap; }
header.top a { color:#e2e8f0; text-decoration:none; padding:.3rem .1rem; }
header.top a:hover, header.top a:focus { color:#fff; text-decoration:underline; }
header.top .brand { font-weight:700; font-size:1.15rem; color:#fff; }
header.top nav { display:flex; gap:1rem; flex-wrap:wrap; flex:1; }
form.logout { display:flex; gap:.6rem; align-items:center; }
form.logout .who { color:#cbd5e1; font-size:.85rem; }
main { padding: 1.2rem 1.6rem; max-width: 1400px; }
main.narrow, main.login { max-width: 28rem; margin: 4rem auto; background:#fff; padding:2rem; border:1px solid var(--line); border-radius:8px; }
h1 { font-size:1.5rem; margin:.2rem 0 1rem; }
h2 { font-size:1.15rem; margin:1.6rem 0 .6rem; }
.muted { color: var(--muted); }
.error { background:var(--badbg); color:var(--bad); padding:.6rem .8rem; border-radius:6px; border:1px solid #fca5a5; }
.warn { background:var(--soonbg); color:var(--soon); padding:.6rem .8rem; border-radius:6px; border:1px solid #fcd34d; }
.notice { background:var(--okbg); color:var(--ok); padding:.6rem .8rem; border-radius:6px; border:1px solid #86efac; }
table { border-collapse: collapse; width:100%; background:#fff; }
th, td { text-align:left; padding:.45rem .6rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:#f1f5f9; font-weight:600; position:sticky; top:0; }
form.inline { display:inline; }
label.inline { display:inline; font-weight:400; }
tr.fails td { background:var(--badbg); }
form.grid { display:grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap:.8rem 1rem; align-items:end; background:#fff; padding:1rem; border:1px solid var(--line); border-radius:8px; }
label { display:block; font-weight:600; font-size:.9rem; margin:.4rem 0 .2rem; }
input, select, textarea { font: inherit; padding:.45rem .55rem; border:1px solid #94a3b8; border-radius:6px; width:100%; background:#fff; }
input:focus, select:focus, textarea:focus, button:focus, a:focus { outline: 3px solid #93c5fd; outline-offset:1px; }
button { font:inherit; padding:.45rem .9rem; border-radius:6px; border:1px solid #64748b; background:#fff; cursor:pointer; }
a.button { display:inline-block; padding:.45rem .9rem; border-radius:6px; background:var(--brand); color:#fff; font-weight:600; text-decoration:none; }
button.primary { background:var(--brand); border-color:var(--brand); color:#fff; font-weight:600; }
button.danger { background:var(--bad); border-color:var(--bad); color:#fff; }
.cards { display:grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap:1rem; }
.card { background:#fff; border:1px solid var(--line); border-radius:8px; padding:1rem; }
.card .big { font-size:2rem; font-weight:700; }
.st { display:inline-block; padding:.05rem .45rem; border-radius:999px; font-size:.85rem; font-weight:600; white-space:nowrap; }
.st.ok { background:var(--okbg); color:var(--ok); } .st.soon { background:var(--soonbg); color:var(--soon); }
.st.bad { background:var(--badbg); color:var(--bad); } .st.low { background:var(--lowbg); color:var(--low); }
.st.old { background:var(--oldbg); color:var(--old); } .st.extra { background:#e2e8f0; color:#334155; }
.matrix-wrap { overflow:auto; max-height:75vh; border:1px solid var(--line); }
table.matrix td, table.matrix th { padding:.2rem .35rem; font-size:.8rem; text-align:center; border-right:1px solid #e2e8f0; }
table.matrix thead th { position:sticky; top:0; z-index:2; height:8rem; vertical-align:bottom; }
table.matrix thead th span { writing-mode: vertical-rl; transform: rotate(180deg); display:inline-block; max-height:7.5rem; overflow:hidden; }
table.matrix thead th.name { left:0; z-index:3; text-align:left; }
table.matrix tbody th.name { position:sticky; top:auto; left:0; z-index:1; background:#fff; text-align:left; white-space:nowrap; font-weight:400; }
table.matrix tbody th.name em { color:var(--muted); font-size:.75rem; }
table.matrix td a { display:block; white-space:nowrap; text-decoration:none; color:inherit; font-weight:600; border-radius:4px; }
table.matrix td.ok { background:var(--okbg); color:var(--ok); } table.matrix td.soon { background:var(--soonbg); color:var(--soon); }
table.matrix td.bad { background:var(--badbg); color:var(--bad); } table.matrix td.low { background:var(--lowbg); color:var(--low); }
table.matrix td.old { background:var(--oldbg); color:var(--old); } table.matrix td.extra { background:#f1f5f9; color:#334155; }
.legend span { margin-right: .8rem; }
table.audit { table-layout: fixed; } table.audit td { overflow-wrap: anywhere; }
table.audit th:nth-child(1) { width: 9rem; } table.audit th:nth-child(3) { width: 11rem; }
ul.changes { margin:0; padding-left:1rem; font-size:.85rem; } ul.changes del { color:var(--bad); } ul.changes ins { color:var(--ok); text-decoration:none; }
form.grid .wide { grid-column: 1 / -1; }
p.error.field, ol.line-errors { margin:.3rem 0 0; font-size:.9rem; }
p.muted.field { margin:0 0 .3rem; font-size:.85rem; }
ol.line-errors { background:var(--badbg); color:var(--bad); border:1px solid #fca5a5; border-radius:6px; padding:.4rem .6rem .4rem 2rem; }
.pager { margin: .8rem 0; display:flex; gap:1rem; }
.badge-page { max-width: 34rem; margin: 0 auto; padding: 1rem; }
.badge-page .who { background:#fff; border:1px solid var(--line); border-radius:8px; padding:1rem; }
.sheet { display:flex; flex-wrap:wrap; gap:6mm; }
.cr80 { width:85.6mm; height:54mm; border:1px dashed #94a3b8; border-radius:3mm; padding:3mm; display:flex; gap:3mm; align-items:center; background:#fff; page-break-inside:avoid; }
.cr80 svg, .cr80 img.qr { width:38mm; height:38mm; flex:none; }
.cr80 .n { font-weight:700; font-size:12pt; } .cr80 .s { font-size:9pt; color:#334155; }
@media print { header.top, .noprint { display:none; } body { background:#fff; } main { padding:0; } }
fieldset { border:0; padding:0; margin:0; } legend { font-weight:600; font-size:.9rem; margin:.4rem 0 .2rem; }
label.inline { display:inline-block; font-weight:400; margin-right:1.2rem; }
details.import-rows { margin:.8rem 0; } details.import-rows summary { cursor:pointer; font-weight:600; }
tr:target td { background:var(--soonbg); }
.badge { display:inline-block; padding:.05rem .45rem; border-radius:999px; font-size:.8rem; font-weight:600; white-space:nowrap; }
.badge.red { background:var(--badbg); color:var(--bad); } #line-coverage { margin-top:1.2rem; }
form.filters { display:flex; flex-wrap:wrap; gap:.5rem 1.2rem; align-items:flex-end; background:#fff; padding:.8rem 1rem; border:1px solid var(--line); border-radius:8px; margin-bottom:.8rem; }
form.filters label { margin:0; } form.filters select, form.filters input { width:auto; } form.filters input[type=number] { width:5.5em; }
.card.alert { border-color:#fca5a5; background:var(--badbg); } .card.alert .big a { color:var(--bad); }
section.signup { background:#fff; border:1px solid var(--line); border-radius:8px; padding:1rem; margin-bottom:1.2rem; }
section.signup .blanks { display:flex; flex-wrap:wrap; gap:1.2rem 2rem; margin:.6rem 0 1rem; }
section.signup .blank { display:inline-block; width:11rem; border-bottom:1px solid var(--ink); }
table.signup th, table.signup td { border:1px solid #64748b; height:2.2rem; }
table.signup .signature { width:28%; }
@media print { section.signup { border:0; padding:0; break-after:page; } section.signup:last-child { break-after:auto; }
  table.signup th { position:static; background:#fff; } main:has(section.signup) > h1 { display:none; } }
"#;
