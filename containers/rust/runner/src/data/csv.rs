//! A strict reader of numeric CSV files: every error names the file, the
//! 1-based line (the header is line 1) and the problem.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use ndarray::{Array1, Array2};

use super::record_read;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::test_file;

    const COLUMNS: &[&str] = &["a", "b", "species"];
    const SCHEMA: CsvSchema =
        CsvSchema { columns: COLUMNS, label: Some("species"), classes: Some(&[0, 1, 2]) };

    fn error(name: &str, content: &str) -> String {
        let path = test_file(name, content.as_bytes());
        let err = read_csv(&path, &SCHEMA).unwrap_err();
        format!("{err:#}").replace(&path.display().to_string(), name)
    }

    #[test]
    fn reads_features_and_labels() {
        let path = test_file("ok.csv", "\u{feff}a,b,species\r\n1.5, 2 ,0\r\n-3e-1,4,2.0\n\n".as_bytes());
        let table = read_csv(&path, &SCHEMA).unwrap();
        assert_eq!(table.features, ndarray::array![[1.5, 2.0], [-0.3, 4.0]]);
        assert_eq!(table.labels.unwrap(), ndarray::array![0, 2]);
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
}
