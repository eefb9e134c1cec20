//! Scoring policy: what evidence counts and how much, how a role's skills weigh against each
//! other, and which program skills a pathway awards.
//!
//! The pipeline calls these between normalize and the engine; they hold every decision of the
//! `[evidence]` and `[score]` tables that is not the per-pair formula itself (which lives in
//! [`super::credit`]):
//!
//! * [`evidence_weight`]: status weight × issuer accreditation tier × recency decay;
//! * [`weigh_roles`]: importance of each role skill (uniform or IDF over the run's roles), the
//!   discount of skills inferred from the job title, and the evidence model's prior mass;
//! * [`resolve_pathways`]: a `[[pathway]]`'s program skills, by URI, exact label or spelling
//!   variant only (a fuzzy match could silently award another skill);
//! * [`candidate_profiles`]: one profile per roster candidate from the credentials the policy
//!   counts, plus completed pathways.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::config::{Importance, ScoreModel};
use super::model::{CandidateProfile, EvidenceItem, Role, SkillOrigin, build_profiles};
use super::params::ScoreParams;
use super::pathways::{Pathway, PathwayConfig, PathwayProgress, badge_key};
use crate::ingest::{RawSkill, Roster};
use crate::taxonomy::{MatchMethod, Taxonomy};
use crate::verify::{TrustStore, VerifiedCredential};

/// A `[[pathway]]` program skill the taxonomy does not know by URI, label or spelling variant.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "[[pathway]] {pathway:?}: skill {skill:?} is not a taxonomy URI, label or spelling variant of one{}",
    closest.as_ref().map(|c| format!(" (closest label: {c:?}; write it exactly)")).unwrap_or_default()
)]
pub struct PathwaySkillError {
    /// Pathway name.
    pub pathway: String,
    /// The skill as written.
    pub skill: String,
    /// The label a fuzzy match would have picked, to help fix the config.
    pub closest: Option<String>,
}

/// Evidence weight of one credential: `status_weight × tier`, halved every `half_life_days` days
/// after `issued` (no decay when `half_life_days` is 0 or the issue date is unknown).
pub fn evidence_weight(
    status_weight: f64,
    tier: f64,
    issued: Option<chrono::DateTime<chrono::Utc>>,
    as_of: NaiveDate,
    half_life_days: f64,
) -> f64 {
    let weight = status_weight * tier;
    match issued {
        Some(d) if half_life_days > 0.0 => {
            let age = (as_of - d.date_naive()).num_days().max(0) as f64;
            weight * 0.5f64.powf(age / half_life_days)
        }
        _ => weight,
    }
}

/// The importance of a skill `n_asking` of `n_roles` roles ask: `ln(1 + n_roles / n_asking)`
/// with `importance = "idf"`, else 1. The one formula behind role importance and fit weights.
pub fn idf_weight(importance: Importance, n_roles: f64, n_asking: f64) -> f64 {
    match importance {
        Importance::Idf => (1.0 + n_roles / n_asking).ln(),
        Importance::Uniform => 1.0,
    }
}

/// Sets every role's skill importance and prior from the `[score]` table:
///
/// * importance `ln(1 + N / n(s))` over the `N` roles (`n(s)` of them list `s`) with
///   `importance = "idf"`, else 1;
/// * times `inferred_weight` for a skill inferred from the title when the role has skills of its
///   own (listed or extracted); with `inferred_weight = 0` such skills are ignored for scoring
///   (left out of the role; a role with nothing but inferred skills keeps them at full weight);
/// * evidence model: `prior = prior_skills × m`, `m` the mean weighted importance
///   (`level weight × importance`) of every role skill of the run, so that the prior is worth
///   `prior_skills` average skills whatever the weights' scale. Coverage model: prior 0;
/// * evidence model with `fit_weight > 0`: each skill's fit weight ([`Role::fit`]), its rarity
///   `ln(1 + N / n(s))` (1 with uniform importance), without the inferred discount: the fit term
///   asks how much of the candidate's evidence the role uses, whoever named the skill.
pub fn weigh_roles(roles: &mut [Role], s: &ScoreParams) {
    let mut df: HashMap<u32, u64> = HashMap::new();
    for r in roles.iter() {
        for rs in &r.skills {
            *df.entry(rs.skill).or_default() += 1;
        }
    }
    let n = roles.len() as f64;
    for r in roles.iter_mut() {
        let own = r.skills.iter().any(|rs| rs.origin != SkillOrigin::Inferred);
        let discount: HashMap<u32, f64> = r
            .skills
            .iter()
            .map(|rs| (rs.skill, if own && rs.origin == SkillOrigin::Inferred { s.inferred_weight } else { 1.0 }))
            .collect();
        let idf = |skill: u32| idf_weight(s.importance, n, df.get(&skill).copied().unwrap_or(1) as f64);
        // An inferred weight of 0 gives those skills importance 0, which removes them from the
        // role: they are ignored for scoring (see `Role::set_importance`).
        r.set_importance(|skill| idf(skill) * discount.get(&skill).copied().unwrap_or(1.0));
        r.fit = match s.model {
            ScoreModel::Evidence if s.fit_weight > 0.0 => r.skills.iter().map(|rs| idf(rs.skill)).collect(),
            _ => vec![0.0; r.skills.len()],
        };
    }
    let (mut mass, mut slots) = (0.0, 0u64);
    for r in roles.iter() {
        for (rs, imp) in r.skills.iter().zip(&r.importance) {
            mass += s.level_weight(rs.requirement) * imp;
            slots += 1;
        }
    }
    let prior = match s.model {
        ScoreModel::Evidence if slots > 0 => s.prior_skills * mass / slots as f64,
        _ => 0.0,
    };
    for r in roles.iter_mut() {
        r.prior = prior;
    }
}

