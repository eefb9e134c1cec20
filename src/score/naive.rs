//! The naive all-pairs scorer: every candidate × every role through [`score_pair`], then sort.
//!
//! It is the reference the pruned engine ([`super::engine::score_all`]) must agree with exactly
//! (tests) and the baseline its speed-up is measured against (`benches/score.rs`,
//! `benches/scale.rs`). It never prunes and never uses an index, so it is slow by design: use it
//! on small data or on a sample of roles.

use rayon::prelude::*;

use super::credit::score_pair;
use super::engine::eligible;
use super::model::{CandidateProfile, Role};
use super::params::{Neighbours, ScoreParams};
use crate::taxonomy::Taxonomy;

/// Top-K candidates of one role by the definition: `(candidate index, score)`, score descending,
/// index ascending; zero and below-`min_score` scores and ineligible pairs left out.
pub fn top_candidates(
    taxonomy: &Taxonomy,
    neighbours: &Neighbours,
    profiles: &[CandidateProfile],
    role: &Role,
    p: &ScoreParams,
) -> Vec<(u32, f64)> {
    let all = profiles
        .iter()
        .enumerate()
        .filter(|(_, c)| eligible(c, role, p))
        .map(|(i, c)| (i as u32, score_pair(taxonomy, neighbours, c, role, p)));
    keep_top(all, p)
}

/// Top-K roles of one candidate by the definition (same conventions as [`top_candidates`]).
pub fn top_roles(
    taxonomy: &Taxonomy,
    neighbours: &Neighbours,
    profile: &CandidateProfile,
    roles: &[Role],
    p: &ScoreParams,
) -> Vec<(u32, f64)> {
    let all = roles
        .iter()
        .enumerate()
        .filter(|(_, r)| eligible(profile, r, p))
        .map(|(i, r)| (i as u32, score_pair(taxonomy, neighbours, profile, r, p)));
    keep_top(all, p)
}

/// A ranked list: `(index, score)`, score descending, index ascending.
pub type Ranked = Vec<(u32, f64)>;

/// Both sides for every role and every candidate, in parallel: `(by_role, by_candidate)`.
pub fn score_all_naive(
    taxonomy: &Taxonomy,
    profiles: &[CandidateProfile],
    roles: &[Role],
    p: &ScoreParams,
) -> (Vec<Ranked>, Vec<Ranked>) {
    let neighbours = Neighbours::new(taxonomy, p);
    let by_role = roles.par_iter().map(|r| top_candidates(taxonomy, &neighbours, profiles, r, p)).collect();
    let by_candidate = profiles.par_iter().map(|c| top_roles(taxonomy, &neighbours, c, roles, p)).collect();
    (by_role, by_candidate)
}

fn keep_top(all: impl Iterator<Item = (u32, f64)>, p: &ScoreParams) -> Vec<(u32, f64)> {
    let mut all: Vec<(u32, f64)> = all.filter(|&(_, s)| s > 0.0 && s >= p.min_score).collect();
    all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    all.truncate(p.top_k);
    all
}
