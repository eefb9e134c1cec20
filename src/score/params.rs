//! The resolved scoring parameters and the partial-credit neighbour lists built from them.
//!
//! A leaf of the score stage: [`super::credit`], the engine, the naive scorer, explanations and
//! the policy all import it, and it imports none of them.

use std::collections::BTreeMap;

use super::config::{ScoreConfig, default_evidence_weights};
use crate::taxonomy::{SkillId, Taxonomy};
use crate::verify::Status;

/// Everything the score stage needs from `[score]` and `[evidence]`, resolved once
/// ([`ScoreParams::new`]) and taken whole by the engine, the naive scorer, explanations and the
/// policy. It derefs to its [`ScoreConfig`] (`p.top_k`, `p.group_credit`, …), so the weights
/// are declared once; what it adds is each status's evidence weight.
/// (`description_skills` is read by normalize, not here.)
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreParams {
    score: ScoreConfig,
    /// `[evidence]` weight of each status, in [`Status::ALL`] order (not listed: 0).
    evidence: [f64; Status::ALL.len()],
}

impl std::ops::Deref for ScoreParams {
    type Target = ScoreConfig;

    fn deref(&self) -> &ScoreConfig {
        &self.score
    }
}

impl ScoreParams {
    /// Resolves a config's `[score]` table and `[evidence]` weights.
    pub fn new(s: &ScoreConfig, evidence: &BTreeMap<String, f64>) -> ScoreParams {
        ScoreParams {
            score: *s,
            evidence: Status::ALL.map(|status| evidence.get(status.as_str()).copied().unwrap_or(0.0)),
        }
    }

    /// The same evidence weights with another `[score]` table (experiments and tests).
    pub fn with(self, score: ScoreConfig) -> ScoreParams {
        ScoreParams { score, ..self }
    }

    /// Evidence weight of a status: its `[evidence]` weight (0 when not listed), and 0 for every
    /// status but `verified` under `[score] verified_only`.
    pub fn status_weight(&self, status: Status) -> f64 {
        if self.score.verified_only && status != Status::Verified {
            return 0.0;
        }
        Status::ALL.iter().position(|&s| s == status).map_or(0.0, |i| self.evidence[i])
    }

    /// Weight of a requirement level (`required_weight` or `preferred_weight`).
    pub fn level_weight(&self, r: crate::ingest::Requirement) -> f64 {
        match r {
            crate::ingest::Requirement::Required => self.required_weight,
            crate::ingest::Requirement::Preferred => self.preferred_weight,
        }
    }

    /// The largest partial-credit discount (0 when partial credit is off).
    pub fn max_discount(&self) -> f64 {
        [self.group_credit, self.narrower_credit, self.broader_credit, self.related_credit]
            .into_iter()
            .fold(0.0, f64::max)
    }
}

impl Default for ScoreParams {
    /// The parameters of the default `[score]` and `[evidence]` tables.
    fn default() -> Self {
        ScoreParams::new(&ScoreConfig::default(), &default_evidence_weights())
    }
}

/// The kind of a taxonomy neighbour route (group credit is handled separately).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Route {
    Narrower,
    Broader,
    Related,
}

/// Per-skill neighbour lists for the hierarchy and relation routes, with their discounts.
///
/// `of(s)` lists `(t, d)`: holding `t` earns `d · w(c, t)` towards `s`. A neighbour reachable
/// by several routes keeps the largest discount (ties: narrower, broader, related).
#[derive(Debug, Clone)]
pub struct Neighbours {
    lists: Vec<Vec<(SkillId, f64, Route)>>,
    /// The largest discount of any route, group credit included (0 when partial credit is off).
    pub max_discount: f64,
}

impl Neighbours {
    /// Builds the lists for every taxonomy skill from the parameters' discounts.
    pub fn new(taxonomy: &Taxonomy, p: &ScoreParams) -> Neighbours {
        let lists = (0..taxonomy.skills().len() as SkillId).map(|s| neighbours_of(taxonomy, s, p)).collect();
        Neighbours { lists, max_discount: p.max_discount() }
    }

    /// The `(held skill, discount)` pairs that give credit towards `skill`.
    pub fn of(&self, skill: SkillId) -> impl Iterator<Item = (SkillId, f64)> + '_ {
        self.lists.get(skill as usize).into_iter().flatten().map(|&(t, d, _)| (t, d))
    }

    /// The `(held skill, discount, route)` entries towards `skill`.
    pub(super) fn routes(&self, skill: SkillId) -> &[(SkillId, f64, Route)] {
        self.lists.get(skill as usize).map(Vec::as_slice).unwrap_or(&[])
    }
}

fn neighbours_of(taxonomy: &Taxonomy, s: SkillId, p: &ScoreParams) -> Vec<(SkillId, f64, Route)> {
    let skill = taxonomy.skill(s);
    let mut out: Vec<(SkillId, f64, Route)> = Vec::new();
    for (list, d, route) in [
        (&skill.narrower, p.narrower_credit, Route::Narrower),
        (&skill.broader, p.broader_credit, Route::Broader),
        (&skill.related, p.related_credit, Route::Related),
    ] {
        if d > 0.0 {
            out.extend(list.iter().filter(|&&t| t != s).map(|&t| (t, d, route)));
        }
    }
    // One entry per neighbour: the largest discount, ties to the earlier route.
    out.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
    out.dedup_by_key(|e| e.0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_weights_follow_the_evidence_table_and_verified_only_zeroes_the_rest() {
        let p = ScoreParams::default();
        assert_eq!(
            (
                p.status_weight(Status::Verified),
                p.status_weight(Status::Unverifiable),
                p.status_weight(Status::Revoked)
            ),
            (1.0, 0.5, 0.0)
        );
        let strict = ScoreParams::new(
            &ScoreConfig { verified_only: true, ..ScoreConfig::default() },
            &default_evidence_weights(),
        );
        assert_eq!((strict.status_weight(Status::Verified), strict.status_weight(Status::Unverifiable)), (1.0, 0.0));
    }
}
