//! Job title → ESCO occupation: [`TitleIndex`] over ESCO occupation preferred and alternative
//! labels and O*NET titles and alternate titles (through the ESCO ↔ O*NET crosswalk).
//!
//! A query is matched in two steps, never by scanning every title:
//! 1. **exact**: the query's key (folded tokens, stop words dropped, a plural `s` stripped)
//!    equals a title's key;
//! 2. **token**: titles sharing a token with the query are found through an inverted token index
//!    and scored by IDF-weighted Dice overlap of their token sets. A query token that is not in
//!    the vocabulary is replaced by its closest vocabulary token (trigram-indexed OSA similarity
//!    ≥ [`TOKEN_FUZZY_THRESHOLD`], the same index as the skill normalizer's fuzzy step), with its
//!    weight scaled by the similarity.
//!
//! Each title carries a weight per occupation it names: [`WEIGHT_ESCO_PREFERRED`],
//! [`WEIGHT_ESCO_ALT`] or [`WEIGHT_ONET`] (O*NET titles, for every ESCO occupation the crosswalk
//! links to their O*NET occupation). An occupation's score is its best title's similarity × weight.

use std::collections::HashMap;

use serde::Serialize;

use super::forms::Form;
use super::fuzzy::FuzzyIndex;
use super::onet::{Crosswalk, Onet};
use super::{Occupation, SkillId, Taxonomy, fold};

/// Index of an occupation in [`Taxonomy::occupations`].
pub type OccupationId = u32;

/// Weight of an ESCO preferred label.
pub const WEIGHT_ESCO_PREFERRED: f32 = 1.0;
/// Weight of an ESCO alternative label.
pub const WEIGHT_ESCO_ALT: f32 = 0.97;
/// Weight of an O*NET title or alternate title (through the crosswalk).
pub const WEIGHT_ONET: f32 = 0.7;
/// Share of an occupation's score that depends on how much of the query its preferred label
/// covers (IDF-weighted Dice); the rest is the best title's similarity × weight.
pub const PREFERRED_LABEL_SHARE: f32 = 0.2;
/// Minimum OSA similarity for an unknown query token to stand for a vocabulary token.
pub const TOKEN_FUZZY_THRESHOLD: f32 = 0.8;
/// Minimum score of the best match for [`TitleIndex::infer_role_skills`].
pub const INFER_MIN_SCORE: f32 = 0.6;

/// Words ignored in titles: stop words, and seniority, contract and advert words that say
/// nothing about the occupation ("Senior …", "… (Intern)", "Urgent hiring: …").
const STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "as",
    "at",
    "for",
    "in",
    "of",
    "on",
    "or",
    "the",
    "to",
    "with",
    "&",
    "senior",
    "junior",
    "jr",
    "sr",
    "lead",
    "intern",
    "internship",
    "trainee",
    "vacancy",
    "urgent",
    "hiring",
    "fresh",
    "experienced",
    "entry",
    "level",
    "i",
    "ii",
    "iii",
    "iv",
    "1",
    "2",
    "3",
    "full",
    "part",
    "time",
    "contract",
    "temporary",
    "permanent",
    "remote",
    "position",
    "job",
    "needed",
    "wanted",
    "immediate",
];

/// How a title matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TitleMethod {
    /// The query's key equals a title's key.
    Exact,
    /// Weighted token overlap.
    Token,
    /// Mostly by meaning (sentence-embedding cosine, `crate::semantic::titles`).
    Semantic,
}

/// One candidate occupation for a title.
#[derive(Debug, Clone, PartialEq)]
pub struct TitleMatch {
    /// The ESCO occupation.
    pub occupation: OccupationId,
    /// Score in [0, 1]: the best title's similarity × its weight.
    pub score: f32,
    /// How the best title matched.
    pub method: TitleMethod,
    /// The best title, folded.
    pub title: String,
}

/// The occupation inferred for a job title, with its skills (see [`TitleIndex::infer_role_skills`]).
#[derive(Debug, Clone, Copy)]
pub struct InferredRole<'t> {
    /// The occupation.
    pub occupation: &'t Occupation,
    /// The match behind it.
    pub score: f32,
    /// Its essential skills (to be required).
    pub essential: &'t [SkillId],
    /// Its optional skills (to be preferred).
    pub optional: &'t [SkillId],
}

