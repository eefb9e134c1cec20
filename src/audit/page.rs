//! The "Audit" section of `report.html`, built from an [`AuditReport`]: per dimension, each
//! category's selection and scoring rates with their impact ratios and four-fifths flags. The
//! page only formats it; the section depends on the audit, not the reverse.

use super::types::{AuditReport, RateStat};
use crate::report::page::summary::{Section, Table};
use crate::report::schema::AUDIT;

/// A rate with its interval, as a percentage.
fn rate(r: &RateStat) -> String {
    format!("{:.1}% ({:.1}–{:.1})", 100.0 * r.rate, 100.0 * r.ci.low, 100.0 * r.ci.high)
}

/// An impact ratio, marked when below four-fifths; `-` when not compared.
fn ratio(r: &RateStat) -> String {
    match r.impact_ratio {
        Some(x) if r.below_four_fifths => format!("{x:.3} below 4/5"),
        Some(x) => format!("{x:.3}"),
        None => "-".into(),
    }
}

/// The page section for `report`.
pub fn page_section(report: &AuditReport) -> Section {
    let flagged = report.flagged().len();
    let mut notes = vec![
        format!(
            "{} candidates ({}); selected = in the top {} of at least one role ({} selected); scoring = best score above the median {:.4} ({} candidates).",
            report.sample,
            report.population.as_str(),
            report.top_k,
            report.selected,
            report.median_best_score,
            report.scored_above_median
        ),
        format!(
            "Rates with {:.0}% {} intervals; impact ratios against the highest compared category; categories under {:.0}% of the candidates are reported but not compared.",
            100.0 * report.confidence,
            report.interval_method,
            100.0 * report.min_share
        ),
        match flagged {
            0 => "No category is below four-fifths of the highest rate.".to_string(),
            n => format!("{n} categories are below four-fifths of the highest rate (selection or scoring)."),
        },
    ];
    if report.not_in_demographics > 0 || report.not_in_run > 0 {
        notes.push(format!(
            "{} candidates are not in the demographics file (unknown); {} ids of the file are not candidates of this run.",
            report.not_in_demographics, report.not_in_run
        ));
    }
    let tables = report
        .dimensions
        .iter()
        .map(|d| {
            let mut rows: Vec<Vec<String>> = d
                .categories
                .iter()
                .map(|c| {
                    vec![
                        c.category.clone(),
                        c.n.to_string(),
                        rate(&c.selection),
                        ratio(&c.selection),
                        rate(&c.scoring),
                        ratio(&c.scoring),
                    ]
                })
                .collect();
            rows.push(vec!["unknown".into(), d.unknown.n.to_string(), "-".into(), "-".into(), "-".into(), "-".into()]);
            Table {
                caption: if d.intersection { format!("{} (intersection)", d.name) } else { d.name.clone() },
                headers: ["Category", "Candidates", "Selection rate", "Impact ratio", "Scoring rate", "Impact ratio"]
                    .map(String::from)
                    .to_vec(),
                rows,
                file: Some(AUDIT.into()),
            }
        })
        .collect();
    Section { notes, tables }
}
