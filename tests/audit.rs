//! `skillmatch audit`: hand-worked numbers on a tiny run folder, a planted disparity on a
//! generated run, and the errors a wrong demographics file or cut-off gives.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use skillmatch::audit::{self, AuditReport, CategoryRow, CategoryStatus, DimensionAudit, RateStat};
use skillmatch::report::table::{Col, Table};

fn skillmatch(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_skillmatch")).args(args).output().expect("binary runs")
}

/// A tiny run folder written by hand: 10 roster candidates c01..c10, top_k = 2, two roles.
///
/// r1 ranks c01 0.9, c02 0.8, c03 0.7; r2 ranks c04 0.85, c01 0.6, c05 0.5. Selected at K = 2:
/// c01, c02, c04. Best scores (candidate_gaps.csv adds c06 0.4, c07 0.3, c08 0.2; c09 and c10
/// have no pair, so 0): sorted 0, 0, .2, .3, .4, .5, .7, .8, .85, .9 → median (.4 + .5) / 2 =
/// .45; above it: c01..c05.
fn tiny_run(dir: &Path) -> PathBuf {
    let run = dir.join("run");
    std::fs::create_dir_all(&run).expect("mkdir");
    let roster = dir.join("roster.csv");
    let ids: Vec<String> = (1..=10).map(|i| format!("c{i:02}")).collect();
    let mut text = String::from("candidate_id,emails,location\n");
    for id in &ids {
        text.push_str(&format!("{id},{id}@mail.example,\n"));
    }
    std::fs::write(&roster, text).expect("roster");
    let sha = skillmatch::util::sha256_file(&roster).expect("hash");
    let manifest = serde_json::json!({
        "config": {"score": {"top_k": 2}},
        "inputs": [{"kind": "roster", "path": roster.display().to_string(), "sha256": sha, "bytes": 0}],
    });
    std::fs::write(run.join("manifest.json"), manifest.to_string()).expect("manifest");
    let pairs = [
        ("r1", "c01", 1, 0.9),
        ("r1", "c02", 2, 0.8),
        ("r1", "c03", 3, 0.7),
        ("r2", "c04", 1, 0.85),
        ("r2", "c01", 2, 0.6),
        ("r2", "c05", 3, 0.5),
    ];
    Table::new(vec![
        Col::str("role_id", pairs.iter().map(|p| p.0.to_string()).collect()),
        Col::str("candidate_id", pairs.iter().map(|p| p.1.to_string()).collect()),
        Col::u64("rank", pairs.iter().map(|p| p.2).collect()),
        Col::f64("score", pairs.iter().map(|p| p.3).collect()),
    ])
    .write_parquet(&run.join("matches.parquet"))
    .expect("matches");
    let gaps = "candidate_id,rank,role_id,score\nc01,1,r1,0.9\nc02,1,r1,0.8\nc03,1,r1,0.7\nc04,1,r2,0.85\n\
                c05,1,r2,0.5\nc06,1,r1,0.4\nc07,1,r2,0.3\nc08,1,r1,0.2\n";
    std::fs::write(run.join("candidate_gaps.csv"), gaps).expect("gaps");
    run
}

/// c10 is absent (unknown everywhere); `ghost` is not a candidate of the run.
const TINY_DEMOGRAPHICS: &str = "candidate_id,sex,race\nc01,F,A\nc02,M,A\nc03,F,B\nc04,F,B\nc05,M,A\n\
                                 c06,M,B\nc07,F,\nc08,M,unknown\nc09,F,A\nghost,F,A\n";

fn dim<'a>(r: &'a AuditReport, name: &str) -> &'a DimensionAudit {
    r.dimensions.iter().find(|d| d.name == name).unwrap_or_else(|| panic!("dimension {name}"))
}

