//! Ingest of the badge formats beyond plain JSON: baked PNG/SVG images, compact JWS / VC-JWT,
//! CLR 2.0 bundles and Credly CSV exports (with mojibake repair).

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use skillmatch::ingest::{
    BadgeFormat, COUNT_KINDS, Counts, Credential, CredlyCsvMapping, HOSTED_NOT_FETCHED, IngestOutput, IngestSpec,
    ProblemKind, Recipient, VerificationKind, ingest,
};

const SPEC_EXAMPLES: &str = "/work/shared/data/openbadges-1edtech-spec-examples";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest")
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) -> PathBuf {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create fixture folder");
    }
    std::fs::write(path, bytes).expect("write fixture");
    path.to_path_buf()
}

fn run(badges: Vec<PathBuf>) -> IngestOutput {
    let out = ingest(&IngestSpec { badges, ..Default::default() }).expect("ingest");
    assert_reconciled(&out);
    out
}

fn assert_reconciled(out: &IngestOutput) {
    for kind in COUNT_KINDS {
        let c = out.counts.get(kind).copied().unwrap_or_else(|| panic!("missing count kind {kind}"));
        assert_eq!(c.read, c.accepted + c.rejected, "counts of {kind} do not reconcile: {c:?}");
    }
    let rejected: u64 = out.counts.values().map(|c| c.rejected).sum();
    assert_eq!(rejected as usize, out.rejects.len(), "every reject is counted once");
    let credentials = out.counts.get("badge").map_or(0, |c| c.accepted);
    assert_eq!(credentials as usize, out.credentials.len(), "every accepted badge record is a credential");
}

fn only<'a>(out: &'a IngestOutput, suffix: &str) -> &'a Credential {
    let found: Vec<&Credential> = out.credentials.iter().filter(|c| c.source.path.ends_with(suffix)).collect();
    assert_eq!(found.len(), 1, "one credential from {suffix}: {:?}", out.credentials);
    found[0]
}

fn reject_reason<'a>(out: &'a IngestOutput, suffix: &str) -> &'a str {
    out.rejects
        .iter()
        .find(|r| r.path.ends_with(suffix))
        .map(|r| r.reason.as_str())
        .unwrap_or_else(|| panic!("{suffix} is rejected: {:?}", out.rejects))
}

// ---------------------------------------------------------------------------------------------
// PNG helpers

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

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
    let mut out = PNG_SIGNATURE.to_vec();
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
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).expect("compress");
    enc.finish().expect("compress")
}

/// A zlib stream of `1 + 258 * matches` zero bytes, written by hand with fixed Huffman codes:
/// one literal 0, then `matches` copies of (length 258, distance 1). 13 bits per 258 bytes, so a
/// 1 GiB bomb is about 6.8 MB and takes no time to build.
fn zero_bomb(matches: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        fn push(&mut self, bit: u64) {
            self.acc |= bit << self.n;
            self.n += 1;
            if self.n == 64 {
                self.out.extend_from_slice(&self.acc.to_le_bytes());
                self.acc = 0;
                self.n = 0;
            }
        }
        /// A Huffman code, most significant bit first.
        fn code(&mut self, code: u64, len: u32) {
            for i in (0..len).rev() {
                self.push((code >> i) & 1);
            }
        }
        fn finish(mut self) -> Vec<u8> {
            let bytes = self.n.div_ceil(8) as usize;
            self.out.extend_from_slice(&self.acc.to_le_bytes()[..bytes]);
            self.out
        }
    }
    let mut bits = Bits { out: vec![0x78, 0x01], acc: 0, n: 0 };
    bits.push(1); // BFINAL
    bits.push(1); // BTYPE = 01 (fixed Huffman), least significant bit first
    bits.push(0);
    bits.code(0x30, 8); // literal 0
    for _ in 0..matches {
        bits.code(0xC5, 8); // length code 285 = 258 bytes
        bits.code(0, 5); // distance code 0 = distance 1
    }
    bits.code(0, 7); // end of block
    let mut out = bits.finish();
    let len = 1 + 258 * matches as u64;
    let adler = (((len % 65521) as u32) << 16) | 1;
    out.extend_from_slice(&adler.to_be_bytes());
    out
}

