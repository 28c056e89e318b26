"""The registry: which class computes a (task, impl) pair of the spec. Tasks never import it."""

from __future__ import annotations

from .protocol import RunnerError
from .tasks.base import Task
from .tasks.iris_mlp import NumpyIrisMlp, SklearnIrisMlp, SklearnSeedConfigIrisMlp
from .tasks.kmeans_blobs import SklearnKmeansBlobs
from .tasks.linreg_california import SklearnLinregCalifornia
from .tasks.svm_digits import SklearnSvmDigits

IMPLEMENTATIONS: dict[tuple[str, str], type[Task]] = {
    ("iris-mlp", "python/numpy"): NumpyIrisMlp,
    ("iris-mlp", "python/sklearn"): SklearnIrisMlp,
    ("iris-mlp", "python/sklearn-seed-config"): SklearnSeedConfigIrisMlp,
    ("linreg-california", "python/sklearn"): SklearnLinregCalifornia,
    ("svm-digits", "python/sklearn"): SklearnSvmDigits,
    ("kmeans-blobs", "python/sklearn"): SklearnKmeansBlobs,
}


def lookup(task: str, impl: str) -> type[Task]:
    """The class implementing `impl` of `task`; the error lists every pair this runner has."""
    try:
        return IMPLEMENTATIONS[(task, impl)]
    except KeyError:
        known = ", ".join(f"{t} {i}" for t, i in IMPLEMENTATIONS)
        raise RunnerError(f"the Python runner has no implementation {impl!r} of task {task!r} "
                          f"(it has: {known})") from None
