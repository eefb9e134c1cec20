//! The [`Normalizer`]: raw skill strings (URIs, labels, aliases, technology names) → skills.
//!
//! It owns every string → skill index of a [`Taxonomy`](super::Taxonomy): URIs, the surface
//! forms with the fuzzy and variant indexes built from them, the organisation's aliases and the
//! names of O*NET technologies added as skills. The taxonomy builder fills it once
//! (see [`TaxonomyBuilder`](super::TaxonomyBuilder)); afterwards it is read only.

use std::collections::HashMap;

use serde::Serialize;

use super::uri::is_uuid;
use super::{SkillId, fold, forms, fuzzy, variants};
use crate::ingest::RawSkill;

/// How a raw string was mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMethod {
    /// A taxonomy URI was given in the input.
    Uri,
    /// The folded string equals a folded preferred or alternative label.
    Exact,
    /// The folded string is an alias from an organisation's alias file.
    Alias,
    /// A token or inflection variant of a label: spelling (-ise/-ize), plural, derivation
    /// ("analysis"/"analyse"), wrapper words dropped ("good … skills"), or word order.
    Variant,
    /// Closest label by string similarity, above the threshold.
    Fuzzy,
    /// Closest label by meaning (sentence-embedding cosine), above the threshold (issue 18).
    Semantic,
    /// Nothing cleared the threshold.
    Unmapped,
}

impl MatchMethod {
    /// `uri`, `exact`, `alias`, `variant`, `fuzzy`, `semantic`, `unmapped`.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchMethod::Uri => "uri",
            MatchMethod::Exact => "exact",
            MatchMethod::Alias => "alias",
            MatchMethod::Variant => "variant",
            MatchMethod::Fuzzy => "fuzzy",
            MatchMethod::Semantic => "semantic",
            MatchMethod::Unmapped => "unmapped",
        }
    }
}

/// Result of normalizing one raw skill.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mapping {
    /// The skill, or `None` when unmapped.
    pub skill: Option<SkillId>,
    /// Method used.
    pub method: MatchMethod,
    /// Confidence in [0, 1] (1.0 for URI and exact).
    pub confidence: f32,
}

impl Mapping {
    /// The mapping of a string that matched nothing.
    pub const UNMAPPED: Mapping = Mapping { skill: None, method: MatchMethod::Unmapped, confidence: 0.0 };

    /// A mapping by `method` with `confidence`.
    fn to(skill: SkillId, method: MatchMethod, confidence: f32) -> Mapping {
        Mapping { skill: Some(skill), method, confidence }
    }
}

/// Default of [`Normalizer::fuzzy_threshold`].
///
/// Tuned with the ignored test `tune_fuzzy_threshold` on the 332 (string, ESCO URI) pairs of the
/// Decorte TECH/HOUSE validation spans and the Nesta OJO lookups, plus 3,000 synthetic one-edit
/// and 3,000 two-edit typos of ESCO labels:
///
/// | threshold | real pairs: fuzzy right / fuzzy | 1-edit typos found | 2-edit typos found |
/// |---|---|---|---|
/// | 0.80 | 1 / 18 | 3000 | 2999 |
/// | 0.85 | 1 / 2 | 3000 | 2999 |
/// | **0.88** | **1 / 1** | **3000** | **2996** |
/// | 0.90 | 0 / 0 | 2994 | 2859 |
///
/// The real pairs are mostly paraphrases, and below 0.88 their fuzzy mappings are wrong
/// ("production" → "reproduction", "communication skills" → "communication principles"); above
/// it typos start to be lost. It allows about one edit per 8 characters, so strings of fewer than
/// 8 characters only ever map exactly.
pub const DEFAULT_FUZZY_THRESHOLD: f32 = 0.88;

/// Confidence of an exact match on a folded label that several skills share.
pub const AMBIGUOUS_EXACT_CONFIDENCE: f32 = 0.95;

/// Confidence of a [`MatchMethod::Alias`] mapping.
pub const ALIAS_CONFIDENCE: f32 = 0.98;
/// Confidence of a [`MatchMethod::Variant`] mapping by spelling, plural or derivation.
pub const INFLECTION_CONFIDENCE: f32 = 0.95;
/// Confidence of a [`MatchMethod::Variant`] mapping after dropping wrapper words
/// ([`WRAPPER_WORDS`](super::WRAPPER_WORDS)) or reordering the tokens of a short label.
pub const REPHRASE_CONFIDENCE: f32 = 0.9;

/// One distinct folded label of the taxonomy and the skill it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SurfaceForm<'a> {
    /// The folded label (see [`fold`](fn@fold)).
    pub text: &'a str,
    /// The skill it names. When several skills share the label: a skill whose preferred label it
    /// is, else the lowest id.
    pub skill: SkillId,
    /// Whether `text` is the preferred label of `skill` (else an alternative label).
    pub preferred: bool,
    /// Whether other skills have this label too.
    pub ambiguous: bool,
}

impl<'a> From<&'a forms::Form> for SurfaceForm<'a> {
    fn from(f: &'a forms::Form) -> SurfaceForm<'a> {
        SurfaceForm { text: &f.text, skill: f.skill, preferred: f.preferred, ambiguous: f.ambiguous }
    }
}

