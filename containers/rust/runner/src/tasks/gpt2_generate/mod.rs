//! Task `gpt2-generate` (PROTOCOL.md): greedy generation with a GPT-2, f32,
//! batch 1, a KV cache in every row.
//!
//! What every Rust row shares lives here, once: the spec's params and their
//! cross-check against config.json, the tokenizer (Hugging Face's Rust
//! `tokenizers`, reading `tokenizer.json`), the prompts, the prefill/decode
//! loop with its argmax and top-2, the step timing and the outputs. A row is
//! an [`Engine`]: how it loads its model file, runs a prompt on an empty cache
//! (`prefill`), copies a prefill cache to decode from (`fork`) and runs one
//! token (`step`).
//!
//! - `rust/ort` (`ort_row`): the `onnx` graph in ONNX Runtime, loaded from the
//!   library ONNX Runtime Java ships (`ORT_DYLIB_PATH`).
//! - `rust/candle` (`candle_row`): GPT-2 written on candle-nn from `weights`.
//! - `rust/tch` and `rust/llama-cpp` live in binaries of their own
//!   (`equibench-runner-tch`, `equibench-runner-llama`): they link native
//!   engines that no other row should load, or need to build.
//!
//! Every engine gets the row's own token ids (never the engine's tokenizer)
//! and hands back the logits of the last position as f32; argmax and top-2
//! are computed here, the same way for every row.

mod candle_row;
mod ort_row;

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use ndarray::{Array1, Array2, Array3, ArrayView1};
use serde_json::Value;

use crate::data::{self, OutputArray};
use crate::protocol::Spec;
use crate::task::{Compute, NativeLibrary, Report, Task};

pub use candle_row::{CandleEngine, check_threads as check_candle_threads};
pub use ort_row::{OrtEngine, OrtRuntime, ort_error};

/// Every input role of the task, and the kind the spec gives it.
const INPUTS: &[(&str, &str)] = &[
    ("config", "json"),
    ("weights", "safetensors"),
    ("onnx", "onnx"),
    ("torchscript", "torchscript"),
    ("gguf", "gguf"),
    ("tokenizer", "json"),
    ("encoder", "json"),
    ("merges", "text"),
    ("prompts", "text"),
];
/// The roles every row reads, whatever its engine.
const COMMON_INPUTS: &[&str] = &["config", "tokenizer", "prompts"];
const PARAMS: &[&str] =
    &["prompt_count", "new_tokens", "layers", "heads", "d_model", "vocab", "context", "checkpoint"];
/// `checkpoint`: the harness's seeded weights, or OpenAI's.
const CHECKPOINTS: &[&str] = &["seeded", "real"];
const PHASES: &[&str] = &["load", "prefill", "decode"];
const OUTPUTS: &[&str] =
    &["prompt_ids", "prompt_lengths", "first_logits", "generated_ids", "step_top2", "decode_step_ns"];

/// The task's params (PROTOCOL.md, `gpt2-generate`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    pub prompt_count: usize,
    pub new_tokens: usize,
    pub layers: usize,
    pub heads: usize,
    pub d_model: usize,
    pub vocab: usize,
    pub context: usize,
    pub checkpoint: &'static str,
}

impl Params {
    fn from_spec(spec: &Spec) -> Result<Params> {
        spec.check_param_names(PARAMS)?;
        let params = Params {
            prompt_count: spec.param_usize("prompt_count")?,
            new_tokens: spec.param_usize("new_tokens")?,
            layers: spec.param_usize("layers")?,
            heads: spec.param_usize("heads")?,
            d_model: spec.param_usize("d_model")?,
            vocab: spec.param_usize("vocab")?,
            context: spec.param_usize("context")?,
            checkpoint: {
                let checkpoint = spec.param_str("checkpoint")?;
                CHECKPOINTS.iter().copied().find(|c| *c == checkpoint).with_context(|| {
                    format!(
                        "spec params.checkpoint: expected one of {}, got '{checkpoint}'",
                        CHECKPOINTS.join(", ")
                    )
                })?
            },
        };
        if !params.d_model.is_multiple_of(params.heads) {
            bail!("spec params: d_model = {} is not a multiple of heads = {}", params.d_model, params.heads);
        }
        // Token 0 comes from the prefill; decode needs at least one step to time.
        if params.new_tokens < 2 {
            bail!("spec params.new_tokens: expected at least 2, got {}", params.new_tokens);
        }
        Ok(params)
    }