/// What the fit term divides by, for any profile of the run: each held skill's rarity (the fit
/// weight roles give it; a skill no role asks weighs like one asked by a single role, the
/// rarest) and the candidate prior, `fit_prior_skills` × the mean fit weight of the run's role
/// skills. Built from the roles alone, so every shard of a run computes the same masses.
#[derive(Debug, Clone, Default)]
pub struct CandidateFit {
    /// Fit weight per skill asked by some role.
    rarity: HashMap<u32, f64>,
    /// Fit weight of a skill no role asks.
    unasked: f64,
    /// Prior mass added to every candidate's denominator.
    prior: f64,
    /// Whether the fit term is on (`[score] model = "evidence"`, `fit_weight > 0`).
    on: bool,
}

impl CandidateFit {
    /// The fit weights of `roles` (weighed by [`weigh_roles`]) and the candidate prior of `s`.
    pub fn new(roles: &[Role], s: &ScoreParams) -> CandidateFit {
        let on = s.model == ScoreModel::Evidence && s.fit_weight > 0.0;
        let mut rarity = HashMap::new();
        let (mut total, mut slots) = (0.0, 0u64);
        for r in roles {
            for (rs, &f) in r.skills.iter().zip(&r.fit) {
                rarity.insert(rs.skill, f);
                total += f;
                slots += 1;
            }
        }
        // A skill no role asks weighs like one asked by a single role, the rarest.
        let unasked = idf_weight(s.importance, roles.len() as f64, 1.0);
        let prior = if slots > 0 { s.fit_prior_skills * total / slots as f64 } else { 0.0 };
        CandidateFit { rarity, unasked, prior, on }
    }

    /// The fit weight of a held skill.
    pub fn rarity(&self, skill: u32) -> f64 {
        self.rarity.get(&skill).copied().unwrap_or(self.unasked)
    }

    /// The fit denominator of a profile: `Σ rarity · weight` over its skills (in skill order) plus
    /// the prior; 0 when the fit term is off.
    pub fn mass(&self, profile: &CandidateProfile) -> f64 {
        if !self.on {
            return 0.0;
        }
        profile.skills.iter().map(|h| self.rarity(h.skill) * h.weight).sum::<f64>() + self.prior
    }

    /// Sets every profile's [`CandidateProfile::fit_mass`].
    pub fn weigh(&self, profiles: &mut [CandidateProfile]) {
        for p in profiles {
            p.fit_mass = self.mass(p);
        }
    }
}

/// Whether a role has too few skills (listed, extracted and inferred) to be ranked with
/// confidence: fewer than `[score] thin_role_skills`.
pub fn is_thin(role: &Role, s: &ScoreParams) -> bool {
    role.skills.len() < s.thin_role_skills
}

