//! The scoring engine: every role against every candidate through inverted indexes.
//!
//! The score of candidate `c` for role `r` is (see `docs/SCORING.md`):
//!
//! ```text
//! score(c, r) = Σ_{s ∈ skills(r)} factor(r, s) · credit(c, s)
//! credit(c, s) = max( w(c, s), group_credit · max_{t held by c, group(t) ∩ group(s) ≠ ∅} w(c, t) )
//! factor(r, s) = W_req · imp(s) / (Σ_{R} imp · D) for required s, likewise W_pref over P
//! D = W_req · [R ≠ ∅] + W_pref · [P ≠ ∅]
//! ```
//!
//! where `w(c, s)` is the strongest evidence weight the candidate has for `s` (0 if none) and
//! `imp(s)` the skill's importance in the role (1 for every skill, or its inverse frequency over
//! postings with `[score] importance = "idf"`), so a score lies in [0, 1]. Both sides (top-K candidates per role, top-K roles per candidate) are
//! computed exactly through inverted indexes, in parallel with rayon; contributions are summed
//! in the role's skill order on both sides, so a pair gets the bit-identical score either way.

use rayon::prelude::*;

use super::model::{CandidateProfile, Role};
use crate::ingest::Requirement;
use crate::taxonomy::{SkillId, Taxonomy};

/// Scoring parameters (from `[score]` in the config).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreParams {
    /// Weight of required coverage.
    pub required_weight: f64,
    /// Weight of preferred coverage.
    pub preferred_weight: f64,
    /// Partial credit for a held skill of the same skill group.
    pub group_credit: f64,
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

/// Output of the engine.
#[derive(Debug, Clone, Default)]
pub struct ScoreOutput {
    /// Top-K candidates per role, indexed like the roles.
    pub by_role: Vec<Vec<RankedMatch>>,
    /// Top-K roles per candidate, indexed like the profiles.
    pub by_candidate: Vec<Vec<RankedMatch>>,
    /// Candidate–role pairs that received a non-zero score (work actually done).
    pub pairs_scored: u64,
}

/// A role's skill slot: the unit both sides accumulate over.
#[derive(Debug, Clone, Copy)]
struct Slot {
    role: u32,
    skill: SkillId,
    factor: f64,
}

/// Inverted indexes built once per run.
struct Index<'a> {
    profiles: &'a [CandidateProfile],
    roles: &'a [Role],
    /// skill → (candidate, weight)
    by_skill: Vec<Vec<(u32, f64)>>,
    /// group → (candidate, best weight of the candidate's skills in that group)
    by_group: Vec<Vec<(u32, f64)>>,
    /// All role slots, grouped by role in role order; `role_slots[r]` is the range of role r.
    slots: Vec<Slot>,
    role_slots: Vec<std::ops::Range<usize>>,
    /// skill → slots asking for it
    slots_by_skill: Vec<Vec<u32>>,
    /// group → slots whose skill is in that group
    slots_by_group: Vec<Vec<u32>>,
    skill_groups: Vec<&'a [u32]>,
}

/// The factor of every role skill, in the role's skill order (see the module docs):
/// `W_level · importance(s) / (Σ importance over skills of that level · D)`.
///
/// Both the engine and [`score_pair`] use these exact values, so scores agree bit for bit.
pub fn slot_factors(role: &Role, p: &ScoreParams) -> Vec<f64> {
    let (mut sum_req, mut sum_pref) = (0.0, 0.0);
    for (rs, imp) in role.skills.iter().zip(&role.importance) {
        match rs.requirement {
            Requirement::Required => sum_req += imp,
            Requirement::Preferred => sum_pref += imp,
        }
    }
    let d = if sum_req > 0.0 { p.required_weight } else { 0.0 } + if sum_pref > 0.0 { p.preferred_weight } else { 0.0 };
    role.skills
        .iter()
        .zip(&role.importance)
        .map(|(rs, imp)| {
            let (w, sum) = match rs.requirement {
                Requirement::Required => (p.required_weight, sum_req),
                Requirement::Preferred => (p.preferred_weight, sum_pref),
            };
            if d <= 0.0 || sum <= 0.0 { 0.0 } else { w * imp / (sum * d) }
        })
        .collect()
}

