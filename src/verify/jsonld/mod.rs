//! JSON-LD → RDF and RDF Dataset Canonicalization (RDFC-1.0), offline.
//!
//! * Expansion / toRdf: [`oxjsonld`], with a document loader ([`load_context`]) that serves only
//!   the bundled contexts ([`contexts::CONTEXTS`]) and refuses every other URL. Expansion is
//!   paid once per document shape: [`canonical_nquads`] instantiates a cached quad
//!   [`template`], exact against the general path ([`canonical_nquads_general`]).
//! * Canonicalization: [`sophia_c14n`]'s RDFC-1.0 with its default limits against poisoned
//!   graphs (hash-n-degree depth and permutation limits).
//! * Safe mode: [`safe::check_coverage`] refuses documents with data that does not reach the RDF
//!   dataset (dropped undefined terms, relative IRIs): a signature over the canonical form would
//!   not cover that data.

pub mod contexts;
pub mod safe;
pub mod template;

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
    let set: HashSet<template::BQuad<'static>> = quads
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

/// RDFC-1.0 of a set of quads (the general path and [`template`] both end here).
fn canonicalize_set(set: &HashSet<template::BQuad<'_>>) -> Result<String, JsonLdError> {
    let mut out = Vec::new();
    sophia_c14n::rdfc10::normalize(set, &mut out).map_err(|e| JsonLdError::Canon(e.to_string()))?;
    String::from_utf8(out).map_err(|e| JsonLdError::Canon(e.to_string()))
}

/// toRdf + RDFC-1.0 of a JSON document: through the document shape's cached [`template`] when
/// it applies, otherwise (and for every error) through [`canonical_nquads_general`]. Both give
/// the same result.
///
/// # Errors
/// See [`to_quads`] and [`canonicalize`].
pub fn canonical_nquads(doc: &Value) -> Result<String, JsonLdError> {
    match template::canonical_nquads(doc) {
        Some(Ok(c)) => Ok(c),
        _ => canonical_nquads_general(doc),
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
