//! `skillmatch audit`: an adverse-impact audit of a run's shortlists against a demographics file.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::common::{Format, formats};
use super::{Failure, at_least_one, must_exist};
use skillmatch::audit::{self, write};

/// Arguments of `audit`.
#[derive(Debug, Args)]
#[command(
    after_help = "Selection = in the top-K shortlist of at least one role; scoring = best score strictly above\n\
the median best score of all the run's candidates. Rates with 95% Wilson intervals, impact ratios\n\
against the highest compared category, four-fifths flags (ratio < 0.8); unknown categories are\n\
counted, categories under 2% of the candidates reported but not compared. Only aggregates are written.\n\n\
Example:\n  skillmatch audit --run reports/20261124T030000Z --demographics hr/demographics.csv --format csv --out audit.csv"
)]
pub struct AuditArgs {
    /// Run folder (the path `skillmatch run` printed).
    #[arg(long)]
    run: PathBuf,
    /// CSV with a `candidate_id` column and one or more category columns (e.g. sex,
    /// race_ethnicity); an empty cell or `unknown` is an unknown category.
    #[arg(long)]
    demographics: PathBuf,
    /// Shortlist cut-off for selection (default: the run's top-K; at most the run's top-K).
    #[arg(long, value_parser = at_least_one)]
    top_k: Option<usize>,
    /// Also give each role's selection rates (in that role's top-K) per category.
    #[arg(long)]
    per_role: bool,
    /// Write to this file instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_parser = formats(&[Format::Table, Format::Csv, Format::Json]), default_value = "table")]
    format: Format,
}

/// Runs `audit`.
pub fn run(a: AuditArgs) -> Result<(), Failure> {
    must_exist("--run", &a.run)?;
    must_exist("--demographics", &a.demographics)?;
    if let Some(parent) = a.out.as_ref().and_then(|p| p.parent()).filter(|p| !p.as_os_str().is_empty()) {
        must_exist("--out folder", parent)?;
    }
    let report = audit::audit(&a.run, &a.demographics, a.top_k, a.per_role).map_err(Failure::usage)?;
    let out: Box<dyn Write> = match &a.out {
        Some(p) => Box::new(
            std::fs::File::create(p)
                .map_err(|e| Failure::usage(anyhow::anyhow!("--out {}: cannot create: {e}", p.display())))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let out = std::io::BufWriter::new(out);
    let res = match a.format {
        Format::Json => write::json(&report, out),
        Format::Csv => write::csv(&report, out),
        _ => write::table(&report, out),
    };
    res.map_err(Failure::run)
}
