//! Skill extraction from free posting text.
//!
//! PUBLIC API CONTRACT: [`Extractor::new`] builds once per run from a [`Taxonomy`];
//! [`Extractor::extract`] returns mentions with character offsets into [`html_to_text`]'s output.

use crate::taxonomy::{SkillId, Taxonomy};

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
}

/// Strips HTML tags, decodes common entities and turns block elements into line breaks.
pub fn html_to_text(html: &str) -> String {
    todo!("{html}")
}

/// A matcher over every surface form of a taxonomy (`aho-corasick`, leftmost-longest, word boundaries).
pub struct Extractor {
    _private: (),
}

impl Extractor {
    /// Builds the automaton from the taxonomy's preferred and alternative labels.
    pub fn new(taxonomy: &Taxonomy) -> Extractor {
        todo!("{}", taxonomy.name)
    }

    /// Finds skill mentions in plain text (call [`html_to_text`] first for HTML), in text order.
    pub fn extract(&self, text: &str) -> Vec<Mention> {
        todo!("{text}")
    }
}
