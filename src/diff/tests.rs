use super::*;
use crate::query::RoleDefinition;

fn role(title: &str, skills: &[&str]) -> RoleDefinition {
    RoleDefinition {
        title: title.into(),
        skills: skills.iter().map(|s| (s.to_string(), "required".into(), "explicit".into())).collect(),
        weights: skills.iter().map(|s| (s.to_string(), 1.0)).collect(),
        ..RoleDefinition::default()
    }
}

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Two roles, three candidates each holding one verified credential.
fn base() -> RunSnapshot {
    let mut s = RunSnapshot::default();
    s.manifest.as_of = "2026-11-01".into();
    s.manifest.run.run_id = "old".into();
    s.manifest.config = serde_json::json!({"score": {"model": "evidence"}, "run": {"csv_bom": false}});
    s.roles.insert("r1".into(), role("Welder", &["weld"]));
    s.roles.insert("r2".into(), role("Baker", &["bake"]));
    s.shortlists.insert("r1".into(), ids(&["c1", "c2"]));
    s.shortlists.insert("r2".into(), ids(&["c3", "c2"]));
    for c in ["c1", "c2", "c3"] {
        s.candidates.insert(c.into());
        s.credentials.entry(c.into()).or_default().insert(format!("cred-{c}"), "verified".into());
    }
    s
}

fn causes(d: &RunDiff) -> BTreeSet<Cause> {
    d.roles.iter().flat_map(|r| r.movements.iter().flat_map(|m| m.causes.iter().cloned())).collect()
}

#[test]
fn identical_runs_give_an_empty_diff() {
    let (a, mut b) = (base(), base());
    b.manifest.run.run_id = "new".into();
    let d = diff(&a, &b);
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(d.summary.mean_rbo, 1.0);
    assert_eq!(d.summary.roles_compared, 2);
}

#[test]
fn a_revoked_credential_is_the_cause_of_its_holder_leaving_and_others_shift() {
    let (a, mut b) = (base(), base());
    b.credentials.get_mut("c1").expect("c1").insert("cred-c1".into(), "revoked".into());
    b.shortlists.insert("r1".into(), ids(&["c2", "c3"]));
    let d = diff(&a, &b);
    assert_eq!(d.roles.len(), 1);
    let r = &d.roles[0];
    assert_eq!((r.role_id.as_str(), r.posting), ("r1", None));
    let by = |c: &str| r.movements.iter().find(|m| m.candidate_id == c).expect(c);
    assert_eq!(by("c1").kind, MoveKind::Left);
    assert_eq!(by("c1").causes, vec![Cause::CredentialRevoked { credential_id: "cred-c1".into() }]);
    assert_eq!((by("c2").kind, by("c2").old_rank, by("c2").new_rank), (MoveKind::Moved, Some(2), Some(1)));
    assert_eq!(by("c2").causes, vec![Cause::RankingShifted]);
    assert_eq!(by("c3").kind, MoveKind::Entered);
    assert_eq!(by("c3").causes, vec![Cause::RankingShifted]);
    assert!(r.rbo > 0.0 && r.rbo < 1.0, "{}", r.rbo);
    assert_eq!((d.summary.entered, d.summary.left, d.summary.moved), (1, 1, 1));
}

#[test]
fn credential_status_changes_are_typed_by_their_new_status() {
    assert_eq!(credential_cause("x", Some("verified"), Some("verified")), None);
    let x = || "x".to_string();
    assert_eq!(credential_cause("x", None, Some("verified")), Some(Cause::CredentialVerified { credential_id: x() }));
    assert_eq!(
        credential_cause("x", Some("unknown_issuer"), Some("verified")),
        Some(Cause::CredentialVerified { credential_id: x() })
    );
    assert_eq!(
        credential_cause("x", Some("verified"), Some("expired")),
        Some(Cause::CredentialExpired { credential_id: x() })
    );
    assert_eq!(
        credential_cause("x", Some("verified"), Some("revoked")),
        Some(Cause::CredentialRevoked { credential_id: x() })
    );
    assert_eq!(
        credential_cause("x", Some("verified"), None),
        Some(Cause::CredentialChanged { credential_id: x(), from: Some("verified".into()), to: None })
    );
}

#[test]
fn postings_added_removed_and_changed_are_role_level_causes() {
    let (a, mut b) = (base(), base());
    b.roles.insert("r3".into(), role("Painter", &["paint"]));
    b.shortlists.insert("r3".into(), ids(&["c1"]));
    b.roles.remove("r2");
    b.shortlists.remove("r2");
    let d = diff(&a, &b);
    let kinds: Vec<(&str, Option<PostingChange>)> = d.roles.iter().map(|r| (r.role_id.as_str(), r.posting)).collect();
    assert_eq!(kinds, vec![("r2", Some(PostingChange::Removed)), ("r3", Some(PostingChange::Added))]);
    assert_eq!(causes(&d), BTreeSet::from([Cause::PostingAdded, Cause::PostingRemoved]));
    assert_eq!((d.summary.roles_added, d.summary.roles_removed, d.summary.roles_compared), (1, 1, 3));
    assert_eq!(d.roles[1].rbo, 0.0, "an added role shares nothing with no list");

    let mut c = base();
    c.roles.insert("r1".into(), role("Welder", &["weld", "grind"]));
    c.shortlists.insert("r1".into(), ids(&["c2", "c1"]));
    let d = diff(&a, &c);
    assert_eq!(d.roles[0].posting, Some(PostingChange::Changed));
    assert_eq!(causes(&d), BTreeSet::from([Cause::PostingChanged]));
}