fn cat<'a>(d: &'a DimensionAudit, name: &str) -> &'a CategoryRow {
    d.categories.iter().find(|c| c.category == name).unwrap_or_else(|| panic!("category {name}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// Checks count, rate, Wilson interval and impact ratio against hand-computed values.
fn check(s: &RateStat, count: usize, rate: f64, ci: (f64, f64), ratio: Option<f64>, flag: bool) {
    assert_eq!(s.count, count, "{s:?}");
    assert!(close(s.rate, rate), "rate {s:?} vs {rate}");
    assert!(close(s.ci.low, ci.0) && close(s.ci.high, ci.1), "interval {s:?} vs {ci:?}");
    match (s.impact_ratio, ratio) {
        (Some(a), Some(b)) => assert!(close(a, b), "ratio {s:?} vs {b}"),
        (a, b) => assert_eq!(a, b, "{s:?}"),
    }
    assert_eq!(s.below_four_fifths, flag, "{s:?}");
}

// Wilson 95 % intervals, by hand with Python's stdlib:
//   z = statistics.NormalDist().inv_cdf(0.975)
//   p = x/n; d = 1 + z*z/n; c = (p + z*z/(2*n))/d; h = z/d*math.sqrt(p*(1-p)/n + z*z/(4*n*n))
//   (max(0, c-h), min(1, c+h))
const W_2_5: (f64, f64) = (0.11762077423264794, 0.769275718723987);
const W_1_4: (f64, f64) = (0.0455872608097006, 0.699358157417598);
const W_3_5: (f64, f64) = (0.23072428127601297, 0.8823792257673521);
const W_2_4: (f64, f64) = (0.15003898915214958, 0.8499610108478504);
const W_1_3: (f64, f64) = (0.06149194472039632, 0.7923403991979523);
const W_2_3: (f64, f64) = (0.20765960080204782, 0.9385080552796038);
const W_3_4: (f64, f64) = (0.300641842582402, 0.9544127391902995);
const W_0_1: (f64, f64) = (0.0, 0.7934506856227626);
const W_1_2: (f64, f64) = (0.09453120573423074, 0.9054687942657693);
const W_2_2: (f64, f64) = (0.34238022750665315, 1.0);
const W_1_5: (f64, f64) = (0.036224108632430085, 0.6244653702374746);
const W_0_3: (f64, f64) = (0.0, 0.5614970317550454);
const W_0_4: (f64, f64) = (0.0, 0.4898908364545972);

#[test]
fn hand_worked_rates_intervals_and_impact_ratios_match() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = tiny_run(dir.path());
    let demo = dir.path().join("demo.csv");
    std::fs::write(&demo, TINY_DEMOGRAPHICS).expect("demo");
    let r = audit::audit(&run, &demo, None, false).expect("audit");
    assert_eq!((r.top_k, r.sample, r.selected, r.scored_above_median), (2, 10, 3, 5));
    assert!(close(r.median_best_score, 0.45));
    assert_eq!((r.not_in_demographics, r.not_in_run), (1, 1));

    // sex: F = c01 c03 c04 c07 c09 (selected c01 c04; above c01 c03 c04);
    //      M = c02 c05 c06 c08 (selected c02; above c02 c05); unknown = c10.
    let sex = dim(&r, "sex");
    check(&cat(sex, "F").selection, 2, 0.4, W_2_5, Some(1.0), false);
    check(&cat(sex, "M").selection, 1, 0.25, W_1_4, Some(0.25 / 0.4), true);
    check(&cat(sex, "F").scoring, 3, 0.6, W_3_5, Some(1.0), false);
    check(&cat(sex, "M").scoring, 2, 0.5, W_2_4, Some(0.5 / 0.6), false);
    assert_eq!((sex.unknown.n, sex.unknown.selected, sex.unknown.scored_above_median), (1, 0, 0));
    assert_eq!(sex.highest_selection.as_deref(), Some("F"));

    // race: A = c01 c02 c05 c09 (selected c01 c02; above c01 c02 c05);
    //       B = c03 c04 c06 (selected c04; above c03 c04); unknown = c07 (empty), c08, c10.
    let race = dim(&r, "race");
    check(&cat(race, "A").selection, 2, 0.5, W_2_4, Some(1.0), false);
    check(&cat(race, "B").selection, 1, 1.0 / 3.0, W_1_3, Some((1.0 / 3.0) / 0.5), true);
    check(&cat(race, "A").scoring, 3, 0.75, W_3_4, Some(1.0), false);
    check(&cat(race, "B").scoring, 2, 2.0 / 3.0, W_2_3, Some((2.0 / 3.0) / 0.75), false);
    assert_eq!(race.unknown.n, 3);

    // Intersection: F×A = c01 c09, F×B = c03 c04, M×A = c02 c05, M×B = c06.
    let x = dim(&r, "sex × race");
    assert!(x.intersection);
    check(&cat(x, "F × A").selection, 1, 0.5, W_1_2, Some(1.0), false);
    check(&cat(x, "M × B").selection, 0, 0.0, W_0_1, Some(0.0), true);
    check(&cat(x, "F × A").scoring, 1, 0.5, W_1_2, Some(0.5), true);
    check(&cat(x, "F × B").scoring, 2, 1.0, W_2_2, Some(1.0), false);
    check(&cat(x, "M × A").scoring, 2, 1.0, W_2_2, Some(1.0), false);
    // Ties for the highest rate go to the first category by name.
    assert_eq!(x.highest_scoring.as_deref(), Some("F × B"));
    assert_eq!(x.unknown.n, 3);
    assert!(x.categories.iter().all(|c| c.status == CategoryStatus::Compared), "10 % shares are all compared");
}

#[test]
fn a_smaller_cut_off_selects_only_the_first_ranks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = tiny_run(dir.path());
    let demo = dir.path().join("demo.csv");
    std::fs::write(&demo, TINY_DEMOGRAPHICS).expect("demo");
    // K = 1: c01 (r1) and c04 (r2), both F.
    let r = audit::audit(&run, &demo, Some(1), false).expect("audit");
    assert_eq!((r.top_k, r.run_top_k, r.selected), (1, 2, 2));
    let sex = dim(&r, "sex");
    assert_eq!((cat(sex, "F").selection.count, cat(sex, "M").selection.count), (2, 0));
    // M's ratio is 0: flagged.
    assert!(cat(sex, "M").selection.below_four_fifths);
}

