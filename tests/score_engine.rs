//! The indexed scoring engine against the definition, on random profiles over real ESCO skills.

mod common;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use skillmatch::ingest::Requirement;
use skillmatch::score::{
    CandidateProfile, CreditVia, EngineStats, HeldSkill, Neighbours, Role, RoleSkill, ScoreConfig, ScoreModel,
    ScoreParams, SkillOrigin, explain, naive, score_all, score_pair,
};

fn random_world(seed: u64, n_c: usize, n_r: usize) -> (Vec<CandidateProfile>, Vec<Role>) {
    let tax = common::taxonomy();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Draw from a small skill pool so that exact, group, hierarchy and relation matches are
    // frequent: random skills plus their taxonomy neighbours.
    let mut pool: Vec<u32> = Vec::new();
    while pool.len() < 300 {
        let s = rng.random_range(0..tax.skills().len() as u32);
        let sk = tax.skill(s);
        pool.push(s);
        pool.extend(sk.narrower.iter().chain(&sk.broader).chain(&sk.related).take(3));
    }
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
            // Fit masses vary per candidate (the policy derives them from the skills); every
            // seventh candidate is left unweighed (mass 0: scored on the requirement term alone)
            // so that blocks mixing both are bounded too.
            let fit_mass = if i % 7 == 0 { 0.0 } else { rng.random_range(0.5..30.0) };
            CandidateProfile { id: format!("c{i:05}"), location, skills, fit_mass }
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
            // The evidence model's prior differs per role here (the policy sets one per run) so that
            // the bounds are checked with unequal denominators.
            if i % 3 != 0 {
                role.prior = rng.random_range(0.0..4.0);
            }
            // Fit weights: a rarity per skill (as the policy sets them), scaled per role for some
            // roles so that a role block's fit bound is checked with unequal weights; none for
            // every fifth role.
            let scale = if i % 4 == 1 { rng.random_range(0.2..1.0) } else { 1.0 };
            role.fit = role
                .skills
                .iter()
                .map(|rs| if i % 5 == 0 { 0.0 } else { scale * (1.0 + (rs.skill % 5) as f64) })
                .collect();
            role
        })
        .collect();
    (profiles, roles)
}

fn params(top_k: usize) -> ScoreParams {
    ScoreParams::default().with(ScoreConfig {
        model: ScoreModel::Evidence,
        required_weight: 0.8,
        preferred_weight: 0.2,
        group_credit: 0.5,
        narrower_credit: 0.8,
        broader_credit: 0.5,
        related_credit: 0.3,
        min_score: 0.0,
        top_k,
        same_location: false,
        ..ScoreConfig::default()
    })
}

#[test]
fn pruned_engine_agrees_exactly_with_the_naive_scorer_on_both_sides() {
    agree_with_naive(&params(7));
}

#[test]
fn pruned_engine_agrees_exactly_with_the_naive_scorer_under_the_legacy_coverage_model() {
    agree_with_naive(&params(7).with(ScoreConfig { model: ScoreModel::Coverage, ..*params(7) }));
}

#[test]
fn the_same_location_filter_applies_identically_on_both_sides() {
    agree_with_naive(&params(7).with(ScoreConfig { same_location: true, ..*params(7) }));
}

#[test]
fn pruning_stays_exact_with_a_minimum_score_and_a_top_1() {
    agree_with_naive(&params(1).with(ScoreConfig { min_score: 0.35, ..*params(1) }));
}

#[test]
fn pruning_stays_exact_with_partial_credit_off_or_group_only() {
    let none = params(5).with(ScoreConfig {
        group_credit: 0.0,
        narrower_credit: 0.0,
        broader_credit: 0.0,
        related_credit: 0.0,
        ..*params(5)
    });
    agree_with_naive(&none);
    agree_with_naive(&params(5).with(ScoreConfig {
        narrower_credit: 0.0,
        broader_credit: 0.0,
        related_credit: 0.0,
        ..*params(5)
    }));
    agree_with_naive(&params(5).with(ScoreConfig { group_credit: 0.0, related_credit: 0.9, ..*params(5) }));
}

