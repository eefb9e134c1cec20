//! `skillmatch diff` and the automatic `diff.json`, end to end: two nightly runs over a copy of
//! `datasets/demo` with one credential revoked (its issuer-hosted Open Badges 2.0 assertion now
//! says `"revoked": true`, the mechanism hosted verification honours) and one posting added
//! between them. The diff must name exactly those two causes; every other movement is the
//! ranking shifting around them.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const REVOKED: &str = "https://harbourcity.example/assertions/cand-000019-1.json";
const ADDED_ROLE: &str = "role-90001";

fn skillmatch(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_skillmatch")).args(args).current_dir(cwd).output().expect("binary runs")
}

/// A copy of the demo whose config points at the bundled ESCO and writes under `<dir>/out`.
fn demo_copy(dir: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let demo = dir.join("demo");
    common::copy_tree(&root.join("datasets/demo"), &demo);
    let config = demo.join("skillmatch.toml");
    let esco = root.join("datasets/taxonomy/esco-v1.2.0").display().to_string();
    let text = std::fs::read_to_string(&config).expect("config").replace("../taxonomy/esco-v1.2.0", &esco);
    std::fs::write(&config, text).expect("write config");
    demo
}

fn run(demo: &Path, out: &Path, id: &str) -> PathBuf {
    let (config, out_s) = (demo.join("skillmatch.toml").display().to_string(), out.display().to_string());
    let o = skillmatch(&["run", "--config", &config, "--out", &out_s, "--run-id", id, "--quiet"], demo);
    assert_eq!(o.status.code(), Some(0), "run {id}: {}", String::from_utf8_lossy(&o.stderr));
    out.join(id)
}

/// Revokes one credential the way its issuer would: the hosted assertion says so.
fn revoke(demo: &Path) {
    let path = demo.join("badges/cand-000019/ob2-01.json");
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).expect("badge")).expect("json");
    assert_eq!(doc["id"], REVOKED, "the badge file holds the credential the test revokes");
    doc["revoked"] = true.into();
    doc["revocationReason"] = "Issued in error.".into();
    std::fs::write(&path, serde_json::to_vec_pretty(&doc).expect("json")).expect("write badge");
}

/// Adds one opening to the postings.
fn add_posting(demo: &Path) {
    let posting = serde_json::json!({
        "@context": "https://schema.org/", "@type": "JobPosting", "identifier": ADDED_ROLE,
        "title": "engineering drawing reviewer", "datePosted": "2026-10-30",
        "hiringOrganization": {"@type": "Organization", "name": "Diffwell Engineering"},
        "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Utrecht"}},
        "description": "<p>Diffwell Engineering is hiring an engineering drawing reviewer.</p>",
        "skills": [{"@type": "DefinedTerm", "name": "read engineering drawings"}, {"@type": "DefinedTerm", "name": "mechanics"}]
    });
    let path = demo.join("postings.jsonl");
    let mut text = std::fs::read_to_string(&path).expect("postings");
    text.push_str(&format!("{posting}\n"));
    std::fs::write(&path, text).expect("write postings");
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).expect("json")
}

