"""Phase measurement as PROTOCOL.md prescribes: warmup, RSS high-water reset, timed repetitions."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def reset_peak_rss() -> bool:
    """Writing 5 to clear_refs sets VmHWM back to the current RSS (Linux 4.0+); False where that is refused."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def read_status_bytes(field: str) -> int | None:
    """A memory line of /proc/self/status (such as 'VmRSS:  123 kB') in bytes; None where there is none."""
    try:
        lines = _STATUS.read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        name, _, value = line.partition(":")
        if name == field:
            amount, unit = value.split()
            if unit != "kB":
                raise ValueError(f"{_STATUS}: unexpected unit in {line!r}")
            return int(amount) * 1024
    return None


def measure_phase(run: Callable[[], Any], warmup: int, repetitions: int, ops_per_sample: int = 1,
                  warmup_min_ms: int = 0, after_sample: Callable[[], Any] | None = None) -> dict[str, Any]:
    """Runs a phase warmup times untimed (and for at least warmup_min_ms, unless warmup is 0), then repetitions
    times timed; raw samples only, no statistics.

    The first run of all is also timed on its own (first_call_ns): it is the cold figure, before caches,
    lazy imports and allocator pools have warmed up. after_sample, if given, is called after each timed run,
    once its clock has been read, so that what it does (such as hashing the run's outputs) is never timed.
    """
    first_call_ns = None
    warmups = 0
    warmup_start = time.perf_counter_ns()
    while warmup > 0 and (warmups < warmup or time.perf_counter_ns() - warmup_start < warmup_min_ms * 1_000_000):
        start = time.perf_counter_ns()
        run()
        if warmups == 0:
            first_call_ns = time.perf_counter_ns() - start
        warmups += 1
    hwm_reset = reset_peak_rss()
    rss_before = read_status_bytes("VmRSS")
    samples_ns = []
    for _ in range(repetitions):
        start = time.perf_counter_ns()
        run()
        samples_ns.append(time.perf_counter_ns() - start)
        if after_sample is not None:
            after_sample()
    return {
        "warmup": warmups,
        "ops_per_sample": ops_per_sample,
        "samples_ns": samples_ns,
        "rss_before_bytes": rss_before,
        "peak_rss_bytes": read_status_bytes("VmHWM"),
        "hwm_reset": hwm_reset,
        # Only the JVM can count allocations per thread.
        "allocated_bytes": None,
        "first_call_ns": first_call_ns if first_call_ns is not None else samples_ns[0],
    }
