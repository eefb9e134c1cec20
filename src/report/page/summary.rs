//! The typed aggregates `report.html` shows, built from the [`ReportInput`] before any
//! formatting: counts by key, histogram bins, the top-N rows of each table. Everything is
//! ordered by count (descending) then by key, so the page is the same at any thread count.
//!
//! The page writer ([`super`]) only turns these values into text; it computes nothing.

use std::collections::BTreeMap;

use super::super::ReportInput;
use super::super::skills::SkillTally;
use crate::ingest::Counts;
use crate::verify::Status;

/// Rows kept in each top-N table of the page (the full lists are in the CSV / Parquet files).
pub const TOP_N: usize = 15;
/// Bins of each score histogram (scores are in [0, 1]).
pub const SCORE_BINS: usize = 20;

/// Counts of values falling into equal-width bins over `[lo, hi]`; values outside are clamped
/// into the first or last bin (scores are in [0, 1], so none are in practice).
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// Lower edge of the first bin.
    pub lo: f64,
    /// Upper edge of the last bin.
    pub hi: f64,
    /// Values per bin, lowest bin first.
    pub counts: Vec<u64>,
}

impl Histogram {
    /// Bins `values` into `bins` equal-width bins over `[lo, hi]`; bin `i` holds
    /// `lo + i·w <= v < lo + (i+1)·w`, the last bin also `v == hi`. NaN values are skipped.
    pub fn of(values: impl IntoIterator<Item = f64>, bins: usize, lo: f64, hi: f64) -> Histogram {
        let bins = bins.max(1);
        let mut counts = vec![0u64; bins];
        let width = (hi - lo) / bins as f64;
        for v in values.into_iter().filter(|v| !v.is_nan()) {
            let i = if width > 0.0 { ((v - lo) / width).floor() } else { 0.0 };
            let i = if i < 0.0 { 0 } else { (i as usize).min(bins - 1) };
            counts[i] += 1;
        }
        Histogram { lo, hi, counts }
    }

    /// Values counted.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// Ingest counts of one input kind (`roster`, `badge`, `posting`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindCounts {
    /// Input kind.
    pub kind: String,
    /// Read, accepted, rejected.
    pub counts: Counts,
}

/// A key with its count (a reject reason, an issuer, a tier…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    /// What is counted.
    pub key: String,
    /// How many.
    pub count: u64,
}

/// Credentials per status for one key (a format, a tier, an issuer), in [`Status::ALL`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRow {
    /// The format, tier or issuer.
    pub key: String,
    /// Credentials per status, one entry per column of [`VerificationSummary::statuses`].
    pub by_status: Vec<u64>,
    /// All credentials of the key.
    pub total: u64,
}

/// Verification outcomes by format, issuer tier and issuer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VerificationSummary {
    /// Credentials verified (all statuses).
    pub credentials: u64,
    /// The statuses that occur in the run, in [`Status::ALL`] order (the table columns).
    pub statuses: Vec<Status>,
    /// Credentials per status over all credentials (same columns).
    pub overall: Vec<u64>,
    /// By badge format (`ob2`, `ob3`, `credly`), by name.
    pub by_format: Vec<StatusRow>,
    /// By the issuer's accreditation tier in the trust store (`unknown issuer` when the store
    /// does not know it, `no issuer id` when the credential names none, `no trust store` for all
    /// when the run had none), most credentials first.
    pub by_tier: Vec<StatusRow>,
    /// The [`TOP_N`] issuers with most credentials.
    pub top_issuers: Vec<StatusRow>,
    /// Distinct issuers in the run.
    pub issuers: u64,
}

/// One skill's demand (roles asking for it) against its supply (candidates proving it).
#[derive(Debug, Clone, PartialEq)]
pub struct SkillGap {
    /// Taxonomy label.
    pub label: String,
    /// Roles requiring it.
    pub roles_required: u64,
    /// Roles preferring it.
    pub roles_preferred: u64,
    /// Candidates with counted evidence of it.
    pub candidates_with_evidence: u64,
    /// Candidates with verified evidence of it.
    pub candidates_verified: u64,
}

impl SkillGap {
    /// Roles asking for the skill (required or preferred).
    pub fn demand(&self) -> u64 {
        self.roles_required + self.roles_preferred
    }

    /// Candidates with verified evidence per role requiring it (the gap ranking key; lower is a
    /// wider gap).
    pub fn verified_per_role(&self) -> f64 {
        self.candidates_verified as f64 / self.roles_required.max(1) as f64
    }
}