#[test]
fn the_cli_writes_only_aggregates_in_every_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = tiny_run(dir.path());
    let demo = dir.path().join("demo.csv");
    std::fs::write(&demo, TINY_DEMOGRAPHICS).expect("demo");
    let out = dir.path().join("audit.csv");
    let (run_s, demo_s, out_s) =
        (run.to_str().expect("utf8"), demo.to_str().expect("utf8"), out.to_str().expect("utf8"));
    let o = skillmatch(&["audit", "--run", run_s, "--demographics", demo_s, "--format", "csv", "--out", out_s]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = common::read_csv(&out);
    // 2 + 2 + 4 categories and one unknown row per dimension.
    assert_eq!(rows.len(), 11);
    let m = rows.iter().find(|r| r["dimension"] == "sex" && r["category"] == "M").expect("M row");
    assert_eq!((m["n"].as_str(), m["selected"].as_str(), m["selection_rate"].as_str()), ("4", "1", "0.2500"));
    assert_eq!((m["selection_impact_ratio"].as_str(), m["selection_below_four_fifths"].as_str()), ("0.6250", "true"));
    let unknown = rows.iter().find(|r| r["dimension"] == "race" && r["status"] == "unknown").expect("unknown row");
    assert_eq!(unknown["n"], "3");
    for format in ["csv", "json", "table"] {
        let o = skillmatch(&["audit", "--run", run_s, "--demographics", demo_s, "--format", format]);
        assert!(o.status.success(), "{format}: {}", String::from_utf8_lossy(&o.stderr));
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(!text.contains("c0") && !text.contains("ghost"), "{format} names a candidate:\n{text}");
        assert!(text.contains("0.625"), "{format} lacks M's impact ratio:\n{text}");
    }
}

