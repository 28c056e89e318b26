"""The core's checks before the first phase (PROTOCOL.md, "Input validation"): the request against the task,
the input files against their digests, and each declared npy header against its declaration."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from equibench_runner import core, registry
from equibench_runner.data import sha256_file
from equibench_runner.protocol import RunnerError, parse_spec


def check(raw: dict[str, Any]) -> None:
    """Everything the core checks before it runs a phase, in its order."""
    spec = parse_spec(raw)
    core.check_request(spec, registry.lookup(spec.task, spec.impl))
    core.check_input_files(spec, core.declared_array_types(spec))


def replace_input(raw: dict[str, Any], role: str, path: Path) -> None:
    raw["inputs"][role].update(path=str(path), sha256=sha256_file(path))


def message(raw: dict[str, Any]) -> str:
    with pytest.raises(RunnerError) as error:
        check(raw)
    return str(error.value)


def test_declared_inputs_pass(iris_spec: dict[str, Any]) -> None:
    check(iris_spec)


def test_shape_naming_a_param(iris_spec: dict[str, Any]) -> None:
    iris_spec["params"]["hidden"] = 12
    assert message(iris_spec) == "W1.npy: expected <f8 of shape (4, 12), found <f8 of shape (4, 3)"


def test_wrong_dtype(iris_spec: dict[str, Any], write_npy: Callable[[str, Any], Path]) -> None:
    replace_input(iris_spec, "split", write_npy("split_f8", np.arange(12.0)))
    assert message(iris_spec) == "split_f8.npy: expected <i8 of shape (12,), found <f8 of shape (12,)"


def test_null_dims_accept_any_length_but_not_another_rank(iris_spec: dict[str, Any]) -> None:
    iris_spec["inputs"]["b2"]["shape"] = [None]
    check(iris_spec)
    iris_spec["inputs"]["W2"]["shape"] = ["hidden", None, None]
    assert message(iris_spec) == "W2.npy: expected <f8 of shape (3, ?, ?), found <f8 of shape (3, 3)"


def test_only_what_is_declared_is_checked(iris_spec: dict[str, Any]) -> None:
    del iris_spec["inputs"]["W1"]["shape"]
    iris_spec["inputs"]["b1"]["dtype"] = "<f4"
    del iris_spec["inputs"]["b1"]["shape"]
    assert message(iris_spec) == "b1.npy: expected <f4, found <f8 of shape (3,)"


@pytest.mark.parametrize("hidden", [None, "3", 3.0, True])
def test_dim_naming_no_integer_param(iris_spec: dict[str, Any], hidden: Any) -> None:
    if hidden is None:
        del iris_spec["params"]["hidden"]
    else:
        iris_spec["params"]["hidden"] = hidden
    assert message(iris_spec) == "spec: inputs.W1.shape names 'hidden', which is not an integer in params"


def test_dim_names_are_resolved_before_files_are_read(iris_spec: dict[str, Any], tmp_path: Path) -> None:
    iris_spec["inputs"]["W1"]["path"] = str(tmp_path / "nowhere.npy")
    iris_spec["inputs"]["b1"]["shape"] = ["width"]
    with pytest.raises(RunnerError, match="names 'width'"):
        core.declared_array_types(parse_spec(iris_spec))


def test_missing_file(iris_spec: dict[str, Any], tmp_path: Path) -> None:
    iris_spec["inputs"]["W1"]["path"] = str(tmp_path / "nowhere.npy")
    assert message(iris_spec) == f"input 'W1': file not found: {tmp_path / 'nowhere.npy'}"


def test_digest_mismatch(iris_spec: dict[str, Any]) -> None:
    iris_spec["inputs"]["b2"]["sha256"] = "0" * 64
    assert message(iris_spec).startswith("input 'b2' (")
    assert message(iris_spec).endswith(f", the spec expects {'0' * 64}")


@pytest.mark.parametrize(("change", "expected"), [
    (lambda s: s.update(phases=["load", "fit"]),
     "spec: iris-mlp has no phase fit (it has load, train, infer_single, infer_batch)"),
    (lambda s: s.update(phases=["train", "load"]),
     "spec: phases must come in the order load, train, infer_single, infer_batch"),
    (lambda s: s.update(outputs=["W1", "coef"]),
     "spec: iris-mlp has no output coef (it has W1, b1, W2, b2, loss_curve, train_x, train_pred, test_pred, "
     "test_proba)"),
    (lambda s: s.update(dtype="f32"), "iris-mlp computes in f64 only; the spec asks for f32"),
    (lambda s: s.update(device="cuda"), "python/numpy runs on cpu only; the spec asks for cuda"),
    (lambda s: s["inputs"].pop("b2"),
     "spec: iris-mlp takes the inputs data, split, W1, b1, W2, b2; missing: b2, unknown: none"),
    (lambda s: s.update(impl="python/sklearn-seed-config") or s["inputs"].update(extra=s["inputs"]["b2"]),
     "spec: iris-mlp python/sklearn-seed-config takes the inputs data, split; missing: none, unknown: extra"),
])
def test_request_the_task_cannot_serve(iris_spec: dict[str, Any], change, expected: str) -> None:
    change(iris_spec)
    assert message(iris_spec) == expected


def test_unknown_implementation() -> None:
    with pytest.raises(RunnerError, match=r"^the Python runner has no implementation 'python/jax' of task "
                                          r"'iris-mlp' \(it has: .*iris-mlp python/numpy, "):
        registry.lookup("iris-mlp", "python/jax")