/// Maps raw skill strings to skills: URI → exact folded label → alias → O*NET technology name →
/// variant → fuzzy (see [`Normalizer::normalize`]).
#[derive(Debug, Clone)]
pub struct Normalizer {
    /// Every skill URI as written (lookups also try its canonical form).
    by_uri: HashMap<String, SkillId>,
    forms: forms::FormIndex,
    fuzzy: fuzzy::FuzzyIndex,
    variants: variants::VariantIndex,
    /// Folded alias → skill (alias files; later aliases replace earlier ones).
    aliases: HashMap<String, SkillId>,
    /// Folded O*NET technology name → the technology skill added for it (unlinked names only).
    technology_forms: HashMap<Box<str>, SkillId>,
    /// See [`Normalizer::fuzzy_threshold`].
    threshold: f32,
}

impl Normalizer {
    /// Builds the fuzzy and variant indexes over `forms`, once.
    pub(crate) fn new(by_uri: HashMap<String, SkillId>, forms: forms::FormIndex) -> Normalizer {
        let fuzzy = fuzzy::FuzzyIndex::build(&forms.forms);
        let variants = variants::VariantIndex::build(&forms.forms);
        Normalizer {
            by_uri,
            forms,
            fuzzy,
            variants,
            aliases: HashMap::new(),
            technology_forms: HashMap::new(),
            threshold: DEFAULT_FUZZY_THRESHOLD,
        }
    }

    /// Sets [`Normalizer::fuzzy_threshold`].
    pub(crate) fn set_fuzzy_threshold(&mut self, threshold: f32) {
        self.threshold = threshold;
    }

    /// Maps the folded `alias` to `skill` (replacing an earlier alias).
    pub(crate) fn insert_alias(&mut self, folded: String, skill: SkillId) {
        self.aliases.insert(folded, skill);
    }

    /// Registers the O*NET technology skill `id` with this URI and folded name.
    pub(crate) fn insert_technology(&mut self, uri: String, folded: String, id: SkillId) {
        self.by_uri.insert(uri, id);
        self.technology_forms.insert(folded.into(), id);
    }

    /// The skill a folded label or alias names, then an added technology (the second field says
    /// whether it was a label or an alias).
    pub(crate) fn named(&self, folded: &str) -> Option<(SkillId, bool)> {
        self.label_or_alias(folded)
            .map(|id| (id, true))
            .or_else(|| self.technology_forms.get(folded).map(|&id| (id, false)))
    }

    /// The skill a folded label names, else the skill a folded alias names.
    pub(crate) fn label_or_alias(&self, folded: &str) -> Option<SkillId> {
        self.forms.get(folded).map(|f| f.skill).or_else(|| self.aliases.get(folded).copied())
    }

    /// Minimum similarity (OSA, `1 - edits / max length`, on folded strings) for a
    /// [`MatchMethod::Fuzzy`] mapping; [`DEFAULT_FUZZY_THRESHOLD`] unless the taxonomy was
    /// built with another.
    pub fn fuzzy_threshold(&self) -> f32 {
        self.threshold
    }

    /// The skill with this URI, if any.
    ///
    /// Besides the exact URI this accepts `https://` for `http://`, trailing slashes, surrounding
    /// whitespace, upper case, and a bare ESCO skill UUID.
    pub fn skill_by_uri(&self, uri: &str) -> Option<SkillId> {
        super::uri::lookup(&self.by_uri, uri)
    }

    /// Every distinct folded preferred and alternative label, in byte order of the folded text.
    pub fn surface_forms(&self) -> impl Iterator<Item = SurfaceForm<'_>> + '_ {
        self.forms.forms.iter().map(SurfaceForm::from)
    }

