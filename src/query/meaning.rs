//! `meaning.csv` read back for explanations: how a role's skill was found by meaning (a
//! sentence of the posting, or the job title's occupation), when the run used `[meaning]`.

use std::path::Path;

use serde::Serialize;

use super::QueryError;
use crate::report::schema::{self, RunFileError};

/// How a role skill was found by meaning.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FoundBy {
    /// `posting_text` (the skill's nearest sentence) or `job_titles` (the skill belongs to the
    /// occupation matched to the title).
    #[serde(rename = "use")]
    pub what: String,
    /// `semantic` for a sentence; for a title the method of the winning occupation (`exact`,
    /// `token`, `semantic`).
    pub method: String,
    /// Cosine of the sentence and the skill, or the title's combined score.
    pub confidence: f64,
    /// The sentence, or the title.
    pub evidence: String,
    /// For a title: the occupation's label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occupation: Option<String>,
}

/// One row of `meaning.csv`.
#[derive(Debug, Clone, serde::Deserialize)]
struct Row {
    role_id: String,
    #[serde(rename = "use")]
    what: String,
    uri: String,
    label: String,
    method: String,
    confidence: f64,
    evidence: String,
}

/// The rows of one role: (skill URI → sentence match) and the title's occupation match, if
/// any. A run without `meaning.csv` (dictionary only) has none.
#[derive(Debug, Default)]
pub(super) struct RoleMeaning {
    sentences: Vec<(String, FoundBy)>,
    title: Option<(String, FoundBy)>,
}

impl RoleMeaning {
    /// Reads `role_id`'s rows of the run's `meaning.csv`.
    pub(super) fn read(dir: &Path, role_id: &str) -> Result<RoleMeaning, QueryError> {
        let path = dir.join(schema::MEANING);
        let mut out = RoleMeaning::default();
        if !path.is_file() {
            return Ok(out);
        }
        let bad = |e: csv::Error| RunFileError::Read { path: path.display().to_string(), reason: e.to_string() };
        let mut r = csv::Reader::from_path(&path).map_err(bad)?;
        for row in r.deserialize::<Row>() {
            let row = row.map_err(bad)?;
            if row.role_id != role_id {
                continue;
            }
            let title = row.what == "job_titles";
            let found = FoundBy {
                what: row.what,
                method: row.method,
                confidence: row.confidence,
                evidence: row.evidence,
                occupation: title.then_some(row.label),
            };
            if title {
                out.title = Some((row.uri, found));
            } else {
                out.sentences.push((row.uri, found));
            }
        }
        Ok(out)
    }

    /// How the role's skill `uri` with `origin` was found by meaning: a sentence for an
    /// extracted skill, the title's occupation for an inferred one.
    pub(super) fn of(&self, uri: &str, origin: crate::score::SkillOrigin) -> Option<FoundBy> {
        match origin {
            crate::score::SkillOrigin::Extracted => {
                self.sentences.iter().find(|(u, _)| u == uri).map(|(_, f)| f.clone())
            }
            crate::score::SkillOrigin::Inferred => self.title.as_ref().map(|(_, f)| f.clone()),
            crate::score::SkillOrigin::Explicit => None,
        }
    }
}
