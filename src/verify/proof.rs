//! Data Integrity proofs of W3C Verifiable Credentials (OB 3.0, CLR 2.0, status lists):
//! `DataIntegrityProof` with cryptosuite `eddsa-rdfc-2022`, and `Ed25519Signature2020`.
//!
//! Both suites sign `sha256(canonical proof options) ‖ sha256(canonical document)` with Ed25519,
//! where *canonical* is JSON-LD toRdf + RDFC-1.0 ([`super::jsonld`]), the document is the
//! credential without `proof`, and the proof options are the proof without `proofValue` with
//! the document's `@context`. The signature is the multibase base58btc `proofValue`.
//!
//! Every proof of a proof set must verify. A verified document must also pass JSON-LD safe mode
//! ([`super::jsonld::safe`]): data the signature does not cover makes it `malformed`.

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::did::{bind, resolve_for};
pub use super::jsonld::proof_options;
use super::jsonld::{self, JsonLdError};
use super::keys::{Alg, PublicKey};
use super::trust::{TrustStore, id_of, types_of};
use super::verdict::Verdict;

/// The suites this module verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    /// `DataIntegrityProof` / `eddsa-rdfc-2022`.
    EddsaRdfc2022,
    /// `Ed25519Signature2020`.
    Ed25519Signature2020,
}

impl Suite {
    /// Name for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Suite::EddsaRdfc2022 => "eddsa-rdfc-2022",
            Suite::Ed25519Signature2020 => "Ed25519Signature2020",
        }
    }

    /// The suite of a proof object, or why it is not supported.
    pub fn of(proof: &Value) -> Result<Suite, String> {
        let types = types_of(proof);
        if types.contains(&"DataIntegrityProof") {
            return match proof.get("cryptosuite").and_then(Value::as_str) {
                Some("eddsa-rdfc-2022") => Ok(Suite::EddsaRdfc2022),
                Some(cs) => Err(format!("DataIntegrityProof cryptosuite {cs:?} is not supported (eddsa-rdfc-2022)")),
                None => Err("DataIntegrityProof has no cryptosuite".to_string()),
            };
        }
        if types.contains(&"Ed25519Signature2020") {
            return Ok(Suite::Ed25519Signature2020);
        }
        Err(format!("proof type {types:?} is not supported (DataIntegrityProof eddsa-rdfc-2022, Ed25519Signature2020)"))
    }
}

/// The proofs of a document (`proof` as an object or an array).
pub fn proofs(doc: &Value) -> Vec<&Value> {
    match doc.get("proof") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(p) => vec![p],
    }
}

/// The document without its `proof` (what the proofs sign).
pub fn unsecured(doc: &Value) -> Value {
    let mut d = doc.clone();
    if let Some(m) = d.as_object_mut() {
        m.remove("proof");
    }
    d
}

/// The bytes an Ed25519 key signs: `sha256(canonical proof options) ‖ sha256(canonical document)`.
pub fn signing_input(proof_canon: &str, doc_canon: &str) -> [u8; 64] {
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&Sha256::digest(proof_canon.as_bytes()));
    out[32..].copy_from_slice(&Sha256::digest(doc_canon.as_bytes()));
    out
}

fn jsonld_verdict(e: JsonLdError) -> Verdict {
    match e {
        JsonLdError::Refused(_) => Verdict::Unverifiable(e.to_string()),
        _ => Verdict::Malformed(e.to_string()),
    }
}

