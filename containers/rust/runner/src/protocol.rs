//! The runner protocol (containers/PROTOCOL.md): spec.json in, result.json out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

pub const PROTOCOL_VERSION: u32 = 1;

/// spec.json as written by the harness. Unknown fields are ignored so that a
/// newer harness can add fields without breaking older runners.
#[derive(Debug, Deserialize)]
pub struct Spec {
    pub protocol: u32,
    pub task: String,
    #[serde(rename = "impl")]
    pub implementation: String,
    pub device: String,
    pub dtype: String,
    pub threads: u32,
    pub warmup: u32,
    /// Warm-up also lasts at least this long (when `warmup` > 0), so that caches and branch predictors settle.
    #[serde(default)]
    pub warmup_min_ms: u64,
    pub repetitions: u32,
    pub phases: Vec<String>,
    pub inputs: BTreeMap<String, InputRef>,
    #[serde(default)]
    pub params: Map<String, Value>,
    #[serde(default)]
    pub outputs: Vec<String>,
}

/// One input file. Its `sha256` is the harness's to check; the runner only reads the file.
#[derive(Debug, Deserialize)]
pub struct InputRef {
    pub path: PathBuf,
    pub kind: String,
}

impl Spec {
    /// Parses and validates the task-independent part of a spec.
    pub fn from_json(text: &str, origin: &Path) -> Result<Spec> {
        let spec: Spec =
            serde_json::from_str(text).with_context(|| format!("malformed spec {}", origin.display()))?;
        if spec.protocol != PROTOCOL_VERSION {
            bail!(
                "spec {}: protocol {} is not supported (this runner speaks {PROTOCOL_VERSION})",
                origin.display(),
                spec.protocol
            );
        }
        if spec.repetitions == 0 {
            bail!("spec {}: repetitions must be at least 1", origin.display());
        }
        if spec.threads == 0 {
            bail!("spec {}: threads must be at least 1", origin.display());
        }
        Ok(spec)
    }

    /// Path of the input with `role`, checking that it has the expected kind.
    pub fn input(&self, role: &str, kind: &str) -> Result<&Path> {
        let input = self
            .inputs
            .get(role)
            .with_context(|| format!("spec inputs: missing input '{role}' (kind {kind})"))?;
        if input.kind != kind {
            bail!("spec inputs.{role}: kind is '{}', expected '{kind}'", input.kind);
        }
        Ok(&input.path)
    }

    fn param(&self, name: &str) -> Result<&Value> {
        self.params.get(name).with_context(|| format!("spec params: missing parameter '{name}'"))
    }

    /// A strictly positive integer parameter.
    pub fn param_usize(&self, name: &str) -> Result<usize> {
        let value = self.param(name)?;
        match value.as_u64() {
            Some(n) if n > 0 => {
                usize::try_from(n).with_context(|| format!("spec params.{name}: {n} is too large"))
            }
            _ => bail!("spec params.{name}: expected a positive integer, got {value}"),
        }
    }

    /// A finite, strictly positive number parameter.
    pub fn param_positive_f64(&self, name: &str) -> Result<f64> {
        let value = self.param(name)?;
        match value.as_f64() {
            Some(x) if x.is_finite() && x > 0.0 => Ok(x),
            _ => bail!("spec params.{name}: expected a positive number, got {value}"),
        }
    }

    /// A boolean parameter.
    pub fn param_bool(&self, name: &str) -> Result<bool> {
        let value = self.param(name)?;
        value.as_bool().with_context(|| format!("spec params.{name}: expected true or false, got {value}"))
    }

    /// A string parameter.
    pub fn param_str(&self, name: &str) -> Result<&str> {
        let value = self.param(name)?;
        value.as_str().with_context(|| format!("spec params.{name}: expected a string, got {value}"))
    }

    /// Rejects parameters the task does not take: an ignored parameter would let
    /// implementations silently compute different things.
    pub fn check_param_names(&self, known: &[&str]) -> Result<()> {
        let unknown: Vec<&str> =
            self.params.keys().map(String::as_str).filter(|name| !known.contains(name)).collect();
        if !unknown.is_empty() {
            bail!("spec params: unknown {} ({} takes {})", unknown.join(", "), self.task, known.join(", "));
        }
        Ok(())
    }

