//! The scoring engine: every role against every candidate, pruned by score upper bounds.
//!
//! The score of candidate `c` for role `r` is (see `docs/SCORING.md` and [`super::credit`]):
//!
//! ```text
//! score(c, r) = (1 − λ) · Σ_{s ∈ skills(r)} factor(r, s) · credit(c, s)
//!              + λ · min(1, Σ_{s ∈ skills(r)} fit(r, s) · credit(c, s) / fit_mass(c))
//! ```
//!
//! with `factor` from [`super::credit::slot_factors`], `fit` and `fit_mass` from the policy and
//! `λ = fit_weight` ([`super::credit::blend`]), so a score lies in [0, 1]. Both sums are linear
//! in the credits and the blend is monotone in each, so bounding each sum per block bounds the
//! score: the fit sum of a role block with the skills' largest fit weights, that of a candidate
//! block with the virtual candidate's credits and the members' smallest fit mass. Both sides
//! (top-K candidates per role, top-K roles per candidate) are exact and computed in parallel with
//! rayon, the same way (`search`):
//!
//! 1. **Blocks.** The other side's items are cut into blocks of similar items (`blocks`):
//!    roles by their skills, candidates by their skills and skill groups.
//! 2. **One bound per block.** A role block is bounded for a candidate by
//!    `Σ_{s ∈ union} max_{r ∈ block} factor(r, s) · credit(c, s)`; a candidate block is bounded
//!    for a role by scoring a virtual candidate holding the members' skills and groups at their
//!    largest weights. One pass over the (block, largest value) entries of the candidate's
//!    credited skills, or of the role's slots and their partial-credit routes, bounds every
//!    block at once.
//! 3. **Best block first.** Blocks are opened in decreasing bound order and their members scored
//!    exactly into a bounded top-K heap; the first block whose bound cannot reach the K-th
//!    score ends the search. Work grows with what can reach the top-K, not with
//!    candidates × roles, and pairs that only earn partial credit need no separate pass.
//!
//! Identical roles are scored once (`classes`).
//!
//! Every exact score is computed in the role's skill order with the same products and maxima
//! as [`super::credit::score_pair`], so the engine, the naive reference ([`super::naive`]) and explanations
//! agree bit for bit; ties break by index (ids are sorted), so results do not depend on the
//! thread count.

use rayon::prelude::*;

use super::model::{CandidateProfile, Role};
use super::params::{Neighbours, ScoreParams};
use crate::taxonomy::Taxonomy;

mod blocks;
mod classes;
mod index;
mod maps;
mod search;
mod topk;

use blocks::{Blocks, CANDIDATE_BLOCKS, ROLE_BLOCKS};
use classes::RoleClasses;
use index::Index;
use maps::{CreditMap, RoleMap};
use search::{BlockMass, BlockScratch, score_candidate, score_role};

/// Whether the hard filters let this candidate be ranked for this role.
pub fn eligible(profile: &CandidateProfile, role: &Role, p: &ScoreParams) -> bool {
    if !p.same_location {
        return true;
    }
    match (&profile.location, &role.location) {
        (Some(a), Some(b)) => a.trim().eq_ignore_ascii_case(b.trim()),
        _ => true,
    }
}

/// One ranked pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankedMatch {
    /// Role index (into the sorted roles).
    pub role: u32,
    /// Candidate index (into the sorted profiles).
    pub candidate: u32,
    /// 1-based rank within its list.
    pub rank: u32,
    /// Score in [0, 1].
    pub score: f64,
}

