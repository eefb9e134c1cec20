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
//! [`blocks`]).
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

mod blocks;

use blocks::{Blocks, CANDIDATE_BLOCKS, ROLE_BLOCKS};

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
    /// Block-bound entries read, both sides (each names a block and the most its members hold
    /// or ask of one skill or group).
    pub postings_visited: u64,
    /// Distinct roles scored: identical roles (same skills and factors, and location when the
    /// location filter is on) are scored once.
    pub distinct_roles: u64,
    /// Pairs scored exactly on the role side, once per distinct role.
    pub role_pairs_scored: u64,
    /// Pairs scored exactly on the candidate side.
    pub candidate_pairs_scored: u64,
    /// Blocks of similar candidates the role side bounds.
    pub candidate_blocks: u64,
    /// Blocks of similar (distinct) roles the candidate side bounds.
    pub role_blocks: u64,
    /// Candidate blocks opened by roles, all distinct roles together (each opened block's
    /// candidates are scored exactly; compare with distinct roles × `candidate_blocks`).
    pub candidate_blocks_opened: u64,
    /// Role blocks opened by candidates, all candidates together (compare with candidates ×
    /// `role_blocks`).
    pub role_blocks_opened: u64,
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

/// The engine's view of the run: flat candidate items, flat role slots and the reverse
/// partial-credit maps, built once per run.
struct Index<'a> {
    profiles: &'a [CandidateProfile],
    /// One role per [`RoleClasses`] class (its representative): identical roles are scored once.
    roles: Vec<&'a Role>,
    p: ScoreParams,
    neighbours: &'a Neighbours,
    /// Every candidate's held skills `(skill, weight)` in skill order, then its groups
    /// `(group, best weight of its skills in that group)` in group order, all candidates back to
    /// back: probing a candidate reads one contiguous block (one cache miss, prefetchable)
    /// instead of chasing the profile's vectors.
    cand_items: Vec<(u32, f64)>,
    /// `cand_at[c]..cand_mid[c]` are candidate c's skills in `cand_items`, `cand_mid[c]..cand_at[c + 1]`
    /// its groups.
    cand_at: Vec<usize>,
    cand_mid: Vec<usize>,
    /// All role slots, grouped by role in role order; `role_slots[r]` is the range of role r.
    slots: Vec<Slot>,
    role_slots: Vec<std::ops::Range<usize>>,
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
        for role in &roles {
            let start = slots.len();
            for (rs, factor) in role.skills.iter().zip(slot_factors(role, p)) {
                slots.push(Slot { skill: rs.skill, factor });
                is_asked[rs.skill as usize] = true;
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

    /// The smallest upper bound [`TopK::reachable`] still accepts (up to the `EPS` slack).
    fn floor(&self) -> f64 {
        let floor = self.min_score - EPS;
        match self.heap.peek() {
            Some(w) if self.heap.len() >= self.k => floor.max(w.1 - EPS),
            _ => floor,
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

/// Per-side work counters.
#[derive(Default, Clone, Copy)]
struct Work {
    /// Block-bound entries read.
    postings: u64,
    /// Pairs scored exactly.
    scored: u64,
    /// Blocks of the other side opened.
    blocks: u64,
}

/// How many items ahead of the one being scored a block asks to prefetch.
const PREFETCH_AHEAD: usize = 6;

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

/// Per-thread buffers of a side that bounds blocks of the other (dense over blocks: at scale
/// most blocks are touched, and dense arrays need no branch to track which).
struct BlockScratch {
    /// Per block: the bound being accumulated.
    bound: Vec<f64>,
    /// Per block: the best credit on the slot being bounded (role side).
    cur: Vec<f64>,
    /// Blocks touched by the slot being bounded, when its lists are short (role side).
    cur_touched: Vec<u32>,
    /// The partial-credit routes of the slot being bounded: (key, discount) (role side).
    routes: Vec<(u32, f64)>,
    /// Touched blocks by bound (the storage is reused).
    open: Vec<Open>,
}

impl BlockScratch {
    fn new(n_blocks: usize) -> BlockScratch {
        BlockScratch {
            bound: vec![0.0; n_blocks],
            cur: vec![0.0; n_blocks],
            cur_touched: Vec::new(),
            routes: Vec::new(),
            open: Vec::new(),
        }
    }

    /// Opens the blocks in decreasing bound order, calling `visit` on each, until the next
    /// bound cannot reach `top`; then resets every bound to zero. Returns the blocks opened.
    ///
    /// Only the first few blocks are usually opened, so instead of ordering them all this takes
    /// them in bands of bound (the top half of the largest bound first, then halving, never
    /// below what `top` can still reach), sorting only each band.
    fn open_blocks(&mut self, top: &mut TopK, mut visit: impl FnMut(u32, &mut TopK)) -> u64 {
        let max = self.bound.iter().copied().fold(0.0, f64::max);
        let mut opened = 0;
        let mut hi = f64::INFINITY;
        let mut lo = max * 0.5;
        'bands: loop {
            // A band far below the largest bound is not worth another pass: take everything.
            if lo < max * 1e-3 {
                lo = 0.0;
            }
            self.open.clear();
            for (b, &u) in self.bound.iter().enumerate() {
                if u < hi && (u >= lo && u > 0.0) {
                    self.open.push(Open(u, b as u32));
                }
            }
            self.open.sort_unstable_by(|a, b| b.cmp(a));
            for &Open(upper, b) in &self.open {
                if !top.reachable(upper) {
                    break 'bands;
                }
                opened += 1;
                visit(b, top);
            }
            // Every bound left is below `lo`; `top` takes none below its floor.
            let next = (lo * 0.5).max(top.floor());
            if lo == 0.0 || next >= lo {
                break;
            }
            hi = lo;
            lo = next;
        }
        self.bound.fill(0.0);
        opened
    }
}

/// The top-K candidates of role `r`, from blocks of similar candidates (see [`blocks`]): per
/// slot, each block's best credit over the exact, hierarchy/relation and group routes of its
/// virtual candidate (the members' largest weights), times the slot's factor, summed per
/// block; then blocks are opened best bound first, exactly as on the candidate side.
fn score_role(
    ix: &Index<'_>,
    blocks: &Blocks,
    r: usize,
    s: &mut BlockScratch,
    map: &mut RoleMap,
) -> (Vec<(u32, f64)>, Work) {
    let p = &ix.p;
    let role = ix.roles[r];
    let n_skills = ix.skill_groups.len() as u32;
    let gc = p.group_credit;
    let mut work = Work::default();
    map.fill(ix, r);
    for slot in &ix.slots[ix.role_slots[r].clone()] {
        // The slot's routes: (key, discount).
        s.routes.clear();
        s.routes.push((slot.skill, 1.0));
        s.routes.extend(ix.neighbours.of(slot.skill));
        if gc > 0.0 {
            s.routes.extend(ix.skill_groups[slot.skill as usize].iter().map(|&g| (n_skills + g, gc)));
        }
        let mut len = 0;
        for &(key, d) in &s.routes {
            let list = blocks.with_key(key);
            len += list.len();
            // Branch-free maximum: the per-block credit of this slot.
            for &(b, w) in list {
                let c = &mut s.cur[b as usize];
                *c = c.max(d * w);
            }
        }
        work.postings += len as u64;
        let f = slot.factor;
        if len * 8 < s.cur.len() {
            // Short lists: flush the touched blocks only.
            for &(key, _) in &s.routes {
                s.cur_touched.extend(blocks.with_key(key).iter().map(|e| e.0));
            }
            for &b in &s.cur_touched {
                s.bound[b as usize] += f * std::mem::take(&mut s.cur[b as usize]);
            }
            s.cur_touched.clear();
        } else {
            // Long lists: one dense pass (untouched blocks add `f · 0`).
            for (bound, c) in s.bound.iter_mut().zip(s.cur.iter_mut()) {
                *bound += f * std::mem::take(c);
            }
        }
    }
    let mut top = TopK::new(p.top_k, p.min_score);
    let mut scored = 0;
    work.blocks = s.open_blocks(&mut top, |b, top| {
        let members = blocks.members(b);
        for (k, &c) in members.iter().enumerate() {
            if let Some(&ahead) = members.get(k + PREFETCH_AHEAD) {
                ix.prefetch_candidate(ahead);
            }
            if eligible(&ix.profiles[c as usize], role, p) {
                scored += 1;
                top.offer(c, map.score(ix, r, c as usize));
            }
        }
    });
    work.scored = scored;
    map.clear();
    (top.into_sorted(), work)
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

/// The top-K roles of candidate `c`, from blocks of similar roles (see [`blocks`]):
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
    blocks: &Blocks,
    c: usize,
    s: &mut BlockScratch,
    credits: &mut CreditMap,
) -> (Vec<(u32, f64)>, Work) {
    let p = &ix.p;
    let prof = &ix.profiles[c];
    let mut work = Work::default();
    credits.fill(ix, c);
    for &skill in &credits.touched {
        let credit = credits.credit[skill as usize];
        let list = blocks.with_key(skill);
        work.postings += list.len() as u64;
        for &(b, factor) in list {
            s.bound[b as usize] += factor * credit;
        }
    }
    let mut top = TopK::new(p.top_k, p.min_score);
    let mut scored = 0;
    work.blocks = s.open_blocks(&mut top, |b, top| {
        let members = blocks.members(b);
        for (k, &r) in members.iter().enumerate() {
            if let Some(&ahead) = members.get(k + PREFETCH_AHEAD) {
                ix.prefetch_role(ahead);
            }
            if eligible(prof, ix.roles[r as usize], p) {
                scored += 1;
                top.offer(r, credits.score(ix, r as usize));
            }
        }
    });
    work.scored = scored;
    credits.clear();
    (top.into_sorted(), work)
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
    let n_skills = taxonomy.skills.len();
    let groups = p.group_credit > 0.0;
    let cand_blocks = Blocks::build(n_c, n_skills + taxonomy.groups.len(), &CANDIDATE_BLOCKS, |c, buf| {
        buf.extend_from_slice(ix.skills_of(c));
        if groups {
            buf.extend(ix.groups_of(c).iter().map(|&(g, w)| (n_skills as u32 + g, w)));
        }
    });
    let role_results: Vec<(Vec<(u32, f64)>, Work)> = (0..n_classes)
        .into_par_iter()
        .map_init(
            || (BlockScratch::new(cand_blocks.len()), RoleMap::new(n_skills, taxonomy.groups.len())),
            |(s, map), r| score_role(&ix, &cand_blocks, r, s, map),
        )
        .collect();
    let role_side_ms = t.elapsed().as_millis() as u64;
    let t = std::time::Instant::now();
    let role_blocks = Blocks::build(n_classes, n_skills, &ROLE_BLOCKS, |r, buf| {
        buf.extend(ix.slots[ix.role_slots[r].clone()].iter().map(|s| (s.skill, s.factor)));
    });
    let cand_results: Vec<(Vec<(u32, f64)>, Work)> = (0..n_c)
        .into_par_iter()
        .map_init(
            || (BlockScratch::new(role_blocks.len()), CreditMap::new(n_skills)),
            |(s, credits), c| score_candidate(&ix, &role_blocks, c, s, credits),
        )
        .collect();
    let mut stats = EngineStats {
        distinct_roles: n_classes as u64,
        candidate_blocks: cand_blocks.len() as u64,
        role_blocks: role_blocks.len() as u64,
        role_side_ms,
        candidate_side_ms: t.elapsed().as_millis() as u64,
        ..EngineStats::default()
    };
    for (_, w) in &role_results {
        stats.postings_visited += w.postings;
        stats.role_pairs_scored += w.scored;
        stats.candidate_blocks_opened += w.blocks;
    }
    for (_, w) in &cand_results {
        stats.postings_visited += w.postings;
        stats.candidate_pairs_scored += w.scored;
        stats.role_blocks_opened += w.blocks;
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
