//! `verification.csv`: every credential with its candidate, format, issuer, achievement, status
//! and every check (failed checks with their reasons in their own column).
//!
//! `source` is the badge file's path relative to the folder holding the badge input it was found
//! under (`badges/cand-1/a.json` for `--badges badges` or `--badges /data/badges` alike), so the
//! file does not depend on the folder the run started from; `position` is the record inside the
//! file (`whole file`, `line 3`, …).

use std::path::{Component, Path, PathBuf};

use super::table::{Col, Table};
use super::{OutputFile, ReportError, ReportInput};
use crate::verify::{Outcome, VerifiedCredential};

fn fmt_date(d: Option<chrono::DateTime<chrono::Utc>>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// The badge inputs as absolute paths, each with the folder its shown paths are relative to
/// (the input's own parent folder).
pub(crate) fn roots(badges: &[PathBuf]) -> Vec<(PathBuf, PathBuf)> {
    badges
        .iter()
        .filter_map(|b| {
            let abs = std::path::absolute(b).ok()?;
            let base = abs.parent().map(Path::to_path_buf).unwrap_or_default();
            Some((abs, base))
        })
        .collect()
}

/// `path` relative to the parent of the longest badge input holding it, `/`-separated; the path
/// as given when no input holds it.
pub(crate) fn shown_source(path: &str, roots: &[(PathBuf, PathBuf)]) -> String {
    let Ok(abs) = std::path::absolute(path) else { return path.to_string() };
    let best = roots.iter().filter(|(root, _)| abs.starts_with(root)).max_by_key(|(root, _)| root.components().count());
    let Some(rel) = best.and_then(|(_, base)| abs.strip_prefix(base).ok()) else { return path.to_string() };
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            Component::ParentDir => Some("..".into()),
            _ => None,
        })
        .collect();
    parts.join("/")
}

/// Writes the file.
pub fn write(dir: &Path, input: &ReportInput<'_>) -> Result<OutputFile, ReportError> {
    let creds: &[VerifiedCredential] = input.credentials;
    let roots = roots(input.badge_inputs);
    let c = |f: &dyn Fn(&VerifiedCredential) -> String| creds.iter().map(f).collect::<Vec<String>>();
    let o = |f: &dyn Fn(&VerifiedCredential) -> Option<String>| creds.iter().map(f).collect::<Vec<Option<String>>>();
    let mapped: Vec<u64> = input.normalized.credential_skills.iter().map(|s| s.len() as u64).collect();
    let table = Table::new(vec![
        Col::str("credential_id", c(&|v| v.credential.credential_id.clone())),
        Col::opt("candidate_id", o(&|v| v.credential.candidate_id.clone())),
        Col::str("source", c(&|v| shown_source(&v.credential.source.path, &roots))),
        Col::str("position", c(&|v| v.credential.source.position.clone())),
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
    super::csv(dir, super::schema::VERIFICATION, &table, input.csv_bom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_relative_to_the_badge_input_whatever_the_working_folder() {
        let cwd = std::env::current_dir().expect("cwd");
        let inside = roots(&[PathBuf::from("data/badges")]);
        assert_eq!(shown_source("data/badges/c1/a.json", &inside), "badges/c1/a.json");
        let absolute = roots(&[cwd.join("data/badges")]);
        let p = cwd.join("data/badges/c1/a.json");
        assert_eq!(shown_source(&p.display().to_string(), &absolute), "badges/c1/a.json");
        // A single file given as the input keeps its own name; the longest input wins.
        let both = roots(&[PathBuf::from("data"), PathBuf::from("data/badges/one.json")]);
        assert_eq!(shown_source("data/badges/one.json", &both), "one.json");
        assert_eq!(shown_source("data/other/x.json", &both), "data/other/x.json");
        // No input holds it: the path as given.
        assert_eq!(shown_source("elsewhere/x.json", &inside), "elsewhere/x.json");
    }
}
