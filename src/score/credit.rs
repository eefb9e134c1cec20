//! Credit per skill: exact evidence, or partial credit through the taxonomy.
//!
//! ```text
//! credit(c, s) = max( w(c, s),
//!                     narrower_credit · max { w(c, t) : t directly narrower than s },
//!                     broader_credit  · max { w(c, t) : t directly broader than s },
//!                     related_credit  · max { w(c, t) : t related to s (ESCO skill–skill relation) },
//!                     group_credit    · max { w(c, t) : group(t) ∩ group(s) ≠ ∅ } )
//! ```
//!
//! Ties between routes resolve in that order (exact first), so explanations are deterministic.
//! [`Neighbours`] precomputes the first three routes per skill; the engine, [`credit_of`] and
//! [`score_pair`] all use it, so every path computes the same products and the same maxima
//! (scores agree bit for bit).

use super::config::ScoreModel;
use super::model::{CandidateProfile, Role};
use super::params::{Neighbours, Route, ScoreParams};
use crate::ingest::Requirement;
use crate::taxonomy::{SkillId, Taxonomy};

/// How a candidate earns credit for a skill.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CreditVia {
    /// Holds the skill itself.
    Exact,
    /// Holds `held`, a more specific skill directly under the asked one.
    Narrower {
        /// The held skill.
        held: SkillId,
    },
    /// Holds `held`, a more general skill directly above the asked one.
    Broader {
        /// The held skill.
        held: SkillId,
    },
    /// Holds `held`, related to the asked skill by an ESCO skill–skill relation.
    Related {
        /// The held skill.
        held: SkillId,
    },
    /// Holds `held`, which shares skill group `group` with the asked skill.
    Group {
        /// The held skill.
        held: SkillId,
        /// The shared group (index into the taxonomy's groups).
        group: u32,
    },
    /// No credit.
    None,
}

/// How a skill earned its credit, without the skills involved: what explanations show and
/// filters compare (serialised as [`CreditVia::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditRoute {
    /// The skill itself is held.
    Exact,
    /// Through a more specific skill.
    Narrower,
    /// Through a more general skill.
    Broader,
    /// Through a related skill.
    Related,
    /// Through a skill of the same skill group.
    Group,
    /// No credit.
    None,
}

impl CreditRoute {
    /// `exact`, `narrower`, `broader`, `related`, `group` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            CreditRoute::Exact => "exact",
            CreditRoute::Narrower => "narrower",
            CreditRoute::Broader => "broader",
            CreditRoute::Related => "related",
            CreditRoute::Group => "group",
            CreditRoute::None => "none",
        }
    }
}

impl CreditVia {
    /// `exact`, `narrower`, `broader`, `related`, `group` or `none`.
    pub fn as_str(self) -> &'static str {
        self.route().as_str()
    }

    /// The route, without the skills involved.
    pub fn route(self) -> CreditRoute {
        match self {
            CreditVia::Exact => CreditRoute::Exact,
            CreditVia::Narrower { .. } => CreditRoute::Narrower,
            CreditVia::Broader { .. } => CreditRoute::Broader,
            CreditVia::Related { .. } => CreditRoute::Related,
            CreditVia::Group { .. } => CreditRoute::Group,
            CreditVia::None => CreditRoute::None,
        }
    }

    /// The held skill that earned partial credit, if the credit is partial.
    pub fn held(self) -> Option<SkillId> {
        match self {
            CreditVia::Narrower { held } | CreditVia::Broader { held } | CreditVia::Related { held } => Some(held),
            CreditVia::Group { held, .. } => Some(held),
            CreditVia::Exact | CreditVia::None => None,
        }
    }

    /// Whether this is partial credit (any route but exact).
    pub fn is_partial(self) -> bool {
        self.held().is_some()
    }
}

