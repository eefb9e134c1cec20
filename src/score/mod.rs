//! Score: candidate profiles × role requirements → ranked, explained matches.
//!
//! [`model`] holds the inputs (profiles, roles), [`engine`] ranks both sides, [`explain`]
//! says for one pair which skill earned what credit through which credential.

pub mod engine;
pub mod explain;
pub mod model;
pub mod next;
pub mod pathways;

pub use engine::{CreditVia, RankedMatch, ScoreOutput, ScoreParams, credit_of, eligible, score_all, score_pair};
pub use explain::{Explanation, SkillCredit, explain};
pub use model::{CandidateProfile, EvidenceItem, HeldSkill, Role, RoleSkill, SkillOrigin, build_profiles};
pub use next::{BadgeClass, Catalog, CoverStep};
pub use pathways::{Pathway, PathwayConfig, PathwayProgress, badge_key};
