//! Which surface forms count as evidence in free text, and the automaton over them.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::taxonomy::{SkillId, Taxonomy};

/// Shortest form (in characters) used for extraction, unless it contains a symbol.
pub const MIN_FORM_CHARS: usize = 3;

/// Single-word labels that ESCO uses for a skill but that are everyday English (or everyday
/// job-posting English) and would be false evidence in free text: "lead", "plan", "data",
/// "design", "less" (the CSS language), "swift", "scratch", "chef" (the tool), "spark" (ESCO's
/// SPARK is the Ada-based language, not Apache Spark)…
///
/// Curated by reading all 1,557 single-token ESCO v1.2.0 surface forms. These forms still work in
/// [`Taxonomy::normalize`]; they are only skipped by the extractor.
pub const GENERIC_FORMS: &[&str] = &[
    "absorb",
    "access",
    "accompany",
    "ada",
    "amuse",
    "ann",
    "argument",
    "assembly",
    "bake",
    "balance",
    "bargain",
    "board",
    "brands",
    "breaking",
    "call",
    "canvas",
    "casting",
    "casts",
    "caveats",
    "chef",
    "chip",
    "chips",
    "choose",
    "clay",
    "clean",
    "climb",
    "coal",
    "collections",
    "colour",
    "computer",
    "conduct",
    "confidence",
    "current",
    "data",
    "debate",
    "decency",
    "decide",
    "delegate",
    "delight",
    "design",
    "detect",
    "did",
    "draw",
    "dust",
    "email",
    "energy",
    "engineering",
    "equipment",
    "experiment",
    "form",
    "frames",
    "fuel",
    "gold",
    "google",
    "guide",
    "hack",
    "hair",
    "hairs",
    "harvest",
    "hearing",
    "honour",
    "hopper",
    "improvise",
    "innovate",
    "integrity",
    "interaction",
    "interview",
    "invent",
    "iron",
    "language",
    "lead",
    "lecture",
    "less",
    "light",
    "lingo",
    "locks",
    "measurement",
    "measuring",
    "moral",
    "morals",
    "noises",
    "outlines",
    "packing",
    "paint",
    "patterns",
    "persist",
    "persuade",
    "plan",
    "pole",
    "political",
    "pow",
    "press",
    "processes",
    "processor",
    "proportion",
    "prose",
    "purchase",
    "rage",
    "recovery",
    "report",
    "reporting",
    "reserve",
    "resistance",
    "rights",
    "salt",
    "scale",
    "schedule",
    "scratch",
    "security",
    "sem",
    "sequel",
    "shade",
    "shiva",
    "shooting",
    "signing",
    "silver",
    "sing",
    "skate",
    "sounds",
    "source",
    "space",
    "standard",
    "stats",
    "stripping",
    "survey",
    "swift",
    "swim",
    "switches",
    "syntax",
    "term",
    "texture",
    "tie",
    "toc",
    "transport",
    "turing",
    "unity",
    "warehouse",
    "warnings",
    "wild",
    "yahoo",
];

/// Single-word O*NET technology names (Technology Skills examples) that are everyday English
/// and would be false evidence in free text: "act", "scheme" ("pension scheme"), "forth" ("and
/// so forth"), "excavator" (the machine), "slack", "zoom", "react"… Curated by reading all 814
/// single-token O*NET 29.2 names that are not ESCO labels. They still map in
/// [`Taxonomy::normalize`]; only the extractor skips them.
pub const GENERIC_TECHNOLOGY_FORMS: &[&str] = &[
    "act",
    "algae",
    "analyze",
    "archon",
    "aspen",
    "aztec",
    "blender",
    "blink",
    "bootstrap",
    "bowtie",
    "cents",
    "clipper",
    "cubic",
    "cyclone",
    "diameter",
    "dig",
    "eiffel",
    "excavator",
    "fear",
    "ferret",
    "flask",
    "forth",
    "gazebo",
    "honeypot",
    "hotspot",
    "hyperspace",
    "iris",
    "jet",
    "julia",
    "kismet",
    "litchi",
    "loom",
    "magic",
    "mastermind",
    "mendel",
    "oberon",
    "paintbrush",
    "parthenon",
    "penultimate",
    "piazza",
    "prince",
    "puff",
    "quicken",
    "react",
    "reduce",
    "route",
    "sand",
    "scheme",
    "seesaw",
    "shiny",
    "slack",
    "splat",
    "square",
    "squeegee",
    "tanks",
    "taproot",
    "travis",
    "velvet",
    "vigilant",
    "zoom",
];

/// Why a surface form is not used as extraction evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// Fewer than [`MIN_FORM_CHARS`] characters and no significant symbol (`r`, `it`, `hr`, `ux`):
    /// too likely to be a word fragment, a pronoun or an initial.
    TooShort,
    /// No letter at all (`4.0`, `73/87`): numbers are not skills.
    NoLetter,
    /// In [`GENERIC_FORMS`].
    Generic,
}

