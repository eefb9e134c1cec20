//! Argument parsing and dispatch. Exit codes: 0 ok, 1 the run failed, 2 usage or configuration error.

mod eval;
mod explain;
mod extract;
mod generate;
mod normalize;
mod run;
mod shortlist;
mod taxonomy;
mod trust;
mod verify;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Verifies skill badges, maps skills to ESCO and ranks candidates for open roles, every night.
#[derive(Debug, Parser)]
#[command(name = "skillmatch", version, about, propagate_version = true)]
#[command(
    after_help = "Examples:\n  skillmatch run                      # the bundled demo job\n  skillmatch run --config /etc/skillmatch/nightly.toml\n  skillmatch gen --candidates 20000 --roles 2000 --seed 7 --out /tmp/big\n  skillmatch run --roster /tmp/big/roster.csv --badges /tmp/big/badges --postings /tmp/big/postings.jsonl\n  skillmatch verify datasets/demo/badges --roster datasets/demo/roster.csv"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the nightly job: ingest, verify, normalize, score, report.
    Run(run::RunArgs),
    /// Generate a synthetic data set from real ESCO occupation profiles.
    Gen(generate::GenArgs),
    /// Verify badge files and print one JSON object per credential.
    Verify(verify::VerifyArgs),
    /// A recruiter's filtered shortlist for one role, from a run folder.
    Shortlist(shortlist::ShortlistArgs),
    /// Explain one candidate's score for one role, from a run folder.
    Explain(explain::ExplainArgs),
    /// Map skill strings to the taxonomy (URI, exact, alias, variant, fuzzy).
    Normalize(normalize::NormalizeArgs),
    /// Find taxonomy skills in JSONL texts ({"id","text"} per line, file or stdin).
    Extract(extract::ExtractArgs),
    /// Measure extraction and normalization quality on labelled data.
    Eval(eval::EvalArgs),
    /// Taxonomy maintenance: `taxonomy diff OLD_DIR NEW_DIR [--run DIR]`.
    Taxonomy(taxonomy::TaxonomyArgs),
    /// Trust folder maintenance: `trust pull --badges PATH... --out TRUST_DIR [--refresh]`.
    Trust(trust::TrustArgs),
}

/// A failure with the exit code it deserves.
pub(crate) struct Failure {
    pub code: u8,
    pub error: anyhow::Error,
}

impl Failure {
    /// A usage or configuration error (exit 2).
    pub fn usage(error: impl Into<anyhow::Error>) -> Failure {
        Failure { code: 2, error: error.into() }
    }
    /// A run failure (exit 1).
    pub fn run(error: impl Into<anyhow::Error>) -> Failure {
        Failure { code: 1, error: error.into() }
    }
}

/// Parses arguments and runs the subcommand.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // A panic is a bug in skillmatch, never a verdict on the data: say so plainly, keep the
    // backtrace for RUST_BACKTRACE=1, and exit with a code of its own so cron can tell it apart.
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "skillmatch: internal error (a bug in skillmatch; please report it with this message): {info}\n\
             skillmatch: no report folder was renamed into place (a run's temporary folder may remain)"
        );
        let trace = std::backtrace::Backtrace::capture();
        if trace.status() == std::backtrace::BacktraceStatus::Captured {
            eprintln!("{trace}");
        }
    }));
    let command = std::panic::AssertUnwindSafe(cli.command);
    let outcome = std::panic::catch_unwind(move || dispatch(command.0));
    match outcome {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(f)) => {
            eprintln!("skillmatch: error: {}", message_once(&f.error));
            ExitCode::from(f.code)
        }
        Err(_) => ExitCode::from(INTERNAL_ERROR),
    }
}

/// The error and its causes joined by `: `, leaving out a cause whose text the message already
/// holds (an error that prints its source would otherwise repeat the OS error).
fn message_once(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let part = cause.to_string();
        if text.is_empty() {
            text = part;
        } else if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
    }
    text
}

/// Exit code of a run stopped by a bug (a panic), documented in the README.
const INTERNAL_ERROR: u8 = 3;

fn dispatch(command: Command) -> Result<(), Failure> {
    match command {
        Command::Run(a) => run::run(a),
        Command::Gen(a) => generate::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Shortlist(a) => shortlist::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Normalize(a) => normalize::run(a),
        Command::Extract(a) => extract::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Taxonomy(a) => taxonomy::run(a),
        Command::Trust(a) => trust::run(a),
    }
}

/// Finds a bundled file: relative to the working directory first, then to the source checkout.
pub(crate) fn bundled(relative: &str) -> PathBuf {
    let here = PathBuf::from(relative);
    if here.exists() {
        return here;
    }
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    if checkout.exists() { checkout } else { here }
}

/// Parses `YYYY-MM-DD`.
pub(crate) fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| format!("expected YYYY-MM-DD: {e}"))
}

/// Checks that a user-given path exists; the message names the flag and the path.
pub(crate) fn must_exist(flag: &str, p: &Path) -> Result<(), Failure> {
    if p.exists() { Ok(()) } else { Err(Failure::usage(anyhow::anyhow!("{flag} path not found: {}", p.display()))) }
}
