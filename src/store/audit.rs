//! The audit chain: each event's hash covers its fields and its predecessor's hash, so an
//! edited, inserted or removed event is found by [`verify_chain`].

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::domain::AuditEvent;

/// `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The last event of the chain, kept in the meta table so a removed tail is noticed too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChainHead {
    /// Sequence number of the last event (0 when there is none).
    pub seq: u64,
    /// Its hash ([`GENESIS`] when there is none).
    pub hash: String,
}

impl Default for ChainHead {
    fn default() -> Self {
        ChainHead {
            seq: 0,
            hash: GENESIS.to_owned(),
        }
    }
}

/// The fields an event's hash covers, in a fixed order.
#[derive(Serialize)]
struct Hashed<'a> {
    seq: u64,
    at_ms: i64,
    actor: &'a str,
    action: &'a str,
    entity: &'a str,
    entity_id: Option<uuid::Uuid>,
    old_value: Option<&'a str>,
    new_value: Option<&'a str>,
    ip: Option<&'a str>,
    user_agent: Option<&'a str>,
    prev_hash: &'a str,
}

/// The hash an event should carry.
pub fn event_hash(e: &AuditEvent) -> String {
    let h = Hashed {
        seq: e.seq,
        at_ms: e.at.as_millisecond(),
        actor: &e.actor,
        action: &e.action,
        entity: &e.entity,
        entity_id: e.entity_id,
        old_value: e.old_value.as_deref(),
        new_value: e.new_value.as_deref(),
        ip: e.ip.as_deref(),
        user_agent: e.user_agent.as_deref(),
        prev_hash: &e.prev_hash,
    };
    // Serializing a struct of strings and integers cannot fail.
    let bytes = serde_json::to_vec(&h).unwrap_or_default();
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    ::hex::encode(bytes)
}

/// The outcome of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ChainReport {
    /// Whether every event is intact and none is missing.
    pub intact: bool,
    /// Number of events checked.
    pub events: u64,
    /// The first event found broken (or where one is missing).
    pub first_broken_seq: Option<u64>,
    /// What is wrong, in words.
    pub problem: Option<String>,
}

/// Check events (in sequence order) against each other and against the recorded head.
pub fn verify_chain(events: impl IntoIterator<Item = AuditEvent>, head: &ChainHead) -> ChainReport {
    let mut expected_prev = GENESIS.to_owned();
    let mut expected_seq = 1;
    let mut count = 0;
    let broken = |seq: u64, count: u64, problem: String| ChainReport {
        intact: false,
        events: count,
        first_broken_seq: Some(seq),
        problem: Some(problem),
    };
    for e in events {
        count += 1;
        if e.seq != expected_seq {
            return broken(
                expected_seq,
                count,
                format!("event {expected_seq} is missing (found {} next)", e.seq),
            );
        }
        if e.prev_hash != expected_prev {
            return broken(
                e.seq,
                count,
                format!("event {} does not follow its predecessor", e.seq),
            );
        }
        if event_hash(&e) != e.hash {
            return broken(
                e.seq,
                count,
                format!("event {} was altered after it was written", e.seq),
            );
        }
        expected_prev = e.hash;
        expected_seq += 1;
    }
    if head.seq != expected_seq - 1 || head.hash != expected_prev {
        return broken(
            expected_seq,
            count,
            format!(
                "the chain ends at event {} but {} events were written",
                expected_seq - 1,
                head.seq
            ),
        );
    }
    ChainReport {
        intact: true,
        events: count,
        first_broken_seq: None,
        problem: None,
    }
}

/// File name of the audit key in the data directory.
pub const AUDIT_KEY_FILE: &str = "audit-key";

const AUDIT_KEY_HEADER: &str = "caliber-audit-key-v1";

/// The box's secret for sealing the audit chain's head. A hash chain alone can be rebuilt
/// by anyone who edits the store file; the seal (an HMAC of the head under this key, kept in
/// the data directory beside the store, mode 0600) cannot be made without the key, so an
/// edited history no longer verifies even when every hash was recomputed.
pub struct AuditKey([u8; 32]);

