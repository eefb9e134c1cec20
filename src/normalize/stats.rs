//! Counts of the normalize stage, as the manifest records them (`stages.normalize`).

use serde::{Deserialize, Serialize};

use super::{Normalized, SkillOrigin};

/// What normalization found: distinct skill strings, how many mapped nowhere, mentions
/// extracted from text, roles built and what they hold.
///
/// Fields are declared in alphabetical order: the manifest's JSON keys stay sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NormalizeStats {
    /// Distinct raw skill strings (badge and posting sides), mapped or not.
    pub distinct_raw_skills: u64,
    /// Distinct raw skill strings that mapped to nothing.
    pub distinct_unmapped: u64,
    /// Skills extracted from posting text (mentions, before deduplication).
    pub extracted_mentions: u64,
    /// Copies of an opening merged into another posting.
    pub postings_merged: u64,
    /// Roles built.
    pub roles: u64,
    /// Roles holding at least one skill inferred from their title or text.
    pub roles_with_inferred_skills: u64,
    /// Roles left with no skill at all.
    pub roles_without_skills: u64,
    /// With `[meaning] posting_text`: distinct sentences embedded and scored (absent otherwise).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub semantic_distinct_sentences: u64,
    /// With `[meaning] posting_text`: sentences of the posting texts read (absent otherwise).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub semantic_sentences: u64,
    /// With `[meaning] skill_names`: distinct skill strings the dictionary left unmapped, looked
    /// up by meaning (absent otherwise; how many the cross-run cache answered is in the
    /// manifest's `run.names_by_meaning`, since it depends on earlier runs).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub semantic_names: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl NormalizeStats {
    /// Counts `normalized` as it is handed to scoring.
    pub fn of(normalized: &Normalized) -> NormalizeStats {
        let roles = &normalized.roles;
        NormalizeStats {
            distinct_raw_skills: normalized.crosswalk.len() as u64,
            distinct_unmapped: normalized.crosswalk.iter().filter(|r| r.mapping.skill.is_none()).count() as u64,
            extracted_mentions: normalized.extracted_mentions,
            postings_merged: normalized.duplicates.len() as u64,
            roles: roles.len() as u64,
            roles_with_inferred_skills: roles
                .iter()
                .filter(|r| r.skills.iter().any(|s| s.origin == SkillOrigin::Inferred))
                .count() as u64,
            roles_without_skills: roles.iter().filter(|r| r.skills.is_empty()).count() as u64,
            semantic_distinct_sentences: normalized.meaning_sentences.1,
            semantic_sentences: normalized.meaning_sentences.0,
            semantic_names: normalized.meaning_names.distinct,
        }
    }
}
