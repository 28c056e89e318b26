"""The runner protocol (containers/PROTOCOL.md): spec.json in, result.json and .npy files out."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

PROTOCOL_VERSION = 1
# The variables through which a thread count reaches native libraries; the harness sets each to `threads`, and
# every runner reports the same list back.
THREAD_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
              "NUMEXPR_NUM_THREADS", "RAYON_NUM_THREADS")


class RunnerError(Exception):
    """A failure reported with its message alone: bad spec, bad input, unsupported request."""


# A declared dimension: an exact length, the name of an integer param, or None for any length.
Dim = int | str | None


@dataclass(frozen=True)
class InputRef:
    path: Path
    sha256: str | None
    kind: str
    # What an npy input must hold, as NumPy's descr (such as '<f8') and shape; None where the spec declares none.
    dtype: str | None = None
    shape: tuple[Dim, ...] | None = None


@dataclass(frozen=True)
class Spec:
    task: str
    impl: str
    device: str
    dtype: str
    threads: int
    warmup: int
    warmup_min_ms: int
    repetitions: int
    phases: tuple[str, ...]
    inputs: dict[str, InputRef]
    params: dict[str, Any]
    outputs: tuple[str, ...]
    # Phase -> the outputs whose digest each timed repetition of it reports (PROTOCOL.md, "Timed work
    # re-verified"); empty where the spec asks for no digests.
    verify: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def param(self, name: str, kind: type) -> Any:
        """A required parameter of the given type (an int is accepted where a float is asked for)."""
        if name not in self.params:
            raise RunnerError(f"spec: params.{name} is missing")
        value = self.params[name]
        accepted = (int, float) if kind is float else kind
        if (isinstance(value, bool) and kind is not bool) or not isinstance(value, accepted):
            raise RunnerError(f"spec: params.{name} must be {_KIND_NAMES[kind]}, got {_show(value)}")
        return kind(value)


_KIND_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "a boolean",
               list: "a list", dict: "an object"}


def _show(value: Any) -> str:
    """A spec value as an error message quotes it: its JSON, or what it is where that nests too deeply to write."""
    try:
        return json.dumps(value)
    except RecursionError:
        return f"{'an object' if isinstance(value, dict) else 'a list'} nested too deeply to show"


def read_spec_json(path: Path) -> dict[str, Any]:
    """The spec as a raw JSON object; kept apart from parse_spec so errors can still name task and impl."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RunnerError(f"spec file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise RunnerError(f"cannot read spec {path}: {e}") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        raise RunnerError(f"spec {path} is not valid JSON: {e}") from None
    # Valid JSON that Python cannot hold: nesting deeper than the recursion limit, an integer over 4,300 digits.
    except (RecursionError, ValueError) as e:
        raise RunnerError(f"spec {path} cannot be read: {e}") from None
    if not isinstance(raw, dict):
        raise RunnerError(f"spec {path}: top level must be a JSON object, got {type(raw).__name__}")
    return raw


def parse_spec(raw: dict[str, Any]) -> Spec:
    protocol = _field(raw, "protocol", int)
    if protocol != PROTOCOL_VERSION:
        raise RunnerError(f"spec: protocol {protocol} is not supported (this runner speaks {PROTOCOL_VERSION})")
    spec = Spec(
        task=_field(raw, "task", str),
        impl=_field(raw, "impl", str),
        device=_field(raw, "device", str),
        dtype=_field(raw, "dtype", str),
        threads=_field(raw, "threads", int, minimum=1),
        warmup=_field(raw, "warmup", int, minimum=0),
        # optional: older specs have no time floor on warm-up
        warmup_min_ms=_field(raw, "warmup_min_ms", int, minimum=0) if "warmup_min_ms" in raw else 0,
        repetitions=_field(raw, "repetitions", int, minimum=1),
        phases=_string_list(raw, "phases"),
        inputs={role: _input_ref(role, ref) for role, ref in _field(raw, "inputs", dict).items()},
        params=_field(raw, "params", dict),
        outputs=_string_list(raw, "outputs"),
    )
    if spec.dtype not in ("f32", "f64"):
        raise RunnerError(f"spec: dtype must be 'f32' or 'f64', got {json.dumps(spec.dtype)}")
    # optional: a spec without it (or with null, as a serializer writes an absent field) asks for no digests
    if raw.get("verify") is not None:
        spec = replace(spec, verify=_verify(raw, spec.phases, spec.outputs))
    return spec


def _field(raw: dict[str, Any], key: str, kind: type, where: str = "spec", minimum: int | None = None) -> Any:
    if key not in raw:
        raise RunnerError(f"{where}: missing key '{key}'")
    value = raw[key]
    # bool is an int subclass in Python, but true is no thread count.
    if isinstance(value, bool) or not isinstance(value, kind):
        raise RunnerError(f"{where}: '{key}' must be {_KIND_NAMES[kind]}, got {_show(value)}")
    if minimum is not None and isinstance(value, int) and value < minimum:
        raise RunnerError(f"{where}: '{key}' must be at least {minimum}, got {value}")
    return value


