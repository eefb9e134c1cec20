//! Rank-biased overlap (Webber, Moffat and Zobel, "A similarity measure for indefinite
//! rankings", ACM TOIS 28(4), 2010): how alike two rankings are, weighing the top more than the
//! bottom. This is the extrapolated form `RBO_ext` of their equation 32, which takes two prefix
//! lists of possibly different lengths and assumes the agreement seen at the deepest common
//! depth continues below it.

use std::collections::HashSet;

/// The persistence `p` skillmatch uses: the top 10 ranks carry about 86 % of the weight.
pub const PERSISTENCE: f64 = 0.9;

/// `RBO_ext` (equation 32) of two rankings without repeated items, with persistence `p` in
/// (0, 1): 1 for identical lists, 0 for disjoint ones. Two empty lists are identical (1); an
/// empty list against a non-empty one shares nothing (0).
pub fn rbo_ext<T: std::hash::Hash + Eq>(a: &[T], b: &[T], p: f64) -> f64 {
    // S is the shorter list (length s), L the longer (length l).
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let (s, l) = (short.len(), long.len());
    if l == 0 {
        return 1.0;
    }
    if s == 0 {
        return 0.0;
    }
    // X_d: the overlap of the two prefixes of depth d (for d > s, all of S against L's prefix).
    let mut seen_short: HashSet<&T> = HashSet::with_capacity(s);
    let mut seen_long: HashSet<&T> = HashSet::with_capacity(l);
    let mut overlap = 0usize;
    let mut x = Vec::with_capacity(l);
    for d in 0..l {
        let from_long = &long[d];
        if d < s {
            let from_short = &short[d];
            if from_short == from_long {
                overlap += 1;
            } else {
                overlap += usize::from(seen_long.contains(from_short));
                overlap += usize::from(seen_short.contains(from_long));
            }
            seen_short.insert(from_short);
        } else {
            overlap += usize::from(seen_short.contains(from_long));
        }
        seen_long.insert(from_long);
        x.push(overlap as f64);
    }
    let (sf, lf) = (s as f64, l as f64);
    let (x_s, x_l) = (x[s - 1], x[l - 1]);
    let mut sum = 0.0;
    let mut pd = 1.0;
    for (d, x_d) in x.iter().enumerate() {
        let d1 = (d + 1) as f64;
        pd *= p;
        sum += x_d / d1 * pd;
        if d + 1 > s {
            sum += x_s * (d1 - sf) / (sf * d1) * pd;
        }
    }
    // pd is now p^l.
    (1.0 - p) / p * sum + ((x_l - x_s) / lf + x_s / sf) * pd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_lists_score_one_and_disjoint_lists_zero() {
        let a = ["a", "b", "c", "d"];
        assert!((rbo_ext(&a, &a, PERSISTENCE) - 1.0).abs() < 1e-12);
        // An identical prefix of a longer list: the shorter is assumed to continue alike.
        assert!((rbo_ext(&a[..2], &a, PERSISTENCE) - 1.0).abs() < 1e-12);
        assert_eq!(rbo_ext(&["a", "b"], &["c", "d", "e"], PERSISTENCE), 0.0);
        let none: [&str; 0] = [];
        assert_eq!(rbo_ext(&none, &none, PERSISTENCE), 1.0);
        assert_eq!(rbo_ext(&none, &a, PERSISTENCE), 0.0);
    }

    #[test]
    fn even_lists_match_a_hand_worked_equation_30() {
        // S = [a, b, c], L = [b, a, d], p = 0.9: X1 = 0, X2 = 2, X3 = 2.
        // (1-p)/p · (0 + 2/2·0.81 + 2/3·0.729) + 2/3·0.729 = (1/9)·1.296 + 0.486 = 0.63.
        let r = rbo_ext(&["a", "b", "c"], &["b", "a", "d"], 0.9);
        assert!((r - 0.63).abs() < 1e-12, "{r}");
    }

    #[test]
    fn uneven_lists_match_a_hand_worked_equation_32() {
        // S = [a, b] (s = 2), L = [b, c, a] (l = 3), p = 0.9: X1 = 0, X2 = 1, X3 = 2, X_s = 1.
        // Σ_{d=1..3} X_d/d·p^d = 0 + 0.5·0.81 + 2/3·0.729 = 0.891
        // Σ_{d=3..3} X_s·(d−s)/(s·d)·p^d = 1·1/6·0.729 = 0.1215
        // (1/9)·(0.891 + 0.1215) + ((2−1)/3 + 1/2)·0.729 = 0.1125 + 0.6075 = 0.72.
        let r = rbo_ext(&["a", "b"], &["b", "c", "a"], 0.9);
        assert!((r - 0.72).abs() < 1e-12, "{r}");
        // Symmetric: the order of the arguments does not matter.
        assert!((rbo_ext(&["b", "c", "a"], &["a", "b"], 0.9) - 0.72).abs() < 1e-12);
    }

    #[test]
    fn agreement_at_the_top_weighs_more_than_at_the_bottom() {
        let base = ["a", "b", "c", "d", "e"];
        let top_swapped = ["b", "a", "c", "d", "e"];
        let bottom_swapped = ["a", "b", "c", "e", "d"];
        let (t, b) = (rbo_ext(&base, &top_swapped, 0.9), rbo_ext(&base, &bottom_swapped, 0.9));
        assert!(t < b && b < 1.0, "{t} {b}");
    }
}
