//! Tests of the verify stage: every status, the precedence between them, recipient resolution,
//! and the JSON shape.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::*;
use crate::ingest::{
    self, BadgeFormat, Candidate, Credential, HashAlgo, IngestSpec, Problem, ProblemKind, RawSkill, Recipient, Roster,
    SourceRef, VerificationKind,
};

const ALICE: &str = "alice@example.org";

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

fn at(s: &str) -> Option<DateTime<Utc>> {
    let d = ingest::parse_datetime(s);
    assert!(d.is_some(), "test date {s}");
    d
}

fn roster_of(rows: &[(&str, &[&str])]) -> Roster {
    let mut r = Roster::default();
    for (i, (id, emails)) in rows.iter().enumerate() {
        for e in *emails {
            r.by_email.insert(e.to_string(), i);
        }
        r.by_id.insert(id.to_string(), i);
        r.candidates.push(Candidate {
            id: id.to_string(),
            emails: emails.iter().map(|e| e.to_string()).collect(),
            location: None,
        });
    }
    r
}

fn roster() -> Roster {
    roster_of(&[("c1", &[ALICE, "a.work@example.com"]), ("c2", &["bob@example.org"])])
}

/// A well-formed hosted OB 2.0 credential claimed by c1 with Alice's plain email.
fn cred() -> Credential {
    Credential {
        source: SourceRef { path: "badges/c1/a.json".into(), position: "whole file".into() },
        format: BadgeFormat::Ob2,
        credential_id: "urn:uuid:1".into(),
        candidate_id: Some("c1".into()),
        issuer_id: Some("https://issuer.example/org".into()),
        issuer_name: Some("Example Academy".into()),
        achievement_id: Some("https://issuer.example/b/rust".into()),
        achievement: Some("Rust Basics".into()),
        recipient: Recipient::Plain { kind: "email".into(), identity: "Alice@Example.ORG".into() },
        issued_on: at("2024-01-15T09:00:00Z"),
        expires: None,
        platform_state: None,
        revoked_reason: None,
        verification: VerificationKind::Hosted,
        skills: vec![RawSkill { name: Some("Rust".into()), uri: Some("http://data.europa.eu/esco/skill/r".into()) }],
        raw: None,
        compact: None,
        problems: Vec::new(),
    }
}

fn credly(state: &str) -> Credential {
    Credential {
        format: BadgeFormat::Credly,
        platform_state: Some(state.into()),
        verification: VerificationKind::PlatformExport,
        source: SourceRef { path: "credly.json".into(), position: "data[0]".into() },
        ..cred()
    }
}

fn hosted_ok() -> VerifyPolicy {
    VerifyPolicy { accept_hosted_offline: true, accept_platform_exports: true, trust: None, ..VerifyPolicy::default() }
}

const AS_OF: &str = "2025-03-10";

fn run(c: Credential, policy: &VerifyPolicy) -> VerifiedCredential {
    verify_one(c, &roster(), day(AS_OF), policy, &TrustStore::default())
}

fn check<'a>(vc: &'a VerifiedCredential, name: &str) -> &'a Check {
    vc.checks.iter().find(|c| c.check == name).unwrap_or_else(|| panic!("no check {name}: {:?}", vc.checks))
}

const TAMPERED: &str = "Ed25519Signature2020 signature by did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q#z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q does not verify: the credential or its proof options changed after signing";

#[test]
fn verified_only_when_every_check_passes() {
    let vc = run(cred(), &hosted_ok());
    assert_eq!(vc.status, Status::Verified, "{:?}", vc.checks);
    let names: Vec<&str> = vc.checks.iter().map(|c| c.check).collect();
    assert_eq!(
        names,
        ["structure", "recipient", "issued_date", "expiry", "revocation", "platform_state", "authenticity"]
    );
    assert!(vc.checks.iter().all(|c| c.outcome == Outcome::Pass));

    let vc = run(credly("accepted"), &VerifyPolicy::default());
    assert_eq!(vc.status, Status::Verified, "{:?}", vc.checks);
}

