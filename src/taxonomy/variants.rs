//! Token and inflection variants: a canonical key per folded string, so that "analyze data",
//! "analysing data" and "analyse data" meet, "databases" meets "database", and "management
//! project" meets "project management" (word order of labels of at most 3 tokens).
//!
//! The key is computed the same way for labels (at load) and queries, so the rules only need to
//! be consistent, not linguistically exact:
//! * British spelling: `-ize/-yze` → `-ise/-yse` (with `-ized`, `-izing`, `-ization`…), a short
//!   list of `-or` → `-our` words (`color`, `behavior`, `labor`…);
//! * derivations: `-ysis` → `-yse` ("analysis" → "analyse"), `-ing` after 4+ characters is
//!   dropped together with a final `e` of the stem ("analysing" and "analyse" → "analys");
//! * plurals: `-ies` → `-y`, `-sses` → `-ss`, a final `s` after 3+ characters except `-ss`,
//!   `-us`, `-is`;
//! * internal dots are dropped (`node.js` → `nodejs`; a leading dot is kept: `.net`).
//!
//! Wrapper words that only say "this is a skill" are dropped from queries before the key is
//! looked up a second time: "good communication skills" → "communication".

use std::collections::HashMap;

use super::forms::Form;

/// Words that only wrap a skill in job-ad phrasing; dropped (second attempt) from queries.
pub const WRAPPER_WORDS: &[&str] = &[
    "abilities",
    "ability",
    "advanced",
    "basic",
    "demonstrable",
    "demonstrated",
    "excellent",
    "experience",
    "expert",
    "expertise",
    "good",
    "great",
    "hands",
    "in",
    "knowledge",
    "of",
    "on",
    "proficiency",
    "proficient",
    "proven",
    "skill",
    "skills",
    "solid",
    "strong",
    "to",
    "understanding",
    "with",
    "working",
];

/// `-or` words whose British spelling is `-our`.
const OUR_WORDS: &[&str] = &[
    "behavior", "color", "favor", "flavor", "harbor", "honor", "humor", "labor", "neighbor", "odor", "rumor", "vapor",
];

/// Appends the canonical form of one folded token to `out`; the rules rewrite the token's end
/// in place (no allocation).
fn push_token_key(out: &mut String, t: &str) {
    let start = out.len();
    // Dotted abbreviations ("e.g.", "u.s."): keep the first character, drop later dots. The
    // first character may be several bytes long ("é.t.").
    let first = t.chars().next().map_or(0, char::len_utf8);
    if t.len() > first + 1 && t[first..].contains('.') {
        let (first, rest) = t.split_at(first);
        out.push_str(first);
        out.extend(rest.chars().filter(|&c| c != '.'));
    } else {
        out.push_str(t);
    }
    let tok = |out: &String| -> usize { out.len() - start };
    // Plurals.
    let n = out[start..].chars().count();
    if n > 4 && out.ends_with("ies") {
        out.truncate(out.len() - 3);
        out.push('y');
    } else if n > 4 && out.ends_with("sses") {
        out.truncate(out.len() - 2);
    } else if n > 3 && out.ends_with('s') && !out.ends_with("ss") && !out.ends_with("us") && !out.ends_with("is") {
        out.pop();
    }
    // American → British.
    for (from, to) in [
        ("ization", "isation"),
        ("izing", "ising"),
        ("ized", "ised"),
        ("ize", "ise"),
        ("yzing", "ysing"),
        ("yzed", "ysed"),
        ("yze", "yse"),
    ] {
        if out.ends_with(from) && tok(out) > from.len() + 1 {
            out.truncate(out.len() - from.len());
            out.push_str(to);
            break;
        }
    }
    let our = OUR_WORDS.iter().find_map(|w| {
        let rest = out[start..].strip_prefix(*w)?;
        ["", "ed", "ing"].into_iter().find(|r| *r == rest).map(|r| (*w, r))
    });
    if let Some((w, rest)) = our {
        out.truncate(start + w.len() - 1);
        out.push_str("ur");
        out.push_str(rest);
    }
    // Derivations.
    if out.ends_with("ysis") {
        out.truncate(out.len() - 2);
        out.push('e');
    }
    let count = |out: &String| out[start..].chars().count();
    if count(out) > 6 && out.ends_with("ing") {
        out.truncate(out.len() - 3);
    } else if count(out) > 4 && out.ends_with("ed") && !out.ends_with("eed") {
        out.truncate(out.len() - 2);
    }
    if count(out) > 4 && out.ends_with('e') && !out.ends_with("ee") {
        out.pop();
    }
}

/// The canonical key of a folded string (tokens keyed, order kept).
pub(crate) fn key(folded: &str) -> String {
    let mut out = String::with_capacity(folded.len() + 2);
    for t in folded.split(' ').filter(|t| !t.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        push_token_key(&mut out, t);
    }
    out
}

/// The order-free key of a key of 2 or 3 tokens (tokens sorted), else `None`.
pub(crate) fn bag_key(key: &str) -> Option<String> {
    let mut toks: Vec<&str> = key.split(' ').collect();
    if !(2..=3).contains(&toks.len()) {
        return None;
    }
    toks.sort_unstable();
    Some(toks.join(" "))
}

