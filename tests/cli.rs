//! The `skillmatch` binary: exit codes, messages, bad inputs that must not abort a run.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;

fn skillmatch(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_skillmatch")).args(args).current_dir(cwd).output().expect("binary runs")
}

/// Runs the job on a folder written by `gen` (flags only, no config) into `out/<run_id>`.
fn run_generated(d: &Path, run_id: &str) -> Output {
    let args = ["run", "--roster", "roster.csv", "--badges", "badges", "--postings", "postings.jsonl"];
    let rest = ["--as-of", "2026-11-01", "--out", "out", "--run-id", run_id, "--quiet"];
    skillmatch(&[&args[..], &rest[..]].concat(), d)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn missing_input_path_exits_2_and_names_the_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = skillmatch(&["run", "--roster", "no/such/roster.csv", "--out", "r"], dir.path());
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(&o));
    assert!(stderr(&o).contains("no/such/roster.csv"), "{}", stderr(&o));
}

#[test]
fn unknown_flag_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = skillmatch(&["run", "--frobnicate"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--frobnicate"), "{}", stderr(&o));
}

#[test]
fn invalid_config_value_exits_2_and_names_the_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("c.toml"), "[score]\ngroup_credit = 3.0\n").expect("write");
    let o = skillmatch(&["run", "--config", "c.toml"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("group_credit"), "{}", stderr(&o));
}

#[test]
fn bad_files_and_records_are_rejected_while_the_run_succeeds() {
    let data = tempfile::tempdir().expect("tempdir");
    gen_into(data.path(), 30, 6, 21, false);
    let d = data.path();
    // A malformed JSON badge, a badge with invalid UTF-8, and an empty file.
    std::fs::write(d.join("badges/cand-000001/broken.json"), b"{\"type\": \"Assertion\", \"id\": ").expect("write");
    std::fs::write(d.join("badges/cand-000002/latin1.json"), b"{\"type\": \"Assertion\", \"name\": \"caf\xe9\"}")
        .expect("write");
    std::fs::write(d.join("badges/cand-000003/empty.json"), b"").expect("write");
    // A roster row with a broken quote, and a postings CSV with a broken quote on one row.
    let mut roster = std::fs::read_to_string(d.join("roster.csv")).expect("roster");
    roster.push_str("cand-999999,\"broken@mail.example,Lisbon\n");
    std::fs::write(d.join("roster.csv"), roster).expect("write");
    let mut postings = std::fs::read_to_string(d.join("postings.jsonl")).expect("postings");
    postings.push_str("{\"@type\": \"JobPosting\", \"identifier\": \n");
    std::fs::write(d.join("postings.jsonl"), postings).expect("write");

    let out = d.join("out");
    let o = run_generated(d, "bad");
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.trim_end().ends_with("bad"), "last stdout line is the report folder: {stdout}");

    let rejects: Vec<serde_json::Value> = std::fs::read_to_string(out.join("bad/rejects.jsonl"))
        .expect("rejects")
        .lines()
        .map(|l| serde_json::from_str(l).expect("reject line is JSON"))
        .collect();
    for needle in ["broken.json", "latin1.json", "empty.json", "roster.csv", "postings.jsonl"] {
        let r = rejects.iter().find(|r| r["path"].as_str().is_some_and(|p| p.ends_with(needle)));
        let r = r.unwrap_or_else(|| panic!("no reject for {needle}: {rejects:?}"));
        assert!(!r["reason"].as_str().unwrap_or("").is_empty(), "reject without reason: {r}");
        assert!(!r["position"].as_str().unwrap_or("").is_empty(), "reject without position: {r}");
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("bad/manifest.json")).expect("manifest")).expect("json");
    let mut rejected_total = 0;
    for (kind, c) in manifest["ingest"].as_object().expect("ingest counts") {
        let (read, acc, rej) = (c["read"].as_u64(), c["accepted"].as_u64(), c["rejected"].as_u64());
        assert_eq!(read, Some(acc.unwrap_or(0) + rej.unwrap_or(0)), "{kind} does not reconcile: {c}");
        rejected_total += rej.unwrap_or(0);
    }
    assert_eq!(rejected_total as usize, rejects.len(), "every rejected record is in rejects.jsonl");
}

