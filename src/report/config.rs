//! `[report]`: settings of the run folder's writers. Its only key is a switch: TOML checks its
//! type and `deny_unknown_fields` a misspelt key, each error naming the key.

use serde::{Deserialize, Serialize};

/// The `[report]` section.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ReportConfig {
    /// Write `diff.json` against the previous finished run in the same output root and record
    /// that run's id in the manifest (default `true`).
    pub diff_previous: bool,
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig { diff_previous: true }
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
