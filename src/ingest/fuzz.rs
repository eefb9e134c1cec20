//! Structured fuzz tests for every input parser (proptest, stable toolchain): badge JSON of each
//! format (OB 2.0, OB 3.0, CLR 2.0, Credly), compact JWS / VC-JWT, baked PNG and SVG, every CSV
//! reader (roster, claims, Credly CSV, postings CSV, the record splitter), JSONL postings, the
//! config file and the evaluation date.
//!
//! Inputs are built from valid documents with random edits (a value replaced by arbitrary JSON, a
//! key removed), wrapped in random containers, so that the parsers' deeper branches are reached,
//! not only their first syntax check. Every case must come back as data or as a reject; a panic
//! fails the test, and every panic found becomes a regression test beside the code it fixed.
//!
//! `cargo test` runs 32 cases per property; a longer run (docs/QUALITY.md records one):
//!
//! ```sh
//! PROPTEST_CASES=2000 cargo test --lib ingest::fuzz
//! ```

use std::path::{Path, PathBuf};

use base64::Engine;
use proptest::prelude::*;
use serde_json::{Value, json};

use super::files::Ledger;
use super::{CredlyCsvMapping, IngestSpec, ingest};

/// Cases per property: `PROPTEST_CASES`, else 32 (bounded, for `cargo test`).
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(32);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Strings that reach parsers' special cases: dates, numbers, hashes, DIDs, URLs, control chars.
const INTERESTING: &[&str] = &[
    "",
    "2026-02-30",
    "2026-11-01T10:00:00Z",
    "1483228799",
    "-1",
    "1e309",
    "sha256$",
    "sha256$00ff",
    "md5$abc",
    "did:key:z6Mk",
    "did:web:example.org",
    "https://example.org/a.json",
    "http://127.0.0.1/",
    "urn:uuid:00000000-0000-0000-0000-000000000000",
    "eyJhbGciOiJFZERTQSJ9..",
    "\u{1b}[2J",
    "é’\u{0}",
    "Assertion",
    "OpenBadgeCredential",
    "VerifiableCredential",
    "ClrCredential",
    "email",
    "hosted",
    "signed",
];

/// Arbitrary JSON: scalars (with the interesting strings), arrays and objects up to depth 3.
fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("JSON numbers are finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        any::<String>().prop_map(Value::String),
        prop::sample::select(INTERESTING).prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z@]{1,10}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// An edit: which path (index into every JSON pointer of the document, modulo their count), and
/// the new value (`None` removes the key or element).
fn arb_edits() -> impl Strategy<Value = Vec<(usize, Option<Value>)>> {
    prop::collection::vec((any::<usize>(), prop::option::weighted(0.8, arb_json())), 0..5)
}

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

/// Applies `edits` to `doc`.
fn mutate(mut doc: Value, edits: &[(usize, Option<Value>)]) -> Value {
    for (i, new) in edits {
        let mut all = Vec::new();
        pointers(&doc, String::new(), &mut all);
        let Some(p) = (!all.is_empty()).then(|| all[i % all.len()].clone()) else { break };
        match new {
            Some(v) => {
                if let Some(slot) = doc.pointer_mut(&p) {
                    *slot = v.clone();
                }
            }
            None => {
                let (parent, key) = p.rsplit_once('/').expect("a pointer has a slash");
                match doc.pointer_mut(parent) {
                    Some(Value::Object(m)) => {
                        m.remove(&key.replace("~1", "/").replace("~0", "~"));
                    }
                    Some(Value::Array(a)) => {
                        if let Ok(i) = key.parse::<usize>()
                            && i < a.len()
                        {
                            a.remove(i);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    doc
}

fn ob2() -> Value {
    json!({
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://example.org/assertions/1.json",
        "recipient": {"type": "email", "hashed": true, "salt": "s", "identity": "sha256$00"},
        "badge": {
            "type": "BadgeClass", "id": "https://example.org/badges/sql.json", "name": "SQL",
            "criteria": {"narrative": "x"},
            "issuer": {"type": "Issuer", "id": "https://example.org/issuer.json", "name": "Example College"},
            "alignment": [{"targetName": "SQL", "targetUrl": "http://data.europa.eu/esco/skill/x"}],
            "tags": ["SQL", "databases"]
        },
        "verification": {"type": "hosted"},
        "issuedOn": "2026-01-01T00:00:00Z",
        "expires": "2027-01-01"
    })
}

fn ob3() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "id": "urn:uuid:1",
        "issuer": {"id": "did:key:z6MkExample", "type": ["Profile"], "name": "Example"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityHash": "a@example.org", "identityType": "emailAddress", "hashed": false}],
            "achievement": {
                "id": "https://example.org/achievements/1", "type": ["Achievement"], "name": "Data analysis",
                "criteria": {"narrative": "x"},
                "alignment": [{"type": ["Alignment"], "targetName": "statistics", "targetUrl": "https://example.org/s", "targetFramework": "ESCO"}]
            }
        },
        "credentialStatus": {"type": "BitstringStatusListEntry", "statusListIndex": "3", "statusListCredential": "https://example.org/status"},
        "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "verificationMethod": "did:key:z6MkExample#z6MkExample", "proofPurpose": "assertionMethod", "proofValue": "z3FX"}
    })
}

fn clr() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"],
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": "https://example.org/issuer", "type": ["Profile"]},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"type": ["ClrSubject"], "verifiableCredential": [ob3(), ob2()]}
    })
}