#[test]
fn demo_job_runs_with_no_arguments_from_the_checkout() {
    let out = tempfile::tempdir().expect("tempdir");
    let o = skillmatch(
        &["run", "--out", &out.path().display().to_string(), "--quiet"],
        Path::new(env!("CARGO_MANIFEST_DIR")),
    );
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let run_dir = String::from_utf8_lossy(&o.stdout).lines().last().expect("a line").to_string();
    for f in [
        "matches.parquet",
        "shortlists.csv",
        "candidate_gaps.csv",
        "verification.csv",
        "unmapped_skills.csv",
        "rejects.jsonl",
        "manifest.json",
    ] {
        assert!(Path::new(&run_dir).join(f).exists(), "{f} missing in {run_dir}");
    }
    let shortlist = read_csv(&Path::new(&run_dir).join("shortlists.csv"));
    assert!(shortlist.len() >= 80, "every demo role has a shortlist; got {} rows", shortlist.len());
}

#[test]
fn verify_prints_one_json_object_per_credential_and_exits_0() {
    let data = tempfile::tempdir().expect("tempdir");
    gen_into(data.path(), 5, 3, 2, true);
    let o = skillmatch(&["verify", "badges", "--roster", "roster.csv", "--as-of", "2026-11-01"], data.path());
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert!(!lines.is_empty());
    for v in &lines {
        for key in ["source", "format", "credential_id", "status", "checks", "skills"] {
            assert!(v.get(key).is_some(), "{key} missing in {v}");
        }
        assert!(skillmatch::verify::Status::parse(v["status"].as_str().expect("status")).is_some());
    }
}

#[test]
fn shortlist_and_explain_answer_from_the_run_folder() {
    let data = tempfile::tempdir().expect("tempdir");
    gen_into(data.path(), 60, 8, 13, true);
    let d = data.path();
    let o = run_generated(d, "q");
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let shortlist = read_csv(&d.join("out/q/shortlists.csv"));
    let first = &shortlist[0];
    let (role, cand) = (first["role_id"].as_str(), first["candidate_id"].as_str());

    let o = skillmatch(&["shortlist", "--run", "out/q", "--role", role, "--top", "3", "--format", "json"], d);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).expect("json array");
    assert!(!rows.is_empty() && rows.len() <= 3);
    assert_eq!(rows[0]["candidate_id"], cand, "same order as the run's shortlist");
    let score: f64 = first["score"].parse().expect("score");
    assert!((rows[0]["score"].as_f64().expect("score") - score).abs() < 1e-9);

    // A must-have skill the top candidate lacks filters it out; one it holds keeps it.
    let held = first["matched_required"].split(';').next().expect("a matched skill").to_string();
    let o = skillmatch(&["shortlist", "--run", "out/q", "--role", role, "--must", &held, "--format", "json"], d);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).expect("json array");
    assert!(rows.iter().any(|r| r["candidate_id"] == cand));
    let o = skillmatch(&["shortlist", "--run", "out/q", "--role", role, "--min-score", "1", "--format", "json"], d);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).expect("json array");
    assert!(rows.iter().all(|r| r["score"].as_f64() == Some(1.0)), "{rows:?}");

    let o = skillmatch(&["explain", "--run", "out/q", "--role", role, "--candidate", cand, "--format", "json"], d);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let e: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let explained = e["score"].as_f64().expect("score");
    assert!((explained - score).abs() < 1e-9, "explain recomputes the run's score: {explained} vs {score}");
    let skills = e["skills"].as_array().expect("skills");
    let exact: Vec<&serde_json::Value> = skills.iter().filter(|s| s["via"] == "exact").collect();
    assert!(!exact.is_empty());
    for s in exact {
        let ev = s["evidence"].as_array().expect("evidence");
        assert!(!ev.is_empty(), "an exact match names its credential: {s}");
        assert!(
            ev.iter()
                .all(|c| !c["status"].as_str().unwrap_or("").is_empty()
                    && !c["issuer"].as_str().unwrap_or("").is_empty())
        );
    }
    // Unknown pair: usage error naming it.
    let o = skillmatch(&["explain", "--run", "out/q", "--role", role, "--candidate", "nobody"], d);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nobody"));
}

