//! Evidence files: the bytes on disk by SHA-256, the metadata record and its audit event.

use super::{Result, ServiceError};
use crate::domain::Attachment;
use crate::store::{Actor, Store};

/// A file name safe to show and to put in a download header: no path, no control characters.
pub fn sanitize_file_name(name: &str) -> Result<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    if clean.is_empty() || clean == "." || clean == ".." {
        return Err(ServiceError::invalid("name", "the file needs a name"));
    }
    Ok(clean)
}

/// Keep an uploaded file as evidence: the bytes durably on disk by SHA-256, then its record
/// and audit event in one transaction. Uploading the same bytes again returns the record
/// already kept (idempotent, one audit event).
pub fn store_attachment(
    store: &Store,
    actor: &Actor,
    name: &str,
    mime: &str,
    bytes: &[u8],
) -> Result<Attachment> {
    if bytes.is_empty() {
        return Err(ServiceError::invalid("body", "the file is empty"));
    }
    let name = sanitize_file_name(name)?;
    let sha = store.put_attachment_file(bytes)?;
    store.write(actor, |w| {
        if let Some(existing) = w.attachment(&sha)? {
            return Ok(existing);
        }
        let att = Attachment {
            sha256: sha.clone(),
            name,
            mime: mime.to_owned(),
            size: bytes.len() as u64,
            created_at: w.now(),
        };
        w.put_attachment(&att)?;
        w.audit(
            "attachment.create",
            "attachment",
            None,
            None::<&Attachment>,
            Some(&att),
        )?;
        Ok(att)
    })
}
