//! The "Changes since the previous run" section of `report.html`, built from a [`RunDiff`]:
//! counts, movements by cause and the roles that changed most. The page only formats it; the
//! section depends on the diff, not the reverse, so `report` knows nothing of `diff`.

use std::collections::BTreeMap;

use super::{Cause, MoveKind, PostingChange, RunDiff};
use crate::report::page::summary::{Section, Table};
use crate::report::schema::DIFF;

/// Roles listed in the "changed most" table.
const TOP_ROLES: usize = 15;

/// A cause as the page counts it: its kind, without the credential it names.
fn cause_label(c: &Cause) -> &'static str {
    match c {
        Cause::CandidateNew => "new candidate",
        Cause::CandidateRemoved => "candidate removed",
        Cause::CredentialVerified { .. } => "credential newly verified",
        Cause::CredentialExpired { .. } => "credential expired",
        Cause::CredentialRevoked { .. } => "credential revoked",
        Cause::CredentialChanged { .. } => "credential changed status",
        Cause::PostingAdded => "posting added",
        Cause::PostingRemoved => "posting removed",
        Cause::PostingChanged => "posting changed",
        Cause::RoleWeightsChanged => "role's skill weights changed by other postings",
        Cause::TaxonomyChanged => "taxonomy changed",
        Cause::ConfigChanged => "config changed",
        Cause::RankingShifted => "ranking shifted by other candidates",
    }
}

/// The page section for `diff`.
pub fn page_section(diff: &RunDiff) -> Section {
    let mut notes = vec![format!("Compared with run {} (as of {}).", diff.old.run_id, diff.old.as_of)];
    if diff.is_empty() {
        notes.push("Nothing changed: every shortlist is the same.".into());
        return Section { notes, tables: Vec::new() };
    }
    for (changed, what) in [
        (diff.as_of_changed, "The as-of date differs: statuses and recency may differ for that alone."),
        (diff.config_changed, "The configuration differs."),
        (diff.taxonomy_changed, "The taxonomy differs."),
    ] {
        if changed {
            notes.push(what.into());
        }
    }
    let s = &diff.summary;
    let counts = Table {
        caption: "Shortlists".into(),
        headers: vec!["Measure".into(), "Value".into()],
        rows: [
            ("roles compared", s.roles_compared.to_string()),
            ("roles changed", s.roles_changed.to_string()),
            ("roles added", s.roles_added.to_string()),
            ("roles removed", s.roles_removed.to_string()),
            ("candidates entered a shortlist", s.entered.to_string()),
            ("candidates left a shortlist", s.left.to_string()),
            ("candidates moved within a shortlist", s.moved.to_string()),
            ("mean rank-biased overlap", format!("{:.4}", s.mean_rbo)),
        ]
        .into_iter()
        .map(|(k, v)| vec![k.to_string(), v])
        .collect(),
        file: Some(DIFF.into()),
    };
    let mut tables = vec![counts];
    // Tables without rows (no shortlist changed) are left out rather than shown empty.
    tables.extend([by_cause(diff), changed_most(diff)].into_iter().filter(|t| !t.rows.is_empty()));
    Section { notes, tables }
}

/// Movements per cause (a movement with two causes counts under each).
fn by_cause(diff: &RunDiff) -> Table {
    let mut counts: BTreeMap<&'static str, [usize; 3]> = BTreeMap::new();
    for m in diff.roles.iter().flat_map(|r| &r.movements) {
        let col = match m.kind {
            MoveKind::Entered => 0,
            MoveKind::Left => 1,
            MoveKind::Moved => 2,
        };
        for c in &m.causes {
            counts.entry(cause_label(c)).or_default()[col] += 1;
        }
    }
    let mut rows: Vec<(&str, [usize; 3])> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.iter().sum::<usize>().cmp(&a.1.iter().sum::<usize>()).then(a.0.cmp(b.0)));
    Table {
        caption: "Movements by cause".into(),
        headers: vec!["Cause".into(), "Entered".into(), "Left".into(), "Moved".into()],
        rows: rows
            .into_iter()
            .map(|(c, n)| vec![c.to_string(), n[0].to_string(), n[1].to_string(), n[2].to_string()])
            .collect(),
        file: Some(DIFF.into()),
    }
}

