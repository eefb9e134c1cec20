//! Posting sections: headings split a description's text into required, preferred and ignored
//! parts, so skills under "Nice to have" are preferred and skills under "Benefits" or "About us"
//! are not requirements at all.
//!
//! A line is a heading when, with leading bullets and numbering and a trailing `:` removed, it
//! starts with one of the phrases below (ASCII case-insensitive, curly apostrophes read as `'`)
//! and is at most [`MAX_HEADING_CHARS`] characters long, or when it starts with such a phrase
//! followed by `:` (`Requirements: Python, SQL` opens a required section on its own line).
//! Phrases are tried preferred first, then ignored, then required, then neutral, so "Preferred
//! qualifications" is preferred and "About the role" is neutral. A section runs to the next
//! heading; text before the first heading is neutral.
//!
//! What each kind does to a skill extracted from it (`normalize`): under a preferred heading it is
//! preferred; under an ignored heading it is dropped; under a required or neutral heading the
//! default applies (required when the posting lists no skills of its own, else as
//! `[score] description_skills` says), except that a sentence's own optional cue ("Kafka is a
//! plus") still makes it preferred. A required heading thus ends a preceding preferred section.

/// What the text under a heading holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectionKind {
    /// Requirements: extracted skills take the default requirement (required when the posting
    /// lists no skills).
    Required,
    /// Nice-to-haves: extracted skills are preferred.
    Preferred,
    /// Benefits, company boilerplate, application notes: extracted skills are dropped.
    Ignored,
    /// The role itself ("Responsibilities", "About the role"): the default rules apply.
    Neutral,
}

/// Longest heading line, in characters, when the phrase is not followed by `:`.
pub const MAX_HEADING_CHARS: usize = 60;

/// Headings of preferred sections.
pub const PREFERRED_HEADINGS: &[&str] = &[
    "nice to have",
    "nice-to-have",
    "nice to haves",
    "bonus points",
    "bonus",
    "preferred qualifications",
    "preferred skills",
    "preferred experience",
    "preferred",
    "desired qualifications",
    "desired skills",
    "desirable",
    "good to have",
    "pluses",
    "extra credit",
    "it would be great if",
    "even better if",
    "ideally you",
];

/// Headings of sections whose skills are not requirements.
pub const IGNORED_HEADINGS: &[&str] = &[
    "benefits",
    "our benefits",
    "perks",
    "what we offer",
    "we offer",
    "what's in it for you",
    "compensation",
    "salary",
    "pay range",
    "about us",
    "about the company",
    "about the team",
    "company description",
    "who we are",
    "our company",
    "our mission",
    "our values",
    "why join",
    "why work",
    "life at",
    "equal opportunity",
    "equal employment",
    "eeo",
    "diversity",
    "additional information",
    "how to apply",
    "application process",
];

/// Headings of required sections.
pub const REQUIRED_HEADINGS: &[&str] = &[
    "requirements",
    "required qualifications",
    "required skills",
    "required",
    "minimum qualifications",
    "basic qualifications",
    "qualifications",
    "what you'll need",
    "what you will need",
    "what you need",
    "what we're looking for",
    "what we are looking for",
    "what you bring",
    "what you'll bring",
    "you'll bring",
    "you have",
    "you will have",
    "must have",
    "must-have",
    "must haves",
    "skills",
    "experience",
    "who you are",
    "about you",
    "your profile",
    "your skills",
    "education requirements",
    "experience requirements",
];

/// Headings that return to the default rules.
pub const NEUTRAL_HEADINGS: &[&str] = &[
    "responsibilities",
    "key responsibilities",
    "what you'll do",
    "what you will do",
    "the role",
    "about the role",
    "your role",
    "the job",
    "job description",
    "description",
    "overview",
    "day to day",
    "in this role",
];

