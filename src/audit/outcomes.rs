//! What the run did to each of its candidates: shortlisted at the cut-off or not, and their best
//! score. Read from the run folder's own files (`manifest.json`, `matches.parquet`,
//! `candidate_gaps.csv`, the roster the manifest names, `profiles.parquet`); nothing is re-scored.

use std::collections::BTreeMap;
use std::path::Path;

use polars::prelude::{DataFrame, DataType};
use serde::Serialize;

use super::error::AuditError;
use crate::report::manifest::Manifest;
use crate::report::schema::{self, RunFileError};

/// One candidate's outcome in the run.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// In the top-K shortlist of at least one role.
    pub selected: bool,
    /// Best score over all roles (0 when no pair of the candidate was reported).
    pub best_score: f64,
}

/// Where the list of the run's candidates came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PopulationSource {
    /// The roster the manifest names, unchanged since the run (every candidate, with or without
    /// counted evidence).
    Roster,
    /// The roster is gone or changed: the candidates with counted evidence or a reported pair.
    ScoredCandidates,
}

impl PopulationSource {
    /// The name written in tables and JSON (`roster`, `scored_candidates`).
    pub fn as_str(self) -> &'static str {
        match self {
            PopulationSource::Roster => "roster",
            PopulationSource::ScoredCandidates => "scored_candidates",
        }
    }
}

/// The outcomes of every candidate of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOutcomes {
    /// The shortlist cut-off used for selection.
    pub top_k: usize,
    /// The run's own top-K (from its manifest).
    pub run_top_k: usize,
    /// Where the candidate list came from.
    pub population: PopulationSource,
    /// Candidate id → outcome, every candidate of the run.
    pub candidates: BTreeMap<String, Outcome>,
    /// Role id → the candidates in its top-K (by id), every role with a reported pair.
    pub roles: BTreeMap<String, Vec<String>>,
}

fn read_err(path: &Path, reason: impl ToString) -> RunFileError {
    RunFileError::Read { path: path.display().to_string(), reason: reason.to_string() }
}

/// One role-side row of `matches.parquet`: role, candidate, rank, score.
type RolePair = (String, String, i64, f64);

/// Every row of `matches.parquet`.
fn role_pairs(df: &DataFrame, path: &Path) -> Result<Vec<RolePair>, RunFileError> {
    let col = |name: &str| df.column(name).map_err(|e| read_err(path, e));
    let roles = col("role_id")?.str().map_err(|e| read_err(path, e))?.clone();
    let ids = col("candidate_id")?.str().map_err(|e| read_err(path, e))?.clone();
    let ranks = col("rank")?.cast(&DataType::Int64).map_err(|e| read_err(path, e))?;
    let ranks = ranks.i64().map_err(|e| read_err(path, e))?.clone();
    let scores = col("score")?.cast(&DataType::Float64).map_err(|e| read_err(path, e))?;
    let scores = scores.f64().map_err(|e| read_err(path, e))?.clone();
    Ok(roles
        .iter()
        .zip(ids.iter())
        .zip(ranks.iter())
        .zip(scores.iter())
        .filter_map(|(((role, id), rank), score)| {
            Some((role?.to_string(), id?.to_string(), rank?, score.unwrap_or(0.0)))
        })
        .collect())
}

/// `(candidate_id, score)` of every row of `candidate_gaps.csv` (each candidate's best roles).
fn candidate_pairs(path: &Path) -> Result<Vec<(String, f64)>, RunFileError> {
    let mut r = schema::RunCsv::open(path)?;
    let (Some(id), Some(score)) = (r.column("candidate_id"), r.column("score")) else {
        return Err(read_err(path, "no candidate_id or score column"));
    };
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec?;
        let s = rec.get(score).unwrap_or("").parse::<f64>().map_err(|e| read_err(path, format!("score: {e}")))?;
        out.push((crate::util::csv_unsafe(rec.get(id).unwrap_or("")).to_string(), s));
    }
    Ok(out)
}

