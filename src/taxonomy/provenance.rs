//! Which taxonomy each skill id comes from: the base one, a custom taxonomy, or O*NET.
//!
//! Skill ids run base taxonomy first, then each custom taxonomy's skills file after file, then
//! the O*NET technologies added as skills.

use super::SkillId;

/// A custom taxonomy added by [`TaxonomyBuilder::add_custom`](super::TaxonomyBuilder::add_custom).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomTaxonomy {
    /// Name: the file stem (`acme-skills.csv` → `acme-skills`; `acme-skills-v2.1.csv` →
    /// `acme-skills`).
    pub name: String,
    /// Version: what follows `-v` in the file stem when it starts with a digit
    /// (`acme-skills-v2.1.csv` → `2.1`), else the first 12 hex digits of the file's sha256.
    pub version: String,
    /// The file as given.
    pub path: String,
    /// sha256 of the file's bytes.
    pub sha256: String,
    /// Ids of the skills it added (contiguous, in row order).
    pub skills: std::ops::Range<SkillId>,
}

/// The taxonomies a [`Taxonomy`](super::Taxonomy)'s skills come from, in id order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Provenance {
    /// Short name of the taxonomy, e.g. `esco`.
    pub(crate) name: String,
    /// Its version, e.g. `1.2.0`.
    pub(crate) version: String,
    /// Number of skills of the base taxonomy.
    pub(crate) base_skills: usize,
    /// Custom taxonomies added, in order; their skill ranges follow each other from
    /// `base_skills`.
    pub(crate) custom: Vec<CustomTaxonomy>,
    /// O*NET version, once its technologies are added.
    pub(crate) onet_version: Option<String>,
}

impl Provenance {
    /// The first id after the base taxonomy's and the custom taxonomies' skills (O*NET
    /// technologies start here).
    pub(crate) fn technology_start(&self) -> usize {
        self.custom.last().map_or(self.base_skills, |c| c.skills.end as usize)
    }

    /// Whether `id` (of a taxonomy with `n_skills` skills) is an added O*NET technology.
    pub(crate) fn is_technology(&self, id: SkillId, n_skills: usize) -> bool {
        id as usize >= self.technology_start() && (id as usize) < n_skills
    }

    /// `(name, version)` of the taxonomy `id` (of a taxonomy with `n_skills` skills) comes from.
    pub(crate) fn source_of(&self, id: SkillId, n_skills: usize) -> (&str, &str) {
        if id as usize >= self.base_skills {
            if let Some(c) = self.custom.iter().find(|c| c.skills.contains(&id)) {
                return (&c.name, &c.version);
            }
            if let (Some(v), true) = (&self.onet_version, self.is_technology(id, n_skills)) {
                return ("onet", v);
            }
        }
        (&self.name, &self.version)
    }
}
