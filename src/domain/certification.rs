//! Certifications: the evidence that an employee achieved a level in a skill.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Who revoked a certification, when and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Revocation {
    /// When it was revoked.
    #[serde(with = "super::ts")]
    #[schema(value_type = String)]
    pub at: Timestamp,
    /// Who revoked it (user email or API token name).
    pub by: String,
    /// Why; required.
    pub reason: String,
}

/// Where a certification stands in four-eyes approval (skills with `needs_approval`).
///
/// Only [`Approval::Pending`] and [`Approval::Rejected`] keep a certification from counting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    /// No second person needed: the skill had no four-eyes rule when it was certified
    /// (and every certification made before schema v3).
    #[default]
    NotRequired,
    /// Waiting for a second trainer or skill manager; does not count yet.
    Pending,
    /// Approved by a second person (never the certifier).
    Approved {
        /// Who approved (user email or API token name).
        by: String,
        /// When.
        #[serde(with = "super::ts")]
        #[schema(value_type = String)]
        at: Timestamp,
    },
    /// Refused by a second person; never counts.
    Rejected {
        /// Who refused.
        by: String,
        /// When.
        #[serde(with = "super::ts")]
        #[schema(value_type = String)]
        at: Timestamp,
        /// Why; required.
        reason: String,
    },
}

impl Approval {
    /// Whether a certification in this state may count towards a qualification.
    pub fn counts(&self) -> bool {
        matches!(self, Approval::NotRequired | Approval::Approved { .. })
    }
}

/// An employee's achieved level in a skill, on a revision, from a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Certification {
    /// Record id.
    pub id: Uuid,
    /// Who is certified.
    pub employee_id: Uuid,
    /// In what.
    pub skill_id: Uuid,
    /// On which revision of the skill, if the skill has revisions.
    pub revision_id: Option<Uuid>,
    /// Level achieved, 1..=skill's max level.
    pub level: u8,
    /// When it was achieved.
    #[serde(with = "super::ts")]
    #[schema(value_type = String)]
    pub achieved_at: Timestamp,
    /// When it expires (computed from the skill's validity in the site's timezone).
    #[serde(default, with = "super::opt_ts")]
    #[schema(value_type = Option<String>)]
    pub expires_at: Option<Timestamp>,
    /// Who recorded the certification (user email or API token name). For certifications
    /// from before schema v5 imported with a trainer column, the trainer named there.
    pub certified_by: String,
    /// Trainer's notes.
    pub notes: String,
    /// SHA-256 of evidence attachments.
    pub attachments: Vec<String>,
    /// Set when revoked.
    pub revoked: Option<Revocation>,
    /// Set when soft-deleted.
    #[serde(default, with = "super::opt_ts")]
    #[schema(value_type = Option<String>)]
    pub deleted_at: Option<Timestamp>,
    /// Four-eyes approval state; see [`Approval`].
    #[serde(default)]
    pub approval: Approval,
    /// Who assessed the person, when that was not the person who recorded it (a trainer
    /// without a login, an external examiner): free text as the form, the API or the
    /// import's `assessor` column gave it. `None`: `certified_by` assessed them.
    #[serde(default)]
    pub assessor: Option<String>,
}

impl Certification {
    /// Neither revoked nor deleted: it may count towards a qualification.
    pub fn is_live(&self) -> bool {
        self.revoked.is_none() && self.deleted_at.is_none()
    }

    /// Live and, under four-eyes, approved: it counts towards a qualification.
    pub fn counts(&self) -> bool {
        self.is_live() && self.approval.counts()
    }

    /// Who assessed the person: the assessor named, else the person who recorded it.
    pub fn assessed_by(&self) -> &str {
        self.assessor.as_deref().unwrap_or(&self.certified_by)
    }
}

/// What judging needs of a certification, without its free text (who recorded it, notes,
/// attachments, revocation and approval details): the store's certification cache keeps
/// these instead of whole records, a third of the size on a plant-size site. Never stored.
#[derive(Debug, Clone, PartialEq)]
pub struct CertificationFacts {
    /// Record id.
    pub id: Uuid,
    /// Who is certified.
    pub employee_id: Uuid,
    /// In what.
    pub skill_id: Uuid,
    /// On which revision of the skill, if any.
    pub revision_id: Option<Uuid>,
    /// Level achieved.
    pub level: u8,
    /// [`Certification::counts`]: live and, under four-eyes, approved.
    pub counts: bool,
    /// Live and waiting for four-eyes approval.
    pub pending: bool,
    /// When it was achieved.
    pub achieved_at: Timestamp,
    /// When it expires.
    pub expires_at: Option<Timestamp>,
}

impl From<&Certification> for CertificationFacts {
    fn from(c: &Certification) -> Self {
        CertificationFacts {
            id: c.id,
            employee_id: c.employee_id,
            skill_id: c.skill_id,
            revision_id: c.revision_id,
            level: c.level,
            counts: c.counts(),
            pending: c.is_live() && c.approval == Approval::Pending,
            achieved_at: c.achieved_at,
            expires_at: c.expires_at,
        }
    }
}
