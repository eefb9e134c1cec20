//! Verification throughput.
//!
//! `cargo bench --bench verify -- --quick`
//!
//! * `verify/fast_checks`: `verify_all` over 20,000 OB 2.0 hosted credentials with salted
//!   sha256 recipient hashes (structure + recipient hash + dates + revocation + state; hosted
//!   accepted by policy), on all cores. Throughput = credentials/s.
//! * `verify/suite/*`: one credential per iteration, single-threaded, each signature suite end
//!   to end (`full`: parse, key resolution from the trust store, JSON-LD + RDFC-1.0 for Data
//!   Integrity incl. the safe-mode probe, signature) next to the crypto crate's raw verify of the
//!   same signature (`raw`).

use std::hint::black_box;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ed25519_dalek::Signer as _;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use skillmatch::ingest::{
    BadgeFormat, Candidate, Credential, HashAlgo, RawSkill, Recipient, Roster, SourceRef, VerificationKind,
};
use skillmatch::verify::keys::{Alg, PublicKey};
use skillmatch::verify::trust::TrustPolicy;
use skillmatch::verify::verdict::Verdict;
use skillmatch::verify::{TrustStore, VerifyPolicy, jose, jsonld, proof, verify_all};

const N: usize = 20_000;
const DID: &str = "did:web:bench.example";

fn roster(n: usize) -> Roster {
    let mut r = Roster::default();
    for i in 0..n {
        let id = format!("c{i:06}");
        let emails = vec![format!("p{i}@mail.example"), format!("p{i}@work.example")];
        for e in &emails {
            r.by_email.insert(e.clone(), i);
        }
        r.by_id.insert(id.clone(), i);
        r.candidates.push(Candidate { id, emails, location: None });
    }
    r
}

fn hosted(i: usize) -> Credential {
    let salt = format!("s{}", i % 97);
    let digest = hex::encode(Sha256::digest(format!("p{i}@work.example{salt}").as_bytes()));
    Credential {
        source: SourceRef { path: format!("badges/c{i:06}/a.json"), position: "whole file".into() },
        format: BadgeFormat::Ob2,
        credential_id: format!("https://issuer.example/assertions/{i}"),
        candidate_id: Some(format!("c{i:06}")),
        issuer_id: Some("https://issuer.example/issuer".into()),
        issuer_name: Some("Issuer".into()),
        achievement_id: Some("https://issuer.example/badges/1".into()),
        achievement: Some("Badge".into()),
        recipient: Recipient::Hashed { kind: "email".into(), algo: HashAlgo::Sha256, digest, salt: Some(salt) },
        issued_on: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single(),
        expires: Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).single(),
        platform_state: None,
        revoked_reason: None,
        verification: VerificationKind::Hosted,
        skills: vec![RawSkill { name: Some("SQL".into()), uri: None }],
        raw: None,
        compact: None,
        problems: Vec::new(),
    }
}

fn fast_checks(c: &mut Criterion) {
    let roster = roster(N);
    let creds: Vec<Credential> = (0..N).map(hosted).collect();
    let policy = VerifyPolicy { accept_hosted_offline: true, ..VerifyPolicy::default() };
    let as_of = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default();
    let trust = TrustStore::default();
    let mut g = c.benchmark_group("verify");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(10);
    g.bench_function("fast_checks", |b| {
        b.iter_batched(
            || creds.clone(),
            |cs| black_box(verify_all(cs, &roster, as_of, &policy, &trust)),
            criterion::BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn ed_key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&Sha256::digest(b"bench ed25519").into())
}

fn p256_key() -> p256::ecdsa::SigningKey {
    match p256::ecdsa::SigningKey::from_slice(&Sha256::digest(b"bench p256")) {
        Ok(k) => k,
        Err(e) => panic!("p256 key: {e}"),
    }
}

fn credential() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:6c1d3d2e-8d4b-4f5e-9b7a-1f2e3d4c5b6a",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": DID, "type": ["Profile"], "name": "Bench Issuer"},
        "validFrom": "2025-01-01T00:00:00Z",
        "name": "Rust Basics",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityHash": "sha256$0000000000000000000000000000000000000000000000000000000000000000",
                            "identityType": "emailAddress", "hashed": true, "salt": "x"}],
            "achievement": {"id": "https://bench.example/achievements/rust", "type": ["Achievement"], "name": "Rust Basics",
                "description": "d", "criteria": {"narrative": "n"},
                "alignment": [{"type": ["Alignment"], "targetName": "Rust", "targetUrl": "http://data.europa.eu/esco/skill/x"}],
                "tag": ["systems"]}
        }
    })
}

