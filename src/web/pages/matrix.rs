//! The matrix: employees × skills, a colour, symbol and word per cell, filters, and a CSV of
//! exactly the filtered view.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use jiff::Timestamp;
use maud::{PreEscaped, html};
use serde::Deserialize;
use uuid::Uuid;

use super::{blocking, heavy, opt_id};
use crate::domain::EmployeeStatus;
use crate::qualify::SkillStatus;
use crate::service::{self, Matrix, MatrixFilter};
use crate::web::UiState;
use crate::web::WebUser;
use crate::web::layout::{self, WebError, WebResult};
use crate::web::locale::tr;

/// Matrix filters as the form sends them.
#[derive(Debug, Default, Deserialize)]
pub struct MatrixQuery {
    #[serde(default)]
    site: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    project: String,
    #[serde(default)]
    status: String,
    /// Only employees of this station's project, judged at the station.
    #[serde(default)]
    station: String,
    /// Only skills whose name or code contains this.
    #[serde(default)]
    skill: String,
    /// `1`: include employees on leave and terminated ones.
    #[serde(default)]
    inactive: String,
    /// Employees per page (default 500).
    #[serde(default)]
    limit: Option<usize>,
    /// Which page of employees, from 1.
    #[serde(default)]
    page: Option<usize>,
    /// Skill columns per page (default 50).
    #[serde(default)]
    columns: Option<usize>,
    /// Which page of skill columns, from 1.
    #[serde(default)]
    cpage: Option<usize>,
}

/// Employees per page unless asked otherwise, and the most one page may hold.
const ROWS_PER_PAGE: usize = 500;
const MAX_ROWS_PER_PAGE: usize = 5000;
/// Skill columns per page unless asked otherwise.
const COLUMNS_PER_PAGE: usize = 50;

/// The part of the matrix one page shows.
struct View {
    /// Skill columns shown (indexes into `Matrix::skills`).
    cols: Vec<usize>,
    /// Rows shown (a range of `Matrix::rows`).
    rows: std::ops::Range<usize>,
    /// Every column that passes the filter (before paging).
    all_cols: usize,
    /// Row page and column page, from 1, and how many of each.
    page: (usize, usize),
    pages: (usize, usize),
}

impl MatrixQuery {
    fn filter(&self) -> Result<MatrixFilter, WebError> {
        Ok(MatrixFilter {
            site_id: opt_id(&self.site)?,
            department_id: opt_id(&self.department)?,
            role_id: opt_id(&self.role)?,
            project_id: opt_id(&self.project)?,
            status: if self.status.is_empty() {
                None
            } else {
                Some(SkillStatus::parse(&self.status).ok_or_else(|| {
                    WebError::Invalid(format!("unknown status '{}'", self.status))
                })?)
            },
            include_inactive: self.inactive == "1",
            station_id: opt_id(&self.station)?,
        })
    }

    /// This query's filters as a query string, with other paging (for links).
    fn with_pages(&self, page: usize, cpage: usize) -> String {
        let mut q = vec![
            ("site", self.site.as_str()),
            ("department", self.department.as_str()),
            ("role", self.role.as_str()),
            ("project", self.project.as_str()),
            ("station", self.station.as_str()),
            ("status", self.status.as_str()),
            ("skill", self.skill.as_str()),
            ("inactive", self.inactive.as_str()),
        ];
        q.retain(|(_, v)| !v.is_empty());
        let mut out: Vec<String> = q
            .into_iter()
            .map(|(k, v)| format!("{k}={}", layout::urlencode(v)))
            .collect();
        if let Some(l) = self.limit {
            out.push(format!("limit={l}"));
        }
        if let Some(c) = self.columns {
            out.push(format!("columns={c}"));
        }
        out.push(format!("page={page}"));
        out.push(format!("cpage={cpage}"));
        out.join("&")
    }
}

