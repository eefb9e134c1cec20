//! Custom taxonomy CSVs end to end (`[taxonomy] custom`, `esco`): a run with only an
//! organisation's own taxonomy, and one with it on top of ESCO and O*NET; rows with problems
//! become rejects; the run folders reopen for `shortlist` / `explain` (same skills, same order of
//! loading) and refuse a custom file that changed. Fixtures: `tests/fixtures/taxonomy/`.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::json;

/// Copies a fixture of `tests/fixtures/taxonomy/` into `dir` (so a test may change it).
fn fixture_copy(name: &str, dir: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/taxonomy").join(name);
    let to = dir.join(name);
    std::fs::copy(from, &to).expect("copy fixture");
    to
}

/// A roster of two candidates with Credly badges holding `ann` and `bob`'s skills, and the
/// postings given.
fn data(d: &Path, ann: &[&str], bob: &[&str], postings: &[serde_json::Value]) {
    write(
        &d.join("roster.csv"),
        "candidate_id,emails,location\ncand-1,ann@example.org,Dublin\ncand-2,bob@example.org,Dublin\n",
    );
    let export = json!({"data": [credly("b1", "ann@example.org", ann), credly("b2", "bob@example.org", bob)]});
    write(&d.join("badges/credly.json"), &export.to_string());
    let lines: Vec<String> = postings.iter().map(|p| p.to_string()).collect();
    write(&d.join("postings.jsonl"), &(lines.join("\n") + "\n"));
}

fn posting(id: &str, title: &str, description: &str) -> serde_json::Value {
    json!({"@type": "JobPosting", "identifier": id, "title": title,
        "hiringOrganization": {"name": "Juniper Financial"}, "description": description})
}

#[test]
fn a_custom_only_run_matches_on_custom_skills_rejects_bad_rows_and_reopens() {
    let data_dir = tempfile::tempdir().expect("tempdir");
    let d = data_dir.path();
    data(
        d,
        &["Microsoft Excel", "Tableau"],
        &["Spreadsheet software"],
        &[
            posting("role-1", "data analyst", "<p>Dashboards in Tableau; budgets in Microsoft Excel.</p>"),
            // Only a title: title inference has no occupations without ESCO, and must not fail.
            posting("role-2", "data analyst", ""),
        ],
    );
    let main = fixture_copy("unspsc-software.csv", d);
    let problems = fixture_copy("unspsc-software-problems.csv", d);
    let mut config = config_for(d);
    config.taxonomy.esco = false;
    config.taxonomy.custom = vec![main.clone(), problems.clone()];
    config.verify.accept_platform_exports = true;
    config.validate().expect("custom only is a valid config");
    let out = tempfile::tempdir().expect("tempdir");
    let run = run_with(config, out.path(), "custom", 2);

    // The manifest names the custom taxonomies; no ESCO and no O*NET file was read.
    let tax = &run.manifest.taxonomy;
    assert_eq!(tax.name, "unspsc-software");
    assert_eq!(tax.occupations, 0);
    assert_eq!((tax.onet_version.as_deref(), tax.onet_technologies), (None, 0));
    let custom: Vec<(&str, &str, u64)> =
        tax.custom.iter().map(|c| (c.name.as_str(), c.path.as_str(), c.skills)).collect();
    let (main_s, problems_s) = (main.display().to_string(), problems.display().to_string());
    assert_eq!(
        custom,
        [("unspsc-software", main_s.as_str(), 17), ("unspsc-software-problems", problems_s.as_str(), 2)]
    );
    assert_eq!(tax.skills, 19);
    let files: Vec<&str> = tax.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(files, [main_s.as_str(), problems_s.as_str()]);
    assert!(!run.manifest.inputs.iter().any(|f| f.kind == "onet" || f.kind == "crosswalk"));

    // Counts agree with the loader (`read == added + skipped`) and with the 19 skills added:
    // skipped rows are rejects of kind `taxonomy`, counted once each (the second file repeats 4
    // ids of the first and has an empty label and an empty id); rows added without their parent
    // (without ESCO the ESCO parents of the first file are unknown, 4 rows; one unknown parent in
    // the second file) are accepted, their problem a warning.
    let c = &run.manifest.ingest["taxonomy"];
    assert_eq!((c.read, c.accepted, c.rejected), (25, 19, 6));
    assert_eq!(c.accepted, tax.skills);
    let rejects: Vec<serde_json::Value> = std::fs::read_to_string(run.run_dir.join("rejects.jsonl"))
        .expect("rejects")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .filter(|r: &serde_json::Value| r["kind"] == "taxonomy")
        .collect();
    assert_eq!(rejects.len(), 6);
    let at = |path: &str| -> Vec<String> {
        rejects.iter().filter(|r| r["path"] == path).map(|r| r["position"].as_str().expect("position").into()).collect()
    };
    assert!(at(&main_s).is_empty());
    assert_eq!(at(&problems_s), ["line 2", "line 3", "line 4", "line 5", "line 6", "line 7"]);

    // Badge skills and posting text map to the custom skills.
    let crosswalk = read_csv(&run.run_dir.join("crosswalk.csv"));
    let excel = crosswalk.iter().find(|r| r["raw_name"] == "Microsoft Excel").expect("Excel in crosswalk.csv");
    assert_eq!((excel["uri"].as_str(), excel["taxonomy"].as_str()), ("43232110/microsoft-excel", "unspsc-software"));
    let shortlist = read_csv(&run.run_dir.join("shortlists.csv"));
    let role1: Vec<&str> =
        shortlist.iter().filter(|r| r["role_id"] == "role-1").map(|r| r["candidate_id"].as_str()).collect();
    assert_eq!(role1, ["cand-1", "cand-2"]);

    // The run folder reopens: cand-2's "Spreadsheet software" is broader than the asked Excel.
    let folder = skillmatch::query::RunFolder::open(&run.run_dir).expect("run folder opens");
    let e = folder.explain_pair("role-1", "cand-2").expect("explained");
    let line = e.skills.iter().find(|s| s.skill_uri == "43232110/microsoft-excel").expect("Excel line");
    assert_eq!(
        (line.via, line.held_skill_label.as_deref()),
        (skillmatch::score::CreditRoute::Broader, Some("Spreadsheet software"))
    );
    let rows = skillmatch::query::shortlist(&folder, "role-1", &Default::default()).expect("shortlist");
    let order: Vec<&str> = rows.iter().map(|r| r.candidate_id.as_str()).collect();
    assert_eq!(order, ["cand-1", "cand-2"]);
    let score = |c: &str| {
        shortlist.iter().find(|r| r["role_id"] == "role-1" && r["candidate_id"] == c).expect("row")["score"]
            .parse::<f64>()
            .expect("score")
    };
    assert!((rows[1].score - score("cand-2")).abs() < 1e-9);
    assert!((folder.explain_pair("role-1", "cand-2").expect("explained").score - score("cand-2")).abs() < 1e-9);

    // A custom file changed since the run: its explanations would not match, so it is refused.
    let mut text = std::fs::read_to_string(&problems).expect("read");
    text.push_str("43232306/oracle-database,Oracle Database,,43232306\n");
    std::fs::write(&problems, text).expect("write");
    let err = skillmatch::query::RunFolder::open(&run.run_dir).err().expect("refused").to_string();
    assert!(err.contains("changed since this run") && err.contains("unspsc-software-problems.csv"), "{err}");
}

