//! Differences between two ESCO releases (or a release and an edited copy), by skill URI.
//!
//! [`diff_esco_dirs`] reads only `skills_en` of both folders and lists skills added, removed and
//! relabelled (preferred label changed). [`TaxonomyDiff::affected`] says which of a set of skill
//! URIs are touched, for finding the matches of a run that a new release would change.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use super::TaxonomyError;

/// How a skill changed between two releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkillChangeKind {
    /// Only in the new release.
    Added,
    /// Only in the old release.
    Removed,
    /// In both, with a different preferred label.
    Relabelled,
}

impl SkillChangeKind {
    /// `added`, `removed` or `relabelled`.
    pub fn as_str(self) -> &'static str {
        match self {
            SkillChangeKind::Added => "added",
            SkillChangeKind::Removed => "removed",
            SkillChangeKind::Relabelled => "relabelled",
        }
    }
}

/// One changed skill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkillChange {
    /// What happened.
    pub change: SkillChangeKind,
    /// Skill URI.
    pub uri: String,
    /// Preferred label in the old release (`None` when added).
    pub old_label: Option<String>,
    /// Preferred label in the new release (`None` when removed).
    pub new_label: Option<String>,
}

/// The differences between two ESCO skill files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TaxonomyDiff {
    /// Skills in the old release.
    pub old_skills: usize,
    /// Skills in the new release.
    pub new_skills: usize,
    /// Every change, sorted by (kind, URI).
    pub changes: Vec<SkillChange>,
}

impl TaxonomyDiff {
    /// The changes of one kind.
    pub fn of_kind(&self, kind: SkillChangeKind) -> impl Iterator<Item = &SkillChange> + '_ {
        self.changes.iter().filter(move |c| c.change == kind)
    }

    /// The removed or relabelled skill with this URI (what can change an existing match).
    pub fn affected(&self, uri: &str) -> Option<&SkillChange> {
        let i =
            self.changes.binary_search_by(|c| c.change.cmp(&SkillChangeKind::Removed).then(c.uri.as_str().cmp(uri)));
        let j =
            self.changes.binary_search_by(|c| c.change.cmp(&SkillChangeKind::Relabelled).then(c.uri.as_str().cmp(uri)));
        i.or(j).ok().and_then(|k| self.changes.get(k))
    }
}

/// Compares the skills of two ESCO folders (each with `skills_en.csv` or `skills_en.csv.gz`) by
/// URI. Labels are compared after trimming.
///
/// Errors: a missing or malformed `skills_en` in either folder ([`TaxonomyError`]).
pub fn diff_esco_dirs(old_dir: &Path, new_dir: &Path) -> Result<TaxonomyDiff, TaxonomyError> {
    let old = super::esco::load_skills_only(old_dir)?;
    let new = super::esco::load_skills_only(new_dir)?;
    let new_by_uri: HashMap<&str, &str> = new.iter().map(|s| (s.uri.as_str(), s.label.as_str())).collect();
    let old_by_uri: HashMap<&str, &str> = old.iter().map(|s| (s.uri.as_str(), s.label.as_str())).collect();
    let mut changes = Vec::new();
    for s in &old {
        match new_by_uri.get(s.uri.as_str()) {
            None => changes.push(SkillChange {
                change: SkillChangeKind::Removed,
                uri: s.uri.clone(),
                old_label: Some(s.label.clone()),
                new_label: None,
            }),
            Some(&label) if label != s.label => changes.push(SkillChange {
                change: SkillChangeKind::Relabelled,
                uri: s.uri.clone(),
                old_label: Some(s.label.clone()),
                new_label: Some(label.to_string()),
            }),
            Some(_) => {}
        }
    }
    for s in &new {
        if !old_by_uri.contains_key(s.uri.as_str()) {
            changes.push(SkillChange {
                change: SkillChangeKind::Added,
                uri: s.uri.clone(),
                old_label: None,
                new_label: Some(s.label.clone()),
            });
        }
    }
    changes.sort_by(|a, b| (a.change, &a.uri).cmp(&(b.change, &b.uri)));
    changes.dedup_by(|a, b| a.change == b.change && a.uri == b.uri);
    Ok(TaxonomyDiff { old_skills: old.len(), new_skills: new.len(), changes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_skills(dir: &Path, rows: &[(&str, &str)]) {
        let mut body = String::from("conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels\n");
        for (uri, label) in rows {
            body.push_str(&format!("KnowledgeSkillCompetence,{uri},knowledge,,\"{label}\",\n"));
        }
        std::fs::write(dir.join("skills_en.csv"), body).expect("write");
    }

    #[test]
    fn added_removed_relabelled() {
        let (a, b) = (tempfile::tempdir().expect("tmp"), tempfile::tempdir().expect("tmp"));
        write_skills(a.path(), &[("u:1", "Python"), ("u:2", "SQL"), ("u:3", "Java")]);
        write_skills(b.path(), &[("u:1", "Python"), ("u:2", "SQL (language)"), ("u:4", "Rust")]);
        let d = diff_esco_dirs(a.path(), b.path()).expect("diff");
        assert_eq!((d.old_skills, d.new_skills), (3, 3));
        let kinds: Vec<(SkillChangeKind, &str)> = d.changes.iter().map(|c| (c.change, c.uri.as_str())).collect();
        assert_eq!(
            kinds,
            [(SkillChangeKind::Added, "u:4"), (SkillChangeKind::Removed, "u:3"), (SkillChangeKind::Relabelled, "u:2")]
        );
        assert_eq!(d.affected("u:3").map(|c| c.change), Some(SkillChangeKind::Removed));
        assert_eq!(d.affected("u:2").and_then(|c| c.new_label.as_deref()), Some("SQL (language)"));
        assert!(d.affected("u:4").is_none() && d.affected("u:1").is_none());
        let empty = tempfile::tempdir().expect("tmp");
        assert!(diff_esco_dirs(a.path(), empty.path()).is_err());
    }
}
