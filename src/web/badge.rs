//! Badges: the public badge page a phone opens from the QR code, the QR code itself as SVG and
//! PNG, and a printable sheet of CR80 cards.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use maud::html;
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

/// A QR code as a small SVG: one path of horizontal runs of dark modules on a white square
/// with the standard four-module quiet zone, scaled by its `viewBox` (a few KB, where one
/// rectangle per module made ten times that).
fn svg(code: &QrCode) -> String {
    use std::fmt::Write;
    const QUIET: usize = 4;
    let n = code.width();
    let side = n + 2 * QUIET;
    let colors = code.to_colors();
    let dark = |x: usize, y: usize| colors[y * n + x] == qrcode::Color::Dark;
    let mut path = String::with_capacity(n * n);
    for y in 0..n {
        let mut x = 0;
        while x < n {
            if !dark(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < n && dark(x, y) {
                x += 1;
            }
            let _ = write!(
                path,
                "M{} {}h{}v1h-{}z",
                start + QUIET,
                y + QUIET,
                x - start,
                x - start
            );
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" width=\"200\" \
         height=\"200\" shape-rendering=\"crispEdges\"><rect width=\"{side}\" height=\"{side}\" \
         fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
    )
}

/// A short tag of a badge token, for the QR image's URL: a regenerated badge gets a new URL,
/// so a browser may keep the image as long as it likes. (Eight bytes of SHA-256 say nothing
/// about the token itself.)
fn badge_tag(token: &BadgeToken) -> String {
    use sha2::Digest;
    hex::encode(&sha2::Sha256::digest(token.as_str().as_bytes())[..8])
}

/// The QR code of an employee's badge and its tag, for the roles that print badges (the QR
/// code is the badge: whoever has it can make one).
async fn employee_code(
    st: &UiState,
    user: &WebUser,
    id: Uuid,
) -> Result<(QrCode, String), WebError> {
    user.require(user.role().can_manage_catalog(), "print badges")?;
    let store = st.store.clone();
    let e = super::pages::blocking(move || service::live_employee(&store, id)).await?;
    let url = badge_url(st, e.badge_token.as_str())?;
    let tag = badge_tag(&e.badge_token);
    // Encoding is CPU work: on the bounded pool, so a sheet's hundreds of images never take
    // the kiosks' core.
    let code = super::pages::heavy(move || qr(&url)).await?;
    Ok((code, tag))
}

/// Which version of a QR image a request asks for (`?v=` from the badge sheet).
#[derive(Debug, Default, Deserialize)]
pub struct QrQuery {
    /// The badge tag the link was made with.
    #[serde(default)]
    v: String,
}

/// How long a browser may keep a QR image: for good when its URL names the current badge
/// (a new badge has a new URL), else it asks again each time.
fn qr_cache(asked: &str, tag: &str) -> &'static str {
    if !asked.is_empty() && asked == tag {
        "private, max-age=31536000, immutable"
    } else {
        "private, no-cache"
    }
}

/// `GET /employees/{id}/qr.svg`
pub async fn qr_svg(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
    Query(q): Query<QrQuery>,
) -> WebResult {
    let (code, tag) = employee_code(&st, &user, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, qr_cache(&q.v, &tag)),
        ],
        svg(&code),
    )
        .into_response())
}

/// `GET /employees/{id}/qr.png`
pub async fn qr_png(
    State(st): State<UiState>,
    user: WebUser,
    Path(id): Path<Uuid>,
    Query(q): Query<QrQuery>,
) -> WebResult {
    let (code, tag) = employee_code(&st, &user, id).await?;
    let png = super::pages::heavy(move || {
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
        Ok::<_, WebError>(out.into_inner())
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, qr_cache(&q.v, &tag)),
        ],
        png,
    )
        .into_response())
}

/// Cards on one page of the badge sheet: a page prints in seconds, and a whole site is a
/// handful of pages (or one, with `size=all`).
pub const SHEET_PAGE: usize = 200;

/// Which employees to print: the employee list's filters, a list of ids, and the page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PrintQuery {
    /// Comma-separated employee ids; empty prints everyone the filters select.
    #[serde(default)]
    ids: String,
    /// Part of a name or employee number.
    #[serde(default)]
    q: String,
    /// A site id.
    #[serde(default)]
    site: String,
    /// A department id.
    #[serde(default)]
    department: String,
    /// A role id.
    #[serde(default)]
    role: String,
    /// A project id.
    #[serde(default)]
    project: String,
    /// The page, from 0.
    #[serde(default)]
    page: usize,
    /// `all` puts the whole selection on one page; anything else pages by [`SHEET_PAGE`].
    #[serde(default)]
    size: String,
}

impl PrintQuery {
    /// The sheet's URL with these filters and `page`, `size`.
    fn url(&self, page: usize, all: bool) -> String {
        let mut u = format!(
            "/badges/print?q={}&site={}&department={}&role={}&project={}",
            layout::urlencode(&self.q),
            layout::urlencode(&self.site),
            layout::urlencode(&self.department),
            layout::urlencode(&self.role),
            layout::urlencode(&self.project),
        );
        if !self.ids.is_empty() {
            u.push_str(&format!("&ids={}", layout::urlencode(&self.ids)));
        }
        if all {
            u.push_str("&size=all");
        } else {
            u.push_str(&format!("&page={page}"));
        }
        u
    }