/// Whether (and why) the folded surface form `form` is skipped by the extractor.
pub fn skip_reason(form: &str) -> Option<SkipReason> {
    let has_symbol = form.contains(['#', '+', '.', '/', '&']);
    if form.chars().count() < MIN_FORM_CHARS && !has_symbol {
        Some(SkipReason::TooShort)
    } else if !form.chars().any(char::is_alphabetic) {
        Some(SkipReason::NoLetter)
    } else if GENERIC_FORMS.binary_search(&form).is_ok() {
        Some(SkipReason::Generic)
    } else {
        None
    }
}

/// The automaton over the usable forms, each as `" " + form + " "`, and the skill of each
/// pattern.
pub(crate) struct Matcher {
    /// `None` only if the automaton could not be built (logged).
    pub(crate) automaton: Option<AhoCorasick>,
    pub(crate) skills: Vec<SkillId>,
    /// Per pattern: the confidence of a mention of it (see [`form_confidence`]).
    pub(crate) confidence: Vec<f32>,
}

/// Confidence of a mention found through a preferred label.
pub const PREFERRED_CONFIDENCE: f32 = 1.0;
/// Confidence of a mention found through an alternative label.
pub const ALT_CONFIDENCE: f32 = 0.9;
/// Multiplier for a label several skills share.
pub const AMBIGUOUS_FACTOR: f32 = 0.9;
/// Multiplier for a one-token label of at most 4 characters (`sql`, `aws`, `seo`): acronyms
/// are often other things too.
pub const SHORT_FACTOR: f32 = 0.9;

/// The confidence of a mention of a surface form: [`PREFERRED_CONFIDENCE`] or
/// [`ALT_CONFIDENCE`], times [`AMBIGUOUS_FACTOR`] when ambiguous and [`SHORT_FACTOR`] for one
/// short token.
pub fn form_confidence(text: &str, preferred: bool, ambiguous: bool) -> f32 {
    let mut c = if preferred { PREFERRED_CONFIDENCE } else { ALT_CONFIDENCE };
    if ambiguous {
        c *= AMBIGUOUS_FACTOR;
    }
    if !text.contains(' ') && text.chars().count() <= 4 {
        c *= SHORT_FACTOR;
    }
    c
}

/// Whether the folded technology name `text` contains, on token boundaries, a base-taxonomy
/// surface form the extractor uses ("microsoft sql server" holds "sql server"). Such names are
/// left out of the automaton: leftmost-longest matching would otherwise replace the base
/// taxonomy's mention by the longer technology name, and most such containments are accidental
/// ("coding database software").
fn holds_usable_form(taxonomy: &Taxonomy, text: &str) -> bool {
    let mut tokens: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices(' ').chain([(text.len(), "")]) {
        tokens.push((start, i));
        start = i + 1;
    }
    tokens.iter().enumerate().any(|(i, &(a, _))| {
        tokens[i..].iter().any(|&(_, b)| {
            let sub = &text[a..b];
            taxonomy.surface_form(sub).is_some() && skip_reason(sub).is_none()
        })
    })
}

impl Matcher {
    pub(crate) fn build(taxonomy: &Taxonomy) -> Matcher {
        let mut patterns = Vec::new();
        let mut skills = Vec::new();
        let mut confidence = Vec::new();
        for form in taxonomy.surface_forms() {
            if skip_reason(form.text).is_none() {
                patterns.push(format!(" {} ", form.text));
                skills.push(form.skill);
                confidence.push(form_confidence(form.text, form.preferred, form.ambiguous));
            }
        }
        for (text, skill) in taxonomy.technology_forms() {
            if skip_reason(text).is_none()
                && GENERIC_TECHNOLOGY_FORMS.binary_search(&text).is_err()
                && !holds_usable_form(taxonomy, text)
            {
                patterns.push(format!(" {text} "));
                skills.push(skill);
                confidence.push(form_confidence(text, true, false));
            }
        }
        let built = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&patterns);
        let automaton = match built {
            Ok(ac) => Some(ac),
            Err(e) => {
                tracing::error!("cannot build the skill extraction automaton: {e}");
                None
            }
        };
        Matcher { automaton, skills, confidence }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_forms_are_sorted_folded_and_unique() {
        for list in [GENERIC_FORMS, GENERIC_TECHNOLOGY_FORMS] {
            assert!(list.windows(2).all(|w| w[0] < w[1]));
            for f in list {
                assert_eq!(crate::taxonomy::fold(f), *f);
            }
        }
    }

    #[test]
    fn skip_rules() {
        assert_eq!(skip_reason("r"), Some(SkipReason::TooShort));
        assert_eq!(skip_reason("it"), Some(SkipReason::TooShort));
        assert_eq!(skip_reason("c#"), None);
        assert_eq!(skip_reason("f#"), None);
        assert_eq!(skip_reason("c++"), None);
        assert_eq!(skip_reason("sql"), None);
        assert_eq!(skip_reason("4.0"), Some(SkipReason::NoLetter));
        assert_eq!(skip_reason("lead"), Some(SkipReason::Generic));
        assert_eq!(skip_reason("lead a team"), None);
        assert_eq!(skip_reason("java"), None);
    }
}
