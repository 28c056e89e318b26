//! The runner protocol (containers/PROTOCOL.md): spec.json in, result.json out.

use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::de::{self, Deserializer, MapAccess, Visitor};
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
    /// In the spec's order, which is the order they are validated in.
    pub inputs: Ordered<InputRef>,
    #[serde(default)]
    pub params: Map<String, Value>,
    /// Required, as in every runner: a spec without it is malformed, not a request for nothing.
    pub outputs: Vec<String>,
    /// Phase -> the outputs whose digest each timed repetition of it reports (PROTOCOL.md, "Timed
    /// work re-verified"), in the spec's order; empty (absent or `null`) where it asks for none.
    #[serde(default, deserialize_with = "null_as_default")]
    pub verify: Ordered<Vec<String>>,
}

/// An optional field that a serializer may write as `null` when absent.
fn null_as_default<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(
    deserializer: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// One input file. Its `sha256` is the harness's to check; the runner only reads the file.
#[derive(Debug, Deserialize)]
pub struct InputRef {
    pub path: PathBuf,
    pub kind: String,
    /// The NumPy descr an `npy` input must have (`<f8`), checked before the first phase.
    #[serde(default)]
    pub dtype: Option<String>,
    /// The shape an `npy` input must have; `None` in the list accepts any length.
    #[serde(default)]
    pub shape: Option<Vec<Option<Dim>>>,
}

/// A declared dimension of an `npy` input: a length, or the name of an integer parameter.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Dim {
    Len(usize),
    Param(String),
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
        spec.check_verify()?;
        Ok(spec)
    }

    /// Checks `verify`: each phase one the spec measures, each name one of its outputs, none
    /// twice. The messages are the Python runner's.
    fn check_verify(&self) -> Result<()> {
        for (phase, names) in &self.verify.0 {
            if !self.phases.contains(phase) {
                bail!("spec: verify names the phase '{phase}', which is not in phases");
            }
            if names.iter().enumerate().any(|(i, name)| names[..i].contains(name)) {
                // As Python's json.dumps writes the list.
                let quoted: Vec<String> =
                    names.iter().map(|name| Value::from(name.as_str()).to_string()).collect();
                bail!("spec: verify.{phase} lists a name twice: [{}]", quoted.join(", "));
            }
            if let Some(name) = names.iter().find(|name| !self.outputs.contains(name)) {
                bail!("spec: verify.{phase} names '{name}', which is not in outputs");
            }
        }
        Ok(())
    }

    /// The outputs whose digest each timed repetition of `phase` reports; empty where none.
    pub fn verified(&self, phase: &str) -> &[String] {
        self.verify.get(phase).map_or(&[], Vec::as_slice)
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

    /// A finite number parameter, of any sign (zero included: Adam's `weight_decay`).
    pub fn param_f64(&self, name: &str) -> Result<f64> {
        let value = self.param(name)?;
        match value.as_f64() {
            Some(x) if x.is_finite() => Ok(x),
            _ => bail!("spec params.{name}: expected a number, got {value}"),
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
        let missing: Vec<&str> = roles.iter().copied().filter(|r| self.inputs.get(r).is_none()).collect();
        let unknown: Vec<&str> = self.inputs.keys().filter(|r| !roles.contains(r)).collect();
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

    /// The value named `name` (a linear search: these objects have a handful of entries).
    pub fn get(&self, name: &str) -> Option<&T> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(n, _)| n.as_str())
    }
}

/// Reads a JSON object keeping its order; a name given twice is an error.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for OrderedVisitor<T> {
            type Value = Ordered<T>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered<T>, A::Error> {
                let mut entries: Vec<(String, T)> = Vec::new();
                while let Some((name, value)) = map.next_entry::<String, T>()? {
                    if entries.iter().any(|(n, _)| *n == name) {
                        return Err(de::Error::custom(format!("'{name}' is given twice")));
                    }
                    entries.push((name, value));
                }
                Ok(Ordered(entries))
            }
        }

        deserializer.deserialize_map(OrderedVisitor(PhantomData))
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
    /// The digest of the verified outputs after each timed repetition (PROTOCOL.md, "Timed work
    /// re-verified"); absent where the spec verifies none of this phase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_sha256: Option<Vec<String>>,
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
    /// Each thread variable as the process saw it (`"unset"` if absent).
    #[serde(flatten)]
    pub env: Ordered<String>,
    /// Where the computation runs: rayon's global pool, or the calling thread.
    pub thread_pool: String,
    /// The size of rayon's global pool, read back.
    pub rayon_current_num_threads: usize,
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

