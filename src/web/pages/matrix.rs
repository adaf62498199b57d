//! The matrix: employees × skills, a colour, symbol and word per cell, filters, and a CSV of
//! exactly the filtered view.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use jiff::Timestamp;
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

use super::{blocking, opt_id};
use crate::qualify::SkillStatus;
use crate::service::{self, Matrix, MatrixFilter};
use crate::web::UiState;
use crate::web::WebUser;
use crate::web::layout::{self, WebError, WebResult};

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
    /// Only skills whose name or code contains this.
    #[serde(default)]
    skill: String,
    /// At most this many employees (default 500).
    #[serde(default)]
    limit: Option<usize>,
    /// At most this many skill columns.
    #[serde(default)]
    columns: Option<usize>,
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
            include_inactive: false,
        })
    }
}

/// The matrix cut to the skill filter: columns shown and the rows' cells for them.
fn view(m: &Matrix, skill: &str, limit: usize, columns: Option<usize>) -> (Vec<usize>, usize) {
    let needle = skill.trim().to_lowercase();
    let mut cols: Vec<usize> = (0..m.skills.len())
        .filter(|&i| {
            needle.is_empty()
                || m.skills[i].name.to_lowercase().contains(&needle)
                || m.skills[i].code.to_lowercase().contains(&needle)
        })
        .filter(|&i| m.rows.iter().any(|r| r.cells.iter().any(|c| c.skill == i)))
        .collect();
    if let Some(n) = columns {
        cols.truncate(n.max(1));
    }
    (cols, m.rows.len().min(limit))
}

fn symbol(s: SkillStatus) -> (&'static str, &'static str) {
    match s {
        SkillStatus::Valid => ("ok", "✔"),
        SkillStatus::ExpiringSoon => ("soon", "◔"),
        SkillStatus::InsufficientLevel => ("low", "▽"),
        SkillStatus::Outdated => ("old", "↻"),
        SkillStatus::Expired => ("bad", "✖"),
        SkillStatus::Missing => ("bad", "○"),
        SkillStatus::Extra => ("extra", "+"),
    }
}

async fn load(st: &UiState, q: &MatrixQuery) -> Result<Matrix, WebError> {
    let filter = q.filter()?;
    let store = st.store.clone();
    blocking(move || service::matrix(&store, &filter, Timestamp::now())).await
}

/// `GET /matrix`
pub async fn matrix(
    State(st): State<UiState>,
    user: WebUser,
    Query(q): Query<MatrixQuery>,
) -> WebResult {
    user.require(user.role().can_view_all(), "view the matrix")?;
    let m = load(&st, &q).await?;
    let limit = q.limit.unwrap_or(500).clamp(1, 5000);
    let (cols, rows) = view(&m, &q.skill, limit, q.columns);
    let c = st.store.catalog();
    let opts = |v: Vec<(Uuid, String)>| {
        let mut v = v;
        v.sort_by(|a, b| a.1.cmp(&b.1));
        v
    };
    let sites = opts(c.sites.values().map(|s| (s.id, s.name.clone())).collect());
    let depts = opts(
        c.departments
            .values()
            .map(|s| (s.id, s.name.clone()))
            .collect(),
    );
    let roles = opts(c.roles.values().map(|s| (s.id, s.name.clone())).collect());
    let projects = opts(
        c.projects
            .values()
            .map(|s| (s.id, s.name.clone()))
            .collect(),
    );
    let csv = format!(
        "/matrix.csv?site={}&department={}&role={}&project={}&status={}&skill={}&limit={limit}",
        q.site,
        q.department,
        q.role,
        q.project,
        q.status,
        layout::urlencode(&q.skill)
    );
    let sel = |name: &str, label: &str, cur: &str, v: &[(Uuid, String)]| {
        html! {
            div { label for=(name) { (label) } select id=(name) name=(name) { option value="" { "All" } @for (id, n) in v { option value=(id) selected[id.to_string() == cur] { (n) } } } }
        }
    };
    let body = html! {
        form.grid method="get" action="/matrix" {
            (sel("site", "Site", &q.site, &sites))
            (sel("department", "Department", &q.department, &depts))
            (sel("role", "Role", &q.role, &roles))
            (sel("project", "Project", &q.project, &projects))
            div { label for="status" { "Has status" } select #status name="status" {
                option value="" { "Any" }
                @for s in ["MISSING", "EXPIRED", "OUTDATED", "INSUFFICIENT_LEVEL", "EXPIRING_SOON", "VALID", "EXTRA"] { option value=(s) selected[q.status == s] { (s) } }
            } }
            div { label for="skill" { "Skill contains" } input #skill name="skill" value=(q.skill); }
            div { button.primary type="submit" { "Filter" } " " a href=(csv) { "Export CSV" } }
        }
        p.legend {
            @for s in [SkillStatus::Valid, SkillStatus::ExpiringSoon, SkillStatus::InsufficientLevel, SkillStatus::Outdated, SkillStatus::Expired, SkillStatus::Missing, SkillStatus::Extra] { span { (layout::status(s)) } }
        }
        p.muted { (rows) " of " (m.rows.len()) " employees × " (cols.len()) " skills" }
        div.matrix-wrap {
            table.matrix {
                thead { tr { th.name { "Employee" } @for i in &cols { th scope="col" title=(m.skills[*i].name) { (m.skills[*i].name) } } } }
                tbody {
                    @for row in m.rows.iter().take(rows) {
                        tr {
                            td.name { a href={"/employees/" (row.employee_id)} { (row.name) } " " small.muted { (row.number) } }
                            @for i in &cols {
                                td {
                                    @if let Some(cell) = row.cells.iter().find(|c| c.skill == *i) {
                                        @let (class, sym) = symbol(cell.status);
                                        span class={"c " (class)} title={(m.skills[*i].name) ": " (cell.status.as_str()) " · level " (cell.achieved_level.map_or("—".into(), |l| l.to_string())) " of " (cell.required_level.map_or("—".into(), |l| l.to_string())) " · expires " (layout::date(cell.expires_at))} {
                                            (sym) span.sr { (cell.status.as_str()) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, "Matrix", body))
}

fn csv_field(s: &str) -> String {
    // Neutralise spreadsheet formulas; the csv writer does the quoting.
    if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// `GET /matrix.csv`: exactly the filtered view.
pub async fn matrix_csv(
    State(st): State<UiState>,
    user: WebUser,
    Query(q): Query<MatrixQuery>,
) -> WebResult {
    user.require(user.role().can_view_all(), "export the matrix")?;
    let m = load(&st, &q).await?;
    let (cols, rows) = view(
        &m,
        &q.skill,
        q.limit.unwrap_or(500).clamp(1, 5000),
        q.columns,
    );
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(Vec::new());
    let csv_error = |e: csv::Error| {
        tracing::error!("matrix CSV: {e}");
        WebError::Internal
    };
    let mut head = vec!["Employee number".to_owned(), "Employee".to_owned()];
    head.extend(cols.iter().map(|i| csv_field(&m.skills[*i].name)));
    w.write_record(&head).map_err(csv_error)?;
    for row in m.rows.iter().take(rows) {
        let mut rec = vec![csv_field(&row.number), csv_field(&row.name)];
        rec.extend(cols.iter().map(|i| {
            row.cells
                .iter()
                .find(|c| c.skill == *i)
                .map_or(String::new(), |c| c.status.as_str().to_owned())
        }));
        w.write_record(&rec).map_err(csv_error)?;
    }
    let out = w
        .into_inner()
        .map_err(|e| csv_error(e.into_error().into()))?;
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
