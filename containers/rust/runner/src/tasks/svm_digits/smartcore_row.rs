//! `rust/smartcore`: one-vs-one over smartcore's binary `SVC` (see the task's documentation).

use anyhow::{Result, anyhow};
use ndarray::{Array1, Axis};
use serde_json::Value;
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::svm::svc::{SVC, SVCParameters};

use super::{class_pairs, multiclass, vote};
use crate::tasks::classical::Dataset;
use crate::tasks::classical::dense::{SmartcoreRows, dense_matrix};
use crate::tasks::classical::supervised::{Loaded, Rows, SupervisedRow};
use crate::tasks::shared::dense_element_type;

/// Seeds the order in which smartcore's LaSVM visits the rows.
pub const SMARTCORE_SEED: u64 = 42;

pub type SmartcoreParameters = SVCParameters<f64, i64, DenseMatrix<f64>, Vec<i64>>;
type BinarySvc<'a> = SVC<'a, f64, i64, DenseMatrix<f64>, Vec<i64>>;

pub struct SmartcoreOneVsOne {
    pub parameters: SmartcoreParameters,
}

/// The train rows of one pair of classes, as smartcore's `MultiClassSVC` picks
/// them: rows of either class in train order, `first` (the smaller label) the
/// positive class. Encoded 1 for `first`, 0 for `second`, binary `SVC::fit`
/// (which takes the larger of the two sorted labels as positive) trains the
/// same machine, visiting the rows in the same seeded order.
pub struct PairRows {
    first: i64,
    second: i64,
    x: DenseMatrix<f64>,
    y: Vec<i64>,
}

pub struct SmartcoreSvcRows {
    rows: SmartcoreRows<i64>,
    pairs: Vec<PairRows>,
}

/// One binary machine per pair of classes; `first` wins where its decision value is > 0.
pub struct PairSvc<'a> {
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
                let x = dense_matrix(data.train_x.select(Axis(0), &rows).view())?;
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
        dense_element_type(&loaded.prepared.rows.train_x)
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
