//! Ingest: read rosters, badge exports and postings into typed records.
//!
//! PUBLIC API CONTRACT: [`ingest`] takes an [`InputsConfig`] and returns an [`IngestOutput`].
//! Bad files and records never abort: they become [`Reject`]s and counts reconcile
//! (`read == accepted + rejected` per kind). Only a missing input path is an error.

mod badges;
mod baked;
mod claims;
mod classify;
mod credential;
mod credly;
mod credly_csv;
mod csvhead;
mod csvrec;
pub mod dates;
mod decode;
mod files;
#[cfg(test)]
mod fuzz;
mod intern;
mod json;
pub(crate) mod jsonld_access;
mod jws;
mod limits;
mod mojibake;
mod ob2;
mod ob3;
mod peek;
mod postings;
mod prepared;
mod problem;
mod record_kind;
mod roster;
mod support;
mod types;

#[cfg(test)]
mod tests;

pub use baked::BAKED_TEXT_LIMIT;
pub use credly_csv::CredlyCsvMapping;
pub use dates::parse_datetime;
pub use files::natural_cmp;
pub use limits::{MAX_FIELD_BYTES, MAX_SKILLS};
pub use mojibake::repair_mojibake;
pub use postings::{MAX_DESCRIPTION_BYTES, MAX_PAGE_BYTES, PostingsCsvMapping, Reader};
pub use prepared::{PREPARED_FORMAT, Prepared};
pub use problem::{HOSTED_NOT_FETCHED, Problem, ProblemKind};
pub use record_kind::{COUNT_KINDS, RecordKind};
pub use types::*;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use badges::BadgeFile;
use files::{Ledger, walk};

/// Input files of a run (the `[inputs]` table of a config file): which inputs to read.
/// Ingest takes it whole; `config` re-exports it.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct InputsConfig {
    /// Roster CSV `candidate_id,emails,location`.
    pub roster: Option<PathBuf>,
    /// Badge files or folders (a folder `<candidate_id>/` directly under a badges folder claims its files).
    pub badges: Vec<PathBuf>,
    /// Optional claims CSV `candidate_id,path`.
    pub claims: Option<PathBuf>,
    /// Posting files or folders (career pages, ATS exports, schema.org JSON/JSONL, CSV; the
    /// reader is chosen by each file's content).
    pub postings: Vec<PathBuf>,
    /// Header names of postings CSVs (defaults cover the documented CSV and common ATS headers).
    pub postings_csv: PostingsCsvMapping,
    /// Header names of Credly CSV exports among the badge inputs (defaults cover Credly's
    /// issued-badges report).
    pub credly_csv: CredlyCsvMapping,
}

/// What [`ingest`] reads: the run's [`InputsConfig`] itself (one type, no field-by-field copy).
pub type IngestSpec = InputsConfig;

/// Errors that stop ingest before it starts (usage errors).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// A prepared index (`run --prepared`) that cannot be used for this job.
    #[error("prepared index {path}: {reason}")]
    Prepared {
        /// The prepared index file.
        path: String,
        /// What is wrong, and what to do.
        reason: String,
    },
    /// An input path given by the user does not exist.
    #[error("{kind} path not found: {path}")]
    MissingPath {
        /// `roster`, `badges`, `claims`, `postings`.
        kind: String,
        /// The path.
        path: String,
    },
    /// An input path given by the user is neither a regular file nor a folder.
    #[error("{kind} path is not a regular file or folder: {path} is a {what}")]
    NotAFile {
        /// `roster`, `badges`, `claims`, `postings`.
        kind: String,
        /// The path.
        path: String,
        /// What it is (`named pipe (FIFO)`, `socket`, …).
        what: String,
    },
}

/// Reads one roster file on its own, as `ingest` reads it (the same rows accepted, the same
/// rejected); the rejects are dropped. Used by `audit` to know every candidate of a finished run.
pub fn read_roster_file(path: &Path) -> Roster {
    roster::read_roster(path, &mut Ledger::new())
}

/// Extensions taken when walking a badges folder (files named directly are always read).
/// The format is detected from the content: JSON (OB 2.0, OB 3.0, CLR 2.0, Credly), a compact
/// JWS / VC-JWT, a baked PNG or SVG image; `.csv` files are Credly CSV exports.
pub const BADGE_EXTS: [&str; 8] = ["json", "jsonld", "jws", "jwt", "txt", "png", "svg", "csv"];

