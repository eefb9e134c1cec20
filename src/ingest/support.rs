//! The support-document index: BadgeClass, Issuer/Profile and revocation documents found
//! among all badge inputs, by id, for the OB 2.0 reader to resolve references against. A leaf
//! over the document classification and the JSON helpers.

use std::collections::HashMap;

use serde_json::Value;

use super::classify::DocKind;
use super::json::{id_of, one_or_many, text};

/// A revocation found in a support document (also as `skillmatch prepare` writes it).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Revocation {
    /// The reason given (or a default).
    pub reason: String,
    /// Issuer named by the revocation list, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Id of the revocation list it came from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_id: Option<String>,
}

/// Support documents indexed by `id` across all badge inputs (first one in path order wins).
#[derive(Debug, Default)]
pub(crate) struct SupportIndex {
    /// BadgeClass id → document.
    pub badge_classes: HashMap<String, Value>,
    /// Issuer / Profile id → document.
    pub issuers: HashMap<String, Value>,
    /// Assertion id → revocation.
    pub revoked: HashMap<String, Revocation>,
}

impl SupportIndex {
    /// Indexes one support document of kind `class` under its id (first one wins).
    pub(crate) fn add(&mut self, class: &DocKind, v: &Value) {
        let Some(id) = id_of(v) else {
            return;
        };
        match class {
            DocKind::BadgeClass => {
                self.badge_classes.entry(id).or_insert_with(|| v.clone());
            }
            DocKind::Issuer => {
                self.issuers.entry(id).or_insert_with(|| v.clone());
            }
            DocKind::RevocationList => {
                let issuer = text(v.get("issuer")).or_else(|| v.get("issuer").and_then(id_of));
                for entry in one_or_many(v.get("revokedAssertions")) {
                    let (aid, reason) = match entry {
                        Value::String(s) => (Some(s.trim().to_string()), None),
                        other => (id_of(other), text(other.get("revocationReason"))),
                    };
                    if let Some(aid) = aid.filter(|a| !a.is_empty()) {
                        self.revoked.entry(aid).or_insert_with(|| Revocation {
                            reason: reason.unwrap_or_else(|| format!("listed in revocation list {id}")),
                            issuer: issuer.clone(),
                            list_id: Some(id.clone()),
                        });
                    }
                }
            }
            DocKind::RevocationNotice => {
                let reason = text(v.get("revocationReason")).unwrap_or_else(|| "revoked (no reason given)".into());
                self.revoked.entry(id).or_insert(Revocation { reason, issuer: None, list_id: None });
            }
            _ => {}
        }
    }

    /// The BadgeClass object embedded in an OB 2.0 assertion (its `badge` when that is an
    /// object), taken out of the assertion so the rest can be dropped.
    pub(crate) fn embedded_badge(mut assertion: Value) -> Option<Value> {
        assertion.get_mut("badge").filter(|b| b.is_object()).map(Value::take)
    }

    /// Indexes an embedded BadgeClass object and the Issuer object embedded in it (the first of
    /// two with one id wins).
    pub(crate) fn add_embedded_badge(&mut self, badge: &Value) {
        if let Some(id) = id_of(badge) {
            self.badge_classes.entry(id).or_insert_with(|| badge.clone());
        }
        let issuer = badge.get("issuer").filter(|i| i.is_object());
        if let Some((id, issuer)) = issuer.and_then(|i| id_of(i).map(|id| (id, i))) {
            self.issuers.entry(id).or_insert_with(|| issuer.clone());
        }
    }
}

/// BadgeClass objects embedded in OB 2.0 assertions, gathered in reading order to be indexed
/// after every standalone document. Thousands of assertions embed the same class: one whose
/// BadgeClass id and embedded Issuer id were both offered before would index nothing new and is
/// not kept, so memory grows with the distinct classes, not with the assertions.
#[derive(Debug, Default)]
pub(crate) struct EmbeddedBadges {
    kept: Vec<Value>,
    badges: std::collections::HashSet<String>,
    issuers: std::collections::HashSet<String>,
}

impl EmbeddedBadges {
    /// Takes the embedded BadgeClass out of an OB 2.0 assertion, if it adds an id not seen yet.
    pub(crate) fn offer(&mut self, assertion: Value) {
        let Some(badge) = SupportIndex::embedded_badge(assertion) else {
            return;
        };
        let new_badge = id_of(&badge).is_some_and(|id| self.badges.insert(id));
        let issuer = badge.get("issuer").filter(|i| i.is_object()).and_then(id_of);
        let new_issuer = issuer.is_some_and(|id| self.issuers.insert(id));
        if new_badge || new_issuer {
            self.kept.push(badge);
        }
    }

    /// Indexes the kept classes in the order they were offered (the first of two with one id
    /// wins, after the standalone documents).
    pub(crate) fn index_into(self, index: &mut SupportIndex) {
        for badge in &self.kept {
            index.add_embedded_badge(badge);
        }
    }
}
