//! Compact JWS / VC-JWT badges: the payload is decoded WITHOUT verifying the signature (that is
//! `verify`'s job, from [`super::Credential::compact`]) and turned into the document the OB 2.0 /
//! OB 3.0 parsers read.
//!
//! * OB 2.0 signed assertion: the payload is the Assertion JSON.
//! * VC-JWT for VC data model 1.1: the credential is the `vc` claim; the registered JWT claims
//!   `iss` → `issuer`, `nbf` → `issuanceDate`, `exp` → `expirationDate`, `jti` → `id`,
//!   `sub` → `credentialSubject.id` fill what the credential leaves out.
//! * VC data model 2.0 (VC-JOSE): the payload is the credential itself; the same claims map to
//!   `issuer`, `validFrom`, `validUntil`, `id`, `credentialSubject.id`.
//!
//! A claim that contradicts the credential's own property is a problem (the credential is then
//! `malformed`), never silently overridden.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::dates::parse_datetime;
use super::json::{id_of, kind_of, text};
use super::limits::truncate;
use super::problem::{Problem, ProblemKind};

/// Why a compact JWS could not be decoded (the reason of a reject).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum JwsError {
    /// Not three `.`-separated parts.
    #[error("compact JWS must have 3 dot-separated parts, found {0}")]
    Parts(usize),
    /// The payload part is empty (detached payloads are not supported).
    #[error("compact JWS has an empty (detached) payload")]
    EmptyPayload,
    /// A part is not base64url without padding.
    #[error("compact JWS {part} is not valid base64url: {detail}")]
    Base64 {
        /// `header`, `payload` or `signature`.
        part: &'static str,
        /// The decoder's message.
        detail: String,
    },
    /// The payload is not UTF-8 JSON.
    #[error("compact JWS payload is not JSON: {0}")]
    PayloadJson(String),
    /// The payload is JSON but not an object.
    #[error("compact JWS payload is {0}, expected a JSON object")]
    PayloadKind(&'static str),
}

/// A decoded compact JWS.
#[derive(Debug, Clone)]
pub(crate) struct Jws {
    /// The compact serialization as read (trimmed).
    pub compact: String,
    /// The decoded payload (a JSON object).
    pub payload: Value,
    /// Problems with the protected header (not decodable, not a JSON object, no `alg`).
    pub header_problems: Vec<Problem>,
}

/// Whether `s` (already trimmed) has the shape of a compact JWS: three `.`-separated parts of
/// base64url-looking characters whose header starts like a JSON object (`ey…`/`ew…`).
///
/// This is a sniff only: a text that passes is decoded with [`decode`], whose errors explain
/// what is wrong (bad base64 in one part, a payload that is not JSON).
pub(crate) fn looks_compact(s: &str) -> bool {
    s.starts_with('e')
        && s.bytes().filter(|&b| b == b'.').count() == 2
        && !s.bytes().any(|b| b.is_ascii_whitespace() || matches!(b, b'{' | b'}' | b'"' | b'<' | b','))
}

/// Decodes a compact JWS without verifying it.
///
/// # Errors
/// A [`JwsError`] when the text is not three parts, a part is not base64url or the payload is
/// not a JSON object. A broken header is not an error: it is reported in `header_problems`.
pub(crate) fn decode(input: &str) -> Result<Jws, JwsError> {
    let compact = input.trim();
    let parts: Vec<&str> = compact.split('.').collect();
    let [header, payload, signature] = parts.as_slice() else {
        return Err(JwsError::Parts(parts.len()));
    };
    if payload.is_empty() {
        return Err(JwsError::EmptyPayload);
    }
    let b64 = |part: &'static str, s: &str| {
        URL_SAFE_NO_PAD.decode(s).map_err(|e| JwsError::Base64 { part, detail: e.to_string() })
    };
    let payload_bytes = b64("payload", payload)?;
    b64("signature", signature)?;
    let (body, _) = super::files::strip_bom(&payload_bytes);
    let value: Value = serde_json::from_slice(body).map_err(|e| JwsError::PayloadJson(e.to_string()))?;
    if !value.is_object() {
        return Err(JwsError::PayloadKind(kind_of(&value)));
    }
    let mut header_problems = Vec::new();
    const FIELD: &str = "JWS header";
    match URL_SAFE_NO_PAD.decode(header).map(|h| serde_json::from_slice::<Value>(&h)) {
        Err(e) => header_problems.push(Problem::new(FIELD, ProblemKind::NotBase64, e.to_string())),
        Ok(Err(e)) => header_problems.push(Problem::new(FIELD, ProblemKind::NotJson, e.to_string())),
        Ok(Ok(h)) if !h.is_object() => header_problems.push(Problem::wrong_type(FIELD, kind_of(&h), "a JSON object")),
        Ok(Ok(h)) if text(h.get("alg")).is_none() => {
            header_problems.push(Problem::new(FIELD, ProblemKind::MissingMember, "alg"))
        }
        Ok(Ok(_)) => {}
    }
    Ok(Jws { compact: compact.to_string(), payload: value, header_problems })
}