#[test]
fn a_wrong_demographics_file_column_or_cut_off_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = tiny_run(dir.path());
    let run_s = run.to_str().expect("utf8");
    let no_id = dir.path().join("no_id.csv");
    std::fs::write(&no_id, "id,sex\nc01,F\n").expect("write");
    let no_cat = dir.path().join("no_cat.csv");
    std::fs::write(&no_cat, "candidate_id\nc01\n").expect("write");
    let good = dir.path().join("good.csv");
    std::fs::write(&good, TINY_DEMOGRAPHICS).expect("write");
    let cases: [(Vec<&str>, &str); 5] = [
        (vec!["--demographics", "/nonexistent/demo.csv"], "--demographics path not found"),
        (vec!["--demographics", no_id.to_str().expect("utf8")], "no candidate_id column"),
        (vec!["--demographics", no_cat.to_str().expect("utf8")], "no category column"),
        (vec!["--demographics", good.to_str().expect("utf8"), "--top-k", "3"], "--top-k 3 is deeper"),
        (vec!["--demographics", good.to_str().expect("utf8"), "--top-k", "0"], "--top-k"),
    ];
    for (args, says) in cases {
        let mut all = vec!["audit", "--run", run_s];
        all.extend(&args);
        let o = skillmatch(&all);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let o = skillmatch(&["audit", "--run", "/nonexistent/run", "--demographics", good.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(2));
}

/// A deterministic value in [0, 1) from a candidate's index and a salt (splitmix64).
fn unit(i: u64, salt: u64) -> f64 {
    let mut z = i.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(salt);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) as f64 / u64::MAX as f64
}

#[test]
fn a_planted_disparity_on_a_generated_run_is_flagged_and_nothing_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    common::gen_into(&data, 300, 40, 7, true);
    let summary = common::run_with(common::config_for(&data), &dir.path().join("out"), "audit", 2);
    let run = summary.run_dir.clone();
    const K: usize = 3;
    // Selection at K = 3, counted independently from shortlists.csv.
    let shortlisted: std::collections::BTreeSet<String> = common::read_csv(&run.join("shortlists.csv"))
        .into_iter()
        .filter(|r| r["rank"].parse::<usize>().expect("rank") <= K)
        .map(|r| r["candidate_id"].clone())
        .collect();
    let ids: Vec<String> =
        common::read_csv(&data.join("roster.csv")).into_iter().map(|r| r["candidate_id"].clone()).collect();
    // group: B for 80 % of the candidates left out of every shortlist and 20 % of the others
    // (planted); C for 1 % of all (under 2 %, never compared). team: X or Y by a coin that
    // ignores the outcome. Every 10th candidate has an unknown team.
    let mut text = String::from("candidate_id,group,team\n");
    let mut expected: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for (i, id) in ids.iter().enumerate() {
        let sel = shortlisted.contains(id);
        let u = unit(i as u64, 1);
        let group = if u < 0.01 {
            "C"
        } else if (sel && u < 0.21) || (!sel && u < 0.81) {
            "B"
        } else {
            "A"
        };
        let team = if i % 10 == 9 {
            ""
        } else if unit(i as u64, 2) < 0.5 {
            "X"
        } else {
            "Y"
        };
        let e = expected.entry(group).or_default();
        e.0 += 1;
        e.1 += usize::from(sel);
        text.push_str(&format!("{id},{group},{team}\n"));
    }
    let demo = dir.path().join("demo.csv");
    std::fs::write(&demo, &text).expect("demo");
    // Scoring, counted independently: each candidate's best score is its rank-1 row of
    // candidate_gaps.csv (0 without one); the median of all; per group, the count strictly above.
    let mut best: std::collections::HashMap<String, f64> = ids.iter().map(|id| (id.clone(), 0.0)).collect();
    for row in common::read_csv(&run.join("candidate_gaps.csv")) {
        if row["rank"] == "1" {
            best.insert(row["candidate_id"].clone(), row["score"].parse().expect("score"));
        }
    }
    let mut sorted: Vec<f64> = best.values().copied().collect();
    sorted.sort_by(f64::total_cmp);
    let m = sorted.len() / 2;
    let median = if sorted.len() % 2 == 1 { sorted[m] } else { (sorted[m - 1] + sorted[m]) / 2.0 };
    let r = audit::audit(&run, &demo, Some(K), false).expect("audit");
    assert!(close(r.median_best_score, median), "{} vs {median}", r.median_best_score);
    let groups: std::collections::HashMap<&str, &str> =
        text.lines().skip(1).filter_map(|l| l.split(',').next().zip(l.split(',').nth(1))).collect();
    let above_b = ids.iter().filter(|id| groups[id.as_str()] == "B" && best[id.as_str()] > median).count();
    assert_eq!(cat(dim(&r, "group"), "B").scoring.count, above_b);
    assert_eq!(r.sample, ids.len());
    assert_eq!(r.selected, shortlisted.len());
    let group = dim(&r, "group");
    for (name, (n, sel)) in &expected {
        let c = cat(group, name);
        assert_eq!((c.n, c.selection.count), (*n, *sel), "{name}");
        assert!(close(c.selection.rate, *sel as f64 / *n as f64), "{name}");
    }
    assert!(cat(group, "B").selection.below_four_fifths, "planted disparity: {:?}", cat(group, "B"));
    assert_eq!(cat(group, "C").status, CategoryStatus::UnderTwoPercent);
    assert_eq!(cat(group, "C").selection.impact_ratio, None);
    assert_eq!(dim(&r, "team").unknown.n, ids.len() / 10);
    let flagged: Vec<String> = r.flagged().iter().map(|(d, c)| format!("{} = {}", d.name, c.category)).collect();
    for f in &flagged {
        assert!(f.starts_with("group") && f.contains('B'), "only the planted category is flagged: {flagged:?}");
    }
}

