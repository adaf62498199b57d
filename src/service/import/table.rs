//! Reading an uploaded spreadsheet (CSV or XLSX) into rows of text cells, and mapping its
//! header row onto the columns an import knows, by name and common synonyms.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

use super::super::{Result, ServiceError};

/// The file formats an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Comma (or semicolon) separated text, UTF-8.
    Csv,
    /// An Excel workbook; the first sheet is read.
    Xlsx,
}

impl FileFormat {
    /// Tell the format by the file's bytes (an XLSX file is a zip archive), not by its name.
    pub fn detect(bytes: &[u8]) -> FileFormat {
        if bytes.starts_with(b"PK\x03\x04") {
            FileFormat::Xlsx
        } else {
            FileFormat::Csv
        }
    }
}

/// A sheet: the header cells and every non-empty row with its line number in the file
/// (the spreadsheet's row number for XLSX), so a rejected row can be found and fixed.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// Header cells as written.
    pub headers: Vec<String>,
    /// (line number, cells) for each row after the header that is not blank.
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Read `bytes` as a CSV or XLSX sheet.
pub fn read_sheet(bytes: &[u8]) -> Result<Sheet> {
    let sheet = match FileFormat::detect(bytes) {
        FileFormat::Csv => read_csv(bytes)?,
        FileFormat::Xlsx => read_xlsx(bytes)?,
    };
    if sheet.headers.iter().all(|h| h.trim().is_empty()) {
        return Err(invalid(
            "the file is empty: the first row must name the columns",
        ));
    }
    Ok(sheet)
}

fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::invalid("file", message)
}

fn read_csv(bytes: &[u8]) -> Result<Sheet> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Spreadsheets in much of Europe save "CSV" with semicolons: take whichever separator
    // the header line uses more.
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |c: u8| first_line.iter().filter(|b| **b == c).count();
    let delimiter = if count(b';') > count(b',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let rows = reader.records().map(|record| {
        let record = record.map_err(|e| {
            let at = e
                .position()
                .map(|p| format!(" on line {}", p.line()))
                .unwrap_or_default();
            invalid(format!("the file is not readable as CSV{at}: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        Ok((line, record.iter().map(|c| c.trim().to_owned()).collect()))
    });
    sheet_of(rows)
}

/// The first row with any text is the header; every later row with any text is data.
fn sheet_of(rows: impl Iterator<Item = Result<(usize, Vec<String>)>>) -> Result<Sheet> {
    let mut headers = None;
    let mut data = Vec::new();
    for row in rows {
        let (line, cells) = row?;
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        if headers.is_none() {
            headers = Some(cells);
        } else {
            data.push((line, cells));
        }
    }
    Ok(Sheet {
        headers: headers.unwrap_or_default(),
        rows: data,
    })
}

fn read_xlsx(bytes: &[u8]) -> Result<Sheet> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| invalid(format!("the file is not a readable XLSX workbook: {e}")))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| invalid("the workbook has no sheet"))?
        .map_err(|e| invalid(format!("the first sheet cannot be read: {e}")))?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    sheet_of(
        range
            .rows()
            .enumerate()
            .map(|(i, row)| Ok((first_row + i + 1, row.iter().map(cell_text).collect()))),
    )
}

/// A cell as the text a person sees: whole numbers without `.0`, dates as `YYYY-MM-DD`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            let (y, m, day, hh, mm, ss, _) = d.to_ymd_hms_milli();
            if (hh, mm, ss) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                format!("{y:04}-{m:02}-{day:02}T{hh:02}:{mm:02}:{ss:02}")
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A column an import understands: its canonical header and the other names people give it.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The header the export writes.
    pub name: &'static str,
    /// Other headers accepted, compared without case, spaces or punctuation.
    pub synonyms: &'static [&'static str],
    /// Whether every file must have it.
    pub required: bool,
}

/// The employee number column, the key of both imports: one definition, so the two files
/// accept the same headers for it.
pub const EMPLOYEE_NUMBER_COLUMN: Column = Column {
    name: "employee_number",
    synonyms: &[
        "number",
        "employee no",
        "emp no",
        "employee id",
        "emp id",
        "personnel number",
        "staff number",
        "payroll number",
        "personalnummer",
    ],
    required: true,
};

/// Header text folded for comparison: lower case letters and digits only.
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Where each known column is in a sheet, and the headers nobody knows.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// For each column of the import (same order), its index in the sheet.
    pub index: Vec<Option<usize>>,
    /// Headers that matched no column (ignored, and said so in the preview).
    pub ignored: Vec<String>,
}

impl Mapping {
    /// Map `headers` onto `columns`; a missing required column or a column given twice is
    /// refused with the header names to use.
    pub fn new(headers: &[String], columns: &[Column]) -> Result<Mapping> {
        let mut index = vec![None; columns.len()];
        let mut ignored = Vec::new();
        for (at, header) in headers.iter().enumerate() {
            let folded = fold(header);
            if folded.is_empty() {
                continue;
            }
            let known = columns.iter().position(|c| {
                fold(c.name) == folded || c.synonyms.iter().any(|s| fold(s) == folded)
            });
            match known {
                Some(col) if index[col].is_some() => {
                    return Err(invalid(format!(
                        "the column {} appears twice (as '{}' and '{}')",
                        columns[col].name,
                        headers[index[col].unwrap_or(0)],
                        header
                    )));
                }
                Some(col) => index[col] = Some(at),
                None => ignored.push(header.clone()),
            }
        }
        let missing: Vec<&str> = columns
            .iter()
            .zip(&index)
            .filter(|(c, i)| c.required && i.is_none())
            .map(|(c, _)| c.name)
            .collect();
        if !missing.is_empty() {
            return Err(invalid(format!(
                "the file has no column {} (the first row must name the columns, e.g. {})",
                missing.join(", "),
                columns
                    .iter()
                    .filter(|c| c.required)
                    .map(|c| c.name)
                    .collect::<Vec<_>>()
                    .join(",")
            )));
        }
        Ok(Mapping { index, ignored })
    }

    /// Whether the sheet has column `col`.
    pub fn has(&self, col: usize) -> bool {
        self.index[col].is_some()
    }

    /// The cell of column `col` in `row` (empty when the sheet lacks it or the row is short),
    /// without the formula guard an export put in front of it.
    pub fn cell<'a>(&self, row: &'a [String], col: usize) -> &'a str {
        self.index[col]
            .and_then(|i| row.get(i))
            .map_or("", |s| super::formula::unguard_formula(s))
    }
}