#[test]
fn pruning_stays_exact_when_some_slots_weigh_nothing() {
    // preferred_weight = 0 gives preferred skills a zero factor: they must not be scored twice.
    agree_with_naive(&params(4).with(ScoreConfig { preferred_weight: 0.0, ..*params(4) }));
}

#[test]
fn pruning_scores_fewer_pairs_than_all_pairs() {
    let tax = common::taxonomy();
    let (profiles, roles) = random_world(11, 600, 80);
    let out = score_all(tax, &profiles, &roles, &params(3));
    let all = 2 * profiles.len() as u64 * roles.len() as u64;
    assert!(out.pairs_scored < all / 2, "scored {} of {all} pair evaluations", out.pairs_scored);
    assert!(out.stats.postings_visited > 0);
    // Both sides open only some of the other side's blocks.
    let s = out.stats;
    assert!(s.candidate_blocks > 1 && s.role_blocks > 1, "{s:?}");
    assert!(s.candidate_blocks_opened < s.distinct_roles * s.candidate_blocks, "{s:?}");
    assert!(s.role_blocks_opened < profiles.len() as u64 * s.role_blocks, "{s:?}");
}

#[test]
fn pruning_stays_exact_when_many_candidates_share_a_role_skill() {
    // Thousands of candidates share each role's skills: many blocks per band of bound.
    agree_with_naive_in(random_world(5, 2500, 25), &params(5));
}

#[test]
fn repeated_roles_are_scored_once_and_ranked_as_every_copy() {
    // Copies of a few roles interleaved with the others (ids stay sorted): the engine scores one
    // per class; each copy must get the same candidate list, and a candidate's list must hold
    // the copies in id order among equally scored roles, cut at K. Some copies differ only in
    // location ("Milan" / "MILAN" / "Vienna"), which matters only with the location filter on.
    let (profiles, base) = random_world(13, 300, 12);
    let places = [Some("Milan"), Some("MILAN"), Some("Vienna"), None];
    let mut roles = Vec::new();
    for (i, r) in base.iter().enumerate() {
        for copy in 0..(1 + i % 4) {
            let mut role = r.clone();
            role.id = format!("r{i:02}-{copy}");
            role.location = places[(i + copy) % places.len()].map(str::to_string);
            roles.push(role);
        }
    }
    for same_location in [false, true] {
        for k in [1, 3, 9] {
            agree_with_naive_in(
                (profiles.clone(), roles.clone()),
                &params(k).with(ScoreConfig { same_location, ..*params(k) }),
            );
        }
    }
    // Two classes tied for one candidate, one copy of the first after the second in id order:
    // the candidate's top-2 are the first role and the second, not the two copies.
    let tax = common::taxonomy();
    let (x, y) = (10, 20);
    let mut tied = vec![role_asking(x), role_asking(y), role_asking(x)];
    for (i, r) in tied.iter_mut().enumerate() {
        r.id = format!("t{i}");
    }
    let mut both = holding(x, 1.0);
    both.skills.push(HeldSkill { skill: y, weight: 1.0, evidence: vec![1] });
    let out = score_all(tax, &[both], &tied, &params(2));
    let got: Vec<(u32, f64)> = out.by_candidate[0].iter().map(|m| (m.role, m.score)).collect();
    assert_eq!(got, vec![(0, 1.0), (1, 1.0)]);

    let out = score_all(tax, &profiles, &roles, &params(5));
    let all_pairs = profiles.len() as u64 * roles.len() as u64;
    assert!(out.stats.role_pairs_scored < all_pairs);
    assert_eq!(
        out.by_role[1].iter().map(|m| m.candidate).collect::<Vec<_>>(),
        out.by_role[2].iter().map(|m| m.candidate).collect::<Vec<_>>(),
        "copies of role 1 rank alike"
    );
}

fn agree_with_naive(pr: &ScoreParams) {
    agree_with_naive_in(random_world(7, 400, 60), pr);
}

