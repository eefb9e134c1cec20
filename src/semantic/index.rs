//! Embedded labels and the distilled token table, both cached on disk beside the model, keyed
//! by content hash (model files + every label text), so a taxonomy is embedded once.

use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{Encoder, HIDDEN, SemanticError, cosine, l2_normalize};

const MAGIC: &[u8; 8] = b"SMVEC01\n";

/// Writes `rows` vectors to `path` atomically (a temporary file renamed into place).
fn write_vectors(path: &Path, vectors: &[f32]) -> Result<(), SemanticError> {
    let io = |e: std::io::Error| SemanticError::Io { path: path.to_path_buf(), source: e };
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    let mut buf = Vec::with_capacity(MAGIC.len() + vectors.len() * 4);
    buf.extend_from_slice(MAGIC);
    for v in vectors {
        buf.extend_from_slice(&v.to_le_bytes());
    }
    tmp.write_all(&buf).map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// Reads vectors written by [`write_vectors`]; `None` when absent or not `rows` × [`HIDDEN`].
fn read_vectors(path: &Path, rows: usize) -> Option<Vec<f32>> {
    let bytes = std::fs::read(path).ok()?;
    let body = bytes.strip_prefix(MAGIC.as_slice())?;
    if body.len() != rows * HIDDEN * 4 {
        return None;
    }
    Some(body.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
}

/// The cache file for vectors keyed by `parts` (hashed together) in the encoder's folder.
pub fn cache_path(dir: &Path, kind: &str, parts: &[&str]) -> PathBuf {
    cache_file(dir, kind, &key_of(parts), "vec")
}

/// The file `cache/<kind>-<first 32 hex digits of key>.<ext>` in `dir` (the model's folder).
pub fn cache_file(dir: &Path, kind: &str, key: &str, ext: &str) -> PathBuf {
    dir.join("cache").join(format!("{kind}-{}.{ext}", &key[..key.len().min(32)]))
}

/// The SHA-256 (hex) of `parts`, each length-prefixed so that boundaries count.
pub fn key_of(parts: &[&str]) -> String {
    let mut key = String::new();
    for p in parts {
        key.push_str(&p.len().to_string());
        key.push(':');
        key.push_str(p);
        key.push('\n');
    }
    crate::util::sha256_hex(key.as_bytes())
}

/// The encoder distilled to one unit vector per vocabulary token (model2vec): each token run
/// through the encoder alone once. Special and unused tokens (`[…]`) get a zero vector.
#[derive(Debug, Clone)]
pub struct StaticTable {
    vectors: Vec<f32>,
}

impl StaticTable {
    /// Loads the table from the cache beside the model, or distils it (about a minute per core)
    /// and caches it.
    pub fn load_or_build(encoder: &Encoder) -> Result<StaticTable, SemanticError> {
        let rows = encoder.tokenizer().len();
        let path = cache_path(encoder.dir(), "static", &["static-v1", encoder.model_hash()]);
        if let Some(vectors) = read_vectors(&path, rows) {
            return Ok(StaticTable { vectors });
        }
        let table = StaticTable::build(encoder);
        write_vectors(&path, &table.vectors)?;
        Ok(table)
    }

    /// Distils the table (no cache).
    pub fn build(encoder: &Encoder) -> StaticTable {
        let tok = encoder.tokenizer();
        let rows: Vec<Vec<f32>> = (0..tok.len() as u32)
            .into_par_iter()
            .map(|id| {
                let t = tok.token(id);
                if t.starts_with('[') && t.ends_with(']') { vec![0.0; HIDDEN] } else { encoder.embed_token(id) }
            })
            .collect();
        StaticTable { vectors: rows.concat() }
    }

    /// The unit-length mean of the given tokens' vectors.
    pub fn embed_ids(&self, ids: &[u32]) -> Vec<f32> {
        let mut out = vec![0.0f32; HIDDEN];
        for &id in ids {
            if let Some(row) = self.vectors.get(id as usize * HIDDEN..(id as usize + 1) * HIDDEN) {
                super::add_into(&mut out, row);
            }
        }
        l2_normalize(&mut out);
        out
    }
}

/// Labels (each owned by a skill or occupation id) embedded once; searched by exact cosine.
#[derive(Debug, Clone)]
pub struct LabelIndex {
    vectors: Vec<f32>,
    owners: Vec<u32>,
    /// Content hash of what was embedded (model, mode, every label and owner), hex.
    key: String,
}

/// How label and query texts are embedded.
#[derive(Debug, Clone, Copy)]
pub enum Embedding<'a> {
    /// The full encoder (best quality; ~ms per short text per core).
    Encoder(&'a Encoder),
    /// The distilled token table (microseconds per text).
    Static(&'a Encoder, &'a StaticTable),
}

impl Embedding<'_> {
    /// The unit vector of `text`.
    pub fn embed(&self, text: &str) -> Vec<f32> {
        match self {
            Embedding::Encoder(e) => e.embed(text),
            Embedding::Static(e, t) => t.embed_ids(&e.tokenizer().encode(text, usize::MAX)),
        }
    }

    fn key(&self) -> &'static str {
        match self {
            Embedding::Encoder(_) => "encoder",
            Embedding::Static(..) => "static",
        }
    }

    fn encoder(&self) -> &Encoder {
        match self {
            Embedding::Encoder(e) | Embedding::Static(e, _) => e,
        }
    }
}

