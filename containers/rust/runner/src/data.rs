//! Input and output files: a strict numeric CSV reader and .npy helpers.
//!
//! Bad input must fail loudly and precisely: every CSV error names the file,
//! the 1-based line (the header is line 1) and the problem, because the
//! harness shows the message as is.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result, anyhow, bail};
use ndarray::{Array, Array1, Array2, Dimension};
use ndarray_npy::{ReadableElement, WritableElement};

/// Every file the readers below have read in this process. The runtime
/// manifest hashes the inputs among them, after the phases: an input the
/// task never read is not vouched for.
static FILES_READ: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Records that `path` was read (a lock and a short search; it allocates only
/// the first time a path is read).
fn record_read(path: &Path) {
    let mut read = FILES_READ.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if !read.iter().any(|p| p == path) {
        read.push(path.to_path_buf());
    }
}

/// Whether a reader of this module has read `path`.
pub fn was_read(path: &Path) -> bool {
    FILES_READ.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).iter().any(|p| p == path)
}

/// What a numeric CSV file must look like.
pub struct CsvSchema<'a> {
    /// The exact header line, column by column.
    pub columns: &'a [&'a str],
    /// The column that holds integer class labels, if any; every other column is a feature.
    pub label: Option<&'a str>,
    /// The labels allowed in the label column; `None` allows any integer.
    pub classes: Option<&'a [i64]>,
}

/// A CSV file split into a feature matrix (rows in file order) and labels.
#[derive(Debug)]
pub struct Table {
    pub features: Array2<f64>,
    pub labels: Option<Array1<i64>>,
}

/// Reads a headed CSV of finite numbers (and optionally integer class labels).
///
/// Accepted: a UTF-8 byte-order mark, `\r\n` line ends, spaces around cells,
/// blank lines at the end. Everything else that is not a finite number is an error.
pub fn read_csv(path: &Path, schema: &CsvSchema) -> Result<Table> {
    let file = path.display();
    let text = fs::read_to_string(path).with_context(|| format!("cannot read {file}"))?;
    record_read(path);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let ncols = schema.columns.len();
    let label_col = match schema.label {
        Some(name) => Some(
            schema
                .columns
                .iter()
                .position(|c| *c == name)
                .ok_or_else(|| anyhow!("CSV schema: label column '{name}' is not in the header"))?,
        ),
        None => None,
    };

    let mut lines = text.lines().enumerate().map(|(i, line)| (i + 1, line.trim_end_matches('\r')));
    let expected_header = schema.columns.join(",");
    match lines.next() {
        None => bail!("{file}: empty file, expected header '{expected_header}'"),
        Some((_, header)) => {
            let found: Vec<&str> = header.split(',').map(str::trim).collect();
            if found != schema.columns {
                bail!("{file} line 1: header mismatch: expected '{expected_header}', found '{header}'");
            }
        }
    }

    let mut features = Vec::new();
    let mut labels = Vec::new();
    let mut nrows = 0;
    let mut blank_since: Option<usize> = None;
    for (lineno, line) in lines {
        if line.trim().is_empty() {
            blank_since.get_or_insert(lineno);
            continue;
        }
        if let Some(blank) = blank_since {
            bail!("{file} line {blank}: empty line inside the data");
        }
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() != ncols {
            bail!("{file} line {lineno}: expected {ncols} columns, found {}", cells.len());
        }
        for (col, cell) in cells.iter().enumerate() {
            let cell = cell.trim();
            let name = schema.columns[col];
            let at = || format!("{file} line {lineno}: column {} ({name})", col + 1);
            let value: f64 = cell.parse().map_err(|_| anyhow!("{} is not a number: '{cell}'", at()))?;
            if !value.is_finite() {
                bail!("{} is not a finite number: '{cell}'", at());
            }
            if Some(col) == label_col {
                labels.push(
                    class_label(value, cell, schema.classes)
                        .map_err(|problem| anyhow!("{} {problem}", at()))?,
                );
            } else {
                features.push(value);
            }
        }
        nrows += 1;
    }
    if nrows == 0 {
        bail!("{file}: no data rows after the header");
    }

    let nfeatures = ncols - usize::from(label_col.is_some());
    let features =
        Array2::from_shape_vec((nrows, nfeatures), features).expect("row-major cells fill the matrix");
    let labels = label_col.map(|_| Array1::from_vec(labels));
    Ok(Table { features, labels })
}

/// An integer class label; integral floats such as "1.0" are accepted.
fn class_label(value: f64, cell: &str, classes: Option<&[i64]>) -> Result<i64, String> {
    if value.fract() != 0.0 || value.abs() > 2f64.powi(53) {
        return Err(format!("is not an integer class label: '{cell}'"));
    }
    let label = value as i64;
    if let Some(classes) = classes {
        if !classes.contains(&label) {
            let mut allowed = String::new();
            for (i, c) in classes.iter().enumerate() {
                let _ = write!(allowed, "{}{c}", if i > 0 { ", " } else { "" });
            }
            return Err(format!("is not an allowed class label: {label} (allowed: {allowed})"));
        }
    }
    Ok(label)
}

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

