//! Task `bert-qa` (PROTOCOL.md): extractive question answering
//! with a Hugging Face `BertForQuestionAnswering`, f32, batch 1, one window at
//! a time.
//!
//! What every Rust row shares lives here, once: the spec's params and their
//! cross-check against config.json, the SQuAD 2.0 reader, the tokenizer
//! (Hugging Face's Rust `tokenizers` on `tokenizer.json`, with its byte
//! offsets turned into code-point offsets), the windows over the context, the
//! features, the exhaustive span choice, the timing and the outputs. A row is
//! an [`Engine`]: how it loads its model file and runs one feature
//! (`input_ids`, `attention_mask`, `token_type_ids` → start and end logits).
//!
//! - `rust/ort` (`ort_row`): the `onnx` graph in ONNX Runtime, the session
//!   set up as gpt2-generate's (`gpt2_generate::OrtRuntime`).
//! - `rust/candle` (`candle_row`): candle-transformers' `bert::BertModel` on
//!   `weights`, and the QA head applied here.
//! - `rust/tch` lives in `equibench-runner-tch` (`bert_tch.rs`), on this module.

mod candle_row;
mod ort_row;

use std::ops::Range;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use ndarray::{Array1, Array2};
use serde_json::Value;

use crate::data::{self, OutputArray};
use crate::protocol::Spec;
use crate::task::{Compute, NativeLibrary, Report, Task};
pub use crate::tasks::gpt2_generate::{file_name, loaded_library};

pub use candle_row::CandleEngine;
pub use ort_row::OrtEngine;

/// Every input role of the task, and the kind the spec gives it.
const INPUTS: &[(&str, &str)] = &[
    ("config", "json"),
    ("weights", "safetensors"),
    ("onnx", "onnx"),
    ("torchscript", "torchscript"),
    ("tokenizer", "json"),
    ("vocab", "text"),
    ("squad", "json"),
];
/// The roles every Rust row reads, whatever its engine (the vocabulary is in tokenizer.json).
const COMMON_INPUTS: &[&str] = &["config", "tokenizer", "squad"];
const PARAMS: &[&str] = &[
    "question_count",
    "max_length",
    "doc_stride",
    "max_query_length",
    "max_answer_tokens",
    "layers",
    "heads",
    "hidden",
    "intermediate",
    "vocab",
    "max_positions",
    "checkpoint",
];
/// `checkpoint`: every weight seeded, MiniLM's pretrained encoder with a seeded head, or a fine-tuned model.
const CHECKPOINTS: &[&str] = &["seeded", "real-encoder", "real"];
const PHASES: &[&str] = &["load", "answer"];
const OUTPUTS: &[&str] = &[
    "feature_question",
    "feature_lengths",
    "input_ids",
    "token_type_ids",
    "attention_mask",
    "offsets",
    "start_logits",
    "end_logits",
    "answer_tokens",
    "answer_chars",
    "latency_ns",
    "model_ns",
];
/// The special tokens' ids in BERT's uncased vocabulary.
pub const CLS: i64 = 101;
pub const SEP: i64 = 102;

/// The task's params.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    pub question_count: usize,
    pub max_length: usize,
    pub doc_stride: usize,
    pub max_query_length: usize,
    pub max_answer_tokens: usize,
    pub layers: usize,
    pub heads: usize,
    pub hidden: usize,
    pub intermediate: usize,
    pub vocab: usize,
    pub max_positions: usize,
    pub checkpoint: &'static str,
}

