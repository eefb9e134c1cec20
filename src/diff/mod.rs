//! Diff: what changed between two finished runs, and why (`skillmatch diff`, and `diff.json`
//! in every run folder that has a previous run in its output root).
//!
//! Per role present in either run: the rank-biased overlap ([`rbo`]) of the two shortlists
//! (the role's reported candidates in `matches.parquet`), and every candidate who entered,
//! left or moved within it, each with its [`Cause`]s. The rule: the
//! candidate's own changes (new or removed from the roster, credentials whose status changed in
//! `verification.csv`), the role's own posting (added, removed, requirements changed), and a
//! taxonomy or config change (manifest hashes) are direct causes, all listed; a movement with no
//! direct cause was made by the others — [`Cause::RoleWeightsChanged`] when the set of postings
//! changed the role's skill weights and the candidates on both lists come in another order, else
//! [`Cause::RankingShifted`] (others entered, left or moved around them). Identical runs give an
//! empty diff ([`RunDiff::is_empty`]).

pub mod page;
pub mod rbo;
mod snapshot;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::report::manifest::Manifest;
use crate::report::schema;
pub use snapshot::{DiffError, RunSnapshot};

/// Why a candidate moved in a role's shortlist.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "cause", rename_all = "snake_case")]
pub enum Cause {
    /// The candidate is new: not in the old run, and the roster changed.
    CandidateNew,
    /// The candidate is gone: not in the new run, and the roster changed.
    CandidateRemoved,
    /// One of the candidate's credentials is newly `verified` (or new and verified).
    CredentialVerified {
        /// The credential.
        credential_id: String,
    },
    /// One of the candidate's credentials is newly `expired`.
    CredentialExpired {
        /// The credential.
        credential_id: String,
    },
    /// One of the candidate's credentials is newly `revoked`.
    CredentialRevoked {
        /// The credential.
        credential_id: String,
    },
    /// One of the candidate's credentials changed status otherwise (or appeared or disappeared).
    CredentialChanged {
        /// The credential.
        credential_id: String,
        /// Status in the old run; absent when the credential was not there.
        from: Option<String>,
        /// Status in the new run; absent when the credential is gone.
        to: Option<String>,
    },
    /// The role's posting is new.
    PostingAdded,
    /// The role's posting is gone.
    PostingRemoved,
    /// The role's posting asks for other skills (or changed title, employer or location).
    PostingChanged,
    /// No direct cause; the role's skill weights changed (IDF importance and prior depend on
    /// every posting of the run, so another posting's change moves them) and the candidates on
    /// both shortlists come in another order.
    RoleWeightsChanged,
    /// The taxonomy files (or alias, O*NET, crosswalk files) differ.
    TaxonomyChanged,
    /// The configuration differs (outside inputs, paths and `[run]`/`[report]` settings).
    ConfigChanged,
    /// No direct cause: the ranking shifted because other candidates moved.
    RankingShifted,
}

impl Cause {
    /// True for causes that name a change of this candidate, this role or the whole run; false
    /// for the two that say the others moved it.
    pub fn is_direct(&self) -> bool {
        !matches!(self, Cause::RoleWeightsChanged | Cause::RankingShifted)
    }
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cause::CandidateNew => write!(f, "new candidate"),
            Cause::CandidateRemoved => write!(f, "candidate removed"),
            Cause::CredentialVerified { credential_id } => write!(f, "credential newly verified: {credential_id}"),
            Cause::CredentialExpired { credential_id } => write!(f, "credential expired: {credential_id}"),
            Cause::CredentialRevoked { credential_id } => write!(f, "credential revoked: {credential_id}"),
            Cause::CredentialChanged { credential_id, from, to } => write!(
                f,
                "credential {credential_id}: {} -> {}",
                from.as_deref().unwrap_or("absent"),
                to.as_deref().unwrap_or("absent")
            ),
            Cause::PostingAdded => write!(f, "posting added"),
            Cause::PostingRemoved => write!(f, "posting removed"),
            Cause::PostingChanged => write!(f, "posting changed"),
            Cause::RoleWeightsChanged => write!(f, "role's skill weights changed by other postings"),
            Cause::TaxonomyChanged => write!(f, "taxonomy changed"),
            Cause::ConfigChanged => write!(f, "config changed"),
            Cause::RankingShifted => write!(f, "ranking shifted by other candidates"),
        }
    }
}