/// Extensions taken when walking a postings folder (files named directly are always read); the
/// reader is chosen by the content.
pub const POSTING_EXTS: [&str; 6] = ["jsonl", "ndjson", "json", "csv", "html", "htm"];

/// Reads every input named in `spec`.
///
/// Order of work: the roster; the badge inputs are walked (sorted paths) and claimed by
/// `<candidate_id>/` folders; the claims CSV adds claims; every badge file is read, support
/// documents (BadgeClass, Issuer/Profile, RevocationList, keys, status lists) are indexed across
/// all badge inputs, then credentials are built; postings last.
///
/// Output ordering: credentials and rejects by (path, position in natural order, so `data[2]`
/// comes before `data[10]`), postings by id, files by path. Counts always hold every kind of
/// [`COUNT_KINDS`] and satisfy `read == accepted + rejected`.
///
/// # Errors
/// [`IngestError::MissingPath`] when an input path does not exist, [`IngestError::NotAFile`] when
/// it is neither a regular file nor a folder (a named pipe, socket or device); nothing else is an
/// error.
pub fn ingest(spec: &InputsConfig) -> Result<IngestOutput, IngestError> {
    let mut credentials = Vec::new();
    let mut out = ingest_streaming(spec, Scope::Everyone, None, &mut |chunk, _| credentials.extend(chunk))?;
    out.credentials = credentials;
    Ok(out)
}

/// Reads every input named in `spec` as [`ingest`] does, but hands the credentials to `sink`
/// chunk by chunk instead of keeping them: the returned output's `credentials` is empty.
///
/// The chunks come in (path, position) order, so collecting them gives [`ingest`]'s list; each
/// comes with the roster, read first. Memory is then bounded by what the sink keeps, plus the
/// support documents and one chunk of parsed badge files (see `badges::read_badges`): the
/// pipeline verifies each chunk at once and keeps only the verified records.
///
/// A `scope` other than [`Scope::Everyone`] reads only some candidates' credentials (a shard's):
/// the others' badge files are hashed and indexed but not parsed again, see [`Scope`]. With a
/// [`Prepared`] index (`skillmatch prepare`) the badge files are not indexed at all: the others'
/// are not read, and those read are checked against it (its documents are taken out of it).
///
/// # Errors
/// As [`ingest`].
pub fn ingest_streaming(
    spec: &InputsConfig,
    scope: Scope<'_>,
    prepared: Option<&mut Prepared>,
    sink: &mut (dyn FnMut(Vec<Credential>, &Roster) + Send),
) -> Result<IngestOutput, IngestError> {
    ingest_in_chunks(spec, badges::CHUNK_FILES, scope, prepared, sink)
}

/// Indexes every badge input once for the shards of a sharded job (`skillmatch prepare`): the
/// support documents of every badge file and every file's hash and size (see [`Prepared`]).
/// Reads no roster, claims or postings, counts and rejects nothing: each shard does that.
///
/// # Errors
/// As [`ingest`], for the input paths.
pub fn prepare(spec: &InputsConfig) -> Result<Prepared, IngestError> {
    check_paths(spec)?;
    let files: Vec<BadgeFile> = walk_badges(spec, &mut Ledger::new())
        .into_iter()
        .map(|(key, f)| BadgeFile { path: f.path, claim: None, key })
        .collect();
    Ok(badges::prepare(&files, &spec.credly_csv, badges::CHUNK_FILES))
}

/// Every badge file of `spec`'s badge inputs, walked in order and deduplicated by canonical
/// path (first occurrence wins), each with its key (input and relative path).
fn walk_badges(spec: &InputsConfig, ledger: &mut Ledger) -> Vec<(prepared::FileKey, files::Found)> {
    let mut found = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (n, input) in spec.badges.iter().enumerate() {
        for f in walk(input, &BADGE_EXTS, RecordKind::Badge, ledger) {
            if seen.insert(f.canonical.clone()) {
                let rel = f.path.strip_prefix(input).map_or_else(|_| files::display(&f.path), files::display);
                found.push((prepared::FileKey { input: n as u32, path: rel }, f));
            }
        }
    }
    found
}

