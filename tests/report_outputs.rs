//! The run folder's files as people and other tools read them: Parquet files every reader opens
//! with its default arguments, labels beside URIs, badge names, plain paths, an optional BOM.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;
use polars::prelude::SerReader;

fn skillmatch(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_skillmatch")).args(args).current_dir(cwd).output().expect("binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Generates a bundles-layout folder (claims, Credly exports, pathways) into `d/g` and runs it
/// from `d` into `d/out/<run_id>`.
fn gen_and_run(d: &Path, run_id: &str, extra: &[&str]) -> PathBuf {
    let args = ["gen", "--candidates", "40", "--roles", "8", "--seed", "3", "--layout", "bundles", "--out", "g"];
    let o = skillmatch(&args, d);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let run = [&["run", "--config", "g/run.toml", "--out", "out", "--run-id", run_id, "--quiet"][..], extra].concat();
    let o = skillmatch(&run, d);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    d.join("out").join(run_id)
}

/// The Python interpreter with pandas, pyarrow, DuckDB and polars: `$SKILLMATCH_PYTHON`, else the
/// venv `tests/python/setup.sh` creates. `None` (the test then skips) when neither has them,
/// unless `SKILLMATCH_REQUIRE_PYTHON` is set (CI), which makes their absence a failure.
fn python_readers() -> Option<PathBuf> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/.venv/bin/python");
    let candidates = std::env::var_os("SKILLMATCH_PYTHON").map(PathBuf::from).into_iter().chain([venv]);
    for py in candidates {
        let ok = Command::new(&py)
            .args(["-c", "import pandas, pyarrow, duckdb, polars"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(py);
        }
    }
    assert!(
        std::env::var_os("SKILLMATCH_REQUIRE_PYTHON").is_none(),
        "SKILLMATCH_REQUIRE_PYTHON is set but no Python with pandas, pyarrow, duckdb and polars was found \
         (run tests/python/setup.sh)"
    );
    None
}

#[test]
fn every_parquet_output_opens_in_pandas_pyarrow_duckdb_and_polars_with_its_column_types() {
    let Some(py) = python_readers() else {
        eprintln!("skipped: no Python with pandas/pyarrow/duckdb/polars (run tests/python/setup.sh)");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let run = gen_and_run(dir.path(), "p", &[]);
    // The logical type of every column of every Parquet output: text, integer counts, floats,
    // lists of text. Dates are not stored in Parquet outputs.
    let cols = |c: &[(&'static str, &'static str)]| c.iter().map(|(n, k)| [*n, *k]).collect::<Vec<_>>();
    let expected = serde_json::json!({
        "matches.parquet": cols(&[
            ("role_id", "str"), ("candidate_id", "str"), ("rank", "int"), ("score", "float"),
            ("matched_required", "list"), ("matched_preferred", "list"), ("missing_required", "list"),
            ("partial_required", "list"), ("role_title", "str"), ("role_thin", "bool"), ("candidate_location", "str"),
            ("role_location", "str"),
        ]),
        "profiles.parquet": cols(&[
            ("candidate_id", "str"), ("location", "str"), ("skill_uri", "str"), ("skill_label", "str"),
            ("weight", "float"), ("credential_ids", "list"), ("fit_mass", "float"),
        ]),
        "roles.parquet": cols(&[
            ("role_id", "str"), ("title", "str"), ("employer", "str"), ("location", "str"), ("skill_uri", "str"),
            ("skill_label", "str"), ("requirement", "str"), ("origin", "str"), ("importance", "float"),
            ("prior", "float"), ("thin", "bool"), ("sources", "list"), ("fit", "float"),
        ]),
    });
    let mut files: Vec<String> = std::fs::read_dir(&run)
        .expect("run folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "parquet"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    assert_eq!(files.len(), 3, "every Parquet output is checked: {files:?}");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/check_parquet.py");
    let o = Command::new(py).arg(script).arg(expected.to_string()).args(&files).output().expect("python runs");
    assert!(o.status.success(), "{}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
}

#[test]
fn outputs_show_skill_labels_badge_names_and_positions_in_their_own_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = gen_and_run(dir.path(), "r", &[]);
    let tax = taxonomy();
    for file in ["profiles.parquet", "roles.parquet"] {
        let df = polars::prelude::ParquetReader::new(std::fs::File::open(run.join(file)).expect("open"))
            .finish()
            .expect("read");
        let uris: Vec<Option<&str>> = df.column("skill_uri").expect("uri").str().expect("text").iter().collect();
        let labels: Vec<Option<&str>> = df.column("skill_label").expect("label").str().expect("text").iter().collect();
        assert!(df.height() > 0, "{file} has rows");
        for (u, l) in uris.into_iter().zip(labels) {
            assert!(l.is_some_and(|l| !l.is_empty()), "{file}: a label beside {u:?}");
            // ESCO skills carry ESCO's label (O*NET technologies added by the run are not in `tax`).
            if let Some(skill) = u.and_then(|u| tax.skill_by_uri(u)) {
                assert_eq!(l, Some(tax.skill(skill).label.as_str()), "{file}: label beside {u:?}");
            }
        }
    }
    let pathways = read_csv(&run.join("pathways.csv"));
    let partial: Vec<_> = pathways.iter().filter(|r| !r["missing_badges"].is_empty()).collect();
    assert!(!partial.is_empty(), "some pathway is partial");
    let mut named = 0;
    for r in partial {
        let names: Vec<&str> = r["missing_badges"].split(';').collect();
        let ids: Vec<&str> = r["missing_badge_ids"].split(';').collect();
        assert_eq!(names.len(), ids.len(), "one name per id: {r:?}");
        // A badge class seen in the data is shown by its name; one nobody holds keeps its id.
        for (name, id) in names.iter().zip(&ids) {
            if name != id {
                named += 1;
                assert!(!name.contains("://") && !name.starts_with("tmpl-"), "{r:?}");
            }
        }
    }
    assert!(named > 0, "missing badges are shown by name");
    let verification = read_csv(&run.join("verification.csv"));
    assert!(!verification.is_empty());
    for r in &verification {
        assert!(!r["source"].contains('#') && !r["position"].is_empty(), "{r:?}");
        assert!(r["source"].starts_with("badges/"), "relative to the badges input's folder: {r:?}");
    }
    assert!(verification.iter().any(|r| r["position"].starts_with("verifiableCredential[")), "CLR positions");
}

#[test]
fn csv_bom_flag_starts_every_csv_output_with_a_byte_order_mark() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plain = gen_and_run(dir.path(), "plain", &[]);
    let bom = skillmatch(
        &["run", "--config", "g/run.toml", "--out", "out", "--run-id", "bom", "--quiet", "--csv-bom"],
        dir.path(),
    );
    assert_eq!(bom.status.code(), Some(0), "stderr: {}", stderr(&bom));
    let bom = dir.path().join("out/bom");
    let mut csvs = 0;
    for e in std::fs::read_dir(&plain).expect("run folder") {
        let name = e.expect("entry").file_name();
        if !name.to_string_lossy().ends_with(".csv") {
            continue;
        }
        csvs += 1;
        let (a, b) = (std::fs::read(plain.join(&name)).expect("plain"), std::fs::read(bom.join(&name)).expect("bom"));
        assert!(!a.starts_with(b"\xEF\xBB\xBF"), "{name:?} has no BOM by default");
        assert_eq!(b.strip_prefix(b"\xEF\xBB\xBF"), Some(&a[..]), "{name:?}: the same bytes after a BOM");
    }
    assert!(csvs >= 8, "every CSV output compared ({csvs})");
}

#[test]
fn data_files_rejects_and_manifest_inputs_are_identical_whatever_folder_the_run_starts_from() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let args = ["gen", "--candidates", "40", "--roles", "8", "--seed", "3", "--layout", "bundles", "--out", "g"];
    let o = skillmatch(&args, d);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    // One unreadable badge file, so that rejects.jsonl has a path to compare.
    std::fs::write(d.join("g/badges/broken.json"), "{").expect("write");
    let runs = [(d.to_path_buf(), "g/run.toml", "here"), (d.join("g"), "run.toml", "there")];
    for (cwd, config, id) in &runs {
        // One output root per run: in a shared one the second run would also write a diff.json
        // against the first (and list it among its outputs).
        let out = d.join(format!("out-{id}")).display().to_string();
        let o = skillmatch(&["run", "--config", config, "--out", &out, "--run-id", id, "--quiet"], cwd);
        assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    }
    let (first, second) = (d.join("out-here/here"), d.join("out-there/there"));
    let names =
        ["verification.csv", "matches.parquet", "profiles.parquet", "roles.parquet", "pathways.csv", "rejects.jsonl"];
    for name in names {
        let (a, b) =
            (std::fs::read(first.join(name)).expect("first"), std::fs::read(second.join(name)).expect("second"));
        assert!(a == b, "{name} differs between runs started from {} and {}", d.display(), d.join("g").display());
    }
    let rejects = std::fs::read_to_string(first.join("rejects.jsonl")).expect("rejects");
    assert!(rejects.contains("broken.json"), "the broken file is rejected: {rejects}");
    let manifest = |dir: &Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).expect("manifest")).expect("json")
    };
    let (a, b) = (manifest(&first), manifest(&second));
    for key in ["inputs", "ingest", "config", "posting_files", "outputs"] {
        assert_eq!(a[key], b[key], "manifest {key} differs between starting folders");
    }
}

#[test]
fn a_baked_image_holding_only_a_hosted_url_is_kept_and_reported_malformed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::create_dir_all(d.join("badges/cand-1")).expect("mkdir");
    let url = "https://example.org/assertions/1.json";
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"http://openbadges.org\">\
         <openbadges:assertion verify=\"{url}\"/></svg>"
    );
    std::fs::write(d.join("badges/cand-1/hosted.svg"), svg).expect("write");
    std::fs::write(d.join("roster.csv"), "candidate_id,emails,location\ncand-1,a@example.org,Rome\n").expect("roster");
    let o = skillmatch(&["verify", "badges", "--roster", "roster.csv", "--as-of", "2026-11-01"], d);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> =
        String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["status"], "malformed", "{}", lines[0]);
    assert_eq!(lines[0]["credential_id"], url);
    let checks = lines[0]["checks"].to_string();
    assert!(checks.contains(skillmatch::ingest::HOSTED_NOT_FETCHED), "{checks}");
}