impl Params {
    fn from_spec(spec: &Spec) -> Result<Params> {
        spec.check_param_names(PARAMS)?;
        let params = Params {
            question_count: spec.param_usize("question_count")?,
            max_length: spec.param_usize("max_length")?,
            doc_stride: spec.param_usize("doc_stride")?,
            max_query_length: spec.param_usize("max_query_length")?,
            max_answer_tokens: spec.param_usize("max_answer_tokens")?,
            layers: spec.param_usize("layers")?,
            heads: spec.param_usize("heads")?,
            hidden: spec.param_usize("hidden")?,
            intermediate: spec.param_usize("intermediate")?,
            vocab: spec.param_usize("vocab")?,
            max_positions: spec.param_usize("max_positions")?,
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
        params.check()?;
        Ok(params)
    }

    fn check(&self) -> Result<()> {
        if !self.hidden.is_multiple_of(self.heads) {
            bail!("spec params: hidden = {} is not a multiple of heads = {}", self.hidden, self.heads);
        }
        if self.max_length > self.max_positions {
            bail!(
                "spec params: max_length = {} exceeds max_positions = {}",
                self.max_length,
                self.max_positions
            );
        }
        // The longest question leaves room − doc_stride > 0 new tokens per window: the windows advance.
        if self.max_length < self.max_query_length + 3 + self.doc_stride + 1 {
            bail!(
                "spec params: max_length = {} leaves no room for a window after a question of max_query_length = \
                 {} tokens, [CLS], 2 × [SEP] and doc_stride = {} overlapping tokens",
                self.max_length,
                self.max_query_length,
                self.doc_stride
            );
        }
        Ok(())
    }
}

/// What a row needs from config.json (Hugging Face `BertConfig`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config {
    pub layers: usize,
    pub heads: usize,
    pub hidden: usize,
    pub intermediate: usize,
    pub vocab: usize,
    pub max_positions: usize,
    pub type_vocab: usize,
    pub layer_norm_eps: f64,
    pub pad_token_id: usize,
}

