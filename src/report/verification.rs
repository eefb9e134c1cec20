//! `verification.csv`: every credential with its candidate, format, issuer, achievement, status
//! and every check (failed checks with their reasons in their own column).

use std::path::Path;

use super::table::{Col, Table};
use super::{OutputFile, ReportError, ReportInput};
use crate::verify::{Outcome, VerifiedCredential};

fn fmt_date(d: Option<chrono::DateTime<chrono::Utc>>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// Writes the file.
pub fn write(dir: &Path, input: &ReportInput<'_>) -> Result<OutputFile, ReportError> {
    let creds: &[VerifiedCredential] = input.credentials;
    let c = |f: &dyn Fn(&VerifiedCredential) -> String| creds.iter().map(f).collect::<Vec<String>>();
    let o = |f: &dyn Fn(&VerifiedCredential) -> Option<String>| creds.iter().map(f).collect::<Vec<Option<String>>>();
    let mapped: Vec<u64> = input.normalized.credential_skills.iter().map(|s| s.len() as u64).collect();
    let table = Table::new(vec![
        Col::str("credential_id", c(&|v| v.credential.credential_id.clone())),
        Col::opt("candidate_id", o(&|v| v.credential.candidate_id.clone())),
        Col::str("source", c(&|v| format!("{}#{}", v.credential.source.path, v.credential.source.position))),
        Col::str("format", c(&|v| v.credential.format.as_str().to_string())),
        Col::opt("issuer", o(&|v| v.credential.issuer_name.clone().or_else(|| v.credential.issuer_id.clone()))),
        Col::opt("issuer_id", o(&|v| v.credential.issuer_id.clone())),
        Col::opt("achievement", o(&|v| v.credential.achievement.clone())),
        Col::opt("issued_on", o(&|v| fmt_date(v.credential.issued_on))),
        Col::opt("expires", o(&|v| fmt_date(v.credential.expires))),
        Col::str("status", c(&|v| v.status.as_str().to_string())),
        Col::u64("skills", creds.iter().map(|v| v.credential.skills.len() as u64).collect()),
        Col::u64("skills_mapped", mapped),
        Col::str(
            "failed_checks",
            c(&|v| {
                v.checks
                    .iter()
                    .filter(|k| k.outcome == Outcome::Fail)
                    .map(|k| format!("{}: {}", k.check, k.detail))
                    .collect::<Vec<_>>()
                    .join("; ")
            }),
        ),
        Col::str(
            "checks",
            c(&|v| {
                v.checks.iter().map(|k| format!("{}={}", k.check, k.outcome.as_str())).collect::<Vec<_>>().join(";")
            }),
        ),
    ]);
    super::csv(dir, "verification.csv", &table)
}
