//! Explanations: for one candidate–role pair, every role skill with the credit earned and why.

use super::credit::{CreditVia, credit_of, terms_from};
use super::model::{CandidateProfile, Role, SkillOrigin};
use super::params::{Neighbours, ScoreParams};
use crate::ingest::Requirement;
use crate::taxonomy::{SkillId, Taxonomy};

/// The credit earned for one role skill.
#[derive(Debug, Clone, PartialEq)]
pub struct SkillCredit {
    /// The skill the role asks for.
    pub skill: SkillId,
    /// Required or preferred.
    pub requirement: Requirement,
    /// Whether the role listed it or it was extracted from the description.
    pub origin: SkillOrigin,
    /// Credit in [0, 1].
    pub credit: f64,
    /// How the credit was earned.
    pub via: CreditVia,
}

impl SkillCredit {
    /// The held skill that earned the credit: the asked skill itself for exact credit, the
    /// neighbour or group sibling for partial credit, none without credit.
    pub fn proving(&self) -> Option<SkillId> {
        match self.via {
            CreditVia::Exact => Some(self.skill),
            other => other.held(),
        }
    }

    /// The credentials proving the skill (or the held skill, for partial credit), strongest
    /// first, from the profile the explanation was computed for. Looked up on demand, not
    /// stored: the nightly run explains every ranked pair and its reports never list evidence.
    pub fn evidence<'p>(&self, profile: &'p CandidateProfile) -> &'p [u32] {
        self.proving().and_then(|s| profile.held(s)).map_or(&[], |h| h.evidence.as_slice())
    }
}

/// Why a candidate scored what it did for a role.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The score (identical to the engine's): `(1 − fit_weight) · requirement + fit_weight · fit`
    /// when the candidate is weighed for fit, else `requirement`.
    pub score: f64,
    /// The requirement term: `Σ factor · credit`, the share of the role's requirement mass proven.
    pub requirement: f64,
    /// The fit term: the share of the candidate's evidence the role's skills use, in [0, 1]
    /// (0 when the fit term is off).
    pub fit: f64,
    /// One entry per role skill, in the role's skill order.
    pub skills: Vec<SkillCredit>,
}

impl Explanation {
    /// Skills matched exactly with the given requirement.
    pub fn matched(&self, req: Requirement) -> impl Iterator<Item = &SkillCredit> {
        self.skills.iter().filter(move |s| s.requirement == req && s.via == CreditVia::Exact)
    }

    /// Skills with partial credit (through the hierarchy, a relation or a skill group) with the
    /// given requirement.
    pub fn partial(&self, req: Requirement) -> impl Iterator<Item = &SkillCredit> {
        self.skills.iter().filter(move |s| s.requirement == req && s.via.is_partial())
    }

    /// Skills with no credit with the given requirement.
    pub fn missing(&self, req: Requirement) -> impl Iterator<Item = &SkillCredit> {
        self.skills.iter().filter(move |s| s.requirement == req && s.via == CreditVia::None)
    }
}

/// Explains one pair (`neighbours` built from the same parameters).
pub fn explain(
    taxonomy: &Taxonomy,
    neighbours: &Neighbours,
    profile: &CandidateProfile,
    role: &Role,
    p: &ScoreParams,
) -> Explanation {
    let skills: Vec<SkillCredit> = role
        .skills
        .iter()
        .map(|rs| {
            let (credit, via) = credit_of(taxonomy, neighbours, profile, rs.skill, p.group_credit);
            SkillCredit { skill: rs.skill, requirement: rs.requirement, origin: rs.origin, credit, via }
        })
        .collect();
    // The same sums as `terms_of`, from the credits just computed.
    let terms = terms_from(role, p, skills.iter().map(|s| s.credit));
    Explanation {
        score: terms.score(profile.fit_mass, p),
        requirement: terms.requirement,
        fit: terms.fit(profile.fit_mass),
        skills,
    }
}
