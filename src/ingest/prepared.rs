//! The prepared index of a sharded job (`skillmatch prepare`): what every shard would otherwise
//! compute by reading every badge file, computed once.
//!
//! A shard ranks only its own candidates, but it needs two things from *every* badge file: the
//! support documents (BadgeClasses, issuers, revocation lists, and the classes embedded in OB 2.0
//! assertions), so that its credentials are built against the same index as in a single run;
//! and every file's hash and size, so that its manifest names the job's whole input set (which
//! `merge` compares across shards). Without a prepared index each of N shards reads and hashes
//! every file; with one, the `prepare` step does it once and each shard reads only the files of
//! its own candidates (and the unclaimed ones).
//!
//! A shard trusts a prepared index only for the job it was made for: it refuses one written by
//! another version, and one whose file list is not the badge files it walks (a file added or
//! removed since), and it checks the hash of every file it reads itself against the prepared
//! one (a file changed since). Files it does not read are taken on the prepared index's word,
//! as a shard's manifest takes the other shards' files on their hashes; `merge` reads every
//! input again and refuses inputs whose hash is not the shards'.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::IngestError;
use super::files::Loaded;
use super::support::{Revocation, SupportIndex};

/// What the `format` field of a prepared index says; a reader refuses any other.
pub const PREPARED_FORMAT: &str = "skillmatch-prepared/1";

/// A badge file as the job names it: the badge input it was found under (its position among the
/// config's `badges` entries) and its path relative to that input (empty for a file named
/// directly). Relative, so a shard may mount the inputs at another place than `prepare` did.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) struct FileKey {
    /// Position of the badge input among the config's `badges` entries.
    pub input: u32,
    /// Path below that input (`/`-separated as the platform writes it), empty for the input itself.
    pub path: String,
}

/// One badge file's manifest facts, as `prepare` read them.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PreparedFile {
    #[serde(flatten)]
    key: FileKey,
    /// Lower-case hex sha256 of the content; absent when the file could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sha256: Option<String>,
    /// Size in bytes (0 when unreadable).
    bytes: u64,
    /// Why the file could not be read, when it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// The prepared index of one job's badge inputs: every badge file's facts and the complete
/// support index. Written by `skillmatch prepare`, read by `run --prepared` (see the module doc).
/// Maps are ordered, so the same inputs always give the same bytes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Prepared {
    /// [`PREPARED_FORMAT`].
    format: String,
    /// The skillmatch version that wrote it; a shard of another version refuses it.
    version: String,
    /// Every badge file the job walks, in walk order.
    files: Vec<PreparedFile>,
    /// BadgeClass id → document.
    badge_classes: BTreeMap<String, Value>,
    /// Issuer / Profile id → document.
    issuers: BTreeMap<String, Value>,
    /// Assertion id → revocation.
    revoked: BTreeMap<String, Revocation>,
    /// The file it was read from (for messages); not written.
    #[serde(skip)]
    source: std::path::PathBuf,
}

/// A file's facts as a reader compares them: its hash and size, or why it could not be read.
pub(crate) type Facts = Result<Loaded, String>;

impl Prepared {
    /// The prepared index of `files` (each badge file's key and facts, in walk order) and of the
    /// support index `index`.
    pub(crate) fn new(files: Vec<(FileKey, Facts)>, index: SupportIndex) -> Prepared {
        let files = files
            .into_iter()
            .map(|(key, facts)| match facts {
                Ok(l) => PreparedFile { key, sha256: Some(l.sha256), bytes: l.bytes, error: None },
                Err(e) => PreparedFile { key, sha256: None, bytes: 0, error: Some(e) },
            })
            .collect();
        let SupportIndex { badge_classes, issuers, revoked } = index;
        Prepared {
            format: PREPARED_FORMAT.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            files,
            badge_classes: badge_classes.into_iter().collect(),
            issuers: issuers.into_iter().collect(),
            revoked: revoked.into_iter().collect(),
            source: std::path::PathBuf::new(),
        }
    }

    /// Number of badge files indexed.
    pub fn files(&self) -> usize {
        self.files.len()
    }

    /// Number of support documents indexed (BadgeClasses, issuers, revoked assertions).
    pub fn documents(&self) -> usize {
        self.badge_classes.len() + self.issuers.len() + self.revoked.len()
    }

    /// Writes the index as JSON to `out`.
    ///
    /// # Errors
    /// An I/O error of `out`.
    pub fn write_json(&self, out: impl std::io::Write) -> std::io::Result<()> {
        let mut out = std::io::BufWriter::new(out);
        serde_json::to_writer(&mut out, self)?;
        std::io::Write::flush(&mut out)
    }

