//! Importing certifications (training history): one row per achieved level, matched to a
//! stored certification by employee, skill, revision, level and day.

use std::collections::HashMap;

use jiff::Timestamp;

use super::table::{Column, EMPLOYEE_NUMBER_COLUMN, Mapping, Sheet};
use super::{ImportContext, ImportRow, RowOutcome, key, noon, parse_date};
use crate::domain::*;
use crate::qualify::expires_at;
use crate::service::{Result, certify};
use crate::store::Writer;
use crate::store::keys::EMPLOYEE_NUMBER;

/// The columns of a certifications file, in export order.
pub(super) const COLUMNS: &[Column] = &[
    EMPLOYEE_NUMBER_COLUMN,
    Column {
        name: "skill",
        synonyms: &[
            "skill code",
            "skill name",
            "qualification",
            "course",
            "training",
        ],
        required: true,
    },
    Column {
        name: "revision",
        synonyms: &["revision label", "rev", "version"],
        required: false,
    },
    Column {
        name: "level",
        synonyms: &["skill level", "grade"],
        required: true,
    },
    Column {
        name: "achieved_on",
        synonyms: &[
            "achieved",
            "achieved at",
            "date",
            "certified on",
            "completed on",
            "completion date",
            "training date",
            "passed on",
        ],
        required: true,
    },
    Column {
        name: "expires_on",
        synonyms: &[
            "expires",
            "expiry",
            "expiry date",
            "expiration date",
            "valid until",
        ],
        required: false,
    },
    Column {
        name: "assessor",
        synonyms: &[
            "trainer",
            "trainer/assessor",
            "assessed by",
            "certified by",
            "instructor",
            "examiner",
        ],
        required: false,
    },
    Column {
        name: "notes",
        synonyms: &["note", "comment", "comments", "remarks"],
        required: false,
    },
];

const NUMBER: usize = 0;
const SKILL: usize = 1;
const REVISION: usize = 2;
const LEVEL: usize = 3;
const ACHIEVED: usize = 4;
const EXPIRES: usize = 5;
const ASSESSOR: usize = 6;
const NOTES: usize = 7;

/// How far in the future an achievement date may be (the box's and the sheet's clocks).
const MAX_FUTURE: jiff::SignedDuration = jiff::SignedDuration::from_mins(10);

/// Judge (and write, in `w`) every row; returns the rows and the ignored headers.
pub(super) fn import(
    w: &mut Writer,
    ctx: &mut ImportContext,
    sheet: &Sheet,
) -> Result<(Vec<ImportRow>, Vec<String>)> {
    let map = Mapping::new(&sheet.headers, COLUMNS)?;
    // A skill created by this file gets the highest level the file gives it.
    let mut max_levels: HashMap<String, u8> = HashMap::new();
    for (_, cells) in &sheet.rows {
        if let Ok(level) = map.cell(cells, LEVEL).parse::<u8>() {
            let e = max_levels.entry(key(map.cell(cells, SKILL))).or_insert(1);
            *e = (*e).max(level);
        }
    }
    let me = match ctx.importer {
        Some(uid) => w.get::<User>(uid)?.and_then(|u| u.employee_id),
        None => None,
    };
    let mut state = State {
        employees: HashMap::new(),
        skills: HashMap::new(),
        certifications: HashMap::new(),
        seen: HashMap::new(),
        me,
        max_levels,
    };
    let mut out = Vec::with_capacity(sheet.rows.len());
    for (line, cells) in &sheet.rows {
        let key_text = format!(
            "{} {} level {} on {}",
            map.cell(cells, NUMBER),
            map.cell(cells, SKILL),
            map.cell(cells, LEVEL),
            map.cell(cells, ACHIEVED)
        );
        let (outcome, detail) = match import_row(w, ctx, &mut state, &map, cells, *line) {
            Ok(done) => done,
            Err(reason) => (RowOutcome::Rejected, reason),
        };
        out.push(ImportRow {
            line: *line,
            key: key_text,
            outcome,
            detail,
        });
    }
    Ok((out, map.ignored))
}