#[test]
fn per_role_selection_is_counted_in_each_role_shortlist_and_four_fifths_itself_is_not_flagged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = tiny_run(dir.path());
    let demo = dir.path().join("demo.csv");
    std::fs::write(&demo, TINY_DEMOGRAPHICS).expect("demo");
    let r = audit::audit(&run, &demo, None, true).expect("audit");
    let row = |role: &str, dim: &str, cat: &str| {
        r.per_role
            .iter()
            .find(|x| x.role_id == role && x.dimension == dim && x.category == cat)
            .unwrap_or_else(|| panic!("{role} {dim} {cat}"))
    };
    // r1 top 2 = c01 (F, A), c02 (M, A): F 1/5 = 0.2, M 1/4 = 0.25; F's ratio is exactly
    // 0.2 / 0.25 = 0.8, which the four-fifths rule does not flag (only ratios below it).
    check(&row("r1", "sex", "F").selection, 1, 0.2, W_1_5, Some(0.8), false);
    check(&row("r1", "sex", "M").selection, 1, 0.25, W_1_4, Some(1.0), false);
    check(&row("r1", "race", "B").selection, 0, 0.0, W_0_3, Some(0.0), true);
    // r2 top 2 = c04 (F, B), c01 (F, A): M 0 of 4.
    check(&row("r2", "sex", "F").selection, 2, 0.4, W_2_5, Some(1.0), false);
    check(&row("r2", "sex", "M").selection, 0, 0.0, W_0_4, Some(0.0), true);
    // 2 roles × (2 + 2 + 4) categories.
    assert_eq!(r.per_role.len(), 16);
    // Per-role rows never enter the overall flags.
    assert_eq!(r.flagged().len(), audit::audit(&run, &demo, None, false).expect("audit").flagged().len());
}

