"""Benchmark of the whole main window: open a day, filter, and one drag.

For each size it builds (or reuses) a demo database with every open order on a
route (``bench_route_board.build_demo``), opens the real main window offscreen
at 1600×900 and reports the median of

* ``open``: building the window and showing the day until painted (first run
  only: the map's browser page starts once per process, so it is reported too),
* ``filter``: typing a search text into the table's filter and clearing it,
* ``drag``: a drop of one card onto another lane, through the plan document,
  the service (one SQLite transaction) and the refresh of every view, painted,
* ``undo``: undoing that drag, the same way,
* ``map``: from the bridge's push of that drag's changes to the page's report
  that it painted them (two animation frames after applying them); the message
  leaves once the window's own refresh of the drag is done, so this overlaps
  the end of ``drag``, and
  ``bytes``, the size of that push (only the changed routes and stops),
* ``js apply`` and ``js paint``: the page's own clock, from receiving a push to
  having applied it to the layers, and from there to the second animation
  frame (two frames are at least 33 ms at 60 Hz).

The map is included when QtWebEngine is installed; ``--no-map`` leaves it out.
Its paint is measured on a separate timer, after the window has settled, so
the ``drag`` and ``undo`` columns are the same with or without it.

Usage::

    python -m tests.benchmarks.bench_window --orders 250 1000 2000
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from PySide6.QtCore import QEventLoop, QSettings, Qt

from tests.benchmarks.bench_route_board import build_demo
from ui.app import build_main_window, create_application
from ui.models.order_mime import encode_order_ids

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

SIZE = (1600, 900)


def settle(app: QApplication, window: MainWindow) -> None:
    """Lay out and paint everything that is pending."""
    app.processEvents()
    window.repaint()
    app.processEvents()


class MapWatch:
    """Times the map's pushes of changes until the page says they are painted."""

    def __init__(self, window: MainWindow) -> None:
        self.view = window.map_view
        self.pushed_at = 0.0
        self.painted_at = 0.0
        self.painted_seq = 0
        self.sizes: list[int] = []
        self.samples: list[float] = []
        if self.view is not None:
            self.view.bridge.sig_changes_pushed.connect(self._on_pushed)
            self.view.bridge.sig_painted.connect(self._on_painted)

    def _on_pushed(self, payload: str) -> None:
        self.pushed_at = time.perf_counter()
        self.sizes.append(len(payload.encode()))

    def _on_painted(self, seq: int) -> None:
        self.painted_seq = seq
        self.painted_at = time.perf_counter()

    def wait(self, app: QApplication, timeout: float = 10.0) -> None:
        """Process events until the latest push is painted; record its time."""
        if self.view is None:
            return
        deadline = time.perf_counter() + timeout
        while self.painted_seq < self.view.last_push:
            if time.perf_counter() > deadline:
                raise TimeoutError("the map did not report painting the edit")
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 5)
        self.samples.append((self.painted_at - self.pushed_at) * 1000.0)

    def page_timings(self, app: QApplication, last: int) -> tuple[float, float]:
        """Medians of the page's own ``apply`` and ``paint`` ms of ``last`` pushes."""
        if self.view is None:
            return math.nan, math.nan
        found: list[str] = []
        self.view.web_view.page().runJavaScript(
            "JSON.stringify(dispatcherMap.timings())", 0, found.append
        )
        while not found:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 5)
        timings = json.loads(found[0])[-last:]
        return (
            statistics.median(t["apply"] for t in timings),
            statistics.median(t["paint"] for t in timings),
        )

    def wait_ready(self, app: QApplication, timeout: float = 30.0) -> None:
        """Process events until the page has painted the whole day."""
        if self.view is None:
            return
        deadline = time.perf_counter() + timeout
        while self.view.last_push == 0 or self.painted_seq < self.view.last_push:
            if time.perf_counter() > deadline:
                raise TimeoutError("the map did not load")
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 5)


def median_ms(action: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``action`` in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000.0


def bench(
    orders: int, vehicles: int, folder: Path, repeat: int, with_map: bool
) -> dict[str, float]:
    """Measure one size; returns milliseconds per step."""
    app = create_application()
    database, day = build_demo(folder / f"window-{orders}.sqlite3", orders, vehicles)
    settings = QSettings(str(folder / "bench.ini"), QSettings.Format.IniFormat)
    try:
        start = time.perf_counter()
        window = build_main_window(database, settings=settings, with_map=with_map)
        window.resize(*SIZE)
        window.show()
        window.reset_layout()  # the map full height, as on a first start
        window.show_day(day)
        settle(app, window)
        opened = (time.perf_counter() - start) * 1000.0
        watch = MapWatch(window)
        watch.wait_ready(app)

        search = window.toolbar.search_edit

        def filter_once() -> None:
            search.setText("brasserie")
            settle(app, window)
            search.setText("")
            settle(app, window)

        view = window.document.view
        (first, a_route), (second, _) = [
            (r.vehicle.id, r) for r in view.routes if r.route.stops
        ][:2]
        moved = a_route.route.order_ids[0]
        lanes = window.board_model

        def drag() -> None:
            data = encode_order_ids([moved])
            lanes.dropMimeData(
                data, Qt.DropAction.MoveAction, 0, 0, lanes.lane_index(second)
            )
            settle(app, window)

        def undo() -> None:
            window.undo_action.trigger()
            settle(app, window)

        filtered = median_ms(filter_once, repeat) / 2
        drags, undos = [], []
        for _ in range(repeat):
            drags.append(median_ms(drag, 1))
            watch.wait(app)
            undos.append(median_ms(undo, 1))
            watch.wait(app)
        assert first != second
        js_apply, js_paint = watch.page_timings(app, 2 * repeat)
        window.close()
        return {
            "orders": len(view.lines),
            "open": opened,
            "filter": filtered,
            "drag": statistics.median(drags),
            "undo": statistics.median(undos),
            "map": statistics.median(watch.samples) if watch.samples else math.nan,
            "bytes": statistics.median(watch.sizes) if watch.sizes else math.nan,
            "js apply": js_apply,
            "js paint": js_paint,
        }
    finally:
        database.dispose()


def main() -> None:
    """Run the benchmark for every size asked for and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, nargs="+", default=[250, 1000, 2000])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--folder", type=Path, help="keep the demo databases here")
    parser.add_argument("--no-map", action="store_true", help="leave the map out")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.folder or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        header = ("orders", "open ms", "filter ms", "drag ms", "undo ms", "map ms")
        header += ("push B", "js apply", "js paint")
        print("{:>7} {:>9} {:>10} {:>8} {:>8} {:>8} {:>9} {:>9} {:>9}".format(*header))
        for orders in args.orders:
            vehicles = max(14, orders // 50)
            row = bench(orders, vehicles, folder, args.repeat, not args.no_map)
            print(
                f"{row['orders']:>7.0f} {row['open']:>9.0f} {row['filter']:>10.1f}"
                f" {row['drag']:>8.1f} {row['undo']:>8.1f} {row['map']:>8.1f}"
                f" {row['bytes']:>9,.0f} {row['js apply']:>9.1f}"
                f" {row['js paint']:>9.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