/// Signs with a Data Integrity proof of `kind` (`DataIntegrityProof` or `Ed25519Signature2020`).
fn sign_di(mut doc: Value, kind: &str) -> Value {
    if kind == "Ed25519Signature2020" {
        if let Some(a) = doc["@context"].as_array_mut() {
            a.push(json!("https://w3id.org/security/suites/ed25519-2020/v1"));
        }
    }
    let mut p = json!({"type": kind, "created": "2025-01-01T00:00:00Z", "verificationMethod": format!("{DID}#ed"),
                       "proofPurpose": "assertionMethod"});
    if kind == "DataIntegrityProof" {
        p["cryptosuite"] = json!("eddsa-rdfc-2022");
    }
    let (Ok(doc_c), Ok(proof_c)) =
        (jsonld::canonical_nquads(&doc), jsonld::canonical_nquads(&proof::proof_options(&p, &doc)))
    else {
        panic!("bench credential does not canonicalize")
    };
    let sig = ed_key().sign(&proof::signing_input(&proof_c, &doc_c));
    p["proofValue"] = json!(format!("z{}", bs58::encode(sig.to_bytes()).into_string()));
    doc["proof"] = p;
    doc
}

fn store(rsa_public: &rsa::PublicKey) -> TrustStore {
    use p256::pkcs8::EncodePublicKey as _;
    use rsa::traits::PublicKeyParts as _;
    let point = p256_key().verifying_key().to_sec1_point(false);
    let b = point.as_bytes();
    let jwk = json!({"kty": "EC", "crv": "P-256", "x": URL_SAFE_NO_PAD.encode(&b[1..33]), "y": URL_SAFE_NO_PAD.encode(&b[33..65])});
    let ed_multikey = PublicKey::Ed25519(ed_key().verifying_key()).to_multikey().unwrap_or_default();
    let mut s = TrustStore::empty_configured();
    let docs = vec![
        json!({"id": DID, "verificationMethod": [
                {"id": "#ed", "type": "Multikey", "controller": DID, "publicKeyMultibase": ed_multikey},
                {"id": "#p256", "type": "JsonWebKey2020", "controller": DID, "publicKeyJwk": jwk}],
               "assertionMethod": [format!("{DID}#ed"), format!("{DID}#p256")]}),
        json!({"keys": [{"kty": "RSA", "kid": "rsa-1", "n": URL_SAFE_NO_PAD.encode(rsa_public.n_bytes()),
                         "e": URL_SAFE_NO_PAD.encode(rsa_public.e_bytes())}]}),
        json!({"type": "Issuer", "id": "https://ob2.bench.example/issuer", "name": "OB2",
               "publicKey": ["https://ob2.bench.example/keys/rsa", "https://ob2.bench.example/keys/p256"]}),
        json!({"type": "CryptographicKey", "id": "https://ob2.bench.example/keys/rsa", "owner": "https://ob2.bench.example/issuer",
               "publicKeyPem": rsa::pkcs8::EncodePublicKey::to_public_key_pem(rsa_public, Default::default()).unwrap_or_default()}),
        json!({"type": "CryptographicKey", "id": "https://ob2.bench.example/keys/p256", "owner": "https://ob2.bench.example/issuer",
               "publicKeyPem": p256_key().verifying_key().to_public_key_pem(Default::default()).unwrap_or_default()}),
    ];
    for (i, d) in docs.into_iter().enumerate() {
        if let Err(e) = s.add(d, &format!("bench-{i}.json")) {
            panic!("{e}");
        }
    }
    let mut policy = TrustPolicy::default();
    let mut jwt_issuer =
        skillmatch::verify::trust::IssuerPolicy { id: Some("https://jwt.bench.example".into()), ..Default::default() };
    jwt_issuer.jwks = vec!["bench-1.json".into()];
    policy.issuers = vec![
        skillmatch::verify::trust::IssuerPolicy { id: Some(DID.into()), ..Default::default() },
        jwt_issuer,
        skillmatch::verify::trust::IssuerPolicy {
            id: Some("https://ob2.bench.example/issuer".into()),
            ..Default::default()
        },
    ];
    s.set_policy(policy);
    s
}

