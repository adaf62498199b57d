//! The company view's pages. Each handler checks the role, reads the company view (from
//! memory, or a stored summary or matrix off the async threads) and renders.

use std::sync::Arc;

use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiff::{SignedDuration, Timestamp};
use maud::{Markup, html};
use serde::Deserialize;

use super::{CompanyState, sees_people};
use crate::archive::{
    ArchiveError, CompanyReport, KeyState, Listed, ReportSite, Site, SiteMatrix, SiteSummary,
    TrendPoint, key_state,
};
use crate::domain::{AppRole, User};
use crate::web::layout::{self, WebError, WebResult};
use crate::web::{UiState, WebUser};

type Company = Extension<Arc<CompanyState>>;

/// Employees per page of a site's matrix.
const MATRIX_ROWS_PER_PAGE: usize = 200;
/// Bundles per page of a site's history.
const BUNDLES_PER_PAGE: usize = 50;

impl From<ArchiveError> for WebError {
    fn from(e: ArchiveError) -> Self {
        match e {
            ArchiveError::NoBundle { .. } | ArchiveError::BadSiteCode(_) => {
                WebError::NotFound(e.to_string())
            }
            e => {
                tracing::error!("archive: {e}");
                WebError::Internal
            }
        }
    }
}

/// Run storage work (a summary, a matrix, a bundle) on a blocking thread, within the
/// server-wide bound on heavy work.
async fn storage<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ArchiveError> + Send + 'static,
) -> Result<T, WebError> {
    crate::http::heavy(f)
        .await
        .map_err(|_| WebError::Internal)?
        .map_err(WebError::from)
}

/// A page of the company view: its navigation (what the role may open) and the logout form.
fn page(user: &WebUser, title: &str, body: Markup) -> Response {
    let role = user.role();
    let nav = [
        ("/", "Company", true),
        ("/gaps", "Gaps by skill", true),
        ("/expiring", "Expiring", true),
        ("/enrolments", "Enrolments", sees_people(role)),
        ("/users", "Logins", role == AppRole::Admin),
    ];
    layout::bare(
        title,
        html! {
            header.top {
                a.brand href="/" { "Caliber archive" }
                nav aria-label="Main" {
                    @for (href, label, ok) in nav { @if ok { a href=(href) { (label) } } }
                }
                form.logout method="post" action="/logout" {
                    span.who { (user.user.email) " · " (layout::role_name(role)) }
                    (layout::csrf(user))
                    button type="submit" { "Log out" }
                }
            }
            main { h1 { (title) } (body) }
        },
    )
    .into_response()
}

/// The site stored under `code`, or a 404 page.
fn site_of(c: &CompanyState, code: &str) -> Result<Arc<Site>, WebError> {
    c.view
        .company()
        .site(code)
        .cloned()
        .ok_or_else(|| WebError::NotFound(format!("No bundle of site {code} is stored.")))
}

/// A moment for people, to the minute, UTC.
fn when(t: Timestamp) -> String {
    format!("{} UTC", crate::web::locale::date_time(t))
}

/// How long ago, roughly.
fn ago(d: SignedDuration) -> String {
    let hours = d.as_hours();
    match hours {
        h if h < 1 => "less than an hour ago".into(),
        h if h < 48 => format!("{h} hours ago"),
        h => format!("{} days ago", h / 24),
    }
}

/// A duration as people say it ("7 days", "36 hours", "90 seconds").
fn span_words(d: SignedDuration) -> String {
    let s = d.as_secs();
    match s {
        s if s % 86_400 == 0 && s > 0 => format!("{} days", s / 86_400),
        s if s % 3600 == 0 && s > 0 => format!("{} hours", s / 3600),
        s => format!("{s} seconds"),
    }
}

/// Bytes for people.
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{} KB", b >> 10),
        b => format!("{b} B"),
    }
}