// ---------------------------------------------------------------------------------------------
// JWS helpers

fn b64(v: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(v)
}

fn compact(header: &Value, payload: &Value) -> String {
    format!("{}.{}.{}", b64(header.to_string()), b64(payload.to_string()), b64([7u8; 64]))
}

fn ob2_assertion(id: &str) -> Value {
    json!({
        "@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": id,
        "recipient": {"type": "email", "hashed": false, "identity": "ann@example.org"},
        "issuedOn": "2024-01-15T00:00:00Z", "verification": {"type": "SignedBadge", "creator": "https://issuer.example/key"},
        "badge": {"type": "BadgeClass", "id": "https://issuer.example/b/sql", "name": "SQL Fundamentals",
                  "issuer": {"id": "https://issuer.example/org", "type": "Profile", "name": "Example Academy"},
                  "alignment": [{"targetName": "SQL", "targetUrl": "http://data.europa.eu/esco/skill/sql"}]}
    })
}

fn ob3_credential(id: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": id, "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "Example Issuer"},
        "validFrom": "2024-02-01T00:00:00Z",
        "credentialSubject": {"type": ["AchievementSubject"], "id": "did:example:ann",
            "achievement": {"id": "urn:uuid:ach-1", "type": ["Achievement"], "name": "Data Literacy",
                            "tag": ["data analysis"]}}
    })
}

// ---------------------------------------------------------------------------------------------

#[test]
fn baked_png_and_svg_fixtures() {
    let out = run(vec![fixtures().join("baked")]);
    assert_eq!(out.counts["badge"], Counts { read: 4, accepted: 2, rejected: 2 });

    let png = only(&out, "baked_heart.png");
    assert_eq!(png.format, BadgeFormat::Ob2);
    assert_eq!(png.source.position, "iTXt chunk at byte 33");
    assert_eq!(png.credential_id, "http://example.org/badgeinstance1", "OB 1.x verify.url is the id");
    assert_eq!(png.recipient, Recipient::Plain { kind: "email".into(), identity: "test@example.com".into() });
    assert_eq!(png.verification, VerificationKind::Hosted);
    assert_eq!(png.issued_on.map(|d| d.to_rfc3339()), Some("2015-04-01T00:00:00+00:00".to_string()));
    assert!(png.raw.is_some());
    assert!(
        png.problems.iter().any(|p| p.to_string().contains("badge class http://example.org/badge1 not found")),
        "{:?}",
        png.problems
    );

    let svg = only(&out, "baked_example.svg");
    assert_eq!(svg.format, BadgeFormat::Ob2);
    assert!(svg.source.position.starts_with("openbadges:assertion at byte "), "{}", svg.source.position);
    assert_eq!(svg.credential_id, "https://example.org/assertion.json");
    assert_eq!(svg.issued_on.map(|d| d.to_rfc3339()), Some("2013-11-05T00:00:00+00:00".to_string()));
    assert!(
        svg.problems.iter().any(|p| p.to_string().contains("recipient hash is not 64 hex digits")),
        "{:?}",
        svg.problems
    );

    assert!(reject_reason(&out, "public_domain_heart.png").contains("no openbadges"));
    assert!(reject_reason(&out, "unbaked_example.svg").contains("no openbadges:assertion"));
    assert_eq!(out.files.len(), 4, "every image is in the manifest");
}