fn agree_with_naive_in((profiles, roles): (Vec<CandidateProfile>, Vec<Role>), pr: &ScoreParams) {
    let tax = common::taxonomy();
    let out = score_all(tax, &profiles, &roles, pr);
    let (by_role, by_candidate) = naive::score_all_naive(tax, &profiles, &roles, pr);
    for (ri, want) in by_role.iter().enumerate() {
        let got: Vec<(u32, f64)> = out.by_role[ri].iter().map(|m| (m.candidate, m.score)).collect();
        assert_eq!(&got, want, "role {ri}");
        assert!(out.by_role[ri].iter().enumerate().all(|(i, m)| m.rank as usize == i + 1 && m.role as usize == ri));
    }
    for (ci, want) in by_candidate.iter().enumerate() {
        let got: Vec<(u32, f64)> = out.by_candidate[ci].iter().map(|m| (m.role, m.score)).collect();
        assert_eq!(&got, want, "candidate {ci}");
    }
}

#[test]
fn scores_are_identical_at_any_thread_count() {
    let tax = common::taxonomy();
    let (profiles, roles) = random_world(3, 300, 40);
    let run = |threads| {
        rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool").install(|| {
            let o = score_all(tax, &profiles, &roles, &params(5));
            // The work counters go to the manifest, which must not depend on the thread count
            // either (only the timings may).
            let stats = EngineStats { role_side_ms: 0, candidate_side_ms: 0, ..o.stats };
            (o.by_role, o.by_candidate, stats)
        })
    };
    assert_eq!(run(1), run(2));
    assert_eq!(run(1), run(3));
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
        fit_mass: 0.0,
    };
    assert!((score_pair(tax, &nb(), &full, &role, &params(3)) - 1.0).abs() < 1e-12);
    let half =
        CandidateProfile { skills: vec![HeldSkill { skill: 10, weight: 0.5, evidence: vec![0] }], ..full.clone() };
    // Required coverage 0.5 weighs 0.8; preferred contributes only through partial credit.
    let s = score_pair(tax, &nb(), &half, &role, &params(3));
    assert!((0.4 - 1e-12..=1.0).contains(&s), "{s}");
    let e = explain(tax, &nb(), &half, &role, &params(3));
    assert_eq!(e.skills[0].via, CreditVia::Exact);
    assert_eq!(e.score, s);
    // Weighed for fit: a candidate whose whole evidence the role uses, and who proves the whole
    // role, still scores 1; one who proves only part of the role, and holds more, scores less on
    // both terms.
    let mut fitted_role = role.clone();
    fitted_role.fit = vec![2.0, 1.0];
    let fitted = CandidateProfile { fit_mass: 3.0, ..full.clone() };
    assert!((score_pair(tax, &nb(), &fitted, &fitted_role, &params(3)) - 1.0).abs() < 1e-12);
    let wider = CandidateProfile { fit_mass: 6.0, ..half.clone() };
    let e = explain(tax, &nb(), &wider, &fitted_role, &params(3));
    assert!(e.fit < 1.0 && e.requirement < 1.0 && e.score < 1.0, "{e:?}");
    let lambda = params(3).fit_weight;
    assert!((e.score - ((1.0 - lambda) * e.requirement + lambda * e.fit)).abs() < 1e-12, "{e:?}");
}

