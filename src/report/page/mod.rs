//! `report.html`: one self-contained, offline page per run (no JavaScript, no external file):
//! run health, verification outcomes, score distributions, skill gaps, thin roles, pathways,
//! credential value, and the sections later comparisons fill (changes since the previous run,
//! audit).
//!
//! [`summary`] builds the typed aggregates (counts, histogram bins, top-N rows); this module
//! only formats them, through the auto-escaping askama template `report.html` beside it, with
//! the charts from [`chart`]. Fixed float formats and sorted rows make the page byte-identical
//! for the same inputs; the only date on it is the run's as-of date. Aggregates and top-N
//! only: the page stays small at any scale and links (relatively) to the files with every row.

pub mod chart;
pub mod summary;

use std::path::Path;

use askama::Template;

use super::{OutputFile, ReportError, ReportInput};
use summary::{Counted, PageSummary, Section, StatusRow, Table};

/// A cell: its text and whether it is a number (right-aligned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The text (escaped by the template).
    pub text: String,
    /// Right-aligned.
    pub numeric: bool,
}

/// A table as the template shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewTable {
    /// Caption.
    pub caption: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
    /// Relative link to the file with every row.
    pub file: Option<String>,
    /// Shown folded (a `<details>` element the reader opens).
    pub folded: bool,
}

impl From<Table> for ViewTable {
    fn from(t: Table) -> ViewTable {
        let numeric = |s: &str| {
            let s = s.trim_end_matches('%');
            !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
        };
        let rows = t
            .rows
            .into_iter()
            .map(|r| r.into_iter().map(|text| Cell { numeric: numeric(&text), text }).collect())
            .collect();
        ViewTable { caption: t.caption, headers: t.headers, rows, file: t.file, folded: false }
    }
}

/// An inline SVG chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// Caption under the chart.
    pub caption: String,
    /// The `<svg>` element, when it could be drawn.
    pub svg: Option<String>,
}

/// One section of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewSection {
    /// Anchor id.
    pub id: &'static str,
    /// Heading.
    pub title: &'static str,
    /// Sentences under the heading.
    pub notes: Vec<String>,
    /// Charts.
    pub charts: Vec<Chart>,
    /// Tables.
    pub tables: Vec<ViewTable>,
    /// Why the section has no content for this run, if it has none.
    pub unavailable: Option<String>,
}

/// The page.
#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    title: &'a str,
    subtitle: String,
    as_of: &'a str,
    headline: Vec<(String, String)>,
    sections: Vec<ViewSection>,
    files: Vec<&'static str>,
}

