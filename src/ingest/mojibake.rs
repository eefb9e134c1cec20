//! Repair of UTF-8 text that was mis-decoded as Latin-1 / Windows-1252 ("mojibake").
//!
//! Platform exports (Credly CSV opened and re-saved in a spreadsheet, JSON produced by a
//! Latin-1 pipeline) often carry `SAFeÂ®` for `SAFe®` or `CafÃ©` for `Café`: the UTF-8 bytes of
//! the real text were read one byte per character. The repair re-encodes the string one byte
//! per character and keeps the result only when it is valid UTF-8 that contains multi-byte
//! sequences; every other string is returned unchanged (borrowed).

use std::borrow::Cow;

/// How many times a doubly (or triply) mis-decoded string is repaired at most.
const MAX_ROUNDS: usize = 3;

/// Windows-1252 characters of the bytes 0x80–0x9F that are not Latin-1 (the other bytes of
/// that range map to the C1 control characters U+0080–U+009F, which are Latin-1).
const CP1252: [(char, u8); 27] = [
    ('€', 0x80),
    ('‚', 0x82),
    ('ƒ', 0x83),
    ('„', 0x84),
    ('…', 0x85),
    ('†', 0x86),
    ('‡', 0x87),
    ('ˆ', 0x88),
    ('‰', 0x89),
    ('Š', 0x8A),
    ('‹', 0x8B),
    ('Œ', 0x8C),
    ('Ž', 0x8E),
    ('‘', 0x91),
    ('’', 0x92),
    ('“', 0x93),
    ('”', 0x94),
    ('•', 0x95),
    ('–', 0x96),
    ('—', 0x97),
    ('˜', 0x98),
    ('™', 0x99),
    ('š', 0x9A),
    ('›', 0x9B),
    ('œ', 0x9C),
    ('ž', 0x9E),
    ('Ÿ', 0x9F),
];

/// The byte a character came from when UTF-8 bytes were decoded as Latin-1 / Windows-1252.
fn byte_of(c: char) -> Option<u8> {
    let code = u32::from(c);
    if code <= 0xFF {
        return u8::try_from(code).ok();
    }
    CP1252.iter().find(|(ch, _)| *ch == c).map(|(_, b)| *b)
}

/// One repair round: `Some(repaired)` when the string round-trips, else `None`.
fn repair_once(s: &str) -> Option<String> {
    if s.is_ascii() {
        return None;
    }
    let mut bytes = Vec::with_capacity(s.len());
    for c in s.chars() {
        bytes.push(byte_of(c)?);
    }
    // Valid UTF-8 with at least one byte ≥ 0x80 necessarily contains a multi-byte sequence.
    if bytes.is_ascii() {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// Repairs UTF-8 text that was mis-decoded as Latin-1 (or Windows-1252): `"SAFeÂ®"` →
/// `"SAFe®"`, `"CafÃ©"` → `"Café"`, `"donâ€™t"` → `"don’t"`.
///
/// A string changes only when every character maps back to one byte (U+0000–U+00FF, or one of
/// the Windows-1252 characters of 0x80–0x9F) and those bytes decode as valid UTF-8 containing
/// multi-byte sequences. Anything else — ASCII, correct accented text such as `"Café"` or
/// `"SAFe®"`, text with characters beyond Latin-1 such as `"日本語"` — is returned borrowed and
/// unchanged. Text mis-decoded twice is repaired up to three rounds.
pub fn repair_mojibake(s: &str) -> Cow<'_, str> {
    let Some(mut fixed) = repair_once(s) else {
        return Cow::Borrowed(s);
    };
    for _ in 1..MAX_ROUNDS {
        match repair_once(&fixed) {
            Some(again) => fixed = again,
            None => break,
        }
    }
    Cow::Owned(fixed)
}

/// Repairs every string (not the keys) of a JSON value in place.
pub(crate) fn repair_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => {
            if let Cow::Owned(fixed) = repair_mojibake(s) {
                *s = fixed;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(repair_json),
        serde_json::Value::Object(map) => map.values_mut().for_each(repair_json),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_latin1_and_cp1252_mojibake() {
        assert_eq!(repair_mojibake("SAFeÂ®"), "SAFe®");
        assert_eq!(repair_mojibake("CafÃ©"), "Café");
        assert_eq!(repair_mojibake("Certified SAFeÂ® 6 Agilist"), "Certified SAFe® 6 Agilist");
        assert_eq!(repair_mojibake("donâ€™t"), "don’t");
        assert_eq!(repair_mojibake("â€œAgileâ€\u{9d}"), "“Agile”");
        assert_eq!(repair_mojibake("ZÃ¼rich â€“ Ãœbersicht"), "Zürich – Übersicht");
        assert_eq!(repair_mojibake("æ—¥æœ¬èªž"), "日本語");
        // Mis-decoded twice.
        assert_eq!(repair_mojibake("SAFeÃ‚Â®"), "SAFe®");
        assert!(matches!(repair_mojibake("CafÃ©"), Cow::Owned(_)));
    }

    #[test]
    fn leaves_correct_text_alone() {
        for s in [
            "",
            "plain ASCII, with ; and \"quotes\"",
            "Café",
            "SAFe®",
            "naïve résumé",
            "Straße in Köln",
            "日本語のテキスト",
            "Ã",           // lone lead byte: C3 alone is not UTF-8
            "Â® and 日本", // a character beyond Latin-1 / Windows-1252
            "°C ± 5 µm",   // Latin-1 symbols that do not form UTF-8
            "don’t",       // already correct typographic quote
            "€ 100",       // € → 0x80 is a lone continuation byte: invalid
        ] {
            let out = repair_mojibake(s);
            assert_eq!(out, s, "{s:?} must not change");
            assert!(matches!(out, Cow::Borrowed(_)), "{s:?} is borrowed");
        }
    }

    #[test]
    fn json_strings_repaired_in_place() {
        let mut v = serde_json::json!({"name": "CafÃ©", "list": ["SAFeÂ®", 3, {"k": "ok"}], "CafÃ©": 1});
        repair_json(&mut v);
        assert_eq!(v, serde_json::json!({"name": "Café", "list": ["SAFe®", 3, {"k": "ok"}], "CafÃ©": 1}));
    }
}