impl<'t> InferredRole<'t> {
    /// The role a title's best match implies: its occupation in `esco` (the taxonomy the index
    /// was built from) when the match scores at least [`INFER_MIN_SCORE`], else `None`. The one
    /// rule behind [`TitleIndex::infer_role_skills`] and the nightly run's title inference.
    pub fn from_match(esco: &'t Taxonomy, m: &TitleMatch) -> Option<Self> {
        if m.score < INFER_MIN_SCORE {
            return None;
        }
        let occupation = esco.occupations.get(m.occupation as usize)?;
        Some(InferredRole {
            occupation,
            score: m.score,
            essential: &occupation.essential,
            optional: &occupation.optional,
        })
    }
}

/// A title being indexed: its folded text and the weight per occupation it names.
type Entry = (String, HashMap<OccupationId, f32>);

#[derive(Debug, Clone)]
struct Title {
    /// Folded title text (for display).
    text: Box<str>,
    /// Distinct token ids.
    tokens: Vec<u32>,
    /// Sum of the tokens' IDF.
    mass: f32,
    /// (occupation, weight), sorted by occupation.
    targets: Vec<(OccupationId, f32)>,
}

/// The title index. Build once with [`TitleIndex::build`]; queries are read-only.
#[derive(Debug, Clone, Default)]
pub struct TitleIndex {
    titles: Vec<Title>,
    by_key: HashMap<String, u32>,
    vocab: HashMap<Box<str>, u32>,
    idf: Vec<f32>,
    /// The largest of `idf`: the weight of a query token the vocabulary does not know.
    max_idf: f32,
    postings: Vec<Vec<u32>>,
    token_forms: Vec<Form>,
    token_fuzzy: FuzzyIndex,
    /// Per occupation, the token ids of its preferred label (sorted).
    preferred_tokens: Vec<Vec<u32>>,
}

/// Abbreviations common in job adverts, expanded before matching.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("exec", "executive"),
    ("exe", "executive"),
    ("asst", "assistant"),
    ("ass", "assistant"),
    ("mgr", "manager"),
    ("engr", "engineer"),
    ("eng", "engineer"),
    ("tech", "technician"),
    ("rep", "representative"),
    ("dev", "developer"),
    ("hr", "human resources"),
    ("qa", "quality assurance"),
    ("qc", "quality control"),
    ("it", "ict"),
];

