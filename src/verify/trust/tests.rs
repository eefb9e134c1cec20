//! Tests of the trust store loader and key listing.

use serde_json::json;

use super::*;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(p, text).unwrap();
}

#[test]
fn loads_and_indexes_every_kind() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "issuer.json",
        &json!({"@context": "https://w3id.org/openbadges/v2", "type": "Issuer", "id": "https://ex.org/issuer",
                "name": "Ex", "publicKey": "https://ex.org/key1", "revocationList": "https://ex.org/revoked"})
        .to_string(),
    );
    write(
        d,
        "keys/key1.json",
        &json!({"type": "CryptographicKey", "id": "https://ex.org/key1", "owner": "https://ex.org/issuer",
                "publicKeyPem": "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----"})
        .to_string(),
    );
    write(
        d,
        "revoked.json",
        &json!({"type": "RevocationList", "id": "https://ex.org/revoked", "revokedAssertions": []}).to_string(),
    );
    write(
        d,
        "did.json",
        &json!({"id": "did:web:ex.org", "assertionMethod": [{"id": "#k1", "type": "Multikey", "controller": "did:web:ex.org",
                 "publicKeyMultibase": "z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q"}]})
        .to_string(),
    );
    write(d, "jwks.json", &json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "k-1", "x": "AA"}]}).to_string());
    write(
        d,
        "policy.toml",
        "[[issuer]]\nid = \"https://ex.org/issuer\"\njwks = [\"jwks.json\"]\ntier = \"accredited\"\n",
    );
    let s = TrustStore::load(d).unwrap();
    assert!(s.is_configured());
    assert!(s.profile("https://ex.org/issuer").is_some());
    assert!(s.revocation_list("https://ex.org/revoked").is_some());
    assert_eq!(s.method("https://ex.org/key1").and_then(|m| m.controller.as_deref()), Some("https://ex.org/issuer"));
    assert_eq!(s.method("did:web:ex.org#k1").and_then(|m| m.controller.as_deref()), Some("did:web:ex.org"));
    assert!(s.issuer_lists_key("https://ex.org/issuer", "https://ex.org/key1"));
    assert!(s.issuer_lists_key("https://ex.org/issuer", "k-1"), "JWKS named by the policy entry");
    assert!(s.issuer_lists_key("did:web:ex.org", "did:web:ex.org#k1"));
    assert!(!s.issuer_lists_key("did:web:ex.org", "did:web:ex.org#other"));
    assert_eq!(s.issuer_weight("https://ex.org/issuer"), Some(1.0));
    assert_eq!(s.issuer_known("did:web:ex.org").map(|k| k.tier), Some("unknown".to_string()));
    assert!(s.issuer_known("https://other.example").is_none());
    assert_eq!(s.files().len(), 6);
}

#[test]
fn conflicting_duplicates_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "a.json", r#"{"id": "https://x.example/1", "type": "Profile", "name": "A"}"#);
    write(tmp.path(), "b.json", r#"{"id": "https://x.example/1", "type": "Profile", "name": "B"}"#);
    let err = TrustStore::load(tmp.path()).unwrap_err().to_string();
    assert!(err.contains("both define id https://x.example/1"), "{err}");

    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "policy.toml", "missing = \"sometimes\"");
    assert!(TrustStore::load(tmp.path()).unwrap_err().to_string().contains("policy.toml"));
}