impl Config {
    /// Parses config.json; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Config> {
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
        if let Some(model_type) = json.get("model_type").and_then(Value::as_str).filter(|t| *t != "bert") {
            bail!("{file}: model_type is '{model_type}', not 'bert'");
        }
        if let Some(architectures) = json.get("architectures") {
            let names: Vec<&str> =
                architectures.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            if !names.contains(&"BertForQuestionAnswering") {
                bail!("{file}: architectures is {architectures}, not [\"BertForQuestionAnswering\"]");
            }
        }
        // The activation every row implements: erf GELU (Hugging Face's "gelu").
        match json.get("hidden_act").and_then(Value::as_str) {
            Some("gelu") => {}
            other => bail!("{file}: hidden_act is {other:?}, every row implements 'gelu' (erf)"),
        }
        if let Some(kind) =
            json.get("position_embedding_type").and_then(Value::as_str).filter(|t| *t != "absolute")
        {
            bail!("{file}: position_embedding_type is '{kind}', every row implements 'absolute'");
        }
        let layer_norm_eps = json
            .get("layer_norm_eps")
            .and_then(Value::as_f64)
            .filter(|eps| eps.is_finite() && *eps > 0.0)
            .with_context(|| format!("{file}: 'layer_norm_eps' is not a positive number"))?;
        let type_vocab = if json.get("type_vocab_size").is_none() { 2 } else { count("type_vocab_size")? };
        if type_vocab < 2 {
            bail!("{file}: type_vocab_size is {type_vocab}, a question and a context need 2 token types");
        }
        let pad_token_id = match json.get("pad_token_id") {
            None | Some(Value::Null) => 0,
            Some(id) => id
                .as_u64()
                .and_then(|id| usize::try_from(id).ok())
                .with_context(|| format!("{file}: 'pad_token_id' is not an integer: {id}"))?,
        };
        Ok(Config {
            layers: count("num_hidden_layers")?,
            heads: count("num_attention_heads")?,
            hidden: count("hidden_size")?,
            intermediate: count("intermediate_size")?,
            vocab: count("vocab_size")?,
            max_positions: count("max_position_embeddings")?,
            type_vocab,
            layer_norm_eps,
            pad_token_id,
        })
    }

    /// Checks that the spec's params describe this model, naming the field that differs.
    pub fn check(&self, params: &Params, file: &str) -> Result<()> {
        let pairs = [
            ("num_hidden_layers", self.layers, "layers", params.layers),
            ("num_attention_heads", self.heads, "heads", params.heads),
            ("hidden_size", self.hidden, "hidden", params.hidden),
            ("intermediate_size", self.intermediate, "intermediate", params.intermediate),
            ("vocab_size", self.vocab, "vocab", params.vocab),
            ("max_position_embeddings", self.max_positions, "max_positions", params.max_positions),
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
    /// config.json's file name, for errors.
    pub config_file: String,
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
        let config_file = file_name(config_path);
        // Read before the phases: the cross-check must fail before anything runs.
        let config = Config::parse(&data::read_text(config_path)?, &config_file)?;
        config.check(&params, &config_file)?;
        for role in COMMON_INPUTS.iter().chain([&model_role]) {
            input(spec, role)?;
        }
        Ok(Setup { spec, params, config, config_file, threads: spec.threads as usize })
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

/// The model's shape as the engine reads it back from the loaded model
/// (manifest `hp.layers`, `hp.heads`, `hp.hidden`, `hp.vocab`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shape {
    pub layers: usize,
    pub heads: usize,
    pub hidden: usize,
    pub vocab: usize,
}

impl Shape {
    /// Checks the shape read from `file` against config.json (which the params
    /// have been checked against): a model file of another model must fail
    /// before any phase computes with it.
    pub fn check(&self, setup: &Setup, file: &str) -> Result<()> {
        let config = &setup.config;
        let expected =
            Shape { layers: config.layers, heads: config.heads, hidden: config.hidden, vocab: config.vocab };
        if *self != expected {
            bail!(
                "{file}: the model has {} layers, {} heads, hidden size {}, vocab {}; {} says {} layers, {} heads, \
                 hidden size {}, vocab {}",
                self.layers,
                self.heads,
                self.hidden,
                self.vocab,
                setup.config_file,
                expected.layers,
                expected.heads,
                expected.hidden,
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
    /// `hp.model_format`: the input it computes from (`onnx`, `safetensors`, `torchscript`).
    pub model_format: &'static str,
    /// Read back from the loaded model.
    pub shape: Shape,
    /// The engine's settings as set or read back (`runtime.hyperparameters`).
    pub settings: Value,
    pub native: Option<NativeLibrary>,
    pub notes: Vec<String>,
}

/// The start and end logits of one feature, as f32, one per token.
pub struct Logits {
    pub start: Vec<f32>,
    pub end: Vec<f32>,
}

/// One way of running `BertForQuestionAnswering`: a library and its model file.
pub trait Engine: Sized {
    /// What the engine sets up once per process, before the first phase (a
    /// native library loaded, its threads sized): start-up, not `load`.
    type Runtime;

    /// The input role of the model file this engine computes from.
    const MODEL_ROLE: &'static str;

    fn start(setup: &Setup) -> Result<Self::Runtime>;

    /// Builds the model or session from its files: the engine's part of `load`.
    fn load(runtime: &Self::Runtime, setup: &Setup) -> Result<Self>;

    /// Runs one feature (batch 1, `s` tokens, nothing padded): feeds the
    /// inputs, runs the model and reads its logits back to host f32.
    fn run(&mut self, input_ids: &[i64], attention_mask: &[i64], token_type_ids: &[i64]) -> Result<Logits>;

    fn report(runtime: &Self::Runtime, engine: &Self) -> Result<EngineReport>;
}

/// Task `bert-qa` computed by engine `E` for `spec`: the constructor of every
/// row (a `Constructor` once `E` is named).
pub fn create<E: Engine + 'static>(spec: &Spec) -> Result<Box<dyn Task + '_>> {
    let setup = Setup::from_spec(spec, E::MODEL_ROLE)?;
    let runtime = E::start(&setup)?;
    Ok(Box::new(Answer::<E> { setup, runtime, loaded: None, outputs: Outputs::default() }))
}

/// `rust/ort`.
pub fn rust_ort(spec: &Spec) -> Result<Box<dyn Task + '_>> {
    create::<OrtEngine>(spec)
}

/// `rust/candle`.
pub fn rust_candle(spec: &Spec) -> Result<Box<dyn Task + '_>> {
    create::<CandleEngine>(spec)
}

// ---------------------------------------------------------------------------
// SQuAD

/// One question of the SQuAD file, with its paragraph's context.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    /// Its JSON path (`data[0].paragraphs[2].qas[1]`), for errors.
    pub path: String,
    pub question: String,
    /// Index into [`Squad::contexts`].
    pub context: usize,
}

/// The first `question_count` questions of a SQuAD 2.0 file, in document order.
#[derive(Clone, Debug, PartialEq)]
pub struct Squad {
    pub contexts: Vec<String>,
    pub questions: Vec<Question>,
    /// The file's name, for errors.
    pub file: String,
}

impl Squad {
    /// Reads the first `count` questions (data → paragraphs → qas), each with
    /// an `id` (a string or an integer) and a question that is not blank. It
    /// reads as the Python reference row does, and checks as much: it stops at
    /// the first question after the last one used, so the paragraphs between
    /// (their `context` and `qas`) are checked too, and nothing after it.
    pub fn parse(text: &str, count: usize, file: &str) -> Result<Squad> {
        let json: Value = serde_json::from_str(text).map_err(|e| anyhow!("{file}: not JSON ({e})"))?;
        let mut squad = Squad { contexts: Vec::new(), questions: Vec::new(), file: file.to_string() };
        for (d, article) in array(&json, "", "data", file)?.iter().enumerate() {
            let article_path = format!("data[{d}]");
            for (p, paragraph) in array(article, &article_path, "paragraphs", file)?.iter().enumerate() {
                let paragraph_path = format!("{article_path}.paragraphs[{p}]");
                let context = string(paragraph, &paragraph_path, "context", file)?;
                let qas = array(paragraph, &paragraph_path, "qas", file)?;
                let mut used = false;
                for (q, qa) in qas.iter().enumerate() {
                    if squad.questions.len() == count {
                        return Ok(squad.with_context(used, context));
                    }
                    let path = format!("{paragraph_path}.qas[{q}]");
                    let question = string(qa, &path, "question", file)?.to_string();
                    if question.trim().is_empty() {
                        bail!("{file}: {path}: the question is empty");
                    }
                    let id = field(qa, &path, "id", file)?;
                    if !id.is_string() && !id.is_i64() && !id.is_u64() {
                        bail!(
                            "{file}: {}: expected a string or an integer, found {}",
                            join(&path, "id"),
                            json_type(id)
                        );
                    }
                    squad.questions.push(Question { path, question, context: squad.contexts.len() });
                    used = true;
                }
                squad = squad.with_context(used, context);
            }
        }
        if squad.questions.len() < count {
            bail!("{file}: {} questions, fewer than params.question_count = {count}", squad.questions.len());
        }
        Ok(squad)
    }

    /// Keeps `context` if a question of it was `used`.
    fn with_context(mut self, used: bool, context: &str) -> Squad {
        if used {
            self.contexts.push(context.to_string());
        }
        self
    }

    pub fn context(&self, question: &Question) -> &str {
        &self.contexts[question.context]
    }
}

/// `value[key]` of an object at JSON path `path` (empty: the document).
fn field<'v>(value: &'v Value, path: &str, key: &str, file: &str) -> Result<&'v Value> {
    let at = if path.is_empty() { String::new() } else { format!(" {path}:") };
    let object = value.as_object().with_context(|| {
        let path = if path.is_empty() { "the document" } else { path };
        format!("{file}: {path} is {}, not an object", json_type(value))
    })?;
    object.get(key).with_context(|| format!("{file}:{at} field \"{key}\" is missing"))
}

