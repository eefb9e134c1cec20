//! The verification gaps of issue 14, each with credentials and status lists really signed in
//! the test (Ed25519 / P-256 from the crypto crates): status lists secured as VC-JWT (valid,
//! revoked, suspended, expired, tampered, signed by a key the issuer does not list), OB 3.0
//! baked PNG / SVG, a credential without a recipient, and stray files in the trust folder.
#![allow(clippy::unwrap_used)] // fixture builders outside #[test] functions unwrap known-good inputs

mod trust_common;

use serde_json::{Value, json};
use skillmatch::verify::{Status, TrustStore};
use trust_common::*;

const REV: &str = "https://issuer.example/status/rev";
const SUSP: &str = "https://issuer.example/status/susp";
const REV11: &str = "https://issuer.example/status/rev-vc11";
const EXPIRED: &str = "https://issuer.example/status/expired";
const TAMPERED: &str = "https://issuer.example/status/tampered";
const ROGUE: &str = "https://issuer.example/status/rogue";

/// The trust folder: the DID document, and status lists secured as VC-JWT in every form the
/// store reads (a `.jwt` file, a `.json` file holding the JWT as a JSON string, VC 1.1 and 2.0).
fn jwt_trust() -> (tempfile::TempDir, TrustStore) {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "dids/issuer.json", &did_document().to_string());
    write(d, "status/rev.jwt", &status_list_jwt(REV, "revocation", &[3], None));
    write(d, "status/susp.json", &Value::String(status_list_jwt(SUSP, "suspension", &[5], None)).to_string());
    write(d, "status/rev-vc11.jwt", &format!("{}\n", status_list_jwt_vc11(REV11, "revocation", &[9])));
    write(d, "status/expired.jwt", &status_list_jwt(EXPIRED, "revocation", &[1], Some("2025-12-31T00:00:00Z")));
    // Tampered: a list signed with index 7 revoked, then edited to clear it, signature kept.
    let signed = status_list_jwt(TAMPERED, "revocation", &[7], None);
    write(d, "status/tampered.jwt", &swap_payload(&signed, &status_list_payload(TAMPERED, "revocation", &[], None)));
    // Signed by a key the issuer does not list, which the token carries itself.
    let rogue_jwk = json!({"kty": "OKP", "crv": "Ed25519",
                           "x": base64_url(rogue_ed_key().verifying_key().as_bytes())});
    write(
        d,
        "status/rogue.jwt",
        &sign_jws(
            &json!({"alg": "EdDSA", "jwk": rogue_jwk}),
            &status_list_payload(ROGUE, "revocation", &[], None),
            Jose::Ed(&rogue_ed_key()),
        ),
    );
    write(d, "policy.toml", &policy(&[]));
    let store = TrustStore::load(d).unwrap();
    assert!(store.skipped().is_empty(), "{:?}", store.skipped());
    (tmp, store)
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn jwt_file(status: &[(&str, &str, u64)]) -> Vec<u8> {
    ob3_jwt(Some(ALICE), status).into_bytes()
}

#[test]
fn jwt_status_lists_revoke_suspend_and_clear() {
    let (_dir, store) = jwt_trust();
    let (out, got) = verify_files(
        &[
            ("clear.jwt", jwt_file(&[("revocation", REV, 4), ("suspension", SUSP, 4)])),
            ("revoked.jwt", jwt_file(&[("revocation", REV, 3)])),
            ("suspended.jwt", jwt_file(&[("suspension", SUSP, 5)])),
            ("vc11-clear.jwt", jwt_file(&[("revocation", REV11, 8)])),
            ("vc11-revoked.jwt", jwt_file(&[("revocation", REV11, 9)])),
        ],
        &store,
    );
    assert!(out.rejects.is_empty(), "{:?}", out.rejects);
    assert_statuses(
        &got,
        &[
            ("clear.jwt", Status::Verified),
            ("revoked.jwt", Status::Revoked),
            ("suspended.jwt", Status::Suspended),
            ("vc11-clear.jwt", Status::Verified),
            ("vc11-revoked.jwt", Status::Revoked),
        ],
    );
    assert!(detail(result(&got, "revoked.jwt"), "revocation").contains("revoked at index 3"));
    assert!(detail(result(&got, "suspended.jwt"), "revocation").contains("suspended at index 5"));
}

#[test]
fn expired_tampered_and_rogue_jwt_lists_are_never_relied_on() {
    let (_dir, store) = jwt_trust();
    let (_, got) = verify_files(
        &[
            ("expired-list.jwt", jwt_file(&[("revocation", EXPIRED, 2)])),
            ("tampered-list.jwt", jwt_file(&[("revocation", TAMPERED, 7)])),
            ("rogue-list.jwt", jwt_file(&[("revocation", ROGUE, 0)])),
        ],
        &store,
    );
    // None of these lists can say "not revoked": the credentials are not verified.
    assert_statuses(
        &got,
        &[
            ("expired-list.jwt", Status::Unverifiable),
            ("tampered-list.jwt", Status::Unverifiable),
            ("rogue-list.jwt", Status::Unverifiable),
        ],
    );
    let expired = detail(result(&got, "expired-list.jwt"), "revocation");
    assert!(expired.contains("expired 2025-12-31") && expired.contains("fail_closed"), "{expired}");
    let tampered = detail(result(&got, "tampered-list.jwt"), "revocation");
    assert!(tampered.contains("JWT signature does not check out"), "{tampered}");
    let rogue = detail(result(&got, "rogue-list.jwt"), "revocation");
    assert!(rogue.contains("never trusted"), "{rogue}");
}

