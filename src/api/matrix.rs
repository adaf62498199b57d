//! The matrix: employees × skills with each cell's status.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::error::{ApiError, ErrorBody};
use super::{ApiQuery, ApiResult, ApiState, Principal, heavy};
use crate::service::{self, Matrix, MatrixFilter};

#[utoipa::path(get, path = "/api/v1/matrix", tag = "reports", params(MatrixFilter),
    responses((status = 200, body = Matrix), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
/// Employees × skills with each cell's status, filtered.
pub async fn matrix(
    State(st): State<ApiState>,
    p: Principal,
    ApiQuery(filter): ApiQuery<MatrixFilter>,
) -> ApiResult<Response> {
    p.require(p.role.can_view_all(), "view the matrix")?;
    // Judged and written out as JSON on the heavy thread, the matrix dropped before the
    // answer is sent: 1,000 employees × 300 skills are about 30 MB of JSON, which would
    // otherwise be written on a thread that answers scans, into a buffer grown by copying.
    let json = heavy(move || {
        let m: Matrix = service::matrix(&st.store, &filter, jiff::Timestamp::now())?;
        Ok(serde_json::to_vec(&m))
    })
    .await?
    .map_err(|e| {
        tracing::error!("cannot write the matrix as JSON: {e}");
        ApiError::internal()
    })?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}
