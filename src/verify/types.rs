//! Typed output of the verify stage.

use serde::Serialize;

use crate::ingest::Credential;

/// Verification outcome of one credential. The strings are final and used in every output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every check passed.
    Verified,
    /// Past its expiry date at `--as-of`.
    Expired,
    /// Issued (or valid from) after `--as-of`.
    NotYetValid,
    /// Revoked by the issuer or the platform.
    Revoked,
    /// Suspended through a status list.
    Suspended,
    /// A signature did not verify.
    InvalidSignature,
    /// The signing key is not one the issuer lists.
    UnknownKey,
    /// The recipient is not the candidate who claims it.
    RecipientMismatch,
    /// The issuer is not in the trust store.
    UnknownIssuer,
    /// Could not be checked offline (e.g. a signature suite not yet supported, a pending state).
    Unverifiable,
    /// Structurally broken: required fields missing or of the wrong type.
    Malformed,
}

impl Status {
    /// Every status, in a fixed order (used for config validation and reports).
    pub const ALL: [Status; 11] = [
        Status::Verified,
        Status::Expired,
        Status::NotYetValid,
        Status::Revoked,
        Status::Suspended,
        Status::InvalidSignature,
        Status::UnknownKey,
        Status::RecipientMismatch,
        Status::UnknownIssuer,
        Status::Unverifiable,
        Status::Malformed,
    ];

    /// The exact output string (`verified`, `not_yet_valid`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::Expired => "expired",
            Status::NotYetValid => "not_yet_valid",
            Status::Revoked => "revoked",
            Status::Suspended => "suspended",
            Status::InvalidSignature => "invalid_signature",
            Status::UnknownKey => "unknown_key",
            Status::RecipientMismatch => "recipient_mismatch",
            Status::UnknownIssuer => "unknown_issuer",
            Status::Unverifiable => "unverifiable",
            Status::Malformed => "malformed",
        }
    }

    /// How decisive a status is when several checks fail: the highest wins.
    ///
    /// `malformed` (10) > `invalid_signature` (9) > `unknown_key` (8) > `revoked` (7) >
    /// `suspended` (6) > `recipient_mismatch` (5) > `unknown_issuer` (4) > `expired` (3) >
    /// `not_yet_valid` (2) > `unverifiable` (1) > `verified` (0).
    ///
    /// Rationale (see the `verify` module doc): untrustworthy bytes first (malformed, bad
    /// signature, a key the issuer does not own), then the issuer's withdrawal (revoked,
    /// suspended), then ownership (recipient), then the issuer's standing, then time.
    pub fn precedence(self) -> u8 {
        match self {
            Status::Malformed => 10,
            Status::InvalidSignature => 9,
            Status::UnknownKey => 8,
            Status::Revoked => 7,
            Status::Suspended => 6,
            Status::RecipientMismatch => 5,
            Status::UnknownIssuer => 4,
            Status::Expired => 3,
            Status::NotYetValid => 2,
            Status::Unverifiable => 1,
            Status::Verified => 0,
        }
    }

    /// Parses an output string back into a status.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.iter().copied().find(|st| st.as_str() == s)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The check passed.
    Pass,
    /// The check failed; the credential's status reflects the first decisive failure.
    Fail,
    /// The check did not apply or could not run (the detail says why).
    Skip,
}

impl Outcome {
    /// `pass`, `fail` or `skip`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Skip => "skip",
        }
    }
}

/// One check run on a credential, with the reason for its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Check {
    /// Check name: `structure`, `recipient`, `issued_date`, `expiry`, `revocation`,
    /// `platform_state`, `authenticity`, and with a trust store `issuer_trust`, `consistency`.
    pub check: &'static str,
    /// Pass, fail or skip.
    pub outcome: Outcome,
    /// Why, in words. Empty for a pass when the verifier was [`lean`](super::Verifier::lean)
    /// (the nightly run writes only the details of checks that did not pass).
    pub detail: String,
    /// The status this check implies when it did not pass (`None` for a pass).
    pub implies: Option<Status>,
}

/// A credential with its verification status and the checks behind it. Its `raw` document has
/// been dropped (`None`) to bound memory.
#[derive(Debug, Clone)]
pub struct VerifiedCredential {
    /// The credential as ingested (its `candidate_id` may have been resolved from the roster).
    pub credential: Credential,
    /// Final status.
    pub status: Status,
    /// Every check, in the order run. Shared: a [`lean`](super::Verifier::lean) verifier gives
    /// credentials whose checks came out alike (every pass, with no detail) one list.
    pub checks: std::sync::Arc<[Check]>,
}
