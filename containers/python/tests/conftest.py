"""Shared fixtures: a tiny iris-mlp problem on disk and the spec that runs it, small enough to train in milliseconds."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from equibench_runner.data import sha256_file

IRIS_HEADER = "sepal_length,sepal_width,petal_length,petal_width,species"
N_ROWS, N_TRAIN, HIDDEN = 12, 9, 3


@pytest.fixture
def write_npy(tmp_path: Path) -> Callable[[str, Any], Path]:
    """Saves an array as <name>.npy under the test's directory and returns its path."""

    def write(name: str, array: Any) -> Path:
        path = tmp_path / f"{name}.npy"
        np.save(path, np.asarray(array))
        return path

    return write


@pytest.fixture
def iris_inputs(tmp_path: Path, write_npy: Callable[[str, Any], Path]) -> dict[str, Path]:
    """A 12-row iris-like CSV, its split and initial weights for a 4-3-3 network."""
    rng = np.random.default_rng(7)
    features = np.round(rng.normal(5.0, 1.0, size=(N_ROWS, 4)), 1)
    species = np.arange(N_ROWS) % 3
    csv = tmp_path / "iris.csv"
    csv.write_text("\n".join([IRIS_HEADER] + [",".join(f"{v:.1f}" for v in row) + f",{label}"
                                              for row, label in zip(features, species)]) + "\n")
    return {
        "data": csv,
        "split": write_npy("split", rng.permutation(N_ROWS).astype("<i8")),
        "W1": write_npy("W1", rng.normal(0, 0.5, size=(4, HIDDEN))),
        "b1": write_npy("b1", np.zeros(HIDDEN)),
        "W2": write_npy("W2", rng.normal(0, 0.5, size=(HIDDEN, 3))),
        "b2": write_npy("b2", np.zeros(3)),
    }


# The harness's declarations for iris-mlp (PROTOCOL.md, "Input validation").
IRIS_DECLARED = {"split": ("<i8", [N_ROWS]), "W1": ("<f8", [4, "hidden"]), "b1": ("<f8", ["hidden"]),
                 "W2": ("<f8", ["hidden", 3]), "b2": ("<f8", [3])}


@pytest.fixture
def iris_spec(iris_inputs: dict[str, Path]) -> dict[str, Any]:
    """The raw spec of a python/numpy iris-mlp run on iris_inputs: every phase, no warm-up, one repetition."""
    inputs = {}
    for role, path in iris_inputs.items():
        ref: dict[str, Any] = {"path": str(path), "sha256": sha256_file(path), "kind": path.suffix[1:]}
        if role in IRIS_DECLARED:
            ref["dtype"], ref["shape"] = IRIS_DECLARED[role]
        inputs[role] = ref
    return {
        "protocol": 1, "task": "iris-mlp", "impl": "python/numpy", "device": "cpu", "dtype": "f64",
        "threads": 1, "warmup": 0, "warmup_min_ms": 0, "repetitions": 1,
        "phases": ["load", "train", "infer_single", "infer_batch"],
        "inputs": inputs,
        "params": {"epochs": 5, "batch_size": 4, "learning_rate": 0.1, "hidden": HIDDEN, "n_train": N_TRAIN},
        "outputs": ["W1", "b1", "W2", "b2", "loss_curve", "train_x", "train_pred", "test_pred", "test_proba"],
    }


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[[dict[str, Any]], Path]:
    """Writes a raw spec as spec.json and returns its path."""

    def write(raw: dict[str, Any]) -> Path:
        path = tmp_path / "spec.json"
        path.write_text(json.dumps(raw))
        return path

    return write
