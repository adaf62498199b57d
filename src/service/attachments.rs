//! Evidence files: the bytes on disk by SHA-256, the metadata record and its audit event.
//!
//! The bytes are written first, durably and outside any transaction (a file is named by its
//! hash, so writing it again is harmless and a file no record names is only disk space);
//! the record and its audit event are written in the transaction of whatever the file is
//! evidence for: its own for `POST /api/v1/attachments`, the certification's for the certify
//! form.

use super::{Result, ServiceError};
use crate::domain::Attachment;
use crate::store::{Actor, Store, Writer};

/// Largest evidence accepted at once: one file through the API, all the files of one
/// certify form together.
pub const MAX_EVIDENCE_BYTES: usize = 20 * 1024 * 1024;

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

/// An evidence file kept on disk whose record is written with what it is evidence for
/// ([`attachment_in`]). Made only by [`keep_evidence`] and [`kept_evidence`], so its fields
/// are those of a file that exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptEvidence {
    sha256: String,
    name: String,
    mime: String,
    size: u64,
}

impl KeptEvidence {
    /// The file's SHA-256 (hex), its name on disk.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The file's name as uploaded (sanitised).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }
}

/// Write `bytes` durably by SHA-256 and describe the file; `any_type` keeps a file that is
/// neither a PDF nor an image (as a download), otherwise such a file is refused.
fn keep(store: &Store, name: &str, bytes: &[u8], any_type: bool) -> Result<KeptEvidence> {
    let refuse = |m: String| ServiceError::invalid("evidence", m);
    if bytes.is_empty() {
        return Err(refuse(format!("{name} is empty")));
    }
    if bytes.len() > MAX_EVIDENCE_BYTES {
        return Err(refuse(format!(
            "{name} is larger than {} MB",
            MAX_EVIDENCE_BYTES / (1024 * 1024)
        )));
    }
    let name = sanitize_file_name(name)?;
    let mime = match evidence_type(bytes) {
        Some(mime) => mime,
        None if any_type => "application/octet-stream",
        None => {
            return Err(refuse(format!(
                "{name} is not a PDF or a photo (PNG, JPEG, GIF or WebP)"
            )));
        }
    };
    let sha256 = store.put_attachment_file(bytes)?;
    Ok(KeptEvidence {
        sha256,
        name,
        mime: mime.to_owned(),
        size: bytes.len() as u64,
    })
}

/// Keep a file uploaded on the certify form as evidence: a PDF or a photo (recognised from
/// its bytes), at most [`MAX_EVIDENCE_BYTES`], written durably by SHA-256. Its record is
/// written with the certification ([`super::BatchCertifyInput::evidence`]). Refused next to
/// the `evidence` field.
pub fn keep_evidence(store: &Store, name: &str, bytes: &[u8]) -> Result<KeptEvidence> {
    keep(store, name, bytes, false)
}

/// A file [`keep_evidence`] kept for a form that came back with an error, named again by
/// its hash on the resubmitted form (so nobody chooses the files twice): read from disk,
/// checked as when it was uploaded.
pub fn kept_evidence(store: &Store, sha256: &str, name: &str) -> Result<KeptEvidence> {
    let bytes = store.attachment_bytes(sha256)?.ok_or_else(|| {
        ServiceError::invalid(
            "evidence",
            format!("{name} is no longer on the server; choose it again"),
        )
    })?;
    keep_evidence(store, name, &bytes)
}

/// Write the record of a kept file with its audit event in the caller's transaction; a file
/// already recorded (the same bytes uploaded before) returns its record, with no new event.
pub(crate) fn attachment_in(w: &mut Writer, file: &KeptEvidence) -> Result<Attachment> {
    if let Some(existing) = w.attachment(&file.sha256)? {
        return Ok(existing);
    }
    let att = Attachment {
        sha256: file.sha256.clone(),
        name: file.name.clone(),
        mime: file.mime.clone(),
        size: file.size,
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
}

/// Keep an uploaded file as evidence: the bytes durably on disk by SHA-256, then its record
/// and audit event in one transaction. Uploading the same bytes again returns the record
/// already kept (idempotent, one audit event). The type recorded is the one the bytes are
/// ([`evidence_type`]), never what the uploader claimed; other files are kept as downloads.
pub fn store_attachment(
    store: &Store,
    actor: &Actor,
    name: &str,
    bytes: &[u8],
) -> Result<Attachment> {
    if bytes.is_empty() {
        return Err(ServiceError::invalid("body", "the file is empty"));
    }
    let file = keep(store, name, bytes, true)?;
    store.write(actor, |w| attachment_in(w, &file))
}
