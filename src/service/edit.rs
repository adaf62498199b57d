//! Create, update and soft-delete for records edited as a whole from an input form, with
//! unique keys, indexes and the audit event handled once for all of them.

use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::{Deleted, Result, ServiceError};
use crate::store::{Actor, Record, Store, Writer};

/// A record that is created and edited from an input.
pub trait Editable: Record + Deleted + PartialEq {
    /// What a form or API call supplies.
    type Input: DeserializeOwned;

    /// Validate `input` and build the record: a new one with `id` when `existing` is `None`,
    /// otherwise `existing` with the input's changes.
    fn build(w: &Writer, id: Uuid, input: Self::Input, existing: Option<&Self>) -> Result<Self>;

    /// Unique keys the record holds, as (kind, value).
    fn unique_keys(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// Keep secondary indexes in step (called after every put).
    fn index(&self, _w: &mut Writer) -> Result<()> {
        Ok(())
    }

    /// Refuse a delete that would leave live records pointing at nothing.
    fn check_delete(&self, _w: &Writer) -> Result<()> {
        Ok(())
    }
}

fn sync_unique<E: Editable>(w: &mut Writer, old: Option<&E>, new: &E) -> Result<()> {
    let new_keys = if new.is_deleted() {
        Vec::new()
    } else {
        new.unique_keys()
    };
    if let Some(old) = old {
        for (kind, value) in old.unique_keys() {
            if !new_keys.iter().any(|(k, v)| *k == kind && *v == value) {
                w.release_unique(kind, &value)?;
            }
        }
    }
    for (kind, value) in &new_keys {
        w.claim_unique(kind, value, new.id())?;
    }
    Ok(())
}

/// Create a record from `input`.
pub fn create<E: Editable>(store: &Store, actor: &Actor, input: E::Input) -> Result<E> {
    store.write(actor, |w| {
        let rec = E::build(w, crate::domain::new_id(), input, None)?;
        sync_unique(w, None, &rec)?;
        w.put(&rec)?;
        rec.index(w)?;
        w.audit(
            &format!("{}.create", E::ENTITY),
            E::ENTITY,
            Some(rec.id()),
            None::<&E>,
            Some(&rec),
        )?;
        Ok(rec)
    })
}

/// Replace the editable fields of record `id` with `input`.
pub fn update<E: Editable>(store: &Store, actor: &Actor, id: Uuid, input: E::Input) -> Result<E> {
    store.write(actor, |w| {
        let old: E = super::live(w, id)?;
        let rec = E::build(w, id, input, Some(&old))?;
        if rec == old {
            return Ok(rec);
        }
        sync_unique(w, Some(&old), &rec)?;
        w.put(&rec)?;
        rec.index(w)?;
        w.audit(
            &format!("{}.update", E::ENTITY),
            E::ENTITY,
            Some(id),
            Some(&old),
            Some(&rec),
        )?;
        Ok(rec)
    })
}

/// Soft-delete record `id`: it stays for the audit trail, releases its unique keys, and no
/// longer counts anywhere.
pub fn delete<E: Editable>(store: &Store, actor: &Actor, id: Uuid) -> Result<E> {
    store.write(actor, |w| {
        let old: E = super::live(w, id)?;
        old.check_delete(w)?;
        let mut rec = old.clone();
        rec.mark_deleted(w.now());
        sync_unique(w, Some(&old), &rec)?;
        w.put(&rec)?;
        w.audit(
            &format!("{}.delete", E::ENTITY),
            E::ENTITY,
            Some(id),
            Some(&old),
            Some(&rec),
        )?;
        Ok(rec)
    })
}

/// Refuse when `count` live records still point at the one being deleted.
pub(crate) fn refuse_if_used(count: usize, what: &str, used_by: &str) -> Result<()> {
    if count > 0 {
        return Err(ServiceError::Conflict(format!(
            "cannot delete this {what}: {count} {used_by} still use it"
        )));
    }
    Ok(())
}
