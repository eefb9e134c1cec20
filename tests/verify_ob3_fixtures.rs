//! Every fixture of the DCC verifier-core set (tests/fixtures/ob3, real signatures made with the
//! DCC test key) gives the outcome its file name states, verified offline against a trust store
//! that pins the DCC test issuer (`did:key:z6MknNQ…`) and the status list the fixtures use.
//!
//! The fixtures carry no recipient the roster could match, so the outcome compared is the status
//! of every check except `recipient` (that check fails for all of them: `malformed` for those that
//! name no recipient at all, `recipient_mismatch` for the others).
#![allow(clippy::unwrap_used)] // fixture builders outside #[test] functions unwrap known-good inputs

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde_json::{Value, json};
use skillmatch::ingest::{IngestSpec, Recipient, Roster, ingest};
use skillmatch::verify::{Outcome, Status, TrustStore, VerifiedCredential, VerifyPolicy, verify_all};

const DCC_DID: &str = "did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q";
const LIST_URL: &str = "https://raw.githubusercontent.com/digitalcredentials/verifier-core/refs/heads/main/src/test-fixtures/status/e5WK8CbZ1GjycuPombrj";
const LIST_ID: &str = "https://testing.dcconsortium.org/status/e5WK8CbZ1GjycuPombrj";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ob3")
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

/// A trust folder: policy naming the DCC test DID, the status list (reached through an alias,
/// since the credentials name it by another URL than its id), and optionally DID documents.
fn trust_folder(extra: &[(&str, Value)]) -> tempfile::TempDir {
    trust_folder_naming(extra, &[])
}

/// [`trust_folder`] whose policy also names `issuers` (by id) as trusted.
fn trust_folder_naming(extra: &[(&str, Value)], issuers: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixtures().join("status/e5WK8CbZ1GjycuPombrj.json"), dir.path().join("status-list.json")).unwrap();
    let mut policy = format!(
        "missing = \"fail_closed\"\n\n[aliases]\n\"{LIST_URL}\" = \"{LIST_ID}\"\n\n\
         [[issuer]]\ndid = \"{DCC_DID}\"\nname = \"DCC test issuer\"\ntier = \"recognised\"\n"
    );
    for id in issuers {
        policy.push_str(&format!("\n[[issuer]]\nid = \"{id}\"\n"));
    }
    std::fs::write(dir.path().join("policy.toml"), policy).unwrap();
    for (name, doc) in extra {
        std::fs::write(dir.path().join(name), serde_json::to_vec_pretty(doc).unwrap()).unwrap();
    }
    dir
}

fn verify_dir(sub: &str, trust: &TrustStore) -> BTreeMap<String, VerifiedCredential> {
    let out = ingest(&IngestSpec { badges: vec![fixtures().join(sub)], ..Default::default() }).unwrap();
    assert!(out.rejects.is_empty(), "{:?}", out.rejects);
    verify_all(out.credentials, &Roster::default(), as_of(), &VerifyPolicy::default(), trust)
        .into_iter()
        .map(|v| (Path::new(&v.credential.source.path).file_name().unwrap().to_string_lossy().into_owned(), v))
        .collect()
}

/// The status from every check but `recipient`.
fn status_ignoring_recipient(v: &VerifiedCredential) -> Status {
    v.checks
        .iter()
        .filter(|c| c.check != "recipient" && c.outcome != Outcome::Pass)
        .map(|c| c.implies.unwrap_or(Status::Unverifiable))
        .max_by_key(|s| s.precedence())
        .unwrap_or(Status::Verified)
}

fn detail<'a>(v: &'a VerifiedCredential, check: &str) -> &'a str {
    v.checks.iter().find(|c| c.check == check).map_or("", |c| c.detail.as_str())
}

fn expected(file: &str) -> Status {
    let f = file.to_ascii_lowercase();
    if f == "testvc.json" {
        // The name states no outcome. Neither of its two proofs verifies over the canonical form
        // of the document (checked during development with a second, independent JSON-LD
        // processor, PyLD URDNA2015, which gives the same N-Quads): it was changed after signing.
        Status::InvalidSignature
    } else if f.contains("revoked") {
        Status::Revoked // v*RevokedAndExpired: revoked outranks expired
    } else if f.contains("expired") {
        Status::Expired
    } else {
        Status::Verified
    }
}

