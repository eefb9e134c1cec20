//! Unit tests of the scorers.

use std::collections::BTreeSet;

use super::data::{parse_conll, score_sets};
use super::*;

#[test]
fn r_precision_uses_min_of_five_and_gold() {
    let gold: BTreeSet<&str> = ["a", "b"].into_iter().collect();
    let (c, rp) = score_sets(&gold, &["a", "x", "b"]);
    assert_eq!(c, Counts { tp: 2, fp: 1, fn_: 0 });
    assert_eq!(rp, Some(0.5));
    let (c, rp) = score_sets(&BTreeSet::new(), &["x"]);
    assert_eq!(c, Counts { tp: 0, fp: 1, fn_: 0 });
    assert_eq!(rp, None);
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
