//! `[report]`: settings of the run folder's writers: the nightly diff switch and the optional
//! demographics file of the run's audit. TOML checks each key's type and `deny_unknown_fields`
//! a misspelt key, each error naming the key.

use serde::{Deserialize, Serialize};

/// The `[report]` section.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ReportConfig {
    /// Write `diff.json` against the previous finished run in the same output root and record
    /// that run's id in the manifest (default `true`).
    pub diff_previous: bool,
    /// A demographics CSV (`candidate_id` plus category columns): when set, every run writes
    /// `audit.csv` (aggregates only, as `skillmatch audit --format csv`) and the page's audit
    /// section. Read by the audit alone, never by scoring (default: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_demographics: Option<std::path::PathBuf>,
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig { diff_previous: true, audit_demographics: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_previous_defaults_to_true_and_only_takes_a_boolean() {
        assert!(ReportConfig::default().diff_previous);
        let off: ReportConfig = toml::from_str("diff_previous = false").expect("parses");
        assert!(!off.diff_previous);
        let e = toml::from_str::<ReportConfig>("diff_previous = \"no\"").expect_err("not a boolean");
        assert!(e.to_string().contains("diff_previous") || e.to_string().contains("bool"), "{e}");
        let e = toml::from_str::<ReportConfig>("diff_prev = true").expect_err("unknown key");
        assert!(e.to_string().contains("diff_prev"), "{e}");
    }
}
