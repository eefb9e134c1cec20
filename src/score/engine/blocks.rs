//! Blocks of similar items (roles, or candidates), which bound both sides of the engine.
//!
//! A score is `Σ factor(r, s) · credit(c, s)` over the role's skills, and a candidate's credit
//! grows with its weights. So for a block of roles, `Σ_{s ∈ union} max_{r ∈ block} factor(r, s)
//! · credit(c, s)` bounds the score of every member; for a block of candidates, scoring the
//! role against a virtual candidate holding the union of the members' skills and groups, each
//! at the members' largest weight, bounds every member. One side bounds whole blocks of the
//! other at once, opens them in decreasing bound order, scores their members exactly, and stops
//! at the first block whose bound cannot reach its K-th score: the members of every later block
//! cannot either.
//!
//! The bound is tight when a block's members have nearly the same keys (skills, and groups for
//! candidates), so items are ordered by a MinHash signature of their key sets (items sharing
//! keys tend to share minima and sort together) and cut greedily into blocks whose union of
//! keys stays within a multiple ([`Shape::growth`]) of their largest member. Everything is deterministic:
//! the hash is fixed and ties sort by index.

/// How items are cut into blocks.
pub(super) struct Shape {
    /// A block's union of keys may grow to this multiple of its largest member's key count.
    pub growth: f64,
    /// Most items in one block.
    pub max_members: usize,
}

/// Blocks of roles (keys: skills). Larger blocks need fewer entries per bound but open more
/// roles that cannot make a list; measured at 200k × 20k (docs/PERFORMANCE.md).
pub(super) const ROLE_BLOCKS: Shape = Shape { growth: 1.6, max_members: 32 };
/// Blocks of candidates (keys: skills and groups). Candidates' skill sets vary more than roles'
/// (noise, electives), so their blocks may grow more before they stop paying.
pub(super) const CANDIDATE_BLOCKS: Shape = Shape { growth: 3.0, max_members: 32 };
/// With the fit term, a candidate block's largest fit mass stays within this multiple of its
/// smallest (see [`Blocks::build_spread`]).
pub(super) const MAX_MASS_SPREAD: f64 = 3.0;
/// Number of MinHash functions in the sort key.
const HASHES: usize = 3;

/// Items cut into blocks, with the per-key entries that bound each block.
pub(super) struct Blocks {
    /// Item indices, block after block.
    members: Vec<u32>,
    /// `members[block_at[b]..block_at[b + 1]]` are block `b`'s items.
    block_at: Vec<usize>,
    /// `entries[key_at[k]..key_at[k + 1]]`: the blocks with key `k` (every block a member of which
    /// has `k`, even at value 0), each with the largest value of `k` among its members, blocks
    /// ascending.
    key_at: Vec<usize>,
    entries: Vec<(u32, f64)>,
}

/// A 64-bit mixer (the finaliser of MurmurHash3): a fixed, well-spread hash of a key.
fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

impl Blocks {
    /// Blocks over `n_items` items whose `(key, value)` pairs `keys_of(i, buffer)` appends (each
    /// key at most once per item, keys below `n_keys`, values non-negative).
    pub(super) fn build(
        n_items: usize,
        n_keys: usize,
        shape: &Shape,
        keys_of: impl FnMut(usize, &mut Vec<(u32, f64)>),
    ) -> Blocks {
        Self::build_spread(n_items, n_keys, shape, keys_of, None)
    }

    /// [`Blocks::build`], also closing a block before an item whose positive `scale` would make
    /// the block's largest positive scale more than `max_spread` times its smallest (candidate
    /// blocks with the fit term: a block's fit bound divides by its smallest fit mass, so
    /// members of very different masses make it loose).
    pub(super) fn build_spread(
        n_items: usize,
        n_keys: usize,
        shape: &Shape,
        mut keys_of: impl FnMut(usize, &mut Vec<(u32, f64)>),
        spread: Option<(&dyn Fn(usize) -> f64, f64)>,
    ) -> Blocks {
        let mut buf: Vec<(u32, f64)> = Vec::new();
        let mut order: Vec<([u64; HASHES], u32)> = (0..n_items)
            .map(|i| {
                buf.clear();
                keys_of(i, &mut buf);
                let mut sig = [u64::MAX; HASHES];
                for &(k, _) in &buf {
                    for (h, m) in sig.iter_mut().enumerate() {
                        *m = (*m).min(mix(u64::from(k) ^ ((h as u64 + 1) << 32)));
                    }
                }
                (sig, i as u32)
            })
            .collect();
        order.sort_unstable();

        // Greedy cut: an item joins the current block unless the block is full or the union of
        // keys would outgrow `shape.growth` × the largest member. Per key, the block's largest value
        // is kept as it grows and written out when the block closes.
        let mut members = Vec::with_capacity(n_items);
        let mut block_at = vec![0];
        let mut in_block = vec![u32::MAX; n_keys];
        let mut best = vec![0.0f64; n_keys];
        let mut union: Vec<u32> = Vec::new();
        let mut largest = 0usize;
        let mut lists: Vec<(u32, u32, f64)> = Vec::new();
        let mut count = vec![0usize; n_keys + 1];
        let mut close = |block: u32, union: &mut Vec<u32>, best: &mut [f64]| {
            // Every key of the block gets its entry, even at value 0: a role skill of factor 0
            // (a level weight of 0) still earns the fit term, which is bounded from these lists.
            for &k in union.iter() {
                lists.push((k, block, best[k as usize]));
                count[k as usize + 1] += 1;
                best[k as usize] = 0.0;
            }
            union.clear();
        };
        let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
        for &(_, i) in &order {
            buf.clear();
            keys_of(i as usize, &mut buf);
            let mut block = (block_at.len() - 1) as u32;
            let size = members.len() - block_at[block as usize];
            let fresh = buf.iter().filter(|e| in_block[e.0 as usize] != block).count();
            let grown = (union.len() + fresh) as f64 > shape.growth * largest.max(buf.len()) as f64;
            let scale = spread.map_or(0.0, |(f, _)| f(i as usize));
            let spread_out = match spread {
                Some((_, max)) if scale > 0.0 => hi.max(scale) > max * lo.min(scale),
                _ => false,
            };
            if size > 0 && (size >= shape.max_members || grown || spread_out) {
                close(block, &mut union, &mut best);
                block_at.push(members.len());
                largest = 0;
                block += 1;
                (lo, hi) = (f64::INFINITY, 0.0);
            }
            if scale > 0.0 {
                (lo, hi) = (lo.min(scale), hi.max(scale));
            }
            for &(k, v) in &buf {
                let ku = k as usize;
                if in_block[ku] != block {
                    in_block[ku] = block;
                    union.push(k);
                }
                best[ku] = best[ku].max(v);
            }
            largest = largest.max(buf.len());
            members.push(i);
        }
        close((block_at.len() - 1) as u32, &mut union, &mut best);
        block_at.push(members.len());

        for k in 1..count.len() {
            count[k] += count[k - 1];
        }
        let key_at = count.clone();
        let mut fill = count;
        let mut entries = vec![(0u32, 0.0f64); lists.len()];
        for (k, b, v) in lists {
            entries[fill[k as usize]] = (b, v);
            fill[k as usize] += 1;
        }
        Blocks { members, block_at, key_at, entries }
    }

