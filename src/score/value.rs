//! Credential value: the counterfactual effect of each badge class on the ranking.
//!
//! For every badge class of the [`Catalog`] held (with counted evidence) by at least
//! `[score] credential_value_min_holders` candidates:
//!
//! * **Holders.** Each holder's profile is rebuilt from the [`CountedEvidence`] without any
//!   credential of the class (pathways re-evaluated, so a program the class completed is lost
//!   too) and rescored against every role with the exact engine's candidate side
//!   ([`super::engine::top_roles_of`]). *Roles lost* = roles of the holder's actual top-K
//!   (`matches.parquet`, candidate side) that are not in the counterfactual top-K; *kept* =
//!   the rest. Holders are split by the status of their evidence: *verified* when at least one
//!   of their credentials of the class is `verified`, else *unverified* (counted at a lower
//!   `[evidence]` weight: `unverifiable`, `unknown_issuer`, …).
//! * **Non-holders.** A deterministic sample of candidates with counted skills who do not hold
//!   the class get the class's skills (the [`Catalog`] union) added, as one credential issued on
//!   the as-of date by the class's issuer (issuer tier of its first credential), twice: at the
//!   `verified` status weight and at the `unverifiable` one. *Roles gained* = roles of the
//!   counterfactual top-K not in the actual top-K.
//! * **Intervals.** Percentile bootstrap (95 %) of the mean over holders (roles lost) and over
//!   sampled non-holders (roles gained at the verified weight), seeded per class.
//!
//! Only the top-K lists of the affected candidates are recomputed: role-side shortlists, which
//! depend on every candidate, are not. The numbers are a property of this run's ranking, not a
//! market or wage value (`docs/SCORING.md`).

use std::collections::{BTreeSet, HashMap};

use rand::SeedableRng;
use rand::seq::index::sample;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::engine::{RankedMatch, top_roles_of};
use super::model::{CandidateProfile, EvidenceItem, Role, build_profiles};
use super::next::Catalog;
use super::params::{Neighbours, ScoreParams};
use super::pathways::{Pathway, evaluate};
use super::policy::{CountedEvidence, HeldBadge};
use crate::taxonomy::Taxonomy;
use crate::verify::{Status, TrustStore, VerifiedCredential};

/// One badge class's effect on the ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialValue {
    /// Index into the run's [`Catalog::classes`].
    pub class: u32,
    /// Candidates holding the class with counted evidence.
    pub holders: u64,
    /// Holders with at least one `verified` credential of the class.
    pub verified_holders: u64,
    /// Holders rescored (all, or a sample of `credential_value_max_holders`).
    pub holders_rescored: u64,
    /// Mean roles of their top-K the rescored holders lose without the class.
    pub mean_roles_lost: f64,
    /// 95 % bootstrap interval of `mean_roles_lost`.
    pub lost_ci: (f64, f64),
    /// Share of rescored holders losing at least one role.
    pub share_holders_losing_any: f64,
    /// Mean roles lost by the rescored holders whose evidence is verified (`None`: none).
    pub mean_roles_lost_verified: Option<f64>,
    /// Mean roles lost by the rescored holders whose evidence is not verified (`None`: none).
    pub mean_roles_lost_unverified: Option<f64>,
    /// Non-holders the class was added to.
    pub nonholders_sampled: u64,
    /// Mean new roles entering a sampled non-holder's top-K with the class at the verified weight.
    pub mean_roles_gained_verified: f64,
    /// 95 % bootstrap interval of `mean_roles_gained_verified`.
    pub gained_ci: (f64, f64),
    /// Share of sampled non-holders gaining at least one role (verified weight).
    pub share_nonholders_gaining_any: f64,
    /// Mean new roles with the class at the `unverifiable` weight.
    pub mean_roles_gained_unverified: f64,
}

/// What the credential value reads: the scored run and the evidence its profiles came from.
#[derive(Clone, Copy)]
pub struct ValueInput<'a> {
    /// The taxonomy.
    pub taxonomy: &'a Taxonomy,
    /// Partial-credit neighbours (same parameters).
    pub neighbours: &'a Neighbours,
    /// The weighed roles, sorted by id.
    pub roles: &'a [Role],
    /// Scoring parameters (including the `credential_value_*` keys).
    pub params: &'a ScoreParams,
    /// The counted evidence the profiles were built from.
    pub evidence: &'a CountedEvidence,
    /// The actual profiles (same order as the evidence's candidates).
    pub profiles: &'a [CandidateProfile],
    /// Configured pathways.
    pub pathways: &'a [Pathway],
    /// Verified credentials, in ingest order (statuses, issuers).
    pub verified: &'a [VerifiedCredential],
    /// Badge classes of the run.
    pub catalog: &'a Catalog,
    /// Issuer tiers.
    pub trust: &'a TrustStore,
    /// Each candidate's actual top-K roles (engine, candidate side).
    pub baseline: &'a [Vec<RankedMatch>],
    /// What the fit term divides by: counterfactual profiles are weighed like the run's.
    pub fit: &'a super::policy::CandidateFit,
}

