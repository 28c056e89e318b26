//! The runner core (PROTOCOL.md): checks the spec, sizes the thread pool,
//! builds the task, drives and measures its phases, writes the requested
//! outputs and assembles result.json. Tasks only load, compute and report.

mod inputs;

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};

use crate::data::{OutputArray, output_digest};
use crate::measure::{Phase, PhaseLog, Warmup, measure};
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
/// later phases and the outputs need what it computes. Where the spec verifies
/// a measured phase, each timed repetition also reports the digest of its
/// outputs ("Timed work re-verified").
fn run_phases(spec: &Spec, task: &mut dyn Task) -> Result<PhaseLog> {
    let warmup = Warmup::of(spec);
    let mut log = PhaseLog::ready();
    for &name in task.phases() {
        if spec.phases.iter().any(|p| p == name) {
            let ops_per_sample = task.ops_per_sample(name);
            let names = spec.verified(name);
            let result = if names.is_empty() {
                measure(warmup, spec.repetitions, ops_per_sample, || task.run_phase(name))?
            } else {
                let mut digests = Vec::with_capacity(spec.repetitions as usize);
                let verified = Verified {
                    task: &mut *task,
                    implementation: &spec.implementation,
                    phase: name,
                    names,
                    digests: &mut digests,
                };
                let mut result = measure(warmup, spec.repetitions, ops_per_sample, verified)?;
                result.output_sha256 = Some(digests);
                result
            };
            log.push(name, result);
        } else {
            task.run_phase(name)?;
        }
        task.phase_done(name)?;
    }
    Ok(log)
}

/// A measured phase the spec verifies: after each timed run, the digest of the
/// outputs `names` as that run left them.
struct Verified<'t, 'a> {
    task: &'t mut (dyn Task + 'a),
    implementation: &'t str,
    phase: &'static str,
    names: &'t [String],
    digests: &'t mut Vec<String>,
}

impl Phase for Verified<'_, '_> {
    fn run(&mut self) -> Result<()> {
        self.task.run_phase(self.phase)
    }

    fn after_sample(&mut self) -> Result<()> {
        let digest = phase_digest(&*self.task, self.implementation, self.phase, self.names)?;
        self.digests.push(digest);
        Ok(())
    }
}

