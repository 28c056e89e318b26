"""The runtime manifest of result.json: what actually ran, read back from the process itself."""

from __future__ import annotations

import os
import platform
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np
import threadpoolctl

from .protocol import Spec

# Distribution names, as pinned in requirements.txt.
LIBRARIES = ("numpy", "scipy", "scikit-learn", "threadpoolctl", "joblib")
THREAD_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def manifest(spec: Spec, framework: str, hyperparameters: dict[str, Any] | None = None) -> dict[str, Any]:
    """Call it inside the thread limits and after the phases: threadpoolctl only sees libraries loaded by then."""
    return {
        "language": "python",
        "language_version": platform.python_version(),
        "framework": framework,
        "framework_version": _version(framework),
        "libraries": {name: _version(name) for name in LIBRARIES},
        **({"hyperparameters": hyperparameters} if hyperparameters is not None else {}),
        "threads": threads(spec.threads),
        "blas": blas(),
        "dtype": spec.dtype,
        "device": spec.device,
    }


def threads(requested: int) -> dict[str, Any]:
    """The requested count, the environment the harness set, and each native thread pool's own count."""
    pools = [
        {
            **{key: info.get(key) for key in ("user_api", "internal_api", "version", "num_threads")},
            # numpy and scipy each bundle an OpenBLAS under the same prefix; the file name tells them apart.
            "library": os.path.basename(info["filepath"]),
            **({"threading_layer": info["threading_layer"]} if "threading_layer" in info else {}),
        }
        for info in threadpoolctl.threadpool_info()
    ]
    return {"requested": requested, **{name: os.environ.get(name) for name in THREAD_ENV}, "threadpools": pools}


def blas() -> dict[str, Any]:
    """The BLAS NumPy was built against (the wheel bundles it, so it is also the one in use)."""
    info = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    return {"name": info.get("name"), "version": info.get("version")}


def _version(distribution: str) -> str | None:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None
