//! Importing employees: one row per person, matched to a stored employee by number.

use std::collections::HashMap;

use uuid::Uuid;

use super::table::{Column, EMPLOYEE_NUMBER_COLUMN, Mapping, Sheet};
use super::{ImportContext, ImportRow, RowOutcome};
use crate::domain::*;
use crate::service::{Editable, EmployeeInput, Result};
use crate::store::Writer;
use crate::store::keys::EMPLOYEE_NUMBER;

/// The columns of an employees file, in export order. Only number, name and site are
/// required; a column the file lacks leaves that field of an existing employee as it is.
pub(super) const COLUMNS: &[Column] = &[
    EMPLOYEE_NUMBER_COLUMN,
    Column {
        name: "name",
        synonyms: &["full name", "employee name", "employee"],
        required: true,
    },
    Column {
        name: "site",
        synonyms: &["site code", "plant", "location", "werk"],
        required: true,
    },
    Column {
        name: "department",
        synonyms: &["dept", "department name", "abteilung"],
        required: false,
    },
    Column {
        name: "role",
        synonyms: &["job title", "title", "position", "job", "job role"],
        required: false,
    },
    Column {
        name: "projects",
        synonyms: &[
            "project",
            "lines",
            "line",
            "projects/lines",
            "cells",
            "cell",
        ],
        required: false,
    },
    Column {
        name: "status",
        synonyms: &["employment status", "state"],
        required: false,
    },
    Column {
        name: "start_date",
        synonyms: &[
            "start",
            "started",
            "started on",
            "hire date",
            "hired",
            "date of hire",
            "entry date",
        ],
        required: false,
    },
    Column {
        name: "supervisor",
        synonyms: &[
            "supervisor number",
            "supervisor employee number",
            "manager",
            "reports to",
            "team lead",
        ],
        required: false,
    },
    Column {
        name: "email",
        synonyms: &["e-mail", "email address", "mail", "work email"],
        required: false,
    },
    Column {
        name: "language",
        synonyms: &[
            "preferred language",
            "lang",
            "idioma",
            "sprache",
            "język",
            "jezyk",
        ],
        required: false,
    },
];

const NUMBER: usize = 0;
const NAME: usize = 1;
const SITE: usize = 2;
const DEPARTMENT: usize = 3;
const ROLE: usize = 4;
const PROJECTS: usize = 5;
const STATUS: usize = 6;
const START: usize = 7;
const SUPERVISOR: usize = 8;
const EMAIL: usize = 9;
const LANGUAGE: usize = 10;

