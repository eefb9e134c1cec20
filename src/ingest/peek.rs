//! A look at a JSON badge file's top-level keys without building its whole document, for the
//! first pass of [`super::badges`], which only needs the support documents and the BadgeClasses
//! embedded in OB 2.0 assertions.
//!
//! Most badge files are credentials: an OB 3.0 credential or a Credly export gives the first pass
//! nothing, an OB 2.0 assertion only its `badge` object. Deserializing just the keys that
//! [`classify`] reads into a small document (the others skipped by the parser, never allocated)
//! tells them apart at a fraction of the cost of a full [`serde_json::Value`]; everything else
//! (support documents, CLRs, anything unusual) is decoded in full as before.
//!
//! Exactness: the small document holds every key [`classify`] can read on the way to `Ob2`, `Ob3`
//! or `Credly` (with the JSON kind of the ones it only tests for kind or presence), so when it
//! classifies as one of those the full document does too; any other class, a parse error or a
//! duplicated key falls back to the full decode.

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::classify::{DocKind, classify};

/// What the first pass needs from a badge file that [`peek`] recognised.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Peeked {
    /// An OB 2.0 assertion: its `badge` value (an embedded BadgeClass when an object), if any.
    Ob2 { badge: Option<Value> },
    /// An OB 3.0 credential or a Credly export: nothing for the support index.
    Credential,
}

/// The JSON kind of a value whose content is skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl Shape {
    /// A value of this kind standing in for the skipped one (only its kind is ever read).
    fn stand_in(self) -> Value {
        match self {
            Shape::Null => Value::Null,
            Shape::Bool => Value::Bool(false),
            Shape::Number => Value::from(0),
            Shape::String => Value::String(String::new()),
            Shape::Array => Value::Array(Vec::new()),
            Shape::Object => Value::Object(Map::new()),
        }
    }
}

