//! File-level helpers shared by every input kind: reading and hashing, UTF-8 validation with
//! byte offsets, deterministic folder walking, natural ordering of positions, and the
//! per-kind bookkeeping (files, rejects, counts) that keeps `read == accepted + rejected`.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::record_kind::RecordKind;
use super::types::{Counts, InputFile, Reject};

/// Position used for records that are a whole file (or problems with a whole file).
pub(crate) const WHOLE_FILE: &str = "whole file";

/// Collects files, rejects and counts while ingest runs.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    pub files: Vec<InputFile>,
    pub rejects: Vec<Reject>,
    pub counts: BTreeMap<String, Counts>,
    pub out_of_scope: super::types::OutOfScope,
}

impl Ledger {
    /// A ledger with every [`RecordKind`] at zero.
    pub fn new() -> Ledger {
        let mut ledger = Ledger::default();
        for kind in RecordKind::ALL {
            ledger.counts.insert(kind.as_str().to_string(), Counts::default());
        }
        ledger
    }

    /// Counts one record of `kind` that was turned into a typed value.
    pub fn accept(&mut self, kind: RecordKind) {
        let c = self.counts.entry(kind.as_str().to_string()).or_default();
        c.read += 1;
        c.accepted += 1;
    }

    /// Counts one record of `kind` that was rejected and records why.
    pub fn reject(&mut self, kind: RecordKind, path: &str, position: impl Into<String>, reason: impl Into<String>) {
        let c = self.counts.entry(kind.as_str().to_string()).or_default();
        c.read += 1;
        c.rejected += 1;
        self.rejects.push(Reject {
            kind: kind.as_str().to_string(),
            path: path.to_string(),
            position: position.into(),
            reason: reason.into(),
        });
    }

    /// Reads a file, records it in the manifest (sha256, size) and returns its bytes.
    /// An unreadable file becomes a whole-file reject of `kind` and `None` is returned.
    pub fn read_file(&mut self, kind: RecordKind, path: &Path) -> Option<Vec<u8>> {
        match load(path) {
            Ok((meta, bytes)) => {
                self.record(kind, path, Ok(meta));
                Some(bytes)
            }
            Err(e) => {
                self.record(kind, path, Err(e));
                None
            }
        }
    }

    /// Records the outcome of [`load`]: a manifest entry, or a whole-file reject of `kind`.
    /// Returns whether the file was read.
    pub fn record(&mut self, kind: RecordKind, path: &Path, loaded: Result<Loaded, String>) -> bool {
        match loaded {
            Ok(meta) => {
                self.files.push(InputFile {
                    kind: kind.as_str().to_string(),
                    path: display(path),
                    sha256: meta.sha256,
                    bytes: meta.bytes,
                });
                true
            }
            Err(e) => {
                self.reject(kind, &display(path), WHOLE_FILE, e);
                false
            }
        }
    }
}

/// Manifest facts of a file that was read.
#[derive(Debug, Clone)]
pub(crate) struct Loaded {
    /// Lower-case hex sha256 of the bytes.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// Reads a file and hashes it; the error is a reason for a reject.
///
/// Only regular files are read: the file is opened with `O_NONBLOCK` (so opening a named pipe
/// never waits for a writer) and its type is checked on the open handle before any read, so a
/// FIFO, socket or device (even one swapped in after the folder was walked) is refused instead of
/// blocking the run. A stop request ([`crate::pipeline::cancel`]) makes every later call return an
/// error at once, so ingest ends quickly; the pipeline then reports the interruption, not these.
pub(crate) fn load(path: &Path) -> Result<(Loaded, Vec<u8>), String> {
    let bytes = read(path)?;
    Ok((Loaded { sha256: sha256_hex(&bytes), bytes: bytes.len() as u64 }, bytes))
}

/// [`load`] without the hash, for a pass that only looks at the content (the first pass over
/// badge files: the second records every file).
pub(crate) fn read(path: &Path) -> Result<Vec<u8>, String> {
    if crate::pipeline::cancel::requested().is_some() {
        return Err("not read: the run is stopping".into());
    }
    read_regular(path)
}

/// Opens `path` without blocking, checks that it is a regular file and reads it whole.
fn read_regular(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let mut file = options.open(path).map_err(|e| format!("cannot read file: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read file: {e}"))?;
    if !meta.is_file() {
        return Err(format!("not a regular file: {}", kind_of(&meta.file_type())));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes).map_err(|e| format!("cannot read file: {e}"))?;
    Ok(bytes)
}

/// What kind of file system entry a file type is, in words (`named pipe (FIFO)`, `socket`, …).
pub(crate) fn kind_of(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "named pipe (FIFO)";
        }
        if ft.is_socket() {
            return "socket";
        }
        if ft.is_char_device() {
            return "character device";
        }
        if ft.is_block_device() {
            return "block device";
        }
    }
    if ft.is_dir() {
        "folder"
    } else if ft.is_symlink() {
        "symbolic link"
    } else if ft.is_file() {
        "regular file"
    } else {
        "special file"
    }
}