#[test]
fn hosted_is_unverifiable_when_policy_is_off() {
    let vc = run(cred(), &VerifyPolicy::default());
    assert_eq!(vc.status, Status::Unverifiable);
    let a = check(&vc, "authenticity");
    assert_eq!(a.outcome, Outcome::Skip);
    assert_eq!(a.detail, "hosted assertion not fetched offline; policy does not accept hosted-without-fetch");
}

#[test]
fn platform_exports_follow_policy_and_state() {
    let off = VerifyPolicy {
        accept_hosted_offline: false,
        accept_platform_exports: false,
        trust: None,
        ..VerifyPolicy::default()
    };
    assert_eq!(run(credly("accepted"), &off).status, Status::Unverifiable);
    for state in ["pending", "rejected"] {
        let vc = run(credly(state), &VerifyPolicy::default());
        assert_eq!(vc.status, Status::Unverifiable, "{state}");
        assert!(check(&vc, "platform_state").detail.contains(state));
    }
    let vc = run(credly("revoked"), &VerifyPolicy::default());
    assert_eq!(vc.status, Status::Revoked);
    assert_eq!(check(&vc, "platform_state").outcome, Outcome::Fail);
}

#[test]
fn expiry_and_issue_date_at_day_boundaries() {
    let expired = Credential { expires: at("2025-03-09T23:59:59Z"), ..cred() };
    assert_eq!(run(expired, &hosted_ok()).status, Status::Expired);
    let last_day = Credential { expires: at("2025-03-10T00:00:00Z"), ..cred() };
    assert_eq!(run(last_day, &hosted_ok()).status, Status::Verified);
    let future = Credential { issued_on: at("2025-03-11"), ..cred() };
    let vc = run(future, &hosted_ok());
    assert_eq!(vc.status, Status::NotYetValid);
    assert_eq!(check(&vc, "issued_date").outcome, Outcome::Fail);
    let same_day = Credential { issued_on: at("2025-03-10T23:59:59Z"), ..cred() };
    assert_eq!(run(same_day, &hosted_ok()).status, Status::Verified);
}

#[test]
fn revoked_in_the_record() {
    let vc = run(Credential { revoked_reason: Some("issued in error".into()), ..cred() }, &hosted_ok());
    assert_eq!(vc.status, Status::Revoked);
    assert!(check(&vc, "revocation").detail.contains("issued in error"));
}

#[test]
fn malformed_from_problems_or_missing_fields() {
    let vc = run(
        Credential { problems: vec![Problem::new("badge class", ProblemKind::NotFound, "x")], ..cred() },
        &hosted_ok(),
    );
    assert_eq!(vc.status, Status::Malformed);
    assert!(check(&vc, "structure").detail.contains("badge class x"));
    let vc = run(Credential { achievement: None, issuer_id: None, issuer_name: None, ..cred() }, &hosted_ok());
    assert_eq!(vc.status, Status::Malformed);
    assert!(check(&vc, "structure").detail.contains("issuer is missing"));
    let vc = run(Credential { issued_on: None, ..cred() }, &hosted_ok());
    assert_eq!(vc.status, Status::Malformed);
}

#[test]
fn an_unreadable_issue_date_is_reported_once_and_an_unreadable_expiry_does_not_stand_for_it() {
    let bad_issued = Problem::new("validFrom", ProblemKind::BadIssueDate, "unparseable date \"soon\"");
    let vc = run(Credential { issued_on: None, problems: vec![bad_issued], ..cred() }, &hosted_ok());
    assert_eq!(check(&vc, "structure").detail, "validFrom: unparseable date \"soon\"");
    let bad_expiry = Problem::new("expires", ProblemKind::BadDate, "unparseable date \"later\"");
    let vc = run(Credential { issued_on: None, problems: vec![bad_expiry], ..cred() }, &hosted_ok());
    assert_eq!(check(&vc, "structure").detail, "expires: unparseable date \"later\"; issue date is missing");
}

