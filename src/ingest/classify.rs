//! Which badge document a JSON value is, detected from its content (never from the file name):
//! a credential of one of the formats, a CLR wrapper, or a support document. A leaf over the
//! JSON helpers.

use serde_json::Value;

use super::json::{has_type, id_of, kind_of, one_or_many, truthy, types_of};

/// What a parsed badge file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DocKind {
    Ob2,
    Ob3,
    Credly,
    /// A CLR 2.0 `ClrCredential`: a wrapper (counted as a document) around credentials.
    Clr,
    BadgeClass,
    Issuer,
    RevocationList,
    /// An OB 2.0 hosted assertion URL's answer once revoked: `{id, revoked: true, revocationReason}`.
    RevocationNotice,
    /// Another support document (key, status list): indexed nowhere, counted as a document.
    OtherSupport,
    Unknown(String),
}

/// Whether the `@context` names Open Badges 2.0 (or 1.x).
fn ob2_context(v: &Value) -> bool {
    one_or_many(v.get("@context"))
        .into_iter()
        .filter_map(Value::as_str)
        .any(|c| c.contains("w3id.org/openbadges") || c.contains("openbadges.org"))
}

/// Whether a document without `type` is an Open Badges 1.x assertion (as baked into older
/// images): `badge`, a recipient (`recipient`, or the pre-1.0 `identity` object) and `uid` or
/// `verify`. It is read as OB 2.0 (`verify` for `verification`, `verify.url` as its id).
fn is_legacy_assertion(v: &Value) -> bool {
    v.get("badge").is_some()
        && (v.get("recipient").is_some() || v.get("identity").is_some_and(Value::is_object))
        && (v.get("uid").is_some() || v.get("verify").is_some())
}

/// Detects a document's format from its content (never from the file name).
pub(crate) fn classify(v: &Value) -> DocKind {
    if !v.is_object() {
        return DocKind::Unknown(format!("not a recognised badge format (top-level JSON is {})", kind_of(v)));
    }
    let types = types_of(v);
    if types.is_empty() && matches!(v.get("data"), Some(Value::Array(_) | Value::Object(_))) {
        return DocKind::Credly;
    }
    if has_type(&types, "Assertion") {
        return DocKind::Ob2;
    }
    if has_type(&types, "ClrCredential") {
        return DocKind::Clr;
    }
    if has_type(&types, "OpenBadgeCredential") || has_type(&types, "AchievementCredential") {
        return DocKind::Ob3;
    }
    if has_type(&types, "BitstringStatusListCredential") || has_type(&types, "StatusList2021Credential") {
        return DocKind::OtherSupport;
    }
    if has_type(&types, "VerifiableCredential") {
        let has_achievement =
            one_or_many(v.get("credentialSubject")).into_iter().any(|s| s.get("achievement").is_some());
        if has_achievement {
            return DocKind::Ob3;
        }
    } else if has_type(&types, "BadgeClass") {
        return DocKind::BadgeClass;
    } else if has_type(&types, "Issuer") || has_type(&types, "Profile") {
        return DocKind::Issuer;
    } else if has_type(&types, "RevocationList") {
        return DocKind::RevocationList;
    } else if has_type(&types, "CryptographicKey") {
        return DocKind::OtherSupport;
    } else if types.is_empty() && ob2_context(v) {
        if v.get("recipient").is_some() && v.get("badge").is_some() {
            return DocKind::Ob2;
        }
        if truthy(v.get("revoked")) && id_of(v).is_some() {
            return DocKind::RevocationNotice;
        }
    }
    if types.is_empty() && is_legacy_assertion(v) {
        return DocKind::Ob2;
    }
    let what = if types.is_empty() { "no type".to_string() } else { format!("type {}", types.join(", ")) };
    DocKind::Unknown(format!("not a recognised badge format ({what})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn classification() {
        assert_eq!(classify(&json!({"type": "Assertion"})), DocKind::Ob2);
        assert_eq!(
            classify(&json!({"@context": "https://w3id.org/openbadges/v2", "recipient": {}, "badge": "x"})),
            DocKind::Ob2
        );
        assert_eq!(classify(&json!({"type": ["VerifiableCredential", "OpenBadgeCredential"]})), DocKind::Ob3);
        assert_eq!(
            classify(&json!({"type": "VerifiableCredential", "credentialSubject": {"achievement": {}}})),
            DocKind::Ob3
        );
        assert_eq!(classify(&json!({"data": []})), DocKind::Credly);
        assert_eq!(classify(&json!({"type": "BadgeClass", "id": "b"})), DocKind::BadgeClass);
        assert_eq!(classify(&json!({"type": "Profile", "id": "i"})), DocKind::Issuer);
        assert!(matches!(
            classify(&json!({"type": ["VerifiableCredential", "EndorsementCredential"], "credentialSubject": {}})),
            DocKind::Unknown(r) if r.contains("EndorsementCredential")
        ));
        assert!(matches!(classify(&json!([1, 2])), DocKind::Unknown(r) if r.contains("array")));
        let clr = json!({"type": ["VerifiableCredential", "ClrCredential"], "credentialSubject": {"achievement": []}});
        assert_eq!(classify(&clr), DocKind::Clr);
        let legacy = json!({"uid": "1", "recipient": {"identity": "a@b.c"}, "badge": "https://x/b", "verify": {}});
        assert_eq!(classify(&legacy), DocKind::Ob2);
        assert!(matches!(classify(&json!({"hello": 1})), DocKind::Unknown(r) if r.contains("no type")));
    }
}
