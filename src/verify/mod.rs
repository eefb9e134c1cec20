//! Verify: give every credential a status and keep the reason for every outcome.
//!
//! PUBLIC API CONTRACT: [`verify_all`] maps ingested credentials to [`VerifiedCredential`]s
//! in the same order, in parallel, deterministically. Everything is offline: keys, DID
//! documents, status lists and revocation lists come from the [`TrustStore`] (a folder of pinned
//! documents, `[verify] trust` / `--trust`), JSON-LD contexts from the bundled set.
//!
//! # Checks
//! Every credential gets these checks, in this order (each a [`Check`]):
//! 1. `structure` — no reading problems; issuer, achievement name and issue date present.
//! 2. `recipient` — the claiming candidate's roster emails vs the recipient (plain: case-insensitive;
//!    hashed: `hex(sha256|md5(email + salt))`). An unclaimed credential is resolved against the
//!    whole roster and gets a `candidate_id` when exactly one candidate matches. A credential that
//!    names no recipient at all is `malformed`.
//! 3. `issued_date` — not issued (valid from) after the as-of day.
//! 4. `expiry` — not expired before the as-of day (see [`dates`] for the day boundaries).
//! 5. `revocation` — revocation in the record; the issuer's pinned OB 2.0 `RevocationList`; an
//!    OB 2.0 hosted assertion whose pulled copy says revoked or whose URL answered `410 Gone`;
//!    `credentialStatus` status lists (`BitstringStatusListEntry`, `StatusList2021Entry`:
//!    revocation → `revoked`, suspension → `suspended`) read from pinned status-list credentials
//!    whose own signature verifies (a Data Integrity proof, or a VC-JWT's JOSE signature) and
//!    whose validity window covers the as-of day ([`status_list`]).
//! 6. `platform_state` — Credly state (`accepted` passes; `revoked` → revoked; others → unverifiable).
//! 7. `authenticity` — OB 2.0 hosted (identical to the copy `trust pull` fetched from its URL;
//!    without one, per-issuer policy, else `[verify] accept_hosted_offline`),
//!    OB 2.0 signed JWS ([`jose`]), VC-JWT ([`jose`]), Data Integrity proofs `eddsa-rdfc-2022`
//!    and `Ed25519Signature2020` ([`proof`]), platform exports.
//! 8. `issuer_trust` — only with a trust store: the issuer must be known to it (else
//!    `unknown_issuer`).
//! 9. `consistency` — only with a trust store: embedded OB 2.0 BadgeClass / Issuer agree with
//!    the pinned copies, hosted assertions lie in their issuer's hosted scope (`consistency`).
//!
//! Without a trust store (the default) checks 8 and 9 are not run, so no credential is ever
//! `unknown_issuer`; no signing key is trusted either, so signed credentials are at best
//! `unverifiable` (a broken signature is still `invalid_signature`).
//!
//! # Status
//! A credential is `verified` only when **every** check passed. Otherwise each check that did not
//! pass implies a status and the most decisive one wins ([`Status::precedence`]):
//!
//! `malformed` > `invalid_signature` > `unknown_key` > `revoked` > `suspended` >
//! `recipient_mismatch` > `unknown_issuer` > `expired` > `not_yet_valid` > `unverifiable` > `verified`.
//!
//! Why this order: a credential whose bytes cannot be trusted (malformed, bad signature, a key
//! the issuer does not own) says nothing reliable about revocation, recipient or dates, so those
//! come first; then the issuer's own withdrawal (revoked, suspended); then whether it belongs to
//! the candidate; then who issued it; then time; `unverifiable` only when nothing worse is known.
//! A check that could not run (`skip`) implies at least `unverifiable`.
//!
//! The credential's `raw` document is dropped (set to `None`) once verified, to bound memory.

mod authenticity;
mod checks;
mod consistency;
pub mod dates;
pub mod did;
pub mod jose;
pub mod jsonld;
pub mod jws;
pub mod keys;
pub mod proof;
mod recipient;
mod revocation;
pub mod stats;
pub mod status_list;
pub mod trust;
mod types;
pub mod verdict;

pub use recipient::hash_identity;
pub use stats::VerifyStats;
pub use trust::{TrustError, TrustStore};
pub use types::*;

use std::path::PathBuf;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde_json::{Value, json};

use crate::ingest::{Credential, Roster};
use recipient::SaltCache;
use status_list::CheckedLists;

/// Verification policy (from the config's `[verify]` table).
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct VerifyPolicy {
    /// Accept OB 2.0 hosted assertions whose JSON is in the export without fetching them.
    /// Fail-closed default: `false` (they become `unverifiable`). A trust-store issuer entry's
    /// `accept_hosted_offline` overrides it for that issuer.
    pub accept_hosted_offline: bool,
    /// Accept Credly platform exports with `state = accepted` as verified.
    pub accept_platform_exports: bool,
    /// Trust folder (pinned documents and `policy.toml`, see [`trust`]); relative to the config
    /// file. `None`: no trust store (see the module doc for what that means).
    pub trust: Option<PathBuf>,
    /// Most distinct (hash algorithm, salt) pairs for which the whole roster is hashed to resolve
    /// unclaimed hashed credentials in one batch (each costs one hash per roster email). Unclaimed
    /// credentials beyond it are reported as not resolved, with this key named.
    pub max_resolution_salts: usize,
}

/// Default for [`VerifyPolicy::max_resolution_salts`].
pub const DEFAULT_MAX_RESOLUTION_SALTS: usize = 10_000;

impl Default for VerifyPolicy {
    fn default() -> Self {
        VerifyPolicy {
            accept_hosted_offline: false,
            accept_platform_exports: true,
            trust: None,
            max_resolution_salts: DEFAULT_MAX_RESOLUTION_SALTS,
        }
    }
}

