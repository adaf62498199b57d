//! Spreadsheet formula guarding for every CSV the box writes, and its undoing for the CSV and
//! XLSX files it reads, so a name typed as `=HYPERLINK(…)` is shown as text when a plant
//! opens an export, and still comes back as the same name when the export is imported.
//!
//! A cell a spreadsheet would run as a formula starts with `=`, `+`, `-`, `@`, a tab or a
//! carriage return. It is written with a `'` in front, which spreadsheets read as "this is
//! text" and do not show. A plain negative number (`-3`, `-2.5`) is a number, not a
//! formula, and is written as it is. A cell that already starts with `'` followed by
//! something guarded gets one more `'`, so reading strips exactly what writing added:
//! `unguard_formula(&guard_formula(s)) == s` for every `s`.

use std::borrow::Cow;

/// The first characters a spreadsheet treats as the start of a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `-` followed by digits with at most one `.` between digits: a number, not a formula.
fn is_negative_number(cell: &str) -> bool {
    let Some(rest) = cell.strip_prefix('-') else {
        return false;
    };
    let (whole, fraction) = rest.split_once('.').unwrap_or((rest, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction)
}

/// Whether `cell` needs a guard: it starts like a formula, or it is quotes in front of
/// something that does (so the quote that reading strips is one writing added).
fn needs_guard(cell: &str) -> bool {
    let text = cell.trim_start_matches('\'');
    text.starts_with(FORMULA_STARTS) && !is_negative_number(text)
}

/// The cell as a CSV export writes it: with a leading `'` when a spreadsheet would run it as
/// a formula, else unchanged.
pub fn guard_formula(cell: &str) -> Cow<'_, str> {
    if needs_guard(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The text of a cell an import reads: a guard [`guard_formula`] added is removed, anything
/// else is left as it is.
pub fn unguard_formula(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_what_a_spreadsheet_would_run() {
        for cell in [
            "=1+1",
            "+49 30 1234",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "=HYPERLINK(\"http://x\")",
            "-",
            "--5",
            "-1.",
            "-.5",
        ] {
            assert_eq!(guard_formula(cell), format!("'{cell}"), "{cell:?}");
        }
        for cell in [
            "", "Ada", "E1001", "-3", "-2.5", "3", "a=b", "'quoted", "''",
        ] {
            assert_eq!(guard_formula(cell), cell, "{cell:?}");
        }
        assert_eq!(guard_formula("'=x"), "''=x");
    }

    #[test]
    fn reading_undoes_exactly_what_writing_did() {
        for cell in [
            "", "=1", "'=1", "''=1", "'", "''", "'plain", "-3", "'-3", "-x", "@a", "'@a", "\t",
            "ok",
        ] {
            assert_eq!(unguard_formula(&guard_formula(cell)), cell, "{cell:?}");
        }
        // Text people typed with a quote in front of a formula reads as the formula's text.
        assert_eq!(unguard_formula("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unguard_formula("'plain"), "'plain");
    }
}
