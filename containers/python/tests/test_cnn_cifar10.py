"""Task cnn-cifar10 (PROTOCOL.md): the CIFAR-10 binary reader's errors, the preprocessing formula, and the
python/torch row on a tiny spec: its first f64 loss against the forward pass written out in NumPy (padding,
pooling, flatten order and loss reduction as the protocol states them), and its first Adam step's size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from equibench_runner import core, registry
from equibench_runner.data import sha256_file
from equibench_runner.protocol import RunnerError, output_digest, parse_spec
from equibench_runner.tasks.cnn_cifar10 import PARAMETERS, RECORD_BYTES, normalize, read_cifar, read_records

OUTPUTS = ["step1_loss", "early_losses", "step1_params", "test_pred", "train_step_ns", "f64_losses", "f64_params"]
# The outputs each timed phase computes, as the harness declares them.
VERIFY = {"train": ["step1_loss", "early_losses", "step1_params"], "evaluate": ["test_pred"]}


def write_records(path: Path, labels: list[int]) -> Path:
    rng = np.random.default_rng(7)
    records = np.empty((len(labels), RECORD_BYTES), dtype=np.uint8)
    records[:, 0] = labels
    records[:, 1:] = rng.integers(0, 256, size=(len(labels), RECORD_BYTES - 1))
    records.tofile(path)
    return path


def test_reads_labels_and_chw_pixels(tmp_path: Path) -> None:
    path = write_records(tmp_path / "data_batch_1.bin", [3, 9, 0])
    labels, pixels = read_cifar(path)
    assert labels.tolist() == [3, 9, 0]
    assert pixels.shape == (3, 3072)
    assert pixels[1, 0] == np.fromfile(path, dtype=np.uint8)[RECORD_BYTES + 1]


def test_a_truncated_file_is_named_with_its_length(tmp_path: Path) -> None:
    path = write_records(tmp_path / "data_batch_2.bin", [1, 2])
    path.write_bytes(path.read_bytes()[:-1])
    with pytest.raises(RunnerError, match=r"data_batch_2\.bin: 6145 bytes, not a whole number of 3073-byte records"):
        read_cifar(path)


def test_a_label_above_nine_names_the_record(tmp_path: Path) -> None:
    path = write_records(tmp_path / "test_batch.bin", [1, 2, 11])
    with pytest.raises(RunnerError, match=r"test_batch\.bin record 2: label byte 11, not 0\.\.9"):
        read_cifar(path)


def test_too_few_records_names_the_files_and_the_param(tmp_path: Path) -> None:
    files = [write_records(tmp_path / f"data_batch_{n}.bin", [0, 1]) for n in (1, 2)]
    assert len(read_records(files, 3, "n_train")[0]) == 3
    with pytest.raises(RunnerError, match=r"data_batch_1\.bin, data_batch_2\.bin: 4 records, fewer than params\.n_train = 5"):
        read_records(files, 5, "n_train")


def test_normalize_is_the_f64_formula_rounded_once() -> None:
    pixels = np.arange(3072, dtype=np.int64).reshape(1, 3072) % 256
    mean, std = np.array([0.49, 0.48, 0.45]), np.array([0.25, 0.24, 0.26])
    x = normalize(pixels.astype(np.uint8), mean, std, np.float32)
    expected = ((pixels.reshape(1, 3, 32, 32) / 255.0 - mean[:, None, None]) / std[:, None, None]).astype(np.float32)
    assert x.dtype == np.float32
    assert np.array_equal(x, expected)


# ---- the python/torch row on a tiny spec -------------------------------------------------------------------

def tiny_inputs(folder: Path, batch: int, steps: int) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    rng = np.random.default_rng(11)
    inputs: dict[str, Any] = {}
    for name in [f"data_batch_{n}" for n in range(1, 6)] + ["test_batch"]:
        path = write_records(folder / f"{name}.bin", list(rng.integers(0, 10, size=batch)))
        inputs[name] = {"path": str(path), "sha256": sha256_file(path), "kind": "cifar-bin"}
    arrays = {"channel_mean": np.array([0.5, 0.5, 0.5]), "channel_std": np.array([0.29, 0.28, 0.3]),
              "batches": np.stack([rng.permutation(batch) for _ in range(steps)]).astype(np.int64)}
    for name, shape in PARAMETERS.items():
        fan_in = int(np.prod(PARAMETERS[name.replace("_bias", "_weight")][1:]))
        arrays[name] = rng.uniform(-1, 1, size=shape) / np.sqrt(fan_in)
    for name, array in arrays.items():
        np.save(folder / f"{name}.npy", array)
        inputs[name] = {"path": str(folder / f"{name}.npy"), "sha256": sha256_file(folder / f"{name}.npy"),
                        "kind": "npy"}
    return inputs, arrays


def numpy_loss(x: np.ndarray, y: np.ndarray, w: dict[str, np.ndarray]) -> float:
    def conv(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
        windows = np.lib.stride_tricks.sliding_window_view(np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1))), (3, 3),
                                                           axis=(2, 3))
        return np.einsum("nchwij,ocij->nohw", windows, weight) + bias[:, None, None]

    def pool(x: np.ndarray) -> np.ndarray:
        n, c, h, width = x.shape
        return x.reshape(n, c, h // 2, 2, width // 2, 2).max(axis=(3, 5))

    h = pool(np.maximum(conv(x, w["conv1_weight"], w["conv1_bias"]), 0))
    h = pool(np.maximum(conv(h, w["conv2_weight"], w["conv2_bias"]), 0)).reshape(len(x), -1)
    logits = np.maximum(h @ w["fc1_weight"].T + w["fc1_bias"], 0) @ w["fc2_weight"].T + w["fc2_bias"]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_softmax[np.arange(len(y)), y].mean())


def test_torch_row_computes_the_protocols_forward_and_adam(tmp_path: Path) -> None:
    batch, steps, lr = 8, 3, 1e-3
    inputs, arrays = tiny_inputs(tmp_path, batch, steps)
    raw = {"protocol": 1, "task": "cnn-cifar10", "impl": "python/torch", "device": "cpu", "dtype": "f32",
           "threads": 1, "warmup": 0, "repetitions": 2, "phases": ["load", "build", "train", "evaluate"],
           "inputs": inputs, "outputs": OUTPUTS, "verify": VERIFY,
           "params": {"n_train": batch, "n_test": batch, "batch_size": batch, "steps": steps, "f64_steps": 2,
                      "learning_rate": lr, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0}}
    spec = parse_spec(raw)
    (tmp_path / "out").mkdir()
    result = core.run(spec, registry.lookup(spec.task, spec.impl), tmp_path / "out")
    out = {name: np.load(tmp_path / "out" / file) for name, file in result["outputs"].items()}

    labels, pixels = read_cifar(tmp_path / "data_batch_1.bin")
    first = arrays["batches"][0]
    x = normalize(pixels[first], arrays["channel_mean"], arrays["channel_std"], np.float64)
    assert out["f64_losses"][0] == pytest.approx(numpy_loss(x, labels[first], arrays), rel=1e-12)
    assert out["step1_loss"][0] == pytest.approx(out["f64_losses"][0], rel=1e-5)
    # Adam's first step moves every weight by lr·|g|/(|g|+eps): never more than lr, nearly lr where g is not tiny.
    initial = np.concatenate([arrays[name].ravel() for name in PARAMETERS])
    moved = np.abs(out["f64_params"][0] - initial)
    assert moved.max() <= lr * (1 + 1e-12)
    assert np.median(moved) > 0.9 * lr
    assert out["f64_params"].shape == (2, initial.size)
    assert out["test_pred"].shape == (batch,)
    # Each timed repetition trained and evaluated from the same start to what was written (test_verify).
    for phase, names in VERIFY.items():
        written = output_digest({name: out[name] for name in names})
        assert result["phases"][phase]["output_sha256"] == [written] * 2, phase
