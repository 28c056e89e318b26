"""Timed work re-verified (PROTOCOL.md, "Timed work re-verified"): the digest of a phase's outputs equals the hash
the harness takes of the written files; the core reports one per timed repetition, read from the task's live state,
so a row that skips its work under the timer shows; and the real rows' digests agree with what they write."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from equibench_runner import core, registry
from equibench_runner.data import sha256_file
from equibench_runner.protocol import RunnerError, output_digest, parse_spec, write_outputs
from equibench_runner.tasks import linreg_california, svm_digits
from equibench_runner.tasks.base import Results, Task

NPY_1_0 = b"\x93NUMPY\x01\x00"


def npy_data(path: Path) -> bytes:
    """The bytes after an NPY 1.0 file's header, found as the harness finds them (not through NumPy)."""
    raw = path.read_bytes()
    assert raw[:8] == NPY_1_0
    return raw[10 + int.from_bytes(raw[8:10], "little"):]


def written_digest(out_dir: Path, names: list[str]) -> str:
    """The harness's digest of the written outputs: SHA-256 over each file's data, in order."""
    sha = hashlib.sha256()
    for name in names:
        sha.update(npy_data(out_dir / f"{name}.npy"))
    return sha.hexdigest()


# ---- the digest ---------------------------------------------------------------------------------------------------

MATRIX = np.arange(12.0).reshape(3, 4) / 7


@pytest.mark.parametrize(("array", "descr"), [
    (np.array([0.1, -2.5, np.pi]), "<f8"),
    (MATRIX, "<f8"),
    (np.array([0.1, -2.5, np.pi], dtype=np.float32), "<f4"),
    (MATRIX.astype(np.float32), "<f4"),
    (np.array([3, -1, 2**40]), "<i8"),
    (np.array([[3, 1], [0, 2]], dtype=np.int32), "<i8"),
    (np.array([7, 0, 255], dtype=np.uint8), "<i8"),
    (np.array([True, False]), "<i8"),
    (MATRIX.astype(">f8"), "<f8"),
    (MATRIX.astype(">f4"), "<f4"),
    (np.arange(10)[::3], "<i8"),
    (MATRIX.T, "<f8"),
    (np.asfortranarray(MATRIX.astype(np.float32)), "<f4"),
    (MATRIX[:, 1::2], "<f8"),
    (np.arange(24, dtype=np.int32).reshape(2, 3, 4).transpose(2, 0, 1)[::-1], "<i8"),
    (np.empty((0, 3)), "<f8"),
])
def test_digest_is_the_written_files_data(tmp_path: Path, array: np.ndarray, descr: str) -> None:
    write_outputs(tmp_path, {"a": array})
    assert np.load(tmp_path / "a.npy").dtype.str == descr
    digest = output_digest({"a": array})
    assert digest == hashlib.sha256(npy_data(tmp_path / "a.npy")).hexdigest()
    # The same bytes from the values alone, in C order: conversion, byte order and layout are all accounted for.
    assert digest == hashlib.sha256(np.array(array.tolist(), dtype=descr).tobytes()).hexdigest()


def test_digest_covers_the_outputs_in_the_order_given(tmp_path: Path) -> None:
    arrays = {"w": MATRIX.T, "pred": np.array([2, 0, 1], dtype=np.int32), "loss": np.float32([0.5, 0.25])}
    write_outputs(tmp_path, arrays)
    assert output_digest(arrays) == written_digest(tmp_path, ["w", "pred", "loss"])
    assert output_digest(dict(reversed(arrays.items()))) == written_digest(tmp_path, ["loss", "pred", "w"])
    assert output_digest(arrays) != output_digest(dict(reversed(arrays.items())))


def test_an_unsupported_dtype_is_named() -> None:
    with pytest.raises(TypeError, match=r"^output z: unsupported dtype complex128$"):
        output_digest({"z": np.array([1j])})


# ---- the core, over a task that trains honestly and one that skips the work after its first run ---------------------

