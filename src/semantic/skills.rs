//! Taxonomy skills found by meaning: every skill's preferred and alternative labels embedded
//! once (cached), a text's sentences (or a skill string) embedded and matched to the nearest
//! labels above a calibrated cosine threshold.

use rayon::prelude::*;

use crate::taxonomy::{Mapping, MatchMethod, SkillId, Taxonomy};

use super::index::Embedding;
use super::{Encoder, LabelIndex, SemanticError, StaticTable};

/// Which embedding the text side uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextMode {
    /// The full encoder per sentence (best quality, ~1 ms per short sentence per core).
    Encoder,
    /// The distilled token table (model2vec; microseconds per sentence).
    Static,
}

impl TextMode {
    /// `encoder` or `static`.
    pub fn as_str(self) -> &'static str {
        match self {
            TextMode::Encoder => "encoder",
            TextMode::Static => "static",
        }
    }
}

/// Default cosine threshold for a sentence → skill match, calibrated on the Decorte TECH+HOUSE
/// validation split (docs/QUALITY.md).
pub const DEFAULT_SENTENCE_THRESHOLD: f32 = 0.60;
/// Default cosine threshold for a skill string → skill mapping (normalization).
pub const DEFAULT_NAME_THRESHOLD: f32 = 0.75;

/// One skill found by meaning in a span of text.
#[derive(Debug, Clone, PartialEq)]
pub struct SemanticHit {
    /// The skill.
    pub skill: SkillId,
    /// Cosine similarity of the span and the skill's nearest label.
    pub similarity: f32,
    /// Start of the evidence span, in characters.
    pub start: usize,
    /// End (exclusive), in characters.
    pub end: usize,
}

/// The semantic skill matcher of one taxonomy.
#[derive(Debug, Clone)]
pub struct SemanticSkills {
    encoder: Encoder,
    table: Option<StaticTable>,
    mode: TextMode,
    index: LabelIndex,
    /// Hits per sentence kept (best first).
    pub per_sentence: usize,
    /// Cosine threshold for sentences.
    pub threshold: f32,
    /// Cosine threshold for skill strings ([`SemanticSkills::map_name`] callers that have no
    /// threshold of their own, e.g. the evaluation).
    pub name_threshold: f32,
}

/// Every skill's preferred label (and alternative labels with `alt`), each with the skill's id.
pub fn skill_labels(taxonomy: &Taxonomy, alt: bool) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    for (i, s) in taxonomy.skills().iter().enumerate() {
        let id = i as u32;
        out.push((s.label.clone(), id));
        if alt {
            for a in &s.alt_labels {
                out.push((a.clone(), id));
            }
        }
    }
    out
}

impl SemanticSkills {
    /// Embeds the taxonomy's preferred labels (and alternative labels with `alt`: about seven
    /// times as many to embed once) in `mode`, cached beside the model, and prepares the text
    /// side in the same mode (the static table is distilled once and cached too).
    pub fn build(
        taxonomy: &Taxonomy,
        encoder: Encoder,
        mode: TextMode,
        alt: bool,
    ) -> Result<SemanticSkills, SemanticError> {
        let table = match mode {
            TextMode::Static => Some(StaticTable::load_or_build(&encoder)?),
            TextMode::Encoder => None,
        };
        let labels = skill_labels(taxonomy, alt);
        let index = match &table {
            Some(t) => LabelIndex::load_or_build(Embedding::Static(&encoder, t), &labels)?,
            None => LabelIndex::load_or_build(Embedding::Encoder(&encoder), &labels)?,
        };
        Ok(SemanticSkills {
            encoder,
            table,
            mode,
            index,
            per_sentence: 1,
            threshold: DEFAULT_SENTENCE_THRESHOLD,
            name_threshold: DEFAULT_NAME_THRESHOLD,
        })
    }

    /// The text-side mode.
    pub fn mode(&self) -> TextMode {
        self.mode
    }

    /// The unit vector of `text` in this matcher's mode.
    pub fn embed(&self, text: &str) -> Vec<f32> {
        match &self.table {
            Some(t) => Embedding::Static(&self.encoder, t).embed(text),
            None => self.encoder.embed(text),
        }
    }

    /// The `k` nearest skills of `text` with their cosine, best first (ties by id).
    pub fn nearest(&self, text: &str, k: usize) -> Vec<(SkillId, f32)> {
        self.index.top(&self.embed(text), k)
    }

    /// A skill string the dictionary could not map, mapped by meaning: the nearest skill when
    /// its cosine is at least `threshold` ([`MatchMethod::Semantic`], confidence = cosine),
    /// else unmapped.
    pub fn map_name(&self, name: &str, threshold: f32) -> Mapping {
        if name.trim().is_empty() {
            return Mapping::UNMAPPED;
        }
        mapping_of(self.nearest(name, 1).first().copied(), threshold)
    }

