//! Blocks of similar roles, which bound the candidate side of the engine.
//!
//! A candidate's score for a role is `Σ factor(r, s) · credit(c, s)` over the role's skills. For a
//! block of roles, `Σ_{s ∈ union} max_{r ∈ block} factor(r, s) · credit(c, s)` bounds the score
//! of every member, because each member's skills are in the union and each factor is at most
//! the maximum. A candidate therefore bounds whole blocks from its credits, opens them in
//! decreasing bound order, scores their members exactly, and stops at the first block whose
//! bound cannot reach its K-th score: the members of every later block cannot either.
//!
//! The bound is tight when a block's roles ask for nearly the same skills, so roles are ordered
//! by a MinHash signature of their skill sets (roles sharing skills tend to share minima and
//! sort together) and cut greedily into blocks whose union stays within
//! [`MAX_GROWTH`] times their largest member. Everything is deterministic: the hash is fixed and
//! ties sort by role index.

use super::{Index, SkillId};

/// Most roles in one block.
const MAX_MEMBERS: usize = 32;
/// A block's union of skills may grow to this multiple of its largest member's skill count.
/// Measured at 200k × 20k and 1M × 100k (docs/PERFORMANCE.md): larger blocks bound fewer
/// entries per candidate but open more roles per block that cannot make the list.
const MAX_GROWTH: f64 = 1.6;
/// Number of MinHash functions in the sort key.
const HASHES: usize = 3;

/// Roles cut into blocks, with the per-skill entries that bound each block.
pub(super) struct RoleBlocks {
    /// Role indices, block after block.
    members: Vec<u32>,
    /// `members[block_at[b]..block_at[b + 1]]` are block `b`'s roles.
    block_at: Vec<usize>,
    /// `entries[skill_at[s]..skill_at[s + 1]]`: the blocks whose roles ask for skill `s`, each
    /// with the largest factor of `s` among its roles, blocks ascending.
    skill_at: Vec<usize>,
    entries: Vec<(u32, f64)>,
}

/// A 64-bit mixer (the finaliser of MurmurHash3): a fixed, well-spread hash of a skill id.
fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

impl RoleBlocks {
    /// Blocks over the index's roles.
    pub(super) fn build(ix: &Index<'_>, n_skills: usize) -> RoleBlocks {
        let n_roles = ix.role_slots.len();
        let slots_of = |r: usize| &ix.slots[ix.role_slots[r].clone()];
        let mut order: Vec<([u64; HASHES], u32)> = (0..n_roles)
            .map(|r| {
                let mut key = [u64::MAX; HASHES];
                for slot in slots_of(r) {
                    for (h, k) in key.iter_mut().enumerate() {
                        *k = (*k).min(mix(u64::from(slot.skill) ^ ((h as u64 + 1) << 32)));
                    }
                }
                (key, r as u32)
            })
            .collect();
        order.sort_unstable();

        // Greedy cut: a role joins the current block unless the block is full or the union of
        // skills would outgrow MAX_GROWTH × the largest member.
        let mut members = Vec::with_capacity(n_roles);
        let mut block_at = vec![0];
        let mut in_block = vec![u32::MAX; n_skills];
        let mut union = 0usize;
        let mut largest = 0usize;
        for &(_, r) in &order {
            let slots = slots_of(r as usize);
            let block = (block_at.len() - 1) as u32;
            let fresh = slots.iter().filter(|s| in_block[s.skill as usize] != block).count();
            let size = members.len() - block_at[block_at.len() - 1];
            let grown = (union + fresh) as f64 > MAX_GROWTH * largest.max(slots.len()) as f64;
            let block = if size > 0 && (size >= MAX_MEMBERS || grown) {
                block_at.push(members.len());
                union = slots.len();
                largest = 0;
                block + 1
            } else {
                union += fresh;
                block
            };
            for s in slots {
                in_block[s.skill as usize] = block;
            }
            largest = largest.max(slots.len());
            members.push(r);
        }
        block_at.push(members.len());

        // Per-skill entries (block, largest factor), built in block order so each list is
        // ascending in block.
        // A zero factor adds nothing to any score, so it needs no entry.
        let mut count = vec![0usize; n_skills + 1];
        let mut best = vec![0.0f64; n_skills];
        let mut here: Vec<SkillId> = Vec::new();
        let mut lists: Vec<(SkillId, u32, f64)> = Vec::new();
        for b in 0..block_at.len() - 1 {
            for &r in &members[block_at[b]..block_at[b + 1]] {
                for s in slots_of(r as usize).iter().filter(|s| s.factor > 0.0) {
                    let k = s.skill as usize;
                    if best[k] == 0.0 {
                        here.push(s.skill);
                    }
                    best[k] = best[k].max(s.factor);
                }
            }
            for &s in &here {
                lists.push((s, b as u32, best[s as usize]));
                count[s as usize + 1] += 1;
                best[s as usize] = 0.0;
            }
            here.clear();
        }
        for k in 1..count.len() {
            count[k] += count[k - 1];
        }
        let skill_at = count.clone();
        let mut fill = count;
        let mut entries = vec![(0u32, 0.0f64); lists.len()];
        for (s, b, f) in lists {
            entries[fill[s as usize]] = (b, f);
            fill[s as usize] += 1;
        }
        RoleBlocks { members, block_at, skill_at, entries }
    }

    /// Number of blocks.
    pub(super) fn len(&self) -> usize {
        self.block_at.len() - 1
    }

    /// The roles of block `b`.
    pub(super) fn members(&self, b: u32) -> &[u32] {
        &self.members[self.block_at[b as usize]..self.block_at[b as usize + 1]]
    }

    /// The blocks asking for skill `s`, each with the largest factor of `s` among its roles.
    pub(super) fn asking(&self, s: SkillId) -> &[(u32, f64)] {
        self.skill_at.get(s as usize..s as usize + 2).map_or(&[], |w| &self.entries[w[0]..w[1]])
    }
}
