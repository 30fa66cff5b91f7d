"""The day view: a read model of one date's orders and routes for the screens.

``load_day`` reads a date in one unit of work and returns immutable rows the Qt
models can show as they are: each order with its customer, its route and ETA,
and each route timed by the scheduler with its totals. After an edit,
``DayView.with_plan`` re-times only the changed routes and rebuilds only their
orders' lines, so a drag on a 2,000-order day costs a few milliseconds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dispatcher.model import OPEN_ORDER_STATUSES, Plan
from dispatcher.timing import DEFAULT_PROVIDER, DayContext

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Iterator, Mapping, Sequence

    from dispatcher.model import (
        Customer,
        Driver,
        DriverId,
        Order,
        OrderId,
        Route,
        Vehicle,
        VehicleId,
    )
    from dispatcher.ports import UnitOfWorkFactory
    from dispatcher.scheduling import RouteSchedule
    from dispatcher.travel import TravelMatrixProvider


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One order as the order table shows it."""

    order: Order
    customer: Customer
    vehicle_name: str | None = None
    sequence: int | None = None
    eta: float | None = None
    lateness: float = 0.0


@dataclass(frozen=True, slots=True)
class RouteLine:
    """One route with its vehicle, driver and timing."""

    route: Route
    vehicle: Vehicle
    driver: Driver | None
    schedule: RouteSchedule


@dataclass(frozen=True, slots=True)
class DayTotals:
    """The numbers of the day for the status bar."""

    orders: int
    planned: int
    unassigned: int
    km: float
    cost: float
    late: int


@dataclass(frozen=True, slots=True)
class DayView:
    """Everything the main window shows for one date.

    A view made by ``load_day`` also keeps what it was built from (``context``,
    the fleet's ``vehicles`` and ``drivers``), so ``with_plan`` can bring it up
    to date after an edit by re-timing only the changed routes.
    """

    date: dt.date
    plan_version: int
    lines: tuple[OrderLine, ...]
    routes: tuple[RouteLine, ...]
    totals: DayTotals
    context: DayContext | None = field(default=None, compare=False, repr=False)
    vehicles: Mapping[VehicleId, Vehicle] = field(
        default_factory=dict, compare=False, repr=False
    )
    drivers: Mapping[DriverId, Driver] = field(
        default_factory=dict, compare=False, repr=False
    )
    line_index: Mapping[OrderId, int] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Position of each order's line in ``lines`` (filled by ``load_day``)."""

    def line_of(self, order_id: OrderId) -> OrderLine | None:
        """The line of an order, if the day lists it."""
        index = self.line_index or _index_lines(self.lines)
        i = index.get(order_id)
        return self.lines[i] if i is not None else None

    def with_plan(
        self,
        plan: Plan,
        vehicles: Iterable[VehicleId],
        orders: Iterable[Order] = (),
    ) -> DayView:
        """This day after an edit that changed the routes of ``vehicles``.

        Only those routes are re-timed and only the lines of their orders (before
        and after) rebuilt; every other route and line is reused as it is.

        Parameters
        ----------
        plan
            The plan after the edit; only the routes of ``vehicles`` are read.
        vehicles
            The vehicles whose route changed (``PlanChanges.vehicles``).
        orders
            Orders saved by the edit (new status and version), replacing the
            ones the view holds.

        Returns
        -------
        DayView
            A new view at ``plan.version``.

        Raises
        ------
        ValueError
            If this view was not made by ``load_day`` (it has no context), or a
            vehicle joined the fleet since: read the day again then.
        """
        if self.context is None:
            raise ValueError("a day view without a DayContext cannot be updated")
        context = self.context
        updated = {o.id: o for o in orders}
        if updated:
            context = dataclasses.replace(context, orders={**context.orders, **updated})
        changed = set(vehicles)
        unknown = changed - self.vehicles.keys()
        if unknown:
            raise ValueError(f"vehicles {sorted(unknown)} are not in this day view")
        new_routes = {r.vehicle_id: r for r in plan.routes if r.vehicle_id in changed}
        route_lines = [r for r in self.routes if r.vehicle.id not in changed]
        were_on_changed = {
            oid
            for line in self.routes
            if line.vehicle.id in changed
            for oid in line.route.order_ids
        }
        touched = were_on_changed | updated.keys()
        placed: dict[OrderId, _Placement] = {}
        for vid in changed & new_routes.keys():
            route = new_routes[vid]
            line = _route_line(context, self.vehicles[vid], self.drivers, route)
            route_lines.append(line)
            placed.update(_placements(line))
            touched.update(route.order_ids)
        route_lines.sort(key=_route_sort_key)

        index = self.line_index or _index_lines(self.lines)
        lines = list(self.lines)
        unassigned = self.totals.unassigned
        for oid in touched:
            i = index.get(oid)
            if i is None:
                # An order the day did not list (another date's): rebuild all.
                return _build(
                    self.date,
                    plan.version,
                    context,
                    route_lines,
                    self.vehicles,
                    self.drivers,
                )
            old = lines[i]
            order = context.orders[oid]
            if oid in placed:
                new = OrderLine(order, old.customer, *placed[oid])
            elif old.vehicle_name is not None and oid not in were_on_changed:
                new = dataclasses.replace(old, order=order)  # on an unchanged route
            else:
                new = OrderLine(order, old.customer)
            unassigned += _is_unassigned(new) - _is_unassigned(old)
            lines[i] = new
        totals = _totals(len(lines), route_lines, unassigned)
        return dataclasses.replace(
            self,
            plan_version=plan.version,
            lines=tuple(lines),
            routes=tuple(route_lines),
            totals=totals,
            context=context,
            line_index=index,
        )

    def with_orders(
        self, orders: Iterable[Order]
    ) -> tuple[DayView, frozenset[VehicleId]]:
        """This day after orders were saved (e.g. a window edited in the table).

        The routes holding those orders are re-timed, since their ETAs and
        lateness may change; the plan itself did not change.

        Returns
        -------
        tuple[DayView, frozenset[VehicleId]]
            The new view and the vehicles whose routes were re-timed.
        """
        saved = list(orders)
        ids = {o.id for o in saved}
        vehicles = frozenset(
            line.vehicle.id
            for line in self.routes
            if not ids.isdisjoint(line.route.order_ids)
        )
        plan = Plan(
            self.date, tuple(line.route for line in self.routes), self.plan_version
        )
        return self.with_plan(plan, vehicles, saved), vehicles


