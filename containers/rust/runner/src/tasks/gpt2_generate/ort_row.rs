//! `rust/ort`: the `onnx` graph in ONNX Runtime through the `ort` crate.
//!
//! The library is loaded at run time (`load-dynamic`) from `ORT_DYLIB_PATH`:
//! the harness points it at ONNX Runtime Java's own libonnxruntime.so, so the
//! Java and Rust rows run one engine build and differ only in their binding.
//! One session, as the Python and Java rows configure theirs: intra-op
//! threads = the spec's `threads`, one inter-op thread, sequential execution,
//! every graph optimization (`ORT_ENABLE_ALL`).
//!
//! The cache is the graph's `present.N.key`/`present.N.value` outputs, kept as
//! ONNX Runtime values: a step feeds them back as `past_key_values.N.*` by
//! reference and gets new ones, so a prefill cache is never written to and
//! "forking" it is sharing it.

use std::borrow::Cow;
use std::ffi::CStr;
use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::{Context, Result, anyhow, bail};
use ort::session::builder::GraphOptimizationLevel;
use ort::session::{Session, SessionInputValue};
use ort::value::{DynValue, Tensor, ValueType};
use serde_json::{Value, json};

use super::{Engine, EngineReport, Setup, Shape, file_name};
use crate::data;
use crate::task::{Compute, NativeLibrary};

/// The variable naming the libonnxruntime.so to load.
pub const DYLIB_ENV: &str = "ORT_DYLIB_PATH";

/// ONNX Runtime loaded into this process, and its environment.
pub struct OrtRuntime {
    environment: ort::environment::Environment,
    library: PathBuf,
    /// As the library reports it (`OrtGetApiBase()->GetVersionString()`).
    version: String,
}

pub struct OrtEngine {
    session: Session,
    /// `past_key_values.N.key`, `past_key_values.N.value`, … in layer order.
    past_names: Vec<String>,
    /// `present.N.key`, `present.N.value`, … in the same order.
    present_names: Vec<String>,
    /// The empty past of a prefill: [1, heads, 0, d_head] for every entry.
    empty_past: Vec<DynValue>,
    shape: Shape,
    threads: usize,
    file: String,
}

/// The graph's input and output names for `layers` layers (PROTOCOL.md, "The ONNX graph").
struct Signature {
    inputs: Vec<String>,
    outputs: Vec<String>,
}

impl Signature {
    fn of(layers: usize) -> Signature {
        let cache = |prefix: &str| {
            (0..layers)
                .flat_map(move |n| ["key", "value"].map(|kv| format!("{prefix}.{n}.{kv}")))
                .collect::<Vec<_>>()
        };
        let inputs =
            ["input_ids".to_string(), "position_ids".to_string()].into_iter().chain(cache("past_key_values"));
        let outputs = std::iter::once("logits".to_string()).chain(cache("present"));
        Signature { inputs: inputs.collect(), outputs: outputs.collect() }
    }
}

/// Checks that a graph with inputs `inputs` and outputs `outputs` (name and
/// shape, -1 for a dynamic dimension) is this task's GPT-2 and reads its shape
/// back: the layers from the number of past inputs, heads and d_head from
/// their shape, the vocabulary from the logits.
fn read_signature(
    inputs: &[(String, Vec<i64>)],
    outputs: &[(String, Vec<i64>)],
    file: &str,
) -> Result<Shape> {
    let layers = inputs.iter().filter(|(name, _)| name.starts_with("past_key_values.")).count() / 2;
    let expected = Signature::of(layers);
    let same = |outlets: &[(String, Vec<i64>)], names: &[String]| {
        sorted(outlets.iter().map(|(name, _)| name.as_str())) == sorted(names.iter().map(String::as_str))
    };
    let show = |outlets: &[(String, Vec<i64>)]| {
        let names: Vec<&str> = outlets.iter().map(|(name, _)| name.as_str()).collect();
        names.join(", ")
    };
    if layers == 0 || !same(inputs, &expected.inputs) || !same(outputs, &expected.outputs) {
        bail!(
            "{file}: not a GPT-2 graph of this task: inputs {}; outputs {} (expected input_ids, position_ids, \
             past_key_values.N.key/value for N in 0..layers; outputs logits, present.N.key/value)",
            show(inputs),
            show(outputs)
        );
    }
    let dims = |outlets: &[(String, Vec<i64>)], name: &str| {
        outlets.iter().find(|(n, _)| n == name).map(|(_, dims)| dims.clone()).expect("checked above")
    };
    let static_dim = |dims: &[i64], axis: usize, what: &str| -> Result<usize> {
        match dims.get(axis) {
            Some(&d) if d > 0 => Ok(d as usize),
            _ => bail!("{file}: {what} has no fixed size in the graph (shape {dims:?})"),
        }
    };
    let past = dims(inputs, "past_key_values.0.key");
    let logits = dims(outputs, "logits");
    if past.len() != 4 || logits.len() != 3 {
        bail!(
            "{file}: past_key_values.0.key has shape {past:?}, logits {logits:?}; expected 4 and 3 dimensions"
        );
    }
    let heads = static_dim(&past, 1, "the heads of past_key_values.0.key")?;
    let d_head = static_dim(&past, 3, "the head size of past_key_values.0.key")?;
    let vocab = static_dim(&logits, 2, "the vocabulary of logits")?;
    Ok(Shape { layers, heads, d_model: heads * d_head, vocab })
}