fn credly() -> Value {
    json!({"data": [{
        "id": "b1", "state": "accepted", "issued_at": "2026-01-01T00:00:00.000Z", "expires_at": null,
        "recipient_email": "a@example.org", "issued_to": "A B",
        "badge_template": {"id": "t1", "name": "SQL", "skills": [{"name": "SQL"}, "Python"], "description": "x"},
        "issuer": {"entities": [{"entity": {"name": "Example", "id": "e1"}}]}
    }]})
}

fn posting() -> Value {
    json!({
        "@type": "JobPosting", "identifier": "role-1", "title": "data analyst",
        "hiringOrganization": {"name": "Acme"}, "jobLocation": {"address": {"addressLocality": "Dublin"}},
        "datePosted": "2026-10-20", "description": "<p>SQL and statistics</p>",
        "skills": ["SQL", {"name": "Python", "required": false}], "occupationalCategory": "2511"
    })
}

/// Runs the whole ingest stage and verification on one badge file (with a roster) and checks
/// the counts reconcile.
fn ingest_and_verify(name: &str, bytes: &[u8]) {
    let dir = tempfile::tempdir().expect("tempdir");
    let cand = dir.path().join("badges/cand-1");
    std::fs::create_dir_all(&cand).expect("mkdir");
    std::fs::write(cand.join(name), bytes).expect("write badge");
    let roster = dir.path().join("roster.csv");
    std::fs::write(&roster, "candidate_id,emails,location\ncand-1,a@example.org,Rome\n").expect("roster");
    let spec = IngestSpec {
        roster: Some(roster),
        badges: vec![dir.path().join("badges")],
        claims: None,
        postings: Vec::new(),
        credly_csv: CredlyCsvMapping::default(),
        postings_csv: Default::default(),
    };
    let out = ingest(&spec).expect("the inputs exist");
    for (kind, c) in &out.counts {
        assert_eq!(c.read, c.accepted + c.rejected, "{kind} counts reconcile");
    }
    let policy = crate::verify::VerifyPolicy::default();
    let trust = policy.load_trust().expect("no trust folder");
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date");
    let verified = crate::verify::verify_all(out.credentials, &out.roster, as_of, &policy, &trust);
    for v in &verified {
        let _ = crate::verify::to_json(v);
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A PNG chunk with a correct CRC, or a random one.
fn chunk(kind: &[u8; 4], data: &[u8], good_crc: bool) -> Vec<u8> {
    let mut c = Vec::new();
    c.extend_from_slice(&(data.len() as u32).to_be_bytes());
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    let mut h = flate2::Crc::new();
    h.update(kind);
    h.update(data);
    let crc = if good_crc { h.sum() } else { h.sum() ^ 0x5a5a };
    c.extend_from_slice(&crc.to_be_bytes());
    c
}

fn deflate(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).expect("deflate");
    e.finish().expect("deflate")
}

/// Text a baked badge may hold: a badge document, a compact JWS, a URL, or anything.
fn arb_baked_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (arb_edits(), 0..3usize).prop_map(|(e, k)| mutate([ob2(), ob3(), clr()][k].clone(), &e).to_string()),
        (arb_json(), arb_json()).prop_map(|(h, p)| format!(
            "{}.{}.c2ln",
            b64(h.to_string().as_bytes()),
            b64(p.to_string().as_bytes())
        )),
        prop::sample::select(INTERESTING).prop_map(str::to_string),
        any::<String>(),
    ]
}

