//! What the classical ML tasks share (PROTOCOL.md, "Classical ML tasks"):
//! spec checks, the parameters libraries keep private but print, and loading
//! a CSV table in split order. The supervised tasks (`linreg-california`,
//! `svm-digits`) also share their driver, [`supervised`].

pub mod dense;
pub mod supervised;

use anyhow::{Result, bail};
use ndarray::{Array1, Array2, Axis};
use serde_json::{Map, Value};

use crate::data::{self, CsvSchema, Table};
use crate::protocol::Spec;

/// Rejects what no classical row can compute: another dtype or device, other
/// inputs than `roles`, parameters other than `params`.
pub fn check_spec(spec: &Spec, roles: &[&str], params: &[&str]) -> Result<()> {
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
    spec.check_param_names(params)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_from_debug_text() {
        let debug = "SvmValidParams { c: Some((1.0, 1.0)), kernel: KernelParams { kind: Dense, method: Linear, \
                     nn_algo: KdTree }, other_method: Gaussian(2.0) }";
        assert_eq!(debug_field(debug, "method"), Some("Linear"));
        assert_eq!(debug_field(debug, "kind"), Some("Dense"));
        assert_eq!(debug_field("LinearRegression { fit_intercept: true }", "fit_intercept"), Some("true"));
        assert_eq!(debug_field(debug, "nu"), None);
    }
}
