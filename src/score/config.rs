//! The `[score]` and `[evidence]` tables: what a run's config may say about scoring, their
//! defaults and their checks. [`super::params::ScoreParams`] is what the stage resolves them to.
//!
//! This file imports nothing from `crate::config` (which holds [`ScoreConfig`] as one section),
//! so the config and the score stage do not import each other.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::normalize::DescriptionSkills;
use crate::verify::Status;

/// How a role's skills are weighted against each other.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Importance {
    /// Every skill of a level counts the same.
    Uniform,
    /// Inverse posting frequency: `ln(1 + roles / roles listing the skill)`; rare skills weigh more.
    Idf,
}

/// How a role's requirement mass is turned into a score. See `docs/SCORING.md`.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum ScoreModel {
    /// Evidence-weighted: one pool of required and preferred skills (each weighted by its level
    /// weight and importance), divided by the pool's mass plus a prior of `prior_skills`
    /// average skills, so a role listing little cannot reach a top score on little evidence.
    #[default]
    Evidence,
    /// skillmatch 0.1: required and preferred coverage averaged separately, `1 of 1` scores 1.
    Coverage,
}

/// Scoring weights (`[score]`). See `docs/SCORING.md`.
///
/// The field order is the order `manifest.json` serialises the table in: keep it.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ScoreConfig {
    /// Weight of required-skill coverage.
    pub required_weight: f64,
    /// Weight of preferred-skill coverage.
    pub preferred_weight: f64,
    /// Credit, in [0, 1], for holding a different skill of the same ESCO skill group.
    pub group_credit: f64,
    /// Credit, in [0, 1], for holding a skill directly narrower (more specific) than the asked one.
    pub narrower_credit: f64,
    /// Credit, in [0, 1], for holding a skill directly broader (more general) than the asked one.
    pub broader_credit: f64,
    /// Credit, in [0, 1], for holding a skill related to the asked one (ESCO skill–skill relation).
    pub related_credit: f64,
    /// Matches below this score are not reported.
    pub min_score: f64,
    /// Rows per role in the shortlist and per candidate in the gaps report.
    pub top_k: usize,
    /// How description skills are used (read by normalize when it builds roles).
    pub description_skills: DescriptionSkills,
    /// For how many of each candidate's best roles to suggest next credentials (0 = none).
    pub next_credential_roles: usize,
    /// Skill importance within a role.
    pub importance: Importance,
    /// Evidence loses half its weight every this many days after its issue date (0 = no decay).
    pub recency_half_life_days: f64,
    /// Hard filter: rank a candidate for a role only if their locations match (when both are known).
    pub same_location: bool,
    /// Hard filter: only `verified` credentials count as evidence, whatever `[evidence]` says.
    pub verified_only: bool,
    /// How scores are normalised (`evidence` or the legacy `coverage`).
    pub model: ScoreModel,
    /// Evidence model: pseudo-skills of average importance added to every role's denominator
    /// (shrinkage towards 0 for roles that list little).
    pub prior_skills: f64,
    /// Importance multiplier, in [0, 1], of skills inferred from the job title's occupation when
    /// the posting also lists or mentions skills of its own (a role with nothing but inferred
    /// skills uses them at full weight). 0 means such inferred skills are ignored for scoring:
    /// they are left out of the role (not scored, not reported missing, not counted towards
    /// `thin_role_skills`).
    pub inferred_weight: f64,
    /// A role with fewer skills than this (listed, extracted and inferred) is flagged `thin`.
    pub thin_role_skills: usize,
    /// Evidence model: weight, in [0, 1], of the *fit* term beside the requirement term: the share
    /// of the candidate's own evidence (IDF-weighted) that the role's skills use. 0 turns it off
    /// (the score is the requirement term alone). See `docs/SCORING.md`.
    pub fit_weight: f64,
    /// Evidence model: pseudo-skills of average IDF-weighted evidence added to every candidate's
    /// fit denominator, so that a candidate proving one or two skills cannot reach a full fit.
    pub fit_prior_skills: f64,
    /// Compute `credential_value.csv` (the counterfactual effect of each badge class on its
    /// holders' and non-holders' top-K roles; see `docs/SCORING.md`). Off: the file has its
    /// header only.
    pub credential_value: bool,
    /// Credential value: badge classes with fewer holders (candidates with counted evidence of
    /// the class) are left out. At least 1.
    pub credential_value_min_holders: usize,
    /// Credential value: bootstrap replicates of each confidence interval (0 = no interval; at
    /// most 100,000).
    pub credential_value_bootstrap: usize,
    /// Credential value: non-holders sampled per badge class (deterministically) to add the
    /// class's evidence to (0 = none).
    pub credential_value_nonholders: usize,
    /// Credential value: most holders rescored per badge class, sampled deterministically when a
    /// class has more (0 = every holder).
    pub credential_value_max_holders: usize,
    /// Credential value: seed of the samples and bootstrap replicates.
    pub credential_value_seed: u64,
}

