//! The binary as the harness starts it: `--list`, a malformed spec, and the
//! checks `gpt2-generate` makes before it computes anything.

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
    assert!(lines.contains(&"gpt2-generate rust/ort"), "{stdout}");
    assert!(lines.contains(&"gpt2-generate rust/candle"), "{stdout}");
    assert!(lines.contains(&"cnn-cifar10 rust/candle"), "{stdout}");
    // Those rows are in binaries of their own.
    assert!(
        !lines.iter().any(|line| line.ends_with("rust/tch")
            || line.ends_with("rust/llama-cpp")
            || line.ends_with("rust/burn")),
        "{stdout}"
    );
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

/// A `gpt2-generate` spec for `implementation` on small files in `dir` (a config.json of a 2-layer
/// model; the other inputs are paths only, written by the test that needs them), `params` changed.
fn gpt2_spec(dir: &Path, implementation: &str, params: serde_json::Value) -> PathBuf {
    let config = serde_json::json!({
        "model_type": "gpt2", "activation_function": "gelu_new", "n_layer": 2, "n_head": 2, "n_embd": 64,
        "vocab_size": 50257, "n_positions": 1024, "layer_norm_epsilon": 1e-5
    });
    std::fs::write(dir.join("config.json"), config.to_string()).unwrap();
    let mut all = serde_json::json!({ "prompt_count": 2, "new_tokens": 20, "layers": 2, "heads": 2,
                                      "d_model": 64, "vocab": 50257, "context": 1024, "checkpoint": "seeded" });
    for (key, value) in params.as_object().unwrap() {
        all[key] = value.clone();
    }
    let input = |file: &str, kind: &str| serde_json::json!({ "path": dir.join(file), "kind": kind });
    let spec = serde_json::json!({
        "protocol": 1, "task": "gpt2-generate", "impl": implementation, "device": "cpu", "dtype": "f32",
        "threads": 1, "warmup": 0, "repetitions": 1, "phases": ["load", "prefill", "decode"],
        "outputs": ["generated_ids"], "params": all,
        "inputs": {
            "config": input("config.json", "json"), "weights": input("model.safetensors", "safetensors"),
            "onnx": input("model.onnx", "onnx"), "tokenizer": input("tokenizer.json", "json"),
            "prompts": input("prompts.txt", "text")
        }
    });
    let path = dir.join(format!("spec-{}.json", implementation.replace('/', "_")));
    std::fs::write(&path, spec.to_string()).unwrap();
    path
}

/// Runs the runner on `spec` with `env` set (a `None` value removed) and returns its exit code and the
/// message of its error result.
fn run_failing(spec: &Path, env: &[(&str, Option<&str>)]) -> (Option<i32>, String) {
    let out = spec.with_extension("out");
    let mut command = Command::new(RUNNER);
    command.arg("--spec").arg(spec).arg("--out").arg(&out);
    for (name, value) in env {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    let output = command.output().unwrap();
    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("result.json")).unwrap()).unwrap();
    assert_eq!(result["status"], "error");
    let message = result["error"].as_str().unwrap().to_string();
    assert_eq!(String::from_utf8(output.stderr).unwrap(), format!("equibench-runner: error: {message}\n"));
    (output.status.code(), message)
}

#[test]
fn gpt2_params_must_describe_the_model_in_config_json() {
    let dir = temp_dir("gpt2-config");
    let spec = gpt2_spec(&dir, "rust/candle", serde_json::json!({ "heads": 4, "layers": 12 }));
    let (code, message) = run_failing(&spec, &[("RAYON_NUM_THREADS", Some("1"))]);
    assert_eq!(code, Some(1));
    assert_eq!(message, "config.json: n_layer is 2, but params.layers is 12");
}

#[test]
fn gpt2_ort_names_the_library_it_needs() {
    let dir = temp_dir("gpt2-ort");
    let spec = gpt2_spec(&dir, "rust/ort", serde_json::json!({}));
    let (code, message) = run_failing(&spec, &[("ORT_DYLIB_PATH", None)]);
    assert_eq!(code, Some(1));
    assert!(message.starts_with("rust/ort loads ONNX Runtime at run time: set ORT_DYLIB_PATH"), "{message}");
    let (_, message) = run_failing(&spec, &[("ORT_DYLIB_PATH", Some("/nonexistent/libonnxruntime.so"))]);
    assert_eq!(message, "ORT_DYLIB_PATH: /nonexistent/libonnxruntime.so does not exist");
}

#[test]
fn gpt2_candle_names_a_missing_file_and_its_thread_split() {
    let dir = temp_dir("gpt2-candle");
    let spec = gpt2_spec(&dir, "rust/candle", serde_json::json!({}));
    // No tokenizer.json was written: load names the file.
    let (_, message) = run_failing(&spec, &[("RAYON_NUM_THREADS", Some("1"))]);
    let missing = format!("cannot read {}: ", dir.join("tokenizer.json").display());
    assert!(message.starts_with(&missing), "{message}");
    // candle's matmul split follows RAYON_NUM_THREADS, which must agree with threads.
    let (_, message) = run_failing(&spec, &[("RAYON_NUM_THREADS", Some("3"))]);
    assert_eq!(
        message,
        "rust/candle: candle's matmul would split its work into 3 parts (RAYON_NUM_THREADS is 3, else the physical \
         cores), not threads = 1; the harness sets RAYON_NUM_THREADS to threads"
    );
}
