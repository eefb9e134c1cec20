//! O*NET Technology Skills examples in the taxonomy: linked to the skill they name, or added as
//! skills of their own (see
//! [`TaxonomyBuilder::add_onet_technologies`](super::TaxonomyBuilder::add_onet_technologies)).

use std::collections::HashMap;

use super::normalizer::Normalizer;
use super::{Skill, SkillId, Taxonomy, fold, onet};

/// An O*NET Technology Skills example as the taxonomy keeps it (see
/// [`TaxonomyBuilder::add_onet_technologies`](super::TaxonomyBuilder::add_onet_technologies)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TechnologyInfo {
    /// The example name as published (`Microsoft Excel`).
    pub name: String,
    /// UNSPSC commodities it is listed under, as (code, title), sorted.
    pub commodities: Vec<(String, String)>,
    /// Whether any O*NET occupation lists it as a Hot Technology.
    pub hot: bool,
}

/// What [`TaxonomyBuilder::add_onet_technologies`](super::TaxonomyBuilder::add_onet_technologies) did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TechnologyLoad {
    /// Technology names that are a folded label (or alias) of a skill already there: linked to it.
    pub linked: usize,
    /// Technologies added as skills of their own (kind `technology`).
    pub added: usize,
}

/// Prefix of the URI of an O*NET technology skill (O*NET publishes no URIs for its examples);
/// the rest is the folded name with spaces as `-` (`onet:technology:microsoft-excel`).
pub const TECHNOLOGY_URI_PREFIX: &str = "onet:technology:";

/// The URI of the O*NET technology with this folded name.
fn technology_uri(folded: &str) -> String {
    let mut uri = String::with_capacity(TECHNOLOGY_URI_PREFIX.len() + folded.len());
    uri.push_str(TECHNOLOGY_URI_PREFIX);
    for c in folded.chars() {
        match c {
            ' ' => uri.push('-'),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri
}

/// The O*NET technologies each skill stands for (linked skills and added technologies).
#[derive(Debug, Clone, Default)]
pub(crate) struct Technologies {
    by_skill: HashMap<SkillId, Vec<TechnologyInfo>>,
}

impl Technologies {
    /// Links each of O*NET's technologies to the skill its folded name is a label or alias of,
    /// or appends it to `skills` as a skill of its own (see
    /// [`TaxonomyBuilder::add_onet_technologies`](super::TaxonomyBuilder::add_onet_technologies)).
    pub(crate) fn add(
        &mut self,
        onet: &onet::Onet,
        skills: &mut Vec<Skill>,
        normalizer: &mut Normalizer,
    ) -> TechnologyLoad {
        let mut load = TechnologyLoad::default();
        for t in &onet.technologies {
            let folded = fold(&t.name);
            if folded.is_empty() {
                continue;
            }
            let info = TechnologyInfo { name: t.name.clone(), commodities: t.commodities.clone(), hot: t.hot };
            match normalizer.named(&folded) {
                Some((id, linked)) => {
                    self.by_skill.entry(id).or_default().push(info);
                    load.linked += usize::from(linked);
                }
                None => {
                    let id = skills.len() as SkillId;
                    let uri = technology_uri(&folded);
                    normalizer.insert_technology(uri.clone(), folded, id);
                    skills.push(Skill { uri, label: t.name.clone(), kind: "technology".into(), ..Skill::default() });
                    self.by_skill.insert(id, vec![info]);
                    load.added += 1;
                }
            }
        }
        load
    }
}

impl Taxonomy {
    /// The O*NET technologies `id` stands for: the technologies linked to an ESCO skill, or the
    /// one an added technology skill is; empty without O*NET technologies.
    pub fn technologies_of(&self, id: SkillId) -> &[TechnologyInfo] {
        self.technologies.by_skill.get(&id).map_or(&[], Vec::as_slice)
    }

    /// Whether `id` is an added O*NET technology (not a skill of the base taxonomy or of a
    /// custom one).
    pub fn is_technology(&self, id: SkillId) -> bool {
        self.provenance.is_technology(id, self.skills.len())
    }

    /// How many O*NET technologies were added as skills.
    pub fn technology_count(&self) -> usize {
        self.skills.len().saturating_sub(self.provenance.technology_start())
    }

    /// The O*NET version whose technologies were added, if any.
    pub fn onet_version(&self) -> Option<&str> {
        self.provenance.onet_version.as_deref()
    }

    /// The folded name of every added O*NET technology skill with its id, in byte order of the
    /// name (the extractor's dictionary for technologies; linked names are ESCO surface forms).
    pub fn technology_forms(&self) -> Vec<(&str, SkillId)> {
        self.normalizer.technology_forms()
    }
}
