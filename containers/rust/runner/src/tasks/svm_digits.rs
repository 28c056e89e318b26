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

use anyhow::{Result, anyhow, bail};
use linfa::traits::Fit;
use linfa::{DatasetBase, ParamGuard};
use linfa_svm::{Svm, SvmValidParams};
use ndarray::{Array1, Array2, ArrayView1, Axis};
use serde_json::Value;
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::svm::Kernels;
use smartcore::svm::svc::{SVC, SVCParameters};

use crate::data::OutputArray;
use crate::protocol::Spec;
use crate::runtime::element_type;
use crate::tasks::TaskReport;
use crate::tasks::classical::{
    self, Dataset, Loaded, ModelFacts, Rows, SmartcoreRows, SplitParams, SupervisedRow, SupervisedRun,
};

const N_PIXELS: usize = 64;
const CLASSES: &[i64] = &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const INPUTS: &[&str] = &["data", "split"];
const PARAMS: &[&str] = &["n_train", "single_rows", "C", "tol", "kernel"];
const OUTPUTS: &[&str] = &["test_pred"];
/// Seeds the order in which smartcore's LaSVM visits the rows.
const SMARTCORE_SEED: u64 = 42;
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
        classical::check_spec(spec, INPUTS, PARAMS, OUTPUTS)?;
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

/// `rust/linfa`: one-vs-one over linfa-svm's binary SMO.
pub fn run_linfa(spec: &Spec) -> Result<TaskReport> {
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
    let mut report = TaskReport::new("linfa-svm", 1);
    classical::single_threaded(spec, &mut report, "linfa-svm");
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
    finish(spec, &params, &row, report)
}

/// `rust/smartcore`: one-vs-one over smartcore's binary `SVC`.
pub fn run_smartcore(spec: &Spec) -> Result<TaskReport> {
    let params = Params::from_spec(spec)?;
    // The seed fixes the order in which LaSVM visits the rows; epoch stays at smartcore's default (2).
    let parameters = SVCParameters::default()
        .with_c(params.c)
        .with_tol(params.tol)
        .with_kernel(Kernels::linear())
        .with_seed(Some(SMARTCORE_SEED));
    let row = SmartcoreOneVsOne { parameters };
    let mut report = TaskReport::new("smartcore", 1);
    classical::single_threaded(spec, &mut report, "smartcore");
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
    finish(spec, &params, &row, report)
}

/// Runs the phases and fills the report: test predictions, test and train accuracy.
fn finish<R: SupervisedRow<Target = i64>>(
    spec: &Spec,
    params: &Params,
    row: &R,
    mut report: TaskReport,
) -> Result<TaskReport> {
    let columns = columns();
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    let SupervisedRun { data, test_pred, train_pred, facts, dtype, hp, phases, notes } =
        classical::run_supervised(spec, row, params.split, true, || {
            classical::load_classification(spec, &columns, CLASSES, params.split)
        })?;
    let train_pred = train_pred.expect("asked for the train predictions");
    report.metrics.push("test_accuracy", classical::accuracy(&test_pred, &data.test_y));
    report.metrics.push("train_accuracy", classical::accuracy(&train_pred, &data.train_y));
    for (name, value) in facts.metrics {
        report.metrics.push(name, value);
    }
    report.phases = phases;
    report.dtype = Some(dtype);
    report.hp = hp;
    report.notes.extend(notes.into_iter().chain(facts.notes));
    let mut all = facts.outputs;
    all.push(("test_pred", OutputArray::I64Vector(test_pred)));
    report.outputs = classical::requested_outputs(spec, all);
    Ok(report)
}

/// The pairs of classes in libsvm's order: (0, 1), (0, 2), …, (8, 9).
fn class_pairs() -> impl Iterator<Item = (i64, i64)> {
    CLASSES
        .iter()
        .enumerate()
        .flat_map(|(i, &first)| CLASSES[i + 1..].iter().map(move |&second| (first, second)))
}

