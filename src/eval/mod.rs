//! Built-in evaluation of the extractor and the normalizer on labelled data.
//!
//! [`evaluate_dir`] reads every data file it recognises in a folder:
//!
//! * **Decorte** (`*_annotations.with_uri.csv`: `sentence,span,sub_span,label,esco_v1_2_0_uri,…`):
//!   rows are grouped by sentence; the gold set is the sentence's URIs (rows labelled
//!   `LABEL NOT PRESENT` / `UNDERSPECIFIED` have none and only bait false positives). The
//!   predicted set is the distinct skills the [`Extractor`] finds in the sentence. Precision,
//!   recall and F1 are micro-averaged over sentences. The ranking metrics rank a sentence's
//!   skills with [`Extractor::ranked`] (its mentions by confidence, then position; then, with a
//!   semantic matcher, the nearest skills by meaning that were not kept, by cosine) and average
//!   over the sentences with a gold skill, with `r = min(5, |gold|)`: **RP@5** = gold skills in
//!   the top 5 / `r`, as Decorte et al. (2023) and IReRa define it for this benchmark, and
//!   **R-Precision** = gold skills in the top `r` / `r` (stricter; the only one reported before
//!   session 17, under the name R-Precision@5).
//! * **SkillSpan** (`*.conll`: `token<TAB>skill-tag<TAB>knowledge-tag`, BIO, blank line between
//!   sentences): tokens are joined by one space, mentions (character offsets) become the tokens
//!   they overlap, and are compared with the gold skill and knowledge spans: exact-span and
//!   token-overlap precision/recall/F1.
//! * **Nesta** (`hardcoded_ojo_esco_lookup.json`: phrase → `match_id`): each phrase is
//!   normalized with [`Taxonomy::normalize_name`] (then by meaning when the extractor has a
//!   semantic matcher and the dictionary found nothing); a hit is the skill with that UUID, or, for a
//!   skill-group code (`S3.0.0`), a skill whose nearest group's ESCO `code` is that code or below
//!   it (`S1.8.0.1` is below `S1.8`).

mod data;
pub mod matching;
pub mod titles;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::extract::Extractor;
use crate::taxonomy::Taxonomy;
use crate::util::round4;

/// Errors of the evaluation.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A file or folder could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A data file could not be parsed.
    #[error("{path}: {reason}")]
    Parse {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The folder holds no recognised data file.
    #[error(
        "no evaluation data in {0} (expected *_annotations.with_uri.csv, *.conll or hardcoded_ojo_esco_lookup.json)"
    )]
    NoData(String),
}

/// Kind of a data file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DataKind {
    /// Decorte et al. sentence → ESCO URIs.
    Decorte,
    /// SkillSpan BIO span detection.
    Skillspan,
    /// Nesta phrase → ESCO id lookups.
    Nesta,
}

impl DataKind {
    /// `decorte`, `skillspan`, `nesta`.
    pub fn as_str(self) -> &'static str {
        match self {
            DataKind::Decorte => "decorte",
            DataKind::Skillspan => "skillspan",
            DataKind::Nesta => "nesta",
        }
    }

    /// The kind of the file named `name`, if it is a recognised data file.
    pub fn of_file(name: &str) -> Option<DataKind> {
        if name.ends_with("_annotations.with_uri.csv") {
            Some(DataKind::Decorte)
        } else if name.ends_with(".conll") {
            Some(DataKind::Skillspan)
        } else if name == "hardcoded_ojo_esco_lookup.json" {
            Some(DataKind::Nesta)
        } else {
            None
        }
    }
}

/// True positives, false positives and false negatives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// True positives.
    pub tp: u64,
    /// False positives.
    pub fp: u64,
    /// False negatives.
    #[serde(rename = "fn")]
    pub fn_: u64,
}

impl Counts {
    /// Adds another count.
    pub fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }

    /// Precision, recall and F1 (0 when undefined).
    pub fn prf(&self) -> Prf {
        let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let precision = ratio(self.tp, self.tp + self.fp);
        let recall = ratio(self.tp, self.tp + self.fn_);
        let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
        Prf { precision: round4(precision), recall: round4(recall), f1: round4(f1), counts: *self }
    }
}

/// Precision, recall and F1 with the counts behind them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prf {
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
    /// The counts.
    #[serde(flatten)]
    pub counts: Counts,
}

/// Metrics of one file (or of all files of a kind).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileReport {
    /// File name (or `overall/<kind>`).
    pub file: String,
    /// Data kind.
    pub kind: DataKind,
    /// Sentences (Decorte, SkillSpan) or phrases (Nesta) evaluated.
    pub items: usize,
    /// Main metrics: skill sets (Decorte), exact spans (SkillSpan), exact ids (Nesta).
    #[serde(flatten)]
    pub main: Prf,
    /// RP@5: gold skills in the top 5 over `min(5, |gold|)`, as the benchmark's authors define it
    /// (Decorte only).
    pub r_precision_at_5: Option<f64>,
    /// R-Precision: gold skills in the top `r = min(5, |gold|)` over `r` (Decorte only).
    pub r_precision: Option<f64>,
    /// Token-overlap metrics (SkillSpan only).
    pub token: Option<Prf>,
    /// The inputs that hit (Nesta only), sorted.
    pub hits: Option<Vec<String>>,
    #[serde(skip)]
    rp_sum: f64,
    #[serde(skip)]
    r_precision_sum: f64,
    #[serde(skip)]
    rp_n: usize,
}

