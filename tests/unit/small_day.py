"""A small day with every kind of route the optimizer must respect, on fakes.

* Van 1 drives ORD-1 (optional), ORD-2, ORD-3; the stop of ORD-3 is locked.
* Van 2 drives ORD-4, ORD-5 on a locked route.
* Van 3 is under way: ORD-6 is delivered, ORD-7 still planned.
* Van 4 is inactive; Van 5 has no route.
* ORD-8 and ORD-9 are new (on no route); ORD-10 is cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dispatcher.day_view import DayView, load_day
from dispatcher.model import (
    Location,
    OrderId,
    OrderStatus,
    Plan,
    Priority,
    Route,
    RouteId,
    Stop,
    StopId,
    VehicleId,
)
from dispatcher.ports import NEW_ID
from tests import builders as b
from tests.fakes import fake_uow_factory


@dataclass
class SmallDay:
    """The fake database, the loaded day and lookups by name."""

    factory: Any
    view: DayView

    def order(self, reference: str) -> OrderId:
        """The id of the order with this reference."""
        return next(
            line.order.id
            for line in self.view.lines
            if line.order.reference == reference
        )

    def orders(self, *references: str) -> list[OrderId]:
        """The ids of several orders, in the given order."""
        return [self.order(r) for r in references]

    def van(self, name: str) -> VehicleId:
        """The id of the vehicle with this name."""
        return next(v.id for v in self.view.vehicles.values() if v.name == name)

    def reload(self) -> DayView:
        """Read the day again (after a saved edit)."""
        self.view = load_day(self.factory, b.DAY)
        return self.view


def small_day() -> SmallDay:
    """Build the day of the module docstring in a fresh fake store."""
    factory = fake_uow_factory()
    with factory() as uow:
        depot = uow.fleet.add_depot(b.depot())
        vans = [
            uow.fleet.add_vehicle(
                b.vehicle(name=f"Van {i}", depot_id=depot.id, active=i != 4)
            )
            for i in range(1, 6)
        ]
        customers = uow.customers.add_many(
            [
                b.customer(
                    name=f"Customer {i}",
                    location=Location(45.72 + 0.008 * i, 4.80 + 0.011 * (i % 4)),
                )
                for i in range(1, 11)
            ]
        )
        status = {6: OrderStatus.DELIVERED, 8: OrderStatus.NEW, 9: OrderStatus.NEW}
        status[10] = OrderStatus.CANCELLED
        orders = uow.orders.add_many(
            [
                b.order(
                    reference=f"ORD-{i}",
                    customer_id=customers[i - 1].id,
                    status=status.get(i, OrderStatus.PLANNED),
                    priority=Priority.OPTIONAL if i == 1 else Priority.NORMAL,
                )
                for i in range(1, 11)
            ]
        )

        def route(van: int, picks: list[int], *, locked: bool = False) -> Route:
            stops = tuple(
                Stop(StopId(NEW_ID), orders[i - 1].id, seq, locked=(i == 3))
                for seq, i in enumerate(picks, 1)
            )
            return Route(RouteId(NEW_ID), b.DAY, vans[van - 1].id, stops, locked=locked)

        uow.plans.save(
            Plan(
                b.DAY,
                (route(1, [1, 2, 3]), route(2, [4, 5], locked=True), route(3, [6, 7])),
            )
        )
        uow.commit()
    return SmallDay(factory, load_day(factory, b.DAY))
