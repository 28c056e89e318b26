//! What the classical ML tasks share (PROTOCOL.md, "Classical ML tasks"):
//! spec checks, the fixed phase sequence, thread reporting, loading a CSV
//! table in split order, and the driver of the supervised tasks
//! (`linreg-california`, `svm-digits`), whose rows differ only in the library
//! calls behind [`SupervisedRow`].

use std::fmt::Debug;

use anyhow::{Result, anyhow, bail};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde_json::{Map, Value};
use smartcore::linalg::basic::matrix::DenseMatrix;

use crate::data::{self, CsvSchema, OutputArray, Table};
use crate::measure::{PhaseLog, Warmup, measure};
use crate::protocol::Spec;
use crate::tasks::{TaskReport, check_outputs};

/// Rejects what no classical row can compute: another dtype or device, other
/// inputs than `roles`, parameters other than `params`, unknown outputs.
pub fn check_spec(spec: &Spec, roles: &[&str], params: &[&str], outputs: &[&str]) -> Result<()> {
    if spec.dtype != "f64" {
        bail!(
            "{} computes {} in f64 only, the spec asks for dtype '{}'",
            spec.implementation,
            spec.task,
            spec.dtype
        );
    }
    if spec.device != "cpu" {
        bail!("{} runs on cpu only, the spec asks for device '{}'", spec.implementation, spec.device);
    }
    spec.check_input_roles(roles)?;
    spec.check_param_names(params)?;
    check_outputs(spec, outputs)
}

// ---------------------------------------------------------------------------
// phases

/// The phases of a task in the one order they can run. Phases the spec lists
/// are measured; the others run once, untimed, because later phases and the
/// outputs need what they compute.
pub struct Phases<'a> {
    spec: &'a Spec,
    results: PhaseLog,
}

impl<'a> Phases<'a> {
    /// Checks the spec's phase list against `order`: known names, in that
    /// order, none twice. The run counts as ready from here (the timeline's
    /// `ready_epoch_ns`): make it just before the first phase.
    pub fn new(spec: &'a Spec, order: &[&str]) -> Result<Phases<'a>> {
        for name in &spec.phases {
            if !order.contains(&name.as_str()) {
                bail!("spec phases: unknown phase '{name}' for {} (known: {})", spec.task, order.join(", "));
            }
        }
        let listed: Vec<&str> =
            order.iter().copied().filter(|p| spec.phases.iter().any(|s| s == p)).collect();
        if spec.phases.iter().map(String::as_str).ne(listed.iter().copied()) {
            bail!("spec phases: {} phases must come in the order {}, each once", spec.task, order.join(", "));
        }
        Ok(Phases { spec, results: PhaseLog::ready() })
    }

    /// Runs phase `name` (measured if the spec lists it) and returns what its last run computed.
    pub fn run<T>(
        &mut self,
        name: &str,
        ops_per_sample: u64,
        mut phase: impl FnMut() -> Result<T>,
    ) -> Result<T> {
        if !self.spec.phases.iter().any(|p| p == name) {
            return phase();
        }
        let mut last = None;
        let result = measure(Warmup::of(self.spec), self.spec.repetitions, ops_per_sample, || {
            last = Some(phase()?);
            Ok(())
        })?;
        self.results.push(name, result);
        Ok(last.expect("measure runs the phase at least once"))
    }

    pub fn into_results(self) -> PhaseLog {
        self.results
    }
}

// ---------------------------------------------------------------------------
// threads and parameters in the runtime manifest

/// Sizes rayon's global pool to the spec's thread count and reads it back.
/// Only linfa's k-means computes on it; rows that do not use rayon leave it unstarted.
pub fn use_rayon_pool(spec: &Spec, report: &mut TaskReport) {
    let requested = spec.threads as usize;
    if let Err(e) = rayon::ThreadPoolBuilder::new().num_threads(requested).build_global() {
        report.notes.push(format!("rayon's global pool was already built, not resized: {e}"));
    }
    let threads = rayon::current_num_threads();
    report.threads_used = u32::try_from(threads).unwrap_or(u32::MAX);
    report.threads_read_back.insert("thread_pool".into(), "rayon global pool".into());
    report.threads_read_back.insert("rayon_current_num_threads".into(), threads.into());
}

/// Records that `library` computes on the calling thread only.
pub fn single_threaded(spec: &Spec, report: &mut TaskReport, library: &str) {
    report.threads_used = 1;
    report.threads_read_back.insert(
        "thread_pool".into(),
        format!("no thread pool: {library} computes on the calling thread").into(),
    );
    if spec.threads > 1 {
        report
            .notes
            .push(format!("{library} is single-threaded here; threads = {} does not apply", spec.threads));
    }
}

/// `runtime.hyperparameters`: named parameter structs as their `Debug` output, plus plain facts.
pub fn hyperparameters(entries: &[(&str, String)]) -> Value {
    Value::Object(
        entries.iter().map(|(k, v)| (k.to_string(), Value::String(v.clone()))).collect::<Map<_, _>>(),
    )
}

/// The value of `field` in a derived `Debug` text (`Name { field: value, … }`),
/// for parameters a library keeps private but prints; `None` where it is not there.
pub fn debug_field<'a>(debug: &'a str, field: &str) -> Option<&'a str> {
    let pattern = format!("{field}: ");
    let start = debug.match_indices(&pattern).find_map(|(at, _)| {
        // A whole field name: `method` must not match inside `other_method`.
        let before = debug[..at].chars().next_back();
        matches!(before, Some(' ' | '{' | '(' | ',')).then_some(at + pattern.len())
    })?;
    let rest = &debug[start..];
    let end = rest.find([',', '}', ')']).unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// The element type of a smartcore matrix, as its Rust name (`f64`).
