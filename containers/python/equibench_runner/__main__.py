"""Entry point: python -m equibench_runner --spec SPEC.json --out OUT_DIR, or --list (see containers/PROTOCOL.md).

Only arguments and failure reporting live here; the runner core checks the spec and runs the phases.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path
from typing import NoReturn

from . import core, registry
from .protocol import RunnerError, error_result, parse_spec, read_spec_json, write_result

PROG = "equibench_runner"


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # Exit 1 like every other failure, not argparse's 2.
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = _ArgumentParser(prog=PROG, description="Runs one task implementation as the harness's spec asks.")
    parser.add_argument("--spec", type=Path, help="spec.json written by the harness")
    parser.add_argument("--out", type=Path, help="directory for result.json and the .npy outputs")
    parser.add_argument("--list", action="store_true", help="print each TASK IMPL pair this runner has, and exit")
    args = parser.parse_args(argv)
    if not args.list and (args.spec is None or args.out is None):
        parser.error("the following arguments are required: --spec, --out (or --list)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list:
        for task, impl in registry.IMPLEMENTATIONS:
            print(f"{task} {impl}")
        return 0
    task = impl = None
    try:
        # A result.json left from an earlier run must not pass for this one's if this one dies.
        (args.out / "result.json").unlink(missing_ok=True)
        raw = read_spec_json(args.spec)
        task, impl = (raw.get(key) if isinstance(raw.get(key), str) else None for key in ("task", "impl"))
        spec = parse_spec(raw)
        args.out.mkdir(parents=True, exist_ok=True)
        write_result(args.out, core.run(spec, registry.lookup(spec.task, spec.impl), args.out))
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
