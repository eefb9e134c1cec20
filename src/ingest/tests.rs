//! End-to-end tests of [`super::ingest`] on fixture folders and the shared real examples.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::*;

const SPEC_EXAMPLES: &str = "/work/shared/data/openbadges-1edtech-spec-examples";
const OB3_FIXTURES: &str = "/work/shared/data/openbadges-ob3-verifier-core-fixtures";

fn write(path: &Path, bytes: impl AsRef<[u8]>) -> PathBuf {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create fixture folder");
    }
    std::fs::write(path, bytes).expect("write fixture");
    path.to_path_buf()
}

fn write_json(path: &Path, v: &serde_json::Value) -> PathBuf {
    write(path, serde_json::to_vec_pretty(v).expect("serialize fixture"))
}

fn run(spec: &IngestSpec) -> IngestOutput {
    ingest(spec).expect("ingest")
}

fn assert_reconciled(out: &IngestOutput) {
    for kind in COUNT_KINDS {
        let c = out.counts.get(kind).copied().unwrap_or_else(|| panic!("missing count kind {kind}"));
        assert_eq!(c.read, c.accepted + c.rejected, "counts of {kind} do not reconcile: {c:?}");
    }
    let rejected: u64 = out.counts.values().map(|c| c.rejected).sum();
    assert_eq!(rejected as usize, out.rejects.len(), "every reject is counted once");
}

fn by_path<'a>(out: &'a IngestOutput, suffix: &str) -> Vec<&'a Credential> {
    out.credentials.iter().filter(|c| c.source.path.ends_with(suffix)).collect()
}

fn roster_csv(dir: &Path) -> PathBuf {
    write(
        &dir.join("roster.csv"),
        "candidate_id,emails,location\nc1,alice@example.org;a.work@example.com,Berlin\nc2,Bob@Example.org,Paris\n",
    )
}

#[test]
fn missing_path_is_the_only_error() {
    let spec = IngestSpec { badges: vec![PathBuf::from("/nonexistent/skillmatch/badges")], ..Default::default() };
    match ingest(&spec) {
        Err(IngestError::MissingPath { kind, path }) => {
            assert_eq!(kind, "badges");
            assert!(path.contains("nonexistent"));
        }
        other => panic!("expected MissingPath, got {other:?}"),
    }
}

#[test]
fn ob2_spec_examples_resolve_badge_class_issuer_and_revocation_notice() {
    let dir = Path::new(SPEC_EXAMPLES).join("ob_v2p0");
    let out = run(&IngestSpec { badges: vec![dir.clone()], ..Default::default() });
    assert_reconciled(&out);

    let hosted = by_path(&out, "assertion-example__0.json");
    assert_eq!(hosted.len(), 1);
    let c = hosted[0];
    assert_eq!(c.format, BadgeFormat::Ob2);
    assert_eq!(c.credential_id, "https://example.org/beths-robotics-badge.json");
    assert_eq!(c.achievement.as_deref(), Some("Awesome Robotics Badge"));
    assert_eq!(c.achievement_id.as_deref(), Some("https://example.org/robotics-badge.json"));
    assert_eq!(c.issuer_id.as_deref(), Some("https://example.org/organization.json"));
    assert_eq!(c.issuer_name.as_deref(), Some("An Example Badge Issuer"));
    assert_eq!(c.verification, VerificationKind::Hosted);
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    assert_eq!(c.issued_on.map(|d| d.to_rfc3339()), Some("2016-12-31T23:59:59+00:00".to_string()));
    assert_eq!(c.expires.map(|d| d.to_rfc3339()), Some("2017-06-30T23:59:59+00:00".to_string()));
    match &c.recipient {
        Recipient::Hashed { kind, algo, digest, salt } => {
            assert_eq!((kind.as_str(), *algo, salt.as_deref()), ("email", HashAlgo::Sha256, Some("deadsea")));
            assert!(digest.starts_with("c7ef8640"));
        }
        other => panic!("expected hashed recipient, got {other:?}"),
    }
    // alignment: targetName + URI (targetCode is not a URI here, so targetUrl); tags → names.
    assert_eq!(
        c.skills[0],
        RawSkill {
            name: Some("CCSS.ELA-Literacy.RST.11-12.3".into()),
            uri: Some("http://www.corestandards.org/ELA-Literacy/RST/11-12/3".into())
        }
    );
    assert!(c.skills.contains(&RawSkill { name: Some("robots".into()), uri: None }));
    assert_eq!(c.skills.len(), 4);
    // The spec's revoked-hosted-assertion example has the same id: it revokes this assertion.
    assert!(c.revoked_reason.as_deref().is_some_and(|r| r.contains("trenchcoat")));

    let signed = by_path(&out, "signed-badges-example__2.json");
    assert_eq!(signed.len(), 1);
    assert_eq!(signed[0].verification, VerificationKind::Signed);
    assert_eq!(signed[0].achievement.as_deref(), Some("Awesome Robotics Badge"));
    assert!(signed[0].revoked_reason.is_none());

    // Support documents: BadgeClass, Issuer, CryptographicKey, RevocationList, the revocation notice.
    assert!(out.counts["badge_document"].accepted >= 5, "{:?}", out.counts);
    // Fragments of the spec (criteria, image, …) are not badges: rejected, not fatal.
    let frag =
        out.rejects.iter().find(|r| r.path.ends_with("criteria-example__0.json")).expect("criteria fragment rejected");
    assert_eq!(frag.position, "whole file");
    assert!(frag.reason.starts_with("not a recognised badge format"), "{}", frag.reason);
    assert_eq!(out.files.len(), 22, "every .json file and the compact JWS .jws.txt are in the manifest");
    let jws = by_path(&out, "signed-badges-example__0.jws.txt");
    assert_eq!(jws.len(), 1, "the compact JWS is walked and decoded");
    assert_eq!(jws[0].verification, VerificationKind::Signed);
}