#[test]
fn non_documents_are_skipped_with_their_reason() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "a.json", r#"{"type": "Profile", "name": "A"}"#);
    write(tmp.path(), "b.json", "{not json");
    write(tmp.path(), "c.json", r#"{"id": "https://x.example/c", "type": "Registry"}"#);
    write(tmp.path(), "d.jwt", "not a jwt");
    write(tmp.path(), "e.json", r#"{"id": "https://x.example/e", "type": "Profile", "name": "E"}"#);
    let s = TrustStore::load(tmp.path()).unwrap();
    let skipped: Vec<(&str, &str)> = s.skipped().iter().map(|f| (f.path.as_str(), f.reason.as_str())).collect();
    assert_eq!(skipped.len(), 4, "{skipped:?}");
    assert!(skipped[0].1.contains("no id"));
    assert!(skipped[1].1.contains("not valid JSON"));
    assert!(skipped[2].1.contains("type Registry"));
    assert!(skipped[3].1.contains("not a compact JWT"));
    assert!(s.profile("https://x.example/e").is_some());
    assert_eq!(s.len(), 1);
    // Every file read is still listed with its hash (for the manifest).
    assert_eq!(s.files().len(), 5);
}

#[test]
fn snapshot_records_which_urls_were_gone() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "SNAPSHOT.json",
        r#"{"entries": [{"url": "https://x.example/a/1", "status": 410, "fetched_at": "2026-01-01T00:00:00Z"},
                        {"url": "https://x.example/a/2", "status": 200}]}"#,
    );
    let s = TrustStore::load(tmp.path()).unwrap();
    assert_eq!(s.gone("https://x.example/a/1"), Some("2026-01-01T00:00:00Z"));
    assert_eq!(s.gone("https://x.example/a/2"), None);
    assert!(s.skipped().is_empty());
}

#[test]
fn aliases_reach_documents_served_elsewhere() {
    let mut s = TrustStore::empty_configured();
    s.add(
        json!({"id": "https://b.example/list", "type": ["VerifiableCredential", "BitstringStatusListCredential"]}),
        "l.json",
    )
    .unwrap();
    let mut p = TrustPolicy::default();
    p.aliases.insert("https://a.example/list".into(), "https://b.example/list".into());
    s.set_policy(p);
    assert!(s.status_list("https://a.example/list").is_some());
    assert!(s.status_list("https://c.example/list").is_none());
}

#[test]
fn default_store_is_not_configured() {
    let s = TrustStore::default();
    assert!(!s.is_configured());
    assert!(s.is_empty());
}

#[test]
fn a_pulled_document_never_displaces_one_placed_by_hand() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "a-hand.json", r#"{"id": "https://x.example/i", "type": "Profile", "name": "Hand"}"#);
    write(tmp.path(), "pulled/0a.json", r#"{"id": "https://x.example/i", "type": "Profile", "name": "Pulled"}"#);
    write(tmp.path(), "z-hand.json", r#"{"id": "https://x.example/j", "type": "Profile", "name": "J"}"#);
    write(
        tmp.path(),
        "SNAPSHOT.json",
        r#"{"entries": [{"url": "https://x.example/i", "status": 200, "file": "pulled/0a.json", "id": "https://x.example/i"}]}"#,
    );
    let s = TrustStore::load(tmp.path()).unwrap();
    assert_eq!(s.profile("https://x.example/i").and_then(|p| p.get("name")).and_then(Value::as_str), Some("Hand"));
    assert_eq!(s.skipped().len(), 1);
    assert_eq!(s.skipped()[0].path, "pulled/0a.json");
    assert!(s.issuer_known("https://x.example/i").is_some(), "placed by hand");
}

#[test]
fn a_pulled_profile_does_not_make_its_issuer_known() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "pulled/0b.json", r#"{"id": "https://y.example/i", "type": "Profile", "name": "Pulled"}"#);
    write(
        tmp.path(),
        "SNAPSHOT.json",
        r#"{"entries": [{"url": "https://y.example/i/", "status": 200, "file": "pulled/0b.json", "id": "https://y.example/i"}]}"#,
    );
    let s = TrustStore::load(tmp.path()).unwrap();
    assert!(s.profile("https://y.example/i").is_some());
    assert!(s.profile("https://y.example/i/").is_some(), "reached from its URL through the snapshot alias");
    assert!(s.issuer_known("https://y.example/i").is_none());
}
