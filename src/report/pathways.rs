//! `pathways.csv`: each candidate's progress on each configured pathway they started
//! (`candidate_id, pathway, status (complete | partial), held, needed, total, missing_badges,
//! missing_badge_ids, program_weight`). `missing_badges` holds the badge names people read (the
//! name of the badge class seen in the run's data, else the name part of an `issuer|name` key,
//! else — no credential of that class was seen, so no name is known — the configured id);
//! `missing_badge_ids` the configured ids, in the same order.

use std::path::Path;

use super::table::{Col, Table};
use super::{OutputFile, ReportError, ReportInput};

/// Writes the file (header only when no pathway is configured).
pub fn write(dir: &Path, input: &ReportInput<'_>) -> Result<OutputFile, ReportError> {
    let rows = input.pathway_progress;
    let cfg = |i: u32| &input.pathways[i as usize].config;
    let table = Table::new(vec![
        Col::str("candidate_id", rows.iter().map(|r| input.profiles[r.candidate as usize].id.as_str()).collect()),
        Col::str("pathway", rows.iter().map(|r| cfg(r.pathway).name.as_str()).collect()),
        Col::str("status", rows.iter().map(|r| if r.complete { "complete" } else { "partial" }).collect()),
        Col::u64("held", rows.iter().map(|r| r.held.len() as u64).collect()),
        Col::u64("needed", rows.iter().map(|r| cfg(r.pathway).needed() as u64).collect()),
        Col::u64("total", rows.iter().map(|r| cfg(r.pathway).badges.len() as u64).collect()),
        Col::list(
            "missing_badges",
            rows.iter().map(|r| r.missing.iter().map(|k| input.catalog.display_name(k)).collect()).collect(),
        ),
        Col::list("missing_badge_ids", rows.iter().map(|r| r.missing.clone()).collect()),
        Col::f64("program_weight", rows.iter().map(|r| crate::util::round4(r.weight)).collect()),
    ]);
    super::csv(dir, "pathways.csv", &table, input.csv_bom)
}
