//! The run folder's schema, in one place: the name of every file a run writes, and the readers
//! that consumers of a finished run (`query`, `eval matching`, `taxonomy diff --run`) use to open
//! them. Writers name their files through these constants; readers never spell a file name.

use std::path::Path;

use polars::prelude::{DataFrame, ParquetReader, SerReader};

use super::manifest::Manifest;

/// `manifest.json`: inputs, config, counts, outputs and the run's own facts.
pub const MANIFEST: &str = "manifest.json";
/// `rejects.jsonl`: every unreadable file or record.
pub const REJECTS: &str = "rejects.jsonl";
/// `verification.csv`: every credential's status and checks.
pub const VERIFICATION: &str = "verification.csv";
/// `matches.parquet`: both ranked sides, one row per (role, candidate, side).
pub const MATCHES: &str = "matches.parquet";
/// `shortlists.csv`: each role's top candidates.
pub const SHORTLISTS: &str = "shortlists.csv";
/// `candidate_gaps.csv`: each candidate's best roles and what they lack.
pub const CANDIDATE_GAPS: &str = "candidate_gaps.csv";
/// `next_credentials.csv`: badge classes that would close a candidate's gaps.
pub const NEXT_CREDENTIALS: &str = "next_credentials.csv";
/// `profiles.parquet`: every candidate's scored skills and evidence.
pub const PROFILES: &str = "profiles.parquet";
/// `roles.parquet`: every role's skills, weights and sources.
pub const ROLES: &str = "roles.parquet";
/// `pathways.csv`: candidates' progress on configured pathways.
pub const PATHWAYS: &str = "pathways.csv";
/// `unmapped_skills.csv`: skill strings that mapped to nothing.
pub const UNMAPPED_SKILLS: &str = "unmapped_skills.csv";
/// `crosswalk.csv`: every distinct skill string and where it mapped.
pub const CROSSWALK: &str = "crosswalk.csv";
/// `meaning.csv`: skills found in posting text and occupations found for job titles by meaning
/// (`[meaning]`); written only when meaning found something.
pub const MEANING: &str = "meaning.csv";
/// `supply_demand.csv`: per skill, candidates holding it vs roles asking for it.
pub const SUPPLY_DEMAND: &str = "supply_demand.csv";
/// `duplicate_postings.csv`: copies of an opening merged into one role.
pub const DUPLICATE_POSTINGS: &str = "duplicate_postings.csv";
/// `diff.json`: what changed since the previous run in the same output root ([`crate::diff`]).
pub const DIFF: &str = "diff.json";

/// `report.html`: the run's self-contained page (aggregates, charts, links to the files).
pub const REPORT_PAGE: &str = "report.html";
/// The adverse-impact audit of the run (`[report] audit_demographics`), aggregates only.
pub const AUDIT: &str = "audit.csv";

/// `credential_value.csv`: per badge class, the roles its holders lose without it.
pub const CREDENTIAL_VALUE: &str = "credential_value.csv";

/// A run-folder file that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RunFileError {
    /// The file is not there.
    #[error("{path} not found: is this a skillmatch run folder (the path `run` printed)?")]
    Missing {
        /// The file.
        path: String,
    },
    /// The file is there but does not parse.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
}

/// Reads one Parquet file of a run folder with its default options.
///
/// # Errors
/// The file is missing or not Parquet.
pub fn read_parquet(path: &Path) -> Result<DataFrame, RunFileError> {
    let f = std::fs::File::open(path).map_err(|_| RunFileError::Missing { path: path.display().to_string() })?;
    ParquetReader::new(f)
        .finish()
        .map_err(|e| RunFileError::Read { path: path.display().to_string(), reason: e.to_string() })
}

/// A CSV file of a run folder opened for reading, as every consumer of a finished run reads
/// one: the header without the UTF-8 byte order mark `[run] csv_bom` writes before it, and
/// the records (cells still carry the formula guard; [`crate::util::csv_unsafe`] undoes it).
pub struct RunCsv {
    path: String,
    headers: Vec<String>,
    reader: csv::Reader<std::fs::File>,
}

impl RunCsv {
    /// Opens `path` and reads its header.
    ///
    /// # Errors
    /// The file is missing, or its header is not CSV.
    pub fn open(path: &Path) -> Result<RunCsv, RunFileError> {
        let shown = path.display().to_string();
        let mut reader = csv::Reader::from_path(path).map_err(|_| RunFileError::Missing { path: shown.clone() })?;
        let headers =
            reader.headers().map_err(|e| RunFileError::Read { path: shown.clone(), reason: e.to_string() })?;
        let headers = headers.iter().map(|h| h.trim_start_matches('\u{feff}').to_string()).collect();
        Ok(RunCsv { path: shown, headers, reader })
    }

    /// The header's column names.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The position of column `name`, when the file has it.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// The records after the header; a record that is not CSV is an error naming the file.
    pub fn records(&mut self) -> impl Iterator<Item = Result<csv::StringRecord, RunFileError>> + '_ {
        let path = &self.path;
        self.reader
            .records()
            .map(move |r| r.map_err(|e| RunFileError::Read { path: path.clone(), reason: e.to_string() }))
    }
}

/// Reads a run folder's `manifest.json`. Manifests of older versions, with fewer fields, read
/// with the missing ones at their defaults.
///
/// # Errors
/// The manifest is missing or not a manifest.
pub fn read_manifest(dir: &Path) -> Result<Manifest, RunFileError> {
    let path = dir.join(MANIFEST);
    let text =
        std::fs::read_to_string(&path).map_err(|_| RunFileError::Missing { path: path.display().to_string() })?;
    serde_json::from_str(&text)
        .map_err(|e| RunFileError::Read { path: path.display().to_string(), reason: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_with_only_some_fields_reads_with_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join(MANIFEST),
            r#"{"as_of":"2026-11-01","config":{},"taxonomy":{"files":[{"sha256":"ab"}]}}"#,
        )
        .expect("write");
        let m = read_manifest(dir.path()).expect("reads");
        assert_eq!(m.as_of, "2026-11-01");
        assert_eq!(m.taxonomy.files[0].sha256, "ab");
        assert_eq!(m.taxonomy.files[0].path, "");
        assert!(m.outputs.is_empty());
    }

    #[test]
    fn a_missing_manifest_or_parquet_file_names_the_path() {
        let dir = tempfile::tempdir().expect("tempdir");
        let e = read_manifest(dir.path()).expect_err("missing");
        assert!(e.to_string().contains("manifest.json not found"), "{e}");
        std::fs::write(dir.path().join(ROLES), "not parquet").expect("write");
        let e = read_parquet(&dir.path().join(ROLES)).expect_err("not parquet");
        assert!(matches!(e, RunFileError::Read { .. }), "{e}");
    }
}
