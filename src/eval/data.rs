//! Readers and scorers for each data kind (see the module documentation of [`super`]).

use std::collections::{BTreeSet, HashMap, HashSet};

use super::{Counts, FileReport};
use crate::extract::Extractor;
use crate::taxonomy::{SkillId, Taxonomy};

/// One sentence's ranking metrics (see the module documentation of [`super`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RankScores {
    /// Gold skills in the top 5 over `min(5, |gold|)` (RP@5 as Decorte et al. and IReRa define it).
    pub(crate) rp_at_5: f64,
    /// Gold skills in the top `r = min(5, |gold|)` over `r` (the stricter R-Precision).
    pub(crate) r_precision: f64,
}

/// Scores one sentence: counts of the `kept` skills against the gold set, and, when the gold set
/// is not empty, the ranking metrics of `ranked` (best first).
pub(crate) fn score_sets(gold: &BTreeSet<&str>, kept: &[&str], ranked: &[&str]) -> (Counts, Option<RankScores>) {
    let tp = kept.iter().filter(|u| gold.contains(*u)).count() as u64;
    let counts = Counts { tp, fp: kept.len() as u64 - tp, fn_: gold.len() as u64 - tp };
    let r = gold.len().min(5);
    let hits = |n: usize| ranked.iter().take(n).filter(|u| gold.contains(*u)).count() as f64;
    let scores = (r > 0).then(|| RankScores { rp_at_5: hits(5) / r as f64, r_precision: hits(r) / r as f64 });
    (counts, scores)
}

/// Decorte sentence → URI sets.
pub(super) fn decorte(
    bytes: &[u8],
    taxonomy: &Taxonomy,
    extractor: &Extractor,
    report: &mut FileReport,
) -> Result<Counts, String> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let col = |name: &str| {
        headers.iter().position(|h| h.trim_start_matches('\u{feff}') == name).ok_or(format!("missing column `{name}`"))
    };
    let (c_sentence, c_uri) = (col("sentence")?, col("esco_v1_2_0_uri")?);
    let mut order: Vec<String> = Vec::new();
    let mut gold: HashMap<String, BTreeSet<String>> = HashMap::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| e.to_string())?;
        let sentence = rec.get(c_sentence).unwrap_or("").to_string();
        let uri = rec.get(c_uri).unwrap_or("").trim();
        let set = gold.entry(sentence.clone()).or_insert_with(|| {
            order.push(sentence);
            BTreeSet::new()
        });
        if !uri.is_empty() {
            // Canonical URI when the taxonomy knows it, else as given (a miss by construction).
            let uri = taxonomy.skill_by_uri(uri).map_or(uri.to_string(), |id| taxonomy.skill(id).uri.clone());
            set.insert(uri);
        }
    }
    let mut counts = Counts::default();
    for sentence in &order {
        let Some(g) = gold.get(sentence) else { continue };
        let g: BTreeSet<&str> = g.iter().map(String::as_str).collect();
        let uri = |s: SkillId| taxonomy.skill(s).uri.as_str();
        let ranked = extractor.ranked(sentence, 5);
        let kept: Vec<&str> = ranked.iter().filter(|r| r.kept).map(|r| uri(r.skill)).collect();
        let ranked: Vec<&str> = ranked.iter().map(|r| uri(r.skill)).collect();
        let (c, rank) = score_sets(&g, &kept, &ranked);
        counts.add(c);
        if let Some(rank) = rank {
            report.rp_sum += rank.rp_at_5;
            report.r_precision_sum += rank.r_precision;
            report.rp_n += 1;
        }
        report.items += 1;
    }
    Ok(counts)
}

/// One SkillSpan sentence: the text, each token's character span, and the gold token spans.
#[derive(Debug, Default)]
pub(crate) struct SpanSentence {
    pub(crate) text: String,
    pub(crate) tokens: Vec<(usize, usize)>,
    pub(crate) gold: BTreeSet<(usize, usize)>,
}

