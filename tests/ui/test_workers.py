"""OptimizationRunner: throttled progress, stop keeps the best, no process left."""

from __future__ import annotations

import dataclasses
import itertools
import multiprocessing
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QTimer

from dispatcher.optimize.checker import check
from dispatcher.optimize.params import SolveParams
from dispatcher.optimize.solomon import read_solomon
from dispatcher.optimize.solution import Status
from tests.ui.fake_solver import FakeStarter, deaf_solver, failing_solver
from tests.unit.optimize.builders import job, on_line, problem, vehicle
from ui.workers import OptimizationRunner

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytestqt.qtbot import QtBot

    from dispatcher.optimize.params import Progress
    from dispatcher.optimize.problem import RoutingProblem
    from dispatcher.optimize.solution import Solution
    from ui.workers import SolveHandle

DATA = Path(__file__).parents[1] / "data" / "solomon"
LONG = SolveParams(time_limit=60.0)


@pytest.fixture
def tiny() -> RoutingProblem:
    """Two jobs on a line, one vehicle: all a fake solver needs."""
    return problem(on_line(0, 1, 2), [job(1), job(2)], [vehicle()])


@pytest.fixture
def starter() -> FakeStarter:
    """Starts fake searches that improve every 20 ms and honour a stop."""
    return FakeStarter()


@pytest.fixture
def runner(qtbot: QtBot, starter: FakeStarter) -> Iterator[OptimizationRunner]:
    """A runner over the fake starter; shut down after the test."""
    runner = OptimizationRunner(
        start=starter, progress_interval=0.2, hard_cancel_after=0.3
    )
    yield runner
    runner.shutdown()


def test_progress_is_relayed_at_most_every_interval(
    qtbot: QtBot, runner: OptimizationRunner, tiny: RoutingProblem
) -> None:
    """A search reporting 50 times a second reaches the GUI about 5 times a second."""
    reports: list[Progress] = []
    runner.sig_progress.connect(reports.append)
    with qtbot.waitSignal(runner.sig_finished, timeout=10_000) as finished:
        runner.start(tiny, dataclasses.replace(LONG, time_limit=1.0))
    solution = finished.args[0]
    assert solution.status is Status.SOLVED
    assert 2 <= len(reports) <= 8
    assert reports[-1].solutions == solution.solutions_found
    assert [r.objective for r in reports] == sorted(
        (r.objective for r in reports), reverse=True
    )
    assert not runner.is_running


def test_stop_returns_the_best_plan_so_far(
    qtbot: QtBot, runner: OptimizationRunner, tiny: RoutingProblem
) -> None:
    """Stop & keep best during a 60 s search finishes at once with a cancelled plan."""
    with qtbot.waitSignal(runner.sig_progress, timeout=5_000):
        runner.start(tiny, LONG)
    asked = time.perf_counter()
    with qtbot.waitSignal(runner.sig_finished, timeout=5_000) as finished:
        runner.stop()
    assert time.perf_counter() - asked < 2.0
    assert finished.args[0].status is Status.CANCELLED


def test_stop_terminates_a_search_that_does_not_answer(
    qtbot: QtBot, runner: OptimizationRunner, starter: FakeStarter, tiny: RoutingProblem
) -> None:
    """A search deaf to the stop is terminated after the grace time: cancelled."""
    starter.solver = deaf_solver
    runner.start(tiny, LONG)
    finished: list[Solution] = []
    runner.sig_finished.connect(finished.append)
    with qtbot.waitSignal(runner.sig_cancelled, timeout=5_000):
        runner.stop()
    assert starter.started[0].terminated
    assert finished == []


def test_discard_drops_the_run_at_once(
    qtbot: QtBot, runner: OptimizationRunner, starter: FakeStarter, tiny: RoutingProblem
) -> None:
    """Discard terminates the search, emits cancelled, and no result follows."""
    finished: list[Solution] = []
    runner.sig_finished.connect(finished.append)
    with qtbot.waitSignal(runner.sig_progress, timeout=5_000):
        runner.start(tiny, LONG)
    with qtbot.waitSignal(runner.sig_cancelled, timeout=1_000):
        runner.discard()
    assert starter.started[0].terminated
    assert not runner.is_running
    qtbot.waitUntil(lambda: not starter.started[0].thread.is_alive(), timeout=2_000)
    assert finished == []


def test_a_new_run_replaces_the_old_one(
    qtbot: QtBot, runner: OptimizationRunner, starter: FakeStarter, tiny: RoutingProblem
) -> None:
    """Starting again terminates the first search; only the second one finishes."""
    cancelled: list[bool] = []
    runner.sig_cancelled.connect(lambda: cancelled.append(True))
    runner.start(tiny, LONG)
    with qtbot.waitSignal(runner.sig_finished, timeout=10_000) as finished:
        runner.start(tiny, dataclasses.replace(LONG, time_limit=0.3))
    first, second = starter.started
    assert first.terminated
    assert finished.args[0] is second.best()
    assert cancelled == []


