//! Task `linreg-california` (PROTOCOL.md): ordinary least squares with
//! intercept on the raw California housing features.
//!
//! - `rust/linfa`: linfa-linear's `LinearRegression`. Without the crate's
//!   `blas` feature it appends a column of ones to X and solves the least-squares
//!   problem with linfa-linalg's Householder QR (pure Rust, no LAPACK).
//! - `rust/smartcore`: smartcore's `LinearRegression` with its default solver,
//!   SVD, on the same augmented matrix `[X 1]`.
//!
//! scikit-learn (the reference) centres X and y first and calls LAPACK's gelsd
//! (SVD), so the three solve differently conditioned systems and agree to
//! rounding error amplified by the condition number, not bit for bit.

use anyhow::{Result, anyhow, bail};
use linfa::DatasetBase;
use linfa::traits::{Fit, Predict};
use ndarray::{Array1, s};
use serde_json::Value;
use smartcore::linalg::basic::arrays::Array;
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::linear_regression::{
    LinearRegression, LinearRegressionParameters, LinearRegressionSolverName,
};

use crate::data::OutputArray;
use crate::protocol::Spec;
use crate::task::{Compute, Report, Task};
use crate::tasks::classical::dense::SmartcoreRows;
use crate::tasks::classical::supervised::{Loaded, Rows, Supervised, SupervisedRow, SupervisedTask};
use crate::tasks::classical::{self, Dataset, SplitParams};
use crate::tasks::shared::{dense_element_type, element_type};

const COLUMNS: &[&str] = &[
    "MedInc",
    "HouseAge",
    "AveRooms",
    "AveBedrms",
    "Population",
    "AveOccup",
    "Latitude",
    "Longitude",
    "MedHouseVal",
];
const INPUTS: &[&str] = &["data", "split"];
const PARAMS: &[&str] = &["n_train", "single_rows", "fit_intercept"];

struct Params {
    split: SplitParams,
    fit_intercept: bool,
}

impl Params {
    fn from_spec(spec: &Spec) -> Result<Params> {
        classical::check_spec(spec, INPUTS, PARAMS)?;
        Ok(Params { split: SplitParams::from_spec(spec)?, fit_intercept: spec.param_bool("fit_intercept")? })
    }
}

/// The task, whatever the library: the California housing table, r2 and rmse.
struct LinregCalifornia;

impl SupervisedTask for LinregCalifornia {
    type Target = f64;
    const OUTPUTS: &'static [&'static str] = &["coef", "intercept", "test_pred"];
    const NEEDS_TRAIN_PRED: bool = false;

    fn load(&self, spec: &Spec, split: SplitParams) -> Result<Dataset<f64>> {
        classical::load_regression(spec, COLUMNS, split)
    }

    fn metrics(
        &self,
        data: &Dataset<f64>,
        test_pred: &Array1<f64>,
        _train_pred: Option<&Array1<f64>>,
    ) -> Vec<(&'static str, f64)> {
        let (r2, rmse) = r2_rmse(test_pred, &data.test_y);
        vec![("r2", r2), ("rmse", rmse)]
    }
}

/// `rust/linfa`.
pub fn rust_linfa(spec: &Spec) -> Result<Box<dyn Task + '_>> {
    let params = Params::from_spec(spec)?;
    let row = LinfaOls { model: linfa_linear::LinearRegression::new().with_intercept(params.fit_intercept) };
    let mut report = Report::new("linfa-linear", Compute::CallingThread { library: "linfa-linear" });
    report.blas = "none (linfa-linalg, pure Rust)";
    report.hyperparameters = Some(classical::hyperparameters(&[
        ("LinearRegression", format!("{:?}", row.model)),
        (
            "solver",
            "least squares on [X 1] by Householder QR (linfa-linalg, pure Rust; linfa-linear's blas feature off)"
                .to_string(),
        ),
    ]));
    Ok(Box::new(Supervised::new(spec, LinregCalifornia, params.split, row, report)))
}

/// `rust/smartcore`.
pub fn rust_smartcore(spec: &Spec) -> Result<Box<dyn Task + '_>> {
    let params = Params::from_spec(spec)?;
    if !params.fit_intercept {
        bail!(
            "rust/smartcore: smartcore's LinearRegression always fits an intercept; fit_intercept = false is not available"
        );
    }
    let row = SmartcoreOls { parameters: LinearRegressionParameters::default() };
    let mut report = Report::new("smartcore", Compute::CallingThread { library: "smartcore" });
    report.blas = "none (smartcore's own linear algebra)";
    report.hyperparameters = Some(classical::hyperparameters(&[
        ("LinearRegressionParameters", format!("{:?}", row.parameters)),
        ("solver", "smartcore's default: SVD of [X 1] (smartcore's own, pure Rust)".to_string()),
    ]));
    Ok(Box::new(Supervised::new(spec, LinregCalifornia, params.split, row, report)))
}

