//! Normalize: map every raw skill of the verified credentials and postings to the taxonomy,
//! and resolve each posting's requirements ([`RoleRequirements`]: explicit skills, skills
//! extracted from text, skills inferred from the title), which the score stage turns into roles.
//!
//! Each distinct raw skill is normalized once (in parallel); every string that maps nowhere is
//! kept in [`Normalized::crosswalk`] with method `unmapped` and reported, never dropped.

mod requirements;
pub mod sections;

pub use requirements::{DescriptionSkills, RoleRequirements, RoleSkill, SkillOrigin};

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::Serialize;

use crate::extract::Extractor;
use crate::ingest::{Posting, RawSkill, Requirement};
use crate::taxonomy::titles::TitleIndex;
use crate::taxonomy::{Mapping, MatchMethod, SkillId, Taxonomy};
use crate::verify::VerifiedCredential;
use sections::SectionKind;

/// Where a raw skill string was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkillSource {
    /// A badge's alignment, tag or skill list.
    Badge,
    /// A posting's explicit skills.
    Posting,
}

impl SkillSource {
    /// `badge` or `posting`.
    pub fn as_str(self) -> &'static str {
        match self {
            SkillSource::Badge => "badge",
            SkillSource::Posting => "posting",
        }
    }
}

/// One distinct raw skill and where it mapped (a row of `crosswalk.csv` / `unmapped_skills.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct CrosswalkRow {
    /// Where it was seen.
    pub source: SkillSource,
    /// The raw skill.
    pub raw: RawSkill,
    /// The mapping.
    pub mapping: Mapping,
    /// How many times it occurred.
    pub count: u64,
}

/// Typed output of the normalize stage.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// Per verified credential (same order), its mapped skills, sorted and deduplicated.
    pub credential_skills: Vec<Vec<SkillId>>,
    /// Each posting's requirements, sorted by id.
    pub roles: Vec<RoleRequirements>,
    /// Every distinct raw skill with its mapping and count, sorted by (source, raw).
    pub crosswalk: Vec<CrosswalkRow>,
    /// Skills extracted from posting descriptions (mentions, before deduplication).
    pub extracted_mentions: u64,
    /// Per role id, every source of its posting: `reader path position`, the posting's own
    /// first, then the copies merged into it (the `sources` column of `roles.parquet`).
    pub role_sources: HashMap<String, Vec<RoleSource>>,
    /// Every copy of an opening merged into a role's posting (`duplicate_postings.csv`), by
    /// role id then input order.
    pub duplicates: Vec<crate::ingest::DuplicatePosting>,
}

/// Options of the normalize stage.
#[derive(Debug, Clone, Copy)]
pub struct NormalizeOptions<'a> {
    /// How description skills are used.
    pub description_skills: DescriptionSkills,
    /// Job title → occupation index: a posting with no explicit skills and little text gets its
    /// occupation's essential skills as required and optional ones as preferred (origin `inferred`).
    pub titles: Option<&'a TitleIndex>,
    /// Every posting whose title names an occupation (not only those without skills) gets the
    /// occupation's skills it lacks, origin `inferred`.
    pub title_profile: bool,
}

/// A posting whose text yields fewer mentions than this (and lists no skills) is completed from
/// its title's occupation.
pub const INFER_BELOW_MENTIONS: u64 = 3;

fn count_raw<'a>(
    items: impl Iterator<Item = &'a RawSkill>,
    source: SkillSource,
    into: &mut BTreeMap<(SkillSource, RawSkill), u64>,
) {
    for raw in items {
        *into.entry((source, raw.clone())).or_default() += 1;
    }
}

/// Runs the stage.
pub fn normalize(
    taxonomy: &Taxonomy,
    extractor: &Extractor,
    credentials: &[VerifiedCredential],
    postings: &[Posting],
    opts: NormalizeOptions,
) -> Normalized {
    let mut counts: BTreeMap<(SkillSource, RawSkill), u64> = BTreeMap::new();
    count_raw(credentials.iter().flat_map(|c| c.credential.skills.iter()), SkillSource::Badge, &mut counts);
    count_raw(postings.iter().flat_map(|p| p.skills.iter().map(|(r, _)| r)), SkillSource::Posting, &mut counts);

    let distinct: Vec<RawSkill> = {
        let mut v: Vec<RawSkill> = counts.keys().map(|(_, r)| r.clone()).collect();
        v.sort();
        v.dedup();
        v
    };
    let mapped: Vec<Mapping> = distinct.par_iter().map(|r| taxonomy.normalize(r)).collect();
    let lookup: HashMap<&RawSkill, Mapping> = distinct.iter().zip(mapped).collect();

    let credential_skills = credentials
        .iter()
        .map(|c| {
            let mut ids: Vec<SkillId> =
                c.credential.skills.iter().filter_map(|r| lookup.get(r).and_then(|m| m.skill)).collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        })
        .collect();

    let built: Vec<(RoleRequirements, u64)> =
        postings.par_iter().map(|p| build_role(taxonomy, extractor, p, &lookup, opts)).collect();
    let extracted_mentions = built.iter().map(|(_, n)| n).sum();
    let mut roles: Vec<RoleRequirements> = built.into_iter().map(|(r, _)| r).collect();
    roles.sort_by(|a, b| a.id.cmp(&b.id));

    let crosswalk = counts
        .into_iter()
        .map(|((source, raw), count)| {
            let mapping = lookup.get(&raw).copied().unwrap_or(Mapping {
                skill: None,
                method: MatchMethod::Unmapped,
                confidence: 0.0,
            });
            CrosswalkRow { source, raw, mapping, count }
        })
        .collect();
    let role_sources = postings.iter().map(|p| (p.id.clone(), sources_of(p))).collect();
    let mut duplicates: Vec<crate::ingest::DuplicatePosting> =
        postings.iter().flat_map(crate::ingest::DuplicatePosting::all_of).collect();
    duplicates.sort_by(|a, b| a.role_id.cmp(&b.role_id));
    Normalized { credential_skills, roles, crosswalk, extracted_mentions, role_sources, duplicates }
}

