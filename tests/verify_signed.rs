//! Signed credentials made in the test with real keys (Ed25519, P-256, RSA from the crypto
//! crates) and real signatures: Data Integrity eddsa-rdfc-2022 over skillmatch's own
//! canonicalization, VC-JWT (EdDSA, ES256, RS256) and OB 2.0 signed assertions (RS256, ES256).
//! Each valid credential verifies; each tampered copy gets the right status.
#![allow(clippy::unwrap_used)] // fixture builders outside #[test] functions unwrap known-good inputs

use std::path::Path;
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;
use ed25519_dalek::Signer as _;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use skillmatch::ingest::{Candidate, IngestSpec, Roster, ingest};
use skillmatch::verify::keys::PublicKey;
use skillmatch::verify::{Status, TrustStore, VerifiedCredential, VerifyPolicy, jsonld, proof, verify_all};

const ALICE: &str = "alice@example.org";
const SALT: &str = "pepper";
const DID: &str = "did:web:issuer.example";
const ED_VM: &str = "did:web:issuer.example#ed";
const P256_VM: &str = "did:web:issuer.example#p256";
const REV_LIST: &str = "https://issuer.example/status/revocation";
const SUSP_LIST: &str = "https://issuer.example/status/suspension";
const JWT_ISSUER: &str = "https://jwt.example/issuer";
const OB2_ISSUER: &str = "https://ob2.example/issuer";
const OB2_RSA_KEY: &str = "https://ob2.example/keys/rsa";
const OB2_P256_KEY: &str = "https://ob2.example/keys/p256";

// ---------------------------------------------------------------------------------------------
// Keys (real, from the crypto crates).

fn ed_key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&Sha256::digest(b"skillmatch test issuer ed25519").into())
}

/// A key the issuer does not list (an attacker's, or another issuer's).
fn rogue_ed_key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&Sha256::digest(b"someone else").into())
}

fn p256_key() -> p256::ecdsa::SigningKey {
    p256::ecdsa::SigningKey::from_slice(&Sha256::digest(b"skillmatch test issuer p256")).unwrap()
}

fn rsa_key() -> &'static rsa::PrivateKey {
    static KEY: OnceLock<rsa::PrivateKey> = OnceLock::new();
    KEY.get_or_init(<rsa::PrivateKey as rsa::Generate>::generate)
}

fn multikey(k: &ed25519_dalek::SigningKey) -> String {
    PublicKey::Ed25519(k.verifying_key()).to_multikey().unwrap()
}

fn p256_jwk() -> Value {
    let point = p256_key().verifying_key().to_sec1_point(false);
    let b = point.as_bytes();
    json!({"kty": "EC", "crv": "P-256", "x": URL_SAFE_NO_PAD.encode(&b[1..33]), "y": URL_SAFE_NO_PAD.encode(&b[33..65])})
}

fn rsa_jwk(kid: &str) -> Value {
    use rsa::traits::PublicKeyParts as _;
    let public = rsa_key().to_public_key();
    json!({"kty": "RSA", "kid": kid, "alg": "RS256", "n": URL_SAFE_NO_PAD.encode(public.n_bytes()), "e": URL_SAFE_NO_PAD.encode(public.e_bytes())})
}

// ---------------------------------------------------------------------------------------------
// Signing.

/// Signs `doc` with an eddsa-rdfc-2022 DataIntegrityProof over skillmatch's canonicalization.
fn sign_di(mut doc: Value, key: &ed25519_dalek::SigningKey, vm: &str) -> Value {
    let mut p = json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2025-01-01T00:00:00Z",
                       "verificationMethod": vm, "proofPurpose": "assertionMethod"});
    let doc_c = jsonld::canonical_nquads(&doc).unwrap();
    let proof_c = jsonld::canonical_nquads(&proof::proof_options(&p, &doc)).unwrap();
    let sig = key.sign(&proof::signing_input(&proof_c, &doc_c));
    p["proofValue"] = json!(format!("z{}", bs58::encode(sig.to_bytes()).into_string()));
    doc["proof"] = p;
    doc
}

