//! The matrix: employees × skills with each cell's status.

use axum::extract::State;

use super::error::ErrorBody;
use super::{ApiJson, ApiQuery, ApiResult, ApiState, Principal, heavy};
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
) -> ApiResult<ApiJson<Matrix>> {
    p.require(p.role.can_view_all(), "view the matrix")?;
    let m = heavy(move || service::matrix(&st.store, &filter, jiff::Timestamp::now())).await?;
    Ok(ApiJson(m))
}
