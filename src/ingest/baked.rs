//! Baked badge images: the badge text hidden in a PNG text chunk or an SVG element.
//!
//! * PNG: the first `iTXt`, `tEXt` or `zTXt` chunk whose keyword is `openbadges` (OB 2.0) or
//!   `openbadgecredential` (OB 3.0, an `iTXt` chunk), found by a small chunk walker over the bytes already in memory (see `docs/DECISIONS.md`). Compressed
//!   text is inflated under a hard cap of [`BAKED_TEXT_LIMIT`] bytes, so a decompression bomb
//!   is rejected after inflating at most that much. The chunk's CRC is checked.
//! * SVG: the `openbadges:assertion` element (namespace `http://openbadges.org`), read with
//!   `quick-xml` (no DTD or external entity is ever expanded). Its `verify` attribute holds a
//!   compact JWS (signed badge) or the hosted assertion URL; its text/CDATA holds the assertion
//!   JSON. A JWS in `verify` wins, then the element's content, then a URL in `verify`.
//!   OB 3.0: the `openbadges:credential` element (namespace `https://purl.imsglobal.org/ob/v3p0`)
//!   holds the credential JSON or its VC-JWT as content (a JWT in a `verify` attribute is read too).
//!
//! The text found (JSON, a URL or a compact JWS) is interpreted by the caller.

use std::io::Read as _;

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

/// Most bytes a compressed `openbadges` PNG chunk may inflate to (1 MiB): more is rejected as a
/// likely decompression bomb.
pub const BAKED_TEXT_LIMIT: usize = 1 << 20;

/// The PNG file signature.
const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// Deepest element nesting read in an SVG. `quick-xml`'s namespace resolver counts nesting in a
/// `u16` that overflows (a panic in debug builds) past 65 535 levels, and no real SVG nests this
/// deep, so deeper files are rejected before that.
const MAX_XML_DEPTH: usize = 1000;

/// The PNG keywords of baked badge text: OB 2.0 and OB 3.0.
const KEYWORDS: [&[u8]; 2] = [b"openbadges", b"openbadgecredential"];

/// The badge text found in an image and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BakedText {
    /// The text: JSON, a URL or a compact JWS (trimmed).
    pub text: String,
    /// Where in the file: `iTXt chunk at byte 33`, `openbadges:assertion at byte 210`.
    pub position: String,
}

/// Why no badge text could be taken from an image (the reason of a reject).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum BakedError {
    /// A well-formed PNG without an `openbadges` / `openbadgecredential` text chunk.
    #[error("PNG image has no openbadges or openbadgecredential iTXt/tEXt/zTXt chunk (not a baked badge)")]
    NoPngBadge,
    /// The file ends inside a chunk (or before IEND) before any badge chunk was found.
    #[error("truncated PNG: {0}")]
    Truncated(String),
    /// A chunk header that no PNG may contain.
    #[error("invalid PNG chunk at byte {offset}: {detail}")]
    BadChunk {
        /// Byte offset of the chunk.
        offset: usize,
        /// What is wrong.
        detail: String,
    },
    /// The `openbadges` chunk fails its CRC.
    #[error("PNG {kind} chunk at byte {offset} fails its CRC check (corrupt file)")]
    Crc {
        /// Chunk type.
        kind: String,
        /// Byte offset of the chunk.
        offset: usize,
    },
    /// The `openbadges` chunk's fields are broken.
    #[error("PNG {kind} openbadges chunk at byte {offset} is malformed: {detail}")]
    Malformed {
        /// Chunk type.
        kind: String,
        /// Byte offset of the chunk.
        offset: usize,
        /// What is wrong.
        detail: String,
    },
    /// The compressed text inflates past [`BAKED_TEXT_LIMIT`].
    #[error(
        "PNG {kind} openbadges chunk at byte {offset} inflates past the {limit}-byte limit (decompression bomb?); rejected without inflating further"
    )]
    Bomb {
        /// Chunk type.
        kind: String,
        /// Byte offset of the chunk.
        offset: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The SVG is not valid UTF-8.
    #[error("SVG is not valid UTF-8 (byte {0})")]
    SvgUtf8(usize),
    /// The SVG is not well-formed XML (before the badge element ended).
    #[error("SVG is not well-formed XML at byte {offset}: {detail}")]
    Xml {
        /// Byte offset of the error.
        offset: u64,
        /// The parser's message.
        detail: String,
    },
    /// The SVG nests elements deeper than [`MAX_XML_DEPTH`].
    #[error("SVG nests elements more than {MAX_XML_DEPTH} deep (byte {0}); not read further")]
    TooDeep(u64),
    /// An SVG without an `openbadges:assertion` or `openbadges:credential` element.
    #[error("SVG image has no openbadges:assertion or openbadges:credential element (not a baked badge)")]
    NoSvgBadge,
    /// The badge element or chunk holds no text.
    #[error("{0} holds no badge text")]
    Empty(String),
}