/// The roles whose shortlists changed most (lowest overlap first, then role id).
fn changed_most(diff: &RunDiff) -> Table {
    let mut roles: Vec<_> = diff.roles.iter().collect();
    roles.sort_by(|a, b| a.rbo.total_cmp(&b.rbo).then_with(|| a.role_id.cmp(&b.role_id)));
    let count = |r: &super::RoleDiff, k: MoveKind| r.movements.iter().filter(|m| m.kind == k).count().to_string();
    let rows = roles
        .into_iter()
        .take(TOP_ROLES)
        .map(|r| {
            let posting = match r.posting {
                Some(PostingChange::Added) => "added",
                Some(PostingChange::Removed) => "removed",
                Some(PostingChange::Changed) => "changed",
                None => "",
            };
            vec![
                r.role_id.clone(),
                r.title.clone(),
                posting.to_string(),
                format!("{:.4}", r.rbo),
                count(r, MoveKind::Entered),
                count(r, MoveKind::Left),
                count(r, MoveKind::Moved),
            ]
        })
        .collect();
    Table {
        caption: format!("Roles that changed most (first {TOP_ROLES} by overlap)"),
        headers: ["Role", "Title", "Posting", "Overlap", "Entered", "Left", "Moved"].map(String::from).to_vec(),
        rows,
        file: Some(DIFF.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{DiffSummary, Movement, RoleDiff, RunRef};

    fn run(id: &str) -> RunRef {
        RunRef { run_id: id.into(), as_of: "2026-11-01".into() }
    }

    fn moved(id: &str, kind: MoveKind, causes: Vec<Cause>) -> Movement {
        Movement { candidate_id: id.into(), kind, old_rank: None, new_rank: None, causes }
    }

    fn role(id: &str, rbo: f64, movements: Vec<Movement>) -> RoleDiff {
        RoleDiff {
            role_id: id.into(),
            title: format!("title {id}"),
            posting: None,
            weights_changed: false,
            rbo,
            old_size: 3,
            new_size: 3,
            movements,
        }
    }

    fn empty() -> RunDiff {
        RunDiff {
            old: run("night-1"),
            new: run("night-2"),
            as_of_changed: false,
            config_changed: false,
            taxonomy_changed: false,
            summary: DiffSummary::default(),
            roles: Vec::new(),
        }
    }

    #[test]
    fn an_empty_diff_says_nothing_changed_and_has_no_tables() {
        let s = page_section(&empty());
        assert!(s.notes.iter().any(|n| n.contains("Nothing changed")), "{s:?}");
        assert!(s.notes[0].contains("night-1"));
        assert!(s.tables.is_empty());
    }

    #[test]
    fn a_diff_of_another_date_without_movements_shows_only_the_counts() {
        let mut d = empty();
        d.as_of_changed = true;
        let s = page_section(&d);
        assert!(s.notes.iter().any(|n| n.contains("as-of date differs")), "{s:?}");
        assert_eq!(s.tables.len(), 1, "no empty cause or role table");
        assert_eq!(s.tables[0].caption, "Shortlists");
    }

    #[test]
    fn movements_are_counted_per_cause_kind_and_roles_listed_lowest_overlap_first() {
        let revoked = |c: &str| Cause::CredentialRevoked { credential_id: c.into() };
        let mut d = empty();
        d.roles = vec![
            role("r-b", 0.9, vec![moved("c1", MoveKind::Moved, vec![Cause::RankingShifted])]),
            role(
                "r-a",
                0.4,
                vec![
                    moved("c1", MoveKind::Left, vec![revoked("x")]),
                    moved("c2", MoveKind::Left, vec![revoked("y")]),
                    moved("c3", MoveKind::Entered, vec![Cause::PostingAdded, Cause::RankingShifted]),
                ],
            ),
        ];
        let s = page_section(&d);
        let causes = &s.tables[1];
        // Two revocations (different credentials) count under one kind; the first row is the
        // most frequent kind.
        assert_eq!(causes.rows[0], vec!["credential revoked", "0", "2", "0"]);
        let shifted = causes.rows.iter().find(|r| r[0] == "ranking shifted by other candidates").unwrap();
        assert_eq!(shifted[1..], ["1", "0", "1"]);
        let roles = &s.tables[2];
        assert_eq!(roles.rows[0][0], "r-a");
        assert_eq!(roles.rows[0][3], "0.4000");
        assert_eq!(roles.rows[0][4..], ["1", "2", "0"]);
        assert_eq!(roles.rows[1][0], "r-b");
    }
}
