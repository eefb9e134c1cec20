//! Which URLs the verifier needs: read from the badge inputs, then from the documents fetched
//! (an issuer profile names its keys and revocation list, a key its owner).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::ingest::{BadgeFormat, Credential, VerificationKind};
use crate::verify::trust::{id_of, types_of};

/// What a URL is expected to serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An OB 2.0 hosted assertion (its id is its URL).
    HostedAssertion,
    /// An issuer profile (OB 2.0 Issuer / OB 3.0 Profile).
    Issuer,
    /// An OB 2.0 BadgeClass.
    BadgeClass,
    /// A key: an OB 2.0 CryptographicKey, a verification method, or a document listing keys.
    Key,
    /// A `did:web` DID document.
    DidDocument,
    /// An OB 2.0 RevocationList.
    RevocationList,
    /// A status-list credential (JSON with a proof, or a VC-JWT).
    StatusList,
}

impl Kind {
    /// The snake_case name used in `SNAPSHOT.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::HostedAssertion => "hosted_assertion",
            Kind::Issuer => "issuer",
            Kind::BadgeClass => "badge_class",
            Kind::Key => "key",
            Kind::DidDocument => "did_document",
            Kind::RevocationList => "revocation_list",
            Kind::StatusList => "status_list",
        }
    }
}

/// URL to fetch → what it should serve, and for a DID document the DID it must carry.
#[derive(Debug, Default, Clone)]
pub struct Targets {
    /// Fetch URL (no fragment) → (kind, expected DID for `did:web`).
    pub urls: BTreeMap<String, (Kind, Option<String>)>,
}

impl Targets {
    /// Adds a reference: an `https:`/`http:` URL (its fragment dropped) or a `did:web` DID / DID
    /// URL (its DID document's URL). Anything else (other DID methods, URNs) is not fetched.
    pub fn add(&mut self, reference: &str, kind: Kind) {
        let reference = reference.trim();
        if reference.starts_with("did:web:") {
            let did = reference.split('#').next().unwrap_or(reference);
            if let Some(url) = did_web_url(did) {
                self.urls.entry(url).or_insert((Kind::DidDocument, Some(did.to_string())));
            }
            return;
        }
        let lower = reference.to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            let url = reference.split('#').next().unwrap_or(reference).to_string();
            self.urls.entry(url).or_insert((kind, None));
        }
    }
}

/// The URL of a `did:web` DID document: `did:web:host[:path…]` → `https://host/.well-known/did.json`
/// or `https://host/path/…/did.json` (`%3A` in the host is a port).
pub fn did_web_url(did: &str) -> Option<String> {
    let rest = did.strip_prefix("did:web:")?;
    let mut parts = rest.split(':');
    let host = parts.next().filter(|h| !h.is_empty())?.replace("%3A", ":").replace("%3a", ":");
    if host.contains(['/', '@', '?', '#']) {
        return None;
    }
    let path: Vec<&str> = parts.collect();
    if path.iter().any(|p| p.is_empty() || p.contains(['/', '?', '#']) || *p == "." || *p == "..") {
        return None;
    }
    Some(if path.is_empty() {
        format!("https://{host}/.well-known/did.json")
    } else {
        format!("https://{host}/{}/did.json", path.join("/"))
    })
}

/// The `did:web` DID whose document is served at `url` (the inverse of [`did_web_url`]).
pub fn did_from_url(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://")?;
    let (host, path) = rest.split_once('/')?;
    let host = host.replace(':', "%3A");
    if path == ".well-known/did.json" {
        return Some(format!("did:web:{host}"));
    }
    let dirs = path.strip_suffix("/did.json")?;
    Some(format!("did:web:{host}:{}", dirs.replace('/', ":")))
}

/// The references a credential needs.
pub fn from_credential(c: &Credential, out: &mut Targets) {
    let raw = c.raw.as_deref();
    match c.format {
        BadgeFormat::Ob2 => {
            if c.verification == VerificationKind::Hosted {
                out.add(&c.credential_id, Kind::HostedAssertion);
            }
            if let Some(i) = &c.issuer_id {
                out.add(i, Kind::Issuer);
            }
            if let Some(b) = &c.achievement_id {
                out.add(b, Kind::BadgeClass);
            }
            if let Some(creator) = raw.and_then(|d| d.pointer("/verification/creator")).and_then(Value::as_str) {
                out.add(creator, Kind::Key);
            }
        }
        BadgeFormat::Ob3 => {
            if let Some(i) = &c.issuer_id {
                out.add(i, Kind::Issuer);
            }
            if let Some(doc) = raw {
                from_proofs(doc, out);
                for e in crate::verify::status_list::entries(doc).into_iter().flatten() {
                    out.add(&e.list, Kind::StatusList);
                }
            }
            if let Some(kid) = c.compact.as_deref().and_then(jwt_kid) {
                let kid = match (&c.issuer_id, kid.starts_with('#')) {
                    (Some(i), true) => format!("{i}{kid}"),
                    _ => kid,
                };
                out.add(&kid, Kind::Key);
            }
        }
        BadgeFormat::Credly => {}
    }
}