impl AuditKey {
    /// The key of `dir`, made and saved (0600, durably) if there is none; `true` when it was
    /// made now.
    pub fn load_or_create(
        dir: &std::path::Path,
    ) -> Result<(AuditKey, bool), crate::store::StoreError> {
        use std::io::Write;
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let path = dir.join(AUDIT_KEY_FILE);
        let io = |context: String| {
            move |source: std::io::Error| crate::store::StoreError::Io { context, source }
        };
        if let Some(key) = AuditKey::load(&path)? {
            return Ok((key, false));
        }
        let mut bytes = [0u8; 32];
        {
            use rand::TryRngCore;
            rand::rngs::OsRng.try_fill_bytes(&mut bytes).map_err(|e| {
                io("cannot get random bytes for the audit key".into())(std::io::Error::other(e))
            })?;
        }
        let tmp = dir.join(format!(
            ".{AUDIT_KEY_FILE}.{}.{}",
            std::process::id(),
            uuid::Uuid::now_v7().simple()
        ));
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(io(format!("cannot create {}", tmp.display())))?;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(io(format!("cannot restrict {}", tmp.display())))?;
        f.write_all(format!("{AUDIT_KEY_HEADER}\n{}\n", hex(&bytes)).as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(io(format!("cannot write {}", tmp.display())))?;
        drop(f);
        // A hard link never replaces: whoever links first made the key, the other loads it.
        let made = std::fs::hard_link(&tmp, &path);
        let _ = std::fs::remove_file(&tmp);
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        match made {
            Ok(()) => Ok((AuditKey(bytes), true)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let key = AuditKey::load(&path)?.ok_or_else(|| crate::store::StoreError::Io {
                    context: format!("{} vanished while it was made", path.display()),
                    source: std::io::Error::from(std::io::ErrorKind::NotFound),
                })?;
                Ok((key, false))
            }
            Err(e) => Err(io(format!("cannot save {}", path.display()))(e)),
        }
    }

    fn load(path: &std::path::Path) -> Result<Option<AuditKey>, crate::store::StoreError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(crate::store::StoreError::Io {
                    context: format!("cannot read {}", path.display()),
                    source,
                });
            }
        };
        let mut lines = text.lines();
        let key = (lines.next() == Some(AUDIT_KEY_HEADER))
            .then(|| lines.next())
            .flatten()
            .and_then(|l| ::hex::decode(l.trim()).ok())
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| crate::store::StoreError::Io {
                context: format!(
                    "{} is not a Caliber audit key or is damaged",
                    path.display()
                ),
                source: std::io::Error::from(std::io::ErrorKind::InvalidData),
            })?;
        Ok(Some(AuditKey(key)))
    }

    fn mac(&self, head: &ChainHead) -> hmac::Hmac<Sha256> {
        use hmac::Mac;
        // Any key length is accepted by HMAC; 32 bytes cannot fail.
        let mut mac = <hmac::Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
        mac.update(format!("caliber-audit-seal-v1\n{}\n{}", head.seq, head.hash).as_bytes());
        mac
    }

    /// The seal of `head`.
    pub fn seal(&self, head: &ChainHead) -> ChainSeal {
        use hmac::Mac;
        ChainSeal {
            seq: head.seq,
            hash: head.hash.clone(),
            mac: hex(&self.mac(head).finalize().into_bytes()),
        }
    }

    /// Whether `seal` was made with this key for exactly `head`.
    pub fn verifies(&self, seal: &ChainSeal, head: &ChainHead) -> bool {
        use hmac::Mac;
        if seal.seq != head.seq || seal.hash != head.hash {
            return false;
        }
        match ::hex::decode(&seal.mac) {
            Ok(bytes) => self.mac(head).verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }
}

/// The chain's head sealed with the box's [`AuditKey`], kept in the meta table and renewed
/// with every audit event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChainSeal {
    /// The sealed head's sequence number.
    pub seq: u64,
    /// The sealed head's hash.
    pub hash: String,
    /// HMAC-SHA256 of both under the audit key, hex.
    pub mac: String,
}

/// Recorded, once and for good, when a write found the seal not matching the chain: the
/// next seal would hide it otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SealBreak {
    /// The head the bad seal was found at.
    pub seq: u64,
    /// When.
    pub found_at: jiff::Timestamp,
}
