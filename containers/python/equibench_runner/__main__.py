"""Entry point: python -m equibench_runner --spec SPEC.json --out OUT_DIR (see containers/PROTOCOL.md)."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path
from typing import Any, NoReturn

from threadpoolctl import threadpool_limits

from . import runtime, tasks
from .measure import measure_phase
from .protocol import (
    PROTOCOL_VERSION,
    RunnerError,
    Spec,
    error_result,
    parse_spec,
    read_spec_json,
    verify_inputs,
    write_outputs,
    write_result,
)

PROG = "equibench_runner"


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # Exit 1 like every other failure, not argparse's 2.
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = _ArgumentParser(prog=PROG, description="Runs one task implementation as the harness's spec asks.")
    parser.add_argument("--spec", type=Path, required=True, help="spec.json written by the harness")
    parser.add_argument("--out", type=Path, required=True, help="directory for result.json and the .npy outputs")
    return parser.parse_args(argv)


def run(spec: Spec, out_dir: Path) -> dict[str, Any]:
    task = tasks.create(spec)
    check_request(spec, task)
    verify_inputs(spec)
    phases = {}
    spans = {}
    # The task's constructor has loaded its native libraries, so these limits reach all of them.
    with threadpool_limits(limits=spec.threads):
        ready_epoch_ns = time.time_ns()  # wall clock, to line up with the harness's samples of this process
        for name in task.phases:
            run_phase = task.phase(name)
            if name in spec.phases:
                start = time.time_ns()
                phases[name] = measure_phase(run_phase, spec.warmup, spec.repetitions, task.ops_per_sample(name),
                                             spec.warmup_min_ms)
                spans[name] = {"start_epoch_ns": start, "end_epoch_ns": time.time_ns()}
            else:
                run_phase()  # not measured, but later phases and the outputs need what it computes
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


def check_request(spec: Spec, task: tasks.Task) -> None:
    """Rejects phases and outputs the task does not have before anything runs."""
    unknown = [name for name in spec.phases if name not in task.phases]
    if unknown:
        raise RunnerError(f"spec: {spec.task} has no phase {', '.join(unknown)} (it has {', '.join(task.phases)})")
    if list(spec.phases) != [name for name in task.phases if name in spec.phases]:
        raise RunnerError(f"spec: phases must come in the order {', '.join(task.phases)}")
    unknown = [name for name in spec.outputs if name not in task.output_names]
    if unknown:
        raise RunnerError(f"spec: {spec.task} has no output {', '.join(unknown)} "
                          f"(it has {', '.join(task.output_names)})")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    task = impl = None
    try:
        # A result.json left from an earlier run must not pass for this one's if this one dies.
        (args.out / "result.json").unlink(missing_ok=True)
        raw = read_spec_json(args.spec)
        task, impl = (raw.get(key) if isinstance(raw.get(key), str) else None for key in ("task", "impl"))
        spec = parse_spec(raw)
        args.out.mkdir(parents=True, exist_ok=True)
        write_result(args.out, run(spec, args.out))
        return 0
    except RunnerError as e:
        message = str(e)
    except Exception as e:  # a bug or an unforeseen library error: the traceback goes to stderr too
        traceback.print_exc()
        message = f"{type(e).__name__}: {e}"
    print(f"{PROG}: error: {message}", file=sys.stderr)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        write_result(args.out, error_result(task, impl, message))
    except OSError as e:
        print(f"{PROG}: cannot write {args.out / 'result.json'}: {e}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