#[test]
fn an_expired_list_still_counts_while_the_as_of_day_is_inside_its_window() {
    let (_dir, store) = jwt_trust();
    let v = skillmatch::verify::verify_one(
        {
            let tmp = tempfile::tempdir().unwrap();
            let f = tmp.path().join("a.jwt");
            std::fs::write(&f, jwt_file(&[("revocation", EXPIRED, 1)])).unwrap();
            let mut out =
                skillmatch::ingest::ingest(&skillmatch::ingest::IngestSpec { badges: vec![f], ..Default::default() })
                    .unwrap();
            let mut c = out.credentials.remove(0);
            c.candidate_id = Some("c1".into());
            c
        },
        &roster(),
        chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap(),
        &skillmatch::verify::VerifyPolicy::default(),
        &store,
    );
    assert_eq!(v.status, Status::Revoked, "{:#?}", v.checks);
}

// ---------------------------------------------------------------------------------------------
// OB 3.0 baked images.

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
    out
}

/// A real PNG (the shared public-domain heart when present, else a minimal 1×1 image) with an
/// `openbadgecredential` iTXt chunk inserted after IHDR.
fn bake_png(text: &str, compressed: bool) -> Vec<u8> {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/openbadges-baked-images/public_domain_heart.png");
    let base = std::fs::read(&shared).unwrap_or_else(|_| {
        let mut p = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        p.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]));
        p.extend(png_chunk(b"IDAT", &[]));
        p.extend(png_chunk(b"IEND", &[]));
        p
    });
    let mut data = b"openbadgecredential\0".to_vec();
    if compressed {
        use std::io::Write as _;
        data.extend_from_slice(&[1, 0, 0, 0]);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(text.as_bytes()).unwrap();
        data.extend(z.finish().unwrap());
    } else {
        data.extend_from_slice(&[0, 0, 0, 0]);
        data.extend_from_slice(text.as_bytes());
    }
    let ihdr_end = 8 + 8 + 13 + 4;
    let mut out = base[..ihdr_end].to_vec();
    out.extend(png_chunk(b"iTXt", &data));
    out.extend_from_slice(&base[ihdr_end..]);
    out
}

fn bake_svg(content: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\" width=\"10\" height=\"10\">\
         <openbadges:credential><![CDATA[{content}]]></openbadges:credential><rect width=\"10\" height=\"10\"/></svg>"
    )
    .into_bytes()
}

#[test]
fn ob3_baked_png_and_svg_verify_like_the_credential_inside() {
    let (_dir, store) = jwt_trust();
    let jwt = ob3_jwt(Some(ALICE), &[("revocation", REV, 4)]);
    let revoked = ob3_jwt(Some(ALICE), &[("revocation", REV, 3)]);
    let tampered = {
        let mut p = ob3(DID, Some(ALICE), "2025-01-01T00:00:00Z", &[("revocation", REV, 4)]);
        p["iss"] = json!(DID);
        p["credentialSubject"]["achievement"]["name"] = json!("Rust Expert");
        swap_payload(&jwt, &p)
    };
    let (out, got) = verify_files(
        &[
            ("png-plain.png", bake_png(&jwt, false)),
            ("png-zipped.png", bake_png(&jwt, true)),
            ("png-revoked.png", bake_png(&revoked, true)),
            ("png-tampered.png", bake_png(&tampered, false)),
            ("svg-jwt.svg", bake_svg(&jwt)),
            // An unsigned credential baked as JSON: read, but nothing vouches for it.
            ("svg-json.svg", bake_svg(&ob3(DID, Some(ALICE), "2025-01-01T00:00:00Z", &[]).to_string())),
        ],
        &store,
    );
    assert!(out.rejects.is_empty(), "{:?}", out.rejects);
    assert_statuses(
        &got,
        &[
            ("png-plain.png", Status::Verified),
            ("png-zipped.png", Status::Verified),
            ("png-revoked.png", Status::Revoked),
            ("png-tampered.png", Status::InvalidSignature),
            ("svg-jwt.svg", Status::Verified),
            ("svg-json.svg", Status::Unverifiable),
        ],
    );
    let svg = result(&got, "svg-json.svg");
    assert_eq!(svg.credential.format.as_str(), "ob3");
    assert!(svg.credential.source.position.starts_with("openbadges:credential at byte "));
    assert!(result(&got, "png-zipped.png").credential.source.position.starts_with("iTXt chunk at byte "));
}