/// The page of the matrix a query asks for: the skill filter, then paging of rows and columns.
fn view(m: &Matrix, q: &MatrixQuery) -> View {
    let needle = q.skill.trim().to_lowercase();
    let cols: Vec<usize> = (0..m.skills.len())
        .filter(|&i| {
            needle.is_empty()
                || m.skills[i].name.to_lowercase().contains(&needle)
                || m.skills[i].code.to_lowercase().contains(&needle)
        })
        .filter(|&i| m.rows.iter().any(|r| r.cells.iter().any(|c| c.skill == i)))
        .collect();
    let per_page = q.limit.unwrap_or(ROWS_PER_PAGE).clamp(1, MAX_ROWS_PER_PAGE);
    let per_cpage = q.columns.unwrap_or(COLUMNS_PER_PAGE).max(1);
    let pages = (
        m.rows.len().div_ceil(per_page).max(1),
        cols.len().div_ceil(per_cpage).max(1),
    );
    let page = (
        q.page.unwrap_or(1).clamp(1, pages.0),
        q.cpage.unwrap_or(1).clamp(1, pages.1),
    );
    let start = (page.0 - 1) * per_page;
    let rows = start..(start + per_page).min(m.rows.len());
    let all_cols = cols.len();
    let cols = cols
        .into_iter()
        .skip((page.1 - 1) * per_cpage)
        .take(per_cpage)
        .collect();
    View {
        cols,
        rows,
        all_cols,
        page,
        pages,
    }
}

/// A cell's colour class, symbol and short word (never colour alone, readable on a tablet
/// without hovering).
fn symbol(s: SkillStatus) -> (&'static str, &'static str, String) {
    match s {
        SkillStatus::Valid => ("ok", "✔", tr!("cell-valid")),
        SkillStatus::ExpiringSoon => ("soon", "◔", tr!("cell-expiring")),
        SkillStatus::RetrainingDue => ("soon", "↻", tr!("cell-retraining-due")),
        SkillStatus::InsufficientLevel => ("low", "▽", tr!("cell-level-low")),
        SkillStatus::Outdated => ("old", "↻", tr!("cell-outdated")),
        SkillStatus::Expired => ("bad", "✖", tr!("status-expired")),
        SkillStatus::Missing => ("bad", "○", tr!("status-missing")),
        SkillStatus::Extra => ("extra", "+", tr!("status-extra")),
    }
}

/// Every status a cell can show, for wording them once per page rather than once per cell.
const ALL_STATUSES: [SkillStatus; 8] = [
    SkillStatus::Valid,
    SkillStatus::ExpiringSoon,
    SkillStatus::RetrainingDue,
    SkillStatus::InsufficientLevel,
    SkillStatus::Outdated,
    SkillStatus::Expired,
    SkillStatus::Missing,
    SkillStatus::Extra,
];

/// Append `text` to `out`, HTML-escaped.
fn push_escaped(out: &mut String, text: &str) {
    use std::fmt::Write;
    let _ = write!(maud::Escaper::new(out), "{text}");
}

