//! Bringing a plant's existing records in from a spreadsheet, and taking them out again in
//! the same shape: employees and certifications, as CSV or XLSX.
//!
//! Every import runs the same code twice over: a preview (`dry_run`) inside a write
//! transaction that is always rolled back, and the commit, one transaction for the whole
//! file. Each row is judged as created, updated, unchanged or rejected (with its line
//! number and the reason); a file with any rejected row commits nothing. Each changed record
//! gets its ordinary audit event and the import itself one more, naming the file and its
//! SHA-256. A row equal to what is stored is unchanged, so importing the same file twice
//! changes nothing the second time.

mod certifications;
mod employees;
mod export;
mod formula;
mod table;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sha2::Digest;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Editable, Result, ServiceError};
use crate::domain::*;
use crate::store::{Actor, Store, Writer};

pub use export::{export_certifications, export_employees};
pub use formula::{guard_formula, unguard_formula};
pub use table::FileFormat;

/// Largest file an import accepts (about 200,000 certification rows as CSV).
pub const MAX_IMPORT_BYTES: usize = 32 * 1024 * 1024;

/// How many rejected rows the error of a refused commit spells out.
const REJECTIONS_IN_ERROR: usize = 20;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// One employee per row.
    Employees,
    /// One certification per row.
    Certifications,
}

impl ImportKind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Employees => "employees",
            ImportKind::Certifications => "certifications",
        }
    }

    /// Parse the wire name.
    pub fn parse(s: &str) -> Option<ImportKind> {
        match s.trim() {
            "employees" => Some(ImportKind::Employees),
            "certifications" => Some(ImportKind::Certifications),
            _ => None,
        }
    }
}

/// What an import asks for besides the file.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// What the file holds.
    pub kind: ImportKind,
    /// The file's name as uploaded (for the audit trail and messages).
    pub file_name: String,
    /// The file's bytes (CSV or XLSX, told apart by content).
    pub bytes: Vec<u8>,
    /// Create sites, departments, roles, projects and skills the file names but the store
    /// lacks, instead of rejecting their rows.
    pub create_missing: bool,
    /// Only preview: judge every row and roll everything back.
    pub dry_run: bool,
}

/// What happens (or happened) to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    /// A new record.
    Created,
    /// An existing record changed.
    Updated,
    /// Equal to what is stored; nothing to do.
    Unchanged,
    /// Refused; see the reason.
    Rejected,
}

impl RowOutcome {
    /// The word shown in previews.
    pub fn as_str(self) -> &'static str {
        match self {
            RowOutcome::Created => "created",
            RowOutcome::Updated => "updated",
            RowOutcome::Unchanged => "unchanged",
            RowOutcome::Rejected => "rejected",
        }
    }
}

/// One row of the preview or result.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportRow {
    /// Line in the file (the spreadsheet row number for XLSX).
    pub line: usize,
    /// What the row is about, e.g. `E1001` or `E1001 FORK level 2 on 2024-03-01`.
    pub key: String,
    /// Created, updated, unchanged or rejected.
    pub outcome: RowOutcome,
    /// Why it was rejected, or what changed.
    pub detail: String,
}

/// The preview or result of an import.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportReport {
    /// What the file holds.
    pub kind: ImportKind,
    /// The file's name.
    pub file_name: String,
    /// SHA-256 (hex) of the file's bytes.
    pub sha256: String,
    /// Whether this is only a preview.
    pub dry_run: bool,
    /// Whether the rows were written (false for a preview, and when nothing changed).
    pub committed: bool,
    /// Rows created.
    pub created: usize,
    /// Rows that change an existing record.
    pub updated: usize,
    /// Rows equal to what is stored.
    pub unchanged: usize,
    /// Rows refused.
    pub rejected: usize,
    /// Sites, departments, roles, projects or skills created because the file named them
    /// (with `create_missing`), e.g. `department Paint`.
    pub created_references: Vec<String>,
    /// Headers that matched no known column and were ignored.
    pub ignored_columns: Vec<String>,
    /// Every row, in file order.
    pub rows: Vec<ImportRow>,
}

