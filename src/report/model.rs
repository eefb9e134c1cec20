//! `profiles.parquet` and `roles.parquet`: the scoring inputs of the run, in long format.
//!
//! * `profiles.parquet`: `candidate_id, location, skill_uri, skill_label, weight, credential_ids,
//!   fit_mass` — one row per skill a candidate holds with counted evidence (the strongest weight
//!   and every proving credential, strongest first; `fit_mass` the candidate's fit denominator,
//!   the same on each of their rows).
//! * `roles.parquet`: `role_id, title, employer, location, skill_uri, skill_label, requirement,
//!   origin, importance, prior, thin, sources` — one row per role skill (`origin` = `explicit`,
//!   `extracted` from the description or `inferred` from the title; `importance` as scored; `prior`
//!   the evidence model's prior mass; `thin` whether the role has too few skills to rank with
//!   confidence; `sources` every posting the role was read from as `reader path position`, more
//!   than one when copies of the opening were merged; `fit` the skill's weight in the fit term).
//!
//! Together with the taxonomy they let `skillmatch explain` and `shortlist` recompute any
//! reported pair's explanation exactly, with files that grow with the evidence and the
//! postings, not with candidates × roles.

use std::path::Path;

use super::table::{Col, Table};
use super::{OutputFile, ReportError, ReportInput};
use crate::ingest::Requirement;

/// The `profiles.parquet` rows of the (candidate, held skill) pairs `held` (indexes into the
/// profiles and into each profile's skills).
fn profiles_table<'a>(input: &ReportInput<'a>, held: &[(u32, u32)]) -> Table<'a> {
    let tax = input.taxonomy;
    let rows = || held.iter().map(|&(pi, hi)| (&input.profiles[pi as usize], hi as usize));
    let credential_ids = |(p, h): (&'a crate::score::CandidateProfile, usize)| {
        p.skills[h]
            .evidence
            .iter()
            .filter_map(|&i| input.credentials.get(i as usize))
            .map(|v| v.credential.credential_id.as_str())
            .collect::<Vec<_>>()
    };
    Table::new(vec![
        Col::str("candidate_id", rows().map(|(p, _)| p.id.as_str()).collect()),
        Col::opt("location", rows().map(|(p, _)| p.location.as_deref()).collect()),
        Col::str("skill_uri", rows().map(|(p, h)| tax.skill(p.skills[h].skill).uri.as_str()).collect()),
        Col::str("skill_label", rows().map(|(p, h)| tax.skill(p.skills[h].skill).label.as_str()).collect()),
        Col::f64("weight", rows().map(|(p, h)| p.skills[h].weight).collect()),
        Col::list("credential_ids", rows().map(credential_ids).collect()),
        Col::f64("fit_mass", rows().map(|(p, _)| p.fit_mass).collect()),
    ])
}

/// Writes both files. `profiles.parquet` (a row per held skill: millions in a large run) is
/// built and written one row group at a time.
pub fn write(dir: &Path, input: &ReportInput<'_>) -> Result<Vec<OutputFile>, ReportError> {
    let tax = input.taxonomy;
    // (profile, held skill) of each row, in profile order: 8 bytes a row instead of its cells.
    let held: Vec<(u32, u32)> = input
        .profiles
        .iter()
        .enumerate()
        .flat_map(|(pi, p)| (0..p.skills.len()).map(move |hi| (pi as u32, hi as u32)))
        .collect();
    let build = |rows: std::ops::Range<usize>| profiles_table(input, &held[rows]);
    let mut out = vec![super::parquet_built(dir, super::schema::PROFILES, held.len(), build)?];

    let mut t: [Vec<&str>; 6] = Default::default();
    let (mut employer, mut location, mut importance, mut sources) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut prior, mut thin, mut fit) = (Vec::new(), Vec::new(), Vec::new());
    // Source paths relative to the posting input holding them: the same bytes from any folder.
    let roots = super::verification::roots(input.posting_inputs);
    // Shown once per role, borrowed by each of its skill rows.
    let shown: Vec<Vec<String>> = input
        .roles
        .iter()
        .map(|r| {
            input
                .normalized
                .role_sources
                .get(&r.id)
                .map(|v| v.iter().map(|src| src.shown(&super::verification::shown_source(&src.path, &roots))).collect())
                .unwrap_or_default()
        })
        .collect();
    for ((ri, r), shown) in input.roles.iter().enumerate().zip(&shown) {
        for ((s, imp), f) in r.skills.iter().zip(&r.importance).zip(crate::score::fit_weights(r)) {
            importance.push(*imp);
            fit.push(f);
            prior.push(r.prior);
            thin.push(input.thin_roles.get(ri).copied().unwrap_or(false));
            sources.push(shown.as_slice());
            t[0].push(r.id.as_str());
            t[1].push(r.title.as_str());
            employer.push(r.employer.as_deref());
            location.push(r.location.as_deref());
            t[2].push(tax.skill(s.skill).uri.as_str());
            t[5].push(tax.skill(s.skill).label.as_str());
            t[3].push(match s.requirement {
                Requirement::Required => "required",
                Requirement::Preferred => "preferred",
            });
            t[4].push(s.origin.as_str());
        }
    }
    let [role_id, title, skill_uri, requirement, origin, skill_label] = t;
    let roles = Table::new(vec![
        Col::str("role_id", role_id),
        Col::str("title", title),
        Col::opt("employer", employer),
        Col::opt("location", location),
        Col::str("skill_uri", skill_uri),
        Col::str("skill_label", skill_label),
        Col::str("requirement", requirement),
        Col::str("origin", origin),
        Col::f64("importance", importance),
        Col::f64("prior", prior),
        Col::bool("thin", thin),
        Col::shared_list("sources", sources),
        Col::f64("fit", fit),
    ]);
    out.push(super::parquet(dir, super::schema::ROLES, &roles)?);
    Ok(out)
}