/// Why a symbolic link cannot be followed, from the error of following it.
fn broken_link(e: &std::io::Error) -> String {
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::ELOOP) {
        return "symbolic link loop (too many levels of links)".into();
    }
    if e.kind() == std::io::ErrorKind::NotFound {
        return "broken symbolic link (its target does not exist)".into();
    }
    format!("cannot follow symbolic link: {e}")
}

/// The path as a string, the way it appears in outputs.
pub(crate) fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Lower-case hex sha256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Strips a leading UTF-8 byte order mark; returns the rest and how many bytes were skipped.
pub(crate) fn strip_bom(bytes: &[u8]) -> (&[u8], usize) {
    match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, 3),
        None => (bytes, 0),
    }
}

/// Validates UTF-8; on failure returns the offset of the first invalid byte (relative to `bytes`).
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, usize> {
    std::str::from_utf8(bytes).map_err(|e| e.valid_up_to())
}

/// Converts a 1-based line and 1-based byte column (as reported by `serde_json`) into a
/// 0-based byte offset into `text`.
pub(crate) fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0usize;
    if line > 1 {
        let mut seen = 1usize;
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                seen += 1;
                if seen == line {
                    start = i + 1;
                    break;
                }
            }
        }
        if seen < line {
            return text.len();
        }
    }
    (start + column.saturating_sub(1)).min(text.len())
}

/// One file found under an input path.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    /// The path as found (input path joined with the walked relative path).
    pub path: PathBuf,
    /// The first folder below the input folder, when the file is inside one (folder claim).
    pub top_folder: Option<String>,
    /// The file's canonical path (symlinks resolved), or `path` when it cannot be resolved:
    /// what identifies a file named twice (two inputs, a link). Below a folder it is the
    /// folder's canonical path joined with the names walked, resolved only at a symlink.
    pub canonical: PathBuf,
}

/// The canonical form of a path, or the path itself when it cannot be resolved.
pub(crate) fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Lists the files of an input: the file itself, or every file below a folder whose extension
/// (case-insensitive) is in `exts`, sorted by path. Hidden entries (`.name`) and symlinked
/// folders are skipped; unreadable folders become rejects of `kind`, and so does every entry
/// that is not a regular file or a folder, whatever its name: named pipes, sockets, devices,
/// broken links and link loops (the reason names what it is). Nothing but regular files is ever
/// opened, so no entry can block the walk.
///
/// Entry types come from the folder listing itself (no `stat` per file, where the file system
/// reports them); only symlinks are resolved.
pub(crate) fn walk(input: &Path, exts: &[&str], kind: RecordKind, ledger: &mut Ledger) -> Vec<Found> {
    let mut out = Vec::new();
    if input.is_dir() {
        walk_dir(input, input, &canonical(input), exts, kind, ledger, &mut out);
        out.sort_by(|a, b| a.path.cmp(&b.path));
    } else {
        out.push(Found { path: input.to_path_buf(), top_folder: None, canonical: canonical(input) });
    }
    out
}

fn walk_dir(
    root: &Path,
    dir: &Path,
    dir_canonical: &Path,
    exts: &[&str],
    kind: RecordKind,
    ledger: &mut Ledger,
    out: &mut Vec<Found>,
) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            ledger.reject(kind, &display(dir), WHOLE_FILE, format!("cannot read folder: {e}"));
            return;
        }
    };
    // The listing's own type (not following links); `stat` only where it gives none.
    let mut listed: Vec<(PathBuf, Option<std::fs::FileType>)> =
        entries.filter_map(|e| e.ok().map(|e| (e.path(), e.file_type().ok()))).collect();
    listed.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, listed_type) in listed {
        let Some(name) = path.file_name() else { continue };
        if name.to_str().is_some_and(|n| n.starts_with('.')) {
            continue;
        }
        let Some(own_type) = listed_type.or_else(|| std::fs::symlink_metadata(&path).ok().map(|m| m.file_type()))
        else {
            continue;
        };
        let (file_type, resolved) = if own_type.is_symlink() {
            match std::fs::metadata(&path) {
                // Symlinked folders are not followed (no cycles, no escaping the input root).
                Ok(target) if target.is_dir() => continue,
                Ok(target) => (target.file_type(), canonical(&path)),
                Err(e) => {
                    ledger.reject(kind, &display(&path), WHOLE_FILE, broken_link(&e));
                    continue;
                }
            }
        } else {
            (own_type, dir_canonical.join(name))
        };
        if file_type.is_dir() {
            walk_dir(root, &path, &resolved, exts, kind, ledger, out);
        } else if !file_type.is_file() {
            let reason = format!("not a regular file: {} (not read)", kind_of(&file_type));
            ledger.reject(kind, &display(&path), WHOLE_FILE, reason);
        } else if has_ext(&path, exts) {
            let top_folder = path.strip_prefix(root).ok().and_then(|rel| {
                let mut comps = rel.components();
                let first = comps.next()?;
                comps.next()?;
                Some(first.as_os_str().to_string_lossy().into_owned())
            });
            out.push(Found { path, top_folder, canonical: resolved });
        }
    }
}

