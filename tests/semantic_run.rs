//! `[meaning]` in the nightly run (issue 18): skill strings the dictionary cannot map and
//! posting sentences matched by meaning, shown in `crosswalk.csv`, `meaning.csv`, `explain` and
//! the manifest; the same bytes at 1 and 2 threads; a dictionary-only run unchanged; a missing
//! model fails before any work with exit code 2.
//!
//! The runs use a small custom taxonomy (`tests/fixtures/taxonomy/unspsc-software.csv`, 17
//! skills) so that the encoder embeds few labels in a debug build. The tests that need the model
//! follow `tests/semantic_model.rs`: they skip when it is not installed, unless
//! `SKILLMATCH_REQUIRE_MODEL` is set (CI installs the model first).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::json;
use skillmatch::config::Config;
use skillmatch::semantic::{Encoder, install};

fn model_installed() -> bool {
    match Encoder::load(&install::default_model_dir()) {
        Ok(_) => true,
        Err(err) => {
            assert!(
                std::env::var_os("SKILLMATCH_REQUIRE_MODEL").is_none(),
                "SKILLMATCH_REQUIRE_MODEL is set but the model is not usable: {err}"
            );
            eprintln!("skipped: {err}");
            false
        }
    }
}

/// `skillmatch run --config c.toml` in `d`, which must exit 2; its stderr.
fn run_fails_with_usage(d: &Path) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_skillmatch"))
        .args(["run", "--config"])
        .arg(d.join("c.toml"))
        .current_dir(d)
        .output()
        .expect("binary runs");
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    err
}

fn posting(id: &str, title: &str, description: &str) -> serde_json::Value {
    json!({"@type": "JobPosting", "identifier": id, "title": title,
        "hiringOrganization": {"name": "Juniper Financial"}, "description": description})
}

/// Two candidates (Ann's badge says "MS Excel", which no label spells), two postings whose
/// text names no label of the taxonomy but means some; the custom taxonomy alone.
fn data(d: &Path) -> Config {
    write(
        &d.join("roster.csv"),
        "candidate_id,emails,location\ncand-1,ann@example.org,Dublin\ncand-2,bob@example.org,Dublin\n",
    );
    let export = json!({"data": [
        credly("b1", "ann@example.org", &["MS Excel", "Tableau"]),
        credly("b2", "bob@example.org", &["Microsoft Word"]),
    ]});
    write(&d.join("badges/credly.json"), &export.to_string());
    let postings = [
        posting(
            "role-1",
            "data analyst",
            "<p>You will build our budgets in spreadsheets.</p><p>Dashboards in Tableau.</p>",
        ),
        posting("role-2", "office assistant", "<p>Writing letters and memos in a word processor.</p>"),
    ];
    let lines: Vec<String> = postings.iter().map(|p| p.to_string()).collect();
    write(&d.join("postings.jsonl"), &(lines.join("\n") + "\n"));
    let tax = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/taxonomy/unspsc-software.csv");
    let mut config = config_for(d);
    config.taxonomy.esco = false;
    config.taxonomy.custom = vec![tax];
    config.verify.accept_platform_exports = true;
    config
}

fn with_meaning(mut c: Config) -> Config {
    c.meaning.skill_names = true;
    c.meaning.posting_text = true;
    c
}

/// Every file of a run folder but the manifest, by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("run folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().is_some_and(|n| n != "manifest.json"))
        .map(|p| (p.file_name().expect("name").to_string_lossy().into_owned(), std::fs::read(&p).expect("read")))
        .collect();
    out.sort();
    out
}

