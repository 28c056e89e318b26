use std::path::PathBuf;

use serde_json::{Value, json};

use super::cifar::{IMAGE, RECORD, parse, read_first};
use super::*;
use crate::data::test_file;

/// A CIFAR-10 binary file of `labels.len()` records; pixel bytes from `seed`.
fn cifar_bytes(labels: &[u8], seed: usize) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(labels.len() * RECORD);
    for (i, &label) in labels.iter().enumerate() {
        bytes.push(label);
        bytes.extend((0..IMAGE).map(|p| ((p * 7 + i * 31 + seed * 13) % 256) as u8));
    }
    bytes
}

#[test]
fn reads_records_and_names_the_bad_ones() {
    let records = parse(&cifar_bytes(&[3, 9, 0], 1), "data_batch_1.bin").unwrap();
    assert_eq!(records.labels, [3, 9, 0]);
    assert_eq!(records.pixels.len(), 3 * IMAGE);
    assert_eq!(records.image(1)[..2], [(31 + 13) as u8, (7 + 31 + 13) as u8]);

    let mut short = cifar_bytes(&[1; 10], 0);
    short.pop();
    let err = parse(&short, "data_batch_2.bin").unwrap_err().to_string();
    assert_eq!(err, "data_batch_2.bin: 30729 bytes, not a whole number of 3073-byte records");

    let mut labels = [0u8; 20];
    labels[17] = 11;
    let err = parse(&cifar_bytes(&labels, 0), "test_batch.bin").unwrap_err().to_string();
    assert_eq!(err, "test_batch.bin record 17: label byte 11, not 0..9");
    assert!(parse(&[], "empty.bin").unwrap().is_empty());
}

#[test]
fn takes_the_first_records_of_the_files_in_order() {
    let first = test_file("data_batch_1.bin", &cifar_bytes(&[1, 2], 1));
    let second = test_file("data_batch_2.bin", &cifar_bytes(&[3, 4, 5], 2));
    // Past the records asked for, a file is not even read: this one would fail.
    let bad = test_file("data_batch_3.bin", b"not a CIFAR file");
    let paths = [first.as_path(), second.as_path(), bad.as_path()];
    let records = read_first(&paths, 4, "n_train").unwrap();
    assert_eq!(records.labels, [1, 2, 3, 4]);
    assert_eq!(records.image(2), &cifar_bytes(&[3], 2)[1..]);
    let err = read_first(&paths[..2], 6, "n_train").unwrap_err().to_string();
    assert_eq!(err, "data_batch_1.bin, data_batch_2.bin: 5 records, fewer than params.n_train = 6");
}

#[test]
fn normalizes_in_f64_then_rounds() {
    let (mean, std) = ([0.49, 0.48, 0.45], [0.25, 0.24, 0.26]);
    let normalizer = Normalizer::new(&mean, &std);
    let image: Vec<u8> = (0..IMAGE).map(|p| (p % 251) as u8).collect();
    let f64s = normalizer.apply(std::iter::once(&image[..]), |x| x);
    let f32s = normalizer.apply(std::iter::once(&image[..]), |x| x as f32);
    for (at, &p) in image.iter().enumerate() {
        let c = at / cifar::PLANE;
        let expected = (f64::from(p) / 255.0 - mean[c]) / std[c];
        assert_eq!(f64s[at], expected, "pixel {at}");
        assert_eq!(f32s[at], expected as f32, "pixel {at}");
    }
    // Channel-major (CHW): the green plane starts at 1024.
    assert_eq!(f64s[cifar::PLANE], (f64::from(image[cifar::PLANE]) / 255.0 - 0.48) / 0.24);
}

#[test]
fn the_parameters_are_the_contracts() {
    assert_eq!(PARAMETER_COUNT, 2_122_186);
    assert_eq!(PARAMETERS.iter().map(Parameter::numel).sum::<usize>(), PARAMETER_COUNT);
    assert_eq!(PARAMETERS[4].shape, [512, 4096]);
}

/// The inputs of a run on `n_train` training and `n_test` test images.
struct Files {
    inputs: Value,
}

fn npy(name: &str, array: OutputArray) -> PathBuf {
    let path = test_file(&format!("{name}.npy"), b"");
    array.write(&path).unwrap();
    path
}

/// A small deterministic value in ±scale from index `i`.
fn wave(i: usize, scale: f64) -> f64 {
    scale * ((i as f64) * 0.618_033_988_7).fract().mul_add(2.0, -1.0)
}

