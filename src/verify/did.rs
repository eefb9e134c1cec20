//! Offline resolution of verification methods to public keys, and the rule that binds a key to
//! a credential's issuer.
//!
//! * `did:key` (Ed25519 `z6Mk…`, P-256 `zDn…`) and `did:jwk` are resolved from the identifier
//!   itself. They certify only themselves: a credential signed with one is bound to its issuer
//!   only when the issuer *is* that DID, and the issuer is trusted only when the trust policy
//!   names that DID (see [`super::trust::TrustStore::policy_names_did`]).
//! * `did:web` (and any other DID method) resolves only from a DID document pinned in the trust
//!   store; there is no network access.
//! * Any other id (an `https://…#key` URL, a JWKS `kid`, an OB 2.0 CryptographicKey URL) resolves
//!   from a pinned verification method / CryptographicKey / JWKS key.
//!
//! A key carried inside a credential (a JOSE `jwk` header, an embedded key object) is never used.

use serde_json::Value;

use super::keys::{PublicKey, b64url_decode};
use super::trust::{Method, TrustStore};
use super::verdict::ResolveError;

/// A public key resolved from a verification method id.
#[derive(Debug, Clone)]
pub struct ResolvedKey {
    /// The key.
    pub key: PublicKey,
    /// The verification method id (absolute).
    pub method: String,
    /// The DID or id that controls the key, when known.
    pub controller: Option<String>,
    /// Whether the key comes from a self-certifying identifier (`did:key`, `did:jwk`).
    pub self_certifying: bool,
}

/// Resolves a verification method id (or JWKS `kid`) to a key, offline.
///
/// # Errors
/// A [`ResolveError`] saying whether something is missing from the store, not listed, or invalid.
pub fn resolve(method: &str, store: &TrustStore) -> Result<ResolvedKey, ResolveError> {
    let method = method.trim();
    if let Some(rest) = method.strip_prefix("did:key:") {
        let (id, fragment) = rest.split_once('#').map_or((rest, None), |(a, b)| (a, Some(b)));
        if fragment.is_some_and(|f| f != id) {
            return Err(ResolveError::Invalid(format!("did:key fragment of {method} does not name its own key")));
        }
        let key = PublicKey::from_multikey(id).map_err(|e| ResolveError::Invalid(format!("{method}: {e}")))?;
        return Ok(ResolvedKey {
            key,
            method: format!("did:key:{id}#{id}"),
            controller: Some(format!("did:key:{id}")),
            self_certifying: true,
        });
    }
    if let Some(rest) = method.strip_prefix("did:jwk:") {
        let (id, fragment) = rest.split_once('#').map_or((rest, None), |(a, b)| (a, Some(b)));
        if fragment.is_some_and(|f| f != "0") {
            return Err(ResolveError::Invalid(format!("did:jwk method {method} must use fragment #0")));
        }
        let bytes = b64url_decode(id).ok_or_else(|| ResolveError::Invalid(format!("{method}: not base64url")))?;
        let jwk: Value = serde_json::from_slice(&bytes)
            .map_err(|e| ResolveError::Invalid(format!("{method}: JWK is not JSON ({e})")))?;
        let key = PublicKey::from_jwk(&jwk).map_err(|e| ResolveError::Invalid(format!("{method}: {e}")))?;
        return Ok(ResolvedKey {
            key,
            method: format!("did:jwk:{id}#0"),
            controller: Some(format!("did:jwk:{id}")),
            self_certifying: true,
        });
    }
    if method.starts_with("did:") {
        let did = method.split('#').next().unwrap_or(method);
        if store.did_document(did).is_none() {
            return Err(ResolveError::Missing(format!("DID document for {did} is not pinned in the trust store")));
        }
        let Some(m) = store.method(method) else {
            return Err(ResolveError::NotListed(format!(
                "verification method {method} is not in the pinned DID document of {did}"
            )));
        };
        return from_method(method, m);
    }
    if let Some(m) = store.method(method) {
        return from_method(method, m);
    }
    if let Some(entry) = store.jwks_keys(method).first() {
        let key = entry.public_key(method).map_err(ResolveError::Invalid)?;
        return Ok(ResolvedKey { key, method: method.to_string(), controller: None, self_certifying: false });
    }
    Err(ResolveError::Missing(format!("key {method} is not pinned in the trust store")))
}

