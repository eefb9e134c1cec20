//! The demographics file: `candidate_id` plus one or more category columns (`sex`,
//! `race_ethnicity`, …). Read by `audit` only; no other part of skillmatch opens it.

use std::collections::BTreeMap;
use std::path::Path;

use super::error::AuditError;

/// One candidate's categories, one per category column; `None` is unknown.
pub type Categories = Vec<Option<String>>;

/// A demographics file as read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Demographics {
    /// The category columns, in file order.
    pub columns: Vec<String>,
    /// Candidate id → categories (same order as `columns`).
    pub rows: BTreeMap<String, Categories>,
}

/// A cell's category: trimmed; empty or `unknown` (any case) is unknown.
fn category(cell: &str) -> Option<String> {
    let t = cell.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("unknown") { None } else { Some(t.to_string()) }
}

/// Reads a demographics CSV (header row required; columns found by name, `candidate_id`
/// required, every other column a category column).
///
/// # Errors
/// [`AuditError::Demographics`] when the file is missing or unreadable, has no `candidate_id`
/// column or no category column, a duplicate column name, or a row with an empty or duplicate id
/// or the wrong number of cells (the message names the line).
pub fn read(path: &Path) -> Result<Demographics, AuditError> {
    let err = |reason: String| AuditError::Demographics { path: path.display().to_string(), reason };
    let file = std::fs::File::open(path).map_err(|e| err(format!("cannot open: {e}")))?;
    let mut r = csv::ReaderBuilder::new().flexible(false).from_reader(std::io::BufReader::new(file));
    let header: Vec<String> = r
        .headers()
        .map_err(|e| err(format!("cannot read the header: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let header: Vec<String> = header
        .into_iter()
        .enumerate()
        .map(|(i, h)| if i == 0 { h.trim_start_matches('\u{feff}').to_string() } else { h })
        .collect();
    let Some(id_col) = header.iter().position(|h| h == "candidate_id") else {
        return Err(err(format!("no candidate_id column (header: {})", header.join(","))));
    };
    let columns: Vec<String> =
        header.iter().enumerate().filter(|&(i, _)| i != id_col).map(|(_, h)| h.clone()).collect();
    if columns.is_empty() {
        return Err(err("no category column besides candidate_id (e.g. sex, race_ethnicity)".into()));
    }
    if let Some(dup) = columns.iter().enumerate().find_map(|(i, c)| columns[..i].contains(c).then_some(c)) {
        return Err(err(format!("column {dup:?} appears twice")));
    }
    if let Some(empty) = columns.iter().position(String::is_empty) {
        return Err(err(format!("column {} has no name", empty + 2)));
    }
    let mut rows = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| err(e.to_string()))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let id = rec.get(id_col).unwrap_or("").trim().to_string();
        if id.is_empty() {
            return Err(err(format!("line {line}: empty candidate_id")));
        }
        let cats = (0..rec.len()).filter(|&i| i != id_col).map(|i| category(rec.get(i).unwrap_or(""))).collect();
        if rows.insert(id.clone(), cats).is_some() {
            return Err(err(format!("line {line}: candidate_id {id} is listed twice")));
        }
    }
    Ok(Demographics { columns, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> Result<Demographics, AuditError> {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("d.csv");
        std::fs::write(&p, text).expect("write");
        read(&p)
    }

    #[test]
    fn empty_and_unknown_cells_are_unknown_and_other_cells_trimmed() {
        let d = read_text("sex,candidate_id,race\n F ,c1,Unknown\n,c2,Asian\n").expect("reads");
        assert_eq!(d.columns, ["sex", "race"]);
        assert_eq!(d.rows["c1"], [Some("F".to_string()), None]);
        assert_eq!(d.rows["c2"], [None, Some("Asian".to_string())]);
    }

    #[test]
    fn a_wrong_file_is_an_error_naming_what_is_wrong() {
        let e = read_text("id,sex\nc1,F\n").expect_err("no candidate_id");
        assert!(e.to_string().contains("no candidate_id column"), "{e}");
        let e = read_text("candidate_id\nc1\n").expect_err("no category");
        assert!(e.to_string().contains("no category column"), "{e}");
        let e = read_text("candidate_id,sex\nc1,F\nc1,M\n").expect_err("duplicate");
        assert!(e.to_string().contains("line 3") && e.to_string().contains("twice"), "{e}");
        let e = read_text("candidate_id,sex\nc1,F,extra\n").expect_err("ragged");
        assert!(e.to_string().contains("--demographics"), "{e}");
        let e = read(Path::new("/nonexistent/demo.csv")).expect_err("missing");
        assert!(e.to_string().contains("/nonexistent/demo.csv"), "{e}");
    }
}