fn jws(header: Value, payload: &Value, sign: impl Fn(&[u8]) -> Vec<u8>) -> (String, Vec<u8>, String) {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(payload).unwrap_or_default())
    );
    let sig = sign(input.as_bytes());
    let compact = format!("{input}.{}", URL_SAFE_NO_PAD.encode(&sig));
    (compact, sig, input)
}

/// The crypto crate's own verify, with the key and signature already decoded (what "raw" means).
enum Raw {
    Ed(ed25519_dalek::VerifyingKey, ed25519_dalek::Signature),
    Es(p256::ecdsa::VerifyingKey, p256::ecdsa::Signature),
    Rs(Box<rsa::pkcs1v15::VerifyingKey<Sha256>>, rsa::pkcs1v15::Signature),
}

impl Raw {
    fn new(key: &PublicKey, sig: &[u8]) -> Raw {
        match key {
            PublicKey::Ed25519(k) => {
                Raw::Ed(*k, ed25519_dalek::Signature::from_slice(sig).unwrap_or_else(|e| panic!("{e}")))
            }
            PublicKey::P256(k) => {
                Raw::Es(*k, p256::ecdsa::Signature::from_slice(sig).unwrap_or_else(|e| panic!("{e}")))
            }
            PublicKey::Rsa(k) => {
                Raw::Rs(k.clone(), rsa::pkcs1v15::Signature::try_from(sig).unwrap_or_else(|e| panic!("{e}")))
            }
        }
    }

    fn verify(&self, msg: &[u8]) -> bool {
        use p256::ecdsa::signature::Verifier as _;
        match self {
            Raw::Ed(k, s) => k.verify_strict(msg, s).is_ok(),
            Raw::Es(k, s) => k.verify(msg, s).is_ok(),
            Raw::Rs(k, s) => k.verify(msg, s).is_ok(),
        }
    }
}