#[test]
fn group_credit_applies_to_a_sibling_skill_in_the_same_esco_group() {
    let tax = common::taxonomy();
    // Find two distinct skills sharing a group.
    let (a, b) = (0..tax.skills().len() as u32)
        .find_map(|a| {
            let ga = &tax.skill(a).groups;
            let b = (a + 1..tax.skills().len() as u32).find(|&b| tax.skill(b).groups.iter().any(|g| ga.contains(g)))?;
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
        fit_mass: 0.0,
    };
    let e = explain(tax, &nb(), &cand, &role, &params(1));
    assert_eq!(e.score, 0.5);
    match e.skills[0].via {
        CreditVia::Group { held, group } => {
            assert_eq!(held, b);
            assert!(tax.skill(a).groups.contains(&group) && tax.skill(b).groups.contains(&group));
        }
        other => panic!("expected group credit, got {other:?}"),
    }
}

fn nb() -> Neighbours {
    Neighbours::new(common::taxonomy(), &params(1))
}

fn role_asking(skill: u32) -> Role {
    Role::new(
        "r".into(),
        "t".into(),
        None,
        None,
        vec![RoleSkill { requirement: Requirement::Required, skill, origin: SkillOrigin::Explicit }],
    )
}

fn holding(skill: u32, weight: f64) -> CandidateProfile {
    CandidateProfile {
        id: "c".into(),
        location: None,
        skills: vec![HeldSkill { skill, weight, evidence: vec![0] }],
        fit_mass: 0.0,
    }
}

/// A skill pair `(asked, held)` where `held` is reached from `asked` by `link` and by no
/// better route (not a sibling in a group, not linked another way).
fn pair_by(link: impl Fn(&skillmatch::taxonomy::Skill) -> &Vec<u32>) -> (u32, u32) {
    let tax = common::taxonomy();
    (0..tax.skills().len() as u32)
        .find_map(|a| {
            let sa = tax.skill(a);
            link(sa)
                .iter()
                .copied()
                .find(|&b| {
                    let sb = tax.skill(b);
                    let others = [&sa.narrower, &sa.broader, &sa.related].iter().filter(|l| l.contains(&b)).count();
                    others == 1 && !sb.groups.iter().any(|g| sa.groups.contains(g))
                })
                .map(|b| (a, b))
        })
        .expect("ESCO v1.2.0 has such a pair")
}

#[test]
fn holding_a_narrower_skill_earns_narrower_credit_with_its_label() {
    let tax = common::taxonomy();
    let (asked, held) = pair_by(|s| &s.narrower);
    assert!(tax.skill(held).broader.contains(&asked), "the hierarchy is symmetric");
    let cand = holding(held, 1.0);
    let e = explain(tax, &nb(), &cand, &role_asking(asked), &params(1));
    assert_eq!(e.skills[0].via, CreditVia::Narrower { held });
    assert_eq!(e.skills[0].credit, 0.8);
    assert_eq!(e.score, 0.8);
    assert_eq!(e.skills[0].evidence(&cand), &[0]);
}

#[test]
fn holding_a_broader_skill_earns_broader_credit_scaled_by_evidence_weight() {
    let tax = common::taxonomy();
    let (asked, held) = pair_by(|s| &s.broader);
    let e = explain(tax, &nb(), &holding(held, 0.5), &role_asking(asked), &params(1));
    assert_eq!(e.skills[0].via, CreditVia::Broader { held });
    assert_eq!(e.skills[0].credit, 0.25);
}

#[test]
fn holding_a_related_skill_earns_related_credit_in_both_directions() {
    let tax = common::taxonomy();
    let (asked, held) = pair_by(|s| &s.related);
    for (a, h) in [(asked, held), (held, asked)] {
        let e = explain(tax, &nb(), &holding(h, 1.0), &role_asking(a), &params(1));
        assert_eq!(e.skills[0].via, CreditVia::Related { held: h });
        assert_eq!(e.score, 0.3);
    }
    // Turning the route off removes the credit.
    let off = params(1).with(ScoreConfig { related_credit: 0.0, ..*params(1) });
    let e = explain(tax, &Neighbours::new(tax, &off), &holding(held, 1.0), &role_asking(asked), &off);
    assert_eq!(e.score, 0.0);
}

#[test]
fn the_candidate_side_alone_agrees_exactly_with_the_naive_top_roles() {
    let tax = common::taxonomy();
    let (profiles, mut roles) = random_world(16, 300, 120);
    // Identical roles exercise the class expansion.
    roles.push(Role { id: "r9999".into(), ..roles[3].clone() });
    let p = params(5).with(ScoreConfig { same_location: true, ..*params(5) });
    let neighbours = Neighbours::new(tax, &p);
    let got = skillmatch::score::top_roles_of(tax, &neighbours, &profiles, &roles, &p);
    for (c, prof) in profiles.iter().enumerate() {
        assert_eq!(got[c], naive::top_roles(tax, &neighbours, prof, &roles, &p), "candidate {c}");
    }
}