impl ImportReport {
    /// One line for people: the counts.
    pub fn summary(&self) -> String {
        format!(
            "{} rows: {} created, {} updated, {} unchanged, {} rejected",
            self.rows.len(),
            self.created,
            self.updated,
            self.unchanged,
            self.rejected
        )
    }
}

/// Import (or preview) a file. A preview always answers with the full report; a commit
/// with any rejected row writes nothing and fails with the rejected lines in its message.
pub fn import_file(store: &Store, actor: &Actor, request: ImportRequest) -> Result<ImportReport> {
    if request.bytes.len() > MAX_IMPORT_BYTES {
        return Err(ServiceError::invalid(
            "file",
            format!(
                "the file is larger than {} MiB; split it",
                MAX_IMPORT_BYTES >> 20
            ),
        ));
    }
    let sheet = table::read_sheet(&request.bytes)?;
    let sha256 = crate::store::hex(&sha2::Sha256::digest(&request.bytes));
    let run = |w: &mut Writer| -> Result<ImportReport> {
        let mut ctx = ImportContext::load(w, request.create_missing, actor)?;
        let (rows, ignored) = match request.kind {
            ImportKind::Employees => employees::import(w, &mut ctx, &sheet)?,
            ImportKind::Certifications => certifications::import(w, &mut ctx, &sheet)?,
        };
        let count = |o: RowOutcome| rows.iter().filter(|r| r.outcome == o).count();
        let mut report = ImportReport {
            kind: request.kind,
            file_name: request.file_name.clone(),
            sha256: sha256.clone(),
            dry_run: request.dry_run,
            committed: false,
            created: count(RowOutcome::Created),
            updated: count(RowOutcome::Updated),
            unchanged: count(RowOutcome::Unchanged),
            rejected: count(RowOutcome::Rejected),
            created_references: ctx.created,
            ignored_columns: ignored,
            rows,
        };
        if request.dry_run {
            return Ok(report);
        }
        if report.rejected > 0 {
            return Err(refused(&report));
        }
        if report.created + report.updated + report.created_references.len() > 0 {
            let summary = serde_json::json!({
                "kind": request.kind.as_str(),
                "file": request.file_name,
                "sha256": sha256,
                "rows": report.rows.len(),
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "created_references": report.created_references,
            });
            w.audit(
                &format!("import.{}", request.kind.as_str()),
                "import",
                Some(new_id()),
                None::<&()>,
                Some(&summary),
            )?;
            report.committed = true;
        }
        Ok(report)
    };
    if request.dry_run {
        store.dry_run(run)
    } else {
        store.write(actor, run)
    }
}

/// The error of a commit refused for its rejected rows: each named with its line.
fn refused(report: &ImportReport) -> ServiceError {
    let mut lines: Vec<String> = report
        .rows
        .iter()
        .filter(|r| r.outcome == RowOutcome::Rejected)
        .take(REJECTIONS_IN_ERROR)
        .map(|r| format!("line {}: {}", r.line, r.detail))
        .collect();
    if report.rejected > REJECTIONS_IN_ERROR {
        lines.push(format!(
            "and {} more (preview the file to see them all)",
            report.rejected - REJECTIONS_IN_ERROR
        ));
    }
    ServiceError::Invalid {
        field: Some("file"),
        message: format!(
            "nothing was imported: {} of {} rows rejected; {}",
            report.rejected,
            report.rows.len(),
            lines.join("; ")
        ),
    }
}