/// Coefficient of determination and root mean squared error of `pred` against `truth`.
fn r2_rmse(pred: &Array1<f64>, truth: &Array1<f64>) -> (f64, f64) {
    let n = truth.len() as f64;
    let mean = truth.sum() / n;
    let residual_ss: f64 = pred.iter().zip(truth).map(|(p, t)| (p - t) * (p - t)).sum();
    let total_ss: f64 = truth.iter().map(|t| (t - mean) * (t - mean)).sum();
    (1.0 - residual_ss / total_ss, (residual_ss / n).sqrt())
}

/// The outputs of `fit`; the intercept, a number, as an array of one.
fn coef_outputs(coef: Array1<f64>, intercept: f64) -> Vec<(&'static str, OutputArray)> {
    vec![
        ("coef", OutputArray::F64Vector(coef)),
        ("intercept", OutputArray::F64Vector(ndarray::array![intercept])),
    ]
}

// ---------------------------------------------------------------------------
// rust/linfa

struct LinfaOls {
    model: linfa_linear::LinearRegression,
}

impl SupervisedRow for LinfaOls {
    type Target = f64;
    type Prepared = ();
    type Model<'a> = linfa_linear::FittedLinearRegression<f64>;

    fn prepare(&self, _data: &Dataset<f64>, _single_rows: usize) -> Result<()> {
        Ok(())
    }

    fn fit<'a>(&'a self, loaded: &'a Loaded<f64, ()>) -> Result<Self::Model<'a>> {
        let data = &loaded.data;
        let dataset = DatasetBase::new(data.train_x.view(), data.train_y.view());
        self.model.fit(&dataset).map_err(|e| anyhow!("linfa-linear: {e}"))
    }

    fn predict(&self, model: &Self::Model<'_>, loaded: &Loaded<f64, ()>, rows: Rows) -> Result<Array1<f64>> {
        let x = match rows {
            Rows::Train => &loaded.data.train_x,
            Rows::Test => &loaded.data.test_x,
        };
        Ok(model.predict(x))
    }

    fn predict_one(&self, model: &Self::Model<'_>, loaded: &Loaded<f64, ()>, row: usize) -> Result<f64> {
        let pred: Array1<f64> = model.predict(&loaded.data.test_x.slice(s![row..row + 1, ..]));
        Ok(pred[0])
    }

    fn fit_outputs(&self, model: &Self::Model<'_>) -> Vec<(&'static str, OutputArray)> {
        coef_outputs(model.params().clone(), model.intercept())
    }

    fn dtype(&self, model: &Self::Model<'_>, _loaded: &Loaded<f64, ()>) -> &'static str {
        element_type(model.params())
    }

    /// linfa-linear keeps `fit_intercept` private; its `Debug` output prints it.
    fn manifest_hp(&self, _model: &Self::Model<'_>) -> Vec<(&'static str, Value)> {
        let debug = format!("{:?}", self.model);
        let fit_intercept = match classical::debug_field(&debug, "fit_intercept") {
            Some("true") => Value::Bool(true),
            Some("false") => Value::Bool(false),
            _ => Value::String(format!("unreadable from {debug}")),
        };
        // Without its `blas` feature linfa-linear solves [X 1] b = y with
        // linfa-linalg's `LeastSquaresQrInto` (Householder QR).
        vec![("fit_intercept", fit_intercept), ("solver", "qr (linfa-linalg householder)".into())]
    }
}

// ---------------------------------------------------------------------------
// rust/smartcore

type SmartcoreModel = LinearRegression<f64, f64, DenseMatrix<f64>, Vec<f64>>;

struct SmartcoreOls {
    parameters: LinearRegressionParameters,
}

impl SupervisedRow for SmartcoreOls {
    type Target = f64;
    type Prepared = SmartcoreRows<f64>;
    type Model<'a> = SmartcoreModel;

    fn prepare(&self, data: &Dataset<f64>, single_rows: usize) -> Result<SmartcoreRows<f64>> {
        SmartcoreRows::new(data, single_rows)
    }

    fn fit<'a>(&'a self, loaded: &'a Loaded<f64, SmartcoreRows<f64>>) -> Result<SmartcoreModel> {
        let rows = &loaded.prepared;
        SmartcoreModel::fit(&rows.train_x, &rows.train_y, self.parameters.clone())
            .map_err(|e| anyhow!("smartcore LinearRegression::fit: {e}"))
    }

    fn predict(
        &self,
        model: &SmartcoreModel,
        loaded: &Loaded<f64, SmartcoreRows<f64>>,
        rows: Rows,
    ) -> Result<Array1<f64>> {
        let pred = model.predict(loaded.prepared.x(rows)).map_err(|e| anyhow!("smartcore predict: {e}"))?;
        Ok(Array1::from_vec(pred))
    }