    /// Reads a prepared index written by this version of skillmatch.
    ///
    /// # Errors
    /// [`IngestError::Prepared`] when the file cannot be read or parsed, is not a prepared
    /// index, or was written by another version.
    pub fn read(path: &Path) -> Result<Prepared, IngestError> {
        let bad = |reason: String| IngestError::Prepared { path: path.display().to_string(), reason };
        let bytes = std::fs::read(path).map_err(|e| bad(format!("cannot read it: {e}")))?;
        let mut prepared: Prepared = serde_json::from_slice(&bytes)
            .map_err(|e| bad(format!("not a prepared index (`skillmatch prepare` writes one): {e}")))?;
        if prepared.format != PREPARED_FORMAT {
            return Err(bad(format!("format {:?}, expected {PREPARED_FORMAT:?}", prepared.format)));
        }
        let ours = env!("CARGO_PKG_VERSION");
        if prepared.version != ours {
            return Err(bad(format!("written by skillmatch {}, this is {ours}", prepared.version)));
        }
        prepared.source = path.to_path_buf();
        Ok(prepared)
    }

    /// Splits the index into the support index (as the index pass over every file would have
    /// built it, taking its documents, not copies) and the prepared facts of files `keys` (the
    /// badge files a run walked, in its order), checked to be exactly the files prepared: none
    /// added, none missing. `shown` names them in errors. What is left answers [`Prepared::changed`].
    pub(crate) fn take<'k>(
        &mut self,
        keys: impl Iterator<Item = &'k FileKey>,
        shown: &[String],
    ) -> Result<(SupportIndex, Vec<Facts>), IngestError> {
        let mut by_key: HashMap<&FileKey, &PreparedFile> = self.files.iter().map(|f| (&f.key, f)).collect();
        let mut facts = Vec::with_capacity(shown.len());
        for (key, shown) in keys.zip(shown) {
            let f = by_key.remove(key).ok_or_else(|| self.changed(format!("{shown} is not in it")))?;
            facts.push(match (&f.sha256, &f.error) {
                (Some(sha256), _) => Ok(Loaded { sha256: sha256.clone(), bytes: f.bytes }),
                (None, error) => Err(error.clone().unwrap_or_else(|| "unreadable".into())),
            });
        }
        if let Some(missing) = by_key.keys().min() {
            return Err(self.changed(format!(
                "it lists {:?} under badges input {} (counting from 1), which the job no longer has",
                missing.path,
                missing.input + 1
            )));
        }
        let index = SupportIndex {
            badge_classes: std::mem::take(&mut self.badge_classes).into_iter().collect(),
            issuers: std::mem::take(&mut self.issuers).into_iter().collect(),
            revoked: std::mem::take(&mut self.revoked).into_iter().collect(),
        };
        self.files = Vec::new();
        Ok((index, facts))
    }
}

impl Prepared {
    /// The error of a run whose badge inputs are not the ones this index was prepared from.
    pub(crate) fn changed(&self, reason: String) -> IngestError {
        IngestError::Prepared {
            path: self.source.display().to_string(),
            reason: format!("{reason}; the badge inputs changed since `skillmatch prepare`: run it again"),
        }
    }
}

/// Whether the facts of a file read now agree with the prepared ones: the same hash and size,
/// or both unreadable.
pub(crate) fn agree(now: &Facts, prepared: &Facts) -> bool {
    match (now, prepared) {
        (Ok(a), Ok(b)) => a.sha256 == b.sha256 && a.bytes == b.bytes,
        (Err(_), Err(_)) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_and_read_back_index_gives_the_same_support_documents_and_file_facts() {
        let mut index = SupportIndex::default();
        index.badge_classes.insert("urn:class".into(), serde_json::json!({"id": "urn:class", "name": "SQL"}));
        index.issuers.insert("urn:issuer".into(), serde_json::json!({"id": "urn:issuer"}));
        let revocation = |issuer: Option<&str>| Revocation {
            reason: "withdrawn".into(),
            issuer: issuer.map(String::from),
            list_id: Some("urn:list".into()),
        };
        index.revoked.insert("urn:a1".into(), revocation(Some("urn:issuer")));
        index.revoked.insert("urn:a2".into(), revocation(None));
        let key = |path: &str| FileKey { input: 0, path: path.into() };
        let files = vec![
            (key("c1/a.json"), Ok(Loaded { sha256: "ab".repeat(32), bytes: 12 })),
            (key("c2/b.json"), Err("permission denied".to_string())),
        ];
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("prepared.json");
        Prepared::new(files, index).write_json(std::fs::File::create(&path).expect("create")).expect("write");
        let mut back = Prepared::read(&path).expect("read back");
        assert_eq!((back.files(), back.documents()), (2, 4));
        let shown = vec!["c1/a.json".to_string(), "c2/b.json".to_string()];
        let keys = [key("c1/a.json"), key("c2/b.json")];
        let (index, facts) = back.take(keys.iter(), &shown).expect("the same files");
        assert_eq!(index.badge_classes["urn:class"]["name"], "SQL");
        assert!(index.issuers.contains_key("urn:issuer"));
        let r1 = &index.revoked["urn:a1"];
        assert_eq!(
            (r1.reason.as_str(), r1.issuer.as_deref(), r1.list_id.as_deref()),
            ("withdrawn", Some("urn:issuer"), Some("urn:list"))
        );
        assert_eq!(index.revoked["urn:a2"].issuer, None);
        assert!(matches!(&facts[0], Ok(l) if l.bytes == 12 && l.sha256 == "ab".repeat(32)));
        assert_eq!(facts[1].as_ref().err().map(String::as_str), Some("permission denied"));
    }
}
