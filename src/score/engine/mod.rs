//! The scoring engine: every role against every candidate, pruned by score upper bounds.
//!
//! The score of candidate `c` for role `r` is (see `docs/SCORING.md` and [`super::credit`]):
//!
//! ```text
//! score(c, r) = Σ_{s ∈ skills(r)} factor(r, s) · credit(c, s)
//! factor(r, s) = W_req · imp(s) / (Σ_{R} imp · D) for required s, likewise W_pref over P
//! D = W_req · [R ≠ ∅] + W_pref · [P ≠ ∅]
//! ```
//!
//! so a score lies in [0, 1]. Both sides (top-K candidates per role, top-K roles per candidate)
//! are exact and computed in parallel with rayon.
//!
//! The **candidate side** bounds blocks of similar roles from the candidate's credits and scores
//! the roles of the blocks that can still reach its K-th score, best block first (see
//! [`role_blocks`]).
//!
//! The **role side** works in three phases per role:
//!
//! 1. **Exact accumulation** over the inverted index skill → candidates. For every candidate
//!    sharing a skill with the role this yields an upper bound of its score: exact slots count
//!    at most `max(w, B_c)`, the others at most `B_c` (the largest `discount · weight` over the
//!    candidate's skills and the partial-credit routes they actually reach).
//! 2. **Bounded scoring** (MaxScore style): candidates are scored exactly in decreasing bound
//!    order into a bounded top-K heap, stopping as soon as the next bound cannot reach the
//!    K-th score. Work grows with what can reach the top-K, not with candidates × roles.
//! 3. **Partial-credit pass**: a candidate sharing no skill earns only partial credit, bounded
//!    per slot by its partial-credit terms (a group list or a neighbour skill's holders, each
//!    with the most it can add). Only if that could still enter the top-K does the role read
//!    those lists, and only the *essential* ones: the tail of low-bound terms whose total cannot
//!    reach the K-th score is skipped (MaxScore). When nothing can be skipped, exact scores are
//!    accumulated slot by slot instead of bounded and re-scored.
//!
//! Every exact score is computed in the role's skill order with the same products and maxima
//! as [`super::credit::score_pair`], so the engine, the naive reference ([`super::naive`]) and explanations
//! agree bit for bit; ties break by index (ids are sorted), so results do not depend on the
//! thread count.

use std::collections::BinaryHeap;

use rayon::prelude::*;

use super::credit::{Neighbours, slot_factors};
use super::model::{CandidateProfile, Role};
use crate::taxonomy::{SkillId, Taxonomy};

mod role_blocks;

use role_blocks::RoleBlocks;

/// Scoring parameters (from `[score]` in the config).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreParams {
    /// Weight of required coverage.
    pub required_weight: f64,
    /// Weight of preferred coverage.
    pub preferred_weight: f64,
    /// Partial credit for a held skill of the same skill group.
    pub group_credit: f64,
    /// Partial credit for a held skill directly narrower (more specific) than the asked one.
    pub narrower_credit: f64,
    /// Partial credit for a held skill directly broader (more general) than the asked one.
    pub broader_credit: f64,
    /// Partial credit for a held skill related to the asked one (ESCO skill–skill relation).
    pub related_credit: f64,
    /// Minimum score to report.
    pub min_score: f64,
    /// Rows kept per role and per candidate.
    pub top_k: usize,
    /// Hard filter: a candidate and a role whose locations are both known must match
    /// (case-insensitive) to be ranked together.
    pub same_location: bool,
}

impl ScoreParams {
    /// The parameters of a config's `[score]` table.
    pub fn from_config(s: &crate::config::ScoreConfig) -> ScoreParams {
        ScoreParams {
            required_weight: s.required_weight,
            preferred_weight: s.preferred_weight,
            group_credit: s.group_credit,
            narrower_credit: s.narrower_credit,
            broader_credit: s.broader_credit,
            related_credit: s.related_credit,
            min_score: s.min_score,
            top_k: s.top_k,
            same_location: s.same_location,
        }
    }
}

/// Whether the hard filters let this candidate be ranked for this role.
pub fn eligible(profile: &CandidateProfile, role: &Role, p: &ScoreParams) -> bool {
    if !p.same_location {
        return true;
    }
    match (&profile.location, &role.location) {
        (Some(a), Some(b)) => a.trim().eq_ignore_ascii_case(b.trim()),
        _ => true,
    }
}

/// One ranked pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankedMatch {
    /// Role index (into the sorted roles).
    pub role: u32,
    /// Candidate index (into the sorted profiles).
    pub candidate: u32,
    /// 1-based rank within its list.
    pub rank: u32,
    /// Score in [0, 1].
    pub score: f64,
}