#[test]
fn baked_images_carry_json_jws_and_urls() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    // zTXt with an OB 3.0 credential.
    let mut z = b"openbadges\0\0".to_vec();
    z.extend(zlib(ob3_credential("urn:uuid:z").to_string().as_bytes()));
    write(&d.join("a_ztxt_ob3.png"), png(&[chunk(b"tEXt", b"Software\0paint"), chunk(b"zTXt", &z)]));
    // iTXt (compressed) with a signed OB 2.0 assertion as a compact JWS.
    let signed = compact(&json!({"alg": "RS256"}), &ob2_assertion("urn:uuid:signed"));
    let mut i = b"openbadges\0\x01\0\0\0".to_vec();
    i.extend(zlib(signed.as_bytes()));
    write(&d.join("b_itxt_jws.png"), png(&[chunk(b"iTXt", &i)]));
    // tEXt with only the hosted assertion URL.
    write(&d.join("c_url.png"), png(&[chunk(b"tEXt", b"openbadges\0https://issuer.example/assertions/42")]));
    // SVG whose verify attribute is a JWS (wins over the content).
    let svg = format!(
        r#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="{signed}"></openbadges:assertion><rect/></svg>"#
    );
    write(&d.join("d_jws.svg"), svg);
    // SVG with escaped (not CDATA) OB 3.0 JSON text.
    let escaped = ob3_credential("urn:uuid:svg").to_string().replace('&', "&amp;").replace('"', "&quot;");
    write(
        &d.join("e_text.svg"),
        format!(r#"<svg xmlns:ob="http://openbadges.org"><ob:assertion>{escaped}</ob:assertion></svg>"#),
    );
    // SVG with only a URL.
    write(
        &d.join("f_url.svg"),
        r#"<svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://issuer.example/a/7"/></svg>"#,
    );
    let out = run(vec![d.to_path_buf()]);
    assert!(out.rejects.is_empty(), "{:?}", out.rejects);
    assert_eq!(out.counts["badge"], Counts { read: 6, accepted: 6, rejected: 0 });

    let z = only(&out, "a_ztxt_ob3.png");
    assert_eq!((z.format, z.achievement.as_deref()), (BadgeFormat::Ob3, Some("Data Literacy")));
    assert!(z.source.position.starts_with("zTXt chunk at byte "));

    for name in ["b_itxt_jws.png", "d_jws.svg"] {
        let c = only(&out, name);
        assert_eq!(c.format, BadgeFormat::Ob2, "{name}");
        assert_eq!(c.verification, VerificationKind::Signed, "{name}");
        assert_eq!(c.compact.as_deref(), Some(signed.as_str()), "{name}");
        assert_eq!(c.raw.as_deref(), Some(&ob2_assertion("urn:uuid:signed")), "{name}: raw is the payload");
        assert_eq!(c.achievement.as_deref(), Some("SQL Fundamentals"));
        assert!(c.problems.is_empty(), "{name}: {:?}", c.problems);
    }

    let svg = only(&out, "e_text.svg");
    assert_eq!((svg.format, svg.credential_id.as_str()), (BadgeFormat::Ob3, "urn:uuid:svg"));

    for (name, url) in
        [("c_url.png", "https://issuer.example/assertions/42"), ("f_url.svg", "https://issuer.example/a/7")]
    {
        let c = only(&out, name);
        assert_eq!(c.credential_id, url, "{name}");
        assert_eq!(c.verification, VerificationKind::Hosted);
        assert!(
            c.problems.len() == 1
                && c.problems[0].kind == ProblemKind::HostedNotFetched
                && c.problems[0].to_string().starts_with(HOSTED_NOT_FETCHED),
            "{:?}",
            c.problems
        );
    }
}

#[test]
fn zlib_bomb_generator_is_a_valid_stream() {
    let small = zero_bomb(10);
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(small.as_slice()).read_to_end(&mut out).expect("valid zlib");
    assert_eq!(out.len(), 1 + 258 * 10);
    assert!(out.iter().all(|&b| b == 0));
}

#[test]
fn ztxt_decompression_bomb_is_rejected_quickly() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let one_gib = (1usize << 30) / 258;
    let mut data = b"openbadges\0\0".to_vec();
    data.extend(zero_bomb(one_gib));
    let path = write(&tmp.path().join("bomb.png"), png(&[chunk(b"zTXt", &data)]));
    assert!(std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) < 8 << 20, "the bomb file itself is small");

    let started = Instant::now();
    let out = run(vec![path]);
    let took = started.elapsed();
    assert_eq!(out.counts["badge"], Counts { read: 1, accepted: 0, rejected: 1 });
    let reason = reject_reason(&out, "bomb.png");
    assert!(reason.contains("zTXt") && reason.contains("decompression bomb"), "{reason}");
    assert!(reason.contains(&skillmatch::ingest::BAKED_TEXT_LIMIT.to_string()), "{reason}");
    assert!(took < Duration::from_secs(20), "rejected in {took:?}");
}

