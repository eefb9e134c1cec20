//! `verification.csv`: every credential with its candidate, format, issuer, achievement, status
//! and every check (failed checks with their reasons in their own column).
//!
//! `source` is the badge file's path relative to the folder holding the badge input it was found
//! under (`badges/cand-1/a.json` for `--badges badges` or `--badges /data/badges` alike), so the
//! file does not depend on the folder the run started from; `position` is the record inside the
//! file (`whole file`, `line 3`, …).

use std::path::{Component, Path, PathBuf};

use super::table::{Col, Table, Text};
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

/// Each credential's shown source (see [`shown_source`]), computed once per badge file: the
/// credentials of one file are adjacent, and a file's credentials share one string.
fn shown_sources(creds: &[VerifiedCredential], roots: &[(PathBuf, PathBuf)]) -> (Vec<String>, Vec<usize>) {
    let (mut distinct, mut of) = (Vec::new(), Vec::with_capacity(creds.len()));
    let mut last: Option<&str> = None;
    for v in creds {
        let path = v.credential.source.path.as_str();
        if last != Some(path) {
            distinct.push(shown_source(path, roots));
            last = Some(path);
        }
        of.push(distinct.len() - 1);
    }
    (distinct, of)
}

/// `name: detail` of every failed check, `; `-joined (empty, not allocated, when none failed).
fn failed_checks(v: &VerifiedCredential) -> Text<'_> {
    let mut failed = v.checks.iter().filter(|k| k.outcome == Outcome::Fail).peekable();
    if failed.peek().is_none() {
        return Text::Borrowed("");
    }
    Text::Owned(failed.map(|k| format!("{}: {}", k.check, k.detail)).collect::<Vec<_>>().join("; "))
}

/// `name=outcome` of every check, `;`-joined: a handful of distinct strings across a run, each
/// made once (`patterns`) and shared by the rows that have it.
fn check_patterns(creds: &[VerifiedCredential]) -> (Vec<String>, Vec<usize>) {
    let mut index: std::collections::HashMap<Vec<(&str, Outcome)>, usize> = std::collections::HashMap::new();
    let (mut patterns, mut of) = (Vec::new(), Vec::with_capacity(creds.len()));
    for v in creds {
        let key: Vec<(&str, Outcome)> = v.checks.iter().map(|k| (k.check, k.outcome)).collect();
        let i = *index.entry(key).or_insert_with_key(|key| {
            patterns.push(key.iter().map(|(c, o)| format!("{c}={}", o.as_str())).collect::<Vec<_>>().join(";"));
            patterns.len() - 1
        });
        of.push(i);
    }
    (patterns, of)
}

/// Writes the file, slice by slice. Cells borrow the verified records where they can: the
/// table of half a million credentials copies no id, name or path.
pub fn write(dir: &Path, input: &ReportInput<'_>) -> Result<OutputFile, ReportError> {
    let creds: &[VerifiedCredential] = input.credentials;
    let roots = roots(input.badge_inputs);
    let (sources, source_of) = shown_sources(creds, &roots);
    let (patterns, pattern_of) = check_patterns(creds);
    let mapped = &input.normalized.credential_skills;
    let build = |range: std::ops::Range<usize>| {
        let creds = &creds[range.clone()];
        let c = |f: &dyn Fn(&VerifiedCredential) -> &str| creds.iter().map(f).collect::<Vec<&str>>();
        let o = |f: &dyn Fn(&VerifiedCredential) -> Option<&str>| creds.iter().map(f).collect::<Vec<Option<&str>>>();
        let date = |f: &dyn Fn(&VerifiedCredential) -> Option<chrono::DateTime<chrono::Utc>>| {
            creds.iter().map(|v| fmt_date(f(v))).collect::<Vec<Option<String>>>()
        };
        Table::new(vec![
            Col::str("credential_id", c(&|v| v.credential.credential_id.as_str())),
            Col::opt("candidate_id", o(&|v| v.credential.candidate_id.as_deref())),
            Col::str("source", source_of[range.clone()].iter().map(|&i| sources[i].as_str()).collect()),
            Col::str("position", c(&|v| v.credential.source.position.as_str())),
            Col::str("format", c(&|v| v.credential.format.as_str())),
            Col::opt("issuer", o(&|v| v.credential.issuer_name.as_deref().or(v.credential.issuer_id.as_deref()))),
            Col::opt("issuer_id", o(&|v| v.credential.issuer_id.as_deref())),
            Col::opt("achievement", o(&|v| v.credential.achievement.as_deref())),
            Col::opt("issued_on", date(&|v| v.credential.issued_on)),
            Col::opt("expires", date(&|v| v.credential.expires)),
            Col::str("status", c(&|v| v.status.as_str())),
            Col::u64("skills", creds.iter().map(|v| v.credential.skills.len() as u64).collect()),
            Col::u64("skills_mapped", range.clone().map(|i| mapped.get(i).map_or(0, |s| s.len() as u64)).collect()),
            Col::str("failed_checks", creds.iter().map(failed_checks).collect()),
            Col::str("checks", pattern_of[range].iter().map(|&i| patterns[i].as_str()).collect()),
        ])
    };
    super::csv_built(dir, super::schema::VERIFICATION, creds.len(), input.csv_bom, build)
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