/// One counterfactual profile to rescore.
#[derive(Debug, Clone, Copy)]
enum Change {
    /// Holder `candidate` without the class; `verified` evidence or not.
    Remove { candidate: u32, verified: bool },
    /// Non-holder `candidate` with the class added at `weight`; `verified` weight or not.
    Add { candidate: u32, weight: f64, verified: bool },
}

/// A class's holders and its jobs.
struct ClassPlan {
    class: u32,
    holders: u64,
    verified_holders: u64,
    changes: Vec<Change>,
}

/// Per candidate, its counted evidence items and held badges.
struct PerCandidate<'e> {
    items: Vec<Vec<&'e EvidenceItem>>,
    held: Vec<Vec<&'e HeldBadge>>,
}

impl<'e> PerCandidate<'e> {
    fn new(e: &'e CountedEvidence) -> Self {
        let n = e.candidates.len();
        let mut items = vec![Vec::new(); n];
        let mut held = vec![Vec::new(); n];
        for it in &e.items {
            items[it.candidate as usize].push(it);
        }
        for h in &e.held {
            held[h.1 as usize].push(h);
        }
        PerCandidate { items, held }
    }
}

/// Computes every qualifying class's effect, sorted by roles lost, then roles gained (both
/// descending), then class key. Empty when `[score] credential_value` is off.
pub fn credential_value(input: &ValueInput<'_>) -> Vec<CredentialValue> {
    let p = input.params;
    if !p.credential_value {
        return Vec::new();
    }
    let per = PerCandidate::new(input.evidence);
    let class_of = class_of_credentials(input);
    let plans = plan(input, &per, &class_of);
    let jobs: Vec<(u32, Change)> = plans.iter().flat_map(|pl| pl.changes.iter().map(move |&c| (pl.class, c))).collect();
    // In chunks, so that memory stays bounded whatever the number of classes.
    let moved: Vec<u64> = jobs.chunks(CHUNK).flat_map(|chunk| rescore(input, &per, &class_of, chunk)).collect();
    let mut at = 0;
    let mut out: Vec<CredentialValue> = plans
        .iter()
        .map(|pl| {
            let n = pl.changes.len();
            let row = summarise(input, pl, &moved[at..at + n]);
            at += n;
            row
        })
        .collect();
    let key = |v: &CredentialValue| &input.catalog.classes[v.class as usize].key;
    out.sort_by(|a, b| {
        b.mean_roles_lost
            .total_cmp(&a.mean_roles_lost)
            .then(b.mean_roles_gained_verified.total_cmp(&a.mean_roles_gained_verified))
            .then_with(|| key(a).cmp(key(b)))
    });
    out
}

/// Counterfactual profiles rescored at once (bounds the memory of the batch).
const CHUNK: usize = 32_768;

/// For each `(class, change)`, the roles it moved: roles of the candidate's actual top-K lost
/// (removal) or new roles in it (addition).
fn rescore(
    input: &ValueInput<'_>,
    per: &PerCandidate<'_>,
    class_of: &[Option<u32>],
    jobs: &[(u32, Change)],
) -> Vec<u64> {
    let profiles: Vec<CandidateProfile> =
        jobs.par_iter().map(|&(class, change)| counterfactual(input, per, class_of, class, change)).collect();
    let tops = top_roles_of(input.taxonomy, input.neighbours, &profiles, input.roles, input.params);
    jobs.par_iter()
        .zip(tops.par_iter())
        .map(|(&(_, change), top)| {
            let (candidate, removed) = match change {
                Change::Remove { candidate, .. } => (candidate, true),
                Change::Add { candidate, .. } => (candidate, false),
            };
            let actual: BTreeSet<u32> = input.baseline[candidate as usize].iter().map(|m| m.role).collect();
            let now: BTreeSet<u32> = top.iter().map(|&(r, _)| r).collect();
            let diff = if removed { actual.difference(&now).count() } else { now.difference(&actual).count() };
            diff as u64
        })
        .collect()
}