#[test]
fn compact_jws_spec_example_decodes_without_verifying() {
    let dir = Path::new(SPEC_EXAMPLES).join("ob_v2p0");
    let out = run(vec![dir.clone()]);
    let c = only(&out, "signed-badges-example__0.jws.txt");
    let text = std::fs::read_to_string(dir.join("signed-badges-example__0.jws.txt")).expect("read example");
    assert_eq!(c.format, BadgeFormat::Ob2);
    assert_eq!(c.verification, VerificationKind::Signed);
    assert_eq!(c.compact.as_deref(), Some(text.trim()));
    assert_eq!(c.credential_id, "https://example.org/beths-robotics-badge.json");
    assert_eq!(c.achievement.as_deref(), Some("Awesome Robotics Badge"), "BadgeClass resolved by id");
    let raw = c.raw.as_deref().expect("payload kept");
    assert_eq!(raw["verify"]["type"], "SignedBadge");
    assert!(matches!(&c.recipient, Recipient::Hashed { salt: Some(s), .. } if s == "deadsea"));
}

#[test]
fn vc_jwt_for_vc_1_1_and_vc_2_0() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let mut vc = ob3_credential("ignored");
    if let Some(obj) = vc.as_object_mut() {
        for k in ["id", "issuer", "validFrom"] {
            obj.remove(k);
        }
        obj.insert("@context".into(), json!(["https://www.w3.org/2018/credentials/v1"]));
    }
    if let Some(s) = vc.get_mut("credentialSubject").and_then(Value::as_object_mut) {
        s.remove("id");
    }
    let v11 = json!({"iss": "did:example:issuer", "nbf": 1704067200, "exp": 1893456000, "jti": "urn:uuid:jwt-11",
                     "sub": "did:example:ann", "vc": vc});
    let jwt11 = compact(&json!({"alg": "EdDSA", "typ": "JWT"}), &v11);
    write(&d.join("a_v11.jwt"), format!("{jwt11}\n"));
    let v2 = ob3_credential("urn:uuid:jose-2");
    let jws2 = compact(&json!({"alg": "ES256", "typ": "vc+jwt"}), &v2);
    write(&d.join("b_v2.jws"), &jws2);
    write(&d.join("c_string.json"), serde_json::to_vec(&Value::String(jws2.clone())).expect("json string"));
    let conflicting = json!({"iss": "did:example:other", "vc": ob3_credential("urn:uuid:conflict")});
    write(&d.join("d_conflict.jwt"), compact(&json!({"alg": "EdDSA"}), &conflicting));
    let out = run(vec![d.to_path_buf()]);
    assert!(out.rejects.is_empty(), "{:?}", out.rejects);

    let a = only(&out, "a_v11.jwt");
    assert_eq!(a.format, BadgeFormat::Ob3);
    assert_eq!(a.verification, VerificationKind::Proof);
    assert_eq!(a.credential_id, "urn:uuid:jwt-11", "jti");
    assert_eq!(a.issuer_id.as_deref(), Some("did:example:issuer"), "iss");
    assert_eq!(a.issued_on.map(|t| t.to_rfc3339()), Some("2024-01-01T00:00:00+00:00".to_string()), "nbf");
    assert_eq!(a.expires.map(|t| t.to_rfc3339()), Some("2030-01-01T00:00:00+00:00".to_string()), "exp");
    assert_eq!(a.recipient, Recipient::Plain { kind: "did".into(), identity: "did:example:ann".into() }, "sub");
    assert_eq!(a.compact.as_deref(), Some(jwt11.as_str()));
    assert_eq!(a.raw.as_deref(), Some(&v11), "raw is the whole JWT payload");
    assert!(a.problems.is_empty(), "{:?}", a.problems);

    for name in ["b_v2.jws", "c_string.json"] {
        let c = only(&out, name);
        assert_eq!((c.format, c.verification.clone()), (BadgeFormat::Ob3, VerificationKind::Proof), "{name}");
        assert_eq!(c.credential_id, "urn:uuid:jose-2");
        assert_eq!(c.compact.as_deref(), Some(jws2.as_str()));
        assert_eq!(c.raw.as_deref(), Some(&v2));
    }
    let conflict = only(&out, "d_conflict.jwt");
    assert!(
        conflict.problems.iter().any(|p| p.kind == ProblemKind::Conflict && p.field == "JWT claim iss"),
        "{:?}",
        conflict.problems
    );
}