    /// The nearest skill and cosine of each of `names` (same order; `None` for a blank name or
    /// an empty index), before any threshold: each distinct name read from the cross-run
    /// [`NameCache`](super::names::NameCache) beside the model or, when not there, embedded (in
    /// parallel, each alone) and scored, then remembered. The result does not depend on the
    /// cache; `hits` counts the distinct names the cache answered. A cache that cannot be
    /// written is reported in `saved` and costs only time.
    pub fn nearest_names(&self, names: &[&str]) -> NearestNames {
        let mut cache = super::names::NameCache::open(self.encoder.dir(), self.index.key(), self.index.owner_bound());
        let mut distinct: Vec<&str> = names.iter().copied().filter(|n| !n.trim().is_empty()).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let misses: Vec<&str> = distinct.iter().copied().filter(|n| cache.get(n).is_none()).collect();
        let hits = distinct.len() - misses.len();
        for chunk in misses.chunks(PREPARE_CHUNK) {
            let vectors: Vec<Vec<f32>> = chunk.par_iter().map(|n| self.embed(n)).collect();
            for (name, top) in chunk.iter().zip(self.index.top_many(&vectors, 1)) {
                if let Some(&best) = top.first() {
                    cache.insert(name, best);
                }
            }
        }
        let saved = cache.save().map_err(|e| e.to_string());
        let nearest = names.iter().map(|n| if n.trim().is_empty() { None } else { cache.get(n) }).collect();
        NearestNames { nearest, distinct: distinct.len(), hits, saved }
    }

    /// Skills found by meaning in `text`: each sentence embedded, its best
    /// [`per_sentence`](Self::per_sentence) skills at or above [`threshold`](Self::threshold)
    /// kept with the sentence as evidence span.
    pub fn find(&self, text: &str) -> Vec<SemanticHit> {
        self.find_in(text, None)
    }

    /// [`SemanticSkills::find`], reading each sentence's nearest skills from `table` when it
    /// holds them ([`SemanticSkills::prepare`], or [`SemanticSkills::prepare_top`] with more per
    /// sentence: the first [`per_sentence`](Self::per_sentence) are taken); the result is the
    /// same either way.
    pub fn find_in(&self, text: &str, table: Option<&SentenceTable>) -> Vec<SemanticHit> {
        let mut out = Vec::new();
        for (start, end, sentence) in sentences(text) {
            let nearest = match table.and_then(|t| t.nearest.get(sentence)) {
                Some(n) => n.iter().take(self.per_sentence).copied().collect(),
                None => self.nearest(sentence, self.per_sentence),
            };
            for (skill, similarity) in above(nearest, self.threshold) {
                out.push(SemanticHit { skill, similarity, start, end });
            }
        }
        out
    }

    /// The nearest skills of every DISTINCT sentence of `texts`, computed once each: sentences
    /// embedded in parallel (each alone, so a vector never depends on the batch), then scored
    /// against the label matrix in blocks ([`LabelIndex::top_many`], exact), in chunks of
    /// [`PREPARE_CHUNK`] sentences so that memory stays bounded. Postings repeat boilerplate, so
    /// far fewer sentences are embedded than found.
    pub fn prepare<'t>(&self, texts: impl Iterator<Item = &'t str>) -> SentenceTable {
        self.prepare_top(texts, self.per_sentence)
    }

    /// [`SemanticSkills::prepare`] keeping each sentence's `k` nearest skills (best first; the
    /// first ones are the same as with a smaller `k`).
    pub fn prepare_top<'t>(&self, texts: impl Iterator<Item = &'t str>, k: usize) -> SentenceTable {
        let mut total = 0u64;
        let mut distinct: Vec<&str> = {
            let mut seen = std::collections::HashSet::new();
            texts
                .flat_map(|t| sentences(t).into_iter().map(|s| s.2))
                .inspect(|_| total += 1)
                .filter(|s| seen.insert(*s))
                .collect()
        };
        distinct.sort_unstable();
        let mut nearest = std::collections::HashMap::with_capacity(distinct.len());
        for chunk in distinct.chunks(PREPARE_CHUNK) {
            let vectors: Vec<Vec<f32>> = chunk.par_iter().map(|s| self.embed(s)).collect();
            for (s, top) in chunk.iter().zip(self.index.top_many(&vectors, k)) {
                nearest.insert((*s).to_string(), top);
            }
        }
        SentenceTable { nearest, sentences: total }
    }
}

