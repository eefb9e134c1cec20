//! Query: answer recruiter questions from a finished run folder, without re-scoring.
//!
//! Reads `explanations.parquet` (one row per role skill of every reported pair) and
//! `verification.csv` (credential details), and serves [`shortlist`] and [`explain_pair`].

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::Serialize;

/// Errors reading a run folder.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The folder or one of its files is missing.
    #[error("{path} not found: is this a skillmatch run folder (the path `run` printed)?")]
    Missing {
        /// The missing path.
        path: String,
    },
    /// A file could not be read.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The pair or role is not in the run's outputs.
    #[error("{0}")]
    NotFound(String),
}

/// Details of one credential, from `verification.csv`.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct CredentialInfo {
    /// Credential id.
    pub credential_id: String,
    /// Issuer name (or id).
    pub issuer: String,
    /// Badge / achievement name.
    pub achievement: String,
    /// Issue date.
    pub issued_on: String,
    /// Expiry date (empty if none).
    pub expires: String,
    /// Verification status.
    pub status: String,
}

/// One role skill of a pair, with how it was credited.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SkillLine {
    /// Skill URI.
    pub skill_uri: String,
    /// Skill label.
    pub skill_label: String,
    /// `required` or `preferred`.
    pub requirement: String,
    /// `explicit` or `extracted` (found in the posting text).
    pub origin: String,
    /// Credit in [0, 1].
    pub credit: f64,
    /// `exact`, `group` or `none`.
    pub via: String,
    /// For group credit: the held skill.
    pub held_skill_label: Option<String>,
    /// For group credit: the shared skill group.
    pub group_label: Option<String>,
    /// The credentials proving it.
    pub evidence: Vec<CredentialInfo>,
}

/// The explanation of one pair.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PairExplanation {
    /// Role id.
    pub role_id: String,
    /// Candidate id.
    pub candidate_id: String,
    /// Score.
    pub score: f64,
    /// Candidate location, when the roster has one.
    pub candidate_location: Option<String>,
    /// Every role skill, required first.
    pub skills: Vec<SkillLine>,
}

/// A run folder opened for queries.
pub struct RunFolder {
    dir: PathBuf,
    explanations: DataFrame,
    credentials: HashMap<String, CredentialInfo>,
}

fn read_parquet(path: &Path) -> Result<DataFrame, QueryError> {
    let f = File::open(path).map_err(|_| QueryError::Missing { path: path.display().to_string() })?;
    ParquetReader::new(f).finish().map_err(|e| QueryError::Read { path: path.display().to_string(), reason: e.to_string() })
}

/// Undoes the CSV formula neutralisation of [`crate::util::csv_safe`].
fn unsafe_cell(s: &str) -> String {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_string(),
        _ => s.to_string(),
    }
}

fn read_credentials(path: &Path) -> Result<HashMap<String, CredentialInfo>, QueryError> {
    let err = |reason: String| QueryError::Read { path: path.display().to_string(), reason };
    let mut r = csv::Reader::from_path(path).map_err(|_| QueryError::Missing { path: path.display().to_string() })?;
    let headers = r.headers().map_err(|e| err(e.to_string()))?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let idx = ["credential_id", "issuer", "achievement", "issued_on", "expires", "status"].map(col);
    let mut out = HashMap::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| err(e.to_string()))?;
        let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).map(unsafe_cell).unwrap_or_default();
        let info = CredentialInfo {
            credential_id: get(idx[0]),
            issuer: get(idx[1]),
            achievement: get(idx[2]),
            issued_on: get(idx[3]),
            expires: get(idx[4]),
            status: get(idx[5]),
        };
        out.insert(info.credential_id.clone(), info);
    }
    Ok(out)
}

fn str_at(df: &DataFrame, col: &str, i: usize) -> Option<String> {
    df.column(col).ok()?.str().ok()?.get(i).map(str::to_string)
}

fn f64_at(df: &DataFrame, col: &str, i: usize) -> f64 {
    df.column(col).ok().and_then(|c| c.f64().ok().and_then(|c| c.get(i))).unwrap_or(0.0)
}

fn list_at(df: &DataFrame, col: &str, i: usize) -> Vec<String> {
    let Ok(c) = df.column(col) else { return Vec::new() };
    let Ok(l) = c.list() else { return Vec::new() };
    match l.get_as_series(i) {
        Some(s) => s.str().map(|s| s.iter().flatten().map(str::to_string).collect()).unwrap_or_default(),
        None => Vec::new(),
    }
}

