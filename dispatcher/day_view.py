"""The day view: a read model of one date's orders and routes for the screens.

``load_day`` reads a date in one unit of work and returns immutable rows the Qt
models can show as they are: each order with its customer, its route and ETA,
and each route timed by the scheduler with its totals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dispatcher.model import OPEN_ORDER_STATUSES
from dispatcher.timing import DEFAULT_PROVIDER, DayContext

if TYPE_CHECKING:
    import datetime as dt

    from dispatcher.model import Customer, Driver, Order, Route, Vehicle
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
    """Everything the main window shows for one date."""

    date: dt.date
    plan_version: int
    lines: tuple[OrderLine, ...]
    routes: tuple[RouteLine, ...]
    totals: DayTotals


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
        customer_ids = {o.customer_id for o in orders}
        # Routes may hold orders of other statuses (e.g. already delivered).
        missing = planned_ids - {o.id for o in orders}
        orders.extend(uow.orders.get(oid) for oid in sorted(missing))
        customer_ids |= {o.customer_id for o in orders}
        customers = {c.id: c for c in uow.customers.list(customer_ids)}

    context = DayContext(
        orders={o.id: o for o in orders},
        customers=customers,
        depots=depots,
        provider=provider or DEFAULT_PROVIDER,
    )
    route_lines: list[RouteLine] = []
    placed: dict[int, tuple[str, int, float, float]] = {}
    for route in plan.routes:
        vehicle = vehicles[route.vehicle_id]
        schedule = context.time_route(vehicle, route.order_ids)
        driver = drivers.get(route.driver_id) if route.driver_id is not None else None
        route_lines.append(RouteLine(route, vehicle, driver, schedule))
        for position, (oid, timing) in enumerate(
            zip(route.order_ids, schedule.stops, strict=True), start=1
        ):
            placed[oid] = (vehicle.name, position, timing.arrival, timing.lateness)

    lines = []
    for order in sorted(orders, key=lambda o: o.reference):
        customer = customers[order.customer_id]
        if order.id in placed:
            name, position, eta, lateness = placed[order.id]
            lines.append(OrderLine(order, customer, name, position, eta, lateness))
        else:
            lines.append(OrderLine(order, customer))
    route_lines.sort(key=lambda r: r.vehicle.name)
    totals = DayTotals(
        orders=len(lines),
        planned=len(placed),
        unassigned=sum(
            1
            for line in lines
            if line.order.status in OPEN_ORDER_STATUSES and line.order.id not in placed
        ),
        km=sum(r.schedule.km for r in route_lines),
        cost=sum(r.schedule.cost for r in route_lines),
        late=sum(r.schedule.late_count for r in route_lines),
    )
    return DayView(day, plan.version, tuple(lines), tuple(route_lines), totals)