#[test]
fn ob2_embedded_referenced_and_unresolved_badge_classes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let badges = tmp.path().join("badges");
    let ctx = "https://w3id.org/openbadges/v2";
    write_json(
        &badges.join("c1/embedded.json"),
        &json!({
            "@context": ctx, "type": "Assertion", "id": "urn:uuid:embedded",
            "recipient": {"type": "email", "hashed": false, "identity": "Alice@Example.org"},
            "issuedOn": "2024-01-15", "verification": {"type": "hosted"},
            "badge": {
                "type": "BadgeClass", "id": "https://issuer.example/classes/rust", "name": "Rust Basics",
                "issuer": {"type": "Profile", "id": "https://issuer.example/org", "name": "Example Academy"},
                "alignment": [{"targetName": "Rust", "targetCode": "http://data.europa.eu/esco/skill/rust"}],
                "tags": ["systems programming"]
            }
        }),
    );
    write_json(
        &badges.join("c2/referenced.json"),
        &json!({
            "@context": ctx, "type": "Assertion", "id": "urn:uuid:referenced",
            "recipient": {"type": "email", "identity": "bob@example.org"},
            "issuedOn": "2024-02-01T10:00:00", "badge": "https://issuer.example/classes/sql",
            "verification": {"type": "SignedBadge"}
        }),
    );
    write_json(
        &badges.join("c2/unresolved.json"),
        &json!({
            "@context": ctx, "type": "Assertion", "id": "urn:uuid:unresolved",
            "recipient": {"type": "email", "identity": "bob@example.org"},
            "issuedOn": "2024-02-01", "badge": "https://issuer.example/classes/missing",
            "expires": "someday"
        }),
    );
    // Support documents live in another badge input.
    let support = tmp.path().join("support");
    write_json(
        &support.join("sql.json"),
        &json!({"@context": ctx, "type": "BadgeClass", "id": "https://issuer.example/classes/sql",
                "name": "SQL Fundamentals", "issuer": "https://issuer.example/org2", "tags": ["SQL", "databases"]}),
    );
    write_json(
        &support.join("org2.json"),
        &json!({"@context": ctx, "type": "Issuer", "id": "https://issuer.example/org2", "name": "Data School"}),
    );
    let out = run(&IngestSpec { badges: vec![badges, support], ..Default::default() });
    assert_reconciled(&out);
    assert_eq!(out.counts["badge"], Counts { read: 3, accepted: 3, rejected: 0 });
    assert_eq!(out.counts["badge_document"], Counts { read: 2, accepted: 2, rejected: 0 });

    let e = by_path(&out, "embedded.json")[0];
    assert_eq!(e.candidate_id.as_deref(), Some("c1"), "folder claim");
    assert_eq!(e.achievement.as_deref(), Some("Rust Basics"));
    assert_eq!(e.issuer_name.as_deref(), Some("Example Academy"));
    assert_eq!(e.recipient, Recipient::Plain { kind: "email".into(), identity: "Alice@Example.org".into() });
    assert_eq!(
        e.skills,
        [
            RawSkill { name: Some("Rust".into()), uri: Some("http://data.europa.eu/esco/skill/rust".into()) },
            RawSkill { name: Some("systems programming".into()), uri: None },
        ]
    );

    let r = by_path(&out, "referenced.json")[0];
    assert_eq!(r.candidate_id.as_deref(), Some("c2"));
    assert_eq!(r.achievement.as_deref(), Some("SQL Fundamentals"));
    assert_eq!(r.issuer_id.as_deref(), Some("https://issuer.example/org2"));
    assert_eq!(r.issuer_name.as_deref(), Some("Data School"));
    assert_eq!(r.verification, VerificationKind::Signed);
    assert!(r.problems.is_empty());
    assert_eq!(r.issued_on.map(|d| d.to_rfc3339()), Some("2024-02-01T10:00:00+00:00".to_string()));

    let u = by_path(&out, "unresolved.json")[0];
    assert_eq!(u.achievement, None);
    assert!(
        u.problems
            .iter()
            .any(|p| p.kind == ProblemKind::NotFound && p.detail == "https://issuer.example/classes/missing")
    );
    assert!(
        u.problems
            .iter()
            .any(|p| p.kind == ProblemKind::BadDate && p.to_string().starts_with("expires: unparseable date"))
    );
}

