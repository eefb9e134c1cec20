//! Input guards: a run whose inputs yield nothing, or mostly rejects, fails after ingest (exit 1)
//! instead of publishing a report with 0 candidates or 0 roles.
//!
//! Checked right after ingest, before any verification or scoring work:
//!
//! * a configured roster or postings input with **zero accepted records** fails, naming the
//!   input and the first reject reason of its kind (a folder given as the roster, an empty or
//!   header-only file, a `;`-separated roster whose header names no `candidate_id`);
//! * fewer candidates than `[run] min_candidates` (default 1) or fewer postings than
//!   `[run] min_roles` (default 1) fails;
//! * a share of rejected records above `[run] max_reject_share` (default 0.5) in the roster,
//!   claims, badge or posting input fails (`1.0` turns the check off).

use crate::config::{Config, RunConfig};
use crate::ingest::IngestOutput;

/// The input kinds whose reject share is guarded, with the names people know them by.
const GUARDED: [(&str, &str); 4] =
    [("roster", "roster"), ("claims", "claims"), ("badge", "badges"), ("posting", "postings")];

/// Why a run's inputs are not good enough to publish a report.
#[derive(Debug, thiserror::Error)]
pub enum GuardError {
    /// A configured input yielded no record.
    #[error("{what} {paths} yielded no {records}: {reason}")]
    Empty {
        /// `roster` or `postings`.
        what: &'static str,
        /// The configured paths.
        paths: String,
        /// `candidates` or `postings`.
        records: &'static str,
        /// The first reject reason of that kind, with its position, or why nothing was read.
        reason: String,
    },
    /// Fewer records than a `[run] min_*` setting asks for.
    #[error("{found} {records} accepted, fewer than [run] {key} = {min} (set it lower to allow such runs)")]
    TooFew {
        /// `candidates` or `postings`.
        records: &'static str,
        /// Accepted records.
        found: u64,
        /// The setting's name.
        key: &'static str,
        /// The setting's value.
        min: usize,
    },
    /// Too many records of one input were rejected.
    #[error(
        "{rejected} of {read} {what} records were rejected ({share:.1}%), more than [run] max_reject_share = {max} \
         (first: {first}); raise max_reject_share to publish such a run"
    )]
    Rejects {
        /// The input kind.
        what: &'static str,
        /// Records read.
        read: u64,
        /// Records rejected.
        rejected: u64,
        /// Rejected share in percent.
        share: f64,
        /// The setting's value.
        max: f64,
        /// The first reject of that kind.
        first: String,
    },
}

/// The first reject of `kind` as `path (position): reason`.
fn first_reject(ingested: &IngestOutput, kind: &str) -> Option<String> {
    ingested.rejects.iter().find(|r| r.kind == kind).map(|r| format!("{} ({}): {}", r.path, r.position, r.reason))
}

/// Checks the ingested inputs against the guards of `[run]`.
pub fn check(cfg: &Config, ingested: &IngestOutput) -> Result<(), GuardError> {
    let run: &RunConfig = &cfg.run;
    let show =
        |paths: Vec<&std::path::Path>| paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
    if let Some(roster) = &cfg.inputs.roster
        && ingested.roster.candidates.is_empty()
    {
        return Err(GuardError::Empty {
            what: "roster",
            paths: show(vec![roster]),
            records: "candidates",
            reason: first_reject(ingested, "roster").unwrap_or_else(|| "the file has a header but no data rows".into()),
        });
    }
    if !cfg.inputs.postings.is_empty() && ingested.postings.is_empty() {
        return Err(GuardError::Empty {
            what: "postings",
            paths: show(cfg.inputs.postings.iter().map(|p| p.as_path()).collect()),
            records: "postings",
            reason: first_reject(ingested, "posting").unwrap_or_else(|| {
                "no posting records (empty files, or a folder without .jsonl/.json/.csv files)".into()
            }),
        });
    }
    let checks = [
        ("candidates", ingested.roster.candidates.len() as u64, "min_candidates", run.min_candidates),
        ("postings", ingested.postings.len() as u64, "min_roles", run.min_roles),
    ];
    for (records, found, key, min) in checks {
        if found < min as u64 {
            return Err(GuardError::TooFew { records, found, key, min });
        }
    }
    for (kind, what) in GUARDED {
        let Some(c) = ingested.counts.get(kind) else { continue };
        if c.read == 0 {
            continue;
        }
        let share = c.rejected as f64 / c.read as f64;
        if share > run.max_reject_share {
            return Err(GuardError::Rejects {
                what,
                read: c.read,
                rejected: c.rejected,
                share: share * 100.0,
                max: run.max_reject_share,
                first: first_reject(ingested, kind).unwrap_or_default(),
            });
        }
    }
    Ok(())
}
