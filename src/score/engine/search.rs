//! The block search of each side: bound every block of the other side at once, open blocks
//! best bound first, score their members exactly, stop at the first block that cannot reach
//! the K-th score (see [`super::blocks`]).

use super::blocks::Blocks;
use super::index::{Index, PREFETCH_AHEAD};
use super::maps::{CreditMap, RoleMap};
use super::topk::TopK;
use super::{Work, eligible};
use crate::score::credit::blend;

/// A member's fit mass and the fit weight, to bound each member of an opened block on its own
/// (role side with the fit term on).
pub(super) type MemberMass<'a> = (&'a dyn Fn(u32) -> f64, f64);

/// Per-thread buffers of a side that bounds blocks of the other (dense over blocks: at scale
/// most blocks are touched, and dense arrays need no branch to track which).
pub(super) struct BlockScratch {
    /// Per block: the bound being accumulated (of the requirement term, then of the score).
    bound: Vec<f64>,
    /// Per block: the bound of the fit term's numerator `Σ fit · credit` being accumulated.
    used: Vec<f64>,
    /// Per block: the requirement term's bound, kept for member bounds (role side, fit on).
    req: Vec<f64>,
    /// Per block: the best credit on the slot being bounded (role side).
    cur: Vec<f64>,
    /// Blocks touched by the slot being bounded, when its lists are short (role side).
    cur_touched: Vec<u32>,
    /// The routes of the slot being bounded, exact, hierarchy/relation and group: (key,
    /// discount) (role side).
    routes: Vec<(u32, f64)>,
    /// The band of blocks being opened, as (bound, block) (the storage is reused).
    open: Vec<(f64, u32)>,
}

impl BlockScratch {
    /// Buffers for a side whose other side has `n_blocks` blocks.
    pub(super) fn new(n_blocks: usize) -> BlockScratch {
        BlockScratch {
            bound: vec![0.0; n_blocks],
            used: vec![0.0; n_blocks],
            req: Vec::new(),
            cur: vec![0.0; n_blocks],
            cur_touched: Vec::new(),
            routes: Vec::new(),
            open: Vec::new(),
        }
    }

    /// Turns each block's two accumulated bounds (requirement, fit numerator) into a bound of the
    /// score, given the smallest fit mass of a block's members (and whether a member has none, so
    /// scores on the requirement term alone) (role side). [`blend`] is monotone
    /// in both terms and decreasing in the mass, so the result bounds every member's score.
    ///
    /// Each block's requirement bound is kept in `req` and its fit numerator bound in `used`
    /// (until [`BlockScratch::search`] resets them), so that a member of an opened block can be
    /// bounded with its own fit mass before it is scored.
    fn blend_bounds(&mut self, fit_weight: f64, mass_of: impl Fn(usize) -> BlockMass) {
        self.req.clear();
        self.req.extend_from_slice(&self.bound);
        for (b, (bound, &u)) in self.bound.iter_mut().zip(self.used.iter()).enumerate() {
            let m = mass_of(b);
            let fitted = blend(*bound, u, m.least, fit_weight);
            *bound = if m.unweighed { fitted.max(*bound) } else { fitted };
        }
    }

    /// Opens the blocks in decreasing bound order until the next bound cannot reach `top`,
    /// offering each opened block's members to `top` with their exact `score` (`None`: the hard
    /// filters exclude the pair; `fetch` prefetches a member [`PREFETCH_AHEAD`] places ahead),
    /// counting blocks and pairs in `work`; then resets every bound to zero.
    ///
    /// Only the first few blocks are usually opened, so instead of ordering them all this takes
    /// them in bands of bound (the top half of the largest bound first, then halving, never
    /// below what `top` can still reach), sorting only each band.
    pub(super) fn search(
        &mut self,
        blocks: &Blocks,
        top: &mut TopK,
        work: &mut Work,
        fetch: impl Fn(u32),
        member_mass: Option<MemberMass<'_>>,
        mut score: impl FnMut(u32) -> Option<f64>,
    ) {
        let max = self.bound.iter().copied().fold(0.0, f64::max);
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
                    self.open.push((u, b as u32));
                }
            }
            // Bound descending, then block ascending: a total order.
            self.open.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            for &(upper, b) in &self.open {
                if !top.reachable(upper) {
                    break 'bands;
                }
                work.blocks += 1;
                let members = blocks.members(b);
                for (k, &m) in members.iter().enumerate() {
                    if let Some(&ahead) = members.get(k + PREFETCH_AHEAD) {
                        fetch(ahead);
                    }
                    // A member's own bound: the block's two sums blended with its own fit mass
                    // (the block's bound used the smallest). Skipped members cannot reach `top`.
                    if let Some((mass, fit_weight)) = member_mass
                        && !top.reachable(blend(self.req[b as usize], self.used[b as usize], mass(m), fit_weight))
                    {
                        continue;
                    }
                    if let Some(v) = score(m) {
                        work.scored += 1;
                        top.offer(m, v);
                    }
                }
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
        if member_mass.is_some() {
            self.used.fill(0.0);
        }
    }
}

/// The fit masses of a block of candidates: the smallest positive one, and whether a member
/// has none (so its score is the requirement term alone).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct BlockMass {
    pub(super) least: f64,
    pub(super) unweighed: bool,
}

