//! `skillmatch prepare --out FILE`: the prepared index of a sharded job's badge inputs, read
//! once so that each shard (`run --shard I/N --prepared FILE`) reads only its own candidates'
//! badge files.

use std::path::PathBuf;

use clap::Args;

use super::common::{InputArgs, config_or_default};
use super::{Failure, at_least_one, print_line};
use skillmatch::ingest::{Prepared, prepare};

/// Arguments of `prepare`.
#[derive(Debug, Args)]
#[command(after_help = "Run it once per sharded job, with the shards' config and inputs, before the shards; give\n\
its file to every shard with `run --prepared FILE`. A shard refuses a file written by another\n\
version or from other badge inputs (exit 2); shards without it give the same output, slower.\n\n\
Example:\n  skillmatch prepare --config nightly.toml --out /data/shards/20261124/prepared.json\n  \
skillmatch run --config nightly.toml --as-of 2026-11-24 --shard 3/8 --prepared /data/shards/20261124/prepared.json")]
// The shared input flags' help is `run`'s; `prepare` reads only the config and the badges.
#[command(mut_arg("config", |a| a.help("TOML config file (its `[inputs]` are read)")))]
#[command(mut_arg("roster", |a| a.help("Roster CSV (checked to exist; not read)")))]
#[command(mut_arg("claims", |a| a.help("Claims CSV (checked to exist; not read)")))]
#[command(mut_arg("postings", |a| a.help("Postings file or folder (repeatable; checked to exist, not read)")))]
pub struct PrepareArgs {
    /// `--config` and the input flags.
    #[command(flatten)]
    inputs: InputArgs,
    /// The prepared index to write (JSON; replaced atomically; its folder is created).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Worker threads, at least 1 (default: config, else all cores).
    #[arg(long, value_parser = at_least_one)]
    threads: Option<usize>,
    /// Print nothing but the file's path.
    #[arg(long)]
    quiet: bool,
}

/// Runs `prepare`.
pub fn run(a: PrepareArgs) -> Result<(), Failure> {
    let mut config = config_or_default(a.inputs.config.as_deref())?;
    a.inputs.apply(&mut config)?;
    config.validate().map_err(Failure::usage)?;
    config.make_paths_absolute();
    if config.inputs.badges.is_empty() {
        return Err(Failure::usage(anyhow::anyhow!("no badge inputs: give --badges or a config with [inputs] badges")));
    }
    // The folder is created as `run --out` creates its output root (a scheduler's prepare task
    // may be the first to write into the job's shard root).
    let parent = a.out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| {
        Failure::usage(anyhow::anyhow!("--out {}: cannot create its folder {}: {e}", a.out.display(), parent.display()))
    })?;
    if a.out.is_dir() {
        return Err(Failure::usage(anyhow::anyhow!("--out {} is a folder: give a file name", a.out.display())));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(a.threads.or(config.run.threads).unwrap_or(0))
        .build()
        .map_err(|e| Failure::run(anyhow::anyhow!("cannot start worker threads: {e}")))?;
    let started = std::time::Instant::now();
    let prepared: Prepared = pool.install(|| prepare(&config.inputs)).map_err(Failure::usage)?;
    // Written beside its final name and renamed into place: a shard never reads half a file.
    let write = || -> std::io::Result<()> {
        let mut builder = tempfile::Builder::new();
        builder.prefix(".prepared-").suffix(".tmp");
        // Readable by the shards' user as any file written under the umask (a temporary file
        // would be 0600).
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let mut tmp = builder.tempfile_in(parent)?;
        prepared.write_json(tmp.as_file_mut())?;
        tmp.as_file().sync_all()?;
        tmp.persist(&a.out).map_err(|e| e.error)?;
        Ok(())
    };
    write().map_err(|e| Failure::run(anyhow::anyhow!("cannot write {}: {e}", a.out.display())))?;
    if !a.quiet {
        eprintln!(
            "skillmatch: prepared {} badge files, {} support documents in {:.1} s",
            prepared.files(),
            prepared.documents(),
            started.elapsed().as_secs_f64()
        );
    }
    print_line(a.out.display())
}
