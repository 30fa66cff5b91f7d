"""Plan edit services on a real database: undo and redo round trips are exact."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import pytest

from dispatcher import plan_edits, planning
from dispatcher.errors import StalePlan
from dispatcher.model import (
    OrderStatus,
    Plan,
    Route,
    RouteId,
    Stop,
    StopId,
)
from dispatcher.ports import NEW_ID
from tests import builders as b
from tests.integration import seed

if TYPE_CHECKING:
    from collections.abc import Callable

    from db.database import Database
    from dispatcher.model import OrderId, VehicleId

Snapshot = tuple[object, ...]


@pytest.fixture
def day(database: Database) -> dict[str, Any]:
    """Three vans; Van 1 drives ORD-0..ORD-2 (planned, ORD-1 locked); ORD-3..5 new."""
    with database.uow_factory() as uow:
        vans = seed.fleet(uow, vehicles=3)
        _, orders = seed.orders(uow, 6)
        for order in orders[:3]:
            uow.orders.update(dataclasses.replace(order, status=OrderStatus.PLANNED))
        stops = tuple(
            Stop(
                StopId(NEW_ID), o.id, seq, locked=seq == 2, planned_arrival=500.0 + seq
            )
            for seq, o in enumerate(orders[:3], 1)
        )
        uow.plans.save(Plan(b.DAY, (Route(RouteId(NEW_ID), b.DAY, vans[0].id, stops),)))
        uow.commit()
    return {
        "vans": [v.id for v in vans],
        "orders": [o.id for o in orders],
        "factory": database.uow_factory,
    }


def snapshot(factory: Any, *, stop_ids: bool = True) -> Snapshot:
    """What the database holds for the day: routes, stops, order statuses.

    Versions are left out (every edit, undo included, is a new transaction that
    counts them up). Stop ids are compared unless the edit took an order off the
    plan, whose stop then comes back as a new row.
    """
    with factory() as uow:
        plan = uow.plans.get(b.DAY)
        orders = uow.orders.for_date(b.DAY)
    routes = tuple(
        (
            r.id,
            r.vehicle_id,
            r.driver_id,
            r.status,
            r.locked,
            tuple(
                (
                    s.id if stop_ids else None,
                    s.order_id,
                    s.sequence,
                    s.locked,
                    s.planned_arrival,
                    s.planned_departure,
                )
                for s in r.stops
            ),
        )
        for r in plan.routes
    )
    return routes, tuple((o.id, o.status) for o in orders)


def version(factory: Any) -> int:
    """The stored plan version."""
    with factory() as uow:
        return uow.plans.get(b.DAY).version


EDITS: dict[
    str, Callable[[Any, int, list[VehicleId], list[OrderId]], plan_edits.PlanEdit]
] = {
    "move-to-a-new-route": lambda f, v, vans, o: plan_edits.move_orders(
        f, b.DAY, v, [o[0], o[4]], vans[1], 0
    ),
    "reorder-around-a-locked-stop": lambda f, v, vans, o: plan_edits.move_orders(
        f, b.DAY, v, [o[2]], vans[0], 0
    ),
    "unassign": lambda f, v, vans, o: plan_edits.move_orders(
        f, b.DAY, v, [o[2], o[0]], None, None
    ),
    "assign-from-unassigned": lambda f, v, vans, o: plan_edits.move_orders(
        f, b.DAY, v, [o[5], o[3]], vans[0], 1
    ),
    "lock-stops": lambda f, v, vans, o: plan_edits.set_stops_locked(
        f, b.DAY, v, [o[0], o[1]], True
    ),
    "unlock-stop": lambda f, v, vans, o: plan_edits.set_stops_locked(
        f, b.DAY, v, [o[1]], False
    ),
    "lock-route": lambda f, v, vans, o: plan_edits.set_route_locked(
        f, b.DAY, v, vans[0], True
    ),
    "lock-idle-van": lambda f, v, vans, o: plan_edits.set_route_locked(
        f, b.DAY, v, vans[2], True
    ),
    "replace-routes": lambda f, v, vans, o: plan_edits.replace_routes(
        f, b.DAY, v, {vans[0]: [o[3], o[1]], vans[1]: [o[2], o[0]]}
    ),
}
UNASSIGNING = {"unassign", "replace-routes"}


@pytest.mark.parametrize("name", list(EDITS))
def test_undo_and_redo_leave_the_database_exactly_as_before(
    day: dict[str, Any], name: str
) -> None:
    """Edit, undo -> the stored day as before; redo -> as after the edit."""
    factory = day["factory"]
    keep_ids = name not in UNASSIGNING
    original = snapshot(factory, stop_ids=keep_ids)
    edit = EDITS[name](factory, version(factory), day["vans"], day["orders"])
    assert edit.changed
    edited = snapshot(factory, stop_ids=keep_ids)
    assert edited != original

    plan_edits.restore_routes(
        factory, b.DAY, version(factory), edit.before, edit.before_statuses
    )
    assert snapshot(factory, stop_ids=keep_ids) == original
    plan_edits.restore_routes(
        factory, b.DAY, version(factory), edit.after, edit.after_statuses
    )
    redone = snapshot(factory, stop_ids=False)
    assert redone[1] == edited[1]
    # A route the edit created comes back as a new row: compare without route ids.
    assert [r[1:] for r in redone[0]] == [
        (*r[1:5], tuple((None, *s[1:]) for s in r[5])) for r in edited[0]
    ]


def test_a_move_writes_route_and_status_change_rows(day: dict[str, Any]) -> None:
    """One row per changed route and per order whose status moved, dated."""
    factory, vans, orders = day["factory"], day["vans"], day["orders"]
    edit = plan_edits.move_orders(factory, b.DAY, 1, [orders[3]], vans[1], None)
    with factory() as uow:
        route = uow.plans.get(b.DAY).route_of_vehicle(vans[1])
        assert route is not None
        (route_row,) = uow.changes.for_entity("route", str(route.id))
        (order_row,) = uow.changes.for_entity("order", str(orders[3]))
    assert route_row.after == {
        "vehicle_id": vans[1],
        "plan_version": 2,
        "order_ids": [orders[3]],
        "locked": False,
        "locked_order_ids": [],
    }
    assert (order_row.before, order_row.after) == (
        {"status": "new"},
        {"status": "planned", "plan_version": 2},
    )
    assert route_row.plan_date == order_row.plan_date == b.DAY
    assert edit.orders[0].status is OrderStatus.PLANNED


def test_a_stale_edit_writes_nothing(day: dict[str, Any]) -> None:
    """An edit made against an older version raises StalePlan, nothing stored."""
    factory, vans, orders = day["factory"], day["vans"], day["orders"]
    plan_edits.move_orders(factory, b.DAY, 1, [orders[3]], vans[1], None)
    before = snapshot(factory)
    with factory() as uow:
        rows = len(uow.changes.since(0))
    with pytest.raises(StalePlan, match="changed by someone else"):
        plan_edits.move_orders(factory, b.DAY, 1, [orders[4]], vans[1], None)
    assert snapshot(factory) == before
    with factory() as uow:
        assert len(uow.changes.since(0)) == rows


def test_an_undo_over_a_change_it_did_not_make_writes_nothing(
    day: dict[str, Any],
) -> None:
    """Undo expects the routes as its step left them: a later move onto the same
    van, even at the version the caller holds, makes it refuse; nothing stored."""
    factory, vans, orders = day["factory"], day["vans"], day["orders"]
    edit = plan_edits.move_orders(factory, b.DAY, 1, [orders[3]], vans[1], None)
    plan_edits.move_orders(factory, b.DAY, version(factory), [orders[4]], vans[1], None)
    before = snapshot(factory)
    with pytest.raises(StalePlan, match="changed by someone else"):
        plan_edits.restore_routes(
            factory,
            b.DAY,
            version(factory),
            edit.before,
            edit.before_statuses,
            expect=edit.after,
        )
    assert snapshot(factory) == before
    with factory() as uow:
        route = uow.plans.get(b.DAY).route_of_vehicle(vans[1])
    assert route is not None
    assert route.order_ids == (orders[3], orders[4])


def test_save_after_get_writes_only_the_changed_routes(day: dict[str, Any]) -> None:
    """A plan saved in the transaction it was read in: untouched routes stay as read."""
    factory, vans, orders = day["factory"], day["vans"], day["orders"]
    plan_edits.move_orders(factory, b.DAY, 1, [orders[3]], vans[1], None)
    plan_edits.move_orders(factory, b.DAY, 2, [orders[4]], vans[2], None)
    with factory() as uow:
        plan = uow.plans.get(b.DAY)
        edited = planning.move_orders(plan, [orders[4]], vans[1], 0)
        saved = uow.plans.save(edited)
        uow.commit()
    van1, van2, van3 = (saved.route_of_vehicle(v) for v in vans)
    assert van1 is plan.route_of_vehicle(vans[0])  # untouched: the object read
    assert van2 is not None
    assert van3 is not None
    assert van2.order_ids == (orders[4], orders[3])
    assert van3.order_ids == ()
    with factory() as uow:
        stored = uow.plans.get(b.DAY)
    assert stored == saved
    assert [r.version for r in stored.routes] == [1, 2, 2]  # created, then changed


def test_a_rolled_back_save_is_not_taken_for_the_stored_plan(
    day: dict[str, Any],
) -> None:
    """Save, roll back, save another edit of the plan read: only the second is kept."""
    factory, vans, orders = day["factory"], day["vans"], day["orders"]
    with factory() as uow:
        plan = uow.plans.get(b.DAY)
        uow.plans.save(planning.move_orders(plan, [orders[0]], vans[1], None))
        uow.rollback()
        uow.plans.save(planning.move_orders(plan, [orders[3]], vans[2], None))
        uow.commit()
    with factory() as uow:
        stored = uow.plans.get(b.DAY)
    assert [(r.vehicle_id, r.order_ids) for r in stored.routes] == [
        (vans[0], tuple(orders[:3])),
        (vans[2], (orders[3],)),
    ]
