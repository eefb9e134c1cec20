//! Extraction and normalization throughput on generated text.
//!
//! `cargo bench --bench extract` (criterion), or for the one-shot numbers recorded in
//! docs/PERFORMANCE.md: `cargo bench --bench extract -- --quick`, and
//! `SKILLMATCH_BENCH_POSTINGS=100000 cargo bench --bench extract -- --list` prints the
//! wall-clock time of extracting that many ~3,000-character postings on all cores.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use rayon::prelude::*;
use skillmatch::extract::Extractor;
use skillmatch::taxonomy::Taxonomy;

/// A deterministic ~3,000-character posting mixing skill labels and filler.
fn posting(t: &Taxonomy, seed: usize) -> String {
    let filler = "We are a growing team in a friendly office and we value ownership, curiosity and care. ";
    let mut s = String::with_capacity(3200);
    let mut i = seed.wrapping_mul(2_654_435_761);
    while s.len() < 3000 {
        i = i.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let skill = t.skill((i >> 33) as u32 % t.skills.len() as u32);
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
            let l = &t.skill((i * 7919) as u32 % t.skills.len() as u32).label;
            match i % 4 {
                0 => l.clone(),
                1 => l.replacen('a', "e", 1),
                2 => format!("{l}s"),
                _ => l.chars().rev().collect(),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/taxonomy/esco-v1.2.0");
    let start = Instant::now();
    let t = Taxonomy::load_esco(&dir).expect("vendored ESCO loads");
    let loaded = start.elapsed();
    let ex = Extractor::new(&t);
    eprintln!("taxonomy load {loaded:?}, extractor build {:?}", start.elapsed() - loaded);

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
        let start = Instant::now();
        let mapped = qs.par_iter().filter(|q| t.normalize_name(q).skill.is_some()).count();
        let e = start.elapsed();
        eprintln!(
            "normalize: {} strings ({mapped} mapped) in {e:?} on {} threads",
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