/// Split a list cell (`LINE-1; LINE-2`, commas and bars work too).
pub(super) fn split_list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([';', ',', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn parse_status(value: &str) -> std::result::Result<EmployeeStatus, String> {
    match value.trim().to_lowercase().as_str() {
        "active" | "working" | "employed" => Ok(EmployeeStatus::Active),
        "leave" | "on leave" | "inactive" => Ok(EmployeeStatus::Leave),
        "terminated" | "left" | "gone" => Ok(EmployeeStatus::Terminated),
        other => Err(format!(
            "status '{other}' is not one of active, leave, terminated"
        )),
    }
}

/// Judge (and write, in `w`) every row; returns the rows and the ignored headers.
pub(super) fn import(
    w: &mut Writer,
    ctx: &mut ImportContext,
    sheet: &Sheet,
) -> Result<(Vec<ImportRow>, Vec<String>)> {
    let map = Mapping::new(&sheet.headers, COLUMNS)?;
    let in_file: std::collections::HashSet<&str> = sheet
        .rows
        .iter()
        .map(|(_, cells)| map.cell(cells, NUMBER))
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(sheet.rows.len());
    // Rows whose supervisor is a person this file creates further down: set afterwards.
    let mut later: Vec<(usize, Uuid, String)> = Vec::new();
    for (line, cells) in &sheet.rows {
        let number = map.cell(cells, NUMBER).to_owned();
        let row = |outcome, detail: String| ImportRow {
            line: *line,
            key: number.clone(),
            outcome,
            detail,
        };
        if let Some(first) = seen.get(&number) {
            out.push(row(
                RowOutcome::Rejected,
                format!("employee number {number} is already on line {first}"),
            ));
            continue;
        }
        if !number.is_empty() {
            seen.insert(number.clone(), *line);
        }
        match import_row(w, ctx, &map, cells, &number, &in_file) {
            Ok((outcome, detail, deferred)) => {
                if let Some((id, supervisor)) = deferred {
                    later.push((out.len(), id, supervisor));
                }
                out.push(row(outcome, detail));
            }
            Err(reason) => out.push(row(RowOutcome::Rejected, reason)),
        }
    }
    for (at, id, supervisor) in later {
        let boss: Option<Employee> = w.by_unique(EMPLOYEE_NUMBER, &supervisor)?;
        let Some(boss) = boss.filter(|b| b.deleted_at.is_none()) else {
            let row = &mut out[at];
            row.outcome = RowOutcome::Rejected;
            row.detail = format!("supervisor {supervisor} is rejected on its own line");
            continue;
        };
        let Some(old) = w.get::<Employee>(id)? else {
            continue;
        };
        let mut new = old.clone();
        new.supervisor_id = Some(boss.id);
        if new != old {
            w.put(&new)?;
            w.audit(
                "employee.update",
                "employee",
                Some(id),
                Some(&old),
                Some(&new),
            )?;
            let row = &mut out[at];
            if row.outcome == RowOutcome::Unchanged {
                row.outcome = RowOutcome::Updated;
                row.detail = "changes supervisor".into();
            }
        }
    }
    Ok((out, map.ignored))
}

/// An e-mail address as stored: trimmed, lower case, `local@domain.tld`.
fn parse_email(value: &str) -> std::result::Result<String, String> {
    let e = value.trim().to_lowercase();
    let valid = e.len() <= 254
        && !e.contains(char::is_whitespace)
        && e.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.contains('@')
        });
    if valid {
        Ok(e)
    } else {
        Err(format!("email '{value}' is not an e-mail address"))
    }
}

/// What a row did, why, and the supervisor to set once the file's later rows exist.
type RowResult = (RowOutcome, String, Option<(Uuid, String)>);

