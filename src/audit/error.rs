//! Errors of an audit: an unreadable run folder, a wrong demographics file or a cut-off the run
//! cannot answer. All of them are the user's to fix (the binary exits 2).

use crate::report::schema::RunFileError;

/// Why an audit could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The run folder or one of its files is missing or unreadable.
    #[error(transparent)]
    RunFile(#[from] RunFileError),
    /// The demographics file is missing, unreadable or not shaped as `candidate_id` plus
    /// category columns.
    #[error("--demographics {path}: {reason}")]
    Demographics {
        /// The file.
        path: String,
        /// What is wrong, with the line when one line is at fault.
        reason: String,
    },
    /// `--top-k` asks for a deeper shortlist than the run kept.
    #[error(
        "--top-k {asked} is deeper than the run's shortlists (top_k = {kept} in its manifest): give at most {kept}"
    )]
    TopK {
        /// The cut-off asked for.
        asked: usize,
        /// The run's own top-K.
        kept: usize,
    },
}
