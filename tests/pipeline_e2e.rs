//! End-to-end runs of the pipeline on generated data built from real ESCO occupations.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};

use common::*;

/// Every file of a run folder, by name.
fn files(dir: &std::path::Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("run folder lists")
        .map(|e| {
            let e = e.expect("entry");
            (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("file reads"))
        })
        .collect()
}

#[test]
fn outputs_are_byte_identical_with_one_and_two_threads() {
    let data = tempfile::tempdir().expect("tempdir");
    gen_into(data.path(), 250, 40, 11, true);
    let out = tempfile::tempdir().expect("tempdir");
    // Both runs share one output root: without the switch, the second would also carry a
    // diff.json against the first, a file the first cannot have.
    let mut config = config_for(data.path());
    config.report.diff_previous = false;
    let a = run_with(config.clone(), out.path(), "t1", 1);
    let b = run_with(config, out.path(), "t2", 2);
    assert!(b.manifest.run.previous_run.is_none() && !b.run_dir.join("diff.json").exists());
    assert_eq!(a.manifest.run.threads, 1);
    assert_eq!(b.manifest.run.threads, 2);
    let fa = files(&a.run_dir);
    let fb = files(&b.run_dir);
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        if name == "manifest.json" {
            continue;
        }
        assert!(bytes == &fb[name], "{name} differs between 1 and 2 threads");
    }
    // The manifest differs only in its `run` block.
    let strip = |b: &[u8]| {
        let mut v: serde_json::Value = serde_json::from_slice(b).expect("manifest is JSON");
        v.as_object_mut().expect("object").remove("run");
        v
    };
    assert_eq!(strip(&fa["manifest.json"]), strip(&fb["manifest.json"]));
}

/// Role id → occupation URI, from the generated postings' `occupationalCategory`.
fn role_occupations(data: &std::path::Path) -> HashMap<String, String> {
    std::fs::read_to_string(data.join("postings.jsonl"))
        .expect("postings")
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("posting JSON");
            let id = v["identifier"].as_str().expect("identifier").to_string();
            (id, v["occupationalCategory"].as_str().expect("occupation").to_string())
        })
        .collect()
}

/// Candidates (of truth.csv) with a role of their true occupation among their roles ranked
/// `<= k` in `candidate_gaps.csv`: (hits, candidates). With Zipf popularity several roles share
/// an occupation, so any role of the true occupation is a hit.
fn occupation_hits(data: &std::path::Path, run_dir: &std::path::Path, k: u32) -> (usize, usize) {
    let occupation_of = role_occupations(data);
    let truth: HashMap<String, String> = read_csv(&data.join("truth.csv"))
        .into_iter()
        .map(|r| (r["candidate_id"].clone(), r["occupation_uri"].clone()))
        .collect();
    let top: HashSet<(String, String)> = read_csv(&run_dir.join("candidate_gaps.csv"))
        .into_iter()
        .filter(|r| r["rank"].parse::<u32>().expect("rank") <= k)
        .map(|r| (r["candidate_id"].clone(), occupation_of[&r["role_id"]].clone()))
        .collect();
    let hits = truth.iter().filter(|(c, o)| top.contains(&((*c).clone(), (*o).clone()))).count();
    (hits, truth.len())
}

#[test]
fn true_occupation_role_is_in_top_three_for_at_least_90_percent_of_candidates() {
    let data = tempfile::tempdir().expect("tempdir");
    gen_into(data.path(), 300, 60, 5, true);
    let out = tempfile::tempdir().expect("tempdir");
    let mut config = config_for(data.path());
    config.score.top_k = 3;
    let s = run_with(config, out.path(), "truth", 2);
    let (hits, n) = occupation_hits(data.path(), &s.run_dir, 3);
    let share = hits as f64 / n as f64;
    assert!(share >= 0.90, "true occupation's role in top 3 for only {hits}/{n} candidates ({share:.3})");
}