pub fn dense_element_type<T: Debug + std::fmt::Display + Copy + Sized>(
    _matrix: &DenseMatrix<T>,
) -> &'static str {
    std::any::type_name::<T>()
}

/// The requested outputs, in the spec's order, taken from everything the task produced.
pub fn requested_outputs(spec: &Spec, mut all: Vec<(&str, OutputArray)>) -> Vec<(String, OutputArray)> {
    spec.outputs
        .iter()
        .map(|name| {
            let at =
                all.iter().position(|(n, _)| n == name).expect("outputs were checked against the task's");
            (name.clone(), all.swap_remove(at).1)
        })
        .collect()
}

// ---------------------------------------------------------------------------
// supervised tasks on a CSV table

/// `n_train` and `single_rows`, the parameters every supervised task takes.
#[derive(Clone, Copy, Debug)]
pub struct SplitParams {
    pub n_train: usize,
    pub single_rows: usize,
}

impl SplitParams {
    pub fn from_spec(spec: &Spec) -> Result<SplitParams> {
        Ok(SplitParams {
            n_train: spec.param_usize("n_train")?,
            single_rows: spec.param_usize("single_rows")?,
        })
    }
}

/// Train and test rows in split order; raw features, targets of type `T`
/// (`f64` for regression, `i64` class labels).
#[derive(Debug)]
pub struct Dataset<T> {
    pub train_x: Array2<f64>,
    pub train_y: Array1<T>,
    pub test_x: Array2<f64>,
    pub test_y: Array1<T>,
}

/// Reads a CSV whose last column is a float target (every cell a finite number).
pub fn load_regression(spec: &Spec, columns: &[&str], split: SplitParams) -> Result<Dataset<f64>> {
    let table =
        data::read_csv(spec.input("data", "csv")?, &CsvSchema { columns, label: None, classes: None })?;
    let Table { features, .. } = table;
    let target_col = features.ncols() - 1;
    let target = features.column(target_col).to_owned();
    let features = features.slice_move(ndarray::s![.., ..target_col]);
    split_rows(spec, features, target, split)
}

