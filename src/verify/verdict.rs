//! The outcome of a signature check (Data Integrity proof, JWS, VC-JWT), before it becomes a
//! `checks::Finding`.

use super::checks::Finding;
use super::trust::{Missing, TrustStore};
use super::types::{Check, Outcome, Status};

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

    /// The finding for check `name` under the store's `missing` policy.
    pub(crate) fn into_finding(self, name: &str, store: &TrustStore) -> Finding {
        let (outcome, implies, detail) = match self {
            Verdict::Valid(d) => (Outcome::Pass, None, d),
            Verdict::Malformed(d) => (Outcome::Fail, Some(Status::Malformed), d),
            Verdict::Invalid(d) => (Outcome::Fail, Some(Status::InvalidSignature), d),
            Verdict::UnknownKey(d) => (Outcome::Fail, Some(Status::UnknownKey), d),
            Verdict::Missing(d) if !store.is_configured() => {
                (Outcome::Skip, Some(Status::Unverifiable), format!("{d} (no trust store is configured)"))
            }
            Verdict::Missing(d) => match store.missing() {
                Missing::FailClosed => {
                    (Outcome::Fail, Some(Status::Unverifiable), format!("{d} (policy: fail_closed)"))
                }
                Missing::FailOpen => (Outcome::Skip, Some(Status::Unverifiable), format!("{d} (policy: fail_open)")),
            },
            Verdict::Unverifiable(d) => (Outcome::Skip, Some(Status::Unverifiable), d),
        };
        Finding { check: Check { check: name.to_string(), outcome, detail, implies }, implies }
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
    fn missing_follows_the_policy() {
        let mut s = TrustStore::empty_configured();
        let f = Verdict::Missing("x".into()).into_finding("authenticity", &s);
        assert_eq!((f.check.outcome, f.implies), (Outcome::Fail, Some(Status::Unverifiable)));
        let p = super::super::trust::TrustPolicy { missing: Missing::FailOpen, ..Default::default() };
        s.set_policy(p);
        let f = Verdict::Missing("x".into()).into_finding("authenticity", &s);
        assert_eq!((f.check.outcome, f.implies), (Outcome::Skip, Some(Status::Unverifiable)));
    }
}
