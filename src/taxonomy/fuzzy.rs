//! Fuzzy lookup of folded strings among the surface forms.
//!
//! The score is the OSA similarity (optimal string alignment: Levenshtein plus adjacent
//! transpositions) `1 - d / max(len)`, in characters (`similarity`).
//!
//! Candidates come from an inverted index of character trigrams (over the form padded with one
//! space on each side), never from a scan of all forms:
//! * a query of `|q|` characters can reach the threshold only with at most `K` edits (the largest
//!   `d` with `score(d, |q| + d) ≥ t`), so only forms of `|q| - K ..= |q| + K` characters can
//!   match. Forms are numbered by length internally, so that window is one contiguous sub-slice
//!   of every posting list, found through a short per-list table of length boundaries;
//! * each edit destroys at most 4 of the query's trigrams (a transposition), so a match shares at
//!   least `|grams(q)| - 4K` distinct trigrams with the query (count filter). Only the shortest
//!   posting lists are counted (a qualifying form must appear in several of them), and each
//!   candidate's exact count is read from a forward index (its own trigram ids);
//! * the forms sharing at least `|grams(q)| - 4` trigrams (one edit) are ranked first: when the
//!   best of them is better than any form two or more edits away can be, the search stops there
//!   with the result the full ranking would give;
//! * the [`MAX_CANDIDATES`] forms sharing the most trigrams are scored with a banded OSA that
//!   gives up as soon as the distance exceeds what the threshold allows.
//!
//! All buffers are per thread and reused, so a search allocates nothing.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::forms::Form;

/// At most this many candidates (most shared trigrams first) are scored.
pub(crate) const MAX_CANDIDATES: usize = 50;

/// A form must be met in at least this many of the counted (shortest) posting lists to be
/// checked as a candidate; the `min - COUNTED_HITS` longest lists are not read (see
/// `FuzzyIndex::rank`). Larger values read more lists and check fewer candidates; 4 was the
/// fastest of 2–8 on the benchmark mix (`benches/extract.rs`).
const COUNTED_HITS: usize = 4;

/// A trigram of characters packed into 63 bits (21 bits per character).
type Gram = u64;

/// Multiplicative hasher for the `u64` trigram keys (the default SipHash is needlessly slow).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct GramHasher(u64);

