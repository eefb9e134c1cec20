//! Badge inputs: read every badge file, detect its format by content, index the support
//! documents (BadgeClass, Issuer/Profile, RevocationList, …) across all badge inputs, then
//! turn credential documents into [`Credential`]s.
//!
//! Every file is first decoded by content ([`super::decode`]): JSON, a compact JWS / VC-JWT, a
//! baked PNG/SVG image or a Credly CSV export.
//!
//! Counting: every credential record (an OB 2.0 / OB 3.0 document, a Credly `data[i]` entry or
//! CSV row, a credential nested in a CLR) and every file that is not readable as a badge counts
//! under `badge`; every support document and every CLR wrapper counts under `badge_document`.

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;
use serde_json::Value;

use super::credly_csv::CredlyCsvMapping;
use super::decode::{self, Doc, Unit};
use super::files::{Ledger, WHOLE_FILE, display, load};
use super::json::{has_type, id_of, kind_of, one_or_many, text, truthy, types_of};
use super::types::{BadgeFormat, Credential, HashAlgo, Recipient, Roster, SourceRef, VerificationKind};
use super::{HOSTED_NOT_FETCHED, credly, limits, ob2, ob3};

/// Count kind of credential records and unreadable badge files.
pub(crate) const KIND_BADGE: &str = "badge";
/// Count kind of support documents.
pub(crate) const KIND_DOCUMENT: &str = "badge_document";

/// One badge file to read, with the candidate who claims it (folder or claims CSV).
#[derive(Debug, Clone)]
pub(crate) struct BadgeFile {
    /// Path as found.
    pub path: PathBuf,
    /// Claiming candidate, if any.
    pub claim: Option<String>,
}

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

/// A revocation found in a support document.
#[derive(Debug, Clone)]
pub(crate) struct Revocation {
    /// The reason given (or a default).
    pub reason: String,
    /// Issuer named by the revocation list, if any.
    pub issuer: Option<String>,
    /// Id of the revocation list it came from, if any.
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
    fn add(&mut self, class: &DocKind, v: &Value) {
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

    /// Indexes BadgeClass / Issuer objects embedded in an OB 2.0 assertion (after standalone docs).
    fn add_embedded(&mut self, assertion: &Value) {
        let Some(badge) = assertion.get("badge").filter(|b| b.is_object()) else {
            return;
        };
        if let Some(id) = id_of(badge) {
            self.badge_classes.entry(id).or_insert_with(|| badge.clone());
        }
        let issuer = badge.get("issuer").filter(|i| i.is_object());
        if let Some((id, issuer)) = issuer.and_then(|i| id_of(i).map(|id| (id, i))) {
            self.issuers.entry(id).or_insert_with(|| issuer.clone());
        }
    }
}

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
pub(crate) fn hashed_identity(kind: String, identity: &str, salt: Option<String>) -> Result<Recipient, String> {
    let Some((algo, digest)) = identity.split_once('$') else {
        return Err("hashed recipient identity is not of the form <algorithm>$<hex digest>".into());
    };
    let (algo, len) = if algo.eq_ignore_ascii_case("sha256") {
        (HashAlgo::Sha256, 64)
    } else if algo.eq_ignore_ascii_case("md5") {
        (HashAlgo::Md5, 32)
    } else {
        return Err(format!("unsupported recipient hash algorithm {algo:?} (sha256 or md5 expected)"));
    };
    let digest = digest.trim().to_ascii_lowercase();
    if digest.len() != len || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("recipient hash is not {len} hex digits"));
    }
    Ok(Recipient::Hashed { kind, algo, digest, salt })
}

/// Deepest nesting of CLR credentials inside CLR credentials that is read.
const MAX_CLR_DEPTH: usize = 4;

/// A credential document waiting for the support index to be complete.
struct Pending {
    /// Index into the badge files.
    file: usize,
    class: DocKind,
    doc: Doc,
}

/// The position of entry `i` of a CLR's `verifiableCredential` list.
fn nested_position(base: &str, i: usize) -> String {
    if base == WHOLE_FILE { format!("verifiableCredential[{i}]") } else { format!("{base}, verifiableCredential[{i}]") }
}