fn array<'v>(value: &'v Value, path: &str, key: &str, file: &str) -> Result<&'v Vec<Value>> {
    let item = field(value, path, key, file)?;
    item.as_array()
        .with_context(|| format!("{file}: {}: expected an array, found {}", join(path, key), json_type(item)))
}

fn string<'v>(value: &'v Value, path: &str, key: &str, file: &str) -> Result<&'v str> {
    let item = field(value, path, key, file)?;
    item.as_str()
        .with_context(|| format!("{file}: {}: expected a string, found {}", join(path, key), json_type(item)))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

// ---------------------------------------------------------------------------
// Tokenizer

/// Hugging Face's tokenizer, from `tokenizer.json`: BERT's uncased WordPiece.
pub struct Tokenizer {
    inner: tokenizers::Tokenizer,
    file: String,
}

/// Tokens of a text: ids and, per token, its (start, end) in code points.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tokens {
    pub ids: Vec<i64>,
    pub offsets: Vec<(usize, usize)>,
}

impl Tokenizer {
    pub fn read(path: &Path) -> Result<Tokenizer> {
        let file = file_name(path);
        let mut inner = tokenizers::Tokenizer::from_bytes(data::read_bytes(path)?)
            .map_err(|e| anyhow!("{file}: not a tokenizer.json the tokenizers crate reads: {e}"))?;
        // The contract's tokenizer neither pads nor truncates; windows are made here.
        inner.with_padding(None);
        inner.with_truncation(None).map_err(|e| anyhow!("{file}: cannot turn truncation off: {e}"))?;
        Ok(Tokenizer { inner, file })
    }