#[test]
fn vc_1_1_and_2_0_fixtures_give_their_named_outcome() {
    let dir = trust_folder(&[]);
    let trust = TrustStore::load(dir.path()).unwrap();
    for sub in ["v1", "v2"] {
        let got = verify_dir(sub, &trust);
        assert!(got.len() >= 9, "{sub}: {:?}", got.keys());
        // v2/didWeb/ is checked on its own below.
        for (file, v) in got.iter().filter(|(_, v)| !v.credential.source.path.contains("didWeb")) {
            assert_eq!(status_ignoring_recipient(v), expected(file), "{sub}/{file}: {:#?}", v.checks);
            // A fixture that names no recipient at all is malformed, which outranks every other
            // status; one that names a recipient the (empty) roster cannot match is
            // recipient_mismatch, which outranks expired.
            let overall = match expected(file) {
                _ if v.credential.recipient == Recipient::Absent => Status::Malformed,
                Status::Verified | Status::Expired => Status::RecipientMismatch,
                other => other,
            };
            assert_eq!(v.status, overall, "{sub}/{file}");
            assert!(v.credential.raw.is_none(), "raw document dropped after verification");
        }
    }
}

#[test]
fn eddsa_and_double_signature_fixtures() {
    let dir = trust_folder(&[]);
    let trust = TrustStore::load(dir.path()).unwrap();
    let got = verify_dir("eddsa/v2", &trust);
    let v = &got["v2EddsaWithValidStatus.json"];
    assert_eq!(status_ignoring_recipient(v), Status::Verified, "{:#?}", v.checks);
    assert!(detail(v, "authenticity").starts_with("eddsa-rdfc-2022 signature verifies"));

    let got = verify_dir("eddsaAndEd25519/v2", &trust);
    let v = &got["v2DoubleSigWithValidStatus.json"];
    assert_eq!(status_ignoring_recipient(v), Status::Verified, "{:#?}", v.checks);
    // The status list URL has a typo (e5VK8…): no pinned list → unverifiable, never verified.
    let v = &got["v2DoubleSigWithBadStatusUrl.json"];
    assert_eq!(status_ignoring_recipient(v), Status::Unverifiable, "{:#?}", v.checks);
    assert!(detail(v, "revocation").contains("is not pinned in the trust store"), "{}", detail(v, "revocation"));
}

#[test]
fn safe_mode_breaker_is_never_verified() {
    let dir = trust_folder(&[]);
    let trust = TrustStore::load(dir.path()).unwrap();
    let got = verify_dir("eddsa/v2", &trust);
    let v = &got["safeModeBreaker.json"];
    assert_ne!(status_ignoring_recipient(v), Status::Verified, "{:#?}", v.checks);
    // Its credentialStatus entry names neither statusPurpose nor list → malformed; and its
    // eddsa-rdfc-2022 signature does not verify over the canonical form of the document.
    assert_eq!(v.status, Status::Malformed, "{:#?}", v.checks);
    assert!(detail(v, "authenticity").contains("does not verify"), "{}", detail(v, "authenticity"));
    // Even if it did: its status entry type `StatusList2021Entry` is not defined by its contexts
    // (VC 2.0 has no @vocab), so JSON-LD expansion drops it and the signature would not cover
    // it. JSON-LD safe mode refuses such a document.
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("eddsa/v2/safeModeBreaker.json")).unwrap())
            .unwrap();
    let err =
        skillmatch::verify::jsonld::safe::check_coverage(&skillmatch::verify::proof::unsecured(&doc)).unwrap_err();
    assert!(err.contains("JSON-LD safe mode"), "{err}");
}

/// The DID document the issuer published for did:web:digitalcredentials.github.io:dcc-did-web at
/// the time (GitHub digitalcredentials/dcc-did-web, did.json at commit ca509a3b): its assertion
/// method IS the DCC test key z6MknNQ…, the key the fixture's proof names in its fragment.
fn dcc_did_web() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/ed25519-2020/v1"],
        "id": "did:web:digitalcredentials.github.io:dcc-did-web",
        "assertionMethod": [{
            "id": "did:web:digitalcredentials.github.io:dcc-did-web#z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q",
            "type": "Ed25519VerificationKey2020",
            "controller": "did:web:digitalcredentials.github.io:dcc-did-web",
            "publicKeyMultibase": "z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q"
        }]
    })
}

/// Same for did:web:…:dcc-did-web:multikey (dcc-did-web, multikey/did.json): a Multikey method.
fn dcc_did_web_multikey() -> Value {
    let id = "did:web:digitalcredentials.github.io:dcc-did-web:multikey";
    let vm = json!({"id": format!("{id}#z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q"), "type": "Multikey",
                    "controller": id, "publicKeyMultibase": "z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q"});
    json!({"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/data-integrity/v1"],
           "id": id, "type": ["Profile"], "name": "Digital Credentials Consortium",
           "assertionMethod": [vm.clone()], "verificationMethod": [vm]})
}

