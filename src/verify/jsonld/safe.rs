//! JSON-LD "safe mode" for signed documents: refuse a document whose data does not all reach
//! the RDF dataset that is canonicalized and signed.
//!
//! JSON-LD expansion silently drops a property whose term the contexts do not define (when no
//! `@vocab` catches it), a value whose IRI stays relative, and a node whose `@id` is relative
//! (with all its statements). A Data Integrity signature covers only the canonical dataset, so
//! dropped data is *unsigned*: an attacker could change it without breaking the signature.
//! VC Data Integrity asks verifiers to detect this (JSON-LD safe mode); oxjsonld has no safe
//! mode, so [`check_coverage`] detects it by probing:
//!
//! 1. every scalar value of the document (outside `@context`, `@type`/`type`, `@id`/`id` and
//!    other keywords) is replaced by a unique token that keeps its IRI shape: a value with a `:`
//!    becomes `urn:x-skillmatch-probe:N-z` (absolute), one without becomes
//!    `x-skillmatch-probe-N-z` (relative, so a relative IRI stays relative);
//! 2. the probe document is expanded to RDF with the same contexts;
//! 3. every token must appear in some term of the dataset, every `@id` must be an absolute IRI
//!    or a blank node id, and the number of `rdf:type` statements must reach the number of
//!    `type` values.
//!
//! Anything missing was dropped: the document is refused with the JSON path of the first value.

use std::collections::HashSet;

use oxrdf::{GraphName, NamedOrBlankNode, Term};
use serde_json::{Map, Value};

use super::{JsonLdError, to_quads, write_json, write_json_str, write_separated};

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// Keywords whose values are kept and not checked (structure or metadata, not data).
const KEPT_KEYWORDS: [&str; 8] =
    ["@context", "@language", "@direction", "@index", "@version", "@base", "@vocab", "@protected"];

/// Keys whose values are vocabulary terms (`@type: @vocab`): kept, checked as IRI suffixes.
const TERM_VALUED: [&str; 1] = ["proofPurpose"];

#[derive(Default)]
struct Probe {
    /// Build the shape (for [`fingerprint`]) instead of the probe: markers instead of tokens.
    shape: bool,
    tokens: Vec<(String, String)>,
    kept_terms: Vec<(String, String)>,
    types: usize,
    relative_ids: Vec<String>,
}

impl Probe {
    fn token(&mut self, original_has_colon: bool, path: &str) -> Value {
        if self.shape {
            return Value::String(if original_has_colon { "A:".into() } else { "R".into() });
        }
        let n = self.tokens.len();
        let t = if original_has_colon {
            format!("urn:x-skillmatch-probe:{n}-z")
        } else {
            format!("x-skillmatch-probe-{n}-z")
        };
        self.tokens.push((t.clone(), path.to_string()));
        Value::String(t)
    }

    fn walk(&mut self, v: &Value, path: &str) -> Value {
        match v {
            Value::Object(m) => self.walk_object(m, path),
            Value::Array(a) => {
                Value::Array(a.iter().enumerate().map(|(i, x)| self.walk(x, &format!("{path}[{i}]"))).collect())
            }
            Value::String(s) => self.token(s.contains(':'), path),
            Value::Number(_) | Value::Bool(_) => self.token(false, path),
            Value::Null => Value::Null,
        }
    }

    fn walk_object(&mut self, m: &Map<String, Value>, path: &str) -> Value {
        let is_value_object = m.contains_key("@value");
        let mut out = Map::new();
        for (k, v) in m {
            let p = format!("{path}.{k}");
            let nv = match k.as_str() {
                kw if KEPT_KEYWORDS.contains(&kw) => v.clone(),
                "type" | "@type" if is_value_object => v.clone(),
                "type" | "@type" => {
                    self.types += match v {
                        Value::String(_) => 1,
                        Value::Array(a) => a.iter().filter(|x| x.is_string()).count(),
                        _ => 0,
                    };
                    v.clone()
                }
                "id" | "@id" => {
                    match v.as_str() {
                        Some(s) if !s.contains(':') => self.relative_ids.push(p),
                        Some(_) if self.shape => {
                            out.insert(k.clone(), Value::String("ID:".into()));
                            continue;
                        }
                        _ => {}
                    }
                    v.clone()
                }
                t if TERM_VALUED.contains(&t) => {
                    if let Some(s) = v.as_str() {
                        self.kept_terms.push((s.to_string(), p));
                    }
                    v.clone()
                }
                _ => self.walk(v, &p),
            };
            out.insert(k.clone(), nv);
        }
        Value::Object(out)
    }
}

/// Largest number of document shapes remembered by [`check_coverage_cached`].
pub const MAX_REMEMBERED_SHAPES: usize = 100_000;

/// Remembered safe-mode results by document shape.
pub type ShapeMemo = std::sync::Mutex<std::collections::HashMap<[u8; 32], Result<(), String>>>;

/// The process's safe-mode results by document shape: like the quad templates
/// ([`super::template`]), a result depends only on the shape, so it is shared by every run.
static SHAPES: std::sync::LazyLock<ShapeMemo> = std::sync::LazyLock::new(ShapeMemo::default);

/// The memo [`check_coverage_cached`] uses when verifying credentials (process-wide, at most
/// [`MAX_REMEMBERED_SHAPES`] shapes).
pub fn shape_memo() -> &'static ShapeMemo {
    &SHAPES
}