impl LabelIndex {
    /// Embeds `labels` (text, owner), or reads them from the cache when the same model, mode
    /// and label list were embedded before.
    pub fn load_or_build(embedding: Embedding<'_>, labels: &[(String, u32)]) -> Result<LabelIndex, SemanticError> {
        let mut key = String::new();
        for (text, owner) in labels {
            key.push_str(&format!("{owner}\t{text}\n"));
        }
        let enc = embedding.encoder();
        let parts = ["labels-v1", enc.model_hash(), embedding.key(), &key];
        let key = key_of(&parts);
        let path = cache_file(enc.dir(), "labels", &key, "vec");
        let owners: Vec<u32> = labels.iter().map(|(_, o)| *o).collect();
        if let Some(vectors) = read_vectors(&path, labels.len()) {
            return Ok(LabelIndex { vectors, owners, key });
        }
        let rows: Vec<Vec<f32>> = labels.par_iter().map(|(t, _)| embedding.embed(t)).collect();
        let index = LabelIndex { vectors: rows.concat(), owners, key };
        write_vectors(&path, &index.vectors)?;
        Ok(index)
    }

    /// An index over vectors already computed (unit length, [`HIDDEN`] each).
    pub fn from_vectors(vectors: Vec<f32>, owners: Vec<u32>) -> LabelIndex {
        let mut bytes = Vec::with_capacity(vectors.len() * 4 + owners.len() * 4);
        vectors.iter().for_each(|v| bytes.extend_from_slice(&v.to_le_bytes()));
        owners.iter().for_each(|o| bytes.extend_from_slice(&o.to_le_bytes()));
        let key = crate::util::sha256_hex(&bytes);
        LabelIndex { vectors, owners, key }
    }

    /// A content hash of everything the index was built from (model, mode, labels and owners;
    /// for [`LabelIndex::from_vectors`], the vectors and owners): what a result computed
    /// against this index may be cached under.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// One more than the largest owner id (0 when empty).
    pub fn owner_bound(&self) -> usize {
        self.owners.iter().map(|&o| o as usize + 1).max().unwrap_or(0)
    }

    /// Number of labels.
    pub fn len(&self) -> usize {
        self.owners.len()
    }

    /// True when no label is indexed.
    pub fn is_empty(&self) -> bool {
        self.owners.is_empty()
    }

    /// The `k` best owners for `query` (unit vector): each owner's best label cosine, sorted by
    /// cosine descending, ties by owner id ascending. The same code as [`LabelIndex::top_many`]
    /// with one query, so the two always agree.
    pub fn top(&self, query: &[f32], k: usize) -> Vec<(u32, f32)> {
        self.top_many(&[query], k).pop().unwrap_or_default()
    }

    /// [`LabelIndex::top`] for many queries at once, exact: the queries are scored in blocks of
    /// [`QUERY_BLOCK`] against blocks of [`LABEL_BLOCK`] labels (a blocked matrix product that
    /// keeps both blocks in cache), blocks of queries in parallel. Every cosine is the same dot
    /// product as one query alone, so results do not depend on the batch or the thread count.
    pub fn top_many<Q: AsRef<[f32]> + Sync>(&self, queries: &[Q], k: usize) -> Vec<Vec<(u32, f32)>> {
        let owners = self.owner_bound();
        if owners == 0 {
            return vec![Vec::new(); queries.len()];
        }
        let mut present = vec![false; owners];
        for &o in &self.owners {
            present[o as usize] = true;
        }
        let labels: Vec<(&[f32], &u32)> = self.vectors.chunks_exact(HIDDEN).zip(&self.owners).collect();
        queries
            .par_chunks(QUERY_BLOCK)
            .flat_map_iter(|block| {
                let mut best = vec![f32::NEG_INFINITY; owners * block.len()];
                for lb in labels.chunks(LABEL_BLOCK) {
                    for (g, quad) in block.chunks(4).enumerate() {
                        let quad: Vec<&[f32]> = quad.iter().map(AsRef::as_ref).collect();
                        for &(row, &owner) in lb {
                            for (j, s) in dot_quad(&quad, row).into_iter().take(quad.len()).enumerate() {
                                let e = &mut best[(g * 4 + j) * owners + owner as usize];
                                if s > *e {
                                    *e = s;
                                }
                            }
                        }
                    }
                }
                best.chunks(owners).map(|b| select_top(b, &present, k)).collect::<Vec<_>>()
            })
            .collect()
    }
}