fn files(n_train: usize, n_test: usize, batches: Array2<i64>) -> Files {
    let labels = |n: usize, from: usize| (0..n).map(|i| ((i + from) % 10) as u8).collect::<Vec<u8>>();
    let mut inputs = serde_json::Map::new();
    // Two records a file, and the rest in data_batch_5.
    for (k, role) in TRAIN_FILES.iter().enumerate() {
        let from = (2 * k).min(n_train);
        let to = if k == 4 { n_train } else { (2 * k + 2).min(n_train) };
        let path = test_file(&format!("{role}.bin"), &cifar_bytes(&labels(to - from, from), k));
        inputs.insert(role.to_string(), json!({ "path": path, "kind": "cifar-bin" }));
    }
    let test = test_file("test_batch.bin", &cifar_bytes(&labels(n_test, 3), 9));
    inputs.insert("test_batch".into(), json!({ "path": test, "kind": "cifar-bin" }));
    let vector = |values: &[f64]| OutputArray::F64Vector(Array1::from(values.to_vec()));
    inputs.insert(
        "channel_mean".into(),
        json!({ "path": npy("channel_mean", vector(&[0.49, 0.48, 0.45])), "kind": "npy",
                "dtype": "<f8", "shape": [3] }),
    );
    inputs.insert(
        "channel_std".into(),
        json!({ "path": npy("channel_std", vector(&[0.25, 0.24, 0.26])), "kind": "npy" }),
    );
    inputs.insert(
        "batches".into(),
        json!({ "path": npy("batches", OutputArray::I64Matrix(batches)), "kind": "npy",
                "dtype": "<i8", "shape": ["steps", "batch_size"] }),
    );
    for (k, p) in PARAMETERS.iter().enumerate() {
        // PyTorch's default init scale: U(±1/√fan_in).
        let fan_in: usize = if p.shape.len() > 1 { p.shape[1..].iter().product() } else { 32 };
        let scale = 1.0 / (fan_in as f64).sqrt();
        let values: Vec<f64> = (0..p.numel()).map(|i| wave(i + 1000 * k, scale)).collect();
        let array = ndarray::ArrayD::from_shape_vec(p.shape, values).unwrap();
        let path = test_file(&format!("{}.npy", p.role), b"");
        ndarray_npy::write_npy(&path, &array).unwrap();
        inputs.insert(
            p.role.to_string(),
            json!({ "path": path, "kind": "npy", "dtype": "<f8", "shape": p.shape }),
        );
    }
    Files { inputs: Value::Object(inputs) }
}

fn small_spec(params: Value) -> Spec {
    let mut all = json!({
        "n_train": 12, "n_test": 5, "batch_size": 4, "steps": 3, "f64_steps": 2,
        "learning_rate": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0
    });
    for (key, value) in params.as_object().unwrap() {
        all[key] = value.clone();
    }
    let batches = Array2::from_shape_fn((3, 4), |(k, j)| ((5 * k + 3 * j) % 12) as i64);
    let files = files(12, 5, batches);
    crate::protocol::test_spec(json!({
        "task": "cnn-cifar10", "impl": "rust/candle", "dtype": "f32", "warmup": 0, "repetitions": 2,
        // candle's matmul split (RAYON_NUM_THREADS or the cores) must equal threads.
        "threads": candle_core::utils::get_num_threads(),
        "phases": ["load", "build", "train", "evaluate"], "params": all, "outputs": OUTPUTS,
        "inputs": files.inputs
    }))
    .unwrap()
}

#[test]
fn params_are_checked() {
    let err = |changes: Value| Params::from_spec(&small_spec(changes)).unwrap_err().to_string();
    assert_eq!(
        err(json!({ "weight_decay": 0.01 })),
        "spec params.weight_decay must be 0 (plain Adam), got 0.01"
    );
    assert_eq!(err(json!({ "f64_steps": 4 })), "spec params.f64_steps (4) must not exceed params.steps (3)");
    assert_eq!(
        err(json!({ "beta2": 1.0 })),
        "spec params.beta1 (0.9) and params.beta2 (1) must lie in [0, 1)"
    );
    let params = Params::from_spec(&small_spec(json!({}))).unwrap();
    assert_eq!(
        params.adam,
        Adam { learning_rate: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.0 }
    );
}

#[test]
fn the_f64_check_normalizes_only_the_images_its_batches_use() {
    let spec = small_spec(json!({}));
    let params = Params::from_spec(&spec).unwrap();
    let cifar = Cifar::read(&spec, &params).unwrap();
    assert_eq!(cifar.train.labels, (0..12).map(|i| i % 10).collect::<Vec<i64>>());
    // Batches 0 and 1: [0, 3, 6, 9] and [5, 8, 11, 2].
    let set = cifar.f64_set(4, 2);
    assert_eq!(set.labels, [0, 2, 3, 5, 6, 8, 9, 1]);
    assert_eq!(set.batches, [0, 2, 4, 6, 3, 5, 7, 1]);
    let Floats::F64(images) = &set.images else { panic!("f64 images") };
    let all = cifar.f32_set(4);
    let Floats::F32(all_images) = &all.images else { panic!("f32 images") };
    // Image 11 (the last used) is the 8th: the same pixels, in f64.
    assert_eq!(images[7 * IMAGE..].iter().map(|&x| x as f32).collect::<Vec<_>>(), all_images[11 * IMAGE..]);
    assert_eq!(all.test_images.as_ref().map(Vec::len), Some(5 * IMAGE));
    assert!(set.test_images.is_none());
}