impl Hasher for GramHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (n ^ (n >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type GramMap<V> = HashMap<Gram, V, BuildHasherDefault<GramHasher>>;

/// Characters with a dense code: `a`–`z`, `0`–`9`, space.
const DENSE_ALPHABET: u32 = 37;

/// Number of trigram ids reserved for trigrams of dense characters.
const DENSE_GRAMS: u32 = DENSE_ALPHABET * DENSE_ALPHABET * DENSE_ALPHABET;

/// The dense code of a character, if it has one.
fn dense_code(c: u64) -> Option<u32> {
    match char::from_u32(c as u32)? {
        c @ 'a'..='z' => Some(c as u32 - 'a' as u32),
        c @ '0'..='9' => Some(26 + c as u32 - '0' as u32),
        ' ' => Some(36),
        _ => None,
    }
}

/// The id of a trigram made only of dense characters (no hashing needed).
fn dense_id(g: Gram) -> Option<u32> {
    let mask = (1u64 << 21) - 1;
    let a = dense_code(g >> 42)?;
    let b = dense_code((g >> 21) & mask)?;
    let c = dense_code(g & mask)?;
    Some((a * DENSE_ALPHABET + b) * DENSE_ALPHABET + c)
}

/// The trigram inverted index over the forms of a [`super::forms::FormIndex`].
///
/// Internally forms are renumbered into "slots" ordered by (length in characters, form index).
/// Posting lists are stored back to back (CSR): the slots of trigram id `i` are
/// `postings[offsets[i]..offsets[i + 1]]`, ascending.
#[derive(Debug, Clone, Default)]
pub(crate) struct FuzzyIndex {
    /// Ids of trigrams that contain a character outside the dense alphabet (from `DENSE_GRAMS`).
    other_ids: GramMap<u32>,
    offsets: Vec<u32>,
    postings: Vec<u32>,
    /// Slot → form index.
    form_of_slot: Vec<u32>,
    /// `first_slot[l]`: the first slot whose form has at least `l` characters
    /// (`len = max length + 2` entries, the last one is the number of slots).
    first_slot: Vec<u32>,
    /// Per trigram id, the range of `marks` describing its posting list (like `offsets`).
    mark_offsets: Vec<u32>,
    /// (length in characters, position in `postings`) where a posting list reaches forms of a
    /// new length: a list's window of lengths is found in this short array instead of by binary
    /// search over the (long, cache-unfriendly) posting list itself.
    marks: Vec<(u32, u32)>,
    /// Forward index: the trigram ids of slot `i` are `slot_grams[slot_offsets[i]..slot_offsets[i + 1]]`,
    /// ascending, so a candidate's shared trigrams are counted by one short merge instead of a
    /// search in every long posting list.
    slot_offsets: Vec<u32>,
    slot_grams: Vec<u32>,
}

/// The best fuzzy match.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct FuzzyHit {
    /// Index of the form.
    pub(crate) form: u32,
    /// OSA similarity in [0, 1].
    pub(crate) score: f32,
}

/// The similarity of two strings at OSA distance `d` whose longer one has `len` characters.
fn score(d: usize, len: usize) -> f32 {
    if len == 0 {
        return 1.0;
    }
    1.0 - d as f32 / len as f32
}

/// The largest number of edits with which a query of `q_len` characters can still reach
/// `threshold` (the other string then has `q_len + d` characters).
fn max_edits(q_len: usize, threshold: f32) -> usize {
    let mut d = 0;
    while d < q_len && score(d + 1, q_len + d + 1) >= threshold {
        d += 1;
    }
    d
}

/// Packs three characters into one [`Gram`].
fn pack(a: char, b: char, c: char) -> Gram {
    (u64::from(a) << 42) | (u64::from(b) << 21) | u64::from(c)
}

/// Puts the distinct trigrams of `" " + s + " "` into `out` (cleared first), sorted.
fn grams(s: &str, out: &mut Vec<Gram>) {
    out.clear();
    let space = std::iter::once(' ');
    let mut chars = space.clone().chain(s.chars()).chain(space);
    let (Some(mut a), Some(mut b)) = (chars.next(), chars.next()) else {
        return;
    };
    for c in chars {
        out.push(pack(a, b, c));
        (a, b) = (b, c);
    }
    out.sort_unstable();
    out.dedup();
}

impl FuzzyIndex {
    /// Indexes the trigrams of every form.
    pub(crate) fn build(forms: &[Form]) -> FuzzyIndex {
        let lens: Vec<usize> = forms.iter().map(|f| f.text.chars().count()).collect();
        let mut form_of_slot: Vec<u32> = (0..forms.len() as u32).collect();
        form_of_slot.sort_by_key(|&f| (lens[f as usize], f));
        let max_len = lens.iter().copied().max().unwrap_or(0);
        let first_slot =
            (0..=max_len + 1).map(|l| form_of_slot.partition_point(|&f| lens[f as usize] < l) as u32).collect();
        let mut other_ids: GramMap<u32> = GramMap::default();
        // Pass 1: the trigram ids of every slot, and how many slots hold each id.
        let mut ids: Vec<u32> = Vec::new();
        let mut ends: Vec<usize> = Vec::with_capacity(form_of_slot.len());
        let mut counts: Vec<u32> = vec![0; DENSE_GRAMS as usize];
        let mut buf = Vec::new();
        for &f in &form_of_slot {
            grams(&forms[f as usize].text, &mut buf);
            for &g in &buf {
                let id = dense_id(g).unwrap_or_else(|| {
                    let next = DENSE_GRAMS + other_ids.len() as u32;
                    *other_ids.entry(g).or_insert(next)
                });
                if id as usize == counts.len() {
                    counts.push(0);
                }
                counts[id as usize] += 1;
                ids.push(id);
            }
            ends.push(ids.len());
        }
        // Pass 2: prefix sums, then each slot appended to its trigrams' lists in slot order.
        let mut offsets = Vec::with_capacity(counts.len() + 1);
        let mut total = 0u32;
        offsets.push(0);
        for c in &counts {
            total += c;
            offsets.push(total);
        }
        let mut cursor: Vec<u32> = offsets[..counts.len()].to_vec();
        let mut postings = vec![0u32; total as usize];
        let mut start = 0;
        for (slot, &end) in (0u32..).zip(&ends) {
            for &id in &ids[start..end] {
                postings[cursor[id as usize] as usize] = slot;
                cursor[id as usize] += 1;
            }
            start = end;
        }
        // Pass 3: where each list reaches a new form length.
        let mut mark_offsets = Vec::with_capacity(offsets.len());
        let mut marks = Vec::new();
        mark_offsets.push(0);
        for w in offsets.windows(2) {
            let mut last = None;
            for p in w[0]..w[1] {
                let len = lens[form_of_slot[postings[p as usize] as usize] as usize];
                let len = u32::try_from(len).unwrap_or(u32::MAX);
                if last != Some(len) {
                    marks.push((len, p));
                    last = Some(len);
                }
            }
            mark_offsets.push(marks.len() as u32);
        }
        // The forward index: each slot's trigram ids, ascending.
        let mut slot_offsets = Vec::with_capacity(ends.len() + 1);
        slot_offsets.push(0);
        let mut start = 0;
        for &end in &ends {
            ids[start..end].sort_unstable();
            slot_offsets.push(end as u32);
            start = end;
        }
        FuzzyIndex {
            other_ids,
            offsets,
            postings,
            form_of_slot,
            first_slot,
            mark_offsets,
            marks,
            slot_offsets,
            slot_grams: ids,
        }
    }

    /// Slots of forms with `lo ..= hi` characters.
    fn window(&self, lo: usize, hi: usize) -> (u32, u32) {
        let last = self.first_slot.len() - 1;
        (self.first_slot[lo.min(last)], self.first_slot[(hi + 1).min(last)])
    }

    /// The form most similar to `query` (already folded) with a similarity of at least
    /// `threshold`; ties go to a preferred label, then the lower skill id, then the lower form.
    /// An identical form is not searched for (the exact lookup handles it).
    pub(crate) fn best(&self, forms: &[Form], query: &str, threshold: f32) -> Option<FuzzyHit> {
        SCRATCH.with_borrow_mut(|s| self.best_with(forms, query, threshold, s))
    }

    /// [`FuzzyIndex::best`] with the given scratch buffers.
    fn best_with(&self, forms: &[Form], query: &str, threshold: f32, s: &mut Scratch) -> Option<FuzzyHit> {
        s.query.clear();
        s.query.extend(query.chars());
        let q_len = s.query.len();
        let k = max_edits(q_len, threshold);
        if q_len == 0 || k == 0 || self.form_of_slot.is_empty() {
            return None;
        }
        let (lo, hi) = self.window(q_len.saturating_sub(k), q_len + k);
        if lo >= hi {
            return None;
        }
        grams(query, &mut s.grams);
        let n_grams = s.grams.len();
        let plan = Plan { len: q_len, k, n_grams, min_shared: n_grams.saturating_sub(4 * k).max(1), lo, hi, threshold };
        s.qids.clear();
        s.qids.extend(s.grams.iter().filter_map(|&g| self.gram_id(g)));
        s.qids.sort_unstable();
        s.qbits.resize(DENSE_GRAMS.div_ceil(64) as usize, 0);
        for &id in s.qids.iter().filter(|&&id| id < DENSE_GRAMS) {
            s.qbits[id as usize / 64] |= 1 << (id % 64);
        }
        let hit = self.search(forms, &plan, s);
        for &id in s.qids.iter().filter(|&&id| id < DENSE_GRAMS) {
            s.qbits[id as usize / 64] = 0;
        }
        hit
    }

    /// The search proper of [`FuzzyIndex::best_with`], once the query's trigrams are known.
    fn search(&self, forms: &[Form], p: &Plan, s: &mut Scratch) -> Option<FuzzyHit> {
        let Plan { len: q_len, k, n_grams, min_shared, lo, hi, threshold } = *p;
        s.lists.clear();
        let (lo_len, hi_len) = (q_len.saturating_sub(k), q_len + k);
        for &g in &s.grams {
            s.lists.push(self.list_window(g, lo_len, hi_len));
        }
        s.lists.sort_by_key(|&(a, b)| b - a);
        // Rank the forms sharing at least `n_grams - 4e` trigrams for e = 1 edit first: they are
        // the head of the full ranking (most shared first), and a match found among them often
        // proves that nothing further down can win (see `settled`), which spares counting the
        // long posting lists of common trigrams. Otherwise rank all forms that can qualify.
        let mut e = 1;
        loop {
            let min = n_grams.saturating_sub(4 * e).max(min_shared);
            let complete = self.rank(s, lo, hi, min);
            let hit = pick_best(forms, n_grams, k, threshold, s);
            // The first form beyond this head shares fewer than `n_grams - 4e` trigrams, so it is
            // at least `e + 1` edits away: if that cannot reach the hit's score, the full ranking
            // would stop there, with this very hit.
            let settled = hit.is_some_and(|h| score(e + 1, q_len + k) < h.score);
            if min == min_shared || complete || settled {
                return hit;
            }
            e = if hit.is_some() { e + 1 } else { k };
        }
    }

    /// Leaves in `s.ranked` the (shared trigrams, form) of the forms in slots `lo..hi` sharing at
    /// least `min` of the query's trigrams (`s.lists`, shortest first), most shared first, then by
    /// form, at most [`MAX_CANDIDATES`]. Returns whether that many or more qualified (the list is
    /// then the head of the ranking at any lower `min`).
    fn rank(&self, s: &mut Scratch, lo: u32, hi: u32, min: usize) -> bool {
        // Count only the shortest lists, all but the `min - COUNTED_HITS` longest: a qualifying
        // form is in at least `min` lists, hence in at least `COUNTED_HITS` of the counted ones,
        // so forms met fewer times are not candidates. The longest lists (common trigrams) are
        // never read; each candidate's exact count comes from the forward index.
        let skip = s.lists.len().min(min.saturating_sub(COUNTED_HITS));
        let n_scan = s.lists.len() - skip;
        self.count(s, n_scan, lo, hi, min - skip);
        s.ranked.clear();
        for i in 0..s.candidates.len() {
            let slot = s.candidates[i].0;
            let shared = self.shared(slot, s);
            if shared >= min {
                let shared = u16::try_from(shared).unwrap_or(u16::MAX);
                s.ranked.push((shared, self.form_of_slot[slot as usize]));
            }
        }
        let order = |a: &(u16, u32), b: &(u16, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        let complete = s.ranked.len() >= MAX_CANDIDATES;
        if s.ranked.len() > MAX_CANDIDATES {
            s.ranked.select_nth_unstable_by(MAX_CANDIDATES - 1, order);
            s.ranked.truncate(MAX_CANDIDATES);
        }
        s.ranked.sort_unstable_by(order);
        complete
    }

    /// The id of trigram `g`, if any form has it (dense ids always exist).
    fn gram_id(&self, g: Gram) -> Option<u32> {
        dense_id(g).or_else(|| self.other_ids.get(&g).copied())
    }

    /// The range of [`FuzzyIndex::postings`] holding the slots (ascending) of the forms of
    /// `lo_len ..= hi_len` characters that contain trigram `g` (empty when there are none).
    fn list_window(&self, g: Gram, lo_len: usize, hi_len: usize) -> (usize, usize) {
        let Some(id) = self.gram_id(g) else { return (0, 0) };
        let i = id as usize;
        let (Some(&end), Some(&m0), Some(&m1)) =
            (self.offsets.get(i + 1), self.mark_offsets.get(i), self.mark_offsets.get(i + 1))
        else {
            return (0, 0);
        };
        let marks = &self.marks[m0 as usize..m1 as usize];
        let (lo_len, hi_len) = (u32::try_from(lo_len).unwrap_or(u32::MAX), u32::try_from(hi_len).unwrap_or(u32::MAX));
        let a = marks.partition_point(|m| m.0 < lo_len);
        let b = a + marks[a..].partition_point(|m| m.0 <= hi_len);
        let pos = |j: usize| marks.get(j).map_or(end as usize, |m| m.1 as usize);
        (pos(a), pos(b))
    }

    /// Counts, for every slot in `lo..hi`, how many of the first `n_scan` lists of `s.lists`
    /// hold it, and leaves in `s.candidates` the slots held by at least `need` of
    /// them, with their counts. Only the slots met are visited and reset, never the whole window.
    fn count(&self, s: &mut Scratch, n_scan: usize, lo: u32, hi: u32, need: usize) {
        let width = (hi - lo) as usize;
        if s.counts.len() < width {
            s.counts.resize(width, 0);
        }
        s.touched.clear();
        for &(a, b) in &s.lists[..n_scan] {
            count_list(&self.postings[a..b], lo, &mut s.counts[..width], &mut s.touched);
        }
        s.candidates.clear();
        for &slot in &s.touched {
            let c = &mut s.counts[(slot - lo) as usize];
            if usize::from(*c) >= need {
                s.candidates.push((slot, *c));
            }
            *c = 0;
        }
    }

    /// How many of the query's trigrams (`s.qbits`, `s.qids`) the form in `slot` has.
    fn shared(&self, slot: u32, s: &Scratch) -> usize {
        let i = slot as usize;
        let (Some(&a), Some(&b)) = (self.slot_offsets.get(i), self.slot_offsets.get(i + 1)) else {
            return 0;
        };
        self.slot_grams[a as usize..b as usize]
            .iter()
            .filter(|&&id| match s.qbits.get(id as usize / 64) {
                Some(word) if id < DENSE_GRAMS => word & (1 << (id % 64)) != 0,
                _ => s.qids.binary_search(&id).is_ok(),
            })
            .count()
    }
}

/// One query of [`FuzzyIndex::best`].
#[derive(Debug, Clone, Copy)]
struct Plan {
    /// Length of the query in characters.
    len: usize,
    /// Most edits a match can have.
    k: usize,
    /// Distinct trigrams of the query.
    n_grams: usize,
    /// Fewest trigrams a match shares with the query (`n_grams - 4k`, at least 1).
    min_shared: usize,
    /// Slots of the forms of `len - k ..= len + k` characters.
    lo: u32,
    hi: u32,
    /// Minimum similarity.
    threshold: f32,
}

/// Per-thread buffers of [`FuzzyIndex::best`], reused across queries (and indexes).
#[derive(Debug, Default)]
struct Scratch {
    /// The query's characters.
    query: Vec<char>,
    /// The query's distinct trigrams.
    grams: Vec<Gram>,
    /// Their ids in the index, ascending.
    qids: Vec<u32>,
    /// The same ids below `DENSE_GRAMS` as a bit set; all zero between queries.
    qbits: Vec<u64>,
    /// Per query trigram, its posting list restricted to the length window (range of postings).
    lists: Vec<(usize, usize)>,
    /// Shared-trigram counts by `slot - lo`; all zero between queries.
    counts: Vec<u16>,
    /// Slots whose count was raised.
    touched: Vec<u32>,
    /// (slot, shared trigrams), ascending by slot.
    candidates: Vec<(u32, u16)>,
    /// (shared trigrams, form), best first.
    ranked: Vec<(u16, u32)>,
    /// A candidate form's characters.
    text: Vec<char>,
    /// Rows of the banded OSA.
    rows: OsaRows,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Adds one to `counts[slot - lo]` for every slot of `list`, recording in `touched` the slots
/// whose count was zero.
fn count_list(list: &[u32], lo: u32, counts: &mut [u16], touched: &mut Vec<u32>) {
    for &slot in list {
        let Some(c) = counts.get_mut((slot - lo) as usize) else { continue };
        if *c == 0 {
            touched.push(slot);
        }
        *c = c.saturating_add(1);
    }
}

/// Scores the candidates `s.ranked` (shared trigrams, form; most shared first) against the query
/// `s.query` by OSA similarity and returns the best one at or above `threshold`.
///
/// Stops early: a candidate sharing `c` of the query's `n_grams` trigrams is at least
/// `ceil((n_grams - c) / 4)` edits away, so once that bound (at the longest allowed length,
/// `|q| + k`) cannot reach the best score so far, no later candidate can either. Each OSA is
/// banded by the edits the best score so far still allows.
fn pick_best(forms: &[Form], n_grams: usize, k: usize, threshold: f32, s: &mut Scratch) -> Option<FuzzyHit> {
    let mut best: Option<(FuzzyHit, (bool, u32))> = None;
    let query = &s.query;
    for &(shared, f) in &s.ranked {
        let floor = best.as_ref().map_or(threshold, |b| b.0.score);
        let d_min = n_grams.saturating_sub(usize::from(shared)).div_ceil(4);
        if score(d_min, query.len() + k) < floor {
            break;
        }
        let form = &forms[f as usize];
        s.text.clear();
        s.text.extend(form.text.chars());
        let len = query.len().max(s.text.len());
        let Some(d) = s.rows.within(query, &s.text, max_edits(len, floor).max(1)) else {
            continue;
        };
        let score = score(d, len);
        if score < threshold {
            continue;
        }
        let hit = FuzzyHit { form: f, score };
        let key = (!form.preferred, form.skill);
        let better = match &best {
            None => true,
            Some((b, bkey)) => score > b.score || (score == b.score && (key, f) < (*bkey, b.form)),
        };
        if better {
            best = Some((hit, key));
        }
    }
    best.map(|(hit, _)| hit)
}

/// The three rows of a banded OSA computation, reused across calls.
#[derive(Debug, Default)]
struct OsaRows {
    prev2: Vec<usize>,
    prev: Vec<usize>,
    cur: Vec<usize>,
}

impl OsaRows {
    /// The OSA distance of `a` and `b` if it is at most `k` (banded dynamic programming,
    /// stopping as soon as every cell of a row exceeds `k`).
    fn within<T: PartialEq + Copy>(&mut self, a: &[T], b: &[T], k: usize) -> Option<usize> {
        let (n, m) = (a.len(), b.len());
        if n.abs_diff(m) > k {
            return None;
        }
        let big = k + 1;
        let (prev2, prev, cur) = (&mut self.prev2, &mut self.prev, &mut self.cur);
        prev2.clear();
        prev2.resize(m + 1, big);
        prev.clear();
        prev.extend((0..=m).map(|j| j.min(big)));
        cur.clear();
        cur.resize(m + 1, big);
        for i in 1..=n {
            let lo = i.saturating_sub(k).max(1);
            let hi = (i + k).min(m);
            cur[lo - 1] = if lo == 1 { i.min(big) } else { big };
            let mut row_min = cur[lo - 1];
            for j in lo..=hi {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (prev[j - 1] + cost).min(prev[j] + 1).min(cur[j - 1] + 1);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(prev2[j - 2] + 1);
                }
                cur[j] = v.min(big);
                row_min = row_min.min(cur[j]);
            }
            if hi < m {
                cur[hi + 1] = big;
            }
            if row_min > k {
                return None;
            }
            std::mem::swap(prev2, prev);
            std::mem::swap(prev, cur);
        }
        (prev[m] <= k).then_some(prev[m])
    }
}

/// The OSA distance of `a` and `b` if it is at most `k` (see [`OsaRows::within`]).
#[cfg(test)]
fn osa_within<T: PartialEq + Copy>(a: &[T], b: &[T], k: usize) -> Option<usize> {
    OsaRows::default().within(a, b, k)
}
/// OSA similarity `1 - d / max(len)` in characters with `strsim::osa_distance` (the reference the
/// banded [`osa_within`] is tested against); 1.0 for two empty strings.
#[cfg(test)]
pub(crate) fn similarity(a: &str, b: &str) -> f32 {
    let len = a.chars().count().max(b.chars().count());
    score(strsim::osa_distance(a, b), len)
}

#[cfg(test)]
impl FuzzyIndex {
    /// [`FuzzyIndex::best`] by its definition, without its shortcuts (reference for tests): every
    /// form of the length window sharing at least `n_grams - 4k` trigrams, counted one by one
    /// (`form_grams`: [`form_grams`]), ranked most shared first, the first [`MAX_CANDIDATES`]
    /// scored.
    pub(crate) fn best_by_definition(
        &self,
        forms: &[Form],
        form_grams: &[Vec<u64>],
        query: &str,
        threshold: f32,
    ) -> Option<FuzzyHit> {
        let q: Vec<char> = query.chars().collect();
        let k = max_edits(q.len(), threshold);
        if q.is_empty() || k == 0 || self.form_of_slot.is_empty() {
            return None;
        }
        let (lo, hi) = self.window(q.len() - k, q.len() + k);
        let mut qgrams = Vec::new();
        grams(query, &mut qgrams);
        let min_shared = qgrams.len().saturating_sub(4 * k).max(1);
        let mut s = Scratch { query: q, ..Scratch::default() };
        for slot in lo..hi {
            let f = self.form_of_slot[slot as usize];
            let own = &form_grams[f as usize];
            let (mut i, mut j, mut shared) = (0, 0, 0);
            while i < qgrams.len() && j < own.len() {
                match qgrams[i].cmp(&own[j]) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => j += 1,
                    std::cmp::Ordering::Equal => (i, j, shared) = (i + 1, j + 1, shared + 1),
                }
            }
            if shared >= min_shared {
                s.ranked.push((shared as u16, f));
            }
        }
        s.ranked.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        s.ranked.truncate(MAX_CANDIDATES);
        pick_best(forms, qgrams.len(), k, threshold, &mut s)
    }
}

/// Every form's distinct trigrams, sorted (for [`FuzzyIndex::best_by_definition`]).
#[cfg(test)]
pub(crate) fn form_grams(forms: &[Form]) -> Vec<Vec<u64>> {
    forms
        .iter()
        .map(|f| {
            let mut g = Vec::new();
            grams(&f.text, &mut g);
            g
        })
        .collect()
}

/// The best score at or above `threshold` over all forms except an identical one (reference for
/// tests of [`FuzzyIndex::best`]).
#[cfg(test)]
pub(crate) fn brute_force_best(forms: &[Form], query: &str, threshold: f32) -> Option<f32> {
    let q: Vec<char> = query.chars().collect();
    let mut best: Option<f32> = None;
    let mut text = Vec::new();
    for form in forms {
        text.clear();
        text.extend(form.text.chars());
        let len = q.len().max(text.len());
        let Some(d) = osa_within(&q, &text, max_edits(len, threshold).max(1)) else {
            continue;
        };
        let s = score(d, len);
        if d > 0 && s >= threshold && best.is_none_or(|b| s > b) {
            best = Some(s);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_are_padded_and_distinct() {
        let mut g = Vec::new();
        grams("ab", &mut g);
        let mut want = vec![pack(' ', 'a', 'b'), pack('a', 'b', ' ')];
        want.sort_unstable();
        assert_eq!(g, want);
        grams("aaaa", &mut g);
        assert_eq!(g.len(), 3);
    }

    #[test]
    fn bounded_osa_matches_strsim() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "abc",
            "acb",
            "python",
            "pyhton",
            "pthon",
            "project management",
            "projet managment",
            "ca",
            "abc",
            "kitten",
            "sitting",
            "flaw",
            "lawn",
            "ecoli",
            "colie",
        ];
        for a in words {
            for b in words {
                let want = strsim::osa_distance(a, b);
                let (a2, b2): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                for k in 0..6 {
                    let got = osa_within(&a2, &b2, k);
                    assert_eq!(got, (want <= k).then_some(want), "{a:?} {b:?} k={k}");
                }
            }
        }
    }

    #[test]
    fn max_edits_is_consistent_with_score() {
        assert_eq!(max_edits(7, 0.88), 0);
        assert_eq!(max_edits(8, 0.88), 1);
        assert_eq!(max_edits(17, 0.88), 2);
        for q in 0..60 {
            let k = max_edits(q, 0.88);
            assert!(k == 0 || score(k, q + k) >= 0.88);
            assert!(score(k + 1, q + k + 1) < 0.88 || k == q);
        }
    }

    #[test]
    fn similarity_counts_transpositions_once() {
        assert!((similarity("pyhton", "python") - (1.0 - 1.0 / 6.0)).abs() < 1e-6);
        assert_eq!(similarity("", ""), 1.0);
        assert_eq!(similarity("abc", "xyz"), 0.0);
    }

    #[test]
    fn a_hit_among_one_edit_candidates_does_not_hide_a_better_match_further_down() {
        // Query of 20 characters (2 edits allowed at 0.88). `near` drops its last two
        // characters: 2 edits, 17 shared trigrams (one-edit head), similarity 18/20 = 0.9.
        // `far` has one insertion and one substitution: 2 edits, only 15 shared trigrams, but
        // it is longer, so its similarity is 1 - 2/21 = 0.905 and it must win.
        let query = "abcdefghijklmnopqrst";
        let near = "abcdefghijklmnopqr";
        let far = "abcxdefghijklmnopqzst";
        let form = |text: &str, skill| Form { text: text.into(), skill, preferred: true, ambiguous: false };
        let forms = vec![form(near, 0), form(far, 1), form("unrelated label", 2)];
        let index = FuzzyIndex::build(&forms);
        let hit = index.best(&forms, query, 0.88).expect("a match");
        assert_eq!(forms[hit.form as usize].text.as_ref(), far);
        assert!((hit.score - (1.0 - 2.0 / 21.0)).abs() < 1e-6);
        assert_eq!(Some(hit), index.best_by_definition(&forms, &form_grams(&forms), query, 0.88));
    }
}
