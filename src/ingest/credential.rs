//! Credential construction shared by every badge format reader: the empty credential each
//! reader fills in, and the recipient identity helpers (identity type names, hashed
//! identities). A leaf over the typed records.

use super::problem::{Problem, ProblemKind};
use super::types::{BadgeFormat, Credential, HashAlgo, Recipient, SourceRef, VerificationKind};

/// An empty credential of `format` read from `source`; parsers fill it in.
pub(crate) fn blank(source: SourceRef, format: BadgeFormat) -> Credential {
    Credential {
        credential_id: format!("{}#{}", source.path, source.position),
        source,
        format,
        candidate_id: None,
        issuer_id: None,
        issuer_name: None,
        achievement_id: None,
        achievement: None,
        recipient: Recipient::Absent,
        issued_on: None,
        expires: None,
        platform_state: None,
        revoked_reason: None,
        verification: VerificationKind::Unknown,
        skills: Vec::new(),
        raw: None,
        compact: None,
        problems: Vec::new(),
    }
}

/// Normalises a recipient identity type: `emailAddress` / `email` / `mailto` → `email`.
pub(crate) fn recipient_kind(kind: Option<String>) -> String {
    match kind {
        None => "email".to_string(),
        Some(k) if k.eq_ignore_ascii_case("email") || k.eq_ignore_ascii_case("emailaddress") => "email".to_string(),
        Some(k) => k,
    }
}

/// Whether an identity is written as `<algo>$<hex>`.
pub(crate) fn looks_hashed(identity: &str) -> bool {
    identity.split_once('$').is_some_and(|(algo, hex)| {
        (algo.eq_ignore_ascii_case("sha256") || algo.eq_ignore_ascii_case("md5"))
            && !hex.is_empty()
            && hex.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// Parses a hashed identity `sha256$<hex>` / `md5$<hex>`.
pub(crate) fn hashed_identity(kind: String, identity: &str, salt: Option<String>) -> Result<Recipient, Problem> {
    let bad = |detail: String| Problem::new("recipient", ProblemKind::BadRecipientHash, detail);
    let Some((algo, digest)) = identity.split_once('$') else {
        return Err(bad("hashed recipient identity is not of the form <algorithm>$<hex digest>".into()));
    };
    let (algo, len) = if algo.eq_ignore_ascii_case("sha256") {
        (HashAlgo::Sha256, 64)
    } else if algo.eq_ignore_ascii_case("md5") {
        (HashAlgo::Md5, 32)
    } else {
        return Err(bad(format!("unsupported recipient hash algorithm {algo:?} (sha256 or md5 expected)")));
    };
    let digest = digest.trim().to_ascii_lowercase();
    if digest.len() != len || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad(format!("recipient hash is not {len} hex digits")));
    }
    Ok(Recipient::Hashed { kind, algo, digest, salt })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_identities() {
        let ok = hashed_identity(
            "email".into(),
            "SHA256$C7EF86405BA71B85ACD8E2E95166C4B111448089F2E1599F42FE1BBA46E865C5",
            None,
        );
        assert!(
            matches!(ok, Ok(Recipient::Hashed { algo: HashAlgo::Sha256, ref digest, .. }) if digest.starts_with("c7ef"))
        );
        assert!(hashed_identity("email".into(), "md5$abc", None).is_err());
        assert!(hashed_identity("email".into(), "sha1$abc", None).is_err());
        assert!(hashed_identity("email".into(), "plain@example.org", None).is_err());
        assert!(looks_hashed("md5$0123456789abcdef0123456789abcdef"));
        assert!(!looks_hashed("someone@example.org"));
    }
}