/// How much work the engine did, for the manifest and the performance notes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct EngineStats {
    /// Block-bound entries read, both sides (each names a block and the most its members hold
    /// or ask of one skill or group).
    pub postings_visited: u64,
    /// Distinct roles scored: identical roles (same skills and factors, and location when the
    /// location filter is on) are scored once.
    pub distinct_roles: u64,
    /// Pairs scored exactly on the role side, once per distinct role.
    pub role_pairs_scored: u64,
    /// Pairs scored exactly on the candidate side.
    pub candidate_pairs_scored: u64,
    /// Blocks of similar candidates the role side bounds.
    pub candidate_blocks: u64,
    /// Blocks of similar (distinct) roles the candidate side bounds.
    pub role_blocks: u64,
    /// Candidate blocks opened by roles, all distinct roles together (each opened block's
    /// candidates are scored exactly; compare with distinct roles × `candidate_blocks`).
    pub candidate_blocks_opened: u64,
    /// Role blocks opened by candidates, all candidates together (compare with candidates ×
    /// `role_blocks`).
    pub role_blocks_opened: u64,
    /// Wall time of the role side, in milliseconds (varies run to run: not for outputs).
    pub role_side_ms: u64,
    /// Wall time of the candidate side, in milliseconds (varies run to run: not for outputs).
    pub candidate_side_ms: u64,
}

/// Output of the engine.
#[derive(Debug, Clone, Default)]
pub struct ScoreOutput {
    /// Top-K candidates per role, indexed like the roles.
    pub by_role: Vec<Vec<RankedMatch>>,
    /// Top-K roles per candidate, indexed like the profiles.
    pub by_candidate: Vec<Vec<RankedMatch>>,
    /// Pairs whose score was computed exactly, both sides together (work actually done; compare
    /// with 2 × candidates × roles for the naive scorer).
    pub pairs_scored: u64,
    /// Work counters.
    pub stats: EngineStats,
}

/// Slack for comparing an upper bound with a score summed in a different order.
pub(super) const EPS: f64 = 1e-9;

/// Per-side work counters.
#[derive(Default, Clone, Copy)]
pub(super) struct Work {
    /// Block-bound entries read.
    pub(super) postings: u64,
    /// Pairs scored exactly.
    pub(super) scored: u64,
    /// Blocks of the other side opened.
    pub(super) blocks: u64,
}

fn ranked(items: Vec<(u32, f64)>, pair: impl Fn(u32) -> (u32, u32)) -> Vec<RankedMatch> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, (x, score))| {
            let (role, candidate) = pair(x);
            RankedMatch { role, candidate, rank: i as u32 + 1, score }
        })
        .collect()
}

/// The candidate side alone: each profile's top-K roles, exactly as [`score_all_with`] ranks
/// them (`(role index, score)`, best first, ties by role index), without the role side.
///
/// For profiles that are not the run's own (counterfactual profiles of
/// [`super::value`]): the role side's shortlists depend on every candidate, this side only on
/// the profile and the roles.
pub fn top_roles_of(
    taxonomy: &Taxonomy,
    neighbours: &Neighbours,
    profiles: &[CandidateProfile],
    roles: &[Role],
    p: &ScoreParams,
) -> Vec<Vec<(u32, f64)>> {
    let classes = RoleClasses::new(roles, p);
    let reps: Vec<&Role> = classes.reps.iter().map(|&r| &roles[r as usize]).collect();
    let ix = Index::build(taxonomy, neighbours, profiles, reps, p);
    let n_skills = taxonomy.skills().len();
    let role_blocks = Blocks::build(classes.reps.len(), n_skills, &ROLE_BLOCKS, |r, buf| {
        buf.extend(ix.slots[ix.role_slots[r].clone()].iter().map(|s| (s.skill, s.factor)));
    });
    (0..profiles.len())
        .into_par_iter()
        .map_init(
            || (BlockScratch::new(role_blocks.len()), CreditMap::new(n_skills)),
            |(s, credits), c| classes.expand(score_candidate(&ix, &role_blocks, c, s, credits).0, p.top_k),
        )
        .collect()
}

/// Scores every candidate against every role and keeps the top-K of both sides.
///
/// `profiles` and `roles` must be sorted by id (ties in score break by index, hence by id).
pub fn score_all(taxonomy: &Taxonomy, profiles: &[CandidateProfile], roles: &[Role], p: &ScoreParams) -> ScoreOutput {
    let neighbours = Neighbours::new(taxonomy, p);
    score_all_with(taxonomy, &neighbours, profiles, roles, p)
}