/// A posting's sources as `reader path position`, its own first.
fn sources_of(p: &Posting) -> Vec<RoleSource> {
    std::iter::once(RoleSource {
        reader: p.reader.to_string(),
        path: p.source.path.clone(),
        position: p.source.position.clone(),
    })
    .chain(p.also_from.iter().map(|s| RoleSource {
        reader: s.reader.to_string(),
        path: s.source.path.clone(),
        position: s.source.position.clone(),
    }))
    .collect()
}

/// One posting a role was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSource {
    /// The reader that took the file (`schema.org jsonl`, `greenhouse`, …).
    pub reader: String,
    /// The file, as found.
    pub path: String,
    /// Position within the file.
    pub position: String,
}

impl RoleSource {
    /// `reader path position`, with `path` shown as the caller wants it.
    pub fn shown(&self, path: &str) -> String {
        format!("{} {} {}", self.reader, path, self.position)
    }
}

fn build_role(
    taxonomy: &Taxonomy,
    extractor: &Extractor,
    p: &Posting,
    lookup: &HashMap<&RawSkill, Mapping>,
    opts: NormalizeOptions,
) -> (RoleRequirements, u64) {
    let mut skills: Vec<RoleSkill> = p
        .skills
        .iter()
        .filter_map(|(raw, req)| {
            lookup.get(raw).and_then(|m| m.skill).map(|skill| RoleSkill {
                requirement: *req,
                skill,
                origin: SkillOrigin::Explicit,
            })
        })
        .collect();
    let use_text = match opts.description_skills {
        DescriptionSkills::Ignore => false,
        DescriptionSkills::WhenNoExplicit => p.skills.is_empty(),
        DescriptionSkills::AsPreferred => true,
    };
    let mut mentions = 0;
    if use_text && !p.description.is_empty() {
        let requirement = if p.skills.is_empty() { Requirement::Required } else { Requirement::Preferred };
        let text = crate::extract::description_to_text(&p.description);
        let found = extractor.extract(&text);
        // Headings decide first: skills under "Benefits" are dropped, under "Nice to have"
        // preferred, under "Requirements" required (see `sections`).
        let lines = sections::line_sections(&text);
        for m in found {
            let requirement = match sections::section_at(&lines, m.start) {
                SectionKind::Ignored => continue,
                SectionKind::Preferred => Requirement::Preferred,
                _ if m.optional => Requirement::Preferred,
                SectionKind::Required | SectionKind::Neutral => requirement,
            };
            mentions += 1;
            skills.push(RoleSkill { requirement, skill: m.skill, origin: SkillOrigin::Extracted });
        }
    }
    let sparse = p.skills.is_empty() && mentions < INFER_BELOW_MENTIONS;
    if (sparse || opts.title_profile)
        && let Some(inferred) = opts.titles.and_then(|t| t.infer_role_skills(taxonomy, &p.title))
    {
        let have: std::collections::HashSet<u32> = skills.iter().map(|s| s.skill).collect();
        let add = |ids: &[u32], requirement| {
            ids.iter()
                .filter(|s| !have.contains(s))
                .map(move |&skill| RoleSkill { requirement, skill, origin: SkillOrigin::Inferred })
                .collect::<Vec<_>>()
        };
        let mut extra = add(inferred.essential, Requirement::Required);
        extra.extend(add(inferred.optional, Requirement::Preferred));
        skills.extend(extra);
    }
    let role = RoleRequirements {
        id: p.id.clone(),
        title: p.title.clone(),
        employer: p.employer.clone(),
        location: p.location.clone(),
        skills: requirements::resolve(skills),
    };
    (role, mentions)
}

#[cfg(test)]
mod tests;
