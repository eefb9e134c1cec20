//! The `consistency` check (with a configured trust store): an OB 2.0 assertion's BadgeClass and
//! Issuer must agree with the copies pinned in the store, and a hosted assertion's id must lie in
//! its issuer's hosted scope.
//!
//! * BadgeClass (by the credential's achievement id): name, issuer, alignments and tags must
//!   agree; a skill the credential's copy adds (or drops) is a contradiction, so skills are never
//!   credited from a copy that contradicts the pinned one → `malformed`.
//! * Issuer (by the issuer id): name (and url, when the assertion embeds the issuer) must agree.
//! * Hosted scope: the issuer profile's `verification.startsWith` (the assertion id must start
//!   with one of them) or `verification.allowedOrigins` (its host must be one of them); without
//!   either, the assertion id must share the issuer id's origin. A mismatch is `malformed`; an
//!   issuer id without an origin to compare (e.g. `urn:`) makes the check `unverifiable`.

use serde_json::Value;

use super::checks::{Finding, fail, pass, skip};
use super::trust::{TrustStore, id_of};
// Strings only (a number is not a name here) and one-or-many lists, from the shared accessors.
use super::types::Status;
use crate::ingest::jsonld_access::{one_or_many as as_list, string as text};
use crate::ingest::{BadgeFormat, Credential, VerificationKind};

const NAME: &str = "consistency";

/// The `consistency` finding.
pub(crate) fn check(c: &Credential, store: &TrustStore) -> Finding {
    if c.format != BadgeFormat::Ob2 {
        return pass(NAME, "no embedded OB 2.0 documents to compare with pinned copies");
    }
    let mut problems: Vec<String> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    if let Some(aid) = c.achievement_id.as_deref()
        && let Some(bc) = store.badge_class(aid)
    {
        let before = problems.len();
        badge_class(c, bc, &mut problems);
        if problems.len() == before {
            notes.push(format!("BadgeClass {aid} agrees with the pinned copy"));
        }
    }
    if let Some(iid) = c.issuer_id.as_deref()
        && let Some(profile) = store.profile(iid)
    {
        let before = problems.len();
        issuer(c, profile, &mut problems);
        if problems.len() == before {
            notes.push(format!("Issuer {iid} agrees with the pinned copy"));
        }
    }
    if c.verification == VerificationKind::Hosted {
        match hosted_scope(c, store) {
            Ok(note) => notes.push(note),
            Err(Scope::Outside(p)) => problems.push(p),
            Err(Scope::Unknown(reason)) if problems.is_empty() => return skip(NAME, Status::Unverifiable, reason),
            Err(Scope::Unknown(reason)) => problems.push(reason),
        }
    }
    if !problems.is_empty() {
        return fail(NAME, Status::Malformed, problems.join("; "));
    }
    if notes.is_empty() {
        notes.push("no pinned BadgeClass or Issuer to compare".into());
    }
    pass(NAME, notes.join("; "))
}

fn badge_class(c: &Credential, bc: &Value, problems: &mut Vec<String>) {
    let id = id_of(bc).unwrap_or("?");
    let pinned_name = text(bc.get("name"));
    if pinned_name.as_deref() != c.achievement.as_deref() {
        problems.push(format!(
            "BadgeClass {id}: name {:?} contradicts the pinned {:?}",
            c.achievement.as_deref().unwrap_or(""),
            pinned_name.as_deref().unwrap_or("")
        ));
    }
    let pinned_issuer = match bc.get("issuer") {
        Some(Value::String(s)) => Some(s.trim().to_string()),
        Some(o @ Value::Object(_)) => id_of(o).map(str::to_string),
        _ => None,
    };
    if pinned_issuer.is_some() && pinned_issuer.as_deref() != c.issuer_id.as_deref() {
        problems.push(format!(
            "BadgeClass {id}: issuer {:?} contradicts the pinned {:?}",
            c.issuer_id.as_deref().unwrap_or(""),
            pinned_issuer.as_deref().unwrap_or("")
        ));
    }
    let mut names: Vec<String> = Vec::new();
    let mut uris: Vec<String> = Vec::new();
    let mut expected: Vec<String> = Vec::new();
    for a in as_list(bc.get("alignment")) {
        let name = text(a.get("targetName"));
        let these: Vec<String> = [a.get("targetCode"), a.get("targetUrl")].into_iter().filter_map(text).collect();
        if let Some(n) = &name {
            names.push(n.clone());
        }
        uris.extend(these.iter().cloned());
        if let Some(label) = name.or_else(|| these.first().cloned()) {
            expected.push(label);
        }
    }
    for t in as_list(bc.get("tags")) {
        if let Some(n) = text(Some(t)).or_else(|| text(t.get("name"))) {
            names.push(n.clone());
            expected.push(n);
        }
    }
    for s in &c.skills {
        let known = s.name.as_deref().is_some_and(|n| names.iter().any(|m| m == n))
            || s.uri.as_deref().is_some_and(|u| uris.iter().any(|v| v == u));
        if !known {
            problems.push(format!(
                "BadgeClass {id}: skill {:?} is not in the pinned copy's alignments or tags",
                s.name.as_deref().or(s.uri.as_deref()).unwrap_or("")
            ));
        }
    }
    for label in expected {
        let present = c.skills.iter().any(|s| s.name.as_deref() == Some(&label) || s.uri.as_deref() == Some(&label));
        if !present {
            problems.push(format!(
                "BadgeClass {id}: the pinned alignment or tag {label:?} is missing from the credential's copy"
            ));
        }
    }
}