#[test]
fn manifest_counts_reconcile_and_list_every_output() {
    let data = tempfile::tempdir().expect("tempdir");
    gen_into(data.path(), 60, 10, 3, true);
    let out = tempfile::tempdir().expect("tempdir");
    let s = run_with(config_for(data.path()), out.path(), "m", 2);
    for (kind, c) in &s.manifest.ingest {
        assert_eq!(c.read, c.accepted + c.rejected, "counts of {kind} do not reconcile");
    }
    let names: Vec<&str> = s.manifest.outputs.iter().map(|o| o.file.as_str()).collect();
    for f in [
        "matches.parquet",
        "shortlists.csv",
        "candidate_gaps.csv",
        "verification.csv",
        "unmapped_skills.csv",
        "rejects.jsonl",
    ] {
        assert!(names.contains(&f), "{f} missing from manifest outputs {names:?}");
        assert!(s.run_dir.join(f).exists(), "{f} not written");
    }
    assert!(s.run_dir.join("manifest.json").exists());
    // No temporary folder is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(out.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary folders left: {leftovers:?}");
    // Every input file is listed with a sha256.
    assert!(s.manifest.inputs.iter().any(|f| f.path.ends_with("roster.csv") && f.sha256.len() == 64));
}

#[test]
fn reports_never_contain_roster_emails() {
    let data = tempfile::tempdir().expect("tempdir");
    gen_into(data.path(), 40, 8, 9, true);
    let out = tempfile::tempdir().expect("tempdir");
    let s = run_with(config_for(data.path()), out.path(), "e", 1);
    for f in ["shortlists.csv", "candidate_gaps.csv", "verification.csv", "rejects.jsonl", "crosswalk.csv"] {
        let text = std::fs::read_to_string(s.run_dir.join(f)).expect("report reads");
        assert!(!text.contains("@mail.example"), "{f} leaks an email");
    }
}

#[test]
fn explanations_recompute_the_run_scores_with_idf_importance_and_recency_decay() {
    let data = tempfile::tempdir().expect("tempdir");
    gen_into(data.path(), 80, 12, 17, true);
    let out = tempfile::tempdir().expect("tempdir");
    let mut config = config_for(data.path());
    config.score.importance = skillmatch::score::Importance::Idf;
    config.score.recency_half_life_days = 365.0;
    let s = run_with(config, out.path(), "idf", 2);
    let folder = skillmatch::query::RunFolder::open(&s.run_dir).expect("run folder opens");
    let rows = read_csv(&s.run_dir.join("shortlists.csv"));
    assert!(!rows.is_empty());
    let mut decayed = 0;
    for r in &rows {
        let e = folder.explain_pair(&r["role_id"], &r["candidate_id"]).expect("reported pair explains");
        let reported: f64 = r["score"].parse().expect("score");
        assert!(
            (e.score - reported).abs() < 1e-9,
            "{} {}: {} vs {}",
            r["role_id"],
            r["candidate_id"],
            e.score,
            reported
        );
        // Status weights are 1.0 / 0.5 / 0.3; any other exact credit comes from the decay.
        decayed += e
            .skills
            .iter()
            .filter(|k| k.via == skillmatch::score::CreditRoute::Exact && ![1.0, 0.5, 0.3].contains(&k.credit))
            .count();
    }
    assert!(decayed > 0, "recency decay lowers the credit of old evidence");
}

/// Badge class keys of one candidate's OB 2.0 badges (BadgeClass ids), read from the generated files.
fn ob2_badge_classes(dir: &std::path::Path) -> Vec<String> {
    let mut keys: Vec<String> = std::fs::read_dir(dir)
        .expect("candidate folder")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("ob2-"))
        .filter_map(|e| {
            let v: serde_json::Value = serde_json::from_slice(&std::fs::read(e.path()).ok()?).ok()?;
            if v.get("revoked").is_some() || v.get("expires").is_some() {
                return None;
            }
            v["badge"]["id"].as_str().map(str::to_string)
        })
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

