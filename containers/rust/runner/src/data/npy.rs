//! `.npy` files: typed readers for the task inputs, the header check the
//! core runs before the first phase, and the output arrays.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use ndarray::{Array, Array1, Array2, Array3, Dimension};
use ndarray_npy::{ReadableElement, WritableElement};

use super::record_read;

/// Reads a .npy file of element type `T` and dimensionality `D`.
pub fn read_npy<T: ReadableElement, D: Dimension>(path: &Path) -> Result<Array<T, D>> {
    let array = ndarray_npy::read_npy(path).map_err(|e| {
        let ndim = D::NDIM.map_or_else(|| "any".to_string(), |n| n.to_string());
        anyhow!(
            "cannot read {} as a {ndim}-dimensional {} array: {e}",
            path.display(),
            std::any::type_name::<T>()
        )
    })?;
    record_read(path);
    Ok(array)
}

/// Reads a split file: an `<i8` permutation of the `n` data rows.
pub fn read_split(path: &Path, n: usize) -> Result<Vec<usize>> {
    let split: Array1<i64> = read_npy(path)?;
    permutation(&split, n).with_context(|| format!("{}", path.display()))
}

/// Checks that `split` is a permutation of 0..n.
fn permutation(split: &Array1<i64>, n: usize) -> Result<Vec<usize>> {
    if split.len() != n {
        bail!("split has {} entries, the data has {n} rows", split.len());
    }
    let mut seen = vec![false; n];
    split
        .iter()
        .enumerate()
        .map(|(pos, &row)| match usize::try_from(row) {
            Ok(r) if r < n && !seen[r] => {
                seen[r] = true;
                Ok(r)
            }
            Ok(r) if r < n => bail!("split is not a permutation: row {r} appears twice (position {pos})"),
            _ => bail!("split is not a permutation of 0..{n}: row {row} at position {pos}"),
        })
        .collect()
}

/// Reads a 2-D `<f8` array of finite numbers.
pub fn read_finite_matrix(path: &Path) -> Result<Array2<f64>> {
    let array: Array2<f64> = read_npy(path)?;
    if let Some(((row, col), value)) = array.indexed_iter().find(|(_, v)| !v.is_finite()) {
        bail!("{}: row {row}, column {col} is not a finite number: {value}", path.display());
    }
    Ok(array)
}

/// An output array of one of the protocol's element types (`<f8`, `<f4`, `<i8`).
#[derive(Debug)]
pub enum OutputArray {
    F64Vector(Array1<f64>),
    F64Matrix(Array2<f64>),
    I64Vector(Array1<i64>),
    I64Matrix(Array2<i64>),
    F32Vector(Array1<f32>),
    F32Matrix(Array2<f32>),
    F32Array3(Array3<f32>),
}

impl OutputArray {
    /// Writes the array as .npy format 1.0, C order, little-endian.
    pub fn write(&self, path: &Path) -> Result<()> {
        fn write<T: WritableElement, D: Dimension>(path: &Path, a: &Array<T, D>) -> Result<()> {
            ndarray_npy::write_npy(path, a).with_context(|| format!("cannot write {}", path.display()))
        }
        match self {
            OutputArray::F64Vector(a) => write(path, a),
            OutputArray::F64Matrix(a) => write(path, a),
            OutputArray::I64Vector(a) => write(path, a),
            OutputArray::I64Matrix(a) => write(path, a),
            OutputArray::F32Vector(a) => write(path, a),
            OutputArray::F32Matrix(a) => write(path, a),
            OutputArray::F32Array3(a) => write(path, a),
        }
    }
}

/// A shape as Python writes a tuple: `()`, `(30,)`, `(4, 8)`; every runner's
/// shape messages read alike.
pub fn python_tuple(dims: impl Iterator<Item = String>) -> String {
    let dims: Vec<String> = dims.collect();
    match dims.as_slice() {
        [one] => format!("({one},)"),
        _ => format!("({})", dims.join(", ")),
    }
}

/// What a `.npy` header declares: the NumPy descr (`<f8`) and the shape.
#[derive(Debug, PartialEq)]
pub struct NpyHeader {
    pub descr: String,
    pub shape: Vec<usize>,
}

/// Reads only the header of a `.npy` file (format 1.0, 2.0 or 3.0). It does
/// not count as reading the file: the task's readers record that.
pub fn read_npy_header(path: &Path) -> Result<NpyHeader> {
    let read = || -> std::io::Result<Option<String>> {
        let mut file = File::open(path)?;
        let mut preamble = [0u8; 8];
        file.read_exact(&mut preamble)?;
        if &preamble[..6] != b"\x93NUMPY" {
            return Ok(None);
        }
        let len = if preamble[6] == 1 {
            let mut len = [0u8; 2];
            file.read_exact(&mut len)?;
            usize::from(u16::from_le_bytes(len))
        } else {
            let mut len = [0u8; 4];
            file.read_exact(&mut len)?;
            u32::from_le_bytes(len) as usize
        };
        let mut header = vec![0u8; len];
        file.read_exact(&mut header)?;
        Ok(Some(String::from_utf8_lossy(&header).into_owned()))
    };
    let header = read()
        .with_context(|| format!("cannot read {}", path.display()))?
        .with_context(|| format!("{}: not a .npy file", path.display()))?;
    parse_header(&header)
        .with_context(|| format!("{}: unreadable .npy header {:?}", path.display(), header.trim_end()))
}

