//! Skill strings' nearest skills by meaning, remembered across runs.
//!
//! A nightly job sees mostly the same badge skill strings every night. The nearest skill of a
//! string depends only on the string, the model and the embedded labels, so it is kept in a file
//! beside the model (`cache/names-<key>.bin`), keyed by the label index's content hash
//! ([`LabelIndex::key`](super::LabelIndex::key)): another model, mode or taxonomy is another
//! file. A string is looked up by its exact text; what is stored is the nearest skill and its
//! cosine before any threshold, so a cached answer is the same bits as a computed one and outputs
//! do not depend on the cache. A missing, truncated or foreign file is a miss, never an error;
//! entries naming a skill the index does not have are dropped.
//!
//! The file holds every string any run has sent to it (the union; about 30 bytes per string).
//! It is written atomically (a temporary file renamed into place); runs writing it at the same
//! time lose each other's new entries, which costs time on the next run, never results.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::SemanticError;

const MAGIC: &[u8; 8] = b"SMNAM01\n";

/// Nearest skills of strings, read from and written to one cache file.
#[derive(Debug, Clone, Default)]
pub struct NameCache {
    path: PathBuf,
    entries: HashMap<String, (u32, f32)>,
    added: usize,
}

impl NameCache {
    /// The cache for results against the index whose key is `index_key`, in `model_dir`'s
    /// `cache` folder; entries whose skill id is `owner_bound` or more are dropped.
    pub fn open(model_dir: &Path, index_key: &str, owner_bound: usize) -> NameCache {
        let key = super::index::key_of(&["names-v1", index_key]);
        let path = super::index::cache_file(model_dir, "names", &key, "bin");
        let entries = std::fs::read(&path).ok().and_then(|b| decode(&b, owner_bound)).unwrap_or_default();
        NameCache { path, entries, added: 0 }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Strings held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no string is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The nearest skill and cosine of `name`, when held.
    pub fn get(&self, name: &str) -> Option<(u32, f32)> {
        self.entries.get(name).copied()
    }

    /// Holds `name`'s nearest skill and cosine.
    pub fn insert(&mut self, name: &str, nearest: (u32, f32)) {
        if self.entries.insert(name.to_string(), nearest).is_none() {
            self.added += 1;
        }
    }

    /// Writes the file when strings were added since it was opened (sorted, so the same
    /// entries give the same bytes).
    pub fn save(&self) -> Result<(), SemanticError> {
        if self.added == 0 {
            return Ok(());
        }
        let io = |e: std::io::Error| SemanticError::Io { path: self.path.clone(), source: e };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(io)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
        tmp.write_all(&encode(&self.entries)).map_err(io)?;
        tmp.persist(&self.path).map_err(|e| io(e.error))?;
        Ok(())
    }
}

/// `MAGIC`, then per entry (sorted by string): string length (u32 LE), its UTF-8 bytes, skill id
/// (u32 LE), cosine (f32 LE).
fn encode(entries: &HashMap<String, (u32, f32)>) -> Vec<u8> {
    let mut sorted: Vec<(&String, &(u32, f32))> = entries.iter().collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut out = MAGIC.to_vec();
    for (name, (skill, cos)) in sorted {
        out.extend_from_slice(&(name.len() as u32).to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&skill.to_le_bytes());
        out.extend_from_slice(&cos.to_le_bytes());
    }
    out
}

/// The entries of `bytes`, or `None` when it is not a whole cache file.
fn decode(bytes: &[u8], owner_bound: usize) -> Option<HashMap<String, (u32, f32)>> {
    let mut rest = bytes.strip_prefix(MAGIC.as_slice())?;
    let mut out = HashMap::new();
    let take = |n: usize, rest: &mut &[u8]| -> Option<Vec<u8>> {
        let (head, tail) = rest.split_at_checked(n)?;
        *rest = tail;
        Some(head.to_vec())
    };
    while !rest.is_empty() {
        let len = u32::from_le_bytes(take(4, &mut rest)?.try_into().ok()?) as usize;
        let name = String::from_utf8(take(len, &mut rest)?).ok()?;
        let skill = u32::from_le_bytes(take(4, &mut rest)?.try_into().ok()?);
        let cos = f32::from_le_bytes(take(4, &mut rest)?.try_into().ok()?);
        if (skill as usize) < owner_bound && cos.is_finite() {
            out.insert(name, (skill, cos));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_cache_reads_back_the_same_bits_and_a_damaged_or_foreign_file_is_a_miss() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut c = NameCache::open(dir.path(), "index-a", 10);
        assert!(c.is_empty());
        c.insert("MS Excel", (3, 0.974_123_4));
        c.insert("Kafka", (7, 0.5));
        c.insert("far away", (12, 0.9)); // a skill id the reader's index will not have
        c.save().expect("save");
        let back = NameCache::open(dir.path(), "index-a", 10);
        assert_eq!(back.get("MS Excel").map(|x| x.1.to_bits()), Some(0.974_123_4f32.to_bits()));
        assert_eq!(back.get("Kafka"), Some((7, 0.5)));
        assert_eq!(back.get("far away"), None, "ids beyond the index are dropped");
        assert_eq!(back.len(), 2);
        // Another index is another file.
        assert!(NameCache::open(dir.path(), "index-b", 10).is_empty());
        // A truncated file, or one of another kind, reads as empty.
        let bytes = std::fs::read(back.path()).expect("read");
        std::fs::write(back.path(), &bytes[..bytes.len() - 3]).expect("truncate");
        assert!(NameCache::open(dir.path(), "index-a", 10).is_empty());
        std::fs::write(back.path(), b"SMVEC01\n").expect("foreign");
        assert!(NameCache::open(dir.path(), "index-a", 10).is_empty());
    }

    #[test]
    fn the_same_entries_give_the_same_bytes_and_nothing_added_writes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut a, mut b) = (NameCache::open(dir.path(), "x", 5), NameCache::open(dir.path(), "y", 5));
        for (n, s) in [("b", 1), ("a", 2), ("c", 3)] {
            a.insert(n, (s, 0.25));
        }
        for (n, s) in [("c", 3), ("a", 2), ("b", 1)] {
            b.insert(n, (s, 0.25));
        }
        a.save().expect("save");
        b.save().expect("save");
        assert_eq!(std::fs::read(a.path()).expect("a"), std::fs::read(b.path()).expect("b"));
        let untouched = NameCache::open(dir.path(), "z", 5);
        untouched.save().expect("nothing to save");
        assert!(!untouched.path().exists());
    }
}
