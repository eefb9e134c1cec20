//! Verify: give every credential a status and keep the reason for every outcome.
//!
//! PUBLIC API CONTRACT: [`verify_all`] maps ingested credentials to [`VerifiedCredential`]s
//! in the same order, in parallel, deterministically.

mod types;

pub use types::*;

use chrono::NaiveDate;

use crate::ingest::{Credential, Roster};

/// Verification policy (from the config's `[verify]` table).
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct VerifyPolicy {
    /// Accept OB 2.0 hosted assertions whose JSON is in the export without fetching them.
    /// Fail-closed default: `false` (they become `unverifiable`).
    pub accept_hosted_offline: bool,
    /// Accept Credly platform exports with `state = accepted` as verified.
    pub accept_platform_exports: bool,
}

impl Default for VerifyPolicy {
    fn default() -> Self {
        VerifyPolicy { accept_hosted_offline: false, accept_platform_exports: true }
    }
}

/// Verifies one credential against the roster at the given date.
pub fn verify_one(cred: Credential, roster: &Roster, as_of: NaiveDate, policy: &VerifyPolicy) -> VerifiedCredential {
    todo!("{cred:?} {roster:?} {as_of} {policy:?}")
}

/// Verifies all credentials (in parallel with rayon), keeping input order.
pub fn verify_all(creds: Vec<Credential>, roster: &Roster, as_of: NaiveDate, policy: &VerifyPolicy) -> Vec<VerifiedCredential> {
    todo!("{} {roster:?} {as_of} {policy:?}", creds.len())
}
