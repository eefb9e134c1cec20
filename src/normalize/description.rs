//! How skills found in a posting's description are used (`[score] description_skills`; the
//! option is read by normalize, which builds each role's skill list).

use serde::{Deserialize, Serialize};

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
