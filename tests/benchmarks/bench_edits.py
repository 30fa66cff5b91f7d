"""Benchmark of a drag between lanes: the service call and the view update.

For each size it builds a demo database (``dispatcher.demo``; 50 orders per
vehicle, so 2,000 orders get 40 vans), loads the day, and then moves one stop
back and forth between two routes. It reports the median of

* ``move_orders``: the service call (one unit of work on the database),
* ``restore_routes``: the undo of that move (a new transaction),
* ``with_plan``: ``DayView.with_plan`` re-timing the two changed routes,
* ``load_day``: reading and timing the whole day (what a reload costs).

Usage::

    python tests/benchmarks/bench_edits.py --orders 250 2000 --folder DIR
    python tests/benchmarks/bench_edits.py --db-url postgresql+psycopg://HOST/DB

``--folder`` keeps the SQLite demo files between runs (they take a while to
build); ``--db-url`` benchmarks an existing, empty PostgreSQL database instead
(a schema per size is created in it). ``--profile`` prints the top functions
of the service call.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import pstats
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from db.database import open_database
from db.engine import sqlite_url
from dispatcher import plan_edits
from dispatcher.day_view import load_day
from dispatcher.demo import DemoConfig, generate, load_dataset

if TYPE_CHECKING:
    from collections.abc import Iterator

    from db.database import Database

DAY = dt.date(2026, 11, 24)
"""A Tuesday: a full working day of the demo."""


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000.0


@contextlib.contextmanager
def postgres_demo(url: str, orders: int) -> Iterator[Database]:
    """A fresh schema on the PostgreSQL server at ``url`` with the demo loaded.

    The schema is dropped afterwards.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"bench_{orders}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    database = open_database(
        scoped.render_as_string(hide_password=False), actor="bench"
    )
    try:
        print(f"  loading the demo into schema {schema} ...", file=sys.stderr)
        dataset = generate(DemoConfig(DAY, orders_per_day=orders, history_days=1))
        load_dataset(database.uow_factory, dataset)
        yield database
    finally:
        database.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextlib.contextmanager
def sqlite_demo(folder: Path, orders: int) -> Iterator[Database]:
    """The demo database of ``orders`` orders in ``folder``, built if missing."""
    path = folder / f"bench-edits-{orders}.sqlite3"
    fresh = not path.exists()
    database = open_database(sqlite_url(path), actor="bench")
    try:
        if fresh:
            print(f"  building {path.name} ...", file=sys.stderr)
            dataset = generate(DemoConfig(DAY, orders_per_day=orders, history_days=1))
            load_dataset(database.uow_factory, dataset)
        yield database
    finally:
        database.dispose()


def bench(database: Database, repeat: int, profile: bool) -> dict[str, float]:
    """Median milliseconds of each step on one database."""
    factory = database.uow_factory
    start = time.perf_counter()
    view = load_day(factory, DAY)
    load_s = time.perf_counter() - start
    routes = sorted(view.routes, key=lambda r: -len(r.route.stops))
    source, target = routes[0].route, routes[1].route
    mover = next(s.order_id for s in source.stops if not s.locked)
    middle = len(target.stops) // 2
    samples: dict[str, list[float]] = {
        "move_orders": [],
        "restore_routes": [],
        "with_plan": [],
        "load_day": [load_s],
    }
    profiler = cProfile.Profile() if profile else None
    for _ in range(repeat):
        if profiler is not None:
            profiler.enable()
        start = time.perf_counter()
        edit = plan_edits.move_orders(
            factory, DAY, view.plan_version, [mover], target.vehicle_id, middle
        )
        samples["move_orders"].append(time.perf_counter() - start)
        if profiler is not None:
            profiler.disable()
        start = time.perf_counter()
        view = view.with_plan(edit.plan, edit.changes.vehicles, edit.orders)
        samples["with_plan"].append(time.perf_counter() - start)
        start = time.perf_counter()
        undo = plan_edits.restore_routes(
            factory, DAY, view.plan_version, edit.before, edit.before_statuses
        )
        samples["restore_routes"].append(time.perf_counter() - start)
        view = view.with_plan(undo.plan, undo.changes.vehicles, undo.orders)
    start = time.perf_counter()
    load_day(factory, DAY)
    samples["load_day"].append(time.perf_counter() - start)
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return {name: _median_ms(values) for name, values in samples.items()}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one line per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, nargs="+", default=[250, 2000])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--folder", type=Path, help="where SQLite demos are kept")
    parser.add_argument("--db-url", help="an empty PostgreSQL database to use")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.folder or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        header = f"{'orders':>7} {'backend':>8}"
        steps = ("move_orders", "restore_routes", "with_plan", "load_day")
        print(header + "".join(f" {s + ' ms':>17}" for s in steps))
        for orders in args.orders:
            if args.db_url:
                demo, backend = postgres_demo(args.db_url, orders), "postgres"
            else:
                demo, backend = sqlite_demo(folder, orders), "sqlite"
            with demo as database:
                result = bench(database, args.repeat, args.profile)
            line = f"{orders:>7} {backend:>8}"
            print(line + "".join(f" {result[s]:>17.2f}" for s in steps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