/// The table body, written by hand: at plant size (500 × 50) maud's markup with a title per
/// cell was megabytes. Each cell is its class, symbol, short word and level, and a link to
/// its detail relative to `/matrix` (`matrix/NUMBER/CODE`); empty cells are a bare `<td>`
/// (the end tags of cells and rows are optional in HTML).
fn matrix_body(m: &Matrix, v: &View) -> String {
    let mut out = String::with_capacity(v.rows.len() * (64 + v.cols.len() * 12));
    let symbols: Vec<(SkillStatus, (&str, &str, String))> =
        ALL_STATUSES.iter().map(|s| (*s, symbol(*s))).collect();
    let (on_leave, left) = (tr!("emp-status-leave"), tr!("emp-status-terminated"));
    out.push_str("<tbody>");
    for row in &m.rows[v.rows.clone()] {
        out.push_str("<tr><th class=name scope=row><a href=\"/employees/");
        out.push_str(&row.employee_id.to_string());
        out.push_str("\">");
        push_escaped(&mut out, &row.name);
        out.push_str("</a> <small>");
        push_escaped(&mut out, &row.number);
        out.push_str("</small>");
        match row.status {
            EmployeeStatus::Active => {}
            EmployeeStatus::Leave => {
                out.push_str(" <em>");
                push_escaped(&mut out, &on_leave);
                out.push_str("</em>");
            }
            EmployeeStatus::Terminated => {
                out.push_str(" <em>");
                push_escaped(&mut out, &left);
                out.push_str("</em>");
            }
        }
        out.push_str("</th>");
        let mut cells = row.cells.iter().peekable();
        for &col in &v.cols {
            while cells.next_if(|c| c.skill < col).is_some() {}
            let Some(cell) = cells.next_if(|c| c.skill == col) else {
                out.push_str("<td>");
                continue;
            };
            let Some((_, (class, sym, word))) = symbols.iter().find(|(s, _)| *s == cell.status)
            else {
                out.push_str("<td>");
                continue;
            };
            out.push_str("<td class=");
            out.push_str(class);
            // Percent-encoded, so safe unquoted: no space, quote, `=`, `<`, `>` or backtick.
            out.push_str("><a href=matrix/");
            out.push_str(&layout::urlencode(&row.number).replace('/', "%2F"));
            out.push('/');
            out.push_str(&layout::urlencode(&m.skills[col].code).replace('/', "%2F"));
            out.push('>');
            out.push_str(sym);
            out.push(' ');
            push_escaped(&mut out, word);
            match (cell.achieved_level, cell.required_level) {
                (Some(a), Some(r)) if a < r => {
                    out.push_str(&format!(" L{a}/{r}"));
                }
                (Some(a), _) => out.push_str(&format!(" L{a}")),
                (None, Some(r)) => out.push_str(&format!(" /L{r}")),
                (None, None) => {}
            }
            out.push_str("</a>");
        }
    }
    out.push_str("</tbody>");
    out
}

async fn load(st: &UiState, q: &MatrixQuery) -> Result<Matrix, WebError> {
    let filter = q.filter()?;
    let store = st.store.clone();
    heavy(move || service::matrix(&store, &filter, Timestamp::now())).await
}

/// `GET /matrix`: one page of employees × skill columns, with pagers for both.
pub async fn matrix(
    State(st): State<UiState>,
    user: WebUser,
    Query(q): Query<MatrixQuery>,
) -> WebResult {
    user.require(user.role().can_view_all(), "view the matrix")?;
    let m = load(&st, &q).await?;
    let v = view(&m, &q);
    let c = st.store.catalog();
    let sites = super::choices(&c.sites, |s| &s.name);
    let depts = super::choices(&c.departments, |s| &s.name);
    let roles = super::choices(&c.roles, |s| &s.name);
    let projects = super::choices(&c.projects, |s| &s.name);
    let stations = super::choices(&c.stations, |s| &s.name);
    let csv = format!("/matrix.csv?{}", q.with_pages(v.page.0, v.page.1));
    let sel = |name: &str, label: &str, cur: &str, v: &[(Uuid, String)]| {
        html! {
            div { label for=(name) { (label) } select id=(name) name=(name) { option value="" { (tr!("filter-all")) } @for (id, n) in v { option value=(id) selected[id.to_string() == cur] { (n) } } } }
        }
    };
    let pager = |label: &str, page: usize, pages: usize, link: &dyn Fn(usize) -> String| {
        html! {
            @if pages > 1 {
                nav.pager aria-label=(label) {
                    @if page > 1 { a href=(link(page - 1)) { "← " (tr!("page-previous")) } }
                    span { (label) " " (tr!("n-of-m", n = page, m = pages)) }
                    @if page < pages { a href=(link(page + 1)) { (tr!("page-next")) " →" } }
                }
            }
        }
    };
    let row_link = |p: usize| format!("/matrix?{}", q.with_pages(p, v.page.1));
    let col_link = |p: usize| format!("/matrix?{}", q.with_pages(v.page.0, p));
    let head = html! {
        thead { tr {
            th.name scope="col" { (tr!("due-employee")) }
            @for i in &v.cols { th scope="col" title=(m.skills[*i].name) { span { (m.skills[*i].name) } } }
        } }
    };
    let body = html! {
        form.grid method="get" action="/matrix" {
            (sel("site", &tr!("col-site"), &q.site, &sites))
            (sel("department", &tr!("col-department"), &q.department, &depts))
            (sel("role", &tr!("col-role"), &q.role, &roles))
            (sel("project", &tr!("col-project"), &q.project, &projects))
            (sel("station", &tr!("col-station"), &q.station, &stations))
            div { label for="status" { (tr!("matrix-has-status")) } select #status name="status" {
                option value="" { (tr!("matrix-any")) }
                @for (s, word) in [("MISSING", tr!("status-missing")), ("EXPIRED", tr!("status-expired")), ("OUTDATED", tr!("status-outdated")), ("INSUFFICIENT_LEVEL", tr!("status-level-low")), ("EXPIRING_SOON", tr!("status-expiring")), ("VALID", tr!("status-valid")), ("EXTRA", tr!("status-extra"))] { option value=(s) selected[q.status == s] { (word) } }
            } }
            div { label for="skill" { (tr!("matrix-skill-contains")) } input #skill name="skill" value=(q.skill); }
            div { label { input.auto type="checkbox" name="inactive" value="1" checked[q.inactive == "1"]; " " (tr!("matrix-show-inactive")) } }
            div { button.primary type="submit" { (tr!("filter")) } " " a href=(csv) { (tr!("matrix-export-csv")) } }
        }
        p.legend {
            @for s in [SkillStatus::Valid, SkillStatus::ExpiringSoon, SkillStatus::RetrainingDue, SkillStatus::InsufficientLevel, SkillStatus::Outdated, SkillStatus::Expired, SkillStatus::Missing, SkillStatus::Extra] { span { (layout::status(s)) } }
            span.muted { (tr!("matrix-legend")) }
        }
        p.muted { (tr!("matrix-shown",
            first = if v.rows.is_empty() { 0 } else { v.rows.start + 1 },
            last = v.rows.end,
            employees = m.rows.len(),
            skills = v.cols.len(),
            all_skills = v.all_cols)) }
        (pager(&tr!("matrix-employees-page"), v.page.0, v.pages.0, &row_link))
        (pager(&tr!("matrix-skills-page"), v.page.1, v.pages.1, &col_link))
        div.matrix-wrap {
            table.matrix {
                (head)
                (PreEscaped(matrix_body(&m, &v)))
            }
        }
    };
    Ok(layout::page(&user, &tr!("nav-matrix"), body))
}

