//! Claims CSV: `candidate_id,path` — which candidate claims which badge file.
//!
//! `path` is relative to the claims file's folder, or absolute. A row is rejected (with
//! `line N`) when it is unreadable, has the wrong column count, an empty id or path, names a
//! candidate missing from the roster (when a roster was given), names a file that does not
//! exist or is not among the badge inputs, or contradicts an earlier claim (claims CSV row or
//! `<candidate_id>/` folder) for the same file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::csvhead::{required_columns, split_header};
use super::csvrec::records;
use super::files::{Ledger, display};
use super::record_kind::RecordKind;
use super::types::Roster;

const KIND: RecordKind = RecordKind::Claims;

/// Reads a claims file into `canonical badge path → candidate id`.
///
/// `badge_files` maps the canonical path of every badge input file to its folder claim.
pub(crate) fn read_claims(
    path: &Path,
    badge_files: &HashMap<PathBuf, Option<String>>,
    roster: Option<&Roster>,
    ledger: &mut Ledger,
) -> HashMap<PathBuf, String> {
    let mut claims: HashMap<PathBuf, String> = HashMap::new();
    let Some(bytes) = ledger.read_file(KIND, path) else {
        return claims;
    };
    let shown = display(path);
    let Some((header, rows)) = split_header(records(&bytes, true), KIND, &shown, ledger) else {
        return claims;
    };
    let Some(idx) = required_columns(&header, &["candidate_id", "path"], 2, KIND, &shown, ledger) else {
        return claims;
    };
    let (Some(id_col), Some(path_col)) = (idx[0], idx[1]) else {
        return claims;
    };
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    for rec in rows {
        let pos = rec.position();
        let fields = match rec.into_row(header.len()) {
            Ok(f) => f,
            Err(e) => {
                ledger.reject(KIND, &shown, pos, e);
                continue;
            }
        };
        let (id, rel) = (fields[id_col].clone(), fields[path_col].clone());
        if id.is_empty() || rel.is_empty() {
            ledger.reject(KIND, &shown, pos, "empty candidate_id or path");
            continue;
        }
        if roster.is_some_and(|r| !r.by_id.contains_key(&id)) {
            ledger.reject(KIND, &shown, pos, format!("candidate {id} is not in the roster"));
            continue;
        }
        let target = if Path::new(&rel).is_absolute() { PathBuf::from(&rel) } else { base.join(&rel) };
        let Ok(canonical) = std::fs::canonicalize(&target) else {
            ledger.reject(KIND, &shown, pos, format!("claimed file {} not found", display(&target)));
            continue;
        };
        let Some(folder_claim) = badge_files.get(&canonical) else {
            let msg = format!("claimed file {} is not among the badge inputs", display(&target));
            ledger.reject(KIND, &shown, pos, msg);
            continue;
        };
        if let Some(folder) = folder_claim.as_ref().filter(|f| *f != &id) {
            let msg = format!("file is already claimed by candidate {folder} (its folder)");
            ledger.reject(KIND, &shown, pos, msg);
            continue;
        }
        if let Some(prev) = claims.get(&canonical) {
            let msg = if prev == &id {
                "duplicate claim".to_string()
            } else {
                format!("file is already claimed by candidate {prev}")
            };
            ledger.reject(KIND, &shown, pos, msg);
            continue;
        }
        claims.insert(canonical, id);
        ledger.accept(KIND);
    }
    claims
}
