//! A corpus of malformed badge inputs, generated here: every one yields a reject with a reason
//! or a credential with problems (→ `malformed` in verify), never a panic or a stack overflow,
//! and the counts reconcile.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use skillmatch::ingest::{COUNT_KINDS, IngestOutput, IngestSpec, MAX_FIELD_BYTES, ingest};

const TEN_MB: usize = 10 << 20;

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 12);
    out.extend_from_slice(&u32::try_from(data.len()).expect("chunk fits").to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
    out
}

fn png(extra: &[Vec<u8>]) -> Vec<u8> {
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    out.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]));
    for c in extra {
        out.extend_from_slice(c);
    }
    out.extend(chunk(b"IDAT", &[]));
    out.extend(chunk(b"IEND", &[]));
    out
}

fn zlib(data: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).expect("compress");
    enc.finish().expect("compress")
}

fn b64(v: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(v)
}

fn assertion() -> Value {
    json!({
        "@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "urn:uuid:ok",
        "recipient": {"type": "email", "hashed": false, "identity": "ann@example.org"},
        "issuedOn": "2024-01-15T00:00:00Z", "verification": {"type": "hosted"},
        "badge": {"type": "BadgeClass", "id": "https://issuer.example/b/sql", "name": "SQL Fundamentals",
                  "issuer": {"id": "https://issuer.example/org", "name": "Example Academy"},
                  "alignment": [{"targetName": "SQL"}], "tags": ["databases"]}
    })
}

fn credential() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:uuid:vc",
        "type": ["VerifiableCredential", "OpenBadgeCredential"], "issuer": "did:example:issuer",
        "validFrom": "2024-02-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:ann", "achievement": {"id": "urn:a", "name": "Data Literacy"}}
    })
}

/// `base` with the member at `pointer` (a JSON pointer to an object member) set to `value`.
fn with(base: Value, pointer: &str, value: Value) -> Vec<u8> {
    let mut v = base;
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    match v.pointer_mut(parent).and_then(Value::as_object_mut) {
        Some(obj) => {
            obj.insert(key.to_string(), value);
        }
        None => panic!("no object at {parent} in the template"),
    }
    serde_json::to_vec_pretty(&v).expect("serialize")
}

