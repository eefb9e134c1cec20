//! Scoring engine vs the naive all-pairs reference (`score_pair` over every candidate × role).
//!
//! `cargo bench --bench score` — random profiles over real ESCO skills, drawn from a pool so
//! that matches are frequent; both engines produce the same top-K (see tests/score_engine.rs).

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use skillmatch::ingest::Requirement;
use skillmatch::score::{
    CandidateProfile, HeldSkill, Role, RoleSkill, ScoreConfig, ScoreParams, SkillOrigin, naive, score_all,
};
use skillmatch::taxonomy::Taxonomy;

fn world(tax: &Taxonomy, n_c: usize, n_r: usize) -> (Vec<CandidateProfile>, Vec<Role>) {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let pool: Vec<u32> = (0..2000).map(|_| rng.random_range(0..tax.skills().len() as u32)).collect();
    let profiles = (0..n_c)
        .map(|i| {
            let mut skills: Vec<HeldSkill> = (0..rng.random_range(3..15))
                .map(|_| HeldSkill { skill: pool[rng.random_range(0..pool.len())], weight: 1.0, evidence: vec![] })
                .collect();
            skills.sort_by_key(|h| h.skill);
            skills.dedup_by_key(|h| h.skill);
            CandidateProfile { id: format!("c{i:07}"), location: None, skills, fit_mass: 0.0 }
        })
        .collect();
    let roles = (0..n_r)
        .map(|i| {
            let skills = (0..rng.random_range(5..25))
                .map(|_| RoleSkill {
                    requirement: if rng.random_bool(0.7) { Requirement::Required } else { Requirement::Preferred },
                    skill: pool[rng.random_range(0..pool.len())],
                    origin: SkillOrigin::Explicit,
                })
                .collect();
            Role::new(format!("r{i:06}"), String::new(), None, None, skills)
        })
        .collect();
    (profiles, roles)
}

fn bench(c: &mut Criterion) {
    let tax = Taxonomy::load_esco(&Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/taxonomy/esco-v1.2.0"))
        .expect("vendored ESCO loads");
    let (profiles, roles) = world(&tax, 5_000, 500);
    // The product's defaults (`[score]` of the default config), top-50 on both sides.
    let p = ScoreParams::default().with(ScoreConfig { top_k: 50, ..ScoreConfig::default() });
    let mut g = c.benchmark_group("score 5k candidates x 500 roles, top-50");
    g.sample_size(10);
    g.bench_function("indexed engine (both sides)", |b| b.iter(|| score_all(&tax, &profiles, &roles, &p)));
    g.bench_function("naive all-pairs (both sides)", |b| {
        b.iter(|| naive::score_all_naive(&tax, &profiles, &roles, &p))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
