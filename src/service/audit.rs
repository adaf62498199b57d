//! Reading the audit trail: one filter for the API and the web UI, so both show the same
//! events for the same question.

use jiff::Timestamp;
use uuid::Uuid;

use super::Result;
use crate::domain::AuditEvent;
use crate::store::Store;

/// Most events one query returns.
pub const MAX_AUDIT_PAGE: usize = 5000;

/// Which audit events to show. Every set field must match.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this entity kind, e.g. `certification` (exact).
    pub entity: Option<String>,
    /// Only this record.
    pub entity_id: Option<Uuid>,
    /// Only actors whose name contains this text, ignoring case (a person types part of an
    /// email; an exact name matches too).
    pub actor: Option<String>,
    /// From this instant on.
    pub from: Option<Timestamp>,
    /// Up to this instant.
    pub to: Option<Timestamp>,
    /// At most this many (capped at [`MAX_AUDIT_PAGE`]).
    pub limit: usize,
}

impl AuditFilter {
    /// Whether `e` passes every set field.
    pub fn matches(&self, e: &AuditEvent) -> bool {
        self.entity.as_ref().is_none_or(|x| &e.entity == x)
            && self.entity_id.is_none_or(|x| e.entity_id == Some(x))
            && self
                .actor
                .as_ref()
                .is_none_or(|x| e.actor.to_lowercase().contains(&x.trim().to_lowercase()))
            && self.from.is_none_or(|x| e.at >= x)
            && self.to.is_none_or(|x| e.at <= x)
    }
}

/// Matching events, newest first, read from the newest backwards (a page costs what it
/// shows plus what it skips, not the whole history).
pub fn audit_log(store: &Store, filter: &AuditFilter) -> Result<Vec<AuditEvent>> {
    let limit = filter.limit.min(MAX_AUDIT_PAGE);
    let mut out = Vec::new();
    store.read()?.audit_newest_first(|e| {
        if filter.matches(&e) {
            out.push(without_secrets(e));
        }
        out.len() < limit
    })?;
    Ok(out)
}

/// Fields of stored records that are secrets. The audit trail keeps them (the hash chain
/// covers the exact values), but wherever the trail is read they show as `"[secret]"`: an
/// auditor must not be able to copy a badge token out of an employee's history.
pub const SECRET_FIELDS: &[&str] = &["badge_token", "key_hash", "token_hash", "password_hash"];

/// `e` with every [`SECRET_FIELDS`] value in its old and new values hidden.
pub fn without_secrets(mut e: AuditEvent) -> AuditEvent {
    for value in [&mut e.old_value, &mut e.new_value].into_iter().flatten() {
        if let Ok(mut v) = serde_json::from_str::<serde_json::Value>(value)
            && hide_secrets(&mut v)
        {
            *value = v.to_string();
        }
    }
    e
}

/// Replace every secret field in `v`; whether any was found.
fn hide_secrets(v: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    match v {
        Value::Object(fields) => {
            let mut found = false;
            for (name, x) in fields.iter_mut() {
                if SECRET_FIELDS.contains(&name.as_str()) {
                    *x = Value::String("[secret]".into());
                    found = true;
                } else {
                    found |= hide_secrets(x);
                }
            }
            found
        }
        Value::Array(items) => items.iter_mut().fold(false, |f, x| hide_secrets(x) | f),
        _ => false,
    }
}

/// The entity kinds that occur in the audit trail, sorted (for a filter list).
pub fn audit_entities(store: &Store) -> Result<Vec<String>> {
    let mut kinds = std::collections::BTreeSet::new();
    store.read()?.audit_newest_first(|e| {
        kinds.insert(e.entity);
        true
    })?;
    Ok(kinds.into_iter().collect())
}
