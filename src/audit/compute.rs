//! The audit's numbers, from the run's outcomes and the demographics: per category and
//! intersection, selection and scoring rates, intervals, impact ratios and flags.

use std::collections::{BTreeMap, HashMap};

use super::demographics::Demographics;
use super::outcomes::RunOutcomes;
use super::stats::{Interval, Z95, median, wilson};
use super::types::{AuditReport, CategoryRow, CategoryStatus, DimensionAudit, RateStat, RoleRow, UnknownCounts};

/// Categories under this share of the sample are left out of the impact-ratio comparison.
pub const MIN_SHARE: f64 = 0.02;
/// Impact ratios under this value are flagged (the four-fifths rule).
pub const FOUR_FIFTHS: f64 = 0.8;
/// Joins the values (and the column names) of an intersection.
pub const JOIN: &str = " × ";

/// Every candidate's category in one dimension, in the order of the sample (`None` = unknown).
struct Labels {
    name: String,
    intersection: bool,
    labels: Vec<Option<String>>,
}

/// Counts of one category: (n, selected, scored above the median).
type Tally = (usize, usize, usize);

fn add(t: &mut Tally, selected: bool, above: bool) {
    t.0 += 1;
    t.1 += usize::from(selected);
    t.2 += usize::from(above);
}

/// A rate before comparison (ratio and flag filled in by [`compare`]).
fn rate(count: usize, n: usize) -> RateStat {
    let ci = wilson(count, n, Z95).unwrap_or(Interval { low: 0.0, high: 1.0 });
    RateStat { count, rate: count as f64 / n.max(1) as f64, ci, impact_ratio: None, below_four_fifths: false }
}

fn status(n: usize, sample: usize) -> CategoryStatus {
    if (n as f64) < MIN_SHARE * sample as f64 { CategoryStatus::UnderTwoPercent } else { CategoryStatus::Compared }
}

/// Fills in the impact ratios of the compared categories (by name) against the highest rate
/// among them; returns that category. No ratio when the highest rate is 0.
fn compare(compared: Vec<(&str, &mut RateStat)>) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for (name, s) in &compared {
        // Highest rate; ties go to the first category by name.
        if best.is_none_or(|(b, _)| s.rate > b) {
            best = Some((s.rate, name));
        }
    }
    let (top, name) = best?;
    let name = name.to_string();
    if top > 0.0 {
        for (_, s) in compared {
            let ratio = s.rate / top;
            s.impact_ratio = Some(ratio);
            s.below_four_fifths = ratio < FOUR_FIFTHS;
        }
    }
    Some(name)
}

/// One dimension's audit; `people` is (selected, above the median) in the order of the sample.
fn dimension(l: &Labels, people: &[(bool, bool)]) -> DimensionAudit {
    let sample = people.len();
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut unknown: Tally = (0, 0, 0);
    for (cat, &(selected, above)) in l.labels.iter().zip(people) {
        match cat {
            Some(c) => add(tallies.entry(c).or_default(), selected, above),
            None => add(&mut unknown, selected, above),
        }
    }
    let mut categories: Vec<CategoryRow> = tallies
        .into_iter()
        .map(|(category, (n, sel, above))| CategoryRow {
            category: category.to_string(),
            n,
            share: n as f64 / sample.max(1) as f64,
            status: status(n, sample),
            selection: rate(sel, n),
            scoring: rate(above, n),
        })
        .collect();
    let compared = |r: &CategoryRow| r.status == CategoryStatus::Compared;
    let highest_selection = compare(
        categories.iter_mut().filter(|r| compared(r)).map(|r| (r.category.as_str(), &mut r.selection)).collect(),
    );
    let highest_scoring =
        compare(categories.iter_mut().filter(|r| compared(r)).map(|r| (r.category.as_str(), &mut r.scoring)).collect());
    DimensionAudit {
        name: l.name.clone(),
        intersection: l.intersection,
        categories,
        unknown: UnknownCounts { n: unknown.0, selected: unknown.1, scored_above_median: unknown.2 },
        highest_selection,
        highest_scoring,
    }
}

/// Each category column's labels, then (with two or more columns) their intersection, known
/// only when known in every column.
fn labels(run: &RunOutcomes, demo: &Demographics) -> Vec<Labels> {
    let unknown_all: Vec<Option<String>> = vec![None; demo.columns.len()];
    let rows: Vec<&Vec<Option<String>>> =
        run.candidates.keys().map(|id| demo.rows.get(id).unwrap_or(&unknown_all)).collect();
    let mut out: Vec<Labels> = demo
        .columns
        .iter()
        .enumerate()
        .map(|(i, col)| Labels {
            name: col.clone(),
            intersection: false,
            labels: rows.iter().map(|r| r[i].clone()).collect(),
        })
        .collect();
    if demo.columns.len() >= 2 {
        let joined = |c: &Vec<Option<String>>| -> Option<String> {
            c.iter().map(|v| v.as_deref()).collect::<Option<Vec<&str>>>().map(|v| v.join(JOIN))
        };
        out.push(Labels {
            name: demo.columns.join(JOIN),
            intersection: true,
            labels: rows.iter().map(|r| joined(r)).collect(),
        });
    }
    out
}

