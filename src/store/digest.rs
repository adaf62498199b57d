//! The expiry digest tables: the outbox of e-mails waiting for the relay and the notices
//! already delivered. A delivered message leaves the outbox and its notices enter
//! `digest_sent` in one write, so a notice is either waiting or delivered, never both and
//! never neither once queued.

use std::collections::HashSet;

use redb::ReadableTable;
use uuid::Uuid;

use super::tables::{DIGEST_OUTBOX, DIGEST_SENT};
use super::{Reader, StoreError, Writer, decode, encode};
use crate::domain::{DigestDelivery, DigestMessage, DigestNotice};

/// Read operations on the digest tables, the same for a snapshot and a write transaction.
macro_rules! digest_reads {
    ($ty:ty) => {
        impl $ty {
            /// Every queued digest e-mail, oldest first.
            pub fn digest_outbox(&self) -> Result<Vec<DigestMessage>, StoreError> {
                let t = self.tx.open_table(DIGEST_OUTBOX)?;
                let mut out = Vec::new();
                for row in t.iter()? {
                    out.push(decode("digest message", row?.1.value())?);
                }
                Ok(out)
            }

            /// One queued digest e-mail, if it is still waiting.
            pub fn digest_message(&self, id: Uuid) -> Result<Option<DigestMessage>, StoreError> {
                let t = self.tx.open_table(DIGEST_OUTBOX)?;
                t.get(id.as_u128())?
                    .map(|g| decode("digest message", g.value()))
                    .transpose()
            }

            /// Every notice the relay has accepted.
            pub fn digest_delivered(&self) -> Result<HashSet<DigestNotice>, StoreError> {
                let t = self.tx.open_table(DIGEST_SENT)?;
                let mut out = HashSet::new();
                for row in t.iter()? {
                    let (cert, days) = row?.0.value();
                    out.insert(DigestNotice {
                        certification_id: Uuid::from_u128(cert),
                        threshold_days: days,
                    });
                }
                Ok(out)
            }

            /// When and in which message a notice was delivered, if it was.
            pub fn digest_delivery(
                &self,
                notice: DigestNotice,
            ) -> Result<Option<DigestDelivery>, StoreError> {
                let t = self.tx.open_table(DIGEST_SENT)?;
                t.get((notice.certification_id.as_u128(), notice.threshold_days))?
                    .map(|g| decode("digest delivery", g.value()))
                    .transpose()
            }
        }
    };
}

digest_reads!(Reader);
digest_reads!(Writer);

impl Writer {
    /// Queue a digest e-mail for the relay (audit it in the same transaction).
    pub fn queue_digest(&mut self, message: &DigestMessage) -> Result<(), StoreError> {
        let bytes = encode("digest message", message)?;
        self.tx
            .open_table(DIGEST_OUTBOX)?
            .insert(message.id.as_u128(), bytes.as_slice())?;
        self.unaudited = true;
        Ok(())
    }

    /// The relay accepted message `id` at `sent_at`: it leaves the outbox and each of its
    /// notices is remembered as delivered. Returns the message, `None` when it was no
    /// longer queued (nothing is written then). Audit it in the same transaction.
    pub fn digest_accepted(
        &mut self,
        id: Uuid,
        sent_at: jiff::Timestamp,
    ) -> Result<Option<DigestMessage>, StoreError> {
        let Some(message) = self.digest_message(id)? else {
            return Ok(None);
        };
        let delivery = encode(
            "digest delivery",
            &DigestDelivery {
                message_id: id,
                sent_at,
            },
        )?;
        {
            let mut sent = self.tx.open_table(DIGEST_SENT)?;
            for n in &message.notices {
                sent.insert(
                    (n.certification_id.as_u128(), n.threshold_days),
                    delivery.as_slice(),
                )?;
            }
        }
        self.tx.open_table(DIGEST_OUTBOX)?.remove(id.as_u128())?;
        self.unaudited = true;
        Ok(Some(message))
    }

    /// The relay refused message `id` for good: it leaves the outbox and its notices are not
    /// delivered (the next digest plans them again). Returns the message, `None` when it was
    /// no longer queued. Audit it, with the relay's reason, in the same transaction.
    pub fn digest_refused(&mut self, id: Uuid) -> Result<Option<DigestMessage>, StoreError> {
        let Some(message) = self.digest_message(id)? else {
            return Ok(None);
        };
        self.tx.open_table(DIGEST_OUTBOX)?.remove(id.as_u128())?;
        self.unaudited = true;
        Ok(Some(message))
    }
}
