//! JSON-LD → RDF and RDF Dataset Canonicalization (RDFC-1.0), offline.
//!
//! * Expansion / toRdf: [`oxjsonld`], with a document loader ([`load_context`]) that serves only
//!   the bundled contexts ([`contexts::CONTEXTS`]) and refuses every other URL. Expansion is
//!   paid once per document shape: [`canonical_nquads`] instantiates a cached quad
//!   [`template`], exact against the general path ([`canonical_nquads_general`]).
//! * Canonicalization: RDFC-1.0 in one pass ([`c14n`]) when no two blank nodes share a
//!   first-degree hash (credentials in practice), otherwise [`sophia_c14n`]'s full algorithm
//!   with its default limits against poisoned graphs (hash-n-degree depth and permutation
//!   limits); [`canonical_nquads_general`] (oxjsonld + sophia only) is the reference in tests.
//! * Signed documents and proof options are read in place ([`Doc`]), and a document's safe-mode
//!   result is remembered by its shape's template ([`Canonical::check_safe_mode`]).
//! * Safe mode: [`safe::check_coverage`] refuses documents with data that does not reach the RDF
//!   dataset (dropped undefined terms, relative IRIs): a signature over the canonical form would
//!   not cover that data.

pub mod c14n;
pub mod contexts;
pub mod safe;
pub mod template;

pub use template::Doc;

use std::collections::HashSet;

use oxjsonld::{JsonLdParser, JsonLdRemoteDocument};
use oxrdf::{GraphName, NamedOrBlankNode, Quad, Term};
use serde_json::Value;
use sophia_api::MownStr;
use sophia_api::term::{BnodeId, IriRef, LanguageTag, SimpleTerm};

/// Marker in the loader's refusal message (used to tell refusals from syntax errors).
const REFUSED: &str = "is not a bundled context";

/// Why a document could not be turned into canonical N-Quads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonLdError {
    /// The document names a context that is not bundled (the loader refuses all other URLs).
    #[error("JSON-LD context {0} is not bundled; the offline loader refuses every other URL")]
    Refused(String),
    /// The document is not valid JSON-LD.
    #[error("invalid JSON-LD: {0}")]
    Syntax(String),
    /// RDFC-1.0 gave up (e.g. a poisoned graph exceeding the canonicalization limits).
    #[error("RDF canonicalization failed: {0}")]
    Canon(String),
    /// The document could not be serialized.
    #[error("document could not be serialized: {0}")]
    Serialize(String),
}

/// The document loader: the bundled context for `url`, or a refusal.
///
/// # Errors
/// A message containing the URL for anything not bundled.
pub fn load_context(url: &str) -> Result<JsonLdRemoteDocument, Box<dyn std::error::Error + Send + Sync>> {
    match contexts::get(url) {
        Some(bytes) => Ok(JsonLdRemoteDocument { document: bytes.to_vec(), document_url: url.to_string() }),
        None => Err(format!("{url} {REFUSED}").into()),
    }
}

/// JSON-LD toRdf of a document with the offline loader.
///
/// # Errors
/// [`JsonLdError::Refused`] for an unbundled context, [`JsonLdError::Syntax`] otherwise.
pub fn to_quads(doc: &Value) -> Result<Vec<Quad>, JsonLdError> {
    guarded(|| to_quads_unguarded(doc))
}

/// Runs third-party JSON-LD / RDF code so that a panic on a hostile document becomes an error
/// for that credential instead of ending the run.
fn guarded<T>(f: impl FnOnce() -> Result<T, JsonLdError>) -> Result<T, JsonLdError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(JsonLdError::Syntax("the JSON-LD processor failed on this document".into())))
}

fn to_quads_unguarded(doc: &Value) -> Result<Vec<Quad>, JsonLdError> {
    let bytes = serde_json::to_vec(doc).map_err(|e| JsonLdError::Serialize(e.to_string()))?;
    let mut quads = Vec::new();
    for q in JsonLdParser::new().for_slice(&bytes).with_load_document_callback(|url, _| load_context(url)) {
        match q {
            Ok(q) => quads.push(q),
            Err(e) => {
                let msg = e.to_string();
                if let Some(pos) = msg.find(REFUSED) {
                    let url = msg[..pos].trim_end().rsplit(": ").next().unwrap_or("").trim().to_string();
                    return Err(JsonLdError::Refused(url));
                }
                return Err(JsonLdError::Syntax(msg));
            }
        }
    }
    Ok(quads)
}

/// RDFC-1.0 canonical N-Quads of a dataset (sorted lines, blank nodes `_:c14nN`).
///
/// # Errors
/// [`JsonLdError::Canon`] when canonicalization exceeds its limits.
pub fn canonicalize(quads: Vec<Quad>) -> Result<String, JsonLdError> {
    guarded(|| canonicalize_unguarded(quads))
}