#[test]
fn weights_moved_by_other_postings_are_named_only_without_a_direct_cause() {
    let (a, mut b) = (base(), base());
    b.roles.get_mut("r2").expect("r2").weights.insert("bake".into(), 0.7);
    b.shortlists.insert("r2".into(), ids(&["c2", "c3"]));
    let d = diff(&a, &b);
    assert!(d.roles[0].weights_changed && d.roles[0].posting.is_none());
    assert_eq!(causes(&d), BTreeSet::from([Cause::RoleWeightsChanged]));
    assert!(causes(&d).iter().all(|c| !c.is_direct()));
    // New weights, but the candidates on both lists keep their order: another candidate's
    // leaving moved them, not the weights.
    b.shortlists.insert("r2".into(), ids(&["c2"]));
    b.credentials.get_mut("c3").expect("c3").insert("cred-c3".into(), "expired".into());
    let d = diff(&a, &b);
    let c2 = d.roles[0].movements.iter().find(|m| m.candidate_id == "c2").expect("c2");
    assert_eq!(c2.causes, vec![Cause::RankingShifted]);
}

#[test]
fn config_and_taxonomy_changes_are_said_in_the_header_and_as_causes() {
    let (a, mut b) = (base(), base());
    b.manifest.config = serde_json::json!({"score": {"model": "coverage"}, "run": {"csv_bom": true}});
    b.manifest.taxonomy.files.push(crate::report::manifest::TaxonomyFile { path: "x".into(), sha256: "ab".into() });
    b.manifest.as_of = "2026-11-02".into();
    b.shortlists.insert("r2".into(), ids(&["c2", "c3"]));
    let d = diff(&a, &b);
    assert!(d.config_changed && d.taxonomy_changed && d.as_of_changed && !d.is_empty());
    assert_eq!(causes(&d), BTreeSet::from([Cause::TaxonomyChanged, Cause::ConfigChanged]));
    // `[run]` settings and input paths alone are no config change.
    let mut c = base();
    c.manifest.config = serde_json::json!({"score": {"model": "evidence"}, "run": {"csv_bom": true}, "inputs": {}});
    assert!(diff(&a, &c).is_empty());
}

#[test]
fn a_new_candidate_is_new_only_when_the_roster_changed() {
    let (mut a, mut b) = (base(), base());
    b.candidates.insert("c4".into());
    b.credentials.entry("c4".into()).or_default().insert("cred-c4".into(), "verified".into());
    b.shortlists.insert("r1".into(), ids(&["c4", "c1", "c2"]));
    let roster = |sha: &str| crate::ingest::InputFile {
        kind: "roster".into(),
        path: "roster.csv".into(),
        sha256: sha.into(),
        bytes: 1,
    };
    a.manifest.inputs.push(roster("aa"));
    b.manifest.inputs.push(roster("aa"));
    let m = |d: &RunDiff| d.roles[0].movements.iter().find(|m| m.candidate_id == "c4").expect("c4").causes.clone();
    assert_eq!(m(&diff(&a, &b)), vec![Cause::CredentialVerified { credential_id: "cred-c4".into() }]);
    b.manifest.inputs[0].sha256 = "bb".into();
    assert_eq!(
        m(&diff(&a, &b)),
        vec![Cause::CandidateNew, Cause::CredentialVerified { credential_id: "cred-c4".into() }]
    );
}

#[test]
fn the_previous_run_is_the_one_that_finished_last_ties_by_name() {
    let root = tempfile::tempdir().expect("tempdir");
    let put = |name: &str, finished: &str| {
        let dir = root.path().join(name);
        std::fs::create_dir_all(&dir).expect("mkdir");
        let mut m = Manifest::default();
        m.run.run_id = name.into();
        m.run.finished_at = finished.into();
        crate::report::manifest::write(&dir, &m).expect("manifest");
    };
    assert!(previous_run(root.path(), "new").is_none());
    put("b", "2026-11-02T03:00:00Z");
    put("a", "2026-11-03T03:00:00Z");
    put("c", "2026-11-01T03:00:00Z");
    put(".tonight.partial-12", "2026-11-09T03:00:00Z");
    std::fs::create_dir_all(root.path().join("no-manifest")).expect("mkdir");
    let pick = |id: &str| previous_run(root.path(), id).map(|(p, _)| p.file_name().expect("name").to_owned());
    assert_eq!(pick("new"), Some("a".into()));
    assert_eq!(pick("a"), Some("b".into()), "the run itself is never its previous run");
    put("d", "2026-11-03T03:00:00Z");
    assert_eq!(pick("new"), Some("d".into()));
}
