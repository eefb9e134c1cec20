//! Score: candidate profiles × role requirements → ranked, explained matches.
//!
//! [`model`] holds the inputs (profiles, roles), [`credit`] defines the credit per skill,
//! [`engine`] ranks both sides (with [`naive`] as its reference), [`explain`](mod@explain)
//! says for one pair which skill earned what credit through which credential.

pub mod credit;
pub mod engine;
pub mod explain;
pub mod model;
pub mod naive;
pub mod next;
pub mod pathways;
pub mod policy;
mod role_build;
pub mod stage;

pub use credit::{CreditVia, Neighbours, credit_of, score_pair, slot_factors};
pub use engine::{EngineStats, RankedMatch, ScoreOutput, ScoreParams, eligible, score_all, score_all_with};
pub use explain::{Explanation, SkillCredit, explain};
pub use model::{CandidateProfile, EvidenceItem, HeldSkill, Role, RoleSkill, SkillOrigin, build_profiles};
pub use next::{BadgeClass, Catalog, CoverStep};
pub use pathways::{Pathway, PathwayConfig, PathwayProgress, badge_key};
pub use stage::{ScoreInput, ScoreStats, Scored};