/// Looking up what rows name (by code or name, without case) and creating what is missing
/// when asked; one per import, inside its transaction.
struct ImportContext {
    create_missing: bool,
    /// The login importing, as named by the caller: a preview runs as "preview" in the
    /// store, and must still refuse the same rows (their own certifications) as the commit.
    importer: Option<Uuid>,
    sites: HashMap<String, Uuid>,
    site_zone: HashMap<Uuid, jiff::tz::TimeZone>,
    departments: HashMap<String, Uuid>,
    roles: HashMap<String, Uuid>,
    projects: HashMap<String, Uuid>,
    skills: HashMap<String, Uuid>,
    /// What was created for this file, e.g. `department Paint`.
    created: Vec<String>,
}

fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

impl ImportContext {
    fn load(w: &Writer, create_missing: bool, actor: &Actor) -> Result<ImportContext> {
        let mut ctx = ImportContext {
            create_missing,
            importer: actor.user_id,
            sites: HashMap::new(),
            site_zone: HashMap::new(),
            departments: HashMap::new(),
            roles: HashMap::new(),
            projects: HashMap::new(),
            skills: HashMap::new(),
            created: Vec::new(),
        };
        // Names first, then codes, so a code always wins over another record's name.
        for s in w
            .list::<Site>()?
            .into_iter()
            .filter(|s| s.deleted_at.is_none())
        {
            ctx.sites.entry(key(&s.name)).or_insert(s.id);
            if let Ok(z) = jiff::tz::TimeZone::get(&s.timezone) {
                ctx.site_zone.insert(s.id, z);
            }
        }
        for s in w
            .list::<Site>()?
            .into_iter()
            .filter(|s| s.deleted_at.is_none())
        {
            ctx.sites.insert(key(&s.code), s.id);
        }
        for d in w
            .list::<Department>()?
            .into_iter()
            .filter(|d| d.deleted_at.is_none())
        {
            ctx.departments.insert(key(&d.name), d.id);
        }
        for r in w
            .list::<Role>()?
            .into_iter()
            .filter(|r| r.deleted_at.is_none())
        {
            ctx.roles.insert(key(&r.name), r.id);
        }
        let projects: Vec<Project> = w.list()?;
        for p in projects.iter().filter(|p| p.deleted_at.is_none()) {
            ctx.projects.entry(key(&p.name)).or_insert(p.id);
        }
        for p in projects.iter().filter(|p| p.deleted_at.is_none()) {
            ctx.projects.insert(key(&p.code), p.id);
        }
        let skills: Vec<Skill> = w.list()?;
        for s in skills.iter().filter(|s| s.deleted_at.is_none()) {
            ctx.skills.entry(key(&s.name)).or_insert(s.id);
        }
        for s in skills.iter().filter(|s| s.deleted_at.is_none()) {
            ctx.skills.insert(key(&s.code), s.id);
        }
        Ok(ctx)
    }

    /// The timezone of a site (UTC when it has none that resolves).
    fn zone(&self, site: Uuid) -> jiff::tz::TimeZone {
        self.site_zone
            .get(&site)
            .cloned()
            .unwrap_or(jiff::tz::TimeZone::UTC)
    }

    /// Create a record of kind `E` from `input` in the import's transaction, audited as any
    /// other create, and remember it for the report.
    fn create<E: Editable>(&mut self, w: &mut Writer, input: E::Input, what: String) -> Result<E> {
        let rec = super::edit::create_in::<E>(w, input)?;
        self.created.push(what);
        Ok(rec)
    }

    fn missing(&self, what: &str, value: &str) -> String {
        format!("{what} '{value}' does not exist (create it first, or import with create missing)")
    }

