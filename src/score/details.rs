//! The engine's ranked pairs with everything the reports show about them: how each pair's role
//! skills were credited ([`PairRoutes`]) and, for each candidate's best roles, the next credentials that would cover
//! the missing required skills. Computed here so that report writers only format.

use super::engine::{RankedMatch, ScoreOutput};
use super::model::{CandidateProfile, Role};
use super::next::{Catalog, CoverStep};
use super::params::{Neighbours, ScoreParams};
use super::routes::{PairRoutes, routes_ranked};
use crate::taxonomy::Taxonomy;

/// Both ranked sides, flattened, with their credit routes and next-credential covers.
#[derive(Debug, Clone, Default)]
pub struct MatchDetails {
    /// Top-K candidates of every role, role by role (the engine's `by_role`, flattened).
    pub role_pairs: Vec<RankedMatch>,
    /// How each of `role_pairs` earned its credit, skill by skill.
    pub role_routes: Vec<PairRoutes>,
    /// Top-K roles of every candidate, candidate by candidate (the engine's `by_candidate`,
    /// flattened).
    pub candidate_pairs: Vec<RankedMatch>,
    /// How each of `candidate_pairs` earned its credit, skill by skill.
    pub candidate_routes: Vec<PairRoutes>,
    /// For each of `candidate_pairs`: the greedy cover of its missing required skills by badge
    /// classes of the catalog, for a candidate's `next_credential_roles` best roles (empty for
    /// the others).
    pub next_credentials: Vec<Vec<CoverStep>>,
}

impl MatchDetails {
    /// Explains every ranked pair of `scores` (`neighbours` built from `p`), keeping its credit
    /// routes, and covers the candidate side's missing required skills from `catalog`.
    pub fn new(
        taxonomy: &Taxonomy,
        neighbours: &Neighbours,
        profiles: &[CandidateProfile],
        roles: &[Role],
        scores: &ScoreOutput,
        catalog: &Catalog,
        p: &ScoreParams,
    ) -> MatchDetails {
        let role_pairs: Vec<RankedMatch> = scores.by_role.iter().flatten().copied().collect();
        let role_routes = routes_ranked(taxonomy, neighbours, profiles, roles, &role_pairs, p);
        let candidate_pairs: Vec<RankedMatch> = scores.by_candidate.iter().flatten().copied().collect();
        let candidate_routes = routes_ranked(taxonomy, neighbours, profiles, roles, &candidate_pairs, p);
        let next_credentials =
            catalog.next_credentials(&candidate_pairs, &candidate_routes, roles, p.next_credential_roles);
        MatchDetails { role_pairs, role_routes, candidate_pairs, candidate_routes, next_credentials }
    }
}
