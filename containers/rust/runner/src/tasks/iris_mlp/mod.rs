//! Task `iris-mlp` (PROTOCOL.md): an MLP (4 inputs, `hidden` ReLU units,
//! 3 softmax outputs) trained with plain mini-batch SGD on Iris.
//!
//! `rust/pure` is plain Rust on f64: ndarray only provides contiguous storage,
//! all arithmetic is explicit loops over slices (no BLAS). The loops are
//! written so that the innermost one runs over a contiguous row, which LLVM
//! vectorises. Every buffer is allocated once after `load`; `train`,
//! `infer_single` and `infer_batch` never allocate.
//!
//! The arithmetic is the NumPy reference's; only the order of summation in
//! the matrix products differs, so results agree to rounding error.

mod kernels;
mod model;

use anyhow::{Context, Result, bail};
use ndarray::{Array1, Array2};
use serde_json::Value;

use crate::data::{self, CsvSchema, OutputArray};
use crate::protocol::Spec;
use crate::task::{Compute, Report, Task};
use crate::tasks::shared::{accuracy, element_type};
use model::{Dataset, Model, Weights};

const COLUMNS: &[&str] = &["sepal_length", "sepal_width", "petal_length", "petal_width", "species"];
const CLASSES: &[i64] = &[0, 1, 2];
const PHASES: &[&str] = &["load", "train", "infer_single", "infer_batch"];
const OUTPUTS: &[&str] =
    &["W1", "b1", "W2", "b2", "loss_curve", "train_x", "train_pred", "test_pred", "test_proba"];

pub struct Params {
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
    pub hidden: usize,
    pub n_train: usize,
}

impl Params {
    fn from_spec(spec: &Spec) -> Result<Params> {
        Ok(Params {
            epochs: spec.param_usize("epochs")?,
            batch_size: spec.param_usize("batch_size")?,
            learning_rate: spec.param_positive_f64("learning_rate")?,
            hidden: spec.param_usize("hidden")?,
            n_train: spec.param_usize("n_train")?,
        })
    }
}

/// `rust/pure`.
pub fn rust_pure(spec: &Spec) -> Result<Box<dyn Task + '_>> {
    if spec.dtype != "f64" {
        bail!("rust/pure implements iris-mlp in f64 only, spec asks for dtype '{}'", spec.dtype);
    }
    if spec.device != "cpu" {
        bail!("rust/pure runs on cpu only, spec asks for device '{}'", spec.device);
    }
    let params = Params::from_spec(spec)?;
    Ok(Box::new(IrisMlp { spec, params, loaded: None, model: None }))
}

struct IrisMlp<'s> {
    spec: &'s Spec,
    params: Params,
    /// What the last run of `load` read.
    loaded: Option<(Dataset, Weights)>,
    /// Built once `load` is done.
    model: Option<Model>,
}

impl IrisMlp<'_> {
    fn model(&mut self) -> &mut Model {
        self.model.as_mut().expect("the core runs load first")
    }
}

