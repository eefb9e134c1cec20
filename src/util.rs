//! Small helpers shared by several stages: hashing files, making CSV cells safe to open, and
//! keeping one copy of values that many records repeat.

use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

/// Lower-case hex sha256 of a byte slice.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Lower-case hex sha256 of a file's contents, streamed.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Neutralises a CSV cell that a spreadsheet would treat as a formula.
///
/// Cells starting with `=`, `+`, `-`, `@`, a tab or a carriage return get a leading `'`
/// (the OWASP recommendation), so opening a report in a spreadsheet never runs anything.
pub fn csv_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => std::borrow::Cow::Owned(format!("'{cell}")),
        _ => std::borrow::Cow::Borrowed(cell),
    }
}

/// Undoes [`csv_safe`]: the cell as it was before neutralisation, for code that loads a run's
/// CSV files into a database rather than a spreadsheet.
pub fn csv_unsafe(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// Text safe to print on a terminal: control characters (escape sequences, carriage returns,
/// C1 controls) from data are shown as `\u{..}` escapes instead of being sent to the terminal.
pub fn terminal_safe(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { c.escape_unicode().to_string() } else { c.to_string() }).collect()
}

/// Escapes text for HTML element content and attribute values.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Removes a folder and everything in it; a missing folder is not an error. Retries a few times
/// when files appear while it is being removed (a writer still busy during a stop).
pub fn remove_tree(dir: &Path) -> std::io::Result<()> {
    let mut last = Ok(());
    for _ in 0..5 {
        match std::fs::remove_dir_all(dir) {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => last = Err(e),
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    last
}

/// Rounds a score for output so that text and Parquet show the same value.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// One shared copy of each distinct value handed to it: the first seen is kept and later equal
/// values are pointed at it. Used where hundreds of thousands of records repeat a few thousand
/// values (issuer and badge class texts in ingest, check lists in verify). The first copy seen
/// wins, so the same inputs in the same order give the same sharing.
#[derive(Debug)]
pub struct Interner<T: ?Sized> {
    seen: std::collections::HashSet<std::sync::Arc<T>>,
}

impl<T: ?Sized> Default for Interner<T> {
    fn default() -> Self {
        Interner { seen: std::collections::HashSet::new() }
    }
}

impl<T: ?Sized + std::hash::Hash + Eq> Interner<T> {
    /// Points `value` at the equal copy seen first, or keeps it as that copy.
    pub fn share(&mut self, value: &mut std::sync::Arc<T>) {
        match self.seen.get(value) {
            Some(first) => *value = std::sync::Arc::clone(first),
            None => {
                self.seen.insert(std::sync::Arc::clone(value));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_plain_cells_kept() {
        assert_eq!(csv_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_safe("+1"), "'+1");
        assert_eq!(csv_safe("-2"), "'-2");
        assert_eq!(csv_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_safe("python"), "python");
        assert_eq!(csv_safe(""), "");
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(html_escape("<b>\"a\" & 'b'</b>"), "&lt;b&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/b&gt;");
    }

    #[test]
    fn sha256_matches_known_vector() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn an_interner_points_equal_values_at_the_first_copy_and_keeps_different_ones_apart() {
        use std::sync::Arc;
        let mut interner: Interner<str> = Interner::default();
        let (mut a, mut b, mut c): (Arc<str>, Arc<str>, Arc<str>) = ("sql".into(), "sql".into(), "excel".into());
        let first = Arc::clone(&a);
        for v in [&mut a, &mut b, &mut c] {
            interner.share(v);
        }
        assert!(Arc::ptr_eq(&a, &first) && Arc::ptr_eq(&b, &first), "both equal values hold the first copy");
        assert!(!Arc::ptr_eq(&c, &first));
        assert_eq!((&*b, &*c), ("sql", "excel"));
    }
}
