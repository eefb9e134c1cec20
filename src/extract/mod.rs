//! Skill extraction from free posting text.
//!
//! PUBLIC API CONTRACT: [`Extractor::new`] builds once per run from a [`Taxonomy`];
//! [`Extractor::extract`] returns mentions with character offsets into [`html_to_text`]'s output.
//!
//! How it works: the text is [`fold`](fn@crate::taxonomy::fold)ed exactly like the taxonomy labels,
//! padded with a space on each side, while a map from every folded byte back to the source bytes
//! is kept. One Aho-Corasick automaton (leftmost-longest) holds every usable surface form as
//! `" " + form + " "`; since folded tokens are separated by exactly one space, every match starts
//! and ends on a word boundary ("java" never matches inside "javascript", "c" never inside "c#").
//! After a match the search resumes on its trailing space, so adjacent mentions are all found.
//! Forms that are too short or too generic to be evidence are left out (see [`skip_reason`]).
//!
//! Every mention carries a confidence ([`form_confidence`]: preferred label, alternative label,
//! shared label, short acronym) and whether its sentence marks it optional ("nice to have",
//! "a plus", "not required"; see [`OPTIONAL_CUES`]). Mentions in boilerplate sentences
//! (equal-opportunity statements, benefits; see [`BOILERPLATE_CUES`]) are dropped.

mod context;
mod html;
mod matcher;

use std::cell::RefCell;

use crate::semantic::skills::{SemanticSkills, SentenceTable};
use crate::taxonomy::fold::{FoldBuf, fold_mapped};
use crate::taxonomy::{MatchMethod, SkillId, Taxonomy};

pub use context::{BOILERPLATE_CUES, OPTIONAL_CUES};
pub use matcher::{
    ALT_CONFIDENCE, AMBIGUOUS_FACTOR, GENERIC_FORMS, GENERIC_TECHNOLOGY_FORMS, MIN_FORM_CHARS, PREFERRED_CONFIDENCE,
    SHORT_FACTOR, SkipReason, form_confidence, skip_reason,
};

/// One skill found in text.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// The skill.
    pub skill: SkillId,
    /// Start offset in characters (Unicode scalar values) into the plain text.
    pub start: usize,
    /// End offset (exclusive) in characters.
    pub end: usize,
    /// The text that matched, as it appears.
    pub surface: String,
    /// How it was found: [`MatchMethod::Exact`] (a folded label of the skill).
    pub method: MatchMethod,
    /// Confidence in (0, 1], see [`form_confidence`].
    pub confidence: f32,
    /// Whether its sentence (or section header) marks it optional: "nice to have", "a plus",
    /// "preferred", "not required"… The normalize stage treats such skills as preferred.
    pub optional: bool,
}

/// One skill of [`Extractor::ranked`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    /// The skill.
    pub skill: SkillId,
    /// Its best mention's confidence, or its cosine for a candidate by meaning.
    pub score: f32,
    /// True for a mention [`Extractor::extract`] keeps, false for a candidate below the bar.
    pub kept: bool,
}

/// A text's sentence cues, looked up by character offset (the offsets of semantic hits).
struct CharCues {
    flags: Vec<(usize, usize, context::Flags)>,
    char_starts: Vec<usize>,
    len: usize,
}

impl CharCues {
    fn new(cues: &context::Cues, text: &str) -> CharCues {
        CharCues {
            flags: cues.sentences(text),
            char_starts: text.char_indices().map(|(b, _)| b).collect(),
            len: text.len(),
        }
    }

    /// The byte offset of character `c` (the text's length past its end).
    fn byte_at(&self, c: usize) -> usize {
        self.char_starts.get(c).copied().unwrap_or(self.len)
    }

    /// The flags of the cue sentence holding character `c` (none outside every sentence).
    fn flags_at(&self, c: usize) -> context::Flags {
        let b = self.byte_at(c);
        self.flags.iter().find(|s| s.0 <= b && b < s.1).map(|s| s.2).unwrap_or_default()
    }
}

/// HTML to plain text through the HTML5 tokenizer of `html5ever` (see `docs/DECISIONS.md`).
///
/// Every named and numeric character reference is decoded as HTML5 says; malformed and unclosed
/// markup is tokenized as a browser would. `script`, `style`, `noscript`, `template` (and the
/// other raw-text elements) are dropped with comments and doctypes; block elements (`p`, `div`,
/// `li`, `h1`…, `tr`, `br`, …) become one line break, table cells a tab between the cells of a
/// row; whitespace runs collapse to one space and the text is trimmed. The offsets of
/// [`Mention`]s (the evidence spans of `extract`) count characters of this decoded text.
pub fn html_to_text(html: &str) -> String {
    html::html_to_text(html)
}

/// [`html_to_text`] of a field whose HTML is itself entity-escaped (`&lt;p&gt;…`, as in
/// Greenhouse's `content`): references are decoded once to recover the markup, which is then read.
pub fn escaped_html_to_text(escaped: &str) -> String {
    html::escaped_html_to_text(escaped)
}

