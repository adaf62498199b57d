//! The service layer: every validated read and write, shared by the JSON API, the web UI and
//! the CLI, so rules live in one place and never in a handler or template.

mod attachments;
mod audit;
mod backups;
mod catalog;
pub(crate) mod certify;
mod coverage;
mod digest;
mod due;
mod edit;
mod import;
mod org;
mod people;
mod queries;
mod scans;
mod secrets;
mod sessions;
mod setup;
mod stations;
mod training;

use uuid::Uuid;

pub use attachments::{
    KeptEvidence, MAX_EVIDENCE_BYTES, evidence_type, keep_evidence, kept_evidence,
    sanitize_file_name, store_attachment,
};
pub use audit::{
    AuditFilter, AuditRow, MAX_AUDIT_PAGE, SECRET_FIELDS, audit_entities, audit_log, audit_page,
    without_secrets,
};
pub use backups::{
    BackgroundBackup, BackgroundSlot, BackupFile, BackupHealth, BackupOverview, BackupSettings,
    BackupState, BackupStatus, STATUS_FILE, StickResult, backup_error, backup_overview,
    backup_path, backup_state, copy_to_stick, list_backups, run_backup, start_backup,
};
pub use catalog::{
    ActivationInput, ActivationPreview, MAX_GRACE_DAYS, PreviewEmployee, RequirementChange,
    RequirementInput, RequirementPreview, RevisionInput, SkillInput, StatusChange,
    activate_revision, activation_preview, create_revision, requirement_preview, rollback_revision,
    set_requirement_level,
};
pub use certify::{
    BatchCertifyInput, BatchError, BatchLineError, CertifyInput, MAX_ASSESSOR_CHARS, RevokeInput,
    RevokePreview, approve, badge_entry, certify, certify_batch, pending_approvals, reject, revoke,
    revoke_preview,
};
pub use coverage::{
    Coverage, CoveredPerson, DEFAULT_MIN_COVERAGE, LAPSE_WINDOW_DAYS, LineCoverage,
    StationCoverage, coverage,
};
pub use digest::{
    AddressRefusal, DEFAULT_THRESHOLDS, DIGEST_FIRST_RETRY, DIGEST_MAX_RETRY, DeliveryReport,
    DigestItem, DigestPlan, DigestSettings, PlannedDigest, RelayBackoff, RelayError, RelayPassword,
    RelaySecurity, RelaySettings, Subscriber, address_problem, blocked_stations, deliver_queued,
    plan_digests, queue_digests, reached_threshold,
};
pub use due::{DueFilter, DueItem, MAX_DUE_DAYS, due_list};
pub use edit::{Editable, create, delete, update};
pub use import::{
    FileFormat, ImportKind, ImportReport, ImportRequest, ImportRow, MAX_IMPORT_BYTES, RowOutcome,
    export_certifications, export_employees, guard_formula, import_file, unguard_formula,
};
pub use org::{DepartmentInput, ProjectInput, RoleInput, SiteInput};
pub use people::{
    EmployeeInput, TokenInput, UserInput, UserUpdate, UserView, authenticate_token, create_token,
    create_user, employee_by_badge_or_number, last_logins, record_unlock, regenerate_badge,
    revoke_token, set_password, set_user_language, update_user, verify_login,
};
pub use queries::{
    DashboardFigures, EXPIRY_WINDOWS, EmployeeQualification, Matrix, MatrixCell, MatrixFilter,
    MatrixRow, MatrixSkill, PublicBadge, Refusal, SiteCompliance, SkillDetail, dashboard_figures,
    employee_qualification, live_employee, matrix, public_badge, skill_detail,
};
pub use scans::{
    MAX_SCAN_PAGE, ScanInput, ScanOutcome, ScanQuery, judge_badge, list_scans, record_scan,
    scan_page,
};
pub use secrets::{MIN_PASSWORD_LEN, hash_password, new_secret, secret_hash, verify_password};
pub use sessions::{
    LiveSession, LoginOutcome, SessionLimits, login, logout, remove_expired_sessions, resume,
};
pub use setup::{SETUP_CODE_FILE, complete_setup, setup_open};
pub use stations::{
    StationCreated, StationInput, authenticate_station, create_station, rotate_station_key,
};
pub use training::{
    DEFAULT_PLAN_DAYS, MAX_PLAN_DAYS, TrainingFilter, TrainingNeed, TrainingPlan, TrainingReason,
    training_plan,
};

use crate::store::StoreError;

