//! `rust/ort`: the `onnx` graph in ONNX Runtime through the `ort` crate.
//!
//! The library, its environment and the session's settings are
//! gpt2-generate's ([`OrtRuntime`]): ONNX Runtime Java's libonnxruntime.so
//! (`ORT_DYLIB_PATH`), intra-op threads = the spec's `threads`, one inter-op
//! thread, sequential execution, every graph optimization.
//!
//! The graph: inputs `input_ids`, `attention_mask`, `token_type_ids` (int64
//! [1, s]), outputs `start_logits`, `end_logits` (f32 [1, s]). A session
//! exposes only its inputs and outputs, not its weights: layers, heads,
//! hidden size and vocabulary are config.json's, and a graph of other sizes
//! fails at its first run (ONNX Runtime's message, naming the file).

use anyhow::{Result, bail};
use ort::session::Session;
use ort::value::{Tensor, ValueType};

use super::{Engine, EngineReport, Logits, Setup, Shape, file_name};
use crate::tasks::gpt2_generate::{OrtRuntime, ort_error};

const INPUTS: [&str; 3] = ["input_ids", "attention_mask", "token_type_ids"];
const OUTPUTS: [&str; 2] = ["start_logits", "end_logits"];

pub struct OrtEngine {
    session: Session,
    shape: Shape,
    threads: usize,
    file: String,
}

/// Checks that a graph with inputs `inputs` and outputs `outputs` (name,
/// element type, shape with −1 for a dynamic dimension) is this task's.
fn check_signature(
    inputs: &[(String, String, Vec<i64>)],
    outputs: &[(String, String, Vec<i64>)],
    file: &str,
) -> Result<()> {
    fn names(outlets: &[(String, String, Vec<i64>)]) -> Vec<&str> {
        let mut names: Vec<&str> = outlets.iter().map(|(name, _, _)| name.as_str()).collect();
        names.sort_unstable();
        names
    }
    let sorted = |names: &[&'static str]| {
        let mut names = names.to_vec();
        names.sort_unstable();
        names
    };
    if names(inputs) != sorted(&INPUTS) || names(outputs) != sorted(&OUTPUTS) {
        bail!(
            "{file}: not a BERT question-answering graph of this task: inputs {}; outputs {} (expected inputs \
             input_ids, attention_mask, token_type_ids; outputs start_logits, end_logits)",
            names(inputs).join(", "),
            names(outputs).join(", ")
        );
    }
    for (outlets, kind) in [(inputs, "Int64"), (outputs, "Float32")] {
        for (name, element, dims) in outlets {
            let batch_one = dims.len() == 2 && (dims[0] == 1 || dims[0] < 0);
            if element != kind || !batch_one {
                bail!("{file}: {name} is {element} {dims:?}, expected {kind} [1, s]");
            }
        }
    }
    Ok(())
}

impl Engine for OrtEngine {
    type Runtime = OrtRuntime;
    const MODEL_ROLE: &'static str = "onnx";

    fn start(_setup: &Setup) -> Result<OrtRuntime> {
        OrtRuntime::start()
    }

    fn load(runtime: &OrtRuntime, setup: &Setup) -> Result<OrtEngine> {
        let path = setup.input("onnx")?;
        let file = file_name(path);
        let session = runtime.session(path, setup.threads)?;
        let outlets = |outlets: &[ort::value::Outlet]| -> Vec<(String, String, Vec<i64>)> {
            let describe = |t: &ValueType| match t {
                ValueType::Tensor { ty, shape, .. } => (format!("{ty:?}"), shape.to_vec()),
                other => (format!("{other:?}"), Vec::new()),
            };
            outlets
                .iter()
                .map(|o| {
                    let (element, dims) = describe(o.dtype());
                    (o.name().to_string(), element, dims)
                })
                .collect()
        };
        check_signature(&outlets(session.inputs()), &outlets(session.outputs()), &file)?;
        let config = &setup.config;
        let shape =
            Shape { layers: config.layers, heads: config.heads, hidden: config.hidden, vocab: config.vocab };
        Ok(OrtEngine { session, shape, threads: setup.threads, file })
    }

    fn run(&mut self, input_ids: &[i64], attention_mask: &[i64], token_type_ids: &[i64]) -> Result<Logits> {
        let s = input_ids.len();
        let tensor = |values: &[i64]| {
            Tensor::from_array(([1, s], values.to_vec())).map_err(ort_error("cannot create an input"))
        };
        let inputs = ort::inputs![
            "input_ids" => tensor(input_ids)?,
            "attention_mask" => tensor(attention_mask)?,
            "token_type_ids" => tensor(token_type_ids)?,
        ];
        let outputs = self.session.run(inputs).map_err(ort_error(format!("{}: run failed", self.file)))?;
        let read = |name: &str| -> Result<Vec<f32>> {
            let (shape, values) = outputs[name]
                .try_extract_tensor::<f32>()
                .map_err(ort_error(format!("{}: {name}", self.file)))?;
            if shape.len() != 2 || shape[0] != 1 || shape[1] as usize != s {
                bail!("{}: {name} has shape {shape}, expected [1, {s}]", self.file);
            }
            Ok(values.to_vec())
        };
        Ok(Logits { start: read("start_logits")?, end: read("end_logits")? })
    }

    fn report(runtime: &OrtRuntime, engine: &OrtEngine) -> Result<EngineReport> {
        let mut settings = OrtRuntime::settings(engine.threads);
        settings["shape"] =
            "layers, heads, hidden, vocab from config.json (a session exposes no weights)".into();
        Ok(EngineReport {
            framework: "ort",
            libraries: runtime.libraries(),
            compute: OrtRuntime::compute(engine.threads)?,
            model_format: "onnx",
            shape: engine.shape,
            settings,
            native: Some(runtime.native()),
            notes: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outlet(name: &str, element: &str, dims: &[i64]) -> (String, String, Vec<i64>) {
        (name.to_string(), element.to_string(), dims.to_vec())
    }

    #[test]
    fn the_graph_must_be_this_tasks() {
        let inputs: Vec<_> = ["token_type_ids", "input_ids", "attention_mask"]
            .iter()
            .map(|name| outlet(name, "Int64", &[1, -1]))
            .collect();
        let outputs =
            vec![outlet("start_logits", "Float32", &[1, -1]), outlet("end_logits", "Float32", &[-1, -1])];
        check_signature(&inputs, &outputs, "model.onnx").unwrap();

        let mut wrong = inputs.clone();
        wrong[0].1 = "Int32".into();
        assert_eq!(
            check_signature(&wrong, &outputs, "model.onnx").unwrap_err().to_string(),
            "model.onnx: token_type_ids is Int32 [1, -1], expected Int64 [1, s]"
        );
        let logits_only = vec![outlet("logits", "Float32", &[1, -1, 2])];
        assert_eq!(
            check_signature(&inputs, &logits_only, "model.onnx").unwrap_err().to_string(),
            "model.onnx: not a BERT question-answering graph of this task: inputs attention_mask, input_ids, \
             token_type_ids; outputs logits (expected inputs input_ids, attention_mask, token_type_ids; outputs \
             start_logits, end_logits)"
        );
    }
}
