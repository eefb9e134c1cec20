//! Scale benchmark of the scoring engine (issue 5): generated candidates × roles in memory,
//! scored by the pruned engine, checked against and timed against the naive all-pairs scorer on a
//! sample. Not a criterion bench: one run, many minutes at full size.
//!
//! ```text
//! cargo bench --bench scale -- [--candidates N] [--roles M] [--top-k K] [--threads T]
//!                               [--zipf S] [--seed X] [--naive-sample R] [--role-model full|realistic]
//!                               [--fit-weight W]
//! ```
//!
//! Defaults: 200,000 × 20,000, top-50, all cores, Zipf 1.0, seed 7, 20 naive roles. The
//! population is the one `skillmatch gen` writes (same seed, same options), with evidence
//! weighted by the default `[evidence]` table; it is built in memory, so the figure is the
//! engine's alone (no ingest or verification). Prints wall times, peak RSS, pairs scored against
//! candidates × roles, and the naive scorer's time extrapolated from the sampled roles and
//! candidates (it would take hours in full).

use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use skillmatch::config::Config;
use skillmatch::generate::population::Population;
use skillmatch::generate::{GenOptions, RoleModel};
use skillmatch::ingest::Requirement;
use skillmatch::score::{CandidateProfile, HeldSkill, Neighbours, Role, RoleSkill, ScoreConfig, SkillOrigin, naive};
use skillmatch::taxonomy::Taxonomy;

struct Args {
    candidates: usize,
    roles: usize,
    top_k: usize,
    threads: usize,
    zipf: f64,
    seed: u64,
    naive_sample: usize,
    role_model: RoleModel,
    /// `[score] fit_weight` (default: the config default; 0 measures the requirement term alone).
    fit_weight: Option<f64>,
}

