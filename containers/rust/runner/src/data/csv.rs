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

/// Bounded property-based fuzzing of `read_csv`: for any bytes it returns a table of finite numbers
/// and allowed labels, or an error naming the file; it never panics.
#[cfg(test)]
mod fuzz {
    use std::path::PathBuf;

    use proptest::prelude::*;
    use proptest::sample::{Index, select};

    use super::*;
    use crate::data::test_file;

    const COLUMNS: &[&str] = &["a", "b", "species"];
    const CLASSES: &[i64] = &[0, 1, 2];
    const LABELLED: CsvSchema =
        CsvSchema { columns: COLUMNS, label: Some("species"), classes: Some(CLASSES) };
    const ANY_LABEL: CsvSchema = CsvSchema { columns: COLUMNS, label: Some("species"), classes: None };
    const UNLABELLED: CsvSchema = CsvSchema { columns: COLUMNS, label: None, classes: None };

    /// A fixed number of cases from a fixed seed of this module's own.
    fn config(cases: u32) -> proptest::test_runner::Config {
        crate::data::fuzz_config(cases, 0x5eed_0002)
    }

    /// Writes `bytes` to this test's own file (each test runs its cases on one thread). The old file
    /// is removed first: ext4 flushes a file truncated to be rewritten, a millisecond a case.
    fn scratch(bytes: &[u8]) -> PathBuf {
        thread_local! {
            static PATH: PathBuf = test_file("fuzz.csv", b"");
        }
        let path = PATH.with(PathBuf::clone);
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Each schema on the file at `path`: a table that keeps the schema's promises, or an error naming the file.
    fn check_schemas(path: &Path) -> std::result::Result<(), TestCaseError> {
        let name = path.display().to_string();
        for schema in [&LABELLED, &ANY_LABEL, &UNLABELLED] {
            match read_csv(path, schema) {
                Ok(table) => {
                    let nfeatures = if schema.label.is_some() { 2 } else { 3 };
                    prop_assert!(table.features.nrows() > 0);
                    prop_assert_eq!(table.features.ncols(), nfeatures);
                    prop_assert!(table.features.iter().all(|x| x.is_finite()));
                    match (&table.labels, schema.label) {
                        (Some(labels), Some(_)) => {
                            prop_assert_eq!(labels.len(), table.features.nrows());
                            if let Some(classes) = schema.classes {
                                prop_assert!(labels.iter().all(|l| classes.contains(l)));
                            }
                        }
                        (None, None) => {}
                        _ => prop_assert!(false, "labels do not follow the schema"),
                    }
                }
                Err(e) => {
                    let message = format!("{e:#}");
                    prop_assert!(message.contains(&name), "the error does not name the file: {message}");
                }
            }
        }
        Ok(())
    }

    /// A cell: numbers (integral, fractional, huge, tiny), labels, non-finite values and non-numbers.
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => (0i64..4).prop_map(|n| n.to_string()),
            3 => any::<f64>().prop_map(|x| x.to_string()),
            2 => any::<f64>().prop_map(|x| format!("{x:e}")),
            1 => any::<i64>().prop_map(|n| n.to_string()),
            2 => select(vec![
                "NaN", "nan", "inf", "-inf", "+infinity", "1e400", "-1e-400", "", " ", "abc", " 2 ", "1.0", "2.",
                ".5", "-0", "-0.0", "1.5", "0x1", "1_0", "9007199254740993", "9007199254740992", "-9007199254740992",
                "18446744073709551616", "\u{feff}1", "\u{a0}1", "\u{663}", "1\u{0}", "\"1\"", "'1'", "\t1\t",
            ])
            .prop_map(str::to_string),
            1 => (1usize..3000).prop_map(|n| "7".repeat(n)),
            1 => "[ -~]{0,8}",
            1 => any::<String>(),
        ]
    }

    /// A header line: the schema's, or near it.
    fn header() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => Just("a,b,species".to_string()),
            1 => select(vec![
                " a , b ,species ", "a,b", "a,b,species,", "b,a,species", "a,b,Species", "a,,species", "", ",", "a;b;species",
                "\u{feff}a,b,species", "a,b,species\r",
            ])
            .prop_map(str::to_string),
        ]
    }

    /// Rows of 0 to 5 cells (3 most often), each line ended by `\n` or `\r\n`, with blank lines.
    fn table_text() -> impl Strategy<Value = Vec<u8>> {
        let row = prop_oneof![
            6 => prop::collection::vec(cell(), 3),
            1 => prop::collection::vec(cell(), 0..6),
            1 => Just(Vec::new()),
        ];
        let ending = select(vec!["\n", "\r\n", "\r", ""]);
        (
            any::<bool>(),
            header(),
            prop::collection::vec((row, ending), 0..8),
            select(vec!["", "\n", "\n\n", "\r\n \n"]),
            prop::option::weighted(0.15, (any::<Index>(), select(vec![0xffu8, 0x80, 0xc3, 0xfe]))),
        )
            .prop_map(|(bom, header, rows, tail, bad_byte)| {
                let mut text = if bom { "\u{feff}".to_string() } else { String::new() };
                text.push_str(&header);
                text.push('\n');
                for (cells, ending) in rows {
                    text.push_str(&cells.join(","));
                    text.push_str(ending);
                }
                text.push_str(tail);
                let mut bytes = text.into_bytes();
                if let Some((at, byte)) = bad_byte {
                    bytes.insert(at.index(bytes.len() + 1), byte);
                }
                bytes
            })
    }

    proptest! {
        #![proptest_config(config(3000))]

        #[test]
        fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200), headed in any::<bool>()) {
            let bytes = if headed { [b"a,b,species\n".as_slice(), &bytes].concat() } else { bytes };
            check_schemas(&scratch(&bytes))?;
        }

        #[test]
        fn generated_tables(bytes in table_text()) {
            check_schemas(&scratch(&bytes))?;
        }

        /// Well-formed files read back exactly, whatever their spacing, line ends and byte-order mark.
        #[test]
        fn well_formed_tables_read_back(
            rows in prop::collection::vec((-1e300f64..1e300, any::<f64>(), 0i64..3), 1..20),
            pad in select(vec!["", " ", "  ", "\t"]),
            ending in select(vec!["\n", "\r\n"]),
            bom in any::<bool>(),
            blank_lines in 0usize..3,
        ) {
            let rows: Vec<_> = rows.into_iter().map(|(a, b, l)| (a, if b.is_finite() { b } else { 0.5 }, l)).collect();
            let mut text = format!("{}a,b,species{ending}", if bom { "\u{feff}" } else { "" });
            for (a, b, label) in &rows {
                text.push_str(&format!("{pad}{a}{pad},{b:e},{pad}{label}{ending}"));
            }
            text.push_str(&ending.repeat(blank_lines));
            let table = read_csv(&scratch(text.as_bytes()), &LABELLED).map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
            let features: Vec<f64> = rows.iter().flat_map(|&(a, b, _)| [a, b]).collect();
            prop_assert_eq!(table.features.into_raw_vec_and_offset().0, features);
            prop_assert_eq!(table.labels.unwrap().to_vec(), rows.iter().map(|r| r.2).collect::<Vec<_>>());
        }
    }
}