def test_start_returns_while_the_workers_are_still_starting(
    qtbot: QtBot, starter: FakeStarter, tiny: RoutingProblem
) -> None:
    """Starting workers that take half a second to start does not block the caller."""

    def slow(problem: RoutingProblem, params: SolveParams) -> SolveHandle:
        time.sleep(0.5)
        return starter(problem, params)

    runner = OptimizationRunner(start=slow)
    asked = time.perf_counter()
    with qtbot.waitSignal(runner.sig_finished, timeout=10_000):
        runner.start(tiny, dataclasses.replace(LONG, time_limit=0.2))
        assert time.perf_counter() - asked < 0.2
        assert runner.is_running
    assert len(starter.started) == 1


def test_stop_while_starting_cancels(
    qtbot: QtBot, starter: FakeStarter, tiny: RoutingProblem
) -> None:
    """Stop before the workers are up: they are asked to stop as soon as they are."""

    def slow(problem: RoutingProblem, params: SolveParams) -> SolveHandle:
        time.sleep(0.3)
        return starter(problem, params)

    runner = OptimizationRunner(start=slow, hard_cancel_after=2.0)
    runner.start(tiny, LONG)
    with qtbot.waitSignal(runner.sig_finished, timeout=10_000) as finished:
        runner.stop()
    assert finished.args[0].status is Status.CANCELLED


def test_a_failing_search_says_why(
    qtbot: QtBot, runner: OptimizationRunner, starter: FakeStarter, tiny: RoutingProblem
) -> None:
    """An exception in the solver becomes one sentence naming it."""
    starter.solver = failing_solver
    with qtbot.waitSignal(runner.sig_failed, timeout=5_000) as failed:
        runner.start(tiny, LONG)
    assert "matrix is not square" in failed.args[0]
    assert not runner.is_running


def test_shutdown_ends_the_run_without_signals(
    qtbot: QtBot, runner: OptimizationRunner, starter: FakeStarter, tiny: RoutingProblem
) -> None:
    """Closing the window terminates the search and tells nobody."""
    signals: list[object] = []
    for signal in (runner.sig_finished, runner.sig_cancelled, runner.sig_failed):
        signal.connect(signals.append)
    runner.start(tiny, LONG)
    runner.shutdown()
    assert starter.started[0].terminated
    assert not runner.is_running
    assert signals == []


# -- the real optimizer in worker processes ------------------------------------------


@pytest.fixture(scope="module")
def r101() -> RoutingProblem:
    """R101 cut to its first 25 customers: tight windows, several routes."""
    return read_solomon(DATA / "R101_25.txt")


@pytest.fixture
def real_runner(qtbot: QtBot) -> Iterator[OptimizationRunner]:
    """A runner over real worker processes; shut down after the test."""
    runner = OptimizationRunner()
    yield runner
    runner.shutdown()


def test_a_real_solve_keeps_the_gui_ticking_and_stops_with_the_best(
    qtbot: QtBot, real_runner: OptimizationRunner, r101: RoutingProblem
) -> None:
    """During a real solve a 10 ms timer keeps firing; Stop returns a checked plan."""
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    heartbeat.start()
    started = time.perf_counter()
    with qtbot.waitSignal(real_runner.sig_progress, timeout=30_000):
        real_runner.start(r101, LONG)
    # Let the search run on for a while with the GUI thread counting.
    qtbot.waitUntil(lambda: time.perf_counter() - started > 1.5, timeout=10_000)
    with qtbot.waitSignal(real_runner.sig_finished, timeout=10_000) as finished:
        real_runner.stop()
    heartbeat.stop()
    elapsed = ticks[-1] - started
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    # A frozen GUI would tick a handful of times; a free one about 100 times/s.
    assert len(ticks) / elapsed > 30
    assert max(gaps) < 0.5
    solution = finished.args[0]
    assert solution.status is Status.CANCELLED
    assert check(r101, solution) == []


def test_discarding_a_real_solve_leaves_no_process(
    qtbot: QtBot, real_runner: OptimizationRunner, r101: RoutingProblem
) -> None:
    """Discard while the workers start up and while they search: no child is left."""
    two = dataclasses.replace(LONG, workers=2)
    real_runner.start(r101, two)
    real_runner.discard()
    assert multiprocessing.active_children() == []
    with qtbot.waitSignal(real_runner.sig_progress, timeout=30_000):
        real_runner.start(r101, two)
    with qtbot.waitSignal(real_runner.sig_cancelled, timeout=5_000):
        real_runner.discard()
    assert multiprocessing.active_children() == []