/// `folded` without wrapper words, if that removes something and leaves something.
pub(crate) fn strip_wrappers(folded: &str) -> Option<String> {
    let kept: Vec<&str> = folded.split(' ').filter(|t| WRAPPER_WORDS.binary_search(t).is_err()).collect();
    let n = folded.split(' ').count();
    (!kept.is_empty() && kept.len() < n).then(|| kept.join(" "))
}

/// Key → form indexes.
#[derive(Debug, Clone, Default)]
pub(crate) struct VariantIndex {
    by_key: HashMap<Box<str>, u32>,
    by_bag: HashMap<Box<str>, u32>,
}

/// How a variant was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VariantKind {
    /// Same key (spelling, inflection).
    Inflection,
    /// Same key after dropping wrapper words.
    Wrapper,
    /// Same tokens in another order.
    WordOrder,
}

impl VariantIndex {
    /// Indexes every form's key (and bag key); on a clash the first form in priority order
    /// (preferred label, then lower skill id, then text order) wins.
    pub(crate) fn build(forms: &[Form]) -> VariantIndex {
        let mut order: Vec<u32> = (0..forms.len() as u32).collect();
        order.sort_by_key(|&i| {
            let f = &forms[i as usize];
            (!f.preferred, f.skill, i)
        });
        let mut by_key: HashMap<Box<str>, u32> = HashMap::with_capacity(forms.len());
        let mut by_bag: HashMap<Box<str>, u32> = HashMap::new();
        for i in order {
            let k = key(&forms[i as usize].text);
            if let Some(b) = bag_key(&k) {
                by_bag.entry(b.into()).or_insert(i);
            }
            by_key.entry(k.into()).or_insert(i);
        }
        VariantIndex { by_key, by_bag }
    }

    /// The form a folded query reaches through a variant, with how.
    pub(crate) fn find(&self, folded: &str) -> Option<(u32, VariantKind)> {
        let k = key(folded);
        if let Some(&f) = self.by_key.get(k.as_str()) {
            return Some((f, VariantKind::Inflection));
        }
        let stripped = strip_wrappers(folded).map(|s| key(&s));
        if let Some(s) = &stripped
            && let Some(&f) = self.by_key.get(s.as_str())
        {
            return Some((f, VariantKind::Wrapper));
        }
        for k in std::iter::once(&k).chain(stripped.as_ref()) {
            if let Some(b) = bag_key(k)
                && let Some(&f) = self.by_bag.get(b.as_str())
            {
                return Some((f, VariantKind::WordOrder));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_starting_with_a_multibyte_character_do_not_panic() {
        // Found at 100k generated candidates: a typo'd skill string starting with "é" panicked
        // the nightly run (byte index 1 inside the character).
        assert!(key("ésance").starts_with("ésan"));
        assert_eq!(key("é.t.c"), "étc");
        assert_eq!(key("日本語.ab"), "日本語ab");
        assert_eq!(key("é"), "é");
        assert_eq!(key("ésances"), key("ésance"), "rules still apply after a multibyte start");
    }

    #[test]
    fn no_short_string_of_mixed_width_characters_panics() {
        // Every string of up to five characters over an alphabet mixing 1-, 2-, 3- and 4-byte
        // characters with the characters the rules look at.
        let alphabet = ['a', 'é', '.', 's', '日', ' ', 'z', '🙂', 'i'];
        let mut words = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> =
                words.iter().flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}"))).collect();
            for w in &longer {
                let k = key(w);
                let _ = bag_key(&k);
                let _ = strip_wrappers(w);
            }
            words = longer;
        }
    }

    #[test]
    fn wrapper_words_are_sorted() {
        assert!(WRAPPER_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn keys_meet() {
        for (a, b) in [
            ("analyse data", "analyze data"),
            ("analyse data", "analysing data"),
            ("analyse", "analysis"),
            ("analyse", "analyzing"),
            ("organise events", "organize events"),
            ("databases", "database"),
            ("technologies", "technology"),
            ("colour theory", "color theory"),
            ("node.js", "nodejs"),
            ("virtualisation", "virtualization"),
        ] {
            assert_eq!(key(a), key(b), "{a} / {b}");
        }
        for (a, b) in [("business", "busines"), ("c#", "c"), (".net", "net"), ("process", "proces")] {
            assert_ne!(key(a), key(b), "{a} / {b}");
        }
    }

    #[test]
    fn bags_and_wrappers() {
        assert_eq!(bag_key("project management"), bag_key("management project"));
        assert_eq!(bag_key("a b c d"), None);
        assert_eq!(bag_key("python"), None);
        assert_eq!(strip_wrappers("good communication skills").as_deref(), Some("communication"));
        assert_eq!(strip_wrappers("knowledge of sql").as_deref(), Some("sql"));
        assert_eq!(strip_wrappers("skills"), None);
        assert_eq!(strip_wrappers("python"), None);
    }
}
