//! Open Badges 3.0 OpenBadgeCredential / AchievementCredential (W3C VC 1.1 or 2.0), unsigned
//! or with an embedded `proof`.

use serde_json::Value;

use super::credential::{blank, hashed_identity, recipient_kind};
use super::dates::first_date_field;
use super::json::{alignment_skills, id_of, kind_of, one_or_many, tag_skills, text, truthy};
use super::problem::{Problem, ProblemKind};
use super::types::{BadgeFormat, Credential, Recipient, SourceRef, VerificationKind};

/// Reads an OB 3.0 credential. Missing or broken parts become `problems`, never errors.
pub(crate) fn parse_credential(doc: Value, source: SourceRef) -> Credential {
    let mut c = read_credential(&doc, source);
    // The document itself, moved, not copied: verify reads it, then drops it.
    c.raw = Some(std::sync::Arc::new(doc));
    c
}

/// The fields of [`parse_credential`], read from the borrowed document.
fn read_credential(doc: &Value, source: SourceRef) -> Credential {
    let mut c = blank(source, BadgeFormat::Ob3);
    if let Some(id) = id_of(doc) {
        c.credential_id = id;
    }
    match doc.get("issuer") {
        Some(Value::String(s)) => c.issuer_id = Some(s.trim()).filter(|s| !s.is_empty()).map(Into::into),
        Some(obj @ Value::Object(_)) => {
            c.issuer_id = id_of(obj).map(Into::into);
            c.issuer_name = text(obj.get("name")).map(Into::into);
        }
        None | Some(Value::Null) => {}
        Some(other) => c.problems.push(Problem::wrong_type("issuer", kind_of(other), "an id or an object")),
    }
    match first_date_field(doc, &["validFrom", "issuanceDate"], ProblemKind::BadIssueDate) {
        Ok(d) => c.issued_on = d,
        Err(p) => c.problems.push(p),
    }
    match first_date_field(doc, &["validUntil", "expirationDate"], ProblemKind::BadDate) {
        Ok(d) => c.expires = d,
        Err(p) => c.problems.push(p),
    }
    let has_proof = !one_or_many(doc.get("proof")).is_empty();
    c.verification = if has_proof { VerificationKind::Proof } else { VerificationKind::Unknown };

    let subjects = one_or_many(doc.get("credentialSubject"));
    let subject = subjects.iter().copied().find(|s| s.get("achievement").is_some()).or(subjects.first().copied());
    let Some(subject) = subject.filter(|s| s.is_object()) else {
        c.problems.push(Problem::new("credentialSubject", ProblemKind::WrongType, "missing or not an object"));
        return c;
    };
    c.recipient = recipient(subject, &mut c.problems);
    match subject.get("achievement") {
        Some(a @ Value::Object(_)) => {
            c.achievement_id = id_of(a).map(Into::into);
            c.achievement = text(a.get("name")).map(Into::into);
            let field = "credentialSubject.achievement";
            alignment_skills(a.get("alignment"), &format!("{field}.alignment"), &mut c.skills, &mut c.problems);
            tag_skills(a.get("tag").or_else(|| a.get("tags")), &format!("{field}.tag"), &mut c.skills, &mut c.problems);
        }
        None | Some(Value::Null) => c.problems.push(Problem::missing("credentialSubject.achievement")),
        Some(other) => {
            c.problems.push(Problem::wrong_type("credentialSubject.achievement", kind_of(other), "an object"))
        }
    }
    c
}

/// The recipient: the first e-mail `identifier` (else the first identifier), else the subject `id`.
fn recipient(subject: &Value, problems: &mut Vec<Problem>) -> Recipient {
    let identifiers: Vec<&Value> =
        one_or_many(subject.get("identifier")).into_iter().filter(|i| i.is_object()).collect();
    let is_email = |i: &&&Value| recipient_kind(text(i.get("identityType"))) == "email";
    let chosen = identifiers.iter().find(is_email).or(identifiers.first());
    if let Some(ident) = chosen {
        let kind = recipient_kind(text(ident.get("identityType")));
        let Some(identity) = text(ident.get("identityHash")) else {
            problems.push(Problem::new("credentialSubject.identifier", ProblemKind::MissingMember, "identityHash"));
            return Recipient::Absent;
        };
        if truthy(ident.get("hashed")) {
            let salt = ident.get("salt").and_then(Value::as_str).map(str::to_string);
            return hashed_identity(kind, &identity, salt).unwrap_or_else(|p| {
                problems.push(p);
                Recipient::Absent
            });
        }
        return Recipient::Plain { kind, identity };
    }
    let Some(id) = id_of(subject) else {
        return Recipient::Absent;
    };
    let lower = id.to_ascii_lowercase();
    let (kind, identity) = if lower.starts_with("did:") {
        ("did", id)
    } else if let Some(mail) = lower.strip_prefix("mailto:") {
        ("email", mail.to_string())
    } else if lower.starts_with("http://") || lower.starts_with("https://") {
        ("url", id)
    } else {
        ("id", id)
    };
    Recipient::Plain { kind: kind.to_string(), identity }
}
