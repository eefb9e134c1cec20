//! The indexed scoring engine against the definition, on random profiles over real ESCO skills.

mod common;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use skillmatch::ingest::Requirement;
use skillmatch::score::{
    CandidateProfile, CreditVia, HeldSkill, Role, RoleSkill, ScoreParams, SkillOrigin, eligible, explain, score_all,
    score_pair,
};

fn random_world(seed: u64, n_c: usize, n_r: usize) -> (Vec<CandidateProfile>, Vec<Role>) {
    let tax = common::taxonomy();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Draw from a small skill pool so that exact and group matches are frequent.
    let pool: Vec<u32> = (0..300).map(|_| rng.random_range(0..tax.skills.len() as u32)).collect();
    let weights = [1.0, 0.5, 0.3];
    let profiles = (0..n_c)
        .map(|i| {
            let mut skills: Vec<HeldSkill> = (0..rng.random_range(0..12))
                .map(|_| HeldSkill {
                    skill: pool[rng.random_range(0..pool.len())],
                    weight: weights[rng.random_range(0..3)],
                    evidence: vec![i as u32],
                })
                .collect();
            skills.sort_by_key(|h| h.skill);
            skills.dedup_by_key(|h| h.skill);
            let location = ["Lyon", "Milan", "Vienna"].get(rng.random_range(0..4)).map(|s| s.to_string());
            CandidateProfile { id: format!("c{i:05}"), location, skills }
        })
        .collect();
    let roles = (0..n_r)
        .map(|i| {
            let skills = (0..rng.random_range(1..15))
                .map(|_| RoleSkill {
                    requirement: if rng.random_bool(0.7) { Requirement::Required } else { Requirement::Preferred },
                    skill: pool[rng.random_range(0..pool.len())],
                    origin: SkillOrigin::Explicit,
                })
                .collect();
            let location = ["lyon", "Milan", "VIENNA"].get(rng.random_range(0..4)).map(|s| s.to_string());
            let mut role = Role::new(format!("r{i:04}"), format!("role {i}"), None, location, skills);
            if i % 2 == 0 {
                let salt = rng.random_range(1..1000) as f64;
                role.set_importance(|s| 0.5 + ((s as f64 * 7.0 + salt) % 13.0) / 4.0);
            }
            role
        })
        .collect();
    (profiles, roles)
}

fn params(top_k: usize) -> ScoreParams {
    ScoreParams {
        required_weight: 0.8,
        preferred_weight: 0.2,
        group_credit: 0.5,
        min_score: 0.0,
        top_k,
        same_location: false,
    }
}

/// Reference: score every eligible pair from the definition and sort.
fn naive_top(
    tax: &skillmatch::taxonomy::Taxonomy,
    p: &[CandidateProfile],
    r: &Role,
    pr: &ScoreParams,
) -> Vec<(u32, f64)> {
    let k = pr.top_k;
    let mut all: Vec<(u32, f64)> = p
        .iter()
        .enumerate()
        .filter(|(_, c)| eligible(c, r, pr))
        .map(|(i, c)| (i as u32, score_pair(tax, c, r, pr)))
        .filter(|(_, s)| *s > 0.0)
        .collect();
    all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    all.truncate(k);
    all
}

#[test]
fn indexed_engine_agrees_exactly_with_the_naive_scorer_on_both_sides() {
    agree_with_naive(false);
}

#[test]
fn the_same_location_filter_applies_identically_on_both_sides() {
    agree_with_naive(true);
}

