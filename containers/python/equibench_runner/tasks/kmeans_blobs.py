"""Task kmeans-blobs (PROTOCOL.md): Lloyd's k-means from the harness's initial centroids to the fixed point."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..data import read_npy
from ..protocol import RunnerError
from .base import Results
from .classical import SklearnTask, require


@dataclass(frozen=True)
class Params:
    k: int
    max_iter: int

    def __post_init__(self) -> None:
        require(self.k >= 1, f"params.k must be at least 1, got {self.k}")
        require(self.max_iter >= 1, f"params.max_iter must be at least 1, got {self.max_iter}")


class SklearnKmeansBlobs(SklearnTask):
    """scikit-learn's KMeans, one Lloyd run from the given centroids."""

    implements = ("kmeans-blobs", "python/sklearn")

    phases = ("load", "fit", "predict_batch")
    output_names = ("centroids", "labels")
    inputs = ("data", "init")
    params_type = Params

    # Set by the phases.
    x: np.ndarray  # load
    init: np.ndarray  # load
    labels: np.ndarray  # predict_batch

    def make_model(self) -> Any:
        from sklearn.cluster import KMeans

        # tol=0 runs to the fixed point: each iteration of _kmeans_single_lloyd (sklearn/cluster/_kmeans.py)
        # first stops on "strict convergence", labels identical to the previous iteration's, and only then
        # compares the squared centroid shift with tol, which at 0 passes only for a shift of exactly 0.
        # Otherwise it stops at max_iter. n_iter_ counts the final iteration, the one that found the labels
        # unchanged.
        # Note for comparisons: fit subtracts the column means from the data and the centroids before
        # iterating and adds them back after, for accuracy; same algorithm, slightly different rounding.
        # init is set in fit, once load has read the centroids; random_state has no effect with an array init.
        return KMeans(n_clusters=self.params.k, n_init=1, algorithm="lloyd", tol=0,
                      max_iter=self.params.max_iter, random_state=42)

    def load(self) -> None:
        self.x = read_npy(self.spec.inputs["data"].path, "<f8", (None, None))
        n, d = self.x.shape
        if n < self.params.k:
            raise RunnerError(f"{self.spec.inputs['data'].path.name}: {n} rows, fewer than k = {self.params.k}")
        self.init = read_npy(self.spec.inputs["init"].path, "<f8", (self.params.k, d))

    def fit(self) -> None:
        # fit copies init before using it, so every repetition starts from the same centroids.
        self.model.set_params(init=self.init).fit(self.x)

    def predict_batch(self) -> None:
        self.labels = self.model.predict(self.x)

    def phase_outputs(self, phase: str) -> dict[str, np.ndarray]:
        if phase == "fit":
            return {"centroids": self.model.cluster_centers_}
        if phase == "predict_batch":
            return {"labels": self.labels}
        return super().phase_outputs(phase)

    def compute_dtype(self) -> np.dtype:
        return self.model.cluster_centers_.dtype

    def manifest_hyperparameters(self) -> dict[str, Any]:
        p = self.model.get_params()
        init = p["init"]
        if isinstance(init, np.ndarray):
            init = "shared" if np.array_equal(init, self.init) else "an array other than the harness's"
        else:
            init = f"{init} seed {p['random_state']}"
        return {
            "k": int(p["n_clusters"]),
            "max_iter": int(p["max_iter"]),
            "algorithm": str(p["algorithm"]),
            "init": init,
            "tol": float(p["tol"]),
        }

    def results(self) -> Results:
        centroids = self.model.cluster_centers_
        notes = []
        if self.model.n_iter_ >= self.params.max_iter:
            notes.append(f"stopped at max_iter = {self.params.max_iter} before the labels settled")
        if not np.array_equal(self.labels, self.model.labels_):
            changed = int(np.sum(self.labels != self.model.labels_))
            notes.append(f"predict assigns {changed} rows differently from fit's final labels")
        return Results(
            outputs=self.outputs_of("fit", "predict_batch"),
            metrics={
                # Recomputed from predict's labels in plain float64, as every row defines it.
                "inertia": float(np.sum((self.x - centroids[self.labels]) ** 2)),
                "inertia_sklearn": float(self.model.inertia_),
                "n_iter": int(self.model.n_iter_),
            },
            notes=notes,
        )
