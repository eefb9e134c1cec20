//! Audit: an adverse-impact audit of a finished run's ranking, in the sense of New York City's
//! Local Law 144 rules (6 RCNY §5-300) and the EEOC four-fifths rule (`skillmatch audit`).
//!
//! Reads the run folder's outputs ([`outcomes`]) and a demographics file ([`demographics`]: a
//! `candidate_id` column plus category columns); nothing else in skillmatch reads that file, and
//! the audit writes only aggregates, never a candidate id. [`compute::audit`] gives, per
//! category column and for the intersection of all of them:
//!
//! * the **selection rate**: the share of the category in the top-K shortlist of at least one
//!   role (K = the run's top-K unless asked for fewer);
//! * the **scoring rate**: the share whose best score over all roles is strictly above the
//!   median of every candidate's best score (the pooled sample, unknowns included);
//! * 95 % **Wilson score intervals** of both rates ([`stats::wilson`]);
//! * **impact ratios** against the compared category with the highest rate, and the
//!   **four-fifths flag** (ratio < 0.8);
//! * the counts of candidates with an **unknown** category (empty cell, `unknown`, or not in the
//!   file), reported and never compared, and the categories **under 2 %** of the sample,
//!   reported with their rates but left out of the comparison.
//!
//! With `per_role`, each role's selection rates (in that role's top-K) per category, compared
//! the same way; scoring rates are overall only.
//!
//! The writers ([`write`](mod@write)) format the typed [`AuditReport`] as CSV, a table or JSON.

pub mod compute;
pub mod demographics;
pub mod error;
pub mod outcomes;
pub mod page;
pub mod stats;
pub mod types;
pub mod write;

use std::path::Path;

pub use error::AuditError;
pub use types::{AuditReport, CategoryRow, CategoryStatus, DimensionAudit, RateStat, RoleRow, UnknownCounts};

/// Audits the run in `run_dir` against the demographics file at `demographics`, with the
/// shortlist cut-off `top_k` (default: the run's own); `per_role` adds each role's selection
/// rates ([`AuditReport::per_role`]).
///
/// # Errors
/// The run folder or the demographics file is missing or malformed, or `top_k` is deeper than
/// the run's shortlists.
pub fn audit(
    run_dir: &Path,
    demographics: &Path,
    top_k: Option<usize>,
    per_role: bool,
) -> Result<AuditReport, AuditError> {
    let demo = demographics::read(demographics)?;
    let run = outcomes::read(run_dir, top_k)?;
    Ok(compute::audit(&run, &demo, per_role))
}

/// The audit of a run being written (its data files in `staging`, its `manifest` not yet
/// written) at the run's own cut-off: written as `audit.csv` into `staging`, returned for the
/// page.
///
/// # Errors
/// A data file of the run cannot be read ([`AuditError`], wrapped), or `audit.csv` cannot be
/// written.
pub fn write_for_run(
    staging: &Path,
    manifest: &crate::report::manifest::Manifest,
    demo: &demographics::Demographics,
) -> Result<(AuditReport, crate::report::OutputFile), crate::report::ReportError> {
    use crate::report::ReportError;
    let name = crate::report::schema::AUDIT;
    let run = outcomes::read_with(staging, manifest, None)
        .map_err(|e| ReportError::Io { path: name.into(), source: std::io::Error::other(e.to_string()) })?;
    let report = compute::audit(&run, demo, false);
    let file =
        std::fs::File::create(staging.join(name)).map_err(|source| ReportError::Io { path: name.into(), source })?;
    write::csv(&report, std::io::BufWriter::new(file))
        .map_err(|source| ReportError::Io { path: name.into(), source })?;
    let rows = report.dimensions.iter().map(|d| d.categories.len() + 1).sum();
    Ok((report, crate::report::output_file(staging, name, rows)?))
}