/// Whether the bytes start with the PNG signature.
pub(crate) fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(&PNG_SIGNATURE)
}

/// The text of the first `openbadges` text chunk of a PNG.
///
/// # Errors
/// [`BakedError`] when the PNG has no such chunk, is truncated or corrupt before it, or the
/// chunk is malformed or inflates past [`BAKED_TEXT_LIMIT`].
pub(crate) fn png_text(bytes: &[u8]) -> Result<BakedText, BakedError> {
    let mut at = PNG_SIGNATURE.len();
    loop {
        let Some(head) = bytes.get(at..at.saturating_add(8)) else {
            return Err(BakedError::Truncated(format!(
                "the file ends at byte {} inside a chunk header or without an IEND chunk, and no openbadges chunk came before",
                bytes.len()
            )));
        };
        let declared = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        let kind_bytes = &head[4..8];
        let kind = String::from_utf8_lossy(kind_bytes).into_owned();
        if !kind_bytes.iter().all(u8::is_ascii_alphabetic) {
            return Err(BakedError::BadChunk { offset: at, detail: format!("chunk type {kind:?} is not 4 letters") });
        }
        if declared > 0x7FFF_FFFF {
            return Err(BakedError::BadChunk {
                offset: at,
                detail: format!("chunk {kind} declares length {declared}, above the PNG maximum 2^31-1"),
            });
        }
        let data_start = at + 8;
        let data_end = data_start.saturating_add(declared as usize);
        let crc_end = data_end.saturating_add(4);
        if crc_end > bytes.len() {
            return Err(BakedError::Truncated(format!(
                "chunk {kind} at byte {at} declares {declared} data bytes but the file ends at byte {}",
                bytes.len()
            )));
        }
        let data = &bytes[data_start..data_end];
        if matches!(kind_bytes, b"tEXt" | b"zTXt" | b"iTXt") && keyword(data).is_some_and(|k| KEYWORDS.contains(&k)) {
            let stored =
                u32::from_be_bytes([bytes[data_end], bytes[data_end + 1], bytes[data_end + 2], bytes[data_end + 3]]);
            let mut crc = flate2::Crc::new();
            crc.update(kind_bytes);
            crc.update(data);
            if crc.sum() != stored {
                return Err(BakedError::Crc { kind, offset: at });
            }
            let text = chunk_text(kind_bytes, data).map_err(|e| match e {
                ChunkFail::Bomb => BakedError::Bomb { kind: kind.clone(), offset: at, limit: BAKED_TEXT_LIMIT },
                ChunkFail::Malformed(detail) => BakedError::Malformed { kind: kind.clone(), offset: at, detail },
            })?;
            let position = format!("{kind} chunk at byte {at}");
            let text = text.trim().to_string();
            if text.is_empty() {
                return Err(BakedError::Empty(format!("PNG {position}")));
            }
            return Ok(BakedText { text, position });
        }
        if kind_bytes == b"IEND" {
            return Err(BakedError::NoPngBadge);
        }
        at = crc_end;
    }
}

