//! Extraction and normalization throughput on generated text.
//!
//! `cargo bench --bench extract` (criterion), or for the one-shot numbers recorded in
//! docs/PERFORMANCE.md: `cargo bench --bench extract -- --quick`, and
//! `SKILLMATCH_BENCH_POSTINGS=100000 cargo bench --bench extract -- --list` prints the
//! wall-clock time of extracting that many ~3,000-character postings on all cores;
//! `SKILLMATCH_BENCH_NAMES=500000 cargo bench --bench extract -- --list` times that many distinct
//! skill strings mapped by meaning, first run and cached (needs the model).

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use rayon::prelude::*;
use skillmatch::extract::Extractor;
use skillmatch::taxonomy::onet::{Crosswalk, Onet};
use skillmatch::taxonomy::titles::TitleIndex;
use skillmatch::taxonomy::{Taxonomy, TaxonomyBuilder};

/// A deterministic ~3,000-character posting mixing skill labels and filler.
fn posting(t: &Taxonomy, seed: usize) -> String {
    let filler = "We are a growing team in a friendly office and we value ownership, curiosity and care. ";
    let mut s = String::with_capacity(3200);
    let mut i = seed.wrapping_mul(2_654_435_761);
    while s.len() < 3000 {
        i = i.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let skill = t.skill((i >> 33) as u32 % t.skills().len() as u32);
        s.push_str("You will ");
        s.push_str(&skill.label);
        s.push_str(" and know Python, SQL and C#. ");
        s.push_str(filler);
    }
    s
}

/// Typo'd and varied skill strings for the normalizer.
fn queries(t: &Taxonomy, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let l = &t.skill((i * 7919) as u32 % t.skills().len() as u32).label;
            match i % 4 {
                0 => l.clone(),
                1 => l.replacen('a', "e", 1),
                2 => format!("{l}s"),
                _ => l.chars().rev().collect(),
            }
        })
        .collect()
}

/// Single-thread rate of each kind of string in [`queries`] (distinct strings, no memo);
/// `SKILLMATCH_BENCH_NORMALIZE=N` takes N strings of each kind (`all`: as many as skills).
fn normalize_detail(t: &Taxonomy) {
    let per_kind =
        std::env::var("SKILLMATCH_BENCH_NORMALIZE").ok().and_then(|v| v.parse::<usize>().ok()).filter(|&n| n > 0);
    let qs = queries(t, 4 * per_kind.unwrap_or(t.skills().len()));
    for (kind, name) in ["exact labels", "one-letter typos", "plurals", "reversed labels"].iter().enumerate() {
        let some: Vec<&String> = qs.iter().skip(kind).step_by(4).collect();
        let mut best = f64::MAX;
        let mut mapped = 0;
        for _ in 0..3 {
            let start = Instant::now();
            mapped = some.iter().filter(|q| t.normalize_name(q).skill.is_some()).count();
            best = best.min(start.elapsed().as_secs_f64());
        }
        eprintln!(
            "normalize {name}: {} distinct strings ({mapped} mapped), {:.0} strings/s on 1 thread (best of 3)",
            some.len(),
            some.len() as f64 / best
        );
    }
}

/// Best of 3 wall-clock times of loading what the nightly job loads (`SKILLMATCH_BENCH_LOAD=1`):
/// ESCO, O*NET (technologies added to the taxonomy), the crosswalk (codes resolved), then the title
/// index and the extractor.
fn load_detail() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/taxonomy");
    let best = |f: &mut dyn FnMut()| {
        (0..3)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .min()
            .unwrap_or_default()
    };
    let load = || {
        let mut t = TaxonomyBuilder::esco(&root.join("esco-v1.2.0")).expect("ESCO loads");
        let onet = Onet::load(&root.join("onet-29.2")).expect("O*NET loads");
        t.add_onet_technologies(&onet);
        let t = t.build();
        let mut c = Crosswalk::load(&root.join("crosswalk-nesta")).expect("crosswalk loads");
        c.resolve_codes(&onet);
        (t, onet, c)
    };
    let esco = best(&mut || drop(black_box(Taxonomy::load_esco(&root.join("esco-v1.2.0")))));
    let all = best(&mut || drop(black_box(load())));
    let (t, onet, c) = load();
    let titles = best(&mut || drop(black_box(TitleIndex::build(&t, Some((&onet, &c))))));
    let extractor = best(&mut || drop(black_box(Extractor::new(&t))));
    eprintln!(
        "load (best of 3): ESCO {esco:?}; ESCO + O*NET ({} technologies added) + crosswalk {all:?}; \
         title index {titles:?}; extractor {extractor:?} ({} patterns)",
        t.technology_count(),
        Extractor::new(&t).pattern_count()
    );
}

