"""The entry point: --list, a whole run of a small task through main(), and failures reported as PROTOCOL.md says
(result.json with the error, the same message on stderr, a non-zero exit)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from equibench_runner import registry
from equibench_runner.__main__ import main

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def test_list_prints_every_pair(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{task} {impl}" for task, impl in registry.IMPLEMENTATIONS]
    assert "iris-mlp python/numpy" in lines and "kmeans-blobs python/sklearn" in lines


def test_list_as_a_process() -> None:
    done = subprocess.run([sys.executable, "-m", "equibench_runner", "--list"], cwd=PACKAGE_ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert len(done.stdout.splitlines()) == len(registry.IMPLEMENTATIONS)


def test_spec_and_out_are_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--spec", "spec.json"])
    assert exit_.value.code == 1
    assert "required: --spec, --out" in capsys.readouterr().err


def test_end_to_end_iris_numpy(iris_spec: dict[str, Any], write_spec: Callable[[dict[str, Any]], Path],
                               tmp_path: Path) -> None:
    out = tmp_path / "out"
    iris_spec.update(repetitions=2, verify={"infer_batch": ["test_pred", "test_proba"]})
    assert main(["--spec", str(write_spec(iris_spec)), "--out", str(out)]) == 0
    result = json.loads((out / "result.json").read_text())
    assert result["status"] == "ok"
    assert (result["task"], result["impl"]) == ("iris-mlp", "python/numpy")
    assert list(result["phases"]) == iris_spec["phases"]
    # One digest per timed repetition, of the phase verify names only.
    assert [name for name, phase in result["phases"].items() if "output_sha256" in phase] == ["infer_batch"]
    assert [len(digest) for digest in result["phases"]["infer_batch"]["output_sha256"]] == [64, 64]
    assert result["phases"]["infer_single"]["ops_per_sample"] == 3  # the test rows, 12 - 9
    assert result["outputs"] == {name: f"{name}.npy" for name in iris_spec["outputs"]}
    assert np.load(out / "loss_curve.npy").shape == (5,)
    assert np.load(out / "W1.npy").shape == (4, 3)
    assert np.load(out / "test_pred.npy").dtype.str == "<i8"
    assert set(result["metrics"]) == {"train_accuracy", "test_accuracy"}
    manifest = result["runtime"]["manifest"]
    assert manifest["hp.hidden"] == 3 and manifest["dtype"] == "f64"
    assert {f"input.{role}.sha256" for role in iris_spec["inputs"]} <= manifest.keys()


def test_misshapen_input_fails_before_the_first_phase(iris_spec: dict[str, Any],
                                                      write_spec: Callable[[dict[str, Any]], Path], tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    iris_spec["params"]["hidden"] = 12
    out = tmp_path / "out"
    out.mkdir()
    (out / "result.json").write_text('{"status": "ok"}')  # left from an earlier run
    assert main(["--spec", str(write_spec(iris_spec)), "--out", str(out)]) == 1
    expected = "W1.npy: expected <f8 of shape (4, 12), found <f8 of shape (4, 3)"
    assert json.loads((out / "result.json").read_text()) == {
        "protocol": 1, "task": "iris-mlp", "impl": "python/numpy", "status": "error", "error": expected}
    assert capsys.readouterr().err == f"equibench_runner: error: {expected}\n"
    assert not (out / "W1.npy").exists()


def test_malformed_spec_still_names_task_and_impl(write_spec: Callable[[dict[str, Any]], Path], tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["--spec", str(write_spec({"protocol": 1, "task": "iris-mlp", "impl": "python/numpy"})),
                 "--out", str(out)]) == 1
    result = json.loads((out / "result.json").read_text())
    assert (result["task"], result["impl"], result["status"]) == ("iris-mlp", "python/numpy", "error")
    assert result["error"] == "spec: missing key 'device'"
    assert capsys.readouterr().err == "equibench_runner: error: spec: missing key 'device'\n"
