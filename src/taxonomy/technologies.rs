//! O*NET Technology Skills examples in the taxonomy: linked to the skill they name, or added as
//! skills of their own (see [`TaxonomyBuilder::add_onet_technologies`]).

use std::collections::HashMap;

use super::{Skill, SkillId, Taxonomy, TaxonomyBuilder, fold, onet};

/// An O*NET Technology Skills example as the taxonomy keeps it (see
/// [`TaxonomyBuilder::add_onet_technologies`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TechnologyInfo {
    /// The example name as published (`Microsoft Excel`).
    pub name: String,
    /// UNSPSC commodities it is listed under, as (code, title), sorted.
    pub commodities: Vec<(String, String)>,
    /// Whether any O*NET occupation lists it as a Hot Technology.
    pub hot: bool,
}

/// What [`TaxonomyBuilder::add_onet_technologies`] did.
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

impl TaxonomyBuilder {
    /// Adds O*NET's Technology Skills examples (call once, after any custom taxonomies and alias
    /// files; [`TaxonomyBuilder::load`] keeps that order):
    ///
    /// * a technology whose [`fold`](fn@fold)ed name is a folded label or an alias of a skill
    ///   already there (ESCO's, or a custom taxonomy's) is **linked** to that skill (`Python` →
    ///   ESCO *Python (computer programming)*);
    /// * any other technology becomes a skill of its own, appended after the taxonomy's
    ///   (in name order, so ids are stable for a release): kind `technology`, label the
    ///   published name, URI [`TECHNOLOGY_URI_PREFIX`] + the folded name, no groups or
    ///   relations. [`Taxonomy::normalize`] maps the exact name to it (after the exact label and
    ///   alias steps) and the extractor finds it in text (see [`Taxonomy::technology_forms`]).
    ///
    /// Either way [`Taxonomy::technologies_of`] gives the skill's O*NET technologies (name,
    /// commodities, Hot Technology flag). O*NET's files join [`Taxonomy::files`]. A second call
    /// does nothing.
    pub fn add_onet_technologies(&mut self, onet: &onet::Onet) -> TechnologyLoad {
        let mut load = TechnologyLoad::default();
        if self.provenance.onet_version.is_some() {
            return load;
        }
        for t in &onet.technologies {
            let folded = fold(&t.name);
            if folded.is_empty() {
                continue;
            }
            let info = TechnologyInfo { name: t.name.clone(), commodities: t.commodities.clone(), hot: t.hot };
            match self.normalizer().named(&folded) {
                Some((id, linked)) => {
                    self.technologies.by_skill.entry(id).or_default().push(info);
                    load.linked += usize::from(linked);
                }
                None => {
                    let id = self.skills.len() as SkillId;
                    let uri = technology_uri(&folded);
                    self.normalizer().insert_technology(uri.clone(), folded, id);
                    self.skills.push(Skill {
                        uri,
                        label: t.name.clone(),
                        kind: "technology".into(),
                        ..Skill::default()
                    });
                    self.technologies.by_skill.insert(id, vec![info]);
                    load.added += 1;
                }
            }
        }
        self.files.extend(onet.files.iter().cloned());
        self.provenance.onet_version = Some(onet.version.clone());
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