/// Compliance over the trend's bundles as a small line (an image with its values as text),
/// scaled to the values' own range (at least 10 points), so a change of a few points shows.
fn sparkline(points: &[TrendPoint]) -> Markup {
    let (w, h) = (120.0, 28.0);
    let values: Vec<f64> = points.iter().map(|p| p.compliance_percent as f64).collect();
    let label = format!(
        "Compliance over the last {} bundles: {}",
        values.len(),
        values
            .iter()
            .map(|v| format!("{v}%"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let (lo, hi) = values
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let mid = (lo + hi) / 2.0;
    let half = ((hi - lo) / 2.0).max(5.0);
    let step = if values.len() > 1 {
        w / (values.len() - 1) as f64
    } else {
        0.0
    };
    let xy: Vec<(f64, f64)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let y = 2.0 + (h - 4.0) * (0.5 - (v - mid) / (2.0 * half));
            (i as f64 * step + 2.0, y)
        })
        .collect();
    let line = xy
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    let last = xy.last().copied().unwrap_or((2.0, h / 2.0));
    html! {
        svg.spark width="124" height="28" viewBox="0 0 124 28" role="img" aria-label=(label) {
            title { (label) }
            polyline points=(line) fill="none" stroke="#1d4ed8" stroke-width="2" {}
            circle cx=(format!("{:.1}", last.0)) cy=(format!("{:.1}", last.1)) r="2.5" fill="#1d4ed8" {}
        }
    }
}

/// A change in percentage points, signed, coloured by direction (and never by colour alone).
fn change(points: i64) -> Markup {
    html! {
        @match points {
            p if p > 0 => span.st.ok { "▲ +" (p) " pts" },
            p if p < 0 => span.st.bad { "▼ " (p) " pts" },
            _ => span.st.extra { "= 0 pts" },
        }
    }
}

fn stale_pill(stale: bool) -> Markup {
    html! {
        @if stale { span.st.bad { "✖ stale" } } @else { span.st.ok { "✔ current" } }
    }
}

/// `GET /`: compliance per site from its newest bundle, the trend over its last bundles,
/// stale sites flagged.
pub async fn dashboard(Extension(c): Company, user: WebUser) -> WebResult {
    let company = c.view.company();
    let r = company.report(Timestamp::now(), c.stale_after);
    let (employees, qualified) = (r.employees(), r.qualified());
    let expiring_30: usize = r.sites.iter().map(|s| s.summary.expiring_totals()[0]).sum();
    let body = html! {
        @if let Some(f) = c.view.failure() {
            p.error role="alert" { "✖ The archive could not be read again (" (f) "). Shown: what was read at " (when(company.loaded_at)) "." }
        }
        @for p in &company.problems { p.warn role="status" { "! " (p) } }
        div.cards {
            div.card { div.muted { "Sites" } div.big { (r.sites.len() + r.awaiting_first_bundle.len()) } div { @if r.stale() > 0 { span.st.bad { "✖ " (r.stale()) " stale" } } @else { span.st.ok { "✔ none stale" } } } }
            div.card { div.muted { "Employees" } div.big { (employees) } div { (qualified) " qualified" } }
            div.card { div.muted { "Compliance" } div.big { (crate::archive::summary::percent(qualified, employees)) "%" } div { "all sites together" } }
            div.card { div.muted { "Expiring within 30 days" } div.big { (expiring_30) } div { a href="/expiring" { "by skill and site" } } }
        }
        p.muted {
            "Each site's figures are those of its newest stored bundle, judged by the box's own engine when the bundle was made. "
            "A site whose newest bundle is older than " (span_words(r.stale_after)) " is stale. "
            a href="/report.csv" { "CSV" } " · " a href="/report.json" { "JSON" }
        }
        @if r.sites.is_empty() && r.awaiting_first_bundle.is_empty() {
            p.notice role="status" { "No bundle is stored yet. Enrol the sites (" code { "caliber archive enrol" } ") and ingest their bundles (" code { "caliber archive ingest" } "): they show here by themselves, without a restart." }
        } @else {
            (sites_table(&r))
        }
    };
    Ok(page(&user, "Company", body))
}

fn sites_table(r: &CompanyReport) -> Markup {
    html! {
        table #sites {
            thead { tr {
                th { "Site" } th { "Newest bundle" } th { "Employees" } th { "Qualified" } th { "Compliance" }
                th { "Trend" } th { "Expiring 30 / 60 / 90 days" } th { "Gaps" } th { "Top gap" } th { "Stations" } th { "State" }
            } }
            tbody {
                @for s in &r.sites { (site_row(s, r.generated_at)) }
                @for code in &r.awaiting_first_bundle {
                    tr id={"site-" (code)} {
                        td { (code) }
                        td colspan="9" { span.muted { "Enrolled; no bundle received yet." } }
                        td { (stale_pill(true)) }
                    }
                }
            }
        }
    }
}

