//! [`TaxonomyBuilder`]: a taxonomy put together step by step (base ESCO → custom taxonomy
//! CSVs → alias files → O*NET technologies; `load` runs the steps in that order), with the
//! lookup indexes built once, yielding an immutable [`Taxonomy`]. The custom and alias steps
//! live in `custom` and `aliases`; the technologies' bookkeeping in `technologies`.
//!
//! While skills are added (ESCO, then custom files) labels are collected in a
//! [`FormTable`](super::forms::FormTable) that answers label lookups on the way; the sorted
//! surface-form, fuzzy and variant indexes are built once, by the first step that needs them
//! (an alias file, O*NET's technologies, or [`TaxonomyBuilder::build`]).

use std::collections::HashMap;
use std::path::Path;

use super::forms::FormTable;
use super::normalizer::Normalizer;
use super::provenance::Provenance;
use super::technologies::{Technologies, TechnologyLoad};
use super::{Occupation, Skill, SkillGroup, SkillId, Taxonomy, TaxonomyError, esco, onet, uri};

/// A taxonomy being put together; [`TaxonomyBuilder::build`] yields the [`Taxonomy`].
///
/// Steps must come in the order of [`TaxonomyBuilder::load`](super::TaxonomyBuilder::load): custom taxonomies
/// ([`TaxonomyBuilder::add_custom`]) before alias files and O*NET technologies.
#[derive(Debug, Clone)]
pub struct TaxonomyBuilder {
    pub(super) skills: Vec<Skill>,
    pub(super) groups: Vec<SkillGroup>,
    pub(super) occupations: Vec<Occupation>,
    pub(super) files: Vec<(String, String)>,
    pub(super) provenance: Provenance,
    /// Skill URIs while skills are added; moved into the normalizer when it is built.
    pub(super) by_uri: HashMap<String, SkillId>,
    /// Folded labels while skills are added; indexed when the normalizer is built.
    labels: FormTable,
    /// The string → skill indexes, once built (no skill with labels can be added after).
    normalizer: Option<Normalizer>,
    technologies: Technologies,
    fuzzy_threshold: Option<f32>,
}

/// The taxonomy version from a folder name such as `esco-v1.2.0`, else `unknown`.
fn version_from_dir(dir: &Path) -> String {
    dir.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.rsplit_once("-v"))
        .map(|(_, v)| v)
        .filter(|v| v.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or("unknown")
        .to_string()
}

impl TaxonomyBuilder {
    /// Starts from ESCO, read from a folder laid out like `datasets/taxonomy/esco-v1.2.0/`.
    ///
    /// Reads `skills_en`, `skillGroups_en`, `broaderRelationsSkillPillar_en`,
    /// `skillSkillRelations_en`, `occupations_en` and `occupationSkillRelations_en`, each as
    /// `X.csv` or else `X.csv.gz`. Entities are sorted by URI, so ids are stable for a given
    /// release. A skill's `groups` are the skill groups reached in the fewest broader steps
    /// (following skill → skill edges). A relation listed as both essential and optional counts
    /// as essential. The version is taken from the folder name (`…-v1.2.0` → `1.2.0`).
    ///
    /// Errors: a missing or unreadable file ([`TaxonomyError::Io`]); a malformed CSV record, a
    /// missing column, a duplicate URI, a relation or hierarchy edge naming an unknown concept
    /// ([`TaxonomyError::Parse`], with file and line).
    pub fn esco(dir: &Path) -> Result<TaxonomyBuilder, TaxonomyError> {
        let data = esco::load(dir)?;
        let mut labels = FormTable::default();
        labels.add(&data.skills, 0);
        Ok(TaxonomyBuilder {
            provenance: Provenance {
                name: "esco".to_string(),
                version: version_from_dir(dir),
                base_skills: data.skills.len(),
                ..Provenance::default()
            },
            skills: data.skills,
            groups: data.groups,
            occupations: data.occupations,
            files: data.files,
            by_uri: data.skill_by_uri,
            labels,
            normalizer: None,
            technologies: Technologies::default(),
            fuzzy_threshold: None,
        })
    }

    /// Starts from a taxonomy with no skills, groups or occupations, to which custom taxonomies
    /// can be added ([`TaxonomyBuilder::add_custom`]) when an organisation uses only its own
    /// (`[taxonomy] esco = false`). Job titles then map to no occupation.
    pub fn empty(name: &str, version: &str) -> TaxonomyBuilder {
        TaxonomyBuilder {
            skills: Vec::new(),
            groups: Vec::new(),
            occupations: Vec::new(),
            files: Vec::new(),
            provenance: Provenance { name: name.to_string(), version: version.to_string(), ..Provenance::default() },
            by_uri: HashMap::new(),
            labels: FormTable::default(),
            normalizer: None,
            technologies: Technologies::default(),
            fuzzy_threshold: None,
        }
    }