/// The digest of the outputs `names`, in that order, as the last run of
/// `phase` left them in the task's state.
fn phase_digest(task: &dyn Task, implementation: &str, phase: &str, names: &[String]) -> Result<String> {
    let computed = task.phase_outputs(phase)?;
    let find = |name: &String| {
        let array = computed.iter().find(|(n, _)| n == name).map(|(_, array)| array);
        array.ok_or_else(|| anyhow!("{implementation} exposes no output '{name}' after phase '{phase}'"))
    };
    Ok(output_digest(names.iter().map(find).collect::<Result<Vec<_>>>()?))
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

/// Sets `spec`'s `verify` to `verify`, requesting the outputs it names, as the
/// harness would, for tests of the real tasks.
#[cfg(test)]
pub fn verify(spec: &mut Spec, verify: &[(&str, &[&str])]) {
    for name in verify.iter().flat_map(|(_, names)| names.iter()) {
        if !spec.outputs.iter().any(|n| n == name) {
            spec.outputs.push(name.to_string());
        }
    }
    let lists = verify
        .iter()
        .map(|(phase, names)| (phase.to_string(), names.iter().map(|n| n.to_string()).collect()));
    spec.verify = Ordered(lists.collect());
}

/// Asserts that every phase `spec` verifies reported, for each timed
/// repetition, the digest of the outputs written to `out`: what the harness
/// checks. Returns the number of phases checked.
#[cfg(test)]
pub fn assert_digests_of_written_outputs(spec: &Spec, result: &RunResult, out: &Path) -> usize {
    for (phase, names) in &spec.verify.0 {
        let written = crate::data::files_digest(out, names);
        let reported = result.phases.get(phase).and_then(|p| p.output_sha256.as_ref());
        let expected = vec![written; spec.repetitions as usize];
        assert_eq!(reported, Some(&expected), "{} {phase} {names:?}", spec.implementation);
    }
    spec.verify.0.len()
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

    // --- timed work re-verified (PROTOCOL.md) ------------------------------------------------------

    /// Trains `weights` (transposed in memory) and sums them into `total` in its phase `train`, every
    /// run from the start. With `params.cheat` it trains on its first run only and keeps a private copy
    /// for its report; later runs reset the live outputs and skip the work: a row timing a no-op.
    struct Trainer {
        cheat: bool,
        weights: ndarray::Array2<f64>,
        total: ndarray::Array1<f64>,
        kept: Option<(ndarray::Array2<f64>, ndarray::Array1<f64>)>,
    }

    impl Task for Trainer {
        fn phases(&self) -> &'static [&'static str] {
            &["prepare", "train"]
        }

        fn outputs(&self) -> &'static [&'static str] {
            &["weights", "total"]
        }

        fn run_phase(&mut self, name: &str) -> Result<()> {
            if name != "train" {
                return Ok(());
            }
            if self.cheat && self.kept.is_some() {
                self.weights.fill(0.0);
                self.total.fill(0.0);
                return Ok(());
            }
            self.weights = ndarray::Array2::from_shape_fn((3, 2), |(i, j)| (2 * i + j) as f64 * 0.1 + 0.25)
                .reversed_axes();
            self.total = ndarray::array![self.weights.sum()];
            if self.cheat {
                self.kept = Some((self.weights.clone(), self.total.clone()));
            }
            Ok(())
        }

        fn phase_outputs(&self, phase: &str) -> Result<Vec<(&'static str, OutputArray)>> {
            Ok(match phase {
                "train" => vec![
                    ("weights", OutputArray::F64Matrix(self.weights.clone())),
                    ("total", OutputArray::F64Vector(self.total.clone())),
                ],
                _ => Vec::new(),
            })
        }

        fn report(self: Box<Self>) -> Result<Report> {
            let mut report = Report::new("ndarray", Compute::CallingThread { library: "trainer" });
            report.outputs = match self.kept.clone() {
                Some((weights, total)) => {
                    vec![
                        ("weights", OutputArray::F64Matrix(weights)),
                        ("total", OutputArray::F64Vector(total)),
                    ]
                }
                None => self.outputs_of(&["train"])?,
            };
            Ok(report)
        }
    }

    fn trainer(spec: &Spec) -> Result<Box<dyn Task + '_>> {
        let cheat = spec.params.get("cheat").and_then(Value::as_bool).unwrap_or(false);
        let empty = (ndarray::Array2::zeros((0, 0)), ndarray::Array1::zeros(0));
        Ok(Box::new(Trainer { cheat, weights: empty.0, total: empty.1, kept: None }))
    }

    fn trainer_spec(changes: Value) -> Spec {
        let mut fields = json!({
            "task": "train", "impl": "rust/trainer", "warmup": 0, "repetitions": 3,
            "phases": ["prepare", "train"], "outputs": ["weights", "total"],
            "verify": { "train": ["weights", "total"] }
        });
        for (key, value) in changes.as_object().unwrap() {
            fields[key] = value.clone();
        }
        crate::protocol::test_spec(fields).unwrap()
    }

    fn digests(result: &RunResult, phase: &str) -> Vec<String> {
        result.phases.get(phase).unwrap().output_sha256.clone().expect("the phase is verified")
    }

    #[test]
    fn honest_repetitions_report_the_digest_of_the_written_outputs() {
        let out = out_dir("honest");
        let result = run(&trainer_spec(json!({})), &out, trainer).unwrap();
        let written = crate::data::files_digest(&out, &["weights".into(), "total".into()]);
        assert_eq!(digests(&result, "train"), [written.as_str(); 3]);
        // Only the phases the spec verifies report digests; the others leave the field out.
        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(json["phases"]["train"]["output_sha256"].as_array().unwrap().len(), 3);
        assert!(json["phases"]["prepare"].get("output_sha256").is_none());
        let counted = run_json(&spec(json!({})), &out_dir("unverified")).unwrap();
        assert!(counted["phases"]["load"].get("output_sha256").is_none());
    }

    #[test]
    fn work_skipped_under_the_timer_shows_in_the_digests() {
        let out = out_dir("cheat");
        let result = run(&trainer_spec(json!({ "params": { "cheat": true } })), &out, trainer).unwrap();
        let written = crate::data::files_digest(&out, &["weights".into(), "total".into()]);
        let reported = digests(&result, "train");
        // The one repetition that did the work hashes to what was written; the skipped ones do not.
        assert_eq!(reported.len(), 3);
        assert_eq!(reported[0], written);
        assert!(reported[1..].iter().all(|d| *d != written), "{reported:?}");
        // With a warm-up the work is done before the timer starts: no timed repetition matches.
        let spec = trainer_spec(json!({ "params": { "cheat": true }, "warmup": 1 }));
        let result = run(&spec, &out, trainer).unwrap();
        assert!(digests(&result, "train").iter().all(|d| *d != written));
    }

    #[test]
    fn digests_cover_the_listed_outputs_in_the_listed_order() {
        let names = |list: &[&str]| list.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        let out = out_dir("order");
        let mut seen = Vec::new();
        for verify in [&["total"][..], &["weights", "total"], &["total", "weights"]] {
            let result = run(&trainer_spec(json!({ "verify": { "train": verify } })), &out, trainer).unwrap();
            let written = crate::data::files_digest(&out, &names(verify));
            assert_eq!(digests(&result, "train"), [written.as_str(); 3], "{verify:?}");
            seen.push(written);
        }
        assert!(seen[0] != seen[1] && seen[1] != seen[2] && seen[0] != seen[2], "{seen:?}");
    }

    #[test]
    fn an_output_the_phase_does_not_expose_is_named() {
        let spec = trainer_spec(json!({ "verify": { "prepare": ["weights"] } }));
        let err = run(&spec, &out_dir("unexposed"), trainer).unwrap_err().to_string();
        assert_eq!(err, "rust/trainer exposes no output 'weights' after phase 'prepare'");
    }
}
