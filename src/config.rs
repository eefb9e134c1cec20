//! Run configuration: a TOML file (see `datasets/demo/skillmatch.toml`) overridden by CLI flags.
//!
//! Relative paths in a config file are resolved against the folder that holds the file, so a
//! config can be run from any working directory (cron jobs usually run from `/`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::score::{ScoreConfig, ScoreConfigError, ScoreParams};
use crate::verify::VerifyPolicy;

/// Errors in the configuration: always a usage problem (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The config file is not valid TOML or has unknown / wrongly typed keys.
    #[error("config file {path} is invalid: {reason}")]
    Parse {
        /// The file.
        path: String,
        /// The parser's message (names the key and line).
        reason: String,
    },
    /// A value is out of range or inconsistent.
    #[error("invalid configuration: {0}")]
    Invalid(String),
    /// A `[score]` or `[evidence]` value is out of range (checked by the score stage's own
    /// [`ScoreConfig::validate`]).
    #[error("invalid configuration: {0}")]
    Score(#[from] ScoreConfigError),
    /// A `[meaning]` value is out of range (checked by the normalize stage's own
    /// [`crate::normalize::MeaningConfig::validate`]).
    #[error(transparent)]
    Meaning(#[from] crate::normalize::meaning::MeaningConfigError),
}

/// Input files of a run (`[inputs]`): owned by the ingest stage, which takes it whole.
pub use crate::ingest::InputsConfig;

/// Which taxonomy to load and how to match against it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct TaxonomyConfig {
    /// Load ESCO from `esco_dir` (default); `false`: use only the `custom` taxonomies.
    pub esco: bool,
    /// Folder of the ESCO CSV export (v1.2.0 layout); in a config file without it, the bundled
    /// ESCO ([`bundled_esco_dir`]), wherever the config lives.
    pub esco_dir: PathBuf,
    /// An organisation's own taxonomies: CSV files `id,label,alt_labels,parent`, added after
    /// ESCO in this order (see [`crate::taxonomy::TaxonomyBuilder::add_custom`]).
    pub custom: Vec<PathBuf>,
    /// Minimum similarity for a fuzzy match, in (0, 1]; `None` keeps the built-in default.
    pub fuzzy_threshold: Option<f32>,
    /// An organisation's own synonyms: CSV files `alias,uri` or `alias,label`.
    pub aliases: Vec<PathBuf>,
    /// Complete postings with no skills and little text from their job title's ESCO occupation.
    pub infer_from_title: bool,
    /// With `infer_from_title`, every posting whose title names an occupation also gets the
    /// occupation's skills it does not list, as `inferred` skills (weighted by `[score]
    /// inferred_weight`), not only postings without skills.
    pub title_profile: bool,
    /// Folder of O*NET 29.2 (`Technology Skills`, `Alternate Titles`, …); default: `onet-29.2`
    /// beside `esco_dir`, when that folder exists and `esco` is on (see
    /// [`TaxonomyConfig::onet_folder`]).
    pub onet_dir: Option<PathBuf>,
    /// The ESCO ↔ O*NET occupation crosswalk (file, or folder holding it); default:
    /// `crosswalk-nesta` beside `esco_dir`, when it exists and `esco` is on (see
    /// [`TaxonomyConfig::crosswalk_path`]).
    pub crosswalk: Option<PathBuf>,
    /// Map O*NET technology names ("Microsoft Excel", "Tableau") in skill strings and posting
    /// text: to the ESCO skill with that label, else to an O*NET technology skill.
    pub onet_technologies: bool,
    /// Match job titles against O*NET alternate titles too (through the crosswalk), not only
    /// ESCO occupation labels.
    pub onet_titles: bool,
}

impl TaxonomyConfig {
    /// The O*NET folder to use: `onet_dir` if set, else `onet-29.2` beside `esco_dir` if it is a
    /// folder and `esco` is on, else none (O*NET is then not used). Without ESCO, O*NET is used
    /// only when `onet_dir` names it.
    pub fn onet_folder(&self) -> Option<PathBuf> {
        self.onet_dir.clone().or_else(|| self.beside_esco("onet-29.2"))
    }