/// The keyword of a text chunk: the bytes before the first NUL (1–79 bytes).
fn keyword(data: &[u8]) -> Option<&[u8]> {
    let end = data.iter().position(|&b| b == 0)?;
    Some(&data[..end])
}

enum ChunkFail {
    Bomb,
    Malformed(String),
}

/// Decodes the text of a `tEXt` / `zTXt` / `iTXt` chunk whose keyword is a badge keyword.
fn chunk_text(kind: &[u8], data: &[u8]) -> Result<String, ChunkFail> {
    let after_keyword = keyword(data).map_or(0, <[u8]>::len) + 1;
    let rest = data.get(after_keyword..).unwrap_or_default();
    match kind {
        b"tEXt" => Ok(latin1_or_utf8(rest)),
        b"zTXt" => {
            let (&method, compressed) =
                rest.split_first().ok_or(ChunkFail::Malformed("no compression method".into()))?;
            if method != 0 {
                return Err(ChunkFail::Malformed(format!("unknown compression method {method}")));
            }
            inflate(compressed).map(|bytes| latin1_or_utf8(&bytes))
        }
        _ => {
            // iTXt: compression flag, method, language tag\0, translated keyword\0, text.
            let [flag, method, tail @ ..] = rest else {
                return Err(ChunkFail::Malformed("cut off before the compression fields".into()));
            };
            let lang_end = tail.iter().position(|&b| b == 0).ok_or(ChunkFail::Malformed("no language tag".into()))?;
            let tail = &tail[lang_end + 1..];
            let tr_end =
                tail.iter().position(|&b| b == 0).ok_or(ChunkFail::Malformed("no translated keyword".into()))?;
            let body = &tail[tr_end + 1..];
            let bytes = match (flag, method) {
                (0, _) => body.to_vec(),
                (1, 0) => inflate(body)?,
                (1, m) => return Err(ChunkFail::Malformed(format!("unknown compression method {m}"))),
                (f, _) => return Err(ChunkFail::Malformed(format!("compression flag {f} is not 0 or 1"))),
            };
            String::from_utf8(bytes).map_err(|e| {
                ChunkFail::Malformed(format!("text is not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()))
            })
        }
    }
}

/// Inflates zlib data, stopping once more than [`BAKED_TEXT_LIMIT`] bytes came out.
fn inflate(compressed: &[u8]) -> Result<Vec<u8>, ChunkFail> {
    let mut out = Vec::new();
    let cap = BAKED_TEXT_LIMIT as u64 + 1;
    flate2::read::ZlibDecoder::new(compressed)
        .take(cap)
        .read_to_end(&mut out)
        .map_err(|e| ChunkFail::Malformed(format!("compressed text is corrupt: {e}")))?;
    if out.len() > BAKED_TEXT_LIMIT {
        return Err(ChunkFail::Bomb);
    }
    Ok(out)
}

/// PNG `tEXt`/`zTXt` text is Latin-1 by the standard, but bakers write UTF-8 JSON: UTF-8 when
/// valid, else Latin-1.
fn latin1_or_utf8(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// Whether the bytes look like XML (after an optional BOM and whitespace, a `<`).
pub(crate) fn looks_xml(bytes: &[u8]) -> bool {
    let (body, _) = super::files::strip_bom(bytes);
    body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

/// Whether an element is the OB 3.0 `openbadges:credential` (namespace
/// `https://purl.imsglobal.org/ob/v3p0`).
fn is_credential(ns: &ResolveResult<'_>, local: &[u8]) -> bool {
    local == b"credential"
        && match ns {
            ResolveResult::Bound(n) => {
                let uri = String::from_utf8_lossy(n.as_ref()).to_ascii_lowercase();
                let uri = uri.trim_end_matches('/');
                uri == "https://purl.imsglobal.org/ob/v3p0" || uri == "http://purl.imsglobal.org/ob/v3p0"
            }
            ResolveResult::Unknown(prefix) => prefix.as_slice() == b"openbadges",
            ResolveResult::Unbound => false,
        }
}

/// Whether an element is `openbadges:assertion`.
fn is_assertion(ns: &ResolveResult<'_>, local: &[u8]) -> bool {
    local == b"assertion"
        && match ns {
            ResolveResult::Bound(n) => {
                let uri = String::from_utf8_lossy(n.as_ref()).to_ascii_lowercase();
                let uri = uri.trim_end_matches('/');
                uri == "http://openbadges.org" || uri == "https://openbadges.org"
            }
            ResolveResult::Unknown(prefix) => prefix.as_slice() == b"openbadges",
            ResolveResult::Unbound => false,
        }
}

/// The badge text of an SVG's `openbadges:assertion` (OB 2.0) or `openbadges:credential`
/// (OB 3.0) element, whichever comes first.
///
/// # Errors
/// [`BakedError`] when the SVG is not UTF-8, is not well-formed before the element ends, has no
/// such element, or the element holds neither a `verify` value nor content.
pub(crate) fn svg_text(bytes: &[u8]) -> Result<BakedText, BakedError> {
    let (body, skip) = super::files::strip_bom(bytes);
    let text = std::str::from_utf8(body).map_err(|e| BakedError::SvgUtf8(skip + e.valid_up_to()))?;
    let mut reader = quick_xml::NsReader::from_str(text);
    let xml_err = |reader: &quick_xml::NsReader<&[u8]>, e: quick_xml::Error| BakedError::Xml {
        offset: skip as u64 + reader.error_position(),
        detail: e.to_string(),
    };
    let mut depth = 0usize;
    loop {
        let before = reader.buffer_position();
        let (ns, event) = match reader.read_resolved_event() {
            Ok(pair) => pair,
            Err(e) => return Err(xml_err(&reader, e)),
        };
        let (start, empty) = match event {
            Event::Start(s) => {
                depth += 1;
                if depth > MAX_XML_DEPTH {
                    return Err(BakedError::TooDeep(skip as u64 + before));
                }
                (s, false)
            }
            Event::Empty(s) => (s, true),
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                continue;
            }
            Event::Eof => return Err(BakedError::NoSvgBadge),
            _ => continue,
        };
        let local = start.local_name();
        let element = if is_assertion(&ns, local.as_ref()) {
            "openbadges:assertion"
        } else if is_credential(&ns, local.as_ref()) {
            "openbadges:credential"
        } else {
            continue;
        };
        let position = format!("{element} at byte {}", skip as u64 + before);
        let mut verify = None;
        for attr in start.attributes() {
            let attr = attr.map_err(|e| xml_err(&reader, e.into()))?;
            if attr.key.local_name().as_ref() == b"verify" {
                verify = Some(attr.unescape_value().map_err(|e| xml_err(&reader, e))?.trim().to_string());
            }
        }
        let content = if empty { String::new() } else { element_content(&mut reader, skip, depth)? };
        let content = content.trim();
        let verify = verify.filter(|v| !v.is_empty());
        let chosen = match verify {
            Some(v) if super::jws::looks_compact(&v) => v,
            _ if !content.is_empty() => content.to_string(),
            Some(v) => v,
            None => return Err(BakedError::Empty(format!("SVG {position}"))),
        };
        return Ok(BakedText { text: chosen, position });
    }
}

/// The text and CDATA inside the current element (nested elements' text included), with
/// predefined and character entity references resolved.
fn element_content(reader: &mut quick_xml::NsReader<&[u8]>, skip: usize, outer: usize) -> Result<String, BakedError> {
    let mut out = String::new();
    let mut depth = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| BakedError::Xml { offset: skip as u64 + reader.error_position(), detail: e.to_string() })?;
        let fail = |detail: String| BakedError::Xml { offset: skip as u64 + reader.buffer_position(), detail };
        match event {
            Event::Text(t) => out.push_str(&t.decode().map_err(|e| fail(e.to_string()))?),
            Event::CData(t) => out.push_str(&t.decode().map_err(|e| fail(e.to_string()))?),
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(|e| fail(e.to_string()))?.into_owned();
                if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => out.push(c),
                        _ => return Err(fail(format!("invalid character reference &{name};"))),
                    }
                } else {
                    out.push(match name.as_str() {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "apos" => '\'',
                        "quot" => '"',
                        _ => return Err(fail(format!("undefined entity &{name}; (DTD entities are never expanded)"))),
                    });
                }
            }
            Event::Start(_) => {
                depth += 1;
                if outer + depth > MAX_XML_DEPTH {
                    return Err(BakedError::TooDeep(skip as u64 + reader.buffer_position()));
                }
            }
            Event::End(_) if depth == 0 => return Ok(out),
            Event::End(_) => depth -= 1,
            Event::Eof => return Err(fail("the file ends inside the badge element".into())),
            _ => {}
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A PNG chunk with its length and CRC.
    pub(crate) fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(data.len() + 12);
        out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(u32::MAX).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
        out
    }

    /// A minimal PNG (1×1 IHDR, empty IDAT, IEND) with `extra` chunks after IHDR.
    pub(crate) fn png(extra: &[Vec<u8>]) -> Vec<u8> {
        let mut out = PNG_SIGNATURE.to_vec();
        out.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]));
        for c in extra {
            out.extend_from_slice(c);
        }
        out.extend(chunk(b"IDAT", &[]));
        out.extend(chunk(b"IEND", &[]));
        out
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        use std::io::Write as _;
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        let _ = enc.write_all(data);
        enc.finish().unwrap_or_default()
    }

    #[test]
    fn png_text_chunks() {
        let t = png(&[chunk(b"tEXt", b"Comment\0hello"), chunk(b"tEXt", b"openbadges\0{\"a\":1}")]);
        let found = png_text(&t).expect("tEXt");
        assert_eq!(found.text, "{\"a\":1}");
        assert!(found.position.starts_with("tEXt chunk at byte "), "{}", found.position);

        let mut z = b"openbadges\0\0".to_vec();
        z.extend(zlib(b"https://example.org/a.json"));
        assert_eq!(png_text(&png(&[chunk(b"zTXt", &z)])).map(|t| t.text), Ok("https://example.org/a.json".into()));

        let mut i = b"openbadges\0\x01\0en\0\0".to_vec();
        i.extend(zlib("{\"name\":\"Café\"}".as_bytes()));
        assert_eq!(png_text(&png(&[chunk(b"iTXt", &i)])).map(|t| t.text), Ok("{\"name\":\"Café\"}".into()));

        assert_eq!(png_text(&png(&[])), Err(BakedError::NoPngBadge));
    }

    #[test]
    fn png_errors() {
        let mut bad_crc = chunk(b"tEXt", b"openbadges\0x");
        if let Some(last) = bad_crc.last_mut() {
            *last ^= 0xFF;
        }
        assert!(matches!(png_text(&png(&[bad_crc])), Err(BakedError::Crc { .. })));
        let full = png(&[chunk(b"tEXt", b"openbadges\0{}")]);
        let cut = &full[..40];
        assert!(matches!(png_text(cut), Err(BakedError::Truncated(_))));
        let mut garbage = png(&[]);
        garbage.truncate(8);
        garbage.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF, b'I', b'H', b'D', b'R']);
        assert!(matches!(png_text(&garbage), Err(BakedError::BadChunk { .. })));
        let corrupt = png(&[chunk(b"zTXt", b"openbadges\0\0not zlib")]);
        assert!(matches!(png_text(&corrupt), Err(BakedError::Malformed { .. })));
        let empty = png(&[chunk(b"iTXt", b"openbadges\0\0\0\0\0  ")]);
        assert!(matches!(png_text(&empty), Err(BakedError::Empty(_))));
    }

    #[test]
    fn ob3_png_and_svg_credentials() {
        let plain = png(&[chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0eyJhbGciOiJFZERTQSJ9.e30.c2ln")]);
        let found = png_text(&plain).expect("uncompressed iTXt");
        assert_eq!(found.text, "eyJhbGciOiJFZERTQSJ9.e30.c2ln");
        let mut z = b"openbadgecredential\0\x01\0\0\0".to_vec();
        z.extend(zlib(b"{\"type\":[\"VerifiableCredential\"]}"));
        assert_eq!(
            png_text(&png(&[chunk(b"iTXt", &z)])).map(|t| t.text),
            Ok("{\"type\":[\"VerifiableCredential\"]}".into())
        );
        let mut bomb = b"openbadgecredential\0\x01\0\0\0".to_vec();
        bomb.extend(zlib(&vec![b' '; BAKED_TEXT_LIMIT + 1]));
        assert!(matches!(png_text(&png(&[chunk(b"iTXt", &bomb)])), Err(BakedError::Bomb { .. })));
        // Another keyword that merely starts the same way is not a badge.
        assert_eq!(png_text(&png(&[chunk(b"iTXt", b"openbadgesX\0\0\0\0\0{}")])), Err(BakedError::NoPngBadge));

        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">
            <openbadges:credential><![CDATA[ {"a": 1} ]]></openbadges:credential></svg>"#;
        let found = svg_text(svg.as_bytes()).expect("svg");
        assert_eq!(found.text, "{\"a\": 1}");
        assert!(found.position.starts_with("openbadges:credential at byte "), "{}", found.position);
        let jwt = r#"<svg xmlns:ob="https://purl.imsglobal.org/ob/v3p0/"><ob:credential>eyJhbGciOiJFZERTQSJ9.e30.c2ln</ob:credential></svg>"#;
        assert_eq!(svg_text(jwt.as_bytes()).map(|t| t.text), Ok("eyJhbGciOiJFZERTQSJ9.e30.c2ln".into()));
        // `credential` in another namespace is not a badge.
        let other = r#"<svg xmlns:x="https://example.org/ns"><x:credential>{}</x:credential></svg>"#;
        assert_eq!(svg_text(other.as_bytes()), Err(BakedError::NoSvgBadge));
    }

    #[test]
    fn svg_assertions() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">
            <openbadges:assertion verify="https://example.org/a.json"><![CDATA[ {"a": 1} ]]></openbadges:assertion></svg>"#;
        let found = svg_text(svg.as_bytes()).expect("svg");
        assert_eq!(found.text, "{\"a\": 1}");
        let escaped =
            r#"<svg xmlns:ob="http://openbadges.org/"><ob:assertion>{&quot;a&quot;:&#49;}</ob:assertion></svg>"#;
        assert_eq!(svg_text(escaped.as_bytes()).map(|t| t.text), Ok("{\"a\":1}".into()));
        let jws = r#"<svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="eyJhbGciOiJSUzI1NiJ9.e30.c2ln">{}</openbadges:assertion></svg>"#;
        assert_eq!(svg_text(jws.as_bytes()).map(|t| t.text), Ok("eyJhbGciOiJSUzI1NiJ9.e30.c2ln".into()));
        let url_only = r#"<svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://x.example/a"/></svg>"#;
        assert_eq!(svg_text(url_only.as_bytes()).map(|t| t.text), Ok("https://x.example/a".into()));
        assert_eq!(svg_text(b"<svg><rect/></svg>"), Err(BakedError::NoSvgBadge));
        assert!(matches!(svg_text(b"<svg><g></svg>"), Err(BakedError::Xml { .. })));
        let entity = r#"<svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion>&boom;</openbadges:assertion></svg>"#;
        assert!(matches!(svg_text(entity.as_bytes()), Err(BakedError::Xml { detail, .. }) if detail.contains("boom")));
        assert!(matches!(svg_text(b"<svg>\xFF</svg>"), Err(BakedError::SvgUtf8(5))));
        let deep = format!("<svg>{}", "<g>".repeat(70_000));
        assert!(matches!(svg_text(deep.as_bytes()), Err(BakedError::TooDeep(_))));
        let inner =
            format!("<svg xmlns:openbadges=\"http://openbadges.org\"><openbadges:assertion>{}", "<g>".repeat(70_000));
        assert!(matches!(svg_text(inner.as_bytes()), Err(BakedError::TooDeep(_))));
    }
}