/// Per verified credential, its catalog class (`None`: no class, or a class without skills).
fn class_of_credentials(input: &ValueInput<'_>) -> Vec<Option<u32>> {
    let index: HashMap<&str, u32> =
        input.catalog.classes.iter().enumerate().map(|(i, c)| (c.key.as_str(), i as u32)).collect();
    let mut out = vec![None; input.verified.len()];
    for (cred, _, key, _) in &input.evidence.held {
        out[*cred as usize] = index.get(key.as_str()).copied();
    }
    out
}

/// The seed of one class's samples and replicates: the configured seed mixed with the class key
/// (FNV-1a), so a class's numbers do not depend on which other classes the run has.
fn class_seed(seed: u64, key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325 ^ seed, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Which holders and non-holders each qualifying class rescores.
fn plan(input: &ValueInput<'_>, per: &PerCandidate<'_>, class_of: &[Option<u32>]) -> Vec<ClassPlan> {
    let p = input.params;
    let n_classes = input.catalog.classes.len();
    // class → candidate → verified?
    let mut holders: Vec<std::collections::BTreeMap<u32, bool>> = vec![Default::default(); n_classes];
    for (cand, held) in per.held.iter().enumerate() {
        for &&(cred, _, _, _) in held {
            if let Some(k) = class_of[cred as usize] {
                let v = holders[k as usize].entry(cand as u32).or_insert(false);
                *v |= input.verified[cred as usize].status == Status::Verified;
            }
        }
    }
    let tiers = class_tiers(input, class_of);
    let with_skills: Vec<u32> =
        input.profiles.iter().enumerate().filter(|(_, c)| !c.skills.is_empty()).map(|(i, _)| i as u32).collect();
    (0..n_classes as u32)
        .into_par_iter()
        .filter(|&k| holders[k as usize].len() >= p.credential_value_min_holders)
        .map(|k| {
            let h = &holders[k as usize];
            let class = &input.catalog.classes[k as usize];
            let mut rng = ChaCha8Rng::seed_from_u64(class_seed(p.credential_value_seed, &class.key));
            let all: Vec<(u32, bool)> = h.iter().map(|(&c, &v)| (c, v)).collect();
            let max = if p.credential_value_max_holders == 0 { usize::MAX } else { p.credential_value_max_holders };
            let mut changes: Vec<Change> = pick(&all, max, &mut rng)
                .into_iter()
                .map(|(candidate, verified)| Change::Remove { candidate, verified })
                .collect();
            let tier = tiers[k as usize];
            for candidate in nonholders(&with_skills, h, p.credential_value_nonholders, &mut rng) {
                for (status, verified) in [(Status::Verified, true), (Status::Unverifiable, false)] {
                    changes.push(Change::Add { candidate, weight: p.status_weight(status) * tier, verified });
                }
            }
            ClassPlan {
                class: k,
                holders: h.len() as u64,
                verified_holders: h.values().filter(|&&v| v).count() as u64,
                changes,
            }
        })
        .collect()
}

/// `n` items of `all` sampled without replacement, in their original order (all of them when
/// `n` is not smaller than `all`).
fn pick<T: Copy>(all: &[T], n: usize, rng: &mut ChaCha8Rng) -> Vec<T> {
    if n >= all.len() {
        return all.to_vec();
    }
    let mut idx = sample(rng, all.len(), n).into_vec();
    idx.sort_unstable();
    idx.into_iter().map(|i| all[i]).collect()
}

/// `n` candidates of `with_skills` that are not `holders`, sampled without replacement, in
/// index order: by rejection while holders are few (no pass over every candidate per class),
/// else from the list of non-holders.
fn nonholders(
    with_skills: &[u32],
    holders: &std::collections::BTreeMap<u32, bool>,
    n: usize,
    rng: &mut ChaCha8Rng,
) -> Vec<u32> {
    use rand::Rng;
    if n == 0 || with_skills.is_empty() {
        return Vec::new();
    }
    if holders.len() * 2 < with_skills.len() && n * 4 < with_skills.len() {
        let mut chosen = BTreeSet::new();
        while chosen.len() < n {
            let c = with_skills[rng.random_range(0..with_skills.len())];
            if !holders.contains_key(&c) {
                chosen.insert(c);
            }
        }
        return chosen.into_iter().collect();
    }
    let pool: Vec<u32> = with_skills.iter().copied().filter(|c| !holders.contains_key(c)).collect();
    pick(&pool, n, rng)
}

/// Per class, the issuer tier of its first credential with counted evidence (1 when the trust
/// store gives none).
fn class_tiers(input: &ValueInput<'_>, class_of: &[Option<u32>]) -> Vec<f64> {
    let mut tiers: Vec<Option<f64>> = vec![None; input.catalog.classes.len()];
    for (i, class) in class_of.iter().enumerate() {
        if let Some(k) = *class
            && tiers[k as usize].is_none()
        {
            let issuer = input.verified[i].credential.issuer_id.as_deref();
            tiers[k as usize] = Some(issuer.and_then(|id| input.trust.issuer_weight(id)).unwrap_or(1.0));
        }
    }
    tiers.into_iter().map(|t| t.unwrap_or(1.0)).collect()
}

/// The counterfactual profile of one change.
fn counterfactual(
    input: &ValueInput<'_>,
    per: &PerCandidate<'_>,
    class_of: &[Option<u32>],
    class: u32,
    change: Change,
) -> CandidateProfile {
    let (candidate, added) = match change {
        Change::Remove { candidate, .. } => (candidate, None),
        Change::Add { candidate, weight, .. } => (candidate, Some(weight)),
    };
    let c = candidate as usize;
    let keep = |cred: u32| class_of[cred as usize] != Some(class);
    let mut items: Vec<EvidenceItem> =
        per.items[c].iter().filter(|e| keep(e.credential)).map(|e| EvidenceItem { candidate: 0, ..**e }).collect();
    let mut held: Vec<HeldBadge> =
        per.held[c].iter().filter(|h| keep(h.0)).map(|h| (h.0, 0, h.2.clone(), h.3)).collect();
    if let Some(weight) = added.filter(|&w| w > 0.0) {
        let bc = &input.catalog.classes[class as usize];
        // A credential that is none of the run's: its index is past every real one.
        let credential = u32::MAX;
        items.extend(bc.skills.iter().map(|&skill| EvidenceItem { candidate: 0, skill, credential, weight }));
        held.push((credential, 0, bc.key.clone(), weight));
    }
    let (_, program) = evaluate(input.pathways, &held);
    items.extend(program);
    let me = std::slice::from_ref(&input.evidence.candidates[c]);
    let mut profile = build_profiles(me, &items).pop().unwrap_or_else(|| input.profiles[c].clone());
    profile.fit_mass = input.fit.mass(&profile);
    profile
}

/// One class's row from the roles each of its changes moved (same order as its changes).
fn summarise(input: &ValueInput<'_>, pl: &ClassPlan, moved: &[u64]) -> CredentialValue {
    let p = input.params;
    let key = &input.catalog.classes[pl.class as usize].key;
    let mut rng = ChaCha8Rng::seed_from_u64(class_seed(p.credential_value_seed, key) ^ 0x9e37_79b9_7f4a_7c15);
    let (mut lost, mut lost_v, mut lost_u, mut gained_v, mut gained_u) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (change, &m) in pl.changes.iter().zip(moved) {
        let m = m as f64;
        match *change {
            Change::Remove { verified, .. } => {
                lost.push(m);
                if verified { lost_v.push(m) } else { lost_u.push(m) }
            }
            Change::Add { verified: true, .. } => gained_v.push(m),
            Change::Add { verified: false, .. } => gained_u.push(m),
        }
    }
    let share =
        |v: &[f64]| if v.is_empty() { 0.0 } else { v.iter().filter(|&&x| x > 0.0).count() as f64 / v.len() as f64 };
    let some_mean = |v: &[f64]| (!v.is_empty()).then(|| mean(v));
    CredentialValue {
        class: pl.class,
        holders: pl.holders,
        verified_holders: pl.verified_holders,
        holders_rescored: lost.len() as u64,
        mean_roles_lost: mean(&lost),
        lost_ci: bootstrap_ci(&lost, p.credential_value_bootstrap, &mut rng),
        share_holders_losing_any: share(&lost),
        mean_roles_lost_verified: some_mean(&lost_v),
        mean_roles_lost_unverified: some_mean(&lost_u),
        nonholders_sampled: gained_v.len() as u64,
        mean_roles_gained_verified: mean(&gained_v),
        gained_ci: bootstrap_ci(&gained_v, p.credential_value_bootstrap, &mut rng),
        share_nonholders_gaining_any: share(&gained_v),
        mean_roles_gained_unverified: mean(&gained_u),
    }
}

/// The arithmetic mean (0 for no values), summed in order.
pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() { 0.0 } else { values.iter().sum::<f64>() / values.len() as f64 }
}