    /// The tokenizer must know exactly the model's vocabulary (added tokens
    /// included), with `[CLS]` = 101 and `[SEP]` = 102.
    pub fn check_vocab(&self, config: &Config, config_file: &str) -> Result<()> {
        let size = self.inner.get_vocab_size(true);
        if size != config.vocab {
            bail!("{}: {size} tokens, {config_file} says vocab_size {}", self.file, config.vocab);
        }
        for (token, id) in [("[CLS]", CLS), ("[SEP]", SEP)] {
            let found = self.inner.token_to_id(token);
            if found.map(i64::from) != Some(id) {
                let found = found.map_or("absent".to_string(), |id| format!("id {id}"));
                bail!("{}: {token} is {found}, expected id {id}", self.file);
            }
        }
        Ok(())
    }

    /// The tokens of `text` alone, no special tokens, with code-point offsets.
    pub fn encode(&self, text: &str) -> Result<Tokens> {
        let encoding = self
            .inner
            .encode(text, false)
            .map_err(|e| anyhow!("{}: cannot encode {text:?}: {e}", self.file))?;
        let ids = encoding.get_ids().iter().map(|&id| i64::from(id)).collect();
        let offsets = char_offsets(text, encoding.get_offsets())
            .with_context(|| format!("{}: offsets of {text:?}", self.file))?;
        Ok(Tokens { ids, offsets })
    }

    /// The ids of `text` alone, no special tokens (offsets not needed).
    pub fn encode_ids(&self, text: &str) -> Result<Vec<i64>> {
        let encoding = self
            .inner
            .encode(text, false)
            .map_err(|e| anyhow!("{}: cannot encode {text:?}: {e}", self.file))?;
        Ok(encoding.get_ids().iter().map(|&id| i64::from(id)).collect())
    }
}

/// Byte offsets into `text` (what the tokenizers crate gives) as code-point
/// offsets (Python `str` indices). Every offset must fall on a character boundary.
pub fn char_offsets(text: &str, byte_offsets: &[(usize, usize)]) -> Result<Vec<(usize, usize)>> {
    if text.is_ascii() {
        return Ok(byte_offsets.to_vec());
    }
    // chars[b] = the code-point index of byte b, where b starts a character (or is the end).
    let mut chars = vec![usize::MAX; text.len() + 1];
    let mut count = 0;
    for (c, (b, _)) in text.char_indices().enumerate() {
        chars[b] = c;
        count = c + 1;
    }
    chars[text.len()] = count;
    let convert = |b: usize| -> Result<usize> {
        match chars.get(b) {
            Some(&c) if c != usize::MAX => Ok(c),
            _ => bail!("byte offset {b} is not on a character boundary of a {}-byte text", text.len()),
        }
    };
    byte_offsets.iter().map(|&(start, end)| Ok((convert(start)?, convert(end)?))).collect()
}

// ---------------------------------------------------------------------------
// Windows, features, spans

/// The windows over `context_len` context tokens after a question of
/// `question_len` tokens, as ranges of context-token indices: consecutive
/// windows overlap by `doc_stride` tokens; an empty context gives one empty
/// window. [`Params::check`] guarantees that the windows advance.
pub fn windows(context_len: usize, question_len: usize, params: &Params) -> Vec<Range<usize>> {
    let room = params.max_length - question_len - 3;
    let mut windows = Vec::new();
    let mut start = 0;
    loop {
        windows.push(start..context_len.min(start + room));
        if start + room >= context_len {
            return windows;
        }
        start += room - params.doc_stride;
    }
}

