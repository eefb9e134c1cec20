//! The BERT encoder of `all-MiniLM-L6-v2` (6 layers, hidden 384, 12 heads, intermediate 1536,
//! exact-erf GELU, layer-norm epsilon 1e-12) read from `model.safetensors`, forward pass in
//! plain Rust over `f32`. One sequence at a time, no padding, so a text's vector never depends
//! on what else is encoded with it (deterministic across thread counts).

use std::collections::HashMap;

use super::SemanticError;

/// Hidden size of the model.
pub const HIDDEN: usize = 384;
const HEADS: usize = 12;
const HEAD_DIM: usize = HIDDEN / HEADS;
const INTERMEDIATE: usize = 1536;
const LAYERS: usize = 6;
const LN_EPS: f32 = 1e-12;
/// Longest sequence the encoder takes, `[CLS]` and `[SEP]` included (sentence-transformers'
/// `max_seq_length` for this model).
pub const MAX_SEQ: usize = 256;

/// A dense layer, weights `[out][in]` row-major as PyTorch stores them.
#[derive(Debug, Clone)]
struct Linear {
    w: Vec<f32>,
    b: Vec<f32>,
    n_in: usize,
}

impl Linear {
    /// `rows` input rows of `n_in` → rows of `b.len()`.
    fn forward(&self, x: &[f32]) -> Vec<f32> {
        let n_out = self.b.len();
        let rows = x.len() / self.n_in;
        let mut out = vec![0.0f32; rows * n_out];
        for (xr, or) in x.chunks_exact(self.n_in).zip(out.chunks_exact_mut(n_out)) {
            for ((o, wr), b) in or.iter_mut().zip(self.w.chunks_exact(self.n_in)).zip(&self.b) {
                *o = dot(xr, wr) + b;
            }
        }
        out
    }
}

#[derive(Debug, Clone)]
struct LayerNorm {
    g: Vec<f32>,
    b: Vec<f32>,
}

impl LayerNorm {
    fn apply(&self, x: &mut [f32]) {
        let n = self.g.len();
        for row in x.chunks_exact_mut(n) {
            let mean = row.iter().sum::<f32>() / n as f32;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n as f32;
            let inv = 1.0 / (var + LN_EPS).sqrt();
            for ((v, g), b) in row.iter_mut().zip(&self.g).zip(&self.b) {
                *v = (*v - mean) * inv * g + b;
            }
        }
    }
}

#[derive(Debug, Clone)]
struct Layer {
    q: Linear,
    k: Linear,
    v: Linear,
    attn_out: Linear,
    attn_ln: LayerNorm,
    inter: Linear,
    out: Linear,
    out_ln: LayerNorm,
}

/// The encoder's weights.
#[derive(Debug, Clone)]
pub struct Bert {
    word: Vec<f32>,
    position: Vec<f32>,
    token_type: Vec<f32>,
    emb_ln: LayerNorm,
    layers: Vec<Layer>,
}

/// Dot product with eight running sums (vectorizes; the summation order is fixed).
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let ca = a.chunks_exact(8);
    let cb = b.chunks_exact(8);
    let tail: f32 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// `erf` through the Chebyshev-fitted `erfc` of Numerical Recipes (fractional error below
/// 1.2e-7 everywhere), in `f64`; std has no stable `erf`.
fn erf(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 { 1.0 - r } else { r - 1.0 }
}

fn gelu(x: f32) -> f32 {
    let xd = f64::from(x);
    (0.5 * xd * (1.0 + erf(xd / std::f64::consts::SQRT_2))) as f32
}

/// Tensors of a safetensors file, as `f32` (the only dtype this model stores its weights in).
struct Tensors<'a> {
    header: HashMap<String, serde_json::Value>,
    data: &'a [u8],
}