impl VerifyPolicy {
    /// Loads the trust store named by `trust` (an unconfigured store when `None`).
    ///
    /// # Errors
    /// [`TrustError`] when the folder cannot be read or holds an invalid document / policy.
    pub fn load_trust(&self) -> Result<TrustStore, TrustError> {
        match &self.trust {
            Some(dir) => TrustStore::load(dir),
            None => Ok(TrustStore::default()),
        }
    }
}

/// Verifies one credential against the roster at the given date.
///
/// For an unclaimed hashed credential this hashes the roster once for its salt; use
/// [`verify_all`] for batches (one table per distinct salt for the whole batch).
pub fn verify_one(
    cred: Credential,
    roster: &Roster,
    as_of: NaiveDate,
    policy: &VerifyPolicy,
    trust: &TrustStore,
) -> VerifiedCredential {
    let mut verifier = Verifier::new(as_of, policy, trust);
    verifier.salts.extend(std::iter::once(&cred), roster);
    verifier.check(cred, roster)
}

/// Verifies all credentials (in parallel with rayon), keeping input order.
pub fn verify_all(
    creds: Vec<Credential>,
    roster: &Roster,
    as_of: NaiveDate,
    policy: &VerifyPolicy,
    trust: &TrustStore,
) -> Vec<VerifiedCredential> {
    Verifier::new(as_of, policy, trust).verify_chunk(creds, roster)
}

/// Verifies credentials chunk by chunk as they are read, with caches that outlive each chunk:
/// the roster hashed per salt (for the first `max_resolution_salts` distinct salts in credential
/// order) and the trust store's status lists, each checked once.
///
/// Chunks given in order verify exactly as [`verify_all`] over their concatenation does; each
/// credential's document is dropped once checked, so a caller that keeps only the verified
/// records holds no parsed badge document.
pub struct Verifier<'a> {
    as_of: NaiveDate,
    policy: &'a VerifyPolicy,
    trust: &'a TrustStore,
    salts: SaltCache,
    lists: CheckedLists,
    /// Whether what no later stage of the run reads is dropped once checked ([`Verifier::lean`]).
    lean: bool,
    /// The check lists given out so far by a lean verifier, each once: credentials whose checks
    /// came out alike share one.
    shared: crate::util::Interner<[Check]>,
}

impl<'a> Verifier<'a> {
    /// A verifier for one run: evaluation date, policy and trust store.
    pub fn new(as_of: NaiveDate, policy: &'a VerifyPolicy, trust: &'a TrustStore) -> Verifier<'a> {
        Verifier {
            as_of,
            policy,
            trust,
            salts: SaltCache::new(policy.max_resolution_salts),
            lists: CheckedLists::new(trust),
            lean: false,
            shared: crate::util::Interner::default(),
        }
    }

    /// The same verifier, keeping only what the nightly run's later stages read: once a
    /// credential is checked, the details of its passed checks are emptied (the run writes only
    /// the details of checks that did not pass) and its recipient identity, compact JWS text and
    /// reading problems are dropped (the `structure` and `recipient` checks have used them).
    /// Statuses, and the details of checks that did not pass, are the full verifier's.
    /// Credentials whose check lists are then alike (most: every check passed, no detail) share
    /// one list. Across half a million credentials this is a few hundred MiB less held until
    /// the reports.
    pub fn lean(mut self) -> Verifier<'a> {
        self.lean = true;
        self
    }

    /// Verifies the next chunk of credentials against `roster` (in parallel, order kept). The
    /// roster must be the same for every chunk.
    pub fn verify_chunk(&mut self, creds: Vec<Credential>, roster: &Roster) -> Vec<VerifiedCredential> {
        self.salts.extend(creds.iter(), roster);
        let this = &*self;
        let mut verified: Vec<VerifiedCredential> = creds.into_par_iter().map(|c| this.check(c, roster)).collect();
        if self.lean {
            for vc in &mut verified {
                self.shared.share(&mut vc.checks);
            }
        }
        verified
    }

    /// Runs every check on `cred` and takes the most decisive status (see the module doc).
    fn check(&self, mut cred: Credential, roster: &Roster) -> VerifiedCredential {
        let (as_of, trust) = (self.as_of, self.trust);
        let structure = checks::structure(&cred);
        let (recipient, resolved) = checks::recipient(&cred, roster, &self.salts);
        if cred.candidate_id.is_none() {
            cred.candidate_id = resolved;
        }
        let mut findings = vec![
            structure,
            recipient,
            checks::issued_date(&cred, as_of),
            checks::expiry(&cred, as_of),
            revocation::check(&cred, trust, &self.lists, as_of),
            checks::platform_state(&cred),
            authenticity::check(&cred, self.policy, trust),
        ];
        if trust.is_configured() {
            findings.push(authenticity::issuer_trust(&cred, trust));
            findings.push(consistency::check(&cred, trust));
        }
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
        let mut checks: Vec<Check> = findings.into_iter().map(|f| f.check).collect();
        cred.raw = None;
        if self.lean {
            lighten(&mut cred, &mut checks);
        }
        VerifiedCredential { credential: cred, status, checks: checks.into() }
    }
}

/// What a [`Verifier::lean`] drops from a checked credential and its checks.
fn lighten(cred: &mut Credential, checks: &mut [Check]) {
    for k in checks.iter_mut().filter(|k| k.outcome == Outcome::Pass) {
        k.detail = String::new();
    }
    cred.recipient = crate::ingest::Recipient::Absent;
    cred.compact = None;
    cred.problems = Vec::new();
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
        "issuer": c.issuer_name.as_deref().or(c.issuer_id.as_deref()),
        "achievement": c.achievement.as_deref(),
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
