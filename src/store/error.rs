//! Store errors.

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// redb failed (I/O, corruption, or a transaction problem).
    #[error("database error: {0}")]
    Database(#[from] redb::Error),
    /// A record could not be decoded: the file is damaged or from an unknown version.
    #[error("cannot decode a stored {entity}: {message}")]
    Decode {
        /// Which kind of record.
        entity: &'static str,
        /// What the decoder said.
        message: String,
    },
    /// A record could not be encoded; nothing was written.
    #[error("cannot encode a {entity}: {message}")]
    Encode {
        /// Which kind of record.
        entity: &'static str,
        /// What the encoder said.
        message: String,
    },
    /// A write transaction changed records without an audit event; it was rolled back.
    #[error("a change without an audit event was refused ({0})")]
    Unaudited(String),
    /// The data directory was written by a newer Caliber.
    #[error(
        "the data was written by a newer Caliber (schema {found}, this build knows up to {supported})"
    )]
    TooNew {
        /// Version on disk.
        found: u32,
        /// Newest version this build understands.
        supported: u32,
    },
    /// A unique key (employee number, badge, email, code, name) is already taken.
    #[error("{kind} '{value}' is already in use")]
    Duplicate {
        /// What kind of key.
        kind: &'static str,
        /// The value.
        value: String,
    },
    /// A value bound for the append-only audit trail is larger than the trail takes (the
    /// hash chain forbids pruning, so nothing unbounded may reach it); nothing was written.
    #[error("{what} is too long for the audit trail (at most {limit} bytes)")]
    TooLarge {
        /// What was too long.
        what: &'static str,
        /// The cap.
        limit: usize,
    },
    /// Files around the database (attachments, the directory itself).
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The OS error.
        source: std::io::Error,
    },
}

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Database(redb::Error::from(e))
            }
        }
    )*};
}

from_redb!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);