impl<'a> Tensors<'a> {
    fn parse(bytes: &'a [u8]) -> Result<Tensors<'a>, SemanticError> {
        let bad = |m: &str| SemanticError::Model(format!("model.safetensors: {m}"));
        let len_bytes: [u8; 8] = bytes.get(..8).and_then(|b| b.try_into().ok()).ok_or_else(|| bad("too short"))?;
        let n = usize::try_from(u64::from_le_bytes(len_bytes)).map_err(|_| bad("header length"))?;
        let header_bytes = bytes.get(8..8usize.saturating_add(n)).ok_or_else(|| bad("truncated header"))?;
        let header: HashMap<String, serde_json::Value> =
            serde_json::from_slice(header_bytes).map_err(|e| bad(&format!("header: {e}")))?;
        Ok(Tensors { header, data: &bytes[8 + n..] })
    }

    fn get(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, SemanticError> {
        let bad = |m: String| SemanticError::Model(format!("model.safetensors: {name}: {m}"));
        let info = self.header.get(name).ok_or_else(|| bad("missing".into()))?;
        if info.get("dtype").and_then(|d| d.as_str()) != Some("F32") {
            return Err(bad("not F32".into()));
        }
        let got: Vec<usize> = info
            .get("shape")
            .and_then(|s| s.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_u64().map(|u| u as usize)).collect())
            .unwrap_or_default();
        if got != shape {
            return Err(bad(format!("shape {got:?}, expected {shape:?}")));
        }
        let offsets: Vec<usize> = info
            .get("data_offsets")
            .and_then(|s| s.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_u64().map(|u| u as usize)).collect())
            .unwrap_or_default();
        let (start, end) = match offsets.as_slice() {
            [s, e] if e >= s => (*s, *e),
            _ => return Err(bad("bad data_offsets".into())),
        };
        let raw = self.data.get(start..end).ok_or_else(|| bad("data out of range".into()))?;
        if raw.len() != shape.iter().product::<usize>() * 4 {
            return Err(bad("data length does not match shape".into()));
        }
        Ok(raw.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }

    fn linear(&self, prefix: &str, n_out: usize, n_in: usize) -> Result<Linear, SemanticError> {
        Ok(Linear {
            w: self.get(&format!("{prefix}.weight"), &[n_out, n_in])?,
            b: self.get(&format!("{prefix}.bias"), &[n_out])?,
            n_in,
        })
    }

    fn layer_norm(&self, prefix: &str) -> Result<LayerNorm, SemanticError> {
        Ok(LayerNorm {
            g: self.get(&format!("{prefix}.weight"), &[HIDDEN])?,
            b: self.get(&format!("{prefix}.bias"), &[HIDDEN])?,
        })
    }
}

impl Bert {
    /// Reads the weights from the bytes of `model.safetensors` (vocabulary size `vocab`).
    pub fn from_safetensors(bytes: &[u8], vocab: usize) -> Result<Bert, SemanticError> {
        let t = Tensors::parse(bytes)?;
        let mut layers = Vec::with_capacity(LAYERS);
        for i in 0..LAYERS {
            let p = format!("encoder.layer.{i}");
            layers.push(Layer {
                q: t.linear(&format!("{p}.attention.self.query"), HIDDEN, HIDDEN)?,
                k: t.linear(&format!("{p}.attention.self.key"), HIDDEN, HIDDEN)?,
                v: t.linear(&format!("{p}.attention.self.value"), HIDDEN, HIDDEN)?,
                attn_out: t.linear(&format!("{p}.attention.output.dense"), HIDDEN, HIDDEN)?,
                attn_ln: t.layer_norm(&format!("{p}.attention.output.LayerNorm"))?,
                inter: t.linear(&format!("{p}.intermediate.dense"), INTERMEDIATE, HIDDEN)?,
                out: t.linear(&format!("{p}.output.dense"), HIDDEN, INTERMEDIATE)?,
                out_ln: t.layer_norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        Ok(Bert {
            word: t.get("embeddings.word_embeddings.weight", &[vocab, HIDDEN])?,
            position: t.get("embeddings.position_embeddings.weight", &[512, HIDDEN])?,
            token_type: t.get("embeddings.token_type_embeddings.weight", &[2, HIDDEN])?,
            emb_ln: t.layer_norm("embeddings.LayerNorm")?,
            layers,
        })
    }

    /// Last hidden states of one sequence of token ids (`[CLS] … [SEP]` included), `ids.len()`
    /// rows of [`HIDDEN`]. Ids beyond the vocabulary or beyond [`MAX_SEQ`] positions are cut.
    pub fn forward(&self, ids: &[u32]) -> Vec<f32> {
        let vocab = self.word.len() / HIDDEN;
        let ids: Vec<usize> = ids.iter().map(|&i| i as usize).filter(|&i| i < vocab).take(MAX_SEQ).collect();
        let n = ids.len();
        let mut x = vec![0.0f32; n * HIDDEN];
        for (pos, (&id, row)) in ids.iter().zip(x.chunks_exact_mut(HIDDEN)).enumerate() {
            let w = &self.word[id * HIDDEN..(id + 1) * HIDDEN];
            let p = &self.position[pos * HIDDEN..(pos + 1) * HIDDEN];
            for (((r, w), p), t) in row.iter_mut().zip(w).zip(p).zip(&self.token_type[..HIDDEN]) {
                *r = w + p + t;
            }
        }
        self.emb_ln.apply(&mut x);
        for layer in &self.layers {
            x = layer.forward(&x, n);
        }
        x
    }
}

impl Layer {
    fn forward(&self, x: &[f32], n: usize) -> Vec<f32> {
        let (q, k, v) = (self.q.forward(x), self.k.forward(x), self.v.forward(x));
        let mut ctx = vec![0.0f32; n * HIDDEN];
        let scale = 1.0 / (HEAD_DIM as f32).sqrt();
        let mut scores = vec![0.0f32; n];
        for h in 0..HEADS {
            let o = h * HEAD_DIM;
            for i in 0..n {
                let qi = &q[i * HIDDEN + o..i * HIDDEN + o + HEAD_DIM];
                for (j, s) in scores.iter_mut().enumerate() {
                    *s = dot(qi, &k[j * HIDDEN + o..j * HIDDEN + o + HEAD_DIM]) * scale;
                }
                let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let mut sum = 0.0;
                for s in scores.iter_mut() {
                    *s = (*s - max).exp();
                    sum += *s;
                }
                let c = &mut ctx[i * HIDDEN + o..i * HIDDEN + o + HEAD_DIM];
                for (j, s) in scores.iter().enumerate() {
                    let p = s / sum;
                    for (cv, vv) in c.iter_mut().zip(&v[j * HIDDEN + o..j * HIDDEN + o + HEAD_DIM]) {
                        *cv += p * vv;
                    }
                }
            }
        }
        let mut h1 = self.attn_out.forward(&ctx);
        for (a, b) in h1.iter_mut().zip(x) {
            *a += b;
        }
        self.attn_ln.apply(&mut h1);
        let mut inter = self.inter.forward(&h1);
        for v in inter.iter_mut() {
            *v = gelu(*v);
        }
        let mut out = self.out.forward(&inter);
        for (a, b) in out.iter_mut().zip(&h1) {
            *a += b;
        }
        self.out_ln.apply(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_matches_known_values() {
        for (x, want) in
            [(0.0, 0.0), (0.5, 0.520_499_877_8), (1.0, 0.842_700_792_9), (-2.0, -0.995_322_265), (3.0, 0.999_977_909_5)]
        {
            assert!((erf(x) - want).abs() < 2e-7, "erf({x}) = {}", erf(x));
        }
        assert!((gelu(1.0) - 0.841_344_7).abs() < 1e-6);
    }

    #[test]
    fn dot_handles_tails() {
        let a: Vec<f32> = (0..11).map(|i| i as f32).collect();
        assert_eq!(dot(&a, &a), (0..11).map(|i| (i * i) as f32).sum::<f32>());
    }

    #[test]
    fn truncated_safetensors_is_an_error() {
        assert!(Bert::from_safetensors(&[1, 2, 3], 10).is_err());
        let mut bytes = 2u64.to_le_bytes().to_vec();
        bytes.extend_from_slice(b"{}");
        assert!(Bert::from_safetensors(&bytes, 10).is_err());
    }
}
