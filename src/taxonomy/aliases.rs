//! Alias files: an organisation's own synonyms (`alias,target`) for skills already in the
//! taxonomy.

use std::path::Path;

use super::{MatchMethod, SkillId, TaxonomyBuilder, TaxonomyError, fold};

/// What [`TaxonomyBuilder::load_aliases`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AliasLoad {
    /// Aliases added (or replaced).
    pub added: usize,
    /// Rows whose target is neither a known URI nor a label, as (line, target).
    pub unresolved: Vec<(u64, String)>,
}

impl TaxonomyBuilder {
    /// Reads an alias CSV (an organisation's own synonyms): two columns `alias,target`, where the
    /// target is a skill URI (or bare ESCO UUID) or a label (mapped exactly or by variant). A
    /// first row `alias,uri` / `alias,label` is a header. Later aliases replace earlier ones.
    /// Aliases are consulted after the exact label lookup ([`MatchMethod::Alias`]). Call it after
    /// the custom taxonomies ([`TaxonomyBuilder::load`] keeps the order).
    ///
    /// Errors: the file cannot be read ([`TaxonomyError::Io`]) or is not CSV
    /// ([`TaxonomyError::Parse`]). Rows with an unknown target are returned in
    /// [`AliasLoad::unresolved`], not errors.
    pub fn load_aliases(&mut self, path: &Path) -> Result<AliasLoad, TaxonomyError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| TaxonomyError::Io { path: shown.clone(), source })?;
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes.as_slice());
        let normalizer = self.normalizer();
        let mut load = AliasLoad::default();
        for (i, rec) in reader.records().enumerate() {
            let rec = rec.map_err(|e| TaxonomyError::Parse {
                path: shown.clone(),
                position: e.position().map_or("unknown position".to_string(), |p| format!("line {}", p.line())),
                reason: e.to_string(),
            })?;
            let line = rec.position().map_or(i as u64 + 1, csv::Position::line);
            let (alias, target) = (rec.get(0).unwrap_or("").trim(), rec.get(1).unwrap_or("").trim());
            if i == 0 && alias.eq_ignore_ascii_case("alias") {
                continue;
            }
            let folded = fold(alias);
            if folded.is_empty() && target.is_empty() {
                continue;
            }
            let skill = normalizer.skill_by_uri(target).or_else(|| {
                let m = normalizer.normalize_name(target);
                matches!(m.method, MatchMethod::Exact | MatchMethod::Variant).then_some(m.skill).flatten()
            });
            match (skill, folded.is_empty()) {
                (Some(id), false) => {
                    normalizer.insert_alias(folded, id);
                    load.added += 1;
                }
                _ => load.unresolved.push((line, target.to_string())),
            }
        }
        Ok(load)
    }

    /// Adds one alias (folded) for a skill; see [`TaxonomyBuilder::load_aliases`].
    pub fn add_alias(&mut self, alias: &str, skill: SkillId) -> &mut TaxonomyBuilder {
        let folded = fold(alias);
        if !folded.is_empty() && (skill as usize) < self.skills.len() {
            self.normalizer().insert_alias(folded, skill);
        }
        self
    }
}
