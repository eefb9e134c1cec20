//! The engine's flat view of a run: candidates' items and roles' slots back to back, the
//! reverse partial-credit maps, and the prefetch hints that hide their cache misses.

use crate::score::credit::{fit_weights, slot_factors};
use crate::score::model::{CandidateProfile, Role};
use crate::score::params::{Neighbours, ScoreParams};
use crate::taxonomy::{SkillId, Taxonomy};

/// A role's skill slot: the unit both sides accumulate over.
#[derive(Debug, Clone, Copy)]
pub(super) struct Slot {
    pub(super) skill: SkillId,
    pub(super) factor: f64,
    /// The skill's weight in the fit term ([`Role::fit`]).
    pub(super) fit: f64,
}

/// The engine's view of the run: flat candidate items, flat role slots and the reverse
/// partial-credit maps, built once per run.
pub(super) struct Index<'a> {
    pub(super) profiles: &'a [CandidateProfile],
    /// One role per [`RoleClasses`](super::classes::RoleClasses) class (its representative): identical roles are scored once.
    pub(super) roles: Vec<&'a Role>,
    pub(super) p: ScoreParams,
    pub(super) neighbours: &'a Neighbours,
    /// Every candidate's held skills `(skill, weight)` in skill order, then its groups
    /// `(group, best weight of its skills in that group)` in group order, all candidates back to
    /// back: probing a candidate reads one contiguous block (one cache miss, prefetchable)
    /// instead of chasing the profile's vectors.
    pub(super) cand_items: Vec<(u32, f64)>,
    /// `cand_at[c]..cand_mid[c]` are candidate c's skills in `cand_items`, `cand_mid[c]..cand_at[c + 1]`
    /// its groups.
    pub(super) cand_at: Vec<usize>,
    pub(super) cand_mid: Vec<usize>,
    /// All role slots, grouped by role in role order; `role_slots[r]` is the range of role r.
    pub(super) slots: Vec<Slot>,
    pub(super) role_slots: Vec<std::ops::Range<usize>>,
    pub(super) skill_groups: Vec<&'a [u32]>,
    /// held skill → (asked skill, discount): the skills a held one gives hierarchy/relation
    /// credit to (the reverse of the neighbour lists), asked skills only.
    pub(super) credits_to: Vec<Vec<(SkillId, f64)>>,
    /// group → asked skills in that group.
    pub(super) group_skills: Vec<Vec<SkillId>>,
    /// skill → its largest fit weight in any role: bounds a role block's fit term (the policy
    /// gives a skill the same fit weight in every role, so the bound is tight).
    pub(super) max_fit: Vec<f64>,
}

impl<'a> Index<'a> {
    /// Candidate `c`'s held skills as `(skill, weight)`, in skill order.
    #[inline]
    pub(super) fn skills_of(&self, c: usize) -> &[(u32, f64)] {
        &self.cand_items[self.cand_at[c]..self.cand_mid[c]]
    }

    /// Candidate `c`'s skill groups as `(group, best weight)`, in group order.
    #[inline]
    pub(super) fn groups_of(&self, c: usize) -> &[(u32, f64)] {
        &self.cand_items[self.cand_mid[c]..self.cand_at[c + 1]]
    }

    /// The block key of skill group `g` for candidate blocks: groups are numbered after the
    /// skills, so one key space holds both.
    #[inline]
    pub(super) fn group_key(&self, g: u32) -> u32 {
        self.skill_groups.len() as u32 + g
    }

    /// Asks the CPU to start loading candidate `c`'s block (a hint; no effect on results).
    #[inline]
    pub(super) fn prefetch_candidate(&self, c: u32) {
        let c = c as usize;
        prefetch_lines(&self.cand_items[self.cand_at[c]..self.cand_at[c + 1]]);
    }

    /// Asks the CPU to start loading role `r`'s first slots (a hint; no effect on results).
    #[inline]
    pub(super) fn prefetch_role(&self, r: u32) {
        prefetch_lines(&self.slots[self.role_slots[r as usize].clone()]);
    }

    /// The index of `profiles` and the class representatives `roles`.
    pub(super) fn build(
        taxonomy: &'a Taxonomy,
        neighbours: &'a Neighbours,
        profiles: &'a [CandidateProfile],
        roles: Vec<&'a Role>,
        p: &ScoreParams,
    ) -> Index<'a> {
        let n_skills = taxonomy.skills().len();
        let n_groups = taxonomy.groups().len();
        let skill_groups: Vec<&[u32]> = taxonomy.skills().iter().map(|s| s.groups.as_slice()).collect();
        let mut cand_items = Vec::new();
        let mut cand_at = Vec::with_capacity(profiles.len() + 1);
        let mut cand_mid = Vec::with_capacity(profiles.len());
        let mut groups_here: Vec<(u32, f64)> = Vec::new();
        for prof in profiles {
            groups_here.clear();
            cand_at.push(cand_items.len());
            for h in &prof.skills {
                cand_items.push((h.skill, h.weight));
                groups_here.extend(skill_groups[h.skill as usize].iter().map(|&g| (g, h.weight)));
            }
            groups_here.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
            groups_here.dedup_by_key(|e| e.0);
            cand_mid.push(cand_items.len());
            cand_items.extend_from_slice(&groups_here);
        }
        cand_at.push(cand_items.len());

        let mut slots = Vec::new();
        let mut role_slots = Vec::with_capacity(roles.len());
        let mut is_asked = vec![false; n_skills];
        let mut max_fit = vec![0.0f64; n_skills];
        for role in &roles {
            let start = slots.len();
            for ((rs, factor), fit) in role.skills.iter().zip(slot_factors(role, p)).zip(fit_weights(role)) {
                slots.push(Slot { skill: rs.skill, factor, fit });
                is_asked[rs.skill as usize] = true;
                let m = &mut max_fit[rs.skill as usize];
                *m = m.max(fit);
            }
            role_slots.push(start..slots.len());
        }
        let mut credits_to: Vec<Vec<(SkillId, f64)>> = vec![Vec::new(); n_skills];
        let mut group_skills: Vec<Vec<SkillId>> = vec![Vec::new(); n_groups];
        for asked in (0..n_skills as SkillId).filter(|&s| is_asked[s as usize]) {
            for (t, d) in neighbours.of(asked) {
                credits_to[t as usize].push((asked, d));
            }
            for &g in skill_groups[asked as usize] {
                group_skills[g as usize].push(asked);
            }
        }
        Index {
            profiles,
            roles,
            p: *p,
            neighbours,
            cand_items,
            cand_at,
            cand_mid,
            slots,
            role_slots,
            skill_groups,
            credits_to,
            group_skills,
            max_fit,
        }
    }
}

/// How many items ahead of the one being scored a block asks to prefetch.
pub(super) const PREFETCH_AHEAD: usize = 6;

/// Hints the CPU to bring the cache line holding `*item` closer; never faults, changes no result.
#[inline(always)]
pub(super) fn prefetch<T>(item: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: a prefetch is a hint: it reads nothing architecturally and cannot fault; the
        // pointer comes from a live reference anyway.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((item as *const T).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}

/// Prefetches the cache lines of `items` (at most [`PREFETCH_LINES`] of them).
#[inline(always)]
pub(super) fn prefetch_lines<T>(items: &[T]) {
    let per_line = (64 / std::mem::size_of::<T>().max(1)).max(1);
    for item in items.iter().step_by(per_line).take(PREFETCH_LINES) {
        prefetch(item);
    }
}

/// Most cache lines [`prefetch_lines`] asks for per item.
pub(super) const PREFETCH_LINES: usize = 4;