#[test]
fn a_completed_pathway_awards_its_program_skill_and_partial_ones_are_reported() {
    let data = tempfile::tempdir().expect("tempdir");
    gen_into(data.path(), 40, 8, 23, false);
    // A candidate holding at least two distinct OB 2.0 badge classes.
    let (cand, keys) = (1..=40)
        .map(|i| format!("cand-{i:06}"))
        .map(|c| {
            let k = ob2_badge_classes(&data.path().join("badges").join(&c));
            (c, k)
        })
        .find(|(_, k)| k.len() >= 2)
        .expect("some candidate holds two OB 2.0 badge classes");
    let program_skill = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";
    let label = taxonomy().skill(taxonomy().skill_by_uri(program_skill).expect("ESCO skill")).label.clone();
    let mut config = config_for(data.path());
    config.pathways = vec![
        skillmatch::score::PathwayConfig {
            name: "Complete program".into(),
            badges: keys[..2].to_vec(),
            skills: vec![program_skill.into()],
            min_completed: None,
        },
        skillmatch::score::PathwayConfig {
            name: "Half program".into(),
            badges: vec![keys[0].clone(), "https://nowhere.example/badges/never-issued.json".into()],
            skills: vec![label.clone()],
            min_completed: None,
        },
    ];
    let out = tempfile::tempdir().expect("tempdir");
    let s = run_with(config, out.path(), "p", 2);
    let rows = read_csv(&s.run_dir.join("pathways.csv"));
    let row = |name: &str| rows.iter().find(|r| r["candidate_id"] == cand && r["pathway"] == name).cloned();
    let complete = row("Complete program").expect("complete row");
    assert_eq!(complete["status"], "complete");
    let partial = row("Half program").expect("partial row");
    assert_eq!(partial["status"], "partial");
    assert!(partial["missing_badges"].contains("never-issued"));
    // The program skill is now evidence in the candidate's profile.
    use polars::prelude::{ParquetReader, SerReader};
    let df = ParquetReader::new(std::fs::File::open(s.run_dir.join("profiles.parquet")).expect("open"))
        .finish()
        .expect("profiles parquet");
    let cands = df.column("candidate_id").expect("col").str().expect("str").clone();
    let uris = df.column("skill_uri").expect("col").str().expect("str").clone();
    let holds = (0..df.height()).any(|i| cands.get(i) == Some(cand.as_str()) && uris.get(i) == Some(program_skill));
    assert!(holds, "{cand} holds the program skill {label} after completing the pathway");
}

#[test]
fn a_posting_with_only_a_title_gets_its_occupation_skills_marked_inferred() {
    use polars::prelude::{ParquetReader, SerReader};
    let data = tempfile::tempdir().expect("tempdir");
    gen_into(data.path(), 20, 4, 29, false);
    let mut postings = std::fs::read_to_string(data.path().join("postings.jsonl")).expect("postings");
    postings.push_str(
        "{\"@type\": \"JobPosting\", \"identifier\": \"role-title-only\", \"title\": \"Software Developer\", \
         \"description\": \"Join our team.\"}\n",
    );
    std::fs::write(data.path().join("postings.jsonl"), &postings).expect("write");
    let out = tempfile::tempdir().expect("tempdir");
    // Only postings without skills are completed from their title (title profiles of every
    // posting are covered by tests/ranking_quality.rs).
    let mut config = config_for(data.path());
    config.taxonomy.title_profile = false;
    let s = run_with(config, out.path(), "t", 2);
    let df = ParquetReader::new(std::fs::File::open(s.run_dir.join("roles.parquet")).expect("open"))
        .finish()
        .expect("roles parquet");
    let roles = df.column("role_id").expect("col").str().expect("str").clone();
    let origins = df.column("origin").expect("col").str().expect("str").clone();
    let reqs = df.column("requirement").expect("col").str().expect("str").clone();
    let rows: Vec<usize> = (0..df.height()).filter(|&i| roles.get(i) == Some("role-title-only")).collect();
    assert!(rows.len() >= 5, "the software developer occupation brings its skills: {}", rows.len());
    assert!(rows.iter().all(|&i| origins.get(i) == Some("inferred")));
    assert!(rows.iter().any(|&i| reqs.get(i) == Some("required")));
    // The title-only posting, and any generated posting with only a title and prose.
    let text_only = postings.lines().filter(|l| !l.contains("\"skills\"")).count() as u64;
    let inferred = s.manifest.stages.normalize.roles_with_inferred_skills;
    assert!((1..=text_only).contains(&inferred), "{inferred} roles with inferred skills, {text_only} without skills");
}

