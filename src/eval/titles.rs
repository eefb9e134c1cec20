//! Job title → occupation evaluation (`skillmatch eval titles`).
//!
//! Reads a CSV with a `text` column (the raw job title) and an `esco_v1_2_0_occupation_uri`
//! column (the gold ESCO occupation; JobBERT's `jobbert_v1_titles.with_uri.csv` layout). Rows with
//! an empty gold URI, or one that is not an occupation of the taxonomy, are counted as skipped.
//! Each title goes through [`TitleIndex::lookup`] with `k = 5`: accuracy@1 and @5 are the shares of
//! evaluated rows whose gold occupation is first / among the first five. The rows whose best match
//! clears [`INFER_MIN_SCORE`] (what [`TitleIndex::infer_role_skills`] would use) are reported with
//! their accuracy@1 as `inferred` / `inferred_accuracy_at_1`.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use super::EvalError;
use crate::taxonomy::Taxonomy;
use crate::taxonomy::titles::{INFER_MIN_SCORE, TitleIndex, TitleMatch, TitleMethod};

/// Metrics of one title file.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TitleReport {
    /// The file.
    pub file: String,
    /// Data rows read.
    pub rows: u64,
    /// Rows without a usable gold URI.
    pub skipped: u64,
    /// Rows evaluated.
    pub evaluated: u64,
    /// Evaluated rows with no candidate at all.
    pub no_prediction: u64,
    /// Gold occupation ranked first.
    pub hits_at_1: u64,
    /// Gold occupation in the first five.
    pub hits_at_5: u64,
    /// `hits_at_1 / evaluated`.
    pub accuracy_at_1: f64,
    /// `hits_at_5 / evaluated`.
    pub accuracy_at_5: f64,
    /// Evaluated rows answered by an exact title match.
    pub exact: u64,
    /// Accuracy@1 on those rows.
    pub exact_accuracy_at_1: f64,
    /// Evaluated rows whose best score is at least [`INFER_MIN_SCORE`].
    pub inferred: u64,
    /// Accuracy@1 on those rows.
    pub inferred_accuracy_at_1: f64,
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Evaluates `index` on the title CSV at `path`.
///
/// Errors: the file cannot be read ([`EvalError::Io`]), is not CSV or lacks the `text` /
/// `esco_v1_2_0_occupation_uri` columns ([`EvalError::Parse`]).
pub fn evaluate_titles(path: &Path, esco: &Taxonomy, index: &TitleIndex) -> Result<TitleReport, EvalError> {
    evaluate_titles_with(path, esco, &|title: &str, k: usize| index.lookup(title, k))
}

/// [`evaluate_titles`] with any title → occupations function (e.g. the token index combined
/// with meaning, [`crate::semantic::titles::SemanticTitles::lookup`]).
pub fn evaluate_titles_with(
    path: &Path,
    esco: &Taxonomy,
    lookup: &(dyn Fn(&str, usize) -> Vec<TitleMatch> + Sync),
) -> Result<TitleReport, EvalError> {
    let shown = path.display().to_string();
    let parse = |reason: String| EvalError::Parse { path: shown.clone(), reason };
    let bytes = std::fs::read(path).map_err(|source| EvalError::Io { path: shown.clone(), source })?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes.as_slice());
    let headers = reader.headers().map_err(|e| parse(e.to_string()))?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').trim() == name)
            .ok_or_else(|| parse(format!("missing column `{name}`")))
    };
    let (ti, ui) = (col("text")?, col("esco_v1_2_0_occupation_uri")?);
    let occ_by_uri: HashMap<&str, u32> = esco.occupations().iter().zip(0..).map(|(o, i)| (o.uri.as_str(), i)).collect();
    let mut r = TitleReport { file: shown.clone(), ..TitleReport::default() };
    let (mut exact_hits, mut inferred_hits) = (0, 0);
    let mut rows: Vec<(String, u32)> = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| parse(e.to_string()))?;
        r.rows += 1;
        let Some(&gold) = occ_by_uri.get(rec.get(ui).unwrap_or("").trim()) else {
            r.skipped += 1;
            continue;
        };
        rows.push((rec.get(ti).unwrap_or("").to_string(), gold));
    }
    // Looked up in parallel, counted in file order.
    use rayon::prelude::*;
    let answers: Vec<Vec<TitleMatch>> = rows.par_iter().map(|(title, _)| lookup(title, 5)).collect();
    for ((_, gold), found) in rows.iter().zip(answers) {
        let gold = *gold;
        r.evaluated += 1;
        let Some(first) = found.first() else {
            r.no_prediction += 1;
            continue;
        };
        let hit1 = first.occupation == gold;
        r.hits_at_1 += u64::from(hit1);
        r.hits_at_5 += u64::from(found.iter().any(|m| m.occupation == gold));
        if first.method == TitleMethod::Exact {
            r.exact += 1;
            exact_hits += u64::from(hit1);
        }
        if first.score >= INFER_MIN_SCORE {
            r.inferred += 1;
            inferred_hits += u64::from(hit1);
        }
    }
    r.accuracy_at_1 = ratio(r.hits_at_1, r.evaluated);
    r.accuracy_at_5 = ratio(r.hits_at_5, r.evaluated);
    r.exact_accuracy_at_1 = ratio(exact_hits, r.exact);
    r.inferred_accuracy_at_1 = ratio(inferred_hits, r.inferred);
    Ok(r)
}

/// The report as an aligned table for people.
pub fn format_titles_table(r: &TitleReport) -> String {
    let mut out = String::new();
    out.push_str(&format!("file: {}\n", r.file));
    out.push_str(&format!(
        "rows {}  evaluated {}  skipped {}  no prediction {}\n",
        r.rows, r.evaluated, r.skipped, r.no_prediction
    ));
    out.push_str(&format!("accuracy@1 {:.4} ({} hits)\n", r.accuracy_at_1, r.hits_at_1));
    out.push_str(&format!("accuracy@5 {:.4} ({} hits)\n", r.accuracy_at_5, r.hits_at_5));
    out.push_str(&format!("exact title matches {}  accuracy@1 {:.4}\n", r.exact, r.exact_accuracy_at_1));
    out.push_str(&format!(
        "score >= {INFER_MIN_SCORE} (inferred) {}  accuracy@1 {:.4}\n",
        r.inferred, r.inferred_accuracy_at_1
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::tests::esco;

    #[test]
    fn scores_a_small_file() {
        let t = esco();
        let index = TitleIndex::build(t, None);
        let ds = t.occupations().iter().find(|o| o.label == "data scientist").expect("data scientist");
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("titles.csv");
        let body = format!(
            "text,label,esco_v1_2_0_occupation_uri,uri_resolution\nData Scientist,data scientist,{u},x\n\"Senior Data Scientist, KL\",data scientist,{u},x\nfoo,bar,,unresolved\n",
            u = ds.uri
        );
        std::fs::write(&p, body).expect("write");
        let r = evaluate_titles(&p, t, &index).expect("evaluates");
        assert_eq!((r.rows, r.evaluated, r.skipped), (3, 2, 1));
        assert_eq!(r.hits_at_1, 2);
        assert_eq!(r.exact, 1);
        assert!((r.accuracy_at_5 - 1.0).abs() < 1e-9);
        std::fs::write(&p, "a,b\n1,2\n").expect("write");
        assert!(matches!(evaluate_titles(&p, t, &index), Err(EvalError::Parse { .. })));
    }
}