/// [`html_to_text`] of a posting description: a description with no markup of its own whose text
/// holds escaped tags (`&lt;p&gt;`, `&lt;/li&gt;`, `&lt;br&gt;`) is read as escaped HTML
/// ([`escaped_html_to_text`]), anything else as HTML.
pub fn description_to_text(description: &str) -> String {
    if html::looks_escaped(description) {
        html::escaped_html_to_text(description)
    } else {
        html::html_to_text(description)
    }
}

/// The deepest element nesting of an HTML document as its tags say (one linear tokenizer pass);
/// building an HTML tree costs time quadratic in it, so readers bound it before parsing a page.
pub fn html_nesting_depth(html: &str) -> usize {
    html::nesting_depth(html)
}

/// Decodes the character references of `s` as HTML text would (tags dropped, whitespace kept).
pub fn unescape_html(s: &str) -> String {
    html::unescape(s)
}

/// A matcher over every surface form of a taxonomy (`aho-corasick`, leftmost-longest, word boundaries).
pub struct Extractor {
    matcher: matcher::Matcher,
    cues: context::Cues,
    /// Skills found by meaning on top of the dictionary (issue 18), when attached.
    semantic: Option<std::sync::Arc<SemanticSkills>>,
}

impl std::fmt::Debug for Extractor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extractor").field("patterns", &self.pattern_count()).finish()
    }
}

/// Texts longer than this (bytes) are folded into fresh buffers, so that one huge posting does
/// not leave a huge per-thread buffer behind.
const MAX_REUSED_TEXT: usize = 1 << 20;

thread_local! {
    /// Per-thread folding buffers, reused across calls.
    static BUF: RefCell<FoldBuf> = RefCell::new(FoldBuf::default());
}

impl Extractor {
    /// Builds the automaton from the taxonomy's preferred and alternative labels.
    ///
    /// Each distinct folded label names the skill chosen by the taxonomy's surface-form index
    /// (its preferred-label skill, else the lowest id); labels for which [`skip_reason`] gives a
    /// reason are left out.
    pub fn new(taxonomy: &Taxonomy) -> Extractor {
        Extractor { matcher: matcher::Matcher::build(taxonomy), cues: context::Cues::new(), semantic: None }
    }

    /// The same extractor that also finds skills by meaning: after the dictionary mentions,
    /// each sentence's nearest skills above the matcher's threshold that the dictionary did not
    /// find, as [`MatchMethod::Semantic`] mentions whose span is the sentence and whose
    /// confidence is the cosine similarity.
    pub fn with_semantic(mut self, semantic: std::sync::Arc<SemanticSkills>) -> Extractor {
        self.semantic = Some(semantic);
        self
    }

    /// The attached semantic matcher, if any.
    pub fn semantic(&self) -> Option<&SemanticSkills> {
        self.semantic.as_deref()
    }

    /// How many surface forms the automaton holds.
    pub fn pattern_count(&self) -> usize {
        self.matcher.skills.len()
    }

    /// Finds skill mentions in plain text (call [`html_to_text`] first for HTML), in text order.
    ///
    /// Mentions do not overlap; the leftmost match wins, and at one position the longest form
    /// ("project management" over "project"). `surface` is `text` sliced at the mention's
    /// character offsets. Mentions in boilerplate sentences are left out; mentions in optional
    /// sentences have `optional` set. Texts of 4 GiB or more yield no mentions (offsets are
    /// 32-bit).
    ///
    /// With a semantic matcher attached ([`Extractor::with_semantic`]), mentions found by meaning
    /// follow the dictionary's, in sentence order; their spans are whole sentences and may
    /// overlap dictionary mentions.
    pub fn extract(&self, text: &str) -> Vec<Mention> {
        self.extract_prepared(text, None)
    }

    /// [`Extractor::extract`] with the semantic matcher's nearest skills of each sentence read
    /// from `table` ([`SemanticSkills::prepare`] over every text of a run, each distinct
    /// sentence scored once); the same mentions as without it.
    pub fn extract_prepared(&self, text: &str, table: Option<&SentenceTable>) -> Vec<Mention> {
        let mut out = self.extract_dictionary(text);
        if let Some(sem) = &self.semantic {
            self.add_semantic(sem, text, table, &mut out);
        }
        out
    }