impl Task for IrisMlp<'_> {
    fn phases(&self) -> &'static [&'static str] {
        PHASES
    }

    fn outputs(&self) -> &'static [&'static str] {
        OUTPUTS
    }

    fn run_phase(&mut self, name: &str) -> Result<()> {
        match name {
            "load" => self.loaded = Some(load(self.spec, &self.params)?),
            "train" => self.model().train(),
            "infer_single" => self.model().infer_single(),
            "infer_batch" => self.model().infer_batch(),
            other => unreachable!("iris-mlp has no phase '{other}'"),
        }
        Ok(())
    }

    fn ops_per_sample(&self, name: &str) -> u64 {
        match (name, &self.model) {
            ("infer_single", Some(model)) => model.data.test_y.len() as u64,
            _ => 1,
        }
    }

    /// The buffers are allocated here, outside every timed phase.
    fn phase_done(&mut self, name: &str) -> Result<()> {
        if name == "load" {
            let (data, init) = self.loaded.take().expect("load ran");
            self.model = Some(Model::new(data, init, &self.params));
        }
        Ok(())
    }

    fn phase_outputs(&self, phase: &str) -> Result<Vec<(&'static str, OutputArray)>> {
        use OutputArray::{F64Matrix, F64Vector, I64Vector};
        if phase == "load" {
            // Until `phase_done` builds the model, the last load's data is in `loaded`.
            let data = self.loaded.as_ref().map(|(data, _)| data).or(self.model.as_ref().map(|m| &m.data));
            return Ok(data
                .map(|data| vec![("train_x", F64Matrix(data.train_x.clone()))])
                .unwrap_or_default());
        }
        let Some(model) = &self.model else { return Ok(Vec::new()) };
        Ok(match phase {
            "train" => {
                let w = &model.weights;
                vec![
                    ("W1", F64Matrix(w.w1.clone())),
                    ("b1", F64Vector(w.b1.clone())),
                    ("W2", F64Matrix(w.w2.clone())),
                    ("b2", F64Vector(w.b2.clone())),
                    ("loss_curve", F64Vector(model.loss_curve.clone())),
                ]
            }
            "infer_batch" => vec![
                ("test_pred", I64Vector(model.batch_pred.clone())),
                ("test_proba", F64Matrix(model.batch_proba.clone())),
            ],
            _ => Vec::new(),
        })
    }

    fn report(self: Box<Self>) -> Result<Report> {
        let mut outputs = self.outputs_of(&["load", "train", "infer_batch"])?;
        let mut model = self.model.expect("the core ran every phase");
        let mut report = Report::new("ndarray", Compute::CallingThread { library: "rust/pure" });
        report.dtype = Some(element_type(&model.weights.w1));
        report.hp = manifest_hp(&model, &self.params);
        if model.single_pred != model.batch_pred {
            report.notes.push("infer_single and infer_batch predictions differ".to_string());
        }
        model.predict_train();
        let labels = |y: &[usize]| y.iter().map(|&c| c as i64).collect::<Array1<i64>>();
        report.metrics.push("train_accuracy", accuracy(&model.train_pred, &labels(&model.data.train_y)));
        report.metrics.push("test_accuracy", accuracy(&model.batch_pred, &labels(&model.data.test_y)));
        // train_pred is no phase's: predicted here, from the trained weights.
        outputs.push(("train_pred", OutputArray::I64Vector(model.train_pred)));
        report.outputs = outputs;
        Ok(report)
    }
}

/// The iris-mlp hyperparameters (manifest `hp.*`): no framework object holds
/// them, so they are the values `train` runs with, and what it does not do
/// (momentum, L2, shuffling, early stopping).
fn manifest_hp(model: &Model, params: &Params) -> Vec<(&'static str, Value)> {
    vec![
        ("epochs", model.loss_curve.len().into()),
        ("batch_size", params.batch_size.into()),
        ("learning_rate", model.learning_rate.into()),
        ("momentum", 0.0.into()),
        ("nesterov", false.into()),
        ("l2", 0.0.into()),
        ("shuffle", false.into()),
        ("early_stopping", "none".into()),
        ("hidden", model.weights.w1.ncols().into()),
        ("activation", "relu".into()),
        ("init", "injected".into()),
    ]
}

/// `load`: reads the CSV, the split and the initial weights; splits and z-scores.
fn load(spec: &Spec, params: &Params) -> Result<(Dataset, Weights)> {
    let csv = spec.input("data", "csv")?;
    let table =
        data::read_csv(csv, &CsvSchema { columns: COLUMNS, label: Some("species"), classes: Some(CLASSES) })?;
    let labels = table.labels.expect("schema has a label column");
    let (n, d) = table.features.dim();

    let split = data::read_split(spec.input("split", "npy")?, n)?;
    if params.n_train >= n {
        bail!(
            "spec params.n_train: {} leaves no test rows ({} rows in {})",
            params.n_train,
            n,
            csv.display()
        );
    }
    let (train_rows, test_rows) = split.split_at(params.n_train);

    let gather = |rows: &[usize]| {
        let x = Array2::from_shape_fn((rows.len(), d), |(i, j)| table.features[[rows[i], j]]);
        let y = rows.iter().map(|&r| labels[r] as usize).collect::<Vec<_>>();
        (x, y)
    };
    let (mut train_x, train_y) = gather(train_rows);
    let (mut test_x, test_y) = gather(test_rows);
    zscore(&mut train_x, &mut test_x).with_context(|| format!("{}", csv.display()))?;

    let (h, k) = (params.hidden, CLASSES.len());
    let init = Weights {
        w1: read_weight(spec, "W1", &[d, h])?,
        b1: read_weight(spec, "b1", &[h])?,
        w2: read_weight(spec, "W2", &[h, k])?,
        b2: read_weight(spec, "b2", &[k])?,
    };
    Ok((Dataset { train_x, train_y, test_x, test_y }, init))
}