#[test]
fn hashed_recipients_match_with_salt() {
    for algo in [HashAlgo::Sha256, HashAlgo::Md5] {
        let digest = hash_identity(algo, "a.work@example.com", Some("s4lt")).to_uppercase();
        let c = Credential {
            recipient: Recipient::Hashed { kind: "email".into(), algo, digest, salt: Some("s4lt".into()) },
            ..cred()
        };
        let vc = run(c, &hosted_ok());
        assert_eq!(vc.status, Status::Verified, "{algo:?}: {:?}", vc.checks);
    }
    // Same email, wrong salt: no match.
    let digest = hash_identity(HashAlgo::Sha256, ALICE, Some("other"));
    let c = Credential {
        recipient: Recipient::Hashed {
            kind: "email".into(),
            algo: HashAlgo::Sha256,
            digest,
            salt: Some("s4lt".into()),
        },
        ..cred()
    };
    assert_eq!(run(c, &hosted_ok()).status, Status::RecipientMismatch);
}

#[test]
fn recipient_mismatch_cases() {
    let digest = hash_identity(HashAlgo::Sha256, "mallory@example.org", Some("x"));
    let c = Credential {
        recipient: Recipient::Hashed { kind: "email".into(), algo: HashAlgo::Sha256, digest, salt: Some("x".into()) },
        ..cred()
    };
    let vc = run(c, &hosted_ok());
    assert_eq!(vc.status, Status::RecipientMismatch);
    let detail = &check(&vc, "recipient").detail;
    assert!(detail.contains("candidate c1") && !detail.contains('@'), "no emails in details: {detail}");

    let other = Credential {
        recipient: Recipient::Plain { kind: "email".into(), identity: "bob@example.org".into() },
        ..cred()
    };
    assert_eq!(run(other, &hosted_ok()).status, Status::RecipientMismatch);
    // Naming no recipient at all is a broken credential, not someone else's.
    let nobody = run(Credential { recipient: Recipient::Absent, ..cred() }, &hosted_ok());
    assert_eq!(nobody.status, Status::Malformed);
    assert!(check(&nobody, "recipient").detail.contains("names no recipient"));
    let did =
        Credential { recipient: Recipient::Plain { kind: "did".into(), identity: "did:example:1".into() }, ..cred() };
    assert_eq!(run(did, &hosted_ok()).status, Status::RecipientMismatch);
    let stranger = Credential { candidate_id: Some("c404".into()), ..cred() };
    let vc = run(stranger, &hosted_ok());
    assert_eq!(vc.status, Status::RecipientMismatch);
    assert!(check(&vc, "recipient").detail.contains("not in the roster"));
}

/// An unclaimed credential whose recipient is `email` hashed with SHA-256 and `salt`.
fn unclaimed(email: &str, salt: &str) -> Credential {
    Credential {
        candidate_id: None,
        recipient: Recipient::Hashed {
            kind: "email".into(),
            algo: HashAlgo::Sha256,
            digest: hash_identity(HashAlgo::Sha256, email, Some(salt)),
            salt: Some(salt.into()),
        },
        ..cred()
    }
}

#[test]
fn unclaimed_credentials_resolve_against_the_roster() {
    let plain = Credential {
        candidate_id: None,
        recipient: Recipient::Plain { kind: "email".into(), identity: "BOB@example.org".into() },
        ..cred()
    };
    let creds = vec![
        unclaimed("a.work@example.com", "s1"),
        unclaimed("bob@example.org", "s2"),
        unclaimed("nobody@example.org", "s1"),
        plain,
    ];
    let out = verify_all(creds.clone(), &roster(), day(AS_OF), &hosted_ok(), &TrustStore::default());
    let got: Vec<(Option<&str>, Status)> =
        out.iter().map(|v| (v.credential.candidate_id.as_deref(), v.status)).collect();
    assert_eq!(
        got,
        [
            (Some("c1"), Status::Verified),
            (Some("c2"), Status::Verified),
            (None, Status::RecipientMismatch),
            (Some("c2"), Status::Verified)
        ]
    );
    // verify_one agrees with verify_all (order preserved, same checks).
    for (c, v) in creds.into_iter().zip(&out) {
        let one = verify_one(c, &roster(), day(AS_OF), &hosted_ok(), &TrustStore::default());
        assert_eq!((one.status, &one.checks), (v.status, &v.checks));
    }

    // Two candidates sharing an email (a hand-built roster): ambiguous, not resolved.
    let shared = roster_of(&[("c1", &["team@example.org"]), ("c2", &["team@example.org"])]);
    let vc = verify_one(unclaimed("team@example.org", "s"), &shared, day(AS_OF), &hosted_ok(), &TrustStore::default());
    assert_eq!(vc.status, Status::RecipientMismatch);
    assert_eq!(vc.credential.candidate_id, None);
    assert!(check(&vc, "recipient").detail.contains("ambiguous"));
    assert!(check(&vc, "recipient").detail.contains("c1, c2"));

    // The roster is hashed for at most `max_resolution_salts` distinct salts per batch: with a
    // limit of 1, the credential with the second salt is reported as not resolved, naming the key.
    let limited = VerifyPolicy { max_resolution_salts: 1, ..hosted_ok() };
    let two = vec![unclaimed("a.work@example.com", "s1"), unclaimed("bob@example.org", "s2")];
    let out = verify_all(two, &roster(), day(AS_OF), &limited, &TrustStore::default());
    assert_eq!(out[0].status, Status::Verified);
    assert_eq!(out[1].status, Status::RecipientMismatch);
    assert_eq!(out[1].credential.candidate_id, None);
    assert!(check(&out[1], "recipient").detail.contains("max_resolution_salts"), "{:?}", out[1].checks);
}

