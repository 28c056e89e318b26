//! Task `svm-digits` (PROTOCOL.md): a linear-kernel soft-margin SVM (C, solver
//! tolerance `tol`) on the raw 8×8 digit pixels, ten classes.
//!
//! scikit-learn's `SVC` (the reference) is libsvm: one SMO problem per pair of
//! classes (one-vs-one) on the rows of those two classes, then a vote. Both
//! Rust rows build the same 45 machines and vote as libsvm does: each machine
//! votes for the class its decision value favours (the smaller label where it
//! is > 0, the larger one otherwise), most votes wins, the smallest label
//! among ties. They differ in the binary solver:
//!
//! - `rust/linfa`: linfa-svm is binary only; each pair is solved by linfa's
//!   own SMO with C for both classes and stopping threshold `tol` (libsvm's
//!   criterion: the maximal violating pair's gradient gap below eps), the rows
//!   of the smaller label first, then those of the larger (libsvm's grouping).
//!   The pairs are grouped inside `fit`, as libsvm's `svm_train` does.
//!   Shrinking stays off (libsvm shrinks by default, which changes its path
//!   but not its solution): linfa 0.8.1's shrinking panics with an index of -1
//!   in `SolverState::solve` on 3 of the 45 pairs of the CI split (1–7, 1–8
//!   and 2–3). Measured on the CI split: test predictions identical to
//!   scikit-learn's on all 360 rows, 8,756 SMO iterations over the 45 pairs
//!   (libsvm 8,790).
//! - `rust/smartcore`: smartcore's binary `SVC`, whose solver is LaSVM (an
//!   online approximation of SMO, `epoch` passes over the rows). smartcore's
//!   own `MultiClassSVC` trains exactly these 45 machines but counts votes in
//!   a `HashMap` and takes the first maximum it iterates to, so a tied vote
//!   goes to a class that varies from call to call (measured: test accuracy
//!   0.964 to 0.975 over four runs, and single-row predictions that disagree
//!   with the batch). Here the vote is libsvm's.

mod linfa_row;
mod smartcore_row;

use anyhow::{Result, anyhow, bail};
use linfa::ParamGuard;
use linfa_svm::Svm;
use ndarray::Array1;
use serde_json::Value;
use smartcore::svm::Kernels;
use smartcore::svm::svc::SVCParameters;

use crate::protocol::Spec;
use crate::task::{Compute, Report, Task};
use crate::tasks::classical::supervised::{Supervised, SupervisedRow, SupervisedTask};
use crate::tasks::classical::{self, Dataset, SplitParams};
use crate::tasks::shared::{accuracy, argmax};
use linfa_row::LinfaOneVsOne;
use smartcore_row::{SMARTCORE_SEED, SmartcoreOneVsOne};

const N_PIXELS: usize = 64;
const CLASSES: &[i64] = &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const INPUTS: &[&str] = &["data", "split"];
const PARAMS: &[&str] = &["n_train", "single_rows", "C", "tol", "kernel"];
/// How both rows build the multi-class machine (runtime.hyperparameters).
const ONE_VS_ONE: &str = "one-vs-one: 45 binary SVMs, each on the rows of its pair of classes; \
                          libsvm's vote (most votes, smallest label among ties)";

/// `p0,…,p63,digit`.
fn columns() -> Vec<String> {
    (0..N_PIXELS).map(|i| format!("p{i}")).chain(["digit".to_string()]).collect()
}

struct Params {
    split: SplitParams,
    c: f64,
    tol: f64,
}

impl Params {
    fn from_spec(spec: &Spec) -> Result<Params> {
        classical::check_spec(spec, INPUTS, PARAMS)?;
        let kernel = spec.param_str("kernel")?;
        if kernel != "linear" {
            bail!(
                "spec params.kernel: '{kernel}' is not available, {} implements the linear kernel",
                spec.task
            );
        }
        Ok(Params {
            split: SplitParams::from_spec(spec)?,
            c: spec.param_positive_f64("C")?,
            tol: spec.param_positive_f64("tol")?,
        })
    }
}

/// The task, whatever the library: the digits table, test and train accuracy.
struct SvmDigits {
    /// `p0,…,p63,digit`, built once.
    columns: Vec<String>,
}

