//! Query: answer recruiter questions from a finished run folder, without re-scoring.
//!
//! Reads the run's `manifest.json` (weights, taxonomy), `profiles.parquet`, `roles.parquet`,
//! `matches.parquet` and `verification.csv`, and serves [`shortlist`] and
//! [`RunFolder::explain_pair`] (recomputed exactly for one pair with the run's own weights).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::Serialize;

mod meaning;

pub use meaning::FoundBy;

use crate::config::Config;
use crate::ingest::Requirement;
use crate::report::schema::{self, RunFileError};
use crate::score::{CandidateProfile, CreditRoute, CreditVia, HeldSkill, Role, RoleSkill, ScoreParams, SkillOrigin};
use crate::taxonomy::{MatchMethod, Taxonomy};

/// The configuration a run recorded in its manifest. Runs written before the evidence model
/// existed have no `[score] model`: they scored with the coverage model, and reopen with it.
fn run_config(mut config: serde_json::Value) -> Result<Config, serde_json::Error> {
    if let Some(score) = config.get_mut("score").and_then(|s| s.as_object_mut())
        && !score.contains_key("model")
    {
        score.insert("model".into(), serde_json::Value::String("coverage".into()));
    }
    serde_json::from_value(config)
}

/// Errors reading a run folder.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The folder or one of its files is missing or unreadable.
    #[error(transparent)]
    RunFile(#[from] RunFileError),
    /// The pair or role is not in the run's outputs.
    #[error("{0}")]
    NotFound(String),
    /// A `--must` skill that is no taxonomy skill (by URI, label or alias).
    #[error("{0}")]
    UnknownSkill(String),
}

/// Details of one credential, from `verification.csv`.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct CredentialInfo {
    /// Credential id.
    pub credential_id: String,
    /// The candidate it was matched to (empty when none); not shown in explanations, which are
    /// about one candidate already.
    #[serde(skip)]
    pub candidate_id: String,
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
    /// The skill's factor in the role: the score is `Σ factor · credit`.
    pub factor: f64,
    /// `factor · credit`: what this skill adds to the score.
    pub contribution: f64,
    /// Skill URI.
    pub skill_uri: String,
    /// Skill label.
    pub skill_label: String,
    /// Required or preferred.
    pub requirement: Requirement,
    /// Listed, found in the posting text or inferred from its title.
    pub origin: SkillOrigin,
    /// Credit in [0, 1].
    pub credit: f64,
    /// How the credit was earned.
    pub via: CreditRoute,
    /// For partial credit: the held skill.
    pub held_skill_label: Option<String>,
    /// For group credit: the shared skill group.
    pub group_label: Option<String>,
    /// The credentials proving it.
    pub evidence: Vec<CredentialInfo>,
    /// How it was found by meaning (`meaning.csv`), when it was; absent in dictionary-only runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found_by: Option<FoundBy>,
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
    /// The requirement term: `Σ factor · credit`, the share of the role's requirement mass the
    /// candidate proves (shrunk by the role prior).
    pub requirement: f64,
    /// The fit term: the share of the candidate's IDF-weighted evidence the role's skills use
    /// (shrunk by the candidate prior); 0 when the fit term is off.
    pub fit: f64,
    /// The fit term's weight in this score (`[score] fit_weight`; 0 when the run did not weigh
    /// the candidate for fit): `score = (1 − fit_weight) · requirement + fit_weight · fit`.
    pub fit_weight: f64,
    /// The role's prior mass (evidence model: the denominator's shrinkage term).
    pub role_prior: f64,
    /// Whether the role has too few skills to rank with confidence (see `roles.parquet` `thin`).
    pub role_thin: bool,
    /// Every role skill, required first.
    pub skills: Vec<SkillLine>,
}

/// A run folder opened for queries: its manifest, taxonomy and scoring inputs.
pub struct RunFolder {
    dir: PathBuf,
    taxonomy: Taxonomy,
    params: ScoreParams,
    profiles: DataFrame,
    roles: DataFrame,
    matches: DataFrame,
    credentials: HashMap<String, CredentialInfo>,
}