/// How much work the engine did, for the manifest and the performance notes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EngineStats {
    /// Inverted-index entries visited in the exact accumulation phase (both sides).
    pub postings_visited: u64,
    /// Distinct roles scored: identical roles (same skills and factors, and location when the
    /// location filter is on) are scored once.
    pub distinct_roles: u64,
    /// Pairs scored exactly on the role side (bounded scoring plus full expansions), once per
    /// distinct role.
    pub role_pairs_scored: u64,
    /// Pairs scored exactly on the candidate side.
    pub candidate_pairs_scored: u64,
    /// Roles whose top-K needed the partial-credit pass (candidates sharing no skill with the role).
    pub role_partial_passes: u64,
    /// Blocks of similar roles the candidate side bounds (see `role_blocks`).
    pub role_blocks: u64,
    /// Role blocks opened by candidates, all candidates together (each opened block's roles are
    /// scored exactly; compare with candidates × `role_blocks`).
    pub candidate_blocks_opened: u64,
    /// Wall time of the role side, in milliseconds (varies run to run: not for outputs).
    pub role_side_ms: u64,
    /// Wall time of the candidate side, in milliseconds (varies run to run: not for outputs).
    pub candidate_side_ms: u64,
}

/// Output of the engine.
#[derive(Debug, Clone, Default)]
pub struct ScoreOutput {
    /// Top-K candidates per role, indexed like the roles.
    pub by_role: Vec<Vec<RankedMatch>>,
    /// Top-K roles per candidate, indexed like the profiles.
    pub by_candidate: Vec<Vec<RankedMatch>>,
    /// Pairs whose score was computed exactly, both sides together (work actually done; compare
    /// with 2 × candidates × roles for the naive scorer).
    pub pairs_scored: u64,
    /// Work counters.
    pub stats: EngineStats,
}

/// Slack for comparing an upper bound with a score summed in a different order.
const EPS: f64 = 1e-9;

/// A role's skill slot: the unit both sides accumulate over.
#[derive(Debug, Clone, Copy)]
struct Slot {
    skill: SkillId,
    factor: f64,
}

/// Inverted indexes built once per run.
struct Index<'a> {
    profiles: &'a [CandidateProfile],
    /// One role per [`RoleClasses`] class (its representative): identical roles are scored once.
    roles: Vec<&'a Role>,
    p: ScoreParams,
    neighbours: &'a Neighbours,
    /// skill → (candidate, weight), candidates ascending.
    by_skill: Vec<Vec<(u32, f64)>>,
    /// group → (candidate, best weight of the candidate's skills in that group).
    by_group: Vec<Vec<(u32, f64)>>,
    /// Every candidate's held skills `(skill, weight)` in skill order, then its groups
    /// `(group, best weight of its skills in that group)` in group order, all candidates back to
    /// back: probing a candidate reads one contiguous block (one cache miss, prefetchable)
    /// instead of chasing the profile's vectors.
    cand_items: Vec<(u32, f64)>,
    /// `cand_at[c]..cand_mid[c]` are candidate c's skills in `cand_items`, `cand_mid[c]..cand_at[c + 1]`
    /// its groups.
    cand_at: Vec<usize>,
    cand_mid: Vec<usize>,
    /// Per candidate: the best credit any partial-credit route can give it on one slot (over
    /// its held skills: weight × the largest discount of a route that skill actually reaches).
    bound: Vec<f64>,
    /// The largest `bound`.
    max_bound: f64,
    /// All role slots, grouped by role in role order; `role_slots[r]` is the range of role r.
    slots: Vec<Slot>,
    role_slots: Vec<std::ops::Range<usize>>,
    /// Σ factors per role.
    role_total: Vec<f64>,
    /// Strongest weight in each `by_skill` list.
    skill_max: Vec<f64>,
    /// Strongest weight in each `by_group` list.
    group_max: Vec<f64>,
    skill_groups: Vec<&'a [u32]>,
    /// held skill → (asked skill, discount): the skills a held one gives hierarchy/relation
    /// credit to (the reverse of the neighbour lists), asked skills only.
    credits_to: Vec<Vec<(SkillId, f64)>>,
    /// group → asked skills in that group.
    group_skills: Vec<Vec<SkillId>>,
}

impl<'a> Index<'a> {
    /// Candidate `c`'s held skills as `(skill, weight)`, in skill order.
    #[inline]
    fn skills_of(&self, c: usize) -> &[(u32, f64)] {
        &self.cand_items[self.cand_at[c]..self.cand_mid[c]]
    }

    /// Candidate `c`'s skill groups as `(group, best weight)`, in group order.
    #[inline]
    fn groups_of(&self, c: usize) -> &[(u32, f64)] {
        &self.cand_items[self.cand_mid[c]..self.cand_at[c + 1]]
    }

    /// Asks the CPU to start loading candidate `c`'s block (a hint; no effect on results).
    #[inline]
    fn prefetch_candidate(&self, c: u32) {
        let c = c as usize;
        prefetch_lines(&self.cand_items[self.cand_at[c]..self.cand_at[c + 1]]);
    }

    /// Asks the CPU to start loading role `r`'s first slots (a hint; no effect on results).
    #[inline]
    fn prefetch_role(&self, r: u32) {
        prefetch_lines(&self.slots[self.role_slots[r as usize].clone()]);
    }