/// libsvm's vote over one row's pairwise decisions `(first, second, f)`: `first`
/// gets the vote where f > 0, `second` otherwise; the most votes wins, the
/// smallest label among ties.
fn vote(decisions: impl IntoIterator<Item = (i64, i64, f64)>) -> i64 {
    let mut votes = [0u32; CLASSES.len()];
    for (first, second, f) in decisions {
        let winner = if f > 0.0 { first } else { second };
        votes[CLASSES.iter().position(|&c| c == winner).expect("a class of the task")] += 1;
    }
    CLASSES[classical::argmax(votes.iter().map(|&n| f64::from(n)))]
}

/// `multiclass` for the manifest, from the number of machines a fit built.
fn multiclass(n_machines: usize) -> Value {
    let pairs = CLASSES.len() * (CLASSES.len() - 1) / 2;
    if n_machines == pairs {
        "ovo".into()
    } else {
        format!("{n_machines} machines for {} classes", CLASSES.len()).into()
    }
}

// ---------------------------------------------------------------------------
// rust/linfa

struct LinfaOneVsOne {
    svm: SvmValidParams<f64, bool>,
}

/// One binary machine per pair of classes, trained with `first` (the smaller
/// label) as linfa's positive class: its decision value `w·x − rho` is > 0
/// where it favours `first`.
struct PairSvm {
    first: i64,
    second: i64,
    svm: Svm<f64, bool>,
}

impl LinfaOneVsOne {
    /// libsvm's vote of the 45 machines on one row.
    fn classify(machines: &[PairSvm], row: ArrayView1<f64>) -> i64 {
        vote(machines.iter().map(|m| (m.first, m.second, m.svm.weighted_sum(&row) - m.svm.rho)))
    }

    /// The rows of one pair of classes as libsvm groups them: every train row
    /// of `first` in train order, then every one of `second`; targets true for `first`.
    fn pair_rows(data: &Dataset<i64>, first: i64, second: i64) -> (Array2<f64>, Array1<bool>) {
        let rows: Vec<usize> = [first, second]
            .iter()
            .flat_map(|&class| (0..data.train_y.len()).filter(move |&r| data.train_y[r] == class))
            .collect();
        let x = data.train_x.select(Axis(0), &rows);
        let y = rows.iter().map(|&r| data.train_y[r] == first).collect();
        (x, y)
    }
}

impl SupervisedRow for LinfaOneVsOne {
    type Target = i64;
    type Prepared = ();
    type Model<'a> = Vec<PairSvm>;

    fn prepare(&self, _data: &Dataset<i64>, _single_rows: usize) -> Result<()> {
        Ok(())
    }

    /// Groups the train rows by pair inside `fit`, as libsvm's `svm_train` does.
    fn fit<'a>(&'a self, loaded: &'a Loaded<i64, ()>) -> Result<Self::Model<'a>> {
        class_pairs()
            .map(|(first, second)| {
                let (x, y) = Self::pair_rows(&loaded.data, first, second);
                let svm = self
                    .svm
                    .fit(&DatasetBase::new(x.view(), y.view()))
                    .map_err(|e| anyhow!("linfa-svm, classes {first} and {second}: {e}"))?;
                Ok(PairSvm { first, second, svm })
            })
            .collect()
    }

    fn predict(
        &self,
        machines: &Self::Model<'_>,
        loaded: &Loaded<i64, ()>,
        rows: Rows,
    ) -> Result<Array1<i64>> {
        let x = match rows {
            Rows::Train => &loaded.data.train_x,
            Rows::Test => &loaded.data.test_x,
        };
        Ok(x.rows().into_iter().map(|row| Self::classify(machines, row)).collect())
    }

    fn predict_one(&self, machines: &Self::Model<'_>, loaded: &Loaded<i64, ()>, row: usize) -> Result<i64> {
        Ok(Self::classify(machines, loaded.data.test_x.row(row)))
    }

    fn facts(&self, machines: &Self::Model<'_>) -> ModelFacts {
        let mut facts = ModelFacts::default();
        // linfa keeps the iteration count private but prints it (Display).
        let iterations: Option<Vec<(usize, bool)>> =
            machines.iter().map(|m| smo_iterations(&m.svm.to_string())).collect();
        match iterations {
            Some(iterations) => {
                facts.metrics.push(("n_iter", iterations.iter().map(|&(n, _)| n as f64).sum()));
                let capped = iterations.iter().filter(|&&(_, capped)| capped).count();
                if capped > 0 {
                    facts
                        .notes
                        .push(format!("{capped} of the binary SVMs stopped at linfa's iteration limit"));
                }
            }
            None => {
                facts.notes.push("n_iter unavailable: linfa-svm's summary line did not parse".to_string())
            }
        }
        facts
    }