    /// Names the taxonomy (a taxonomy of custom files only is named after its first file).
    pub(super) fn rename(&mut self, name: &str, version: &str) {
        self.provenance.name = name.to_string();
        self.provenance.version = version.to_string();
    }

    /// Sets [`Taxonomy::fuzzy_threshold`] (default
    /// [`DEFAULT_FUZZY_THRESHOLD`](super::DEFAULT_FUZZY_THRESHOLD)).
    pub fn set_fuzzy_threshold(&mut self, threshold: f32) -> &mut TaxonomyBuilder {
        self.fuzzy_threshold = Some(threshold);
        self
    }

    /// Adds O*NET's Technology Skills examples (call once, after any custom taxonomies and alias
    /// files; [`TaxonomyBuilder::load`](super::TaxonomyBuilder::load) keeps that order):
    ///
    /// * a technology whose [`fold`](fn@super::fold)ed name is a folded label or an alias of a
    ///   skill already there (ESCO's, or a custom taxonomy's) is **linked** to that skill
    ///   (`Python` → ESCO *Python (computer programming)*);
    /// * any other technology becomes a skill of its own, appended after the taxonomy's
    ///   (in name order, so ids are stable for a release): kind `technology`, label the
    ///   published name, URI [`TECHNOLOGY_URI_PREFIX`](super::TECHNOLOGY_URI_PREFIX) + the
    ///   folded name, no groups or relations. [`Taxonomy::normalize`] maps the exact name to it
    ///   (after the exact label and alias steps) and the extractor finds it in text (see
    ///   [`Taxonomy::technology_forms`]).
    ///
    /// Either way [`Taxonomy::technologies_of`] gives the skill's O*NET technologies (name,
    /// commodities, Hot Technology flag). O*NET's files join [`Taxonomy::files`]. A second call
    /// does nothing.
    pub fn add_onet_technologies(&mut self, onet: &onet::Onet) -> TechnologyLoad {
        if self.provenance.onet_version.is_some() {
            return TechnologyLoad::default();
        }
        self.normalizer();
        let Some(normalizer) = self.normalizer.as_mut() else { return TechnologyLoad::default() };
        let load = self.technologies.add(onet, &mut self.skills, normalizer);
        self.files.extend(onet.files.iter().cloned());
        self.provenance.onet_version = Some(onet.version.clone());
        load
    }

    /// Whether the lookup indexes are built (then no more custom taxonomy can be added).
    pub(super) fn is_indexed(&self) -> bool {
        self.normalizer.is_some()
    }

    /// The string → skill indexes, built on first use from the skills added so far.
    pub(super) fn normalizer(&mut self) -> &mut Normalizer {
        let (labels, by_uri) = (&mut self.labels, &mut self.by_uri);
        self.normalizer
            .get_or_insert_with(|| Normalizer::new(std::mem::take(by_uri), std::mem::take(labels).into_index()))
    }

    /// The skill with this URI (see [`Taxonomy::skill_by_uri`]).
    pub(super) fn skill_by_uri(&self, uri: &str) -> Option<SkillId> {
        match &self.normalizer {
            Some(n) => n.skill_by_uri(uri),
            None => uri::lookup(&self.by_uri, uri),
        }
    }

    /// The skill group with this URI (see [`Taxonomy::group_by_uri`]).
    pub(super) fn group_by_uri(&self, uri: &str) -> Option<u32> {
        uri::find_group(&self.groups, uri)
    }

    /// The skill a folded label names, as the surface-form index will choose it.
    pub(super) fn skill_labelled(&self, folded: &str) -> Option<SkillId> {
        match &self.normalizer {
            Some(n) => n.surface_form(folded).map(|f| f.skill),
            None => self.labels.get(folded),
        }
    }

    /// Registers skills just appended to `skills` from id `first` on: their URIs and labels.
    pub(super) fn index_new_skills(&mut self, first: SkillId) {
        for (id, s) in (first..).zip(&self.skills[first as usize..]) {
            self.by_uri.insert(s.uri.clone(), id);
        }
        self.labels.add(&self.skills[first as usize..], first);
    }

    /// `(name, version)` of the taxonomy `id` comes from (see [`Taxonomy::source_of`]).
    pub(super) fn source_of(&self, id: SkillId) -> (&str, &str) {
        self.provenance.source_of(id, self.skills.len())
    }

    /// The immutable taxonomy, with its indexes (built here unless a step already did).
    pub fn build(mut self) -> Taxonomy {
        let mut normalizer = match self.normalizer.take() {
            Some(n) => n,
            None => Normalizer::new(std::mem::take(&mut self.by_uri), std::mem::take(&mut self.labels).into_index()),
        };
        if let Some(th) = self.fuzzy_threshold {
            normalizer.set_fuzzy_threshold(th);
        }
        Taxonomy {
            skills: self.skills,
            groups: self.groups,
            occupations: self.occupations,
            files: self.files,
            provenance: self.provenance,
            normalizer,
            technologies: self.technologies,
        }
    }
}
