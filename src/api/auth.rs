//! Who is calling: a bearer API token (role-carrying), or a station key for scans.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use uuid::Uuid;

use super::{ApiError, ApiState};
use crate::domain::AppRole;
use crate::store::Actor;

/// An authenticated caller with an app role. Every handler takes one and checks its role
/// before doing anything.
#[derive(Debug, Clone)]
pub struct Principal {
    /// User email or token name.
    pub name: String,
    /// What they may do.
    pub role: AppRole,
    /// The employee they are, if linked (for "own qualifications").
    pub employee_id: Option<Uuid>,
    /// Client address.
    pub ip: Option<String>,
    /// Client user agent.
    pub user_agent: Option<String>,
}

impl Principal {
    /// The audit actor for this caller.
    pub fn actor(&self) -> Actor {
        Actor {
            name: self.name.clone(),
            ip: self.ip.clone(),
            user_agent: self.user_agent.clone(),
            user_id: None,
        }
    }

    /// Refuse with 403 unless `allowed`.
    pub fn require(&self, allowed: bool, action: &str) -> Result<(), ApiError> {
        if allowed {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "role '{}' may not {action}",
                self.role
            )))
        }
    }
}

/// The bearer secret of a request, if any.
pub fn bearer(parts: &Parts) -> Option<&str> {
    let v = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

impl FromRequestParts<ApiState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
        let (ip, user_agent) = crate::http::client(parts);
        let secret = bearer(parts).ok_or_else(|| {
            ApiError::unauthorized("send an API token as 'Authorization: Bearer <token>'")
        })?;
        let r = state
            .store
            .read()
            .map_err(crate::service::ServiceError::from)?;
        let token = crate::service::authenticate_token(&r, secret)?;
        Ok(Principal {
            name: format!("token:{}", token.name),
            role: token.role,
            employee_id: None,
            ip,
            user_agent,
        })
    }
}

/// A caller who may or may not have sent a token: `None` without one, a 401 for a wrong one.
impl axum::extract::OptionalFromRequestParts<ApiState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &ApiState,
    ) -> Result<Option<Self>, ApiError> {
        if bearer(parts).is_none() {
            return Ok(None);
        }
        <Principal as FromRequestParts<ApiState>>::from_request_parts(parts, state)
            .await
            .map(Some)
    }
}

/// An authenticated station: its key, from `Authorization: Bearer stn_…` or `X-Station-Key`,
/// checked against the store before the request body is read (a made-up key never gets to
/// make the server buffer a body).
#[derive(Debug, Clone)]
pub struct StationKey(pub String);

impl FromRequestParts<ApiState> for StationKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
        let key = parts
            .headers
            .get("x-station-key")
            .and_then(|v| v.to_str().ok())
            .or_else(|| bearer(parts))
            .ok_or_else(|| {
                ApiError::unauthorized("send the station key as 'Authorization: Bearer <key>'")
            })?
            .trim()
            .to_owned();
        let store = state.store.clone();
        let k = key.clone();
        super::blocking(move || crate::service::authenticate_station(&store.read()?, &k)).await?;
        Ok(StationKey(key))
    }
}

/// A station request: the key is checked before the body `B` is read. A refused request's
/// body is still read and thrown away (never buffered), up to [`DRAIN_LIMIT`] and
/// [`DRAIN_TIME`], so that a kiosk with a wrong key receives the 401 instead of a connection
/// reset (a socket closed with unread data resets, and the answer is lost).
#[derive(Debug)]
pub struct StationRequest<B>(pub StationKey, pub B);

/// How much of a refused station request's body is read and discarded before closing.
pub const DRAIN_LIMIT: usize = 4 * 1024 * 1024;

/// How long a refused station request's body is read before closing.
pub const DRAIN_TIME: Duration = Duration::from_secs(2);

impl<B> FromRequest<ApiState> for StationRequest<B>
where
    B: FromRequest<ApiState>,
    ApiError: From<B::Rejection>,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &ApiState) -> Result<Self, ApiError> {
        let (mut parts, body) = req.into_parts();
        match StationKey::from_request_parts(&mut parts, state).await {
            Ok(key) => {
                let body = B::from_request(Request::from_parts(parts, body), state).await?;
                Ok(StationRequest(key, body))
            }
            Err(refused) => {
                let _ = tokio::time::timeout(DRAIN_TIME, discard(body, DRAIN_LIMIT)).await;
                Err(refused)
            }
        }
    }
}

/// Read and drop up to `limit` bytes of `body`.
async fn discard(body: Body, limit: usize) {
    use http_body_util::BodyExt;
    let mut body = body;
    let mut seen = 0usize;
    while seen <= limit {
        match body.frame().await {
            Some(Ok(frame)) => seen += frame.data_ref().map_or(0, |d| d.len()),
            _ => break,
        }
    }
}