    fn dtype(&self, machines: &Self::Model<'_>, loaded: &Loaded<i64, ()>) -> &'static str {
        match machines.first() {
            Some(m) => std::any::type_name_of_val(&m.svm.rho),
            None => element_type(&loaded.data.train_x),
        }
    }

    /// C and eps from linfa's parameter struct; the kernel, which linfa keeps
    /// private, from its `Debug` output.
    fn manifest_hp(&self, machines: &Self::Model<'_>) -> Vec<(&'static str, Value)> {
        let c = match self.svm.c() {
            Some((pos, neg)) if pos == neg => pos.into(),
            Some((pos, neg)) => format!("{pos} (positive class), {neg} (negative class)").into(),
            None => "none (nu-SVM)".into(),
        };
        let solver = self.svm.solver_params();
        let kernel = format!("{:?}", self.svm.kernel_params());
        let kernel = classical::debug_field(&kernel, "method").map_or(kernel.clone(), str::to_lowercase);
        let shrinking = if solver.shrinking { "shrinking on" } else { "shrinking off" };
        vec![
            ("C", c),
            ("tol", solver.eps.into()),
            ("kernel", kernel.into()),
            ("multiclass", multiclass(machines.len())),
            ("solver", format!("linfa smo ({shrinking})").into()),
        ]
    }
}

/// Iterations from linfa-svm's summary ("Exited after N iterations …" or
/// "Reached maximal iterations N …"), and whether the limit was hit.
fn smo_iterations(summary: &str) -> Option<(usize, bool)> {
    let (rest, capped) = if let Some(rest) = summary.strip_prefix("Exited after ") {
        (rest, false)
    } else {
        (summary.strip_prefix("Reached maximal iterations ")?, true)
    };
    let n = rest.split(' ').next()?.parse().ok()?;
    Some((n, capped))
}

// ---------------------------------------------------------------------------
// rust/smartcore

type SmartcoreParameters = SVCParameters<f64, i64, DenseMatrix<f64>, Vec<i64>>;
type BinarySvc<'a> = SVC<'a, f64, i64, DenseMatrix<f64>, Vec<i64>>;

struct SmartcoreOneVsOne {
    parameters: SmartcoreParameters,
}

/// The train rows of one pair of classes, as smartcore's `MultiClassSVC` picks
/// them: rows of either class in train order, `first` (the smaller label) the
/// positive class. Encoded 1 for `first`, 0 for `second`, binary `SVC::fit`
/// (which takes the larger of the two sorted labels as positive) trains the
/// same machine, visiting the rows in the same seeded order.
struct PairRows {
    first: i64,
    second: i64,
    x: DenseMatrix<f64>,
    y: Vec<i64>,
}

struct SmartcoreSvcRows {
    rows: SmartcoreRows<i64>,
    pairs: Vec<PairRows>,
}

/// One binary machine per pair of classes; `first` wins where its decision value is > 0.
struct PairSvc<'a> {
    first: i64,
    second: i64,
    svc: BinarySvc<'a>,
}

impl SmartcoreOneVsOne {
    /// libsvm's vote of the 45 machines on every row of `x`.
    fn vote(machines: &[PairSvc<'_>], x: &DenseMatrix<f64>) -> Result<Array1<i64>> {
        let decisions = machines
            .iter()
            .map(|m| m.svc.decision_function(x).map_err(|e| anyhow!("smartcore decision_function: {e}")))
            .collect::<Result<Vec<Vec<f64>>>>()?;
        let n_rows = decisions.first().map_or(0, Vec::len);
        Ok((0..n_rows)
            .map(|row| vote(machines.iter().zip(&decisions).map(|(m, f)| (m.first, m.second, f[row]))))
            .collect())
    }
}

impl SupervisedRow for SmartcoreOneVsOne {
    type Target = i64;
    type Prepared = SmartcoreSvcRows;
    type Model<'a> = Vec<PairSvc<'a>>;

