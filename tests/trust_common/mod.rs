//! Shared helpers of the trust tests (`verify_trust_gaps`, `trust_pull`): real keys from the
//! crypto crates, real JOSE signatures, status lists, OB 3.0 / OB 2.0 documents and a pinned
//! trust folder for one `did:web` issuer. Nothing here edits a signature by hand except the
//! deliberately tampered copies, which must fail.
#![allow(clippy::unwrap_used)] // fixture builders outside #[test] functions unwrap known-good inputs
#![allow(dead_code)]

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;
use ed25519_dalek::Signer as _;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use skillmatch::ingest::{Candidate, IngestOutput, IngestSpec, Roster, ingest};
use skillmatch::verify::keys::PublicKey;
use skillmatch::verify::{Status, TrustStore, VerifiedCredential, VerifyPolicy, verify_all};

pub const ALICE: &str = "alice@example.org";
pub const SALT: &str = "pepper";
pub const DID: &str = "did:web:issuer.example";
pub const ED_VM: &str = "did:web:issuer.example#ed";
pub const P256_VM: &str = "did:web:issuer.example#p256";

/// The issuer's Ed25519 key.
pub fn ed_key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&Sha256::digest(b"skillmatch trust test issuer ed25519").into())
}

/// A key nobody lists.
pub fn rogue_ed_key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&Sha256::digest(b"skillmatch trust test rogue").into())
}

/// The issuer's P-256 key.
pub fn p256_key() -> p256::ecdsa::SigningKey {
    p256::ecdsa::SigningKey::from_slice(&Sha256::digest(b"skillmatch trust test issuer p256")).unwrap()
}

pub fn multikey(k: &ed25519_dalek::SigningKey) -> String {
    PublicKey::Ed25519(k.verifying_key()).to_multikey().unwrap()
}

pub fn p256_jwk() -> Value {
    let point = p256_key().verifying_key().to_sec1_point(false);
    let b = point.as_bytes();
    json!({"kty": "EC", "crv": "P-256", "x": URL_SAFE_NO_PAD.encode(&b[1..33]), "y": URL_SAFE_NO_PAD.encode(&b[33..65])})
}

/// Which key signs a JWS.
pub enum Jose<'a> {
    Ed(&'a ed25519_dalek::SigningKey),
    Es256(&'a p256::ecdsa::SigningKey),
}

pub fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
}

/// A compact JWS over `header.payload`, really signed.
pub fn sign_jws(header: &Value, payload: &Value, signer: Jose<'_>) -> String {
    let input = format!("{}.{}", b64(header), b64(payload));
    let sig: Vec<u8> = match signer {
        Jose::Ed(k) => k.sign(input.as_bytes()).to_bytes().to_vec(),
        Jose::Es256(k) => {
            use p256::ecdsa::signature::Signer as _;
            let s: p256::ecdsa::Signature = k.sign(input.as_bytes());
            s.to_bytes().to_vec()
        }
    };
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

/// Replaces the payload of a compact JWS, keeping the original header and signature (tampering).
pub fn swap_payload(compact: &str, payload: &Value) -> String {
    let parts: Vec<&str> = compact.split('.').collect();
    format!("{}.{}.{}", parts[0], b64(payload), parts[2])
}

pub fn identity(email: &str) -> String {
    format!("sha256${}", hex::encode(Sha256::digest(format!("{email}{SALT}").as_bytes())))
}

/// An unsigned OB 3.0 credential (VC 2.0) by `issuer` for `email`, with status entries
/// `(purpose, list URL, index)`.
pub fn ob3(issuer: &str, email: Option<&str>, from: &str, status: &[(&str, &str, u64)]) -> Value {
    let mut d = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:0b6f4f8e-1a64-4c57-9a55-2f3c8d1e7a10",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example Issuer"},
        "validFrom": from,
        "name": "Rust Basics",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://issuer.example/achievements/rust", "type": ["Achievement"], "name": "Rust Basics",
                "description": "Writes safe systems code.", "criteria": {"narrative": "Passed the exam."},
                "tag": ["systems programming"]
            }
        }
    });
    if let Some(email) = email {
        d["credentialSubject"]["identifier"] = json!([{"type": "IdentityObject", "identityHash": identity(email),
            "identityType": "emailAddress", "hashed": true, "salt": SALT}]);
    }
    if !status.is_empty() {
        d["credentialStatus"] = Value::Array(
            status
                .iter()
                .map(|(purpose, list, index)| {
                    json!({"id": format!("{list}#{index}"), "type": "BitstringStatusListEntry", "statusPurpose": purpose,
                           "statusListCredential": list, "statusListIndex": index.to_string()})
                })
                .collect(),
        );
    }
    d
}

/// An OB 3.0 VC-JWT (VC-JOSE: the payload is the credential) signed EdDSA by the issuer's key.
pub fn ob3_jwt(email: Option<&str>, status: &[(&str, &str, u64)]) -> String {
    let mut payload = ob3(DID, email, "2025-01-01T00:00:00Z", status);
    payload["iss"] = json!(DID);
    sign_jws(&json!({"alg": "EdDSA", "kid": ED_VM, "typ": "vc+jwt"}), &payload, Jose::Ed(&ed_key()))
}