#[test]
fn clr_nested_credentials_are_ingested_on_their_own() {
    let root = Path::new(SPEC_EXAMPLES);
    let out = run(vec![
        root.join("impl-linked-data-proof-clr__signed-credential.json"),
        root.join("impl-migrating__upgraded-ob-2-0-assertion-included-within-clr-2-0.json"),
    ]);
    assert_eq!(out.counts["badge_document"], Counts { read: 1, accepted: 1, rejected: 0 }, "the CLR wrapper");
    let nested = only(&out, "impl-linked-data-proof-clr__signed-credential.json");
    assert_eq!(nested.source.position, "verifiableCredential[0]");
    assert_eq!(nested.credential_id, "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002");
    assert_eq!(nested.achievement.as_deref(), Some("Achievement 1"));
    assert_eq!(nested.verification, VerificationKind::Proof, "its own proof");
    let raw = nested.raw.as_deref().expect("own raw");
    assert_eq!(raw["id"], "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002", "raw is the nested credential, not the CLR");
    let upgraded = only(&out, "upgraded-ob-2-0-assertion-included-within-clr-2-0.json");
    assert_eq!(upgraded.achievement.as_deref(), Some("Example Competency Badge Issued under OB 2.0"));

    // A generated CLR: an object, a VC-JWT string, a number and an unknown document.
    let tmp = tempfile::tempdir().expect("tempdir");
    let jwt = compact(&json!({"alg": "EdDSA"}), &ob3_credential("urn:uuid:nested-jwt"));
    let clr = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential", "ClrCredential"],
        "id": "urn:uuid:clr", "issuer": "did:example:issuer", "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"type": "ClrSubject", "verifiableCredential":
            [ob3_credential("urn:uuid:nested-obj"), jwt, 42, {"type": "Something"}]}
    });
    let c7 = tmp.path().join("badges/c7/clr.json");
    write(&c7, serde_json::to_vec(&clr).expect("json"));
    let out = run(vec![tmp.path().join("badges")]);
    assert_eq!(out.counts["badge"], Counts { read: 4, accepted: 2, rejected: 2 });
    assert_eq!(out.counts["badge_document"].accepted, 1);
    let positions: Vec<&str> = out.credentials.iter().map(|c| c.source.position.as_str()).collect();
    assert_eq!(positions, ["verifiableCredential[0]", "verifiableCredential[1]"]);
    assert!(out.credentials.iter().all(|c| c.candidate_id.as_deref() == Some("c7")), "the folder claim applies");
    assert_eq!(out.credentials[1].compact.as_deref(), Some(jwt.as_str()));
    let rejected: Vec<&str> = out.rejects.iter().map(|r| r.position.as_str()).collect();
    assert_eq!(rejected, ["verifiableCredential[2]", "verifiableCredential[3]"]);
    assert!(out.rejects[0].reason.contains("a number"));
}