    pub fn d_head(&self) -> usize {
        self.d_model / self.heads
    }
}

/// What a row needs from config.json (Hugging Face `GPT2Config`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config {
    pub layers: usize,
    pub heads: usize,
    pub d_model: usize,
    pub vocab: usize,
    pub context: usize,
    /// The MLP's inner width (`n_inner`, 4 · d_model when null).
    pub d_inner: usize,
    pub layer_norm_epsilon: f64,
}

impl Config {
    /// Parses config.json; `file` names it in errors.
    fn parse(text: &str, file: &str) -> Result<Config> {
        let json: Value = serde_json::from_str(text).with_context(|| format!("{file}: not JSON"))?;
        let count = |key: &str| -> Result<usize> {
            match json.get(key).and_then(Value::as_u64) {
                Some(n) if n > 0 => Ok(usize::try_from(n)?),
                _ => bail!(
                    "{file}: '{key}' is not a positive integer: {}",
                    json.get(key).unwrap_or(&Value::Null)
                ),
            }
        };
        if let Some(model_type) = json.get("model_type").and_then(Value::as_str).filter(|t| *t != "gpt2") {
            bail!("{file}: model_type is '{model_type}', not 'gpt2'");
        }
        // The MLP activation every row implements: tanh-approximated GELU.
        match json.get("activation_function").and_then(Value::as_str) {
            Some("gelu_new") => {}
            other => bail!("{file}: activation_function is {other:?}, every row implements 'gelu_new'"),
        }
        let d_model = count("n_embd")?;
        let d_inner =
            if json.get("n_inner").is_none_or(Value::is_null) { 4 * d_model } else { count("n_inner")? };
        let layer_norm_epsilon = json
            .get("layer_norm_epsilon")
            .and_then(Value::as_f64)
            .filter(|eps| eps.is_finite() && *eps > 0.0)
            .with_context(|| format!("{file}: 'layer_norm_epsilon' is not a positive number"))?;
        Ok(Config {
            layers: count("n_layer")?,
            heads: count("n_head")?,
            d_model,
            vocab: count("vocab_size")?,
            context: count("n_positions")?,
            d_inner,
            layer_norm_epsilon,
        })
    }

    /// Checks that the spec's params describe this model.
    fn check(&self, params: &Params, file: &str) -> Result<()> {
        let pairs = [
            ("n_layer", self.layers, "layers", params.layers),
            ("n_head", self.heads, "heads", params.heads),
            ("n_embd", self.d_model, "d_model", params.d_model),
            ("vocab_size", self.vocab, "vocab", params.vocab),
            ("n_positions", self.context, "context", params.context),
        ];
        for (key, config, param, spec) in pairs {
            if config != spec {
                bail!("{file}: {key} is {config}, but params.{param} is {spec}");
            }
        }
        Ok(())
    }
}

/// What a row is built from: the spec, its checked params and the model's config.
pub struct Setup<'s> {
    pub spec: &'s Spec,
    pub params: Params,
    pub config: Config,
    /// The compute threads (the spec's `threads`).
    pub threads: usize,
}

impl<'s> Setup<'s> {
    /// Checks dtype, device, inputs and params, and cross-checks the params with
    /// config.json; `model_role` is the engine's model file.
    pub fn from_spec(spec: &'s Spec, model_role: &str) -> Result<Setup<'s>> {
        if spec.dtype != "f32" {
            bail!(
                "{} computes {} in f32 only, the spec asks for dtype '{}'",
                spec.implementation,
                spec.task,
                spec.dtype
            );
        }
        if spec.device != "cpu" {
            bail!("{} runs on cpu only, the spec asks for device '{}'", spec.implementation, spec.device);
        }
        let unknown: Vec<&str> = spec.inputs.keys().filter(|role| kind_of(role).is_none()).collect();
        if !unknown.is_empty() {
            let known: Vec<&str> = INPUTS.iter().map(|(role, _)| *role).collect();
            bail!("spec inputs: unknown {} ({} takes {})", unknown.join(", "), spec.task, known.join(", "));
        }
        let params = Params::from_spec(spec)?;
        let config_path = input(spec, "config")?;
        // Read before the phases: the cross-check must fail before anything runs.
        let config = Config::parse(&data::read_text(config_path)?, &file_name(config_path))?;
        config.check(&params, &file_name(config_path))?;
        for role in COMMON_INPUTS.iter().chain([&model_role]) {
            input(spec, role)?;
        }
        Ok(Setup { spec, params, config, threads: spec.threads as usize })
    }

    /// The path of input `role`, checked for its kind.
    pub fn input(&self, role: &str) -> Result<&'s Path> {
        input(self.spec, role)
    }
}

