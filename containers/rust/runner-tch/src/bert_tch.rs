//! `rust/tch`: the `torchscript` input (model.pt) in libtorch through tch, for
//! task `bert-qa`: a traced `BertForQuestionAnswering` whose
//! `forward(input_ids, attention_mask, token_type_ids)` (int64 [1, s]) returns
//! `(start_logits, end_logits)` (f32 [1, s]).
//!
//! Everything but the model calls is the runner library's `bert_qa` module
//! (tokenizer, windows, features, span choice, timing, outputs); libtorch is
//! started as gpt2-generate's tch row starts it ([`Libtorch`]: `threads`
//! intra-op threads, one inter-op thread, read back). Every run is under `no_grad`.

use anyhow::{Context, Result, anyhow, bail};
use equibench_runner::data;
use equibench_runner::protocol::Spec;
use equibench_runner::task::Task;
use equibench_runner::tasks::bert_qa::{self, Engine, EngineReport, Logits, Setup, Shape, file_name};
use tch::{CModule, Device, IValue, Kind, Tensor};

use crate::gpt2_tch::Libtorch;

/// `rust/tch`.
pub fn rust_tch(spec: &Spec) -> Result<Box<dyn Task + '_>> {
    bert_qa::create::<TchEngine>(spec)
}

pub struct TchEngine {
    module: CModule,
    /// Layers, hidden size and vocabulary from the module's parameters; heads from config.json.
    shape: Shape,
    file: String,
}

/// The shape of a BERT from its parameters (name, size): the vocabulary and
/// hidden size of the word embeddings, the layers from the `encoder.layer.N.` names.
fn read_shape(parameters: &[(String, Vec<i64>)], heads: usize, file: &str) -> Result<Shape> {
    let word_embeddings = parameters
        .iter()
        .find(|(name, _)| name.ends_with("embeddings.word_embeddings.weight"))
        .map(|(_, size)| size.clone())
        .with_context(|| {
            format!("{file}: no embeddings.word_embeddings.weight among its parameters: not a BERT module")
        })?;
    let [vocab, hidden] = word_embeddings[..] else {
        bail!("{file}: word_embeddings.weight has shape {word_embeddings:?}, expected [vocab, hidden]")
    };
    let mut layers: Vec<usize> = parameters
        .iter()
        .filter_map(|(name, _)| name.split_once("encoder.layer.")?.1.split('.').next()?.parse().ok())
        .collect();
    layers.sort_unstable();
    layers.dedup();
    if layers.iter().enumerate().any(|(i, &n)| i != n) {
        bail!("{file}: the layers encoder.layer.N are {layers:?}, expected 0 … (layers − 1)");
    }
    match parameters.iter().find(|(name, _)| name.ends_with("qa_outputs.weight")) {
        Some((_, size)) if size[..] == [2, hidden] => {}
        Some((_, size)) => bail!("{file}: qa_outputs.weight has shape {size:?}, expected [2, {hidden}]"),
        None => bail!("{file}: no qa_outputs.weight among its parameters: not a question-answering module"),
    }
    Ok(Shape {
        layers: layers.len(),
        heads,
        hidden: usize::try_from(hidden)?,
        vocab: usize::try_from(vocab)?,
    })
}

impl Engine for TchEngine {
    type Runtime = Libtorch;
    const MODEL_ROLE: &'static str = "torchscript";

    fn start(setup: &Setup) -> Result<Libtorch> {
        Libtorch::start(setup.threads)
    }

    fn load(_libtorch: &Libtorch, setup: &Setup) -> Result<TchEngine> {
        let path = setup.input("torchscript")?;
        let file = file_name(path);
        let mut module = CModule::load_on_device(path, Device::Cpu)
            .map_err(|e| anyhow!("{file}: libtorch cannot load it as TorchScript: {e}"))?;
        module.set_eval();
        data::record_read(path);
        let parameters: Vec<(String, Vec<i64>)> = module
            .named_parameters()
            .map_err(|e| anyhow!("{file}: cannot list its parameters: {e}"))?
            .into_iter()
            .map(|(name, tensor)| (name, tensor.size()))
            .collect();
        // Heads are no parameter: config.json's (the run fails if the module disagrees in its sizes).
        let shape = read_shape(&parameters, setup.config.heads, &file)?;
        shape.check(setup, &file)?;
        Ok(TchEngine { module, shape, file })
    }

    fn run(&mut self, input_ids: &[i64], attention_mask: &[i64], token_type_ids: &[i64]) -> Result<Logits> {
        let _no_grad = tch::no_grad_guard();
        let s = input_ids.len();
        let tensor = |values: &[i64]| IValue::Tensor(Tensor::from_slice(values).view([1, s as i64]));
        let output = self
            .module
            .forward_is(&[tensor(input_ids), tensor(attention_mask), tensor(token_type_ids)])
            .map_err(|e| anyhow!("{}: forward failed: {e}", self.file))?;
        let pair = match output {
            IValue::Tuple(values) => <[IValue; 2]>::try_from(values).ok(),
            _ => None,
        };
        let Some([IValue::Tensor(start), IValue::Tensor(end)]) = pair else {
            bail!("{}: forward did not return (start_logits, end_logits), two tensors", self.file)
        };
        let read = |logits: Tensor, name: &str| -> Result<Vec<f32>> {
            if logits.size() != [1, s as i64] || logits.kind() != Kind::Float {
                bail!(
                    "{}: {name} is {:?} {:?}, expected Float [1, {s}]",
                    self.file,
                    logits.kind(),
                    logits.size()
                );
            }
            let mut values = vec![0.0f32; s];
            logits.contiguous().f_copy_data(&mut values, s)?;
            Ok(values)
        };
        Ok(Logits { start: read(start, "start_logits")?, end: read(end, "end_logits")? })
    }

    fn report(libtorch: &Libtorch, engine: &TchEngine) -> Result<EngineReport> {
        let mut settings = libtorch.settings();
        settings["heads"] = "config.json's num_attention_heads (not a parameter)".into();
        Ok(EngineReport {
            framework: "tch",
            libraries: libtorch.libraries(),
            compute: libtorch.compute()?,
            model_format: "torchscript",
            shape: engine.shape,
            settings,
            native: libtorch.native(),
            notes: libtorch.notes(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parameters(names: &[(&str, &[i64])]) -> Vec<(String, Vec<i64>)> {
        names.iter().map(|(name, size)| (name.to_string(), size.to_vec())).collect()
    }

    #[test]
    fn reads_the_shape_from_the_parameters() {
        let mut p = parameters(&[
            ("bert.embeddings.word_embeddings.weight", &[30522, 64]),
            ("bert.encoder.layer.0.attention.self.query.weight", &[64, 64]),
            ("bert.encoder.layer.1.attention.self.query.weight", &[64, 64]),
            ("bert.encoder.layer.1.output.dense.bias", &[64]),
            ("qa_outputs.weight", &[2, 64]),
        ]);
        assert_eq!(
            read_shape(&p, 2, "model.pt").unwrap(),
            Shape { layers: 2, heads: 2, hidden: 64, vocab: 30522 }
        );
        p[4].1 = vec![3, 64];
        assert_eq!(
            read_shape(&p, 2, "model.pt").unwrap_err().to_string(),
            "model.pt: qa_outputs.weight has shape [3, 64], expected [2, 64]"
        );
        p.remove(0);
        assert!(read_shape(&p, 2, "model.pt").unwrap_err().to_string().ends_with("not a BERT module"));
    }
}
