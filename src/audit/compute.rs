//! The audit's numbers, from the run's outcomes and the demographics: per category and
//! intersection, selection and scoring rates, intervals, impact ratios and flags.

use std::collections::BTreeMap;

use super::demographics::Demographics;
use super::outcomes::{Outcome, RunOutcomes};
use super::stats::{Z95, median, wilson};
use super::types::{AuditReport, CategoryRow, CategoryStatus, DimensionAudit, RateStat, UnknownCounts};

/// Categories under this share of the sample are left out of the impact-ratio comparison.
pub const MIN_SHARE: f64 = 0.02;
/// Impact ratios under this value are flagged (the four-fifths rule).
pub const FOUR_FIFTHS: f64 = 0.8;
/// Joins the values (and the column names) of an intersection.
pub const JOIN: &str = " × ";

/// Counts of one category: (n, selected, scored above the median).
type Tally = (usize, usize, usize);

fn add(t: &mut Tally, selected: bool, above: bool) {
    t.0 += 1;
    t.1 += usize::from(selected);
    t.2 += usize::from(above);
}

/// A rate before comparison (ratio and flag filled in by [`compare`]).
fn rate(count: usize, n: usize) -> RateStat {
    let ci = wilson(count, n, Z95).unwrap_or(super::stats::Interval { low: 0.0, high: 1.0 });
    RateStat { count, rate: count as f64 / n.max(1) as f64, ci, impact_ratio: None, below_four_fifths: false }
}

/// Fills in impact ratios against the highest compared rate; returns that category's name.
fn compare(rows: &mut [CategoryRow], pick: fn(&mut CategoryRow) -> &mut RateStat) -> Option<String> {
    let mut best: Option<(f64, String)> = None;
    for r in rows.iter_mut().filter(|r| r.status == CategoryStatus::Compared) {
        let rate = pick(r).rate;
        // Highest rate; ties go to the first category by name (rows are sorted by name).
        if best.as_ref().is_none_or(|(b, _)| rate > *b) {
            best = Some((rate, r.category.clone()));
        }
    }
    let (top, name) = best?;
    if top > 0.0 {
        for r in rows.iter_mut().filter(|r| r.status == CategoryStatus::Compared) {
            let s = pick(r);
            let ratio = s.rate / top;
            s.impact_ratio = Some(ratio);
            s.below_four_fifths = ratio < FOUR_FIFTHS;
        }
    }
    Some(name)
}

/// One dimension's audit from each candidate's category in it (`None` = unknown).
fn dimension<'a>(
    name: String,
    intersection: bool,
    sample: usize,
    people: impl Iterator<Item = (Option<String>, &'a Outcome, bool)>,
) -> DimensionAudit {
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut unknown: Tally = (0, 0, 0);
    for (cat, o, above) in people {
        match cat {
            Some(c) => add(tallies.entry(c).or_default(), o.selected, above),
            None => add(&mut unknown, o.selected, above),
        }
    }
    let mut categories: Vec<CategoryRow> = tallies
        .into_iter()
        .map(|(category, (n, sel, above))| {
            let share = n as f64 / sample.max(1) as f64;
            let status = if share < MIN_SHARE { CategoryStatus::UnderTwoPercent } else { CategoryStatus::Compared };
            CategoryRow { category, n, share, status, selection: rate(sel, n), scoring: rate(above, n) }
        })
        .collect();
    let highest_selection = compare(&mut categories, |r| &mut r.selection);
    let highest_scoring = compare(&mut categories, |r| &mut r.scoring);
    DimensionAudit {
        name,
        intersection,
        categories,
        unknown: UnknownCounts { n: unknown.0, selected: unknown.1, scored_above_median: unknown.2 },
        highest_selection,
        highest_scoring,
    }
}

/// The audit of a run's outcomes against a demographics file. The sample is every candidate of
/// the run; a candidate absent from the file is unknown in every dimension, and file ids that
/// are not candidates of the run are only counted.
pub fn audit(run: &RunOutcomes, demo: &Demographics) -> AuditReport {
    let sample = run.candidates.len();
    let scores: Vec<f64> = run.candidates.values().map(|o| o.best_score).collect();
    let median_best_score = median(&scores).unwrap_or(0.0);
    let unknown_all: Vec<Option<String>> = vec![None; demo.columns.len()];
    // (categories, outcome, above the median) of every candidate, in id order.
    let people: Vec<(&Vec<Option<String>>, &Outcome, bool)> = run
        .candidates
        .iter()
        .map(|(id, o)| (demo.rows.get(id).unwrap_or(&unknown_all), o, o.best_score > median_best_score))
        .collect();
    let mut dimensions: Vec<DimensionAudit> = demo
        .columns
        .iter()
        .enumerate()
        .map(|(i, col)| dimension(col.clone(), false, sample, people.iter().map(|(c, o, a)| (c[i].clone(), *o, *a))))
        .collect();
    if demo.columns.len() >= 2 {
        // Known in the intersection only when known in every column.
        let joined = |c: &Vec<Option<String>>| -> Option<String> {
            c.iter().map(|v| v.as_deref()).collect::<Option<Vec<&str>>>().map(|v| v.join(JOIN))
        };
        let people = people.iter().map(|(c, o, a)| (joined(c), *o, *a));
        dimensions.push(dimension(demo.columns.join(JOIN), true, sample, people));
    }
    AuditReport {
        top_k: run.top_k,
        run_top_k: run.run_top_k,
        population: run.population,
        sample,
        selected: people.iter().filter(|p| p.1.selected).count(),
        median_best_score,
        scored_above_median: people.iter().filter(|p| p.2).count(),
        not_in_demographics: run.candidates.keys().filter(|id| !demo.rows.contains_key(*id)).count(),
        not_in_run: demo.rows.keys().filter(|id| !run.candidates.contains_key(*id)).count(),
        confidence: 0.95,
        interval_method: "wilson",
        min_share: MIN_SHARE,
        four_fifths: FOUR_FIFTHS,
        dimensions,
    }
}
