//! Compact JWS verification: OB 2.0 signed assertions and VC-JWT / VC-JOSE credentials.
//!
//! Hand-written on purpose (see docs/DECISIONS.md): the format is three base64url parts (split
//! and decoded by [`super::jws`]), and writing it here lets every rule be explicit and tested:
//! * `alg` must be `RS256`, `ES256` or `EdDSA` and fit the key type; `none` and `HS*` are
//!   never accepted (`invalid_signature`); a `crit` header is refused;
//! * keys come only from the trust store or from self-certifying issuer DIDs: a key carried in
//!   the token (`jwk`, `jku`, `x5c`, `x5u` headers) is never used;
//! * OB 2.0: `verification.creator` (or, when absent, the keys the issuer profile lists) must be
//!   a pinned CryptographicKey whose `owner` is the issuer, listed in the issuer's `publicKey`.

use serde_json::Value;

use super::did::{bind, resolve, resolve_for};
use super::jws::{CompactJws, parse};
use super::keys::{Alg, PublicKey};
use super::trust::{TrustStore, absolute_ref, id_of};
use super::verdict::Verdict;

/// Headers that carry a key (or where to fetch one) inside the token: never trusted.
const EMBEDDED_KEY_HEADERS: [&str; 4] = ["jwk", "jku", "x5c", "x5u"];

/// The header's `alg`, refusing `none`, `HS*`, unsupported algorithms and `crit`.
fn alg_of(jws: &CompactJws<'_>) -> Result<Alg, Verdict> {
    if jws.header.get("crit").is_some() {
        return Err(Verdict::Invalid("JWS crit header parameters are not supported; refused".into()));
    }
    let alg = jws.header_str("alg").ok_or_else(|| Verdict::Invalid("JWS header has no alg".into()))?;
    Alg::from_jose(alg).map_err(Verdict::Invalid)
}