/// A CSV-ish byte string: fields, separators, quotes, line breaks, invalid UTF-8, formula starts.
fn arb_csvish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b",".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\"\"".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b";".to_vec()),
        Just(b"\xff".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"=cmd".to_vec()),
        Just(b"cand-1".to_vec()),
        Just(b"a@example.org".to_vec()),
        "[a-z0-9 ./_-]{0,8}".prop_map(String::into_bytes),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn badge_json_of_each_format_is_data_or_a_reject(k in 0..4usize, edits in arb_edits(), pretty in any::<bool>()) {
        let doc = mutate([ob2(), ob3(), clr(), credly()][k].clone(), &edits);
        let text = if pretty { serde_json::to_string_pretty(&doc).expect("json") } else { doc.to_string() };
        ingest_and_verify("badge.json", text.as_bytes());
    }

    #[test]
    fn compact_jws_and_vc_jwt_are_data_or_a_reject(
        header in arb_json(), k in 0..3usize, edits in arb_edits(), sig in prop::collection::vec(any::<u8>(), 0..80), as_vc in any::<bool>()
    ) {
        let payload = mutate([ob3(), ob2(), clr()][k].clone(), &edits);
        let payload = if as_vc { json!({"vc": payload, "iss": "did:key:z6Mk", "nbf": 1, "jti": "urn:x"}) } else { payload };
        let header = if header.is_object() { header } else { json!({"alg": "EdDSA", "kid": header}) };
        let text = format!("{}.{}.{}", b64(header.to_string().as_bytes()), b64(payload.to_string().as_bytes()), b64(&sig));
        let _ = super::jws::decode(&text);
        ingest_and_verify("badge.jws", text.as_bytes());
    }

    #[test]
    fn baked_png_is_data_or_a_reject(
        text in arb_baked_text(), kinds in prop::collection::vec(0..6usize, 0..5), good_crc in any::<bool>(),
        compressed in any::<bool>(), cut in any::<usize>()
    ) {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0], true));
        let mut itxt = b"openbadges\0".to_vec();
        itxt.push(u8::from(compressed));
        itxt.extend_from_slice(b"\0\0\0");
        itxt.extend(if compressed { deflate(text.as_bytes()) } else { text.as_bytes().to_vec() });
        for k in kinds {
            let c = match k {
                0 => chunk(b"iTXt", &itxt, good_crc),
                1 => chunk(b"tEXt", format!("openbadges\0{text}").as_bytes(), good_crc),
                2 => chunk(b"zTXt", &[b"openbadges\0\0".as_slice(), &deflate(text.as_bytes())].concat(), good_crc),
                3 => chunk(b"IDAT", text.as_bytes(), good_crc),
                4 => chunk(b"IEND", &[], true),
                _ => (text.len() as u32).to_be_bytes().to_vec(), // a chunk header with no body
            };
            png.extend(c);
        }
        let keep = if cut % 4 == 0 { cut % (png.len() + 1) } else { png.len() };
        png.truncate(keep);
        let _ = super::baked::png_text(&png);
        ingest_and_verify("badge.png", &png);
    }

    #[test]
    fn baked_svg_is_data_or_a_reject(text in arb_baked_text(), attr in any::<bool>(), cdata in any::<bool>(), cut in any::<usize>()) {
        let body = if cdata { format!("<![CDATA[{text}]]>") } else { text.replace('&', "&amp;").replace('<', "&lt;") };
        let assertion = if attr {
            format!("<openbadges:assertion verify=\"{}\"/>", text.replace('"', "&quot;").replace('<', "&lt;"))
        } else {
            format!("<openbadges:assertion verify=\"https://example.org/a\">{body}</openbadges:assertion>")
        };
        let svg = format!("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"http://openbadges.org\">{assertion}<rect/></svg>");
        let keep = if cut % 4 == 0 { cut % (svg.len() + 1) } else { svg.len() };
        let bytes = &svg.as_bytes()[..keep];
        let _ = super::baked::svg_text(bytes);
        ingest_and_verify("badge.svg", bytes);
    }

    #[test]
    fn every_csv_reader_is_data_or_a_reject(header in 0..4usize, body in arb_csvish()) {
        let head: &[u8] = [
            b"candidate_id,emails,location\n".as_slice(),
            b"candidate_id,path\n",
            b"Badge Name,Recipient Email,Issued Date,Expires Date,State,Skills,Issuer Name,Badge Template ID\n",
            b"id,title,employer,location,date_posted,description,required_skills,preferred_skills\n",
        ][header];
        let bytes = [head, &body].concat();
        let _ = super::csvrec::records(&bytes, true);
        let _ = super::csvrec::records(&bytes, false);
        let _ = super::credly_csv::parse(&bytes, "x.csv", &CredlyCsvMapping::default());
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("in.csv");
        std::fs::write(&p, &bytes).expect("write");
        let mut ledger = Ledger::new();
        let roster = super::roster::read_roster(&p, &mut ledger);
        let _ = super::claims::read_claims(&p, &Default::default(), Some(&roster), &mut ledger);
        let _ = super::postings::read_postings(std::slice::from_ref(&p), &Default::default(), &mut ledger);
        for (kind, c) in &ledger.counts {
            prop_assert_eq!(c.read, c.accepted + c.rejected, "{} counts reconcile", kind);
        }
        ingest_and_verify("export.csv", &bytes);
    }

    #[test]
    fn jsonl_postings_are_data_or_a_reject(lines in prop::collection::vec((arb_edits(), any::<bool>(), any::<String>()), 0..6)) {
        let mut text = String::new();
        for (edits, garbage, g) in &lines {
            if *garbage { text.push_str(g) } else { text.push_str(&mutate(posting(), edits).to_string()) }
            text.push('\n');
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("postings.jsonl");
        std::fs::write(&p, &text).expect("write");
        let mut ledger = Ledger::new();
        let (postings, _) = super::postings::read_postings(&[p], &Default::default(), &mut ledger);
        let c = ledger.counts.get("posting").copied().unwrap_or_default();
        prop_assert_eq!(c.read, c.accepted + c.rejected);
        prop_assert_eq!(c.accepted as usize, postings.len());
    }

    #[test]
    fn config_files_load_or_fail_with_an_error(
        entries in prop::collection::vec((0..6usize, 0..12usize, arb_json(), any::<bool>()), 0..8), junk in any::<String>(), add_junk in any::<bool>()
    ) {
        const SECTIONS: [&str; 6] = ["inputs", "taxonomy", "run", "verify", "evidence", "score"];
        const KEYS: [&str; 12] = [
            "as_of", "threads", "max_reject_share", "min_candidates", "esco_dir", "fuzzy_threshold",
            "top_k", "min_score", "group_credit", "verified", "accept_hosted_offline", "roster",
        ];
        let mut text = String::new();
        for (s, k, v, as_string) in &entries {
            let quoted = |t: &str| toml::Value::String(t.to_string()).to_string();
            let value = match v {
                Value::Bool(b) if !as_string => b.to_string(),
                Value::Number(n) if !as_string => n.to_string(),
                Value::String(t) => quoted(t),
                other if *as_string => quoted(&other.to_string()),
                _ => "[1, \"a\"]".to_string(),
            };
            text.push_str(&format!("[{}]\n{} = {}\n", SECTIONS[*s], KEYS[*k], value));
        }
        if add_junk {
            text.push_str(&junk)
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("c.toml");
        std::fs::write(&p, &text).expect("write");
        let _ = crate::config::Config::load(&p);
    }

    #[test]
    fn evaluation_dates_parse_or_fail_with_a_message(s in any::<String>(), y in 0..10000i32, m in 0..14u32, d in 0..33u32) {
        let _ = super::dates::parse_as_of(&s);
        let text = format!("{y:04}-{m:02}-{d:02}");
        let parsed = super::dates::parse_as_of(&text);
        let valid = super::dates::AS_OF_YEARS.contains(&y) && chrono::NaiveDate::from_ymd_opt(y, m, d).is_some();
        prop_assert_eq!(parsed.is_ok(), valid, "{}", text);
    }
}

#[test]
fn fuzz_templates_are_accepted_before_any_edit() {
    // The edits start from documents the parsers accept, so they reach past the first check.
    let dir = tempfile::tempdir().expect("tempdir");
    let p: PathBuf = dir.path().join("postings.jsonl");
    std::fs::write(&p, format!("{}\n", posting())).expect("write");
    let mut ledger = Ledger::new();
    assert_eq!(
        super::postings::read_postings(&[p], &Default::default(), &mut ledger).0.len(),
        1,
        "{:?}",
        ledger.rejects
    );
    for (name, doc) in [("ob2.json", ob2()), ("ob3.json", ob3()), ("credly.json", credly())] {
        let unit =
            super::decode::decode_file(Path::new(name), doc.to_string().as_bytes(), &CredlyCsvMapping::default());
        assert!(!matches!(unit, super::decode::Unit::Fail { .. }), "{name}: {unit:?}");
    }
}
