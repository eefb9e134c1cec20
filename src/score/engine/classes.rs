//! Identical roles, scored once.

use super::topk::better;
use crate::score::credit::slot_factors;
use crate::score::model::Role;
use crate::score::params::ScoreParams;
use crate::taxonomy::SkillId;

/// Roles grouped into classes of identical roles: same skills with the same factors, and the
/// same location when the location filter is on. Every candidate scores the same against each
/// member of a class, so the engine scores one representative per class (the member with the
/// lowest index) and hands its results to the others. Postings often repeat the same role
/// (several openings, reposts, one role listed in several places); the generator's roles of an
/// occupation repeat when the occupation has few optional skills.
pub(super) struct RoleClasses {
    /// Representative (lowest role index) of each class, ascending.
    pub(super) reps: Vec<u32>,
    /// Class of each role.
    pub(super) class_of: Vec<u32>,
    /// Members of each class, ascending: `members[members_at[k]..members_at[k + 1]]`.
    pub(super) members: Vec<u32>,
    pub(super) members_at: Vec<usize>,
}

impl RoleClasses {
    /// The classes of `roles` under the parameters' factors (and location filter).
    pub(super) fn new(roles: &[Role], p: &ScoreParams) -> RoleClasses {
        type Key = (Vec<(SkillId, u64)>, Option<String>);
        let mut by_key: std::collections::HashMap<Key, u32> = std::collections::HashMap::with_capacity(roles.len());
        let mut reps = Vec::new();
        let mut class_of = Vec::with_capacity(roles.len());
        for (r, role) in roles.iter().enumerate() {
            let skills = role.skills.iter().zip(slot_factors(role, p)).map(|(rs, f)| (rs.skill, f.to_bits())).collect();
            let place =
                p.same_location.then(|| role.location.as_deref().map(|l| l.trim().to_ascii_lowercase())).flatten();
            let next = reps.len() as u32;
            let k = *by_key.entry((skills, place)).or_insert(next);
            if k == next {
                reps.push(r as u32);
            }
            class_of.push(k);
        }
        let mut members_at = vec![0usize; reps.len() + 1];
        for &k in &class_of {
            members_at[k as usize + 1] += 1;
        }
        for k in 1..members_at.len() {
            members_at[k] += members_at[k - 1];
        }
        let mut fill = members_at.clone();
        let mut members = vec![0u32; roles.len()];
        for (r, &k) in class_of.iter().enumerate() {
            members[fill[k as usize]] = r as u32;
            fill[k as usize] += 1;
        }
        RoleClasses { reps, class_of, members, members_at }
    }

    /// A top-K list over classes as a top-K list over roles: every member of each listed class
    /// with its class's score, best first, ties by role index, cut at `k`. Exact: a role of the
    /// true top-K has fewer than K roles before it, each class before its class has a
    /// representative before it, so its class is among the K listed.
    pub(super) fn expand(&self, items: Vec<(u32, f64)>, k: usize) -> Vec<(u32, f64)> {
        if self.members.len() == self.reps.len() {
            return items;
        }
        let mut out: Vec<(u32, f64)> = items
            .iter()
            .flat_map(|&(class, score)| {
                let m = &self.members[self.members_at[class as usize]..self.members_at[class as usize + 1]];
                m.iter().map(move |&r| (r, score))
            })
            .collect();
        out.sort_by(better);
        out.truncate(k);
        out
    }
}
