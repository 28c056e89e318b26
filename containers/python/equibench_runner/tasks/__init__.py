"""The registry: which class computes a (task, impl) pair of the spec."""

from __future__ import annotations

from ..protocol import RunnerError, Spec
from .base import Results, Task
from .iris_mlp import NumpyIrisMlp, SklearnIrisMlp, SklearnSeedConfigIrisMlp
from .kmeans_blobs import SklearnKmeansBlobs
from .linreg_california import SklearnLinregCalifornia
from .svm_digits import SklearnSvmDigits

IMPLEMENTATIONS: dict[tuple[str, str], type[Task]] = {
    ("iris-mlp", "python/numpy"): NumpyIrisMlp,
    ("iris-mlp", "python/sklearn"): SklearnIrisMlp,
    ("iris-mlp", "python/sklearn-seed-config"): SklearnSeedConfigIrisMlp,
    ("linreg-california", "python/sklearn"): SklearnLinregCalifornia,
    ("svm-digits", "python/sklearn"): SklearnSvmDigits,
    ("kmeans-blobs", "python/sklearn"): SklearnKmeansBlobs,
}

__all__ = ["IMPLEMENTATIONS", "Results", "Task", "create"]


def create(spec: Spec) -> Task:
    try:
        implementation = IMPLEMENTATIONS[(spec.task, spec.impl)]
    except KeyError:
        known = ", ".join(f"{task} {impl}" for task, impl in IMPLEMENTATIONS)
        raise RunnerError(f"the Python runner has no implementation {spec.impl!r} of task {spec.task!r} "
                          f"(it has: {known})") from None
    return implementation(spec)