enum Jose<'a> {
    Ed(&'a ed25519_dalek::SigningKey),
    Es256(&'a p256::ecdsa::SigningKey),
    Rs256(&'a rsa::PrivateKey),
}

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
}

fn sign_jws(header: &Value, payload: &Value, signer: Jose<'_>) -> String {
    let input = format!("{}.{}", b64(header), b64(payload));
    let sig: Vec<u8> = match signer {
        Jose::Ed(k) => k.sign(input.as_bytes()).to_bytes().to_vec(),
        Jose::Es256(k) => {
            use p256::ecdsa::signature::Signer as _;
            let s: p256::ecdsa::Signature = k.sign(input.as_bytes());
            s.to_bytes().to_vec()
        }
        Jose::Rs256(k) => {
            use rsa::signature::{SignatureEncoding as _, Signer as _};
            rsa::pkcs1v15::SigningKey::<Sha256>::new(k.clone()).sign(input.as_bytes()).to_vec()
        }
    };
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

/// Replaces the payload of a compact JWS, keeping the original header and signature.
fn swap_payload(compact: &str, payload: &Value) -> String {
    let parts: Vec<&str> = compact.split('.').collect();
    format!("{}.{}.{}", parts[0], b64(payload), parts[2])
}

fn flip_signature_byte(compact: &str) -> String {
    let parts: Vec<&str> = compact.split('.').collect();
    let mut sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    sig[5] ^= 0x01;
    format!("{}.{}.{}", parts[0], parts[1], URL_SAFE_NO_PAD.encode(sig))
}

fn flip_proof_value_byte(mut doc: Value) -> Value {
    let pv = doc["proof"]["proofValue"].as_str().unwrap();
    let mut sig = bs58::decode(&pv[1..]).into_vec().unwrap();
    sig[5] ^= 0x01;
    doc["proof"]["proofValue"] = json!(format!("z{}", bs58::encode(sig).into_string()));
    doc
}

// ---------------------------------------------------------------------------------------------
// Documents.

fn identity(email: &str) -> String {
    format!("sha256${}", hex::encode(Sha256::digest(format!("{email}{SALT}").as_bytes())))
}

/// An unsigned OB 3.0 credential (VC 2.0) by `issuer`, for `email`.
fn ob3(issuer: &str, name: &str, email: &str, from: &str, until: Option<&str>, status: &[(&str, &str, u64)]) -> Value {
    let mut d = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:6c1d3d2e-8d4b-4f5e-9b7a-1f2e3d4c5b6a",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example Issuer"},
        "validFrom": from,
        "name": name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityHash": identity(email), "identityType": "emailAddress",
                            "hashed": true, "salt": SALT}],
            "achievement": {
                "id": "https://issuer.example/achievements/rust", "type": ["Achievement"], "name": name,
                "description": "Writes safe systems code.", "criteria": {"narrative": "Passed the exam."},
                "alignment": [{"type": ["Alignment"], "targetName": "Rust (programming)",
                               "targetUrl": "http://data.europa.eu/esco/skill/rust-test"}],
                "tag": ["systems programming"]
            }
        }
    });
    if let Some(u) = until {
        d["validUntil"] = json!(u);
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

/// A signed BitstringStatusListCredential with `set` indexes on.
fn status_list(id: &str, purpose: &str, set: &[u64]) -> Value {
    use std::io::Write as _;
    let mut bits = vec![0u8; 16 * 1024];
    for &i in set {
        bits[(i / 8) as usize] |= 0x80 >> (i % 8);
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&bits).unwrap();
    let encoded = format!("u{}", URL_SAFE_NO_PAD.encode(gz.finish().unwrap()));
    let doc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": id, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": DID, "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": format!("{id}#list"), "type": "BitstringStatusList", "statusPurpose": purpose,
                              "encodedList": encoded}
    });
    sign_di(doc, &ed_key(), ED_VM)
}

/// The trust folder: the did:web issuer's DID document (Ed25519 + P-256 keys), its two status
/// lists, the JWT issuer's JWKS (RSA), the OB 2.0 issuer's profile, keys, BadgeClass and
/// revocation list, and a policy naming the three issuers.
fn trust() -> (tempfile::TempDir, TrustStore) {
    use p256::pkcs8::EncodePublicKey as _;
    let dir = tempfile::tempdir().unwrap();
    let w =
        |name: &str, v: &Value| std::fs::write(dir.path().join(name), serde_json::to_vec_pretty(v).unwrap()).unwrap();
    w(
        "did-issuer.json",
        &json!({"@context": ["https://www.w3.org/ns/did/v1"], "id": DID,
                "verificationMethod": [
                    {"id": "#ed", "type": "Multikey", "controller": DID, "publicKeyMultibase": multikey(&ed_key())},
                    {"id": "#p256", "type": "JsonWebKey2020", "controller": DID, "publicKeyJwk": p256_jwk()}],
                "assertionMethod": [ED_VM, P256_VM]}),
    );
    w("status-revocation.json", &status_list(REV_LIST, "revocation", &[3]));
    w("status-suspension.json", &status_list(SUSP_LIST, "suspension", &[5]));
    w("jwt-issuer.jwks.json", &json!({"keys": [rsa_jwk("rsa-1")]}));
    let rsa_pem =
        rsa::pkcs8::EncodePublicKey::to_public_key_pem(&rsa_key().to_public_key(), Default::default()).unwrap();
    let p256_pem = p256_key().verifying_key().to_public_key_pem(Default::default()).unwrap();
    w(
        "ob2-issuer.json",
        &json!({"@context": "https://w3id.org/openbadges/v2", "type": "Issuer", "id": OB2_ISSUER, "name": "OB2 Academy",
                "url": "https://ob2.example", "publicKey": [OB2_RSA_KEY, OB2_P256_KEY],
                "revocationList": "https://ob2.example/revocations",
                "verification": {"type": "VerificationObject", "startsWith": "https://ob2.example/assertions/"}}),
    );
    w(
        "ob2-rsa.json",
        &json!({"type": "CryptographicKey", "id": OB2_RSA_KEY, "owner": OB2_ISSUER, "publicKeyPem": rsa_pem}),
    );
    w(
        "ob2-p256.json",
        &json!({"type": "CryptographicKey", "id": OB2_P256_KEY, "owner": OB2_ISSUER, "publicKeyPem": p256_pem}),
    );
    w(
        "ob2-badge.json",
        &json!({"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass", "id": "https://ob2.example/badges/rust",
                "name": "Rust Basics", "issuer": OB2_ISSUER, "description": "d", "criteria": {"narrative": "n"},
                "alignment": [{"targetName": "Rust (programming)", "targetUrl": "http://data.europa.eu/esco/skill/rust-test"}],
                "tags": ["systems programming"]}),
    );
    w(
        "ob2-revocations.json",
        &json!({"@context": "https://w3id.org/openbadges/v2", "type": "RevocationList", "id": "https://ob2.example/revocations",
                "issuer": OB2_ISSUER,
                "revokedAssertions": [{"id": "https://ob2.example/assertions/revoked-1", "revocationReason": "issued in error"}]}),
    );
    let policy = format!(
        "missing = \"fail_closed\"\n\n[[issuer]]\nid = \"{DID}\"\nname = \"Example Issuer\"\ntier = \"accredited\"\n\n\
         [[issuer]]\nid = \"{JWT_ISSUER}\"\njwks = [\"jwt-issuer.jwks.json\"]\n\n[[issuer]]\nid = \"{OB2_ISSUER}\"\n"
    );
    std::fs::write(dir.path().join("policy.toml"), policy).unwrap();
    let store = TrustStore::load(dir.path()).unwrap();
    (dir, store)
}