    /// The (candidate, weight) posting list a role-side partial-credit term reads (empty for
    /// candidate-side terms).
    fn holders(&self, list: List) -> &[(u32, f64)] {
        match list {
            List::Skill(t) => &self.by_skill[t as usize],
            List::Group(g) => &self.by_group[g as usize],
        }
    }

    fn build(
        taxonomy: &'a Taxonomy,
        neighbours: &'a Neighbours,
        profiles: &'a [CandidateProfile],
        roles: Vec<&'a Role>,
        p: &ScoreParams,
    ) -> Index<'a> {
        let n_skills = taxonomy.skills.len();
        let n_groups = taxonomy.groups.len();
        let skill_groups: Vec<&[u32]> = taxonomy.skills.iter().map(|s| s.groups.as_slice()).collect();
        let mut by_skill = vec![Vec::new(); n_skills];
        let mut by_group: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n_groups];
        let mut cand_items = Vec::new();
        let mut cand_at = Vec::with_capacity(profiles.len() + 1);
        let mut cand_mid = Vec::with_capacity(profiles.len());
        let mut groups_here: Vec<(u32, f64)> = Vec::new();
        for (ci, prof) in profiles.iter().enumerate() {
            let ci = ci as u32;
            let mut max_w: f64 = 0.0;
            groups_here.clear();
            cand_at.push(cand_items.len());
            for h in &prof.skills {
                cand_items.push((h.skill, h.weight));
                max_w = max_w.max(h.weight);
                by_skill[h.skill as usize].push((ci, h.weight));
                groups_here.extend(skill_groups[h.skill as usize].iter().map(|&g| (g, h.weight)));
            }
            groups_here.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
            groups_here.dedup_by_key(|e| e.0);
            cand_mid.push(cand_items.len());
            for &(g, w) in &groups_here {
                cand_items.push((g, w));
                by_group[g as usize].push((ci, w));
            }
        }
        cand_at.push(cand_items.len());

        let mut slots = Vec::new();
        let mut role_slots = Vec::with_capacity(roles.len());
        let mut role_total = Vec::with_capacity(roles.len());
        let mut is_asked = vec![false; n_skills];
        for role in &roles {
            let factors = slot_factors(role, p);
            let start = slots.len();
            for (rs, &factor) in role.skills.iter().zip(&factors) {
                slots.push(Slot { skill: rs.skill, factor });
                is_asked[rs.skill as usize] = true;
            }
            role_slots.push(start..slots.len());
            role_total.push(factors.iter().sum::<f64>());
        }
        let mut credits_to: Vec<Vec<(SkillId, f64)>> = vec![Vec::new(); n_skills];
        let mut group_skills: Vec<Vec<SkillId>> = vec![Vec::new(); n_groups];
        for asked in 0..n_skills as SkillId {
            if !is_asked[asked as usize] {
                continue;
            }
            for (t, d) in neighbours.of(asked) {
                credits_to[t as usize].push((asked, d));
            }
            for &g in skill_groups[asked as usize] {
                group_skills[g as usize].push(asked);
            }
        }
        // The partial credit a held skill can give: its best neighbour discount among the slots
        // it reaches, or the group credit if one of its groups holds a slot.
        let reach: Vec<f64> = (0..n_skills)
            .map(|t| {
                let by_neighbour = credits_to[t].iter().map(|e| e.1).fold(0.0, f64::max);
                let by_group =
                    if p.group_credit > 0.0 && skill_groups[t].iter().any(|&g| !group_skills[g as usize].is_empty()) {
                        p.group_credit
                    } else {
                        0.0
                    };
                by_neighbour.max(by_group)
            })
            .collect();
        let bound: Vec<f64> = profiles
            .iter()
            .map(|prof| prof.skills.iter().map(|h| h.weight * reach[h.skill as usize]).fold(0.0, f64::max))
            .collect();
        let max_bound = bound.iter().copied().fold(0.0, f64::max);
        let list_max = |l: &Vec<(u32, f64)>| l.iter().map(|e| e.1).fold(0.0, f64::max);
        let skill_max = by_skill.iter().map(list_max).collect();
        let group_max = by_group.iter().map(list_max).collect();
        Index {
            profiles,
            roles,
            p: *p,
            neighbours,
            by_skill,
            by_group,
            cand_items,
            cand_at,
            cand_mid,
            bound,
            max_bound,
            slots,
            role_slots,
            role_total,
            skill_max,
            group_max,
            skill_groups,
            credits_to,
            group_skills,
        }
    }
}