impl SupervisedTask for SvmDigits {
    type Target = i64;
    const OUTPUTS: &'static [&'static str] = &["test_pred"];
    const NEEDS_TRAIN_PRED: bool = true;

    fn load(&self, spec: &Spec, split: SplitParams) -> Result<Dataset<i64>> {
        let columns: Vec<&str> = self.columns.iter().map(String::as_str).collect();
        classical::load_classification(spec, &columns, CLASSES, split)
    }

    fn metrics(
        &self,
        data: &Dataset<i64>,
        test_pred: &Array1<i64>,
        train_pred: Option<&Array1<i64>>,
    ) -> Vec<(&'static str, f64)> {
        let train_pred = train_pred.expect("NEEDS_TRAIN_PRED");
        vec![
            ("test_accuracy", accuracy(test_pred, &data.test_y)),
            ("train_accuracy", accuracy(train_pred, &data.train_y)),
        ]
    }
}

/// Task `svm-digits` computed by `row`.
fn task<R: SupervisedRow<Target = i64>>(
    spec: &Spec,
    split: SplitParams,
    row: R,
    report: Report,
) -> Box<dyn Task + '_> {
    Box::new(Supervised::new(spec, SvmDigits { columns: columns() }, split, row, report))
}

/// `rust/linfa`: one-vs-one over linfa-svm's binary SMO.
pub fn rust_linfa(spec: &Spec) -> Result<Box<dyn Task + '_>> {
    let params = Params::from_spec(spec)?;
    // No shrinking (linfa's default): it panics on some pairs, see the module documentation.
    let svm = Svm::<f64, bool>::params()
        .pos_neg_weights(params.c, params.c)
        .linear_kernel()
        .eps(params.tol)
        .shrinking(false)
        .check()
        .map_err(|e| anyhow!("linfa-svm parameters: {e}"))?;
    let row = LinfaOneVsOne { svm };
    let mut report = Report::new("linfa-svm", Compute::CallingThread { library: "linfa-svm" });
    report.hyperparameters = Some(classical::hyperparameters(&[
        ("SvmValidParams", format!("{:?}", row.svm)),
        ("multiclass", ONE_VS_ONE.to_string()),
    ]));
    report.notes.push(
        "multi-class by one-vs-one as libsvm does it: 45 binary SVMs, each solved by linfa-svm's own SMO \
         (C for both classes, eps = tol, shrinking off: linfa 0.8.1's shrinking panics on some of these pairs) \
         on the rows of its two classes, then libsvm's vote (most votes, smallest label among ties)"
            .to_string(),
    );
    Ok(task(spec, params.split, row, report))
}

/// `rust/smartcore`: one-vs-one over smartcore's binary `SVC`.
pub fn rust_smartcore(spec: &Spec) -> Result<Box<dyn Task + '_>> {
    let params = Params::from_spec(spec)?;
    // The seed fixes the order in which LaSVM visits the rows; epoch stays at smartcore's default (2).
    let parameters = SVCParameters::default()
        .with_c(params.c)
        .with_tol(params.tol)
        .with_kernel(Kernels::linear())
        .with_seed(Some(SMARTCORE_SEED));
    let row = SmartcoreOneVsOne { parameters };
    let mut report = Report::new("smartcore", Compute::CallingThread { library: "smartcore" });
    report.hyperparameters = Some(classical::hyperparameters(&[
        ("SVCParameters", format!("{:?}", row.parameters)),
        ("multiclass", ONE_VS_ONE.to_string()),
    ]));
    report.notes.push(format!(
        "multi-class by one-vs-one over smartcore's binary SVC (the 45 machines smartcore's MultiClassSVC trains, \
         with libsvm's deterministic vote instead of MultiClassSVC's HashMap order); the binary solver is LaSVM \
         ({} passes over the rows, visiting order seeded with {SMARTCORE_SEED}), not libsvm's SMO run to tol",
        row.parameters.epoch
    ));
    Ok(task(spec, params.split, row, report))
}

/// The pairs of classes in libsvm's order: (0, 1), (0, 2), …, (8, 9).
pub fn class_pairs() -> impl Iterator<Item = (i64, i64)> {
    CLASSES
        .iter()
        .enumerate()
        .flat_map(|(i, &first)| CLASSES[i + 1..].iter().map(move |&second| (first, second)))
}