fn kind_of(role: &str) -> Option<&'static str> {
    INPUTS.iter().find(|(r, _)| *r == role).map(|(_, kind)| *kind)
}

fn input<'s>(spec: &'s Spec, role: &str) -> Result<&'s Path> {
    spec.input(role, kind_of(role).expect("a role of the task"))
}

/// The last path component, as error messages name a file.
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |name| name.to_string_lossy().into_owned())
}

/// The first shared object mapped into this process whose file name contains
/// `fragment` (from /proc/self/maps): the native library a row really runs.
pub fn loaded_library(fragment: &str) -> Option<std::path::PathBuf> {
    let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
    maps.lines().find_map(|line| {
        // address, permissions, offset, device, inode and, if any, the path
        let path = Path::new(line.splitn(6, ' ').nth(5)?.trim());
        path.file_name()?.to_str()?.contains(fragment).then(|| path.to_path_buf())
    })
}

/// The model's shape as the engine reads it back from the loaded model
/// (manifest `hp.layers`, `hp.heads`, `hp.d_model`, `hp.vocab`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shape {
    pub layers: usize,
    pub heads: usize,
    pub d_model: usize,
    pub vocab: usize,
}

impl Shape {
    /// Checks the shape read from `file` against the spec's params: a model
    /// file of another model must fail before any phase computes with it.
    pub fn check(&self, params: &Params, file: &str) -> Result<()> {
        let expected = Shape {
            layers: params.layers,
            heads: params.heads,
            d_model: params.d_model,
            vocab: params.vocab,
        };
        if *self != expected {
            bail!(
                "{file}: the model has {} layers, {} heads, d_model {}, vocab {}; the spec's params say {} layers, \
                 {} heads, d_model {}, vocab {}",
                self.layers,
                self.heads,
                self.d_model,
                self.vocab,
                expected.layers,
                expected.heads,
                expected.d_model,
                expected.vocab
            );
        }
        Ok(())
    }
}

/// What an engine reports for the manifest and `runtime`.
pub struct EngineReport {
    /// The crate doing the numerical work (`runtime.framework`).
    pub framework: &'static str,
    /// Versions beyond this crate's locked dependencies (the native engine's, read back).
    pub libraries: Vec<(&'static str, String)>,
    pub compute: Compute,
    /// `hp.model_format`: the input it computes from (`onnx`, `safetensors`, …).
    pub model_format: &'static str,
    /// Read back from the loaded model.
    pub shape: Shape,
    /// The engine's settings as set or read back (`runtime.hyperparameters`).
    pub settings: Value,
    pub native: Option<NativeLibrary>,
    pub notes: Vec<String>,
}

/// One way of running GPT-2: a library and its model file.
pub trait Engine: Sized {
    /// What the engine sets up once per process, before the first phase (a
    /// native library loaded, its threads sized): start-up, not `load`.
    type Runtime;
    /// The keys and values of one sequence.
    type Cache;

    /// The input role of the model file this engine computes from.
    const MODEL_ROLE: &'static str;

    fn start(setup: &Setup) -> Result<Self::Runtime>;

    /// Builds the model or session from its files: the engine's part of `load`,
    /// once the prompts are tokenized (`prompts`, to size a context by).
    fn load(runtime: &Self::Runtime, setup: &Setup, prompts: &[Vec<i64>]) -> Result<Self>;

    /// Runs prompt number `prompt` (`ids` at positions 0..n) on an empty cache,
    /// writes the logits of its last position into `logits` (vocab long) and
    /// returns the cache.
    fn prefill(&mut self, prompt: usize, ids: &[i64], logits: &mut [f32]) -> Result<Self::Cache>;

    /// A cache to decode prompt `prompt` from, equal to its prefill cache,
    /// which stays as it is (the next decode run starts from it again).
    fn fork(&mut self, prompt: usize, prefill: &Self::Cache) -> Result<Self::Cache>;

