//! The audit's result, as types: what the writers format (they compute nothing).

use serde::Serialize;

use super::outcomes::PopulationSource;
use super::stats::Interval;

/// Whether a category takes part in the impact-ratio comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoryStatus {
    /// Compared: its impact ratios are computed and flagged.
    Compared,
    /// Under 2 % of the sample: reported, but left out of the impact-ratio comparison (as the
    /// NYC rules allow).
    UnderTwoPercent,
}

impl CategoryStatus {
    /// The name written in CSV and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            CategoryStatus::Compared => "compared",
            CategoryStatus::UnderTwoPercent => "under_2_percent",
        }
    }
}

/// A rate of one category (selection or scoring) and how it compares.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateStat {
    /// Candidates of the category with the outcome (selected, or scoring above the median).
    pub count: usize,
    /// `count / n`.
    pub rate: f64,
    /// 95 % Wilson score interval of the rate.
    pub ci: Interval,
    /// `rate / highest compared rate`; `None` for a category left out of the comparison or when
    /// the highest rate is 0.
    pub impact_ratio: Option<f64>,
    /// The impact ratio is below 4/5 (the EEOC four-fifths rule).
    pub below_four_fifths: bool,
}

/// One category of one dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryRow {
    /// The category (for an intersection, the values joined by ` × `).
    pub category: String,
    /// Candidates in the category.
    pub n: usize,
    /// `n / sample`.
    pub share: f64,
    /// Compared or left out (under 2 %).
    pub status: CategoryStatus,
    /// Selection: in the top-K shortlist of at least one role.
    pub selection: RateStat,
    /// Scoring: best score strictly above the sample's median best score.
    pub scoring: RateStat,
}

/// Candidates whose category is unknown in a dimension: counted, never compared.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct UnknownCounts {
    /// Candidates with an unknown category (empty, `unknown`, or not in the demographics file).
    pub n: usize,
    /// Of them, selected.
    pub selected: usize,
    /// Of them, scoring above the median.
    pub scored_above_median: usize,
}

/// One dimension: a category column, or the intersection of all of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DimensionAudit {
    /// The column name, or the names joined by ` × ` for the intersection.
    pub name: String,
    /// True for the intersection of all category columns.
    pub intersection: bool,
    /// Known categories, by name.
    pub categories: Vec<CategoryRow>,
    /// Candidates with an unknown category.
    pub unknown: UnknownCounts,
    /// The compared category with the highest selection rate (the ratios' reference).
    pub highest_selection: Option<String>,
    /// The compared category with the highest scoring rate.
    pub highest_scoring: Option<String>,
}

/// One category's selection rate in one role's shortlist (`--per-role`). Every candidate of the
/// sample counts in every role's denominator; scoring rates are not computed per role.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoleRow {
    /// The role.
    pub role_id: String,
    /// The dimension (as in [`DimensionAudit::name`]).
    pub dimension: String,
    /// True for the intersection.
    pub intersection: bool,
    /// The category.
    pub category: String,
    /// Candidates in the category (the same as overall).
    pub n: usize,
    /// Compared or left out (under 2 %, as overall).
    pub status: CategoryStatus,
    /// In this role's top-K.
    pub selection: RateStat,
}

/// The whole audit of one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditReport {
    /// Shortlist cut-off used for selection.
    pub top_k: usize,
    /// The run's own top-K.
    pub run_top_k: usize,
    /// Where the list of the run's candidates came from.
    pub population: PopulationSource,
    /// Candidates of the run (the sample).
    pub sample: usize,
    /// Of them, selected.
    pub selected: usize,
    /// Median of the sample's best scores (the scoring-rate threshold).
    pub median_best_score: f64,
    /// Candidates whose best score is strictly above the median.
    pub scored_above_median: usize,
    /// Candidates of the run absent from the demographics file (unknown in every dimension).
    pub not_in_demographics: usize,
    /// Ids of the demographics file that are not candidates of the run (left out entirely).
    pub not_in_run: usize,
    /// Confidence level of the intervals (0.95).
    pub confidence: f64,
    /// The interval method (`wilson`).
    pub interval_method: &'static str,
    /// Share of the sample under which a category is left out of the comparison (0.02).
    pub min_share: f64,
    /// Impact ratio under which a category is flagged (0.8).
    pub four_fifths: f64,
    /// Each category column, then their intersection (when there are two or more columns).
    pub dimensions: Vec<DimensionAudit>,
    /// Per role, per dimension and category: selection in that role's top-K (only when asked
    /// for; roles by id, then dimensions and categories in the order above).
    pub per_role: Vec<RoleRow>,
}

impl AuditReport {
    /// Every (dimension, category) flagged by the four-fifths rule, on selection or scoring.
    pub fn flagged(&self) -> Vec<(&DimensionAudit, &CategoryRow)> {
        self.dimensions
            .iter()
            .flat_map(|d| d.categories.iter().map(move |c| (d, c)))
            .filter(|(_, c)| c.selection.below_four_fifths || c.scoring.below_four_fifths)
            .collect()
    }
}
