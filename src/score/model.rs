//! The scoring inputs: candidate profiles and role requirements, built from normalized records.

use crate::ingest::Requirement;
use crate::taxonomy::SkillId;

pub use crate::normalize::RoleSkill;
pub use crate::normalize::SkillOrigin;

/// An open role, ready to score.
#[derive(Debug, Clone)]
pub struct Role {
    /// Posting id.
    pub id: String,
    /// Job title.
    pub title: String,
    /// Employer name.
    pub employer: Option<String>,
    /// Location.
    pub location: Option<String>,
    /// Skills sorted required first, then by skill id; a skill appears once (required wins).
    pub skills: Vec<RoleSkill>,
    /// Importance of each skill (same order as `skills`), positive; 1.0 unless set by
    /// [`Role::set_importance`] (which removes skills of importance 0).
    pub importance: Vec<f64>,
    /// Prior mass added to the denominator of the evidence model (`prior_skills` average skills'
    /// worth of weighted importance); 0 unless set by the scoring policy.
    pub prior: f64,
    /// Weight of each skill (same order as `skills`) in the fit term, the share of a candidate's
    /// evidence the role uses: the skill's rarity (IDF) over the run's roles; 0 unless set by the
    /// scoring policy.
    pub fit: Vec<f64>,
}

impl Role {
    /// Builds a role, sorting and deduplicating its skills (a skill both required and preferred is required).
    pub fn new(
        id: String,
        title: String,
        employer: Option<String>,
        location: Option<String>,
        mut skills: Vec<RoleSkill>,
    ) -> Role {
        skills.sort();
        let mut seen = std::collections::HashSet::new();
        skills.retain(|s| seen.insert(s.skill));
        let importance = vec![1.0; skills.len()];
        let fit = vec![0.0; skills.len()];
        Role { id, title, employer, location, skills, importance, prior: 0.0, fit }
    }

    /// Sets each skill's importance from a function of the skill.
    ///
    /// An importance of exactly 0 means the skill is ignored for scoring: it is removed from the
    /// role (so it is neither scored, nor reported missing, nor counted as one of the role's
    /// skills). Negative and non-finite values are not weights and become 1.0.
    pub fn set_importance(&mut self, f: impl Fn(SkillId) -> f64) {
        let weights: Vec<f64> =
            self.skills.iter().map(|s| f(s.skill)).map(|v| if v >= 0.0 && v.is_finite() { v } else { 1.0 }).collect();
        let mut kept = weights.iter().map(|&w| w > 0.0);
        self.skills.retain(|_| kept.next().unwrap_or(true));
        let mut kept = weights.iter().map(|&w| w > 0.0);
        self.fit.retain(|_| kept.next().unwrap_or(true));
        self.importance = weights.into_iter().filter(|&w| w > 0.0).collect();
    }

    /// Number of required skills.
    pub fn required_count(&self) -> usize {
        self.skills.iter().filter(|s| s.requirement == Requirement::Required).count()
    }
}

/// One skill a candidate holds, with the credentials that prove it.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldSkill {
    /// The taxonomy skill.
    pub skill: SkillId,
    /// Strongest evidence weight in (0, 1].
    pub weight: f64,
    /// Indexes of the proving credentials (into the run's verified credentials), strongest first.
    pub evidence: Vec<u32>,
}

/// A candidate's skill profile.
#[derive(Debug, Clone)]
pub struct CandidateProfile {
    /// Roster id.
    pub id: String,
    /// Roster location.
    pub location: Option<String>,
    /// Held skills sorted by skill id; only evidence with a positive weight counts.
    pub skills: Vec<HeldSkill>,
    /// Denominator of the fit term: `Σ rarity(s) · weight(s)` over the held skills plus the
    /// candidate prior (see [`super::policy::CandidateFit`]). 0 (not weighed) leaves the fit
    /// term out of this candidate's scores.
    pub fit_mass: f64,
}

impl CandidateProfile {
    /// The held skill record for `skill`, if any.
    pub fn held(&self, skill: SkillId) -> Option<&HeldSkill> {
        self.skills.binary_search_by_key(&skill, |h| h.skill).ok().map(|i| &self.skills[i])
    }
}

/// One piece of evidence: a credential index, the skill it proves and its weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EvidenceItem {
    /// Index of the candidate in the roster order.
    pub candidate: u32,
    /// The skill.
    pub skill: SkillId,
    /// Credential index in the run's verified credentials.
    pub credential: u32,
    /// Evidence weight (status weight); zero-weight evidence is dropped.
    pub weight: f64,
}

/// Builds profiles for every roster candidate (in roster-id order) from evidence items.
///
/// `candidates` are `(id, location)` pairs; the output keeps one profile per candidate, even
/// with no skills, so that candidate indexes are stable.
pub fn build_profiles(candidates: &[(String, Option<String>)], evidence: &[EvidenceItem]) -> Vec<CandidateProfile> {
    let mut per: Vec<Vec<EvidenceItem>> = vec![Vec::new(); candidates.len()];
    for e in evidence {
        if e.weight > 0.0
            && let Some(slot) = per.get_mut(e.candidate as usize)
        {
            slot.push(*e);
        }
    }
    candidates
        .iter()
        .zip(per)
        .map(|((id, location), mut items)| {
            items.sort_by(|a, b| {
                a.skill.cmp(&b.skill).then(b.weight.total_cmp(&a.weight)).then(a.credential.cmp(&b.credential))
            });
            let mut skills: Vec<HeldSkill> = Vec::new();
            for it in items {
                match skills.last_mut() {
                    Some(h) if h.skill == it.skill => {
                        if !h.evidence.contains(&it.credential) {
                            h.evidence.push(it.credential)
                        }
                    }
                    _ => skills.push(HeldSkill { skill: it.skill, weight: it.weight, evidence: vec![it.credential] }),
                }
            }
            CandidateProfile { id: id.clone(), location: location.clone(), skills, fit_mass: 0.0 }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(skills: &[SkillId]) -> Role {
        let skills = skills
            .iter()
            .map(|&skill| RoleSkill { requirement: Requirement::Required, skill, origin: SkillOrigin::Explicit })
            .collect();
        Role::new("r".into(), "r".into(), None, None, skills)
    }

    #[test]
    fn an_importance_of_zero_removes_the_skill_and_keeps_skills_and_importance_aligned() {
        let mut r = role(&[1, 2, 3]);
        r.set_importance(|s| if s == 2 { 0.0 } else { s as f64 });
        assert_eq!(r.skills.iter().map(|s| s.skill).collect::<Vec<_>>(), vec![1, 3]);
        assert_eq!(r.importance, vec![1.0, 3.0]);
    }

    #[test]
    fn negative_and_non_finite_importances_become_one() {
        let mut r = role(&[1, 2, 3]);
        r.set_importance(|s| [-1.0, f64::NAN, f64::INFINITY][s as usize - 1]);
        assert_eq!(r.skills.len(), 3);
        assert_eq!(r.importance, vec![1.0, 1.0, 1.0]);
    }
}
