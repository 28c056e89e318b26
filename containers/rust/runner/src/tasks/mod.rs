//! The registry of (task, impl) pairs this runner implements, and what every
//! task implementation hands back to `main`.

mod classical;
mod iris_mlp;
mod kmeans_blobs;
mod linreg_california;
mod svm_digits;

use anyhow::{Result, bail};
use serde_json::{Map, Value};

use crate::data::OutputArray;
use crate::measure::PhaseLog;
use crate::protocol::{Ordered, Spec};

/// What a task run produced; `main` writes it to the output directory.
pub struct TaskReport {
    /// The library doing the numerical work (a key of the runtime libraries).
    pub framework: &'static str,
    /// Compute threads, read back from the library's pool where it has one (1 otherwise).
    pub threads_used: u32,
    /// Thread settings read back from the library (runtime.threads).
    pub threads_read_back: Map<String, Value>,
    /// The model's parameters as the library reports them (runtime.hyperparameters).
    pub hyperparameters: Option<Value>,
    /// Element type of the arrays the computation ran in, read from them (manifest `dtype`).
    pub dtype: Option<&'static str>,
    /// The BLAS/LAPACK behind the computation (manifest `blas`).
    pub blas: &'static str,
    /// The task's hyperparameters under PROTOCOL.md's names, without the `hp.`
    /// prefix, read back from the library's parameter structs where it has them.
    pub hp: Vec<(&'static str, Value)>,
    /// The measured phases; the task replaces it with `PhaseLog::ready()` just
    /// before its first phase runs.
    pub phases: PhaseLog,
    pub metrics: Ordered<f64>,
    /// Requested outputs, in the order the spec lists them.
    pub outputs: Vec<(String, OutputArray)>,
    pub notes: Vec<String>,
}

impl TaskReport {
    /// An empty report for a run computing with `framework` on `threads_used`
    /// threads, with no BLAS (no crate of this runner links one).
    pub fn new(framework: &'static str, threads_used: u32) -> TaskReport {
        TaskReport {
            framework,
            threads_used,
            threads_read_back: Map::new(),
            hyperparameters: None,
            dtype: None,
            blas: "none",
            hp: Vec::new(),
            phases: PhaseLog::ready(),
            metrics: Ordered::default(),
            outputs: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// Runs every phase of the spec and collects the requested outputs.
pub type TaskFn = fn(&Spec) -> Result<TaskReport>;

const REGISTRY: &[(&str, &str, TaskFn)] = &[
    ("iris-mlp", "rust/pure", iris_mlp::run_pure),
    ("linreg-california", "rust/linfa", linreg_california::run_linfa),
    ("linreg-california", "rust/smartcore", linreg_california::run_smartcore),
    ("svm-digits", "rust/linfa", svm_digits::run_linfa),
    ("svm-digits", "rust/smartcore", svm_digits::run_smartcore),
    ("kmeans-blobs", "rust/linfa", kmeans_blobs::run_linfa),
    ("kmeans-blobs", "rust/smartcore", kmeans_blobs::run_smartcore),
];

/// The implementation of `task` named `implementation`.
pub fn lookup(task: &str, implementation: &str) -> Result<TaskFn> {
    if let Some(&(_, _, run)) = REGISTRY.iter().find(|(t, i, _)| *t == task && *i == implementation) {
        return Ok(run);
    }
    let impls: Vec<&str> = REGISTRY.iter().filter(|(t, _, _)| *t == task).map(|(_, i, _)| *i).collect();
    if impls.is_empty() {
        let mut tasks: Vec<&str> = REGISTRY.iter().map(|(t, _, _)| *t).collect();
        tasks.dedup();
        bail!("unknown task '{task}' (this runner implements: {})", tasks.join(", "));
    }
    bail!("task '{task}' has no implementation '{implementation}' here (available: {})", impls.join(", "))
}

/// Maps the spec's phase names onto a task's phase type, rejecting unknown and repeated names.
pub fn parse_phases<P: Copy>(spec: &Spec, known: &[(&'static str, P)]) -> Result<Vec<(&'static str, P)>> {
    let mut phases = Vec::with_capacity(spec.phases.len());
    for name in &spec.phases {
        let Some(&(known_name, phase)) = known.iter().find(|(k, _)| k == name) else {
            let names: Vec<&str> = known.iter().map(|(k, _)| *k).collect();
            bail!("spec phases: unknown phase '{name}' for {} (known: {})", spec.task, names.join(", "));
        };
        if phases.iter().any(|&(n, _)| n == known_name) {
            bail!("spec phases: phase '{name}' is listed twice");
        }
        phases.push((known_name, phase));
    }
    Ok(phases)
}

/// Rejects requested outputs the task does not produce, before any work is done.
pub fn check_outputs(spec: &Spec, known: &[&str]) -> Result<()> {
    for name in &spec.outputs {
        if !known.contains(&name.as_str()) {
            bail!("spec outputs: unknown output '{name}' for {} (known: {})", spec.task, known.join(", "));
        }
    }
    Ok(())
}
