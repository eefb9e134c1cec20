//! The 1EdTech eddsa-rdfc-2022 test vectors (Open Badges 3.0 and CLR 2.0): canonical N-Quads,
//! hashes, data to sign and signature reproduced exactly, and the signed credentials verified
//! end to end against a trust store that pins the (test) issuer's key.
#![allow(clippy::unwrap_used)] // fixture builders outside #[test] functions unwrap known-good inputs

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use skillmatch::ingest::{IngestSpec, Roster, ingest};
use skillmatch::verify::keys::{Alg, PublicKey};
use skillmatch::verify::{Outcome, TrustStore, VerifyPolicy, jsonld, proof, verify_all};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/1edtech-vectors")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(dir().join(rel)).unwrap()
}

fn first_proof(doc: &Value) -> Value {
    match &doc["proof"] {
        Value::Array(a) => a[0].clone(),
        p => p.clone(),
    }
}

#[test]
fn canonical_forms_hashes_and_signatures_match_the_published_values() {
    for (name, sub) in [("ob", "obv3p0"), ("clr", "clrv2p0")] {
        let signed: Value =
            serde_json::from_str(&read(&format!("impl-linked-data-proof-{name}__signed-credential.json"))).unwrap();
        let values: Value =
            serde_json::from_str(&read(&format!("impl-linked-data-proof-{name}__test-vector-values.json"))).unwrap();
        let unsecured = proof::unsecured(&signed);
        let p = first_proof(&signed);
        let doc_c = jsonld::canonical_nquads(&unsecured).unwrap();
        let proof_c = jsonld::canonical_nquads(&proof::proof_options(&p, &unsecured)).unwrap();
        assert_eq!(doc_c, read(&format!("{sub}/document-canon.txt")), "{name} document N-Quads");
        assert_eq!(proof_c, read(&format!("{sub}/proof-canon.txt")), "{name} proof N-Quads");
        assert_eq!(hex::encode(Sha256::digest(doc_c.as_bytes())), values["Document hash (hex)"], "{name}");
        assert_eq!(hex::encode(Sha256::digest(proof_c.as_bytes())), values["Proof hash (hex)"], "{name}");
        let input = proof::signing_input(&proof_c, &doc_c);
        assert_eq!(hex::encode(input), values["Data to sign (hex)"], "{name}");
        let proof_value = p["proofValue"].as_str().unwrap();
        let sig = bs58::decode(&proof_value[1..]).into_vec().unwrap();
        let published_sig = match &values["Signature (hex)"] {
            Value::Array(a) => a[0].as_str().unwrap().to_string(),
            v => v.as_str().unwrap().to_string(),
        };
        assert_eq!(hex::encode(&sig), published_sig, "{name}");
        let key = PublicKey::from_multikey(values["publicKeyMultibase"].as_str().unwrap()).unwrap();
        assert_eq!(
            hex::encode(match &key {
                PublicKey::Ed25519(k) => k.to_bytes(),
                _ => unreachable!(),
            }),
            values["Key pair & Multikey"][0],
            "{name} public key"
        );
        key.verify(Alg::EdDsa, &input, &sig).unwrap();
    }
}

#[test]
fn the_signed_test_vectors_verify_end_to_end_with_a_pinned_issuer_profile() {
    let values: Value = serde_json::from_str(&read("impl-linked-data-proof-ob__test-vector-values.json")).unwrap();
    let vm = values["verificationMethod"].as_str().unwrap();
    let trust_dir = tempfile::tempdir().unwrap();
    // The issuer profile lists the test key as one of its verification methods.
    let profile = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "https://example.edu/issuers/565049", "type": ["Profile"], "name": "Example Corp",
        "verificationMethod": [{"id": vm, "type": "Multikey", "controller": "https://example.edu/issuers/565049",
                                "publicKeyMultibase": values["publicKeyMultibase"]}]
    });
    std::fs::write(trust_dir.path().join("issuer.json"), profile.to_string()).unwrap();
    let store = TrustStore::load(trust_dir.path()).unwrap();

    let badges = tempfile::tempdir().unwrap();
    for name in ["ob", "clr"] {
        std::fs::copy(
            dir().join(format!("impl-linked-data-proof-{name}__signed-credential.json")),
            badges.path().join(format!("{name}.json")),
        )
        .unwrap();
    }
    let out = ingest(&IngestSpec { badges: vec![badges.path().to_path_buf()], ..Default::default() }).unwrap();
    assert!(!out.credentials.is_empty());
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let verified = verify_all(out.credentials, &Roster::default(), as_of, &VerifyPolicy::default(), &store);
    for v in &verified {
        let auth = v.checks.iter().find(|c| c.check == "authenticity").unwrap();
        let trust = v.checks.iter().find(|c| c.check == "issuer_trust").unwrap();
        // Every credential in both files (the CLR's nested AchievementCredential included, when
        // ingest unbundles it) is signed by the pinned test key.
        assert_eq!(auth.outcome, Outcome::Pass, "{}: {}", v.credential.source.position, auth.detail);
        assert_eq!(trust.outcome, Outcome::Pass, "{}", trust.detail);
    }
}