/// Parses CoNLL text (`token<TAB>tag<TAB>tag…`) into sentences; every tag column is a BIO layer.
pub(crate) fn parse_conll(text: &str) -> Vec<SpanSentence> {
    let mut out = Vec::new();
    let mut cur = SpanSentence::default();
    let mut open: Vec<Option<usize>> = Vec::new();
    let mut chars = 0;
    let close = |cur: &mut SpanSentence, open: &mut Vec<Option<usize>>| {
        let n = cur.tokens.len();
        for o in open.iter_mut() {
            if let Some(s) = o.take() {
                cur.gold.insert((s, n));
            }
        }
    };
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            close(&mut cur, &mut open);
            if !cur.tokens.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            open.clear();
            chars = 0;
            continue;
        }
        let mut cols = line.split('\t');
        let token = cols.next().unwrap_or("");
        let tags: Vec<&str> = cols.collect();
        if open.len() < tags.len() {
            open.resize(tags.len(), None);
        }
        let i = cur.tokens.len();
        for (layer, tag) in tags.iter().enumerate() {
            let tag = tag.trim();
            let begins = tag.starts_with("B");
            let inside = tag.starts_with("I");
            if !inside || begins || open[layer].is_none() {
                if let Some(s) = open[layer].take() {
                    cur.gold.insert((s, i));
                }
                if begins || inside {
                    open[layer] = Some(i);
                }
            }
        }
        if !cur.text.is_empty() {
            cur.text.push(' ');
            chars += 1;
        }
        cur.text.push_str(token);
        let n = token.chars().count();
        cur.tokens.push((chars, chars + n));
        chars += n;
    }
    close(&mut cur, &mut open);
    if !cur.tokens.is_empty() {
        out.push(cur);
    }
    out
}

/// SkillSpan: (exact-span counts, token-overlap counts).
pub(super) fn skillspan(text: &str, extractor: &Extractor, report: &mut FileReport) -> (Counts, Counts) {
    let mut exact = Counts::default();
    let mut token = Counts::default();
    for s in parse_conll(text) {
        report.items += 1;
        let mut pred: BTreeSet<(usize, usize)> = BTreeSet::new();
        for m in extractor.extract(&s.text) {
            let first = s.tokens.iter().position(|t| t.1 > m.start);
            let last = s.tokens.iter().rposition(|t| t.0 < m.end);
            if let (Some(a), Some(b)) = (first, last)
                && a <= b
            {
                pred.insert((a, b + 1));
            }
        }
        let tp = pred.intersection(&s.gold).count() as u64;
        exact.add(Counts { tp, fp: pred.len() as u64 - tp, fn_: s.gold.len() as u64 - tp });
        let toks =
            |spans: &BTreeSet<(usize, usize)>| -> HashSet<usize> { spans.iter().flat_map(|&(a, b)| a..b).collect() };
        let (p, g) = (toks(&pred), toks(&s.gold));
        let tp = p.intersection(&g).count() as u64;
        token.add(Counts { tp, fp: p.len() as u64 - tp, fn_: g.len() as u64 - tp });
    }
    (exact, token)
}

/// Nesta phrase → id lookups, scored on [`Taxonomy::normalize_name`].
pub(super) fn nesta(
    bytes: &[u8],
    taxonomy: &Taxonomy,
    extractor: &Extractor,
    report: &mut FileReport,
) -> Result<Counts, String> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let entries = value.as_object().ok_or("expected a JSON object")?;
    let mut counts = Counts::default();
    let mut hits = Vec::new();
    for entry in entries.values() {
        let (Some(phrase), Some(id)) =
            (entry.get("ojo_skill").and_then(|v| v.as_str()), entry.get("match_id").and_then(|v| v.as_str()))
        else {
            continue;
        };
        report.items += 1;
        let mut mapping = taxonomy.normalize_name(phrase);
        if let (None, Some(sem)) = (mapping.skill, extractor.semantic()) {
            mapping = sem.map_name(phrase, sem.name_threshold);
        }
        match mapping.skill {
            Some(skill) if id_matches(taxonomy, skill, id) => {
                counts.tp += 1;
                hits.push(phrase.to_string());
            }
            Some(_) => {
                counts.fp += 1;
                counts.fn_ += 1;
            }
            None => counts.fn_ += 1,
        }
    }
    hits.sort();
    report.hits = Some(hits);
    Ok(counts)
}

/// Whether `skill` is the expected Nesta id: its UUID, or a skill-group code at or above one of
/// its nearest groups.
pub(crate) fn id_matches(taxonomy: &Taxonomy, skill: SkillId, id: &str) -> bool {
    let s = taxonomy.skill(skill);
    let id = id.trim();
    if s.uri.rsplit('/').next().is_some_and(|u| u.eq_ignore_ascii_case(id)) {
        return true;
    }
    s.groups.iter().filter_map(|&g| taxonomy.groups().get(g as usize)).any(|g| {
        !g.code.is_empty() && (g.code == id || g.code.strip_prefix(id).is_some_and(|rest| rest.starts_with('.')))
    })
}
