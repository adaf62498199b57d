//! Logins and web sessions: the rules behind the login form and the session cookie, so the
//! web layer only carries cookies. A session is stored by the hash of its secret; the secret
//! itself only ever exists in the user's cookie.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use super::{Result, ServiceError, new_secret, secret_hash, verify_login};
use crate::domain::User;
use crate::store::{Actor, Session, Store};

/// How long sessions live.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    /// A session unused for this long ends.
    pub idle: Duration,
    /// A session ends this long after login, used or not.
    pub absolute: Duration,
}

/// A login that succeeded.
#[derive(Debug)]
pub struct LoginOutcome {
    /// Who logged in.
    pub user: User,
    /// The session secret for the cookie (stored only as its hash).
    pub secret: String,
}

/// A live session and its user.
#[derive(Debug, Clone)]
pub struct LiveSession {
    /// The session.
    pub session: Session,
    /// Its user (active).
    pub user: User,
    /// Hash of the session secret (what the store keys sessions by).
    pub hash: String,
}

/// Check a login and open a session. A success and a failure are both audited (the failure
/// best effort: a full disk must not turn a wrong password into a server error).
pub fn login(store: &Store, actor: &Actor, email: &str, password: &str) -> Result<LoginOutcome> {
    let verdict = verify_login(&store.read()?, email, password);
    match verdict {
        Ok(user) => {
            let secret = new_secret("s");
            let now = Timestamp::now();
            let session = Session {
                user_id: user.id,
                csrf: new_secret("csrf"),
                created_at: now,
                last_seen: now,
            };
            let actor = Actor {
                name: user.email.clone(),
                ..actor.clone()
            };
            store.write(&actor, |w| {
                w.put_session(&secret_hash(&secret), &session)?;
                w.audit(
                    "user.login",
                    "user",
                    Some(user.id),
                    None::<&()>,
                    None::<&()>,
                )?;
                Ok::<_, ServiceError>(())
            })?;
            Ok(LoginOutcome { user, secret })
        }
        Err(e) => {
            if let Err(audit) = store.write(actor, |w| {
                w.audit("user.login_failed", "user", None, None::<&()>, None::<&()>)
            }) {
                tracing::warn!("could not audit a failed login: {audit}");
            }
            Err(e)
        }
    }
}

/// The live session behind a cookie secret, refreshing its last use; an expired session or
/// one whose user was disabled is removed and gives `None`.
pub fn resume(store: &Store, secret: &str, limits: SessionLimits) -> Result<Option<LiveSession>> {
    let hash = secret_hash(secret);
    let r = store.read()?;
    let Some(mut session) = r.session(&hash)? else {
        return Ok(None);
    };
    let user: Option<User> = r.get(session.user_id)?;
    drop(r);
    let now = Timestamp::now();
    match user {
        Some(user) if user.active && !has_expired(&session, limits, now) => {
            if session.last_seen.duration_until(now) > SignedDuration::from_secs(30) {
                session.last_seen = now;
                store.touch_session(&hash, &session)?;
            }
            Ok(Some(LiveSession {
                session,
                user,
                hash,
            }))
        }
        _ => {
            store.expire_session(&hash)?;
            Ok(None)
        }
    }
}

/// Whether `session` has ended at `now` under `limits`.
fn has_expired(session: &Session, limits: SessionLimits, now: Timestamp) -> bool {
    let idle = SignedDuration::try_from(limits.idle).unwrap_or(SignedDuration::MAX);
    let absolute = SignedDuration::try_from(limits.absolute).unwrap_or(SignedDuration::MAX);
    session.last_seen.duration_until(now) > idle
        || session.created_at.duration_until(now) > absolute
}

/// Remove every session that has ended at `now` (the server runs this periodically).
pub fn remove_expired_sessions(
    store: &Store,
    limits: SessionLimits,
    now: Timestamp,
) -> Result<usize> {
    Ok(store.remove_sessions(|s| has_expired(s, limits, now))?)
}

/// End one session (log out), audited.
pub fn logout(store: &Store, actor: &Actor, session_hash: &str, user: Uuid) -> Result<()> {
    store.write(actor, |w| {
        w.delete_session(session_hash)?;
        w.audit("user.logout", "user", Some(user), None::<&()>, None::<&()>)?;
        Ok(())
    })
}
