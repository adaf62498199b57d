//! Dashboard (compliance, gaps, expiring, recent scans) and "my qualifications".

use axum::extract::State;
use jiff::{SignedDuration, Timestamp};
use maud::html;

use super::blocking;
use crate::api::AppState;
use crate::qualify::SkillStatus;
use crate::service::{self, MatrixFilter, ScanQuery};
use crate::web::WebUser;
use crate::web::layout::{self, WebResult, date};

/// `GET /`
pub async fn dashboard(State(st): State<AppState>, user: WebUser) -> WebResult {
    if !user.role().can_view_all() {
        return me(State(st), user).await;
    }
    let store = st.store.clone();
    let (m, scans) = blocking(move || {
        let m = service::matrix(&store, &MatrixFilter::default(), Timestamp::now())?;
        let scans = service::list_scans(
            &store,
            &ScanQuery {
                limit: Some(10),
                ..ScanQuery::default()
            },
        )?;
        Ok((m, scans))
    })
    .await?;
    let catalog = st.store.catalog();
    let now = Timestamp::now();
    // Compliance per site: employees whose every required skill is OK.
    let mut per_site: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    let mut gaps: std::collections::BTreeMap<String, usize> = Default::default();
    let mut expiring = [0usize; 3];
    let emp_sites: std::collections::HashMap<_, _> = st
        .store
        .read()
        .map_err(layout::WebError::from)?
        .list::<crate::domain::Employee>()
        .map_err(layout::WebError::from)?
        .into_iter()
        .map(|e| (e.id, e.site_id))
        .collect();
    for row in &m.rows {
        let site = emp_sites
            .get(&row.employee_id)
            .and_then(|s| catalog.sites.get(s))
            .map_or("—".to_owned(), |s| s.name.clone());
        let ok = row
            .cells
            .iter()
            .filter(|c| c.required_level.is_some())
            .all(|c| c.status.is_ok());
        let e = per_site.entry(site).or_default();
        e.0 += usize::from(ok);
        e.1 += 1;
        for c in &row.cells {
            if c.required_level.is_some() && !c.status.is_ok() {
                *gaps.entry(m.skills[c.skill].name.clone()).or_default() += 1;
            }
            if c.required_level.is_some()
                && let Some(exp) = c.expires_at
                && exp > now
            {
                let days = now.duration_until(exp);
                for (i, d) in [30, 60, 90].iter().enumerate() {
                    if days <= SignedDuration::from_hours(24 * d) {
                        expiring[i] += 1;
                    }
                }
            }
        }
    }
    let mut gaps: Vec<(String, usize)> = gaps.into_iter().collect();
    gaps.sort_by_key(|g| std::cmp::Reverse(g.1));
    let body = html! {
        div.cards {
            @for (site, (ok, total)) in &per_site {
                div.card {
                    div.muted { "Compliance · " (site) }
                    div.big { (if *total == 0 { 100 } else { ok * 100 / total }) "%" }
                    div.muted { (ok) " of " (total) " employees fully qualified" }
                }
            }
            @for (i, d) in [30, 60, 90].iter().enumerate() {
                div.card {
                    div.muted { "Expiring within " (d) " days" }
                    div.big { (expiring[i]) }
                    div.muted { "required certifications" }
                }
            }
        }
        h2 { "Gaps by skill" }
        @if gaps.is_empty() { p.muted { "No gaps: everyone holds every required skill." } }
        @else {
            table {
                thead { tr { th { "Skill" } th { "Employees not qualified" } } }
                tbody { @for (name, n) in gaps.iter().take(15) { tr { td { (name) } td { (n) } } } }
            }
        }
        h2 { "Recent badge scans" }
        @if scans.is_empty() { p.muted { "No scans yet." } }
        @else {
            table {
                thead { tr { th { "When" } th { "Station" } th { "Verdict" } th { "Reasons" } } }
                tbody {
                    @for s in &scans {
                        tr {
                            td { (s.at.strftime("%-d %b %H:%M")) }
                            td { (catalog.stations.get(&s.station_id).map_or("—", |x| x.name.as_str())) }
                            td { (s.verdict.to_uppercase()) }
                            td { (s.reasons.join("; ")) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, "Dashboard", body))
}

/// `GET /me`: the logged-in user's own qualifications (every role).
pub async fn me(State(st): State<AppState>, user: WebUser) -> WebResult {
    let Some(emp) = user.user.employee_id else {
        return Ok(layout::page(
            &user,
            "My qualifications",
            html! { p.muted { "Your login is not linked to an employee record. Ask an administrator to link it." } },
        ));
    };
    let store = st.store.clone();
    let q = blocking(move || service::employee_qualification(&store, emp, None, Timestamp::now()))
        .await?;
    let body = html! {
        p { (q.employee.name) " · " (q.employee.number) }
        table {
            thead { tr { th { "Skill" } th { "Status" } th { "Level" } th { "Expires" } } }
            tbody {
                @for l in &q.qualification.skills {
                    tr {
                        td { (l.skill_name) }
                        td { (layout::status(l.status)) }
                        td { (l.achieved_level.map_or("—".into(), |v| v.to_string())) " / " (l.required_level.map_or("—".into(), |v| v.to_string())) }
                        td { (date(l.expires_at)) }
                    }
                }
            }
        }
        @if q.qualification.skills.iter().any(|l| l.status == SkillStatus::Missing) {
            p.muted { "Talk to your trainer about the missing skills." }
        }
    };
    Ok(layout::page(&user, "My qualifications", body))
}
