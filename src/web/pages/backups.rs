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

/// A size for people: bytes, KB, MB or GB.
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.1} GB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{} KB", b >> 10),
        b => format!("{b} B"),
    }
}

/// A time for people, to the minute, in UTC.
fn when(t: Option<jiff::Timestamp>) -> String {
    t.map(|t| t.strftime("%-d %b %Y %H:%M UTC").to_string())
        .unwrap_or_else(|| "—".into())
}

/// The backup warning or state line the dashboard and the backups page show.
pub fn backup_notice(health: BackupHealth, status: &BackupStatus) -> Markup {
    html! {
        @match health {
            BackupHealth::Failed => p.error role="alert" { "✖ The last backup FAILED: " (status.error.clone().unwrap_or_default()) },
            BackupHealth::Overdue => p.error role="alert" { "✖ Backups are OVERDUE: the last good one is from " (when(status.last_ok_at)) "." },
            BackupHealth::Never => p.error role="alert" { "! No backup has been made on this box yet." },
            BackupHealth::Ok => p.notice role="status" {
                "✔ Last backup " (when(status.last_ok_at)) ", "
                (status.last_size.map(size).unwrap_or_default())
                (status.last_duration_ms.map(|ms| format!(", {:.1} s", ms as f64 / 1000.0)).unwrap_or_default()) "."
            },
        }
        @if let Some(s) = &status.last_stick {
            @if let Some(e) = &s.error {
                p.error role="alert" { "✖ USB stick " (when(Some(s.at))) ": " (e) }
            } @else {
                p.notice role="status" { "✔ USB stick " (when(Some(s.at))) ": " (s.copied.len()) " bundle(s) copied and verified, safe to remove." }
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
            dt { "Device key fingerprint (enrol it at the central archive)" }
            dd { code.key { (o.fingerprint) } }
            dt { "Encryption" }
            dd {
                @if o.encrypted { "Recipients configured: bundles are signed and encrypted to the archive's key (age), so a lost stick leaks nothing." }
                @else { "No recipients configured: bundles are " strong { "signed but not encrypted" } ". Set backup_recipients in /etc/caliber/caliber.toml to the archive's age recipient." }
            }
            dt { "Schedule" }
            dd {
                @match o.every {
                    Some(every) => { "every " (every.as_secs() / 3600) " h, newest " (o.keep) " kept" }
                    None => { "on demand only, newest " (o.keep) " kept" }
                }
            }
        }
        @if let Some(since) = o.running_since {
            // Look again every few seconds until the bundle is written.
            meta http-equiv="refresh" content="3";
            p.notice role="status" { "⟳ A backup is being written (started " (when(Some(since))) "). This page updates itself when it is done." }
        } @else {
            form.inline method="post" action="/backups" {
                (csrf(&user))
                button.primary type="submit" { "Back up now" }
            }
        }
        h2 { "Bundles on this box" }
        @if o.bundles.is_empty() { p.muted { "None yet." } }
        @else {
            table {
                thead { tr { th { "Sequence" } th { "Written" } th { "Size" } th { "Encrypted" } th { "Result" } th {} } }
                tbody {
                    @for b in &o.bundles {
                        tr {
                            td { (b.sequence.map_or("—".into(), |s| s.to_string())) }
                            td { (when(Some(b.modified))) }
                            td { (size(b.size)) }
                            td { (if b.encrypted { "yes" } else { "no, signed only" }) }
                            td { "✔ written and synced" }
                            td { a href={"/backups/" (b.name)} download { "Download" } }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, "Backups", body))
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
    let not_found = || WebError::NotFound(format!("There is no bundle named {name}."));
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
