//! The runner core (PROTOCOL.md): checks the spec, sizes the thread pool,
//! builds the task, drives and measures its phases, writes the requested
//! outputs and assembles result.json. Tasks only load, compute and report.

mod inputs;

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::data::OutputArray;
use crate::measure::{PhaseLog, Warmup, measure};
use crate::protocol::{Ordered, PROTOCOL_VERSION, RunResult, Spec};
use crate::runtime;
use crate::task::{Compute, Constructor, Task};
use crate::threads;

/// Runs `spec` on the task `create` builds, writes the requested outputs to
/// `out` and returns the content of result.json.
pub fn run(spec: &Spec, out: &Path, create: Constructor) -> Result<RunResult> {
    let mut notes = Vec::new();
    // Before any task code: a library may start rayon's pool on first use.
    if let Err(note) = threads::size_rayon_pool(spec.threads) {
        notes.push(note);
    }
    inputs::check_declared_inputs(spec)?;
    let mut task = create(spec)?;
    check_request(spec, task.as_ref())?;

    let phases = run_phases(spec, task.as_mut())?;
    let mut report = task.report()?;

    if let Compute::CallingThread { library } = report.compute {
        if spec.threads > 1 {
            notes.push(format!(
                "{library} is single-threaded here; threads = {} does not apply",
                spec.threads
            ));
        }
    }
    notes.append(&mut report.notes);
    let outputs = write_outputs(spec, out, std::mem::take(&mut report.outputs))?;
    // After the phases and outside any timing: it hashes the inputs the task read.
    let runtime = runtime::runtime(spec, &report)?;
    let (phases, timeline) = phases.into_parts();
    Ok(RunResult {
        protocol: PROTOCOL_VERSION,
        task: spec.task.clone(),
        implementation: spec.implementation.clone(),
        status: "ok",
        runtime,
        metrics: report.metrics,
        phases,
        outputs,
        notes,
        timeline,
    })
}

/// Rejects phases and outputs the task does not have, before anything runs.
fn check_request(spec: &Spec, task: &dyn Task) -> Result<()> {
    let order = task.phases();
    if let Some(name) = spec.phases.iter().find(|name| !order.contains(&name.as_str())) {
        bail!("spec phases: unknown phase '{name}' for {} (known: {})", spec.task, order.join(", "));
    }
    let listed = order.iter().copied().filter(|p| spec.phases.iter().any(|s| s == p));
    if spec.phases.iter().map(String::as_str).ne(listed) {
        bail!("spec phases: {} phases must come in the order {}, each once", spec.task, order.join(", "));
    }
    let known = task.outputs();
    for (i, name) in spec.outputs.iter().enumerate() {
        if !known.contains(&name.as_str()) {
            bail!("spec outputs: unknown output '{name}' for {} (known: {})", spec.task, known.join(", "));
        }
        if spec.outputs[..i].contains(name) {
            bail!("spec outputs: output '{name}' is listed twice");
        }
    }
    Ok(())
}

/// Runs every phase of the task in order: measured where the spec lists it
/// (PROTOCOL.md, "Phases and measurement"), otherwise once, untimed, because
/// later phases and the outputs need what it computes.
fn run_phases(spec: &Spec, task: &mut dyn Task) -> Result<PhaseLog> {
    let warmup = Warmup::of(spec);
    let mut log = PhaseLog::ready();
    for &name in task.phases() {
        if spec.phases.iter().any(|p| p == name) {
            let ops_per_sample = task.ops_per_sample(name);
            let result = measure(warmup, spec.repetitions, ops_per_sample, || task.run_phase(name))?;
            log.push(name, result);
        } else {
            task.run_phase(name)?;
        }
        task.phase_done(name)?;
    }
    Ok(log)
}