fn site_row(s: &ReportSite, now: Timestamp) -> Markup {
    let m = &s.summary;
    let [x30, x60, x90] = m.expiring_totals();
    let others: Vec<&String> = m.site_codes.iter().filter(|c| **c != m.site_code).collect();
    html! {
        tr id={"site-" (m.site_code)} {
            td {
                a href={"/sites/" (m.site_code)} { (m.site_code) }
                @if !others.is_empty() { br; small.muted { "with " (others.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")) } }
            }
            td { (when(m.created_at)) br; small.muted { (ago(m.created_at.duration_until(now))) ", #" (m.sequence) } }
            td data-figure="employees" { (m.employees) }
            td data-figure="qualified" { (m.qualified) }
            td data-figure="compliance" { (m.compliance_percent) "%" }
            td { (sparkline(&m.trend)) br; (change(s.compliance_change())) }
            td data-figure="expiring" { (x30) " / " (x60) " / " (x90) }
            td data-figure="gaps" { (m.gaps_total()) }
            td { (m.gaps.first().map(|g| g.skill.as_str()).unwrap_or("—")) }
            td data-figure="stations" { (m.stations) }
            td {
                (stale_pill(s.stale))
                @if !s.enrolled { br; span.st.low { "not enrolled now" } }
            }
        }
    }
}

/// `GET /gaps`: employees not qualified per skill, every site together, the sites with the
/// most first.
pub async fn gaps(Extension(c): Company, user: WebUser) -> WebResult {
    let r = c.view.company().report(Timestamp::now(), c.stale_after);
    let sites = r.sites.len();
    let body = html! {
        p.muted { "Active employees not qualified in a required skill, per skill, from each site's newest bundle. Sites share a skill by its code." }
        @if r.gaps_by_skill.is_empty() { p.notice { "✔ No gaps at any site." } }
        @else {
            table #gaps {
                thead { tr { th { "Skill" } th { "Code" } th { "Employees not qualified" } th { "Sites with gaps" } th { "Sites, most first" } } }
                tbody {
                    @for g in &r.gaps_by_skill {
                        tr {
                            td { (g.skill) }
                            td { code { (g.skill_code) } }
                            td data-figure="employees" { (g.employees) }
                            td { (g.sites.len()) " of " (sites) }
                            td {
                                @for (i, s) in g.sites.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    a href={"/sites/" (s.site_code)} { (s.site_code) } " " (s.employees)
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&user, "Gaps by skill", body))
}

/// `GET /expiring`: required certifications expiring within 30/60/90 days of each site's
/// newest bundle, per skill across sites and per site.
pub async fn expiring(Extension(c): Company, user: WebUser) -> WebResult {
    let r = c.view.company().report(Timestamp::now(), c.stale_after);
    let mut by_site: Vec<(&ReportSite, [usize; 3])> = r
        .sites
        .iter()
        .map(|s| (s, s.summary.expiring_totals()))
        .filter(|(_, t)| t[2] > 0)
        .collect();
    by_site.sort_by(|a, b| (b.1[0], b.1[2]).cmp(&(a.1[0], a.1[2])));
    let body = html! {
        p.muted { "Required certifications that expire within 30, 60 and 90 days of each site's newest bundle (counts include the shorter windows). A stale site's days count from its old bundle." }
        h2 { "By skill" }
        @if r.expiring_by_skill.is_empty() { p.notice { "✔ Nothing expires within 90 days at any site." } }
        @else {
            table #expiring-skills {
                thead { tr { th { "Skill" } th { "Code" } th { "30 days" } th { "60 days" } th { "90 days" } th { "Sites, most first" } } }
                tbody {
                    @for x in &r.expiring_by_skill {
                        tr {
                            td { (x.skill) } td { code { (x.skill_code) } }
                            td { (x.within_30) } td { (x.within_60) } td { (x.within_90) }
                            td {
                                @for (i, s) in x.sites.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    a href={"/sites/" (s.site_code)} { (s.site_code) } " " (s.within_30) "/" (s.within_60) "/" (s.within_90)
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { "By site" }
        @if by_site.is_empty() { p.muted { "None." } }
        @else {
            table #expiring-sites {
                thead { tr { th { "Site" } th { "Bundle made" } th { "30 days" } th { "60 days" } th { "90 days" } th { "State" } } }
                tbody {
                    @for (s, t) in &by_site {
                        tr {
                            td { a href={"/sites/" (s.summary.site_code)} { (s.summary.site_code) } }
                            td { (when(s.summary.created_at)) }
                            td { (t[0]) } td { (t[1]) } td { (t[2]) }
                            td { (stale_pill(s.stale)) }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&user, "Expiring soon", body))
}

/// `GET /report.json`: the figures of the dashboard, gaps and expiring pages, as
/// `caliber archive report --format json` prints them.
pub async fn report_json(Extension(c): Company, _user: WebUser) -> WebResult {
    let r = c.view.company().report(Timestamp::now(), c.stale_after);
    Ok(axum::Json(r).into_response())
}

/// `GET /report.csv`: one row per site, as `caliber archive report --format csv` prints it.
pub async fn report_csv(Extension(c): Company, _user: WebUser) -> WebResult {
    let csv = c
        .view
        .company()
        .report(Timestamp::now(), c.stale_after)
        .csv()?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"caliber-company.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}

/// `GET /sites/{code}`: one site as of its newest bundle: figures, trend, gaps, expiring.
pub async fn site(Extension(c): Company, user: WebUser, Path(code): Path<String>) -> WebResult {
    let site = site_of(&c, &code)?;
    let company = c.view.company();
    let now = Timestamp::now();
    let m: &SiteSummary = &site.newest;
    let stale = m.created_at.duration_until(now) > c.stale_after;
    let enrolled = company.enrolments.iter().find(|e| e.site_code == site.code);
    let base = format!("/sites/{}", site.code);
    let body = html! {
        @if stale { p.error role="alert" { "✖ Stale: the newest bundle of this site was made " (ago(m.created_at.duration_until(now))) ", more than " (span_words(c.stale_after)) " ago." } }
        @if enrolled.is_none() { p.warn { "! Site " (site.code) " is not enrolled now: new bundles of it are refused." } }
        p {
            "As of its newest bundle, made " (when(m.created_at)) " (sequence " (m.sequence) "), signed by device " code { (m.device_fingerprint) } "."
            @if m.site_codes.len() > 1 { " The bundle holds sites " (m.site_codes.join(", ")) "." }
        }
        p {
            @if sees_people(user.role()) { a.button href={(base) "/matrix"} { "Matrix of employees" } " " }
            a href={(base) "/bundles"} { "All " (site.bundles.len()) " stored bundles, with their verification" }
        }
        div.cards {
            div.card { div.muted { "Employees" } div.big { (m.employees) } }
            div.card { div.muted { "Qualified" } div.big { (m.qualified) } }
            div.card { div.muted { "Compliance" } div.big { (m.compliance_percent) "%" } div { (sparkline(&site.trend)) } }
            div.card { div.muted { "Stations" } div.big { (m.stations) } }
        }
        h2 { "Matrix cells by status" }
        table #statuses {
            thead { tr { @for status in m.status_counts.keys() { th { (status_word(status)) } } } }
            tbody { tr { @for n in m.status_counts.values() { td { (n) } } } }
        }
        h2 { "Trend" }
        table #trend {
            thead { tr { th { "Bundle made" } th { "Sequence" } th { "Employees" } th { "Qualified" } th { "Compliance" } } }
            tbody {
                @for p in site.trend.iter().rev() {
                    tr { td { (when(p.created_at)) } td { (p.sequence) } td { (p.employees) } td { (p.qualified) } td { (p.compliance_percent) "%" } }
                }
            }
        }
        h2 { "Gaps by skill" }
        @if m.gaps.is_empty() { p.notice { "✔ Every active employee is qualified in every required skill." } }
        @else {
            table {
                thead { tr { th { "Skill" } th { "Code" } th { "Employees not qualified" } } }
                tbody { @for g in &m.gaps { tr { td { (g.skill) } td { code { (g.skill_code) } } td { (g.employees) } } } }
            }
        }
        h2 { "Expiring soon" }
        @if m.expiring.is_empty() { p.muted { "Nothing required expires within 90 days of the bundle." } }
        @else {
            table {
                thead { tr { th { "Skill" } th { "Code" } th { "30 days" } th { "60 days" } th { "90 days" } } }
                tbody { @for x in &m.expiring { tr { td { (x.skill) } td { code { (x.skill_code) } } td { (x.within_30) } td { (x.within_60) } td { (x.within_90) } } } }
            }
        }
    };
    Ok(page(&user, &format!("Site {}", site.code), body))
}

/// A matrix status code (`EXPIRING_SOON`) in words.
fn status_word(code: &str) -> Markup {
    let quoted = format!("\"{code}\"");
    match serde_json::from_str::<crate::qualify::SkillStatus>(&quoted) {
        Ok(s) => layout::status(s),
        Err(_) => html! { (code) },
    }
}

/// Query of the paged pages.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// Which page, from 1.
    #[serde(default)]
    page: Option<usize>,
}

/// The stored matrix of a site's newest bundle, or a 404 page for a bundle ingested before
/// the archive kept matrices.
async fn newest_matrix(c: &CompanyState, site: &Site) -> Result<SiteMatrix, WebError> {
    let (archive, key) = (c.view.archive().clone(), site.newest_key.clone());
    storage(move || archive.matrix(&key)).await?.ok_or_else(|| {
        WebError::NotFound(format!(
            "The newest bundle of site {} was ingested by an older version of the archive, which kept no matrix of employees; the site's figures are all it has.",
            site.code
        ))
    })
}

/// `GET /sites/{code}/matrix`: employees × skills of the site as of its newest bundle, as
/// the box showed it then (auditors and administrators).
pub async fn matrix(
    Extension(c): Company,
    user: WebUser,
    Path(code): Path<String>,
    Query(q): Query<PageQuery>,
) -> WebResult {
    user.require(sees_people(user.role()), "view employees")?;
    let site = site_of(&c, &code)?;
    let m = newest_matrix(&c, &site).await?;
    let pages = m.rows.len().div_ceil(MATRIX_ROWS_PER_PAGE).max(1);
    let page_no = q.page.unwrap_or(1).clamp(1, pages);
    let start = (page_no - 1) * MATRIX_ROWS_PER_PAGE;
    let rows = &m.rows[start..(start + MATRIX_ROWS_PER_PAGE).min(m.rows.len())];
    let cols: Vec<usize> = (0..m.skills.len())
        .filter(|&i| m.rows.iter().any(|r| r.cells.iter().any(|c| c.skill == i)))
        .collect();
    let base = format!("/sites/{}/matrix", site.code);
    let body = html! {
        p {
            "Judged when the bundle was made, " (when(m.judged_at)) ", by the box's engine; read-only. "
            a href={(base) ".json"} { "JSON" } " · " a href={"/sites/" (site.code)} { "Site figures" }
        }
        p.muted { "Employees " (start + usize::from(!rows.is_empty())) "–" (start + rows.len()) " of " (m.rows.len()) ", " (cols.len()) " skills." }
        @if pages > 1 {
            nav.pager aria-label="Employees" {
                @if page_no > 1 { a href={(base) "?page=" (page_no - 1)} { "← Previous" } }
                span { "Page " (page_no) " of " (pages) }
                @if page_no < pages { a href={(base) "?page=" (page_no + 1)} { "Next →" } }
            }
        }
        div.matrix-wrap {
            table.matrix {
                thead { tr {
                    th.name scope="col" { "Employee" }
                    @for i in &cols { th scope="col" title=(m.skills[*i].name) { span { (m.skills[*i].name) } } }
                } }
                tbody {
                    @for r in rows {
                        tr {
                            th.name scope="row" { (r.name) " " small { (r.number) } }
                            @for i in &cols {
                                @match r.cells.iter().find(|c| c.skill == *i) {
                                    None => td {},
                                    Some(cell) => td {
                                        (layout::status(cell.status))
                                        @match (cell.achieved_level, cell.required_level) {
                                            (Some(a), Some(req)) if a < req => { " L" (a) "/" (req) }
                                            (Some(a), _) => { " L" (a) }
                                            (None, Some(req)) => { " /L" (req) }
                                            (None, None) => {}
                                        }
                                    },
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&user, &format!("Matrix of site {}", site.code), body))
}

/// `GET /sites/{code}/matrix.json`: the stored matrix of the newest bundle (auditors and
/// administrators).
pub async fn matrix_json(
    Extension(c): Company,
    user: WebUser,
    Path(code): Path<String>,
) -> WebResult {
    user.require(sees_people(user.role()), "view employees")?;
    let site = site_of(&c, &code)?;
    let m = newest_matrix(&c, &site).await?;
    Ok(axum::Json(m).into_response())
}

/// How a stored bundle stands: verified at ingest, its signing key now, its stored copy.
fn verification(b: &Listed, s: &SiteSummary, key: &KeyState) -> Markup {
    html! {
        "✔ verified at ingest, " (when(s.ingested_at)) ": signature and every hash"
        br;
        @match key {
            KeyState::Enrolled => { "✔ signed by the site's enrolled key" }
            KeyState::Replaced { at, reason } => {
                "✔ signed by the site's former key (replaced " (when(*at))
                @if let Some(r) = reason { ": " (r) } ")"
            }
            KeyState::Unenrolled { at, reason } => {
                "! the site was unenrolled " (when(*at))
                @if let Some(r) = reason { ": " (r) }
            }
            KeyState::NeverEnrolled => span.error { "✖ the signing key is not in the enrolment log" }
        }
        br;
        @if b.size == s.size { "✔ stored copy: " (size(b.size)) ", as verified" }
        @else { span.error { "✖ the stored file is " (b.size) " bytes, " (s.size) " were verified: it changed since ingest" } }
    }
}

/// `GET /sites/{code}/bundles`: every stored bundle of a site, newest first, with how it was
/// verified and how its key and stored copy stand now.
pub async fn bundles(
    Extension(c): Company,
    user: WebUser,
    Path(code): Path<String>,
    Query(q): Query<PageQuery>,
) -> WebResult {
    let site = site_of(&c, &code)?;
    let company = c.view.company();
    let pages = site.bundles.len().div_ceil(BUNDLES_PER_PAGE).max(1);
    let page_no = q.page.unwrap_or(1).clamp(1, pages);
    let shown: Vec<Listed> = site
        .bundles
        .iter()
        .rev()
        .skip((page_no - 1) * BUNDLES_PER_PAGE)
        .take(BUNDLES_PER_PAGE)
        .cloned()
        .collect();
    let archive = c.view.archive().clone();
    let keys: Vec<String> = shown.iter().map(|b| b.key.clone()).collect();
    let summaries = storage(move || {
        keys.iter()
            .map(|k| archive.summary(k))
            .collect::<Result<Vec<_>, _>>()
    })
    .await?;
    let download = sees_people(user.role());
    let base = format!("/sites/{}/bundles", site.code);
    let body = html! {
        p { a href={"/sites/" (site.code)} { "Site figures" } " · " (site.bundles.len()) " bundles stored, newest first." }
        @if pages > 1 {
            nav.pager aria-label="Bundles" {
                @if page_no > 1 { a href={(base) "?page=" (page_no - 1)} { "← Newer" } }
                span { "Page " (page_no) " of " (pages) }
                @if page_no < pages { a href={(base) "?page=" (page_no + 1)} { "Older →" } }
            }
        }
        table #bundles {
            thead { tr {
                th { "Made" } th { "Sequence" } th { "Device" } th { "Size" } th { "Encrypted" } th { "Compliance" } th { "Verification" }
                @if download { th {} }
            } }
            tbody {
                @for (b, s) in shown.iter().zip(&summaries) {
                    tr {
                        td { (when(b.created_at)) }
                        td { (b.sequence) }
                        @match s {
                            Some(s) => {
                                td { code title=(s.device_fingerprint) { (s.device_fingerprint.get(..16).unwrap_or(&s.device_fingerprint)) "…" } }
                                td { (size(s.size)) }
                                td { (if s.encrypted { "yes (age)" } else { "signed only" }) }
                                td { (s.compliance_percent) "% of " (s.employees) }
                                td { (verification(b, s, &key_state(&company.log, &site.code, &s.device_fingerprint))) }
                            }
                            None => { td colspan="5" { span.error { "✖ its summary is gone" } } }
                        }
                        @if download { td { a href={(base) "/" (b.file)} download { "Download" } } }
                    }
                }
            }
        }
    };
    Ok(page(&user, &format!("Bundles of site {}", site.code), body))
}

/// `GET /sites/{code}/bundles/{file}`: the stored bundle, byte for byte, for `caliber
/// backup restore` (auditors and administrators; audited).
pub async fn download(
    Extension(c): Company,
    State(ui): State<UiState>,
    user: WebUser,
    Path((code, file)): Path<(String, String)>,
) -> WebResult {
    user.require(sees_people(user.role()), "download bundles")?;
    let site = site_of(&c, &code)?;
    let b = site.bundle(&file).cloned().ok_or_else(|| {
        WebError::NotFound(format!("Site {} has no stored bundle {file}.", site.code))
    })?;
    let archive = c.view.archive().clone();
    let key = b.key.clone();
    let summary = storage(move || archive.summary(&key))
        .await?
        .ok_or_else(|| WebError::NotFound(format!("Bundle {file} is no longer stored.")))?;
    let (store, actor, key, sha) = (
        ui.store.clone(),
        user.actor.clone(),
        b.key.clone(),
        summary.sha256.clone(),
    );
    storage(move || crate::archive::state::record_download(&store, &actor, &key, &sha)).await?;
    let name = format!(
        "{}-{}.{}",
        site.code,
        file.trim_end_matches(".bundle"),
        if summary.encrypted { "zip.age" } else { "zip" }
    );
    let headers = [
        (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ),
    ];
    let archive = c.view.archive().clone();
    if let Some(path) = archive.storage().local_path(&b.key) {
        let f = tokio::fs::File::open(&path)
            .await
            .map_err(|_| WebError::NotFound(format!("Bundle {file} is no longer stored.")))?;
        return Ok((
            headers,
            Body::from_stream(tokio_util::io::ReaderStream::new(f)),
        )
            .into_response());
    }
    let key = b.key.clone();
    let bytes = storage(move || {
        archive
            .storage()
            .read(&key)?
            .ok_or_else(|| ArchiveError::NoBundle {
                site: code,
                on_or_before: None,
            })
    })
    .await?;
    Ok((headers, bytes).into_response())
}

/// `GET /enrolments`: the enrolled sites and every event of the enrolment log (auditors and
/// administrators).
pub async fn enrolments(Extension(c): Company, user: WebUser) -> WebResult {
    user.require(sees_people(user.role()), "view the enrolment log")?;
    let company = c.view.company();
    let body = html! {
        h2 { "Enrolled now" }
        @if company.enrolments.is_empty() { p.muted { "No site is enrolled." } }
        @else {
            table #enrolled {
                thead { tr { th { "Site" } th { "Device key" } th { "Since" } th { "Stored bundles" } } }
                tbody {
                    @for e in &company.enrolments {
                        tr {
                            td { (e.site_code) }
                            td { code { (e.key) } }
                            td { (when(e.since)) }
                            td { (company.site(&e.site_code).map_or(0, |s| s.bundles.len())) }
                        }
                    }
                }
            }
        }
        h2 { "Log, newest first" }
        table #log {
            thead { tr { th { "When" } th { "What" } th { "Site" } th { "Device key" } th { "Reason" } } }
            tbody {
                @for e in company.log.iter().rev() {
                    tr {
                        td { (when(e.at)) }
                        td { (format!("{:?}", e.action).to_lowercase()) }
                        td { (e.site_code) }
                        td { code { (e.key) } }
                        td { (e.reason.as_deref().unwrap_or("—")) }
                    }
                }
            }
        }
    };
    Ok(page(&user, "Enrolments", body))
}

/// `GET /users`: the logins of the company view (administrators; they are managed with
/// `caliber archive user …`).
pub async fn users(State(ui): State<UiState>, user: WebUser) -> WebResult {
    user.require(user.role() == AppRole::Admin, "view the logins")?;
    let store = ui.store.clone();
    let mut users = tokio::task::spawn_blocking(move || store.read()?.list::<User>())
        .await
        .map_err(|_| WebError::Internal)??;
    users.sort_by(|a, b| a.email.cmp(&b.email));
    let body = html! {
        p.muted { "Logins are added and changed on the archive's machine: " code { "caliber archive user add|passwd|disable|enable|list" } "." }
        table #users {
            thead { tr { th { "Email" } th { "Role" } th { "State" } } }
            tbody {
                @for u in &users {
                    tr { td { (u.email) } td { (layout::role_name(u.role)) } td { (if u.active { "active" } else { "disabled" }) } }
                }
            }
        }
    };
    Ok(page(&user, "Logins", body))
}
