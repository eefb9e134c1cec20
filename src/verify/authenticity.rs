//! The `authenticity` check (is the credential what its issuer signed or hosts?) and the
//! `issuer_trust` check (is the issuer in the trust store?).

use super::checks::{Finding, fail, from_verdict, pass, skip};
use super::trust::TrustStore;
use super::types::Status;
use super::verdict::Verdict;
use super::{VerifyPolicy, jose, proof};
use crate::ingest::{BadgeFormat, Credential, VerificationKind};

const NAME: &str = "authenticity";

/// `authenticity`: hosted / signed / proof / platform export, under `policy` and the trust store.
pub(crate) fn check(c: &Credential, policy: &VerifyPolicy, store: &TrustStore) -> Finding {
    match c.verification {
        VerificationKind::Hosted => hosted(c, policy, store),
        VerificationKind::Signed | VerificationKind::Proof => from_verdict(NAME, signed(c, store), store),
        VerificationKind::PlatformExport if policy.accept_platform_exports => {
            pass(NAME, "platform export accepted by policy")
        }
        VerificationKind::PlatformExport => skip(NAME, Status::Unverifiable, "policy does not accept platform exports"),
        VerificationKind::Unknown => skip(
            NAME,
            Status::Unverifiable,
            match c.format {
                BadgeFormat::Ob3 => "credential has no proof",
                _ => "no verification method stated",
            },
        ),
    }
}

fn hosted(c: &Credential, policy: &VerifyPolicy, store: &TrustStore) -> Finding {
    if let Some(found) = hosted_fetched(c, store) {
        return found;
    }
    let per_issuer = c.issuer_id.as_deref().and_then(|i| store.accept_hosted_offline(i));
    match per_issuer {
        Some(true) => pass(NAME, "hosted assertion accepted offline by the issuer's trust policy (not fetched)"),
        Some(false) => skip(
            NAME,
            Status::Unverifiable,
            "hosted assertion not fetched offline; the issuer's trust policy does not accept hosted-without-fetch",
        ),
        None if policy.accept_hosted_offline => pass(NAME, "hosted assertion accepted offline by policy (not fetched)"),
        None => skip(
            NAME,
            Status::Unverifiable,
            "hosted assertion not fetched offline; policy does not accept hosted-without-fetch",
        ),
    }
}

/// An OB 2.0 hosted assertion against the copy its URL served when the trust folder was pulled
/// (`skillmatch trust pull`): `None` when no copy was fetched.
fn hosted_fetched(c: &Credential, store: &TrustStore) -> Option<Finding> {
    let url = c.credential_id.as_str();
    let Some(copy) = store.hosted_copy(url) else {
        return store.gone(url).map(|when| {
            skip(NAME, Status::Unverifiable, format!("its URL {url} answered 410 Gone when fetched ({when})"))
        });
    };
    if copy.get("revoked").and_then(serde_json::Value::as_bool) == Some(true) {
        return Some(skip(NAME, Status::Unverifiable, format!("its URL {url} serves it as revoked")));
    }
    let Some(raw) = c.raw.as_deref() else {
        return Some(skip(
            NAME,
            Status::Unverifiable,
            "the assertion's own JSON was not kept by ingest; nothing to compare",
        ));
    };
    if raw == &**copy {
        return Some(pass(
            NAME,
            format!("hosted assertion is identical to the copy its URL {url} served (pinned by trust pull)"),
        ));
    }
    let mut keys: Vec<&str> = Vec::new();
    if let (Some(a), Some(b)) = (raw.as_object(), copy.as_object()) {
        keys = a.keys().chain(b.keys()).map(String::as_str).filter(|k| a.get(*k) != b.get(*k)).collect();
        keys.sort_unstable();
        keys.dedup();
    }
    Some(fail(
        NAME,
        Status::InvalidSignature,
        format!(
            "hosted assertion differs from the copy its URL {url} served (fields: {}): the export was altered or is stale",
            if keys.is_empty() { "the whole document".to_string() } else { keys.join(", ") }
        ),
    ))
}

/// The signature verdict of a signed credential: compact JWS (OB 2.0 signed, VC-JWT) or an
/// embedded Data Integrity proof.
fn signed(c: &Credential, store: &TrustStore) -> Verdict {
    let issuer = c.issuer_id.as_deref();
    match (&c.compact, c.format) {
        (Some(compact), BadgeFormat::Ob2) => jose::verify_ob2(compact, issuer, store),
        (Some(compact), _) => jose::verify_vc_jwt(compact, issuer, store),
        (None, BadgeFormat::Ob2) => {
            Verdict::Unverifiable("signed assertion without its JWS text: the signature cannot be checked".into())
        }
        (None, _) => match c.raw.as_deref() {
            Some(doc) => proof::verify_document(doc, issuer, store),
            None => Verdict::Unverifiable("the credential document was not kept by ingest; proof not checked".into()),
        },
    }
}

/// `issuer_trust` (only with a configured trust store): the issuer must be known to the store —
/// named by the policy, or with a pinned profile / DID document. A `did:key` / `did:jwk` issuer
/// is known only when the policy names that DID.
pub(crate) fn issuer_trust(c: &Credential, store: &TrustStore) -> Finding {
    const CHECK: &str = "issuer_trust";
    let Some(issuer) = c.issuer_id.as_deref() else {
        return skip(CHECK, Status::Unverifiable, "the credential states no issuer id to look up");
    };
    let self_certifying = issuer.starts_with("did:key:") || issuer.starts_with("did:jwk:");
    if self_certifying && !store.policy_names_did(issuer) {
        return fail(
            CHECK,
            Status::UnknownIssuer,
            format!("issuer {issuer} is a self-certifying DID that the trust policy does not name"),
        );
    }
    match store.issuer_known(issuer) {
        Some(k) => {
            let name = k.policy.and_then(|p| p.name.as_deref()).map(|n| format!(" ({n})")).unwrap_or_default();
            let how = if k.policy.is_some() { "named by the trust policy" } else { "pinned in the trust store" };
            let weight = store.policy().tiers.get(&k.tier).map(|w| format!(", weight {w}")).unwrap_or_default();
            pass(CHECK, format!("issuer {issuer}{name} is {how}; tier {}{weight}", k.tier))
        }
        None => fail(CHECK, Status::UnknownIssuer, format!("issuer {issuer} is not in the trust store")),
    }
}