/// Whether the `@context` names the VC data model 2.0.
fn is_vc2(doc: &Value) -> bool {
    super::json::one_or_many(doc.get("@context"))
        .into_iter()
        .filter_map(Value::as_str)
        .any(|c| c.trim_end_matches('/') == "https://www.w3.org/ns/credentials/v2")
}

/// The credential document carried by a JWT payload, with the problems of the claim mapping.
///
/// A payload with an object `vc` claim is a VC 1.1 VC-JWT; a payload whose `type` names
/// `VerifiableCredential` is a VC 2.0 JOSE credential; anything else (an OB 2.0 assertion, a
/// support document) is returned as it is.
pub(crate) fn credential_document(payload: &Value) -> (Value, Vec<Problem>) {
    let mut problems = Vec::new();
    let (mut doc, v2) = match payload.get("vc") {
        Some(vc @ Value::Object(_)) => (vc.clone(), false),
        Some(other) => {
            problems.push(Problem::wrong_type("JWT claim vc", kind_of(other), "an object"));
            return (payload.clone(), problems);
        }
        None => {
            let types = super::json::types_of(payload);
            if !types.iter().any(|t| t == "VerifiableCredential") {
                return (payload.clone(), problems);
            }
            (payload.clone(), true)
        }
    };
    let v2 = v2 || is_vc2(&doc);
    let (from, until) = if v2 { ("validFrom", "validUntil") } else { ("issuanceDate", "expirationDate") };
    let Some(obj) = doc.as_object_mut() else {
        return (doc, problems);
    };
    map_string_claim(payload, "iss", obj, "issuer", &mut problems);
    map_string_claim(payload, "jti", obj, "id", &mut problems);
    map_date_claim(payload, "nbf", obj, from, &mut problems);
    map_date_claim(payload, "exp", obj, until, &mut problems);
    if let Some(sub) = payload.get("sub") {
        match obj.get_mut("credentialSubject") {
            Some(Value::Object(subject)) => map_string_claim(payload, "sub", subject, "id", &mut problems),
            None => {
                if let Some(s) = text(Some(sub)) {
                    let mut subject = Map::new();
                    subject.insert("id".to_string(), Value::String(s));
                    obj.insert("credentialSubject".to_string(), Value::Object(subject));
                }
            }
            Some(_) => {} // an array of subjects or a wrong type: the OB 3.0 parser reports it
        }
    }
    (doc, problems)
}

/// Copies a string claim into `key` when absent; a different existing value is a problem.
fn map_string_claim(
    payload: &Value,
    claim: &str,
    obj: &mut Map<String, Value>,
    key: &str,
    problems: &mut Vec<Problem>,
) {
    let Some(raw) = payload.get(claim) else {
        return;
    };
    let Some(value) = text(Some(raw)) else {
        problems.push(Problem::wrong_type(format!("JWT claim {claim}"), kind_of(raw), "a string"));
        return;
    };
    let existing = match obj.get(key) {
        None | Some(Value::Null) => None,
        Some(v @ Value::Object(_)) => Some(id_of(v)),
        Some(v) => Some(text(Some(v))),
    };
    match existing {
        None => {
            obj.insert(key.to_string(), Value::String(value));
        }
        Some(Some(current)) if current == value => {}
        Some(current) => problems.push(Problem::new(
            format!("JWT claim {claim}"),
            ProblemKind::Conflict,
            format!(
                "{:?} disagrees with the credential's {key} {:?}",
                truncate(&value, 80),
                truncate(current.as_deref().unwrap_or("(none)"), 80)
            ),
        )),
    }
}