/// A valid spec (task `t`, impl `i`, one repetition, nothing else) with the
/// top-level fields of `fields` set, for tests.
#[cfg(test)]
pub fn test_spec(fields: Value) -> Result<Spec> {
    let mut json = serde_json::json!({
        "protocol": 1, "task": "t", "impl": "i", "device": "cpu", "dtype": "f64", "threads": 1,
        "warmup": 0, "repetitions": 1, "phases": [], "inputs": {}, "params": {}, "outputs": []
    });
    for (name, value) in fields.as_object().expect("an object of spec fields") {
        json[name] = value.clone();
    }
    Spec::from_json(&json.to_string(), Path::new("spec.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(inputs: Value) -> Result<Spec> {
        test_spec(serde_json::json!({ "inputs": inputs }))
    }

    #[test]
    fn inputs_keep_the_spec_order_and_their_declarations() {
        // Raw text: `json!` would sort the keys.
        let text = r#"{"protocol": 1, "task": "t", "impl": "i", "device": "cpu", "dtype": "f64", "threads": 1,
            "warmup": 0, "repetitions": 1, "phases": [], "inputs": {
                "split": { "path": "/s.npy", "kind": "npy", "dtype": "<i8", "shape": [150] },
                "data": { "path": "/d.csv", "kind": "csv" },
                "W1": { "path": "/w.npy", "kind": "npy", "dtype": "<f8", "shape": [4, "hidden", null] }
            }, "outputs": []}"#;
        let spec = Spec::from_json(text, Path::new("spec.json")).unwrap();
        assert_eq!(spec.inputs.keys().collect::<Vec<_>>(), ["split", "data", "W1"]);
        let w1 = spec.inputs.get("W1").unwrap();
        assert_eq!(w1.dtype.as_deref(), Some("<f8"));
        let shape = w1.shape.as_ref().unwrap();
        assert!(
            matches!(shape[..], [Some(Dim::Len(4)), Some(Dim::Param(ref name)), None] if name == "hidden")
        );
        assert!(spec.inputs.get("data").unwrap().shape.is_none());
        assert_eq!(spec.input("data", "csv").unwrap(), Path::new("/d.csv"));
        assert_eq!(
            spec.input("data", "npy").unwrap_err().to_string(),
            "spec inputs.data: kind is 'csv', expected 'npy'"
        );
    }

    #[test]
    fn malformed_inputs_are_rejected() {
        let text = r#"{"protocol": 1, "task": "t", "impl": "i", "device": "cpu", "dtype": "f64", "threads": 1,
            "warmup": 0, "repetitions": 1, "phases": [],
            "inputs": {"a": {"path": "/a", "kind": "npy"}, "a": {"path": "/b", "kind": "npy"}}}"#;
        let err = format!("{:#}", Spec::from_json(text, Path::new("spec.json")).unwrap_err());
        assert!(err.contains("'a' is given twice"), "{err}");
        let err = format!(
            "{:#}",
            spec(serde_json::json!({ "a": { "path": "/a", "kind": "npy", "shape": [-1] } })).unwrap_err()
        );
        assert!(err.starts_with("malformed spec spec.json"), "{err}");
    }

    /// A spec measuring load, train and infer_batch, with `verify`.
    fn verify_spec(verify: Value) -> Result<Spec> {
        test_spec(serde_json::json!({
            "phases": ["load", "train", "infer_batch"],
            "outputs": ["W1", "b1", "loss_curve", "test_pred"],
            "verify": verify
        }))
    }

    #[test]
    fn verify_lists_outputs_by_phase_in_the_spec_order() {
        // Raw text: `json!` would sort the keys.
        let text = r#"{"protocol": 1, "task": "t", "impl": "i", "device": "cpu", "dtype": "f64", "threads": 1,
            "warmup": 0, "repetitions": 1, "phases": ["train", "infer_batch"], "inputs": {},
            "outputs": ["W1", "b1", "test_pred"],
            "verify": {"train": ["b1", "W1"], "infer_batch": ["test_pred"]}}"#;
        let spec = Spec::from_json(text, Path::new("spec.json")).unwrap();
        assert_eq!(spec.verify.keys().collect::<Vec<_>>(), ["train", "infer_batch"]);
        assert_eq!(spec.verified("train"), ["b1", "W1"]);
        assert_eq!(spec.verified("infer_batch"), ["test_pred"]);
        assert!(spec.verified("load").is_empty());
        // Absent, null and empty all ask for no digests.
        assert!(test_spec(serde_json::json!({})).unwrap().verify.0.is_empty());
        assert!(verify_spec(Value::Null).unwrap().verify.0.is_empty());
        assert!(verify_spec(serde_json::json!({})).unwrap().verify.0.is_empty());
        assert!(verify_spec(serde_json::json!({ "train": [] })).unwrap().verified("train").is_empty());
    }

    #[test]
    fn verify_names_measured_phases_and_requested_outputs_once() {
        let err = |verify: Value| format!("{:#}", verify_spec(verify).unwrap_err());
        assert_eq!(
            err(serde_json::json!({ "fit": ["W1"] })),
            "spec: verify names the phase 'fit', which is not in phases"
        );
        assert_eq!(
            err(serde_json::json!({ "train": ["W1", "b1", "W1"] })),
            r#"spec: verify.train lists a name twice: ["W1", "b1", "W1"]"#
        );
        assert_eq!(
            err(serde_json::json!({ "train": ["W1", "coef"] })),
            "spec: verify.train names 'coef', which is not in outputs"
        );
        assert_eq!(
            err(serde_json::json!({ "train": ["W1"], "infer_batch": ["test_proba"] })),
            "spec: verify.infer_batch names 'test_proba', which is not in outputs"
        );
        for malformed in [serde_json::json!({ "train": "W1" }), serde_json::json!({ "train": ["W1", 2] })] {
            assert!(err(malformed.clone()).starts_with("malformed spec spec.json"), "{malformed}");
        }
        let text = r#"{"protocol": 1, "task": "t", "impl": "i", "device": "cpu", "dtype": "f64", "threads": 1,
            "warmup": 0, "repetitions": 1, "phases": ["train"], "inputs": {}, "outputs": ["W1"],
            "verify": {"train": ["W1"], "train": ["W1"]}}"#;
        let err = format!("{:#}", Spec::from_json(text, Path::new("spec.json")).unwrap_err());
        assert!(err.contains("'train' is given twice"), "{err}");
    }
}

