//! The rows in smartcore's own `DenseMatrix`, converted once in `load`.

use anyhow::{Result, anyhow};
use ndarray::ArrayView2;
use smartcore::linalg::basic::matrix::DenseMatrix;

use super::Dataset;
use super::supervised::Rows;

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