#[test]
fn meaning_maps_strings_and_sentences_shows_them_everywhere_and_is_deterministic() {
    if !model_installed() {
        return;
    }
    let data_dir = tempfile::tempdir().expect("tempdir");
    let config = with_meaning(data(data_dir.path()));
    let out = tempfile::tempdir().expect("tempdir");
    let one = run_with(config.clone(), &out.path().join("a"), "t1", 1);
    let two = run_with(config, &out.path().join("b"), "t2", 2);
    assert_eq!(files(&one.run_dir), files(&two.run_dir), "same bytes at 1 and 2 threads");
    assert_eq!(one.manifest.outputs, two.manifest.outputs);

    // The manifest names the model (pinned files) and each use with its mode and threshold.
    let m = &one.manifest.meaning;
    assert!(m.used);
    let model = m.model.as_ref().expect("model block");
    assert_eq!(model.name, "all-MiniLM-L6-v2");
    assert_eq!(model.files.iter().map(|f| f.sha256.as_str()).collect::<Vec<_>>(), install::MODEL_FILES.map(|f| f.1));
    let uses: Vec<(&str, &str, f32)> = m.uses.iter().map(|u| (u.what.as_str(), u.mode.as_str(), u.threshold)).collect();
    assert_eq!(uses, [("skill_names", "encoder", 0.75), ("posting_text", "encoder", 0.60)]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(one.run_dir.join("manifest.json")).expect("manifest")).expect("json");
    assert_eq!(manifest["meaning"]["uses"][1]["per_sentence"], 1);
    let n = &one.manifest.stages.normalize;
    assert_eq!((n.semantic_sentences, n.semantic_distinct_sentences), (3, 3), "three sentences, each scored once");
    // Skill strings looked up by meaning: the second run found each in the first's cache.
    assert!(n.semantic_names >= 1, "{n:?}");
    assert_eq!(two.manifest.stages.normalize.semantic_names, n.semantic_names);
    let cache = two.manifest.run.names_by_meaning.as_ref().expect("run.names_by_meaning");
    assert_eq!(
        (cache.distinct, cache.cached, cache.cache_error.as_deref()),
        (n.semantic_names, n.semantic_names, None)
    );

    // crosswalk.csv: "MS Excel" mapped by meaning, its confidence the cosine.
    let crosswalk = read_csv(&one.run_dir.join("crosswalk.csv"));
    let excel = crosswalk.iter().find(|r| r["raw_name"] == "MS Excel").expect("MS Excel row");
    assert_eq!((excel["method"].as_str(), excel["uri"].as_str()), ("semantic", "43232110/microsoft-excel"));
    let cos: f64 = excel["confidence"].parse().expect("number");
    assert!((0.75..=1.0).contains(&cos), "{cos}");
    let tableau = crosswalk.iter().find(|r| r["raw_name"] == "Tableau").expect("Tableau row");
    assert_ne!(tableau["method"], "semantic", "the dictionary maps what it can first");

    // meaning.csv: the word-processor sentence found the word processing skill (cosine 0.636),
    // with its sentence as evidence.
    let rows = read_csv(&one.run_dir.join("meaning.csv"));
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["use"] == "posting_text" && r["method"] == "semantic"), "{rows:?}");
    let sheet = rows.iter().find(|r| r["role_id"] == "role-2").unwrap_or_else(|| panic!("role-2: {rows:?}"));
    assert_eq!(sheet["evidence"], "Writing letters and memos in a word processor.");
    assert_eq!(sheet["uri"], "43232104");
    assert!(sheet["confidence"].parse::<f64>().expect("number") >= 0.60);

    // explain shows how the skill was found and its cosine.
    let folder = skillmatch::query::RunFolder::open(&one.run_dir).expect("opens");
    let e = folder.explain_pair("role-2", "cand-2").expect("explained");
    let line = e.skills.iter().find(|s| s.skill_uri == sheet["uri"]).expect("the skill found by meaning");
    let found = line.found_by.as_ref().expect("found_by");
    assert_eq!((found.what.as_str(), found.method.as_str()), ("posting_text", "semantic"));
    assert_eq!(
        format!("{:.4}", found.confidence),
        sheet["confidence"].parse::<f64>().map(|c| format!("{c:.4}")).expect("n")
    );
    let text = Command::new(env!("CARGO_BIN_EXE_skillmatch"))
        .args(["explain", "--run"])
        .arg(&one.run_dir)
        .args(["--role", "role-2", "--candidate", "cand-2"])
        .output()
        .expect("binary runs");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("found in posting text by meaning: method semantic, confidence"), "{text}");
}

#[test]
fn dictionary_only_runs_say_so_and_write_no_meaning_file() {
    let data_dir = tempfile::tempdir().expect("tempdir");
    let config = data(data_dir.path());
    let out = tempfile::tempdir().expect("tempdir");
    let run = run_with(config, out.path(), "dict", 2);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run.run_dir.join("manifest.json")).expect("manifest")).expect("json");
    assert_eq!(manifest["meaning"], json!({"used": false}));
    assert!(!run.run_dir.join("meaning.csv").exists());
    let normalize = &manifest["stages"]["normalize"];
    assert!(normalize.get("semantic_sentences").is_none(), "{normalize}");
    let crosswalk = read_csv(&run.run_dir.join("crosswalk.csv"));
    assert_eq!(crosswalk.iter().find(|r| r["raw_name"] == "MS Excel").expect("row")["method"], "unmapped");
    let folder = skillmatch::query::RunFolder::open(&run.run_dir).expect("opens");
    let e = folder.explain_pair("role-1", "cand-1").expect("explained");
    assert!(e.skills.iter().all(|s| s.found_by.is_none()));
    let json = serde_json::to_string(&e).expect("json");
    assert!(!json.contains("found_by"), "dictionary-only explanations keep their shape");
}

#[test]
fn a_switch_without_the_model_fails_before_any_work_with_exit_2() {
    let data_dir = tempfile::tempdir().expect("tempdir");
    let d = data_dir.path();
    data(d);
    let no_model = d.join("no-model");
    std::fs::create_dir_all(&no_model).expect("mkdir");
    let out = d.join("reports");
    let cfg = format!(
        "[inputs]\nroster = \"roster.csv\"\nbadges = [\"badges\"]\npostings = [\"postings.jsonl\"]\n\
         [taxonomy]\nesco = false\ncustom = [{:?}]\n[run]\nas_of = \"2026-11-01\"\nout = \"reports\"\n\
         [meaning]\nposting_text = true\nmodel_dir = \"no-model\"\n",
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/taxonomy/unspsc-software.csv").display().to_string()
    );
    write(&d.join("c.toml"), &cfg);
    let err = run_fails_with_usage(d);
    assert!(err.contains("skillmatch models install") && err.contains("[meaning]"), "{err}");
    let left: Vec<PathBuf> =
        std::fs::read_dir(&out).map(|r| r.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    assert!(left.is_empty(), "no run folder, no staging: {left:?}");
    // An unknown value names its key (exit 2).
    write(&d.join("c.toml"), &cfg.replace("posting_text = true", "text_mode = \"fast\""));
    let err = run_fails_with_usage(d);
    assert!(err.contains("text_mode"), "{err}");
}
