//! Taxonomy loading shared by `normalize`, `extract` and `eval`.

use std::path::{Path, PathBuf};

use super::{Failure, bundled, must_exist};
use skillmatch::taxonomy::Taxonomy;

/// The vendored ESCO release used when no `--taxonomy` is given.
pub(crate) const DEFAULT_TAXONOMY: &str = "datasets/taxonomy/esco-v1.2.0";

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