impl<'de> Deserialize<'de> for Shape {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Shape, D::Error> {
        struct ShapeVisitor;
        impl<'de> Visitor<'de> for ShapeVisitor {
            type Value = Shape;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E>(self) -> Result<Shape, E> {
                Ok(Shape::Null)
            }
            fn visit_none<E>(self) -> Result<Shape, E> {
                Ok(Shape::Null)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Shape, E> {
                Ok(Shape::Bool)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Shape, E> {
                Ok(Shape::Number)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Shape, E> {
                Ok(Shape::Number)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Shape, E> {
                Ok(Shape::Number)
            }
            fn visit_str<E>(self, _: &str) -> Result<Shape, E> {
                Ok(Shape::String)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Shape::Array)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Shape::Object)
            }
        }
        d.deserialize_any(ShapeVisitor)
    }
}

/// Present (even as `null`) or absent: `Option<T>` alone would read `null` as absent.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// The top-level keys [`classify`] reads on its way to `Ob2`, `Ob3` or `Credly`; every other key
/// is skipped unread. A key given twice is an error (so the caller decodes in full, where the
/// last one wins).
#[derive(Deserialize)]
struct Top {
    #[serde(rename = "type", default, deserialize_with = "present")]
    kind: Option<Value>,
    #[serde(rename = "@type", default, deserialize_with = "present")]
    at_kind: Option<Value>,
    #[serde(rename = "@context", default, deserialize_with = "present")]
    context: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    id: Option<Value>,
    #[serde(rename = "@id", default, deserialize_with = "present")]
    at_id: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    revoked: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    badge: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    data: Option<Shape>,
    #[serde(default, deserialize_with = "present")]
    recipient: Option<Shape>,
    #[serde(default, deserialize_with = "present")]
    identity: Option<Shape>,
    #[serde(default, deserialize_with = "present")]
    uid: Option<Shape>,
    #[serde(default, deserialize_with = "present")]
    verify: Option<Shape>,
}

impl Top {
    /// The small document: the kept values, and stand-ins of the right kind for the others.
    fn into_document(self) -> (Value, Option<Value>) {
        let mut m = Map::new();
        let values = [("type", self.kind), ("@type", self.at_kind), ("@context", self.context), ("id", self.id)];
        let more = [("@id", self.at_id), ("revoked", self.revoked)];
        for (key, v) in values.into_iter().chain(more) {
            if let Some(v) = v {
                m.insert(key.to_string(), v);
            }
        }
        let shapes =
            [("data", self.data), ("recipient", self.recipient), ("identity", self.identity), ("uid", self.uid)];
        for (key, shape) in shapes.into_iter().chain([("verify", self.verify)]) {
            if let Some(shape) = shape {
                m.insert(key.to_string(), shape.stand_in());
            }
        }
        // `badge` is only tested for presence by `classify`; its value goes back to the caller.
        if self.badge.is_some() {
            m.insert("badge".to_string(), Value::Null);
        }
        (Value::Object(m), self.badge)
    }
}

/// Recognises a plain JSON credential file (OB 2.0 assertion, OB 3.0 credential, Credly export)
/// from its top-level keys; `None` for everything else, which the caller decodes in full: images,
/// CSV, compact JWS, support documents, CLRs, invalid JSON, a key given twice.
pub(crate) fn peek(path: &std::path::Path, bytes: &[u8]) -> Option<Peeked> {
    if super::baked::is_png(bytes)
        || super::files::has_ext(path, &["png", "csv", "svg"])
        || super::baked::looks_xml(bytes)
    {
        return None;
    }
    let (body, _) = super::files::strip_bom(bytes);
    let text = std::str::from_utf8(body).ok()?;
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let top: Top = serde_json::from_str(text).ok()?;
    let (doc, badge) = top.into_document();
    match classify(&doc) {
        DocKind::Ob2 => Some(Peeked::Ob2 { badge }),
        DocKind::Ob3 | DocKind::Credly => Some(Peeked::Credential),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::Path;

    fn peek_json(v: &Value) -> Option<Peeked> {
        peek(Path::new("b.json"), v.to_string().as_bytes())
    }

    /// Whatever `peek` says agrees with the full classification, for documents of every class.
    #[test]
    fn peek_agrees_with_the_full_classification_or_declines() {
        let docs = [
            json!({"type": "Assertion", "badge": {"id": "b", "name": "B"}, "recipient": {}}),
            json!({"@context": "https://w3id.org/openbadges/v2", "recipient": {}, "badge": "https://x/b"}),
            json!({"@context": "https://w3id.org/openbadges/v2", "recipient": null, "badge": null}),
            json!({"uid": "1", "identity": {"recipient": "a@b.c"}, "badge": "https://x/b", "verify": {}}),
            json!({"uid": "1", "identity": "a@b.c", "badge": "https://x/b", "verify": {}}),
            json!({"@context": "https://w3id.org/openbadges/v2", "revoked": true, "id": "x", "badge": "b",
                   "identity": {}, "uid": 1}),
            json!({"type": ["VerifiableCredential", "OpenBadgeCredential"], "credentialSubject": {}}),
            json!({"type": "VerifiableCredential", "credentialSubject": {"achievement": {}}}),
            json!({"type": ["VerifiableCredential", "ClrCredential"], "credentialSubject": {}}),
            json!({"data": [{"id": 1}]}),
            json!({"data": "not a list"}),
            json!({"type": "BadgeClass", "id": "b"}),
            json!({"type": "Profile", "id": "i"}),
            json!({"@type": "Assertion", "badge": {"id": "b"}}),
            json!({"hello": 1}),
        ];
        // Declined: the support documents (BadgeClass, Profile, revocation notice), the OB 3.0
        // known only by its subject, the CLR, and the three that are no credential at all.
        let mut recognised_not = 8;
        for doc in &docs {
            let full = classify(doc);
            match peek_json(doc) {
                Some(Peeked::Ob2 { badge }) => {
                    assert_eq!(full, DocKind::Ob2, "{doc}");
                    assert_eq!(badge.as_ref(), doc.get("badge"), "{doc}");
                }
                Some(Peeked::Credential) => assert!(matches!(full, DocKind::Ob3 | DocKind::Credly), "{doc}"),
                // Declined: decoded in full, so any class is fine; support documents must be.
                None => recognised_not -= 1,
            }
        }
        assert_eq!(recognised_not, 0);
    }

    #[test]
    fn support_documents_and_credentials_that_need_their_subject_are_declined() {
        assert_eq!(peek_json(&json!({"type": "Issuer", "id": "i"})), None);
        // Ob3 only through `credentialSubject.achievement`, which the peek does not read.
        assert_eq!(peek_json(&json!({"type": "VerifiableCredential", "credentialSubject": {"achievement": {}}})), None);
        assert_eq!(peek_json(&json!({"data": []})), Some(Peeked::Credential));
    }

    #[test]
    fn a_key_given_twice_or_a_file_that_is_not_a_json_object_is_declined() {
        let twice = br#"{"type": "Assertion", "type": "Issuer", "badge": {}}"#;
        assert_eq!(peek(Path::new("b.json"), twice), None);
        assert_eq!(peek(Path::new("b.json"), b"[1, 2]"), None);
        assert_eq!(peek(Path::new("b.json"), b"{\"type\": \"Assertion\""), None);
        assert_eq!(peek(Path::new("b.jws"), b"eyJhbGciOiJFUzI1NiJ9.e30.c2ln"), None);
        assert_eq!(peek(Path::new("b.svg"), b"{\"type\": \"Assertion\"}"), None);
    }

    #[test]
    fn a_byte_order_mark_and_a_null_badge_are_read_as_the_full_decode_reads_them() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(br#"{"type": "Assertion", "badge": null}"#);
        assert_eq!(peek(Path::new("b.json"), &bytes), Some(Peeked::Ob2 { badge: Some(Value::Null) }));
    }
}
