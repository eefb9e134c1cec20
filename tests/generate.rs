//! `skillmatch gen`: the population model (Zipf popularity, format and fault shares, pathways),
//! planned statuses against real verification, layouts, and byte-identical output at any thread count.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use common::*;
use skillmatch::generate::{
    Fault, Format, GenOptions, Layout, Population, RoleModel, generate, generated_policy, planned_status,
};
use skillmatch::verify::{Status, VerifyPolicy};

fn opts(dir: &Path, candidates: usize, roles: usize, seed: u64) -> GenOptions {
    GenOptions { candidates, roles, seed, out: dir.to_path_buf(), as_of: as_of(), ..GenOptions::default() }
}

/// Every file below `dir`, by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).expect("folder lists") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).expect("below root").to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).expect("file reads"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn generate_with_threads(o: &GenOptions, threads: usize) {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
    pool.install(|| generate(taxonomy(), o)).expect("generation succeeds");
}

#[test]
fn candidates_are_a_pure_function_of_seed_and_index() {
    let o = opts(Path::new("unused"), 500, 40, 3);
    let a = Population::new(taxonomy(), &o).expect("population");
    let b = Population::new(taxonomy(), &o).expect("population");
    assert_eq!(a.roles(), b.roles());
    let forward: Vec<_> = (0..500).map(|i| a.candidate(i)).collect();
    let backward: Vec<_> = (0..500).rev().map(|i| b.candidate(i)).collect();
    assert!(forward.iter().eq(backward.iter().rev()), "the order of calls does not matter");
    for c in &forward[..50] {
        assert!(!c.badges.is_empty() && !c.skills.is_empty());
        assert_eq!(a.roles()[c.role].occupation, c.occupation);
        for s in &c.skills {
            assert!(c.badges[s.badge].skills.contains(&s.skill));
            assert_eq!(s.status, c.badges[s.badge].status);
        }
    }
    let other = Population::new(taxonomy(), &GenOptions { seed: 4, ..o }).expect("population");
    assert_ne!(other.candidate(0), forward[0], "another seed gives another candidate");
}

#[test]
fn realistic_roles_list_one_to_forty_skills_of_their_occupation_skewed_towards_a_handful() {
    let o = opts(Path::new("unused"), 10, 4000, 8);
    assert_eq!(o.role_model, RoleModel::Realistic);
    let p = Population::new(taxonomy(), &o).expect("population");
    let mut sizes: Vec<usize> = Vec::new();
    let mut by_group: HashMap<&str, std::collections::HashSet<usize>> = HashMap::new();
    for r in p.roles() {
        let occ = &taxonomy().occupations()[r.occupation];
        let n = r.required.len() + r.preferred.len();
        assert!((1..=40).contains(&n), "{}: {n} skills", r.id);
        assert!(!r.required.is_empty(), "{} requires nothing", r.id);
        for s in r.required.iter().chain(&r.preferred) {
            assert!(occ.essential.contains(s) || occ.optional.contains(s), "{}: skill {s} not of its occupation", r.id);
        }
        sizes.push(n);
        by_group.entry(occ.isco_group.as_str()).or_default().insert(r.occupation);
    }
    sizes.sort_unstable();
    let median = sizes[sizes.len() / 2];
    assert!((4..=8).contains(&median), "median {median}");
    let small = sizes.iter().filter(|&&n| n <= 2).count() as f64 / sizes.len() as f64;
    let large = sizes.iter().filter(|&&n| n >= 20).count() as f64 / sizes.len() as f64;
    assert!(small > 0.05 && large > 0.01 && large < small, "1–2 skills: {small}, 20+: {large}");
    // Sibling occupations (one ISCO-08 unit group) compete for the same candidates.
    let crowded = by_group.values().filter(|o| o.len() >= 3).count();
    assert!(crowded >= 20, "{crowded} unit groups with roles of 3+ occupations");
}