impl<'a> Index<'a> {
    fn build(
        taxonomy: &'a Taxonomy,
        profiles: &'a [CandidateProfile],
        roles: &'a [Role],
        p: &ScoreParams,
    ) -> Index<'a> {
        let n_skills = taxonomy.skills.len();
        let n_groups = taxonomy.groups.len();
        let skill_groups: Vec<&[u32]> = taxonomy.skills.iter().map(|s| s.groups.as_slice()).collect();
        let mut by_skill = vec![Vec::new(); n_skills];
        let mut by_group: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n_groups];
        for (ci, prof) in profiles.iter().enumerate() {
            let ci = ci as u32;
            for h in &prof.skills {
                by_skill[h.skill as usize].push((ci, h.weight));
                for &g in skill_groups[h.skill as usize] {
                    let list = &mut by_group[g as usize];
                    match list.last_mut() {
                        Some((c, w)) if *c == ci => *w = w.max(h.weight),
                        _ => list.push((ci, h.weight)),
                    }
                }
            }
        }
        let mut slots = Vec::new();
        let mut role_slots = Vec::with_capacity(roles.len());
        let mut slots_by_skill = vec![Vec::new(); n_skills];
        let mut slots_by_group = vec![Vec::new(); n_groups];
        for (ri, role) in roles.iter().enumerate() {
            let factors = slot_factors(role, p);
            let start = slots.len();
            for (rs, &factor) in role.skills.iter().zip(&factors) {
                let si = slots.len() as u32;
                slots.push(Slot { role: ri as u32, skill: rs.skill, factor });
                slots_by_skill[rs.skill as usize].push(si);
                for &g in skill_groups[rs.skill as usize] {
                    slots_by_group[g as usize].push(si);
                }
            }
            role_slots.push(start..slots.len());
        }
        Index { profiles, roles, by_skill, by_group, slots, role_slots, slots_by_skill, slots_by_group, skill_groups }
    }
}

/// Reusable per-thread buffers (dense arrays with touched lists, reset after each use).
struct Scratch {
    cur: Vec<f64>,
    cur_touched: Vec<u32>,
    acc: Vec<f64>,
    acc_touched: Vec<u32>,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch { cur: vec![0.0; n], cur_touched: Vec::new(), acc: vec![0.0; n], acc_touched: Vec::new() }
    }
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

/// Orders by score descending, then by index ascending (ids are sorted, so ties break by id).
fn better(a: &(u32, f64), b: &(u32, f64)) -> std::cmp::Ordering {
    b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
}

fn top_k(mut items: Vec<(u32, f64)>, k: usize) -> Vec<(u32, f64)> {
    if items.len() > k {
        items.select_nth_unstable_by(k - 1, better);
        items.truncate(k);
    }
    items.sort_by(better);
    items
}

fn score_role(ix: &Index<'_>, r: usize, p: &ScoreParams, s: &mut Scratch) -> (Vec<(u32, f64)>, u64) {
    for slot in &ix.slots[ix.role_slots[r].clone()] {
        for &(c, w) in &ix.by_skill[slot.skill as usize] {
            raise(&mut s.cur, &mut s.cur_touched, c, w);
        }
        if p.group_credit > 0.0 {
            for &g in ix.skill_groups[slot.skill as usize] {
                for &(c, w) in &ix.by_group[g as usize] {
                    raise(&mut s.cur, &mut s.cur_touched, c, p.group_credit * w);
                }
            }
        }
        for &c in &s.cur_touched {
            let v = std::mem::take(&mut s.cur[c as usize]);
            if s.acc[c as usize] == 0.0 {
                s.acc_touched.push(c);
            }
            s.acc[c as usize] += slot.factor * v;
        }
        s.cur_touched.clear();
    }
    let pairs = s.acc_touched.len() as u64;
    let mut items = Vec::with_capacity(s.acc_touched.len());
    for &c in &s.acc_touched {
        let v = std::mem::take(&mut s.acc[c as usize]);
        if v > 0.0 && v >= p.min_score && eligible(&ix.profiles[c as usize], &ix.roles[r], p) {
            items.push((c, v));
        }
    }
    s.acc_touched.clear();
    (top_k(items, p.top_k), pairs)
}

