//! `rust/candle`: GPT-2 written on candle-nn (candle-transformers has no GPT-2),
//! from `weights` (model.safetensors) and config.json.
//!
//! Hugging Face's `GPT2LMHeadModel`: learned positions, pre-LayerNorm blocks
//! (epsilon from config.json), Conv1D layers whose weights are stored [in, out]
//! (`x @ W + b`), `gelu_new` — candle's `gelu` is that tanh approximation
//! (`gelu_erf` would be the exact one) —, the causal mask only where several
//! positions run at once (a single new token may see every cached one), and
//! `lm_head` tied to `wte` unless the file has its own `lm_head.weight`.
//! Batch 1 throughout: activations are [positions, d_model].
//!
//! The cache holds each layer's keys and values as [heads, positions, d_head]
//! tensors; a step concatenates along the positions into new tensors. candle
//! tensors are immutable, so a prefill cache is never changed and forking it
//! is sharing it.
//!
//! Threads: candle's CPU matmul (the gemm crate) splits its work into
//! `candle_core::utils::get_num_threads()` parts — `RAYON_NUM_THREADS`, else
//! the physical cores — run on rayon's global pool, which the core sizes to
//! the spec's `threads`; its other parallel kernels use that pool too. The row
//! refuses to run when the split differs from the spec's `threads`.

use std::collections::HashMap;

use anyhow::{Context, Result, bail};
use candle_core::{DType, Device, Tensor};
use candle_nn::{LayerNorm, Module};
use serde_json::json;

use super::{Engine, EngineReport, Setup, Shape, file_name};
use crate::data;
use crate::task::Compute;

/// A Conv1D layer: `x @ weight + bias`, weight [in, out].
struct Conv1D {
    weight: Tensor,
    bias: Tensor,
}

impl Conv1D {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        x.matmul(&self.weight)?.broadcast_add(&self.bias)
    }
}

struct Block {
    ln_1: LayerNorm,
    c_attn: Conv1D,
    attn_proj: Conv1D,
    ln_2: LayerNorm,
    c_fc: Conv1D,
    mlp_proj: Conv1D,
}

pub struct CandleEngine {
    wte: Tensor,
    wpe: Tensor,
    blocks: Vec<Block>,
    ln_f: LayerNorm,
    /// [vocab, d_model]: `wte` itself unless the file has an `lm_head.weight`.
    lm_head: Tensor,
    heads: usize,
    shape: Shape,
    tied: bool,
}

/// Keys and values of every layer, [heads, positions, d_head]; empty before the first run.
pub type Cache = Vec<(Tensor, Tensor)>;

/// The tensors of model.safetensors by their GPT-2 names (a `transformer.`
/// prefix, as `GPT2LMHeadModel` saves them, is dropped).
struct Weights {
    tensors: HashMap<String, Tensor>,
    file: String,
}

impl Weights {
    /// Tensor `name`, f32, of shape `shape`.
    fn get(&self, name: &str, shape: &[usize]) -> Result<Tensor> {
        let tensor = self.tensors.get(name).with_context(|| format!("{}: no tensor '{name}'", self.file))?;
        if tensor.dtype() != DType::F32 || tensor.dims() != shape {
            bail!(
                "{}: '{name}' is {:?} of shape {:?}, expected F32 of shape {shape:?}",
                self.file,
                tensor.dtype(),
                tensor.dims()
            );
        }
        Ok(tensor.clone())
    }

    fn conv1d(&self, prefix: &str, inputs: usize, outputs: usize) -> Result<Conv1D> {
        Ok(Conv1D {
            weight: self.get(&format!("{prefix}.weight"), &[inputs, outputs])?,
            bias: self.get(&format!("{prefix}.bias"), &[outputs])?,
        })
    }

    fn layer_norm(&self, prefix: &str, d: usize, eps: f64) -> Result<LayerNorm> {
        Ok(LayerNorm::new(
            self.get(&format!("{prefix}.weight"), &[d])?,
            self.get(&format!("{prefix}.bias"), &[d])?,
            eps,
        ))
    }

