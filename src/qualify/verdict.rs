//! The station verdict: may this person run this station now, and if not, why.

use jiff::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Catalog, Evidence, Qualification, SkillStatus, format_date, qualify};
use crate::domain::{Employee, EmployeeStatus, Station};

/// The colour of the kiosk screen. Only GREEN lets anyone work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Qualified for the station.
    Green,
    /// Known and active but not qualified.
    Red,
    /// Could not judge: unknown or replaced badge, inactive employee (and, on the kiosk,
    /// server unreachable or clock not set).
    Amber,
}

impl Verdict {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Green => "green",
            Verdict::Red => "red",
            Verdict::Amber => "amber",
        }
    }
}

/// Why a verdict is what it is, machine-readable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// A required skill is not OK.
    Skill,
    /// A required skill expires soon (a warning on a green screen).
    ExpiringSoon,
    /// A required skill needs retraining by a date (a warning on a green screen).
    RetrainingDue,
    /// No employee has this badge.
    UnknownBadge,
    /// The badge was regenerated; the old one is void.
    BadgeReplaced,
    /// The employee is on leave.
    OnLeave,
    /// The employee has left.
    Terminated,
}

/// One line on the kiosk screen.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct VerdictReason {
    /// What kind of reason.
    pub code: ReasonCode,
    /// The skill concerned, if any.
    pub skill_id: Option<Uuid>,
    /// Its status, if a skill.
    pub status: Option<SkillStatus>,
    /// The relevant date (expiry), if any.
    #[schema(value_type = Option<String>)]
    pub date: Option<Timestamp>,
    /// The skill's name, if a skill: with `code`, `status` and `date` a client words the
    /// reason in its own language ("Carretilla elevadora — caducó el 3 nov 2026").
    pub skill_name: Option<String>,
    /// The revision concerned, for skill reasons: the one that needs retraining when OUTDATED
    /// or RETRAINING_DUE, else the one the certification was made on.
    pub revision_label: Option<String>,
    /// The level the work requires, for skill reasons.
    pub required_level: Option<u8>,
    /// The level the person holds, for skill reasons (`None` when not certified).
    pub held_level: Option<u8>,
    /// What the operator reads, in English, e.g. `Forklift Operation — expired 3 Nov 2026`
    /// (kept for clients that do not word reasons themselves).
    pub message: String,
}

/// The verdict for one badge at one station.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StationVerdict {
    /// Green, red or amber.
    pub verdict: Verdict,
    /// The employee, when the badge is known.
    pub employee_id: Option<Uuid>,
    /// Their name, when known.
    pub employee_name: Option<String>,
    /// Their preferred language (`es`, `pl`, …) when known, so a kiosk draws the verdict in
    /// it.
    pub employee_language: Option<String>,
    /// Why not green (failing skills, or the amber cause); empty when green.
    pub reasons: Vec<VerdictReason>,
    /// Skills expiring soon or due for retraining (shown on a green screen).
    pub warnings: Vec<VerdictReason>,
}

impl StationVerdict {
    fn amber(code: ReasonCode, message: &str, employee: Option<&Employee>) -> Self {
        StationVerdict {
            verdict: Verdict::Amber,
            employee_id: employee.map(|e| e.id),
            employee_name: employee.map(|e| e.name.clone()),
            employee_language: employee.and_then(|e| e.language.clone()),
            reasons: vec![VerdictReason {
                code,
                skill_id: None,
                status: None,
                date: None,
                skill_name: None,
                revision_label: None,
                required_level: None,
                held_level: None,
                message: message.to_owned(),
            }],
            warnings: Vec::new(),
        }
    }

    /// No employee has ever had this badge.
    pub fn unknown_badge() -> Self {
        Self::amber(ReasonCode::UnknownBadge, "Badge not recognised", None)
    }

    /// The badge belonged to an employee but was regenerated: the person must use the new one.
    pub fn badge_replaced() -> Self {
        Self::amber(
            ReasonCode::BadgeReplaced,
            "Badge replaced: use your new badge",
            None,
        )
    }

