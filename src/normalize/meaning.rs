//! The `[meaning]` table: whether the nightly run also matches by meaning (issue 18), with the
//! sentence encoder of [`crate::semantic`], and what it found. Owned by the normalize stage,
//! the only stage that uses it: (a) skill strings of credentials and postings the dictionary
//! cannot map, (b) free text of postings, (c) job title → occupation. Every switch is off by
//! default, and then the run is the dictionary's, byte for byte.
//!
//! This file imports nothing from `crate::config` (which holds [`MeaningConfig`] as one
//! section), so the config and the normalize stage do not import each other.

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::semantic::skills::{DEFAULT_NAME_THRESHOLD, DEFAULT_SENTENCE_THRESHOLD, SemanticSkills, TextMode};
use crate::semantic::titles::{DEFAULT_TITLE_WEIGHT, SemanticTitles};
use crate::semantic::{Encoder, SemanticError, install};
use crate::taxonomy::Taxonomy;

/// `[meaning]`: which uses of the sentence encoder a run switches on, and their thresholds.
///
/// The field order is the order `manifest.json` serialises the table in: keep it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MeaningConfig {
    /// (a) Skill strings of badges and postings the dictionary leaves unmapped are mapped to
    /// their nearest skill by meaning (full encoder) when the cosine reaches `name_threshold`.
    pub skill_names: bool,
    /// (b) Each sentence of a posting's description adds its nearest skills (up to
    /// `per_sentence`) at or above `sentence_threshold`, after the dictionary's mentions.
    pub posting_text: bool,
    /// (c) A job title's occupation is chosen by the token index and the cosine of the title and
    /// the occupation labels combined (`title_weight`); needs `[taxonomy] infer_from_title`.
    pub job_titles: bool,
    /// How posting sentences and the skill labels they are compared with are embedded:
    /// `encoder` (full model per distinct sentence) or `static` (the distilled token table).
    pub text_mode: TextMode,
    /// Least cosine of a skill string mapped by meaning.
    pub name_threshold: f32,
    /// Least cosine of a sentence → skill match.
    pub sentence_threshold: f32,
    /// Skills kept per sentence, best first (at least 1).
    pub per_sentence: usize,
    /// Weight of the cosine in a title's combined score, in [0, 1].
    pub title_weight: f32,
    /// Also embed every skill's and occupation's alternative labels (once, cached).
    pub alt_labels: bool,
    /// Folder of the installed model; default `$SKILLMATCH_MODEL_DIR`, else the user cache
    /// (where `skillmatch models install` puts it).
    pub model_dir: Option<PathBuf>,
}

impl Default for MeaningConfig {
    fn default() -> Self {
        MeaningConfig {
            skill_names: false,
            posting_text: false,
            job_titles: false,
            text_mode: TextMode::Encoder,
            name_threshold: DEFAULT_NAME_THRESHOLD,
            sentence_threshold: DEFAULT_SENTENCE_THRESHOLD,
            per_sentence: 1,
            title_weight: DEFAULT_TITLE_WEIGHT,
            alt_labels: false,
            model_dir: None,
        }
    }
}

/// A `[meaning]` value out of range; the message names the key.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: [meaning] {0}")]
pub struct MeaningConfigError(String);

impl MeaningConfig {
    /// True when at least one use is switched on (the model is then needed).
    pub fn any(&self) -> bool {
        self.skill_names || self.posting_text || self.job_titles
    }

    /// Checks ranges; every message names the key at fault.
    pub fn validate(&self) -> Result<(), MeaningConfigError> {
        for (key, v) in [("name_threshold", self.name_threshold), ("sentence_threshold", self.sentence_threshold)] {
            if !(v.is_finite() && (-1.0..=1.0).contains(&v)) {
                return Err(MeaningConfigError(format!("{key} = {v} must be a cosine within -1..=1")));
            }
        }
        if !(self.title_weight.is_finite() && (0.0..=1.0).contains(&self.title_weight)) {
            return Err(MeaningConfigError(format!("title_weight = {} must be within 0..=1", self.title_weight)));
        }
        if self.per_sentence == 0 {
            return Err(MeaningConfigError("per_sentence = 0: give at least 1".into()));
        }
        Ok(())
    }