fn parse() -> Result<Args, String> {
    let mut a = Args {
        candidates: 200_000,
        roles: 20_000,
        top_k: 50,
        threads: 0,
        zipf: 1.0,
        seed: 7,
        naive_sample: 20,
        role_model: RoleModel::Full,
        fit_weight: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--bench" {
            continue;
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let bad = |e: &dyn std::fmt::Display| format!("{flag} {value}: {e}");
        match flag.as_str() {
            "--candidates" => a.candidates = value.parse().map_err(|e| bad(&e))?,
            "--roles" => a.roles = value.parse().map_err(|e| bad(&e))?,
            "--top-k" => a.top_k = value.parse().map_err(|e| bad(&e))?,
            "--threads" => a.threads = value.parse().map_err(|e| bad(&e))?,
            "--zipf" => a.zipf = value.parse().map_err(|e| bad(&e))?,
            "--seed" => a.seed = value.parse().map_err(|e| bad(&e))?,
            "--naive-sample" => a.naive_sample = value.parse().map_err(|e| bad(&e))?,
            "--fit-weight" => a.fit_weight = Some(value.parse().map_err(|e| bad(&e))?),
            "--role-model" => {
                a.role_model = match value.as_str() {
                    "full" => RoleModel::Full,
                    "realistic" => RoleModel::Realistic,
                    other => return Err(format!("--role-model {other:?}: expected full or realistic")),
                }
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(a)
}

/// Peak resident set size of this process, in MiB (Linux `VmHWM`).
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

fn main() {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("scale bench: {e}");
            std::process::exit(2);
        }
    };
    if args.threads > 0 {
        rayon::ThreadPoolBuilder::new().num_threads(args.threads).build_global().expect("thread pool");
    }
    let t = Instant::now();
    let tax = Taxonomy::load_esco(&Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/taxonomy/esco-v1.2.0"))
        .expect("vendored ESCO loads");
    let opts = GenOptions {
        candidates: args.candidates,
        roles: args.roles,
        seed: args.seed,
        zipf: args.zipf,
        // The engine figures of docs/PERFORMANCE.md were measured on this model; `--role-model
        // realistic` measures the postings `skillmatch gen` writes by default.
        role_model: args.role_model,
        ..GenOptions::default()
    };
    let population = Population::new(&tax, &opts).expect("population");
    let mut config = Config::default();
    if let Some(w) = args.fit_weight {
        config.score.fit_weight = w;
    }
    let mut roles: Vec<Role> = population
        .roles()
        .iter()
        .map(|r| {
            let skills = r
                .required
                .iter()
                .map(|&s| (s, Requirement::Required))
                .chain(r.preferred.iter().map(|&s| (s, Requirement::Preferred)))
                .map(|(skill, requirement)| RoleSkill { requirement, skill, origin: SkillOrigin::Explicit })
                .collect();
            Role::new(r.id.clone(), r.id.clone(), None, Some(r.location.to_string()), skills)
        })
        .collect();
    roles.sort_by(|a, b| a.id.cmp(&b.id));
    // The default [score] policy: IDF importance, the evidence model's prior and the fit term.
    let params = config.score_params();
    skillmatch::score::policy::weigh_roles(&mut roles, &params);
    let fit = skillmatch::score::policy::CandidateFit::new(&roles, &params);
    let profiles: Vec<CandidateProfile> = (0..population.len_candidates())
        .into_par_iter()
        .map(|i| {
            let plan = population.candidate(i);
            let mut skills: Vec<HeldSkill> = plan
                .skills
                .iter()
                .map(|e| HeldSkill {
                    skill: e.skill,
                    weight: params.status_weight(e.status),
                    evidence: vec![e.badge as u32],
                })
                .filter(|h| h.weight > 0.0)
                .collect();
            skills.sort_by(|a, b| a.skill.cmp(&b.skill).then(b.weight.total_cmp(&a.weight)));
            skills.dedup_by_key(|h| h.skill);
            let mut profile =
                CandidateProfile { id: plan.id, location: Some(plan.location.to_string()), skills, fit_mass: 0.0 };
            profile.fit_mass = fit.mass(&profile);
            profile
        })
        .collect();
    let held: usize = profiles.iter().map(|p| p.skills.len()).sum();
    let asked: usize = roles.iter().map(|r| r.skills.len()).sum();
    let build = t.elapsed();
    let threads = rayon::current_num_threads();
    println!(
        "world: {} candidates ({held} held skills), {} roles ({asked} role skills), top-{}, zipf {}, {threads} threads; built in {:.1} s, RSS {:.0} MiB",
        profiles.len(),
        roles.len(),
        args.top_k,
        args.zipf,
        build.as_secs_f64(),
        peak_rss_mib()
    );

    let p = params.with(ScoreConfig { top_k: args.top_k, ..*params });
    let t = Instant::now();
    let neighbours = Neighbours::new(&tax, &p);
    let out = skillmatch::score::score_all_with(&tax, &neighbours, &profiles, &roles, &p);
    let engine = t.elapsed().as_secs_f64();
    let all = profiles.len() as f64 * roles.len() as f64;
    println!(
        "engine: {engine:.2} s wall (role side {:.2} s, candidate side {:.2} s), peak RSS {:.0} MiB",
        out.stats.role_side_ms as f64 / 1e3,
        out.stats.candidate_side_ms as f64 / 1e3,
        peak_rss_mib()
    );
    println!(
        "pairs scored: {} role side + {} candidate side = {} of 2 x {} candidates x roles ({:.4} %)",
        out.stats.role_pairs_scored,
        out.stats.candidate_pairs_scored,
        out.pairs_scored,
        all,
        100.0 * out.pairs_scored as f64 / (2.0 * all)
    );
    println!(
        "block-bound entries read: {}; distinct roles {} of {}; candidate blocks {} (opened per role {:.1}), role blocks {} (opened per candidate {:.1})",
        out.stats.postings_visited,
        out.stats.distinct_roles,
        roles.len(),
        out.stats.candidate_blocks,
        out.stats.candidate_blocks_opened as f64 / out.stats.distinct_roles.max(1) as f64,
        out.stats.role_blocks,
        out.stats.role_blocks_opened as f64 / profiles.len().max(1) as f64
    );

    // Naive reference on a sample: identical top-K, and its time extrapolated to all pairs.
    let n = args.naive_sample.min(roles.len()).max(1);
    let role_step = (roles.len() / n).max(1);
    let cand_step = (profiles.len() / n).max(1);
    let t = Instant::now();
    let sampled_roles: Vec<usize> = (0..roles.len()).step_by(role_step).take(n).collect();
    let naive_roles: Vec<Vec<(u32, f64)>> =
        sampled_roles.par_iter().map(|&r| naive::top_candidates(&tax, &neighbours, &profiles, &roles[r], &p)).collect();
    let per_role = t.elapsed().as_secs_f64() / sampled_roles.len() as f64;
    let t = Instant::now();
    let sampled_cands: Vec<usize> = (0..profiles.len()).step_by(cand_step).take(n).collect();
    let naive_cands: Vec<Vec<(u32, f64)>> =
        sampled_cands.par_iter().map(|&c| naive::top_roles(&tax, &neighbours, &profiles[c], &roles, &p)).collect();
    let per_cand = t.elapsed().as_secs_f64() / sampled_cands.len() as f64;
    let mut mismatches = 0;
    for (&r, want) in sampled_roles.iter().zip(&naive_roles) {
        let got: Vec<(u32, f64)> = out.by_role[r].iter().map(|m| (m.candidate, m.score)).collect();
        mismatches += usize::from(&got != want);
    }
    for (&c, want) in sampled_cands.iter().zip(&naive_cands) {
        let got: Vec<(u32, f64)> = out.by_candidate[c].iter().map(|m| (m.role, m.score)).collect();
        mismatches += usize::from(&got != want);
    }
    let naive_total = per_role * roles.len() as f64 + per_cand * profiles.len() as f64;
    println!(
        "naive all-pairs: {:.3} ms per role, {:.3} ms per candidate ({} sampled each) => {:.0} s estimated for both sides ({:.0}x the engine)",
        per_role * 1e3,
        per_cand * 1e3,
        n,
        naive_total,
        naive_total / engine
    );
    println!("agreement on the sample: {} of {} lists identical", 2 * n - mismatches, 2 * n);
    if mismatches > 0 {
        std::process::exit(1);
    }
}