#[test]
fn hashed_recipients_sha256_and_md5_with_salt() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let email = "alice@example.org";
    let sha = crate::verify::hash_identity(HashAlgo::Sha256, email, Some("pepper"));
    let md5 = crate::verify::hash_identity(HashAlgo::Md5, email, Some("salz"));
    assert_eq!(sha.len(), 64);
    assert_eq!(md5.len(), 32);
    let ctx = "https://w3id.org/openbadges/v2";
    let badge = json!({"type": "BadgeClass", "id": "urn:b", "name": "B", "issuer": {"id": "urn:i", "name": "I"}});
    for (name, identity, salt) in
        [("sha.json", format!("sha256${}", sha.to_uppercase()), "pepper"), ("md5.json", format!("md5${md5}"), "salz")]
    {
        write_json(
            &tmp.path().join(name),
            &json!({"@context": ctx, "type": "Assertion", "id": name, "issuedOn": "2024-01-01", "badge": badge,
                    "recipient": {"type": "email", "hashed": true, "salt": salt, "identity": identity}}),
        );
    }
    let out = run(&IngestSpec { badges: vec![tmp.path().to_path_buf()], ..Default::default() });
    let sha_cred = by_path(&out, "sha.json")[0];
    assert_eq!(
        sha_cred.recipient,
        Recipient::Hashed { kind: "email".into(), algo: HashAlgo::Sha256, digest: sha, salt: Some("pepper".into()) }
    );
    let md5_cred = by_path(&out, "md5.json")[0];
    assert_eq!(
        md5_cred.recipient,
        Recipient::Hashed { kind: "email".into(), algo: HashAlgo::Md5, digest: md5, salt: Some("salz".into()) }
    );
}

fn credly_export() -> serde_json::Value {
    let mut data = vec![
        json!({
            "id": "cr-0", "state": "accepted", "issued_at": "2023-05-01T12:00:00.000-05:00", "expires_at": null,
            "recipient_email": "BOB@example.org", "issued_to_first_name": "Bob", "issued_to_last_name": "Builder",
            "badge_template": {"id": "tpl-1", "name": "Cloud Practitioner", "description": "…",
                               "skills": ["Cloud Computing", {"id": "s2", "name": "AWS"}]},
            "issuer": {"summary": "issued by Example Cloud",
                       "entities": [{"label": "Issued by", "primary": true,
                                     "entity": {"type": "Organization", "id": "org-9", "name": "Example Cloud"}}]}
        }),
        json!("not an entry"),
        json!({"state": "accepted", "badge_template": {"name": "No Id"}}),
        json!({"id": "cr-3", "state": "pending", "issued_at": "2023-06-01", "recipient_email": "stranger@example.net",
               "badge_template": {"id": "tpl-2", "name": "Data Analyst"}, "issuer": {"id": "org-1", "name": "Data Org"}}),
    ];
    for i in 4..12 {
        data.push(json!({"id": format!("cr-{i}"), "state": "accepted", "issued_at": "2023-01-01",
                         "recipient_email": "alice@example.org",
                         "badge_template": {"id": "tpl-x", "name": format!("Badge {i}")},
                         "issuer": {"id": "org-1", "name": "Data Org"}}));
    }
    json!({"data": data, "metadata": {"count": 12}})
}

#[test]
fn credly_entries_bad_entry_roster_join_and_natural_order() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let roster = roster_csv(tmp.path());
    let export = write_json(&tmp.path().join("badges/credly.json"), &credly_export());
    let out = run(&IngestSpec { roster: Some(roster), badges: vec![export.clone()], ..Default::default() });
    assert_reconciled(&out);
    assert_eq!(out.counts["badge"], Counts { read: 12, accepted: 10, rejected: 2 });
    let positions: Vec<&str> = out.rejects.iter().map(|r| r.position.as_str()).collect();
    assert_eq!(positions, ["data[1]", "data[2]"]);
    assert!(out.rejects[1].reason.contains("no id"));

    let order: Vec<&str> = out.credentials.iter().map(|c| c.source.position.as_str()).collect();
    assert_eq!(order[..4], ["data[0]", "data[3]", "data[4]", "data[5]"]);
    assert_eq!(order.last().copied(), Some("data[11]"), "data[10] and data[11] sort after data[9]");

    let c0 = &out.credentials[0];
    assert_eq!(c0.format, BadgeFormat::Credly);
    assert_eq!(c0.credential_id, "cr-0");
    assert_eq!(c0.achievement.as_deref(), Some("Cloud Practitioner"), "template name, never the earner");
    assert_eq!(c0.achievement_id.as_deref(), Some("tpl-1"));
    assert_eq!((c0.issuer_id.as_deref(), c0.issuer_name.as_deref()), (Some("org-9"), Some("Example Cloud")));
    assert_eq!(c0.candidate_id.as_deref(), Some("c2"), "joined on recipient_email, case-insensitively");
    assert_eq!(c0.platform_state.as_deref(), Some("accepted"));
    assert_eq!(c0.verification, VerificationKind::PlatformExport);
    assert_eq!(c0.issued_on.map(|d| d.to_rfc3339()), Some("2023-05-01T17:00:00+00:00".to_string()));
    let names: Vec<&str> = c0.skills.iter().filter_map(|s| s.name.as_deref()).collect();
    assert_eq!(names, ["Cloud Computing", "AWS"]);
    assert!(format!("{c0:?}").find("Builder").is_none(), "earner names are not kept");

    let c3 = &out.credentials[1];
    assert_eq!(c3.candidate_id, None, "unknown email stays unclaimed");
    assert_eq!(c3.platform_state.as_deref(), Some("pending"));
    assert!(out.credentials[2..].iter().all(|c| c.candidate_id.as_deref() == Some("c1")));
}