/// An output array of one of the protocol's element types (`<f8`, `<i8`).
#[derive(Debug)]
pub enum OutputArray {
    F64Vector(Array1<f64>),
    F64Matrix(Array2<f64>),
    I64Vector(Array1<i64>),
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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    const COLUMNS: &[&str] = &["a", "b", "species"];
    const SCHEMA: CsvSchema =
        CsvSchema { columns: COLUMNS, label: Some("species"), classes: Some(&[0, 1, 2]) };

    /// Writes `content` to a fresh file under the system temp dir.
    fn csv_file(name: &str, content: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("equibench-data-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        fs::write(&path, content).unwrap();
        path
    }

    fn error(name: &str, content: &str) -> String {
        let path = csv_file(name, content);
        let err = read_csv(&path, &SCHEMA).unwrap_err();
        format!("{err:#}").replace(&path.display().to_string(), name)
    }

    #[test]
    fn reads_features_and_labels() {
        let path = csv_file("ok.csv", "\u{feff}a,b,species\r\n1.5, 2 ,0\r\n-3e-1,4,2.0\n\n");
        let table = read_csv(&path, &SCHEMA).unwrap();
        assert_eq!(table.features, ndarray::array![[1.5, 2.0], [-0.3, 4.0]]);
        assert_eq!(table.labels.unwrap(), ndarray::array![0, 2]);
    }

    #[test]
    fn records_the_files_it_read() {
        let path = csv_file("recorded.csv", "a,b,species\n1,2,0\n");
        assert!(!was_read(&path));
        read_csv(&path, &SCHEMA).unwrap();
        read_csv(&path, &SCHEMA).unwrap();
        assert!(was_read(&path));
        assert_eq!(FILES_READ.lock().unwrap().iter().filter(|p| **p == path).count(), 1);
        let npy = csv_file("recorded.npy", "");
        OutputArray::I64Vector(ndarray::array![1, 2]).write(&npy).unwrap();
        assert!(!was_read(&npy));
        read_npy::<i64, ndarray::Ix1>(&npy).unwrap();
        assert!(was_read(&npy));
        assert!(!was_read(Path::new("/nonexistent/never-read.csv")));
    }

    #[test]
    fn reports_precise_errors() {
        assert!(error("empty.csv", "").contains("empty file"));
        let missing = read_csv(Path::new("/nonexistent/x.csv"), &SCHEMA).unwrap_err();
        assert!(format!("{missing:#}").starts_with("cannot read /nonexistent/x.csv: "));
        assert_eq!(
            error("h.csv", "a,c,species\n1,2,0\n"),
            "h.csv line 1: header mismatch: expected 'a,b,species', found 'a,c,species'"
        );
        assert_eq!(error("n.csv", "a,b,species\n1,2,0\n1,2\n"), "n.csv line 3: expected 3 columns, found 2");
        assert_eq!(
            error("x.csv", "a,b,species\n1,abc,0\n"),
            "x.csv line 2: column 2 (b) is not a number: 'abc'"
        );
        assert_eq!(error("e.csv", "a,b,species\n1,,0\n"), "e.csv line 2: column 2 (b) is not a number: ''");
        assert_eq!(
            error("nan.csv", "a,b,species\nNaN,1,0\n"),
            "nan.csv line 2: column 1 (a) is not a finite number: 'NaN'"
        );
        assert_eq!(
            error("inf.csv", "a,b,species\n1,-inf,0\n"),
            "inf.csv line 2: column 2 (b) is not a finite number: '-inf'"
        );
        assert_eq!(
            error("l.csv", "a,b,species\n1,2,3\n"),
            "l.csv line 2: column 3 (species) is not an allowed class label: 3 (allowed: 0, 1, 2)"
        );
        assert_eq!(
            error("f.csv", "a,b,species\n1,2,1.5\n"),
            "f.csv line 2: column 3 (species) is not an integer class label: '1.5'"
        );
        assert_eq!(
            error("b.csv", "a,b,species\n1,2,0\n\n1,2,0\n"),
            "b.csv line 3: empty line inside the data"
        );
        assert_eq!(error("r.csv", "a,b,species\n"), "r.csv: no data rows after the header");
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
        let path = csv_file("m.npy", "");
        OutputArray::F64Matrix(ndarray::array![[1.0, 2.0], [3.0, f64::NAN]]).write(&path).unwrap();
        let err = read_finite_matrix(&path).unwrap_err().to_string();
        assert!(err.ends_with("m.npy: row 1, column 1 is not a finite number: NaN"), "{err}");
        OutputArray::F64Matrix(ndarray::array![[1.0, 2.0]]).write(&path).unwrap();
        assert_eq!(read_finite_matrix(&path).unwrap(), ndarray::array![[1.0, 2.0]]);
    }

    #[test]
    fn npy_round_trip_and_type_errors() {
        let path = csv_file("v.npy", "");
        OutputArray::I64Vector(ndarray::array![3, 1, 2]).write(&path).unwrap();
        let back: Array1<i64> = read_npy(&path).unwrap();
        assert_eq!(back, ndarray::array![3, 1, 2]);
        let err = read_npy::<f64, ndarray::Ix1>(&path).unwrap_err().to_string();
        assert!(err.contains("as a 1-dimensional f64 array"), "{err}");
        let err = read_npy::<i64, ndarray::Ix2>(&path).unwrap_err().to_string();
        assert!(err.contains("as a 2-dimensional i64 array"), "{err}");
    }
}