    /// The crosswalk to use: `crosswalk` if set, else `crosswalk-nesta` beside `esco_dir` if it
    /// exists and `esco` is on, else none.
    pub fn crosswalk_path(&self) -> Option<PathBuf> {
        self.crosswalk.clone().or_else(|| self.beside_esco("crosswalk-nesta"))
    }

    /// `name` in the folder holding `esco_dir`, if it exists and ESCO is used.
    fn beside_esco(&self, name: &str) -> Option<PathBuf> {
        let dir = self.esco_dir.parent()?.join(name);
        (self.esco && dir.exists()).then_some(dir)
    }

    /// What [`crate::taxonomy::Taxonomy::load`] reads for this configuration: ESCO (when
    /// `esco`), the `custom` files, the `aliases`, the fuzzy threshold, and the technologies of
    /// `onet` when given (the caller loads O*NET: it also serves job titles).
    pub fn load_spec<'a>(&'a self, onet: Option<&'a crate::taxonomy::onet::Onet>) -> crate::taxonomy::LoadSpec<'a> {
        crate::taxonomy::LoadSpec {
            esco_dir: self.esco.then_some(self.esco_dir.as_path()),
            custom: &self.custom,
            aliases: &self.aliases,
            onet_technologies: onet,
            fuzzy_threshold: self.fuzzy_threshold,
        }
    }
}

/// The ESCO folder shipped with skillmatch: `datasets/taxonomy/esco-v1.2.0` in the working
/// directory when there, else in the source checkout the binary was built from.
pub fn bundled_esco_dir() -> PathBuf {
    let relative = Path::new("datasets/taxonomy/esco-v1.2.0");
    if relative.is_dir() {
        return relative.to_path_buf();
    }
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    if checkout.is_dir() { checkout } else { relative.to_path_buf() }
}

impl Default for TaxonomyConfig {
    fn default() -> Self {
        TaxonomyConfig {
            esco: true,
            esco_dir: PathBuf::from("datasets/taxonomy/esco-v1.2.0"),
            custom: Vec::new(),
            fuzzy_threshold: None,
            aliases: Vec::new(),
            infer_from_title: true,
            title_profile: true,
            onet_dir: None,
            crosswalk: None,
            onet_technologies: true,
            onet_titles: true,
        }
    }
}

/// Reads `[run] as_of` with [`crate::ingest::dates::parse_as_of`]: a string, or a TOML date
/// literal (`as_of = 2026-11-01`).
fn strict_as_of<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Repr {
        Text(String),
        Toml(toml::value::Datetime),
    }
    let text = match Option::<Repr>::deserialize(d)? {
        None => return Ok(None),
        Some(Repr::Text(s)) => s,
        Some(Repr::Toml(dt)) => dt.to_string(),
    };
    crate::ingest::dates::parse_as_of(&text).map(Some).map_err(|e| serde::de::Error::custom(format!("as_of: {e}")))
}

/// Run-level settings.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RunConfig {
    /// Evaluation date for expiry and validity; today (UTC) when absent. Exactly `YYYY-MM-DD`
    /// (a string or a TOML date) with a year in 1970..=2100.
    #[serde(deserialize_with = "strict_as_of")]
    pub as_of: Option<NaiveDate>,
    /// Output root: each run writes `<out>/<run-id>/`.
    pub out: Option<PathBuf>,
    /// Worker threads, at least 1; absent = all cores.
    pub threads: Option<usize>,
    /// Start every CSV output with a UTF-8 byte order mark, so that Excel shows `’` rather than
    /// `â€™` (default `false`: the BOM trips some CSV tools).
    pub csv_bom: bool,
    /// Fail the run (exit 1) when the roster yields fewer candidates (default 1).
    pub min_candidates: usize,
    /// Fail the run (exit 1) when the postings yield fewer roles (default 1).
    pub min_roles: usize,
    /// Fail the run (exit 1) when more than this share, in [0, 1], of the roster, claims, badge
    /// or posting records is rejected (default 0.5; 1 turns the check off).
    pub max_reject_share: f64,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            as_of: None,
            out: None,
            threads: None,
            csv_bom: false,
            min_candidates: 1,
            min_roles: 1,
            max_reject_share: 0.5,
        }
    }
}

