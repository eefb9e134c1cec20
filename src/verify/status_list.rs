//! Status lists: `credentialStatus` entries of type `BitstringStatusListEntry` (W3C Bitstring
//! Status List v1.0) and `StatusList2021Entry`, read against pinned status-list credentials.
//!
//! `encodedList` is the GZIP-compressed bitstring, base64url-encoded without padding: with the
//! multibase prefix `u` (Bitstring Status List) or without (StatusList2021). Bit `i` is bit
//! `7 - i % 8` of byte `i / 8`: the first index is the most significant bit of the first byte.
//! Only 1-bit entries (`statusSize` 1) with purpose `revocation` or `suspension` are checked.
//!
//! A pinned list is used only once its own signature verifies (a Data Integrity proof through
//! [`super::proof`], or a VC-JWT's through [`super::jose`]); [`CheckedLists`] remembers each
//! list's check and decoded bitstring for one verification run.

use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use super::keys::b64url_decode;
use super::trust::{PinnedStatusList, TrustStore};
use super::verdict::Verdict;

/// Largest decompressed bitstring accepted (16 MiB = 134 million entries); a bigger one is
/// refused as a decompression bomb.
pub const MAX_LIST_BYTES: u64 = 16 * 1024 * 1024;

/// A decoded (and, when stored in the trust store, proof-checked) status list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedList {
    /// The list credential's id.
    pub id: String,
    /// Its issuer id.
    pub issuer: Option<String>,
    /// `statusPurpose` of the list (`revocation`, `suspension`, …).
    pub purpose: String,
    /// The bitstring.
    pub bits: Vec<u8>,
    /// The list's own `validFrom` / `issuanceDate`, if stated.
    pub valid_from: Option<chrono::DateTime<chrono::Utc>>,
    /// The list's own `validUntil` / `expirationDate`, if stated: past it, the list says
    /// nothing about the credentials it covers.
    pub valid_until: Option<chrono::DateTime<chrono::Utc>>,
}

impl DecodedList {
    /// The bit at `index` (`None` when out of range).
    pub fn get(&self, index: u64) -> Option<bool> {
        let byte = usize::try_from(index / 8).ok()?;
        let b = *self.bits.get(byte)?;
        Some(b & (0x80 >> (index % 8)) != 0)
    }

    /// Number of entries.
    pub fn len(&self) -> u64 {
        self.bits.len() as u64 * 8
    }

    /// Whether the list has no entries.
    pub fn is_empty(&self) -> bool {
        self.bits.is_empty()
    }
}

/// The kind of a status entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// `BitstringStatusListEntry`.
    Bitstring,
    /// `StatusList2021Entry`.
    StatusList2021,
}

/// One `credentialStatus` entry that points into a status list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    /// Entry type.
    pub kind: EntryKind,
    /// `statusPurpose`.
    pub purpose: String,
    /// `statusListCredential` URL.
    pub list: String,
    /// `statusListIndex`.
    pub index: u64,
}

/// The status entries of a credential document. Entries of other types are ignored (`Ok(None)`
/// per entry is not returned: they are simply absent); malformed list entries are `Err`.
pub fn entries(doc: &Value) -> Vec<Result<StatusEntry, String>> {
    let list: Vec<&Value> = match doc.get("credentialStatus") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(other) => vec![other],
    };
    let mut out = Vec::new();
    for e in list {
        let types = super::trust::types_of(e);
        let kind = if types.contains(&"BitstringStatusListEntry") {
            EntryKind::Bitstring
        } else if types.contains(&"StatusList2021Entry") {
            EntryKind::StatusList2021
        } else {
            continue;
        };
        out.push(parse_entry(e, kind));
    }
    out
}

