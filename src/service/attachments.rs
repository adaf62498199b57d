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

/// The types evidence is shown as in a browser, recognised from the file's first bytes
/// (never from what the uploader claimed): PDF and the common photo formats. Anything else
/// is served as a download of `application/octet-stream`, so a file can never run as a
/// page or script on the box's origin.
pub fn evidence_type(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"%PDF-", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
    ];
    if let Some((_, mime)) = SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)) {
        return Some(mime);
    }
    (bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP")
        .then_some("image/webp")
}

/// Keep an uploaded file as evidence: the bytes durably on disk by SHA-256, then its record
/// and audit event in one transaction. Uploading the same bytes again returns the record
/// already kept (idempotent, one audit event). The type recorded is the one the bytes are
/// ([`evidence_type`]), never what the uploader claimed.
pub fn store_attachment(
    store: &Store,
    actor: &Actor,
    name: &str,
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
            mime: evidence_type(bytes)
                .unwrap_or("application/octet-stream")
                .to_owned(),
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