fn canonicalize_unguarded(quads: Vec<Quad>) -> Result<String, JsonLdError> {
    let set: HashSet<BQuad<'static>> = quads
        .into_iter()
        .map(|q| {
            let graph = match q.graph_name {
                GraphName::DefaultGraph => None,
                GraphName::NamedNode(n) => Some(iri(n.into_string())),
                GraphName::BlankNode(b) => Some(bnode(b.into_string())),
            };
            let subject = match q.subject {
                NamedOrBlankNode::NamedNode(n) => iri(n.into_string()),
                NamedOrBlankNode::BlankNode(b) => bnode(b.into_string()),
            };
            ([subject, iri(q.predicate.into_string()), term(q.object)], graph)
        })
        .collect();
    canonicalize_set(&set)
}

/// A quad for [`sophia_c14n`]: subject, predicate, object, graph.
type BQuad<'a> = ([SimpleTerm<'a>; 3], Option<SimpleTerm<'a>>);

/// RDFC-1.0 of a set of quads by [`sophia_c14n`] (the reference implementation).
fn canonicalize_set(set: &HashSet<BQuad<'_>>) -> Result<String, JsonLdError> {
    let mut out = Vec::new();
    sophia_c14n::rdfc10::normalize(set, &mut out).map_err(|e| JsonLdError::Canon(e.to_string()))?;
    String::from_utf8(out).map_err(|e| JsonLdError::Canon(e.to_string()))
}

/// RDFC-1.0 of borrowed quads: [`c14n::canonicalize`] when it applies (no shared first-degree
/// hash), otherwise [`sophia_c14n`]'s full algorithm. Both give the same output.
///
/// # Errors
/// [`JsonLdError::Canon`] when the full algorithm exceeds its limits.
pub fn canonicalize_borrowed(quads: &mut Vec<c14n::Quad<'_>>) -> Result<String, JsonLdError> {
    if let Some(c) = c14n::canonicalize(quads) {
        return Ok(c);
    }
    let set: HashSet<BQuad<'_>> =
        quads.iter().map(|q| ([simple(q.s), simple(q.p), simple(q.o)], q.g.map(simple))).collect();
    canonicalize_set(&set)
}

/// The borrowed form of an [`oxrdf`] quad.
pub fn borrow_quad(q: &Quad) -> c14n::Quad<'_> {
    let subject = match &q.subject {
        NamedOrBlankNode::NamedNode(n) => c14n::Term::Iri(n.as_str()),
        NamedOrBlankNode::BlankNode(b) => c14n::Term::Blank(b.as_str()),
    };
    let object = match &q.object {
        Term::NamedNode(n) => c14n::Term::Iri(n.as_str()),
        Term::BlankNode(b) => c14n::Term::Blank(b.as_str()),
        Term::Literal(l) => match l.language() {
            Some(lang) => c14n::Term::Lang(l.value(), lang),
            None => c14n::Term::Typed(l.value(), l.datatype().as_str()),
        },
    };
    let graph = match &q.graph_name {
        GraphName::DefaultGraph => None,
        GraphName::NamedNode(n) => Some(c14n::Term::Iri(n.as_str())),
        GraphName::BlankNode(b) => Some(c14n::Term::Blank(b.as_str())),
    };
    c14n::Quad { s: subject, p: c14n::Term::Iri(q.predicate.as_str()), o: object, g: graph }
}

fn simple(t: c14n::Term<'_>) -> SimpleTerm<'_> {
    match t {
        c14n::Term::Iri(i) => SimpleTerm::Iri(IriRef::new_unchecked(MownStr::from(i))),
        c14n::Term::Blank(b) => SimpleTerm::BlankNode(BnodeId::new_unchecked(MownStr::from(b))),
        c14n::Term::Typed(v, d) => {
            SimpleTerm::LiteralDatatype(MownStr::from(v), IriRef::new_unchecked(MownStr::from(d)))
        }
        c14n::Term::Lang(v, l) => {
            SimpleTerm::LiteralLanguage(MownStr::from(v), LanguageTag::new_unchecked(MownStr::from(l)), None)
        }
    }
}

/// toRdf + RDFC-1.0 of a JSON document: through the document shape's cached [`template`] when
/// it applies, otherwise (and for every error) through [`canonical_nquads_general`]. Both give
/// the same result.
///
/// # Errors
/// See [`to_quads`] and [`canonicalize`].
pub fn canonical_nquads(doc: &Value) -> Result<String, JsonLdError> {
    canonical_nquads_of(&Doc::Value(doc))
}

/// [`canonical_nquads`] of a document read in place.
fn canonical_nquads_of(doc: &Doc<'_>) -> Result<String, JsonLdError> {
    match template::canonical_nquads(doc) {
        Some((Ok(c), _)) => Ok(c),
        _ => canonical_nquads_general(&doc.to_value()),
    }
}

/// The proof options document of a Data Integrity proof: the proof without `proofValue`, with
/// the document's `@context` (what the proof's signature covers besides the document).
pub fn proof_options(proof: &Value, unsecured: &Value) -> Value {
    let mut p = proof.clone();
    if let Some(m) = p.as_object_mut() {
        m.remove("proofValue");
        if let Some(ctx) = unsecured.get("@context") {
            m.insert("@context".into(), ctx.clone());
        }
    }
    p
}

/// [`canonical_nquads`] of the proof options of `proof` (an object) for the signed document
/// `doc`: [`proof_options`] without building that document.
///
/// # Errors
/// See [`to_quads`] and [`canonicalize`].
pub fn canonical_proof_options(proof: &Value, doc: &Value) -> Result<String, JsonLdError> {
    match Doc::proof_options(proof, doc) {
        Some(options) => canonical_nquads_of(&options),
        None => canonical_nquads(&proof_options(proof, doc)),
    }
}

/// The canonical N-Quads of a signed document's unsecured form (the document without its
/// top-level `proof`), with what its JSON-LD safe mode needs: [`canonical_nquads`] of that
/// form, read in place (the document is copied only when its shape has no cached template).
///
/// # Errors
/// See [`to_quads`] and [`canonicalize`].
pub fn canonicalize_unsecured(signed: &Value) -> Result<Canonical<'_>, JsonLdError> {
    let unsecured = Doc::without(signed, "proof");
    match template::canonical_nquads(&unsecured) {
        Some((Ok(nquads), shape)) => Ok(Canonical { nquads, unsecured, shape }),
        _ => Ok(Canonical { nquads: canonical_nquads_general(&unsecured.to_value())?, unsecured, shape: None }),
    }
}

