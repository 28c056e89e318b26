"""The runtime section of result.json: what actually ran, read back from the process itself."""

from __future__ import annotations

import os
import platform
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import threadpoolctl

from .data import files_read, sha256_file
from .protocol import THREAD_ENV, Spec
from .tasks.base import Task

# Distribution names, as pinned in requirements.txt.
LIBRARIES = ("numpy", "scipy", "scikit-learn", "threadpoolctl", "joblib")
# Import name of each framework distribution whose module differs from it.
IMPORT_NAMES = {"scikit-learn": "sklearn"}


@runtime_checkable
class NativeEngine(Protocol):
    """A task that computes in a native engine it loads itself (libtorch, onnxruntime), which opens the model
    files itself rather than through data.py's readers."""

    def native_engine(self) -> dict[str, str]:
        """Descriptive manifest fields: `native.engine` (name and version), `native.library` (the shared library's
        path) and `native.sha256` (its digest)."""
        ...

    def inputs_read(self) -> frozenset[Path]:
        """The input files the task and its engine have read."""
        ...


def runtime(spec: Spec, task: Task) -> dict[str, Any]:
    """Call it inside the thread limits and after the phases: threadpoolctl only sees libraries loaded by then."""
    hyperparameters = task.hyperparameters()
    return {
        "language": "python",
        "language_version": platform.python_version(),
        "framework": task.framework,
        "framework_version": _version(task.framework),
        "libraries": {name: _version(name) for name in LIBRARIES},
        **({"hyperparameters": hyperparameters} if hyperparameters is not None else {}),
        "threads": threads(spec.threads),
        "blas": blas(),
        "dtype": spec.dtype,
        "device": spec.device,
        "manifest": manifest(spec, task),
    }


def manifest(spec: Spec, task: Task) -> dict[str, str | int | float | bool]:
    """The flat fairness manifest (PROTOCOL.md, "The fairness manifest"), every field read back now: from the
    task's arrays and model objects, threadpoolctl, the environment, and the input files the task opened."""
    read = files_read()
    native: dict[str, str] = {}
    if isinstance(task, NativeEngine):
        read |= task.inputs_read()
        native = task.native_engine()
    return {
        "language": "python",
        "language_version": platform.python_version(),
        "framework": task.framework,
        "framework_version": _module_version(task.framework),
        "blas": blas_description(),
        **native,
        "dtype": dtype_name(task.compute_dtype()),
        "threads.compute": compute_threads(),
        **{f"threads.env.{name}": value for name, value in thread_env().items()},
        # Hashed here, after the phases and outside any timing, from the files the task's readers opened;
        # a role the task never read is left out rather than vouched for.
        **{f"input.{role}.sha256": sha256_file(ref.path) for role, ref in spec.inputs.items() if ref.path in read},
        **{f"hp.{name}": value for name, value in task.manifest_hyperparameters().items()},
    }


def dtype_name(dtype: np.dtype) -> str:
    """`f64`, `f32`, … for floating point; numpy's own name for anything else."""
    dtype = np.dtype(dtype)
    return f"f{dtype.itemsize * 8}" if dtype.kind == "f" else dtype.name


def compute_threads() -> int:
    """The largest thread count of any native pool loaded in the process (1 when none is)."""
    return max((info["num_threads"] for info in threadpoolctl.threadpool_info()), default=1)


def blas_description() -> str:
    """Each loaded BLAS as `<implementation> <version>`; where the loaded ones differ, each names the package
    that bundles it, e.g. `openblas 0.3.31 (numpy), openblas 0.3.30 (scipy)`. `none` when no BLAS is loaded."""
    # threadpool_info's order changes from run to run; sorted by package, the text does not.
    loaded = sorted((_bundled_by(info["filepath"]), f"{info['internal_api']} {info.get('version') or 'unknown'}")
                    for info in threadpoolctl.threadpool_info() if info["user_api"] == "blas")
    if not loaded:
        return "none"
    if len({name for _, name in loaded}) == 1:
        return loaded[0][1]
    return ", ".join(f"{name} ({owner})" for owner, name in loaded)


def _bundled_by(filepath: str) -> str:
    """The package whose wheel ships a shared library (`numpy` for …/site-packages/numpy.libs/…), else its file."""
    path = Path(filepath)
    if path.parent.name.endswith(".libs"):
        return path.parent.name.removesuffix(".libs").replace("_", "-")
    return path.name


def _module_version(framework: str) -> str | None:
    """The version the imported module reports about itself."""
    module = sys.modules.get(IMPORT_NAMES.get(framework, framework))
    return getattr(module, "__version__", None) if module is not None else _version(framework)


def thread_env() -> dict[str, str]:
    """Each thread variable as this process sees it, `unset` where it is absent."""
    return {name: os.environ.get(name, "unset") for name in THREAD_ENV}


def threads(requested: int) -> dict[str, Any]:
    """The requested count, the count read back (as the manifest's threads.compute), the environment the harness
    set, and each native thread pool's own count."""
    pools = [
        {
            **{key: info.get(key) for key in ("user_api", "internal_api", "version", "num_threads")},
            # numpy and scipy each bundle an OpenBLAS under the same prefix; the file name tells them apart.
            "library": os.path.basename(info["filepath"]),
            **({"threading_layer": info["threading_layer"]} if "threading_layer" in info else {}),
        }
        for info in threadpoolctl.threadpool_info()
    ]
    return {"requested": requested, "compute": compute_threads(), **thread_env(), "threadpools": pools}


def blas() -> dict[str, Any]:
    """The BLAS NumPy was built against (the wheel bundles it, so it is also the one in use)."""
    info = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    return {"name": info.get("name"), "version": info.get("version")}


def _version(distribution: str) -> str | None:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None
