//! Speed of reading and extracting 100,000 HTML postings of about 3 kB (a Greenhouse-shaped
//! export with entity-escaped `content`, and the same postings as a schema.org JSON Lines file).
//! Ignored by default; run in release (see docs/PERFORMANCE.md):
//! `cargo test --release --test ingest_postings_speed -- --ignored --nocapture`.

use std::path::Path;
use std::time::Instant;

use skillmatch::extract::Extractor;
use skillmatch::ingest::{IngestSpec, ingest};
use skillmatch::normalize::DescriptionSkills;
use skillmatch::normalize::{NormalizeOptions, normalize};
use skillmatch::pipeline::profile::Meter;
use skillmatch::taxonomy::Taxonomy;

/// One posting's HTML, about 3 kB, varied by `i`.
fn html(i: usize) -> String {
    let mut s = format!(
        "<div><h2>Data Engineer &ndash; team {i}</h2><p>At Harbour&nbsp;Analytics we build r&eacute;sum&eacute;-free \
         hiring tools &amp; data platforms for {} clients.</p><h3>What you&#39;ll need</h3><ul>",
        i % 97
    );
    let skills = ["Python", "SQL", "Java", "Scala", "PostgreSQL", "project management", "statistics", "Excel"];
    for k in 0..6 {
        s.push_str(&format!(
            "<li>Experience with <strong>{}</strong> and {} in production, at least {k} years</li>",
            skills[(i + k) % skills.len()],
            skills[(i + 3 * k + 1) % skills.len()]
        ));
    }
    s.push_str("</ul><h3>Nice to have</h3><ul><li>Knowledge of Haskell &amp; data visualisation</li></ul>");
    s.push_str("<table><tr><th>Level</th><th>Band</th></tr><tr><td>Senior</td><td>L5</td></tr></table>");
    s.push_str("<h3>Benefits</h3><p>Pension, health insurance and 25 days of holiday.</p>");
    while s.len() < 3000 {
        s.push_str("<p>We value clear writing, careful reviews and ownership of what we ship.</p>");
    }
    s.push_str("</div>");
    s
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[test]
#[ignore = "speed measurement; run in release"]
fn read_and_extract_100k_html_postings() {
    let n: usize = std::env::var("POSTINGS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let esco = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/taxonomy/esco-v1.2.0");
    let taxonomy = Taxonomy::load_esco(&esco).expect("vendored ESCO");
    let extractor = Extractor::new(&taxonomy);
    let tmp = tempfile::tempdir().expect("tempdir");
    let jobs: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({"id": i, "title": format!("Data Engineer {i}"), "company_name": "Harbour Analytics",
                               "location": {"name": "Cork"}, "content": escape(&html(i))})
        })
        .collect();
    let gh = tmp.path().join("greenhouse.json");
    std::fs::write(&gh, serde_json::to_vec(&serde_json::json!({"jobs": jobs, "meta": {"total": n}})).expect("json"))
        .expect("write");
    let bytes: u64 = (0..n).map(|i| html(i).len() as u64).sum();
    println!(
        "{n} postings, {:.1} MB of HTML (mean {} bytes), {} threads",
        bytes as f64 / 1e6,
        bytes / n as u64,
        rayon::current_num_threads()
    );

    let meter = Meter::start();
    let t = Instant::now();
    let out = ingest(&IngestSpec { postings: vec![gh], ..Default::default() }).expect("ingest");
    let read = t.elapsed().as_secs_f64();
    let read_cost = meter.stop();
    assert_eq!(out.postings.len(), n);
    let meter = Meter::start();
    let t = Instant::now();
    let opts = NormalizeOptions {
        description_skills: DescriptionSkills::WhenNoExplicit,
        titles: None,
        title_profile: false,
        meaning: None,
    };
    let normalized = normalize(&taxonomy, &extractor, &[], &out.postings, opts);
    let extract = t.elapsed().as_secs_f64();
    let extract_cost = meter.stop();
    assert_eq!(normalized.roles.len(), n);
    println!(
        "read {read:.2} s + HTML to text and extract {extract:.2} s = {:.2} s; {} mentions",
        read + extract,
        normalized.extracted_mentions
    );
    // CPU time (all threads) shows what the wall time would be on an idle machine when the
    // machine is shared: a serial step needs its CPU time, a parallel one about half of it on two cores.
    println!(
        "CPU time: read {:.2} s, HTML to text and extract {:.2} s (wall on a shared machine is longer)",
        read_cost.cpu_ms as f64 / 1e3,
        extract_cost.cpu_ms as f64 / 1e3
    );
}
