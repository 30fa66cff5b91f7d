"""Stop criteria for a search, PyVRP style: small callables that say "enough".

A criterion is called often (thousands of times a second from inside the
solver), so each one is a cheap check. ``MaxRuntime`` starts its clock at the
first call, so building the model does not eat the search budget.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import threading
    from multiprocessing.synchronize import Event as ProcessEvent


class StopCriterion(Protocol):
    """True once the search should stop."""

    def __call__(self) -> bool:
        """Whether to stop now."""
        ...


class MaxRuntime:
    """Stop after ``seconds`` of wall time, counted from the first call.

    Parameters
    ----------
    seconds
        The budget; must not be negative.
    """

    def __init__(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the run time limit cannot be negative")
        self.seconds = seconds
        self._started: float | None = None

    def __call__(self) -> bool:
        now = time.perf_counter()
        if self._started is None:
            self._started = now
        return now - self._started >= self.seconds


class Cancelled:
    """Stop once an event is set (a ``threading`` or ``multiprocessing`` Event)."""

    def __init__(self, event: threading.Event | ProcessEvent) -> None:
        self.event = event

    def __call__(self) -> bool:
        return self.event.is_set()


class AnyOf:
    """Stop as soon as any of the given criteria says so."""

    def __init__(self, *criteria: StopCriterion) -> None:
        self.criteria = criteria

    def __call__(self) -> bool:
        return any(criterion() for criterion in self.criteria)


class Never:
    """Never stop (the search's own time limit still applies)."""

    def __call__(self) -> bool:
        return False
