//! `policy.toml` of a trust folder: the issuers the HR team trusts, their accreditation tiers,
//! hosted-without-fetch per issuer, what a missing key / DID document / status list does, and
//! aliases for documents served at a URL other than their `id`.
//!
//! ```toml
//! missing = "fail_closed"            # or "fail_open" (see [`Missing`])
//! default_tier = "unknown"           # tier of an issuer known only through a pinned document
//!
//! [tiers]                            # weight of each accreditation tier, in 0..=1
//! accredited = 1.0
//! recognised = 0.8
//! unknown = 0.5
//!
//! [[issuer]]
//! id = "https://example.edu/issuers/565049"   # issuer id as credentials state it
//! url = "https://example.edu"                 # optional: the issuer's web address
//! did = "did:key:z6Mk…"                       # optional: the issuer's DID (did:key / did:jwk / did:web)
//! name = "Example University"
//! tier = "accredited"
//! accept_hosted_offline = true                # OB 2.0 hosted assertions of this issuer
//! jwks = ["keys/example-edu.jwks.json"]       # JWKS files (relative to the folder) whose keys this issuer owns
//! keys = ["https://example.edu/keys/1"]       # further key ids this issuer owns
//!
//! [aliases]                                   # URL a credential uses → id of a pinned document
//! "https://old.example.edu/status/3" = "https://example.edu/status/3"
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What happens when a key, DID document, status list or revocation list that a credential
/// needs is not pinned in the trust store.
///
/// Either way the credential is **never** `verified`: it is at best `unverifiable` (a more
/// decisive status from another check, e.g. `revoked` or `expired`, still wins).
/// * `fail_closed` (default): the check that needed the document is recorded as `fail` with the
///   reason, so it is listed among the credential's failed checks.
/// * `fail_open`: the check is recorded as `skip` with the reason (it could not run), so it is
///   not listed among the failed checks; the status is still `unverifiable`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// Record the check as failed.
    #[default]
    FailClosed,
    /// Record the check as skipped.
    FailOpen,
}

/// One trusted issuer.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct IssuerPolicy {
    /// The issuer id as credentials state it (URL or DID).
    pub id: Option<String>,
    /// The issuer's web address (an OB 2.0 issuer id is often its profile URL under it).
    pub url: Option<String>,
    /// The issuer's DID. A `did:key` / `did:jwk` signing key is trusted only when it is named here
    /// (or as `id`): those DIDs certify only themselves.
    pub did: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Accreditation tier (a key of `[tiers]`).
    pub tier: Option<String>,
    /// Accept this issuer's OB 2.0 hosted assertions without fetching them (overrides the
    /// config's `[verify] accept_hosted_offline` for this issuer).
    pub accept_hosted_offline: Option<bool>,
    /// JWKS files, relative to the trust folder, whose keys this issuer owns.
    pub jwks: Vec<String>,
    /// Further key ids (verification method ids, JWKS `kid`s, CryptographicKey ids) this issuer owns.
    pub keys: Vec<String>,
}

impl IssuerPolicy {
    /// Whether `issuer_id` names this issuer (its `id`, `did` or `url`).
    pub fn matches(&self, issuer_id: &str) -> bool {
        [&self.id, &self.did, &self.url].into_iter().flatten().any(|v| v == issuer_id)
    }
}

/// The whole `policy.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrustPolicy {
    /// Missing key / DID document / status list handling.
    pub missing: Missing,
    /// Tier of an issuer known only through a pinned document (no `[[issuer]]` entry).
    pub default_tier: String,
    /// Weight of each tier, in 0..=1.
    pub tiers: BTreeMap<String, f64>,
    /// Trusted issuers.
    #[serde(rename = "issuer")]
    pub issuers: Vec<IssuerPolicy>,
    /// URL used by credentials → id of a pinned document.
    pub aliases: BTreeMap<String, String>,
}

impl Default for TrustPolicy {
    fn default() -> Self {
        let tiers = [("accredited", 1.0), ("recognised", 0.8), ("unknown", 0.5)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        TrustPolicy {
            missing: Missing::FailClosed,
            default_tier: "unknown".to_string(),
            tiers,
            issuers: Vec::new(),
            aliases: BTreeMap::new(),
        }
    }
}

impl TrustPolicy {
    /// Checks tier names and weights; the message names the key at fault.
    pub fn validate(&self) -> Result<(), String> {
        for (name, w) in &self.tiers {
            if !(0.0..=1.0).contains(w) {
                return Err(format!("[tiers] {name} = {w} must be within 0..=1"));
            }
        }
        if !self.tiers.contains_key(&self.default_tier) {
            return Err(format!("default_tier = {:?} is not a key of [tiers]", self.default_tier));
        }
        for (i, issuer) in self.issuers.iter().enumerate() {
            if issuer.id.is_none() && issuer.did.is_none() && issuer.url.is_none() {
                return Err(format!("[[issuer]] #{} has none of id, did, url", i + 1));
            }
            if let Some(t) = &issuer.tier
                && !self.tiers.contains_key(t)
            {
                return Err(format!("[[issuer]] #{} tier = {t:?} is not a key of [tiers]", i + 1));
            }
        }
        Ok(())
    }

    /// The policy entry naming `issuer_id`, if any.
    pub fn issuer(&self, issuer_id: &str) -> Option<&IssuerPolicy> {
        self.issuers.iter().find(|i| i.matches(issuer_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let text = r#"
missing = "fail_open"
[tiers]
accredited = 1.0
unknown = 0.5
[[issuer]]
id = "https://example.edu/issuers/1"
did = "did:key:z6Mk"
tier = "accredited"
accept_hosted_offline = true
[aliases]
"https://a.example/list" = "https://b.example/list"
"#;
        let p: TrustPolicy = toml::from_str(text).unwrap();
        assert_eq!(p.missing, Missing::FailOpen);
        assert!(p.validate().is_ok());
        assert!(p.issuer("did:key:z6Mk").is_some());
        assert_eq!(p.aliases.len(), 1);
    }

    #[test]
    fn rejects_unknown_keys_and_tiers() {
        assert!(toml::from_str::<TrustPolicy>("mising = \"fail_open\"").is_err());
        let p: TrustPolicy = toml::from_str("[[issuer]]\nid = \"x\"\ntier = \"gold\"").unwrap();
        assert!(p.validate().unwrap_err().contains("gold"));
        let p: TrustPolicy = toml::from_str("[[issuer]]\nname = \"x\"").unwrap();
        assert!(p.validate().is_err());
    }
}