/// Standardises columns with the train mean and population std (ddof = 0).
fn zscore(train: &mut Array2<f64>, test: &mut Array2<f64>) -> Result<()> {
    let n = train.nrows() as f64;
    let columns = train.columns_mut().into_iter().zip(test.columns_mut());
    for (col, (mut train_col, mut test_col)) in columns.enumerate() {
        let mean = train_col.sum() / n;
        let var = train_col.iter().map(|&x| (x - mean) * (x - mean)).sum::<f64>() / n;
        let std = var.sqrt();
        if std == 0.0 {
            let name = COLUMNS.get(col).unwrap_or(&"?");
            bail!("column {} ({name}) is constant over the train rows, cannot standardise", col + 1);
        }
        for x in train_col.iter_mut().chain(test_col.iter_mut()) {
            *x = (*x - mean) / std;
        }
    }
    Ok(())
}

/// Reads an initial weight array of the expected shape (1-D or 2-D).
fn read_weight<D: ndarray::Dimension>(
    spec: &Spec,
    role: &str,
    shape: &[usize],
) -> Result<ndarray::Array<f64, D>> {
    let path = spec.input(role, "npy")?;
    let array: ndarray::Array<f64, D> = data::read_npy(path)?;
    if array.shape() != shape {
        bail!("{}: {role} has shape {:?}, expected {:?}", path.display(), array.shape(), shape);
    }
    Ok(array)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{OutputArray, test_file};
    use serde_json::json;

    /// A spec on 15 iris-like rows (12 train, 3 test), 5 hidden units, `phases` measured.
    fn small_spec(phases: &[&str]) -> Spec {
        let wave = |i: usize| ((i as f64) * 0.731).sin();
        let mut csv = COLUMNS.join(",") + "\n";
        for row in 0..15 {
            let class = row % 3;
            let cells: Vec<String> =
                (0..4).map(|j| format!("{}", class as f64 + wave(4 * row + j))).collect();
            csv += &format!("{},{class}\n", cells.join(","));
        }
        let file = |name: &str, array: OutputArray| {
            let path = test_file(&format!("iris_{name}.npy"), b"");
            array.write(&path).unwrap();
            path
        };
        let weights = |rows: usize, cols: usize, at: usize| {
            Array2::from_shape_fn((rows, cols), |(i, j)| 0.5 * wave(at + i * cols + j))
        };
        let split: Array1<i64> = [3, 14, 0, 7, 9, 1, 12, 5, 10, 2, 8, 13, 4, 11, 6].into_iter().collect();
        crate::protocol::test_spec(json!({
            "task": "iris-mlp", "impl": "rust/pure", "warmup": 1, "repetitions": 2, "phases": phases,
            "params": { "epochs": 7, "batch_size": 5, "learning_rate": 0.05, "hidden": 5, "n_train": 12 },
            "outputs": ["loss_curve", "test_pred", "W1"],
            "inputs": {
                "data": { "path": test_file("iris_small.csv", csv.as_bytes()), "kind": "csv" },
                "split": { "path": file("split", OutputArray::I64Vector(split)), "kind": "npy",
                           "dtype": "<i8", "shape": [15] },
                "W1": { "path": file("W1", OutputArray::F64Matrix(weights(4, 5, 0))), "kind": "npy",
                        "dtype": "<f8", "shape": [4, "hidden"] },
                "b1": { "path": file("b1", OutputArray::F64Vector(Array1::zeros(5))), "kind": "npy" },
                "W2": { "path": file("W2", OutputArray::F64Matrix(weights(5, 3, 50))), "kind": "npy" },
                "b2": { "path": file("b2", OutputArray::F64Vector(Array1::zeros(3))), "kind": "npy" }
            }
        }))
        .unwrap()
    }

    #[test]
    fn runs_through_the_core_and_reports() {
        let spec = small_spec(&["load", "train", "infer_single", "infer_batch"]);
        let out = std::env::temp_dir().join(format!("equibench-iris-test-{}", std::process::id()));
        std::fs::create_dir_all(&out).unwrap();
        let result = serde_json::to_value(crate::runner::run(&spec, &out, rust_pure).unwrap()).unwrap();
        assert_eq!(
            result["outputs"],
            json!({ "loss_curve": "loss_curve.npy", "test_pred": "test_pred.npy", "W1": "W1.npy" })
        );
        let loss: Array1<f64> = data::read_npy(&out.join("loss_curve.npy")).unwrap();
        assert_eq!(loss.len(), 7);
        let w1: Array2<f64> = data::read_npy(&out.join("W1.npy")).unwrap();
        assert_eq!(w1.dim(), (4, 5));
        let metrics: Vec<&str> = result["metrics"].as_object().unwrap().keys().map(String::as_str).collect();
        assert!(metrics.contains(&"train_accuracy") && metrics.contains(&"test_accuracy"), "{metrics:?}");
        assert_eq!(result["phases"]["infer_single"]["ops_per_sample"], 3);
        let manifest = &result["runtime"]["manifest"];
        assert_eq!(
            (&manifest["dtype"], &manifest["hp.hidden"], &manifest["threads.compute"]),
            (&json!("f64"), &json!(5), &json!(1))
        );
        assert!(manifest["input.W2.sha256"].is_string());
    }

    #[test]
    fn unlisted_phases_still_run_for_the_outputs() {
        let out = std::env::temp_dir().join(format!("equibench-iris-unlisted-test-{}", std::process::id()));
        std::fs::create_dir_all(&out).unwrap();
        let all = crate::runner::run(
            &small_spec(&["load", "train", "infer_single", "infer_batch"]),
            &out,
            rust_pure,
        );
        let batch_only = crate::runner::run(&small_spec(&["infer_batch"]), &out, rust_pure).unwrap();
        assert_eq!(batch_only.phases.keys().collect::<Vec<_>>(), ["infer_batch"]);
        let names: Vec<&str> = batch_only.metrics.keys().collect();
        assert_eq!(names, ["train_accuracy", "test_accuracy"]);
        assert_eq!(all.unwrap().metrics.0, batch_only.metrics.0);
    }

    #[test]
    fn timed_repetitions_hash_to_the_outputs_written() {
        let mut spec = small_spec(&["load", "train", "infer_single", "infer_batch"]);
        spec.repetitions = 3;
        crate::runner::verify(
            &mut spec,
            &[
                ("load", &["train_x"]),
                ("train", &["W1", "b1", "W2", "b2", "loss_curve"]),
                ("infer_batch", &["test_pred", "test_proba"]),
            ],
        );
        let out = std::env::temp_dir().join(format!("equibench-iris-verify-test-{}", std::process::id()));
        std::fs::create_dir_all(&out).unwrap();
        let result = crate::runner::run(&spec, &out, rust_pure).unwrap();
        assert_eq!(crate::runner::assert_digests_of_written_outputs(&spec, &result, &out), 3);
    }

    #[test]
    fn zscore_uses_train_statistics_and_population_std() {
        let mut train = ndarray::array![[1.0, 10.0], [3.0, 30.0]];
        let mut test = ndarray::array![[5.0, 20.0]];
        zscore(&mut train, &mut test).unwrap();
        assert_eq!(train, ndarray::array![[-1.0, -1.0], [1.0, 1.0]]);
        assert_eq!(test, ndarray::array![[3.0, 0.0]]);
        let mut constant = ndarray::array![[1.0, 2.0], [1.0, 3.0]];
        let err = zscore(&mut constant, &mut test).unwrap_err().to_string();
        assert!(err.contains("column 1 (sepal_length) is constant"), "{err}");
    }
}