    /// The number of blocks: the `h.N.` prefixes, which must run 0..n.
    fn layers(&self) -> Result<usize> {
        let mut blocks: Vec<usize> = self
            .tensors
            .keys()
            .filter_map(|name| name.strip_prefix("h.")?.split('.').next()?.parse().ok())
            .collect();
        blocks.sort_unstable();
        blocks.dedup();
        if blocks.is_empty() || blocks.iter().enumerate().any(|(i, &n)| i != n) {
            bail!("{}: the blocks h.N are {blocks:?}, expected h.0 … h.(layers − 1)", self.file);
        }
        Ok(blocks.len())
    }
}

/// Refuses to run unless candle's matmul splits its work into `threads`
/// parts, the spec's threads (every `rust/candle` row: gpt2-generate, bert-qa).
pub fn check_threads(threads: usize) -> Result<()> {
    let split = candle_core::utils::get_num_threads();
    if split != threads {
        let env = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "unset".to_string());
        bail!(
            "rust/candle: candle's matmul would split its work into {split} parts (RAYON_NUM_THREADS is {env}, \
             else the physical cores), not threads = {threads}; the harness sets RAYON_NUM_THREADS to threads"
        );
    }
    Ok(())
}

impl Engine for CandleEngine {
    type Runtime = ();
    type Cache = Cache;
    const MODEL_ROLE: &'static str = "weights";

    fn start(setup: &Setup) -> Result<()> {
        check_threads(setup.threads)
    }

