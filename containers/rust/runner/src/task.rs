//! What the runner core needs from a task implementation (PROTOCOL.md): its
//! phases, its outputs, a way to run one phase, and a report once all have run.
//! The core checks the spec, drives the phases and measures them; a task only
//! loads, computes and reports.

use anyhow::Result;
use serde_json::Value;

use crate::data::OutputArray;
use crate::protocol::{Ordered, Spec};

/// One task computed by one implementation.
///
/// The core runs every phase of [`Task::phases`] in order: those the spec lists
/// measured (warm-up and timed repetitions), the others once, untimed, because
/// later phases and the outputs need what they compute. Running a phase again
/// recomputes the same thing, which is what warm-up and repetitions rely on; a
/// phase keeps what it computes on the task, for the next phases and the report.
pub trait Task {
    /// The phases, named as in PROTOCOL.md, in the one order they can run.
    fn phases(&self) -> &'static [&'static str];

    /// Every output the task produces.
    fn outputs(&self) -> &'static [&'static str];

    /// Runs phase `name` (one of [`Task::phases`]) once.
    fn run_phase(&mut self, name: &str) -> Result<()>;

    /// Operations one timed run of phase `name` performs; asked once the
    /// phases before it have run.
    fn ops_per_sample(&self, _name: &str) -> u64 {
        1
    }

    /// Called once after all runs of phase `name`, untimed: where a task
    /// builds from the last run's result what the next phases need, so that
    /// no timed phase pays for it.
    fn phase_done(&mut self, _name: &str) -> Result<()> {
        Ok(())
    }

    /// The outputs phase `phase` computes, by output name, read from the task's
    /// state as the last run of that phase left it: never recomputed from the
    /// result, and never a copy kept from an earlier run, so that a run which
    /// skipped its work shows. The core hashes those the spec's `verify` lists
    /// after each timed repetition of the phase (PROTOCOL.md, "Timed work
    /// re-verified") and fails naming any listed output that is not here.
    /// Empty for a phase that computes no output (the default).
    fn phase_outputs(&self, _phase: &str) -> Result<Vec<(&'static str, OutputArray)>> {
        Ok(Vec::new())
    }

    /// The [`Task::phase_outputs`] of `phases`, one after the other: for
    /// [`Task::report`], so that what the core writes is what it hashed.
    fn outputs_of(&self, phases: &[&str]) -> Result<Vec<(&'static str, OutputArray)>> {
        let mut outputs = Vec::new();
        for phase in phases {
            outputs.append(&mut self.phase_outputs(phase)?);
        }
        Ok(outputs)
    }

    /// Outputs from the last runs, metrics and what the runtime manifest needs;
    /// called once, after all phases.
    fn report(self: Box<Self>) -> Result<Report>;
}

/// Builds the task an implementation computes for `spec`, rejecting what it cannot compute.
pub type Constructor = for<'s> fn(&'s Spec) -> Result<Box<dyn Task + 's>>;

/// Where an implementation computes: the manifest's `threads.compute`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Compute {
    /// On rayon's global pool, which the core sizes to the spec's `threads`.
    RayonPool,
    /// On the calling thread only: `library` has no thread pool.
    CallingThread { library: &'static str },
    /// On a native library's own pool (`pool` names it), sized to the spec's
    /// `threads` through the library's API; `threads` is its size as the
    /// library reports it, or as set where it has no getter (say so in `pool`).
    NativePool { pool: &'static str, threads: u32 },
}

/// A native engine a row runs (PROTOCOL.md, `gpt2-generate` manifest): the
/// descriptive `native.engine`, `native.library` and `native.sha256`.
#[derive(Clone, Debug)]
pub struct NativeLibrary {
    /// Name and version as the library reports them (`onnxruntime 1.29.0`).
    pub engine: String,
    /// The shared library the process loaded (or the binary it is linked into);
    /// the core hashes it after the phases.
    pub library: std::path::PathBuf,
}

/// What a task run produced, beyond the measured phases.
pub struct Report {
    /// The library doing the numerical work (a key of the runtime libraries).
    pub framework: &'static str,
    pub compute: Compute,
    /// The model's parameters as the library reports them (runtime.hyperparameters).
    pub hyperparameters: Option<Value>,
    /// Element type of the arrays the computation ran in, read from them (manifest `dtype`).
    pub dtype: Option<&'static str>,
    /// The BLAS/LAPACK behind the computation (manifest `blas`).
    pub blas: &'static str,
    /// The task's hyperparameters under PROTOCOL.md's names, without the `hp.`
    /// prefix, read back from the library's parameter structs where it has them.
    pub hp: Vec<(&'static str, Value)>,
    pub metrics: Ordered<f64>,
    /// Every output of [`Task::outputs`]; the core writes those the spec asks for.
    pub outputs: Vec<(&'static str, OutputArray)>,
    pub notes: Vec<String>,
    /// Libraries beyond this crate's direct dependencies (recorded at build
    /// time): a native engine's version read back at run time, or a crate of
    /// another binary (`tch` in `equibench-runner-tch`). `framework` is looked
    /// up here first.
    pub libraries: Vec<(&'static str, String)>,
    pub native: Option<NativeLibrary>,
}

impl Report {
    /// An empty report for a run computing with `framework`, with no BLAS
    /// (no crate of this runner links one).
    pub fn new(framework: &'static str, compute: Compute) -> Report {
        Report {
            framework,
            compute,
            hyperparameters: None,
            dtype: None,
            blas: "none",
            hp: Vec::new(),
            metrics: Ordered::default(),
            outputs: Vec::new(),
            notes: Vec::new(),
            libraries: Vec::new(),
            native: None,
        }
    }
}