/// The 95 % percentile bootstrap interval of the mean of `values`: `replicates` resamples with
/// replacement, the 2.5th and 97.5th percentiles (nearest rank) of their means. `(mean, mean)`
/// with no replicates, `(0, 0)` with no values. Deterministic for a given `rng` state.
pub fn bootstrap_ci(values: &[f64], replicates: usize, rng: &mut ChaCha8Rng) -> (f64, f64) {
    use rand::Rng;
    if values.is_empty() {
        return (0.0, 0.0);
    }
    if replicates == 0 {
        let m = mean(values);
        return (m, m);
    }
    let n = values.len();
    let mut means: Vec<f64> =
        (0..replicates).map(|_| (0..n).map(|_| values[rng.random_range(0..n)]).sum::<f64>() / n as f64).collect();
    means.sort_by(f64::total_cmp);
    let rank = |q: f64| ((q * replicates as f64).ceil() as usize).clamp(1, replicates) - 1;
    (means[rank(0.025)], means[rank(0.975)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bootstrap_interval_contains_the_mean_and_repeats_with_the_seed() {
        let values: Vec<f64> = (0..40).map(|i| (i % 7) as f64).collect();
        let m = mean(&values);
        let ci = bootstrap_ci(&values, 200, &mut ChaCha8Rng::seed_from_u64(3));
        assert!(ci.0 <= m && m <= ci.1 && ci.0 < ci.1, "{ci:?} around {m}");
        assert_eq!(ci, bootstrap_ci(&values, 200, &mut ChaCha8Rng::seed_from_u64(3)));
        // Inside the values' range, narrower than it.
        assert!(ci.0 > 0.0 && ci.1 < 6.0, "{ci:?}");
    }

    #[test]
    fn the_bootstrap_of_constant_values_is_the_constant_and_of_nothing_is_zero() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert_eq!(bootstrap_ci(&[2.0; 9], 50, &mut rng), (2.0, 2.0));
        assert_eq!(bootstrap_ci(&[], 50, &mut rng), (0.0, 0.0));
        assert_eq!(bootstrap_ci(&[1.0, 3.0], 0, &mut rng), (2.0, 2.0));
    }

    #[test]
    fn a_wider_spread_gives_a_wider_interval() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let narrow: Vec<f64> = (0..50).map(|i| 5.0 + (i % 2) as f64).collect();
        let wide: Vec<f64> = (0..50).map(|i| (i % 2) as f64 * 10.0).collect();
        let (a, b) = bootstrap_ci(&narrow, 300, &mut rng);
        let (c, d) = bootstrap_ci(&wide, 300, &mut rng);
        assert!(d - c > b - a, "{a} {b} / {c} {d}");
    }

    #[test]
    fn sampled_nonholders_are_distinct_never_holders_in_order_and_repeat_with_the_seed() {
        let with_skills: Vec<u32> = (0..200).collect();
        // Few holders: rejection sampling; many: the list of non-holders. Both paths.
        for holders in [(0..10).map(|c| (c * 7, true)).collect(), (0..150).map(|c| (c, false)).collect()] {
            let holders: std::collections::BTreeMap<u32, bool> = holders;
            let draw = |seed| nonholders(&with_skills, &holders, 20, &mut ChaCha8Rng::seed_from_u64(seed));
            let got = draw(9);
            assert_eq!(got.len(), 20);
            assert!(got.windows(2).all(|w| w[0] < w[1]), "{got:?}");
            assert!(got.iter().all(|c| !holders.contains_key(c)), "{got:?}");
            assert_eq!(got, draw(9));
            assert_ne!(got, draw(10));
        }
        // Asking for more than there are gives every non-holder.
        let few: std::collections::BTreeMap<u32, bool> = (0..195).map(|c| (c, true)).collect();
        assert_eq!(
            nonholders(&with_skills, &few, 20, &mut ChaCha8Rng::seed_from_u64(1)),
            vec![195, 196, 197, 198, 199]
        );
    }

    #[test]
    fn class_seeds_differ_by_key_and_by_seed() {
        assert_ne!(class_seed(1, "a"), class_seed(1, "b"));
        assert_ne!(class_seed(1, "a"), class_seed(2, "a"));
    }
}