    /// Runs `token` at `position` on `cache`, which grows by one, and writes
    /// the logits into `logits`.
    fn step(
        &mut self,
        cache: &mut Self::Cache,
        token: i64,
        position: usize,
        logits: &mut [f32],
    ) -> Result<()>;

    fn report(runtime: &Self::Runtime, engine: &Self) -> Result<EngineReport>;
}

/// Task `gpt2-generate` computed by engine `E` for `spec`: the constructor of
/// every row (a `Constructor` once `E` is named).
pub fn create<E: Engine + 'static>(spec: &Spec) -> Result<Box<dyn Task + '_>> {
    let setup = Setup::from_spec(spec, E::MODEL_ROLE)?;
    let runtime = E::start(&setup)?;
    Ok(Box::new(Generate::<E>::new(setup, runtime)))
}

/// `rust/ort`.
pub fn rust_ort(spec: &Spec) -> Result<Box<dyn Task + '_>> {
    create::<OrtEngine>(spec)
}

/// `rust/candle`.
pub fn rust_candle(spec: &Spec) -> Result<Box<dyn Task + '_>> {
    create::<CandleEngine>(spec)
}

/// What `load` builds: the engine and the prompts' token ids.
struct Loaded<E> {
    engine: E,
    prompts: Vec<Vec<i64>>,
}

struct Generate<'s, E: Engine> {
    setup: Setup<'s>,
    runtime: E::Runtime,
    loaded: Option<Loaded<E>>,
    /// One prefill cache per prompt, from the last `prefill` run.
    caches: Vec<E::Cache>,
    /// The logits of one forward run (vocab long), reused by every run.
    logits: Vec<f32>,
    outputs: Outputs,
}

/// The arrays of the outputs, allocated once, before the phases.
struct Outputs {
    first_logits: Array2<f32>,
    generated: Array2<i64>,
    top2: Array3<f32>,
    step_ns: Array2<i64>,
}

impl Outputs {
    /// Generation step `step` of prompt `prompt` chose `top.id`.
    fn record(&mut self, prompt: usize, step: usize, top: Top2) {
        self.generated[[prompt, step]] = top.id as i64;
        self.top2[[prompt, step, 0]] = top.first;
        self.top2[[prompt, step, 1]] = top.second;
    }
}

impl<'s, E: Engine> Generate<'s, E> {
    fn new(setup: Setup<'s>, runtime: E::Runtime) -> Self {
        let Params { prompt_count: p, new_tokens: t, vocab, .. } = setup.params;
        let outputs = Outputs {
            first_logits: Array2::zeros((p, vocab)),
            generated: Array2::zeros((p, t)),
            top2: Array3::zeros((p, t, 2)),
            step_ns: Array2::zeros((p, t - 1)),
        };
        Generate { setup, runtime, loaded: None, caches: Vec::new(), logits: vec![0.0; vocab], outputs }
    }

    fn load(&mut self) -> Result<()> {
        // The previous run's model goes first: two models at once would inflate the peak RSS.
        self.loaded = None;
        self.caches.clear();
        let prompts_path = self.setup.input("prompts")?;
        let tokenizer = Tokenizer::read(self.setup.input("tokenizer")?)?;
        tokenizer.check_vocab(self.setup.params.vocab)?;
        let prompts = read_prompts(prompts_path, self.setup.params.prompt_count)?;
        let prompts = prompts.iter().map(|prompt| tokenizer.encode(prompt)).collect::<Result<Vec<_>>>()?;
        check_prompts(&prompts, &self.setup.params, &file_name(prompts_path))?;
        let engine = E::load(&self.runtime, &self.setup, &prompts)?;
        self.loaded = Some(Loaded { engine, prompts });
        Ok(())
    }

    /// Each prompt on an empty cache: its first logits and its cache.
    fn prefill(&mut self) -> Result<()> {
        let Loaded { engine, prompts } = self.loaded.as_mut().expect("the core runs load first");
        self.caches.clear();
        for (p, ids) in prompts.iter().enumerate() {
            self.caches.push(engine.prefill(p, ids, &mut self.logits)?);
            self.outputs.first_logits.row_mut(p).assign(&ArrayView1::from(&self.logits[..]));
        }
        Ok(())
    }