/// The canonical N-Quads of a signed document's unsecured form ([`canonicalize_unsecured`]).
pub struct Canonical<'a> {
    /// The RDFC-1.0 canonical N-Quads.
    pub nquads: String,
    unsecured: Doc<'a>,
    /// The cached template of the document's shape, which remembers its safe-mode result.
    shape: Option<std::sync::Arc<template::Template>>,
}

impl Canonical<'_> {
    /// JSON-LD safe mode ([`safe::check_coverage`]) of the unsecured document: remembered by the
    /// shape's template when there is one, otherwise by [`safe::check_coverage_cached`] in
    /// `memo`.
    ///
    /// # Errors
    /// As [`safe::check_coverage`].
    pub fn check_safe_mode(&self, memo: &safe::ShapeMemo) -> Result<(), String> {
        match &self.shape {
            Some(t) => t.safe_mode(|| self.unsecured.to_value()),
            None => safe::check_coverage_cached(&self.unsecured.to_value(), memo),
        }
    }
}

/// toRdf + RDFC-1.0 of a JSON document through the full JSON-LD processor (the reference path
/// for [`canonical_nquads`]).
///
/// # Errors
/// See [`to_quads`] and [`canonicalize`].
pub fn canonical_nquads_general(doc: &Value) -> Result<String, JsonLdError> {
    canonicalize(to_quads(doc)?)
}

/// Appends `s` as a JSON string exactly as `serde_json` writes it (it escapes only `"`, `\\` and
/// control characters), copying it as is when nothing needs escaping.
fn write_json_str(out: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        if serde_json::to_writer(&mut *out, s).is_err() {
            out.push(0);
        }
    } else {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

/// Writes `open`, each of `items` through `each` with commas between them, then `close`: the
/// frame of a JSON array (`[`, `]`) or object (`{`, `}`) whose members the caller writes.
pub(crate) fn write_separated<T>(
    out: &mut Vec<u8>,
    (open, close): (u8, u8),
    items: impl IntoIterator<Item = T>,
    mut each: impl FnMut(T, &mut Vec<u8>),
) {
    out.push(open);
    for (i, x) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(x, out);
    }
    out.push(close);
}

/// Appends `serde_json`'s compact text of `v` (strings through [`write_json_str`]).
fn write_json(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::String(s) => write_json_str(out, s),
        other => {
            if serde_json::to_writer(&mut *out, other).is_err() {
                out.push(0);
            }
        }
    }
}

fn iri(s: String) -> SimpleTerm<'static> {
    SimpleTerm::Iri(IriRef::new_unchecked(MownStr::from(s)))
}

fn bnode(s: String) -> SimpleTerm<'static> {
    SimpleTerm::BlankNode(BnodeId::new_unchecked(MownStr::from(s)))
}

const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";

fn term(t: Term) -> SimpleTerm<'static> {
    match t {
        Term::NamedNode(n) => iri(n.into_string()),
        Term::BlankNode(b) => bnode(b.into_string()),
        Term::Literal(l) => {
            let (value, datatype, language) = l.destruct();
            match language {
                Some(lang) => SimpleTerm::LiteralLanguage(
                    MownStr::from(value),
                    LanguageTag::new_unchecked(MownStr::from(lang)),
                    None,
                ),
                None => SimpleTerm::LiteralDatatype(
                    MownStr::from(value),
                    IriRef::new_unchecked(MownStr::from(
                        datatype.map_or_else(|| XSD_STRING.to_string(), |d| d.into_string()),
                    )),
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests;