def _string_list(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    values = _field(raw, key, list)
    if not all(isinstance(v, str) for v in values):
        raise RunnerError(f"spec: '{key}' must be a list of strings, got {_show(values)}")
    if len(set(values)) != len(values):
        raise RunnerError(f"spec: '{key}' lists a name twice: {json.dumps(values)}")
    return tuple(values)


def _verify(raw: dict[str, Any], phases: tuple[str, ...], outputs: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Phase -> output names, each phase one the spec measures and each name one of its outputs."""
    verify = {}
    for phase, names in _field(raw, "verify", dict).items():
        if phase not in phases:
            raise RunnerError(f"spec: verify names the phase '{phase}', which is not in phases")
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            raise RunnerError(f"spec: verify.{phase} must be a list of output names, got {_show(names)}")
        if len(set(names)) != len(names):
            raise RunnerError(f"spec: verify.{phase} lists a name twice: {json.dumps(names)}")
        for name in names:
            if name not in outputs:
                raise RunnerError(f"spec: verify.{phase} names '{name}', which is not in outputs")
        verify[phase] = tuple(names)
    return verify


def _input_ref(role: str, ref: Any) -> InputRef:
    where = f"spec inputs.{role}"
    if not isinstance(ref, dict):
        raise RunnerError(f"{where} must be an object with path, sha256 and kind, got {_show(ref)}")
    path = Path(_field(ref, "path", str, where))
    if not path.is_absolute():
        raise RunnerError(f"{where}: path must be absolute, got {str(path)!r}")
    sha256 = ref.get("sha256")
    if sha256 is not None and not isinstance(sha256, str):
        raise RunnerError(f"{where}: 'sha256' must be a string, got {_show(sha256)}")
    kind = _field(ref, "kind", str, where)
    dtype = _declared_dtype(role, ref["dtype"]) if ref.get("dtype") is not None else None
    shape = _declared_shape(role, ref["shape"]) if ref.get("shape") is not None else None
    if (dtype is not None or shape is not None) and kind != "npy":
        raise RunnerError(f"spec: inputs.{role} declares a dtype or shape, but only npy inputs have them")
    return InputRef(path=path, sha256=sha256, kind=kind, dtype=dtype, shape=shape)


def _declared_dtype(role: str, value: Any) -> str:
    """The descr exactly as NumPy writes it in a .npy header, so that the expected and found types read alike."""
    try:
        valid = isinstance(value, str) and np.dtype(value).str == value
    except (TypeError, ValueError):  # not a type NumPy knows
        valid = False
    if not valid:
        raise RunnerError(f"spec: inputs.{role}.dtype must be a NumPy descr such as '<f8', got {_show(value)}")
    return value


def _declared_shape(role: str, value: Any) -> tuple[Dim, ...]:
    def is_dim(dim: Any) -> bool:
        return dim is None or isinstance(dim, str) or (type(dim) is int and dim >= 0)

    if not isinstance(value, list) or not all(is_dim(dim) for dim in value):
        raise RunnerError(f"spec: inputs.{role}.shape must be a list of lengths, param names and nulls, "
                          f"got {_show(value)}")
    return tuple(value)


def output_data(name: str, array: Any) -> np.ndarray:
    """An output as its .npy file holds it: C order, little-endian, integers as <i8, floats in their own width.
    No copy where the array is that already."""
    array = np.asarray(array)
    if array.dtype.kind in "biu":
        dtype = np.dtype("<i8")
    elif array.dtype.kind == "f":
        dtype = array.dtype.newbyteorder("<")
    else:
        raise TypeError(f"output {name}: unsupported dtype {array.dtype}")
    return np.ascontiguousarray(array, dtype=dtype)


def write_outputs(out_dir: Path, arrays: dict[str, np.ndarray]) -> dict[str, str]:
    """Writes each array as NPY 1.0 holding output_data; returns name -> file name."""
    files = {}
    for name, array in arrays.items():
        file_name = f"{name}.npy"
        with (out_dir / file_name).open("wb") as f:
            np.lib.format.write_array(f, output_data(name, array), version=(1, 0), allow_pickle=False)
        files[name] = file_name
    return files


def output_digest(arrays: dict[str, np.ndarray]) -> str:
    """SHA-256 over the arrays in order, each as its .npy file's bytes after the header (output_data), so that
    the harness gets the same digest from the files written (PROTOCOL.md, "Timed work re-verified")."""
    sha = hashlib.sha256()
    for name, array in arrays.items():
        sha.update(output_data(name, array))
    return sha.hexdigest()


def write_result(out_dir: Path, result: dict[str, Any]) -> None:
    """Writes result.json through a temporary file, so a killed runner never leaves half a result."""
    tmp = out_dir / "result.json.tmp"
    tmp.write_text(json.dumps(result, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    os.replace(tmp, out_dir / "result.json")


def error_result(task: str | None, impl: str | None, message: str) -> dict[str, Any]:
    return {"protocol": PROTOCOL_VERSION, "task": task, "impl": impl, "status": "error", "error": message}
