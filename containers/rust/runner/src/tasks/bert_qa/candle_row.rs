//! `rust/candle`: candle-transformers' `bert::BertModel` on `weights`
//! (model.safetensors), and the QA head (`qa_outputs`, a linear [2, hidden]
//! layer: row 0 the start logits, row 1 the end logits) applied here with
//! candle-nn's `Linear`.
//!
//! The model's config is built from config.json, field by field:
//! `hidden_act` "gelu" is candle's `HiddenAct::Gelu`, which candle computes
//! with `gelu_erf` (Hugging Face's "gelu"; `GeluApproximate` would be the tanh
//! form); `layer_norm_eps`, `type_vocab_size` and the sizes are config.json's.
//! `BertModel` has no pooler. The tensors are named as `BertForQuestionAnswering`
//! saves them: the encoder under `bert.` (loaded through `vb.pp("bert")`),
//! the head as `qa_outputs.*`.
//!
//! Threads: as gpt2-generate's candle row (`check_candle_threads`): candle's
//! matmul splits its work into `threads` parts on rayon's global pool.

use std::collections::HashMap;

use anyhow::{Context, Result, anyhow, bail};
use candle_core::{DType, Device, Tensor};
use candle_nn::{Linear, Module, VarBuilder};
use candle_transformers::models::bert::{self, BertModel, HiddenAct, PositionEmbeddingType};
use serde_json::json;

use super::{Config, Engine, EngineReport, Logits, Setup, Shape, file_name};
use crate::data;
use crate::task::Compute;
use crate::tasks::gpt2_generate::check_candle_threads;

pub struct CandleEngine {
    model: BertModel,
    qa_outputs: Linear,
    shape: Shape,
    layer_norm_eps: f64,
}

/// candle-transformers' BERT config for config.json's model (dropout is not
/// applied at inference; the initializer range is not used).
pub fn candle_config(config: &Config) -> bert::Config {
    bert::Config {
        vocab_size: config.vocab,
        hidden_size: config.hidden,
        num_hidden_layers: config.layers,
        num_attention_heads: config.heads,
        intermediate_size: config.intermediate,
        // config.json's "gelu", checked by Config::parse: the erf GELU.
        hidden_act: HiddenAct::Gelu,
        hidden_dropout_prob: 0.0,
        max_position_embeddings: config.max_positions,
        type_vocab_size: config.type_vocab,
        initializer_range: 0.02,
        layer_norm_eps: config.layer_norm_eps,
        pad_token_id: config.pad_token_id,
        position_embedding_type: PositionEmbeddingType::Absolute,
        use_cache: false,
        classifier_dropout: None,
        model_type: Some("bert".to_string()),
    }
}

/// The number of encoder layers: the `bert.encoder.layer.N.` prefixes, which must run 0..n.
fn layers(tensors: &HashMap<String, Tensor>, file: &str) -> Result<usize> {
    let mut layers: Vec<usize> = tensors
        .keys()
        .filter_map(|name| name.strip_prefix("bert.encoder.layer.")?.split('.').next()?.parse().ok())
        .collect();
    layers.sort_unstable();
    layers.dedup();
    if layers.is_empty() || layers.iter().enumerate().any(|(i, &n)| i != n) {
        bail!("{file}: the layers bert.encoder.layer.N are {layers:?}, expected 0 … (layers − 1)");
    }
    Ok(layers.len())
}

/// Tensor `name` of `tensors`, which must be f32 of shape `dims`.
fn get(tensors: &HashMap<String, Tensor>, name: &str, dims: &[usize], file: &str) -> Result<Tensor> {
    let tensor = tensors.get(name).with_context(|| format!("{file}: no tensor '{name}'"))?;
    if tensor.dims() != dims {
        bail!("{file}: {name} has shape {:?}, expected {dims:?}", tensor.dims());
    }
    Ok(tensor.clone())
}

impl Engine for CandleEngine {
    type Runtime = ();
    const MODEL_ROLE: &'static str = "weights";

    fn start(setup: &Setup) -> Result<()> {
        check_candle_threads(setup.threads)
    }

