"""Parsing spec.json: a malformed spec fails with a message naming the field, before any task is built."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from equibench_runner.protocol import RunnerError, parse_spec, read_spec_json


def test_parses_declared_dtype_and_shape(iris_spec: dict[str, Any]) -> None:
    spec = parse_spec(iris_spec)
    assert spec.inputs["W1"].dtype == "<f8"
    assert spec.inputs["W1"].shape == (4, "hidden")
    assert spec.inputs["data"].dtype is None and spec.inputs["data"].shape is None


def test_parses_verify(iris_spec: dict[str, Any]) -> None:
    iris_spec["verify"] = {"train": ["W1", "loss_curve"], "infer_batch": ["test_pred"]}
    assert parse_spec(iris_spec).verify == {"train": ("W1", "loss_curve"), "infer_batch": ("test_pred",)}


@pytest.mark.parametrize("absent", [False, True])
def test_verify_is_optional(iris_spec: dict[str, Any], absent: bool) -> None:
    if not absent:
        iris_spec["verify"] = None  # as a serializer writes an absent field
    assert parse_spec(iris_spec).verify == {}


def test_dtype_and_shape_are_optional(iris_spec: dict[str, Any]) -> None:
    del iris_spec["inputs"]["W1"]["dtype"], iris_spec["inputs"]["W1"]["shape"]
    iris_spec["inputs"]["data"].update(dtype=None, shape=None)  # as a serializer writes absent fields
    spec = parse_spec(iris_spec)
    assert spec.inputs["W1"].dtype is None and spec.inputs["W1"].shape is None


@pytest.mark.parametrize(("change", "message"), [
    (lambda s: s.pop("repetitions"), "spec: missing key 'repetitions'"),
    (lambda s: s.update(threads=True), "spec: 'threads' must be an integer, got true"),
    (lambda s: s.update(warmup=-1), "spec: 'warmup' must be at least 0, got -1"),
    (lambda s: s.update(protocol=2), "spec: protocol 2 is not supported (this runner speaks 1)"),
    (lambda s: s.update(dtype="f16"), "spec: dtype must be 'f32' or 'f64', got \"f16\""),
    (lambda s: s.update(phases=["load", "load"]), "spec: 'phases' lists a name twice: [\"load\", \"load\"]"),
    (lambda s: s["inputs"]["W1"].update(path="W1.npy"), "spec inputs.W1: path must be absolute, got 'W1.npy'"),
    (lambda s: s["inputs"]["W1"].update(dtype="float64"),
     "spec: inputs.W1.dtype must be a NumPy descr such as '<f8', got \"float64\""),
    (lambda s: s["inputs"]["W1"].update(dtype="<x9"),
     "spec: inputs.W1.dtype must be a NumPy descr such as '<f8', got \"<x9\""),
    (lambda s: s["inputs"]["W1"].update(shape=[4, True]),
     "spec: inputs.W1.shape must be a list of lengths, param names and nulls, got [4, true]"),
    (lambda s: s["inputs"]["W1"].update(shape=4),
     "spec: inputs.W1.shape must be a list of lengths, param names and nulls, got 4"),
    (lambda s: s["inputs"]["data"].update(shape=[None, 5]),
     "spec: inputs.data declares a dtype or shape, but only npy inputs have them"),
    (lambda s: s.update(verify=["train"]), "spec: 'verify' must be an object, got [\"train\"]"),
    (lambda s: s.update(verify={"fit": ["W1"]}), "spec: verify names the phase 'fit', which is not in phases"),
    (lambda s: s.update(phases=["load", "train"], verify={"infer_batch": ["test_pred"]}),
     "spec: verify names the phase 'infer_batch', which is not in phases"),
    (lambda s: s.update(verify={"train": "W1"}), "spec: verify.train must be a list of output names, got \"W1\""),
    (lambda s: s.update(verify={"train": ["W1", 2]}),
     "spec: verify.train must be a list of output names, got [\"W1\", 2]"),
    (lambda s: s.update(verify={"train": ["W1", "b1", "W1"]}),
     "spec: verify.train lists a name twice: [\"W1\", \"b1\", \"W1\"]"),
    (lambda s: s.update(verify={"train": ["W1", "coef"]}), "spec: verify.train names 'coef', which is not in outputs"),
    (lambda s: s.update(outputs=["W1"], verify={"train": ["W1", "b1"]}),
     "spec: verify.train names 'b1', which is not in outputs"),
])
def test_malformed_spec(iris_spec: dict[str, Any], change, message: str) -> None:
    change(iris_spec)
    with pytest.raises(RunnerError) as error:
        parse_spec(iris_spec)
    assert str(error.value) == message


def test_spec_file_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text('{"protocol": 1, "task": "iris-mlp", ')
    with pytest.raises(RunnerError, match=r"^spec .*spec\.json is not valid JSON: "):
        read_spec_json(path)


def test_spec_file_that_is_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text("[1, 2]")
    with pytest.raises(RunnerError, match="top level must be a JSON object, got list$"):
        read_spec_json(path)