/// A role with too few skills to rank with confidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThinRole {
    /// Role id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Skills the role lists.
    pub skills: u64,
}

/// One configured pathway's progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathwaySummary {
    /// Pathway name.
    pub name: String,
    /// Candidates who completed it.
    pub complete: u64,
    /// Candidates who started but did not complete it.
    pub partial: u64,
}

/// A section filled by a later comparison (changes since the previous run, the audit): titled
/// tables. The page shows "not available" while a section is `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Section {
    /// Sentences shown above the tables.
    pub notes: Vec<String>,
    /// The tables, in order.
    pub tables: Vec<Table>,
}

/// A small table of text cells, formatted and escaped by the page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// Caption.
    pub caption: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows of cells (as many as headers).
    pub rows: Vec<Vec<String>>,
    /// A run-folder file holding the full data (relative link), if any.
    pub file: Option<String>,
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct PageSummary {
    /// The run's as-of date (the only date on the page).
    pub as_of: String,
    /// Ingest counts per input kind, by kind.
    pub ingest: Vec<KindCounts>,
    /// Rejects per input kind.
    pub rejects_by_kind: Vec<Counted>,
    /// The [`TOP_N`] most frequent reject reasons (`kind: reason`).
    pub top_reject_reasons: Vec<Counted>,
    /// Distinct reject reasons.
    pub reject_reasons: u64,
    /// Rejects in all.
    pub rejects: u64,
    /// Verification outcomes.
    pub verification: VerificationSummary,
    /// Candidates, and candidates with at least one scored role.
    pub candidates: u64,
    /// Candidates with a ranked role.
    pub candidates_ranked: u64,
    /// Each ranked candidate's best score.
    pub best_scores: Histogram,
    /// Every shortlist entry's score.
    pub shortlist_scores: Histogram,
    /// Roles, and shortlist entries.
    pub roles: u64,
    /// Shortlist entries (role, candidate).
    pub shortlist_rows: u64,
    /// Skills asked for by at least one role.
    pub skills_demanded: u64,
    /// The [`TOP_N`] widest gaps: required skills with the fewest verified candidates per role
    /// requiring them.
    pub top_gaps: Vec<SkillGap>,
    /// Thin roles in all.
    pub thin_count: u64,
    /// The first [`TOP_N`] thin roles by id.
    pub thin_roles: Vec<ThinRole>,
    /// Pathways (empty when none is configured).
    pub pathways: Vec<PathwaySummary>,
    /// What the badge classes with most effect move in the ranking (`None`: no class has enough
    /// holders, or `[score] credential_value` is off).
    pub credential_value: Option<Section>,
    /// Changes since the previous run (`None`: not computed for this run).
    pub changes: Option<Section>,
    /// Audit (`None`: not computed for this run).
    pub audit: Option<Section>,
}

/// Sorts counted keys by count (descending) then key, and keeps the first `n`.
fn top(map: BTreeMap<String, u64>, n: usize) -> Vec<Counted> {
    let mut v: Vec<Counted> = map.into_iter().map(|(key, count)| Counted { key, count }).collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    v.truncate(n);
    v
}

/// Builds the summary of a run.
pub fn build(input: &ReportInput<'_>) -> PageSummary {
    let ingest =
        input.ingest_counts.iter().map(|(kind, counts)| KindCounts { kind: kind.clone(), counts: *counts }).collect();
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_reason: BTreeMap<String, u64> = BTreeMap::new();
    for r in input.rejects {
        *by_kind.entry(r.kind.clone()).or_default() += 1;
        *by_reason.entry(format!("{}: {}", r.kind, r.reason)).or_default() += 1;
    }
    let reject_reasons = by_reason.len() as u64;
    let d = input.matches;
    let best = d.candidate_pairs.iter().filter(|m| m.rank == 1).map(|m| m.score);
    let (thin_count, thin_roles) = thin(input);
    let tally = super::super::skills::tally(input);
    PageSummary {
        as_of: input.as_of.to_string(),
        ingest,
        rejects_by_kind: top(by_kind, usize::MAX),
        top_reject_reasons: top(by_reason, TOP_N),
        reject_reasons,
        rejects: input.rejects.len() as u64,
        verification: verification(input),
        candidates: input.profiles.len() as u64,
        candidates_ranked: d.candidate_pairs.iter().filter(|m| m.rank == 1).count() as u64,
        best_scores: Histogram::of(best, SCORE_BINS, 0.0, 1.0),
        shortlist_scores: Histogram::of(d.role_pairs.iter().map(|m| m.score), SCORE_BINS, 0.0, 1.0),
        roles: input.roles.len() as u64,
        shortlist_rows: d.role_pairs.len() as u64,
        skills_demanded: tally.values().filter(|t| t.demand() > 0).count() as u64,
        top_gaps: gaps(input, tally),
        thin_count,
        thin_roles,
        pathways: pathways(input),
        credential_value: credential_value(input),
        changes: None,
        audit: None,
    }
}