/// Reads a CSV whose last column is a class label from `classes`.
pub fn load_classification(
    spec: &Spec,
    columns: &[&str],
    classes: &[i64],
    split: SplitParams,
) -> Result<Dataset<i64>> {
    let label = columns.last().copied();
    let table =
        data::read_csv(spec.input("data", "csv")?, &CsvSchema { columns, label, classes: Some(classes) })?;
    let labels = table.labels.expect("the schema has a label column");
    split_rows(spec, table.features, labels, split)
}

/// Orders the rows by the spec's split: train rows `split[..n_train]`, test rows the rest.
fn split_rows<T: Copy>(
    spec: &Spec,
    features: Array2<f64>,
    target: Array1<T>,
    split: SplitParams,
) -> Result<Dataset<T>> {
    let n = features.nrows();
    let order = data::read_split(spec.input("split", "npy")?, n)?;
    if split.n_train >= n {
        bail!("spec params.n_train: {} leaves no test rows ({n} data rows)", split.n_train);
    }
    let n_test = n - split.n_train;
    if split.single_rows > n_test {
        bail!("spec params.single_rows: {} is more than the {n_test} test rows", split.single_rows);
    }
    let (train, test) = order.split_at(split.n_train);
    Ok(Dataset {
        train_x: features.select(Axis(0), train),
        train_y: target.select(Axis(0), train),
        test_x: features.select(Axis(0), test),
        test_y: target.select(Axis(0), test),
    })
}

/// The rows in smartcore's own types, converted once in `load`.
pub struct SmartcoreRows<T> {
    pub train_x: DenseMatrix<f64>,
    pub train_y: Vec<T>,
    pub test_x: DenseMatrix<f64>,
    /// The first `single_rows` test rows, each a one-row matrix for `predict_single`.
    pub single: Vec<DenseMatrix<f64>>,
}

impl<T: Copy> SmartcoreRows<T> {
    pub fn new(data: &Dataset<T>, single_rows: usize) -> Result<SmartcoreRows<T>> {
        let single = (0..single_rows)
            .map(|i| dense_matrix(data.test_x.slice(ndarray::s![i..i + 1, ..])))
            .collect::<Result<_>>()?;
        Ok(SmartcoreRows {
            train_x: dense_matrix(data.train_x.view())?,
            train_y: data.train_y.to_vec(),
            test_x: dense_matrix(data.test_x.view())?,
            single,
        })
    }

    pub fn x(&self, rows: Rows) -> &DenseMatrix<f64> {
        match rows {
            Rows::Train => &self.train_x,
            Rows::Test => &self.test_x,
        }
    }
}

/// A smartcore matrix with the values of `x`, column-major as smartcore's own
/// constructors (`from_2d_array`, `from_2d_vec`) lay them out.
pub fn dense_matrix(x: ArrayView2<f64>) -> Result<DenseMatrix<f64>> {
    let column_major: Vec<f64> = x.t().iter().copied().collect();
    DenseMatrix::new(x.nrows(), x.ncols(), column_major, true).map_err(|e| anyhow!("smartcore: {e}"))
}

/// A prediction value that can be compared and reported.
pub trait Prediction: Copy + PartialEq + Debug {
    fn as_f64(self) -> f64;
}

impl Prediction for f64 {
    fn as_f64(self) -> f64 {
        self
    }
}

impl Prediction for i64 {
    fn as_f64(self) -> f64 {
        self as f64
    }
}

/// The loaded data: the split dataset as ndarray arrays, and the same rows in
/// the library's own types where it has them (built in `load`, outside `fit`).
pub struct Loaded<T, D> {
    pub data: Dataset<T>,
    pub prepared: D,
}

/// Which rows to predict.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rows {
    Train,
    Test,
}

