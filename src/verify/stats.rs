//! Counts of the verify stage, as the manifest records them (`stages.verify`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Status, VerifiedCredential};

/// How many credentials ended in each [`Status`] (every status present, zero when none).
///
/// Serialised as one `status → count` object in alphabetical order of the status names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VerifyStats {
    by_status: BTreeMap<String, u64>,
}

impl VerifyStats {
    /// Counts the statuses of `verified`.
    pub fn of(verified: &[VerifiedCredential]) -> VerifyStats {
        let mut by_status: BTreeMap<String, u64> = Status::ALL.iter().map(|s| (s.as_str().to_string(), 0)).collect();
        for v in verified {
            *by_status.entry(v.status.as_str().to_string()).or_default() += 1;
        }
        VerifyStats { by_status }
    }

    /// Credentials that ended in `status`.
    pub fn count(&self, status: Status) -> u64 {
        self.by_status.get(status.as_str()).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_is_present_even_when_no_credential_has_it() {
        let stats = VerifyStats::of(&[]);
        for s in Status::ALL {
            assert_eq!(stats.count(s), 0);
        }
        let json = serde_json::to_string(&stats).expect("json");
        assert!(json.starts_with("{\"expired\":0"), "alphabetical status names: {json}");
        assert_eq!(json.matches(':').count(), Status::ALL.len());
    }
}
