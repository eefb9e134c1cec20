//! What the reports list about a ranked pair: how each role skill was credited (exactly,
//! partially through a held skill, or not at all), without the credits and sums of a full
//! [`Explanation`]. The nightly run keeps this for every ranked pair of both sides, half a
//! million pairs at 50,000 candidates, so it is 8 bytes a role skill instead of an
//! explanation's 32; `explain` recomputes the full explanation of the one pair it shows.

use rayon::prelude::*;

use super::credit::{CreditRoute, CreditVia};
use super::engine::RankedMatch;
use super::explain::{Explanation, explain};
use super::model::{CandidateProfile, Role};
use super::params::{Neighbours, ScoreParams};
use crate::ingest::Requirement;
use crate::taxonomy::{SkillId, Taxonomy};

/// How one role skill was credited: the route and, for partial credit, the held skill that
/// earned it (the asked skill itself otherwise, never read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Routed {
    route: CreditRoute,
    held: SkillId,
}

/// The credit routes of one ranked pair's role skills, in the role's skill order. Every query
/// takes the pair's role, whose skills the routes are aligned with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PairRoutes {
    routes: Box<[Routed]>,
}

/// A role skill credited partially: the asked skill, the held skill that earned the credit and
/// the route between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialCredit {
    /// The skill the role asks for.
    pub skill: SkillId,
    /// The held skill that earned the credit.
    pub held: SkillId,
    /// Narrower, broader, related or group.
    pub route: CreditRoute,
}

impl PairRoutes {
    /// The routes of an explanation's skills.
    pub fn of(e: &Explanation) -> PairRoutes {
        let routed = |via: CreditVia, skill: SkillId| Routed { route: via.route(), held: via.held().unwrap_or(skill) };
        PairRoutes { routes: e.skills.iter().map(|s| routed(s.via, s.skill)).collect() }
    }

    /// The role's skills of requirement `req` with their routes, in the role's order.
    fn with<'r>(&'r self, role: &'r Role, req: Requirement) -> impl Iterator<Item = (SkillId, Routed)> + 'r {
        role.skills
            .iter()
            .zip(self.routes.iter())
            .filter(move |(rs, _)| rs.requirement == req)
            .map(|(rs, r)| (rs.skill, *r))
    }

    /// The role's skills of requirement `req` held exactly.
    pub fn matched<'r>(&'r self, role: &'r Role, req: Requirement) -> impl Iterator<Item = SkillId> + 'r {
        self.with(role, req).filter(|(_, r)| r.route == CreditRoute::Exact).map(|(s, _)| s)
    }

    /// The role's skills of requirement `req` without credit.
    pub fn missing<'r>(&'r self, role: &'r Role, req: Requirement) -> impl Iterator<Item = SkillId> + 'r {
        self.with(role, req).filter(|(_, r)| r.route == CreditRoute::None).map(|(s, _)| s)
    }

    /// The role's skills of requirement `req` with partial credit.
    pub fn partial<'r>(&'r self, role: &'r Role, req: Requirement) -> impl Iterator<Item = PartialCredit> + 'r {
        self.with(role, req)
            .filter(|(_, r)| !matches!(r.route, CreditRoute::Exact | CreditRoute::None))
            .map(|(skill, r)| PartialCredit { skill, held: r.held, route: r.route })
    }
}

/// The routes of every pair of a ranked list, in parallel, in the list's order (each pair
/// explained, then reduced to its routes).
pub fn routes_ranked(
    taxonomy: &Taxonomy,
    neighbours: &Neighbours,
    profiles: &[CandidateProfile],
    roles: &[Role],
    pairs: &[RankedMatch],
    p: &ScoreParams,
) -> Vec<PairRoutes> {
    pairs
        .par_iter()
        .map(|m| {
            PairRoutes::of(&explain(taxonomy, neighbours, &profiles[m.candidate as usize], &roles[m.role as usize], p))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::{RoleSkill, SkillCredit, SkillOrigin};

    /// Every route, at both requirement levels, in an order that interleaves them.
    fn vias() -> Vec<(Requirement, CreditVia)> {
        let (r, p) = (Requirement::Required, Requirement::Preferred);
        vec![
            (r, CreditVia::Exact),
            (p, CreditVia::None),
            (r, CreditVia::Narrower { held: 101 }),
            (r, CreditVia::None),
            (p, CreditVia::Exact),
            (r, CreditVia::Group { held: 102, group: 7 }),
            (p, CreditVia::Related { held: 103 }),
            (r, CreditVia::Broader { held: 104 }),
            (r, CreditVia::Exact),
            (r, CreditVia::Related { held: 105 }),
            (r, CreditVia::None),
        ]
    }

    #[test]
    fn routes_list_the_same_matched_partial_and_missing_skills_as_the_explanation() {
        let vias = vias();
        let skills: Vec<RoleSkill> = (0..vias.len() as u32)
            .zip(&vias)
            .map(|(skill, &(requirement, _))| RoleSkill { requirement, skill, origin: SkillOrigin::Explicit })
            .collect();
        let role = Role::new("r".into(), "r".into(), None, None, skills);
        let e = Explanation {
            score: 0.5,
            requirement: 0.5,
            fit: 0.0,
            skills: role
                .skills
                .iter()
                .zip(&vias)
                .map(|(rs, &(_, via))| SkillCredit {
                    skill: rs.skill,
                    requirement: rs.requirement,
                    origin: rs.origin,
                    credit: if via == CreditVia::None { 0.0 } else { 0.5 },
                    via,
                })
                .collect(),
        };
        let r = PairRoutes::of(&e);
        for req in [Requirement::Required, Requirement::Preferred] {
            let ids = |it: &mut dyn Iterator<Item = &SkillCredit>| it.map(|s| s.skill).collect::<Vec<_>>();
            assert_eq!(r.matched(&role, req).collect::<Vec<_>>(), ids(&mut e.matched(req)));
            assert_eq!(r.missing(&role, req).collect::<Vec<_>>(), ids(&mut e.missing(req)));
            let partial: Vec<(SkillId, SkillId, &str)> =
                e.partial(req).map(|s| (s.skill, s.via.held().unwrap_or(u32::MAX), s.via.as_str())).collect();
            assert_eq!(r.partial(&role, req).map(|p| (p.skill, p.held, p.route.as_str())).collect::<Vec<_>>(), partial);
        }
        assert_eq!(r.missing(&role, Requirement::Required).count(), 2);
        assert_eq!(r.partial(&role, Requirement::Required).count(), 4);
    }
}
