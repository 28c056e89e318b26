"""The phase loop (PROTOCOL.md, "Phases and measurement"): warm-up by count and time, timed repetitions, the cold
first call, ops_per_sample and the timeline, driven by the core over a task that records what it was asked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from equibench_runner import core, measure
from equibench_runner.protocol import THREAD_ENV, parse_spec
from equibench_runner.tasks.base import Results, Task

MS = 1_000_000


class FakeClock:
    """perf_counter_ns that moves only when a phase runs, so warm-up decisions are exact."""

    def __init__(self) -> None:
        self.now = 0

    def perf_counter_ns(self) -> int:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(measure, "time", fake)
    return fake


def test_warmup_count_then_repetitions(clock: FakeClock) -> None:
    durations = iter([7, 3, 3, 5, 6, 4])

    def run() -> None:
        clock.now += next(durations) * MS

    result = measure.measure_phase(run, warmup=2, repetitions=4, ops_per_sample=9)
    assert result["warmup"] == 2
    assert result["samples_ns"] == [3 * MS, 5 * MS, 6 * MS, 4 * MS]
    assert result["first_call_ns"] == 7 * MS
    assert result["ops_per_sample"] == 9
    assert result["allocated_bytes"] is None
    assert isinstance(result["hwm_reset"], bool)


def test_warmup_continues_until_the_time_floor(clock: FakeClock) -> None:
    def run() -> None:
        clock.now += 10 * MS

    result = measure.measure_phase(run, warmup=2, repetitions=1, warmup_min_ms=45)
    # Runs start at 0, 10, 20, 30 and 40 ms; at 50 ms the floor is passed.
    assert result["warmup"] == 5


def test_no_warmup_at_all_when_warmup_is_zero(clock: FakeClock) -> None:
    calls = []

    def run() -> None:
        calls.append(clock.now)
        clock.now += (8 if len(calls) == 1 else 2) * MS

    result = measure.measure_phase(run, warmup=0, repetitions=3, warmup_min_ms=1000)
    assert result["warmup"] == 0
    assert len(calls) == 3
    assert result["first_call_ns"] == result["samples_ns"][0] == 8 * MS


def test_after_sample_follows_each_timed_run_outside_its_time(clock: FakeClock) -> None:
    events = []

    def run() -> None:
        events.append("run")
        clock.now += 4 * MS

    def after_sample() -> None:
        events.append("after")
        clock.now += 100 * MS  # as slow as hashing large outputs may be: none of it may reach a sample

    result = measure.measure_phase(run, warmup=2, repetitions=3, after_sample=after_sample)
    assert events == ["run"] * 2 + ["run", "after"] * 3
    assert result["samples_ns"] == [4 * MS] * 3


class Recorder(Task):
    """Records every phase call, so the tests see what the core ran, how often and in what order."""

    phases = ("prepare", "compute", "report")
    output_names = ("values", "total")
    inputs = ()
    framework = "numpy"

    def __init__(self, spec: Any) -> None:
        super().__init__(spec)
        self.calls: list[str] = []

    def prepare(self) -> None:
        self.calls.append("prepare")
        self.values = np.arange(5)

    def compute(self) -> None:
        self.calls.append("compute")
        self.total = self.values.sum(keepdims=True)

    def report(self) -> None:
        self.calls.append("report")

    def ops_per_sample(self, phase: str) -> int:
        # Asked once the phases before it have run: prepare has set the values by then.
        return len(self.values) if phase == "compute" else 1

    def compute_dtype(self) -> np.dtype:
        return self.values.dtype

    def manifest_hyperparameters(self) -> dict[str, Any]:
        return {"size": len(self.values)}

    def results(self) -> Results:
        return Results(outputs={"values": self.values, "total": self.total}, metrics={"total": int(self.total[0])})


def recorder_spec(**changes: Any) -> Any:
    raw = {"protocol": 1, "task": "record", "impl": "python/recorder", "device": "cpu", "dtype": "f64",
           "threads": 1, "warmup": 2, "repetitions": 3, "phases": ["compute", "report"], "inputs": {}, "params": {},
           "outputs": ["total"]}
    return parse_spec({**raw, **changes})


def test_core_runs_every_phase_in_order_and_measures_those_asked() -> None:
    spec = recorder_spec()
    task = Recorder(spec)
    phases, spans = core.run_phases(spec, task)
    # prepare is not measured but runs once: the measured phases need what it computes.
    assert task.calls == ["prepare"] + ["compute"] * 5 + ["report"] * 5
    assert list(phases) == ["compute", "report"]
    assert phases["compute"]["warmup"] == 2 and len(phases["compute"]["samples_ns"]) == 3
    assert phases["compute"]["ops_per_sample"] == 5
    assert phases["report"]["ops_per_sample"] == 1
    # A spec without verify asks for no digests.
    assert all("output_sha256" not in phase for phase in phases.values())
    assert list(spans) == ["compute", "report"]
    compute, report = spans["compute"], spans["report"]
    assert compute["start_epoch_ns"] <= compute["end_epoch_ns"] <= report["start_epoch_ns"] <= report["end_epoch_ns"]


def test_core_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.delenv("VECLIB_MAXIMUM_THREADS", raising=False)
    result = core.run(recorder_spec(), Recorder, tmp_path)
    assert result["status"] == "ok"
    assert result["outputs"] == {"total": "total.npy"}
    assert np.load(tmp_path / "total.npy").tolist() == [10]
    assert not (tmp_path / "values.npy").exists()
    assert result["metrics"] == {"total": 10}
    timeline = result["timeline"]
    assert timeline["ready_epoch_ns"] <= timeline["phases"]["compute"]["start_epoch_ns"]
    assert all(phase["first_call_ns"] > 0 for phase in result["phases"].values())
    threads, manifest = result["runtime"]["threads"], result["runtime"]["manifest"]
    # threads = 1 applied through threadpoolctl, and read back from it.
    assert threads["requested"] == 1 and threads["compute"] == manifest["threads.compute"] == 1
    assert set(THREAD_ENV) <= threads.keys()
    assert {f"threads.env.{name}" for name in THREAD_ENV} <= manifest.keys()
    assert threads["OMP_NUM_THREADS"] == manifest["threads.env.OMP_NUM_THREADS"] == "1"
    assert threads["VECLIB_MAXIMUM_THREADS"] == manifest["threads.env.VECLIB_MAXIMUM_THREADS"] == "unset"
    assert manifest["hp.size"] == 5
