//! Taxonomies (ESCO v1.2.0 by default) and the normalizer that maps raw skill strings to them.
//!
//! PUBLIC API CONTRACT (other stages compile against it; extend, do not rename):
//! * [`TaxonomyBuilder`] puts a taxonomy together in the fixed order (base ESCO → custom
//!   taxonomy CSVs → alias files → O*NET technologies), builds its indexes once and yields an
//!   immutable [`Taxonomy`]; [`Taxonomy::load`] and [`Taxonomy::load_esco`] are its shortcuts.
//! * [`Taxonomy::normalize`] maps a [`RawSkill`] to a [`Mapping`]
//!   (URI → exact → alias → variant → fuzzy), through the taxonomy's [`Normalizer`].
//! * [`fold`](fn@fold) is the surface-form folding shared by the index and the extractor.
//! * [`Taxonomy::surface_forms`] lists every folded label with the skill it names (the extractor's
//!   dictionary).
//! * [`Loaded::rejects`] lists the rows of custom and alias files that were not taken, for the
//!   run's rejects file.
//!
//! Modules, in the order a taxonomy is put together: `concepts` (skills, groups, occupations),
//! `esco` reads the ESCO CSV files, `custom` an organisation's own taxonomy CSVs, `aliases` its
//! alias files, `technologies` O*NET's technology examples; `builder` holds the taxonomy being put together
//! and `load` runs the steps in order;
//! `fold` implements [`fold`](fn@fold), `forms` is the surface-form index, `fuzzy` the trigram
//! index behind fuzzy matching, `variants` the token and inflection variants, `uri` the URI
//! lookup forms, `normalizer` the string → skill mapping over them; `provenance` says which
//! taxonomy a skill id comes from; `rejects` turns load problems into rejects. [`onet`] reads
//! O*NET 29.2 and the ESCO ↔ O*NET occupation crosswalk, [`titles`] maps job titles to
//! occupations, [`diff`] compares two ESCO releases.

mod aliases;
mod builder;
mod concepts;
mod custom;
pub mod diff;
mod esco;
pub(crate) mod fold;
mod forms;
mod fuzzy;
mod load;
mod normalizer;
pub mod onet;
mod provenance;
mod rejects;
mod technologies;
pub mod titles;
mod uri;
mod variants;

pub use aliases::AliasLoad;
pub use builder::TaxonomyBuilder;
pub use concepts::{Occupation, Skill, SkillGroup};
pub use custom::{CUSTOM_KIND, CustomLoad, CustomProblem};
pub use load::{LoadSpec, Loaded};
pub use normalizer::{
    ALIAS_CONFIDENCE, AMBIGUOUS_EXACT_CONFIDENCE, DEFAULT_FUZZY_THRESHOLD, INFLECTION_CONFIDENCE, Mapping, MatchMethod,
    Normalizer, REPHRASE_CONFIDENCE, SurfaceForm,
};
pub use provenance::CustomTaxonomy;
pub use rejects::{TaxonomyReject, TaxonomyRejectKind};
pub use technologies::{TECHNOLOGY_URI_PREFIX, TechnologyInfo, TechnologyLoad};
pub use variants::WRAPPER_WORDS;

use std::cell::RefCell;
use std::path::Path;

use crate::ingest::RawSkill;

/// Index of a skill in [`Taxonomy::skills`].
pub type SkillId = u32;

/// Errors loading a taxonomy.
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    /// A required file is missing or unreadable.
    #[error("cannot read taxonomy file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file could not be parsed.
    #[error("taxonomy file {path} is malformed at {position}: {reason}")]
    Parse {
        /// The file.
        path: String,
        /// Where.
        position: String,
        /// Why.
        reason: String,
    },
    /// [`TaxonomyBuilder::add_custom`] was called after alias files or O*NET technologies were
    /// added (custom skills must come first; [`TaxonomyBuilder::load`] keeps the order).
    #[error("custom taxonomy {path} must be added before alias files and O*NET technologies")]
    Order {
        /// The custom taxonomy file.
        path: String,
    },
}

/// Folds a surface form for lookup: Unicode NFKC, case folding, punctuation and whitespace folding.
/// Tokens such as `c#`, `c++`, `.net`, `node.js` keep their significant symbols.
///
/// * NFKC, then lower-casing.
/// * Letters, digits and combining marks are kept; every other run of characters becomes one
///   space; the result is trimmed.
/// * Kept symbols: `#` and runs of `+` right after a word (`c#`, `f#`, `c++`); `.` inside a token
///   or at its start (`node.js`, `asp.net`, `.net`, `4.0`; never at the end: `Java.` → `java`);
///   `/` and `&` between two runs of at most 3 word characters that are not glued to other symbols
///   (`ci/cd`, `tcp/ip`, `r&d`; but `html/css` → `html css`).
/// * Everything else, hyphens included, separates: `data-analysis` → `data analysis`.
pub fn fold(s: &str) -> String {
    thread_local! {
        static UNITS: RefCell<Vec<fold::Unit>> = const { RefCell::new(Vec::new()) };
    }
    let mut out = String::with_capacity(s.len());
    UNITS.with_borrow_mut(|units| fold::fold_into(s, units, &mut out));
    out
}

