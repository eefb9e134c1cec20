//! The individual checks. Each returns a [`Finding`]: the [`Check`] written to the outputs and
//! the status it implies when it did not pass.

use chrono::NaiveDate;

use super::dates::{day_after, day_start, is_expired, is_not_yet_valid, show};
use super::recipient::{RecipientResult, SaltCache};
use super::types::{Check, Outcome, Status};
use crate::ingest::{BadgeFormat, Credential, ProblemKind, Roster};

/// A check and the status it implies (`None` for a pass).
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    pub check: Check,
    pub implies: Option<Status>,
}

pub(crate) fn pass(check: &'static str, detail: impl Into<String>) -> Finding {
    Finding { check: Check { check, outcome: Outcome::Pass, detail: detail.into(), implies: None }, implies: None }
}

pub(crate) fn fail(check: &'static str, status: Status, detail: impl Into<String>) -> Finding {
    Finding {
        check: Check { check, outcome: Outcome::Fail, detail: detail.into(), implies: Some(status) },
        implies: Some(status),
    }
}

pub(crate) fn skip(check: &'static str, status: Status, detail: impl Into<String>) -> Finding {
    Finding {
        check: Check { check, outcome: Outcome::Skip, detail: detail.into(), implies: Some(status) },
        implies: Some(status),
    }
}

/// `structure`: no reading problems, and issuer, achievement name and issue date present.
pub(crate) fn structure(c: &Credential) -> Finding {
    let mut issues: Vec<String> = c.problems.iter().map(ToString::to_string).collect();
    if c.issuer_id.is_none() && c.issuer_name.is_none() {
        issues.push("issuer is missing".to_string());
    }
    if c.achievement.is_none() {
        issues.push("achievement name is missing".to_string());
    }
    // An issue date that is there but unreadable is already a problem: not also "missing".
    if c.issued_on.is_none() && !c.problems.iter().any(|p| p.kind == ProblemKind::BadIssueDate) {
        issues.push("issue date is missing".to_string());
    }
    if issues.is_empty() {
        pass("structure", "required fields present (issuer, achievement name, issue date)")
    } else {
        fail("structure", Status::Malformed, issues.join("; "))
    }
}

/// `recipient`: see [`super::recipient::check`]. Returns the candidate resolved for an unclaimed credential.
pub(crate) fn recipient(c: &Credential, roster: &Roster, cache: &SaltCache) -> (Finding, Option<String>) {
    match super::recipient::check(c, roster, cache) {
        RecipientResult::Match { detail, resolved } => (pass("recipient", detail), resolved),
        RecipientResult::Mismatch(detail) => (fail("recipient", Status::RecipientMismatch, detail), None),
        RecipientResult::NoRecipient(detail) => (fail("recipient", Status::Malformed, detail), None),
    }
}

/// `issued_date`: not issued after the as-of day.
pub(crate) fn issued_date(c: &Credential, as_of: NaiveDate) -> Finding {
    match c.issued_on {
        None => skip("issued_date", Status::Malformed, "no issue date to check"),
        Some(d) if is_not_yet_valid(d, as_of) => fail(
            "issued_date",
            Status::NotYetValid,
            format!("issued {}, after the as-of day {as_of} (ends {})", show(d), show(day_after(as_of))),
        ),
        Some(d) => pass("issued_date", format!("issued {}, on or before the as-of day {as_of}", show(d))),
    }
}

/// `expiry`: not expired before the as-of day.
pub(crate) fn expiry(c: &Credential, as_of: NaiveDate) -> Finding {
    match c.expires {
        None => pass("expiry", "no expiry date"),
        Some(d) if is_expired(d, as_of) => fail(
            "expiry",
            Status::Expired,
            format!("expired {}, before the as-of day {as_of} (starts {})", show(d), show(day_start(as_of))),
        ),
        Some(d) => pass("expiry", format!("expires {}, not before the as-of day {as_of}", show(d))),
    }
}

/// `platform_state`: the Credly badge state.
pub(crate) fn platform_state(c: &Credential) -> Finding {
    let state = c.platform_state.as_deref();
    if c.format != BadgeFormat::Credly && state.is_none() {
        return pass("platform_state", "not a platform export (no platform state)");
    }
    match state {
        Some("accepted") => pass("platform_state", "accepted by the earner on the platform"),
        Some("revoked") => fail("platform_state", Status::Revoked, "revoked on the platform (state revoked)"),
        Some("pending") => {
            fail("platform_state", Status::Unverifiable, "not yet accepted by the earner (state pending)")
        }
        Some("rejected") => fail("platform_state", Status::Unverifiable, "declined by the earner (state rejected)"),
        Some(other) => fail("platform_state", Status::Unverifiable, format!("unknown platform state {other:?}")),
        None => skip("platform_state", Status::Unverifiable, "the export states no badge state"),
    }
}

/// The outcome and detail of a document the check needs but the trust store does not pin:
/// a skip without a trust store, else as the store's `missing` policy says (the status implied
/// is always `unverifiable`).
pub(crate) fn missing(detail: &str, store: &super::trust::TrustStore) -> (Outcome, String) {
    use super::trust::Missing;
    if !store.is_configured() {
        return (Outcome::Skip, format!("{detail} (no trust store is configured)"));
    }
    match store.missing() {
        Missing::FailClosed => (Outcome::Fail, format!("{detail} (policy: fail_closed)")),
        Missing::FailOpen => (Outcome::Skip, format!("{detail} (policy: fail_open)")),
    }
}

/// The finding for check `name` from a signature suite's verdict, a missing document under the
/// store's `missing` policy ([`missing`]).
pub(crate) fn from_verdict(
    name: &'static str,
    verdict: super::verdict::Verdict,
    store: &super::trust::TrustStore,
) -> Finding {
    use super::verdict::Verdict;
    let (outcome, implies, detail) = match verdict {
        Verdict::Valid(d) => (Outcome::Pass, None, d),
        Verdict::Malformed(d) => (Outcome::Fail, Some(Status::Malformed), d),
        Verdict::Invalid(d) => (Outcome::Fail, Some(Status::InvalidSignature), d),
        Verdict::UnknownKey(d) => (Outcome::Fail, Some(Status::UnknownKey), d),
        Verdict::Missing(d) => {
            let (outcome, detail) = missing(&d, store);
            (outcome, Some(Status::Unverifiable), detail)
        }
        Verdict::Unverifiable(d) => (Outcome::Skip, Some(Status::Unverifiable), d),
    };
    Finding { check: Check { check: name, outcome, detail, implies }, implies }
}
