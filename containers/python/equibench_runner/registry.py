"""The registry: which class computes a (task, impl) pair of the spec. Tasks never import it.

Every module of the `tasks` package is imported and each class that declares `implements = (TASK, IMPL)` is
registered, so a new implementation is found by being there.
"""

from __future__ import annotations

import importlib
import pkgutil

from . import tasks
from .protocol import RunnerError
from .tasks.base import Task


def _discover() -> dict[tuple[str, str], type[Task]]:
    found: dict[tuple[str, str], type[Task]] = {}
    for info in sorted(pkgutil.iter_modules(tasks.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{tasks.__name__}.{info.name}")
        for obj in vars(module).values():
            # declared on the class itself: a subclass of a registered class is not that implementation again
            pair = vars(obj).get("implements") if isinstance(obj, type) and obj.__module__ == module.__name__ else None
            if pair is None or not issubclass(obj, Task):
                continue
            if pair in found:
                raise RuntimeError(f"{pair} is implemented twice: {found[pair].__qualname__} and {obj.__qualname__}")
            found[pair] = obj
    return found


IMPLEMENTATIONS: dict[tuple[str, str], type[Task]] = _discover()


def lookup(task: str, impl: str) -> type[Task]:
    """The class implementing `impl` of `task`; the error lists every pair this runner has."""
    try:
        return IMPLEMENTATIONS[(task, impl)]
    except KeyError:
        known = ", ".join(f"{t} {i}" for t, i in IMPLEMENTATIONS)
        raise RunnerError(f"the Python runner has no implementation {impl!r} of task {task!r} "
                          f"(it has: {known})") from None
