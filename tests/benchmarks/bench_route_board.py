"""Benchmark of the route board: showing a day, and one drag between lanes.

For each size it builds a demo database (``dispatcher.demo``, the given
vehicles), puts every open order of the day on a route (a sweep around the
depot, so lanes are full), shows the board at 1600×900 offscreen and reports
the median of

* ``set_day``: ``RouteBoardModel.set_day`` alone (every lane and card built),
* ``show_day``: ``set_day`` with the board attached, until it is painted,
* ``with_plan``: ``DayView.with_plan`` after moving one stop between two routes,
* ``refresh``: ``RouteBoardModel.refresh`` of those two lanes,
* ``repaint``: the board's layout and paint after the refresh,
* ``drag``: ``with_plan`` + ``refresh`` + ``repaint``, what follows a drop once
  the service has saved the edit (see ``bench_edits.py`` for the service).

The edits are pure (``dispatcher.planning``), so the database is only read.

Usage::

    python tests/benchmarks/bench_route_board.py --orders 250 500 1000 2000
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from db.database import open_database
from db.engine import sqlite_url
from dispatcher import plan_edits, planning
from dispatcher.changes import PlanChanges
from dispatcher.day_view import load_day
from dispatcher.demo import DemoConfig, generate, load_dataset
from dispatcher.model import OPEN_ORDER_STATUSES, Plan
from ui.assets import stylesheet
from ui.models.route_board_model import RouteBoardModel
from ui.selection import OrderSelection
from ui.views.route_board import RouteBoard

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

    from db.database import Database
    from dispatcher.day_view import DayView

SIZE = (1600, 900)


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000.0


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds an action takes, and what it returned."""
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def build_demo(path: Path, orders: int, vehicles: int) -> tuple[Database, dt.date]:
    """A demo database with every open order of its day on a route."""
    import datetime as dt

    day = dt.date(2026, 11, 24)  # a Tuesday
    fresh = not path.exists()
    database = open_database(sqlite_url(path), actor="bench")
    if fresh:
        print(f"  building {path.name} ...", file=sys.stderr)
        config = DemoConfig(
            day, orders_per_day=orders, history_days=0, vehicles=vehicles
        )
        load_dataset(database.uow_factory, generate(config))
        plan_everything(database, day)
    return database, day


def plan_everything(database: Database, day: dt.date) -> None:
    """Spread the day's unplanned open orders over the fleet by angle."""
    view = load_day(database.uow_factory, day)
    open_ids = [
        line
        for line in view.lines
        if line.vehicle_name is None and line.order.status in OPEN_ORDER_STATUSES
    ]
    if not open_ids:
        return
    lat0 = sum(line.customer.location.lat for line in open_ids) / len(open_ids)
    lon0 = sum(line.customer.location.lon for line in open_ids) / len(open_ids)
    open_ids.sort(
        key=lambda line: math.atan2(
            line.customer.location.lat - lat0, line.customer.location.lon - lon0
        )
    )
    vehicles = sorted(view.vehicles)
    chunk = math.ceil(len(open_ids) / len(vehicles))
    for i, vehicle_id in enumerate(vehicles):
        picks = [line.order.id for line in open_ids[i * chunk : (i + 1) * chunk]]
        if picks:
            edit = plan_edits.move_orders(
                database.uow_factory, day, view.plan_version, picks, vehicle_id, None
            )
            view = view.with_plan(edit.plan, edit.changes.vehicles, edit.orders)


def plan_of(view: DayView) -> Plan:
    """The plan a day view shows."""
    return Plan(view.date, tuple(r.route for r in view.routes), view.plan_version)


def move_one(view: DayView, source: int, target: int) -> tuple[DayView, PlanChanges]:
    """Move the first free stop of route ``source`` into the middle of ``target``."""
    routes = view.routes
    src, dst = routes[source].route, routes[target].route
    mover = next(s.order_id for s in src.stops if not s.locked)
    plan = planning.move_orders(
        plan_of(view), [mover], dst.vehicle_id, len(dst.stops) // 2
    )
    plan = Plan(plan.date, plan.routes, plan.version + 1)
    vehicles = frozenset({src.vehicle_id, dst.vehicle_id})
    orders = frozenset(src.order_ids) | frozenset(dst.order_ids)
    changes = PlanChanges(view.date, plan.version, vehicles, orders)
    return view.with_plan(plan, vehicles), changes


def bench(app: QApplication, database: Database, day: dt.date, repeat: int) -> dict:
    """Median milliseconds of each step on one database."""
    view = load_day(database.uow_factory, day)
    samples: dict[str, list[float]] = {
        k: []
        for k in ("set_day", "show_day", "with_plan", "refresh", "repaint", "drag")
    }
    alone = RouteBoardModel()
    for _ in range(repeat):
        samples["set_day"].append(timed(lambda: alone.set_day(view))[0])

    model = RouteBoardModel()
    board = RouteBoard(model, OrderSelection())
    board.resize(*SIZE)
    board.show()
    app.processEvents()

    def show() -> None:
        model.set_day(view)
        app.processEvents()
        board.repaint()

    for _ in range(repeat):
        samples["show_day"].append(timed(show)[0])

    for i in range(repeat):
        # Back and forth between the first two routes (both lanes on screen).
        source, target = (0, 1) if i % 2 == 0 else (1, 0)
        start = time.perf_counter()
        view, changes = move_one(view, source, target)
        timed_at = time.perf_counter()
        model.refresh(view, changes)
        refreshed_at = time.perf_counter()
        app.processEvents()
        board.repaint()
        painted_at = time.perf_counter()
        samples["with_plan"].append(timed_at - start)
        samples["refresh"].append(refreshed_at - timed_at)
        samples["repaint"].append(painted_at - refreshed_at)
        samples["drag"].append(painted_at - start)
    board.close()
    counts = {
        "orders": len(view.lines),
        "stops": sum(len(r.route.stops) for r in view.routes),
        "vehicles": len(view.vehicles),
    }
    return counts | {name: _median_ms(values) for name, values in samples.items()}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one line per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, nargs="+", default=[250, 500, 1000, 2000])
    parser.add_argument(
        "--vehicles",
        type=int,
        nargs="+",
        help="fleet per size (default: 14, or one van per 50 orders)",
    )
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--folder", type=Path, help="where SQLite demos are kept")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    app.setStyleSheet(stylesheet())
    fleets = args.vehicles or [max(14, n // 50) for n in args.orders]

    steps = ("set_day", "show_day", "with_plan", "refresh", "repaint", "drag")
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.folder or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        print(
            f"{'orders':>7} {'stops':>6} {'vans':>5}"
            + "".join(f" {s + ' ms':>13}" for s in steps)
        )
        for orders, vehicles in zip(args.orders, fleets, strict=True):
            path = folder / f"bench-board-{orders}-{vehicles}.sqlite3"
            database, day = build_demo(path, orders, vehicles)
            try:
                result = bench(app, database, day, args.repeat)
            finally:
                database.dispose()
            print(
                f"{result['orders']:>7} {result['stops']:>6} {result['vehicles']:>5}"
                + "".join(f" {result[s]:>13.2f}" for s in steps)
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
