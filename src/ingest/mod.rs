//! Ingest: read rosters, badge exports and postings into typed records.
//!
//! PUBLIC API CONTRACT: [`ingest`] takes an [`IngestSpec`] and returns an [`IngestOutput`].
//! Bad files and records never abort: they become [`Reject`]s and counts reconcile
//! (`read == accepted + rejected` per kind). Only a missing input path is an error.

mod types;

pub use types::*;

use std::path::PathBuf;

/// Which inputs to read.
#[derive(Debug, Clone, Default)]
pub struct IngestSpec {
    /// Roster CSV `candidate_id,emails,location`.
    pub roster: Option<PathBuf>,
    /// Badge files or folders (a folder `<candidate_id>/` directly under a badges folder claims its files).
    pub badges: Vec<PathBuf>,
    /// Optional claims CSV `candidate_id,path`.
    pub claims: Option<PathBuf>,
    /// Posting files (JSONL or CSV, by extension) or folders of them.
    pub postings: Vec<PathBuf>,
}

/// Errors that stop ingest before it starts (usage errors).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// An input path given by the user does not exist.
    #[error("{kind} path not found: {path}")]
    MissingPath {
        /// `roster`, `badges`, `claims`, `postings`.
        kind: String,
        /// The path.
        path: String,
    },
}

/// Reads every input named in `spec`.
pub fn ingest(spec: &IngestSpec) -> Result<IngestOutput, IngestError> {
    todo!("{spec:?}")
}
