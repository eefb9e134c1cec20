//! O*NET technology names end to end: badge skill strings and posting text naming O*NET 29.2
//! technologies ("Tableau", "Microsoft Excel") map to the same skills, so candidates and roles
//! meet on them; `crosswalk.csv` says which O*NET technology each mapped string stands for; the
//! run folder reopens for `explain` with those skills.

mod common;

use common::*;
use serde_json::json;

#[test]
fn onet_technology_names_in_badges_and_posting_text_meet_and_reach_the_crosswalk() {
    let data = tempfile::tempdir().expect("tempdir");
    let d = data.path();
    write(
        &d.join("roster.csv"),
        "candidate_id,emails,location\ncand-1,ann@example.org,Dublin\ncand-2,bob@example.org,Dublin\n",
    );
    let export = json!({"data": [
        credly("b1", "ann@example.org", &["Tableau", "Microsoft Excel", "Python"]),
        credly("b2", "bob@example.org", &["Microsoft Excel"]),
    ]});
    write(&d.join("badges/credly.json"), &export.to_string());
    let posting = json!({"@type": "JobPosting", "identifier": "role-1", "title": "data analyst",
        "hiringOrganization": {"name": "Juniper Financial"},
        "description": "<p>Build dashboards in Tableau and Microsoft Excel; automate reports in Python.</p>"});
    write(&d.join("postings.jsonl"), &format!("{posting}\n"));
    let mut config = config_for(d);
    config.inputs.badges = vec![d.join("badges")];
    config.verify.accept_platform_exports = true;
    let out = tempfile::tempdir().expect("tempdir");
    let run = run_with(config, out.path(), "onet", 2);
    assert_eq!(run.manifest.taxonomy.onet_version.as_deref(), Some("29.2"));
    assert!(run.manifest.taxonomy.onet_technologies > 8000);

    let crosswalk = read_csv(&run.run_dir.join("crosswalk.csv"));
    let row = |raw: &str| {
        crosswalk.iter().find(|r| r["raw_name"] == raw).unwrap_or_else(|| panic!("{raw} in crosswalk.csv")).clone()
    };
    let tableau = row("Tableau");
    assert_eq!(tableau["uri"], "onet:technology:tableau");
    assert_eq!(tableau["taxonomy"], "onet");
    assert_eq!(tableau["method"], "exact");
    assert_eq!(tableau["onet_technology"], "Tableau");
    assert_eq!(tableau["onet_commodity"], "43232314 Business intelligence and data analysis software");
    assert_eq!(tableau["onet_hot"], "true");
    let excel = row("Microsoft Excel");
    assert_eq!(excel["count"], "2");
    assert_eq!(excel["onet_commodity"], "43232110 Spreadsheet software");
    // Python is an ESCO label: mapped to ESCO, with the O*NET technology it stands for.
    let python = row("Python");
    assert_eq!(python["taxonomy"], "esco");
    assert_eq!(python["uri"], "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d");
    assert_eq!(python["onet_technology"], "Python");
    assert_eq!(python["onet_hot"], "true");

    // The posting's text yields the same skills, so the candidate holding all three ranks first.
    let demand = read_csv(&run.run_dir.join("supply_demand.csv"));
    let tab = demand.iter().find(|r| r["skill_uri"] == "onet:technology:tableau").expect("tableau in demand");
    assert_eq!((tab["roles_required"].as_str(), tab["candidates_with_evidence"].as_str()), ("1", "1"));
    let shortlist = read_csv(&run.run_dir.join("shortlists.csv"));
    let first = shortlist.iter().find(|r| r["role_id"] == "role-1" && r["rank"] == "1").expect("a first candidate");
    assert_eq!(first["candidate_id"], "cand-1");
    assert!(first["matched_required"].contains("Tableau"), "{}", first["matched_required"]);

    // The run folder reopens (with O*NET's technologies) and explains the pair.
    let folder = skillmatch::query::RunFolder::open(&run.run_dir).expect("run folder opens");
    let e = folder.explain_pair("role-1", "cand-1").expect("explained");
    let line = e.skills.iter().find(|s| s.skill_uri == "onet:technology:tableau").expect("tableau line");
    assert_eq!((line.via, line.credit), (skillmatch::score::CreditRoute::Exact, 1.0));
}

#[test]
fn a_title_known_only_as_an_onet_alternate_title_gets_its_occupation_skills() {
    // "Financial Consultant" is no ESCO occupation label; it is an O*NET alternate title of
    // 13-2052.00 Personal Financial Advisors, which the crosswalk links to ESCO occupations.
    let data = tempfile::tempdir().expect("tempdir");
    let d = data.path();
    write(&d.join("roster.csv"), "candidate_id,emails,location\ncand-1,ann@example.org,Dublin\n");
    let posting = json!({"@type": "JobPosting", "identifier": "role-1", "title": "Financial Consultant",
        "hiringOrganization": {"name": "Juniper Financial"}, "description": ""});
    write(&d.join("postings.jsonl"), &format!("{posting}\n"));
    let inferred = |onet_titles: bool| {
        let mut config = config_for(d);
        config.inputs.badges = Vec::new();
        config.taxonomy.onet_titles = onet_titles;
        let out = tempfile::tempdir().expect("tempdir");
        let run = run_with(config, out.path(), "titles", 1);
        let crosswalk_read = run.manifest.inputs.iter().any(|f| f.kind == "crosswalk");
        let demand = read_csv(&run.run_dir.join("supply_demand.csv"));
        let required: std::collections::BTreeSet<String> =
            demand.iter().filter(|r| r["roles_required"] == "1").map(|r| r["skill_uri"].clone()).collect();
        (run.manifest.stages.normalize.roles_with_inferred_skills, crosswalk_read, required)
    };
    let planner = taxonomy().occupations().iter().find(|o| o.label == "financial planner").expect("financial planner");
    let essential: std::collections::BTreeSet<String> =
        planner.essential.iter().map(|&s| taxonomy().skill(s).uri.clone()).collect();
    assert_eq!(inferred(true), (1, true, essential));
    assert_eq!(inferred(false), (0, false, Default::default()));
}
