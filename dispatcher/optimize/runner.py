"""Run the optimizer in worker processes: progress, soft and hard cancel.

OR-Tools holds the GIL for the whole search, so a solve in a thread freezes
the caller (the GUI). ``SolveProcess`` starts ``params.workers`` processes
(spawn context; each runs a differently configured search, a small portfolio
that uses every core), streams their progress over pipes, and keeps the best
plan. Soft cancel sets an Event that every search polls and returns the best
plan so far; hard cancel terminates the processes.

The GUI watches ``connections()`` with a ``QSocketNotifier`` and calls
``poll()``; the CLI and the benchmark call ``solve_in_subprocess``.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import time
from multiprocessing.connection import wait
from typing import TYPE_CHECKING, Any

from dispatcher.optimize.params import Progress, SolveParams
from dispatcher.optimize.solution import Status
from dispatcher.optimize.stop import Cancelled

if TYPE_CHECKING:
    from collections.abc import Callable
    from multiprocessing.connection import Connection

    from dispatcher.optimize.problem import RoutingProblem
    from dispatcher.optimize.solution import Solution
    from dispatcher.optimize.stop import StopCriterion

log = logging.getLogger(__name__)

HARD_CANCEL_AFTER = 1.0
"""Seconds a soft cancel may take before ``solve_in_subprocess`` terminates."""


def _child(
    problem: RoutingProblem, params: SolveParams, conn: Connection, cancel: Any
) -> None:
    """Worker process body: solve and send progress, then the result."""
    from dispatcher.optimize.engine import solve

    try:
        solution = solve(
            problem,
            params,
            progress=lambda p: conn.send(("progress", p)),
            stop=Cancelled(cancel),
        )
        conn.send(("result", solution))
    except Exception as exc:  # the parent reports it; the child must not die silently
        log.exception("optimizer worker failed")
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


class SolveProcess:
    """Solve a problem in worker processes.

    Parameters
    ----------
    problem
        The snapshot to plan (pickled into each worker).
    params
        Search settings; ``params.workers`` searches run in parallel, worker
        ``i`` with ``variant=i``.
    """

    def __init__(
        self, problem: RoutingProblem, params: SolveParams | None = None
    ) -> None:
        params = params or SolveParams()
        ctx = multiprocessing.get_context("spawn")
        self._cancel = ctx.Event()
        self._conns: list[Connection] = []
        self._procs: list[Any] = []
        self.results: list[Solution] = []
        self.errors: list[str] = []
        self.latest: dict[int, Progress] = {}
        self.started = time.perf_counter()
        self._problem = problem
        self.cancel_requested_at: float | None = None
        for variant in range(max(1, params.workers)):
            recv, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(
                target=_child,
                args=(
                    problem,
                    dataclasses.replace(params, variant=variant),
                    send,
                    self._cancel,
                ),
                daemon=True,
                name=f"dispatcher-optimizer-{variant}",
            )
            proc.start()
            send.close()  # the child holds the only writer: EOF means it is gone
            self._conns.append(recv)
            self._procs.append(proc)

    def connections(self) -> list[Connection]:
        """Open pipes to watch (for ``QSocketNotifier`` / ``select``)."""
        return list(self._conns)

    @property
    def pids(self) -> list[int]:
        """Process ids of the workers."""
        return [p.pid for p in self._procs if p.pid is not None]

    def poll(self, timeout: float = 0.0) -> list[Progress]:
        """Read what the workers sent; returns the new progress reports."""
        reports: list[Progress] = []
        for conn in wait(self._conns, timeout) if self._conns else []:
            assert isinstance(conn, multiprocessing.connection.Connection)
            try:
                while conn.poll():
                    kind, payload = conn.recv()
                    if kind == "progress":
                        self.latest[self._conns.index(conn)] = payload
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
        """True once every worker has finished (or was terminated)."""
        return not self._conns

    def cancel(self) -> None:
        """Soft cancel: every search stops and returns its best plan so far."""
        self._cancel.set()
        if self.cancel_requested_at is None:
            self.cancel_requested_at = time.perf_counter()

    def terminate(self) -> None:
        """Hard cancel: kill the workers now; no plan is returned."""
        self._cancel.set()
        for proc in self._procs:
            if proc.is_alive():
                proc.terminate()
        for proc in self._procs:
            proc.join(timeout=5)
        for conn in self._conns:
            conn.close()
        self._conns.clear()

    def join(self) -> None:
        """Wait for the worker processes to exit (after ``done``)."""
        for proc in self._procs:
            proc.join(timeout=5)

    def _rank(self, solution: Solution) -> tuple[object, ...]:
        """Order plans: any plan, fewer unserved orders by priority, objective.

        Objectives of different searches are not always comparable (a kept
        second-search plan has none), the unserved orders always are.
        """
        unserved = self._problem.unserved_key(u.job for u in solution.unassigned)
        return (solution.status == Status.NO_SOLUTION, unserved, solution.objective)

    def best(self) -> Solution | None:
        """The best plan the workers returned, marked cancelled if it was."""
        if not self.results:
            return None
        best = min(self.results, key=self._rank)
        if self._cancel.is_set() and best.status == Status.SOLVED:
            best = dataclasses.replace(best, status=Status.CANCELLED)
        return best


def solve_in_subprocess(
    problem: RoutingProblem,
    params: SolveParams | None = None,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    stop: StopCriterion | None = None,
) -> Solution | None:
    """Solve in worker processes and wait for the best plan.

    Parameters
    ----------
    problem
        The snapshot to plan.
    params
        Search settings (``workers`` processes run in parallel).
    on_progress
        Called in this process with every progress report.
    stop
        Polled about 10 times a second; True cancels softly (best so far), and
        if the workers do not answer within a second they are terminated.

    Returns
    -------
    Solution or None
        The best plan, or None if the workers were terminated or failed.

    Raises
    ------
    RuntimeError
        If every worker failed.
    """
    run = SolveProcess(problem, params)
    try:
        while not run.done:
            for report in run.poll(timeout=0.1):
                if on_progress is not None:
                    on_progress(report)
            if stop is not None and stop():
                run.cancel()
            asked = run.cancel_requested_at
            if asked is not None and time.perf_counter() - asked > HARD_CANCEL_AFTER:
                run.terminate()
        run.join()
    finally:
        if not run.done:
            run.terminate()
    if not run.results and run.errors:
        raise RuntimeError("the optimizer failed: " + "; ".join(run.errors))
    return run.best()
