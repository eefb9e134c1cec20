//! `skillmatch taxonomy diff` on a modified copy of the vendored ESCO skills file, and
//! `skillmatch eval titles` on a tiny title file.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Output};

use polars::prelude::*;

fn skillmatch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_skillmatch")).args(args).output().expect("binary runs")
}

const ESCO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/taxonomy/esco-v1.2.0");
const SALES_ARG: &str = "http://data.europa.eu/esco/skill/0c0488b3-fca5-4deb-865b-8dc605c3d909";
const CHANNEL: &str = "http://data.europa.eu/esco/skill/9af252ce-bf4d-411b-8daa-beb91df4257d";

/// Copies ESCO's `skills_en.csv` to `dir`, dropping "sales argumentation" and relabelling
/// "channel marketing".
fn modified_copy(dir: &Path) {
    let mut r = csv::Reader::from_path(Path::new(ESCO).join("skills_en.csv")).expect("read skills");
    let headers = r.headers().expect("headers").clone();
    let li = headers.iter().position(|h| h == "preferredLabel").expect("label column");
    let mut w = csv::Writer::from_path(dir.join("skills_en.csv")).expect("write");
    w.write_record(&headers).expect("header");
    for rec in r.records() {
        let rec = rec.expect("record");
        match rec.get(li) {
            Some("sales argumentation") => continue,
            Some("channel marketing") => {
                let row: Vec<&str> =
                    rec.iter().enumerate().map(|(i, f)| if i == li { "channel marketing (v2)" } else { f }).collect();
                w.write_record(&row).expect("row");
            }
            _ => w.write_record(&rec).expect("row"),
        }
    }
    w.flush().expect("flush");
}

fn write_parquet(path: &Path, mut df: DataFrame) {
    ParquetWriter::new(File::create(path).expect("create")).finish(&mut df).expect("parquet");
}

#[test]
fn taxonomy_diff_lists_changes_and_affected_matches() {
    let tmp = tempfile::tempdir().expect("tmp");
    let new = tmp.path().join("esco-new");
    std::fs::create_dir(&new).expect("mkdir");
    modified_copy(&new);
    let run = tmp.path().join("run");
    std::fs::create_dir(&run).expect("mkdir");
    let roles = df!(
        "role_id" => ["r1", "r1", "r2"],
        "skill_uri" => [SALES_ARG, "http://data.europa.eu/esco/skill/unchanged", CHANNEL],
        "requirement" => ["required", "preferred", "preferred"]
    )
    .expect("roles");
    write_parquet(&run.join("roles.parquet"), roles);
    let matches = df!(
        "role_id" => ["r1", "r1", "r2", "r3"],
        "candidate_id" => ["c1", "c2", "c1", "c9"],
        "rank" => [1u64, 2, 1, 1]
    )
    .expect("matches");
    write_parquet(&run.join("matches.parquet"), matches);

    let new_s = new.to_string_lossy().to_string();
    let run_s = run.to_string_lossy().to_string();
    let out = skillmatch(&["taxonomy", "diff", ESCO, &new_s, "--run", &run_s, "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["old_skills"], 13939);
    assert_eq!(v["new_skills"], 13938);
    let changes = v["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0]["change"], "removed");
    assert_eq!(changes[0]["uri"], SALES_ARG);
    assert_eq!(changes[1]["change"], "relabelled");
    assert_eq!(changes[1]["new_label"], "channel marketing (v2)");
    let affected = v["affected_matches"].as_array().expect("affected");
    let pairs: Vec<(&str, &str, &str)> = affected
        .iter()
        .map(|m| {
            (
                m["role_id"].as_str().unwrap_or(""),
                m["candidate_id"].as_str().unwrap_or(""),
                m["change"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(pairs, [("r1", "c1", "removed"), ("r1", "c2", "removed"), ("r2", "c1", "relabelled")]);

    let table = skillmatch(&["taxonomy", "diff", ESCO, &new_s]);
    assert!(table.status.success());
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.starts_with("skills: 13939 old, 13938 new; 0 added, 1 removed, 1 relabelled"), "{text}");

    let missing = skillmatch(&["taxonomy", "diff", ESCO, "/nonexistent/esco"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn eval_titles_reports_accuracy() {
    let tmp = tempfile::tempdir().expect("tmp");
    let f = tmp.path().join("titles.csv");
    std::fs::write(
        &f,
        "text,label,esco_v1_2_0_occupation_uri,uri_resolution\n\
         Data Scientist,data scientist,http://data.europa.eu/esco/occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30,x\n\
         nothing,x,,unresolved\n",
    )
    .expect("write");
    let out = skillmatch(&["eval", "titles", "--data", &f.to_string_lossy(), "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["rows"], 2);
    assert_eq!(v["skipped"], 1);
    assert_eq!(v["evaluated"], 1);
    assert_eq!(v["hits_at_1"], 1);
}