impl RunFolder {
    /// Opens a run folder written by `skillmatch run`.
    pub fn open(dir: &Path) -> Result<RunFolder, QueryError> {
        if !dir.is_dir() {
            return Err(QueryError::Missing { path: dir.display().to_string() });
        }
        Ok(RunFolder {
            dir: dir.to_path_buf(),
            explanations: read_parquet(&dir.join("explanations.parquet"))?,
            credentials: read_credentials(&dir.join("verification.csv"))?,
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every reported pair for a role, with its skill lines, best score first (ties by candidate id).
    pub fn pairs_for_role(&self, role_id: &str) -> Vec<PairExplanation> {
        self.collect(role_id, None)
    }

    /// Explains one pair; an error names the pair when the run did not report it.
    pub fn explain_pair(&self, role_id: &str, candidate_id: &str) -> Result<PairExplanation, QueryError> {
        self.collect(role_id, Some(candidate_id)).into_iter().next().ok_or_else(|| {
            QueryError::NotFound(format!(
                "the run did not report candidate {candidate_id} for role {role_id} (only each role's and each \
                 candidate's top-K pairs are kept; rerun with a larger --top-k)"
            ))
        })
    }

    /// The rows of one role (and optionally one candidate), selected with a polars mask.
    fn rows_of(&self, role_id: &str, candidate_id: Option<&str>) -> Option<DataFrame> {
        let df = &self.explanations;
        let mut mask = df.column("role_id").ok()?.str().ok()?.equal(role_id);
        if let Some(c) = candidate_id {
            mask = &mask & &df.column("candidate_id").ok()?.str().ok()?.equal(c);
        }
        df.filter(&mask).ok()
    }

    fn collect(&self, role_id: &str, candidate_id: Option<&str>) -> Vec<PairExplanation> {
        let Some(df) = self.rows_of(role_id, candidate_id) else { return Vec::new() };
        let df = &df;
        let mut out: Vec<PairExplanation> = Vec::new();
        let mut index: HashMap<(String, String), usize> = HashMap::new();
        for i in 0..df.height() {
            let (Some(r), Some(c)) = (str_at(df, "role_id", i), str_at(df, "candidate_id", i)) else { continue };
            let evidence = list_at(df, "credential_ids", i)
                .into_iter()
                .map(|id| {
                    self.credentials
                        .get(&id)
                        .cloned()
                        .unwrap_or(CredentialInfo { credential_id: id, ..CredentialInfo::default() })
                })
                .collect();
            let line = SkillLine {
                skill_uri: str_at(df, "skill_uri", i).unwrap_or_default(),
                skill_label: str_at(df, "skill_label", i).unwrap_or_default(),
                requirement: str_at(df, "requirement", i).unwrap_or_default(),
                origin: str_at(df, "origin", i).unwrap_or_default(),
                credit: f64_at(df, "credit", i),
                via: str_at(df, "via", i).unwrap_or_default(),
                held_skill_label: str_at(df, "held_skill_label", i),
                group_label: str_at(df, "group_label", i),
                evidence,
            };
            let key = (r.clone(), c.clone());
            let at = *index.entry(key).or_insert_with(|| {
                out.push(PairExplanation {
                    role_id: r,
                    candidate_id: c,
                    score: f64_at(df, "score", i),
                    candidate_location: str_at(df, "candidate_location", i),
                    skills: Vec::new(),
                });
                out.len() - 1
            });
            out[at].skills.push(line);
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.candidate_id.cmp(&b.candidate_id)));
        out
    }
}

/// Recruiter filters for [`shortlist`].
#[derive(Debug, Clone, Default)]
pub struct ShortlistFilter {
    /// Keep at most this many rows.
    pub top: Option<usize>,
    /// Skills (label or URI, case-insensitive) the candidate must be credited for exactly.
    pub must: Vec<String>,
    /// Keep only candidates whose every credited skill is backed by a `verified` credential.
    pub verified_only: bool,
    /// Minimum score.
    pub min_score: Option<f64>,
    /// Candidate location must contain this text (case-insensitive).
    pub location: Option<String>,
}

/// One shortlist row.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ShortlistRow {
    /// 1-based rank after filtering.
    pub rank: usize,
    /// Candidate id.
    pub candidate_id: String,
    /// Score from the run.
    pub score: f64,
    /// Required skills credited exactly.
    pub matched_required: usize,
    /// Required skills in the role.
    pub required_total: usize,
    /// Labels of the required skills with no credit.
    pub missing_required: Vec<String>,
    /// Candidate location, when known.
    pub location: Option<String>,
}

/// Filters a role's reported candidates (best score first, ties by candidate id).
pub fn shortlist(run: &RunFolder, role_id: &str, filter: &ShortlistFilter) -> Result<Vec<ShortlistRow>, QueryError> {
    let pairs = run.pairs_for_role(role_id);
    if pairs.is_empty() {
        return Err(QueryError::NotFound(format!("role {role_id} has no reported candidates in {}", run.dir.display())));
    }
    let musts: Vec<String> = filter.must.iter().map(|m| m.to_lowercase()).collect();
    let loc = filter.location.as_ref().map(|l| l.to_lowercase());
    let mut rows = Vec::new();
    for p in pairs {
        if filter.min_score.is_some_and(|m| p.score < m) {
            continue;
        }
        let exact = |m: &String| {
            p.skills.iter().any(|s| s.via == "exact" && (s.skill_label.to_lowercase() == *m || s.skill_uri.to_lowercase() == *m))
        };
        if !musts.iter().all(exact) {
            continue;
        }
        if filter.verified_only
            && !p.skills.iter().filter(|s| s.via != "none").all(|s| s.evidence.iter().any(|e| e.status == "verified"))
        {
            continue;
        }
        let location = p.candidate_location.clone();
        if let Some(l) = &loc
            && !location.as_ref().is_some_and(|x| x.to_lowercase().contains(l.as_str()))
        {
            continue;
        }
        let required: Vec<&SkillLine> = p.skills.iter().filter(|s| s.requirement == "required").collect();
        rows.push(ShortlistRow {
            rank: rows.len() + 1,
            candidate_id: p.candidate_id.clone(),
            score: p.score,
            matched_required: required.iter().filter(|s| s.via == "exact").count(),
            required_total: required.len(),
            missing_required: required.iter().filter(|s| s.via == "none").map(|s| s.skill_label.clone()).collect(),
            location,
        });
        if filter.top.is_some_and(|t| rows.len() >= t) {
            break;
        }
    }
    Ok(rows)
}