class Trainer(Task):
    """Trains `weights` and sums them into `total`; every run recomputes both from the start."""

    phases = ("prepare", "train")
    output_names = ("weights", "total")
    inputs = ()
    framework = "numpy"

    def prepare(self) -> None:
        self.start = np.linspace(0.0, 1.0, 6).reshape(2, 3)

    def train(self) -> None:
        self.weights = self.start * 0.5 + 0.25
        self.total = self.weights.sum(keepdims=True)

    def phase_outputs(self, phase: str) -> dict[str, np.ndarray]:
        if phase == "train":
            return {"weights": self.weights, "total": self.total}
        return super().phase_outputs(phase)

    def compute_dtype(self) -> np.dtype:
        return self.weights.dtype

    def manifest_hyperparameters(self) -> dict[str, Any]:
        return {}

    def results(self) -> Results:
        return Results(outputs=self.outputs_of("train"), metrics={})


class SkippingTrainer(Trainer):
    """Trains on its first run and keeps a private copy; later runs reset the live outputs and skip the work, and
    results() writes the copy: what a row timing a no-op looks like."""

    kept: dict[str, np.ndarray] | None = None

    def train(self) -> None:
        if self.kept is None:
            super().train()
            self.kept = {"weights": self.weights.copy(), "total": self.total.copy()}
        else:
            self.weights[...] = 0.0
            self.total[...] = 0.0

    def results(self) -> Results:
        assert self.kept is not None
        return Results(outputs=dict(self.kept), metrics={})


def trainer_spec(**changes: Any) -> Any:
    raw = {"protocol": 1, "task": "train", "impl": "python/trainer", "device": "cpu", "dtype": "f64", "threads": 1,
           "warmup": 0, "repetitions": 3, "phases": ["train"], "inputs": {}, "params": {},
           "outputs": ["weights", "total"], "verify": {"train": ["weights", "total"]}}
    return parse_spec({**raw, **changes})


def test_honest_repetitions_report_the_written_digest(tmp_path: Path) -> None:
    result = core.run(trainer_spec(), Trainer, tmp_path)
    assert result["phases"]["train"]["output_sha256"] == [written_digest(tmp_path, ["weights", "total"])] * 3


def test_work_skipped_under_the_timer_shows_in_the_digests(tmp_path: Path) -> None:
    result = core.run(trainer_spec(), SkippingTrainer, tmp_path)
    written = written_digest(tmp_path, ["weights", "total"])
    first, *later = result["phases"]["train"]["output_sha256"]
    assert first == written  # the one repetition that did the work
    assert len(later) == 2 and written not in later


def test_only_the_phases_verified_report_digests() -> None:
    spec = trainer_spec(phases=["prepare", "train"], verify={"train": ["total"]})
    task = Trainer(spec)
    phases, _ = core.run_phases(spec, task)
    assert "output_sha256" not in phases["prepare"]
    assert phases["train"]["output_sha256"] == [output_digest({"total": task.total})] * 3


def test_an_output_the_phase_does_not_expose_is_named() -> None:
    spec = trainer_spec(phases=["prepare", "train"], verify={"prepare": ["weights"]})
    with pytest.raises(RunnerError) as error:
        core.run_phases(spec, Trainer(spec))
    assert str(error.value) == "python/trainer exposes no output 'weights' after phase 'prepare'"


# ---- the real rows on small inputs ------------------------------------------------------------------------------

# The outputs each phase computes, as the harness declares them (PROTOCOL.md, per task).
VERIFY = {
    "iris-mlp": {"train": ["W1", "b1", "W2", "b2", "loss_curve"], "infer_batch": ["test_pred", "test_proba"]},
    "linreg-california": {"fit": ["coef", "intercept"], "predict_batch": ["test_pred"]},
    "svm-digits": {"predict_batch": ["test_pred"]},
    "kmeans-blobs": {"fit": ["centroids"], "predict_batch": ["labels"]},
}


