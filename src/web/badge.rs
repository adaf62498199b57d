//! Badges: the public badge page a phone opens from the QR code, the QR code itself as SVG and
//! PNG, and a printable sheet of CR80 cards.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use maud::{PreEscaped, html};
use qrcode::{EcLevel, QrCode};
use serde::Deserialize;
use uuid::Uuid;

use super::UiState;
use super::WebUser;
use super::layout::{self, WebError, WebResult};
use super::locale::{self, tr};
use crate::domain::{BadgeToken, Employee, EmployeeStatus};
use crate::service;

/// Why badges cannot be printed yet, and where to fix it (shown on the refusal and on the
/// dashboard).
pub fn public_url_missing() -> String {
    tr!("public-url-missing")
}

/// The URL a badge's QR code carries: always under the configured `public_url`, never the
/// Host a browser happened to use.
fn badge_url(st: &UiState, token: &str) -> Result<String, WebError> {
    let base = st
        .web
        .settings
        .public_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .ok_or_else(|| WebError::Conflict(public_url_missing()))?;
    Ok(format!("{}/b/{token}", base.trim_end_matches('/')))
}

fn qr(url: &str) -> Result<QrCode, WebError> {
    QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).map_err(|_| WebError::Internal)
}

fn svg(code: &QrCode) -> String {
    code.render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build()
}

/// The QR code of an employee's badge, for users who may see every employee.
async fn employee_code(st: &UiState, user: &WebUser, id: Uuid) -> Result<QrCode, WebError> {
    user.require(user.role().can_view_all(), "print badges")?;
    let store = st.store.clone();
    let e = super::pages::blocking(move || service::live_employee(&store, id)).await?;
    qr(&badge_url(st, e.badge_token.as_str())?)
}

/// `GET /employees/{id}/qr.svg`
pub async fn qr_svg(State(st): State<UiState>, user: WebUser, Path(id): Path<Uuid>) -> WebResult {
    let code = employee_code(&st, &user, id).await?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg(&code)).into_response())
}

/// `GET /employees/{id}/qr.png`
pub async fn qr_png(State(st): State<UiState>, user: WebUser, Path(id): Path<Uuid>) -> WebResult {
    let code = employee_code(&st, &user, id).await?;
    let n = code.width() as u32;
    let scale = 8u32;
    let quiet = 4u32;
    let side = (n + 2 * quiet) * scale;
    let colors = code.to_colors();
    let img = image::GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (
            (x / scale) as i64 - quiet as i64,
            (y / scale) as i64 - quiet as i64,
        );
        let dark = mx >= 0
            && my >= 0
            && (mx as u32) < n
            && (my as u32) < n
            && colors[(my as u32 * n + mx as u32) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|_| WebError::Internal)?;
    Ok(([(header::CONTENT_TYPE, "image/png")], out.into_inner()).into_response())
}

/// Which employees to print.
#[derive(Debug, Deserialize)]
pub struct PrintQuery {
    /// Comma-separated employee ids; empty prints every active employee.
    #[serde(default)]
    ids: String,
}

/// `GET /badges/print`: CR80 cards, one per employee, with print CSS.
pub async fn print_sheet(
    State(st): State<UiState>,
    user: WebUser,
    Query(q): Query<PrintQuery>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "print badges")?;
    badge_url(&st, "")?;
    let wanted: Vec<Uuid> = q
        .ids
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let store = st.store.clone();
    let state = st.clone();
    // Reading everyone and drawing a QR code each is the heaviest page there is.
    let cards: Vec<(Employee, String)> = super::pages::heavy(move || {
        let people = store
            .read()?
            .list::<Employee>()?
            .into_iter()
            .filter(|e| e.deleted_at.is_none() && e.status != EmployeeStatus::Terminated)
            .filter(|e| wanted.is_empty() || wanted.contains(&e.id));
        people
            .map(|e| {
                let code = qr(&badge_url(&state, e.badge_token.as_str())?)?;
                Ok((e, svg(&code)))
            })
            .collect::<Result<Vec<_>, WebError>>()
    })
    .await?;
    let catalog = st.store.catalog();
    let body = html! {
        p.noprint { (tr!("badges-sheet", count = cards.len())) " "
            button #print type="button" { (tr!("badges-print")) } script src="/print.js" {} }
        div.sheet {
            @for (e, svg) in &cards {
                div.cr80 {
                    (PreEscaped(svg))
                    div {
                        div.n { (e.name) }
                        div.s { (e.number) }
                        div.s { (catalog.sites.get(&e.site_id).map(|s| s.name.as_str()).unwrap_or("")) }
                        div.s { (e.role_id.and_then(|r| catalog.roles.get(&r)).map(|r| r.name.as_str()).unwrap_or("")) }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, &tr!("badges-title"), body))
}

/// `GET /b/{token}`: what a badge says, for anyone holding it — no login, read-only, rate
/// limited, and nothing internal (no employee number, email or ids).
pub async fn public_badge(
    State(st): State<UiState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    Path(token): Path<String>,
) -> WebResult {
    if let Err(wait) = st.web.badge_limit.take(&addr.ip().to_string()) {
        return Err(WebError::TooMany(wait.as_secs().max(1)));
    }
    let not_found = || WebError::NotFound(tr!("badge-not-valid"));
    let token = BadgeToken::parse(&token).map_err(|_| not_found())?;
    let store = st.store.clone();
    let found = tokio::task::spawn_blocking(move || {
        service::public_badge(&store, &token, jiff::Timestamp::now())
    })
    .await
    .map_err(|_| WebError::Internal)??;
    let Some(b) = found else {
        return Err(not_found());
    };
    // The reader's browser decides (a supervisor or auditor scanning with a phone reads their
    // own language); only a browser naming none of ours falls back to the employee's.
    if locale::browser_language(&headers).is_none()
        && let Some(l) = b.language.as_deref().and_then(locale::Lang::parse)
    {
        locale::set_current(l);
    }
    let body = html! {
        div.badge-page {
            div.who {
                h1 { (b.name) }
                p { (b.site) @if let Some(d) = &b.department { " · " (d) } @if let Some(r) = &b.role { " · " (r) } }
                p.muted { (if b.active { tr!("badge-status-active") } else { tr!("badge-status-leave") }) }
                @if b.qualified {
                    p.notice.verdict { "✔ " (tr!("badge-qualified")) }
                } @else {
                    div.error.verdict role="alert" {
                        strong { "✖ " (tr!("badge-not-qualified")) }
                        ul { @for r in &b.refusals { li {
                            @match &r.station {
                                Some(station) => (tr!("reason-at-station", reason = layout::reason_text(&r.reason), station = station.as_str())),
                                None => (layout::reason_text(&r.reason)),
                            }
                        } } }
                    }
                }
            }
            h2 { (tr!("badge-required-skills")) }
            @if b.skills.is_empty() { p.muted { (tr!("badge-no-skills")) } }
            @else {
                table {
                    thead { tr { th { (tr!("col-skill")) } th { (tr!("col-status")) } th { (tr!("col-level")) } th { (tr!("col-expires")) } } }
                    tbody {
                        @for s in &b.skills {
                            tr {
                                td { (s.skill_name) }
                                td { (layout::status(s.status)) }
                                td { (s.achieved_level.map_or("—".into(), |l| l.to_string())) " / " (s.required_level.unwrap_or(0)) }
                                td { (layout::date(s.expires_at)) }
                            }
                        }
                    }
                }
            }
            p.muted { (tr!("badge-checked", when = locale::date_time(jiff::Timestamp::now()))) " UTC" }
        }
    };
    Ok(layout::bare(&b.name, body).into_response())
}
