"""Stress test: several processes edit one day of one database at once.

Each process signs in as its own dispatcher and makes random edits through the
services (move an order between routes or off them, reorder a route, lock or
unlock a stop or a route, edit an order's window or notes). An edit of routes
others did not touch goes on top of their saves (counted as "over others'
saves"); one refused as stale (``ConcurrencyConflict``) is re-read and tried
again; a rule refusal (a locked stop, say) counts and the process picks
another edit. Afterwards the invariants are checked:

* each order is on at most one route, and stop sequences run 1..n;
* versions are monotonic in the change log: plan versions of route rows never
  go down, every saved plan version has a row, and each route and order has
  exactly as many rows as its version;
* replaying the route rows of the change log gives the stored routes (stops
  in order, route and stop locks).

Usage::

    python -m tests.benchmarks.stress_edits                   # SQLite file
    python -m tests.benchmarks.stress_edits --pg URL          # fresh schema
    python -m tests.benchmarks.stress_edits --processes 6 --edits 300

Prints edits per second, conflicts and rule refusals per process and in total.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import multiprocessing
import random
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from db.database import open_database
from db.engine import sqlite_url
from dispatcher import plan_edits, services
from dispatcher.conflicts import plan_version_of
from dispatcher.errors import (
    ConcurrencyConflict,
    DatabaseUnavailable,
    ValidationError,
)
from dispatcher.model import (
    OPEN_ORDER_STATUSES,
    Role,
    TimeWindow,
    User,
    UserId,
)
from dispatcher.ports import NEW_ID
from tests import builders as b

if TYPE_CHECKING:
    from collections.abc import Iterator

    from db.database import Database
    from dispatcher.model import Change, Order, Plan, VehicleId
    from dispatcher.plan_edits import PlanEdit
    from dispatcher.ports import UnitOfWorkFactory

DAY = b.DAY
ADMIN = "stress-admin"


@dataclass(frozen=True)
class Stats:
    """What one process did."""

    login: str
    edits: int
    conflicts: int
    refused: int
    busy: int
    seconds: float
    merged: int = 0
    """Edits saved on top of other processes' saves of other routes."""


