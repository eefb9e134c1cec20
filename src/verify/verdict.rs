//! The outcomes every signature suite shares: a key resolution error ([`ResolveError`]) and a
//! signature check's conclusion ([`Verdict`]) before the `authenticity` / `revocation` checks
//! turn it into a finding.
//!
//! A leaf: it imports no suite, so JOSE ([`super::jose`]), Data Integrity ([`super::proof`]),
//! status lists ([`super::status_list`]) and DIDs ([`super::did`]) all build on it.

/// Why a verification method could not be resolved to a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    /// A document the resolution needs is not pinned (DID document, key): policy `missing` applies.
    Missing(String),
    /// The id is not a key the (pinned) controller document lists.
    NotListed(String),
    /// The id or key material is malformed.
    Invalid(String),
}

/// What a signature check concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The signature verifies with a key bound to the issuer.
    Valid(String),
    /// The document is structurally unusable for the check (or not covered by its signature).
    Malformed(String),
    /// The signature does not verify, or its algorithm is refused or does not fit the key.
    Invalid(String),
    /// The signature verifies (or could) but the key is not one the issuer lists.
    UnknownKey(String),
    /// A key / DID document / status list the check needs is not pinned (policy `missing`).
    Missing(String),
    /// The check could not run for another reason (unsupported suite, no trust store).
    Unverifiable(String),
}

impl Verdict {
    /// How decisive a verdict is when several proofs are combined (highest wins).
    fn rank(&self) -> u8 {
        match self {
            Verdict::Malformed(_) => 5,
            Verdict::Invalid(_) => 4,
            Verdict::UnknownKey(_) => 3,
            Verdict::Missing(_) => 2,
            Verdict::Unverifiable(_) => 1,
            Verdict::Valid(_) => 0,
        }
    }

    /// The reason or detail text.
    pub fn detail(&self) -> &str {
        match self {
            Verdict::Valid(d)
            | Verdict::Malformed(d)
            | Verdict::Invalid(d)
            | Verdict::UnknownKey(d)
            | Verdict::Missing(d)
            | Verdict::Unverifiable(d) => d,
        }
    }

    /// Combines the verdicts of several proofs: valid only when all are valid, else the most
    /// decisive failure; details are joined.
    pub fn combine(verdicts: Vec<Verdict>) -> Verdict {
        let Some(worst) = verdicts.iter().max_by_key(|v| v.rank()).cloned() else {
            return Verdict::Unverifiable("no proof to check".into());
        };
        if verdicts.len() == 1 {
            return worst;
        }
        let details: Vec<String> =
            verdicts.iter().enumerate().map(|(i, v)| format!("proof {}: {}", i + 1, v.detail())).collect();
        let joined = details.join("; ");
        match worst {
            Verdict::Valid(_) => Verdict::Valid(joined),
            Verdict::Malformed(_) => Verdict::Malformed(joined),
            Verdict::Invalid(_) => Verdict::Invalid(joined),
            Verdict::UnknownKey(_) => Verdict::UnknownKey(joined),
            Verdict::Missing(_) => Verdict::Missing(joined),
            Verdict::Unverifiable(_) => Verdict::Unverifiable(joined),
        }
    }
}

impl From<ResolveError> for Verdict {
    /// A key that cannot be resolved: missing from the store → [`Verdict::Missing`], not listed
    /// by its controller → [`Verdict::UnknownKey`], malformed → [`Verdict::Invalid`].
    fn from(e: ResolveError) -> Verdict {
        match e {
            ResolveError::Missing(m) => Verdict::Missing(m),
            ResolveError::NotListed(m) => Verdict::UnknownKey(m),
            ResolveError::Invalid(m) => Verdict::Invalid(m),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combine_takes_the_most_decisive() {
        let v = Verdict::combine(vec![Verdict::Valid("a".into()), Verdict::Invalid("b".into())]);
        assert!(matches!(v, Verdict::Invalid(ref d) if d == "proof 1: a; proof 2: b"));
        assert!(matches!(Verdict::combine(vec![]), Verdict::Unverifiable(_)));
        let v = Verdict::combine(vec![Verdict::Valid("a".into()), Verdict::Valid("b".into())]);
        assert!(matches!(v, Verdict::Valid(_)));
    }

    #[test]
    fn a_resolve_error_maps_to_its_verdict() {
        assert_eq!(Verdict::from(ResolveError::Missing("m".into())), Verdict::Missing("m".into()));
        assert_eq!(Verdict::from(ResolveError::NotListed("n".into())), Verdict::UnknownKey("n".into()));
        assert_eq!(Verdict::from(ResolveError::Invalid("i".into())), Verdict::Invalid("i".into()));
    }
}