/// How a candidate's place in a shortlist changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveKind {
    /// In the new shortlist only.
    Entered,
    /// In the old shortlist only.
    Left,
    /// In both, at another rank.
    Moved,
}

/// One candidate's movement in one role's shortlist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Movement {
    /// Candidate id.
    pub candidate_id: String,
    /// Entered, left or moved.
    pub kind: MoveKind,
    /// Rank in the old shortlist (1-based), when there.
    pub old_rank: Option<usize>,
    /// Rank in the new shortlist (1-based), when there.
    pub new_rank: Option<usize>,
    /// Why, never empty (the rule is in the module documentation).
    pub causes: Vec<Cause>,
}

/// What happened to a role's posting between the runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostingChange {
    /// In the new run only.
    Added,
    /// In the old run only.
    Removed,
    /// In both, with other requirements, title, employer or location.
    Changed,
}

/// One role whose posting or shortlist changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleDiff {
    /// Role id.
    pub role_id: String,
    /// Title (the new run's, else the old run's).
    pub title: String,
    /// The posting's change, if any.
    pub posting: Option<PostingChange>,
    /// Whether the role's skill weights (importance, prior) changed.
    pub weights_changed: bool,
    /// Rank-biased overlap of the two shortlists (`RBO_ext`, p = 0.9), rounded to 4 decimals.
    pub rbo: f64,
    /// Old shortlist length.
    pub old_size: usize,
    /// New shortlist length.
    pub new_size: usize,
    /// Entered (by new rank), then left (by old rank), then moved (by new rank).
    pub movements: Vec<Movement>,
}

/// One side of a diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRef {
    /// Run id.
    pub run_id: String,
    /// Evaluation date.
    pub as_of: String,
}

/// Counts over all roles.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DiffSummary {
    /// Roles in either run.
    pub roles_compared: usize,
    /// Roles listed in [`RunDiff::roles`].
    pub roles_changed: usize,
    /// Roles in the new run only.
    pub roles_added: usize,
    /// Roles in the old run only.
    pub roles_removed: usize,
    /// Movements of each kind, over all roles.
    pub entered: usize,
    /// See `entered`.
    pub left: usize,
    /// See `entered`.
    pub moved: usize,
    /// Mean RBO over all compared roles (1 when there are none), rounded to 4 decimals.
    pub mean_rbo: f64,
}

/// What changed between two runs (`diff.json`, documented in README "Nightly diff").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunDiff {
    /// The old run.
    pub old: RunRef,
    /// The new run.
    pub new: RunRef,
    /// The runs have different as-of dates (statuses and recency may differ for that alone).
    pub as_of_changed: bool,
    /// The configurations differ ([`Cause::ConfigChanged`]).
    pub config_changed: bool,
    /// The taxonomies differ ([`Cause::TaxonomyChanged`]).
    pub taxonomy_changed: bool,
    /// Counts.
    pub summary: DiffSummary,
    /// Roles whose posting or shortlist changed, by role id.
    pub roles: Vec<RoleDiff>,
}

impl RunDiff {
    /// True when nothing changed: no role's posting or shortlist, and the same as-of date,
    /// config and taxonomy.
    pub fn is_empty(&self) -> bool {
        self.roles.is_empty() && !self.as_of_changed && !self.config_changed && !self.taxonomy_changed
    }
}

/// The config as it bears on ranking: without inputs (compared by their hashes), `[run]` and
/// `[report]` settings (as-of is reported on its own) and the paths of taxonomy and trust files
/// (their contents are compared by hash).
fn ranking_config(m: &Manifest) -> serde_json::Value {
    let mut c = m.config.clone();
    if let Some(o) = c.as_object_mut() {
        for key in ["inputs", "run", "report"] {
            o.remove(key);
        }
    }
    if let Some(t) = c.get_mut("taxonomy").and_then(|t| t.as_object_mut()) {
        for key in ["esco_dir", "custom", "aliases", "onet_dir", "crosswalk"] {
            t.remove(key);
        }
    }
    if let Some(v) = c.get_mut("verify").and_then(|t| t.as_object_mut()) {
        v.remove("trust");
    }
    c
}

