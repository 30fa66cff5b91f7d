"""DayView.with_plan: an edited day equals the day read again, for less work."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import pytest

from dispatcher import plan_edits
from dispatcher.day_view import DayTotals, DayView, load_day
from dispatcher.model import (
    Location,
    OrderStatus,
    Plan,
    Route,
    RouteId,
    Stop,
    StopId,
    TimeWindow,
)
from dispatcher.ports import NEW_ID
from tests import builders as b
from tests.fakes import fake_uow_factory

if TYPE_CHECKING:
    from collections.abc import Callable

    from dispatcher.model import OrderId, VehicleId


@pytest.fixture
def factory() -> Any:
    """Three vans, eight orders around Lyon; Van 1 has ORD-1..3, Van 2 ORD-4..5.

    ORD-8 has a window that closes early, so it is late wherever it goes.
    """
    factory = fake_uow_factory()
    with factory() as uow:
        depot = uow.fleet.add_depot(b.depot())
        vans = [
            uow.fleet.add_vehicle(b.vehicle(name=f"Van {i}", depot_id=depot.id))
            for i in (1, 2, 3)
        ]
        customers = uow.customers.add_many(
            [
                b.customer(
                    name=f"Customer {i}",
                    location=Location(45.70 + 0.01 * i, 4.80 + 0.013 * (i % 3)),
                )
                for i in range(8)
            ]
        )
        orders = uow.orders.add_many(
            [
                b.order(
                    reference=f"ORD-{i + 1}",
                    customer_id=c.id,
                    status=OrderStatus.PLANNED if i < 5 else OrderStatus.NEW,
                    windows=(TimeWindow(480, 485),) if i == 7 else (),
                )
                for i, c in enumerate(customers)
            ]
        )

        def route(van: int, picks: list[int]) -> Route:
            stops = tuple(
                Stop(StopId(NEW_ID), orders[i].id, seq)
                for seq, i in enumerate(picks, 1)
            )
            return Route(RouteId(NEW_ID), b.DAY, vans[van].id, stops)

        uow.plans.save(Plan(b.DAY, (route(0, [0, 1, 2]), route(1, [3, 4]))))
        uow.commit()
    return factory


def _ids(view: DayView, *refs: str) -> list[OrderId]:
    by_ref = {line.order.reference: line.order.id for line in view.lines}
    return [by_ref[r] for r in refs]


def _van(view: DayView, name: str) -> VehicleId:
    return next(v.id for v in view.vehicles.values() if v.name == name)


EDITS: dict[str, Callable[[Any, DayView], plan_edits.PlanEdit]] = {
    "between-routes": lambda f, v: plan_edits.move_orders(
        f, b.DAY, v.plan_version, _ids(v, "ORD-2"), _van(v, "Van 2"), 1
    ),
    "within-route": lambda f, v: plan_edits.move_orders(
        f, b.DAY, v.plan_version, _ids(v, "ORD-3"), _van(v, "Van 1"), 0
    ),
    "from-unassigned-to-new-route": lambda f, v: plan_edits.move_orders(
        f, b.DAY, v.plan_version, _ids(v, "ORD-6", "ORD-8"), _van(v, "Van 3"), None
    ),
    "to-unassigned": lambda f, v: plan_edits.move_orders(
        f, b.DAY, v.plan_version, _ids(v, "ORD-4", "ORD-5"), None, None
    ),
    "lock-route": lambda f, v: plan_edits.set_route_locked(
        f, b.DAY, v.plan_version, _van(v, "Van 2"), True
    ),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_with_plan_equals_a_fresh_load(factory: Any, name: str) -> None:
    """After each edit, the updated view equals load_day of the stored plan."""
    view = load_day(factory, b.DAY)
    edit = EDITS[name](factory, view)
    updated = view.with_plan(edit.plan, edit.changes.vehicles, edit.orders)
    fresh = load_day(factory, b.DAY)
    assert updated.lines == fresh.lines
    assert updated.routes == fresh.routes
    assert updated.totals == fresh.totals
    assert updated.plan_version == fresh.plan_version == view.plan_version + 1
    assert updated != view
    for oid in edit.changes.orders:
        assert updated.line_of(oid) == fresh.line_of(oid)


def test_unchanged_routes_and_lines_are_reused(factory: Any) -> None:
    """A move within Van 1 re-times only Van 1: Van 2's objects are kept."""
    view = load_day(factory, b.DAY)
    edit = EDITS["within-route"](factory, view)
    updated = view.with_plan(edit.plan, edit.changes.vehicles, edit.orders)
    van2_before = next(r for r in view.routes if r.vehicle.name == "Van 2")
    van2_after = next(r for r in updated.routes if r.vehicle.name == "Van 2")
    assert van2_after is van2_before
    (ord4,) = _ids(view, "ORD-4")
    assert updated.line_of(ord4) is view.line_of(ord4)


def test_undo_brings_the_view_back(factory: Any) -> None:
    """Applying an edit and its undo to the view gives the original lines back."""
    view = load_day(factory, b.DAY)
    edit = EDITS["from-unassigned-to-new-route"](factory, view)
    edited = view.with_plan(edit.plan, edit.changes.vehicles, edit.orders)
    assert edited.totals.unassigned == view.totals.unassigned - 2
    assert edited.totals.late > view.totals.late  # ORD-8 cannot make its window
    undo = plan_edits.restore_routes(
        factory, b.DAY, edited.plan_version, edit.before, edit.before_statuses
    )
    back = edited.with_plan(undo.plan, undo.changes.vehicles, undo.orders)
    assert [r.vehicle.name for r in back.routes] == ["Van 1", "Van 2"]
    assert [(ln.order.status, ln.vehicle_name, ln.eta) for ln in back.lines] == [
        (ln.order.status, ln.vehicle_name, ln.eta) for ln in view.lines
    ]
    assert back.totals == view.totals


def test_a_hand_made_view_cannot_be_updated() -> None:
    """Without the context of load_day there is nothing to re-time with."""
    view = DayView(b.DAY, 1, (), (), DayTotals(0, 0, 0, 0.0, 0.0, 0))
    with pytest.raises(ValueError, match="without a DayContext"):
        view.with_plan(Plan(b.DAY), [])


def test_with_orders_retimes_the_route_of_an_edited_order(factory: Any) -> None:
    """A saved window change shows like a fresh load: its route is re-timed."""
    view = load_day(factory, b.DAY)
    (ord2,) = _ids(view, "ORD-2")
    line = view.line_of(ord2)
    assert line is not None
    with factory() as uow:
        saved = uow.orders.update(
            dataclasses.replace(line.order, windows=(TimeWindow(900, 960),))
        )
        uow.commit()
    updated, vehicles = view.with_orders([saved])
    fresh = load_day(factory, b.DAY)
    assert vehicles == {_van(view, "Van 1")}
    assert updated.lines == fresh.lines
    assert updated.routes == fresh.routes
    assert updated.totals == fresh.totals
    # ORD-2 now waits until 15:00, so ORD-3 after it is reached later.
    (ord3,) = _ids(view, "ORD-3")
    old_next, new_next = view.line_of(ord3), updated.line_of(ord3)
    assert old_next is not None
    assert new_next is not None
    assert old_next.eta is not None
    assert new_next.eta is not None
    assert new_next.eta > old_next.eta
