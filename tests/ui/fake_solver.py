"""A fake optimizer for the runner tests: a solver function on a thread, a real pipe.

``FakeSolve`` offers what ``OptimizationRunner`` needs of ``SolveProcess``
(pipes to watch, ``poll``, soft and hard cancel, ``best``) but runs a plain
Python solver function on a thread, so tests control exactly when progress
comes and how a cancel is honoured. Messages go over a real pipe, so the
runner's socket notifiers are exercised as with worker processes.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from multiprocessing.connection import wait
from typing import TYPE_CHECKING, Any, Protocol

from dispatcher.optimize.params import Progress
from dispatcher.optimize.solution import Status, make_solution

if TYPE_CHECKING:
    from collections.abc import Callable
    from multiprocessing.connection import Connection

    from dispatcher.optimize.params import SolveParams
    from dispatcher.optimize.problem import RoutingProblem
    from dispatcher.optimize.solution import Solution

STEP = 0.02
"""Seconds between two improvements of the fake search."""


class FakeSolver(Protocol):
    """A solver function: reports progress, honours ``stop``, returns a plan."""

    def __call__(
        self,
        problem: RoutingProblem,
        params: SolveParams,
        progress: Callable[[Progress], None],
        stop: Callable[[], bool],
        killed: Callable[[], bool],
    ) -> Solution: ...


def _plan(problem: RoutingProblem, status: Status, found: int) -> Solution:
    """Every job on the first vehicle, in order."""
    return make_solution(
        problem,
        {0: tuple(range(len(problem.jobs)))},
        status=status,
        objective=1000.0 / max(1, found),
        solutions_found=found,
    )


def improving_solver(
    problem: RoutingProblem,
    params: SolveParams,
    progress: Callable[[Progress], None],
    stop: Callable[[], bool],
    killed: Callable[[], bool],
) -> Solution:
    """Finds a better plan every ``STEP`` until the time limit or a stop."""
    started = time.perf_counter()
    found = 0
    while time.perf_counter() - started < params.time_limit and not stop():
        found += 1
        progress(
            Progress(
                objective=1000.0 / found,
                elapsed=time.perf_counter() - started,
                solutions=found,
                vehicles=1,
                unassigned=0,
            )
        )
        time.sleep(STEP)
    return _plan(problem, Status.CANCELLED if stop() else Status.SOLVED, found)


def deaf_solver(
    problem: RoutingProblem,
    params: SolveParams,
    progress: Callable[[Progress], None],
    stop: Callable[[], bool],
    killed: Callable[[], bool],
) -> Solution:
    """Never answers a soft cancel (like a search still building its first plan)."""
    started = time.perf_counter()
    while time.perf_counter() - started < params.time_limit and not killed():
        time.sleep(STEP)
    return _plan(problem, Status.SOLVED, 1)


def empty_solver(
    problem: RoutingProblem,
    params: SolveParams,
    progress: Callable[[Progress], None],
    stop: Callable[[], bool],
    killed: Callable[[], bool],
) -> Solution:
    """Returns at once a plan that serves nothing (a search out of time)."""
    return make_solution(problem, {}, objective=1e9, solutions_found=1)


def failing_solver(
    problem: RoutingProblem,
    params: SolveParams,
    progress: Callable[[Progress], None],
    stop: Callable[[], bool],
    killed: Callable[[], bool],
) -> Solution:
    """Breaks at once, as a bug in the engine would."""
    raise RuntimeError("matrix is not square")


class FakeSolve:
    """One fake search: ``solver`` on a daemon thread, talking over a pipe."""

    def __init__(
        self, problem: RoutingProblem, params: SolveParams, solver: FakeSolver
    ) -> None:
        recv, send = multiprocessing.Pipe(duplex=False)
        self._conns: list[Connection] = [recv]
        self._cancel = threading.Event()
        self._killed = threading.Event()
        self.errors: list[str] = []
        self.latest: dict[int, Progress] = {}
        self.results: list[Solution] = []
        self.terminated = False
        self.thread = threading.Thread(
            target=self._body, args=(problem, params, send, solver), daemon=True
        )
        self.thread.start()

    def _body(
        self,
        problem: RoutingProblem,
        params: SolveParams,
        send: Connection,
        solver: FakeSolver,
    ) -> None:
        try:
            solution = solver(
                problem,
                params,
                lambda p: send.send(("progress", p)),
                self._cancel.is_set,
                self._killed.is_set,
            )
            if not self._killed.is_set():
                send.send(("result", solution))
        except OSError:  # the reader is gone (terminated)
            return
        except Exception as exc:
            send.send(("error", f"{type(exc).__name__}: {exc}"))
        finally:
            send.close()

    def connections(self) -> list[Connection]:
        """The open pipe, until the search is over."""
        return list(self._conns)

    def poll(self, timeout: float = 0.0) -> list[Progress]:
        """Read what the search sent."""
        reports: list[Progress] = []
        for conn in wait(self._conns, timeout) if self._conns else []:
            assert isinstance(conn, multiprocessing.connection.Connection)
            try:
                while conn.poll():
                    kind, payload = conn.recv()
                    if kind == "progress":
                        self.latest[0] = payload
                        reports.append(payload)
                    elif kind == "result":
                        self.results.append(payload)
                    else:
                        self.errors.append(payload)
            except (EOFError, OSError):
                self._conns.remove(conn)
                conn.close()
        return reports

    @property
    def done(self) -> bool:
        """True once the search ended or was terminated."""
        return not self._conns

    def cancel(self) -> None:
        """Ask the solver to stop with its best plan."""
        self._cancel.set()

    def terminate(self) -> None:
        """Drop the search: nothing more is read from it."""
        self.terminated = True
        self._cancel.set()
        self._killed.set()
        for conn in self._conns:
            conn.close()
        self._conns.clear()
        self.thread.join(timeout=2)

    def join(self) -> None:
        """Wait for the solver thread."""
        self.thread.join(timeout=2)

    def best(self) -> Solution | None:
        """The plan the solver returned, if it did."""
        return self.results[0] if self.results else None


class FakeStarter:
    """Starts ``FakeSolve`` searches with one solver and remembers each one."""

    def __init__(self, solver: FakeSolver = improving_solver) -> None:
        self.solver = solver
        self.started: list[FakeSolve] = []

    def __call__(self, problem: RoutingProblem, params: SolveParams) -> Any:
        run = FakeSolve(problem, params, self.solver)
        self.started.append(run)
        return run