/// A roster and a badge folder holding a Credly export in c1's folder: (roster, badges).
fn credly_export_claimed_by_c1(dir: &Path) -> (PathBuf, PathBuf) {
    let roster = roster_csv(dir);
    let badges = dir.join("badges");
    write_json(&badges.join("c1/credly.json"), &credly_export());
    (roster, badges)
}

#[test]
fn credly_folder_claim_wins_over_email_join() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (roster, badges) = credly_export_claimed_by_c1(tmp.path());
    let out = run(&IngestSpec { roster: Some(roster), badges: vec![badges], ..Default::default() });
    assert!(out.credentials.iter().all(|c| c.candidate_id.as_deref() == Some("c1")));
}

#[test]
fn a_badge_file_named_twice_through_links_and_overlapping_inputs_is_read_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (roster, badges) = credly_export_claimed_by_c1(tmp.path());
    // The same file again: through a symlinked folder (given as its own input), through a
    // symlink to the file inside the walked folder, and through the folder given twice.
    let linked_folder = tmp.path().join("linked");
    std::os::unix::fs::symlink(&badges, &linked_folder).expect("link folder");
    std::os::unix::fs::symlink(badges.join("c1/credly.json"), badges.join("c1/again.json")).expect("link file");
    let once = run(&IngestSpec { roster: Some(roster.clone()), badges: vec![badges.clone()], ..Default::default() });
    let twice = run(&IngestSpec {
        roster: Some(roster),
        badges: vec![badges.clone(), linked_folder, badges],
        ..Default::default()
    });
    assert_reconciled(&twice);
    assert!(!once.credentials.is_empty());
    assert_eq!(once.credentials.len(), twice.credentials.len(), "every copy after the first is skipped");
    let badge_files = |out: &IngestOutput| out.files.iter().filter(|f| f.kind == "badge").count();
    assert_eq!(badge_files(&once), 1, "the link inside the folder is the same file: {:?}", once.files);
    assert_eq!(badge_files(&twice), 1, "{:?}", twice.files);
}

#[test]
fn ob3_verifier_core_fixtures_parse_with_achievement_and_dates() {
    let out = run(&IngestSpec { badges: vec![PathBuf::from(OB3_FIXTURES)], ..Default::default() });
    assert_reconciled(&out);
    assert!(out.rejects.is_empty(), "{:?}", out.rejects);
    assert_eq!(out.counts["badge_document"].accepted, 1, "the status list credential is a support document");
    assert_eq!(out.credentials.len(), 24);
    for c in &out.credentials {
        assert_eq!(c.format, BadgeFormat::Ob3, "{}", c.source.path);
        assert!(c.achievement.is_some(), "{} has an achievement name", c.source.path);
        assert!(c.issued_on.is_some(), "{} has an issue date", c.source.path);
        assert!(c.issuer_id.is_some(), "{} has an issuer", c.source.path);
        assert_eq!(c.verification, VerificationKind::Proof, "{}", c.source.path);
        assert!(c.problems.is_empty(), "{}: {:?}", c.source.path, c.problems);
    }
    let expired = by_path(&out, "v2/v2Expired.json")[0];
    assert_eq!(expired.achievement.as_deref(), Some("Teamwork"));
    assert_eq!(expired.issuer_name.as_deref(), Some("Example Corp"));
    assert_eq!(expired.issued_on.map(|d| d.to_rfc3339()), Some("2010-01-01T00:00:00+00:00".to_string()));
    assert_eq!(expired.expires.map(|d| d.to_rfc3339()), Some("2011-01-01T00:00:00+00:00".to_string()));
    assert_eq!(
        expired.recipient,
        Recipient::Plain { kind: "did".into(), identity: "did:example:ebfeb1f712ebc6f1c276e12ec21".into() }
    );
    let v1 = by_path(&out, "v1/v1SimpleIssuerId.json")[0];
    assert_eq!(v1.issued_on.map(|d| d.to_rfc3339()), Some("2025-01-09T15:06:31+00:00".to_string()), "issuanceDate");
    assert_eq!(v1.issuer_id.as_deref(), Some("did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q"));
    assert_eq!(v1.achievement.as_deref(), Some("Badge"));
}