/// Writes the outputs the spec asks for, in its order, as `<name>.npy`.
fn write_outputs(
    spec: &Spec,
    out: &Path,
    mut produced: Vec<(&'static str, OutputArray)>,
) -> Result<Ordered<String>> {
    let mut files = Ordered::default();
    for name in &spec.outputs {
        let at = produced.iter().position(|(n, _)| n == name).with_context(|| {
            format!("internal error: {} produced no output '{name}'", spec.implementation)
        })?;
        let file = format!("{name}.npy");
        produced.swap_remove(at).1.write(&out.join(&file))?;
        files.push(name.clone(), file);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::Report;
    use serde_json::{Value, json};

    const PHASES: &[&str] = &["load", "fit", "predict"];

    /// Counts the runs of each phase; `params.fail` names a phase that fails.
    struct Counting<'s> {
        spec: &'s Spec,
        runs: [i64; 3],
        done: Vec<&'static str>,
    }

    impl Task for Counting<'_> {
        fn phases(&self) -> &'static [&'static str] {
            PHASES
        }

        fn outputs(&self) -> &'static [&'static str] {
            &["runs", "unasked"]
        }

        fn run_phase(&mut self, name: &str) -> Result<()> {
            if self.spec.params.get("fail").and_then(Value::as_str) == Some(name) {
                bail!("{name} failed");
            }
            let at = PHASES.iter().position(|p| *p == name).expect("a phase of the task");
            // Each phase needs the one before it to have finished.
            assert!(at == 0 || self.done.last() == Some(&PHASES[at - 1]), "{name} ran too early");
            self.runs[at] += 1;
            Ok(())
        }

        fn ops_per_sample(&self, name: &str) -> u64 {
            if name == "predict" { 7 } else { 1 }
        }

        fn phase_done(&mut self, name: &str) -> Result<()> {
            self.done.push(PHASES.iter().find(|p| **p == name).expect("a phase of the task"));
            Ok(())
        }

        fn report(self: Box<Self>) -> Result<Report> {
            let mut report = Report::new("ndarray", Compute::CallingThread { library: "counting" });
            report.dtype = Some("f64");
            report.metrics.push("phases_done", self.done.len() as f64);
            report.notes.push(self.done.join(" "));
            report.outputs.push(("runs", OutputArray::I64Vector(self.runs.to_vec().into())));
            report.outputs.push(("unasked", OutputArray::I64Vector(ndarray::array![0])));
            Ok(report)
        }
    }

    fn counting(spec: &Spec) -> Result<Box<dyn Task + '_>> {
        Ok(Box::new(Counting { spec, runs: [0; 3], done: Vec::new() }))
    }

    fn spec(changes: Value) -> Spec {
        let mut fields = json!({
            "task": "counting", "impl": "rust/test", "warmup": 1, "repetitions": 2,
            "phases": ["load", "predict"], "outputs": ["runs"]
        });
        for (key, value) in changes.as_object().unwrap() {
            fields[key] = value.clone();
        }
        crate::protocol::test_spec(fields).unwrap()
    }

    fn out_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("equibench-runner-test-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn run_json(spec: &Spec, out: &Path) -> Result<Value> {
        run(spec, out, counting).map(|result| serde_json::to_value(result).unwrap())
    }

    #[test]
    fn measures_listed_phases_and_runs_the_others_once() {
        let out = out_dir("phases");
        let result = run(&spec(json!({})), &out, counting).unwrap();
        let runs: ndarray::Array1<i64> = crate::data::read_npy(&out.join("runs.npy")).unwrap();
        // load and predict: one warm-up and two repetitions; fit, not listed, once.
        assert_eq!(runs, ndarray::array![3, 1, 3]);
        assert!(!out.join("unasked.npy").exists());
        assert_eq!(result.outputs.0, [("runs".to_string(), "runs.npy".to_string())]);
        // After a note on rayon's pool, where another test in this process built it first.
        assert_eq!(result.notes.last().map(String::as_str), Some("load fit predict"));
        assert_eq!(result.phases.keys().collect::<Vec<_>>(), ["load", "predict"]);
        assert_eq!(result.timeline.phases.keys().collect::<Vec<_>>(), ["load", "predict"]);
        let (load, predict) = (result.phases.get("load").unwrap(), result.phases.get("predict").unwrap());
        assert_eq!((load.warmup, load.samples_ns.len(), load.ops_per_sample), (1, 2, 1));
        assert_eq!(predict.ops_per_sample, 7);
        let span = result.timeline.phases.get("load").unwrap();
        assert!(result.timeline.ready_epoch_ns <= span.start_epoch_ns);
    }

    #[test]
    fn rejects_what_the_task_does_not_have_before_anything_runs() {
        let out = out_dir("request");
        let err = |changes: Value| run_json(&spec(changes), &out).unwrap_err().to_string();
        assert_eq!(
            err(json!({ "phases": ["load", "train"] })),
            "spec phases: unknown phase 'train' for counting (known: load, fit, predict)"
        );
        let order = "spec phases: counting phases must come in the order load, fit, predict, each once";
        assert_eq!(err(json!({ "phases": ["fit", "load"] })), order);
        assert_eq!(err(json!({ "phases": ["load", "load"] })), order);
        assert_eq!(
            err(json!({ "outputs": ["runs", "loss"] })),
            "spec outputs: unknown output 'loss' for counting (known: runs, unasked)"
        );
        assert_eq!(
            err(json!({ "outputs": ["runs", "runs"] })),
            "spec outputs: output 'runs' is listed twice"
        );
        assert_eq!(err(json!({ "params": { "fail": "fit" } })), "fit failed");
    }

    #[test]
    fn validates_declared_inputs_before_building_the_task() {
        fn unreachable_task(_spec: &Spec) -> Result<Box<dyn Task + '_>> {
            bail!("the task was built")
        }
        let w1 = crate::data::test_file("core_W1.npy", b"");
        OutputArray::F64Matrix(ndarray::Array2::zeros((4, 8))).write(&w1).unwrap();
        let declared = json!({ "W1": { "path": w1, "kind": "npy", "dtype": "<f8", "shape": [4, "hidden"] } });
        let bad = spec(json!({ "inputs": declared, "params": { "hidden": 12 } }));
        let err = run(&bad, &out_dir("inputs"), unreachable_task).unwrap_err().to_string();
        assert_eq!(err, "core_W1.npy: expected <f8 of shape (4, 12), found <f8 of shape (4, 8)");
        let good = spec(json!({ "inputs": declared, "params": { "hidden": 8 } }));
        let err = run(&good, &out_dir("inputs"), unreachable_task).unwrap_err().to_string();
        assert_eq!(err, "the task was built");
    }

    #[test]
    fn reports_threads_as_read_back() {
        let result = run_json(&spec(json!({ "threads": 2 })), &out_dir("threads")).unwrap();
        let threads = &result["runtime"]["threads"];
        assert_eq!(threads["requested"], 2);
        assert_eq!(threads["used"], 1);
        assert_eq!(threads["rayon_current_num_threads"], rayon::current_num_threads());
        assert_eq!(threads["thread_pool"], "no thread pool: counting computes on the calling thread");
        for name in threads::THREAD_ENV {
            let value = std::env::var(name).unwrap_or_else(|_| "unset".to_string());
            assert_eq!(threads[name], value.as_str());
            assert_eq!(result["runtime"]["manifest"][format!("threads.env.{name}")], value.as_str());
        }
        let notes = result["notes"].as_array().unwrap();
        assert!(
            notes.contains(&json!("counting is single-threaded here; threads = 2 does not apply")),
            "{notes:?}"
        );
    }
}