/// libsvm's vote over one row's pairwise decisions `(first, second, f)`: `first`
/// gets the vote where f > 0, `second` otherwise; the most votes wins, the
/// smallest label among ties.
pub fn vote(decisions: impl IntoIterator<Item = (i64, i64, f64)>) -> i64 {
    let mut votes = [0u32; CLASSES.len()];
    for (first, second, f) in decisions {
        let winner = if f > 0.0 { first } else { second };
        votes[CLASSES.iter().position(|&c| c == winner).expect("a class of the task")] += 1;
    }
    CLASSES[argmax(votes.iter().map(|&n| f64::from(n)))]
}

/// `multiclass` for the manifest, from the number of machines a fit built.
pub fn multiclass(n_machines: usize) -> Value {
    let pairs = CLASSES.len() * (CLASSES.len() - 1) / 2;
    if n_machines == pairs {
        "ovo".into()
    } else {
        format!("{n_machines} machines for {} classes", CLASSES.len()).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vote_is_libsvms() {
        let pairs: Vec<(i64, i64)> = class_pairs().collect();
        assert_eq!(pairs.len(), 45);
        assert_eq!((pairs[0], pairs[8], pairs[9], pairs[44]), ((0, 1), (0, 9), (1, 2), (8, 9)));
        // Every machine favours the larger label where f <= 0: 9 beats all.
        assert_eq!(vote(pairs.iter().map(|&(a, b)| (a, b, 0.0))), 9);
        // 3 wins all of its 9 pairs; the others split.
        let favour = |c: i64| move |&(a, b): &(i64, i64)| (a, b, if a == c { 1.0 } else { -1.0 });
        assert_eq!(vote(pairs.iter().map(favour(3))), 3);
        // A tie between 2 and 7 (one vote each, nothing else): the smaller label wins.
        assert_eq!(vote([(2, 5, 1.0), (5, 7, -1.0)]), 2);
        assert_eq!(vote([(5, 7, -1.0), (2, 5, 1.0)]), 2);
    }

    /// Both rows through the runner core on 400 separable rows (40 of each digit), every timed
    /// repetition hashing to the outputs written.
    #[test]
    fn timed_repetitions_hash_to_the_outputs_written() {
        let mut csv = columns().join(",") + "\n";
        for row in 0..400usize {
            let digit = row % 10;
            let pixels = (0..N_PIXELS).map(|i| {
                let on = i / 6 == digit;
                (if on { 12 } else { 0 } + (i * 7 + row * 3) % 4).to_string()
            });
            csv += &(pixels.collect::<Vec<_>>().join(",") + &format!(",{digit}\n"));
        }
        let split = crate::data::test_file("svm_split.npy", b"");
        crate::data::OutputArray::I64Vector((0..400).collect()).write(&split).unwrap();
        let inputs = serde_json::json!({
            "data": { "path": crate::data::test_file("svm_digits.csv", csv.as_bytes()), "kind": "csv" },
            "split": { "path": split, "kind": "npy" }
        });
        for (implementation, create) in
            [("rust/linfa", rust_linfa as crate::task::Constructor), ("rust/smartcore", rust_smartcore)]
        {
            let mut spec = crate::protocol::test_spec(serde_json::json!({
                "task": "svm-digits", "impl": implementation, "warmup": 1, "repetitions": 3,
                "phases": ["load", "fit", "predict_batch", "predict_single"],
                "params": { "n_train": 350, "single_rows": 3, "C": 1.0, "tol": 0.001, "kernel": "linear" },
                "inputs": inputs
            }))
            .unwrap();
            crate::runner::verify(&mut spec, &[("predict_batch", &["test_pred"])]);
            let out = std::env::temp_dir().join(format!(
                "equibench-svm-test-{}-{}",
                std::process::id(),
                &implementation[5..]
            ));
            std::fs::create_dir_all(&out).unwrap();
            let result = crate::runner::run(&spec, &out, create).unwrap();
            assert_eq!(crate::runner::assert_digests_of_written_outputs(&spec, &result, &out), 1);
            assert_eq!(result.metrics.get("test_accuracy"), Some(&1.0), "{implementation}");
        }
    }

    #[test]
    fn header_has_64_pixels_and_the_digit() {
        let columns = columns();
        assert_eq!(columns.len(), 65);
        assert_eq!((columns[0].as_str(), columns[63].as_str(), columns[64].as_str()), ("p0", "p63", "digit"));
    }
}
