//! Fuzzy lookup of folded strings among the surface forms.
//!
//! Candidates come from an inverted index of character trigrams (over the form padded with one
//! space on each side). The score is the OSA (optimal string alignment: Levenshtein plus adjacent
//! transpositions) similarity `1 - d / max(len)`, in characters.
//!
//! Because a query must reach `threshold`, at most `k = ⌊(1 - t) / t · |q|⌋` edits are allowed,
//! each edit destroys at most 4 of the query's trigrams, so a match shares at least
//! `m = |grams(q)| - 4k` distinct trigrams with the query. Hence every match appears in one of the
//! `|grams(q)| - m + 1` rarest posting lists of the query's trigrams (prefix filtering): only
//! those are scanned; the other lists are only probed (binary search) for the candidates found.
//! No query ever scans all forms.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::forms::Form;

/// At most this many candidates (most shared trigrams first) are scored.
pub(crate) const MAX_CANDIDATES: usize = 50;

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

/// The trigram inverted index over the forms of a [`super::forms::FormIndex`].
#[derive(Debug, Clone, Default)]
pub(crate) struct FuzzyIndex {
    /// Trigram → form indexes, ascending.
    lists: GramMap<Box<[u32]>>,
    /// Length in characters of each form.
    form_chars: Vec<u32>,
}

/// The best fuzzy match.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct FuzzyHit {
    /// Index of the form.
    pub(crate) form: u32,
    /// OSA similarity in [0, 1].
    pub(crate) score: f32,
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
        let mut lists: GramMap<Vec<u32>> = GramMap::default();
        let mut form_chars = Vec::with_capacity(forms.len());
        let mut buf = Vec::new();
        for (i, form) in (0u32..).zip(forms) {
            form_chars.push(form.text.chars().count() as u32);
            grams(&form.text, &mut buf);
            for &g in &buf {
                lists.entry(g).or_default().push(i);
            }
        }
        let lists = lists.into_iter().map(|(g, v)| (g, v.into_boxed_slice())).collect();
        FuzzyIndex { lists, form_chars }
    }

    /// The form most similar to `query` (already folded) with a similarity of at least
    /// `threshold`; ties go to a preferred label, then the lower skill id, then the lower form.
    pub(crate) fn best(&self, forms: &[Form], query: &str, threshold: f32) -> Option<FuzzyHit> {
        let q_chars = query.chars().count();
        if q_chars == 0 || forms.is_empty() {
            return None;
        }
        let t = f64::from(threshold.clamp(0.01, 1.0));
        let max_edits = ((1.0 - t) / t * q_chars as f64 + 1e-9).floor() as usize;
        let mut qgrams = Vec::new();
        grams(query, &mut qgrams);
        let mut lists: Vec<&[u32]> = qgrams.iter().map(|g| self.lists.get(g).map_or(&[][..], |l| &l[..])).collect();
        lists.sort_by_key(|l| l.len());
        let min_shared = lists.len().saturating_sub(4 * max_edits).max(1);
        let prefix = lists.len() - min_shared + 1;
        let (scan, probe) = lists.split_at(prefix);
        let len_ok = |f: u32| self.form_chars[f as usize].abs_diff(q_chars as u32) as usize <= max_edits;
        let mut candidates = count_candidates(scan, len_ok);
        for (form, shared) in candidates.iter_mut() {
            *shared += probe.iter().filter(|l| l.binary_search(form).is_ok()).count() as u32;
        }
        candidates.retain(|&(_, shared)| shared as usize >= min_shared);
        candidates.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        candidates.truncate(MAX_CANDIDATES);
        pick_best(forms, query, candidates.iter().map(|c| c.0), threshold)
    }
}

/// Form indexes appearing in the `scan` lists that pass `keep`, with how many lists hold them.
fn count_candidates(scan: &[&[u32]], keep: impl Fn(u32) -> bool) -> Vec<(u32, u32)> {
    let mut ids: Vec<u32> = scan.iter().flat_map(|l| l.iter().copied()).filter(|&f| keep(f)).collect();
    ids.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::new();
    for f in ids {
        match out.last_mut() {
            Some(last) if last.0 == f => last.1 += 1,
            _ => out.push((f, 1)),
        }
    }
    out
}

/// Scores candidates by OSA similarity and returns the best one at or above `threshold`.
fn pick_best(forms: &[Form], query: &str, candidates: impl Iterator<Item = u32>, threshold: f32) -> Option<FuzzyHit> {
    let mut best: Option<(FuzzyHit, (bool, u32))> = None;
    for f in candidates {
        let form = &forms[f as usize];
        let score = similarity(query, &form.text);
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

/// OSA similarity `1 - d / max(len)` in characters; 1.0 for two empty strings.
pub(crate) fn similarity(a: &str, b: &str) -> f32 {
    let len = a.chars().count().max(b.chars().count());
    if len == 0 {
        return 1.0;
    }
    1.0 - strsim::osa_distance(a, b) as f32 / len as f32
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
    fn similarity_counts_transpositions_once() {
        assert!((similarity("pyhton", "python") - (1.0 - 1.0 / 6.0)).abs() < 1e-6);
        assert_eq!(similarity("", ""), 1.0);
        assert_eq!(similarity("abc", "xyz"), 0.0);
    }
}