/// Classifies one document: credentials wait in `pending`, support documents are indexed, a
/// CLR wrapper is counted as a document and each nested credential placed on its own.
fn place(
    file: usize,
    shown: &str,
    doc: Doc,
    depth: usize,
    index: &mut SupportIndex,
    ledger: &mut Ledger,
    pending: &mut Vec<Pending>,
) {
    match classify(&doc.value) {
        DocKind::Unknown(reason) if doc.problems.is_empty() => ledger.reject(KIND_BADGE, shown, doc.position, reason),
        DocKind::Unknown(reason) => {
            ledger.reject(KIND_BADGE, shown, doc.position, format!("{reason}; {}", doc.problems.join("; ")))
        }
        DocKind::Clr => {
            ledger.accept(KIND_DOCUMENT);
            let subjects = one_or_many(doc.value.get("credentialSubject"));
            let nested: Vec<&Value> =
                subjects.into_iter().flat_map(|s| one_or_many(s.get("verifiableCredential"))).collect();
            for (i, entry) in nested.into_iter().enumerate() {
                let position = nested_position(&doc.position, i);
                match decode::nested_doc(entry, position) {
                    Ok(child) if depth < MAX_CLR_DEPTH => place(file, shown, child, depth + 1, index, ledger, pending),
                    Ok(child) => ledger.reject(
                        KIND_BADGE,
                        shown,
                        child.position,
                        format!("CLR credentials nested more than {MAX_CLR_DEPTH} deep are not read"),
                    ),
                    Err((position, reason)) => ledger.reject(KIND_BADGE, shown, position, reason),
                }
            }
        }
        class @ (DocKind::Ob2 | DocKind::Ob3 | DocKind::Credly) => pending.push(Pending { file, class, doc }),
        class => {
            index.add(&class, &doc.value);
            ledger.accept(KIND_DOCUMENT);
        }
    }
}

/// A credential for a baked image that holds only a hosted assertion URL (never fetched).
fn hosted_url_credential(url: String, source: SourceRef) -> Credential {
    let mut c = blank(source, BadgeFormat::Ob2);
    c.problems.push(format!(
        "{HOSTED_NOT_FETCHED}: the baked image holds only the URL of its hosted assertion ({}) and nothing is fetched at run time",
        super::dates::truncate(&url, 200)
    ));
    c.credential_id = url;
    c.verification = VerificationKind::Hosted;
    c
}

/// Reads all badge files and returns the credentials found (in file order).
pub(crate) fn read_badges(
    files: &[BadgeFile],
    roster: &Roster,
    mapping: &CredlyCsvMapping,
    ledger: &mut Ledger,
) -> Vec<Credential> {
    let mut index = SupportIndex::default();
    let mut pending: Vec<Pending> = Vec::new();
    let mut out = Vec::new();
    // Read, hash and decode in parallel (order kept); bytes are dropped once decoded.
    let loaded: Vec<_> = files
        .par_iter()
        .map(|f| match load(&f.path) {
            Ok((meta, bytes)) => (Ok(meta), Some(decode::decode_file(&f.path, &bytes, mapping))),
            Err(e) => (Err(e), None),
        })
        .collect();
    for (i, (file, (meta, unit))) in files.iter().zip(loaded).enumerate() {
        let shown = display(&file.path);
        if !ledger.record(KIND_BADGE, &file.path, meta) {
            continue;
        }
        match unit {
            None => {}
            Some(Unit::Fail { position, reason }) => ledger.reject(KIND_BADGE, &shown, position, reason),
            Some(Unit::Doc(doc)) => place(i, &shown, doc, 0, &mut index, ledger, &mut pending),
            Some(Unit::HostedUrl { url, position }) => {
                let mut c = hosted_url_credential(url, SourceRef { path: shown.clone(), position });
                c.candidate_id = file.claim.clone();
                ledger.accept(KIND_BADGE);
                out.push(c);
            }
            Some(Unit::CsvRows(rows)) => {
                for (position, row) in rows {
                    match row {
                        Ok(mut c) => {
                            c.candidate_id = credly::join_candidate(file.claim.as_deref(), &c.recipient, roster);
                            ledger.accept(KIND_BADGE);
                            out.push(c);
                        }
                        Err(reason) => ledger.reject(KIND_BADGE, &shown, position, reason),
                    }
                }
            }
        }
    }
    for p in &pending {
        if p.class == DocKind::Ob2 {
            index.add_embedded(&p.doc.value);
        }
    }
    for Pending { file: i, class, doc } in pending {
        let Some(file) = files.get(i) else {
            continue;
        };
        let shown = display(&file.path);
        let source = SourceRef { path: shown.clone(), position: doc.position.clone() };
        let mut cred = match class {
            DocKind::Ob2 => ob2::parse_assertion(&doc.value, source, &index),
            DocKind::Ob3 => ob3::parse_credential(&doc.value, source),
            DocKind::Credly => {
                credly::parse_export(&doc.value, &shown, file.claim.as_deref(), roster, ledger, &mut out);
                continue;
            }
            _ => continue,
        };
        cred.candidate_id = file.claim.clone();
        if let Some(compact) = doc.compact {
            cred.verification = if class == DocKind::Ob2 { VerificationKind::Signed } else { VerificationKind::Proof };
            cred.compact = Some(compact.text);
            cred.raw = Some(compact.payload);
        }
        if !doc.problems.is_empty() {
            let mut problems = doc.problems;
            problems.append(&mut cred.problems);
            cred.problems = problems;
        }
        ledger.accept(KIND_BADGE);
        out.push(cred);
    }
    out.iter_mut().for_each(limits::enforce);
    out
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