impl BlockMass {
    /// The masses of every block of `blocks` over `profiles`.
    pub(super) fn of(blocks: &Blocks, profiles: &[crate::score::model::CandidateProfile]) -> Vec<BlockMass> {
        (0..blocks.len() as u32)
            .map(|b| {
                let mut m = BlockMass { least: f64::INFINITY, unweighed: false };
                for &c in blocks.members(b) {
                    let mass = profiles[c as usize].fit_mass;
                    if mass > 0.0 {
                        m.least = m.least.min(mass);
                    } else {
                        m.unweighed = true;
                    }
                }
                if m.least.is_infinite() {
                    m.least = 0.0;
                }
                m
            })
            .collect()
    }
}

/// The top-K candidates of role `r`, from blocks of similar candidates (see [`super::blocks`]): per
/// slot, each block's best credit over the exact, hierarchy/relation and group routes of its
/// virtual candidate (the members' largest weights), times the slot's factor, summed per
/// block; then blocks are opened best bound first, exactly as on the candidate side.
pub(super) fn score_role(
    ix: &Index<'_>,
    blocks: &Blocks,
    masses: &[BlockMass],
    r: usize,
    s: &mut BlockScratch,
    map: &mut RoleMap,
) -> (Vec<(u32, f64)>, Work) {
    let p = &ix.p;
    let role = ix.roles[r];
    let gc = p.group_credit;
    let fitted = p.fit_weight > 0.0;
    let mut work = Work::default();
    map.fill(ix, r);
    for slot in &ix.slots[ix.role_slots[r].clone()] {
        // The slot's routes: (key, discount).
        s.routes.clear();
        s.routes.push((slot.skill, 1.0));
        s.routes.extend(ix.neighbours.of(slot.skill));
        if gc > 0.0 {
            s.routes.extend(ix.skill_groups[slot.skill as usize].iter().map(|&g| (ix.group_key(g), gc)));
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
        let (f, fit) = (slot.factor, if fitted { slot.fit } else { 0.0 });
        if len * 8 < s.cur.len() {
            // Short lists: flush the touched blocks only.
            for &(key, _) in &s.routes {
                s.cur_touched.extend(blocks.with_key(key).iter().map(|e| e.0));
            }
            for &b in &s.cur_touched {
                let c = std::mem::take(&mut s.cur[b as usize]);
                s.bound[b as usize] += f * c;
                s.used[b as usize] += fit * c;
            }
            s.cur_touched.clear();
        } else if fitted {
            // Long lists: one dense pass (untouched blocks add `f · 0`).
            for ((bound, used), c) in s.bound.iter_mut().zip(s.used.iter_mut()).zip(s.cur.iter_mut()) {
                let c = std::mem::take(c);
                *bound += f * c;
                *used += fit * c;
            }
        } else {
            // The same without the fit sum, which stays 0.
            for (bound, c) in s.bound.iter_mut().zip(s.cur.iter_mut()) {
                *bound += f * std::mem::take(c);
            }
        }
    }
    if fitted {
        s.blend_bounds(p.fit_weight, |b| masses[b]);
    }
    let mut top = TopK::new(p.top_k, p.min_score);
    let fetch = |c: u32| ix.prefetch_candidate(c);
    let score = |c: u32| eligible(&ix.profiles[c as usize], role, p).then(|| map.score(ix, r, c as usize));
    let mass = |c: u32| ix.profiles[c as usize].fit_mass;
    let member_mass: Option<MemberMass<'_>> = if fitted { Some((&mass, p.fit_weight)) } else { None };
    s.search(blocks, &mut top, &mut work, fetch, member_mass, score);
    map.clear();
    (top.into_sorted(), work)
}

/// The top-K roles of candidate `c`, from blocks of similar roles (see [`super::blocks`]):
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
pub(super) fn score_candidate(
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
    let mass = prof.fit_mass;
    let fitted = p.fit_weight > 0.0 && mass > 0.0;
    // With the fit term, each entry adds `(1 − λ) · factor · credit + λ · ρ_max · credit / mass`:
    // the blend without its `min(1, ·)` (which only lowers it), so one pass bounds both terms.
    let (req_scale, fit_scale) = if fitted { (1.0 - p.fit_weight, p.fit_weight / mass) } else { (1.0, 0.0) };
    for &skill in &credits.touched {
        let credit = credits.credit[skill as usize];
        let list = blocks.with_key(skill);
        work.postings += list.len() as u64;
        if fitted {
            // Every role of a block listing the skill gives it at most its largest fit weight.
            let (c, u) = (req_scale * credit, fit_scale * ix.max_fit[skill as usize] * credit);
            for &(b, factor) in list {
                s.bound[b as usize] += factor * c + u;
            }
        } else {
            for &(b, factor) in list {
                s.bound[b as usize] += factor * credit;
            }
        }
    }
    let mut top = TopK::new(p.top_k, p.min_score);
    let fetch = |r: u32| ix.prefetch_role(r);
    let score = |r: u32| eligible(prof, ix.roles[r as usize], p).then(|| credits.score(ix, r as usize, mass));
    s.search(blocks, &mut top, &mut work, fetch, None, score);
    credits.clear();
    (top.into_sorted(), work)
}