#[test]
fn gen_refuses_invalid_shares_with_exit_2_and_names_the_flag() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = skillmatch(&["gen", "--candidates", "5", "--roles", "2", "--out", "g", "--zipf=-1"], dir.path());
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(&o));
    assert!(stderr(&o).contains("--zipf"), "{}", stderr(&o));
    let o = skillmatch(&["gen", "--out", "g", "--formats", "1,2"], dir.path());
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(&o));
    assert!(stderr(&o).contains("--formats"), "{}", stderr(&o));
}

#[test]
fn a_bundles_layout_folder_runs_with_its_generated_run_toml() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let args = ["gen", "--candidates", "40", "--roles", "8", "--seed", "3", "--layout", "bundles", "--out", "g"];
    let o = skillmatch(&args, d);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert!(d.join("g/claims.csv").exists() && d.join("g/badges/credly-00001.json").exists());
    let o = skillmatch(&["run", "--config", "g/run.toml", "--out", "out", "--run-id", "b", "--quiet"], d);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("out/b/manifest.json")).expect("manifest")).expect("json");
    assert_eq!(m["ingest"]["claims"]["rejected"], 0, "{}", m["ingest"]);
    assert!(m["ingest"]["claims"]["accepted"].as_u64().expect("count") > 30);
    let pathways = read_csv(&d.join("out/b/pathways.csv"));
    assert!(!pathways.is_empty(), "the generated pathways are configured");
}

/// Writes `text` into `d/name` (a roster or postings file).
fn put(d: &Path, name: &str, text: &str) {
    std::fs::write(d.join(name), text).expect("write fixture");
}

#[test]
fn an_input_that_yields_nothing_fails_the_run_naming_the_file_and_the_first_reason() {
    let data = tempfile::tempdir().expect("tempdir");
    gen_into(data.path(), 8, 3, 5, false);
    let d = data.path();
    put(d, "empty.csv", "");
    put(d, "header.csv", "candidate_id,emails,location\n");
    put(d, "semicolon.csv", "candidate_id;emails;location\ncand-000001;a@example.org;Rome\n");
    put(d, "none.jsonl", "");
    let cases: [(&str, &str, &str); 5] = [
        ("badges", "postings.jsonl", "badges"),
        ("empty.csv", "postings.jsonl", "empty file"),
        ("header.csv", "postings.jsonl", "no data rows"),
        ("semicolon.csv", "postings.jsonl", "header must name candidate_id"),
        ("roster.csv", "none.jsonl", "none.jsonl"),
    ];
    for (roster, postings, needle) in cases {
        let args = ["run", "--roster", roster, "--badges", "badges", "--postings", postings, "--out", "out", "--quiet"];
        let o = skillmatch(&[&args[..], &["--as-of", "2026-11-01", "--run-id", "x"][..]].concat(), d);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{roster} / {postings}: {err}");
        assert!(err.contains(needle), "{roster} / {postings}: {err}");
        assert!(!d.join("out/x").exists(), "no report is published");
    }
}

#[test]
fn a_mostly_rejected_roster_fails_unless_max_reject_share_allows_it() {
    let data = tempfile::tempdir().expect("tempdir");
    gen_into(data.path(), 8, 3, 5, false);
    let d = data.path();
    // One good row, two rows with the wrong column count: 2/3 rejected > 0.5.
    put(d, "r.csv", "candidate_id,emails,location\ncand-000001,a@example.org,Rome\nbad\nworse\n");
    let base = ["run", "--badges", "badges", "--postings", "postings.jsonl", "--as-of", "2026-11-01", "--quiet"];
    let o = skillmatch(&[&base[..], &["--roster", "r.csv", "--out", "out"][..]].concat(), d);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("max_reject_share") && stderr(&o).contains("line 3"), "{}", stderr(&o));
    put(d, "c.toml", "[run]\nmax_reject_share = 1.0\nmin_roles = 1\n");
    let o = skillmatch(&[&base[..], &["--roster", "r.csv", "--config", "c.toml", "--out", "out"][..]].concat(), d);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // min_candidates above what the roster yields fails the run.
    put(d, "c.toml", "[run]\nmin_candidates = 100\n");
    let o = skillmatch(&[&base[..], &["--roster", "roster.csv", "--config", "c.toml", "--out", "out"][..]].concat(), d);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("min_candidates = 100"), "{}", stderr(&o));
}

