//! `matches.parquet`, `shortlists.csv` (top-K candidates per role) and `candidate_gaps.csv`
//! (top-K roles per candidate with the required skills they miss), and `next_credentials.csv`.

use std::ops::Range;
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

/// Each pair with its routes and its role.
fn routed<'a, 'p>(
    input: &ReportInput<'a>,
    pairs: &'p [RankedMatch],
    routes: &'p [PairRoutes],
) -> impl Iterator<Item = (&'p PairRoutes, &'a Role)> {
    let roles: &'a [Role] = input.roles;
    pairs.iter().zip(routes).map(move |(m, r)| (r, &roles[m.role as usize]))
}

/// The `missing_required` and `partial_required` columns that shortlists, matches and candidate
/// gaps all show.
fn gap_cols<'a>(input: &ReportInput<'a>, pairs: &[RankedMatch], routes: &[PairRoutes]) -> [Col<'a>; 2] {
    let req = Requirement::Required;
    [
        Col::list(
            "missing_required",
            routed(input, pairs, routes).map(|(r, ro)| labels(input, r.missing(ro, req))).collect(),
        ),
        Col::list(
            "partial_required",
            routed(input, pairs, routes).map(|(r, ro)| partial_labels(input, r, ro, req)).collect(),
        ),
    ]
}

/// The shared columns of shortlists and matches.
fn match_table<'a>(input: &ReportInput<'a>, pairs: &[RankedMatch], routes: &[PairRoutes]) -> Table<'a> {
    let (roles, profiles) = (input.roles, input.profiles);
    let role = |m: &RankedMatch| -> &'a Role { &roles[m.role as usize] };
    let ex = || routed(input, pairs, routes);
    let [missing, partial] = gap_cols(input, pairs, routes);
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
        missing,
        partial,
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
/// ranked pairs, credit routes and covers the score stage computed ([`crate::score::MatchDetails`]).
pub fn write(dir: &Path, input: &ReportInput<'_>) -> Result<Vec<OutputFile>, ReportError> {
    let d = input.matches;
    let table = match_table(input, &d.role_pairs, &d.role_routes);
    let mut out = vec![
        super::parquet(dir, "matches.parquet", &table)?,
        super::csv(dir, "shortlists.csv", &table, input.csv_bom)?,
    ];
    let (cand_pairs, covers) = (&d.candidate_pairs, &d.next_credentials);
    let gaps = |range: Range<usize>| {
        gaps_table(input, &cand_pairs[range.clone()], &d.candidate_routes[range.clone()], &covers[range])
    };
    out.push(super::csv_built(dir, "candidate_gaps.csv", cand_pairs.len(), input.csv_bom, gaps)?);
    let next = |range: Range<usize>| next_credentials(input, &cand_pairs[range.clone()], &covers[range]);
    out.push(super::csv_built(dir, "next_credentials.csv", cand_pairs.len(), input.csv_bom, next)?);
    Ok(out)
}

/// `candidate_gaps.csv` rows of candidate-side pairs (with their routes and covers).
fn gaps_table<'a>(
    input: &ReportInput<'a>,
    pairs: &[RankedMatch],
    routes: &[PairRoutes],
    covers: &'a [Vec<CoverStep>],
) -> Table<'a> {
    let role = |m: &RankedMatch| -> &'a Role { &input.roles[m.role as usize] };
    let [missing, partial] = gap_cols(input, pairs, routes);
    Table::new(vec![
        Col::str("candidate_id", pairs.iter().map(|m| input.profiles[m.candidate as usize].id.as_str()).collect()),
        Col::u64("rank", pairs.iter().map(|m| m.rank as u64).collect()),
        Col::str("role_id", pairs.iter().map(|m| role(m).id.as_str()).collect()),
        Col::str("role_title", pairs.iter().map(|m| role(m).title.as_str()).collect()),
        Col::f64("score", pairs.iter().map(|m| round4(m.score)).collect()),
        Col::u64("required_total", pairs.iter().map(|m| role(m).required_count() as u64).collect()),
        Col::u64(
            "missing_required_count",
            routed(input, pairs, routes).map(|(r, ro)| r.missing(ro, Requirement::Required).count() as u64).collect(),
        ),
        missing,
        partial,
        Col::list(
            "next_credentials",
            covers
                .iter()
                .map(|c| c.iter().map(|s| input.catalog.classes[s.class as usize].name.as_str()).collect())
                .collect(),
        ),
    ])
}

/// `next_credentials.csv` rows of candidate-side pairs: one per suggested badge class, in cover
/// order.
fn next_credentials<'a>(input: &ReportInput<'a>, pairs: &[RankedMatch], covers: &'a [Vec<CoverStep>]) -> Table<'a> {
    let mut t: [Vec<&str>; 5] = Default::default();
    let (mut rank, mut step, mut covered, mut left) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (m, steps) in pairs.iter().zip(covers) {
        for (i, s) in steps.iter().enumerate() {
            let class = &input.catalog.classes[s.class as usize];
            t[0].push(input.profiles[m.candidate as usize].id.as_str());
            t[1].push(input.roles[m.role as usize].id.as_str());
            t[2].push(class.name.as_str());
            t[3].push(class.issuer.as_str());
            t[4].push(class.key.as_str());
            rank.push(m.rank as u64);
            step.push(i as u64 + 1);
            covered.push(s.covers.iter().map(|&k| label(input, k)).collect::<Vec<_>>());
            left.push(s.missing_after as u64);
        }
    }
    let [cand, role, badge, issuer, key] = t;
    Table::new(vec![
        Col::str("candidate_id", cand),
        Col::str("role_id", role),
        Col::u64("role_rank", rank),
        Col::u64("step", step),
        Col::str("badge", badge),
        Col::str("issuer", issuer),
        Col::str("badge_key", key),
        Col::list("covers_required", covered),
        Col::u64("missing_required_after", left),
    ])
}
