//! The `revocation` check: revocation stated in the record itself, OB 2.0 `RevocationList`s
//! pinned in the trust store, and `credentialStatus` status lists (revocation and suspension).

use chrono::NaiveDate;
use serde_json::Value;

use super::checks::{Finding, fail, missing, pass};
use super::dates::{is_expired, is_not_yet_valid, show};
use super::status_list::{self, CheckedLists, StatusEntry};
use super::trust::{TrustStore, id_of};
use super::types::{Check, Outcome, Status};
use crate::ingest::{BadgeFormat, Credential, VerificationKind};

const NAME: &str = "revocation";

/// One sub-result of the revocation check.
enum Part {
    Clear(String),
    Hit(Status, String),
    Missing(String),
    Unverifiable(String),
}

/// The `revocation` finding for a credential at the as-of day (`lists`: the store's status lists,
/// checked once per run).
pub(crate) fn check(c: &Credential, store: &TrustStore, lists: &CheckedLists, as_of: NaiveDate) -> Finding {
    if let Some(reason) = &c.revoked_reason {
        return fail(NAME, Status::Revoked, format!("revoked: {reason}"));
    }
    let mut parts = Vec::new();
    if store.is_configured() && c.format == BadgeFormat::Ob2 {
        parts.extend(revocation_list(c, store));
        if c.verification == VerificationKind::Hosted {
            parts.extend(hosted_copy(c, store));
        }
    }
    if let Some(doc) = c.raw.as_deref() {
        for entry in status_list::entries(doc) {
            parts.push(match entry {
                Err(reason) => Part::Hit(Status::Malformed, format!("credentialStatus: {reason}")),
                Ok(e) => status_entry(&e, c.issuer_id.as_deref(), store, lists, as_of),
            });
        }
    }
    if parts.is_empty() {
        return pass(NAME, "no revocation stated in the record, and nothing to look up");
    }
    combine(parts, store)
}

fn combine(parts: Vec<Part>, store: &TrustStore) -> Finding {
    let mut worst: Option<(Status, Outcome)> = None;
    let mut details = Vec::with_capacity(parts.len());
    for p in parts {
        let (status, outcome, detail) = match p {
            Part::Clear(d) => (None, Outcome::Pass, d),
            Part::Hit(s, d) => (Some(s), Outcome::Fail, d),
            Part::Missing(d) => {
                let (outcome, detail) = missing(&d, store);
                (Some(Status::Unverifiable), outcome, detail)
            }
            Part::Unverifiable(d) => (Some(Status::Unverifiable), Outcome::Skip, d),
        };
        details.push(detail);
        if let Some(s) = status {
            let better = worst.is_none_or(|(w, wo)| {
                s.precedence() > w.precedence() || (s == w && outcome == Outcome::Fail && wo == Outcome::Skip)
            });
            if better {
                worst = Some((s, outcome));
            }
        }
    }
    let detail = details.join("; ");
    match worst {
        None => pass(NAME, detail),
        Some((status, outcome)) => {
            Finding { check: Check { check: NAME, outcome, detail, implies: Some(status) }, implies: Some(status) }
        }
    }
}

/// OB 2.0: the issuer profile's `revocationList`, pinned in the store.
fn revocation_list(c: &Credential, store: &TrustStore) -> Option<Part> {
    let issuer = c.issuer_id.as_deref()?;
    let profile = store.profile(issuer)?;
    let url = profile.get("revocationList").and_then(Value::as_str)?;
    let Some(list) = store.revocation_list(url) else {
        return Some(Part::Missing(format!("revocation list {url} of issuer {issuer} is not pinned")));
    };
    let revoked: Vec<&Value> =
        list.get("revokedAssertions").and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
    for r in revoked {
        let (id, reason) = match r {
            Value::String(s) => (Some(s.as_str()), None),
            o => (
                id_of(o).or_else(|| o.get("uid").and_then(Value::as_str)),
                o.get("revocationReason").and_then(Value::as_str),
            ),
        };
        if id == Some(c.credential_id.as_str()) {
            let why = reason.map_or_else(|| "no reason given".to_string(), str::to_string);
            return Some(Part::Hit(Status::Revoked, format!("listed in revocation list {url}: {why}")));
        }
    }
    Some(Part::Clear(format!("not in revocation list {url}")))
}