/// The hashes that define a run's taxonomy: its files, O*NET version, and the alias, O*NET and
/// crosswalk inputs.
fn taxonomy_hashes(m: &Manifest) -> (Vec<&str>, Option<&str>, Vec<&str>) {
    let files = m.taxonomy.files.iter().map(|f| f.sha256.as_str()).collect();
    let side = m
        .inputs
        .iter()
        .filter(|i| matches!(i.kind.as_str(), "alias" | "onet" | "crosswalk"))
        .map(|i| i.sha256.as_str())
        .collect();
    (files, m.taxonomy.onet_version.as_deref(), side)
}

/// The sha256 of a run's inputs of one kind, in order.
fn input_hashes<'a>(m: &'a Manifest, kind: &str) -> Vec<&'a str> {
    m.inputs.iter().filter(|i| i.kind == kind).map(|i| i.sha256.as_str()).collect()
}

/// What holds across all roles of one comparison.
struct Context<'a> {
    old: &'a RunSnapshot,
    new: &'a RunSnapshot,
    roster_changed: bool,
    taxonomy_changed: bool,
    config_changed: bool,
    /// Candidate → their own causes, computed once.
    candidate_causes: HashMap<String, Vec<Cause>>,
}

/// A credential's change of status as a cause; `None` when the status is the same.
fn credential_cause(credential_id: &str, from: Option<&str>, to: Option<&str>) -> Option<Cause> {
    let credential_id = credential_id.to_string();
    match (from, to) {
        (a, b) if a == b => None,
        (_, Some("verified")) => Some(Cause::CredentialVerified { credential_id }),
        (_, Some("expired")) => Some(Cause::CredentialExpired { credential_id }),
        (_, Some("revoked")) => Some(Cause::CredentialRevoked { credential_id }),
        (a, b) => {
            Some(Cause::CredentialChanged { credential_id, from: a.map(str::to_string), to: b.map(str::to_string) })
        }
    }
}

impl<'a> Context<'a> {
    fn new(old: &'a RunSnapshot, new: &'a RunSnapshot) -> Context<'a> {
        let (om, nm) = (&old.manifest, &new.manifest);
        Context {
            old,
            new,
            roster_changed: input_hashes(om, "roster") != input_hashes(nm, "roster")
                || input_hashes(om, "claims") != input_hashes(nm, "claims"),
            taxonomy_changed: taxonomy_hashes(om) != taxonomy_hashes(nm),
            config_changed: ranking_config(om) != ranking_config(nm),
            candidate_causes: HashMap::new(),
        }
    }

    /// A candidate's own changes: in or out of the run (when the roster changed), and each
    /// credential whose status differs, by credential id.
    fn own_causes(&self, candidate: &str) -> Vec<Cause> {
        let mut causes = Vec::new();
        let (was, is) = (self.old.candidates.contains(candidate), self.new.candidates.contains(candidate));
        if self.roster_changed && !was && is {
            causes.push(Cause::CandidateNew);
        }
        if self.roster_changed && was && !is {
            causes.push(Cause::CandidateRemoved);
        }
        let empty = BTreeMap::new();
        let old = self.old.credentials.get(candidate).unwrap_or(&empty);
        let new = self.new.credentials.get(candidate).unwrap_or(&empty);
        let ids: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        for id in ids {
            let (from, to) = (old.get(id).map(String::as_str), new.get(id).map(String::as_str));
            causes.extend(credential_cause(id, from, to));
        }
        causes
    }

    /// [`Context::own_causes`], computed once per candidate.
    fn causes_of(&mut self, candidate: &str) -> Vec<Cause> {
        if let Some(c) = self.candidate_causes.get(candidate) {
            return c.clone();
        }
        let causes = self.own_causes(candidate);
        self.candidate_causes.insert(candidate.to_string(), causes.clone());
        causes
    }
}

