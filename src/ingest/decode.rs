//! Turns the bytes of one badge file into what it holds, by content (the extension only
//! decides CSV, and names the expected format in messages):
//!
//! * a PNG (by its signature) or an SVG/XML file → the baked badge text ([`super::baked`]);
//! * a `.csv` file → Credly CSV rows ([`super::credly_csv`]);
//! * a compact JWS / VC-JWT (the whole file, or a JSON string) → its decoded payload ([`super::jws`]);
//! * anything else → one JSON document.
//!
//! Baked text is itself JSON, a compact JWS, or the URL of a hosted assertion (not fetched).

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use super::baked::{self, BakedError};
use super::credly_csv::{self, CredlyCsvMapping, Row};
use super::files::{WHOLE_FILE, has_ext, strip_bom};
use super::json::{kind_of, parse_document};
use super::jws;
use super::problem::Problem;

/// The compact form a document arrived in, kept on the credential for `verify`.
#[derive(Debug, Clone)]
pub(crate) struct Compact {
    /// The compact JWS text.
    pub text: String,
    /// Its decoded payload.
    pub payload: Arc<Value>,
}

/// One JSON badge document, wherever it came from.
#[derive(Debug, Clone)]
pub(crate) struct Doc {
    /// The document to classify and parse (for a VC-JWT: the credential with the JWT claims mapped).
    pub value: Value,
    /// Position inside the file: `whole file`, `iTXt chunk at byte 33`, `verifiableCredential[0]`.
    pub position: String,
    /// Set when the document was a compact JWS / VC-JWT.
    pub compact: Option<Compact>,
    /// Problems found while decoding (JWS header, JWT claims that contradict the credential).
    pub problems: Vec<Problem>,
}

impl Doc {
    /// A plain JSON document that is the whole file.
    pub(crate) fn whole_file(value: Value) -> Doc {
        Doc { value, position: WHOLE_FILE.to_string(), compact: None, problems: Vec::new() }
    }
}

/// What one badge file (or one nested entry) holds.
#[derive(Debug)]
pub(crate) enum Unit {
    /// A JSON document.
    Doc(Doc),
    /// A baked image that holds only the URL of a hosted assertion (not fetched offline).
    HostedUrl {
        /// The assertion URL.
        url: String,
        /// Where the URL was found.
        position: String,
    },
    /// The rows of a Credly CSV export.
    CsvRows(Vec<Row>),
    /// Nothing usable: a reject at `position`.
    Fail {
        /// `whole file`, `byte N`, a chunk position.
        position: String,
        /// Why.
        reason: String,
    },
}

fn fail(position: impl Into<String>, reason: impl Into<String>) -> Unit {
    Unit::Fail { position: position.into(), reason: reason.into() }
}

/// Decodes one badge file.
pub(crate) fn decode_file(path: &Path, bytes: &[u8], mapping: &CredlyCsvMapping) -> Unit {
    if baked::is_png(bytes) {
        return match baked::png_text(bytes) {
            Ok(t) => from_text(&t.text, t.position),
            Err(e) => baked_fail(&e),
        };
    }
    if has_ext(path, &["png"]) {
        return fail(WHOLE_FILE, "not a PNG image: the file does not start with the PNG signature");
    }
    if has_ext(path, &["csv"]) {
        let shown = super::files::display(path);
        return match credly_csv::parse(bytes, &shown, mapping) {
            Ok(rows) => Unit::CsvRows(rows),
            Err((position, reason)) => fail(position, reason),
        };
    }
    let svg = has_ext(path, &["svg"]);
    if svg || baked::looks_xml(bytes) {
        return match baked::svg_text(bytes) {
            Ok(t) => from_text(&t.text, t.position),
            Err(e) if svg => baked_fail(&e),
            Err(e) => fail(WHOLE_FILE, format!("not JSON (the file starts with '<') and not a baked SVG badge: {e}")),
        };
    }
    let (body, _) = strip_bom(bytes);
    if let Ok(text) = std::str::from_utf8(body) {
        let t = text.trim();
        let jws_ext = has_ext(path, &["jws", "jwt"]) && !t.is_empty() && !t.starts_with(['{', '[', '"']);
        if jws::looks_compact(t) || jws_ext {
            return compact_unit(t, WHOLE_FILE.to_string());
        }
    }
    match parse_document(bytes) {
        Ok(Value::String(s)) if jws::looks_compact(s.trim()) => compact_unit(&s, WHOLE_FILE.to_string()),
        Ok(v) => Unit::Doc(Doc::whole_file(v)),
        Err(f) => fail(f.position, f.reason),
    }
}

/// A whole-file reject for an image without a usable badge.
fn baked_fail(e: &BakedError) -> Unit {
    fail(WHOLE_FILE, e.to_string())
}

/// Interprets baked badge text: JSON, a compact JWS or a hosted assertion URL.
fn from_text(text: &str, position: String) -> Unit {
    let t = text.trim();
    if jws::looks_compact(t) {
        return compact_unit(t, position);
    }
    if t.starts_with(['{', '[']) {
        return match serde_json::from_str::<Value>(t) {
            Ok(v) => Unit::Doc(Doc { value: v, position, compact: None, problems: Vec::new() }),
            Err(e) => fail(position.clone(), format!("badge text in the {position} is not valid JSON: {e}")),
        };
    }
    let lower = t.to_ascii_lowercase();
    if (lower.starts_with("https://") || lower.starts_with("http://")) && !t.contains(char::is_whitespace) {
        return Unit::HostedUrl { url: t.to_string(), position };
    }
    fail(
        position.clone(),
        format!(
            "badge text in the {position} is neither JSON, a compact JWS nor a URL: {:?}",
            super::limits::truncate(t, 60)
        ),
    )
}

/// Decodes a compact JWS into a document (payload mapped by [`jws::credential_document`]).
pub(crate) fn compact_unit(text: &str, position: String) -> Unit {
    match compact_doc(text, position) {
        Ok(doc) => Unit::Doc(doc),
        Err((position, reason)) => Unit::Fail { position, reason },
    }
}

/// Decodes a compact JWS into a document, or `(position, reason)`.
fn compact_doc(text: &str, position: String) -> Result<Doc, (String, String)> {
    let decoded = jws::decode(text).map_err(|e| (position.clone(), e.to_string()))?;
    let (value, mut problems) = jws::credential_document(&decoded.payload);
    let mut all = decoded.header_problems;
    all.append(&mut problems);
    Ok(Doc {
        value,
        position,
        compact: Some(Compact { text: decoded.compact, payload: Arc::new(decoded.payload) }),
        problems: all,
    })
}

/// A nested entry of a CLR `verifiableCredential` list: an object, or a compact JWS string;
/// anything else is `(position, reason)`.
pub(crate) fn nested_doc(entry: &Value, position: String) -> Result<Doc, (String, String)> {
    match entry {
        Value::Object(_) => Ok(Doc { value: entry.clone(), position, compact: None, problems: Vec::new() }),
        Value::String(s) if jws::looks_compact(s.trim()) => compact_doc(s, position),
        other => {
            Err((position, format!("nested credential is {}, expected an object or a compact JWS", kind_of(other))))
        }
    }
}
