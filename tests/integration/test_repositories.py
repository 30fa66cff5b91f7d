"""Repository round trips: what goes in comes back equal, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

import pytest

from dispatcher.errors import NotFound, ValidationError
from dispatcher.model import (
    BreakRule,
    Change,
    ChangeAction,
    CustomerId,
    Driver,
    FailureReason,
    Load,
    Location,
    OrderId,
    OrderKind,
    OrderStatus,
    Outcome,
    OutcomeResult,
    Priority,
    Role,
    TimeWindow,
    User,
)
from dispatcher.ports import NEW_ID
from tests import builders as b
from tests.integration import seed

if TYPE_CHECKING:
    from db.database import Database
    from db.uow import SqlAlchemyUnitOfWork

BERLIN = dt.timezone(dt.timedelta(hours=1))


def test_fleet_round_trip(database: Database) -> None:
    """Depots, vehicles (every optional field) and drivers come back as stored."""
    with database.uow_factory() as uow:
        depot = uow.fleet.add_depot(b.depot(hours=TimeWindow(300, 1320)))
        other = uow.fleet.add_depot(b.depot(name="Villeurbanne"))
        full = uow.fleet.add_vehicle(
            b.vehicle(
                depot_id=depot.id,
                end_depot_id=other.id,
                skills=frozenset({"cold_chain", "tail_lift"}),
                open_route=True,
                max_duration=600,
                max_distance_km=250.5,
                max_stops=40,
                break_rule=BreakRule(240, 30),
                capacity=Load(1200.5, 14.2, 6),
            )
        )
        plain = uow.fleet.add_vehicle(
            b.vehicle(name="Van 2", depot_id=depot.id, active=False)
        )
        driver = uow.fleet.add_driver(
            Driver(NEW_ID, "Lena", "+33 6 1", device_id="imei-1", vehicle_id=full.id)
        )
        loose = uow.fleet.add_driver(Driver(NEW_ID, "Max"))
        uow.commit()
    with database.uow_factory() as uow:
        assert uow.fleet.depots() == [depot, other]
        assert uow.fleet.vehicles() == [full, plain]
        assert uow.fleet.vehicles(active_only=True) == [full]
        assert uow.fleet.drivers() == [driver, loose]
    assert depot.id != NEW_ID
    assert full.id != plain.id


def test_customer_round_trip_and_update(database: Database) -> None:
    """Customers keep split, closed and multi-window weekdays; update rewrites them."""
    week = (
        (TimeWindow(420, 600), TimeWindow(780, 960)),
        *((TimeWindow(480, 1020),),) * 5,
        (),
    )
    with database.uow_factory() as uow:
        stored = uow.customers.add_many(
            [
                b.customer(
                    receiving_hours=week,
                    skills=frozenset({"tail_lift"}),
                    contact_name="Ana",
                    email="ana@example.com",
                    phone="+33 4 1",
                    notes="dock 3, code 4711",
                ),
                b.customer(name="Second"),
            ]
        )
        uow.commit()
    with database.uow_factory() as uow:
        assert uow.customers.list() == stored
        assert uow.customers.get(stored[0].id) == stored[0]
        assert uow.customers.list([stored[1].id]) == [stored[1]]
        changed = dataclasses.replace(
            stored[0],
            name="Renamed",
            receiving_hours=((),) * 7,
            location=Location(45.0, 5.0),
        )
        uow.customers.update(changed)
        uow.commit()
    with database.uow_factory() as uow:
        assert uow.customers.get(stored[0].id) == changed
        with pytest.raises(NotFound):
            uow.customers.get(CustomerId(9999))


def test_order_round_trip_and_queries(uow: SqlAlchemyUnitOfWork) -> None:
    """Orders keep every field; date, status and range queries select the right ones."""
    (customer,) = uow.customers.add_many([b.customer()])
    day, next_day = b.DAY, b.DAY + dt.timedelta(days=1)
    first = uow.orders.add_many(
        [
            b.order(reference="A", customer_id=customer.id),
            b.order(
                reference="B",
                customer_id=customer.id,
                kind=OrderKind.PICKUP,
                priority=Priority.MUST,
                skills=frozenset({"cold_chain"}),
                status=OrderStatus.PLANNED,
                windows=(TimeWindow(900, 960), TimeWindow(480, 540)),
                notes="fragile",
            ),
            b.order(reference="C", customer_id=customer.id, date=next_day, windows=()),
        ]
    )
    (rebooked,) = uow.orders.add_many(
        [
            b.order(
                reference="A-2",
                customer_id=customer.id,
                date=next_day,
                attempt=2,
                rebook_of=first[0].id,
            )
        ]
    )
    uow.commit()
    # Windows come back sorted, whatever order they were given in.
    expected_b = dataclasses.replace(first[1], windows=tuple(sorted(first[1].windows)))
    assert uow.orders.for_date(day) == [first[0], expected_b]
    assert uow.orders.for_date(day, [OrderStatus.PLANNED]) == [expected_b]
    assert uow.orders.for_date(day, []) == []
    assert uow.orders.between(day, next_day) == [
        first[0],
        expected_b,
        first[2],
        rebooked,
    ]
    assert uow.orders.get(rebooked.id).rebook_of == first[0].id
    with pytest.raises(NotFound):
        uow.orders.get(OrderId(9999))


def test_order_update_bumps_version(database: Database) -> None:
    """An update stores the new fields and windows and returns the next version."""
    with database.uow_factory() as uow:
        _, (order,) = seed.orders(uow, 1)
        uow.commit()
    with database.uow_factory() as uow:
        edited = dataclasses.replace(
            order,
            status=OrderStatus.FAILED,
            windows=(TimeWindow(600, 660),),
            notes="closed",
        )
        saved = uow.orders.update(edited)
        uow.commit()
    assert saved.version == order.version + 1
    with database.uow_factory() as uow:
        assert uow.orders.get(order.id) == saved


def test_outcomes_round_trip(uow: SqlAlchemyUnitOfWork) -> None:
    """Outcomes keep result, reason, proof and place; instants come back in UTC."""
    _, orders = seed.orders(uow, 2)
    at = dt.datetime(2026, 11, 24, 10, 30, tzinfo=BERLIN)
    stored = uow.outcomes.add_many(
        [
            Outcome(
                NEW_ID,
                orders[0].id,
                1,
                OutcomeResult.FAILED,
                at,
                reason=FailureReason.CLOSED,
                note="shutters down",
                location=Location(45.76, 4.83),
            ),
            Outcome(
                NEW_ID,
                orders[0].id,
                2,
                OutcomeResult.DELIVERED,
                at + dt.timedelta(days=1),
                recipient="J. Doe",
            ),
            Outcome(
                NEW_ID,
                orders[1].id,
                1,
                OutcomeResult.ARRIVED,
                at - dt.timedelta(hours=1),
            ),
        ]
    )
    uow.commit()
    back = uow.outcomes.for_orders([orders[0].id, orders[1].id])
    assert back == [stored[2], stored[0], stored[1]]
    assert back[1].at.utcoffset() == dt.timedelta(0)
    assert back[1].at == at
    assert uow.outcomes.for_orders([orders[1].id]) == [stored[2]]


def test_changes_append_and_feed(uow: SqlAlchemyUnitOfWork) -> None:
    """The change log keeps JSON snapshots and serves the feed and entity history."""
    at = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    first = uow.changes.add(
        Change(
            0,
            at,
            "ana",
            "order",
            "7",
            ChangeAction.CREATE,
            b.DAY,
            None,
            {"status": "new"},
        )
    )
    second = uow.changes.add(
        Change(
            0,
            at,
            "max",
            "order",
            "7",
            ChangeAction.UPDATE,
            b.DAY,
            {"status": "new"},
            {"status": "planned", "windows": [[480, 600]]},
        )
    )
    third = uow.changes.add(Change(0, at, "ana", "route", "3", ChangeAction.DELETE))
    uow.commit()
    assert [c.id for c in uow.changes.since(0)] == [first.id, second.id, third.id]
    assert uow.changes.since(first.id, limit=1) == [second]
    history = uow.changes.for_entity("order", "7")
    assert history == [first, second]
    assert (history[0].before, history[1].after) == (
        None,
        {"status": "planned", "windows": [[480, 600]]},
    )


def test_users(uow: SqlAlchemyUnitOfWork) -> None:
    """Users are found by login, listed by login, and a taken login is refused."""
    zoe = uow.users.add(User(NEW_ID, "zoe", "Zoé", Role.MANAGER))
    ana = uow.users.add(User(NEW_ID, "ana", "Ana", Role.DISPATCHER, active=False))
    uow.commit()
    assert uow.users.by_login("zoe") == zoe
    assert uow.users.by_login("nobody") is None
    assert uow.users.list() == [ana, zoe]
    with pytest.raises(ValidationError, match="already exists"):
        uow.users.add(User(NEW_ID, "zoe", "Other", Role.STAFF))


def test_change_snapshots_store_dates_and_sets_as_json(
    uow: SqlAlchemyUnitOfWork,
) -> None:
    """Snapshot values JSON lacks (dates, sets, tuples) are stored in JSON form."""
    at = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    after = {"date": b.DAY, "skills": frozenset({"b", "a"}), "window": (480, 600)}
    change = uow.changes.add(
        Change(0, at, "ana", "order", "8", ChangeAction.UPDATE, after=after)
    )
    uow.commit()
    (back,) = uow.changes.for_entity("order", "8")
    assert back.id == change.id
    assert back.after == {
        "date": "2026-11-24",
        "skills": ["a", "b"],
        "window": [480, 600],
    }


def test_naive_instants_are_taken_as_utc(uow: SqlAlchemyUnitOfWork) -> None:
    """A naive datetime is stored as UTC and read back timezone-aware."""
    _, (order,) = seed.orders(uow, 1)
    naive = dt.datetime(2026, 11, 24, 15, 45)
    (stored,) = uow.outcomes.add_many(
        [Outcome(NEW_ID, order.id, 1, OutcomeResult.DELIVERED, naive)]
    )
    uow.commit()
    (back,) = uow.outcomes.for_orders([order.id])
    assert back.at == naive.replace(tzinfo=dt.UTC)
    assert back.id == stored.id