fn csv_field(s: &str) -> String {
    // Neutralise spreadsheet formulas; the csv writer does the quoting.
    service::guard_formula(s).into_owned()
}

/// `GET /matrix.csv`: exactly the filtered page, four columns per skill (status, level,
/// achieved, expires; dates as YYYY-MM-DD in UTC).
pub async fn matrix_csv(
    State(st): State<UiState>,
    user: WebUser,
    Query(q): Query<MatrixQuery>,
) -> WebResult {
    user.require(user.role().can_view_all(), "export the matrix")?;
    let m = load(&st, &q).await?;
    let out = heavy(move || matrix_csv_bytes(&m, &q)).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"caliber-matrix.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}

/// The CSV of the matrix view `q` selects.
fn matrix_csv_bytes(m: &Matrix, q: &MatrixQuery) -> Result<Vec<u8>, WebError> {
    let v = view(m, q);
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(Vec::new());
    let csv_error = |e: csv::Error| {
        tracing::error!("matrix CSV: {e}");
        WebError::Internal
    };
    let day =
        |t: Option<Timestamp>| t.map_or(String::new(), |t| t.strftime("%Y-%m-%d").to_string());
    let mut head = vec![
        "Employee number".to_owned(),
        "Employee".to_owned(),
        "Employee status".to_owned(),
    ];
    for i in &v.cols {
        let name = csv_field(&m.skills[*i].name);
        for part in ["status", "level", "achieved", "expires"] {
            head.push(format!("{name} {part}"));
        }
    }
    w.write_record(&head).map_err(csv_error)?;
    for row in &m.rows[v.rows.clone()] {
        let mut rec = vec![
            csv_field(&row.number),
            csv_field(&row.name),
            row.status.as_str().to_owned(),
        ];
        for i in &v.cols {
            match row.cells.iter().find(|c| c.skill == *i) {
                Some(c) => rec.extend([
                    c.status.as_str().to_owned(),
                    c.achieved_level.map_or(String::new(), |l| l.to_string()),
                    day(c.achieved_at),
                    day(c.expires_at),
                ]),
                None => rec.extend(std::iter::repeat_n(String::new(), 4)),
            }
        }
        w.write_record(&rec).map_err(csv_error)?;
    }
    w.into_inner().map_err(|e| csv_error(e.into_error().into()))
}

/// `GET /matrix/{number}/{code}`: one cell in full (status, levels, dates, where the
/// requirement comes from, every certification with its revision and evidence).
pub async fn matrix_cell(
    State(st): State<UiState>,
    user: WebUser,
    axum::extract::Path((number, code)): axum::extract::Path<(String, String)>,
) -> WebResult {
    user.require(user.role().can_view_all(), "view the matrix")?;
    let store = st.store.clone();
    let d =
        blocking(move || service::skill_detail(&store, &number, &code, Timestamp::now())).await?;
    let (e, skill) = (&d.employee, &d.skill);
    let title = format!("{} · {}", e.name, skill.name);
    let body = html! {
        p { a href={"/employees/" (e.id)} { (e.name) } " · " (e.number) " · " (super::employees::employee_status(e.status.as_str())) }
        @match &d.line {
            None => p.muted { (tr!("cell-neither", name = e.name.as_str(), skill = skill.name.as_str())) },
            Some(l) => {
                table {
                    tbody {
                        tr { th scope="row" { (tr!("col-status")) } td { (layout::status(l.status))
                            @if let Some(r) = &l.retraining_revision_label { " " small { (tr!("emp-needs-retraining", revision = r.as_str())) } } } }
                        tr { th scope="row" { (tr!("cell-level-achieved-required")) } td { (l.achieved_level.map_or("—".into(), |v| v.to_string())) " / " (l.required_level.map_or("—".into(), |v| v.to_string())) " (" (tr!("cell-max", max = skill.max_level)) ")" } }
                        tr { th scope="row" { (tr!("col-achieved")) } td { (layout::date(l.achieved_at)) } }
                        tr { th scope="row" { (tr!("col-expires")) } td { (layout::date(l.expires_at)) } }
                        tr { th scope="row" { (tr!("col-revision")) } td { (l.revision_label.as_deref().unwrap_or("—")) } }
                        tr { th scope="row" { (tr!("emp-required-by")) } td {
                            @if l.sources.is_empty() { (tr!("cell-not-required")) }
                            @for (i, s) in l.sources.iter().enumerate() { @if i > 0 { br; } (s.scope) " (L" (s.level) ")" } } }
                    }
                }
            }
        }
        h2 { (tr!("cell-certifications-in", skill = skill.name.as_str())) }
        @if d.certifications.is_empty() { p.muted { (tr!("none")) } }
        @else {
            table {
                thead { tr { th { (tr!("col-level")) } th { (tr!("col-achieved")) } th { (tr!("col-expires")) } th { (tr!("col-revision")) } th { (tr!("col-assessor")) } th { (tr!("col-evidence")) } th { (tr!("col-state")) } } }
                tbody {
                    @for (c, rev, files) in &d.certifications {
                        tr {
                            td { (c.level) }
                            td { (layout::date(Some(c.achieved_at))) }
                            td { (layout::date(c.expires_at)) }
                            td { (rev.as_deref().unwrap_or("—")) }
                            td { (super::certs::assessed_by(c)) }
                            td { @if files.is_empty() { "—" } @for f in files { a href={"/attachments/" (f.sha256)} { (f.name) } " (" (f.size / 1024 + 1) " KB) " } }
                            td { @if let Some(r) = &c.revoked { (tr!("cell-revoked", date = layout::date(Some(r.at)), reason = r.reason.as_str())) } @else { (tr!("cell-counts")) } }
                        }
                    }
                }
            }
        }
        @if user.role().can_certify() { p { a href={"/certify?employee=" (layout::urlencode(&e.number)) "&skill=" (skill.id)} { (tr!("cell-certify", name = e.name.as_str(), skill = skill.name.as_str())) } } }
    };
    Ok(layout::page(&user, &title, body))
}