fn suites(c: &mut Criterion) {
    use p256::ecdsa::signature::Signer as _;
    use rsa::signature::SignatureEncoding as _;
    let rsa_private = <rsa::PrivateKey as rsa::Generate>::generate();
    let rsa_public = rsa_private.to_public_key();
    let store = store(&rsa_public);
    let ed_public = PublicKey::Ed25519(ed_key().verifying_key());
    let p256_public = PublicKey::P256(*p256_key().verifying_key());
    let rsa_pk = PublicKey::rsa(rsa_public.clone());

    let mut g = c.benchmark_group("verify/suite");
    g.throughput(Throughput::Elements(1));
    g.sample_size(10);

    for kind in ["DataIntegrityProof", "Ed25519Signature2020"] {
        let doc = sign_di(credential(), kind);
        let name = if kind == "DataIntegrityProof" { "eddsa-rdfc-2022" } else { "Ed25519Signature2020" };
        let verdict = proof::verify_document(&doc, Some(DID), &store);
        assert!(matches!(verdict, Verdict::Valid(_)), "{name}: {verdict:?}");
        g.bench_function(format!("{name}/full"), |b| {
            b.iter(|| black_box(proof::verify_document(black_box(&doc), Some(DID), &store)))
        });
        let unsecured = proof::unsecured(&doc);
        g.bench_function(format!("{name}/canonicalize_document"), |b| {
            b.iter(|| black_box(jsonld::canonical_nquads(black_box(&unsecured))))
        });
        g.bench_function(format!("{name}/safe_mode_probe"), |b| {
            b.iter(|| black_box(jsonld::safe::check_coverage(black_box(&unsecured))))
        });
        let p = &doc["proof"];
        let sig = bs58::decode(&p["proofValue"].as_str().unwrap_or("z")[1..]).into_vec().unwrap_or_default();
        let (Ok(dc), Ok(pc)) =
            (jsonld::canonical_nquads(&unsecured), jsonld::canonical_nquads(&proof::proof_options(p, &unsecured)))
        else {
            panic!("canonicalize")
        };
        let input = proof::signing_input(&pc, &dc);
        let raw = Raw::new(&ed_public, &sig);
        assert!(raw.verify(&input));
        g.bench_function(format!("{name}/raw"), |b| b.iter(|| black_box(raw.verify(black_box(&input)))));
    }

    let mut payload = credential();
    payload["iss"] = json!(DID);
    let (ed_jwt, ed_sig, ed_input) =
        jws(json!({"alg": "EdDSA", "kid": format!("{DID}#ed")}), &payload, |m| ed_key().sign(m).to_bytes().to_vec());
    let (es_jwt, es_sig, es_input) = jws(json!({"alg": "ES256", "kid": format!("{DID}#p256")}), &payload, |m| {
        let s: p256::ecdsa::Signature = p256_key().sign(m);
        s.to_bytes().to_vec()
    });
    let mut rs_payload = payload.clone();
    rs_payload["iss"] = json!("https://jwt.bench.example");
    rs_payload["issuer"]["id"] = json!("https://jwt.bench.example");
    let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(rsa_private.clone());
    let (rs_jwt, rs_sig, rs_input) =
        jws(json!({"alg": "RS256", "kid": "rsa-1"}), &rs_payload, |m| signer.sign(m).to_vec());
    for (name, compact, issuer, key, alg, sig, input) in [
        ("vc-jwt-EdDSA", &ed_jwt, DID, &ed_public, Alg::EdDsa, &ed_sig, &ed_input),
        ("vc-jwt-ES256", &es_jwt, DID, &p256_public, Alg::Es256, &es_sig, &es_input),
        ("vc-jwt-RS256", &rs_jwt, "https://jwt.bench.example", &rsa_pk, Alg::Rs256, &rs_sig, &rs_input),
    ] {
        let verdict = jose::verify_vc_jwt(compact, Some(issuer), &store);
        assert!(matches!(verdict, Verdict::Valid(_)), "{name}: {verdict:?}");
        g.bench_function(format!("{name}/full"), |b| {
            b.iter(|| black_box(jose::verify_vc_jwt(black_box(compact), Some(issuer), &store)))
        });
        let raw = Raw::new(key, sig);
        assert!(raw.verify(input.as_bytes()) && key.verify(alg, input.as_bytes(), sig).is_ok());
        g.bench_function(format!("{name}/raw"), |b| b.iter(|| black_box(raw.verify(black_box(input.as_bytes())))));
    }

    let assertion = |creator: &str| {
        json!({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "https://ob2.bench.example/a/1",
               "recipient": {"type": "email", "hashed": false, "identity": "a@example.org"}, "issuedOn": "2025-01-01T00:00:00Z",
               "verification": {"type": "signed", "creator": creator}, "badge": "https://ob2.bench.example/badges/1"})
    };
    let (ob2_rs, ob2_rs_sig, ob2_rs_input) =
        jws(json!({"alg": "RS256"}), &assertion("https://ob2.bench.example/keys/rsa"), |m| signer.sign(m).to_vec());
    let (ob2_es, ob2_es_sig, ob2_es_input) =
        jws(json!({"alg": "ES256"}), &assertion("https://ob2.bench.example/keys/p256"), |m| {
            let s: p256::ecdsa::Signature = p256_key().sign(m);
            s.to_bytes().to_vec()
        });
    for (name, compact, key, alg, sig, input) in [
        ("ob2-jws-RS256", &ob2_rs, &rsa_pk, Alg::Rs256, &ob2_rs_sig, &ob2_rs_input),
        ("ob2-jws-ES256", &ob2_es, &p256_public, Alg::Es256, &ob2_es_sig, &ob2_es_input),
    ] {
        let verdict = jose::verify_ob2(compact, Some("https://ob2.bench.example/issuer"), &store);
        assert!(matches!(verdict, Verdict::Valid(_)), "{name}: {verdict:?}");
        g.bench_function(format!("{name}/full"), |b| {
            b.iter(|| black_box(jose::verify_ob2(black_box(compact), Some("https://ob2.bench.example/issuer"), &store)))
        });
        let raw = Raw::new(key, sig);
        assert!(raw.verify(input.as_bytes()) && key.verify(alg, input.as_bytes(), sig).is_ok());
        g.bench_function(format!("{name}/raw"), |b| b.iter(|| black_box(raw.verify(black_box(input.as_bytes())))));
    }
    g.finish();
}

criterion_group!(benches, fast_checks, suites);
criterion_main!(benches);