_Placement = tuple[str, int, float, float]
"""Vehicle name, 1-based position, ETA and lateness of a planned order."""


def _route_sort_key(line: RouteLine) -> tuple[str, int]:
    return (line.vehicle.name, line.vehicle.id)


def _index_lines(lines: Sequence[OrderLine]) -> dict[OrderId, int]:
    return {line.order.id: i for i, line in enumerate(lines)}


def _is_unassigned(line: OrderLine) -> int:
    """1 if the line is an open order on no route, else 0."""
    return int(line.vehicle_name is None and line.order.status in OPEN_ORDER_STATUSES)


def _route_line(
    context: DayContext,
    vehicle: Vehicle,
    drivers: Mapping[DriverId, Driver],
    route: Route,
) -> RouteLine:
    """A route timed by the shared scheduler, with its vehicle and driver."""
    schedule = context.time_route(vehicle, route.order_ids)
    driver = drivers.get(route.driver_id) if route.driver_id is not None else None
    return RouteLine(route, vehicle, driver, schedule)


def _placements(line: RouteLine) -> Iterator[tuple[OrderId, _Placement]]:
    """Where each order of a timed route is, for its order line."""
    name = line.vehicle.name
    for position, (oid, timing) in enumerate(
        zip(line.route.order_ids, line.schedule.stops, strict=True), start=1
    ):
        yield oid, (name, position, timing.arrival, timing.lateness)


def _totals(orders: int, routes: Sequence[RouteLine], unassigned: int) -> DayTotals:
    return DayTotals(
        orders=orders,
        planned=sum(len(r.route.stops) for r in routes),
        unassigned=unassigned,
        km=sum(r.schedule.km for r in routes),
        cost=sum(r.schedule.cost for r in routes),
        late=sum(r.schedule.late_count for r in routes),
    )


def _build(
    day: dt.date,
    plan_version: int,
    context: DayContext,
    route_lines: list[RouteLine],
    vehicles: Mapping[VehicleId, Vehicle],
    drivers: Mapping[DriverId, Driver],
) -> DayView:
    """A whole day view from timed routes: every order line, sorted by reference."""
    placed = dict(p for line in route_lines for p in _placements(line))
    lines = []
    for order in sorted(context.orders.values(), key=lambda o: o.reference):
        customer = context.customers[order.customer_id]
        if order.id in placed:
            lines.append(OrderLine(order, customer, *placed[order.id]))
        else:
            lines.append(OrderLine(order, customer))
    route_lines.sort(key=_route_sort_key)
    unassigned = sum(_is_unassigned(line) for line in lines)
    return DayView(
        day,
        plan_version,
        tuple(lines),
        tuple(route_lines),
        _totals(len(lines), route_lines, unassigned),
        context,
        vehicles,
        drivers,
        _index_lines(lines),
    )


def load_day(
    uow_factory: UnitOfWorkFactory,
    day: dt.date,
    provider: TravelMatrixProvider | None = None,
) -> DayView:
    """Read the orders and plan of ``day`` and time every route.

    Parameters
    ----------
    uow_factory
        Opens the unit of work to read in (nothing is written).
    day
        The plan date.
    provider
        Travel matrices for timing; the offline default when None.

    Returns
    -------
    DayView
        Orders by reference, routes by vehicle name, and the day's totals;
        ``unassigned`` counts open orders that are on no route.
    """
    with uow_factory() as uow:
        orders = uow.orders.for_date(day)
        plan = uow.plans.get(day)
        vehicles = {v.id: v for v in uow.fleet.vehicles()}
        drivers = {d.id: d for d in uow.fleet.drivers()}
        depots = {d.id: d for d in uow.fleet.depots()}
        planned_ids = plan.assigned_order_ids()
        # Routes may hold orders of other statuses (e.g. already delivered).
        missing = planned_ids - {o.id for o in orders}
        orders.extend(uow.orders.get(oid) for oid in sorted(missing))
        customers = {
            c.id: c for c in uow.customers.list({o.customer_id for o in orders})
        }

    context = DayContext(
        orders={o.id: o for o in orders},
        customers=customers,
        depots=depots,
        provider=provider or DEFAULT_PROVIDER,
    )
    route_lines = [
        _route_line(context, vehicles[route.vehicle_id], drivers, route)
        for route in plan.routes
    ]
    return _build(day, plan.version, context, route_lines, vehicles, drivers)
