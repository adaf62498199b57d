//! Create, update and soft-delete for records edited as a whole from an input form, with the
//! audit event handled once for all of them (the store keeps unique keys and indexes).

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

    /// Refuse a delete that would leave live records pointing at nothing.
    fn check_delete(&self, _w: &Writer) -> Result<()> {
        Ok(())
    }
}

/// Create a record from `input`.
pub fn create<E: Editable>(store: &Store, actor: &Actor, input: E::Input) -> Result<E> {
    store.write(actor, |w| create_in(w, input))
}

/// [`create`] inside an open write transaction.
pub(crate) fn create_in<E: Editable>(w: &mut Writer, input: E::Input) -> Result<E> {
    let rec = E::build(w, crate::domain::new_id(), input, None)?;
    put_audited(w, "create", None, rec)
}

/// Write `rec` with its audit event `<entity>.<action>` (old value `old`).
fn put_audited<E: Editable>(w: &mut Writer, action: &str, old: Option<&E>, rec: E) -> Result<E> {
    w.put(&rec)?;
    w.audit(
        &format!("{}.{action}", E::ENTITY),
        E::ENTITY,
        Some(rec.id()),
        old,
        Some(&rec),
    )?;
    Ok(rec)
}

/// Replace the editable fields of record `id` with `input`.
pub fn update<E: Editable>(store: &Store, actor: &Actor, id: Uuid, input: E::Input) -> Result<E> {
    store.write(actor, |w| update_in(w, id, input))
}

/// [`update`] inside an open write transaction.
pub(crate) fn update_in<E: Editable>(w: &mut Writer, id: Uuid, input: E::Input) -> Result<E> {
    let old: E = super::live(w, id)?;
    let rec = E::build(w, id, input, Some(&old))?;
    if rec == old {
        return Ok(rec);
    }
    put_audited(w, "update", Some(&old), rec)
}

/// Soft-delete record `id`: it stays for the audit trail, releases its unique keys, and no
/// longer counts anywhere.
pub fn delete<E: Editable>(store: &Store, actor: &Actor, id: Uuid) -> Result<E> {
    store.write(actor, |w| {
        let old: E = super::live(w, id)?;
        old.check_delete(w)?;
        let mut rec = old.clone();
        rec.mark_deleted(w.now());
        put_audited(w, "delete", Some(&old), rec)
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