/// Per role and dimension: each category's selection in that role's top-K, compared as overall.
fn per_role(run: &RunOutcomes, dims: &[Labels], overall: &[DimensionAudit]) -> Vec<RoleRow> {
    let index: HashMap<&str, usize> = run.candidates.keys().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let mut out = Vec::new();
    for (role_id, shortlist) in &run.roles {
        for (l, d) in dims.iter().zip(overall) {
            let mut selected: HashMap<&str, usize> = HashMap::new();
            for i in shortlist.iter().filter_map(|id| index.get(id.as_str())) {
                if let Some(c) = &l.labels[*i] {
                    *selected.entry(c.as_str()).or_default() += 1;
                }
            }
            let mut rows: Vec<RoleRow> = d
                .categories
                .iter()
                .map(|c| RoleRow {
                    role_id: role_id.clone(),
                    dimension: d.name.clone(),
                    intersection: d.intersection,
                    category: c.category.clone(),
                    n: c.n,
                    status: c.status,
                    selection: rate(selected.get(c.category.as_str()).copied().unwrap_or(0), c.n),
                })
                .collect();
            let compared = rows
                .iter_mut()
                .filter(|r| r.status == CategoryStatus::Compared)
                .map(|r| (r.category.as_str(), &mut r.selection))
                .collect();
            compare(compared);
            out.extend(rows);
        }
    }
    out
}

/// The audit of a run's outcomes against a demographics file. The sample is every candidate of
/// the run; a candidate absent from the file is unknown in every dimension, and file ids that
/// are not candidates of the run are only counted. `with_roles` adds the per-role selection rows.
pub fn audit(run: &RunOutcomes, demo: &Demographics, with_roles: bool) -> AuditReport {
    let scores: Vec<f64> = run.candidates.values().map(|o| o.best_score).collect();
    let median_best_score = median(&scores).unwrap_or(0.0);
    let people: Vec<(bool, bool)> =
        run.candidates.values().map(|o| (o.selected, o.best_score > median_best_score)).collect();
    let dims = labels(run, demo);
    let dimensions: Vec<DimensionAudit> = dims.iter().map(|l| dimension(l, &people)).collect();
    let per_role = if with_roles { per_role(run, &dims, &dimensions) } else { Vec::new() };
    AuditReport {
        top_k: run.top_k,
        run_top_k: run.run_top_k,
        population: run.population,
        sample: people.len(),
        selected: people.iter().filter(|p| p.0).count(),
        median_best_score,
        scored_above_median: people.iter().filter(|p| p.1).count(),
        not_in_demographics: run.candidates.keys().filter(|id| !demo.rows.contains_key(*id)).count(),
        not_in_run: demo.rows.keys().filter(|id| !run.candidates.contains_key(*id)).count(),
        confidence: 0.95,
        interval_method: "wilson",
        min_share: MIN_SHARE,
        four_fifths: FOUR_FIFTHS,
        dimensions,
        per_role,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::outcomes::{Outcome, PopulationSource};

    /// 100 candidates: `group` is A for 97, B for 2 (exactly 2 %), C for 1 (1 %); the first
    /// `selected` of each group (in id order) are selected.
    fn sample(selected: &dyn Fn(&str, usize) -> bool) -> (RunOutcomes, Demographics) {
        let mut candidates = BTreeMap::new();
        let mut rows = BTreeMap::new();
        for i in 0..100 {
            let (group, j) = match i {
                0..97 => ("A", i),
                97..99 => ("B", i - 97),
                _ => ("C", 0),
            };
            let id = format!("c{i:03}");
            candidates.insert(id.clone(), Outcome { selected: selected(group, j), best_score: i as f64 / 100.0 });
            rows.insert(id, vec![Some(group.to_string())]);
        }
        let run = RunOutcomes {
            top_k: 1,
            run_top_k: 1,
            population: PopulationSource::Roster,
            candidates,
            roles: BTreeMap::new(),
        };
        (run, Demographics { columns: vec!["group".into()], rows })
    }

    #[test]
    fn a_category_of_exactly_two_percent_is_compared_and_one_under_it_is_not() {
        // A: 50 of 97 selected; B: 1 of 2; C: 1 of 1 (the highest rate, but never the reference).
        let (run, demo) = sample(&|g, j| g == "C" || (g == "A" && j < 50) || (g == "B" && j < 1));
        let r = audit(&run, &demo, false);
        let d = &r.dimensions[0];
        let status: Vec<CategoryStatus> = d.categories.iter().map(|c| c.status).collect();
        assert_eq!(status, [CategoryStatus::Compared, CategoryStatus::Compared, CategoryStatus::UnderTwoPercent]);
        assert_eq!(d.highest_selection.as_deref(), Some("A"));
        // B: 0.5 / (50/97) = 0.97.
        assert!((d.categories[1].selection.impact_ratio.expect("compared") - 0.5 / (50.0 / 97.0)).abs() < 1e-12);
        assert_eq!(d.categories[2].selection.impact_ratio, None);
        assert!(!d.categories[2].selection.below_four_fifths);
        assert!(r.dimensions.len() == 1, "one column: no intersection");
    }

    #[test]
    fn no_impact_ratio_when_no_compared_category_is_selected() {
        let (run, demo) = sample(&|_, _| false);
        let r = audit(&run, &demo, false);
        assert_eq!(r.selected, 0);
        assert!(r.dimensions[0].categories.iter().all(|c| c.selection.impact_ratio.is_none()));
        assert!(r.flagged().iter().all(|(_, c)| !c.selection.below_four_fifths));
        // Scores 0.00..0.99: median 0.495, 50 strictly above; A holds 47 of them.
        assert!((r.median_best_score - 0.495).abs() < 1e-12);
        assert_eq!(r.scored_above_median, 50);
        assert_eq!(r.dimensions[0].categories[0].scoring.count, 47);
    }
}
