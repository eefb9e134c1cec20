//! Small helpers for reading loosely-typed JSON(-LD) documents without panicking.

use serde_json::Value;

use super::files::{byte_offset, strip_bom, utf8};
/// The JSON-LD accessors ([`super::jsonld_access`]), re-exported for the readers of this
/// crate's ingest modules; `types_of` is the local-name reading.
pub(crate) use super::jsonld_access::{has_type, id_of, one_or_many, text, types_local as types_of};
use super::problem::Problem;
use super::types::RawSkill;

/// The JSON kind of a value, for messages.
pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A boolean that may be written as `true` or `"true"`.
pub(crate) fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.trim().eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// Whether a string looks like a URI (`http(s)://…`, `urn:…`, `did:…` or any `scheme://…`).
pub(crate) fn looks_like_uri(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.starts_with("urn:") || lower.starts_with("did:") || (s.contains("://") && !s.contains(char::is_whitespace))
}

/// Skills from an `alignment` list: `targetName` → name; a URI in `targetCode`, else in
/// `targetUrl`, → uri. Alignments with neither are dropped. A list that is not an array of
/// objects is reported in `problems` under `field` (the name of the list in messages).
pub(crate) fn alignment_skills(v: Option<&Value>, field: &str, out: &mut Vec<RawSkill>, problems: &mut Vec<Problem>) {
    match v {
        None | Some(Value::Null | Value::Array(_) | Value::Object(_)) => {}
        Some(other) => {
            problems.push(Problem::wrong_type(field, kind_of(other), "an array of alignment objects"));
            return;
        }
    }
    for (i, a) in one_or_many(v).into_iter().enumerate() {
        if !a.is_object() {
            problems.push(Problem::wrong_type(format!("{field}[{i}]"), kind_of(a), "an object"));
            continue;
        }
        let name = text(a.get("targetName"));
        let uri = [a.get("targetCode"), a.get("targetUrl")].into_iter().filter_map(text).find(|s| looks_like_uri(s));
        if name.is_some() || uri.is_some() {
            push_skill(out, RawSkill { name: name.map(Into::into), uri: uri.map(Into::into) });
        }
    }
}

/// Skills from a tag list (strings; objects with a `name` are accepted too). Entries that are
/// neither are reported in `problems` under `field`.
pub(crate) fn tag_skills(v: Option<&Value>, field: &str, out: &mut Vec<RawSkill>, problems: &mut Vec<Problem>) {
    for (i, t) in one_or_many(v).into_iter().enumerate() {
        let name = text(Some(t)).or_else(|| text(t.get("name")));
        match name {
            Some(name) => push_skill(out, RawSkill { name: Some(name.into()), uri: None }),
            None if matches!(t, Value::Array(_) | Value::Bool(_)) || (t.is_object() && t.get("name").is_none()) => {
                problems.push(Problem::wrong_type(format!("{field}[{i}]"), kind_of(t), "a string"))
            }
            None => {} // an empty string or a nameless value: nothing to take
        }
    }
}

/// Appends a skill unless an identical one is already present (order is kept). At most
/// [`super::limits::MAX_SKILLS`]` + 1` skills are kept: the extra one tells
/// [`super::limits::enforce`] that the list overflowed (and keeps the duplicate check bounded).
pub(crate) fn push_skill(out: &mut Vec<RawSkill>, skill: RawSkill) {
    if out.len() <= super::limits::MAX_SKILLS && !out.contains(&skill) {
        out.push(skill);
    }
}

/// Why a JSON document could not be read, with its position (`byte N` or `whole file`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonFailure {
    pub position: String,
    pub reason: String,
}

/// Parses a whole file as one JSON document, validating UTF-8 first.
pub(crate) fn parse_document(bytes: &[u8]) -> Result<Value, JsonFailure> {
    let (body, skip) = strip_bom(bytes);
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(JsonFailure { position: super::files::WHOLE_FILE.into(), reason: "empty file".into() });
    }
    let text = utf8(body).map_err(|at| JsonFailure {
        position: format!("byte {}", skip + at),
        reason: format!("invalid UTF-8: the byte at offset {} is not valid UTF-8", skip + at),
    })?;
    serde_json::from_str::<Value>(text).map_err(|e| JsonFailure {
        position: format!("byte {}", skip + byte_offset(text, e.line(), e.column())),
        reason: format!("invalid JSON: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn types_and_text() {
        let v =
            json!({"type": ["VerifiableCredential", "https://w3id.org/openbadges#Assertion"], "id": 12, "name": "  "});
        assert_eq!(types_of(&v), ["VerifiableCredential", "Assertion"]);
        assert_eq!(id_of(&v).as_deref(), Some("12"));
        assert_eq!(text(v.get("name")), None);
    }

    #[test]
    fn alignments() {
        let mut out = Vec::new();
        let v = json!([
            {"targetName": "Python", "targetUrl": "https://example.org/page", "targetCode": "http://data.europa.eu/esco/skill/x"},
            {"targetName": "Maths", "targetCode": "MATH.1", "targetUrl": "https://e.org/m"},
            {"targetDescription": "nothing usable"},
            {"targetName": "Python", "targetUrl": "https://example.org/page", "targetCode": "http://data.europa.eu/esco/skill/x"}
        ]);
        let mut problems = Vec::new();
        alignment_skills(Some(&v), "alignment", &mut out, &mut problems);
        assert_eq!(out.len(), 2);
        assert!(problems.is_empty());
        alignment_skills(Some(&json!("SQL")), "alignment", &mut out, &mut problems);
        alignment_skills(Some(&json!([1])), "alignment", &mut out, &mut problems);
        tag_skills(Some(&json!(["ok", [1], {"id": "x"}, ""])), "tags", &mut out, &mut problems);
        let texts: Vec<String> = problems.iter().map(Problem::to_string).collect();
        assert!(problems.iter().all(|p| p.kind == super::super::ProblemKind::WrongType));
        assert_eq!(
            texts,
            [
                "alignment is a string, expected an array of alignment objects",
                "alignment[0] is a number, expected an object",
                "tags[1] is an array, expected a string",
                "tags[2] is an object, expected a string"
            ]
        );
        assert_eq!(out[0].uri.as_deref(), Some("http://data.europa.eu/esco/skill/x"));
        assert_eq!(out[1].uri.as_deref(), Some("https://e.org/m"));
    }

    #[test]
    fn document_failures() {
        assert_eq!(parse_document(b"  \n").map_err(|f| f.reason), Err("empty file".to_string()));
        let f = parse_document(b"{\"a\": 1,\n \"b\": }").err();
        assert_eq!(f.as_ref().map(|f| f.position.as_str()), Some("byte 15"));
        let f = parse_document(b"{\"a\": \"\xC3\x28\"}").err();
        assert_eq!(f.map(|f| f.position), Some("byte 7".to_string()));
    }
}
