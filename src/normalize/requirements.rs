//! What the normalize stage says a role asks for: [`RoleRequirements`], the posting's skills
//! resolved to the taxonomy, each with its level and where it came from. The score stage turns
//! them into its own `Role` (see `score::role_build`).

use serde::{Deserialize, Serialize};

use crate::ingest::Requirement;
use crate::taxonomy::SkillId;

/// How skills found in a posting's description are used.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DescriptionSkills {
    /// Only when the posting lists no explicit skills; they then count as required.
    WhenNoExplicit,
    /// Always; skills not listed explicitly count as preferred.
    AsPreferred,
    /// Never.
    Ignore,
}

/// Where a role's skill came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkillOrigin {
    /// Listed in the posting's skills.
    Explicit,
    /// Found in the posting's description text.
    Extracted,
    /// Inferred from the job title's occupation (the posting listed no skills and had little text).
    Inferred,
}

impl SkillOrigin {
    /// `explicit`, `extracted` or `inferred`.
    pub fn as_str(self) -> &'static str {
        match self {
            SkillOrigin::Explicit => "explicit",
            SkillOrigin::Extracted => "extracted",
            SkillOrigin::Inferred => "inferred",
        }
    }

    /// Parses [`SkillOrigin::as_str`] output (anything else is `Explicit`).
    pub fn parse(s: &str) -> SkillOrigin {
        match s {
            "extracted" => SkillOrigin::Extracted,
            "inferred" => SkillOrigin::Inferred,
            _ => SkillOrigin::Explicit,
        }
    }
}

/// One skill a role asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RoleSkill {
    /// Required or preferred.
    pub requirement: Requirement,
    /// The taxonomy skill.
    pub skill: SkillId,
    /// Explicit, extracted or inferred.
    pub origin: SkillOrigin,
}

/// A posting's requirements resolved to the taxonomy: the normalize stage's output per role.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleRequirements {
    /// Posting id.
    pub id: String,
    /// Job title.
    pub title: String,
    /// Employer name.
    pub employer: Option<String>,
    /// Location.
    pub location: Option<String>,
    /// Skills sorted required first, then by skill id; a skill appears once (required wins,
    /// then the first origin of explicit, extracted, inferred).
    pub skills: Vec<RoleSkill>,
}

/// Sorts `skills` required first, then by skill id and origin, and keeps each skill once.
pub(crate) fn resolve(mut skills: Vec<RoleSkill>) -> Vec<RoleSkill> {
    skills.sort();
    let mut seen = std::collections::HashSet::new();
    skills.retain(|s| seen.insert(s.skill));
    skills
}
