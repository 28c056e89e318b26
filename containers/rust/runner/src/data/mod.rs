//! Input and output files: a strict numeric CSV reader, `.npy` helpers, and
//! the record of the files read, which the runtime manifest hashes.
//!
//! Bad input must fail loudly and precisely: every error names the file and
//! the problem, because the harness shows the message as is.

mod csv;
mod digest;
mod npy;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};

pub use csv::{CsvSchema, Table, read_csv};
#[cfg(test)]
pub use digest::files_digest;
pub use digest::output_digest;
pub use npy::{OutputArray, python_tuple, read_finite_matrix, read_npy, read_npy_header, read_split};

/// Every file the readers of this module have read in this process. The
/// runtime manifest hashes the inputs among them, after the phases: an input
/// the task never read is not vouched for.
static FILES_READ: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Records that `path` was read (a lock and a short search; it allocates only
/// the first time a path is read). Tasks call it for the files a library opens
/// itself (a model file a session loads), once the library has read it.
pub fn record_read(path: &Path) {
    let mut read = FILES_READ.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if !read.iter().any(|p| p == path) {
        read.push(path.to_path_buf());
    }
}

/// The bytes of a file a task reads whole (a model, a tokenizer), recorded as read.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    record_read(path);
    Ok(bytes)
}

/// A UTF-8 text file, recorded as read.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = read_bytes(path)?;
    String::from_utf8(bytes).map_err(|e| anyhow::anyhow!("{}: not UTF-8 ({e})", path.display()))
}

/// Whether a reader of this module has read `path`.
pub fn was_read(path: &Path) -> bool {
    FILES_READ.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).iter().any(|p| p == path)
}

/// Writes `content` to a fresh file `name` in a directory of its own under the system temp dir: tests run
/// in parallel threads, and two writing the same name into one directory would read each other's half files.
#[cfg(test)]
pub fn test_file(name: &str, content: &[u8]) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("equibench-data-test-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_the_files_it_read() {
        let schema = CsvSchema { columns: &["a", "b", "species"], label: Some("species"), classes: None };
        let path = test_file("recorded.csv", b"a,b,species\n1,2,0\n");
        assert!(!was_read(&path));
        read_csv(&path, &schema).unwrap();
        read_csv(&path, &schema).unwrap();
        assert!(was_read(&path));
        assert_eq!(FILES_READ.lock().unwrap().iter().filter(|p| **p == path).count(), 1);
        let npy = test_file("recorded.npy", b"");
        OutputArray::I64Vector(ndarray::array![1, 2]).write(&npy).unwrap();
        assert!(!was_read(&npy));
        // Reading the header only does not count: it is the core's check, not the task's input.
        read_npy_header(&npy).unwrap();
        assert!(!was_read(&npy));
        read_npy::<i64, ndarray::Ix1>(&npy).unwrap();
        assert!(was_read(&npy));
        assert!(!was_read(Path::new("/nonexistent/never-read.csv")));
        let text = test_file("recorded.txt", "héllo\n".as_bytes());
        assert_eq!(read_text(&text).unwrap(), "héllo\n");
        assert!(was_read(&text));
        let latin1 = test_file("latin1.txt", b"h\xe9llo");
        let err = read_text(&latin1).unwrap_err().to_string();
        assert!(
            err.ends_with("latin1.txt: not UTF-8 (invalid utf-8 sequence of 1 bytes from index 1)"),
            "{err}"
        );
        let missing = read_bytes(Path::new("/nonexistent/model.onnx")).unwrap_err().to_string();
        assert_eq!(missing, "cannot read /nonexistent/model.onnx");
    }
}

/// The proptest configuration of every fuzz module: a fixed number of cases from a fixed seed, so
/// that CI runs are reproducible and bounded, and no failure files written into the source tree.
#[cfg(test)]
pub fn fuzz_config(cases: u32, seed: u64) -> proptest::test_runner::Config {
    use proptest::test_runner::{Config, RngAlgorithm, RngSeed};
    Config {
        cases,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(seed),
        ..Config::default()
    }
}
