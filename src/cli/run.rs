//! `skillmatch run`: the nightly job.

use std::path::PathBuf;

use clap::Args;

use super::common::{InputArgs, config_or_default, override_path};
use super::{Failure, at_least_one, bundled, must_exist, parse_date, print_line};
use skillmatch::config::Config;
use skillmatch::pipeline::{Mode, ProgressMode, RunRequest, run_mode};
use skillmatch::shard::ShardSpec;

/// Arguments of `run`.
#[derive(Debug, Args)]
#[command(after_help = "With no arguments, runs the bundled demo job (datasets/demo/skillmatch.toml).\n\
Input flags replace the matching config entries; with input flags and no --config, built-in defaults apply.\n\n\
Examples:\n  skillmatch run\n  skillmatch run --config nightly.toml --as-of 2026-11-24 --threads 2\n  \
skillmatch run --roster gen/roster.csv --badges gen/badges --postings gen/postings.jsonl --out /tmp/reports")]
pub struct RunArgs {
    /// `--config` and the input flags.
    #[command(flatten)]
    inputs: InputArgs,
    /// Evaluation date for expiry and validity (default: config, else today UTC).
    #[arg(long, value_parser = parse_date)]
    as_of: Option<chrono::NaiveDate>,
    /// Output root; the run writes `<out>/<run-id>/` (default: config, else ./reports).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads, at least 1 (default: config, else all cores).
    #[arg(long, value_parser = at_least_one)]
    threads: Option<usize>,
    /// Rows per role and per candidate, at least 1.
    #[arg(long, value_parser = at_least_one)]
    top_k: Option<usize>,
    /// Name of the run folder (default: the UTC start time).
    #[arg(long)]
    run_id: Option<String>,
    /// Print no progress.
    #[arg(long)]
    quiet: bool,
    /// Trust folder for verification (replaces the config's `[verify] trust`).
    #[arg(long)]
    trust: Option<PathBuf>,
    /// Start every CSV output with a UTF-8 byte order mark, for Excel (sets `[run] csv_bom`).
    #[arg(long)]
    csv_bom: bool,
    /// Run shard INDEX/COUNT of a sharded job (0-based, e.g. 3/8): rank the candidates of this
    /// shard and write a shard folder for `merge` (run id `shard-0003-of-0008` unless --run-id).
    /// Without it, read from SLURM_ARRAY_TASK_ID + SLURM_ARRAY_TASK_COUNT,
    /// AWS_BATCH_JOB_ARRAY_INDEX + AWS_BATCH_JOB_ARRAY_SIZE, or JOB_COMPLETION_INDEX +
    /// SKILLMATCH_SHARD_COUNT, in that order.
    #[arg(long, value_name = "INDEX/COUNT")]
    shard: Option<String>,
    /// The prepared index of the job's badge inputs (`skillmatch prepare --out FILE`): a shard
    /// then reads only its own candidates' badge files. Refused (exit 2) when written by another
    /// version or from other badge inputs. The outputs are the same with or without it.
    #[arg(long, value_name = "FILE")]
    prepared: Option<PathBuf>,
}

/// Runs `run`.
pub fn run(a: RunArgs) -> Result<(), Failure> {
    let mut config = if a.inputs.config.is_none() && !a.inputs.has_inputs() {
        let demo = bundled("datasets/demo/skillmatch.toml");
        must_exist("demo config", &demo)?;
        Config::load(&demo).map_err(Failure::usage)?
    } else {
        config_or_default(a.inputs.config.as_deref())?
    };
    a.inputs.apply(&mut config)?;
    override_path(&mut config.verify.trust, "--trust", a.trust)?;
    if a.csv_bom {
        config.run.csv_bom = true;
    }
    if let Some(k) = a.top_k {
        config.score.top_k = k;
    }
    config.validate().map_err(Failure::usage)?;
    if let Some(id) = &a.run_id
        && (id.is_empty() || id.contains(['/', '\\']) || id.starts_with('.'))
    {
        return Err(Failure::usage(anyhow::anyhow!("--run-id {id:?} must be a plain folder name")));
    }
    let shard = match &a.shard {
        Some(text) => Some(ShardSpec::parse(text).map_err(Failure::usage)?),
        None => ShardSpec::from_env(|k| std::env::var(k).ok()).map_err(Failure::usage)?,
    };
    let mode = shard.map_or(Mode::Single, Mode::Shard);
    if let Some(p) = &a.prepared {
        must_exist("--prepared", p)?;
    }
    let req = RunRequest {
        as_of: a.as_of.or(config.run.as_of).unwrap_or_else(|| chrono::Utc::now().date_naive()),
        out_root: a.out.or_else(|| config.run.out.clone()).unwrap_or_else(|| PathBuf::from("reports")),
        run_id: a.run_id,
        threads: a.threads.or(config.run.threads).unwrap_or(0),
        progress: if a.quiet { ProgressMode::Quiet } else { ProgressMode::Auto },
        prepared: a.prepared,
        config,
    };
    // SIGTERM/SIGINT/SIGHUP stop the run cleanly (exit 128 + signal); SIGXFSZ is ignored so a
    // file size limit fails the write instead of killing the process.
    skillmatch::pipeline::cancel::install()
        .map_err(|e| Failure::run(anyhow::anyhow!("cannot install signal handlers: {e}")))?;
    let summary = run_mode(&req, &mode).map_err(|e| match e.interrupted() {
        Some(stopped) => Failure { code: stopped.exit_code(), error: e.into() },
        None if e.is_usage() => Failure::usage(e),
        None => Failure::run(e),
    })?;
    print_line(summary.run_dir.display())
}