/// The [`TOP_N`] badge classes of `credential_value.csv` (already in order: roles lost, then
/// roles gained), as a section.
fn credential_value(input: &ReportInput<'_>) -> Option<Section> {
    if input.credential_value.is_empty() {
        return None;
    }
    let ci = |m: f64, (lo, hi): (f64, f64)| format!("{m:.2} ({lo:.2}–{hi:.2})");
    let rows = input
        .credential_value
        .iter()
        .take(TOP_N)
        .map(|v| {
            let class = &input.catalog.classes[v.class as usize];
            vec![
                class.name.clone(),
                class.issuer.clone(),
                v.holders.to_string(),
                ci(v.mean_roles_lost, v.lost_ci),
                ci(v.mean_roles_gained_verified, v.gained_ci),
            ]
        })
        .collect();
    Some(Section {
        notes: vec![format!(
            "{} badge classes with enough holders. Roles lost: of a holder's top-K roles, how many leave it when the class's evidence is removed; roles gained: new top-K roles of a non-holder given the class, verified (95% bootstrap intervals). A property of this ranking, not a wage estimate.",
            input.credential_value.len()
        )],
        tables: vec![Table {
            caption: format!("Badge classes that move the ranking most (first {TOP_N})"),
            headers: ["Badge class", "Issuer", "Holders", "Roles lost per holder", "Roles gained per non-holder"]
                .map(String::from)
                .to_vec(),
            rows,
            file: Some(super::super::schema::CREDENTIAL_VALUE.into()),
        }],
    })
}

/// Per key, credentials per status (indexed like [`Status::ALL`]).
type StatusCounts = BTreeMap<String, [u64; 11]>;

fn status_index(s: Status) -> usize {
    Status::ALL.iter().position(|&x| x == s).unwrap_or(0)
}

fn verification(input: &ReportInput<'_>) -> VerificationSummary {
    let (mut by_format, mut by_tier, mut by_issuer) = (StatusCounts::new(), StatusCounts::new(), StatusCounts::new());
    let mut overall = [0u64; 11];
    let no_store = input.trust.files().is_empty();
    for v in input.credentials {
        let i = status_index(v.status);
        overall[i] += 1;
        let c = &v.credential;
        by_format.entry(c.format.as_str().to_string()).or_default()[i] += 1;
        let tier = match c.issuer_id.as_deref() {
            _ if no_store => "no trust store".to_string(),
            None => "no issuer id".to_string(),
            Some(id) => input.trust.issuer_known(id).map_or_else(|| "unknown issuer".to_string(), |k| k.tier),
        };
        by_tier.entry(tier).or_default()[i] += 1;
        let issuer = c.issuer_name.as_deref().or(c.issuer_id.as_deref()).unwrap_or("(none)").to_string();
        by_issuer.entry(issuer).or_default()[i] += 1;
    }
    let columns: Vec<usize> = (0..Status::ALL.len()).filter(|&i| overall[i] > 0).collect();
    let rows = |m: StatusCounts, n: usize, by_count: bool| {
        let mut v: Vec<StatusRow> = m
            .into_iter()
            .map(|(key, c)| StatusRow {
                key,
                by_status: columns.iter().map(|&i| c[i]).collect(),
                total: c.iter().sum(),
            })
            .collect();
        if by_count {
            v.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.key.cmp(&b.key)));
        }
        v.truncate(n);
        v
    };
    let issuers = by_issuer.len() as u64;
    VerificationSummary {
        credentials: input.credentials.len() as u64,
        statuses: columns.iter().map(|&i| Status::ALL[i]).collect(),
        overall: columns.iter().map(|&i| overall[i]).collect(),
        by_format: rows(by_format, usize::MAX, false),
        by_tier: rows(by_tier, usize::MAX, true),
        top_issuers: rows(by_issuer, TOP_N, true),
        issuers,
    }
}

