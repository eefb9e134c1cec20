//! One home for reading JSON-LD documents as plain JSON (no expansion, no `@context`
//! processing), used by ingest, `verify`'s trust store and its consistency check.
//!
//! Documents arrive in compacted form, so these accessors read the keys as written:
//! - **`id` / `@id`**: both spellings are read, `id` first. [`id_of`] is lenient (the first of
//!   the two that holds text, numbers printed); [`id_str`] is strict (whichever key is present
//!   wins, and it must be a non-empty string), as signature and trust decisions need.
//! - **`type` / `@type`**: both spellings, `type` first when present. A single value or an
//!   array; non-string entries are skipped. [`types_local`] gives local names: a full IRI
//!   (`https://w3id.org/openbadges#Assertion`) and a compact IRI (`obi:Assertion`) both give
//!   `Assertion`, trimmed; this is how ingest recognises formats. [`types_raw`] gives the values
//!   exactly as written (full IRI, compact IRI or term), which is what the trust store and the
//!   suites compare against.
//! - **Arrays**: [`one_or_many`] reads a value that may be one item or an array (`null` or
//!   absent: none).
//! - **Text**: [`text`] is lenient (trimmed, non-empty, numbers printed); [`string`] takes
//!   strings only (trimmed, non-empty).
//!
//! A leaf: imports nothing from the crate.

use serde_json::Value;

/// A non-empty trimmed string value; numbers are accepted and printed.
pub(crate) fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => {
            let t = s.trim();
            (!t.is_empty()).then(|| t.to_string())
        }
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A non-empty trimmed string value; anything that is not a string is `None`.
pub(crate) fn string(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// Lenient id: [`text`] of `id`, else of `@id`.
pub(crate) fn id_of(v: &Value) -> Option<String> {
    text(v.get("id")).or_else(|| text(v.get("@id")))
}

/// Strict id: the value of `id` when the key is present, else of `@id`; it must be a string,
/// trimmed and non-empty (an `id` that is empty or a number is not replaced by `@id`).
pub(crate) fn id_str(doc: &Value) -> Option<&str> {
    doc.get("id").or_else(|| doc.get("@id")).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// The string values of `type` (when the key is present) else `@type`, as written.
pub(crate) fn types_raw(doc: &Value) -> Vec<&str> {
    match doc.get("type").or_else(|| doc.get("@type")) {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The types of [`types_raw`] as local names: the part after the last `#`, `/` or `:`,
/// trimmed; empty names are dropped.
pub(crate) fn types_local(v: &Value) -> Vec<String> {
    types_raw(v)
        .into_iter()
        .map(|t| t.rsplit(['#', '/', ':']).next().unwrap_or(t).trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Whether a list of [`types_local`] names contains `name`.
pub(crate) fn has_type(types: &[String], name: &str) -> bool {
    types.iter().any(|t| t == name)
}

/// A value that may be one item or an array of items, as a list (`null` or absent: empty).
pub(crate) fn one_or_many(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(other) => vec![other],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn full_and_compact_iris_give_the_same_local_type_but_stay_as_written_raw() {
        let full = json!({"type": ["VerifiableCredential", "https://w3id.org/openbadges#Assertion"]});
        assert_eq!(types_local(&full), ["VerifiableCredential", "Assertion"]);
        assert_eq!(types_raw(&full), ["VerifiableCredential", "https://w3id.org/openbadges#Assertion"]);
        let compact = json!({"@type": "obi:Assertion"});
        assert_eq!(types_local(&compact), ["Assertion"]);
        assert_eq!(types_raw(&compact), ["obi:Assertion"]);
        let spaced = json!({"type": [" Profile ", "", 3]});
        assert_eq!(types_local(&spaced), ["Profile"]);
        assert_eq!(types_raw(&spaced), [" Profile ", ""]);
        // `type` present but not a string or array: `@type` is not consulted by either.
        let odd = json!({"type": 5, "@type": "Issuer"});
        assert!(types_local(&odd).is_empty() && types_raw(&odd).is_empty());
        assert!(has_type(&types_local(&full), "Assertion") && !has_type(&types_local(&full), "assertion"));
    }

    #[test]
    fn lenient_and_strict_ids_differ_on_numbers_and_empty_ids() {
        assert_eq!(id_of(&json!({"id": " urn:a "})).as_deref(), Some("urn:a"));
        assert_eq!(id_str(&json!({"id": " urn:a "})), Some("urn:a"));
        assert_eq!(id_of(&json!({"@id": "urn:b"})).as_deref(), Some("urn:b"));
        assert_eq!(id_str(&json!({"@id": "urn:b"})), Some("urn:b"));
        assert_eq!(id_of(&json!({"id": 42})).as_deref(), Some("42"));
        assert_eq!(id_str(&json!({"id": 42})), None);
        assert_eq!(id_of(&json!({"id": "", "@id": "urn:c"})).as_deref(), Some("urn:c"));
        assert_eq!(id_str(&json!({"id": "", "@id": "urn:c"})), None);
        assert_eq!(id_of(&json!({"id": null, "@id": "urn:d"})).as_deref(), Some("urn:d"));
        assert_eq!(id_str(&json!({"id": null, "@id": "urn:d"})), None);
    }

    #[test]
    fn lenient_text_prints_numbers_strict_string_does_not() {
        assert_eq!(text(Some(&json!(7))).as_deref(), Some("7"));
        assert_eq!(string(Some(&json!(7))), None);
        assert_eq!(text(Some(&json!("  x "))).as_deref(), Some("x"));
        assert_eq!(string(Some(&json!("  x "))).as_deref(), Some("x"));
        assert_eq!((text(Some(&json!(" "))), string(Some(&json!(" ")))), (None, None));
    }

    #[test]
    fn one_or_many_reads_single_values_arrays_and_nothing() {
        assert_eq!(one_or_many(Some(&json!([1, 2]))).len(), 2);
        assert_eq!(one_or_many(Some(&json!({"a": 1}))).len(), 1);
        assert!(one_or_many(Some(&Value::Null)).is_empty() && one_or_many(None).is_empty());
    }
}