impl Default for ScoreConfig {
    fn default() -> Self {
        ScoreConfig {
            required_weight: 0.8,
            preferred_weight: 0.2,
            group_credit: 0.1,
            narrower_credit: 0.1,
            broader_credit: 0.07,
            related_credit: 0.05,
            min_score: 0.0,
            top_k: 10,
            description_skills: DescriptionSkills::WhenNoExplicit,
            next_credential_roles: 3,
            importance: Importance::Idf,
            recency_half_life_days: 0.0,
            same_location: false,
            verified_only: false,
            model: ScoreModel::Evidence,
            prior_skills: DEFAULT_PRIOR_SKILLS,
            inferred_weight: DEFAULT_INFERRED_WEIGHT,
            thin_role_skills: DEFAULT_THIN_ROLE_SKILLS,
            fit_weight: DEFAULT_FIT_WEIGHT,
            fit_prior_skills: DEFAULT_FIT_PRIOR_SKILLS,
            credential_value: true,
            credential_value_min_holders: 20,
            credential_value_bootstrap: 200,
            credential_value_nonholders: 10,
            credential_value_max_holders: 30,
            credential_value_seed: 16,
        }
    }
}

/// Default `[score] prior_skills` (tuned on gen seed 1002 at 2,000 × 300 and seed 1003 at
/// 20,000 × 2,000: docs/QUALITY.md).
pub const DEFAULT_PRIOR_SKILLS: f64 = 2.0;
/// Default `[score] fit_weight` (tuned on gen seed 1003 at 20,000 × 2,000: docs/DECISIONS.md).
pub const DEFAULT_FIT_WEIGHT: f64 = 0.5;
/// Default `[score] fit_prior_skills`.
pub const DEFAULT_FIT_PRIOR_SKILLS: f64 = 2.0;
/// Default `[score] inferred_weight`.
pub const DEFAULT_INFERRED_WEIGHT: f64 = 0.5;
/// Most `[score] credential_value_bootstrap` replicates.
pub const MAX_BOOTSTRAP: usize = 100_000;
/// Default `[score] thin_role_skills`.
pub const DEFAULT_THIN_ROLE_SKILLS: usize = 3;

/// The default `[evidence]` table: the weight of each verification status as evidence
/// (`verified` 1, `unverifiable` 0.5, `unknown_issuer` 0.3; statuses not listed weigh 0).
pub fn default_evidence_weights() -> BTreeMap<String, f64> {
    [("verified", 1.0), ("unverifiable", 0.5), ("unknown_issuer", 0.3)]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

/// A `[score]` or `[evidence]` value out of range; every message names the key at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScoreConfigError {
    /// `[evidence]` names a status that does not exist.
    #[error("[evidence] has unknown status `{name}`; known statuses: {known}")]
    UnknownStatus {
        /// The key as written.
        name: String,
        /// Every status, comma-separated.
        known: String,
    },
    /// An `[evidence]` weight outside [0, 1].
    #[error("[evidence] {name} = {weight} must be within 0..=1")]
    EvidenceWeight {
        /// The status.
        name: String,
        /// The weight given.
        weight: f64,
    },
    /// A level weight that is negative or not a number.
    #[error("[score] {key} = {value} must be a non-negative number")]
    LevelWeight {
        /// `required_weight` or `preferred_weight`.
        key: &'static str,
        /// The value given.
        value: f64,
    },
    /// Both level weights are 0.
    #[error("[score] required_weight + preferred_weight must be > 0")]
    NoLevelWeight,
    /// A credit, `min_score` or `inferred_weight` outside [0, 1].
    #[error("[score] {key} = {value} must be within 0..=1")]
    OutsideUnitInterval {
        /// The key.
        key: &'static str,
        /// The value given.
        value: f64,
    },
    /// A negative or non-finite half-life.
    #[error("[score] recency_half_life_days = {0} must be a non-negative number of days (0 = no decay)")]
    HalfLife(f64),
    /// `top_k = 0`.
    #[error("[score] top_k must be at least 1")]
    TopK,
    /// `prior_skills` or `fit_prior_skills` outside [0, 1000].
    #[error("[score] {key} = {value} must be a number of skills within 0..=1000")]
    PriorSkills {
        /// The key.
        key: &'static str,
        /// The value found.
        value: f64,
    },
    /// A `credential_value_*` count out of range.
    #[error("[score] {key} = {value} must be within {range}")]
    CredentialValue {
        /// The key.
        key: &'static str,
        /// The value given.
        value: usize,
        /// The accepted range.
        range: &'static str,
    },
}