/// The key-carrying headers the token has ([`EMBEDDED_KEY_HEADERS`]).
fn embedded_key_headers(jws: &CompactJws<'_>) -> Vec<&'static str> {
    EMBEDDED_KEY_HEADERS.iter().copied().filter(|h| jws.header.get(*h).is_some()).collect()
}

/// Verifies the signature of `jws` with `key` under `alg`.
fn check_signature(jws: &CompactJws<'_>, key: &PublicKey, alg: Alg, key_id: &str) -> Result<(), Verdict> {
    key.verify(alg, jws.signing_input.as_bytes(), &jws.signature)
        .map_err(|why| Verdict::Invalid(format!("JWS signed with {key_id}: {why}")))
}

/// Parses a compact JWS and its algorithm, refusing what can never verify.
fn parse_signed(compact: &str) -> Result<(CompactJws<'_>, Alg), Verdict> {
    let jws = parse(compact).map_err(Verdict::Malformed)?;
    let alg = alg_of(&jws)?;
    Ok((jws, alg))
}

/// Verifies a VC-JWT / VC-JOSE credential signed by `issuer`.
pub fn verify_vc_jwt(compact: &str, issuer: Option<&str>, store: &TrustStore) -> Verdict {
    let (jws, alg) = match parse_signed(compact) {
        Ok(x) => x,
        Err(v) => return v,
    };
    let iss = jws.payload.get("iss").and_then(Value::as_str);
    let Some(issuer) = issuer.or(iss) else {
        return Verdict::Malformed("VC-JWT names no issuer (iss / issuer)".into());
    };
    let key_ref = match jws.header_str("kid") {
        Some(kid) if kid.starts_with('#') => absolute_ref(issuer, kid),
        Some(kid) => kid.to_string(),
        None if issuer.starts_with("did:key:") || issuer.starts_with("did:jwk:") => issuer.to_string(),
        None => {
            let embedded = embedded_key_headers(&jws);
            return Verdict::UnknownKey(if embedded.is_empty() {
                format!("VC-JWT has no kid and issuer {issuer} is not a self-certifying DID: no key to check")
            } else {
                format!(
                    "VC-JWT carries its key only in the {} header; a key inside a credential is never trusted",
                    embedded.join("/")
                )
            });
        }
    };
    let key = match resolve_for(&key_ref, Some(issuer), store) {
        Ok(k) => k,
        Err(e) => return e.into(),
    };
    if let Err(v) = check_signature(&jws, &key.key, alg, &key.method) {
        return v;
    }
    if !store.is_configured() {
        return Verdict::Unverifiable(format!(
            "VC-JWT {} signature by {} verifies, but no trust store is configured, so no signing key is trusted",
            alg.as_str(),
            key.method
        ));
    }
    match bind(&key, issuer, store) {
        Ok(how) => Verdict::Valid(format!("VC-JWT {} signature verifies; {how}", alg.as_str())),
        Err(why) => Verdict::UnknownKey(format!("VC-JWT {} signature verifies, but {why}", alg.as_str())),
    }
}

/// Verifies an OB 2.0 signed assertion (compact JWS) issued by `issuer`.
pub fn verify_ob2(compact: &str, issuer: Option<&str>, store: &TrustStore) -> Verdict {
    let (jws, alg) = match parse_signed(compact) {
        Ok(x) => x,
        Err(v) => return v,
    };
    if alg == Alg::EdDsa {
        return Verdict::Invalid("OB 2.0 signed assertions use RS256 or ES256, not EdDSA".into());
    }
    let Some(issuer) = issuer else {
        return Verdict::Malformed("signed assertion: its BadgeClass names no issuer".into());
    };
    if !store.is_configured() {
        return Verdict::Unverifiable(
            "signed assertion: no trust store is configured, so its key cannot be resolved offline".into(),
        );
    }
    let Some(profile) = store.profile(issuer) else {
        return Verdict::Missing(format!("issuer profile {issuer} is not pinned in the trust store"));
    };
    let creator = jws.payload.pointer("/verification/creator").and_then(Value::as_str);
    let candidates: Vec<String> = match creator {
        Some(c) => vec![c.to_string()],
        None => listed_keys(profile),
    };
    if candidates.is_empty() {
        return Verdict::UnknownKey(format!(
            "signed assertion names no verification.creator and issuer {issuer} lists no publicKey"
        ));
    }
    let mut last = Verdict::UnknownKey("no key".into());
    for key_id in candidates {
        last = verify_ob2_with(&jws, alg, &key_id, issuer, store);
        if matches!(last, Verdict::Valid(_)) {
            return last;
        }
    }
    last
}

fn verify_ob2_with(jws: &CompactJws<'_>, alg: Alg, key_id: &str, issuer: &str, store: &TrustStore) -> Verdict {
    if !store.issuer_lists_key(issuer, key_id) {
        return Verdict::UnknownKey(format!("issuer {issuer} does not list {key_id} in its publicKey"));
    }
    let Some(m) = store.method(key_id) else {
        return Verdict::Missing(format!("CryptographicKey {key_id} is not pinned in the trust store"));
    };
    if m.controller.as_deref() != Some(issuer) {
        return Verdict::UnknownKey(format!(
            "CryptographicKey {key_id} is owned by {}, not by issuer {issuer}",
            m.controller.as_deref().unwrap_or("nobody")
        ));
    }
    let key = match resolve(key_id, store) {
        Ok(k) => k,
        Err(e) => return e.into(),
    };
    if let Err(v) = check_signature(jws, &key.key, alg, key_id) {
        return v;
    }
    Verdict::Valid(format!("{} signature verifies with {key_id}, owned and listed by issuer {issuer}", alg.as_str()))
}

/// Key ids an OB 2.0 profile lists in `publicKey` (strings or objects with an id).
fn listed_keys(profile: &Value) -> Vec<String> {
    let list: Vec<&Value> = match profile.get("publicKey") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    };
    list.into_iter().filter_map(|v| v.as_str().or_else(|| id_of(v))).map(str::to_string).collect()
}
