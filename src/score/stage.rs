//! The score stage as the pipeline runs it: policy (role weights, pathways, evidence weights)
//! applied to the normalized roles and verified credentials, then the engine, then what the
//! reports need beside the ranking (badge-class catalog, thin-role flags), with its counts.
//!
//! The pipeline hands this stage typed inputs and gets [`Scored`] back; everything that decides
//! a score lives in `score`, none of it in the orchestrator.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::policy::{self, CandidateFit, CountedEvidence, PathwaySkillError};
use super::value::{CredentialValue, ValueInput};
use super::{
    CandidateProfile, Catalog, MatchDetails, Neighbours, Pathway, PathwayProgress, Role, ScoreOutput, score_all_with,
};
use crate::config::Config;
use crate::ingest::Roster;
use crate::normalize::RoleRequirements;
use crate::taxonomy::{SkillId, Taxonomy};
use crate::verify::{TrustStore, VerifiedCredential};

/// What the score stage reads.
#[derive(Clone, Copy)]
pub struct ScoreInput<'a> {
    /// The run's configuration (`[score]`, `[verify]` status weights, `[[pathways]]`).
    pub config: &'a Config,
    /// Evaluation date (recency decay, pathway dates).
    pub as_of: NaiveDate,
    /// The taxonomy the skills are ids of.
    pub taxonomy: &'a Taxonomy,
    /// Every candidate of the roster.
    pub roster: &'a Roster,
    /// Verified credentials, in ingest order.
    pub verified: &'a [VerifiedCredential],
    /// Per verified credential (same order), its mapped skills.
    pub credential_skills: &'a [Vec<SkillId>],
    /// The trust store (issuer tiers).
    pub trust: &'a TrustStore,
}

/// What the score stage produced, for the reports.
pub struct Scored {
    /// Candidate profiles, sorted by id.
    pub profiles: Vec<CandidateProfile>,
    /// The counted evidence the profiles were built from.
    pub evidence: CountedEvidence,
    /// The partial-credit neighbours the engine scored with (the credential value rescores
    /// with the same ones).
    pub neighbours: Neighbours,
    /// Configured pathways with their program skills resolved.
    pub pathways: Vec<Pathway>,
    /// Every candidate's progress on every pathway they started.
    pub pathway_progress: Vec<PathwayProgress>,
    /// Ranked matches, both sides.
    pub scores: ScoreOutput,
    /// Every ranked pair's explanation and next-credential cover, for the reports.
    pub details: MatchDetails,
    /// Badge classes seen in the data, for next-credential suggestions.
    pub catalog: Catalog,
    /// Per role (same order as the roles): too few skills to rank with confidence.
    pub thin_roles: Vec<bool>,
    /// Counts for the manifest.
    pub stats: ScoreStats,
    /// What the fit term divides by.
    pub fit: CandidateFit,
}

/// Counts of the score stage, as the manifest records them (`stages.score`).
///
/// Fields are declared in alphabetical order: the manifest's JSON keys stay sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreStats {
    /// Distinct badge classes seen (next-credential catalog).
    pub badge_classes: u64,
    /// Blocks of similar candidates the role side bounds.
    pub candidate_blocks: u64,
    /// Candidate blocks opened by roles.
    pub candidate_blocks_opened: u64,
    /// Pairs scored exactly on the candidate side.
    pub candidate_pairs_scored: u64,
    /// Candidates scored.
    pub candidates: u64,
    /// Candidates holding at least one counted skill.
    pub candidates_with_skills: u64,
    /// Distinct roles scored (identical roles are scored once).
    pub distinct_roles: u64,
    /// Pairs scored exactly, both sides together.
    pub pairs_scored: u64,
    /// Candidates × roles.
    pub pairs_total: u64,
    /// Pathways completed, all candidates together.
    pub pathways_completed: u64,
    /// Pathways started but not completed.
    pub pathways_partial: u64,
    /// Block-bound entries read.
    pub postings_visited: u64,
    /// Blocks of similar roles the candidate side bounds.
    pub role_blocks: u64,
    /// Role blocks opened by candidates.
    pub role_blocks_opened: u64,
    /// Pairs scored exactly on the role side.
    pub role_pairs_scored: u64,
    /// Roles scored.
    pub roles: u64,
    /// Rows of all shortlists together.
    pub shortlist_rows: u64,
    /// Roles flagged thin.
    pub thin_roles: u64,
}

/// The roles to score, built from normalize's requirements and weighed (IDF importance,
/// inferred-skill weight): the first step of scoring, before anything reads their weights.
pub fn roles(requirements: Vec<RoleRequirements>, config: &Config) -> Vec<Role> {
    let mut roles: Vec<Role> = requirements.into_iter().map(Role::from).collect();
    policy::weigh_roles(&mut roles, &config.score_params());
    roles
}

/// What the engine ranks: the counted evidence, the profiles built from it (with pathway
/// progress) and the partial-credit neighbours.
pub struct Ranked {
    /// Configured pathways with their program skills resolved.
    pub pathways: Vec<Pathway>,
    /// The counted evidence.
    pub evidence: CountedEvidence,
    /// Candidate profiles, sorted by id.
    pub profiles: Vec<CandidateProfile>,
    /// Every candidate's progress on every pathway they started.
    pub pathway_progress: Vec<PathwayProgress>,
    /// The partial-credit neighbours.
    pub neighbours: Neighbours,
    /// What the fit term divides by (profiles are weighed with it; counterfactual profiles too).
    pub fit: CandidateFit,
}