#[test]
fn realistic_postings_are_a_quarter_title_and_prose_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = GenOptions { noise: false, ..opts(dir.path(), 20, 800, 3) };
    generate(taxonomy(), &o).expect("gen");
    let text = std::fs::read_to_string(dir.path().join("postings.jsonl")).expect("postings");
    let (mut text_only, mut n) = (0, 0);
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("json");
        n += 1;
        if v.get("skills").is_none() {
            text_only += 1;
            let d = v["description"].as_str().expect("description");
            assert!(!d.contains("<li>"), "a text-only posting lists no skills: {d}");
        }
    }
    let share = text_only as f64 / n as f64;
    assert!((0.2..0.3).contains(&share), "text-only share {share}");
}

#[test]
fn zipf_popularity_gives_popular_occupations_many_roles_in_a_seeded_rank_order() {
    let o = GenOptions { zipf: 1.0, role_model: RoleModel::Full, ..opts(Path::new("unused"), 10, 3000, 8) };
    let p = Population::new(taxonomy(), &o).expect("population");
    let mut per_occ: HashMap<usize, usize> = HashMap::new();
    for r in p.roles() {
        *per_occ.entry(r.occupation).or_default() += 1;
        assert!(taxonomy().occupations()[r.occupation].essential.len() >= 5);
        assert_eq!(r.required, taxonomy().occupations()[r.occupation].essential);
        assert!(r.preferred.len() <= 8);
    }
    let ranked = p.popularity();
    let harmonic: f64 = (1..=ranked.len()).map(|r| 1.0 / r as f64).sum();
    let expected_top = 3000.0 / harmonic;
    let top = per_occ.get(&ranked[0]).copied().unwrap_or(0) as f64;
    assert!(
        (top - expected_top).abs() < 0.25 * expected_top,
        "top occupation: {top} roles, expected ≈ {expected_top:.0}"
    );
    assert!(ranked.windows(2).any(|w| w[0] > w[1]), "the rank order is shuffled, not taxonomy order");
    let reseeded = Population::new(taxonomy(), &GenOptions { seed: 9, ..o.clone() }).expect("population");
    assert_ne!(reseeded.popularity()[0], ranked[0]);

    let flat = Population::new(taxonomy(), &GenOptions { zipf: 0.0, ..o }).expect("population");
    let mut flat_count: HashMap<usize, usize> = HashMap::new();
    for r in flat.roles() {
        *flat_count.entry(r.occupation).or_default() += 1;
    }
    let max_flat = flat_count.values().max().copied().unwrap_or(0);
    assert!(max_flat <= 8, "without skew no occupation dominates: {max_flat}");
}

#[test]
fn fault_and_format_shares_follow_the_options() {
    let o = GenOptions {
        expired: 0.10,
        revoked: 0.05,
        misaddressed: 0.02,
        pending: 0.02,
        ..opts(Path::new("u"), 4000, 100, 12)
    };
    let p = Population::new(taxonomy(), &o).expect("population");
    let badges: Vec<_> = (0..4000).flat_map(|i| p.candidate(i).badges).collect();
    let n = badges.len() as f64;
    let share = |f: Fault| badges.iter().filter(|b| b.fault == f).count() as f64 / n;
    for (fault, want) in
        [(Fault::Expired, 0.10), (Fault::Revoked, 0.05), (Fault::Misaddressed, 0.02), (Fault::Pending, 0.02)]
    {
        let got = share(fault);
        assert!((got - want).abs() < 0.2 * want + 0.003, "{fault:?}: {got:.4} vs {want}");
    }
    assert!(badges.iter().all(|b| b.fault != Fault::Revoked || b.format != Format::Ob3), "OB 3.0 is never revoked");
    assert!(badges.iter().all(|b| b.fault != Fault::Pending || b.format == Format::Credly), "only Credly is pending");
    let sound: Vec<_> = badges.iter().filter(|b| b.fault == Fault::None && b.pathway.is_none()).collect();
    let fmt = |f: Format| sound.iter().filter(|b| b.format == f).count() as f64 / sound.len() as f64;
    for (f, want) in [(Format::Ob2Hosted, 0.5), (Format::Credly, 0.3), (Format::Ob3, 0.2)] {
        assert!((fmt(f) - want).abs() < 0.03, "{f:?}: {:.3} vs {want}", fmt(f));
    }
    let quiet = Population::new(taxonomy(), &GenOptions { noise: false, ..o }).expect("population");
    assert!((0..500).flat_map(|i| quiet.candidate(i).badges).all(|b| b.fault == Fault::None));
}

