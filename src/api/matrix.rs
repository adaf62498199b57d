//! The matrix: employees × skills with each cell's status.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::error::ErrorBody;
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
    // Judged on the heavy thread, then written out as JSON a few rows at a time while the
    // answer is sent: 5,000 employees × 300 skills are about 30 MB of JSON, which built whole
    // (into a buffer grown by copying) would be the server's largest allocation by far.
    let m: Matrix =
        heavy(move || service::matrix(&st.store, &filter, jiff::Timestamp::now())).await?;
    let pieces = futures_util::stream::iter(json_pieces(m));
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(pieces),
    )
        .into_response())
}

/// Rows of the matrix written per piece of the streamed answer: about 200 KB of JSON on a
/// site of 300 skills, a millisecond or two of work between two writes to the socket.
const ROWS_PER_PIECE: usize = 32;

/// The matrix as JSON in pieces whose concatenation is exactly `serde_json::to_vec(&m)`: the
/// skills first, then the rows [`ROWS_PER_PIECE`] at a time, each row dropped once written.
fn json_pieces(m: Matrix) -> impl Iterator<Item = Result<Bytes, serde_json::Error>> + Send {
    let Matrix { skills, rows } = m;
    let mut head = b"{\"skills\":".to_vec();
    let head = serde_json::to_writer(&mut head, &skills).map(|()| {
        head.extend_from_slice(b",\"rows\":[");
        Bytes::from(head)
    });
    let mut rows = rows.into_iter();
    let (mut first, mut done) = (true, false);
    std::iter::once(head).chain(std::iter::from_fn(move || {
        if done {
            return None;
        }
        let mut piece = Vec::new();
        for row in rows.by_ref().take(ROWS_PER_PIECE) {
            if !first {
                piece.push(b',');
            }
            first = false;
            if let Err(e) = serde_json::to_writer(&mut piece, &row) {
                tracing::error!("cannot write the matrix as JSON: {e}");
                done = true;
                return Some(Err(e));
            }
        }
        if rows.len() == 0 {
            piece.extend_from_slice(b"]}");
            done = true;
        }
        Some(Ok(Bytes::from(piece)))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qualify::SkillStatus;
    use crate::service::{MatrixCell, MatrixRow, MatrixSkill};
    use uuid::Uuid;

    fn matrix(rows: usize) -> Matrix {
        let skills = (0..3)
            .map(|i| MatrixSkill {
                id: Uuid::from_u128(i),
                code: format!("S{i}"),
                name: format!("Skill \"{i}\""),
            })
            .collect();
        let rows = (0..rows)
            .map(|i| MatrixRow {
                employee_id: Uuid::from_u128(1000 + i as u128),
                number: format!("E{i}"),
                name: format!("Näme {i}"),
                status: crate::domain::EmployeeStatus::Active,
                cells: (0..i % 4)
                    .map(|s| MatrixCell {
                        skill: s % 3,
                        status: SkillStatus::Missing,
                        required_level: Some(2),
                        achieved_level: (s % 2 == 0).then_some(1),
                        achieved_at: Some(jiff::Timestamp::from_second(1_700_000_000).unwrap()),
                        expires_at: None,
                    })
                    .collect(),
            })
            .collect();
        Matrix { skills, rows }
    }

    /// The streamed answer is byte for byte the JSON of the whole matrix, with no rows, one
    /// piece of rows, a full piece exactly, and several pieces with a partial last one.
    #[test]
    fn pieces_join_to_the_whole_matrix_json() {
        for n in [0, 1, ROWS_PER_PIECE, ROWS_PER_PIECE * 3 + 5] {
            let m = matrix(n);
            let whole = serde_json::to_vec(&m).unwrap();
            let pieces: Vec<Bytes> = json_pieces(m).map(|p| p.unwrap()).collect();
            assert!(
                pieces.len() > n / ROWS_PER_PIECE,
                "{n} rows in {} pieces",
                pieces.len()
            );
            assert_eq!(pieces.concat(), whole, "{n} rows");
        }
    }
}