/// The corpus: file name → bytes. Every entry is malformed in a different way.
fn corpus() -> Vec<(&'static str, Vec<u8>)> {
    let ok = serde_json::to_vec(&assertion()).expect("serialize");
    let huge_name = "A".repeat(TEN_MB);
    let many_tags: Vec<String> = (0..5000).map(|i| format!("tag {i}")).collect();
    let jws_header = b64(r#"{"alg":"RS256"}"#);
    vec![
        // JSON syntax and encoding
        ("json_truncated.json", ok[..ok.len() / 2].to_vec()),
        ("json_empty.json", Vec::new()),
        ("json_whitespace.json", b"  \n\t\n".to_vec()),
        ("json_invalid_utf8.json", b"{\"type\": \"Assertion\", \"id\": \"caf\xE9\"}".to_vec()),
        ("json_nul_bytes.json", b"{\"type\": \"Assertion\",\0\0 \"id\": \"x\"}".to_vec()),
        ("json_only_nul.json", vec![0u8; 64]),
        ("json_null.json", b"null".to_vec()),
        ("json_number.json", b"42".to_vec()),
        ("json_array_of_assertions.json", serde_json::to_vec(&json!([assertion()])).expect("json")),
        ("json_deep_arrays.json", "[".repeat(100_000).into_bytes()),
        ("json_deep_objects.json", "{\"a\":".repeat(100_000).into_bytes()),
        ("json_deep_closed.json", format!("{}{}", "[".repeat(50_000), "]".repeat(50_000)).into_bytes()),
        ("json_huge_string.json", serde_json::to_vec(&Value::String("x".repeat(TEN_MB))).expect("json")),
        ("json_garbage.txt", b"this is not a badge at all".to_vec()),
        // OB 2.0 wrong types
        ("ob2_recipient_number.json", with(assertion(), "/recipient", json!(12345))),
        ("ob2_badge_array.json", with(assertion(), "/badge", json!([1, 2]))),
        ("ob2_issued_on_object.json", with(assertion(), "/issuedOn", json!({"date": "2024-01-01"}))),
        ("ob2_expires_array.json", with(assertion(), "/expires", json!(["2030-01-01"]))),
        ("ob2_issued_on_invalid_date.json", with(assertion(), "/issuedOn", json!("2023-02-30"))),
        ("ob2_alignment_string.json", with(assertion(), "/badge/alignment", json!("SQL"))),
        ("ob2_alignment_numbers.json", with(assertion(), "/badge/alignment", json!([1, 2]))),
        ("ob2_tags_nested_arrays.json", with(assertion(), "/badge/tags", json!([["a"], ["b"]]))),
        ("ob2_bad_hash.json", with(assertion(), "/recipient", json!({"hashed": true, "identity": "sha256$abc"}))),
        ("ob2_huge_name.json", with(assertion(), "/badge/name", json!(huge_name))),
        ("ob2_many_tags.json", with(assertion(), "/badge/tags", json!(many_tags))),
        // OB 3.0 wrong types
        ("ob3_subject_string.json", with(credential(), "/credentialSubject", json!("did:example:ann"))),
        ("ob3_achievement_number.json", with(credential(), "/credentialSubject/achievement", json!(7))),
        ("ob3_valid_from_object.json", with(credential(), "/validFrom", json!({"y": 2024}))),
        ("ob3_issuer_number.json", with(credential(), "/issuer", json!(99))),
        ("ob3_alignment_string.json", with(credential(), "/credentialSubject/achievement", json!({"name": "N", "alignment": "x"}))),
        // Credly
        ("credly_template_string.json", serde_json::to_vec(&json!({"data": [{"id": "c", "badge_template": "SQL"}]})).expect("json")),
        ("credly_entry_number.json", serde_json::to_vec(&json!({"data": [5]})).expect("json")),
        ("credly_broken_quote.csv", b"Badge Id,Badge Name\nb1,\"unterminated\n".to_vec()),
        ("credly_no_name_column.csv", b"candidate_id,emails\nc1,a@example.org\n".to_vec()),
        ("credly_short_row.csv", b"Badge Id,Badge Name,State\nb1,SQL\n".to_vec()),
        ("credly_invalid_utf8.csv", b"Badge Id,Badge Name\nb1,caf\xE9\n".to_vec()),
        ("credly_empty.csv", Vec::new()),
        // CLR
        ("clr_entry_number.json", serde_json::to_vec(&json!({"type": ["VerifiableCredential", "ClrCredential"],
            "credentialSubject": {"verifiableCredential": [3]}})).expect("json")),
        // Compact JWS
        ("jws_bad_base64.jws", format!("{jws_header}.@@not-base64@@.c2ln").into_bytes()),
        ("jws_two_parts.jwt", format!("{jws_header}.{}", b64("{}")).into_bytes()),
        ("jws_payload_not_json.jws", format!("{jws_header}.{}.c2ln", b64("hello")).into_bytes()),
        ("jws_payload_array.jws", format!("{jws_header}.{}.c2ln", b64("[1]")).into_bytes()),
        ("jws_bad_header.jws", format!("eyJub3Q.{}.c2ln", b64(assertion().to_string())).into_bytes()),
        ("jws_vc_claim_string.jwt", format!("{jws_header}.{}.c2ln", b64(json!({"vc": "x", "type": "VerifiableCredential"}).to_string())).into_bytes()),
        ("jws_deep_payload.jws", format!("{jws_header}.{}.c2ln", b64("[".repeat(100_000))).into_bytes()),
        // PNG
        ("png_truncated_chunk.png", {
            let mut p = png(&[chunk(b"tEXt", &[b"openbadges\0".as_slice(), &ok].concat())]);
            p.truncate(60);
            p
        }),
        ("png_bad_crc.png", {
            let mut c = chunk(b"iTXt", &[b"openbadges\0\0\0\0\0".as_slice(), &ok].concat());
            if let Some(b) = c.last_mut() {
                *b ^= 1;
            }
            png(&[c])
        }),
        ("png_garbage_text.png", png(&[chunk(b"tEXt", b"openbadges\0not json, not a url")])),
        ("png_bad_json.png", png(&[chunk(b"tEXt", b"openbadges\0{\"type\": \"Assertion\",")])),
        ("png_corrupt_zlib.png", png(&[chunk(b"zTXt", b"openbadges\0\0this is not zlib")])),
        ("png_bomb_16mib.png", png(&[chunk(b"zTXt", &[b"openbadges\0\0".as_slice(), &zlib(&vec![b' '; 16 << 20])].concat())])),
        ("png_no_badge.png", png(&[chunk(b"tEXt", b"Comment\0just an image")])),
        ("png_signature_only.png", vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]),
        ("png_huge_length.png", {
            let mut p = png(&[]);
            p.truncate(8);
            p.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xF0, b't', b'E', b'X', b't', 1, 2, 3]);
            p
        }),
        ("png_not_a_png.png", b"GIF89a not a png".to_vec()),
        // SVG
        ("svg_broken_xml.svg", b"<svg xmlns:openbadges=\"http://openbadges.org\"><g><openbadges:assertion>".to_vec()),
        ("svg_mismatched_tags.svg", b"<svg><g></svg>".to_vec()),
        ("svg_undefined_entity.svg", b"<!DOCTYPE svg [<!ENTITY lol \"lol\">]><svg xmlns:openbadges=\"http://openbadges.org\"><openbadges:assertion>&lol;</openbadges:assertion></svg>".to_vec()),
        ("svg_bad_json.svg", b"<svg xmlns:openbadges=\"http://openbadges.org\"><openbadges:assertion><![CDATA[{\"a\": ]]></openbadges:assertion></svg>".to_vec()),
        ("svg_empty_assertion.svg", b"<svg xmlns:openbadges=\"http://openbadges.org\"><openbadges:assertion/></svg>".to_vec()),
        ("svg_invalid_utf8.svg", b"<svg>\xFF\xFE</svg>".to_vec()),
        ("svg_deep_nesting.svg", format!("<svg>{}", "<g>".repeat(100_000)).into_bytes()),
    ]
}

