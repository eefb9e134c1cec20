//! Open Badges 2.0 Assertions (hosted or signed), with their BadgeClass and Issuer either
//! embedded or referenced by id and resolved against the support documents of all badge inputs.
//! Open Badges 1.x assertions found in older baked images (`uid`, `verify`, the pre-1.0
//! `identity` object) are read the same way.

use serde_json::Value;

use super::credential::{blank, hashed_identity, looks_hashed, recipient_kind};
use super::dates::date_field;
use super::json::{alignment_skills, id_of, kind_of, tag_skills, text, truthy};
use super::problem::{Problem, ProblemKind};
use super::support::SupportIndex;
use super::types::{BadgeFormat, Credential, Recipient, SourceRef, VerificationKind};

/// Reads an OB 2.0 Assertion. Missing or broken parts become `problems`, never errors.
pub(crate) fn parse_assertion(doc: Value, source: SourceRef, index: &SupportIndex) -> Credential {
    let mut c = read_assertion(&doc, source, index);
    // The document itself, moved, not copied: verify reads it, then drops it.
    c.raw = Some(std::sync::Arc::new(doc));
    c
}

/// The fields of [`parse_assertion`], read from the borrowed document.
fn read_assertion(doc: &Value, source: SourceRef, index: &SupportIndex) -> Credential {
    let mut c = blank(source, BadgeFormat::Ob2);
    // OB 1.x (older baked images): the hosted URL in `verify.url` is the id, else `uid`.
    let legacy_verify = doc.get("verify").filter(|v| v.is_object());
    if let Some(id) =
        id_of(doc).or_else(|| legacy_verify.and_then(|v| text(v.get("url")))).or_else(|| text(doc.get("uid")))
    {
        c.credential_id = id;
    }
    let legacy_identity = match doc.get("recipient") {
        Some(_) => None,
        None => legacy_recipient(doc.get("identity")),
    };
    c.recipient = recipient(doc.get("recipient").or(legacy_identity.as_ref()), &mut c.problems);
    match date_field(doc, "issuedOn", ProblemKind::BadIssueDate) {
        Ok(d) => c.issued_on = d,
        Err(p) => c.problems.push(p),
    }
    match date_field(doc, "expires", ProblemKind::BadDate) {
        Ok(d) => c.expires = d,
        Err(p) => c.problems.push(p),
    }
    if truthy(doc.get("revoked")) {
        c.revoked_reason =
            Some(text(doc.get("revocationReason")).unwrap_or_else(|| "revoked (no reason given)".to_string()));
    }
    c.verification = verification(doc.get("verification").or(legacy_verify));

    let badge_class = match doc.get("badge") {
        None | Some(Value::Null) => {
            c.problems.push(Problem::missing("badge"));
            None
        }
        Some(b @ Value::Object(_)) => {
            c.achievement_id = id_of(b).map(Into::into);
            Some(b)
        }
        Some(Value::String(id)) => {
            let id = id.trim();
            c.achievement_id = Some(id.into());
            let found = index.badge_classes.get(id);
            if found.is_none() {
                c.problems.push(Problem::new("badge class", ProblemKind::NotFound, id));
            }
            found
        }
        Some(other) => {
            c.problems.push(Problem::wrong_type("badge", kind_of(other), "an object or an id"));
            None
        }
    };
    if let Some(bc) = badge_class {
        c.achievement = text(bc.get("name")).map(Into::into);
        issuer(bc.get("issuer"), index, &mut c);
        alignment_skills(bc.get("alignment"), "badge.alignment", &mut c.skills, &mut c.problems);
        tag_skills(bc.get("tags"), "badge.tags", &mut c.skills, &mut c.problems);
    }

    let listed = index.revoked.get(&c.credential_id).filter(|_| c.revoked_reason.is_none());
    if let Some(rev) = listed {
        let issuer_revocation_list =
            c.issuer_id.as_deref().and_then(|i| index.issuers.get(i)).and_then(|doc| text(doc.get("revocationList")));
        let applies = rev.issuer.is_none()
            || rev.issuer.as_deref() == c.issuer_id.as_deref()
            || (rev.list_id.is_some() && rev.list_id == issuer_revocation_list);
        if applies {
            c.revoked_reason = Some(rev.reason.clone());
        }
    }
    c
}

/// The pre-1.0 `identity` object `{recipient, type, hashed, salt}` as an OB 2.0 recipient object.
fn legacy_recipient(v: Option<&Value>) -> Option<Value> {
    let mut obj = v?.as_object()?.clone();
    let identity = obj.remove("recipient")?;
    obj.insert("identity".to_string(), identity);
    Some(Value::Object(obj))
}

/// `recipient` {type, hashed, salt, identity}.
fn recipient(v: Option<&Value>, problems: &mut Vec<Problem>) -> Recipient {
    let r = match v {
        None | Some(Value::Null) => return Recipient::Absent,
        Some(r @ Value::Object(_)) => r,
        Some(other) => {
            problems.push(Problem::wrong_type("recipient", kind_of(other), "an object"));
            return Recipient::Absent;
        }
    };
    let kind = recipient_kind(text(r.get("type")));
    let Some(identity) = text(r.get("identity")) else {
        problems.push(Problem::missing("recipient.identity"));
        return Recipient::Absent;
    };
    let salt = r.get("salt").and_then(Value::as_str).map(str::to_string);
    let hashed = match r.get("hashed") {
        None | Some(Value::Null) => looks_hashed(&identity),
        flag => truthy(flag),
    };
    if hashed {
        match hashed_identity(kind, &identity, salt) {
            Ok(rec) => rec,
            Err(p) => {
                problems.push(p);
                Recipient::Absent
            }
        }
    } else {
        Recipient::Plain { kind, identity }
    }
}

/// `verification.type`: `hosted` / `HostedBadge`, `signed` / `SignedBadge`.
fn verification(v: Option<&Value>) -> VerificationKind {
    let t = v.and_then(|v| text(v.get("type")).or_else(|| text(Some(v)))).unwrap_or_default().to_ascii_lowercase();
    match t.as_str() {
        "hosted" | "hostedbadge" => VerificationKind::Hosted,
        "signed" | "signedbadge" => VerificationKind::Signed,
        _ => VerificationKind::Unknown,
    }
}

/// BadgeClass `issuer`: an embedded object, or an id resolved against Issuer/Profile documents.
fn issuer(v: Option<&Value>, index: &SupportIndex, c: &mut Credential) {
    match v {
        Some(obj @ Value::Object(_)) => {
            c.issuer_id = id_of(obj).map(Into::into);
            c.issuer_name = text(obj.get("name"))
                .or_else(|| c.issuer_id.as_deref().and_then(|i| index.issuers.get(i)).and_then(|d| text(d.get("name"))))
                .map(Into::into);
        }
        Some(Value::String(id)) => {
            let id = id.trim().to_string();
            c.issuer_name = index.issuers.get(&id).and_then(|d| text(d.get("name"))).map(Into::into);
            c.issuer_id = Some(id).filter(|i| !i.is_empty()).map(Into::into);
        }
        _ => {}
    }
}
