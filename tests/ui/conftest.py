"""Fixtures of the Qt tests: hand-made day views and an isolated settings file.

QtWebEngine must be imported, and the map's URL scheme registered, before the
QApplication exists (pytest-qt makes it on first use), so both happen here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

import pytest

with contextlib.suppress(ImportError):
    import PySide6.QtWebEngineWidgets  # noqa: F401

    from ui.map.scheme import register_schemes

    # The map's app:// scheme must be known before the QApplication exists.
    register_schemes()

from PySide6.QtCore import QSettings

from db.database import open_database
from db.engine import sqlite_url
from dispatcher.day_view import DayTotals, DayView, OrderLine
from dispatcher.model import (
    CustomerId,
    Load,
    OrderId,
    OrderKind,
    OrderStatus,
    Plan,
    Priority,
    Route,
    RouteId,
    Stop,
    StopId,
    TimeWindow,
)
from dispatcher.ports import NEW_ID
from tests import builders as b
from tests.integration import seed

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from db.database import Database


def make_lines() -> tuple[OrderLine, ...]:
    """Four orders covering every kind of cell: planned, late, unassigned, pickup."""
    bakery = b.customer(
        id=CustomerId(1), name="Boulangerie Martin", contact_name="Anne", phone="0401"
    )
    pharmacy = b.customer(
        id=CustomerId(2),
        name="Pharmacie du Parc",
        address="5 Avenue Foch, 69006 Lyon",
        skills=frozenset({"cold_chain"}),
    )
    depot_shop = b.customer(
        id=CustomerId(3),
        name="Atelier Vélo",
        address="12 Quai Saint-Vincent, 69001 Lyon",
        receiving_hours=tuple(
            (TimeWindow(420, 600), TimeWindow(840, 960)) for _ in range(7)
        ),
    )
    return (
        OrderLine(
            b.order(
                id=OrderId(11),
                reference="ORD-0002",
                customer_id=bakery.id,
                demand=Load(120, 0.8, 1),
                status=OrderStatus.PLANNED,
                priority=Priority.MUST,
                notes="Door code 4711",
            ),
            bakery,
            vehicle_name="Van 2",
            sequence=3,
            eta=565.0,
        ),
        OrderLine(
            b.order(
                id=OrderId(12),
                reference="ORD-0010",
                customer_id=pharmacy.id,
                demand=Load(8.5, 0.1, 0),
                windows=(TimeWindow(480, 540),),
                status=OrderStatus.PLANNED,
                skills=frozenset({"tail_lift"}),
                service_minutes=25,
            ),
            pharmacy,
            vehicle_name="Van 10",
            sequence=1,
            eta=561.4,
            lateness=21.4,
        ),
        OrderLine(
            b.order(
                id=OrderId(13),
                reference="ORD-0001",
                customer_id=depot_shop.id,
                windows=(),
                demand=Load(1500, 4, 2),
                priority=Priority.OPTIONAL,
            ),
            depot_shop,
        ),
        OrderLine(
            b.order(
                id=OrderId(14),
                reference="ORD-0100",
                customer_id=bakery.id,
                kind=OrderKind.PICKUP,
                status=OrderStatus.DELIVERED,
                service_minutes=5,
            ),
            bakery,
            vehicle_name="Van 2",
            sequence=1,
            eta=495.0,
        ),
    )


def make_day(
    day: dt.date = b.DAY, lines: tuple[OrderLine, ...] | None = None
) -> DayView:
    """A day view over ``lines`` (default ``make_lines()``) with matching totals."""
    lines = make_lines() if lines is None else lines
    lines = tuple(
        dataclasses.replace(line, order=dataclasses.replace(line.order, date=day))
        for line in lines
    )
    planned = sum(1 for line in lines if line.vehicle_name)
    totals = DayTotals(
        orders=len(lines),
        planned=planned,
        unassigned=len(lines) - planned,
        km=123.45,
        cost=678.9,
        late=sum(1 for line in lines if line.lateness > 0),
    )
    return DayView(day, 3, lines, (), totals)


@pytest.fixture
def lines() -> tuple[OrderLine, ...]:
    """The hand-made order lines of ``make_lines``."""
    return make_lines()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """A settings file of this test only, so tests never touch the user's."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    """A SQLite file: 5 orders on ``b.DAY`` (2 on Van 1's route), 1 the day after."""
    db = open_database(sqlite_url(tmp_path / "depot-east.sqlite3"), actor="tester")
    with db.uow_factory() as uow:
        van, _ = seed.fleet(uow, vehicles=2)
        _, orders = seed.orders(uow, 5)
        seed.orders(uow, 1, b.DAY + dt.timedelta(days=1))
        stops = tuple(
            Stop(StopId(NEW_ID), order.id, seq)
            for seq, order in enumerate(orders[:2], 1)
        )
        uow.plans.save(Plan(b.DAY, (Route(RouteId(NEW_ID), b.DAY, van.id, stops),)))
        uow.commit()
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small demo database of ``b.DAY`` (a Tuesday), built once per test run."""
    from ui.cli.gui_command import ensure_demo_database

    folder = tmp_path_factory.mktemp("demo")
    return ensure_demo_database(b.DAY, folder, orders_per_day=40, history_days=2)


@pytest.fixture
def demo_database(demo_url: str) -> Iterator[Database]:
    """The demo database, opened for one test."""
    db = open_database(demo_url, actor="tester")
    yield db
    db.dispose()