fn parse_entry(e: &Value, kind: EntryKind) -> Result<StatusEntry, String> {
    let name = match kind {
        EntryKind::Bitstring => "BitstringStatusListEntry",
        EntryKind::StatusList2021 => "StatusList2021Entry",
    };
    let purpose = e
        .get("statusPurpose")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{name} has no statusPurpose"))?
        .to_string();
    let list = e
        .get("statusListCredential")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{name} has no statusListCredential"))?
        .to_string();
    let index = match e.get("statusListIndex") {
        Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
        Some(Value::Number(n)) => n.as_u64(),
        _ => None,
    }
    .ok_or_else(|| format!("{name} statusListIndex is missing or not a non-negative integer"))?;
    if let Some(size) = e.get("statusSize")
        && size.as_u64() != Some(1)
    {
        return Err(format!("{name} statusSize {size} is not supported (only 1)"));
    }
    Ok(StatusEntry { kind, purpose, list, index })
}

/// Decodes a status-list credential's subject (without checking its proof).
///
/// # Errors
/// A reason when the subject, purpose or `encodedList` is missing or malformed, or the
/// bitstring is larger than [`MAX_LIST_BYTES`].
pub fn decode_list(doc: &Value) -> Result<DecodedList, String> {
    let id = super::trust::id_of(doc).unwrap_or("(no id)").to_string();
    let issuer = match doc.get("issuer") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(o @ Value::Object(_)) => super::trust::id_of(o).map(str::to_string),
        _ => None,
    };
    let subject = match doc.get("credentialSubject") {
        Some(Value::Array(a)) => a.first(),
        other => other,
    }
    .filter(|s| s.is_object())
    .ok_or_else(|| format!("status list {id} has no credentialSubject"))?;
    let purpose = subject
        .get("statusPurpose")
        .and_then(|p| p.as_str().or_else(|| p.as_array().and_then(|a| a.first()).and_then(Value::as_str)))
        .ok_or_else(|| format!("status list {id} has no statusPurpose"))?
        .to_string();
    let encoded = subject
        .get("encodedList")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("status list {id} has no encodedList"))?;
    let bits = decode_encoded_list(encoded).map_err(|e| format!("status list {id}: {e}"))?;
    let date = |keys: &[&str]| -> Result<Option<chrono::DateTime<chrono::Utc>>, String> {
        let Some((key, v)) = keys.iter().find_map(|k| doc.get(*k).filter(|v| !v.is_null()).map(|v| (*k, v))) else {
            return Ok(None);
        };
        v.as_str()
            .and_then(crate::ingest::parse_datetime)
            .map(Some)
            .ok_or_else(|| format!("status list {id}: {key} is not an RFC 3339 date-time"))
    };
    let valid_from = date(&["validFrom", "issuanceDate"])?;
    let valid_until = date(&["validUntil", "expirationDate"])?;
    Ok(DecodedList { id, issuer, purpose, bits, valid_from, valid_until })
}

/// Decodes `encodedList`: optional multibase `u`, base64url, GZIP.
///
/// # Errors
/// A reason when the text is not base64url, not GZIP, or decompresses beyond [`MAX_LIST_BYTES`].
pub fn decode_encoded_list(encoded: &str) -> Result<Vec<u8>, String> {
    let body = encoded.strip_prefix('u').filter(|rest| rest.starts_with("H4sI")).unwrap_or(encoded);
    let gz = b64url_decode(body).ok_or("encodedList is not base64url")?;
    let mut out = Vec::new();
    let mut decoder = flate2::read::GzDecoder::new(gz.as_slice()).take(MAX_LIST_BYTES + 1);
    decoder.read_to_end(&mut out).map_err(|e| format!("encodedList is not GZIP: {e}"))?;
    if out.len() as u64 > MAX_LIST_BYTES {
        return Err(format!("encodedList decompresses to more than {MAX_LIST_BYTES} bytes"));
    }
    Ok(out)
}

/// The pinned status lists of a trust store, each checked ([`check_list`]) the first time a
/// credential points into it, the result then shared by every credential of the run.
#[derive(Debug)]
pub struct CheckedLists {
    lists: HashMap<String, OnceLock<Result<Arc<DecodedList>, String>>>,
}

impl CheckedLists {
    /// One empty slot per status list pinned in `store`.
    pub fn new(store: &TrustStore) -> CheckedLists {
        CheckedLists { lists: store.status_list_ids().map(|id| (id.to_string(), OnceLock::new())).collect() }
    }

