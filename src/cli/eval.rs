//! `skillmatch eval extraction`: measure extraction and normalization on labelled data.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::{Failure, must_exist};
use skillmatch::eval::{evaluate_dir, format_table};
use skillmatch::extract::Extractor;

/// Output format of `eval`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// An aligned table for people.
    Table,
    /// One JSON object with the metrics per file and overall.
    Json,
}

/// Arguments of `eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    #[command(subcommand)]
    what: EvalCommand,
}

#[derive(Debug, Subcommand)]
enum EvalCommand {
    /// Precision, recall, F1 and R-Precision@5 of extraction (and normalization) on a data folder.
    Extraction(ExtractionArgs),
}

/// Arguments of `eval extraction`.
#[derive(Debug, Args)]
#[command(after_help = "The folder may hold Decorte files (*_annotations.with_uri.csv), SkillSpan files (*.conll)\n\
and Nesta's hardcoded_ojo_esco_lookup.json. Metrics are defined in docs/QUALITY.md.\n\n\
Example:\n  skillmatch eval extraction --data ../shared/data/skill-extraction-decorte --format json")]
struct ExtractionArgs {
    /// Data folder (or one data file).
    #[arg(long)]
    data: PathBuf,
    /// Taxonomy folder (default: the vendored ESCO v1.2.0).
    #[arg(long)]
    taxonomy: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Runs `eval`.
pub fn run(a: EvalArgs) -> Result<(), Failure> {
    let EvalCommand::Extraction(a) = a.what;
    must_exist("--data", &a.data)?;
    let t = super::taxonomy::load(a.taxonomy.as_deref(), &[])?;
    let ex = Extractor::new(&t);
    let report = evaluate_dir(&a.data, &t, &ex).map_err(Failure::usage)?;
    match a.format {
        Format::Table => print!("{}", format_table(&report)),
        Format::Json => println!("{}", serde_json::to_string_pretty(&report).map_err(Failure::run)?),
    }
    Ok(())
}
