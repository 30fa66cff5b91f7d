"""Background work for the window: the optimizer runs in worker processes.

OR-Tools holds the GIL for its whole search, so a solve in a thread would
freeze the window. ``OptimizationRunner`` starts the search in worker processes
(``dispatcher.optimize.runner.SolveProcess``; started from a helper thread,
since handing a big problem to a new process blocks until the process has read
it), reads their pipes when Qt says
they are readable (``QSocketNotifier``; a short timer also polls, which is all
there is on platforms whose pipes are not sockets), and relays what they send as
signals on the GUI thread, progress at most about four times a second.

Cancel has two meanings. ``stop`` ("Stop & keep best") asks every search to
return its best plan so far, and terminates the workers if they do not answer
within a second (e.g. while still building a first plan). ``discard`` terminates
them at once. Starting a new run discards the old one without a word, and
``shutdown`` (window close) leaves no process behind.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QSocketNotifier,
    QTimer,
    Signal,
    Slot,
)

from dispatcher.optimize.params import Progress
from dispatcher.optimize.runner import HARD_CANCEL_AFTER, SolveProcess

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from dispatcher.optimize.params import SolveParams
    from dispatcher.optimize.problem import RoutingProblem
    from dispatcher.optimize.solution import Solution

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.25
"""Seconds between two progress signals (at most about four a second)."""

POLL_INTERVAL_MS = 50
"""How often the runner looks at the workers besides the pipe notifications."""


class SolveHandle(Protocol):
    """A running search as ``SolveProcess`` offers it (tests inject fakes)."""

    errors: list[str]
    latest: dict[int, Progress]

    def connections(self) -> list[Connection]:
        """Open pipes to watch."""
        ...

    def poll(self, timeout: float = 0.0) -> list[Progress]:
        """Read what the workers sent; returns the new progress reports."""
        ...

    @property
    def done(self) -> bool:
        """True once every worker has finished or was terminated."""
        ...

    def cancel(self) -> None:
        """Soft cancel: return the best plan so far."""
        ...

    def terminate(self) -> None:
        """Hard cancel: kill the workers now."""
        ...

    def join(self) -> None:
        """Wait for finished workers to exit."""
        ...

    def best(self) -> Solution | None:
        """The best plan returned, if any."""
        ...


class SolveStarter(Protocol):
    """Starts a search: ``SolveProcess`` in the app, a fake solver in tests."""

    def __call__(self, problem: RoutingProblem, params: SolveParams) -> SolveHandle:
        """Start solving ``problem`` and return the running search."""
        ...


class _Launch:
    """Starts a search on a helper thread and keeps what it got.

    Only ``handle``, ``error`` and ``running`` are read by the GUI thread, after
    the thread has ended (no Qt object is touched from the helper thread).
    """

    def __init__(
        self, start: SolveStarter, problem: RoutingProblem, params: SolveParams
    ) -> None:
        self.handle: SolveHandle | None = None
        self.error: str | None = None
        self._thread = threading.Thread(
            target=self._run,
            args=(start, problem, params),
            name="optimizer-launch",
            daemon=True,
        )
        self._thread.start()

    def _run(
        self, start: SolveStarter, problem: RoutingProblem, params: SolveParams
    ) -> None:
        try:
            self.handle = start(problem, params)
        except Exception as exc:  # reported on the GUI thread as sig_failed
            log.exception("optimizer could not start")
            self.error = f"{type(exc).__name__}: {exc}"

    @property
    def running(self) -> bool:
        """True while the workers are still being started."""
        return self._thread.is_alive()

    def wait(self) -> SolveHandle | None:
        """Wait until the workers are started; their handle, if any."""
        self._thread.join()
        return self.handle


class OptimizationRunner(QObject):
    """Runs one optimization at a time off the GUI thread and reports on it.

    Parameters
    ----------
    parent
        Owner of the runner.
    start
        Starts a search (default ``SolveProcess``: worker processes).
    progress_interval
        Least seconds between two ``sig_progress``; the latest report is never
        lost, only delayed.
    hard_cancel_after
        Seconds ``stop`` waits for the best plan before terminating.
    """

    sig_progress = Signal(object)
    """The search found better plans.

    Parameters
    ----------
    progress : Progress
        The best of the workers' latest reports; ``elapsed`` is wall time since
        the run started and ``solutions`` counts every worker's solutions.
    """

    sig_finished = Signal(object)
    """The search ended with a plan (status ``cancelled`` after ``stop``).

    Parameters
    ----------
    solution : Solution
        The best plan of all workers.
    """

    sig_failed = Signal(str)
    """The search failed.

    Parameters
    ----------
    message : str
        One sentence for the user.
    """

    sig_cancelled = Signal()
    """The run was discarded, or stopped before any plan was found."""

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        start: SolveStarter | None = None,
        progress_interval: float = PROGRESS_INTERVAL,
        hard_cancel_after: float = HARD_CANCEL_AFTER,
    ) -> None:
        super().__init__(parent)
        self._start: SolveStarter = start or SolveProcess
        self._progress_interval = progress_interval
        self._hard_cancel_after = hard_cancel_after
        self._run: SolveHandle | None = None
        self._launch: _Launch | None = None
        self._notifiers: dict[Connection, QSocketNotifier] = {}
        self._started = 0.0
        self._last_emit = 0.0
        self._pending: Progress | None = None
        self._stop_deadline: float | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        app = QCoreApplication.instance()
        if app is not None:
            # Quitting never leaves a worker process behind, even if nobody
            # called shutdown (e.g. the window was destroyed without closing).
            app.aboutToQuit.connect(self.shutdown)

    # -- state --------------------------------------------------------------------

    @property
    def is_running(self) -> bool:
        """True from ``start`` until the run ended (a stop waiting included)."""
        return self._run is not None or self._launch is not None

    @property
    def is_stopping(self) -> bool:
        """True after ``stop`` until the search has answered."""
        return self._stop_deadline is not None

    @property
    def elapsed(self) -> float:
        """Seconds since the current run started (0 when idle)."""
        return time.perf_counter() - self._started if self.is_running else 0.0

    # -- control ------------------------------------------------------------------

    def start(self, problem: RoutingProblem, params: SolveParams) -> None:
        """Start optimizing ``problem``; a run still going is discarded silently.

        The workers are started on a helper thread: handing a large problem to
        a new process blocks until that process has read it (0.75 s for 1,000
        orders), and the window must not freeze meanwhile.
        """
        self._abandon()
        self._started = time.perf_counter()
        self._last_emit = 0.0
        self._pending = None
        self._stop_deadline = None
        self._launch = _Launch(self._start, problem, params)
        self._timer.start()

    @Slot()
    def stop(self) -> None:
        """Stop & keep best: the search returns its best plan so far.

        If no answer comes within ``hard_cancel_after`` seconds the workers are
        terminated: ``sig_finished`` if a worker had answered, else
        ``sig_cancelled``.
        """
        if not self.is_running or self._stop_deadline is not None:
            return
        self._stop_deadline = time.perf_counter() + self._hard_cancel_after
        if self._run is not None:
            self._run.cancel()

    @Slot()
    def discard(self) -> None:
        """Terminate the search now, keep nothing, and emit ``sig_cancelled``."""
        if not self.is_running:
            return
        self._abandon()
        self.sig_cancelled.emit()

    @Slot()
    def shutdown(self) -> None:
        """Terminate any search and wait for its processes; emits nothing.

        Call it when the window (or the dialog owning the runner) closes.
        """
        self._abandon()

    # -- internals ----------------------------------------------------------------

    @Slot()
    def _on_pipe_readable(self, *_args: object) -> None:
        self._pump()

    @Slot()
    def _on_timer_timeout(self) -> None:
        if self._launch is not None:
            self._check_launch()
        else:
            self._pump()

    def _check_launch(self) -> None:
        """Take over the workers once they are started (or give up on them)."""
        launch = self._launch
        assert launch is not None
        if launch.running:
            if self._stop_deadline is not None and time.perf_counter() >= (
                self._stop_deadline
            ):
                self._abandon()
                self.sig_cancelled.emit()
            return
        self._launch = None
        if launch.handle is None:
            self._timer.stop()
            self._stop_deadline = None
            log.error("optimizer could not start: %s", launch.error)
            self.sig_failed.emit(
                f"The optimizer could not start ({launch.error}); try again, and "
                "report the problem if it persists."
            )
            return
        run = launch.handle
        self._run = run
        for conn in run.connections():
            notifier = QSocketNotifier(conn.fileno(), QSocketNotifier.Type.Read, self)
            notifier.activated.connect(self._on_pipe_readable)
            self._notifiers[conn] = notifier
        if self._stop_deadline is not None:
            run.cancel()

    def _abandon(self) -> None:
        """Stop watching any run and terminate its workers; emits nothing."""
        if self._launch is not None:
            handle = self._launch.wait()
            self._launch = None
            if handle is not None:
                handle.terminate()
                handle.join()
        if self._run is not None:
            run = self._detach()
            run.terminate()
            run.join()
        self._timer.stop()
        self._stop_deadline = None

    def _pump(self) -> None:
        """Read the workers, relay progress, and finish or hard-cancel the run."""
        run = self._run
        if run is None:
            return
        if run.poll(0.0):
            self._pending = self._combined(run)
        self._drop_closed_notifiers(run)
        now = time.perf_counter()
        if self._pending is not None and (
            now - self._last_emit >= self._progress_interval or run.done
        ):
            self._emit_pending(now)
        if run.done:
            self._finish()
        elif self._stop_deadline is not None and now >= self._stop_deadline:
            log.info("optimizer did not answer a stop in time; terminating it")
            run.terminate()
            self._finish()

    def _combined(self, run: SolveHandle) -> Progress:
        """One report from every worker's latest: the best plan, all solutions."""
        reports = list(run.latest.values())
        best = min(reports, key=lambda p: p.objective)
        return Progress(
            objective=best.objective,
            elapsed=time.perf_counter() - self._started,
            solutions=sum(p.solutions for p in reports),
            vehicles=best.vehicles,
            unassigned=best.unassigned,
            phase=best.phase,
        )

    def _emit_pending(self, now: float) -> None:
        progress, self._pending = self._pending, None
        self._last_emit = now
        self.sig_progress.emit(progress)

    def _drop_closed_notifiers(self, run: SolveHandle) -> None:
        """Forget notifiers of pipes the run has closed (their worker is gone)."""
        open_conns = run.connections()
        for conn in [c for c in self._notifiers if c not in open_conns]:
            self._release(self._notifiers.pop(conn))

    @staticmethod
    def _release(notifier: QSocketNotifier) -> None:
        notifier.setEnabled(False)
        notifier.deleteLater()

    def _detach(self) -> SolveHandle:
        """Stop watching the current run and hand it over."""
        run = self._run
        assert run is not None
        self._timer.stop()
        for notifier in self._notifiers.values():
            self._release(notifier)
        self._notifiers.clear()
        self._run = None
        self._stop_deadline = None
        self._pending = None
        return run

    def _finish(self) -> None:
        stopped = self._stop_deadline is not None
        run = self._detach()
        run.join()
        solution = run.best()
        if solution is not None:
            self.sig_finished.emit(solution)
        elif run.errors:
            log.error("optimizer failed: %s", "; ".join(run.errors))
            self.sig_failed.emit(
                f"The optimizer failed ({run.errors[0]}); try again, and report "
                "the problem if it persists."
            )
        elif stopped:
            self.sig_cancelled.emit()
        else:
            self.sig_failed.emit(
                "The optimizer stopped without a result; try again with a longer "
                "time limit."
            )