#[test]
fn ob3_spec_examples_alignments_and_identifiers() {
    let root = Path::new(SPEC_EXAMPLES);
    let files = [
        "examples-achievementalignmentcase__block0.json",
        "examples-basicopenbadgecredential__block0.json",
        "examples-fullopenbadge__block0.json",
        "examples-endorsement__block0.json",
    ];
    let out = run(&IngestSpec { badges: files.iter().map(|f| root.join(f)).collect(), ..Default::default() });
    assert_reconciled(&out);
    let case = by_path(&out, "achievementalignmentcase__block0.json")[0];
    assert_eq!(case.achievement.as_deref(), Some("Text analysis"));
    assert_eq!(
        case.skills[0].uri.as_deref(),
        Some("https://caseregistry.imsglobal.org/uri/74f5bb7d-d7cc-11e8-824f-0242ac160002"),
        "targetCode is not a URI, so targetUrl is used"
    );
    assert_eq!(case.verification, VerificationKind::Unknown, "unsigned example");
    assert!(case.issued_on.is_some());
    let full = by_path(&out, "fullopenbadge__block0.json")[0];
    assert_eq!(
        full.recipient,
        Recipient::Plain { kind: "email".into(), identity: "student@1edtech.edu".into() },
        "first e-mail identifier"
    );
    assert!(full.expires.is_some());
    let endorsement = out.rejects.iter().find(|r| r.path.ends_with("endorsement__block0.json")).expect("rejected");
    assert!(endorsement.reason.contains("EndorsementCredential"));
}

