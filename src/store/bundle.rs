//! What backup bundles need from the store: every row of a table streamed in key order (so
//! an export holds one row in memory at a time, whatever the size of the site), and
//! rebuilding a store from a verified bundle with its history exactly as it was.
//!
//! Restoring is the one write that inserts audit events as they were instead of appending
//! new ones: the chain of the restored store must be the bundle's chain, hash for hash. It is
//! only for an empty store (`crate::backup::restore` refuses any other).

use redb::ReadableTable;
use uuid::Uuid;

use super::tables::*;
use super::{Reader, Record, Store, StoreError, Writer, decode};
use crate::domain::{Attachment, AuditEvent};

fn audit_event(bytes: &[u8]) -> Result<AuditEvent, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Decode {
        entity: "audit event",
        message: e.to_string(),
    })
}

impl Reader {
    /// Call `f` with every record of a kind, in id order, deleted ones included, decoding
    /// one at a time.
    pub fn each<R: Record, E: From<StoreError>>(
        &self,
        mut f: impl FnMut(R) -> Result<(), E>,
    ) -> Result<(), E> {
        let t = self.tx.open_table(R::TABLE).map_err(StoreError::from)?;
        for row in t.iter().map_err(StoreError::from)? {
            let (_, v) = row.map_err(StoreError::from)?;
            f(decode(R::ENTITY, v.value())?)?;
        }
        Ok(())
    }

    /// Call `f` with every attachment's metadata, in hash order.
    pub fn each_attachment<E: From<StoreError>>(
        &self,
        mut f: impl FnMut(Attachment) -> Result<(), E>,
    ) -> Result<(), E> {
        let t = self.tx.open_table(ATTACHMENTS).map_err(StoreError::from)?;
        for row in t.iter().map_err(StoreError::from)? {
            let (_, v) = row.map_err(StoreError::from)?;
            f(decode("attachment", v.value())?)?;
        }
        Ok(())
    }

    /// Call `f` with every audit event, in sequence order.
    pub fn each_audit_event<E: From<StoreError>>(
        &self,
        mut f: impl FnMut(AuditEvent) -> Result<(), E>,
    ) -> Result<(), E> {
        let t = self.tx.open_table(AUDIT).map_err(StoreError::from)?;
        for row in t.iter().map_err(StoreError::from)? {
            let (_, v) = row.map_err(StoreError::from)?;
            f(audit_event(v.value())?)?;
        }
        Ok(())
    }

    /// Call `f` with every retired badge token and the employee it belonged to, in token
    /// order.
    pub fn each_retired_badge<E: From<StoreError>>(
        &self,
        mut f: impl FnMut(&str, Uuid) -> Result<(), E>,
    ) -> Result<(), E> {
        let t = self
            .tx
            .open_table(RETIRED_BADGES)
            .map_err(StoreError::from)?;
        for row in t.iter().map_err(StoreError::from)? {
            let (k, v) = row.map_err(StoreError::from)?;
            f(k.value(), Uuid::from_u128(v.value()))?;
        }
        Ok(())
    }

    /// A store-wide value kept as JSON in the meta table (`None` when absent).
    pub fn meta_json<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        let t = self.tx.open_table(META)?;
        let v = t.get(key)?;
        v.map(|g| {
            serde_json::from_slice(g.value()).map_err(|e| StoreError::Decode {
                entity: "meta value",
                message: e.to_string(),
            })
        })
        .transpose()
    }
}

impl Writer {
    /// Insert an audit event exactly as it was written on the box it comes from (same
    /// sequence number, time, actor and hashes) and make it the chain's head. Only
    /// [`Store::restore`] may call this, with events in sequence order.
    pub fn restore_audit_event(&mut self, event: &AuditEvent) -> Result<(), StoreError> {
        self.put_audit_event(event)
    }

    /// Keep a store-wide value as JSON in the meta table (e.g. which device a restored store
    /// came from). Not a record and not history: no audit event.
    pub fn set_meta_json<T: serde::Serialize>(
        &mut self,
        key: &str,
        value: &T,
    ) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(value).map_err(|e| StoreError::Encode {
            entity: "meta value",
            message: e.to_string(),
        })?;
        self.tx.open_table(META)?.insert(key, bytes.as_slice())?;
        Ok(())
    }
}

impl Store {
    /// Rebuild history from a verified backup bundle: `f` puts records (through
    /// [`Writer::put`], so unique keys and indexes are rebuilt from the records themselves)
    /// and restores audit events as they were. Commits without a new audit event, since the
    /// bundle's own events are the history. Only for filling an empty store.
    pub fn restore<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Writer) -> Result<T, E>,
    ) -> Result<T, E> {
        self.write(&super::Actor::named("restore"), |w| {
            let out = f(w)?;
            w.unaudited = false;
            Ok(out)
        })
    }
}
