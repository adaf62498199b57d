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

/// One audit event as a person reads it: which record by name, and only what changed.
#[derive(Debug, Clone)]
pub struct AuditRow {
    /// The event itself.
    pub event: AuditEvent,
    /// The record by name, e.g. `Maria Gonzalez` or `Maria Gonzalez · Forklift Operation`.
    pub record: String,
    /// Changed fields as (field, old, new), values shortened; a creation lists its fields
    /// with an empty old value, a deletion with an empty new one.
    pub changes: Vec<(String, String, String)>,
}

/// Longest value shown in a change, in characters.
const MAX_CHANGE_VALUE: usize = 120;

fn short(v: &serde_json::Value) -> String {
    let s = match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    if s.chars().count() > MAX_CHANGE_VALUE {
        let cut: String = s.chars().take(MAX_CHANGE_VALUE).collect();
        format!("{cut}…")
    } else {
        s
    }
}

/// Fields that differ between the old and the new value of an event.
fn changes(e: &AuditEvent) -> Vec<(String, String, String)> {
    let parse = |v: &Option<String>| -> serde_json::Map<String, serde_json::Value> {
        match v.as_deref().map(serde_json::from_str::<serde_json::Value>) {
            Some(Ok(serde_json::Value::Object(m))) => m,
            _ => serde_json::Map::new(),
        }
    };
    let (old, new) = (parse(&e.old_value), parse(&e.new_value));
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    let null = serde_json::Value::Null;
    keys.into_iter()
        .filter(|k| !k.ends_with("hash") && k.as_str() != "id")
        .filter_map(|k| {
            let (o, n) = (old.get(k).unwrap_or(&null), new.get(k).unwrap_or(&null));
            (o != n).then(|| (k.clone(), short(o), short(n)))
        })
        .filter(|(_, o, n)| !(o.is_empty() && n.is_empty() || o == "[]" && n.is_empty()))
        .collect()
}

/// The name of the record an event is about, from its own values or, for a certification,
/// its employee and skill.
fn record_name(
    r: &crate::store::Reader,
    catalog: &crate::qualify::Catalog,
    e: &AuditEvent,
) -> Result<String> {
    let value = e
        .new_value
        .as_deref()
        .or(e.old_value.as_deref())
        .and_then(|v| serde_json::from_str::<serde_json::Value>(v).ok());
    let field = |k: &str| {
        value
            .as_ref()
            .and_then(|v| v.get(k))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let id = |k: &str| field(k).and_then(|s| s.parse::<Uuid>().ok());
    if let (Some(emp), Some(skill)) = (id("employee_id"), id("skill_id")) {
        let who = r
            .get::<crate::domain::Employee>(emp)?
            .map_or_else(|| emp.to_string(), |x| x.name);
        let what = catalog
            .skills
            .get(&skill)
            .map_or_else(|| skill.to_string(), |s| s.name.clone());
        return Ok(format!("{who} · {what}"));
    }
    Ok(["name", "label", "email", "number", "code"]
        .into_iter()
        .find_map(field)
        .or_else(|| e.entity_id.map(|i| i.to_string()))
        .unwrap_or_else(|| "—".into()))
}

/// One page of matching events, newest first, as readable rows: `record` (optional) keeps
/// events whose record name or id contains it; `offset` skips that many matches. Also says
/// whether more follow.
pub fn audit_page(
    store: &Store,
    filter: &AuditFilter,
    record: Option<&str>,
    offset: usize,
) -> Result<(Vec<AuditRow>, bool)> {
    let limit = filter.limit.clamp(1, MAX_AUDIT_PAGE);
    let needle = record
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty());
    let catalog = store.catalog();
    let r = store.read()?;
    let mut rows = Vec::new();
    let (mut skipped, mut more) = (0usize, false);
    let mut failure = None;
    r.audit_newest_first(|e| {
        if !filter.matches(&e) {
            return true;
        }
        let name = match record_name(&r, &catalog, &e) {
            Ok(n) => n,
            Err(err) => {
                failure = Some(err);
                return false;
            }
        };
        if let Some(n) = &needle
            && !name.to_lowercase().contains(n)
            && !e.entity_id.is_some_and(|i| i.to_string().contains(n))
        {
            return true;
        }
        if skipped < offset {
            skipped += 1;
            return true;
        }
        if rows.len() == limit {
            more = true;
            return false;
        }
        let e = without_secrets(e);
        rows.push(AuditRow {
            changes: changes(&e),
            record: name,
            event: e,
        });
        true
    })?;
    if let Some(err) = failure {
        return Err(err);
    }
    Ok((rows, more))
}