/// [`score_all`] with prebuilt [`Neighbours`] (built from the same parameters).
pub fn score_all_with(
    taxonomy: &Taxonomy,
    neighbours: &Neighbours,
    profiles: &[CandidateProfile],
    roles: &[Role],
    p: &ScoreParams,
) -> ScoreOutput {
    let classes = RoleClasses::new(roles, p);
    let reps: Vec<&Role> = classes.reps.iter().map(|&r| &roles[r as usize]).collect();
    let ix = Index::build(taxonomy, neighbours, profiles, reps, p);
    let n_c = profiles.len();
    let n_classes = classes.reps.len();
    let t = std::time::Instant::now();
    let n_skills = taxonomy.skills().len();
    let groups = p.group_credit > 0.0;
    let mass = |c: usize| profiles[c].fit_mass;
    let spread: Option<(&dyn Fn(usize) -> f64, f64)> =
        if p.fit_weight > 0.0 { Some((&mass, blocks::MAX_MASS_SPREAD)) } else { None };
    let cand_blocks = Blocks::build_spread(
        n_c,
        n_skills + taxonomy.groups().len(),
        &CANDIDATE_BLOCKS,
        |c, buf| {
            buf.extend_from_slice(ix.skills_of(c));
            if groups {
                buf.extend(ix.groups_of(c).iter().map(|&(g, w)| (ix.group_key(g), w)));
            }
        },
        spread,
    );
    let masses = if p.fit_weight > 0.0 { BlockMass::of(&cand_blocks, profiles) } else { Vec::new() };
    let role_results: Vec<(Vec<(u32, f64)>, Work)> = (0..n_classes)
        .into_par_iter()
        .map_init(
            || (BlockScratch::new(cand_blocks.len()), RoleMap::new(n_skills, taxonomy.groups().len())),
            |(s, map), r| score_role(&ix, &cand_blocks, &masses, r, s, map),
        )
        .collect();
    let role_side_ms = t.elapsed().as_millis() as u64;
    let t = std::time::Instant::now();
    let role_blocks = Blocks::build(n_classes, n_skills, &ROLE_BLOCKS, |r, buf| {
        buf.extend(ix.slots[ix.role_slots[r].clone()].iter().map(|s| (s.skill, s.factor)));
    });
    let cand_results: Vec<(Vec<(u32, f64)>, Work)> = (0..n_c)
        .into_par_iter()
        .map_init(
            || (BlockScratch::new(role_blocks.len()), CreditMap::new(n_skills)),
            |(s, credits), c| score_candidate(&ix, &role_blocks, c, s, credits),
        )
        .collect();
    let mut stats = EngineStats {
        distinct_roles: n_classes as u64,
        candidate_blocks: cand_blocks.len() as u64,
        role_blocks: role_blocks.len() as u64,
        role_side_ms,
        candidate_side_ms: t.elapsed().as_millis() as u64,
        ..EngineStats::default()
    };
    for (_, w) in &role_results {
        stats.postings_visited += w.postings;
        stats.role_pairs_scored += w.scored;
        stats.candidate_blocks_opened += w.blocks;
    }
    for (_, w) in &cand_results {
        stats.postings_visited += w.postings;
        stats.candidate_pairs_scored += w.scored;
        stats.role_blocks_opened += w.blocks;
    }
    let by_role = (0..roles.len())
        .map(|r| ranked(role_results[classes.class_of[r] as usize].0.clone(), |c| (r as u32, c)))
        .collect();
    let by_candidate = cand_results
        .into_par_iter()
        .enumerate()
        .map(|(c, (items, _))| ranked(classes.expand(items, p.top_k), |r| (r, c as u32)))
        .collect();
    ScoreOutput { by_role, by_candidate, pairs_scored: stats.role_pairs_scored + stats.candidate_pairs_scored, stats }
}