#[test]
fn whole_spec_example_folder_never_panics_and_reconciles() {
    let out = run(&IngestSpec { badges: vec![PathBuf::from(SPEC_EXAMPLES)], ..Default::default() });
    assert_reconciled(&out);
    assert!(out.counts["badge"].accepted >= 10);
    assert!(out.rejects.iter().all(|r| out.files.iter().any(|f| f.path == r.path)), "rejects point at manifest files");
    let mut paths: Vec<&str> = out.files.iter().map(|f| f.path.as_str()).collect();
    let before = paths.len();
    paths.dedup();
    assert_eq!(before, paths.len(), "each file once, sorted");
    assert!(paths.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn unreadable_badge_files_become_rejects_with_positions() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    write(&d.join("a_syntax.json"), "{\n  \"type\": \"Assertion\",\n  \"id\": }\n");
    write(&d.join("b_empty.json"), "");
    write(&d.join("c_utf8.json"), b"{\"type\": \"Assertion\", \"id\": \"caf\xE9\"}");
    write(&d.join("d_unknown.json"), "{\"hello\": \"world\"}");
    write(&d.join("e_array.json"), "[1, 2, 3]");
    write(&d.join("notes.md"), "not walked");
    let out = run(&IngestSpec { badges: vec![d.to_path_buf()], ..Default::default() });
    assert_reconciled(&out);
    assert_eq!(out.counts["badge"], Counts { read: 5, accepted: 0, rejected: 5 });
    let got: Vec<(String, String)> = out
        .rejects
        .iter()
        .map(|r| {
            (
                Path::new(&r.path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                r.position.clone(),
            )
        })
        .collect();
    let want = [
        ("a_syntax.json", "byte 33"),
        ("b_empty.json", "whole file"),
        ("c_utf8.json", "byte 32"),
        ("d_unknown.json", "whole file"),
        ("e_array.json", "whole file"),
    ];
    let want: Vec<(String, String)> = want.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    assert_eq!(got, want);
    assert!(
        out.rejects[0].reason.starts_with("invalid JSON: expected value at line 3 column 9"),
        "{}",
        out.rejects[0].reason
    );
    assert_eq!(out.rejects[1].reason, "empty file");
    assert!(out.rejects[2].reason.contains("invalid UTF-8"));
    assert!(out.rejects[3].reason.starts_with("not a recognised badge format"));
    assert_eq!(out.files.len(), 5, "unreadable content is still hashed into the manifest");
    assert!(out.files.iter().all(|f| f.sha256.len() == 64));
    assert_eq!(out.files[1].bytes, 0);
}

#[test]
fn claims_csv_claims_files_and_rejects_bad_rows() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let roster = roster_csv(tmp.path());
    let badges = tmp.path().join("badges");
    let ob3 = |id: &str| {
        json!({"type": ["VerifiableCredential", "OpenBadgeCredential"], "id": id, "issuer": "did:example:i",
               "validFrom": "2024-01-01T00:00:00Z",
               "credentialSubject": {"achievement": {"id": "urn:a", "name": "A"}}})
    };
    write_json(&badges.join("one.json"), &ob3("urn:1"));
    write_json(&badges.join("two.json"), &ob3("urn:2"));
    write_json(&badges.join("c2/three.json"), &ob3("urn:3"));
    let abs_two = badges.join("two.json");
    let claims = write(
        &tmp.path().join("claims.csv"),
        format!(
            "candidate_id,path\nc1,badges/one.json\nc2,{}\nc1,badges/missing.json\nc9,badges/one.json\nc2,badges/one.json\nc1,badges/c2/three.json\n",
            abs_two.display()
        ),
    );
    let out =
        run(&IngestSpec { roster: Some(roster), badges: vec![badges], claims: Some(claims), ..Default::default() });
    assert_reconciled(&out);
    assert_eq!(out.counts["claims"], Counts { read: 6, accepted: 2, rejected: 4 });
    let claim_of = |f: &str| by_path(&out, f)[0].candidate_id.clone();
    assert_eq!(claim_of("one.json").as_deref(), Some("c1"));
    assert_eq!(claim_of("two.json").as_deref(), Some("c2"));
    assert_eq!(claim_of("three.json").as_deref(), Some("c2"), "folder claim kept");
    let reasons: Vec<(&str, &str)> =
        out.rejects.iter().filter(|r| r.kind == "claims").map(|r| (r.position.as_str(), r.reason.as_str())).collect();
    assert_eq!(reasons.len(), 4);
    assert_eq!(reasons[0].0, "line 4");
    assert!(reasons[0].1.contains("not found"));
    assert!(reasons[1].1.contains("not in the roster"));
    assert!(reasons[2].1.contains("already claimed by candidate c1"));
    assert!(reasons[3].1.contains("(its folder)"));
}

#[test]
fn postings_jsonl_and_csv() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let jsonl = [
        json!({"@context": "https://schema.org", "@type": "JobPosting",
               "identifier": {"@type": "PropertyValue", "name": "ACME", "value": "job-2"},
               "title": "Data Engineer", "hiringOrganization": {"@type": "Organization", "name": "ACME"},
               "jobLocation": {"@type": "Place", "address": {"addressLocality": "Berlin", "addressRegion": "BE", "addressCountry": "DE"}},
               "datePosted": "2025-01-02", "validThrough": "2025-03-01",
               "description": "<p>Build <b>pipelines</b></p>",
               "skills": ["Python", {"@type": "DefinedTerm", "name": "SQL", "termCode": "http://data.europa.eu/esco/skill/sql"},
                          {"@type": "DefinedTerm", "name": "Kafka", "skillmatch:requirement": "preferred"}]})
        .to_string(),
        "{\"identifier\": \"job-3\", \"title\": ".to_string(),
        json!({"identifier": "job-1", "title": "Analyst", "hiringOrganization": "Beta", "jobLocation": "Remote, EU",
               "skills": "Excel, statistics; reporting"})
        .to_string(),
        String::new(),
        json!({"identifier": "job-4", "description": "no title"}).to_string(),
        json!({"identifier": "job-1", "title": "Duplicate"}).to_string(),
        json!({"@type": "Organization", "identifier": "x", "title": "y"}).to_string(),
    ]
    .join("\n");
    let p1 = write(&tmp.path().join("postings/a.jsonl"), jsonl);
    let csv = "id,title,employer,location,date_posted,description,required_skills,preferred_skills\n\
               job-9,Nurse,Clinic,Oslo,2025-02-01,\"Care for patients,\nnight shifts\",patient care;first aid,driving\n\
               job-2,Dup of jsonl,X,Y,,,,\n\
               ,No id,X,Y,,,,\n\
               job-10,\"Broken\" quote,X,Y,,,,\n\
               job-11,Porter,Hotel,Rome,,,lifting,\n";
    let p2 = write(&tmp.path().join("postings/b.csv"), csv);
    let out = run(&IngestSpec { postings: vec![tmp.path().join("postings")], ..Default::default() });
    assert_reconciled(&out);
    assert_eq!(out.counts["posting"], Counts { read: 11, accepted: 5, rejected: 6 });
    let ids: Vec<&str> = out.postings.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["job-1", "job-11", "job-2", "job-9"]);
    // job-2 of the CSV is the same opening as the JSONL's: merged, both sources kept.
    assert_eq!(out.duplicate_postings.len(), 1);
    assert_eq!(out.postings[2].also_from.len(), 1);
    assert_eq!(out.postings[2].also_from[0].source.position, "line 4");
    assert_eq!(out.postings[2].also_from[0].reader, "csv");
    let readers: Vec<&str> = out.posting_files.iter().map(|f| f.reader.as_str()).collect();
    assert_eq!(readers, ["schema_org_jsonl", "csv"]);

    let p = &out.postings[2];
    assert_eq!(p.title, "Data Engineer");
    assert_eq!(p.employer.as_deref(), Some("ACME"));
    assert_eq!(p.location.as_deref(), Some("Berlin, BE, DE"));
    assert_eq!(p.date_posted.as_deref(), Some("2025-01-02"));
    assert_eq!(p.valid_through.as_deref(), Some("2025-03-01"));
    assert_eq!(p.description, "<p>Build <b>pipelines</b></p>");
    assert_eq!(
        p.skills,
        [
            (RawSkill { name: Some("Python".into()), uri: None }, Requirement::Required),
            (
                RawSkill { name: Some("SQL".into()), uri: Some("http://data.europa.eu/esco/skill/sql".into()) },
                Requirement::Required
            ),
            (RawSkill { name: Some("Kafka".into()), uri: None }, Requirement::Preferred),
        ]
    );
    let analyst = &out.postings[0];
    assert_eq!(analyst.employer.as_deref(), Some("Beta"));
    assert_eq!(analyst.skills.len(), 3);
    let nurse = &out.postings[3];
    assert_eq!(nurse.description, "Care for patients,\nnight shifts");
    assert_eq!(nurse.source.position, "line 2");
    assert_eq!(
        nurse.skills.last(),
        Some(&(RawSkill { name: Some("driving".into()), uri: None }, Requirement::Preferred))
    );
    assert_eq!(out.postings[1].source.position, "line 7");

    let rejects: Vec<(String, &str)> = out
        .rejects
        .iter()
        .map(|r| {
            (format!("{}:{}", if r.path == p1.to_string_lossy() { "a" } else { "b" }, r.position), r.reason.as_str())
        })
        .collect();
    let where_: Vec<&str> = rejects.iter().map(|(w, _)| w.as_str()).collect();
    assert_eq!(where_, ["a:line 2", "a:line 5", "a:line 6", "a:line 7", "b:line 5", "b:line 6"]);
    assert!(rejects[0].1.starts_with("schema_org_jsonl: invalid JSON at column"));
    assert_eq!(rejects[1].1, "schema_org_jsonl: missing title");
    assert!(rejects[2].1.starts_with("schema_org_jsonl: duplicate posting id job-1 in the same file"));
    assert!(rejects[3].1.contains("not a JobPosting"));
    assert_eq!(rejects[4].1, "csv: missing id");
    assert!(rejects[5].1.contains("quote"));
    assert!(p2.exists());
}

