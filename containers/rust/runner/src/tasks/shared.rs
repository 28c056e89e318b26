//! What several tasks compute alike: argmax, accuracy, and the element type
//! names that the manifest's `dtype` reports.

use std::fmt::{Debug, Display};

use ndarray::{Array1, ArrayBase, RawData};
use smartcore::linalg::basic::matrix::DenseMatrix;

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

/// Fraction of predictions equal to the truth.
pub fn accuracy(pred: &Array1<i64>, truth: &Array1<i64>) -> f64 {
    let correct = pred.iter().zip(truth).filter(|(p, t)| p == t).count();
    correct as f64 / truth.len() as f64
}

/// The element type of an array, as its Rust name (`f64`, `f32`), read from
/// the arrays a computation ran on.
pub fn element_type<S: RawData, D>(_array: &ArrayBase<S, D>) -> &'static str {
    std::any::type_name::<S::Elem>()
}

/// The element type of a smartcore matrix, as its Rust name (`f64`).
pub fn dense_element_type<T: Debug + Display + Copy>(_matrix: &DenseMatrix<T>) -> &'static str {
    std::any::type_name::<T>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argmax_first_index_wins_ties() {
        assert_eq!(argmax([0.1, 0.5, 0.5]), 1);
        assert_eq!(argmax([0.7, 0.2, 0.7]), 0);
        assert_eq!(argmax([-1.0, -3.0, -0.5]), 2);
        assert_eq!(argmax([f64::NEG_INFINITY, f64::NEG_INFINITY]), 0);
    }

    #[test]
    fn accuracy_is_the_fraction_of_hits() {
        assert_eq!(accuracy(&ndarray::array![1, 2, 3, 4], &ndarray::array![1, 2, 0, 4]), 0.75);
    }

    #[test]
    fn element_type_names_the_array_elements() {
        assert_eq!(element_type(&ndarray::Array2::<f64>::zeros((2, 2))), "f64");
        assert_eq!(element_type(&ndarray::Array1::<f32>::zeros(3).view()), "f32");
        let matrix = DenseMatrix::new(1, 2, vec![1.0f64, 2.0], false).unwrap();
        assert_eq!(dense_element_type(&matrix), "f64");
    }
}