/// The credit a candidate earns for `skill` and how (the definition in the module docs).
pub fn credit_of(
    taxonomy: &Taxonomy,
    neighbours: &Neighbours,
    profile: &CandidateProfile,
    skill: SkillId,
    group_credit: f64,
) -> (f64, CreditVia) {
    let mut best = (0.0, CreditVia::None);
    if let Some(h) = profile.held(skill) {
        best = (h.weight, CreditVia::Exact);
    }
    // Routes in tie order; within a route, neighbours in skill-id order (strictly better wins).
    for route in [Route::Narrower, Route::Broader, Route::Related] {
        for &(t, d, r) in neighbours.routes(skill) {
            if r != route {
                continue;
            }
            if let Some(h) = profile.held(t) {
                let v = d * h.weight;
                if v > best.0 {
                    best = (
                        v,
                        match r {
                            Route::Narrower => CreditVia::Narrower { held: t },
                            Route::Broader => CreditVia::Broader { held: t },
                            Route::Related => CreditVia::Related { held: t },
                        },
                    );
                }
            }
        }
    }
    if group_credit > 0.0 {
        let wanted = &taxonomy.skill(skill).groups;
        for h in &profile.skills {
            let v = group_credit * h.weight;
            if v <= best.0 {
                continue;
            }
            if let Some(&g) = taxonomy.skill(h.skill).groups.iter().find(|g| wanted.binary_search(g).is_ok()) {
                best = (v, CreditVia::Group { held: h.skill, group: g });
            }
        }
    }
    best
}

/// The factor of every role skill, in the role's skill order.
///
/// * Evidence model: `W_level · importance(s) / (Σ_{t ∈ role} W_level(t) · importance(t) + prior)`,
///   one pool for both levels, `prior` = [`Role::prior`]. Factors sum to less than 1 whenever the
///   prior is positive, so a role listing little cannot reach a top score on little evidence.
/// * Coverage model (legacy): `W_level · importance(s) / (Σ importance over skills of that level ·
///   D)`, `D = W_req·[R ≠ ∅] + W_pref·[P ≠ ∅]`.
///
/// The engine, [`score_pair`] and the naive reference use these exact values, so scores agree bit
/// for bit.
pub fn slot_factors(role: &Role, p: &ScoreParams) -> Vec<f64> {
    let level = |r: Requirement| p.level_weight(r);
    if p.model == ScoreModel::Evidence {
        let mass: f64 = role.skills.iter().zip(&role.importance).map(|(rs, imp)| level(rs.requirement) * imp).sum();
        let denominator = mass + role.prior.max(0.0);
        return role
            .skills
            .iter()
            .zip(&role.importance)
            .map(|(rs, imp)| if denominator > 0.0 { level(rs.requirement) * imp / denominator } else { 0.0 })
            .collect();
    }
    let (mut sum_req, mut sum_pref) = (0.0, 0.0);
    for (rs, imp) in role.skills.iter().zip(&role.importance) {
        match rs.requirement {
            Requirement::Required => sum_req += imp,
            Requirement::Preferred => sum_pref += imp,
        }
    }
    let d = if sum_req > 0.0 { p.required_weight } else { 0.0 } + if sum_pref > 0.0 { p.preferred_weight } else { 0.0 };
    role.skills
        .iter()
        .zip(&role.importance)
        .map(|(rs, imp)| {
            let (w, sum) =
                (level(rs.requirement), if rs.requirement == Requirement::Required { sum_req } else { sum_pref });
            if d <= 0.0 || sum <= 0.0 { 0.0 } else { w * imp / (sum * d) }
        })
        .collect()
}

/// The two terms of a pair's score and how they combine:
///
/// ```text
/// score = (1 − λ) · requirement + λ · min(1, used / fit_mass)      (λ = fit_weight)
/// requirement = Σ factor(r, s) · credit(c, s)      used = Σ fit(r, s) · credit(c, s)
/// ```
///
/// `requirement` is the share of the role's requirement mass the candidate proves (shrunk by
/// the role prior); `used / fit_mass` is the share of the candidate's own evidence the role's
/// skills use (shrunk by the candidate prior). With `λ = 0`, or a profile whose `fit_mass` is 0,
/// the score is `requirement` itself, bit for bit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Terms {
    /// `Σ factor · credit` over the role's skills, in the role's skill order.
    pub requirement: f64,
    /// `Σ fit · credit` over the role's skills, in the role's skill order.
    pub used: f64,
}