/// Parses the Python dict literal of a `.npy` header, e.g.
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (4, 8), }`.
fn parse_header(header: &str) -> Option<NpyHeader> {
    let descr = dict_value(header, "descr")?;
    let quote = descr.chars().next().filter(|c| matches!(c, '\'' | '"'))?;
    let descr = &descr[1..];
    let descr = descr[..descr.find(quote)?].to_string();
    let shape = dict_value(header, "shape")?.strip_prefix('(')?;
    let shape = shape[..shape.find(')')?]
        .split(',')
        .map(str::trim)
        .filter(|dim| !dim.is_empty())
        .map(|dim| dim.parse().ok())
        .collect::<Option<Vec<usize>>>()?;
    Some(NpyHeader { descr, shape })
}

/// The text after `'key':` in a dict literal.
fn dict_value<'h>(dict: &'h str, key: &str) -> Option<&'h str> {
    let at = [format!("'{key}'"), format!("\"{key}\"")]
        .iter()
        .find_map(|k| dict.find(k.as_str()).map(|at| at + k.len()))?;
    Some(dict[at..].trim_start().strip_prefix(':')?.trim_start())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::test_file;

    #[test]
    fn split_must_be_a_permutation() {
        assert_eq!(permutation(&ndarray::array![2, 0, 1], 3).unwrap(), vec![2, 0, 1]);
        assert!(permutation(&ndarray::array![0, 1], 3).unwrap_err().to_string().contains("2 entries"));
        assert!(permutation(&ndarray::array![0, 0, 1], 3).unwrap_err().to_string().contains("appears twice"));
        assert!(
            permutation(&ndarray::array![0, 3, 1], 3)
                .unwrap_err()
                .to_string()
                .contains("row 3 at position 1")
        );
        assert!(permutation(&ndarray::array![0, -1, 1], 3).unwrap_err().to_string().contains("row -1"));
    }

    #[test]
    fn finite_matrix_names_the_bad_cell() {
        let path = test_file("m.npy", b"");
        OutputArray::F64Matrix(ndarray::array![[1.0, 2.0], [3.0, f64::NAN]]).write(&path).unwrap();
        let err = read_finite_matrix(&path).unwrap_err().to_string();
        assert!(err.ends_with("m.npy: row 1, column 1 is not a finite number: NaN"), "{err}");
        OutputArray::F64Matrix(ndarray::array![[1.0, 2.0]]).write(&path).unwrap();
        assert_eq!(read_finite_matrix(&path).unwrap(), ndarray::array![[1.0, 2.0]]);
    }

    #[test]
    fn npy_round_trip_and_type_errors() {
        let path = test_file("v.npy", b"");
        OutputArray::I64Vector(ndarray::array![3, 1, 2]).write(&path).unwrap();
        let back: Array1<i64> = read_npy(&path).unwrap();
        assert_eq!(back, ndarray::array![3, 1, 2]);
        let err = read_npy::<f64, ndarray::Ix1>(&path).unwrap_err().to_string();
        assert!(err.contains("as a 1-dimensional f64 array"), "{err}");
        let err = read_npy::<i64, ndarray::Ix2>(&path).unwrap_err().to_string();
        assert!(err.contains("as a 2-dimensional i64 array"), "{err}");
        OutputArray::F32Array3(Array3::from_elem((2, 3, 2), 0.5)).write(&path).unwrap();
        assert_eq!(read_npy_header(&path).unwrap(), NpyHeader { descr: "<f4".into(), shape: vec![2, 3, 2] });
        OutputArray::I64Matrix(ndarray::array![[1, 2], [3, 4]]).write(&path).unwrap();
        assert_eq!(read_npy_header(&path).unwrap(), NpyHeader { descr: "<i8".into(), shape: vec![2, 2] });
    }

    #[test]
    fn reads_the_header_only() {
        let path = test_file("h.npy", b"");
        OutputArray::F64Matrix(Array2::zeros((4, 8))).write(&path).unwrap();
        assert_eq!(read_npy_header(&path).unwrap(), NpyHeader { descr: "<f8".into(), shape: vec![4, 8] });
        OutputArray::I64Vector(ndarray::array![1, 2, 3]).write(&path).unwrap();
        assert_eq!(read_npy_header(&path).unwrap(), NpyHeader { descr: "<i8".into(), shape: vec![3] });
        let not_npy = test_file("not.npy", b"a,b\n1,2\n");
        assert!(read_npy_header(&not_npy).unwrap_err().to_string().ends_with("not.npy: not a .npy file"));
        let missing = read_npy_header(Path::new("/nonexistent/x.npy")).unwrap_err().to_string();
        assert_eq!(missing, "cannot read /nonexistent/x.npy");
    }

    #[test]
    fn parses_header_dicts() {
        let header = |text: &str| parse_header(text).map(|h| (h.descr, h.shape));
        assert_eq!(
            header("{'descr': '<f8', 'fortran_order': False, 'shape': (), }"),
            Some(("<f8".into(), vec![]))
        );
        assert_eq!(
            header("{'descr': '|u1', 'fortran_order': False, 'shape': (30,), }"),
            Some(("|u1".into(), vec![30]))
        );
        assert_eq!(header("{\"shape\": (2, 3), \"descr\": \">f4\"}"), Some((">f4".into(), vec![2, 3])));
        assert_eq!(header("{'descr': [('a', '<f8')], 'shape': (2,)}"), None);
        assert_eq!(header("{'descr': '<f8'}"), None);
    }
}
