//! Input validation (PROTOCOL.md, "Input validation"): before the first phase,
//! every `npy` input that declares a `dtype` or `shape` is checked against the
//! header of its file, with the message every runner gives.

use std::path::Path;

use anyhow::{Result, bail};
use serde_json::Value;

use crate::data::{python_tuple, read_npy_header};
use crate::protocol::{Dim, InputRef, Spec};

/// Checks every declared `npy` input, in the spec's order.
pub fn check_declared_inputs(spec: &Spec) -> Result<()> {
    for (role, input) in &spec.inputs.0 {
        if input.kind == "npy" && (input.dtype.is_some() || input.shape.is_some()) {
            check_input(spec, role, input)?;
        }
    }
    Ok(())
}

fn check_input(spec: &Spec, role: &str, input: &InputRef) -> Result<()> {
    let dims = match &input.shape {
        Some(shape) => Some(resolve(spec, role, shape)?),
        None => None,
    };
    let found = read_npy_header(&input.path)?;
    let dtype_ok = input.dtype.as_ref().is_none_or(|dtype| *dtype == found.descr);
    let shape_ok = dims.as_ref().is_none_or(|dims| {
        dims.len() == found.shape.len()
            && dims.iter().zip(&found.shape).all(|(d, n)| d.is_none_or(|d| d == *n))
    });
    if dtype_ok && shape_ok {
        return Ok(());
    }
    // What was not declared is shown as found: it is not what differs.
    let found_shape = python_tuple(found.shape.iter().map(usize::to_string));
    let expected_shape = match &dims {
        Some(dims) => python_tuple(dims.iter().map(|d| d.map_or("?".to_string(), |n| n.to_string()))),
        None => found_shape.clone(),
    };
    bail!(
        "{}: expected {} of shape {expected_shape}, found {} of shape {found_shape}",
        file_name(&input.path),
        input.dtype.as_deref().unwrap_or(&found.descr),
        found.descr,
    )
}

/// The declared dimensions as lengths, `None` for any length.
fn resolve(spec: &Spec, role: &str, shape: &[Option<Dim>]) -> Result<Vec<Option<usize>>> {
    shape
        .iter()
        .map(|dim| match dim {
            None => Ok(None),
            Some(Dim::Len(n)) => Ok(Some(*n)),
            Some(Dim::Param(name)) => match spec.params.get(name).and_then(Value::as_u64) {
                Some(n) => Ok(Some(usize::try_from(n)?)),
                None => bail!("spec: inputs.{role}.shape names '{name}', which is not an integer in params"),
            },
        })
        .collect()
}

/// The last path component, as the message names the file.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |name| name.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{OutputArray, test_file};
    use crate::protocol::test_spec;
    use ndarray::{Array1, Array2};

    /// A spec with `params` whose inputs are `(role, file, dtype, shape)`.
    fn spec(params: Value, inputs: &[(&str, &Path, &str, Value)]) -> Spec {
        let inputs: serde_json::Map<String, Value> = inputs
            .iter()
            .map(|(role, path, dtype, shape)| {
                let input =
                    serde_json::json!({ "path": path, "kind": "npy", "dtype": dtype, "shape": shape });
                (role.to_string(), input)
            })
            .collect();
        test_spec(serde_json::json!({ "params": params, "inputs": inputs })).unwrap()
    }

    fn matrix(name: &str, rows: usize, cols: usize) -> std::path::PathBuf {
        let path = test_file(name, b"");
        OutputArray::F64Matrix(Array2::zeros((rows, cols))).write(&path).unwrap();
        path
    }

    fn error(spec: &Spec) -> String {
        check_declared_inputs(spec).unwrap_err().to_string()
    }

    #[test]
    fn accepts_matching_files() {
        let w1 = matrix("ok_W1.npy", 4, 8);
        let split = test_file("ok_split.npy", b"");
        OutputArray::I64Vector(Array1::zeros(150)).write(&split).unwrap();
        let params = serde_json::json!({ "hidden": 8 });
        let s = spec(
            params,
            &[
                ("W1", &w1, "<f8", serde_json::json!([4, "hidden"])),
                ("split", &split, "<i8", serde_json::json!([150])),
                ("any", &w1, "<f8", serde_json::json!([null, null])),
            ],
        );
        check_declared_inputs(&s).unwrap();
    }

    #[test]
    fn names_file_expected_and_found_as_every_runner_does() {
        let w1 = matrix("W1.npy", 4, 8);
        let s = spec(
            serde_json::json!({ "hidden": 12 }),
            &[("W1", &w1, "<f8", serde_json::json!([4, "hidden"]))],
        );
        assert_eq!(error(&s), "W1.npy: expected <f8 of shape (4, 12), found <f8 of shape (4, 8)");

        let split = test_file("split.npy", b"");
        OutputArray::F64Vector(Array1::zeros(150)).write(&split).unwrap();
        let s = spec(serde_json::json!({}), &[("split", &split, "<i8", serde_json::json!([150]))]);
        assert_eq!(error(&s), "split.npy: expected <i8 of shape (150,), found <f8 of shape (150,)");

        let init = test_file("init.npy", b"");
        OutputArray::F64Vector(Array1::zeros(8)).write(&init).unwrap();
        let s =
            spec(serde_json::json!({ "k": 8 }), &[("init", &init, "<f8", serde_json::json!(["k", null]))]);
        assert_eq!(error(&s), "init.npy: expected <f8 of shape (8, ?), found <f8 of shape (8,)");

        let s = spec(serde_json::json!({}), &[("init", &init, "<f8", serde_json::json!([]))]);
        assert_eq!(error(&s), "init.npy: expected <f8 of shape (), found <f8 of shape (8,)");
    }

    #[test]
    fn a_dimension_must_name_an_integer_param() {
        let w1 = matrix("named_W1.npy", 4, 8);
        let expected = "spec: inputs.W1.shape names 'hidden', which is not an integer in params";
        for params in [
            serde_json::json!({}),
            serde_json::json!({ "hidden": 8.5 }),
            serde_json::json!({ "hidden": "8" }),
        ] {
            let s = spec(params, &[("W1", &w1, "<f8", serde_json::json!([4, "hidden"]))]);
            assert_eq!(error(&s), expected);
        }
    }

    #[test]
    fn checks_only_what_is_declared() {
        let w1 = matrix("partial_W1.npy", 4, 8);
        let s = test_spec(serde_json::json!({ "inputs": {
            "plain": { "path": "/nonexistent/never-opened.npy", "kind": "npy" },
            "csv": { "path": "/nonexistent/data.csv", "kind": "csv" },
            "dtype_only": { "path": w1, "kind": "npy", "dtype": "<f4" }
        } }))
        .unwrap();
        assert_eq!(error(&s), "partial_W1.npy: expected <f4 of shape (4, 8), found <f8 of shape (4, 8)");
    }
}