    fn predict_one(
        &self,
        model: &SmartcoreModel,
        loaded: &Loaded<f64, SmartcoreRows<f64>>,
        row: usize,
    ) -> Result<f64> {
        let pred =
            model.predict(&loaded.prepared.single[row]).map_err(|e| anyhow!("smartcore predict: {e}"))?;
        Ok(pred[0])
    }

    fn fit_outputs(&self, model: &SmartcoreModel) -> Vec<(&'static str, OutputArray)> {
        let coefficients = model.coefficients();
        let coef = (0..coefficients.shape().0).map(|i| *coefficients.get((i, 0))).collect();
        coef_outputs(coef, *model.intercept())
    }

    fn dtype(&self, model: &SmartcoreModel, _loaded: &Loaded<f64, SmartcoreRows<f64>>) -> &'static str {
        dense_element_type(model.coefficients())
    }

    /// smartcore's `LinearRegression` has no intercept switch: it always fits one.
    fn manifest_hp(&self, _model: &SmartcoreModel) -> Vec<(&'static str, Value)> {
        let solver = match self.parameters.solver {
            LinearRegressionSolverName::SVD => "svd (smartcore)",
            LinearRegressionSolverName::QR => "qr (smartcore)",
        };
        vec![("fit_intercept", true.into()), ("solver", solver.into())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{self, test_file};
    use serde_json::json;

    /// A spec on 40 rows where the target is exactly 1 + Σ (j + 1)·x_j.
    fn exact_spec(implementation: &str) -> Spec {
        let mut csv = COLUMNS.join(",") + "\n";
        for row in 0..40 {
            let x: Vec<f64> =
                (0..8).map(|j| (0.7 * (row * row) as f64 + 1.3 * (j * row + j) as f64).sin()).collect();
            let y = 1.0 + x.iter().enumerate().map(|(j, v)| (j + 1) as f64 * v).sum::<f64>();
            let cells: Vec<String> = x.iter().chain([&y]).map(f64::to_string).collect();
            csv += &(cells.join(",") + "\n");
        }
        let split = test_file("linreg_split.npy", b"");
        OutputArray::I64Vector((0..40).rev().collect()).write(&split).unwrap();
        crate::protocol::test_spec(json!({
            "task": "linreg-california", "impl": implementation, "phases": ["load", "fit", "predict_batch"],
            "params": { "n_train": 30, "single_rows": 4, "fit_intercept": true },
            "outputs": ["coef", "intercept", "test_pred"],
            "inputs": {
                "data": { "path": test_file("linreg.csv", csv.as_bytes()), "kind": "csv" },
                "split": { "path": split, "kind": "npy", "dtype": "<i8", "shape": [40] }
            }
        }))
        .unwrap()
    }

    #[test]
    fn both_rows_recover_an_exact_fit_through_the_core() {
        for (implementation, create) in
            [("rust/linfa", rust_linfa as crate::task::Constructor), ("rust/smartcore", rust_smartcore)]
        {
            let mut spec = exact_spec(implementation);
            (spec.warmup, spec.repetitions) = (1, 3);
            crate::runner::verify(
                &mut spec,
                &[("fit", &["coef", "intercept"]), ("predict_batch", &["test_pred"])],
            );
            let out = std::env::temp_dir().join(format!(
                "equibench-linreg-test-{}-{}",
                std::process::id(),
                &implementation[5..]
            ));
            std::fs::create_dir_all(&out).unwrap();
            let result = crate::runner::run(&spec, &out, create).unwrap();
            assert_eq!(result.phases.keys().collect::<Vec<_>>(), ["load", "fit", "predict_batch"]);
            assert_eq!(crate::runner::assert_digests_of_written_outputs(&spec, &result, &out), 2);
            let coef: Array1<f64> = data::read_npy(&out.join("coef.npy")).unwrap();
            let intercept: Array1<f64> = data::read_npy(&out.join("intercept.npy")).unwrap();
            assert!(
                coef.iter().enumerate().all(|(j, c)| (c - (j + 1) as f64).abs() < 1e-9),
                "{implementation}: {coef}"
            );
            assert!((intercept[0] - 1.0).abs() < 1e-9, "{implementation}: {intercept}");
            let metrics: Vec<(&str, f64)> = result.metrics.0.iter().map(|(n, v)| (n.as_str(), *v)).collect();
            assert_eq!(metrics[0].0, "r2");
            assert!(metrics[0].1 > 1.0 - 1e-12 && metrics[1].1 < 1e-9, "{implementation}: {metrics:?}");
        }
    }

    #[test]
    fn r2_and_rmse() {
        let truth = ndarray::array![1.0, 2.0, 3.0, 4.0];
        assert_eq!(r2_rmse(&truth, &truth), (1.0, 0.0));
        let (r2, rmse) = r2_rmse(&ndarray::array![2.0, 2.0, 3.0, 5.0], &truth);
        assert!((r2 - (1.0 - 2.0 / 5.0)).abs() < 1e-15);
        assert!((rmse - (2.0f64 / 4.0).sqrt()).abs() < 1e-15);
    }
}