/// A loaded taxonomy with its lookup indexes; immutable (see [`TaxonomyBuilder`]).
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// Skills of the base taxonomy, in URI order; then the skills of any custom taxonomies,
    /// file after file, in row order; then any O*NET technologies added as skills, in name order.
    skills: Vec<Skill>,
    /// Skill groups, in URI order.
    groups: Vec<SkillGroup>,
    /// Occupations, in URI order.
    occupations: Vec<Occupation>,
    /// Files read, with sha256: (path, sha256).
    files: Vec<(String, String)>,
    /// Name and version of the taxonomy each skill comes from.
    provenance: provenance::Provenance,
    /// Raw strings → skills.
    normalizer: Normalizer,
    /// Skills → the O*NET technologies they stand for.
    technologies: technologies::Technologies,
}

impl Taxonomy {
    /// Loads ESCO alone (see [`TaxonomyBuilder::esco`]).
    pub fn load_esco(dir: &Path) -> Result<Taxonomy, TaxonomyError> {
        TaxonomyBuilder::esco(dir).map(TaxonomyBuilder::build)
    }

    /// Loads a configured taxonomy in the fixed order (see [`TaxonomyBuilder::load`]).
    pub fn load(spec: &LoadSpec<'_>) -> Result<Loaded, TaxonomyError> {
        TaxonomyBuilder::load(spec)
    }

    /// Short name, e.g. `esco` (a taxonomy of custom files only: the first file's name).
    pub fn name(&self) -> &str {
        &self.provenance.name
    }

    /// Version, e.g. `1.2.0`.
    pub fn version(&self) -> &str {
        &self.provenance.version
    }

    /// Every skill, indexed by [`SkillId`]: the base taxonomy's in URI order; then the skills of
    /// any custom taxonomies, file after file, in row order; then any O*NET technologies added
    /// as skills, in name order.
    pub fn skills(&self) -> &[Skill] {
        &self.skills
    }

    /// The skill record.
    pub fn skill(&self, id: SkillId) -> &Skill {
        &self.skills[id as usize]
    }

    /// Skill groups, in URI order.
    pub fn groups(&self) -> &[SkillGroup] {
        &self.groups
    }

    /// Occupations, in URI order.
    pub fn occupations(&self) -> &[Occupation] {
        &self.occupations
    }

    /// Files read, with sha256, for the manifest: (path, sha256).
    pub fn files(&self) -> &[(String, String)] {
        &self.files
    }

    /// The string → skill mapping.
    pub fn normalizer(&self) -> &Normalizer {
        &self.normalizer
    }

    /// See [`Normalizer::fuzzy_threshold`].
    pub fn fuzzy_threshold(&self) -> f32 {
        self.normalizer.fuzzy_threshold()
    }

    /// See [`Normalizer::skill_by_uri`].
    pub fn skill_by_uri(&self, uri: &str) -> Option<SkillId> {
        self.normalizer.skill_by_uri(uri)
    }

    /// The skill group with this URI, if any; accepts the same variations as
    /// [`Taxonomy::skill_by_uri`] (ESCO publishes skill groups under the skill URI prefix, so a
    /// bare UUID works too).
    pub fn group_by_uri(&self, uri: &str) -> Option<u32> {
        uri::find_group(&self.groups, uri)
    }

    /// `(name, version)` of the taxonomy `id` comes from: this taxonomy's (`esco`, `1.2.0`); a
    /// custom taxonomy's ([`CustomTaxonomy::name`], [`CustomTaxonomy::version`]) for its skills;
    /// (`onet`, `29.2`) for an added O*NET technology.
    pub fn source_of(&self, id: SkillId) -> (&str, &str) {
        self.provenance.source_of(id, self.skills.len())
    }

    /// See [`Normalizer::surface_forms`].
    pub fn surface_forms(&self) -> impl Iterator<Item = SurfaceForm<'_>> + '_ {
        self.normalizer.surface_forms()
    }

    /// See [`Normalizer::surface_form`].
    pub fn surface_form(&self, folded: &str) -> Option<SurfaceForm<'_>> {
        self.normalizer.surface_form(folded)
    }

    /// See [`Normalizer::normalize`].
    pub fn normalize(&self, raw: &RawSkill) -> Mapping {
        self.normalizer.normalize(raw)
    }

    /// See [`Normalizer::normalize_text`].
    pub fn normalize_text(&self, text: &str) -> Mapping {
        self.normalizer.normalize_text(text)
    }

    /// See [`Normalizer::normalize_names`].
    pub fn normalize_names<S: AsRef<str> + Sync>(&self, names: &[S]) -> Vec<Mapping> {
        self.normalizer.normalize_names(names)
    }

    /// See [`Normalizer::normalize_name`].
    pub fn normalize_name(&self, name: &str) -> Mapping {
        self.normalizer.normalize_name(name)
    }
}

#[cfg(test)]
pub(crate) mod tests;
