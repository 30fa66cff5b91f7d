"""Fixtures of the Qt tests: hand-made day views and an isolated settings file.

QtWebEngine must be imported before the QApplication exists (pytest-qt makes it
on first use), so it is imported here when installed.
"""

from __future__ import annotations

import contextlib
import dataclasses
from typing import TYPE_CHECKING

import pytest

with contextlib.suppress(ImportError):
    import PySide6.QtWebEngineWidgets  # noqa: F401

from PySide6.QtCore import QSettings

from dispatcher.day_view import DayTotals, DayView, OrderLine
from dispatcher.model import (
    CustomerId,
    Load,
    OrderId,
    OrderKind,
    OrderStatus,
    Priority,
    TimeWindow,
)
from tests import builders as b

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path


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
