"""Task svm-digits (PROTOCOL.md): a linear-kernel soft-margin SVM on the raw 8×8 digit pixels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .base import Results
from .classical import SplitParams, SupervisedTask, require

COLUMNS = tuple(f"p{i}" for i in range(64)) + ("digit",)
N_CLASSES = 10


@dataclass(frozen=True)
class Params(SplitParams):
    C: float
    tol: float
    kernel: str

    def __post_init__(self) -> None:
        super().__post_init__()
        require(self.C > 0, f"params.C must be positive, got {self.C}")
        require(self.tol > 0, f"params.tol must be positive, got {self.tol}")
        # The other rows' libraries only offer the linear kernel for this task.
        require(self.kernel == "linear", f"params.kernel must be 'linear', got {self.kernel!r}")


class SklearnSvmDigits(SupervisedTask):
    """scikit-learn's SVC: libsvm's SMO solver, one binary machine per pair of classes (one-vs-one)."""

    implements = ("svm-digits", "python/sklearn")

    output_names = ("test_pred",)
    columns = COLUMNS
    classes = range(N_CLASSES)
    params_type = Params

    def make_model(self) -> Any:
        from sklearn.svm import SVC

        return SVC(kernel=self.params.kernel, C=self.params.C, tol=self.params.tol)

    def compute_dtype(self) -> np.dtype:
        # libsvm ran on the support vectors' dtype: SVC.fit converts X to it (float64).
        return self.model.support_vectors_.dtype

    def manifest_hyperparameters(self) -> dict[str, Any]:
        p = self.model.get_params()
        # libsvm trains one machine per pair of classes whatever decision_function_shape says (that only
        # reshapes decision_function's output); the fitted model has one intercept per machine.
        n_classes, n_machines = len(self.model.classes_), len(self.model.intercept_)
        pairs = n_classes * (n_classes - 1) // 2
        multiclass = "ovo" if n_machines == pairs else f"{n_machines} machines for {n_classes} classes"
        return {
            "C": float(p["C"]),
            "tol": float(p["tol"]),
            "kernel": str(p["kernel"]),
            "multiclass": multiclass,
            # SVC is scikit-learn's wrapper of libsvm's C-SVC, solved by libsvm's SMO.
            "solver": "libsvm smo",
        }

    def results(self) -> Results:
        train_pred = self.model.predict(self.data.train_x)
        return Results(
            outputs=self.outputs_of("predict_batch"),
            metrics={
                "test_accuracy": float(np.mean(self.test_pred == self.data.test_y)),
                "train_accuracy": float(np.mean(train_pred == self.data.train_y)),
                # libsvm's iterations, summed over the 45 pairwise problems.
                "n_iter": int(np.sum(self.model.n_iter_)),
            },
            notes=self.single_vs_batch_notes(),
        )