/// One model input: `[CLS] q [SEP] window [SEP]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Feature {
    pub input_ids: Vec<i64>,
    pub token_type_ids: Vec<i64>,
    pub attention_mask: Vec<i64>,
    /// Character offsets into the context; (−1, −1) for `[CLS]`, `[SEP]` and the question.
    pub offsets: Vec<(i64, i64)>,
    /// The positions of the context tokens in this feature.
    pub context: Range<usize>,
}

/// The features of one question: `question` (already cut to max_query_length) and the context's tokens.
pub fn features(question: &[i64], context: &Tokens, params: &Params) -> Vec<Feature> {
    windows(context.ids.len(), question.len(), params)
        .into_iter()
        .map(|window| {
            let len = question.len() + window.len() + 3;
            let mut input_ids = Vec::with_capacity(len);
            input_ids.push(CLS);
            input_ids.extend_from_slice(question);
            input_ids.push(SEP);
            let first = input_ids.len();
            input_ids.extend_from_slice(&context.ids[window.clone()]);
            input_ids.push(SEP);
            let mut token_type_ids = vec![0; first];
            token_type_ids.resize(len, 1);
            let mut offsets = vec![(-1, -1); first];
            offsets.extend(context.offsets[window.clone()].iter().map(|&(s, e)| (s as i64, e as i64)));
            offsets.push((-1, -1));
            Feature {
                input_ids,
                token_type_ids,
                attention_mask: vec![1; len],
                offsets,
                context: first..first + window.len(),
            }
        })
        .collect()
}

/// The best span of a question: `feature` (its index among the question's
/// features), `start` and `end` positions within it, and the score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    pub feature: usize,
    pub start: usize,
    pub end: usize,
    pub score: f64,
    /// The best score of every other pair (−∞ if none): how close the choice was.
    pub runner_up: f64,
}

/// Exhaustive span choice: over every feature (its context positions and
/// logits), every pair start ≤ end < start + max_answer_tokens of context
/// positions, the largest `start_logits[i] + end_logits[j]` summed in f64;
/// only a strictly larger score replaces the best, so ties go to the first
/// pair in (feature, i, j) order. None when no feature has a context token.
pub fn best_span<'a>(
    features: impl IntoIterator<Item = (Range<usize>, &'a [f32], &'a [f32])>,
    max_answer_tokens: usize,
) -> Option<Span> {
    let mut best: Option<Span> = None;
    let mut runner_up = f64::NEG_INFINITY;
    for (f, (context, start_logits, end_logits)) in features.into_iter().enumerate() {
        for i in context.clone() {
            let start = f64::from(start_logits[i]);
            let last = context.end.min(i + max_answer_tokens);
            for (j, &end) in end_logits.iter().enumerate().take(last).skip(i) {
                let score = start + f64::from(end);
                match best {
                    None => best = Some(Span { feature: f, start: i, end: j, score, runner_up }),
                    Some(b) if score > b.score => {
                        // The best is never below the runner-up: the old best is the new runner-up.
                        runner_up = b.score;
                        best = Some(Span { feature: f, start: i, end: j, score, runner_up });
                    }
                    Some(_) => {
                        if score > runner_up {
                            runner_up = score;
                        }
                    }
                }
            }
        }
    }
    best.map(|b| Span { runner_up, ..b })
}

// ---------------------------------------------------------------------------
// The task

/// What `load` builds.
struct Loaded<E> {
    engine: E,
    tokenizer: Tokenizer,
    squad: Squad,
}

struct Answer<'s, E: Engine> {
    setup: Setup<'s>,
    runtime: E::Runtime,
    loaded: Option<Loaded<E>>,
    outputs: Outputs,
}

/// The outputs of the last `answer` run.
#[derive(Default)]
struct Outputs {
    feature_question: Vec<i64>,
    feature_lengths: Vec<i64>,
    input_ids: Vec<i64>,
    token_type_ids: Vec<i64>,
    attention_mask: Vec<i64>,
    offsets: Vec<i64>,
    start_logits: Vec<f32>,
    end_logits: Vec<f32>,
    /// Per question: global feature index, start, end (or −1 × 3).
    answer_tokens: Vec<[i64; 3]>,
    answer_chars: Vec<[i64; 2]>,
    latency_ns: Vec<i64>,
    model_ns: Vec<i64>,
    /// Per answered question: best score − runner-up score.
    margins: Vec<f64>,
}