    /// Each prompt from a copy of its prefill cache: token 0 from the prefill
    /// logits, then one timed forward step (feed + argmax) per further token.
    fn decode(&mut self) -> Result<()> {
        let Loaded { engine, prompts } = self.loaded.as_mut().expect("the core runs load first");
        let outputs = &mut self.outputs;
        for (p, ids) in prompts.iter().enumerate() {
            let mut top =
                top2(outputs.first_logits.row(p).as_slice().expect("rows of a standard-layout array"));
            outputs.record(p, 0, top);
            let mut cache = engine.fork(p, &self.caches[p])?;
            for k in 1..self.setup.params.new_tokens {
                let start = Instant::now();
                engine.step(&mut cache, top.id as i64, ids.len() + k - 1, &mut self.logits)?;
                top = top2(&self.logits);
                outputs.step_ns[[p, k - 1]] = i64::try_from(start.elapsed().as_nanos()).unwrap_or(i64::MAX);
                outputs.record(p, k, top);
            }
        }
        Ok(())
    }
}

impl<E: Engine> Task for Generate<'_, E> {
    fn phases(&self) -> &'static [&'static str] {
        PHASES
    }

    fn outputs(&self) -> &'static [&'static str] {
        OUTPUTS
    }

    fn run_phase(&mut self, name: &str) -> Result<()> {
        match name {
            "load" => self.load(),
            "prefill" => self.prefill(),
            "decode" => self.decode(),
            other => unreachable!("gpt2-generate has no phase '{other}'"),
        }
    }

    fn ops_per_sample(&self, name: &str) -> u64 {
        let Params { prompt_count, new_tokens, .. } = self.setup.params;
        match name {
            "prefill" => prompt_count as u64,
            "decode" => (prompt_count * (new_tokens - 1)) as u64,
            _ => 1,
        }
    }

    fn phase_outputs(&self, phase: &str) -> Result<Vec<(&'static str, OutputArray)>> {
        let outputs = &self.outputs;
        Ok(match phase {
            "load" => match &self.loaded {
                Some(Loaded { prompts, .. }) => {
                    let lengths: Array1<i64> = prompts.iter().map(|ids| ids.len() as i64).collect();
                    vec![
                        ("prompt_ids", OutputArray::I64Vector(prompts.concat().into())),
                        ("prompt_lengths", OutputArray::I64Vector(lengths)),
                    ]
                }
                None => Vec::new(),
            },
            "prefill" => vec![("first_logits", OutputArray::F32Matrix(outputs.first_logits.clone()))],
            "decode" => vec![
                ("generated_ids", OutputArray::I64Matrix(outputs.generated.clone())),
                ("step_top2", OutputArray::F32Array3(outputs.top2.clone())),
                ("decode_step_ns", OutputArray::I64Matrix(outputs.step_ns.clone())),
            ],
            _ => Vec::new(),
        })
    }

    fn report(self: Box<Self>) -> Result<Report> {
        let written = self.outputs_of(&["load", "prefill", "decode"])?;
        let Generate { setup, runtime, loaded, outputs, .. } = *self;
        let Outputs { generated, top2: step_top2, .. } = outputs;
        let Loaded { engine, prompts } = loaded.expect("load ran");
        let engine_report = E::report(&runtime, &engine)?;
        let mut report = Report::new(engine_report.framework, engine_report.compute);
        report.dtype = Some("f32");
        report.hyperparameters = Some(engine_report.settings);
        let shape = engine_report.shape;
        report.hp = vec![
            ("new_tokens", generated.ncols().into()),
            ("prompt_count", prompts.len().into()),
            ("decoding", "greedy".into()),
            ("kv_cache", true.into()),
            ("model_format", engine_report.model_format.into()),
            ("layers", shape.layers.into()),
            ("heads", shape.heads.into()),
            ("d_model", shape.d_model.into()),
            ("vocab", shape.vocab.into()),
        ];
        report.libraries = engine_report.libraries;
        report.native = engine_report.native;
        report.notes = engine_report.notes;
        if setup.params.checkpoint == "seeded" {
            report.notes.push(
                "seeded random weights, not OpenAI's GPT-2: the text is meaningless, the computation is GPT-2's".into(),
            );
        }
        report.metrics.push("prompt_tokens", prompts.iter().map(Vec::len).sum::<usize>() as f64);
        // The closest any greedy choice came to a tie: how much rounding may move a row's tokens.
        let margin = step_top2
            .outer_iter()
            .flat_map(|steps| steps.rows().into_iter().map(|t| t[0] - t[1]).collect::<Vec<_>>());
        report.metrics.push("min_top2_margin", f64::from(margin.fold(f32::INFINITY, f32::min)));
        let unread: Vec<&str> = setup
            .spec
            .inputs
            .0
            .iter()
            .filter(|(_, input)| !data::was_read(&input.path))
            .map(|(role, _)| role.as_str())
            .collect();
        if !unread.is_empty() {
            report.notes.push(format!("inputs this engine does not read: {}", unread.join(", ")));
        }
        report.outputs = written;
        Ok(report)
    }
}