/// Drops text inside parentheses or brackets (locations, "(Male Only)", shift codes).
fn strip_brackets(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut depth = 0usize;
    for c in title.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Drops bracketed text, folds, drops [`STOP_WORDS`] and strips a plural `s`, giving the title's
/// tokens.
fn tokens(title: &str) -> Vec<String> {
    fold(&strip_brackets(title))
        .split(' ')
        .filter(|t| !t.is_empty() && !STOP_WORDS.contains(t))
        .flat_map(|t| match ABBREVIATIONS.iter().find(|(a, _)| *a == t) {
            Some((_, full)) => full.split(' ').collect::<Vec<_>>(),
            None => vec![t],
        })
        .map(|t| match t.strip_suffix('s') {
            Some(stem) if stem.chars().count() >= 3 && !stem.ends_with('s') => stem.to_string(),
            _ => t.to_string(),
        })
        .collect()
}

impl TitleIndex {
    /// Indexes the preferred and alternative labels of `esco`'s occupations and, when given, the
    /// titles and alternate titles of every O*NET occupation the crosswalk links to an ESCO
    /// occupation of `esco` (crosswalk codes should have been resolved with
    /// [`Crosswalk::resolve_codes`]).
    pub fn build(esco: &Taxonomy, onet: Option<(&Onet, &Crosswalk)>) -> TitleIndex {
        // key → (text, targets)
        let mut entries: HashMap<String, Entry> = HashMap::new();
        let mut add = |title: &str, occ: OccupationId, weight: f32| {
            let toks = tokens(title);
            if toks.is_empty() {
                return;
            }
            let key = toks.join(" ");
            let e = entries.entry(key).or_insert_with(|| (fold(title), HashMap::new()));
            let w = e.1.entry(occ).or_insert(0.0);
            *w = w.max(weight);
        };
        let occ_by_uri: HashMap<&str, OccupationId> =
            esco.occupations.iter().zip(0..).map(|(o, i)| (o.uri.as_str(), i)).collect();
        for (o, id) in esco.occupations.iter().zip(0..) {
            add(&o.label, id, WEIGHT_ESCO_PREFERRED);
            for alt in &o.alt_labels {
                add(alt, id, WEIGHT_ESCO_ALT);
            }
        }
        if let Some((onet, crosswalk)) = onet {
            for o in &onet.occupations {
                let targets: Vec<(OccupationId, f32)> = crosswalk
                    .esco_for_onet(&o.code)
                    .filter_map(|l| occ_by_uri.get(l.esco_uri.as_str()).map(|&id| (id, l.confidence)))
                    .collect();
                for &(id, _) in &targets {
                    add(&o.title, id, WEIGHT_ONET);
                    for alt in &o.alt_titles {
                        add(alt, id, WEIGHT_ONET);
                    }
                }
            }
        }
        let mut keys: Vec<(String, Entry)> = entries.into_iter().collect();
        keys.sort_by(|a, b| a.0.cmp(&b.0));

        let mut vocab: HashMap<Box<str>, u32> = HashMap::new();
        let mut df: Vec<u32> = Vec::new();
        let mut titles = Vec::with_capacity(keys.len());
        let mut by_key = HashMap::with_capacity(keys.len());
        for (i, (key, (text, targets))) in (0u32..).zip(keys) {
            let mut toks: Vec<u32> = key
                .split(' ')
                .map(|t| {
                    let next = vocab.len() as u32;
                    let id = *vocab.entry(t.into()).or_insert(next);
                    if id as usize == df.len() {
                        df.push(0);
                    }
                    id
                })
                .collect();
            toks.sort_unstable();
            toks.dedup();
            for &t in &toks {
                df[t as usize] += 1;
            }
            let mut targets: Vec<(OccupationId, f32)> = targets.into_iter().collect();
            targets.sort_by_key(|t| t.0);
            by_key.insert(key, i);
            titles.push(Title { text: text.into(), tokens: toks, mass: 0.0, targets });
        }
        let n = titles.len().max(1) as f32;
        let idf: Vec<f32> = df.iter().map(|&d| (1.0 + n / d.max(1) as f32).ln()).collect();
        let mut postings: Vec<Vec<u32>> = vec![Vec::new(); idf.len()];
        for (i, t) in (0u32..).zip(titles.iter_mut()) {
            t.mass = t.tokens.iter().map(|&k| idf[k as usize]).sum();
            for &k in &t.tokens {
                postings[k as usize].push(i);
            }
        }
        let mut token_forms: Vec<Form> = vocab
            .iter()
            .map(|(t, &id)| Form { text: t.clone(), skill: id, preferred: true, ambiguous: false })
            .collect();
        token_forms.sort_by(|a, b| a.text.cmp(&b.text));
        let token_fuzzy = FuzzyIndex::build(&token_forms);
        let preferred_tokens = esco
            .occupations
            .iter()
            .map(|o| {
                let mut ids: Vec<u32> =
                    tokens(&o.label).iter().filter_map(|t| vocab.get(t.as_str()).copied()).collect();
                ids.sort_unstable();
                ids.dedup();
                ids
            })
            .collect();
        let max_idf = idf.iter().copied().fold(0.0f32, f32::max);
        TitleIndex { titles, by_key, vocab, idf, max_idf, postings, token_forms, token_fuzzy, preferred_tokens }
    }

    /// Number of distinct indexed titles (by key).
    pub fn len(&self) -> usize {
        self.titles.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.titles.is_empty()
    }

    /// The best `k` occupations for a job title, best first (ties by occupation id). Empty when
    /// no token of the title is known.
    pub fn lookup(&self, title: &str, k: usize) -> Vec<TitleMatch> {
        let toks = tokens(title);
        if toks.is_empty() || k == 0 {
            return Vec::new();
        }
        // occupation → (score, method, title)
        let mut best: HashMap<OccupationId, (f32, TitleMethod, u32)> = HashMap::new();
        let mut offer = |t: u32, sim: f32, method: TitleMethod| {
            for &(occ, w) in &self.titles[t as usize].targets {
                let s = sim * w;
                let e = best.entry(occ).or_insert((s, method, t));
                if s > e.0 {
                    *e = (s, method, t);
                }
            }
        };
        if let Some(&t) = self.by_key.get(&toks.join(" ")) {
            offer(t, 1.0, TitleMethod::Exact);
        }
        // Query tokens as (vocabulary id, weight); unknown ones count with the largest IDF.
        let max_idf = self.max_idf;
        let mut q: Vec<(u32, f32)> = Vec::new();
        let mut q_mass = 0.0;
        for t in &toks {
            if let Some(&id) = self.vocab.get(t.as_str()) {
                if !q.iter().any(|x| x.0 == id) {
                    q.push((id, self.idf[id as usize]));
                    q_mass += self.idf[id as usize];
                }
                continue;
            }
            q_mass += max_idf;
            if let Some(hit) = self.token_fuzzy.best(&self.token_forms, t, TOKEN_FUZZY_THRESHOLD) {
                let id = self.token_forms[hit.form as usize].skill;
                if !q.iter().any(|x| x.0 == id) {
                    q.push((id, self.idf[id as usize] * hit.score));
                }
            }
        }
        // Each indexed title's shared mass, summed in query order, titles in index order (so
        // that ties between titles resolve the same way on every run).
        let mut shared: Vec<(u32, f32)> = Vec::new();
        for &(id, w) in &q {
            shared.extend(self.postings[id as usize].iter().map(|&t| (t, w)));
        }
        shared.sort_by_key(|e| e.0);
        let mut i = 0;
        while i < shared.len() {
            let t = shared[i].0;
            let mut w = 0.0f32;
            while i < shared.len() && shared[i].0 == t {
                w += shared[i].1;
                i += 1;
            }
            let denom = q_mass + self.titles[t as usize].mass;
            if denom > 0.0 {
                // Slightly below an exact match at best.
                offer(t, 0.99 * (2.0 * w / denom).min(1.0), TitleMethod::Token);
            }
        }
        // Among equally good titles, prefer the occupation whose preferred label shares more of
        // the query (an O*NET title names several ESCO occupations with the same weight).
        let q_ids: Vec<(u32, f32)> = q;
        let pref_dice = |occ: OccupationId| {
            let Some(p) = self.preferred_tokens.get(occ as usize) else { return 0.0 };
            let p_mass: f32 = p.iter().map(|&k| self.idf[k as usize]).sum();
            let shared: f32 = q_ids.iter().filter(|(id, _)| p.binary_search(id).is_ok()).map(|x| x.1).sum();
            if q_mass + p_mass > 0.0 { (2.0 * shared / (q_mass + p_mass)).min(1.0) } else { 0.0 }
        };
        let mut scored: Vec<(OccupationId, f32, TitleMethod, u32)> = best
            .into_iter()
            .map(|(occupation, (score, method, t))| {
                (
                    occupation,
                    score * (1.0 - PREFERRED_LABEL_SHARE + PREFERRED_LABEL_SHARE * pref_dice(occupation)),
                    method,
                    t,
                )
            })
            .collect();
        // Best first, ties by occupation id: a total order, so only the first `k` need sorting.
        let order = |a: &(OccupationId, f32, TitleMethod, u32), b: &(OccupationId, f32, TitleMethod, u32)| {
            b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
        };
        if scored.len() > k {
            scored.select_nth_unstable_by(k - 1, order);
            scored.truncate(k);
        }
        scored.sort_by(order);
        scored
            .into_iter()
            .map(|(occupation, score, method, t)| TitleMatch {
                occupation,
                score,
                method,
                title: self.titles[t as usize].text.to_string(),
            })
            .collect()
    }

    /// The occupation for a posting's title with its essential and optional skills, when the
    /// best match scores at least [`INFER_MIN_SCORE`]. `esco` must be the taxonomy the index was
    /// built from.
    pub fn infer_role_skills<'t>(&self, esco: &'t Taxonomy, title: &str) -> Option<InferredRole<'t>> {
        let m = self.lookup(title, 1).into_iter().next()?;
        InferredRole::from_match(esco, &m)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;
    use crate::taxonomy::onet::tests::{crosswalk, onet};
    use crate::taxonomy::tests::esco;

    fn index() -> &'static TitleIndex {
        static IDX: OnceLock<TitleIndex> = OnceLock::new();
        IDX.get_or_init(|| TitleIndex::build(esco(), Some((onet(), crosswalk()))))
    }

    fn best_label(title: &str) -> String {
        let m = index().lookup(title, 1);
        m.first().map(|m| esco().occupations[m.occupation as usize].label.clone()).unwrap_or_default()
    }

    #[test]
    fn exact_preferred_and_alt_labels() {
        let m = index().lookup("Data Scientist", 3);
        assert_eq!(m[0].method, TitleMethod::Exact);
        assert_eq!(esco().occupations[m[0].occupation as usize].label, "data scientist");
        assert_eq!(best_label("software developers"), "software developer");
        assert_eq!(best_label("  WEB DEVELOPER "), "web developer");
    }

    #[test]
    fn token_and_typo_matches() {
        assert_eq!(best_label("Senior Data Scientist"), "data scientist");
        assert_eq!(best_label("data scintist"), "data scientist");
        let m = index().lookup("zzzz qqqq", 5);
        assert!(m.is_empty());
        assert!(index().lookup("", 5).is_empty());
    }

    #[test]
    fn onet_alternate_titles_reach_esco() {
        // "Application Developer" is no ESCO label, but an O*NET alternate title of 15-1252.00.
        let m = index().lookup("Application Developer", 5);
        assert!(!m.is_empty());
        let labels: Vec<&str> = m.iter().map(|m| esco().occupations[m.occupation as usize].label.as_str()).collect();
        assert!(labels.iter().any(|l| l.contains("developer")), "{labels:?}");
    }

    #[test]
    fn infer_role_skills_gives_essential_and_optional() {
        let r = index().infer_role_skills(esco(), "Data Scientist").expect("inferred");
        assert_eq!(r.occupation.label, "data scientist");
        assert!(!r.essential.is_empty() && !r.optional.is_empty());
        assert!(index().infer_role_skills(esco(), "zzzz").is_none());
    }
}