/// The run's own top-K, from the configuration its manifest recorded.
fn manifest_top_k(config: &serde_json::Value) -> Option<usize> {
    config.get("score")?.get("top_k")?.as_u64().map(|k| k as usize)
}

/// The roster's candidate ids, when the manifest names a roster that is still there unchanged.
fn roster_ids(inputs: &[crate::ingest::InputFile]) -> Option<Vec<String>> {
    let roster = inputs.iter().find(|f| f.kind == "roster")?;
    let path = Path::new(&roster.path);
    if crate::util::sha256_file(path).ok()? != roster.sha256 {
        return None;
    }
    Some(crate::ingest::read_roster_file(path).candidates.into_iter().map(|c| c.id).collect())
}

/// Candidates with counted evidence (`profiles.parquet`), when the file is there.
fn profile_ids(dir: &Path) -> Vec<String> {
    let Ok(df) = schema::read_parquet(&dir.join(schema::PROFILES)) else { return Vec::new() };
    crate::query::profile_candidates(&df).into_iter().collect()
}

/// Reads the outcomes of every candidate of the run in `dir` at cut-off `top_k` (default: the
/// run's own top-K).
///
/// # Errors
/// The folder or one of its files is missing or unreadable; [`AuditError::TopK`] when `top_k`
/// is deeper than the run's shortlists.
pub fn read(dir: &Path, top_k: Option<usize>) -> Result<RunOutcomes, AuditError> {
    if !dir.is_dir() {
        return Err(RunFileError::Missing { path: dir.display().to_string() }.into());
    }
    read_with(dir, &schema::read_manifest(dir)?, top_k)
}

/// As [`read`], with the run's manifest given (a run being written has its data files in its
/// staging folder but no manifest yet).
///
/// # Errors
/// As [`read`].
pub fn read_with(dir: &Path, manifest: &Manifest, top_k: Option<usize>) -> Result<RunOutcomes, AuditError> {
    let mpath = dir.join(schema::MANIFEST);
    let run_top_k = manifest_top_k(&manifest.config).ok_or_else(|| read_err(&mpath, "no config.score.top_k"))?;
    let top_k = top_k.unwrap_or(run_top_k);
    if top_k > run_top_k {
        return Err(AuditError::TopK { asked: top_k, kept: run_top_k });
    }
    let mpath = dir.join(schema::MATCHES);
    let roles = role_pairs(&schema::read_parquet(&mpath)?, &mpath)?;
    let cands = candidate_pairs(&dir.join(schema::CANDIDATE_GAPS))?;
    let (ids, population) = match roster_ids(&manifest.inputs) {
        Some(ids) => (ids, PopulationSource::Roster),
        None => {
            let mut ids = profile_ids(dir);
            ids.extend(roles.iter().map(|r| r.1.clone()));
            ids.extend(cands.iter().map(|c| c.0.clone()));
            (ids, PopulationSource::ScoredCandidates)
        }
    };
    let mut candidates: BTreeMap<String, Outcome> =
        ids.into_iter().map(|id| (id, Outcome { selected: false, best_score: 0.0 })).collect();
    let mut shortlists: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (role, id, rank, score) in &roles {
        let list = shortlists.entry(role.clone()).or_default();
        if let Some(o) = candidates.get_mut(id) {
            let selected = *rank >= 1 && (*rank as u64) <= top_k as u64;
            if selected {
                list.push(id.clone());
            }
            o.selected |= selected;
            o.best_score = o.best_score.max(*score);
        }
    }
    shortlists.values_mut().for_each(|l| {
        l.sort();
        l.dedup();
    });
    for (id, score) in &cands {
        if let Some(o) = candidates.get_mut(id) {
            o.best_score = o.best_score.max(*score);
        }
    }
    Ok(RunOutcomes { top_k, run_top_k, population, candidates, roles: shortlists })
}
