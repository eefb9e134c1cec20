//! `skillmatch verify --trust`: the example trust folder verifies the DCC fixtures; a missing or
//! invalid trust folder is a usage error (exit 2).
#![allow(clippy::unwrap_used)] // fixture builders outside #[test] functions unwrap known-good inputs

use std::path::Path;
use std::process::Command;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_skillmatch"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

#[test]
fn verify_with_the_example_trust_folder() {
    let out = bin()
        .args(["verify", "tests/fixtures/ob3/v2/v2Revoked.json", "tests/fixtures/ob3/v2/v2Expired.json"])
        .args(["--trust", "datasets/trust", "--as-of", "2026-06-01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let statuses: Vec<&str> = lines.iter().map(|v| v["status"].as_str().unwrap()).collect();
    // No roster: the recipient cannot be matched, which outranks expired. The revoked fixture
    // names no recipient at all, which makes it malformed (its revocation is still reported).
    assert_eq!(statuses, ["recipient_mismatch", "malformed"]);
    let revocation = lines[1]["checks"].as_array().unwrap().iter().find(|c| c["check"] == "revocation").unwrap();
    assert_eq!(revocation["outcome"], "fail");
    assert!(revocation["detail"].as_str().unwrap().contains("revoked"), "{revocation}");
    let expiry = lines[0]["checks"].as_array().unwrap().iter().find(|c| c["check"] == "expiry").unwrap();
    assert_eq!(expiry["outcome"], "fail");
    for v in &lines {
        let checks: Vec<&str> = v["checks"].as_array().unwrap().iter().map(|c| c["check"].as_str().unwrap()).collect();
        assert!(checks.contains(&"issuer_trust") && checks.contains(&"consistency"), "{checks:?}");
        let auth = v["checks"].as_array().unwrap().iter().find(|c| c["check"] == "authenticity").unwrap();
        assert_eq!(auth["outcome"], "pass", "{auth}");
    }
}

#[test]
fn a_bad_trust_folder_is_a_usage_error() {
    let out = bin().args(["verify", "tests/fixtures/ob3/v2", "--trust", "no/such/folder"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("policy.toml"), "missing = \"maybe\"").unwrap();
    let out = bin().args(["verify", "tests/fixtures/ob3/v2"]).arg("--trust").arg(tmp.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("policy.toml"));
    assert!(Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/trust/policy.toml").is_file());
}

#[test]
fn a_stray_file_in_the_trust_folder_is_a_warning_not_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/trust");
    for entry in walk(&src) {
        let rel = entry.strip_prefix(&src).unwrap();
        let to = tmp.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &to).unwrap();
    }
    std::fs::write(tmp.path().join("registry.json"), r#"{"issuers": [{"name": "Example"}]}"#).unwrap();
    std::fs::write(tmp.path().join("odd.json"), r#"{"id": "https://x.example/odd", "type": "\u001b[31mEvil"}"#)
        .unwrap();
    let out = bin()
        .args(["verify", "tests/fixtures/ob3/v2/v2Revoked.json", "--as-of", "2026-06-01", "--trust"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("skipped registry.json") && stderr.contains("no id"), "{stderr}");
    assert!(stderr.contains("skipped odd.json") && stderr.contains("\\u{1b}[31mEvil"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "no control characters from data on the terminal");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}
