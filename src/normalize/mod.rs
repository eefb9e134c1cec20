//! Normalize: map every raw skill of the verified credentials and postings to the taxonomy,
//! and resolve each posting's requirements ([`RoleRequirements`]: explicit skills, skills
//! extracted from text, skills inferred from the title), which the score stage turns into roles.
//!
//! Each distinct raw skill is normalized once (in parallel); every string that maps nowhere is
//! kept in [`Normalized::crosswalk`] with method `unmapped` and reported, never dropped.

pub mod description;
pub mod meaning;
mod requirements;
pub mod sections;
pub mod stats;

pub use stats::NormalizeStats;

pub use requirements::{RoleRequirements, RoleSkill, SkillOrigin};

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::Serialize;

use crate::extract::Extractor;
use crate::ingest::{Posting, RawSkill, Requirement};
use crate::semantic::skills::SentenceTable;
use crate::taxonomy::titles::{InferredRole, TitleIndex, TitleMatch};
use crate::taxonomy::{Mapping, MatchMethod, SkillId, Taxonomy};
use crate::verify::VerifiedCredential;
pub use description::DescriptionSkills;
pub use meaning::{Meaning, MeaningConfig, MeaningInfo, MeaningRow};
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
    /// Skills found in posting text and occupations found for titles by meaning
    /// (`meaning.csv`), by role id; empty in a dictionary-only run.
    pub meaning: Vec<MeaningRow>,
    /// With `[meaning] posting_text`: sentences of the posting texts read, and how many of them
    /// were distinct (each distinct one embedded and scored once).
    pub meaning_sentences: (u64, u64),
    /// With `[meaning] skill_names`: the skill strings looked up by meaning.
    pub meaning_names: NamesByMeaning,
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
    /// The `[meaning]` matchers (skill strings, titles; the posting-text one is attached to the
    /// extractor), when any use is switched on.
    pub meaning: Option<&'a Meaning>,
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
    let (mapped, meaning_names) = map_distinct(taxonomy, &distinct, opts.meaning);
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

    let shared = Shared::prepare(extractor, postings, &lookup, opts);
    let built: Vec<BuiltRole> = postings
        .par_iter()
        .enumerate()
        .map(|(i, p)| build_role(taxonomy, extractor, p, shared.text(i), &shared, opts))
        .collect();
    let extracted_mentions = built.iter().map(|b| b.mentions).sum();
    let mut meaning: Vec<MeaningRow> = Vec::new();
    let mut roles: Vec<RoleRequirements> = built
        .into_iter()
        .map(|b| {
            meaning.extend(b.meaning);
            b.role
        })
        .collect();
    roles.sort_by(|a, b| a.id.cmp(&b.id));
    // Stable: within a role, rows keep text order (sentences, then the title).
    meaning.sort_by(|a, b| a.role_id.cmp(&b.role_id));

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
    let meaning_sentences = shared.sentences.as_ref().map_or((0, 0), |t| (t.sentences(), t.len() as u64));
    Normalized {
        credential_skills,
        roles,
        crosswalk,
        extracted_mentions,
        role_sources,
        duplicates,
        meaning,
        meaning_sentences,
        meaning_names,
    }
}

/// Each distinct raw skill mapped by the dictionary; with `[meaning] skill_names`, the ones it
/// leaves unmapped (that have a name) then by meaning
/// ([`SemanticSkills::nearest_names`](crate::semantic::skills::SemanticSkills::nearest_names):
/// each distinct name once, remembered across runs). Also returns what meaning did.
fn map_distinct(
    taxonomy: &Taxonomy,
    distinct: &[RawSkill],
    meaning: Option<&Meaning>,
) -> (Vec<Mapping>, NamesByMeaning) {
    let mut mapped: Vec<Mapping> = distinct.par_iter().map(|r| taxonomy.normalize(r)).collect();
    let Some((sem, threshold)) = meaning.and_then(|m| m.names.as_deref().map(|n| (n, m.name_threshold))) else {
        return (mapped, NamesByMeaning::default());
    };
    let asked: Vec<usize> =
        (0..distinct.len()).filter(|&i| mapped[i].skill.is_none() && distinct[i].name.is_some()).collect();
    let names: Vec<&str> = asked.iter().map(|&i| distinct[i].name.as_deref().unwrap_or("")).collect();
    let found = sem.nearest_names(&names);
    for (&i, nearest) in asked.iter().zip(&found.nearest) {
        mapped[i] = crate::semantic::skills::mapping_of(*nearest, threshold);
    }
    let stats =
        NamesByMeaning { distinct: found.distinct as u64, cached: found.hits as u64, cache_error: found.saved.err() };
    (mapped, stats)
}