/// Candidates whose true occupation has a role among their top `k` roles: (hits, candidates).
fn truth_share(noise: bool, k: usize, seed: u64) -> (usize, usize) {
    let data = tempfile::tempdir().expect("tempdir");
    gen_into(data.path(), 400, 80, seed, noise);
    let out = tempfile::tempdir().expect("tempdir");
    let mut config = config_for(data.path());
    config.score.top_k = k;
    let s = run_with(config, out.path(), "truth", 2);
    occupation_hits(data.path(), &s.run_dir, k as u32)
}

#[test]
fn a_true_occupation_role_is_in_top_five_for_95_percent_with_noise_and_all_without() {
    let (hits, n) = truth_share(true, 5, 31);
    assert!(hits as f64 >= 0.95 * n as f64, "noise on: {hits}/{n} have a role of their occupation in their top 5");
    let (hits, n) = truth_share(false, 5, 31);
    assert_eq!(hits, n, "noise off: every candidate has a role of their occupation in their top 5");
}

#[test]
fn the_bundles_layout_scores_exactly_like_the_folders_layout() {
    use skillmatch::generate::{GenOptions, Layout, generate};
    let folders = tempfile::tempdir().expect("tempdir");
    let bundles = tempfile::tempdir().expect("tempdir");
    let o = GenOptions {
        candidates: 120,
        roles: 20,
        seed: 37,
        out: folders.path().to_path_buf(),
        as_of: as_of(),
        ..GenOptions::default()
    };
    generate(taxonomy(), &o).expect("folders");
    generate(taxonomy(), &GenOptions { layout: Layout::Bundles, out: bundles.path().to_path_buf(), ..o })
        .expect("bundles");
    let out = tempfile::tempdir().expect("tempdir");
    let a = run_with(config_for(folders.path()), out.path(), "folders", 2);
    let mut config = config_for(bundles.path());
    config.inputs.claims = Some(bundles.path().join("claims.csv"));
    let b = run_with(config, out.path(), "bundles", 2);
    assert_eq!(b.manifest.ingest["claims"].rejected, 0);
    assert_eq!(
        a.manifest.ingest["badge"].accepted, b.manifest.ingest["badge"].accepted,
        "the same credentials are read from both layouts"
    );
    let sa = std::fs::read(a.run_dir.join("shortlists.csv")).expect("shortlists");
    let sb = std::fs::read(b.run_dir.join("shortlists.csv")).expect("shortlists");
    assert!(sa == sb, "shortlists differ between layouts");
}

#[test]
fn generated_pathways_are_completed_by_exactly_the_candidates_the_population_plans() {
    use skillmatch::generate::{GenOptions, Population, generate};
    let data = tempfile::tempdir().expect("tempdir");
    // Few roles so that the pathway occupations have many candidates.
    let o = GenOptions {
        candidates: 300,
        roles: 15,
        seed: 41,
        out: data.path().to_path_buf(),
        as_of: as_of(),
        ..GenOptions::default()
    };
    generate(taxonomy(), &o).expect("generation succeeds");
    let generated = skillmatch::config::Config::load(&data.path().join("run.toml")).expect("run.toml loads");
    let mut config = config_for(data.path());
    config.pathways = generated.pathways;
    let weights = config.score_params();
    let out = tempfile::tempdir().expect("tempdir");
    let s = run_with(config, out.path(), "pathways", 2);
    let population = Population::new(taxonomy(), &o).expect("population");
    let mut planned: HashSet<(String, String)> = HashSet::new();
    for i in 0..o.candidates {
        let c = population.candidate(i);
        for p in c.completed_pathways(&population, |st| weights.status_weight(st) > 0.0) {
            planned.insert((c.id.clone(), population.pathways()[p].name.clone()));
        }
    }
    let reported: HashSet<(String, String)> = read_csv(&s.run_dir.join("pathways.csv"))
        .into_iter()
        .filter(|r| r["status"] == "complete")
        .map(|r| (r["candidate_id"].clone(), r["pathway"].clone()))
        .collect();
    assert!(!planned.is_empty(), "some candidates complete a generated pathway");
    assert_eq!(reported, planned);
}
