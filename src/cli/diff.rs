//! `skillmatch diff OLD_RUN NEW_RUN`: what changed between two finished runs, and why.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::common::{Format, formats};
use super::{Failure, must_exist, terminal_safe};
use skillmatch::diff::{MoveKind, PostingChange, RunDiff, diff_folders};
use skillmatch::report::page::render_section;

/// Arguments of `diff`.
#[derive(Debug, Args)]
#[command(after_help = "Per role: the rank-biased overlap of the two shortlists (RBO_ext, p = 0.9; 1 = same \
order), every candidate who entered, left or moved, and why: the candidate's own changes (new, \
removed, a credential verified, expired, revoked or otherwise changed), the role's posting \
(added, removed, changed), a taxonomy or config change; else the ranking shifted by others.\n\
Identical runs print `no changes`. `skillmatch run` writes the same comparison as diff.json \
against the previous run in its output root.\n\n\
Example:\n  skillmatch diff reports/20261123T030000Z reports/20261124T030000Z --format json")]
pub struct DiffArgs {
    /// The older run folder (the path `skillmatch run` printed).
    old_run: PathBuf,
    /// The newer run folder.
    new_run: PathBuf,
    /// Output format (`json` is documented in README "Nightly diff").
    #[arg(long, value_parser = formats(&[Format::Table, Format::Json, Format::Html]), default_value = "table")]
    format: Format,
}

/// Runs `diff`.
pub fn run(a: DiffArgs) -> Result<(), Failure> {
    must_exist("OLD_RUN", &a.old_run)?;
    must_exist("NEW_RUN", &a.new_run)?;
    let diff = diff_folders(&a.old_run, &a.new_run).map_err(Failure::usage)?;
    let mut w = std::io::BufWriter::new(std::io::stdout().lock());
    let res = match a.format {
        Format::Json => serde_json::to_writer_pretty(&mut w, &diff).map_err(std::io::Error::other).and_then(|()| {
            writeln!(w)?;
            w.flush()
        }),
        Format::Html => {
            let subtitle = format!(
                "Run {} (as of {}) against run {} (as of {}); every movement is in diff.json (skillmatch diff --format json).",
                diff.new.run_id, diff.new.as_of, diff.old.run_id, diff.old.as_of
            );
            let section = skillmatch::diff::page::page_section(&diff);
            let html = render_section("skillmatch diff", &subtitle, &diff.new.as_of, "Changes", &section)
                .map_err(|e| Failure::run(anyhow::anyhow!("cannot render the page: {e}")))?;
            w.write_all(html.as_bytes()).and_then(|()| w.flush())
        }
        _ => table(&mut w, &diff).and_then(|()| w.flush()),
    };
    res.map_err(Failure::run)
}

fn posting_note(p: Option<PostingChange>) -> &'static str {
    match p {
        Some(PostingChange::Added) => "  (posting added)",
        Some(PostingChange::Removed) => "  (posting removed)",
        Some(PostingChange::Changed) => "  (posting changed)",
        None => "",
    }
}

/// The readable summary: a header, then each changed role with its movements.
fn table(w: &mut impl Write, d: &RunDiff) -> std::io::Result<()> {
    writeln!(
        w,
        "diff {} (as of {}) -> {} (as of {})",
        terminal_safe(&d.old.run_id),
        terminal_safe(&d.old.as_of),
        terminal_safe(&d.new.run_id),
        terminal_safe(&d.new.as_of)
    )?;
    let notes = [
        (d.as_of_changed, "the runs have different as-of dates"),
        (d.config_changed, "the runs have different configurations"),
        (d.taxonomy_changed, "the runs have different taxonomies"),
    ];
    for (_, note) in notes.iter().filter(|(on, _)| *on) {
        writeln!(w, "note: {note}")?;
    }
    if d.is_empty() {
        return writeln!(w, "no changes: every role ranks the same candidates in the same order");
    }
    let s = &d.summary;
    writeln!(
        w,
        "{} roles compared, {} changed ({} added, {} removed); {} entered, {} left, {} moved; mean RBO {:.4}",
        s.roles_compared, s.roles_changed, s.roles_added, s.roles_removed, s.entered, s.left, s.moved, s.mean_rbo
    )?;
    for r in &d.roles {
        writeln!(w)?;
        writeln!(
            w,
            "role {}  {}  RBO {:.4}  ({} -> {} listed){}",
            terminal_safe(&r.role_id),
            terminal_safe(&r.title),
            r.rbo,
            r.old_size,
            r.new_size,
            posting_note(r.posting)
        )?;
        for m in &r.movements {
            let (sign, ranks) = match (m.kind, m.old_rank, m.new_rank) {
                (MoveKind::Entered, _, Some(n)) => ('+', format!("#{n}")),
                (MoveKind::Left, Some(o), _) => ('-', format!("was #{o}")),
                (_, Some(o), Some(n)) => ('~', format!("#{o} -> #{n}")),
                _ => ('?', String::new()),
            };
            let causes: Vec<String> = m.causes.iter().map(|c| terminal_safe(&c.to_string()).into_owned()).collect();
            writeln!(w, "  {sign} {:<14} {:<12} {}", terminal_safe(&m.candidate_id), ranks, causes.join("; "))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use skillmatch::diff::{Cause, DiffSummary, Movement, RoleDiff, RunRef};

    fn side(id: &str) -> RunRef {
        RunRef { run_id: id.into(), as_of: "2026-11-01".into() }
    }

    #[test]
    fn the_table_escapes_control_characters_from_the_data_and_says_when_nothing_changed() {
        let mut d = RunDiff {
            old: side("a"),
            new: side("b\u{1b}[2J"),
            as_of_changed: false,
            config_changed: false,
            taxonomy_changed: false,
            summary: DiffSummary::default(),
            roles: Vec::new(),
        };
        let text = |d: &RunDiff| {
            let mut out = Vec::new();
            table(&mut out, d).expect("writes");
            String::from_utf8(out).expect("utf-8")
        };
        let empty = text(&d);
        assert!(empty.contains("no changes") && !empty.contains('\u{1b}'), "{empty}");
        d.roles.push(RoleDiff {
            role_id: "r1".into(),
            title: "Welder\u{1b}]0;pwned\u{7}".into(),
            posting: Some(PostingChange::Changed),
            weights_changed: false,
            rbo: 0.5,
            old_size: 1,
            new_size: 1,
            movements: vec![Movement {
                candidate_id: "c\r1".into(),
                kind: MoveKind::Left,
                old_rank: Some(1),
                new_rank: None,
                causes: vec![Cause::CredentialRevoked { credential_id: "x\u{1b}[31m".into() }, Cause::PostingChanged],
            }],
        });
        let t = text(&d);
        assert!(!t.chars().any(|c| c.is_control() && c != '\n'), "{t:?}");
        assert!(
            t.contains("\\u{1b}]0;pwned") && t.contains("c\\u{d}1") && t.contains("credential revoked: x\\u{1b}[31m")
        );
        assert!(t.contains("(posting changed)") && t.contains("was #1"), "{t}");
    }
}
