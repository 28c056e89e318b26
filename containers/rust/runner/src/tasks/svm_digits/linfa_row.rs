//! `rust/linfa`: one-vs-one over linfa-svm's binary SMO (see the task's documentation).

use anyhow::{Result, anyhow};
use linfa::DatasetBase;
use linfa::traits::Fit;
use linfa_svm::{Svm, SvmValidParams};
use ndarray::{Array1, Array2, ArrayView1, Axis};
use serde_json::Value;

use super::{class_pairs, multiclass, vote};
use crate::tasks::classical::supervised::{Loaded, ModelFacts, Rows, SupervisedRow};
use crate::tasks::classical::{Dataset, debug_field};
use crate::tasks::shared::element_type;

pub struct LinfaOneVsOne {
    pub svm: SvmValidParams<f64, bool>,
}

/// One binary machine per pair of classes, trained with `first` (the smaller
/// label) as linfa's positive class: its decision value `w·x − rho` is > 0
/// where it favours `first`.
pub struct PairSvm {
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
        let kernel = debug_field(&kernel, "method").map_or(kernel.clone(), str::to_lowercase);
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
}
