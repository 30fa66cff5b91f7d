"""A small fake day to dispatch, for the dispatch service, diff and panel tests.

Three vans (Van 1 driven by Alice), eight customers a few kilometres apart.
Van 1 drives ORD-1..ORD-4 and Van 2 drives ORD-6 (delivered already) and
ORD-5; ORD-7 and ORD-8 are new and on no route; Van 3 is idle.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dispatcher.day_view import load_day
from dispatcher.dispatch_diff import DispatchedRoute, DispatchedStop, DispatchSnapshot
from dispatcher.model import (
    Driver,
    DriverId,
    Location,
    OrderStatus,
    Plan,
    Route,
    RouteId,
    Stop,
    StopId,
)
from dispatcher.ports import NEW_ID
from tests import builders as b
from tests.fakes import fake_uow_factory

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from dispatcher.day_view import DayView
    from dispatcher.model import Change, OrderId, VehicleId

AT = dt.datetime(2026, 11, 24, 6, 12, tzinfo=dt.UTC)
"""When the hand-made snapshots were dispatched."""

ROUTES = {"Van 1": ["ORD-1", "ORD-2", "ORD-3", "ORD-4"], "Van 2": ["ORD-6", "ORD-5"]}
"""The routes of the day as the fixture stores them."""


@dataclass
class DispatchDay:
    """The fake day described in the module docstring, with helpers to read it."""

    factory: Any
    vans: dict[str, VehicleId]
    orders: dict[str, OrderId]

    @property
    def store(self) -> Any:
        """The committed state."""
        return self.factory.store

    def ids(self, *references: str) -> list[OrderId]:
        """Order ids by reference."""
        return [self.orders[r] for r in references]

    def plan(self) -> Plan:
        """The stored plan."""
        return self.store.plans[b.DAY]  # type: ignore[no-any-return]

    def route(self, van: str) -> Route:
        """The stored route of a van."""
        route = self.plan().route_of_vehicle(self.vans[van])
        assert route is not None
        return route

    def status(self, reference: str) -> OrderStatus:
        """The stored status of an order."""
        return self.store.orders[self.orders[reference]].status  # type: ignore[no-any-return]

    def changes(self) -> list[Change]:
        """Every change row, oldest first."""
        return [self.store.changes[k] for k in sorted(self.store.changes)]

    def view(self) -> DayView:
        """The day as the screens read it."""
        return load_day(self.factory, b.DAY)

    def set_routes(self, routes: Mapping[str, Sequence[str]]) -> None:
        """Store new routes for the vans named (others keep theirs), as an edit would.

        Stops keep their values (planned times) when their order stays planned.
        """
        with self.factory() as uow:
            plan = uow.plans.get(b.DAY)
            stops = {s.order_id: s for r in plan.routes for s in r.stops}
            new = {r.vehicle_id: r for r in plan.routes}
            for van, refs in routes.items():
                vid = self.vans[van]
                old = new.get(vid) or Route(RouteId(NEW_ID), b.DAY, vid)
                new[vid] = dataclasses.replace(
                    old,
                    stops=tuple(
                        dataclasses.replace(
                            stops.get(oid) or Stop(StopId(NEW_ID), oid, 0), sequence=i
                        )
                        for i, oid in enumerate(self.ids(*refs), start=1)
                    ),
                )
            uow.plans.save(dataclasses.replace(plan, routes=tuple(new.values())))
            uow.commit()


def dispatch_day() -> DispatchDay:
    """Build the fake day of the module docstring."""
    factory = fake_uow_factory(actor="alice")
    with factory() as uow:
        depot = uow.fleet.add_depot(b.depot())
        vans = {
            f"Van {i}": uow.fleet.add_vehicle(
                b.vehicle(name=f"Van {i}", depot_id=depot.id)
            ).id
            for i in (1, 2, 3)
        }
        alice = uow.fleet.add_driver(Driver(DriverId(NEW_ID), "Alice"))
        customers = uow.customers.add_many(
            [
                b.customer(
                    name=f"Customer {i}",
                    location=Location(45.74 + i * 0.012, 4.82 + (i % 3) * 0.01),
                )
                for i in range(1, 9)
            ]
        )
        statuses = {"ORD-6": OrderStatus.DELIVERED, "ORD-7": OrderStatus.NEW}
        statuses["ORD-8"] = OrderStatus.NEW
        orders = uow.orders.add_many(
            [
                b.order(
                    reference=f"ORD-{i}",
                    customer_id=c.id,
                    status=statuses.get(f"ORD-{i}", OrderStatus.PLANNED),
                )
                for i, c in enumerate(customers, start=1)
            ]
        )
        ids = {o.reference: o.id for o in orders}
        routes = tuple(
            Route(
                RouteId(NEW_ID),
                b.DAY,
                vans[van],
                tuple(
                    Stop(StopId(NEW_ID), ids[ref], seq)
                    for seq, ref in enumerate(refs, start=1)
                ),
                driver_id=alice.id if van == "Van 1" else None,
            )
            for van, refs in ROUTES.items()
        )
        uow.plans.save(Plan(b.DAY, routes))
        uow.commit()
    return DispatchDay(factory, vans, ids)


def held(view: DayView, *, version: int | None = None) -> DispatchSnapshot:
    """A snapshot of every route of ``view`` as it is timed now (made by hand).

    Built straight from the scheduler's timings, not by the code under test.
    """
    routes = []
    for line in view.routes:
        if not line.route.stops:
            continue
        stops = []
        for oid, timing in zip(line.route.order_ids, line.schedule.stops, strict=True):
            order_line = view.line_of(oid)
            assert order_line is not None
            stops.append(
                DispatchedStop(
                    oid, order_line.order.reference, timing.arrival, timing.departure
                )
            )
        routes.append(
            DispatchedRoute(
                line.vehicle.id,
                line.vehicle.name,
                line.driver.name if line.driver else None,
                view.plan_version if version is None else version,
                tuple(stops),
            )
        )
    vehicles = frozenset(r.vehicle_id for r in routes)
    return DispatchSnapshot(
        view.date, AT, "alice", view.plan_version, tuple(routes), vehicles
    )


def with_arrival(
    snapshot: DispatchSnapshot, order_id: OrderId, minutes: float
) -> DispatchSnapshot:
    """The snapshot with one stop dispatched ``minutes`` later (negative: earlier)."""
    routes = tuple(
        dataclasses.replace(
            route,
            stops=tuple(
                dataclasses.replace(s, arrival=s.arrival + minutes)
                if s.order_id == order_id
                else s
                for s in route.stops
            ),
        )
        for route in snapshot.routes
    )
    return dataclasses.replace(snapshot, routes=routes)