/// The causes of one movement of `candidate` in a role whose posting changed as `posting` (and
/// whose weights changed when `weights_changed`): a role added or removed is that alone;
/// otherwise every direct cause (the candidate's own, the role's posting, the taxonomy, the
/// config), and when there is none, [`Cause::RoleWeightsChanged`] or [`Cause::RankingShifted`].
fn attribute(
    ctx: &mut Context<'_>,
    candidate: &str,
    posting: Option<PostingChange>,
    weights_changed: bool,
) -> Vec<Cause> {
    match posting {
        Some(PostingChange::Added) => return vec![Cause::PostingAdded],
        Some(PostingChange::Removed) => return vec![Cause::PostingRemoved],
        _ => {}
    }
    let mut causes = ctx.causes_of(candidate);
    if posting == Some(PostingChange::Changed) {
        causes.push(Cause::PostingChanged);
    }
    if ctx.taxonomy_changed {
        causes.push(Cause::TaxonomyChanged);
    }
    if ctx.config_changed {
        causes.push(Cause::ConfigChanged);
    }
    if causes.is_empty() {
        causes.push(if weights_changed { Cause::RoleWeightsChanged } else { Cause::RankingShifted });
    }
    causes
}

/// The movements between two shortlists, each with its causes.
fn movements(
    ctx: &mut Context<'_>,
    old: &[String],
    new: &[String],
    posting: Option<PostingChange>,
    weights_changed: bool,
) -> Vec<Movement> {
    let old_rank: BTreeMap<&str, usize> = old.iter().enumerate().map(|(i, c)| (c.as_str(), i + 1)).collect();
    let new_rank: BTreeMap<&str, usize> = new.iter().enumerate().map(|(i, c)| (c.as_str(), i + 1)).collect();
    let mut out = Vec::new();
    let mut push = |ctx: &mut Context<'_>, c: &str, kind, o: Option<usize>, n: Option<usize>| {
        let causes = attribute(ctx, c, posting, weights_changed);
        out.push(Movement { candidate_id: c.to_string(), kind, old_rank: o, new_rank: n, causes });
    };
    for c in new.iter().filter(|c| !old_rank.contains_key(c.as_str())) {
        push(ctx, c, MoveKind::Entered, None, new_rank.get(c.as_str()).copied());
    }
    for c in old.iter().filter(|c| !new_rank.contains_key(c.as_str())) {
        push(ctx, c, MoveKind::Left, old_rank.get(c.as_str()).copied(), None);
    }
    for c in new {
        if let (Some(&o), Some(&n)) = (old_rank.get(c.as_str()), new_rank.get(c.as_str()))
            && o != n
        {
            push(ctx, c, MoveKind::Moved, Some(o), Some(n));
        }
    }
    out
}

/// Whether the candidates on both lists come in another order in the new one.
fn reordered(old: &[String], new: &[String]) -> bool {
    let (in_old, in_new): (BTreeSet<&String>, BTreeSet<&String>) = (old.iter().collect(), new.iter().collect());
    let common_old = old.iter().filter(|c| in_new.contains(c));
    let common_new = new.iter().filter(|c| in_old.contains(c));
    !common_old.eq(common_new)
}

