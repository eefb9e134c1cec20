//! Sentence context of mentions: optional ("nice to have", "a plus", "not required") and
//! boilerplate (equal-opportunity statements, benefits) sentences.
//!
//! The text is split into sentences at line breaks and at `.`, `!`, `?`, `;` followed by
//! whitespace (so `Node.js` and `4.5` stay whole). A list ("Python, SQL and Tableau") is one
//! sentence, so a cue anywhere in it applies to every item. A cue in a header line (a line
//! ending with `:`) applies to the following lines up to the next header ("Nice to have:" then a
//! bulleted list). Cues are matched ASCII-case-insensitively on word boundaries.

use aho_corasick::{AhoCorasick, MatchKind};

/// Phrases that make the mentions of their sentence optional (preferred, not required).
pub const OPTIONAL_CUES: &[&str] = &[
    "a plus",
    "advantageous",
    "an advantage",
    "are a bonus",
    "as a bonus",
    "beneficial",
    "bonus points",
    "desirable",
    "desired",
    "good to have",
    "ideally",
    "is a bonus",
    "is a plus",
    "nice to have",
    "nice-to-have",
    "no experience",
    "not essential",
    "not mandatory",
    "not necessary",
    "not required",
    "optional",
    "preferable",
    "preferably",
    "preferred",
    "would be great",
    "would be nice",
];

/// Phrases that mark a sentence (or, in a header, a section) as boilerplate whose mentions are
/// not requirements: equal-opportunity statements and benefits.
pub const BOILERPLATE_CUES: &[&str] = &[
    "401(k)",
    "401k",
    "affirmative action",
    "benefits include",
    "employee assistance program",
    "equal employment opportunity",
    "equal opportunity",
    "gender identity",
    "health insurance",
    "national origin",
    "our benefits",
    "paid time off",
    "parental leave",
    "perks",
    "protected veteran",
    "reasonable accommodation",
    "sexual orientation",
    "we offer",
    "what we offer",
    "without regard to",
];

/// Kind of a cue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    Optional,
    Boilerplate,
}

/// Flags of one sentence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Flags {
    /// Mentions in it are optional.
    pub(crate) optional: bool,
    /// Mentions in it are dropped.
    pub(crate) boilerplate: bool,
}

/// The cue automaton.
pub(crate) struct Cues {
    ac: Option<AhoCorasick>,
    kinds: Vec<Cue>,
}

impl Cues {
    /// Builds the automaton over [`OPTIONAL_CUES`] and [`BOILERPLATE_CUES`].
    pub(crate) fn new() -> Cues {
        let mut patterns: Vec<&str> = Vec::new();
        let mut kinds = Vec::new();
        for (list, kind) in [(OPTIONAL_CUES, Cue::Optional), (BOILERPLATE_CUES, Cue::Boilerplate)] {
            for p in list {
                patterns.push(p);
                kinds.push(kind);
            }
        }
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .map_err(|e| tracing::error!("cannot build the cue automaton: {e}"))
            .ok();
        Cues { ac, kinds }
    }

    /// Sentences of `text` as `(start byte, end byte, flags)`, in order, covering the text.
    pub(crate) fn sentences(&self, text: &str) -> Vec<(usize, usize, Flags)> {
        let mut out = split(text);
        let Some(ac) = &self.ac else {
            return out;
        };
        let bytes = text.as_bytes();
        let mut i = 0;
        for m in ac.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            let before_ok = s == 0 || !bytes[s - 1].is_ascii_alphanumeric();
            let after_ok = e == bytes.len() || !bytes[e].is_ascii_alphanumeric();
            if !(before_ok && after_ok) {
                continue;
            }
            while i < out.len() && out[i].1 <= s {
                i += 1;
            }
            let Some(sent) = out.get_mut(i) else { break };
            match self.kinds[m.pattern().as_usize()] {
                Cue::Optional => sent.2.optional = true,
                Cue::Boilerplate => sent.2.boilerplate = true,
            }
        }
        propagate_headers(text, &mut out);
        out
    }
}

/// Splits at line breaks and at sentence punctuation followed by whitespace.
fn split(text: &str) -> Vec<(usize, usize, Flags)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let end = match b {
            b'\n' | b'\r' => true,
            b'.' | b'!' | b'?' | b';' => bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()),
            _ => false,
        };
        if end {
            out.push((start, i + 1, Flags::default()));
            start = i + 1;
        }
    }
    if start < bytes.len() || out.is_empty() {
        out.push((start, bytes.len(), Flags::default()));
    }
    out
}

/// A header line (ending with `:`) passes its flags on to the lines after it, up to the next
/// header.
fn propagate_headers(text: &str, sentences: &mut [(usize, usize, Flags)]) {
    let mut section = Flags::default();
    for s in sentences.iter_mut() {
        let line = text[s.0..s.1].trim();
        if line.ends_with(':') {
            section = s.2;
            continue;
        }
        s.2.optional |= section.optional;
        s.2.boilerplate |= section.boilerplate;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(text: &str) -> Vec<(String, bool, bool)> {
        Cues::new()
            .sentences(text)
            .into_iter()
            .map(|(a, b, f)| (text[a..b].trim().to_string(), f.optional, f.boilerplate))
            .filter(|s| !s.0.is_empty())
            .collect()
    }

    #[test]
    fn cue_lists_are_lowercase() {
        for c in OPTIONAL_CUES.iter().chain(BOILERPLATE_CUES) {
            assert_eq!(c.to_ascii_lowercase(), *c);
        }
    }

    #[test]
    fn splits_sentences_but_not_tokens() {
        let f = flags("Use Node.js and .NET 4.5 daily. Kafka is a plus! Go\nRust");
        assert_eq!(f.len(), 4, "{f:?}");
        assert_eq!(f[0], ("Use Node.js and .NET 4.5 daily.".to_string(), false, false));
        assert_eq!(f[1], ("Kafka is a plus!".to_string(), true, false));
    }

    #[test]
    fn optional_and_boilerplate_cues() {
        let f = flags(
            "Python, SQL and Tableau. Docker is nice to have. Java preferred. We are an Equal Opportunity employer. Surplus funds.",
        );
        let got: Vec<(bool, bool)> = f.iter().map(|s| (s.1, s.2)).collect();
        assert_eq!(got, [(false, false), (true, false), (true, false), (false, true), (false, false)]);
    }

    #[test]
    fn headers_flag_their_sections() {
        let f =
            flags("Requirements:\nPython\nNice to have:\nKubernetes\nTerraform\nWhat we offer:\nGym\nAbout you:\nSQL");
        let by_line: Vec<(&str, bool, bool)> = f.iter().map(|s| (s.0.as_str(), s.1, s.2)).collect();
        assert!(by_line.contains(&("Python", false, false)));
        assert!(by_line.contains(&("Kubernetes", true, false)));
        assert!(by_line.contains(&("Terraform", true, false)));
        assert!(by_line.contains(&("Gym", false, true)));
        assert!(by_line.contains(&("SQL", false, false)));
    }
}
