"""The task API: what the runner core needs from a task implementation, and all a task needs to know of the core."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..protocol import Spec


@dataclass
class Results:
    outputs: dict[str, np.ndarray]
    metrics: dict[str, float]
    notes: list[str] = field(default_factory=list)


class Task(ABC):
    """One task computed by one implementation.

    Each phase is a method without arguments, named as in PROTOCOL.md and listed in `phases` in the order
    it must run; it keeps what it computes on the instance, for the next phase and for results(). Running
    a phase again recomputes the same thing, which is what warmup and repetitions rely on, and
    phase_outputs shows what it computed.
    """

    # What the core checks the spec against before constructing the task: phases in the order they run, the
    # outputs it can write, the input roles it reads (and those the spec may list although it does not read
    # them), the compute precisions and the devices it supports.
    phases: tuple[str, ...]
    output_names: tuple[str, ...]
    inputs: tuple[str, ...]
    unread_inputs: tuple[str, ...] = ()
    dtypes: tuple[str, ...] = ("f64",)
    devices: tuple[str, ...] = ("cpu",)
    # Distribution name of the library doing the work, reported as the runtime's framework.
    framework: str
    # The (task, impl) pair a concrete class computes; the registry finds every class that sets it.
    implements: ClassVar[tuple[str, str] | None] = None

    def __init__(self, spec: Spec) -> None:
        self.spec = spec

    def phase(self, name: str) -> Callable[[], None]:
        return getattr(self, name)

    def phase_outputs(self, phase: str) -> dict[str, np.ndarray]:
        """The outputs this phase computes, by output name, read from the instance as its last run left them:
        never recomputed, and never a copy kept from an earlier run, so that a run which skipped its work shows.
        The core hashes them after each timed repetition of a phase the spec verifies (PROTOCOL.md, "Timed work
        re-verified") and fails naming any output the spec lists that is not here. Empty for a phase that
        computes no output (the default)."""
        return {}

    def outputs_of(self, *phases: str) -> dict[str, np.ndarray]:
        """The phase_outputs of the phases, merged: for results(), which writes what the phases computed."""
        return {name: array for phase in phases for name, array in self.phase_outputs(phase).items()}

    def ops_per_sample(self, phase: str) -> int:
        """How many operations one timed sample of this phase performs; asked after the phases before it ran."""
        return 1

    def hyperparameters(self) -> dict[str, Any] | None:
        """The model's parameters as its library reports them, JSON-safe, for the runtime manifest; asked after
        all phases. None leaves them out (tasks whose parameters are all in the spec already)."""
        return None

    @abstractmethod
    def compute_dtype(self) -> np.dtype:
        """The dtype of the arrays the computation ran on, read from them; asked after all phases."""

    @abstractmethod
    def manifest_hyperparameters(self) -> dict[str, str | int | float | bool]:
        """The task's hyperparameters under the names PROTOCOL.md lists for it (without the `hp.` prefix),
        read back from the library's own objects where it has them, otherwise the values the code used;
        asked after all phases."""

    @abstractmethod
    def results(self) -> Results:
        """Outputs from the last repetition, metrics and notes; called once after all phases."""