/// Skill strings mapped by meaning (`SKILLMATCH_BENCH_NAMES=N`, needs `skillmatch models
/// install`): N distinct strings, each an ESCO alternative label followed by a number unique to
/// this bench run (so the first pass finds none in the cross-run cache), looked up with
/// [`SemanticSkills::nearest_names`] twice: first run, then cached. The labels' vectors are read
/// from their cache (embedded once if absent, not timed).
fn names_detail(t: &Taxonomy, n: usize) {
    use skillmatch::semantic::skills::{SemanticSkills, TextMode};
    let Ok(enc) = skillmatch::semantic::Encoder::load(&skillmatch::semantic::install::default_model_dir()) else {
        eprintln!("names: no model installed (skillmatch models install); skipped");
        return;
    };
    let sem = SemanticSkills::build(t, enc, TextMode::Encoder, false).expect("label index");
    let alts: Vec<&str> = t.skills().iter().flat_map(|s| s.alt_labels.iter().map(String::as_str)).collect();
    let nonce = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let names: Vec<String> =
        (0..n).map(|i| format!("{} {}", alts[i % alts.len()], nonce * 1_000_000 + i as u64)).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    for pass in ["first run", "cached"] {
        let start = Instant::now();
        let found = sem.nearest_names(&refs);
        eprintln!(
            "names by meaning, {pass}: {} distinct strings, {} from the cache, {:.1} s on {} threads (cache written: {:?})",
            found.distinct,
            found.hits,
            start.elapsed().as_secs_f64(),
            rayon::current_num_threads(),
            found.saved
        );
    }
}

fn bench(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/taxonomy/esco-v1.2.0");
    let start = Instant::now();
    let t = Taxonomy::load_esco(&dir).expect("vendored ESCO loads");
    let loaded = start.elapsed();
    let ex = Extractor::new(&t);
    eprintln!("taxonomy load {loaded:?}, extractor build {:?}", start.elapsed() - loaded);

    if std::env::var_os("SKILLMATCH_BENCH_LOAD").is_some() {
        load_detail();
    }
    if std::env::var_os("SKILLMATCH_BENCH_NORMALIZE").is_some() {
        normalize_detail(&t);
    }
    if let Some(n) = std::env::var("SKILLMATCH_BENCH_NAMES").ok().and_then(|v| v.parse::<usize>().ok()) {
        names_detail(&t, n);
    }
    if let Some(n) = std::env::var("SKILLMATCH_BENCH_POSTINGS").ok().and_then(|v| v.parse::<usize>().ok()) {
        let texts: Vec<String> = (0..1000).map(|i| posting(&t, i)).collect();
        let start = Instant::now();
        let mentions: usize = (0..n).into_par_iter().map(|i| ex.extract(&texts[i % texts.len()]).len()).sum();
        let e = start.elapsed();
        let bytes: usize = (0..n).map(|i| texts[i % texts.len()].len()).sum();
        eprintln!(
            "extract: {n} postings, {} MB, {mentions} mentions in {e:?} on {} threads",
            bytes / 1_000_000,
            rayon::current_num_threads()
        );
        let qs = queries(&t, 1_000_000);
        let distinct = qs.iter().collect::<std::collections::HashSet<_>>().len();
        let start = Instant::now();
        let mapped = t.normalize_names(&qs).iter().filter(|m| m.skill.is_some()).count();
        let e = start.elapsed();
        eprintln!(
            "normalize (batch, each distinct string once): {} strings, {distinct} distinct, {mapped} mapped, in {e:?} on {} threads",
            qs.len(),
            rayon::current_num_threads()
        );
        let start = Instant::now();
        let mapped = qs.par_iter().filter(|q| t.normalize_name(q).skill.is_some()).count();
        let e = start.elapsed();
        eprintln!(
            "normalize (no memo: every string searched, as if all were distinct): {} strings ({mapped} mapped) in {e:?} on {} threads",
            qs.len(),
            rayon::current_num_threads()
        );
        let fuzzy: Vec<&String> = qs.iter().skip(1).step_by(4).take(100_000).collect();
        let start = Instant::now();
        for q in &fuzzy {
            black_box(t.normalize_name(q));
        }
        eprintln!(
            "normalize (typos, fuzzy path) single thread: {:.0} strings/s",
            fuzzy.len() as f64 / start.elapsed().as_secs_f64()
        );
    }

    let texts: Vec<String> = (0..64).map(|i| posting(&t, i)).collect();
    c.bench_function("extract 64 postings of ~3000 chars", |b| {
        b.iter(|| texts.iter().map(|s| ex.extract(black_box(s)).len()).sum::<usize>())
    });
    let qs = queries(&t, 1000);
    c.bench_function("normalize 1000 strings", |b| {
        b.iter(|| qs.iter().filter(|q| t.normalize_name(black_box(q)).skill.is_some()).count())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
