//! What a diff reads of one finished run folder, through the run-folder readers of
//! [`crate::report::schema`] and [`crate::query`]: the manifest, every role's shortlist, every
//! role's definition, every credential's status by candidate, and the candidates of the run.
//! No taxonomy is loaded: a diff must work when the taxonomy changed between the runs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::query::{self, RoleDefinition};
use crate::report::manifest::Manifest;
use crate::report::schema::{self, RunFileError};

/// Errors reading the runs to compare.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// A run folder or one of its files is missing or unreadable.
    #[error(transparent)]
    RunFile(#[from] RunFileError),
    /// `verification.csv` could not be read.
    #[error(transparent)]
    Query(#[from] crate::query::QueryError),
}

/// One run folder, read for a diff.
#[derive(Debug, Clone, Default)]
pub struct RunSnapshot {
    /// The manifest.
    pub manifest: Manifest,
    /// Role id → its reported candidates, best first (`matches.parquet`).
    pub shortlists: BTreeMap<String, Vec<String>>,
    /// Role id → what its posting asked for and its weights (`roles.parquet`).
    pub roles: BTreeMap<String, RoleDefinition>,
    /// Candidate id → credential id → status (`verification.csv`, credentials matched to a
    /// candidate).
    pub credentials: BTreeMap<String, BTreeMap<String, String>>,
    /// The candidates the run knows of: those with a credential or counted evidence (the roster
    /// itself is not in the run folder).
    pub candidates: BTreeSet<String>,
}

impl RunSnapshot {
    /// Reads a finished run folder.
    ///
    /// # Errors
    /// The folder or one of the files read is missing or unreadable.
    pub fn read(dir: &Path) -> Result<RunSnapshot, DiffError> {
        if !dir.is_dir() {
            return Err(RunFileError::Missing { path: dir.display().to_string() }.into());
        }
        let manifest = schema::read_manifest(dir)?;
        RunSnapshot::read_with(dir, manifest)
    }

    /// Reads the data files of a run folder whose manifest is given (a run being written: its
    /// manifest is not in the folder yet).
    ///
    /// # Errors
    /// One of the files read is missing or unreadable.
    pub fn read_with(dir: &Path, manifest: Manifest) -> Result<RunSnapshot, DiffError> {
        let matches = schema::read_parquet(&dir.join(schema::MATCHES))?;
        let shortlists = query::rankings(&matches)
            .into_iter()
            .map(|(role, rows)| (role, rows.into_iter().map(|(c, _)| c).collect()))
            .collect();
        let roles = query::role_definitions(&schema::read_parquet(&dir.join(schema::ROLES))?);
        let mut candidates = query::profile_candidates(&schema::read_parquet(&dir.join(schema::PROFILES))?);
        let mut credentials: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for (id, info) in query::read_credentials(&dir.join(schema::VERIFICATION))? {
            if info.candidate_id.is_empty() {
                continue;
            }
            candidates.insert(info.candidate_id.clone());
            credentials.entry(info.candidate_id).or_default().insert(id, info.status);
        }
        Ok(RunSnapshot { manifest, shortlists, roles, credentials, candidates })
    }
}