#[test]
fn bad_batches_name_the_file() {
    let spec = small_spec(json!({}));
    let mut params = Params::from_spec(&spec).unwrap();
    params.n_train = 10;
    let err = Cifar::read(&spec, &params).err().unwrap().to_string();
    assert_eq!(err, "batches.npy: indices must lie in 0..9");
}

/// The candle row through the runner core: every output, in its shape, the f32 and f64 runs agreeing.
#[test]
fn candle_trains_through_the_core() {
    let mut spec = small_spec(json!({}));
    crate::runner::verify(
        &mut spec,
        &[("train", &["step1_loss", "early_losses", "step1_params"]), ("evaluate", &["test_pred"])],
    );
    let out = std::env::temp_dir().join(format!("equibench-cnn-test-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    let result = crate::runner::run(&spec, &out, rust_candle).unwrap();
    assert_eq!(crate::runner::assert_digests_of_written_outputs(&spec, &result, &out), 2);
    // check_f64 ran (its outputs exist) but is not measured.
    assert_eq!(result.phases.keys().collect::<Vec<_>>(), ["load", "build", "train", "evaluate"]);
    let result = serde_json::to_value(result).unwrap();
    assert_eq!(result["phases"]["train"]["ops_per_sample"], 3);
    let read = |name: &str| out.join(format!("{name}.npy"));
    let losses: Array1<f64> = data::read_npy(&read("early_losses")).unwrap();
    let step1: Array1<f64> = data::read_npy(&read("step1_loss")).unwrap();
    let f64_losses: Array1<f64> = data::read_npy(&read("f64_losses")).unwrap();
    let f64_params: Array2<f64> = data::read_npy(&read("f64_params")).unwrap();
    let step1_params: Array1<f32> = data::read_npy(&read("step1_params")).unwrap();
    let pred: Array1<i64> = data::read_npy(&read("test_pred")).unwrap();
    let step_ns: Array1<i64> = data::read_npy(&read("train_step_ns")).unwrap();
    assert_eq!((losses.len(), step1[0], f64_losses.len()), (3, losses[0], 2));
    assert_eq!(f64_params.dim(), (2, PARAMETER_COUNT));
    assert_eq!((step1_params.len(), pred.len(), step_ns.len()), (PARAMETER_COUNT, 5, 3));
    assert!(pred.iter().all(|&c| (0..10).contains(&c)) && step_ns.iter().all(|&t| t > 0));
    // The same algorithm in two precisions: close, not equal.
    assert!((losses[0] - f64_losses[0]).abs() < 1e-5 * f64_losses[0], "{losses} {f64_losses}");
    // Step 1 moves a parameter by lr·g / (|g| + eps): where |g| is near eps, the rounding of g in
    // f32 moves the result by up to lr, so only nearly every parameter agrees to f32 rounding.
    let diffs: Vec<f64> =
        step1_params.iter().zip(f64_params.row(0)).map(|(&a, &b)| (f64::from(a) - b).abs()).collect();
    let far = diffs.iter().filter(|&&d| d > 1e-7).count();
    assert!(far < PARAMETER_COUNT / 1000, "{far} step-1 parameters differ by more than 1e-7");
    assert!(diffs.iter().all(|&d| d <= 0.001), "a step-1 parameter differs by more than lr");
    // Adam's first step moves every parameter with a gradient by lr·|g| / (|g| + eps), at most lr.
    let cifar = Cifar::read(&spec, &Params::from_spec(&spec).unwrap()).unwrap();
    let init: Vec<f64> = cifar.initial.concat();
    let moved: Vec<f64> = f64_params.row(0).iter().zip(&init).map(|(a, b)| (a - b).abs()).collect();
    assert!(moved.iter().all(|&d| d <= 0.001 * (1.0 + 1e-9)), "a step larger than lr");
    let near_lr = moved.iter().filter(|&&d| d > 0.000_99).count();
    assert!(near_lr > PARAMETER_COUNT / 2, "only {near_lr} parameters moved by about lr");
    let manifest = &result["runtime"]["manifest"];
    assert_eq!((&manifest["hp.optimizer"], &manifest["hp.beta2"]), (&json!("adam"), &json!(0.999)));
    assert_eq!((&manifest["hp.weight_decay"], &manifest["hp.init"]), (&json!(0.0), &json!("injected")));
    assert_eq!(manifest["dtype"], "f32");
    let metrics = &result["metrics"];
    assert!(metrics["test_accuracy"].is_number() && metrics["final_loss"].as_f64().unwrap() > 0.0);
}
