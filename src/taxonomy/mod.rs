//! Taxonomies (ESCO v1.2.0 by default) and the normalizer that maps raw skill strings to them.
//!
//! PUBLIC API CONTRACT (other stages compile against it; extend, do not rename):
//! * [`Taxonomy::load_esco`] loads a vendored ESCO folder.
//! * [`Taxonomy::normalize`] maps a [`RawSkill`] to a [`Mapping`] (URI → exact → fuzzy).
//! * [`fold`] is the surface-form folding shared by the index and the extractor.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

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
}

/// One skill or knowledge concept.
#[derive(Debug, Clone)]
pub struct Skill {
    /// Concept URI, e.g. `http://data.europa.eu/esco/skill/…`.
    pub uri: String,
    /// Preferred label.
    pub label: String,
    /// Alternative labels.
    pub alt_labels: Vec<String>,
    /// `skill/competence` or `knowledge`.
    pub kind: String,
    /// Nearest skill groups (indexes into [`Taxonomy::groups`]), sorted, deduplicated.
    pub groups: Vec<u32>,
}

/// A skill group of the hierarchy (ESCO `SkillGroup`).
#[derive(Debug, Clone)]
pub struct SkillGroup {
    /// Group URI.
    pub uri: String,
    /// Preferred label.
    pub label: String,
}

/// An occupation with its essential and optional skills.
#[derive(Debug, Clone)]
pub struct Occupation {
    /// Occupation URI.
    pub uri: String,
    /// Preferred label.
    pub label: String,
    /// Alternative labels (job titles).
    pub alt_labels: Vec<String>,
    /// Description text.
    pub description: String,
    /// ISCO-08 group code.
    pub isco_group: String,
    /// Essential skills (sorted, deduplicated).
    pub essential: Vec<SkillId>,
    /// Optional skills (sorted, deduplicated, disjoint from `essential`).
    pub optional: Vec<SkillId>,
}

/// How a raw string was mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMethod {
    /// A taxonomy URI was given in the input.
    Uri,
    /// The folded string equals a folded preferred or alternative label.
    Exact,
    /// Closest label by string similarity, above the threshold.
    Fuzzy,
    /// Nothing cleared the threshold.
    Unmapped,
}

impl MatchMethod {
    /// `uri`, `exact`, `fuzzy`, `unmapped`.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchMethod::Uri => "uri",
            MatchMethod::Exact => "exact",
            MatchMethod::Fuzzy => "fuzzy",
            MatchMethod::Unmapped => "unmapped",
        }
    }
}

/// Result of normalizing one raw skill.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mapping {
    /// The skill, or `None` when unmapped.
    pub skill: Option<SkillId>,
    /// Method used.
    pub method: MatchMethod,
    /// Confidence in [0, 1] (1.0 for URI and exact).
    pub confidence: f32,
}

/// A loaded taxonomy with its lookup indexes.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// Short name, e.g. `esco`.
    pub name: String,
    /// Version, e.g. `1.2.0`.
    pub version: String,
    /// Skills, in URI order.
    pub skills: Vec<Skill>,
    /// Skill groups, in URI order.
    pub groups: Vec<SkillGroup>,
    /// Occupations, in URI order.
    pub occupations: Vec<Occupation>,
    /// Files read, with sha256, for the manifest: (path, sha256).
    pub files: Vec<(String, String)>,
    by_uri: HashMap<String, SkillId>,
}

/// Folds a surface form for lookup: Unicode NFKC, case folding, punctuation and whitespace folding.
/// Tokens such as `c#`, `c++`, `.net`, `node.js` keep their significant symbols.
pub fn fold(s: &str) -> String {
    todo!("{s}")
}

impl Taxonomy {
    /// Loads ESCO from a folder laid out like `datasets/taxonomy/esco-v1.2.0/`.
    pub fn load_esco(dir: &Path) -> Result<Taxonomy, TaxonomyError> {
        todo!("{dir:?}")
    }

    /// The skill with this URI, if any.
    pub fn skill_by_uri(&self, uri: &str) -> Option<SkillId> {
        self.by_uri.get(uri).copied()
    }

    /// The skill record.
    pub fn skill(&self, id: SkillId) -> &Skill {
        &self.skills[id as usize]
    }

    /// Maps a raw skill: URI given → exact folded label → fuzzy above the threshold.
    pub fn normalize(&self, raw: &RawSkill) -> Mapping {
        todo!("{raw:?}")
    }
}
