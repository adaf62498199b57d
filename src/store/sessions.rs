//! Server-side web sessions. The cookie carries a random id; the store keeps only its hash,
//! so a copy of the database does not let anyone log in.

use jiff::Timestamp;
use redb::{ReadableTable, ReadableTableMetadata};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::tables::SESSIONS;
use super::{Reader, Store, StoreError, Writer, decode, encode};

/// A logged-in browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Who.
    pub user_id: Uuid,
    /// The token every form must carry back (CSRF).
    pub csrf: String,
    /// When the session began (absolute timeout).
    #[serde(with = "crate::domain::ts")]
    pub created_at: Timestamp,
    /// Last request (idle timeout).
    #[serde(with = "crate::domain::ts")]
    pub last_seen: Timestamp,
}

impl Writer {
    /// Store a session under the hash of its id.
    pub fn put_session(&mut self, id_hash: &str, session: &Session) -> Result<(), StoreError> {
        let mut t = self.tx.open_table(SESSIONS)?;
        t.insert(id_hash, encode("session", session)?.as_slice())?;
        Ok(())
    }

    /// Remove a session (logout, expiry).
    pub fn delete_session(&mut self, id_hash: &str) -> Result<(), StoreError> {
        let mut t = self.tx.open_table(SESSIONS)?;
        t.remove(id_hash)?;
        Ok(())
    }

    /// Remove every session of a user (disabled, password changed).
    pub fn delete_sessions_of(&mut self, user: Uuid) -> Result<usize, StoreError> {
        let mut t = self.tx.open_table(SESSIONS)?;
        let mut doomed = Vec::new();
        for row in t.iter()? {
            let (k, v) = row?;
            let s: Session = decode("session", v.value())?;
            if s.user_id == user {
                doomed.push(k.value().to_owned());
            }
        }
        for k in &doomed {
            t.remove(k.as_str())?;
        }
        Ok(doomed.len())
    }
}

impl Reader {
    /// A session by the hash of its id.
    pub fn session(&self, id_hash: &str) -> Result<Option<Session>, StoreError> {
        let t = self.tx.open_table(SESSIONS)?;
        t.get(id_hash)?
            .map(|g| decode("session", g.value()))
            .transpose()
    }

    /// Number of stored sessions.
    pub fn session_count(&self) -> Result<u64, StoreError> {
        Ok(self.tx.open_table(SESSIONS)?.len()?)
    }
}

impl Store {
    /// Record activity on a session without an audit event (sessions are not records an
    /// auditor asks about; logins and logouts are audited by the caller).
    pub fn touch_session(&self, id_hash: &str, session: &Session) -> Result<(), StoreError> {
        self.write_unaudited(|w| w.put_session(id_hash, session))
    }

    /// Forget a session without an audit event (expiry).
    pub fn expire_session(&self, id_hash: &str) -> Result<(), StoreError> {
        self.write_unaudited(|w| w.delete_session(id_hash))
    }

    /// Remove every session for which `expired(session)` holds (idle or too old), without an
    /// audit event; returns how many went. Run periodically so abandoned sessions do not
    /// accumulate in the file.
    pub fn remove_sessions(&self, expired: impl Fn(&Session) -> bool) -> Result<usize, StoreError> {
        let mut removed = 0;
        self.write_unaudited(|w| {
            let mut t = w.tx.open_table(SESSIONS)?;
            let mut doomed = Vec::new();
            for row in t.iter()? {
                let (k, v) = row?;
                let s: Session = decode("session", v.value())?;
                if expired(&s) {
                    doomed.push(k.value().to_owned());
                }
            }
            for k in &doomed {
                t.remove(k.as_str())?;
            }
            removed = doomed.len();
            Ok(())
        })?;
        Ok(removed)
    }
}