/// The widest gaps among skills some role requires: fewest verified candidates per requiring
/// role first, then most roles requiring, then most preferring, then label.
fn gaps(input: &ReportInput<'_>, tally: BTreeMap<crate::taxonomy::SkillId, SkillTally>) -> Vec<SkillGap> {
    let mut v: Vec<SkillGap> = tally
        .into_iter()
        .filter(|(_, t)| t.roles_required > 0)
        .map(|(skill, t)| SkillGap {
            label: input.taxonomy.skill(skill).label.clone(),
            roles_required: t.roles_required,
            roles_preferred: t.roles_preferred,
            candidates_with_evidence: t.candidates_with_evidence,
            candidates_verified: t.candidates_verified,
        })
        .collect();
    v.sort_by(|a, b| {
        a.verified_per_role()
            .total_cmp(&b.verified_per_role())
            .then_with(|| b.roles_required.cmp(&a.roles_required))
            .then_with(|| b.roles_preferred.cmp(&a.roles_preferred))
            .then_with(|| a.label.cmp(&b.label))
    });
    v.truncate(TOP_N);
    v
}

fn thin(input: &ReportInput<'_>) -> (u64, Vec<ThinRole>) {
    let thin: Vec<&crate::score::Role> =
        input.roles.iter().zip(input.thin_roles).filter(|(_, t)| **t).map(|(r, _)| r).collect();
    let list = thin
        .iter()
        .take(TOP_N)
        .map(|r| ThinRole { id: r.id.clone(), title: r.title.clone(), skills: r.skills.len() as u64 })
        .collect();
    (thin.len() as u64, list)
}

fn pathways(input: &ReportInput<'_>) -> Vec<PathwaySummary> {
    let mut v: Vec<PathwaySummary> = input
        .pathways
        .iter()
        .map(|p| PathwaySummary { name: p.config.name.clone(), complete: 0, partial: 0 })
        .collect();
    for p in input.pathway_progress {
        if let Some(s) = v.get_mut(p.pathway as usize) {
            if p.complete {
                s.complete += 1;
            } else {
                s.partial += 1;
            }
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_bins_are_half_open_and_the_top_edge_falls_in_the_last_bin() {
        let h = Histogram::of([0.0, 0.04999, 0.05, 0.5, 0.99, 1.0, f64::NAN], 20, 0.0, 1.0);
        assert_eq!(h.counts.len(), 20);
        assert_eq!(h.counts[0], 2, "0.0 and 0.04999 in [0, 0.05)");
        assert_eq!(h.counts[1], 1, "0.05 in [0.05, 0.1)");
        assert_eq!(h.counts[10], 1, "0.5 in [0.5, 0.55)");
        assert_eq!(h.counts[19], 2, "0.99 and 1.0 in the last bin");
        assert_eq!(h.total(), 6, "NaN is skipped");
    }

    #[test]
    fn histogram_clamps_values_outside_the_range_into_the_end_bins() {
        let h = Histogram::of([-0.5, 1.5], 4, 0.0, 1.0);
        assert_eq!(h.counts, vec![1, 0, 0, 1]);
    }

    #[test]
    fn top_orders_by_count_then_key_and_keeps_n() {
        let m: BTreeMap<String, u64> = [("b", 2), ("a", 2), ("c", 5), ("d", 1)].map(|(k, v)| (k.to_string(), v)).into();
        let keys: Vec<String> = top(m, 3).into_iter().map(|c| format!("{}={}", c.key, c.count)).collect();
        assert_eq!(keys, ["c=5", "a=2", "b=2"]);
    }

    #[test]
    fn gaps_rank_fewest_verified_candidates_per_requiring_role_first() {
        let g = |label: &str, req: u64, verified: u64| SkillGap {
            label: label.into(),
            roles_required: req,
            roles_preferred: 0,
            candidates_with_evidence: verified,
            candidates_verified: verified,
        };
        assert!(g("a", 10, 5).verified_per_role() < g("b", 2, 5).verified_per_role());
        let preferred_only = SkillGap { roles_preferred: 4, ..g("p", 0, 3) };
        assert_eq!(preferred_only.verified_per_role(), 3.0, "no requiring role counts as one, never a division by 0");
    }
}