/// The kind of section a heading line opens, if the line is a heading.
pub fn heading_kind(line: &str) -> Option<SectionKind> {
    let cleaned = clean(line);
    let colon = cleaned.ends_with(':');
    let body = cleaned.trim_end_matches(':').trim();
    if body.is_empty() {
        return None;
    }
    let lists = [
        (PREFERRED_HEADINGS, SectionKind::Preferred),
        (IGNORED_HEADINGS, SectionKind::Ignored),
        (REQUIRED_HEADINGS, SectionKind::Required),
        (NEUTRAL_HEADINGS, SectionKind::Neutral),
    ];
    for (phrases, kind) in lists {
        for phrase in phrases.iter() {
            let Some(rest) = strip_prefix_ci(body, phrase) else {
                continue;
            };
            // The phrase must end on a word boundary.
            if rest.chars().next().is_some_and(char::is_alphanumeric) {
                continue;
            }
            let short = body.chars().count() <= MAX_HEADING_CHARS;
            let inline = rest.trim_start().starts_with(':');
            if (short && (rest.trim().is_empty() || colon || is_heading_tail(rest))) || inline {
                return Some(kind);
            }
        }
    }
    None
}

/// The rest of a short heading after its phrase: `Requirements (must have)`, `Benefits & perks`,
/// `About us at Acme`: a connector then at most four words and no sentence punctuation, so a
/// bullet such as "Experience with Kafka" is not a heading.
fn is_heading_tail(rest: &str) -> bool {
    let rest = rest.trim();
    let lower = rest.to_ascii_lowercase();
    let connector =
        ["(", "&", "+", "-", "\u{2013}", "\u{2014}", "|", "and ", "at ", "for "].iter().any(|c| lower.starts_with(c));
    connector && rest.split_whitespace().count() <= 5 && !rest.contains(['.', '!', '?', ','])
}

fn clean(line: &str) -> String {
    let t = line.trim().trim_start_matches(['-', '*', '•', '·', '#', ' ', '\t']);
    let t = t.trim_start_matches(|c: char| c.is_ascii_digit()).trim_start_matches(['.', ')', ' ']);
    t.replace(['\u{2019}', '\u{2018}'], "'")
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

/// For each line of `text` (split at `\n`), the kind of section it lies in, with the
/// character offset where the line starts. A heading line belongs to the section it opens.
pub fn line_sections(text: &str) -> Vec<(usize, SectionKind)> {
    let mut out = Vec::new();
    let mut current = SectionKind::Neutral;
    let mut offset = 0;
    for line in text.split('\n') {
        if let Some(kind) = heading_kind(line) {
            current = kind;
        }
        out.push((offset, current));
        offset += line.chars().count() + 1;
    }
    out
}

/// The section of the character at `offset`, given [`line_sections`] of its text.
pub fn section_at(lines: &[(usize, SectionKind)], offset: usize) -> SectionKind {
    let i = lines.partition_point(|(start, _)| *start <= offset);
    lines.get(i.wrapping_sub(1)).map_or(SectionKind::Neutral, |(_, k)| *k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_rules() {
        let cases = [
            ("Requirements", Some(SectionKind::Required)),
            ("What you’ll need:", Some(SectionKind::Required)),
            ("  - Nice to have", Some(SectionKind::Preferred)),
            ("Bonus points", Some(SectionKind::Preferred)),
            ("Preferred Qualifications", Some(SectionKind::Preferred)),
            ("Minimum qualifications", Some(SectionKind::Required)),
            ("Benefits & perks", Some(SectionKind::Ignored)),
            ("About us", Some(SectionKind::Ignored)),
            ("About the role", Some(SectionKind::Neutral)),
            ("About you", Some(SectionKind::Required)),
            ("2. Responsibilities", Some(SectionKind::Neutral)),
            ("Requirements: Python, SQL and five years of Go.", Some(SectionKind::Required)),
            ("Experience with Python, SQL and Docker.", None),
            ("Skills we value are listed below.", None),
            ("Experience with Kubernetes", None),
            ("Skills & experience", Some(SectionKind::Required)),
            ("Requirementsengineering", None),
            ("", None),
        ];
        for (line, want) in cases {
            assert_eq!(heading_kind(line), want, "{line:?}");
        }
    }

    #[test]
    fn sections_run_to_the_next_heading() {
        let text = "We build tools.\nRequirements\nPython\nNice to have\nKafka\nBenefits\nPension";
        let lines = line_sections(text);
        let at = |word: &str| section_at(&lines, text[..text.find(word).expect("word")].chars().count());
        assert_eq!(at("tools"), SectionKind::Neutral);
        assert_eq!(at("Python"), SectionKind::Required);
        assert_eq!(at("Kafka"), SectionKind::Preferred);
        assert_eq!(at("Pension"), SectionKind::Ignored);
    }
}
