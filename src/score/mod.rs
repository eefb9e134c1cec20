//! Score: candidate profiles × role requirements → ranked, explained matches.
//!
//! [`config`](mod@config) holds the `[score]` and `[evidence]` tables, [`params`] what they resolve to
//! (with the partial-credit neighbours), [`model`] the inputs (profiles, roles), [`credit`] the credit per skill,
//! [`engine`] ranks both sides (with [`naive`] as its reference), [`explain`](mod@explain)
//! says for one pair which skill earned what credit through which credential, [`routes`] keeps
//! only how each role skill was credited, [`next`] which badges would cover what is missing,
//! [`details`] gathers routes and covers for every ranked pair (the reports only format them),
//! and [`value`] what each badge class moves in the ranking.

pub mod config;
pub mod credit;
pub mod details;
pub mod engine;
pub mod explain;
pub mod model;
pub mod naive;
pub mod next;
pub mod params;
pub mod pathways;
pub mod policy;
mod role_build;
pub mod routes;
pub mod stage;
pub mod value;

pub use config::{Importance, ScoreConfig, ScoreConfigError, ScoreModel};
pub use credit::{
    CreditRoute, CreditVia, Terms, applied_fit_weight, blend, credit_of, fit_weights, score_pair, slot_factors,
    terms_of,
};
pub use details::MatchDetails;
pub use engine::{EngineStats, RankedMatch, ScoreOutput, eligible, score_all, score_all_with, top_roles_of};
pub use explain::{Explanation, SkillCredit, explain};
pub use model::{CandidateProfile, EvidenceItem, HeldSkill, Role, RoleSkill, SkillOrigin, build_profiles};
pub use next::{BadgeClass, Catalog, CoverStep};
pub use params::{Neighbours, ScoreParams};
pub use pathways::{Pathway, PathwayConfig, PathwayProgress, badge_key};
pub use routes::{PairRoutes, PartialCredit};
pub use stage::{ScoreInput, ScoreStats, Scored};
pub use value::CredentialValue;