#[test]
fn a_custom_taxonomy_on_top_of_esco_and_onet_gives_narrower_credit_and_reopens() {
    const WORD_PROCESSING: &str = "http://data.europa.eu/esco/skill/81633a44-f1db-4a01-a940-804c6905e330";
    let data_dir = tempfile::tempdir().expect("tempdir");
    let d = data_dir.path();
    let role = json!({"@type": "JobPosting", "identifier": "role-1", "title": "office administrator",
        "hiringOrganization": {"name": "Juniper Financial"}, "description": "",
        "skills": [{"name": "use word processing software", "termCode": WORD_PROCESSING}]});
    data(d, &["Word processing software", "Microsoft Word"], &["Microsoft Excel"], &[role]);
    let mut config = config_for(d);
    config.taxonomy.custom = vec![fixture_copy("unspsc-software.csv", d)];
    config.verify.accept_platform_exports = true;
    // Custom "Word processing software" is directly narrower than the ESCO skill the role asks
    // for; its child Microsoft Word shares that skill's group (inherited). Group credit (0.5)
    // ties with narrower credit by default: make the narrower route the larger one.
    config.score.narrower_credit = 0.6;
    let out = tempfile::tempdir().expect("tempdir");
    let run = run_with(config, out.path(), "esco-custom", 2);
    let tax = &run.manifest.taxonomy;
    assert_eq!((tax.name.as_str(), tax.onet_version.as_deref()), ("esco", Some("29.2")));
    assert_eq!(run.manifest.ingest["taxonomy"].rejected, 0);
    // Files in load order: ESCO's, the custom file, O*NET's.
    let custom_at = tax.files.iter().position(|f| f.path.ends_with("unspsc-software.csv")).expect("custom file");
    assert!(tax.files[..custom_at].iter().all(|f| f.path.contains("esco-v1.2.0")));
    assert!(tax.files[custom_at + 1..].iter().all(|f| f.path.contains("onet-29.2")));

    // O*NET's "Microsoft Word" is linked to the custom skill named so.
    let crosswalk = read_csv(&run.run_dir.join("crosswalk.csv"));
    let word = crosswalk.iter().find(|r| r["raw_name"] == "Microsoft Word").expect("Word in crosswalk.csv");
    assert_eq!((word["uri"].as_str(), word["taxonomy"].as_str()), ("43232104/microsoft-word", "unspsc-software"));
    assert_eq!(word["onet_technology"], "Microsoft Word");

    // Narrower credit through the custom skill, the same after reopening the run folder (ESCO +
    // custom + O*NET reloaded in order).
    let folder = skillmatch::query::RunFolder::open(&run.run_dir).expect("run folder opens");
    let e = folder.explain_pair("role-1", "cand-1").expect("explained");
    let line = e.skills.iter().find(|s| s.skill_uri == WORD_PROCESSING).expect("the asked skill");
    assert_eq!(
        (line.via, line.held_skill_label.as_deref()),
        (skillmatch::score::CreditRoute::Narrower, Some("Word processing software"))
    );
    assert!((line.credit - 0.6).abs() < 1e-9, "{}", line.credit);
    let shortlist = read_csv(&run.run_dir.join("shortlists.csv"));
    let first = shortlist.iter().find(|r| r["role_id"] == "role-1" && r["rank"] == "1").expect("a first candidate");
    assert_eq!(first["candidate_id"], "cand-1");
    assert!((first["score"].parse::<f64>().expect("score") - e.score).abs() < 1e-9);
}