/// Thousands separated by commas (`1,234,567`).
fn n(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `part` of `whole` as a percentage with one decimal (`0.0%` when `whole` is 0).
fn pct(part: u64, whole: u64) -> String {
    if whole == 0 { "0.0%".into() } else { format!("{:.1}%", part as f64 * 100.0 / whole as f64) }
}

fn table(caption: &str, headers: &[&str], rows: Vec<Vec<String>>, file: Option<&str>) -> ViewTable {
    Table {
        caption: caption.into(),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows,
        file: file.map(str::to_string),
    }
    .into()
}

fn section(id: &'static str, title: &'static str) -> ViewSection {
    ViewSection { id, title, notes: Vec::new(), charts: Vec::new(), tables: Vec::new(), unavailable: None }
}

fn counted_rows(v: &[Counted]) -> Vec<Vec<String>> {
    v.iter().map(|c| vec![c.key.clone(), n(c.count)]).collect()
}

fn health(s: &PageSummary) -> ViewSection {
    let mut sec = section("health", "Run health");
    let ingest = s
        .ingest
        .iter()
        .map(|k| {
            let c = k.counts;
            vec![k.kind.clone(), n(c.read), n(c.accepted), n(c.rejected), pct(c.rejected, c.read)]
        })
        .collect();
    sec.tables.push(table("Inputs by kind", &["kind", "read", "accepted", "rejected", "rejected %"], ingest, None));
    if s.rejects == 0 {
        sec.notes.push("No file or record was rejected.".into());
        return sec;
    }
    sec.notes.push(format!("{} rejects with {} distinct reasons.", n(s.rejects), n(s.reject_reasons)));
    sec.tables.push(table("Rejects by kind", &["kind", "rejects"], counted_rows(&s.rejects_by_kind), None));
    let reasons = counted_rows(&s.top_reject_reasons);
    sec.tables.push(table(
        "Most frequent reject reasons",
        &["reason", "rejects"],
        reasons,
        Some(super::schema::REJECTS),
    ));
    sec
}

fn status_table(caption: &str, key: &str, s: &summary::VerificationSummary, rows: &[StatusRow]) -> ViewTable {
    let mut headers = vec![key.to_string(), "credentials".into()];
    headers.extend(s.statuses.iter().map(|st| st.as_str().to_string()));
    headers.push("verified %".into());
    let verified_col = s.statuses.iter().position(|&st| st == crate::verify::Status::Verified);
    let rows = rows
        .iter()
        .map(|r| {
            let mut row = vec![r.key.clone(), n(r.total)];
            row.extend(r.by_status.iter().map(|&c| n(c)));
            row.push(pct(verified_col.map_or(0, |i| r.by_status[i]), r.total));
            row
        })
        .collect();
    let file = Some(super::schema::VERIFICATION.to_string());
    Table { caption: caption.into(), headers, rows, file }.into()
}

fn verification(s: &PageSummary) -> ViewSection {
    let v = &s.verification;
    let mut sec = section("verification", "Verification");
    if v.credentials == 0 {
        sec.notes.push("No credential was read.".into());
        return sec;
    }
    let overall =
        v.statuses.iter().zip(&v.overall).map(|(st, &c)| vec![st.as_str().into(), n(c), pct(c, v.credentials)]);
    sec.tables.push(table("Credentials by status", &["status", "credentials", "share"], overall.collect(), None));
    sec.tables.push(status_table("By format", "format", v, &v.by_format));
    sec.tables.push(status_table("By issuer tier (trust store)", "tier", v, &v.by_tier));
    let caption = format!("Top {} of {} issuers by credentials", v.top_issuers.len(), n(v.issuers));
    sec.tables.push(status_table(&caption, "issuer", v, &v.top_issuers));
    sec
}

fn scores(s: &PageSummary) -> ViewSection {
    let mut sec = section("scores", "Score distributions");
    sec.notes.push(format!(
        "{} of {} candidates have at least one ranked role; {} shortlist entries over {} roles.",
        n(s.candidates_ranked),
        n(s.candidates),
        n(s.shortlist_rows),
        n(s.roles)
    ));
    sec.charts.push(Chart {
        caption: "Best score per candidate (candidate_gaps.csv, rank 1)".into(),
        svg: chart::histogram_svg(&s.best_scores, "best score"),
    });
    sec.charts.push(Chart {
        caption: "Scores of every shortlist entry (shortlists.csv)".into(),
        svg: chart::histogram_svg(&s.shortlist_scores, "shortlist score"),
    });
    let h = &s.best_scores;
    let w = (h.hi - h.lo) / h.counts.len().max(1) as f64;
    let edge = |i: usize| format!("{:.2}", h.lo + w * i as f64);
    let rows = (0..h.counts.len())
        .map(|i| format!("{}–{}", edge(i), edge(i + 1)))
        .zip(s.best_scores.counts.iter().zip(&s.shortlist_scores.counts))
        .filter(|(_, (a, b))| **a > 0 || **b > 0)
        .map(|(range, (a, b))| vec![range, n(*a), n(*b)])
        .collect();
    let mut bins = table("Counts by score bin", &["score", "candidates (best)", "shortlist entries"], rows, None);
    bins.folded = true;
    sec.tables.push(bins);
    sec
}

fn gaps(s: &PageSummary) -> ViewSection {
    let mut sec = section("gaps", "Skill supply vs demand");
    sec.notes.push(format!(
        "{} skills are asked for by at least one role. The widest gaps among required skills: fewest candidates with verified evidence per role requiring the skill.",
        n(s.skills_demanded)
    ));
    let rows = s
        .top_gaps
        .iter()
        .map(|g| {
            vec![
                g.label.clone(),
                n(g.roles_required),
                n(g.roles_preferred),
                n(g.candidates_with_evidence),
                n(g.candidates_verified),
                format!("{:.2}", g.verified_per_role()),
            ]
        })
        .collect();
    let headers = [
        "skill",
        "roles requiring",
        "roles preferring",
        "candidates with evidence",
        "verified",
        "verified per requiring role",
    ];
    sec.tables.push(table("Top gaps", &headers, rows, Some(super::schema::SUPPLY_DEMAND)));
    sec
}

fn thin(s: &PageSummary) -> ViewSection {
    let mut sec = section("thin", "Thin roles");
    sec.notes.push(format!(
        "{} of {} roles list too few skills to rank with confidence (role_thin in shortlists.csv).",
        n(s.thin_count),
        n(s.roles)
    ));
    if s.thin_count > 0 {
        let rows = s.thin_roles.iter().map(|r| vec![r.title.clone(), r.id.clone(), n(r.skills)]).collect();
        let caption = format!("First {} thin roles by id", s.thin_roles.len());
        sec.tables.push(table(&caption, &["title", "role id", "skills"], rows, Some(super::schema::ROLES)));
    }
    sec
}

fn pathways(s: &PageSummary) -> ViewSection {
    let mut sec = section("pathways", "Pathways");
    if s.pathways.is_empty() {
        sec.unavailable = Some("No pathway is configured for this run ([[pathway]] in the config).".into());
        return sec;
    }
    let rows = s.pathways.iter().map(|p| vec![p.name.clone(), n(p.complete), n(p.partial)]).collect();
    sec.tables.push(table(
        "Candidates per pathway",
        &["pathway", "complete", "partial"],
        rows,
        Some(super::schema::PATHWAYS),
    ));
    sec
}

/// A section other work fills; "not available" while it is `None`.
fn hook(id: &'static str, title: &'static str, s: &Option<Section>, why: &str) -> ViewSection {
    let mut sec = section(id, title);
    match s {
        None => sec.unavailable = Some(why.into()),
        Some(s) => {
            sec.notes.clone_from(&s.notes);
            sec.tables.extend(s.tables.iter().cloned().map(ViewTable::from));
        }
    }
    sec
}

/// The page's sections, in order.
fn sections(s: &PageSummary) -> Vec<ViewSection> {
    vec![
        health(s),
        verification(s),
        scores(s),
        gaps(s),
        thin(s),
        pathways(s),
        hook(
            "value",
            "Credential value",
            &s.credential_value,
            "Not available: no badge class has enough holders, or [score] credential_value is off.",
        ),
        hook("changes", "Changes since the previous run", &s.changes, "Not available: no previous run was compared."),
        hook("audit", "Audit", &s.audit, "Not available: no audit was run for this run."),
    ]
}

/// Renders the page of a summary.
///
/// # Errors
/// When the template fails to render (it does not for any summary; the error is kept typed).
pub fn render(s: &PageSummary) -> Result<String, askama::Error> {
    let v = &s.verification;
    let verified = v.statuses.iter().position(|&st| st == crate::verify::Status::Verified).map_or(0, |i| v.overall[i]);
    let headline = vec![
        ("candidates".to_string(), n(s.candidates)),
        ("roles".into(), n(s.roles)),
        ("credentials".into(), n(v.credentials)),
        ("verified".into(), pct(verified, v.credentials)),
        ("rejects".into(), n(s.rejects)),
        ("thin roles".into(), n(s.thin_count)),
    ];
    use super::schema as f;
    let files = vec![
        f::MANIFEST,
        f::SHORTLISTS,
        f::MATCHES,
        f::CANDIDATE_GAPS,
        f::NEXT_CREDENTIALS,
        f::PROFILES,
        f::ROLES,
        f::VERIFICATION,
        f::SUPPLY_DEMAND,
        f::CROSSWALK,
        f::UNMAPPED_SKILLS,
        f::PATHWAYS,
        f::DUPLICATE_POSTINGS,
        f::REJECTS,
    ];
    let subtitle = format!(
        "As of {}. Aggregates and top lists only; every row is in the run folder's files (links below each table).",
        s.as_of
    );
    Page { title: "skillmatch run report", subtitle, as_of: &s.as_of, headline, sections: sections(s), files }.render()
}

/// Renders one section as a page of its own (`skillmatch diff --format html`): the same
/// template, styles and escaping as `report.html`, without the run's headline and file list.
///
/// # Errors
/// When the template fails to render (as [`render`]).
pub fn render_section(
    title: &str,
    subtitle: &str,
    as_of: &str,
    heading: &'static str,
    section: &Section,
) -> Result<String, askama::Error> {
    let sections = vec![hook("section", heading, &Some(section.clone()), "")];
    Page { title, subtitle: subtitle.to_string(), as_of, headline: Vec::new(), sections, files: Vec::new() }.render()
}

/// Writes `report.html` into `dir` (recorded with 0 rows: it is a page, not a table), with the
/// section of changes since the previous run when one was compared and the audit's section
/// when the run has one.
pub fn write(
    dir: &Path,
    input: &ReportInput<'_>,
    changes: Option<Section>,
    audit: Option<Section>,
) -> Result<OutputFile, ReportError> {
    let name = super::schema::REPORT_PAGE;
    let mut page = summary::build(input);
    page.changes = changes;
    page.audit = audit;
    let html = render(&page).map_err(|source| ReportError::Page { path: name.into(), source })?;
    std::fs::write(dir.join(name), html).map_err(|source| ReportError::Io { path: name.into(), source })?;
    super::output_file(dir, name, 0)
}

#[cfg(test)]
mod tests {
    use super::summary::*;
    use super::*;
    use crate::verify::Status;

    const HOSTILE: &str = "<script>alert(\"x\")</script> & 'y'";

    fn hostile_summary() -> PageSummary {
        let row = StatusRow { key: HOSTILE.into(), by_status: vec![3, 1], total: 4 };
        PageSummary {
            as_of: "2026-11-01".into(),
            ingest: vec![KindCounts { kind: HOSTILE.into(), counts: crate::ingest::Counts::default() }],
            rejects_by_kind: vec![Counted { key: HOSTILE.into(), count: 1 }],
            top_reject_reasons: vec![Counted { key: HOSTILE.into(), count: 1 }],
            reject_reasons: 1,
            rejects: 1,
            verification: VerificationSummary {
                credentials: 4,
                statuses: vec![Status::Verified, Status::Revoked],
                overall: vec![3, 1],
                by_format: vec![row.clone()],
                by_tier: vec![row.clone()],
                top_issuers: vec![row],
                issuers: 1,
            },
            candidates: 2,
            candidates_ranked: 1,
            best_scores: Histogram::of([0.5], SCORE_BINS, 0.0, 1.0),
            shortlist_scores: Histogram::of([0.5, 0.7], SCORE_BINS, 0.0, 1.0),
            roles: 1,
            shortlist_rows: 2,
            skills_demanded: 1,
            top_gaps: vec![SkillGap {
                label: HOSTILE.into(),
                roles_required: 1,
                roles_preferred: 0,
                candidates_with_evidence: 0,
                candidates_verified: 0,
            }],
            thin_count: 1,
            thin_roles: vec![ThinRole { id: HOSTILE.into(), title: HOSTILE.into(), skills: 1 }],
            pathways: vec![PathwaySummary { name: HOSTILE.into(), complete: 1, partial: 0 }],
            changes: Some(Section {
                notes: vec![HOSTILE.into()],
                tables: vec![Table {
                    caption: HOSTILE.into(),
                    headers: vec![HOSTILE.into()],
                    rows: vec![vec![HOSTILE.into()]],
                    file: Some(HOSTILE.into()),
                }],
            }),
            audit: None,
            credential_value: None,
        }
    }

    #[test]
    fn every_data_string_is_html_escaped_and_the_page_has_no_script() {
        let html = render(&hostile_summary()).expect("renders");
        assert!(!html.contains("<script"), "raw <script> in the page");
        assert!(!html.contains("alert(\"x\")"), "raw double quote from data in the page");
        // Every place the hostile string went in: ingest kind, reject kind and reason, three
        // status tables, gap label, thin role id and title, pathway, and the hook section's
        // note, caption, header, cell and file link (text and href).
        let escaped = crate::util::html_escape(HOSTILE);
        let escaped_askama = "&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;y&#39;";
        let seen = html.matches(&escaped).count() + html.matches(escaped_askama).count();
        assert_eq!(seen, 16, "{html}");
    }

    #[test]
    fn a_section_without_data_says_it_is_not_available() {
        let html = render(&hostile_summary()).expect("renders");
        let audit = html.split("<section id=\"audit\">").nth(1).expect("audit section");
        let audit = audit.split("</section>").next().expect("closed");
        assert!(audit.contains("Not available"), "{audit}");
        assert!(!audit.contains("<table>"), "{audit}");
    }

    #[test]
    fn numbers_have_thousands_separators_and_fixed_percentages() {
        assert_eq!(n(0), "0");
        assert_eq!(n(999), "999");
        assert_eq!(n(1_000), "1,000");
        assert_eq!(n(1_234_567), "1,234,567");
        assert_eq!(pct(1, 3), "33.3%");
        assert_eq!(pct(0, 0), "0.0%");
    }
}
