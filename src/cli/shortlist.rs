//! `skillmatch shortlist`: a recruiter's filtered, ranked list for one role, from a run folder.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::common::{Format, formats};
use super::{Failure, at_least_one, must_exist, terminal_safe, unit_interval};
use skillmatch::query::{QueryError, RunFolder, ShortlistFilter, shortlist};
use skillmatch::util::csv_safe;

/// Arguments of `shortlist`.
#[derive(Debug, Args)]
#[command(after_help = "Answers from the run folder's outputs; nothing is re-scored. Candidates are the role's\n\
reported pairs (its top-K, plus pairs in candidates' top-K), best score first.\n\n\
Example:\n  skillmatch shortlist --run reports/20261124T030000Z --role role-00012 --top 5 --must SQL --verified-only")]
pub struct ShortlistArgs {
    /// Run folder (the path `skillmatch run` printed).
    #[arg(long)]
    run: PathBuf,
    /// Role (posting) id.
    #[arg(long)]
    role: String,
    /// Rows to show.
    #[arg(long, value_parser = at_least_one)]
    top: Option<usize>,
    /// A skill (label or URI) the candidate must hold, proven by a credential (repeatable).
    #[arg(long)]
    must: Vec<String>,
    /// Only candidates whose every credited skill is backed by a verified credential.
    #[arg(long)]
    verified_only: bool,
    /// Minimum score.
    #[arg(long, value_parser = unit_interval)]
    min_score: Option<f64>,
    /// Candidate location must contain this text (case-insensitive).
    #[arg(long)]
    location: Option<String>,
    /// Output format.
    #[arg(long, value_parser = formats(&[Format::Table, Format::Csv, Format::Json]), default_value = "table")]
    format: Format,
}

/// Runs `shortlist`.
pub fn run(a: ShortlistArgs) -> Result<(), Failure> {
    must_exist("--run", &a.run)?;
    let folder = RunFolder::open(&a.run).map_err(Failure::usage)?;
    let filter = ShortlistFilter {
        top: a.top,
        must: a.must,
        verified_only: a.verified_only,
        min_score: a.min_score,
        location: a.location,
    };
    let rows = shortlist(&folder, &a.role, &filter).map_err(|e| match e {
        QueryError::NotFound(_) | QueryError::UnknownSkill(_) => Failure::usage(e),
        _ => Failure::run(e),
    })?;
    let mut w = std::io::BufWriter::new(std::io::stdout().lock());
    let res: std::io::Result<()> = (|| {
        match a.format {
            Format::Json => {
                serde_json::to_writer_pretty(&mut w, &rows)?;
                writeln!(w)?;
            }
            Format::Csv => {
                writeln!(w, "rank,candidate_id,score,matched_required,required_total,missing_required,location")?;
                for r in &rows {
                    let mut c = csv::Writer::from_writer(Vec::new());
                    c.write_record([
                        r.rank.to_string(),
                        csv_safe(&r.candidate_id).into_owned(),
                        format!("{:.4}", r.score),
                        r.matched_required.to_string(),
                        r.required_total.to_string(),
                        csv_safe(&r.missing_required.join(";")).into_owned(),
                        csv_safe(r.location.as_deref().unwrap_or("")).into_owned(),
                    ])?;
                    w.write_all(&c.into_inner().map_err(|e| std::io::Error::other(e.to_string()))?)?;
                }
            }
            _ => {
                writeln!(
                    w,
                    "{:>4}  {:<14} {:>6}  {:>8}  {:<12} missing required",
                    "rank", "candidate", "score", "required", "location"
                )?;
                for r in &rows {
                    writeln!(
                        w,
                        "{:>4}  {:<14} {:>6.3}  {:>3}/{:<4}  {:<12} {}",
                        r.rank,
                        terminal_safe(&r.candidate_id),
                        r.score,
                        r.matched_required,
                        r.required_total,
                        terminal_safe(r.location.as_deref().unwrap_or("-")),
                        terminal_safe(&r.missing_required.join("; "))
                    )?;
                }
                if rows.is_empty() {
                    writeln!(w, "(no candidate passes the filters)")?;
                }
            }
        }
        w.flush()
    })();
    res.map_err(Failure::run)
}
