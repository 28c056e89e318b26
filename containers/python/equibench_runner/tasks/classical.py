"""What the classical ML tasks share (PROTOCOL.md, "Classical ML tasks"): spec checks, typed params, the
CSV-and-split loading, the supervised phases and the estimator's parameters as JSON for the manifest.
"""

from __future__ import annotations

import hashlib
import math
from abc import abstractmethod
from dataclasses import dataclass, fields
from typing import Any, get_type_hints

import numpy as np

from ..data import read_numeric_csv, read_split
from ..protocol import RunnerError, Spec
from .base import Task


def read_params(spec: Spec, params_type: type) -> Any:
    """The spec's params as the dataclass `params_type`: every field required, of its annotated type."""
    known = [f.name for f in fields(params_type)]
    unknown = sorted(set(spec.params) - set(known))
    if unknown:
        # An ignored parameter would let implementations silently compute different things.
        raise RunnerError(f"spec: unknown params {', '.join(unknown)} ({spec.task} takes {', '.join(known)})")
    types = get_type_hints(params_type)
    return params_type(**{name: spec.param(name, types[name]) for name in known})


def require(condition: bool, message: str) -> None:
    if not condition:
        raise RunnerError(f"spec: {message}")


def json_safe(value: Any) -> Any:
    """A parameter value as JSON can hold it; arrays become a short description rather than their contents."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        # result.json is written with allow_nan=False.
        return value if math.isfinite(value) else str(value)
    if isinstance(value, np.ndarray):
        digest = hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest()[:16]
        return f"ndarray{value.shape} {value.dtype.str} sha256:{digest}"
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    return repr(value)


class SklearnTask(Task):
    """A task computed by one scikit-learn estimator, built by make_model and kept as `model`."""

    framework = "scikit-learn"
    # The dataclass the params are read into.
    params_type: type

    def __init__(self, spec: Spec) -> None:
        super().__init__(spec)
        self.params = read_params(spec, self.params_type)
        # Built here, so its scikit-learn module is imported here: the runner's threadpool_limits only reaches
        # native libraries loaded when it starts, and a top-level import would put scikit-learn in the RSS of
        # the python/numpy rows.
        self.model = self.make_model()

    @abstractmethod
    def make_model(self) -> Any:
        """The unfitted estimator; fit fits it again on every repetition (fit starts afresh each time)."""

    def hyperparameters(self) -> dict[str, Any]:
        return {name: json_safe(value) for name, value in self.model.get_params().items()}


# ---- supervised tasks on a CSV table: linreg-california, svm-digits ---------------------------------------

@dataclass(frozen=True)
class SplitParams:
    n_train: int
    single_rows: int

    def __post_init__(self) -> None:
        require(self.n_train >= 1, f"params.n_train must be at least 1, got {self.n_train}")
        require(self.single_rows >= 1, f"params.single_rows must be at least 1, got {self.single_rows}")


@dataclass(frozen=True)
class Dataset:
    train_x: np.ndarray
    train_y: np.ndarray  # float64 for a regression target, int64 for class labels
    test_x: np.ndarray
    test_y: np.ndarray


def load_dataset(spec: Spec, columns: tuple[str, ...], n_train: int, classes: range | None) -> Dataset:
    """The CSV's rows in split order, raw features; the last column is the target, a class if `classes`."""
    data_path = spec.inputs["data"].path
    if classes is None:
        # Every column, the target included, is read as a finite float.
        table = read_numeric_csv(data_path, columns)
    else:
        table = read_numeric_csv(data_path, columns, class_column=columns[-1], classes=classes)
    n_rows = len(table)
    split = read_split(spec.inputs["split"].path, n_rows)
    if n_train >= n_rows:
        raise RunnerError(f"spec: params.n_train is {n_train}, but {data_path.name} has only {n_rows} rows")
    x, y = table[:, :-1], table[:, -1]
    if classes is not None:
        y = y.astype(np.int64)
    train, test = split[:n_train], split[n_train:]
    return Dataset(x[train], y[train], x[test], y[test])


class SupervisedTask(SklearnTask):
    """Fit on the train rows, predict the test rows at once and the first `single_rows` of them one by one."""

    phases = ("load", "fit", "predict_batch", "predict_single")
    inputs = ("data", "split")
    columns: tuple[str, ...]
    # The target's class set; None for a regression target.
    classes: range | None = None

    # Set by the phases.
    data: Dataset
    test_pred: np.ndarray  # predict_batch
    single_pred: np.ndarray  # predict_single

    def load(self) -> None:
        self.data = load_dataset(self.spec, self.columns, self.params.n_train, self.classes)
        n_test = len(self.data.test_x)
        require(self.params.single_rows <= n_test,
                f"params.single_rows is {self.params.single_rows}, but there are only {n_test} test rows")

    def fit(self) -> None:
        self.model.fit(self.data.train_x, self.data.train_y)

    def predict_batch(self) -> None:
        self.test_pred = self.model.predict(self.data.test_x)

    def predict_single(self) -> None:
        rows = self.data.test_x[:self.params.single_rows]
        self.single_pred = np.array([self.model.predict(row.reshape(1, -1))[0] for row in rows])

    def ops_per_sample(self, phase: str) -> int:
        return self.params.single_rows if phase == "predict_single" else 1

    def phase_outputs(self, phase: str) -> dict[str, np.ndarray]:
        if phase == "predict_batch":
            return {"test_pred": self.test_pred}
        return super().phase_outputs(phase)

    def single_vs_batch_notes(self) -> list[str]:
        """A note where a row predicted alone differs from the same row predicted in the batch."""
        batch = self.test_pred[:len(self.single_pred)]
        if np.array_equal(self.single_pred, batch):
            return []
        differ = np.flatnonzero(self.single_pred != batch)
        largest = float(np.max(np.abs(self.single_pred[differ] - batch[differ])))
        return [f"predict_single and predict_batch differ on {len(differ)} of the first {len(batch)} test rows "
                f"(by up to {largest:.3g})"]
