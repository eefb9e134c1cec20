//! Tests of the offline JSON-LD loader, RDFC-1.0 against the 1EdTech test vectors, and safe mode.

use serde_json::{Value, json};

use super::*;

fn fixture(rel: &str) -> String {
    let path = format!("{}/tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The signed credential split into (document without proof, proof configuration).
fn split(signed: &Value) -> (Value, Value) {
    let mut doc = signed.clone();
    let proof = doc.as_object_mut().and_then(|m| m.remove("proof")).unwrap();
    let mut proof = match proof {
        Value::Array(mut a) => a.remove(0),
        p => p,
    };
    let p = proof.as_object_mut().unwrap();
    p.remove("proofValue");
    p.insert("@context".into(), doc["@context"].clone());
    (doc, proof)
}

#[test]
fn reproduces_the_ob_and_clr_test_vectors_exactly() {
    for (name, dir) in [("ob", "obv3p0"), ("clr", "clrv2p0")] {
        let signed: Value = serde_json::from_str(&fixture(&format!(
            "1edtech-vectors/impl-linked-data-proof-{name}__signed-credential.json"
        )))
        .unwrap();
        let (doc, proof) = split(&signed);
        let doc_canon = canonical_nquads(&doc).unwrap();
        let proof_canon = canonical_nquads(&proof).unwrap();
        assert_eq!(doc_canon, fixture(&format!("1edtech-vectors/{dir}/document-canon.txt")), "{name} document");
        assert_eq!(proof_canon, fixture(&format!("1edtech-vectors/{dir}/proof-canon.txt")), "{name} proof");
    }
}

#[test]
fn the_loader_refuses_unbundled_urls() {
    let doc =
        json!({"@context": ["https://www.w3.org/ns/credentials/v2", "https://evil.example/ctx.json"], "id": "urn:x"});
    assert_eq!(to_quads(&doc).unwrap_err(), JsonLdError::Refused("https://evil.example/ctx.json".into()));
    assert!(load_context("https://www.w3.org/ns/credentials/v2").is_ok());
    assert!(load_context("http://www.w3.org/ns/credentials/v2").is_err(), "only the exact bundled URL");
}

#[test]
fn the_embedded_table_matches_index_json() {
    let index: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{}/datasets/jsonld-contexts/index.json", env!("CARGO_MANIFEST_DIR")))
            .unwrap(),
    )
    .unwrap();
    let map = index.as_object().unwrap();
    assert_eq!(map.len(), contexts::CONTEXTS.len());
    for (url, entry) in map {
        let file = entry["file"].as_str().unwrap();
        let on_disk = std::fs::read(format!("{}/datasets/jsonld-contexts/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        assert_eq!(contexts::get(url), Some(on_disk.as_slice()), "{url}");
        let parsed: Value = serde_json::from_slice(&on_disk).unwrap();
        assert!(parsed.get("@context").is_some(), "{file} is a context document");
    }
}

#[test]
fn safe_mode_accepts_fully_defined_documents() {
    let signed: Value =
        serde_json::from_str(&fixture("1edtech-vectors/impl-linked-data-proof-clr__signed-credential.json")).unwrap();
    let (doc, _) = split(&signed);
    assert_eq!(safe::check_coverage(&doc), Ok(()));
}

#[test]
fn safe_mode_refuses_dropped_terms_and_relative_ids() {
    // VC 1.1 has no @vocab: an undefined top-level term is dropped by expansion.
    let base = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:1", "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:example:1", "type": "Profile", "name": "I"},
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"type": "AchievementSubject", "achievement": {"id": "urn:a", "type": "Achievement", "name": "A",
            "criteria": {"narrative": "n"}, "description": "d"}}
    });
    assert_eq!(safe::check_coverage(&base), Ok(()));

    let mut dropped = base.clone();
    dropped["undefinedClaim"] = json!("anything goes");
    let err = safe::check_coverage(&dropped).unwrap_err();
    assert!(err.contains("$.undefinedClaim"), "{err}");

    let mut relative = base.clone();
    relative["credentialSubject"]["id"] = json!("candidate-7");
    let err = safe::check_coverage(&relative).unwrap_err();
    assert!(err.contains("relative IRI"), "{err}");

    let mut bad_type = base;
    bad_type["credentialSubject"]["achievement"]["type"] = json!(["Achievement", "NotATerm"]);
    let err = safe::check_coverage(&bad_type).unwrap_err();
    assert!(err.contains("type value"), "{err}");
}

#[test]
fn shapes_ignore_values_but_not_structure() {
    let a = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:a", "name": "x", "n": 1});
    let b = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:b", "name": "y", "n": 2});
    let c = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:b", "name": "y:z", "n": 2});
    let d = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:b", "other": "y", "n": 2});
    let e = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "b", "name": "y", "n": 2});
    assert_eq!(safe::fingerprint(&a), safe::fingerprint(&b));
    assert_ne!(safe::fingerprint(&b), safe::fingerprint(&c), "IRI shape of a value matters");
    assert_ne!(safe::fingerprint(&b), safe::fingerprint(&d), "keys matter");
    assert_ne!(safe::fingerprint(&b), safe::fingerprint(&e), "a relative id matters");
    let memo = safe::ShapeMemo::default();
    let first = safe::check_coverage_cached(&a, &memo);
    assert_eq!(safe::check_coverage_cached(&b, &memo), first);
    assert_eq!(first, safe::check_coverage(&a));
}