/// Hugging Face's tokenizer, from `tokenizer.json`.
struct Tokenizer {
    inner: tokenizers::Tokenizer,
    file: String,
}

impl Tokenizer {
    fn read(path: &Path) -> Result<Tokenizer> {
        let file = file_name(path);
        let inner = tokenizers::Tokenizer::from_bytes(data::read_bytes(path)?)
            .map_err(|e| anyhow::anyhow!("{file}: not a tokenizer.json the tokenizers crate reads: {e}"))?;
        Ok(Tokenizer { inner, file })
    }

    /// The tokenizer must know exactly the model's vocabulary (added tokens included).
    fn check_vocab(&self, vocab: usize) -> Result<()> {
        let size = self.inner.get_vocab_size(true);
        if size != vocab {
            bail!("{}: {size} tokens, params.vocab is {vocab}", self.file);
        }
        Ok(())
    }

    /// The ids of `text` alone: no special tokens (GPT-2 adds none, and the
    /// prompts are not pairs).
    fn encode(&self, text: &str) -> Result<Vec<i64>> {
        let encoding = self
            .inner
            .encode(text, false)
            .map_err(|e| anyhow::anyhow!("{}: cannot encode {text:?}: {e}", self.file))?;
        Ok(encoding.get_ids().iter().map(|&id| i64::from(id)).collect())
    }
}

/// The first `count` lines of the prompts file, without their line ends; none may be blank.
fn read_prompts(path: &Path, count: usize) -> Result<Vec<String>> {
    let text = data::read_text(path)?;
    let prompts: Vec<String> =
        text.lines().take(count).map(|line| line.strip_suffix('\r').unwrap_or(line).to_string()).collect();
    if prompts.len() < count {
        bail!("{}: {} lines, fewer than params.prompt_count = {count}", file_name(path), prompts.len());
    }
    if let Some(line) = prompts.iter().position(|prompt| prompt.trim().is_empty()) {
        bail!("{} line {}: empty prompt", file_name(path), line + 1);
    }
    Ok(prompts)
}

/// Every prompt has ids, in the vocabulary, and leaves room for the new tokens in the context.
fn check_prompts(prompts: &[Vec<i64>], params: &Params, file: &str) -> Result<()> {
    for (line, ids) in prompts.iter().enumerate() {
        let line = line + 1;
        if ids.is_empty() {
            bail!("{file} line {line}: the prompt has no tokens");
        }
        if let Some(id) = ids.iter().find(|&&id| id < 0 || id as usize >= params.vocab) {
            bail!("{file} line {line}: token id {id} is outside the vocabulary of {}", params.vocab);
        }
        // The last token fed, new_tokens − 1 steps after the prompt, must still have a position.
        if ids.len() + params.new_tokens - 1 > params.context {
            bail!(
                "{file} line {line}: {} tokens and {} new tokens exceed the context of {}",
                ids.len(),
                params.new_tokens,
                params.context
            );
        }
    }
    Ok(())
}

/// The largest logit and its id (the lowest id among equal largest values),
/// and the second largest value (equal to the first when the maximum is tied).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Top2 {
    pub id: usize,
    pub first: f32,
    pub second: f32,
}

/// One pass over the logits. A NaN never wins: `>` is false for it.
pub fn top2(logits: &[f32]) -> Top2 {
    let mut top = Top2 { id: 0, first: f32::NEG_INFINITY, second: f32::NEG_INFINITY };
    for (id, &value) in logits.iter().enumerate() {
        if value > top.first {
            top = Top2 { id, first: value, second: top.first };
        } else if value > top.second {
            top.second = value;
        }
    }
    top
}

#[cfg(test)]
mod tests;