/// Verifies every Data Integrity proof of `doc` for `issuer` (see the module doc).
///
/// Without a configured trust store a valid signature is reported `Unverifiable`: no key is
/// trusted then, but a broken signature is still `Invalid`.
pub fn verify_document(doc: &Value, issuer: Option<&str>, store: &TrustStore) -> Verdict {
    let list = proofs(doc);
    if list.is_empty() {
        return Verdict::Unverifiable("credential has no proof".into());
    }
    // The unsecured document (without `proof`) is canonicalized once, for every proof, and
    // read in place: it is copied only when its shape has no cached template.
    let mut doc_canon: Option<Result<jsonld::Canonical<'_>, JsonLdError>> = None;
    let mut all_signatures_ok = true;
    let mut verdicts = Vec::with_capacity(list.len());
    for proof in list {
        let (verdict, signature_ok) = verify_one(proof, doc, &mut doc_canon, issuer, store);
        all_signatures_ok &= signature_ok;
        verdicts.push(verdict);
    }
    if all_signatures_ok {
        let safe = match &doc_canon {
            Some(Ok(canon)) => canon.check_safe_mode(jsonld::safe::shape_memo()),
            _ => jsonld::safe::check_coverage_cached(&unsecured(doc), jsonld::safe::shape_memo()),
        };
        if let Err(reason) = safe {
            return Verdict::Malformed(reason);
        }
    }
    Verdict::combine(verdicts)
}

/// Checks one proof of `signed`; the flag says whether its signature verified cryptographically.
fn verify_one<'a>(
    proof: &Value,
    signed: &'a Value,
    doc_canon: &mut Option<Result<jsonld::Canonical<'a>, JsonLdError>>,
    issuer: Option<&str>,
    store: &TrustStore,
) -> (Verdict, bool) {
    if !proof.is_object() {
        return (Verdict::Malformed("proof is not an object".into()), false);
    }
    let suite = match Suite::of(proof) {
        Ok(s) => s,
        Err(reason) => return (Verdict::Unverifiable(reason), false),
    };
    let name = suite.as_str();
    match proof.get("proofPurpose").and_then(Value::as_str) {
        Some("assertionMethod") => {}
        other => return (Verdict::Invalid(format!("{name} proofPurpose {other:?} is not assertionMethod")), false),
    }
    let signature = match proof.get("proofValue").and_then(Value::as_str) {
        Some(v) if v.starts_with('z') => match super::keys::base58btc_decode_exact::<64>(&v[1..]) {
            Some(b) => b,
            None => {
                return (Verdict::Invalid(format!("{name} proofValue is not a 64-byte base58btc signature")), false);
            }
        },
        _ => return (Verdict::Invalid(format!("{name} proofValue is missing or not multibase base58btc (z…)")), false),
    };
    let Some(method) = proof.get("verificationMethod").and_then(|v| v.as_str().or_else(|| id_of(v))) else {
        return (Verdict::Malformed(format!("{name} proof has no verificationMethod")), false);
    };
    let key = match resolve_for(method, issuer, store) {
        Ok(k) => k,
        Err(e) => return (e.into(), false),
    };
    if !matches!(key.key, PublicKey::Ed25519(_)) {
        return (Verdict::Invalid(format!("{name} needs an Ed25519 key; {method} is {}", key.key.kind())), false);
    }
    let doc_c = match doc_canon.get_or_insert_with(|| jsonld::canonicalize_unsecured(signed)) {
        Ok(c) => &c.nquads,
        Err(e) => return (jsonld_verdict(e.clone()), false),
    };
    // The proof options take the document's `@context`, which the signed document shares.
    let proof_c = match jsonld::canonical_proof_options(proof, signed) {
        Ok(c) => c,
        Err(e) => return (jsonld_verdict(e), false),
    };
    let input = signing_input(&proof_c, doc_c);
    if key.key.verify(Alg::EdDsa, &input, &signature).is_err() {
        return (
            Verdict::Invalid(format!(
                "{name} signature by {method} does not verify: the credential or its proof options changed after signing"
            )),
            false,
        );
    }
    if !store.is_configured() {
        return (
            Verdict::Unverifiable(format!(
                "{name} signature by {method} verifies, but no trust store is configured, so no signing key is trusted"
            )),
            true,
        );
    }
    let Some(issuer) = issuer else {
        return (Verdict::Malformed(format!("{name} signature verifies but the credential names no issuer")), true);
    };
    match bind(&key, issuer, store) {
        Ok(how) => (Verdict::Valid(format!("{name} signature verifies; {how}")), true),
        Err(why) => (Verdict::UnknownKey(format!("{name} signature verifies, but {why}")), true),
    }
}
