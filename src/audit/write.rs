//! The audit's writers: CSV (one row per category, cells neutralised), an aligned table for the
//! terminal, and JSON. They format an [`AuditReport`]; they compute nothing.

use std::io::{self, Write};

use super::types::{AuditReport, CategoryRow, DimensionAudit, RateStat, RoleRow};
use crate::util::{csv_safe, terminal_safe};

/// The CSV header.
pub const CSV_HEADER: [&str; 19] = [
    "role_id",
    "dimension",
    "intersection",
    "category",
    "status",
    "n",
    "share",
    "selected",
    "selection_rate",
    "selection_ci_low",
    "selection_ci_high",
    "selection_impact_ratio",
    "selection_below_four_fifths",
    "scored_above_median",
    "scoring_rate",
    "scoring_ci_low",
    "scoring_ci_high",
    "scoring_impact_ratio",
    "scoring_below_four_fifths",
];

fn f4(x: f64) -> String {
    format!("{x:.4}")
}

fn opt4(x: Option<f64>) -> String {
    x.map(f4).unwrap_or_default()
}

fn rate_cells(r: &RateStat) -> [String; 6] {
    [
        r.count.to_string(),
        f4(r.rate),
        f4(r.ci.low),
        f4(r.ci.high),
        opt4(r.impact_ratio),
        r.below_four_fifths.to_string(),
    ]
}

fn csv_row(d: &DimensionAudit, c: &CategoryRow) -> Vec<String> {
    let mut row = vec![
        String::new(),
        csv_safe(&d.name).into_owned(),
        d.intersection.to_string(),
        csv_safe(&c.category).into_owned(),
        c.status.as_str().to_string(),
        c.n.to_string(),
        f4(c.share),
    ];
    row.extend(rate_cells(&c.selection));
    row.extend(rate_cells(&c.scoring));
    row
}

fn unknown_row(d: &DimensionAudit, sample: usize) -> Vec<String> {
    let u = &d.unknown;
    let share = u.n as f64 / sample.max(1) as f64;
    let mut row = vec![
        String::new(),
        csv_safe(&d.name).into_owned(),
        d.intersection.to_string(),
        String::new(),
        "unknown".into(),
    ];
    row.extend([u.n.to_string(), f4(share), u.selected.to_string()]);
    row.extend(std::iter::repeat_n(String::new(), 5));
    row.push(u.scored_above_median.to_string());
    row.extend(std::iter::repeat_n(String::new(), 5));
    row
}

fn role_row(r: &RoleRow, sample: usize) -> Vec<String> {
    let mut row = vec![
        csv_safe(&r.role_id).into_owned(),
        csv_safe(&r.dimension).into_owned(),
        r.intersection.to_string(),
        csv_safe(&r.category).into_owned(),
        r.status.as_str().to_string(),
        r.n.to_string(),
        f4(r.n as f64 / sample.max(1) as f64),
    ];
    row.extend(rate_cells(&r.selection));
    row.extend(std::iter::repeat_n(String::new(), 6));
    row
}

/// Writes the CSV: per dimension (empty `role_id`), its categories by name, then one `unknown`
/// row with the counts of candidates whose category is unknown (no rates: they are never
/// compared); then, when asked for, the per-role selection rows (scoring cells empty).
pub fn csv(report: &AuditReport, out: impl Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER)?;
    for d in &report.dimensions {
        for c in &d.categories {
            w.write_record(csv_row(d, c))?;
        }
        w.write_record(unknown_row(d, report.sample))?;
    }
    for r in &report.per_role {
        w.write_record(role_row(r, report.sample))?;
    }
    w.flush()
}

/// Writes the report as one pretty-printed JSON document.
pub fn json(report: &AuditReport, mut out: impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut out, report)?;
    writeln!(out)?;
    out.flush()
}

fn ratio_cell(r: &RateStat) -> String {
    match r.impact_ratio {
        Some(x) if r.below_four_fifths => format!("{x:.3} <4/5"),
        Some(x) => format!("{x:.3}"),
        None => "-".into(),
    }
}

fn table_dimension(d: &DimensionAudit, sample: usize, w: &mut impl Write) -> io::Result<()> {
    writeln!(w, "\n{}{}", terminal_safe(&d.name), if d.intersection { " (intersection)" } else { "" })?;
    writeln!(
        w,
        "  {:<24} {:>6} {:>6}  {:>6} {:>15} {:>11}  {:>6} {:>15} {:>11}",
        "category", "n", "share", "sel", "95% CI", "impact", "score", "95% CI", "impact"
    )?;
    for c in &d.categories {
        let mut name = terminal_safe(&c.category);
        if c.status == super::types::CategoryStatus::UnderTwoPercent {
            name.push_str(" (<2%)");
        }
        let (s, g) = (&c.selection, &c.scoring);
        writeln!(
            w,
            "  {:<24} {:>6} {:>6.3}  {:>6.3} [{:.3}, {:.3}] {:>11}  {:>6.3} [{:.3}, {:.3}] {:>11}",
            name,
            c.n,
            c.share,
            s.rate,
            s.ci.low,
            s.ci.high,
            ratio_cell(s),
            g.rate,
            g.ci.low,
            g.ci.high,
            ratio_cell(g)
        )?;
    }
    let u = &d.unknown;
    let share = u.n as f64 / sample.max(1) as f64;
    writeln!(
        w,
        "  {:<24} {:>6} {:>6.3}  (selected {}, above median {}; not compared)",
        "unknown", u.n, share, u.selected, u.scored_above_median
    )
}

/// Writes an aligned table for the terminal: the sample, then each dimension's categories with
/// their rates, intervals and impact ratios (`<4/5` marks a four-fifths flag, `(<2%)` a
/// category left out of the comparison).
pub fn table(report: &AuditReport, mut w: impl Write) -> io::Result<()> {
    let r = report;
    writeln!(
        w,
        "adverse-impact audit: {} candidates (from the {}), selected = in a role's top {} (run kept {}): {}",
        r.sample,
        r.population.as_str().replace('_', " "),
        r.top_k,
        r.run_top_k,
        r.selected
    )?;
    writeln!(
        w,
        "scoring rate = best score above the median {:.4}: {}; intervals: 95% Wilson",
        r.median_best_score, r.scored_above_median
    )?;
    writeln!(
        w,
        "not in the demographics file (unknown): {}; demographics ids not in the run (ignored): {}",
        r.not_in_demographics, r.not_in_run
    )?;
    for d in &r.dimensions {
        table_dimension(d, r.sample, &mut w)?;
    }
    if !r.per_role.is_empty() {
        writeln!(w, "\nper role (selection in the role's top {}):", r.top_k)?;
        writeln!(
            w,
            "  {:<16} {:<24} {:<20} {:>6} {:>6} {:>6} {:>11}",
            "role", "dimension", "category", "n", "sel", "rate", "impact"
        )?;
    }
    for p in &r.per_role {
        writeln!(
            w,
            "  {:<16} {:<24} {:<20} {:>6} {:>6} {:>6.3} {:>11}",
            terminal_safe(&p.role_id),
            terminal_safe(&p.dimension),
            terminal_safe(&p.category),
            p.n,
            p.selection.count,
            p.selection.rate,
            ratio_cell(&p.selection)
        )?;
    }
    let flagged = r.flagged();
    writeln!(w)?;
    if flagged.is_empty() {
        writeln!(w, "no category below four-fifths of the highest rate")?;
    }
    for (d, c) in flagged {
        writeln!(w, "four-fifths flag: {} = {}", terminal_safe(&d.name), terminal_safe(&c.category))?;
    }
    w.flush()
}