/// Every JSON value under `dir` (recursively) with its path.
fn json_fixtures(dir: &std::path::Path, out: &mut Vec<(String, Value)>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            json_fixtures(&p, out);
        } else if p.extension().is_some_and(|x| x == "json")
            && let Ok(v) = serde_json::from_str::<Value>(&std::fs::read_to_string(&p).unwrap())
        {
            out.push((p.display().to_string(), v));
        }
    }
}

/// The template path equals the general path (value and error kind) on `doc`; returns whether
/// the template applied.
fn same_as_general(name: &str, doc: &Value) -> bool {
    let general = canonical_nquads_general(doc);
    match template::canonical_nquads(doc) {
        Some(fast) => {
            assert_eq!(fast.as_ref().ok(), general.as_ref().ok(), "{name}: template and general path differ");
            assert_eq!(canonical_nquads(doc), general, "{name}");
            fast.is_ok()
        }
        None => {
            assert_eq!(canonical_nquads(doc), general, "{name}");
            false
        }
    }
}

#[test]
fn the_template_path_matches_the_general_path_on_every_fixture() {
    let mut docs = Vec::new();
    json_fixtures(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"), &mut docs);
    let mut templated = 0;
    let mut total = 0;
    for (name, signed) in &docs {
        if signed.get("proof").is_none() {
            continue;
        }
        let unsecured = crate::verify::proof::unsecured(signed);
        total += 2;
        // Twice: the first builds the template, the second instantiates it from the cache.
        for _ in 0..2 {
            templated += usize::from(same_as_general(name, &unsecured));
        }
        for p in crate::verify::proof::proofs(signed) {
            let options = crate::verify::proof::proof_options(p, &unsecured);
            for _ in 0..2 {
                templated += usize::from(same_as_general(&format!("{name} proof"), &options));
            }
        }
    }
    assert!(total >= 40, "{total} documents");
    assert!(templated >= total, "the template path applied to only {templated} of {total}×2 documents");
}

#[test]
fn the_template_path_falls_back_or_agrees_on_value_dependent_shapes() {
    let ctx =
        json!(["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]);
    let base = |id: Value, name: Value, extra: (&str, Value)| {
        let mut d = json!({"@context": ctx, "id": id, "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "type": ["Profile"], "name": name},
            "validFrom": "2025-01-01T00:00:00Z", "name": "n",
            "credentialSubject": {"type": ["AchievementSubject"], "achievement": {"id": "https://a.example/1",
                "type": ["Achievement"], "name": "A", "criteria": {"narrative": "n"}}}});
        d[extra.0] = extra.1;
        d
    };
    let cases = [
        // invalid absolute IRIs in @id positions (general path drops or keeps them)
        base(json!("urn:uuid:1"), json!("x"), ("description", json!("d"))),
        base(json!("https://exa mple/1"), json!("x"), ("description", json!("d"))),
        base(json!("urn:has space"), json!("x"), ("description", json!("d"))),
        base(json!("relative/id"), json!("x"), ("description", json!("d"))),
        base(json!("_:b0"), json!("x"), ("description", json!("d"))),
        // values that are terms / keywords / compact IRIs with a defined prefix
        base(json!("xsd:string"), json!("id"), ("description", json!("@id"))),
        base(json!("urn:uuid:2"), json!("VerifiableCredential"), ("description", json!("xsd:dateTime"))),
        // undefined term (dropped data), numbers, booleans, the marker itself
        base(json!("urn:uuid:3"), json!(1.5), ("undefinedTerm", json!("v"))),
        base(json!("urn:uuid:4"), json!(true), ("description", json!("x-skillmatch-slot-0"))),
        base(
            json!("urn:uuid:5"),
            json!({"@value": "v", "@language": "en"}),
            ("description", json!({"@value": "w", "@type": "@json"})),
        ),
        base(
            json!("urn:uuid:6"),
            json!("x"),
            (
                "@context",
                json!(["https://www.w3.org/ns/credentials/v2", {"@vocab": "https://v.example/#", "foo": {"@type": "@vocab"}}]),
            ),
        ),
        // an inline context that defines a value as a term
        base(
            json!("urn:uuid:7"),
            json!("mine"),
            (
                "@context",
                json!(["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", {"mine": "https://m.example/mine", "name": {"@id": "https://schema.org/name", "@type": "@vocab"}}]),
            ),
        ),
        // an unbundled context: the error comes from the general path
        base(json!("urn:uuid:8"), json!("x"), ("@context", json!(["https://evil.example/ctx"]))),
    ];
    for (i, doc) in cases.iter().enumerate() {
        for _ in 0..2 {
            same_as_general(&format!("case {i}"), doc);
        }
    }
}