#[test]
fn roster_with_broken_quote_and_invalid_utf8_through_ingest() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let roster = write(
        &tmp.path().join("roster.csv"),
        b"candidate_id,emails,location\nc1,a@x.org,\"Berlin\nc2,b@x.org,Paris\nc3,\xFF@x.org,Rome\n".as_slice(),
    );
    let out = run(&IngestSpec { roster: Some(roster), ..Default::default() });
    assert_reconciled(&out);
    assert_eq!(out.roster.candidates.len(), 1);
    assert_eq!(out.roster.candidates[0].id, "c2");
    let pos: Vec<&str> = out.rejects.iter().map(|r| r.position.as_str()).collect();
    assert_eq!(pos, ["line 2", "line 4"]);
    assert_eq!(out.counts["roster"], Counts { read: 3, accepted: 1, rejected: 2 });
    assert_eq!(out.files.len(), 1);
    assert_eq!(out.files[0].kind, "roster");
}

/// Everything ingest returns, as text, with the credentials handed over chunk by chunk.
fn chunked_outcome(spec: &IngestSpec, chunk_files: usize) -> (String, usize) {
    let mut creds = Vec::new();
    let mut chunks = 0;
    let mut out = ingest_in_chunks(spec, chunk_files, Scope::Everyone, None, &mut |chunk, _| {
        chunks += 1;
        creds.extend(chunk);
    })
    .expect("ingest");
    out.credentials = creds;
    (format!("{:?} {:?} {:?} {:?}", out.credentials, out.rejects, out.files, out.counts), chunks)
}

#[test]
fn badge_files_read_in_chunks_give_what_one_chunk_gives() {
    // Real examples (OB 2.0 with separate BadgeClass / Issuer / revocation documents, OB 3.0,
    // CLR) plus an assertion whose BadgeClass is embedded in a file sorted after it and one
    // referencing that class from a file sorted before it: the support index is complete
    // before any credential is built, whatever the chunk size.
    let tmp = tempfile::tempdir().expect("tempdir");
    let class = json!({"id": "https://issuer.example/classes/late", "type": "BadgeClass", "name": "Late class",
        "issuer": {"id": "https://issuer.example/i", "type": "Issuer", "name": "Late issuer"},
        "alignment": [{"targetName": "use spreadsheet software"}]});
    write_json(
        &tmp.path().join("a-first.json"),
        &json!({"@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion", "id": "urn:uuid:a1", "recipient": {"type": "email", "hashed": false, "identity": "alice@example.org"},
        "badge": "https://issuer.example/classes/late", "issuedOn": "2024-01-01T00:00:00Z",
        "verification": {"type": "hosted"}}),
    );
    write_json(
        &tmp.path().join("z-last.json"),
        &json!({"@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion", "id": "urn:uuid:z1", "recipient": {"type": "email", "hashed": false, "identity": "bob@example.org"},
        "badge": class, "issuedOn": "2024-01-01T00:00:00Z", "verification": {"type": "hosted"}}),
    );
    let spec = IngestSpec {
        badges: vec![PathBuf::from(SPEC_EXAMPLES), PathBuf::from(OB3_FIXTURES), tmp.path().to_path_buf()],
        ..Default::default()
    };
    let whole = run(&spec);
    let (one_chunk, n) = chunked_outcome(&spec, usize::MAX);
    assert_eq!(n, 1);
    assert_eq!(one_chunk, format!("{:?} {:?} {:?} {:?}", whole.credentials, whole.rejects, whole.files, whole.counts));
    let first = by_path(&whole, "a-first.json");
    assert_eq!(first[0].achievement.as_deref(), Some("Late class"), "class embedded in a later file resolves");
    for size in [1, 2, 7] {
        let (chunked, n) = chunked_outcome(&spec, size);
        assert!(n > 1, "{size} files per chunk make several chunks");
        assert_eq!(chunked, one_chunk, "{size} files per chunk");
    }
}

