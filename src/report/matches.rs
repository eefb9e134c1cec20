//! `matches.parquet`, `shortlists.csv` (top-K candidates per role) and `candidate_gaps.csv`
//! (top-K roles per candidate with the required skills they miss), and `next_credentials.csv`.

use std::path::Path;

use super::table::{Col, Table, Text};
use super::{OutputFile, ReportError, ReportInput};
use crate::ingest::Requirement;
use crate::score::{CoverStep, PairRoutes, RankedMatch, Role};
use crate::util::round4;

fn label<'a>(input: &ReportInput<'a>, skill: u32) -> &'a str {
    &input.taxonomy.skill(skill).label
}

/// Labels of the skills of `role` with partial credit, as `asked (via held, route)`.
fn partial_labels<'a>(input: &ReportInput<'a>, r: &PairRoutes, role: &Role, req: Requirement) -> Vec<Text<'a>> {
    r.partial(role, req)
        .map(|s| format!("{} (via {}, {})", label(input, s.skill), label(input, s.held), s.route.as_str()).into())
        .collect()
}

fn labels<'a>(input: &ReportInput<'a>, it: impl Iterator<Item = u32>) -> Vec<&'a str> {
    it.map(|s| label(input, s)).collect()
}

/// The shared columns of shortlists and matches.
fn match_table<'a>(input: &ReportInput<'a>, pairs: &[RankedMatch], routes: &[PairRoutes]) -> Table<'a> {
    let (roles, profiles) = (input.roles, input.profiles);
    let role = |m: &RankedMatch| -> &'a Role { &roles[m.role as usize] };
    let ex = || pairs.iter().zip(routes).map(|(m, r)| (r, role(m)));
    Table::new(vec![
        Col::str("role_id", pairs.iter().map(|m| role(m).id.as_str()).collect()),
        Col::str("candidate_id", pairs.iter().map(|m| profiles[m.candidate as usize].id.as_str()).collect()),
        Col::u64("rank", pairs.iter().map(|m| m.rank as u64).collect()),
        Col::f64("score", pairs.iter().map(|m| round4(m.score)).collect()),
        Col::list(
            "matched_required",
            ex().map(|(r, ro)| labels(input, r.matched(ro, Requirement::Required))).collect(),
        ),
        Col::list(
            "matched_preferred",
            ex().map(|(r, ro)| labels(input, r.matched(ro, Requirement::Preferred))).collect(),
        ),
        Col::list(
            "missing_required",
            ex().map(|(r, ro)| labels(input, r.missing(ro, Requirement::Required))).collect(),
        ),
        Col::list(
            "partial_required",
            ex().map(|(r, ro)| partial_labels(input, r, ro, Requirement::Required)).collect(),
        ),
        Col::str("role_title", pairs.iter().map(|m| role(m).title.as_str()).collect()),
        Col::bool(
            "role_thin",
            pairs.iter().map(|m| input.thin_roles.get(m.role as usize).copied().unwrap_or(false)).collect(),
        ),
        Col::opt(
            "candidate_location",
            pairs.iter().map(|m| profiles[m.candidate as usize].location.as_deref()).collect(),
        ),
        Col::opt("role_location", pairs.iter().map(|m| role(m).location.as_deref()).collect()),
    ])
}

/// Writes the match files: matches, shortlists, candidate gaps and next credentials, from the
/// ranked pairs, explanations and covers the score stage computed ([`crate::score::MatchDetails`]).
pub fn write(dir: &Path, input: &ReportInput<'_>) -> Result<Vec<OutputFile>, ReportError> {
    let d = input.matches;
    let table = match_table(input, &d.role_pairs, &d.role_routes);
    let mut out = vec![
        super::parquet(dir, "matches.parquet", &table)?,
        super::csv(dir, "shortlists.csv", &table, input.csv_bom)?,
    ];
    let (cand_pairs, covers) = (&d.candidate_pairs, &d.next_credentials);
    let role = |m: &RankedMatch| &input.roles[m.role as usize];
    let cand_ex = || cand_pairs.iter().zip(&d.candidate_routes).map(|(m, r)| (r, role(m)));
    let gaps = Table::new(vec![
        Col::str("candidate_id", cand_pairs.iter().map(|m| input.profiles[m.candidate as usize].id.as_str()).collect()),
        Col::u64("rank", cand_pairs.iter().map(|m| m.rank as u64).collect()),
        Col::str("role_id", cand_pairs.iter().map(|m| role(m).id.as_str()).collect()),
        Col::str("role_title", cand_pairs.iter().map(|m| role(m).title.as_str()).collect()),
        Col::f64("score", cand_pairs.iter().map(|m| round4(m.score)).collect()),
        Col::u64("required_total", cand_pairs.iter().map(|m| role(m).required_count() as u64).collect()),
        Col::u64(
            "missing_required_count",
            cand_ex().map(|(r, ro)| r.missing(ro, Requirement::Required).count() as u64).collect(),
        ),
        Col::list(
            "missing_required",
            cand_ex().map(|(r, ro)| labels(input, r.missing(ro, Requirement::Required))).collect(),
        ),
        Col::list(
            "partial_required",
            cand_ex().map(|(r, ro)| partial_labels(input, r, ro, Requirement::Required)).collect(),
        ),
        Col::list(
            "next_credentials",
            covers
                .iter()
                .map(|c| c.iter().map(|s| input.catalog.classes[s.class as usize].name.as_str()).collect())
                .collect(),
        ),
    ]);
    out.push(super::csv(dir, "candidate_gaps.csv", &gaps, input.csv_bom)?);
    out.push(next_credentials(dir, input, cand_pairs, covers)?);
    Ok(out)
}

/// `next_credentials.csv`: one row per suggested badge class, in cover order.
fn next_credentials(
    dir: &Path,
    input: &ReportInput<'_>,
    pairs: &[RankedMatch],
    covers: &[Vec<CoverStep>],
) -> Result<OutputFile, ReportError> {
    let mut t: [Vec<String>; 5] = Default::default();
    let (mut rank, mut step, mut covered, mut left) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (m, steps) in pairs.iter().zip(covers) {
        for (i, s) in steps.iter().enumerate() {
            let class = &input.catalog.classes[s.class as usize];
            t[0].push(input.profiles[m.candidate as usize].id.clone());
            t[1].push(input.roles[m.role as usize].id.clone());
            t[2].push(class.name.clone());
            t[3].push(class.issuer.clone());
            t[4].push(class.key.clone());
            rank.push(m.rank as u64);
            step.push(i as u64 + 1);
            covered.push(s.covers.iter().map(|&k| label(input, k)).collect::<Vec<_>>());
            left.push(s.missing_after as u64);
        }
    }
    let [cand, role, badge, issuer, key] = t;
    let table = Table::new(vec![
        Col::str("candidate_id", cand),
        Col::str("role_id", role),
        Col::u64("role_rank", rank),
        Col::u64("step", step),
        Col::str("badge", badge),
        Col::str("issuer", issuer),
        Col::str("badge_key", key),
        Col::list("covers_required", covered),
        Col::u64("missing_required_after", left),
    ]);
    super::csv(dir, "next_credentials.csv", &table, input.csv_bom)
}
