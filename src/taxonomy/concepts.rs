//! The concepts of a taxonomy: skills, skill groups, occupations.

use super::SkillId;

/// One skill or knowledge concept.
#[derive(Debug, Clone, Default)]
pub struct Skill {
    /// Concept URI, e.g. `http://data.europa.eu/esco/skill/…` (an O*NET technology added by
    /// [`TaxonomyBuilder::add_onet_technologies`](super::TaxonomyBuilder::add_onet_technologies): `onet:technology:microsoft-excel`; a custom skill:
    /// its `id` as written, see [`TaxonomyBuilder::add_custom`](super::TaxonomyBuilder::add_custom)).
    pub uri: String,
    /// Preferred label.
    pub label: String,
    /// Alternative labels.
    pub alt_labels: Vec<String>,
    /// `skill/competence` or `knowledge` (ESCO); `technology` for an O*NET technology;
    /// [`CUSTOM_KIND`](super::CUSTOM_KIND) for a row of a custom taxonomy file.
    pub kind: String,
    /// Nearest skill groups (indexes into [`Taxonomy::groups`](super::Taxonomy::groups)), sorted, deduplicated.
    pub groups: Vec<u32>,
    /// Skill concepts directly broader than this one (ESCO skill → skill hierarchy edges), sorted.
    pub broader: Vec<SkillId>,
    /// Skill concepts directly narrower than this one (the reverse edges), sorted.
    pub narrower: Vec<SkillId>,
    /// Skills related to this one by an ESCO skill–skill relation (essential or optional, either
    /// direction), sorted, deduplicated, never the skill itself.
    pub related: Vec<SkillId>,
}

/// A skill group of the hierarchy (ESCO `SkillGroup`).
#[derive(Debug, Clone)]
pub struct SkillGroup {
    /// Group URI.
    pub uri: String,
    /// Preferred label.
    pub label: String,
    /// Hierarchy code such as `S1.8.0` (empty when the export has no `code` column).
    pub code: String,
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