    /// Whether the verdict lets the person work.
    pub fn is_green(&self) -> bool {
        self.verdict == Verdict::Green
    }
}

/// Judge `employee` at `station` at `now`: GREEN only if active and every required skill
/// (the station's project, everything that applies otherwise, the station's extra skills) is
/// VALID, EXPIRING_SOON or RETRAINING_DUE (the last two as warnings). Returns the qualification it was computed from as well.
pub fn station_verdict<C: Evidence>(
    catalog: &Catalog,
    employee: &Employee,
    certifications: &[C],
    station: Option<&Station>,
    now: Timestamp,
) -> (StationVerdict, Qualification) {
    let qualification = qualify(catalog, employee, certifications, station, now);
    let verdict = match employee.status {
        EmployeeStatus::Terminated => StationVerdict::amber(
            ReasonCode::Terminated,
            "Badge not valid: employee has left",
            Some(employee),
        ),
        EmployeeStatus::Leave => {
            StationVerdict::amber(ReasonCode::OnLeave, "Employee is on leave", Some(employee))
        }
        EmployeeStatus::Active => judge_skills(catalog, employee, &qualification),
    };
    (verdict, qualification)
}

fn judge_skills(
    catalog: &Catalog,
    employee: &Employee,
    qualification: &Qualification,
) -> StationVerdict {
    let tz = catalog.zone(employee.site_id);
    let mut reasons = Vec::new();
    let mut warnings = Vec::new();
    for line in qualification
        .skills
        .iter()
        .filter(|l| l.required_level.is_some())
    {
        let date = |t: Option<Timestamp>| t.map(|t| format_date(t, &tz)).unwrap_or_default();
        let reason = |code: ReasonCode, date: Option<Timestamp>, message: String| VerdictReason {
            code,
            skill_id: Some(line.skill_id),
            status: Some(line.status),
            date,
            skill_name: Some(line.skill_name.clone()),
            revision_label: line
                .retraining_revision_label
                .clone()
                .or_else(|| line.revision_label.clone()),
            required_level: line.required_level,
            held_level: line.achieved_level,
            message,
        };
        let message = match line.status {
            SkillStatus::Valid | SkillStatus::Extra => continue,
            SkillStatus::ExpiringSoon => {
                warnings.push(reason(
                    ReasonCode::ExpiringSoon,
                    line.expires_at,
                    format!("{} — expires {}", line.skill_name, date(line.expires_at)),
                ));
                continue;
            }
            SkillStatus::RetrainingDue => {
                warnings.push(reason(
                    ReasonCode::RetrainingDue,
                    line.retraining_due,
                    format!(
                        "{} — {} retraining due {}",
                        line.skill_name,
                        line.retraining_revision_label
                            .as_deref()
                            .unwrap_or("new revision"),
                        date(line.retraining_due)
                    ),
                ));
                continue;
            }
            SkillStatus::Missing => format!("{} — not certified", line.skill_name),
            SkillStatus::Expired => {
                format!("{} — expired {}", line.skill_name, date(line.expires_at))
            }
            SkillStatus::Outdated => format!(
                "{} — {} needs retraining",
                line.skill_name,
                line.retraining_revision_label
                    .as_deref()
                    .unwrap_or("new revision")
            ),
            SkillStatus::InsufficientLevel => format!(
                "{} — level {} of {} required",
                line.skill_name,
                line.achieved_level.unwrap_or(0),
                line.required_level.unwrap_or(0)
            ),
        };
        let when = match line.status {
            SkillStatus::Expired => line.expires_at,
            _ => None,
        };
        reasons.push(reason(ReasonCode::Skill, when, message));
    }
    StationVerdict {
        verdict: if reasons.is_empty() {
            Verdict::Green
        } else {
            Verdict::Red
        },
        employee_id: Some(employee.id),
        employee_name: Some(employee.name.clone()),
        employee_language: employee.language.clone(),
        reasons,
        warnings,
    }
}
