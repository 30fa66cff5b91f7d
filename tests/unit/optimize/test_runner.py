"""Solver processes: progress, soft cancel with the best plan, hard cancel."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import pytest

from dispatcher.optimize.checker import check
from dispatcher.optimize.params import SolveParams
from dispatcher.optimize.runner import SolveProcess, solve_in_subprocess
from dispatcher.optimize.solomon import read_solomon
from dispatcher.optimize.solution import Status

DATA = Path(__file__).parents[2] / "data" / "solomon"
LONG = SolveParams(time_limit=60.0, time_scale=1000)


@pytest.fixture(scope="module")
def r101():  # type: ignore[no-untyped-def]
    """R101 cut to its first 25 customers: tight windows, several routes."""
    return read_solomon(DATA / "R101_25.txt")


def wait_for(run: SolveProcess, condition, timeout: float) -> None:  # type: ignore[no-untyped-def]
    """Poll the workers until the condition holds or the timeout passes."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        run.poll(timeout=0.05)
    assert condition(), "timed out"


def gone(pid: int) -> bool:
    """True if no process (not even a zombie) has this id."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_two_workers_return_a_checked_plan(r101) -> None:  # type: ignore[no-untyped-def]
    """A portfolio of two searches returns one feasible plan serving everything."""
    reports = []
    solution = solve_in_subprocess(
        r101, replace(LONG, time_limit=1.5, workers=2), on_progress=reports.append
    )
    assert solution is not None
    assert check(r101, solution) == []
    assert solution.kpis.served == 25
    assert reports
    assert all(r.elapsed >= 0 for r in reports)


def test_soft_cancel_returns_the_best_so_far(r101) -> None:  # type: ignore[no-untyped-def]
    """Cancelling a 60 s search after its first report returns a plan at once."""
    run = SolveProcess(r101, LONG)
    try:
        wait_for(run, lambda: bool(run.latest), timeout=30)
        asked = time.monotonic()
        run.cancel()
        wait_for(run, lambda: run.done, timeout=10)
        assert time.monotonic() - asked < 5
    finally:
        run.terminate()
    best = run.best()
    assert best is not None
    assert best.status is Status.CANCELLED
    assert check(r101, best) == []


def test_hard_cancel_leaves_no_process_behind(r101) -> None:  # type: ignore[no-untyped-def]
    """Terminating the workers kills and reaps every one of them."""
    run = SolveProcess(r101, replace(LONG, workers=2))
    pids = run.pids
    assert len(pids) == 2
    wait_for(run, lambda: bool(run.latest), timeout=30)
    run.terminate()
    assert run.done
    assert run.best() is None
    assert all(gone(pid) for pid in pids)


def test_stop_criterion_cancels_solve_in_subprocess(r101) -> None:  # type: ignore[no-untyped-def]
    """A stop criterion that turns true ends a long solve early with a plan."""
    started = time.monotonic()
    solution = solve_in_subprocess(
        r101, LONG, stop=lambda: time.monotonic() - started > 2
    )
    assert time.monotonic() - started < 15
    assert solution is not None
    assert solution.status is Status.CANCELLED
