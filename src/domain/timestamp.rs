//! Serde adapters for timestamps: RFC 3339 text in JSON (people and the API read it), whole
//! milliseconds in the binary store encoding (compact and fast to decode on a large matrix).

use jiff::Timestamp;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Serde adapter for a required [`Timestamp`].
pub mod ts {
    use super::*;

    /// Serialize as RFC 3339 for human-readable formats, as milliseconds otherwise.
    pub fn serialize<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            t.serialize(s)
        } else {
            s.serialize_i64(t.as_millisecond())
        }
    }

    /// Inverse of [`serialize`].
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        if d.is_human_readable() {
            Timestamp::deserialize(d)
        } else {
            let ms = i64::deserialize(d)?;
            Timestamp::from_millisecond(ms).map_err(serde::de::Error::custom)
        }
    }
}

/// Serde adapter for an optional [`Timestamp`].
pub mod opt_ts {
    use super::*;

    #[derive(Serialize, Deserialize)]
    struct Wrap(#[serde(with = "super::ts")] Timestamp);

    /// Serialize like [`super::ts`], `None` as null.
    pub fn serialize<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        t.map(Wrap).serialize(s)
    }

    /// Inverse of [`serialize`].
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
        Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
    }
}
