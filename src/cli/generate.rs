//! `skillmatch gen`: write a synthetic data set.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};

use super::{Failure, bundled, parse_date};
use skillmatch::generate::{FormatShares, GenOptions, Layout, RoleModel, generate};
use skillmatch::taxonomy::Taxonomy;

/// Badge file layout (`--layout`).
#[derive(Debug, Clone, Copy, ValueEnum)]
enum LayoutArg {
    /// `badges/<candidate_id>/`: one file per badge (and one Credly export per candidate).
    Folders,
    /// `badges/<candidate_id>.json`: one CLR bundle per candidate, claimed by `claims.csv`;
    /// Credly exports per 4,096 candidates. For large populations.
    Bundles,
}

/// How roles list skills (`--role-model`).
#[derive(Debug, Clone, Copy, ValueEnum)]
enum RoleModelArg {
    /// 1–40 skills per posting (log-normal, median 6) from the occupation's essential and optional
    /// skills; sibling occupations compete; `--text-only` postings have a title and prose only.
    Realistic,
    /// Every essential skill of the occupation required, up to 8 optional ones preferred.
    Full,
}

/// Arguments of `gen`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  skillmatch gen --candidates 300 --roles 80 --seed 42 --out datasets/demo\n  \
skillmatch gen --candidates 1000000 --roles 100000 --layout bundles --out /data/gen-1m")]
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
    /// Zipf exponent of occupation popularity (0 = every occupation equally popular).
    #[arg(long, default_value_t = GenOptions::default().zipf)]
    zipf: f64,
    /// Relative weights of badge formats: OB 2.0 hosted, Credly, OB 3.0 (normalised).
    #[arg(long, value_parser = parse_formats, default_value = "0.5,0.3,0.2")]
    formats: FormatShares,
    /// Share of badges expired before the as-of date.
    #[arg(long, default_value_t = GenOptions::default().expired)]
    expired: f64,
    /// Share of badges revoked (OB 2.0 `revoked`, Credly `state: revoked`).
    #[arg(long, default_value_t = GenOptions::default().revoked)]
    revoked: f64,
    /// Share of badges issued to an email that is not the candidate's.
    #[arg(long, default_value_t = GenOptions::default().misaddressed)]
    misaddressed: f64,
    /// Share of badges left pending on Credly.
    #[arg(long, default_value_t = GenOptions::default().pending)]
    pending: f64,
    /// Pathways (stackable programs) for the most popular occupations, written to run.toml.
    #[arg(long, default_value_t = GenOptions::default().pathways)]
    pathways: usize,
    /// Badge file layout.
    #[arg(long, value_enum, default_value = "folders")]
    layout: LayoutArg,
    /// How roles list skills.
    #[arg(long, value_enum, default_value = "realistic")]
    role_model: RoleModelArg,
    /// Share of postings with only a title and a description (realistic model).
    #[arg(long, default_value_t = GenOptions::default().text_only)]
    text_only: f64,
    /// Share of candidates who also hold skills of an adjacent occupation (realistic model).
    #[arg(long, default_value_t = GenOptions::default().adjacent)]
    adjacent: f64,
    /// ESCO folder.
    #[arg(long)]
    taxonomy: Option<PathBuf>,
}

/// Parses `OB2,CREDLY,OB3` weights.
fn parse_formats(s: &str) -> Result<FormatShares, String> {
    let parts: Vec<f64> =
        s.split(',').map(|p| p.trim().parse::<f64>().map_err(|e| format!("{p:?}: {e}"))).collect::<Result<_, _>>()?;
    match parts[..] {
        [ob2_hosted, credly, ob3] => Ok(FormatShares { ob2_hosted, credly, ob3 }),
        _ => Err("expected three weights OB2,CREDLY,OB3, e.g. 0.5,0.3,0.2".into()),
    }
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
        zipf: a.zipf,
        formats: a.formats,
        expired: a.expired,
        revoked: a.revoked,
        misaddressed: a.misaddressed,
        pending: a.pending,
        pathways: a.pathways,
        layout: match a.layout {
            LayoutArg::Folders => Layout::Folders,
            LayoutArg::Bundles => Layout::Bundles,
        },
        role_model: match a.role_model {
            RoleModelArg::Realistic => RoleModel::Realistic,
            RoleModelArg::Full => RoleModel::Full,
        },
        text_only: a.text_only,
        adjacent: a.adjacent,
        taxonomy_dir: Some(dir),
    };
    let s = generate(&taxonomy, &opts).map_err(|e| match e {
        skillmatch::generate::GenError::Invalid(_) => Failure::usage(e),
        _ => Failure::run(e),
    })?;
    eprintln!(
        "skillmatch: wrote {} candidates, {} roles, {} credentials in {} badge files, {} pathways",
        s.candidates, s.roles, s.credentials, s.badge_files, s.pathways
    );
    println!("{}", a.out.display());
    Ok(())
}