/// [`resolve`] for a credential of `issuer`: a method that cannot be resolved because nothing is
/// pinned for it, while the issuer's own pinned profile / DID document does not list it, is
/// reported as not listed (the issuer's documents are there and say it is not theirs) rather
/// than missing.
///
/// # Errors
/// As [`resolve`].
pub fn resolve_for(method: &str, issuer: Option<&str>, store: &TrustStore) -> Result<ResolvedKey, ResolveError> {
    match resolve(method, store) {
        Err(ResolveError::Missing(m)) => match issuer {
            Some(i)
                if (store.profile(i).is_some() || store.did_document(i).is_some())
                    && !store.issuer_lists_key(i, method) =>
            {
                Err(ResolveError::NotListed(format!("{m}, and issuer {i} does not list {method}")))
            }
            _ => Err(ResolveError::Missing(m)),
        },
        other => other,
    }
}

/// The key described by a pinned verification method / CryptographicKey.
fn from_method(id: &str, m: &Method) -> Result<ResolvedKey, ResolveError> {
    let key = m.public_key(id).map_err(ResolveError::Invalid)?;
    Ok(ResolvedKey { key, method: id.to_string(), controller: m.controller.clone(), self_certifying: false })
}

/// Whether a resolved key may sign for `issuer_id`.
///
/// A key is bound when the issuer's pinned profile / DID document (or its policy entry) lists
/// it, or when it is the issuer's own self-certifying DID (`did:key` / `did:jwk` equal to the
/// issuer id). A key carried in the credential itself never is.
///
/// # Errors
/// The reason the key is not the issuer's (the credential is then `unknown_key`).
pub fn bind(key: &ResolvedKey, issuer_id: &str, store: &TrustStore) -> Result<String, String> {
    if store.issuer_lists_key(issuer_id, &key.method) {
        return Ok(format!("key {} is listed by issuer {issuer_id}", key.method));
    }
    if key.self_certifying && key.controller.as_deref() == Some(issuer_id) {
        return Ok(format!("key {} is the issuer's own {}", key.method, did_method(issuer_id)));
    }
    Err(format!("key {} is not listed by issuer {issuer_id}", key.method))
}

fn did_method(did: &str) -> &'static str {
    if did.starts_with("did:jwk:") { "did:jwk" } else { "did:key" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn did_key_resolves_from_itself() {
        let s = TrustStore::default();
        let k = resolve("did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q", &s).unwrap();
        assert_eq!(
            k.method,
            "did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q#z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q"
        );
        assert!(k.self_certifying);
        assert!(matches!(
            resolve("did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q#other", &s),
            Err(ResolveError::Invalid(_))
        ));
        assert!(bind(&k, "did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q", &s).is_ok());
        assert!(bind(&k, "https://someone.else.example", &s).is_err());
    }

    #[test]
    fn did_jwk_resolves_from_itself() {
        use base64::Engine as _;
        let jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"});
        let id = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(jwk.to_string());
        let k = resolve(&format!("did:jwk:{id}#0"), &TrustStore::default()).unwrap();
        assert_eq!(k.key.kind(), "Ed25519");
        assert_eq!(k.controller, Some(format!("did:jwk:{id}")));
    }

    #[test]
    fn did_web_needs_a_pinned_document() {
        let mut s = TrustStore::empty_configured();
        let vm = "did:web:issuer.example#k1";
        assert!(matches!(resolve(vm, &s), Err(ResolveError::Missing(m)) if m.contains("not pinned")));
        s.add(
            json!({"id": "did:web:issuer.example", "assertionMethod": [{"id": "#k1", "type": "Multikey",
                   "controller": "did:web:issuer.example", "publicKeyMultibase": "z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q"}]}),
            "did.json",
        )
        .unwrap();
        let k = resolve(vm, &s).unwrap();
        assert!(bind(&k, "did:web:issuer.example", &s).is_ok());
        assert!(matches!(resolve("did:web:issuer.example#k2", &s), Err(ResolveError::NotListed(_))));
    }
}