#[test]
fn an_ob3_png_chunk_that_inflates_past_the_limit_is_rejected() {
    let bomb = "x".repeat(skillmatch::ingest::BAKED_TEXT_LIMIT + 10);
    let (_dir, store) = jwt_trust();
    let (out, got) = verify_files(&[("bomb.png", bake_png(&bomb, true))], &store);
    assert!(got.is_empty());
    assert_eq!(out.rejects.len(), 1);
    assert!(out.rejects[0].reason.contains("decompression bomb"), "{}", out.rejects[0].reason);
}

// ---------------------------------------------------------------------------------------------
// No recipient.

#[test]
fn a_signed_credential_naming_no_recipient_is_malformed_not_a_mismatch() {
    let (_dir, store) = jwt_trust();
    let (_, got) = verify_files(&[("nobody.jwt", ob3_jwt(None, &[]).into_bytes())], &store);
    let v = result(&got, "nobody.jwt");
    assert_eq!(v.status, Status::Malformed, "{:#?}", v.checks);
    let rec = v.checks.iter().find(|c| c.check == "recipient").unwrap();
    assert_eq!(rec.implies, Some(Status::Malformed));
    assert!(rec.detail.contains("names no recipient"), "{}", rec.detail);
    // Its signature is still good: only the missing recipient makes it malformed.
    assert_eq!(v.checks.iter().find(|c| c.check == "authenticity").unwrap().outcome.as_str(), "pass");
}

// ---------------------------------------------------------------------------------------------
// Stray files in the trust folder.

#[test]
fn stray_files_in_the_trust_folder_are_skipped_and_listed_not_fatal() {
    let (dir, _) = jwt_trust();
    let d = dir.path();
    write(d, "registry.json", &json!({"issuers": [{"name": "Example", "contact": "hr@example.org"}]}).to_string());
    write(d, "README.json", &json!({"title": "What is in this folder", "id": "readme", "type": "Readme"}).to_string());
    write(d, "notes.json", "{ this is not json");
    write(d, "quoted.json", "\"just a string\"");
    write(d, "not-a-list.jwt", &ob3_jwt(Some(ALICE), &[]));
    let store = TrustStore::load(d).unwrap();
    let skipped: Vec<&str> = store.skipped().iter().map(|s| s.path.as_str()).collect();
    assert_eq!(skipped, ["README.json", "not-a-list.jwt", "notes.json", "quoted.json", "registry.json"]);
    for s in store.skipped() {
        assert!(!s.reason.is_empty());
    }
    assert!(store.skipped()[0].reason.contains("Readme"), "{}", store.skipped()[0].reason);
    assert!(store.skipped()[4].reason.contains("no id"), "{}", store.skipped()[4].reason);
    // The real documents still work.
    let (_, got) = verify_files(&[("revoked.jwt", jwt_file(&[("revocation", REV, 3)]))], &store);
    assert_statuses(&got, &[("revoked.jwt", Status::Revoked)]);
}

#[test]
fn a_run_counts_stray_trust_files_and_lists_them_among_the_rejects() {
    use skillmatch::pipeline::{ProgressMode, RunRequest, run};
    let (trust, _) = jwt_trust();
    write(trust.path(), "registry.json", &json!({"issuers": ["https://issuer.example"]}).to_string());
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "roster.csv", &format!("candidate_id,emails,location\nc1,{ALICE},Lisbon\n"));
    write(d, "badges/c1/a.jwt", &ob3_jwt(Some(ALICE), &[("revocation", REV, 4)]));
    write(
        d,
        "postings.jsonl",
        &format!(
            "{}\n",
            json!({"@type": "JobPosting", "identifier": "r1", "title": "systems programmer",
                                 "description": "Rust", "skills": ["systems programming"]})
        ),
    );
    let mut config = skillmatch::config::Config::default();
    config.inputs.roster = Some(d.join("roster.csv"));
    config.inputs.badges = vec![d.join("badges")];
    config.inputs.postings = vec![d.join("postings.jsonl")];
    config.taxonomy.esco_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/taxonomy/esco-v1.2.0");
    config.verify.trust = Some(trust.path().to_path_buf());
    let req = RunRequest {
        config,
        as_of: as_of(),
        out_root: d.join("out"),
        run_id: Some("t".into()),
        threads: 1,
        progress: ProgressMode::Quiet,
        prepared: None,
    };
    let summary = run(&req).expect("a stray trust file does not stop the run");
    let counts = summary.manifest.ingest["trust"];
    // dids/issuer.json + 6 status lists accepted, registry.json rejected.
    assert_eq!((counts.read, counts.accepted, counts.rejected), (8, 7, 1), "{counts:?}");
    let rejects = std::fs::read_to_string(summary.run_dir.join("rejects.jsonl")).unwrap();
    let line = rejects.lines().find(|l| l.contains("registry.json")).unwrap_or_else(|| panic!("{rejects}"));
    let r: Value = serde_json::from_str(line).unwrap();
    assert_eq!(r["kind"], "trust");
    assert!(r["reason"].as_str().unwrap().contains("no id"), "{r}");
    let verification = std::fs::read_to_string(summary.run_dir.join("verification.csv")).unwrap();
    assert!(verification.lines().nth(1).is_some_and(|l| l.contains("verified")), "{verification}");
}