fn roster() -> Roster {
    let mut r = Roster::default();
    r.candidates.push(Candidate { id: "c1".into(), emails: vec![ALICE.into()], location: None });
    r.by_id.insert("c1".into(), 0);
    r.by_email.insert(ALICE.into(), 0);
    r
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

/// Writes each (file name, content) under `badges/c1/` and verifies them all.
fn verify_files(files: &[(&str, String)], store: &TrustStore) -> Vec<(String, VerifiedCredential)> {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("badges/c1");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let out = ingest(&IngestSpec { badges: vec![tmp.path().join("badges")], ..Default::default() }).unwrap();
    assert!(out.rejects.is_empty(), "{:?}", out.rejects);
    let policy = VerifyPolicy::default();
    let mut got: Vec<(String, VerifiedCredential)> = verify_all(out.credentials, &roster(), as_of(), &policy, store)
        .into_iter()
        .map(|v| (Path::new(&v.credential.source.path).file_name().unwrap().to_string_lossy().into_owned(), v))
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    got
}

fn assert_statuses(got: &[(String, VerifiedCredential)], want: &[(&str, Status)]) {
    for (name, status) in want {
        let (_, v) = got.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no result for {name}"));
        assert_eq!(v.status, *status, "{name}: {:#?}", v.checks);
    }
}

fn text(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Data Integrity (eddsa-rdfc-2022).

#[test]
fn data_integrity_valid_and_tampered() {
    let (_dir, store) = trust();
    let base = || ob3(DID, "Rust Basics", ALICE, "2025-01-01T00:00:00Z", None, &[]);
    let valid = sign_di(base(), &ed_key(), ED_VM);

    let mut renamed = valid.clone();
    renamed["credentialSubject"]["achievement"]["name"] = json!("Rust Expert");
    let mut redirected = valid.clone();
    redirected["credentialSubject"]["identifier"][0]["identityHash"] = json!(identity("mallory@example.org"));
    let mut redated = valid.clone();
    redated["validFrom"] = json!("2024-01-01T00:00:00Z");
    let mut added_skill = valid.clone();
    added_skill["credentialSubject"]["achievement"]["tag"] = json!(["systems programming", "brain surgery"]);

    let files = vec![
        ("valid.json", text(&valid)),
        ("renamed.json", text(&renamed)),
        ("recipient.json", text(&redirected)),
        ("date.json", text(&redated)),
        ("skill.json", text(&added_skill)),
        ("flipped.json", text(&flip_proof_value_byte(valid.clone()))),
        ("rogue-key.json", text(&sign_di(base(), &rogue_ed_key(), &format!("did:key:{}", multikey(&rogue_ed_key()))))),
        ("unlisted-vm.json", text(&sign_di(base(), &rogue_ed_key(), "did:web:issuer.example#not-listed"))),
        (
            "expired.json",
            text(&sign_di(
                ob3(DID, "Rust Basics", ALICE, "2020-01-01T00:00:00Z", Some("2021-01-01T00:00:00Z"), &[]),
                &ed_key(),
                ED_VM,
            )),
        ),
        (
            "future.json",
            text(&sign_di(ob3(DID, "Rust Basics", ALICE, "2027-01-01T00:00:00Z", None, &[]), &ed_key(), ED_VM)),
        ),
        (
            "other-email.json",
            text(&sign_di(
                ob3(DID, "Rust Basics", "bob@example.org", "2025-01-01T00:00:00Z", None, &[]),
                &ed_key(),
                ED_VM,
            )),
        ),
    ];
    let got = verify_files(&files, &store);
    assert_statuses(
        &got,
        &[
            ("valid.json", Status::Verified),
            ("renamed.json", Status::InvalidSignature),
            ("recipient.json", Status::InvalidSignature),
            ("date.json", Status::InvalidSignature),
            ("skill.json", Status::InvalidSignature),
            ("flipped.json", Status::InvalidSignature),
            ("rogue-key.json", Status::UnknownKey),
            ("unlisted-vm.json", Status::UnknownKey),
            ("expired.json", Status::Expired),
            ("future.json", Status::NotYetValid),
            ("other-email.json", Status::RecipientMismatch),
        ],
    );
    let (_, v) = &got[got.iter().position(|(n, _)| n == "valid.json").unwrap()];
    assert_eq!(v.credential.candidate_id.as_deref(), Some("c1"));
    assert!(v.credential.raw.is_none());
    let names: Vec<&str> = v.checks.iter().map(|c| c.check).collect();
    assert_eq!(
        names,
        [
            "structure",
            "recipient",
            "issued_date",
            "expiry",
            "revocation",
            "platform_state",
            "authenticity",
            "issuer_trust",
            "consistency"
        ]
    );
}

#[test]
fn status_lists_revoke_and_suspend() {
    let (_dir, store) = trust();
    let with = |status: &[(&str, &str, u64)]| {
        text(&sign_di(ob3(DID, "Rust Basics", ALICE, "2025-01-01T00:00:00Z", None, status), &ed_key(), ED_VM))
    };
    let files = vec![
        ("clear.json", with(&[("revocation", REV_LIST, 4), ("suspension", SUSP_LIST, 4)])),
        ("revoked.json", with(&[("revocation", REV_LIST, 3)])),
        ("suspended.json", with(&[("suspension", SUSP_LIST, 5)])),
        ("both.json", with(&[("revocation", REV_LIST, 3), ("suspension", SUSP_LIST, 5)])),
        ("missing-list.json", with(&[("revocation", "https://issuer.example/status/unpinned", 1)])),
        ("out-of-range.json", with(&[("revocation", REV_LIST, 1_000_000)])),
        ("wrong-purpose.json", with(&[("suspension", REV_LIST, 3)])),
    ];
    let got = verify_files(&files, &store);
    assert_statuses(
        &got,
        &[
            ("clear.json", Status::Verified),
            ("revoked.json", Status::Revoked),
            ("suspended.json", Status::Suspended),
            ("both.json", Status::Revoked),
            ("missing-list.json", Status::Unverifiable),
            ("out-of-range.json", Status::Malformed),
            ("wrong-purpose.json", Status::Malformed),
        ],
    );
}

#[test]
fn a_status_list_whose_own_proof_fails_is_not_used() {
    let (dir, _) = trust();
    let mut forged = status_list(REV_LIST, "revocation", &[]);
    forged["credentialSubject"]["encodedList"] =
        status_list(REV_LIST, "revocation", &[7])["credentialSubject"]["encodedList"].clone();
    std::fs::write(dir.path().join("status-revocation.json"), text(&forged)).unwrap();
    let store = TrustStore::load(dir.path()).unwrap();
    let doc = sign_di(
        ob3(DID, "Rust Basics", ALICE, "2025-01-01T00:00:00Z", None, &[("revocation", REV_LIST, 7)]),
        &ed_key(),
        ED_VM,
    );
    let got = verify_files(&[("c.json", text(&doc))], &store);
    assert_eq!(got[0].1.status, Status::Unverifiable, "{:#?}", got[0].1.checks);
    let rev = got[0].1.checks.iter().find(|c| c.check == "revocation").unwrap();
    assert!(rev.detail.contains("its own proof does not check out"), "{}", rev.detail);
}

#[test]
fn missing_documents_follow_the_fail_open_or_closed_policy_but_never_verify() {
    use skillmatch::verify::Outcome;
    let (dir, _) = trust();
    let doc = sign_di(
        ob3(
            DID,
            "Rust Basics",
            ALICE,
            "2025-01-01T00:00:00Z",
            None,
            &[("revocation", "https://issuer.example/status/x", 1)],
        ),
        &ed_key(),
        ED_VM,
    );
    for (mode, outcome) in [("fail_closed", Outcome::Fail), ("fail_open", Outcome::Skip)] {
        let policy = std::fs::read_to_string(dir.path().join("policy.toml")).unwrap();
        let policy = policy
            .replace("missing = \"fail_closed\"", &format!("missing = \"{mode}\""))
            .replace("missing = \"fail_open\"", &format!("missing = \"{mode}\""));
        std::fs::write(dir.path().join("policy.toml"), policy).unwrap();
        let store = TrustStore::load(dir.path()).unwrap();
        let got = verify_files(&[("c.json", text(&doc))], &store);
        let v = &got[0].1;
        assert_eq!(v.status, Status::Unverifiable, "{mode}");
        let rev = v.checks.iter().find(|c| c.check == "revocation").unwrap();
        assert_eq!(rev.outcome, outcome, "{mode}: {}", rev.detail);
        assert!(rev.detail.contains(mode), "{}", rev.detail);
    }
}

// ---------------------------------------------------------------------------------------------
// VC-JWT (VC-JOSE, the payload is the credential).

fn vc_payload(
    issuer: &str,
    name: &str,
    email: &str,
    from: &str,
    until: Option<&str>,
    status: &[(&str, &str, u64)],
) -> Value {
    let mut p = ob3(issuer, name, email, from, until, status);
    p["iss"] = json!(issuer);
    p
}

#[test]
fn vc_jwt_eddsa_es256_rs256_valid_and_tampered() {
    let (_dir, store) = trust();
    let base = |issuer: &str| vc_payload(issuer, "Rust Basics", ALICE, "2025-01-01T00:00:00Z", None, &[]);
    let ed = sign_jws(&json!({"alg": "EdDSA", "kid": ED_VM, "typ": "vc+jwt"}), &base(DID), Jose::Ed(&ed_key()));
    let es = sign_jws(&json!({"alg": "ES256", "kid": P256_VM, "typ": "vc+jwt"}), &base(DID), Jose::Es256(&p256_key()));
    let rs =
        sign_jws(&json!({"alg": "RS256", "kid": "rsa-1", "typ": "vc+jwt"}), &base(JWT_ISSUER), Jose::Rs256(rsa_key()));

    let mut renamed = base(DID);
    renamed["credentialSubject"]["achievement"]["name"] = json!("Rust Expert");
    let mut redirected = base(DID);
    redirected["credentialSubject"]["identifier"][0]["identityHash"] = json!(identity("mallory@example.org"));
    let mut redated = base(DID);
    redated["validFrom"] = json!("2024-01-01T00:00:00Z");

    // alg none: unsigned, with an empty signature.
    let none = format!("{}.{}.", b64(&json!({"alg": "none", "kid": ED_VM})), b64(&base(DID)));
    // HS256 "signed" with the public key bytes as the shared secret (the classic confusion attack).
    let hs = format!(
        "{}.{}.{}",
        b64(&json!({"alg": "HS256", "kid": ED_VM})),
        b64(&base(DID)),
        URL_SAFE_NO_PAD.encode([0u8; 32])
    );
    // The algorithm does not fit the key type: an Ed25519 signature presented as ES256.
    let mismatch = {
        let input = format!("{}.{}", b64(&json!({"alg": "ES256", "kid": ED_VM})), b64(&base(DID)));
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(ed_key().sign(input.as_bytes()).to_bytes()))
    };
    // A key carried in the header (jwk) is never trusted, even when it signed correctly.
    let rogue = rogue_ed_key();
    let jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": URL_SAFE_NO_PAD.encode(rogue.verifying_key().as_bytes())});
    let embedded = sign_jws(&json!({"alg": "EdDSA", "jwk": jwk}), &base(DID), Jose::Ed(&rogue));
    // A did:key the issuer does not list.
    let rogue_did = format!("did:key:{}", multikey(&rogue));
    let unlisted = sign_jws(
        &json!({"alg": "EdDSA", "kid": format!("{rogue_did}#{}", multikey(&rogue))}),
        &base(DID),
        Jose::Ed(&rogue),
    );

    let files = vec![
        ("ed.jwt", ed.clone()),
        ("es.jwt", es.clone()),
        ("rs.jwt", rs.clone()),
        ("ed-renamed.jwt", swap_payload(&ed, &renamed)),
        ("es-renamed.jwt", swap_payload(&es, &renamed)),
        (
            "rs-renamed.jwt",
            swap_payload(&rs, &{
                let mut r = base(JWT_ISSUER);
                r["credentialSubject"]["achievement"]["name"] = json!("Rust Expert");
                r
            }),
        ),
        ("ed-recipient.jwt", swap_payload(&ed, &redirected)),
        ("ed-date.jwt", swap_payload(&ed, &redated)),
        ("ed-flipped.jwt", flip_signature_byte(&ed)),
        ("es-flipped.jwt", flip_signature_byte(&es)),
        ("rs-flipped.jwt", flip_signature_byte(&rs)),
        ("none.jwt", none),
        ("hs256.jwt", hs),
        ("mismatch.jwt", mismatch),
        ("embedded-jwk.jwt", embedded),
        ("unlisted.jwt", unlisted),
        (
            "revoked.jwt",
            sign_jws(
                &json!({"alg": "EdDSA", "kid": ED_VM}),
                &vc_payload(DID, "Rust Basics", ALICE, "2025-01-01T00:00:00Z", None, &[("revocation", REV_LIST, 3)]),
                Jose::Ed(&ed_key()),
            ),
        ),
        (
            "suspended.jwt",
            sign_jws(
                &json!({"alg": "ES256", "kid": P256_VM}),
                &vc_payload(DID, "Rust Basics", ALICE, "2025-01-01T00:00:00Z", None, &[("suspension", SUSP_LIST, 5)]),
                Jose::Es256(&p256_key()),
            ),
        ),
        (
            "expired.jwt",
            sign_jws(
                &json!({"alg": "RS256", "kid": "rsa-1"}),
                &vc_payload(
                    JWT_ISSUER,
                    "Rust Basics",
                    ALICE,
                    "2020-01-01T00:00:00Z",
                    Some("2021-01-01T00:00:00Z"),
                    &[],
                ),
                Jose::Rs256(rsa_key()),
            ),
        ),
        (
            "future.jwt",
            sign_jws(
                &json!({"alg": "EdDSA", "kid": ED_VM}),
                &vc_payload(DID, "Rust Basics", ALICE, "2027-01-01T00:00:00Z", None, &[]),
                Jose::Ed(&ed_key()),
            ),
        ),
        (
            "other-email.jwt",
            sign_jws(
                &json!({"alg": "EdDSA", "kid": ED_VM}),
                &vc_payload(DID, "Rust Basics", "bob@example.org", "2025-01-01T00:00:00Z", None, &[]),
                Jose::Ed(&ed_key()),
            ),
        ),
    ];
    let got = verify_files(&files, &store);
    assert_statuses(
        &got,
        &[
            ("ed.jwt", Status::Verified),
            ("es.jwt", Status::Verified),
            ("rs.jwt", Status::Verified),
            ("ed-renamed.jwt", Status::InvalidSignature),
            ("es-renamed.jwt", Status::InvalidSignature),
            ("rs-renamed.jwt", Status::InvalidSignature),
            ("ed-recipient.jwt", Status::InvalidSignature),
            ("ed-date.jwt", Status::InvalidSignature),
            ("ed-flipped.jwt", Status::InvalidSignature),
            ("es-flipped.jwt", Status::InvalidSignature),
            ("rs-flipped.jwt", Status::InvalidSignature),
            ("none.jwt", Status::InvalidSignature),
            ("hs256.jwt", Status::InvalidSignature),
            ("mismatch.jwt", Status::InvalidSignature),
            ("embedded-jwk.jwt", Status::UnknownKey),
            ("unlisted.jwt", Status::UnknownKey),
            ("revoked.jwt", Status::Revoked),
            ("suspended.jwt", Status::Suspended),
            ("expired.jwt", Status::Expired),
            ("future.jwt", Status::NotYetValid),
            ("other-email.jwt", Status::RecipientMismatch),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// OB 2.0 signed assertions (JWS) and hosted assertions.

fn ob2_assertion(
    id: &str,
    email: &str,
    issued: &str,
    expires: Option<&str>,
    creator: Option<&str>,
    badge_name: &str,
    tags: &[&str],
) -> Value {
    let mut a = json!({
        "@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": id,
        "recipient": {"type": "email", "hashed": true, "salt": SALT, "identity": identity(email)},
        "issuedOn": issued,
        "verification": {"type": "signed"},
        "badge": {"type": "BadgeClass", "id": "https://ob2.example/badges/rust", "name": badge_name, "issuer": OB2_ISSUER,
                  "description": "d", "criteria": {"narrative": "n"},
                  "alignment": [{"targetName": "Rust (programming)", "targetUrl": "http://data.europa.eu/esco/skill/rust-test"}],
                  "tags": tags}
    });
    if let Some(c) = creator {
        a["verification"]["creator"] = json!(c);
    }
    if let Some(e) = expires {
        a["expires"] = json!(e);
    }
    a
}

#[test]
fn ob2_signed_assertions_rs256_es256() {
    let (dir, store) = trust();
    let good = |id: &str| {
        ob2_assertion(
            id,
            ALICE,
            "2025-01-01T00:00:00Z",
            None,
            Some(OB2_RSA_KEY),
            "Rust Basics",
            &["systems programming"],
        )
    };
    let rs = sign_jws(&json!({"alg": "RS256"}), &good("https://ob2.example/assertions/1"), Jose::Rs256(rsa_key()));
    let es_payload = ob2_assertion(
        "https://ob2.example/assertions/2",
        ALICE,
        "2025-01-01T00:00:00Z",
        None,
        Some(OB2_P256_KEY),
        "Rust Basics",
        &["systems programming"],
    );
    let es = sign_jws(&json!({"alg": "ES256"}), &es_payload, Jose::Es256(&p256_key()));
    // No creator: the keys the issuer profile lists are tried.
    let no_creator = sign_jws(
        &json!({"alg": "ES256"}),
        &ob2_assertion(
            "https://ob2.example/assertions/3",
            ALICE,
            "2025-01-01T00:00:00Z",
            None,
            None,
            "Rust Basics",
            &["systems programming"],
        ),
        Jose::Es256(&p256_key()),
    );
    let mut renamed = good("https://ob2.example/assertions/1");
    renamed["badge"]["name"] = json!("Rust Expert");
    let mut redirected = good("https://ob2.example/assertions/1");
    redirected["recipient"]["identity"] = json!(identity("mallory@example.org"));
    let mut redated = good("https://ob2.example/assertions/1");
    redated["issuedOn"] = json!("2024-01-01T00:00:00Z");
    // Signed (validly) with a key the issuer does not list: an unpinned CryptographicKey.
    let unpinned = sign_jws(
        &json!({"alg": "ES256"}),
        &ob2_assertion(
            "https://ob2.example/assertions/4",
            ALICE,
            "2025-01-01T00:00:00Z",
            None,
            Some("https://evil.example/key"),
            "Rust Basics",
            &["systems programming"],
        ),
        Jose::Es256(&p256_key()),
    );
    // The issuer's RSA key named, but signed by the P-256 key with alg RS256 → wrong key/alg.
    let wrong = sign_jws(&json!({"alg": "ES256"}), &good("https://ob2.example/assertions/5"), Jose::Es256(&p256_key()));
    let files = vec![
        ("rs.jws", rs.clone()),
        ("es.jws", es),
        ("no-creator.jws", no_creator),
        ("renamed.jws", swap_payload(&rs, &renamed)),
        ("recipient.jws", swap_payload(&rs, &redirected)),
        ("date.jws", swap_payload(&rs, &redated)),
        ("flipped.jws", flip_signature_byte(&rs)),
        ("none.jws", format!("{}.{}.", b64(&json!({"alg": "none"})), b64(&good("https://ob2.example/assertions/1")))),
        ("unpinned-key.jws", unpinned),
        ("alg-does-not-fit.jws", wrong),
        (
            "revoked.jws",
            sign_jws(
                &json!({"alg": "RS256"}),
                &good("https://ob2.example/assertions/revoked-1"),
                Jose::Rs256(rsa_key()),
            ),
        ),
        (
            "expired.jws",
            sign_jws(
                &json!({"alg": "RS256"}),
                &ob2_assertion(
                    "https://ob2.example/assertions/6",
                    ALICE,
                    "2020-01-01T00:00:00Z",
                    Some("2021-01-01T00:00:00Z"),
                    Some(OB2_RSA_KEY),
                    "Rust Basics",
                    &["systems programming"],
                ),
                Jose::Rs256(rsa_key()),
            ),
        ),
        (
            "future.jws",
            sign_jws(
                &json!({"alg": "RS256"}),
                &ob2_assertion(
                    "https://ob2.example/assertions/7",
                    ALICE,
                    "2027-01-01T00:00:00Z",
                    None,
                    Some(OB2_RSA_KEY),
                    "Rust Basics",
                    &["systems programming"],
                ),
                Jose::Rs256(rsa_key()),
            ),
        ),
        (
            "other-email.jws",
            sign_jws(
                &json!({"alg": "RS256"}),
                &ob2_assertion(
                    "https://ob2.example/assertions/8",
                    "bob@example.org",
                    "2025-01-01T00:00:00Z",
                    None,
                    Some(OB2_RSA_KEY),
                    "Rust Basics",
                    &["systems programming"],
                ),
                Jose::Rs256(rsa_key()),
            ),
        ),
        (
            // Validly signed, but its embedded BadgeClass adds a skill the pinned BadgeClass lacks.
            "contradicts-pinned.jws",
            sign_jws(
                &json!({"alg": "RS256"}),
                &ob2_assertion(
                    "https://ob2.example/assertions/9",
                    ALICE,
                    "2025-01-01T00:00:00Z",
                    None,
                    Some(OB2_RSA_KEY),
                    "Rust Basics",
                    &["systems programming", "brain surgery"],
                ),
                Jose::Rs256(rsa_key()),
            ),
        ),
    ];
    let got = verify_files(&files, &store);
    assert_statuses(
        &got,
        &[
            ("rs.jws", Status::Verified),
            ("es.jws", Status::Verified),
            ("no-creator.jws", Status::Verified),
            // The renamed copy also contradicts the pinned BadgeClass: malformed outranks
            // invalid_signature (both checks fail; see below without the pinned copy).
            ("renamed.jws", Status::Malformed),
            ("recipient.jws", Status::InvalidSignature),
            ("date.jws", Status::InvalidSignature),
            ("flipped.jws", Status::InvalidSignature),
            ("none.jws", Status::InvalidSignature),
            ("unpinned-key.jws", Status::UnknownKey),
            ("alg-does-not-fit.jws", Status::InvalidSignature),
            ("revoked.jws", Status::Revoked),
            ("expired.jws", Status::Expired),
            ("future.jws", Status::NotYetValid),
            ("other-email.jws", Status::RecipientMismatch),
            ("contradicts-pinned.jws", Status::Malformed),
        ],
    );
    let renamed_result = &got.iter().find(|(n, _)| n == "renamed.jws").unwrap().1;
    let auth = renamed_result.checks.iter().find(|c| c.check == "authenticity").unwrap();
    assert!(auth.detail.contains("does not verify"), "{}", auth.detail);

    // Without a pinned BadgeClass the renamed copy is simply invalid_signature.
    std::fs::remove_file(dir.path().join("ob2-badge.json")).unwrap();
    let store = TrustStore::load(dir.path()).unwrap();
    let got = verify_files(&[("renamed.jws", swap_payload(&rs, &renamed)), ("rs.jws", rs.clone())], &store);
    assert_statuses(&got, &[("renamed.jws", Status::InvalidSignature), ("rs.jws", Status::Verified)]);
}

#[test]
fn ob2_key_ownership_rules() {
    let (dir, _) = trust();
    // A pinned key owned by someone else, and one the issuer profile does not list.
    let w = |name: &str, v: &Value| std::fs::write(dir.path().join(name), text(v)).unwrap();
    let pem = {
        use p256::pkcs8::EncodePublicKey as _;
        p256_key().verifying_key().to_public_key_pem(Default::default()).unwrap()
    };
    w(
        "other-owner.json",
        &json!({"type": "CryptographicKey", "id": "https://ob2.example/keys/other", "owner": "https://someone.else", "publicKeyPem": pem}),
    );
    // The profile lists the other-owner key, so the owner check is what refuses it.
    let profile_path = dir.path().join("ob2-issuer.json");
    let mut profile: Value = serde_json::from_str(&std::fs::read_to_string(&profile_path).unwrap()).unwrap();
    profile["publicKey"].as_array_mut().unwrap().push(json!("https://ob2.example/keys/other"));
    w("ob2-issuer.json", &profile);
    w(
        "unlisted.json",
        &json!({"type": "CryptographicKey", "id": "https://ob2.example/keys/unlisted", "owner": OB2_ISSUER, "publicKeyPem": pem}),
    );
    let store = TrustStore::load(dir.path()).unwrap();
    let signed = |id: &str, creator: &str| {
        sign_jws(
            &json!({"alg": "ES256"}),
            &ob2_assertion(
                id,
                ALICE,
                "2025-01-01T00:00:00Z",
                None,
                Some(creator),
                "Rust Basics",
                &["systems programming"],
            ),
            Jose::Es256(&p256_key()),
        )
    };
    let got = verify_files(
        &[
            ("other-owner.jws", signed("https://ob2.example/assertions/10", "https://ob2.example/keys/other")),
            ("unlisted.jws", signed("https://ob2.example/assertions/11", "https://ob2.example/keys/unlisted")),
        ],
        &store,
    );
    assert_statuses(&got, &[("other-owner.jws", Status::UnknownKey), ("unlisted.jws", Status::UnknownKey)]);
    let detail = |n: &str| {
        got.iter()
            .find(|(f, _)| f == n)
            .unwrap()
            .1
            .checks
            .iter()
            .find(|c| c.check == "authenticity")
            .unwrap()
            .detail
            .clone()
    };
    assert!(detail("other-owner.jws").contains("owned by https://someone.else"), "{}", detail("other-owner.jws"));
    assert!(detail("unlisted.jws").contains("does not list"), "{}", detail("unlisted.jws"));
}

#[test]
fn ob2_hosted_scope_and_per_issuer_policy() {
    let (dir, _) = trust();
    let policy = std::fs::read_to_string(dir.path().join("policy.toml")).unwrap();
    std::fs::write(
        dir.path().join("policy.toml"),
        policy.replace(
            &format!("id = \"{OB2_ISSUER}\"\n"),
            &format!("id = \"{OB2_ISSUER}\"\naccept_hosted_offline = true\n"),
        ),
    )
    .unwrap();
    let store = TrustStore::load(dir.path()).unwrap();
    let hosted = |id: &str| {
        let mut a =
            ob2_assertion(id, ALICE, "2025-01-01T00:00:00Z", None, None, "Rust Basics", &["systems programming"]);
        a["verification"] = json!({"type": "hosted"});
        text(&a)
    };
    let got = verify_files(
        &[
            ("in-scope.json", hosted("https://ob2.example/assertions/20")),
            ("outside-scope.json", hosted("https://evil.example/assertions/20")),
            ("not-a-url.json", hosted("urn:uuid:1")),
            ("revoked.json", hosted("https://ob2.example/assertions/revoked-1")),
        ],
        &store,
    );
    assert_statuses(
        &got,
        &[
            ("in-scope.json", Status::Verified),
            ("outside-scope.json", Status::Malformed),
            ("not-a-url.json", Status::Malformed),
            ("revoked.json", Status::Revoked),
        ],
    );
}

#[test]
fn vc_jwt_from_a_did_jwk_issuer_named_by_the_policy() {
    let (dir, store) = trust();
    let jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": URL_SAFE_NO_PAD.encode(ed_key().verifying_key().as_bytes())});
    let did = format!("did:jwk:{}", URL_SAFE_NO_PAD.encode(jwk.to_string()));
    let payload = vc_payload(&did, "Rust Basics", ALICE, "2025-01-01T00:00:00Z", None, &[]);
    let no_kid = sign_jws(&json!({"alg": "EdDSA"}), &payload, Jose::Ed(&ed_key()));
    let with_kid = sign_jws(&json!({"alg": "EdDSA", "kid": format!("{did}#0")}), &payload, Jose::Ed(&ed_key()));
    // Not named by the policy: the signature is fine but the issuer is unknown.
    let got = verify_files(&[("a.jwt", no_kid.clone())], &store);
    assert_statuses(&got, &[("a.jwt", Status::UnknownIssuer)]);
    // Named by the policy: verified, with or without kid.
    let policy = std::fs::read_to_string(dir.path().join("policy.toml")).unwrap();
    std::fs::write(dir.path().join("policy.toml"), format!("{policy}\n[[issuer]]\ndid = \"{did}\"\n")).unwrap();
    let store = TrustStore::load(dir.path()).unwrap();
    let got = verify_files(
        &[("a.jwt", no_kid), ("b.jwt", with_kid.clone()), ("c.jwt", flip_signature_byte(&with_kid))],
        &store,
    );
    assert_statuses(
        &got,
        &[("a.jwt", Status::Verified), ("b.jwt", Status::Verified), ("c.jwt", Status::InvalidSignature)],
    );
}

#[test]
fn ob2_hosted_scope_by_allowed_origins_and_issuer_origin() {
    let (dir, _) = trust();
    let policy = std::fs::read_to_string(dir.path().join("policy.toml")).unwrap();
    std::fs::write(
        dir.path().join("policy.toml"),
        policy.replace(
            &format!("id = \"{OB2_ISSUER}\"\n"),
            &format!("id = \"{OB2_ISSUER}\"\naccept_hosted_offline = true\n"),
        ),
    )
    .unwrap();
    let profile_path = dir.path().join("ob2-issuer.json");
    let mut profile: Value = serde_json::from_str(&std::fs::read_to_string(&profile_path).unwrap()).unwrap();
    profile["verification"] = json!({"type": "VerificationObject", "allowedOrigins": ["badges.ob2.example"]});
    std::fs::write(&profile_path, text(&profile)).unwrap();
    let store = TrustStore::load(dir.path()).unwrap();
    let hosted = |id: &str| {
        let mut a =
            ob2_assertion(id, ALICE, "2025-01-01T00:00:00Z", None, None, "Rust Basics", &["systems programming"]);
        a["verification"] = json!({"type": "hosted"});
        text(&a)
    };
    let got = verify_files(
        &[
            ("allowed.json", hosted("https://badges.ob2.example/a/1")),
            ("other-host.json", hosted("https://ob2.example/assertions/1")),
        ],
        &store,
    );
    assert_statuses(&got, &[("allowed.json", Status::Verified), ("other-host.json", Status::Malformed)]);

    // No verification object: the assertion must share the issuer id's origin.
    profile.as_object_mut().unwrap().remove("verification");
    std::fs::write(&profile_path, text(&profile)).unwrap();
    let store = TrustStore::load(dir.path()).unwrap();
    let got = verify_files(
        &[
            ("same-origin.json", hosted("https://ob2.example/elsewhere/1")),
            ("other-origin.json", hosted("https://ob2.example.evil/a/1")),
        ],
        &store,
    );
    assert_statuses(&got, &[("same-origin.json", Status::Verified), ("other-origin.json", Status::Malformed)]);
}

/// Every path of a JSON value, as JSON pointers.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(x, p, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(x, p, out);
            }
        }
        _ => {}
    }
}