/// Copies a NumericDate claim into the date property `key` when absent (as RFC 3339); a
/// different existing date is a problem.
fn map_date_claim(payload: &Value, claim: &str, obj: &mut Map<String, Value>, key: &str, problems: &mut Vec<Problem>) {
    let Some(raw) = payload.get(claim) else {
        return;
    };
    let when = raw.as_i64().or_else(|| raw.as_f64().map(|f| f as i64));
    let Some(when) = when.and_then(|secs| chrono::DateTime::from_timestamp(secs, 0)) else {
        problems.push(Problem::new(
            format!("JWT claim {claim}"),
            ProblemKind::WrongType,
            "not a NumericDate (seconds since 1970)",
        ));
        return;
    };
    match obj.get(key) {
        None | Some(Value::Null) => {
            obj.insert(key.to_string(), Value::String(when.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)));
        }
        Some(Value::String(s)) if parse_datetime(s) == Some(when) => {}
        Some(Value::String(s)) if parse_datetime(s).is_none() => {} // the parser reports the bad date
        Some(other) => problems.push(Problem::new(
            format!("JWT claim {claim}"),
            ProblemKind::Conflict,
            format!(
                "({}) disagrees with the credential's {key} ({})",
                when.to_rfc3339(),
                truncate(&other.to_string(), 80)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn encode(header: &Value, payload: &Value) -> String {
        let h = URL_SAFE_NO_PAD.encode(header.to_string());
        let p = URL_SAFE_NO_PAD.encode(payload.to_string());
        format!("{h}.{p}.c2ln")
    }

    #[test]
    fn decodes_without_verifying() {
        let jws = encode(&json!({"alg": "RS256"}), &json!({"type": "Assertion"}));
        assert!(looks_compact(&jws));
        let d = decode(&format!("  {jws}\n")).expect("decodes");
        assert_eq!(d.payload, json!({"type": "Assertion"}));
        assert_eq!(d.compact, jws);
        assert!(d.header_problems.is_empty());
    }

    #[test]
    fn decode_errors() {
        assert_eq!(decode("a.b").err(), Some(JwsError::Parts(2)));
        assert_eq!(decode("eyJ9..sig").err(), Some(JwsError::EmptyPayload));
        assert!(matches!(decode("eyJhbGciOiJub25lIn0.@@@.c2ln"), Err(JwsError::Base64 { part: "payload", .. })));
        let not_json = format!("eyJhbGciOiJub25lIn0.{}.c2ln", URL_SAFE_NO_PAD.encode("hello"));
        assert!(matches!(decode(&not_json), Err(JwsError::PayloadJson(_))));
        let array = format!("eyJhbGciOiJub25lIn0.{}.c2ln", URL_SAFE_NO_PAD.encode("[1]"));
        assert_eq!(decode(&array).err(), Some(JwsError::PayloadKind("an array")));
        let bad_header = format!("eyJub3QtanNvbg.{}.c2ln", URL_SAFE_NO_PAD.encode("{}"));
        assert!(decode(&bad_header).is_ok_and(|d| d.header_problems.len() == 1));
        assert!(!looks_compact("{\"a\": 1}"));
        assert!(!looks_compact("https://example.org/a.b.c"));
    }

    #[test]
    fn vc11_claims_fill_the_credential() {
        let payload = json!({
            "iss": "did:example:issuer", "nbf": 1262304000, "exp": 1893456000, "jti": "urn:uuid:1", "sub": "did:example:me",
            "vc": {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential", "OpenBadgeCredential"],
                   "credentialSubject": {"achievement": {"name": "A"}}}
        });
        let (doc, problems) = credential_document(&payload);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(doc["issuer"], "did:example:issuer");
        assert_eq!(doc["issuanceDate"], "2010-01-01T00:00:00Z");
        assert_eq!(doc["expirationDate"], "2030-01-01T00:00:00Z");
        assert_eq!(doc["id"], "urn:uuid:1");
        assert_eq!(doc["credentialSubject"]["id"], "did:example:me");
    }

    #[test]
    fn vc2_payload_is_the_credential_and_conflicts_are_problems() {
        let payload = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "did:example:a"}, "iss": "did:example:b", "nbf": 1262304000,
            "validFrom": "2011-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:me"}, "sub": "did:example:me"
        });
        let (doc, problems) = credential_document(&payload);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].to_string().contains("iss"));
        assert!(problems[1].to_string().contains("nbf"));
        assert_eq!(doc["validFrom"], "2011-01-01T00:00:00Z");
        let ob2 = json!({"type": "Assertion", "iss": 5});
        assert_eq!(credential_document(&ob2), (ob2.clone(), vec![]));
    }
}