/// What [`SemanticSkills::nearest_names`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct NearestNames {
    /// Per name asked, its nearest skill and cosine (before any threshold).
    pub nearest: Vec<Option<(SkillId, f32)>>,
    /// Distinct non-blank names.
    pub distinct: usize,
    /// Of those, how many the cross-run cache answered.
    pub hits: usize,
    /// Whether the cache file was written (or had nothing new); the error text otherwise.
    pub saved: Result<(), String>,
}

/// Sentences embedded and scored per round of [`SemanticSkills::prepare`].
pub const PREPARE_CHUNK: usize = 4096;

/// Each distinct sentence's nearest skills (best first, before the threshold), computed once by
/// [`SemanticSkills::prepare`].
#[derive(Debug, Clone, Default)]
pub struct SentenceTable {
    nearest: std::collections::HashMap<String, Vec<(SkillId, f32)>>,
    /// Sentences found in all the texts, repeats included.
    sentences: u64,
}

impl SentenceTable {
    /// Distinct sentences held.
    pub fn len(&self) -> usize {
        self.nearest.len()
    }

    /// The nearest skills held for `sentence` (best first, before the threshold).
    pub fn nearest_of(&self, sentence: &str) -> Option<&[(SkillId, f32)]> {
        self.nearest.get(sentence).map(Vec::as_slice)
    }

    /// Sentences of all the texts prepared, repeats included.
    pub fn sentences(&self) -> u64 {
        self.sentences
    }

    /// True when no sentence is held.
    pub fn is_empty(&self) -> bool {
        self.nearest.is_empty()
    }
}

/// A skill string's mapping from its nearest skill by meaning: that skill when its cosine is at
/// least `threshold` ([`MatchMethod::Semantic`], confidence = cosine), else unmapped.
pub fn mapping_of(nearest: Option<(SkillId, f32)>, threshold: f32) -> Mapping {
    match nearest {
        Some((skill, sim)) if sim >= threshold => {
            Mapping { skill: Some(skill), method: MatchMethod::Semantic, confidence: sim.clamp(0.0, 1.0) }
        }
        _ => Mapping::UNMAPPED,
    }
}

/// The candidates (best first) whose cosine is at least `threshold` (a NaN never passes).
pub fn above(candidates: Vec<(SkillId, f32)>, threshold: f32) -> Vec<(SkillId, f32)> {
    candidates.into_iter().filter(|&(_, s)| s >= threshold).collect()
}

/// Sentences of `text` as (start char, end char, text): split after `.`, `!`, `?`, `;` followed
/// by whitespace, and at line breaks and bullets; trimmed; pieces without a letter dropped.
pub fn sentences<'t>(text: &'t str) -> Vec<(usize, usize, &'t str)> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut begin = 0usize; // char index
    let push = |out: &mut Vec<(usize, usize, &'t str)>, b: usize, e: usize| {
        let (mut b, mut e) = (b, e);
        while b < e && (chars[b].1.is_whitespace() || matches!(chars[b].1, '•' | '*' | '-' | '·')) {
            b += 1;
        }
        while e > b && chars[e - 1].1.is_whitespace() {
            e -= 1;
        }
        if b < e && chars[b..e].iter().any(|(_, c)| c.is_alphabetic()) {
            let bs = chars[b].0;
            let es = chars.get(e).map_or(text.len(), |x| x.0);
            out.push((b, e, &text[bs..es]));
        }
    };
    for i in 0..chars.len() {
        let c = chars[i].1;
        let next_ws = chars.get(i + 1).is_none_or(|x| x.1.is_whitespace());
        if c == '\n' || c == '•' {
            push(&mut out, begin, i);
            begin = i + 1;
        } else if matches!(c, '.' | '!' | '?' | ';') && next_ws {
            push(&mut out, begin, i + 1);
            begin = i + 1;
        }
    }
    push(&mut out, begin, chars.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholding_keeps_only_cosines_at_or_above_it() {
        let c = vec![(4, 0.8), (2, 0.55), (9, 0.549), (1, f32::NAN)];
        assert_eq!(above(c.clone(), 0.55), vec![(4, 0.8), (2, 0.55)]);
        assert!(above(c, 0.9).is_empty());
    }

    #[test]
    fn sentences_split_on_stops_lines_and_bullets_with_char_offsets() {
        let t = "Café owner. Knows SQL!\n• Team player; v1.2 ok\n\n...";
        let s: Vec<(usize, usize, &str)> = sentences(t);
        let texts: Vec<&str> = s.iter().map(|x| x.2).collect();
        assert_eq!(texts, ["Café owner.", "Knows SQL!", "Team player;", "v1.2 ok"]);
        let chars: Vec<char> = t.chars().collect();
        for (b, e, text) in &s {
            assert_eq!(chars[*b..*e].iter().collect::<String>(), *text);
        }
        assert!(sentences("").is_empty());
    }
}