    /// Checks that the inputs are exactly `roles`, none missing and none unknown.
    pub fn check_input_roles(&self, roles: &[&str]) -> Result<()> {
        let missing: Vec<&str> = roles.iter().copied().filter(|r| !self.inputs.contains_key(*r)).collect();
        let unknown: Vec<&str> =
            self.inputs.keys().map(String::as_str).filter(|r| !roles.contains(r)).collect();
        if !missing.is_empty() || !unknown.is_empty() {
            let list = |names: &[&str]| if names.is_empty() { "none".to_string() } else { names.join(", ") };
            bail!(
                "spec inputs: {} takes {}; missing: {}, unknown: {}",
                self.task,
                roles.join(", "),
                list(&missing),
                list(&unknown)
            );
        }
        Ok(())
    }
}

/// Best-effort task and impl of a spec that failed to parse, for the error result.
pub fn spec_identity(text: &str) -> (Option<String>, Option<String>) {
    let Ok(value) = serde_json::from_str::<Value>(text) else { return (None, None) };
    let field = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_string);
    (field("task"), field("impl"))
}

/// Name/value pairs serialised as a JSON object in insertion order, so that
/// result.json lists phases and outputs in the order they ran.
#[derive(Debug)]
pub struct Ordered<T>(pub Vec<(String, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<T> Ordered<T> {
    pub fn push(&mut self, name: impl Into<String>, value: T) {
        self.0.push((name.into(), value));
    }
}

impl<T: Serialize> Serialize for Ordered<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// Measurements of one phase; see "Phases and measurement" in PROTOCOL.md.
#[derive(Debug, Serialize)]
pub struct PhaseResult {
    pub warmup: u32,
    pub ops_per_sample: u64,
    pub samples_ns: Vec<u64>,
    pub rss_before_bytes: Option<u64>,
    pub peak_rss_bytes: Option<u64>,
    pub hwm_reset: bool,
    /// Only the JVM runner can attribute allocations to the measuring thread.
    pub allocated_bytes: Option<u64>,
    /// Duration of the phase's first run in this process (the first warm-up,
    /// or the first repetition when there is none): the cold figure.
    pub first_call_ns: u64,
    /// Wall-clock span around all runs of the phase, warm-up included; it goes
    /// to `timeline`, not here.
    #[serde(skip)]
    pub span: Span,
}

/// Wall-clock instants in nanoseconds since the Unix epoch ("Cold start and
/// the phase timeline" in PROTOCOL.md).
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Span {
    pub start_epoch_ns: u64,
    pub end_epoch_ns: u64,
}

/// When the runner was ready to run its first phase, and each measured phase's span.
#[derive(Debug, Serialize)]
pub struct Timeline {
    pub ready_epoch_ns: u64,
    pub phases: Ordered<Span>,
}

#[derive(Debug, Serialize)]
pub struct Runtime {
    pub language: &'static str,
    pub language_version: String,
    pub framework: String,
    pub framework_version: String,
    pub libraries: Ordered<String>,
    /// The model's parameters as the library reports them (classical tasks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hyperparameters: Option<Value>,
    pub threads: Threads,
    pub dtype: String,
    pub device: String,
    pub build: Build,
    /// The flat fairness manifest ("The fairness manifest" in PROTOCOL.md).
    pub manifest: Ordered<Value>,
}

#[derive(Debug, Serialize)]
pub struct Threads {
    pub requested: u32,
    /// Threads the implementation actually computes with.
    pub used: u32,
    /// Thread-count environment variables as the process saw them.
    #[serde(flatten)]
    pub env: BTreeMap<String, String>,
    /// Thread settings read back from the libraries themselves (e.g. rayon's pool size).
    #[serde(flatten)]
    pub read_back: Map<String, Value>,
}

/// How the binary was compiled (captured by build.rs).
#[derive(Debug, Serialize)]
pub struct Build {
    pub target: &'static str,
    pub profile: &'static str,
    pub opt_level: &'static str,
    pub debug: &'static str,
    pub lto: &'static str,
    pub codegen_units: &'static str,
    pub rustflags: Vec<&'static str>,
    pub target_features: &'static str,
}

#[derive(Debug, Serialize)]
pub struct RunResult {
    pub protocol: u32,
    pub task: String,
    #[serde(rename = "impl")]
    pub implementation: String,
    pub status: &'static str,
    pub runtime: Runtime,
    pub metrics: Ordered<f64>,
    pub phases: Ordered<PhaseResult>,
    pub outputs: Ordered<String>,
    pub notes: Vec<String>,
    pub timeline: Timeline,
}

#[derive(Debug, Serialize)]
pub struct ErrorResult<'a> {
    pub protocol: u32,
    pub task: Option<&'a str>,
    #[serde(rename = "impl")]
    pub implementation: Option<&'a str>,
    pub status: &'static str,
    pub error: &'a str,
}