const DID_WEB_ISSUERS: [&str; 3] = [
    "did:web:digitalcredentials.github.io:dcc-did-web",
    "did:web:digitalcredentials.github.io:dcc-did-web:multikey",
    "did:web:digitalcredentials.github.io:dcc-did-web-bad",
];

#[test]
fn did_web_resolves_only_from_pinned_documents() {
    // The three did:web issuers are trusted by the policy, but no DID document is pinned:
    // offline, a did:web cannot be resolved → unverifiable "DID document … not pinned".
    let dir = trust_folder_naming(&[], &DID_WEB_ISSUERS);
    let trust = TrustStore::load(dir.path()).unwrap();
    let got = verify_dir("v2/didWeb", &trust);
    for (file, v) in &got {
        assert_eq!(status_ignoring_recipient(v), Status::Unverifiable, "{file}: {:#?}", v.checks);
        assert!(detail(v, "authenticity").contains("DID document for did:web:"), "{file}");
        assert!(detail(v, "authenticity").contains("is not pinned"), "{file}");
    }

    // The two DCC DID documents pinned: the valid ones verify; the "bad" did:web (whose document
    // the issuer never published) still has nothing pinned and is never verified.
    let dir = trust_folder_naming(
        &[("dcc-did-web.json", dcc_did_web()), ("dcc-did-web-multikey.json", dcc_did_web_multikey())],
        &DID_WEB_ISSUERS,
    );
    let trust = TrustStore::load(dir.path()).unwrap();
    let got = verify_dir("v2/didWeb", &trust);
    for file in ["v2didWebWithValidStatus.json", "v2didWebMultikeyWithValidStatus.json"] {
        let v = &got[file];
        assert_eq!(status_ignoring_recipient(v), Status::Verified, "{file}: {:#?}", v.checks);
    }
    let bad = &got["v2WithBadDidWeb.json"];
    assert_eq!(status_ignoring_recipient(bad), Status::Unverifiable, "{:#?}", bad.checks);

    // Not named by the policy and nothing pinned: the issuer is unknown (and still unverifiable).
    let dir = trust_folder(&[]);
    let got = verify_dir("v2/didWeb", &TrustStore::load(dir.path()).unwrap());
    assert_eq!(status_ignoring_recipient(&got["v2WithBadDidWeb.json"]), Status::UnknownIssuer);
}

#[test]
fn without_a_trust_store_nothing_signed_is_verified_or_unknown_issuer() {
    let trust = TrustStore::default();
    for sub in ["v1", "v2", "eddsa/v2", "eddsaAndEd25519/v2", "v2/didWeb"] {
        for (file, v) in verify_dir(sub, &trust) {
            let s = status_ignoring_recipient(&v);
            assert_ne!(s, Status::Verified, "{sub}/{file}");
            assert_ne!(s, Status::UnknownIssuer, "{sub}/{file}");
            assert!(v.checks.iter().all(|c| c.check != "issuer_trust"), "{sub}/{file}");
        }
    }
}

#[test]
fn an_issuer_absent_from_the_store_is_unknown_issuer() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.toml"), "[[issuer]]\nid = \"https://someone-else.example\"\n").unwrap();
    let trust = TrustStore::load(dir.path()).unwrap();
    let got = verify_dir("v2", &trust);
    let v = &got["v2NoStatus.json"];
    assert_eq!(status_ignoring_recipient(v), Status::UnknownIssuer, "{:#?}", v.checks);
    assert!(detail(v, "issuer_trust").contains("does not name"));
}

#[test]
fn the_example_trust_folder_verifies_the_fixtures() {
    let trust = TrustStore::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/trust")).unwrap();
    let got = verify_dir("v2", &trust);
    assert_eq!(status_ignoring_recipient(&got["v2WithValidStatus.json"]), Status::Verified);
    assert_eq!(status_ignoring_recipient(&got["v2Revoked.json"]), Status::Revoked);
    assert_eq!(status_ignoring_recipient(&got["v2didWebWithValidStatus.json"]), Status::Verified);
    // The multikey did:web document is not in the example folder: unknown issuer, not verified.
    assert_eq!(status_ignoring_recipient(&got["v2didWebMultikeyWithValidStatus.json"]), Status::UnknownIssuer);
}