/// Compares two runs read into snapshots (old first).
pub fn diff(old: &RunSnapshot, new: &RunSnapshot) -> RunDiff {
    let mut ctx = Context::new(old, new);
    let role_ids: BTreeSet<&String> = old.roles.keys().chain(new.roles.keys()).collect();
    let no_list: Vec<String> = Vec::new();
    let mut roles = Vec::new();
    let mut summary = DiffSummary { roles_compared: role_ids.len(), ..DiffSummary::default() };
    let mut rbo_sum = 0.0;
    for id in role_ids {
        let (od, nd) = (old.roles.get(id), new.roles.get(id));
        let posting = match (od, nd) {
            (None, _) => Some(PostingChange::Added),
            (_, None) => Some(PostingChange::Removed),
            (Some(a), Some(b))
                if (&a.title, &a.employer, &a.location, &a.skills)
                    != (&b.title, &b.employer, &b.location, &b.skills) =>
            {
                Some(PostingChange::Changed)
            }
            _ => None,
        };
        let weights_changed = matches!((od, nd), (Some(a), Some(b)) if (&a.weights, a.prior) != (&b.weights, b.prior));
        let (ol, nl) = (old.shortlists.get(id).unwrap_or(&no_list), new.shortlists.get(id).unwrap_or(&no_list));
        let rbo = rbo::rbo_ext(ol, nl, rbo::PERSISTENCE);
        rbo_sum += rbo;
        // New weights explain movements only when they reordered the candidates on both lists;
        // otherwise the others entering or leaving did.
        let moves = movements(&mut ctx, ol, nl, posting, weights_changed && reordered(ol, nl));
        if posting.is_none() && moves.is_empty() {
            continue;
        }
        for m in &moves {
            match m.kind {
                MoveKind::Entered => summary.entered += 1,
                MoveKind::Left => summary.left += 1,
                MoveKind::Moved => summary.moved += 1,
            }
        }
        summary.roles_added += usize::from(posting == Some(PostingChange::Added));
        summary.roles_removed += usize::from(posting == Some(PostingChange::Removed));
        let title = nd.or(od).map(|r| r.title.clone()).unwrap_or_default();
        roles.push(RoleDiff {
            role_id: id.clone(),
            title,
            posting,
            weights_changed,
            rbo: crate::util::round4(rbo),
            old_size: ol.len(),
            new_size: nl.len(),
            movements: moves,
        });
    }
    summary.roles_changed = roles.len();
    summary.mean_rbo =
        if summary.roles_compared == 0 { 1.0 } else { crate::util::round4(rbo_sum / summary.roles_compared as f64) };
    let side = |s: &RunSnapshot| RunRef { run_id: s.manifest.run.run_id.clone(), as_of: s.manifest.as_of.clone() };
    RunDiff {
        old: side(old),
        new: side(new),
        as_of_changed: old.manifest.as_of != new.manifest.as_of,
        config_changed: ctx.config_changed,
        taxonomy_changed: ctx.taxonomy_changed,
        summary,
        roles,
    }
}

/// Reads two finished run folders and compares them (old first).
///
/// # Errors
/// A folder or one of the files the diff reads is missing or unreadable.
pub fn diff_folders(old: &Path, new: &Path) -> Result<RunDiff, DiffError> {
    Ok(diff(&RunSnapshot::read(old)?, &RunSnapshot::read(new)?))
}

/// The previous finished run under `root` for a run about to be named `run_id`: among the
/// folders whose name does not start with `.` (temporary folders do) and is not `run_id`, with
/// a readable manifest, the one whose manifest says it finished last (`run.finished_at`, RFC
/// 3339 UTC), ties broken by the greater folder name. Shard folders (`run --shard`, whose
/// manifest has a `shard` block) are not runs to compare with. `None` when there is none.
pub fn previous_run(root: &Path, run_id: &str) -> Option<(PathBuf, Manifest)> {
    let entries = std::fs::read_dir(root).ok()?;
    let mut best: Option<((String, String), PathBuf, Manifest)> = None;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        if name.starts_with('.') || name == run_id || !path.is_dir() {
            continue;
        }
        let Ok(m) = schema::read_manifest(&path) else { continue };
        if m.shard.is_some() {
            continue;
        }
        let key = (m.run.finished_at.clone(), name);
        if best.as_ref().is_none_or(|(k, _, _)| key > *k) {
            best = Some((key, path, m));
        }
    }
    best.map(|(_, p, m)| (p, m))
}

/// Writes `diff.json` (pretty-printed, trailing newline) into `dir` and records it.
///
/// # Errors
/// The file cannot be written.
pub fn write_json(dir: &Path, diff: &RunDiff) -> Result<crate::report::OutputFile, crate::report::ReportError> {
    use crate::report::ReportError;
    let name = schema::DIFF;
    let mut bytes =
        serde_json::to_vec_pretty(diff).map_err(|source| ReportError::Json { path: name.into(), source })?;
    bytes.push(b'\n');
    std::fs::write(dir.join(name), &bytes).map_err(|source| ReportError::Io { path: name.into(), source })?;
    crate::report::output_file(dir, name, diff.roles.len())
}

#[cfg(test)]
mod tests;