fn sorted<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut names: Vec<&str> = names.collect();
    names.sort_unstable();
    names
}

/// An ort error as an anyhow error (ort's errors may carry values that are not `Sync`).
pub fn ort_error<R>(context: impl Display) -> impl FnOnce(ort::Error<R>) -> anyhow::Error {
    move |e| anyhow!("{context}: {e}")
}

/// The version libonnxruntime.so reports. ort checks only the minor version
/// when it loads the library; the manifest wants the whole string.
fn library_version(path: &Path) -> Result<String> {
    // SAFETY: loading ONNX Runtime runs its initialisers, which is what ort does next anyway.
    let library = unsafe { libloading::Library::new(path) }
        .with_context(|| format!("{DYLIB_ENV}: cannot load {}", path.display()))?;
    // SAFETY: OrtGetApiBase has this signature in every ONNX Runtime release; it returns a static struct.
    let version = unsafe {
        let get_api_base = library
            .get::<unsafe extern "C" fn() -> *const ort::sys::OrtApiBase>(b"OrtGetApiBase")
            .with_context(|| {
                format!("{DYLIB_ENV}: {} is not ONNX Runtime (no OrtGetApiBase)", path.display())
            })?;
        let base = get_api_base();
        if base.is_null() {
            bail!("{DYLIB_ENV}: {}: OrtGetApiBase returned null", path.display());
        }
        CStr::from_ptr(((*base).GetVersionString)()).to_string_lossy().into_owned()
    };
    Ok(version)
}

impl OrtRuntime {
    /// ONNX Runtime loaded from `ORT_DYLIB_PATH`, and its environment: how
    /// every `rust/ort` row starts (gpt2-generate, bert-qa).
    pub fn start() -> Result<OrtRuntime> {
        let library = match std::env::var_os(DYLIB_ENV) {
            Some(path) if !path.is_empty() => PathBuf::from(path),
            _ => bail!(
                "rust/ort loads ONNX Runtime at run time: set {DYLIB_ENV} to the libonnxruntime.so to load \
                 (ONNX Runtime Java's, ai/onnxruntime/native/linux-x64/libonnxruntime.so)"
            ),
        };
        if !library.is_file() {
            bail!("{DYLIB_ENV}: {} does not exist", library.display());
        }
        let version = library_version(&library)?;
        let environment = ort::init_from(&library)
            .map_err(|e| anyhow!("{DYLIB_ENV}: {e}"))?
            .with_name("equibench")
            .with_telemetry(false)
            .build()
            .map_err(ort_error("cannot create the ONNX Runtime environment"))?;
        Ok(OrtRuntime { environment, library, version })
    }

    /// A session on the graph `path`, configured as every ONNX Runtime row of
    /// every language configures its own: `threads` intra-op threads, one
    /// inter-op thread, sequential execution, every graph optimization.
    /// Errors name the file; the file is recorded as read.
    pub fn session(&self, path: &Path, threads: usize) -> Result<Session> {
        let file = file_name(path);
        let configure = "cannot configure the ONNX Runtime session";
        let session = Session::builder(&self.environment)
            .map_err(ort_error(configure))?
            .with_intra_threads(threads)
            .map_err(ort_error(configure))?
            .with_inter_threads(1)
            .map_err(ort_error(configure))?
            .with_parallel_execution(false)
            .map_err(ort_error(configure))?
            .with_optimization_level(GraphOptimizationLevel::All)
            .map_err(ort_error(configure))?
            .commit_from_file(path)
            .map_err(ort_error(format!("{file}: ONNX Runtime cannot load it")))?;
        data::record_read(path);
        Ok(session)
    }

