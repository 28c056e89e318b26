"""Task linreg-california (PROTOCOL.md): ordinary least squares with intercept on the raw housing features."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .base import Results
from .classical import SplitParams, SupervisedTask

COLUMNS = ("MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup", "Latitude", "Longitude",
           "MedHouseVal")


@dataclass(frozen=True)
class Params(SplitParams):
    fit_intercept: bool


class SklearnLinregCalifornia(SupervisedTask):
    """scikit-learn's LinearRegression with its defaults (a least-squares solve through scipy.linalg.lstsq)."""

    implements = ("linreg-california", "python/sklearn")

    output_names = ("coef", "intercept", "test_pred")
    columns = COLUMNS
    params_type = Params

    def make_model(self) -> Any:
        from sklearn.linear_model import LinearRegression

        return LinearRegression(fit_intercept=self.params.fit_intercept)

    def phase_outputs(self, phase: str) -> dict[str, np.ndarray]:
        if phase == "fit":
            # A float when fitted on a 1-D target; the protocol wants an array of one.
            return {"coef": self.model.coef_, "intercept": np.atleast_1d(self.model.intercept_).astype(np.float64)}
        return super().phase_outputs(phase)

    def compute_dtype(self) -> np.dtype:
        return self.model.coef_.dtype

    def manifest_hyperparameters(self) -> dict[str, Any]:
        from scipy.linalg import lstsq

        p = self.model.get_params()
        # LinearRegression.fit (sklearn/linear_model/_base.py) centres a dense X and y when fitting the
        # intercept, then calls scipy.linalg.lstsq(X, y, cond=tol) without a lapack_driver, so scipy's default
        # driver solves it; singular values below cond times the largest count as zero. Sparse X would go
        # to lsqr and positive=True to nnls instead; this task's X is a dense array.
        if p["positive"]:
            solver = "nnls (scipy)"
        else:
            solver = f"lstsq (scipy, {lstsq.default_lapack_driver}, cond={float(p['tol'])!r})"
        return {"fit_intercept": bool(p["fit_intercept"]), "solver": solver}

    def results(self) -> Results:
        residual = self.test_pred - self.data.test_y
        deviation = self.data.test_y - self.data.test_y.mean()
        return Results(
            outputs=self.outputs_of("fit", "predict_batch"),
            metrics={
                "r2": float(1.0 - residual @ residual / (deviation @ deviation)),
                "rmse": float(np.sqrt(np.mean(residual**2))),
            },
            notes=self.single_vs_batch_notes(),
        )
