//! Unit tests of the scorers.

use std::collections::BTreeSet;

use super::data::{parse_conll, score_sets};
use super::*;

#[test]
fn rp_at_5_counts_hits_in_the_top_five_and_r_precision_in_the_top_r_both_over_min_of_five_and_gold() {
    let gold: BTreeSet<&str> = ["a", "b"].into_iter().collect();
    // Counts come from the kept skills; the ranking may go on past them.
    let (c, rank) = score_sets(&gold, &["a", "x"], &["a", "x", "b", "y"]);
    assert_eq!(c, Counts { tp: 1, fp: 1, fn_: 1 });
    let rank = rank.expect("gold is not empty");
    assert_eq!((rank.rp_at_5, rank.r_precision), (1.0, 0.5));
    // One gold skill at rank 5 counts for RP@5, not for R-Precision; at rank 6, for neither.
    let one: BTreeSet<&str> = ["g"].into_iter().collect();
    let rank = score_sets(&one, &[], &["p", "q", "r", "s", "g"]).1.expect("gold");
    assert_eq!((rank.rp_at_5, rank.r_precision), (1.0, 0.0));
    let rank = score_sets(&one, &[], &["p", "q", "r", "s", "t", "g"]).1.expect("gold");
    assert_eq!((rank.rp_at_5, rank.r_precision), (0.0, 0.0));
    // Seven gold skills: r = 5.
    let seven: BTreeSet<&str> = ["a", "b", "c", "d", "e", "f", "g"].into_iter().collect();
    let rank = score_sets(&seven, &[], &["a", "x", "b", "c", "d", "e"]).1.expect("gold");
    assert_eq!((rank.rp_at_5, rank.r_precision), (0.8, 0.8));
    let (c, rank) = score_sets(&BTreeSet::new(), &["x"], &["x"]);
    assert_eq!(c, Counts { tp: 0, fp: 1, fn_: 0 });
    assert_eq!(rank, None);
}

#[test]
fn prf_handles_zeros() {
    let p = Counts::default().prf();
    assert_eq!((p.precision, p.recall, p.f1), (0.0, 0.0, 0.0));
    let p = Counts { tp: 1, fp: 1, fn_: 3 }.prf();
    assert_eq!((p.precision, p.recall), (0.5, 0.25));
}

#[test]
fn conll_spans_from_both_layers() {
    let text = "We\tO\tO\nuse\tO\tO\nC#\tB-Skill\tB-Knowledge\nand\tO\tO\nSQL\tO\tB-Knowledge\nServer\tO\tI-Knowledge\n\nNext\tI-Skill\tO\n";
    let s = parse_conll(text);
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].text, "We use C# and SQL Server");
    assert_eq!(s[0].tokens[2], (7, 9));
    assert_eq!(s[0].gold.iter().copied().collect::<Vec<_>>(), [(2, 3), (4, 6)]);
    // A stray I- opens a span.
    assert_eq!(s[1].gold.iter().copied().collect::<Vec<_>>(), [(0, 1)]);
}

#[test]
fn kinds_by_file_name() {
    assert_eq!(DataKind::of_file("tech_validation_annotations.with_uri.csv"), Some(DataKind::Decorte));
    assert_eq!(DataKind::of_file("tech_validation_annotations.csv"), None);
    assert_eq!(DataKind::of_file("skillspan_house_dev.conll"), Some(DataKind::Skillspan));
    assert_eq!(DataKind::of_file("hardcoded_ojo_esco_lookup.json"), Some(DataKind::Nesta));
}