#[test]
fn as_of_must_be_an_exact_date_with_a_four_digit_year() {
    let dir = tempfile::tempdir().expect("tempdir");
    for bad in ["26-11-01", "2026-11-1", "1900-01-01"] {
        let o = skillmatch(&["run", "--as-of", bad, "--out", "r"], dir.path());
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
        assert!(stderr(&o).contains(bad) && stderr(&o).contains("YYYY-MM-DD"), "{}", stderr(&o));
    }
    std::fs::write(dir.path().join("c.toml"), "[run]\nas_of = \"26-11-01\"\n").expect("write");
    let o = skillmatch(&["run", "--config", "c.toml"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("26-11-01"), "{}", stderr(&o));
}

#[test]
fn out_of_range_flags_exit_2_naming_the_flag_or_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = skillmatch(&["run", "--threads", "0"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--threads"), "{}", stderr(&o));

    let data = tempfile::tempdir().expect("tempdir");
    gen_into(data.path(), 30, 5, 13, false);
    let d = data.path();
    let o = run_generated(d, "q");
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let role = read_csv(&d.join("out/q/shortlists.csv"))[0]["role_id"].clone();
    let shortlist =
        |extra: &[&str]| skillmatch(&[&["shortlist", "--run", "out/q", "--role", &role][..], extra].concat(), d);
    for (extra, needle) in [
        (&["--top", "0"][..], "--top"),
        (&["--min-score", "2"][..], "--min-score"),
        (&["--min-score", "1.01"][..], "--min-score"),
        (&["--must", "nonexistent skill"][..], "nonexistent skill"),
    ] {
        let o = shortlist(extra);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{extra:?}: {}", stderr(&o));
    }
    let o = skillmatch(&["shortlist", "--run", "out/q", "--role", "role-nope"], d);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("role-nope") && stderr(&o).contains("not in"), "{}", stderr(&o));
}

#[test]
fn a_closed_pipe_on_stdout_exits_0_like_ripgrep() {
    use std::process::Stdio;
    let dir = tempfile::tempdir().expect("tempdir");
    let texts: Vec<String> = (0..2000).map(|i| format!("SQL {i}")).collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_skillmatch"))
        .arg("normalize")
        .args(&texts)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take()); // the reader goes away before anything is written
    let o = child.wait_with_output().expect("wait");
    let _ = dir;
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert!(stderr(&o).is_empty(), "no error message for a closed pipe: {}", stderr(&o));
}

#[test]
fn terminal_output_escapes_control_characters_from_data() {
    let data = tempfile::tempdir().expect("tempdir");
    gen_into(data.path(), 30, 5, 13, false);
    let d = data.path();
    // Every candidate's location clears the screen, as data from an upstream system might.
    let roster = std::fs::read_to_string(d.join("roster.csv")).expect("roster");
    let mut lines = roster.lines();
    let mut out = format!("{}\n", lines.next().expect("header"));
    for l in lines {
        let (rest, _) = l.rsplit_once(',').expect("location column");
        out.push_str(&format!("{rest},\"Lis\u{1b}[2Jbon\"\n"));
    }
    put(d, "roster.csv", &out);
    let o = run_generated(d, "esc");
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let first = &read_csv(&d.join("out/esc/shortlists.csv"))[0];
    let o = skillmatch(&["shortlist", "--run", "out/esc", "--role", &first["role_id"]], d);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("Lis\\u{1b}[2Jbon") && !text.contains('\u{1b}'), "{text}");
    let o = skillmatch(&["verify", "badges", "--roster", "roster.csv", "--format", "table"], d);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!String::from_utf8_lossy(&o.stdout).contains('\u{1b}'));
}
