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
use crate::web::locale::{self, tr};

/// `GET /`
pub async fn dashboard(State(st): State<UiState>, user: WebUser) -> WebResult {
    if !user.role().can_view_all() {
        return me(State(st), user).await;
    }
    let store = st.store.clone();
    let backup = st.backup.clone();
    let minimum = st.min_coverage;
    let (figures, scans, backups, short) = super::heavy(move || {
        let now = Timestamp::now();
        let figures = service::dashboard_figures(&store, now)?;
        // The "bus factor": stations one or two absences away from standing still.
        let short: Vec<service::StationCoverage> = service::coverage(&store, None, minimum, now)?
            .stations
            .into_iter()
            .filter(|s| s.below_minimum)
            .collect();
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
        Ok::<_, service::ServiceError>((figures, (scans, names), backups, short))
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
        @if st.web.settings.public_url.is_none() { p.error role="alert" { (crate::web::badge::public_url_missing()) } }
        (super::backups::backup_notice(backups.health, &backups.status))
        div.cards {
            @for site in per_site {
                div.card {
                    div.muted { (tr!("dash-compliance", site = site.site.as_str())) }
                    div.big { a href={ "/matrix?site=" (site_ids.get(site.site.as_str()).map(|i| i.to_string()).unwrap_or_default()) } { (compliance(site.qualified, site.employees)) } }
                    div.muted { (tr!("dash-qualified-of", qualified = site.qualified, employees = site.employees)) }
                }
            }
            @for (days, n) in expiring {
                div.card {
                    div.muted { (tr!("dash-expiring-within", days = *days)) }
                    div.big { a href={ "/due?expired=0&days=" (days) } { (locale::integer(*n as u64)) } }
                    div.muted { (tr!("dash-required-certifications", count = *n)) }
                }
            }
            div.card.bus-factor.alert[!short.is_empty()] {
                div.muted { (tr!("dash-bus-factor")) }
                div.big { a href="/stations#coverage" { (locale::integer(short.len() as u64)) } }
                div.muted { (tr!("dash-bus-factor-below", minimum = minimum as u64)) }
            }
        }
        @if !short.is_empty() {
            h2 #bus-factor { (tr!("dash-bus-factor-title")) }
            p.warn role="status" { (tr!("dash-bus-factor-explain", count = short.len(), minimum = minimum as u64)) }
            table #short-stations {
                thead { tr { th { (tr!("col-station")) } th { (tr!("col-project")) } th { (tr!("coverage-qualified")) } th { (tr!("coverage-lapsing")) } } }
                tbody { @for s in &short { tr {
                    td { a href={ "/stations#station-" (s.station_id) } { (s.station) } }
                    td { (s.line.as_deref().unwrap_or("—")) }
                    td { span.st.bad { span aria-hidden="true" { "⚠" } " " (s.coverage) " / " (minimum) } }
                    td { (s.lapsing.len()) }
                } } }
            }
        }
        h2 { (tr!("dash-gaps")) }
        @if gaps.is_empty() { p.muted { (tr!("dash-no-gaps")) } }
        @else {
            table {
                thead { tr { th { (tr!("col-skill")) } th { (tr!("dash-not-qualified")) } } }
                tbody { @for (name, n) in gaps.iter().take(15) { tr { td { (name) } td {
                    a href={ "/matrix?skill=" (layout::urlencode(name)) } { (n) }
                } } } }
            }
        }
        h2 { (tr!("dash-recent-scans")) }
        @if scans.is_empty() { p.muted { (tr!("dash-no-scans")) } }
        @else {
            table {
                thead { tr { th { (tr!("col-when")) } th { (tr!("col-station")) } th { (tr!("col-who")) } th { (tr!("col-verdict")) } th { (tr!("col-why")) } } }
                tbody {
                    @for s in &scans {
                        tr {
                            td { (locale::day_time(s.at)) }
                            td { (catalog.stations.get(&s.station_id).map_or("—", |x| x.name.as_str())) }
                            td { @match s.employee_id.and_then(|id| names.get(&id)) {
                                Some(n) => (n),
                                None => { (tr!("dash-unknown-badge")) " " code { (s.badge_prefix) "…" } },
                            } }
                            td { @match s.verdict.as_str() {
                                "green" => span.st.ok { "✔ " (tr!("verdict-green")) },
                                "red" => span.st.bad { "✖ " (tr!("verdict-red")) },
                                _ => span.st.soon { "? " (tr!("verdict-amber")) },
                            } }
                            td { @if s.reasons.is_empty() { "—" } @else { (s.reasons.join("; ")) } }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, &tr!("nav-dashboard"), body))
}

/// Share of employees fully qualified, with one decimal when it is not whole (`66.7%`,
/// `66,7 %`); an empty site counts as fully compliant, as [`service::SiteCompliance`] does.
fn compliance(qualified: usize, employees: usize) -> String {
    let share = if employees == 0 {
        100.0
    } else {
        qualified as f64 * 100.0 / employees as f64
    };
    let decimals = if (share * 10.0).round() % 10.0 == 0.0 {
        0
    } else {
        1
    };
    locale::percent(share, decimals)
}

/// `GET /me`: the logged-in user's own qualifications (every role).
pub async fn me(State(st): State<UiState>, user: WebUser) -> WebResult {
    let Some(emp) = user.user.employee_id else {
        return Ok(layout::page(
            &user,
            &tr!("nav-me"),
            html! { p.muted { (tr!("me-not-linked")) } },
        ));
    };
    let store = st.store.clone();
    let q = blocking(move || service::employee_qualification(&store, emp, None, Timestamp::now()))
        .await?;
    let body = html! {
        p { (q.employee.name) " · " (q.employee.number) }
        table {
            thead { tr { th { (tr!("col-skill")) } th { (tr!("col-status")) } th { (tr!("col-level")) } th { (tr!("col-expires")) } } }
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
            p.muted { (tr!("me-talk-to-trainer")) }
        }
    };
    Ok(layout::page(&user, &tr!("nav-me"), body))
}