/// Bounded property-based fuzzing of the spec parser and its accessors: for any text they return
/// `Ok` or an error naming the spec file or field; they never panic.
#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;
    use proptest::sample::select;

    use super::*;

    /// A fixed number of cases from a fixed seed of this module's own.
    fn config(cases: u32) -> proptest::test_runner::Config {
        crate::data::fuzz_config(cases, 0x5eed_0003)
    }

    /// Number literals a `Value` cannot hold, and invalid ones.
    const RAW: &[&str] = &[
        "1e400",
        "-1e400",
        "1e-400",
        "18446744073709551616",
        "-9223372036854775809",
        "4294967296",
        "4294967295",
        "1.0",
        "-0",
        "-1",
        "0.5",
        "1E2",
        "NaN",
        "Infinity",
        "01",
        "1.",
        "+1",
        "340282366920938463463374607431768211456",
    ];

    /// Any JSON value; strings `@RAW<i>@` and `@DEEP<n>@` stand for `RAW[i]` and `n` nested arrays.
    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (0u64..5).prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "[a-z0-9<>|/._ -]{0,8}".prop_map(Value::from),
            (0..RAW.len()).prop_map(|i| Value::from(format!("@RAW{i}@"))),
            prop_oneof![1usize..200, 100usize..5000].prop_map(|n| Value::from(format!("@DEEP{n}@"))),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// `value` as JSON text, its `@RAW<i>@` and `@DEEP<n>@` placeholders replaced.
    fn text(value: &Value) -> String {
        let json = value.to_string();
        let mut text = String::with_capacity(json.len());
        let mut rest = json.as_str();
        while let Some(start) = rest.find("\"@") {
            let Some(len) = rest[start + 2..].find("@\"") else { break };
            let token = &rest[start + 2..start + 2 + len];
            text.push_str(&rest[..start]);
            if let Some(i) = token.strip_prefix("RAW") {
                text.push_str(RAW[i.parse::<usize>().unwrap()]);
            } else if let Some(n) = token.strip_prefix("DEEP") {
                let n = n.parse().unwrap();
                text.push_str(&format!("{}1{}", "[".repeat(n), "]".repeat(n)));
            }
            rest = &rest[start + 2 + len + 2..];
        }
        text.push_str(rest);
        text
    }

    fn valid_spec() -> Value {
        serde_json::json!({
            "protocol": 1, "task": "t", "impl": "i", "device": "cpu", "dtype": "f64", "threads": 2, "warmup": 1,
            "warmup_min_ms": 10, "repetitions": 3, "phases": ["fit", "predict"],
            "inputs": {
                "data": { "path": "/d.csv", "kind": "csv" },
                "split": { "path": "/s.npy", "kind": "npy", "dtype": "<i8", "shape": [150, "n", null] }
            },
            "params": { "n": 3, "lr": 0.1, "flag": true, "name": "x" },
            "outputs": ["pred"],
            "verify": { "predict": ["pred"] }
        })
    }

    /// Where a mutation applies: every field, some nested ones.
    const FIELDS: &[&str] = &[
        "/protocol",
        "/task",
        "/impl",
        "/device",
        "/dtype",
        "/threads",
        "/warmup",
        "/warmup_min_ms",
        "/repetitions",
        "/phases",
        "/phases/0",
        "/inputs",
        "/inputs/data",
        "/inputs/data/path",
        "/inputs/data/kind",
        "/inputs/split",
        "/inputs/split/dtype",
        "/inputs/split/shape",
        "/inputs/split/shape/0",
        "/inputs/split/shape/1",
        "/params",
        "/params/n",
        "/params/lr",
        "/params/flag",
        "/params/name",
        "/params/new",
        "/inputs/new",
        "/outputs",
        "/outputs/0",
        "/verify",
        "/verify/predict",
        "/verify/predict/0",
        "/verify/fit",
        "/new",
    ];

    /// Removes the field at `pointer`, or sets it to `value`.
    fn mutate(spec: &mut Value, pointer: &str, value: Option<Value>) {
        let (parent, name) = pointer.rsplit_once('/').unwrap();
        match (spec.pointer_mut(parent), value) {
            (Some(Value::Object(map)), None) => drop(map.remove(name)),
            (Some(Value::Object(map)), Some(value)) => drop(map.insert(name.to_string(), value)),
            (Some(Value::Array(items)), value) => match (name.parse::<usize>(), value) {
                (Ok(i), Some(value)) if i < items.len() => items[i] = value,
                (Ok(i), None) if i < items.len() => drop(items.remove(i)),
                _ => {}
            },
            _ => {}
        }
    }

    /// Parses `text`; a spec that parses goes through every accessor.
    fn check_spec(text: &str) -> std::result::Result<(), TestCaseError> {
        let _ = spec_identity(text);
        let spec = match Spec::from_json(text, Path::new("/specs/spec.json")) {
            Ok(spec) => spec,
            Err(e) => {
                let message = format!("{e:#}");
                // The spec file, or the field: `spec: verify.fit names 'x', which is not in outputs`.
                prop_assert!(
                    message.starts_with("malformed spec /specs/spec.json: ")
                        || message.starts_with("spec /specs/spec.json: ")
                        || message.starts_with("spec: "),
                    "{message}"
                );
                return Ok(());
            }
        };
        let names_field = |result: Result<()>, field: &str| match result {
            Ok(()) => Ok(()),
            Err(e) => {
                let message = format!("{e:#}");
                prop_assert!(message.starts_with("spec ") && message.contains(field), "{field}: {message}");
                Ok(())
            }
        };
        for name in ["n", "lr", "flag", "name", "new", "missing"] {
            names_field(spec.param_usize(name).map(drop), name)?;
            names_field(spec.param_f64(name).map(drop), name)?;
            names_field(spec.param_positive_f64(name).map(drop), name)?;
            names_field(spec.param_bool(name).map(drop), name)?;
            names_field(spec.param_str(name).map(drop), name)?;
        }
        for (role, kind) in
            [("data", "csv"), ("split", "npy"), ("split", "csv"), ("new", "npy"), ("missing", "csv")]
        {
            names_field(spec.input(role, kind).map(drop), role)?;
        }
        names_field(spec.check_param_names(&["n", "lr", "flag", "name"]), "params")?;
        names_field(spec.check_input_roles(&["data", "split"]), "inputs")?;
        Ok(())
    }

    proptest! {
        #![proptest_config(config(3000))]

        #[test]
        fn arbitrary_text(text in prop_oneof![any::<String>(), "[\\[\\]{}\":,0-9a-z.eE+ -]{0,64}"]) {
            check_spec(&text)?;
        }

        #[test]
        fn arbitrary_json(value in json()) {
            check_spec(&text(&value))?;
        }

        #[test]
        fn mutated_valid_specs(
            mutations in prop::collection::vec((select(FIELDS), prop::option::weighted(0.7, json())), 0..4),
            cut in prop::option::weighted(0.1, any::<prop::sample::Index>()),
        ) {
            let mut spec = valid_spec();
            for (field, value) in mutations {
                mutate(&mut spec, field, value);
            }
            let mut text = text(&spec);
            if let Some(cut) = cut {
                let at = cut.index(text.len() + 1);
                text.truncate(text.floor_char_boundary(at));
            }
            check_spec(&text)?;
        }
    }

    /// The valid spec the mutations start from parses, and its accessors read it.
    #[test]
    fn the_valid_spec_parses() {
        let spec = Spec::from_json(&valid_spec().to_string(), Path::new("spec.json")).unwrap();
        assert_eq!(spec.param_usize("n").unwrap(), 3);
        assert_eq!(spec.input("split", "npy").unwrap(), Path::new("/s.npy"));
        spec.check_param_names(&["n", "lr", "flag", "name"]).unwrap();
        spec.check_input_roles(&["data", "split"]).unwrap();
        assert_eq!(text(&Value::from("@DEEP2@")), "[[1]]");
        assert_eq!(text(&serde_json::json!(["@RAW0@"])), "[1e400]");
    }
}