fn agree_with_naive(same_location: bool) {
    let tax = common::taxonomy();
    let (profiles, roles) = random_world(7, 400, 60);
    let k = 7;
    let pr = ScoreParams { same_location, ..params(k) };
    let out = score_all(tax, &profiles, &roles, &pr);
    for (ri, role) in roles.iter().enumerate() {
        let got: Vec<(u32, f64)> = out.by_role[ri].iter().map(|m| (m.candidate, m.score)).collect();
        assert_eq!(got, naive_top(tax, &profiles, role, &pr), "role {ri}");
    }
    for (ci, prof) in profiles.iter().enumerate() {
        let mut all: Vec<(u32, f64)> = roles
            .iter()
            .enumerate()
            .filter(|(_, r)| eligible(prof, r, &pr))
            .map(|(ri, r)| (ri as u32, score_pair(tax, prof, r, &pr)))
            .filter(|(_, s)| *s > 0.0)
            .collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        all.truncate(k);
        let got: Vec<(u32, f64)> = out.by_candidate[ci].iter().map(|m| (m.role, m.score)).collect();
        assert_eq!(got, all, "candidate {ci}");
    }
}

#[test]
fn scores_are_identical_at_any_thread_count() {
    let tax = common::taxonomy();
    let (profiles, roles) = random_world(3, 300, 40);
    let run = |threads| {
        rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool").install(|| {
            let o = score_all(tax, &profiles, &roles, &params(5));
            (o.by_role, o.by_candidate)
        })
    };
    assert_eq!(run(1), run(2));
}

#[test]
fn scores_lie_in_unit_interval_and_full_evidence_scores_one() {
    let tax = common::taxonomy();
    let role = Role::new(
        "r".into(),
        "t".into(),
        None,
        None,
        vec![
            RoleSkill { requirement: Requirement::Required, skill: 10, origin: SkillOrigin::Explicit },
            RoleSkill { requirement: Requirement::Preferred, skill: 20, origin: SkillOrigin::Explicit },
        ],
    );
    let full = CandidateProfile {
        id: "a".into(),
        location: None,
        skills: vec![
            HeldSkill { skill: 10, weight: 1.0, evidence: vec![0] },
            HeldSkill { skill: 20, weight: 1.0, evidence: vec![1] },
        ],
    };
    assert!((score_pair(tax, &full, &role, &params(3)) - 1.0).abs() < 1e-12);
    let half =
        CandidateProfile { skills: vec![HeldSkill { skill: 10, weight: 0.5, evidence: vec![0] }], ..full.clone() };
    // Required coverage 0.5 weighs 0.8; preferred contributes only if skill 20 shares a group with 10.
    let s = score_pair(tax, &half, &role, &params(3));
    assert!((0.4 - 1e-12..=1.0).contains(&s), "{s}");
    let e = explain(tax, &half, &role, &params(3));
    assert_eq!(e.skills[0].via, CreditVia::Exact);
    assert_eq!(e.score, s);
}

#[test]
fn group_credit_applies_to_a_sibling_skill_in_the_same_esco_group() {
    let tax = common::taxonomy();
    // Find two distinct skills sharing a group.
    let (a, b) = (0..tax.skills.len() as u32)
        .find_map(|a| {
            let ga = &tax.skill(a).groups;
            let b = (a + 1..tax.skills.len() as u32).find(|&b| tax.skill(b).groups.iter().any(|g| ga.contains(g)))?;
            Some((a, b))
        })
        .expect("ESCO has sibling skills");
    let role = Role::new(
        "r".into(),
        "t".into(),
        None,
        None,
        vec![RoleSkill { requirement: Requirement::Required, skill: a, origin: SkillOrigin::Explicit }],
    );
    let cand = CandidateProfile {
        id: "c".into(),
        location: None,
        skills: vec![HeldSkill { skill: b, weight: 1.0, evidence: vec![0] }],
    };
    let e = explain(tax, &cand, &role, &params(1));
    assert_eq!(e.score, 0.5);
    match e.skills[0].via {
        CreditVia::Group { held, group } => {
            assert_eq!(held, b);
            assert!(tax.skill(a).groups.contains(&group) && tax.skill(b).groups.contains(&group));
        }
        other => panic!("expected group credit, got {other:?}"),
    }
}