fn set_at(doc: &Value, pointer: &str, new: Option<Value>) -> Value {
    let mut d = doc.clone();
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    let last = last.replace("~1", "/").replace("~0", "~");
    match d.pointer_mut(parent) {
        Some(Value::Object(m)) => match new {
            Some(v) => {
                m.insert(last, v);
            }
            None => {
                m.remove(&last);
            }
        },
        Some(Value::Array(a)) => {
            let i: usize = last.parse().unwrap();
            match new {
                Some(v) => a[i] = v,
                None => {
                    a.remove(i);
                }
            }
        }
        _ => {}
    }
    d
}

/// Hundreds of structural mutations of a signed credential: none panics, and a mutated copy is
/// verified only if its signed data (canonical document and proof options) is unchanged.
#[test]
fn mutations_never_panic_and_never_verify_changed_data() {
    let (_dir, store) = trust();
    let valid = sign_di(ob3(DID, "Rust Basics", ALICE, "2025-01-01T00:00:00Z", None, &[]), &ed_key(), ED_VM);
    let canon = |d: &Value| {
        let u = proof::unsecured(d);
        let p = d.get("proof").map(|p| proof::proof_options(p, &u));
        (jsonld::canonical_nquads(&u).ok(), p.and_then(|p| jsonld::canonical_nquads(&p).ok()))
    };
    let original = canon(&valid);
    let mut paths = Vec::new();
    pointers(&valid, String::new(), &mut paths);
    let replacements = [
        None,
        Some(Value::Null),
        Some(json!(42)),
        Some(json!([])),
        Some(json!({})),
        Some(json!("x")),
        Some(json!("x:y")),
    ];
    let mut files = Vec::new();
    for (i, p) in paths.iter().enumerate() {
        for (j, r) in replacements.iter().enumerate() {
            files.push((format!("m{i:03}-{j}.json"), set_at(&valid, p, r.clone())));
        }
    }
    assert!(files.len() > 300, "{}", files.len());
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("badges/c1");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, doc) in &files {
        std::fs::write(dir.join(name), text(doc)).unwrap();
    }
    let out = ingest(&IngestSpec { badges: vec![tmp.path().join("badges")], ..Default::default() }).unwrap();
    let verified = verify_all(out.credentials, &roster(), as_of(), &VerifyPolicy::default(), &store);
    let mut verified_count = 0;
    for v in &verified {
        if v.status != Status::Verified {
            continue;
        }
        verified_count += 1;
        let name = Path::new(&v.credential.source.path).file_name().unwrap().to_string_lossy().into_owned();
        let doc = &files.iter().find(|(n, _)| *n == name).unwrap().1;
        assert_eq!(canon(doc), original, "{name} verified although its signed data changed");
    }
    // Some mutations are RDF-neutral (e.g. an empty tag list becoming null); most are not.
    assert!(verified_count < files.len() / 4, "{verified_count} of {} verified", files.len());
}
