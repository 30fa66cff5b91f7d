"""Demo data written into a real database and read back (and ``dispatcher demo``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

import ui.cli
from db.database import open_database
from dispatcher.demo import DemoConfig, generate, load_dataset
from dispatcher.model import OrderStatus, RouteStatus

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

    from db.database import Database

TUESDAY = dt.date(2026, 3, 10)
CONFIG = DemoConfig(date=TUESDAY, seed=4, orders_per_day=30, history_days=5)


def test_demo_data_reads_back(database: Database) -> None:
    """Counts, plans, statuses and actual times survive the round trip."""
    dataset = generate(CONFIG)
    summary = load_dataset(database.uow_factory, dataset, login="jdoe")
    dates = sorted({o.date for o in dataset.orders})
    with database.uow_factory() as uow:
        orders = uow.orders.between(dates[0], dates[-1])
        assert len(uow.fleet.depots()) == len(dataset.depots)
        assert len(uow.fleet.vehicles()) == summary.vehicles == len(dataset.vehicles)
        assert len(uow.fleet.drivers()) == len(dataset.drivers)
        assert len(uow.customers.list()) == summary.customers == len(dataset.customers)
        assert len(orders) == summary.orders == len(dataset.orders)
        assert Counter(o.status for o in orders) == Counter(
            o.status for o in dataset.orders
        )
        assert uow.plans.dates() == sorted(p.date for p in dataset.plans)
        outcomes = uow.outcomes.for_orders(o.id for o in orders)
        assert len(outcomes) == summary.outcomes == len(dataset.outcomes)
        assert {u.login for u in uow.users.list()} >= {"jdoe"}

        today = uow.plans.get(TUESDAY)
        local_today = dataset.plan_of(TUESDAY)
        assert local_today is not None
        assert len(today.routes) == len(local_today.routes)
        assert all(r.status is RouteStatus.PLANNED for r in today.routes)
        planned = {o.id for o in uow.orders.for_date(TUESDAY, [OrderStatus.PLANNED])}
        assert planned == set(today.assigned_order_ids())

        yesterday = uow.plans.get(TUESDAY - dt.timedelta(days=1))
        stops = [s for r in yesterday.routes for s in r.stops]
        assert stops
        assert all(r.status is RouteStatus.DONE for r in yesterday.routes)
        arrived = [s for s in stops if s.actual_arrival is not None]
        assert len(arrived) > 0.9 * len(stops)
        local_yesterday = dataset.plan_of(TUESDAY - dt.timedelta(days=1))
        assert local_yesterday is not None
        local_arrivals = sorted(
            s.actual_arrival
            for r in local_yesterday.routes
            for s in r.stops
            if s.actual_arrival is not None
        )
        assert sorted(s.actual_arrival for s in arrived) == local_arrivals


def test_demo_command_seeds_a_new_file_and_refuses_a_used_one(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """'dispatcher demo' fills a new file and prints a summary; a reseed is refused."""
    monkeypatch.setattr(ui.cli, "COMMAND_MODULES", ("demo_command",))
    path = tmp_path / "demo.sqlite3"
    argv = ["demo", "--db", str(path), "--date", "2026-03-10", "--orders", "20"]
    code = ui.cli.main([*argv, "--history-days", "3", "--seed", "2"])
    out = capsys.readouterr().out
    assert code == 0
    assert "today Tuesday 2026-03-10" in out
    database = open_database(str(path), actor="tester")
    try:
        with database.uow_factory() as uow:
            assert uow.orders.for_date(TUESDAY)
            assert len(uow.plans.dates()) == 4
    finally:
        database.dispose()

    code = ui.cli.main(argv)
    assert code == 2
    assert "empty database" in capsys.readouterr().err


def test_demo_command_needs_a_database(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --db the command explains what to give instead of seeding anything."""
    monkeypatch.setattr(ui.cli, "COMMAND_MODULES", ("demo_command",))
    assert ui.cli.main(["demo", "--orders", "5"]) == 2
    assert "--db" in capsys.readouterr().err