/// One role's slots indexed by the skills and groups that earn credit on them (per-thread, filled
/// once per role, reset after use), so that scoring a candidate reads only the candidate's own
/// skills and groups: one lookup each, then `Σ factor · credit` in slot order as `score_pair`.
struct RoleMap {
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
    fn new(n_skills: usize, n_groups: usize) -> RoleMap {
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

    fn fill(&mut self, ix: &Index<'_>, r: usize) {
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
    fn score(&mut self, ix: &Index<'_>, r: usize, c: usize) -> f64 {
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
        let mut total = 0.0;
        for (slot, v) in ix.slots[ix.role_slots[r].clone()].iter().zip(self.credit.iter_mut()) {
            total += slot.factor * std::mem::take(v);
        }
        total
    }

    fn clear(&mut self) {
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
/// the same maxima as [`super::credit::credit_of`], computed once per candidate so that scoring
/// a role is one load per slot.
struct CreditMap {
    credit: Vec<f64>,
    /// The skills with a non-zero credit, in the order they were first raised.
    touched: Vec<u32>,
}

impl CreditMap {
    fn new(n_skills: usize) -> CreditMap {
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

    fn fill(&mut self, ix: &Index<'_>, c: usize) {
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

    /// `Σ factor · credit` over the role's slots in order: equal to `score_pair`'s sum, which
    /// skips zero credits, because adding `+0` to a sum of non-negative terms changes no bit
    /// (branch-free, see [`RoleMap::score`]).
    fn score(&self, ix: &Index<'_>, r: usize) -> f64 {
        let mut total = 0.0;
        for slot in &ix.slots[ix.role_slots[r].clone()] {
            total += slot.factor * self.credit[slot.skill as usize];
        }
        total
    }

    fn clear(&mut self) {
        for &s in &self.touched {
            self.credit[s as usize] = 0.0;
        }
        self.touched.clear();
    }
}

/// A bounded top-K: keeps the K best `(index, score)` by score descending, index ascending.
struct TopK {
    k: usize,
    min_score: f64,
    heap: BinaryHeap<Worst>,
}

/// Heap entry ordered so that the heap's top is the worst kept item.
#[derive(Debug, Clone, Copy)]
struct Worst(u32, f64);

impl PartialEq for Worst {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == std::cmp::Ordering::Equal
    }
}
impl Eq for Worst {}
impl PartialOrd for Worst {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Worst {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        better(&(self.0, self.1), &(o.0, o.1))
    }
}

impl TopK {
    fn new(k: usize, min_score: f64) -> TopK {
        TopK { k, min_score, heap: BinaryHeap::with_capacity(k + 1) }
    }

    /// Whether an item whose score is at most `upper` could still enter.
    fn reachable(&self, upper: f64) -> bool {
        if upper + EPS < self.min_score || upper <= 0.0 {
            return false;
        }
        match self.heap.peek() {
            Some(w) if self.heap.len() >= self.k => upper + EPS >= w.1,
            _ => true,
        }
    }

    fn offer(&mut self, i: u32, score: f64) {
        if score <= 0.0 || score < self.min_score {
            return;
        }
        if self.heap.len() < self.k {
            self.heap.push(Worst(i, score));
        } else if let Some(w) = self.heap.peek()
            && better(&(i, score), &(w.0, w.1)) == std::cmp::Ordering::Less
        {
            self.heap.pop();
            self.heap.push(Worst(i, score));
        }
    }

    fn into_sorted(self) -> Vec<(u32, f64)> {
        let mut v: Vec<(u32, f64)> = self.heap.into_iter().map(|w| (w.0, w.1)).collect();
        v.sort_by(better);
        v
    }
}

/// Orders by score descending, then by index ascending (ids are sorted, so ties break by id).
fn better(a: &(u32, f64), b: &(u32, f64)) -> std::cmp::Ordering {
    b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
}

/// Reusable per-thread buffers (dense arrays with touched lists, reset after each use).
struct Scratch {
    /// Per item (candidate on the role side, role on the candidate side), in one cache line.
    acc: Vec<Acc>,
    touched: Vec<u32>,
    order: Vec<(u32, f64)>,
    terms: Vec<Term>,
    slot_bound: Vec<f64>,
    counts: Vec<usize>,
    sorted: Vec<(u32, f64)>,
    /// Best credit per item for the slot being expanded (indexed by candidate on the role side,
    /// by slot on the candidate side).
    cur: Vec<f64>,
    cur_touched: Vec<u32>,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch {
            acc: vec![Acc::default(); n],
            touched: Vec::new(),
            order: Vec::new(),
            terms: Vec::new(),
            slot_bound: Vec::new(),
            counts: Vec::new(),
            sorted: Vec::new(),
            cur: vec![0.0; n],
            cur_touched: Vec::new(),
        }
    }
}

/// One item's accumulators.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    /// Upper bound of the score being accumulated.
    upper: f64,
    /// Σ factor of the slots hit exactly (phase 1); a touched flag (phase 3).
    hit: f64,
    /// Σ of those slots' partial-credit bounds (role side).
    hit_bound: f64,
    /// `mark == epoch`: the item was settled by the exact phase of the current role/candidate.
    mark: u32,
}

/// Which posting list a partial-credit term reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum List {
    /// Holders of a skill (role side, hierarchy/relation routes).
    Skill(u32),
    /// Holders of a skill group (role side).
    Group(u32),
}

/// One partial-credit term: a posting list, the discount or credit it applies, the local slot it
/// serves (role side) and the most it can add to one score.
#[derive(Debug, Clone, Copy)]
struct Term {
    list: List,
    len: usize,
    slot: usize,
    credit: f64,
    bound: f64,
}

/// Orders terms by bound descending (shorter lists first on ties, then by list), a total order.
fn term_order(a: &Term, b: &Term) -> std::cmp::Ordering {
    b.bound.total_cmp(&a.bound).then(a.len.cmp(&b.len)).then(a.list.cmp(&b.list)).then(a.slot.cmp(&b.slot))
}

/// Per-side work counters.
#[derive(Default, Clone, Copy)]
struct Work {
    postings: u64,
    scored: u64,
    partial_pass: bool,
    /// Role blocks opened (candidate side).
    blocks: u64,
}

/// Bounded scoring: score the touched items in decreasing bound order until no bound can reach
/// the top-K. `s.acc[i].upper` holds each touched item's bound (reset here); `score` computes an item's
/// exact score, or `None` when the hard filters exclude it.
///
/// `fetch` is called for the item [`PREFETCH_AHEAD`] places ahead of the one being scored, so
/// that its data is on its way from memory when its turn comes: at scale a probe is bound by the
/// cache miss on the item's first bytes, not by arithmetic.
fn bounded_scoring(
    s: &mut Scratch,
    top: &mut TopK,
    work: &mut Work,
    mut score: impl FnMut(u32) -> Option<f64>,
    fetch: impl Fn(u32),
) {
    s.order.clear();
    for &i in &s.touched {
        let i_ = i as usize;
        let upper = std::mem::take(&mut s.acc[i_].upper);
        s.acc[i_].hit = 0.0;
        s.acc[i_].hit_bound = 0.0;
        if top.reachable(upper) {
            s.order.push((i, upper));
        }
    }
    s.touched.clear();
    let mut visit = |i: u32, upper: f64, top: &mut TopK| {
        if top.reachable(upper)
            && let Some(v) = score(i)
        {
            work.scored += 1;
            top.offer(i, v);
        }
    };
    if s.order.len() <= SORT_BELOW {
        s.order.sort_unstable_by(better);
        for k in 0..s.order.len() {
            let (i, upper) = s.order[k];
            if !top.reachable(upper) {
                break;
            }
            if let Some(&(ahead, _)) = s.order.get(k + PREFETCH_AHEAD) {
                fetch(ahead);
            }
            visit(i, upper, top);
        }
        return;
    }
    // Many items: a counting sort into buckets of bound, highest first, is O(n); within a
    // bucket the order does not matter for the result (every item is checked against the
    // current K-th score), and it is deterministic (touch order).
    let max_upper = s.order.iter().map(|e| e.1).fold(0.0, f64::max);
    let scale = (BUCKETS - 1) as f64 / max_upper;
    let bucket = |u: f64| (BUCKETS - 1) - ((u * scale) as usize).min(BUCKETS - 1);
    s.counts.clear();
    s.counts.resize(BUCKETS + 1, 0);
    for &(_, u) in &s.order {
        s.counts[bucket(u) + 1] += 1;
    }
    for b in 1..=BUCKETS {
        s.counts[b] += s.counts[b - 1];
    }
    s.sorted.clear();
    s.sorted.resize(s.order.len(), (0, 0.0));
    let mut fill = s.counts.clone();
    for &e in &s.order {
        let b = bucket(e.1);
        s.sorted[fill[b]] = e;
        fill[b] += 1;
    }
    for b in 0..BUCKETS {
        // Bucket b (0 = highest) holds bounds below this edge.
        let edge = ((BUCKETS - b) as f64 / scale).min(max_upper);
        if !top.reachable(edge) {
            break;
        }
        for k in s.counts[b]..s.counts[b + 1] {
            if let Some(&(ahead, _)) = s.sorted.get(k + PREFETCH_AHEAD) {
                fetch(ahead);
            }
            let (i, upper) = s.sorted[k];
            visit(i, upper, top);
        }
    }
}

/// How many items ahead of the one being scored [`bounded_scoring`] asks to prefetch.
const PREFETCH_AHEAD: usize = 12;

/// Hints the CPU to bring the cache line holding `*item` closer; never faults, changes no result.
#[inline(always)]
fn prefetch<T>(item: &T) {
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
fn prefetch_lines<T>(items: &[T]) {
    let per_line = (64 / std::mem::size_of::<T>().max(1)).max(1);
    for item in items.iter().step_by(per_line).take(PREFETCH_LINES) {
        prefetch(item);
    }
}

/// Most cache lines [`prefetch_lines`] asks for per item.
const PREFETCH_LINES: usize = 4;

/// Below this many items, bounded scoring sorts them; above, it buckets them.
const SORT_BELOW: usize = 512;
/// Number of bound buckets for large touched sets.
const BUCKETS: usize = 1024;

fn score_role(ix: &Index<'_>, r: usize, s: &mut Scratch, map: &mut RoleMap) -> (Vec<(u32, f64)>, Work) {
    map.fill(ix, r);
    let out = score_role_with(ix, r, s, map);
    map.clear();
    out
}

fn score_role_with(ix: &Index<'_>, r: usize, s: &mut Scratch, map: &mut RoleMap) -> (Vec<(u32, f64)>, Work) {
    let p = &ix.p;
    let role = ix.roles[r];
    let epoch = r as u32 + 1;
    let slots = &ix.slots[ix.role_slots[r].clone()];
    let total = ix.role_total[r];
    let mut work = Work::default();

    // The partial-credit terms of every slot and, per slot, the most they can add.
    s.terms.clear();
    s.slot_bound.clear();
    for (i, slot) in slots.iter().enumerate() {
        let start = s.terms.len();
        for (t, d) in ix.neighbours.of(slot.skill) {
            let list = &ix.by_skill[t as usize];
            if !list.is_empty() {
                let bound = slot.factor * d * ix.skill_max[t as usize];
                s.terms.push(Term { list: List::Skill(t), len: list.len(), slot: i, credit: d, bound });
            }
        }
        if p.group_credit > 0.0 {
            for &g in ix.skill_groups[slot.skill as usize] {
                let list = &ix.by_group[g as usize];
                if !list.is_empty() {
                    let bound = slot.factor * p.group_credit * ix.group_max[g as usize];
                    let term = Term { list: List::Group(g), len: list.len(), slot: i, credit: p.group_credit, bound };
                    s.terms.push(term);
                }
            }
        }
        s.slot_bound.push(s.terms[start..].iter().map(|t| t.bound).fold(0.0, f64::max));
    }
    let partial_total: f64 = s.slot_bound.iter().sum();

    // Phase 1: exact accumulation of bounds.
    for (i, slot) in slots.iter().enumerate() {
        let list = &ix.by_skill[slot.skill as usize];
        work.postings += list.len() as u64;
        let pb = s.slot_bound[i];
        for &(c, w) in list {
            let ci = c as usize;
            if s.acc[ci].mark != epoch {
                s.acc[ci].mark = epoch;
                s.touched.push(c);
            }
            s.acc[ci].upper += (slot.factor * w).max(pb.min(slot.factor * ix.bound[ci]));
            s.acc[ci].hit += slot.factor;
            s.acc[ci].hit_bound += pb;
        }
    }
    for &c in &s.touched {
        let ci = c as usize;
        let rest = (ix.bound[ci] * (total - s.acc[ci].hit)).min(partial_total - s.acc[ci].hit_bound).max(0.0);
        s.acc[ci].upper += rest;
    }
    // Phase 2: bounded exact scoring.
    let mut top = TopK::new(p.top_k, p.min_score);
    let mut score = |c: u32| eligible(&ix.profiles[c as usize], role, p).then(|| map.score(ix, r, c as usize));
    let fetch = |c: u32| ix.prefetch_candidate(c);
    bounded_scoring(s, &mut top, &mut work, &mut score, fetch);

    // Phase 3: candidates sharing no skill, through partial-credit terms, MaxScore style.
    let unseen = |rest: f64| rest.min(ix.max_bound * total);
    if top.reachable(unseen(partial_total)) {
        work.partial_pass = true;
        // Split the terms, by bound, into essential ones and a tail that cannot reach the top-K.
        s.order.clear();
        s.order.extend(s.terms.iter().enumerate().map(|(j, t)| (j as u32, t.bound)));
        let terms = &s.terms;
        s.order.sort_unstable_by(|a, b| term_order(&terms[a.0 as usize], &terms[b.0 as usize]));
        let mut tail_max = vec![0.0f64; slots.len()];
        let mut rest = 0.0;
        let mut essential = s.order.len();
        for (k, &(j, bound)) in s.order.iter().enumerate().rev() {
            let slot = terms[j as usize].slot;
            // Walking backwards, bounds only grow: this term is its slot's largest so far.
            let next = rest + bound - tail_max[slot];
            if top.reachable(unseen(next)) {
                break;
            }
            rest = next;
            tail_max[slot] = bound;
            essential = k;
        }
        if essential == s.order.len() {
            // Nothing can be left out: compute exact scores slot by slot, as the definition does.
            expand_role_partial(ix, r, epoch, s, &mut top, &mut work);
        } else {
            let picked: Vec<u32> = s.order[..essential].iter().map(|e| e.0).collect();
            for j in picked {
                let term = s.terms[j as usize];
                let factor = slots[term.slot].factor;
                let list = ix.holders(term.list);
                work.postings += list.len() as u64;
                for &(c, w) in list {
                    let ci = c as usize;
                    if s.acc[ci].mark == epoch {
                        continue;
                    }
                    if s.acc[ci].hit == 0.0 {
                        s.acc[ci].hit = 1.0;
                        s.touched.push(c);
                    }
                    s.acc[ci].upper += factor * term.credit * w;
                }
            }
            for &c in &s.touched {
                let ci = c as usize;
                s.acc[ci].upper = (s.acc[ci].upper + rest).min(ix.bound[ci] * total);
            }
            bounded_scoring(s, &mut top, &mut work, &mut score, fetch);
        }
    }
    (top.into_sorted(), work)
}

/// Per-thread buffers of the candidate side.
struct CandidateScratch {
    /// Per role block: the bound being accumulated (zero when untouched).
    bound: Vec<f64>,
    touched: Vec<u32>,
    /// Touched blocks by bound, best first (the storage is reused between candidates).
    open: Vec<Open>,
}

impl CandidateScratch {
    fn new(n_blocks: usize) -> CandidateScratch {
        CandidateScratch { bound: vec![0.0; n_blocks], touched: Vec::new(), open: Vec::new() }
    }
}

/// A role block with its bound, ordered by bound (then by block, so the order is total).
#[derive(Debug, Clone, Copy)]
struct Open(f64, u32);

impl PartialEq for Open {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == std::cmp::Ordering::Equal
    }
}
impl Eq for Open {}
impl PartialOrd for Open {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Open {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&o.0).then(o.1.cmp(&self.1))
    }
}

/// The top-K roles of candidate `c`, from blocks of similar roles (see [`role_blocks`]):
///
/// 1. the candidate's credit on every asked skill (exact, hierarchy/relation and group routes,
///    the same maxima as `score_pair`) bounds every block at once: each credited skill adds
///    `credit · (largest factor of that skill in the block)` to the blocks asking for it;
/// 2. blocks are opened best bound first and their roles scored exactly;
/// 3. the first block whose bound cannot reach the K-th score ends the search: every later
///    block's roles score at most its bound.
///
/// A role sharing no skill with the candidate is found the same way (its block's bound counts
/// partial credit), so there is no separate partial-credit pass on this side.
fn score_candidate(
    ix: &Index<'_>,
    blocks: &RoleBlocks,
    c: usize,
    s: &mut CandidateScratch,
    credits: &mut CreditMap,
) -> (Vec<(u32, f64)>, Work) {
    let p = &ix.p;
    let prof = &ix.profiles[c];
    let mut work = Work::default();
    credits.fill(ix, c);
    for &skill in &credits.touched {
        let credit = credits.credit[skill as usize];
        let list = blocks.asking(skill);
        work.postings += list.len() as u64;
        for &(b, factor) in list {
            raise_sum(&mut s.bound, &mut s.touched, b, factor * credit);
        }
    }
    let mut open = std::mem::take(&mut s.open);
    open.clear();
    open.extend(s.touched.iter().map(|&b| Open(std::mem::take(&mut s.bound[b as usize]), b)));
    s.touched.clear();
    let mut open = BinaryHeap::from(open);
    let mut top = TopK::new(p.top_k, p.min_score);
    while let Some(Open(upper, b)) = open.pop() {
        if !top.reachable(upper) {
            break;
        }
        work.blocks += 1;
        let members = blocks.members(b);
        for (k, &r) in members.iter().enumerate() {
            if let Some(&ahead) = members.get(k + PREFETCH_AHEAD / 2) {
                ix.prefetch_role(ahead);
            }
            if eligible(prof, ix.roles[r as usize], p) {
                work.scored += 1;
                top.offer(r, credits.score(ix, r as usize));
            }
        }
    }
    s.open = open.into_vec();
    credits.clear();
    (top.into_sorted(), work)
}

/// Adds `v` to `values[i]`, remembering `i` the first time it becomes non-zero.
#[inline]
fn raise_sum(values: &mut [f64], touched: &mut Vec<u32>, i: u32, v: f64) {
    let slot = &mut values[i as usize];
    if *slot == 0.0 && v > 0.0 {
        touched.push(i);
    }
    *slot += v;
}

#[inline]
fn raise(values: &mut [f64], touched: &mut Vec<u32>, i: u32, v: f64) {
    let slot = &mut values[i as usize];
    if *slot == 0.0 && v > 0.0 {
        touched.push(i);
    }
    if v > *slot {
        *slot = v;
    }
}

/// Exact scores of every candidate that shares no skill with role `r` but earns partial credit,
/// computed slot by slot (best credit per slot, then `factor · credit` in slot order, exactly as
/// the definition sums), offered to `top`. `s.terms` must still be grouped by slot.
fn expand_role_partial(ix: &Index<'_>, r: usize, epoch: u32, s: &mut Scratch, top: &mut TopK, work: &mut Work) {
    let slots = &ix.slots[ix.role_slots[r].clone()];
    let mut next = 0;
    for (i, slot) in slots.iter().enumerate() {
        while next < s.terms.len() && s.terms[next].slot == i {
            let term = s.terms[next];
            next += 1;
            let list = ix.holders(term.list);
            work.postings += list.len() as u64;
            for &(c, w) in list {
                if s.acc[c as usize].mark != epoch {
                    raise(&mut s.cur, &mut s.cur_touched, c, term.credit * w);
                }
            }
        }
        for &c in &s.cur_touched {
            let ci = c as usize;
            let v = std::mem::take(&mut s.cur[ci]);
            if s.acc[ci].hit == 0.0 {
                s.acc[ci].hit = 1.0;
                s.touched.push(c);
            }
            s.acc[ci].upper += slot.factor * v;
        }
        s.cur_touched.clear();
    }
    let role = ix.roles[r];
    for &c in &s.touched {
        let ci = c as usize;
        let v = std::mem::take(&mut s.acc[ci].upper);
        s.acc[ci].hit = 0.0;
        if eligible(&ix.profiles[ci], role, &ix.p) {
            work.scored += 1;
            top.offer(c, v);
        }
    }
    s.touched.clear();
}

/// Roles grouped into classes of identical roles: same skills with the same factors, and the
/// same location when the location filter is on. Every candidate scores the same against each
/// member of a class, so the engine scores one representative per class (the member with the
/// lowest index) and hands its results to the others. Postings often repeat the same role
/// (several openings, reposts, one role listed in several places); the generator's roles of an
/// occupation repeat when the occupation has few optional skills.
struct RoleClasses {
    /// Representative (lowest role index) of each class, ascending.
    reps: Vec<u32>,
    /// Class of each role.
    class_of: Vec<u32>,
    /// Members of each class, ascending: `members[members_at[k]..members_at[k + 1]]`.
    members: Vec<u32>,
    members_at: Vec<usize>,
}

impl RoleClasses {
    fn new(roles: &[Role], p: &ScoreParams) -> RoleClasses {
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
    fn expand(&self, items: Vec<(u32, f64)>, k: usize) -> Vec<(u32, f64)> {
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

fn ranked(items: Vec<(u32, f64)>, pair: impl Fn(u32) -> (u32, u32)) -> Vec<RankedMatch> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, (x, score))| {
            let (role, candidate) = pair(x);
            RankedMatch { role, candidate, rank: i as u32 + 1, score }
        })
        .collect()
}

/// Scores every candidate against every role and keeps the top-K of both sides.
///
/// `profiles` and `roles` must be sorted by id (ties in score break by index, hence by id).
pub fn score_all(taxonomy: &Taxonomy, profiles: &[CandidateProfile], roles: &[Role], p: &ScoreParams) -> ScoreOutput {
    let neighbours = Neighbours::new(taxonomy, p);
    score_all_with(taxonomy, &neighbours, profiles, roles, p)
}

/// [`score_all`] with prebuilt [`Neighbours`] (built from the same parameters).
pub fn score_all_with(
    taxonomy: &Taxonomy,
    neighbours: &Neighbours,
    profiles: &[CandidateProfile],
    roles: &[Role],
    p: &ScoreParams,
) -> ScoreOutput {
    let classes = RoleClasses::new(roles, p);
    let reps: Vec<&Role> = classes.reps.iter().map(|&r| &roles[r as usize]).collect();
    let ix = Index::build(taxonomy, neighbours, profiles, reps, p);
    let n_c = profiles.len();
    let n_classes = classes.reps.len();
    let t = std::time::Instant::now();
    let role_results: Vec<(Vec<(u32, f64)>, Work)> = (0..n_classes)
        .into_par_iter()
        .map_init(
            || (Scratch::new(n_c), RoleMap::new(taxonomy.skills.len(), taxonomy.groups.len())),
            |(s, map), r| score_role(&ix, r, s, map),
        )
        .collect();
    let role_side_ms = t.elapsed().as_millis() as u64;
    let t = std::time::Instant::now();
    let blocks = RoleBlocks::build(&ix, taxonomy.skills.len());
    let cand_results: Vec<(Vec<(u32, f64)>, Work)> = (0..n_c)
        .into_par_iter()
        .map_init(
            || (CandidateScratch::new(blocks.len()), CreditMap::new(taxonomy.skills.len())),
            |(s, credits), c| score_candidate(&ix, &blocks, c, s, credits),
        )
        .collect();
    let mut stats = EngineStats {
        distinct_roles: n_classes as u64,
        role_blocks: blocks.len() as u64,
        role_side_ms,
        candidate_side_ms: t.elapsed().as_millis() as u64,
        ..EngineStats::default()
    };
    for (_, w) in &role_results {
        stats.postings_visited += w.postings;
        stats.role_pairs_scored += w.scored;
        stats.role_partial_passes += w.partial_pass as u64;
    }
    for (_, w) in &cand_results {
        stats.postings_visited += w.postings;
        stats.candidate_pairs_scored += w.scored;
        stats.candidate_blocks_opened += w.blocks;
    }
    let by_role = (0..roles.len())
        .map(|r| ranked(role_results[classes.class_of[r] as usize].0.clone(), |c| (r as u32, c)))
        .collect();
    let by_candidate = cand_results
        .into_par_iter()
        .enumerate()
        .map(|(c, (items, _))| ranked(classes.expand(items, p.top_k), |r| (r, c as u32)))
        .collect();
    ScoreOutput { by_role, by_candidate, pairs_scored: stats.role_pairs_scored + stats.candidate_pairs_scored, stats }
}