/// Whether the file's extension is one of `exts` (case-insensitive, without the dot).
pub(crate) fn has_ext(path: &Path, exts: &[&str]) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| exts.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Compares two strings in natural order: runs of ASCII digits compare by value, so
/// `data[2]` sorts before `data[10]` and `line 9` before `line 10`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let na = a.iter().take_while(|c| c.is_ascii_digit()).count();
                let nb = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let (da, db) = (trim_zeros(&a[..na]), trim_zeros(&b[..nb]));
                let ord = da.len().cmp(&db.len()).then_with(|| da.cmp(db)).then_with(|| na.cmp(&nb));
                if ord != Ordering::Equal {
                    return ord;
                }
                a = &a[na..];
                b = &b[nb..];
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                a = &a[1..];
                b = &b[1..];
            }
        }
    }
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let n = digits.iter().take_while(|&&c| c == b'0').count();
    &digits[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        assert_eq!(natural_cmp("data[2]", "data[10]"), Ordering::Less);
        assert_eq!(natural_cmp("line 10", "line 9"), Ordering::Greater);
        assert_eq!(natural_cmp("line 3", "line 3"), Ordering::Equal);
        assert_eq!(natural_cmp("byte 5", "whole file"), Ordering::Less);
    }

    #[test]
    fn offsets() {
        let text = "ab\ncde\nf";
        assert_eq!(byte_offset(text, 1, 1), 0);
        assert_eq!(byte_offset(text, 2, 2), 4);
        assert_eq!(byte_offset(text, 3, 1), 7);
        assert_eq!(byte_offset(text, 9, 1), text.len());
    }

    #[cfg(unix)]
    #[test]
    fn special_files_and_broken_links_become_rejects_naming_their_kind() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::write(d.join("ok.json"), "{}").expect("write");
        let fifo = std::ffi::CString::new(d.join("pipe.json").to_string_lossy().into_owned()).expect("path");
        // SAFETY: a valid NUL-terminated path; mkfifo only creates a file system entry.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0, "mkfifo");
        let _sock = std::os::unix::net::UnixListener::bind(d.join("agent.sock")).expect("socket");
        std::os::unix::fs::symlink("loop-b", d.join("loop-a")).expect("link");
        std::os::unix::fs::symlink("loop-a", d.join("loop-b")).expect("link");
        std::os::unix::fs::symlink("missing.json", d.join("gone.json")).expect("link");
        let mut ledger = Ledger::new();
        let found = walk(d, &["json"], RecordKind::Badge, &mut ledger);
        let names: Vec<_> = found.iter().map(|f| f.path.file_name().expect("name").to_owned()).collect();
        assert_eq!(names, ["ok.json"]);
        let reasons: BTreeMap<String, String> = ledger
            .rejects
            .iter()
            .map(|r| (Path::new(&r.path).file_name().expect("name").to_string_lossy().into_owned(), r.reason.clone()))
            .collect();
        assert!(reasons["pipe.json"].contains("named pipe (FIFO)"), "{reasons:?}");
        assert!(reasons["agent.sock"].contains("socket"), "{reasons:?}");
        assert!(reasons["loop-a"].contains("symbolic link loop"), "{reasons:?}");
        assert!(reasons["loop-b"].contains("symbolic link loop"), "{reasons:?}");
        assert!(reasons["gone.json"].contains("broken symbolic link"), "{reasons:?}");
        assert_eq!(ledger.counts["badge"].rejected, 5);
        // A FIFO swapped in after the walk is refused by `load` without blocking.
        let err = load(&d.join("pipe.json")).expect_err("a FIFO is not read");
        assert!(err.contains("named pipe"), "{err}");
    }

    #[test]
    fn invalid_utf8_offset() {
        assert_eq!(utf8(b"ok\xFFrest"), Err(2));
        assert_eq!(utf8("é".as_bytes()), Ok("é"));
    }
}
