//! Job title → occupation by meaning, combined with the token index of
//! [`crate::taxonomy::titles`]: every occupation's preferred and alternative labels embedded
//! once with the encoder (cached), a title's score per occupation a weighted sum of the token
//! index's score and the best label cosine.

use std::collections::HashMap;

use crate::taxonomy::Taxonomy;
use crate::taxonomy::titles::{OccupationId, TitleIndex, TitleMatch, TitleMethod};

use super::index::Embedding;
use super::{Encoder, LabelIndex, SemanticError};

/// Default weight of the cosine in the combined score (the token score has `1 - weight`),
/// chosen on the JobBERT title set (docs/QUALITY.md).
pub const DEFAULT_TITLE_WEIGHT: f32 = 0.5;

/// Candidates taken from each side before combining.
const POOL: usize = 50;

/// Occupation labels embedded with the encoder.
#[derive(Debug, Clone)]
pub struct SemanticTitles {
    encoder: Encoder,
    index: LabelIndex,
    /// Weight of the cosine in the combined score, in [0, 1].
    pub weight: f32,
}

impl SemanticTitles {
    /// Embeds every occupation's preferred label (and alternative labels with `alt`) with the
    /// encoder, cached beside the model.
    pub fn build(esco: &Taxonomy, encoder: Encoder, alt: bool) -> Result<SemanticTitles, SemanticError> {
        let mut labels = Vec::new();
        for (i, o) in esco.occupations().iter().enumerate() {
            labels.push((o.label.clone(), i as u32));
            if alt {
                for a in &o.alt_labels {
                    labels.push((a.clone(), i as u32));
                }
            }
        }
        let index = LabelIndex::load_or_build(Embedding::Encoder(&encoder), &labels)?;
        Ok(SemanticTitles { encoder, index, weight: DEFAULT_TITLE_WEIGHT })
    }

    /// The best `k` occupations for `title`: the token index's candidates and the nearest
    /// occupations by meaning, each scored `(1 - weight) × token score + weight × cosine`; an exact
    /// title match keeps its method, any other candidate whose cosine outweighs its token part
    /// is [`TitleMethod::Semantic`]. Ties by occupation id.
    pub fn lookup(&self, tokens: &TitleIndex, title: &str, k: usize) -> Vec<TitleMatch> {
        let q = self.encoder.embed(title);
        let cos: HashMap<OccupationId, f32> = self.index.top(&q, usize::MAX).into_iter().collect();
        let mut cands: HashMap<OccupationId, (f32, TitleMethod, String)> = HashMap::new();
        for m in tokens.lookup(title, POOL) {
            cands.insert(m.occupation, (m.score, m.method, m.title));
        }
        for (occ, _) in self.index.top(&q, POOL) {
            cands.entry(occ).or_insert((0.0, TitleMethod::Semantic, String::new()));
        }
        let w = self.weight.clamp(0.0, 1.0);
        let mut out: Vec<TitleMatch> = cands
            .into_iter()
            .map(|(occupation, (token, method, title))| {
                let c = cos.get(&occupation).copied().unwrap_or(0.0).max(0.0);
                let method = if method != TitleMethod::Exact && w * c > (1.0 - w) * token {
                    TitleMethod::Semantic
                } else {
                    method
                };
                TitleMatch { occupation, score: (1.0 - w) * token + w * c, method, title }
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.occupation.cmp(&b.occupation)));
        out.truncate(k);
        out
    }
}