/// What a scoped ingest (a shard's) returns: the credentials, and what it left out.
fn scoped(spec: &IngestSpec, keep: &(dyn Fn(&str) -> bool + Sync)) -> IngestOutput {
    let mut creds = Vec::new();
    let mut out =
        ingest_streaming(spec, Scope::Candidates(keep), None, &mut |chunk, _| creds.extend(chunk)).expect("ingest");
    out.credentials = creds;
    out
}

#[test]
fn a_scoped_ingest_keeps_exactly_its_candidates_credentials_built_against_every_files_support() {
    // Candidate folders c1 and c2; c2's assertion names a BadgeClass that only c1's file embeds,
    // so c2's credential resolves only if c1's file is still indexed. A Credly export outside
    // the folders (no claim) holds credentials of c1 (joined on email), c2 and nobody.
    let tmp = tempfile::tempdir().expect("tempdir");
    let roster = roster_csv(tmp.path());
    let badges = tmp.path().join("badges");
    let class = json!({"id": "https://issuer.example/classes/shared", "type": "BadgeClass", "name": "Shared class",
        "issuer": {"id": "https://issuer.example/i", "type": "Issuer", "name": "Issuer"}});
    let assertion = |id: &str, badge: serde_json::Value| {
        json!({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": id,
        "recipient": {"type": "email", "hashed": false, "identity": "someone@example.org"},
        "badge": badge, "issuedOn": "2024-01-01T00:00:00Z", "verification": {"type": "hosted"}})
    };
    write_json(&badges.join("c1/a.json"), &assertion("urn:uuid:c1-a", class.clone()));
    write_json(&badges.join("c1/b.json"), &assertion("urn:uuid:c1-b", class["id"].clone()));
    write_json(&badges.join("c2/a.json"), &assertion("urn:uuid:c2-a", class["id"].clone()));
    write_json(&tmp.path().join("credly.json"), &credly_export());
    let spec =
        IngestSpec { roster: Some(roster), badges: vec![badges, tmp.path().join("credly.json")], ..Default::default() };
    let everyone = run(&spec);
    assert_eq!(everyone.out_of_scope, OutOfScope::default());

    let only_c2 = scoped(&spec, &|id| id == "c2");
    let expected: Vec<&Credential> =
        everyone.credentials.iter().filter(|c| c.candidate_id.as_deref() == Some("c2")).collect();
    assert!(expected.len() >= 2, "c2 holds the folder credential and export entries");
    assert_eq!(format!("{:?}", only_c2.credentials.iter().collect::<Vec<_>>()), format!("{expected:?}"));
    let c2_folder = by_path(&only_c2, "c2/a.json");
    assert_eq!(c2_folder[0].achievement.as_deref(), Some("Shared class"), "class embedded in c1's file");
    // c1's two files were hashed (the job's inputs are the same in every shard) but not parsed.
    assert_eq!(only_c2.files, everyone.files);
    assert_eq!(only_c2.out_of_scope.files, 2);
    let dropped = everyone.credentials.iter().filter(|c| c.candidate_id.as_deref() != Some("c2")).count();
    let c1_folder = everyone.credentials.iter().filter(|c| c.source.path.contains("/c1/")).count();
    assert_eq!(only_c2.out_of_scope.credentials as usize, dropped - c1_folder, "the export's other entries");
    // Counts reconcile: what was parsed, plus what was left to other shards.
    assert_reconciled(&only_c2);
    assert_eq!(everyone.counts["badge"].read, only_c2.counts["badge"].read + c1_folder as u64);

    // With a prepared index (written and read back as `prepare` and `run --prepared` do), the
    // same shard reads only c2's folder and the unclaimed export, and returns the same.
    let file = tmp.path().join("prepared.json");
    super::prepare(&spec).expect("prepare").write_json(std::fs::File::create(&file).expect("create")).expect("write");
    let mut prepared = Prepared::read(&file).expect("read back");
    let mut creds = Vec::new();
    let keep = |id: &str| id == "c2";
    let mut with =
        ingest_streaming(&spec, Scope::Candidates(&keep), Some(&mut prepared), &mut |chunk, _| creds.extend(chunk))
            .expect("ingest");
    with.credentials = creds;
    assert_eq!(format!("{:?}", with.credentials), format!("{:?}", only_c2.credentials));
    assert_eq!(with.files, only_c2.files);
    assert_eq!(format!("{:?}", (&with.counts, &with.rejects)), format!("{:?}", (&only_c2.counts, &only_c2.rejects)));
    assert_eq!(with.out_of_scope, only_c2.out_of_scope);
}