    /// `runtime.libraries`: the version the library reports.
    pub fn libraries(&self) -> Vec<(&'static str, String)> {
        vec![("onnxruntime", self.version.clone())]
    }

    /// The manifest's `native.*`: the library this process loaded.
    pub fn native(&self) -> NativeLibrary {
        NativeLibrary { engine: format!("onnxruntime {}", self.version), library: self.library.clone() }
    }

    /// `threads.compute` of a session made by [`OrtRuntime::session`].
    pub fn compute(threads: usize) -> Result<Compute> {
        // ONNX Runtime has no getter for a session's thread counts: these are the values set.
        Ok(Compute::NativePool {
            pool: "ONNX Runtime intra-op pool (the session's intra_op_num_threads, as set: no getter)",
            threads: u32::try_from(threads)?,
        })
    }

    /// `runtime.hyperparameters` of a session made by [`OrtRuntime::session`].
    pub fn settings(threads: usize) -> Value {
        json!({
            "intra_op_num_threads": threads,
            "inter_op_num_threads": 1,
            "execution_mode": "ORT_SEQUENTIAL",
            "graph_optimization_level": "ORT_ENABLE_ALL (99)",
            "execution_providers": "CPU",
            "load": "ort load-dynamic from ORT_DYLIB_PATH",
        })
    }
}

/// The presents of the last run, in `present_names` order. ort values cannot
/// be cloned (only viewed), so a cache is shared by reference count.
pub type Cache = Rc<Vec<DynValue>>;

impl Engine for OrtEngine {
    type Runtime = OrtRuntime;
    type Cache = Cache;
    const MODEL_ROLE: &'static str = "onnx";

    fn start(_setup: &Setup) -> Result<OrtRuntime> {
        OrtRuntime::start()
    }

    fn load(runtime: &OrtRuntime, setup: &Setup, _prompts: &[Vec<i64>]) -> Result<OrtEngine> {
        let path = setup.input("onnx")?;
        let file = file_name(path);
        let session = runtime.session(path, setup.threads)?;

        let outlets = |outlets: &[ort::value::Outlet]| -> Vec<(String, Vec<i64>)> {
            let dims = |t: &ValueType| t.tensor_shape().map(|s| s.to_vec()).unwrap_or_default();
            outlets.iter().map(|o| (o.name().to_string(), dims(o.dtype()))).collect()
        };
        let shape = read_signature(&outlets(session.inputs()), &outlets(session.outputs()), &file)?;
        shape.check(&setup.params, &file)?;

        let signature = Signature::of(shape.layers);
        let d_head = shape.d_model / shape.heads;
        let empty_past = (0..2 * shape.layers)
            .map(|_| {
                Tensor::from_array(([1, shape.heads, 0, d_head], Vec::<f32>::new())).map(|t| t.into_dyn())
            })
            .collect::<ort::Result<Vec<_>>>()
            .map_err(ort_error("cannot create an empty past"))?;
        Ok(OrtEngine {
            session,
            past_names: signature.inputs[2..].to_vec(),
            present_names: signature.outputs[1..].to_vec(),
            empty_past,
            shape,
            threads: setup.threads,
            file,
        })
    }

    fn prefill(&mut self, _prompt: usize, ids: &[i64], logits: &mut [f32]) -> Result<Cache> {
        let positions: Vec<i64> = (0..ids.len() as i64).collect();
        let past = std::mem::take(&mut self.empty_past);
        let result = self.run(ids.to_vec(), positions, &past, logits);
        self.empty_past = past;
        Ok(Rc::new(result?))
    }

    fn fork(&mut self, _prompt: usize, prefill: &Cache) -> Result<Cache> {
        // A run only reads its past: sharing the prefill cache is copying it.
        Ok(Rc::clone(prefill))
    }

    fn step(&mut self, cache: &mut Cache, token: i64, position: usize, logits: &mut [f32]) -> Result<()> {
        *cache = Rc::new(self.run(vec![token], vec![position as i64], cache, logits)?);
        Ok(())
    }

    fn report(runtime: &OrtRuntime, engine: &OrtEngine) -> Result<EngineReport> {
        Ok(EngineReport {
            framework: "ort",
            libraries: runtime.libraries(),
            compute: OrtRuntime::compute(engine.threads)?,
            model_format: "onnx",
            shape: engine.shape,
            settings: OrtRuntime::settings(engine.threads),
            native: Some(runtime.native()),
            notes: Vec::new(),
        })
    }
}