/// The cosines of up to four queries with one label row: four of [`cosine`]'s dot products
/// computed in one pass over the row (each row chunk loaded once for the four), every query with
/// its own eight running sums in the same order as [`cosine`], so each result has the same bits.
/// Fewer than four queries, or a length other than the row's, take [`cosine`] itself.
fn dot_quad(qs: &[&[f32]], row: &[f32]) -> [f32; 4] {
    let mut out = [0.0f32; 4];
    if qs.len() != 4 || qs.iter().any(|q| q.len() != row.len()) {
        for (o, q) in out.iter_mut().zip(qs) {
            *o = cosine(q, row);
        }
        return out;
    }
    let mut acc = [[0.0f32; 8]; 4];
    let chunks = row.len() / 8;
    for c in 0..chunks {
        let y = &row[c * 8..c * 8 + 8];
        for (a, q) in acc.iter_mut().zip(qs) {
            let x = &q[c * 8..c * 8 + 8];
            for i in 0..8 {
                a[i] += x[i] * y[i];
            }
        }
    }
    for ((o, a), q) in out.iter_mut().zip(&acc).zip(qs) {
        let tail: f32 = q[chunks * 8..].iter().zip(&row[chunks * 8..]).map(|(x, y)| x * y).sum();
        *o = a.iter().sum::<f32>() + tail;
    }
    out
}

/// Queries scored together against one block of labels.
pub const QUERY_BLOCK: usize = 32;
/// Labels scored against one block of queries before the next block (~384 KiB of vectors).
pub const LABEL_BLOCK: usize = 256;

/// The `k` best (owner, cosine) of one query's per-owner best cosines, owners without a label
/// left out; sorted by cosine descending, ties by owner ascending (a total order, so a partial
/// selection gives the same list as a full sort).
fn select_top(best: &[f32], present: &[bool], k: usize) -> Vec<(u32, f32)> {
    let order = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    let mut all: Vec<(u32, f32)> =
        best.iter().zip(present).enumerate().filter(|(_, (_, p))| **p).map(|(o, (s, _))| (o as u32, *s)).collect();
    if k < all.len() {
        if k > 0 {
            all.select_nth_unstable_by(k - 1, order);
        }
        all.truncate(k);
    }
    all.sort_by(order);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(i: usize) -> Vec<f32> {
        let mut v = vec![0.0; HIDDEN];
        v[i] = 1.0;
        v
    }

    #[test]
    fn cache_keys_change_with_every_part_and_its_boundaries() {
        let d = Path::new("/m");
        let a = cache_path(d, "labels", &["x", "model", "a\tb"]);
        assert_eq!(a, cache_path(d, "labels", &["x", "model", "a\tb"]));
        assert_ne!(a, cache_path(d, "labels", &["x", "model2", "a\tb"]));
        assert_ne!(cache_path(d, "k", &["ab", "c"]), cache_path(d, "k", &["a", "bc"]));
    }

    #[test]
    fn vectors_round_trip_and_a_wrong_size_is_a_miss() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("c").join("v.vec");
        let v = [unit(0), unit(1)].concat();
        write_vectors(&p, &v).unwrap();
        assert_eq!(read_vectors(&p, 2).unwrap(), v);
        assert!(read_vectors(&p, 3).is_none());
    }

    #[test]
    fn top_takes_each_owners_best_label_with_stable_ties() {
        let mut q = unit(0);
        q[1] = 1.0;
        l2_normalize(&mut q);
        let idx = LabelIndex::from_vectors([unit(0), unit(1), unit(2), unit(1)].concat(), vec![7, 3, 5, 3]);
        let top = idx.top(&q, 2);
        assert_eq!(top.iter().map(|t| t.0).collect::<Vec<_>>(), vec![3, 7]);
        assert!((top[0].1 - top[1].1).abs() < 1e-6);
        assert!(idx.top(&q, 0).is_empty());
        assert_eq!(idx.top(&q, 9).len(), 3, "owners without a label are never returned");
    }

    /// The blocked, parallel batch gives exactly what a per-query brute-force scan gives.
    #[test]
    fn top_many_equals_brute_force_per_query() {
        let mut state = 7u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 33) as f32 / (1u64 << 31) as f32) - 0.5
        };
        let unit_rand = |next: &mut dyn FnMut() -> f32| {
            let mut v: Vec<f32> = (0..HIDDEN).map(|_| next()).collect();
            l2_normalize(&mut v);
            v
        };
        let labels: Vec<Vec<f32>> = (0..LABEL_BLOCK * 2 + 17).map(|_| unit_rand(&mut next)).collect();
        let owners: Vec<u32> = (0..labels.len() as u32).map(|i| (i * 7) % 301).collect();
        let idx = LabelIndex::from_vectors(labels.concat(), owners.clone());
        let queries: Vec<Vec<f32>> = (0..QUERY_BLOCK * 2 + 5).map(|_| unit_rand(&mut next)).collect();
        let batch = idx.top_many(&queries, 5);
        for (q, got) in queries.iter().zip(&batch) {
            let mut best: std::collections::BTreeMap<u32, f32> = Default::default();
            for (row, &o) in labels.iter().zip(&owners) {
                let s = cosine(q, row);
                let e = best.entry(o).or_insert(f32::NEG_INFINITY);
                *e = e.max(s);
            }
            let mut want: Vec<(u32, f32)> = best.into_iter().collect();
            want.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            want.truncate(5);
            assert_eq!(got, &want);
        }
    }
}