fn issuer(c: &Credential, profile: &Value, problems: &mut Vec<String>) {
    let id = id_of(profile).unwrap_or("?");
    let pinned_name = text(profile.get("name"));
    if let (Some(name), Some(pinned)) = (c.issuer_name.as_deref(), pinned_name.as_deref())
        && name != pinned
    {
        problems.push(format!("Issuer {id}: name {name:?} contradicts the pinned {pinned:?}"));
    }
    let embedded = c.raw.as_deref().and_then(|r| r.pointer("/badge/issuer")).filter(|v| v.is_object());
    if let Some(e) = embedded {
        let (url, pinned_url) = (text(e.get("url")), text(profile.get("url")));
        if url.is_some() && pinned_url.is_some() && url != pinned_url {
            problems.push(format!(
                "Issuer {id}: url {:?} contradicts the pinned {:?}",
                url.unwrap_or_default(),
                pinned_url.unwrap_or_default()
            ));
        }
    }
}

enum Scope {
    Outside(String),
    Unknown(String),
}

/// `scheme://host[:port]`, lower-cased, of an http(s) URL.
pub(crate) fn origin(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    let (scheme, rest) = lower.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    if host_port.is_empty() {
        return None;
    }
    Some(format!("{scheme}://{host_port}"))
}

fn host(url: &str) -> Option<String> {
    let o = origin(url)?;
    let hp = o.split_once("://")?.1;
    Some(hp.split(':').next().unwrap_or(hp).to_string())
}

fn hosted_scope(c: &Credential, store: &TrustStore) -> Result<String, Scope> {
    let id = c.credential_id.as_str();
    if origin(id).is_none() {
        return Err(Scope::Outside(format!("hosted assertion id {id:?} is not an HTTP(S) URL")));
    }
    let verification = c.issuer_id.as_deref().and_then(|i| store.profile(i)).and_then(|p| p.get("verification"));
    if let Some(v) = verification {
        let starts: Vec<String> = as_list(v.get("startsWith")).into_iter().filter_map(|s| text(Some(s))).collect();
        if !starts.is_empty() {
            return if starts.iter().any(|s| id.starts_with(s.as_str())) {
                Ok(format!("hosted assertion id lies under the issuer's startsWith {starts:?}"))
            } else {
                Err(Scope::Outside(format!("hosted assertion id {id} is outside the issuer's startsWith {starts:?}")))
            };
        }
        let allowed: Vec<String> = as_list(v.get("allowedOrigins"))
            .into_iter()
            .filter_map(|s| text(Some(s)))
            .map(|s| s.to_ascii_lowercase())
            .collect();
        if !allowed.is_empty() {
            let h = host(id).unwrap_or_default();
            return if allowed.iter().any(|a| a == &h || origin(a).is_some_and(|o| origin(id) == Some(o))) {
                Ok(format!("hosted assertion host {h} is among the issuer's allowedOrigins"))
            } else {
                Err(Scope::Outside(format!(
                    "hosted assertion host {h} is not among the issuer's allowedOrigins {allowed:?}"
                )))
            };
        }
    }
    let Some(issuer) = c.issuer_id.as_deref() else {
        return Err(Scope::Unknown("hosted scope not checked: the assertion names no issuer".into()));
    };
    let Some(issuer_origin) = origin(issuer) else {
        return Err(Scope::Unknown(format!("hosted scope not checked: issuer id {issuer} has no web origin")));
    };
    if origin(id).as_deref() == Some(issuer_origin.as_str()) {
        Ok(format!("hosted assertion id shares the issuer's origin {issuer_origin}"))
    } else {
        Err(Scope::Outside(format!("hosted assertion id {id} is not on the issuer's origin {issuer_origin}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert_eq!(origin("HTTPS://Ex.org:8443/a?b#c").as_deref(), Some("https://ex.org:8443"));
        assert_eq!(origin("https://ex.org").as_deref(), Some("https://ex.org"));
        assert_eq!(origin("urn:uuid:1"), None);
        assert_eq!(origin("ftp://ex.org/x"), None);
        assert_eq!(host("https://user@ex.org:1/x").as_deref(), Some("ex.org"));
    }
}