impl OrtEngine {
    /// One run of the graph: `ids` at `positions` after `past`; writes the
    /// last position's logits and returns the presents.
    fn run(
        &mut self,
        ids: Vec<i64>,
        positions: Vec<i64>,
        past: &[DynValue],
        logits: &mut [f32],
    ) -> Result<Vec<DynValue>> {
        let s = ids.len();
        let tensor = |values: Vec<i64>| {
            Tensor::from_array(([1, s], values)).map_err(ort_error("cannot create an input"))
        };
        let mut inputs: Vec<(Cow<str>, SessionInputValue)> = vec![
            ("input_ids".into(), tensor(ids)?.into()),
            ("position_ids".into(), tensor(positions)?.into()),
        ];
        inputs.extend(
            self.past_names.iter().zip(past).map(|(name, value)| (name.as_str().into(), value.into())),
        );
        let mut outputs =
            self.session.run(inputs).map_err(ort_error(format!("{}: run failed", self.file)))?;

        let (shape, values) = outputs["logits"]
            .try_extract_tensor::<f32>()
            .map_err(ort_error(format!("{}: logits", self.file)))?;
        let vocab = logits.len();
        if shape.len() != 3 || shape[2] as usize != vocab || values.len() < vocab {
            bail!("{}: logits have shape {shape}, expected [1, {s}, {vocab}]", self.file);
        }
        logits.copy_from_slice(&values[values.len() - vocab..]);
        self.present_names
            .iter()
            .map(|name| outputs.remove(name).with_context(|| format!("{}: no output {name}", self.file)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outlets(names: &[String], dims: &[i64]) -> Vec<(String, Vec<i64>)> {
        names.iter().map(|name| (name.clone(), dims.to_vec())).collect()
    }

    #[test]
    fn reads_the_shape_from_the_graph_signature() {
        let signature = Signature::of(2);
        assert_eq!(
            signature.inputs,
            [
                "input_ids",
                "position_ids",
                "past_key_values.0.key",
                "past_key_values.0.value",
                "past_key_values.1.key",
                "past_key_values.1.value"
            ]
        );
        assert_eq!(
            signature.outputs,
            ["logits", "present.0.key", "present.0.value", "present.1.key", "present.1.value"]
        );
        let mut inputs = outlets(&signature.inputs, &[1, 4, -1, 16]);
        inputs[0].1 = vec![1, -1];
        let mut outputs = outlets(&signature.outputs, &[1, 4, -1, 16]);
        outputs[0].1 = vec![1, -1, 50257];
        // In another order: names, not positions, identify the inputs.
        inputs.reverse();
        let shape = read_signature(&inputs, &outputs, "model.onnx").unwrap();
        assert_eq!(shape, Shape { layers: 2, heads: 4, d_model: 64, vocab: 50257 });

        outputs[0].1 = vec![1, -1, -1];
        assert_eq!(
            read_signature(&inputs, &outputs, "model.onnx").unwrap_err().to_string(),
            "model.onnx: the vocabulary of logits has no fixed size in the graph (shape [1, -1, -1])"
        );
    }

    #[test]
    fn another_graph_is_rejected_by_name() {
        let inputs = vec![("float_input".to_string(), vec![-1, 4])];
        let outputs = vec![("label".to_string(), vec![-1]), ("probabilities".to_string(), vec![-1, 3])];
        assert_eq!(
            read_signature(&inputs, &outputs, "iris.onnx").unwrap_err().to_string(),
            "iris.onnx: not a GPT-2 graph of this task: inputs float_input; outputs label, probabilities (expected \
             input_ids, position_ids, past_key_values.N.key/value for N in 0..layers; outputs logits, \
             present.N.key/value)"
        );
        // A GPT-2 graph without its cache is another graph too.
        let inputs = vec![("input_ids".to_string(), vec![1, -1]), ("position_ids".to_string(), vec![1, -1])];
        let outputs = vec![("logits".to_string(), vec![1, -1, 50257])];
        assert!(
            read_signature(&inputs, &outputs, "m.onnx")
                .unwrap_err()
                .to_string()
                .starts_with("m.onnx: not a GPT-2")
        );
    }

    #[test]
    fn a_missing_library_is_named() {
        // Only the checks before anything is loaded: the variable is process-wide, so it is not changed here.
        assert!(
            library_version(Path::new("/nonexistent/libonnxruntime.so"))
                .unwrap_err()
                .to_string()
                .starts_with("ORT_DYLIB_PATH: cannot load /nonexistent/libonnxruntime.so")
        );
    }
}
