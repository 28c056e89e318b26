"""The runner core (PROTOCOL.md): checks the spec against the task and the input files before anything runs,
then drives the phases under the requested thread count and assembles result.json.

It knows tasks only through the task API (tasks/base.py), so every task gets the same checks and the same
measurement; a task only loads, computes and reports.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from threadpoolctl import threadpool_limits

from . import runtime
from .data import check_array_type, read_npy_header, sha256_file
from .measure import measure_phase
from .protocol import PROTOCOL_VERSION, Dim, RunnerError, Spec, output_digest, write_outputs
from .tasks.base import Task


@dataclass(frozen=True)
class ArrayType:
    """What an npy input must hold, its named dimensions resolved from params; None leaves a part open."""

    dtype: str | None
    shape: tuple[int | None, ...] | None


def run(spec: Spec, implementation: type[Task], out_dir: Path) -> dict[str, Any]:
    """Checks, runs and writes the outputs of one spec; returns the result.json object of a successful run."""
    check_request(spec, implementation)
    declared = declared_array_types(spec)
    task = implementation(spec)
    check_input_files(spec, declared)
    # The task's constructor has loaded its native libraries, so these limits reach all of them.
    with threadpool_limits(limits=spec.threads):
        ready_epoch_ns = time.time_ns()  # wall clock, to line up with the harness's samples of this process
        phases, spans = run_phases(spec, task)
        # Inside the limits and after the phases: threadpoolctl reads back only the libraries loaded by then.
        runtime_section = runtime.runtime(spec, task)
    results = task.results()
    files = write_outputs(out_dir, {name: results.outputs[name] for name in spec.outputs})
    return {
        "protocol": PROTOCOL_VERSION,
        "task": spec.task,
        "impl": spec.impl,
        "status": "ok",
        "runtime": runtime_section,
        "metrics": results.metrics,
        "phases": phases,
        "outputs": files,
        "notes": results.notes,
        "timeline": {"ready_epoch_ns": ready_epoch_ns, "phases": spans},
    }


def check_request(spec: Spec, implementation: type[Task]) -> None:
    """Rejects a precision, device, input role, phase or output the task does not have, before it is built."""
    if spec.dtype not in implementation.dtypes:
        raise RunnerError(f"{spec.task} computes in {' or '.join(implementation.dtypes)} only; "
                          f"the spec asks for {spec.dtype}")
    if spec.device not in implementation.devices:
        raise RunnerError(f"{spec.impl} runs on {' or '.join(implementation.devices)} only; "
                          f"the spec asks for {spec.device}")
    missing = [role for role in implementation.inputs if role not in spec.inputs]
    unknown = [role for role in spec.inputs if role not in implementation.inputs + implementation.unread_inputs]
    if missing or unknown:
        # An implementation that leaves some of the task's inputs unread names itself.
        who = f"{spec.task} {spec.impl}" if implementation.unread_inputs else spec.task
        raise RunnerError(f"spec: {who} takes the inputs {', '.join(implementation.inputs)}; "
                          f"missing: {', '.join(missing) or 'none'}, unknown: {', '.join(unknown) or 'none'}")
    phases = implementation.phases
    unknown = [name for name in spec.phases if name not in phases]
    if unknown:
        raise RunnerError(f"spec: {spec.task} has no phase {', '.join(unknown)} (it has {', '.join(phases)})")
    if list(spec.phases) != [name for name in phases if name in spec.phases]:
        raise RunnerError(f"spec: phases must come in the order {', '.join(phases)}")
    outputs = implementation.output_names
    unknown = [name for name in spec.outputs if name not in outputs]
    if unknown:
        raise RunnerError(f"spec: {spec.task} has no output {', '.join(unknown)} (it has {', '.join(outputs)})")


def declared_array_types(spec: Spec) -> dict[str, ArrayType]:
    """The dtype and shape each npy input declares, by role; a dimension naming a param takes its value."""
    return {
        role: ArrayType(ref.dtype, None if ref.shape is None else tuple(_dim(spec, role, d) for d in ref.shape))
        for role, ref in spec.inputs.items()
        if ref.dtype is not None or ref.shape is not None
    }


def _dim(spec: Spec, role: str, dim: Dim) -> int | None:
    if not isinstance(dim, str):
        return dim
    value = spec.params.get(dim)
    # bool is an int subclass in Python, but true is no length.
    if type(value) is not int:
        raise RunnerError(f"spec: inputs.{role}.shape names {dim!r}, which is not an integer in params")
    return value


def check_input_files(spec: Spec, declared: dict[str, ArrayType]) -> None:
    """Checks every input exists and matches its sha256, and every declared npy header its declaration, so
    that a stale, swapped or misshapen file fails before any timing, with the same message in every runner."""
    for role, ref in spec.inputs.items():
        if not ref.path.is_file():
            raise RunnerError(f"input '{role}': file not found: {ref.path}")
        if ref.sha256 is None:
            continue
        digest = sha256_file(ref.path)
        if digest != ref.sha256.lower():
            raise RunnerError(f"input '{role}' ({ref.path}): sha256 is {digest}, the spec expects {ref.sha256}")
    for role, expected in declared.items():
        path = spec.inputs[role].path
        check_array_type(path, expected.dtype, expected.shape, *read_npy_header(path))


def run_phases(spec: Spec, task: Task) -> tuple[dict[str, Any], dict[str, Any]]:
    """Runs every phase of the task in order, measuring those the spec lists; returns their measurements and
    their wall-clock spans (warm-up included), by phase."""
    phases: dict[str, Any] = {}
    spans: dict[str, Any] = {}
    for name in task.phases:
        if name in spec.phases:
            start = time.time_ns()
            phases[name] = measure(spec, task, name)
            spans[name] = {"start_epoch_ns": start, "end_epoch_ns": time.time_ns()}
        else:
            task.phase(name)()  # not measured, but later phases and the outputs need what it computes
    return phases, spans


def measure(spec: Spec, task: Task, phase: str) -> dict[str, Any]:
    """Measures one phase; where the spec verifies it, adds the digest of its outputs after each timed repetition
    (output_sha256), taken outside the timer."""
    names = spec.verify.get(phase, ())
    digests: list[str] = []

    def record_digest() -> None:
        digests.append(phase_digest(task, spec.impl, phase, names))

    measured = measure_phase(task.phase(phase), spec.warmup, spec.repetitions, task.ops_per_sample(phase),
                             spec.warmup_min_ms, after_sample=record_digest if names else None)
    if names:
        measured["output_sha256"] = digests
    return measured


def phase_digest(task: Task, impl: str, phase: str, names: tuple[str, ...]) -> str:
    """The digest of the named outputs as the last run of the phase left them in the task's state."""
    computed = task.phase_outputs(phase)
    for name in names:
        if name not in computed:
            raise RunnerError(f"{impl} exposes no output '{name}' after phase '{phase}'")
    return output_digest({name: computed[name] for name in names})