/// Facts read from a fitted model: extra outputs, metrics and notes.
#[derive(Default)]
pub struct ModelFacts {
    pub outputs: Vec<(&'static str, OutputArray)>,
    pub metrics: Vec<(&'static str, f64)>,
    pub notes: Vec<String>,
}

/// One library's implementation of a supervised task.
pub trait SupervisedRow {
    type Target: Prediction;
    /// The rows in the library's own types (`()` where it takes ndarray arrays).
    type Prepared;
    /// A fitted model. It may borrow the row (its parameters) and the data:
    /// smartcore's SVC keeps references to both.
    type Model<'a>
    where
        Self: 'a;

    /// Converts the data for the library; runs inside `load`. `single_rows` test
    /// rows will be predicted one by one.
    fn prepare(&self, data: &Dataset<Self::Target>, single_rows: usize) -> Result<Self::Prepared>;
    fn fit<'a>(&'a self, loaded: &'a Loaded<Self::Target, Self::Prepared>) -> Result<Self::Model<'a>>;
    fn predict(
        &self,
        model: &Self::Model<'_>,
        loaded: &Loaded<Self::Target, Self::Prepared>,
        rows: Rows,
    ) -> Result<Array1<Self::Target>>;
    /// Predicts test row `row` on its own.
    fn predict_one(
        &self,
        model: &Self::Model<'_>,
        loaded: &Loaded<Self::Target, Self::Prepared>,
        row: usize,
    ) -> Result<Self::Target>;
    fn facts(&self, _model: &Self::Model<'_>) -> ModelFacts {
        ModelFacts::default()
    }
    /// The element type the model computed in (manifest `dtype`), read from
    /// the fitted model or the arrays it was fitted on.
    fn dtype(&self, model: &Self::Model<'_>, loaded: &Loaded<Self::Target, Self::Prepared>) -> &'static str;
    /// The task's hyperparameters under PROTOCOL.md's names (manifest `hp.*`),
    /// read back from the library's parameter structs and the fitted model.
    fn manifest_hp(&self, model: &Self::Model<'_>) -> Vec<(&'static str, Value)>;
}

/// What a supervised run computed, owned, once the model is gone.
pub struct SupervisedRun<T> {
    pub data: Dataset<T>,
    pub test_pred: Array1<T>,
    /// Predictions for the train rows, when asked for (untimed).
    pub train_pred: Option<Array1<T>>,
    pub facts: ModelFacts,
    pub dtype: &'static str,
    pub hp: Vec<(&'static str, Value)>,
    pub phases: PhaseLog,
    pub notes: Vec<String>,
}

/// Runs `load`, `fit`, `predict_batch`, `predict_single` (PROTOCOL.md) for `row`;
/// `load_data` reads and splits the task's data.
pub fn run_supervised<R: SupervisedRow>(
    spec: &Spec,
    row: &R,
    split: SplitParams,
    with_train_pred: bool,
    mut load_data: impl FnMut() -> Result<Dataset<R::Target>>,
) -> Result<SupervisedRun<R::Target>> {
    let mut phases = Phases::new(spec, &["load", "fit", "predict_batch", "predict_single"])?;
    let loaded = phases.run("load", 1, || {
        let data = load_data()?;
        let prepared = row.prepare(&data, split.single_rows)?;
        Ok(Loaded { data, prepared })
    })?;
    let model = phases.run("fit", 1, || row.fit(&loaded))?;
    let test_pred = phases.run("predict_batch", 1, || row.predict(&model, &loaded, Rows::Test))?;
    let single_pred = phases.run("predict_single", split.single_rows as u64, || {
        (0..split.single_rows).map(|i| row.predict_one(&model, &loaded, i)).collect::<Result<Array1<_>>>()
    })?;

    let train_pred = if with_train_pred { Some(row.predict(&model, &loaded, Rows::Train)?) } else { None };
    let facts = row.facts(&model);
    let (dtype, hp) = (row.dtype(&model, &loaded), row.manifest_hp(&model));
    drop(model);
    let notes = single_vs_batch(&single_pred, &test_pred).into_iter().collect();
    Ok(SupervisedRun {
        data: loaded.data,
        test_pred,
        train_pred,
        facts,
        dtype,
        hp,
        phases: phases.into_results(),
        notes,
    })
}

/// A note where rows predicted alone differ from the same rows predicted in the batch.
fn single_vs_batch<T: Prediction>(single: &Array1<T>, batch: &Array1<T>) -> Option<String> {
    let pairs = single.iter().zip(batch.iter()).filter(|(s, b)| s != b);
    let (differ, largest) =
        pairs.fold((0, 0.0f64), |(n, largest), (s, b)| (n + 1, largest.max((s.as_f64() - b.as_f64()).abs())));
    (differ > 0).then(|| {
        format!(
            "predict_single and predict_batch differ on {differ} of the first {} test rows (by up to {largest:.3e})",
            single.len()
        )
    })
}

/// Fraction of equal entries.
pub fn accuracy(pred: &Array1<i64>, truth: &Array1<i64>) -> f64 {
    let correct = pred.iter().zip(truth).filter(|(p, t)| p == t).count();
    correct as f64 / truth.len() as f64
}

/// Index of the largest value; the first one wins ties.
pub fn argmax(values: impl IntoIterator<Item = f64>) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, v) in values.into_iter().enumerate() {
        if v > best.1 || i == 0 {
            best = (i, v);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(phases: &[&str]) -> Spec {
        let json = serde_json::json!({
            "protocol": 1, "task": "t", "impl": "i", "device": "cpu", "dtype": "f64", "threads": 1,
            "warmup": 1, "repetitions": 2, "phases": phases, "inputs": {}, "params": {}, "outputs": []
        });
        Spec::from_json(&json.to_string(), std::path::Path::new("spec.json")).unwrap()
    }

    #[test]
    fn phases_run_in_order_and_unlisted_ones_once_untimed() {
        let s = spec(&["load", "predict"]);
        let mut phases = Phases::new(&s, &["load", "fit", "predict"]).unwrap();
        let mut runs = [0; 3];
        for (i, name) in ["load", "fit", "predict"].iter().enumerate() {
            let value = phases
                .run(name, 1, || {
                    runs[i] += 1;
                    Ok(runs[i])
                })
                .unwrap();
            assert_eq!(value, runs[i], "the last run's value comes back");
        }
        assert_eq!(runs, [3, 1, 3]);
        let (results, timeline) = phases.into_results().into_parts();
        let names: Vec<&str> = results.0.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(timeline.phases.0.len(), 2);
        assert_eq!(names, ["load", "predict"]);
    }

    #[test]
    fn phases_reject_unknown_reordered_and_repeated_names() {
        let order = &["load", "fit", "predict"];
        let err = |phases: &[&str]| Phases::new(&spec(phases), order).err().unwrap().to_string();
        assert!(err(&["load", "train"]).contains("unknown phase 'train'"));
        assert!(err(&["fit", "load"]).contains("must come in the order load, fit, predict"));
        assert!(err(&["load", "load"]).contains("each once"));
    }

    #[test]
    fn single_vs_batch_note_counts_differences() {
        let a = ndarray::array![1.0, 2.0, 3.0];
        assert_eq!(single_vs_batch(&a, &ndarray::array![1.0, 2.0, 3.0, 4.0]), None);
        let note = single_vs_batch(&a, &ndarray::array![1.0, 2.5, 3.0, 4.0]).unwrap();
        assert_eq!(
            note,
            "predict_single and predict_batch differ on 1 of the first 3 test rows (by up to 5.000e-1)"
        );
    }

    #[test]
    fn reads_fields_from_debug_text() {
        let debug = "SvmValidParams { c: Some((1.0, 1.0)), kernel: KernelParams { kind: Dense, method: Linear, \
                     nn_algo: KdTree }, other_method: Gaussian(2.0) }";
        assert_eq!(debug_field(debug, "method"), Some("Linear"));
        assert_eq!(debug_field(debug, "kind"), Some("Dense"));
        assert_eq!(debug_field("LinearRegression { fit_intercept: true }", "fit_intercept"), Some("true"));
        assert_eq!(debug_field(debug, "nu"), None);
    }

    #[test]
    fn argmax_first_index_wins_ties() {
        assert_eq!(argmax([0.1, 0.5, 0.5]), 1);
        assert_eq!(argmax([-1.0, -3.0, -0.5]), 2);
        assert_eq!(argmax([f64::NEG_INFINITY, f64::NEG_INFINITY]), 0);
    }
}
