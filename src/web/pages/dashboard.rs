//! Dashboard (compliance, gaps, expiring, recent scans) and "my qualifications".

use axum::extract::State;
use jiff::Timestamp;
use maud::html;

use super::blocking;
use crate::qualify::SkillStatus;
use crate::service::{self, ScanQuery};
use crate::web::UiState;
use crate::web::WebUser;
use crate::web::layout::{self, WebResult, date};

/// `GET /`
pub async fn dashboard(State(st): State<UiState>, user: WebUser) -> WebResult {
    if !user.role().can_view_all() {
        return me(State(st), user).await;
    }
    let store = st.store.clone();
    let backup = st.backup.clone();
    let (figures, scans, backups) = blocking(move || {
        let figures = service::dashboard_figures(&store, Timestamp::now())?;
        let scans = service::list_scans(
            &store,
            &ScanQuery {
                limit: Some(10),
                ..ScanQuery::default()
            },
        )?;
        let r = store.read()?;
        let mut names = std::collections::HashMap::new();
        for id in scans.iter().filter_map(|s| s.employee_id) {
            if let Some(e) = r.get::<crate::domain::Employee>(id)? {
                names.insert(id, e.name);
            }
        }
        let backups = service::backup_state(&store, &backup)?;
        Ok((figures, (scans, names), backups))
    })
    .await?;
    let (scans, names) = scans;
    let catalog = st.store.catalog();
    let (per_site, expiring, gaps) = (&figures.sites, &figures.expiring, &figures.gaps);
    let site_ids: std::collections::HashMap<&str, uuid::Uuid> = catalog
        .sites
        .values()
        .filter(|s| s.deleted_at.is_none())
        .map(|s| (s.name.as_str(), s.id))
        .collect();
    let body = html! {
        @if st.web.settings.public_url.is_none() { p.error role="alert" { (crate::web::badge::PUBLIC_URL_MISSING) } }
        (super::backups::backup_notice(backups.health, &backups.status))
        div.cards {
            @for site in per_site {
                div.card {
                    div.muted { "Compliance · " (site.site) }
                    div.big { a href={ "/matrix?site=" (site_ids.get(site.site.as_str()).map(|i| i.to_string()).unwrap_or_default()) } { (site.percent()) "%" } }
                    div.muted { (site.qualified) " of " (site.employees) " employees fully qualified" }
                }
            }
            @for (days, n) in expiring {
                div.card {
                    div.muted { "Expiring within " (days) " days" }
                    div.big { a href={ "/due?expired=0&days=" (days) } { (n) } }
                    div.muted { "required certifications" }
                }
            }
        }
        h2 { "Gaps by skill" }
        @if gaps.is_empty() { p.muted { "No gaps: everyone holds every required skill." } }
        @else {
            table {
                thead { tr { th { "Skill" } th { "Employees not qualified" } } }
                tbody { @for (name, n) in gaps.iter().take(15) { tr { td { (name) } td {
                    a href={ "/matrix?skill=" (layout::urlencode(name)) } { (n) }
                } } } }
            }
        }
        h2 { "Recent badge scans" }
        @if scans.is_empty() { p.muted { "No scans yet." } }
        @else {
            table {
                thead { tr { th { "When" } th { "Station" } th { "Who" } th { "Verdict" } th { "Why" } } }
                tbody {
                    @for s in &scans {
                        tr {
                            td { (s.at.strftime("%-d %b %H:%M")) }
                            td { (catalog.stations.get(&s.station_id).map_or("—", |x| x.name.as_str())) }
                            td { @match s.employee_id.and_then(|id| names.get(&id)) {
                                Some(n) => (n),
                                None => { "unknown badge " code { (s.badge_prefix) "…" } },
                            } }
                            td { @match s.verdict.as_str() {
                                "green" => span.st.ok { "✔ Let in" },
                                "red" => span.st.bad { "✖ Refused" },
                                _ => span.st.soon { "? Not judged (amber)" },
                            } }
                            td { @if s.reasons.is_empty() { "—" } @else { (s.reasons.join("; ")) } }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, "Dashboard", body))
}

/// `GET /me`: the logged-in user's own qualifications (every role).
pub async fn me(State(st): State<UiState>, user: WebUser) -> WebResult {
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