/// Refuses input paths that do not exist or are neither regular files nor folders.
fn check_paths(spec: &InputsConfig) -> Result<(), IngestError> {
    let mut named: Vec<(&str, &PathBuf)> = Vec::new();
    named.extend(spec.roster.iter().map(|p| ("roster", p)));
    named.extend(spec.claims.iter().map(|p| ("claims", p)));
    named.extend(spec.badges.iter().map(|p| ("badges", p)));
    named.extend(spec.postings.iter().map(|p| ("postings", p)));
    if let Some((kind, path)) = named.iter().find(|(_, p)| !p.exists()) {
        return Err(IngestError::MissingPath { kind: kind.to_string(), path: files::display(path) });
    }
    // Only regular files and folders are read: a named pipe given as the roster would block.
    for (kind, path) in &named {
        if let Ok(meta) = std::fs::metadata(path)
            && !meta.is_file()
            && !meta.is_dir()
        {
            let what = files::kind_of(&meta.file_type()).to_string();
            return Err(IngestError::NotAFile { kind: kind.to_string(), path: files::display(path), what });
        }
    }
    Ok(())
}

/// [`ingest_streaming`] with badge files read `chunk_files` at a time (at least 1).
pub(crate) fn ingest_in_chunks(
    spec: &InputsConfig,
    chunk_files: usize,
    scope: Scope<'_>,
    prepared: Option<&mut Prepared>,
    sink: &mut (dyn FnMut(Vec<Credential>, &Roster) + Send),
) -> Result<IngestOutput, IngestError> {
    check_paths(spec)?;
    let mut ledger = Ledger::new();
    let roster = spec.roster.as_ref().map(|p| roster::read_roster(p, &mut ledger));

    let found = walk_badges(spec, &mut ledger);
    let folder_claims: HashMap<PathBuf, Option<String>> =
        found.iter().map(|(_, f)| (f.canonical.clone(), f.top_folder.clone())).collect();
    let claims = match &spec.claims {
        Some(p) => claims::read_claims(p, &folder_claims, roster.as_ref(), &mut ledger),
        None => HashMap::new(),
    };
    let badge_files: Vec<BadgeFile> = found
        .into_iter()
        .map(|(key, f)| BadgeFile {
            claim: f.top_folder.or_else(|| claims.get(&f.canonical).cloned()),
            path: f.path,
            key,
        })
        .collect();
    let roster = roster.unwrap_or_default();
    let chunking = badges::Chunking { files: chunk_files.max(1), scope, hash_all: false };
    badges::read_badges(&badge_files, &roster, &spec.credly_csv, chunking, prepared, &mut ledger, &mut |chunk| {
        sink(chunk, &roster)
    })?;

    let mut posting_files: Vec<PathBuf> = Vec::new();
    let mut seen_postings = std::collections::HashSet::new();
    for input in &spec.postings {
        for f in walk(input, &POSTING_EXTS, RecordKind::Posting, &mut ledger) {
            if seen_postings.insert(f.canonical) {
                posting_files.push(f.path);
            }
        }
    }
    let (postings, posting_files) = postings::read_postings(&posting_files, &spec.postings_csv, &mut ledger);
    let (mut postings, duplicate_postings) = postings::merge::merge(postings);

    postings.sort_by(|a, b| a.id.cmp(&b.id));
    let Ledger { mut files, mut rejects, counts, out_of_scope } = ledger;
    rejects.sort_by(|a, b| a.path.cmp(&b.path).then_with(|| natural_cmp(&a.position, &b.position)));
    files.sort_by(|a, b| a.path.cmp(&b.path).then_with(|| a.kind.cmp(&b.kind)));
    Ok(IngestOutput {
        roster,
        credentials: Vec::new(),
        postings,
        rejects,
        files,
        counts,
        posting_files,
        duplicate_postings,
        out_of_scope,
    })
}

/// The credential carried by a VC-JWT payload (for trust-store status lists secured as JWTs),
/// with the problems of its claim mapping as text.
pub(crate) fn jwt_credential_document(payload: &serde_json::Value) -> (serde_json::Value, Vec<String>) {
    let (doc, problems) = jws::credential_document(payload);
    (doc, problems.iter().map(Problem::to_string).collect())
}