/// Resolves each pathway's program skills: a taxonomy URI, or a name that is a label, an alias or
/// a spelling variant of one. Fuzzy matches are refused (a typo would silently award another
/// skill): the error names the closest label instead.
///
/// # Errors
/// [`PathwaySkillError`] for the first skill that does not resolve.
pub fn resolve_pathways(pathways: &[PathwayConfig], taxonomy: &Taxonomy) -> Result<Vec<Pathway>, PathwaySkillError> {
    pathways
        .iter()
        .map(|p| {
            let skills = p
                .skills
                .iter()
                .map(|s| {
                    let raw = if s.starts_with("http://") || s.starts_with("https://") {
                        RawSkill { name: None, uri: Some(s.as_str().into()) }
                    } else {
                        RawSkill { name: Some(s.as_str().into()), uri: None }
                    };
                    let m = taxonomy.normalize(&raw);
                    match (m.skill, m.method) {
                        (
                            Some(id),
                            MatchMethod::Uri | MatchMethod::Exact | MatchMethod::Alias | MatchMethod::Variant,
                        ) => Ok(id),
                        (other, _) => Err(PathwaySkillError {
                            pathway: p.name.clone(),
                            skill: s.clone(),
                            closest: other.map(|id| taxonomy.skill(id).label.clone()),
                        }),
                    }
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Pathway { config: p.clone(), skills })
        })
        .collect()
}

/// A credential with counted evidence and a badge class: `(credential index, candidate index,
/// badge key, evidence weight)`, what [`super::pathways::evaluate`] reads.
pub type HeldBadge = (u32, u32, String, f64);

/// The evidence the policy counts, before pathways: what [`candidate_profiles`] builds the
/// profiles from, and what the credential value ([`super::value`]) takes away or adds.
#[derive(Debug, Clone, Default)]
pub struct CountedEvidence {
    /// Roster candidates `(id, location)`, sorted by id (the profiles' order).
    pub candidates: Vec<(String, Option<String>)>,
    /// Every counted credential's mapped skills at its [`evidence_weight`], in credential order.
    pub items: Vec<EvidenceItem>,
    /// Every counted credential with a badge class, in credential order.
    pub held: Vec<HeldBadge>,
}

/// The evidence the policy counts: every credential's mapped skills (`credential_skills`, same
/// order as `verified`) at its [`evidence_weight`] (status weight and half-life from `p`, issuer
/// tier from `trust`), for credentials of roster candidates with a positive weight.
pub fn counted_evidence(
    roster: &Roster,
    verified: &[VerifiedCredential],
    credential_skills: &[Vec<u32>],
    p: &ScoreParams,
    as_of: NaiveDate,
    trust: &TrustStore,
) -> CountedEvidence {
    let mut order: Vec<usize> = (0..roster.candidates.len()).collect();
    order.sort_by(|&a, &b| roster.candidates[a].id.cmp(&roster.candidates[b].id));
    let candidates: Vec<(String, Option<String>)> =
        order.iter().map(|&i| (roster.candidates[i].id.clone(), roster.candidates[i].location.clone())).collect();
    let index: HashMap<&str, u32> = candidates.iter().enumerate().map(|(i, (id, _))| (id.as_str(), i as u32)).collect();
    let mut items = Vec::new();
    let mut held = Vec::new();
    for (ci, v) in verified.iter().enumerate() {
        let tier = v.credential.issuer_id.as_deref().and_then(|id| trust.issuer_weight(id)).unwrap_or(1.0);
        let weight =
            evidence_weight(p.status_weight(v.status), tier, v.credential.issued_on, as_of, p.recency_half_life_days);
        let Some(cand) = v.credential.candidate_id.as_deref().and_then(|id| index.get(id)) else { continue };
        if weight <= 0.0 {
            continue;
        }
        for &skill in credential_skills.get(ci).map(Vec::as_slice).unwrap_or(&[]) {
            items.push(EvidenceItem { candidate: *cand, skill, credential: ci as u32, weight });
        }
        if let Some(key) = badge_key(&v.credential) {
            held.push((ci as u32, *cand, key, weight));
        }
    }
    CountedEvidence { candidates, items, held }
}

/// Builds one profile per roster candidate (sorted by id) from the [`counted_evidence`], plus
/// the program skills of completed pathways.
pub fn candidate_profiles(
    roster: &Roster,
    verified: &[VerifiedCredential],
    credential_skills: &[Vec<u32>],
    p: &ScoreParams,
    as_of: NaiveDate,
    pathways: &[Pathway],
    trust: &TrustStore,
) -> (Vec<CandidateProfile>, Vec<PathwayProgress>) {
    let counted = counted_evidence(roster, verified, credential_skills, p, as_of, trust);
    profiles_of(&counted, pathways)
}

/// Profiles and pathway progress from counted evidence.
pub fn profiles_of(counted: &CountedEvidence, pathways: &[Pathway]) -> (Vec<CandidateProfile>, Vec<PathwayProgress>) {
    let (progress, program) = super::pathways::evaluate(pathways, &counted.held);
    let mut evidence = counted.items.clone();
    evidence.extend(program);
    (build_profiles(&counted.candidates, &evidence), progress)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Requirement;
    use crate::score::{RoleSkill, ScoreConfig};

    fn role(id: &str, skills: &[(u32, Requirement, SkillOrigin)]) -> Role {
        Role::new(
            id.into(),
            id.into(),
            None,
            None,
            skills.iter().map(|&(skill, requirement, origin)| RoleSkill { requirement, skill, origin }).collect(),
        )
    }

    #[test]
    fn evidence_weight_halves_every_half_life_and_multiplies_the_tier() {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).expect("date");
        let issued = Some(chrono::DateTime::parse_from_rfc3339("2025-11-01T00:00:00Z").expect("ts").to_utc());
        assert_eq!(evidence_weight(1.0, 0.5, issued, as_of, 0.0), 0.5);
        let w = evidence_weight(1.0, 1.0, issued, as_of, 365.0);
        assert!((w - 0.5).abs() < 1e-12, "{w}");
        assert_eq!(evidence_weight(0.5, 1.0, None, as_of, 365.0), 0.5);
    }

    #[test]
    fn idf_weighs_rare_skills_more_and_inferred_skills_are_discounted_beside_listed_ones() {
        let r = Requirement::Required;
        let mut roles = vec![
            role("a", &[(1, r, SkillOrigin::Explicit), (2, r, SkillOrigin::Explicit), (3, r, SkillOrigin::Inferred)]),
            role("b", &[(1, r, SkillOrigin::Explicit)]),
            role("c", &[(3, r, SkillOrigin::Inferred)]),
        ];
        let s = ScoreParams::default().with(ScoreConfig {
            importance: Importance::Idf,
            inferred_weight: 0.5,
            ..ScoreConfig::default()
        });
        weigh_roles(&mut roles, &s);
        let idf = |n: f64| (1.0 + 3.0 / n).ln();
        assert_eq!(roles[0].importance, vec![idf(2.0), idf(1.0), idf(2.0) * 0.5]);
        // A role with nothing but inferred skills uses them at full weight.
        assert_eq!(roles[2].importance, vec![idf(2.0)]);
        let mean = (idf(2.0) + idf(1.0) + idf(2.0) * 0.5 + idf(2.0) + idf(2.0)) * s.required_weight / 5.0;
        assert!((roles[1].prior - s.prior_skills * mean).abs() < 1e-12);
        let coverage = s.with(ScoreConfig { model: ScoreModel::Coverage, ..*s });
        weigh_roles(&mut roles, &coverage);
        assert_eq!(roles[0].prior, 0.0);
    }

    #[test]
    fn an_inferred_weight_of_zero_ignores_inferred_skills_beside_listed_ones_for_scoring() {
        let r = Requirement::Required;
        let mut roles = vec![
            role("a", &[(1, r, SkillOrigin::Explicit), (3, r, SkillOrigin::Inferred)]),
            role("b", &[(3, r, SkillOrigin::Inferred)]),
        ];
        let p = ScoreParams::default().with(ScoreConfig { inferred_weight: 0.0, ..ScoreConfig::default() });
        weigh_roles(&mut roles, &p);
        // Beside a listed skill, the inferred one is gone, skills and importance aligned.
        assert_eq!(roles[0].skills.iter().map(|s| s.skill).collect::<Vec<_>>(), vec![1]);
        assert_eq!(roles[0].importance.len(), 1);
        // A role with nothing but inferred skills keeps them at full weight.
        assert_eq!(roles[1].skills.len(), 1);
        assert!(roles[1].importance[0] > 0.0);
        // Holding only the ignored skill earns nothing, and the explanation does not list it
        // (not even as missing).
        let p = p.with(ScoreConfig { group_credit: 0.0, ..*p });
        let tax = crate::taxonomy::TaxonomyBuilder::empty("none", "0").build();
        let neighbours = crate::score::Neighbours::new(&tax, &p);
        let holder = |skill: u32| CandidateProfile {
            id: "c".into(),
            location: None,
            skills: vec![crate::score::HeldSkill { skill, weight: 1.0, evidence: vec![0] }],
            fit_mass: 0.0,
        };
        assert_eq!(crate::score::score_pair(&tax, &neighbours, &holder(3), &roles[0], &p), 0.0);
        assert!(crate::score::score_pair(&tax, &neighbours, &holder(1), &roles[0], &p) > 0.0);
        let e = crate::score::explain(&tax, &neighbours, &holder(3), &roles[0], &p);
        assert_eq!(e.skills.iter().map(|s| s.skill).collect::<Vec<_>>(), vec![1]);
    }

    #[test]
    fn thin_roles_are_those_with_fewer_skills_than_the_threshold() {
        let r = Requirement::Required;
        let s = ScoreParams::default().with(ScoreConfig { thin_role_skills: 3, ..ScoreConfig::default() });
        assert!(is_thin(&role("a", &[(1, r, SkillOrigin::Explicit), (2, r, SkillOrigin::Explicit)]), &s));
        let three =
            role("b", &[(1, r, SkillOrigin::Explicit), (2, r, SkillOrigin::Explicit), (3, r, SkillOrigin::Inferred)]);
        assert!(!is_thin(&three, &s));
    }
}