/// `verificationMethod` of every embedded proof.
fn from_proofs(doc: &Value, out: &mut Targets) {
    let proofs: Vec<&Value> = match doc.get("proof") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(p @ Value::Object(_)) => vec![p],
        _ => Vec::new(),
    };
    for p in proofs {
        if let Some(vm) = p.get("verificationMethod").and_then(|v| v.as_str().or_else(|| id_of(v))) {
            out.add(vm, Kind::Key);
        }
    }
}

/// The `kid` of a compact JWS header.
fn jwt_kid(compact: &str) -> Option<String> {
    let jws = crate::verify::jws::parse(compact).ok()?;
    jws.header.get("kid").and_then(Value::as_str).map(str::to_string)
}

/// The further references a fetched document names.
pub fn from_document(doc: &Value, out: &mut Targets) {
    let types = types_of(doc);
    let has = |t: &str| types.contains(&t);
    if has("Issuer") || has("Profile") {
        for rel in ["publicKey", "verificationMethod", "assertionMethod"] {
            let entries: Vec<&Value> = match doc.get(rel) {
                Some(Value::Array(a)) => a.iter().collect(),
                Some(v) => vec![v],
                None => Vec::new(),
            };
            for e in entries {
                // An embedded key object carries its key: nothing to fetch.
                if let Some(s) = e.as_str() {
                    out.add(s, Kind::Key);
                }
            }
        }
        if let Some(r) = doc.get("revocationList").and_then(Value::as_str) {
            out.add(r, Kind::RevocationList);
        }
    }
    if has("CryptographicKey")
        && let Some(owner) = doc.get("owner").and_then(Value::as_str)
    {
        out.add(owner, Kind::Issuer);
    }
    if has("BadgeClass")
        && let Some(issuer) = doc.get("issuer").and_then(|i| i.as_str().or_else(|| id_of(i)))
    {
        out.add(issuer, Kind::Issuer);
    }
    if has("BitstringStatusListCredential") || has("StatusList2021Credential") {
        if let Some(issuer) = doc.get("issuer").and_then(|i| i.as_str().or_else(|| id_of(i))) {
            out.add(issuer, Kind::Issuer);
        }
        from_proofs(doc, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_web_urls() {
        assert_eq!(did_web_url("did:web:example.com").as_deref(), Some("https://example.com/.well-known/did.json"));
        assert_eq!(
            did_web_url("did:web:example.com:user:alice").as_deref(),
            Some("https://example.com/user/alice/did.json")
        );
        assert_eq!(
            did_web_url("did:web:localhost%3A8443").as_deref(),
            Some("https://localhost:8443/.well-known/did.json")
        );
        assert_eq!(did_web_url("did:web:"), None);
        assert_eq!(did_web_url("did:web:a.example:..:etc"), None);
        assert_eq!(did_web_url("did:key:z6Mk"), None);
        for did in ["did:web:example.com", "did:web:example.com:user:alice", "did:web:localhost%3A8443"] {
            assert_eq!(did_from_url(&did_web_url(did).unwrap()).as_deref(), Some(did));
        }
    }

    #[test]
    fn references_are_deduplicated_without_fragments() {
        let mut t = Targets::default();
        t.add("https://a.example/keys#1", Kind::Key);
        t.add("https://a.example/keys#2", Kind::Key);
        t.add("did:web:a.example#k", Kind::Key);
        t.add("urn:uuid:1", Kind::Issuer);
        t.add("did:key:z6Mk", Kind::Issuer);
        let urls: Vec<&str> = t.urls.keys().map(String::as_str).collect();
        assert_eq!(urls, ["https://a.example/.well-known/did.json", "https://a.example/keys"]);
        assert_eq!(
            t.urls["https://a.example/.well-known/did.json"],
            (Kind::DidDocument, Some("did:web:a.example".into()))
        );
    }
}