#[test]
fn a_revoked_credential_and_an_added_posting_are_the_only_causes_the_nightly_diff_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = demo_copy(dir.path());
    let out = dir.path().join("out");
    let first = run(&demo, &out, "night-1");
    assert!(!first.join("diff.json").exists(), "the first run has nothing to compare with");
    assert!(json(&first.join("manifest.json"))["run"].get("previous_run").is_none());
    revoke(&demo);
    add_posting(&demo);
    let second = run(&demo, &out, "night-2");

    // The automatic diff: written into the run folder, listed among its outputs, and the
    // previous run recorded in the manifest.
    let manifest = json(&second.join("manifest.json"));
    assert_eq!(manifest["run"]["previous_run"], "night-1");
    assert!(manifest["outputs"].as_array().expect("outputs").iter().any(|o| o["file"] == "diff.json"));
    let auto = json(&second.join("diff.json"));

    // The run's page shows the comparison (the first run's page says none was made).
    let page = |run: &Path| std::fs::read_to_string(run.join("report.html")).expect("report.html");
    assert!(page(&second).contains("Compared with run night-1"), "second page names the run it compares with");
    assert!(page(&second).contains("credential revoked"), "second page counts the revocation");
    assert!(!page(&first).contains("Compared with run"), "first page has no comparison");

    // `skillmatch diff` says the same.
    let (a, b) = (first.display().to_string(), second.display().to_string());
    let o = skillmatch(&["diff", &a, &b, "--format", "json"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(d, auto, "the command and the run's diff.json agree");

    // `--format html`: one offline page with the same section the run's report.html shows.
    let o = skillmatch(&["diff", &a, &b, "--format", "html"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let html = String::from_utf8(o.stdout).expect("UTF-8");
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<h1>skillmatch diff</h1>"), "{html}");
    assert!(html.contains("Compared with run night-1") && html.contains("credential revoked"), "{html}");
    assert!(!html.contains("<script") && !html.contains("src="), "nothing loaded from outside");

    assert_eq!((d["old"]["run_id"].as_str(), d["new"]["run_id"].as_str()), (Some("night-1"), Some("night-2")));
    for flag in ["as_of_changed", "config_changed", "taxonomy_changed"] {
        assert_eq!(d[flag], false, "{flag}");
    }
    let roles = d["roles"].as_array().expect("roles");
    let postings: Vec<(&str, &str)> = roles
        .iter()
        .filter(|r| !r["posting"].is_null())
        .map(|r| (r["role_id"].as_str().expect("id"), r["posting"].as_str().expect("change")))
        .collect();
    assert_eq!(postings, vec![(ADDED_ROLE, "added")], "one posting added, no other posting changed");

    let mut direct = BTreeSet::new();
    let mut revoked_holder_moved = false;
    for r in roles {
        for m in r["movements"].as_array().expect("movements") {
            for c in m["causes"].as_array().expect("causes") {
                let cause = c["cause"].as_str().expect("cause").to_string();
                // The two indirect causes: other candidates moved, or the added posting changed
                // every role's IDF weights (and so the fit term's rarities).
                if cause == "ranking_shifted" || cause == "role_weights_changed" {
                    continue;
                }
                if cause == "credential_revoked" {
                    assert_eq!(m["candidate_id"], "cand-000019", "{m}");
                    revoked_holder_moved |= m["kind"] != "entered";
                }
                direct.insert((cause, c["credential_id"].as_str().unwrap_or_default().to_string()));
            }
        }
    }
    let expected = BTreeSet::from([
        ("credential_revoked".to_string(), REVOKED.to_string()),
        ("posting_added".to_string(), String::new()),
    ]);
    assert_eq!(direct, expected, "exactly the two changes, and no other cause");
    assert!(revoked_holder_moved, "the holder of the revoked credential lost ground in a shortlist");

    // The table names both causes; a run compared with itself has no changes.
    let o = skillmatch(&["diff", &a, &b], dir.path());
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("credential revoked: ") && table.contains("posting added"), "{table}");
    let o = skillmatch(&["diff", &b, &b], dir.path());
    assert!(String::from_utf8_lossy(&o.stdout).contains("no changes"), "{}", String::from_utf8_lossy(&o.stdout));
    // A path that is not a run folder is a usage error naming it.
    let o = skillmatch(&["diff", &a, "no-such-run"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no-such-run"));
}

#[test]
fn an_unreadable_previous_run_is_warned_about_and_tonight_runs_without_a_diff() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = demo_copy(dir.path());
    let out = dir.path().join("out");
    let first = run(&demo, &out, "night-1");
    // Last night's folder lost a file the diff reads.
    std::fs::remove_file(first.join("matches.parquet")).expect("remove");
    let (config, out_s) = (demo.join("skillmatch.toml").display().to_string(), out.display().to_string());
    let o = skillmatch(&["run", "--config", &config, "--out", &out_s, "--run-id", "night-2"], &demo);
    assert_eq!(o.status.code(), Some(0), "tonight's run succeeds: {}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("no diff.json") && stderr.contains("night-1"), "warned: {stderr}");
    let second = out.join("night-2");
    assert!(!second.join("diff.json").exists(), "no diff against an unreadable run");
    let manifest = json(&second.join("manifest.json"));
    assert!(manifest["run"].get("previous_run").is_none(), "no previous run recorded");
    let page = std::fs::read_to_string(second.join("report.html")).expect("report.html");
    assert!(page.contains("Not available: no previous run was compared."), "the page says so");
}
