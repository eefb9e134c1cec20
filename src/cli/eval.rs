//! `skillmatch eval extraction|titles`: measure extraction, normalization and job-title matching
//! on labelled data.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::common::{Format, SemanticFlags, formats};
use super::{Failure, must_exist, print_line, print_text};
use skillmatch::eval::matching::{evaluate_matching, format_matching_table};
use skillmatch::eval::titles::{evaluate_titles, evaluate_titles_with, format_titles_table};
use skillmatch::eval::{evaluate_dir, format_table};
use skillmatch::extract::Extractor;
use skillmatch::semantic::titles::SemanticTitles;
use skillmatch::taxonomy::titles::TitleIndex;

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
    /// Accuracy@1 and @5 of job title → ESCO occupation on a labelled title CSV.
    Titles(TitlesArgs),
    /// Recall@k, MRR and coverage of each candidate's true role in a run's rankings.
    Matching(MatchingArgs),
}

/// Arguments of `eval matching`.
#[derive(Debug, Args)]
#[command(
    after_help = "The truth file is candidate_id,role_id or candidate_id,occupation_uri,role_id (gen's truth.csv);\n\
with occupations, any role of the true occupation counts. Metrics are defined in docs/QUALITY.md.\n\n\
Example:\n  skillmatch eval matching --run reports/20261101T000000Z --truth data/truth.csv --postings data/postings.jsonl"
)]
struct MatchingArgs {
    /// Run folder (skillmatch's, or any folder with shortlists.csv in its column layout).
    #[arg(long)]
    run: PathBuf,
    /// Truth CSV.
    #[arg(long)]
    truth: PathBuf,
    /// The run's postings JSONL: a role "lists skills" when its posting has a non-empty `skills`
    /// (default: from the run's roles.parquet).
    #[arg(long)]
    postings: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_parser = formats(&[Format::Table, Format::Json]), default_value = "table")]
    format: Format,
}

fn run_matching(a: MatchingArgs) -> Result<(), Failure> {
    must_exist("--run", &a.run)?;
    must_exist("--truth", &a.truth)?;
    if let Some(p) = &a.postings {
        must_exist("--postings", p)?;
    }
    let report = evaluate_matching(&a.run, &a.truth, a.postings.as_deref()).map_err(Failure::usage)?;
    match a.format {
        Format::Table => print_text(format_matching_table(&report))?,
        _ => print_line(serde_json::to_string_pretty(&report).map_err(Failure::run)?)?,
    }
    Ok(())
}

/// Arguments of `eval titles`.
#[derive(Debug, Args)]
#[command(
    after_help = "The CSV needs columns `text` (job title) and `esco_v1_2_0_occupation_uri` (gold occupation).\n\
Metrics are defined in docs/QUALITY.md.\n\n\
Example:\n  skillmatch eval titles --data ../shared/data/jobbert-title-normalization/jobbert_v1_titles.with_uri.csv"
)]
struct TitlesArgs {
    /// Title CSV file.
    #[arg(long)]
    data: PathBuf,
    /// Taxonomy folder (default: the vendored ESCO v1.2.0).
    #[arg(long)]
    taxonomy: Option<PathBuf>,
    /// Index ESCO occupation labels only (no O*NET titles through the crosswalk).
    #[arg(long)]
    no_onet: bool,
    #[command(flatten)]
    semantic: SemanticFlags,
    /// Weight of the cosine in the combined title score (with --semantic).
    #[arg(long, default_value_t = skillmatch::semantic::titles::DEFAULT_TITLE_WEIGHT)]
    semantic_weight: f32,
    /// Output format.
    #[arg(long, value_parser = formats(&[Format::Table, Format::Json]), default_value = "table")]
    format: Format,
}

fn run_titles(a: TitlesArgs) -> Result<(), Failure> {
    must_exist("--data", &a.data)?;
    let t = super::taxonomy::load(&super::taxonomy::TaxonomyFlags::esco(a.taxonomy.clone()), &[], false)?;
    let onet = if a.no_onet { None } else { Some(super::taxonomy::load_onet()?) };
    let index = TitleIndex::build(&t, onet.as_ref().map(|(o, c)| (o, c)));
    if !(0.0..=1.0).contains(&a.semantic_weight) {
        return Err(Failure::usage(anyhow::anyhow!(
            "--semantic-weight {}: expected a number in [0, 1]",
            a.semantic_weight
        )));
    }
    let report = match a.semantic.encoder()? {
        Some((enc, _)) => {
            let mut sem = SemanticTitles::build(&t, enc, a.semantic.alt_labels()).map_err(Failure::run)?;
            sem.weight = a.semantic_weight;
            evaluate_titles_with(&a.data, &t, &|title: &str, k: usize| sem.lookup(&index, title, k))
        }
        None => evaluate_titles(&a.data, &t, &index),
    }
    .map_err(Failure::usage)?;
    match a.format {
        Format::Table => print_text(format_titles_table(&report))?,
        _ => print_line(serde_json::to_string_pretty(&report).map_err(Failure::run)?)?,
    }
    Ok(())
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
    #[command(flatten)]
    taxonomy: super::taxonomy::TaxonomyFlags,
    /// Also find O*NET technology names (as the nightly job does). Off by default: the gold
    /// labels are ESCO skills, so a technology found is a false positive for the URI metrics.
    #[arg(long)]
    onet: bool,
    #[command(flatten)]
    semantic: SemanticFlags,
    /// Output format.
    #[arg(long, value_parser = formats(&[Format::Table, Format::Json]), default_value = "table")]
    format: Format,
}

/// Runs `eval`.
pub fn run(a: EvalArgs) -> Result<(), Failure> {
    let a = match a.what {
        EvalCommand::Extraction(a) => a,
        EvalCommand::Titles(a) => return run_titles(a),
        EvalCommand::Matching(a) => return run_matching(a),
    };
    must_exist("--data", &a.data)?;
    let t = super::taxonomy::load(&a.taxonomy, &[], a.onet)?;
    let mut ex = Extractor::new(&t);
    if let Some(sem) = a.semantic.skills(&t)? {
        ex = ex.with_semantic(std::sync::Arc::new(sem));
    }
    let report = evaluate_dir(&a.data, &t, &ex).map_err(Failure::usage)?;
    match a.format {
        Format::Table => print_text(format_table(&report))?,
        _ => print_line(serde_json::to_string_pretty(&report).map_err(Failure::run)?)?,
    }
    Ok(())
}