/// What `[meaning] skill_names` did in a run (manifest `run.names_by_meaning`: the cache part
/// depends on earlier runs, so it sits with the run's other volatile facts).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct NamesByMeaning {
    /// Distinct skill strings the dictionary left unmapped, looked up by meaning.
    pub distinct: u64,
    /// Of those, how many the cross-run cache beside the model answered.
    pub cached: u64,
    /// Why the cache could not be written, when it could not (the run's results are unaffected).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_error: Option<String>,
}

/// What every role is built with: the raw skills' mappings and, with meaning, the posting texts
/// (converted once), each distinct sentence's nearest skills and each distinct title's best
/// occupation, computed once for the whole run.
struct Shared<'a> {
    lookup: &'a HashMap<&'a RawSkill, Mapping>,
    /// Per posting (same order), its plain text when the extractor reads it; only with meaning.
    texts: Option<Vec<Option<String>>>,
    sentences: Option<SentenceTable>,
    /// Distinct title → its best occupation, by the token index (and meaning, with `[meaning]
    /// job_titles`), for every title a role may be inferred from.
    titles: Option<HashMap<&'a str, Option<TitleMatch>>>,
    /// Whether `titles` were matched with meaning (then each inference is a `meaning.csv` row).
    titles_by_meaning: bool,
}

impl<'a> Shared<'a> {
    fn prepare(
        extractor: &Extractor,
        postings: &'a [Posting],
        lookup: &'a HashMap<&'a RawSkill, Mapping>,
        opts: NormalizeOptions<'a>,
    ) -> Shared<'a> {
        let texts: Option<Vec<Option<String>>> = extractor.semantic().map(|_| {
            postings
                .par_iter()
                .map(|p| uses_text(p, opts).then(|| crate::extract::description_to_text(&p.description)))
                .collect()
        });
        let sentences = match (extractor.semantic(), &texts) {
            (Some(sem), Some(t)) => Some(sem.prepare(t.iter().flatten().map(String::as_str))),
            _ => None,
        };
        // Each distinct title a role may be inferred from is looked up once: postings that list
        // no skills (or all of them, with `title_profile`).
        let by_meaning = opts.meaning.and_then(|m| m.titles.as_ref());
        let titles = opts.titles.map(|tokens| {
            let mut distinct: Vec<&str> = postings
                .iter()
                .filter(|p| by_meaning.is_some() || opts.title_profile || p.skills.is_empty())
                .map(|p| p.title.as_str())
                .collect();
            distinct.sort_unstable();
            distinct.dedup();
            let best: Vec<Option<TitleMatch>> = distinct
                .par_iter()
                .map(|t| match by_meaning {
                    Some(sem) => sem.lookup(tokens, t, 1).into_iter().next(),
                    None => tokens.lookup(t, 1).into_iter().next(),
                })
                .collect();
            distinct.into_iter().zip(best).collect()
        });
        Shared { lookup, texts, sentences, titles, titles_by_meaning: by_meaning.is_some() }
    }

    /// The prepared text of posting `i`, when prepared.
    fn text(&self, i: usize) -> Option<Option<&str>> {
        self.texts.as_ref().map(|t| t.get(i).and_then(|x| x.as_deref()))
    }
}

