//! `/backups` (administrators): the device key to enrol at the archive, whether bundles are
//! encrypted, the last run and the last USB stick, the bundles kept on the box, "Back up
//! now", and downloads.

use axum::body::Body;
use axum::extract::{Form, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};

use super::blocking;
use crate::service::{self, BackupHealth, BackupStatus};
use crate::web::UiState;
use crate::web::WebUser;
use crate::web::layout::{self, CsrfForm, WebError, WebResult, csrf};
use crate::web::locale::{self, tr};

/// A size for people: bytes, KB, MB or GB, with the language's decimal mark.
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{} GB", locale::decimal(b as f64 / (1u64 << 30) as f64, 1)),
        b if b >= 1 << 20 => format!("{} MB", locale::decimal(b as f64 / (1u64 << 20) as f64, 1)),
        b if b >= 1 << 10 => format!("{} KB", locale::integer(b >> 10)),
        b => format!("{b} B"),
    }
}

/// A time for people, to the minute, in UTC.
fn when(t: Option<jiff::Timestamp>) -> String {
    t.map(|t| format!("{} UTC", locale::date_time(t)))
        .unwrap_or_else(|| "—".into())
}

/// The backup warning or state line the dashboard and the backups page show.
pub fn backup_notice(health: BackupHealth, status: &BackupStatus) -> Markup {
    html! {
        @match health {
            BackupHealth::Failed => p.error role="alert" { "✖ " (tr!("backup-failed")) ": " (status.error.clone().unwrap_or_default()) },
            BackupHealth::Overdue => p.error role="alert" { "✖ " (tr!("backup-overdue", when = when(status.last_ok_at))) },
            BackupHealth::Never => p.error role="alert" { "! " (tr!("backup-never")) },
            BackupHealth::Ok => p.notice role="status" {
                "✔ " (tr!("backup-last", when = when(status.last_ok_at))) ", "
                (status.last_size.map(size).unwrap_or_default())
                (status.last_duration_ms.map(|ms| format!(", {} s", locale::decimal(ms as f64 / 1000.0, 1))).unwrap_or_default()) "."
            },
        }
        @if let Some(s) = &status.last_stick {
            @if let Some(e) = &s.error {
                p.error role="alert" { "✖ " (tr!("backup-stick", when = when(Some(s.at)))) ": " (e) }
            } @else {
                p.notice role="status" { "✔ " (tr!("backup-stick", when = when(Some(s.at)))) ": " (tr!("backup-stick-ok", count = s.copied.len())) }
            }
        }
    }
}

/// `GET /backups`
pub async fn backups(State(st): State<UiState>, user: WebUser) -> WebResult {
    user.require(user.role().can_manage_users(), "manage backups")?;
    let (store, settings) = (st.store.clone(), st.backup.clone());
    let o = blocking(move || service::backup_overview(&store, &settings)).await?;
    let body = html! {
        (backup_notice(o.health, &o.status))
        dl {
            dt { (tr!("backup-fingerprint")) }
            dd { code.key { (o.fingerprint) } }
            dt { (tr!("backup-encryption")) }
            dd {
                @if o.encrypted { (tr!("backup-encrypted")) }
                @else { (tr!("backup-no-recipients")) " " strong { (tr!("backup-signed-not-encrypted")) } ". " (tr!("backup-set-recipients")) }
            }
            dt { (tr!("backup-schedule")) }
            dd {
                @match o.every {
                    Some(every) => { (tr!("backup-every", hours = every.as_secs() / 3600, keep = o.keep)) }
                    None => { (tr!("backup-on-demand", keep = o.keep)) }
                }
            }
        }
        @if let Some(since) = o.running_since {
            // Look again every few seconds until the bundle is written.
            meta http-equiv="refresh" content="3";
            p.notice role="status" { "⟳ " (tr!("backup-running", when = when(Some(since)))) }
        } @else {
            form.inline method="post" action="/backups" {
                (csrf(&user))
                button.primary type="submit" { (tr!("backup-now")) }
            }
        }
        h2 { (tr!("backup-bundles")) }
        @if o.bundles.is_empty() { p.muted { (tr!("backup-none-yet")) } }
        @else {
            table {
                thead { tr { th { (tr!("backup-sequence")) } th { (tr!("backup-written")) } th { (tr!("backup-size")) } th { (tr!("backup-encrypted-col")) } th { (tr!("backup-result")) } th {} } }
                tbody {
                    @for b in &o.bundles {
                        tr {
                            td { (b.sequence.map_or("—".into(), |s| s.to_string())) }
                            td { (when(Some(b.modified))) }
                            td { (size(b.size)) }
                            td { (if b.encrypted { tr!("yes") } else { tr!("backup-signed-only") }) }
                            td { "✔ " (tr!("backup-written-synced")) }
                            td { a href={"/backups/" (b.name)} download { (tr!("backup-download")) } }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, &tr!("nav-backups"), body))
}

/// `POST /backups`: back up now.
pub async fn back_up_now(
    State(st): State<UiState>,
    user: WebUser,
    Form(f): Form<CsrfForm>,
) -> WebResult {
    user.require(user.role().can_manage_users(), "make backups")?;
    user.check_csrf(&f.csrf)?;
    // Written on a thread of its own: the page shows it running and then its outcome.
    service::start_backup(st.store.clone(), st.backup.clone(), user.actor.clone())?;
    Ok(Redirect::to("/backups").into_response())
}

/// `GET /backups/{name}`: download a bundle.
pub async fn download(
    State(st): State<UiState>,
    user: WebUser,
    Path(name): Path<String>,
) -> WebResult {
    user.require(user.role().can_manage_users(), "download backups")?;
    let not_found = || WebError::NotFound(tr!("backup-no-such-bundle", name = name.as_str()));
    let path = service::backup_path(&st.backup.dir, &name).ok_or_else(not_found)?;
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|_| not_found())?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        Body::from_stream(tokio_util::io::ReaderStream::new(file)),
    )
        .into_response())
}