    /// The list pinned under `url` (or its alias): `None` when none is, else its checked and
    /// decoded form or why it cannot be used.
    pub fn get(&self, url: &str, store: &TrustStore) -> Option<&Result<Arc<DecodedList>, String>> {
        let pinned = store.status_list(url)?;
        let slot = self.lists.get(store.resolve_alias(url))?;
        Some(slot.get_or_init(|| check_list(pinned, store)))
    }
}

/// Verifies a pinned status-list credential's own signature (its Data Integrity proof, or its
/// JOSE signature when it is a VC-JWT, under the same key rules as credentials) and decodes it.
///
/// # Errors
/// Why the list cannot be used: undecodable, its JWT claims contradict it, or its signature does
/// not check out.
pub fn check_list(pinned: &PinnedStatusList, store: &TrustStore) -> Result<Arc<DecodedList>, String> {
    let list = decode_list(&pinned.doc)?;
    let verdict = match &pinned.jwt {
        Some(jwt) if !jwt.problems.is_empty() => {
            return Err(format!("its JWT claims contradict the credential: {}", jwt.problems.join("; ")));
        }
        Some(jwt) => super::jose::verify_vc_jwt(&jwt.compact, list.issuer.as_deref(), store),
        None => super::proof::verify_document(&pinned.doc, list.issuer.as_deref(), store),
    };
    let what = if pinned.jwt.is_some() { "JWT signature" } else { "proof" };
    match verdict {
        Verdict::Valid(_) => Ok(Arc::new(list)),
        other => Err(format!("its own {what} does not check out: {}", other.detail())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// GZIP + base64url(no pad) + `u`, as an issuer publishes it.
    pub(crate) fn encode(bits: &[u8]) -> String {
        use base64::Engine as _;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(bits).unwrap();
        let bytes = gz.finish().unwrap();
        format!("u{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    #[test]
    fn most_significant_bit_first() {
        let mut bits = vec![0u8; 16 * 1024];
        bits[0] = 0b1000_0000; // index 0
        bits[1] = 0b0000_0001; // index 15
        let list = decode_encoded_list(&encode(&bits)).unwrap();
        let l = DecodedList {
            id: "x".into(),
            issuer: None,
            purpose: "revocation".into(),
            bits: list,
            valid_from: None,
            valid_until: None,
        };
        assert_eq!(l.get(0), Some(true));
        assert_eq!(l.get(1), Some(false));
        assert_eq!(l.get(7), Some(false));
        assert_eq!(l.get(15), Some(true));
        assert_eq!(l.get(l.len()), None);
    }

    #[test]
    fn the_dcc_fixture_list_revokes_2_6_and_8() {
        let doc: Value =
            serde_json::from_str(include_str!("../../tests/fixtures/ob3/status/e5WK8CbZ1GjycuPombrj.json")).unwrap();
        let l = decode_list(&doc).unwrap();
        assert_eq!(l.purpose, "revocation");
        assert_eq!(l.len(), 100_000);
        let set: Vec<u64> = (0..l.len()).filter(|&i| l.get(i) == Some(true)).collect();
        assert_eq!(set, vec![2, 6, 8]);
    }

    #[test]
    fn bombs_and_garbage_are_refused() {
        let big = vec![0u8; (MAX_LIST_BYTES + 1) as usize];
        assert!(decode_encoded_list(&encode(&big)).unwrap_err().contains("more than"));
        assert!(decode_encoded_list("u!!!").unwrap_err().contains("base64url"));
        assert!(decode_encoded_list("uH4sIAAAA").unwrap_err().contains("GZIP"));
    }

    #[test]
    fn entries_are_parsed_strictly() {
        let doc = serde_json::json!({"credentialStatus": [
            {"type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListCredential": "https://x/l", "statusListIndex": "42"},
            {"type": "StatusList2021Entry", "statusPurpose": "suspension", "statusListCredential": "https://x/s", "statusListIndex": 7},
            {"type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListCredential": "https://x/l", "statusListIndex": "-1"},
            {"type": "SomethingElse"}
        ]});
        let e = entries(&doc);
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].as_ref().unwrap().index, 42);
        assert_eq!(e[1].as_ref().unwrap().kind, EntryKind::StatusList2021);
        assert!(e[2].is_err());
    }
}