    /// Skills ranked for `text`, for retrieval metrics and reviewers: first every skill
    /// [`Extractor::extract`] keeps (highest confidence first, then earliest mention), then, with a
    /// semantic matcher attached and fewer than `k` kept, the nearest skills of its
    /// non-boilerplate sentences that were not kept (below the threshold, or beyond the
    /// matcher's per-sentence count), by cosine (ties by id), until there are `k`. Each sentence
    /// is embedded once for both parts ([`SemanticSkills::prepare_top`]). Candidates are not
    /// mentions: nothing downstream uses them.
    pub fn ranked(&self, text: &str, k: usize) -> Vec<Ranked> {
        let table = self.semantic.as_ref().map(|sem| sem.prepare_top(std::iter::once(text), k.max(sem.per_sentence)));
        let mut best: Vec<(SkillId, f32, usize)> = Vec::new();
        for (i, m) in self.extract_prepared(text, table.as_ref()).into_iter().enumerate() {
            match best.iter_mut().find(|b| b.0 == m.skill) {
                Some(b) => b.1 = b.1.max(m.confidence),
                None => best.push((m.skill, m.confidence, i)),
            }
        }
        best.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)));
        let mut out: Vec<Ranked> =
            best.into_iter().map(|(skill, score, _)| Ranked { skill, score, kept: true }).collect();
        let Some(table) = table.filter(|_| out.len() < k) else { return out };
        let cues = CharCues::new(&self.cues, text);
        let mut cands: Vec<(SkillId, f32)> = Vec::new();
        for (start, _, sentence) in crate::semantic::skills::sentences(text) {
            if cues.flags_at(start).boilerplate {
                continue;
            }
            for &(skill, cos) in table.nearest_of(sentence).unwrap_or_default().iter().take(k) {
                match cands.iter_mut().find(|c| c.0 == skill) {
                    Some(c) => c.1 = c.1.max(cos),
                    None => cands.push((skill, cos)),
                }
            }
        }
        cands.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        for (skill, score) in cands {
            if out.len() >= k {
                break;
            }
            if !out.iter().any(|r| r.skill == skill) {
                out.push(Ranked { skill, score: score.clamp(0.0, 1.0), kept: false });
            }
        }
        out
    }

    /// The dictionary mentions only.
    fn extract_dictionary(&self, text: &str) -> Vec<Mention> {
        let Some(ac) = &self.matcher.automaton else {
            return Vec::new();
        };
        if u32::try_from(text.len()).is_err() {
            return Vec::new();
        }
        if text.len() > MAX_REUSED_TEXT {
            return self.extract_with(ac, text, &mut FoldBuf::default());
        }
        BUF.with_borrow_mut(|buf| self.extract_with(ac, text, buf))
    }

    /// Appends the skills `sem` finds by meaning that are not among `out`'s skills yet.
    fn add_semantic(&self, sem: &SemanticSkills, text: &str, table: Option<&SentenceTable>, out: &mut Vec<Mention>) {
        let mut seen: std::collections::HashSet<SkillId> = out.iter().map(|m| m.skill).collect();
        let cues = CharCues::new(&self.cues, text);
        for hit in sem.find_in(text, table) {
            let (bs, be) = (cues.byte_at(hit.start), cues.byte_at(hit.end));
            let f = cues.flags_at(hit.start);
            if f.boilerplate || !seen.insert(hit.skill) {
                continue;
            }
            out.push(Mention {
                skill: hit.skill,
                start: hit.start,
                end: hit.end,
                surface: text[bs..be].to_string(),
                method: MatchMethod::Semantic,
                confidence: hit.similarity.clamp(0.0, 1.0),
                optional: f.optional,
            });
        }
    }

    /// [`Extractor::extract`] with the given folding buffers.
    fn extract_with(&self, ac: &aho_corasick::AhoCorasick, text: &str, buf: &mut FoldBuf) -> Vec<Mention> {
        fold_mapped(text, buf, true);
        let mut out = Vec::new();
        let mut chars = CharCounter::default();
        let hay = buf.text.as_str();
        let mut pos = 0;
        let mut sentences: Option<Vec<(usize, usize, context::Flags)>> = None;
        let mut sentence = 0;
        while let Some(m) = ac.find(aho_corasick::Input::new(hay).span(pos..hay.len())) {
            // Resume on the trailing space, which is the next form's leading space.
            pos = m.end() - 1;
            // The pattern is " form ": the form is [start + 1, end - 1).
            let first = buf.map[m.start() + 1];
            let last = buf.map[m.end() - 2];
            let (start, end) = (first.start as usize, last.end as usize);
            let sents = sentences.get_or_insert_with(|| self.cues.sentences(text));
            while sentence + 1 < sents.len() && sents[sentence].1 <= start {
                sentence += 1;
            }
            let flags = sents.get(sentence).map(|s| s.2).unwrap_or_default();
            if flags.boilerplate {
                continue;
            }
            let p = m.pattern().as_usize();
            out.push(Mention {
                skill: self.matcher.skills[p],
                start: chars.at(text, start),
                end: chars.at(text, end),
                surface: text[start..end].to_string(),
                method: MatchMethod::Exact,
                confidence: self.matcher.confidence[p],
                optional: flags.optional,
            });
        }
        out
    }
}

/// Converts increasing byte offsets of one text into character offsets without rescanning.
#[derive(Debug, Default)]
struct CharCounter {
    byte: usize,
    chars: usize,
}

impl CharCounter {
    /// The character offset of byte offset `byte` (a char boundary) in `text`.
    fn at(&mut self, text: &str, byte: usize) -> usize {
        if byte < self.byte {
            *self = CharCounter::default();
        }
        self.chars += text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars
    }
}

#[cfg(test)]
mod tests;