/// Whether a posting's description is read for skills.
fn uses_text(p: &Posting, opts: NormalizeOptions) -> bool {
    let use_text = match opts.description_skills {
        DescriptionSkills::Ignore => false,
        DescriptionSkills::WhenNoExplicit => p.skills.is_empty(),
        DescriptionSkills::AsPreferred => true,
    };
    use_text && !p.description.is_empty()
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

/// One role as built, with the mentions its text gave and what meaning found for it.
struct BuiltRole {
    role: RoleRequirements,
    mentions: u64,
    meaning: Vec<MeaningRow>,
}

fn build_role(
    taxonomy: &Taxonomy,
    extractor: &Extractor,
    p: &Posting,
    prepared: Option<Option<&str>>,
    shared: &Shared<'_>,
    opts: NormalizeOptions,
) -> BuiltRole {
    let mut skills: Vec<RoleSkill> = p
        .skills
        .iter()
        .filter_map(|(raw, req)| {
            shared.lookup.get(raw).and_then(|m| m.skill).map(|skill| RoleSkill {
                requirement: *req,
                skill,
                origin: SkillOrigin::Explicit,
            })
        })
        .collect();
    let mut mentions = 0;
    let mut meaning = Vec::new();
    let own;
    let text = match prepared {
        Some(t) => t,
        None => {
            own = uses_text(p, opts).then(|| crate::extract::description_to_text(&p.description));
            own.as_deref()
        }
    };
    if let Some(text) = text {
        let requirement = if p.skills.is_empty() { Requirement::Required } else { Requirement::Preferred };
        let found = extractor.extract_prepared(text, shared.sentences.as_ref());
        // Headings decide first: skills under "Benefits" are dropped, under "Nice to have"
        // preferred, under "Requirements" required (see `sections`).
        let lines = sections::line_sections(text);
        for m in found {
            let requirement = match sections::section_at(&lines, m.start) {
                SectionKind::Ignored => continue,
                SectionKind::Preferred => Requirement::Preferred,
                _ if m.optional => Requirement::Preferred,
                SectionKind::Required | SectionKind::Neutral => requirement,
            };
            mentions += 1;
            if m.method == MatchMethod::Semantic {
                meaning.push(semantic_row(taxonomy, p, &m));
            }
            skills.push(RoleSkill { requirement, skill: m.skill, origin: SkillOrigin::Extracted });
        }
    }
    let sparse = p.skills.is_empty() && mentions < INFER_BELOW_MENTIONS;
    if (sparse || opts.title_profile)
        && let Some(inferred) = infer_from_title(taxonomy, p, shared, &mut meaning)
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
    BuiltRole { role, mentions, meaning }
}

/// A skill found by meaning in a posting's text, as `meaning.csv` shows it.
fn semantic_row(taxonomy: &Taxonomy, p: &Posting, m: &crate::extract::Mention) -> MeaningRow {
    let skill = taxonomy.skill(m.skill);
    MeaningRow {
        role_id: p.id.clone(),
        what: "posting_text",
        uri: skill.uri.clone(),
        label: skill.label.clone(),
        method: MatchMethod::Semantic.as_str().to_string(),
        confidence: m.confidence,
        evidence: m.surface.clone(),
    }
}

/// The occupation a posting's title names, looked up once per distinct title in
/// [`Shared::prepare`]: by the token index alone, or with `[meaning] job_titles` by the token
/// index and meaning combined (the best candidate when [`InferredRole::from_match`] accepts its
/// score, then recorded in `meaning`).
fn infer_from_title<'t>(
    taxonomy: &'t Taxonomy,
    p: &Posting,
    shared: &Shared<'_>,
    meaning: &mut Vec<MeaningRow>,
) -> Option<InferredRole<'t>> {
    let best = shared.titles.as_ref()?;
    let m = best.get(p.title.as_str())?.as_ref()?;
    let role = InferredRole::from_match(taxonomy, m)?;
    let occupation = role.occupation;
    if shared.titles_by_meaning {
        meaning.push(MeaningRow {
            role_id: p.id.clone(),
            what: "job_titles",
            uri: occupation.uri.clone(),
            label: occupation.label.clone(),
            method: serde_json::to_value(m.method)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            confidence: m.score,
            evidence: p.title.clone(),
        });
    }
    Some(role)
}

#[cfg(test)]
mod tests;