    /// Whether `e` is on the sheet: a badge holder (not deleted, not terminated) the filters
    /// select.
    fn selects(&self, e: &Employee, ids: &[Uuid], needle: &str) -> bool {
        let is = |filter: &str, id: Option<Uuid>| {
            filter.is_empty() || id.is_some_and(|i| i.to_string() == filter)
        };
        e.deleted_at.is_none()
            && e.status != EmployeeStatus::Terminated
            && (ids.is_empty() || ids.contains(&e.id))
            && (needle.is_empty()
                || e.name.to_lowercase().contains(needle)
                || e.number.to_lowercase().contains(needle))
            && is(&self.site, Some(e.site_id))
            && is(&self.department, e.department_id)
            && is(&self.role, e.role_id)
            && (self.project.is_empty()
                || e.project_ids.iter().any(|p| p.to_string() == self.project))
    }
}

/// What one card shows.
struct Card {
    id: Uuid,
    name: String,
    number: String,
    site: String,
    role: String,
    tag: String,
}

/// `GET /badges/print`: CR80 cards with print CSS, [`SHEET_PAGE`] to a page (or the whole
/// selection with `size=all`), each QR code an image of its own that the browser keeps, so
/// the page itself is small and quick to make whatever the site's size.
pub async fn print_sheet(
    State(st): State<UiState>,
    user: WebUser,
    Query(q): Query<PrintQuery>,
) -> WebResult {
    user.require(user.role().can_manage_catalog(), "print badges")?;
    badge_url(&st, "")?;
    let all = q.size == "all";
    let store = st.store.clone();
    let filter = q.clone();
    // Reading and sorting everyone is the heavy part; the QR codes come later, one request
    // each.
    let (total, page, cards) = super::pages::heavy(move || {
        let ids: Vec<Uuid> = filter
            .ids
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect();
        let needle = filter.q.trim().to_lowercase();
        let catalog = store.catalog();
        let site = |e: &Employee| {
            catalog
                .sites
                .get(&e.site_id)
                .map(|s| s.name.clone())
                .unwrap_or_default()
        };
        let mut people: Vec<(String, Employee)> = store
            .read()?
            .list::<Employee>()?
            .into_iter()
            .filter(|e| filter.selects(e, &ids, &needle))
            .map(|e| (site(&e), e))
            .collect();
        people.sort_by(|(sa, a), (sb, b)| (sa, &a.name, &a.number).cmp(&(sb, &b.name, &b.number)));
        let total = people.len();
        let pages = total.div_ceil(SHEET_PAGE).max(1);
        let page = if all { 0 } else { filter.page.min(pages - 1) };
        let (from, to) = if all {
            (0, total)
        } else {
            (page * SHEET_PAGE, ((page + 1) * SHEET_PAGE).min(total))
        };
        let cards: Vec<Card> = people
            .drain(from..to)
            .map(|(site, e)| Card {
                tag: badge_tag(&e.badge_token),
                role: e
                    .role_id
                    .and_then(|r| catalog.roles.get(&r))
                    .map(|r| r.name.clone())
                    .unwrap_or_default(),
                id: e.id,
                name: e.name,
                number: e.number,
                site,
            })
            .collect();
        Ok::<_, WebError>((total, page, cards))
    })
    .await?;
    let pages = total.div_ceil(SHEET_PAGE).max(1);
    let first = if all { 1 } else { page * SHEET_PAGE + 1 };
    let [sites, departments, roles, projects] = super::pages::filter_options(&st.store.catalog());
    let select = super::pages::filter_select;
    let body = html! {
        form.grid.noprint method="get" action="/badges/print" role="search" {
            div { label for="q" { (tr!("emp-name-or-number")) } input #q type="search" name="q" value=(q.q); }
            (select("site", &tr!("col-site"), &q.site, &sites, &tr!("filter-all-sites")))
            (select("department", &tr!("col-department"), &q.department, &departments, &tr!("filter-all-departments")))
            (select("role", &tr!("col-role"), &q.role, &roles, &tr!("filter-all-roles")))
            (select("project", &tr!("col-project"), &q.project, &projects, &tr!("filter-all-projects")))
            @if !q.ids.is_empty() { input type="hidden" name="ids" value=(q.ids); }
            div { button.primary type="submit" { (tr!("filter")) } }
        }
        @if total == 0 {
            p.muted { (tr!("badges-none")) }
        } @else {
            p.noprint {
                (tr!("badges-sheet", count = total)) " "
                (tr!("badges-range", first = first, last = first + cards.len() - 1, count = total)) " "
                button #print type="button" { (tr!("badges-print")) } script src="/print.js" {}
            }
            @if pages > 1 {
                nav.pager.noprint aria-label=(tr!("badges-pages")) {
                    span { (tr!("badges-pages")) }
                    @for p in 0..pages {
                        @if !all && p == page { strong aria-current="page" { (p + 1) } }
                        @else { a href=(q.url(p, false)) { (p + 1) } }
                    }
                    @if all { a href=(q.url(0, false)) { (tr!("badges-paged", size = SHEET_PAGE)) } }
                    @else { a href=(q.url(0, true)) { (tr!("badges-all-on-one", count = total)) } }
                }
            }
        }
        div.sheet {
            @for c in &cards {
                div.cr80 {
                    img.qr src={"/employees/" (c.id) "/qr.svg?v=" (c.tag)} alt=(tr!("emp-qr-alt", name = c.name.as_str())) width="144" height="144";
                    div {
                        div.n { (c.name) }
                        div.s { (c.number) }
                        div.s { (c.site) }
                        div.s { (c.role) }
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