    fn load(_runtime: &(), setup: &Setup, _prompts: &[Vec<i64>]) -> Result<CandleEngine> {
        let path = setup.input("weights")?;
        let file = file_name(path);
        let bytes = data::read_bytes(path)?;
        let tensors = candle_core::safetensors::load_buffer(&bytes, &Device::Cpu)
            .with_context(|| format!("{file}: not a safetensors file candle reads"))?;
        drop(bytes);
        let tensors = tensors
            .into_iter()
            .map(|(name, tensor)| {
                (name.strip_prefix("transformer.").map_or(name.clone(), str::to_string), tensor)
            })
            .collect();
        let weights = Weights { tensors, file: file.clone() };

        let config = &setup.config;
        let (d, eps) = (config.d_model, config.layer_norm_epsilon);
        let wte =
            weights.tensors.get("wte.weight").with_context(|| format!("{file}: no tensor 'wte.weight'"))?;
        let (vocab, d_model) = wte.dims2().with_context(|| format!("{file}: wte.weight is not a matrix"))?;
        let shape = Shape { layers: weights.layers()?, heads: config.heads, d_model, vocab };
        shape.check(&setup.params, &file)?;

        let wte = weights.get("wte.weight", &[vocab, d])?;
        let wpe = weights.get("wpe.weight", &[config.context, d])?;
        let blocks = (0..shape.layers)
            .map(|n| {
                let h = format!("h.{n}");
                Ok(Block {
                    ln_1: weights.layer_norm(&format!("{h}.ln_1"), d, eps)?,
                    c_attn: weights.conv1d(&format!("{h}.attn.c_attn"), d, 3 * d)?,
                    attn_proj: weights.conv1d(&format!("{h}.attn.c_proj"), d, d)?,
                    ln_2: weights.layer_norm(&format!("{h}.ln_2"), d, eps)?,
                    c_fc: weights.conv1d(&format!("{h}.mlp.c_fc"), d, config.d_inner)?,
                    mlp_proj: weights.conv1d(&format!("{h}.mlp.c_proj"), config.d_inner, d)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let ln_f = weights.layer_norm("ln_f", d, eps)?;
        let tied = !weights.tensors.contains_key("lm_head.weight");
        let lm_head = if tied { wte.clone() } else { weights.get("lm_head.weight", &[vocab, d])? };
        Ok(CandleEngine { wte, wpe, blocks, ln_f, lm_head, heads: config.heads, shape, tied })
    }

    fn prefill(&mut self, _prompt: usize, ids: &[i64], logits: &mut [f32]) -> Result<Cache> {
        let mut cache = Cache::new();
        self.forward(ids, 0, &mut cache, logits)?;
        Ok(cache)
    }

    fn fork(&mut self, _prompt: usize, prefill: &Cache) -> Result<Cache> {
        // Tensors are reference-counted and immutable: sharing is copying.
        Ok(prefill.clone())
    }

    fn step(&mut self, cache: &mut Cache, token: i64, position: usize, logits: &mut [f32]) -> Result<()> {
        self.forward(&[token], position, cache, logits)
    }

    fn report(_runtime: &(), engine: &CandleEngine) -> Result<EngineReport> {
        let mut notes = Vec::new();
        if !engine.tied {
            notes.push("model.safetensors has its own lm_head.weight: used instead of wte".to_string());
        }
        Ok(EngineReport {
            framework: "candle-core",
            libraries: Vec::new(),
            compute: Compute::RayonPool,
            model_format: "safetensors",
            shape: engine.shape,
            settings: json!({
                "matmul_parallelism (candle_core::utils::get_num_threads)": candle_core::utils::get_num_threads(),
                "device": "cpu",
                "lm_head": if engine.tied { "tied to wte" } else { "lm_head.weight" },
                "attention": "softmax(q kᵀ / √d_head + causal mask where s > 1) v, f32",
                "activation": "gelu (tanh approximation, = gelu_new)",
            }),
            native: None,
            notes,
        })
    }
}

impl CandleEngine {
    /// Runs `ids` at positions `start..start + s` after `cache` (which grows by
    /// s) and writes the logits of the last position.
    fn forward(&self, ids: &[i64], start: usize, cache: &mut Cache, logits: &mut [f32]) -> Result<()> {
        let s = ids.len();
        let ids = Tensor::from_slice(ids, s, &Device::Cpu)?;
        let positions = Tensor::arange(start as i64, (start + s) as i64, &Device::Cpu)?;
        let mut h = self.wte.index_select(&ids, 0)?.add(&self.wpe.index_select(&positions, 0)?)?;
        let mask = if s > 1 { Some(causal_mask(s, start)?) } else { None };
        let first_run = cache.is_empty();
        for (n, block) in self.blocks.iter().enumerate() {
            let past = if first_run { None } else { Some(&cache[n]) };
            let (attention, present) =
                self.attention(block, &block.ln_1.forward(&h)?, past, mask.as_ref())?;
            if first_run {
                cache.push(present);
            } else {
                cache[n] = present;
            }
            h = (h + attention)?;
            let mlp = block.mlp_proj.forward(&block.c_fc.forward(&block.ln_2.forward(&h)?)?.gelu()?)?;
            h = (h + mlp)?;
        }
        // Only the last position's logits are needed.
        let last = self.ln_f.forward(&h.narrow(0, s - 1, 1)?)?;
        let values = last.matmul(&self.lm_head.t()?)?.flatten_all()?.to_vec1::<f32>()?;
        if values.len() != logits.len() {
            bail!("the model computed {} logits, expected {}", values.len(), logits.len());
        }
        logits.copy_from_slice(&values);
        Ok(())
    }

    /// Causal self-attention of `x` [s, d] after `past`; returns the output
    /// projection and the layer's new keys and values.
    fn attention(
        &self,
        block: &Block,
        x: &Tensor,
        past: Option<&(Tensor, Tensor)>,
        mask: Option<&Tensor>,
    ) -> Result<(Tensor, (Tensor, Tensor))> {
        let (s, d) = x.dims2()?;
        let d_head = d / self.heads;
        let qkv = block.c_attn.forward(x)?;
        // [s, d] → [heads, s, d_head]
        let split = |i: usize| {
            qkv.narrow(1, i * d, d)?.reshape((s, self.heads, d_head))?.transpose(0, 1)?.contiguous()
        };
        let (q, k, v) = (split(0)?, split(1)?, split(2)?);
        let (k, v) = match past {
            Some((past_k, past_v)) => (Tensor::cat(&[past_k, &k], 1)?, Tensor::cat(&[past_v, &v], 1)?),
            None => (k, v),
        };
        let scores = (q.matmul(&k.t()?)? * (1.0 / (d_head as f64).sqrt()))?;
        let scores = match mask {
            Some(mask) => scores.broadcast_add(mask)?,
            None => scores,
        };
        let weights = candle_nn::ops::softmax_last_dim(&scores)?;
        let y = weights.matmul(&v)?.transpose(0, 1)?.reshape((s, d))?;
        Ok((block.attn_proj.forward(&y)?, (k, v)))
    }
}

/// [s, start + s]: 0 where query i (at position start + i) may see key j, −∞ after it.
fn causal_mask(s: usize, start: usize) -> Result<Tensor> {
    let keys = start + s;
    let mask: Vec<f32> = (0..s)
        .flat_map(|i| (0..keys).map(move |j| if j > start + i { f32::NEG_INFINITY } else { 0.0 }))
        .collect();
    Ok(Tensor::from_vec(mask, (s, keys), &Device::Cpu)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mask_hides_later_positions_only() {
        let mask = causal_mask(3, 0).unwrap().to_vec2::<f32>().unwrap();
        let inf = f32::NEG_INFINITY;
        assert_eq!(mask, [[0.0, inf, inf], [0.0, 0.0, inf], [0.0, 0.0, 0.0]]);
        let mask = causal_mask(2, 2).unwrap().to_vec2::<f32>().unwrap();
        assert_eq!(mask, [[0.0, 0.0, 0.0, inf], [0.0, 0.0, 0.0, 0.0]]);
    }

    #[test]
    fn candle_gelu_is_the_tanh_approximation() {
        // gelu_new(x) = 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))); erf GELU(1) would be 0.841345.
        let x = Tensor::new(&[1.0f32, -2.0], &Device::Cpu).unwrap();
        let gelu_new = |x: f64| {
            0.5 * x * (1.0 + ((2.0 / std::f64::consts::PI).sqrt() * (x + 0.044715 * x.powi(3))).tanh())
        };
        let y = x.gelu().unwrap().to_vec1::<f32>().unwrap();
        assert!((f64::from(y[0]) - gelu_new(1.0)).abs() < 1e-6, "{y:?}");
        assert!((f64::from(y[1]) - gelu_new(-2.0)).abs() < 1e-6, "{y:?}");
        assert!((f64::from(y[0]) - 0.841345).abs() > 1e-4);
    }

    /// A one-block model of width 4 with 2 heads, every weight small and distinct.
    fn tiny() -> CandleEngine {
        let (vocab, d, inner, context) = (7, 4, 8, 16);
        let mut seed = 0u32;
        let mut tensor = |shape: &[usize]| {
            let n: usize = shape.iter().product();
            let values: Vec<f32> = (0..n)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    ((seed >> 16) % 1000) as f32 / 2000.0 - 0.25
                })
                .collect();
            Tensor::from_vec(values, shape, &Device::Cpu).unwrap()
        };
        let ones = Tensor::ones(d, DType::F32, &Device::Cpu).unwrap();
        let zeros = Tensor::zeros(d, DType::F32, &Device::Cpu).unwrap();
        let ln = || LayerNorm::new(ones.clone(), zeros.clone(), 1e-5);
        let mut conv = |i: usize, o: usize| Conv1D { weight: tensor(&[i, o]), bias: tensor(&[o]) };
        let block = Block {
            ln_1: ln(),
            c_attn: conv(d, 3 * d),
            attn_proj: conv(d, d),
            ln_2: ln(),
            c_fc: conv(d, inner),
            mlp_proj: conv(inner, d),
        };
        let wte = tensor(&[vocab, d]);
        CandleEngine {
            lm_head: wte.clone(),
            wte,
            wpe: tensor(&[context, d]),
            blocks: vec![block],
            ln_f: ln(),
            heads: 2,
            shape: Shape { layers: 1, heads: 2, d_model: d, vocab },
            tied: true,
        }
    }

    #[test]
    fn cached_steps_compute_what_a_full_run_computes() {
        let mut engine = tiny();
        let ids = [3i64, 1, 4, 1, 5];
        let mut full = vec![0.0; 7];
        engine.prefill(0, &ids, &mut full).unwrap();

        let mut stepped = vec![0.0; 7];
        let prefill = engine.prefill(0, &ids[..2], &mut stepped).unwrap();
        let mut cache = engine.fork(0, &prefill).unwrap();
        for (position, &id) in ids.iter().enumerate().skip(2) {
            engine.step(&mut cache, id, position, &mut stepped).unwrap();
        }
        for (a, b) in full.iter().zip(&stepped) {
            assert!((a - b).abs() < 1e-5, "{full:?} vs {stepped:?}");
        }
        // The prefill cache is as it was: two positions.
        assert_eq!(prefill[0].0.dims(), [2, 2, 2]);
        assert_eq!(cache[0].0.dims(), [2, 5, 2]);
    }
}