fn score_candidate(ix: &Index<'_>, c: usize, p: &ScoreParams, s: &mut Scratch) -> Vec<(u32, f64)> {
    // `cur` is indexed by slot, `acc` marks touched roles.
    for h in &ix.profiles[c].skills {
        for &si in &ix.slots_by_skill[h.skill as usize] {
            raise(&mut s.cur, &mut s.cur_touched, si, h.weight);
        }
        if p.group_credit > 0.0 {
            for &g in ix.skill_groups[h.skill as usize] {
                for &si in &ix.slots_by_group[g as usize] {
                    raise(&mut s.cur, &mut s.cur_touched, si, p.group_credit * h.weight);
                }
            }
        }
    }
    for &si in &s.cur_touched {
        let r = ix.slots[si as usize].role;
        if s.acc[r as usize] == 0.0 {
            s.acc[r as usize] = 1.0;
            s.acc_touched.push(r);
        }
    }
    let mut items = Vec::with_capacity(s.acc_touched.len());
    for &r in &s.acc_touched {
        s.acc[r as usize] = 0.0;
        // Sum in slot order, skipping zeros, exactly as the role side does.
        let mut total = 0.0;
        for si in ix.role_slots[r as usize].clone() {
            let v = s.cur[si];
            if v > 0.0 {
                total += ix.slots[si].factor * v;
            }
        }
        if total > 0.0 && total >= p.min_score && eligible(&ix.profiles[c], &ix.roles[r as usize], p) {
            items.push((r, total));
        }
    }
    for &si in &s.cur_touched {
        s.cur[si as usize] = 0.0;
    }
    s.cur_touched.clear();
    s.acc_touched.clear();
    top_k(items, p.top_k)
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
    let ix = Index::build(taxonomy, profiles, roles, p);
    let n_c = profiles.len();
    let n_slots = ix.slots.len();
    let role_results: Vec<(Vec<(u32, f64)>, u64)> =
        (0..roles.len()).into_par_iter().map_init(|| Scratch::new(n_c), |s, r| score_role(&ix, r, p, s)).collect();
    let cand_results: Vec<Vec<(u32, f64)>> = (0..n_c)
        .into_par_iter()
        .map_init(
            || Scratch {
                cur: vec![0.0; n_slots],
                cur_touched: Vec::new(),
                acc: vec![0.0; roles.len()],
                acc_touched: Vec::new(),
            },
            |s, c| score_candidate(&ix, c, p, s),
        )
        .collect();
    let pairs_scored = role_results.iter().map(|(_, n)| n).sum();
    let by_role =
        role_results.into_iter().enumerate().map(|(r, (items, _))| ranked(items, |c| (r as u32, c))).collect();
    let by_candidate =
        cand_results.into_iter().enumerate().map(|(c, items)| ranked(items, |r| (r, c as u32))).collect();
    ScoreOutput { by_role, by_candidate, pairs_scored }
}

/// Scores one pair directly from the definition (no index): the reference the engine is tested against.
pub fn score_pair(taxonomy: &Taxonomy, profile: &CandidateProfile, role: &Role, p: &ScoreParams) -> f64 {
    let factors = slot_factors(role, p);
    let mut total = 0.0;
    for (rs, factor) in role.skills.iter().zip(factors) {
        let credit = credit_of(taxonomy, profile, rs.skill, p.group_credit).0;
        if credit > 0.0 {
            total += factor * credit;
        }
    }
    total
}

/// How a candidate earns credit for a skill.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CreditVia {
    /// Holds the skill itself.
    Exact,
    /// Holds `held`, which shares skill group `group` with the asked skill.
    Group {
        /// The held skill.
        held: SkillId,
        /// The shared group (index into the taxonomy's groups).
        group: u32,
    },
    /// No credit.
    None,
}

/// The credit a candidate earns for `skill` and how (the definition in the module docs).
pub fn credit_of(
    taxonomy: &Taxonomy,
    profile: &CandidateProfile,
    skill: SkillId,
    group_credit: f64,
) -> (f64, CreditVia) {
    let mut best = (0.0, CreditVia::None);
    if let Some(h) = profile.held(skill) {
        best = (h.weight, CreditVia::Exact);
    }
    if group_credit > 0.0 {
        let wanted = &taxonomy.skill(skill).groups;
        for h in &profile.skills {
            let v = group_credit * h.weight;
            if v <= best.0 {
                continue;
            }
            if let Some(&g) = taxonomy.skill(h.skill).groups.iter().find(|g| wanted.binary_search(g).is_ok()) {
                best = (v, CreditVia::Group { held: h.skill, group: g });
            }
        }
    }
    best
}
