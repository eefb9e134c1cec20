//! Ranking quality on generated data with the properties real postings have (issue 11): roles
//! listing 1–40 skills, sibling occupations competing for the same candidates, a quarter of the
//! postings with only a title and prose, candidates holding skills of an adjacent occupation.
//!
//! Each failure mode of the legacy coverage model is reproduced with `model = "coverage"` and
//! checked fixed with the default evidence model, on the same data. Seeds 1201–1203 are used only
//! here (tuning used 1002 and 1003; reported figures use 7001 and 7002: docs/QUALITY.md).

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::*;
use skillmatch::config::Config;
use skillmatch::eval::matching::{MatchingReport, evaluate_matching};
use skillmatch::score::ScoreModel;

fn evaluate(data: &Path, config: Config, id: &str) -> (MatchingReport, std::path::PathBuf) {
    let out = data.join("out");
    let summary = run_with(config, &out, id, 2);
    let report = evaluate_matching(&summary.run_dir, &data.join("truth.csv"), Some(&data.join("postings.jsonl")))
        .expect("evaluation runs");
    (report, summary.run_dir)
}

fn legacy(data: &Path) -> Config {
    let mut c = config_for(data);
    c.score.model = ScoreModel::Coverage;
    c.score.importance = skillmatch::score::Importance::Uniform;
    c.score.group_credit = 0.5;
    c.score.narrower_credit = 0.5;
    c.score.broader_credit = 0.35;
    c.score.related_credit = 0.25;
    c.taxonomy.title_profile = false;
    c
}

/// Role id → number of skills (listed, extracted and inferred), from the run's `roles.parquet`.
fn role_sizes(run: &Path) -> HashMap<String, usize> {
    use polars::prelude::{ParquetReader, SerReader};
    let df = ParquetReader::new(std::fs::File::open(run.join("roles.parquet")).expect("roles.parquet"))
        .finish()
        .expect("parquet");
    let ids = df.column("role_id").expect("role_id").str().expect("str").clone();
    let mut out: HashMap<String, usize> = HashMap::new();
    for id in ids.iter().flatten() {
        *out.entry(id.to_string()).or_default() += 1;
    }
    out
}

/// Share of candidates whose first role lists fewer than 3 skills and is not of their occupation.
fn thin_wins(data: &Path, run: &Path) -> f64 {
    let sizes = role_sizes(run);
    let truth = read_csv(&data.join("truth.csv"));
    let role_occ: HashMap<String, String> =
        truth.iter().map(|r| (r["role_id"].clone(), r["occupation_uri"].clone())).collect();
    let occ: HashMap<String, String> =
        truth.iter().map(|r| (r["candidate_id"].clone(), r["occupation_uri"].clone())).collect();
    let firsts: Vec<_> = read_csv(&run.join("candidate_gaps.csv")).into_iter().filter(|r| r["rank"] == "1").collect();
    let wrong_thin = firsts
        .iter()
        .filter(|r| sizes.get(&r["role_id"]).copied().unwrap_or(0) < 3)
        .filter(|r| role_occ.get(&r["role_id"]) != occ.get(&r["candidate_id"]))
        .count();
    wrong_thin as f64 / truth.len() as f64
}

#[test]
fn thin_roles_no_longer_win_the_first_rank() {
    let data = tempfile::tempdir().expect("tempdir");
    gen_into(data.path(), 500, 100, 1201, true);
    let (_, old) = evaluate(data.path(), legacy(data.path()), "legacy");
    let (_, new) = evaluate(data.path(), config_for(data.path()), "evidence");
    let (before, after) = (thin_wins(data.path(), &old), thin_wins(data.path(), &new));
    // Reproduced: under coverage a role of 1–2 skills of another occupation is first for many.
    assert!(before > 0.05, "coverage model: thin wrong roles first for {before}");
    assert!(after < before / 4.0, "evidence model: thin wrong roles first for {after} (coverage: {before})");
}

#[test]
fn the_true_role_ranks_first_for_most_candidates_where_coverage_failed() {
    let data = tempfile::tempdir().expect("tempdir");
    gen_into(data.path(), 500, 100, 1202, true);
    let (old, _) = evaluate(data.path(), legacy(data.path()), "legacy");
    let (new, _) = evaluate(data.path(), config_for(data.path()), "evidence");
    let r1 = |r: &MatchingReport| r.all.recall["@1"];
    let r5 = |r: &MatchingReport| r.all.recall["@5"];
    assert!(r1(&new) >= 0.88, "evidence model recall@1 {} (coverage {})", r1(&new), r1(&old));
    // Reproduced: the coverage model is far behind on the same data (0.80 vs 0.9+ at this size,
    // 0.62 vs 0.94 at 2,000 × 300).
    assert!(
        r1(&old) <= r1(&new) - 0.05,
        "the coverage model's failure no longer reproduces: {} vs {}",
        r1(&old),
        r1(&new)
    );
    assert!(r5(&new) >= 0.96, "evidence model recall@5 {}", r5(&new));
    // Roles whose postings list no skills: title profiles and text.
    assert!(new.unlisted_skills.recall["@5"] >= 0.85, "{:?}", new.unlisted_skills);
    // Partial credit does not flood the ranking: exact-only is no more than a point better.
    let mut exact_only = config_for(data.path());
    exact_only.score.group_credit = 0.0;
    exact_only.score.narrower_credit = 0.0;
    exact_only.score.broader_credit = 0.0;
    exact_only.score.related_credit = 0.0;
    let (exact, _) = evaluate(data.path(), exact_only, "exact");
    assert!(r1(&new) >= r1(&exact) - 0.01, "partial credit costs recall@1: {} vs exact-only {}", r1(&new), r1(&exact));
}

#[test]
fn thin_roles_are_flagged_in_roles_and_shortlists() {
    let data = tempfile::tempdir().expect("tempdir");
    gen_into(data.path(), 200, 80, 1203, true);
    let mut c = config_for(data.path());
    c.taxonomy.title_profile = false; // keep postings as listed, so some are thin
    let (_, run) = evaluate(data.path(), c.clone(), "flags");
    let sizes = role_sizes(&run);
    let rows = read_csv(&run.join("shortlists.csv"));
    assert!(!rows.is_empty());
    let mut seen = [false; 2];
    for r in rows {
        let thin = sizes[&r["role_id"]] < c.score.thin_role_skills;
        assert_eq!(r["role_thin"], thin.to_string(), "role {}", r["role_id"]);
        seen[thin as usize] = true;
    }
    assert!(seen[0] && seen[1], "the data should hold thin and non-thin shortlisted roles: {seen:?}");
}
