//! `explanations.parquet`: one row per (role, candidate, role skill) for every reported pair
//! (the union of the role-side and candidate-side top-K), in long format, so that `skillmatch
//! explain` and `skillmatch shortlist` answer from the run folder without re-scoring.
//!
//! Columns: `role_id, candidate_id, score, skill_uri, skill_label, requirement, origin, credit,
//! via (exact | group | none), held_skill_uri, held_skill_label, group_label, credential_ids, candidate_location`.

use std::collections::BTreeSet;
use std::path::Path;

use rayon::prelude::*;

use super::table::{Col, Table};
use super::{OutputFile, ReportError, ReportInput};
use crate::ingest::Requirement;
use crate::score::{CreditVia, Explanation, SkillOrigin, explain};
use crate::util::round4;

/// Writes the file.
pub fn write(dir: &Path, input: &ReportInput<'_>) -> Result<OutputFile, ReportError> {
    let pairs: BTreeSet<(u32, u32)> = input
        .scores
        .by_role
        .iter()
        .chain(input.scores.by_candidate.iter())
        .flatten()
        .map(|m| (m.role, m.candidate))
        .collect();
    let pairs: Vec<(u32, u32)> = pairs.into_iter().collect();
    let explained: Vec<Explanation> = pairs
        .par_iter()
        .map(|&(r, c)| explain(input.taxonomy, &input.profiles[c as usize], &input.roles[r as usize], input.params))
        .collect();
    let tax = input.taxonomy;
    let mut t = Rows::default();
    for (&(r, c), e) in pairs.iter().zip(&explained) {
        for s in &e.skills {
            t.role_id.push(input.roles[r as usize].id.clone());
            t.candidate_id.push(input.profiles[c as usize].id.clone());
            t.score.push(round4(e.score));
            t.location.push(input.profiles[c as usize].location.clone());
            t.skill_uri.push(tax.skill(s.skill).uri.clone());
            t.skill_label.push(tax.skill(s.skill).label.clone());
            t.requirement.push(match s.requirement {
                Requirement::Required => "required".into(),
                Requirement::Preferred => "preferred".into(),
            });
            t.origin.push(match s.origin {
                SkillOrigin::Explicit => "explicit".into(),
                SkillOrigin::Extracted => "extracted".into(),
            });
            t.credit.push(round4(s.credit));
            let (via, held, group) = match s.via {
                CreditVia::Exact => ("exact", None, None),
                CreditVia::Group { held, group } => ("group", Some(held), Some(group)),
                CreditVia::None => ("none", None, None),
            };
            t.via.push(via.into());
            t.held_uri.push(held.map(|h| tax.skill(h).uri.clone()));
            t.held_label.push(held.map(|h| tax.skill(h).label.clone()));
            t.group_label.push(group.and_then(|g| tax.groups.get(g as usize)).map(|g| g.label.clone()));
            t.credentials.push(
                s.evidence
                    .iter()
                    .filter_map(|&i| input.credentials.get(i as usize))
                    .map(|v| v.credential.credential_id.clone())
                    .collect(),
            );
        }
    }
    let table = Table::new(vec![
        Col::str("role_id", t.role_id),
        Col::str("candidate_id", t.candidate_id),
        Col::f64("score", t.score),
        Col::str("skill_uri", t.skill_uri),
        Col::str("skill_label", t.skill_label),
        Col::str("requirement", t.requirement),
        Col::str("origin", t.origin),
        Col::f64("credit", t.credit),
        Col::str("via", t.via),
        Col::opt("held_skill_uri", t.held_uri),
        Col::opt("held_skill_label", t.held_label),
        Col::opt("group_label", t.group_label),
        Col::list("credential_ids", t.credentials),
        Col::opt("candidate_location", t.location),
    ]);
    super::parquet(dir, "explanations.parquet", &table)
}

#[derive(Default)]
struct Rows {
    role_id: Vec<String>,
    candidate_id: Vec<String>,
    score: Vec<f64>,
    skill_uri: Vec<String>,
    skill_label: Vec<String>,
    requirement: Vec<String>,
    origin: Vec<String>,
    credit: Vec<f64>,
    via: Vec<String>,
    held_uri: Vec<Option<String>>,
    held_label: Vec<Option<String>>,
    group_label: Vec<Option<String>>,
    credentials: Vec<Vec<String>>,
    location: Vec<Option<String>>,
}
