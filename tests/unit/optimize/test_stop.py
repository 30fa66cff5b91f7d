"""Stop criteria: run-time budget, cancellation event, any-of."""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest

from dispatcher.optimize.stop import AnyOf, Cancelled, MaxRuntime, Never


def test_max_runtime_counts_from_the_first_call() -> None:
    """The clock starts at the first call, then stops after the budget."""
    criterion = MaxRuntime(0.05)
    time.sleep(0.1)
    assert not criterion()
    time.sleep(0.08)
    assert criterion()


def test_max_runtime_rejects_negative_budgets() -> None:
    """A negative budget is a programming error."""
    with pytest.raises(ValueError, match="negative"):
        MaxRuntime(-1)


@pytest.mark.parametrize(
    "event", [threading.Event(), multiprocessing.get_context("spawn").Event()]
)
def test_cancelled_follows_the_event(event: threading.Event) -> None:
    """Cancelled is true exactly once the event is set (thread or process event)."""
    criterion = Cancelled(event)
    assert not criterion()
    event.set()
    assert criterion()


def test_any_of_stops_when_one_criterion_does() -> None:
    """AnyOf is false while all are false and true once any is true."""
    event = threading.Event()
    criterion = AnyOf(Never(), Cancelled(event))
    assert not criterion()
    event.set()
    assert criterion()