impl Outputs {
    fn clear(&mut self) {
        *self = Outputs::default();
    }

    /// Records question `q`: its features with their logits, its answer and its times.
    fn record(
        &mut self,
        q: usize,
        features: &[Feature],
        logits: &[Logits],
        span: Option<Span>,
        latency_ns: i64,
        model_ns: i64,
    ) {
        let first_feature = self.feature_lengths.len();
        for (feature, logits) in features.iter().zip(logits) {
            self.feature_question.push(q as i64);
            self.feature_lengths.push(feature.input_ids.len() as i64);
            self.input_ids.extend_from_slice(&feature.input_ids);
            self.token_type_ids.extend_from_slice(&feature.token_type_ids);
            self.attention_mask.extend_from_slice(&feature.attention_mask);
            self.offsets.extend(feature.offsets.iter().flat_map(|&(s, e)| [s, e]));
            self.start_logits.extend_from_slice(&logits.start);
            self.end_logits.extend_from_slice(&logits.end);
        }
        match span {
            Some(span) => {
                let offsets = &features[span.feature].offsets;
                self.answer_tokens.push([
                    (first_feature + span.feature) as i64,
                    span.start as i64,
                    span.end as i64,
                ]);
                self.answer_chars.push([offsets[span.start].0, offsets[span.end].1]);
                self.margins.push(span.score - span.runner_up);
            }
            None => {
                self.answer_tokens.push([-1; 3]);
                self.answer_chars.push([-1; 2]);
            }
        }
        self.latency_ns.push(latency_ns);
        self.model_ns.push(model_ns);
    }

    /// Every output, as arrays: the features, their logits and the answers,
    /// concatenated over all features and questions.
    fn arrays(&self) -> Result<Vec<(&'static str, OutputArray)>> {
        let vector = |values: &[i64]| OutputArray::I64Vector(Array1::from(values.to_vec()));
        let matrix = |values: Vec<i64>, cols: usize| -> Result<OutputArray> {
            Ok(OutputArray::I64Matrix(Array2::from_shape_vec((values.len() / cols, cols), values)?))
        };
        Ok(vec![
            ("feature_question", vector(&self.feature_question)),
            ("feature_lengths", vector(&self.feature_lengths)),
            ("input_ids", vector(&self.input_ids)),
            ("token_type_ids", vector(&self.token_type_ids)),
            ("attention_mask", vector(&self.attention_mask)),
            ("offsets", matrix(self.offsets.clone(), 2)?),
            ("start_logits", OutputArray::F32Vector(Array1::from(self.start_logits.clone()))),
            ("end_logits", OutputArray::F32Vector(Array1::from(self.end_logits.clone()))),
            ("answer_tokens", matrix(self.answer_tokens.concat(), 3)?),
            ("answer_chars", matrix(self.answer_chars.concat(), 2)?),
            ("latency_ns", vector(&self.latency_ns)),
            ("model_ns", vector(&self.model_ns)),
        ])
    }
}

fn nanos(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_nanos()).unwrap_or(i64::MAX)
}