/// One row: what happened, or why it is rejected. A rejected row writes nothing (what it
/// referenced may have been created, which is harmless: the whole file then commits nothing).
fn import_row(
    w: &mut Writer,
    ctx: &mut ImportContext,
    map: &Mapping,
    cells: &[String],
    number: &str,
    in_file: &std::collections::HashSet<&str>,
) -> std::result::Result<RowResult, String> {
    if number.is_empty() {
        return Err("employee_number is empty".into());
    }
    let existing: Option<Employee> = w
        .by_unique(EMPLOYEE_NUMBER, number)
        .map_err(|e| e.to_string())?;
    let existing = existing.filter(|e| e.deleted_at.is_none());
    let name = map.cell(cells, NAME);
    if name.is_empty() {
        return Err("name is empty".into());
    }
    let site = map.cell(cells, SITE);
    if site.is_empty() {
        return Err("site is empty".into());
    }
    let site_id = ctx.site(w, site)?;
    let department_id = if map.has(DEPARTMENT) {
        match map.cell(cells, DEPARTMENT) {
            "" => None,
            d => Some(ctx.department(w, d)?),
        }
    } else {
        existing.as_ref().and_then(|e| e.department_id)
    };
    let role_id = if map.has(ROLE) {
        match map.cell(cells, ROLE) {
            "" => None,
            r => Some(ctx.role(w, r)?),
        }
    } else {
        existing.as_ref().and_then(|e| e.role_id)
    };
    let project_ids = if map.has(PROJECTS) {
        let mut ids: Vec<Uuid> = Vec::new();
        for p in split_list(map.cell(cells, PROJECTS)) {
            ids.push(ctx.project(w, p, site_id)?);
        }
        ids
    } else {
        existing
            .as_ref()
            .map(|e| e.project_ids.clone())
            .unwrap_or_default()
    };
    let status = match map.cell(cells, STATUS) {
        "" => None,
        s => Some(parse_status(s)?),
    };
    let input = EmployeeInput {
        number: number.to_owned(),
        name: name.to_owned(),
        site_id,
        department_id,
        role_id,
        project_ids,
        status,
        user_id: existing.as_ref().and_then(|e| e.user_id),
        // Only a file with the column changes it.
        language: map
            .has(LANGUAGE)
            .then(|| map.cell(cells, LANGUAGE).to_owned()),
    };
    let id = existing.as_ref().map_or_else(new_id, |e| e.id);
    let mut rec = Employee::build(w, id, input, existing.as_ref()).map_err(|e| e.to_string())?;
    if map.has(START) {
        rec.start_date = match map.cell(cells, START) {
            "" => None,
            d => Some(super::parse_date("start_date", d)?),
        };
    }
    if map.has(EMAIL) {
        rec.email = match map.cell(cells, EMAIL) {
            "" => None,
            e => Some(parse_email(e)?),
        };
    }
    let mut deferred = None;
    if map.has(SUPERVISOR) {
        let boss_number = map.cell(cells, SUPERVISOR);
        rec.supervisor_id = if boss_number.is_empty() {
            None
        } else if boss_number == number {
            return Err("an employee cannot be their own supervisor".into());
        } else {
            let boss: Option<Employee> = w
                .by_unique(EMPLOYEE_NUMBER, boss_number)
                .map_err(|e| e.to_string())?;
            match boss.filter(|b| b.deleted_at.is_none()) {
                Some(b) => Some(b.id),
                None if in_file.contains(boss_number) => {
                    deferred = Some((id, boss_number.to_owned()));
                    existing.as_ref().and_then(|e| e.supervisor_id)
                }
                None => {
                    return Err(format!(
                        "supervisor {boss_number} is no employee (give their employee number)"
                    ));
                }
            }
        };
    }
    let done = |(outcome, detail): (RowOutcome, String)| (outcome, detail, deferred);
    match existing {
        Some(old) if old == rec => Ok(done((RowOutcome::Unchanged, String::new()))),
        Some(old) => {
            let detail = changed_fields(&old, &rec);
            w.put(&rec).map_err(|e| e.to_string())?;
            w.audit(
                "employee.update",
                "employee",
                Some(id),
                Some(&old),
                Some(&rec),
            )
            .map_err(|e| e.to_string())?;
            Ok(done((RowOutcome::Updated, detail)))
        }
        None => {
            w.put(&rec).map_err(|e| e.to_string())?;
            w.audit(
                "employee.create",
                "employee",
                Some(id),
                None::<&Employee>,
                Some(&rec),
            )
            .map_err(|e| e.to_string())?;
            Ok(done((RowOutcome::Created, String::new())))
        }
    }
}

/// Which fields an update changes, for the preview, e.g. `name, department`.
fn changed_fields(old: &Employee, new: &Employee) -> String {
    let mut changed = Vec::new();
    if old.name != new.name {
        changed.push("name");
    }
    if old.site_id != new.site_id {
        changed.push("site");
    }
    if old.department_id != new.department_id {
        changed.push("department");
    }
    if old.role_id != new.role_id {
        changed.push("role");
    }
    if old.project_ids != new.project_ids {
        changed.push("projects");
    }
    if old.status != new.status {
        changed.push("status");
    }
    if old.start_date != new.start_date {
        changed.push("start date");
    }
    if old.supervisor_id != new.supervisor_id {
        changed.push("supervisor");
    }
    if old.language != new.language {
        changed.push("language");
    }
    if old.email != new.email {
        changed.push("email");
    }
    format!("changes {}", changed.join(", "))
}