/// OB 2.0 hosted: what the assertion's URL served when the trust folder was pulled — a
/// revocation (`revoked: true`, or `410 Gone`) or a live copy.
fn hosted_copy(c: &Credential, store: &TrustStore) -> Option<Part> {
    let url = c.credential_id.as_str();
    if let Some(copy) = store.hosted_copy(url) {
        if copy.get("revoked").and_then(Value::as_bool) == Some(true) {
            let why = copy.get("revocationReason").and_then(Value::as_str).unwrap_or("no reason given");
            return Some(Part::Hit(Status::Revoked, format!("its URL {url} serves a revocation: {why}")));
        }
        return Some(Part::Clear(format!("the copy its URL {url} served is not revoked")));
    }
    store.gone(url).map(|when| {
        Part::Hit(
            Status::Revoked,
            format!("its URL {url} answered 410 Gone when fetched ({when}): withdrawn by the issuer"),
        )
    })
}

/// One status-list entry.
fn status_entry(
    e: &StatusEntry,
    issuer: Option<&str>,
    store: &TrustStore,
    lists: &CheckedLists,
    as_of: NaiveDate,
) -> Part {
    let hit_status = match e.purpose.as_str() {
        "revocation" => Status::Revoked,
        "suspension" => Status::Suspended,
        other => return Part::Clear(format!("status purpose {other:?} at {} is informational, not checked", e.list)),
    };
    if !store.is_configured() {
        return Part::Missing(format!("{} status list {} not checked", e.purpose, e.list));
    }
    let Some(checked) = lists.get(&e.list, store) else {
        return Part::Missing(format!("{} status list {} is not pinned in the trust store", e.purpose, e.list));
    };
    let list = match checked {
        Ok(l) => l,
        Err(reason) => return Part::Unverifiable(format!("status list {} cannot be used: {reason}", e.list)),
    };
    if let Some(until) = list.valid_until
        && is_expired(until, as_of)
    {
        return Part::Missing(format!(
            "{} status list {} expired {} (before the as-of day {as_of}); the pinned copy is stale, fetch a current one",
            e.purpose,
            e.list,
            show(until)
        ));
    }
    if let Some(from) = list.valid_from
        && is_not_yet_valid(from, as_of)
    {
        return Part::Unverifiable(format!(
            "{} status list {} is valid only from {}, after the as-of day {as_of}",
            e.purpose,
            e.list,
            show(from)
        ));
    }
    if let Some(list_issuer) = list.issuer.as_deref()
        && Some(list_issuer) != issuer
        && store.issuer_known(list_issuer).is_none()
    {
        return Part::Unverifiable(format!(
            "status list {} is issued by {list_issuer}, neither the credential's issuer nor a trusted issuer",
            e.list
        ));
    }
    if list.purpose != e.purpose {
        return Part::Hit(
            Status::Malformed,
            format!("credentialStatus purpose {:?} does not match the list's purpose {:?}", e.purpose, list.purpose),
        );
    }
    match list.get(e.index) {
        None => Part::Hit(
            Status::Malformed,
            format!("statusListIndex {} is beyond the {} entries of status list {}", e.index, list.len(), e.list),
        ),
        Some(true) => Part::Hit(
            hit_status,
            format!("{} at index {} of status list {}", purpose_word(hit_status), e.index, e.list),
        ),
        Some(false) => Part::Clear(format!("index {} of {} status list {} is clear", e.index, e.purpose, e.list)),
    }
}

fn purpose_word(s: Status) -> &'static str {
    if s == Status::Suspended { "suspended" } else { "revoked" }
}