fn read_parquet(path: &Path) -> Result<DataFrame, QueryError> {
    Ok(schema::read_parquet(path)?)
}

/// Reads a run's `verification.csv`: every credential by id.
///
/// # Errors
/// The file is missing or not CSV.
pub fn read_credentials(path: &Path) -> Result<HashMap<String, CredentialInfo>, QueryError> {
    let mut r = schema::RunCsv::open(path)?;
    let idx = ["credential_id", "issuer", "achievement", "issued_on", "expires", "status", "candidate_id"]
        .map(|name| r.column(name));
    let mut out = HashMap::new();
    for rec in r.records() {
        let rec = rec?;
        let get = |i: Option<usize>| {
            i.and_then(|i| rec.get(i)).map(|cell| crate::util::csv_unsafe(cell).to_string()).unwrap_or_default()
        };
        let info = CredentialInfo {
            credential_id: get(idx[0]),
            issuer: get(idx[1]),
            achievement: get(idx[2]),
            issued_on: get(idx[3]),
            expires: get(idx[4]),
            status: get(idx[5]),
            candidate_id: get(idx[6]),
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

/// Loads the taxonomy a run used, as the run did ([`Taxonomy::load`] with the run's config):
/// ESCO (unless `[taxonomy] esco = false`), its custom taxonomy files, its alias files (those
/// still there: aliases change no skill ids, only which O*NET technologies are linked), and
/// O*NET's technologies when the run added them (`with_onet`).
fn reload_taxonomy(config: &Config, with_onet: bool) -> Result<Taxonomy, QueryError> {
    let tc = &config.taxonomy;
    let onet = match (with_onet, tc.onet_folder()) {
        (false, _) => None,
        (true, Some(dir)) => Some(
            crate::taxonomy::onet::Onet::load(&dir)
                .map_err(|e| RunFileError::Read { path: dir.display().to_string(), reason: e.to_string() })?,
        ),
        (true, None) => {
            return Err(QueryError::from(RunFileError::Read {
                path: "[taxonomy] onet_dir".into(),
                reason: "the run added O*NET technologies but no O*NET folder is configured or found".into(),
            }));
        }
    };
    let aliases: Vec<std::path::PathBuf> = tc.aliases.iter().filter(|p| p.is_file()).cloned().collect();
    let spec = crate::taxonomy::LoadSpec { aliases: &aliases, ..tc.load_spec(onet.as_ref()) };
    Taxonomy::load(&spec).map(|l| l.taxonomy).map_err(|e| {
        let path = match &e {
            crate::taxonomy::TaxonomyError::Io { path, .. }
            | crate::taxonomy::TaxonomyError::Parse { path, .. }
            | crate::taxonomy::TaxonomyError::Order { path } => path.clone(),
        };
        QueryError::from(RunFileError::Read { path, reason: e.to_string() })
    })
}

/// Rows of `df` whose `col` equals `value` (a polars mask, no row loop).
fn rows_where(df: &DataFrame, col: &str, value: &str) -> Option<DataFrame> {
    let mask = df.column(col).ok()?.str().ok()?.equal(value);
    df.filter(&mask).ok()
}

impl RunFolder {
    /// Opens a run folder written by `skillmatch run`: reads its manifest, reloads the taxonomy
    /// the run used (refusing one whose files changed since), and the scoring inputs.
    pub fn open(dir: &Path) -> Result<RunFolder, QueryError> {
        if !dir.is_dir() {
            return Err(RunFileError::Missing { path: dir.display().to_string() }.into());
        }
        let mpath = dir.join(schema::MANIFEST);
        let read_err = |reason: String| RunFileError::Read { path: mpath.display().to_string(), reason };
        let manifest = schema::read_manifest(dir)?;
        let config = run_config(manifest.config).map_err(|e| read_err(e.to_string()))?;
        let taxonomy = reload_taxonomy(&config, manifest.taxonomy.onet_version.is_some())?;
        let then: Vec<&str> = manifest.taxonomy.files.iter().map(|f| f.sha256.as_str()).collect();
        let now: Vec<&str> = taxonomy.files().iter().map(|(_, h)| h.as_str()).collect();
        if now != then {
            // The first file that differs (or the first one missing or extra).
            let at = now.iter().zip(&then).position(|(a, b)| a != b).unwrap_or(now.len().min(then.len()));
            let path = match (taxonomy.files().get(at), manifest.taxonomy.files.get(at)) {
                (Some((p, _)), _) => p.clone(),
                (None, Some(f)) if !f.path.is_empty() => f.path.clone(),
                _ => mpath.display().to_string(),
            };
            return Err(RunFileError::Read {
                path,
                reason: "the taxonomy files changed since this run; explanations would not match its scores".into(),
            }
            .into());
        }
        Ok(RunFolder {
            dir: dir.to_path_buf(),
            taxonomy,
            params: config.score_params(),
            profiles: read_parquet(&dir.join(schema::PROFILES))?,
            roles: read_parquet(&dir.join(schema::ROLES))?,
            matches: read_parquet(&dir.join(schema::MATCHES))?,
            credentials: read_credentials(&dir.join(schema::VERIFICATION))?,
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A candidate's profile as scored, and the credential ids its evidence indexes point to.
    fn profile(&self, candidate_id: &str) -> (CandidateProfile, Vec<String>) {
        let mut ids: Vec<String> = Vec::new();
        let mut skills = Vec::new();
        let mut location = None;
        let mut fit_mass = 0.0;
        if let Some(df) = rows_where(&self.profiles, "candidate_id", candidate_id) {
            for i in 0..df.height() {
                location = location.or_else(|| str_at(&df, "location", i));
                fit_mass = f64_at(&df, "fit_mass", i);
                let Some(skill) = str_at(&df, "skill_uri", i).and_then(|u| self.taxonomy.skill_by_uri(&u)) else {
                    continue;
                };
                let evidence = list_at(&df, "credential_ids", i)
                    .into_iter()
                    .map(|id| {
                        ids.push(id);
                        ids.len() as u32 - 1
                    })
                    .collect();
                skills.push(HeldSkill { skill, weight: f64_at(&df, "weight", i), evidence });
            }
        }
        skills.sort_by_key(|h| h.skill);
        (CandidateProfile { id: candidate_id.to_string(), location, skills, fit_mass }, ids)
    }

    /// A role as scored.
    fn role(&self, role_id: &str) -> Option<Role> {
        let df = rows_where(&self.roles, "role_id", role_id)?;
        if df.height() == 0 {
            return None;
        }
        let mut importance = std::collections::HashMap::new();
        let mut fit = std::collections::HashMap::new();
        let skills = (0..df.height())
            .filter_map(|i| {
                let skill = self.taxonomy.skill_by_uri(&str_at(&df, "skill_uri", i)?)?;
                importance.insert(skill, f64_at(&df, "importance", i));
                fit.insert(skill, f64_at(&df, "fit", i));
                let requirement = if str_at(&df, "requirement", i)? == "preferred" {
                    Requirement::Preferred
                } else {
                    Requirement::Required
                };
                let origin = SkillOrigin::parse(&str_at(&df, "origin", i)?);
                Some(RoleSkill { requirement, skill, origin })
            })
            .collect();
        let mut role = Role::new(
            role_id.to_string(),
            str_at(&df, "title", 0).unwrap_or_default(),
            str_at(&df, "employer", 0),
            str_at(&df, "location", 0),
            skills,
        );
        role.set_importance(|s| importance.get(&s).copied().unwrap_or(1.0));
        role.fit = role.skills.iter().map(|rs| fit.get(&rs.skill).copied().unwrap_or(0.0)).collect();
        if df.column("prior").is_ok() {
            role.prior = f64_at(&df, "prior", 0);
        }
        Some(role)
    }

    /// The role's ranked candidates as the run reported them: (candidate id, score).
    pub fn ranking(&self, role_id: &str) -> Vec<(String, f64)> {
        let Some(df) = rows_where(&self.matches, "role_id", role_id) else { return Vec::new() };
        rankings(&df).remove(role_id).unwrap_or_default()
    }

    /// Explains one pair from the run's stored profiles and roles with the run's weights; the
    /// score equals the engine's for every pair the run scored.
    pub fn explain_pair(&self, role_id: &str, candidate_id: &str) -> Result<PairExplanation, QueryError> {
        let role = self
            .role(role_id)
            .ok_or_else(|| QueryError::NotFound(format!("role {role_id} is not in {}", self.dir.display())))?;
        let (profile, ids) = self.profile(candidate_id);
        if profile.skills.is_empty()
            && rows_where(&self.matches, "candidate_id", candidate_id).is_none_or(|d| d.height() == 0)
        {
            return Err(QueryError::NotFound(format!(
                "candidate {candidate_id} has no counted evidence in {} (not in the roster, or no badge the policy counts)",
                self.dir.display()
            )));
        }
        let meaning = meaning::RoleMeaning::read(&self.dir, role_id)?;
        let neighbours = crate::score::Neighbours::new(&self.taxonomy, &self.params);
        let e = crate::score::explain(&self.taxonomy, &neighbours, &profile, &role, &self.params);
        let tax = &self.taxonomy;
        let factors = crate::score::slot_factors(&role, &self.params);
        let skills = e
            .skills
            .iter()
            .zip(factors)
            .map(|(s, factor)| {
                let group = match s.via {
                    CreditVia::Group { group, .. } => tax.groups().get(group as usize),
                    _ => None,
                };
                let (via, held) = (s.via.route(), s.via.held());
                SkillLine {
                    found_by: meaning.of(&tax.skill(s.skill).uri, s.origin),
                    skill_uri: tax.skill(s.skill).uri.clone(),
                    skill_label: tax.skill(s.skill).label.clone(),
                    requirement: s.requirement,
                    origin: s.origin,
                    credit: crate::util::round4(s.credit),
                    factor: crate::util::round4(factor),
                    contribution: crate::util::round4(factor * s.credit),
                    via,
                    held_skill_label: held.map(|h| tax.skill(h).label.clone()),
                    group_label: group.map(|g| g.label.clone()),
                    evidence: s
                        .evidence(&profile)
                        .iter()
                        .filter_map(|&i| ids.get(i as usize))
                        .map(|id| {
                            self.credentials
                                .get(id)
                                .cloned()
                                .unwrap_or(CredentialInfo { credential_id: id.clone(), ..CredentialInfo::default() })
                        })
                        .collect(),
                }
            })
            .collect();
        let role_thin = rows_where(&self.roles, "role_id", role_id)
            .and_then(|df| df.column("thin").ok().and_then(|c| c.bool().ok().and_then(|b| b.get(0))))
            .unwrap_or(false);
        Ok(PairExplanation {
            role_id: role_id.to_string(),
            candidate_id: candidate_id.to_string(),
            score: crate::util::round4(e.score),
            requirement: crate::util::round4(e.requirement),
            fit: crate::util::round4(e.fit),
            fit_weight: crate::score::applied_fit_weight(profile.fit_mass, self.params.fit_weight),
            candidate_location: profile.location,
            role_prior: crate::util::round4(role.prior),
            role_thin,
            skills,
        })
    }
}

/// Every role's reported candidates in a `matches.parquet` table, best rank first:
/// role id → (candidate id, score). Rows with a missing cell are skipped.
pub fn rankings(matches: &DataFrame) -> BTreeMap<String, Vec<(String, f64)>> {
    let strs = |c: &str| matches.column(c).ok().and_then(|c| c.str().ok().cloned());
    // INT64 since outputs are written for every reader; UINT64 in older run folders.
    let ranks = matches.column("rank").ok().and_then(|c| c.cast(&DataType::Int64).ok());
    let ranks = ranks.as_ref().and_then(|c| c.i64().ok());
    let scores = matches.column("score").ok().and_then(|c| c.f64().ok().cloned());
    let (Some(roles), Some(cands), Some(ranks)) = (strs("role_id"), strs("candidate_id"), ranks) else {
        return BTreeMap::new();
    };
    let mut out: BTreeMap<String, Vec<(i64, String, f64)>> = BTreeMap::new();
    for (i, ((role, cand), rank)) in roles.iter().zip(cands.iter()).zip(ranks.iter()).enumerate() {
        let (Some(role), Some(cand), Some(rank)) = (role, cand, rank) else { continue };
        let score = scores.as_ref().and_then(|s| s.get(i)).unwrap_or(0.0);
        out.entry(role.to_string()).or_default().push((rank, cand.to_string(), score));
    }
    out.into_iter()
        .map(|(role, mut rows)| {
            rows.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
            (role, rows.into_iter().map(|(_, c, s)| (c, s)).collect())
        })
        .collect()
}

/// One role as a run defined it in `roles.parquet`: what its posting asked for, and the
/// weights the run gave its skills.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoleDefinition {
    /// Title.
    pub title: String,
    /// Employer, when known.
    pub employer: Option<String>,
    /// Location, when known.
    pub location: Option<String>,
    /// Every skill as (URI, `required`/`preferred`, origin).
    pub skills: BTreeSet<(String, String, String)>,
    /// The postings it was read from (`reader path position`).
    pub sources: BTreeSet<String>,
    /// Each skill's importance as scored (URI → importance), and the role's prior mass: these
    /// depend on every posting of the run (IDF), not on this one only.
    pub weights: BTreeMap<String, f64>,
    /// The evidence model's prior mass.
    pub prior: f64,
}

/// Every role of a `roles.parquet` table, by id.
pub fn role_definitions(roles: &DataFrame) -> BTreeMap<String, RoleDefinition> {
    let mut out: BTreeMap<String, RoleDefinition> = BTreeMap::new();
    let Some(ids) = roles.column("role_id").ok().and_then(|c| c.str().ok().cloned()) else { return out };
    for (i, id) in ids.iter().enumerate() {
        let Some(id) = id else { continue };
        let r = out.entry(id.to_string()).or_insert_with(|| RoleDefinition {
            title: str_at(roles, "title", i).unwrap_or_default(),
            employer: str_at(roles, "employer", i),
            location: str_at(roles, "location", i),
            prior: f64_at(roles, "prior", i),
            ..RoleDefinition::default()
        });
        let uri = str_at(roles, "skill_uri", i).unwrap_or_default();
        let requirement = str_at(roles, "requirement", i).unwrap_or_default();
        let origin = str_at(roles, "origin", i).unwrap_or_default();
        r.weights.insert(uri.clone(), f64_at(roles, "importance", i));
        r.skills.insert((uri, requirement, origin));
        r.sources.extend(list_at(roles, "sources", i));
    }
    out
}

/// The candidates of a `profiles.parquet` table (those with counted evidence).
pub fn profile_candidates(profiles: &DataFrame) -> BTreeSet<String> {
    let Some(ids) = profiles.column("candidate_id").ok().and_then(|c| c.str().ok().cloned()) else {
        return BTreeSet::new();
    };
    ids.iter().flatten().map(str::to_string).collect()
}

/// Recruiter filters for [`shortlist`].
#[derive(Debug, Clone, Default)]
pub struct ShortlistFilter {
    /// Keep at most this many rows.
    pub top: Option<usize>,
    /// Skills (URI, label, alternative label or alias) the candidate must be credited for
    /// exactly; one that is no taxonomy skill is a [`QueryError::UnknownSkill`].
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

/// Filters a role's reported candidates (best score first, ties by candidate id). A role that
/// is not in the run is [`QueryError::NotFound`]; a known role without reported candidates gives
/// no rows.
pub fn shortlist(run: &RunFolder, role_id: &str, filter: &ShortlistFilter) -> Result<Vec<ShortlistRow>, QueryError> {
    if run.role(role_id).is_none() {
        return Err(QueryError::NotFound(format!(
            "role {role_id:?} is not in {} (no such role_id in its roles.parquet)",
            run.dir.display()
        )));
    }
    // Must-have skills resolve by URI, exact label or alias only: a typo is an error, never a
    // fuzzy guess or a filter that silently matches no one.
    let musts: Vec<String> = filter
        .must
        .iter()
        .map(|m| {
            let mapping = run.taxonomy.normalize_text(m);
            match (mapping.skill, mapping.method) {
                (Some(s), MatchMethod::Uri | MatchMethod::Exact | MatchMethod::Alias) => {
                    Ok(run.taxonomy.skill(s).uri.to_lowercase())
                }
                _ => Err(QueryError::UnknownSkill(format!(
                    "--must {m:?} is not a skill of the run's taxonomy (give its label, an alternative label or its URI; \
                     `skillmatch normalize {m:?}` shows the closest)"
                ))),
            }
        })
        .collect::<Result<_, _>>()?;
    let ranking = run.ranking(role_id);
    let loc = filter.location.as_ref().map(|l| l.to_lowercase());
    let mut rows = Vec::new();
    for (candidate_id, score) in ranking {
        if filter.min_score.is_some_and(|m| score < m) {
            continue;
        }
        let mut p = run.explain_pair(role_id, &candidate_id)?;
        p.score = score;
        let exact =
            |m: &String| p.skills.iter().any(|s| s.via == CreditRoute::Exact && s.skill_uri.to_lowercase() == *m);
        if !musts.iter().all(exact) {
            continue;
        }
        if filter.verified_only
            && !p
                .skills
                .iter()
                .filter(|s| s.via != CreditRoute::None)
                .all(|s| s.evidence.iter().any(|e| e.status == "verified"))
        {
            continue;
        }
        let location = p.candidate_location.clone();
        if let Some(l) = &loc
            && !location.as_ref().is_some_and(|x| x.to_lowercase().contains(l.as_str()))
        {
            continue;
        }
        let required: Vec<&SkillLine> = p.skills.iter().filter(|s| s.requirement == Requirement::Required).collect();
        rows.push(ShortlistRow {
            rank: rows.len() + 1,
            candidate_id: p.candidate_id.clone(),
            score: p.score,
            matched_required: required.iter().filter(|s| s.via == CreditRoute::Exact).count(),
            required_total: required.len(),
            missing_required: required
                .iter()
                .filter(|s| s.via == CreditRoute::None)
                .map(|s| s.skill_label.clone())
                .collect(),
            location,
        });
        if filter.top.is_some_and(|t| rows.len() >= t) {
            break;
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::ScoreModel;

    #[test]
    fn verification_csv_written_with_a_byte_order_mark_reads_every_credential_by_id() {
        // `[run] csv_bom = true` puts a BOM before the first header, `credential_id`.
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("verification.csv");
        std::fs::write(&path, "\u{feff}credential_id,candidate_id,issuer,status\nurn:c1,cand-1,'=Acme,verified\n")
            .expect("write");
        let creds = read_credentials(&path).expect("reads");
        let c = &creds["urn:c1"];
        assert_eq!((c.candidate_id.as_str(), c.status.as_str()), ("cand-1", "verified"));
        assert_eq!(c.issuer, "=Acme", "the formula guard is undone");
    }

    #[test]
    fn a_run_recorded_before_the_evidence_model_reopens_with_the_coverage_model() {
        let old = serde_json::json!({"score": {"min_score": 0.1}});
        assert_eq!(run_config(old).expect("config").score.model, ScoreModel::Coverage);
        let new = serde_json::json!({"score": {"model": "evidence"}});
        assert_eq!(run_config(new).expect("config").score.model, ScoreModel::Evidence);
        let none = serde_json::json!({});
        assert_eq!(run_config(none).expect("config").score.model, ScoreModel::Evidence, "no [score] at all: defaults");
    }
}