/// Why a service call was refused or failed. Each variant maps to one HTTP status and one
/// CLI exit reason; the message is for a person.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The record does not exist (or was deleted).
    #[error("{entity} {id} not found")]
    NotFound {
        /// Kind of record.
        entity: &'static str,
        /// What was looked up.
        id: String,
    },
    /// The input is wrong; `field` names the offending field for forms.
    #[error("{message}")]
    Invalid {
        /// The field, if one.
        field: Option<&'static str>,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The change conflicts with the current state (duplicate, already revoked, …).
    #[error("{0}")]
    Conflict(String),
    /// The caller may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// Login or key failed.
    #[error("{0}")]
    Unauthorized(String),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate { .. } => ServiceError::Conflict(e.to_string()),
            StoreError::TooLarge { .. } => ServiceError::Invalid {
                field: None,
                message: e.to_string(),
            },
            other => ServiceError::Store(other),
        }
    }
}

impl ServiceError {
    /// An invalid field.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        ServiceError::Invalid {
            field: Some(field),
            message: message.into(),
        }
    }

    /// Refuse a list of `len` entries in `field` longer than `max` (before anything is
    /// looked up or written: a request cannot make the server walk a list without end).
    pub fn at_most(field: &'static str, len: usize, max: usize) -> Result<()> {
        if len > max {
            return Err(ServiceError::invalid(
                field,
                format!("{field} has {len} entries; at most {max} are allowed"),
            ));
        }
        Ok(())
    }

    /// A missing record.
    pub fn not_found(entity: &'static str, id: impl ToString) -> Self {
        ServiceError::NotFound {
            entity,
            id: id.to_string(),
        }
    }
}

/// Shorthand for service results.
/// Most evidence files one certification may reference.
pub const MAX_ATTACHMENTS: usize = 20;
/// Most lines one quick-certify batch may hold (a class, not the whole plant).
pub const MAX_BATCH_LINES: usize = 500;
/// Most projects (lines) one employee may belong to.
pub const MAX_PROJECTS_PER_EMPLOYEE: usize = 50;
/// Most extra skills one station may require.
pub const MAX_EXTRA_SKILLS: usize = 50;

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

/// A live (not deleted) record of kind `R`, or NotFound naming `field`.
pub(crate) fn live<R: crate::store::Record + Deleted>(r: &impl Fetch, id: Uuid) -> Result<R> {
    match r.fetch::<R>(id)? {
        Some(rec) if !rec.is_deleted() => Ok(rec),
        _ => Err(ServiceError::not_found(R::ENTITY, id)),
    }
}

/// Records that can be soft-deleted.
pub trait Deleted {
    /// Whether the record was soft-deleted.
    fn is_deleted(&self) -> bool;
    /// Mark deleted at `at`.
    fn mark_deleted(&mut self, at: jiff::Timestamp);
}

macro_rules! deleted {
    ($($t:ty),*) => {$(
        impl Deleted for $t {
            fn is_deleted(&self) -> bool {
                self.deleted_at.is_some()
            }
            fn mark_deleted(&mut self, at: jiff::Timestamp) {
                self.deleted_at = Some(at);
            }
        }
    )*};
}

use crate::domain::*;
deleted!(
    Site,
    Department,
    Role,
    Project,
    Employee,
    Skill,
    Requirement,
    Certification,
    Station
);

/// Reading a record by id from either a snapshot or a write transaction.
pub trait Fetch {
    /// The record, deleted or not.
    fn fetch<R: crate::store::Record>(&self, id: Uuid) -> Result<Option<R>, StoreError>;
    /// The record holding a unique key of a kind.
    fn fetch_unique<R: crate::store::Record>(
        &self,
        kind: &str,
        value: &str,
    ) -> Result<Option<R>, StoreError>;
}

macro_rules! fetch_impl {
    ($ty:ty) => {
        impl Fetch for $ty {
            fn fetch<R: crate::store::Record>(&self, id: Uuid) -> Result<Option<R>, StoreError> {
                self.get(id)
            }
            fn fetch_unique<R: crate::store::Record>(
                &self,
                kind: &str,
                value: &str,
            ) -> Result<Option<R>, StoreError> {
                self.by_unique(kind, value)
            }
        }
    };
}
fetch_impl!(crate::store::Reader);
fetch_impl!(crate::store::Writer);

/// A trimmed, non-empty text field.
pub(crate) fn required_text(field: &'static str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ServiceError::invalid(field, format!("{field} is required")));
    }
    if v.chars().count() > max {
        return Err(ServiceError::invalid(
            field,
            format!("{field} is longer than {max} characters"),
        ));
    }
    if v.chars().any(char::is_control) {
        return Err(ServiceError::invalid(
            field,
            format!("{field} contains control characters"),
        ));
    }
    Ok(v.to_owned())
}