#[test]
fn credentials_verified_chunk_by_chunk_verify_as_one_batch() {
    // Salts s1, s2, s1, s3 with room for two tables: the first two salts in credential order get
    // one, whichever chunk they arrive in; s3 is over the limit in both ways of verifying.
    let creds = vec![
        unclaimed("a.work@example.com", "s1"),
        unclaimed("bob@example.org", "s2"),
        unclaimed("alice@example.org", "s1"),
        unclaimed("bob@example.org", "s3"),
    ];
    let limited = VerifyPolicy { max_resolution_salts: 2, ..hosted_ok() };
    let trust = TrustStore::default();
    let whole = verify_all(creds.clone(), &roster(), day(AS_OF), &limited, &trust);
    let shown = |v: &[VerifiedCredential]| -> Vec<String> {
        v.iter().map(|v| format!("{:?} {:?} {:?}", v.credential.candidate_id, v.status, v.checks)).collect()
    };
    assert_eq!(whole[3].status, Status::RecipientMismatch, "the third salt is over the limit");
    for size in [1, 2, 3] {
        let mut verifier = Verifier::new(day(AS_OF), &limited, &trust);
        let chunked: Vec<VerifiedCredential> =
            creds.chunks(size).flat_map(|c| verifier.verify_chunk(c.to_vec(), &roster())).collect();
        assert_eq!(shown(&chunked), shown(&whole), "chunks of {size}");
        assert!(chunked.iter().all(|v| v.credential.raw.is_none()), "documents dropped once checked");
    }
}

#[test]
fn precedence_between_failures() {
    let all_bad = Credential {
        problems: vec![Problem::missing("badge")],
        revoked_reason: Some("r".into()),
        recipient: Recipient::Plain { kind: "email".into(), identity: "bob@example.org".into() },
        expires: at("2020-01-01"),
        ..cred()
    };
    assert_eq!(run(all_bad.clone(), &hosted_ok()).status, Status::Malformed);
    let no_problems = Credential { problems: vec![], ..all_bad };
    assert_eq!(run(no_problems.clone(), &hosted_ok()).status, Status::Revoked);
    let not_revoked = Credential { revoked_reason: None, ..no_problems };
    assert_eq!(run(not_revoked.clone(), &hosted_ok()).status, Status::RecipientMismatch);
    let matched = Credential { recipient: cred().recipient, issued_on: at("2030-01-01"), ..not_revoked };
    assert_eq!(run(matched.clone(), &VerifyPolicy::default()).status, Status::Expired);
    let fresh = Credential { expires: None, ..matched };
    assert_eq!(run(fresh, &VerifyPolicy::default()).status, Status::NotYetValid);
    let ranks: Vec<u8> = [
        Status::Malformed,
        Status::Revoked,
        Status::RecipientMismatch,
        Status::Expired,
        Status::NotYetValid,
        Status::Unverifiable,
        Status::Verified,
    ]
    .iter()
    .map(|s| s.precedence())
    .collect();
    assert!(ranks.windows(2).all(|w| w[0] > w[1]), "{ranks:?}");
}

