//! Loading a configured taxonomy in the one fixed order: [`TaxonomyBuilder::load`].

use std::path::{Path, PathBuf};

use super::technologies::TechnologyLoad;
use super::{AliasLoad, CustomLoad, Taxonomy, TaxonomyBuilder, TaxonomyError, onet};

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

impl TaxonomyBuilder {
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
                builder.rename(&load.name, &load.version);
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
}