fn run(dir: &Path) -> IngestOutput {
    let out = ingest(&IngestSpec { badges: vec![dir.to_path_buf()], ..Default::default() }).expect("ingest");
    for kind in COUNT_KINDS {
        let c = out.counts[kind];
        assert_eq!(c.read, c.accepted + c.rejected, "counts of {kind} do not reconcile: {c:?}");
    }
    let rejected: u64 = out.counts.values().map(|c| c.rejected).sum();
    assert_eq!(rejected as usize, out.rejects.len());
    assert_eq!(out.counts["badge"].accepted as usize, out.credentials.len());
    out
}

#[test]
fn every_malformed_input_is_rejected_or_flagged_with_a_reason() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = corpus();
    assert!(corpus.len() >= 30, "at least 30 malformed inputs");
    let mut paths: Vec<PathBuf> = Vec::new();
    for (name, bytes) in &corpus {
        let p = tmp.path().join(name);
        std::fs::write(&p, bytes).expect("write corpus file");
        paths.push(p);
    }
    let out = run(tmp.path());
    assert_eq!(out.files.len(), corpus.len(), "every file is walked and in the manifest");

    let mut report = Vec::new();
    for (name, _) in &corpus {
        let suffix = format!("/{name}");
        let rejects: Vec<&str> =
            out.rejects.iter().filter(|r| r.path.ends_with(&suffix)).map(|r| r.reason.as_str()).collect();
        let creds: Vec<_> = out.credentials.iter().filter(|c| c.source.path.ends_with(&suffix)).collect();
        assert!(!rejects.is_empty() || !creds.is_empty(), "{name}: neither rejected nor read");
        assert!(rejects.iter().all(|r| !r.trim().is_empty()), "{name}: a reject without a reason");
        for c in &creds {
            assert!(!c.problems.is_empty(), "{name}: credential {} has no problem: {c:?}", c.credential_id);
            assert!(c.problems.iter().all(|p| !p.to_string().trim().is_empty()));
        }
        report.push(format!(
            "{name}: {} reject(s) {:?}, {} flagged credential(s)",
            rejects.len(),
            rejects,
            creds.len()
        ));
    }
    // A few reasons are worth pinning down.
    let reason = |name: &str| -> String {
        out.rejects.iter().filter(|r| r.path.ends_with(&format!("/{name}"))).map(|r| r.reason.clone()).collect()
    };
    let problems = |name: &str| -> String {
        out.credentials
            .iter()
            .filter(|c| c.source.path.ends_with(&format!("/{name}")))
            .flat_map(|c| c.problems.iter().map(ToString::to_string))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    assert!(reason("json_deep_arrays.json").contains("recursion limit"), "{}", reason("json_deep_arrays.json"));
    assert!(reason("json_empty.json").contains("empty file"));
    assert!(reason("json_invalid_utf8.json").contains("invalid UTF-8"));
    assert!(reason("png_truncated_chunk.png").starts_with("truncated PNG"), "{}", reason("png_truncated_chunk.png"));
    assert!(reason("png_bomb_16mib.png").contains("decompression bomb"));
    assert!(reason("svg_broken_xml.svg").contains("SVG"), "{}", reason("svg_broken_xml.svg"));
    assert!(reason("jws_bad_base64.jws").contains("base64url"), "{}", reason("jws_bad_base64.jws"));
    assert!(problems("ob2_recipient_number.json").contains("recipient is a number"));
    assert!(problems("ob2_badge_array.json").contains("badge is an array"));
    assert!(problems("ob2_issued_on_object.json").contains("issuedOn: expected a date string, found an object"));
    assert!(problems("ob2_alignment_string.json").contains("badge.alignment is a string"));
    assert!(problems("ob2_huge_name.json").contains(&format!("above the {MAX_FIELD_BYTES}-byte limit")));
    assert!(problems("ob2_many_tags.json").contains("more than 1000 skills"));
    assert!(problems("jws_bad_header.jws").contains("JWS header"));
    let huge = out.credentials.iter().find(|c| c.source.path.ends_with("/ob2_huge_name.json")).expect("huge name read");
    assert!(huge.achievement.as_ref().is_some_and(|a| a.len() <= MAX_FIELD_BYTES));
    eprintln!("{}", report.join("\n"));
}

#[test]
fn bom_prefixed_json_parses_cleanly() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(serde_json::to_vec_pretty(&assertion()).expect("json"));
    std::fs::write(tmp.path().join("bom.json"), &bytes).expect("write");
    let mut vc = b"\xEF\xBB\xBF".to_vec();
    vc.extend(serde_json::to_vec(&credential()).expect("json"));
    std::fs::write(tmp.path().join("bom_vc.jsonld"), &vc).expect("write");
    let out = run(tmp.path());
    assert!(out.rejects.is_empty(), "{:?}", out.rejects);
    assert_eq!(out.credentials.len(), 2);
    assert!(out.credentials.iter().all(|c| c.problems.is_empty()), "{:?}", out.credentials);
}