impl FileReport {
    fn new(file: String, kind: DataKind) -> FileReport {
        FileReport {
            file,
            kind,
            items: 0,
            main: Counts::default().prf(),
            r_precision_at_5: None,
            r_precision: None,
            token: None,
            hits: None,
            rp_sum: 0.0,
            r_precision_sum: 0.0,
            rp_n: 0,
        }
    }

    fn finish(mut self, main: Counts, token: Option<Counts>) -> FileReport {
        self.main = main.prf();
        self.token = token.map(|t| t.prf());
        if self.kind == DataKind::Decorte {
            let mean = |sum: f64| if self.rp_n == 0 { 0.0 } else { round4(sum / self.rp_n as f64) };
            self.r_precision_at_5 = Some(mean(self.rp_sum));
            self.r_precision = Some(mean(self.r_precision_sum));
        }
        self
    }
}

/// The result of [`evaluate_dir`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    /// The folder evaluated.
    pub data: String,
    /// Per file, in file-name order.
    pub files: Vec<FileReport>,
    /// Per kind present, micro-averaged over its files (R-Precision@5 over all sentences).
    pub overall: Vec<FileReport>,
}

/// Evaluates every recognised data file directly in `dir` (or `dir` itself when it is a file).
pub fn evaluate_dir(dir: &Path, taxonomy: &Taxonomy, extractor: &Extractor) -> Result<EvalReport, EvalError> {
    let io = |path: &Path, source| EvalError::Io { path: path.display().to_string(), source };
    let mut paths: Vec<PathBuf> = if dir.is_file() {
        vec![dir.to_path_buf()]
    } else {
        let entries = std::fs::read_dir(dir).map_err(|e| io(dir, e))?;
        let mut v = Vec::new();
        for entry in entries {
            v.push(entry.map_err(|e| io(dir, e))?.path());
        }
        v
    };
    paths.sort();
    let mut files = Vec::new();
    let mut totals: BTreeMap<DataKind, (FileReport, Counts, Option<Counts>)> = BTreeMap::new();
    for path in paths {
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_string) else { continue };
        let Some(kind) = DataKind::of_file(&name) else { continue };
        let bytes = std::fs::read(&path).map_err(|e| io(&path, e))?;
        let parse = |reason: String| EvalError::Parse { path: path.display().to_string(), reason };
        let mut report = FileReport::new(name, kind);
        let (main, token) = match kind {
            DataKind::Decorte => (data::decorte(&bytes, taxonomy, extractor, &mut report).map_err(parse)?, None),
            DataKind::Skillspan => {
                let text = String::from_utf8_lossy(&bytes);
                let (exact, token) = data::skillspan(&text, extractor, &mut report);
                (exact, Some(token))
            }
            DataKind::Nesta => (data::nesta(&bytes, taxonomy, extractor, &mut report).map_err(parse)?, None),
        };
        let total = totals
            .entry(kind)
            .or_insert_with(|| (FileReport::new(format!("overall/{}", kind.as_str()), kind), Counts::default(), None));
        total.0.items += report.items;
        total.0.rp_sum += report.rp_sum;
        total.0.r_precision_sum += report.r_precision_sum;
        total.0.rp_n += report.rp_n;
        if let Some(h) = &report.hits {
            total.0.hits.get_or_insert_with(Vec::new).extend(h.iter().cloned());
        }
        total.1.add(main);
        if let Some(t) = token {
            total.2.get_or_insert_with(Counts::default).add(t);
        }
        files.push(report.finish(main, token));
    }
    if files.is_empty() {
        return Err(EvalError::NoData(dir.display().to_string()));
    }
    let overall = totals.into_values().map(|(r, main, token)| r.finish(main, token)).collect();
    Ok(EvalReport { data: dir.display().to_string(), files, overall })
}

/// Formats a report as a plain-text table.
pub fn format_table(report: &EvalReport) -> String {
    let mut out = format!(
        "{:<48} {:>6} {:>9} {:>9} {:>9} {:>7} {:>7} {:>9}\n",
        "file", "items", "precision", "recall", "f1", "rp@5", "r-prec", "token f1"
    );
    let opt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.4}"));
    for r in report.files.iter().chain(&report.overall) {
        let tok = r.token.map_or("-".to_string(), |t| format!("{:.4}", t.f1));
        out.push_str(&format!(
            "{:<48} {:>6} {:>9.4} {:>9.4} {:>9.4} {:>7} {:>7} {:>9}\n",
            r.file,
            r.items,
            r.main.precision,
            r.main.recall,
            r.main.f1,
            opt(r.r_precision_at_5),
            opt(r.r_precision),
            tok
        ));
    }
    out
}

#[cfg(test)]
mod tests;
