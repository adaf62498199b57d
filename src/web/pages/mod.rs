//! The supervisor pages. Each handler: check the role, run the service call off the async
//! threads, render.

mod account;
mod admin;
mod approvals;
mod backups;
mod catalog;
mod certs;
mod dashboard;
mod due;
mod employees;
mod imports;
mod matrix;
mod training;

pub use account::{account, set_language};
pub use admin::{
    audit, audit_csv, create_station, create_user, rotate_key, station_screen, stations,
    unlock_user, update_user, users,
};
pub use approvals::{approvals, approve, reject};
pub use backups::{back_up_now, backups, download as download_backup};
pub use catalog::{
    activate, activation_preview, create_requirement, create_revision, create_skill,
    delete_requirement, requirements, rollback, skill, skills, update_requirement, update_skill,
};
pub use certs::{
    CERTIFY_BODY_LIMIT, attachment, certify, certify_form, certify_script, revoke, revoke_form,
};
pub use dashboard::{dashboard, me};
pub use due::{due, due_csv};
pub use employees::{
    create_employee, edit_employee, employee, employees, new_employee, regenerate_badge,
    update_employee,
};
/// The employee list's filter fields, which the badge sheet shares.
pub(crate) use employees::{options as filter_options, select as filter_select};
pub use imports::{
    MAX_UPLOAD_BODY, StagedImports, commit as import_commit, export as export_records, imports,
    preview as import_preview,
};
pub use matrix::{matrix, matrix_cell, matrix_csv};
pub use training::{training, training_csv, training_sheet};

use super::layout::WebError;
use crate::service::ServiceError;

/// Run store work on a blocking thread.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ServiceError> + Send + 'static,
) -> Result<T, WebError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| WebError::Internal)?
        .map_err(WebError::from)
}

/// Run CPU-heavy page work (the matrix, its CSV, badge sheets) within the server-wide bound
/// of [`crate::http::heavy`], shared with the API.
pub(crate) async fn heavy<T: Send + 'static, E: Into<WebError> + Send + 'static>(
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, WebError> {
    crate::http::heavy(f)
        .await
        .map_err(|_| WebError::Internal)?
        .map_err(Into::into)
}

/// An optional id from a form select ("" means none).
pub(crate) fn opt_id(s: &str) -> Result<Option<uuid::Uuid>, WebError> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        s.trim()
            .parse()
            .map(Some)
            .map_err(|_| WebError::Invalid(format!("'{s}' is not a valid choice")))
    }
}

/// An optional number of days from a filter form ("" means the page's default).
pub(crate) fn opt_days(s: &str) -> Result<Option<i64>, WebError> {
    match s.trim() {
        "" => Ok(None),
        d => d
            .parse()
            .map(Some)
            .map_err(|_| WebError::Invalid(super::locale::tr!("days-not-a-number", days = d))),
    }
}

/// The live records of a kind, sorted by name: the choices a form or filter offers.
pub(crate) fn live_by_name<T: crate::store::Record>(
    records: &std::collections::HashMap<uuid::Uuid, T>,
    name: impl Fn(&T) -> &str,
) -> Vec<&T> {
    let mut v: Vec<&T> = records.values().filter(|r| r.is_live()).collect();
    v.sort_by(|a, b| name(a).cmp(name(b)));
    v
}

/// [`live_by_name`] as (id, name) pairs for a `<select>`.
pub(crate) fn choices<T: crate::store::Record>(
    records: &std::collections::HashMap<uuid::Uuid, T>,
    name: impl Fn(&T) -> &str,
) -> Vec<(uuid::Uuid, String)> {
    live_by_name(records, &name)
        .into_iter()
        .map(|r| (r.id(), name(r).to_owned()))
        .collect()
}

/// One filter of the Due page and the training plan: a `<select>` named `name` inside its
/// label, "all" first, then the `options` by id, `chosen` selected.
pub(crate) fn filter_choice(
    name: &str,
    label: String,
    options: &[(uuid::Uuid, String)],
    chosen: &str,
) -> maud::Markup {
    maud::html! {
        label { (label) " "
            select name=(name) {
                option value="" { (super::locale::tr!("due-all")) }
                @for (id, text) in options {
                    @let v = id.to_string();
                    option value=(v) selected[v == chosen] { (text) }
                }
            }
        }
    }
}

/// A query string of the non-empty `pairs` (`skill=…&line=…`), values percent-encoded: the
/// links that carry a page's filters to its CSV, its sheet or another page.
pub(crate) fn query_string(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", super::layout::urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A CSV download named `name`: the header, then the rows, every cell guarded against
/// running as a spreadsheet formula (names and notes are typed by people).
pub(crate) fn csv_download<const N: usize>(
    name: &str,
    header: [&str; N],
    rows: impl IntoIterator<Item = [String; N]>,
) -> super::layout::WebResult {
    let fail = |e: csv::Error| {
        tracing::error!("{name}: {e}");
        WebError::Internal
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(fail)?;
    for row in rows {
        w.write_record(
            row.iter()
                .map(|c| crate::service::guard_formula(c).into_owned()),
        )
        .map_err(fail)?;
    }
    let bytes = w.into_inner().map_err(|_| WebError::Internal)?;
    Ok(csv_file(name, bytes))
}

/// CSV bytes as a download named `name`.
pub(crate) fn csv_file(name: &str, bytes: Vec<u8>) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}