#[test]
fn credly_csv_export_with_roster_join_mapping_and_mojibake() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let roster = write(
        &tmp.path().join("roster.csv"),
        "candidate_id,emails,location\nc1,ann@example.org,Berlin\nc2,bob@example.org,Paris\n",
    );
    let csv = "\u{feff}Badge Id,Badge Name,Issued To First Name,Issued To Last Name,Recipient Email,Issued At,Expires At,State,Organization Name,Skills\n\
               id-1,Certified SAFeÂ® 6 Agilist,Ann,Lee,ANN@example.org,2024-03-01 10:00:00 UTC,,accepted,Scaled Agile,\"Agile; Lean, Scrum\"\n\
               id-2,CafÃ© Barista,Bob,Ray,bob@example.org,2024-03-02,2025-03-02,pending,CafÃ© School,coffee\n\
               id-3,\"Broken,Carl,Zed,carl@example.org,2024-03-03,,accepted,X,y\n\
               id-4,Unknown Earner,Dee,Fox,dee@example.org,2024-03-04,,revoked,X,\n";
    let export = write(&tmp.path().join("badges/credly_issued.csv"), csv);
    let spec = IngestSpec { roster: Some(roster), badges: vec![tmp.path().join("badges")], ..Default::default() };
    let out = ingest(&spec).expect("ingest");
    assert_reconciled(&out);
    assert_eq!(out.counts["badge"], Counts { read: 4, accepted: 3, rejected: 1 }, "{:?}", out.rejects);
    let c1 = &out.credentials[0];
    assert_eq!(c1.format, BadgeFormat::Credly);
    assert_eq!(c1.verification, VerificationKind::PlatformExport);
    assert_eq!(c1.credential_id, "id-1");
    assert_eq!(c1.achievement.as_deref(), Some("Certified SAFe® 6 Agilist"));
    assert_eq!(c1.candidate_id.as_deref(), Some("c1"), "joined by email, case-insensitively");
    assert_eq!(c1.issued_on.map(|d| d.to_rfc3339()), Some("2024-03-01T10:00:00+00:00".to_string()));
    assert_eq!(c1.skills.len(), 3);
    let c2 = &out.credentials[1];
    assert_eq!(c2.achievement.as_deref(), Some("Café Barista"));
    assert_eq!(c2.issuer_name.as_deref(), Some("Café School"));
    assert_eq!(c2.platform_state.as_deref(), Some("pending"));
    assert_eq!(c2.candidate_id.as_deref(), Some("c2"));
    assert!(c2.expires.is_some());
    assert_eq!(out.rejects[0].position, "line 4", "{:?}", out.rejects);
    // The quote is never closed: that line is lost, reading resumes on the next one.
    assert!(out.rejects[0].reason.contains("unterminated"), "{}", out.rejects[0].reason);
    assert_eq!(out.credentials[2].credential_id, "id-4");
    assert!(export.exists());

    // A custom mapping (the lead wires it to the config).
    let other = write(
        &tmp.path().join("other/report.csv"),
        "Credential,Holder,When,Status\nSQL,bob@example.org,2024-05-05,accepted\n",
    );
    let mapping = CredlyCsvMapping {
        badge_name: vec!["credential".into()],
        recipient_email: vec!["HOLDER".into()],
        issued_at: vec!["when".into()],
        state: vec!["status".into()],
        ..Default::default()
    };
    let out = ingest(&IngestSpec {
        roster: spec.roster.clone(),
        badges: vec![other],
        credly_csv: mapping,
        ..Default::default()
    })
    .expect("ingest");
    assert_reconciled(&out);
    assert_eq!(out.credentials.len(), 1);
    assert_eq!(out.credentials[0].candidate_id.as_deref(), Some("c2"));
    assert_eq!(out.credentials[0].platform_state.as_deref(), Some("accepted"));
}

#[test]
fn credly_json_text_is_repaired_for_mojibake() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let export = json!({"data": [{
        "id": "cr-1", "state": "accepted", "issued_at": "2024-01-01", "recipient_email": "ann@example.org",
        "badge_template": {"id": "t", "name": "SAFeÂ® Practitioner", "skills": ["CafÃ© management", "Café"]},
        "issuer": {"entities": [{"primary": true, "entity": {"id": "o", "name": "ZÃ¼rich Academy"}}]}
    }]});
    let p = write(&tmp.path().join("credly.json"), serde_json::to_vec(&export).expect("json"));
    let out = run(vec![p]);
    let c = &out.credentials[0];
    assert_eq!(c.achievement.as_deref(), Some("SAFe® Practitioner"));
    assert_eq!(c.issuer_name.as_deref(), Some("Zürich Academy"));
    let skills: Vec<&str> = c.skills.iter().filter_map(|s| s.name.as_deref()).collect();
    assert_eq!(skills, ["Café management", "Café"]);
}
