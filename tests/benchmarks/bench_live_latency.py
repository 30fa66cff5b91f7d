"""Benchmark: from a commit in process A to the refreshed window in process B.

Process B (this one) shows the demo day in a live main window (offscreen, no
map). Process A (``tests.live_editor``) moves one stop back and forth between
two routes through the plan-edit service, one edit at a time after a random
pause of up to 0.6 s, and reports the wall-clock time right after each
commit. B notes the time at which its window has shown the edit
(``PlanDocument.sig_remote_applied``, emitted after the board, table and
totals were updated). Both backends are measured in the same
run, so they see the same machine load:

* SQLite: the window polls the change table every 0.3 s;
* PostgreSQL: the window's LISTEN connection is woken by the trigger's NOTIFY.

Usage::

    python -m tests.benchmarks.bench_live_latency --edits 50 --orders 250 \\
        --db-url postgresql+psycopg://HOST/DB

Without ``--db-url`` (or ``$DISPATCHER_TEST_PG_URL``) only SQLite is measured.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tests.benchmarks.bench_edits import DAY, postgres_demo, sqlite_demo
from tests.live_editor import Editor

if TYPE_CHECKING:
    from db.database import Database

TIMEOUT_S = 10.0
"""Longest wait for one edit to show before the run is called failed."""


def ensure_dispatcher(database: Database) -> None:
    """Make the benchmark's login a dispatcher (PostgreSQL refuses unknown ones)."""
    from dispatcher.model import Role, User, UserId
    from dispatcher.ports import NEW_ID

    with database.uow_factory() as uow:
        if uow.users.by_login(database.actor) is None:
            uow.users.add(
                User(UserId(NEW_ID), database.actor, database.actor, Role.DISPATCHER)
            )
            uow.commit()


def measure(database: Database, url: str, edits: int) -> list[float]:
    """Seconds from each commit in the other process to this window's refresh."""
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from ui.app import build_main_window

    ensure_dispatcher(database)

    folder = tempfile.mkdtemp(prefix="bench-live-")
    settings = QSettings(str(Path(folder) / "s.ini"), QSettings.Format.IniFormat)
    window = build_main_window(database, settings=settings, with_map=False, live=True)
    window.resize(1400, 850)
    window.show()
    if not window.show_day(DAY):
        raise SystemExit("the demo day cannot be shown")
    view = window.document.view
    routes = sorted(view.routes, key=lambda r: -len(r.route.stops))
    source, target = routes[0].route, routes[1].route
    mover = next(s.order_id for s in source.stops if not s.locked)
    shown: list[float] = []
    window.document.sig_remote_applied.connect(lambda *_args: shown.append(time.time()))
    editor = Editor(url, DAY, actor=database.actor)
    latencies: list[float] = []
    try:
        _settle(QEventLoop, QTimer)
        pauses = random.Random(7)
        for i in range(edits):
            # Real edits come at any moment, not in step with the SQLite poll.
            _wait(QEventLoop, QTimer, int(pauses.uniform(0, 600)))
            shown.clear()
            vehicle = target.vehicle_id if i % 2 == 0 else source.vehicle_id
            editor.send(mover, vehicle)
            loop = QEventLoop()
            deadline = time.monotonic() + TIMEOUT_S
            while not shown and time.monotonic() < deadline:
                loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
            committed = editor.receive()
            if not shown:
                raise SystemExit(f"edit {i + 1} did not show within {TIMEOUT_S} s")
            latencies.append(shown[0] - committed)
    finally:
        editor.close()
        window.close()
    return latencies


def _settle(event_loop: type, timer: type) -> None:
    """Let the feed thread start and the first presence beat pass."""
    _wait(event_loop, timer, 1000)


def _wait(event_loop: type, timer: type, ms: int) -> None:
    """Run the event loop for ``ms`` milliseconds."""
    loop = event_loop()
    timer.singleShot(ms, loop.quit)
    loop.exec()


def report(name: str, latencies: list[float]) -> None:
    """Median, 90th percentile and worst, in milliseconds."""
    ms = sorted(1000 * x for x in latencies)
    p90 = ms[min(len(ms) - 1, int(0.9 * len(ms)))]
    print(
        f"{name:<11} edits={len(ms):3d}  median={statistics.median(ms):7.1f} ms  "
        f"p90={p90:7.1f} ms  worst={ms[-1]:7.1f} ms  best={ms[0]:6.1f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    """Measure both backends and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--orders", type=int, default=250)
    parser.add_argument("--folder", type=Path, help="where the SQLite demo is kept")
    parser.add_argument(
        "--db-url", default=os.environ.get("DISPATCHER_TEST_PG_URL", "")
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.app import create_application

    create_application(sys.argv[:1])
    folder = args.folder or Path(tempfile.mkdtemp(prefix="bench-live-"))
    print(f"{args.edits} edits on a {args.orders}-order demo day", file=sys.stderr)
    with sqlite_demo(folder, args.orders) as database:
        url = database.engine.url.render_as_string(hide_password=False)
        report("SQLite", measure(database, url, args.edits))
    if args.db_url:
        with postgres_demo(args.db_url, args.orders) as database:
            url = database.engine.url.render_as_string(hide_password=False)
            report("PostgreSQL", measure(database, url, args.edits))
    return 0


if __name__ == "__main__":
    sys.exit(main())
