"""Unit of work: transactions, rollback, optimistic concurrency on orders and plans."""

from __future__ import annotations

import dataclasses
import threading
from typing import TYPE_CHECKING

import pytest

from dispatcher.errors import ConcurrencyConflict, NotFound, StalePlan
from dispatcher.model import OrderId, OrderStatus, Plan, Route, Stop, StopId
from dispatcher.ports import NEW_ID
from tests import builders as b
from tests.integration import seed

if TYPE_CHECKING:
    from db.database import Database
    from dispatcher.model import Order


class Boom(Exception):
    """An error raised inside a unit of work on purpose."""


def test_exception_rolls_back(database: Database) -> None:
    """An exception inside the block discards everything the block wrote."""

    def failing_service() -> None:
        with database.uow_factory() as uow:
            seed.orders(uow, 3)
            raise Boom

    with pytest.raises(Boom):
        failing_service()
    with database.uow_factory() as uow:
        assert uow.customers.list() == []
        assert uow.orders.for_date(b.DAY) == []


def test_leaving_without_commit_rolls_back(database: Database) -> None:
    """Only committed work is durable; an explicit rollback discards the rest."""
    with database.uow_factory() as uow:
        uow.customers.add_many([b.customer(name="kept")])
        uow.commit()
        uow.customers.add_many([b.customer(name="rolled back")])
        uow.rollback()
        uow.customers.add_many([b.customer(name="never committed")])
    with database.uow_factory() as uow:
        assert [c.name for c in uow.customers.list()] == ["kept"]


def test_unit_of_work_is_single_use_inside_with(database: Database) -> None:
    """Committing outside the block or entering twice is a programming error."""
    uow = database.uow_factory()
    with pytest.raises(RuntimeError):
        uow.commit()
    with uow, pytest.raises(RuntimeError):
        uow.__enter__()


def test_actor_is_carried(database: Database) -> None:
    """Units of work know who acts, for the change rows services write."""
    assert database.uow_factory().actor == "tester"


@pytest.fixture
def order(database: Database) -> Order:
    """One stored order at version 1."""
    with database.uow_factory() as uow:
        _, (stored,) = seed.orders(uow, 1)
        uow.commit()
    return stored


def test_order_update_conflict(database: Database, order: Order) -> None:
    """Two users edit the same order version: the first wins, the second conflicts."""
    with database.uow_factory() as one, database.uow_factory() as two:
        mine = one.orders.get(order.id)
        theirs = two.orders.get(order.id)
        one.orders.update(dataclasses.replace(mine, notes="call first"))
        one.commit()
        with pytest.raises(ConcurrencyConflict) as raised:
            two.orders.update(dataclasses.replace(theirs, status=OrderStatus.CANCELLED))
    assert not isinstance(raised.value, StalePlan)
    with database.uow_factory() as uow:
        now = uow.orders.get(order.id)
    assert (now.notes, now.status, now.version) == ("call first", OrderStatus.NEW, 2)


def test_updating_a_missing_order_is_not_found(
    database: Database, order: Order
) -> None:
    """An update of an order that does not exist says so rather than conflicting."""
    with database.uow_factory() as uow, pytest.raises(NotFound):
        uow.orders.update(dataclasses.replace(order, id=OrderId(order.id + 100)))


@pytest.mark.parametrize("first_save", [True, False], ids=["first-save", "update"])
def test_concurrent_plan_saves_in_threads(database: Database, first_save: bool) -> None:
    """Two threads save the same plan version at once: exactly one wins."""
    with database.uow_factory() as uow:
        vans = seed.fleet(uow, 2)
        _, orders = seed.orders(uow, 4)
        base = Plan(b.DAY) if first_save else uow.plans.save(Plan(b.DAY))
        uow.commit()
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def dispatcher(van_index: int) -> None:
        stops = tuple(Stop(StopId(NEW_ID), o.id, 0) for o in orders[van_index::2])
        plan = dataclasses.replace(
            base, routes=(Route(NEW_ID, b.DAY, vans[van_index].id, stops),)
        )
        try:
            with database.uow_factory() as uow:
                start.wait(timeout=10)
                uow.plans.save(plan)
                uow.commit()
            outcomes.append("saved")
        except StalePlan:
            outcomes.append("stale")

    threads = [threading.Thread(target=dispatcher, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["saved", "stale"]
    with database.uow_factory() as uow:
        final = uow.plans.get(b.DAY)
    assert final.version == base.version + 1
    assert len(final.routes) == 1
