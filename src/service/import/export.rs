//! Exporting employees and certifications as CSV in exactly the shape the import reads, so
//! export → edit in a spreadsheet → import is a round trip.

use std::collections::HashMap;

use uuid::Uuid;

use super::{certifications, employees};
use crate::domain::*;
use crate::service::{Result, ServiceError};
use crate::store::Store;

fn csv_error(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Invalid {
        field: None,
        message: format!("cannot write the CSV: {e}"),
    }
}

/// The export's CSV writer: every cell is guarded against running as a spreadsheet formula
/// ([`super::guard_formula`]; the import reads the guard back off).
struct Writer(csv::Writer<Vec<u8>>);

impl Writer {
    fn from_writer(out: Vec<u8>) -> Writer {
        Writer(csv::Writer::from_writer(out))
    }

    fn write_record<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) -> csv::Result<()> {
        for cell in cells {
            self.0.write_field(super::guard_formula(cell).as_bytes())?;
        }
        // An empty record ends the one the fields above started.
        self.0.write_record(None::<&[u8]>)
    }
}

fn finish(w: Writer) -> Result<Vec<u8>> {
    w.0.into_inner().map_err(csv_error)
}

/// Every live employee as CSV (site, projects by code; department and role by name).
pub fn export_employees(store: &Store) -> Result<Vec<u8>> {
    let catalog = store.catalog();
    let mut employees: Vec<Employee> = store
        .read()?
        .list::<Employee>()?
        .into_iter()
        .filter(|e| e.deleted_at.is_none())
        .collect();
    employees.sort_by(|a, b| a.number.cmp(&b.number));
    let mut w = Writer::from_writer(Vec::new());
    w.write_record(employees::COLUMNS.iter().map(|c| c.name))
        .map_err(csv_error)?;
    let numbers: HashMap<Uuid, &str> = employees
        .iter()
        .map(|e| (e.id, e.number.as_str()))
        .collect();
    for e in &employees {
        let supervisor = e
            .supervisor_id
            .and_then(|s| numbers.get(&s).copied())
            .unwrap_or_default();
        let start = e.start_date.map(|d| d.to_string()).unwrap_or_default();
        let site = catalog
            .sites
            .get(&e.site_id)
            .map_or("", |s| s.code.as_str());
        let department = e
            .department_id
            .and_then(|d| catalog.departments.get(&d))
            .map_or("", |d| d.name.as_str());
        let role = e
            .role_id
            .and_then(|r| catalog.roles.get(&r))
            .map_or("", |r| r.name.as_str());
        let projects: Vec<&str> = e
            .project_ids
            .iter()
            .filter_map(|p| catalog.projects.get(p))
            .map(|p| p.code.as_str())
            .collect();
        w.write_record([
            e.number.as_str(),
            e.name.as_str(),
            site,
            department,
            role,
            projects.join("; ").as_str(),
            e.status.as_str(),
            start.as_str(),
            supervisor,
            e.email.as_deref().unwrap_or_default(),
            e.language.as_deref().unwrap_or_default(),
        ])
        .map_err(csv_error)?;
    }
    finish(w)
}

/// Every live (not revoked, not deleted) certification as CSV, dates in the employee's site
/// timezone.
pub fn export_certifications(store: &Store) -> Result<Vec<u8>> {
    let catalog = store.catalog();
    let r = store.read()?;
    let employees: HashMap<Uuid, Employee> = r.live_by_id()?;
    let mut certs: Vec<Certification> = r
        .list::<Certification>()?
        .into_iter()
        .filter(|c| c.is_live() && employees.contains_key(&c.employee_id))
        .collect();
    drop(r);
    certs.sort_by(|a, b| {
        (&employees[&a.employee_id].number, a.skill_id, a.achieved_at).cmp(&(
            &employees[&b.employee_id].number,
            b.skill_id,
            b.achieved_at,
        ))
    });
    let mut w = Writer::from_writer(Vec::new());
    w.write_record(certifications::COLUMNS.iter().map(|c| c.name))
        .map_err(csv_error)?;
    for c in &certs {
        let e = &employees[&c.employee_id];
        let zone = catalog.zone(e.site_id);
        let skill = catalog
            .skills
            .get(&c.skill_id)
            .map_or("", |s| s.code.as_str());
        let revision = c
            .revision_id
            .and_then(|id| {
                catalog
                    .revisions
                    .get(&c.skill_id)?
                    .iter()
                    .find(|r| r.id == id)
            })
            .map_or("", |r| r.label.as_str());
        let day = |t: jiff::Timestamp| t.to_zoned(zone.clone()).date().to_string();
        w.write_record([
            e.number.as_str(),
            skill,
            revision,
            c.level.to_string().as_str(),
            day(c.achieved_at).as_str(),
            c.expires_at.map(day).unwrap_or_default().as_str(),
            c.assessed_by(),
            c.notes.as_str(),
        ])
        .map_err(csv_error)?;
    }
    finish(w)
}