    /// Converts the rows, and groups the train rows by pair of classes (45
    /// small matrices): smartcore's SVC borrows its training data for as long
    /// as the model lives, so the pairs' rows are built here, before `fit`.
    fn prepare(&self, data: &Dataset<i64>, single_rows: usize) -> Result<SmartcoreSvcRows> {
        let pairs = class_pairs()
            .map(|(first, second)| {
                let rows: Vec<usize> = (0..data.train_y.len())
                    .filter(|&r| data.train_y[r] == first || data.train_y[r] == second)
                    .collect();
                let x = classical::dense_matrix(data.train_x.select(Axis(0), &rows).view())?;
                let y = rows.iter().map(|&r| i64::from(data.train_y[r] == first)).collect();
                Ok(PairRows { first, second, x, y })
            })
            .collect::<Result<_>>()?;
        Ok(SmartcoreSvcRows { rows: SmartcoreRows::new(data, single_rows)?, pairs })
    }

    fn fit<'a>(&'a self, loaded: &'a Loaded<i64, SmartcoreSvcRows>) -> Result<Self::Model<'a>> {
        loaded
            .prepared
            .pairs
            .iter()
            .map(|pair| {
                let svc = SVC::fit(&pair.x, &pair.y, &self.parameters).map_err(|e| {
                    anyhow!("smartcore SVC::fit, classes {} and {}: {e}", pair.first, pair.second)
                })?;
                Ok(PairSvc { first: pair.first, second: pair.second, svc })
            })
            .collect()
    }

    fn predict(
        &self,
        machines: &Self::Model<'_>,
        loaded: &Loaded<i64, SmartcoreSvcRows>,
        rows: Rows,
    ) -> Result<Array1<i64>> {
        Self::vote(machines, loaded.prepared.rows.x(rows))
    }

    fn predict_one(
        &self,
        machines: &Self::Model<'_>,
        loaded: &Loaded<i64, SmartcoreSvcRows>,
        row: usize,
    ) -> Result<i64> {
        Ok(Self::vote(machines, &loaded.prepared.rows.single[row])?[0])
    }

    fn dtype(&self, _machines: &Self::Model<'_>, loaded: &Loaded<i64, SmartcoreSvcRows>) -> &'static str {
        classical::dense_element_type(&loaded.prepared.rows.train_x)
    }

    /// C, tol, the kernel and the number of LaSVM passes from smartcore's parameter struct.
    fn manifest_hp(&self, machines: &Self::Model<'_>) -> Vec<(&'static str, Value)> {
        let p = &self.parameters;
        let kernel = match &p.kernel {
            Some(kernel) => format!("{kernel:?}").to_lowercase(),
            None => "none".to_string(),
        };
        vec![
            ("C", p.c.into()),
            ("tol", p.tol.into()),
            ("kernel", kernel.into()),
            ("multiclass", multiclass(machines.len())),
            ("solver", format!("smartcore lasvm ({} epochs)", p.epoch).into()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_linfa_svm_iterations() {
        assert_eq!(
            smo_iterations("Exited after 1234 iterations with obj = -3.5 and 40 support vectors"),
            Some((1234, false))
        );
        assert_eq!(
            smo_iterations("Reached maximal iterations 10000000 with obj = -3.5 and 40 support vectors"),
            Some((10_000_000, true))
        );
        assert_eq!(smo_iterations("something else"), None);
    }

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

    #[test]
    fn linfa_pairs_put_the_smaller_label_first_as_positive() {
        let data = Dataset {
            train_x: ndarray::array![[0.0], [1.0], [2.0], [3.0], [4.0]],
            train_y: ndarray::array![7, 2, 7, 5, 2],
            test_x: ndarray::array![[0.0]],
            test_y: ndarray::array![2],
        };
        let (x, y) = LinfaOneVsOne::pair_rows(&data, 2, 7);
        assert_eq!(x, ndarray::array![[1.0], [4.0], [0.0], [2.0]]);
        assert_eq!(y, ndarray::array![true, true, false, false]);
    }

    #[test]
    fn header_has_64_pixels_and_the_digit() {
        let columns = columns();
        assert_eq!(columns.len(), 65);
        assert_eq!((columns[0].as_str(), columns[63].as_str(), columns[64].as_str()), ("p0", "p63", "digit"));
    }
}
