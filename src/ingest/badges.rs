//! Badge inputs, the dispatcher: read every badge file, detect its format by content, index the support
//! documents (BadgeClass, Issuer/Profile, RevocationList, …) across all badge inputs, then
//! turn credential documents into [`Credential`]s.
//!
//! Every file is first decoded by content ([`super::decode`]): JSON, a compact JWS / VC-JWT, a
//! baked PNG/SVG image or a Credly CSV export.
//!
//! Counting: every credential record (an OB 2.0 / OB 3.0 document, a Credly `data[i]` entry or
//! CSV row, a credential nested in a CLR) and every file that is not readable as a badge counts
//! under `badge`; every support document and every CLR wrapper counts under `badge_document`.

use std::path::PathBuf;

use rayon::prelude::*;
use serde_json::Value;

use super::classify::{DocKind, classify};
use super::credential::blank;
use super::credly_csv::CredlyCsvMapping;
use super::decode::{self, Doc, Unit};
use super::files::{Ledger, WHOLE_FILE, display, load};
use super::json::one_or_many;
use super::problem::{self, Problem, ProblemKind};
use super::record_kind::RecordKind;
use super::support::SupportIndex;
use super::types::{BadgeFormat, Credential, Roster, SourceRef, VerificationKind};
use super::{credly, limits, ob2, ob3};

/// Count kind of credential records and unreadable badge files.
const KIND_BADGE: RecordKind = RecordKind::Badge;
/// Count kind of support documents.
const KIND_DOCUMENT: RecordKind = RecordKind::BadgeDocument;

/// One badge file to read, with the candidate who claims it (folder or claims CSV).
#[derive(Debug, Clone)]
pub(crate) struct BadgeFile {
    /// Path as found.
    pub path: PathBuf,
    /// Claiming candidate, if any.
    pub claim: Option<String>,
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
            ledger.reject(KIND_BADGE, shown, doc.position, format!("{reason}; {}", problem::join(&doc.problems)))
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
    c.problems.push(Problem::new("id", ProblemKind::HostedNotFetched, limits::truncate(&url, 200)));
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