/// The whole configuration.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Inputs.
    pub inputs: InputsConfig,
    /// Taxonomy.
    pub taxonomy: TaxonomyConfig,
    /// Run settings.
    pub run: RunConfig,
    /// Verification policy.
    pub verify: VerifyPolicy,
    /// Weight of each verification status as evidence, in [0, 1]; statuses not listed weigh 0.
    pub evidence: BTreeMap<String, f64>,
    /// Scoring (the score stage's own section: [`crate::score::config`]).
    pub score: ScoreConfig,
    /// Stackable-credential pathways (`[[pathway]]` tables).
    #[serde(rename = "pathway")]
    pub pathways: Vec<crate::score::PathwayConfig>,
    /// The run folder's writers (the report stage's own section: [`crate::report::config`]).
    pub report: crate::report::config::ReportConfig,
    /// Matching by meaning (the normalize stage's own section: [`crate::normalize::meaning`]);
    /// every use off by default.
    pub meaning: crate::normalize::MeaningConfig,
}

impl Default for Config {
    fn default() -> Self {
        let evidence = crate::score::config::default_evidence_weights();
        Config {
            inputs: InputsConfig::default(),
            taxonomy: TaxonomyConfig::default(),
            run: RunConfig::default(),
            verify: VerifyPolicy::default(),
            evidence,
            score: ScoreConfig::default(),
            pathways: Vec::new(),
            report: crate::report::config::ReportConfig::default(),
            meaning: crate::normalize::MeaningConfig::default(),
        }
    }
}