    /// The surface form equal to `folded` (which must already be [`fold`](fn@fold)ed), if any.
    pub fn surface_form(&self, folded: &str) -> Option<SurfaceForm<'_>> {
        self.forms.get(folded).map(SurfaceForm::from)
    }

    /// The folded name of every added O*NET technology skill with its id, in byte order of the
    /// name.
    pub fn technology_forms(&self) -> Vec<(&str, SkillId)> {
        let mut v: Vec<(&str, SkillId)> = self.technology_forms.iter().map(|(k, &id)| (&**k, id)).collect();
        v.sort_unstable();
        v
    }

    /// Maps a raw skill: URI given → exact folded label → alias → variant → fuzzy above the
    /// threshold.
    ///
    /// 1. `uri` known (see [`Normalizer::skill_by_uri`]) → [`MatchMethod::Uri`], confidence 1.0;
    ///    an unknown URI falls through to the name.
    /// 2. The folded `name` is a surface form → [`MatchMethod::Exact`], confidence 1.0, or
    ///    [`AMBIGUOUS_EXACT_CONFIDENCE`] when several skills share that label.
    /// 3. The folded `name` is an alias (alias files) → [`MatchMethod::Alias`],
    ///    [`ALIAS_CONFIDENCE`]; else the name of an O*NET technology added as a skill →
    ///    [`MatchMethod::Exact`], confidence 1.0.
    /// 4. A token or inflection variant of `name` is a label → [`MatchMethod::Variant`],
    ///    [`INFLECTION_CONFIDENCE`] (spelling, plural, derivation) or [`REPHRASE_CONFIDENCE`]
    ///    (wrapper words dropped, word order of 2–3 tokens); times [`AMBIGUOUS_EXACT_CONFIDENCE`]
    ///    when the label is shared.
    /// 5. The most similar surface form with similarity ≥ [`Normalizer::fuzzy_threshold`] →
    ///    [`MatchMethod::Fuzzy`], confidence = similarity.
    /// 6. Otherwise [`Mapping::UNMAPPED`].
    pub fn normalize(&self, raw: &RawSkill) -> Mapping {
        if let Some(id) = raw.uri.as_deref().and_then(|u| self.skill_by_uri(u)) {
            return Mapping::to(id, MatchMethod::Uri, 1.0);
        }
        match raw.name.as_deref() {
            Some(name) => self.normalize_name(name),
            None => Mapping::UNMAPPED,
        }
    }

    /// Maps a string that may be a URI (`http…`, or a bare ESCO UUID) or a name: a known URI maps
    /// by [`MatchMethod::Uri`], anything else goes through [`Normalizer::normalize_name`].
    pub fn normalize_text(&self, text: &str) -> Mapping {
        let t = text.trim();
        if (t.starts_with("http://") || t.starts_with("https://") || is_uuid(t))
            && let Some(id) = self.skill_by_uri(t)
        {
            return Mapping::to(id, MatchMethod::Uri, 1.0);
        }
        self.normalize_name(text)
    }

    /// Maps many skill names, each distinct string once: the result for `names[i]` is
    /// `self.normalize_name(&names[i])`, computed in parallel over the distinct strings (real
    /// exports repeat the same few thousand strings across millions of badges).
    pub fn normalize_names<S: AsRef<str> + Sync>(&self, names: &[S]) -> Vec<Mapping> {
        use rayon::prelude::*;
        let mut first: HashMap<&str, u32> = HashMap::with_capacity(names.len().min(1 << 16));
        let mut distinct: Vec<&str> = Vec::new();
        let slots: Vec<u32> = names
            .iter()
            .map(|n| {
                let n = n.as_ref();
                *first.entry(n).or_insert_with(|| {
                    distinct.push(n);
                    distinct.len() as u32 - 1
                })
            })
            .collect();
        let mapped: Vec<Mapping> = distinct.par_iter().map(|n| self.normalize_name(n)).collect();
        slots.into_iter().map(|i| mapped[i as usize]).collect()
    }

    /// Maps a skill name (steps 2–5 of [`Normalizer::normalize`]).
    pub fn normalize_name(&self, name: &str) -> Mapping {
        let folded = fold(name);
        if folded.is_empty() {
            return Mapping::UNMAPPED;
        }
        self.exact(&folded).or_else(|| self.variant(&folded)).unwrap_or_else(|| self.fuzzy(&folded))
    }

    /// Steps 2 and 3: a label, an alias, an added technology's name.
    fn exact(&self, folded: &str) -> Option<Mapping> {
        if let Some(form) = self.forms.get(folded) {
            let confidence = if form.ambiguous { AMBIGUOUS_EXACT_CONFIDENCE } else { 1.0 };
            return Some(Mapping::to(form.skill, MatchMethod::Exact, confidence));
        }
        if let Some(&id) = self.aliases.get(folded) {
            return Some(Mapping::to(id, MatchMethod::Alias, ALIAS_CONFIDENCE));
        }
        self.technology_forms.get(folded).map(|&id| Mapping::to(id, MatchMethod::Exact, 1.0))
    }

    /// Step 4: a token or inflection variant of a label.
    fn variant(&self, folded: &str) -> Option<Mapping> {
        let (f, kind) = self.variants.find(folded)?;
        let form = &self.forms.forms[f as usize];
        let mut confidence = match kind {
            variants::VariantKind::Inflection => INFLECTION_CONFIDENCE,
            _ => REPHRASE_CONFIDENCE,
        };
        if form.ambiguous {
            confidence *= AMBIGUOUS_EXACT_CONFIDENCE;
        }
        Some(Mapping::to(form.skill, MatchMethod::Variant, confidence))
    }

    /// Step 5: the most similar label above the threshold.
    fn fuzzy(&self, folded: &str) -> Mapping {
        match self.fuzzy.best(&self.forms.forms, folded, self.threshold) {
            Some(hit) => Mapping::to(self.forms.forms[hit.form as usize].skill, MatchMethod::Fuzzy, hit.score),
            None => Mapping::UNMAPPED,
        }
    }

    /// The fuzzy index (for the taxonomy's own tests).
    #[cfg(test)]
    pub(crate) fn fuzzy_index(&self) -> &fuzzy::FuzzyIndex {
        &self.fuzzy
    }

    /// The sorted surface forms (for the taxonomy's own tests).
    #[cfg(test)]
    pub(crate) fn forms(&self) -> &[forms::Form] {
        &self.forms.forms
    }
}
