//! `skillmatch merge SHARD_DIR... --out DIR`: the shards of a sharded job merged into the run
//! folder a single run writes.

use std::path::PathBuf;

use clap::Args;

use super::{Failure, at_least_one, must_exist, print_line};
use skillmatch::pipeline::{ProgressMode, merge};

/// Arguments of `merge`.
#[derive(Debug, Args)]
#[command(after_help = "Give every shard folder of one job (any order). The inputs and the configuration are read\n\
from the shards' manifests and must still be at their paths; shards of different inputs, config or\n\
version, a missing or a duplicated shard index are refused (exit 2).\n\n\
Examples:\n  skillmatch merge /data/out/shard-000{0,1,2,3}-of-0004 --out /data/out --run-id 20261124\n  \
skillmatch merge $(ls -d /data/out/shard-*-of-0008) --out /data/reports")]
pub struct MergeArgs {
    /// Shard folders (written by `run --shard I/N`).
    #[arg(required = true, value_name = "SHARD_DIR")]
    shards: Vec<PathBuf>,
    /// Output root; the merge writes `<out>/<run-id>/`.
    #[arg(long)]
    out: PathBuf,
    /// Name of the run folder (default: the UTC start time).
    #[arg(long)]
    run_id: Option<String>,
    /// Worker threads, at least 1 (default: all cores).
    #[arg(long, value_parser = at_least_one)]
    threads: Option<usize>,
    /// Print no progress.
    #[arg(long)]
    quiet: bool,
}

/// Runs `merge`.
pub fn run(a: MergeArgs) -> Result<(), Failure> {
    for dir in &a.shards {
        must_exist("shard folder", dir)?;
    }
    if let Some(id) = &a.run_id
        && (id.is_empty() || id.contains(['/', '\\']) || id.starts_with('.'))
    {
        return Err(Failure::usage(anyhow::anyhow!("--run-id {id:?} must be a plain folder name")));
    }
    skillmatch::pipeline::cancel::install()
        .map_err(|e| Failure::run(anyhow::anyhow!("cannot install signal handlers: {e}")))?;
    let progress = if a.quiet { ProgressMode::Quiet } else { ProgressMode::Auto };
    let summary =
        merge(&a.shards, &a.out, a.run_id, a.threads.unwrap_or(0), progress).map_err(|e| match e.interrupted() {
            Some(stopped) => Failure { code: stopped.exit_code(), error: e.into() },
            None if e.is_usage() => Failure::usage(e),
            None => Failure::run(e),
        })?;
    print_line(summary.run_dir.display())
}