struct State {
    /// Employees by number, looked up once each.
    employees: HashMap<String, Option<Employee>>,
    /// Skills with their revisions by id, read once each (an import writes neither).
    skills: HashMap<uuid::Uuid, (Skill, Vec<SkillRevision>)>,
    /// Each employee's certifications as this transaction holds them: read once, then kept
    /// in step with what the rows write, so a file of ten years of history reads each
    /// person's record once instead of once per row.
    certifications: HashMap<uuid::Uuid, Vec<Certification>>,
    /// (employee, skill, level, day) → the line that gave it first.
    seen: HashMap<(uuid::Uuid, uuid::Uuid, u8, jiff::civil::Date), usize>,
    /// The employee linked to the importing login (nobody certifies themselves).
    me: Option<uuid::Uuid>,
    max_levels: HashMap<String, u8>,
}

fn import_row(
    w: &mut Writer,
    ctx: &mut ImportContext,
    state: &mut State,
    map: &Mapping,
    cells: &[String],
    line: usize,
) -> std::result::Result<(RowOutcome, String), String> {
    let number = map.cell(cells, NUMBER);
    if number.is_empty() {
        return Err("employee_number is empty".into());
    }
    let employee = match state.employees.get(number) {
        Some(e) => e.clone(),
        None => {
            let e: Option<Employee> = w
                .by_unique(EMPLOYEE_NUMBER, number)
                .map_err(|e| e.to_string())?;
            let e = e.filter(|e| e.deleted_at.is_none());
            state.employees.insert(number.to_owned(), e.clone());
            e
        }
    };
    let employee = employee
        .ok_or_else(|| format!("no employee has number {number} (import the employees first)"))?;
    if state.me == Some(employee.id) {
        return Err(format!(
            "{} is linked to your own login: another trainer or a skill manager must import it",
            employee.name
        ));
    }
    let skill_cell = map.cell(cells, SKILL);
    if skill_cell.is_empty() {
        return Err("skill is empty".into());
    }
    let level_cell = map.cell(cells, LEVEL);
    let level: u8 = level_cell
        .parse()
        .map_err(|_| format!("level '{level_cell}' is not a whole number"))?;
    let max_level = state.max_levels.get(&key(skill_cell)).copied().unwrap_or(1);
    let skill_id = ctx.skill(w, skill_cell, max_level)?;
    let (skill, revisions) = match state.skills.entry(skill_id) {
        std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
        std::collections::hash_map::Entry::Vacant(slot) => {
            let skill: Skill = w
                .get(skill_id)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("skill '{skill_cell}' does not exist"))?;
            let revisions = w.revisions_of(skill_id).map_err(|e| e.to_string())?;
            slot.insert((skill, revisions))
        }
    };
    let (skill, revisions) = (&*skill, &*revisions);
    if level == 0 || level > skill.max_level {
        return Err(format!(
            "level {level} is outside 1..{} for {}",
            skill.max_level, skill.name
        ));
    }
    let zone = ctx.zone(employee.site_id);
    let achieved_cell = map.cell(cells, ACHIEVED);
    if achieved_cell.is_empty() {
        return Err("achieved_on is empty".into());
    }
    let day = parse_date("achieved_on", achieved_cell)?;
    let achieved_at = match achieved_cell.parse::<Timestamp>() {
        Ok(t) => t,
        Err(_) => noon(day, &zone).ok_or("achieved_on is out of range")?,
    };
    let now = w.now();
    if achieved_at > now + MAX_FUTURE {
        return Err(format!("achieved_on {day} is in the future"));
    }
    // The stored value decides the day, as exported: the date in the site's timezone.
    let day = achieved_at.to_zoned(zone.clone()).date();
    if let Some(first) = state.seen.get(&(employee.id, skill.id, level, day)) {
        return Err(format!("the same certification is already on line {first}"));
    }
    state.seen.insert((employee.id, skill.id, level, day), line);
    let label = map.cell(cells, REVISION);
    let revision_id = if label.is_empty() {
        None
    } else {
        let rev = revisions
            .iter()
            .find(|r| r.label.eq_ignore_ascii_case(label))
            .ok_or_else(|| format!("{} has no revision '{label}'", skill.name))?;
        if rev.status == RevisionStatus::Draft {
            return Err(format!(
                "{} of {} is still a draft; activate it first",
                rev.label, skill.name
            ));
        }
        Some(rev.id)
    };
    let expires_day = match map.cell(cells, EXPIRES) {
        "" => None,
        cell => {
            let d = parse_date("expires_on", cell)?;
            if d < day {
                return Err(format!("expires_on {d} is before achieved_on {day}"));
            }
            Some(d)
        }
    };
    // The expiry computed from the achievement, unless the row names another day (then
    // noon of that day).
    let expiry = |achieved: Timestamp| -> std::result::Result<Option<Timestamp>, String> {
        let computed = expires_at(achieved, skill.validity_months, &zone);
        match expires_day {
            None => Ok(computed),
            Some(d) => match computed {
                Some(c) if c.to_zoned(zone.clone()).date() == d => Ok(Some(c)),
                _ => Ok(Some(noon(d, &zone).ok_or("expires_on is out of range")?)),
            },
        }
    };
    let assessor = map.cell(cells, ASSESSOR);
    let notes = map.cell(cells, NOTES);
    if notes.len() > 4000 {
        return Err("notes are longer than 4000 characters".into());
    }
    // Without a revision label the row matches a stored certification on any revision
    // (history from before revisions existed); a new one goes on the active revision.
    let held = match state.certifications.entry(employee.id) {
        std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
        std::collections::hash_map::Entry::Vacant(slot) => slot.insert(
            w.certifications_of(employee.id)
                .map_err(|e| e.to_string())?,
        ),
    };
    let existing = held.iter().position(|c| {
        c.is_live()
            && c.skill_id == skill.id
            && c.level == level
            && (revision_id.is_none() || c.revision_id == revision_id)
            && c.achieved_at.to_zoned(zone.clone()).date() == day
    });
    match existing {
        Some(at) => {
            let old = held[at].clone();
            let mut new = old.clone();
            if map.has(EXPIRES) {
                let same_day = |t: Option<Timestamp>| t.map(|t| t.to_zoned(zone.clone()).date());
                if expires_day.is_none() || same_day(old.expires_at) != expires_day {
                    new.expires_at = expiry(old.achieved_at)?;
                }
            }
            if map.has(NOTES) {
                new.notes = notes.to_owned();
            }
            // Who recorded it stays; an assessor cell naming someone else than who assessed
            // it so far names the assessor.
            if !assessor.is_empty() && !assessor.eq_ignore_ascii_case(old.assessed_by()) {
                new.assessor = certify::assessor_of(Some(assessor), &old.certified_by, &employee)
                    .map_err(|e| e.to_string())?;
            }
            if new == old {
                return Ok((RowOutcome::Unchanged, String::new()));
            }
            let mut changed = Vec::new();
            if new.expires_at != old.expires_at {
                changed.push("expiry");
            }
            if new.notes != old.notes {
                changed.push("notes");
            }
            if new.assessor != old.assessor {
                changed.push("assessor");
            }
            w.put(&new).map_err(|e| e.to_string())?;
            w.audit(
                "certification.update",
                "certification",
                Some(new.id),
                Some(&old),
                Some(&new),
            )
            .map_err(|e| e.to_string())?;
            held[at] = new;
            Ok((
                RowOutcome::Updated,
                format!("changes {}", changed.join(", ")),
            ))
        }
        None => {
            let revision_id = revision_id.or_else(|| {
                revisions
                    .iter()
                    .find(|r| r.status == RevisionStatus::Active)
                    .map(|r| r.id)
            });
            // The same rules as the certify form: nothing new for people who left, nobody
            // certifies themselves, and a four-eyes skill's history waits for a second
            // person's approval like any other certification in it.
            let cert = certify::record_in(
                w,
                certify::NewCertification {
                    employee: &employee,
                    skill,
                    revision_id,
                    level,
                    achieved_at,
                    expires_at: expiry(achieved_at)?,
                    certified_by: w.actor().name.clone(),
                    notes: notes.to_owned(),
                    attachments: Vec::new(),
                    assessor: Some(assessor.to_owned()),
                },
            )
            .map_err(|e| e.to_string())?;
            let pending = cert.approval == Approval::Pending;
            held.push(cert);
            if pending {
                return Ok((
                    RowOutcome::Created,
                    "pending approval by a second trainer or a skill manager".into(),
                ));
            }
            Ok((RowOutcome::Created, String::new()))
        }
    }
}
