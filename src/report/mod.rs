//! Report: write the run folder. One file per writer; all writers read the same [`ReportInput`].
//!
//! Files (see README "Outputs"): `matches.parquet`, `profiles.parquet`, `roles.parquet`,
//! `shortlists.csv`, `candidate_gaps.csv`,
//! `next_credentials.csv`, `pathways.csv`, `verification.csv`, `unmapped_skills.csv`, `crosswalk.csv`, `supply_demand.csv`,
//! `duplicate_postings.csv`, `credential_value.csv`, `rejects.jsonl`, `report.html` (the run's
//! page, [`page`]), `manifest.json`, and `diff.json` when a previous run is known
//! ([`crate::diff`]). Everything but the manifest's `run` block is a pure function
//! of the inputs, config and as-of date, whatever the thread count.

pub mod config;
pub mod credential_value;
pub mod duplicates;
pub mod manifest;
pub mod matches;
pub mod model;
pub mod page;
pub mod pathways;
pub mod rejects;
pub mod schema;
pub mod skills;
pub mod staging;
pub mod table;
pub mod verification;

use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::ingest::Reject;
use crate::normalize::Normalized;
use crate::score::{CandidateProfile, Catalog, CredentialValue, MatchDetails, Pathway, PathwayProgress, Role};
use crate::taxonomy::Taxonomy;
use crate::verify::VerifiedCredential;

/// Errors writing reports.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// polars failed to build or write a table.
    #[error("cannot write table {path}: {source}")]
    Table {
        /// The file.
        path: String,
        /// Why.
        source: polars::error::PolarsError,
    },
    /// `report.html` could not be rendered from its template.
    #[error("cannot render {path}: {source}")]
    Page {
        /// The file.
        path: String,
        /// Why.
        source: askama::Error,
    },
    /// A stop signal arrived while the reports were written.
    #[error(transparent)]
    Interrupted(#[from] crate::pipeline::cancel::Interrupted),
    /// JSON serialization failed.
    #[error("cannot serialize {path}: {source}")]
    Json {
        /// The file.
        path: String,
        /// Why.
        source: serde_json::Error,
    },
}

/// One written output file, listed in the manifest.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct OutputFile {
    /// File name inside the run folder.
    pub file: String,
    /// Data rows written.
    pub rows: u64,
    /// sha256 of the file's bytes.
    pub sha256: String,
}

/// Everything the writers read.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The taxonomy (labels, groups).
    pub taxonomy: &'a Taxonomy,
    /// Verified credentials, in ingest order.
    pub credentials: &'a [VerifiedCredential],
    /// Normalized skills, roles and crosswalk.
    pub normalized: &'a Normalized,
    /// Candidate profiles, sorted by id.
    pub profiles: &'a [CandidateProfile],
    /// Roles, sorted by id.
    pub roles: &'a [Role],
    /// Ranked matches with their explanations and next-credential covers.
    pub matches: &'a MatchDetails,
    /// Per role (same order as `roles`): too few skills to rank with confidence
    /// ([`crate::score::policy::is_thin`]).
    pub thin_roles: &'a [bool],
    /// Rejected files and records.
    pub rejects: &'a [Reject],
    /// Badge classes seen in the data (names of suggested and missing badges).
    pub catalog: &'a Catalog,
    /// Configured pathways.
    pub pathways: &'a [Pathway],
    /// Every candidate's progress on every pathway they started.
    pub pathway_progress: &'a [PathwayProgress],
    /// Each badge class's effect on the ranking ([`crate::score::value`]), in output order.
    pub credential_value: &'a [CredentialValue],
    /// Start every CSV file with a UTF-8 byte order mark (`[run] csv_bom`), so that Excel reads
    /// it as UTF-8.
    pub csv_bom: bool,
    /// The run's badge inputs (files or folders), as configured: `verification.csv` shows each
    /// credential's file relative to the folder holding the input it was found under.
    pub badge_inputs: &'a [std::path::PathBuf],
    /// The posting inputs as configured (`roles.parquet` shows source paths relative to them).
    pub posting_inputs: &'a [std::path::PathBuf],
    /// The run's as-of date (the only date `report.html` shows).
    pub as_of: chrono::NaiveDate,
    /// Record counts per ingest kind (the manifest's `ingest`).
    pub ingest_counts: &'a std::collections::BTreeMap<String, crate::ingest::Counts>,
    /// The trust store the run verified against (issuer tiers in `report.html`).
    pub trust: &'a crate::verify::TrustStore,
}