/// Checks the `[evidence]` table: known statuses, weights in [0, 1].
///
/// # Errors
/// The first key at fault.
pub fn validate_evidence(evidence: &BTreeMap<String, f64>) -> Result<(), ScoreConfigError> {
    for (name, &weight) in evidence {
        if Status::parse(name).is_none() {
            let known: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
            return Err(ScoreConfigError::UnknownStatus { name: name.clone(), known: known.join(", ") });
        }
        if !(0.0..=1.0).contains(&weight) {
            return Err(ScoreConfigError::EvidenceWeight { name: name.clone(), weight });
        }
    }
    Ok(())
}

impl ScoreConfig {
    /// Checks ranges.
    ///
    /// # Errors
    /// The first key at fault, in the order the fields are declared (weights, credits, decay,
    /// `top_k`, `prior_skills`).
    pub fn validate(&self) -> Result<(), ScoreConfigError> {
        for (key, value) in [("required_weight", self.required_weight), ("preferred_weight", self.preferred_weight)] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(ScoreConfigError::LevelWeight { key, value });
            }
        }
        if self.required_weight + self.preferred_weight <= 0.0 {
            return Err(ScoreConfigError::NoLevelWeight);
        }
        for (key, value) in [
            ("group_credit", self.group_credit),
            ("narrower_credit", self.narrower_credit),
            ("broader_credit", self.broader_credit),
            ("related_credit", self.related_credit),
            ("min_score", self.min_score),
            ("inferred_weight", self.inferred_weight),
            ("fit_weight", self.fit_weight),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(ScoreConfigError::OutsideUnitInterval { key, value });
            }
        }
        if !(self.recency_half_life_days.is_finite() && self.recency_half_life_days >= 0.0) {
            return Err(ScoreConfigError::HalfLife(self.recency_half_life_days));
        }
        if self.top_k == 0 {
            return Err(ScoreConfigError::TopK);
        }
        for (key, value) in [("prior_skills", self.prior_skills), ("fit_prior_skills", self.fit_prior_skills)] {
            if !(value.is_finite() && (0.0..=1000.0).contains(&value)) {
                return Err(ScoreConfigError::PriorSkills { key, value });
            }
        }
        if self.credential_value_min_holders == 0 {
            return Err(ScoreConfigError::CredentialValue {
                key: "credential_value_min_holders",
                value: 0,
                range: "1..",
            });
        }
        if self.credential_value_bootstrap > MAX_BOOTSTRAP {
            return Err(ScoreConfigError::CredentialValue {
                key: "credential_value_bootstrap",
                value: self.credential_value_bootstrap,
                range: "0..=100000",
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate_and_each_range_error_names_its_key() {
        ScoreConfig::default().validate().expect("defaults are valid");
        validate_evidence(&default_evidence_weights()).expect("default evidence weights are valid");
        let bad = [
            (ScoreConfig { preferred_weight: -1.0, ..ScoreConfig::default() }, "preferred_weight"),
            (ScoreConfig { required_weight: 0.0, preferred_weight: 0.0, ..ScoreConfig::default() }, "required_weight"),
            (ScoreConfig { related_credit: 1.5, ..ScoreConfig::default() }, "related_credit"),
            (ScoreConfig { inferred_weight: -0.1, ..ScoreConfig::default() }, "inferred_weight"),
            (ScoreConfig { recency_half_life_days: f64::NAN, ..ScoreConfig::default() }, "recency_half_life_days"),
            (ScoreConfig { top_k: 0, ..ScoreConfig::default() }, "top_k"),
            (ScoreConfig { prior_skills: 1001.0, ..ScoreConfig::default() }, "prior_skills"),
            (ScoreConfig { fit_weight: 1.5, ..ScoreConfig::default() }, "fit_weight"),
            (ScoreConfig { fit_prior_skills: -1.0, ..ScoreConfig::default() }, "fit_prior_skills"),
            (ScoreConfig { credential_value_min_holders: 0, ..ScoreConfig::default() }, "credential_value_min_holders"),
            (
                ScoreConfig { credential_value_bootstrap: 100_001, ..ScoreConfig::default() },
                "credential_value_bootstrap",
            ),
        ];
        for (cfg, key) in bad {
            let e = cfg.validate().expect_err(key).to_string();
            assert!(e.starts_with("[score] ") && e.contains(key), "{key}: {e}");
        }
    }

    #[test]
    fn evidence_table_rejects_unknown_statuses_and_weights_outside_the_unit_interval() {
        let one = |k: &str, v: f64| [(k.to_string(), v)].into_iter().collect::<BTreeMap<_, _>>();
        let e = validate_evidence(&one("verifed", 1.0)).expect_err("typo").to_string();
        assert!(e.contains("`verifed`") && e.contains("verified"), "{e}");
        let e = validate_evidence(&one("verified", 1.2)).expect_err("range").to_string();
        assert_eq!(e, "[evidence] verified = 1.2 must be within 0..=1");
    }
}