impl Config {
    /// Reads a TOML config file and resolves its relative paths against the file's folder.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { path: path.display().to_string(), source })?;
        let mut config: Config = toml::from_str(&text)
            .map_err(|e| ConfigError::Parse { path: path.display().to_string(), reason: e.to_string() })?;
        // Without `[taxonomy] esco_dir` the bundled ESCO is used, wherever the config lives.
        let esco_given = text
            .parse::<toml::Table>()
            .ok()
            .and_then(|t| t.get("taxonomy").and_then(|t| t.get("esco_dir")).map(|_| ()))
            .is_some();
        let base = path.parent().unwrap_or_else(|| Path::new("."));
        config.resolve_paths(base);
        if !esco_given {
            config.taxonomy.esco_dir = bundled_esco_dir();
        }
        config.validate()?;
        Ok(config)
    }

    /// Makes every path absolute and canonical (symlinks and `..` resolved where the path
    /// exists), relative ones against the current folder: a run's outputs then name its inputs
    /// the same way whatever folder it was started from.
    pub fn make_paths_absolute(&mut self) {
        let cwd = std::env::current_dir().unwrap_or_default();
        self.each_path(|p| {
            let joined = if p.is_relative() { cwd.join(&*p) } else { p.clone() };
            *p = std::fs::canonicalize(&joined).unwrap_or(joined);
        });
    }

    /// Makes every relative path absolute-or-relative-to-`base`.
    fn resolve_paths(&mut self, base: &Path) {
        self.each_path(|p| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        });
    }

    /// Calls `fix` on every path of the configuration.
    fn each_path(&mut self, mut fix: impl FnMut(&mut PathBuf)) {
        if let Some(p) = self.inputs.roster.as_mut() {
            fix(p)
        }
        if let Some(p) = self.inputs.claims.as_mut() {
            fix(p)
        }
        self.inputs.badges.iter_mut().for_each(&mut fix);
        self.inputs.postings.iter_mut().for_each(&mut fix);
        if let Some(p) = self.report.audit_demographics.as_mut() {
            fix(p)
        }
        fix(&mut self.taxonomy.esco_dir);
        self.taxonomy.custom.iter_mut().for_each(&mut fix);
        self.taxonomy.aliases.iter_mut().for_each(&mut fix);
        if let Some(p) = self.taxonomy.onet_dir.as_mut() {
            fix(p)
        }
        if let Some(p) = self.taxonomy.crosswalk.as_mut() {
            fix(p)
        }
        if let Some(p) = self.run.out.as_mut() {
            fix(p)
        }
        if let Some(p) = self.verify.trust.as_mut() {
            fix(p)
        }
        if let Some(p) = self.meaning.model_dir.as_mut() {
            fix(p)
        }
    }

    /// Checks ranges and names; every message names the key at fault.
    pub fn validate(&self) -> Result<(), ConfigError> {
        crate::score::config::validate_evidence(&self.evidence)?;
        self.score.validate()?;
        self.meaning.validate()?;
        if self.meaning.job_titles && !self.taxonomy.infer_from_title {
            return Err(ConfigError::Invalid(
                "[meaning] job_titles = true needs [taxonomy] infer_from_title = true (titles are matched only to \
                 infer skills)"
                    .into(),
            ));
        }
        let r = &self.run;
        if !(0.0..=1.0).contains(&r.max_reject_share) {
            return Err(ConfigError::Invalid(format!(
                "[run] max_reject_share = {} must be within 0..=1 (1 turns the check off)",
                r.max_reject_share
            )));
        }
        if r.threads == Some(0) {
            return Err(ConfigError::Invalid(
                "[run] threads = 0: give at least 1, or leave it out for all cores".into(),
            ));
        }
        for p in &self.pathways {
            if p.badges.is_empty() {
                return Err(ConfigError::Invalid(format!("[[pathway]] {:?} lists no badges", p.name)));
            }
            if p.min_completed.is_some_and(|m| m == 0 || m > p.badges.len()) {
                return Err(ConfigError::Invalid(format!(
                    "[[pathway]] {:?}: min_completed must be within 1..={}",
                    p.name,
                    p.badges.len()
                )));
            }
        }
        if let Some(t) = self.taxonomy.fuzzy_threshold
            && !(t > 0.0 && t <= 1.0)
        {
            return Err(ConfigError::Invalid(format!("[taxonomy] fuzzy_threshold = {t} must be within (0, 1]")));
        }
        if !self.taxonomy.esco && self.taxonomy.custom.is_empty() {
            return Err(ConfigError::Invalid(
                "[taxonomy] esco = false needs at least one file in [taxonomy] custom (a taxonomy CSV \
                 `id,label,alt_labels,parent`)"
                    .into(),
            ));
        }
        Ok(())
    }

    /// The score stage's parameters: `[score]` and `[evidence]` resolved once.
    pub fn score_params(&self) -> ScoreParams {
        ScoreParams::new(&self.score, &self.evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::Status;

    #[test]
    fn default_config_is_valid_and_fail_closed_for_hosted_badges() {
        let c = Config::default();
        c.validate().expect("default config validates");
        assert!(!c.verify.accept_hosted_offline);
        assert_eq!(c.score_params().status_weight(Status::Verified), 1.0);
        assert_eq!(c.score_params().status_weight(Status::Revoked), 0.0);
    }

    #[test]
    fn unknown_key_is_rejected_with_its_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "[score]\nrequired_wieght = 0.5\n").expect("write");
        let err = Config::load(&p).expect_err("typo must fail").to_string();
        assert!(err.contains("required_wieght"), "{err}");
    }

    #[test]
    fn unknown_status_in_evidence_is_rejected() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "[evidence]\nverifed = 1.0\n").expect("write");
        let err = Config::load(&p).expect_err("unknown status").to_string();
        assert!(err.contains("verifed"), "{err}");
    }

    #[test]
    fn esco_false_without_custom_files_is_an_error_naming_the_keys() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "[taxonomy]\nesco = false\n").expect("write");
        let err = Config::load(&p).expect_err("no taxonomy at all").to_string();
        assert!(err.contains("esco = false") && err.contains("[taxonomy] custom"), "{err}");
        std::fs::write(&p, "[taxonomy]\nesco = false\ncustom = [\"ours.csv\"]\n").expect("write");
        let c = Config::load(&p).expect("custom only is valid");
        assert_eq!(c.taxonomy.custom, vec![dir.path().join("ours.csv")]);
        assert!(!c.taxonomy.esco);
        // Without ESCO, O*NET is not looked for beside the (unused) ESCO folder.
        let mut t = c.taxonomy.clone();
        t.esco_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/taxonomy/esco-v1.2.0");
        assert_eq!((t.onet_folder(), t.crosswalk_path()), (None, None));
        t.esco = true;
        assert!(t.onet_folder().is_some() && t.crosswalk_path().is_some());
        assert_eq!(c.taxonomy.load_spec(None).esco_dir, None);
    }

    #[test]
    fn a_config_without_esco_dir_uses_the_bundled_taxonomy_wherever_it_lives() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "[run]\nas_of = \"2026-11-01\"\n").expect("write");
        let c = Config::load(&p).expect("loads");
        assert_eq!(c.taxonomy.esco_dir, bundled_esco_dir());
        assert!(c.taxonomy.esco_dir.is_dir(), "{}", c.taxonomy.esco_dir.display());
        std::fs::write(&p, "[taxonomy]\nesco_dir = \"esco\"\n").expect("write");
        assert_eq!(Config::load(&p).expect("loads").taxonomy.esco_dir, dir.path().join("esco"));
    }

    #[test]
    fn as_of_is_an_exact_date_and_guards_have_documented_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("c.toml");
        for bad in ["\"26-11-01\"", "\"2026-11-1\"", "\"3000-01-01\""] {
            std::fs::write(&p, format!("[run]\nas_of = {bad}\n")).expect("write");
            let e = Config::load(&p).expect_err(bad).to_string();
            assert!(e.contains("YYYY-MM-DD") && e.contains(bad.trim_matches('"')), "{e}");
        }
        std::fs::write(&p, "[run]\nas_of = 2026-11-01\n").expect("write");
        assert_eq!(Config::load(&p).expect("TOML date").run.as_of, NaiveDate::from_ymd_opt(2026, 11, 1));
        let r = RunConfig::default();
        assert_eq!((r.min_candidates, r.min_roles, r.max_reject_share), (1, 1, 0.5));
        for bad in ["max_reject_share = 1.5", "threads = 0"] {
            std::fs::write(&p, format!("[run]\n{bad}\n")).expect("write");
            let e = Config::load(&p).expect_err(bad).to_string();
            assert!(e.contains(bad.split(' ').next().expect("key")), "{e}");
        }
    }

    #[test]
    fn report_diff_previous_is_on_by_default_and_a_wrong_value_names_the_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "[run]\nas_of = \"2026-11-01\"\n").expect("write");
        assert!(Config::load(&p).expect("loads").report.diff_previous);
        std::fs::write(&p, "[report]\ndiff_previous = false\n").expect("write");
        assert!(!Config::load(&p).expect("loads").report.diff_previous);
        for bad in ["diff_previous = \"no\"", "diff_previuos = true"] {
            std::fs::write(&p, format!("[report]\n{bad}\n")).expect("write");
            let e = Config::load(&p).expect_err(bad).to_string();
            assert!(e.contains(bad.split(' ').next().expect("key")), "{e}");
        }
    }

    #[test]
    fn meaning_is_off_by_default_and_bad_values_name_their_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "[run]\nas_of = \"2026-11-01\"\n").expect("write");
        assert!(!Config::load(&p).expect("loads").meaning.any());
        std::fs::write(&p, "[meaning]\nposting_text = true\ntext_mode = \"static\"\nmodel_dir = \"m\"\n")
            .expect("write");
        let c = Config::load(&p).expect("loads");
        assert!(c.meaning.posting_text && !c.meaning.skill_names);
        assert_eq!(c.meaning.model_dir, Some(dir.path().join("m")));
        for (bad, key) in [
            ("text_mode = \"fast\"", "text_mode"),
            ("skill_name = true", "skill_name"),
            ("posting_text = \"yes\"", "posting_text"),
            ("sentence_threshold = 2.0", "sentence_threshold"),
            ("per_sentence = 0", "per_sentence"),
        ] {
            std::fs::write(&p, format!("[meaning]\n{bad}\n")).expect("write");
            let e = Config::load(&p).expect_err(bad).to_string();
            assert!(e.contains(key), "{bad}: {e}");
        }
        std::fs::write(&p, "[meaning]\njob_titles = true\n[taxonomy]\ninfer_from_title = false\n").expect("write");
        let e = Config::load(&p).expect_err("titles need inference").to_string();
        assert!(e.contains("job_titles") && e.contains("infer_from_title"), "{e}");
    }

    #[test]
    fn relative_paths_resolve_against_the_config_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "[inputs]\nroster = \"roster.csv\"\nbadges = [\"badges\"]\n").expect("write");
        let c = Config::load(&p).expect("loads");
        assert_eq!(c.inputs.roster, Some(dir.path().join("roster.csv")));
        assert_eq!(c.inputs.badges, vec![dir.path().join("badges")]);
    }
}
