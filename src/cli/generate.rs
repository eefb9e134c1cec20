//! `skillmatch gen`: write a synthetic data set.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::{Failure, bundled, parse_date};
use skillmatch::generate::{GenOptions, generate};
use skillmatch::taxonomy::Taxonomy;

/// Arguments of `gen`.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  skillmatch gen --candidates 300 --roles 80 --seed 42 --out datasets/demo")]
pub struct GenArgs {
    /// Number of candidates.
    #[arg(long, default_value_t = 300)]
    candidates: usize,
    /// Number of roles (postings).
    #[arg(long, default_value_t = 80)]
    roles: usize,
    /// Random seed: the same seed writes the same files.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Output folder (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Reference date for issue and expiry dates.
    #[arg(long, value_parser = parse_date, default_value = "2026-11-01")]
    as_of: chrono::NaiveDate,
    /// Write only clean badges (no expired, revoked, pending or misaddressed ones, no typos).
    #[arg(long)]
    no_noise: bool,
    /// ESCO folder.
    #[arg(long)]
    taxonomy: Option<PathBuf>,
}

/// Runs `gen`.
pub fn run(a: GenArgs) -> Result<(), Failure> {
    let dir = a.taxonomy.unwrap_or_else(|| bundled("datasets/taxonomy/esco-v1.2.0"));
    super::must_exist("--taxonomy", &dir)?;
    let taxonomy = Taxonomy::load_esco(&dir).context("loading the taxonomy").map_err(Failure::usage)?;
    let opts = GenOptions {
        candidates: a.candidates,
        roles: a.roles,
        seed: a.seed,
        out: a.out.clone(),
        as_of: a.as_of,
        noise: !a.no_noise,
    };
    let s = generate(&taxonomy, &opts).map_err(|e| match e {
        skillmatch::generate::GenError::Invalid(_) => Failure::usage(e),
        _ => Failure::run(e),
    })?;
    eprintln!(
        "skillmatch: wrote {} candidates, {} roles, {} credentials in {} badge files",
        s.candidates, s.roles, s.credentials, s.badge_files
    );
    println!("{}", a.out.display());
    Ok(())
}
