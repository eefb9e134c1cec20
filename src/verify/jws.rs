//! The compact JWS serialization (RFC 7515 §7.1) that OB 2.0 signed assertions and VC-JWTs use:
//! three base64url parts, split and decoded here without checking the signature.
//!
//! A leaf: the trust store reads pinned VC-JWT status lists with it and `trust pull` follows
//! their references; verifying the signature is [`super::jose`]'s job.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

/// A compact JWS split and decoded (not verified).
#[derive(Debug, Clone)]
pub struct CompactJws<'a> {
    /// The protected header.
    pub header: Value,
    /// The payload.
    pub payload: Value,
    /// `BASE64URL(header) . BASE64URL(payload)`: the signing input.
    pub signing_input: &'a str,
    /// The signature bytes.
    pub signature: Vec<u8>,
}

/// Splits and decodes a compact JWS.
///
/// # Errors
/// A reason when it is not three base64url parts with a JSON-object header and payload.
pub fn parse(compact: &str) -> Result<CompactJws<'_>, String> {
    let compact = compact.trim();
    let mut parts = compact.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err("compact JWS must have exactly 3 dot-separated parts".into());
    };
    let dec = |what: &str, t: &str| URL_SAFE_NO_PAD.decode(t).map_err(|_| format!("JWS {what} is not base64url"));
    let header: Value =
        serde_json::from_slice(&dec("header", h)?).map_err(|e| format!("JWS header is not JSON: {e}"))?;
    let payload: Value =
        serde_json::from_slice(&dec("payload", p)?).map_err(|e| format!("JWS payload is not JSON: {e}"))?;
    if !header.is_object() || !payload.is_object() {
        return Err("JWS header and payload must be JSON objects".into());
    }
    let signature = dec("signature", s)?;
    Ok(CompactJws { header, payload, signing_input: &compact[..h.len() + 1 + p.len()], signature })
}

impl CompactJws<'_> {
    /// A header parameter's string value.
    pub fn header_str(&self, k: &str) -> Option<&str> {
        self.header.get(k).and_then(Value::as_str)
    }
}
