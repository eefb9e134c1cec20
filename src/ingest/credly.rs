//! Credly Web Service API issued-badges exports: `{"data": [ {issued badge}, … ]}`.
//!
//! Each `data[i]` entry is one record. The achievement is the badge template's name (never the
//! earner's name, which is not kept at all). The claiming candidate is the file's claim (folder or
//! claims CSV) if any, else the roster candidate owning `recipient_email`. Every string of an
//! entry is repaired for mojibake ([`super::repair_mojibake`]) before it is read.

use serde_json::Value;

use super::credential::blank;
use super::dates::first_date_field;
use super::files::Ledger;
use super::json::{id_of, kind_of, one_or_many, push_skill, text, truthy};
use super::mojibake::repair_json;
use super::problem::{Problem, ProblemKind};
use super::record_kind::RecordKind;
use super::types::{BadgeFormat, Credential, RawSkill, Recipient, Roster, SourceRef, VerificationKind};

/// Reads every entry of an export; bad entries become rejects at `data[i]`.
pub(crate) fn parse_export(
    doc: &Value,
    path: &str,
    claim: Option<&str>,
    roster: &Roster,
    ledger: &mut Ledger,
    out: &mut Vec<Credential>,
) {
    let entries: Vec<(String, &Value)> = match doc.get("data") {
        Some(Value::Array(items)) => items.iter().enumerate().map(|(i, v)| (format!("data[{i}]"), v)).collect(),
        Some(single) => vec![("data".to_string(), single)],
        None => Vec::new(),
    };
    for (position, entry) in entries {
        if !entry.is_object() {
            ledger.reject(
                RecordKind::Badge,
                path,
                position,
                format!("entry is {}, expected an object", kind_of(entry)),
            );
            continue;
        }
        let Some(id) = id_of(entry) else {
            ledger.reject(RecordKind::Badge, path, position, "entry has no id");
            continue;
        };
        let mut entry = entry.clone();
        repair_json(&mut entry);
        let mut c = parse_entry(&entry, SourceRef { path: path.to_string(), position });
        c.credential_id = id_of(&entry).unwrap_or(id);
        c.candidate_id = join_candidate(claim, &c.recipient, roster);
        ledger.accept(RecordKind::Badge);
        out.push(c);
    }
}

/// The candidate of a platform record: the file's claim if any, else the roster candidate owning
/// the plain recipient email (case-insensitive).
pub(crate) fn join_candidate(claim: Option<&str>, recipient: &Recipient, roster: &Roster) -> Option<String> {
    claim.map(str::to_string).or_else(|| match recipient {
        Recipient::Plain { identity, .. } => {
            roster.by_email.get(&identity.to_lowercase()).and_then(|&i| roster.candidates.get(i)).map(|c| c.id.clone())
        }
        _ => None,
    })
}

fn parse_entry(e: &Value, source: SourceRef) -> Credential {
    let mut c = blank(source, BadgeFormat::Credly);
    c.verification = VerificationKind::PlatformExport;
    c.platform_state = text(e.get("state")).map(|s| s.to_lowercase());
    match first_date_field(e, &["issued_at", "issued_at_date"], ProblemKind::BadIssueDate) {
        Ok(d) => c.issued_on = d,
        Err(p) => c.problems.push(p),
    }
    match first_date_field(e, &["expires_at", "expires_at_date"], ProblemKind::BadDate) {
        Ok(d) => c.expires = d,
        Err(p) => c.problems.push(p),
    }
    if let Some(email) = text(e.get("recipient_email")) {
        c.recipient = Recipient::Plain { kind: "email".to_string(), identity: email };
    }
    if truthy(e.get("revoked")) || !matches!(e.get("revoked_at"), None | Some(Value::Null)) {
        c.revoked_reason =
            Some(text(e.get("revocation_reason")).unwrap_or_else(|| "revoked on the platform".to_string()));
    }
    match e.get("badge_template") {
        Some(t @ Value::Object(_)) => {
            c.achievement_id = id_of(t).map(Into::into);
            c.achievement = text(t.get("name")).map(Into::into);
            for s in one_or_many(t.get("skills")) {
                let name = text(Some(s)).or_else(|| text(s.get("name")));
                if let Some(name) = name {
                    push_skill(&mut c.skills, RawSkill { name: Some(name.into()), uri: None });
                }
            }
        }
        None | Some(Value::Null) => c.problems.push(Problem::missing("badge_template")),
        Some(other) => c.problems.push(Problem::wrong_type("badge_template", kind_of(other), "an object")),
    }
    if let Some(issuer) = e.get("issuer").filter(|i| i.is_object()) {
        let entities: Vec<&Value> = one_or_many(issuer.get("entities"))
            .into_iter()
            .filter_map(|x| x.get("entity").or(Some(x)).filter(|v| v.is_object()))
            .collect();
        let primary = one_or_many(issuer.get("entities"))
            .into_iter()
            .find(|x| truthy(x.get("primary")))
            .and_then(|x| x.get("entity"))
            .filter(|v| v.is_object());
        let chosen = primary.or(entities.first().copied()).unwrap_or(issuer);
        c.issuer_id = id_of(chosen).map(Into::into);
        c.issuer_name = text(chosen.get("name")).map(Into::into);
    }
    c
}