impl Terms {
    /// The fit term `min(1, used / fit_mass)` (0 when `fit_mass` is 0).
    pub fn fit(self, fit_mass: f64) -> f64 {
        fit_share(self.used, fit_mass)
    }

    /// The score (see [`Terms`]).
    pub fn score(self, fit_mass: f64, p: &ScoreParams) -> f64 {
        blend(self.requirement, self.used, fit_mass, p.fit_weight)
    }
}

/// `(1 − λ) · requirement + λ · min(1, used / fit_mass)`, or `requirement` itself when `λ` or
/// `fit_mass` is 0: the one place both terms meet, so that the engine, the naive scorer and
/// explanations agree bit for bit. Monotone in `requirement` and `used`, so an upper bound of each
/// gives an upper bound of the score.
#[inline]
pub fn blend(requirement: f64, used: f64, fit_mass: f64, fit_weight: f64) -> f64 {
    let lambda = applied_fit_weight(fit_mass, fit_weight);
    if lambda == 0.0 {
        return requirement;
    }
    (1.0 - lambda) * requirement + lambda * fit_share(used, fit_mass)
}

/// The fit weight a pair's score applies: `fit_weight`, or 0 when it is off or the candidate was
/// not weighed for fit (`fit_mass` 0), where the score is the requirement term alone.
#[inline]
pub fn applied_fit_weight(fit_mass: f64, fit_weight: f64) -> f64 {
    if fit_weight <= 0.0 || fit_mass <= 0.0 { 0.0 } else { fit_weight }
}

/// `min(1, used / fit_mass)`, 0 when `fit_mass` is 0: the share of the candidate's evidence a
/// role uses.
#[inline]
pub fn fit_share(used: f64, fit_mass: f64) -> f64 {
    if fit_mass > 0.0 { (used / fit_mass).min(1.0) } else { 0.0 }
}

/// Both terms of one pair from the definition (no index), in the role's skill order, skipping
/// zero credits.
pub fn terms_of(
    taxonomy: &Taxonomy,
    neighbours: &Neighbours,
    profile: &CandidateProfile,
    role: &Role,
    p: &ScoreParams,
) -> Terms {
    terms_from(
        role,
        p,
        role.skills.iter().map(|rs| credit_of(taxonomy, neighbours, profile, rs.skill, p.group_credit).0),
    )
}

/// Both terms of one pair from its credits, one per role skill in the role's skill order (as
/// [`credit_of`] gives them), skipping zero credits: the sums [`terms_of`] makes, for callers
/// that already hold the credits.
pub fn terms_from(role: &Role, p: &ScoreParams, credits: impl Iterator<Item = f64>) -> Terms {
    let mut t = Terms { requirement: 0.0, used: 0.0 };
    for ((credit, factor), fit) in credits.zip(slot_factors(role, p)).zip(fit_weights(role)) {
        if credit > 0.0 {
            t.requirement += factor * credit;
            t.used += fit * credit;
        }
    }
    t
}

/// The role's fit weight per skill, in skill order (0 for a role the policy did not weigh).
pub fn fit_weights(role: &Role) -> impl Iterator<Item = f64> + '_ {
    (0..role.skills.len()).map(|i| role.fit.get(i).copied().unwrap_or(0.0))
}

/// Scores one pair directly from the definition (no index): both [`Terms`] in the role's skill
/// order, skipping zero credits, then [`blend`]. The reference the engine is tested against.
pub fn score_pair(
    taxonomy: &Taxonomy,
    neighbours: &Neighbours,
    profile: &CandidateProfile,
    role: &Role,
    p: &ScoreParams,
) -> f64 {
    terms_of(taxonomy, neighbours, profile, role, p).score(profile.fit_mass, p)
}