#[test]
fn a_changed_roster_falls_back_to_the_scored_candidates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = tiny_run(dir.path());
    let demo = dir.path().join("demo.csv");
    std::fs::write(&demo, TINY_DEMOGRAPHICS).expect("demo");
    // The roster no longer matches the manifest's sha256: only c01..c08 (with a reported pair)
    // are known as the run's candidates; c09 joins `ghost` as not in the run.
    std::fs::write(dir.path().join("roster.csv"), "candidate_id,emails,location\nzz,zz@mail.example,\n").expect("w");
    let r = audit::audit(&run, &demo, None, false).expect("audit");
    assert_eq!(r.population, skillmatch::audit::outcomes::PopulationSource::ScoredCandidates);
    assert_eq!((r.sample, r.not_in_demographics, r.not_in_run), (8, 0, 2));
}

#[test]
fn category_names_that_look_like_formulas_are_neutralised_in_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = tiny_run(dir.path());
    let demo = dir.path().join("demo.csv");
    std::fs::write(&demo, "candidate_id,=cmd\nc01,=HYPERLINK(\"x\")\nc02,@A\n").expect("demo");
    let o = skillmatch(&[
        "audit",
        "--run",
        run.to_str().expect("utf8"),
        "--demographics",
        demo.to_str().expect("utf8"),
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains(",'=cmd,") && text.contains("'=HYPERLINK") && text.contains(",'@A,"), "{text}");
    assert!(!text.contains(",=") && !text.contains(",@"), "{text}");
}

#[test]
fn a_run_with_audit_demographics_writes_the_same_audit_csv_as_the_command_and_a_page_section() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    common::gen_into(&data, 120, 20, 11, false);
    let ids: Vec<String> =
        common::read_csv(&data.join("roster.csv")).into_iter().map(|r| r["candidate_id"].clone()).collect();
    let mut text = String::from("candidate_id,group\n");
    for (i, id) in ids.iter().enumerate() {
        text.push_str(&format!("{id},{}\n", if unit(i as u64, 3) < 0.5 { "A" } else { "B" }));
    }
    let demo = dir.path().join("demographics.csv");
    std::fs::write(&demo, &text).expect("demographics");
    let mut config = common::config_for(&data);
    config.report.audit_demographics = Some(demo.clone());
    let run = common::run_with(config, &dir.path().join("out"), "audited", 2).run_dir;

    let written = std::fs::read_to_string(run.join("audit.csv")).expect("audit.csv in the run folder");
    let cli = skillmatch(&[
        "audit",
        "--run",
        run.to_str().expect("utf-8"),
        "--demographics",
        demo.to_str().expect("utf-8"),
        "--format",
        "csv",
    ]);
    assert!(cli.status.success(), "{}", String::from_utf8_lossy(&cli.stderr));
    assert_eq!(written, String::from_utf8_lossy(&cli.stdout), "the run's audit.csv is the command's CSV");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run.join("manifest.json")).expect("manifest")).expect("json");
    assert!(manifest["outputs"].as_array().expect("outputs").iter().any(|o| o["file"] == "audit.csv"));
    let page = std::fs::read_to_string(run.join("report.html")).expect("report.html");
    assert!(page.contains("Selection rate") && page.contains("href=\"audit.csv\""), "the page has the audit section");
    for id in &ids {
        assert!(!written.contains(id.as_str()) && !page.contains(&format!(">{id}<")), "no candidate id in the audit");
    }

    // A configured demographics file that is missing stops the run before any work, exit 2.
    let cfg = dir.path().join("run.toml");
    std::fs::write(
        &cfg,
        format!(
            "[inputs]\nroster = {:?}\nbadges = [{:?}]\npostings = [{:?}]\n[report]\naudit_demographics = {:?}\n",
            data.join("roster.csv"),
            data.join("badges"),
            data.join("postings.jsonl"),
            dir.path().join("missing.csv")
        ),
    )
    .expect("config");
    let out = dir.path().join("out2");
    std::fs::create_dir(&out).expect("out");
    let failed = skillmatch(&["run", "--config", cfg.to_str().expect("utf-8"), "--out", out.to_str().expect("utf-8")]);
    assert_eq!(failed.status.code(), Some(2), "{}", String::from_utf8_lossy(&failed.stderr));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("missing.csv"));
    assert_eq!(std::fs::read_dir(&out).expect("out").count(), 0, "nothing written");
}
