//! `.npy` files: typed readers for the task inputs, the header check the
//! core runs before the first phase, and the output arrays.

use std::fmt;
use std::fs::File;
use std::io::{Read, Seek};
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use ndarray::{Array, Array1, Array2, Array3, Dimension};
use ndarray_npy::{ReadNpyError, ReadNpyExt, ReadableElement, WritableElement};

use super::record_read;

/// Reads a .npy file of element type `T` and dimensionality `D`.
pub fn read_npy<T: ReadableElement, D: Dimension>(path: &Path) -> Result<Array<T, D>> {
    let fail = |problem: &dyn fmt::Display| {
        let ndim = D::NDIM.map_or_else(|| "any".to_string(), |n| n.to_string());
        anyhow!(
            "cannot read {} as a {ndim}-dimensional {} array: {problem}",
            path.display(),
            std::any::type_name::<T>()
        )
    };
    let mut file = File::open(path).map_err(|e| fail(&ReadNpyError::from(e)))?;
    check_declared_length::<T>(&mut file, path)?;
    file.rewind().map_err(|e| fail(&ReadNpyError::from(e)))?;
    let array = Array::<T, D>::read_npy(file).map_err(|e| fail(&e))?;
    record_read(path);
    Ok(array)
}

/// ndarray-npy allocates the whole array its header declares before it reads the data: a header
/// declaring more data than the file holds (a corrupt length, `(1000000000000,)`) is refused
/// here, before that allocation could abort the process.
fn check_declared_length<T>(file: &mut File, path: &Path) -> Result<()> {
    let (header, data_start) = read_header(file, path)?;
    let file_len = file.metadata().with_context(|| format!("cannot read {}", path.display()))?.len();
    let available = file_len.saturating_sub(data_start);
    let shape = python_tuple(header.shape.iter().map(usize::to_string));
    // Like ndarray, which ndarray-npy would panic on, the lengths other than 0 must multiply to at
    // most isize::MAX even when one length is 0.
    let nonzero = header.shape.iter().filter(|&&len| len != 0).try_fold(1usize, |n, &len| n.checked_mul(len));
    let needed = match nonzero.filter(|&n| isize::try_from(n).is_ok()) {
        Some(_) if header.shape.contains(&0) => Some(0),
        Some(elements) => elements.checked_mul(size_of::<T>()),
        None => None,
    };
    let Some(needed) = needed.filter(|&n| isize::try_from(n).is_ok()) else {
        bail!("{}: shape {shape} in the header is too large", path.display());
    };
    if needed as u64 > available {
        bail!(
            "{}: shape {shape} of {} in the header needs {needed} bytes of data, the file has {available}",
            path.display(),
            header.descr
        );
    }
    Ok(())
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
        fn write<T: WritableElement + Clone, D: Dimension>(path: &Path, a: &Array<T, D>) -> Result<()> {
            // ndarray-npy writes an array in Fortran layout (a transposed one) as is, with
            // fortran_order True; the protocol's files are C order (no copy where already so).
            ndarray_npy::write_npy(path, &a.as_standard_layout())
                .with_context(|| format!("cannot write {}", path.display()))
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
    let mut file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(read_header(&mut file, path)?.0)
}

/// The header of the `.npy` file open at its start, and the offset of its data.
fn read_header(file: &mut File, path: &Path) -> Result<(NpyHeader, u64)> {
    let mut read = || -> std::io::Result<Option<(String, u64)>> {
        let mut preamble = [0u8; 8];
        file.read_exact(&mut preamble)?;
        if &preamble[..6] != b"\x93NUMPY" {
            return Ok(None);
        }
        let (len, start) = match (preamble[6], preamble[7]) {
            (1, 0) => {
                let mut len = [0u8; 2];
                file.read_exact(&mut len)?;
                (u64::from(u16::from_le_bytes(len)), 10)
            }
            (2 | 3, 0) => {
                let mut len = [0u8; 4];
                file.read_exact(&mut len)?;
                (u64::from(u32::from_le_bytes(len)), 12)
            }
            (major, minor) => {
                let problem = format!(".npy format version {major}.{minor} is not supported");
                return Err(std::io::Error::other(problem));
            }
        };
        // Read up to the declared length: a corrupt length (up to 4 GiB) must not size a buffer.
        let mut header = Vec::new();
        file.take(len).read_to_end(&mut header)?;
        if header.len() as u64 != len {
            let problem =
                format!("the header length is {len} bytes, the file ends {} bytes into it", header.len());
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, problem));
        }
        Ok(Some((String::from_utf8_lossy(&header).into_owned(), start + len)))
    };
    let (header, data_start) = read()
        .with_context(|| format!("cannot read {}", path.display()))?
        .with_context(|| format!("{}: not a .npy file", path.display()))?;
    let parsed = parse_header(&header)
        .with_context(|| format!("{}: unreadable .npy header {:?}", path.display(), header.trim_end()))?;
    Ok((parsed, data_start))
}

