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
