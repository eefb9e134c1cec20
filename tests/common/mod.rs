//! Shared helpers for the integration tests: the real ESCO taxonomy, generated data, runs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use skillmatch::config::Config;
use skillmatch::generate::{GenOptions, generate};
use skillmatch::pipeline::{ProgressMode, RunRequest, RunSummary, run};
use skillmatch::taxonomy::Taxonomy;

/// The vendored ESCO folder.
pub fn esco_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/taxonomy/esco-v1.2.0")
}

/// ESCO, loaded once per test binary.
pub fn taxonomy() -> &'static Taxonomy {
    static TAX: OnceLock<Taxonomy> = OnceLock::new();
    TAX.get_or_init(|| Taxonomy::load_esco(&esco_dir()).expect("vendored ESCO loads"))
}

/// The fixed as-of date used by generated data.
pub fn as_of() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("valid date")
}

/// Generates a data set into `dir`.
pub fn gen_into(dir: &Path, candidates: usize, roles: usize, seed: u64, noise: bool) {
    let opts =
        GenOptions { candidates, roles, seed, out: dir.to_path_buf(), as_of: as_of(), noise, ..GenOptions::default() };
    generate(taxonomy(), &opts).expect("generation succeeds");
}

/// A config reading a generated folder with default weights.
pub fn config_for(data: &Path) -> Config {
    let mut c = Config::default();
    c.inputs.roster = Some(data.join("roster.csv"));
    c.inputs.badges = vec![data.join("badges")];
    c.inputs.postings = vec![data.join("postings.jsonl")];
    c.taxonomy.esco_dir = esco_dir();
    c.verify.accept_hosted_offline = true;
    c
}

/// Runs the pipeline quietly.
pub fn run_with(config: Config, out: &Path, run_id: &str, threads: usize) -> RunSummary {
    let req = RunRequest {
        config,
        as_of: as_of(),
        out_root: out.to_path_buf(),
        run_id: Some(run_id.to_string()),
        threads,
        progress: ProgressMode::Quiet,
        prepared: None,
    };
    run(&req).expect("pipeline run succeeds")
}

/// Reads a CSV report into header-keyed rows.
pub fn read_csv(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).expect("report CSV opens");
    let headers = r.headers().expect("headers").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("report CSV row parses");
            headers.iter().zip(rec.iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()
        })
        .collect()
}

/// Writes `text` to `path`, creating its folder.
pub fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

/// Copies folder `from` into `to`, recursively (folders are created, files overwritten).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("list") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// A Credly export entry (accepted, issued 2026-01-10) for `email` with the given skills.
pub fn credly(id: &str, email: &str, skills: &[&str]) -> serde_json::Value {
    serde_json::json!({
        "id": id, "state": "accepted", "issued_at": "2026-01-10T00:00:00Z", "expires_at": null,
        "recipient_email": email,
        "badge_template": {"id": format!("tmpl-{id}"), "name": "Business Intelligence Analyst", "skills": skills},
        "issuer": {"entities": [{"primary": true, "entity": {"id": "org-1", "name": "Open Skills Academy"}}]}
    })
}