    /// The model folder: `model_dir`, else [`install::default_model_dir`].
    pub fn model_folder(&self) -> PathBuf {
        self.model_dir.clone().unwrap_or_else(install::default_model_dir)
    }

    /// Loads (and checks against its pins) the model when a use is switched on; `None` for a
    /// dictionary-only run. Called before any work, so a missing model fails the run at once
    /// with [`SemanticError::NotInstalled`] (which says to run `skillmatch models install`).
    pub fn load_model(&self) -> Result<Option<Encoder>, SemanticError> {
        if !self.any() {
            return Ok(None);
        }
        Encoder::load(&self.model_folder()).map(Some)
    }
}

/// The matchers a run with meaning uses, built once from the loaded model and the taxonomy.
#[derive(Debug, Clone)]
pub struct Meaning {
    /// (a) skill strings, full encoder.
    pub names: Option<Arc<SemanticSkills>>,
    /// (b) posting sentences, in `text_mode` (attached to the extractor).
    pub text: Option<Arc<SemanticSkills>>,
    /// (c) job titles.
    pub titles: Option<SemanticTitles>,
    /// Least cosine of a skill string mapped by meaning.
    pub name_threshold: f32,
}

impl Meaning {
    /// Embeds (or reads from the cache beside the model) the labels each switched-on use needs.
    /// Skill strings and sentences share one index when both use the full encoder.
    pub fn build(cfg: &MeaningConfig, encoder: &Encoder, taxonomy: &Taxonomy) -> Result<Meaning, SemanticError> {
        let skills = |mode| -> Result<Arc<SemanticSkills>, SemanticError> {
            let mut s = SemanticSkills::build(taxonomy, encoder.clone(), mode, cfg.alt_labels)?;
            s.per_sentence = cfg.per_sentence.max(1);
            s.threshold = cfg.sentence_threshold;
            s.name_threshold = cfg.name_threshold;
            Ok(Arc::new(s))
        };
        let names = cfg.skill_names.then(|| skills(TextMode::Encoder)).transpose()?;
        let text = match (&names, cfg.posting_text) {
            (Some(n), true) if cfg.text_mode == TextMode::Encoder => Some(Arc::clone(n)),
            (_, true) => Some(skills(cfg.text_mode)?),
            (_, false) => None,
        };
        let titles = cfg
            .job_titles
            .then(|| {
                SemanticTitles::build(taxonomy, encoder.clone(), cfg.alt_labels).map(|mut t| {
                    t.weight = cfg.title_weight;
                    t
                })
            })
            .transpose()?;
        Ok(Meaning { names, text, titles, name_threshold: cfg.name_threshold })
    }
}

/// What meaning a run used (`manifest.json` `meaning`): the model and, per use switched on,
/// its mode and thresholds; `used = false` and nothing else for a dictionary-only run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MeaningInfo {
    /// Whether any use was switched on.
    pub used: bool,
    /// The model, when used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelInfo>,
    /// One entry per use switched on, in the order skill_names, posting_text, job_titles.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub uses: Vec<MeaningUse>,
}

/// The sentence encoder a run used.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModelInfo {
    /// Model name (`all-MiniLM-L6-v2`).
    pub name: String,
    /// Each model file with its SHA-256 (checked when the model was loaded).
    pub files: Vec<ModelFile>,
    /// Whether alternative labels were embedded too.
    pub alt_labels: bool,
}

/// One file of the model.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelFile {
    /// File name within the model folder.
    pub path: String,
    /// SHA-256, lowercase hex.
    pub sha256: String,
}

/// One use of meaning in a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MeaningUse {
    /// `skill_names`, `posting_text` or `job_titles`.
    #[serde(rename = "use")]
    pub what: String,
    /// `encoder` or `static`.
    pub mode: String,
    /// Least cosine (skill names, posting text), or least combined title score (job titles).
    pub threshold: f32,
    /// Skills kept per sentence (posting text only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_sentence: Option<usize>,
    /// Weight of the cosine in the combined title score (job titles only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<f32>,
}

