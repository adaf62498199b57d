//! The qualification engine: pure functions from domain records to statuses and verdicts.
//!
//! This is the contract the product rests on (see docs/qualification.md). It
//! never reads the clock or the disk: the caller passes `now` and a [`Catalog`] snapshot.

mod catalog;
mod expiry;
mod status;
mod verdict;

pub use catalog::{Catalog, RequirementIndex};
pub use expiry::{expires_at, format_date};
pub use status::scope_label as scope_label_of;
pub use status::{
    CertificationJudgement, Evidence, Judged, Qualification, RequirementSource, Retraining,
    SkillQualification, SkillStatus, judge_certification, judge_skills, qualify,
    retraining_deadline, retraining_needed, retraining_state,
};
pub use verdict::{ReasonCode, StationVerdict, Verdict, VerdictReason, station_verdict};