#[test]
fn json_shape_has_no_emails() {
    let vc = run(cred(), &hosted_ok());
    let v = to_json(&vc);
    assert_eq!(v["source"], "badges/c1/a.json#whole file");
    assert_eq!(v["format"], "ob2");
    assert_eq!(v["credential_id"], "urn:uuid:1");
    assert_eq!(v["issuer"], "Example Academy");
    assert_eq!(v["achievement"], "Rust Basics");
    assert_eq!(v["candidate_id"], "c1");
    assert_eq!(v["status"], "verified");
    assert_eq!(
        v["checks"][0],
        json!({"check": "structure", "outcome": "pass", "detail": "required fields present (issuer, achievement name, issue date)"})
    );
    assert_eq!(v["skills"], json!([{"name": "Rust", "uri": "http://data.europa.eu/esco/skill/r"}]));
    assert!(!v.to_string().to_lowercase().contains(ALICE));
    let no_name = VerifiedCredential { credential: Credential { issuer_name: None, ..cred() }, ..vc };
    assert_eq!(to_json(&no_name)["issuer"], "https://issuer.example/org");
}

/// Ingest → verify on real files: the OB 2.0 spec examples and OB 3.0 verifier-core fixtures.
#[test]
fn real_examples_end_to_end() {
    let out = ingest::ingest(&IngestSpec {
        badges: vec![Path::new("/work/shared/data/openbadges-1edtech-spec-examples/ob_v2p0").to_path_buf()],
        ..Default::default()
    })
    .expect("ingest");
    let verified = verify_all(out.credentials, &out.roster, day("2017-01-15"), &hosted_ok(), &TrustStore::default());
    let by_file: HashMap<String, Status> = verified
        .iter()
        .map(|v| (v.credential.source.path.rsplit('/').next().unwrap_or_default().to_string(), v.status))
        .collect();
    // Revoked by the spec's revocation notice (beats the unresolvable hashed recipient).
    assert_eq!(by_file.get("assertion-example__0.json"), Some(&Status::Revoked));
    // No roster: the hashed recipient cannot be resolved.
    assert_eq!(by_file.get("signed-badges-example__2.json"), Some(&Status::RecipientMismatch));

    // OB 3.0 fixtures, given an e-mail identifier after signing and claimed by c1: the signature
    // no longer covers the document → invalid_signature (even without a trust store).
    let tmp = tempfile::tempdir().expect("tempdir");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ob3/v2");
    for name in ["v2NoStatus.json", "v2Expired.json"] {
        let text = std::fs::read_to_string(fixtures.join(name)).expect("read fixture");
        let mut doc: serde_json::Value = serde_json::from_str(&text).expect("fixture JSON");
        doc["credentialSubject"]["identifier"] =
            json!([{"type": "IdentityObject", "identityType": "emailAddress", "hashed": false, "identityHash": ALICE}]);
        let dest = tmp.path().join("badges/c1").join(name);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::write(&dest, doc.to_string()).expect("write");
    }
    let out =
        ingest::ingest(&IngestSpec { badges: vec![tmp.path().join("badges")], ..Default::default() }).expect("ingest");
    let verified = verify_all(out.credentials, &roster(), day(AS_OF), &VerifyPolicy::default(), &TrustStore::default());
    let got: Vec<(&str, Status, &str)> = verified
        .iter()
        .map(|v| {
            (
                v.credential.source.path.rsplit('/').next().unwrap_or_default(),
                v.status,
                check(v, "authenticity").detail.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("v2Expired.json", Status::InvalidSignature, TAMPERED),
            ("v2NoStatus.json", Status::InvalidSignature, TAMPERED),
        ]
    );
    assert!(verified.iter().all(|v| check(v, "recipient").outcome == Outcome::Pass));
}

#[test]
fn a_missing_document_follows_the_missing_policy() {
    use super::verdict::Verdict;
    let missing = || Verdict::Missing("x".into());
    let f = checks::from_verdict("authenticity", missing(), &TrustStore::default());
    assert_eq!((f.check.outcome, f.implies), (Outcome::Skip, Some(Status::Unverifiable)));
    assert_eq!(f.check.detail, "x (no trust store is configured)");
    let mut s = TrustStore::empty_configured();
    let f = checks::from_verdict("authenticity", missing(), &s);
    assert_eq!((f.check.outcome, f.implies), (Outcome::Fail, Some(Status::Unverifiable)));
    assert_eq!(f.check.detail, "x (policy: fail_closed)");
    s.set_policy(trust::TrustPolicy { missing: trust::Missing::FailOpen, ..Default::default() });
    let f = checks::from_verdict("authenticity", missing(), &s);
    assert_eq!((f.check.outcome, f.implies), (Outcome::Skip, Some(Status::Unverifiable)));
    assert_eq!(f.check.detail, "x (policy: fail_open)");
}

#[test]
fn a_lean_verifier_keeps_statuses_and_failure_details_and_drops_what_no_later_stage_reads() {
    let expired = Credential { expires: at("2025-01-01T00:00:00Z"), ..cred() };
    let mismatch = Credential {
        recipient: Recipient::Plain { kind: "email".into(), identity: "bob@example.org".into() },
        compact: Some("eyJhbGciOiJFUzI1NiJ9.e30.sig".into()),
        problems: vec![Problem::new("id", ProblemKind::HostedNotFetched, "https://issuer.example/a")],
        ..cred()
    };
    let creds = vec![cred(), expired, mismatch, credly("pending")];
    let policy = hosted_ok();
    let (store, as_of) = (TrustStore::default(), day(AS_OF));
    let full = Verifier::new(as_of, &policy, &store).verify_chunk(creds.clone(), &roster());
    let lean = Verifier::new(as_of, &policy, &store).lean().verify_chunk(creds, &roster());
    assert_eq!(full.len(), lean.len());
    for (f, l) in full.iter().zip(&lean) {
        assert_eq!(f.status, l.status);
        assert_eq!(f.credential.candidate_id, l.credential.candidate_id);
        assert_eq!(f.credential.skills, l.credential.skills);
        let names = |v: &VerifiedCredential| v.checks.iter().map(|k| (k.check, k.outcome)).collect::<Vec<_>>();
        assert_eq!(names(f), names(l));
        for (fk, lk) in f.checks.iter().zip(l.checks.iter()) {
            if fk.outcome == Outcome::Pass {
                assert!(!fk.detail.is_empty(), "{fk:?}");
                assert_eq!(lk.detail, "", "{lk:?}");
            } else {
                assert_eq!(fk.detail, lk.detail);
            }
        }
        assert_eq!(l.credential.recipient, Recipient::Absent);
        assert!(l.credential.compact.is_none() && l.credential.problems.is_empty());
    }
    let statuses: Vec<Status> = lean.iter().map(|v| v.status).collect();
    assert_eq!(statuses, [Status::Verified, Status::Expired, Status::Malformed, Status::Unverifiable]);
}

#[test]
fn a_lean_verifier_gives_credentials_with_alike_checks_one_list_across_chunks_and_keeps_others_apart() {
    let second = Credential { credential_id: "urn:uuid:second".into(), ..cred() };
    let expired = Credential { expires: at("2025-01-01T00:00:00Z"), ..cred() };
    let policy = hosted_ok();
    let (store, as_of) = (TrustStore::default(), day(AS_OF));
    let mut lean = Verifier::new(as_of, &policy, &store).lean();
    let first = lean.verify_chunk(vec![cred(), second, expired.clone()], &roster());
    let next = lean.verify_chunk(vec![cred(), expired], &roster());
    let statuses: Vec<Status> = first.iter().chain(&next).map(|v| v.status).collect();
    assert_eq!(statuses, [Status::Verified, Status::Verified, Status::Expired, Status::Verified, Status::Expired]);
    let shared = |a: &VerifiedCredential, b: &VerifiedCredential| std::sync::Arc::ptr_eq(&a.checks, &b.checks);
    assert!(shared(&first[0], &first[1]), "two verified credentials, one chunk");
    assert!(shared(&first[0], &next[0]), "two verified credentials, two chunks");
    assert!(shared(&first[2], &next[1]), "the same failure, two chunks");
    assert!(!shared(&first[0], &first[2]), "a pass and a failure");
    assert_ne!(first[0].checks, first[2].checks);
    let full = Verifier::new(as_of, &policy, &store).verify_chunk(vec![cred(), cred()], &roster());
    assert!(!shared(&full[0], &full[1]), "the full verifier keeps every credential's own details");
}