/// Records a written file (rows and sha256).
pub(crate) fn output_file(dir: &Path, name: &str, rows: usize) -> Result<OutputFile, ReportError> {
    let path = dir.join(name);
    let sha256 =
        crate::util::sha256_file(&path).map_err(|source| ReportError::Io { path: name.to_string(), source })?;
    Ok(OutputFile { file: name.to_string(), rows: rows as u64, sha256 })
}

/// Writes a table as CSV (with a UTF-8 byte order mark when `bom`) and records it.
pub(crate) fn csv(dir: &Path, name: &str, t: &table::Table, bom: bool) -> Result<OutputFile, ReportError> {
    t.write_csv(&dir.join(name), bom).map_err(|source| ReportError::Table { path: name.to_string(), source })?;
    output_file(dir, name, t.rows())
}

/// Writes as CSV the table `build` makes of `units` units, slice by slice
/// ([`table::Table::write_csv_built`]), and records it.
pub(crate) fn csv_built<'t>(
    dir: &Path,
    name: &str,
    units: usize,
    bom: bool,
    build: impl Fn(std::ops::Range<usize>) -> table::Table<'t>,
) -> Result<OutputFile, ReportError> {
    let rows = table::Table::write_csv_built(&dir.join(name), bom, units, build)
        .map_err(|source| ReportError::Table { path: name.to_string(), source })?;
    output_file(dir, name, rows)
}

/// Writes as Parquet the table `build` makes of `units` rows, one row group per slice
/// ([`table::Table::write_parquet_built`]), and records it.
pub(crate) fn parquet_built<'t>(
    dir: &Path,
    name: &str,
    units: usize,
    build: impl Fn(std::ops::Range<usize>) -> table::Table<'t>,
) -> Result<OutputFile, ReportError> {
    let rows = table::Table::write_parquet_built(&dir.join(name), units, build)
        .map_err(|source| ReportError::Table { path: name.to_string(), source })?;
    output_file(dir, name, rows)
}

/// Writes a table as Parquet and records it.
pub(crate) fn parquet(dir: &Path, name: &str, t: &table::Table) -> Result<OutputFile, ReportError> {
    t.write_parquet(&dir.join(name)).map_err(|source| ReportError::Table { path: name.to_string(), source })?;
    output_file(dir, name, t.rows())
}

/// Wall time of each report writer: (`report:<writer>`, milliseconds).
pub type WriterTimings = Vec<(String, u64)>;

/// Writes every data file (all but the page, [`page::write`], which shows the diff computed from
/// these files, and the manifest) into `dir`, in a fixed order; returns the
/// files and the wall time of each writer in milliseconds (for the manifest's `run` block).
pub fn write_data_files(dir: &Path, input: &ReportInput<'_>) -> Result<(Vec<OutputFile>, WriterTimings), ReportError> {
    type Writer<'w> = (&'static str, Box<dyn Fn() -> Result<Vec<OutputFile>, ReportError> + Sync + 'w>);
    let writers: Vec<Writer<'_>> = vec![
        ("matches", Box::new(|| matches::write(dir, input))),
        ("model", Box::new(|| model::write(dir, input))),
        ("verification", Box::new(|| Ok(vec![verification::write(dir, input)?]))),
        ("skills", Box::new(|| skills::write(dir, input))),
        ("rejects", Box::new(|| Ok(vec![rejects::write(dir, input.rejects)?]))),
        ("pathways", Box::new(|| Ok(vec![pathways::write(dir, input)?]))),
        ("duplicates", Box::new(|| Ok(vec![duplicates::write(dir, input)?]))),
        ("credential_value", Box::new(|| Ok(vec![credential_value::write(dir, input)?]))),
    ];
    // Writers touch different files, so they run concurrently; results are collected in the
    // fixed order above, so the manifest lists outputs the same way at any thread count.
    let results: Vec<(Result<Vec<OutputFile>, ReportError>, u64)> = writers
        .par_iter()
        .map(|(_, f)| {
            let t = std::time::Instant::now();
            // A stopping run writes no further file.
            let r = crate::pipeline::cancel::check("report").map_err(ReportError::from).and_then(|()| f());
            (r, t.elapsed().as_millis() as u64)
        })
        .collect();
    let mut out = Vec::new();
    let mut timings = Vec::new();
    for ((name, _), (r, ms)) in writers.iter().zip(results) {
        out.extend(r?);
        timings.push((format!("report:{name}"), ms));
    }
    Ok((out, timings))
}
