//! The binary as the harness starts it: `--list`, and a malformed spec.

use std::path::{Path, PathBuf};
use std::process::Command;

const RUNNER: &str = env!("CARGO_BIN_EXE_equibench-runner");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("equibench-cli-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A `.npy` file (format 1.0) of zeros with element type `<f8`.
fn write_zeros_npy(path: &Path, shape: &[usize]) {
    let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
    let tuple = if dims.len() == 1 { format!("({},)", dims[0]) } else { format!("({})", dims.join(", ")) };
    let mut header = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': {tuple}, }}");
    // Magic, version and length take 10 bytes; the header ends in a newline at a multiple of 64.
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend((header.len() as u16).to_le_bytes());
    bytes.extend(header.as_bytes());
    bytes.resize(bytes.len() + 8 * shape.iter().product::<usize>(), 0);
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn lists_every_pair_as_task_and_impl() {
    let output = Command::new(RUNNER).arg("--list").output().unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.contains(&"iris-mlp rust/pure"), "{stdout}");
    assert!(lines.contains(&"kmeans-blobs rust/smartcore"), "{stdout}");
    assert!(lines.iter().all(|line| line.split(' ').count() == 2), "{stdout}");
}

#[test]
fn a_wrong_input_shape_fails_before_any_phase_with_the_common_message() {
    let dir = temp_dir("shape");
    let w1 = dir.join("W1.npy");
    write_zeros_npy(&w1, &[4, 8]);
    let spec = serde_json::json!({
        "protocol": 1, "task": "iris-mlp", "impl": "rust/pure", "device": "cpu", "dtype": "f64",
        "threads": 1, "warmup": 0, "repetitions": 1, "phases": ["load"], "outputs": [],
        "params": { "epochs": 1, "batch_size": 32, "learning_rate": 0.01, "hidden": 12, "n_train": 120 },
        "inputs": { "W1": { "path": w1, "kind": "npy", "dtype": "<f8", "shape": [4, "hidden"] } }
    });
    let spec_path = dir.join("spec.json");
    std::fs::write(&spec_path, spec.to_string()).unwrap();
    let out = dir.join("out");

    let output = Command::new(RUNNER).arg("--spec").arg(&spec_path).arg("--out").arg(&out).output().unwrap();
    let message = "W1.npy: expected <f8 of shape (4, 12), found <f8 of shape (4, 8)";
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(String::from_utf8(output.stderr).unwrap(), format!("equibench-runner: error: {message}\n"));
    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("result.json")).unwrap()).unwrap();
    assert_eq!(
        result,
        serde_json::json!({
            "protocol": 1, "task": "iris-mlp", "impl": "rust/pure", "status": "error", "error": message
        })
    );
}