    fn load(_runtime: &(), setup: &Setup) -> Result<CandleEngine> {
        let path = setup.input("weights")?;
        let file = file_name(path);
        let bytes = data::read_bytes(path)?;
        let tensors = candle_core::safetensors::load_buffer(&bytes, &Device::Cpu)
            .with_context(|| format!("{file}: not a safetensors file candle reads"))?;
        drop(bytes);
        if let Some((name, tensor)) = tensors.iter().find(|(_, t)| t.dtype() != DType::F32) {
            bail!("{file}: {name} is {:?}, every tensor must be f32", tensor.dtype());
        }
        let config = &setup.config;
        let word_embeddings = "bert.embeddings.word_embeddings.weight";
        let (vocab, hidden) = tensors
            .get(word_embeddings)
            .with_context(|| format!("{file}: no tensor '{word_embeddings}'"))?
            .dims2()
            .with_context(|| format!("{file}: {word_embeddings} is not a matrix"))?;
        let shape = Shape { layers: layers(&tensors, &file)?, heads: config.heads, hidden, vocab };
        shape.check(setup, &file)?;
        let qa_outputs = Linear::new(
            get(&tensors, "qa_outputs.weight", &[2, hidden], &file)?,
            Some(get(&tensors, "qa_outputs.bias", &[2], &file)?),
        );
        // candle checks every other tensor's shape against the config as it builds the model.
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
        let model = BertModel::load(vb.pp("bert"), &candle_config(config))
            .map_err(|e| anyhow!("{file}: candle-transformers' BertModel cannot load it: {e}"))?;
        Ok(CandleEngine { model, qa_outputs, shape, layer_norm_eps: config.layer_norm_eps })
    }

    fn run(&mut self, input_ids: &[i64], attention_mask: &[i64], token_type_ids: &[i64]) -> Result<Logits> {
        let s = input_ids.len();
        let tensor = |values: &[i64]| Tensor::from_slice(values, (1, s), &Device::Cpu);
        let hidden = self.model.forward(
            &tensor(input_ids)?,
            &tensor(token_type_ids)?,
            Some(&tensor(attention_mask)?),
        )?;
        // [1, s, hidden] → [1, s, 2] → [2, s]: row 0 start, row 1 end.
        let logits = self.qa_outputs.forward(&hidden)?.squeeze(0)?.t()?.contiguous()?;
        let mut rows = logits.to_vec2::<f32>()?.into_iter();
        match (rows.next(), rows.next()) {
            (Some(start), Some(end)) => Ok(Logits { start, end }),
            _ => bail!("the QA head gave {:?} logits, expected [2, {s}]", logits.dims()),
        }
    }

    fn report(_runtime: &(), engine: &CandleEngine) -> Result<EngineReport> {
        Ok(EngineReport {
            framework: "candle-transformers",
            libraries: Vec::new(),
            compute: Compute::RayonPool,
            model_format: "safetensors",
            shape: engine.shape,
            settings: json!({
                "matmul_parallelism (candle_core::utils::get_num_threads)": candle_core::utils::get_num_threads(),
                "device": "cpu",
                "model": "candle_transformers::models::bert::BertModel (no pooler) + qa_outputs (candle_nn::Linear)",
                "hidden_act": "HiddenAct::Gelu (gelu_erf)",
                "layer_norm_eps": engine.layer_norm_eps,
                "heads": "config.json's num_attention_heads (not a tensor)",
            }),
            native: None,
            notes: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_act_gelu_is_the_erf_gelu() {
        // GELU(x) = x Φ(x): 0.8413447 at 1, −0.0455003 at −2; the tanh form gives 0.8411920 at 1.
        let x = Tensor::new(&[1.0f32, -2.0], &Device::Cpu).unwrap();
        let y = x.gelu_erf().unwrap().to_vec1::<f32>().unwrap();
        assert!((y[0] - 0.841_344_7).abs() < 1e-6 && (y[1] + 0.045_500_26).abs() < 1e-6, "{y:?}");
        let config = Config {
            layers: 1,
            heads: 2,
            hidden: 4,
            intermediate: 8,
            vocab: 110,
            max_positions: 64,
            type_vocab: 2,
            layer_norm_eps: 1e-12,
            pad_token_id: 0,
        };
        let candle = candle_config(&config);
        assert_eq!(candle.hidden_act, HiddenAct::Gelu);
        assert_eq!(candle.layer_norm_eps, 1e-12);
        // config.json's spelling maps to the same variant in candle's own parser.
        let parsed: HiddenAct = serde_json::from_value(json!("gelu")).unwrap();
        assert_eq!(parsed, HiddenAct::Gelu);
    }
}
