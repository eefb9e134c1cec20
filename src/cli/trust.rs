//! `skillmatch trust pull`: fetch the documents verification needs into a trust folder.

use std::path::PathBuf;
use std::time::Duration;

use super::{Failure, must_exist};
use skillmatch::ingest::{InputsConfig, ingest};
use skillmatch::trust_pull::fetch::FetchLimits;
use skillmatch::trust_pull::{PullError, PullOptions, pull};
use skillmatch::util::terminal_safe;

/// Arguments of `trust`.
#[derive(Debug, clap::Args)]
pub struct TrustArgs {
    #[command(subcommand)]
    what: TrustCommand,
}

#[derive(Debug, clap::Subcommand)]
enum TrustCommand {
    /// Fetch every issuer profile, key, DID document, revocation / status list and hosted
    /// assertion the badges need into a trust folder (a snapshot `run --trust` uses offline).
    Pull(PullArgs),
}

/// Arguments of `trust pull`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Fetches over https only, from public addresses only; no redirect to another host.\n\
Each document is stored under pulled/<hash of its id> with SNAPSHOT.json recording URL, fetch time,\n\
HTTP status, sha256 and size. A URL that fails is listed and never stops the pull.\n\
Pulled documents never make an issuer trusted: name trusted issuers in TRUST_DIR/policy.toml.\n\
Exit code 0 when the snapshot was written (even with failed URLs), 1 when it could not be written,\n\
2 on usage errors.\n\nExample:\n  \
skillmatch trust pull --badges exports/ --out trust/\n  \
skillmatch trust pull --badges exports/ --out trust/ --refresh   # before each nightly run")]
pub struct PullArgs {
    /// Badge files or folders to read the URLs from.
    #[arg(long, required = true, num_args = 1..)]
    badges: Vec<PathBuf>,
    /// The trust folder to write (created when missing).
    #[arg(long, value_name = "TRUST_DIR")]
    out: PathBuf,
    /// Update the folder's existing snapshot and report what changed.
    #[arg(long)]
    refresh: bool,
    /// Seconds allowed for each document (connect, redirects, headers and body).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=600))]
    timeout: u64,
    /// Largest document accepted, in bytes.
    #[arg(long, default_value_t = skillmatch::verify::trust::MAX_TRUST_FILE_BYTES,
          value_parser = clap::value_parser!(u64).range(1..=skillmatch::verify::trust::MAX_TRUST_FILE_BYTES))]
    max_bytes: u64,
    /// Tests only: allow plain http and loopback addresses (a local test server).
    #[arg(long, hide = true)]
    allow_insecure_loopback: bool,
}

/// Runs `trust`.
pub fn run(a: TrustArgs) -> Result<(), Failure> {
    match a.what {
        TrustCommand::Pull(p) => run_pull(p),
    }
}

fn run_pull(a: PullArgs) -> Result<(), Failure> {
    a.badges.iter().try_for_each(|p| must_exist("--badges", p))?;
    if a.out.exists() && !a.out.is_dir() {
        return Err(Failure::usage(anyhow::anyhow!("--out {} is not a folder", a.out.display())));
    }
    let spec = InputsConfig { badges: a.badges, ..InputsConfig::default() };
    let ingested = ingest(&spec).map_err(Failure::usage)?;
    let limits = FetchLimits {
        max_bytes: a.max_bytes,
        timeout: Duration::from_secs(a.timeout),
        allow_insecure_loopback: a.allow_insecure_loopback,
        ..FetchLimits::default()
    };
    let opts = PullOptions { out: a.out.clone(), refresh: a.refresh, limits };
    let report = pull(&ingested.credentials, &opts).map_err(|e| match e {
        e @ (PullError::Exists(_) | PullError::BadSnapshot { .. }) => Failure::usage(e),
        e => Failure::run(e),
    })?;
    let entries = &report.snapshot.entries;
    let failed = report.errors().count();
    let unreadable = ingested.rejects.iter().filter(|r| r.kind == "badge").count();
    if unreadable > 0 {
        eprintln!(
            "skillmatch: warning: {unreadable} badge file(s) or record(s) could not be read; their URLs were not collected"
        );
    }
    println!(
        "trust pull: {} URL(s) from {} credential(s): {} stored, {} with an error; snapshot {}",
        entries.len(),
        ingested.credentials.len(),
        entries.iter().filter(|e| e.file.is_some()).count(),
        failed,
        terminal_safe(&a.out.join(skillmatch::verify::trust::SNAPSHOT_FILE).display().to_string())
    );
    for e in report.errors() {
        println!(
            "error\t{}\t{}\t{}",
            e.kind.as_str(),
            terminal_safe(&e.url),
            terminal_safe(e.error.as_deref().unwrap_or_default())
        );
    }
    for c in &report.changes {
        println!("changed\t{}", terminal_safe(c));
    }
    Ok(())
}