/// The shape of a document: what decides whether expansion drops something. Scalars become
/// `A:` (has a colon) or `R`, absolute `@id`s become `ID:`; keys, array positions, `type` values,
/// contexts and other keyword values are kept. Two credentials from the same issuer template
/// share a shape, and [`check_coverage`] gives the same result for both.
///
/// The shape is streamed as the JSON text of that shape document (no document is built).
pub fn fingerprint(doc: &Value) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut bytes = Vec::with_capacity(2_048);
    write_shape(doc, &mut bytes);
    Sha256::digest(&bytes).into()
}

/// The reference for [`fingerprint`]: the shape built as a document, then serialized.
#[cfg(test)]
pub(super) fn fingerprint_reference(doc: &Value) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut shaper = Probe { shape: true, ..Probe::default() };
    let shape = shaper.walk(doc, "$");
    let bytes = serde_json::to_vec(&shape).unwrap_or_default();
    Sha256::digest(&bytes).into()
}

/// Writes the JSON text of the shape of `v` (what `Probe { shape: true }` builds), without
/// building it.
fn write_shape(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(m) => write_separated(out, (b'{', b'}'), m, |(k, x), out| {
            write_json_str(out, k);
            out.push(b':');
            match k.as_str() {
                kw if KEPT_KEYWORDS.contains(&kw) => write_json(out, x),
                "type" | "@type" => write_json(out, x),
                "id" | "@id" => match x.as_str() {
                    Some(s) if s.contains(':') => out.extend_from_slice(b"\"ID:\""),
                    _ => write_json(out, x),
                },
                t if TERM_VALUED.contains(&t) => write_json(out, x),
                _ => write_shape(x, out),
            }
        }),
        Value::Array(a) => write_separated(out, (b'[', b']'), a, write_shape),
        Value::String(s) if s.contains(':') => out.extend_from_slice(b"\"A:\""),
        Value::String(_) | Value::Number(_) | Value::Bool(_) => out.extend_from_slice(b"\"R\""),
        Value::Null => out.extend_from_slice(b"null"),
    }
}

/// [`check_coverage`], remembered by [`fingerprint`] (at most [`MAX_REMEMBERED_SHAPES`]).
///
/// # Errors
/// As [`check_coverage`].
pub fn check_coverage_cached(doc: &Value, memo: &ShapeMemo) -> Result<(), String> {
    let key = fingerprint(doc);
    if let Ok(m) = memo.lock()
        && let Some(r) = m.get(&key)
    {
        return r.clone();
    }
    let result = check_coverage(doc);
    if let Ok(mut m) = memo.lock()
        && m.len() < MAX_REMEMBERED_SHAPES
    {
        m.insert(key, result.clone());
    }
    result
}

/// Checks that all of `doc`'s data reaches its RDF dataset (see the module doc).
///
/// # Errors
/// `Err(reason)` naming the first dropped value's JSON path (or the JSON-LD error of the probe).
pub fn check_coverage(doc: &Value) -> Result<(), String> {
    let mut probe = Probe::default();
    let probe_doc = probe.walk(doc, "$");
    if let Some(p) = probe.relative_ids.first() {
        return Err(format!(
            "JSON-LD safe mode: {p} is a relative IRI; the node would be dropped from the signed data"
        ));
    }
    let quads = to_quads(&probe_doc).map_err(|e: JsonLdError| format!("JSON-LD safe mode probe: {e}"))?;
    let mut terms: HashSet<String> = HashSet::with_capacity(quads.len() * 2);
    let mut type_statements = 0usize;
    let add_term = |t: Term, terms: &mut HashSet<String>| match t {
        Term::NamedNode(n) => {
            terms.insert(n.into_string());
        }
        Term::BlankNode(_) => {}
        Term::Literal(l) => {
            terms.insert(l.destruct().0);
        }
    };
    for q in quads {
        if q.predicate.as_str() == RDF_TYPE {
            type_statements += 1;
        }
        if let NamedOrBlankNode::NamedNode(n) = q.subject {
            terms.insert(n.into_string());
        }
        if let GraphName::NamedNode(n) = q.graph_name {
            terms.insert(n.into_string());
        }
        add_term(q.object, &mut terms);
    }
    let mut joined: Option<String> = None;
    for (token, path) in &probe.tokens {
        if terms.contains(token) {
            continue;
        }
        let all = joined.get_or_insert_with(|| terms.iter().map(String::as_str).collect::<Vec<_>>().join("\n"));
        if !all.contains(token.as_str()) {
            return Err(format!(
                "JSON-LD safe mode: the value at {path} is not in the signed data (its term is undefined in the \
                 contexts, or its IRI is relative), so the signature does not cover it"
            ));
        }
    }
    for (term, path) in &probe.kept_terms {
        if !terms.iter().any(|t| t == term || t.ends_with(&format!("#{term}")) || t.ends_with(&format!("/{term}"))) {
            return Err(format!("JSON-LD safe mode: the term {term:?} at {path} does not expand to an IRI"));
        }
    }
    if type_statements < probe.types {
        return Err(format!(
            "JSON-LD safe mode: {} of {} type value(s) are not in the signed data (undefined or relative type)",
            probe.types - type_statements,
            probe.types
        ));
    }
    Ok(())
}