def check_digests(raw: dict[str, Any], out: Path) -> None:
    """Runs the spec with warm-up and several repetitions: every verified phase reports, for each timed repetition,
    the digest of the outputs written."""
    spec = parse_spec({**raw, "warmup": 1, "repetitions": 3, "verify": VERIFY[raw["task"]]})
    out.mkdir()
    result = core.run(spec, registry.lookup(spec.task, spec.impl), out)
    for phase, names in spec.verify.items():
        assert result["phases"][phase]["output_sha256"] == [written_digest(out, list(names))] * 3, phase


@pytest.mark.parametrize("impl", ["python/numpy", "python/sklearn", "python/sklearn-seed-config"])
def test_iris_mlp_rows(iris_spec: dict[str, Any], tmp_path: Path, impl: str) -> None:
    if impl == "python/sklearn-seed-config":
        iris_spec["inputs"] = {role: iris_spec["inputs"][role] for role in ("data", "split")}
    check_digests({**iris_spec, "impl": impl}, tmp_path / "out")


def inputs(**paths: Path) -> dict[str, Any]:
    return {role: {"path": str(path), "sha256": sha256_file(path), "kind": path.suffix[1:]}
            for role, path in paths.items()}


def classical_spec(task: str, phases: list[str], roles: dict[str, Any], params: dict[str, Any],
                   outputs: list[str]) -> dict[str, Any]:
    return {"protocol": 1, "task": task, "impl": "python/sklearn", "device": "cpu", "dtype": "f64", "threads": 1,
            "warmup": 0, "repetitions": 1, "phases": phases, "inputs": roles, "params": params, "outputs": outputs}


def write_table(path: Path, columns: tuple[str, ...], rows: np.ndarray) -> Path:
    path.write_text("\n".join([",".join(columns)] + [",".join(repr(float(v)) for v in row) for row in rows]) + "\n")
    return path


def test_linreg_california_row(tmp_path: Path, write_npy: Callable[[str, Any], Path]) -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(30, 8))
    y = x @ rng.normal(size=8) + 0.5 + rng.normal(scale=0.1, size=30)
    data = write_table(tmp_path / "housing.csv", linreg_california.COLUMNS, np.column_stack([x, y]))
    raw = classical_spec("linreg-california", ["load", "fit", "predict_batch", "predict_single"],
                         inputs(data=data, split=write_npy("split", rng.permutation(30))),
                         {"n_train": 22, "single_rows": 3, "fit_intercept": True}, ["coef", "intercept", "test_pred"])
    check_digests(raw, tmp_path / "out")


def test_svm_digits_row(tmp_path: Path, write_npy: Callable[[str, Any], Path]) -> None:
    rng = np.random.default_rng(5)
    digits = np.arange(40) % svm_digits.N_CLASSES
    pixels = np.clip(digits[:, None] + rng.integers(0, 7, size=(40, 64)), 0, 16)
    data = write_table(tmp_path / "digits.csv", svm_digits.COLUMNS, np.column_stack([pixels, digits]))
    raw = classical_spec("svm-digits", ["load", "fit", "predict_batch", "predict_single"],
                         inputs(data=data, split=write_npy("split", rng.permutation(40))),
                         {"n_train": 30, "single_rows": 3, "C": 1.0, "tol": 1e-3, "kernel": "linear"}, ["test_pred"])
    check_digests(raw, tmp_path / "out")


def test_kmeans_blobs_row(tmp_path: Path, write_npy: Callable[[str, Any], Path]) -> None:
    rng = np.random.default_rng(9)
    points = np.concatenate([rng.normal(center, 0.5, size=(20, 2)) for center in ((0, 0), (4, 0), (0, 4))])
    raw = classical_spec("kmeans-blobs", ["load", "fit", "predict_batch"],
                         inputs(data=write_npy("data", points), init=write_npy("init", points[[0, 20, 40]] + 0.3)),
                         {"k": 3, "max_iter": 300}, ["centroids", "labels"])
    check_digests(raw, tmp_path / "out")
