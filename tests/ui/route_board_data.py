"""A small day for the route-board tests: three vans, eight orders, every problem.

Van 1 serves ORD-1, ORD-2 (locked) and ORD-3 (needs a cold-chain vehicle that
Van 1 is not); Van 2 serves ORD-4 (too heavy for a van) and ORD-5 (a window
that closes at 08:05, so it is late); Van 3 is idle. ORD-6 (must), ORD-7 and
ORD-8 are on no route. Built through the in-memory fakes, so the day view is a
real ``load_day`` result that ``with_plan`` can update after real plan edits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dispatcher import plan_edits
from dispatcher.day_view import load_day
from dispatcher.model import (
    Load,
    Location,
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
from tests.fakes import fake_uow_factory

if TYPE_CHECKING:
    from dispatcher.changes import PlanChanges
    from dispatcher.day_view import DayView
    from dispatcher.model import OrderId, VehicleId


def board_factory() -> Any:
    """The stored day described in the module docstring (fake unit of work)."""
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
                    name=f"Customer {i + 1}",
                    location=Location(45.70 + 0.01 * i, 4.80 + 0.013 * (i % 3)),
                )
                for i in range(8)
            ]
        )
        special: dict[int, dict[str, Any]] = {
            2: {"skills": frozenset({"cold_chain"})},
            3: {"demand": Load(5000, 2, 1)},
            4: {"windows": (TimeWindow(480, 485),)},
            5: {"priority": Priority.MUST},
        }
        orders = uow.orders.add_many(
            [
                b.order(
                    reference=f"ORD-{i + 1}",
                    customer_id=c.id,
                    status=OrderStatus.PLANNED if i < 5 else OrderStatus.NEW,
                    **special.get(i, {}),
                )
                for i, c in enumerate(customers)
            ]
        )

        def route(van: int, picks: list[int], locked: tuple[int, ...] = ()) -> Route:
            stops = tuple(
                Stop(StopId(NEW_ID), orders[i].id, seq, locked=i in locked)
                for seq, i in enumerate(picks, 1)
            )
            return Route(RouteId(NEW_ID), b.DAY, vans[van].id, stops)

        plan = Plan(b.DAY, (route(0, [0, 1, 2], locked=(1,)), route(1, [3, 4])))
        uow.plans.save(plan)
        uow.commit()
    return factory


def board_day(factory: Any) -> DayView:
    """The day as the window would load it."""
    return load_day(factory, b.DAY)


def ids(view: DayView, *refs: str) -> list[OrderId]:
    """Order ids by reference."""
    by_ref = {line.order.reference: line.order.id for line in view.lines}
    return [by_ref[ref] for ref in refs]


def van(view: DayView, name: str) -> VehicleId:
    """A vehicle id by name."""
    return next(v.id for v in view.vehicles.values() if v.name == name)


def move(
    factory: Any,
    view: DayView,
    refs: list[str],
    vehicle: str | None,
    index: int | None,
) -> tuple[DayView, PlanChanges]:
    """Move orders for real (as the plan document would) and update the view."""
    target = van(view, vehicle) if vehicle is not None else None
    edit = plan_edits.move_orders(
        factory, b.DAY, view.plan_version, ids(view, *refs), target, index
    )
    return view.with_plan(edit.plan, edit.changes.vehicles, edit.orders), edit.changes
