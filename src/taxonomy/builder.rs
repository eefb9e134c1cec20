//! [`TaxonomyBuilder`]: loads a taxonomy in the one fixed order (base ESCO → custom taxonomy
//! CSVs → alias files → O*NET technologies), builds the lookup indexes once, and yields an
//! immutable [`Taxonomy`].
//!
//! While skills are added (ESCO, then custom files) labels are collected in a
//! [`FormTable`](super::forms::FormTable) that answers label lookups on the way; the sorted
//! surface-form, fuzzy and variant indexes are built once, by the first step that needs them
//! (an alias file, O*NET's technologies, or [`TaxonomyBuilder::build`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::forms::FormTable;
use super::normalizer::Normalizer;
use super::provenance::Provenance;
use super::technologies::{Technologies, TechnologyLoad};
use super::{AliasLoad, CustomLoad, Occupation, Skill, SkillGroup, SkillId, Taxonomy, TaxonomyError, esco, onet, uri};

/// What [`TaxonomyBuilder::load`] reads; see there for the order.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadSpec<'a> {
    /// The ESCO folder; `None` for a taxonomy of custom files only.
    pub esco_dir: Option<&'a Path>,
    /// Custom taxonomy CSVs ([`TaxonomyBuilder::add_custom`]), in order.
    pub custom: &'a [PathBuf],
    /// Alias files ([`TaxonomyBuilder::load_aliases`]), in order.
    pub aliases: &'a [PathBuf],
    /// O*NET, whose technologies to add ([`TaxonomyBuilder::add_onet_technologies`]).
    pub onet_technologies: Option<&'a onet::Onet>,
    /// [`Taxonomy::fuzzy_threshold`], when not the default.
    pub fuzzy_threshold: Option<f32>,
}

/// What [`TaxonomyBuilder::load`] loaded, and what each custom and alias file did.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The taxonomy.
    pub taxonomy: Taxonomy,
    /// Each custom taxonomy file with its load report, in order.
    pub custom: Vec<(PathBuf, CustomLoad)>,
    /// Each alias file with its load report, in order.
    pub aliases: Vec<(PathBuf, AliasLoad)>,
    /// What adding O*NET's technologies did, when they were added.
    pub technologies: Option<TechnologyLoad>,
}

/// A taxonomy being put together; [`TaxonomyBuilder::build`] yields the [`Taxonomy`].
///
/// Steps must come in the order of [`TaxonomyBuilder::load`]: custom taxonomies
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
    pub(super) technologies: Technologies,
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

    /// Loads a taxonomy in the one fixed order used by the nightly job, the query commands
    /// (which must rebuild the same skill ids to reopen a run) and the CLI:
    ///
    /// 1. the base ESCO folder ([`TaxonomyBuilder::esco`]), or [`TaxonomyBuilder::empty`] without
    ///    one (then named after the first custom taxonomy, `custom` if there is none);
    /// 2. the custom taxonomy CSVs in the order given ([`TaxonomyBuilder::add_custom`]);
    /// 3. the alias files in the order given ([`TaxonomyBuilder::load_aliases`]), so that an
    ///    alias can target a custom skill;
    /// 4. O*NET's technologies when given ([`TaxonomyBuilder::add_onet_technologies`]), so that a
    ///    technology named like a custom label or an alias links to that skill;
    /// 5. the fuzzy threshold, when given.
    ///
    /// Errors are those of each step; row problems of custom and alias files are returned in
    /// [`Loaded`], not errors.
    pub fn load(spec: &LoadSpec<'_>) -> Result<Loaded, TaxonomyError> {
        let mut builder = match spec.esco_dir {
            Some(dir) => TaxonomyBuilder::esco(dir)?,
            None => TaxonomyBuilder::empty("custom", "none"),
        };
        let mut custom = Vec::with_capacity(spec.custom.len());
        for path in spec.custom {
            let load = builder.add_custom(path)?;
            if spec.esco_dir.is_none() && custom.is_empty() {
                builder.provenance.name = load.name.clone();
                builder.provenance.version = load.version.clone();
            }
            custom.push((path.clone(), load));
        }
        let mut aliases = Vec::with_capacity(spec.aliases.len());
        for path in spec.aliases {
            aliases.push((path.clone(), builder.load_aliases(path)?));
        }
        let technologies = spec.onet_technologies.map(|onet| builder.add_onet_technologies(onet));
        if let Some(th) = spec.fuzzy_threshold {
            builder.set_fuzzy_threshold(th);
        }
        Ok(Loaded { taxonomy: builder.build(), custom, aliases, technologies })
    }

    /// Sets [`Taxonomy::fuzzy_threshold`] (default
    /// [`DEFAULT_FUZZY_THRESHOLD`](super::DEFAULT_FUZZY_THRESHOLD)).
    pub fn set_fuzzy_threshold(&mut self, threshold: f32) -> &mut TaxonomyBuilder {
        self.fuzzy_threshold = Some(threshold);
        self
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