impl<E: Engine> Answer<'_, E> {
    fn load(&mut self) -> Result<()> {
        // The previous run's model goes first: two models at once would inflate the peak RSS.
        self.loaded = None;
        let setup = &self.setup;
        let tokenizer = Tokenizer::read(setup.input("tokenizer")?)?;
        tokenizer.check_vocab(&setup.config, &setup.config_file)?;
        let engine = E::load(&self.runtime, setup)?;
        let squad_path = setup.input("squad")?;
        let squad =
            Squad::parse(&data::read_text(squad_path)?, setup.params.question_count, &file_name(squad_path))?;
        self.loaded = Some(Loaded { engine, tokenizer, squad });
        Ok(())
    }

    /// Each question end to end, timed: tokenize, window, run every feature, choose the span.
    fn answer(&mut self) -> Result<()> {
        let Loaded { engine, tokenizer, squad } = self.loaded.as_mut().expect("the core runs load first");
        let params = &self.setup.params;
        let outputs = &mut self.outputs;
        outputs.clear();
        for (q, question) in squad.questions.iter().enumerate() {
            let start = Instant::now();
            let mut question_ids = tokenizer.encode_ids(&question.question)?;
            if question_ids.is_empty() {
                bail!("{}: {}: the question has no tokens", squad.file, question.path);
            }
            question_ids.truncate(params.max_query_length);
            let context = tokenizer.encode(squad.context(question))?;
            let features = features(&question_ids, &context, params);
            let mut model = std::time::Duration::ZERO;
            let mut logits = Vec::with_capacity(features.len());
            for feature in &features {
                let run = Instant::now();
                let out = engine.run(&feature.input_ids, &feature.attention_mask, &feature.token_type_ids)?;
                model += run.elapsed();
                let s = feature.input_ids.len();
                if out.start.len() != s || out.end.len() != s {
                    bail!(
                        "the model returned {} start and {} end logits for a feature of {s} tokens",
                        out.start.len(),
                        out.end.len()
                    );
                }
                logits.push(out);
            }
            let span = best_span(
                features.iter().zip(&logits).map(|(f, l)| (f.context.clone(), &l.start[..], &l.end[..])),
                params.max_answer_tokens,
            );
            let latency = start.elapsed();
            outputs.record(q, &features, &logits, span, nanos(latency), nanos(model));
        }
        Ok(())
    }
}

impl<E: Engine> Task for Answer<'_, E> {
    fn phases(&self) -> &'static [&'static str] {
        PHASES
    }

    fn outputs(&self) -> &'static [&'static str] {
        OUTPUTS
    }

    fn run_phase(&mut self, name: &str) -> Result<()> {
        match name {
            "load" => self.load(),
            "answer" => self.answer(),
            other => unreachable!("bert-qa has no phase '{other}'"),
        }
    }

    fn ops_per_sample(&self, name: &str) -> u64 {
        match name {
            "answer" => self.setup.params.question_count as u64,
            _ => 1,
        }
    }

    fn phase_outputs(&self, phase: &str) -> Result<Vec<(&'static str, OutputArray)>> {
        match phase {
            "answer" => self.outputs.arrays(),
            _ => Ok(Vec::new()),
        }
    }

    fn report(self: Box<Self>) -> Result<Report> {
        let written = self.outputs_of(&["answer"])?;
        let Answer { setup, runtime, loaded, outputs } = *self;
        let Loaded { engine, squad, .. } = loaded.expect("load ran");
        let engine_report = E::report(&runtime, &engine)?;
        let mut report = Report::new(engine_report.framework, engine_report.compute);
        report.dtype = Some("f32");
        report.hyperparameters = Some(engine_report.settings);
        let shape = engine_report.shape;
        let params = &setup.params;
        report.hp = vec![
            ("model_format", engine_report.model_format.into()),
            ("layers", shape.layers.into()),
            ("heads", shape.heads.into()),
            ("hidden", shape.hidden.into()),
            ("vocab", shape.vocab.into()),
            ("max_length", params.max_length.into()),
            ("doc_stride", params.doc_stride.into()),
            ("max_query_length", params.max_query_length.into()),
            ("max_answer_tokens", params.max_answer_tokens.into()),
            ("question_count", squad.questions.len().into()),
        ];
        report.libraries = engine_report.libraries;
        report.native = engine_report.native;
        report.notes = engine_report.notes;
        match params.checkpoint {
            "seeded" => report.notes.push(
                "seeded random weights: the answers are meaningless, the computation is BertForQuestionAnswering's"
                    .into(),
            ),
            "real-encoder" => report.notes.push(
                "all-MiniLM-L6-v2's pretrained encoder with a seeded QA head: the answers are not trained".into(),
            ),
            _ => {}
        }
        report.metrics.push("features", outputs.feature_lengths.len() as f64);
        report.metrics.push("tokens", outputs.input_ids.len() as f64);
        let answered = outputs.answer_tokens.iter().filter(|a| a[0] >= 0).count();
        report.metrics.push("answered", answered as f64);
        // The closest any span choice came to a tie: how much rounding may move a row's answer.
        if let Some(margin) = outputs.margins.iter().copied().reduce(f64::min) {
            report.metrics.push("min_span_margin", margin);
        }
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

#[cfg(test)]
mod tests;
