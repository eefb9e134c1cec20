//! Taxonomy loading shared by `normalize`, `extract` and `eval`.

use std::path::{Path, PathBuf};

use super::{Failure, bundled, must_exist};
use skillmatch::taxonomy::Taxonomy;
use skillmatch::taxonomy::onet::{Crosswalk, Onet};

/// The vendored ESCO release used when no `--taxonomy` is given.
pub(crate) const DEFAULT_TAXONOMY: &str = "datasets/taxonomy/esco-v1.2.0";

/// The vendored O*NET release.
pub(crate) const DEFAULT_ONET: &str = "datasets/taxonomy/onet-29.2";

/// The vendored ESCO ↔ O*NET occupation crosswalk.
pub(crate) const DEFAULT_CROSSWALK: &str = "datasets/taxonomy/crosswalk-nesta";

/// Loads the vendored O*NET and the crosswalk, with the crosswalk's codes resolved to O*NET 29.2.
pub(crate) fn load_onet() -> Result<(Onet, Crosswalk), Failure> {
    let onet = Onet::load(&bundled(DEFAULT_ONET)).map_err(Failure::usage)?;
    let mut crosswalk = Crosswalk::load(&bundled(DEFAULT_CROSSWALK)).map_err(Failure::usage)?;
    crosswalk.resolve_codes(&onet);
    Ok((onet, crosswalk))
}

/// Loads the taxonomy folder given by `--taxonomy` (default: the vendored ESCO), then the
/// `--aliases` files in order.
pub(crate) fn load(dir: Option<&Path>, aliases: &[PathBuf]) -> Result<Taxonomy, Failure> {
    let dir = match dir {
        Some(d) => {
            must_exist("--taxonomy", d)?;
            d.to_path_buf()
        }
        None => bundled(DEFAULT_TAXONOMY),
    };
    let mut taxonomy = Taxonomy::load_esco(&dir).map_err(Failure::usage)?;
    for file in aliases {
        must_exist("--aliases", file)?;
        taxonomy.load_aliases(file).map_err(Failure::usage)?;
    }
    Ok(taxonomy)
}
