//! Verify: give every credential a status and keep the reason for every outcome.
//!
//! PUBLIC API CONTRACT: [`verify_all`] maps ingested credentials to [`VerifiedCredential`]s
//! in the same order, in parallel, deterministically.
//!
//! # Checks
//! Every credential gets these checks, in this order (each a [`Check`]):
//! 1. `structure` — no reading problems; issuer, achievement name and issue date present.
//! 2. `recipient` — the claiming candidate's roster emails vs the recipient (plain: case-insensitive;
//!    hashed: `hex(sha256|md5(email + salt))`). An unclaimed credential is resolved against the
//!    whole roster and gets a `candidate_id` when exactly one candidate matches.
//! 3. `issued_date` — not issued after the as-of day.
//! 4. `expiry` — not expired before the as-of day (see [`dates`] for the day boundaries).
//! 5. `revocation` — no revocation in the record (or in an offline revocation list / notice).
//! 6. `platform_state` — Credly state (`accepted` passes; `revoked` → revoked; others → unverifiable).
//! 7. `authenticity` — hosted / signed / proof / platform export, under the [`VerifyPolicy`].
//!
//! # Status
//! A credential is `verified` only when **every** check passed. Otherwise each check that did not
//! pass implies a status and the most decisive one wins ([`Status::precedence`]):
//!
//! `malformed` > `revoked` > `recipient_mismatch` > `expired` > `not_yet_valid` > `unverifiable` > `verified`.
//!
//! A check that could not run (`skip`) implies at least `unverifiable`.

mod checks;
pub mod dates;
mod recipient;
mod types;

pub use recipient::hash_identity;
pub use types::*;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde_json::{Value, json};

use crate::ingest::{Credential, Roster};
use recipient::SaltCache;

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
///
/// For an unclaimed hashed credential this hashes the roster once for its salt; use
/// [`verify_all`] for batches (one table per distinct salt for the whole batch).
pub fn verify_one(cred: Credential, roster: &Roster, as_of: NaiveDate, policy: &VerifyPolicy) -> VerifiedCredential {
    let cache = SaltCache::build(std::iter::once(&cred), roster);
    verify_with(cred, roster, as_of, policy, &cache)
}

/// Verifies all credentials (in parallel with rayon), keeping input order.
pub fn verify_all(
    creds: Vec<Credential>,
    roster: &Roster,
    as_of: NaiveDate,
    policy: &VerifyPolicy,
) -> Vec<VerifiedCredential> {
    let cache = SaltCache::build(creds.iter(), roster);
    creds.into_par_iter().map(|c| verify_with(c, roster, as_of, policy, &cache)).collect()
}

fn verify_with(
    mut cred: Credential,
    roster: &Roster,
    as_of: NaiveDate,
    policy: &VerifyPolicy,
    cache: &SaltCache,
) -> VerifiedCredential {
    let structure = checks::structure(&cred);
    let (recipient, resolved) = checks::recipient(&cred, roster, cache);
    if cred.candidate_id.is_none() {
        cred.candidate_id = resolved;
    }
    let findings = [
        structure,
        recipient,
        checks::issued_date(&cred, as_of),
        checks::expiry(&cred, as_of),
        checks::revocation(&cred),
        checks::platform_state(&cred),
        checks::authenticity(&cred, policy),
    ];
    let all_pass = findings.iter().all(|f| f.check.outcome == Outcome::Pass);
    let status = if all_pass {
        Status::Verified
    } else {
        findings
            .iter()
            .filter(|f| f.check.outcome != Outcome::Pass)
            .map(|f| f.implies.unwrap_or(Status::Unverifiable))
            .max_by_key(|s| s.precedence())
            .unwrap_or(Status::Unverifiable)
    };
    let checks = findings.into_iter().map(|f| f.check).collect();
    VerifiedCredential { credential: cred, status, checks }
}

/// The JSON object written for one verified credential:
/// `{"source", "format", "credential_id", "issuer", "achievement", "candidate_id", "status",
/// "checks": [{"check", "outcome", "detail"}], "skills": [{"name", "uri"}]}`.
///
/// `source` is `path#position`; `issuer` is the issuer name, else its id. No email or other
/// recipient identity appears.
pub fn to_json(vc: &VerifiedCredential) -> Value {
    let c = &vc.credential;
    json!({
        "source": format!("{}#{}", c.source.path, c.source.position),
        "format": c.format.as_str(),
        "credential_id": c.credential_id,
        "issuer": c.issuer_name.as_ref().or(c.issuer_id.as_ref()),
        "achievement": c.achievement,
        "candidate_id": c.candidate_id,
        "status": vc.status.as_str(),
        "checks": vc.checks.iter().map(|k| json!({
            "check": k.check,
            "outcome": k.outcome.as_str(),
            "detail": k.detail,
        })).collect::<Vec<_>>(),
        "skills": c.skills.iter().map(|s| json!({"name": s.name, "uri": s.uri})).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests;