#[cfg(test)]
mod dev_dump {
    use super::*;
    use crate::taxonomy::onet::tests::{crosswalk, onet};
    use crate::taxonomy::tests::esco;

    /// Prints misses on the JobBERT dev titles (manual error analysis; `ONET=1` to include O*NET):
    /// `cargo test --lib dump_title_misses -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn dump_title_misses() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/data/jobbert-title-normalization/jobbert_v1_titles.with_uri.csv"
        );
        let Ok(mut r) = csv::Reader::from_path(path) else { return };
        let with_onet = std::env::var("ONET").is_ok();
        let idx = TitleIndex::build(esco(), with_onet.then(|| (onet(), crosswalk())));
        let mut n = 0;
        for rec in r.records().flatten().step_by(37) {
            let (text, label) = (rec.get(0).unwrap_or(""), rec.get(1).unwrap_or(""));
            let m = idx.lookup(text, 3);
            let got: Vec<String> = m
                .iter()
                .map(|m| {
                    format!(
                        "{} {:.2} {:?} [{}]",
                        esco().occupations[m.occupation as usize].label,
                        m.score,
                        m.method,
                        m.title
                    )
                })
                .collect();
            if got.first().is_none_or(|g| !g.starts_with(&format!("{label} "))) {
                println!("{text:?} gold={label:?}\n    {}", got.join("\n    "));
                n += 1;
            }
            if n > 60 {
                break;
            }
        }
    }
}