#[test]
fn invalid_options_are_refused_with_the_option_named() {
    let base = opts(Path::new("u"), 10, 5, 1);
    let cases = [
        (GenOptions { zipf: -1.0, ..base.clone() }, "--zipf"),
        (GenOptions { expired: 1.5, ..base.clone() }, "--expired"),
        (GenOptions { expired: 0.6, revoked: 0.6, ..base.clone() }, "sum above 1"),
        (GenOptions { candidates: 0, ..base.clone() }, "--candidates"),
    ];
    for (o, needle) in cases {
        let err = Population::new(taxonomy(), &o).expect_err("refused").to_string();
        assert!(err.contains(needle), "{err}");
    }
    let no_credly =
        GenOptions { formats: skillmatch::generate::FormatShares { ob2_hosted: 1.0, credly: 0.0, ob3: 1.0 }, ..base };
    assert!(Population::new(taxonomy(), &no_credly).expect_err("pending needs Credly").to_string().contains("Credly"));
}

#[test]
fn pathways_belong_to_the_most_popular_occupations_and_enrolled_candidates_hold_their_classes() {
    let o = opts(Path::new("u"), 3000, 300, 6);
    let p = Population::new(taxonomy(), &o).expect("population");
    assert_eq!(p.pathways().len(), 10);
    for (i, pw) in p.pathways().iter().enumerate() {
        assert_eq!(pw.occupation, p.popularity()[i]);
        assert_eq!(pw.components.len(), 3);
        assert!(!pw.skills.is_empty());
        let essential = &taxonomy().occupations()[pw.occupation].essential;
        assert!(pw.components.iter().all(|c| essential.contains(&c.skill)));
    }
    let cands: Vec<_> = (0..3000).map(|i| p.candidate(i)).collect();
    let enrolled: Vec<_> = cands.iter().filter(|c| c.badges.iter().any(|b| b.pathway.is_some())).collect();
    assert!(!enrolled.is_empty());
    for c in &enrolled {
        for b in c.badges.iter().filter(|b| b.pathway.is_some()) {
            let pw = &p.pathways()[b.pathway.expect("pathway")];
            assert_eq!(pw.occupation, c.occupation, "only candidates of the occupation enrol");
            assert!(pw.components.iter().any(|k| k.class_key == b.class_key && k.format == b.format));
        }
    }
    let complete = cands.iter().filter(|c| !c.completed_pathways(&p, |s| s != Status::Expired).is_empty()).count();
    assert!(complete > 0, "some candidates complete a pathway");
}

/// Generates `layout` data, ingests and verifies it with `policy`, and compares every
/// credential's status with the plan's.
fn statuses_match(layout: Layout, policy: &VerifyPolicy) {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = GenOptions {
        layout,
        expired: 0.1,
        revoked: 0.08,
        misaddressed: 0.05,
        pending: 0.05,
        ..opts(dir.path(), 150, 20, 19)
    };
    generate(taxonomy(), &o).expect("generation succeeds");
    let p = Population::new(taxonomy(), &o).expect("population");
    let mut planned: HashMap<String, (String, Status)> = HashMap::new();
    for i in 0..150 {
        let c = p.candidate(i);
        for b in &c.badges {
            planned.insert(b.credential_id.clone(), (c.id.clone(), b.status_under(policy)));
        }
    }
    let spec = skillmatch::ingest::IngestSpec {
        roster: Some(dir.path().join("roster.csv")),
        badges: vec![dir.path().join("badges")],
        claims: (layout == Layout::Bundles).then(|| dir.path().join("claims.csv")),
        ..Default::default()
    };
    let ingested = skillmatch::ingest::ingest(&spec).expect("ingest");
    assert!(ingested.rejects.is_empty(), "{:?}", &ingested.rejects[..ingested.rejects.len().min(3)]);
    let trust = skillmatch::verify::TrustStore::default();
    let verified = skillmatch::verify::verify_all(ingested.credentials, &ingested.roster, as_of(), policy, &trust);
    assert_eq!(verified.len(), planned.len(), "one credential per planned badge");
    let mut seen: HashMap<Status, usize> = HashMap::new();
    for v in &verified {
        let (cand, status) = planned.get(&v.credential.credential_id).expect("credential was planned");
        assert_eq!(v.status, *status, "{} of {cand}: {:?}", v.credential.credential_id, v.checks);
        if v.status != Status::RecipientMismatch {
            assert_eq!(v.credential.candidate_id.as_deref(), Some(cand.as_str()));
        }
        *seen.entry(v.status).or_default() += 1;
    }
    for s in [Status::Expired, Status::Revoked, Status::RecipientMismatch, Status::Unverifiable] {
        assert!(seen.contains_key(&s), "{s:?} occurs: {seen:?}");
    }
}

