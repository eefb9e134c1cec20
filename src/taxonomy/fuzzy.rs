//! Fuzzy lookup of folded strings among the surface forms.
//!
//! The score is the OSA similarity (optimal string alignment: Levenshtein plus adjacent
//! transpositions) `1 - d / max(len)`, in characters ([`similarity`]).
//!
//! Candidates come from an inverted index of character trigrams (over the form padded with one
//! space on each side), never from a scan of all forms:
//! * a query of `|q|` characters can reach the threshold only with at most `K` edits (the largest
//!   `d` with `score(d, |q| + d) ≥ t`), so only forms of `|q| - K ..= |q| + K` characters can
//!   match. Forms are numbered by length internally, so that window is one contiguous sub-slice
//!   of every posting list (two binary searches per trigram);
//! * each edit destroys at most 4 of the query's trigrams (a transposition), so a match shares at
//!   least `|grams(q)| - 4K` distinct trigrams with the query (count filter);
//! * the [`MAX_CANDIDATES`] forms sharing the most trigrams are scored with a banded OSA that
//!   gives up as soon as the distance exceeds what the threshold allows.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::forms::Form;

/// At most this many candidates (most shared trigrams first) are scored.
pub(crate) const MAX_CANDIDATES: usize = 50;

/// Posting lists (restricted to the length window) longer than this are probed for candidates
/// instead of counted, when the count filter allows it.
const LONG_LIST: usize = 256;

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
        FuzzyIndex { other_ids, offsets, postings, form_of_slot, first_slot }
    }

    /// The slots (ascending) of the forms containing trigram `g`.
    fn list(&self, g: Gram) -> &[u32] {
        let id = match dense_id(g) {
            Some(id) => id,
            None => match self.other_ids.get(&g) {
                Some(&id) => id,
                None => return &[],
            },
        };
        let i = id as usize;
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.postings[a as usize..b as usize],
            _ => &[],
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
        let q: Vec<char> = query.chars().collect();
        let k = max_edits(q.len(), threshold);
        if q.is_empty() || k == 0 || self.form_of_slot.is_empty() {
            return None;
        }
        let (lo, hi) = self.window(q.len().saturating_sub(k), q.len() + k);
        if lo >= hi {
            return None;
        }
        let mut qgrams = Vec::new();
        grams(query, &mut qgrams);
        let min_shared = qgrams.len().saturating_sub(4 * k).max(1);
        let mut lists: Vec<&[u32]> = qgrams
            .iter()
            .map(|&g| self.list(g))
            .map(|list| {
                let a = list.partition_point(|&s| s < lo);
                let b = a + list[a..].partition_point(|&s| s < hi);
                &list[a..b]
            })
            .collect();
        lists.sort_by_key(|l| l.len());
        // Count the shorter lists; set aside up to `(min_shared - 1) / 2` of the longest ones and
        // only probe them for the candidates found. A form in none of the counted lists shares
        // at most `min_shared - 1` trigrams, so it cannot qualify: nothing is lost. Setting aside
        // at most half keeps the number of candidates to probe small.
        let skip = lists.iter().rev().take((min_shared - 1) / 2).take_while(|l| l.len() > LONG_LIST).count();
        let (scan, probe) = lists.split_at(lists.len() - skip);
        let need = min_shared - skip;
        let mut candidates = count_dense(scan, lo, hi, need);
        for (i, list) in probe.iter().enumerate() {
            add_shared(&mut candidates, list);
            let remaining = probe.len() - i - 1;
            candidates.retain(|c| usize::from(c.1) + remaining >= min_shared);
        }
        let mut candidates: Vec<(u16, u32)> = candidates
            .into_iter()
            .filter(|&(_, c)| usize::from(c) >= min_shared)
            .map(|(slot, c)| (c, self.form_of_slot[slot as usize]))
            .collect();
        candidates.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        candidates.truncate(MAX_CANDIDATES);
        pick_best(forms, &q, qgrams.len(), k, &candidates, threshold)
    }
}

/// Counts, for every slot in `lo..hi`, how many of the `scan` lists hold it; returns the slots
/// (ascending) held by at least `need` lists, with their counts.
fn count_dense(scan: &[&[u32]], lo: u32, hi: u32, need: usize) -> Vec<(u32, u16)> {
    thread_local! {
        static COUNTS: RefCell<Vec<u16>> = const { RefCell::new(Vec::new()) };
    }
    COUNTS.with_borrow_mut(|counts| {
        counts.clear();
        counts.resize((hi - lo) as usize, 0);
        for list in scan {
            for &slot in *list {
                let c = &mut counts[(slot - lo) as usize];
                *c = c.saturating_add(1);
            }
        }
        (lo..hi).zip(counts.iter()).filter(|&(_, &c)| usize::from(c) >= need).map(|(slot, &c)| (slot, c)).collect()
    })
}

/// Counts one more shared trigram for each candidate (ascending slots) that is in `list`
/// (ascending), by binary search on the part of `list` not yet passed.
fn add_shared(candidates: &mut [(u32, u16)], list: &[u32]) {
    let mut tail = list;
    for c in candidates.iter_mut() {
        let p = tail.partition_point(|&s| s < c.0);
        tail = &tail[p..];
        if tail.first() == Some(&c.0) {
            c.1 = c.1.saturating_add(1);
            tail = &tail[1..];
        }
        if tail.is_empty() {
            break;
        }
    }
}

/// Scores candidates `(shared trigrams, form)` (most shared first) by OSA similarity and returns
/// the best one at or above `threshold`.
///
/// Stops early: a candidate sharing `c` of the query's `n_grams` trigrams is at least
/// `ceil((n_grams - c) / 4)` edits away, so once that bound (at the longest allowed length,
/// `|q| + k`) cannot reach the best score so far, no later candidate can either. Each OSA is
/// banded by the edits the best score so far still allows.
fn pick_best(
    forms: &[Form],
    query: &[char],
    n_grams: usize,
    k: usize,
    candidates: &[(u16, u32)],
    threshold: f32,
) -> Option<FuzzyHit> {
    let mut best: Option<(FuzzyHit, (bool, u32))> = None;
    let mut text: Vec<char> = Vec::new();
    for &(shared, f) in candidates {
        let floor = best.as_ref().map_or(threshold, |b| b.0.score);
        let d_min = n_grams.saturating_sub(usize::from(shared)).div_ceil(4);
        if score(d_min, query.len() + k) < floor {
            break;
        }
        let form = &forms[f as usize];
        text.clear();
        text.extend(form.text.chars());
        let len = query.len().max(text.len());
        let Some(d) = osa_within(query, &text, max_edits(len, floor).max(1)) else {
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

/// The OSA distance of `a` and `b` if it is at most `k` (banded dynamic programming, stopping
/// as soon as every cell of a row exceeds `k`).
fn osa_within<T: PartialEq + Copy>(a: &[T], b: &[T], k: usize) -> Option<usize> {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > k {
        return None;
    }
    let big = k + 1;
    let mut prev2 = vec![big; m + 1];
    let mut prev: Vec<usize> = (0..=m).map(|j| j.min(big)).collect();
    let mut cur = vec![big; m + 1];
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
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[m] <= k).then_some(prev[m])
}

/// OSA similarity `1 - d / max(len)` in characters with `strsim::osa_distance` (the reference the
/// banded [`osa_within`] is tested against); 1.0 for two empty strings.
#[cfg(test)]
pub(crate) fn similarity(a: &str, b: &str) -> f32 {
    let len = a.chars().count().max(b.chars().count());
    score(strsim::osa_distance(a, b), len)
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
}
