//! `skillmatch verify`: verify badge files offline and print one result per credential.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::Args;

use super::common::{Format, config_or_default, formats, override_path};
use super::{Failure, must_exist, parse_date, terminal_safe};
use skillmatch::ingest::{InputsConfig, Reject, ingest};
use skillmatch::verify::{Outcome, VerifiedCredential, VerifyPolicy, verify_all};

/// Arguments of `verify`.
#[derive(Debug, Args)]
#[command(after_help = "Exit code 0 even when credentials fail verification; 2 on usage errors.\n\n\
Example:\n  skillmatch verify datasets/demo/badges --roster datasets/demo/roster.csv --as-of 2026-11-01")]
pub struct VerifyArgs {
    /// Badge files or folders (a folder `<candidate_id>/` under a badges folder claims its files).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Roster CSV, for recipient checks.
    #[arg(long)]
    roster: Option<PathBuf>,
    /// Claims CSV (`candidate_id,path`).
    #[arg(long)]
    claims: Option<PathBuf>,
    /// Evaluation date (default: the config's `[run] as_of`, else today UTC, as `run`).
    #[arg(long, value_parser = parse_date)]
    as_of: Option<NaiveDate>,
    /// Config file whose `[verify]` policy and `[inputs.credly_csv]` mapping apply.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Trust folder: pinned issuer profiles, keys, DID documents, revocation and status lists,
    /// and an optional policy.toml (replaces the config's `[verify] trust`).
    #[arg(long)]
    trust: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_parser = formats(&[Format::Jsonl, Format::Table]), default_value = "jsonl")]
    format: Format,
}

/// Runs `verify`.
pub fn run(a: VerifyArgs) -> Result<(), Failure> {
    a.paths.iter().try_for_each(|p| must_exist("badge", p))?;
    if let Some(r) = &a.roster {
        must_exist("--roster", r)?;
    }
    if let Some(c) = &a.claims {
        must_exist("--claims", c)?;
    }
    let config = config_or_default(a.config.as_deref())?;
    let mut policy = config.verify;
    override_path(&mut policy.trust, "--trust", a.trust.clone())?;
    let trust = policy.load_trust().map_err(Failure::usage)?;
    for s in trust.skipped() {
        eprintln!(
            "skillmatch: warning: trust folder: skipped {} ({})",
            skillmatch::util::terminal_safe(&s.path),
            skillmatch::util::terminal_safe(&s.reason)
        );
    }
    let spec = InputsConfig {
        roster: a.roster,
        badges: a.paths,
        claims: a.claims,
        // Read Credly CSV exports exactly as `run` does with the same config.
        credly_csv: config.inputs.credly_csv,
        ..InputsConfig::default()
    };
    let out = ingest(&spec).map_err(Failure::usage)?;
    let as_of = announce(a.as_of, a.config.as_deref(), config.run.as_of, &policy);
    let verified = verify_all(out.credentials, &out.roster, as_of, &policy, &trust);
    write_results(a.format, &verified, &out.rejects).map_err(Failure::run)
}

/// The as-of day (the same defaults as `run`: `--as-of`, else the config's `[run] as_of`, else
/// today UTC), said on stderr with the policy in force, so that a count that differs from a
/// run's is not a mystery (`run` uses its config's policy and date).
fn announce(
    flag: Option<NaiveDate>,
    config_file: Option<&Path>,
    config_as_of: Option<NaiveDate>,
    policy: &VerifyPolicy,
) -> NaiveDate {
    let (as_of, date_from) = match (flag, config_as_of) {
        (Some(d), _) => (d, "--as-of"),
        (None, Some(d)) => (d, "[run] as_of of --config"),
        (None, None) => (chrono::Utc::now().date_naive(), "today, UTC"),
    };
    let policy_from = match config_file {
        Some(p) => format!("[verify] of {}", p.display()),
        None => "built-in defaults (no --config)".into(),
    };
    eprintln!(
        "skillmatch verify: as of {as_of} ({date_from}); policy: {policy_from}: accept_hosted_offline = {}, \
         accept_platform_exports = {}, trust = {}",
        policy.accept_hosted_offline,
        policy.accept_platform_exports,
        policy.trust.as_ref().map_or("none".into(), |t| t.display().to_string()),
    );
    as_of
}

/// Writes one result per verified credential, then one `malformed` result per rejected badge
/// record, to stdout.
fn write_results(format: Format, verified: &[VerifiedCredential], rejects: &[Reject]) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    for v in verified {
        match format {
            Format::Jsonl => {
                serde_json::to_writer(&mut w, &skillmatch::verify::to_json(v))?;
                writeln!(w)?;
            }
            _ => {
                let failed: Vec<String> = v
                    .checks
                    .iter()
                    .filter(|c| c.outcome == Outcome::Fail)
                    .map(|c| format!("{}: {}", c.check, c.detail))
                    .collect();
                writeln!(
                    w,
                    "{:<20} {:<8} {:<14} {:<40} {}",
                    v.status.as_str(),
                    v.credential.format.as_str(),
                    terminal_safe(v.credential.candidate_id.as_deref().unwrap_or("-")),
                    terminal_safe(v.credential.achievement.as_deref().unwrap_or("-")),
                    terminal_safe(&failed.join("; "))
                )?;
            }
        }
    }
    for r in rejects.iter().filter(|r| r.kind == "badge") {
        let obj = serde_json::json!({
            "source": format!("{}#{}", r.path, r.position),
            "status": "malformed",
            "checks": [{"check": "structure", "outcome": "fail", "detail": r.reason}],
        });
        match format {
            Format::Jsonl => {
                serde_json::to_writer(&mut w, &obj)?;
                writeln!(w)?;
            }
            _ => writeln!(
                w,
                "{:<20} {:<8} {}#{}: {}",
                "malformed",
                "-",
                terminal_safe(&r.path),
                r.position,
                terminal_safe(&r.reason)
            )?,
        }
    }
    w.flush()
}
