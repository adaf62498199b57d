//! Every stored row read back as JSON, whatever its table: what the layout test compares
//! against its committed fixture (`tests/store_layout.rs`) so that a change to a stored type's
//! encoding cannot slip in without a schema version bump, and a way to look into a file.
//!
//! The rows include secrets' hashes (passwords, API tokens, station keys, sessions): this is
//! for tests and diagnosis, never for showing to users.

use redb::{ReadableTable, TableDefinition, TableHandle};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::tables::*;
use super::{Reader, Record, Session, StoreError, decode};
use crate::domain::*;

/// One table's rows as the current build decodes them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableRows {
    /// The table's name in the file.
    pub table: String,
    /// Every row in key order.
    pub rows: Vec<StoredRow>,
}

/// One stored row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredRow {
    /// The key in words: a record id, a text key, a sequence number or an
    /// `(owner, record)` pair of ids.
    pub key: String,
    /// The value decoded with the current types, as JSON (`null` for index entries).
    pub value: Value,
}

fn json<T: Serialize>(entity: &'static str, value: &T) -> Result<Value, StoreError> {
    serde_json::to_value(value).map_err(|e| StoreError::Decode {
        entity,
        message: e.to_string(),
    })
}

impl Reader {
    /// Names of every table in the file, sorted.
    pub fn table_names(&self) -> Result<Vec<String>, StoreError> {
        let mut names: Vec<String> = self
            .tx
            .list_tables()?
            .map(|t| t.name().to_owned())
            .collect();
        names.sort();
        Ok(names)
    }

    /// Every row of every table this build knows, decoded with the current types; tables
    /// in the order of [`super::tables`], rows in key order. Fails on the first row that
    /// does not decode.
    pub fn all_rows(&self) -> Result<Vec<TableRows>, StoreError> {
        Ok(vec![
            self.meta_rows()?,
            self.record_rows::<Site>()?,
            self.record_rows::<Department>()?,
            self.record_rows::<Role>()?,
            self.record_rows::<Project>()?,
            self.record_rows::<User>()?,
            self.record_rows::<ApiToken>()?,
            self.record_rows::<Employee>()?,
            self.record_rows::<Skill>()?,
            self.record_rows::<SkillRevision>()?,
            self.record_rows::<Requirement>()?,
            self.record_rows::<Certification>()?,
            self.record_rows::<Station>()?,
            self.record_rows::<ScanEvent>()?,
            self.text_keyed_rows::<Attachment>(ATTACHMENTS, "attachment")?,
            self.audit_rows()?,
            self.id_rows(UNIQUE)?,
            self.id_rows(RETIRED_BADGES)?,
            self.pair_rows(CERTS_BY_EMPLOYEE)?,
            self.pair_rows(CERTS_BY_SKILL)?,
            self.pair_rows(REQUIREMENTS_BY_SKILL)?,
            self.pair_rows(REVISIONS_BY_SKILL)?,
            self.text_keyed_rows::<Session>(SESSIONS, "session")?,
            self.digest_outbox_rows()?,
            self.digest_sent_rows()?,
        ])
    }

    /// Store-wide values: JSON ones (the audit chain head) as JSON, others as text.
    fn meta_rows(&self) -> Result<TableRows, StoreError> {
        let t = self.tx.open_table(META)?;
        let mut rows = Vec::new();
        for row in t.iter()? {
            let (k, v) = row?;
            let bytes = v.value();
            let value = serde_json::from_slice(bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()));
            rows.push(StoredRow {
                key: k.value().to_owned(),
                value,
            });
        }
        Ok(TableRows {
            table: META.name().to_owned(),
            rows,
        })
    }

    fn record_rows<R: Record>(&self) -> Result<TableRows, StoreError> {
        let t = self.tx.open_table(R::TABLE)?;
        let mut rows = Vec::new();
        for row in t.iter()? {
            let (k, v) = row?;
            let record: R = decode(R::ENTITY, v.value())?;
            rows.push(StoredRow {
                key: Uuid::from_u128(k.value()).to_string(),
                value: json(R::ENTITY, &record)?,
            });
        }
        Ok(TableRows {
            table: R::TABLE.name().to_owned(),
            rows,
        })
    }

    fn text_keyed_rows<T: serde::de::DeserializeOwned + Serialize>(
        &self,
        table: TableDefinition<&str, &[u8]>,
        entity: &'static str,
    ) -> Result<TableRows, StoreError> {
        let t = self.tx.open_table(table)?;
        let mut rows = Vec::new();
        for row in t.iter()? {
            let (k, v) = row?;
            let value: T = decode(entity, v.value())?;
            rows.push(StoredRow {
                key: k.value().to_owned(),
                value: json(entity, &value)?,
            });
        }
        Ok(TableRows {
            table: table.name().to_owned(),
            rows,
        })
    }

    fn audit_rows(&self) -> Result<TableRows, StoreError> {
        let t = self.tx.open_table(AUDIT)?;
        let mut rows = Vec::new();
        for row in t.iter()? {
            let (k, v) = row?;
            let event: AuditEvent =
                serde_json::from_slice(v.value()).map_err(|e| StoreError::Decode {
                    entity: "audit event",
                    message: e.to_string(),
                })?;
            rows.push(StoredRow {
                key: k.value().to_string(),
                value: json("audit event", &event)?,
            });
        }
        Ok(TableRows {
            table: AUDIT.name().to_owned(),
            rows,
        })
    }

    fn id_rows(&self, table: UniqueIndex) -> Result<TableRows, StoreError> {
        let t = self.tx.open_table(table)?;
        let mut rows = Vec::new();
        for row in t.iter()? {
            let (k, v) = row?;
            rows.push(StoredRow {
                key: k.value().to_owned(),
                value: Value::String(Uuid::from_u128(v.value()).to_string()),
            });
        }
        Ok(TableRows {
            table: table.name().to_owned(),
            rows,
        })
    }

    fn pair_rows(&self, table: PairIndex) -> Result<TableRows, StoreError> {
        let t = self.tx.open_table(table)?;
        let mut rows = Vec::new();
        for row in t.iter()? {
            let (owner, id) = row?.0.value();
            rows.push(StoredRow {
                key: format!("({}, {})", Uuid::from_u128(owner), Uuid::from_u128(id)),
                value: Value::Null,
            });
        }
        Ok(TableRows {
            table: table.name().to_owned(),
            rows,
        })
    }

    fn digest_outbox_rows(&self) -> Result<TableRows, StoreError> {
        let t = self.tx.open_table(DIGEST_OUTBOX)?;
        let mut rows = Vec::new();
        for row in t.iter()? {
            let (k, v) = row?;
            let m: DigestMessage = decode("digest message", v.value())?;
            rows.push(StoredRow {
                key: Uuid::from_u128(k.value()).to_string(),
                value: json("digest message", &m)?,
            });
        }
        Ok(TableRows {
            table: DIGEST_OUTBOX.name().to_owned(),
            rows,
        })
    }

    fn digest_sent_rows(&self) -> Result<TableRows, StoreError> {
        let t = self.tx.open_table(DIGEST_SENT)?;
        let mut rows = Vec::new();
        for row in t.iter()? {
            let (k, v) = row?;
            let (cert, days) = k.value();
            let d: DigestDelivery = decode("digest delivery", v.value())?;
            rows.push(StoredRow {
                key: format!("({}, {days})", Uuid::from_u128(cert)),
                value: json("digest delivery", &d)?,
            });
        }
        Ok(TableRows {
            table: DIGEST_SENT.name().to_owned(),
            rows,
        })
    }
}