    /// A site by code or name. Created sites take the box's timezone.
    fn site(&mut self, w: &mut Writer, value: &str) -> std::result::Result<Uuid, String> {
        if let Some(id) = self.sites.get(&key(value)) {
            return Ok(*id);
        }
        if !self.create_missing {
            return Err(self.missing("site", value));
        }
        let zone = jiff::tz::TimeZone::system();
        let timezone = zone.iana_name().unwrap_or("UTC").to_owned();
        let input = super::SiteInput {
            code: value.to_owned(),
            name: value.to_owned(),
            timezone: timezone.clone(),
            warning_days: None,
        };
        let site: Site = self
            .create(w, input, format!("site {value} (timezone {timezone})"))
            .map_err(|e| e.to_string())?;
        self.sites.insert(key(value), site.id);
        self.site_zone.insert(
            site.id,
            jiff::tz::TimeZone::get(&site.timezone).unwrap_or(jiff::tz::TimeZone::UTC),
        );
        Ok(site.id)
    }

    fn department(&mut self, w: &mut Writer, value: &str) -> std::result::Result<Uuid, String> {
        if let Some(id) = self.departments.get(&key(value)) {
            return Ok(*id);
        }
        if !self.create_missing {
            return Err(self.missing("department", value));
        }
        let input = super::DepartmentInput {
            name: value.to_owned(),
        };
        let d: Department = self
            .create(w, input, format!("department {value}"))
            .map_err(|e| e.to_string())?;
        self.departments.insert(key(value), d.id);
        Ok(d.id)
    }

    fn role(&mut self, w: &mut Writer, value: &str) -> std::result::Result<Uuid, String> {
        if let Some(id) = self.roles.get(&key(value)) {
            return Ok(*id);
        }
        if !self.create_missing {
            return Err(self.missing("role", value));
        }
        let input = super::RoleInput {
            name: value.to_owned(),
        };
        let r: Role = self
            .create(w, input, format!("role {value}"))
            .map_err(|e| e.to_string())?;
        self.roles.insert(key(value), r.id);
        Ok(r.id)
    }

    /// A project (line) by code or name; a created one is at `site`.
    fn project(
        &mut self,
        w: &mut Writer,
        value: &str,
        site: Uuid,
    ) -> std::result::Result<Uuid, String> {
        if let Some(id) = self.projects.get(&key(value)) {
            return Ok(*id);
        }
        if !self.create_missing {
            return Err(self.missing("project", value));
        }
        let input = super::ProjectInput {
            code: value.to_owned(),
            name: value.to_owned(),
            site_id: site,
        };
        let p: Project = self
            .create(w, input, format!("project {value}"))
            .map_err(|e| e.to_string())?;
        self.projects.insert(key(value), p.id);
        Ok(p.id)
    }

    /// A skill by code or name; a created one has `max_level` levels and never expires.
    fn skill(
        &mut self,
        w: &mut Writer,
        value: &str,
        max_level: u8,
    ) -> std::result::Result<Uuid, String> {
        if let Some(id) = self.skills.get(&key(value)) {
            return Ok(*id);
        }
        if !self.create_missing {
            return Err(self.missing("skill", value));
        }
        let input = super::SkillInput {
            code: value.to_owned(),
            name: value.to_owned(),
            description: String::new(),
            max_level: max_level.max(1),
            validity_months: None,
            needs_approval: None,
        };
        let s: Skill = self
            .create(w, input, format!("skill {value}"))
            .map_err(|e| e.to_string())?;
        self.skills.insert(key(value), s.id);
        Ok(s.id)
    }
}

/// A date cell: `YYYY-MM-DD` (or an ISO date-time, whose date is taken).
fn parse_date(field: &str, value: &str) -> std::result::Result<jiff::civil::Date, String> {
    let v = value.trim();
    let day = v.get(..10).unwrap_or(v);
    day.parse::<jiff::civil::Date>()
        .map_err(|_| format!("{field} '{v}' is not a date (write it as YYYY-MM-DD)"))
}

/// Noon of `day` in `zone`: the instant a dated record stands for (never ambiguous).
fn noon(day: jiff::civil::Date, zone: &jiff::tz::TimeZone) -> Option<jiff::Timestamp> {
    day.at(12, 0, 0, 0)
        .to_zoned(zone.clone())
        .ok()
        .map(|z| z.timestamp())
}
