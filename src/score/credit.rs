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

use super::engine::ScoreParams;
use super::model::{CandidateProfile, Role};
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

impl CreditVia {
    /// `exact`, `narrower`, `broader`, `related`, `group` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            CreditVia::Exact => "exact",
            CreditVia::Narrower { .. } => "narrower",
            CreditVia::Broader { .. } => "broader",
            CreditVia::Related { .. } => "related",
            CreditVia::Group { .. } => "group",
            CreditVia::None => "none",
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

/// The kind of a taxonomy neighbour route (group credit is handled separately).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Route {
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
        Neighbours { lists, max_discount: max_discount(p) }
    }

    /// The `(held skill, discount)` pairs that give credit towards `skill`.
    pub fn of(&self, skill: SkillId) -> impl Iterator<Item = (SkillId, f64)> + '_ {
        self.lists.get(skill as usize).into_iter().flatten().map(|&(t, d, _)| (t, d))
    }

    fn routes(&self, skill: SkillId) -> &[(SkillId, f64, Route)] {
        self.lists.get(skill as usize).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// The largest partial-credit discount of the parameters.
pub fn max_discount(p: &ScoreParams) -> f64 {
    [p.group_credit, p.narrower_credit, p.broader_credit, p.related_credit].into_iter().fold(0.0, f64::max)
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
    let level = |r: Requirement| match r {
        Requirement::Required => p.required_weight,
        Requirement::Preferred => p.preferred_weight,
    };
    if p.model == crate::config::ScoreModel::Evidence {
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

/// Scores one pair directly from the definition (no index): `Σ factor · credit` in the role's skill
/// order, skipping zero credits. The reference the engine is tested against.
pub fn score_pair(
    taxonomy: &Taxonomy,
    neighbours: &Neighbours,
    profile: &CandidateProfile,
    role: &Role,
    p: &ScoreParams,
) -> f64 {
    let factors = slot_factors(role, p);
    let mut total = 0.0;
    for (rs, factor) in role.skills.iter().zip(factors) {
        let credit = credit_of(taxonomy, neighbours, profile, rs.skill, p.group_credit).0;
        if credit > 0.0 {
            total += factor * credit;
        }
    }
    total
}
