//! Exact scoring of one pair from a filled map: a role's slots by the skills and groups that
//! credit them ([`RoleMap`], role side), or a candidate's credit per asked skill
//! ([`CreditMap`], candidate side). Both sum `factor · credit` in the role's skill order, bit
//! for bit as `score_pair`.

use super::index::Index;
use crate::score::credit::blend;
use crate::taxonomy::SkillId;

/// One role's slots indexed by the skills and groups that earn credit on them (per-thread, filled
/// once per role, reset after use), so that scoring a candidate reads only the candidate's own
/// skills and groups: one lookup each, then `Σ factor · credit` in slot order as `score_pair`.
pub(super) struct RoleMap {
    /// skill → first entry, or `NONE`.
    head: Vec<u32>,
    /// group → first entry, or `NONE`.
    group_head: Vec<u32>,
    /// (local slot, discount, next entry)
    entries: Vec<(u32, f64, u32)>,
    skills: Vec<u32>,
    groups: Vec<u32>,
    /// Best credit per local slot for the candidate being scored.
    credit: Vec<f64>,
}

const NONE: u32 = u32::MAX;

impl RoleMap {
    /// An empty map over `n_skills` skills and `n_groups` groups.
    pub(super) fn new(n_skills: usize, n_groups: usize) -> RoleMap {
        RoleMap {
            head: vec![NONE; n_skills],
            group_head: vec![NONE; n_groups],
            entries: Vec::new(),
            skills: Vec::new(),
            groups: Vec::new(),
            credit: Vec::new(),
        }
    }

    fn link(head: &mut [u32], touched: &mut Vec<u32>, entries: &mut Vec<(u32, f64, u32)>, key: u32, e: (u32, f64)) {
        let h = &mut head[key as usize];
        if *h == NONE {
            touched.push(key);
        }
        entries.push((e.0, e.1, *h));
        *h = (entries.len() - 1) as u32;
    }

    /// Indexes role `r`'s slots (undo with [`RoleMap::clear`]).
    pub(super) fn fill(&mut self, ix: &Index<'_>, r: usize) {
        let slots = &ix.slots[ix.role_slots[r].clone()];
        for (i, slot) in slots.iter().enumerate() {
            let i = i as u32;
            Self::link(&mut self.head, &mut self.skills, &mut self.entries, slot.skill, (i, 1.0));
            for (t, d) in ix.neighbours.of(slot.skill) {
                Self::link(&mut self.head, &mut self.skills, &mut self.entries, t, (i, d));
            }
            if ix.p.group_credit > 0.0 {
                for &g in ix.skill_groups[slot.skill as usize] {
                    Self::link(&mut self.group_head, &mut self.groups, &mut self.entries, g, (i, 1.0));
                }
            }
        }
        self.credit.clear();
        self.credit.resize(slots.len(), 0.0);
    }

    fn raise(&mut self, mut e: u32, v: f64) {
        while e != NONE {
            let (i, d, next) = self.entries[e as usize];
            let slot = &mut self.credit[i as usize];
            *slot = slot.max(d * v);
            e = next;
        }
    }

    /// The exact score of candidate `c` for the filled role.
    pub(super) fn score(&mut self, ix: &Index<'_>, r: usize, c: usize) -> f64 {
        for &(skill, weight) in ix.skills_of(c) {
            let e = self.head[skill as usize];
            self.raise(e, weight);
        }
        let gc = ix.p.group_credit;
        if gc > 0.0 {
            for &(g, w) in ix.groups_of(c) {
                let e = self.group_head[g as usize];
                self.raise(e, gc * w);
            }
        }
        // Branch-free: a slot without credit adds `factor · 0 = +0`, which leaves a sum of
        // non-negative terms bit-for-bit unchanged, so this equals `score_pair`'s sum that skips
        // such slots (and credit presence is unpredictable, so a branch would mispredict).
        let (mut requirement, mut used) = (0.0, 0.0);
        for (slot, v) in ix.slots[ix.role_slots[r].clone()].iter().zip(self.credit.iter_mut()) {
            let credit = std::mem::take(v);
            requirement += slot.factor * credit;
            used += slot.fit * credit;
        }
        blend(requirement, used, ix.profiles[c].fit_mass, ix.p.fit_weight)
    }

    /// Empties the map for the next role.
    pub(super) fn clear(&mut self) {
        for &k in &self.skills {
            self.head[k as usize] = NONE;
        }
        for &g in &self.groups {
            self.group_head[g as usize] = NONE;
        }
        self.skills.clear();
        self.groups.clear();
        self.entries.clear();
    }
}

/// One candidate's credit for every asked skill it can earn credit for (dense, reset after use):
/// the same maxima as [`credit_of`](crate::score::credit_of), computed once per candidate so that scoring
/// a role is one load per slot.
pub(super) struct CreditMap {
    pub(super) credit: Vec<f64>,
    /// The skills with a non-zero credit, in the order they were first raised.
    pub(super) touched: Vec<u32>,
}

impl CreditMap {
    /// An empty map over `n_skills` skills.
    pub(super) fn new(n_skills: usize) -> CreditMap {
        CreditMap { credit: vec![0.0; n_skills], touched: Vec::new() }
    }

    #[inline]
    fn raise(&mut self, skill: SkillId, v: f64) {
        let slot = &mut self.credit[skill as usize];
        if *slot == 0.0 && v > 0.0 {
            self.touched.push(skill);
        }
        if v > *slot {
            *slot = v;
        }
    }

    /// Candidate `c`'s best credit on every asked skill (undo with [`CreditMap::clear`]).
    pub(super) fn fill(&mut self, ix: &Index<'_>, c: usize) {
        for &(skill, weight) in ix.skills_of(c) {
            self.raise(skill, weight);
            for &(asked, d) in &ix.credits_to[skill as usize] {
                self.raise(asked, d * weight);
            }
        }
        let gc = ix.p.group_credit;
        if gc > 0.0 {
            for &(g, w) in ix.groups_of(c) {
                for &asked in &ix.group_skills[g as usize] {
                    self.raise(asked, gc * w);
                }
            }
        }
    }

    /// Both terms (`Σ factor · credit`, `Σ fit · credit`) over the role's slots in order, blended
    /// as [`blend`] does for a candidate of `fit_mass`: equal to `score_pair`'s sums, which skip
    /// zero credits, because adding `+0` to a sum of non-negative terms changes no bit
    /// (branch-free, see [`RoleMap::score`]).
    pub(super) fn score(&self, ix: &Index<'_>, r: usize, fit_mass: f64) -> f64 {
        let (mut requirement, mut used) = (0.0, 0.0);
        for slot in &ix.slots[ix.role_slots[r].clone()] {
            let credit = self.credit[slot.skill as usize];
            requirement += slot.factor * credit;
            used += slot.fit * credit;
        }
        blend(requirement, used, fit_mass, ix.p.fit_weight)
    }

    /// Empties the map for the next candidate.
    pub(super) fn clear(&mut self) {
        for &s in &self.touched {
            self.credit[s as usize] = 0.0;
        }
        self.touched.clear();
    }
}