/// `encodedList` with `set` indexes on (GZIP, base64url, multibase `u`).
pub fn encoded_list(set: &[u64]) -> String {
    use std::io::Write as _;
    let mut bits = vec![0u8; 16 * 1024];
    for &i in set {
        bits[(i / 8) as usize] |= 0x80 >> (i % 8);
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&bits).unwrap();
    format!("u{}", URL_SAFE_NO_PAD.encode(gz.finish().unwrap()))
}

/// The payload of a status-list VC-JWT in VC-JOSE form (the payload is the credential).
pub fn status_list_payload(id: &str, purpose: &str, set: &[u64], valid_until: Option<&str>) -> Value {
    let mut p = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": id, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": DID, "iss": DID, "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": format!("{id}#list"), "type": "BitstringStatusList", "statusPurpose": purpose,
                              "encodedList": encoded_list(set)}
    });
    if let Some(u) = valid_until {
        p["validUntil"] = json!(u);
    }
    p
}

/// A status list as a VC-JWT signed EdDSA (`vc+jwt`, VC-JOSE payload).
pub fn status_list_jwt(id: &str, purpose: &str, set: &[u64], valid_until: Option<&str>) -> String {
    sign_jws(
        &json!({"alg": "EdDSA", "kid": ED_VM, "typ": "vc+jwt"}),
        &status_list_payload(id, purpose, set, valid_until),
        Jose::Ed(&ed_key()),
    )
}

/// A status list as a VC 1.1 JWT (`vc` claim, `jti`, `iss`, `nbf`) signed ES256.
pub fn status_list_jwt_vc11(id: &str, purpose: &str, set: &[u64]) -> String {
    let payload = json!({
        "iss": DID, "jti": id, "nbf": 1_704_067_200,
        "vc": {"@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/vc/status-list/2021/v1"],
               "type": ["VerifiableCredential", "StatusList2021Credential"],
               "credentialSubject": {"id": format!("{id}#list"), "type": "StatusList2021", "statusPurpose": purpose,
                                     "encodedList": encoded_list(set).trim_start_matches('u').to_string()}}
    });
    sign_jws(&json!({"alg": "ES256", "kid": P256_VM, "typ": "JWT"}), &payload, Jose::Es256(&p256_key()))
}

/// The issuer's DID document (Ed25519 + P-256 assertion methods).
pub fn did_document() -> Value {
    json!({"@context": ["https://www.w3.org/ns/did/v1"], "id": DID,
           "verificationMethod": [
               {"id": "#ed", "type": "Multikey", "controller": DID, "publicKeyMultibase": multikey(&ed_key())},
               {"id": "#p256", "type": "JsonWebKey2020", "controller": DID, "publicKeyJwk": p256_jwk()}],
           "assertionMethod": [ED_VM, P256_VM]})
}

/// A policy naming the `did:web` issuer and, optionally, more issuers.
pub fn policy(extra_issuers: &[&str]) -> String {
    let mut p = format!("missing = \"fail_closed\"\n\n[[issuer]]\nid = \"{DID}\"\nname = \"Example Issuer\"\n");
    for i in extra_issuers {
        p.push_str(&format!("\n[[issuer]]\nid = \"{i}\"\n"));
    }
    p
}

pub fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(p, text).unwrap();
}

pub fn roster() -> Roster {
    let mut r = Roster::default();
    r.candidates.push(Candidate { id: "c1".into(), emails: vec![ALICE.into()], location: None });
    r.by_id.insert("c1".into(), 0);
    r.by_email.insert(ALICE.into(), 0);
    r
}

pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

/// Writes each (file name, bytes) under `badges/c1/`, ingests and verifies them all; results by
/// file name.
pub fn verify_files(
    files: &[(&str, Vec<u8>)],
    store: &TrustStore,
) -> (IngestOutput, Vec<(String, VerifiedCredential)>) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("badges/c1");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let mut out = ingest(&IngestSpec { badges: vec![tmp.path().join("badges")], ..Default::default() }).unwrap();
    let creds = std::mem::take(&mut out.credentials);
    let mut got: Vec<(String, VerifiedCredential)> =
        verify_all(creds, &roster(), as_of(), &VerifyPolicy::default(), store)
            .into_iter()
            .map(|v| (Path::new(&v.credential.source.path).file_name().unwrap().to_string_lossy().into_owned(), v))
            .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    (out, got)
}

/// The result for one file.
pub fn result<'a>(got: &'a [(String, VerifiedCredential)], name: &str) -> &'a VerifiedCredential {
    &got.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no result for {name}: {got:#?}")).1
}

pub fn assert_statuses(got: &[(String, VerifiedCredential)], want: &[(&str, Status)]) {
    for (name, status) in want {
        let v = result(got, name);
        assert_eq!(v.status, *status, "{name}: {:#?}", v.checks);
    }
}

/// The detail of one check of a result.
pub fn detail<'a>(v: &'a VerifiedCredential, check: &str) -> &'a str {
    &v.checks.iter().find(|c| c.check == check).unwrap_or_else(|| panic!("no {check} check")).detail
}
