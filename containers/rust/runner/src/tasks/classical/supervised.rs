//! The driver of the supervised tasks (`linreg-california`, `svm-digits`):
//! phases `load`, `fit`, `predict_batch` and `predict_single` (PROTOCOL.md)
//! for any library, whose calls sit behind [`SupervisedRow`], and any such
//! task, whose data, outputs and metrics sit behind [`SupervisedTask`].

use std::fmt::Debug;

use anyhow::Result;
use ndarray::Array1;
use serde_json::Value;

use super::{Dataset, SplitParams};
use crate::data::OutputArray;
use crate::protocol::Spec;
use crate::task::{Report, Task};

const PHASES: &[&str] = &["load", "fit", "predict_batch", "predict_single"];

/// A prediction value that can be compared and reported.
pub trait Prediction: Copy + PartialEq + Debug + 'static {
    fn as_f64(self) -> f64;
    /// Predictions as an output array (`<f8`, `<i8`).
    fn output(pred: Array1<Self>) -> OutputArray;
}

impl Prediction for f64 {
    fn as_f64(self) -> f64 {
        self
    }

    fn output(pred: Array1<f64>) -> OutputArray {
        OutputArray::F64Vector(pred)
    }
}

impl Prediction for i64 {
    fn as_f64(self) -> f64 {
        self as f64
    }

    fn output(pred: Array1<i64>) -> OutputArray {
        OutputArray::I64Vector(pred)
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

/// Facts read from a fitted model: metrics and notes.
#[derive(Default)]
pub struct ModelFacts {
    pub metrics: Vec<(&'static str, f64)>,
    pub notes: Vec<String>,
}

/// One library's implementation of a supervised task.
pub trait SupervisedRow: 'static {
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
    /// The outputs `fit` computes, read from the fitted model (none by default).
    fn fit_outputs(&self, _model: &Self::Model<'_>) -> Vec<(&'static str, OutputArray)> {
        Vec::new()
    }
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

/// What a supervised task defines, whatever the library computes it.
pub trait SupervisedTask {
    type Target: Prediction;
    /// Every output: `test_pred` and those the rows' [`SupervisedRow::fit_outputs`] give.
    const OUTPUTS: &'static [&'static str];
    /// Whether [`SupervisedTask::metrics`] needs predictions for the train rows.
    const NEEDS_TRAIN_PRED: bool;

    /// Reads the task's data and orders its rows by the split (in `load`).
    fn load(&self, spec: &Spec, split: SplitParams) -> Result<Dataset<Self::Target>>;
    /// The task's metrics, from the test predictions and, where it needs them, the train ones.
    fn metrics(
        &self,
        data: &Dataset<Self::Target>,
        test_pred: &Array1<Self::Target>,
        train_pred: Option<&Array1<Self::Target>>,
    ) -> Vec<(&'static str, f64)>;
}

/// Task `K` computed by library row `R`.
///
/// A fitted model may borrow its row (its parameters) and the data it was
/// fitted on (smartcore's SVC keeps references to its parameters), and it is
/// kept from `fit` to the last phase; so the row, and the data once `load` is
/// done, are kept for the rest of the process (`Box::leak`, once each).
pub struct Supervised<'s, K: SupervisedTask, R: SupervisedRow<Target = K::Target>> {
    spec: &'s Spec,
    task: K,
    split: SplitParams,
    row: &'static R,
    /// What is known before any phase runs: library, threads, notes.
    report: Report,
    /// The last run of `load`, then (`phase_done`) the data every later phase uses.
    loading: Option<Loaded<K::Target, R::Prepared>>,
    loaded: Option<&'static Loaded<K::Target, R::Prepared>>,
    model: Option<R::Model<'static>>,
    test_pred: Option<Array1<K::Target>>,
    single_pred: Option<Array1<K::Target>>,
}

impl<'s, K: SupervisedTask, R: SupervisedRow<Target = K::Target>> Supervised<'s, K, R> {
    pub fn new(spec: &'s Spec, task: K, split: SplitParams, row: R, report: Report) -> Self {
        Supervised {
            spec,
            task,
            split,
            row: Box::leak(Box::new(row)),
            report,
            loading: None,
            loaded: None,
            model: None,
            test_pred: None,
            single_pred: None,
        }
    }
}

impl<K: SupervisedTask, R: SupervisedRow<Target = K::Target>> Task for Supervised<'_, K, R> {
    fn phases(&self) -> &'static [&'static str] {
        PHASES
    }

    fn outputs(&self) -> &'static [&'static str] {
        K::OUTPUTS
    }

    fn run_phase(&mut self, name: &str) -> Result<()> {
        let row = self.row;
        if name == "load" {
            let data = self.task.load(self.spec, self.split)?;
            let prepared = row.prepare(&data, self.split.single_rows)?;
            self.loading = Some(Loaded { data, prepared });
            return Ok(());
        }
        let loaded = self.loaded.expect("the core runs load first");
        if name == "fit" {
            self.model = Some(row.fit(loaded)?);
            return Ok(());
        }
        let model = self.model.as_ref().expect("the core runs fit before predicting");
        match name {
            "predict_batch" => self.test_pred = Some(row.predict(model, loaded, Rows::Test)?),
            "predict_single" => {
                let single = (0..self.split.single_rows).map(|i| row.predict_one(model, loaded, i));
                self.single_pred = Some(single.collect::<Result<Array1<_>>>()?);
            }
            other => unreachable!("{} has no phase '{other}'", self.spec.task),
        }
        Ok(())
    }

    fn ops_per_sample(&self, name: &str) -> u64 {
        if name == "predict_single" { self.split.single_rows as u64 } else { 1 }
    }

    fn phase_done(&mut self, name: &str) -> Result<()> {
        if name == "load" {
            let loaded = self.loading.take().expect("load ran");
            self.loaded = Some(Box::leak(Box::new(loaded)));
        }
        Ok(())
    }

    fn phase_outputs(&self, phase: &str) -> Result<Vec<(&'static str, OutputArray)>> {
        Ok(match (phase, &self.model, &self.test_pred) {
            ("fit", Some(model), _) => self.row.fit_outputs(model),
            ("predict_batch", _, Some(pred)) => vec![("test_pred", K::Target::output(pred.clone()))],
            _ => Vec::new(),
        })
    }

    fn report(self: Box<Self>) -> Result<Report> {
        let outputs = self.outputs_of(&["fit", "predict_batch"])?;
        let Supervised { task, row, mut report, loaded, model, test_pred, single_pred, .. } = *self;
        let (loaded, model) = (loaded.expect("load ran"), model.expect("fit ran"));
        let test_pred = test_pred.expect("predict_batch ran");
        let train_pred =
            if K::NEEDS_TRAIN_PRED { Some(row.predict(&model, loaded, Rows::Train)?) } else { None };
        let facts = row.facts(&model);
        report.dtype = Some(row.dtype(&model, loaded));
        report.hp = row.manifest_hp(&model);
        drop(model);

        for (name, value) in task.metrics(&loaded.data, &test_pred, train_pred.as_ref()) {
            report.metrics.push(name, value);
        }
        for (name, value) in facts.metrics {
            report.metrics.push(name, value);
        }
        let single_pred = single_pred.expect("predict_single ran");
        report.notes.extend(single_vs_batch(&single_pred, &test_pred).into_iter().chain(facts.notes));
        report.outputs = outputs;
        Ok(report)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