impl MeaningInfo {
    /// The block for a run configured with `cfg` (the model's files are the pinned ones
    /// [`Encoder::load`] checked).
    pub fn of(cfg: &MeaningConfig) -> MeaningInfo {
        if !cfg.any() {
            return MeaningInfo::default();
        }
        let files = install::MODEL_FILES
            .iter()
            .map(|(path, sha256)| ModelFile { path: path.to_string(), sha256: sha256.to_string() })
            .collect();
        let model = ModelInfo { name: install::MODEL_NAME.to_string(), files, alt_labels: cfg.alt_labels };
        let mut uses = Vec::new();
        let base = |what: &str, mode: TextMode, threshold| MeaningUse {
            what: what.into(),
            mode: mode.as_str().into(),
            threshold,
            ..MeaningUse::default()
        };
        if cfg.skill_names {
            uses.push(base("skill_names", TextMode::Encoder, cfg.name_threshold));
        }
        if cfg.posting_text {
            let mut u = base("posting_text", cfg.text_mode, cfg.sentence_threshold);
            u.per_sentence = Some(cfg.per_sentence);
            uses.push(u);
        }
        if cfg.job_titles {
            let mut u = base("job_titles", TextMode::Encoder, crate::taxonomy::titles::INFER_MIN_SCORE);
            u.weight = Some(cfg.title_weight);
            uses.push(u);
        }
        MeaningInfo { used: true, model: Some(model), uses }
    }
}

/// Where a role's skill or occupation was found by meaning (a row of `meaning.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct MeaningRow {
    /// The role (posting id).
    pub role_id: String,
    /// `posting_text` (a skill found in a sentence) or `job_titles` (the title's occupation,
    /// whose skills were inferred).
    pub what: &'static str,
    /// URI of the skill or occupation.
    pub uri: String,
    /// Its preferred label.
    pub label: String,
    /// `semantic`, or for a title the method of the winning candidate (`exact`, `token`, …).
    pub method: String,
    /// The cosine (posting text) or the combined score (job titles).
    pub confidence: f32,
    /// The sentence or the title.
    pub evidence: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_by_default_and_out_of_range_values_name_their_key() {
        let c = MeaningConfig::default();
        assert!(!c.any());
        c.validate().expect("defaults are valid");
        assert!(c.load_model().expect("no model needed").is_none());
        assert_eq!(MeaningInfo::of(&c), MeaningInfo::default());
        for (bad, key) in [
            (MeaningConfig { name_threshold: 1.5, ..c.clone() }, "name_threshold"),
            (MeaningConfig { sentence_threshold: f32::NAN, ..c.clone() }, "sentence_threshold"),
            (MeaningConfig { title_weight: -0.1, ..c.clone() }, "title_weight"),
            (MeaningConfig { per_sentence: 0, ..c.clone() }, "per_sentence"),
        ] {
            let e = bad.validate().expect_err(key).to_string();
            assert!(e.contains(key) && e.contains("[meaning]"), "{e}");
        }
    }

    #[test]
    fn a_switch_without_the_model_says_how_to_install_it() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let c = MeaningConfig { posting_text: true, model_dir: Some(tmp.path().to_path_buf()), ..Default::default() };
        let e = c.load_model().expect_err("no model there").to_string();
        assert!(e.contains("skillmatch models install"), "{e}");
    }

    #[test]
    fn the_manifest_block_names_the_model_and_each_use() {
        let c =
            MeaningConfig { skill_names: true, posting_text: true, text_mode: TextMode::Static, ..Default::default() };
        let info = MeaningInfo::of(&c);
        assert!(info.used);
        let m = info.model.as_ref().expect("model");
        assert_eq!(m.name, "all-MiniLM-L6-v2");
        assert_eq!(m.files.len(), 3);
        assert!(m.files.iter().all(|f| f.sha256.len() == 64));
        let uses: Vec<(&str, &str)> = info.uses.iter().map(|u| (u.what.as_str(), u.mode.as_str())).collect();
        assert_eq!(uses, [("skill_names", "encoder"), ("posting_text", "static")]);
        assert_eq!(info.uses[1].per_sentence, Some(1));
        let json = serde_json::to_string(&MeaningInfo::default()).expect("json");
        assert_eq!(json, r#"{"used":false}"#);
    }
}
