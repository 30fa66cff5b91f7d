"""Dispatch on a real database (SQLite and PostgreSQL): one checked transaction."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import pytest

from dispatcher import plan_edits
from dispatcher.day_view import load_day
from dispatcher.dispatching import changes_since_dispatch, dispatch, last_dispatch
from dispatcher.errors import ConcurrencyConflict, StalePlan
from dispatcher.model import (
    OrderStatus,
    Plan,
    RouteStatus,
    TimeWindow,
)
from tests import builders as b
from tests.integration import seed

if TYPE_CHECKING:
    from db.database import Database


@pytest.fixture
def day(database: Database) -> dict[str, Any]:
    """Three vans; Van 1 drives ORD-0..ORD-2, Van 2 drives ORD-3; ORD-4, 5 are new."""
    with database.uow_factory() as uow:
        vans, _, orders = seed.two_routes(uow)
        uow.commit()
    return {
        "vans": [v.id for v in vans],
        "orders": [o.id for o in orders],
        "factory": database.uow_factory,
    }


def stored(factory: Any) -> tuple[Plan, dict[int, OrderStatus], int]:
    """The stored plan, the order statuses and the number of change rows."""
    with factory() as uow:
        plan = uow.plans.get(b.DAY)
        statuses = {o.id: o.status for o in uow.orders.for_date(b.DAY)}
        rows = len(uow.changes.since(0, limit=100_000))
    return plan, statuses, rows


def test_dispatch_saves_statuses_times_and_the_snapshot(day: dict[str, Any]) -> None:
    """Routes and orders dispatched, planned times stored, snapshot read back."""
    factory = day["factory"]
    view = load_day(factory, b.DAY)
    result = dispatch(factory, b.DAY, view.plan_version)

    plan, statuses, _ = stored(factory)
    assert plan.version == plan.dispatched_version == view.plan_version + 1
    assert {r.status for r in plan.routes} == {RouteStatus.DISPATCHED}
    for line in view.routes:
        route = plan.route_of_vehicle(line.vehicle.id)
        assert route is not None
        assert [s.planned_arrival for s in route.stops] == pytest.approx(
            [t.arrival for t in line.schedule.stops]
        )
        assert [s.planned_departure for s in route.stops] == pytest.approx(
            [t.departure for t in line.schedule.stops]
        )
    orders = day["orders"]
    assert [statuses[oid] for oid in orders] == [OrderStatus.DISPATCHED] * 4 + [
        OrderStatus.NEW
    ] * 2
    snapshot = last_dispatch(factory, b.DAY)
    assert snapshot == result.snapshot
    assert snapshot is not None
    assert [r.order_ids for r in snapshot.routes] == [
        tuple(orders[:3]),
        (orders[3],),
    ]
    assert snapshot.user == "tester"
    with factory() as uow:
        history = uow.changes.for_entity("order", str(orders[0]))
    assert [c.after for c in history][-1] == {"status": "dispatched"}
    assert changes_since_dispatch(load_day(factory, b.DAY), snapshot).empty


def test_a_stale_dispatch_writes_nothing(day: dict[str, Any]) -> None:
    """Somebody edited the plan since it was read: StalePlan, nothing stored."""
    factory = day["factory"]
    version = load_day(factory, b.DAY).plan_version
    plan_edits.move_orders(
        factory, b.DAY, version, [day["orders"][4]], day["vans"][1], None
    )
    before = stored(factory)
    with pytest.raises(StalePlan, match="reload it, check the routes"):
        dispatch(factory, b.DAY, version)
    assert stored(factory) == before
    assert last_dispatch(factory, b.DAY) is None


def test_an_edit_after_dispatch_is_in_the_diff(day: dict[str, Any]) -> None:
    """Dispatch, move ORD-2 to Van 2: removed from Van 1, added to Van 2."""
    factory = day["factory"]
    result = dispatch(factory, b.DAY, load_day(factory, b.DAY).plan_version)
    moved = day["orders"][2]
    plan_edits.move_orders(
        factory, b.DAY, result.plan.version, [moved], day["vans"][1], 0
    )
    plan, statuses, _ = stored(factory)
    assert plan.dispatched_version == result.plan.version
    assert statuses[moved] is OrderStatus.DISPATCHED
    diff = changes_since_dispatch(load_day(factory, b.DAY), result.snapshot)
    van1 = diff.vehicle(day["vans"][0])
    van2 = diff.vehicle(day["vans"][1])
    assert van1 is not None
    assert van2 is not None
    assert [(r.order_id, r.to_vehicle) for r in van1.removed] == [(moved, "Van 2")]
    assert [(a.order_id, a.position) for a in van2.added] == [(moved, 1)]


def test_update_many_saves_versions_and_windows(database: Database) -> None:
    """Many orders in one call: new versions, new windows, in input order."""
    with database.uow_factory() as uow:
        _, orders = seed.orders(uow, 3)
        uow.commit()
    edited = [
        dataclasses.replace(
            o, status=OrderStatus.PLANNED, windows=(TimeWindow(600 + i, 700),)
        )
        for i, o in enumerate(orders)
    ]
    with database.uow_factory() as uow:
        saved = uow.orders.update_many(list(reversed(edited)))
        uow.commit()
    assert [o.id for o in saved] == [o.id for o in reversed(orders)]
    with database.uow_factory() as uow:
        back = uow.orders.for_date(b.DAY)
    assert [(o.version, o.status, o.windows) for o in back] == [
        (2, OrderStatus.PLANNED, (TimeWindow(600 + i, 700),)) for i in range(3)
    ]


def test_update_many_refuses_a_stale_order_and_names_it(database: Database) -> None:
    """One order saved meanwhile: ConcurrencyConflict naming it, nothing kept."""
    with database.uow_factory() as uow:
        _, orders = seed.orders(uow, 3)
        uow.commit()
    with database.uow_factory() as uow:
        uow.orders.update(dataclasses.replace(orders[1], notes="changed elsewhere"))
        uow.commit()
    with (
        database.uow_factory() as uow,
        pytest.raises(ConcurrencyConflict, match="ORD-1 was changed by someone else"),
    ):
        uow.orders.update_many(
            [dataclasses.replace(o, status=OrderStatus.PLANNED) for o in orders]
        )
    with database.uow_factory() as uow:
        back = uow.orders.for_date(b.DAY)
    assert [(o.version, o.status) for o in back] == [
        (1, OrderStatus.NEW),
        (2, OrderStatus.NEW),
        (1, OrderStatus.NEW),
    ]


def test_recalling_an_emptied_route(day: dict[str, Any]) -> None:
    """Van 2 emptied after dispatch and dispatched alone: planned again, not held."""
    factory = day["factory"]
    result = dispatch(factory, b.DAY, load_day(factory, b.DAY).plan_version)
    edit = plan_edits.move_orders(
        factory, b.DAY, result.plan.version, [day["orders"][3]], None, None
    )
    recall = dispatch(factory, b.DAY, edit.plan.version, [day["vans"][1]])
    plan, statuses, _ = stored(factory)
    van2 = plan.route_of_vehicle(day["vans"][1])
    assert van2 is not None
    assert (van2.stops, van2.status) == ((), RouteStatus.PLANNED)
    assert statuses[day["orders"][3]] is OrderStatus.NEW
    assert last_dispatch(factory, b.DAY) == recall.snapshot
    assert [r.vehicle_id for r in recall.snapshot.routes] == [day["vans"][0]]