/// The first half of the stage: evidence, profiles and neighbours, before the engine.
///
/// # Errors
/// A pathway names a program skill the taxonomy does not know exactly.
pub fn prepare(input: ScoreInput<'_>, roles: &[Role]) -> Result<Ranked, PathwaySkillError> {
    let cfg = input.config;
    let params = cfg.score_params();
    let pathways = policy::resolve_pathways(&cfg.pathways, input.taxonomy)?;
    let evidence = policy::counted_evidence(
        input.roster,
        input.verified,
        input.credential_skills,
        &params,
        input.as_of,
        input.trust,
    );
    let (mut profiles, pathway_progress) = policy::profiles_of(&evidence, &pathways);
    let fit = CandidateFit::new(roles, &params);
    fit.weigh(&mut profiles);
    let neighbours = Neighbours::new(input.taxonomy, &params);
    Ok(Ranked { pathways, evidence, profiles, pathway_progress, neighbours, fit })
}

/// Runs the stage on the [`roles`].
///
/// # Errors
/// A pathway names a program skill the taxonomy does not know exactly.
pub fn run(input: ScoreInput<'_>, roles: &[Role]) -> Result<Scored, PathwaySkillError> {
    let ranked = prepare(input, roles)?;
    let params = input.config.score_params();
    let scores = score_all_with(input.taxonomy, &ranked.neighbours, &ranked.profiles, roles, &params);
    Ok(finish(input, roles, ranked, scores))
}

/// The engine on the candidates `keep` accepts only (a shard, [`crate::shard`]), against every
/// role: its output indexes the kept profiles, whose ids come second (in id order).
pub fn rank_part(
    input: ScoreInput<'_>,
    roles: &[Role],
    ranked: &Ranked,
    keep: impl Fn(&str) -> bool,
) -> (ScoreOutput, Vec<String>) {
    let params = input.config.score_params();
    let part: Vec<CandidateProfile> = ranked.profiles.iter().filter(|p| keep(&p.id)).cloned().collect();
    let scores = score_all_with(input.taxonomy, &ranked.neighbours, &part, roles, &params);
    (scores, part.into_iter().map(|p| p.id).collect())
}

/// The second half of the stage, from the engine's ranking (computed here or merged from
/// shards): explanations, the badge catalog, thin roles and the counts.
pub fn finish(input: ScoreInput<'_>, roles: &[Role], ranked: Ranked, scores: ScoreOutput) -> Scored {
    let params = input.config.score_params();
    let Ranked { pathways, evidence, profiles, pathway_progress, neighbours, fit } = ranked;
    let catalog = Catalog::from_credentials(input.verified, input.credential_skills);
    let details = MatchDetails::new(input.taxonomy, &neighbours, &profiles, roles, &scores, &catalog, &params);
    let thin_roles: Vec<bool> = roles.iter().map(|r| policy::is_thin(r, &params)).collect();
    let e = &scores.stats;
    let stats = ScoreStats {
        badge_classes: catalog.classes.len() as u64,
        candidate_blocks: e.candidate_blocks,
        candidate_blocks_opened: e.candidate_blocks_opened,
        candidate_pairs_scored: e.candidate_pairs_scored,
        candidates: profiles.len() as u64,
        candidates_with_skills: profiles.iter().filter(|p| !p.skills.is_empty()).count() as u64,
        distinct_roles: e.distinct_roles,
        pairs_scored: scores.pairs_scored,
        pairs_total: profiles.len() as u64 * roles.len() as u64,
        pathways_completed: pathway_progress.iter().filter(|p| p.complete).count() as u64,
        pathways_partial: pathway_progress.iter().filter(|p| !p.complete).count() as u64,
        postings_visited: e.postings_visited,
        role_blocks: e.role_blocks,
        role_blocks_opened: e.role_blocks_opened,
        role_pairs_scored: e.role_pairs_scored,
        roles: roles.len() as u64,
        shortlist_rows: scores.by_role.iter().map(|v| v.len() as u64).sum(),
        thin_roles: thin_roles.iter().filter(|t| **t).count() as u64,
    };
    Scored {
        profiles,
        evidence,
        neighbours,
        pathways,
        pathway_progress,
        scores,
        details,
        catalog,
        thin_roles,
        stats,
        fit,
    }
}

/// The credential value of every badge class with enough holders ([`super::value`]), from a
/// finished [`run`] (empty when `[score] credential_value` is off). The pipeline times it as a
/// stage of its own.
pub fn credential_value(input: ScoreInput<'_>, roles: &[Role], scored: &Scored) -> Vec<CredentialValue> {
    let params = input.config.score_params();
    super::value::credential_value(&ValueInput {
        taxonomy: input.taxonomy,
        neighbours: &scored.neighbours,
        roles,
        params: &params,
        evidence: &scored.evidence,
        profiles: &scored.profiles,
        pathways: &scored.pathways,
        verified: input.verified,
        catalog: &scored.catalog,
        trust: input.trust,
        baseline: &scored.scores.by_candidate,
        fit: &scored.fit,
    })
}