def seed(database: Database, processes: int, orders: int, vans: int) -> None:
    """Users, a fleet, ``orders`` orders of ``DAY`` (half on routes), via services."""
    with database.uow_factory() as uow:
        for login in [ADMIN, *(f"stress-{i}" for i in range(processes))]:
            role = Role.ADMIN if login == ADMIN else Role.DISPATCHER
            uow.users.add(User(UserId(NEW_ID), login, login, role))
        depot = uow.fleet.add_depot(b.depot())
        for i in range(vans):
            uow.fleet.add_vehicle(b.vehicle(name=f"Van {i + 1}", depot_id=depot.id))
        (customer,) = uow.customers.add_many([b.customer()])
        uow.commit()
    factory = dataclasses.replace(database, actor=ADMIN).uow_factory
    stored = services.create_orders(
        factory,
        [
            b.order(reference=f"S-{i}", customer_id=customer.id, date=DAY)
            for i in range(orders)
        ],
    )
    with factory() as uow:
        van_ids = [v.id for v in uow.fleet.vehicles()]
    planned = [o.id for o in stored[: orders // 2]]
    sequences = {vid: planned[i :: len(van_ids)] for i, vid in enumerate(van_ids)}
    plan_edits.replace_routes(factory, DAY, 0, sequences)


def _random_edit(
    factory: UnitOfWorkFactory,
    rng: random.Random,
    plan: Plan,
    open_orders: list[Order],
    vans: list[VehicleId],
) -> bool:
    """One random edit of the plan (or of an order) read at ``plan.version``.

    True if it went on top of other users' saves (``PlanEdit.merged``).
    """
    planned = [oid for r in plan.routes for oid in r.order_ids]
    kind = rng.choices(
        ["move", "reorder", "unassign", "lock_stop", "lock_route", "order"],
        weights=[40, 20, 8, 12, 6, 14],
    )[0]
    locked_stops = [s.order_id for r in plan.routes for s in r.stops if s.locked]
    locked_routes = [r for r in plan.routes if r.locked]
    version = plan.version
    edit: PlanEdit | None = None
    if kind == "move" and open_orders:
        order = rng.choice(open_orders)
        van = rng.choice(vans)
        route = plan.route_of_vehicle(van)
        index = rng.randint(0, len(route.stops)) if route else None
        edit = plan_edits.move_orders(factory, DAY, version, [order.id], van, index)
    elif kind == "reorder" and plan.routes:
        route = rng.choice(plan.routes)
        if route.stops:
            oid = rng.choice(route.order_ids)
            index = rng.randint(0, len(route.stops))
            edit = plan_edits.move_orders(
                factory, DAY, version, [oid], route.vehicle_id, index
            )
    elif kind == "unassign" and planned:
        edit = plan_edits.move_orders(
            factory, DAY, version, [rng.choice(planned)], None, None
        )
    elif kind == "lock_stop" and planned:
        # Half the time unlock a locked stop, so locks do not pile up.
        unlock = bool(locked_stops) and rng.random() < 0.5
        stop_order = rng.choice(locked_stops if unlock else planned)
        locked = stop_order in locked_stops
        edit = plan_edits.set_stops_locked(
            factory, DAY, version, [stop_order], not locked
        )
    elif kind == "lock_route" and plan.routes:
        unlock = bool(locked_routes) and rng.random() < 0.5
        route = rng.choice(locked_routes if unlock else plan.routes)
        edit = plan_edits.set_route_locked(
            factory, DAY, version, route.vehicle_id, not route.locked
        )
    elif kind == "order" and open_orders:
        order = rng.choice(open_orders)
        if rng.random() < 0.5:
            start = rng.choice([480, 540, 600])
            edited = dataclasses.replace(
                order, windows=(TimeWindow(start, start + 180),)
            )
        else:
            edited = dataclasses.replace(order, notes=f"note {rng.randint(0, 999)}")
        services.update_order(factory, edited)
    return edit is not None and bool(edit.merged)


def work(url: str, login: str, edits: int, seed_value: int) -> Stats:
    """Make ``edits`` successful random edits as ``login``; retry stale ones."""
    rng = random.Random(seed_value)
    database = open_database(url, actor=login)
    factory = database.uow_factory
    with factory() as uow:
        vans = [v.id for v in uow.fleet.vehicles()]
    done = conflicts = refused = busy = merged = 0
    started = time.perf_counter()
    try:
        while done < edits:
            with factory() as uow:
                plan = uow.plans.get(DAY)
                open_orders = uow.orders.for_date(DAY, OPEN_ORDER_STATUSES)
            try:
                merged += _random_edit(factory, rng, plan, open_orders, vans)
            except ConcurrencyConflict:
                conflicts += 1
                continue
            except DatabaseUnavailable:
                busy += 1
                continue
            except ValidationError:  # a rule refused it (locked stop, say)
                refused += 1
                continue
            done += 1
    finally:
        database.dispose()
    seconds = time.perf_counter() - started
    return Stats(login, done, conflicts, refused, busy, seconds, merged)


def _work(args: tuple[str, str, int, int]) -> Stats:
    return work(*args)


def run(url: str, processes: int, edits: int, seed_value: int = 1) -> list[Stats]:
    """Start ``processes`` worker processes against ``url``; their stats."""
    jobs = [
        (url, f"stress-{i}", edits, seed_value * 1000 + i) for i in range(processes)
    ]
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        return pool.map(_work, jobs)


def check_invariants(database: Database) -> list[str]:
    """Every broken invariant, in words (empty if all hold)."""
    problems: list[str] = []
    with database.uow_factory() as uow:
        plan = uow.plans.get(DAY)
        orders = uow.orders.for_date(DAY)
        changes = uow.changes.since(0, limit=10_000_000)
    seen: dict[int, int] = {}
    for route in plan.routes:
        for stop in route.stops:
            if stop.order_id in seen:
                problems.append(f"order {stop.order_id} is on two routes")
            seen[stop.order_id] = route.vehicle_id
        sequences = [s.sequence for s in route.stops]
        if sequences != list(range(1, len(sequences) + 1)):
            problems.append(f"route {route.id} has stop sequences {sequences}")
    problems += _version_problems(plan, orders, changes)
    problems += _replay_problems(plan, changes)
    return problems


def _version_problems(
    plan: Plan, orders: list[Order], changes: list[Change]
) -> list[str]:
    problems = []
    route_rows = [c for c in changes if c.entity == "route" and c.plan_date == DAY]
    versions = [plan_version_of(c) for c in route_rows]
    if any(v is None for v in versions):
        problems.append("a route row does not name its plan version")
    known = [v for v in versions if v is not None]
    if known != sorted(known):
        problems.append("plan versions in the change log go down")
    if sorted(set(known)) != list(range(1, plan.version + 1)):
        problems.append(
            f"plan versions in the log {sorted(set(known))[:5]}... do not run "
            f"1..{plan.version}"
        )
    per_entity: dict[tuple[str, str], int] = defaultdict(int)
    for change in changes:
        per_entity[(change.entity, change.entity_id)] += 1
    for route in plan.routes:
        rows = per_entity[("route", str(route.id))]
        if rows != route.version:
            problems.append(
                f"route {route.id} is at version {route.version}, {rows} rows"
            )
    for order in orders:
        rows = per_entity[("order", str(order.id))]
        if rows != order.version:
            problems.append(
                f"order {order.id} is at version {order.version}, {rows} rows"
            )
    return problems


def _replay_problems(plan: Plan, changes: list[Change]) -> list[str]:
    """Replay the route rows (by plan version, then id) and compare."""
    replayed: dict[object, tuple[Any, ...]] = {}
    rows = [c for c in changes if c.entity == "route" and c.plan_date == DAY]
    rows.sort(key=lambda c: (plan_version_of(c) or 0, c.id))
    for change in rows:
        state = change.after if change.after is not None else change.before
        assert state is not None
        vehicle = state["vehicle_id"]
        if change.after is None:
            replayed.pop(vehicle, None)
        else:
            replayed[vehicle] = (
                change.after["order_ids"],
                change.after["locked"],
                change.after["locked_order_ids"],
            )
    stored: dict[object, tuple[Any, ...]] = {
        r.vehicle_id: (
            list(r.order_ids),
            r.locked,
            sorted(s.order_id for s in r.stops if s.locked),
        )
        for r in plan.routes
    }
    if replayed != stored:
        wrong = sorted(
            str(v)
            for v in set(replayed) | set(stored)
            if replayed.get(v) != stored.get(v)
        )
        return [f"replaying the change log gives other routes for vehicles {wrong}"]
    return []


@contextlib.contextmanager
def fresh_pg_schema(url: str) -> Iterator[str]:
    """A URL whose search_path is a new schema on ``url``'s server (dropped after)."""
    schema = f"stress_{uuid.uuid4().hex[:12]}"
    admin_url = make_url(url).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield admin_url.update_query_dict(
            {"options": f"-csearch_path={schema}"}
        ).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@dataclass(frozen=True)
class Outcome:
    """A whole stress run: per-process stats, wall time, broken invariants."""

    stats: list[Stats]
    seconds: float
    problems: list[str]

    @property
    def edits(self) -> int:
        """Successful edits of all processes."""
        return sum(s.edits for s in self.stats)

    @property
    def editing_seconds(self) -> float:
        """How long the slowest process edited (process start-up left out)."""
        return max(s.seconds for s in self.stats)

    @property
    def conflicts(self) -> int:
        """Edits refused as stale (then re-read and retried)."""
        return sum(s.conflicts for s in self.stats)


def stress(
    url: str, processes: int, edits: int, *, orders: int = 60, vans: int = 5
) -> Outcome:
    """Seed ``url``, run the processes, check the invariants."""
    database = open_database(url, actor=ADMIN)
    try:
        seed(database, processes, orders, vans)
        started = time.perf_counter()
        stats = run(url, processes, edits)
        seconds = time.perf_counter() - started
        return Outcome(stats, seconds, check_invariants(database))
    finally:
        database.dispose()


def _report(name: str, outcome: Outcome) -> None:
    print(
        f"{name}: {outcome.seconds:.1f} s wall (with start-up), "
        f"{outcome.editing_seconds:.1f} s editing"
    )
    for s in outcome.stats:
        print(
            f"  {s.login}: {s.edits} edits ({s.merged} over others' saves), "
            f"{s.conflicts} conflicts, "
            f"{s.refused} refused by rules, {s.busy} busy, {s.seconds:.1f} s"
        )
    attempts = outcome.edits + outcome.conflicts
    print(
        f"  total: {outcome.edits} edits "
        f"({sum(s.merged for s in outcome.stats)} over others' saves), "
        f"{outcome.edits / outcome.editing_seconds:.1f} edits/s, "
        f"{outcome.conflicts} conflicts "
        f"({outcome.conflicts / max(attempts, 1):.0%} of attempts)"
    )
    print("  invariants: " + ("all hold" if not outcome.problems else "BROKEN"))
    for problem in outcome.problems[:20]:
        print(f"    {problem}")


def main(argv: list[str] | None = None) -> int:
    """Run the stress test on SQLite and/or PostgreSQL and print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=6)
    parser.add_argument("--edits", type=int, default=300, help="per process")
    parser.add_argument("--pg", metavar="URL", help="PostgreSQL server URL")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="skip the single-process run each backend starts with",
    )
    args = parser.parse_args(argv)
    runs = [(1, "baseline, 1 process")] if not args.no_baseline else []
    runs.append((args.processes, f"{args.processes} processes"))
    broken = False
    for backend in ("SQLite", "PostgreSQL"):
        if (backend == "SQLite" and args.no_sqlite) or (
            backend == "PostgreSQL" and not args.pg
        ):
            continue
        for processes, label in runs:
            with _database_url(backend, args.pg) as url:
                outcome = stress(url, processes, args.edits)
            _report(f"{backend} ({label})", outcome)
            broken |= bool(outcome.problems)
    return 1 if broken else 0


@contextlib.contextmanager
def _database_url(backend: str, pg_url: str | None) -> Iterator[str]:
    """A fresh SQLite file or PostgreSQL schema for one run."""
    if backend == "PostgreSQL":
        assert pg_url is not None
        with fresh_pg_schema(pg_url) as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as folder:
        yield sqlite_url(Path(folder) / "stress.sqlite3")


if __name__ == "__main__":
    sys.exit(main())