#[test]
fn planned_statuses_are_what_verification_reports_in_the_folders_layout() {
    statuses_match(Layout::Folders, &generated_policy());
    statuses_match(Layout::Folders, &VerifyPolicy::default());
}

#[test]
fn planned_statuses_are_what_verification_reports_in_the_bundles_layout() {
    statuses_match(Layout::Bundles, &generated_policy());
}

#[test]
fn planned_status_of_a_sound_badge_depends_on_the_policy() {
    let open = generated_policy();
    let closed = VerifyPolicy::default();
    assert_eq!(planned_status(Format::Ob2Hosted, Fault::None, &open), Status::Verified);
    assert_eq!(planned_status(Format::Ob2Hosted, Fault::None, &closed), Status::Unverifiable);
    assert_eq!(planned_status(Format::Ob3, Fault::None, &open), Status::Unverifiable);
    assert_eq!(planned_status(Format::Credly, Fault::Revoked, &open), Status::Revoked);
}

#[test]
fn output_is_byte_identical_with_one_and_two_threads_in_both_layouts() {
    for (layout, candidates) in [(Layout::Folders, 300), (Layout::Bundles, 4500)] {
        let a = tempfile::tempdir().expect("tempdir");
        let b = tempfile::tempdir().expect("tempdir");
        let o = GenOptions { layout, ..opts(a.path(), candidates, 60, 77) };
        generate_with_threads(&o, 1);
        generate_with_threads(&GenOptions { out: b.path().to_path_buf(), ..o }, 2);
        let (ta, tb) = (tree(a.path()), tree(b.path()));
        assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>(), "{layout:?}: same files");
        for (name, bytes) in &ta {
            assert!(bytes == &tb[name], "{layout:?}: {name} differs between 1 and 2 threads");
        }
        if layout == Layout::Bundles {
            assert!(ta.contains_key("badges/credly-00002.json"), "two chunks of Credly entries");
            assert!(ta.contains_key("claims.csv"));
        }
    }
}

#[test]
fn run_toml_loads_as_a_config_with_the_generated_pathways() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = GenOptions { taxonomy_dir: Some(esco_dir()), layout: Layout::Bundles, ..opts(dir.path(), 50, 10, 2) };
    let summary = generate(taxonomy(), &o).expect("generation succeeds");
    let config = skillmatch::config::Config::load(&dir.path().join("run.toml")).expect("run.toml is a valid config");
    assert_eq!(config.pathways.len(), summary.pathways);
    assert_eq!(config.inputs.claims, Some(dir.path().join("claims.csv")));
    assert!(config.taxonomy.esco_dir.join("skills_en.csv").exists(), "{}", config.taxonomy.esco_dir.display());
    assert!(config.verify.accept_hosted_offline);
    let p = Population::new(taxonomy(), &o).expect("population");
    for (c, pw) in config.pathways.iter().zip(p.pathways()) {
        assert_eq!(c.name, pw.name);
        assert_eq!(c.badges, pw.components.iter().map(|k| k.class_key.clone()).collect::<Vec<_>>());
    }
}