    /// Number of blocks.
    pub(super) fn len(&self) -> usize {
        self.block_at.len() - 1
    }

    /// The items of block `b`.
    pub(super) fn members(&self, b: u32) -> &[u32] {
        &self.members[self.block_at[b as usize]..self.block_at[b as usize + 1]]
    }

    /// The blocks with key `k`, each with the largest value of `k` among its members.
    pub(super) fn with_key(&self, k: u32) -> &[(u32, f64)] {
        self.key_at.get(k as usize..k as usize + 2).map_or(&[], |w| &self.entries[w[0]..w[1]])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Items with overlapping key sets: item i has keys i % 7, (i * 3) % 11 + 7 and 20 + i % 3,
    /// valued by a deterministic mix of i and the key.
    fn items(n: usize) -> Vec<Vec<(u32, f64)>> {
        (0..n)
            .map(|i| {
                let mut keys = vec![(i % 7) as u32, ((i * 3) % 11 + 7) as u32, (20 + i % 3) as u32];
                keys.sort_unstable();
                keys.into_iter().map(|k| (k, 0.1 + (mix(i as u64 * 31 + u64::from(k)) % 90) as f64 / 100.0)).collect()
            })
            .collect()
    }

    fn build(items: &[Vec<(u32, f64)>], shape: &Shape) -> Blocks {
        Blocks::build(items.len(), 23, shape, |i, buf| buf.extend_from_slice(&items[i]))
    }

    #[test]
    fn every_item_is_in_exactly_one_block_and_blocks_respect_the_size_limit() {
        let items = items(500);
        let shape = Shape { growth: 2.0, max_members: 8 };
        let blocks = build(&items, &shape);
        let mut seen = vec![0; items.len()];
        for b in 0..blocks.len() as u32 {
            let m = blocks.members(b);
            assert!(!m.is_empty() && m.len() <= shape.max_members);
            for &i in m {
                seen[i as usize] += 1;
            }
        }
        assert!(seen.iter().all(|&n| n == 1));
    }

    #[test]
    fn a_block_entry_holds_the_largest_value_of_its_key_among_the_members() {
        let items = items(300);
        let blocks = build(&items, &Shape { growth: 3.0, max_members: 16 });
        for k in 0..23u32 {
            let entries = blocks.with_key(k);
            assert!(entries.windows(2).all(|w| w[0].0 < w[1].0), "blocks ascending, once each");
            for b in 0..blocks.len() as u32 {
                let best = blocks
                    .members(b)
                    .iter()
                    .filter_map(|&i| items[i as usize].iter().find(|e| e.0 == k).map(|e| e.1))
                    .fold(0.0, f64::max);
                let entry = entries.iter().find(|e| e.0 == b).map_or(0.0, |e| e.1);
                assert_eq!(entry.to_bits(), best.to_bits(), "key {k}, block {b}");
            }
        }
    }

    #[test]
    fn a_union_that_would_outgrow_its_limit_starts_a_new_block() {
        // Disjoint key sets: any two items together have twice the keys of either.
        let items: Vec<Vec<(u32, f64)>> = (0..6).map(|i| vec![(2 * i, 1.0), (2 * i + 1, 1.0)]).collect();
        let apart =
            Blocks::build(6, 12, &Shape { growth: 1.5, max_members: 32 }, |i, buf| buf.extend_from_slice(&items[i]));
        assert_eq!(apart.len(), 6);
        let together =
            Blocks::build(6, 12, &Shape { growth: 6.0, max_members: 32 }, |i, buf| buf.extend_from_slice(&items[i]));
        assert_eq!(together.len(), 1);
    }

    #[test]
    fn unknown_keys_have_no_entries() {
        let blocks = build(&items(10), &Shape { growth: 2.0, max_members: 4 });
        assert!(blocks.with_key(999).is_empty());
    }
}