/// Parses the Python dict literal of a `.npy` header, e.g.
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (4, 8), }`.
///
/// Only what NumPy writes is accepted: `descr` a string, `fortran_order` a boolean, `shape` a tuple
/// of decimal integers, each at most once, strings without escapes. ndarray-npy, which parses the
/// header again with a full Python literal parser, then reads the same shape as
/// `check_declared_length` bounded; anything else (`'\x73hape'`, `(1,) + (10**12,)`, a key twice,
/// deep nesting) is refused here.
fn parse_header(header: &str) -> Option<NpyHeader> {
    let (mut descr, mut fortran_order, mut shape) = (None, None, None);
    let mut rest = header.trim_start().strip_prefix('{')?;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix('}') {
            rest = after;
            break;
        }
        let (key, after) = py_string(rest)?;
        let value = after.trim_start().strip_prefix(':')?.trim_start();
        rest = match key {
            "descr" if descr.is_none() => {
                let (found, after) = py_string(value)?;
                descr = Some(found);
                after
            }
            "fortran_order" if fortran_order.is_none() => {
                let (found, after) = py_bool(value)?;
                fortran_order = Some(found);
                after
            }
            "shape" if shape.is_none() => {
                let (found, after) = py_int_tuple(value)?;
                shape = Some(found);
                after
            }
            _ => return None,
        }
        .trim_start();
        match rest.strip_prefix(',') {
            Some(after) => rest = after,
            None => {
                rest = rest.strip_prefix('}')?;
                break;
            }
        }
    }
    // NumPy pads the header with spaces up to a newline.
    if !rest.trim().is_empty() {
        return None;
    }
    Some(NpyHeader { descr: descr?.to_string(), shape: shape? })
}

/// A quoted string without escapes or line breaks, and the text after it.
fn py_string(text: &str) -> Option<(&str, &str)> {
    let quote = text.chars().next().filter(|c| matches!(c, '\'' | '"'))?;
    let body = &text[1..];
    let end = body.find([quote, '\\', '\n', '\r'])?;
    body[end..].starts_with(quote).then(|| (&body[..end], &body[end + 1..]))
}

fn py_bool(text: &str) -> Option<(bool, &str)> {
    match text.strip_prefix("True") {
        Some(after) => Some((true, after)),
        None => text.strip_prefix("False").map(|after| (false, after)),
    }
}

/// A tuple of decimal integers (`()`, `(30,)`, `(4, 8)`), and the text after it.
fn py_int_tuple(text: &str) -> Option<(Vec<usize>, &str)> {
    let (inside, after) = text.strip_prefix('(')?.split_once(')')?;
    if inside.trim().is_empty() {
        return Some((Vec::new(), after));
    }
    let mut dims: Vec<&str> = inside.split(',').map(str::trim).collect();
    // A trailing comma is allowed, and one element needs it: `(30)` is 30 in Python, not a tuple.
    if dims.last() == Some(&"") {
        dims.pop();
    } else if dims.len() == 1 {
        return None;
    }
    let dims = dims
        .iter()
        .map(|dim| dim.bytes().all(|b| b.is_ascii_digit()).then(|| dim.parse().ok()).flatten())
        .collect::<Option<Vec<usize>>>()?;
    Some((dims, after))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::test_file;

    /// A .npy file of format `version` whose header is `dict`, padded as NumPy pads it, then `data`.
    pub(super) fn npy_file(version: u8, dict: &str, data: &[u8]) -> Vec<u8> {
        let prefix = if version == 1 { 10 } else { 12 };
        let mut header = dict.to_string();
        while !(prefix + header.len() + 1).is_multiple_of(64) {
            header.push(' ');
        }
        header.push('\n');
        let mut bytes = b"\x93NUMPY".to_vec();
        bytes.extend([version, 0]);
        match version {
            1 => bytes.extend((header.len() as u16).to_le_bytes()),
            _ => bytes.extend((header.len() as u32).to_le_bytes()),
        }
        bytes.extend(header.as_bytes());
        bytes.extend(data);
        bytes
    }

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
        // What NumPy does not write, ndarray-npy could read otherwise: refused.
        assert_eq!(header("{'descr': '<f8', 'shape': (30)}"), None);
        assert_eq!(header("{'descr': '<f8', 'shape': (1_0,)}"), None);
        assert_eq!(header("{'descr': '<f8', 'shape': (-1,)}"), None);
        assert_eq!(header("{'descr': '<f8', 'shape': (2,) + (3,)}"), None);
        assert_eq!(header("{'descr': '<f8', 'shape': (2,)} x"), None);
        assert_eq!(header("{'descr': '<\\x66\\x38', 'shape': (2,)}"), None);
        assert_eq!(header("{'descr': '<f8', 'shape': (2,), 'extra': 1}"), None);
        assert_eq!(
            header("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3,), }"),
            Some(("<f8".into(), vec![2, 3]))
        );
    }

    #[test]
    fn a_declared_array_larger_than_the_file_fails_fast() {
        let file = |shape: &str, data: &[u8]| {
            let dict = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}");
            test_file("big.npy", &npy_file(1, &dict, data))
        };
        // Aborted the process before the fix: ndarray-npy allocated the 8 TB the header declared.
        let err = read_npy::<f64, ndarray::Ix1>(&file("(1000000000000,)", &[0; 16])).unwrap_err().to_string();
        assert!(
            err.ends_with(
                "big.npy: shape (1000000000000,) of <f8 in the header needs 8000000000000 bytes of data, \
                 the file has 16"
            ),
            "{err}"
        );
        // Panicked before the fix: ndarray-npy unwrapped ndarray's ShapeError (lengths past isize::MAX beside a 0).
        let huge = "(0, 4611686018427387904, 4611686018427387904)";
        let err = read_npy::<f64, ndarray::IxDyn>(&file(huge, b"")).unwrap_err().to_string();
        assert!(err.ends_with(&format!("big.npy: shape {huge} in the header is too large")), "{err}");
        let err = read_finite_matrix(&file("(4294967296, 4294967296)", b"")).unwrap_err().to_string();
        assert!(err.ends_with("big.npy: shape (4294967296, 4294967296) in the header is too large"), "{err}");
        let err = read_split(&file("(3,)", &[0; 16]), 3).unwrap_err().to_string();
        assert!(err.ends_with("needs 24 bytes of data, the file has 16"), "{err}");
    }

    #[test]
    fn a_declared_header_longer_than_the_file_fails() {
        let mut bytes = npy_file(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", &[0; 8]);
        // Both readers allocated the 4 GiB the length field declared before the fix.
        bytes[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
        let path = test_file("long.npy", &bytes);
        let expected = format!(
            "cannot read {}: the header length is 4294967295 bytes, the file ends 124 bytes into it",
            path.display()
        );
        assert_eq!(format!("{:#}", read_npy_header(&path).unwrap_err()), expected);
        assert_eq!(format!("{:#}", read_npy::<f64, ndarray::Ix1>(&path).unwrap_err()), expected);
        // Read as a format 2.0 header before the fix.
        bytes[6] = 7;
        let path = test_file("v7.npy", &bytes);
        let expected = format!("cannot read {}: .npy format version 7.0 is not supported", path.display());
        assert_eq!(format!("{:#}", read_npy_header(&path).unwrap_err()), expected);
    }

    #[test]
    fn the_header_check_reads_the_shape_ndarray_npy_reads() {
        let file = |dict: &str| test_file("h.npy", &npy_file(1, dict, &[0; 8]));
        // Before the fix the header check found `'shape'` inside the descr string: (1,), not (1000000000000,).
        let quoted = "{'descr': \"'shape': (1,)\", 'fortran_order': False, 'shape': (1000000000000,), }";
        assert_eq!(read_npy_header(&file(quoted)).unwrap().shape, [1_000_000_000_000]);
        // A key given twice or spelled with an escape: the check read (1,), ndarray-npy the second and
        // aborted on allocating it. Both are refused now.
        for dict in [
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'shape': (1000000000000,), }",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), '\\x73hape': (1000000000000,), }",
        ] {
            let err = read_npy::<f64, ndarray::Ix1>(&file(dict)).unwrap_err().to_string();
            assert!(err.contains("h.npy: unreadable .npy header"), "{err}");
        }
    }
}

/// Bounded property-based fuzzing of the readers: for any bytes they return `Ok` or an error that
/// names the file, never panic, and never allocate what a header declares beyond the file's length.
#[cfg(test)]
mod fuzz {
    use std::path::PathBuf;

    use ndarray::{ArrayD, Ix1, Ix2, IxDyn};
    use proptest::prelude::*;
    use proptest::sample::{Index, select};

    use super::tests::npy_file;
    use super::*;
    use crate::data::test_file;

    /// A fixed number of cases from a fixed seed of this module's own.
    fn config(cases: u32) -> proptest::test_runner::Config {
        crate::data::fuzz_config(cases, 0x5eed_0001)
    }

    /// This test's own file (each test runs its cases on one thread), removed to be written anew:
    /// ext4 flushes a file truncated to be rewritten, a millisecond a case.
    fn fresh() -> PathBuf {
        thread_local! {
            static PATH: PathBuf = test_file("fuzz.npy", b"");
        }
        let path = PATH.with(PathBuf::clone);
        std::fs::remove_file(&path).unwrap();
        path
    }

    /// Writes `bytes` to this test's own file.
    fn scratch(bytes: &[u8]) -> PathBuf {
        let path = fresh();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Every reader on the file at `path`: each returns `Ok` or an error naming the file, and a
    /// header declaring more data than the file holds is refused before ndarray-npy allocates it
    /// (its own "reached EOF" error would mean it had allocated the declared array).
    fn check_readers(path: &Path) -> std::result::Result<(), TestCaseError> {
        let name = path.display().to_string();
        let check = |what: &str, result: Result<Option<Vec<usize>>>| match result {
            Ok(shape) => Ok(shape),
            Err(e) => {
                let message = format!("{e:#}");
                prop_assert!(message.contains(&name), "{what}: the error does not name the file: {message}");
                prop_assert!(
                    !message.contains("reached EOF before reading all data"),
                    "{what}: the declared array was allocated before its data was found missing: {message}"
                );
                Ok(None)
            }
        };
        let header = check("read_npy_header", read_npy_header(path).map(|h| Some(h.shape)))?;
        let shapes = [
            check("f64 2-D", read_npy::<f64, Ix2>(path).map(|a| Some(a.shape().to_vec())))?,
            check("f32 any-D", read_npy::<f32, IxDyn>(path).map(|a| Some(a.shape().to_vec())))?,
            check("i64 1-D", read_npy::<i64, Ix1>(path).map(|a| Some(a.shape().to_vec())))?,
            check("u8 1-D", read_npy::<u8, Ix1>(path).map(|a| Some(a.shape().to_vec())))?,
            check("bool any-D", read_npy::<bool, IxDyn>(path).map(|a| Some(a.shape().to_vec())))?,
            check("finite matrix", read_finite_matrix(path).map(|a| Some(a.shape().to_vec())))?,
        ];
        // What ndarray-npy read, the header check read too.
        for shape in shapes.into_iter().flatten() {
            prop_assert_eq!(Some(&shape), header.as_ref(), "ndarray-npy and read_npy_header disagree");
        }
        let rows = header.as_ref().and_then(|shape| shape.first().copied()).unwrap_or(0);
        for n in [0, 3, rows] {
            check("read_split", read_split(path, n).map(|split| Some(vec![split.len()])))?;
        }
        Ok(())
    }

    /// A valid file written by the runner's own writer.
    fn valid_npy() -> impl Strategy<Value = Vec<u8>> {
        let len = || 0usize..5;
        prop_oneof![
            prop::collection::vec(any::<f64>(), len()).prop_map(|v| OutputArray::F64Vector(Array1::from(v))),
            prop::collection::vec(any::<i64>(), len()).prop_map(|v| OutputArray::I64Vector(Array1::from(v))),
            (len(), len(), any::<f64>())
                .prop_map(|(r, c, x)| OutputArray::F64Matrix(Array2::from_elem((r, c), x))),
            (len(), len(), any::<i64>())
                .prop_map(|(r, c, x)| OutputArray::I64Matrix(Array2::from_elem((r, c), x))),
            (len(), len(), len()).prop_map(|s| OutputArray::F32Array3(Array3::from_elem(s, 1.5))),
        ]
        .prop_map(|array| {
            let path = fresh();
            array.write(&path).unwrap();
            std::fs::read(path).unwrap()
        })
    }

    #[derive(Clone, Debug)]
    enum Mutation {
        Truncate(Index),
        Replace(Index, u8),
        ReplaceAt(usize, u8),
        Insert(Index, Vec<u8>),
        Remove(Index, usize),
    }

    fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
        for mutation in mutations {
            let at = |i: &Index| i.index(bytes.len() + 1);
            match mutation {
                Mutation::Truncate(i) => bytes.truncate(at(i)),
                Mutation::Replace(i, b) if !bytes.is_empty() => {
                    let i = i.index(bytes.len());
                    bytes[i] = *b;
                }
                Mutation::ReplaceAt(i, b) if *i < bytes.len() => bytes[*i] = *b,
                Mutation::Replace(..) | Mutation::ReplaceAt(..) => {}
                Mutation::Insert(i, new) => {
                    let i = at(i);
                    bytes.splice(i..i, new.iter().copied());
                }
                Mutation::Remove(i, n) => {
                    let i = at(i);
                    bytes.drain(i..(i + n).min(bytes.len()));
                }
            }
        }
        bytes
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            any::<Index>().prop_map(Mutation::Truncate),
            // Mostly in the preamble and header, where one byte changes the most.
            (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Replace(i, b)),
            (0usize..128, any::<u8>()).prop_map(|(i, b)| Mutation::ReplaceAt(i, b)),
            (any::<Index>(), prop::collection::vec(any::<u8>(), 1..9))
                .prop_map(|(i, v)| Mutation::Insert(i, v)),
            (any::<Index>(), 1usize..9).prop_map(|(i, n)| Mutation::Remove(i, n)),
        ]
    }

    /// One dimension of a shape tuple, as text: lengths, huge and overflowing lengths, and non-lengths.
    fn dim() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => (0usize..5).prop_map(|n| n.to_string()),
            3 => select(vec![
                "1000000000000", "4294967296", "4611686018427387904", "9223372036854775807",
                "9223372036854775808", "18446744073709551615", "18446744073709551616",
                "100000000000000000000000000000",
            ])
            .prop_map(str::to_string),
            1 => select(vec![
                "-1", "-0", "1.5", "1e3", "None", "True", "'3'", "(2,)", "[2]", "0x10", "1_0", "+2", "1+2", "010",
                " 3 ", "",
            ])
            .prop_map(str::to_string),
        ]
    }

    /// A header dict: mostly the three keys NumPy writes, in any order, with values of every dtype
    /// and shape; sometimes a key missing, an extra key, or values of the wrong kind.
    fn header_dict() -> impl Strategy<Value = String> {
        let descr = prop_oneof![
            8 => select(vec![
                "'<f8'", "'<f4'", "'<i8'", "'|u1'", "'|b1'", "'>f8'", "'>i8'", "'<c16'", "'|O'", "'<U3'", "'<f2'",
                "\"<f8\"",
            ])
            .prop_map(str::to_string),
            2 => select(vec!["'<f8", "'<\\x66\\x38'", "[('a', '<f8')]", "{}", "None", "8", "'''<f8'''"])
                .prop_map(str::to_string),
            1 => "'[^'\\\\]{0,6}'",
        ];
        let fortran = prop_oneof![
            6 => select(vec!["False", "True"]),
            1 => select(vec!["0", "None", "'False'", "false"]),
        ];
        let shape = (prop::collection::vec(dim(), 0..5), any::<bool>()).prop_map(|(dims, trailing)| {
            let comma = if trailing || dims.len() == 1 { "," } else { "" };
            format!("({}{comma})", dims.join(", "))
        });
        let entries = (descr, fortran, shape)
            .prop_map(|(d, f, s)| {
                vec![format!("'descr': {d}"), format!("'fortran_order': {f}"), format!("'shape': {s}")]
            })
            .prop_shuffle();
        let extra = select(vec![
            "'\\x73hape': (1000000000000,)",
            "'shape': (1000000000000,)",
            "\"shape\": (2,)",
            "'extra': 1",
            "'descr' : '<i8'",
        ]);
        (
            entries,
            prop::option::weighted(0.1, any::<Index>()),
            prop::option::weighted(0.1, (any::<Index>(), extra)),
            any::<bool>(),
            prop_oneof![8 => Just(("{", "}")), 1 => Just(("{ ", " }")), 1 => Just(("(", ")"))],
        )
            .prop_map(|(mut entries, missing, extra, trailing, (open, close))| {
                if let Some(i) = missing {
                    entries.remove(i.index(entries.len()));
                }
                if let Some((i, extra)) = extra {
                    entries.insert(i.index(entries.len() + 1), extra.to_string());
                }
                format!("{open}{}{}{close}", entries.join(", "), if trailing { ", " } else { "" })
            })
    }

    /// The data length a header declares, when it is small and its descr names an item size.
    fn declared_data_len(dict: &str) -> Option<usize> {
        let header = parse_header(dict)?;
        let digits = header.descr.trim_start_matches(['<', '>', '|', '=']).get(1..)?;
        let elements = header.shape.iter().try_fold(1usize, |n, &len| n.checked_mul(len))?;
        Some(elements.checked_mul(digits.parse().ok()?)?).filter(|&len| len <= 4096)
    }

    proptest! {
        #![proptest_config(config(4000))]

        #[test]
        fn arbitrary_bytes(
            prefix in select(vec![&b""[..], b"\x93NUMPY", b"\x93NUMPY\x01\x00", b"\x93NUMPY\x02\x00"]),
            bytes in prop::collection::vec(any::<u8>(), 0..200),
        ) {
            check_readers(&scratch(&[prefix, &bytes].concat()))?;
        }

        #[test]
        fn mutated_valid_files(bytes in valid_npy(), mutations in prop::collection::vec(mutation(), 0..4)) {
            check_readers(&scratch(&mutate(bytes, &mutations)))?;
        }

        #[test]
        fn rewritten_headers(
            dict in header_dict(),
            version in prop_oneof![6 => Just(1u8), 2 => Just(2), 2 => Just(3), 1 => Just(0), 1 => Just(4)],
            mut data in prop::collection::vec(any::<u8>(), 0..100),
            exact_data in any::<bool>(),
            header_len in prop::option::weighted(0.1, any::<u32>()),
        ) {
            // Half the time exactly the data the header declares, so that reads get past the length checks.
            if let Some(len) = declared_data_len(&dict).filter(|_| exact_data) {
                data = data.into_iter().chain((0..len).map(|i| i as u8)).take(len).collect();
            }
            let mut bytes = npy_file(version, &dict, &data);
            if let Some(len) = header_len {
                // A declared header length that is not the header's (up to 4 GiB).
                let field = if version == 1 { 8..10 } else { 8..12 };
                let len = len.to_le_bytes();
                bytes.splice(field.clone(), len[..field.len()].iter().copied());
            }
            check_readers(&scratch(&bytes))?;
        }
    }

    /// The valid files the fuzzing starts from do read back.
    #[test]
    fn the_valid_files_read() {
        let path =
            scratch(&npy_file(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 1), }", &[0; 16]));
        assert_eq!(read_finite_matrix(&path).unwrap(), ndarray::array![[0.0], [0.0]]);
        let empty: ArrayD<f32> = read_npy(&scratch(&npy_file(
            3,
            "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4611686018427387904), }",
            &[],
        )))
        .unwrap();
        assert_eq!(empty.shape(), [0, 1 << 62]);
    }
}
